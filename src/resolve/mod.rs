//! Resolution: from a registry snapshot and a stack to a plan (SPEC §4), or to an
//! explanation of why none exists.
//!
//! Everything here is pure (no I/O, no printing). The solver library (resolvo) is used
//! only inside `provider` and `explain`; what goes in and comes out are our own types:
//! `Stack`, `Options`, `Plan`, `Explanation`.

pub mod alternatives;
mod check;
mod explain;
pub mod lock;
pub mod outdated;
pub mod plan;
mod provider;
pub mod whatif;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use semver::{Version, VersionReq};

use crate::model::{Component, Id, Need, Release, Stack};
use crate::registry::Registry;

pub use explain::{ExplainNode, Explanation};
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
    /// Components that may not be part of the plan.
    pub forbid: BTreeSet<Id>,
    /// Components that must be part of the plan, at a matching version.
    pub require: Vec<(Id, VersionReq)>,
    /// Versions to try first, without insisting.
    pub favour: BTreeMap<Id, Version>,
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
            forbid: BTreeSet::new(),
            require: Vec::new(),
            favour: BTreeMap::new(),
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

    /// Resolves the stack: first keeping every `[current]` and locked version, then
    /// relaxing them to preferences if that has no plan.
    pub fn resolve(&self, options: &Options) -> Result<Resolution, ResolveError> {
        let mut keep: BTreeMap<Id, Version> = self.stack.current.clone();
        keep.extend(options.locked.clone());
        keep.retain(|id, _| !options.forbid.contains(id));
        if !keep.is_empty() {
            let strict = provider::solve(self, options, &keep, true)?;
            if let Resolution::Resolved(plan) = strict {
                return Ok(Resolution::Resolved(plan));
            }
        }
        provider::solve(self, options, &keep, false)
    }

    /// Resolves once with exactly these kept versions favoured (no strict pass).
    pub fn resolve_with(
        &self,
        options: &Options,
        keep: &BTreeMap<Id, Version>,
    ) -> Result<Resolution, ResolveError> {
        provider::solve(self, options, keep, false)
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

/// Resolves every reference stack in the registry (`stacks/`); each one without a plan is
/// a `stack-unresolvable` finding. All of them share the step budget of `options`; when
/// it runs out the check gives up, as there is then no telling which stacks resolve.
pub fn check_reference_stacks(
    registry: &Registry,
    origins: &crate::registry::Origins,
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
                    format!(
                        "reference stack has no plan: {}",
                        why.summary.trim_start_matches("no plan exists: ")
                    ),
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
