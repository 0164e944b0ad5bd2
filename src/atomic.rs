//! Atomic file writes: a temporary file in the same folder, flushed to disk, then renamed
//! over the target, so an interrupted or failed run leaves the previous file intact.

use std::path::Path;

/// Replaces `path` with `contents` atomically (see `registry::files::write_atomic`).
pub fn write(path: &Path, contents: &[u8]) -> std::io::Result<()> {
    crate::registry::files::write_atomic(path, contents)
}
