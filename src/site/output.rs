//! Writing the site to its folder. Every file goes into a new folder next to it first,
//! which then takes the folder's place: a failed run leaves the previous site as it was,
//! and nothing outside the folder is ever deleted. A folder that holds anything else than
//! an earlier site is refused unless the caller forces it.

use std::path::{Path, PathBuf};

use super::{MARKER, Site};

/// Why the site could not be written.
#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    #[error("{} is not empty and was not made by `stackreg site`", path.display())]
    NotASite { path: PathBuf },
    #[error("{} exists and is not a folder", path.display())]
    NotAFolder { path: PathBuf },
    #[error("{} is a symbolic link", path.display())]
    Symlink { path: PathBuf },
    #[error("`{}` does not name a folder that can be replaced", path.display())]
    NoName { path: PathBuf },
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

/// Replaces the contents of `dir` with `site`. `force` allows replacing a non-empty
/// folder that `stackreg site` did not make.
pub fn write(dir: &Path, site: &Site, force: bool) -> Result<(), OutputError> {
    let abs = std::path::absolute(dir).map_err(io(dir))?;
    let (Some(name), Some(parent)) = (abs.file_name(), abs.parent()) else {
        return Err(OutputError::NoName {
            path: dir.to_path_buf(),
        });
    };
    let name = name.to_string_lossy().into_owned();
    let exists = match std::fs::symlink_metadata(&abs) {
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
    if exists && !force {
        let marked = std::fs::symlink_metadata(abs.join(MARKER)).is_ok_and(|m| m.is_file());
        let empty = std::fs::read_dir(&abs).map_err(io(dir))?.next().is_none();
        if !marked && !empty {
            return Err(OutputError::NotASite {
                path: dir.to_path_buf(),
            });
        }
    }
    std::fs::create_dir_all(parent).map_err(io(parent))?;

    let fresh = tempfile::Builder::new()
        .prefix(&format!(".{name}.stackreg-new-"))
        .tempdir_in(parent)
        .map_err(io(parent))?;
    for (rel, bytes) in &site.files {
        let path = fresh.path().join(rel);
        if let Some(folder) = path.parent() {
            std::fs::create_dir_all(folder).map_err(io(folder))?;
        }
        std::fs::write(&path, bytes).map_err(io(&path))?;
    }
    readable(fresh.path()).map_err(io(fresh.path()))?;

    if !exists {
        let fresh = fresh.keep();
        return std::fs::rename(&fresh, &abs).map_err(|e| {
            let _ = std::fs::remove_dir_all(&fresh);
            io(dir)(e)
        });
    }
    // Move the old site aside (inside a folder of our own), put the new one in its place,
    // then delete the old one.
    let aside = tempfile::Builder::new()
        .prefix(&format!(".{name}.stackreg-old-"))
        .tempdir_in(parent)
        .map_err(io(parent))?;
    let old = aside.path().join("previous");
    std::fs::rename(&abs, &old).map_err(io(dir))?;
    let fresh_path = fresh.keep();
    if let Err(e) = std::fs::rename(&fresh_path, &abs) {
        let _ = std::fs::rename(&old, &abs);
        let _ = std::fs::remove_dir_all(&fresh_path);
        return Err(io(dir)(e));
    }
    drop(aside);
    Ok(())
}

/// Temporary folders are private to their owner; a site is for publishing.
#[cfg(unix)]
fn readable(path: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755))
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
        files.insert(MARKER.into(), b"made by stackreg site\n".to_vec());
        Site { files }
    }

    #[test]
    fn replaces_an_earlier_site_and_nothing_else() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("site");
        let neighbour = tmp.path().join("keep.txt");
        std::fs::write(&neighbour, "mine").unwrap();
        write(
            &out,
            &site(&[("index.html", "one"), ("a/b.html", "x")]),
            false,
        )
        .unwrap();
        write(&out, &site(&[("index.html", "two")]), false).unwrap();
        assert_eq!(
            std::fs::read_to_string(out.join("index.html")).unwrap(),
            "two"
        );
        assert!(
            !out.join("a").exists(),
            "files of the earlier site are gone"
        );
        assert_eq!(std::fs::read_to_string(&neighbour).unwrap(), "mine");
        let names: Vec<String> = std::fs::read_dir(tmp.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names.len(), 2, "no temporary folders are left: {names:?}");
    }

    #[test]
    fn refuses_a_folder_it_did_not_make() {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::write(tmp.path().join("thesis.tex"), "precious").unwrap();
        let err = write(tmp.path(), &site(&[("index.html", "x")]), false).unwrap_err();
        assert!(matches!(err, OutputError::NotASite { .. }), "{err}");
        assert!(tmp.path().join("thesis.tex").exists());
        // An empty folder is fine.
        let empty = tmp.path().join("empty");
        std::fs::create_dir(&empty).unwrap();
        write(&empty, &site(&[("index.html", "x")]), false).unwrap();
        assert!(empty.join("index.html").exists());
    }

    #[test]
    fn refuses_files_symlinks_and_nameless_paths() {
        let tmp = tempfile::tempdir().unwrap();
        let file = tmp.path().join("file");
        std::fs::write(&file, "x").unwrap();
        assert!(matches!(
            write(&file, &site(&[]), true),
            Err(OutputError::NotAFolder { .. })
        ));
        #[cfg(unix)]
        {
            let link = tmp.path().join("link");
            std::os::unix::fs::symlink(tmp.path(), &link).unwrap();
            assert!(matches!(
                write(&link, &site(&[]), true),
                Err(OutputError::Symlink { .. })
            ));
        }
        assert!(matches!(
            write(&tmp.path().join(".."), &site(&[]), true),
            Err(OutputError::NoName { .. })
        ));
    }
}
