//! Safe updates of files that other runs may be reading or writing at the same moment:
//! atomic replacement (write a temporary file next to the target, then rename it over)
//! and advisory file locks that serialise writers.

use std::fs::{self, OpenOptions};
use std::io::{self, Write};
use std::path::Path;

/// Replaces `path` with `bytes` atomically: readers see the old file or the new one, never
/// a mix, and a failure leaves the old file untouched. An existing file keeps its
/// permissions; a new one gets the usual `rw-r--r--`.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let mut builder = tempfile::Builder::new();
    builder.prefix(".stackreg-").suffix(".tmp");
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
    Ok(())
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
