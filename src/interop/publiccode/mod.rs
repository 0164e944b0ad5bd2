//! publiccode.yml, the metadata file the Italian, Swiss and EU catalogues of public
//! open-source software crawl: read (`read`, drafting component manifests) and written
//! (`write`, one component as a publiccode.yml 0.4 file).
//!
//! The file's own types live here, loose on purpose: every field is optional so that a
//! missing or odd field is reported in the user's words rather than refused by serde, and
//! scalars are read as the text the author wrote (`1.10` stays `1.10`, not the number 1.1).

mod depends;
pub mod read;
pub mod version;
pub mod write;

use std::fmt;
use std::marker::PhantomData;

use serde::de::{Deserializer, MapAccess, Visitor};
use serde::{Deserialize, Serialize};
use serde_saphyr::Spanned;

/// One drafted manifest and where it came from.
#[derive(Debug, Clone)]
pub struct Imported {
    /// The file path or URL, as given (credentials in a URL hidden).
    pub source: String,
    pub draft: read::Draft,
    /// The manifest text.
    pub toml: String,
    /// `components/<id>.toml`.
    pub path: String,
    /// The registry already has a component with this id.
    pub exists_in_registry: bool,
}

/// The publiccode.yml versions this module reads: 0.2 to 0.5, and `0` (the standard's
/// name for "the latest 0.x" since 0.5). All 0.x files are compatible with each other.
pub const READS: &str = "0.2 to 0.5 (and 0)";

/// A publiccode.yml file, as far as stackreg reads it. Fields not named here are reported
/// as unmapped from the file's generic tree.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PublicCode {
    pub publiccode_yml_version: Option<Spanned<String>>,
    pub name: Option<Spanned<String>>,
    pub url: Option<Spanned<String>>,
    #[serde(rename = "landingURL")]
    pub landing_url: Option<Spanned<String>>,
    pub software_version: Option<Spanned<String>>,
    pub release_date: Option<Spanned<String>>,
    pub development_status: Option<Spanned<String>>,
    pub software_type: Option<Spanned<String>>,
    pub categories: Option<Vec<String>>,
    pub description: Option<Ordered<Description>>,
    pub legal: Option<Legal>,
    pub maintenance: Option<Maintenance>,
    pub depends_on: Option<DependsOn>,
}

/// One language of `description`.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Description {
    pub short_description: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Legal {
    pub license: Option<Spanned<String>>,
    pub repo_owner: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Maintenance {
    pub contractors: Option<Vec<Contractor>>,
}

#[derive(Debug, Default, Deserialize)]
pub struct Contractor {
    pub name: Option<String>,
    pub until: Option<Spanned<String>>,
}

/// `dependsOn`: runtime dependencies, by licence (and hardware).
#[derive(Debug, Default, Deserialize)]
pub struct DependsOn {
    pub open: Option<Vec<Dependency>>,
    pub proprietary: Option<Vec<Dependency>>,
    pub hardware: Option<Vec<Dependency>>,
}

#[derive(Debug, Default, Deserialize, Serialize, Clone)]
#[serde(rename_all = "camelCase")]
pub struct Dependency {
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version_min: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version_max: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub optional: Option<bool>,
}

/// A YAML mapping read in the order it was written (`description` languages: the first
/// one written is the fallback when there is no English).
#[derive(Debug)]
pub struct Ordered<V>(pub Vec<(String, V)>);

impl<V> Default for Ordered<V> {
    fn default() -> Self {
        Ordered(Vec::new())
    }
}

impl<'de, V: Deserialize<'de>> Deserialize<'de> for Ordered<V> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Entries<V>(PhantomData<V>);
        impl<'de, V: Deserialize<'de>> Visitor<'de> for Entries<V> {
            type Value = Ordered<V>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a mapping")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut out = Vec::new();
                while let Some((k, v)) = map.next_entry::<String, V>()? {
                    out.push((k, v));
                }
                Ok(Ordered(out))
            }
        }
        d.deserialize_map(Entries(PhantomData))
    }
}

/// Where in the file something is (1-based), when known.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct At {
    pub line: Option<u64>,
    pub column: Option<u64>,
}

impl At {
    pub fn of<T>(s: &Spanned<T>) -> At {
        let l = s.referenced;
        At {
            line: Some(l.line()).filter(|&n| n > 0),
            column: Some(l.column()).filter(|&n| n > 0),
        }
    }
}

/// Parses publiccode.yml text into its loose types and its generic tree, with the YAML
/// reader's limits on aliases, nesting and size (serde-saphyr's default budget) and
/// duplicate keys refused.
pub fn parse(text: &str) -> Result<(PublicCode, serde_json::Value), (String, At)> {
    let options = serde_saphyr::Options::default();
    let fail = |e: serde_saphyr::Error| {
        let at = e
            .location()
            .map(|l| At {
                line: Some(l.line()).filter(|&n| n > 0),
                column: Some(l.column()).filter(|&n| n > 0),
            })
            .unwrap_or_default();
        (e.without_snippet().to_string(), at)
    };
    let tree: serde_json::Value =
        serde_saphyr::from_str_with_options(text, options.clone()).map_err(fail)?;
    if !tree.is_object() {
        return Err((
            "a publiccode.yml file is a YAML mapping".into(),
            At::default(),
        ));
    }
    let typed: PublicCode = serde_saphyr::from_str_with_options(text, options).map_err(fail)?;
    Ok((typed, tree))
}
