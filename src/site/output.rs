//! Writing the site to its folder, without ever removing what stackreg did not write.
//!
//! Every file goes into a new folder next to the target first, which then takes the
//! target's place: a failed or interrupted run leaves the previous site as it was. The
//! previous site's marker lists the files it wrote; anything else in the folder (a
//! `CNAME`, notes, a folder of one's own) is carried into the new folder unchanged (hard
//! links, else copies), so it survives the swap. A folder that is not a site (no marker
//! that a site wrote) is refused unless the caller forces it, and then everything in it is
//! kept. Whatever the caller says, a folder is refused that holds or is inside the
//! registry being read, a stack file being shown, a git repository, or the current
//! directory.
//!
//! Runs on one folder are serialised by a lock on the folder around it, and temporary
//! folders that a killed run left (`.NAME.stackreg-new-…`, `.NAME.stackreg-old-…`) are
//! removed by the next run, or put back when the site itself was moved away.

use std::fs;
use std::path::{Path, PathBuf};

use super::marker::{self, Listing};
use super::{MARKER, Site};

/// Why the site could not be written.
#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    #[error("{} is not empty and was not written by `stackreg site`", path.display())]
    NotASite { path: PathBuf },
    #[error("{} exists and is not a folder", path.display())]
    NotAFolder { path: PathBuf },
    #[error("{} is a symbolic link", path.display())]
    Symlink { path: PathBuf },
    #[error("`{}` does not name a folder that can be replaced", path.display())]
    NoName { path: PathBuf },
    #[error("{} {what}; the site is never written there", path.display())]
    Protected { path: PathBuf, what: String },
    #[error(
        "{} is in the site folder but was not written by `stackreg site`, and the new site writes {}",
        path.display(),
        site_path
    )]
    InTheWay { path: PathBuf, site_path: String },
    #[error("{} is {what}, which cannot be kept across the swap", path.display())]
    CannotKeep { path: PathBuf, what: &'static str },
    #[error("could not write {}", path.display())]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> OutputError + '_ {
    move |source| OutputError::Write {
        path: path.to_path_buf(),
        source,
    }
}

/// What a site is never written over or into: the registry being read and the stack files
/// being shown (besides any git repository and the current directory).
#[derive(Debug, Clone, Default)]
pub struct Protected {
    /// (path, what it is for messages, whether a site inside it is refused too).
    paths: Vec<(PathBuf, String, bool)>,
}

impl Protected {
    /// Adds `path` (a folder or a file; ignored when it does not exist), described as
    /// `what` (`a stack file given with --stack`): a site may neither hold it nor be
    /// inside it.
    pub fn add(&mut self, path: &Path, what: impl Into<String>) {
        if let Ok(real) = path.canonicalize() {
            self.paths.push((real, what.into(), true));
        }
    }

    /// Adds the registry folder `root`: a site may not hold it, nor be inside what the
    /// registry is made of (`registry.toml` and its folders), but may sit beside them, as
    /// a site built in CI from a repository that is a registry does (`--out _site`).
    pub fn add_registry(&mut self, root: &Path, what: &str) {
        let Ok(real) = root.canonicalize() else {
            return;
        };
        for part in ["registry.toml", "interfaces", "components", "stacks"] {
            self.paths.push((real.join(part), what.to_owned(), true));
        }
        self.paths.push((real, what.to_owned(), false));
    }
}

/// The name parts of the temporary folders of a run on `name`.
fn temporary_prefix(name: &str, kind: &str) -> String {
    format!(".{name}.stackreg-{kind}-")
}

/// Replaces the site in `dir` with `site`. `force` allows writing into a non-empty folder
/// that `stackreg site` did not write (what is in it is kept).
pub fn write(
    dir: &Path,
    site: &Site,
    force: bool,
    protected: &Protected,
) -> Result<(), OutputError> {
    let abs = std::path::absolute(dir).map_err(io(dir))?;
    let (Some(name), Some(parent)) = (abs.file_name(), abs.parent()) else {
        return Err(OutputError::NoName {
            path: dir.to_path_buf(),
        });
    };
    let name = name.to_string_lossy().into_owned();
    let parent = parent.to_path_buf();
    check_place(dir, &abs, protected)?;
    fs::create_dir_all(&parent).map_err(io(&parent))?;
    with_folder_lock(&parent, || {
        clear_interrupted(&parent, &name, &abs);
        write_locked(dir, &abs, &parent, &name, site, force)
    })
}

/// Refuses targets that hold or are inside what must never be replaced.
fn check_place(dir: &Path, abs: &Path, protected: &Protected) -> Result<(), OutputError> {
    let refuse = |what: String| OutputError::Protected {
        path: dir.to_path_buf(),
        what,
    };
    if abs.components().any(|c| c.as_os_str() == ".git") {
        return Err(refuse("is inside a git folder".into()));
    }
    let real = real_path(abs);
    for (p, what, not_inside) in &protected.paths {
        if p.starts_with(&real) {
            return Err(refuse(format!("holds {what} ({})", p.display())));
        }
        if *not_inside && real.starts_with(p) {
            return Err(refuse(format!("is inside {what} ({})", p.display())));
        }
    }
    if let Ok(cwd) = std::env::current_dir().and_then(|c| c.canonicalize())
        && cwd.starts_with(&real)
    {
        return Err(refuse(
            "is the current directory or holds it; name a folder inside it, such as `public`"
                .into(),
        ));
    }
    Ok(())
}

/// `abs` with its existing part resolved (the rest appended as it is).
fn real_path(abs: &Path) -> PathBuf {
    let mut rest = Vec::new();
    let mut at = abs;
    loop {
        if let Ok(real) = at.canonicalize() {
            return rest.iter().rev().fold(real, |p, part| p.join(part));
        }
        match (at.file_name(), at.parent()) {
            (Some(n), Some(p)) => {
                rest.push(n.to_owned());
                at = p;
            }
            _ => return abs.to_path_buf(),
        }
    }
}

/// Runs `body` holding an exclusive lock on the folder `dir` (where locks on folders
/// exist), so that two runs writing the same site take turns.
fn with_folder_lock<T>(
    dir: &Path,
    body: impl FnOnce() -> Result<T, OutputError>,
) -> Result<T, OutputError> {
    #[cfg(unix)]
    {
        let folder = fs::File::open(dir).map_err(io(dir))?;
        let mut lock = fd_lock::RwLock::new(folder);
        let _guard = lock.write().map_err(io(dir))?;
        body()
    }
    #[cfg(not(unix))]
    {
        body()
    }
}

/// Removes the temporary folders a killed run on `name` left in `parent` (only called
/// under the folder lock, so no run is using them). When the site itself is missing
/// because the run was killed between moving it aside and putting the new one in place,
/// the previous site is put back first.
fn clear_interrupted(parent: &Path, name: &str, abs: &Path) {
    let Ok(entries) = fs::read_dir(parent) else {
        return;
    };
    let (new, old) = (temporary_prefix(name, "new"), temporary_prefix(name, "old"));
    let mut leftovers: Vec<(PathBuf, bool)> = entries
        .flatten()
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .filter_map(|e| {
            let n = e.file_name().to_string_lossy().into_owned();
            if n.starts_with(&old) {
                Some((e.path(), true))
            } else if n.starts_with(&new) {
                Some((e.path(), false))
            } else {
                None
            }
        })
        .collect();
    // Put a moved-away site back before anything is removed.
    leftovers.sort_by_key(|(_, is_old)| !is_old);
    for (path, is_old) in leftovers {
        let previous = path.join("previous");
        if is_old && fs::symlink_metadata(abs).is_err() && previous.is_dir() {
            let _ = fs::rename(&previous, abs);
        }
        let _ = fs::remove_dir_all(&path);
    }
}

fn write_locked(
    dir: &Path,
    abs: &Path,
    parent: &Path,
    name: &str,
    site: &Site,
    force: bool,
) -> Result<(), OutputError> {
    let exists = match fs::symlink_metadata(abs) {
        Ok(m) if m.file_type().is_symlink() => {
            return Err(OutputError::Symlink {
                path: dir.to_path_buf(),
            });
        }
        Ok(m) if !m.is_dir() => {
            return Err(OutputError::NotAFolder {
                path: dir.to_path_buf(),
            });
        }
        Ok(_) => true,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => false,
        Err(e) => return Err(io(dir)(e)),
    };
    let keep = if exists {
        let listing = match read_listing(abs) {
            Some(listing) => listing,
            None if force => Listing::Files(Default::default()),
            None if fs::read_dir(abs).map_err(io(dir))?.next().is_none() => {
                Listing::Files(Default::default())
            }
            None => {
                return Err(OutputError::NotASite {
                    path: dir.to_path_buf(),
                });
            }
        };
        let keep = not_written(dir, abs, &listing, site)?;
        check_keep(dir, &keep, site)?;
        keep
    } else {
        Vec::new()
    };

    let fresh = tempfile::Builder::new()
        .prefix(&temporary_prefix(name, "new"))
        .tempdir_in(parent)
        .map_err(io(parent))?;
    for (rel, bytes) in &site.files {
        let path = fresh.path().join(rel);
        if let Some(folder) = path.parent() {
            fs::create_dir_all(folder).map_err(io(folder))?;
        }
        fs::write(&path, bytes).map_err(io(&path))?;
    }
    for kept in &keep {
        carry(&abs.join(&kept.rel), &fresh.path().join(&kept.rel), kept)?;
    }
    readable(fresh.path()).map_err(io(fresh.path()))?;

    if !exists {
        let fresh = fresh.keep();
        return fs::rename(&fresh, abs).map_err(|e| {
            let _ = fs::remove_dir_all(&fresh);
            io(dir)(e)
        });
    }
    // Move the old site aside (inside a folder of our own), put the new one in its place,
    // then delete the old one: what it held that the site did not write is in the new
    // one by now.
    let aside = tempfile::Builder::new()
        .prefix(&temporary_prefix(name, "old"))
        .tempdir_in(parent)
        .map_err(io(parent))?;
    let old = aside.path().join("previous");
    fs::rename(abs, &old).map_err(io(dir))?;
    let fresh_path = fresh.keep();
    if let Err(e) = fs::rename(&fresh_path, abs) {
        let _ = fs::rename(&old, abs);
        let _ = fs::remove_dir_all(&fresh_path);
        return Err(io(dir)(e));
    }
    drop(aside);
    Ok(())
}

/// The listing in the folder's marker, when a site wrote it.
fn read_listing(abs: &Path) -> Option<Listing> {
    let bytes = crate::source::files::read_regular(&abs.join(MARKER), 16 * 1024 * 1024).ok()?;
    marker::parse(std::str::from_utf8(&bytes).ok()?)
}

/// Something in the site folder that the site did not write.
#[derive(Debug)]
struct Kept {
    /// From the folder's root, `/`-separated.
    rel: String,
    kind: KeptKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum KeptKind {
    File,
    Link,
    /// A folder that holds nothing the site wrote (kept whole, with what is in it).
    Folder,
}

/// Everything in the folder at `abs` that `listing` does not list, without following
/// links: files, links, and folders that neither the earlier site nor the new one writes
/// into. Refuses a git repository anywhere in it, and what cannot be carried (pipes,
/// devices, sockets).
fn not_written(
    dir: &Path,
    abs: &Path,
    listing: &Listing,
    site: &Site,
) -> Result<Vec<Kept>, OutputError> {
    let under = |folder: &str, path: &str| {
        path.strip_prefix(folder)
            .is_some_and(|rest| rest.starts_with('/'))
    };
    let mut out = Vec::new();
    let mut stack: Vec<(PathBuf, String)> = vec![(abs.to_path_buf(), String::new())];
    while let Some((folder, rel)) = stack.pop() {
        let entries = fs::read_dir(&folder).map_err(io(&folder))?;
        for entry in entries {
            let entry = entry.map_err(io(&folder))?;
            let name = entry.file_name().to_string_lossy().into_owned();
            let child = if rel.is_empty() {
                name.clone()
            } else {
                format!("{rel}/{name}")
            };
            let path = entry.path();
            if name == ".git" {
                return Err(OutputError::Protected {
                    path: dir.to_path_buf(),
                    what: format!("holds a git repository ({})", path.display()),
                });
            }
            let file_type = entry.file_type().map_err(io(&path))?;
            if child == MARKER {
                continue;
            }
            if file_type.is_dir() {
                let holds_site = site.files.keys().any(|f| under(&child, f))
                    || match listing {
                        Listing::Everything => true,
                        Listing::Files(files) => files.iter().any(|f| under(&child, f)),
                    };
                if holds_site {
                    stack.push((path, child));
                } else {
                    refuse_git_inside(dir, &path)?;
                    out.push(Kept {
                        rel: child,
                        kind: KeptKind::Folder,
                    });
                }
                continue;
            }
            if listing.has(&child) {
                continue;
            }
            let kind = if file_type.is_symlink() {
                KeptKind::Link
            } else if file_type.is_file() {
                KeptKind::File
            } else {
                return Err(OutputError::CannotKeep {
                    path,
                    what: crate::source::files::describe(&file_type),
                });
            };
            out.push(Kept { rel: child, kind });
        }
    }
    out.sort_by(|a, b| a.rel.cmp(&b.rel));
    Ok(out)
}

/// Refuses a git repository, a pipe, a device or a socket anywhere under `folder` (which
/// is kept whole).
fn refuse_git_inside(dir: &Path, folder: &Path) -> Result<(), OutputError> {
    let mut stack = vec![folder.to_path_buf()];
    while let Some(f) = stack.pop() {
        for entry in fs::read_dir(&f).map_err(io(&f))? {
            let entry = entry.map_err(io(&f))?;
            let path = entry.path();
            if entry.file_name() == ".git" {
                return Err(OutputError::Protected {
                    path: dir.to_path_buf(),
                    what: format!("holds a git repository ({})", path.display()),
                });
            }
            let t = entry.file_type().map_err(io(&path))?;
            if t.is_dir() {
                stack.push(path);
            } else if !t.is_file() && !t.is_symlink() {
                return Err(OutputError::CannotKeep {
                    path,
                    what: crate::source::files::describe(&t),
                });
            }
        }
    }
    Ok(())
}

/// Refuses to go on when something kept stands where the new site writes: the same path,
/// or a file or link where the site needs a folder.
fn check_keep(dir: &Path, keep: &[Kept], site: &Site) -> Result<(), OutputError> {
    for k in keep {
        let clash = site
            .files
            .keys()
            .find(|f| *f == &k.rel || f.strip_prefix(&k.rel).is_some_and(|r| r.starts_with('/')));
        if let Some(site_path) = clash {
            return Err(OutputError::InTheWay {
                path: dir.join(&k.rel),
                site_path: site_path.clone(),
            });
        }
    }
    Ok(())
}

/// Puts what was kept at `from` into the new site at `to`: a hard link to the same file
/// (else a copy), the same link, or the same folder with its contents.
fn carry(from: &Path, to: &Path, kept: &Kept) -> Result<(), OutputError> {
    if let Some(folder) = to.parent() {
        fs::create_dir_all(folder).map_err(io(folder))?;
    }
    match kept.kind {
        KeptKind::File => {
            if fs::hard_link(from, to).is_err() {
                fs::copy(from, to).map_err(io(from))?;
            }
        }
        KeptKind::Link => {
            let target = fs::read_link(from).map_err(io(from))?;
            make_link(&target, to).map_err(io(to))?;
        }
        KeptKind::Folder => {
            fs::create_dir(to).map_err(io(to))?;
            let permissions = fs::symlink_metadata(from).map_err(io(from))?.permissions();
            for entry in fs::read_dir(from).map_err(io(from))? {
                let entry = entry.map_err(io(from))?;
                let t = entry.file_type().map_err(io(&entry.path()))?;
                let kind = if t.is_dir() {
                    KeptKind::Folder
                } else if t.is_symlink() {
                    KeptKind::Link
                } else {
                    KeptKind::File
                };
                let inner = Kept {
                    rel: String::new(),
                    kind,
                };
                carry(&entry.path(), &to.join(entry.file_name()), &inner)?;
            }
            fs::set_permissions(to, permissions).map_err(io(to))?;
        }
    }
    Ok(())
}

#[cfg(unix)]
fn make_link(target: &Path, link: &Path) -> std::io::Result<()> {
    std::os::unix::fs::symlink(target, link)
}

#[cfg(not(unix))]
fn make_link(target: &Path, link: &Path) -> std::io::Result<()> {
    std::os::windows::fs::symlink_file(target, link)
}

/// Temporary folders are private to their owner; a site is for publishing.
#[cfg(unix)]
fn readable(path: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(path, fs::Permissions::from_mode(0o755))
}

#[cfg(not(unix))]
fn readable(_: &Path) -> std::io::Result<()> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn site(pages: &[(&str, &str)]) -> Site {
        let mut files: BTreeMap<String, Vec<u8>> = pages
            .iter()
            .map(|(k, v)| ((*k).to_owned(), v.as_bytes().to_vec()))
            .collect();
        let listing = marker::text(files.keys().map(String::as_str));
        files.insert(MARKER.into(), listing.into_bytes());
        Site { files }
    }

    fn none() -> Protected {
        Protected::default()
    }

    #[test]
    fn replaces_an_earlier_site_and_nothing_else() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("site");
        let neighbour = tmp.path().join("keep.txt");
        fs::write(&neighbour, "mine").unwrap();
        write(
            &out,
            &site(&[("index.html", "one"), ("a/b.html", "x")]),
            false,
            &none(),
        )
        .unwrap();
        fs::write(out.join("CNAME"), "example.org").unwrap();
        fs::create_dir_all(out.join("a/notes")).unwrap();
        fs::write(out.join("a/notes/n.txt"), "note").unwrap();
        write(&out, &site(&[("index.html", "two")]), false, &none()).unwrap();
        assert_eq!(fs::read_to_string(out.join("index.html")).unwrap(), "two");
        assert!(!out.join("a/b.html").exists(), "a page no longer written");
        assert_eq!(
            fs::read_to_string(out.join("CNAME")).unwrap(),
            "example.org"
        );
        assert_eq!(
            fs::read_to_string(out.join("a/notes/n.txt")).unwrap(),
            "note"
        );
        assert_eq!(fs::read_to_string(&neighbour).unwrap(), "mine");
        let names: Vec<String> = fs::read_dir(tmp.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names.len(), 2, "no temporary folders are left: {names:?}");
    }

    #[test]
    fn refuses_a_folder_it_did_not_make() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("out");
        fs::create_dir(&out).unwrap();
        fs::write(out.join("thesis.tex"), "precious").unwrap();
        // A marker proves nothing by existing.
        fs::write(out.join(MARKER), "").unwrap();
        let err = write(&out, &site(&[("index.html", "x")]), false, &none()).unwrap_err();
        assert!(matches!(err, OutputError::NotASite { .. }), "{err}");
        // Forced, what was there is kept.
        write(&out, &site(&[("index.html", "x")]), true, &none()).unwrap();
        assert_eq!(
            fs::read_to_string(out.join("thesis.tex")).unwrap(),
            "precious"
        );
        // An empty folder is fine.
        let empty = tmp.path().join("empty");
        fs::create_dir(&empty).unwrap();
        write(&empty, &site(&[("index.html", "x")]), false, &none()).unwrap();
        assert!(empty.join("index.html").exists());
    }

    #[test]
    fn refuses_files_symlinks_and_nameless_paths() {
        let tmp = tempfile::tempdir().unwrap();
        let file = tmp.path().join("file");
        fs::write(&file, "x").unwrap();
        assert!(matches!(
            write(&file, &site(&[]), true, &none()),
            Err(OutputError::NotAFolder { .. })
        ));
        #[cfg(unix)]
        {
            let link = tmp.path().join("link");
            std::os::unix::fs::symlink(tmp.path(), &link).unwrap();
            assert!(matches!(
                write(&link, &site(&[]), true, &none()),
                Err(OutputError::Symlink { .. })
            ));
        }
        assert!(matches!(
            write(&tmp.path().join(".."), &site(&[]), true, &none()),
            Err(OutputError::NoName { .. })
        ));
    }
}
