//! Drop-in replacements (SPEC §5): a component Y replaces X in plan P as a drop-in when some
//! release of Y makes "P without X, plus that release" a plan (SPEC §4 rules 1–6, with X
//! forbidden, Y required and the needs that name X dropped), at the highest such release.
//! Checked directly, release by release, before any solve: exact, and far cheaper.

use std::collections::{BTreeMap, BTreeSet};

use foldhash::{HashMap, HashMapExt as _};

use semver::{Version, VersionReq};

use super::check::check_members;
use super::{Options, Resolver};
use crate::model::Registry;
use crate::model::{Component, Id, Release};

/// A plan, indexed for the questions replacing one of its components asks; built once
/// for all the components of a report.
pub struct PlanIndex<'a> {
    /// Component → planned version.
    pub versions: BTreeMap<Id, Version>,
    /// The planned releases, in component order.
    pub planned: Vec<(&'a Component, &'a Release)>,
    /// Interface → the members providing it, at the version they provide.
    provides: HashMap<&'a str, Vec<(&'a Id, &'a Version)>>,
    /// Component → the members that depend on it.
    dependents: HashMap<&'a str, Vec<&'a Id>>,
}

impl<'a> PlanIndex<'a> {
    /// `plan` (component → version); releases the registry does not have are left out.
    pub fn new(registry: &'a Registry, plan: BTreeMap<Id, Version>) -> Self {
        let planned: Vec<(&Component, &Release)> = plan
            .iter()
            .filter_map(|(id, v)| {
                let c = registry.components.get(id)?;
                Some((c, c.release(v)?))
            })
            .collect();
        let mut provides: HashMap<&str, Vec<(&Id, &Version)>> = HashMap::new();
        let mut dependents: HashMap<&str, Vec<&Id>> = HashMap::new();
        for (c, r) in &planned {
            for (iface, v) in &r.provides {
                provides.entry(iface.as_str()).or_default().push((&c.id, v));
            }
            for d in r.depends.keys() {
                dependents.entry(d.as_str()).or_default().push(&c.id);
            }
        }
        PlanIndex {
            versions: plan,
            planned,
            provides,
            dependents,
        }
    }
}

/// A plan without the component being replaced.
pub struct Rest<'a> {
    index: &'a PlanIndex<'a>,
    x: &'a Id,
    /// The replaced component and the members of the plan that depend on it, directly or
    /// through each other: they cannot stay as they are.
    pub lost: BTreeSet<&'a Id>,
    /// What members of the rest require that only the replaced component provided (or
    /// nothing in the rest but the requiring member itself): a newcomer must provide it.
    orphaned: Vec<(&'a Id, &'a VersionReq)>,
}

impl<'a> Rest<'a> {
    /// The plan of `index` without `x`.
    pub fn new(index: &'a PlanIndex<'a>, x: &'a Id) -> Self {
        let mut lost: BTreeSet<&Id> = BTreeSet::new();
        let mut queue = vec![x];
        while let Some(id) = queue.pop() {
            if lost.insert(id) {
                queue.extend(index.dependents.get(id.as_str()).into_iter().flatten());
            }
        }
        let mut orphaned = Vec::new();
        for (c, r) in index.planned.iter().filter(|(c, _)| &c.id != x) {
            for (iface, range) in &r.requires {
                let met = index
                    .provides
                    .get(iface.as_str())
                    .into_iter()
                    .flatten()
                    .any(|&(p, v)| p != x && p != &c.id && range.matches(v));
                if !met {
                    orphaned.push((iface, range));
                }
            }
        }
        Rest {
            index,
            x,
            lost,
            orphaned,
        }
    }

    /// The whole plan, the replaced component too (component → version).
    pub fn old(&self) -> &'a BTreeMap<Id, Version> {
        &self.index.versions
    }

    /// The planned version of `id`, unless it is the replaced component.
    pub fn version(&self, id: &Id) -> Option<&'a Version> {
        (id != self.x)
            .then(|| self.index.versions.get(id))
            .flatten()
    }

    /// The planned releases but the replaced component's.
    pub fn planned(&self) -> impl Iterator<Item = (&'a Component, &'a Release)> + '_ {
        self.index
            .planned
            .iter()
            .copied()
            .filter(|(c, _)| &c.id != self.x)
    }

    /// Whether release `r` of a newcomer finds everything it depends on and requires in
    /// the rest of the plan as it stands, and provides what the rest required of the
    /// replaced component alone (a necessary condition for a drop-in).
    pub fn supports(&self, r: &Release) -> bool {
        self.orphaned
            .iter()
            .all(|&(iface, range)| r.provides.get(iface).is_some_and(|v| range.matches(v)))
            && r.depends
                .iter()
                .all(|(d, req)| self.version(d).is_some_and(|v| req.matches(v)))
            && r.requires.iter().all(|(i, req)| {
                self.index
                    .provides
                    .get(i.as_str())
                    .is_some_and(|vs| vs.iter().any(|(p, v)| *p != self.x && req.matches(v)))
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
    let mut members: Vec<(&Component, &Release)> =
        rest.planned().filter(|(c, _)| c.id != y.id).collect();
    let cost = 1 + members.len() as u64 / 100;
    // A candidate already in the plan stays at its version, or it is a change.
    let planned = rest.version(&y.id);
    for r in y.releases.iter().rev() {
        if planned.is_some_and(|v| *v != r.version) || !rest.supports(r) {
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
