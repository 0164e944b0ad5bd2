//! Safe updates of files that other runs may be reading or writing at the same moment:
//! atomic replacement (write a temporary file next to the target, then rename it over)
//! and advisory file locks that serialise writers.

use std::fs::{self, OpenOptions};
use std::io::{self, Write};
use std::path::Path;

/// The prefix of the temporary files `write_atomic` makes.
pub const TEMP_PREFIX: &str = ".stackreg-";

/// Replaces `path` with `bytes` atomically: readers see the old file or the new one, never
/// a mix, and a failure leaves the old file untouched. An existing file keeps its
/// permissions; a new one gets the usual `rw-r--r--`. The data and the rename are flushed
/// to disk before this returns.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    write_atomic_as(path, bytes, TEMP_PREFIX)
}

/// Like `write_atomic`, with the temporary file named `<prefix>XXXXXX.tmp`, so that a
/// writer can recognise (and clear) what an interrupted run of its own left behind.
pub fn write_atomic_as(path: &Path, bytes: &[u8], prefix: &str) -> io::Result<()> {
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

/// Runs `body` while holding an exclusive lock on the file at `path` (created if missing).
/// When another process holds it, `on_wait` is called once and the call blocks until the
/// lock is free. The lock is released when `body` returns, or when the process dies.
pub fn with_lock<T>(
    path: &Path,
    on_wait: impl FnOnce(),
    body: impl FnOnce() -> T,
) -> io::Result<T> {
    let file = OpenOptions::new()
        .create(true)
        .truncate(false)
        .read(true)
        .write(true)
        .open(path)?;
    let mut lock = fd_lock::RwLock::new(file);
    match lock.try_write() {
        Ok(guard) => {
            let out = body();
            drop(guard);
            return Ok(out);
        }
        Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
        Err(e) => return Err(e),
    }
    on_wait();
    let guard = lock.write()?;
    let out = body();
    drop(guard);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atomic_write_replaces_and_keeps_permissions() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.toml");
        write_atomic(&path, b"one").unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"one");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(
                fs::metadata(&path).unwrap().permissions().mode() & 0o777,
                0o644
            );
            fs::set_permissions(&path, fs::Permissions::from_mode(0o600)).unwrap();
            write_atomic(&path, b"two").unwrap();
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
        write_atomic(&dir.path().join("a.lock"), b"lock").unwrap();
        assert!(!stale.exists());
        assert!(fresh.exists() && other.exists());
        remove_temporary(dir.path(), TEMP_PREFIX);
        assert!(!fresh.exists() && other.exists());
    }

    #[test]
    fn lock_serialises_and_reports_waiting() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.lock");
        let waited = with_lock(
            &path,
            || panic!("nobody holds it"),
            || {
                // A second lock on the same file from another handle must wait; check with a
                // non-blocking attempt from a fresh handle.
                let other = OpenOptions::new().write(true).open(&path).unwrap();
                let mut other = fd_lock::RwLock::new(other);
                other.try_write().is_err()
            },
        )
        .unwrap();
        assert!(waited);
        let free = with_lock(&path, || panic!("released"), || true).unwrap();
        assert!(free);
    }
}
