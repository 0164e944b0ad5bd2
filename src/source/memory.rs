//! An in-memory registry source, for tests and for checking files that are not on disk.

use std::collections::BTreeMap;

use super::{Entry, EntryKind, Source, SourceError, SourceInfo};

/// Files held in memory, keyed by registry-relative path.
#[derive(Debug, Clone)]
pub struct MemorySource {
    info: SourceInfo,
    files: BTreeMap<String, Vec<u8>>,
}

impl MemorySource {
    pub fn new(name: &str) -> MemorySource {
        MemorySource {
            info: SourceInfo {
                source: name.to_owned(),
                commit: None,
                path_in_repo: None,
            },
            files: BTreeMap::new(),
        }
    }

    /// Adds or replaces a file.
    pub fn insert(&mut self, path: &str, contents: impl Into<Vec<u8>>) -> &mut Self {
        self.files.insert(path.to_owned(), contents.into());
        self
    }

    pub fn with(mut self, path: &str, contents: impl Into<Vec<u8>>) -> Self {
        self.insert(path, contents);
        self
    }
}

impl Source for MemorySource {
    fn info(&self) -> &SourceInfo {
        &self.info
    }

    fn list(&self, dir: &str) -> Result<Vec<Entry>, SourceError> {
        Ok(children(&self.files, dir).into_values().collect())
    }

    fn read(&self, path: &str, limit: u64) -> Result<Vec<u8>, SourceError> {
        let bytes = self.files.get(path).ok_or_else(|| SourceError::Missing {
            path: path.to_owned(),
        })?;
        if bytes.len() as u64 > limit {
            return Err(SourceError::TooLarge {
                path: path.to_owned(),
                size: bytes.len() as u64,
                limit,
            });
        }
        Ok(bytes.clone())
    }
}

/// The entries directly in folder `dir` (`""` for the root) of files keyed by
/// registry-relative path: each file, and each sub-folder once.
pub(crate) fn children(files: &BTreeMap<String, Vec<u8>>, dir: &str) -> BTreeMap<String, Entry> {
    let prefix = if dir.is_empty() {
        String::new()
    } else {
        format!("{dir}/")
    };
    let mut out: BTreeMap<String, Entry> = BTreeMap::new();
    for (path, bytes) in files.range(prefix.clone()..) {
        let Some(rest) = path.strip_prefix(&prefix) else {
            break;
        };
        let entry = match rest.split_once('/') {
            Some((name, _)) => Entry {
                name: name.to_owned(),
                kind: EntryKind::Dir,
                size: 0,
            },
            None => Entry {
                name: rest.to_owned(),
                kind: EntryKind::File,
                size: bytes.len() as u64,
            },
        };
        out.entry(entry.name.clone()).or_insert(entry);
    }
    out
}
