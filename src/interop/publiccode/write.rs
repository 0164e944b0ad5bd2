//! One component as a publiccode.yml 0.4 file, the inverse of `read`.
//!
//! What the registry does not record (platforms, languages, a long description, the
//! people who maintain the software) is either composed from what it does record or
//! refused, and every such choice is returned as a note for the command line to show.

use serde::Serialize;

use crate::model::{Component, Kind, Lifecycle, Release};

/// The publiccode.yml version written.
pub const VERSION: &str = "0.4";

/// publiccode.yml's controlled vocabulary of categories (the standard's
/// `categories-list`).
pub const CATEGORIES: &[&str] = &[
    "accounting",
    "agile-project-management",
    "applicant-tracking",
    "application-development",
    "appointment-scheduling",
    "backup",
    "billing-and-invoicing",
    "blog",
    "budgeting",
    "business-intelligence",
    "business-process-management",
    "cad",
    "call-center-management",
    "cloud-management",
    "collaboration",
    "communications",
    "compliance-management",
    "contact-management",
    "content-management",
    "crm",
    "customer-service-and-support",
    "data-analytics",
    "data-collection",
    "data-visualization",
    "design",
    "design-system",
    "digital-asset-management",
    "digital-citizenship",
    "document-management",
    "donor-management",
    "e-commerce",
    "e-signature",
    "educational-content",
    "email-management",
    "email-marketing",
    "employee-management",
    "enterprise-project-management",
    "enterprise-social-networking",
    "erp",
    "event-management",
    "facility-management",
    "feedback-and-reviews-management",
    "financial-reporting",
    "fleet-management",
    "fundraising",
    "gamification",
    "geographic-information-systems",
    "grant-management",
    "graphic-design",
    "help-desk",
    "hr",
    "ide",
    "identity-management",
    "instant-messaging",
    "inventory-management",
    "it-asset-management",
    "it-development",
    "it-management",
    "it-security",
    "it-service-management",
    "knowledge-management",
    "learning-management-system",
    "marketing",
    "mind-mapping",
    "mobile-marketing",
    "mobile-payment",
    "network-management",
    "office",
    "online-booking",
    "online-community",
    "payment-gateway",
    "payroll",
    "predictive-analysis",
    "procurement",
    "productivity-suite",
    "project-collaboration",
    "project-management",
    "property-management",
    "real-estate-management",
    "remote-support",
    "resource-management",
    "sales-management",
    "seo",
    "service-desk",
    "social-media-management",
    "survey",
    "talent-management",
    "task-management",
    "taxes-management",
    "test-management",
    "time-management",
    "time-tracking",
    "translation",
    "video-conferencing",
    "video-editing",
    "visitor-management",
    "voip",
    "warehouse-management",
    "web-collaboration",
    "web-conferencing",
    "website-builder",
    "whistleblowing",
    "workflow-management",
];

/// Capabilities common in council registries, and the category that says the same.
const SYNONYMS: &[(&str, &str)] = &[
    ("cms", "content-management"),
    ("cms-framework", "content-management"),
    ("council-website", "content-management"),
    ("card-gateway", "payment-gateway"),
    ("payments", "payment-gateway"),
    ("identity", "identity-management"),
    ("sign-in", "identity-management"),
    ("forms", "data-collection"),
    ("booking", "online-booking"),
    ("bookings", "online-booking"),
    ("notifications", "communications"),
    ("messaging", "communications"),
    ("case-management", "workflow-management"),
    ("income-management", "accounting"),
    ("street-reporting", "feedback-and-reviews-management"),
    ("address-lookup", "geographic-information-systems"),
    ("address-gazetteer", "geographic-information-systems"),
    ("site-search", "knowledge-management"),
];

/// A person who maintains the software (`Name <email>` on the command line).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Contact {
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
}

/// Why a component cannot be written as publiccode.yml.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ExportError {
    #[error("{id} has no repository, and publiccode.yml's `url` is the source repository")]
    NoRepository { id: String },
    #[error(
        "{id}'s licence {licence} is not open source, and publiccode.yml describes open-source software"
    )]
    NotOpenSource { id: String, licence: String },
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PublicCodeOut {
    pub publiccode_yml_version: &'static str,
    pub name: String,
    pub url: String,
    #[serde(rename = "landingURL")]
    pub landing_url: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub software_version: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub release_date: Option<String>,
    pub platforms: Vec<&'static str>,
    pub categories: Vec<String>,
    pub development_status: &'static str,
    pub software_type: &'static str,
    pub description: std::collections::BTreeMap<&'static str, DescriptionOut>,
    pub legal: LegalOut,
    pub maintenance: MaintenanceOut,
    pub localisation: LocalisationOut,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DescriptionOut {
    pub short_description: String,
    pub long_description: String,
    pub features: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LegalOut {
    pub license: String,
    pub repo_owner: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct MaintenanceOut {
    #[serde(rename = "type")]
    pub kind: &'static str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub contractors: Vec<ContractorOut>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub contacts: Vec<Contact>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ContractorOut {
    pub name: String,
    pub until: String,
    pub website: String,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LocalisationOut {
    pub localisation_ready: bool,
    pub available_languages: Vec<&'static str>,
}

/// The publiccode.yml of a component, and notes on what was composed or guessed.
#[derive(Debug, Clone)]
pub struct Exported {
    pub file: PublicCodeOut,
    pub notes: Vec<String>,
}

/// `c` as publiccode.yml 0.4. `interfaces` names the interfaces (id → name) its latest
/// release provides, for the feature list.
pub fn export(
    c: &Component,
    interface_names: &dyn Fn(&str) -> Option<String>,
    contacts: &[Contact],
) -> Result<Exported, ExportError> {
    let id = c.id.to_string();
    let Some(url) = c.repository.clone() else {
        return Err(ExportError::NoRepository { id });
    };
    if !c.licence.is_open_source() {
        return Err(ExportError::NotOpenSource {
            id,
            licence: c.licence.to_string(),
        });
    }
    let mut notes = Vec::new();
    let latest: Option<&Release> = c.releases.iter().rev().find(|r| !r.is_yanked());

    let maintenance = match (latest.and_then(|r| r.support_ends), contacts.is_empty()) {
        (_, false) => MaintenanceOut {
            kind: "internal",
            contractors: Vec::new(),
            contacts: contacts.to_vec(),
        },
        (Some(until), true) => {
            notes.push(format!(
                "maintenance: a contract with {} until {until}, the support end of {}",
                c.supplier,
                latest.map(|r| r.version.to_string()).unwrap_or_default()
            ));
            MaintenanceOut {
                kind: "contract",
                contractors: vec![ContractorOut {
                    name: c.supplier.clone(),
                    until: until.to_string(),
                    website: c.homepage.clone(),
                }],
                contacts: Vec::new(),
            }
        }
        // Without a contract end or named people, the repository owner (`legal.repoOwner`,
        // the supplier) maintains it: publiccode.yml's `internal`, with the owner as the
        // contact, and a note saying so.
        (None, true) => {
            notes.push(format!(
                "maintenance: internal, by {} (the repository owner) as the contact; name people with --contact \"Name <email>\"",
                c.supplier
            ));
            MaintenanceOut {
                kind: "internal",
                contractors: Vec::new(),
                contacts: vec![Contact {
                    name: c.supplier.clone(),
                    email: None,
                }],
            }
        }
    };

    let mut categories: Vec<String> = Vec::new();
    let mut unmatched = Vec::new();
    for cap in &c.capabilities {
        let cap = cap.as_str();
        let category = if CATEGORIES.contains(&cap) {
            Some(cap)
        } else {
            SYNONYMS.iter().find(|(k, _)| *k == cap).map(|(_, v)| *v)
        };
        match category {
            Some(cat) => {
                if !categories.iter().any(|x| x == cat) {
                    categories.push(cat.to_owned());
                }
            }
            None => unmatched.push(cap),
        }
    }
    if !unmatched.is_empty() {
        notes.push(format!(
            "categories: no publiccode.yml category for capability {}; add one by hand",
            unmatched.join(", ")
        ));
    }

    let development_status = match c.lifecycle {
        Lifecycle::Alpha => "development",
        Lifecycle::Beta => "beta",
        Lifecycle::Live => "stable",
        Lifecycle::Deprecated | Lifecycle::Retired => "obsolete",
    };
    if c.lifecycle == Lifecycle::Deprecated {
        notes.push("developmentStatus: deprecated written as obsolete".into());
    }
    let software_type = match c.kind {
        Kind::Library => "library",
        _ => {
            notes.push(format!(
                "softwareType: {} written as standalone/web",
                c.kind
            ));
            "standalone/web"
        }
    };
    notes.push("platforms: stackreg records none; written as web".into());
    notes.push(
        "localisation: stackreg records none; written as English, not localisation-ready".into(),
    );

    let mut features: Vec<String> = c
        .capabilities
        .iter()
        .map(|cap| format!("Serves the {cap} capability"))
        .collect();
    if let Some(r) = latest {
        for (iface, v) in &r.provides {
            let name = interface_names(iface.as_str()).unwrap_or_else(|| iface.to_string());
            features.push(format!("Implements {name} {v}"));
        }
    }

    let short_description = if c.summary.chars().count() > 150 {
        notes.push("description: the summary cut to publiccode.yml's 150 characters".into());
        crate::text::truncate(&c.summary, 150).into_owned()
    } else {
        c.summary.clone()
    };
    let long_description = long_description(c, latest);
    notes.push("description: longDescription composed from the registry entry".into());

    let mut description = std::collections::BTreeMap::new();
    description.insert(
        "en",
        DescriptionOut {
            short_description,
            long_description,
            features,
        },
    );
    Ok(Exported {
        file: PublicCodeOut {
            publiccode_yml_version: VERSION,
            name: c.name.clone(),
            url,
            landing_url: c.homepage.clone(),
            software_version: latest.map(|r| r.version.to_string()),
            release_date: latest.map(|r| r.released.to_string()),
            platforms: vec!["web"],
            categories,
            development_status,
            software_type,
            description,
            legal: LegalOut {
                license: c.licence.to_string(),
                repo_owner: c.supplier.clone(),
            },
            maintenance,
            localisation: LocalisationOut {
                localisation_ready: false,
                available_languages: vec!["en"],
            },
        },
        notes,
    })
}

/// A description of at least 150 characters (publiccode.yml's minimum), in sentences
/// made from what the registry records.
fn long_description(c: &Component, latest: Option<&Release>) -> String {
    let mut s = format!("{}: {}.", c.name, c.summary.trim_end_matches('.'));
    s.push_str(&format!(
        " {} is supplied by {} under the {} licence, and is a {} component",
        c.name, c.supplier, c.licence, c.kind
    ));
    let caps: Vec<&str> = c.capabilities.iter().map(|x| x.as_str()).collect();
    s.push_str(&format!(" serving {}.", caps.join(", ")));
    if let Some(r) = latest {
        s.push_str(&format!(
            " Its latest release is {}, of {}.",
            r.version, r.released
        ));
    }
    if s.chars().count() < 150 {
        s.push_str(&format!(
            " This description was composed by stackreg from the registry entry `{}`; see {} for more.",
            c.id, c.homepage
        ));
    }
    s
}

/// The file as YAML text, with a comment saying where it came from.
pub fn to_yaml(exported: &Exported, id: &str) -> Result<String, String> {
    let body = serde_saphyr::to_string(&exported.file).map_err(|e| e.to_string())?;
    Ok(format!(
        "# publiccode.yml for `{id}`, written by stackreg from the registry entry.\n# Check the fields stackreg composed (see its notes) before publishing.\n{body}"
    ))
}
