//! The registry (or one stack's plan) as Backstage catalogue entities: a multi-document
//! `catalog-info.yaml` that a Backstage catalogue can ingest as it is.
//!
//! Each component is a `Component` owned by a `Group` for its supplier; each interface an
//! `API` owned by a `Group` for its owner, whose definition points at the published
//! specification. For a stack, only what its plan holds is written, the stack itself is a
//! `System` owned by a `Group` for the council, and each component's `providesApis`,
//! `consumesApis` and `dependsOn` come from the plan. Backstage's relations carry no
//! versions, so versions are kept as annotations.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::model::Registry;
use crate::model::{Component, Kind, Lifecycle, Release, Stack};
use crate::resolve::Plan;

const API_VERSION: &str = "backstage.io/v1alpha1";

/// One catalogue entity.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Entity {
    pub api_version: &'static str,
    pub kind: &'static str,
    pub metadata: Metadata,
    pub spec: Spec,
}

#[derive(Debug, Clone, Serialize)]
pub struct Metadata {
    pub name: String,
    pub title: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub annotations: BTreeMap<String, String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub links: Vec<Link>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Link {
    pub url: String,
    pub title: String,
}

/// The `spec` of the kinds written here; empty lists are left out.
#[derive(Debug, Clone, Serialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct Spec {
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lifecycle: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub system: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub definition: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub provides_apis: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub consumes_apis: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub depends_on: Vec<String>,
    /// Groups only: Backstage requires the list, even when empty.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub children: Option<Vec<String>>,
}

/// A Backstage entity name from free text: lower-case letters, digits and single `-`,
/// at most 63 characters (Backstage's limit).
pub fn name_of(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        let c = c.to_ascii_lowercase();
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    let mut out = out.trim_end_matches('-').to_owned();
    if out.len() > 63 {
        out.truncate(63);
        out = out.trim_end_matches('-').to_owned();
    }
    if out.is_empty() {
        "unnamed".into()
    } else {
        out
    }
}

fn lifecycle(l: Lifecycle) -> &'static str {
    match l {
        Lifecycle::Alpha | Lifecycle::Beta => "experimental",
        Lifecycle::Live => "production",
        Lifecycle::Deprecated | Lifecycle::Retired => "deprecated",
    }
}

/// `service` for what runs as a service, `library` for libraries, `website` for
/// self-hosted content management (a capability `cms` or one ending in `website`).
fn component_type(c: &Component) -> &'static str {
    let website = c
        .capabilities
        .iter()
        .any(|cap| cap.as_str() == "cms" || cap.as_str().ends_with("website"));
    match c.kind {
        Kind::Library => "library",
        Kind::SelfHosted if website => "website",
        _ => "service",
    }
}

fn group(title: &str, kind: &str) -> Entity {
    Entity {
        api_version: API_VERSION,
        kind: "Group",
        metadata: Metadata {
            name: name_of(title),
            title: title.to_owned(),
            description: None,
            annotations: BTreeMap::new(),
            tags: Vec::new(),
            links: Vec::new(),
        },
        spec: Spec {
            kind: Some(kind.to_owned()),
            children: Some(Vec::new()),
            ..Spec::default()
        },
    }
}

/// The entities for the whole registry (`stack` none: every component at its latest
/// release and every interface) or for a stack's plan.
pub fn entities(registry: &Registry, stack: Option<(&Stack, &Plan)>) -> Vec<Entity> {
    // Which release of which component, and what it needs from the plan.
    let mut chosen: Vec<(&Component, Option<&Release>, BTreeSet<String>)> = Vec::new();
    match stack {
        Some((_, plan)) => {
            let versions = plan.versions();
            for p in &plan.releases {
                let Some(c) = registry.components.get(&p.component) else {
                    continue;
                };
                let depends: BTreeSet<String> = plan
                    .edges
                    .iter()
                    .filter(|e| e.from == p.component && versions.contains_key(&e.to))
                    .map(|e| format!("component:{}", e.to))
                    .collect();
                chosen.push((c, c.release(&p.version), depends));
            }
        }
        None => {
            for c in registry.components.values() {
                let latest = c.latest();
                let depends = latest
                    .map(|r| r.depends.keys().map(|k| format!("component:{k}")).collect())
                    .unwrap_or_default();
                chosen.push((c, latest, depends));
            }
        }
    }
    let system = stack.map(|(s, _)| name_of(&s.name));

    let mut groups: BTreeMap<String, Entity> = BTreeMap::new();
    let mut apis_used: BTreeSet<String> = BTreeSet::new();
    let mut components = Vec::new();
    for (c, release, depends) in &chosen {
        let owner = group(&c.supplier, "supplier");
        let owner_ref = format!("group:{}", owner.metadata.name);
        groups.entry(owner.metadata.name.clone()).or_insert(owner);
        let provides: Vec<String> = release
            .map(|r| r.provides.keys().map(|k| format!("api:{k}")).collect())
            .unwrap_or_default();
        let consumes: Vec<String> = release
            .map(|r| r.requires.keys().map(|k| format!("api:{k}")).collect())
            .unwrap_or_default();
        for r in provides.iter().chain(&consumes) {
            apis_used.insert(r.trim_start_matches("api:").to_owned());
        }
        let mut annotations = BTreeMap::new();
        annotations.insert("stackreg/licence".to_owned(), c.licence.to_string());
        annotations.insert("stackreg/kind".to_owned(), c.kind.to_string());
        if let Some(r) = release {
            annotations.insert("stackreg/version".to_owned(), r.version.to_string());
            for (iface, v) in &r.provides {
                annotations.insert(format!("stackreg/provides.{iface}"), v.to_string());
            }
            for (iface, range) in &r.requires {
                annotations.insert(format!("stackreg/requires.{iface}"), range.to_string());
            }
        }
        if let Some(repo) = &c.repository {
            annotations.insert(
                "backstage.io/source-location".to_owned(),
                format!("url:{repo}"),
            );
        }
        let mut links = vec![Link {
            url: c.homepage.clone(),
            title: "Homepage".into(),
        }];
        if let Some(repo) = &c.repository {
            links.push(Link {
                url: repo.clone(),
                title: "Repository".into(),
            });
        }
        components.push(Entity {
            api_version: API_VERSION,
            kind: "Component",
            metadata: Metadata {
                name: c.id.to_string(),
                title: c.name.clone(),
                description: Some(c.summary.clone()),
                annotations,
                tags: c.capabilities.iter().map(ToString::to_string).collect(),
                links,
            },
            spec: Spec {
                kind: Some(component_type(c).to_owned()),
                lifecycle: Some(lifecycle(c.lifecycle).to_owned()),
                owner: Some(owner_ref),
                system: system.clone(),
                provides_apis: provides,
                consumes_apis: consumes,
                depends_on: depends.iter().cloned().collect(),
                ..Spec::default()
            },
        });
    }

    let mut apis = Vec::new();
    for i in registry.interfaces.values() {
        if stack.is_some() && !apis_used.contains(i.id.as_str()) {
            continue;
        }
        let owner = group(&i.owner, "standards-body");
        let owner_ref = format!("group:{}", owner.metadata.name);
        groups.entry(owner.metadata.name.clone()).or_insert(owner);
        let versions: Vec<String> = i.versions.iter().map(ToString::to_string).collect();
        let mut annotations = BTreeMap::new();
        annotations.insert("stackreg/versions".to_owned(), versions.join(" "));
        apis.push(Entity {
            api_version: API_VERSION,
            kind: "API",
            metadata: Metadata {
                name: i.id.to_string(),
                title: i.name.clone(),
                description: Some(i.summary.clone()),
                annotations,
                tags: Vec::new(),
                links: vec![Link {
                    url: i.specification.clone(),
                    title: "Specification".into(),
                }],
            },
            spec: Spec {
                kind: Some("standard".into()),
                lifecycle: Some("production".into()),
                owner: Some(owner_ref),
                system: system.clone(),
                definition: Some(format!(
                    "{} (versions {}) is specified at {}\n",
                    i.name,
                    versions.join(", "),
                    i.specification
                )),
                ..Spec::default()
            },
        });
    }

    let mut out: Vec<Entity> = Vec::new();
    if let Some((s, plan)) = stack {
        let council = group(&s.name, "council");
        let council_ref = format!("group:{}", council.metadata.name);
        groups
            .entry(council.metadata.name.clone())
            .or_insert(council);
        let mut annotations = BTreeMap::new();
        if let Some(commit) = &registry.source.commit {
            annotations.insert("stackreg/registry-commit".to_owned(), commit.clone());
        }
        annotations.insert(
            "stackreg/registry".to_owned(),
            registry.source.source.clone(),
        );
        out.push(Entity {
            api_version: API_VERSION,
            kind: "System",
            metadata: Metadata {
                name: name_of(&s.name),
                title: s.name.clone(),
                description: Some(format!(
                    "The plan stackreg resolved for {}: {} component{}",
                    s.name,
                    plan.releases.len(),
                    if plan.releases.len() == 1 { "" } else { "s" }
                )),
                annotations,
                tags: Vec::new(),
                links: Vec::new(),
            },
            spec: Spec {
                owner: Some(council_ref),
                ..Spec::default()
            },
        });
    }
    let mut all: Vec<Entity> = groups.into_values().collect();
    all.extend(out);
    all.extend(components);
    all.extend(apis);
    all
}

/// The entities as one multi-document YAML file.
pub fn to_yaml(entities: &[Entity]) -> Result<String, String> {
    let mut out =
        String::from("# Backstage catalogue entities written by stackreg from the registry.\n");
    for e in entities {
        out.push_str("---\n");
        out.push_str(&serde_saphyr::to_string(e).map_err(|e| e.to_string())?);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_backstage_rules() {
        assert_eq!(name_of("mySociety"), "mysociety");
        assert_eq!(name_of("Open Councils CIC"), "open-councils-cic");
        assert_eq!(name_of("  --Acme (UK) Ltd.--  "), "acme-uk-ltd");
        assert_eq!(name_of("***"), "unnamed");
        let long = name_of(&"a b ".repeat(40));
        assert!(long.len() <= 63 && !long.ends_with('-'), "{long}");
    }
}
