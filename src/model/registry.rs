//! The registry snapshot: every checked interface, component and stack of one registry,
//! where it was read from, and what a load found about its files.
//!
//! A load from `catalog` returns one of these; nothing here reads a file.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt;

use semver::Version;

use super::{Component, Id, Interface, RegistryMeta, Release, Stack};
use crate::diagnostic::Diagnostic;

/// Where a registry was read from, as recorded in reports and lock files.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SourceInfo {
    /// The path or URL the user gave (or that was discovered).
    pub source: String,
    /// The commit read, when read through git.
    pub commit: Option<String>,
    /// The registry's folder relative to the root of its git repository (`""` for the whole
    /// repository), when known; used to print paths that CI can annotate.
    #[serde(skip)]
    pub path_in_repo: Option<String>,
}

impl fmt::Display for SourceInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.commit {
            Some(c) => write!(f, "{} at {}", self.source, c.get(..12).unwrap_or(c)),
            None => f.write_str(&self.source),
        }
    }
}

/// A checked snapshot of a registry.
#[derive(Debug, Clone)]
pub struct Registry {
    pub source: SourceInfo,
    pub meta: RegistryMeta,
    pub interfaces: BTreeMap<Id, Interface>,
    pub components: BTreeMap<Id, Component>,
    pub stacks: BTreeMap<Id, Stack>,
}

/// What a registry load produced.
#[derive(Debug)]
pub struct Loaded {
    pub registry: Registry,
    /// Every finding, located and sorted.
    pub diagnostics: Vec<Diagnostic>,
    /// How many files were checked.
    pub checked: usize,
    /// The file each loaded item came from, by folder and id.
    pub origins: Origins,
    /// The text of every file with a finding, for quoting.
    pub sources: BTreeMap<String, String>,
    /// Whether the files' checks came from the index cache rather than the files.
    pub from_cache: bool,
}

impl Loaded {
    pub fn error_count(&self) -> usize {
        self.diagnostics.iter().filter(|d| d.is_error()).count()
    }
}

/// The registry-relative file each interface, component and stack was read from.
#[derive(Debug, Clone, Default)]
pub struct Origins {
    pub interfaces: HashMap<Id, String>,
    pub components: HashMap<Id, String>,
    pub stacks: HashMap<Id, String>,
}

impl Origins {
    pub fn interface(&self, id: &Id) -> String {
        self.interfaces
            .get(id)
            .cloned()
            .unwrap_or_else(|| format!("interfaces/{id}.toml"))
    }

    pub fn component(&self, id: &Id) -> String {
        self.components
            .get(id)
            .cloned()
            .unwrap_or_else(|| format!("components/{id}.toml"))
    }

    pub fn stack(&self, id: &Id) -> String {
        self.stacks
            .get(id)
            .cloned()
            .unwrap_or_else(|| format!("stacks/{id}.toml"))
    }
}

impl Registry {
    /// Every release of any component that provides `interface`, with the version it
    /// provides, ordered by component id then release version.
    pub fn providers<'a>(
        &'a self,
        interface: &'a str,
    ) -> impl Iterator<Item = (&'a Component, &'a Release, &'a Version)> + 'a {
        self.components.values().flat_map(move |c| {
            c.releases
                .iter()
                .filter_map(move |r| r.provides.get(interface).map(|v| (c, r, v)))
        })
    }

    /// Every release of any component that requires `interface`, with the range it needs.
    pub fn consumers<'a>(
        &'a self,
        interface: &'a str,
    ) -> impl Iterator<Item = (&'a Component, &'a Release, &'a semver::VersionReq)> + 'a {
        self.components.values().flat_map(move |c| {
            c.releases
                .iter()
                .filter_map(move |r| r.requires.get(interface).map(|v| (c, r, v)))
        })
    }

    /// Every capability with the components that serve it.
    pub fn capabilities(&self) -> BTreeMap<&Id, Vec<&Component>> {
        let mut out: BTreeMap<&Id, Vec<&Component>> = BTreeMap::new();
        for c in self.components.values() {
            for cap in &c.capabilities {
                out.entry(cap).or_default().push(c);
            }
        }
        out
    }

    /// The set of every capability id.
    pub fn capability_ids(&self) -> BTreeSet<&Id> {
        self.components
            .values()
            .flat_map(|c| c.capabilities.iter())
            .collect()
    }
}
