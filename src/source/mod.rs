//! Where a registry's files come from: one small trait (`Source`), with a working tree, a
//! git revision, a clone of a remote registry and an in-memory map behind it; how a
//! registry is found (`discover`), the rules every file read follows (`files`: no links,
//! regular files only, size caps), https downloads, and commit signatures.

pub mod dir;
pub mod discover;
pub mod files;
pub mod fingerprint;
pub mod git;
pub mod http;
pub mod memory;
pub mod remote;
pub mod signature;

pub use crate::model::SourceInfo;
pub use fingerprint::CacheKey;

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
        source: crate::source::git::GitCause,
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
    fn cache_key(&self) -> Option<CacheKey> {
        None
    }
}
