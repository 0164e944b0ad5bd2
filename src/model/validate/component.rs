//! Checks a component file and its releases, and turns it into a `Component`.

use super::*;

/// Checks a component file; `expected_id` is the file name's stem when it must match.
pub fn component(file: &str, expected_id: Option<&str>, source: &str) -> Parsed<Component> {
    let raw: ComponentFile = match file_result(file, source) {
        Ok(r) => r,
        Err(p) => return failed(p),
    };
    let mut c = Checker::new(file);
    let id = c.id("component id", &raw.id, || path!["id"]);
    c.check_file_id(&raw.id, expected_id);
    c.text(&raw.name, || path!["name"], false, false);
    c.text(&raw.summary, || path!["summary"], false, false);
    c.text(&raw.supplier, || path!["supplier"], false, false);
    if let Some(scripts) =
        crate::model::name::mixed_scripts(&crate::model::name::normalise(&raw.supplier))
    {
        c.error(
            Code::MixedScript,
            || path!["supplier"],
            format!(
                "supplier `{}` mixes the {} scripts, so it could pass for another supplier's name",
                text::escape(&raw.supplier),
                scripts.join(" and ")
            ),
        )
        .hint = Some(
            "write the name in one script (Latin may stand beside Han, Japanese or Korean)".into(),
        );
    }
    let licence = match Licence::parse(&raw.licence) {
        Ok(l) => Some(l),
        Err(e) => {
            c.error(
                Code::InvalidLicence,
                || path!["licence"],
                format!(
                    "`{}` is not an SPDX licence expression: {e}",
                    text::escape(&raw.licence)
                ),
            )
            .hint = Some(
                "use an SPDX id such as MIT or GPL-2.0-or-later, or LicenseRef-Proprietary".into(),
            );
            None
        }
    };
    let kind = Kind::parse(&raw.kind);
    if kind.is_none() {
        c.error(
            Code::InvalidValue,
            || path!["kind"],
            format!(
                "kind `{}` is not one of {}",
                text::escape(&raw.kind),
                Kind::expected()
            ),
        );
    }
    let lifecycle = Lifecycle::parse(&raw.lifecycle);
    if lifecycle.is_none() {
        c.error(
            Code::InvalidValue,
            || path!["lifecycle"],
            format!(
                "lifecycle `{}` is not one of {}",
                text::escape(&raw.lifecycle),
                Lifecycle::expected()
            ),
        );
    }
    let mut capabilities = BTreeSet::new();
    for (i, cap) in raw.capabilities.iter().enumerate() {
        if let Some(cap) = c.id("capability", cap, || path!["capabilities", i]) {
            capabilities.insert(cap);
        }
    }
    if raw.capabilities.is_empty() {
        c.error(
            Code::InvalidValue,
            || path!["capabilities"],
            "a component must serve at least one capability",
        );
    }
    let mut assurances = BTreeSet::new();
    for (i, a) in raw.assurances.iter().enumerate() {
        if c.tag(a, || path!["assurances", i]) {
            assurances.insert(a.clone());
        }
    }
    c.url(&raw.homepage, || path!["homepage"]);
    if let Some(repo) = &raw.repository {
        c.url(repo, || path!["repository"]);
    }

    let mut releases: Vec<Release> = Vec::new();
    for (i, entry) in raw.releases.iter().enumerate() {
        let Some(release) = check_release(&mut c, i, entry) else {
            continue;
        };
        if let Some(dup) = releases
            .iter()
            .find(|r| r.version.cmp_precedence(&release.version).is_eq())
        {
            c.error(
                Code::DuplicateRelease,
                || path!["release", i, "version"],
                format!(
                    "release {} is listed twice (as {} and {})",
                    release.version, dup.version, release.version
                ),
            )
            .hint = Some("each version may have only one [[release]] table".into());
            continue;
        }
        releases.push(release);
    }
    if raw.releases.is_empty() {
        c.diagnostics.push(
            Diagnostic::warning(
                file,
                Code::NoReleases,
                "component has no [[release]] tables",
            )
            .with_hint("a component without releases can never be part of a plan"),
        );
    }
    releases.sort_by(|a, b| a.version.cmp(&b.version));

    let value = match (id, licence, kind, lifecycle) {
        (Some(id), Some(licence), Some(kind), Some(lifecycle)) => Some(Component {
            id,
            name: raw.name,
            summary: raw.summary,
            // Compared by `exclude-suppliers`, so kept in one form (model/name.rs).
            supplier: crate::model::name::normalise(&raw.supplier),
            licence,
            kind,
            capabilities: capabilities.into_iter().collect(),
            lifecycle,
            assurances: assurances.into_iter().collect(),
            homepage: raw.homepage,
            repository: raw.repository,
            releases,
        }),
        _ => None,
    };
    c.finish(value)
}

fn check_release(c: &mut Checker<'_>, i: usize, r: &ReleaseEntry) -> Option<Release> {
    let version = c.version(&r.version, || path!["release", i, "version"]);
    let released = c.date(&r.released, || path!["release", i, "released"]);
    let support_ends = r
        .support_ends
        .as_ref()
        .and_then(|d| c.date(d, || path!["release", i, "support-ends"]));
    if let (Some(start), Some(end)) = (released, support_ends)
        && end <= start
    {
        c.error(
            Code::SupportEndsBeforeRelease,
            || path!["release", i, "support-ends"],
            format!("support ends {end}, on or before the release date {start}"),
        );
    }
    // Pairs in the file's (sorted) key order, which `IdMap` keeps as they come.
    let mut provides = Vec::with_capacity(r.provides.len());
    for (k, v) in &r.provides {
        let id = c.key_id("interface", k, || {
            path!["release", i, "provides", k.as_str()]
        });
        let v = c.version(v, || path!["release", i, "provides", k.as_str()]);
        if let (Some(id), Some(v)) = (id, v) {
            provides.push((id, v));
        }
    }
    let requires = ranges(c, i, "requires", "interface", &r.requires);
    let depends = ranges(c, i, "depends", "component", &r.depends);
    let conflicts = ranges(c, i, "conflicts", "component", &r.conflicts);
    if let Some(reason) = &r.yanked {
        if reason.trim().is_empty() {
            c.error(
                Code::EmptyYankReason,
                || path!["release", i, "yanked"],
                "a yanked release must say why",
            )
            .hint = Some("write the reason, e.g. yanked = \"security: use 3.1.1\"".into());
        } else {
            c.text(reason, || path!["release", i, "yanked"], false, false);
        }
    }
    Some(Release {
        version: version?,
        released: released?,
        support_ends,
        provides: provides.into_iter().collect(),
        requires: requires.into_iter().collect(),
        depends: depends.into_iter().collect(),
        conflicts: conflicts.into_iter().collect(),
        yanked: r.yanked.clone().filter(|y| !y.trim().is_empty()),
    })
}

fn ranges(
    c: &mut Checker<'_>,
    i: usize,
    table: &str,
    what: &str,
    map: &BTreeMap<String, String>,
) -> Vec<(Id, VersionReq)> {
    let mut out = Vec::with_capacity(map.len());
    for (k, v) in map {
        let id = c.key_id(what, k, || path!["release", i, table, k.as_str()]);
        let v = c.range(v, || path!["release", i, table, k.as_str()]);
        if let (Some(id), Some(v)) = (id, v) {
            out.push((id, v));
        }
    }
    out
}
