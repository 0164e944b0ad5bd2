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

/// Every file under `root` (links as `-> target`), by path from it.
fn tree(root: &Path) -> std::collections::BTreeMap<String, String> {
    let mut out = std::collections::BTreeMap::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let entry = entry.unwrap();
            let path = entry.path();
            let rel = path
                .strip_prefix(root)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            let t = entry.file_type().unwrap();
            if t.is_symlink() {
                let target = std::fs::read_link(&path).unwrap();
                out.insert(rel, format!("-> {}", target.display()));
            } else if t.is_dir() {
                out.insert(format!("{rel}/"), String::new());
                stack.push(path);
            } else if !t.is_file() {
                out.insert(rel, "special".into()); // never read: a pipe would block
            } else {
                let bytes = std::fs::read(&path).unwrap();
                out.insert(rel, format!("{:x}", bytes.len()));
            }
        }
    }
    out
}

/// The sample registry, for writing sites from.
fn sample() -> String {
    sample_registry().display().to_string()
}

#[test]
fn site_never_removes_what_it_did_not_write() {
    let dir = tempfile::tempdir().unwrap();
    let work = dir.path().join("work");
    // A folder with an empty marker, a repository in it and notes: a marker proves
    // nothing by existing.
    std::fs::create_dir_all(work.join("registry")).unwrap();
    git(&work.join("registry"), &["init", "-q", "-b", "main"]);
    std::fs::write(work.join("registry/registry.toml"), "[registry]\n").unwrap();
    std::fs::write(work.join(".stackreg-site"), "").unwrap();
    std::fs::write(work.join("notes.txt"), "mine").unwrap();
    let before = tree(&work);
    let reg = sample();
    for (cwd, out, force, says) in [
        (&work, ".", false, "is the current directory"),
        (&work, ".", true, "is the current directory"),
        (
            &dir.path().to_path_buf(),
            "work",
            false,
            "was not written by `stackreg site`",
        ),
        (
            &dir.path().to_path_buf(),
            "work",
            true,
            "holds a git repository",
        ),
    ] {
        let mut args = vec!["--registry", &reg, "site", "--out", out];
        if force {
            args.push("--force");
        }
        let run = guarded_run(cwd, &args);
        run.code(2);
        assert!(run.stderr.contains(says), "{args:?}: {}", run.stderr);
        assert_eq!(tree(&work), before, "{args:?} changed the folder");
    }

    // Inside a registry, forced: the registry, a folder inside it, a stack file's folder.
    let f = fixture();
    let root = f.root();
    let registry_before = tree(&f.registry());
    for (cwd, args, says) in [
        (
            f.registry(),
            vec!["--registry", ".", "site", "--out", ".", "--force"],
            "the registry being read",
        ),
        (
            root.to_path_buf(),
            vec![
                "--registry",
                "registry",
                "site",
                "--out",
                "registry",
                "--force",
            ],
            "holds the registry being read",
        ),
        (
            root.to_path_buf(),
            vec![
                "--registry",
                "registry",
                "site",
                "--out",
                "registry/components/public",
            ],
            "is inside the registry being read",
        ),
        (
            root.to_path_buf(),
            vec![
                "--registry",
                "registry",
                "site",
                "--out",
                "stacks",
                "--force",
                "--stack",
                "stacks/council.toml",
            ],
            "a stack file given with --stack",
        ),
        (
            root.to_path_buf(),
            vec!["--registry", "registry", "site", "--out", ".git/site"],
            "inside a git folder",
        ),
    ] {
        let run = guarded_run(&cwd, &args);
        run.code(2);
        assert!(run.stderr.contains(says), "{args:?}: {}", run.stderr);
        assert_eq!(tree(&f.registry()), registry_before, "{args:?}");
    }
    assert!(root.join("stacks/council.toml").is_file());
    assert!(!root.join(".git/site").exists());
    // Beside the registry's own files is fine: CI builds a repository's site this way.
    guarded_run(
        &f.registry(),
        &["--registry", ".", "site", "--out", "_site"],
    )
    .ok();
    assert!(f.registry().join("_site/index.html").is_file());
    assert_eq!(
        tree(&f.registry())
            .into_iter()
            .filter(|(p, _)| !p.starts_with("_site"))
            .collect::<std::collections::BTreeMap<_, _>>(),
        registry_before
    );

    // A site's folder keeps what the site did not write, across runs.
    let out = dir.path().join("public");
    guarded_run(dir.path(), &["--registry", &reg, "site", "--out", "public"]).ok();
    std::fs::write(out.join("CNAME"), "catalogue.example.org").unwrap();
    std::fs::create_dir_all(out.join("extra/deeper")).unwrap();
    std::fs::write(out.join("extra/deeper/page.html"), "mine").unwrap();
    symlink("index.html", &out.join("home.html"));
    guarded_run(dir.path(), &["--registry", &reg, "site", "--out", "public"]).ok();
    assert_eq!(
        std::fs::read_to_string(out.join("CNAME")).unwrap(),
        "catalogue.example.org"
    );
    assert_eq!(
        std::fs::read_to_string(out.join("extra/deeper/page.html")).unwrap(),
        "mine"
    );
    assert_eq!(
        std::fs::read_link(out.join("home.html")).unwrap(),
        Path::new("index.html")
    );
    // Something of one's own where the new site writes a page stops the run, unchanged.
    std::fs::remove_file(out.join("components/fixmystreet.html")).unwrap();
    let marker = std::fs::read_to_string(out.join(".stackreg-site")).unwrap();
    std::fs::write(
        out.join(".stackreg-site"),
        marker.replace("components/fixmystreet.html\n", ""),
    )
    .unwrap();
    std::fs::write(out.join("components/fixmystreet.html"), "hand-written").unwrap();
    let held = tree(&out);
    let run = guarded_run(dir.path(), &["--registry", &reg, "site", "--out", "public"]);
    run.code(2);
    assert!(
        run.stderr.contains("was not written by `stackreg site`")
            && run.stderr.contains("components/fixmystreet.html"),
        "{}",
        run.stderr
    );
    assert_eq!(tree(&out), held);
    // A pipe cannot be carried across: refused before anything changes.
    std::fs::remove_file(out.join("components/fixmystreet.html")).unwrap();
    if mkfifo(&out.join("extra/pipe")) {
        let held = tree(&out);
        let run = guarded_run(dir.path(), &["--registry", &reg, "site", "--out", "public"]);
        run.code(2);
        assert!(run.stderr.contains("named pipe"), "{}", run.stderr);
        assert_eq!(tree(&out), held);
    }
}

#[test]
fn site_page_names_never_collide_with_ids() {
    let f = Fixture::new();
    f.interface("index", &["1.0.0"]);
    f.component(
        &component("widget")
            .capabilities(&["index"])
            .release("1.0.0")
            .provides("index", "1.0.0"),
    );
    f.stack(
        "index",
        "[stack]\nname = \"The index council\"\n\n[needs]\nweb = { capability = \"index\" }\n",
    );
    f.commit("registry");
    let run = guarded_run(f.root(), &["site", "--out", "public"]);
    run.ok();
    // Home, the three index pages, and one page each for the component, the interface,
    // the capability and the stack.
    assert!(run.stderr.contains("Wrote 8 pages"), "{}", run.stderr);
    let out = f.root().join("public");
    let read = |p: &str| std::fs::read_to_string(out.join(p)).unwrap();
    assert!(read("stacks/index.html").contains("The index council"));
    assert!(read("stacks.html").contains("href=\"stacks/index.html\""));
    assert!(read("capabilities/index.html").contains("widget"));
    assert!(read("capabilities.html").contains("href=\"capabilities/index.html\""));
    assert!(read("interfaces/index.html").contains("index interface"));
    assert!(read("interfaces.html").contains("href=\"interfaces/index.html\""));
}

#[test]
fn an_interrupted_site_leaves_nothing_behind() {
    let dir = tempfile::tempdir().unwrap();
    let reg = sample();
    let out = dir.path().join("public");
    guarded_run(dir.path(), &["--registry", &reg, "site", "--out", "public"]).ok();
    std::fs::write(out.join("CNAME"), "catalogue.example.org").unwrap();
    // What killed runs leave: a half-written new site, and an old one moved aside.
    let new = dir.path().join(".public.stackreg-new-a1b2c3");
    std::fs::create_dir_all(new.join("components")).unwrap();
    std::fs::write(new.join("components/half.html"), "half").unwrap();
    let old = dir.path().join(".public.stackreg-old-d4e5f6/previous");
    std::fs::create_dir_all(&old).unwrap();
    std::fs::write(old.join("index.html"), "old").unwrap();
    // Look-alikes that are not ours stay.
    std::fs::write(dir.path().join(".public.stackreg-new-notes.txt"), "mine").unwrap();
    std::fs::create_dir_all(dir.path().join(".other.stackreg-new-x")).unwrap();
    guarded_run(dir.path(), &["--registry", &reg, "site", "--out", "public"]).ok();
    let mut names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            ".other.stackreg-new-x",
            ".public.stackreg-new-notes.txt",
            "public"
        ]
    );
    assert!(out.join("CNAME").is_file());

    // Killed between moving the site aside and putting the new one in place: the next
    // run puts the old one back first, so what it held is not lost.
    let aside = dir.path().join(".public.stackreg-old-g7h8i9");
    std::fs::create_dir_all(&aside).unwrap();
    std::fs::rename(&out, aside.join("previous")).unwrap();
    guarded_run(dir.path(), &["--registry", &reg, "site", "--out", "public"]).ok();
    assert_eq!(
        std::fs::read_to_string(out.join("CNAME")).unwrap(),
        "catalogue.example.org"
    );
    assert!(!aside.exists());
}

/// A folder that no one, root included, can add files to while this lives: `chattr +i`
/// where the file system and privileges allow it, else plain permissions (which stop
/// everyone but root). `None` (after saying why) where neither stops this process.
pub struct ReadOnly {
    dir: std::path::PathBuf,
    immutable: bool,
}

impl ReadOnly {
    pub fn new(dir: &Path) -> Option<ReadOnly> {
        let immutable = std::process::Command::new("chattr")
            .arg("+i")
            .arg(dir)
            .stderr(std::process::Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        #[cfg(unix)]
        if !immutable {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o555)).unwrap();
        }
        let guard = ReadOnly {
            dir: dir.to_path_buf(),
            immutable,
        };
        let probe = dir.join(".probe");
        if std::fs::write(&probe, "x").is_ok() {
            let _ = std::fs::remove_file(&probe);
            eprintln!(
                "skipped: cannot make a folder read-only for this process here (root without chattr)"
            );
            return None;
        }
        Some(guard)
    }
}

impl Drop for ReadOnly {
    fn drop(&mut self) {
        if self.immutable {
            let _ = std::process::Command::new("chattr")
                .arg("-i")
                .arg(&self.dir)
                .status();
        }
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let _ = std::fs::set_permissions(&self.dir, std::fs::Permissions::from_mode(0o755));
        }
    }
}

/// `registry publish FILE…` as an author, with a short time limit.
fn publish(root: &Path, files: &[&str]) -> Run {
    let home = isolated_home();
    let mut args = vec!["registry", "publish"];
    args.extend_from_slice(files);
    args.extend_from_slice(&["--author", "A <a@example.com>"]);
    let run = stackreg_within(
        root,
        &args,
        &[("HOME", home.path().to_str().unwrap())],
        LIMIT,
    );
    assert_no_leak(&run, &args);
    run
}

#[test]
fn publish_writes_only_inside_the_registry_and_all_or_nothing() {
    let f = fixture();
    let root = f.root();
    f.repo_file(
        "incoming/postgresql.toml",
        component("postgresql").release("16.0.0").toml(),
    );
    f.repo_file(
        "incoming/wire.toml",
        interface_toml("postgresql-wire", &["3.0.0"]),
    );
    let head = git(root, &["rev-parse", "HEAD"]);
    let status = || git(root, &["status", "--porcelain", "--untracked-files=no"]);

    // components/ is a link to a folder outside the registry.
    std::fs::create_dir_all(root.join("outside")).unwrap();
    std::fs::rename(
        f.registry().join("components"),
        root.join("outside/components"),
    )
    .unwrap();
    symlink("../outside/components", &f.registry().join("components"));
    let run = publish(root, &["incoming/postgresql.toml"]);
    run.code(2);
    assert!(
        run.stderr
            .contains("registry/components in the working tree is a symbolic link"),
        "{}",
        run.stderr
    );
    assert!(!root.join("outside/components/postgresql.toml").exists());
    assert_eq!(git(root, &["rev-parse", "HEAD"]), head);
    std::fs::remove_file(f.registry().join("components")).unwrap();
    std::fs::rename(
        root.join("outside/components"),
        f.registry().join("components"),
    )
    .unwrap();
    assert_eq!(status(), "");

    // The manifest itself is a link (yank edits it in place).
    let manifest = f.registry().join("components/widget.toml");
    std::fs::rename(&manifest, root.join("outside/widget.toml")).unwrap();
    symlink("../../outside/widget.toml", &manifest);
    let run = publish(root, &["incoming/postgresql.toml"]);
    run.ok(); // another file: fine
    let head = git(root, &["rev-parse", "HEAD"]);
    let home = isolated_home();
    let run = stackreg_within(
        root,
        &[
            "registry",
            "yank",
            "widget@1.0.0",
            "--reason",
            "broken",
            "--author",
            "A <a@example.com>",
        ],
        &[("HOME", home.path().to_str().unwrap())],
        LIMIT,
    );
    run.code(2);
    assert!(run.stderr.contains("widget.toml"), "{}", run.stderr);
    assert!(
        !std::fs::read_to_string(root.join("outside/widget.toml"))
            .unwrap()
            .contains("yanked")
    );
    assert_eq!(git(root, &["rev-parse", "HEAD"]), head);
    std::fs::remove_file(&manifest).unwrap();
    std::fs::rename(root.join("outside/widget.toml"), &manifest).unwrap();

    // A write that fails: nothing is committed, and what was written is put back.
    let interfaces = f.registry().join("interfaces");
    std::fs::create_dir_all(&interfaces).unwrap();
    let Some(read_only) = ReadOnly::new(&interfaces) else {
        return;
    };
    f.repo_file(
        "incoming/pgadmin.toml",
        component("pgadmin").release("8.0.0").toml(),
    );
    let run = publish(root, &["incoming/pgadmin.toml", "incoming/wire.toml"]);
    drop(read_only);
    run.code(2);
    assert!(
        run.stderr.contains("could not write") && run.stderr.contains("nothing was committed"),
        "{}",
        run.stderr
    );
    assert_eq!(git(root, &["rev-parse", "HEAD"]), head);
    assert!(!f.registry().join("components/pgadmin.toml").exists());
    assert_eq!(status(), "", "the working tree and index are as before");
    // And the same change goes through once the folder can be written.
    publish(root, &["incoming/pgadmin.toml", "incoming/wire.toml"]).ok();
    assert_eq!(status(), "");
}

#[test]
fn one_immutability_rule_for_validate_diff_and_publish() {
    let f = Fixture::new();
    f.interface("wire", &["2.0.0", "3.0.0"]);
    // Nothing provides wire 2.0.0, so withdrawing it breaks nothing but the rule.
    f.component(
        &component("db")
            .release("1.0.0")
            .provides("wire", "3.0.0")
            .release("2.0.0")
            .provides("wire", "3.0.0"),
    );
    f.component(&component("app").release("1.0.0").requires("wire", ">=2"));
    let base = f.commit("base");
    let root = f.root();
    let reset = || {
        git(root, &["reset", "-q", "--hard", &base]);
        git(root, &["clean", "-q", "-fd", "registry"]);
    };
    // (what, the edit, the code validate gives, the file publish would write)
    type Edit<'a> = &'a dyn Fn();
    let cases: [(&str, Edit<'_>, &str, Option<&str>); 5] = [
        (
            "an interface version withdrawn",
            &|| {
                f.interface("wire", &["3.0.0"]);
            },
            "release-removed",
            Some("interfaces/wire.toml"),
        ),
        (
            "an interface removed",
            &|| {
                f.remove("interfaces/wire.toml");
                f.component(&component("db").release("1.0.0").release("2.0.0"));
                f.component(&component("app").release("1.0.0"));
            },
            "release-removed",
            None,
        ),
        (
            "a release removed",
            &|| {
                f.component(&component("db").release("2.0.0").provides("wire", "3.0.0"));
            },
            "release-removed",
            Some("components/db.toml"),
        ),
        (
            "a release changed",
            &|| {
                f.edit(
                    "components/db.toml",
                    "released = 2024-01-01",
                    "released = 2024-02-01",
                );
            },
            "release-changed",
            Some("components/db.toml"),
        ),
        (
            "a component removed",
            &|| {
                f.remove("components/app.toml");
            },
            "release-removed",
            None,
        ),
    ];
    for (what, edit, code, file) in cases {
        reset();
        edit();
        // validate --base
        let run = guarded_run(root, &["validate", "--base", &base, "--format", "json"]);
        run.code(1);
        assert!(
            run.findings().iter().any(|d| d.code == code),
            "{what}: validate --base: {}",
            run.stdout
        );
        // registry publish of the edited file, against the base
        if let Some(file) = file {
            let text = std::fs::read_to_string(f.registry().join(file)).unwrap();
            reset();
            f.repo_file("incoming/edited.toml", &text);
            let incoming = if file.starts_with("interfaces/") {
                "incoming/wire.toml"
            } else {
                "incoming/db.toml"
            };
            std::fs::rename(root.join("incoming/edited.toml"), root.join(incoming)).unwrap();
            let run = publish(root, &[incoming, "--format", "json"]);
            run.code(1);
            assert!(
                run.findings().iter().any(|d| d.code == code),
                "{what}: publish: {}",
                run.stdout
            );
            assert_eq!(git(root, &["rev-parse", "HEAD"]), base, "{what}");
            std::fs::remove_dir_all(root.join("incoming")).unwrap();
            reset();
            edit();
        }
        // registry diff marks it breaking
        git(root, &["add", "-A"]);
        git(root, &["commit", "-q", "-m", what]);
        let run = guarded_run(
            root,
            &["registry", "diff", &base, "HEAD", "--format", "json"],
        );
        run.ok();
        let v = run.json();
        assert!(
            v["breaking"].as_u64().unwrap() >= 1,
            "{what}: registry diff: {}",
            run.stdout
        );
    }
}

#[test]
fn registry_init_checks_the_branch_first_and_leaves_nothing_behind() {
    let dir = tempfile::tempdir().unwrap();
    let home = isolated_home();
    let env = [("HOME", home.path().to_str().unwrap())];
    let init = |target: &str, branch: &str| {
        let branch = format!("--branch={branch}");
        stackreg_within(
            dir.path(),
            &[
                "registry",
                "init",
                target,
                &branch,
                "--author",
                "A <a@example.com>",
            ],
            &env,
            LIMIT,
        )
    };
    std::fs::create_dir(dir.path().join("empty")).unwrap();
    for target in ["new/registry", "empty"] {
        for branch in ["bad..name", "-dash", "with space", "x.lock", "HEAD"] {
            let run = init(target, branch);
            run.code(2);
            assert!(
                run.stderr.contains("is not a valid git branch name"),
                "{branch}: {}",
                run.stderr
            );
        }
        // A good name goes through, as if nothing had happened before.
        init(target, "trunk").ok();
        assert_eq!(
            git(&dir.path().join(target), &["branch", "--show-current"]),
            "trunk"
        );
        assert_eq!(
            git(&dir.path().join(target), &["status", "--porcelain"]),
            ""
        );
    }
    assert!(!dir.path().join("new/registry/.git/index.lock").exists());
}

#[test]
fn columns_are_counted_on_the_file_as_written_in_every_format() {
    // (the line that holds the finding, where the finding is on it)
    let cases = [
        ("\tbogus = 1", "bogus"),
        ("summary = \"a\u{0}b\u{0}c\" x", " x"),
        ("summary = \"a\u{202e}b\u{200b}\" x", " x"),
        ("summary = \"a\u{85}b\u{9b}c\" x", " x"),
        ("summary = \"é\u{1F600}\tb\" x", " x"),
    ];
    for (line, at) in cases {
        let f = Fixture::new();
        let mut text = component("widget").release("1.0.0").toml();
        let line_no = if line.starts_with('\t') {
            text.push_str(line);
            text.push('\n');
            text.lines().count()
        } else {
            text = text.replace("summary = \"Component widget\"", line);
            text.lines().position(|l| l == line).unwrap() + 1
        };
        f.file("components/widget.toml", &text);
        // The column, 1-based, in characters of the line as written.
        let byte = line.find(at).unwrap() + usize::from(at.starts_with(' '));
        let column = line[..byte].chars().count() + 1;
        let want = format!("components/widget.toml:{line_no}:{column}");

        let json = f.run(&["validate", "--format", "json"]);
        json.code(1);
        let found = json.findings();
        assert_eq!(
            (found[0].line, found[0].column),
            (Some(line_no as u64), Some(column as u64)),
            "{line:?} in JSON"
        );
        let github = f.run(&["validate", "--format", "github"]);
        assert!(
            github
                .stdout
                .contains(&format!("line={line_no},col={column},")),
            "{line:?} in GitHub annotations: {}",
            github.stdout
        );
        let table = f.run(&["validate"]);
        assert!(
            table.stdout.contains(&format!("--> {want}\n")),
            "{line:?} in the table:\n{}",
            table.stdout
        );
    }
}

#[test]
fn look_alike_suppliers_do_not_pass_exclude_suppliers() {
    for (supplier, mixed) in [
        ("Supplier\u{a0}alpha", false),
        ("Supplier  alpha", false),
        ("SUPPLIER ALPHA", false),
        ("Ｓupplier alpha", false),
        ("Suppli\u{435}r alpha", true),
        ("\u{405}upplier alpha", true),
    ] {
        let f = Fixture::new();
        f.component(
            &component("alpha-cms")
                .supplier(supplier)
                .capabilities(&["cms"])
                .release("1.0.0"),
        );
        f.component(
            &component("beta-cms")
                .supplier("Supplier beta")
                .capabilities(&["cms"])
                .release("1.0.0"),
        );
        f.stack(
            "council",
            "[stack]\nname = \"Council\"\n\n[needs]\nweb = { capability = \"cms\" }\n\n[prefer]\ncomponents = [\"alpha-cms\"]\n\n[policy]\nexclude-suppliers = [\"Supplier alpha\"]\n",
        );
        let run = f.run(&["validate", "--format", "json"]);
        if mixed {
            run.code(1);
            let found = run.findings();
            assert_eq!(
                (found[0].file.as_str(), found[0].code.as_str()),
                ("components/alpha-cms.toml", "mixed-script"),
                "{supplier:?}"
            );
            assert!(
                found[0].message.contains("Latin and Cyrillic")
                    || found[0].message.contains("Cyrillic and Latin"),
                "{}",
                found[0].message
            );
            continue;
        }
        run.ok();
        // The look-alike is the excluded supplier: the plan takes the other one.
        let v = f
            .run(&[
                "resolve",
                "registry/stacks/council.toml",
                "--format",
                "json",
            ])
            .ok()
            .json();
        let planned: Vec<&str> = v["plan"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["component"].as_str().unwrap())
            .collect();
        assert_eq!(planned, ["beta-cms"], "{supplier:?}");
        // And it is shown in one form.
        let listed = f.run(&["list", "--format", "json"]).ok().json();
        let shown = if supplier == "SUPPLIER ALPHA" {
            "SUPPLIER ALPHA"
        } else {
            "Supplier alpha"
        };
        assert_eq!(listed[0]["supplier"], shown, "{supplier:?}");
    }
}

#[test]
fn build_metadata_is_refused_wherever_a_version_is_written() {
    // (the registry's one change, the file, the code)
    let cases: [(&str, &str, &str); 5] = [
        ("release", "components/alpha.toml", "invalid-version"),
        ("interface", "interfaces/wire.toml", "invalid-version"),
        ("provides", "components/alpha.toml", "invalid-version"),
        ("depends", "components/beta.toml", "invalid-range"),
        ("current", "stacks/council.toml", "invalid-version"),
    ];
    for (what, file, code) in cases {
        let f = Fixture::new();
        let build = |v: &str, here: &str| {
            if what == here {
                format!("{v}+build.7")
            } else {
                v.to_owned()
            }
        };
        f.interface("wire", &[&build("2.0.0", "interface"), "3.0.0"]);
        f.component(
            &component("alpha")
                .release(&build("1.0.0", "release"))
                .provides("wire", &build("3.0.0", "provides")),
        );
        f.component(
            &component("beta")
                .release("1.0.0")
                .depends("alpha", &build("=1.0.0", "depends")),
        );
        f.stack(
            "council",
            &format!(
                "[stack]\nname = \"Council\"\n\n[needs]\nweb = {{ component = \"beta\" }}\n\n[current]\nbeta = \"{}\"\n",
                build("1.0.0", "current")
            ),
        );
        let run = f.run(&["validate", "--format", "json"]);
        run.code(1);
        let found: Vec<(String, String)> = run
            .findings()
            .into_iter()
            .filter(|d| d.error)
            .map(|d| (d.file, d.code))
            .collect();
        assert!(
            found.contains(&(file.to_owned(), code.to_owned())),
            "{what}: {found:?}"
        );
        assert!(
            run.stdout.contains("build metadata"),
            "{what}: {}",
            run.stdout
        );
    }
    // On the command line too; a plain version finds its release.
    let f = Fixture::new();
    f.component(&component("alpha").release("1.0.0"));
    f.run(&["show", "alpha@1.0.0"]).ok();
    let run = f.run(&["show", "alpha@1.0.0+build.7"]);
    run.code(2);
    assert!(run.stderr.contains("build metadata"), "{}", run.stderr);
}

#[test]
fn a_component_that_conflicts_with_itself_fails_validate() {
    let f = Fixture::new();
    f.component(
        &component("alpha")
            .release("1.0.0")
            .release("2.0.0")
            .conflicts("alpha", "<2"),
    );
    let run = f.run(&["validate", "--format", "json"]);
    run.code(1);
    let found = run.findings();
    assert_eq!(
        (
            found[0].file.as_str(),
            found[0].code.as_str(),
            found[0].line
        ),
        ("components/alpha.toml", "self-conflict", Some(19)),
        "{}",
        run.stdout
    );
}
