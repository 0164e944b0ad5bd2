//! `--format csv` on every command that prints a table, read back with a CSV reader, and
//! a hostile cell defused for spreadsheets.

use crate::support::{Fixture, component};

/// A supplier name that a spreadsheet would run as a formula.
const HOSTILE: &str = r#"=HYPERLINK(\"https://evil.example\",\"x\")"#;
const HOSTILE_READ: &str = r#"=HYPERLINK("https://evil.example","x")"#;

/// The records of a CSV answer: header first.
fn records(stdout: &str) -> Vec<Vec<String>> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(stdout.as_bytes());
    let rows: Vec<Vec<String>> = reader
        .records()
        .map(|r| {
            r.unwrap_or_else(|e| panic!("not CSV ({e}):\n{stdout}"))
                .iter()
                .map(str::to_owned)
                .collect()
        })
        .collect();
    assert!(!rows.is_empty(), "no header:\n{stdout}");
    rows
}

/// The rows of a CSV answer as header → value maps, after checking the header.
fn table(stdout: &str, header: &[&str]) -> Vec<std::collections::BTreeMap<String, String>> {
    let rows = records(stdout);
    assert_eq!(rows[0], header, "{stdout}");
    rows[1..]
        .iter()
        .map(|r| {
            header
                .iter()
                .map(|h| (*h).to_owned())
                .zip(r.iter().cloned())
                .collect()
        })
        .collect()
}

fn registry() -> Fixture {
    let f = Fixture::new();
    f.interface("notify-api", &["2.0.0"]);
    f.component(
        &component("portal")
            .kind("self-hosted")
            .licence("AGPL-3.0-or-later")
            .capabilities(&["cms"])
            .release("1.0.0")
            .released("2024-01-10")
            .support_ends("2026-12-31")
            .requires("notify-api", "^2")
            .depends("db", ">=15")
            .release("1.1.0")
            .released("2025-01-10")
            .requires("notify-api", "^2")
            .depends("db", ">=16"),
    )
    .component(
        &component("db")
            .kind("self-hosted")
            .licence("PostgreSQL")
            .capabilities(&["database"])
            .release("15.0.0")
            .release("16.0.0"),
    )
    .component(
        &component("notifier")
            .licence("LicenseRef-Proprietary")
            .capabilities(&["messaging"])
            .release("2.0.0")
            .provides("notify-api", "2.0.0"),
    )
    .component(
        &component("other-notifier")
            .licence("MIT")
            .supplier(HOSTILE)
            .capabilities(&["messaging"])
            .release("2.1.0")
            .provides("notify-api", "2.0.0"),
    )
    .component(
        &component("legacy")
            .capabilities(&["archive"])
            .release("1.0.0"),
    )
    .stack(
        "council",
        "[stack]\nname = \"Council\"\n[needs]\nsite = { component = \"portal\" }\n[prefer]\ncomponents = [\"notifier\"]\n[current]\nportal = \"1.0.0\"\ndb = \"15.0.0\"\nlegacy = \"1.0.0\"\n",
    );
    f
}

#[test]
fn resolve_csv() {
    let f = registry();
    let run = f.run(&["resolve", "registry/stacks/council.toml", "--format", "csv"]);
    run.ok();
    let rows = table(
        &run.stdout,
        &[
            "needs",
            "component",
            "version",
            "current",
            "change",
            "required_by",
        ],
    );
    let row = |id: &str| rows.iter().find(|r| r["component"] == id).unwrap().clone();
    assert_eq!(rows.len(), 4, "{}", run.stdout);
    assert_eq!(row("portal")["needs"], "site");
    assert_eq!(row("portal")["version"], "1.0.0");
    assert_eq!(row("portal")["change"], "kept");
    assert_eq!(row("db")["current"], "15.0.0");
    assert_eq!(row("db")["change"], "kept");
    assert_eq!(row("db")["required_by"], "portal@1.0.0");
    assert_eq!(row("notifier")["change"], "added");
    assert_eq!(row("legacy")["change"], "removed");
    assert_eq!(row("legacy")["version"], "");
}

#[test]
fn resolve_csv_without_a_plan_prints_the_header_and_explains_on_stderr() {
    let f = registry();
    f.stack(
        "broken",
        "[stack]\nname = \"Broken\"\n[needs]\nsite = { component = \"portal\", version = \">=9\" }\n",
    );
    let run = f.run(&["resolve", "registry/stacks/broken.toml", "--format", "csv"]);
    run.code(1);
    assert_eq!(
        run.stdout,
        "needs,component,version,current,change,required_by\n"
    );
    assert!(run.stderr.starts_with("error: "), "{}", run.stderr);
}

#[test]
fn alternatives_csv_has_one_row_per_candidate_and_defuses_formulas() {
    let f = registry();
    let run = f.run(&[
        "alternatives",
        "registry/stacks/council.toml",
        "notifier",
        "--format",
        "csv",
    ]);
    run.ok();
    let rows = table(
        &run.stdout,
        &[
            "component",
            "version",
            "candidate",
            "candidate_version",
            "fit",
            "changes",
            "covers",
            "missing",
            "differences",
            "reason",
            "excluded_by",
        ],
    );
    assert_eq!(rows.len(), 1, "{}", run.stdout);
    let r = &rows[0];
    assert_eq!(r["component"], "notifier");
    assert_eq!(r["version"], "2.0.0");
    assert_eq!(r["candidate"], "other-notifier");
    assert_eq!(r["candidate_version"], "2.1.0");
    assert_eq!(r["fit"], "drop-in");
    assert_eq!(r["covers"], "notify-api");
    // The supplier sits inside the differences cell, where it cannot start a formula.
    assert!(
        r["differences"].contains(&format!("supplier {HOSTILE_READ}")),
        "{}",
        r["differences"]
    );
}

#[test]
fn alternatives_all_csv_has_one_row_per_component() {
    let f = registry();
    let run = f.run(&[
        "alternatives",
        "registry/stacks/council.toml",
        "--all",
        "--format",
        "csv",
    ]);
    run.ok();
    let rows = table(
        &run.stdout,
        &[
            "component",
            "version",
            "drop_in",
            "with_changes",
            "not_viable",
            "lock_in",
            "best_alternative",
            "best_fit",
            "hidden_by_policy",
        ],
    );
    let ids: Vec<&str> = rows.iter().map(|r| r["component"].as_str()).collect();
    assert_eq!(ids, ["db", "notifier", "portal"]);
    let notifier = &rows[1];
    assert_eq!(notifier["drop_in"], "1");
    assert_eq!(notifier["lock_in"], "false");
    assert_eq!(notifier["best_alternative"], "other-notifier");
    assert_eq!(notifier["best_fit"], "drop-in");
    assert_eq!(rows[2]["lock_in"], "true");
    assert_eq!(rows[2]["best_alternative"], "");
}

#[test]
fn outdated_csv() {
    let f = registry();
    let run = f.run(&[
        "outdated",
        "registry/stacks/council.toml",
        "--format",
        "csv",
    ]);
    run.ok();
    let rows = table(
        &run.stdout,
        &[
            "component",
            "version",
            "support",
            "support_ends",
            "newer",
            "newest",
            "newest_fit",
            "newest_needs",
        ],
    );
    let portal = rows.iter().find(|r| r["component"] == "portal").unwrap();
    assert_eq!(portal["version"], "1.0.0");
    // STACKREG_TODAY is 2026-11-26 in tests: the end of 2026 is within six months.
    assert_eq!(portal["support"], "ending");
    assert_eq!(portal["support_ends"], "2026-12-31");
    assert_eq!(portal["newer"], "1.1.0");
    assert_eq!(portal["newest_fit"], "with-changes");
    assert!(portal["newest_needs"].contains("db"), "{portal:?}");
    let db = rows.iter().find(|r| r["component"] == "db").unwrap();
    assert_eq!(db["support"], "unknown");
    assert_eq!(db["newer"], "16.0.0");
}

#[test]
fn why_csv_has_one_row_per_step() {
    let f = registry();
    let run = f.run(&[
        "why",
        "registry/stacks/council.toml",
        "db",
        "--format",
        "csv",
    ]);
    run.ok();
    let rows = table(
        &run.stdout,
        &["chain", "need", "step", "component", "version", "via"],
    );
    let got: Vec<Vec<&str>> = rows
        .iter()
        .map(|r| {
            ["chain", "need", "step", "component", "version", "via"]
                .iter()
                .map(|h| r[*h].as_str())
                .collect()
        })
        .collect();
    assert_eq!(
        got,
        [
            ["1", "site", "1", "portal", "1.0.0", ""],
            ["1", "site", "2", "db", "15.0.0", "depends >=15"],
        ]
    );
}

#[test]
fn validate_csv_has_one_row_per_finding() {
    let f = registry();
    f.file(
        "components/broken.toml",
        "id = \"broken\"\nname = \"Broken\"\n",
    );
    let run = f.run(&["validate", "--format", "csv"]);
    run.code(1);
    let rows = table(
        &run.stdout,
        &[
            "severity", "file", "line", "column", "code", "message", "hint",
        ],
    );
    assert!(!rows.is_empty(), "{}", run.stdout);
    let json = f.run(&["validate", "--format", "json"]);
    let findings = json.findings();
    assert_eq!(rows.len(), findings.len());
    for (row, finding) in rows.iter().zip(&findings) {
        assert_eq!(
            row["severity"],
            if finding.error { "error" } else { "warning" }
        );
        assert_eq!(row["file"], finding.file);
        assert_eq!(row["code"], finding.code);
        assert_eq!(row["message"], finding.message);
        assert_eq!(
            row["line"],
            finding.line.map(|l| l.to_string()).unwrap_or_default()
        );
    }
    assert!(rows.iter().any(|r| r["file"] == "components/broken.toml"));

    let clean = registry();
    let run = clean.run(&["validate", "--format", "csv"]);
    run.ok();
    assert_eq!(run.stdout, "severity,file,line,column,code,message,hint\n");
}

#[test]
fn list_and_interfaces_csv_read_back_and_defuse() {
    let f = registry();
    let run = f.run(&["list", "--format", "csv"]);
    run.ok();
    let rows = table(
        &run.stdout,
        &[
            "id",
            "name",
            "supplier",
            "licence",
            "open_source",
            "kind",
            "lifecycle",
            "capabilities",
            "latest",
            "versions",
        ],
    );
    let other = rows.iter().find(|r| r["id"] == "other-notifier").unwrap();
    assert_eq!(other["supplier"], format!("'{HOSTILE_READ}"));
    let portal = rows.iter().find(|r| r["id"] == "portal").unwrap();
    assert_eq!(portal["versions"], "1.0.0 1.1.0");
    assert_eq!(portal["open_source"], "true");

    let run = f.run(&["interfaces", "--format", "csv"]);
    run.ok();
    let rows = table(
        &run.stdout,
        &["id", "name", "owner", "versions", "providers", "consumers"],
    );
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["providers"], "notifier other-notifier");
    assert_eq!(rows[0]["consumers"], "portal");
}

#[test]
fn no_cell_of_any_csv_answer_starts_a_formula() {
    let f = registry();
    let stack = "registry/stacks/council.toml";
    for args in [
        &["list"][..],
        &["interfaces"],
        &["validate"],
        &["resolve", stack],
        &["alternatives", stack, "notifier"],
        &["alternatives", stack, "--all"],
        &["outdated", stack],
        &["why", stack, "db"],
    ] {
        let mut args = args.to_vec();
        args.extend(["--format", "csv"]);
        let run = f.run(&args);
        run.ok();
        for record in records(&run.stdout) {
            for cell in record {
                assert!(
                    !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
                    "{args:?}: {cell:?}"
                );
            }
        }
    }
}

#[test]
fn registry_log_and_diff_csv_have_one_row_per_change() {
    let f = registry();
    f.commit("first");
    f.edit("components/portal.toml", "2025-01-10", "2025-02-10");
    f.component(&component("forms").capabilities(&["forms"]).release("1.0.0"));
    f.commit("=SUM(A1) moves a date");

    let header = ["breaking", "change", "item", "details"];
    let run = f.run(&["registry", "diff", "HEAD~1", "--format", "csv"]);
    run.ok();
    let rows = table(&run.stdout, &header);
    let shape: Vec<(&str, &str, &str)> = rows
        .iter()
        .map(|r| {
            (
                r["breaking"].as_str(),
                r["change"].as_str(),
                r["item"].as_str(),
            )
        })
        .collect();
    assert_eq!(
        shape,
        [
            ("", "component added", "forms 1.0.0"),
            ("yes", "release changed", "portal 1.1.0"),
        ],
        "{}",
        run.stdout
    );
    assert_eq!(rows[1]["details"], "released: 2025-01-10 → 2025-02-10");

    let run = f.run(&["registry", "log", "--format", "csv"]);
    run.ok();
    let rows = table(
        &run.stdout,
        &[
            "commit", "date", "author", "message", "breaking", "change", "item", "details",
        ],
    );
    // The newest commit first, a row per change; its message would be a formula.
    assert_eq!(rows.len(), 3, "{}", run.stdout);
    assert_eq!(rows[0]["message"], "'=SUM(A1) moves a date");
    assert_eq!(rows[0]["commit"].len(), 40);
    assert_eq!(rows[0]["commit"], rows[1]["commit"]);
    assert_eq!(rows[1]["breaking"], "yes");
    assert!(
        rows[2..]
            .iter()
            .all(|r| r["message"] == "first" && r["breaking"].is_empty()),
        "{}",
        run.stdout
    );
}
