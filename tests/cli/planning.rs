//! The planning commands through the binary: what-if resolves, renewals, used-by,
//! compare, stack new and merge, on small fixtures and the sample registry.

use serde_json::Value;

use crate::support::*;

/// A portal needing an API; two backends provide it; the portal's 2.x needs the API's 2.x,
/// so upgrading the portal forces the backend to move. The database's 1.0.0 is yanked
/// but runs today.
fn fixture() -> Fixture {
    let f = Fixture::new();
    f.interface("api", &["1.0.0", "2.0.0"]);
    f.component(
        &component("portal")
            .capabilities(&["web"])
            .release("1.0.0")
            .requires("api", "^1")
            .release("2.0.0")
            .requires("api", "^2")
            .release("3.0.0")
            .requires("api", "^2")
            .conflicts("db", "*"),
    );
    f.component(
        &component("backend")
            .capabilities(&["service"])
            .licence("LicenseRef-Proprietary")
            .release("1.0.0")
            .provides("api", "1.0.0")
            .depends("db", ">=1")
            .support_ends("2027-01-31")
            .release("2.0.0")
            .provides("api", "2.0.0")
            .depends("db", ">=1"),
    );
    f.component(
        &component("alt-backend")
            .capabilities(&["service"])
            .release("2.0.0")
            .provides("api", "2.0.0")
            .depends("db", ">=1"),
    );
    f.component(
        &component("db")
            .capabilities(&["database"])
            .release("1.0.0")
            .yanked("data loss")
            .release("2.0.0"),
    );
    f.repo_file(
        "stacks/council.toml",
        "[stack]\nname = \"Test council\"\n\n[needs]\nweb = { component = \"portal\" }\n\n[current]\nportal = \"1.0.0\"\nbackend = { version = \"1.0.0\", contract-ends = 2027-03-31, notice-months = 6 }\ndb = \"1.0.0\"\n",
    );
    f.commit("registry");
    f
}

fn versions(v: &Value) -> Vec<(String, String)> {
    v["plan"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["component"].as_str().unwrap().to_owned(),
                r["version"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
        .collect()
}

#[test]
fn upgrade_forces_another_component_to_move_and_lists_it() {
    let f = fixture();
    f.run(&["resolve", "stacks/council.toml", "--lock"]).ok();
    let lock = std::fs::read(f.root().join("stacks/council.lock")).unwrap();
    let v = f
        .run(&[
            "resolve",
            "stacks/council.toml",
            "--upgrade",
            "portal",
            "--dry-run",
            "--lock",
            "--format",
            "json",
        ])
        .ok()
        .json();
    assert_eq!(v["status"], "resolved");
    assert_eq!(v["baseline"], "lock");
    assert_eq!(
        versions(&v),
        pairs(&[("backend", "2.0.0"), ("db", "1.0.0"), ("portal", "2.0.0")])
    );
    assert_eq!(
        v["changes"],
        serde_json::json!([
            {"component": "backend", "from": "1.0.0", "to": "2.0.0"},
            {"component": "portal", "from": "1.0.0", "to": "2.0.0"},
        ])
    );
    // 3.0.0 conflicts with the database the backend depends on.
    assert_eq!(v["upgrades"][0]["to"], "2.0.0");
    assert_eq!(v["upgrades"][0]["newest"], "3.0.0");
    assert!(v["upgrades"][0]["held-back"].is_string(), "{v}");
    // --dry-run wrote nothing.
    assert_eq!(
        std::fs::read(f.root().join("stacks/council.lock")).unwrap(),
        lock
    );
}

#[test]
fn upgrade_to_a_version_no_plan_allows_explains_and_exits_1() {
    let f = fixture();
    let run = f.run(&[
        "resolve",
        "stacks/council.toml",
        "--upgrade",
        "portal@3.0.0",
    ]);
    run.code(1);
    assert!(
        run.stdout.contains("No plan for Test council"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("conflicts"), "{}", run.stdout);
    let v = f
        .run(&[
            "resolve",
            "stacks/council.toml",
            "--upgrade",
            "portal@3.0.0",
            "--format",
            "json",
        ])
        .code(1)
        .json();
    assert_eq!(v["status"], "unsatisfiable");
    assert!(v["explanation"].as_str().unwrap().contains("portal"));
    // A version that does not exist is a usage error.
    let run = f.run(&[
        "resolve",
        "stacks/council.toml",
        "--upgrade",
        "portal@9.0.0",
    ]);
    run.code(2);
    assert!(
        run.stderr.contains("portal has no release 9.0.0"),
        "{}",
        run.stderr
    );
}

#[test]
fn upgrade_then_relock_then_locked_passes() {
    let f = fixture();
    f.run(&["resolve", "stacks/council.toml", "--lock"]).ok();
    f.run(&[
        "resolve",
        "stacks/council.toml",
        "--upgrade",
        "portal",
        "--lock",
    ])
    .ok();
    let lock = std::fs::read_to_string(f.root().join("stacks/council.lock")).unwrap();
    assert!(
        lock.contains("id = \"portal\"\nversion = \"2.0.0\""),
        "{lock}"
    );
    f.run(&["resolve", "stacks/council.toml", "--locked"]).ok();
    let v = f
        .run(&["resolve", "stacks/council.toml", "--format", "json"])
        .ok()
        .json();
    assert_eq!(
        versions(&v),
        pairs(&[("backend", "2.0.0"), ("db", "1.0.0"), ("portal", "2.0.0")])
    );
}

#[test]
fn with_and_without_change_the_plan_against_current() {
    let f = fixture();
    let v = f
        .run(&[
            "resolve",
            "stacks/council.toml",
            "--upgrade",
            "portal@2.0.0",
            "--without",
            "backend",
            "--format",
            "json",
        ])
        .ok()
        .json();
    assert_eq!(v["baseline"], "current");
    assert_eq!(
        versions(&v),
        pairs(&[
            ("alt-backend", "2.0.0"),
            ("db", "1.0.0"),
            ("portal", "2.0.0")
        ])
    );
    let run = f.run(&["resolve", "stacks/council.toml", "--without", "portal"]);
    run.code(2);
    assert!(run.stderr.contains("need `web`"), "{}", run.stderr);
    let csv = f
        .run(&[
            "resolve",
            "stacks/council.toml",
            "--with",
            "alt-backend",
            "--format",
            "csv",
        ])
        .ok()
        .stdout
        .clone();
    assert!(csv.starts_with("component,from,to,change,needs\n"), "{csv}");
    assert!(csv.contains("alt-backend,,2.0.0,added,"), "{csv}");
}

#[test]
fn renewals_flag_a_decision_date_that_has_passed() {
    let f = fixture();
    // Tests run on 2026-11-26: the backend's support ends 2027-01-31 and its contract
    // 2027-03-31, each with six months' notice, so both decision dates have passed.
    let v = f
        .run(&["renewals", "stacks/council.toml", "--format", "json"])
        .ok()
        .json();
    let list = v.as_array().unwrap();
    assert_eq!(list.len(), 2, "{v}");
    assert_eq!(list[0]["component"], "backend");
    assert_eq!(list[0]["reason"], "support");
    assert_eq!(list[0]["ends"], "2027-01-31");
    assert_eq!(list[0]["decide-by"], "2026-07-31");
    assert_eq!(list[0]["overdue"], true);
    assert_eq!(list[0]["ended"], false);
    assert_eq!(list[1]["reason"], "contract");
    assert_eq!(list[1]["decide-by"], "2026-09-30");
    // alt-backend replaces it only if the portal moves to 2.x.
    assert_eq!(list[1]["alternatives"]["drop-in"], 0);
    assert_eq!(list[1]["alternatives"]["with-changes"], 1);
    assert_eq!(list[1]["alternatives"]["best"]["component"], "alt-backend");
    assert_eq!(list[1]["open-source-option"], "alt-backend");
    let table = f
        .run(&["renewals", "stacks/council.toml"])
        .ok()
        .stdout
        .clone();
    assert!(table.contains("2026-07-31 (passed)"), "{table}");
    // The headline wraps at the width; its words are what count.
    let words = table.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(words.contains("2 decision dates passed"), "{table}");

    // Earlier, nothing is overdue; a short window leaves the contract out.
    let run = stackreg_env(
        f.root(),
        &[
            "renewals",
            "stacks/council.toml",
            "--within",
            "1",
            "--format",
            "json",
        ],
        &[("STACKREG_TODAY", "2026-01-10")],
    );
    assert_eq!(run.code(0).json(), serde_json::json!([]));
    let run = stackreg_env(
        f.root(),
        &[
            "renewals",
            "stacks/council.toml",
            "--within",
            "13",
            "--format",
            "json",
        ],
        &[("STACKREG_TODAY", "2026-01-10")],
    );
    let v = run.code(0).json();
    assert_eq!(v.as_array().unwrap().len(), 1, "{v}");
    assert_eq!(v[0]["overdue"], false);
    let csv = f
        .run(&["renewals", "stacks/council.toml", "--format", "csv"])
        .ok()
        .stdout
        .clone();
    assert!(
        csv.starts_with("component,version,reason,ends,decide-by,"),
        "{csv}"
    );
    f.run(&["renewals", "stacks/council.toml", "--format", "dot"])
        .code(2);
}

#[test]
fn used_by_finds_a_yanked_release_that_runs_today() {
    let f = fixture();
    let v = f
        .run(&[
            "used-by",
            "db@1.0.0",
            "stacks/council.toml",
            "--format",
            "json",
        ])
        .ok()
        .json();
    let uses = v["stacks"].as_array().unwrap();
    assert_eq!(uses.len(), 1, "{v}");
    assert_eq!(uses[0]["stack"], "Test council");
    assert_eq!(uses[0]["version"], "1.0.0");
    assert_eq!(uses[0]["in"], serde_json::json!(["plan", "current"]));
    assert_eq!(uses[0]["yanked"], "data loss");
    assert_eq!(
        uses[0]["chains"][0],
        "need web → portal 1.0.0 → (requires api ^1) backend 1.0.0 → (depends >=1) db 1.0.0"
    );
    let run = f.run(&["used-by", "db@2.0.0", "stacks/council.toml"]);
    run.code(1);
    assert!(
        run.stdout.contains("No stack plans or runs db =2.0.0"),
        "{}",
        run.stdout
    );
    f.run(&["used-by", "nope", "stacks/council.toml"]).code(2);
}

#[test]
fn used_by_reads_the_lock_files_of_reference_stacks() {
    let f = fixture();
    let council = std::fs::read(f.root().join("stacks/council.toml")).unwrap();
    f.file("stacks/council.toml", council);
    let places = |f: &Fixture| {
        let v = f
            .run(&["used-by", "backend", "--format", "json"])
            .ok()
            .json();
        v["stacks"][0]["in"].clone()
    };
    assert_eq!(places(&f), serde_json::json!(["plan", "current"]));
    // Locked next to the stack file, the lock is one more place the component runs...
    f.run(&["resolve", "registry/stacks/council.toml", "--lock"])
        .ok();
    assert!(f.registry().join("stacks/council.lock").is_file());
    assert_eq!(places(&f), serde_json::json!(["plan", "current", "lock"]));
    // ...and an unreadable one is said, and searched without.
    f.file("stacks/council.lock", "not a lock");
    let run = f.run(&["used-by", "backend"]);
    run.ok();
    assert!(
        run.stderr
            .contains("warning: the lock file of stacks/council.toml is not readable"),
        "{}",
        run.stderr
    );
}

#[test]
fn used_by_searches_the_reference_stacks_of_the_sample_registry() {
    let v = stackreg(
        &project_root(),
        &["used-by", "fixmystreet", "--format", "json"],
    )
    .ok()
    .json();
    let files: Vec<&str> = v["stacks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["file"].as_str().unwrap())
        .collect();
    assert_eq!(
        files,
        [
            "stacks/district-council.toml",
            "stacks/open-source-council.toml",
            "stacks/unitary-council.toml"
        ]
    );
}

#[test]
fn compare_marks_the_facts_that_differ() {
    let v = stackreg(
        &project_root(),
        &["compare", "keycloak", "kestrel-id", "--format", "json"],
    )
    .ok()
    .json();
    assert_eq!(v["components"][0]["component"], "keycloak");
    assert_eq!(v["components"][1]["licence"], "LicenseRef-Proprietary");
    let diff: Vec<&str> = v["differences"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d.as_str().unwrap())
        .collect();
    assert!(
        diff.contains(&"licence") && diff.contains(&"kind"),
        "{diff:?}"
    );
    assert!(!diff.contains(&"lifecycle") && !diff.contains(&"capabilities"));
    let table = stackreg(&project_root(), &["compare", "keycloak", "kestrel-id"])
        .ok()
        .stdout
        .clone();
    assert!(table.contains("* licence"), "{table}");
    assert!(table.contains("  lifecycle"), "{table}");
    let run = stackreg(&project_root(), &["compare", "keycloak", "keycloakk"]);
    run.code(2);
    assert!(
        run.stderr.contains("did you mean `keycloak`?"),
        "{}",
        run.stderr
    );
    stackreg(&project_root(), &["compare", "keycloak"]).code(2);
}

#[test]
fn stack_new_keeps_three_current_components_then_resolves_and_finds_alternatives() {
    let dir = tempfile::tempdir().unwrap();
    let registry = sample_registry();
    let registry = registry.to_str().unwrap();
    let args = [
        "--registry",
        registry,
        "stack",
        "new",
        "ours.toml",
        "--name",
        "Our \"district\" council",
        "--current",
        "fixmystreet@5.0.0",
        "--current",
        "keycloak@26.0.0",
        "--current",
        "postgresql@15.0.0",
        "--format",
        "json",
    ];
    let v = stackreg(dir.path(), &args).ok().json();
    assert_eq!(v["status"], "resolved");
    assert_eq!(
        v["kept"],
        serde_json::json!(["fixmystreet", "keycloak", "postgresql"])
    );
    assert_eq!(v["changes"], serde_json::json!([]));
    let text = std::fs::read_to_string(dir.path().join("ours.toml")).unwrap();
    assert!(
        text.contains("street-reporting = { capability = \"street-reporting\" }"),
        "{text}"
    );
    assert!(text.contains("# open-source = true"), "{text}");
    // The file names its registry, so it resolves with no flags.
    let plan = stackreg(dir.path(), &["resolve", "ours.toml", "--format", "json"])
        .ok()
        .json();
    assert_eq!(plan["stack"], "Our \"district\" council");
    let got = versions(&plan);
    for want in [
        ("fixmystreet", "5.0.0"),
        ("keycloak", "26.0.0"),
        ("postgresql", "15.0.0"),
    ] {
        assert!(got.contains(&(want.0.into(), want.1.into())), "{got:?}");
    }
    let alt = stackreg(
        dir.path(),
        &["alternatives", "ours.toml", "keycloak", "--format", "json"],
    )
    .ok()
    .json();
    assert!(
        alt["alternatives"]
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a["component"] == "kestrel-id" && a["fit"] == "drop-in"),
        "{alt}"
    );
    // Never overwrites.
    let again = stackreg(dir.path(), &args);
    again.code(2);
    assert!(again.stderr.contains("already exists"), "{}", again.stderr);
    assert_eq!(
        std::fs::read_to_string(dir.path().join("ours.toml")).unwrap(),
        text
    );
    // A version that is not a release.
    let run = stackreg(
        dir.path(),
        &[
            "--registry",
            registry,
            "stack",
            "new",
            "x.toml",
            "--name",
            "X",
            "--current",
            "keycloak@1.2.3",
        ],
    );
    run.code(2);
    assert!(!dir.path().join("x.toml").exists());
}

#[test]
fn merge_two_reference_stacks_then_resolve_the_merged_stack() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("merged.toml");
    let out_s = out.to_str().unwrap();
    let v = stackreg(
        &project_root(),
        &[
            "merge",
            "registry/stacks/district-council.toml",
            "registry/stacks/unitary-council.toml",
            "--name",
            "Merged council",
            "--out",
            out_s,
            "--format",
            "json",
        ],
    )
    .ok()
    .json();
    assert_eq!(v["stack"], "Merged council");
    assert_eq!(v["status"], "resolved");
    let website = v["overlaps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["need"] == "website")
        .unwrap_or_else(|| panic!("no website overlap: {v}"));
    assert_eq!(website["a"]["component"], "localgov-drupal");
    assert_eq!(website["b"]["component"], "lanternfish-sites");
    assert_eq!(website["keep-a"], "not-viable");
    assert_eq!(website["keep-b"], "with-changes");
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(text.contains("lifecycle = [\"beta\", \"live\"]"), "{text}");
    assert!(
        text.contains("exclude-suppliers = [\"Marram Digital Ltd\"]"),
        "{text}"
    );
    // The merged file resolves to the plan merge reported.
    let plan = stackreg(
        &project_root(),
        &[
            "--registry",
            "registry",
            "resolve",
            out_s,
            "--format",
            "json",
        ],
    )
    .ok()
    .json();
    let merged: Vec<(String, String)> = v["plan"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["version"].is_string())
        .map(|r| {
            (
                r["component"].as_str().unwrap().to_owned(),
                r["version"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(versions(&plan), merged);
    // Never overwrites.
    stackreg(
        &project_root(),
        &[
            "merge",
            "registry/stacks/district-council.toml",
            "registry/stacks/unitary-council.toml",
            "--out",
            out_s,
        ],
    )
    .code(2);
}

#[test]
fn current_tables_are_checked_with_their_line() {
    let f = fixture();
    f.repo_file(
        "stacks/bad.toml",
        "[stack]\nname = \"Bad\"\n\n[needs]\nweb = { component = \"portal\" }\n\n[current]\nportal = { version = \"1.0.0\", contract-end = 2027-01-01 }\n",
    );
    let v = f
        .run(&["validate", "stacks/bad.toml", "--format", "json"])
        .code(1)
        .json();
    assert_eq!(v["errors"][0]["code"], "unknown-field", "{v}");
    assert_eq!(v["errors"][0]["line"], 8);
    f.repo_file(
        "stacks/bad2.toml",
        "[stack]\nname = \"Bad\"\n\n[needs]\nweb = { component = \"portal\" }\n\n[current]\nportal = { version = \"1.0.0\", notice-months = 500 }\n",
    );
    let v = f
        .run(&["validate", "stacks/bad2.toml", "--format", "json"])
        .code(1)
        .json();
    assert_eq!(v["errors"][0]["code"], "invalid-value", "{v}");
    assert_eq!(v["errors"][0]["line"], 8);
}

#[test]
fn what_if_on_the_sample_registry_says_what_holds_an_upgrade_back() {
    let root = project_root();
    let v = stackreg(
        &root,
        &[
            "resolve",
            "examples/stacks/example-district.toml",
            "--upgrade",
            "drupal",
            "--format",
            "json",
        ],
    )
    .ok()
    .json();
    assert_eq!(v["baseline"], "current");
    assert_eq!(
        v["upgrades"],
        serde_json::json!([{
            "component": "drupal",
            "from": "10.0.0",
            "to": "10.3.0",
            "newest": "11.0.0",
            "held-back": "localgov-drupal 3.0.0 depends on drupal ^10.0"
        }])
    );
    let drupal = v["changes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["component"] == "drupal")
        .unwrap();
    assert_eq!(drupal["from"], "10.0.0");
    assert_eq!(drupal["to"], "10.3.0");
    // Against the committed lock, only what the request changes.
    let v = stackreg(
        &root,
        &[
            "resolve",
            "examples/stacks/example-unitary.toml",
            "--upgrade",
            "fixmystreet",
            "--without",
            "kestrel-id",
            "--format",
            "json",
        ],
    )
    .ok()
    .json();
    assert_eq!(v["baseline"], "lock");
    assert_eq!(
        v["changes"],
        serde_json::json!([
            {"component": "fixmystreet", "from": "5.0.0", "to": "6.0.0"},
            {"component": "kestrel-id", "from": "3.1.1", "to": null},
            {"component": "keycloak", "from": null, "to": "26.2.0"},
        ])
    );
    let run = stackreg(
        &root,
        &[
            "resolve",
            "examples/stacks/example-unitary.toml",
            "--upgrade",
            "lanternfish-sites@4.1.0",
        ],
    );
    run.code(1);
    assert!(
        run.stdout.contains("depends on lanternfish-sites ^3"),
        "{}",
        run.stdout
    );
    // The committed lock is current.
    stackreg(
        &root,
        &[
            "resolve",
            "examples/stacks/example-unitary.toml",
            "--locked",
        ],
    )
    .ok();
}

#[test]
fn renewals_of_the_example_unitary_council() {
    let v = stackreg(
        &project_root(),
        &[
            "renewals",
            "examples/stacks/example-unitary.toml",
            "--format",
            "json",
        ],
    )
    .ok()
    .json();
    let first = &v[0];
    assert_eq!(first["component"], "lanternfish-sites");
    assert_eq!(first["reason"], "contract");
    assert_eq!(first["decide-by"], "2026-09-30");
    assert_eq!(first["overdue"], true);
    assert_eq!(first["alternatives"]["best"], Value::Null);
    let kestrel = v
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["component"] == "kestrel-id" && r["reason"] == "contract")
        .unwrap();
    // 30 June less three months.
    assert_eq!(kestrel["decide-by"], "2027-03-30");
    assert_eq!(kestrel["alternatives"]["drop-in"], 1);
    assert_eq!(kestrel["open-source-option"], "keycloak");
    let md = stackreg(
        &project_root(),
        &[
            "renewals",
            "examples/stacks/example-unitary.toml",
            "--format",
            "markdown",
        ],
    )
    .ok()
    .stdout
    .clone();
    assert!(md.contains("| lanternfish-sites | 3.4.0 |"), "{md}");
}

#[test]
fn stack_new_gives_components_sharing_a_capability_a_need_each() {
    let f = fixture();
    let v = f
        .run(&[
            "stack",
            "new",
            "new.toml",
            "--name",
            "New",
            "--current",
            "backend@2.0.0",
            "--current",
            "alt-backend@2.0.0",
            "--current",
            "portal@2.0.0",
            "--format",
            "json",
        ])
        .ok()
        .json();
    let needs: Vec<(&str, &str)> = v["needs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| (n["name"].as_str().unwrap(), n["need"].as_str().unwrap()))
        .collect();
    assert_eq!(
        needs,
        [
            ("alt-backend", "component alt-backend"),
            ("backend", "component backend"),
            ("web", "capability web"),
        ]
    );
    assert_eq!(
        v["kept"],
        serde_json::json!(["alt-backend", "backend", "portal"])
    );
    let run = f.run(&[
        "stack",
        "new",
        "x.toml",
        "--name",
        "X",
        "--current",
        "backend",
    ]);
    run.code(2);
    assert!(run.stderr.contains("backend@VERSION"), "{}", run.stderr);
    f.run(&[
        "stack",
        "new",
        "x.toml",
        "--name",
        "X",
        "--current",
        "db@1.0.0",
        "--format",
        "dot",
    ])
    .code(2);
    assert!(!f.root().join("x.toml").exists());
}

#[test]
fn merge_of_small_stacks_holds_both_policies() {
    let f = fixture();
    f.repo_file(
        "stacks/a.toml",
        "[stack]\nname = \"A\"\n\n[needs]\nweb = { component = \"portal\", version = \"^2\" }\n\n[policy]\nlifecycle = [\"beta\", \"live\"]\nassurances = []\n\n[current]\nportal = \"2.0.0\"\nbackend = { version = \"2.0.0\", contract-ends = 2027-03-31 }\n",
    );
    f.repo_file(
        "stacks/b.toml",
        "[stack]\nname = \"B\"\n\n[needs]\nweb = { component = \"portal\", version = \">=2\" }\nservice = { capability = \"service\" }\n\n[policy]\nopen-source = true\nexclude-components = [\"backend\"]\n\n[current]\nportal = \"2.0.0\"\nalt-backend = \"2.0.0\"\n",
    );
    let v = f
        .run(&[
            "merge",
            "stacks/a.toml",
            "stacks/b.toml",
            "--out",
            "stacks/ab.toml",
            "--format",
            "json",
        ])
        .ok()
        .json();
    assert_eq!(v["stack"], "A and B");
    let needs: Vec<(&str, &str)> = v["needs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| (n["name"].as_str().unwrap(), n["need"].as_str().unwrap()))
        .collect();
    assert_eq!(
        needs,
        [
            ("service", "capability service"),
            ("web", "component portal ^2, >=2")
        ]
    );
    // Both meet `web` with the portal; A's closed backend is no need of its own, so it is
    // no overlap, but B's policy (open source, backend excluded) takes it out.
    assert_eq!(v["overlaps"], serde_json::json!([]));
    let plan: Vec<(&str, Option<&str>)> = v["plan"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["component"].as_str().unwrap(), r["version"].as_str()))
        .collect();
    assert!(plan.contains(&("alt-backend", Some("2.0.0"))), "{plan:?}");
    assert!(plan.contains(&("backend", None)), "{plan:?}");
    let text = std::fs::read_to_string(f.root().join("stacks/ab.toml")).unwrap();
    assert!(text.contains("\nopen-source = true "), "{text}");
    assert!(text.contains("lifecycle = [\"beta\", \"live\"]"), "{text}");
    assert!(
        text.contains("exclude-components = [\"backend\"]\n"),
        "{text}"
    );
    assert!(
        text.contains("backend = { version = \"2.0.0\", contract-ends = 2027-03-31 }"),
        "{text}"
    );
    f.run(&["resolve", "stacks/ab.toml"]).ok();
}

#[test]
fn merge_says_when_the_second_stack_names_another_registry() {
    let f = fixture();
    f.repo_file(
        "stacks/other.toml",
        "[stack]\nname = \"Other\"\nregistry = \"../../another-registry\"\n\n[needs]\nweb = { component = \"portal\" }\n",
    );
    f.repo_file(
        "stacks/same.toml",
        "[stack]\nname = \"Same\"\nregistry = \"../registry\"\n\n[needs]\nweb = { component = \"portal\" }\n",
    );
    let run = f.run(&["merge", "stacks/council.toml", "stacks/other.toml"]);
    run.ok();
    assert!(
        run.stderr.contains(
            "warning: stacks/other.toml names the registry ../../another-registry, but both stacks are resolved against the first's ("
        ),
        "{}",
        run.stderr
    );
    // One that names the registry both are read from, or none, is not worth a word.
    let run = f.run(&["merge", "stacks/same.toml", "stacks/council.toml"]);
    run.ok();
    assert!(!run.stderr.contains("names the registry"), "{}", run.stderr);
    let run = f.run(&["merge", "stacks/council.toml", "stacks/council.toml"]);
    assert!(!run.stderr.contains("names the registry"), "{}", run.stderr);
}
