//! `merge STACK STACK`: the stack of a council formed from two. Needs are joined (needs
//! for the same capability, interface or component become one, their ranges combined),
//! policies made strict (both councils' rules hold), `[current]` taken from both; then
//! where the two run different components for the same need, each direction of
//! consolidating them, and the merged plan against each former council's.

use std::collections::BTreeMap;

use semver::{Version, VersionReq};
use serde::Serialize;

use crate::model::Registry;
use crate::model::{Id, Kind, Lifecycle, Need, Policy, Stack};
use crate::resolve::alternatives::{Change, Fit, alternatives};
use crate::resolve::{Options, Plan, Resolution, ResolveError, Resolver};

/// One former council: its stack and its lock file's versions.
pub struct Council<'a> {
    pub file: String,
    pub stack: &'a Stack,
    pub locked: BTreeMap<Id, Version>,
}

/// The merged stack, and how it was put together.
#[derive(Debug, Clone, PartialEq)]
pub struct MergedStack {
    pub stack: Stack,
    /// Merged need → (the first council's need, the second's).
    pub sources: BTreeMap<Id, (Option<Id>, Option<Id>)>,
    /// Components both councils run, at different versions: (id, first's, second's); the
    /// newer is kept in `[current]`.
    pub current_conflicts: Vec<(Id, Version, Version)>,
}

fn combine(a: &VersionReq, b: &VersionReq) -> VersionReq {
    if a == b || *b == VersionReq::STAR {
        return a.clone();
    }
    if *a == VersionReq::STAR {
        return b.clone();
    }
    let mut comparators = a.comparators.clone();
    comparators.extend(b.comparators.iter().cloned());
    VersionReq { comparators }
}

/// Whether two needs name the same capability, interface or component (then they are
/// one need, with the ranges of both).
fn same_target(a: &Need, b: &Need) -> Option<Need> {
    match (a, b) {
        (Need::Capability { id: x }, Need::Capability { id: y }) if x == y => Some(a.clone()),
        (Need::Interface { id: x, version: v }, Need::Interface { id: y, version: w })
            if x == y =>
        {
            Some(Need::Interface {
                id: x.clone(),
                version: combine(v, w),
            })
        }
        (Need::Component { id: x, version: v }, Need::Component { id: y, version: w })
            if x == y =>
        {
            Some(Need::Component {
                id: x.clone(),
                version: combine(v, w),
            })
        }
        _ => None,
    }
}

fn both<T: Clone + PartialEq>(a: &Option<Vec<T>>, b: &Option<Vec<T>>, all: &[T]) -> Option<Vec<T>> {
    match (a, b) {
        (None, None) => None,
        (Some(x), None) | (None, Some(x)) => Some(x.clone()),
        (Some(x), Some(y)) => Some(
            all.iter()
                .filter(|v| x.contains(v) && y.contains(v))
                .cloned()
                .collect(),
        ),
    }
}

fn union<T: Clone + PartialEq>(a: &[T], b: &[T]) -> Vec<T> {
    let mut out = a.to_vec();
    for x in b {
        if !out.contains(x) {
            out.push(x.clone());
        }
    }
    out
}

/// The two councils' policies, both holding.
pub fn strict_policy(a: &Policy, b: &Policy) -> Policy {
    // No lifecycle rule means every lifecycle but retired.
    let default: Vec<Lifecycle> = Lifecycle::ALL
        .iter()
        .copied()
        .filter(|l| *l != Lifecycle::Retired)
        .collect();
    let lifecycle = match (&a.lifecycle, &b.lifecycle) {
        (None, None) => None,
        (x, y) => both(
            &Some(x.clone().unwrap_or_else(|| default.clone())),
            &Some(y.clone().unwrap_or_else(|| default.clone())),
            Lifecycle::ALL,
        ),
    };
    let mut suppliers = a.exclude_suppliers.clone();
    for s in &b.exclude_suppliers {
        if !suppliers
            .iter()
            .any(|x| x.trim().eq_ignore_ascii_case(s.trim()))
        {
            suppliers.push(s.clone());
        }
    }
    Policy {
        lifecycle,
        open_source: a.open_source || b.open_source,
        assurances: union(&a.assurances, &b.assurances),
        kinds: both(&a.kinds, &b.kinds, Kind::ALL),
        exclude_components: union(&a.exclude_components, &b.exclude_components),
        exclude_suppliers: suppliers,
    }
}

/// The stack of the council formed from `a` and `b`.
pub fn merge_stacks(a: &Stack, b: &Stack, name: &str) -> MergedStack {
    let mut needs: BTreeMap<Id, Need> = BTreeMap::new();
    let mut sources: BTreeMap<Id, (Option<Id>, Option<Id>)> = BTreeMap::new();
    for (n, need) in &a.needs {
        needs.insert(n.clone(), need.clone());
        sources.insert(n.clone(), (Some(n.clone()), None));
    }
    for (n, need) in &b.needs {
        let joined = needs
            .iter()
            .filter(|(m, _)| sources.get(*m).is_some_and(|s| s.1.is_none()))
            .find_map(|(m, existing)| Some((m.clone(), same_target(existing, need)?)));
        match joined {
            Some((m, merged)) => {
                needs.insert(m.clone(), merged);
                if let Some(s) = sources.get_mut(&m) {
                    s.1 = Some(n.clone());
                }
            }
            None => {
                let name = super::new_stack::unique(&needs, n);
                needs.insert(name.clone(), need.clone());
                sources.insert(name, (None, Some(n.clone())));
            }
        }
    }
    let mut current = a.current.clone();
    let mut contracts = a.contracts.clone();
    let mut current_conflicts = Vec::new();
    for (id, v) in &b.current {
        match current.get(id) {
            Some(av) if av == v => {
                if !contracts.contains_key(id)
                    && let Some(c) = b.contracts.get(id)
                {
                    contracts.insert(id.clone(), *c);
                }
            }
            Some(av) => {
                current_conflicts.push((id.clone(), av.clone(), v.clone()));
                if v > av {
                    current.insert(id.clone(), v.clone());
                    contracts.remove(id);
                    if let Some(c) = b.contracts.get(id) {
                        contracts.insert(id.clone(), *c);
                    }
                }
            }
            None => {
                current.insert(id.clone(), v.clone());
                if let Some(c) = b.contracts.get(id) {
                    contracts.insert(id.clone(), *c);
                }
            }
        }
    }
    MergedStack {
        stack: Stack {
            name: name.to_owned(),
            registry: a.registry.clone(),
            rev: a.rev.clone(),
            allowed_signers: a.allowed_signers.clone(),
            needs,
            policy: strict_policy(&a.policy, &b.policy),
            prefer: union(&a.prefer, &b.prefer),
            current,
            contracts,
        },
        sources,
        current_conflicts,
    }
}

/// A planned release of one former council.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Member {
    pub component: Id,
    #[serde(serialize_with = "crate::planning::ser_version")]
    pub version: Version,
}

/// How keeping one council's component for a shared need would go for the other council.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Verdict {
    pub fit: Fit,
    pub changes: Vec<Change>,
    pub reason: Option<String>,
}

/// A need both councils meet with different components: a candidate to consolidate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Overlap {
    /// The merged need, or `a-need + b-need` for two needs kept apart.
    pub need: String,
    pub a: Member,
    pub b: Member,
    /// Keeping `a`'s component: how it takes the place of `b`'s in `b`'s plan.
    pub keep_a: Verdict,
    /// Keeping `b`'s component: how it takes the place of `a`'s in `a`'s plan.
    pub keep_b: Verdict,
}

/// The answer to `merge`.
#[derive(Debug, Clone)]
pub struct Merge {
    pub merged: MergedStack,
    pub overlaps: Vec<Overlap>,
    /// The merged stack's resolution.
    pub resolution: Resolution,
    /// Each former council's planned versions (empty when it has no plan).
    pub a_plan: BTreeMap<Id, Version>,
    pub b_plan: BTreeMap<Id, Version>,
}

/// Merges the councils and resolves the result.
pub fn merge(
    registry: &Registry,
    a: &Council<'_>,
    b: &Council<'_>,
    name: &str,
    options: &Options,
) -> Result<Merge, ResolveError> {
    let merged = merge_stacks(a.stack, b.stack, name);
    let solve = |stack: &Stack,
                 locked: &BTreeMap<Id, Version>|
     -> Result<(Option<Plan>, Options), ResolveError> {
        let mut o = options.clone();
        o.locked = locked.clone();
        let plan = Resolver::new(registry, stack).resolve(&o)?;
        Ok((plan.plan().cloned(), o))
    };
    let (a_plan, a_options) = solve(a.stack, &a.locked)?;
    let (b_plan, b_options) = solve(b.stack, &b.locked)?;
    let a_resolver = Resolver::new(registry, a.stack);
    let b_resolver = Resolver::new(registry, b.stack);
    let mut overlaps = Vec::new();
    if let (Some(ap), Some(bp)) = (&a_plan, &b_plan) {
        let meeting = |plan: &Plan, n: &Id| {
            plan.releases
                .iter()
                .find(|r| r.needs.contains(n))
                .map(|r| Member {
                    component: r.component.clone(),
                    version: r.version.clone(),
                })
        };
        // Needs merged into one, and needs kept apart (they name different things) that
        // the two councils meet with components sharing a capability, each council's
        // component missing from the other's plan: both are one need in practice.
        let mut pairs: Vec<(String, Member, Member)> = Vec::new();
        for (need, (an, bn)) in &merged.sources {
            if let (Some(an), Some(bn)) = (an, bn)
                && let (Some(am), Some(bm)) = (meeting(ap, an), meeting(bp, bn))
            {
                pairs.push((need.to_string(), am, bm));
            }
        }
        let alone = |side: usize| {
            merged.sources.iter().filter_map(move |(need, s)| {
                let own = if side == 0 { &s.0 } else { &s.1 };
                let other = if side == 0 { &s.1 } else { &s.0 };
                (other.is_none()).then_some((need, own.clone()?))
            })
        };
        for (a_need, an) in alone(0) {
            for (b_need, bn) in alone(1) {
                let (Some(am), Some(bm)) = (meeting(ap, &an), meeting(bp, &bn)) else {
                    continue;
                };
                let shares = match (
                    registry.components.get(&am.component),
                    registry.components.get(&bm.component),
                ) {
                    (Some(x), Some(y)) => x.capabilities.iter().any(|c| y.capabilities.contains(c)),
                    _ => false,
                };
                if shares
                    && ap.get(bm.component.as_str()).is_none()
                    && bp.get(am.component.as_str()).is_none()
                {
                    pairs.push((format!("{a_need} + {b_need}"), am, bm));
                }
            }
        }
        for (need, am, bm) in pairs {
            if am.component == bm.component {
                continue;
            }
            let keep_a = verdict(
                &b_resolver,
                bp,
                &b_options,
                &bm.component,
                &am.component,
                &b.file,
            )?;
            let keep_b = verdict(
                &a_resolver,
                ap,
                &a_options,
                &am.component,
                &bm.component,
                &a.file,
            )?;
            overlaps.push(Overlap {
                need,
                a: am,
                b: bm,
                keep_a,
                keep_b,
            });
        }
    }
    let mut locked = a.locked.clone();
    for (id, v) in &b.locked {
        if locked.get(id).is_none_or(|av| v > av) {
            locked.insert(id.clone(), v.clone());
        }
    }
    let mut o = options.clone();
    o.locked = locked;
    let resolution = Resolver::new(registry, &merged.stack).resolve(&o)?;
    Ok(Merge {
        merged,
        overlaps,
        resolution,
        a_plan: a_plan.map(|p| p.versions()).unwrap_or_default(),
        b_plan: b_plan.map(|p| p.versions()).unwrap_or_default(),
    })
}

/// How `y` takes the place of `x` in `plan` (the swap-in alternatives verdict).
fn verdict(
    resolver: &Resolver<'_>,
    plan: &Plan,
    options: &Options,
    x: &Id,
    y: &Id,
    file: &str,
) -> Result<Verdict, ResolveError> {
    let Some(found) = alternatives(resolver, plan, options, x, false) else {
        return Ok(Verdict {
            fit: Fit::NotViable,
            changes: Vec::new(),
            reason: Some(format!("{x} is not in the plan of {file}")),
        });
    };
    if found.hidden_by_policy.contains(y) {
        let rule = resolver
            .registry()
            .components
            .get(y)
            .and_then(|c| resolver.stack().policy.check(c))
            .map(|r| r.to_string())
            .unwrap_or_default();
        return Ok(Verdict {
            fit: Fit::NotViable,
            changes: Vec::new(),
            reason: Some(format!("the policy of {file} excludes it: {rule}")),
        });
    }
    Ok(
        match found.alternatives.iter().find(|a| &a.component == y) {
            Some(alt) => Verdict {
                fit: alt.fit,
                changes: alt.changes.clone(),
                reason: alt.reason.as_ref().map(ToString::to_string),
            },
            None => Verdict {
                fit: Fit::NotViable,
                changes: Vec::new(),
                reason: Some(format!("it shares no capability or interface with {x}")),
            },
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(s: &str) -> Id {
        Id::parse(s).unwrap()
    }

    fn stack(needs: &[(&str, Need)], policy: Policy) -> Stack {
        Stack {
            name: "s".into(),
            registry: None,
            rev: None,
            allowed_signers: None,
            needs: needs.iter().map(|(n, x)| (id(n), x.clone())).collect(),
            policy,
            prefer: Vec::new(),
            current: BTreeMap::new(),
            contracts: BTreeMap::new(),
        }
    }

    #[test]
    fn policies_merge_strictly() {
        let a = Policy {
            lifecycle: Some(vec![Lifecycle::Beta, Lifecycle::Live]),
            open_source: false,
            assurances: vec!["wcag-2.2-aa".into()],
            kinds: None,
            exclude_components: vec![id("x")],
            exclude_suppliers: vec!["Acme Ltd".into()],
        };
        let b = Policy {
            lifecycle: None,
            open_source: true,
            assurances: vec!["iso-27001".into(), "wcag-2.2-aa".into()],
            kinds: Some(vec![Kind::Saas]),
            exclude_components: vec![id("y")],
            exclude_suppliers: vec!["acme ltd".into(), "Other Ltd".into()],
        };
        let p = strict_policy(&a, &b);
        assert_eq!(p.lifecycle, Some(vec![Lifecycle::Beta, Lifecycle::Live]));
        assert!(p.open_source);
        assert_eq!(p.assurances, ["wcag-2.2-aa", "iso-27001"]);
        assert_eq!(p.kinds, Some(vec![Kind::Saas]));
        assert_eq!(p.exclude_components, [id("x"), id("y")]);
        assert_eq!(p.exclude_suppliers, ["Acme Ltd", "Other Ltd"]);
        // No lifecycle rule on either side stays no rule; on one side it excludes retired.
        assert_eq!(
            strict_policy(&Policy::default(), &Policy::default()).lifecycle,
            None
        );
        let only = Policy {
            lifecycle: Some(vec![Lifecycle::Live, Lifecycle::Retired]),
            ..Policy::default()
        };
        assert_eq!(
            strict_policy(&only, &Policy::default()).lifecycle,
            Some(vec![Lifecycle::Live])
        );
        let kinds = Policy {
            kinds: Some(vec![Kind::Saas, Kind::Library]),
            ..Policy::default()
        };
        let other = Policy {
            kinds: Some(vec![Kind::SelfHosted, Kind::Library]),
            ..Policy::default()
        };
        assert_eq!(
            strict_policy(&kinds, &other).kinds,
            Some(vec![Kind::Library])
        );
    }

    #[test]
    fn needs_for_the_same_thing_become_one() {
        let req = |s: &str| VersionReq::parse(s).unwrap();
        let a = stack(
            &[
                ("website", Need::Capability { id: id("cms") }),
                (
                    "pay",
                    Need::Interface {
                        id: id("pay-api"),
                        version: req("^1"),
                    },
                ),
                (
                    "streets",
                    Need::Capability {
                        id: id("street-reporting"),
                    },
                ),
            ],
            Policy::default(),
        );
        let b = stack(
            &[
                ("site", Need::Capability { id: id("cms") }),
                (
                    "payments",
                    Need::Interface {
                        id: id("pay-api"),
                        version: req(">=1.2"),
                    },
                ),
                (
                    "streets",
                    Need::Component {
                        id: id("fixmystreet"),
                        version: VersionReq::STAR,
                    },
                ),
            ],
            Policy::default(),
        );
        let m = merge_stacks(&a, &b, "merged");
        let names: Vec<&str> = m.stack.needs.keys().map(Id::as_str).collect();
        assert_eq!(names, ["pay", "streets", "streets-2", "website"]);
        assert_eq!(
            m.stack.needs[&id("pay")],
            Need::Interface {
                id: id("pay-api"),
                version: req("^1, >=1.2")
            }
        );
        assert_eq!(
            m.sources[&id("website")],
            (Some(id("website")), Some(id("site")))
        );
        assert_eq!(m.sources[&id("streets-2")], (None, Some(id("streets"))));
    }

    #[test]
    fn current_keeps_the_newer_of_two_versions() {
        let v = |s: &str| Version::parse(s).unwrap();
        let mut a = stack(&[], Policy::default());
        let mut b = stack(&[], Policy::default());
        a.current.insert(id("cms"), v("2.0.0"));
        b.current.insert(id("cms"), v("3.1.0"));
        b.current.insert(id("crm"), v("1.0.0"));
        let m = merge_stacks(&a, &b, "merged");
        assert_eq!(m.stack.current[&id("cms")], v("3.1.0"));
        assert_eq!(m.stack.current[&id("crm")], v("1.0.0"));
        assert_eq!(m.current_conflicts, [(id("cms"), v("2.0.0"), v("3.1.0"))]);
    }
}
