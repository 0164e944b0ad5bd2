//! Checking a candidate plan directly against SPEC §4, without the solver: used where an
//! answer can be confirmed by construction (a drop-in alternative is the old plan minus one
//! component plus one release of another), which is far cheaper than solving again.

use std::collections::BTreeMap;

use semver::Version;

use super::{Options, Resolver};
use crate::model::{Component, Id, Release};

/// Whether `plan` (component → version) satisfies SPEC §4 for the resolver's stack under
/// `options`: every need not dropped is met; every `depends`, `requires` (from another
/// component) and `conflicts` holds; every component passes the policy (unless exempt)
/// and is not forbidden; no release is yanked unless kept; and every component is reached
/// from a need or a required component.
pub(crate) fn is_plan(
    resolver: &Resolver<'_>,
    options: &Options,
    keep: &BTreeMap<Id, Version>,
    plan: &BTreeMap<Id, Version>,
) -> bool {
    let registry = resolver.registry;
    let mut chosen: BTreeMap<&Id, (&Component, &Release)> = BTreeMap::new();
    for (id, version) in plan {
        let Some(c) = registry.components.get(id) else {
            return false;
        };
        let Some(r) = c.release(version) else {
            return false;
        };
        chosen.insert(&c.id, (c, r));
    }
    // Rules 3 and 4, and the options' own constraints.
    for (id, (c, r)) in &chosen {
        if options.forbid.contains(*id) {
            return false;
        }
        if !options.policy_exempt.contains(*id) && resolver.stack.policy.check(c).is_some() {
            return false;
        }
        if r.yanked.is_some() && keep.get(*id) != Some(&r.version) {
            return false;
        }
    }
    for (id, req) in &options.require {
        if !chosen.get(id).is_some_and(|(_, r)| req.matches(&r.version)) {
            return false;
        }
    }
    // Rule 2.
    for (id, (_, r)) in &chosen {
        for (dep, req) in &r.depends {
            if !chosen
                .get(dep)
                .is_some_and(|(_, d)| req.matches(&d.version))
            {
                return false;
            }
        }
        for (iface, req) in &r.requires {
            let met = chosen.iter().any(|(other, (_, o))| {
                other != id && o.provides.get(iface).is_some_and(|v| req.matches(v))
            });
            if !met {
                return false;
            }
        }
        for (other, req) in &r.conflicts {
            if chosen
                .get(other)
                .is_some_and(|(_, o)| req.matches(&o.version))
            {
                return false;
            }
        }
    }
    // Rule 1, collecting the releases that meet needs as roots for rule 5.
    let mut roots: Vec<&Id> = options.require.iter().map(|(id, _)| id).collect();
    for (name, need) in &resolver.stack.needs {
        if options.drop_needs.contains(name) {
            continue;
        }
        let meeting: Vec<&Id> = chosen
            .iter()
            .filter(|(_, (c, r))| resolver.meets_release(need, c, r))
            .map(|(id, _)| *id)
            .collect();
        if meeting.is_empty() {
            return false;
        }
        roots.extend(meeting);
    }
    // Rule 5.
    super::plan::reach(&chosen, roots).len() == chosen.len()
}
