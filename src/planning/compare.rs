//! `compare ID ID [ID…]`: components side by side, and which facts differ.

use std::collections::BTreeMap;

use semver::Version;
use serde::Serialize;

use crate::model::{Component, Date, Id, Kind, Lifecycle};

/// One component's facts, as compared.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct Side {
    pub component: Id,
    pub name: String,
    pub supplier: String,
    pub licence: String,
    pub open_source: bool,
    pub kind: Kind,
    pub lifecycle: Lifecycle,
    pub assurances: Vec<String>,
    pub capabilities: Vec<Id>,
    /// The newest release that is not yanked.
    #[serde(serialize_with = "crate::planning::ser_opt_version")]
    pub newest: Option<Version>,
    pub released: Option<Date>,
    pub support_ends: Option<Date>,
    /// What the newest release provides: `interface version`.
    pub provides: Vec<String>,
    /// What the newest release requires: `interface range`.
    pub requires: Vec<String>,
    /// What the newest release depends on: `component range`.
    pub depends: Vec<String>,
    /// Every interface version any release provides, with the releases that do:
    /// `interface version (releases a–b)`.
    pub provides_by_release: Vec<String>,
    pub releases: usize,
}

/// The facts compared, in row order: (JSON key, label).
pub const FIELDS: [(&str, &str); 15] = [
    ("name", "name"),
    ("supplier", "supplier"),
    ("licence", "licence"),
    ("open-source", "open source"),
    ("kind", "kind"),
    ("lifecycle", "lifecycle"),
    ("assurances", "assurances"),
    ("capabilities", "capabilities"),
    ("newest", "newest release"),
    ("released", "released"),
    ("support-ends", "support ends"),
    ("provides", "provides"),
    ("requires", "requires"),
    ("depends", "depends"),
    ("provides-by-release", "provided, by release"),
];

/// The answer to `compare`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Comparison {
    pub components: Vec<Side>,
    /// The JSON keys of the facts that are not the same for every component.
    pub differences: Vec<&'static str>,
}

impl Side {
    /// The fact under `key`, as text.
    pub fn fact(&self, key: &str) -> String {
        let list = |v: &[String]| {
            if v.is_empty() {
                "-".to_owned()
            } else {
                v.join(", ")
            }
        };
        let opt = |d: Option<String>| d.unwrap_or_else(|| "-".into());
        match key {
            "name" => self.name.clone(),
            "supplier" => self.supplier.clone(),
            "licence" => self.licence.clone(),
            "open-source" => if self.open_source { "yes" } else { "no" }.into(),
            "kind" => self.kind.to_string(),
            "lifecycle" => self.lifecycle.to_string(),
            "assurances" => list(&self.assurances),
            "capabilities" => list(
                &self
                    .capabilities
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>(),
            ),
            "newest" => opt(self.newest.as_ref().map(ToString::to_string)),
            "released" => opt(self.released.map(|d| d.to_string())),
            "support-ends" => opt(self.support_ends.map(|d| d.to_string())),
            "provides" => list(&self.provides),
            "requires" => list(&self.requires),
            "depends" => list(&self.depends),
            "provides-by-release" => list(&self.provides_by_release),
            _ => String::new(),
        }
    }
}

/// The components side by side, in the order given.
pub fn compare(components: &[&Component]) -> Comparison {
    let sides: Vec<Side> = components.iter().map(|c| side(c)).collect();
    let differences = FIELDS
        .iter()
        .map(|(key, _)| *key)
        .filter(|key| {
            let mut facts = sides.iter().map(|s| s.fact(key));
            let first = facts.next();
            facts.any(|f| Some(&f) != first.as_ref())
        })
        .collect();
    Comparison {
        components: sides,
        differences,
    }
}

fn side(c: &Component) -> Side {
    let newest = c.releases.iter().rev().find(|r| !r.is_yanked());
    let pairs = |m: Option<Vec<String>>| m.unwrap_or_default();
    let mut by_release: BTreeMap<(&Id, &Version), Vec<&Version>> = BTreeMap::new();
    for r in c.releases.iter().filter(|r| !r.is_yanked()) {
        for (iface, v) in &r.provides {
            by_release.entry((iface, v)).or_default().push(&r.version);
        }
    }
    let provides_by_release = by_release
        .into_iter()
        .map(|((iface, v), releases)| {
            let span = match (releases.first(), releases.last()) {
                (Some(a), Some(b)) if a == b => a.to_string(),
                (Some(a), Some(b)) => format!("{a}–{b}"),
                _ => String::new(),
            };
            format!("{iface} {v} ({span})")
        })
        .collect();
    Side {
        component: c.id.clone(),
        name: c.name.clone(),
        supplier: c.supplier.clone(),
        licence: c.licence.to_string(),
        open_source: c.licence.is_open_source(),
        kind: c.kind,
        lifecycle: c.lifecycle,
        assurances: c.assurances.clone(),
        capabilities: c.capabilities.clone(),
        newest: newest.map(|r| r.version.clone()),
        released: newest.map(|r| r.released),
        support_ends: newest.and_then(|r| r.support_ends),
        provides: pairs(
            newest.map(|r| r.provides.iter().map(|(i, v)| format!("{i} {v}")).collect()),
        ),
        requires: pairs(
            newest.map(|r| r.requires.iter().map(|(i, v)| format!("{i} {v}")).collect()),
        ),
        depends: pairs(newest.map(|r| r.depends.iter().map(|(i, v)| format!("{i} {v}")).collect())),
        provides_by_release,
        releases: c.releases.len(),
    }
}
