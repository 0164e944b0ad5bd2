//! `used-by ID[@RANGE] [STACK…]`: which stacks plan or run a component, at which
//! version, and through which need or chain of dependencies — for a vulnerable or
//! end-of-life release, the list of councils to tell.

use std::collections::BTreeMap;

use semver::{Version, VersionReq};
use serde::Serialize;

use crate::model::Registry;
use crate::model::{Id, Stack};
use crate::resolve::{Options, Resolution, ResolveError, Resolver};

/// A stack to look in.
pub struct StackToSearch<'a> {
    /// Where it was read from, as shown.
    pub file: String,
    pub stack: &'a Stack,
    /// Its lock file's versions, if it has one.
    pub lock: Option<BTreeMap<Id, Version>>,
}

/// Where a stack has the component.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Place {
    /// Its plan (what `resolve` gives).
    Plan,
    /// Its `[current]` table.
    Current,
    /// Its lock file.
    Lock,
}

impl Place {
    pub fn as_str(self) -> &'static str {
        match self {
            Place::Plan => "plan",
            Place::Current => "current",
            Place::Lock => "lock",
        }
    }
}

/// One stack's use of one version of the component.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Use {
    pub stack: String,
    pub file: String,
    #[serde(serialize_with = "crate::planning::ser_version")]
    pub version: Version,
    #[serde(rename = "in")]
    pub places: Vec<Place>,
    /// How the plan reaches it: `need x → a 1.0.0 → (requires i ^1) id 2.0.0`.
    pub chains: Vec<String>,
    /// The release is yanked.
    pub yanked: Option<String>,
}

/// The answer, and the stacks that have no plan (only their `[current]` and lock were
/// looked at).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UsedBy {
    pub uses: Vec<Use>,
    pub unresolved: Vec<String>,
}

/// How many chains to a component are listed per stack.
const MAX_CHAINS: usize = 10;

/// Every use of `id` (at a version in `range`) by the `stacks`.
pub fn used_by(
    registry: &Registry,
    stacks: &[StackToSearch<'_>],
    id: &Id,
    range: &VersionReq,
    options: &Options,
) -> Result<UsedBy, ResolveError> {
    let component = registry.components.get(id);
    let mut uses = Vec::new();
    let mut unresolved = Vec::new();
    for s in stacks {
        let mut found: BTreeMap<Version, (Vec<Place>, Vec<String>)> = BTreeMap::new();
        let mut options = Options {
            budget: options.budget.clone(),
            max_steps: options.max_steps,
            ..Options::default()
        };
        options.locked = s.lock.clone().unwrap_or_default();
        match Resolver::new(registry, s.stack).resolve(&options)? {
            Resolution::Resolved(plan) => {
                if let Some(p) = plan.get(id.as_str())
                    && range.matches(&p.version)
                {
                    let (chains, _) = plan.chains_to(id.as_str(), MAX_CHAINS);
                    let entry = found.entry(p.version.clone()).or_default();
                    entry.0.push(Place::Plan);
                    entry.1 = chains.iter().map(chain_text).collect();
                }
            }
            Resolution::Unsatisfiable(_) => unresolved.push(s.file.clone()),
        }
        if let Some(v) = s.stack.current.get(id)
            && range.matches(v)
        {
            found.entry(v.clone()).or_default().0.push(Place::Current);
        }
        if let Some(v) = s.lock.as_ref().and_then(|l| l.get(id))
            && range.matches(v)
        {
            found.entry(v.clone()).or_default().0.push(Place::Lock);
        }
        for (version, (places, chains)) in found {
            let yanked = component
                .and_then(|c| c.release(&version))
                .and_then(|r| r.yanked.clone());
            uses.push(Use {
                stack: s.stack.name.clone(),
                file: s.file.clone(),
                version,
                places,
                chains,
                yanked,
            });
        }
    }
    Ok(UsedBy { uses, unresolved })
}

fn chain_text(c: &crate::resolve::Chain) -> String {
    let mut s = format!("need {}", c.need);
    for step in &c.steps {
        match &step.via {
            Some(via) => s.push_str(&format!(" → ({via}) {} {}", step.component, step.version)),
            None => s.push_str(&format!(" → {} {}", step.component, step.version)),
        }
    }
    s
}

/// `ID`, `ID@VERSION` (exactly that version) or `ID@RANGE` (Cargo's syntax).
pub fn parse_range(spec: &str) -> Result<(&str, VersionReq), String> {
    match spec.split_once('@') {
        None => Ok((spec, VersionReq::STAR)),
        Some((id, r)) => {
            let r = r.trim();
            if let Ok(v) = Version::parse(r) {
                return Ok((id, crate::resolve::whatif::exact(&v)));
            }
            VersionReq::parse(r).map(|req| (id, req)).map_err(|e| {
                format!(
                    "`{}` is not a version or range: {e}",
                    crate::text::escape(r)
                )
            })
        }
    }
}
