//! Atomic file writes: a temporary file in the same folder, flushed to disk, then renamed
//! over the target, so an interrupted or failed run leaves the previous file intact.

use std::fs;
use std::io::{self, Write as _};
use std::path::Path;

/// Creates `path` with `contents` atomically, refusing (`AlreadyExists`) when a file is
/// there: a temporary file in the same folder is linked into place only if the name is
/// free, so a file that appears meanwhile is never overwritten.
pub fn create(path: &Path, contents: &[u8]) -> io::Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
    tmp.write_all(contents)?;
    tmp.as_file().sync_all()?;
    tmp.persist_noclobber(path).map_err(|e| e.error)?;
    Ok(())
}

/// The prefix of the temporary files `write` makes.
pub const TEMP_PREFIX: &str = ".stackreg-";

/// Replaces `path` with `bytes` atomically: readers see the old file or the new one, never
/// a mix, and a failure leaves the old file untouched. An existing file keeps its
/// permissions; a new one gets the usual `rw-r--r--`. The data and the rename are flushed
/// to disk before this returns.
pub fn write(path: &Path, bytes: &[u8]) -> io::Result<()> {
    write_as(path, bytes, TEMP_PREFIX)
}

/// Like `write`, with the temporary file named `<prefix>XXXXXX.tmp`, so that a
/// writer can recognise (and clear) what an interrupted run of its own left behind.
pub fn write_as(path: &Path, bytes: &[u8], prefix: &str) -> io::Result<()> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    remove_temporary_older_than(dir, prefix, STALE_TEMPORARY);
    let mut builder = tempfile::Builder::new();
    builder.prefix(prefix).suffix(".tmp");
    let existing = fs::metadata(path).ok().map(|m| m.permissions());
    #[cfg(unix)]
    let mode = {
        use std::os::unix::fs::PermissionsExt;
        existing.unwrap_or_else(|| fs::Permissions::from_mode(0o644))
    };
    #[cfg(unix)]
    builder.permissions(mode);
    #[cfg(not(unix))]
    let _ = existing;
    let mut tmp = builder.tempfile_in(dir)?;
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    // The rename is a change to the folder: flush it too, so that a crash of the machine
    // (not only of this process) cannot lose it.
    #[cfg(unix)]
    fs::File::open(dir)?.sync_all()?;
    Ok(())
}

/// A temporary file this old was left by a run that was killed: no write takes so long.
const STALE_TEMPORARY: std::time::Duration = std::time::Duration::from_secs(600);

/// Removes the temporary files named `<prefix>*.tmp` in `dir`: what runs that were
/// killed while writing left behind. Only for callers that hold the lock every writer
/// with that prefix takes.
pub fn remove_temporary(dir: &Path, prefix: &str) {
    remove_temporary_older_than(dir, prefix, std::time::Duration::ZERO);
}

/// Removes the temporary files named `<prefix>*.tmp` in `dir` last changed more than
/// `age` ago.
fn remove_temporary_older_than(dir: &Path, prefix: &str, age: std::time::Duration) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let name = e.file_name();
        let name = name.to_string_lossy();
        if !(name.starts_with(prefix) && name.ends_with(".tmp")) {
            continue;
        }
        let old_enough = e
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|elapsed| elapsed >= age);
        if old_enough && e.file_type().is_ok_and(|t| t.is_file()) {
            let _ = fs::remove_file(e.path());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atomic_write_replaces_and_keeps_permissions() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.toml");
        write(&path, b"one").unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"one");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(
                fs::metadata(&path).unwrap().permissions().mode() & 0o777,
                0o644
            );
            fs::set_permissions(&path, fs::Permissions::from_mode(0o600)).unwrap();
            write(&path, b"two").unwrap();
            assert_eq!(
                fs::metadata(&path).unwrap().permissions().mode() & 0o777,
                0o600
            );
        }
        assert_eq!(fs::read(&path).unwrap(), b"two");
        // No temporary files are left behind.
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn stale_temporary_files_are_cleared() {
        let dir = tempfile::tempdir().unwrap();
        let stale = dir.path().join(".stackreg-killed.tmp");
        let fresh = dir.path().join(".stackreg-writing.tmp");
        let other = dir.path().join("notes.tmp");
        for f in [&stale, &fresh, &other] {
            fs::write(f, b"x").unwrap();
        }
        let long_ago = std::time::SystemTime::now() - 2 * STALE_TEMPORARY;
        fs::File::options()
            .write(true)
            .open(&stale)
            .unwrap()
            .set_modified(long_ago)
            .unwrap();
        write(&dir.path().join("a.lock"), b"lock").unwrap();
        assert!(!stale.exists());
        assert!(fresh.exists() && other.exists());
        remove_temporary(dir.path(), TEMP_PREFIX);
        assert!(!fresh.exists() && other.exists());
    }
}
