//! `validate [FILE…] [--base REV]`: the whole registry (every file, the cross-checks,
//! reference stacks that must resolve and their lock files, and with `--base` the
//! immutability of published releases), or only the files named.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::Session;
use crate::catalog::{self, cache::IndexCache, validate as cross};
use crate::diagnostic::{self, Code, Diagnostic};
use crate::error::Error;
use crate::model::validate::{self as check, MAX_FILE_SIZE};
use crate::model::{Loaded, Origins, Registry};
use crate::report::validation::ValidationReport;
use crate::resolve::{Options, ResolveError};
use crate::source::{self, Source, discover, files};

/// Validates the registry, or (when `files` is not empty) the files named, as the
/// registry walk sees them; `base` is the revision published releases are checked
/// against.
pub fn validate(
    session: &Session<'_>,
    files: &[PathBuf],
    base: Option<&str>,
) -> Result<ValidationReport, Error> {
    let source = session.open(None)?;
    let base = match base {
        Some(rev) => {
            let base_source = session.open_at(None, Some(rev))?;
            let cache = session.index_cache();
            let base =
                catalog::load_cached(base_source.as_ref(), cache.as_ref(), |_, _, _| Vec::new())?;
            Some(base.registry)
        }
        None => None,
    };
    let loaded = load_checked(
        source.as_ref(),
        session.index_cache().as_ref(),
        base.as_ref(),
        &session.options(),
    )?;
    if loaded.from_cache {
        session.status("registry: read from the index cache");
    }
    let repo_prefix = match &loaded.registry.source.path_in_repo {
        Some(p) if !p.is_empty() => format!("{p}/"),
        _ => String::new(),
    };
    if files.is_empty() {
        return Ok(ValidationReport::new(
            loaded.checked,
            loaded.diagnostics,
            loaded.sources,
            repo_prefix,
        ));
    }
    named_files(source.as_ref(), &loaded, files, repo_prefix)
}

/// The registry loaded with every check: immutability against `base`, and (when it has
/// no errors, which resolving would only add noise to) its reference stacks and their
/// locks. A check that gives up stops the command.
fn load_checked(
    source: &dyn Source,
    cache: Option<&IndexCache>,
    base: Option<&Registry>,
    options: &Options,
) -> Result<Loaded, Error> {
    let mut gave_up = None;
    let loaded = catalog::load_cached(source, cache, |head, origins, found| {
        let mut more = match base {
            Some(base) => cross::immutability(base, head, origins, |file| {
                source.entry(file).is_ok_and(|e| e.is_some())
            }),
            None => Vec::new(),
        };
        if !found.iter().any(Diagnostic::is_error) {
            match crate::resolve::check_reference_stacks(head, origins, options) {
                Ok(found) => more.extend(found),
                Err(e) => gave_up = Some(e),
            }
            match reference_locks(source, head, origins, options) {
                Ok(found) => more.extend(found),
                Err(e) => gave_up = gave_up.take().or(Some(e)),
            }
        }
        more
    })?;
    match gave_up {
        Some(e) => Err(e.into()),
        None => Ok(loaded),
    }
}

/// The findings about the files named on the command line: a file in the registry as
/// the walk found it, a file outside it checked on its own against the registry.
fn named_files(
    source: &dyn Source,
    loaded: &Loaded,
    files: &[PathBuf],
    repo_prefix: String,
) -> Result<ValidationReport, Error> {
    let root = source.local_root();
    let mut diagnostics = Vec::new();
    let mut sources = BTreeMap::new();
    let mut outside = false;
    for file in files {
        let inside = root.and_then(|r| registry_relative(r, file));
        // A file named here gets the registry walk's rules: no links on the way, a
        // regular file, the size cap; nothing refused is read, so nothing of it is
        // quoted.
        let read = files::read_named(file, MAX_FILE_SIZE);
        match (inside, read) {
            (Some(rel), read) => {
                let walked: Vec<Diagnostic> = loaded
                    .diagnostics
                    .iter()
                    .filter(|d| d.file == rel)
                    .cloned()
                    .collect();
                match read {
                    Err(e) if walked.is_empty() => {
                        diagnostics.push(refused(e, &rel)?);
                    }
                    Err(_) => diagnostics.extend(walked),
                    Ok(_) => {
                        diagnostics.extend(walked);
                        if let Some(text) = loaded.sources.get(&rel) {
                            sources.insert(rel, text.clone());
                        }
                    }
                }
            }
            (None, read) => {
                outside = true;
                let shown = file.display().to_string();
                let bytes = match read {
                    Ok(bytes) => bytes,
                    Err(e) => {
                        diagnostics.push(refused(e, &shown)?);
                        continue;
                    }
                };
                let (found, text) = check_outside(&loaded.registry, file, &shown, &bytes);
                diagnostics.extend(found);
                if let Some(text) = text {
                    sources.insert(shown, text);
                }
            }
        }
    }
    diagnostic::sort(&mut diagnostics);
    // Files outside the registry keep the path they were given.
    let repo_prefix = if outside { String::new() } else { repo_prefix };
    Ok(ValidationReport::new(
        files.len(),
        diagnostics,
        sources,
        repo_prefix,
    ))
}

/// The finding for a named file that was refused unread; a file that does not exist or
/// cannot be read stops the command.
fn refused(e: files::ReadError, shown: &str) -> Result<Diagnostic, Error> {
    match e.finding(shown) {
        Some(d) => Ok(d),
        None => Err(e.into()),
    }
}

/// `file`'s path relative to the registry folder `root`, when it is in it: by the paths
/// as written (so a file behind a folder that is a link is named where it stands), else
/// by the real folders (so any spelling of the same folder will do). The file itself is
/// never resolved: a link is judged where it stands.
fn registry_relative(root: &Path, file: &Path) -> Option<String> {
    let lexical = |p: &Path| std::path::absolute(p).ok().map(|p| discover::normalize(&p));
    let by_folders = || {
        let name = file.file_name()?;
        let parent = super::folder_of(file);
        let full = parent.canonicalize().ok()?.join(name);
        Some(
            full.strip_prefix(root.canonicalize().ok()?)
                .ok()?
                .to_path_buf(),
        )
    };
    let rel = match (lexical(root), lexical(file)) {
        (Some(r), Some(f)) if f.starts_with(&r) && f != r => f.strip_prefix(&r).ok()?.to_path_buf(),
        _ => by_folders()?,
    };
    Some(
        rel.components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect::<Vec<_>>()
            .join("/"),
    )
}

/// Checks a file that is not inside the registry folder.
fn check_outside(
    registry: &Registry,
    path: &Path,
    shown: &str,
    bytes: &[u8],
) -> (Vec<Diagnostic>, Option<String>) {
    let text = match check::decode(shown, bytes) {
        Ok(t) => t.to_owned(),
        Err(d) => return (vec![*d], None),
    };
    let Some(kind) = cross::guess_kind(path, &text) else {
        if let Some(d) = check::syntax_error(shown, &text) {
            let mut found = vec![d];
            crate::catalog::locate_in(&mut found, shown, &text);
            return (found, Some(text));
        }
        let d = Diagnostic::error(
            shown,
            Code::UnexpectedFile,
            "cannot tell whether this is a component, interface, stack or registry.toml",
        )
        .with_hint("put it in a components/, interfaces/ or stacks/ folder");
        return (vec![d], Some(text));
    };
    let stem = path.file_stem().and_then(|s| s.to_str());
    let found = cross::check_file(registry, shown, stem, kind, &text);
    (found, Some(text))
}

/// The findings on the lock files of the registry's reference stacks (`stacks/<id>.lock`
/// next to `stacks/<id>.toml`). A lock that is not a regular file, or too large, is
/// already a finding of the registry walk.
fn reference_locks(
    source: &dyn Source,
    head: &Registry,
    origins: &Origins,
    options: &Options,
) -> Result<Vec<Diagnostic>, ResolveError> {
    let mut out = Vec::new();
    for (id, stack) in &head.stacks {
        let stack_file = origins.stack(id);
        let Some(lock_file) = stack_file
            .strip_suffix(".toml")
            .map(|stem| format!("{stem}.lock"))
        else {
            continue;
        };
        let is_file = source
            .entry(&lock_file)
            .ok()
            .flatten()
            .is_some_and(|e| e.kind == source::EntryKind::File && e.size <= MAX_FILE_SIZE);
        if !is_file {
            continue;
        }
        let read = |file: &str| {
            source.read(file, MAX_FILE_SIZE).map_err(|e| {
                Box::new(Diagnostic::error(
                    file,
                    Code::ParseError,
                    format!("could not read the file: {}", crate::causes::chain(&e)),
                ))
            })
        };
        let (lock_bytes, stack_bytes) = match (read(&lock_file), read(&stack_file)) {
            (Ok(l), Ok(s)) => (l, s),
            (Err(d), _) | (_, Err(d)) => {
                out.push(*d);
                continue;
            }
        };
        let lock_text = match check::decode(&lock_file, &lock_bytes) {
            Ok(t) => t,
            Err(d) => {
                out.push(*d);
                continue;
            }
        };
        out.extend(crate::resolve::reference::check_lock(
            head,
            stack,
            &stack_file,
            &stack_bytes,
            &lock_file,
            lock_text,
            options,
        )?);
    }
    Ok(out)
}
