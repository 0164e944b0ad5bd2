//! Atomic file writes: a temporary file in the same folder, flushed to disk, then renamed
//! over the target, so an interrupted or failed run leaves the previous file intact.

use std::path::Path;

/// Replaces `path` with `contents` atomically (see `registry::files::write_atomic`).
pub fn write(path: &Path, contents: &[u8]) -> std::io::Result<()> {
    crate::registry::files::write_atomic(path, contents)
}

/// Creates `path` with `contents` atomically, refusing (`AlreadyExists`) when a file is
/// there: a temporary file in the same folder is linked into place only if the name is
/// free, so a file that appears meanwhile is never overwritten.
pub fn create(path: &Path, contents: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
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
