//! The file rules, in one place: how a file is read (never through a symbolic link, only
//! a regular file, never more than its size cap, never blocking on a pipe or a device),
//! both for the registry walk and for files named on the command line; and safe updates
//! of files that other runs may be reading or writing at the same moment: atomic
//! replacement (write a temporary file next to the target, then rename it over) and
//! advisory file locks that serialise writers.

use std::fs::{self, OpenOptions};
use std::io::{self, Read};
use std::path::{Component, Path, PathBuf};

use super::EntryKind;

/// What a file-system entry is, in words (`a named pipe (FIFO)`), for messages.
pub fn describe(file_type: &fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if file_type.is_fifo() {
            return "a named pipe (FIFO)";
        }
        if file_type.is_char_device() {
            return "a character device";
        }
        if file_type.is_block_device() {
            return "a block device";
        }
        if file_type.is_socket() {
            return "a socket";
        }
    }
    if file_type.is_symlink() {
        "a symbolic link"
    } else if file_type.is_dir() {
        "a folder"
    } else if file_type.is_file() {
        "a file"
    } else {
        "a special file"
    }
}

/// The registry walk's kind of an entry with this type (submodules aside).
pub fn kind_of(file_type: &fs::FileType) -> EntryKind {
    if file_type.is_symlink() {
        EntryKind::Symlink
    } else if file_type.is_dir() {
        EntryKind::Dir
    } else if file_type.is_file() {
        EntryKind::File
    } else {
        EntryKind::Other
    }
}

/// Why a file was not read.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    /// `at` (the file itself, or a folder on the way to it) is not what it must be: a
    /// symbolic link, or something other than a regular file.
    #[error("{}", refusal(path, at, what))]
    NotAFile {
        path: PathBuf,
        at: PathBuf,
        kind: EntryKind,
        what: &'static str,
    },
    #[error("{} is {size} bytes, over the limit of {limit} bytes", path.display())]
    TooLarge {
        path: PathBuf,
        size: u64,
        limit: u64,
    },
    #[error("{} does not exist", path.display())]
    Missing { path: PathBuf },
    #[error("could not read {}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
}

fn refusal(path: &Path, at: &Path, what: &str) -> String {
    if at == path {
        format!("{} is {what}, not a regular file", path.display())
    } else {
        format!(
            "{} is {what} (on the way to {}); stackreg does not follow links",
            at.display(),
            path.display()
        )
    }
}

impl ReadError {
    /// The finding the registry walk would report for this file (shown as `shown`), for
    /// refusals; `None` for a file that is missing or could not be read.
    pub fn finding(&self, shown: &str) -> Option<crate::diagnostic::Diagnostic> {
        use crate::diagnostic::{Code, Diagnostic};
        let code = |kind: &EntryKind| {
            if *kind == EntryKind::Symlink {
                Code::Symlink
            } else {
                Code::UnexpectedFile
            }
        };
        match self {
            ReadError::NotAFile {
                path,
                at,
                kind,
                what,
            } => {
                let message = if at == path {
                    format!("this is {what}, not a file; stackreg reads only regular files")
                } else {
                    format!(
                        "{} on the way to this file is {what}; stackreg does not follow links",
                        at.display()
                    )
                };
                let d = Diagnostic::error(shown, code(kind), message);
                Some(if *kind == EntryKind::Symlink {
                    d.with_hint(LINK_HINT)
                } else {
                    d
                })
            }
            ReadError::TooLarge { size, .. } => {
                Some(crate::model::validate::too_large(shown, *size))
            }
            ReadError::Missing { .. } | ReadError::Io { .. } => None,
        }
    }
}

/// Why a link is refused, and what to do instead.
pub const LINK_HINT: &str =
    "name the file itself: a link in a pull request could point anywhere on the machine";

/// Reads the regular file at `path`, refusing before reading anything a symbolic link, a
/// folder, a pipe, a device or a socket, and a file over `limit` bytes. The file is
/// opened without following links and without blocking, and checked again once open, so
/// that swapping it for something else between the check and the read is refused too.
/// Folders on the way to it are not checked: the registry walk lists them itself.
pub fn read_regular(path: &Path, limit: u64) -> Result<Vec<u8>, ReadError> {
    let io = |source: io::Error| {
        if source.kind() == io::ErrorKind::NotFound {
            ReadError::Missing {
                path: path.to_path_buf(),
            }
        } else {
            ReadError::Io {
                path: path.to_path_buf(),
                source,
            }
        }
    };
    let refuse = |file_type: &fs::FileType| ReadError::NotAFile {
        path: path.to_path_buf(),
        at: path.to_path_buf(),
        kind: kind_of(file_type),
        what: describe(file_type),
    };
    let meta = fs::symlink_metadata(path).map_err(io)?;
    if !meta.file_type().is_file() {
        return Err(refuse(&meta.file_type()));
    }
    let too_large = |size| ReadError::TooLarge {
        path: path.to_path_buf(),
        size,
        limit,
    };
    if meta.len() > limit {
        return Err(too_large(meta.len()));
    }
    let mut options = OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK);
    }
    let file = options.open(path).map_err(|e| {
        // O_NOFOLLOW on a link that appeared since the check.
        if e.raw_os_error() == Some(libc_eloop()) {
            ReadError::NotAFile {
                path: path.to_path_buf(),
                at: path.to_path_buf(),
                kind: EntryKind::Symlink,
                what: "a symbolic link",
            }
        } else {
            io(e)
        }
    })?;
    let opened = file.metadata().map_err(io)?;
    if !opened.file_type().is_file() || !same_file(&meta, &opened) {
        return Err(refuse(&opened.file_type()));
    }
    let mut buf = Vec::with_capacity(usize::try_from(opened.len().min(limit)).unwrap_or(0));
    file.take(limit.saturating_add(1))
        .read_to_end(&mut buf)
        .map_err(io)?;
    if buf.len() as u64 > limit {
        return Err(too_large(buf.len() as u64));
    }
    Ok(buf)
}

#[cfg(unix)]
fn libc_eloop() -> i32 {
    libc::ELOOP
}

#[cfg(not(unix))]
fn libc_eloop() -> i32 {
    -1
}

#[cfg(unix)]
fn same_file(a: &fs::Metadata, b: &fs::Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    a.dev() == b.dev() && a.ino() == b.ino()
}

#[cfg(not(unix))]
fn same_file(_: &fs::Metadata, _: &fs::Metadata) -> bool {
    true
}

/// Reads a file named on the command line (a manifest, a stack, a lock, an allowed
/// signers file) by the registry walk's rules: neither the file nor any folder on the
/// path to it may be a symbolic link, and it must be a regular file of at most `limit`
/// bytes (see `read_regular`).
///
/// Which folders are checked: those below the current directory when the path lies
/// inside it (as the relative paths CI passes do), else those below the top of the git
/// working tree that holds the file; the folders above are the user's own, not the
/// content of a pull request.
pub fn read_named(path: &Path, limit: u64) -> Result<Vec<u8>, ReadError> {
    check_folders(path)?;
    read_regular(path, limit)
}

/// Checks the folders on the way to `path` for symbolic links (see `read_named`).
pub fn check_folders(path: &Path) -> Result<(), ReadError> {
    let cwd = std::env::current_dir().ok();
    let absolute = match (&cwd, path.is_absolute()) {
        (Some(cwd), false) => cwd.join(path),
        _ => path.to_path_buf(),
    };
    let parts: Vec<Component<'_>> = absolute.components().collect();
    let trusted = trusted_prefix(&parts, cwd.as_deref());
    // Every folder below the trusted prefix, not the file itself (read_regular checks it).
    let mut prefix: PathBuf = parts.iter().take(trusted).collect();
    for part in parts
        .iter()
        .take(parts.len().saturating_sub(1))
        .skip(trusted)
    {
        prefix.push(part);
        if matches!(part, Component::CurDir | Component::ParentDir) {
            continue;
        }
        let Ok(meta) = fs::symlink_metadata(&prefix) else {
            return Ok(()); // missing: reading the file says so
        };
        if meta.file_type().is_symlink() {
            return Err(ReadError::NotAFile {
                path: path.to_path_buf(),
                at: shown_prefix(path, &prefix, cwd.as_deref()),
                kind: EntryKind::Symlink,
                what: "a symbolic link",
            });
        }
    }
    Ok(())
}

/// How many leading components of the absolute path `parts` are trusted (see
/// `read_named`).
fn trusted_prefix(parts: &[Component<'_>], cwd: Option<&Path>) -> usize {
    if let Some(cwd) = cwd {
        let base: Vec<Component<'_>> = cwd.components().collect();
        if parts.len() > base.len() && parts[..base.len()] == base[..] {
            let rest = &parts[base.len()..];
            // `../x` leaves the current directory.
            if !rest.iter().any(|c| matches!(c, Component::ParentDir)) {
                return base.len();
            }
        }
    }
    // The top of the outermost git working tree around the file.
    let mut prefix = PathBuf::new();
    for (i, part) in parts.iter().enumerate().take(parts.len().saturating_sub(1)) {
        if matches!(part, Component::ParentDir) {
            break;
        }
        prefix.push(part);
        if fs::symlink_metadata(prefix.join(".git")).is_ok() {
            return i + 1;
        }
    }
    parts.len().saturating_sub(1)
}

/// `prefix` (a folder on the way to `path`) as the user would recognise it: relative to
/// the current directory when `path` was given relative.
fn shown_prefix(path: &Path, prefix: &Path, cwd: Option<&Path>) -> PathBuf {
    if path.is_relative()
        && let Some(rel) = cwd.and_then(|cwd| prefix.strip_prefix(cwd).ok())
        && !rel.as_os_str().is_empty()
    {
        return rel.to_path_buf();
    }
    prefix.to_path_buf()
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

    #[cfg(unix)]
    #[test]
    fn reads_only_regular_files_within_the_cap() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("a.toml");
        fs::write(&file, b"id = \"a\"\n").unwrap();
        assert_eq!(read_regular(&file, 100).unwrap(), b"id = \"a\"\n");
        assert!(matches!(
            read_regular(&file, 4),
            Err(ReadError::TooLarge { size: 9, .. })
        ));
        let link = dir.path().join("link.toml");
        std::os::unix::fs::symlink(&file, &link).unwrap();
        assert!(matches!(
            read_regular(&link, 100),
            Err(ReadError::NotAFile {
                kind: EntryKind::Symlink,
                ..
            })
        ));
        let folder = dir.path().join("folder.toml");
        fs::create_dir(&folder).unwrap();
        assert!(matches!(
            read_regular(&folder, 100),
            Err(ReadError::NotAFile {
                kind: EntryKind::Dir,
                ..
            })
        ));
        if std::path::Path::new("/dev/zero").exists() {
            let e = read_regular(Path::new("/dev/zero"), 100).unwrap_err();
            assert_eq!(
                e.to_string(),
                "/dev/zero is a character device, not a regular file"
            );
        }
        assert!(matches!(
            read_regular(&dir.path().join("missing.toml"), 100),
            Err(ReadError::Missing { .. })
        ));
    }

    #[cfg(unix)]
    #[test]
    fn named_files_are_refused_behind_a_linked_folder() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("real");
        fs::create_dir(&real).unwrap();
        fs::write(real.join("a.toml"), b"x").unwrap();
        std::os::unix::fs::symlink(&real, dir.path().join("linked")).unwrap();
        // An absolute path outside the current directory and any repository: only the
        // file itself is checked.
        assert!(read_named(&dir.path().join("linked/a.toml"), 10).is_ok());
        // Inside a git working tree, the folders below its top are checked.
        fs::create_dir(dir.path().join(".git")).unwrap();
        let e = read_named(&dir.path().join("linked/a.toml"), 10).unwrap_err();
        match e {
            ReadError::NotAFile { at, kind, .. } => {
                assert_eq!(kind, EntryKind::Symlink);
                assert_eq!(at, dir.path().join("linked"));
            }
            other => panic!("{other}"),
        }
        assert!(read_named(&dir.path().join("real/a.toml"), 10).is_ok());
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
