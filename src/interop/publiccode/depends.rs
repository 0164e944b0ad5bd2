//! `dependsOn` → a release's `depends`: an entry becomes a range only when it names a
//! registry component, is not optional, and has version bounds that make a Cargo range;
//! every other entry is reported with the reason.

use std::collections::BTreeMap;

use super::read::{Drafting, slug};
use super::version::{self, Unrepairable};
use super::{Dependency, PublicCode};
use crate::model::Registry;

/// `depends` from `dependsOn`: an entry that names a registry component, is not optional,
/// and has usable version bounds becomes a range; every other entry is reported.
pub(super) fn depends(
    pc: &PublicCode,
    registry: Option<&Registry>,
    own_name: &str,
    d: &mut Drafting,
) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for (group, entries) in dependency_groups(pc) {
        for (i, dep) in entries.iter().enumerate() {
            let field = format!("dependsOn.{group}[{i}]");
            let shown = show_dependency(dep);
            let Some(name) = dep.name.as_deref().map(str::trim).filter(|n| !n.is_empty()) else {
                d.unmapped(&field, &shown, "no name");
                continue;
            };
            if group == "hardware" {
                d.unmapped(&field, &shown, "hardware is not a registry component");
                continue;
            }
            let Some(registry) = registry else {
                d.unmapped(&field, &shown, "no registry to look the component up in");
                continue;
            };
            let Some(id) = find_component(registry, name) else {
                d.unmapped(&field, &shown, "no registry component by that name or id");
                continue;
            };
            if name.eq_ignore_ascii_case(own_name) {
                d.unmapped(&field, &shown, "the component itself");
                continue;
            }
            if dep.optional == Some(true) {
                d.unmapped(
                    &field,
                    &shown,
                    &format!("optional, and a registry `depends` on {id} would make it required"),
                );
                continue;
            }
            match range(dep) {
                Ok(r) => {
                    d.handle(&field);
                    out.insert(id, r);
                }
                Err(e) => d.unmapped(&field, &shown, &format!("version {e}")),
            }
        }
    }
    out
}

/// With no release, `dependsOn` has nothing to attach to.
pub(super) fn no_release(pc: &PublicCode, d: &mut Drafting) {
    for (group, entries) in dependency_groups(pc) {
        for (i, dep) in entries.iter().enumerate() {
            d.unmapped(
                &format!("dependsOn.{group}[{i}]"),
                &show_dependency(dep),
                "depends belongs to a release, and none was drafted",
            );
        }
    }
}

fn dependency_groups(pc: &PublicCode) -> Vec<(&'static str, &[Dependency])> {
    let Some(deps) = &pc.depends_on else {
        return Vec::new();
    };
    [
        ("open", &deps.open),
        ("proprietary", &deps.proprietary),
        ("hardware", &deps.hardware),
    ]
    .into_iter()
    .filter_map(|(g, list)| list.as_deref().map(|l| (g, l)))
    .collect()
}

/// `PostgreSQL versionMin 14.0`.
fn show_dependency(dep: &Dependency) -> String {
    let mut s = dep.name.clone().unwrap_or_default();
    for (k, v) in [
        ("version", &dep.version),
        ("versionMin", &dep.version_min),
        ("versionMax", &dep.version_max),
    ] {
        if let Some(v) = v {
            s.push_str(&format!(" {k} {v}"));
        }
    }
    if dep.optional == Some(true) {
        s.push_str(" (optional)");
    }
    s
}

/// The registry component a dependency names: by id, or by name, ignoring case.
fn find_component(registry: &Registry, name: &str) -> Option<String> {
    let wanted = name.to_lowercase();
    let as_id = slug(name).unwrap_or_default();
    registry
        .components
        .values()
        .find(|c| c.id.as_str() == as_id || c.name.to_lowercase() == wanted)
        .map(|c| c.id.to_string())
}

/// The Cargo range for a dependency's bounds: `versionMin` → `>=`, `versionMax` → `<=`,
/// `version` (one major, with its patches) → `~`; none → `*`.
fn range(dep: &Dependency) -> Result<String, Unrepairable> {
    let mut parts = Vec::new();
    if let Some(v) = &dep.version {
        parts.push(format!("~{}", version::bound(v)?));
    }
    if let Some(v) = &dep.version_min {
        parts.push(format!(">={}", version::bound(v)?));
    }
    if let Some(v) = &dep.version_max {
        parts.push(format!("<={}", version::bound(v)?));
    }
    if parts.is_empty() {
        return Ok("*".into());
    }
    let joined = parts.join(", ");
    match semver::VersionReq::parse(&joined) {
        Ok(_) => Ok(joined),
        Err(_) => Err(Unrepairable {
            value: joined,
            why: "the bounds do not make a range",
        }),
    }
}
