//! Resolution: from a registry snapshot and a stack to a plan (SPEC §4), or to an
//! explanation of why none exists.
//!
//! Everything here is pure (no I/O, no printing). The solver library (resolvo) is used
//! only inside `provider` and `explain`; what goes in and comes out are our own types:
//! `Stack`, `Options`, `Plan`, `Explanation`.

pub mod alternatives;
pub mod check;
pub mod dropin;
pub mod explain;
pub mod lock;
pub mod moved;
mod narrow;
pub mod outdated;
pub mod plan;
mod provider;
pub mod reference;
pub mod whatif;

use std::collections::{BTreeMap, BTreeSet};

use foldhash::{HashMap, HashMapExt as _};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use semver::{Version, VersionReq};

use crate::model::Registry;
use crate::model::{Component, Id, Need, Release, Stack};

pub use check::{Violation, check_plan};
pub use explain::{ExplainNode, Explanation};
pub use moved::{LockChange, lock_changes};
pub use plan::{Chain, Edge, EdgeKind, Plan, PlannedRelease, Step};

/// The default bound on the solver steps of one resolution. Realistic stacks take a few
/// hundred; adversarial registries (docs/SECURITY.md) give up within seconds.
pub const DEFAULT_MAX_STEPS: u64 = 20_000;

/// A command that resolves many times (`outdated`, `validate` over every reference stack,
/// `registry publish`) gives up once it has spent this many times `max_steps` in all.
pub const COMMAND_STEPS_FACTOR: u64 = 10;

/// Solver steps spent so far, shared by an `Options` and all its clones, so that a command
/// that resolves many times is bounded as a whole, not only per resolution.
#[derive(Debug, Clone, Default)]
pub struct Budget(Arc<Spent>);

#[derive(Debug, Default)]
struct Spent {
    steps: AtomicU64,
    resolutions: AtomicU64,
}

impl Budget {
    /// Counts `n` steps and returns how many have been spent.
    pub(crate) fn spend(&self, n: u64) -> u64 {
        self.0
            .steps
            .fetch_add(n, Ordering::Relaxed)
            .saturating_add(n)
    }

    /// Counts one resolution started.
    pub(crate) fn start(&self) {
        self.0.resolutions.fetch_add(1, Ordering::Relaxed);
    }

    /// How many steps have been spent.
    pub fn spent(&self) -> u64 {
        self.0.steps.load(Ordering::Relaxed)
    }

    /// How many resolutions have been started.
    pub fn resolutions(&self) -> u64 {
        self.0.resolutions.load(Ordering::Relaxed)
    }
}

/// Adjustments to a resolution beyond what the stack file says.
#[derive(Debug, Clone)]
pub struct Options {
    /// Versions from the stack's lock file: kept where a plan allows, and allowed even if
    /// yanked.
    pub locked: BTreeMap<Id, Version>,
    /// The lock was written from the stack file as it is now (its hash matches): a lock
    /// that is still a plan is then the plan even where `[current]` names other versions,
    /// as the lock is the later decision (an upgrade locked before it runs).
    pub lock_fits_stack: bool,
    /// Components that may not be part of the plan.
    pub forbid: BTreeSet<Id>,
    /// Components that must be part of the plan, at a matching version.
    pub require: Vec<(Id, VersionReq)>,
    /// Versions to try first, without insisting (shared: a report resolves many times
    /// favouring one plan).
    pub favour: Arc<BTreeMap<Id, Version>>,
    /// Components the stack's policy does not apply to.
    pub policy_exempt: BTreeSet<Id>,
    /// Stack needs to leave out (by need name).
    pub drop_needs: BTreeSet<Id>,
    /// When set, only these components may be in the plan: a cheaper first try that can
    /// find a plan but never proves there is none.
    pub universe: Option<BTreeSet<Id>>,
    /// Give up after this many solver steps in one resolution, or `COMMAND_STEPS_FACTOR`
    /// times as many over every resolution made with these options and their clones.
    pub max_steps: u64,
    /// The steps spent so far by these options and their clones.
    pub budget: Budget,
    /// Only the plan's releases are wanted: leave out its edges and which needs each
    /// release meets (cheaper, for callers that compare versions).
    pub outline: bool,
    /// `alternatives`: solve every candidate over the whole registry, without the
    /// shortcuts that usually answer first (the reference they are tested against).
    pub exhaustive: bool,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            locked: BTreeMap::new(),
            lock_fits_stack: false,
            forbid: BTreeSet::new(),
            require: Vec::new(),
            favour: Arc::default(),
            policy_exempt: BTreeSet::new(),
            drop_needs: BTreeSet::new(),
            universe: None,
            max_steps: DEFAULT_MAX_STEPS,
            outline: false,
            exhaustive: false,
            budget: Budget::default(),
        }
    }
}

/// The answer to a resolution.
#[derive(Debug, Clone)]
pub enum Resolution {
    Resolved(Plan),
    Unsatisfiable(Explanation),
}

impl Resolution {
    pub fn plan(&self) -> Option<&Plan> {
        match self {
            Resolution::Resolved(p) => Some(p),
            Resolution::Unsatisfiable(_) => None,
        }
    }
}

/// Why resolution could not run to an answer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ResolveError {
    /// One resolution took more than `max_steps`.
    #[error("resolution gave up after {steps} steps without deciding whether a plan exists")]
    GaveUp { steps: u64 },
    /// The resolutions of one command took more than `COMMAND_STEPS_FACTOR` × `max_steps`
    /// together.
    #[error(
        "resolution gave up after {steps} steps over {resolutions} resolutions, without finishing"
    )]
    GaveUpInAll { steps: u64, resolutions: u64 },
}

/// What a resolver needs to know about the registry, computed once and shared by every
/// resolution against it (as `alternatives` resolves many times).
pub struct Resolver<'r> {
    pub(crate) registry: &'r Registry,
    pub(crate) stack: &'r Stack,
    /// Components in id order; indexes into this are used inside the solver.
    pub(crate) components: Vec<&'r Component>,
    pub(crate) index: HashMap<&'r str, u32>,
    /// For each interface, every (component, release, version provided).
    pub(crate) providers: HashMap<&'r str, Vec<(u32, u32, &'r Version)>>,
    /// For each capability, the components serving it.
    pub(crate) serving: HashMap<&'r str, Vec<u32>>,
    /// The first policy rule each component breaks (by component index).
    pub(crate) policy: Vec<Option<crate::model::PolicyRule>>,
    /// Each `[prefer]` component's position in the list.
    pub(crate) preferred: HashMap<u32, usize>,
}

impl<'r> Resolver<'r> {
    pub fn new(registry: &'r Registry, stack: &'r Stack) -> Resolver<'r> {
        let components: Vec<&Component> = registry.components.values().collect();
        let mut index = HashMap::with_capacity(components.len());
        let mut providers: HashMap<&str, Vec<(u32, u32, &Version)>> = HashMap::new();
        let mut serving: HashMap<&str, Vec<u32>> = HashMap::new();
        for (ci, c) in components.iter().enumerate() {
            let ci = ci as u32;
            index.insert(c.id.as_str(), ci);
            for (ri, r) in c.releases.iter().enumerate() {
                for (iface, v) in &r.provides {
                    providers
                        .entry(iface.as_str())
                        .or_default()
                        .push((ci, ri as u32, v));
                }
            }
            for cap in &c.capabilities {
                serving.entry(cap.as_str()).or_default().push(ci);
            }
        }
        let policy = components.iter().map(|c| stack.policy.check(c)).collect();
        let preferred = stack
            .prefer
            .iter()
            .enumerate()
            .filter_map(|(i, id)| Some((*index.get(id.as_str())?, i)))
            .collect();
        Resolver {
            registry,
            stack,
            components,
            index,
            providers,
            serving,
            policy,
            preferred,
        }
    }

    pub fn registry(&self) -> &'r Registry {
        self.registry
    }

    pub fn stack(&self) -> &'r Stack {
        self.stack
    }

    /// Resolves the stack. A lock that is still a plan (SPEC §4) is the plan, exactly,
    /// unless the stack file changed since the lock was written and `[current]` now names
    /// other versions than the lock and a plan can keep them.
    /// Otherwise, in turn: pinning every `[current]` and locked version (`[current]`'s
    /// where they differ); pinning `[current]` only; pinning nothing — each favouring what
    /// `[current]` and the lock hold. Then each locked entry the plan moved is put back
    /// where a plan keeps it without losing another (see `put_back`).
    pub fn resolve(&self, options: &Options) -> Result<Resolution, ResolveError> {
        let keep = self.kept(options);
        let current: BTreeMap<Id, Version> = self
            .stack
            .current
            .iter()
            .filter(|(id, _)| !options.forbid.contains(*id))
            .map(|(id, v)| (id.clone(), v.clone()))
            .collect();
        let locked = &options.locked;
        let lock_plan =
            if locked.is_empty() || check::check_plan(self, options, &keep, locked).is_err() {
                None
            } else {
                plan::from_versions(self, locked, options)
            };
        let agrees = locked
            .iter()
            .all(|(id, v)| current.get(id).is_none_or(|c| c == v));
        if let (Some(plan), true) = (&lock_plan, agrees || options.lock_fits_stack) {
            return Ok(Resolution::Resolved(plan.clone()));
        }
        let mut both = locked.clone();
        both.extend(current.clone());
        both.retain(|id, _| !options.forbid.contains(id));
        let mut pinned_passes: Vec<BTreeMap<Id, Version>> = Vec::new();
        if !both.is_empty() {
            pinned_passes.push(both);
        }
        if !locked.is_empty() && !current.is_empty() {
            pinned_passes.push(current);
        }
        for pinned in &pinned_passes {
            if let Resolution::Resolved(plan) = provider::solve(self, options, &keep, pinned)? {
                return Ok(Resolution::Resolved(
                    self.put_back(options, &keep, pinned, plan),
                ));
            }
        }
        if let Some(plan) = lock_plan {
            return Ok(Resolution::Resolved(plan));
        }
        let none = BTreeMap::new();
        Ok(match provider::solve(self, options, &keep, &none)? {
            Resolution::Resolved(plan) => {
                Resolution::Resolved(self.put_back(options, &keep, &none, plan))
            }
            unsatisfiable => unsatisfiable,
        })
    }

    /// What `[current]` and the lock file hold (the lock's version where they differ), less
    /// forbidden components: versions allowed though yanked, favoured, and never taken out
    /// as unneeded (SPEC §4 rules 4 and 6).
    pub fn kept(&self, options: &Options) -> BTreeMap<Id, Version> {
        let mut keep = self.stack.current.clone();
        keep.extend(options.locked.clone());
        keep.retain(|id, _| !options.forbid.contains(id));
        keep
    }

    /// `plan`, with each locked entry it moved (left out, or at another version) put back
    /// where that still gives a plan: first as it is (the plan with that one entry put
    /// back, checked directly), then, once per entry, by solving with it and everything
    /// else the plan holds of the lock and `[current]` required — taken only if that is a
    /// plan without being told (each of them needed) and keeps all the plan kept. Until
    /// nothing more can be put back as it is, in component order, so the answer is the
    /// same every time. Entries `[current]` names at another version are left to it; a
    /// resolution that gives up leaves the plan as it is.
    fn put_back(
        &self,
        options: &Options,
        keep: &BTreeMap<Id, Version>,
        pinned: &BTreeMap<Id, Version>,
        mut plan: Plan,
    ) -> Plan {
        let held = |plan: &Plan, of: &BTreeMap<Id, Version>| -> BTreeSet<Id> {
            of.iter()
                .filter(|(id, v)| plan.get(id.as_str()).is_some_and(|p| &p.version == *v))
                .map(|(id, _)| id.clone())
                .collect()
        };
        let mut solved: BTreeSet<Id> = BTreeSet::new();
        loop {
            let moved: Vec<(Id, Version)> = options
                .locked
                .iter()
                .filter(|(id, v)| {
                    !options.forbid.contains(*id)
                        && self.stack.current.get(*id).is_none_or(|c| c == *v)
                        && plan.get(id.as_str()).is_none_or(|p| &p.version != *v)
                })
                .map(|(id, v)| (id.clone(), v.clone()))
                .collect();
            let mut changed = false;
            for (id, v) in moved {
                let mut as_is = plan.versions();
                as_is.insert(id.clone(), v.clone());
                if check::check_plan(self, options, keep, &as_is).is_ok()
                    && let Some(back) = plan::from_versions(self, &as_is, options)
                {
                    plan = back;
                    changed = true;
                    continue;
                }
                if !solved.insert(id.clone()) {
                    continue;
                }
                let locked_before = held(&plan, &options.locked);
                let current_before = held(&plan, &self.stack.current);
                let mut pins = pinned.clone();
                let mut with = options.clone();
                for (h, of) in locked_before
                    .iter()
                    .map(|h| (h, &options.locked))
                    .chain(current_before.iter().map(|h| (h, &self.stack.current)))
                {
                    if let Some(v) = of.get(h) {
                        pins.insert(h.clone(), v.clone());
                        with.require.push((h.clone(), exactly(v)));
                    }
                }
                pins.insert(id.clone(), v.clone());
                with.require.push((id.clone(), exactly(&v)));
                let Ok(Resolution::Resolved(again)) = provider::solve(self, &with, keep, &pins)
                else {
                    continue;
                };
                let versions = again.versions();
                if held(&again, &options.locked).is_superset(&locked_before)
                    && held(&again, &self.stack.current).is_superset(&current_before)
                    && versions.get(&id) == Some(&v)
                    && check::check_plan(self, options, keep, &versions).is_ok()
                    && let Some(back) = plan::from_versions(self, &versions, options)
                {
                    plan = back;
                    changed = true;
                }
            }
            if !changed {
                return plan;
            }
        }
    }

    /// Whether `keep` or `[current]` holds exactly this version (SPEC §4 rule 4).
    pub(crate) fn keeps(&self, keep: &BTreeMap<Id, Version>, id: &Id, version: &Version) -> bool {
        keep.get(id) == Some(version) || self.stack.current.get(id) == Some(version)
    }

    /// Whether `keep` or `[current]` names the component (SPEC §4 rule 6).
    pub(crate) fn protects(&self, keep: &BTreeMap<Id, Version>, id: &Id) -> bool {
        keep.contains_key(id) || self.stack.current.contains_key(id)
    }

    /// How much a resolution wants component `ci` among providers (lower first): kept or
    /// favoured components, then `[prefer]`, then lifecycle, then id.
    pub(crate) fn rank(
        &self,
        ci: u32,
        keep: &BTreeMap<Id, Version>,
        options: &Options,
    ) -> (u8, usize, u8, u32) {
        let c = self.components[ci as usize];
        let kept = u8::from(!keep.contains_key(&c.id) && !options.favour.contains_key(&c.id));
        let preferred = self.preferred.get(&ci).copied().unwrap_or(usize::MAX);
        (kept, preferred, c.lifecycle.preference(), ci)
    }

    /// Resolves once with exactly these kept versions favoured (none pinned).
    pub fn resolve_with(
        &self,
        options: &Options,
        keep: &BTreeMap<Id, Version>,
    ) -> Result<Resolution, ResolveError> {
        provider::solve(self, options, keep, &BTreeMap::new())
    }

    /// Whether release `r` of component `c` satisfies `need`.
    pub(crate) fn meets_release(&self, need: &Need, c: &Component, r: &Release) -> bool {
        match need {
            Need::Component { id, version: req } => &c.id == id && req.matches(&r.version),
            Need::Interface { id, version: req } => {
                r.provides.get(id).is_some_and(|v| req.matches(v))
            }
            Need::Capability { id } => c.has_capability(id.as_str()),
        }
    }
}

/// The range holding `v` and nothing else.
fn exactly(v: &Version) -> VersionReq {
    VersionReq {
        comparators: vec![semver::Comparator {
            op: semver::Op::Exact,
            major: v.major,
            minor: Some(v.minor),
            patch: Some(v.patch),
            pre: v.pre.clone(),
        }],
    }
}

/// Resolves every reference stack in the registry (`stacks/`); each one without a plan is
/// a `stack-unresolvable` finding. All of them share the step budget of `options`; when
/// it runs out the check gives up, as there is then no telling which stacks resolve.
pub fn check_reference_stacks(
    registry: &Registry,
    origins: &crate::model::Origins,
    options: &Options,
) -> Result<Vec<crate::diagnostic::Diagnostic>, ResolveError> {
    use crate::diagnostic::{Code, Diagnostic};
    let mut out = Vec::new();
    for (id, stack) in &registry.stacks {
        let file = origins.stack(id);
        let options = Options {
            budget: options.budget.clone(),
            max_steps: options.max_steps,
            ..Options::default()
        };
        if let Resolution::Unsatisfiable(why) = Resolver::new(registry, stack).resolve(&options)? {
            out.push(
                Diagnostic::error(
                    &file,
                    Code::StackUnresolvable,
                    format!("reference stack has no plan: {}", why.summary.cause()),
                )
                .at_key(crate::path!["needs"])
                .with_hint(format!(
                    "{}; `stackreg resolve` on this stack explains it in full",
                    why.first_reason()
                )),
            );
        }
    }
    Ok(out)
}

/// Resolves `stack` against `registry` with default options.
pub fn resolve(registry: &Registry, stack: &Stack) -> Result<Resolution, ResolveError> {
    Resolver::new(registry, stack).resolve(&Options::default())
}
