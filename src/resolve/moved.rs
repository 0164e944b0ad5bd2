//! Why a plan moved away from its lock file: for each locked component that the plan
//! leaves out or holds at another version, the rule that made it move, in the stack's
//! words. A lock is a set of preferences (SPEC §4): while it is still a plan it is the
//! plan, so an entry moves only when the stack or the registry changed under it.

use serde::Serialize;

use semver::Version;

use super::check::{Violation, check_plan};
use super::{Options, Plan, Resolver};
use crate::model::{Id, Need};

/// A locked component the plan leaves out (`to` is `None`) or moves to another version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LockChange {
    pub component: Id,
    #[serde(serialize_with = "ser_version")]
    pub from: Version,
    #[serde(serialize_with = "ser_opt_version")]
    pub to: Option<Version>,
    pub reason: String,
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
) -> String {
    let Some(c) = resolver.registry.components.get(id) else {
        return "it is no longer in the registry".into();
    };
    if c.release(version).is_none() {
        return format!("release {version} is no longer in the registry");
    }
    if options.forbid.contains(id) {
        return "it is being replaced".into();
    }
    if let Some(rule) = resolver.stack.policy.check(c) {
        return format!("the stack's policy excludes it: {rule}");
    }
    let mut with = plan.versions();
    with.insert(id.clone(), version.clone());
    match check_plan(resolver, options, &resolver.kept(options), &with).map_err(|v| *v) {
        Err(Violation::Unreachable { component }) if &component == id => {
            "no need leads to it any more".into()
        }
        Err(Violation::Need { need }) => match resolver.stack.needs.get(&need) {
            Some(Need::Component {
                id: wanted,
                version,
            }) => {
                format!("need `{need}` asks for {wanted} {version}")
            }
            Some(Need::Interface {
                id: wanted,
                version,
            }) => {
                format!("need `{need}` asks for interface {wanted} {version}")
            }
            Some(Need::Capability { id: wanted }) => {
                format!("need `{need}` asks for capability {wanted}")
            }
            None => format!("need `{need}` is not met with it"),
        },
        Err(v) if v.rule() < 5 => v.to_string(),
        // Put back, it would be a plan (or one with something else left out): it moved
        // with other locked versions that cannot all stay.
        _ => "no plan keeps it together with the rest of the lock".into(),
    }
}
