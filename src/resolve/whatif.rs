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
    pub held_back: Option<String>,
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
    registry: &crate::registry::Registry,
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
    options.favour = BTreeMap::new();
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
                    summary: format!("no plan exists: {id} has no release to move to"),
                    needs: Vec::new(),
                    tree: Vec::new(),
                },
            )));
        };
        let held_back = match &newest {
            Some(n) if *n > to => {
                let blockers = super::outdated::blockers(&resolver, &plan.versions(), id, n);
                if blockers.is_empty() {
                    held_back.map(|w| w.one_line().trim().to_owned())
                } else {
                    Some(blockers.join("; "))
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
        // Then insisting on the pinned versions.
        let mut options = self.options.clone();
        options.locked = keep.clone();
        for (id, v) in pins {
            options.require.push((id.clone(), exact(v)));
        }
        Ok(match self.resolver.resolve(&options)? {
            Resolution::Resolved(plan) if self.valid(&plan, pins) => Ok(plan),
            Resolution::Resolved(_) => Err(unreached(pins)),
            Resolution::Unsatisfiable(why) => Err(why),
        })
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
        super::check::is_plan(self.resolver, &self.options, &allowed, &versions)
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
            let mut options = self.options.clone();
            options.locked = kept.clone();
            for (id, v) in pins.iter().chain([(z, version)]) {
                options.require.push((id.clone(), exact(v)));
            }
            if let Resolution::Resolved(better) = self.resolver.resolve(&options)?
                && self.valid(&better, pins)
                && kept
                    .iter()
                    .all(|(id, v)| better.get(id.as_str()).is_some_and(|p| &p.version == v))
            {
                plan = better;
            }
        }
        Ok(plan)
    }
}

/// The answer when the only plans that hold the pinned versions hold a pinned component
/// that no need reaches.
fn unreached(pins: &BTreeMap<Id, Version>) -> Explanation {
    let what = pins
        .iter()
        .map(|(id, v)| format!("{id} {v}"))
        .collect::<Vec<_>>()
        .join(", ");
    Explanation {
        summary: format!("no plan exists with {what}"),
        needs: Vec::new(),
        tree: vec![super::ExplainNode {
            text: format!("{what} would be in the plan, but no need reaches it there"),
            children: Vec::new(),
        }],
    }
}
