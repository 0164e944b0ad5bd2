//! Swap-in alternatives (SPEC §5): for a component of a plan, every other component that
//! could take its place, each re-resolved with the component forbidden and the candidate
//! required, and classified drop-in, with-changes or not-viable. Over a whole plan this
//! gives the lock-in report.

use std::collections::{BTreeMap, BTreeSet};

use semver::{Version, VersionReq};
use serde::Serialize;

use super::{Edge, EdgeKind, Options, Plan, Resolution, ResolveError, Resolver};
use crate::model::{Component, Date, Id, Kind, Lifecycle, Need, PolicyRule, Release, Stack};

/// How a candidate fits in place of the component.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Fit {
    /// The new plan is the old one without the component, plus one release of the
    /// candidate.
    DropIn,
    /// A plan exists, but other components are added, removed or change version.
    WithChanges,
    /// No plan exists.
    NotViable,
}

impl Fit {
    pub fn as_str(self) -> &'static str {
        match self {
            Fit::DropIn => "drop-in",
            Fit::WithChanges => "with-changes",
            Fit::NotViable => "not-viable",
        }
    }
}

/// One component's change between two plans; `from`/`to` are `None` when it is added or
/// removed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    pub component: Id,
    #[serde(serialize_with = "ser_opt_version")]
    pub from: Option<Version>,
    #[serde(serialize_with = "ser_opt_version")]
    pub to: Option<Version>,
}

fn ser_opt_version<S: serde::Serializer>(v: &Option<Version>, s: S) -> Result<S::Ok, S::Error> {
    match v {
        Some(v) => s.collect_str(v),
        None => s.serialize_none(),
    }
}

fn ser_version<S: serde::Serializer>(v: &Version, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(v)
}

/// A value that differs between the component and a candidate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Differ<T> {
    pub from: T,
    pub to: T,
}

fn differ<T: PartialEq + Clone>(from: &T, to: &T) -> Option<Differ<T>> {
    (from != to).then(|| Differ {
        from: from.clone(),
        to: to.clone(),
    })
}

/// How a candidate differs from the component it would replace.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct Differences {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub licence: Option<Differ<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub open_source: Option<Differ<bool>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind: Option<Differ<Kind>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lifecycle: Option<Differ<Lifecycle>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub supplier: Option<Differ<String>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub assurances_gained: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub assurances_lost: Vec<String>,
    /// Support end of the planned release against the candidate's.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub support_ends: Option<Differ<Option<Date>>>,
}

/// One candidate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Alternative {
    pub component: Id,
    /// The candidate's release in the new plan, or (when not viable) its newest release.
    #[serde(serialize_with = "ser_opt_version")]
    pub version: Option<Version>,
    pub fit: Fit,
    /// Other components that change, for `with-changes`.
    pub changes: Vec<Change>,
    /// Interfaces the component provides, that the rest of the plan uses, which the
    /// candidate also provides in range.
    pub covers: Vec<Id>,
    /// Those it does not.
    pub missing: Vec<Id>,
    /// Why there is no plan, for `not-viable`.
    pub reason: Option<String>,
    /// The policy rule that excludes the candidate (shown only with `--ignore-policy`).
    pub excluded_by: Option<PolicyRule>,
    pub differences: Differences,
}

/// An interface the component provides that the rest of the plan uses.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UsedInterface {
    pub interface: Id,
    #[serde(serialize_with = "ser_version")]
    pub version: Version,
    /// `component@version range` of each planned release that requires it.
    pub used_by: Vec<String>,
    #[serde(skip)]
    pub ranges: Vec<VersionReq>,
}

/// The answer for one component.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Alternatives {
    pub component: Id,
    #[serde(serialize_with = "ser_version")]
    pub version: Version,
    pub alternatives: Vec<Alternative>,
    /// What the rest of the plan uses from the component.
    pub uses: Vec<UsedInterface>,
    /// Candidates the stack's policy excludes (listed only with `--ignore-policy`).
    pub hidden_by_policy: Vec<Id>,
}

impl Alternatives {
    pub fn count(&self, fit: Fit) -> usize {
        self.alternatives.iter().filter(|a| a.fit == fit).count()
    }

    /// No candidate gives a plan.
    pub fn is_lock_in(&self) -> bool {
        self.count(Fit::DropIn) + self.count(Fit::WithChanges) == 0
    }
}

/// Every other component that shares a capability with `x` or provides an interface that
/// `x`'s planned release provides (SPEC §5), in id order.
pub fn candidates<'r>(
    resolver: &Resolver<'r>,
    x: &Component,
    release: &Release,
) -> Vec<&'r Component> {
    resolver
        .components
        .iter()
        .copied()
        .filter(|y| y.id != x.id)
        .filter(|y| {
            y.capabilities.iter().any(|c| x.capabilities.contains(c))
                || release
                    .provides
                    .keys()
                    .any(|i| y.provides_interface(i.as_str()))
        })
        .collect()
}

/// What the rest of `plan` uses from `x`: interfaces it provides that other planned
/// releases require from it, or that a need of the stack asks for.
fn uses(plan: &Plan, stack: &Stack, x: &Id, release: &Release) -> Vec<UsedInterface> {
    let mut by: BTreeMap<&Id, (Vec<String>, Vec<VersionReq>)> = BTreeMap::new();
    for (name, need) in &stack.needs {
        if let Need::Interface { id, version } = need
            && release.provides.get(id).is_some_and(|v| version.matches(v))
        {
            let entry = by.entry(id).or_default();
            entry.0.push(format!("need {name} {version}"));
            entry.1.push(version.clone());
        }
    }
    for e in plan.required_by(x.as_str()) {
        if let EdgeKind::Requires { interface, range } = &e.kind {
            let entry = by.entry(interface).or_default();
            entry
                .0
                .push(format!("{}@{} {range}", e.from, e.from_version));
            entry.1.push(range.clone());
        }
    }
    by.into_iter()
        .filter_map(|(iface, (used_by, ranges))| {
            Some(UsedInterface {
                interface: iface.clone(),
                version: release.provides.get(iface)?.clone(),
                used_by,
                ranges,
            })
        })
        .collect()
}

/// Whether `release` provides `used` at a version every user accepts.
fn covers(release: &Release, used: &UsedInterface) -> bool {
    release
        .provides
        .get(&used.interface)
        .is_some_and(|v| used.ranges.iter().all(|r| r.matches(v)))
}

fn differences(x: &Component, xr: &Release, y: &Component, yr: Option<&Release>) -> Differences {
    Differences {
        licence: differ(&x.licence.to_string(), &y.licence.to_string()),
        open_source: differ(&x.licence.is_open_source(), &y.licence.is_open_source()),
        kind: differ(&x.kind, &y.kind),
        lifecycle: differ(&x.lifecycle, &y.lifecycle),
        supplier: differ(&x.supplier, &y.supplier),
        assurances_gained: y
            .assurances
            .iter()
            .filter(|a| !x.assurances.contains(a))
            .cloned()
            .collect(),
        assurances_lost: x
            .assurances
            .iter()
            .filter(|a| !y.assurances.contains(a))
            .cloned()
            .collect(),
        support_ends: yr.and_then(|yr| differ(&xr.support_ends, &yr.support_ends)),
    }
}

/// The changes from `old` to `new`, leaving out `x` (removed) and `y` when it is added.
fn changes(old: &Plan, new: &Plan, x: &Id, y: &Id) -> Vec<Change> {
    let (a, b) = (old.versions(), new.versions());
    let ids: BTreeSet<&Id> = a.keys().chain(b.keys()).collect();
    ids.into_iter()
        .filter(|id| *id != x)
        .filter(|id| *id != y || a.contains_key(*id))
        .filter_map(|id| {
            let (from, to) = (a.get(id).cloned(), b.get(id).cloned());
            (from != to).then(|| Change {
                component: id.clone(),
                from,
                to,
            })
        })
        .collect()
}

/// The alternatives to `x` in `plan`. With `ignore_policy`, candidates the policy excludes
/// are included (and exempted from it while resolving), marked with the rule.
pub fn alternatives(
    resolver: &Resolver<'_>,
    plan: &Plan,
    base: &Options,
    x: &Id,
    ignore_policy: bool,
) -> Result<Option<Alternatives>, ResolveError> {
    let Some(planned) = plan.get(x.as_str()) else {
        return Ok(None);
    };
    let Some(xc) = resolver.registry.components.get(x) else {
        return Ok(None);
    };
    let Some(xr) = xc.release(&planned.version) else {
        return Ok(None);
    };
    let stack = resolver.stack;
    let used = uses(plan, stack, x, xr);
    // Needs that name the component itself: the candidate takes their place.
    let dropped: BTreeSet<Id> = stack
        .needs
        .iter()
        .filter(|(_, n)| matches!(n, Need::Component { id, .. } if id == x))
        .map(|(name, _)| name.clone())
        .collect();
    let mut favour = plan.versions();
    favour.remove(x);

    // Each candidate is one resolution of its own: they run in parallel, and are taken
    // in candidate order, so the answer (and the first error) is the same.
    let each = |y: &&Component| -> Result<Result<Alternative, Id>, ResolveError> {
        let y = *y;
        let rule = stack.policy.check(y);
        if rule.is_some() && !ignore_policy {
            return Ok(Err(y.id.clone()));
        }
        let mut options = base.clone();
        options.forbid.insert(x.clone());
        options.require.push((y.id.clone(), VersionReq::STAR));
        options.drop_needs.extend(dropped.iter().cloned());
        options.favour = favour.clone();
        if rule.is_some() {
            options.policy_exempt.insert(y.id.clone());
        }
        let alt = match resolver.resolve(&options)? {
            Resolution::Resolved(new) => {
                let yv = new.get(y.id.as_str()).map(|r| r.version.clone());
                let yr = yv.as_ref().and_then(|v| y.release(v));
                let changes = changes(plan, &new, x, &y.id);
                let (covers, missing) = split_covers(&used, yr);
                Alternative {
                    component: y.id.clone(),
                    version: yv,
                    fit: if changes.is_empty() {
                        Fit::DropIn
                    } else {
                        Fit::WithChanges
                    },
                    changes,
                    covers,
                    missing,
                    reason: None,
                    excluded_by: rule,
                    differences: differences(xc, xr, y, yr),
                }
            }
            Resolution::Unsatisfiable(why) => {
                let yr = y.latest();
                let best = y
                    .releases
                    .iter()
                    .rev()
                    .filter(|r| !r.is_yanked())
                    .max_by_key(|r| used.iter().filter(|u| covers(r, u)).count());
                let (covers, missing) = split_covers(&used, best.or(yr));
                Alternative {
                    component: y.id.clone(),
                    version: yr.map(|r| r.version.clone()),
                    fit: Fit::NotViable,
                    changes: Vec::new(),
                    covers,
                    missing,
                    reason: Some(why.one_line()),
                    excluded_by: rule,
                    differences: differences(xc, xr, y, yr),
                }
            }
        };
        Ok(Ok(alt))
    };
    let found: Vec<_> = {
        use rayon::prelude::*;
        candidates(resolver, xc, xr).par_iter().map(each).collect()
    };
    let mut out = Vec::new();
    let mut hidden = Vec::new();
    for result in found {
        match result? {
            Ok(alt) => out.push(alt),
            Err(id) => hidden.push(id),
        }
    }
    out.sort_by(|a, b| {
        (a.fit, a.changes.len(), &a.component).cmp(&(b.fit, b.changes.len(), &b.component))
    });
    Ok(Some(Alternatives {
        component: x.clone(),
        version: planned.version.clone(),
        alternatives: out,
        uses: used,
        hidden_by_policy: hidden,
    }))
}

fn split_covers(used: &[UsedInterface], release: Option<&Release>) -> (Vec<Id>, Vec<Id>) {
    let mut yes = Vec::new();
    let mut no = Vec::new();
    for u in used {
        if release.is_some_and(|r| covers(r, u)) {
            yes.push(u.interface.clone());
        } else {
            no.push(u.interface.clone());
        }
    }
    (yes, no)
}

/// An interface the plan uses that only one component in the registry provides.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SingleSupply {
    pub interface: Id,
    pub provider: Id,
    /// Planned releases (or needs) that use it.
    pub used_by: Vec<String>,
}

/// The lock-in report for a whole plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LockIn {
    pub components: Vec<Alternatives>,
    pub single_supply: Vec<SingleSupply>,
}

/// Alternatives for every component of the plan, and the interfaces with one supplier.
pub fn lock_in(
    resolver: &Resolver<'_>,
    plan: &Plan,
    base: &Options,
    ignore_policy: bool,
) -> Result<LockIn, ResolveError> {
    let mut components = Vec::new();
    for p in &plan.releases {
        if let Some(a) = alternatives(resolver, plan, base, &p.component, ignore_policy)? {
            components.push(a);
        }
    }
    Ok(LockIn {
        components,
        single_supply: single_supply(resolver, plan),
    })
}

fn single_supply(resolver: &Resolver<'_>, plan: &Plan) -> Vec<SingleSupply> {
    let mut used: BTreeMap<&Id, Vec<String>> = BTreeMap::new();
    for e in &plan.edges {
        if let Edge {
            kind: EdgeKind::Requires { interface, range },
            ..
        } = e
        {
            used.entry(interface)
                .or_default()
                .push(format!("{}@{} {range}", e.from, e.from_version));
        }
    }
    for (name, need) in &resolver.stack.needs {
        if let Need::Interface { id, version } = need {
            used.entry(id)
                .or_default()
                .push(format!("need {name} {version}"));
        }
    }
    used.into_iter()
        .filter_map(|(iface, mut users)| {
            let providers: BTreeSet<u32> = resolver
                .providers
                .get(iface.as_str())?
                .iter()
                .map(|(ci, _, _)| *ci)
                .collect();
            let [only] = providers.into_iter().collect::<Vec<_>>()[..] else {
                return None;
            };
            users.sort();
            users.dedup();
            Some(SingleSupply {
                interface: iface.clone(),
                provider: resolver.components[only as usize].id.clone(),
                used_by: users,
            })
        })
        .collect()
}
