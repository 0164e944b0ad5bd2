//! Reading a registry from a directory's working tree.

use std::fs;
use std::path::{Path, PathBuf};

use super::files::ReadError;
use super::{Entry, EntryKind, Source, SourceError, SourceInfo};

/// A registry folder on disk, read as plain files.
#[derive(Debug)]
pub struct DirSource {
    root: PathBuf,
    info: SourceInfo,
}

impl DirSource {
    /// A source for the directory `root`; `shown` is how the path is printed.
    pub fn new(root: &Path, shown: String) -> DirSource {
        let path_in_repo = path_in_repo(root);
        DirSource {
            root: root.to_path_buf(),
            info: SourceInfo {
                source: shown,
                commit: None,
                path_in_repo,
            },
        }
    }

    fn full(&self, rel: &str) -> PathBuf {
        if rel.is_empty() {
            self.root.clone()
        } else {
            self.root.join(rel)
        }
    }
}

/// The directory's path relative to the root of the git working tree around it: the
/// nearest folder holding `.git` (a folder, or a file for worktrees and submodules), as
/// git finds it. Found without libgit2, whose start-up (TLS included) costs more than
/// reading a cached registry.
fn path_in_repo(root: &Path) -> Option<String> {
    let root = root.canonicalize().ok()?;
    let workdir = root
        .ancestors()
        .find(|d| fs::symlink_metadata(d.join(".git")).is_ok())?;
    let rel = root.strip_prefix(workdir).ok()?;
    Some(
        rel.components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect::<Vec<_>>()
            .join("/"),
    )
}

impl Source for DirSource {
    fn info(&self) -> &SourceInfo {
        &self.info
    }

    fn local_root(&self) -> Option<&Path> {
        Some(&self.root)
    }

    fn cache_key(&self) -> Option<super::CacheKey> {
        super::fingerprint::dir_key(&self.root)
    }

    fn list(&self, dir: &str) -> Result<Vec<Entry>, SourceError> {
        let path = self.full(dir);
        let read = match fs::read_dir(&path) {
            Ok(r) => r,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(source) => {
                return Err(SourceError::Io {
                    path: path.display().to_string(),
                    source,
                });
            }
        };
        let mut out = Vec::new();
        for entry in read {
            let entry = entry.map_err(|source| SourceError::Io {
                path: path.display().to_string(),
                source,
            })?;
            let meta = entry.metadata().map_err(|source| SourceError::Io {
                path: entry.path().display().to_string(),
                source,
            })?;
            let ft = meta.file_type();
            let kind = match super::files::kind_of(&ft) {
                EntryKind::Dir if entry.path().join(".git").exists() => EntryKind::Submodule,
                kind => kind,
            };
            out.push(Entry {
                name: entry.file_name().to_string_lossy().into_owned(),
                kind,
                size: if kind == EntryKind::File {
                    meta.len()
                } else {
                    0
                },
            });
        }
        out.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(out)
    }

    fn read(&self, rel: &str, limit: u64) -> Result<Vec<u8>, SourceError> {
        let path = self.full(rel);
        // The walk's own rules (no links, regular files only, the size cap), checked
        // again here in case the tree changed since it was listed.
        super::files::read_regular(&path, limit).map_err(|e| match e {
            ReadError::NotAFile { .. } => SourceError::Missing {
                path: rel.to_owned(),
            },
            ReadError::TooLarge { size, limit, .. } => SourceError::TooLarge {
                path: rel.to_owned(),
                size,
                limit,
            },
            ReadError::Missing { path } => SourceError::Io {
                path: path.display().to_string(),
                source: std::io::ErrorKind::NotFound.into(),
            },
            ReadError::Io { path, source } => SourceError::Io {
                path: path.display().to_string(),
                source,
            },
        })
    }
}
