//! `stackreg show`: one component (its releases and who provides what it needs), or one
//! interface (its providers and consumers by version).

use std::collections::BTreeMap;
use std::fmt;

use super::Layout;

use semver::Version;
use serde::Serialize;

use crate::model::Excerpt;
use crate::model::{Component, Date, Id, IdMap, Interface, Kind, Lifecycle, Release};

/// One release as shown.
#[derive(Debug, Clone, Serialize)]
pub struct ReleaseView {
    pub version: String,
    pub released: Date,
    pub support_ends: Option<Date>,
    pub yanked: Option<String>,
    pub provides: BTreeMap<String, String>,
    pub requires: BTreeMap<String, String>,
    pub depends: BTreeMap<String, String>,
    pub conflicts: BTreeMap<String, String>,
}

impl ReleaseView {
    fn new(r: &Release) -> ReleaseView {
        let strings = |m: &IdMap<semver::VersionReq>| {
            m.iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect()
        };
        ReleaseView {
            version: r.version.to_string(),
            released: r.released,
            support_ends: r.support_ends,
            yanked: r.yanked.clone(),
            provides: r
                .provides
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            requires: strings(&r.requires),
            depends: strings(&r.depends),
            conflicts: strings(&r.conflicts),
        }
    }
}

/// Components whose releases provide an interface at a matching version.
#[derive(Debug, Clone, Serialize)]
pub struct Provider {
    pub component: String,
    pub versions: Vec<String>,
}

/// One interface a shown release requires, and who can provide it.
#[derive(Debug, Clone, Serialize)]
pub struct Requirement {
    /// The release that requires it.
    pub release: String,
    pub interface: String,
    pub range: String,
    pub providers: Vec<Provider>,
}

/// The answer to `show ID[@VERSION]`.
#[derive(Debug, Clone, Serialize)]
pub struct ComponentReport {
    pub id: String,
    pub name: String,
    pub summary: String,
    pub supplier: String,
    pub licence: String,
    pub open_source: bool,
    pub kind: Kind,
    pub lifecycle: Lifecycle,
    pub capabilities: Vec<String>,
    pub assurances: Vec<String>,
    pub homepage: String,
    pub repository: Option<String>,
    /// Newest first.
    pub releases: Vec<ReleaseView>,
    /// For the newest shown release that is not yanked (or the one asked for): who
    /// provides each interface it requires.
    pub requires: Vec<Requirement>,
}

impl ComponentReport {
    /// `version` limits the report to that release.
    pub fn new(registry: &Excerpt, c: &Component, version: Option<&Version>) -> ComponentReport {
        let shown: Vec<&Release> = match version {
            Some(v) => c.releases.iter().filter(|r| &r.version == v).collect(),
            None => c.releases.iter().rev().collect(),
        };
        let focus = match version {
            Some(_) => shown.first().copied(),
            None => c.latest(),
        };
        let requires = focus
            .map(|r| {
                r.requires
                    .iter()
                    .map(|(iface, range)| Requirement {
                        release: r.version.to_string(),
                        interface: iface.to_string(),
                        range: range.to_string(),
                        providers: providers(registry, iface.as_str(), |v| range.matches(v), &c.id),
                    })
                    .collect()
            })
            .unwrap_or_default();
        ComponentReport {
            id: c.id.to_string(),
            name: c.name.clone(),
            summary: c.summary.clone(),
            supplier: c.supplier.clone(),
            licence: c.licence.to_string(),
            open_source: c.licence.is_open_source(),
            kind: c.kind,
            lifecycle: c.lifecycle,
            capabilities: c.capabilities.iter().map(ToString::to_string).collect(),
            assurances: c.assurances.clone(),
            homepage: c.homepage.clone(),
            repository: c.repository.clone(),
            releases: shown.into_iter().map(ReleaseView::new).collect(),
            requires,
        }
    }

    fn release_rows(&self) -> Vec<Vec<String>> {
        let pairs =
            |m: &BTreeMap<String, String>| super::join(m.iter().map(|(k, v)| format!("{k} {v}")));
        self.releases
            .iter()
            .map(|r| {
                let mut note = String::new();
                if let Some(y) = &r.yanked {
                    note = format!("yanked: {y}");
                }
                if !r.conflicts.is_empty() {
                    if !note.is_empty() {
                        note.push_str("; ");
                    }
                    note.push_str(&format!("conflicts: {}", pairs(&r.conflicts)));
                }
                vec![
                    r.version.clone(),
                    r.released.to_string(),
                    r.support_ends.map_or("-".into(), |d| d.to_string()),
                    pairs(&r.provides),
                    pairs(&r.requires),
                    pairs(&r.depends),
                    note,
                ]
            })
            .collect()
    }

    fn header_fields(&self) -> Vec<(&'static str, String)> {
        vec![
            ("supplier", self.supplier.clone()),
            (
                "licence",
                format!(
                    "{} ({})",
                    self.licence,
                    if self.open_source {
                        "open source"
                    } else {
                        "closed"
                    }
                ),
            ),
            ("kind", self.kind.to_string()),
            ("lifecycle", self.lifecycle.to_string()),
            ("capabilities", self.capabilities.join(", ")),
            ("assurances", self.assurances.join(", ")),
            ("homepage", self.homepage.clone()),
            ("repository", self.repository.clone().unwrap_or_default()),
        ]
    }

    pub fn markdown(&self) -> String {
        let mut out = format!(
            "### {} — {}\n\n{}\n\n",
            super::md(&self.id),
            super::md(&self.name),
            super::md(&self.summary)
        );
        out.push_str(&super::md_table(
            &["field", "value"],
            self.header_fields()
                .into_iter()
                .filter(|(_, v)| !v.is_empty())
                .map(|(k, v)| vec![k.to_owned(), v]),
        ));
        out.push_str("\n#### Releases\n\n");
        out.push_str(&super::md_table(&RELEASE_HEADER, self.release_rows()));
        if !self.requires.is_empty() {
            out.push_str("\n#### Who provides what it requires\n\n");
            out.push_str(&super::md_table(
                &["interface", "range", "providers"],
                self.requires.iter().map(requirement_row),
            ));
        }
        out
    }
}

const RELEASE_HEADER: [&str; 7] = [
    "version",
    "released",
    "support ends",
    "provides",
    "requires",
    "depends",
    "note",
];

fn requirement_row(r: &Requirement) -> Vec<String> {
    vec![
        r.interface.clone(),
        r.range.clone(),
        if r.providers.is_empty() {
            "none".into()
        } else {
            r.providers
                .iter()
                .map(|p| format!("{} {}", p.component, p.versions.join("/")))
                .collect::<Vec<_>>()
                .join(", ")
        },
    ]
}

/// Components (other than `except`) with releases providing `iface` at a version `ok`
/// accepts.
fn providers(
    registry: &Excerpt,
    iface: &str,
    ok: impl Fn(&Version) -> bool,
    except: &Id,
) -> Vec<Provider> {
    let mut by: BTreeMap<&Id, Vec<String>> = BTreeMap::new();
    for (c, r, v) in registry.providers(iface) {
        if &c.id != except && ok(v) && !r.is_yanked() {
            by.entry(&c.id).or_default().push(r.version.to_string());
        }
    }
    by.into_iter()
        .map(|(id, versions)| Provider {
            component: id.to_string(),
            versions,
        })
        .collect()
}

impl ComponentReport {
    pub fn render(&self, layout: &Layout, f: &mut dyn fmt::Write) -> fmt::Result {
        writeln!(
            f,
            "{} — {}",
            crate::text::escape(&self.id),
            crate::text::escape(&self.name)
        )?;
        f.write_str(&layout.wrap(&crate::text::escape(&self.summary), 0, 0))?;
        writeln!(f)?;
        f.write_str(&layout.fields(&self.header_fields()))?;
        writeln!(f)?;
        f.write_str(&layout.table(&RELEASE_HEADER, self.release_rows()))?;
        if let Some(first) = self.requires.first() {
            writeln!(f, "\nwho provides what {} requires:", first.release)?;
            f.write_str(&layout.table(
                &["interface", "range", "providers"],
                self.requires.iter().map(requirement_row),
            ))?;
        }
        Ok(())
    }
}

/// Providers or consumers of one interface version.
#[derive(Debug, Clone, Serialize)]
pub struct VersionUse {
    pub version: String,
    /// `component@version` of every release providing exactly this version.
    pub providers: Vec<String>,
    /// `component@version (range)` of every release whose `requires` range accepts it.
    pub consumers: Vec<String>,
}

/// The answer to `show --interface ID`.
#[derive(Debug, Clone, Serialize)]
pub struct InterfaceReport {
    pub id: String,
    pub name: String,
    pub summary: String,
    pub owner: String,
    pub specification: String,
    /// Newest first.
    pub versions: Vec<VersionUse>,
    /// Consumers whose range no published version satisfies.
    pub unmet: Vec<String>,
}

impl InterfaceReport {
    pub fn new(registry: &Excerpt, i: &Interface) -> InterfaceReport {
        // One pass over the registry, then one over this interface's users per version.
        let provided: Vec<_> = registry.providers(i.id.as_str()).collect();
        let consumed: Vec<_> = registry.consumers(i.id.as_str()).collect();
        let mut versions = Vec::new();
        for v in i.versions.iter().rev() {
            let providers = provided
                .iter()
                .copied()
                .filter(|(_, _, pv)| *pv == v)
                .map(|(c, r, _)| {
                    let mut s = format!("{}@{}", c.id, r.version);
                    if r.is_yanked() {
                        s.push_str(" (yanked)");
                    }
                    s
                })
                .collect();
            let consumers = consumed
                .iter()
                .copied()
                .filter(|(_, _, range)| range.matches(v))
                .map(|(c, r, range)| format!("{}@{} ({range})", c.id, r.version))
                .collect();
            versions.push(VersionUse {
                version: v.to_string(),
                providers,
                consumers,
            });
        }
        let unmet = consumed
            .iter()
            .copied()
            .filter(|(_, _, range)| !i.versions.iter().any(|v| range.matches(v)))
            .map(|(c, r, range)| format!("{}@{} ({range})", c.id, r.version))
            .collect();
        InterfaceReport {
            id: i.id.to_string(),
            name: i.name.clone(),
            summary: i.summary.clone(),
            owner: i.owner.clone(),
            specification: i.specification.clone(),
            versions,
            unmet,
        }
    }

    fn rows(&self) -> Vec<Vec<String>> {
        self.versions
            .iter()
            .map(|v| {
                vec![
                    v.version.clone(),
                    group_releases(&v.providers),
                    group_releases(&v.consumers),
                ]
            })
            .collect()
    }

    pub fn markdown(&self) -> String {
        let mut out = format!(
            "### {} — {}\n\n{}\n\nOwner: {}. Specification: <{}>\n\n",
            super::md(&self.id),
            super::md(&self.name),
            super::md(&self.summary),
            super::md(&self.owner),
            super::md(&self.specification),
        );
        out.push_str(&super::md_table(
            &["version", "provided by", "used by"],
            self.rows(),
        ));
        out
    }
}

/// `a@1.0.0, a@2.0.0 (yanked), b@1.0.0 (^2)` → `a 1.0.0, 2.0.0 (yanked); b 1.0.0 (^2)`.
fn group_releases(items: &[String]) -> String {
    let mut groups: Vec<(String, Vec<String>)> = Vec::new();
    for item in items {
        let (id, rest) = item.split_once('@').unwrap_or((item, ""));
        match groups.last_mut() {
            Some((last, versions)) if last == id => versions.push(rest.to_owned()),
            _ => groups.push((id.to_owned(), vec![rest.to_owned()])),
        }
    }
    if groups.is_empty() {
        return "-".into();
    }
    groups
        .into_iter()
        .map(|(id, versions)| {
            // `1.0.0 (^1)`, `1.4.0 (^1)` → `1.0.0, 1.4.0 (^1)` when the notes agree.
            let split: Vec<(&str, &str)> = versions
                .iter()
                .map(|v| v.split_once(' ').unwrap_or((v.as_str(), "")))
                .collect();
            let note = split[0].1;
            if split.iter().all(|(_, n)| *n == note) && !note.is_empty() {
                let vs: Vec<&str> = split.iter().map(|(v, _)| *v).collect();
                format!("{id} {} {note}", vs.join(", "))
            } else {
                format!("{id} {}", versions.join(", "))
            }
        })
        .collect::<Vec<_>>()
        .join("; ")
}

impl InterfaceReport {
    pub fn render(&self, layout: &Layout, f: &mut dyn fmt::Write) -> fmt::Result {
        use crate::text::escape;
        writeln!(f, "{} — {}", escape(&self.id), escape(&self.name))?;
        f.write_str(&layout.wrap(&escape(&self.summary), 0, 0))?;
        writeln!(f)?;
        f.write_str(&layout.fields(&[
            ("owner", self.owner.as_str()),
            ("specification", self.specification.as_str()),
        ]))?;
        writeln!(f)?;
        f.write_str(&layout.table(&["version", "provided by", "used by"], self.rows()))?;
        if !self.unmet.is_empty() {
            let unmet = format!(
                "required at versions this interface does not publish: {}",
                escape(&self.unmet.join(", "))
            );
            writeln!(f)?;
            f.write_str(&layout.wrap(&unmet, 0, 2))?;
        }
        Ok(())
    }
}
