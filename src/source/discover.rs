//! Finding the registry a command should read, in the documented order: `--registry`,
//! `STACKREG_REGISTRY`, the stack's `[stack] registry`, then `registry/` at the root of the
//! git repository around the current directory, or that root itself when it holds
//! `registry.toml` (a repository that is only a registry).

use std::path::{Path, PathBuf};

/// A registry location before it is opened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    /// A folder on this machine.
    Path(PathBuf),
    /// A git URL (https, ssh, git or file), read through a local cache.
    Url(String),
}

/// A folder as its path, a URL without any credentials in it.
impl std::fmt::Display for Location {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Location::Path(p) => write!(f, "{}", p.display()),
            Location::Url(u) => f.write_str(&super::remote::redact(u)),
        }
    }
}

/// Which rule chose the registry, for messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    Flag,
    Env,
    Stack,
    /// The registry whose `stacks/` folder holds the stack file.
    StackFolder,
    Repository,
    RepositoryRoot,
}

impl std::fmt::Display for Origin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Origin::Flag => "--registry",
            Origin::Env => crate::env::EnvVars::STACKREG_REGISTRY,
            Origin::Stack => "the stack's [stack] registry",
            Origin::StackFolder => "the registry whose stacks/ folder holds the stack",
            Origin::Repository => "the registry/ folder of the current git repository",
            Origin::RepositoryRoot => "the root of the current git repository",
        })
    }
}

/// No rule found a registry.
#[derive(Debug, thiserror::Error)]
#[error("{}", match not_owned {
    Some(repo) => format!("no registry given, and git refuses to open the repository at {repo} around {cwd}: it is owned by another user, and git's safe.directory setting does not list it"),
    None => format!("no registry given, and no registry/ folder at the root of a git repository around {cwd}"),
})]
pub struct NotFound {
    pub cwd: String,
    /// The repository around the current directory, when git refused to open it because
    /// another user owns it.
    pub not_owned: Option<String>,
}

/// Whether `s` names a remote git registry rather than a folder.
pub fn is_url(s: &str) -> bool {
    ["https://", "http://", "ssh://", "git://", "file://"]
        .iter()
        .any(|p| s.starts_with(p))
        || is_scp_like(s)
}

/// `git@host:path` style addresses.
fn is_scp_like(s: &str) -> bool {
    match (s.find('@'), s.find(':')) {
        (Some(at), Some(colon)) => at < colon && !s[..colon].contains('/'),
        _ => false,
    }
}

fn location(s: &str, base: Option<&Path>) -> Location {
    if is_url(s) {
        return Location::Url(s.to_owned());
    }
    let p = Path::new(s);
    match base {
        Some(base) if p.is_relative() => Location::Path(normalize(&base.join(p))),
        _ => Location::Path(p.to_path_buf()),
    }
}

/// Removes `.` and `name/..` pairs without touching the file system, so that
/// `stacks/../registry` prints as `registry`.
pub fn normalize(path: &Path) -> PathBuf {
    use std::path::Component;
    let mut out: Vec<Component<'_>> = Vec::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => match out.last() {
                Some(Component::Normal(_)) => {
                    out.pop();
                }
                Some(Component::RootDir | Component::Prefix(_)) => {}
                _ => out.push(c),
            },
            c => out.push(c),
        }
    }
    if out.is_empty() {
        return PathBuf::from(".");
    }
    out.iter().collect()
}

/// The registry folder whose `stacks/` folder holds `file` (relative to `cwd`), as the
/// user would write it: `registry` for `registry/stacks/x.toml`.
fn holding_registry(file: &Path, cwd: &Path) -> Option<PathBuf> {
    let dir = file.parent()?;
    if dir.file_name()? != "stacks" {
        return None;
    }
    let root = normalize(&dir.join(".."));
    let on_disk = if root.is_relative() {
        cwd.join(&root)
    } else {
        root.clone()
    };
    on_disk.join("registry.toml").is_file().then_some(root)
}

/// Picks the registry location.
///
/// `stack` is the stack file's path and its `[stack] registry` value, when the command
/// reads a stack.
pub fn find(
    flag: Option<&str>,
    env: Option<&str>,
    stack: Option<(&Path, Option<&str>)>,
    cwd: &Path,
) -> Result<(Location, Origin), NotFound> {
    if let Some(s) = flag.filter(|s| !s.is_empty()) {
        return Ok((location(s, None), Origin::Flag));
    }
    if let Some(s) = env.filter(|s| !s.is_empty()) {
        return Ok((location(s, None), Origin::Env));
    }
    if let Some((file, Some(s))) = stack {
        let dir = file.parent().filter(|p| !p.as_os_str().is_empty());
        return Ok((
            location(s, Some(dir.unwrap_or(Path::new(".")))),
            Origin::Stack,
        ));
    }
    if let Some((file, None)) = stack
        && let Some(root) = holding_registry(file, cwd)
    {
        return Ok((Location::Path(root), Origin::StackFolder));
    }
    let workdir = match plain_working_tree(cwd) {
        Some(found) => Some(found),
        None => {
            let repo = git2::Repository::discover(cwd);
            if let Err(e) = &repo
                && e.code() == git2::ErrorCode::Owner
            {
                return Err(NotFound {
                    cwd: cwd.display().to_string(),
                    not_owned: Some(super::git::working_tree_around(cwd)),
                });
            }
            repo.ok().and_then(|r| r.workdir().map(Path::to_path_buf))
        }
    };
    if let Some(workdir) = workdir.as_deref() {
        let candidate = workdir.join("registry");
        if candidate.join("registry.toml").is_file() {
            return Ok((
                Location::Path(relative_to(cwd, &candidate)),
                Origin::Repository,
            ));
        }
        // A repository that is nothing but a registry (as `registry init` makes).
        if workdir.join("registry.toml").is_file() {
            return Ok((
                Location::Path(relative_to(cwd, workdir)),
                Origin::RepositoryRoot,
            ));
        }
        // A registry/ folder that lost its registry.toml: say so rather than "not found".
        if candidate.is_dir() {
            return Ok((
                Location::Path(relative_to(cwd, &candidate)),
                Origin::Repository,
            ));
        }
    }
    Err(NotFound {
        cwd: cwd.display().to_string(),
        not_owned: None,
    })
}

/// The working tree git would find around `cwd`, when the folders alone say so plainly:
/// the nearest folder holding a `.git` folder, on the same file system, both owned by
/// this user, with no `core.worktree` or `bare` setting, and no bare repository on the
/// way. Anything else (`None`) is left to libgit2, which also applies git's ownership
/// rules and `safe.directory`. Starting libgit2 (and the OpenSSL it links) costs more
/// than the rest of a warm `show`, so most commands run without it.
#[cfg(unix)]
fn plain_working_tree(cwd: &Path) -> Option<PathBuf> {
    use std::os::unix::fs::MetadataExt as _;
    let cwd = std::path::absolute(cwd).ok()?;
    let device = std::fs::metadata(&cwd).ok()?.dev();
    let user = rustix::process::geteuid().as_raw();
    for dir in cwd.ancestors() {
        let here = std::fs::symlink_metadata(dir).ok()?;
        if here.dev() != device {
            return None;
        }
        // A bare repository (or a git folder itself) on the way: libgit2's to judge.
        if dir.join("HEAD").is_file() && dir.join("objects").is_dir() {
            return None;
        }
        let git = dir.join(".git");
        let Ok(meta) = std::fs::symlink_metadata(&git) else {
            continue;
        };
        if !meta.is_dir() || meta.uid() != user || here.uid() != user {
            return None;
        }
        let config = std::fs::read_to_string(git.join("config")).unwrap_or_default();
        if config.contains("worktree") || config.contains("bare = true") {
            return None;
        }
        return Some(dir.to_path_buf());
    }
    None
}

#[cfg(not(unix))]
fn plain_working_tree(_cwd: &Path) -> Option<PathBuf> {
    None
}

/// `path` relative to `cwd` when it lies beneath it, for friendlier messages.
fn relative_to(cwd: &Path, path: &Path) -> PathBuf {
    let (Ok(cwd), Ok(full)) = (cwd.canonicalize(), path.canonicalize()) else {
        return path.to_path_buf();
    };
    match full.strip_prefix(&cwd) {
        Ok(rel) if rel.as_os_str().is_empty() => PathBuf::from("."),
        Ok(rel) => rel.to_path_buf(),
        Err(_) => full,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What libgit2 finds around `cwd`, canonical.
    fn libgit2_finds(cwd: &Path) -> Option<PathBuf> {
        let repo = git2::Repository::discover(cwd).ok()?;
        repo.workdir().map(|w| w.canonicalize().unwrap())
    }

    #[cfg(unix)]
    #[test]
    fn the_plain_search_finds_what_libgit2_finds_or_leaves_it_to_libgit2() {
        let root = tempfile::tempdir().unwrap();
        let outer = root.path().join("outer");
        let inner = outer.join("vendor/inner");
        git2::Repository::init(&outer).unwrap();
        git2::Repository::init(&inner).unwrap();
        for cwd in [
            outer.clone(),
            outer.join("registry/components"),
            outer.join("vendor"),
            inner.clone(),
            inner.join("a/b"),
        ] {
            std::fs::create_dir_all(&cwd).unwrap();
            let plain = plain_working_tree(&cwd).map(|p| p.canonicalize().unwrap());
            assert!(plain.is_some(), "{}", cwd.display());
            assert_eq!(plain, libgit2_finds(&cwd), "{}", cwd.display());
        }
        // Outside any repository: neither finds one (the search goes up to the root).
        let lone = root.path().join("lone");
        std::fs::create_dir_all(&lone).unwrap();
        if libgit2_finds(&lone).is_none() {
            assert_eq!(plain_working_tree(&lone), None);
        }
        // A linked worktree (`.git` is a file), a relocated working tree and a bare
        // repository on the way are left to libgit2.
        let linked = root.path().join("linked");
        std::fs::create_dir_all(&linked).unwrap();
        std::fs::write(linked.join(".git"), "gitdir: ../outer/.git\n").unwrap();
        assert_eq!(plain_working_tree(&linked), None);
        let moved = root.path().join("moved");
        git2::Repository::init(&moved).unwrap();
        let config = moved.join(".git/config");
        let text = std::fs::read_to_string(&config).unwrap();
        std::fs::write(&config, format!("{text}\tworktree = /elsewhere\n")).unwrap();
        assert_eq!(plain_working_tree(&moved), None);
        let bare = root.path().join("bare.git");
        git2::Repository::init_bare(&bare).unwrap();
        std::fs::create_dir_all(bare.join("refs/x")).unwrap();
        assert_eq!(plain_working_tree(&bare.join("refs/x")), None);
    }

    #[test]
    fn tells_urls_from_paths() {
        for url in [
            "https://github.com/x/y.git",
            "ssh://git@host/x.git",
            "git://host/x",
            "file:///srv/registry.git",
            "git@github.com:council/registry.git",
        ] {
            assert!(is_url(url), "{url}");
        }
        for path in [
            "registry",
            "../registry",
            "/srv/registry",
            "C:/x",
            "./a@b:c/d",
        ] {
            assert!(!is_url(path), "{path}");
        }
    }

    #[test]
    fn normalizes_lexically() {
        assert_eq!(normalize(Path::new("a/b/../../c")), PathBuf::from("c"));
        assert_eq!(normalize(Path::new("../x/./y")), PathBuf::from("../x/y"));
        assert_eq!(normalize(Path::new("a/..")), PathBuf::from("."));
    }

    #[test]
    fn flag_wins_then_env_then_stack() {
        let cwd = Path::new("/nonexistent");
        let stack = Some((Path::new("stacks/a.toml"), Some("../reg")));
        let (loc, origin) = find(Some("f"), Some("e"), stack, cwd).unwrap();
        assert_eq!((loc, origin), (Location::Path("f".into()), Origin::Flag));
        let (loc, origin) = find(None, Some("e"), stack, cwd).unwrap();
        assert_eq!((loc, origin), (Location::Path("e".into()), Origin::Env));
        let (loc, origin) = find(None, None, stack, cwd).unwrap();
        assert_eq!((loc, origin), (Location::Path("reg".into()), Origin::Stack));
    }
}
