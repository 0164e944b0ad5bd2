//! The sample registry validates, lists and shows.

use crate::support::*;

#[test]
fn sample_registry_is_valid() {
    let run = stackreg(&project_root(), &["validate", "--format", "json"]);
    run.ok();
    let v = run.json();
    assert_eq!(v["valid"], true);
    assert_eq!(v["errors"].as_array().unwrap().len(), 0);
    assert!(v["checked"].as_u64().unwrap() > 40);
}

#[test]
fn list_json_has_the_documented_shape() {
    let run = stackreg(&project_root(), &["list", "--format", "json"]);
    run.ok();
    let v = run.json();
    let rows = v.as_array().unwrap();
    assert!(rows.len() >= 40);
    for row in rows {
        for key in [
            "id",
            "name",
            "supplier",
            "licence",
            "kind",
            "lifecycle",
            "capabilities",
            "latest",
            "versions",
        ] {
            assert!(row.get(key).is_some(), "missing {key} in {row}");
        }
        assert!(row["capabilities"].is_array());
        assert!(row["versions"].is_array());
    }
}

#[test]
fn fixture_registry_round_trip() {
    let f = Fixture::new();
    f.interface("notify-api", &["2.0.0"]);
    f.component(
        &component("notifier")
            .release("2.0.0")
            .provides("notify-api", "2.0.0"),
    );
    f.component(
        &component("portal")
            .release("1.0.0")
            .requires("notify-api", "^2"),
    );
    f.commit("initial");
    f.run(&["validate"]).ok();
    let v = f.run(&["list", "--format", "json"]).json();
    let ids: Vec<&str> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["notifier", "portal"]);
}

/// Files are checked one by one below 64 of them, and in parallel while the rest are
/// still read from 64 on; either way findings come in the order the files are read, so
/// the first file with an id keeps it and every later one is the duplicate. (Whether the
/// parallel checks finish out of order is up to the scheduler, so this cannot force that
/// case; the loader sorts the results by reading order rather than rely on it.)
#[test]
fn findings_follow_the_reading_order_at_any_size() {
    for files in [8, 120] {
        let f = Fixture::new();
        for n in 0..files {
            let toml = component("same").release("1.0.0").toml();
            f.file(&format!("components/c{n:03}.toml"), toml);
        }
        let run = f.run(&["--registry", "registry", "validate", "--format", "json"]);
        assert_eq!(run.code, 1, "{}", run.stderr);
        let report: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
        let duplicates: Vec<&str> = report["errors"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["code"] == "duplicate-id")
            .map(|d| d["file"].as_str().unwrap())
            .collect();
        let expected: Vec<String> = (1..files)
            .map(|n| format!("components/c{n:03}.toml"))
            .collect();
        assert_eq!(duplicates, expected, "{files} files");
    }
}
