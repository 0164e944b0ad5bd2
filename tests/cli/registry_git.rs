//! The registry as a git repository: init, publish, yank, log and diff against real
//! repositories, and reading revisions through packed refs, annotated tags, shallow clones
//! and sub-directories.

use std::path::Path;

use crate::support::*;

const AUTHOR: &str = "Pat Publisher <pat@example.com>";

/// A registry with one interface and one component (`app` 1.0.0), committed.
fn base() -> Fixture {
    let f = Fixture::new();
    f.interface("api", &["1.0.0", "2.0.0"]);
    f.component(&component("app").release("1.0.0").provides("api", "1.0.0"));
    f.commit("initial");
    f
}

fn head(f: &Fixture) -> String {
    git(f.root(), &["rev-parse", "HEAD"])
}

fn subject(f: &Fixture) -> String {
    git(f.root(), &["log", "-1", "--format=%s"])
}

/// Runs stackreg in the fixture with no user git config.
fn run(f: &Fixture, home: &Path, args: &[&str]) -> Run {
    stackreg_home(f.root(), home, args, &[])
}

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

#[test]
fn init_makes_a_valid_registry_repository_with_a_workflow() {
    let home = isolated_home();
    let dir = tempfile::tempdir().unwrap();
    let reg = dir.path().join("council-registry");
    let reg_s = reg.to_str().unwrap();
    let out = stackreg_home(
        dir.path(),
        home.path(),
        &[
            "registry",
            "init",
            reg_s,
            "--name",
            "Council registry",
            "--author",
            AUTHOR,
        ],
        &[],
    );
    out.ok();
    assert!(out.stdout.contains("Created registry"), "{}", out.stdout);
    for file in [
        "registry.toml",
        "README.md",
        ".github/workflows/registry.yml",
    ] {
        assert!(reg.join(file).is_file(), "{file} missing");
    }
    for folder in ["interfaces", "components", "stacks"] {
        assert!(reg.join(folder).is_dir(), "{folder} missing");
    }
    assert_eq!(
        git(&reg, &["log", "--format=%s|%an", "main"]),
        "init registry Council registry|Pat Publisher"
    );
    assert_eq!(git(&reg, &["status", "--porcelain"]), "");
    let workflow = std::fs::read_to_string(reg.join(".github/workflows/registry.yml")).unwrap();
    assert!(workflow.contains("validate --base"), "{workflow}");
    assert!(workflow.contains("--format github"), "{workflow}");
    assert!(workflow.contains("registry diff"), "{workflow}");
    assert!(workflow.contains("--format markdown"), "{workflow}");
    // On pushes to the first branch, the site is built and published with GitHub Pages.
    assert!(workflow.contains("branches: [\"main\"]"), "{workflow}");
    assert!(workflow.contains("site --out _site"), "{workflow}");
    assert!(
        workflow.contains("actions/upload-pages-artifact@v3"),
        "{workflow}"
    );
    assert!(workflow.contains("actions/deploy-pages@v4"), "{workflow}");
    // Found from inside the repository, with no --registry: the root is the registry.
    let v = stackreg(&reg, &["validate", "--format", "json"]);
    v.ok();
    assert_eq!(v.json()["valid"], true);
    // A folder that is not empty is refused, and left alone.
    let again = stackreg_home(
        dir.path(),
        home.path(),
        &["registry", "init", reg_s, "--author", AUTHOR],
        &[],
    );
    again.code(2);
    assert!(again.stderr.contains("not empty"), "{}", again.stderr);
}

#[test]
fn init_and_publish_need_an_author() {
    let home = isolated_home();
    let dir = tempfile::tempdir().unwrap();
    let reg = dir.path().join("r");
    let out = stackreg_home(
        dir.path(),
        home.path(),
        &["registry", "init", reg.to_str().unwrap()],
        &[],
    );
    out.code(2);
    assert!(out.stderr.contains("no author"), "{}", out.stderr);
    assert!(out.stderr.contains("--author"), "{}", out.stderr);
    assert!(!reg.exists(), "nothing is created without an author");

    let f = base();
    let file = f.root().join("new/app.toml");
    write(
        &file,
        &component("app")
            .release("1.0.0")
            .provides("api", "1.0.0")
            .release("1.1.0")
            .toml(),
    );
    let out = run(
        &f,
        home.path(),
        &["registry", "publish", file.to_str().unwrap()],
    );
    out.code(2);
    assert!(out.stderr.contains("no author"), "{}", out.stderr);
    // git config is enough.
    git(f.root(), &["config", "user.name", "Config Person"]);
    git(f.root(), &["config", "user.email", "config@example.com"]);
    run(
        &f,
        home.path(),
        &["registry", "publish", file.to_str().unwrap()],
    )
    .ok();
    assert_eq!(
        git(f.root(), &["log", "-1", "--format=%an <%ae>"]),
        "Config Person <config@example.com>"
    );
}

#[test]
fn publish_commits_a_new_release_with_a_conventional_message() {
    let home = isolated_home();
    let f = base();
    let before = head(&f);
    let file = f.root().join("incoming/app.toml");
    let new = component("app")
        .release("1.0.0")
        .provides("api", "1.0.0")
        .release("1.1.0")
        .provides("api", "1.0.0");
    write(&file, &new.toml());
    let file_s = file.to_str().unwrap();

    // A dry run says what would happen and changes nothing.
    let dry = run(
        &f,
        home.path(),
        &["registry", "publish", "--dry-run", file_s],
    );
    dry.ok();
    assert!(dry.stdout.contains("publish app 1.1.0"), "{}", dry.stdout);
    assert!(
        dry.stdout
            .contains("would write: registry/components/app.toml"),
        "{}",
        dry.stdout
    );
    assert_eq!(head(&f), before);
    assert_eq!(git(f.root(), &["status", "--porcelain", "registry"]), "");

    let out = run(
        &f,
        home.path(),
        &[
            "registry", "publish", file_s, "--author", AUTHOR, "--format", "json",
        ],
    );
    out.ok();
    let v = out.json();
    assert_eq!(v["status"], "committed");
    assert_eq!(
        v["files"],
        serde_json::json!(["registry/components/app.toml"])
    );
    assert_eq!(v["changes"][0]["kind"], "release-added");
    assert_eq!(v["changes"][0]["versions"], serde_json::json!(["1.1.0"]));
    assert_eq!(v["commit"].as_str().unwrap(), head(&f));
    assert_eq!(subject(&f), "publish app 1.1.0");
    assert_eq!(git(f.root(), &["log", "-1", "--format=%an <%ae>"]), AUTHOR);
    assert_eq!(git(f.root(), &["rev-parse", "HEAD~1"]), before);
    // The commit holds exactly the manifest, which is in place, and nothing is left
    // staged or modified.
    assert_eq!(
        git(f.root(), &["show", "--name-only", "--format=", "HEAD"]),
        "registry/components/app.toml"
    );
    assert_eq!(
        std::fs::read_to_string(f.registry().join("components/app.toml")).unwrap(),
        new.toml()
    );
    assert_eq!(git(f.root(), &["status", "--porcelain"]), "?? incoming/");

    // Publishing the same again is nothing to do.
    let same = run(
        &f,
        home.path(),
        &["registry", "publish", file_s, "--author", AUTHOR],
    );
    same.ok();
    assert!(same.stdout.contains("Nothing to commit"), "{}", same.stdout);
    assert_eq!(git(f.root(), &["rev-list", "--count", "HEAD"]), "2");
}

#[test]
fn publish_new_components_interfaces_and_metadata_edits_in_place() {
    let home = isolated_home();
    let f = base();
    // A new component, given from outside the registry.
    let file = f.root().join("incoming/portal.toml");
    write(
        &file,
        &component("portal")
            .release("0.1.0")
            .requires("api", "^1")
            .toml(),
    );
    run(
        &f,
        home.path(),
        &[
            "registry",
            "publish",
            file.to_str().unwrap(),
            "--author",
            AUTHOR,
        ],
    )
    .ok();
    assert_eq!(subject(&f), "publish portal 0.1.0");
    // A metadata edit made in place in the registry.
    f.component(
        &component("app")
            .lifecycle("deprecated")
            .release("1.0.0")
            .provides("api", "1.0.0"),
    );
    let path = f.registry().join("components/app.toml");
    let out = run(
        &f,
        home.path(),
        &[
            "registry",
            "publish",
            path.to_str().unwrap(),
            "--author",
            AUTHOR,
        ],
    );
    out.ok();
    assert_eq!(subject(&f), "update app");
    assert!(
        git(f.root(), &["log", "-1", "--format=%b"])
            .contains("component changed: app (lifecycle: live → deprecated)")
    );
    // A new interface version and a new interface together.
    let a = f.root().join("incoming/api.toml");
    write(&a, &interface_toml("api", &["1.0.0", "2.0.0", "2.1.0"]));
    let b = f.root().join("incoming/forms.toml");
    write(&b, &interface_toml("forms", &["1.0.0"]));
    run(
        &f,
        home.path(),
        &[
            "registry",
            "publish",
            a.to_str().unwrap(),
            b.to_str().unwrap(),
            "--author",
            AUTHOR,
        ],
    )
    .ok();
    assert_eq!(
        subject(&f),
        "publish interface api 2.1.0; publish interface forms 1.0.0"
    );
    assert_eq!(git(f.root(), &["status", "--porcelain", "registry"]), "");
    f.run(&["validate"]).ok();
}

#[test]
fn publish_refuses_changes_to_published_releases_and_invalid_manifests() {
    let home = isolated_home();
    let f = base();
    let before = head(&f);
    let file = f.root().join("incoming/app.toml");
    let file_s = file.to_str().unwrap();

    // Changing what a published release provides.
    write(
        &file,
        &component("app")
            .release("1.0.0")
            .provides("api", "2.0.0")
            .toml(),
    );
    let out = run(
        &f,
        home.path(),
        &[
            "registry", "publish", file_s, "--author", AUTHOR, "--format", "json",
        ],
    );
    out.code(1);
    let v = out.json();
    assert_eq!(v["status"], "refused");
    assert_eq!(v["errors"][0]["code"], "release-changed");
    assert_eq!(v["errors"][0]["file"], "components/app.toml");
    assert!(v["errors"][0]["line"].as_u64().is_some());
    assert!(
        out.stderr.contains("nothing was committed"),
        "{}",
        out.stderr
    );

    // Removing a published release.
    write(
        &file,
        &component("app")
            .release("2.0.0")
            .provides("api", "2.0.0")
            .toml(),
    );
    let out = run(
        &f,
        home.path(),
        &["registry", "publish", file_s, "--author", AUTHOR],
    );
    out.code(1);
    assert!(
        out.stdout
            .contains("published release app 1.0.0 was removed"),
        "{}",
        out.stdout
    );

    // Withdrawing a published interface version.
    let iface = f.root().join("incoming/api.toml");
    write(&iface, &interface_toml("api", &["1.0.0"]));
    let out = run(
        &f,
        home.path(),
        &[
            "registry",
            "publish",
            iface.to_str().unwrap(),
            "--author",
            AUTHOR,
        ],
    );
    out.code(1);
    assert!(
        out.stdout.contains("interface `api` were removed"),
        "{}",
        out.stdout
    );

    // An invalid manifest, shown with its line like `validate` does.
    write(
        &file,
        &component("app")
            .release("1.0.0")
            .provides("api", "1.0.0")
            .release("1.1.0")
            .requires("nope", "^1")
            .toml(),
    );
    let out = run(
        &f,
        home.path(),
        &["registry", "publish", file_s, "--author", AUTHOR],
    );
    out.code(1);
    assert!(
        out.stdout.contains("unknown interface `nope`"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("components/app.toml:"),
        "{}",
        out.stdout
    );

    // A file that is no manifest at all.
    let junk = f.root().join("incoming/junk.toml");
    write(&junk, "hello = 1\n");
    run(
        &f,
        home.path(),
        &[
            "registry",
            "publish",
            junk.to_str().unwrap(),
            "--author",
            AUTHOR,
        ],
    )
    .code(1);

    assert_eq!(head(&f), before, "nothing was committed");
    assert_eq!(git(f.root(), &["status", "--porcelain", "registry"]), "");
}

#[test]
fn publish_refuses_unrelated_staged_changes_and_unsaved_edits() {
    let home = isolated_home();
    let f = base();
    let before = head(&f);
    let file = f.root().join("incoming/app.toml");
    let file_s = file.to_str().unwrap();
    write(
        &file,
        &component("app")
            .release("1.0.0")
            .provides("api", "1.0.0")
            .release("1.1.0")
            .toml(),
    );

    f.repo_file("NOTES.md", "work in progress\n");
    git(f.root(), &["add", "NOTES.md"]);
    let out = run(
        &f,
        home.path(),
        &["registry", "publish", file_s, "--author", AUTHOR],
    );
    out.code(2);
    assert!(
        out.stderr
            .contains("staged changes to other files: NOTES.md"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("git restore --staged"),
        "{}",
        out.stderr
    );
    git(f.root(), &["restore", "--staged", "NOTES.md"]);

    // An uncommitted edit of the target file would be overwritten: refused.
    let target = f.registry().join("components/app.toml");
    let edited = format!("{}# my notes\n", std::fs::read_to_string(&target).unwrap());
    std::fs::write(&target, &edited).unwrap();
    let out = run(
        &f,
        home.path(),
        &["registry", "publish", file_s, "--author", AUTHOR],
    );
    out.code(2);
    assert!(out.stderr.contains("uncommitted changes"), "{}", out.stderr);
    assert_eq!(std::fs::read_to_string(&target).unwrap(), edited);
    assert_eq!(head(&f), before);
}

#[test]
fn yank_and_undo_are_one_commit_each_and_keep_the_file_as_written() {
    let home = isolated_home();
    let f = base();
    let original = "# Kept as written: comments, order and spacing.\n".to_owned()
        + &component("app")
            .release("1.0.0")
            .provides("api", "1.0.0")
            .release("1.1.0")
            .provides("api", "1.0.0")
            .toml()
            .replace("version = \"1.0.0\"", "version = \"1.0.0\"   # the first");
    f.file("components/app.toml", &original);
    f.commit("two releases");
    let path = f.registry().join("components/app.toml");

    let out = run(
        &f,
        home.path(),
        &[
            "registry",
            "yank",
            "app@1.0.0",
            "--reason",
            "data loss bug; use 1.1.0",
            "--author",
            AUTHOR,
        ],
    );
    out.ok();
    assert_eq!(subject(&f), "yank app 1.0.0");
    assert!(
        git(f.root(), &["log", "-1", "--format=%b"]).contains("reason: data loss bug; use 1.1.0")
    );
    let yanked = std::fs::read_to_string(&path).unwrap();
    let expected = original.replace(
        "provides = { api = \"1.0.0\" }\n\n[[release]]\nversion = \"1.1.0\"",
        "provides = { api = \"1.0.0\" }\nyanked = \"data loss bug; use 1.1.0\"\n\n[[release]]\nversion = \"1.1.0\"",
    );
    assert_eq!(yanked, expected, "only the yanked line is added");
    let show = f.run(&["show", "app@1.0.0", "--format", "json"]);
    assert!(show.stdout.contains("data loss bug"), "{}", show.stdout);

    // Yanking again with the same reason changes nothing.
    let again = run(
        &f,
        home.path(),
        &[
            "registry",
            "yank",
            "app@1.0.0",
            "--reason",
            "data loss bug; use 1.1.0",
            "--author",
            AUTHOR,
        ],
    );
    again.ok();
    assert!(
        again.stdout.contains("Nothing to commit"),
        "{}",
        again.stdout
    );

    run(
        &f,
        home.path(),
        &[
            "registry",
            "yank",
            "app@1.0.0",
            "--undo",
            "--author",
            AUTHOR,
        ],
    )
    .ok();
    assert_eq!(subject(&f), "unyank app 1.0.0");
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        original,
        "undo restores the bytes"
    );
    assert_eq!(git(f.root(), &["rev-list", "--count", "HEAD"]), "4");
    assert_eq!(git(f.root(), &["status", "--porcelain"]), "");

    // Unknown releases and components are errors that name them.
    let out = run(
        &f,
        home.path(),
        &[
            "registry",
            "yank",
            "app@9.9.9",
            "--reason",
            "x",
            "--author",
            AUTHOR,
        ],
    );
    out.code(2);
    assert!(
        out.stderr.contains("app has no release 9.9.9"),
        "{}",
        out.stderr
    );
    let out = run(
        &f,
        home.path(),
        &[
            "registry", "yank", "ap@1.0.0", "--reason", "x", "--author", AUTHOR,
        ],
    );
    out.code(2);
    assert!(out.stderr.contains("did you mean `app`?"), "{}", out.stderr);
    let out = run(
        &f,
        home.path(),
        &["registry", "yank", "app", "--reason", "x"],
    );
    out.code(2);
}

#[test]
fn concurrent_publishes_of_different_components_both_land() {
    let home = isolated_home();
    let f = base();
    let home_s = home.path().to_str().unwrap().to_owned();
    let env = [("HOME", home_s.as_str()), ("GIT_CONFIG_NOSYSTEM", "1")];
    for round in 0..3 {
        let a = f.root().join(format!("incoming/a{round}.toml"));
        let b = f.root().join(format!("incoming/b{round}.toml"));
        write(
            &a,
            &component(&format!("alpha-{round}"))
                .release("1.0.0")
                .requires("api", "^1")
                .toml(),
        );
        write(
            &b,
            &component(&format!("beta-{round}"))
                .release("1.0.0")
                .requires("api", "^1")
                .toml(),
        );
        let pa = spawn_stackreg(
            f.root(),
            &[
                "registry",
                "publish",
                a.to_str().unwrap(),
                "--author",
                AUTHOR,
            ],
            &env,
        );
        let pb = spawn_stackreg(
            f.root(),
            &[
                "registry",
                "publish",
                b.to_str().unwrap(),
                "--author",
                AUTHOR,
            ],
            &env,
        );
        finish(pa).ok();
        finish(pb).ok();
    }
    assert_eq!(git(f.root(), &["rev-list", "--count", "HEAD"]), "7");
    let subjects = git(f.root(), &["log", "--format=%s"]);
    for round in 0..3 {
        assert!(
            subjects.contains(&format!("publish alpha-{round} 1.0.0")),
            "{subjects}"
        );
        assert!(
            subjects.contains(&format!("publish beta-{round} 1.0.0")),
            "{subjects}"
        );
    }
    git(f.root(), &["fsck", "--strict", "--no-dangling"]);
    assert_eq!(git(f.root(), &["status", "--porcelain", "registry"]), "");
    f.run(&["validate"]).ok();
}

#[test]
fn concurrent_publishes_of_one_component_land_or_fail_saying_why() {
    let home = isolated_home();
    let f = base();
    let home_s = home.path().to_str().unwrap().to_owned();
    let env = [("HOME", home_s.as_str()), ("GIT_CONFIG_NOSYSTEM", "1")];
    // Two maintainers each add a different release to the same file, both starting from
    // the published 1.0.0: whichever runs second would remove the other's release.
    let a = f.root().join("incoming/a/app.toml");
    let b = f.root().join("incoming/b/app.toml");
    write(
        &a,
        &component("app")
            .release("1.0.0")
            .provides("api", "1.0.0")
            .release("1.1.0")
            .toml(),
    );
    write(
        &b,
        &component("app")
            .release("1.0.0")
            .provides("api", "1.0.0")
            .release("1.2.0")
            .toml(),
    );
    let pa = spawn_stackreg(
        f.root(),
        &[
            "registry",
            "publish",
            a.to_str().unwrap(),
            "--author",
            AUTHOR,
        ],
        &env,
    );
    let pb = spawn_stackreg(
        f.root(),
        &[
            "registry",
            "publish",
            b.to_str().unwrap(),
            "--author",
            AUTHOR,
        ],
        &env,
    );
    let (ra, rb) = (finish(pa), finish(pb));
    let mut codes = [ra.code, rb.code];
    codes.sort();
    assert_eq!(codes, [0, 1], "one lands, one is refused\n{ra:?}\n{rb:?}");
    let loser = if ra.code == 1 { &ra } else { &rb };
    assert!(loser.stdout.contains("was removed"), "{loser:?}");
    assert!(loser.stderr.contains("nothing was committed"), "{loser:?}");
    assert_eq!(git(f.root(), &["rev-list", "--count", "HEAD"]), "2");
    git(f.root(), &["fsck", "--strict", "--no-dangling"]);
    assert_eq!(git(f.root(), &["status", "--porcelain", "registry"]), "");
}

/// A history with a release added, a yank, a comment-only edit and a breaking change.
fn history() -> (Fixture, String) {
    let f = base();
    git(
        f.root(),
        &["tag", "-a", "v1", "-m", "first published state"],
    );
    let v1 = head(&f);
    f.component(
        &component("app")
            .release("1.0.0")
            .provides("api", "1.0.0")
            .release("1.1.0")
            .provides("api", "1.0.0"),
    );
    f.commit("add app 1.1.0");
    f.component(
        &component("app")
            .release("1.0.0")
            .provides("api", "1.0.0")
            .yanked("broken")
            .release("1.1.0")
            .provides("api", "1.0.0"),
    );
    f.commit("yank app 1.0.0");
    let text = std::fs::read_to_string(f.registry().join("components/app.toml")).unwrap();
    f.file("components/app.toml", format!("# reviewed\n{text}"));
    f.commit("comment");
    f.component(
        &component("app")
            .release("1.0.0")
            .provides("api", "1.0.0")
            .yanked("broken")
            .release("1.1.0")
            .provides("api", "1.0.0")
            .release("2.0.0"),
    );
    f.interface("api", &["1.0.0", "2.0.0", "3.0.0"]);
    f.commit("app 2.0.0 drops api");
    f.repo_file("README.md", "not the registry\n");
    f.commit("docs");
    (f, v1)
}

#[test]
fn log_describes_each_commit_by_its_semantic_change() {
    let (f, _) = history();
    let out = f.run(&["registry", "log", "--format", "json"]);
    out.ok();
    let v = out.json();
    let commits = v["commits"].as_array().unwrap();
    let summaries: Vec<&str> = commits
        .iter()
        .map(|c| c["summary"].as_str().unwrap())
        .collect();
    // The README-only commit does not touch the registry.
    assert_eq!(
        summaries,
        [
            "app 2.0.0 drops api",
            "comment",
            "yank app 1.0.0",
            "add app 1.1.0",
            "initial"
        ]
    );
    let kinds = |i: usize| -> Vec<&str> {
        commits[i]["changes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["kind"].as_str().unwrap())
            .collect()
    };
    assert_eq!(kinds(0), ["interface-versions-added", "release-added"]);
    assert_eq!(commits[0]["changes"][1]["breaking"], true);
    assert_eq!(
        kinds(1),
        Vec::<&str>::new(),
        "a comment is no semantic change"
    );
    assert_eq!(kinds(2), ["release-yanked"]);
    assert_eq!(commits[2]["changes"][0]["reason"], "broken");
    assert_eq!(kinds(3), ["release-added"]);
    assert_eq!(kinds(4), ["registry-created"]);
    assert_eq!(commits[4]["author"], "Test Author");
    assert_eq!(commits[4]["date"], "2026-01-01T00:00:00+00:00");

    // One component's history, and a limit.
    let out = f.run(&["registry", "log", "api", "--format", "json"]);
    let v = out.json();
    let summaries: Vec<&str> = v["commits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["summary"].as_str().unwrap())
        .collect();
    assert_eq!(summaries, ["app 2.0.0 drops api", "initial"]);
    assert_eq!(
        v["commits"][0]["changes"][0]["kind"],
        "interface-versions-added"
    );
    assert_eq!(v["commits"][1]["changes"][0]["kind"], "interface-added");
    assert_eq!(
        v["commits"][1]["changes"][0]["versions"],
        serde_json::json!(["1.0.0", "2.0.0"])
    );
    let out = f.run(&["registry", "log", "-n", "1"]);
    out.ok();
    assert!(out.stdout.contains("app 2.0.0 drops api"), "{}", out.stdout);
    assert!(out.stdout.contains("release added"), "{}", out.stdout);
    assert!(!out.stdout.contains("yank app"), "{}", out.stdout);
    let md = f.run(&["registry", "log", "app", "--format", "markdown"]);
    md.ok();
    assert!(
        md.stdout.starts_with("### History of `app`"),
        "{}",
        md.stdout
    );
    assert!(
        md.stdout
            .contains("release yanked app 1.0.0 (reason: broken)"),
        "{}",
        md.stdout
    );
}

#[test]
fn diff_between_revisions_calls_out_breaking_changes() {
    let (f, v1) = history();
    let out = f.run(&["registry", "diff", "v1", "HEAD", "--format", "json"]);
    out.ok();
    let v = out.json();
    assert_eq!(v["from"]["rev"], "v1");
    assert_eq!(v["from"]["commit"], v1.as_str());
    assert_eq!(v["to"]["commit"], head(&f).as_str());
    let changes = v["changes"].as_array().unwrap();
    let rows: Vec<(String, String, bool)> = changes
        .iter()
        .map(|c| {
            (
                c["kind"].as_str().unwrap().to_owned(),
                format!(
                    "{} {}",
                    c["id"].as_str().unwrap(),
                    c["versions"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .map(|v| v.as_str().unwrap())
                        .collect::<Vec<_>>()
                        .join(",")
                ),
                c["breaking"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        rows,
        [
            (
                "interface-versions-added".to_owned(),
                "api 3.0.0".to_owned(),
                false
            ),
            ("release-yanked".to_owned(), "app 1.0.0".to_owned(), false),
            ("release-added".to_owned(), "app 1.1.0".to_owned(), false),
            ("release-added".to_owned(), "app 2.0.0".to_owned(), true),
        ]
    );
    assert_eq!(v["breaking"], 1);
    assert_eq!(
        changes[3]["details"][0],
        serde_json::json!({"field": "provides api", "from": "1.0.0", "to": null})
    );

    let md = f.run(&["registry", "diff", "v1", "HEAD", "--format", "markdown"]);
    md.ok();
    assert!(
        md.stdout.starts_with("### Registry changes\n"),
        "{}",
        md.stdout
    );
    assert!(
        md.stdout.contains("4 changes, **1 breaking**"),
        "{}",
        md.stdout
    );
    assert!(
        md.stdout
            .contains("| ⚠️ breaking | release added | app 2.0.0 | -provides api 1.0.0 |"),
        "{}",
        md.stdout
    );

    let table = f.run(&["registry", "diff", "v1", "HEAD"]);
    table.ok();
    assert!(
        table.stdout.contains("4 changes, 1 breaking (marked !)"),
        "{}",
        table.stdout
    );

    // Without a second revision: against the working tree.
    f.component(
        &component("app")
            .lifecycle("beta")
            .release("1.0.0")
            .provides("api", "1.0.0")
            .yanked("broken")
            .release("1.1.0")
            .provides("api", "1.0.0")
            .release("2.0.0"),
    );
    let out = f.run(&["registry", "diff", "HEAD", "--format", "json"]);
    let v = out.json();
    assert_eq!(v["to"]["rev"], "working tree");
    assert_eq!(v["changes"][0]["kind"], "component-changed");
    assert_eq!(
        v["changes"][0]["details"][0],
        serde_json::json!({"field": "lifecycle", "from": "live", "to": "beta"})
    );
    // An unknown revision is a clear error.
    let out = f.run(&["registry", "diff", "no-such-rev"]);
    out.code(2);
    assert!(
        out.stderr.contains("revision `no-such-rev` was not found"),
        "{}",
        out.stderr
    );
}

#[test]
fn reads_packed_refs_annotated_tags_shallow_clones_and_subdirectories() {
    // The registry lives deep inside the repository.
    let f = Fixture::new();
    std::fs::remove_dir_all(f.registry()).unwrap();
    let deep = f.root().join("catalogue/uk/registry");
    write(
        &deep.join("registry.toml"),
        "[registry]\nname = \"Deep\"\nformat = 1\n",
    );
    write(
        &deep.join("interfaces/api.toml"),
        &interface_toml("api", &["1.0.0"]),
    );
    write(
        &deep.join("components/app.toml"),
        &component("app")
            .release("1.0.0")
            .provides("api", "1.0.0")
            .toml(),
    );
    f.commit("deep registry");
    git(f.root(), &["tag", "-a", "v1", "-m", "annotated"]);
    write(
        &deep.join("components/two.toml"),
        &component("two")
            .release("1.0.0")
            .requires("api", "^1")
            .toml(),
    );
    f.commit("two");
    git(f.root(), &["pack-refs", "--all"]);
    assert!(
        !f.root().join(".git/refs/tags/v1").exists(),
        "refs are packed"
    );

    let deep_s = deep.to_str().unwrap();
    let ids = |run: &Run| -> Vec<String> {
        run.json()
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["id"].as_str().unwrap().to_owned())
            .collect()
    };
    let at_tag = stackreg(
        f.root(),
        &[
            "--registry",
            deep_s,
            "--rev",
            "v1",
            "list",
            "--format",
            "json",
        ],
    );
    at_tag.ok();
    assert_eq!(ids(&at_tag), ["app"]);
    let now = stackreg(
        f.root(),
        &[
            "--registry",
            deep_s,
            "--rev",
            "main",
            "list",
            "--format",
            "json",
        ],
    );
    assert_eq!(ids(&now), ["app", "two"]);
    let diff = stackreg(
        f.root(),
        &[
            "--registry",
            deep_s,
            "registry",
            "diff",
            "v1",
            "main",
            "--format",
            "json",
        ],
    );
    diff.ok();
    assert_eq!(diff.json()["changes"][0]["kind"], "component-added");
    let log = stackreg(
        f.root(),
        &["--registry", deep_s, "registry", "log", "--format", "json"],
    );
    assert_eq!(log.json()["commits"].as_array().unwrap().len(), 2);

    // A shallow clone, as CI checks out by default.
    let clones = tempfile::tempdir().unwrap();
    let url = format!("file://{}", f.root().display());
    git(
        clones.path(),
        &["clone", "-q", "--depth", "1", &url, "shallow"],
    );
    let shallow = clones.path().join("shallow");
    assert_eq!(
        git(&shallow, &["rev-parse", "--is-shallow-repository"]),
        "true"
    );
    let reg = shallow.join("catalogue/uk/registry");
    let reg_s = reg.to_str().unwrap();
    let out = stackreg(
        &shallow,
        &[
            "--registry",
            reg_s,
            "--rev",
            "HEAD",
            "list",
            "--format",
            "json",
        ],
    );
    out.ok();
    assert_eq!(ids(&out), ["app", "two"]);
    let log = stackreg(
        &shallow,
        &["--registry", reg_s, "registry", "log", "--format", "json"],
    );
    log.ok();
    let v = log.json();
    assert_eq!(v["commits"].as_array().unwrap().len(), 1);
    assert_eq!(v["commits"][0]["changes"][0]["kind"], "history-starts");
}

#[test]
fn diff_of_this_projects_own_registry_history() {
    let root = project_root();
    let (ok, commits, _) = git_try(&root, &["log", "--format=%H", "--", "registry"]);
    let commits: Vec<&str> = commits.lines().collect();
    if !ok || commits.len() < 2 {
        eprintln!("skipped: this checkout has fewer than two commits touching registry/");
        return;
    }
    let (newest, oldest) = (commits[0], commits[commits.len() - 1]);
    let out = stackreg(
        &root,
        &["registry", "diff", oldest, newest, "--format", "markdown"],
    );
    out.ok();
    assert!(
        out.stdout.starts_with("### Registry changes\n"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("| | Change | Item | Details |"),
        "{}",
        out.stdout
    );
    let json = stackreg(
        &root,
        &["registry", "diff", oldest, newest, "--format", "json"],
    )
    .json();
    assert!(!json["changes"].as_array().unwrap().is_empty(), "{json}");
}
