//! A plan as a CycloneDX 1.6 JSON bill of materials, for supply-chain and security teams.
//!
//! Self-hosted and library releases are `components`; software-as-a-service and platform
//! services are `services` (CycloneDX's word for things run by someone else). Every
//! `depends` and `requires` edge of the plan is a `dependencies` entry, and the stack itself
//! is the BOM's subject (`metadata.component`), depending on what meets its needs. The
//! output is deterministic: no timestamp, and a serial number only when one is asked for.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::model::Registry;
use crate::model::{Component, Kind, Stack};
use crate::resolve::Plan;

/// The schema a BOM names, and the specification version it follows.
pub const SCHEMA: &str = "http://cyclonedx.org/schema/bom-1.6.schema.json";
pub const SPEC_VERSION: &str = "1.6";

/// A CycloneDX BOM, with only the parts stackreg fills in.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Bom {
    #[serde(rename = "$schema")]
    pub schema: &'static str,
    pub bom_format: &'static str,
    pub spec_version: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub serial_number: Option<String>,
    pub version: u32,
    pub metadata: Metadata,
    pub components: Vec<BomComponent>,
    pub services: Vec<Service>,
    pub dependencies: Vec<Dependency>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Metadata {
    pub tools: Tools,
    /// The stack the plan is for.
    pub component: BomComponent,
    pub properties: Vec<Property>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Tools {
    pub components: Vec<Tool>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Tool {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub name: &'static str,
    pub version: &'static str,
}

/// A component: software the council runs itself (or the stack, as the BOM's subject).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BomComponent {
    #[serde(rename = "type")]
    pub kind: &'static str,
    #[serde(rename = "bom-ref")]
    pub bom_ref: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub supplier: Option<Entity>,
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub licenses: Vec<LicenceChoice>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub external_references: Vec<ExternalReference>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub properties: Vec<Property>,
}

/// A service: software run by its supplier that the plan uses.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Service {
    #[serde(rename = "bom-ref")]
    pub bom_ref: String,
    pub provider: Entity,
    pub name: String,
    pub version: String,
    pub description: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub endpoints: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub licenses: Vec<LicenceChoice>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub external_references: Vec<ExternalReference>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub properties: Vec<Property>,
}

/// An organisation: a supplier or a provider.
#[derive(Debug, Clone, Serialize)]
pub struct Entity {
    pub name: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub url: Vec<String>,
}

/// A licence as an SPDX expression (CycloneDX's `expression` choice).
#[derive(Debug, Clone, Serialize)]
pub struct LicenceChoice {
    pub expression: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct ExternalReference {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub url: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Property {
    pub name: String,
    pub value: String,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Dependency {
    #[serde(rename = "ref")]
    pub reference: String,
    pub depends_on: Vec<String>,
}

/// The `bom-ref` of a planned release: `id@version`, unique within a plan.
pub fn bom_ref(id: &str, version: &str) -> String {
    format!("{id}@{version}")
}

/// The BOM of `plan` for `stack`. `serial_number` is a `urn:uuid:` the caller made, if
/// one was asked for.
pub fn bom(registry: &Registry, stack: &Stack, plan: &Plan, serial_number: Option<String>) -> Bom {
    let subject_ref = format!("stack:{}", stack.name);
    let mut components = Vec::new();
    let mut services = Vec::new();
    for p in &plan.releases {
        let Some(c) = registry.components.get(&p.component) else {
            continue;
        };
        let version = p.version.to_string();
        let reference = bom_ref(c.id.as_str(), &version);
        let mut properties = vec![
            property("stackreg:name", &c.name),
            property("stackreg:kind", c.kind.as_str()),
            property("stackreg:lifecycle", c.lifecycle.as_str()),
        ];
        properties.extend(
            c.capabilities
                .iter()
                .map(|cap| property("stackreg:capability", cap.as_str())),
        );
        if let Some(release) = c.release(&p.version) {
            properties.extend(
                release
                    .provides
                    .iter()
                    .map(|(i, v)| property("stackreg:provides", &format!("{i} {v}"))),
            );
            if let Some(end) = release.support_ends {
                properties.push(property("stackreg:support-ends", &end.to_string()));
            }
        }
        let licenses = vec![LicenceChoice {
            expression: c.licence.as_str().to_owned(),
        }];
        match c.kind {
            Kind::SelfHosted | Kind::Library => components.push(BomComponent {
                kind: if c.kind == Kind::Library {
                    "library"
                } else {
                    "application"
                },
                bom_ref: reference,
                supplier: Some(Entity {
                    name: c.supplier.clone(),
                    url: Vec::new(),
                }),
                name: c.id.to_string(),
                version: Some(version),
                description: Some(c.summary.clone()),
                licenses,
                external_references: references(c),
                properties,
            }),
            Kind::Saas | Kind::PlatformService => services.push(Service {
                bom_ref: reference,
                provider: Entity {
                    name: c.supplier.clone(),
                    url: vec![c.homepage.clone()],
                },
                name: c.id.to_string(),
                version,
                description: c.summary.clone(),
                // The registry records no service endpoints.
                endpoints: Vec::new(),
                licenses,
                external_references: references(c),
                properties,
            }),
        }
    }

    let mut edges: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for p in &plan.releases {
        edges.insert(
            bom_ref(p.component.as_str(), &p.version.to_string()),
            Vec::new(),
        );
    }
    let versions = plan.versions();
    for e in &plan.edges {
        let Some(to_version) = versions.get(&e.to) else {
            continue;
        };
        let from = bom_ref(e.from.as_str(), &e.from_version.to_string());
        let to = bom_ref(e.to.as_str(), &to_version.to_string());
        let list = edges.entry(from).or_default();
        if !list.contains(&to) {
            list.push(to);
        }
    }
    let mut needed: Vec<String> = plan
        .releases
        .iter()
        .filter(|p| !p.needs.is_empty())
        .map(|p| bom_ref(p.component.as_str(), &p.version.to_string()))
        .collect();
    needed.sort();
    let mut dependencies = vec![Dependency {
        reference: subject_ref.clone(),
        depends_on: needed,
    }];
    dependencies.extend(edges.into_iter().map(|(reference, mut depends_on)| {
        depends_on.sort();
        Dependency {
            reference,
            depends_on,
        }
    }));

    let mut properties = vec![property(
        "stackreg:registry:source",
        &registry.source.source,
    )];
    if let Some(commit) = &registry.source.commit {
        properties.push(property("stackreg:registry:commit", commit));
    }
    Bom {
        schema: SCHEMA,
        bom_format: "CycloneDX",
        spec_version: SPEC_VERSION,
        serial_number,
        version: 1,
        metadata: Metadata {
            tools: Tools {
                components: vec![Tool {
                    kind: "application",
                    name: "stackreg",
                    version: env!("CARGO_PKG_VERSION"),
                }],
            },
            component: BomComponent {
                kind: "application",
                bom_ref: subject_ref,
                supplier: None,
                name: stack.name.clone(),
                version: None,
                description: Some(format!(
                    "The plan stackreg resolved for {} from the registry {}",
                    stack.name, registry.meta.name
                )),
                licenses: Vec::new(),
                external_references: Vec::new(),
                properties: Vec::new(),
            },
            properties,
        },
        components,
        services,
        dependencies,
    }
}

fn references(c: &Component) -> Vec<ExternalReference> {
    let mut out = vec![ExternalReference {
        kind: "website",
        url: c.homepage.clone(),
    }];
    if let Some(repo) = &c.repository {
        out.push(ExternalReference {
            kind: "vcs",
            url: repo.clone(),
        });
    }
    out
}

fn property(name: &str, value: &str) -> Property {
    Property {
        name: name.to_owned(),
        value: value.to_owned(),
    }
}

/// A random version-4 UUID as a `urn:uuid:` serial number, from the operating system's
/// random source.
pub fn random_serial_number() -> Result<String, std::io::Error> {
    let mut b = [0u8; 16];
    getrandom::fill(&mut b).map_err(std::io::Error::other)?;
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
    Ok(format!(
        "urn:uuid:{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    ))
}
