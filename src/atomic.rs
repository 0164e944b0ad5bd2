//! Atomic file writes: a temporary file in the same folder, flushed to disk, then renamed
//! over the target, so an interrupted or failed run leaves the previous file intact.

use std::io::Write;
use std::path::Path;

/// Replaces `path` with `contents` atomically.
pub fn write(path: &Path, contents: &[u8]) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let mut tmp = tempfile::Builder::new()
        .prefix(".stackreg-")
        .suffix(".tmp")
        .tempfile_in(dir)?;
    tmp.write_all(contents)?;
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}
