//! The bridge to the solver: registry components become solver packages, releases become
//! solvables, and `depends`, `requires`, `conflicts`, needs and policy become requirements,
//! constraints and exclusions. Nothing of the solver leaves this module and `explain`.

use std::cell::{Cell, RefCell};
use std::cmp::Reverse;
use std::collections::BTreeMap;

use foldhash::{HashMap, HashMapExt as _};
use std::fmt;

use resolvo::utils::Pool;
use resolvo::{
    Candidates, Condition, ConditionId, Dependencies, DependencyProvider,
    HintDependenciesAvailable, Interner, KnownDependencies, NameId, Problem, Requirement,
    SolvableId, Solver, SolverCache, StringId, UnsolvableOrCancelled, VersionSetId,
    VersionSetUnionId,
};
use semver::{Version, VersionReq};

use super::{Options, Resolution, ResolveError, Resolver, explain, plan};
use crate::model::{Id, Need, Stack};

/// A solver package: a component, or a placeholder for something nothing provides.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) enum Name {
    Component(u32),
    /// The n-th requirement that nothing in the registry can meet.
    Missing(u32),
}

/// Which releases of one component a requirement accepts.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) enum Set {
    /// Releases whose version matches.
    Range(VersionReq),
    /// Releases that provide the interface at a matching version.
    Provides(Id, VersionReq),
    /// Every release.
    Any,
    /// Releases whose version does not match (what a `conflicts` entry leaves).
    Outside(VersionReq),
    /// No release (for placeholders).
    Nothing,
}

/// A release, as the solver's record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct Rel {
    pub component: u32,
    pub release: u32,
}

impl fmt::Display for Rel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}#{}", self.component, self.release)
    }
}

impl resolvo::utils::VersionSet for Set {
    type V = Rel;
}

/// What a union of version sets stands for, in the stack's words.
#[derive(Debug, Clone)]
pub(crate) enum UnionMeaning {
    Interface { id: Id, req: VersionReq },
    Capability { id: Id },
}

/// What a placeholder package stands for.
#[derive(Debug, Clone)]
pub(crate) enum Missing {
    /// No (other) component provides the interface at a matching version.
    Interface { id: Id, req: VersionReq },
    /// No component serves the capability.
    Capability { id: Id },
    /// The component does not exist.
    Component { id: Id },
}

/// Every this many releases of a component count as one more solver step when its
/// candidates are listed.
const CANDIDATES_PER_STEP: u64 = 100;

/// An interface requirement: interface, range, and the component that may not provide it.
type InterfaceKey = (Id, VersionReq, Option<u32>);

pub(crate) struct Provider<'a, 'r> {
    pub(crate) resolver: &'a Resolver<'r>,
    options: &'a Options,
    /// Versions that may be planned though yanked (`[current]` and the lock), favoured.
    keep: &'a BTreeMap<Id, Version>,
    /// Versions a component must be at if it is planned.
    pinned: &'a BTreeMap<Id, Version>,
    pub(crate) pool: Pool<Set, Name>,
    solvables: RefCell<HashMap<u32, Vec<SolvableId>>>,
    pub(crate) unions: RefCell<HashMap<VersionSetUnionId, UnionMeaning>>,
    pub(crate) missing: RefCell<Vec<Missing>>,
    interface_reqs: RefCell<HashMap<InterfaceKey, Requirement>>,
    /// Steps of this resolution alone.
    steps: Cell<u64>,
    /// `options.universe` by component index, when set.
    universe: Option<Vec<bool>>,
    /// Whether the command's budget (rather than this resolution's) ran out.
    over_budget: Cell<bool>,
    /// Why each excluded release is excluded, by the string the solver holds for it.
    pub(crate) exclusions: RefCell<HashMap<StringId, Exclusion>>,
}

/// Why a release may not be in a plan.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Exclusion {
    /// Its component is the one being replaced.
    Replaced,
    /// The stack's policy excludes its component.
    Policy(crate::model::PolicyRule),
    /// It is yanked (with the reason given), and not kept.
    Yanked(String),
}

impl<'a, 'r> Provider<'a, 'r> {
    fn new(
        resolver: &'a Resolver<'r>,
        options: &'a Options,
        keep: &'a BTreeMap<Id, Version>,
        pinned: &'a BTreeMap<Id, Version>,
        within: Option<Vec<bool>>,
    ) -> Self {
        Provider {
            resolver,
            options,
            keep,
            pinned,
            pool: Pool::new(),
            solvables: RefCell::new(HashMap::new()),
            unions: RefCell::new(HashMap::new()),
            missing: RefCell::new(Vec::new()),
            interface_reqs: RefCell::new(HashMap::new()),
            steps: Cell::new(0),
            universe: within.or_else(|| {
                options.universe.as_ref().map(|u| {
                    let mut within = vec![false; resolver.components.len()];
                    for id in u {
                        if let Some(&ci) = resolver.index.get(id.as_str()) {
                            within[ci as usize] = true;
                        }
                    }
                    within
                })
            }),
            over_budget: Cell::new(false),
            exclusions: RefCell::default(),
        }
    }

    /// The solver ids of every release of component `ci`, in release order.
    fn releases_of(&self, ci: u32) -> Vec<SolvableId> {
        if let Some(ids) = self.solvables.borrow().get(&ci) {
            return ids.clone();
        }
        let name = self.pool.intern_package_name(Name::Component(ci));
        let count = self.resolver.components[ci as usize].releases.len() as u32;
        let ids: Vec<SolvableId> = (0..count)
            .map(|release| {
                self.pool.intern_solvable(
                    name,
                    Rel {
                        component: ci,
                        release,
                    },
                )
            })
            .collect();
        self.solvables.borrow_mut().insert(ci, ids.clone());
        ids
    }

    fn missing(&self, what: Missing) -> Requirement {
        let mut missing = self.missing.borrow_mut();
        let n = missing.len() as u32;
        missing.push(what);
        let name = self.pool.intern_package_name(Name::Missing(n));
        Requirement::Single(self.pool.intern_version_set(name, Set::Nothing))
    }

    /// Orders providers: kept components, then `[prefer]`, then lifecycle, then id.
    fn preference(&self, ci: u32) -> (u8, usize, u8, u32) {
        self.resolver.rank(ci, self.keep, self.options)
    }

    /// Whether component `ci` may take part in this resolution at all.
    fn in_universe(&self, ci: u32) -> bool {
        self.universe
            .as_ref()
            .is_none_or(|u| u.get(ci as usize).copied().unwrap_or(false))
    }

    fn union_of(&self, mut members: Vec<(u32, Set)>, meaning: UnionMeaning) -> Requirement {
        members.retain(|(ci, _)| self.in_universe(*ci));
        members.sort_by_cached_key(|(ci, _)| self.preference(*ci));
        let sets: Vec<VersionSetId> = members
            .into_iter()
            .map(|(ci, set)| {
                let name = self.pool.intern_package_name(Name::Component(ci));
                self.pool.intern_version_set(name, set)
            })
            .collect();
        match sets.as_slice() {
            [] => self.missing(match meaning {
                UnionMeaning::Interface { id, req } => Missing::Interface { id, req },
                UnionMeaning::Capability { id } => Missing::Capability { id },
            }),
            [one] => Requirement::Single(*one),
            [first, rest @ ..] => {
                let union = self
                    .pool
                    .intern_version_set_union(*first, rest.iter().copied());
                self.unions.borrow_mut().insert(union, meaning);
                Requirement::Union(union)
            }
        }
    }

    /// Some release of a component other than `except` providing `iface` in `req`.
    fn interface_requirement(
        &self,
        iface: &Id,
        req: &VersionReq,
        except: Option<u32>,
    ) -> Requirement {
        let key = (iface.clone(), req.clone(), except);
        if let Some(r) = self.interface_reqs.borrow().get(&key) {
            return *r;
        }
        let mut components: Vec<u32> = self
            .resolver
            .providers
            .get(iface.as_str())
            .map(|ps| {
                ps.iter()
                    .filter(|(ci, _, v)| {
                        Some(*ci) != except && self.in_universe(*ci) && req.matches(v)
                    })
                    .map(|(ci, _, _)| *ci)
                    .collect()
            })
            .unwrap_or_default();
        components.dedup();
        let members = components
            .into_iter()
            .map(|ci| (ci, Set::Provides(iface.clone(), req.clone())))
            .collect();
        let r = self.union_of(
            members,
            UnionMeaning::Interface {
                id: iface.clone(),
                req: req.clone(),
            },
        );
        self.interface_reqs.borrow_mut().insert(key, r);
        r
    }

    fn component_requirement(&self, id: &Id, set: Set) -> Requirement {
        match self.resolver.index.get(id.as_str()) {
            Some(&ci) if self.in_universe(ci) => {
                let name = self.pool.intern_package_name(Name::Component(ci));
                Requirement::Single(self.pool.intern_version_set(name, set))
            }
            // Outside the universe of a narrowed try, the component may not be chosen.
            _ => self.missing(Missing::Component { id: id.clone() }),
        }
    }

    /// The requirement for one need of the stack.
    pub(crate) fn need_requirement(&self, need: &Need) -> Requirement {
        match need {
            Need::Component { id, version } => {
                self.component_requirement(id, Set::Range(version.clone()))
            }
            Need::Interface { id, version } => self.interface_requirement(id, version, None),
            Need::Capability { id } => {
                let members = self
                    .resolver
                    .serving
                    .get(id.as_str())
                    .map(|cs| cs.iter().map(|&ci| (ci, Set::Any)).collect())
                    .unwrap_or_default();
                self.union_of(members, UnionMeaning::Capability { id: id.clone() })
            }
        }
    }

    fn contains(&self, set: &Set, rel: Rel) -> bool {
        let c = self.resolver.components[rel.component as usize];
        let Some(r) = c.releases.get(rel.release as usize) else {
            return false;
        };
        match set {
            Set::Range(req) => req.matches(&r.version),
            Set::Provides(iface, req) => r.provides.get(iface).is_some_and(|v| req.matches(v)),
            Set::Any => true,
            Set::Outside(req) => !req.matches(&r.version),
            Set::Nothing => false,
        }
    }

    /// Why a release may not be chosen, if it may not.
    /// Why no release of component `ci` may be chosen, if none may.
    fn component_exclusion(&self, ci: u32) -> Option<Exclusion> {
        let c = self.resolver.components[ci as usize];
        if self.options.forbid.contains(&c.id) {
            return Some(Exclusion::Replaced);
        }
        if let Some(Some(rule)) = self.resolver.policy.get(ci as usize)
            && !self.options.policy_exempt.contains(&c.id)
        {
            return Some(Exclusion::Policy(rule.clone()));
        }
        None
    }

    /// Why this release may not be chosen when its component may.
    fn release_exclusion(&self, rel: Rel) -> Option<Exclusion> {
        let c = self.resolver.components[rel.component as usize];
        let r = c.releases.get(rel.release as usize)?;
        if let Some(reason) = &r.yanked {
            let allowed = self.resolver.keeps(self.keep, &c.id, &r.version);
            if !allowed {
                return Some(Exclusion::Yanked(reason.clone()));
            }
        }
        None
    }

    /// Counts `n` solver steps against this resolution and the command's budget, and
    /// returns this resolution's total.
    fn charge(&self, n: u64) -> u64 {
        self.options.budget.spend(n);
        let steps = self.steps.get().saturating_add(n);
        self.steps.set(steps);
        steps
    }

    /// The solver's string for an exclusion, remembering what it stands for.
    fn exclusion_id(&self, e: Exclusion) -> StringId {
        let id = self.pool.intern_string(format!("{e:?}"));
        self.exclusions.borrow_mut().entry(id).or_insert(e);
        id
    }

    pub(crate) fn rel(&self, s: SolvableId) -> Rel {
        self.pool.resolve_solvable(s).record
    }
}

impl Interner for Provider<'_, '_> {
    type NameId = NameId;
    type SolvableId = SolvableId;

    fn display_solvable(&self, solvable: SolvableId) -> impl fmt::Display + '_ {
        let rel = self.rel(solvable);
        let c = self.resolver.components[rel.component as usize];
        let version = c
            .releases
            .get(rel.release as usize)
            .map(|r| r.version.to_string())
            .unwrap_or_default();
        format!("{} {version}", c.id)
    }

    fn display_name(&self, name: NameId) -> impl fmt::Display + '_ {
        match self.pool.resolve_package_name(name) {
            Name::Component(ci) => self.resolver.components[*ci as usize].id.to_string(),
            Name::Missing(n) => format!("(nothing #{n})"),
        }
    }

    fn display_version_set(&self, version_set: VersionSetId) -> impl fmt::Display + '_ {
        match self.pool.resolve_version_set(version_set) {
            Set::Range(req) => req.to_string(),
            Set::Provides(iface, req) => format!("providing {iface} {req}"),
            Set::Any => "*".into(),
            Set::Outside(req) => format!("outside {req}"),
            Set::Nothing => "none".into(),
        }
    }

    fn display_string(&self, string_id: StringId) -> impl fmt::Display + '_ {
        self.pool.resolve_string(string_id).to_owned()
    }

    fn version_set_name(&self, version_set: VersionSetId) -> NameId {
        self.pool.resolve_version_set_package_name(version_set)
    }

    fn solvable_name(&self, solvable: SolvableId) -> NameId {
        self.pool.resolve_solvable(solvable).name
    }

    fn version_sets_in_union(
        &self,
        version_set_union: VersionSetUnionId,
    ) -> impl Iterator<Item = VersionSetId> {
        self.pool.resolve_version_set_union(version_set_union)
    }

    fn resolve_condition(&self, condition: ConditionId) -> Condition {
        self.pool.resolve_condition(condition).clone()
    }
}

impl DependencyProvider for Provider<'_, '_> {
    async fn filter_candidates(
        &self,
        candidates: &[SolvableId],
        version_set: VersionSetId,
        inverse: bool,
    ) -> Vec<SolvableId> {
        let set = self.pool.resolve_version_set(version_set);
        candidates
            .iter()
            .copied()
            .filter(|&s| self.contains(set, self.rel(s)) != inverse)
            .collect()
    }

    async fn get_candidates(&self, name: NameId) -> Option<Candidates> {
        let ci = match self.pool.resolve_package_name(name) {
            Name::Component(ci) => *ci,
            Name::Missing(_) => return Some(Candidates::default()),
        };
        let c = self.resolver.components[ci as usize];
        let ids = self.releases_of(ci);
        // Listing candidates costs time in proportion to their number, so a component
        // with thousands of releases counts for more than one step.
        self.charge(ids.len() as u64 / CANDIDATES_PER_STEP);
        let mut candidates = Candidates {
            candidates: ids.clone(),
            // Dependencies are fetched for releases the solver considers, not up front for
            // every candidate: that would walk everything reachable from the needs through
            // every provider of every interface, most of a large registry.
            hint_dependencies_available: HintDependenciesAvailable::None,
            ..Candidates::default()
        };
        let keep = self
            .pinned
            .get(&c.id)
            .or_else(|| self.keep.get(&c.id))
            .or_else(|| self.options.favour.get(&c.id));
        // The component's own exclusion is decided once, not once per release.
        let whole = self.component_exclusion(ci).map(|e| self.exclusion_id(e));
        for (ri, &s) in ids.iter().enumerate() {
            let rel = Rel {
                component: ci,
                release: ri as u32,
            };
            if let Some(reason) = whole {
                candidates.excluded.push((s, reason));
                continue;
            }
            if let Some(reason) = self.release_exclusion(rel) {
                candidates.excluded.push((s, self.exclusion_id(reason)));
                continue;
            }
            if keep.is_some_and(|v| c.releases.get(ri).is_some_and(|r| &r.version == v)) {
                if self.pinned.contains_key(&c.id) {
                    candidates.locked = Some(s);
                } else {
                    candidates.favored = Some(s);
                }
            }
        }
        Some(candidates)
    }

    async fn sort_candidates(&self, _solver: &SolverCache<Self>, solvables: &mut [SolvableId]) {
        // Releases are kept in version order, so the release index orders versions.
        solvables.sort_by_cached_key(|&s| {
            let rel = self.rel(s);
            let c = self.resolver.components[rel.component as usize];
            let yanked = c
                .releases
                .get(rel.release as usize)
                .is_some_and(|r| r.is_yanked());
            (rel.component, yanked, Reverse(rel.release))
        });
    }

    async fn get_dependencies(&self, solvable: SolvableId) -> Dependencies {
        let rel = self.rel(solvable);
        let c = self.resolver.components[rel.component as usize];
        let Some(r) = c.releases.get(rel.release as usize) else {
            return Dependencies::Known(KnownDependencies::default());
        };
        let mut deps = KnownDependencies::default();
        for (dep, req) in &r.depends {
            deps.requirements.push(
                self.component_requirement(dep, Set::Range(req.clone()))
                    .into(),
            );
        }
        for (iface, req) in &r.requires {
            deps.requirements.push(
                self.interface_requirement(iface, req, Some(rel.component))
                    .into(),
            );
        }
        for (other, req) in &r.conflicts {
            if let Some(&oi) = self.resolver.index.get(other.as_str())
                && oi != rel.component
            {
                let name = self.pool.intern_package_name(Name::Component(oi));
                deps.constrains.push(
                    self.pool
                        .intern_version_set(name, Set::Outside(req.clone())),
                );
            }
        }
        Dependencies::Known(deps)
    }

    fn should_cancel_with_value(&self) -> Option<Box<dyn std::any::Any>> {
        let steps = self.charge(1);
        let spent = self.options.budget.spent();
        let budget = self
            .options
            .max_steps
            .saturating_mul(super::COMMAND_STEPS_FACTOR);
        if spent > budget {
            self.over_budget.set(true);
        }
        (steps > self.options.max_steps || spent > budget)
            .then(|| Box::new(()) as Box<dyn std::any::Any>)
    }
}

/// The stack's needs (less those `options` drops) in the order the solver takes them. It
/// decides root requirements in order, so needs that name a component go first: the
/// components they bring are then "already in the plan" when an interface or capability
/// need chooses among providers.
pub(crate) fn needs_in_order<'s>(stack: &'s Stack, options: &Options) -> Vec<(&'s Id, &'s Need)> {
    let mut needs: Vec<(&Id, &Need)> = stack
        .needs
        .iter()
        .filter(|(name, _)| !options.drop_needs.contains(*name))
        .collect();
    needs.sort_by_key(|(name, need)| {
        let kind = match need {
            Need::Component { .. } => 0,
            Need::Interface { .. } => 1,
            Need::Capability { .. } => 2,
        };
        (kind, *name)
    });
    needs
}

/// One resolution: `keep` holds the versions `[current]` and the lock allow though yanked
/// (and favours them); a component in `pinned` may only be planned at that version. The
/// plan is made minimal (SPEC §4 rule 6): while some component that `keep` does not name
/// can be taken out, with what only it kept reachable, leaving a plan, the least preferred
/// such component goes, and the solver runs again among what is left (so that what it
/// held back may move up).
pub(crate) fn solve(
    resolver: &Resolver<'_>,
    options: &Options,
    keep: &BTreeMap<Id, Version>,
    pinned: &BTreeMap<Id, Version>,
) -> Result<Resolution, ResolveError> {
    let mut chosen = match solve_once(resolver, options, keep, pinned, None)? {
        Ok(chosen) => chosen,
        Err(why) => return Ok(Resolution::Unsatisfiable(why)),
    };
    // Each round takes at least one component out, so this ends.
    while let Some(group) = super::check::least_wanted(resolver, options, keep, &chosen) {
        chosen.retain(|m| !group.contains(m));
        let mut within = vec![false; resolver.components.len()];
        for &(ci, _) in &chosen {
            within[ci as usize] = true;
        }
        if let Ok(again) = solve_once(resolver, options, keep, pinned, Some(within))? {
            chosen = again;
        }
    }
    Ok(Resolution::Resolved(plan::build(
        resolver, &chosen, options,
    )))
}

/// One run of the solver: the releases it chose (component and release index), or why
/// there is no plan. `within`, when given, is the only components it may choose.
fn solve_once(
    resolver: &Resolver<'_>,
    options: &Options,
    keep: &BTreeMap<Id, Version>,
    pinned: &BTreeMap<Id, Version>,
    within: Option<Vec<bool>>,
) -> Result<Result<Vec<(u32, u32)>, explain::Explanation>, ResolveError> {
    options.budget.start();
    let provider = Provider::new(resolver, options, keep, pinned, within);
    let mut roots: Vec<(Requirement, Vec<Id>)> = Vec::new();
    for (name, need) in needs_in_order(resolver.stack, options) {
        let req = provider.need_requirement(need);
        match roots.iter_mut().find(|(r, _)| *r == req) {
            Some((_, names)) => names.push(name.clone()),
            None => roots.push((req, vec![name.clone()])),
        }
    }
    let mut forced: Vec<(Requirement, Id)> = Vec::new();
    for (id, range) in &options.require {
        let req = provider.component_requirement(id, Set::Range(range.clone()));
        forced.push((req, id.clone()));
    }
    let requirements = forced
        .iter()
        .map(|(r, _)| *r)
        .chain(roots.iter().map(|(r, _)| *r))
        .map(Into::into)
        .collect();
    let mut solver = Solver::new(provider);
    match solver.solve(Problem::new().requirements(requirements)) {
        Ok(solvables) => {
            let provider = solver.provider();
            Ok(Ok(solvables
                .into_iter()
                .map(|s| {
                    let rel = provider.rel(s);
                    (rel.component, rel.release)
                })
                .collect()))
        }
        Err(UnsolvableOrCancelled::Unsolvable(conflict)) => {
            Ok(Err(explain::explain(&solver, &conflict, &roots, &forced)))
        }
        Err(UnsolvableOrCancelled::Cancelled(_)) if solver.provider().over_budget.get() => {
            Err(ResolveError::GaveUpInAll {
                steps: options
                    .max_steps
                    .saturating_mul(super::COMMAND_STEPS_FACTOR),
                resolutions: options.budget.resolutions(),
            })
        }
        Err(UnsolvableOrCancelled::Cancelled(_)) => Err(ResolveError::GaveUp {
            steps: options.max_steps,
        }),
    }
}
