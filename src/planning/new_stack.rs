//! `stack new FILE --name NAME --current ID@VERSION…`: a stack file from what runs today.
//! Each capability the current components serve becomes a capability need (so that
//! alternatives are found), except where several current components share a capability:
//! those become component needs, so that none of them is dropped.

use std::collections::{BTreeMap, BTreeSet};

use semver::{Version, VersionReq};

use super::PlanningError as Error;
use crate::model::Registry;
use crate::model::{Id, Need, Policy, Stack};

/// The new stack, and a note on where each need came from.
#[derive(Debug, Clone, PartialEq)]
pub struct NewStack {
    pub stack: Stack,
    pub notes: BTreeMap<Id, String>,
}

/// The stack named `name` for the `current` releases (each checked against the registry).
pub fn new_stack(
    registry: &Registry,
    name: &str,
    current: &[(Id, Version)],
) -> Result<NewStack, Error> {
    let mut running: BTreeMap<Id, Version> = BTreeMap::new();
    for (id, v) in current {
        if let Some(other) = running.insert(id.clone(), v.clone())
            && &other != v
        {
            return Err(Error::Usage(format!(
                "--current names {id} twice, at {other} and {v}"
            )));
        }
    }
    let mut serving: BTreeMap<&Id, Vec<&Id>> = BTreeMap::new();
    let mut needs: BTreeMap<Id, Need> = BTreeMap::new();
    let mut notes: BTreeMap<Id, String> = BTreeMap::new();
    for id in running.keys() {
        let c = super::component(registry, id.as_str())?;
        if c.capabilities.is_empty() {
            let name = unique(&needs, id);
            notes.insert(name.clone(), "runs today; serves no capability".to_owned());
            needs.insert(
                name,
                Need::Component {
                    id: id.clone(),
                    version: VersionReq::STAR,
                },
            );
        }
        for cap in &c.capabilities {
            serving.entry(cap).or_default().push(id);
        }
    }
    let mut as_component: BTreeMap<&Id, BTreeSet<&Id>> = BTreeMap::new();
    for (cap, ids) in &serving {
        match ids.as_slice() {
            [one] => {
                let name = unique(&needs, cap);
                notes.insert(name.clone(), format!("served today by {one}"));
                needs.insert(name, Need::Capability { id: (*cap).clone() });
            }
            many => {
                for id in many {
                    as_component.entry(id).or_default().insert(cap);
                }
            }
        }
    }
    for (id, caps) in as_component {
        let name = unique(&needs, id);
        let caps: Vec<&str> = caps.iter().map(|c| c.as_str()).collect();
        notes.insert(
            name.clone(),
            format!("{} shared by several current components", caps.join(", ")),
        );
        needs.insert(
            name,
            Need::Component {
                id: id.clone(),
                version: VersionReq::STAR,
            },
        );
    }
    Ok(NewStack {
        stack: Stack {
            name: name.to_owned(),
            registry: None,
            rev: None,
            allowed_signers: None,
            needs,
            policy: Policy::default(),
            prefer: Vec::new(),
            current: running,
            contracts: BTreeMap::new(),
        },
        notes,
    })
}

/// `base`, or `base-2`, `base-3`… when a need of that name exists.
pub(crate) fn unique<V>(taken: &BTreeMap<Id, V>, base: &Id) -> Id {
    if !taken.contains_key(base) {
        return base.clone();
    }
    (2..1000)
        .filter_map(|n| Id::parse(&format!("{base}-{n}")).ok())
        .find(|id| !taken.contains_key(id))
        .unwrap_or_else(|| base.clone())
}
