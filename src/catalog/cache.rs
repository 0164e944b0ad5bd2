//! The index cache: a loaded registry (its checked manifests and every finding about
//! them) kept on disk, so that repeat commands on an unchanged registry skip reading and
//! parsing its files, as cargo caches its registry index.
//!
//! An entry is keyed by what the registry's files are: the git tree id of the registry
//! folder when it is read through git (`--rev`, remote registries), and for a working tree
//! a fingerprint of the folder path and the stat data (size, modification and change
//! times, inode) of every file and folder the load reads. An edit changes the change time
//! at least, so it never meets a stale entry; files modified in the last few seconds make
//! the working tree "racy" (a second edit within the clock's resolution could keep the
//! same times), and nothing is stored for it until they settle.
//!
//! The cache is an optimisation only. An entry starts with a header (magic, format,
//! the build that wrote it, the key's fingerprint, the payload's length and checksum);
//! an entry that is missing, truncated, corrupt or written by another build is ignored
//! and rewritten, never trusted, and never a reason to fail. Entries are written to a
//! temporary file and renamed into place, so readers see a whole entry or none.
//!
//! Layout, under the cache folder of remote registries (`$STACKREG_CACHE`, else the
//! platform's cache folder + `stackreg`):
//!
//! ```text
//! index/tree-<git tree id>     a registry read through git
//! index/dir-<path hash>        a working tree (one slot per folder, replaced on change)
//! ```

use std::collections::{BTreeMap, HashMap};
use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use semver::{BuildMetadata, Comparator, Op, Prerelease, Version, VersionReq};
use serde::{Deserialize, Serialize};

use crate::diagnostic::{At, Code, Diagnostic, Severity};
use crate::model::{
    Component, Contract, Date, Id, Interface, Kind, Licence, Lifecycle, Need, Policy, RegistryMeta,
    Release, Stack,
};
use crate::model::{Loaded, Origins, Registry, SourceInfo};
use crate::source::fingerprint::{CacheKey, Hash64};

/// The layout of entries; entries of another format are ignored.
const FORMAT: u32 = 4;
const MAGIC: &[u8; 8] = b"STKRIDX\0";
const HEADER_LEN: usize = 8 + 4 + 8 * 4;
/// Entries kept in the cache folder; the oldest are removed beyond this.
const MAX_ENTRIES: usize = 12;

/// Where cached registries are kept, and how much of a cached registry to build.
#[derive(Debug, Clone)]
pub struct IndexCache {
    dir: PathBuf,
    scope: Scope,
}

/// How much of a cached registry a command needs built. Decoding an entry is cheap;
/// building every release of a large registry as model values is most of a warm run, so
/// a command that needs few components asks for those only. A load from the files (no
/// entry yet) always has everything, which answers the same questions.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Scope {
    /// Every component, whole.
    #[default]
    Everything,
    /// This component and every component providing an interface one of its releases
    /// requires (what `show ID` reports); everything when there is no such component.
    Component(String),
    /// Every component with a release providing or requiring this interface.
    Interface(String),
    /// Every component, with releases holding only what a listing shows and filters on:
    /// version, dates, yanked, and `provides` when `provides` is set (requires, depends
    /// and conflicts left empty).
    Listing { provides: bool },
}

impl IndexCache {
    /// The `index/` folder of the shared cache folder, when there is one.
    pub fn locate() -> Option<IndexCache> {
        crate::source::remote::Cache::locate()
            .ok()
            .map(|c| IndexCache::at(c.root().join("index")))
    }

    pub fn at(dir: PathBuf) -> IndexCache {
        IndexCache {
            dir,
            scope: Scope::Everything,
        }
    }

    /// The same cache, building only `scope` of a cached registry.
    pub fn scoped(mut self, scope: Scope) -> IndexCache {
        self.scope = scope;
        self
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn path(&self, key: &CacheKey) -> PathBuf {
        self.dir.join(&key.slot)
    }

    /// The cached load for `key`, if a sound entry written by this build is there.
    pub fn read(&self, key: &CacheKey, source: &SourceInfo) -> Option<Loaded> {
        let bytes = fs::read(self.path(key)).ok()?;
        let payload = check_header(&bytes, key.fingerprint)?;
        let entry: Entry<&str, Blob<'_>> = postcard::from_bytes(payload).ok()?;
        entry.into_loaded(source.clone(), &self.scope)
    }

    /// Stores `loaded` under `key`. Failures are ignored: the cache is only an optimisation.
    pub fn write(&self, key: &CacheKey, loaded: &Loaded) {
        if !key.storable {
            return;
        }
        // Each component's releases are encoded on their own (in parallel), so that a
        // reader decodes only the components it builds.
        let components: Vec<&Component> = loaded.registry.components.values().collect();
        let blobs: Result<Vec<Vec<u8>>, _> = {
            use rayon::prelude::*;
            components
                .par_iter()
                .map(|c| postcard::to_allocvec(&releases(c)))
                .collect()
        };
        let Ok(blobs) = blobs else {
            return;
        };
        let Ok(payload) = postcard::to_allocvec(&Entry::of(loaded, &blobs)) else {
            return;
        };
        let mut bytes = Vec::with_capacity(HEADER_LEN + payload.len());
        bytes.extend_from_slice(MAGIC);
        bytes.extend_from_slice(&FORMAT.to_le_bytes());
        bytes.extend_from_slice(&build_stamp().to_le_bytes());
        bytes.extend_from_slice(&key.fingerprint.to_le_bytes());
        bytes.extend_from_slice(&(payload.len() as u64).to_le_bytes());
        bytes.extend_from_slice(&checksum(&payload).to_le_bytes());
        bytes.extend_from_slice(&payload);
        if fs::create_dir_all(&self.dir).is_err() {
            return;
        }
        let written = tempfile::Builder::new()
            .prefix(".tmp-")
            .tempfile_in(&self.dir)
            .and_then(|mut tmp| {
                tmp.write_all(&bytes)?;
                tmp.persist(self.path(key)).map_err(|e| e.error)?;
                Ok(())
            });
        if written.is_ok() {
            self.prune();
        }
    }

    /// Removes the oldest entries beyond `MAX_ENTRIES`, and temporary files left by runs
    /// that were killed while writing.
    fn prune(&self) {
        let Ok(read) = fs::read_dir(&self.dir) else {
            return;
        };
        let mut entries = Vec::new();
        let stale = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
        for e in read.flatten() {
            let Ok(meta) = e.metadata() else { continue };
            let modified = meta.modified().unwrap_or(std::time::UNIX_EPOCH);
            if e.file_name().to_string_lossy().starts_with(".tmp-") {
                if modified < stale {
                    let _ = fs::remove_file(e.path());
                }
                continue;
            }
            entries.push((modified, e.path()));
        }
        if entries.len() > MAX_ENTRIES {
            entries.sort();
            for (_, path) in &entries[..entries.len() - MAX_ENTRIES] {
                let _ = fs::remove_file(path);
            }
        }
    }
}

/// The payload of a sound entry, or `None`.
fn check_header(bytes: &[u8], fingerprint: u64) -> Option<&[u8]> {
    if bytes.len() < HEADER_LEN || &bytes[..8] != MAGIC {
        return None;
    }
    let word = |at: usize| -> Option<u64> {
        Some(u64::from_le_bytes(bytes.get(at..at + 8)?.try_into().ok()?))
    };
    let format = u32::from_le_bytes(bytes[8..12].try_into().ok()?);
    let (stamp, key, len, sum) = (word(12)?, word(20)?, word(28)?, word(36)?);
    let payload = &bytes[HEADER_LEN..];
    (format == FORMAT
        && stamp == build_stamp()
        && key == fingerprint
        && len == payload.len() as u64
        && sum == checksum(payload))
    .then_some(payload)
}

/// Identifies the program that writes and reads entries: its version and its executable's
/// size and modification time, so a rebuilt binary never trusts an older one's entries.
fn build_stamp() -> u64 {
    static STAMP: std::sync::OnceLock<u64> = std::sync::OnceLock::new();
    *STAMP.get_or_init(|| {
        let mut h = Hash64::new();
        h.write(env!("CARGO_PKG_VERSION").as_bytes());
        h.write(&FORMAT.to_le_bytes());
        if let Some(meta) = std::env::current_exe()
            .ok()
            .and_then(|p| fs::metadata(p).ok())
        {
            h.write(&meta.len().to_le_bytes());
            let since = meta
                .modified()
                .ok()
                .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                .unwrap_or_default();
            h.write(&since.as_nanos().to_le_bytes());
        }
        h.finish()
    })
}

fn checksum(payload: &[u8]) -> u64 {
    let mut h = Hash64::new();
    h.write(payload);
    h.finish()
}

type Ver<S> = (u64, u64, u64, S, S);
/// One comparator of a range: operator, major, minor, patch, pre-release.
type Cmp<S> = (u8, u64, Option<u64>, Option<u64>, S);

#[derive(Serialize, Deserialize)]
enum Req<S> {
    Parts(Vec<Cmp<S>>),
    Text(String),
}

#[derive(Serialize, Deserialize)]
struct IfaceE<S> {
    id: S,
    name: S,
    summary: S,
    owner: S,
    specification: S,
    versions: Vec<Ver<S>>,
}

#[derive(Serialize, Deserialize)]
struct ReleaseE<S> {
    version: Ver<S>,
    released: i64,
    support_ends: Option<i64>,
    provides: Vec<(S, Ver<S>)>,
    requires: Vec<(S, Req<S>)>,
    depends: Vec<(S, Req<S>)>,
    conflicts: Vec<(S, Req<S>)>,
    yanked: Option<S>,
}

/// Bytes kept as they are in the entry: a component's encoded releases, decoded only for
/// the components a command builds.
struct Blob<'a>(&'a [u8]);

impl Serialize for Blob<'_> {
    fn serialize<Z: serde::Serializer>(&self, s: Z) -> Result<Z::Ok, Z::Error> {
        s.serialize_bytes(self.0)
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Blob<'a> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Blob<'a>, D::Error> {
        <&'a [u8]>::deserialize(d).map(Blob)
    }
}

#[derive(Serialize, Deserialize)]
struct CompE<S, B> {
    id: S,
    name: S,
    summary: S,
    supplier: S,
    licence: (S, bool),
    kind: u8,
    capabilities: Vec<S>,
    lifecycle: u8,
    assurances: Vec<S>,
    homepage: S,
    repository: Option<S>,
    /// Interfaces some release provides, and some release requires, for choosing which
    /// components a scope builds without decoding their releases.
    provides: Vec<S>,
    requires: Vec<S>,
    /// `Vec<ReleaseE>`, encoded.
    releases: B,
}

#[derive(Serialize, Deserialize)]
enum NeedE<S> {
    Component(S, Req<S>),
    Interface(S, Req<S>),
    Capability(S),
}

#[derive(Serialize, Deserialize)]
struct StackE<S> {
    name: S,
    registry: Option<S>,
    rev: Option<S>,
    allowed_signers: Option<S>,
    needs: Vec<(S, NeedE<S>)>,
    lifecycle: Option<Vec<u8>>,
    open_source: bool,
    assurances: Vec<S>,
    kinds: Option<Vec<u8>>,
    exclude_components: Vec<S>,
    exclude_suppliers: Vec<S>,
    prefer: Vec<S>,
    current: Vec<(S, Ver<S>)>,
    /// Component, contract end (days since 1970-01-01), notice months.
    contracts: Vec<(S, Option<i64>, Option<u32>)>,
}

#[derive(Serialize, Deserialize)]
struct DiagE<S> {
    file: S,
    line: Option<u32>,
    column: Option<u32>,
    code: u16,
    message: S,
    error: bool,
    hint: Option<S>,
    span: Option<(u64, u64)>,
}

#[derive(Serialize, Deserialize)]
struct Entry<S, B> {
    name: S,
    description: S,
    interfaces: Vec<IfaceE<S>>,
    components: Vec<CompE<S, B>>,
    stacks: Vec<(S, StackE<S>)>,
    diagnostics: Vec<DiagE<S>>,
    checked: u64,
    origins: [Vec<(S, S)>; 3],
    sources: Vec<(S, S)>,
}

fn ver(v: &Version) -> Ver<&str> {
    (v.major, v.minor, v.patch, v.pre.as_str(), v.build.as_str())
}

fn ver_back(v: Ver<&str>) -> Option<Version> {
    let (major, minor, patch, pre, build) = v;
    Some(Version {
        major,
        minor,
        patch,
        pre: if pre.is_empty() {
            Prerelease::EMPTY
        } else {
            Prerelease::new(pre).ok()?
        },
        build: if build.is_empty() {
            BuildMetadata::EMPTY
        } else {
            BuildMetadata::new(build).ok()?
        },
    })
}

const OPS: [Op; 8] = [
    Op::Exact,
    Op::Greater,
    Op::GreaterEq,
    Op::Less,
    Op::LessEq,
    Op::Tilde,
    Op::Caret,
    Op::Wildcard,
];

fn req(r: &VersionReq) -> Req<&str> {
    let mut parts = Vec::with_capacity(r.comparators.len());
    for c in &r.comparators {
        let Some(op) = OPS.iter().position(|o| *o == c.op) else {
            return Req::Text(r.to_string());
        };
        parts.push((op as u8, c.major, c.minor, c.patch, c.pre.as_str()));
    }
    Req::Parts(parts)
}

fn req_back(r: Req<&str>) -> Option<VersionReq> {
    match r {
        Req::Text(t) => VersionReq::parse(&t).ok(),
        Req::Parts(parts) => {
            let mut comparators = Vec::with_capacity(parts.len());
            for (op, major, minor, patch, pre) in parts {
                comparators.push(Comparator {
                    op: *OPS.get(usize::from(op))?,
                    major,
                    minor,
                    patch,
                    pre: if pre.is_empty() {
                        Prerelease::EMPTY
                    } else {
                        Prerelease::new(pre).ok()?
                    },
                });
            }
            Some(VersionReq { comparators })
        }
    }
}

fn id(s: &str) -> Option<Id> {
    Id::parse(s).ok()
}

fn ids(v: Vec<&str>) -> Option<Vec<Id>> {
    v.into_iter().map(id).collect()
}

fn strings(v: Vec<&str>) -> Vec<String> {
    v.into_iter().map(str::to_owned).collect()
}

fn reqs(m: &BTreeMap<Id, VersionReq>) -> Vec<(&str, Req<&str>)> {
    m.iter().map(|(k, v)| (k.as_str(), req(v))).collect()
}

fn reqs_back(v: Vec<(&str, Req<&str>)>) -> Option<BTreeMap<Id, VersionReq>> {
    v.into_iter()
        .map(|(k, r)| Some((id(k)?, req_back(r)?)))
        .collect()
}

fn index_of<T: PartialEq>(all: &[T], x: &T) -> u8 {
    all.iter().position(|a| a == x).unwrap_or(0) as u8
}

impl<'a> Entry<&'a str, Blob<'a>> {
    /// `blobs`: each component's encoded releases, in id order.
    fn of(loaded: &'a Loaded, blobs: &'a [Vec<u8>]) -> Entry<&'a str, Blob<'a>> {
        let r = &loaded.registry;
        let origins = |m: &'a HashMap<Id, String>| -> Vec<(&'a str, &'a str)> {
            let mut v: Vec<_> = m.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            v.sort_unstable();
            v
        };
        Entry {
            name: &r.meta.name,
            description: &r.meta.description,
            interfaces: r
                .interfaces
                .values()
                .map(|i| IfaceE {
                    id: i.id.as_str(),
                    name: &i.name,
                    summary: &i.summary,
                    owner: &i.owner,
                    specification: &i.specification,
                    versions: i.versions.iter().map(ver).collect(),
                })
                .collect(),
            components: r
                .components
                .values()
                .zip(blobs)
                .map(|(c, b)| component(c, b))
                .collect(),
            stacks: r
                .stacks
                .iter()
                .map(|(k, s)| (k.as_str(), stack(s)))
                .collect(),
            diagnostics: loaded
                .diagnostics
                .iter()
                .map(|d| DiagE {
                    file: d.file.as_str(),
                    line: d.line,
                    column: d.column,
                    code: Code::ALL.iter().position(|c| *c == d.code).unwrap_or(0) as u16,
                    message: d.message.as_str(),
                    error: d.is_error(),
                    hint: d.hint.as_deref(),
                    span: d.span.as_ref().map(|s| (s.start as u64, s.end as u64)),
                })
                .collect(),
            checked: loaded.checked as u64,
            origins: [
                origins(&loaded.origins.interfaces),
                origins(&loaded.origins.components),
                origins(&loaded.origins.stacks),
            ],
            sources: loaded
                .sources
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect(),
        }
    }

    /// Which components `scope` keeps (`None`: all).
    fn wanted(&self, scope: &Scope) -> Option<Vec<bool>> {
        let uses = |c: &CompE<&str, Blob<'_>>, ifaces: &[&str], requires_too: bool| {
            c.provides.iter().any(|i| ifaces.contains(i))
                || (requires_too && c.requires.iter().any(|i| ifaces.contains(i)))
        };
        match scope {
            Scope::Everything | Scope::Listing { .. } => None,
            Scope::Component(id) => {
                let c = self.components.iter().find(|c| c.id == id)?;
                let ifaces: Vec<&str> = c.requires.clone();
                Some(
                    self.components
                        .iter()
                        .map(|o| o.id == id || uses(o, &ifaces, false))
                        .collect(),
                )
            }
            Scope::Interface(id) => Some(
                self.components
                    .iter()
                    .map(|o| uses(o, &[id.as_str()], true))
                    .collect(),
            ),
        }
    }

    fn into_loaded(self, source: SourceInfo, scope: &Scope) -> Option<Loaded> {
        let wanted = self.wanted(scope);
        let slim = match scope {
            Scope::Listing { provides } => Some(*provides),
            _ => None,
        };
        let mut interfaces = BTreeMap::new();
        for i in self.interfaces {
            let value = Interface {
                id: id(i.id)?,
                name: i.name.to_owned(),
                summary: i.summary.to_owned(),
                owner: i.owner.to_owned(),
                specification: i.specification.to_owned(),
                versions: i
                    .versions
                    .into_iter()
                    .map(ver_back)
                    .collect::<Option<_>>()?,
            };
            interfaces.insert(value.id.clone(), value);
        }
        // Entries are in id order, so the maps are built in bulk.
        let components = self
            .components
            .into_iter()
            .enumerate()
            .filter(|(i, _)| wanted.as_ref().is_none_or(|w| w[*i]))
            .map(|(_, c)| component_back(c, slim).map(|c| (c.id.clone(), c)))
            .collect::<Option<BTreeMap<_, _>>>()?;
        let mut stacks = BTreeMap::new();
        for (k, s) in self.stacks {
            stacks.insert(id(k)?, stack_back(s)?);
        }
        let mut diagnostics = Vec::with_capacity(self.diagnostics.len());
        for d in self.diagnostics {
            diagnostics.push(Diagnostic {
                file: d.file.to_owned(),
                line: d.line,
                column: d.column,
                code: *Code::ALL.get(usize::from(d.code))?,
                message: d.message.to_owned(),
                severity: if d.error {
                    Severity::Error
                } else {
                    Severity::Warning
                },
                hint: d.hint.map(str::to_owned),
                at: At::File,
                span: d.span.map(|(a, b)| a as usize..b as usize),
            });
        }
        let [oi, oc, os] = self.origins;
        let origins = |v: Vec<(&str, &str)>| -> Option<HashMap<Id, String>> {
            v.into_iter()
                .map(|(k, p)| Some((id(k)?, p.to_owned())))
                .collect()
        };
        Some(Loaded {
            registry: Registry {
                source,
                meta: RegistryMeta {
                    name: self.name.to_owned(),
                    description: self.description.to_owned(),
                },
                interfaces,
                components,
                stacks,
            },
            diagnostics,
            checked: usize::try_from(self.checked).ok()?,
            origins: Origins {
                interfaces: origins(oi)?,
                components: origins(oc)?,
                stacks: origins(os)?,
            },
            sources: self
                .sources
                .into_iter()
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
                .collect(),
            from_cache: true,
        })
    }
}

/// A component's releases in the entry's shape.
fn releases(c: &Component) -> Vec<ReleaseE<&str>> {
    c.releases
        .iter()
        .map(|r| ReleaseE {
            version: ver(&r.version),
            released: r.released.days(),
            support_ends: r.support_ends.map(Date::days),
            provides: r
                .provides
                .iter()
                .map(|(k, v)| (k.as_str(), ver(v)))
                .collect(),
            requires: reqs(&r.requires),
            depends: reqs(&r.depends),
            conflicts: reqs(&r.conflicts),
            yanked: r.yanked.as_deref(),
        })
        .collect()
}

/// Every distinct key of one of a component's release maps, sorted.
fn keys_of<'a, V: 'a>(
    c: &'a Component,
    map: impl Fn(&'a Release) -> &'a BTreeMap<Id, V>,
) -> Vec<&'a str> {
    let mut out: Vec<&str> = c
        .releases
        .iter()
        .flat_map(|r| map(r).keys().map(Id::as_str))
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

fn component<'a>(c: &'a Component, releases: &'a [u8]) -> CompE<&'a str, Blob<'a>> {
    CompE {
        id: c.id.as_str(),
        name: &c.name,
        summary: &c.summary,
        supplier: &c.supplier,
        licence: (c.licence.as_str(), c.licence.is_open_source()),
        kind: index_of(Kind::ALL, &c.kind),
        capabilities: c.capabilities.iter().map(Id::as_str).collect(),
        lifecycle: index_of(Lifecycle::ALL, &c.lifecycle),
        assurances: c.assurances.iter().map(String::as_str).collect(),
        homepage: &c.homepage,
        repository: c.repository.as_deref(),
        provides: keys_of(c, |r| &r.provides),
        requires: keys_of(c, |r| &r.requires),
        releases: Blob(releases),
    }
}

/// `slim`: build a release for a listing only (`Some(keep provides)`).
fn component_back(c: CompE<&str, Blob<'_>>, slim: Option<bool>) -> Option<Component> {
    let encoded: Vec<ReleaseE<&str>> = postcard::from_bytes(c.releases.0).ok()?;
    let mut releases = Vec::with_capacity(encoded.len());
    for mut r in encoded {
        if let Some(provides) = slim {
            r.requires.clear();
            r.depends.clear();
            r.conflicts.clear();
            if !provides {
                r.provides.clear();
            }
        }
        releases.push(Release {
            version: ver_back(r.version)?,
            released: Date::from_days(r.released),
            support_ends: r.support_ends.map(Date::from_days),
            provides: r
                .provides
                .into_iter()
                .map(|(k, v)| Some((id(k)?, ver_back(v)?)))
                .collect::<Option<_>>()?,
            requires: reqs_back(r.requires)?,
            depends: reqs_back(r.depends)?,
            conflicts: reqs_back(r.conflicts)?,
            yanked: r.yanked.map(str::to_owned),
        });
    }
    Some(Component {
        id: id(c.id)?,
        name: c.name.to_owned(),
        summary: c.summary.to_owned(),
        supplier: c.supplier.to_owned(),
        licence: Licence::trusted(c.licence.0, c.licence.1),
        kind: *Kind::ALL.get(usize::from(c.kind))?,
        capabilities: ids(c.capabilities)?,
        lifecycle: *Lifecycle::ALL.get(usize::from(c.lifecycle))?,
        assurances: strings(c.assurances),
        homepage: c.homepage.to_owned(),
        repository: c.repository.map(str::to_owned),
        releases,
    })
}

fn stack(s: &Stack) -> StackE<&str> {
    StackE {
        name: &s.name,
        registry: s.registry.as_deref(),
        rev: s.rev.as_deref(),
        allowed_signers: s.allowed_signers.as_deref(),
        needs: s
            .needs
            .iter()
            .map(|(k, n)| {
                let n = match n {
                    Need::Component { id, version } => NeedE::Component(id.as_str(), req(version)),
                    Need::Interface { id, version } => NeedE::Interface(id.as_str(), req(version)),
                    Need::Capability { id } => NeedE::Capability(id.as_str()),
                };
                (k.as_str(), n)
            })
            .collect(),
        lifecycle: s
            .policy
            .lifecycle
            .as_ref()
            .map(|v| v.iter().map(|l| index_of(Lifecycle::ALL, l)).collect()),
        open_source: s.policy.open_source,
        assurances: s.policy.assurances.iter().map(String::as_str).collect(),
        kinds: s
            .policy
            .kinds
            .as_ref()
            .map(|v| v.iter().map(|k| index_of(Kind::ALL, k)).collect()),
        exclude_components: s.policy.exclude_components.iter().map(Id::as_str).collect(),
        exclude_suppliers: s
            .policy
            .exclude_suppliers
            .iter()
            .map(String::as_str)
            .collect(),
        prefer: s.prefer.iter().map(Id::as_str).collect(),
        current: s
            .current
            .iter()
            .map(|(k, v)| (k.as_str(), ver(v)))
            .collect(),
        contracts: s
            .contracts
            .iter()
            .map(|(k, c)| (k.as_str(), c.contract_ends.map(Date::days), c.notice_months))
            .collect(),
    }
}

fn stack_back(s: StackE<&str>) -> Option<Stack> {
    let mut needs = BTreeMap::new();
    for (k, n) in s.needs {
        let n = match n {
            NeedE::Component(i, r) => Need::Component {
                id: id(i)?,
                version: req_back(r)?,
            },
            NeedE::Interface(i, r) => Need::Interface {
                id: id(i)?,
                version: req_back(r)?,
            },
            NeedE::Capability(i) => Need::Capability { id: id(i)? },
        };
        needs.insert(id(k)?, n);
    }
    let lifecycle = match s.lifecycle {
        Some(v) => Some(
            v.into_iter()
                .map(|l| Lifecycle::ALL.get(usize::from(l)).copied())
                .collect::<Option<Vec<_>>>()?,
        ),
        None => None,
    };
    let kinds = match s.kinds {
        Some(v) => Some(
            v.into_iter()
                .map(|k| Kind::ALL.get(usize::from(k)).copied())
                .collect::<Option<Vec<_>>>()?,
        ),
        None => None,
    };
    Some(Stack {
        name: s.name.to_owned(),
        registry: s.registry.map(str::to_owned),
        rev: s.rev.map(str::to_owned),
        allowed_signers: s.allowed_signers.map(str::to_owned),
        needs,
        policy: Policy {
            lifecycle,
            open_source: s.open_source,
            assurances: strings(s.assurances),
            kinds,
            exclude_components: ids(s.exclude_components)?,
            exclude_suppliers: strings(s.exclude_suppliers),
        },
        prefer: ids(s.prefer)?,
        current: s
            .current
            .into_iter()
            .map(|(k, v)| Some((id(k)?, ver_back(v)?)))
            .collect::<Option<_>>()?,
        contracts: s
            .contracts
            .into_iter()
            .map(|(k, ends, notice_months)| {
                Some((
                    id(k)?,
                    Contract {
                        contract_ends: ends.map(Date::from_days),
                        notice_months,
                    },
                ))
            })
            .collect::<Option<_>>()?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::memory::MemorySource;

    fn sample() -> Loaded {
        let mut source = MemorySource::new("sample");
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("registry");
        for folder in ["", "interfaces", "components", "stacks"] {
            for e in fs::read_dir(root.join(folder)).unwrap().flatten() {
                if e.file_type().unwrap().is_file() {
                    let rel = if folder.is_empty() {
                        e.file_name().to_string_lossy().into_owned()
                    } else {
                        format!("{folder}/{}", e.file_name().to_string_lossy())
                    };
                    source.insert(&rel, fs::read(e.path()).unwrap());
                }
            }
        }
        // A finding or two, so they are cached too.
        source.insert("components/broken.toml", "id = \"broken\"\nname = 3\n");
        super::super::load(&source).unwrap()
    }

    fn key() -> CacheKey {
        CacheKey {
            slot: "tree-test".into(),
            fingerprint: 42,
            storable: true,
        }
    }

    #[test]
    fn round_trips_a_registry_with_findings() {
        let dir = tempfile::tempdir().unwrap();
        let cache = IndexCache::at(dir.path().join("index"));
        let loaded = sample();
        assert!(!loaded.diagnostics.is_empty());
        cache.write(&key(), &loaded);
        let back = cache.read(&key(), &loaded.registry.source).unwrap();
        assert_eq!(back.registry.components, loaded.registry.components);
        assert_eq!(back.registry.interfaces, loaded.registry.interfaces);
        assert_eq!(back.registry.stacks, loaded.registry.stacks);
        assert_eq!(back.registry.meta, loaded.registry.meta);
        assert_eq!(back.checked, loaded.checked);
        assert_eq!(back.sources, loaded.sources);
        assert_eq!(back.origins.components, loaded.origins.components);
        let strip = |ds: &[Diagnostic]| -> Vec<Diagnostic> {
            ds.iter()
                .cloned()
                .map(|mut d| {
                    d.at = At::File;
                    d
                })
                .collect()
        };
        assert_eq!(strip(&back.diagnostics), strip(&loaded.diagnostics));
    }

    #[test]
    fn scopes_build_what_a_command_needs() {
        let dir = tempfile::tempdir().unwrap();
        let loaded = sample();
        let info = loaded.registry.source.clone();
        IndexCache::at(dir.path().to_path_buf()).write(&key(), &loaded);
        let read = |scope: Scope| {
            IndexCache::at(dir.path().to_path_buf())
                .scoped(scope)
                .read(&key(), &info)
                .unwrap()
        };
        let ids = |l: &Loaded| {
            l.registry
                .components
                .keys()
                .map(|k| k.to_string())
                .collect::<Vec<_>>()
        };
        let all = ids(&loaded);
        // govuk-notify requires nothing: only itself.
        assert_eq!(
            ids(&read(Scope::Component("govuk-notify".into()))),
            ["govuk-notify"]
        );
        // A component that requires interfaces comes with their providers.
        let portal = read(Scope::Component("bops".into()));
        assert!(portal.registry.components.len() > 1);
        let c = &loaded.registry.components["bops"];
        for r in &c.releases {
            for iface in r.requires.keys() {
                for (p, _, _) in loaded.registry.providers(iface.as_str()) {
                    assert!(portal.registry.components.contains_key(&p.id), "{}", p.id);
                }
            }
        }
        // Unknown: everything, for suggestions.
        assert_eq!(ids(&read(Scope::Component("nope".into()))), all);
        let iface = read(Scope::Interface("open311-georeport".into()));
        let want: Vec<String> = loaded
            .registry
            .components
            .values()
            .filter(|c| {
                c.releases.iter().any(|r| {
                    r.provides.contains_key("open311-georeport")
                        || r.requires.contains_key("open311-georeport")
                })
            })
            .map(|c| c.id.to_string())
            .collect();
        assert_eq!(ids(&iface), want);
        let bare = read(Scope::Listing { provides: false });
        assert!(
            bare.registry
                .components
                .values()
                .all(|c| c.releases.iter().all(|r| r.provides.is_empty()))
        );
        let listing = read(Scope::Listing { provides: true });
        assert_eq!(ids(&listing), all);
        for (id, c) in &listing.registry.components {
            let full = &loaded.registry.components[id];
            assert_eq!(c.releases.len(), full.releases.len());
            for (a, b) in c.releases.iter().zip(&full.releases) {
                assert_eq!(
                    (&a.version, &a.provides, &a.yanked),
                    (&b.version, &b.provides, &b.yanked)
                );
                assert!(a.requires.is_empty() && a.depends.is_empty());
            }
        }
        assert_eq!(listing.diagnostics, read(Scope::Everything).diagnostics);
    }

    #[test]
    fn ignores_damaged_foreign_and_mismatched_entries() {
        let dir = tempfile::tempdir().unwrap();
        let cache = IndexCache::at(dir.path().to_path_buf());
        let loaded = sample();
        let info = loaded.registry.source.clone();
        cache.write(&key(), &loaded);
        let path = dir.path().join("tree-test");
        let good = fs::read(&path).unwrap();
        // Another fingerprint.
        let other = CacheKey {
            fingerprint: 43,
            ..key()
        };
        assert!(cache.read(&other, &info).is_none());
        // Truncated, a flipped byte, garbage, empty, another format.
        for bad in [
            good[..good.len() / 2].to_vec(),
            {
                let mut b = good.clone();
                let at = b.len() - 10;
                b[at] ^= 0x20;
                b
            },
            b"not a cache entry at all".to_vec(),
            Vec::new(),
            {
                let mut b = good.clone();
                b[8] = 99;
                b
            },
        ] {
            fs::write(&path, &bad).unwrap();
            assert!(cache.read(&key(), &info).is_none());
        }
        // Rewritten over the damaged entry, it is used again.
        cache.write(&key(), &loaded);
        assert!(cache.read(&key(), &info).is_some());
        // Not stored while files are still changing.
        fs::remove_file(&path).unwrap();
        cache.write(
            &CacheKey {
                storable: false,
                ..key()
            },
            &loaded,
        );
        assert!(!path.exists());
    }

    #[test]
    fn keeps_a_bounded_number_of_entries() {
        let dir = tempfile::tempdir().unwrap();
        let cache = IndexCache::at(dir.path().to_path_buf());
        let loaded = sample();
        for i in 0..MAX_ENTRIES + 5 {
            let key = CacheKey {
                slot: format!("tree-{i}"),
                ..key()
            };
            cache.write(&key, &loaded);
        }
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), MAX_ENTRIES);
    }

    #[test]
    fn hash_separates_writes() {
        let h = |parts: &[&[u8]]| {
            let mut h = Hash64::new();
            for p in parts {
                h.write(p);
            }
            h.finish()
        };
        assert_ne!(h(&[b"ab", b"c"]), h(&[b"a", b"bc"]));
        assert_ne!(h(&[b"abcdefgh1"]), h(&[b"abcdefgh2"]));
        assert_eq!(h(&[b"same"]), h(&[b"same"]));
    }
}
