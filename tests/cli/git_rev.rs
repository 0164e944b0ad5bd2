//! `--rev`: reading the registry as it was at a commit, a branch or a tag, straight from
//! git, while the working tree may hold something else.

use serde_json::Value;

use crate::support::*;

fn ids(v: &Value) -> Vec<&str> {
    v.as_array()
        .unwrap_or_else(|| panic!("not an array: {v}"))
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect()
}

fn list(f: &Fixture, args: &[&str]) -> Value {
    let mut full = args.to_vec();
    full.extend_from_slice(&["list", "--format", "json"]);
    let run = f.run(&full);
    run.ok();
    run.json()
}

/// Two commits: the first has `alpha` 1.0.0; the second adds `alpha` 1.1.0 and `beta`.
/// The registry lives in `registry/`, a sub-directory of the repository.
fn history() -> (Fixture, String, String) {
    let f = Fixture::new();
    f.component(&component("alpha").release("1.0.0"));
    let first = f.commit("add alpha");
    f.component(&component("alpha").release("1.0.0").release("1.1.0"));
    f.component(&component("beta").release("0.1.0"));
    let second = f.commit("add beta, release alpha 1.1.0");
    (f, first, second)
}

#[test]
fn rev_reads_an_older_commit() {
    let (f, first, second) = history();
    let old = list(&f, &["--rev", "HEAD~1"]);
    assert_eq!(ids(&old), ["alpha"]);
    assert_eq!(old[0]["versions"], serde_json::json!(["1.0.0"]));

    let new = list(&f, &[]);
    assert_eq!(ids(&new), ["alpha", "beta"]);
    assert_eq!(new[0]["versions"], serde_json::json!(["1.0.0", "1.1.0"]));

    // The same by commit id, by branch and at HEAD.
    assert_eq!(list(&f, &["--rev", &first]), old);
    assert_eq!(list(&f, &["--rev", &second]), new);
    assert_eq!(list(&f, &["--rev", "main"]), new);
    assert_eq!(list(&f, &["--rev", "HEAD"]), new);
}

#[test]
fn rev_ignores_the_working_tree() {
    let (f, _, _) = history();
    // Uncommitted: a new component and a broken one.
    f.component(&component("gamma").release("1.0.0"));
    f.file("components/broken.toml", "id = ");
    assert_eq!(ids(&list(&f, &[])), ["alpha", "beta", "gamma"]);
    assert_eq!(ids(&list(&f, &["--rev", "HEAD"])), ["alpha", "beta"]);
    f.run(&["--rev", "HEAD", "validate"]).ok();
    f.run(&["validate"]).code(1);
}

#[test]
fn rev_accepts_tags() {
    let (f, first, _) = history();
    git(
        f.root(),
        &["tag", "-a", "v1", &first, "-m", "first release"],
    );
    git(f.root(), &["tag", "light", &first]);
    f.tag("v2", true);
    assert_eq!(ids(&list(&f, &["--rev", "v1"])), ["alpha"]);
    assert_eq!(ids(&list(&f, &["--rev", "light"])), ["alpha"]);
    assert_eq!(ids(&list(&f, &["--rev", "v2"])), ["alpha", "beta"]);
    assert_eq!(ids(&list(&f, &["--rev", "refs/tags/v1"])), ["alpha"]);
}

#[test]
fn rev_from_a_sub_directory_and_with_an_explicit_registry() {
    let (f, _, _) = history();
    let docs = f.root().join("docs/guides");
    std::fs::create_dir_all(&docs).unwrap();
    let run = stackreg(&docs, &["--rev", "HEAD~1", "list", "--format", "json"]);
    run.ok();
    assert_eq!(ids(&run.json()), ["alpha"]);

    let run = stackreg(
        &docs,
        &[
            "--registry",
            "../../registry",
            "--rev",
            "HEAD~1",
            "list",
            "--format",
            "json",
        ],
    );
    run.ok();
    assert_eq!(ids(&run.json()), ["alpha"]);

    // From the registry folder itself, given as `.`.
    let run = stackreg(
        &f.registry(),
        &[
            "--registry",
            ".",
            "--rev",
            "HEAD~1",
            "list",
            "--format",
            "json",
        ],
    );
    run.ok();
    assert_eq!(ids(&run.json()), ["alpha"]);
}

#[test]
fn show_and_validate_read_the_revision_too() {
    let (f, _, _) = history();
    let run = f.run(&["--rev", "HEAD~1", "show", "alpha", "--format", "json"]);
    run.ok();
    assert_eq!(run.json()["releases"].as_array().unwrap().len(), 1);
    let run = f.run(&["--rev", "HEAD~1", "show", "beta"]);
    run.code(2);
    assert!(run.stderr.contains("no component `beta`"), "{}", run.stderr);
    let run = f.run(&["--rev", "HEAD~1", "validate", "--format", "json"]);
    run.ok();
    assert_eq!(run.json()["checked"], 2);
}

#[test]
fn a_bad_revision_exits_2() {
    let (f, _, _) = history();
    let run = f.run(&["--rev", "no-such-branch", "list"]);
    run.code(2);
    assert!(
        run.stderr
            .starts_with("error: revision `no-such-branch` was not found"),
        "{}",
        run.stderr
    );
    assert_eq!(run.stdout, "");
    f.run(&["--rev", "HEAD~5", "list"]).code(2);
}

#[test]
fn a_revision_without_the_registry_exits_2() {
    let f = Fixture::new();
    f.repo_file("README.md", "no registry yet\n");
    git(f.root(), &["add", "README.md"]);
    git(f.root(), &["commit", "-q", "-m", "readme"]);
    f.component(&component("alpha").release("1.0.0"));
    f.commit("add the registry");
    let run = f.run(&["--rev", "HEAD~1", "list"]);
    run.code(2);
    assert!(
        run.stderr
            .contains("`registry` does not exist at revision `HEAD~1`"),
        "{}",
        run.stderr
    );
}

#[test]
fn rev_outside_a_git_repository_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("registry.toml"),
        "[registry]\nname = \"Plain\"\nformat = 1\n",
    )
    .unwrap();
    let run = stackreg(dir.path(), &["--registry", ".", "list", "--format", "json"]);
    run.ok();
    assert_eq!(run.json(), serde_json::json!([]));
    let run = stackreg(dir.path(), &["--registry", ".", "--rev", "HEAD", "list"]);
    run.code(2);
    assert!(
        run.stderr.contains("is not inside a git repository"),
        "{}",
        run.stderr
    );
}

/// What a commit can hold that a working tree shows differently: a symlink, a submodule
/// (a gitlink entry) and a large blob are all refused at a revision too.
#[test]
fn rev_refuses_symlinks_submodules_and_large_files_in_the_commit() {
    let f = Fixture::new();
    f.component(&component("alpha").release("1.0.0"));
    f.symlink("components/beta.toml", "alpha.toml");
    f.file(
        "components/big.toml",
        format!("# {}\n", "x".repeat(2 * 1024 * 1024)),
    );
    f.commit("registry");
    let head = git(f.root(), &["rev-parse", "HEAD"]);
    git(
        f.root(),
        &[
            "update-index",
            "--add",
            "--cacheinfo",
            &format!("160000,{head},registry/components/vendor"),
        ],
    );
    git(f.root(), &["commit", "-q", "-m", "add a submodule"]);

    let run = f.run(&["--rev", "HEAD", "validate", "--format", "json"]);
    run.code(1);
    let found: Vec<(String, String)> = run
        .findings()
        .into_iter()
        .map(|d| (d.file, d.code))
        .collect();
    assert_eq!(
        found,
        [
            ("components/beta.toml".to_owned(), "symlink".to_owned()),
            (
                "components/big.toml".to_owned(),
                "file-too-large".to_owned()
            ),
            ("components/vendor".to_owned(), "submodule".to_owned()),
        ]
    );
    // `list` still shows what could be read.
    let run = f.run(&["--rev", "HEAD", "list", "--format", "json"]);
    run.ok();
    assert_eq!(ids(&run.json()), ["alpha"]);
}
