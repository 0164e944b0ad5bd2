//! `import publiccode`: read publiccode.yml files and URLs, draft component manifests,
//! check each draft as `validate` would, and write them into a registry folder without
//! overwriting anything.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::diagnostic::{Code, Diagnostic};
use crate::error::Error;
use crate::interop::publiccode::Imported;
use crate::interop::publiccode::read;
use crate::model::Registry;
use crate::model::validate::{self as check, MAX_FILE_SIZE};
use crate::source::http;

/// What the command line asked for.
#[derive(Debug, Clone, Default)]
pub struct Request {
    /// Files and https URLs.
    pub inputs: Vec<String>,
    pub id: Option<String>,
    pub capabilities: Vec<String>,
    pub offline: bool,
}

/// `import publiccode`: drafts a manifest from each input, matching dependencies against
/// the registry the manifests are for (the `out` folder when it is one, else the usual
/// one, if any), and writes them into `out` when given.
pub fn import(
    session: &super::Session<'_>,
    request: &Request,
    out: Option<&Path>,
) -> Result<(Vec<Imported>, Vec<PathBuf>), Error> {
    let out_registry = out.filter(|d| d.join("registry.toml").is_file());
    let loaded = match (out_registry, &session.settings.registry) {
        (Some(dir), None) => Some(session.load_dir(dir)?),
        _ => match session.load(None, false) {
            Ok(l) => Some(l),
            Err(Error::RegistryNotFound(_)) => {
                session.note("no registry found: dependsOn entries are not matched to components");
                None
            }
            Err(e) => return Err(e),
        },
    };
    let imported = drafts(request, loaded.as_ref().map(|l| &l.registry))?;
    let written = match out {
        Some(dir) => write(dir, &imported)?,
        None => Vec::new(),
    };
    Ok((imported, written))
}

/// Drafts a manifest from each input, in order. A file that cannot be drafted stops the
/// command with its location; so does a draft that `validate` would not accept.
pub fn drafts(request: &Request, registry: Option<&Registry>) -> Result<Vec<Imported>, Error> {
    if request.id.is_some() && request.inputs.len() > 1 {
        return Err(Error::Usage(
            "--id names one component: give one file or URL with it".into(),
        ));
    }
    let mut capabilities = Vec::new();
    for cap in &request.capabilities {
        match crate::model::Id::parse(cap) {
            Ok(_) => capabilities.push(cap.clone()),
            Err(e) => return Err(Error::Usage(format!("--capability {cap}: {e}"))),
        }
    }
    if let Some(id) = &request.id
        && let Err(e) = crate::model::Id::parse(id)
    {
        return Err(Error::Usage(format!("--id {id}: {e}")));
    }
    let options = read::Options {
        registry,
        id: request.id.as_deref(),
        capabilities: &capabilities,
    };
    let mut out: Vec<Imported> = Vec::new();
    for input in &request.inputs {
        let (shown, text) = read_input(input, request.offline)?;
        let draft = read::draft(&text, &options).map_err(|e| {
            let mut d = Diagnostic::error(shown.clone(), Code::InvalidValue, e.message);
            d.line = e.at.line.and_then(|l| u32::try_from(l).ok());
            d.column = e.at.column.and_then(|c| u32::try_from(c).ok());
            d.hint = e.hint;
            Error::File(Box::new(d))
        })?;
        if let Some(other) = out.iter().find(|o| o.draft.id == draft.id) {
            return Err(Error::Usage(format!(
                "{} and {} both draft the component `{}`",
                other.source, shown, draft.id
            )));
        }
        let path = format!("components/{}.toml", draft.id);
        let toml = read::to_toml(&draft, &shown);
        check_draft(registry, &path, &draft.id, &toml)?;
        let exists_in_registry = registry.is_some_and(|r| {
            r.components
                .keys()
                .any(|k| k.as_str().eq_ignore_ascii_case(&draft.id))
        });
        out.push(Imported {
            source: shown,
            draft,
            toml,
            path,
            exists_in_registry,
        });
    }
    Ok(out)
}

/// The text of a file or URL, checked for size and encoding.
fn read_input(input: &str, offline: bool) -> Result<(String, String), Error> {
    let (shown, bytes) = if http::is_url(input) {
        let shown = crate::source::remote::redact(input);
        let bytes = http::fetch(input, http::Limits::from_env()?, offline)?;
        (shown, bytes)
    } else {
        let path = PathBuf::from(input);
        let meta = std::fs::metadata(&path).map_err(|source| Error::Read {
            path: path.clone(),
            source,
        })?;
        if !meta.is_file() {
            return Err(Error::Usage(format!("{input} is not a file")));
        }
        if meta.len() > MAX_FILE_SIZE {
            return Err(Error::File(Box::new(check::too_large(input, meta.len()))));
        }
        let bytes = std::fs::read(&path).map_err(|source| Error::Read { path, source })?;
        (input.to_owned(), bytes)
    };
    let text = check::decode(&shown, &bytes).map_err(Error::File)?;
    Ok((shown, text.to_owned()))
}

/// Refuses a draft that `validate` would not accept (a bug, or text in the file that no
/// manifest may hold, such as control characters).
fn check_draft(registry: Option<&Registry>, path: &str, id: &str, toml: &str) -> Result<(), Error> {
    let parsed = check::component(path, Some(id), toml);
    let mut findings: Vec<Diagnostic> = parsed.diagnostics;
    if let (Some(registry), Some(component)) = (registry, &parsed.value) {
        findings.extend(crate::catalog::validate::check_component_refs(
            registry, component, path,
        ));
    }
    match findings.into_iter().find(Diagnostic::is_error) {
        Some(mut d) => {
            d.message = format!("the drafted manifest would not validate: {}", d.message);
            Err(Error::File(Box::new(d)))
        }
        None => Ok(()),
    }
}

/// Writes each draft to `dir/components/<id>.toml`. Refuses, before writing anything, when
/// any of those files exists; each file is written whole or not at all.
pub fn write(dir: &Path, imported: &[Imported]) -> Result<Vec<PathBuf>, Error> {
    if !dir.is_dir() {
        return Err(Error::Usage(format!(
            "--out {}: no such folder",
            dir.display()
        )));
    }
    let targets: BTreeMap<PathBuf, &Imported> =
        imported.iter().map(|i| (dir.join(&i.path), i)).collect();
    let existing: Vec<String> = targets
        .keys()
        .filter(|p| p.exists() || p.symlink_metadata().is_ok())
        .map(|p| p.display().to_string())
        .collect();
    if !existing.is_empty() {
        return Err(Error::Refused {
            what: format!(
                "{} already exist{}",
                existing.join(", "),
                if existing.len() == 1 { "s" } else { "" }
            ),
            hint: "import never overwrites a manifest: remove it, or write elsewhere with --out"
                .into(),
        });
    }
    let components = dir.join("components");
    std::fs::create_dir_all(&components).map_err(|source| Error::Write {
        path: components.clone(),
        source,
    })?;
    let mut written = Vec::new();
    for (path, i) in &targets {
        write_new(path, i.toml.as_bytes()).map_err(|source| Error::Write {
            path: path.clone(),
            source,
        })?;
        written.push(path.clone());
    }
    Ok(written)
}

/// Writes `bytes` to a new file at `path` in one step, failing if `path` exists by then.
fn write_new(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut tmp = tempfile::Builder::new()
        .prefix(".stackreg-import-")
        .suffix(".tmp")
        .tempfile_in(dir)?;
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    tmp.persist_noclobber(path).map_err(|e| e.error)?;
    Ok(())
}
