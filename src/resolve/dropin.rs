//! Drop-in replacements (SPEC §5): a component Y replaces X in plan P as a drop-in when some
//! release of Y makes "P without X, plus that release" a plan (SPEC §4 rules 1–6, with X
//! forbidden, Y required and the needs that name X dropped), at the highest such release.
//! Checked directly, release by release, before any solve: exact, and far cheaper.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use semver::Version;

use super::check::check_members;
use super::{Options, Resolver};
use crate::model::{Component, Id, Release};
use crate::registry::Registry;

/// A plan without the component being replaced, indexed for the questions each candidate
/// asks of it.
pub struct Rest<'a> {
    /// Component → planned version, without the replaced component.
    pub versions: BTreeMap<Id, Version>,
    /// The planned releases, without the replaced component.
    pub planned: Vec<(&'a Component, &'a Release)>,
    /// Interface → the versions of it the planned releases provide.
    provides: HashMap<&'a str, Vec<&'a Version>>,
    /// The replaced component and the members of the plan that depend on it, directly or
    /// through each other: they cannot stay as they are.
    pub lost: BTreeSet<&'a Id>,
}

impl<'a> Rest<'a> {
    /// `plan` (component → version) without `x`.
    pub fn new(registry: &'a Registry, plan: &BTreeMap<Id, Version>, x: &'a Id) -> Self {
        let planned: Vec<(&Component, &Release)> = plan
            .iter()
            .filter(|(id, _)| *id != x)
            .filter_map(|(id, v)| {
                let c = registry.components.get(id)?;
                Some((c, c.release(v)?))
            })
            .collect();
        let mut lost: BTreeSet<&Id> = BTreeSet::from([x]);
        loop {
            let before = lost.len();
            for (c, r) in &planned {
                if r.depends.keys().any(|d| lost.contains(d)) {
                    lost.insert(&c.id);
                }
            }
            if lost.len() == before {
                break;
            }
        }
        let mut provides: HashMap<&str, Vec<&Version>> = HashMap::new();
        for (_, r) in &planned {
            for (iface, v) in &r.provides {
                provides.entry(iface.as_str()).or_default().push(v);
            }
        }
        let mut versions = plan.clone();
        versions.remove(x);
        Rest {
            versions,
            planned,
            provides,
            lost,
        }
    }

    /// Whether release `r` of a newcomer finds everything it depends on and requires in
    /// the rest of the plan as it stands (a necessary condition for a drop-in).
    pub fn supports(&self, r: &Release) -> bool {
        r.depends
            .iter()
            .all(|(d, req)| self.versions.get(d).is_some_and(|v| req.matches(v)))
            && r.requires.iter().all(|(i, req)| {
                self.provides
                    .get(i.as_str())
                    .is_some_and(|vs| vs.iter().any(|v| req.matches(v)))
            })
    }
}

/// The highest release of `y` that, added to `rest`, makes a plan under `options` (which
/// forbid the replaced component, require `y`, and drop the needs that name the replaced
/// component) — the drop-in release (SPEC §5) — or `None`. `keep` is what `[current]` and
/// the lock hold. Releases are tried newest first, each checked exactly (SPEC §4 rules 1–6);
/// each check is charged to `options.budget`, one step per hundred members.
pub fn drop_in<'c>(
    resolver: &Resolver<'_>,
    options: &Options,
    keep: &BTreeMap<Id, Version>,
    rest: &Rest<'_>,
    y: &'c Component,
) -> Option<&'c Release> {
    // A member of the plan that depends on the replaced component cannot stay as it is.
    if rest.lost.len() > 1 {
        return None;
    }
    let mut members: Vec<(&Component, &Release)> = Vec::with_capacity(rest.planned.len() + 1);
    members.extend(rest.planned.iter().filter(|(c, _)| c.id != y.id).copied());
    let cost = 1 + members.len() as u64 / 100;
    // A candidate already in the plan stays at its version, or it is a change.
    let planned = rest.versions.get(&y.id);
    for r in y.releases.iter().rev() {
        if planned.is_some_and(|v| v != &r.version) || !rest.supports(r) {
            continue;
        }
        options.budget.spend(cost);
        members.push((y, r));
        if check_members(resolver, options, keep, &members).is_ok() {
            return Some(r);
        }
        members.pop();
    }
    None
}
