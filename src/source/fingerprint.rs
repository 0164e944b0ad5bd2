//! What a registry's files are, for the index cache: the key an entry is stored under
//! and the fingerprint that must match for it to be used.
//!
//! A registry read through git is keyed by its tree id. A working tree is keyed by a
//! fingerprint of the folder path and the stat data (size, modification and change times,
//! inode) of every file and folder a load reads. An edit changes the change time at
//! least, so it never meets a stale entry; files modified in the last few seconds make the
//! working tree "racy" (a second edit within the clock's resolution could keep the same
//! times), and nothing is stored for it until they settle.

use std::fs;
use std::path::Path;

use rayon::prelude::*;

/// What a registry's files are, for the cache.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CacheKey {
    /// The entry's file name.
    pub slot: String,
    /// Must match the entry's for it to be used.
    pub fingerprint: u64,
    /// Whether an entry may be written (false while files are still changing).
    pub storable: bool,
}

/// How recent a modification may be before the working tree counts as still changing:
/// well above the kernel's timestamp tick where file times have sub-second resolution,
/// and above the resolution itself where they have whole seconds only.
const SETTLE_FINE: std::time::Duration = std::time::Duration::from_millis(100);
const SETTLE_COARSE: std::time::Duration = std::time::Duration::from_secs(3);

/// The key of a registry working tree: one slot per folder, and a fingerprint of the stat
/// data of `registry.toml`, the registry folders and everything in them (what `load`
/// lists and reads). `None` when the folder cannot be read.
pub fn dir_key(root: &Path) -> Option<CacheKey> {
    let canonical = root.canonicalize().ok()?;
    let mut slot = Fingerprint::new();
    slot.write(canonical.as_os_str().as_encoded_bytes());
    let mut h = Fingerprint::new();
    h.write(canonical.as_os_str().as_encoded_bytes());
    let mut latest = std::time::UNIX_EPOCH;
    let mut coarse = false;
    let mut stat = |h: &mut Fingerprint, name: &[u8], meta: Option<&fs::Metadata>| {
        h.write(name);
        let Some(meta) = meta else {
            h.write(b"-");
            return;
        };
        let words = stat_words(meta);
        for w in words {
            h.write(&w.to_le_bytes());
        }
        // Whole-second times (nanoseconds 0) mean a coarse file system.
        coarse |= words[3] == 0 || words[5] == 0;
        for t in [meta.modified().ok(), changed_at(meta)] {
            // An unknown time is taken as "just now".
            latest = latest.max(t.unwrap_or_else(std::time::SystemTime::now));
        }
    };
    let top = ["registry.toml", "interfaces", "components", "stacks"];
    for name in top {
        let path = canonical.join(name);
        let meta = fs::symlink_metadata(&path).ok();
        stat(&mut h, name.as_bytes(), meta.as_ref());
        if !meta.as_ref().is_some_and(fs::Metadata::is_dir) {
            continue;
        }
        let listed: Vec<fs::DirEntry> = fs::read_dir(&path).ok()?.collect::<Result<_, _>>().ok()?;
        // A stat each (10,000 in a national registry), spread over the cores.
        let mut entries: Vec<(Vec<u8>, Option<fs::Metadata>)> = listed
            .par_iter()
            .map(|e| (e.file_name().as_encoded_bytes().to_vec(), e.metadata().ok()))
            .collect();
        entries.sort_by(|a, b| a.0.cmp(&b.0));
        h.write(&(entries.len() as u64).to_le_bytes());
        for (name, meta) in &entries {
            stat(&mut h, name, meta.as_ref());
        }
    }
    let settle = if coarse { SETTLE_COARSE } else { SETTLE_FINE };
    Some(CacheKey {
        slot: format!("dir-{:016x}", slot.finish()),
        fingerprint: h.finish(),
        storable: latest + settle < std::time::SystemTime::now(),
    })
}

/// Size, kind and times (and on Unix the inode and change time) of a file.
fn stat_words(meta: &fs::Metadata) -> [u64; 8] {
    let ft = meta.file_type();
    let kind =
        u64::from(ft.is_file()) | u64::from(ft.is_dir()) << 1 | u64::from(ft.is_symlink()) << 2;
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        [
            kind,
            meta.size(),
            meta.mtime() as u64,
            meta.mtime_nsec() as u64,
            meta.ctime() as u64,
            meta.ctime_nsec() as u64,
            meta.ino(),
            meta.dev(),
        ]
    }
    #[cfg(not(unix))]
    {
        let modified = meta
            .modified()
            .ok()
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
            .unwrap_or_default();
        [
            kind,
            meta.len(),
            modified.as_secs(),
            u64::from(modified.subsec_nanos()),
            0,
            0,
            0,
            0,
        ]
    }
}

/// When the file's metadata last changed (Unix change time), where known.
fn changed_at(meta: &fs::Metadata) -> Option<std::time::SystemTime> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let secs = u64::try_from(meta.ctime()).ok()?;
        std::time::UNIX_EPOCH.checked_add(std::time::Duration::new(
            secs,
            u32::try_from(meta.ctime_nsec()).ok()?,
        ))
    }
    #[cfg(not(unix))]
    {
        meta.modified().ok()
    }
}

/// A 64-bit hash of a sequence of byte strings: XXH3 (stable across builds and platforms)
/// over each string and its length, so that `("ab", "c")` and `("a", "bc")` differ. Enough
/// to tell a changed file list or a damaged entry, not meant to resist an adversary (who
/// could write to the cache folder anyway).
pub struct Fingerprint(xxhash_rust::xxh3::Xxh3);

impl Fingerprint {
    pub fn new() -> Fingerprint {
        Fingerprint(xxhash_rust::xxh3::Xxh3::new())
    }

    pub fn write(&mut self, bytes: &[u8]) {
        self.0.update(bytes);
        self.0.update(&(bytes.len() as u64).to_le_bytes());
    }

    pub fn finish(&self) -> u64 {
        self.0.digest()
    }
}

impl Default for Fingerprint {
    fn default() -> Fingerprint {
        Fingerprint::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn separates_writes() {
        let h = |parts: &[&[u8]]| {
            let mut h = Fingerprint::new();
            for p in parts {
                h.write(p);
            }
            h.finish()
        };
        assert_ne!(h(&[b"ab", b"c"]), h(&[b"a", b"bc"]));
        assert_ne!(h(&[b"abcdefgh1"]), h(&[b"abcdefgh2"]));
        assert_ne!(h(&[b""]), h(&[]));
        assert_eq!(h(&[b"same"]), h(&[b"same"]));
    }

    #[test]
    fn keys_a_folder_by_what_is_in_it() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("registry.toml"), "x").unwrap();
        let a = dir_key(dir.path()).unwrap();
        assert_eq!(dir_key(dir.path()).unwrap().fingerprint, a.fingerprint);
        std::fs::create_dir(dir.path().join("components")).unwrap();
        std::fs::write(dir.path().join("components/a.toml"), "y").unwrap();
        let b = dir_key(dir.path()).unwrap();
        assert_eq!(a.slot, b.slot);
        assert_ne!(a.fingerprint, b.fingerprint);
        // Just written: not storable until the files settle.
        assert!(!b.storable);
    }
}
