//! Why a plan moved away from its lock file: for each locked component that the plan
//! leaves out or holds at another version, the rule that made it move, in the stack's
//! words. A lock is a set of preferences (SPEC §4): while it is still a plan it is the
//! plan, so an entry moves only when the stack or the registry changed under it.

use serde::Serialize;

use semver::Version;

use super::check::{Violation, check_plan};
use super::{Options, Plan, Resolver};
use crate::model::{Id, Need, PolicyRule};

/// A locked component the plan leaves out (`to` is `None`) or moves to another version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LockChange {
    pub component: Id,
    #[serde(serialize_with = "ser_version")]
    pub from: Version,
    #[serde(serialize_with = "ser_opt_version")]
    pub to: Option<Version>,
    pub reason: MoveReason,
}

/// Why a locked component moved. Written in words by the report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MoveReason {
    /// The component is no longer in the registry.
    ComponentGone,
    /// The locked release is no longer in the registry.
    ReleaseGone(Version),
    /// It is the component being replaced.
    Replaced,
    /// The stack's policy excludes it.
    Policy(PolicyRule),
    /// No need leads to it any more.
    Unreachable,
    /// With it, this stack need (as the stack describes it, if it still has it) is not met.
    Need { name: Id, need: Option<Need> },
    /// With it, the plan would break one of SPEC §4's rules 1–4.
    Rule(Violation),
    /// It cannot stay together with the rest of the lock.
    WithTheRest,
}

fn ser_version<S: serde::Serializer>(v: &Version, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(v)
}

fn ser_opt_version<S: serde::Serializer>(v: &Option<Version>, s: S) -> Result<S::Ok, S::Error> {
    match v {
        Some(v) => s.collect_str(v),
        None => s.serialize_none(),
    }
}

/// Every entry of the lock (`options.locked`) that `plan` does not hold as locked, with
/// why, in component order.
pub fn lock_changes(resolver: &Resolver<'_>, options: &Options, plan: &Plan) -> Vec<LockChange> {
    options
        .locked
        .iter()
        .filter_map(|(id, from)| {
            let to = plan.get(id.as_str()).map(|p| p.version.clone());
            (to.as_ref() != Some(from)).then(|| LockChange {
                component: id.clone(),
                from: from.clone(),
                reason: why_moved(resolver, options, plan, id, from),
                to,
            })
        })
        .collect()
}

/// Why `id` could not stay at `version` in `plan`: the rule that the plan with it put
/// back breaks.
fn why_moved(
    resolver: &Resolver<'_>,
    options: &Options,
    plan: &Plan,
    id: &Id,
    version: &Version,
) -> MoveReason {
    let Some(c) = resolver.registry.components.get(id) else {
        return MoveReason::ComponentGone;
    };
    if c.release(version).is_none() {
        return MoveReason::ReleaseGone(version.clone());
    }
    if options.forbid.contains(id) {
        return MoveReason::Replaced;
    }
    if let Some(rule) = resolver.stack.policy.check(c) {
        return MoveReason::Policy(rule);
    }
    let mut with = plan.versions();
    with.insert(id.clone(), version.clone());
    match check_plan(resolver, options, &resolver.kept(options), &with).map_err(|v| *v) {
        Err(Violation::Unreachable { component }) if &component == id => MoveReason::Unreachable,
        Err(Violation::Need { need }) => MoveReason::Need {
            need: resolver.stack.needs.get(&need).cloned(),
            name: need,
        },
        Err(v) if v.rule() < 5 => MoveReason::Rule(v),
        // Put back, it would be a plan (or one with something else left out): it moved
        // with other locked versions that cannot all stay.
        _ => MoveReason::WithTheRest,
    }
}
