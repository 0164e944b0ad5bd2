//! The working-tree side of a publish: the files a commit changes are written before the
//! branch moves, only into real folders of the working tree (never through a link, over
//! a folder, a pipe or a device), under a journal in the git folder. A write that fails
//! puts back what was already written, so nothing is committed and nothing changed; a run
//! killed part-way is finished (the branch moved) or undone (it did not) by the next one.

use std::path::{Component, Path, PathBuf};

use git2::Oid;

use super::{Checkout, GitCause, Proposed, PublishError, files, git};

/// The journal of a commit in progress, in the git folder.
const JOURNAL: &str = "stackreg-publish.journal";

/// The prefix of the temporary files a publish writes in the working tree.
const WORKTREE_TEMP: &str = ".stackreg-publish-";

/// What a commit in progress changes: the commit it builds on, the commit it makes, the
/// files (relative to the repository root) it changes, and those it writes into the
/// working tree with whether something was there before.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
struct Journal {
    base: String,
    commit: String,
    paths: Vec<String>,
    #[serde(default)]
    written: Vec<Written>,
}

/// A working-tree file a publish writes.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub(super) struct Written {
    /// Relative to the repository root.
    path: String,
    /// Whether a file was there before (then it held the base commit's text).
    existed: bool,
}

/// Refuses to write the working-tree file `rel` (relative to `workdir`) when a folder on
/// the way is a link or not a folder, or the file itself is anything but a regular file:
/// a publish writes only inside the registry, whatever its folders point at.
pub(super) fn check_writable(workdir: &Path, rel: &str) -> Result<(), PublishError> {
    let parts: Vec<Component<'_>> = Path::new(rel).components().collect();
    let mut at = workdir.to_path_buf();
    for (i, part) in parts.iter().enumerate() {
        let Component::Normal(name) = part else {
            return Err(PublishError::Unsafe {
                path: rel.to_owned(),
                what: "not a plain path".into(),
            });
        };
        at.push(name);
        let last = i + 1 == parts.len();
        let meta = match std::fs::symlink_metadata(&at) {
            Ok(meta) => meta,
            Err(_) => return Ok(()), // missing: made by the write, below this point
        };
        let t = meta.file_type();
        let fine = if last { t.is_file() } else { t.is_dir() };
        if !fine {
            let shown: PathBuf = parts[..=i].iter().collect();
            return Err(PublishError::Unsafe {
                path: shown.display().to_string(),
                what: files::describe(&t).to_owned(),
            });
        }
    }
    Ok(())
}

impl Checkout<'_> {
    /// The working tree's root.
    fn workdir(&self) -> PathBuf {
        self.repo
            .workdir()
            .unwrap_or_else(|| self.repo.path())
            .to_path_buf()
    }

    /// Writes `files` into the working tree for the commit `commit` on `base`, under the
    /// journal. On failure, what was written is put back and the journal removed: nothing
    /// changed. Returns what was written, for `undo_worktree`.
    pub(super) fn write_worktree(
        &self,
        base: Oid,
        commit: Oid,
        files: &[&Proposed],
    ) -> Result<Vec<Written>, PublishError> {
        let workdir = self.workdir();
        let mut to_write = Vec::new();
        for p in files {
            let rel = self.repo_path(&p.path);
            check_writable(&workdir, &rel)?;
            let on_disk = files::read_regular(&workdir.join(&rel), p.text.len() as u64).ok();
            if on_disk.as_deref() != Some(p.text.as_bytes()) {
                let existed = std::fs::symlink_metadata(workdir.join(&rel)).is_ok();
                to_write.push((Written { path: rel, existed }, p.text.as_bytes()));
            }
        }
        let journal = Journal {
            base: base.to_string(),
            commit: commit.to_string(),
            paths: files.iter().map(|p| self.repo_path(&p.path)).collect(),
            written: to_write.iter().map(|(w, _)| w.clone()).collect(),
        };
        self.write_journal(&journal)?;
        let mut done = Vec::new();
        for (w, text) in to_write {
            let file = workdir.join(&w.path);
            let wrote = file
                .parent()
                .map_or(Ok(()), std::fs::create_dir_all)
                .and_then(|()| crate::atomic::write_as(&file, text, WORKTREE_TEMP));
            if let Err(source) = wrote {
                self.undo_worktree(&done, base, commit);
                self.remove_journal();
                return Err(PublishError::WriteFailed {
                    path: w.path,
                    source,
                });
            }
            done.push(w);
        }
        Ok(done)
    }

    /// Puts back the working-tree files in `written` that still hold what `commit` wrote:
    /// the base commit's text where a file was, nothing where none was. A file edited
    /// since is left alone.
    pub(super) fn undo_worktree(&self, written: &[Written], base: Oid, commit: Oid) {
        let workdir = self.workdir();
        let blob = |id: Oid, path: &str| -> Option<Vec<u8>> {
            let tree = self.repo.find_commit(id).ok()?.tree().ok()?;
            let entry = tree.get_path(Path::new(path)).ok()?;
            crate::source::git::blob_content(&self.repo, entry.id()).ok()
        };
        for w in written {
            let file = workdir.join(&w.path);
            let Some(new) = blob(commit, &w.path) else {
                continue;
            };
            if check_writable(&workdir, &w.path).is_err() {
                continue;
            }
            let on_disk = files::read_regular(&file, new.len() as u64).ok();
            if on_disk.as_deref() != Some(new.as_slice()) {
                continue; // edited since: someone else's change
            }
            match (w.existed, blob(base, &w.path)) {
                (true, Some(old)) => {
                    let _ = crate::atomic::write_as(&file, &old, WORKTREE_TEMP);
                }
                _ => {
                    let _ = std::fs::remove_file(&file);
                }
            }
        }
    }

    fn journal_path(&self) -> PathBuf {
        self.repo.path().join(JOURNAL)
    }

    fn write_journal(&self, journal: &Journal) -> Result<(), PublishError> {
        let path = self.journal_path();
        let text = serde_json::to_string(journal).unwrap_or_default();
        crate::atomic::write(&path, text.as_bytes())
            .map_err(|source| PublishError::Lock { path, source })
    }

    pub(super) fn remove_journal(&self) {
        let _ = std::fs::remove_file(self.journal_path());
    }

    /// Finishes or undoes what a run killed while committing left, as its journal says:
    /// if the branch moved to its commit, the working tree files and index entries it
    /// changes are brought in line with the commit; if the commit never landed, the files
    /// it wrote are put back. A file edited since is left alone either way, and the lock
    /// files and temporary files that run held are removed. Only called under the
    /// publish lock, so no other publish is running.
    pub(super) fn recover(&self) -> Result<(), PublishError> {
        let path = self.journal_path();
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
            Err(source) => return Err(PublishError::Lock { path, source }),
        };
        let Ok(journal) = serde_json::from_str::<Journal>(&text) else {
            self.remove_journal();
            return Ok(());
        };
        self.remove_stale_git_locks();
        let Some(workdir) = self.repo.workdir().map(Path::to_path_buf) else {
            self.remove_journal();
            return Ok(());
        };
        for p in &journal.paths {
            if let Some(dir) = workdir.join(p).parent() {
                crate::atomic::remove_temporary(dir, WORKTREE_TEMP);
            }
        }
        let head = self.repo.head().ok().and_then(|h| h.target());
        let (Ok(base), Ok(commit)) = (Oid::from_str(&journal.base), Oid::from_str(&journal.commit))
        else {
            self.remove_journal();
            return Ok(());
        };
        let landed = head.is_some_and(|h| {
            h == commit || self.repo.graph_descendant_of(h, commit).unwrap_or(false)
        });
        if head == Some(commit) {
            self.finish_worktree(&workdir, &journal)?;
        } else if !landed {
            self.undo_worktree(&journal.written, base, commit);
        }
        self.remove_journal();
        Ok(())
    }

    fn finish_worktree(&self, workdir: &Path, journal: &Journal) -> Result<(), PublishError> {
        let repo = &self.repo;
        let tree_of = |id: &str| {
            Oid::from_str(id)
                .and_then(|oid| repo.find_commit(oid))
                .and_then(|c| c.tree())
        };
        let new = tree_of(&journal.commit).map_err(git("reading the interrupted commit"))?;
        let old = tree_of(&journal.base).ok();
        let blob = |tree: &git2::Tree<'_>, path: &str| -> Option<Vec<u8>> {
            let entry = tree.get_path(Path::new(path)).ok()?;
            crate::source::git::blob_content(repo, entry.id()).ok()
        };
        let worktree_err = |path: &str, source| PublishError::WorkingTree {
            commit: journal.commit.clone(),
            path: path.to_owned(),
            source,
        };
        let mut index = repo.index().map_err(git("reading the index"))?;
        index.read(true).map_err(git("reading the index"))?;
        for p in &journal.paths {
            let Some(text) = blob(&new, p) else {
                continue;
            };
            if check_writable(workdir, p).is_err() {
                continue; // a link or a folder in the way: someone else's change
            }
            let file = workdir.join(p);
            let on_disk = files::read_regular(&file, text.len() as u64).ok();
            if on_disk.as_deref() != Some(text.as_slice()) {
                let before = old.as_ref().and_then(|t| blob(t, p));
                if std::fs::symlink_metadata(&file).is_ok() && on_disk != before {
                    continue; // edited since: someone else's change
                }
                if let Some(dir) = file.parent() {
                    std::fs::create_dir_all(dir).map_err(|e| worktree_err(p, e))?;
                }
                crate::atomic::write_as(&file, &text, WORKTREE_TEMP)
                    .map_err(|e| worktree_err(p, e))?;
            }
            index
                .add_path(Path::new(p))
                .map_err(|e| worktree_err(p, std::io::Error::other(GitCause(e))))?;
        }
        index
            .write()
            .map_err(|e| worktree_err("the index", std::io::Error::other(GitCause(e))))
    }

    /// Removes the git lock files a publish takes (the index, `HEAD`, the branch and its
    /// log): after an interrupted publish they are stale, and would stop every git
    /// command. A plain git command running at this very moment would lose its lock and
    /// fail (docs/SECURITY.md).
    fn remove_stale_git_locks(&self) {
        let gitdir = self.repo.path();
        let common = self.repo.commondir();
        let mut locks = vec![gitdir.join("index.lock"), gitdir.join("HEAD.lock")];
        if let Ok(head) = self.repo.find_reference("HEAD")
            && let Ok(Some(branch)) = head.symbolic_target()
            && branch.starts_with("refs/heads/")
            && !branch
                .split('/')
                .any(|part| part == ".." || part.is_empty())
        {
            locks.push(common.join(format!("{branch}.lock")));
            locks.push(common.join("logs").join(format!("{branch}.lock")));
        }
        locks.push(common.join("packed-refs.lock"));
        for lock in locks {
            let _ = std::fs::remove_file(lock);
        }
    }
}
