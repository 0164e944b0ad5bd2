//! Atomic writes and shared caches (SPEC §7): the real binary is killed (SIGKILL) at
//! pseudo-random moments while it writes a lock file, publishes to a registry or updates
//! the cache of a remote registry. After every kill the lock, the repository and the
//! cache are each in the old state or the new one, never damaged, and the next run works.
//! Then eight runs share one empty cache at once and all print the same answer.
//!
//! The moments are drawn from a fixed seed, spread over the time an uninterrupted run
//! takes, so a failure can be replayed.

use std::path::Path;
use std::process::Child;
use std::time::{Duration, Instant};

use crate::support::*;

const AUTHOR: &str = "Pat Publisher <pat@example.com>";

/// A small deterministic generator (xorshift64*).
struct Seeded(u64);

impl Seeded {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// A delay up to `max`, in microseconds.
    fn delay(&mut self, max: Duration) -> Duration {
        let span = u64::try_from(max.as_micros()).unwrap().max(1);
        Duration::from_micros(self.next() % span)
    }
}

/// How many rounds each test runs: `STACKREG_KILL_ROUNDS`, or `default` (a short run
/// for every `cargo test`; set it high to search longer).
fn rounds(default: usize) -> usize {
    std::env::var("STACKREG_KILL_ROUNDS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(default)
}

/// Kills `child` after `delay` unless it has finished; returns whether it was killed.
fn kill_after(mut child: Child, delay: Duration) -> bool {
    std::thread::sleep(delay);
    let killed = matches!(child.try_wait(), Ok(None));
    if killed {
        let _ = child.kill(); // SIGKILL
    }
    let _ = child.wait_with_output();
    killed
}

/// How long one uninterrupted run takes, for the range of the delays.
fn timed(cwd: &Path, args: &[&str], env: &[(&str, &str)]) -> Duration {
    let started = Instant::now();
    let run = finish(spawn_stackreg(cwd, args, env));
    assert_eq!(run.code, 0, "{run:?}");
    started.elapsed()
}

/// `git fsck` finds nothing wrong (dangling objects from an interrupted run are fine).
#[track_caller]
fn fsck(dir: &Path) {
    let (ok, out, err) = git_try(dir, &["fsck", "--strict", "--no-dangling"]);
    assert!(ok, "git fsck failed in {}:\n{out}\n{err}", dir.display());
    assert!(
        !err.contains("error") && !err.contains("missing"),
        "git fsck in {}:\n{err}",
        dir.display()
    );
}

#[test]
fn killed_lock_writes_leave_the_old_lock_or_the_new() {
    let f = Fixture::new();
    f.component(&component("app").release("1.0.0").release("2.0.0"));
    f.commit("registry");
    let stack = f.root().join("district.toml");
    let lock = f.root().join("district.lock");
    let write_stack = |n: usize| {
        std::fs::write(
            &stack,
            format!("# revision {n}\n[stack]\nname = \"District\"\n[needs]\napp = {{ component = \"app\" }}\n"),
        )
        .unwrap();
    };
    let hash_of = |n: usize| {
        write_stack(n);
        let run = f.run(&["resolve", "district.toml", "--lock"]);
        run.ok();
        let text = std::fs::read_to_string(&lock).unwrap();
        let hash = text
            .lines()
            .find_map(|l| l.strip_prefix("stack-hash = "))
            .unwrap()
            .to_owned();
        (hash, text)
    };
    let (mut old_hash, mut old_text) = hash_of(0);
    let args = ["resolve", "district.toml", "--lock"];
    let span = timed(f.root(), &args, &[]).mul_f64(1.5);
    let mut rng = Seeded(0x5eed_0001);
    let mut killed = 0;
    let mut kept_old = 0;
    for n in 1..=rounds(20) {
        write_stack(n);
        let was_killed = kill_after(spawn_stackreg(f.root(), &args, &[]), rng.delay(span));
        killed += usize::from(was_killed);
        let before = std::fs::read_to_string(&lock).unwrap();
        kept_old += usize::from(was_killed && before == old_text);
        // The lock is the old one or the new one, whole.
        let text = std::fs::read_to_string(&lock).unwrap();
        let parsed = stackreg::resolve::lock::LockFile::parse(&text)
            .unwrap_or_else(|e| panic!("round {n}: unreadable lock ({e}):\n{text}"));
        let new_hash = stackreg::resolve::lock::stack_hash(&std::fs::read(&stack).unwrap());
        assert!(
            parsed.stack_hash == new_hash || text == old_text,
            "round {n}: the lock is neither old nor new:\n{text}"
        );
        // The next run works and writes the new lock.
        f.run(&args).ok();
        f.run(&["resolve", "district.toml", "--locked"]).ok();
        let (hash, text) = (new_hash, std::fs::read_to_string(&lock).unwrap());
        assert!(text.contains(&hash));
        (old_hash, old_text) = (hash, text);
    }
    assert!(!old_hash.is_empty());
    let leftovers = std::fs::read_dir(f.root())
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with(".stackreg-"))
        .count();
    eprintln!(
        "lock: {killed} runs killed; the old lock kept {kept_old} times, the new one written {} times; {leftovers} temporary files left by killed runs",
        killed - kept_old
    );
    assert!(killed > 0, "no run was killed; the delays are too long");
}

/// Every file under `root` with its bytes, by path from it.
fn site_files(root: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    let mut out = std::collections::BTreeMap::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap().flatten() {
            let path = entry.path();
            if entry.file_type().unwrap().is_dir() {
                stack.push(path);
            } else {
                let rel = path
                    .strip_prefix(root)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned();
                out.insert(rel, std::fs::read(&path).unwrap());
            }
        }
    }
    out
}

#[test]
fn killed_site_writes_leave_the_old_site_or_the_new() {
    let f = Fixture::new();
    f.component(&component("app").release("1.0.0"));
    f.commit("registry");
    let out = f.root().join("public");
    let args = ["site", "--out", "public"];
    // The two sites the rounds alternate between: with and without a second component.
    let extra = component("extra").release("1.0.0");
    let site_of = |with_extra: bool| {
        if with_extra {
            f.component(&extra);
        } else {
            let _ = std::fs::remove_file(f.registry().join("components/extra.toml"));
        }
        f.run(&args).ok();
        let mut files = site_files(&out);
        files.remove("CNAME");
        files
    };
    let sites = [site_of(false), site_of(true)];
    assert_ne!(sites[0], sites[1]);
    std::fs::write(out.join("CNAME"), "catalogue.example.org").unwrap();
    let span = timed(f.root(), &args, &[]).mul_f64(1.5);
    let mut rng = Seeded(0x5eed_0004);
    let (mut killed, mut kept_old, mut leftovers) = (0, 0, 0);
    for n in 1..=rounds(16) {
        let now = n % 2;
        if now == 1 {
            f.component(&extra);
        } else {
            std::fs::remove_file(f.registry().join("components/extra.toml")).unwrap();
        }
        let was_killed = kill_after(spawn_stackreg(f.root(), &args, &[]), rng.delay(span));
        killed += usize::from(was_killed);
        // The site is the old one or the new one, whole, and keeps what is not its own.
        let mut files = site_files(&out);
        assert_eq!(
            files.remove("CNAME").as_deref(),
            Some(&b"catalogue.example.org"[..]),
            "round {n}"
        );
        assert!(
            files == sites[now] || files == sites[1 - now],
            "round {n}: the site is neither the old one nor the new one"
        );
        kept_old += usize::from(was_killed && files == sites[1 - now]);
        leftovers += std::fs::read_dir(f.root())
            .unwrap()
            .flatten()
            .filter(|e| {
                e.file_name()
                    .to_string_lossy()
                    .starts_with(".public.stackreg-")
            })
            .count();
        // The next run works, writes the new site and clears what a killed run left.
        f.run(&args).ok();
        let mut files = site_files(&out);
        assert!(files.remove("CNAME").is_some(), "round {n}");
        assert!(
            files == sites[now],
            "round {n}: the next run wrote another site"
        );
        let left: Vec<String> = std::fs::read_dir(f.root())
            .unwrap()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with(".public.stackreg-"))
            .collect();
        assert!(left.is_empty(), "round {n}: left behind {left:?}");
    }
    eprintln!(
        "site: {killed} runs killed; the old site kept {kept_old} times, the new one written {} times; {leftovers} temporary folders left by killed runs, all cleared by the next run",
        killed - kept_old
    );
    assert!(killed > 0, "no run was killed; the delays are too long");
}

/// A registry whose `app` gets a new release each round.
fn app_release(f: &Fixture, n: usize) -> std::path::PathBuf {
    let mut app = component("app");
    for i in 0..=n {
        app = app.release(&format!("1.{i}.0"));
    }
    let path = f.root().join("incoming/app.toml");
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, app.toml()).unwrap();
    path
}

#[test]
fn killed_publishes_leave_the_old_commit_or_the_new() {
    let home = isolated_home();
    let home_s = home.path().to_str().unwrap().to_owned();
    let env = [("HOME", home_s.as_str()), ("GIT_CONFIG_NOSYSTEM", "1")];
    let f = Fixture::new();
    f.component(&component("app").release("1.0.0"));
    f.commit("registry");
    let publish = |file: &Path| -> Vec<String> {
        vec![
            "registry".into(),
            "publish".into(),
            file.to_str().unwrap().into(),
            "--author".into(),
            AUTHOR.into(),
        ]
    };
    let first = app_release(&f, 1);
    let args = publish(&first);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let span = timed(f.root(), &args, &env).mul_f64(1.5);
    let mut rng = Seeded(0x5eed_0002);
    let mut killed = 0;
    let (mut states, mut left_behind, mut stale_locks, mut journals) = ([0; 2], 0, 0, 0);
    let mut written_ahead = 0;
    for n in 2..=rounds(16) + 1 {
        let old = git(f.root(), &["rev-parse", "HEAD"]);
        let file = app_release(&f, n);
        let args = publish(&file);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        killed += usize::from(kill_after(
            spawn_stackreg(f.root(), &args, &env),
            rng.delay(span),
        ));

        // What the kill left, for the summary.
        let git_dir = f.root().join(".git");
        let head = git(f.root(), &["rev-parse", "HEAD"]);
        let behind = !git(f.root(), &["status", "--porcelain", "registry"]).is_empty();
        let locks = ["index.lock", "refs/heads/main.lock", "HEAD.lock"]
            .iter()
            .any(|l| git_dir.join(l).exists());
        let journal = git_dir.join("stackreg-publish.journal").exists();
        states[usize::from(head != old)] += 1;
        left_behind += usize::from(head != old && behind);
        // Files are written before the branch moves: a kill in between leaves them to undo.
        written_ahead += usize::from(head == old && behind);
        stale_locks += usize::from(locks);
        journals += usize::from(journal);
        // The repository is sound, and HEAD is the old commit or the new one on top.
        fsck(f.root());
        if head != old {
            assert_eq!(git(f.root(), &["rev-parse", "HEAD^"]), old, "round {n}");
            assert_eq!(
                git(f.root(), &["log", "-1", "--format=%s"]),
                format!("publish app 1.{n}.0"),
                "round {n}"
            );
        }
        // What is committed is a valid registry.
        f.run(&["--rev", "HEAD", "validate"]).ok();

        // The next run works: it lands the release, or finds it landed.
        let run = stackreg_env(f.root(), &args, &env);
        assert_eq!(run.code, 0, "round {n}: {run:?}");
        assert_eq!(
            git(f.root(), &["log", "-1", "--format=%s"]),
            format!("publish app 1.{n}.0"),
            "round {n}"
        );
        assert_eq!(git(f.root(), &["rev-parse", "HEAD^"]), old, "round {n}");
        // ...and leaves the working tree and index in line with the commit.
        assert_eq!(
            git(f.root(), &["status", "--porcelain"]),
            "?? incoming/",
            "round {n}"
        );
        f.run(&["validate"]).ok();
        fsck(f.root());
    }
    eprintln!(
        "publish: {killed} runs killed; HEAD left old {} times, new {} times; working tree ahead of the old HEAD {written_ahead} times, behind the new HEAD {left_behind} times; stale git locks {stale_locks} times; a journal to finish or undo {journals} times",
        states[0], states[1]
    );
    assert!(killed > 0, "no run was killed; the delays are too long");
}

/// A registry repository served by `file://`, with a working clone that pushes to it.
struct Origin {
    work: Fixture,
    bare: tempfile::TempDir,
}

impl Origin {
    fn new() -> Origin {
        let work = Fixture::new();
        work.interface("api", &["1.0.0"]);
        work.component(&component("app").release("1.0.0").provides("api", "1.0.0"));
        work.stack(
            "district",
            "[stack]\nname = \"District\"\n[needs]\napi = { interface = \"api\" }\n",
        );
        work.commit("initial");
        let bare = tempfile::tempdir().unwrap();
        git(
            bare.path(),
            &[
                "clone",
                "-q",
                "--bare",
                work.root().to_str().unwrap(),
                "registry.git",
            ],
        );
        let origin = bare.path().join("registry.git");
        git(
            work.root(),
            &["remote", "add", "origin", origin.to_str().unwrap()],
        );
        Origin { work, bare }
    }

    fn url(&self) -> String {
        format!("file://{}", self.bare.path().join("registry.git").display())
    }

    /// Pushes a commit that adds a component with a few hundred releases, so that each
    /// fetch has a pack worth interrupting.
    fn push(&self, n: usize) -> String {
        let mut c = component(&format!("extra{n}"));
        for i in 0..300 {
            c = c.release(&format!("{n}.{i}.0")).provides("api", "1.0.0");
        }
        self.work.component(&c);
        self.work.commit(&format!("add extra{n}"));
        git(self.work.root(), &["push", "-q", "origin", "main"]);
        git(self.work.root(), &["rev-parse", "HEAD"])
    }
}

#[test]
fn killed_fetches_leave_the_cache_readable() {
    let origin = Origin::new();
    let url = origin.url();
    let cache = tempfile::tempdir().unwrap();
    let cache_s = cache.path().to_str().unwrap().to_owned();
    let env = [
        ("STACKREG_CACHE", cache_s.as_str()),
        ("STACKREG_FETCH_TTL", "0"),
    ];
    let cwd = tempfile::tempdir().unwrap();
    let fetch = [
        "--registry",
        url.as_str(),
        "registry",
        "fetch",
        "--format",
        "json",
    ];
    let span = timed(cwd.path(), &fetch, &env).mul_f64(1.5);
    let mut rng = Seeded(0x5eed_0003);
    let mut killed = 0;
    let (mut at, mut empty) = ([0; 2], 0);
    let mut old = git(origin.work.root(), &["rev-parse", "HEAD"]);
    for n in 1..=rounds(16) {
        // Every fourth round starts from an empty cache, to interrupt first clones too.
        if n % 4 == 0 {
            std::fs::remove_dir_all(cache.path()).unwrap();
            std::fs::create_dir_all(cache.path()).unwrap();
        }
        let new = origin.push(n);
        killed += usize::from(kill_after(
            spawn_stackreg(cwd.path(), &fetch, &env),
            rng.delay(span),
        ));

        // A copy in the cache is sound and reads at the old commit or the new one.
        let offline = stackreg_env(
            cwd.path(),
            &[
                "--registry",
                &url,
                "--offline",
                "registry",
                "log",
                "-n",
                "1",
                "--format",
                "json",
            ],
            &env,
        );
        if offline.code == 0 {
            let commit = offline.json()["commits"][0]["commit"]
                .as_str()
                .unwrap()
                .to_owned();
            assert!(
                commit == old || commit == new,
                "round {n}: cache at {commit}"
            );
            at[usize::from(commit == new)] += 1;
            let copy = std::fs::read_dir(cache.path().join("git"))
                .unwrap()
                .flatten()
                .map(|e| e.path())
                .find(|p| p.is_dir() && !p.file_name().unwrap().to_string_lossy().starts_with('.'))
                .unwrap();
            fsck(&copy);
        } else {
            // Only a first clone that never finished leaves nothing to read.
            assert!(
                offline.stderr.contains("is not in the cache"),
                "round {n}: {offline:?}"
            );
            empty += 1;
        }
        // The next run works, and reads the new commit.
        let run = stackreg_env(cwd.path(), &fetch, &env);
        assert_eq!(run.code, 0, "round {n}: {run:?}");
        assert_eq!(run.json()["commit"], new.as_str(), "round {n}");
        old = new;
    }
    // Half-written packs of killed fetches are cleared by the next fetch.
    let copy = std::fs::read_dir(cache.path().join("git"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .find(|p| p.is_dir() && !p.file_name().unwrap().to_string_lossy().starts_with('.'))
        .unwrap();
    let leftovers: Vec<String> = std::fs::read_dir(copy.join("objects/pack"))
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| !n.starts_with("pack-") || n.ends_with(".lock"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    let locks: Vec<String> = std::fs::read_dir(&copy)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".lock"))
        .collect();
    assert!(locks.is_empty(), "{locks:?}");
    eprintln!(
        "cache: {killed} runs killed; the copy read at the old commit {} times, at the new one {} times; no copy yet (a first clone killed) {empty} times",
        at[0], at[1]
    );
    assert!(killed > 0, "no run was killed; the delays are too long");
}

#[test]
fn eight_runs_share_one_empty_cache() {
    let origin = Origin::new();
    origin.push(1);
    let url = origin.url();
    let cache = tempfile::tempdir().unwrap();
    let cache_s = cache.path().to_str().unwrap().to_owned();
    let env = [("STACKREG_CACHE", cache_s.as_str())];
    let project = tempfile::tempdir().unwrap();
    std::fs::write(
        project.path().join("district.toml"),
        format!("[stack]\nname = \"District\"\nregistry = \"{url}\"\n[needs]\napi = {{ interface = \"api\" }}\n"),
    )
    .unwrap();
    let runs: Vec<Child> = (0..8)
        .map(|i| {
            let args: &[&str] = if i % 2 == 0 {
                &["resolve", "district.toml", "--format", "json"]
            } else {
                &["resolve", "district.toml"]
            };
            spawn_stackreg(project.path(), args, &env)
        })
        .collect();
    let runs: Vec<Run> = runs.into_iter().map(finish).collect();
    for run in &runs {
        assert_eq!(run.code, 0, "{run:?}");
    }
    for pair in runs.chunks(2).collect::<Vec<_>>().windows(2) {
        assert_eq!(pair[0][0].stdout, pair[1][0].stdout, "JSON answers differ");
        assert_eq!(pair[0][1].stdout, pair[1][1].stdout, "table answers differ");
    }
    assert!(
        runs[0].json()["plan"]
            .as_array()
            .is_some_and(|p| !p.is_empty())
    );
    // One copy, cloned once.
    let clones = runs.iter().filter(|r| r.stderr.contains("Cloning")).count();
    assert_eq!(clones, 1, "{runs:?}");
    let entries: Vec<String> = std::fs::read_dir(cache.path().join("git"))
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(entries.len(), 3, "{entries:?}");
}
