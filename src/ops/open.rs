//! Finding, opening and loading the registry a command reads: the discovery rules, the
//! revision to read, fetching a remote registry (and fetching once more for a revision the
//! cache does not have yet), the signature policy, and the index cache. Every command
//! opens its registry through here, so these decisions are made in one place.

use std::collections::BTreeMap;
use std::path::Path;

use super::Session;
use crate::catalog;
use crate::error::Error;
use crate::model::validate::MAX_FILE_SIZE;
use crate::model::{Excerpt, Focus, Id, Listing, Loaded, Origins, Registry, Snapshot};
use crate::source::dir::DirSource;
use crate::source::discover::{self, Location, Origin};
use crate::source::git::{GitError, GitSource};
use crate::source::remote::{self, FetchPolicy, RemoteError};
use crate::source::signature::{AllowedSigners, SignatureError};
use crate::source::{self, EntryKind, Source};

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

impl Session<'_> {
    /// Where the registry is, by the documented rules, and the revision to read: `--rev`,
    /// else the stack's `rev`.
    pub fn locate(
        &self,
        stack: Option<StackRef<'_>>,
    ) -> Result<(Location, Origin, Option<String>), Error> {
        let (location, origin) = discover::find(
            self.settings.registry.as_deref(),
            self.settings.registry_env.as_deref(),
            stack.map(|s| (s.path, s.registry)),
            &self.settings.cwd,
        )?;
        let rev = self.settings.rev.clone().or_else(|| match (origin, stack) {
            (Origin::Stack, Some(s)) => s.rev.map(str::to_owned),
            _ => None,
        });
        Ok((location, origin, rev))
    }

    /// Finds and opens the registry. `stack` is the stack file the command reads, if any.
    pub fn open(&self, stack: Option<StackRef<'_>>) -> Result<Box<dyn Source>, Error> {
        self.open_at(stack, None)
    }

    /// Like `open`, but at git revision `at` whatever `--rev` says.
    pub fn open_at(
        &self,
        stack: Option<StackRef<'_>>,
        at: Option<&str>,
    ) -> Result<Box<dyn Source>, Error> {
        let (location, origin, rev) = self.locate(stack)?;
        let rev = at.map(str::to_owned).or(rev);
        self.status(&format!("registry: {location} (from {origin})"));
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
                let policy = FetchPolicy::from_env(self.settings.offline)?;
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
        if let Some(path) = &self.settings.require_signed {
            out.push(AllowedSigners::read(path)?);
        }
        if let Some(StackRef {
            path,
            allowed_signers: Some(signers),
            ..
        }) = stack
        {
            let dir = super::folder_of(path);
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
        match source::git::discover(path) {
            Ok(_) => {}
            Err(e @ GitError::NotOwned { .. }) => return Err(e.into()),
            Err(_) => return Err(SignatureError::NotGit { registry: shown }.into()),
        }
        let changed = source::git::uncommitted_changes(path)?;
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

    /// Opens the cached copy of a remote registry at `rev` (default: its default branch),
    /// cloning or fetching first as `policy` says. A revision the cache does not have yet
    /// is worth one fetch before giving up.
    pub fn open_remote(
        &self,
        url: &str,
        policy: FetchPolicy,
        rev: Option<&str>,
    ) -> Result<GitSource, Error> {
        let cache = self.remote_cache()?;
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
        let loaded = catalog::load(&source)?;
        if loaded.error_count() > 0 {
            self.warn(&format!(
                "the registry at {} has errors; matching against what could be read",
                dir.display()
            ));
        }
        Ok(loaded)
    }

    /// Opens and loads the whole registry. With `strict`, a registry with errors stops the
    /// command; otherwise each error is a warning and the rest is used.
    pub fn load(&self, stack: Option<StackRef<'_>>, strict: bool) -> Result<Loaded, Error> {
        let (loaded, ()) = self.load_reading(stack, strict, |_, _, _| {})?;
        Ok(loaded)
    }

    /// Every component of the registry, for a listing (no interfaces or stacks).
    pub fn load_listing(&self) -> Result<Loaded<Listing>, Error> {
        let source = self.open(None)?;
        let cache = self.index_cache();
        let (loaded, fresh) = catalog::load_listing(source.as_ref(), cache.as_ref())?;
        self.finish_later(fresh);
        self.judge(&loaded, false)?;
        Ok(loaded)
    }

    /// The part of the registry about one component or interface.
    pub fn load_excerpt(&self, focus: &Focus) -> Result<Loaded<Excerpt>, Error> {
        let source = self.open(None)?;
        let cache = self.index_cache();
        let (loaded, fresh) = catalog::load_excerpt(source.as_ref(), cache.as_ref(), focus)?;
        self.finish_later(fresh);
        self.judge(&loaded, false)?;
        Ok(loaded)
    }

    /// Like `load`, with the text of each reference stack's lock file (`stacks/<id>.lock`,
    /// a regular file within the size limit) read from the same source; `strict` as `load`.
    pub fn load_with_reference_locks(
        &self,
        strict: bool,
    ) -> Result<(Loaded, BTreeMap<Id, String>), Error> {
        self.load_reading(None, strict, |source, head, origins| {
            let mut locks = BTreeMap::new();
            for id in head.stacks.keys() {
                if let Some(text) = reference_lock(source, origins, id) {
                    locks.insert(id.clone(), text);
                }
            }
            locks
        })
    }

    /// The versions of a reference stack's lock file text (from
    /// `load_with_reference_locks`), as `resolve` reads them; one that does not parse is a
    /// warning naming `whose` lock it is and what is done `without` it.
    pub fn reference_lock_versions(
        &self,
        text: &str,
        whose: &str,
        without: &str,
    ) -> Option<BTreeMap<Id, semver::Version>> {
        match crate::resolve::lock::LockFile::parse(text) {
            Ok(lock) => Some(lock.versions()),
            Err(e) => {
                self.warn(&format!(
                    "the lock file of {whose} is not readable ({}); {without}",
                    e.message
                ));
                None
            }
        }
    }

    /// `load`, with `also` given the source and the loaded registry to read more.
    fn load_reading<T: Default>(
        &self,
        stack: Option<StackRef<'_>>,
        strict: bool,
        also: impl FnOnce(&dyn Source, &Registry, &Origins) -> T,
    ) -> Result<(Loaded, T), Error> {
        let source = self.open(stack)?;
        let cache = self.index_cache();
        let mut more = T::default();
        let loaded = catalog::load_cached(source.as_ref(), cache.as_ref(), |head, origins, _| {
            more = also(source.as_ref(), head, origins);
            Vec::new()
        })?;
        self.judge(&loaded, strict)?;
        Ok((loaded, more))
    }

    /// Says where a load came from, and stops (with `strict`) or warns when the registry
    /// has errors.
    fn judge<R: Snapshot>(&self, loaded: &Loaded<R>, strict: bool) -> Result<(), Error> {
        if loaded.from_cache {
            self.status("registry: read from the index cache");
        }
        let errors: Vec<_> = loaded.diagnostics.iter().filter(|d| d.is_error()).collect();
        let Some(first) = errors.first() else {
            return Ok(());
        };
        if strict {
            return Err(Error::InvalidRegistry {
                registry: loaded.registry.source_info().source.clone(),
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
        Ok(())
    }
}

/// The text of reference stack `id`'s lock file (`stacks/<id>.lock`), when it is a
/// regular file within the size limit.
pub fn reference_lock(source: &dyn Source, origins: &Origins, id: &Id) -> Option<String> {
    let file = origins.stack(id);
    let lock = file.strip_suffix(".toml").map(|s| format!("{s}.lock"))?;
    let is_file = source
        .entry(&lock)
        .ok()
        .flatten()
        .is_some_and(|e| e.kind == EntryKind::File && e.size <= MAX_FILE_SIZE);
    is_file
        .then(|| source.read(&lock, MAX_FILE_SIZE).ok())
        .flatten()
        .and_then(|b| String::from_utf8(b).ok())
}
