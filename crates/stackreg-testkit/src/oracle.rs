//! SPEC §4 written again, independently of the resolver: a checker of plans and brute
//! force over every assignment. The tests and the fuzz targets judge the resolver with
//! these, so nothing here calls `stackreg::resolve`; only the model's plain data is read.

use std::collections::{BTreeMap, BTreeSet};

use semver::Version;
use stackreg::model::Registry;
use stackreg::model::{Component, Id, Lifecycle, Need, Policy, Release, Stack};

/// A plan as `component → version`.
pub type Assignment = BTreeMap<Id, Version>;

fn release_of<'a>(reg: &'a Registry, id: &Id, v: &Version) -> Option<&'a Release> {
    reg.components
        .get(id)?
        .releases
        .iter()
        .find(|r| &r.version == v)
}

fn meets(reg: &Registry, need: &Need, plan: &Assignment) -> bool {
    plan.iter().any(|(cid, ver)| {
        let (Some(c), Some(r)) = (reg.components.get(cid), release_of(reg, cid, ver)) else {
            return false;
        };
        match need {
            Need::Component { id, version } => cid == id && version.matches(ver),
            Need::Interface { id, version } => {
                r.provides.get(id).is_some_and(|pv| version.matches(pv))
            }
            Need::Capability { id } => c.capabilities.contains(id),
        }
    })
}

/// Whether a licence is open source, for the licences the generators use (the checker
/// refuses to guess any other).
fn open_source(licence: &str) -> bool {
    match licence {
        "MIT" | "Apache-2.0" | "GPL-2.0-or-later" | "AGPL-3.0-or-later" | "MPL-2.0" => true,
        other if other.starts_with("LicenseRef-") => false,
        other => panic!("the checker does not know licence {other}"),
    }
}

/// Supplier names compared as SPEC §3 says: white space collapsed, ignoring case (the
/// model keeps them in NFKC already).
fn same_supplier(a: &str, b: &str) -> bool {
    let norm = |s: &str| {
        s.split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase()
    };
    norm(a) == norm(b)
}

/// The policy, from SPEC §3's words.
pub fn passes_policy(policy: &Policy, c: &Component) -> bool {
    let lifecycle_ok = match &policy.lifecycle {
        Some(allowed) => allowed.contains(&c.lifecycle),
        None => c.lifecycle != Lifecycle::Retired,
    };
    lifecycle_ok
        && (!policy.open_source || open_source(c.licence.as_str()))
        && policy.assurances.iter().all(|a| c.assurances.contains(a))
        && policy.kinds.as_ref().is_none_or(|k| k.contains(&c.kind))
        && !policy.exclude_components.contains(&c.id)
        && !policy
            .exclude_suppliers
            .iter()
            .any(|s| same_supplier(s, &c.supplier))
}

/// Checks SPEC §4 rules 1–4 (and rule 5 when `minimal`). `allowed_yanked` is `[current]`
/// and the lock file: a yanked release may be planned when one of them holds exactly
/// that version.
pub fn check(
    reg: &Registry,
    stack: &Stack,
    plan: &Assignment,
    allowed_yanked: &[&Assignment],
    minimal: bool,
) -> Result<(), String> {
    check_with(reg, stack, plan, allowed_yanked, minimal, None, None)
}

/// SPEC §4 rules 1–6: `check_with` (with rule 5), then rule 6 by brute force — for each
/// component that neither `kept` (`[current]` and the lock) names nor is `extra_root`,
/// take it out together with whatever only it kept reachable, and the rest must not be a
/// plan.
pub fn check_all(
    reg: &Registry,
    stack: &Stack,
    plan: &Assignment,
    kept: &[&Assignment],
    exempt: Option<&Id>,
    extra_root: Option<&Id>,
) -> Result<(), String> {
    check_with(reg, stack, plan, kept, true, exempt, extra_root)?;
    for c in plan.keys() {
        if kept.iter().any(|k| k.contains_key(c)) || Some(c) == extra_root {
            continue;
        }
        let mut rest = plan.clone();
        rest.remove(c);
        let reached = reachable(reg, stack, &rest, extra_root);
        rest.retain(|k, _| reached.contains(k));
        if check_with(reg, stack, &rest, kept, true, exempt, extra_root).is_ok() {
            return Err(format!(
                "rule 6: without {c} (and what only it reached) {rest:?} is still a plan"
            ));
        }
    }
    Ok(())
}

/// `check`, with one component exempt from the policy and one that is a root of the plan
/// even if no need names it (as an alternative's candidate is).
pub fn check_with(
    reg: &Registry,
    stack: &Stack,
    plan: &Assignment,
    allowed_yanked: &[&Assignment],
    minimal: bool,
    exempt: Option<&Id>,
    extra_root: Option<&Id>,
) -> Result<(), String> {
    for (name, need) in &stack.needs {
        if !meets(reg, need, plan) {
            return Err(format!("rule 1: need {name} is not met"));
        }
    }
    for (cid, ver) in plan {
        let (Some(c), Some(r)) = (reg.components.get(cid), release_of(reg, cid, ver)) else {
            return Err(format!("{cid} {ver} is not in the registry"));
        };
        for (d, range) in &r.depends {
            if !plan.get(d).is_some_and(|dv| range.matches(dv)) {
                return Err(format!("rule 2: {cid} {ver} depends on {d} {range}"));
            }
        }
        for (iface, range) in &r.requires {
            let met = plan.iter().any(|(oid, ov)| {
                oid != cid
                    && release_of(reg, oid, ov)
                        .and_then(|x| x.provides.get(iface))
                        .is_some_and(|pv| range.matches(pv))
            });
            if !met {
                return Err(format!("rule 2: {cid} {ver} requires {iface} {range}"));
            }
        }
        // A release never conflicts with itself (validation refuses a self-conflict, and
        // the fuzz targets resolve registries with findings).
        for (d, range) in &r.conflicts {
            if d != cid && plan.get(d).is_some_and(|dv| range.matches(dv)) {
                return Err(format!("rule 2: {cid} {ver} conflicts with {d} {range}"));
            }
        }
        if exempt != Some(cid) && !passes_policy(&stack.policy, c) {
            return Err(format!("rule 3: {cid} fails the policy"));
        }
        if r.yanked.is_some() && !allowed_yanked.iter().any(|a| a.get(cid) == Some(ver)) {
            return Err(format!("rule 4: {cid} {ver} is yanked"));
        }
    }
    if minimal {
        let reachable = reachable(reg, stack, plan, extra_root);
        if let Some(extra) = plan.keys().find(|k| !reachable.contains(*k)) {
            return Err(format!("rule 5: {extra} is not reachable from a need"));
        }
    }
    Ok(())
}

/// The planned components a need, a `depends` or a `requires` reaches (from the needs and
/// `extra_root`).
fn reachable(
    reg: &Registry,
    stack: &Stack,
    plan: &Assignment,
    extra_root: Option<&Id>,
) -> BTreeSet<Id> {
    let mut seen = BTreeSet::new();
    let mut todo: Vec<Id> = plan
        .iter()
        .filter(|(cid, ver)| {
            let single: Assignment = [((*cid).clone(), (*ver).clone())].into();
            stack.needs.values().any(|n| meets(reg, n, &single))
        })
        .map(|(cid, _)| cid.clone())
        .collect();
    todo.extend(extra_root.filter(|r| plan.contains_key(*r)).cloned());
    while let Some(cid) = todo.pop() {
        if !seen.insert(cid.clone()) {
            continue;
        }
        let Some(r) = plan.get(&cid).and_then(|v| release_of(reg, &cid, v)) else {
            continue;
        };
        for d in r.depends.keys() {
            if plan.contains_key(d) {
                todo.push(d.clone());
            }
        }
        for (iface, range) in &r.requires {
            for (oid, ov) in plan {
                if oid != &cid
                    && release_of(reg, oid, ov)
                        .and_then(|x| x.provides.get(iface))
                        .is_some_and(|pv| range.matches(pv))
                {
                    todo.push(oid.clone());
                }
            }
        }
    }
    seen
}

/// Every assignment of at most one release per component, for brute force.
pub fn all_assignments(reg: &Registry) -> Vec<Assignment> {
    let mut out = vec![Assignment::new()];
    for c in reg.components.values() {
        let mut next = Vec::new();
        for a in &out {
            next.push(a.clone());
            for r in &c.releases {
                let mut b = a.clone();
                b.insert(c.id.clone(), r.version.clone());
                next.push(b);
            }
        }
        out = next;
    }
    out
}

/// Whether any plan exists (rules 1–4, yanked releases allowed where `[current]` holds
/// them), by trying every assignment of at most one release per component and stopping
/// at the first plan; `None` when there are more than `limit` assignments to try.
pub fn any_plan(reg: &Registry, stack: &Stack, limit: usize) -> Option<bool> {
    let components: Vec<&Component> = reg.components.values().collect();
    let mut count: usize = 1;
    for c in &components {
        count = count.checked_mul(c.releases.len() + 1)?;
        if count > limit {
            return None;
        }
    }
    // A mixed-radix counter: digit k is 0 for "not in the plan", else release k - 1.
    let mut digits = vec![0usize; components.len()];
    loop {
        let plan: Assignment = components
            .iter()
            .zip(&digits)
            .filter(|&(_, &d)| d > 0)
            .map(|(c, &d)| (c.id.clone(), c.releases[d - 1].version.clone()))
            .collect();
        if check(reg, stack, &plan, &[&stack.current], false).is_ok() {
            return Some(true);
        }
        let mut k = 0;
        loop {
            let Some(d) = digits.get_mut(k) else {
                return Some(false);
            };
            *d += 1;
            if *d <= components[k].releases.len() {
                break;
            }
            *d = 0;
            k += 1;
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::build::*;

    /// The checker must be able to fail: each rule, broken on purpose.
    #[test]
    fn each_rule_can_fail() {
        let mut reg = empty_registry();
        let mut a1 = release("1.0.0");
        a1.depends.insert(id("b"), req("^2"));
        let mut a2 = release("2.0.0");
        a2.yanked = Some("broken".into());
        add(&mut reg, component("a", vec![a1, a2]));
        add(
            &mut reg,
            component("b", vec![release("1.0.0"), release("2.0.0")]),
        );
        add(&mut reg, component("c", vec![release("1.0.0")]));
        let s = stack(vec![("web", need_component("a", "*"))]);
        let plan = |pairs: &[(&str, &str)]| -> Assignment {
            pairs.iter().map(|(c, ver)| (id(c), v(ver))).collect()
        };
        let none = Assignment::new();
        let err = |p: &Assignment| check(&reg, &s, p, &[&none], true).unwrap_err();
        assert!(err(&plan(&[])).starts_with("rule 1"));
        assert!(err(&plan(&[("a", "1.0.0"), ("b", "1.0.0")])).starts_with("rule 2"));
        assert!(err(&plan(&[("a", "2.0.0")])).starts_with("rule 4"));
        assert!(
            err(&plan(&[("a", "1.0.0"), ("b", "2.0.0"), ("c", "1.0.0")])).starts_with("rule 5")
        );
        assert!(
            check(
                &reg,
                &s,
                &plan(&[("a", "1.0.0"), ("b", "2.0.0")]),
                &[],
                true
            )
            .is_ok()
        );
        let mut closed = s.clone();
        closed.policy.exclude_suppliers = vec!["A  ltd".into()];
        assert!(
            check(
                &reg,
                &closed,
                &plan(&[("a", "1.0.0"), ("b", "2.0.0")]),
                &[],
                true
            )
            .unwrap_err()
            .starts_with("rule 3")
        );
        assert_eq!(any_plan(&reg, &s, 100), Some(true));
        assert_eq!(any_plan(&reg, &closed, 100), Some(false));
        assert_eq!(any_plan(&reg, &s, 5), None);
        assert_eq!(all_assignments(&reg).len(), 3 * 3 * 2);
    }
}
