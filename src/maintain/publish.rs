//! Changing a registry the way its maintainers review it: one git commit per change, with
//! a conventional message (`publish fixmystreet 5.1.0`, `yank bops 1.2.0`) and only the
//! manifests it names.
//!
//! A change is checked against the registry as committed at `HEAD`, plus the new files:
//! every file must be valid, the change must not break what was valid before, and
//! published releases stay as they were (only `yanked` may change; releases and
//! interface versions are never removed).
//!
//! Runs on one repository are serialised by a file lock in its git folder, so two
//! publishes started at once both land, one after the other, each checked against the
//! other's result. The commit is written from `HEAD`'s tree (never from whatever else is
//! staged) and the branch is moved with a compare-and-swap; only then are the working tree
//! files replaced (atomically) and the index updated for those files. A failure before
//! the branch moves leaves the repository as it was.

mod identity;
mod worktree;
mod yank;

pub use identity::{Identity, parse_author};
pub use yank::{set_yanked, yank};

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use git2::{FileMode, Oid, Repository};

use super::history::{self, ChangeKind, RegistryChange};
use crate::catalog::{LoadError, validate};
use crate::diagnostic::{Code, Diagnostic};
use crate::model::Registry;
use crate::source::files;
use crate::source::git::{GitCause, GitError, GitSource};
use crate::source::{Entry, EntryKind, Source, SourceError, SourceInfo};

/// Why a change could not be made (as opposed to refused for its content).
#[derive(Debug, thiserror::Error)]
pub enum PublishError {
    #[error("{registry} is not in a git working tree")]
    NotAWorkingTree { registry: String },
    #[error("the repository at {repo} has no commits yet")]
    NoCommits { repo: String },
    #[error("the git index has staged changes to other files: {}", paths.join(", "))]
    StagedChanges { paths: Vec<String> },
    #[error("{path} has uncommitted changes that this would overwrite")]
    UncommittedChanges { path: String },
    #[error("no author for the commit: git config has no user.name and user.email")]
    NoIdentity,
    #[error("`{text}` is not an author: use \"Name <email>\"")]
    InvalidAuthor { text: String },
    #[error("{path} is not a registry manifest (no `id` to name it by)")]
    NoId { path: String },
    #[error("no component `{id}` in the registry at HEAD")]
    UnknownComponent {
        id: String,
        suggestion: Option<String>,
    },
    #[error("{id} has no release {version} at HEAD")]
    UnknownRelease { id: String, version: String },
    #[error("{path} could not be edited")]
    Edit {
        path: String,
        #[source]
        source: toml_edit::TomlError,
    },
    #[error("the branch moved while committing (another commit landed first); nothing was changed")]
    Moved,
    #[error("git failed while {doing}")]
    Git {
        doing: String,
        #[source]
        source: GitCause,
    },
    #[error("could not lock {}", path.display())]
    Lock {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error(
        "{path} in the working tree is {what}; publish writes only regular files in real folders"
    )]
    Unsafe { path: String, what: String },
    #[error("could not write {path}; nothing was committed")]
    WriteFailed {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("committed {commit}, but could not update {path}")]
    WorkingTree {
        commit: String,
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error(transparent)]
    Open(#[from] GitError),
    #[error(transparent)]
    Load(#[from] LoadError),
    /// The check given to `Checkout::with_check` could not decide (a bound on its work).
    #[error(transparent)]
    Check(Box<dyn std::error::Error + Send + Sync>),
}

/// A check of a whole registry beyond what loading it checks (that reference stacks still
/// resolve), given by the caller, so that this module needs no resolver. It returns its
/// findings, or an error when it could not decide.
pub type Check<'a> = dyn Fn(
        &Registry,
        &crate::model::Origins,
    ) -> Result<Vec<Diagnostic>, Box<dyn std::error::Error + Send + Sync>>
    + 'a;

fn git(doing: &str) -> impl FnOnce(git2::Error) -> PublishError + '_ {
    move |e| PublishError::Git {
        doing: doing.to_owned(),
        source: GitCause(e),
    }
}

/// A registry folder in a git working tree (a checkout), ready to take commits.
pub struct Checkout<'c> {
    repo: Repository,
    /// The registry folder relative to the working tree root, `/`-separated (`""` for the
    /// root).
    sub: String,
    /// How the registry is shown in messages.
    shown: String,
    /// Run on the registry before and after a change, when it loads without errors.
    check: Option<&'c Check<'c>>,
}

/// One file to write: its path in the registry and its new text.
#[derive(Debug, Clone)]
pub struct Proposed {
    /// Registry-relative path, such as `components/fixmystreet.toml`.
    pub path: String,
    pub text: String,
}

/// What a change would do and what checking it found, worked out against `HEAD`.
#[derive(Debug, Clone)]
pub struct Review {
    /// The commit the change is based on.
    pub base: String,
    /// The commit message.
    pub message: String,
    /// The semantic changes.
    pub changes: Vec<RegistryChange>,
    /// The registry-relative files whose content changes.
    pub files: Vec<String>,
    /// Errors that refuse the change (empty when it may be committed), with warnings.
    pub findings: Vec<Diagnostic>,
    /// How many files were checked.
    pub checked: usize,
    /// The text of files with findings, for quoting.
    pub sources: BTreeMap<String, String>,
    /// The registry folder relative to the repository root, with a trailing `/`.
    pub repo_prefix: String,
    proposed: Vec<Proposed>,
}

impl Review {
    /// Whether the checks refused the change.
    pub fn refused(&self) -> bool {
        self.findings.iter().any(Diagnostic::is_error)
    }
}

/// How a change ended.
#[derive(Debug, Clone)]
pub enum Published {
    /// Committed: the new commit id.
    Committed { plan: Review, commit: String },
    /// Checked and described, nothing written (`--dry-run`).
    DryRun { plan: Review },
    /// Refused by the checks: the findings say why.
    Refused { plan: Review },
    /// The registry already is as asked.
    Unchanged { plan: Review },
}

impl<'c> Checkout<'c> {
    /// The registry folder `dir`, which must be inside a git working tree.
    pub fn open(dir: &Path, shown: String) -> Result<Checkout<'c>, PublishError> {
        let not_tree = || PublishError::NotAWorkingTree {
            registry: shown.clone(),
        };
        let repo = match crate::source::git::discover(dir) {
            Ok(repo) => repo,
            Err(e @ GitError::NotOwned { .. }) => return Err(e.into()),
            Err(_) => return Err(not_tree()),
        };
        let workdir = repo
            .workdir()
            .and_then(|w| w.canonicalize().ok())
            .ok_or_else(not_tree)?;
        let full = dir.canonicalize().map_err(|_| not_tree())?;
        let rel = full.strip_prefix(&workdir).map_err(|_| not_tree())?;
        let sub = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect::<Vec<_>>()
            .join("/");
        Ok(Checkout {
            repo,
            sub,
            shown,
            check: None,
        })
    }

    /// Runs `check` on the registry before and after each change (reference stacks must
    /// keep resolving); its findings refuse a change as the load's own do.
    pub fn with_check(mut self, check: &'c Check<'c>) -> Checkout<'c> {
        self.check = Some(check);
        self
    }

    /// The git configuration, for the commit identity.
    pub fn config(&self) -> Option<git2::Config> {
        self.repo.config().ok()
    }

    /// The registry folder on disk.
    pub fn root(&self) -> PathBuf {
        let workdir = self.repo.workdir().unwrap_or_else(|| self.repo.path());
        if self.sub.is_empty() {
            workdir.to_path_buf()
        } else {
            workdir.join(&self.sub)
        }
    }

    /// `path` (registry-relative) relative to the repository root.
    pub fn repo_path(&self, path: &str) -> String {
        if self.sub.is_empty() {
            path.to_owned()
        } else {
            format!("{}/{path}", self.sub)
        }
    }

    /// The registry as committed at `HEAD`.
    pub fn head_source(&self) -> Result<GitSource, PublishError> {
        let repo = Repository::open(self.repo.path()).map_err(git("opening the repository"))?;
        if repo.head().is_err() {
            return Err(PublishError::NoCommits {
                repo: self.root().display().to_string(),
            });
        }
        Ok(GitSource::from_repo(
            repo,
            &self.sub,
            "HEAD",
            self.shown.clone(),
        )?)
    }

    /// Runs `body` while holding the repository's publish lock. `on_wait` is called when
    /// another run holds it.
    pub fn locked<T>(
        &self,
        on_wait: impl FnOnce(),
        body: impl FnOnce() -> Result<T, PublishError>,
    ) -> Result<T, PublishError> {
        let path = self.repo.commondir().join("stackreg-publish.lock");
        files::with_lock(&path, on_wait, body)
            .map_err(|source| PublishError::Lock { path, source })?
    }

    /// Refuses when the index has staged changes to files other than `paths`
    /// (registry-relative), since a commit made now would leave them in a confusing state.
    fn check_index(&self, paths: &BTreeSet<String>) -> Result<(), PublishError> {
        let head = self
            .repo
            .head()
            .and_then(|h| h.peel_to_tree())
            .map_err(git("reading HEAD"))?;
        let mut index = self.repo.index().map_err(git("reading the index"))?;
        index.read(false).map_err(git("reading the index"))?;
        let diff = self
            .repo
            .diff_tree_to_index(Some(&head), Some(&index), None)
            .map_err(git("comparing the index with HEAD"))?;
        let wanted: BTreeSet<String> = paths.iter().map(|p| self.repo_path(p)).collect();
        let mut unrelated = BTreeSet::new();
        for delta in diff.deltas() {
            for file in [delta.old_file(), delta.new_file()] {
                if let Some(p) = file.path() {
                    let p = p.to_string_lossy().replace('\\', "/");
                    if !wanted.contains(&p) {
                        unrelated.insert(p);
                    }
                }
            }
        }
        if unrelated.is_empty() {
            Ok(())
        } else {
            Err(PublishError::StagedChanges {
                paths: unrelated.into_iter().collect(),
            })
        }
    }

    /// Refuses to overwrite a working-tree file that differs from `HEAD` and from the
    /// text about to be written, and to write where a link, a folder, a pipe or a device
    /// stands (on the way or at the file).
    fn check_worktree(&self, head: &GitSource, proposed: &[Proposed]) -> Result<(), PublishError> {
        let root = self.root();
        let workdir = self.repo.workdir().unwrap_or_else(|| self.repo.path());
        for p in proposed {
            worktree::check_writable(workdir, &self.repo_path(&p.path))?;
            let Ok(on_disk) =
                files::read_regular(&root.join(&p.path), crate::model::validate::MAX_FILE_SIZE)
            else {
                continue;
            };
            if on_disk == p.text.as_bytes() {
                continue;
            }
            let committed = head.read(&p.path, u64::MAX).ok();
            if committed.as_deref() != Some(on_disk.as_slice()) {
                return Err(PublishError::UncommittedChanges {
                    path: self.repo_path(&p.path),
                });
            }
        }
        Ok(())
    }

    /// Checks `proposed` against the registry at `HEAD` and describes the change.
    /// `message` replaces the message made from the changes.
    fn plan(
        &self,
        head: &GitSource,
        proposed: Vec<Proposed>,
        message: Option<String>,
    ) -> Result<Review, PublishError> {
        // The caller's check (reference stacks must keep resolving) runs before and
        // after, on registries without errors.
        let gave_up = std::cell::RefCell::new(None);
        let stacks =
            |registry: &Registry, origins: &crate::model::Origins, found: &[Diagnostic]| {
                let Some(check) = self.check else {
                    return Vec::new();
                };
                if found.iter().any(Diagnostic::is_error) {
                    return Vec::new();
                }
                check(registry, origins).unwrap_or_else(|e| {
                    gave_up.borrow_mut().get_or_insert(e);
                    Vec::new()
                })
            };
        let base = crate::catalog::load_with(head, stacks)?;
        let overlay = Overlay {
            base: head,
            files: proposed
                .iter()
                .map(|p| (p.path.clone(), p.text.clone().into_bytes()))
                .collect(),
        };
        let base_registry = &base.registry;
        let loaded = crate::catalog::load_with(&overlay, |new, origins, found| {
            let mut out = validate::immutability(base_registry, new, origins, |file| {
                overlay.entry(file).is_ok_and(|e| e.is_some())
            });
            out.extend(stacks(new, origins, found));
            out
        })?;
        if let Some(e) = gave_up.into_inner() {
            return Err(PublishError::Check(e));
        }
        // Refuse errors in the files being written, and errors the change causes
        // elsewhere; errors that were already there are someone else's to fix.
        let targets: BTreeSet<&str> = proposed.iter().map(|p| p.path.as_str()).collect();
        let before: BTreeSet<(String, Code, String)> = base
            .diagnostics
            .iter()
            .filter(|d| d.is_error())
            .map(|d| (d.file.clone(), d.code, d.message.clone()))
            .collect();
        let findings: Vec<Diagnostic> = loaded
            .diagnostics
            .iter()
            .filter(|d| {
                targets.contains(d.file.as_str())
                    || (d.is_error()
                        && !before.contains(&(d.file.clone(), d.code, d.message.clone())))
            })
            .cloned()
            .collect();
        let changes = history::diff(base_registry, &loaded.registry);
        let files = proposed
            .iter()
            .filter(|p| head.read(&p.path, u64::MAX).ok().as_deref() != Some(p.text.as_bytes()))
            .map(|p| p.path.clone())
            .collect();
        let message = message.unwrap_or_else(|| commit_message(&changes, &proposed));
        Ok(Review {
            base: head.info().commit.clone().unwrap_or_default(),
            message,
            changes,
            files,
            findings,
            checked: loaded.checked,
            sources: loaded.sources,
            repo_prefix: if self.sub.is_empty() {
                String::new()
            } else {
                format!("{}/", self.sub)
            },
            proposed,
        })
    }

    /// Checks and commits the files `make` proposes (it is given the registry at `HEAD`,
    /// read under the lock, and may also give the commit message). Without an identity
    /// this is a dry run: nothing is written.
    pub fn publish(
        &self,
        identity: Option<&Identity>,
        on_wait: impl FnOnce(),
        make: impl FnOnce(&GitSource) -> Result<(Vec<Proposed>, Option<String>), PublishError>,
    ) -> Result<Published, PublishError> {
        self.locked(on_wait, || {
            self.recover()?;
            let head = self.head_source()?;
            let (proposed, message) = make(&head)?;
            let paths: BTreeSet<String> = proposed.iter().map(|p| p.path.clone()).collect();
            self.check_index(&paths)?;
            self.check_worktree(&head, &proposed)?;
            let plan = self.plan(&head, proposed, message)?;
            if plan.refused() {
                return Ok(Published::Refused { plan });
            }
            if plan.files.is_empty() {
                return Ok(Published::Unchanged { plan });
            }
            let Some(identity) = identity else {
                return Ok(Published::DryRun { plan });
            };
            let commit = self.commit(&plan, identity)?;
            Ok(Published::Committed { plan, commit })
        })
    }

    /// Writes the commit, moves the branch, then updates the working tree and index.
    fn commit(&self, plan: &Review, identity: &Identity) -> Result<String, PublishError> {
        let repo = &self.repo;
        let base = Oid::from_str(&plan.base).map_err(git("reading HEAD"))?;
        let parent = repo.find_commit(base).map_err(git("reading HEAD"))?;
        let tree = parent.tree().map_err(git("reading HEAD"))?;
        let mut update = git2::build::TreeUpdateBuilder::new();
        for p in &plan.proposed {
            if !plan.files.contains(&p.path) {
                continue;
            }
            let blob = repo
                .blob(p.text.as_bytes())
                .map_err(git("writing a blob"))?;
            update.upsert(self.repo_path(&p.path), blob, FileMode::Blob);
        }
        let new_tree = update
            .create_updated(repo, &tree)
            .map_err(git("writing the tree"))?;
        let new_tree = repo.find_tree(new_tree).map_err(git("writing the tree"))?;
        let commit = repo
            .commit(
                None,
                &identity.author,
                &identity.committer,
                &plan.message,
                &new_tree,
                &[&parent],
            )
            .map_err(git("writing the commit"))?;
        // Move the branch only if it still points at the commit the change was checked
        // against (libgit2 compares and swaps under the ref's lock file).
        let mut head = repo.head().map_err(git("reading HEAD"))?;
        if head.target() != Some(base) {
            return Err(PublishError::Moved);
        }
        let files: Vec<&Proposed> = plan
            .proposed
            .iter()
            .filter(|p| plan.files.contains(&p.path))
            .collect();
        // The working tree first, under a journal: a failure to write leaves nothing
        // committed (and the files already written are put back), and a run killed
        // from here on is finished or undone by the next one (`recover`).
        let written = self.write_worktree(base, commit, &files)?;
        let subject = plan.message.lines().next().unwrap_or_default();
        if let Err(e) = head.set_target(commit, &format!("commit: {subject}")) {
            self.undo_worktree(&written, base, commit);
            self.remove_journal();
            return Err(match e.code() {
                git2::ErrorCode::Modified | git2::ErrorCode::Locked => PublishError::Moved,
                _ => git("moving the branch")(e),
            });
        }

        // The commit has landed; bring the index in line with it.
        let commit_id = commit.to_string();
        let mut index = repo.index().map_err(git("reading the index"))?;
        for p in &files {
            index
                .add_path(Path::new(&self.repo_path(&p.path)))
                .map_err(|e| PublishError::WorkingTree {
                    commit: commit_id.clone(),
                    path: self.repo_path(&p.path),
                    source: std::io::Error::other(GitCause(e)),
                })?;
        }
        index.write().map_err(|e| PublishError::WorkingTree {
            commit: commit_id.clone(),
            path: "the index".into(),
            source: std::io::Error::other(GitCause(e)),
        })?;
        self.remove_journal();
        Ok(commit_id)
    }
}

/// The conventional commit message for a set of changes: a subject such as `publish
/// fixmystreet 5.1.0` and a body listing every change.
pub fn commit_message(changes: &[RegistryChange], proposed: &[Proposed]) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut push = |s: String| {
        if !parts.contains(&s) {
            parts.push(s);
        }
    };
    // Releases of one component go in one part: `publish fixmystreet 5.1.0, 5.2.0`.
    let mut releases: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for c in changes {
        if c.kind == ChangeKind::ReleaseAdded {
            releases
                .entry(&c.id)
                .or_default()
                .extend(c.versions.iter().map(String::as_str));
        }
    }
    for c in changes {
        match c.kind {
            ChangeKind::ReleaseAdded => {
                if let Some(vs) = releases.remove(c.id.as_str()) {
                    push(format!("publish {} {}", c.id, vs.join(", ")));
                }
            }
            ChangeKind::ComponentAdded => {
                push(format!("publish {} {}", c.id, c.versions.join(", ")))
            }
            ChangeKind::InterfaceAdded | ChangeKind::InterfaceVersionsAdded => {
                push(format!(
                    "publish interface {} {}",
                    c.id,
                    c.versions.join(", ")
                ));
            }
            ChangeKind::ReleaseYanked => push(format!("yank {} {}", c.id, c.versions.join(", "))),
            ChangeKind::ReleaseUnyanked => {
                push(format!("unyank {} {}", c.id, c.versions.join(", ")));
            }
            ChangeKind::StackAdded => push(format!("publish stack {}", c.id)),
            ChangeKind::StackChanged => push(format!("update stack {}", c.id)),
            ChangeKind::InterfaceChanged => push(format!("update interface {}", c.id)),
            ChangeKind::RegistryChanged => push("update registry.toml".into()),
            _ => push(format!("update {}", c.id)),
        }
    }
    let subject = match parts.len() {
        0 => format!(
            "update {}",
            proposed
                .iter()
                .map(|p| p.path.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ),
        _ => {
            let all = parts.join("; ");
            if all.chars().count() <= 72 {
                all
            } else {
                format!("{} (and {} more)", parts[0], parts.len() - 1)
            }
        }
    };
    let mut body = String::new();
    for c in changes {
        body.push_str(&format!("- {}: {}", c.kind.label(), c.item()));
        let summary = c.summary();
        if !summary.is_empty() {
            body.push_str(&format!(" ({summary})"));
        }
        if c.breaking {
            body.push_str(" [breaking]");
        }
        body.push('\n');
    }
    if body.is_empty() {
        format!("{subject}\n")
    } else {
        format!("{subject}\n\n{body}")
    }
}

/// The registry at `HEAD` with some files replaced or added.
struct Overlay<'a> {
    base: &'a GitSource,
    files: BTreeMap<String, Vec<u8>>,
}

impl Source for Overlay<'_> {
    fn info(&self) -> &SourceInfo {
        self.base.info()
    }

    fn list(&self, dir: &str) -> Result<Vec<Entry>, SourceError> {
        let mut out: BTreeMap<String, Entry> = self
            .base
            .list(dir)?
            .into_iter()
            .map(|e| (e.name.clone(), e))
            .collect();
        for (name, entry) in crate::source::memory::children(&self.files, dir) {
            if entry.kind == EntryKind::Dir && out.contains_key(&name) {
                continue;
            }
            out.insert(name, entry);
        }
        Ok(out.into_values().collect())
    }

    fn read(&self, path: &str, limit: u64) -> Result<Vec<u8>, SourceError> {
        match self.files.get(path) {
            Some(bytes) if bytes.len() as u64 > limit => Err(SourceError::TooLarge {
                path: path.to_owned(),
                size: bytes.len() as u64,
                limit,
            }),
            Some(bytes) => Ok(bytes.clone()),
            None => self.base.read(path, limit),
        }
    }
}

/// Where a manifest belongs in the registry: `components/<id>.toml`,
/// `interfaces/<id>.toml`, `stacks/<name>.toml` or `registry.toml`.
pub fn target_path(
    kind: crate::model::schema::SchemaKind,
    file_stem: Option<&str>,
    text: &str,
    shown: &str,
) -> Result<String, PublishError> {
    use crate::model::schema::SchemaKind;
    let no_id = || PublishError::NoId {
        path: shown.to_owned(),
    };
    let id_of = || -> Result<String, PublishError> {
        let table: toml::Table = toml::from_str(text).map_err(|_| no_id())?;
        let id = table.get("id").and_then(|v| v.as_str()).ok_or_else(no_id)?;
        crate::model::Id::check(id).map_err(|_| no_id())?;
        Ok(id.to_owned())
    };
    Ok(match kind {
        SchemaKind::Registry => "registry.toml".to_owned(),
        SchemaKind::Component => format!("components/{}.toml", id_of()?),
        SchemaKind::Interface => format!("interfaces/{}.toml", id_of()?),
        SchemaKind::Stack => {
            let stem = file_stem
                .filter(|s| crate::model::Id::check(s).is_ok())
                .ok_or_else(no_id)?;
            format!("stacks/{stem}.toml")
        }
    })
}
