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

use super::dropin::{PlanIndex, Rest, drop_in};
use super::narrow::{first_choice, neighbourhood};
use super::{Budget, Edge, EdgeKind, Options, Plan, Resolution, Resolver};
use crate::model::{Component, Date, Id, Kind, Lifecycle, Need, PolicyRule, Release, Stack};

/// The budget of solver steps of one `alternatives` report (one component, or a whole
/// plan's lock-in report), as a multiple of the bound on one resolution.
pub const ALTERNATIVES_STEPS_FACTOR: u64 = 500;

/// How many candidates are examined together, in parallel, between two looks at the
/// budget. Fixed, so that where the budget runs out does not depend on the machine.
const BATCH: usize = 16;

/// What answering one candidate costs beyond its solver steps, in steps, and what each
/// change it lists costs: so that the budget bounds how much a report holds (memory), not
/// only how long its resolutions run.
const CANDIDATE_STEPS: u64 = 100;
const CHANGE_STEPS: u64 = 20;

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
    pub reason: Option<String>,
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
    let (mut found, spent) = report(resolver, plan, base, &[x], ignore_policy, true);
    found.pop().map(|a| (a, spent))
}

/// What replacing one component of a plan involves, worked out once for all its
/// candidates.
struct Replace<'a> {
    x: &'a Component,
    xr: &'a Release,
    version: Version,
    used: Vec<UsedInterface>,
    candidates: Vec<&'a Component>,
    /// What examining the candidates needs: left out when the budget is already spent.
    work: Option<Work<'a>>,
}

/// What examining the candidates for one component needs.
struct Work<'a> {
    /// Needs that name the component itself: the candidate takes their place.
    dropped: BTreeSet<Id>,
    /// The plan's versions, favoured (the component's too: it is forbidden).
    favour: Arc<BTreeMap<Id, Version>>,
    /// What `[current]` and the lock hold, less the component.
    keep: BTreeMap<Id, Version>,
    rest: Rest<'a>,
}

impl<'a> Replace<'a> {
    /// What replacing `x` involves; with `index`, also what examining its candidates
    /// needs.
    fn new(
        resolver: &Resolver<'a>,
        plan: &Plan,
        base: &Options,
        x: &Id,
        index: Option<(&'a PlanIndex<'a>, &Arc<BTreeMap<Id, Version>>)>,
    ) -> Option<Self> {
        let planned = plan.get(x.as_str())?;
        let xc = resolver.registry.components.get(x)?;
        let xr = xc.release(&planned.version)?;
        let stack = resolver.stack;
        let work = index.map(|(index, favour)| {
            let mut keep = resolver.kept(base);
            keep.remove(x);
            Work {
                dropped: stack
                    .needs
                    .iter()
                    .filter(|(_, n)| matches!(n, Need::Component { id, .. } if id == x))
                    .map(|(name, _)| name.clone())
                    .collect(),
                favour: Arc::clone(favour),
                keep,
                rest: Rest::new(index, &xc.id),
            }
        });
        Some(Replace {
            x: xc,
            xr,
            version: planned.version.clone(),
            used: uses(plan, stack, x, xr),
            candidates: candidates(resolver, xc, xr),
            work,
        })
    }

    /// The options of a resolution without the component (requiring `y`, if given), with
    /// a budget of its own.
    fn options(
        &self,
        work: &Work<'_>,
        base: &Options,
        y: Option<&Component>,
        exempt: bool,
    ) -> Options {
        let mut options = Options {
            // Kept versions come as `keep`; the lock is not resolved again.
            locked: BTreeMap::new(),
            lock_fits_stack: false,
            forbid: base.forbid.clone(),
            require: base.require.clone(),
            favour: Arc::clone(&work.favour),
            policy_exempt: base.policy_exempt.clone(),
            drop_needs: base.drop_needs.clone(),
            universe: base.universe.clone(),
            max_steps: base.max_steps,
            budget: Budget::default(),
            outline: true,
            exhaustive: base.exhaustive,
        };
        options.forbid.insert(self.x.id.clone());
        options.drop_needs.extend(work.dropped.iter().cloned());
        if let Some(y) = y {
            options.require.push((y.id.clone(), VersionReq::STAR));
            if exempt {
                options.policy_exempt.insert(y.id.clone());
            }
        }
        options
    }

    /// The answer for a candidate with no plan, or none found: its newest release, and the
    /// interfaces its best release covers.
    fn without_plan(
        &self,
        y: &Component,
        fit: Fit,
        reason: String,
        bound: Option<Bound>,
        rule: Option<PolicyRule>,
    ) -> Alternative {
        let yr = y.latest();
        let best = y
            .releases
            .iter()
            .rev()
            .filter(|r| !r.is_yanked())
            .max_by_key(|r| self.used.iter().filter(|u| covers(r, u)).count());
        let (covers, missing) = split_covers(&self.used, best.or(yr));
        Alternative {
            component: y.id.clone(),
            version: yr.map(|r| r.version.clone()),
            fit,
            changes: Vec::new(),
            covers,
            missing,
            reason: Some(reason),
            bound,
            excluded_by: rule,
            differences: differences(self.x, self.xr, y, yr),
        }
    }

    /// The answer for a candidate that gives a plan, at release `yr`.
    fn with_plan(
        &self,
        y: &Component,
        yr: Option<&Release>,
        changes: Vec<Change>,
        rule: Option<PolicyRule>,
    ) -> Alternative {
        let (covers, missing) = split_covers(&self.used, yr);
        Alternative {
            component: y.id.clone(),
            version: yr.map(|r| r.version.clone()),
            fit: if changes.is_empty() {
                Fit::DropIn
            } else {
                Fit::WithChanges
            },
            changes,
            covers,
            missing,
            reason: None,
            bound: None,
            excluded_by: rule,
            differences: differences(self.x, self.xr, y, yr),
        }
    }

    /// Whether the stack has a plan at all without the component: `Some(reason)` when it
    /// has none, so that no candidate can give one (requiring a candidate only adds to the
    /// problem) — one resolution answers for all of them, except candidates exempted from
    /// the policy, which may bring what the policy kept out. `None` when it has one, or
    /// when the resolution gave up. With the steps spent.
    fn without(
        &self,
        work: &Work<'_>,
        resolver: &Resolver<'_>,
        base: &Options,
    ) -> (Option<String>, u64) {
        let options = self.options(work, base, None, false);
        let mut narrow = options.clone();
        narrow.universe = Some(neighbourhood(resolver, &work.rest, self.x, None));
        let answer = match resolver.resolve_with(&narrow, &work.keep) {
            Ok(Resolution::Unsatisfiable(_)) => match resolver.resolve_with(&options, &work.keep) {
                Ok(Resolution::Unsatisfiable(why)) => Some(why.one_line()),
                _ => None,
            },
            _ => None,
        };
        (
            answer,
            narrow.budget.spent().saturating_add(options.budget.spent()),
        )
    }

    /// The answer for candidate `y` (or `Err` with its id when the policy hides it), with
    /// the steps spent. `without` is `Some(reason)` when the stack has no plan without the
    /// component.
    #[allow(clippy::too_many_arguments)]
    fn examine(
        &self,
        work: &Work<'_>,
        resolver: &Resolver<'_>,
        plan: &Plan,
        base: &Options,
        without: Option<&str>,
        y: &Component,
        ignore_policy: bool,
    ) -> (Result<Alternative, Id>, u64) {
        let rule = resolver.stack.policy.check(y);
        if rule.is_some() && !ignore_policy {
            return (Err(y.id.clone()), 0);
        }
        if let (Some(reason), None) = (without, &rule) {
            let alt = self.without_plan(y, Fit::NotViable, reason.to_owned(), None, None);
            return (Ok(alt), 0);
        }
        let options = self.options(work, base, Some(y), rule.is_some());
        let spent = |options: &Options| options.budget.spent();
        // SPEC §5: a drop-in whenever some release makes the rest of the plan plus it a
        // plan, at the highest such release; only when none does is the stack resolved.
        if let Some(r) = drop_in(resolver, &options, &work.keep, &work.rest, y) {
            return (
                Ok(self.with_plan(y, Some(r), Vec::new(), rule)),
                spent(&options),
            );
        }
        let first = first_choice(y, &work.rest, &work.keep);
        let resolution = if base.exhaustive {
            resolver.resolve_with(&options, &work.keep)
        } else {
            // Most answers need only the plan, the candidate and what the candidate
            // brings: that small problem first; only a miss needs the whole registry. The
            // narrow plan stands only with the release of the candidate the whole
            // registry's resolution would try first: settling for an older one means the
            // neighbourhood lacked what the newer one needs.
            let mut narrow = options.clone();
            narrow.universe = Some(neighbourhood(resolver, &work.rest, self.x, Some(y)));
            match resolver.resolve_with(&narrow, &work.keep) {
                Ok(Resolution::Resolved(new))
                    if first.is_some_and(|r| {
                        new.get(y.id.as_str())
                            .is_some_and(|p| p.version == r.version)
                    }) =>
                {
                    Ok(Resolution::Resolved(new))
                }
                _ => resolver.resolve_with(&options, &work.keep),
            }
        };
        let alt = match resolution {
            Ok(Resolution::Resolved(new)) => {
                let yr = new.get(y.id.as_str()).and_then(|p| y.release(&p.version));
                self.with_plan(y, yr, changes(plan, &new, &self.x.id, &y.id), rule)
            }
            Ok(Resolution::Unsatisfiable(why)) => {
                self.without_plan(y, Fit::NotViable, why.one_line(), None, rule)
            }
            Err(e) => self.without_plan(
                y,
                Fit::Undecided,
                e.to_string(),
                Some(Bound::Resolution),
                rule,
            ),
        };
        (Ok(alt), spent(&options))
    }
}

/// Runs `work` on each of `items` in fixed batches (in parallel within a batch), adding
/// the steps each spends to `spent`; once `spent` passes `limit`, the rest are not run
/// (`None`).
fn budgeted<T: Sync, R: Send>(
    items: &[T],
    spent: &mut u64,
    limit: u64,
    work: impl Fn(&T) -> (R, u64) + Sync,
) -> Vec<Option<R>> {
    use rayon::prelude::*;
    let mut out = Vec::with_capacity(items.len());
    for batch in items.chunks(BATCH) {
        if *spent > limit {
            out.extend(batch.iter().map(|_| None));
            continue;
        }
        let done: Vec<(R, u64)> = batch.par_iter().map(&work).collect();
        for (r, steps) in done {
            *spent = spent.saturating_add(steps);
            out.push(Some(r));
        }
    }
    out
}

/// The alternatives to each of `xs` in `plan` (those in it), and what the work spent.
/// Candidates the budget leaves unexamined are listed as undecided when `list_unexamined`
/// (one component: as many as the registry has), else only counted (a whole plan: as
/// many as its components times the registry's, which no report should hold).
fn report(
    resolver: &Resolver<'_>,
    plan: &Plan,
    base: &Options,
    xs: &[&Id],
    ignore_policy: bool,
    list_unexamined: bool,
) -> (Vec<Alternatives>, Spent) {
    let limit = base.max_steps.saturating_mul(ALTERNATIVES_STEPS_FACTOR);
    let unexamined_reason =
        format!("not examined: the report's budget of {limit} solver steps ran out");
    let mut spent = 0u64;
    let mut total = Spent {
        budget: limit,
        ..Spent::default()
    };
    let index = PlanIndex::new(resolver.registry, plan.versions());
    let favour = Arc::new(plan.versions());
    let mut out = Vec::with_capacity(xs.len());
    // Components go a batch at a time, so that what replacing each involves is held for a
    // few of them at once.
    for group in xs.chunks(BATCH) {
        let live = spent <= limit;
        let jobs: Vec<Replace<'_>> = group
            .iter()
            .filter_map(|x| {
                Replace::new(resolver, plan, base, x, live.then_some((&index, &favour)))
            })
            .collect();
        // One resolution without each component first: where there is no plan without
        // it, that answers for every candidate.
        let withouts: Vec<Option<Option<String>>> = if !live {
            jobs.iter().map(|_| None).collect()
        } else if base.exhaustive {
            jobs.iter().map(|_| Some(None)).collect()
        } else {
            budgeted(&jobs, &mut spent, limit, |job| match &job.work {
                Some(work) => job.without(work, resolver, base),
                None => (None, 0),
            })
        };
        let mut each: Vec<(usize, &Component, &Work<'_>)> = Vec::new();
        for (i, job) in jobs.iter().enumerate() {
            if let (Some(_), Some(work)) = (&withouts[i], &job.work) {
                each.extend(job.candidates.iter().map(|&y| (i, y, work)));
            }
        }
        let mut answers = budgeted(&each, &mut spent, limit, |&(i, y, work)| {
            let without = withouts[i].as_ref().and_then(|w| w.as_deref());
            let (answer, steps) =
                jobs[i].examine(work, resolver, plan, base, without, y, ignore_policy);
            let cost = match &answer {
                Ok(alt) => CANDIDATE_STEPS + CHANGE_STEPS * alt.changes.len() as u64,
                Err(_) => 0,
            };
            (answer, steps.saturating_add(cost))
        })
        .into_iter();
        for (i, job) in jobs.iter().enumerate() {
            let mut alternatives = Vec::new();
            let mut hidden = Vec::new();
            let mut unexamined = 0;
            for &y in &job.candidates {
                let answer = if withouts[i].is_some() && job.work.is_some() {
                    answers.next().flatten()
                } else {
                    None
                };
                match answer {
                    Some(Ok(alt)) => alternatives.push(alt),
                    Some(Err(id)) => hidden.push(id),
                    None => {
                        let rule = resolver.stack.policy.check(y);
                        if rule.is_some() && !ignore_policy {
                            hidden.push(y.id.clone());
                        } else if list_unexamined {
                            alternatives.push(job.without_plan(
                                y,
                                Fit::Undecided,
                                unexamined_reason.clone(),
                                Some(Bound::Budget),
                                rule,
                            ));
                        } else {
                            unexamined += 1;
                        }
                    }
                }
            }
            alternatives.sort_by(|a, b| {
                (a.fit, a.changes.len(), &a.component).cmp(&(b.fit, b.changes.len(), &b.component))
            });
            total.examined += alternatives
                .iter()
                .filter(|a| a.bound != Some(Bound::Budget))
                .count();
            total.undecided += unexamined
                + alternatives
                    .iter()
                    .filter(|a| a.fit == Fit::Undecided)
                    .count();
            out.push(Alternatives {
                component: job.x.id.clone(),
                version: job.version.clone(),
                alternatives,
                unexamined,
                uses: job.used.clone(),
                hidden_by_policy: hidden,
            });
        }
    }
    total.steps = spent;
    (out, total)
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
    let xs: Vec<&Id> = plan.releases.iter().map(|p| &p.component).collect();
    let (components, spent) = report(resolver, plan, base, &xs, ignore_policy, false);
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
