//! Errors that stop a command ("could not run", exit 2), as data with the file, line and
//! id they concern. Negative answers (invalid manifests, no plan, a stale lock) are not
//! errors: commands return them as their outcome.

use std::path::PathBuf;

use crate::catalog::LoadError;
pub use crate::causes::{causes, chain};
use crate::diagnostic::Diagnostic;
use crate::maintain::init::InitError;
use crate::maintain::publish::PublishError;
use crate::source::SourceError;
use crate::source::discover::NotFound;
use crate::source::git::GitError;
use crate::source::remote::RemoteError;

/// Everything that can stop a command.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    RegistryNotFound(#[from] NotFound),
    #[error(transparent)]
    Load(#[from] LoadError),
    #[error(transparent)]
    Source(#[from] SourceError),
    #[error(transparent)]
    Git(#[from] GitError),
    /// A file named on the command line (or next to one) that was refused or could not be
    /// read.
    #[error(transparent)]
    NamedFile(#[from] crate::source::files::ReadError),
    #[error("could not read {}", path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("could not write {}", path.display())]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// A file given on the command line is malformed.
    #[error("{}", .0.message)]
    File(Box<Diagnostic>),
    /// The registry has errors, so its answers cannot be trusted.
    #[error("the registry at {registry} has {count} error(s), starting with {first}")]
    InvalidRegistry {
        registry: String,
        count: usize,
        first: String,
    },
    #[error("no component `{id}` in the registry")]
    UnknownComponent {
        id: String,
        suggestion: Option<String>,
    },
    #[error("no interface `{id}` in the registry")]
    UnknownInterface {
        id: String,
        suggestion: Option<String>,
    },
    #[error("{id} has no release {version}")]
    UnknownRelease { id: String, version: String },
    #[error("--format {format} is not available for `{command}` (use {allowed})")]
    Format {
        format: String,
        command: &'static str,
        allowed: String,
    },
    #[error("--format {format} is not available for `{command}`, which prints {prints} only")]
    FixedFormat {
        format: String,
        command: &'static str,
        prints: &'static str,
    },
    #[error("{0}")]
    Usage(String),
    /// The command would destroy something; `hint` says what to do instead.
    #[error("{what}")]
    Refused { what: String, hint: String },
    #[error(transparent)]
    Http(#[from] crate::source::http::HttpError),
    #[error(transparent)]
    Export(#[from] crate::interop::publiccode::write::ExportError),
    #[error(transparent)]
    Resolve(#[from] crate::resolve::ResolveError),
    #[error("could not write the output")]
    Output(#[source] std::io::Error),
    // The registry's git operations.
    #[error(transparent)]
    Remote(#[from] RemoteError),
    #[error(transparent)]
    Publish(#[from] PublishError),
    #[error(transparent)]
    Init(#[from] InitError),
    // The static website.
    #[error(transparent)]
    Site(#[from] crate::site::output::OutputError),
    // Signed registries.
    #[error(transparent)]
    Signature(#[from] crate::source::signature::SignatureError),
    /// An environment variable set to something that cannot be used.
    #[error(transparent)]
    Env(#[from] crate::env::EnvError),
    #[error(transparent)]
    Today(#[from] crate::model::date::TodayError),
    /// A lock file, report or other output that could not be written as text.
    #[error("could not write {what}")]
    Serialize {
        what: String,
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
}

/// Planning errors are reported as the command line's own (same messages and hints).
impl From<crate::planning::PlanningError> for Error {
    fn from(e: crate::planning::PlanningError) -> Error {
        use crate::planning::PlanningError as P;
        match e {
            P::UnknownComponent { id, suggestion } => Error::UnknownComponent { id, suggestion },
            P::UnknownRelease { id, version } => Error::UnknownRelease { id, version },
            P::Usage(message) => Error::Usage(message),
            P::Resolve(e) => Error::Resolve(e),
        }
    }
}

impl Error {
    /// A next step to suggest, when there is an obvious one.
    pub fn hint(&self) -> Option<String> {
        match self {
            Error::RegistryNotFound(NotFound {
                not_owned: Some(repo),
                ..
            })
            | Error::Git(GitError::NotOwned { path: repo, .. })
            | Error::Publish(PublishError::Open(GitError::NotOwned { path: repo, .. })) => {
                Some(safe_directory_hint(repo))
            }
            Error::RegistryNotFound(_) => Some(
                "pass --registry PATH|URL, set STACKREG_REGISTRY, or run inside a repository with a registry/ folder".into(),
            ),
            Error::Load(LoadError::NotARegistry { .. }) => {
                Some("a registry folder starts with registry.toml; `stackreg registry init DIR` makes one".into())
            }
            Error::InvalidRegistry { .. } => Some("run `stackreg validate` to see every finding".into()),
            Error::UnknownComponent { suggestion: Some(s), .. }
            | Error::UnknownInterface { suggestion: Some(s), .. } => {
                Some(format!("did you mean `{s}`?"))
            }
            Error::UnknownComponent { .. } => Some("`stackreg list` shows every component".into()),
            Error::UnknownInterface { .. } => Some("`stackreg interfaces` shows every interface".into()),
            Error::File(d) => d.hint.clone(),
            Error::Refused { hint, .. } => Some(hint.clone()),
            Error::Export(e) => e.hint().map(str::to_owned),
            Error::Http(crate::source::http::HttpError::Offline { .. }) => {
                Some("leave out --offline, or download the file and import it by path".into())
            }
            Error::NamedFile(crate::source::files::ReadError::NotAFile {
                kind: crate::source::EntryKind::Symlink,
                ..
            }) => Some(crate::source::files::LINK_HINT.into()),
            Error::Load(LoadError::Source(crate::source::SourceError::Git { .. }))
            | Error::Git(GitError::Git { .. }) => Some(
                "the git repository may be damaged: `git fsck` checks it (a cached copy of a remote registry can be deleted and fetched again)".into(),
            ),
            Error::Env(e) | Error::Today(crate::model::date::TodayError::Env(e)) => {
                Some(format!("unset {} or set it to {}", e.name, e.expected))
            }
            Error::Resolve(_) => Some(
                "the registry may be adversarial; raise the limit with --max-steps or STACKREG_MAX_STEPS".into(),
            ),
            Error::Remote(e) => remote_hint(e),
            Error::Signature(e) => Some(signature_hint(e).into()),
            Error::Publish(e) => publish_hint(e),
            Error::Init(InitError::BadBranch { .. }) => Some(
                "branch names follow `git check-ref-format --branch`: no `..`, spaces, `~^:?*[\\`, and no leading `-` or trailing `.lock`".into(),
            ),
            Error::Init(InitError::NotEmpty { .. }) => {
                Some("give a new folder; `registry init` makes the repository itself".into())
            }
            Error::Site(crate::site::output::OutputError::NotASite { .. }) => Some(
                "give a new or empty folder, or add --force to write the site into it (what is in it is kept)".into(),
            ),
            Error::Site(
                crate::site::output::OutputError::InTheWay { .. }
                | crate::site::output::OutputError::CannotKeep { .. },
            ) => Some("move it out of the site folder, then run again".into()),
            Error::Site(crate::site::output::OutputError::Protected { .. }) => {
                Some("write the site to a folder of its own, such as `--out public`".into())
            }
            _ => None,
        }
    }

    /// Whether the error is a closed output pipe (`stackreg list | head`), which ends the
    /// command quietly.
    pub fn is_broken_pipe(&self) -> bool {
        matches!(self, Error::Output(e) if e.kind() == std::io::ErrorKind::BrokenPipe)
    }
}

/// What git itself suggests when it refuses a repository another user owns.
fn safe_directory_hint(repo: &str) -> String {
    format!(
        "if you trust the repository and its owner: git config --global --add safe.directory {repo}"
    )
}

fn remote_hint(e: &RemoteError) -> Option<String> {
    match e {
        RemoteError::UnsupportedScheme { scheme: "ssh", .. } => Some(
            "use the repository's https:// URL, or clone it yourself and pass --registry PATH".into(),
        ),
        RemoteError::UnsupportedScheme { .. } => {
            Some("this build has no TLS support; use a git:// or file:// URL, or a local clone".into())
        }
        RemoteError::Fetch {
            cached_at: Some(at),
            ..
        } => Some(format!(
            "a copy fetched {} is in the cache: add --offline to read it",
            crate::source::remote::age(*at)
        )),
        RemoteError::Fetch { .. } => Some("check the URL and that the server is reachable".into()),
        RemoteError::NotCached { .. } => Some(
            "run once without --offline (or `stackreg registry fetch`) while the server is reachable".into(),
        ),
        RemoteError::Damaged { path, .. } => Some(format!(
            "delete {} and run again to fetch a fresh copy",
            path.display()
        )),
        RemoteError::NoCacheDir => Some("set STACKREG_CACHE to a folder stackreg may write".into()),
        _ => None,
    }
}

fn signature_hint(e: &crate::source::signature::SignatureError) -> &'static str {
    use crate::source::signature::SignatureError as S;
    match e {
        S::ReadSigners { .. } | S::BadSigners { .. } | S::NoSigners { .. } => {
            "an allowed signers file is a regular file (not a link, a pipe or a device) with one `principal [options] key-type key` per line, as `ssh-keygen -Y verify` reads it"
        }
        S::NotGit { .. } => "signatures need a registry in a git repository, or a git URL",
        S::Uncommitted { .. } => {
            "commit (and sign) the changes, or read a signed revision with --rev REV"
        }
        _ => {
            "registry maintainers sign commits with `git commit -S` and gpg.format = ssh; check the key is in the allowed signers file, or read a signed revision with --rev REV"
        }
    }
}

fn publish_hint(e: &PublishError) -> Option<String> {
    match e {
        PublishError::NotAWorkingTree { .. } => Some(
            "clone the registry's repository and run the command inside the clone".into(),
        ),
        PublishError::NoCommits { .. } => {
            Some("commit registry.toml first, or start with `stackreg registry init DIR`".into())
        }
        PublishError::StagedChanges { .. } => {
            Some("commit them, or unstage them with `git restore --staged <file>`, first".into())
        }
        PublishError::UncommittedChanges { .. } => Some(
            "commit or stash those edits first, or publish the edited file itself".into(),
        ),
        PublishError::NoIdentity => Some(
            "set `git config user.name` and `git config user.email`, or pass --author \"Name <email>\"".into(),
        ),
        PublishError::UnknownComponent {
            suggestion: Some(s),
            ..
        } => Some(format!("did you mean `{s}`?")),
        PublishError::UnknownComponent { .. } => {
            Some("`stackreg list` shows every component".into())
        }
        PublishError::Moved => Some("run the command again".into()),
        PublishError::NoId { .. } => Some(
            "components and interfaces need `id = \"...\"`; stacks are named by their file".into(),
        ),
        PublishError::Check(e) if e.downcast_ref::<crate::resolve::ResolveError>().is_some() => Some(
            "the registry may be adversarial; raise the limit with --max-steps or STACKREG_MAX_STEPS".into(),
        ),
        PublishError::WorkingTree { .. } => Some(
            "the commit is on the branch; the next `stackreg registry publish` or `yank` brings the index in line, as does `git reset -q -- <file>`".into(),
        ),
        PublishError::Unsafe { .. } => Some(
            "put a real folder and file there (or remove what stands in the way), then run again".into(),
        ),
        _ => None,
    }
}
