//! What each command does, callable and testable in process.
//!
//! A function here takes what the command line parsed (plain values, no clap types) and a
//! `Session` (the global settings, and where progress and warnings go), and returns the
//! command's answer as data: a report to print, or a negative answer with the reason.
//! Finding and opening the registry (discovery, fetches and their retries, signature
//! policy, the index cache) is decided here once, in `open`, for every command. Nothing
//! here prints: `cli` chooses the format and writes the answer.

pub mod catalogue;
pub mod export;
pub mod import;
pub mod open;
pub mod plan;
pub mod planning;
pub mod registry;
pub mod resolve;
pub mod site;
pub mod stack;
pub mod validate;

use std::path::PathBuf;

use crate::env::{self, EnvError, EnvVars};

pub use open::StackRef;
pub use stack::{OpenStack, StackFile};

/// The settings every command shares: the global options, and the environment they
/// default from.
#[derive(Debug, Clone, Default)]
pub struct Settings {
    /// `--registry`.
    pub registry: Option<String>,
    /// `STACKREG_REGISTRY`.
    pub registry_env: Option<String>,
    /// `--rev`.
    pub rev: Option<String>,
    /// `--offline`: never fetch.
    pub offline: bool,
    /// `--max-steps` (or `STACKREG_MAX_STEPS`), if given.
    pub max_steps: Option<u64>,
    /// `--require-signed` (or `STACKREG_REQUIRE_SIGNED`).
    pub require_signed: Option<PathBuf>,
    /// The folder relative paths are read from.
    pub cwd: PathBuf,
    /// The cache folder (clones of remote registries, the index cache); `None`:
    /// `STACKREG_CACHE`, else the platform's cache folder.
    pub cache: Option<PathBuf>,
    /// The process ends after this command: loaded registries are left for the
    /// operating system to reclaim (`Session::done_with`) instead of being freed.
    pub exits_after: bool,
}

impl Settings {
    /// The settings with `STACKREG_REGISTRY` read from the environment.
    pub fn with_env(mut self) -> Result<Settings, EnvError> {
        self.registry_env = env::var(EnvVars::STACKREG_REGISTRY)?;
        Ok(self)
    }

    /// The bound on solver steps for one resolution: `--max-steps` or the default.
    pub fn max_steps(&self) -> u64 {
        self.max_steps.unwrap_or(crate::resolve::DEFAULT_MAX_STEPS)
    }
}

/// Where a command's messages go while it works: the command line prints them on stderr;
/// a test can collect them.
pub trait Messages {
    /// Something the user should know that does not stop the command.
    fn warn(&self, message: &str);
    /// What was done (a file written), unless quiet.
    fn note(&self, message: &str);
    /// What is happening, for `--verbose`.
    fn status(&self, message: &str);
    /// Work that may take a while (network fetches), unless quiet.
    fn progress(&self, message: &str);
    /// Long work has done `done` of `total` units of `what` (`done >= total`: it ended).
    /// The command line shows a progress bar on a terminal; by default nothing.
    fn advance(&self, _what: &str, _done: u64, _total: u64) {}
}

/// Messages dropped: for callers that want only the answer.
pub struct Silent;

impl Messages for Silent {
    fn warn(&self, _: &str) {}
    fn note(&self, _: &str) {}
    fn status(&self, _: &str) {}
    fn progress(&self, _: &str) {}
}

/// One command's settings and where its messages go.
pub struct Session<'a> {
    pub settings: Settings,
    messages: &'a dyn Messages,
}

impl<'a> Session<'a> {
    pub fn new(settings: Settings, messages: &'a dyn Messages) -> Session<'a> {
        Session { settings, messages }
    }

    pub fn warn(&self, message: &str) {
        self.messages.warn(message);
    }

    pub fn note(&self, message: &str) {
        self.messages.note(message);
    }

    pub fn status(&self, message: &str) {
        self.messages.status(message);
    }

    pub fn progress(&self, message: &str) {
        self.messages.progress(message);
    }

    pub fn advance(&self, what: &str, done: u64, total: u64) {
        self.messages.advance(what, done, total);
    }

    /// Done with `loaded` (a registry, or what holds one). Freeing a large registry piece
    /// by piece takes longer than many answers take (measured in docs/PERFORMANCE.md), so
    /// when the process ends after this command (`Settings::exits_after`, set by the
    /// command line) it is kept until then and the operating system reclaims the memory
    /// at exit; otherwise (a caller in process) it is dropped here.
    pub fn done_with<T: Send + 'static>(&self, loaded: T) {
        if self.settings.exits_after {
            keep_until_exit(Box::new(loaded));
        }
    }

    /// Stores a registry just read (`catalog::Fresh`) in the index cache. When the process
    /// ends after this command, that is done on a thread of its own while the answer is
    /// made and printed (the process waits for it: `wait_for_background`), and the load
    /// is then kept until exit as `done_with` keeps it; otherwise it is done here.
    pub fn finish_later(&self, fresh: Option<crate::catalog::Fresh>) {
        let Some(fresh) = fresh else {
            return;
        };
        if !self.settings.exits_after {
            fresh.store();
            return;
        }
        let work = std::thread::Builder::new()
            .name("store".into())
            .spawn(move || {
                fresh.store();
                keep_until_exit(Box::new(fresh));
            });
        // Without a thread, the load is simply not stored: the cache is an optimisation.
        if let (Ok(handle), Ok(mut pending)) = (work, BACKGROUND.lock()) {
            pending.push(handle);
        }
    }

    /// The cache of remote registries' clones.
    pub fn remote_cache(
        &self,
    ) -> Result<crate::source::remote::Cache, crate::source::remote::RemoteError> {
        match &self.settings.cache {
            Some(dir) => Ok(crate::source::remote::Cache::at(dir.clone())),
            None => crate::source::remote::Cache::locate(),
        }
    }

    /// The index cache of loaded registries, when there is a cache folder.
    pub fn index_cache(&self) -> Option<crate::catalog::cache::IndexCache> {
        self.remote_cache()
            .ok()
            .map(|c| crate::catalog::cache::IndexCache::at(c.root().join("index")))
    }

    /// Resolution options with this command's step bound.
    pub fn options(&self) -> crate::resolve::Options {
        crate::resolve::Options {
            max_steps: self.settings.max_steps(),
            ..crate::resolve::Options::default()
        }
    }
}

/// What `Session::done_with` keeps: a static is never dropped, so nothing in it is freed
/// before the process exits. This is the one place the program leaves memory to the
/// operating system.
static KEPT: std::sync::Mutex<Vec<Box<dyn std::any::Any + Send>>> =
    std::sync::Mutex::new(Vec::new());

/// Work left running on threads of its own by `Session::finish_later`.
static BACKGROUND: std::sync::Mutex<Vec<std::thread::JoinHandle<()>>> =
    std::sync::Mutex::new(Vec::new());

/// Waits for the work `Session::finish_later` left running; the command line calls this
/// before the process exits.
pub fn wait_for_background() {
    let pending = match BACKGROUND.lock() {
        Ok(mut pending) => std::mem::take(&mut *pending),
        Err(_) => return,
    };
    for handle in pending {
        // A panic there lost a cache entry at most; the command's answer stands.
        let _ = handle.join();
    }
}

fn keep_until_exit(value: Box<dyn std::any::Any + Send>) {
    if let Ok(mut kept) = KEPT.lock() {
        kept.push(value);
    }
}

/// A command's answer: the data to print, or a negative answer (exit 1) and why.
#[derive(Debug)]
pub enum Answer<T> {
    Yes(T),
    /// Why the answer is negative, for stderr.
    No(String),
}

/// The folder holding `file`: `.` for a bare file name.
pub(crate) fn folder_of(file: &std::path::Path) -> &std::path::Path {
    match file.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => std::path::Path::new("."),
    }
}
