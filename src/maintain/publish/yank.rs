//! `registry yank`: setting or removing `yanked` on one release, editing the manifest's
//! text in place so that everything else in it stays as written.

use super::*;

/// Sets or removes `yanked` on one release of a component manifest, keeping the rest of
/// the file (comments, order, spacing) exactly as it was. Returns `None` when the release
/// is already in that state.
pub fn set_yanked(
    path: &str,
    text: &str,
    version: &semver::Version,
    reason: Option<&str>,
) -> Result<Option<String>, PublishError> {
    let mut doc: toml_edit::DocumentMut = text.parse().map_err(|source| PublishError::Edit {
        path: path.to_owned(),
        source,
    })?;
    let releases = doc
        .get_mut("release")
        .and_then(toml_edit::Item::as_array_of_tables_mut);
    let Some(releases) = releases else {
        return Ok(None);
    };
    let Some(release) = releases.iter_mut().find(|t| {
        t.get("version")
            .and_then(toml_edit::Item::as_str)
            .and_then(|v| semver::Version::parse(v).ok())
            .is_some_and(|v| &v == version)
    }) else {
        return Ok(None);
    };
    let current = release.get("yanked").and_then(toml_edit::Item::as_str);
    if current == reason {
        return Ok(None);
    }
    match reason {
        Some(r) => {
            release.insert("yanked", toml_edit::value(r));
        }
        None => {
            release.remove("yanked");
        }
    }
    Ok(Some(doc.to_string()))
}

/// The text of `components/<id>.toml` at `HEAD`, with the release's `yanked` set or
/// removed; `None` when nothing would change.
pub fn yank(
    head: &GitSource,
    id: &str,
    version: &semver::Version,
    reason: Option<&str>,
) -> Result<Option<Proposed>, PublishError> {
    let registry = crate::catalog::load(head)?;
    let Some(component) = registry.registry.components.get(id) else {
        return Err(PublishError::UnknownComponent {
            id: id.to_owned(),
            suggestion: validate::suggest(
                id,
                registry
                    .registry
                    .components
                    .keys()
                    .map(crate::model::Id::as_str),
            )
            .map(str::to_owned),
        });
    };
    if component.release(version).is_none() {
        return Err(PublishError::UnknownRelease {
            id: id.to_owned(),
            version: version.to_string(),
        });
    }
    let path = registry.origins.component(&component.id);
    let bytes = head
        .read(&path, crate::model::validate::MAX_FILE_SIZE)
        .map_err(|e| PublishError::Git {
            doing: format!("reading {path}"),
            source: GitCause(git2::Error::from_str(&crate::causes::chain(&e))),
        })?;
    let text = String::from_utf8_lossy(&bytes).into_owned();
    Ok(set_yanked(&path, &text, version, reason)?.map(|text| Proposed { path, text }))
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: &str = "# FixMyStreet\nid = \"x\"\n\n[[release]]\nversion = \"1.0.0\"  # first\nreleased = 2024-01-01\n\n[[release]]\nversion = \"2.0.0\"\nreleased = 2025-01-01\n";

    #[test]
    fn yank_edits_only_that_release() {
        let v = semver::Version::new(1, 0, 0);
        let out = set_yanked("c.toml", FILE, &v, Some("security fix in 1.0.1"))
            .unwrap()
            .unwrap();
        assert_eq!(
            out,
            FILE.replace(
                "released = 2024-01-01\n",
                "released = 2024-01-01\nyanked = \"security fix in 1.0.1\"\n"
            )
        );
        // Yanking again with the same reason changes nothing; undo restores the file.
        assert!(
            set_yanked("c.toml", &out, &v, Some("security fix in 1.0.1"))
                .unwrap()
                .is_none()
        );
        assert_eq!(set_yanked("c.toml", &out, &v, None).unwrap().unwrap(), FILE);
    }
}
