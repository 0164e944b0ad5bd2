//! `stackreg registry init|publish|yank|log|diff|fetch`

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::args::{
    DiffArgs, Format, InitArgs, LogArgs, PublishArgs, RegistryArgs, RegistryCommand, YankArgs,
};
use super::{Ctx, Outcome};
use crate::catalog::{self, validate as cross};
use crate::diagnostic::{Code, Diagnostic};
use crate::error::Error;
use crate::maintain::history::{self, LogQuery};
use crate::maintain::init::{self, InitOptions};
use crate::maintain::publish::{self, Identity, Proposed, Published, Workspace};
use crate::model::validate::{self as check, MAX_FILE_SIZE};
use crate::report::history::{RegistryDiff, RegistryLog, Revision};
use crate::report::registry::{FetchReport, InitReport, PublishReport, PublishStatus};
use crate::report::validation::ValidationReport;
use crate::source::Source;
use crate::source::discover::Location;
use crate::source::git::GitSource;
use crate::source::remote::{self, Cache, FetchPolicy};

use super::formats::REGISTRY as FORMATS;

pub fn run(ctx: &Ctx, args: RegistryArgs) -> Result<Outcome, Error> {
    match args.command {
        RegistryCommand::Init(a) => init(ctx, a),
        RegistryCommand::Publish(a) => publish(ctx, a),
        RegistryCommand::Yank(a) => yank(ctx, a),
        RegistryCommand::Log(a) => log(ctx, a),
        RegistryCommand::Diff(a) => diff(ctx, a),
        RegistryCommand::Fetch => fetch(ctx),
    }
}

fn init(ctx: &Ctx, args: InitArgs) -> Result<Outcome, Error> {
    let format = ctx.format("registry init", FORMATS)?;
    let name = match args.name {
        Some(n) => n,
        None => folder_name(&args.dir),
    };
    for (what, text) in [("--name", &name), ("--description", &args.description)] {
        if text.trim().is_empty() && what == "--name"
            || crate::text::find_forbidden(text, false).is_some()
        {
            return Err(Error::Usage(format!(
                "{what} must be plain text on one line"
            )));
        }
    }
    let config = git2::Config::open_default().ok();
    let identity = Identity::resolve(args.author.as_deref(), config.as_ref())?;
    let options = InitOptions {
        name,
        description: args.description,
        branch: args.branch,
    };
    let done = init::init(&args.dir, &options, &identity)?;
    let report = InitReport {
        path: done.path.display().to_string(),
        branch: done.branch,
        commit: done.commit,
        files: done.files,
    };
    ctx.emit(format, &report)?;
    Ok(Outcome::Success)
}

/// The last component of `dir`, made absolute first so that `.` has a name.
fn folder_name(dir: &Path) -> String {
    let full = std::path::absolute(dir).unwrap_or_else(|_| dir.to_path_buf());
    full.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .filter(|n| !n.is_empty() && n != "." && n != "..")
        .unwrap_or_else(|| "registry".to_owned())
}

/// The registry folder in a git working tree that publish and yank change.
fn workspace(ctx: &Ctx, command: &str) -> Result<Workspace, Error> {
    let (location, origin, rev) = ctx.locate(None)?;
    if rev.is_some() {
        return Err(Error::Usage(format!(
            "`registry {command}` commits on the checked-out branch; drop --rev"
        )));
    }
    match location {
        Location::Path(path) => {
            let shown = path.display().to_string();
            super::context::check_registry_folder(&path, &shown, origin)?;
            Ok(Workspace::open(&path, shown)?.with_max_steps(ctx.max_steps()))
        }
        Location::Url(url) => Err(Error::Usage(format!(
            "`registry {command}` changes a local clone, not {}: clone it, run the command there, then push",
            remote::redact(&url)
        ))),
    }
}

fn identity(
    author: Option<&str>,
    ws: &Workspace,
    dry_run: bool,
) -> Result<Option<Identity>, Error> {
    if dry_run {
        return Ok(None);
    }
    Ok(Some(Identity::resolve(author, ws.config().as_ref())?))
}

fn publish(ctx: &Ctx, args: PublishArgs) -> Result<Outcome, Error> {
    let format = ctx.format("registry publish", FORMATS)?;
    let ws = workspace(ctx, "publish")?;
    let identity = identity(args.author.as_deref(), &ws, args.dry_run)?;
    let mut proposed: Vec<Proposed> = Vec::new();
    let mut findings = Vec::new();
    let mut sources = BTreeMap::new();
    let mut from: BTreeMap<String, String> = BTreeMap::new();
    for file in &args.files {
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
        let report = ValidationReport::new(args.files.len(), findings, sources, String::new());
        return refused(ctx, format, report, None);
    }
    let waiting = || ctx.progress("Waiting for another publish in this repository to finish");
    let published = ws.publish(identity.as_ref(), waiting, |_| Ok((proposed, None)))?;
    report(ctx, format, &ws, published)
}

/// Reads a manifest given on the command line; problems with its bytes are findings.
fn read_manifest(
    file: &Path,
    shown: &str,
    findings: &mut Vec<Diagnostic>,
    sources: &mut BTreeMap<String, String>,
) -> Result<Option<(String, crate::model::schema::SchemaKind)>, Error> {
    // The registry walk's rules: no links on the way, a regular file, the size cap.
    let bytes = match crate::source::files::read_named(file, MAX_FILE_SIZE) {
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

fn yank(ctx: &Ctx, args: YankArgs) -> Result<Outcome, Error> {
    let format = ctx.format("registry yank", FORMATS)?;
    let (id, version) = super::show::parse_spec(&args.release)?;
    let Some(version) = version else {
        return Err(Error::Usage(format!(
            "name the release as ID@VERSION, such as {id}@1.0.0"
        )));
    };
    let reason = match (&args.reason, args.undo) {
        (_, true) => None,
        (Some(r), false) if r.trim().is_empty() => {
            return Err(Error::Usage("--reason must say why".into()));
        }
        (Some(r), false) => Some(r.as_str()),
        (None, false) => return Err(Error::Usage("--reason is required".into())),
    };
    let ws = workspace(ctx, "yank")?;
    let identity = identity(args.author.as_deref(), &ws, args.dry_run)?;
    let waiting = || ctx.progress("Waiting for another publish in this repository to finish");
    let published = ws.publish(identity.as_ref(), waiting, |head| {
        let p = publish::yank(head, id, &version, reason)?;
        Ok((p.into_iter().collect(), None))
    })?;
    report(ctx, format, &ws, published)
}

fn refused(
    ctx: &Ctx,
    format: Format,
    findings: ValidationReport,
    publish: Option<PublishReport>,
) -> Result<Outcome, Error> {
    ctx.print(&match (format, &publish) {
        (Format::Json, Some(p)) => crate::report::json(p),
        (Format::Json, None) => crate::report::json(&findings),
        (Format::Markdown, _) => findings.markdown(),
        _ => findings.human(ctx.color_stdout()),
    })?;
    ctx.warn("nothing was committed");
    Ok(Outcome::Negative)
}

fn report(
    ctx: &Ctx,
    format: Format,
    ws: &Workspace,
    published: Published,
) -> Result<Outcome, Error> {
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
        files: plan.files.iter().map(|f| ws.repo_path(f)).collect(),
        changes: plan.changes.clone(),
        errors,
        warnings,
    };
    if status == PublishStatus::Refused {
        let findings =
            ValidationReport::new(plan.checked, plan.findings, plan.sources, plan.repo_prefix);
        return refused(ctx, format, findings, Some(report));
    }
    for w in &report.warnings {
        ctx.warn(&format!("{}: {}", w.file, w.message));
    }
    ctx.emit(format, &report)?;
    Ok(Outcome::Success)
}

/// The git repository a registry lives in, the registry's folder in it and the commit to
/// start from: the local repository, or the cached copy of a remote one.
fn repository(ctx: &Ctx) -> Result<(PathBuf, String, String, String), Error> {
    let (location, origin, rev) = ctx.locate(None)?;
    match location {
        Location::Path(path) => {
            let shown = path.display().to_string();
            super::context::check_registry_folder(&path, &shown, origin)?;
            let source = GitSource::open(&path, rev.as_deref().unwrap_or("HEAD"), shown.clone())?;
            ctx.check_signed(&source, &ctx.required_signers(None)?)?;
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
            let policy = FetchPolicy::from_env(ctx.global.offline);
            let source = ctx.open_remote(&url, policy, rev.as_deref())?;
            ctx.check_signed(&source, &ctx.required_signers(None)?)?;
            let info = source.info();
            Ok((
                Cache::locate()?.path_of(&url),
                info.path_in_repo.clone().unwrap_or_default(),
                info.commit.clone().unwrap_or_default(),
                remote::redact(&url),
            ))
        }
    }
}

fn log(ctx: &Ctx, args: LogArgs) -> Result<Outcome, Error> {
    let format = ctx.format("registry log", FORMATS)?;
    let (repo, sub, start, shown) = repository(ctx)?;
    let query = LogQuery {
        id: args.id.as_deref(),
        limit: args.max_count,
    };
    let commits = history::log(&repo, &sub, &start, &query)?;
    let report = RegistryLog {
        registry: shown,
        id: args.id,
        commits,
    };
    ctx.emit(format, &report)?;
    Ok(Outcome::Success)
}

fn diff(ctx: &Ctx, args: DiffArgs) -> Result<Outcome, Error> {
    let format = ctx.format("registry diff", FORMATS)?;
    let from = ctx.open_at(None, Some(&args.from))?;
    let to = match &args.to {
        Some(rev) => ctx.open_at(None, Some(rev))?,
        None => ctx.open(None)?,
    };
    let load = |source: &dyn Source, label: &str| -> Result<crate::model::Registry, Error> {
        let loaded = catalog::load(source)?;
        let errors = loaded.error_count();
        if errors > 0 {
            ctx.warn(&format!(
                "the registry at {label} has {errors} error(s); comparing what could be read"
            ));
        }
        Ok(loaded.registry)
    };
    let old = load(from.as_ref(), &args.from)?;
    let to_label = args
        .to
        .clone()
        .or_else(|| ctx.global.rev.clone())
        .unwrap_or_else(|| match to.info().commit {
            Some(_) => "HEAD".to_owned(),
            None => "working tree".to_owned(),
        });
    let new = load(to.as_ref(), &to_label)?;
    let report = RegistryDiff::new(
        to.info().source.clone(),
        Revision {
            rev: args.from.clone(),
            commit: from.info().commit.clone(),
        },
        Revision {
            rev: to_label,
            commit: to.info().commit.clone(),
        },
        history::diff(&old, &new),
    );
    ctx.emit(format, &report)?;
    Ok(Outcome::Success)
}

fn fetch(ctx: &Ctx) -> Result<Outcome, Error> {
    let format = ctx.format("registry fetch", FORMATS)?;
    let (location, _, _) = ctx.locate(None)?;
    let url = match location {
        Location::Url(url) => url,
        Location::Path(path) => {
            return Err(Error::Usage(format!(
                "{} is a local folder; `registry fetch` updates the cache of a remote registry (--registry URL)",
                path.display()
            )));
        }
    };
    if ctx.global.offline {
        return Err(Error::Usage("--offline forbids fetching".into()));
    }
    let policy = FetchPolicy {
        force: true,
        ..FetchPolicy::from_env(false)
    };
    let cache = Cache::locate()?;
    let progress = |m: &str| ctx.progress(m);
    let cached = cache.open(&url, policy, &progress)?;
    let path = cached.path.display().to_string();
    let source = remote::source(cached, &url, None)?;
    ctx.check_signed(&source, &ctx.required_signers(None)?)?;
    let info = source.info();
    let report = FetchReport {
        url: remote::redact(&url),
        commit: info.commit.clone().unwrap_or_default(),
        path: info.path_in_repo.clone().unwrap_or_default(),
        cache: path,
    };
    ctx.emit(format, &report)?;
    Ok(Outcome::Success)
}
