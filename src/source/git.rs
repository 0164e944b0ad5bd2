//! Reading a registry at a git revision: tree and blob objects straight from the object
//! database, with no checkout. The registry may be any sub-directory of the repository.

use foldhash::{HashMap, HashMapExt as _};
use std::path::Path;
use std::sync::Mutex;

use git2::{ObjectType, Oid, Repository, TreeEntry};

use super::{Entry, EntryKind, Source, SourceError, SourceInfo};

/// Why a git revision could not be opened.
#[derive(Debug, thiserror::Error)]
pub enum GitError {
    /// git's `safe.directory` check: the repository belongs to another user, so its
    /// configuration (and hooks) could be that user's to choose.
    #[error(
        "git refuses to open the repository at {path}: it is owned by another user, and git's safe.directory setting does not list it"
    )]
    NotOwned {
        path: String,
        #[source]
        source: GitCause,
    },
    #[error("{path} is not inside a git repository")]
    NotARepository {
        path: String,
        #[source]
        source: GitCause,
    },
    #[error("revision `{rev}` was not found in {repo}")]
    UnknownRevision {
        rev: String,
        repo: String,
        #[source]
        source: GitCause,
    },
    #[error("`{path}` does not exist at revision `{rev}`")]
    MissingAtRevision { path: String, rev: String },
    #[error("git failed while {doing}")]
    Git {
        doing: String,
        #[source]
        source: GitCause,
    },
}

/// Opens the repository around `dir`, as git finds it; a repository owned by another
/// user is refused as git refuses it, and says so.
pub fn discover(dir: &Path) -> Result<Repository, GitError> {
    Repository::discover(dir).map_err(|source| match source.code() {
        git2::ErrorCode::Owner => GitError::NotOwned {
            path: working_tree_around(dir),
            source: source.into(),
        },
        _ => GitError::NotARepository {
            path: dir.display().to_string(),
            source: source.into(),
        },
    })
}

/// The working tree around `dir` that git would open (the nearest folder holding `.git`),
/// for naming it in messages.
pub fn working_tree_around(dir: &Path) -> String {
    let dir = std::path::absolute(dir).unwrap_or_else(|_| dir.to_path_buf());
    dir.ancestors()
        .find(|d| d.join(".git").exists())
        .unwrap_or(&dir)
        .display()
        .to_string()
}

/// A registry folder at one commit of a git repository.
pub struct GitSource {
    repo: Repository,
    /// The registry folder's tree at the commit.
    tree: Oid,
    info: SourceInfo,
    /// The registry folder in the working tree, if the repository has one.
    root: Option<std::path::PathBuf>,
    /// The entries of each folder listed so far (`""` for the root): name → object, file
    /// mode and size. libgit2 does not cache large tree objects, so looking each file up
    /// by path would inflate and parse its folder's tree again, once per file; and the
    /// size read when listing need not be read again when reading.
    listed: Mutex<HashMap<String, Folder>>,
}

/// A folder's entries: name → object id, file mode, and size (for files).
type Folder = HashMap<String, (Oid, i32, Option<u64>)>;

impl GitSource {
    /// Opens the registry at `dir` (a folder inside a git working tree, or a bare
    /// repository) as it was at `rev`.
    pub fn open(dir: &Path, rev: &str, shown: String) -> Result<GitSource, GitError> {
        let repo = discover(dir)?;
        let sub = subdir_in_repo(&repo, dir);
        Self::from_repo(repo, &sub, rev, shown)
    }

    /// Opens `sub` (a `/`-separated folder, `""` for the root) of an already open
    /// repository at `rev`.
    pub fn from_repo(
        repo: Repository,
        sub: &str,
        rev: &str,
        shown: String,
    ) -> Result<GitSource, GitError> {
        verify_reads_here();
        let repo_name = repo
            .workdir()
            .unwrap_or_else(|| repo.path())
            .display()
            .to_string();
        let (commit_id, tree) = {
            let named = repo
                .revparse_single(rev)
                .map_err(|source| revision_error(rev, &repo_name, source))?;
            // What the name points at (a commit, or a tag) is checked before it is used.
            verify_object(&repo, named.id()).map_err(|source| GitError::Git {
                doing: format!("reading `{rev}`"),
                source: source.into(),
            })?;
            let commit = named
                .peel_to_commit()
                .map_err(|source| revision_error(rev, &repo_name, source))?;
            let commit_id = commit.id();
            let damaged = |what: &str, source: git2::Error| GitError::Git {
                doing: format!("reading the {what} of {commit_id}"),
                source: source.into(),
            };
            if commit_id != named.id() {
                verify_object(&repo, commit_id).map_err(|e| damaged("commit", e))?;
            }
            let root = commit.tree().map_err(|e| damaged("tree", e))?;
            verify_object(&repo, root.id()).map_err(|e| damaged("tree", e))?;
            let tree = if sub.is_empty() {
                root.id()
            } else {
                let entry =
                    root.get_path(Path::new(sub))
                        .map_err(|_| GitError::MissingAtRevision {
                            path: sub.to_owned(),
                            rev: rev.to_owned(),
                        })?;
                if entry.kind() != Some(ObjectType::Tree) {
                    return Err(GitError::MissingAtRevision {
                        path: sub.to_owned(),
                        rev: rev.to_owned(),
                    });
                }
                // Each folder on the way, as git would read them.
                verify_folders(&repo, &root, sub, sub.split('/').count())
                    .map_err(|e| damaged("tree", e))?;
                entry.id()
            };
            (commit_id, tree)
        };
        let root = repo.workdir().map(|w| w.join(sub));
        Ok(GitSource {
            root,
            repo,
            tree,
            listed: Mutex::new(HashMap::new()),
            info: SourceInfo {
                source: shown,
                commit: Some(commit_id.to_string()),
                path_in_repo: Some(sub.to_owned()),
            },
        })
    }

    /// Verifies that the commit read is signed by one of `signers`.
    pub fn verify_signature(
        &self,
        signers: &super::signature::AllowedSigners,
    ) -> Result<super::signature::Verified, super::signature::SignatureError> {
        let commit = self
            .info
            .commit
            .as_deref()
            .and_then(|c| Oid::from_str(c).ok())
            .ok_or_else(|| super::signature::SignatureError::NotGit {
                registry: self.info.source.clone(),
            })?;
        signers.verify_commit(&self.repo, commit, &self.info.source)
    }

    fn git_err(path: &str, source: git2::Error) -> SourceError {
        SourceError::Git {
            path: path.to_owned(),
            source: source.into(),
        }
    }

    fn lookup(&self, path: &str) -> Result<Option<TreeEntry<'static>>, SourceError> {
        let tree = self
            .repo
            .find_tree(self.tree)
            .map_err(|e| Self::git_err(path, e))?;
        // The folders on the way (the registry's own tree was checked when opened).
        let folders = path.split('/').count().saturating_sub(1);
        verify_folders(&self.repo, &tree, path, folders).map_err(|e| Self::git_err(path, e))?;
        match tree.get_path(Path::new(path)) {
            Ok(e) => Ok(Some(e)),
            Err(e) if e.code() == git2::ErrorCode::NotFound => Ok(None),
            Err(e) => Err(Self::git_err(path, e)),
        }
    }
}

/// A revision that could not be read: unknown when git has no such name, otherwise a
/// git failure (a damaged object, say), which is not the user's typo.
pub fn revision_error(rev: &str, repo: &str, source: git2::Error) -> GitError {
    match source.code() {
        git2::ErrorCode::NotFound | git2::ErrorCode::InvalidSpec | git2::ErrorCode::Ambiguous => {
            GitError::UnknownRevision {
                rev: rev.to_owned(),
                repo: repo.to_owned(),
                source: source.into(),
            }
        }
        _ => GitError::Git {
            doing: format!("reading revision `{rev}` in {repo}"),
            source: source.into(),
        },
    }
}

/// The files under `dir` (a folder in a git working tree) that differ from `HEAD`:
/// changed, staged, deleted or untracked (ignored files are not counted), as paths
/// relative to the repository root.
pub fn uncommitted_changes(dir: &Path) -> Result<Vec<String>, GitError> {
    let repo = discover(dir)?;
    let sub = subdir_in_repo(&repo, dir);
    let mut options = git2::StatusOptions::new();
    options
        .include_untracked(true)
        .recurse_untracked_dirs(true)
        .include_ignored(false)
        .exclude_submodules(false);
    if !sub.is_empty() {
        options.pathspec(&sub);
    }
    let statuses = repo
        .statuses(Some(&mut options))
        .map_err(|source| GitError::Git {
            doing: "comparing the working tree with HEAD".into(),
            source: source.into(),
        })?;
    Ok(statuses
        .iter()
        .filter(|s| s.status() != git2::Status::CURRENT)
        .map(|s| String::from_utf8_lossy(s.path_bytes()).into_owned())
        .collect())
}

/// `dir` relative to the repository's working tree, `/`-separated.
fn subdir_in_repo(repo: &Repository, dir: &Path) -> String {
    let Some(workdir) = repo.workdir().and_then(|w| w.canonicalize().ok()) else {
        return String::new();
    };
    let Ok(dir) = dir.canonicalize() else {
        return String::new();
    };
    dir.strip_prefix(&workdir)
        .map(|rel| {
            rel.components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect::<Vec<_>>()
                .join("/")
        })
        .unwrap_or_default()
}

fn kind_of(filemode: i32, kind: Option<ObjectType>) -> EntryKind {
    match (filemode, kind) {
        (0o120000, _) => EntryKind::Symlink,
        (0o160000, _) | (_, Some(ObjectType::Commit)) => EntryKind::Submodule,
        (_, Some(ObjectType::Tree)) => EntryKind::Dir,
        (_, Some(ObjectType::Blob)) => EntryKind::File,
        _ => EntryKind::Other,
    }
}

impl Source for GitSource {
    fn info(&self) -> &SourceInfo {
        &self.info
    }

    fn local_root(&self) -> Option<&Path> {
        self.root.as_deref()
    }

    /// A tree id says everything about the files under it.
    fn cache_key(&self) -> Option<super::CacheKey> {
        Some(super::CacheKey {
            slot: format!("tree-{}", self.tree),
            fingerprint: 0,
            storable: true,
        })
    }

    fn list(&self, dir: &str) -> Result<Vec<Entry>, SourceError> {
        let tree = if dir.is_empty() {
            self.repo.find_tree(self.tree)
        } else {
            match self.lookup(dir)? {
                Some(e) if e.kind() == Some(ObjectType::Tree) => {
                    verify_object(&self.repo, e.id()).map_err(|e| Self::git_err(dir, e))?;
                    self.repo.find_tree(e.id())
                }
                _ => return Ok(Vec::new()),
            }
        }
        .map_err(|e| Self::git_err(dir, e))?;
        let odb = self.repo.odb().map_err(|e| Self::git_err(dir, e))?;
        let mut out = Vec::with_capacity(tree.len());
        let mut listed = HashMap::with_capacity(tree.len());
        for e in tree.iter() {
            let kind = kind_of(e.filemode(), e.kind());
            let size = if kind == EntryKind::File {
                odb.read_header(e.id())
                    .map(|(size, _)| size as u64)
                    .map_err(|err| Self::git_err(dir, err))?
            } else {
                0
            };
            listed.insert(
                String::from_utf8_lossy(e.name_bytes()).into_owned(),
                (
                    e.id(),
                    e.filemode(),
                    (kind == EntryKind::File).then_some(size),
                ),
            );
            out.push(Entry {
                name: String::from_utf8_lossy(e.name_bytes()).into_owned(),
                kind,
                size,
            });
        }
        out.sort_by(|a, b| a.name.cmp(&b.name));
        if let Ok(mut cache) = self.listed.lock() {
            cache.insert(dir.to_owned(), listed);
        }
        Ok(out)
    }

    fn read(&self, path: &str, limit: u64) -> Result<Vec<u8>, SourceError> {
        let (dir, name) = path.rsplit_once('/').unwrap_or(("", path));
        let listed = self
            .listed
            .lock()
            .ok()
            .and_then(|cache| cache.get(dir).and_then(|d| d.get(name)).copied());
        let (id, filemode, listed_size) = match listed {
            Some(found) => found,
            None => {
                let entry = self.lookup(path)?.ok_or_else(|| SourceError::Missing {
                    path: path.to_owned(),
                })?;
                (entry.id(), entry.filemode(), None)
            }
        };
        if matches!(
            kind_of(filemode, None),
            EntryKind::Symlink | EntryKind::Submodule
        ) {
            return Err(SourceError::Missing {
                path: path.to_owned(),
            });
        }
        let size = match listed_size {
            // Listed as a file, with the size its header gave (`find_blob` below still
            // refuses an object that is not a blob).
            Some(size) => size,
            None => {
                let odb = self.repo.odb().map_err(|e| Self::git_err(path, e))?;
                // The header gives the size and type without inflating the object.
                let (size, kind) = odb.read_header(id).map_err(|e| Self::git_err(path, e))?;
                if kind_of(filemode, Some(kind)) != EntryKind::File {
                    return Err(SourceError::Missing {
                        path: path.to_owned(),
                    });
                }
                size as u64
            }
        };
        if size > limit {
            return Err(SourceError::TooLarge {
                path: path.to_owned(),
                size,
                limit,
            });
        }
        blob_content(&self.repo, id).map_err(|e| Self::git_err(path, e))
    }
}

/// A git error shown by its message alone (without libgit2's class and code numbers), for
/// the `caused by:` line of errors people read.
#[derive(Debug, thiserror::Error)]
#[error("{}", .0.message())]
pub struct GitCause(pub git2::Error);

impl From<git2::Error> for GitCause {
    fn from(e: git2::Error) -> GitCause {
        GitCause(e)
    }
}

/// libgit2 hashes every object it reads to check it (with collision-detecting SHA-1, the
/// larger part of reading a national catalogue from git). Reads made here check what they
/// use themselves instead, with SHA-1 in hardware where the processor has it: the commit
/// and the trees leading to the registry when it is opened, each folder's tree when
/// listed, and each file's blob when read (`verify`). So that check is turned off, once,
/// for the process.
fn verify_reads_here() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| git2::opts::strict_hash_verification(false));
}

/// The content of blob `id`, checked (`verify`).
pub fn blob_content(repo: &Repository, id: Oid) -> Result<Vec<u8>, git2::Error> {
    let blob = repo.find_blob(id)?;
    verify(id, "blob", blob.content())?;
    Ok(blob.content().to_vec())
}

/// Checks (`verify`) the trees of the first `count` folders of `path` under `tree`.
fn verify_folders(
    repo: &Repository,
    tree: &git2::Tree<'_>,
    path: &str,
    count: usize,
) -> Result<(), git2::Error> {
    let mut end = 0;
    for part in path.split('/').take(count) {
        end += part.len() + usize::from(end > 0);
        if let Ok(e) = tree.get_path(Path::new(&path[..end])) {
            verify_object(repo, e.id())?;
        }
    }
    Ok(())
}

/// Reads object `id` and checks it (`verify`).
fn verify_object(repo: &Repository, id: Oid) -> Result<(), git2::Error> {
    let odb = repo.odb()?;
    let object = odb.read(id)?;
    verify(id, object.kind().str(), object.data())
}

/// Checks that `data` is the object `id` names (git's SHA-1 of the object's kind, size
/// and content), as `git fsck` would: a damaged or swapped object stops the command.
fn verify(id: Oid, kind: &str, data: &[u8]) -> Result<(), git2::Error> {
    use sha1::Digest as _;
    let mut hash = sha1::Sha1::new();
    hash.update(format!("{kind} {}\0", data.len()));
    hash.update(data);
    if hash.finalize().as_slice() == id.as_bytes() {
        Ok(())
    } else {
        Err(git2::Error::from_str(&format!(
            "object hash mismatch: the object stored as {id} is not that object"
        )))
    }
}
