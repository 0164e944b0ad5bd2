//! The registry snapshot: every checked interface, component and stack of one registry,
//! where it was read from, and what a load found about its files.
//!
//! A load from `catalog` returns one of these; nothing here reads a file.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt;

use semver::{Version, VersionReq};

use serde::{Deserialize, Serialize};

use super::idmap::IdMap;
use super::{
    Component, Id, Interface, Kind, Licence, Lifecycle, RegistryMeta, Release, Stack, wire,
};
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

/// The whole registry, or the part of it a command asked for (`Listing`, `Excerpt`).
pub trait Snapshot {
    /// Where it was read from.
    fn source_info(&self) -> &SourceInfo;
}

impl Snapshot for Registry {
    fn source_info(&self) -> &SourceInfo {
        &self.source
    }
}

/// Every component of a registry as a listing shows it (`Listed`): the interfaces, the
/// stacks and what each release requires are not loaded. Not a `Registry`, so it cannot
/// be passed where the whole one is needed.
#[derive(Debug, Clone)]
pub struct Listing {
    pub source: SourceInfo,
    pub meta: RegistryMeta,
    pub components: BTreeMap<Id, Listed>,
}

/// A component as a listing shows it: its own fields, the versions of its releases, and
/// the interfaces any of them provides or requires. The index cache keeps one of these
/// beside each component, so a listing decodes no release.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Listed {
    pub id: Id,
    pub name: String,
    pub summary: String,
    pub supplier: String,
    pub licence: Licence,
    pub kind: Kind,
    pub capabilities: Vec<Id>,
    pub lifecycle: Lifecycle,
    /// Every release's version, lowest first.
    #[serde(with = "wire::list")]
    pub versions: Vec<Version>,
    /// Where `Component::latest` is in `versions`.
    pub latest: Option<u32>,
    /// The interfaces some release provides, sorted.
    pub provides: Vec<Id>,
    /// The interfaces some release requires, sorted.
    pub requires: Vec<Id>,
}

impl Listed {
    pub fn of(c: &Component) -> Listed {
        let latest = c.latest().and_then(|l| {
            let at = c.releases.iter().position(|r| std::ptr::eq(r, l))?;
            u32::try_from(at).ok()
        });
        Listed {
            id: c.id.clone(),
            name: c.name.clone(),
            summary: c.summary.clone(),
            supplier: c.supplier.clone(),
            licence: c.licence.clone(),
            kind: c.kind,
            capabilities: c.capabilities.clone(),
            lifecycle: c.lifecycle,
            versions: c.releases.iter().map(|r| r.version.clone()).collect(),
            latest,
            provides: keys_of(c, |r| &r.provides),
            requires: keys_of(c, |r| &r.requires),
        }
    }

    /// The newest release that is not yanked (or the newest of all when every one is).
    pub fn latest(&self) -> Option<&Version> {
        self.versions.get(usize::try_from(self.latest?).ok()?)
    }

    pub fn has_capability(&self, capability: &str) -> bool {
        self.capabilities.iter().any(|c| c.as_str() == capability)
    }

    /// Whether any release provides the interface.
    pub fn provides_interface(&self, interface: &str) -> bool {
        self.provides.iter().any(|i| i.as_str() == interface)
    }

    /// Whether any release requires the interface.
    pub fn requires_interface(&self, interface: &str) -> bool {
        self.requires.iter().any(|i| i.as_str() == interface)
    }
}

/// The ids of `field` over every release of `c`, sorted, once each.
fn keys_of<V>(c: &Component, field: impl Fn(&Release) -> &IdMap<V>) -> Vec<Id> {
    let mut out: Vec<&Id> = c.releases.iter().flat_map(|r| field(r).keys()).collect();
    out.sort_unstable_by(|a, b| a.as_str().cmp(b.as_str()));
    out.dedup();
    out.into_iter().cloned().collect()
}

impl Snapshot for Listing {
    fn source_info(&self) -> &SourceInfo {
        &self.source
    }
}

impl Listing {
    /// The listing of a whole registry.
    pub fn of(r: &Registry) -> Listing {
        Listing {
            source: r.source.clone(),
            meta: r.meta.clone(),
            components: r
                .components
                .iter()
                .map(|(id, c)| (id.clone(), Listed::of(c)))
                .collect(),
        }
    }
}

/// What an excerpt is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Focus {
    /// A component, and every component providing an interface one of its releases
    /// requires (what `show ID` reports).
    Component(String),
    /// An interface, and every component with a release providing or requiring it.
    Interface(String),
}

impl Focus {
    /// Which components an excerpt about this focus holds, from each component's id and
    /// the interfaces its releases provide and require (`uses`, in registry order).
    pub fn keeps<'a>(&self, uses: &[(&'a str, Vec<&'a str>, Vec<&'a str>)]) -> Vec<bool> {
        match self {
            Focus::Component(id) => {
                let Some((_, _, wanted)) = uses.iter().find(|(c, _, _)| c == id) else {
                    return vec![false; uses.len()];
                };
                uses.iter()
                    .map(|(c, provides, _)| c == id || provides.iter().any(|i| wanted.contains(i)))
                    .collect()
            }
            Focus::Interface(id) => uses
                .iter()
                .map(|(_, provides, requires)| {
                    provides.contains(&id.as_str()) || requires.contains(&id.as_str())
                })
                .collect(),
        }
    }
}

/// The interfaces a component's releases provide and require, each once, sorted.
pub fn interfaces_used(c: &Component) -> (Vec<&str>, Vec<&str>) {
    let keys = |f: fn(&Release) -> Vec<&str>| {
        let mut out: Vec<&str> = c.releases.iter().flat_map(f).collect();
        out.sort_unstable();
        out.dedup();
        out
    };
    (
        keys(|r| r.provides.keys().map(Id::as_str).collect()),
        keys(|r| r.requires.keys().map(Id::as_str).collect()),
    )
}

/// Part of a registry: one component or interface (`focus`), the components that provide
/// or use what it does, and every interface. What `show` reports, without loading every
/// component; not a `Registry`, so it cannot be passed where the whole one is needed.
#[derive(Debug, Clone)]
pub struct Excerpt {
    pub source: SourceInfo,
    pub focus: Focus,
    pub interfaces: BTreeMap<Id, Interface>,
    /// The components `focus` keeps.
    pub components: BTreeMap<Id, Component>,
    /// Every component id in the registry, for suggestions.
    pub component_ids: Vec<Id>,
}

impl Snapshot for Excerpt {
    fn source_info(&self) -> &SourceInfo {
        &self.source
    }
}

impl Excerpt {
    /// The excerpt of a whole registry about `focus`.
    pub fn of(r: &Registry, focus: Focus) -> Excerpt {
        let uses: Vec<(&str, Vec<&str>, Vec<&str>)> = r
            .components
            .values()
            .map(|c| {
                let (p, q) = interfaces_used(c);
                (c.id.as_str(), p, q)
            })
            .collect();
        let keeps = focus.keeps(&uses);
        drop(uses);
        let component_ids: Vec<Id> = r.components.keys().cloned().collect();
        let components = r
            .components
            .iter()
            .zip(keeps)
            .filter(|(_, keep)| *keep)
            .map(|((id, c), _)| (id.clone(), c.clone()))
            .collect();
        Excerpt {
            source: r.source.clone(),
            focus,
            interfaces: r.interfaces.clone(),
            components,
            component_ids,
        }
    }

    /// Every release of a component in the excerpt that provides `interface` (all of
    /// them, when the focus is that interface or requires it).
    pub fn providers<'a>(
        &'a self,
        interface: &'a str,
    ) -> impl Iterator<Item = (&'a Component, &'a Release, &'a Version)> + 'a {
        providers(&self.components, interface)
    }

    /// Every release of a component in the excerpt that requires `interface` (all of
    /// them, when the focus is that interface).
    pub fn consumers<'a>(
        &'a self,
        interface: &'a str,
    ) -> impl Iterator<Item = (&'a Component, &'a Release, &'a VersionReq)> + 'a {
        consumers(&self.components, interface)
    }
}

fn providers<'a>(
    components: &'a BTreeMap<Id, Component>,
    interface: &'a str,
) -> impl Iterator<Item = (&'a Component, &'a Release, &'a Version)> + 'a {
    components.values().flat_map(move |c| {
        c.releases
            .iter()
            .filter_map(move |r| r.provides.get(interface).map(|v| (c, r, v)))
    })
}

fn consumers<'a>(
    components: &'a BTreeMap<Id, Component>,
    interface: &'a str,
) -> impl Iterator<Item = (&'a Component, &'a Release, &'a VersionReq)> + 'a {
    components.values().flat_map(move |c| {
        c.releases
            .iter()
            .filter_map(move |r| r.requires.get(interface).map(|v| (c, r, v)))
    })
}

/// What a registry load produced: the snapshot (the whole registry unless a command asked
/// for part of it), and what the load found about the files.
#[derive(Debug)]
pub struct Loaded<R = Registry> {
    pub registry: R,
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

impl<R> Loaded<R> {
    /// The same load's findings and origins with another snapshot of it (a listing or an
    /// excerpt of a whole registry), leaving this load whole.
    pub fn with<T>(&self, registry: T) -> Loaded<T> {
        Loaded {
            registry,
            diagnostics: self.diagnostics.clone(),
            checked: self.checked,
            origins: self.origins.clone(),
            sources: self.sources.clone(),
            from_cache: self.from_cache,
        }
    }

    pub fn error_count(&self) -> usize {
        self.diagnostics.iter().filter(|d| d.is_error()).count()
    }
}

/// The registry-relative file each interface, component and stack was read from.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
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
        providers(&self.components, interface)
    }

    /// Every release of any component that requires `interface`, with the range it needs.
    pub fn consumers<'a>(
        &'a self,
        interface: &'a str,
    ) -> impl Iterator<Item = (&'a Component, &'a Release, &'a VersionReq)> + 'a {
        consumers(&self.components, interface)
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
