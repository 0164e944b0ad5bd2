//! The on-disk file formats, exactly as written by people: `registry.toml`, interfaces,
//! components and stacks.
//!
//! These types are deliberately loose (versions, ids and licences are plain strings) so that
//! one mistake does not hide the next: serde only checks the shape of a file (tables, types,
//! unknown keys), and `model::validate` then checks every value and reports all findings at
//! once. The JSON Schemas in `schemas/` are generated from these types, so the schema
//! attributes here describe what `validate` accepts.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use toml::value::Datetime;

use super::schema::{DateString, HttpsUrl, IdString, RangeString, SpdxString, VersionString};
use super::{Kind, Lifecycle};

/// `registry.toml`: names the registry and the format it is written in.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "stackreg registry.toml")]
pub struct RegistryFile {
    pub registry: RegistryHeader,
}

/// The `[registry]` table.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RegistryHeader {
    /// A short name for the registry.
    pub name: String,
    /// What the registry catalogues and who maintains it.
    #[serde(default)]
    pub description: String,
    /// The file format version; this version of stackreg reads format 1.
    #[schemars(range(min = 1, max = 1))]
    pub format: i64,
}

/// `interfaces/<id>.toml`: a versioned open contract (an API or data standard).
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "stackreg interface")]
pub struct InterfaceFile {
    /// The interface id; must match the file name.
    #[schemars(with = "IdString")]
    pub id: String,
    pub name: String,
    pub summary: String,
    /// Who publishes the contract.
    pub owner: String,
    /// Where the contract is published (https).
    #[schemars(with = "HttpsUrl")]
    pub specification: String,
    /// The published versions of the contract (semver).
    #[schemars(with = "Vec<VersionString>")]
    pub versions: Vec<String>,
}

/// `components/<id>.toml`: a product or service, with every release it has had.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "stackreg component")]
pub struct ComponentFile {
    /// The component id; must match the file name.
    #[schemars(with = "IdString")]
    pub id: String,
    pub name: String,
    pub summary: String,
    pub supplier: String,
    /// An SPDX licence expression; `LicenseRef-Proprietary` for closed products.
    #[schemars(with = "SpdxString")]
    pub licence: String,
    #[schemars(with = "Kind")]
    pub kind: String,
    /// Business functions the component serves (kebab-case ids).
    #[schemars(with = "Vec<IdString>")]
    pub capabilities: Vec<String>,
    #[schemars(with = "Lifecycle")]
    pub lifecycle: String,
    /// Free-form kebab-case tags such as `wcag-2.2-aa`.
    #[serde(default)]
    pub assurances: Vec<String>,
    #[schemars(with = "HttpsUrl")]
    pub homepage: String,
    #[serde(default)]
    #[schemars(with = "HttpsUrl")]
    pub repository: Option<String>,
    /// Every release, oldest first by convention. Releases are never removed.
    #[serde(rename = "release", default)]
    pub releases: Vec<ReleaseEntry>,
}

/// One `[[release]]` table.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct ReleaseEntry {
    #[schemars(with = "VersionString")]
    pub version: String,
    /// A TOML date such as `2024-03-01` (unquoted).
    #[schemars(with = "DateString")]
    pub released: Datetime,
    #[serde(default)]
    #[schemars(with = "DateString")]
    pub support_ends: Option<Datetime>,
    /// Interface id = the exact version of it this release implements.
    #[serde(default)]
    #[schemars(with = "BTreeMap<IdString, VersionString>")]
    pub provides: BTreeMap<String, String>,
    /// Interface id = version range; any other component in the plan may provide it.
    #[serde(default)]
    #[schemars(with = "BTreeMap<IdString, RangeString>")]
    pub requires: BTreeMap<String, String>,
    /// Component id = version range; that component must be in the plan.
    #[serde(default)]
    #[schemars(with = "BTreeMap<IdString, RangeString>")]
    pub depends: BTreeMap<String, String>,
    /// Component id = version range that cannot share a plan with this release.
    #[serde(default)]
    #[schemars(with = "BTreeMap<IdString, RangeString>")]
    pub conflicts: BTreeMap<String, String>,
    /// Present and non-empty: the release is yanked, for this reason.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "String", length(min = 1))]
    pub yanked: Option<String>,
}

/// A stack file: what a council needs, its policy and what it runs today.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "stackreg stack")]
pub struct StackFile {
    pub stack: StackHeader,
    /// Need name = exactly one of `component`, `interface` or `capability`.
    #[serde(default)]
    pub needs: BTreeMap<String, NeedEntry>,
    #[serde(default)]
    pub policy: PolicyEntry,
    #[serde(default)]
    pub prefer: PreferEntry,
    /// What runs today: component id = version, or a table with the version and the
    /// contract it runs under.
    #[serde(default)]
    #[schemars(with = "BTreeMap<IdString, CurrentEntry>")]
    pub current: BTreeMap<String, CurrentEntry>,
}

/// One entry of `[current]`: a version (`"2.1.0"`), or a table with the version and the
/// contract it runs under.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
#[serde(untagged)]
pub enum CurrentEntry {
    /// The version that runs today.
    #[schemars(with = "VersionString")]
    Version(String),
    Contract(CurrentContract),
}

/// The table form of a `[current]` entry.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct CurrentContract {
    /// The version that runs today.
    #[schemars(with = "VersionString")]
    pub version: String,
    /// The day the contract for it ends (a TOML date such as `2027-03-31`, unquoted).
    #[serde(default)]
    #[schemars(with = "DateString")]
    pub contract_ends: Option<Datetime>,
    /// Months of notice before the end by which a decision to renew or replace is due
    /// (default 0); also the lead time before the release's support ends.
    #[serde(default)]
    #[schemars(range(min = 0, max = 120))]
    pub notice_months: Option<i64>,
}

impl CurrentEntry {
    /// The version, in either form.
    pub fn version(&self) -> &str {
        match self {
            CurrentEntry::Version(v) => v,
            CurrentEntry::Contract(c) => &c.version,
        }
    }
}

impl<'de> Deserialize<'de> for CurrentEntry {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<CurrentEntry, D::Error> {
        struct Visit;
        impl<'de> serde::de::Visitor<'de> for Visit {
            type Value = CurrentEntry;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a version string or a table with `version`")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<CurrentEntry, E> {
                Ok(CurrentEntry::Version(v.to_owned()))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                map: A,
            ) -> Result<CurrentEntry, A::Error> {
                CurrentContract::deserialize(serde::de::value::MapAccessDeserializer::new(map))
                    .map(CurrentEntry::Contract)
            }
        }
        d.deserialize_any(Visit)
    }
}

/// The `[stack]` table.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StackHeader {
    pub name: String,
    /// The registry: a path relative to this file, or a git URL.
    #[serde(default)]
    #[schemars(with = "String")]
    pub registry: Option<String>,
    /// A git revision of that registry.
    #[serde(default)]
    #[schemars(with = "String")]
    pub rev: Option<String>,
    /// An allowed-signers file (relative to this file): the registry revision read must be
    /// a commit signed by one of its SSH keys.
    #[serde(default, rename = "allowed-signers")]
    #[schemars(with = "String")]
    pub allowed_signers: Option<String>,
}

/// One entry of `[needs]`.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NeedEntry {
    #[serde(default)]
    #[schemars(with = "IdString")]
    pub component: Option<String>,
    #[serde(default)]
    #[schemars(with = "IdString")]
    pub interface: Option<String>,
    #[serde(default)]
    #[schemars(with = "IdString")]
    pub capability: Option<String>,
    /// A version range, for `component` and `interface` needs (default `*`).
    #[serde(default)]
    #[schemars(with = "RangeString")]
    pub version: Option<String>,
}

/// The `[policy]` table: every release in a plan must pass it.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct PolicyEntry {
    /// Allowed lifecycles (default: all but `retired`).
    #[serde(default)]
    #[schemars(with = "Vec<Lifecycle>")]
    pub lifecycle: Option<Vec<String>>,
    /// Only OSI-approved licences.
    #[serde(default)]
    pub open_source: bool,
    /// Assurances every component must have.
    #[serde(default)]
    pub assurances: Vec<String>,
    /// Allowed kinds (default: all).
    #[serde(default)]
    #[schemars(with = "Vec<Kind>")]
    pub kinds: Option<Vec<String>>,
    #[serde(default)]
    #[schemars(with = "Vec<IdString>")]
    pub exclude_components: Vec<String>,
    #[serde(default)]
    pub exclude_suppliers: Vec<String>,
}

/// The `[prefer]` table.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PreferEntry {
    /// Tie-break when several components could serve a need.
    #[serde(default)]
    #[schemars(with = "Vec<IdString>")]
    pub components: Vec<String>,
}
