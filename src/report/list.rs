//! `stackreg list`: the components of a registry, filtered.

use std::fmt;

use super::Layout;

use semver::Version;
use serde::Serialize;

use crate::model::{Kind, Lifecycle, Listed, Listing};

/// Which components `list` shows. Within one filter any value matches; filters combine.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// Case-insensitive text found in the id, name, summary, supplier or a capability.
    pub query: Option<String>,
    pub capabilities: Vec<String>,
    pub interfaces: Vec<String>,
    pub suppliers: Vec<String>,
    pub lifecycles: Vec<Lifecycle>,
    pub kinds: Vec<Kind>,
    pub open_source: bool,
}

impl Filter {
    pub fn matches(&self, c: &Listed) -> bool {
        if let Some(q) = &self.query {
            let q = q.to_lowercase();
            let hit = c.id.as_str().contains(&q)
                || c.name.to_lowercase().contains(&q)
                || c.summary.to_lowercase().contains(&q)
                || c.supplier.to_lowercase().contains(&q)
                || c.capabilities.iter().any(|cap| cap.as_str().contains(&q));
            if !hit {
                return false;
            }
        }
        (self.capabilities.is_empty() || self.capabilities.iter().any(|x| c.has_capability(x)))
            && (self.interfaces.is_empty()
                || self.interfaces.iter().any(|x| c.provides_interface(x)))
            && (self.suppliers.is_empty()
                || self.suppliers.iter().any(|s| {
                    c.supplier
                        .to_lowercase()
                        .contains(&crate::model::name::normalise(s).to_lowercase())
                }))
            && (self.lifecycles.is_empty() || self.lifecycles.contains(&c.lifecycle))
            && (self.kinds.is_empty() || self.kinds.contains(&c.kind))
            && (!self.open_source || c.licence.is_open_source())
    }
}

/// One component in a listing.
#[derive(Debug, Clone, Serialize)]
pub struct ListRow {
    pub id: String,
    pub name: String,
    pub summary: String,
    pub supplier: String,
    pub licence: String,
    pub open_source: bool,
    pub kind: Kind,
    pub lifecycle: Lifecycle,
    pub capabilities: Vec<String>,
    /// The newest release that is not yanked.
    pub latest: Option<Version>,
    /// Every release, lowest first (written out only when shown: a national catalogue
    /// lists a hundred thousand).
    pub versions: Vec<Version>,
}

/// The answer to `list`.
#[derive(Debug, Clone, Serialize)]
#[serde(transparent)]
pub struct ComponentList {
    pub rows: Vec<ListRow>,
}

impl ComponentList {
    pub fn new(registry: &Listing, filter: &Filter) -> ComponentList {
        let rows = registry
            .components
            .values()
            .filter(|c| filter.matches(c))
            .map(|c| ListRow {
                id: c.id.to_string(),
                name: c.name.clone(),
                summary: c.summary.clone(),
                supplier: c.supplier.clone(),
                licence: c.licence.to_string(),
                open_source: c.licence.is_open_source(),
                kind: c.kind,
                lifecycle: c.lifecycle,
                capabilities: c.capabilities.iter().map(ToString::to_string).collect(),
                latest: c.latest().cloned(),
                versions: c.versions.clone(),
            })
            .collect();
        ComponentList { rows }
    }

    const HEADER: [&'static str; 6] = [
        "component",
        "latest",
        "lifecycle",
        "kind",
        "licence",
        "capabilities",
    ];

    fn cells(row: &ListRow) -> Vec<String> {
        vec![
            row.id.clone(),
            row.latest
                .as_ref()
                .map_or_else(|| "-".into(), ToString::to_string),
            row.lifecycle.to_string(),
            row.kind.to_string(),
            short_licence(&row.licence),
            row.capabilities.join(", "),
        ]
    }

    pub fn markdown(&self) -> String {
        super::md_table(
            &[
                "component",
                "name",
                "supplier",
                "latest",
                "lifecycle",
                "kind",
                "licence",
                "capabilities",
            ],
            self.rows.iter().map(|r| {
                vec![
                    r.id.clone(),
                    r.name.clone(),
                    r.supplier.clone(),
                    r.latest
                        .as_ref()
                        .map_or_else(|| "-".into(), ToString::to_string),
                    r.lifecycle.to_string(),
                    r.kind.to_string(),
                    r.licence.clone(),
                    r.capabilities.join(", "),
                ]
            }),
        )
    }

    pub fn csv(&self) -> String {
        super::csv::table(
            &[
                "id",
                "name",
                "supplier",
                "licence",
                "open_source",
                "kind",
                "lifecycle",
                "capabilities",
                "latest",
                "versions",
            ],
            self.rows.iter().map(|r| {
                vec![
                    r.id.clone(),
                    r.name.clone(),
                    r.supplier.clone(),
                    r.licence.clone(),
                    r.open_source.to_string(),
                    r.kind.to_string(),
                    r.lifecycle.to_string(),
                    super::csv::list(&r.capabilities),
                    r.latest
                        .as_ref()
                        .map(ToString::to_string)
                        .unwrap_or_default(),
                    super::csv::list(r.versions.iter().map(ToString::to_string)),
                ]
            }),
        )
    }
}

impl ComponentList {
    pub fn render(&self, layout: &Layout, f: &mut dyn fmt::Write) -> fmt::Result {
        if self.rows.is_empty() {
            return writeln!(f, "no components match");
        }
        f.write_str(&layout.table_fitted(&Self::HEADER, self.rows.iter().map(Self::cells), &[5, 4]))
    }
}

/// `LicenseRef-Proprietary` reads as `Proprietary` in tables; SPDX ids are unchanged.
pub fn short_licence(licence: &str) -> String {
    licence.replace("LicenseRef-", "")
}
