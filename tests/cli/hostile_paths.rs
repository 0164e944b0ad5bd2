//! Hostile paths and files around the manifests (docs/SECURITY.md, "Paths and files"):
//! symbolic links to secrets and devices, named pipes, oversized files, folders that are
//! links, site folders that hold what stackreg did not write, and the smaller traps of
//! names and versions. Every run has a short time limit, so a read that blocks fails the
//! test instead of stalling the suite.

use std::path::Path;
use std::time::Duration;

use crate::support::*;

/// Long enough for any run here on a loaded machine; a run that blocks on a pipe or reads
/// a device without end is stopped at this limit and fails its test.
const LIMIT: Duration = Duration::from_secs(30);

/// What CI would have in its environment, and must never print.
const SECRET: &str = "stackreg-test-secret-5f1d9a";

/// Runs the binary in `cwd` with the secret in its environment and a short time limit.
pub fn guarded_run(cwd: &Path, args: &[&str]) -> Run {
    let run = stackreg_within(cwd, args, &[("SECRET_TOKEN", SECRET)], LIMIT);
    assert_no_leak(&run, args);
    run
}

/// Fails when a run printed the secret or the password file.
#[track_caller]
pub fn assert_no_leak(run: &Run, args: &[&str]) {
    for (name, out) in [("stdout", &run.stdout), ("stderr", &run.stderr)] {
        assert!(
            !out.contains(SECRET) && !out.contains("root:x:0:0"),
            "stackreg {args:?} printed what a link pointed at on {name}:\n{out}"
        );
    }
}

/// Makes a named pipe at `path`; `false` (after saying why) where the platform has none.
pub fn mkfifo(path: &Path) -> bool {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).unwrap();
    }
    match std::process::Command::new("mkfifo").arg(path).status() {
        Ok(s) if s.success() => true,
        _ => {
            eprintln!("skipped: cannot make a named pipe here (no mkfifo)");
            false
        }
    }
}

/// Whether `path` exists on this platform (`/proc/self/environ`, `/dev/zero`); says so
/// when it does not.
pub fn have(path: &str) -> bool {
    let there = std::fs::symlink_metadata(path).is_ok();
    if !there {
        eprintln!("skipped: {path} does not exist on this platform");
    }
    there
}

/// Makes `link` a symbolic link to `target`.
pub fn symlink(target: impl AsRef<Path>, link: &Path) {
    if let Some(parent) = link.parent() {
        std::fs::create_dir_all(parent).unwrap();
    }
    #[cfg(unix)]
    std::os::unix::fs::symlink(target, link).unwrap();
    #[cfg(windows)]
    std::os::windows::fs::symlink_file(target, link).unwrap();
}

/// A committed registry with one valid component and a stack that resolves, in a
/// repository that also holds a secret file outside the registry.
fn fixture() -> Fixture {
    let f = Fixture::new();
    f.component(&component("widget").release("1.0.0"));
    f.repo_file(
        "stacks/council.toml",
        "[stack]\nname = \"Council\"\nregistry = \"../registry\"\n\n[needs]\nweb = { component = \"widget\" }\n",
    );
    f.repo_file("secret.env", format!("SECRET_TOKEN={SECRET}\n"));
    f.commit("registry");
    f
}

/// The (file, code) pairs of a `validate --format json` run.
fn codes(run: &Run) -> Vec<(String, String)> {
    run.findings()
        .into_iter()
        .map(|d| (d.file, d.code))
        .collect()
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
        .collect()
}

#[test]
fn named_files_get_the_registry_walks_rules() {
    let f = fixture();
    let root = f.root();
    let mut links: Vec<(&str, &str)> = vec![
        ("registry/components/passwd.toml", "/etc/passwd"),
        ("registry/components/secret.toml", "../../secret.env"),
        ("outside/secret.toml", "../secret.env"),
    ];
    if have("/proc/self/environ") {
        links.push(("registry/components/env.toml", "/proc/self/environ"));
    }
    if have("/dev/zero") {
        links.push(("registry/components/zero.toml", "/dev/zero"));
        links.push(("outside/zero.toml", "/dev/zero"));
    }
    for (link, target) in &links {
        symlink(target, &root.join(link));
    }
    // A folder on the way that is a link, inside and outside the registry.
    symlink("/etc", &root.join("registry/interfaces"));
    symlink("/etc", &root.join("outside/etc"));
    for (link, _) in &links {
        let run = guarded_run(
            root,
            &[
                "--registry",
                "registry",
                "validate",
                link,
                "--format",
                "json",
            ],
        );
        run.code(1);
        let shown = link.strip_prefix("registry/").unwrap_or(link);
        assert_eq!(codes(&run), pairs(&[(shown, "symlink")]), "{link}");
        // The human format quotes no line of anything refused.
        let human = run_human(root, link);
        assert!(!human.contains(" | "), "{human}");
    }
    for (file, shown) in [
        ("registry/interfaces/passwd", "interfaces/passwd"),
        ("outside/etc/passwd", "outside/etc/passwd"),
    ] {
        let run = guarded_run(
            root,
            &[
                "--registry",
                "registry",
                "validate",
                file,
                "--format",
                "json",
            ],
        );
        run.code(1);
        let found = run.findings();
        assert_eq!(codes(&run), pairs(&[(shown, "symlink")]), "{file}");
        assert!(
            found[0].message.contains("is a symbolic link")
                && found[0].message.contains("does not follow links"),
            "{:?}",
            found[0]
        );
    }
    // Named directly: a device, a pipe, a folder, a file over the cap.
    let mut special = vec![("registry/components", "components", "unexpected-file")];
    if have("/dev/zero") {
        special.push(("/dev/zero", "/dev/zero", "unexpected-file"));
    }
    if mkfifo(&root.join("registry/components/pipe.toml")) {
        special.push((
            "registry/components/pipe.toml",
            "components/pipe.toml",
            "unexpected-file",
        ));
    }
    if mkfifo(&root.join("outside/pipe.toml")) {
        special.push(("outside/pipe.toml", "outside/pipe.toml", "unexpected-file"));
    }
    f.repo_file("outside/big.toml", vec![b'#'; 1024 * 1024 + 1]);
    special.push(("outside/big.toml", "outside/big.toml", "file-too-large"));
    for (file, shown, code) in special {
        let run = guarded_run(
            root,
            &[
                "--registry",
                "registry",
                "validate",
                file,
                "--format",
                "json",
            ],
        );
        run.code(1);
        assert!(
            codes(&run).contains(&(shown.to_owned(), code.to_owned())),
            "{file}: {}",
            run.stdout
        );
    }
}

/// `validate FILE` in the human format.
fn run_human(root: &Path, file: &str) -> String {
    let run = guarded_run(root, &["--registry", "registry", "validate", file]);
    run.code(1);
    run.stdout.clone()
}

#[test]
fn publish_refuses_links_pipes_and_devices_it_is_given() {
    let f = fixture();
    let root = f.root();
    let home = isolated_home();
    let mut files = vec!["outside/secret.toml"];
    symlink("../secret.env", &root.join("outside/secret.toml"));
    if have("/dev/zero") {
        files.push("/dev/zero");
        symlink("/dev/zero", &root.join("outside/zero.toml"));
        files.push("outside/zero.toml");
    }
    if mkfifo(&root.join("outside/pipe.toml")) {
        files.push("outside/pipe.toml");
    }
    let head = git(root, &["rev-parse", "HEAD"]);
    for file in files {
        let run = stackreg_within(
            root,
            &[
                "registry",
                "publish",
                file,
                "--author",
                "A <a@example.com>",
                "--format",
                "json",
            ],
            &[
                ("HOME", home.path().to_str().unwrap()),
                ("SECRET_TOKEN", SECRET),
            ],
            LIMIT,
        );
        assert_no_leak(&run, &[file]);
        run.code(1);
        assert_eq!(git(root, &["rev-parse", "HEAD"]), head, "{file}");
    }
}

#[test]
fn stack_files_and_locks_are_read_by_the_same_rules() {
    let f = fixture();
    let root = f.root();
    // A stack that is a link, and one behind a folder that is a link.
    symlink("council.toml", &root.join("stacks/linked.toml"));
    symlink("stacks", &root.join("linked-stacks"));
    for stack in ["stacks/linked.toml", "linked-stacks/council.toml"] {
        let run = guarded_run(root, &["resolve", stack]);
        run.code(2);
        assert!(
            run.stderr.contains("is a symbolic link") && run.stderr.contains("hint:"),
            "{stack}: {}",
            run.stderr
        );
    }
    if mkfifo(&root.join("stacks/pipe.toml")) {
        let run = guarded_run(root, &["resolve", "stacks/pipe.toml"]);
        run.code(2);
        assert!(run.stderr.contains("named pipe"), "{}", run.stderr);
    }

    // Locks: a pipe, a link to a device, a link to a lock elsewhere.
    let lock = root.join("stacks/council.lock");
    guarded_run(root, &["resolve", "stacks/council.toml", "--lock"]).ok();
    let good = std::fs::read_to_string(&lock).unwrap();
    std::fs::remove_file(&lock).unwrap();
    // (what the error calls it, how to make it)
    let mut shapes: Vec<(&str, &str)> = vec![("a symbolic link", "elsewhere")];
    if have("/dev/zero") {
        shapes.push(("a symbolic link", "device"));
    }
    let probe = root.join("probe-fifo");
    if mkfifo(&probe) {
        std::fs::remove_file(probe).unwrap();
        shapes.push(("named pipe", "pipe"));
    }
    for (what, shape) in shapes {
        match shape {
            "elsewhere" => {
                std::fs::write(root.join("elsewhere.lock"), &good).unwrap();
                symlink("../elsewhere.lock", &lock);
            }
            "device" => symlink("/dev/zero", &lock),
            _ => assert!(mkfifo(&lock)),
        }
        for args in [
            &["resolve", "stacks/council.toml", "--locked"][..],
            &["resolve", "stacks/council.toml"],
            &["outdated", "stacks/council.toml"],
        ] {
            let run = guarded_run(root, args);
            run.code(2);
            assert!(
                run.stderr.contains("council.lock") && run.stderr.contains(what),
                "{what} {args:?}: {}",
                run.stderr
            );
        }
        std::fs::remove_file(&lock).unwrap();
    }
    // A lock over the cap is refused unread.
    std::fs::write(&lock, vec![b'#'; 4 * 1024 * 1024 + 1]).unwrap();
    let run = guarded_run(root, &["resolve", "stacks/council.toml", "--locked"]);
    run.code(2);
    assert!(run.stderr.contains("over the limit"), "{}", run.stderr);
}

#[test]
fn locked_checks_the_registry_and_refuses_duplicate_entries() {
    let f = fixture();
    let root = f.root();
    let lock = root.join("stacks/council.lock");
    guarded_run(root, &["resolve", "stacks/council.toml", "--lock"]).ok();
    let text = std::fs::read_to_string(&lock).unwrap();
    // The registry is recorded relative to the lock, so it reads the same from anywhere.
    assert!(text.contains("source = \"../registry\""), "{text}");
    guarded_run(root, &["resolve", "stacks/council.toml", "--locked"]).ok();
    guarded_run(
        &root.join("stacks"),
        &["resolve", "council.toml", "--locked"],
    )
    .ok();

    // The same plan, from another registry: stale.
    let other = root.join("other");
    std::fs::create_dir_all(&other).unwrap();
    for entry in ["registry.toml", "components/widget.toml"] {
        let to = other.join(entry);
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::copy(f.registry().join(entry), to).unwrap();
    }
    std::fs::write(&lock, text.replace("../registry", "../other")).unwrap();
    let run1 = guarded_run(root, &["resolve", "stacks/council.toml", "--locked"]);
    run1.code(1);
    assert!(
        run1.stderr.contains("made from the registry `../other`")
            && run1.stderr.contains("this run read `registry`"),
        "{}",
        run1.stderr
    );
    let url = text.replace("\"../registry\"", "\"https://example.com/registry.git\"");
    std::fs::write(&lock, url).unwrap();
    guarded_run(root, &["resolve", "stacks/council.toml", "--locked"]).code(1);

    // A component locked twice.
    let twice = format!("{text}\n[[component]]\nid = \"widget\"\nversion = \"9.0.0\"\n");
    std::fs::write(&lock, twice).unwrap();
    let run2 = guarded_run(root, &["resolve", "stacks/council.toml", "--locked"]);
    run2.code(2);
    assert!(
        run2.stderr.contains("`widget` is locked twice"),
        "{}",
        run2.stderr
    );
}

#[test]
fn allowed_signers_files_are_read_by_the_same_rules() {
    let f = fixture();
    let root = f.root();
    let mut shapes: Vec<(&str, &str)> = vec![];
    symlink("secret.env", &root.join("signers-link"));
    shapes.push(("signers-link", "symbolic link"));
    if have("/dev/zero") {
        shapes.push(("/dev/zero", "character device"));
    }
    if mkfifo(&root.join("signers-pipe")) {
        shapes.push(("signers-pipe", "named pipe"));
    }
    for (file, what) in &shapes {
        let run = guarded_run(root, &["--require-signed", file, "list"]);
        run.code(2);
        assert!(run.stderr.contains(what), "{file}: {}", run.stderr);
        // The same file named by a stack's `allowed-signers`.
        let stack = format!(
            "[stack]\nname = \"Council\"\nregistry = \"../registry\"\nallowed-signers = \"../{file}\"\n\n[needs]\nweb = {{ component = \"widget\" }}\n"
        );
        let stack = if file.starts_with('/') {
            stack.replace(&format!("../{file}"), file)
        } else {
            stack
        };
        f.repo_file("stacks/signed.toml", stack);
        let run = guarded_run(root, &["resolve", "stacks/signed.toml"]);
        run.code(2);
        assert!(run.stderr.contains(what), "{file}: {}", run.stderr);
    }
}

#[test]
fn a_registry_that_is_not_a_folder_says_what_it_is() {
    let f = fixture();
    let root = f.root();
    let mut cases = vec![("secret.env", "is a file, not a folder")];
    if have("/dev/zero") {
        cases.push(("/dev/zero", "is a character device, not a folder"));
    }
    if mkfifo(&root.join("pipe")) {
        cases.push(("pipe", "is a named pipe (FIFO), not a folder"));
    }
    for (path, says) in cases {
        for args in [
            &["--registry", path, "list"][..],
            &["--registry", path, "registry", "log"],
            &[
                "--registry",
                path,
                "registry",
                "yank",
                "widget@1.0.0",
                "--reason",
                "x",
            ],
        ] {
            let out = guarded_run(root, args);
            out.code(2);
            assert!(out.stderr.contains(says), "{args:?}: {}", out.stderr);
        }
    }
    let out = guarded_run(root, &["--registry", "missing", "list"]);
    out.code(2);
    assert!(out.stderr.contains("does not exist"), "{}", out.stderr);
}

/// Whether this process may give files away (root, on Unix).
fn can_chown() -> bool {
    let probe = tempfile::NamedTempFile::new().unwrap();
    let ok = std::process::Command::new("chown")
        .arg("54321")
        .arg(probe.path())
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !ok {
        eprintln!("skipped: only root can make a repository owned by another user here");
    }
    ok
}

#[test]
fn a_repository_owned_by_another_user_names_gits_refusal() {
    if !can_chown() {
        return;
    }
    let f = fixture();
    let root = f.root();
    let status = std::process::Command::new("chown")
        .args(["-R", "54321"])
        .arg(root)
        .status()
        .unwrap();
    assert!(status.success());
    let home = isolated_home();
    let env = [("HOME", home.path().to_str().unwrap())];
    for args in [
        &["registry", "log"][..],
        &["registry", "yank", "widget@1.0.0", "--reason", "x"],
        &["--rev", "HEAD", "list"],
        &["list"],
    ] {
        let run = stackreg_within(root, args, &env, LIMIT);
        run.code(2);
        assert!(
            run.stderr.contains("owned by another user") && run.stderr.contains("safe.directory"),
            "{args:?}: {}",
            run.stderr
        );
    }
    // Reading the folder as files needs no git: the registry is still read.
    let run = stackreg_within(root, &["--registry", "registry", "list"], &env, LIMIT);
    run.ok();
}
