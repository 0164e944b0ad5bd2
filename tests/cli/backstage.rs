//! `export backstage [STACK]`: catalogue entities valid against the entity schemas that
//! Backstage's catalog model publishes, with the plan's relations on each component.

use serde_json::Value;

use crate::schemas;
use crate::support::{project_root, stackreg};

/// The entities of a multi-document YAML answer.
fn entities(stdout: &str) -> Vec<Value> {
    let docs: Vec<Value> =
        serde_saphyr::from_multiple(stdout).unwrap_or_else(|e| panic!("not YAML ({e}):\n{stdout}"));
    assert!(!docs.is_empty(), "no entities:\n{stdout}");
    docs
}

/// Backstage checks names, tags and annotation keys in code rather than in its schemas
/// (`KubernetesValidatorFunctions` and `DefaultNamespaceValidators` in the catalog model):
/// a name is 1 to 63 of `[A-Za-z0-9]` joined by `-`, `_` or `.`; a tag 1 to 63 of
/// `[a-z0-9:+#]` joined by single `-`; an annotation key an optional DNS-style prefix and
/// `/`, then a name.
fn names_follow_backstage_rules(e: &Value) -> Result<(), String> {
    fn is_name(s: &str) -> bool {
        let ok_char = |c: char| c.is_ascii_alphanumeric() || "-_.".contains(c);
        !s.is_empty()
            && s.len() <= 63
            && s.chars().all(ok_char)
            && s.starts_with(|c: char| c.is_ascii_alphanumeric())
            && s.ends_with(|c: char| c.is_ascii_alphanumeric())
    }
    fn is_tag(s: &str) -> bool {
        !s.is_empty()
            && s.len() <= 63
            && s.split('-').all(|part| {
                !part.is_empty()
                    && part
                        .chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || ":+#".contains(c))
            })
    }
    fn is_key(s: &str) -> bool {
        match s.split_once('/') {
            Some((prefix, name)) => {
                !prefix.is_empty()
                    && prefix.len() <= 253
                    && prefix.split('.').all(|l| {
                        !l.is_empty()
                            && l.chars()
                                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
                    })
                    && is_name(name)
            }
            None => is_name(s),
        }
    }
    let name = e["metadata"]["name"].as_str().unwrap_or_default();
    if !is_name(name) {
        return Err(format!("name {name:?}"));
    }
    for tag in e["metadata"]["tags"].as_array().into_iter().flatten() {
        if !is_tag(tag.as_str().unwrap_or_default()) {
            return Err(format!("tag {tag}"));
        }
    }
    for key in e["metadata"]["annotations"]
        .as_object()
        .into_iter()
        .flatten()
        .map(|(k, _)| k)
    {
        if !is_key(key) {
            return Err(format!("annotation key {key:?}"));
        }
    }
    for key in ["owner", "system"] {
        if let Some(r) = e["spec"][key].as_str() {
            let target = r.rsplit(':').next().unwrap_or_default();
            if !is_name(target) {
                return Err(format!("{key} {r:?}"));
            }
        }
    }
    for key in ["providesApis", "consumesApis", "dependsOn"] {
        for r in e["spec"][key].as_array().into_iter().flatten() {
            let target = r
                .as_str()
                .unwrap_or_default()
                .rsplit(':')
                .next()
                .unwrap_or_default();
            if !is_name(target) {
                return Err(format!("{key} {r}"));
            }
        }
    }
    Ok(())
}

fn check_all(docs: &[Value]) {
    let kinds = ["Component", "API", "System", "Group"].map(|k| (k, schemas::backstage(k)));
    for e in docs {
        let kind = e["kind"].as_str().unwrap();
        let (_, schema) = kinds
            .iter()
            .find(|(k, _)| *k == kind)
            .unwrap_or_else(|| panic!("unexpected kind {kind}"));
        schema.assert_valid(e, &format!("{kind} {}", e["metadata"]["name"]));
        if let Err(what) = names_follow_backstage_rules(e) {
            panic!(
                "{kind} {}: {what} breaks Backstage's naming rules",
                e["metadata"]["name"]
            );
        }
    }
}

fn named<'a>(docs: &'a [Value], kind: &str, name: &str) -> &'a Value {
    docs.iter()
        .find(|e| e["kind"] == kind && e["metadata"]["name"] == name)
        .unwrap_or_else(|| panic!("no {kind} {name}"))
}

#[test]
fn the_whole_registry_is_valid_backstage() {
    let root = project_root();
    let run = stackreg(&root, &["export", "backstage"]);
    run.ok();
    let docs = entities(&run.stdout);
    check_all(&docs);
    let list = stackreg(&root, &["list", "--format", "json"]).json();
    let components = docs.iter().filter(|e| e["kind"] == "Component").count();
    assert_eq!(components, list.as_array().unwrap().len());
    let fms = named(&docs, "Component", "fixmystreet");
    assert_eq!(fms["metadata"]["title"], "FixMyStreet Platform");
    assert_eq!(fms["spec"]["type"], "service");
    assert_eq!(fms["spec"]["lifecycle"], "production");
    assert_eq!(fms["spec"]["owner"], "group:mysociety");
    assert_eq!(
        fms["spec"]["consumesApis"],
        serde_json::json!(["api:open311-georeport", "api:postgresql-wire"])
    );
    assert_eq!(fms["spec"].get("providesApis"), None);
    assert_eq!(
        fms["metadata"]["annotations"]["stackreg/licence"],
        "AGPL-3.0-or-later"
    );
    // A component that depends on another names it.
    let app = named(&docs, "Component", "lanternfish-resident-app");
    assert_eq!(
        app["spec"]["dependsOn"],
        serde_json::json!(["component:lanternfish-sites"])
    );
    let group = named(&docs, "Group", "mysociety");
    assert_eq!(group["metadata"]["title"], "mySociety");
    let api = named(&docs, "API", "open311-georeport");
    assert_eq!(api["spec"]["type"], "standard");
    let spec_url = api["metadata"]["links"][0]["url"].as_str().unwrap();
    assert!(spec_url.starts_with("https://"), "{spec_url}");
    assert!(
        api["spec"]["definition"]
            .as_str()
            .unwrap()
            .contains(spec_url)
    );
    // Kinds map as documented: a CMS is a website, a hosted service a service.
    assert_eq!(
        named(&docs, "Component", "localgov-drupal")["spec"]["type"],
        "website"
    );
    assert_eq!(
        named(&docs, "Component", "govuk-pay")["spec"]["type"],
        "service"
    );
}

#[test]
fn every_reference_stack_is_a_valid_system_of_its_plan() {
    let root = project_root();
    for stack in [
        "registry/stacks/district-council.toml",
        "registry/stacks/county-council.toml",
        "registry/stacks/unitary-council.toml",
        "registry/stacks/open-source-council.toml",
    ] {
        let run = stackreg(&root, &["export", "backstage", stack]);
        run.ok();
        let docs = entities(&run.stdout);
        check_all(&docs);
        let plan = stackreg(&root, &["resolve", stack, "--format", "json"]).json();
        let systems: Vec<&Value> = docs.iter().filter(|e| e["kind"] == "System").collect();
        assert_eq!(systems.len(), 1, "{stack}");
        let system = systems[0]["metadata"]["name"].as_str().unwrap();
        let planned: Vec<&Value> = plan["plan"].as_array().unwrap().iter().collect();
        let components: Vec<&Value> = docs.iter().filter(|e| e["kind"] == "Component").collect();
        assert_eq!(components.len(), planned.len(), "{stack}");
        for p in &planned {
            let id = p["component"].as_str().unwrap();
            let c = named(&docs, "Component", id);
            assert_eq!(c["spec"]["system"], system, "{stack} {id}");
            assert_eq!(
                c["metadata"]["annotations"]["stackreg/version"],
                p["version"]
            );
            // Whatever requires it in the plan depends on it in Backstage.
            for by in p["required_by"].as_array().unwrap() {
                let from = by.as_str().unwrap().split('@').next().unwrap();
                let deps = named(&docs, "Component", from)["spec"]["dependsOn"].clone();
                assert!(
                    deps.as_array()
                        .unwrap()
                        .iter()
                        .any(|d| *d == format!("component:{id}")),
                    "{stack}: {from} → {id} in {deps}"
                );
            }
        }
        // Every API a planned component provides or consumes is there.
        for c in &components {
            for key in ["providesApis", "consumesApis"] {
                for api in c["spec"][key].as_array().into_iter().flatten() {
                    let name = api.as_str().unwrap().trim_start_matches("api:");
                    named(&docs, "API", name);
                }
            }
        }
    }
}

#[test]
fn the_schemas_catch_a_broken_entity() {
    let root = project_root();
    let run = stackreg(&root, &["export", "backstage"]);
    let docs = entities(&run.stdout);
    let schema = schemas::backstage("Component");
    let mut broken = named(&docs, "Component", "fixmystreet").clone();
    broken["spec"].as_object_mut().unwrap().remove("owner");
    assert!(
        schema.errors(&broken).contains("owner"),
        "{}",
        schema.errors(&broken)
    );
    let mut bad_name = named(&docs, "Component", "fixmystreet").clone();
    bad_name["metadata"]["name"] = "not a name!".into();
    assert_eq!(
        names_follow_backstage_rules(&bad_name),
        Err("name \"not a name!\"".to_owned())
    );
}

#[test]
fn export_takes_no_format() {
    let run = stackreg(
        &project_root(),
        &["export", "backstage", "--format", "json"],
    );
    run.code(2);
    assert_eq!(
        run.stderr,
        "error: --format json is not available for `export backstage`, which prints YAML only\n"
    );
}
