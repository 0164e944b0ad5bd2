//! `resolve --format cyclonedx`: a CycloneDX 1.6 BOM of the plan, valid against the
//! official schema for every reference stack of the sample registry.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::schemas;
use crate::support::{Fixture, component, project_root, stackreg};

fn refs(list: &Value) -> BTreeSet<String> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|c| c["bom-ref"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn every_reference_stack_gives_a_valid_bom_of_its_plan() {
    let schema = schemas::cyclonedx();
    let root = project_root();
    let stacks: Vec<String> = std::fs::read_dir(root.join("registry/stacks"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .map(|p| {
            format!(
                "registry/stacks/{}",
                p.file_name().unwrap().to_string_lossy()
            )
        })
        .collect();
    assert!(stacks.len() >= 4, "{stacks:?}");
    for stack in &stacks {
        let run = stackreg(&root, &["resolve", stack, "--format", "cyclonedx"]);
        run.ok();
        let bom = run.json();
        schema.assert_valid(&bom, stack);
        assert_eq!(bom["bomFormat"], "CycloneDX");
        assert_eq!(bom["specVersion"], "1.6");
        assert!(
            bom.get("serialNumber").is_none(),
            "{stack}: no serial unless asked"
        );
        assert!(bom["metadata"].get("timestamp").is_none());

        // The same plan as `resolve --format json`: self-hosted and library releases as
        // components, saas and platform services as services.
        let plan = stackreg(&root, &["resolve", stack, "--format", "json"]).json();
        let list = stackreg(&root, &["list", "--format", "json"]).json();
        let kind_of = |id: &str| -> String {
            list.as_array()
                .unwrap()
                .iter()
                .find(|c| c["id"] == id)
                .unwrap()["kind"]
                .as_str()
                .unwrap()
                .to_owned()
        };
        let (mut want_components, mut want_services) = (BTreeSet::new(), BTreeSet::new());
        for p in plan["plan"].as_array().unwrap() {
            let id = p["component"].as_str().unwrap();
            let r = format!("{id}@{}", p["version"].as_str().unwrap());
            match kind_of(id).as_str() {
                "self-hosted" | "library" => want_components.insert(r),
                _ => want_services.insert(r),
            };
        }
        assert_eq!(refs(&bom["components"]), want_components, "{stack}");
        assert_eq!(refs(&bom["services"]), want_services, "{stack}");

        // Every planned release's `required_by` is a dependency edge the other way.
        let deps = bom["dependencies"].as_array().unwrap();
        for p in plan["plan"].as_array().unwrap() {
            let to = format!(
                "{}@{}",
                p["component"].as_str().unwrap(),
                p["version"].as_str().unwrap()
            );
            for from in p["required_by"].as_array().unwrap() {
                let entry = deps.iter().find(|d| d["ref"] == *from).unwrap();
                assert!(
                    entry["dependsOn"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .any(|d| *d == to),
                    "{stack}: {from} → {to} missing"
                );
            }
        }
        // The stack depends on what meets its needs.
        let subject = bom["metadata"]["component"]["bom-ref"].as_str().unwrap();
        assert!(subject.starts_with("stack:"));
        let top = deps.iter().find(|d| d["ref"] == subject).unwrap();
        let needed: BTreeSet<String> = plan["plan"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|p| !p["needs"].as_array().unwrap().is_empty())
            .map(|p| {
                format!(
                    "{}@{}",
                    p["component"].as_str().unwrap(),
                    p["version"].as_str().unwrap()
                )
            })
            .collect();
        let got: BTreeSet<String> = top["dependsOn"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap().to_owned())
            .collect();
        assert_eq!(got, needed, "{stack}");

        // Deterministic: the same inputs give the same bytes.
        let again = stackreg(&root, &["resolve", stack, "--format", "cyclonedx"]);
        assert_eq!(run.stdout, again.stdout, "{stack}");
    }
}

fn registry() -> Fixture {
    let f = Fixture::new();
    f.interface("notify-api", &["2.0.0"])
        .interface("sql", &["3.0.0"]);
    f.component(
        &component("portal")
            .kind("self-hosted")
            .licence("AGPL-3.0-or-later")
            .supplier("Open Councils CIC")
            .capabilities(&["cms"])
            .release("1.2.0")
            .support_ends("2028-01-31")
            .requires("notify-api", "^2")
            .depends("db", ">=15"),
    )
    .component(
        &component("db")
            .kind("self-hosted")
            .licence("PostgreSQL")
            .release("16.0.0")
            .provides("sql", "3.0.0"),
    )
    .component(
        &component("notifier")
            .kind("saas")
            .licence("LicenseRef-Proprietary")
            .supplier("Crown Messaging Ltd")
            .release("2.0.0")
            .provides("notify-api", "2.0.0"),
    )
    .component(&component("kit").kind("library").licence("MIT OR Apache-2.0").release("0.3.0"))
    .stack(
        "council",
        "[stack]\nname = \"Test council\"\n[needs]\nsite = { component = \"portal\" }\nkit = { component = \"kit\" }\n",
    );
    f.commit("registry");
    f
}

#[test]
fn components_services_and_dependencies_field_by_field() {
    let f = registry();
    let commit = crate::support::git(f.root(), &["rev-parse", "HEAD"]);
    let run = f.run(&[
        "--rev",
        "HEAD",
        "resolve",
        "registry/stacks/council.toml",
        "--format",
        "cyclonedx",
    ]);
    run.ok();
    let bom = run.json();
    let schema = schemas::cyclonedx();
    schema.assert_valid(&bom, "the BOM");
    // The check can fail: a component type the schema does not know is caught.
    let mut broken = bom.clone();
    broken["components"][0]["type"] = "council".into();
    assert!(
        schema.errors(&broken).contains("/components/0/type"),
        "{}",
        schema.errors(&broken)
    );
    let portal = &bom["components"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "portal")
        .unwrap();
    assert_eq!(portal["type"], "application");
    assert_eq!(portal["version"], "1.2.0");
    assert_eq!(portal["bom-ref"], "portal@1.2.0");
    assert_eq!(portal["supplier"]["name"], "Open Councils CIC");
    assert_eq!(
        portal["licenses"],
        serde_json::json!([{"expression": "AGPL-3.0-or-later"}])
    );
    let kinds: Vec<&str> = portal["externalReferences"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["type"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["website"]);
    assert!(
        portal["properties"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["name"] == "stackreg:support-ends" && p["value"] == "2028-01-31")
    );
    let kit = bom["components"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "kit")
        .unwrap();
    assert_eq!(kit["type"], "library");
    assert_eq!(kit["licenses"][0]["expression"], "MIT OR Apache-2.0");
    let services = bom["services"].as_array().unwrap();
    assert_eq!(services.len(), 1);
    assert_eq!(services[0]["name"], "notifier");
    assert_eq!(services[0]["provider"]["name"], "Crown Messaging Ltd");
    assert_eq!(
        services[0]["licenses"][0]["expression"],
        "LicenseRef-Proprietary"
    );
    assert!(
        services[0].get("endpoints").is_none(),
        "no endpoints are known"
    );
    let deps = bom["dependencies"].as_array().unwrap();
    let portal_deps = deps.iter().find(|d| d["ref"] == "portal@1.2.0").unwrap();
    assert_eq!(
        portal_deps["dependsOn"],
        serde_json::json!(["db@16.0.0", "notifier@2.0.0"])
    );
    let props = bom["metadata"]["properties"].as_array().unwrap();
    assert!(
        props
            .iter()
            .any(|p| p["name"] == "stackreg:registry:commit" && p["value"] == commit.trim()),
        "{props:?}"
    );
    assert_eq!(bom["metadata"]["component"]["name"], "Test council");
}

#[test]
fn a_serial_number_only_when_asked() {
    let f = registry();
    let args = [
        "resolve",
        "registry/stacks/council.toml",
        "--format",
        "cyclonedx",
        "--serial-number",
    ];
    let a = f.run(&args);
    a.ok();
    let b = f.run(&args);
    let (a, b) = (a.json(), b.json());
    let serial = a["serialNumber"].as_str().unwrap();
    assert!(
        serial.starts_with("urn:uuid:") && serial.len() == 45,
        "{serial}"
    );
    assert_eq!(&serial[23..24], "4", "a version-4 UUID: {serial}");
    assert_ne!(a["serialNumber"], b["serialNumber"]);
    schemas::cyclonedx().assert_valid(&a, "the BOM with a serial number");

    let run = f.run(&["resolve", "registry/stacks/council.toml", "--serial-number"]);
    run.code(2);
    assert_eq!(
        run.stderr,
        "error: --serial-number is for --format cyclonedx\n"
    );
}

#[test]
fn no_plan_no_bom() {
    let f = registry();
    f.stack(
        "broken",
        "[stack]\nname = \"Broken\"\n[needs]\nx = { component = \"portal\", version = \">=9\" }\n",
    );
    let run = f.run(&[
        "resolve",
        "registry/stacks/broken.toml",
        "--format",
        "cyclonedx",
    ]);
    run.code(1);
    assert_eq!(run.stdout, "");
    assert!(run.stderr.starts_with("error: "), "{}", run.stderr);
    assert!(run.stderr.contains("portal"), "{}", run.stderr);
}
