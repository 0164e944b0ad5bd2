//! Newer releases of planned components: whether each fits the plan as it stands, would
//! need other changes, or cannot be used (and why), plus support end dates.

use std::collections::BTreeMap;

use semver::{Version, VersionReq};
use serde::Serialize;

use super::explain::Brief;
use super::{Options, Plan, Resolution, ResolveError, Resolver};
use crate::model::{Date, Id};

/// How a newer release would fit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum UpgradeFit {
    /// It can replace the planned release with nothing else changing.
    DropIn,
    /// A plan with it exists, but other components change.
    WithChanges,
    /// No plan has it.
    NotViable,
}

/// A newer release of a planned component.
#[derive(Debug, Clone, Serialize)]
pub struct Newer {
    pub version: String,
    pub released: Date,
    pub fit: UpgradeFit,
    /// The other changes it needs, for `with-changes`: removed and moved components in
    /// the plan's order, then added ones.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub changes: Vec<PlanChange>,
    /// Why it does not fit, for `not-viable`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<Blocked>,
}

/// Another component a newer release moves: removed (`to` is `None`), added (`from` is
/// `None`) or at another version. Written in words by the report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanChange {
    pub component: Id,
    pub from: Option<Version>,
    pub to: Option<Version>,
}

/// Why a newer release cannot be used: what in the plan or the stack holds it back, or
/// else why no plan has it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Blocked {
    By(Vec<Blocker>),
    NoPlan(Brief),
}

/// One thing that holds a component back from a newer release.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Blocker {
    /// Planned release `other` at `version` depends on the component in `range`.
    Depends {
        other: Id,
        version: Version,
        id: Id,
        range: VersionReq,
    },
    /// Planned release `other` at `version` requires an interface in `range` that the
    /// component provides now but would not at `newer`.
    Requires {
        other: Id,
        version: Version,
        interface: Id,
        range: VersionReq,
        id: Id,
        newer: Version,
    },
    /// Stack need `need` asks for the component in `range`.
    NeedComponent { need: Id, id: Id, range: VersionReq },
    /// Stack need `need` asks for an interface in `range` that the component would not
    /// provide at `version`.
    NeedInterface {
        need: Id,
        interface: Id,
        range: VersionReq,
        id: Id,
        version: Version,
    },
}

/// The support status of a planned release.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Support {
    Ended,
    /// Ends within six months.
    Ending,
    Supported,
    /// No end date is published.
    Unknown,
}

/// One planned component's outlook.
#[derive(Debug, Clone, Serialize)]
pub struct Outlook {
    pub component: String,
    pub version: String,
    pub support: Support,
    pub support_ends: Option<Date>,
    /// Newer releases that are not yanked, oldest first.
    pub newer: Vec<Newer>,
}

/// For each planned component, its support status and newer releases.
pub fn outdated(
    resolver: &Resolver<'_>,
    plan: &Plan,
    base: &Options,
    today: Date,
) -> Result<Vec<Outlook>, ResolveError> {
    let soon = today.add_months(6);
    let versions = plan.versions();
    let mut out = Vec::new();
    for p in &plan.releases {
        let Some(c) = resolver.registry.components.get(&p.component) else {
            continue;
        };
        let Some(current) = c.release(&p.version) else {
            continue;
        };
        let support = match current.support_ends {
            Some(end) if end < today => Support::Ended,
            Some(end) if end <= soon => Support::Ending,
            Some(_) => Support::Supported,
            None => Support::Unknown,
        };
        let mut newer = Vec::new();
        for r in c
            .releases
            .iter()
            .filter(|r| r.version > p.version && !r.is_yanked())
        {
            newer.push(try_release(
                resolver, base, &versions, &c.id, &r.version, r.released,
            )?);
        }
        out.push(Outlook {
            component: p.component.to_string(),
            version: p.version.to_string(),
            support,
            support_ends: current.support_ends,
            newer,
        });
    }
    Ok(out)
}

fn try_release(
    resolver: &Resolver<'_>,
    base: &Options,
    plan: &BTreeMap<Id, Version>,
    id: &Id,
    version: &Version,
    released: Date,
) -> Result<Newer, ResolveError> {
    let mut options = base.clone();
    let mut favour = plan.clone();
    favour.remove(id);
    options.favour = std::sync::Arc::new(favour);
    options.locked = BTreeMap::new();
    let exact = VersionReq::parse(&format!("={version}")).unwrap_or(VersionReq::STAR);
    options.require.push((id.clone(), exact));
    let resolution = resolver.resolve_with(&options, &BTreeMap::new())?;
    Ok(match resolution {
        Resolution::Resolved(new) => {
            let new_versions = new.versions();
            let mut changes = Vec::new();
            for (other, v) in plan {
                if other == id {
                    continue;
                }
                match new_versions.get(other) {
                    None => changes.push(PlanChange {
                        component: other.clone(),
                        from: Some(v.clone()),
                        to: None,
                    }),
                    Some(n) if n != v => changes.push(PlanChange {
                        component: other.clone(),
                        from: Some(v.clone()),
                        to: Some(n.clone()),
                    }),
                    Some(_) => {}
                }
            }
            for (other, v) in &new_versions {
                if other != id && !plan.contains_key(other) {
                    changes.push(PlanChange {
                        component: other.clone(),
                        from: None,
                        to: Some(v.clone()),
                    });
                }
            }
            Newer {
                version: version.to_string(),
                released,
                fit: if changes.is_empty() {
                    UpgradeFit::DropIn
                } else {
                    UpgradeFit::WithChanges
                },
                changes,
                reason: None,
            }
        }
        Resolution::Unsatisfiable(why) => {
            let blockers = blockers(resolver, plan, id, version);
            Newer {
                version: version.to_string(),
                released,
                fit: UpgradeFit::NotViable,
                changes: Vec::new(),
                reason: Some(if blockers.is_empty() {
                    Blocked::NoPlan(why.brief())
                } else {
                    Blocked::By(blockers)
                }),
            }
        }
    })
}

/// What in the plan holds `id` back from `version`: planned releases whose `depends` range
/// excludes it, or that require an interface it would stop providing in range.
pub(crate) fn blockers(
    resolver: &Resolver<'_>,
    plan: &BTreeMap<Id, Version>,
    id: &Id,
    version: &Version,
) -> Vec<Blocker> {
    let registry = resolver.registry;
    let Some(new) = registry.components.get(id).and_then(|c| c.release(version)) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (other, v) in plan {
        if other == id {
            continue;
        }
        let Some(r) = registry.components.get(other).and_then(|c| c.release(v)) else {
            continue;
        };
        if let Some(range) = r.depends.get(id)
            && !range.matches(version)
        {
            out.push(Blocker::Depends {
                other: other.clone(),
                version: v.clone(),
                id: id.clone(),
                range: range.clone(),
            });
        }
        for (iface, range) in &r.requires {
            let now = plan
                .iter()
                .filter(|(p, _)| *p != other)
                .filter_map(|(p, pv)| registry.components.get(p)?.release(pv))
                .any(|pr| pr.provides.get(iface).is_some_and(|x| range.matches(x)));
            let provided_by_others = plan
                .iter()
                .filter(|(p, _)| *p != other && *p != id)
                .filter_map(|(p, pv)| registry.components.get(p)?.release(pv))
                .any(|pr| pr.provides.get(iface).is_some_and(|x| range.matches(x)));
            let new_provides = new.provides.get(iface).is_some_and(|x| range.matches(x));
            if now && !provided_by_others && !new_provides {
                out.push(Blocker::Requires {
                    other: other.clone(),
                    version: v.clone(),
                    interface: iface.clone(),
                    range: range.clone(),
                    id: id.clone(),
                    newer: version.clone(),
                });
            }
        }
    }
    out
}
