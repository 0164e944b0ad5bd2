//! What `list`, `show`, `interfaces` and `validate` print, in every format, and the exit
//! codes of SPEC §6. Human output is compared with inline text on a small registry; JSON is
//! compared as parsed JSON.

use serde_json::{Value, json};

use crate::support::*;

/// Three components and one interface:
///
/// - `notifier`: proprietary SaaS, live, provides `notify-api` 1.0.0 and 2.0.0;
/// - `portal`: open-source, self-hosted, beta, requires `notify-api` ^2;
/// - `archive`: open-source library, deprecated, no interfaces.
fn registry() -> Fixture {
    let f = Fixture::new();
    f.file(
        "interfaces/notify-api.toml",
        r#"id = "notify-api"
name = "Notify API"
summary = "Send emails and text messages"
owner = "GDS"
specification = "https://example.com/notify"
versions = ["1.0.0", "2.0.0"]
"#,
    );
    f.file(
        "components/notifier.toml",
        r#"id = "notifier"
name = "Notifier"
summary = "Sends emails and texts"
supplier = "Crown Messaging Ltd"
licence = "LicenseRef-Proprietary"
kind = "saas"
capabilities = ["messaging"]
lifecycle = "live"
homepage = "https://example.com/notifier"

[[release]]
version = "1.0.0"
released = 2023-01-01
provides = { notify-api = "1.0.0" }

[[release]]
version = "2.0.0"
released = 2024-01-01
support-ends = 2027-01-01
provides = { notify-api = "2.0.0" }
"#,
    );
    f.file(
        "components/portal.toml",
        r#"id = "portal"
name = "Resident Portal"
summary = "Self-service forms for residents"
supplier = "Open Councils CIC"
licence = "AGPL-3.0-or-later"
kind = "self-hosted"
capabilities = ["forms", "cms"]
lifecycle = "beta"
assurances = ["wcag-2.2-aa"]
homepage = "https://example.com/portal"
repository = "https://example.com/portal.git"

[[release]]
version = "1.0.0"
released = 2024-03-01
requires = { notify-api = "^2" }

[[release]]
version = "1.1.0"
released = 2024-06-01
requires = { notify-api = "^2" }
yanked = "broke uploads"
"#,
    );
    f.file(
        "components/archive.toml",
        r#"id = "archive"
name = "Records Archive"
summary = "Long-term storage of council records"
supplier = "Paper Trail Ltd"
licence = "MIT"
kind = "library"
capabilities = ["records"]
lifecycle = "deprecated"
homepage = "https://example.com/archive"

[[release]]
version = "0.9.0"
released = 2020-05-01
"#,
    );
    f.commit("registry");
    f
}

fn ids(v: &Value) -> Vec<&str> {
    v.as_array()
        .unwrap_or_else(|| panic!("not an array: {v}"))
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect()
}

#[test]
fn list_table() {
    let f = registry();
    let run = f.run(&["list"]);
    run.ok();
    assert_eq!(
        run.stdout,
        "\
COMPONENT  LATEST  LIFECYCLE   KIND         LICENCE            CAPABILITIES
archive    0.9.0   deprecated  library      MIT                records
notifier   2.0.0   live        saas         Proprietary        messaging
portal     1.0.0   beta        self-hosted  AGPL-3.0-or-later  cms, forms
"
    );
    assert_eq!(run.stderr, "");
}

#[test]
fn list_json() {
    let f = registry();
    let run = f.run(&["list", "--format", "json"]);
    run.ok();
    let v = run.json();
    assert_eq!(ids(&v), ["archive", "notifier", "portal"]);
    assert_eq!(
        v[2],
        json!({
            "id": "portal",
            "name": "Resident Portal",
            "summary": "Self-service forms for residents",
            "supplier": "Open Councils CIC",
            "licence": "AGPL-3.0-or-later",
            "open_source": true,
            "kind": "self-hosted",
            "lifecycle": "beta",
            "capabilities": ["cms", "forms"],
            "latest": "1.0.0",
            "versions": ["1.0.0", "1.1.0"],
        })
    );
    assert_eq!(v[1]["latest"], "2.0.0");
    assert_eq!(v[1]["open_source"], false);
}

#[test]
fn list_markdown() {
    let f = registry();
    let run = f.run(&["list", "--format", "markdown"]);
    run.ok();
    assert_eq!(
        run.stdout,
        "\
| component | name | supplier | latest | lifecycle | kind | licence | capabilities |
|---|---|---|---|---|---|---|---|
| archive | Records Archive | Paper Trail Ltd | 0.9.0 | deprecated | library | MIT | records |
| notifier | Notifier | Crown Messaging Ltd | 2.0.0 | live | saas | LicenseRef-Proprietary | messaging |
| portal | Resident Portal | Open Councils CIC | 1.0.0 | beta | self-hosted | AGPL-3.0-or-later | cms, forms |
"
    );
}

#[test]
fn list_csv() {
    let f = registry();
    let run = f.run(&["list", "--format", "csv"]);
    run.ok();
    assert_eq!(
        run.stdout,
        "\
id,name,supplier,licence,open_source,kind,lifecycle,capabilities,latest,versions
archive,Records Archive,Paper Trail Ltd,MIT,true,library,deprecated,records,0.9.0,0.9.0
notifier,Notifier,Crown Messaging Ltd,LicenseRef-Proprietary,false,saas,live,messaging,2.0.0,1.0.0 2.0.0
portal,Resident Portal,Open Councils CIC,AGPL-3.0-or-later,true,self-hosted,beta,cms forms,1.0.0,1.0.0 1.1.0
"
    );
}

#[test]
fn list_table_is_the_default_and_explicit() {
    let f = registry();
    let default = f.run(&["list"]);
    let table = f.run(&["list", "--format", "table"]);
    table.ok();
    assert_eq!(default.stdout, table.stdout);
}

#[test]
fn list_filters() {
    let f = registry();
    let cases: &[(&[&str], &[&str])] = &[
        (&["--capability", "cms"], &["portal"]),
        (
            &["--capability", "cms", "--capability", "records"],
            &["archive", "portal"],
        ),
        (&["--interface", "notify-api"], &["notifier"]),
        (&["--supplier", "open councils"], &["portal"]),
        (&["--supplier", "LTD"], &["archive", "notifier"]),
        (&["--lifecycle", "deprecated"], &["archive"]),
        (
            &["--lifecycle", "live", "--lifecycle", "beta"],
            &["notifier", "portal"],
        ),
        (&["--kind", "saas"], &["notifier"]),
        (&["--kind", "library"], &["archive"]),
        (&["--open-source"], &["archive", "portal"]),
        (&["--open-source", "--kind", "library"], &["archive"]),
        (&["--open-source", "--kind", "saas"], &[]),
        // QUERY looks in ids, names, summaries, suppliers and capabilities.
        (&["texts"], &["notifier"]),
        (&["RECORDS"], &["archive"]),
        (&["crown"], &["notifier"]),
        (&["forms"], &["portal"]),
        (&["nothing-like-this"], &[]),
        (&["council", "--lifecycle", "beta"], &["portal"]),
    ];
    for (args, want) in cases {
        let mut full = vec!["list", "--format", "json"];
        full.extend_from_slice(args);
        let run = f.run(&full);
        run.ok();
        assert_eq!(ids(&run.json()), *want, "list {args:?}");
    }
}

#[test]
fn list_with_no_match_says_so() {
    let f = registry();
    let run = f.run(&["list", "--kind", "platform-service"]);
    run.ok();
    assert_eq!(run.stdout, "no components match\n");
}

#[test]
fn list_refuses_an_unknown_lifecycle_or_kind() {
    let f = registry();
    let run = f.run(&["list", "--lifecycle", "ancient"]);
    run.code(2);
    assert!(run.stderr.contains("ancient"), "{}", run.stderr);
    f.run(&["list", "--kind", "cloud"]).code(2);
}

#[test]
fn show_component_table() {
    let f = registry();
    let run = f.run(&["show", "portal"]);
    run.ok();
    assert_eq!(
        run.stdout,
        "\
portal — Resident Portal
Self-service forms for residents

  supplier      Open Councils CIC
  licence       AGPL-3.0-or-later (open source)
  kind          self-hosted
  lifecycle     beta
  capabilities  cms, forms
  assurances    wcag-2.2-aa
  homepage      https://example.com/portal
  repository    https://example.com/portal.git

VERSION  RELEASED    SUPPORT ENDS  PROVIDES  REQUIRES       DEPENDS  NOTE
1.1.0    2024-06-01  -             -         notify-api ^2  -        yanked: broke uploads
1.0.0    2024-03-01  -             -         notify-api ^2  -

who provides what 1.0.0 requires:
INTERFACE   RANGE  PROVIDERS
notify-api  ^2     notifier 2.0.0
"
    );
}

#[test]
fn show_component_json() {
    let f = registry();
    let run = f.run(&["show", "notifier", "--format", "json"]);
    run.ok();
    assert_eq!(
        run.json(),
        json!({
            "id": "notifier",
            "name": "Notifier",
            "summary": "Sends emails and texts",
            "supplier": "Crown Messaging Ltd",
            "licence": "LicenseRef-Proprietary",
            "open_source": false,
            "kind": "saas",
            "lifecycle": "live",
            "capabilities": ["messaging"],
            "assurances": [],
            "homepage": "https://example.com/notifier",
            "repository": null,
            "releases": [
                {
                    "version": "2.0.0",
                    "released": "2024-01-01",
                    "support_ends": "2027-01-01",
                    "yanked": null,
                    "provides": {"notify-api": "2.0.0"},
                    "requires": {},
                    "depends": {},
                    "conflicts": {},
                },
                {
                    "version": "1.0.0",
                    "released": "2023-01-01",
                    "support_ends": null,
                    "yanked": null,
                    "provides": {"notify-api": "1.0.0"},
                    "requires": {},
                    "depends": {},
                    "conflicts": {},
                },
            ],
            "requires": [],
        })
    );
}

#[test]
fn show_one_release() {
    let f = registry();
    let run = f.run(&["show", "notifier@1.0.0"]);
    run.ok();
    assert_eq!(
        run.stdout,
        "\
notifier — Notifier
Sends emails and texts

  supplier      Crown Messaging Ltd
  licence       LicenseRef-Proprietary (closed)
  kind          saas
  lifecycle     live
  capabilities  messaging
  homepage      https://example.com/notifier

VERSION  RELEASED    SUPPORT ENDS  PROVIDES          REQUIRES  DEPENDS  NOTE
1.0.0    2023-01-01  -             notify-api 1.0.0  -         -
"
    );

    let v = f.run(&["show", "portal@1.1.0", "--format", "json"]).json();
    let versions: Vec<&str> = v["releases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["version"].as_str().unwrap())
        .collect();
    assert_eq!(versions, ["1.1.0"]);
    assert_eq!(v["releases"][0]["yanked"], "broke uploads");
    assert_eq!(
        v["requires"],
        json!([{
            "release": "1.1.0",
            "interface": "notify-api",
            "range": "^2",
            "providers": [{"component": "notifier", "versions": ["2.0.0"]}],
        }])
    );
}

#[test]
fn show_markdown() {
    let f = registry();
    let run = f.run(&["show", "archive", "--format", "markdown"]);
    run.ok();
    assert_eq!(
        run.stdout,
        "\
### archive — Records Archive

Long-term storage of council records

| field | value |
|---|---|
| supplier | Paper Trail Ltd |
| licence | MIT (open source) |
| kind | library |
| lifecycle | deprecated |
| capabilities | records |
| homepage | https://example.com/archive |

#### Releases

| version | released | support ends | provides | requires | depends | note |
|---|---|---|---|---|---|---|
| 0.9.0 | 2020-05-01 | - | - | - | - |  |
"
    );
}

#[test]
fn show_interface() {
    let f = registry();
    let run = f.run(&["show", "--interface", "notify-api"]);
    run.ok();
    assert_eq!(
        run.stdout,
        "\
notify-api — Notify API
Send emails and text messages

  owner          GDS
  specification  https://example.com/notify

VERSION  PROVIDED BY     USED BY
2.0.0    notifier 2.0.0  portal 1.0.0, 1.1.0 (^2)
1.0.0    notifier 1.0.0  -
"
    );

    let run = f.run(&["show", "--interface", "notify-api", "--format", "json"]);
    run.ok();
    assert_eq!(
        run.json(),
        json!({
            "id": "notify-api",
            "name": "Notify API",
            "summary": "Send emails and text messages",
            "owner": "GDS",
            "specification": "https://example.com/notify",
            "versions": [
                {
                    "version": "2.0.0",
                    "providers": ["notifier@2.0.0"],
                    "consumers": ["portal@1.0.0 (^2)", "portal@1.1.0 (^2)"],
                },
                {"version": "1.0.0", "providers": ["notifier@1.0.0"], "consumers": []},
            ],
            "unmet": [],
        })
    );
}

#[test]
fn interfaces_in_every_format() {
    let f = registry();
    let run = f.run(&["interfaces"]);
    run.ok();
    assert_eq!(
        run.stdout,
        "\
INTERFACE   NAME        VERSIONS      PROVIDERS  USED BY
notify-api  Notify API  1.0.0, 2.0.0  notifier   1
"
    );
    let run = f.run(&["interfaces", "--format", "json"]);
    run.ok();
    assert_eq!(
        run.json(),
        json!([{
            "id": "notify-api",
            "name": "Notify API",
            "owner": "GDS",
            "versions": ["1.0.0", "2.0.0"],
            "providers": ["notifier"],
            "consumers": ["portal"],
        }])
    );
    let run = f.run(&["interfaces", "--format", "markdown"]);
    run.ok();
    assert!(run.stdout.starts_with("| "), "{}", run.stdout);
    assert!(run.stdout.contains("notify-api"), "{}", run.stdout);
    let run = f.run(&["interfaces", "--format", "csv"]);
    run.ok();
    assert!(run.stdout.contains("notify-api"), "{}", run.stdout);
}

#[test]
fn unknown_component_exits_2_with_a_hint() {
    let f = registry();
    let run = f.run(&["show", "notifer"]);
    run.code(2);
    assert_eq!(run.stdout, "");
    assert!(
        run.stderr
            .starts_with("error: no component `notifer` in the registry\n"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("hint: did you mean `notifier`?"),
        "{}",
        run.stderr
    );

    let run = f.run(&["show", "zzzzzz"]);
    run.code(2);
    assert!(
        run.stderr
            .contains("hint: `stackreg list` shows every component"),
        "{}",
        run.stderr
    );
}

#[test]
fn show_errors_exit_2() {
    let f = registry();
    for (args, says) in [
        (
            &["show", "notifier@9.9.9"][..],
            "notifier has no release 9.9.9",
        ),
        (&["show", "notifier@latest"], "`latest` is not a version"),
        (
            &["show", "notify-api"],
            "use `stackreg show --interface notify-api`",
        ),
        (
            &["show", "--interface", "notifyapi"],
            "did you mean `notify-api`?",
        ),
        (&["show"], "ID[@VERSION]"),
    ] {
        let run = f.run(args);
        run.code(2);
        assert_eq!(run.stdout, "", "{args:?}");
        assert!(run.stderr.contains(says), "{args:?}: {}", run.stderr);
    }
}

#[test]
fn a_format_a_command_does_not_have_exits_2() {
    let f = registry();
    for args in [
        &["list", "--format", "github"][..],
        &["list", "--format", "dot"],
        &["show", "portal", "--format", "csv"],
        &["interfaces", "--format", "mermaid"],
        &["validate", "--format", "dot"],
        &["resolve", "stacks/x.toml", "--format", "github"],
    ] {
        let run = f.run(args);
        run.code(2);
        assert_eq!(run.stdout, "", "{args:?}");
        assert!(
            run.stderr.starts_with("error: --format "),
            "{args:?}: {}",
            run.stderr
        );
        assert!(run.stderr.contains("is not available"), "{}", run.stderr);
    }
    // Not a format at all: refused by the argument parser.
    let run = f.run(&["list", "--format", "xml"]);
    run.code(2);
    assert!(run.stderr.contains("xml"), "{}", run.stderr);
}

#[test]
fn malformed_arguments_exit_2() {
    let f = registry();
    for args in [
        &["list", "--no-such-flag"][..],
        &["no-such-command"],
        &["--color", "sometimes", "list"],
        &[],
    ] {
        let run = f.run(args);
        run.code(2);
        assert_eq!(run.stdout, "", "{args:?}");
    }
    let run = f.run(&["--help"]);
    run.ok();
    assert!(run.stdout.contains("Exit codes"), "{}", run.stdout);
}

#[test]
fn an_unknown_registry_path_exits_2() {
    let f = registry();
    let run = f.run(&["--registry", "no/such/folder", "list"]);
    run.code(2);
    assert!(
        run.stderr.contains("no/such/folder") && run.stderr.starts_with("error: "),
        "{}",
        run.stderr
    );
    // A folder that exists but is not a registry.
    let run = f.run(&["--registry", ".", "list"]);
    run.code(2);
    assert!(run.stderr.contains("registry.toml"), "{}", run.stderr);
}

#[test]
fn validate_exit_codes() {
    let f = registry();
    let run = f.run(&["validate"]);
    run.ok();
    assert_eq!(run.stdout, "valid: checked 5 files, 0 errors, 0 warnings\n");
    f.edit("components/archive.toml", "\"MIT\"", "\"MIT-ish\"");
    f.run(&["validate"]).code(1);
    f.run(&["validate", "--format", "json"]).code(1);
    // Other commands still answer from what could be read, with a warning.
    let run = f.run(&["list", "--format", "json"]);
    run.ok();
    assert_eq!(ids(&run.json()), ["notifier", "portal"]);
    assert!(run.stderr.contains("warning: "), "{}", run.stderr);
}

/// A registry with one error and one warning, for the validate formats.
fn registry_with_findings() -> Fixture {
    let f = registry();
    f.edit(
        "components/archive.toml",
        "homepage = \"https://example.com/archive\"",
        "homepage = \"http://example.com/archive\"",
    );
    f.file(
        "components/draft.toml",
        component("draft").toml().replace("MIT", "Apache-2.0"),
    );
    f
}

#[test]
fn validate_json() {
    let f = registry_with_findings();
    let run = f.run(&["validate", "--format", "json"]);
    run.code(1);
    assert_eq!(
        run.json(),
        json!({
            "valid": false,
            "checked": 6,
            "errors": [{
                "file": "components/archive.toml",
                "line": 9,
                "column": 12,
                "code": "insecure-url",
                "message": "`http://example.com/archive` is not an https URL",
                "hint": "use https://example.com/archive",
            }],
            "warnings": [{
                "file": "components/draft.toml",
                "line": null,
                "column": null,
                "code": "no-releases",
                "message": "component has no [[release]] tables",
                "hint": "a component without releases can never be part of a plan",
            }],
        })
    );
}

#[test]
fn validate_human() {
    let f = registry_with_findings();
    let run = f.run(&["validate"]);
    run.code(1);
    assert_eq!(
        run.stdout,
        "\
error[insecure-url]: `http://example.com/archive` is not an https URL
 --> components/archive.toml:9:12
  |
9 | homepage = \"http://example.com/archive\"
  |            ^^^^^^^^^^^^^^^^^^^^^^^^^^^^
  |
help: use https://example.com/archive

warning[no-releases]: component has no [[release]] tables
  |
  = note: in components/draft.toml
help: a component without releases can never be part of a plan

invalid: checked 6 files, 1 error, 1 warning
"
    );
}

#[test]
fn validate_github_annotations_use_repository_paths() {
    let f = registry_with_findings();
    let run = f.run(&["validate", "--format", "github"]);
    run.code(1);
    assert_eq!(
        run.stdout,
        "\
::error file=registry/components/archive.toml,line=9,col=12,title=insecure-url::`http://example.com/archive` is not an https URL%0Ahint: use https://example.com/archive
::warning file=registry/components/draft.toml,title=no-releases::component has no [[release]] tables%0Ahint: a component without releases can never be part of a plan
invalid: checked 6 files, 1 error, 1 warning
"
    );
    // The same from a sub-directory, and with the registry given by path.
    std::fs::create_dir_all(f.root().join("docs")).unwrap();
    let from_sub = stackreg(&f.root().join("docs"), &["validate", "--format", "github"]);
    assert_eq!(from_sub.stdout, run.stdout);
    let by_path = stackreg(
        &f.root().join("docs"),
        &[
            "--registry",
            "../registry",
            "validate",
            "--format",
            "github",
        ],
    );
    assert_eq!(by_path.stdout, run.stdout);
}

/// A registry that is the whole repository has no folder to prefix.
#[test]
fn validate_github_annotations_for_a_registry_at_the_repository_root() {
    let f = Fixture::new();
    f.component(&component("a").release("1.0.0").licence("MIT-ish"));
    f.commit("registry");
    let root = f.registry();
    git(&root, &["init", "-q"]);
    let run = stackreg(
        &root.join("components"),
        &["--registry", "..", "validate", "--format", "github"],
    );
    run.code(1);
    assert!(
        run.stdout
            .starts_with("::error file=components/a.toml,line=5,col=11,title=invalid-licence::"),
        "{}",
        run.stdout
    );
}

#[test]
fn validate_markdown() {
    let f = registry_with_findings();
    let run = f.run(&["validate", "--format", "markdown"]);
    run.code(1);
    assert_eq!(
        run.stdout,
        "\
**invalid: checked 6 files, 1 error, 1 warning**

|  | file | code | message |
|---|---|---|---|
| error | components/archive.toml:9:12 | insecure-url | \\`http://example.com/archive\\` is not an https URL (hint: use https://example.com/archive) |
| warning | components/draft.toml | no-releases | component has no \\[\\[release\\]\\] tables (hint: a component without releases can never be part of a plan) |
"
    );
}

#[test]
fn a_closed_pipe_ends_quietly() {
    for args in [
        &["list"][..],
        &["list", "--format", "json"],
        // JSON written as it is made, into a pipe already closed.
        &[
            "alternatives",
            "registry/stacks/county-council.toml",
            "--all",
            "--format",
            "json",
        ],
        &["show", "fixmystreet"],
        &["validate"],
    ] {
        let run = stackreg_closed_stdout(&project_root(), args);
        assert_eq!(run.code, 0, "{args:?}: {}", run.stderr);
        assert!(!run.stderr.contains("panicked"), "{args:?}: {}", run.stderr);
        assert_eq!(run.stderr, "", "{args:?}");
    }
}

#[test]
fn a_closed_pipe_keeps_a_negative_answer() {
    // `stackreg validate | head` in CI with pipefail must still fail on invalid manifests.
    let f = Fixture::new();
    f.file("components/bad.toml", "id = \"bad\"\n");
    f.commit("bad");
    let run = stackreg_closed_stdout(f.root(), &["validate"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
}

#[test]
fn help_lists_the_formats_each_command_takes() {
    let f = registry();
    for (args, says) in [
        (
            &["resolve", "--help"][..],
            "--format <FMT>            Output format: table (default), json, markdown, csv, cyclonedx",
        ),
        (
            &["validate", "--help"],
            "Output format: table (default), json, github, markdown, csv",
        ),
        (
            &["alternatives", "--help"],
            "Output format: table (default), json, markdown, csv",
        ),
        (
            &["graph", "--help"],
            "Output format: table (default), dot, mermaid, json",
        ),
        (
            &["registry", "log", "--help"],
            "Output format: table (default), json, markdown",
        ),
        (
            &["import", "publiccode", "--help"],
            "Prints TOML component manifests; it takes no --format.",
        ),
        (
            &["export", "backstage", "--help"],
            "Prints YAML; it takes no --format.",
        ),
    ] {
        let run = f.run(args);
        run.ok();
        assert!(run.stdout.contains(says), "{args:?}:\n{}", run.stdout);
    }
}
