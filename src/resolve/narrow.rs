//! The first, narrow try of a replacement in `alternatives`: most answers need only the
//! plan, the candidate and what the candidate brings, so the solver runs over that
//! neighbourhood first, and over the whole registry only when it holds no plan.

use std::collections::{BTreeMap, BTreeSet};

use foldhash::{HashSet, HashSetExt as _};

use semver::Version;

use super::Resolver;
use super::dropin::Rest;
use crate::model::{Component, Id, Need, Release};

/// How many providers of an interface the first, narrow try of a replacement considers
/// (in the solver's order of preference) when nothing else at hand provides it.
const STAND_INS: usize = 4;

/// The components a replacement of `x` by `y` is likely to need: the rest of the plan, `y`,
/// providers standing in for what `x` provided, and for what the members of the plan that
/// depend on `x` provided (they may have to go with it); then, closed over, what each
/// component brought in depends on, and the providers of each interface it requires that
/// nothing in the set provides. A guess that keeps the first try small: when it holds no
/// plan, the whole registry is tried.
/// The first `STAND_INS` of `by` in the order a resolution prefers providers
/// (`[prefer]`, then lifecycle, then id).
fn preferred(resolver: &Resolver<'_>, mut by: Vec<u32>) -> impl Iterator<Item = u32> {
    by.sort_unstable();
    by.dedup();
    by.sort_by_cached_key(|&ci| {
        let c = resolver.components[ci as usize];
        (
            resolver.preferred.get(&ci).copied().unwrap_or(usize::MAX),
            c.lifecycle.preference(),
            ci,
        )
    });
    by.into_iter().take(STAND_INS)
}

pub(crate) fn neighbourhood(
    resolver: &Resolver<'_>,
    rest: &Rest<'_>,
    x: &Component,
    y: Option<&Component>,
) -> BTreeSet<Id> {
    let components = &resolver.components;
    let lost = &rest.lost;
    let mut within = vec![false; components.len()];
    let mut provided: HashSet<&str> = HashSet::new();
    let mut queue: Vec<&str> = Vec::new();
    for (c, r) in rest.planned() {
        if let Some(&ci) = resolver.index.get(c.id.as_str()) {
            within[ci as usize] = true;
        }
        let provides = r.provides.keys().map(Id::as_str);
        if lost.contains(&c.id) {
            queue.extend(provides);
        } else {
            provided.extend(provides);
        }
    }
    for r in &x.releases {
        queue.extend(r.provides.keys().map(Id::as_str));
    }
    let mut work: Vec<u32> = Vec::new();
    let bring = |ci: u32, within: &mut Vec<bool>, work: &mut Vec<u32>| {
        if let Some(seen) = within.get_mut(ci as usize)
            && !*seen
        {
            *seen = true;
            work.push(ci);
        }
    };
    if let Some(&ci) = y.and_then(|y| resolver.index.get(y.id.as_str())) {
        bring(ci, &mut within, &mut work);
    }
    for need in resolver.stack.needs.values() {
        if let Need::Capability { id } = need
            && lost.iter().any(|l| {
                resolver
                    .registry
                    .components
                    .get(*l)
                    .is_some_and(|c| c.has_capability(id.as_str()))
            })
        {
            // The candidate meets it, if it serves it; else the servers a resolution
            // prefers stand in, as for an interface (a national catalogue has hundreds).
            if y.is_some_and(|y| y.has_capability(id.as_str())) {
                continue;
            }
            let by: Vec<u32> = resolver
                .serving
                .get(id.as_str())
                .into_iter()
                .flatten()
                .copied()
                .collect();
            for ci in preferred(resolver, by) {
                bring(ci, &mut within, &mut work);
            }
        }
    }
    // Components first, so that an interface one of them provides is not looked for.
    loop {
        if let Some(ci) = work.pop() {
            let c = components[ci as usize];
            for r in &c.releases {
                provided.extend(r.provides.keys().map(Id::as_str));
            }
            for r in &c.releases {
                for dep in r.depends.keys() {
                    if let Some(&di) = resolver.index.get(dep.as_str()) {
                        bring(di, &mut within, &mut work);
                    }
                }
                queue.extend(r.requires.keys().map(Id::as_str));
            }
        } else if let Some(iface) = queue.pop() {
            if provided.insert(iface) {
                let by: Vec<u32> = resolver
                    .providers
                    .get(iface)
                    .into_iter()
                    .flatten()
                    .map(|(ci, _, _)| *ci)
                    .collect();
                for ci in preferred(resolver, by) {
                    bring(ci, &mut within, &mut work);
                }
            }
        } else {
            break;
        }
    }
    within
        .iter()
        .zip(components)
        .filter(|(w, _)| **w)
        .map(|(_, c)| c.id.clone())
        .collect()
}

/// The release of `y` a resolution tries first: its planned version when it is already in
/// the plan, else its kept (`[current]` or locked) version, else its newest release that is
/// not yanked.
pub(crate) fn first_choice<'c>(
    y: &'c Component,
    rest: &Rest<'_>,
    keep: &BTreeMap<Id, Version>,
) -> Option<&'c Release> {
    if let Some(v) = rest.version(&y.id) {
        return y.release(v);
    }
    if let Some(r) = keep.get(&y.id).and_then(|v| y.release(v)) {
        return Some(r);
    }
    y.releases.iter().rev().find(|r| !r.is_yanked())
}
