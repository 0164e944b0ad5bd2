//! `registry init|publish|yank|log|diff|fetch`: changing a registry through git and
//! reading its history. The checks a change must pass that need the resolver (reference
//! stacks still resolve) are given to `maintain` from here.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use semver::Version;

use super::Session;
use crate::catalog::{self, validate as cross};
use crate::diagnostic::{Code, Diagnostic};
use crate::error::Error;
use crate::maintain::history::{self, LogQuery};
use crate::maintain::init::{self, InitOptions};
use crate::maintain::publish::{self, Checkout, Identity, Proposed, Published};
use crate::model::schema::SchemaKind;
use crate::model::validate::{self as check, MAX_FILE_SIZE};
use crate::model::{Origins, Registry};
use crate::report::history::{RegistryDiff, RegistryLog, Revision};
use crate::report::registry::{FetchReport, InitReport, PublishReport, PublishStatus};
use crate::report::validation::ValidationReport;
use crate::source::discover::Location;
use crate::source::git::GitSource;
use crate::source::remote::{self, FetchPolicy};
use crate::source::{Source, files};

/// `registry init DIR`: a new registry in a new git repository.
pub fn init(
    dir: &Path,
    name: Option<String>,
    description: String,
    branch: String,
    author: Option<&str>,
) -> Result<InitReport, Error> {
    let name = name.unwrap_or_else(|| folder_name(dir));
    for (what, text) in [("--name", &name), ("--description", &description)] {
        if text.trim().is_empty() && what == "--name"
            || crate::text::find_forbidden(text, false).is_some()
        {
            return Err(Error::Usage(format!(
                "{what} must be plain text on one line"
            )));
        }
    }
    let config = git2::Config::open_default().ok();
    let identity = Identity::resolve(author, config.as_ref())?;
    let options = InitOptions {
        name,
        description,
        branch,
    };
    let done = init::init(dir, &options, &identity)?;
    Ok(InitReport {
        path: done.path.display().to_string(),
        branch: done.branch,
        commit: done.commit,
        files: done.files,
    })
}

/// The last component of `dir`, made absolute first so that `.` has a name.
fn folder_name(dir: &Path) -> String {
    let full = std::path::absolute(dir).unwrap_or_else(|_| dir.to_path_buf());
    full.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .filter(|n| !n.is_empty() && n != "." && n != "..")
        .unwrap_or_else(|| "registry".to_owned())
}

/// How a publish or yank ended, for printing.
pub enum Committed {
    /// The change was checked (and committed, unless a dry run).
    Done(PublishReport),
    /// The checks refused it: the findings, and the publish report for JSON.
    Refused {
        findings: ValidationReport,
        report: Option<PublishReport>,
    },
}

/// `registry publish FILE…`: checks the manifests and commits them.
pub fn publish(
    session: &Session<'_>,
    files: &[PathBuf],
    author: Option<&str>,
    dry_run: bool,
) -> Result<Committed, Error> {
    let check = reference_stacks(session);
    let checkout = checkout(session, "publish")?.with_check(&check);
    let identity = identity(author, &checkout, dry_run)?;
    let mut proposed: Vec<Proposed> = Vec::new();
    let mut findings = Vec::new();
    let mut sources = BTreeMap::new();
    let mut from: BTreeMap<String, String> = BTreeMap::new();
    for file in files {
        let shown = file.display().to_string();
        let Some((text, kind)) = read_manifest(file, &shown, &mut findings, &mut sources)? else {
            continue;
        };
        let stem = file.file_stem().and_then(|s| s.to_str());
        let path = match publish::target_path(kind, stem, &text, &shown) {
            Ok(p) => p,
            Err(e) => {
                findings.push(
                    Diagnostic::error(&shown, Code::MissingField, e.to_string())
                        .with_hint("components and interfaces need a valid `id`; stacks are named by their file"),
                );
                sources.insert(shown, text);
                continue;
            }
        };
        if let Some(first) = from.insert(path.clone(), shown.clone()) {
            return Err(Error::Usage(format!(
                "{first} and {shown} would both be written to {path}"
            )));
        }
        proposed.push(Proposed { path, text });
    }
    if !findings.is_empty() {
        return Ok(Committed::Refused {
            findings: ValidationReport::new(files.len(), findings, sources, String::new()),
            report: None,
        });
    }
    let waiting = || session.progress("Waiting for another publish in this repository to finish");
    let published = checkout.publish(identity.as_ref(), waiting, |_| Ok((proposed, None)))?;
    Ok(committed(&checkout, published))
}

/// `registry yank ID@VERSION --reason TEXT` (or `--undo`).
pub fn yank(
    session: &Session<'_>,
    id: &str,
    version: &Version,
    reason: Option<&str>,
    author: Option<&str>,
    dry_run: bool,
) -> Result<Committed, Error> {
    let check = reference_stacks(session);
    let checkout = checkout(session, "yank")?.with_check(&check);
    let identity = identity(author, &checkout, dry_run)?;
    let waiting = || session.progress("Waiting for another publish in this repository to finish");
    let published = checkout.publish(identity.as_ref(), waiting, |head| {
        let p = publish::yank(head, id, version, reason)?;
        Ok((p.into_iter().collect(), None))
    })?;
    Ok(committed(&checkout, published))
}

/// The check every change must pass beyond the load's own: reference stacks still
/// resolve, all of them within one budget of `--max-steps` steps.
fn reference_stacks(session: &Session<'_>) -> impl Fn(&Registry, &Origins) -> CheckResult {
    let options = session.options();
    move |registry: &Registry, origins: &Origins| {
        crate::resolve::check_reference_stacks(registry, origins, &options)
            .map_err(|e| Box::new(e) as Box<dyn std::error::Error + Send + Sync>)
    }
}

type CheckResult = Result<Vec<Diagnostic>, Box<dyn std::error::Error + Send + Sync>>;

/// The registry folder in a git working tree that publish and yank change.
fn checkout<'c>(session: &Session<'_>, command: &str) -> Result<Checkout<'c>, Error> {
    let (location, origin, rev) = session.locate(None)?;
    if rev.is_some() {
        return Err(Error::Usage(format!(
            "`registry {command}` commits on the checked-out branch; drop --rev"
        )));
    }
    match location {
        Location::Path(path) => {
            let shown = path.display().to_string();
            super::open::check_registry_folder(&path, &shown, origin)?;
            Ok(Checkout::open(&path, shown)?)
        }
        Location::Url(url) => Err(Error::Usage(format!(
            "`registry {command}` changes a local clone, not {}: clone it, run the command there, then push",
            remote::redact(&url)
        ))),
    }
}

fn identity(
    author: Option<&str>,
    checkout: &Checkout<'_>,
    dry_run: bool,
) -> Result<Option<Identity>, Error> {
    if dry_run {
        return Ok(None);
    }
    Ok(Some(Identity::resolve(author, checkout.config().as_ref())?))
}

/// Reads a manifest given on the command line; problems with its bytes are findings.
fn read_manifest(
    file: &Path,
    shown: &str,
    findings: &mut Vec<Diagnostic>,
    sources: &mut BTreeMap<String, String>,
) -> Result<Option<(String, SchemaKind)>, Error> {
    // The registry walk's rules: no links on the way, a regular file, the size cap.
    let bytes = match files::read_named(file, MAX_FILE_SIZE) {
        Ok(bytes) => bytes,
        Err(e) => match e.finding(shown) {
            Some(d) => {
                findings.push(d);
                return Ok(None);
            }
            None => return Err(e.into()),
        },
    };
    let text = match check::decode(shown, &bytes) {
        Ok(t) => t.to_owned(),
        Err(d) => {
            findings.push(*d);
            return Ok(None);
        }
    };
    match cross::guess_kind(file, &text) {
        Some(kind) => Ok(Some((text, kind))),
        None => {
            findings.push(
                Diagnostic::error(
                    shown,
                    Code::UnexpectedFile,
                    "cannot tell whether this is a component, interface, stack or registry.toml",
                )
                .with_hint("put it in a components/, interfaces/ or stacks/ folder"),
            );
            sources.insert(shown.to_owned(), text);
            Ok(None)
        }
    }
}

/// The report of a change that went through the checks (or did not).
fn committed(checkout: &Checkout<'_>, published: Published) -> Committed {
    let (status, plan, commit) = match published {
        Published::Committed { plan, commit } => (PublishStatus::Committed, plan, Some(commit)),
        Published::DryRun { plan } => (PublishStatus::DryRun, plan, None),
        Published::Unchanged { plan } => (PublishStatus::Unchanged, plan, None),
        Published::Refused { plan } => (PublishStatus::Refused, plan, None),
    };
    let (errors, warnings): (Vec<_>, Vec<_>) = plan
        .findings
        .iter()
        .cloned()
        .partition(Diagnostic::is_error);
    let report = PublishReport {
        status,
        commit,
        base: plan.base.clone(),
        message: plan.message.clone(),
        files: plan.files.iter().map(|f| checkout.repo_path(f)).collect(),
        changes: plan.changes.clone(),
        errors,
        warnings,
    };
    if status == PublishStatus::Refused {
        return Committed::Refused {
            findings: ValidationReport::new(
                plan.checked,
                plan.findings,
                plan.sources,
                plan.repo_prefix,
            ),
            report: Some(report),
        };
    }
    Committed::Done(report)
}

/// The git repository a registry lives in, the registry's folder in it, the commit to
/// start from and how to show it: the local repository, or the cached copy of a remote
/// one.
fn repository(session: &Session<'_>) -> Result<(PathBuf, String, String, String), Error> {
    let (location, origin, rev) = session.locate(None)?;
    match location {
        Location::Path(path) => {
            let shown = path.display().to_string();
            super::open::check_registry_folder(&path, &shown, origin)?;
            let source = GitSource::open(&path, rev.as_deref().unwrap_or("HEAD"), shown.clone())?;
            session.check_signed(&source, &session.required_signers(None)?)?;
            let repo = crate::source::git::discover(&path)?;
            let info = source.info();
            Ok((
                repo.path().to_path_buf(),
                info.path_in_repo.clone().unwrap_or_default(),
                info.commit.clone().unwrap_or_default(),
                shown,
            ))
        }
        Location::Url(url) => {
            let policy = FetchPolicy::from_env(session.settings.offline)?;
            let source = session.open_remote(&url, policy, rev.as_deref())?;
            session.check_signed(&source, &session.required_signers(None)?)?;
            let info = source.info();
            Ok((
                session.remote_cache()?.path_of(&url),
                info.path_in_repo.clone().unwrap_or_default(),
                info.commit.clone().unwrap_or_default(),
                remote::redact(&url),
            ))
        }
    }
}

/// `registry log [ID]`: the commits that changed the registry, by what they changed.
pub fn log(
    session: &Session<'_>,
    id: Option<String>,
    max_count: Option<usize>,
) -> Result<RegistryLog, Error> {
    let (repo, sub, start, shown) = repository(session)?;
    let query = LogQuery {
        id: id.as_deref(),
        limit: max_count,
    };
    let commits = history::log(&repo, &sub, &start, &query)?;
    Ok(RegistryLog {
        registry: shown,
        id,
        commits,
    })
}

/// `registry diff FROM [TO]`: what changed between two revisions (`TO` defaults to
/// `--rev`, else the working tree).
pub fn diff(session: &Session<'_>, from: &str, to: Option<&str>) -> Result<RegistryDiff, Error> {
    let old_source = session.open_at(None, Some(from))?;
    let new_source = match to {
        Some(rev) => session.open_at(None, Some(rev))?,
        None => session.open(None)?,
    };
    let load = |source: &dyn Source, label: &str| -> Result<Registry, Error> {
        let loaded = catalog::load(source)?;
        let errors = loaded.error_count();
        if errors > 0 {
            session.warn(&format!(
                "the registry at {label} has {errors} error(s); comparing what could be read"
            ));
        }
        Ok(loaded.registry)
    };
    let old = load(old_source.as_ref(), from)?;
    let to_label = to
        .map(str::to_owned)
        .or_else(|| session.settings.rev.clone())
        .unwrap_or_else(|| match new_source.info().commit {
            Some(_) => "HEAD".to_owned(),
            None => "working tree".to_owned(),
        });
    let new = load(new_source.as_ref(), &to_label)?;
    Ok(RegistryDiff::new(
        new_source.info().source.clone(),
        Revision {
            rev: from.to_owned(),
            commit: old_source.info().commit.clone(),
        },
        Revision {
            rev: to_label,
            commit: new_source.info().commit.clone(),
        },
        history::diff(&old, &new),
    ))
}

/// `registry fetch`: updates the cached copy of a remote registry now.
pub fn fetch(session: &Session<'_>) -> Result<FetchReport, Error> {
    let (location, _, _) = session.locate(None)?;
    let url = match location {
        Location::Url(url) => url,
        Location::Path(path) => {
            return Err(Error::Usage(format!(
                "{} is a local folder; `registry fetch` updates the cache of a remote registry (--registry URL)",
                path.display()
            )));
        }
    };
    if session.settings.offline {
        return Err(Error::Usage("--offline forbids fetching".into()));
    }
    let policy = FetchPolicy {
        force: true,
        ..FetchPolicy::from_env(false)?
    };
    let cache = session.remote_cache()?;
    let progress = |m: &str| session.progress(m);
    let cached = cache.open(&url, policy, &progress)?;
    let path = cached.path.display().to_string();
    let source = remote::source(cached, &url, None)?;
    session.check_signed(&source, &session.required_signers(None)?)?;
    let info = source.info();
    Ok(FetchReport {
        url: remote::redact(&url),
        commit: info.commit.clone().unwrap_or_default(),
        path: info.path_in_repo.clone().unwrap_or_default(),
        cache: path,
    })
}
