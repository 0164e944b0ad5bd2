//! `resolve`, lock files, `why`, `graph`, `outdated` and `alternatives` through the binary.

use crate::support::*;

/// A small registry: a portal needing sso and a database, two identity providers, a db
/// with two majors.
fn fixture() -> Fixture {
    let f = Fixture::new();
    f.interface("sso", &["1.0.0"]);
    f.component(
        &component("portal")
            .capabilities(&["web"])
            .release("1.0.0")
            .requires("sso", "^1")
            .depends("db", ">=1")
            .release("1.1.0")
            .requires("sso", "^1")
            .depends("db", ">=2")
            .support_ends("2027-01-31"),
    );
    f.component(
        &component("idp-a")
            .capabilities(&["identity"])
            .kind("self-hosted")
            .release("1.0.0")
            .provides("sso", "1.0.0"),
    );
    f.component(
        &component("idp-b")
            .capabilities(&["identity"])
            .licence("LicenseRef-Proprietary")
            .release("2.0.0")
            .provides("sso", "1.0.0"),
    );
    f.component(
        &component("db")
            .capabilities(&["database"])
            .release("1.0.0")
            .release("2.0.0")
            .release("2.1.0")
            .yanked("data loss"),
    );
    f.repo_file(
        "stacks/council.toml",
        "[stack]\nname = \"Test council\"\n\n[needs]\nweb = { component = \"portal\" }\n\n[current]\nportal = \"1.0.0\"\ndb = \"1.0.0\"\n",
    );
    f.commit("registry");
    f
}

#[test]
fn resolve_prints_the_plan_in_every_format() {
    let f = fixture();
    let v = f
        .run(&["resolve", "stacks/council.toml", "--format", "json"])
        .ok()
        .json();
    assert_eq!(v["status"], "resolved");
    assert_eq!(v["stack"], "Test council");
    assert_eq!(v["registry"]["source"], "registry");
    let plan: Vec<(String, String)> = v["plan"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["component"].as_str().unwrap().into(),
                r["version"].as_str().unwrap().into(),
            )
        })
        .collect();
    // [current] versions are kept; idp-a is live and first by id.
    assert_eq!(
        plan,
        [
            ("db".into(), "1.0.0".into()),
            ("idp-a".into(), "1.0.0".into()),
            ("portal".into(), "1.0.0".into())
        ]
    );
    let portal = &v["plan"][2];
    assert_eq!(portal["needs"], serde_json::json!(["web"]));
    assert_eq!(
        v["plan"][0]["required_by"],
        serde_json::json!(["portal@1.0.0"])
    );
    assert_eq!(
        v["changes"],
        serde_json::json!([{"component": "idp-a", "from": null, "to": "1.0.0"}])
    );
    assert!(v.get("explanation").is_none());

    let table = f
        .run(&["resolve", "stacks/council.toml"])
        .ok()
        .stdout
        .clone();
    assert!(
        table.starts_with("Plan for Test council: 3 components (registry: registry)"),
        "{table}"
    );
    assert!(table.contains("portal"), "{table}");
    let md = f
        .run(&["resolve", "stacks/council.toml", "--format", "markdown"])
        .ok()
        .stdout
        .clone();
    assert!(md.contains("| web | portal | 1.0.0 | kept |"), "{md}");
    // Byte-identical across runs.
    assert_eq!(f.run(&["resolve", "stacks/council.toml"]).stdout, table);
}

#[test]
fn no_plan_exits_1_with_an_explanation_in_json_too() {
    let f = fixture();
    f.repo_file(
        "stacks/closed.toml",
        "[stack]\nname = \"Closed\"\n[needs]\nweb = { component = \"portal\" }\n[policy]\nopen-source = true\nkinds = [\"saas\"]\n",
    );
    let run = f.run(&["resolve", "stacks/closed.toml", "--format", "json"]);
    run.code(1);
    let v = run.json();
    assert_eq!(v["status"], "unsatisfiable");
    assert_eq!(v["plan"], serde_json::json!([]));
    let text = v["explanation"].as_str().unwrap();
    assert!(text.contains("need `web`"), "{text}");
    assert!(text.contains("policy"), "{text}");
    assert_eq!(v["conflict"]["needs"], serde_json::json!(["web"]));
    let run = f.run(&["resolve", "stacks/closed.toml"]);
    run.code(1);
    assert!(run.stdout.contains("No plan for Closed"), "{}", run.stdout);
}

#[test]
fn lock_writes_and_locked_detects_staleness() {
    let f = fixture();
    let lock = f.root().join("stacks/council.lock");
    f.run(&["resolve", "stacks/council.toml", "--locked"])
        .code(1);
    f.run(&["resolve", "stacks/council.toml", "--lock"]).ok();
    let text = std::fs::read_to_string(&lock).unwrap();
    assert!(
        text.contains("id = \"portal\"") && text.contains("version = \"1.0.0\""),
        "{text}"
    );
    f.run(&["resolve", "stacks/council.toml", "--locked"]).ok();

    // Without [current], the lock still keeps portal at 1.0.0.
    f.repo_file(
        "stacks/council.toml",
        "[stack]\nname = \"Test council\"\n\n[needs]\nweb = { component = \"portal\" }\n",
    );
    let v = f
        .run(&["resolve", "stacks/council.toml", "--format", "json"])
        .ok()
        .json();
    assert_eq!(v["plan"][2]["version"], "1.0.0");
    // ... but the stack changed, so the lock is stale for CI.
    let run = f.run(&["resolve", "stacks/council.toml", "--locked"]);
    run.code(1);
    assert!(
        run.stderr.contains("stale") && run.stderr.contains("stack file changed"),
        "{}",
        run.stderr
    );

    // A stack that needs otherwise moves the locked version.
    f.repo_file(
        "stacks/council.toml",
        "[stack]\nname = \"Test council\"\n\n[needs]\nweb = { component = \"portal\", version = \">=1.1\" }\n",
    );
    let run = f.run(&["resolve", "stacks/council.toml", "--locked"]);
    run.code(1);
    assert!(
        run.stderr
            .contains("portal would change from 1.0.0 to 1.1.0: need `web` asks for portal >=1.1"),
        "{}",
        run.stderr
    );
    // The plan says what moved from the lock, and why.
    let out = f
        .run(&["resolve", "stacks/council.toml"])
        .ok()
        .stdout
        .clone();
    assert!(
        out.contains(
            "changed from the lock file:\n  \
             db 1.0.0 → 2.0.0: portal 1.1.0 depends on db >=2, not the 1.0.0 beside it\n  \
             portal 1.0.0 → 1.1.0: need `web` asks for portal >=1.1\n"
        ),
        "{out}"
    );
    let v = f
        .run(&["resolve", "stacks/council.toml", "--format", "json"])
        .ok()
        .json();
    assert_eq!(
        v["lock_changes"],
        serde_json::json!([
            {
                "component": "db",
                "from": "1.0.0",
                "to": "2.0.0",
                "reason": "portal 1.1.0 depends on db >=2, not the 1.0.0 beside it"
            },
            {
                "component": "portal",
                "from": "1.0.0",
                "to": "1.1.0",
                "reason": "need `web` asks for portal >=1.1"
            }
        ])
    );
    f.run(&["resolve", "stacks/council.toml", "--lock"]).ok();
    f.run(&["resolve", "stacks/council.toml", "--locked"]).ok();
}

#[test]
fn a_corrupt_lock_file_is_a_clear_error() {
    let f = fixture();
    f.repo_file("stacks/council.lock", "version = \n");
    let run = f.run(&["resolve", "stacks/council.toml"]);
    run.code(2);
    assert!(run.stderr.contains("council.lock"), "{}", run.stderr);
}

#[test]
fn why_lists_every_chain() {
    let f = fixture();
    let out = f
        .run(&["why", "stacks/council.toml", "db"])
        .ok()
        .stdout
        .clone();
    assert_eq!(
        out,
        "db 1.0.0 is in the plan because:\n  need web → portal 1.0.0 → (depends >=1) db 1.0.0\n"
    );
    let v = f
        .run(&["why", "stacks/council.toml", "idp-a", "--format", "json"])
        .ok()
        .json();
    assert_eq!(v["chains"][0]["steps"][1]["via"], "requires sso ^1");
    f.run(&["why", "stacks/council.toml", "idp-b"]).code(1);
}

#[test]
fn graph_in_dot_mermaid_and_json() {
    let f = fixture();
    let dot = f
        .run(&["graph", "stacks/council.toml", "--format", "dot"])
        .ok()
        .stdout
        .clone();
    assert!(dot.starts_with("digraph plan {"), "{dot}");
    assert!(
        dot.contains("\"portal@1.0.0\" -> \"db@1.0.0\" [label=\"depends >=1\"];"),
        "{dot}"
    );
    assert!(
        dot.contains("\"portal@1.0.0\" -> \"idp-a@1.0.0\" [label=\"requires sso ^1\"];"),
        "{dot}"
    );
    let mermaid = f
        .run(&["graph", "stacks/council.toml", "--format", "mermaid"])
        .ok()
        .stdout
        .clone();
    assert!(mermaid.starts_with("flowchart LR\n"), "{mermaid}");
    assert!(mermaid.contains("-- \"requires sso ^1\" -->"), "{mermaid}");
    let v = f
        .run(&["graph", "stacks/council.toml", "--format", "json"])
        .ok()
        .json();
    assert_eq!(v["nodes"].as_array().unwrap().len(), 3);
    assert_eq!(v["edges"].as_array().unwrap().len(), 2);
    f.run(&["graph", "stacks/council.toml", "--format", "csv"])
        .code(2);
}

#[test]
fn outdated_reports_newer_releases_and_support() {
    let f = fixture();
    let v = f
        .run(&["outdated", "stacks/council.toml", "--format", "json"])
        .ok()
        .json();
    let db = v["components"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["component"] == "db")
        .unwrap();
    // 2.1.0 is yanked, so only 2.0.0 is offered; portal 1.0.0 accepts db >=1, so it fits.
    assert_eq!(db["newer"].as_array().unwrap().len(), 1);
    assert_eq!(db["newer"][0]["version"], "2.0.0");
    assert_eq!(db["newer"][0]["fit"], "drop-in");
    let portal = v["components"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["component"] == "portal")
        .unwrap();
    assert_eq!(portal["newer"][0]["version"], "1.1.0");
    assert_eq!(portal["newer"][0]["fit"], "with-changes");
}

#[test]
fn alternatives_json_has_the_documented_shape() {
    let f = fixture();
    let v = f
        .run(&[
            "alternatives",
            "stacks/council.toml",
            "idp-a",
            "--format",
            "json",
        ])
        .ok()
        .json();
    assert_eq!(v["component"], "idp-a");
    assert_eq!(v["version"], "1.0.0");
    let alts = v["alternatives"].as_array().unwrap();
    assert_eq!(alts.len(), 1);
    let b = &alts[0];
    for key in [
        "component",
        "version",
        "fit",
        "changes",
        "covers",
        "missing",
        "reason",
    ] {
        assert!(b.get(key).is_some(), "missing {key} in {b}");
    }
    assert_eq!(b["component"], "idp-b");
    assert_eq!(b["fit"], "drop-in");
    assert_eq!(b["covers"], serde_json::json!(["sso"]));
    assert_eq!(
        b["differences"]["open_source"],
        serde_json::json!({"from": true, "to": false})
    );

    let v = f
        .run(&[
            "alternatives",
            "stacks/council.toml",
            "--all",
            "--format",
            "json",
        ])
        .ok()
        .json();
    let rows = v["components"].as_array().unwrap();
    let lock_in: Vec<&str> = rows
        .iter()
        .filter(|r| r["lock_in"] == true)
        .map(|r| r["component"].as_str().unwrap())
        .collect();
    assert_eq!(lock_in, ["db", "portal"]);
    f.run(&["alternatives", "stacks/council.toml"]).code(2);
    // An id the registry does not hold: an error (exit 2), as for `show` and `why`.
    f.run(&["alternatives", "stacks/council.toml", "nope"])
        .code(2);
}

#[test]
fn every_reference_stack_of_the_sample_registry_resolves() {
    for entry in std::fs::read_dir(sample_registry().join("stacks")).unwrap() {
        let path = entry.unwrap().path();
        let run = stackreg(
            &project_root(),
            &["resolve", path.to_str().unwrap(), "--format", "json"],
        );
        run.ok();
        assert_eq!(run.json()["status"], "resolved", "{}", path.display());
    }
}

/// SPEC §4 stable locks, on every stack the project ships: locked, then checked with
/// `--locked`, and resolved again with the lock in place, each gives the plan the lock
/// holds. Copies in a folder of their own, so the lock files are written there.
#[test]
fn every_sample_stack_locks_and_stays_locked() {
    let dir = tempfile::tempdir().unwrap();
    let registry = sample_registry();
    let registry = registry.to_str().unwrap();
    let mut stacks = Vec::new();
    for folder in [
        sample_registry().join("stacks"),
        project_root().join("examples/stacks"),
    ] {
        for entry in std::fs::read_dir(folder).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|x| x == "toml") {
                stacks.push(path);
            }
        }
    }
    stacks.sort();
    let mut locked = 0;
    for path in &stacks {
        let name = path.file_name().unwrap().to_str().unwrap();
        let copy = dir.path().join(name);
        std::fs::copy(path, &copy).unwrap();
        let copy = copy.to_str().unwrap();
        let first = stackreg(
            dir.path(),
            &["--registry", registry, "resolve", copy, "--format", "json"],
        );
        if first.json()["status"] == "unsatisfiable" {
            // Nothing to lock: `--lock` says so and writes nothing.
            first.code(1);
            stackreg(
                dir.path(),
                &["--registry", registry, "resolve", copy, "--lock"],
            )
            .code(1);
            continue;
        }
        first.ok();
        stackreg(
            dir.path(),
            &["--registry", registry, "resolve", copy, "--lock"],
        )
        .ok();
        let lock = std::fs::read_to_string(dir.path().join(name).with_extension("lock")).unwrap();
        let run = stackreg(
            dir.path(),
            &["--registry", registry, "resolve", copy, "--locked"],
        );
        assert_eq!(run.code, 0, "{name}: {}", run.stderr);
        let again = stackreg(
            dir.path(),
            &["--registry", registry, "resolve", copy, "--format", "json"],
        )
        .ok()
        .json();
        assert_eq!(again["plan"], first.json()["plan"], "{name}");
        assert!(again.get("lock_changes").is_none(), "{name}: {again}");
        // The lock holds exactly the plan.
        let planned: Vec<String> = again["plan"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| format!("id = {}\nversion = {}", r["component"], r["version"]))
            .collect();
        for p in &planned {
            assert!(lock.contains(p.as_str()), "{name}: {p} not in\n{lock}");
        }
        assert_eq!(
            lock.matches("[[component]]").count(),
            planned.len(),
            "{name}"
        );
        locked += 1;
    }
    assert!(
        locked >= 5,
        "only {locked} of {} stacks have a plan",
        stacks.len()
    );
}

/// Issue 19 item 11 through the binary: a chain of components sharing one capability,
/// each depending on the next. The report's budget (a multiple of --max-steps) leaves
/// most candidates undecided; the command still answers, exit 0, and calls nothing
/// adversarial.
#[test]
fn alternatives_answer_within_the_budget_with_the_rest_undecided() {
    let f = Fixture::new();
    let n = 200;
    for i in 0..n {
        let mut c = component(&format!("c{i}"))
            .capabilities(&["links"])
            .release("1.0.0");
        if i + 1 < n {
            c = c.depends(&format!("c{}", i + 1), "*");
        }
        f.component(&c);
    }
    f.repo_file(
        "stacks/chain.toml",
        "[stack]\nname = \"Chain\"\n\n[needs]\nfirst = { component = \"c0\" }\n",
    );
    f.commit("chain");
    let bound = ["--max-steps", "800"];

    let run = f.run(&[&bound[..], &["alternatives", "stacks/chain.toml", "--all"]].concat());
    run.ok();
    assert!(!run.stderr.contains("adversarial"), "{}", run.stderr);
    assert!(
        run.stderr
            .contains("candidates left undecided by the bounds on the work"),
        "{}",
        run.stderr
    );
    assert!(
        run.stdout.contains(
            "COMPONENT  VERSION  DROP-IN  WITH CHANGES  NOT VIABLE  UNDECIDED  BEST ALTERNATIVE"
        ),
        "{}",
        run.stdout
    );
    // The headline wraps at the width; its words are what count.
    let words = run.stdout.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        words.contains("have only undecided candidates"),
        "{}",
        run.stdout
    );
    let v = f
        .run(
            &[
                &bound[..],
                &[
                    "--format",
                    "json",
                    "alternatives",
                    "stacks/chain.toml",
                    "--all",
                ],
            ]
            .concat(),
        )
        .ok()
        .json();
    let rows = v["components"].as_array().unwrap();
    assert_eq!(rows.len(), n);
    let last = rows.last().unwrap();
    assert_eq!(last["undecided"], n - 1);
    assert_eq!(last["unexamined"], n - 1);
    assert_eq!(last["lock_in"], false);
    assert_eq!(last["alternatives"].as_array().unwrap().len(), 0);

    // One component: its 199 candidates fit the report's budget (the plan mended for each
    // candidate costs far less than solving it; tests/resolver/bound.rs lists what a
    // budget that runs out leaves undecided).
    let v = f
        .run(
            &[
                &bound[..],
                &[
                    "--format",
                    "json",
                    "alternatives",
                    "stacks/chain.toml",
                    "c0",
                ],
            ]
            .concat(),
        )
        .ok()
        .json();
    let alts = v["alternatives"].as_array().unwrap();
    assert_eq!(alts.len(), n - 1);
    assert_eq!(alts[0]["component"], "c1");
    assert_eq!(alts[0]["fit"], "drop-in");
    // c2 and on leave out the links before them.
    for (k, a) in alts.iter().enumerate().skip(1) {
        assert_eq!(a["fit"], "with-changes", "{a}");
        assert_eq!(a["changes"].as_array().unwrap().len(), k, "{a}");
    }
}

/// A reference stack may ship its lock file next to it; `validate` checks that it is the
/// plan `resolve` gives, from the stack file as it is.
#[test]
fn validate_checks_reference_stack_locks() {
    let f = fixture();
    f.file(
        "stacks/district.toml",
        "[stack]\nname = \"District\"\n\n[needs]\nweb = { component = \"portal\" }\n",
    );
    f.run(&["resolve", "registry/stacks/district.toml", "--lock"])
        .ok();
    let run = f.run(&["validate", "--format", "json"]);
    run.ok();
    assert_eq!(run.findings(), []);

    // The stack changed since: stale, with how to fix it.
    f.edit(
        "stacks/district.toml",
        "name = \"District\"",
        "name = \"District council\"",
    );
    let run = f.run(&["validate"]);
    run.code(1);
    assert!(
        run.stdout.contains(
            "error[stale-lock]: the lock was written from another version of stacks/district.toml"
        ) && run.stdout.contains(
            "help: run `stackreg resolve --lock stacks/district.toml` and commit the lock"
        ),
        "{}",
        run.stdout
    );
    f.run(&["resolve", "registry/stacks/district.toml", "--lock"])
        .ok();
    f.run(&["validate"]).ok();

    // A lock edited by hand into something that is not a plan. (A yanked release would do:
    // a lock may keep one.)
    let lock = f.registry().join("stacks/district.lock");
    let text = std::fs::read_to_string(&lock).unwrap();
    std::fs::write(
        &lock,
        text.replace(
            "id = \"db\"\nversion = \"2.0.0\"",
            "id = \"db\"\nversion = \"1.0.0\"",
        ),
    )
    .unwrap();
    let v = f.run(&["validate", "--format", "json"]).json();
    assert_eq!(
        v["errors"][0]["message"],
        "the lock is not a plan for the stack: portal 1.1.0 depends on db >=2, not the 1.0.0 beside it"
    );

    // A lock with no stack next to it has no place in the registry.
    std::fs::remove_file(&lock).unwrap();
    f.file("stacks/orphan.lock", text);
    let v = f.run(&["validate", "--format", "json"]).json();
    assert_eq!(v["errors"][0]["code"], "unexpected-file");
    assert_eq!(v["errors"][0]["file"], "stacks/orphan.lock");
}
