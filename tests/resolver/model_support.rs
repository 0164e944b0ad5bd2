//! Registries and stacks built directly as model values, for resolver tests that do not
//! need files: a small builder, an independent checker of SPEC §4, and brute force.

#![allow(dead_code)]

use std::collections::{BTreeMap, BTreeSet};

use semver::{Version, VersionReq};
use stackreg::model::{
    Component, Date, Id, Kind, Licence, Lifecycle, Need, Policy, RegistryMeta, Release, Stack,
};
use stackreg::model::{Registry, SourceInfo};

pub fn id(s: &str) -> Id {
    Id::parse(s).unwrap()
}

pub fn v(s: &str) -> Version {
    Version::parse(s).unwrap()
}

pub fn req(s: &str) -> VersionReq {
    VersionReq::parse(s).unwrap()
}

pub fn empty_registry() -> Registry {
    Registry {
        source: SourceInfo {
            source: "memory".into(),
            commit: None,
            path_in_repo: None,
        },
        meta: RegistryMeta {
            name: "test".into(),
            description: String::new(),
        },
        interfaces: BTreeMap::new(),
        components: BTreeMap::new(),
        stacks: BTreeMap::new(),
    }
}

pub fn release(version: &str) -> Release {
    Release {
        version: v(version),
        released: Date::new(2024, 1, 1).unwrap(),
        support_ends: None,
        provides: BTreeMap::new(),
        requires: BTreeMap::new(),
        depends: BTreeMap::new(),
        conflicts: BTreeMap::new(),
        yanked: None,
    }
}

pub fn component(name: &str, releases: Vec<Release>) -> Component {
    let mut releases = releases;
    releases.sort_by(|a, b| a.version.cmp(&b.version));
    Component {
        id: id(name),
        name: name.into(),
        summary: "test".into(),
        supplier: format!("{name} Ltd"),
        licence: Licence::parse("MIT").unwrap(),
        kind: Kind::Saas,
        capabilities: vec![id("testing")],
        lifecycle: Lifecycle::Live,
        assurances: Vec::new(),
        homepage: "https://example.com".into(),
        repository: None,
        releases,
    }
}

pub fn add(reg: &mut Registry, c: Component) {
    reg.components.insert(c.id.clone(), c);
}

pub fn stack(needs: Vec<(&str, Need)>) -> Stack {
    Stack {
        name: "test stack".into(),
        registry: None,
        rev: None,
        allowed_signers: None,
        needs: needs.into_iter().map(|(n, need)| (id(n), need)).collect(),
        policy: Policy::default(),
        prefer: Vec::new(),
        current: BTreeMap::new(),
        contracts: BTreeMap::new(),
    }
}

pub fn need_component(c: &str, r: &str) -> Need {
    Need::Component {
        id: id(c),
        version: req(r),
    }
}

pub fn need_interface(i: &str, r: &str) -> Need {
    Need::Interface {
        id: id(i),
        version: req(r),
    }
}

pub fn need_capability(c: &str) -> Need {
    Need::Capability { id: id(c) }
}

/// A plan as `component → version`.
pub type Assignment = BTreeMap<Id, Version>;

fn meets(reg: &Registry, need: &Need, plan: &Assignment) -> bool {
    plan.iter().any(|(cid, ver)| {
        let c = &reg.components[cid];
        let r = c.releases.iter().find(|r| &r.version == ver).unwrap();
        match need {
            Need::Component { id, version } => cid == id && version.matches(ver),
            Need::Interface { id, version } => {
                r.provides.get(id).is_some_and(|pv| version.matches(pv))
            }
            Need::Capability { id } => c.capabilities.contains(id),
        }
    })
}

/// The policy, written again from SPEC §3 for the checker (not the code under test).
pub fn passes_policy(policy: &Policy, c: &Component) -> bool {
    let lifecycle_ok = match &policy.lifecycle {
        Some(allowed) => allowed.contains(&c.lifecycle),
        None => c.lifecycle != Lifecycle::Retired,
    };
    let open = match c.licence.as_str() {
        "MIT" | "Apache-2.0" | "GPL-2.0-or-later" => true,
        "LicenseRef-Proprietary" => false,
        other => panic!("checker does not know licence {other}"),
    };
    lifecycle_ok
        && (!policy.open_source || open)
        && policy.assurances.iter().all(|a| c.assurances.contains(a))
        && policy.kinds.as_ref().is_none_or(|k| k.contains(&c.kind))
        && !policy.exclude_components.contains(&c.id)
        && !policy
            .exclude_suppliers
            .iter()
            .any(|s| s.eq_ignore_ascii_case(&c.supplier))
}

/// Checks SPEC §4 rules 1–4 (and rule 5 when `minimal`), independently of the resolver.
/// `allowed_yanked` is `[current]` and the lock file: a yanked release may be planned
/// when one of them holds exactly that version.
pub fn check(
    reg: &Registry,
    stack: &Stack,
    plan: &Assignment,
    allowed_yanked: &[&Assignment],
    minimal: bool,
) -> Result<(), String> {
    check_with(reg, stack, plan, allowed_yanked, minimal, None, None)
}

/// SPEC §4 rules 1–6, independently of the resolver: `check_with` (with rule 5), then rule
/// 6 by brute force — for each component that neither `kept` (`[current]` and the lock)
/// names nor is `extra_root`, take it out together with whatever only it kept reachable,
/// and the rest must not be a plan.
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
        let c = &reg.components[cid];
        let Some(r) = c.releases.iter().find(|r| &r.version == ver) else {
            return Err(format!("{cid} has no release {ver}"));
        };
        for (d, range) in &r.depends {
            if !plan.get(d).is_some_and(|dv| range.matches(dv)) {
                return Err(format!("rule 2: {cid} {ver} depends on {d} {range}"));
            }
        }
        for (iface, range) in &r.requires {
            let met = plan.iter().any(|(oid, ov)| {
                oid != cid
                    && reg.components[oid]
                        .releases
                        .iter()
                        .find(|x| &x.version == ov)
                        .and_then(|x| x.provides.get(iface))
                        .is_some_and(|pv| range.matches(pv))
            });
            if !met {
                return Err(format!("rule 2: {cid} {ver} requires {iface} {range}"));
            }
        }
        for (d, range) in &r.conflicts {
            if plan.get(d).is_some_and(|dv| range.matches(dv)) {
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

fn reachable(
    reg: &Registry,
    stack: &Stack,
    plan: &Assignment,
    extra_root: Option<&Id>,
) -> BTreeSet<Id> {
    let release = |cid: &Id| {
        reg.components[cid]
            .releases
            .iter()
            .find(|r| Some(&r.version) == plan.get(cid))
            .unwrap()
    };
    let mut seen = BTreeSet::new();
    let mut todo: Vec<Id> = plan
        .keys()
        .filter(|cid| {
            stack.needs.values().any(|n| {
                let single: Assignment = [((*cid).clone(), plan[*cid].clone())].into();
                meets(reg, n, &single)
            })
        })
        .cloned()
        .collect();
    todo.extend(extra_root.filter(|r| plan.contains_key(*r)).cloned());
    while let Some(cid) = todo.pop() {
        if !seen.insert(cid.clone()) {
            continue;
        }
        let r = release(&cid);
        for d in r.depends.keys() {
            if plan.contains_key(d) {
                todo.push(d.clone());
            }
        }
        for (iface, range) in &r.requires {
            for oid in plan.keys() {
                if oid != &cid
                    && release(oid)
                        .provides
                        .get(iface)
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
