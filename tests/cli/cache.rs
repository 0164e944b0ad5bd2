//! The index cache: every answer is the same with it, without it, and with it deleted or
//! damaged; an edited file is never answered from a stale entry.

use std::path::Path;
use std::time::{Duration, Instant};

use stackreg_testkit::synth::{self, Params};

use crate::support::*;

fn run_cached(cwd: &Path, cache: &Path, args: &[&str]) -> Run {
    stackreg_env(cwd, args, &[("STACKREG_CACHE", cache.to_str().unwrap())])
}

/// Whether this run answered from the cache (`-v` says so).
fn hit(cwd: &Path, cache: &Path, args: &[&str]) -> bool {
    let mut all = vec!["-v"];
    all.extend_from_slice(args);
    run_cached(cwd, cache, &all)
        .stderr
        .contains("read from the index cache")
}

/// Runs `args` until the cache answers (files written just now are not stored until they
/// settle), failing after a few seconds.
fn warm_up(cwd: &Path, cache: &Path, args: &[&str]) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while !hit(cwd, cache, args) {
        assert!(
            Instant::now() < deadline,
            "the cache never answered {args:?}"
        );
        std::thread::sleep(Duration::from_millis(150));
    }
}

fn same(a: &Run, b: &Run, what: &str) {
    assert_eq!(a.code, b.code, "exit code of {what}");
    assert_eq!(a.stdout, b.stdout, "stdout of {what}");
    assert_eq!(a.stderr, b.stderr, "stderr of {what}");
}

/// Each command cold (no cache), then warm (answered from the cache): identical output.
fn cold_and_warm_agree(cwd: &Path, commands: &[Vec<&str>]) {
    let cache = tempfile::tempdir().unwrap();
    for args in commands {
        std::fs::remove_dir_all(cache.path()).ok();
        let cold = run_cached(cwd, cache.path(), args);
        assert!(cold.code <= 2, "{args:?}: {cold:?}");
        warm_up(cwd, cache.path(), args);
        let warm = run_cached(cwd, cache.path(), args);
        same(&cold, &warm, &format!("{args:?}"));
    }
}

#[test]
fn sample_registry_answers_are_the_same_cold_and_warm() {
    let root = project_root();
    let r = ["--registry", "registry"];
    let with = |rest: &[&'static str]| -> Vec<&'static str> {
        let mut v = r.to_vec();
        v.extend_from_slice(rest);
        v
    };
    cold_and_warm_agree(
        &root,
        &[
            with(&["list"]),
            with(&["--format", "json", "list"]),
            with(&["show", "fixmystreet"]),
            with(&["--format", "json", "show", "localgov-drupal"]),
            with(&["show", "--interface", "open311-georeport"]),
            with(&["show", "bops@1.0.0"]),
            with(&["show", "fixmystret"]),
            with(&["list", "--interface", "open311-georeport", "--open-source"]),
            with(&["interfaces"]),
            with(&["validate"]),
            with(&["--format", "json", "validate"]),
            with(&["resolve", "registry/stacks/county-council.toml"]),
            with(&[
                "--format",
                "json",
                "resolve",
                "registry/stacks/unitary-council.toml",
            ]),
            with(&["resolve", "examples/stacks/no-plan.toml"]),
            with(&["--rev", "HEAD", "--format", "json", "list"]),
        ],
    );
}

#[test]
fn synthetic_registry_answers_are_the_same_cold_and_warm() {
    let dir = tempfile::tempdir().unwrap();
    let generated = synth::generate(&Params {
        components: 150,
        interfaces: 40,
        releases: 5,
        stacks: vec![10],
        plan_size: 20,
        ..Params::default()
    })
    .unwrap();
    synth::write_repository(&dir.path().join("registry"), &generated.files, true).unwrap();
    for s in &generated.stacks {
        std::fs::write(
            dir.path().join(format!("{}.toml", s.name)),
            s.with_registry("registry"),
        )
        .unwrap();
    }
    let some = generated
        .files
        .keys()
        .find_map(|k| k.strip_prefix("components/")?.strip_suffix(".toml"))
        .unwrap()
        .to_owned();
    cold_and_warm_agree(
        dir.path(),
        &[
            vec!["--registry", "registry", "list"],
            vec!["--registry", "registry", "--format", "csv", "list"],
            vec!["--registry", "registry", "show", &some],
            vec!["--registry", "registry", "--format", "json", "validate"],
            vec!["--registry", "registry", "--rev", "main", "validate"],
            vec!["--format", "json", "resolve", "needs-10.toml"],
            vec!["resolve", "plan-20.toml"],
        ],
    );
}

/// A registry with findings of every kind the load makes, and a reference stack that
/// does not resolve (found afresh on every run, and located in its file).
fn registry_with_findings() -> Fixture {
    let f = Fixture::new();
    f.interface("notify-api", &["1.0.0"])
        .component(
            &component("mailer")
                .release("1.0.0")
                .provides("notify-api", "1.0.0"),
        )
        .component(
            &component("portal")
                .release("1.0.0")
                .requires("notify-api", "^2")
                .depends("nowhere", "^1"),
        )
        .file("components/Bad_Name.toml", "id = \"x\"\n")
        .file("components/broken.toml", "id = \"broken\"\nname = 3\n")
        .stack(
            "reference",
            "[stack]\nname = \"Reference\"\n\n[needs]\nmail = { component = \"mailer\", version = \"^9\" }\n",
        );
    f.commit("registry with findings");
    f
}

#[test]
fn findings_are_the_same_cold_and_warm() {
    let f = registry_with_findings();
    cold_and_warm_agree(
        f.root(),
        &[
            vec!["validate"],
            vec!["--format", "json", "validate"],
            vec!["--format", "github", "validate"],
            vec!["--rev", "HEAD", "--format", "json", "validate"],
            vec!["list"],
        ],
    );
    // The reference stack is removed from the registry so that validate resolves it:
    // its finding comes from resolution, not from the cache, and is located all the same.
    let cache = tempfile::tempdir().unwrap();
    f.remove("components/broken.toml")
        .remove("components/Bad_Name.toml")
        .edit("components/portal.toml", "nowhere", "mailer");
    f.edit("components/portal.toml", "\"^2\"", "\"^1\"");
    let cold = run_cached(f.root(), cache.path(), &["--format", "json", "validate"]);
    let codes: Vec<String> = cold.findings().iter().map(|d| d.code.clone()).collect();
    assert_eq!(codes, ["stack-unresolvable"], "{}", cold.stdout);
    assert!(cold.findings()[0].line.is_some());
    warm_up(f.root(), cache.path(), &["validate"]);
    let warm = run_cached(f.root(), cache.path(), &["--format", "json", "validate"]);
    same(
        &cold,
        &warm,
        "validate with an unresolvable reference stack",
    );
}

fn entries(cache: &Path) -> Vec<std::path::PathBuf> {
    let mut out: Vec<_> = std::fs::read_dir(cache.join("index"))
        .map(|r| r.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    out.retain(|p| !p.file_name().unwrap().to_string_lossy().starts_with('.'));
    out
}

#[test]
fn damaged_or_deleted_entries_change_no_answer() {
    let root = project_root();
    let cache = tempfile::tempdir().unwrap();
    let args = ["--registry", "registry", "--format", "json", "list"];
    let want = run_cached(&root, cache.path(), &args);
    want.ok();
    warm_up(&root, cache.path(), &args);
    let entry = entries(cache.path()).pop().expect("an entry was written");
    let good = std::fs::read(&entry).unwrap();
    let damaged: Vec<Vec<u8>> = vec![
        good[..good.len() / 2].to_vec(),
        good[..10].to_vec(),
        Vec::new(),
        {
            let mut b = good.clone();
            let last = b.len() - 1;
            b[last] ^= 1;
            b
        },
        {
            let mut b = good.clone();
            b[60] ^= 0x55;
            b
        },
        b"garbage that is not an entry".repeat(100),
    ];
    for (i, bad) in damaged.into_iter().enumerate() {
        std::fs::write(&entry, &bad).unwrap();
        let got = run_cached(&root, cache.path(), &args);
        same(&want, &got, &format!("damaged entry #{i}"));
        // The damaged entry was replaced by a good one.
        assert!(hit(&root, cache.path(), &args), "entry #{i} not rewritten");
    }
    std::fs::remove_dir_all(cache.path().join("index")).unwrap();
    same(
        &want,
        &run_cached(&root, cache.path(), &args),
        "deleted cache",
    );
    // A cache folder that cannot be written is no reason to fail.
    let file = cache.path().join("not-a-folder");
    std::fs::write(&file, "x").unwrap();
    same(
        &want,
        &run_cached(&root, &file, &args),
        "unusable cache folder",
    );
}

#[test]
fn an_edited_file_is_never_answered_from_the_cache() {
    let f = Fixture::new();
    f.component(&component("alpha").release("1.0.0"))
        .component(&component("beta").release("2.0.0"));
    f.commit("two components");
    let cache = tempfile::tempdir().unwrap();
    let list = ["--format", "csv", "list"];
    warm_up(f.root(), cache.path(), &list);
    // Same size, edited right after the warm run.
    f.edit("components/alpha.toml", "1.0.0", "1.0.1");
    let out = run_cached(f.root(), cache.path(), &list);
    assert!(out.stdout.contains("1.0.1"), "{}", out.stdout);
    assert!(!out.stdout.contains("1.0.0"), "{}", out.stdout);
    // And once settled, answered from the cache with the edit.
    warm_up(f.root(), cache.path(), &list);
    assert!(
        run_cached(f.root(), cache.path(), &list)
            .stdout
            .contains("1.0.1")
    );

    // A file added, then removed.
    f.component(&component("gamma").release("3.0.0"));
    let out = run_cached(f.root(), cache.path(), &list);
    assert!(out.stdout.contains("gamma"), "{}", out.stdout);
    warm_up(f.root(), cache.path(), &list);
    f.remove("components/gamma.toml");
    let out = run_cached(f.root(), cache.path(), &list);
    assert!(!out.stdout.contains("gamma"), "{}", out.stdout);

    // A file made invalid: validate says so at once.
    warm_up(f.root(), cache.path(), &["validate"]);
    f.edit("components/beta.toml", "\"2.0.0\"", "\"2.0.x\"");
    let out = run_cached(f.root(), cache.path(), &["--format", "json", "validate"]);
    out.code(1);
    assert_eq!(out.findings()[0].code, "invalid-version");

    // Through git: a new commit is a new tree, never the old entry.
    f.commit("beta 2.0.x");
    let head = ["--rev", "HEAD", "--format", "csv", "list"];
    warm_up(f.root(), cache.path(), &head);
    f.edit("components/beta.toml", "\"2.0.x\"", "\"2.1.0\"");
    f.commit("beta 2.1.0");
    let out = run_cached(f.root(), cache.path(), &head);
    assert!(out.stdout.contains("2.1.0"), "{}", out.stdout);
}

#[test]
fn a_load_read_from_git_is_stored_before_the_process_exits() {
    // `list` and `show` answer while the load they read is stored on a thread of its own;
    // the process waits for that, so the very next run is answered from the cache.
    let f = Fixture::new();
    f.component(&component("widget").release("1.0.0"));
    f.component(&component("gadget").release("1.0.0"));
    f.commit("registry");
    for args in [
        &["--rev", "HEAD", "list"][..],
        &["--rev", "HEAD", "show", "widget"],
    ] {
        let cache = tempfile::tempdir().unwrap();
        assert!(!hit(f.root(), cache.path(), args), "{args:?} cold");
        assert!(hit(f.root(), cache.path(), args), "{args:?} after one run");
    }
}
