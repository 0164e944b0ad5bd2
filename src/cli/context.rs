//! What every subcommand shares: the global options, the output streams and the way a
//! registry is found and opened.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use super::args::{ColorChoice, Format, Global};
use crate::catalog;
use crate::error::{self, Error};
use crate::model::Loaded;
use crate::report::validation::render_one;
use crate::source::dir::DirSource;
use crate::source::discover::{self, Location, Origin};
use crate::source::git::{GitError, GitSource};
use crate::source::remote::{self, Cache, FetchPolicy, RemoteError};
use crate::source::signature::{AllowedSigners, SignatureError};
use crate::source::{self, Source};
use crate::text;

/// Leaves `value` to the operating system instead of freeing it: the process ends right
/// after the command, and freeing a large registry piece by piece takes longer than
/// answering from it.
pub fn leave<T>(value: T) {
    std::mem::forget(value);
}

/// Refuses a registry location that is not a folder, saying what it is instead. The
/// folder itself may be a link (the user's own choice); what is in it is read by the
/// walk's rules.
pub fn check_registry_folder(path: &Path, shown: &str, origin: Origin) -> Result<(), Error> {
    match std::fs::metadata(path) {
        Ok(m) if m.is_dir() => Ok(()),
        Ok(m) => {
            let what = source::files::describe(&m.file_type());
            Err(Error::Usage(format!(
                "registry {shown} is {what}, not a folder (from {origin})"
            )))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(Error::Usage(format!(
            "registry folder {shown} does not exist (from {origin})"
        ))),
        Err(source) => Err(Error::Read {
            path: path.to_path_buf(),
            source,
        }),
    }
}

/// The stack file a command reads, as far as finding and trusting its registry goes.
#[derive(Debug, Clone, Copy)]
pub struct StackRef<'a> {
    pub path: &'a Path,
    /// `[stack] registry`.
    pub registry: Option<&'a str>,
    /// `[stack] rev`.
    pub rev: Option<&'a str>,
    /// `[stack] allowed-signers`, relative to the stack file.
    pub allowed_signers: Option<&'a str>,
}

/// Global settings and output, shared by every subcommand.
pub struct Ctx {
    pub global: Global,
    pub cwd: PathBuf,
    color_out: bool,
    color_err: bool,
    stdout_closed: std::cell::Cell<bool>,
}

fn use_color(choice: ColorChoice, is_tty: bool) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            is_tty
                && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                && std::env::var("TERM").map_or(true, |t| t != "dumb")
        }
    }
}

impl Ctx {
    pub fn new(global: &Global) -> Ctx {
        let stdout_tty = std::io::stdout().is_terminal();
        let width = std::env::var("COLUMNS")
            .ok()
            .and_then(|c| c.parse().ok())
            .or_else(|| {
                stdout_tty
                    .then(terminal_size::terminal_size)
                    .flatten()
                    .map(|(w, _)| usize::from(w.0))
            })
            .unwrap_or(100);
        crate::report::set_width(width);
        Ctx {
            global: global.clone(),
            cwd: std::env::current_dir().unwrap_or_else(|_| PathBuf::from(".")),
            color_out: use_color(global.color, stdout_tty),
            color_err: use_color(global.color, std::io::stderr().is_terminal()),
            stdout_closed: std::cell::Cell::new(false),
        }
    }

    /// The bound on solver steps for the whole command: `--max-steps`, `STACKREG_MAX_STEPS`
    /// or the default.
    pub fn max_steps(&self) -> u64 {
        self.global
            .max_steps
            .unwrap_or(crate::resolve::DEFAULT_MAX_STEPS)
    }

    pub fn color_stdout(&self) -> bool {
        self.color_out
    }

    /// The output format, checked against the ones `command` supports (the first is the
    /// default).
    pub fn format(&self, command: &'static str, allowed: &[Format]) -> Result<Format, Error> {
        match self.global.format {
            None => Ok(allowed.first().copied().unwrap_or(Format::Table)),
            Some(f) if allowed.contains(&f) => Ok(f),
            Some(f) => Err(Error::Format {
                format: f.as_str().to_owned(),
                command,
                allowed: allowed
                    .iter()
                    .map(|f| f.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
            }),
        }
    }

    /// Refuses `--format` for a command whose output has one fixed format (`prints`).
    pub fn no_format(&self, command: &'static str, prints: &'static str) -> Result<(), Error> {
        match self.global.format {
            None => Ok(()),
            Some(f) => Err(Error::FixedFormat {
                format: f.as_str().to_owned(),
                command,
                prints,
            }),
        }
    }

    /// Prints a report in `format`: JSON, markdown, CSV where the report has it, else the
    /// human table.
    pub fn emit<R: crate::report::Report>(&self, format: Format, report: &R) -> Result<(), Error> {
        let text = match format {
            Format::Json => crate::report::json(report),
            Format::Markdown => report.markdown(),
            Format::Csv => report.csv().unwrap_or_else(|| report.to_string()),
            _ => report.to_string(),
        };
        self.print(&text)
    }

    /// A closed pipe (`stackreg validate | head`) is not an error: the rest of the output
    /// is dropped, and the command still ends with its own exit code.
    pub fn print(&self, data: &str) -> Result<(), Error> {
        if self.stdout_closed.get() {
            return Ok(());
        }
        let mut out = std::io::stdout().lock();
        match out.write_all(data.as_bytes()).and_then(|()| out.flush()) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {
                self.stdout_closed.set(true);
                Ok(())
            }
            Err(e) => Err(Error::Output(e)),
        }
    }

    /// A warning on stderr, unless `--quiet`.
    pub fn warn(&self, message: &str) {
        if self.global.quiet {
            return;
        }
        let label = if self.color_err {
            "\x1b[1;33mwarning\x1b[0m"
        } else {
            "warning"
        };
        eprintln!("{label}: {}", text::escape(message));
    }

    /// A note on stderr (what was written, and so on), unless `--quiet`.
    pub fn note(&self, message: &str) {
        if !self.global.quiet {
            eprintln!("{}", text::escape(message));
        }
    }

    /// Says why a negative answer is negative, on stderr, even with `--quiet`.
    pub fn fail(&self, message: &str) {
        let label = if self.color_err {
            "\x1b[1;31merror\x1b[0m"
        } else {
            "error"
        };
        let lines: Vec<String> = message
            .lines()
            .map(|l| text::escape(l).into_owned())
            .collect();
        eprintln!("{label}: {}", lines.join("\n"));
    }

    /// Progress on stderr, only with `--verbose`.
    pub fn status(&self, message: &str) {
        if self.global.verbose > 0 && !self.global.quiet {
            eprintln!("{}", text::escape(message));
        }
    }

    /// Prints an error that stopped the command, with its causes and a hint.
    pub fn report_error(&self, e: &Error) {
        let (red, bold, reset) = if self.color_err {
            ("\x1b[1;31m", "\x1b[1m", "\x1b[0m")
        } else {
            ("", "", "")
        };
        let mut out = String::new();
        if let Error::File(d) = e {
            let renderer = if self.color_err {
                annotate_snippets::Renderer::styled()
            } else {
                annotate_snippets::Renderer::plain()
            };
            out.push_str(&render_one(&renderer, d, None));
            out.push('\n');
        } else {
            out.push_str(&format!(
                "{red}error{reset}{bold}:{reset} {}\n",
                text::escape(&e.to_string())
            ));
            for cause in error::causes(e) {
                out.push_str(&format!("  caused by: {}\n", text::escape(&cause)));
            }
            if let Some(hint) = e.hint() {
                out.push_str(&format!("  {bold}hint:{reset} {}\n", text::escape(&hint)));
            }
        }
        let _ = std::io::stderr().write_all(out.as_bytes());
    }

    /// Finds and opens the registry. `stack` is the stack file the command reads, if any.
    pub fn open(&self, stack: Option<StackRef<'_>>) -> Result<Box<dyn Source>, Error> {
        self.open_at(stack, None)
    }

    /// Like `open`, but at git revision `rev` whatever `--rev` says.
    pub fn open_at(
        &self,
        stack: Option<StackRef<'_>>,
        at: Option<&str>,
    ) -> Result<Box<dyn Source>, Error> {
        let env = std::env::var("STACKREG_REGISTRY").ok();
        let (location, origin) = discover::find(
            self.global.registry.as_deref(),
            env.as_deref(),
            stack.map(|s| (s.path, s.registry)),
            &self.cwd,
        )?;
        let rev = at
            .map(str::to_owned)
            .or_else(|| self.global.rev.clone())
            .or_else(|| match (origin, stack) {
                (Origin::Stack, Some(s)) => s.rev.map(str::to_owned),
                _ => None,
            });
        self.status(&format!("registry: {location:?} (from {origin})"));
        match location {
            Location::Path(path) => {
                let shown = path.display().to_string();
                check_registry_folder(&path, &shown, origin)?;
                let signers = self.required_signers(stack)?;
                match rev {
                    Some(rev) => {
                        let source = GitSource::open(&path, &rev, shown)?;
                        self.check_signed(&source, &signers)?;
                        Ok(Box::new(source))
                    }
                    None if !signers.is_empty() => {
                        Ok(Box::new(self.signed_working_tree(&path, shown, &signers)?))
                    }
                    None => Ok(Box::new(DirSource::new(&path, shown))),
                }
            }
            Location::Url(url) => {
                let signers = self.required_signers(stack)?;
                let policy = FetchPolicy::from_env(self.global.offline);
                let source = self.open_remote(&url, policy, rev.as_deref())?;
                self.check_signed(&source, &signers)?;
                Ok(Box::new(source))
            }
        }
    }

    /// The allowed-signers files the registry's commit must satisfy: `--require-signed`
    /// and the stack's `allowed-signers` (relative to the stack file), each read and
    /// checked now. Empty when nothing requires signatures.
    pub fn required_signers(
        &self,
        stack: Option<StackRef<'_>>,
    ) -> Result<Vec<AllowedSigners>, Error> {
        let mut out = Vec::new();
        if let Some(path) = &self.global.require_signed {
            out.push(AllowedSigners::read(path)?);
        }
        if let Some(StackRef {
            path,
            allowed_signers: Some(signers),
            ..
        }) = stack
        {
            let dir = path
                .parent()
                .filter(|p| !p.as_os_str().is_empty())
                .unwrap_or(Path::new("."));
            out.push(AllowedSigners::read(&discover::normalize(
                &dir.join(signers),
            ))?);
        }
        Ok(out)
    }

    /// Refuses `source` unless its commit is signed by a key in every one of `signers`.
    pub fn check_signed(
        &self,
        source: &GitSource,
        signers: &[AllowedSigners],
    ) -> Result<(), Error> {
        for s in signers {
            let verified = source.verify_signature(s)?;
            self.status(&format!("{verified} (allowed by {})", s.path().display()));
        }
        Ok(())
    }

    /// A registry folder in a working tree, when signatures are required: what is read is
    /// the signed commit at `HEAD`, so uncommitted changes to the folder are refused
    /// rather than silently left out.
    fn signed_working_tree(
        &self,
        path: &Path,
        shown: String,
        signers: &[AllowedSigners],
    ) -> Result<GitSource, Error> {
        match crate::source::git::discover(path) {
            Ok(_) => {}
            Err(e @ GitError::NotOwned { .. }) => return Err(e.into()),
            Err(_) => return Err(SignatureError::NotGit { registry: shown }.into()),
        }
        let changed = crate::source::git::uncommitted_changes(path)?;
        if !changed.is_empty() {
            let mut paths: Vec<String> = changed.into_iter().take(5).collect();
            paths.sort();
            return Err(SignatureError::Uncommitted {
                registry: shown,
                paths,
            }
            .into());
        }
        let source = GitSource::open(path, "HEAD", shown)?;
        self.check_signed(&source, signers)?;
        Ok(source)
    }

    /// Progress on stderr (network work that may take a while), unless `--quiet`.
    pub fn progress(&self, message: &str) {
        if !self.global.quiet {
            eprintln!("{}", text::escape(message));
        }
    }

    /// Where the registry is, by the documented rules, and the revision to read: `--rev`,
    /// else the stack's `rev`.
    pub fn locate(
        &self,
        stack: Option<StackRef<'_>>,
    ) -> Result<(Location, Origin, Option<String>), Error> {
        let env = std::env::var("STACKREG_REGISTRY").ok();
        let (location, origin) = discover::find(
            self.global.registry.as_deref(),
            env.as_deref(),
            stack.map(|s| (s.path, s.registry)),
            &self.cwd,
        )?;
        let rev = self.global.rev.clone().or_else(|| match (origin, stack) {
            (Origin::Stack, Some(s)) => s.rev.map(str::to_owned),
            _ => None,
        });
        Ok((location, origin, rev))
    }

    /// Opens the cached copy of a remote registry at `rev` (default: its default branch),
    /// cloning or fetching first as `policy` says. A revision the cache does not have yet
    /// is worth one fetch before giving up.
    pub fn open_remote(
        &self,
        url: &str,
        policy: FetchPolicy,
        rev: Option<&str>,
    ) -> Result<GitSource, Error> {
        let cache = Cache::locate()?;
        let progress = |m: &str| self.progress(m);
        let cached = cache.open(url, policy, &progress)?;
        let fetched_now = cached.fetched_now;
        match remote::source(cached, url, rev) {
            Err(RemoteError::Git(GitError::UnknownRevision { .. }))
                if !fetched_now && !policy.offline =>
            {
                let force = FetchPolicy {
                    force: true,
                    ..policy
                };
                let cached = cache.open(url, force, &progress)?;
                Ok(remote::source(cached, url, rev)?)
            }
            other => Ok(other?),
        }
    }

    /// Loads the registry in folder `dir` (its working tree), keeping going past errors
    /// as `load` does.
    pub fn load_dir(&self, dir: &Path) -> Result<Loaded, Error> {
        let source = DirSource::new(dir, dir.display().to_string());
        let loaded = catalog::load_cached(&source, None, |_, _, _| Vec::new())?;
        if loaded.diagnostics.iter().any(|d| d.is_error()) {
            self.warn(&format!(
                "the registry at {} has errors; matching against what could be read",
                dir.display()
            ));
        }
        Ok(loaded)
    }

    /// Opens and loads the registry. With `strict`, a registry with errors stops the
    /// command; otherwise each error is a warning and the rest is used.
    pub fn load(&self, stack: Option<StackRef<'_>>, strict: bool) -> Result<Loaded, Error> {
        self.load_scoped(stack, strict, catalog::cache::Scope::Everything)
    }

    /// Like `load`, building only `scope` of a registry read from the index cache.
    pub fn load_scoped(
        &self,
        stack: Option<StackRef<'_>>,
        strict: bool,
        scope: catalog::cache::Scope,
    ) -> Result<Loaded, Error> {
        self.load_reading(stack, strict, scope, |_, _, _| {})
    }

    /// Like `load`, with the text of each reference stack's lock file (`stacks/<id>.lock`,
    /// a regular file within the size limit) read from the same source.
    pub fn load_with_reference_locks(
        &self,
    ) -> Result<(Loaded, std::collections::BTreeMap<crate::model::Id, String>), Error> {
        let mut locks = std::collections::BTreeMap::new();
        let loaded = self.load_reading(
            None,
            false,
            catalog::cache::Scope::Everything,
            |source, head, origins| {
                for id in head.stacks.keys() {
                    let file = origins.stack(id);
                    let Some(lock) = file.strip_suffix(".toml").map(|s| format!("{s}.lock")) else {
                        continue;
                    };
                    let max = crate::model::validate::MAX_FILE_SIZE;
                    let is_file = source
                        .entry(&lock)
                        .ok()
                        .flatten()
                        .is_some_and(|e| e.kind == source::EntryKind::File && e.size <= max);
                    if let Some(text) = is_file
                        .then(|| source.read(&lock, max).ok())
                        .flatten()
                        .and_then(|b| String::from_utf8(b).ok())
                    {
                        locks.insert(id.clone(), text);
                    }
                }
            },
        )?;
        Ok((loaded, locks))
    }

    /// `load_scoped`, with `also` given the source and the loaded registry to read more.
    fn load_reading(
        &self,
        stack: Option<StackRef<'_>>,
        strict: bool,
        scope: catalog::cache::Scope,
        also: impl FnOnce(&dyn Source, &crate::model::Registry, &crate::model::Origins),
    ) -> Result<Loaded, Error> {
        let source = self.open(stack)?;
        let cache = catalog::cache::IndexCache::locate().map(|c| c.scoped(scope));
        let loaded = catalog::load_cached(source.as_ref(), cache.as_ref(), |head, origins, _| {
            also(source.as_ref(), head, origins);
            Vec::new()
        })?;
        if loaded.from_cache {
            self.status("registry: read from the index cache");
        }
        let errors: Vec<_> = loaded.diagnostics.iter().filter(|d| d.is_error()).collect();
        if let Some(first) = errors.first() {
            if strict {
                return Err(Error::InvalidRegistry {
                    registry: loaded.registry.source.source.clone(),
                    count: errors.len(),
                    first: format!(
                        "{}: {}",
                        crate::report::validation::location(first),
                        first.message
                    ),
                });
            }
            self.warn(&format!(
                "the registry has {} error(s); showing what could be read (run `stackreg validate`)",
                errors.len()
            ));
        }
        Ok(loaded)
    }
}
