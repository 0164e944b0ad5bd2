//! Remote registries through the local cache, against a real `git daemon` on loopback and
//! `file://` URLs: first clone, fetches that pick up new commits, the time-to-live,
//! `--offline`, a server that has gone away, and concurrent runs.

use std::path::{Path, PathBuf};

use tempfile::TempDir;

use crate::support::*;

/// A registry repository served by `git daemon` as `registry.git`, with a working clone
/// that pushes to it.
struct Served {
    /// The working repository changes are made in.
    work: Fixture,
    /// The folder the daemon serves.
    base: TempDir,
    /// Where the cached copies go.
    cache: TempDir,
    daemon: Option<GitDaemon>,
}

impl Served {
    fn new() -> Served {
        let work = Fixture::new();
        work.interface("api", &["1.0.0"]);
        work.component(&component("app").release("1.0.0").provides("api", "1.0.0"));
        work.commit("initial");
        git(
            work.root(),
            &["tag", "-a", "v1", "-m", "first release of the registry"],
        );
        let base = tempfile::tempdir().unwrap();
        git(
            base.path(),
            &[
                "clone",
                "-q",
                "--bare",
                work.root().to_str().unwrap(),
                "registry.git",
            ],
        );
        // Serve packed refs, as a server that has been gc'd does.
        git(&base.path().join("registry.git"), &["pack-refs", "--all"]);
        let origin = base.path().join("registry.git");
        git(
            work.root(),
            &["remote", "add", "origin", origin.to_str().unwrap()],
        );
        let daemon = GitDaemon::start(base.path());
        Served {
            work,
            base,
            cache: tempfile::tempdir().unwrap(),
            daemon: Some(daemon),
        }
    }

    fn url(&self) -> String {
        self.daemon.as_ref().unwrap().url("registry.git")
    }

    fn origin(&self) -> PathBuf {
        self.base.path().join("registry.git")
    }

    /// Commits a new component in the working repository and pushes it.
    fn push_component(&self, id: &str) -> String {
        self.work
            .component(&component(id).release("1.0.0").requires("api", "^1"));
        self.work.commit(&format!("add {id}"));
        git(
            self.work.root(),
            &["push", "-q", "origin", "main", "--tags"],
        );
        git(&self.origin(), &["rev-parse", "main"])
    }

    /// Runs stackreg against `url` with this test's cache.
    fn run(&self, url: &str, args: &[&str], env: &[(&str, &str)]) -> Run {
        let cache = self.cache.path().to_str().unwrap().to_owned();
        let mut all = vec![("STACKREG_CACHE", cache.as_str())];
        all.extend_from_slice(env);
        let mut full = vec!["--registry", url];
        full.extend_from_slice(args);
        stackreg_env(self.work.root(), &full, &all)
    }
}

fn ids(run: &Run) -> Vec<String> {
    run.json()
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap().to_owned())
        .collect()
}

fn cache_entries(cache: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(cache.join("git"))
        .map(|d| {
            d.flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

#[test]
fn git_daemon_clone_fetch_ttl_and_offline() {
    let mut s = Served::new();
    let url = s.url();
    let first_commit = git(&s.origin(), &["rev-parse", "main"]);

    // First use clones into the cache and reads the default branch.
    let out = s.run(&url, &["list", "--format", "json"], &[]);
    out.ok();
    assert_eq!(ids(&out), ["app"]);
    assert!(
        out.stderr.contains(&format!("Cloning {url}")),
        "{}",
        out.stderr
    );
    let entries = cache_entries(s.cache.path());
    assert_eq!(entries.len(), 3, "{entries:?}");
    assert!(entries[0].starts_with("127-0-0-1-"), "{entries:?}");
    assert!(
        entries.iter().any(|e| e.ends_with(".fetched")),
        "{entries:?}"
    );
    assert!(entries.iter().any(|e| e.ends_with(".lock")), "{entries:?}");

    // The commit read is recorded (lock files use it).
    let fetch = s.run(&url, &["registry", "fetch", "--format", "json"], &[]);
    fetch.ok();
    assert_eq!(fetch.json()["commit"], first_commit.as_str());
    assert_eq!(fetch.json()["path"], "registry");

    // A new commit on the server: a fresh cache is not fetched again within the TTL...
    let second_commit = s.push_component("portal");
    let out = s.run(&url, &["list", "--format", "json"], &[]);
    assert_eq!(ids(&out), ["app"], "served from the cache within the TTL");
    assert!(!out.stderr.contains("Fetching"), "{}", out.stderr);
    // ...but is once the TTL has passed, and by `registry fetch`.
    let out = s.run(
        &url,
        &["list", "--format", "json"],
        &[("STACKREG_FETCH_TTL", "0")],
    );
    out.ok();
    assert_eq!(ids(&out), ["app", "portal"]);
    assert!(
        out.stderr.contains(&format!("Fetching {url}")),
        "{}",
        out.stderr
    );
    s.push_component("third");
    let fetch = s.run(&url, &["registry", "fetch", "--format", "json"], &[]);
    fetch.ok();
    assert_ne!(fetch.json()["commit"], second_commit.as_str());
    assert_eq!(
        ids(&s.run(&url, &["list", "--format", "json"], &[])),
        ["app", "portal", "third"]
    );

    // Pinned revisions: an annotated tag, and a commit id.
    let pinned = s.run(&url, &["--rev", "v1", "list", "--format", "json"], &[]);
    pinned.ok();
    assert_eq!(ids(&pinned), ["app"]);
    let pinned = s.run(
        &url,
        &["--rev", &second_commit, "list", "--format", "json"],
        &[],
    );
    assert_eq!(ids(&pinned), ["app", "portal"]);
    // History and diffs read the cached copy too.
    let log = s.run(&url, &["registry", "log", "--format", "json"], &[]);
    log.ok();
    assert_eq!(log.json()["commits"].as_array().unwrap().len(), 3);
    let diff = s.run(&url, &["registry", "diff", "v1", "--format", "json"], &[]);
    diff.ok();
    let kinds: Vec<String> = diff.json()["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            format!(
                "{} {}",
                c["kind"].as_str().unwrap(),
                c["id"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(kinds, ["component-added portal", "component-added third"]);

    // The server goes away: a run that must fetch fails clearly, and says what to do...
    s.daemon.take().unwrap().stop();
    let out = s.run(
        &url,
        &["list", "--format", "json"],
        &[("STACKREG_FETCH_TTL", "0")],
    );
    out.code(2);
    assert!(
        out.stderr
            .contains(&format!("error: could not fetch {url}")),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("caused by:"), "{}", out.stderr);
    assert!(
        out.stderr.contains("add --offline to read it"),
        "{}",
        out.stderr
    );
    assert!(
        !out.stderr.contains("class="),
        "no libgit2 internals: {}",
        out.stderr
    );
    // ...while --offline still answers from the cache.
    let out = s.run(
        &url,
        &["--offline", "list", "--format", "json"],
        &[("STACKREG_FETCH_TTL", "0")],
    );
    out.ok();
    assert_eq!(ids(&out), ["app", "portal", "third"]);
    assert!(out.stderr.is_empty(), "{}", out.stderr);
    let out = s.run(&url, &["--offline", "registry", "fetch"], &[]);
    out.code(2);
}

#[test]
fn offline_without_a_cached_copy_is_a_clear_error() {
    let cache = tempfile::tempdir().unwrap();
    let cwd = tempfile::tempdir().unwrap();
    let out = stackreg_env(
        cwd.path(),
        &[
            "--registry",
            "git://127.0.0.1:9/none.git",
            "--offline",
            "list",
        ],
        &[("STACKREG_CACHE", cache.path().to_str().unwrap())],
    );
    out.code(2);
    assert!(
        out.stderr
            .contains("is not in the cache, and --offline forbids fetching it"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("hint:"), "{}", out.stderr);
}

#[test]
fn ssh_urls_are_refused_with_a_way_forward() {
    let cache = tempfile::tempdir().unwrap();
    let cwd = tempfile::tempdir().unwrap();
    for url in [
        "ssh://git@example.com/council/registry.git",
        "git@example.com:council/registry.git",
    ] {
        let out = stackreg_env(
            cwd.path(),
            &["--registry", url, "list"],
            &[("STACKREG_CACHE", cache.path().to_str().unwrap())],
        );
        out.code(2);
        assert!(
            out.stderr.contains("ssh URLs are not supported"),
            "{}",
            out.stderr
        );
        assert!(out.stderr.contains("https://"), "{}", out.stderr);
    }
    assert!(
        cache_entries(cache.path()).is_empty(),
        "nothing written for a refused URL"
    );
}

#[test]
fn file_urls_a_registry_at_the_root_and_a_stale_cache_recover() {
    // A repository that is only a registry, made by `registry init`.
    let dir = tempfile::tempdir().unwrap();
    let home = isolated_home();
    let reg = dir.path().join("reg");
    stackreg_home(
        dir.path(),
        home.path(),
        &[
            "registry",
            "init",
            reg.to_str().unwrap(),
            "--author",
            "A <a@example.com>",
        ],
        &[],
    )
    .ok();
    let iface = dir.path().join("api.toml");
    std::fs::write(&iface, interface_toml("api", &["1.0.0"])).unwrap();
    stackreg_home(
        &reg,
        home.path(),
        &[
            "registry",
            "publish",
            iface.to_str().unwrap(),
            "--author",
            "A <a@example.com>",
        ],
        &[],
    )
    .ok();
    let url = format!("file://{}", reg.display());
    let cache = tempfile::tempdir().unwrap();
    let cache_s = cache.path().to_str().unwrap();
    let env = [("STACKREG_CACHE", cache_s)];
    let out = stackreg_env(
        dir.path(),
        &["--registry", &url, "interfaces", "--format", "json"],
        &env,
    );
    out.ok();
    assert!(out.stdout.contains("\"api\""), "{}", out.stdout);
    let fetch = stackreg_env(
        dir.path(),
        &["--registry", &url, "registry", "fetch", "--format", "json"],
        &env,
    );
    assert_eq!(fetch.json()["path"], "");

    // A run killed mid-fetch leaves git lock files and a half-made clone behind: the next
    // fetch clears them and carries on.
    let copy = PathBuf::from(fetch.json()["cache"].as_str().unwrap());
    let name = copy.file_name().unwrap().to_string_lossy().into_owned();
    std::fs::write(copy.join("refs/heads/main.lock"), "").unwrap();
    std::fs::write(copy.join("packed-refs.lock"), "").unwrap();
    std::fs::write(copy.join("shallow.lock"), "").unwrap();
    std::fs::create_dir_all(
        copy.parent()
            .unwrap()
            .join(format!(".tmp-{name}-killed/objects")),
    )
    .unwrap();
    let iface2 = dir.path().join("forms.toml");
    std::fs::write(&iface2, interface_toml("forms", &["1.0.0"])).unwrap();
    stackreg_home(
        &reg,
        home.path(),
        &[
            "registry",
            "publish",
            iface2.to_str().unwrap(),
            "--author",
            "A <a@example.com>",
        ],
        &[],
    )
    .ok();
    let out = stackreg_env(
        dir.path(),
        &["--registry", &url, "interfaces", "--format", "json"],
        &[("STACKREG_CACHE", cache_s), ("STACKREG_FETCH_TTL", "0")],
    );
    out.ok();
    assert!(out.stdout.contains("\"forms\""), "{}", out.stdout);
    assert!(!copy.join("refs/heads/main.lock").exists());
    assert!(!copy.join("packed-refs.lock").exists());
    assert!(!copy.join("shallow.lock").exists());
    // The half-made clone of a killed first run is removed by the next clone only; the
    // cached copy itself is intact.
    git(&copy, &["fsck", "--no-dangling"]);

    // A URL whose repository holds no registry.
    let empty = dir.path().join("empty");
    std::fs::create_dir_all(&empty).unwrap();
    git(&empty, &["init", "-q", "-b", "main"]);
    std::fs::write(empty.join("README.md"), "hello\n").unwrap();
    git(&empty, &["add", "-A"]);
    git(&empty, &["commit", "-q", "-m", "readme"]);
    let out = stackreg_env(
        dir.path(),
        &["--registry", &format!("file://{}", empty.display()), "list"],
        &env,
    );
    out.code(2);
    assert!(out.stderr.contains("holds no registry"), "{}", out.stderr);
}

#[test]
fn concurrent_first_runs_share_one_clone() {
    let s = Served::new();
    let url = s.url();
    let cache = s.cache.path().to_str().unwrap().to_owned();
    let env = [("STACKREG_CACHE", cache.as_str())];
    let children: Vec<_> = (0..4)
        .map(|_| {
            spawn_stackreg(
                s.work.root(),
                &["--registry", &url, "list", "--format", "json"],
                &env,
            )
        })
        .collect();
    for child in children {
        let run = finish(child);
        run.ok();
        assert_eq!(ids(&run), ["app"]);
    }
    let entries = cache_entries(s.cache.path());
    assert_eq!(
        entries.len(),
        3,
        "one copy, its lock and its stamp: {entries:?}"
    );
    assert!(
        !entries.iter().any(|e| e.starts_with(".tmp-")),
        "{entries:?}"
    );
    let copy = s
        .cache
        .path()
        .join("git")
        .join(entries.iter().find(|e| !e.contains('.')).unwrap());
    git(&copy, &["fsck", "--no-dangling"]);
}
