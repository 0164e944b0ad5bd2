//! `stackreg interfaces`: every interface with its versions, providers and consumers.

use std::collections::{BTreeSet, HashMap};
use std::fmt;

use super::Layout;

use serde::Serialize;

use crate::model::Registry;

/// One interface in the listing.
#[derive(Debug, Clone, Serialize)]
pub struct InterfaceRow {
    pub id: String,
    pub name: String,
    pub owner: String,
    pub versions: Vec<String>,
    /// Components with a release that provides it.
    pub providers: Vec<String>,
    /// Components with a release that requires it.
    pub consumers: Vec<String>,
}

/// The answer to `interfaces`.
#[derive(Debug, Clone, Serialize)]
#[serde(transparent)]
pub struct InterfaceList {
    pub rows: Vec<InterfaceRow>,
}

impl InterfaceList {
    pub fn new(registry: &Registry) -> InterfaceList {
        // One pass over every release, not one per interface.
        let mut uses: HashMap<&str, (BTreeSet<String>, BTreeSet<String>)> = HashMap::new();
        for c in registry.components.values() {
            for r in &c.releases {
                for i in r.provides.keys() {
                    uses.entry(i.as_str())
                        .or_default()
                        .0
                        .insert(c.id.to_string());
                }
                for i in r.requires.keys() {
                    uses.entry(i.as_str())
                        .or_default()
                        .1
                        .insert(c.id.to_string());
                }
            }
        }
        let rows = registry
            .interfaces
            .values()
            .map(|i| {
                let (providers, consumers) = uses.remove(i.id.as_str()).unwrap_or_default();
                InterfaceRow {
                    id: i.id.to_string(),
                    name: i.name.clone(),
                    owner: i.owner.clone(),
                    versions: i.versions.iter().map(ToString::to_string).collect(),
                    providers: providers.into_iter().collect(),
                    consumers: consumers.into_iter().collect(),
                }
            })
            .collect();
        InterfaceList { rows }
    }

    const HEADER: [&'static str; 5] = ["interface", "name", "versions", "providers", "used by"];

    fn cells(r: &InterfaceRow) -> Vec<String> {
        vec![
            r.id.clone(),
            r.name.clone(),
            r.versions.join(", "),
            super::join(&r.providers),
            r.consumers.len().to_string(),
        ]
    }

    pub fn markdown(&self) -> String {
        super::md_table(&Self::HEADER, self.rows.iter().map(Self::cells))
    }

    pub fn csv(&self) -> String {
        super::csv::table(
            &["id", "name", "owner", "versions", "providers", "consumers"],
            self.rows.iter().map(|r| {
                vec![
                    r.id.clone(),
                    r.name.clone(),
                    r.owner.clone(),
                    super::csv::list(&r.versions),
                    super::csv::list(&r.providers),
                    super::csv::list(&r.consumers),
                ]
            }),
        )
    }
}

impl InterfaceList {
    pub fn render(&self, layout: &Layout, f: &mut dyn fmt::Write) -> fmt::Result {
        if self.rows.is_empty() {
            return writeln!(f, "the registry has no interfaces");
        }
        f.write_str(&layout.table(&Self::HEADER, self.rows.iter().map(Self::cells)))
    }
}
