//! What-if resolution (`resolve --upgrade/--with/--without`): move only the named
//! components, add or forbid others, and keep every other version of a baseline plan
//! wherever some plan allows it.
//!
//! Built on `Resolver::resolve` with the baseline passed as `Options::locked` (strict
//! first, then favoured), `require` for what must be present and `forbid` for what may not
//! be; every answer is checked against SPEC §4 (`check::is_plan`) before it is given, so a
//! required component that no need reaches is never passed off as a plan.

use std::collections::{BTreeMap, BTreeSet};

use semver::{Version, VersionReq};

use super::explain::{Line, Summary};
use super::outdated::{Blocked, Blocker};
use super::{Explanation, Options, Plan, Resolution, ResolveError, Resolver};
use crate::model::{Id, Stack};

/// What to change.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WhatIf {
    /// Components to move: to exactly this version, or to the newest a plan allows.
    pub upgrade: Vec<(Id, Option<Version>)>,
    /// Components to add: at exactly this version, or any.
    pub with: Vec<(Id, Option<Version>)>,
    /// Components that may not be in the plan.
    pub without: Vec<Id>,
}

impl WhatIf {
    pub fn is_empty(&self) -> bool {
        self.upgrade.is_empty() && self.with.is_empty() && self.without.is_empty()
    }
}

/// Where one `--upgrade` landed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Upgraded {
    pub component: Id,
    /// The version in the baseline, if it had one.
    pub from: Option<Version>,
    pub to: Version,
    /// The newest release that could have been chosen (not yanked).
    pub newest: Option<Version>,
    /// Why no newer release than `to` fits, when there is one.
    pub held_back: Option<Blocked>,
}

/// The answer to a what-if.
#[derive(Debug, Clone)]
pub enum WhatIfOutcome {
    Resolved { plan: Plan, upgrades: Vec<Upgraded> },
    Unsatisfiable(Explanation),
}

/// Resolves `stack` with the changes `request` asks for. `baseline` holds the versions to
/// keep where a plan allows (the plan as it stands); `allowed` the versions that may be
/// yanked (`[current]`, the lock and the baseline).
pub fn what_if(
    registry: &crate::model::Registry,
    stack: &Stack,
    base: &Options,
    baseline: &BTreeMap<Id, Version>,
    allowed: &BTreeMap<Id, Version>,
    request: &WhatIf,
) -> Result<WhatIfOutcome, ResolveError> {
    // The stack's own [current] would be kept on top of the baseline: the baseline
    // already holds what it keeps, so only the baseline is passed on.
    let stack = Stack {
        current: BTreeMap::new(),
        ..stack.clone()
    };
    let resolver = Resolver::new(registry, &stack);
    let mut moving: BTreeSet<&Id> = request.upgrade.iter().map(|(id, _)| id).collect();
    moving.extend(request.without.iter());
    moving.extend(
        request
            .with
            .iter()
            .filter(|(_, v)| v.is_some())
            .map(|(id, _)| id),
    );
    let keep: BTreeMap<Id, Version> = baseline
        .iter()
        .filter(|(id, _)| !moving.contains(id))
        .map(|(id, v)| (id.clone(), v.clone()))
        .collect();
    let mut options = base.clone();
    options.locked = BTreeMap::new();
    options.favour = Default::default();
    options.forbid.extend(request.without.iter().cloned());
    for (id, v) in &request.with {
        options.require.push((id.clone(), exact_or_any(v.as_ref())));
    }
    let attempt = Attempt {
        resolver: &resolver,
        options,
        allowed,
    };

    let mut pins: BTreeMap<Id, Version> = BTreeMap::new();
    let mut upgrades = Vec::new();
    let mut last = None;
    for (id, wanted) in &request.upgrade {
        let from = baseline.get(id).cloned();
        let component = registry.components.get(id);
        let newest = component
            .and_then(|c| c.releases.iter().rev().find(|r| !r.is_yanked()))
            .map(|r| r.version.clone());
        let candidates: Vec<Version> = match wanted {
            Some(v) => vec![v.clone()],
            None => component
                .map(|c| {
                    c.releases
                        .iter()
                        .rev()
                        .filter(|r| !r.is_yanked() || from.as_ref() == Some(&r.version))
                        .map(|r| r.version.clone())
                        .collect()
                })
                .unwrap_or_default(),
        };
        let mut held_back = None;
        let mut found = None;
        for v in candidates {
            let mut tried = pins.clone();
            tried.insert(id.clone(), v.clone());
            match attempt.run(&tried, &keep)? {
                Ok(plan) => {
                    found = Some((v, plan));
                    break;
                }
                Err(why) => {
                    if held_back.is_none() {
                        held_back = Some(why);
                    }
                }
            }
        }
        let Some((to, plan)) = found else {
            return Ok(WhatIfOutcome::Unsatisfiable(held_back.unwrap_or_else(
                || Explanation {
                    summary: Summary::NoReleaseToMoveTo(id.clone()),
                    needs: Vec::new(),
                    tree: Vec::new(),
                },
            )));
        };
        let held_back = match &newest {
            Some(n) if *n > to => {
                let mut blockers = needs_against(&stack, registry, id, n);
                blockers.extend(super::outdated::blockers(
                    &resolver,
                    &plan.versions(),
                    id,
                    n,
                ));
                if blockers.is_empty() {
                    held_back.map(|w| Blocked::NoPlan(w.brief()))
                } else {
                    Some(Blocked::By(blockers))
                }
            }
            _ => None,
        };
        upgrades.push(Upgraded {
            component: id.clone(),
            from,
            to: to.clone(),
            newest: newest.clone(),
            held_back,
        });
        pins.insert(id.clone(), to);
        last = Some(plan);
    }
    let plan = match last {
        Some(plan) => plan,
        None => match attempt.run(&pins, &keep)? {
            Ok(plan) => plan,
            Err(why) => return Ok(WhatIfOutcome::Unsatisfiable(why)),
        },
    };
    let plan = attempt.keep_more(plan, &pins, &keep)?;
    Ok(WhatIfOutcome::Resolved { plan, upgrades })
}

fn exact_or_any(v: Option<&Version>) -> VersionReq {
    v.map(exact).unwrap_or(VersionReq::STAR)
}

/// `=version`.
pub(crate) fn exact(v: &Version) -> VersionReq {
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

/// How many steps of "a release that would use it" a pinned component may be reached
/// through, and how many such releases are tried at each step.
const REACH_DEPTH: usize = 3;
const USERS_TRIED: usize = 8;

struct Attempt<'a, 'r> {
    resolver: &'a Resolver<'r>,
    /// `forbid` and `require` from the request; nothing kept.
    options: Options,
    allowed: &'a BTreeMap<Id, Version>,
}

impl Attempt<'_, '_> {
    /// A plan with every pinned component at its version, keeping `keep` where it can;
    /// or why there is none.
    fn run(
        &self,
        pins: &BTreeMap<Id, Version>,
        keep: &BTreeMap<Id, Version>,
    ) -> Result<Result<Plan, Explanation>, ResolveError> {
        // First as a constraint only (a pinned component present at its version), so a
        // pinned component no need reaches any more is not held in the plan.
        let mut options = self.options.clone();
        options.locked = keep.clone();
        options.locked.extend(pins.clone());
        if let Resolution::Resolved(plan) = self.resolver.resolve(&options)?
            && self.valid(&plan, pins)
        {
            return Ok(Ok(plan));
        }
        if pins.is_empty() {
            options.locked = keep.clone();
            return Ok(match self.resolver.resolve(&options)? {
                Resolution::Resolved(plan) => Ok(plan),
                Resolution::Unsatisfiable(why) => Err(why),
            });
        }
        // Then insisting on the pinned versions (kept too, so a pinned release that is
        // yanked but allowed stays allowed).
        let mut options = self.options.clone();
        options.locked = keep.clone();
        options.locked.extend(pins.clone());
        for (id, v) in pins {
            options.require.push((id.clone(), exact(v)));
        }
        if let Resolution::Unsatisfiable(why) = self.resolver.resolve(&options)? {
            return Ok(Err(why));
        }
        Ok(match self.reaching(keep, pins, REACH_DEPTH)? {
            Some(plan) => Ok(plan),
            None => Err(unreached(pins)),
        })
    }

    /// A plan holding every one of `must` at its version, each reached from a need: the
    /// solver is asked to include them, and when one ends up in the plan with nothing
    /// reaching it, a release that would use it (depend on it or require an interface it
    /// provides) is asked for too, up to `depth` such steps.
    fn reaching(
        &self,
        keep: &BTreeMap<Id, Version>,
        must: &BTreeMap<Id, Version>,
        depth: usize,
    ) -> Result<Option<Plan>, ResolveError> {
        let mut options = self.options.clone();
        options.locked = keep.clone();
        options.locked.extend(must.clone());
        for (id, v) in must {
            options.require.push((id.clone(), exact(v)));
        }
        let Resolution::Resolved(plan) = self.resolver.resolve(&options)? else {
            return Ok(None);
        };
        if self.valid(&plan, must) {
            return Ok(Some(plan));
        }
        if depth == 0 {
            return Ok(None);
        }
        for (p, pv) in self.unreached_pins(&plan, must) {
            for (y, r) in self.users(&p, &pv, keep, must) {
                let mut more = must.clone();
                more.insert(y, r);
                if let Some(plan) = self.reaching(keep, &more, depth - 1)? {
                    return Ok(Some(plan));
                }
            }
        }
        Ok(None)
    }

    /// The members of `must` that nothing in `plan` reaches from a need (or a `--with`).
    fn unreached_pins(&self, plan: &Plan, must: &BTreeMap<Id, Version>) -> Vec<(Id, Version)> {
        let registry = self.resolver.registry;
        let chosen: BTreeMap<&Id, (&crate::model::Component, &crate::model::Release)> = plan
            .releases
            .iter()
            .filter_map(|r| {
                let c = registry.components.get(&r.component)?;
                Some((&c.id, (c, c.release(&r.version)?)))
            })
            .collect();
        let mut roots: Vec<&Id> = Vec::new();
        for need in self.resolver.stack.needs.values() {
            for (id, (c, r)) in &chosen {
                if self.resolver.meets_release(need, c, r) {
                    roots.push(id);
                }
            }
        }
        roots.extend(self.options.require.iter().map(|(id, _)| id));
        let reached = super::plan::reach(&chosen, roots);
        must.iter()
            .filter(|(id, _)| !reached.contains(id))
            .map(|(id, v)| (id.clone(), v.clone()))
            .collect()
    }

    /// Releases of other components that would use `p` at `pv`: kept versions first, then
    /// newest first, at most `USERS_TRIED`.
    fn users(
        &self,
        p: &Id,
        pv: &Version,
        keep: &BTreeMap<Id, Version>,
        must: &BTreeMap<Id, Version>,
    ) -> Vec<(Id, Version)> {
        let registry = self.resolver.registry;
        let Some(pr) = registry.components.get(p).and_then(|c| c.release(pv)) else {
            return Vec::new();
        };
        let mut out: Vec<(bool, Id, Version)> = Vec::new();
        for c in registry.components.values() {
            if &c.id == p || must.contains_key(&c.id) || self.options.forbid.contains(&c.id) {
                continue;
            }
            for r in c.releases.iter().rev() {
                // A yanked release only where the baseline already holds it.
                if r.is_yanked() && keep.get(&c.id) != Some(&r.version) {
                    continue;
                }
                let depends = r.depends.get(p).is_some_and(|range| range.matches(pv));
                let requires = r
                    .requires
                    .iter()
                    .any(|(iface, range)| pr.provides.get(iface).is_some_and(|v| range.matches(v)));
                if depends || requires {
                    let kept = keep.get(&c.id) == Some(&r.version);
                    out.push((!kept, c.id.clone(), r.version.clone()));
                }
            }
        }
        out.sort_by(|a, b| {
            (a.0, &a.1, std::cmp::Reverse(&a.2)).cmp(&(b.0, &b.1, std::cmp::Reverse(&b.2)))
        });
        out.into_iter()
            .take(USERS_TRIED)
            .map(|(_, id, v)| (id, v))
            .collect()
    }

    /// Whether `plan` holds every pin and is a plan of the stack as the request changes it
    /// (SPEC §4, with only the `--with` components as extra roots).
    fn valid(&self, plan: &Plan, pins: &BTreeMap<Id, Version>) -> bool {
        let versions = plan.versions();
        if pins.iter().any(|(id, v)| versions.get(id) != Some(v)) {
            return false;
        }
        let mut allowed = self.allowed.clone();
        allowed.extend(pins.clone());
        super::check::check_plan(self.resolver, &self.options, &allowed, &versions).is_ok()
    }

    /// Takes back, one at a time in id order, each baseline version the plan changed,
    /// whenever a plan keeps it together with everything kept so far: no component is
    /// changed that a plan keeping it (and the rest that is kept) exists for.
    fn keep_more(
        &self,
        mut plan: Plan,
        pins: &BTreeMap<Id, Version>,
        keep: &BTreeMap<Id, Version>,
    ) -> Result<Plan, ResolveError> {
        for (z, version) in keep {
            if plan.get(z.as_str()).is_some_and(|p| &p.version == version) {
                continue;
            }
            let kept: BTreeMap<Id, Version> = keep
                .iter()
                .filter(|(id, v)| {
                    *id == z || plan.get(id.as_str()).is_some_and(|p| &p.version == *v)
                })
                .map(|(id, v)| (id.clone(), v.clone()))
                .collect();
            // Everything kept so far, and `z`, must be in the plan at its version.
            let mut must = pins.clone();
            must.extend(kept.clone());
            if let Some(better) = self.reaching(&kept, &must, REACH_DEPTH)?
                && kept
                    .iter()
                    .all(|(id, v)| better.get(id.as_str()).is_some_and(|p| &p.version == v))
            {
                plan = better;
            }
        }
        // A component of the baseline that could not be kept at its version is better
        // moved than dropped (another release of the same product, not a new supplier):
        // take back each one that a plan holding everything kept so far has room for.
        for z in keep.keys() {
            if plan.get(z.as_str()).is_some() {
                continue;
            }
            let Some(c) = self.resolver.registry.components.get(z) else {
                continue;
            };
            let held: BTreeMap<Id, Version> = keep
                .iter()
                .filter(|(id, v)| plan.get(id.as_str()).is_some_and(|p| &p.version == *v))
                .map(|(id, v)| (id.clone(), v.clone()))
                .collect();
            for r in c.releases.iter().rev().filter(|r| !r.is_yanked()) {
                let mut must = pins.clone();
                must.extend(held.clone());
                must.insert(z.clone(), r.version.clone());
                if let Some(better) = self.reaching(&held, &must, REACH_DEPTH)?
                    && held
                        .iter()
                        .all(|(id, v)| better.get(id.as_str()).is_some_and(|p| &p.version == v))
                {
                    plan = better;
                    break;
                }
            }
        }
        Ok(plan)
    }
}

/// The answer when the only plans that hold the pinned versions hold a pinned component
/// that no need reaches.
fn unreached(pins: &BTreeMap<Id, Version>) -> Explanation {
    let pins: Vec<(Id, Version)> = pins.iter().map(|(id, v)| (id.clone(), v.clone())).collect();
    Explanation {
        summary: Summary::Unreached(pins.clone()),
        needs: Vec::new(),
        tree: vec![super::ExplainNode {
            line: Line::Unreached(pins),
            children: Vec::new(),
        }],
    }
}

/// The needs of `stack` that `id` at `version` could not meet: a component need whose
/// range leaves it out, or an interface need it meets now but would not at `version`.
fn needs_against(
    stack: &Stack,
    registry: &crate::model::Registry,
    id: &Id,
    version: &Version,
) -> Vec<Blocker> {
    let Some(c) = registry.components.get(id) else {
        return Vec::new();
    };
    let Some(newer) = c.release(version) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (name, need) in &stack.needs {
        match need {
            crate::model::Need::Component {
                id: n,
                version: range,
            } if n == id && !range.matches(version) => {
                out.push(Blocker::NeedComponent {
                    need: name.clone(),
                    id: id.clone(),
                    range: range.clone(),
                });
            }
            crate::model::Need::Interface {
                id: iface,
                version: range,
            } => {
                let meets_now = c.releases.iter().any(|r| {
                    r.version < *version && r.provides.get(iface).is_some_and(|v| range.matches(v))
                });
                let meets_then = newer.provides.get(iface).is_some_and(|v| range.matches(v));
                if meets_now && !meets_then {
                    out.push(Blocker::NeedInterface {
                        need: name.clone(),
                        interface: iface.clone(),
                        range: range.clone(),
                        id: id.clone(),
                        version: version.clone(),
                    });
                }
            }
            _ => {}
        }
    }
    out
}
