//! Remote registries: a bare clone of the registry's git repository in a local cache,
//! fetched when it is older than a short time-to-live (or on `registry fetch`), and read at
//! one commit with no checkout.
//!
//! The cache is shared by every run on the machine, so it is changed only under an
//! exclusive file lock per URL. A first clone is made in a temporary folder and renamed into
//! place; a later fetch writes its objects before any ref, and each ref through git's own
//! lock files, so an interrupted or failed fetch leaves the previous copy readable. Readers
//! take no lock: objects are never deleted and refs change atomically.
//!
//! Layout, under `$STACKREG_CACHE` (default: the platform cache folder + `stackreg`):
//!
//! ```text
//! git/<slug>-<hash>/          bare repository: refs/heads/*, refs/tags/*,
//!                             refs/remotes/origin/HEAD (the remote's default branch)
//! git/<slug>-<hash>.lock      held while the copy is cloned or fetched
//! git/<slug>-<hash>.fetched   when it was last fetched (seconds since 1970) and the commit
//! ```

use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use git2::{AutotagOption, FetchOptions, FetchPrune, ObjectType, Oid, ProxyOptions, Repository};

use super::files;
use super::git::{GitCause, GitError, GitSource};
use crate::env::{self, EnvError, EnvVars};

/// What remote reading is allowed to do.
#[derive(Debug, Clone, Copy)]
pub struct FetchPolicy {
    /// Never touch the network: read the cached copy or fail.
    pub offline: bool,
    /// Fetch even when the copy is fresh.
    pub force: bool,
    /// How old a copy may be before it is fetched again.
    pub ttl: Duration,
}

/// The default time-to-live of a cached copy: 10 minutes.
pub const DEFAULT_TTL: Duration = Duration::from_secs(600);

impl FetchPolicy {
    /// The policy for ordinary reads: `STACKREG_FETCH_TTL` seconds, or ten minutes.
    pub fn from_env(offline: bool) -> Result<FetchPolicy, EnvError> {
        let ttl =
            env::seconds(EnvVars::STACKREG_FETCH_TTL)?.map_or(DEFAULT_TTL, Duration::from_secs);
        Ok(FetchPolicy {
            offline,
            force: false,
            ttl,
        })
    }
}

/// Why a remote registry could not be read.
#[derive(Debug, thiserror::Error)]
pub enum RemoteError {
    #[error("{url}: {scheme} URLs are not supported by this build of stackreg")]
    UnsupportedScheme { url: String, scheme: &'static str },
    #[error("no cache folder for remote registries could be found (set STACKREG_CACHE)")]
    NoCacheDir,
    #[error("could not use the cache folder {}", path.display())]
    CacheIo {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("could not fetch {url}")]
    Fetch {
        url: String,
        /// When the copy still in the cache was fetched, if there is one.
        cached_at: Option<SystemTime>,
        #[source]
        source: GitCause,
    },
    #[error("{url} is not in the cache, and --offline forbids fetching it")]
    NotCached { url: String },
    #[error("the cached copy of {url} in {} is damaged", path.display())]
    Damaged {
        url: String,
        path: PathBuf,
        #[source]
        source: GitCause,
    },
    #[error(
        "{url} holds no registry at {commit}: neither registry.toml nor registry/registry.toml exists"
    )]
    NoRegistry { url: String, commit: String },
    #[error(transparent)]
    Git(#[from] GitError),
}

/// The refs a cached copy mirrors: every branch and tag, and the remote's default branch.
const REFSPECS: [&str; 3] = [
    "+refs/heads/*:refs/heads/*",
    "+refs/tags/*:refs/tags/*",
    "+HEAD:refs/remotes/origin/HEAD",
];

/// The ref that names the remote's default branch in a cached copy.
pub const DEFAULT_REF: &str = "refs/remotes/origin/HEAD";

/// Refuses URL schemes this build cannot fetch, before anything is written.
pub fn check_url(url: &str) -> Result<(), RemoteError> {
    let scheme = if url.starts_with("ssh://") || !url.contains("://") {
        Some("ssh")
    } else if url.starts_with("https://") && !cfg!(feature = "https") {
        Some("https")
    } else {
        None
    };
    match scheme {
        Some(scheme) => Err(RemoteError::UnsupportedScheme {
            url: redact(url),
            scheme,
        }),
        None => Ok(()),
    }
}

/// The folder that holds cached copies of remote registries.
#[derive(Debug, Clone)]
pub struct Cache {
    root: PathBuf,
}

/// A cached copy, opened.
pub struct Cached {
    pub repo: Repository,
    /// The bare repository's folder.
    pub path: PathBuf,
    /// When it was last fetched, if known.
    pub fetched_at: Option<SystemTime>,
    /// Whether this call fetched it.
    pub fetched_now: bool,
}

impl Cache {
    /// `$STACKREG_CACHE`, else the platform's cache folder (`$XDG_CACHE_HOME` or
    /// `~/.cache` on Linux) + `stackreg`.
    pub fn locate() -> Result<Cache, RemoteError> {
        match env::var_os(EnvVars::STACKREG_CACHE) {
            Some(dir) => Ok(Cache::at(PathBuf::from(dir))),
            None => dirs::cache_dir()
                .map(|d| Cache::at(d.join("stackreg")))
                .ok_or(RemoteError::NoCacheDir),
        }
    }

    pub fn at(root: PathBuf) -> Cache {
        Cache { root }
    }

    /// The cache folder.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Where the copy of `url` lives (it may not exist yet).
    pub fn path_of(&self, url: &str) -> PathBuf {
        self.root.join("git").join(key(url))
    }

    /// Opens the cached copy of `url`, cloning or fetching it first as `policy` says.
    /// `progress` is told about network work before it starts.
    pub fn open(
        &self,
        url: &str,
        policy: FetchPolicy,
        progress: &dyn Fn(&str),
    ) -> Result<Cached, RemoteError> {
        check_url(url)?;
        let dir = self.path_of(url);
        let stamp = with_extension(&dir, "fetched");
        let exists = dir.join("HEAD").is_file();
        if policy.offline {
            if !exists {
                return Err(RemoteError::NotCached { url: redact(url) });
            }
            return self.open_existing(url, &dir, read_stamp(&stamp), false);
        }
        if exists && !policy.force && is_fresh(read_stamp(&stamp), policy.ttl) {
            return self.open_existing(url, &dir, read_stamp(&stamp), false);
        }
        let parent = dir.parent().unwrap_or(&self.root).to_path_buf();
        fs::create_dir_all(&parent).map_err(|source| RemoteError::CacheIo {
            path: parent.clone(),
            source,
        })?;
        let lock = with_extension(&dir, "lock");
        let waiting = || {
            progress(&format!(
                "Waiting for another run to finish fetching {}",
                redact(url)
            ))
        };
        files::with_lock(&lock, waiting, || {
            // Another run may have fetched while this one waited.
            let stamp_now = read_stamp(&stamp);
            let exists = dir.join("HEAD").is_file();
            if exists && !policy.force && is_fresh(stamp_now, policy.ttl) {
                return self.open_existing(url, &dir, stamp_now, false);
            }
            if exists {
                progress(&format!("Fetching {}", redact(url)));
                self.fetch_existing(url, &dir, &stamp, stamp_now)
            } else {
                progress(&format!("Cloning {}", redact(url)));
                self.clone_new(url, &dir, &parent, &stamp)
            }
        })
        .map_err(|source| RemoteError::CacheIo { path: lock, source })?
    }

    fn open_existing(
        &self,
        url: &str,
        dir: &Path,
        fetched_at: Option<SystemTime>,
        fetched_now: bool,
    ) -> Result<Cached, RemoteError> {
        let repo = Repository::open_bare(dir).map_err(|e| RemoteError::Damaged {
            url: redact(url),
            path: dir.to_path_buf(),
            source: GitCause(e),
        })?;
        Ok(Cached {
            repo,
            path: dir.to_path_buf(),
            fetched_at,
            fetched_now,
        })
    }

    fn fetch_existing(
        &self,
        url: &str,
        dir: &Path,
        stamp: &Path,
        before: Option<SystemTime>,
    ) -> Result<Cached, RemoteError> {
        let repo = Repository::open_bare(dir).map_err(|e| RemoteError::Damaged {
            url: redact(url),
            path: dir.to_path_buf(),
            source: GitCause(e),
        })?;
        // Lock files left by a run that was killed mid-fetch would block every later
        // fetch; this run holds the cache lock, so any it finds are stale.
        remove_stale_locks(dir);
        fetch(&repo, url).map_err(|e| RemoteError::Fetch {
            url: redact(url),
            cached_at: before,
            source: GitCause(e),
        })?;
        fetched_now(repo, dir, stamp)
    }

    fn clone_new(
        &self,
        url: &str,
        dir: &Path,
        parent: &Path,
        stamp: &Path,
    ) -> Result<Cached, RemoteError> {
        let io = |source| RemoteError::CacheIo {
            path: parent.to_path_buf(),
            source,
        };
        let name = dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        remove_stale_clones(parent, &name);
        let tmp = tempfile::Builder::new()
            .prefix(&format!(".tmp-{name}-"))
            .tempdir_in(parent)
            .map_err(io)?;
        {
            let repo = Repository::init_bare(tmp.path()).map_err(|e| RemoteError::Damaged {
                url: redact(url),
                path: tmp.path().to_path_buf(),
                source: GitCause(e),
            })?;
            fetch(&repo, url).map_err(|e| RemoteError::Fetch {
                url: redact(url),
                cached_at: None,
                source: GitCause(e),
            })?;
        }
        // The copy is complete: move it into place in one rename. The temporary folder
        // is kept from deletion only once the rename succeeded.
        let tmp_path = tmp.path().to_path_buf();
        fs::rename(&tmp_path, dir).map_err(io)?;
        let _ = tmp.keep();
        let repo = Repository::open_bare(dir).map_err(|e| RemoteError::Damaged {
            url: redact(url),
            path: dir.to_path_buf(),
            source: GitCause(e),
        })?;
        fetched_now(repo, dir, stamp)
    }
}

/// Fetches every branch, every tag and the default branch of `url` into `repo`, pruning
/// refs the remote no longer has, and points `HEAD` at the default branch.
fn fetch(repo: &Repository, url: &str) -> Result<(), git2::Error> {
    let mut remote = repo.remote_anonymous(url)?;
    let mut proxy = ProxyOptions::new();
    proxy.auto();
    let mut opts = FetchOptions::new();
    opts.prune(FetchPrune::On)
        .update_fetchhead(false)
        .download_tags(AutotagOption::None)
        .proxy_options(proxy);
    remote.fetch(&REFSPECS, Some(&mut opts), Some("stackreg: fetch"))?;
    repo.set_head(DEFAULT_REF)?;
    Ok(())
}

/// The cache folder name of a URL: a readable slug and a hash of the exact URL, so that
/// two URLs never share a copy.
pub fn key(url: &str) -> String {
    let redacted = redact(url);
    let rest = redacted
        .split_once("://")
        .map_or(redacted.as_str(), |(_, rest)| rest);
    let rest = rest.strip_prefix("***@").unwrap_or(rest);
    let mut slug = String::new();
    for c in rest.chars() {
        let c = c.to_ascii_lowercase();
        if c.is_ascii_alphanumeric() {
            slug.push(c);
        } else if !slug.ends_with('-') {
            slug.push('-');
        }
    }
    let slug = slug.trim_matches('-');
    let slug: String = slug
        .chars()
        .rev()
        .take(48)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    let slug = slug.trim_start_matches('-');
    let hash = Oid::hash_object(ObjectType::Blob, url.as_bytes())
        .map(|o| o.to_string())
        .unwrap_or_default();
    let hash = &hash[..hash.len().min(16)];
    if slug.is_empty() {
        hash.to_owned()
    } else {
        format!("{slug}-{hash}")
    }
}

/// The URL with any user name and password in it replaced by `***`, for messages, cache
/// folder names and the source recorded in reports and lock files.
pub fn redact(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let authority_end = rest.find('/').unwrap_or(rest.len());
    match rest[..authority_end].rfind('@') {
        Some(at) => format!("{scheme}://***@{}", &rest[at + 1..]),
        None => url.to_owned(),
    }
}

fn with_extension(dir: &Path, ext: &str) -> PathBuf {
    let mut name = dir
        .file_name()
        .map(|n| n.to_os_string())
        .unwrap_or_default();
    name.push(".");
    name.push(ext);
    dir.with_file_name(name)
}

fn read_stamp(path: &Path) -> Option<SystemTime> {
    let text = fs::read_to_string(path).ok()?;
    let secs: u64 = text.lines().next()?.trim().parse().ok()?;
    UNIX_EPOCH.checked_add(Duration::from_secs(secs))
}

/// A copy just fetched or cloned: stamped now, and said to be fresh.
fn fetched_now(repo: Repository, dir: &Path, stamp: &Path) -> Result<Cached, RemoteError> {
    let now = SystemTime::now();
    write_stamp(stamp, now, &repo)?;
    Ok(Cached {
        repo,
        path: dir.to_path_buf(),
        fetched_at: Some(now),
        fetched_now: true,
    })
}

fn write_stamp(path: &Path, at: SystemTime, repo: &Repository) -> Result<(), RemoteError> {
    let secs = at.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let commit = repo
        .refname_to_id(DEFAULT_REF)
        .map(|o| o.to_string())
        .unwrap_or_default();
    crate::atomic::write(path, format!("{secs}\n{commit}\n").as_bytes()).map_err(|source| {
        RemoteError::CacheIo {
            path: path.to_path_buf(),
            source,
        }
    })
}

fn is_fresh(fetched_at: Option<SystemTime>, ttl: Duration) -> bool {
    fetched_at
        .and_then(|t| SystemTime::now().duration_since(t).ok())
        .is_some_and(|age| age < ttl)
}

/// Removes git lock files, and the half-written packs and objects of fetches that were
/// killed, from a cached copy. Only called while holding the cache lock.
fn remove_stale_locks(dir: &Path) {
    // In `objects/pack`, a whole pack is `pack-<id>.pack` with its `.idx` (and maybe
    // `.rev`); anything else there (libgit2's `pack_git2_*` temporary packs, a `.lock` of
    // an index being written) is what a killed fetch left.
    if let Ok(entries) = fs::read_dir(dir.join("objects/pack")) {
        for e in entries.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            let whole = name.starts_with("pack-") && !name.ends_with(".lock");
            if !whole && e.file_type().is_ok_and(|t| t.is_file()) {
                let _ = fs::remove_file(e.path());
            }
        }
    }
    if let Ok(entries) = fs::read_dir(dir.join("objects")) {
        for e in entries.flatten() {
            if e.file_name()
                .to_string_lossy()
                .starts_with("tmp_object_git2_")
            {
                let _ = fs::remove_file(e.path());
            }
        }
    }
    // Git's own lock files at the top (`packed-refs.lock`, `HEAD.lock`, `config.lock`,
    // `FETCH_HEAD.lock`, `shallow.lock`, ...); stackreg's lock sits beside the copy, not in it.
    if let Ok(entries) = fs::read_dir(dir) {
        for e in entries.flatten() {
            let path = e.path();
            if e.file_type().is_ok_and(|t| t.is_file())
                && path.extension().is_some_and(|x| x == "lock")
            {
                let _ = fs::remove_file(path);
            }
        }
    }
    let mut stack = vec![dir.join("refs")];
    while let Some(d) = stack.pop() {
        let Ok(entries) = fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let path = e.path();
            match e.file_type() {
                Ok(t) if t.is_dir() => stack.push(path),
                Ok(t) if t.is_file() && path.extension().is_some_and(|x| x == "lock") => {
                    let _ = fs::remove_file(path);
                }
                _ => {}
            }
        }
    }
}

/// Removes half-made first clones of `name` left by runs that were killed. Only called
/// while holding the cache lock.
fn remove_stale_clones(parent: &Path, name: &str) {
    let prefix = format!(".tmp-{name}-");
    let Ok(entries) = fs::read_dir(parent) else {
        return;
    };
    for e in entries.flatten() {
        if e.file_name().to_string_lossy().starts_with(&prefix) {
            let _ = fs::remove_dir_all(e.path());
        }
    }
}

/// Opens the registry in a cached copy at `rev` (default: the remote's default branch).
/// The registry is the repository root, or its `registry/` folder when the root has no
/// `registry.toml`.
pub fn source(cached: Cached, url: &str, rev: Option<&str>) -> Result<GitSource, RemoteError> {
    let rev = rev.unwrap_or(DEFAULT_REF);
    let commit = cached
        .repo
        .revparse_single(rev)
        .and_then(|o| o.peel_to_commit())
        .map_err(|source| super::git::revision_error(rev, &redact(url), source))?;
    let id = commit.id();
    let tree = commit.tree().map_err(|source| GitError::Git {
        doing: format!("reading the tree of {id}"),
        source: source.into(),
    })?;
    let sub = if tree.get_name("registry.toml").is_some() {
        ""
    } else if tree.get_path(Path::new("registry/registry.toml")).is_ok() {
        "registry"
    } else {
        return Err(RemoteError::NoRegistry {
            url: redact(url),
            commit: id.to_string(),
        });
    };
    drop(tree);
    drop(commit);
    Ok(GitSource::from_repo(
        cached.repo,
        sub,
        &id.to_string(),
        redact(url),
    )?)
}

/// How long ago `at` was, in words: `3 minutes ago`, `2 days ago`.
pub fn age(at: SystemTime) -> String {
    let secs = SystemTime::now()
        .duration_since(at)
        .map_or(0, |d| d.as_secs());
    let (n, unit) = match secs {
        0..60 => return "just now".to_owned(),
        60..3600 => (secs / 60, "minute"),
        3600..86_400 => (secs / 3600, "hour"),
        _ => (secs / 86_400, "day"),
    };
    format!("{n} {unit}{} ago", if n == 1 { "" } else { "s" })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_readable_and_distinct() {
        let a = key("https://github.com/council/registry.git");
        assert!(a.starts_with("github-com-council-registry-git-"), "{a}");
        assert_ne!(a, key("https://github.com/council/registry"));
        assert_eq!(a, key("https://github.com/council/registry.git"));
        let b = key("file:///");
        assert_eq!(b.len(), 16);
        let long = key(&format!("https://example.com/{}", "x".repeat(200)));
        assert!(long.len() <= 48 + 17, "{long}");
    }

    #[test]
    fn credentials_never_reach_messages_or_folder_names() {
        let url = "https://council:s3cret-token@git.example.org/registry.git";
        assert_eq!(redact(url), "https://***@git.example.org/registry.git");
        assert!(!key(url).contains("s3cret"), "{}", key(url));
        assert!(
            key(url).starts_with("git-example-org-registry-git-"),
            "{}",
            key(url)
        );
        assert_ne!(key(url), key("https://git.example.org/registry.git"));
        assert_eq!(redact("file:///srv/a@b/x.git"), "file:///srv/a@b/x.git");
    }

    #[test]
    fn refuses_ssh_urls() {
        assert!(matches!(
            check_url("git@github.com:council/registry.git"),
            Err(RemoteError::UnsupportedScheme { scheme: "ssh", .. })
        ));
        assert!(check_url("ssh://host/x.git").is_err());
        assert!(check_url("git://host/x.git").is_ok());
        assert!(check_url("file:///srv/x.git").is_ok());
    }

    #[test]
    fn freshness_follows_the_ttl() {
        let now = SystemTime::now();
        assert!(is_fresh(Some(now), Duration::from_secs(60)));
        assert!(!is_fresh(
            Some(now - Duration::from_secs(120)),
            Duration::from_secs(60)
        ));
        assert!(!is_fresh(None, Duration::from_secs(60)));
        assert!(!is_fresh(Some(now), Duration::ZERO));
    }
}
