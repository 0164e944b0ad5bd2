//! What changed in a registry between two revisions, in the registry's own terms (release
//! added, release yanked, interface version removed) rather than as lines of text, and
//! the history of those changes commit by commit.
//!
//! Both revisions are loaded into `Registry` values and compared, so a change in comments
//! or formatting is no change at all, and a reordered file is not a rewrite. Changes that
//! can break a stack that resolved before are marked `breaking`: every breach of the
//! immutability rule that `validate --base` and `registry publish` refuse (anything
//! removed, an interface version withdrawn, a published release changed in anything but
//! `yanked`), and a new release that stops providing an interface its previous release
//! provided (or moves it to an incompatible version).

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt;
use std::path::Path;

use git2::{ObjectType, Oid, Repository, Sort};
use semver::Version;
use serde::Serialize;

use crate::catalog::LoadError;
use crate::model::Registry;
use crate::model::{Component, Id, Interface, Release, fields};
use crate::source::git::{GitError, GitSource};

/// The kind of a change, as its JSON `kind`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ChangeKind {
    RegistryCreated,
    HistoryStarts,
    RegistryChanged,
    InterfaceAdded,
    InterfaceRemoved,
    InterfaceVersionsAdded,
    InterfaceVersionsRemoved,
    InterfaceChanged,
    ComponentAdded,
    ComponentRemoved,
    ComponentChanged,
    ReleaseAdded,
    ReleaseRemoved,
    ReleaseYanked,
    ReleaseUnyanked,
    ReleaseChanged,
    StackAdded,
    StackRemoved,
    StackChanged,
}

impl ChangeKind {
    /// The kind in words, for tables and commit messages.
    pub fn label(self) -> &'static str {
        match self {
            ChangeKind::RegistryCreated => "registry created",
            ChangeKind::HistoryStarts => "history starts",
            ChangeKind::RegistryChanged => "registry changed",
            ChangeKind::InterfaceAdded => "interface added",
            ChangeKind::InterfaceRemoved => "interface removed",
            ChangeKind::InterfaceVersionsAdded => "interface versions added",
            ChangeKind::InterfaceVersionsRemoved => "interface versions removed",
            ChangeKind::InterfaceChanged => "interface changed",
            ChangeKind::ComponentAdded => "component added",
            ChangeKind::ComponentRemoved => "component removed",
            ChangeKind::ComponentChanged => "component changed",
            ChangeKind::ReleaseAdded => "release added",
            ChangeKind::ReleaseRemoved => "release removed",
            ChangeKind::ReleaseYanked => "release yanked",
            ChangeKind::ReleaseUnyanked => "release unyanked",
            ChangeKind::ReleaseChanged => "release changed",
            ChangeKind::StackAdded => "stack added",
            ChangeKind::StackRemoved => "stack removed",
            ChangeKind::StackChanged => "stack changed",
        }
    }

    /// The order sections appear in: the registry, interfaces, components, stacks.
    fn section(self) -> u8 {
        match self {
            ChangeKind::RegistryCreated
            | ChangeKind::HistoryStarts
            | ChangeKind::RegistryChanged => 0,
            ChangeKind::InterfaceAdded
            | ChangeKind::InterfaceRemoved
            | ChangeKind::InterfaceVersionsAdded
            | ChangeKind::InterfaceVersionsRemoved
            | ChangeKind::InterfaceChanged => 1,
            ChangeKind::StackAdded | ChangeKind::StackRemoved | ChangeKind::StackChanged => 3,
            _ => 2,
        }
    }
}

impl fmt::Display for ChangeKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// One field that changed: `from` is absent for something added, `to` for something
/// removed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Detail {
    pub field: String,
    pub from: Option<String>,
    pub to: Option<String>,
}

impl Detail {
    fn new(field: impl Into<String>, from: Option<String>, to: Option<String>) -> Detail {
        Detail {
            field: field.into(),
            from,
            to,
        }
    }
}

impl fmt::Display for Detail {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.from, &self.to) {
            (None, Some(to)) => write!(f, "+{} {to}", self.field),
            (Some(from), None) => write!(f, "-{} {from}", self.field),
            (Some(from), Some(to)) => write!(f, "{}: {from} → {to}", self.field),
            (None, None) => f.write_str(&self.field),
        }
    }
}

/// One semantic change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RegistryChange {
    pub kind: ChangeKind,
    /// The component, interface or stack (the registry's name for registry changes).
    pub id: String,
    /// The releases or interface versions concerned, lowest first.
    pub versions: Vec<String>,
    /// Whether a stack that resolved before may no longer resolve.
    pub breaking: bool,
    /// Why a release was yanked.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    pub details: Vec<Detail>,
}

impl RegistryChange {
    fn new(kind: ChangeKind, id: &str) -> RegistryChange {
        RegistryChange {
            kind,
            id: id.to_owned(),
            versions: Vec::new(),
            breaking: false,
            reason: None,
            details: Vec::new(),
        }
    }

    fn versions<V: ToString>(mut self, versions: impl IntoIterator<Item = V>) -> RegistryChange {
        self.versions = versions.into_iter().map(|v| v.to_string()).collect();
        self
    }

    fn breaking(mut self, breaking: bool) -> RegistryChange {
        self.breaking = breaking;
        self
    }

    fn details(mut self, details: Vec<Detail>) -> RegistryChange {
        self.details = details;
        self
    }

    /// What the change is about: `fixmystreet 5.1.0`, `open311-georeport`.
    pub fn item(&self) -> String {
        if self.versions.is_empty() {
            self.id.clone()
        } else {
            format!("{} {}", self.id, self.versions.join(", "))
        }
    }

    /// The details in one line: the yank reason, then each changed field.
    pub fn summary(&self) -> String {
        if self.kind == ChangeKind::RegistryCreated {
            // `20 interfaces, 50 components, 4 stacks`
            return self
                .details
                .iter()
                .map(|d| format!("{} {}", d.to.as_deref().unwrap_or("0"), d.field))
                .collect::<Vec<_>>()
                .join(", ");
        }
        if self.kind == ChangeKind::HistoryStarts {
            return "earlier history is not in this shallow clone".to_owned();
        }
        let mut parts = Vec::new();
        if let Some(r) = &self.reason {
            parts.push(format!("reason: {r}"));
        }
        parts.extend(self.details.iter().map(ToString::to_string));
        parts.join("; ")
    }

    /// Whether the change concerns the component, interface or stack `id` (the start of
    /// a shallow history concerns everything).
    pub fn concerns(&self, id: &str) -> bool {
        self.kind == ChangeKind::HistoryStarts || (self.kind.section() != 0 && self.id == id)
    }
}

/// Every semantic change from `old` to `new`, in a stable order: registry, interfaces,
/// components, stacks; then by id, version and kind.
pub fn diff(old: &Registry, new: &Registry) -> Vec<RegistryChange> {
    let mut out = Vec::new();
    let meta = details(Some(&old.meta), &new.meta, &[]);
    if !meta.is_empty() {
        out.push(RegistryChange::new(ChangeKind::RegistryChanged, &new.meta.name).details(meta));
    }
    for id in union(&old.interfaces, &new.interfaces) {
        match (old.interfaces.get(id), new.interfaces.get(id)) {
            (None, Some(i)) => {
                out.push(
                    RegistryChange::new(ChangeKind::InterfaceAdded, id.as_str())
                        .versions(&i.versions),
                );
            }
            (Some(i), None) => out.push(
                RegistryChange::new(ChangeKind::InterfaceRemoved, id.as_str())
                    .versions(&i.versions)
                    .breaking(true),
            ),
            (Some(a), Some(b)) => interface_changes(a, b, &mut out),
            (None, None) => {}
        }
    }
    for id in union(&old.components, &new.components) {
        match (old.components.get(id), new.components.get(id)) {
            (None, Some(c)) => out.push(
                RegistryChange::new(ChangeKind::ComponentAdded, id.as_str())
                    .versions(c.releases.iter().map(|r| &r.version)),
            ),
            (Some(c), None) => out.push(
                RegistryChange::new(ChangeKind::ComponentRemoved, id.as_str())
                    .versions(c.releases.iter().map(|r| &r.version))
                    .breaking(true),
            ),
            (Some(a), Some(b)) => component_changes(a, b, &mut out),
            (None, None) => {}
        }
    }
    for id in union(&old.stacks, &new.stacks) {
        match (old.stacks.get(id), new.stacks.get(id)) {
            (None, Some(_)) => out.push(RegistryChange::new(ChangeKind::StackAdded, id.as_str())),
            (Some(_), None) => out.push(RegistryChange::new(ChangeKind::StackRemoved, id.as_str())),
            (Some(a), Some(b)) if a != b => out.push(
                RegistryChange::new(ChangeKind::StackChanged, id.as_str()).details(details(
                    Some(a),
                    b,
                    &[],
                )),
            ),
            _ => {}
        }
    }
    out.sort_by(|a, b| {
        let version = |c: &RegistryChange| c.versions.first().and_then(|v| Version::parse(v).ok());
        (a.kind.section(), &a.id, version(a), a.kind).cmp(&(
            b.kind.section(),
            &b.id,
            version(b),
            b.kind,
        ))
    });
    out
}

fn union<'a, T>(a: &'a BTreeMap<Id, T>, b: &'a BTreeMap<Id, T>) -> BTreeSet<&'a Id> {
    a.keys().chain(b.keys()).collect()
}

/// The fields that differ from `old` to `new`, as the model names them, leaving out the
/// top-level fields in `skip` (those a change describes in its own way).
fn details<T: Serialize>(old: Option<&T>, new: &T, skip: &[&str]) -> Vec<Detail> {
    fields::differences(old, new, skip)
        .into_iter()
        .map(|d| Detail::new(d.label, d.from, d.to))
        .collect()
}

fn interface_changes(a: &Interface, b: &Interface, out: &mut Vec<RegistryChange>) {
    let added: Vec<&Version> = b
        .versions
        .iter()
        .filter(|v| !a.versions.contains(v))
        .collect();
    let removed: Vec<&Version> = a
        .versions
        .iter()
        .filter(|v| !b.versions.contains(v))
        .collect();
    if !added.is_empty() {
        out.push(
            RegistryChange::new(ChangeKind::InterfaceVersionsAdded, b.id.as_str()).versions(added),
        );
    }
    if !removed.is_empty() {
        out.push(
            RegistryChange::new(ChangeKind::InterfaceVersionsRemoved, b.id.as_str())
                .versions(removed)
                .breaking(true),
        );
    }
    // Versions are the changes above.
    let changed = details(Some(a), b, &["id", "versions"]);
    if !changed.is_empty() {
        out.push(RegistryChange::new(ChangeKind::InterfaceChanged, b.id.as_str()).details(changed));
    }
}

fn component_changes(a: &Component, b: &Component, out: &mut Vec<RegistryChange>) {
    // Releases are the changes below.
    let meta = details(Some(a), b, &["id", "releases"]);
    if !meta.is_empty() {
        out.push(RegistryChange::new(ChangeKind::ComponentChanged, b.id.as_str()).details(meta));
    }
    let id = b.id.as_str();
    for r in &b.releases {
        match a.release(&r.version) {
            None => {
                // Compare with the release before it, as an upgrade would.
                let previous = b.releases.iter().rev().find(|p| p.version < r.version);
                let (details, breaking) = match previous {
                    Some(p) => upgrade_details(p, r),
                    None => (release_details(None, r), false),
                };
                let mut change = RegistryChange::new(ChangeKind::ReleaseAdded, id)
                    .versions([&r.version])
                    .breaking(breaking)
                    .details(details);
                change.reason = r.yanked.clone();
                out.push(change);
            }
            Some(old) => {
                match (&old.yanked, &r.yanked) {
                    (None, Some(reason)) => {
                        let mut change = RegistryChange::new(ChangeKind::ReleaseYanked, id)
                            .versions([&r.version]);
                        change.reason = Some(reason.clone());
                        out.push(change);
                    }
                    (Some(reason), None) => {
                        let mut change = RegistryChange::new(ChangeKind::ReleaseUnyanked, id)
                            .versions([&r.version]);
                        change.reason = Some(reason.clone());
                        out.push(change);
                    }
                    (Some(x), Some(y)) if x != y => {
                        let mut change = RegistryChange::new(ChangeKind::ReleaseYanked, id)
                            .versions([&r.version])
                            .details(vec![Detail::new(
                                "reason",
                                Some(x.clone()),
                                Some(y.clone()),
                            )]);
                        change.reason = Some(y.clone());
                        out.push(change);
                    }
                    _ => {}
                }
                let details = release_details(Some(old), r);
                if !details.is_empty() {
                    // A published release is immutable but for `yanked`.
                    let breaking = true;
                    out.push(
                        RegistryChange::new(ChangeKind::ReleaseChanged, id)
                            .versions([&r.version])
                            .breaking(breaking)
                            .details(details),
                    );
                }
            }
        }
    }
    for r in &a.releases {
        if b.release(&r.version).is_none() {
            out.push(
                RegistryChange::new(ChangeKind::ReleaseRemoved, id)
                    .versions([&r.version])
                    .breaking(true),
            );
        }
    }
}

/// What differs between two releases' declarations (all of `new` when `old` is `None`);
/// dates are compared only for the same release. Yanking is a change of its own.
fn release_details(old: Option<&Release>, new: &Release) -> Vec<Detail> {
    match old {
        Some(old) => details(Some(old), new, &["version", "yanked"]),
        None => details(None, new, DECLARATIONS_ONLY),
    }
}

/// A release's fields other than its declarations (`provides`, `requires`, `depends`,
/// `conflicts`), which an upgrade or a new release is described by.
const DECLARATIONS_ONLY: &[&str] = &["version", "yanked", "released", "support-ends"];

/// What an upgrade from `previous` to `new` changes, and whether it drops an interface.
fn upgrade_details(previous: &Release, new: &Release) -> (Vec<Detail>, bool) {
    let out = details(Some(previous), new, DECLARATIONS_ONLY);
    (out, drops_interfaces(previous, new))
}

/// Whether `new` stops providing an interface `old` provides, or provides it at a version
/// a consumer of the old one may not accept.
fn drops_interfaces(old: &Release, new: &Release) -> bool {
    old.provides
        .iter()
        .any(|(iface, v)| match new.provides.get(iface) {
            None => true,
            Some(n) => !compatible(v, n),
        })
}

/// Whether `b` is semver-compatible with `a` (same major; same minor for 0.x).
fn compatible(a: &Version, b: &Version) -> bool {
    a.major == b.major && (a.major != 0 || a.minor == b.minor)
}

/// One commit that changed the registry, described by what it changed.
#[derive(Debug, Clone, Serialize)]
pub struct LogEntry {
    pub commit: String,
    /// The author date, ISO 8601 with the author's offset.
    pub date: String,
    pub author: String,
    pub email: String,
    /// The first line of the commit message.
    pub summary: String,
    pub changes: Vec<RegistryChange>,
}

/// How to walk the history.
#[derive(Debug, Clone, Default)]
pub struct LogQuery<'a> {
    /// Only commits that change this component, interface or stack.
    pub id: Option<&'a str>,
    /// At most this many commits.
    pub limit: Option<usize>,
}

/// The commits reachable from `start` that change the registry in `sub` (`""` for the
/// repository root), newest first, each described by its semantic changes against its
/// parent. Merge commits are listed only when they change the registry beyond what their
/// parents had (as `git log` does).
pub fn log(
    repo_path: &Path,
    sub: &str,
    start: &str,
    query: &LogQuery<'_>,
) -> Result<Vec<LogEntry>, GitError> {
    let git = |doing: &str| {
        let doing = doing.to_owned();
        move |source: git2::Error| GitError::Git {
            doing,
            source: source.into(),
        }
    };
    let repo = Repository::open(repo_path).map_err(|source| GitError::NotARepository {
        path: repo_path.display().to_string(),
        source: source.into(),
    })?;
    let start_commit = repo
        .revparse_single(start)
        .and_then(|o| o.peel_to_commit())
        .map_err(|source| {
            crate::source::git::revision_error(start, &repo_path.display().to_string(), source)
        })?;
    let mut walk = repo.revwalk().map_err(git("walking the history"))?;
    walk.set_sorting(Sort::TOPOLOGICAL | Sort::TIME)
        .map_err(git("walking the history"))?;
    walk.push(start_commit.id())
        .map_err(git("walking the history"))?;
    let shallow = repo.is_shallow();
    let mut loaded: HashMap<Oid, Option<Registry>> = HashMap::new();
    let mut out = Vec::new();
    for oid in walk {
        if query.limit.is_some_and(|n| out.len() >= n) {
            break;
        }
        let oid = oid.map_err(git("walking the history"))?;
        let commit = repo.find_commit(oid).map_err(git("reading a commit"))?;
        let here = subtree(&commit, sub);
        let parents: Vec<git2::Commit<'_>> = commit.parents().collect();
        let parent_trees: Vec<Option<Oid>> = parents.iter().map(|p| subtree(p, sub)).collect();
        if parent_trees.contains(&here) {
            continue;
        }
        let before = parent_trees.first().copied().flatten();
        if here.is_none() && before.is_none() {
            continue;
        }
        if let Some(id) = query.id
            && !touches(&repo, before, here, id)
        {
            continue;
        }
        let new = registry_at(repo_path, sub, &mut loaded, here, oid)?;
        let changes = if parents.is_empty() && shallow {
            vec![RegistryChange::new(ChangeKind::HistoryStarts, "")]
        } else {
            let old = match (before, parents.first()) {
                (Some(tree), Some(parent)) => {
                    registry_at(repo_path, sub, &mut loaded, Some(tree), parent.id())?
                }
                _ => None,
            };
            match (old, new) {
                (Some(old), Some(new)) => diff(&old, &new),
                // One item's history starts with it being added.
                (None, Some(new)) if query.id.is_some() => diff(&empty_like(&new), &new),
                (None, Some(new)) => vec![created(&new)],
                _ => Vec::new(),
            }
        };
        let changes = match query.id {
            Some(id) => changes.into_iter().filter(|c| c.concerns(id)).collect(),
            None => changes,
        };
        let author = commit.author();
        out.push(LogEntry {
            commit: oid.to_string(),
            date: iso_date(author.when()),
            author: String::from_utf8_lossy(author.name_bytes()).into_owned(),
            email: String::from_utf8_lossy(author.email_bytes()).into_owned(),
            summary: String::from_utf8_lossy(commit.summary_bytes().unwrap_or_default())
                .into_owned(),
            changes,
        });
    }
    Ok(out)
}

/// A registry with nothing in it, to compare a first commit with.
fn empty_like(registry: &Registry) -> Registry {
    Registry {
        source: registry.source.clone(),
        meta: registry.meta.clone(),
        interfaces: BTreeMap::new(),
        components: BTreeMap::new(),
        stacks: BTreeMap::new(),
    }
}

fn created(registry: &Registry) -> RegistryChange {
    let count = |n: usize| Some(n.to_string());
    RegistryChange::new(ChangeKind::RegistryCreated, &registry.meta.name).details(vec![
        Detail::new("interfaces", None, count(registry.interfaces.len())),
        Detail::new("components", None, count(registry.components.len())),
        Detail::new("stacks", None, count(registry.stacks.len())),
    ])
}

/// The registry folder's tree at a commit, if it has one there.
fn subtree(commit: &git2::Commit<'_>, sub: &str) -> Option<Oid> {
    let tree = commit.tree().ok()?;
    if sub.is_empty() {
        return Some(tree.id());
    }
    let entry = tree.get_path(Path::new(sub)).ok()?;
    (entry.kind() == Some(ObjectType::Tree)).then(|| entry.id())
}

/// Whether the files that describe `id` differ between two registry trees.
fn touches(repo: &Repository, a: Option<Oid>, b: Option<Oid>, id: &str) -> bool {
    let blob = |tree: Option<Oid>, path: &str| {
        tree.and_then(|t| repo.find_tree(t).ok())
            .and_then(|t| t.get_path(Path::new(path)).ok().map(|e| e.id()))
    };
    ["components", "interfaces", "stacks"].iter().any(|folder| {
        let path = format!("{folder}/{id}.toml");
        blob(a, &path) != blob(b, &path)
    })
}

/// The registry at one commit, loaded once per distinct tree.
fn registry_at(
    repo_path: &Path,
    sub: &str,
    loaded: &mut HashMap<Oid, Option<Registry>>,
    tree: Option<Oid>,
    commit: Oid,
) -> Result<Option<Registry>, GitError> {
    let Some(tree) = tree else {
        return Ok(None);
    };
    if let Some(r) = loaded.get(&tree) {
        return Ok(r.clone());
    }
    let repo = Repository::open(repo_path).map_err(|source| GitError::NotARepository {
        path: repo_path.display().to_string(),
        source: source.into(),
    })?;
    let source = GitSource::from_repo(repo, sub, &commit.to_string(), String::new())?;
    let registry = match crate::catalog::load(&source) {
        Ok(l) => Some(l.registry),
        Err(LoadError::NotARegistry { .. }) => None,
        Err(LoadError::Source(e)) => {
            return Err(GitError::Git {
                doing: format!("reading the registry at {commit}"),
                source: git2::Error::from_str(&crate::causes::chain(&e)).into(),
            });
        }
    };
    loaded.insert(tree, registry.clone());
    Ok(registry)
}

/// `2026-01-01T09:30:00+01:00`.
pub fn iso_date(t: git2::Time) -> String {
    let offset = i64::from(t.offset_minutes());
    let local = t.seconds() + offset * 60;
    let date = crate::model::Date::from_days(local.div_euclid(86_400));
    let secs = local.rem_euclid(86_400);
    let sign = if offset < 0 { '-' } else { '+' };
    format!(
        "{date}T{:02}:{:02}:{:02}{sign}{:02}:{:02}",
        secs / 3600,
        secs % 3600 / 60,
        secs % 60,
        offset.abs() / 60,
        offset.abs() % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::memory::MemorySource;

    const REG: &str = "[registry]\nname = \"r\"\nformat = 1\n";
    const IFACE: &str = "id = \"api\"\nname = \"API\"\nsummary = \"s\"\nowner = \"o\"\nspecification = \"https://example.com\"\nversions = [\"1.0.0\", \"2.0.0\"]\n";

    fn component(releases: &str) -> String {
        format!(
            "id = \"app\"\nname = \"App\"\nsummary = \"s\"\nsupplier = \"S\"\nlicence = \"MIT\"\nkind = \"saas\"\ncapabilities = [\"x\"]\nlifecycle = \"live\"\nhomepage = \"https://example.com\"\n{releases}"
        )
    }

    fn load(files: &[(&str, &str)]) -> Registry {
        let mut s = MemorySource::new("mem");
        s.insert("registry.toml", REG);
        for (p, t) in files {
            s.insert(p, *t);
        }
        let loaded = crate::catalog::load(&s).unwrap();
        assert_eq!(loaded.error_count(), 0, "{:?}", loaded.diagnostics);
        loaded.registry
    }

    const R1: &str =
        "[[release]]\nversion = \"1.0.0\"\nreleased = 2024-01-01\nprovides = { api = \"1.0.0\" }\n";
    const R2: &str =
        "[[release]]\nversion = \"2.0.0\"\nreleased = 2025-01-01\nprovides = { api = \"2.0.0\" }\n";

    #[test]
    fn added_release_compared_with_the_one_before() {
        let old = load(&[
            ("interfaces/api.toml", IFACE),
            ("components/app.toml", &component(R1)),
        ]);
        let new = load(&[
            ("interfaces/api.toml", IFACE),
            ("components/app.toml", &format!("{}\n{R2}", component(R1))),
        ]);
        let changes = diff(&old, &new);
        assert_eq!(changes.len(), 1, "{changes:?}");
        let c = &changes[0];
        assert_eq!(c.kind, ChangeKind::ReleaseAdded);
        assert_eq!(c.item(), "app 2.0.0");
        assert!(
            c.breaking,
            "moving api from 1.0.0 to 2.0.0 breaks ^1 consumers"
        );
        assert_eq!(c.summary(), "provides api: 1.0.0 → 2.0.0");
    }

    #[test]
    fn yank_and_comment_edits() {
        let old = load(&[
            ("interfaces/api.toml", IFACE),
            ("components/app.toml", &component(R1)),
        ]);
        let yanked = format!("# a comment\n{}yanked = \"broken\"\n", component(R1));
        let new = load(&[
            ("interfaces/api.toml", IFACE),
            ("components/app.toml", &yanked),
        ]);
        let changes = diff(&old, &new);
        assert_eq!(changes.len(), 1);
        assert_eq!(changes[0].kind, ChangeKind::ReleaseYanked);
        assert_eq!(changes[0].reason.as_deref(), Some("broken"));
        let back = diff(&new, &old);
        assert_eq!(back[0].kind, ChangeKind::ReleaseUnyanked);
        // Comments alone are no change.
        let commented = load(&[
            ("interfaces/api.toml", IFACE),
            (
                "components/app.toml",
                &format!("# hello\n{}", component(R1)),
            ),
        ]);
        assert!(diff(&old, &commented).is_empty());
    }

    #[test]
    fn removals_are_breaking() {
        let old = load(&[
            ("interfaces/api.toml", IFACE),
            ("components/app.toml", &component(R1)),
        ]);
        let one = IFACE.replace("[\"1.0.0\", \"2.0.0\"]", "[\"1.0.0\"]");
        let new = load(&[
            ("interfaces/api.toml", &one),
            ("components/app.toml", &component(R1)),
        ]);
        let changes = diff(&old, &new);
        assert_eq!(changes.len(), 1);
        assert_eq!(changes[0].kind, ChangeKind::InterfaceVersionsRemoved);
        assert_eq!(changes[0].versions, ["2.0.0"]);
        assert!(changes[0].breaking);
    }

    #[test]
    fn iso_dates_carry_the_offset() {
        assert_eq!(
            iso_date(git2::Time::new(1_767_225_600, 60)),
            "2026-01-01T01:00:00+01:00"
        );
        assert_eq!(
            iso_date(git2::Time::new(1_767_225_600, -330)),
            "2025-12-31T18:30:00-05:30"
        );
    }
}
