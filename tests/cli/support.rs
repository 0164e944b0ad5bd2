//! Test fixtures: a fluent builder that writes manifests into a temporary git repository
//! (registry in `registry/`, as in real projects) and runs the real binary against it.

#![allow(dead_code)]

use std::fmt::Write as _;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use serde_json::Value;
use tempfile::TempDir;

/// A temporary git repository holding a registry in `registry/`.
pub struct Fixture {
    dir: TempDir,
}

/// The result of one run of the binary.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// Stdout parsed as JSON (panics with both streams when it is not JSON).
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| {
            panic!(
                "stdout is not JSON ({e}):\n{}\nstderr:\n{}",
                self.stdout, self.stderr
            )
        })
    }

    /// The findings of `validate --format json`, errors then warnings.
    pub fn findings(&self) -> Vec<Finding> {
        let v = self.json();
        let mut out = Vec::new();
        for (key, error) in [("errors", true), ("warnings", false)] {
            let list = v[key]
                .as_array()
                .unwrap_or_else(|| panic!("no `{key}` array in {v}"));
            for d in list {
                out.push(Finding {
                    file: d["file"].as_str().unwrap().to_owned(),
                    line: d["line"].as_u64(),
                    column: d["column"].as_u64(),
                    code: d["code"].as_str().unwrap().to_owned(),
                    message: d["message"].as_str().unwrap().to_owned(),
                    error,
                });
            }
        }
        out
    }

    /// Asserts the exit code, showing both streams on failure.
    #[track_caller]
    pub fn code(&self, want: i32) -> &Run {
        assert_eq!(
            self.code, want,
            "exit code\nstdout:\n{}\nstderr:\n{}",
            self.stdout, self.stderr
        );
        self
    }

    #[track_caller]
    pub fn ok(&self) -> &Run {
        self.code(0)
    }
}

/// One finding reported by `validate --format json`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// Relative to the registry root.
    pub file: String,
    pub line: Option<u64>,
    pub column: Option<u64>,
    pub code: String,
    pub message: String,
    /// An error (rather than a warning).
    pub error: bool,
}

/// Runs the binary in `cwd` with a clean environment (no user registry, no colour).
pub fn stackreg(cwd: &Path, args: &[&str]) -> Run {
    stackreg_env(cwd, args, &[])
}

pub fn stackreg_env(cwd: &Path, args: &[&str], env: &[(&str, &str)]) -> Run {
    stackreg_within(cwd, args, env, TIMEOUT)
}

/// Like `stackreg_env`, failing the test (and killing the run) after `timeout`: for runs
/// that must not block (pipes, devices), so that a regression fails fast instead of
/// stalling the suite.
pub fn stackreg_within(cwd: &Path, args: &[&str], env: &[(&str, &str)], timeout: Duration) -> Run {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_stackreg"));
    cmd.args(args)
        .current_dir(cwd)
        .env_remove("STACKREG_REGISTRY")
        .env_remove("STACKREG_CACHE")
        .env("NO_COLOR", "1")
        .env("COLUMNS", "100")
        .env("STACKREG_TODAY", "2026-11-26");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = output_within(cmd, args, timeout);
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// How long one run may take before it counts as a hang. Generous, as CI machines are
/// shared, but a hang fails the test instead of stalling the suite.
const TIMEOUT: Duration = Duration::from_secs(60);

/// Runs `cmd` to completion, capturing both streams; kills it and fails after `TIMEOUT`.
fn output_within(mut cmd: Command, args: &[&str], timeout: Duration) -> Output {
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run stackreg");
    let read = |mut r: Box<dyn Read + Send>| {
        thread::spawn(move || {
            let mut buf = Vec::new();
            r.read_to_end(&mut buf).map(|_| buf)
        })
    };
    let stdout = read(Box::new(child.stdout.take().unwrap()));
    let stderr = read(Box::new(child.stderr.take().unwrap()));
    let deadline = Instant::now() + timeout;
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("stackreg {args:?} did not finish within {timeout:?}");
        }
        thread::sleep(Duration::from_millis(2));
    };
    Output {
        status,
        stdout: stdout.join().unwrap().unwrap(),
        stderr: stderr.join().unwrap().unwrap(),
    }
}

/// Runs the binary with its stdout already closed by the reader, as `stackreg list | head
/// -0` would: every write it makes fails with a broken pipe.
pub fn stackreg_closed_stdout(cwd: &Path, args: &[&str]) -> Run {
    let mut child = Command::new(env!("CARGO_BIN_EXE_stackreg"))
        .args(args)
        .current_dir(cwd)
        .env_remove("STACKREG_REGISTRY")
        .env_remove("STACKREG_CACHE")
        .env("NO_COLOR", "1")
        .env("COLUMNS", "100")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run stackreg");
    drop(child.stdout.take());
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    let status = child.wait().unwrap();
    Run {
        code: status.code().unwrap_or(-1),
        stdout: String::new(),
        stderr,
    }
}

/// Runs git in `dir` with a fixed identity and dates, so commits are reproducible.
pub fn git(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_AUTHOR_NAME", "Test Author")
        .env("GIT_AUTHOR_EMAIL", "author@example.com")
        .env("GIT_COMMITTER_NAME", "Test Author")
        .env("GIT_COMMITTER_EMAIL", "author@example.com")
        .env("GIT_AUTHOR_DATE", "2026-01-01T00:00:00Z")
        .env("GIT_COMMITTER_DATE", "2026-01-01T00:00:00Z")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", dir)
        .output()
        .expect("run git");
    assert!(
        out.status.success(),
        "git {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

impl Fixture {
    /// An empty registry (just `registry.toml`) in a new git repository, not yet committed.
    pub fn new() -> Fixture {
        let f = Fixture {
            dir: tempfile::tempdir().expect("tempdir"),
        };
        git(f.root(), &["init", "-q", "-b", "main"]);
        f.file(
            "registry.toml",
            "[registry]\nname = \"Test registry\"\ndescription = \"for tests\"\nformat = 1\n",
        );
        f
    }

    /// The repository root.
    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    /// The registry folder.
    pub fn registry(&self) -> PathBuf {
        self.root().join("registry")
    }

    /// Writes a file under `registry/`.
    pub fn file(&self, rel: &str, contents: impl AsRef<[u8]>) -> &Fixture {
        let path = self.registry().join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, contents).unwrap();
        self
    }

    /// Writes a file anywhere in the repository.
    pub fn repo_file(&self, rel: &str, contents: impl AsRef<[u8]>) -> &Fixture {
        let path = self.root().join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, contents).unwrap();
        self
    }

    /// Replaces the first `from` in a registry file with `to` (panics if `from` is absent,
    /// so a fixture cannot silently stop testing what it claims to).
    pub fn edit(&self, rel: &str, from: &str, to: &str) -> &Fixture {
        let path = self.registry().join(rel);
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains(from), "{rel} has no {from:?}:\n{text}");
        std::fs::write(path, text.replacen(from, to, 1)).unwrap();
        self
    }

    /// Makes `rel` (under `registry/`) a symbolic link to `target`.
    pub fn symlink(&self, rel: &str, target: &str) -> &Fixture {
        let path = self.registry().join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        #[cfg(unix)]
        std::os::unix::fs::symlink(target, path).unwrap();
        #[cfg(windows)]
        std::os::windows::fs::symlink_file(target, path).unwrap();
        self
    }

    pub fn remove(&self, rel: &str) -> &Fixture {
        std::fs::remove_file(self.registry().join(rel)).unwrap();
        self
    }

    /// Adds `interfaces/<id>.toml` publishing `versions`.
    pub fn interface(&self, id: &str, versions: &[&str]) -> &Fixture {
        self.file(
            &format!("interfaces/{id}.toml"),
            interface_toml(id, versions),
        )
    }

    /// Adds `components/<id>.toml`.
    pub fn component(&self, c: &ComponentBuilder) -> &Fixture {
        self.file(&format!("components/{}.toml", c.id), c.toml())
    }

    /// Adds `stacks/<id>.toml`.
    pub fn stack(&self, id: &str, toml: &str) -> &Fixture {
        self.file(&format!("stacks/{id}.toml"), toml)
    }

    /// Commits everything and returns the commit id.
    pub fn commit(&self, message: &str) -> String {
        git(self.root(), &["add", "-A"]);
        git(
            self.root(),
            &["commit", "-q", "--allow-empty", "-m", message],
        );
        git(self.root(), &["rev-parse", "HEAD"])
    }

    /// Runs stackreg from the repository root (so `registry/` is found by discovery).
    pub fn run(&self, args: &[&str]) -> Run {
        stackreg(self.root(), args)
    }

    /// Makes a tag at HEAD: annotated (with a message) or lightweight.
    pub fn tag(&self, name: &str, annotated: bool) -> &Fixture {
        if annotated {
            git(self.root(), &["tag", "-a", name, "-m", name]);
        } else {
            git(self.root(), &["tag", name]);
        }
        self
    }
}

/// The text of an interface file.
pub fn interface_toml(id: &str, versions: &[&str]) -> String {
    let versions: Vec<String> = versions.iter().map(|v| format!("\"{v}\"")).collect();
    format!(
        "id = \"{id}\"\nname = \"{id} interface\"\nsummary = \"An interface for tests\"\nowner = \"Test owner\"\nspecification = \"https://example.com/{id}\"\nversions = [{}]\n",
        versions.join(", ")
    )
}

/// Starts a component manifest.
pub fn component(id: &str) -> ComponentBuilder {
    ComponentBuilder {
        id: id.to_owned(),
        licence: "MIT".into(),
        kind: "saas".into(),
        lifecycle: "live".into(),
        supplier: "Test Supplier Ltd".into(),
        capabilities: vec!["testing".into()],
        assurances: Vec::new(),
        releases: Vec::new(),
    }
}

/// A component manifest, built fluently: `component("a").release("1.0.0").provides("x", "1.0.0")`.
#[derive(Debug, Clone)]
pub struct ComponentBuilder {
    pub id: String,
    licence: String,
    kind: String,
    lifecycle: String,
    supplier: String,
    capabilities: Vec<String>,
    assurances: Vec<String>,
    releases: Vec<ReleaseBuilder>,
}

#[derive(Debug, Clone, Default)]
struct ReleaseBuilder {
    version: String,
    released: String,
    support_ends: Option<String>,
    provides: Vec<(String, String)>,
    requires: Vec<(String, String)>,
    depends: Vec<(String, String)>,
    conflicts: Vec<(String, String)>,
    yanked: Option<String>,
}

impl ComponentBuilder {
    pub fn licence(mut self, l: &str) -> Self {
        self.licence = l.into();
        self
    }
    pub fn kind(mut self, k: &str) -> Self {
        self.kind = k.into();
        self
    }
    pub fn lifecycle(mut self, l: &str) -> Self {
        self.lifecycle = l.into();
        self
    }
    pub fn supplier(mut self, s: &str) -> Self {
        self.supplier = s.into();
        self
    }
    pub fn capabilities(mut self, caps: &[&str]) -> Self {
        self.capabilities = caps.iter().map(|c| c.to_string()).collect();
        self
    }
    pub fn assurances(mut self, a: &[&str]) -> Self {
        self.assurances = a.iter().map(|c| c.to_string()).collect();
        self
    }
    /// Starts a new release; the methods below apply to the latest one.
    pub fn release(mut self, version: &str) -> Self {
        self.releases.push(ReleaseBuilder {
            version: version.into(),
            released: "2024-01-01".into(),
            ..Default::default()
        });
        self
    }
    fn last(&mut self) -> &mut ReleaseBuilder {
        self.releases.last_mut().expect("call .release() first")
    }
    pub fn released(mut self, date: &str) -> Self {
        self.last().released = date.into();
        self
    }
    pub fn support_ends(mut self, date: &str) -> Self {
        self.last().support_ends = Some(date.into());
        self
    }
    pub fn provides(mut self, iface: &str, version: &str) -> Self {
        self.last().provides.push((iface.into(), version.into()));
        self
    }
    pub fn requires(mut self, iface: &str, range: &str) -> Self {
        self.last().requires.push((iface.into(), range.into()));
        self
    }
    pub fn depends(mut self, component: &str, range: &str) -> Self {
        self.last().depends.push((component.into(), range.into()));
        self
    }
    pub fn conflicts(mut self, component: &str, range: &str) -> Self {
        self.last().conflicts.push((component.into(), range.into()));
        self
    }
    pub fn yanked(mut self, reason: &str) -> Self {
        self.last().yanked = Some(reason.into());
        self
    }

    /// The manifest text.
    pub fn toml(&self) -> String {
        let list = |v: &[String]| {
            v.iter()
                .map(|s| format!("\"{s}\""))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let mut out = format!(
            "id = \"{id}\"\nname = \"{id}\"\nsummary = \"Component {id}\"\nsupplier = \"{}\"\nlicence = \"{}\"\nkind = \"{}\"\ncapabilities = [{}]\nlifecycle = \"{}\"\nassurances = [{}]\nhomepage = \"https://example.com/{id}\"\n",
            self.supplier,
            self.licence,
            self.kind,
            list(&self.capabilities),
            self.lifecycle,
            list(&self.assurances),
            id = self.id,
        );
        let table = |pairs: &[(String, String)]| {
            pairs
                .iter()
                .map(|(k, v)| format!("{k} = \"{v}\""))
                .collect::<Vec<_>>()
                .join(", ")
        };
        for r in &self.releases {
            let _ = write!(
                out,
                "\n[[release]]\nversion = \"{}\"\nreleased = {}\n",
                r.version, r.released
            );
            if let Some(s) = &r.support_ends {
                let _ = writeln!(out, "support-ends = {s}");
            }
            for (name, pairs) in [
                ("provides", &r.provides),
                ("requires", &r.requires),
                ("depends", &r.depends),
                ("conflicts", &r.conflicts),
            ] {
                if !pairs.is_empty() {
                    let _ = writeln!(out, "{name} = {{ {} }}", table(pairs));
                }
            }
            if let Some(y) = &r.yanked {
                let _ = writeln!(out, "yanked = \"{y}\"");
            }
        }
        out
    }
}

/// The project's own sample registry.
pub fn sample_registry() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("registry")
}

/// The project root.
pub fn project_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Like `git`, but returns the exit status and both streams instead of asserting success.
pub fn git_try(dir: &Path, args: &[&str]) -> (bool, String, String) {
    let out = Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_AUTHOR_NAME", "Test Author")
        .env("GIT_AUTHOR_EMAIL", "author@example.com")
        .env("GIT_COMMITTER_NAME", "Test Author")
        .env("GIT_COMMITTER_EMAIL", "author@example.com")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", dir)
        .output()
        .expect("run git");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).trim().to_owned(),
        String::from_utf8_lossy(&out.stderr).trim().to_owned(),
    )
}

/// The environment for runs that commit: no system or user git config (HOME is an empty
/// folder), so the identity comes only from what the test passes.
pub fn isolated_home() -> TempDir {
    tempfile::tempdir().expect("tempdir")
}

/// Runs the binary with `HOME` set to `home` and no system git config, plus `env`.
pub fn stackreg_home(cwd: &Path, home: &Path, args: &[&str], env: &[(&str, &str)]) -> Run {
    let home = home.to_str().expect("utf-8 temp path");
    let mut all: Vec<(&str, &str)> = vec![
        ("HOME", home),
        ("XDG_CONFIG_HOME", home),
        ("GIT_CONFIG_NOSYSTEM", "1"),
    ];
    all.extend_from_slice(env);
    stackreg_env(cwd, args, &all)
}

/// Starts the binary without waiting for it, with the same clean environment as
/// `stackreg_env`.
pub fn spawn_stackreg(cwd: &Path, args: &[&str], env: &[(&str, &str)]) -> std::process::Child {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_stackreg"));
    cmd.args(args)
        .current_dir(cwd)
        .env_remove("STACKREG_REGISTRY")
        .env_remove("STACKREG_CACHE")
        .env("NO_COLOR", "1")
        .env("COLUMNS", "100")
        .env("STACKREG_TODAY", "2026-11-26")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.spawn().expect("spawn stackreg")
}

/// Waits for a spawned run and collects its result.
pub fn finish(child: std::process::Child) -> Run {
    let out = child.wait_with_output().expect("wait for stackreg");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// A `git daemon` serving every repository under a folder on a free loopback port,
/// stopped when dropped.
pub struct GitDaemon {
    child: std::process::Child,
    pub port: u16,
}

impl GitDaemon {
    /// Serves the repositories under `base` (read-only). Picks a free port and retries when
    /// another process takes it first.
    pub fn start(base: &Path) -> GitDaemon {
        // Run git-daemon itself: `git daemon` would start it as a child that outlives a
        // kill of the `git` wrapper.
        let exec_path = git(base, &["--exec-path"]);
        let program = Path::new(&exec_path).join("git-daemon");
        for _ in 0..10 {
            let port = std::net::TcpListener::bind("127.0.0.1:0")
                .and_then(|l| l.local_addr())
                .expect("free port")
                .port();
            let mut child = Command::new(&program)
                .arg("--reuseaddr")
                .arg("--export-all")
                .arg("--informative-errors")
                .arg("--listen=127.0.0.1")
                .arg(format!("--port={port}"))
                .arg(format!("--base-path={}", base.display()))
                .arg(base)
                .env("GIT_CONFIG_NOSYSTEM", "1")
                .env("HOME", base)
                .stdin(std::process::Stdio::null())
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::null())
                .spawn()
                .expect("start git daemon");
            let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
            while std::time::Instant::now() < deadline {
                if let Ok(Some(_)) = child.try_wait() {
                    break; // The port was taken: try another.
                }
                if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                    return GitDaemon { child, port };
                }
                std::thread::sleep(std::time::Duration::from_millis(50));
            }
            let _ = child.kill();
            let _ = child.wait();
        }
        panic!("git daemon did not start");
    }

    /// The `git://` URL of a repository under the base folder.
    pub fn url(&self, name: &str) -> String {
        format!("git://127.0.0.1:{}/{name}", self.port)
    }

    /// Stops the server now; later fetches fail to connect.
    pub fn stop(mut self) {
        self.kill();
    }

    fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for GitDaemon {
    fn drop(&mut self) {
        self.kill();
    }
}
