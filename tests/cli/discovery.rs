//! Finding the registry (SPEC §6): `--registry`, then `STACKREG_REGISTRY`, then `registry/`
//! at the root of the git repository around the current directory; a clear error otherwise.

use std::path::Path;

use serde_json::Value;

use crate::support::*;

fn ids(v: &Value) -> Vec<&str> {
    v.as_array()
        .unwrap_or_else(|| panic!("not an array: {v}"))
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect()
}

/// A repository whose `registry/` holds `here`, plus another registry elsewhere that holds
/// `there`.
fn two_registries() -> (Fixture, Fixture) {
    let here = Fixture::new();
    here.component(&component("here").release("1.0.0"));
    here.commit("here");
    let there = Fixture::new();
    there.component(&component("there").release("1.0.0"));
    there.commit("there");
    (here, there)
}

fn listed(cwd: &Path, args: &[&str], env: &[(&str, &str)]) -> Vec<String> {
    let mut full = args.to_vec();
    full.extend_from_slice(&["list", "--format", "json"]);
    let run = stackreg_env(cwd, &full, env);
    run.ok();
    ids(&run.json()).into_iter().map(str::to_owned).collect()
}

#[test]
fn the_registry_folder_of_the_repository() {
    let (here, _) = two_registries();
    assert_eq!(listed(here.root(), &[], &[]), ["here"]);
    // From deep inside the repository, and from inside the registry itself.
    let deep = here.root().join("docs/a/b");
    std::fs::create_dir_all(&deep).unwrap();
    assert_eq!(listed(&deep, &[], &[]), ["here"]);
    assert_eq!(
        listed(&here.registry().join("components"), &[], &[]),
        ["here"]
    );
}

#[test]
fn the_flag_wins_over_the_environment_and_the_repository() {
    let (here, there) = two_registries();
    let there_path = there.registry().display().to_string();
    let here_path = here.registry().display().to_string();
    assert_eq!(
        listed(here.root(), &["--registry", &there_path], &[]),
        ["there"]
    );
    assert_eq!(
        listed(
            here.root(),
            &["--registry", &there_path],
            &[("STACKREG_REGISTRY", &here_path)]
        ),
        ["there"]
    );
    // A relative path is relative to the current directory.
    assert_eq!(
        listed(&here.registry(), &["--registry", "."], &[]),
        ["here"]
    );
}

#[test]
fn the_environment_wins_over_the_repository() {
    let (here, there) = two_registries();
    let there_path = there.registry().display().to_string();
    assert_eq!(
        listed(here.root(), &[], &[("STACKREG_REGISTRY", &there_path)]),
        ["there"]
    );
    // An empty variable counts as unset.
    assert_eq!(
        listed(here.root(), &[], &[("STACKREG_REGISTRY", "")]),
        ["here"]
    );
}

#[test]
fn outside_any_repository_the_flag_or_environment_is_needed() {
    let (_, there) = two_registries();
    let outside = tempfile::tempdir().unwrap();
    let there_path = there.registry().display().to_string();
    assert_eq!(
        listed(outside.path(), &["--registry", &there_path], &[]),
        ["there"]
    );
    assert_eq!(
        listed(outside.path(), &[], &[("STACKREG_REGISTRY", &there_path)]),
        ["there"]
    );
}

#[test]
fn no_registry_found_exits_2_with_a_hint() {
    let outside = tempfile::tempdir().unwrap();
    for args in [
        &["list"][..],
        &["validate"],
        &["show", "x"],
        &["interfaces"],
    ] {
        let run = stackreg(outside.path(), args);
        run.code(2);
        assert_eq!(run.stdout, "", "{args:?}");
        assert!(
            run.stderr.starts_with("error: no registry given"),
            "{args:?}: {}",
            run.stderr
        );
        assert!(
            run.stderr.contains("hint: pass --registry PATH|URL"),
            "{}",
            run.stderr
        );
        assert!(!run.stderr.contains("panicked"));
    }
}

#[test]
fn a_repository_without_a_registry_folder_exits_2() {
    let outside = tempfile::tempdir().unwrap();
    git(outside.path(), &["init", "-q"]);
    let run = stackreg(outside.path(), &["list"]);
    run.code(2);
    assert!(
        run.stderr.starts_with("error: no registry given"),
        "{}",
        run.stderr
    );
    // A registry/ folder without registry.toml is not a registry either, and the error
    // says what is missing.
    std::fs::create_dir_all(outside.path().join("registry/components")).unwrap();
    let run = stackreg(outside.path(), &["list"]);
    run.code(2);
    assert!(
        run.stderr.contains("has no registry.toml"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_missing_registry_from_the_environment_exits_2() {
    let (here, _) = two_registries();
    let run = stackreg_env(
        here.root(),
        &["list"],
        &[("STACKREG_REGISTRY", "/no/such/registry")],
    );
    run.code(2);
    assert!(run.stderr.contains("/no/such/registry"), "{}", run.stderr);
    assert!(run.stderr.contains("STACKREG_REGISTRY"), "{}", run.stderr);
}
