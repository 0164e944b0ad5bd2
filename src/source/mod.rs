//! Where manifests come from: one small trait, with a working tree, a git revision and an
//! in-memory map behind it.

use std::fmt;

/// What a directory entry is. Only files are ever read; everything else is reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntryKind {
    File,
    Dir,
    Symlink,
    Submodule,
    Other,
}

/// One entry of a registry directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The entry's name within its directory.
    pub name: String,
    pub kind: EntryKind,
    /// Size in bytes for files (0 otherwise).
    pub size: u64,
}

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

/// Why reading from a source failed.
#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    #[error("{path} is {size} bytes, over the limit of {limit} bytes")]
    TooLarge { path: String, size: u64, limit: u64 },
    #[error("could not read {path}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("could not read {path} from git")]
    Git {
        path: String,
        #[source]
        source: crate::registry::git::GitCause,
    },
    #[error("{path} does not exist")]
    Missing { path: String },
}

/// A registry's files, wherever they are kept. Paths are relative to the registry root and
/// use `/`; the empty path is the root.
pub trait Source {
    fn info(&self) -> &SourceInfo;

    /// The entries of a directory, sorted by name. A missing directory is an empty list.
    fn list(&self, dir: &str) -> Result<Vec<Entry>, SourceError>;

    /// What `path` is, if it exists.
    fn entry(&self, path: &str) -> Result<Option<Entry>, SourceError> {
        let (dir, name) = match path.rsplit_once('/') {
            Some((dir, name)) => (dir, name),
            None => ("", path),
        };
        Ok(self.list(dir)?.into_iter().find(|e| e.name == name))
    }

    /// Reads a file, refusing (before reading it whole) one larger than `limit`.
    fn read(&self, path: &str, limit: u64) -> Result<Vec<u8>, SourceError>;

    /// The registry folder on this machine, when there is one.
    fn local_root(&self) -> Option<&std::path::Path> {
        None
    }

    /// What the registry's files are, for the index cache; `None` when it cannot tell
    /// cheaply (nothing is cached then).
    fn cache_key(&self) -> Option<super::cache::CacheKey> {
        None
    }
}

impl fmt::Display for SourceInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.commit {
            Some(c) => write!(f, "{} at {}", self.source, c.get(..12).unwrap_or(c)),
            None => f.write_str(&self.source),
        }
    }
}
