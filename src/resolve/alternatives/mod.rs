//! Swap-in alternatives (SPEC §5): for a component of a plan, every other component that
//! could take its place, classified drop-in (checked directly, release by release: see
//! `dropin`), with-changes or not-viable (the stack resolved again with the component
//! forbidden and the candidate required), or undecided when a bound stopped the work.
//! Over a whole plan this gives the lock-in report.
//!
//! The work is bounded as a whole: every resolution by `max_steps`, and the report by
//! `ALTERNATIVES_STEPS_FACTOR` times as many steps in all. Candidates are examined in
//! fixed batches (in parallel within a batch), and the steps each spends are its own, so
//! the same inputs give the same answer, down to which candidates the budget left out.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use semver::{Version, VersionReq};
use serde::Serialize;

mod examine;
mod mend;

use crate::model::{Component, Date, Id, Kind, Lifecycle, Need, PolicyRule, Release, Stack};
use crate::resolve::dropin::{PlanIndex, Rest, drop_in};
use crate::resolve::explain::Brief;
use crate::resolve::narrow::{first_choice, neighbourhood};
use crate::resolve::{Budget, Edge, EdgeKind, Options, Plan, Resolution, ResolveError, Resolver};
use examine::report;

/// The budget of solver steps of one `alternatives` report (one component, or a whole
/// plan's lock-in report), as a multiple of the bound on one resolution.
pub const ALTERNATIVES_STEPS_FACTOR: u64 = 500;

/// How many candidates are examined together, in parallel, between two looks at the
/// budget. Fixed, so that where the budget runs out does not depend on the machine.
const BATCH: usize = 16;

/// What answering one candidate costs beyond its solver steps, in steps, and what each
/// change it lists costs: so that the budget bounds how much a report holds (memory), not
/// only how long its resolutions run. At the default bound a report holds at most
/// 400,000 answers (a few hundred bytes each), which a national catalogue's lock-in
/// report (60 components × 1,000 candidates, a few changes each) stays well inside.
pub const CANDIDATE_STEPS: u64 = 25;
pub const CHANGE_STEPS: u64 = 5;

/// What mending a plan directly costs, in steps (it builds and checks the plan graph a
/// few times, as a drop-in check does once).
const MEND_STEPS: u64 = 3;

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
    /// A bound stopped the work before an answer (`bound` says which).
    Undecided,
}

impl Fit {
    pub fn as_str(self) -> &'static str {
        match self {
            Fit::DropIn => "drop-in",
            Fit::WithChanges => "with-changes",
            Fit::NotViable => "not-viable",
            Fit::Undecided => "undecided",
        }
    }
}

/// Why a candidate gives no plan, or what stopped the work on it. Written as one line
/// by the report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Why {
    /// No plan has it: the explanation in brief.
    NoPlan(Brief),
    /// Its resolution gave up.
    GaveUp(ResolveError),
    /// The report's budget of `limit` solver steps ran out before it was examined.
    Unexamined { limit: u64 },
}

/// The bound that left a candidate undecided.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Bound {
    /// Its own resolution gave up (`max_steps` for one resolution).
    Resolution,
    /// The report's budget ran out before it was examined.
    Budget,
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
    /// Why there is no plan, for `not-viable`; what stopped the work, for `undecided`.
    pub reason: Option<Why>,
    /// For `undecided`, the bound that stopped the work.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bound: Option<Bound>,
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
    /// Candidates the report's budget left unexamined, counted but not listed (a lock-in
    /// report lists none of them; one component's report lists each as undecided).
    pub unexamined: usize,
    /// What the rest of the plan uses from the component.
    pub uses: Vec<UsedInterface>,
    /// Candidates the stack's policy excludes (listed only with `--ignore-policy`).
    pub hidden_by_policy: Vec<Id>,
}

impl Alternatives {
    pub fn count(&self, fit: Fit) -> usize {
        self.alternatives.iter().filter(|a| a.fit == fit).count()
    }

    /// Candidates left undecided, listed or not.
    pub fn undecided(&self) -> usize {
        self.count(Fit::Undecided) + self.unexamined
    }

    /// No candidate gives a plan, and none is undecided.
    pub fn is_lock_in(&self) -> bool {
        self.count(Fit::DropIn) + self.count(Fit::WithChanges) + self.undecided() == 0
    }
}

/// What a report spent, and could have.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct Spent {
    /// Solver steps (and drop-in checks, one step per hundred members each).
    pub steps: u64,
    /// The report's budget.
    pub budget: u64,
    /// Candidates examined (not hidden by the policy).
    pub examined: usize,
    /// Candidates left undecided.
    pub undecided: usize,
    /// How the examined candidates were answered.
    pub answered: Answered,
}

/// How many candidates each way of answering answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct Answered {
    /// One resolution without the component found no plan: not viable, with no solve of
    /// their own.
    pub no_plan_without: usize,
    /// The exact drop-in check.
    pub drop_in: usize,
    /// A plan mended directly from the rest of the plan (`mend`).
    pub mended: usize,
    /// A solve over the neighbourhood of the plan.
    pub narrow: usize,
    /// A solve over the whole registry.
    pub whole: usize,
}

/// How one candidate was answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Route {
    Hidden,
    NoPlanWithout,
    DropIn,
    Mended,
    Narrow,
    Whole,
}

impl Answered {
    fn count(&mut self, route: Route) {
        match route {
            Route::Hidden => {}
            Route::NoPlanWithout => self.no_plan_without += 1,
            Route::DropIn => self.drop_in += 1,
            Route::Mended => self.mended += 1,
            Route::Narrow => self.narrow += 1,
            Route::Whole => self.whole += 1,
        }
    }
}

/// Every other component that shares a capability with `x` or provides an interface that
/// `x`'s planned release provides (SPEC §5), in id order.
pub fn candidates<'r>(
    resolver: &Resolver<'r>,
    x: &Component,
    release: &Release,
) -> Vec<&'r Component> {
    let mut found: BTreeSet<u32> = BTreeSet::new();
    for cap in &x.capabilities {
        found.extend(resolver.serving.get(cap.as_str()).into_iter().flatten());
    }
    for iface in release.provides.keys() {
        found.extend(
            resolver
                .providers
                .get(iface.as_str())
                .into_iter()
                .flatten()
                .map(|(ci, _, _)| *ci),
        );
    }
    // Component indices follow id order, so the candidates come out ordered by id.
    found
        .into_iter()
        .map(|ci| resolver.components[ci as usize])
        .filter(|y| y.id != x.id)
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

/// The changes from `a` to `b` (component → version), leaving out `x` (removed) and `y`
/// when it is added; by component.
fn changes(a: &BTreeMap<Id, Version>, b: &BTreeMap<&Id, &Version>, x: &Id, y: &Id) -> Vec<Change> {
    let mut out = Vec::new();
    for (id, v) in a {
        if id == x {
            continue;
        }
        match b.get(id) {
            Some(w) if *w == v => {}
            to => out.push(Change {
                component: id.clone(),
                from: Some(v.clone()),
                to: to.map(|w| (*w).clone()),
            }),
        }
    }
    for (&id, &w) in b {
        if id != x && id != y && !a.contains_key(id) {
            out.push(Change {
                component: id.clone(),
                from: None,
                to: Some(w.clone()),
            });
        }
    }
    out.sort_by(|p, q| p.component.cmp(&q.component));
    out
}

/// The alternatives to `x` in `plan`, or `None` when `x` is not in it. With
/// `ignore_policy`, candidates the policy excludes are included (and exempted from it
/// while resolving), marked with the rule.
pub fn alternatives(
    resolver: &Resolver<'_>,
    plan: &Plan,
    base: &Options,
    x: &Id,
    ignore_policy: bool,
) -> Option<Alternatives> {
    alternatives_spent(resolver, plan, base, x, ignore_policy).map(|(a, _)| a)
}

/// `alternatives`, with what the work spent.
pub fn alternatives_spent(
    resolver: &Resolver<'_>,
    plan: &Plan,
    base: &Options,
    x: &Id,
    ignore_policy: bool,
) -> Option<(Alternatives, Spent)> {
    let (mut found, spent) = report(resolver, plan, base, &[x], ignore_policy, true, &mut |_| {});
    found.pop().map(|a| (a, spent))
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
    /// What the report spent.
    #[serde(skip)]
    pub spent: Spent,
}

/// Alternatives for every component of the plan, and the interfaces with one supplier.
pub fn lock_in(
    resolver: &Resolver<'_>,
    plan: &Plan,
    base: &Options,
    ignore_policy: bool,
) -> LockIn {
    lock_in_with_progress(resolver, plan, base, ignore_policy, &mut |_| {})
}

/// How far a lock-in report has got: candidates examined (or left out by the budget) of
/// all the candidates of every component of the plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    pub done: u64,
    pub total: u64,
}

/// `lock_in`, telling `progress` how far it has got after every batch of candidates (on
/// the calling thread).
pub fn lock_in_with_progress(
    resolver: &Resolver<'_>,
    plan: &Plan,
    base: &Options,
    ignore_policy: bool,
    progress: &mut dyn FnMut(Progress),
) -> LockIn {
    let xs: Vec<&Id> = plan.releases.iter().map(|p| &p.component).collect();
    let (components, spent) = report(resolver, plan, base, &xs, ignore_policy, false, progress);
    LockIn {
        components,
        single_supply: single_supply(resolver, plan),
        spent,
    }
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
