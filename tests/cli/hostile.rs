//! Hostile input beyond single bad files (SPEC §7, docs/SECURITY.md): text that tries to
//! drive a terminal or break a table in every output format, huge and deeply nested
//! values, look-alike and path-like ids, symlinks and submodules in git trees, oversized
//! and corrupt git objects, registries that do not exist, and adversarial registries that
//! must end in "gave up", never a hang.

use std::time::{Duration, Instant};

use crate::support::*;

/// Writes a pigeonhole registry (`n + 1` pigeons, `n` holes; see
/// tests/resolver/bound.rs) and the stack that needs every pigeon as `stacks/pigeons.toml`.
fn pigeonhole(f: &Fixture, n: usize) {
    let mut needs = String::new();
    for i in 0..=n {
        f.interface(&format!("nest{i}"), &["1.0.0"]);
        f.component(
            &component(&format!("p{i}"))
                .release("1.0.0")
                .requires(&format!("nest{i}"), "*"),
        );
        needs.push_str(&format!("p{i} = {{ component = \"p{i}\" }}\n"));
        for j in 0..n {
            let mut c = component(&format!("h{i}-{j}"))
                .release("1.0.0")
                .provides(&format!("nest{i}"), "1.0.0");
            for k in (0..=n).filter(|&k| k != i) {
                c = c.conflicts(&format!("h{k}-{j}"), "*");
            }
            f.component(&c);
        }
    }
    f.stack(
        "pigeons",
        &format!("[stack]\nname = \"Every pigeon in its own hole\"\n\n[needs]\n{needs}"),
    );
}

#[track_caller]
fn gave_up(run: &Run, steps: &str) {
    run.code(2);
    assert!(
        run.stderr
            .contains(&format!("error: resolution gave up after {steps} steps")),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("--max-steps"), "{}", run.stderr);
}

#[test]
fn adversarial_registries_give_up_in_every_command_that_resolves() {
    let f = Fixture::new();
    pigeonhole(&f, 8);
    f.commit("pigeons");
    let stack = "registry/stacks/pigeons.toml";
    let started = Instant::now();

    for args in [
        &["resolve", stack, "--max-steps", "300"][..],
        &["--max-steps", "300", "why", stack, "p0"],
        &["graph", stack, "--max-steps=300"],
        &["--max-steps", "300", "outdated", stack],
        &["--max-steps", "300", "validate"],
        &[
            "--max-steps",
            "300",
            "--rev",
            "HEAD",
            "validate",
            "--format",
            "json",
        ],
    ] {
        gave_up(&f.run(args), "300");
    }
    let env = [("STACKREG_MAX_STEPS", "300")];
    gave_up(&stackreg_env(f.root(), &["resolve", stack], &env), "300");
    gave_up(&stackreg_env(f.root(), &["validate"], &env), "300");

    // Publishing anything is checked against the reference stacks, so it gives up too,
    // and commits nothing.
    let home = isolated_home();
    let new = f.root().join("new.toml");
    std::fs::write(&new, component("newcomer").release("1.0.0").toml()).unwrap();
    let before = git(f.root(), &["rev-parse", "HEAD"]);
    let run = stackreg_home(
        f.root(),
        home.path(),
        &[
            "registry",
            "publish",
            new.to_str().unwrap(),
            "--author",
            "A <a@example.com>",
        ],
        &env,
    );
    gave_up(&run, "300");
    assert_eq!(git(f.root(), &["rev-parse", "HEAD"]), before);

    assert!(
        started.elapsed() < Duration::from_secs(30),
        "{:?}",
        started.elapsed()
    );
}

#[test]
fn a_small_adversarial_registry_is_answered_in_full() {
    let f = Fixture::new();
    pigeonhole(&f, 3);
    let run = f.run(&["resolve", "registry/stacks/pigeons.toml"]);
    run.code(1);
    assert!(run.stdout.contains("no plan exists"), "{}", run.stdout);
    let run = f.run(&["validate", "--format", "json"]);
    run.code(1);
    assert!(
        run.findings()
            .iter()
            .any(|d| d.code == "stack-unresolvable" && d.file == "stacks/pigeons.toml"),
        "{}",
        run.stdout
    );
}

#[test]
fn many_resolutions_share_the_commands_budget() {
    // A component with many releases, each of which `outdated` tries in a plan of its
    // own: each resolution is small, but together they hit ten times the limit.
    let f = Fixture::new();
    let mut app = component("app");
    for i in 0..200 {
        app = app.release(&format!("1.{i}.0"));
    }
    f.component(&app);
    f.stack(
        "one",
        "[stack]\nname = \"One\"\n[needs]\napp = { component = \"app\", version = \"=1.0.0\" }\n",
    );
    let stack = "registry/stacks/one.toml";
    f.run(&["outdated", stack]).ok();
    let run = f.run(&["outdated", stack, "--max-steps", "20"]);
    run.code(2);
    assert!(
        run.stderr
            .contains("error: resolution gave up after 200 steps over"),
        "{}",
        run.stderr
    );
}
