//! publiccode.yml → a drafted component manifest, with every field that could not be
//! carried over listed (and why), so that nothing is dropped silently.
//!
//! The mapping: `name` and `description.<lang>.shortDescription` (English first, else the
//! first language written) → name and summary; `url` → repository; `landingURL` →
//! homepage (else `url`); `legal.license` → licence (SPDX, checked); `developmentStatus`
//! concept/development → alpha, beta → beta, stable → live, obsolete → retired;
//! `softwareType` library → library, anything else → self-hosted; `categories` →
//! capabilities; the first of `maintenance.contractors` (else `legal.repoOwner`, else the
//! owner in `url`) → supplier, and its `until` → support-ends; `softwareVersion` and
//! `releaseDate` → one release; `dependsOn` entries that name a registry component →
//! its `depends` ranges.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;
use toml::value::Datetime;

use super::depends;
use super::version::{self, Unrepairable};
use super::{At, PublicCode, READS};
use crate::model::Registry;
use crate::model::manifest::{ComponentFile, ReleaseEntry};
use crate::model::{Date, Id, Licence};

/// What the draft may use besides the file.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options<'a> {
    /// The registry the draft is for: `dependsOn` entries are matched to its components.
    pub registry: Option<&'a Registry>,
    /// The id to give the component (default: from its name).
    pub id: Option<&'a str>,
    /// Capabilities to add to those from `categories`.
    pub capabilities: &'a [String],
}

/// A field of the file that the draft does not carry, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unmapped {
    /// The field's path: `legal.mainCopyrightOwner`, `dependsOn.open[1]`.
    pub field: String,
    /// Its value, shortened.
    pub value: String,
    /// Why it was not carried over, when there is more to say than "stackreg has no
    /// such field".
    pub reason: Option<String>,
}

/// A drafted component manifest.
#[derive(Debug, Clone)]
pub struct Draft {
    pub id: String,
    pub manifest: ComponentFile,
    pub unmapped: Vec<Unmapped>,
    /// Repairs and fallbacks the draft made (`softwareVersion v1.49.0 → 1.49.0`).
    pub repairs: Vec<String>,
}

/// Why a file cannot be drafted at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct DraftError {
    pub message: String,
    pub at: At,
    pub hint: Option<String>,
}

fn refuse(message: impl Into<String>, at: At, hint: Option<&str>) -> DraftError {
    DraftError {
        message: message.into(),
        at,
        hint: hint.map(str::to_owned),
    }
}

/// Drafts a component manifest from publiccode.yml `text`.
pub fn draft(text: &str, options: &Options<'_>) -> Result<Draft, DraftError> {
    let (pc, tree) = super::parse(text).map_err(|(message, at)| refuse(message, at, None))?;
    let mut d = Drafting {
        handled: BTreeSet::new(),
        unmapped: Vec::new(),
        repairs: Vec::new(),
    };

    // The version of the standard.
    d.handle("publiccodeYmlVersion");
    match &pc.publiccode_yml_version {
        None => {
            return Err(refuse(
                "no `publiccodeYmlVersion`: this does not look like a publiccode.yml file",
                At::default(),
                None,
            ));
        }
        Some(v) if !reads(&v.value) => {
            return Err(refuse(
                format!(
                    "publiccodeYmlVersion `{}` is not one stackreg reads ({READS})",
                    v.value
                ),
                At::of(v),
                None,
            ));
        }
        Some(_) => {}
    }

    // Name, summary.
    d.handle("name");
    let Some(name) = pc
        .name
        .as_ref()
        .map(|n| n.value.trim().to_owned())
        .filter(|n| !n.is_empty())
    else {
        return Err(refuse(
            "no `name`: a component needs one",
            At::default(),
            None,
        ));
    };
    let summary = summary(&pc, &mut d)?;

    // Where it lives.
    d.handle("url");
    let url = pc.url.as_ref().map(|u| u.value.trim().to_owned());
    let repository = match &url {
        Some(u) if is_https(u) => Some(u.clone()),
        Some(u) => {
            d.unmapped("url", u, "the repository must be an https URL");
            None
        }
        None => None,
    };
    d.handle("landingURL");
    let homepage = match (&pc.landing_url, &repository) {
        (Some(l), _) if is_https(l.value.trim()) => l.value.trim().to_owned(),
        (landing, Some(repo)) => {
            if let Some(l) = landing {
                d.unmapped("landingURL", &l.value, "the homepage must be an https URL");
            }
            d.repairs
                .push("homepage: no https landingURL, so the repository URL".into());
            repo.clone()
        }
        (Some(l), None) => {
            return Err(refuse(
                format!(
                    "landingURL `{}` is not an https URL, and neither is url",
                    l.value
                ),
                At::of(l),
                None,
            ));
        }
        (None, None) => {
            return Err(refuse(
                "neither `landingURL` nor `url` is an https URL: a component needs a homepage",
                At::default(),
                None,
            ));
        }
    };

    // Licence.
    d.handle("legal.license");
    let licence = licence(&pc, &mut d)?;

    // Lifecycle and kind.
    d.handle("developmentStatus");
    let lifecycle = match pc.development_status.as_ref() {
        None => {
            return Err(refuse(
                "no `developmentStatus`: a component needs a lifecycle",
                At::default(),
                None,
            ));
        }
        Some(s) => match s.value.trim() {
            "concept" | "development" => "alpha",
            "beta" => "beta",
            "stable" => "live",
            "obsolete" => "retired",
            other => {
                return Err(refuse(
                    format!(
                        "developmentStatus `{other}` is not one of concept, development, beta, stable, obsolete"
                    ),
                    At::of(s),
                    None,
                ));
            }
        },
    };
    d.handle("softwareType");
    let kind = match pc.software_type.as_ref().map(|t| t.value.trim()) {
        Some("library") => "library",
        Some(_) => "self-hosted",
        None => {
            d.repairs
                .push("kind: no softwareType, so self-hosted".into());
            "self-hosted"
        }
    };

    // Capabilities.
    let mut capabilities: Vec<String> = Vec::new();
    for (i, cat) in pc.categories.iter().flatten().enumerate() {
        let field = format!("categories[{i}]");
        d.handle(&field);
        let normalised = cat.trim().to_lowercase().replace(['_', ' '], "-");
        if Id::parse(&normalised).is_ok() {
            if normalised != *cat {
                d.repairs.push(format!(
                    "capability: category `{cat}` written as `{normalised}`"
                ));
            }
            if !capabilities.contains(&normalised) {
                capabilities.push(normalised);
            }
        } else {
            d.unmapped(&field, cat, "not usable as a capability id");
        }
    }
    if pc.categories.as_ref().is_some_and(Vec::is_empty) {
        d.handle("categories");
    }
    for extra in options.capabilities {
        if !capabilities.contains(extra) {
            capabilities.push(extra.clone());
        }
    }
    if capabilities.is_empty() {
        return Err(refuse(
            "no `categories` to map to capabilities: a component serves at least one",
            At::default(),
            Some("give the registry's capability with --capability ID"),
        ));
    }

    // Supplier and support.
    let contractor = pc
        .maintenance
        .as_ref()
        .and_then(|m| m.contractors.as_ref())
        .and_then(|c| {
            c.iter()
                .position(|c| c.name.as_deref().is_some_and(|n| !n.trim().is_empty()))
        });
    let supplier = match contractor {
        Some(i) => {
            d.handle(&format!("maintenance.contractors[{i}].name"));
            pc.maintenance
                .as_ref()
                .and_then(|m| m.contractors.as_ref())
                .and_then(|c| c[i].name.clone())
                .unwrap_or_default()
                .trim()
                .to_owned()
        }
        None => match pc
            .legal
            .as_ref()
            .and_then(|l| l.repo_owner.as_deref())
            .map(str::trim)
            .filter(|o| !o.is_empty())
        {
            Some(owner) => {
                d.handle("legal.repoOwner");
                owner.to_owned()
            }
            None => match url.as_deref().and_then(organisation) {
                Some(org) => {
                    d.repairs.push(format!(
                        "supplier: no contractor or legal.repoOwner, so the owner in url, `{org}`"
                    ));
                    org
                }
                None => {
                    return Err(refuse(
                        "no supplier: neither maintenance.contractors, legal.repoOwner nor an owner in url",
                        At::default(),
                        None,
                    ));
                }
            },
        },
    };
    let until = contractor.and_then(|i| {
        pc.maintenance
            .as_ref()
            .and_then(|m| m.contractors.as_ref())
            .and_then(|c| c[i].until.as_ref())
            .map(|u| (format!("maintenance.contractors[{i}].until"), u))
    });

    // The release.
    let mut releases = Vec::new();
    let release_date = pc.release_date.as_ref();
    match (&pc.software_version, release_date) {
        (Some(v), Some(date)) => {
            d.handle("softwareVersion");
            d.handle("releaseDate");
            let repaired = version::repair(&v.value).map_err(|e: Unrepairable| {
                refuse(
                    format!("softwareVersion {e}"),
                    At::of(v),
                    Some("fix softwareVersion in the file, or import without it and add the release by hand"),
                )
            })?;
            if !repaired.repairs.is_empty() {
                d.repairs.push(format!(
                    "version: softwareVersion `{}` → {} ({})",
                    v.value.trim(),
                    repaired.version,
                    repaired.repairs.join(", ")
                ));
            }
            let released = toml_date(&date.value).ok_or_else(|| {
                refuse(
                    format!(
                        "releaseDate `{}` is not a date (YYYY-MM-DD)",
                        date.value.trim()
                    ),
                    At::of(date),
                    None,
                )
            })?;
            let support_ends = match &until {
                Some((field, u)) => {
                    d.handle(field);
                    Some(toml_date(&u.value).ok_or_else(|| {
                        refuse(
                            format!("{field} `{}` is not a date (YYYY-MM-DD)", u.value.trim()),
                            At::of(u),
                            None,
                        )
                    })?)
                }
                None => None,
            };
            let depends = depends::depends(&pc, options.registry, &name, &mut d);
            releases.push(ReleaseEntry {
                version: repaired.version.to_string(),
                released,
                support_ends,
                provides: BTreeMap::new(),
                requires: BTreeMap::new(),
                depends,
                conflicts: BTreeMap::new(),
                yanked: None,
            });
        }
        (Some(v), None) => {
            d.handle("softwareVersion");
            d.unmapped(
                "softwareVersion",
                &v.value,
                "no releaseDate, and a release needs one: no release drafted",
            );
        }
        (None, Some(date)) => {
            d.handle("releaseDate");
            d.unmapped(
                "releaseDate",
                &date.value,
                "no softwareVersion to give it to: no release drafted",
            );
        }
        (None, None) => {}
    }
    if releases.is_empty() {
        if let Some((field, u)) = &until {
            d.handle(field);
            d.unmapped(
                field,
                &u.value,
                "support-ends belongs to a release, and none was drafted",
            );
        }
        depends::no_release(&pc, &mut d);
    }

    let id = match options.id {
        Some(id) => id.to_owned(),
        None => slug(&name).ok_or_else(|| {
            refuse(
                format!("cannot make an id from the name `{name}`"),
                At::default(),
                Some("give one with --id ID"),
            )
        })?,
    };

    d.report_rest(&tree);
    d.unmapped.sort_by_key(|u| field_order(&u.field));
    Ok(Draft {
        id: id.clone(),
        manifest: ComponentFile {
            id,
            name,
            summary,
            supplier,
            licence,
            kind: kind.into(),
            capabilities,
            lifecycle: lifecycle.into(),
            assurances: Vec::new(),
            homepage,
            repository,
            releases,
        },
        unmapped: d.unmapped,
        repairs: d.repairs,
    })
}

/// Whether `v` is a publiccode.yml version this module reads.
fn reads(v: &str) -> bool {
    let v = v.trim();
    v == "0"
        || v.strip_prefix("0.")
            .and_then(|minor| minor.parse::<u32>().ok())
            .is_some_and(|minor| (2..=5).contains(&minor))
}

pub(super) struct Drafting {
    /// Fields read into the draft (or reported with a reason), which the final walk over
    /// the file leaves alone.
    handled: BTreeSet<String>,
    unmapped: Vec<Unmapped>,
    repairs: Vec<String>,
}

impl Drafting {
    pub(super) fn handle(&mut self, field: &str) {
        self.handled.insert(field.to_owned());
    }

    pub(super) fn unmapped(&mut self, field: &str, value: &str, reason: &str) {
        self.handle(field);
        self.unmapped.push(Unmapped {
            field: field.to_owned(),
            value: short(value),
            reason: Some(reason.to_owned()),
        });
    }

    /// Reports every part of the file that no mapping handled: a whole subtree once when
    /// nothing in it was handled, else its parts.
    fn report_rest(&mut self, tree: &Value) {
        let mut out = Vec::new();
        self.walk(tree, "", &mut out);
        self.unmapped.extend(out);
    }

    fn walk(&self, node: &Value, path: &str, out: &mut Vec<Unmapped>) {
        if !path.is_empty() && self.handled.contains(path) {
            return;
        }
        let inside = |p: &str| {
            path.is_empty()
                || p.strip_prefix(path)
                    .is_some_and(|rest| rest.starts_with('.') || rest.starts_with('['))
        };
        if !path.is_empty() && !self.handled.iter().any(|h| inside(h)) {
            out.push(Unmapped {
                field: path.to_owned(),
                value: summarise(node),
                reason: None,
            });
            return;
        }
        match node {
            Value::Object(map) => {
                for (k, v) in map {
                    let child = if path.is_empty() {
                        k.clone()
                    } else {
                        format!("{path}.{k}")
                    };
                    self.walk(v, &child, out);
                }
            }
            Value::Array(items) => {
                for (i, v) in items.iter().enumerate() {
                    self.walk(v, &format!("{path}[{i}]"), out);
                }
            }
            _ => {}
        }
    }
}

/// Sorts report lines in the order of the file's usual layout: by path, numbers in
/// brackets compared as numbers.
fn field_order(field: &str) -> Vec<(String, u64)> {
    field
        .split(['.', '['])
        .map(
            |part| match part.strip_suffix(']').and_then(|n| n.parse().ok()) {
                Some(n) => (String::new(), n),
                None => (part.to_owned(), 0),
            },
        )
        .collect()
}

/// The summary: `description.en.shortDescription`, else the first language's; its text
/// on one line.
fn summary(pc: &PublicCode, d: &mut Drafting) -> Result<String, DraftError> {
    let langs = pc
        .description
        .as_ref()
        .map(|o| o.0.as_slice())
        .unwrap_or(&[]);
    let english = langs
        .iter()
        .position(|(l, _)| l == "en" || l.starts_with("en-"));
    let order: Vec<usize> = english.into_iter().chain(0..langs.len()).collect();
    for i in order {
        let (lang, desc) = &langs[i];
        if let Some(text) = desc.short_description.as_deref() {
            let one_line = text.split_whitespace().collect::<Vec<_>>().join(" ");
            if !one_line.is_empty() {
                d.handle(&format!("description.{lang}.shortDescription"));
                return Ok(one_line);
            }
        }
    }
    Err(refuse(
        "no `description.<language>.shortDescription`: a component needs a summary",
        At::default(),
        None,
    ))
}

/// The licence, checked as SPDX; an identifier in the wrong case (`apache-2.0`) is
/// written the SPDX list's way.
fn licence(pc: &PublicCode, d: &mut Drafting) -> Result<String, DraftError> {
    let Some(raw) = pc.legal.as_ref().and_then(|l| l.license.as_ref()) else {
        return Err(refuse(
            "no `legal.license`: a component needs a licence",
            At::default(),
            None,
        ));
    };
    let value = raw.value.trim();
    if Licence::parse(value).is_ok() {
        return Ok(value.to_owned());
    }
    let canonical = Some(canonical_case(value)).filter(|c| c != value && Licence::parse(c).is_ok());
    match canonical {
        Some(c) => {
            d.repairs.push(format!(
                "licence: `{value}` written as the SPDX identifier `{c}`"
            ));
            Ok(c)
        }
        None => Err(refuse(
            format!("legal.license `{value}` is not an SPDX licence expression"),
            At::of(raw),
            Some("see https://spdx.org/licenses/ for the identifiers"),
        )),
    }
}

/// `value` with each licence and exception identifier, and each operator, written the
/// way the SPDX list writes it: SPDX matches identifiers without regard to case
/// (`apache-2.0` is `Apache-2.0`).
fn canonical_case(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String| {
        if word.is_empty() {
            return;
        }
        let (base, plus) = match word.strip_suffix('+') {
            Some(b) => (b, "+"),
            None => (word.as_str(), ""),
        };
        let fixed = match base.to_ascii_uppercase().as_str() {
            op @ ("AND" | "OR" | "WITH") => op.to_owned(),
            _ => spdx::identifiers::LICENSES
                .iter()
                .map(|l| l.name)
                .chain(spdx::identifiers::EXCEPTIONS.iter().map(|e| e.name))
                .find(|name| name.eq_ignore_ascii_case(base))
                .unwrap_or(base)
                .to_owned(),
        };
        out.push_str(&fixed);
        out.push_str(plus);
        word.clear();
    };
    for c in value.chars() {
        if c.is_whitespace() || c == '(' || c == ')' {
            flush(&mut word, &mut out);
            out.push(c);
        } else {
            word.push(c);
        }
    }
    flush(&mut word, &mut out);
    out
}

fn is_https(u: &str) -> bool {
    url::Url::parse(u).is_ok_and(|u| u.scheme() == "https" && u.host_str().is_some())
}

/// The owner in a forge URL: `https://github.com/mysociety/fixmystreet` → `mysociety`.
fn organisation(u: &str) -> Option<String> {
    let parsed = url::Url::parse(u).ok()?;
    let first = parsed.path_segments()?.find(|s| !s.is_empty())?;
    Some(first.to_owned())
}

/// A TOML date from `YYYY-MM-DD`.
fn toml_date(s: &str) -> Option<Datetime> {
    let s = s.trim();
    Date::parse(s)?;
    s.parse::<Datetime>().ok()
}

/// An id from a name: lower-case ASCII letters and digits, every other run of characters
/// one `-`, starting with a letter, at most 64 characters.
pub fn slug(name: &str) -> Option<String> {
    let mut out = String::new();
    for c in name.chars() {
        let c = c.to_ascii_lowercase();
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    let mut out = out.trim_end_matches('-').to_owned();
    if out.len() > 64 {
        out.truncate(64);
        out = out.trim_end_matches('-').to_owned();
    }
    Id::parse(&out).ok().map(|_| out)
}

/// A value shortened for one report line.
fn short(value: &str) -> String {
    let one_line = value.split_whitespace().collect::<Vec<_>>().join(" ");
    crate::text::truncate(&one_line, 80).into_owned()
}

/// A subtree shortened for one report line: a scalar, a list of scalars, or the keys of a
/// mapping.
fn summarise(node: &Value) -> String {
    match node {
        Value::String(s) => short(s),
        Value::Null => "null".into(),
        Value::Bool(_) | Value::Number(_) => node.to_string(),
        Value::Array(items) if items.iter().all(|i| !i.is_object() && !i.is_array()) => {
            short(&format!(
                "[{}]",
                items.iter().map(summarise).collect::<Vec<_>>().join(", ")
            ))
        }
        Value::Array(items) if items.len() == 1 => "1 entry".into(),
        Value::Array(items) => format!("{} entries", items.len()),
        Value::Object(map) => short(&format!(
            "{{{}}}",
            map.keys().cloned().collect::<Vec<_>>().join(", ")
        )),
    }
}

/// The drafted manifest as TOML, headed by where it came from. Release tables are written
/// the way the sample registry writes them: one line per key, maps inline, empty maps left
/// out.
pub fn to_toml(draft: &Draft, source: &str) -> String {
    let m = &draft.manifest;
    let quote = |s: &str| toml_edit::Value::from(s).to_string();
    let list = |items: &[String]| {
        let values: Vec<String> = items.iter().map(|s| quote(s)).collect();
        format!("[{}]", values.join(", "))
    };
    let mut out = String::from("#:schema ../../schemas/component.schema.json\n");
    out.push_str(&format!(
        "# Drafted by `stackreg import publiccode` from {}.\n# Check it before publishing: see what the import reported as not mapped.\n",
        crate::text::escape(source).replace('\n', " ")
    ));
    out.push_str(&format!("id = {}\n", quote(&m.id)));
    out.push_str(&format!("name = {}\n", quote(&m.name)));
    out.push_str(&format!("summary = {}\n", quote(&m.summary)));
    out.push_str(&format!("supplier = {}\n", quote(&m.supplier)));
    out.push_str(&format!("licence = {}\n", quote(&m.licence)));
    out.push_str(&format!("kind = {}\n", quote(&m.kind)));
    out.push_str(&format!("capabilities = {}\n", list(&m.capabilities)));
    out.push_str(&format!("lifecycle = {}\n", quote(&m.lifecycle)));
    out.push_str(&format!("assurances = {}\n", list(&m.assurances)));
    out.push_str(&format!("homepage = {}\n", quote(&m.homepage)));
    if let Some(repo) = &m.repository {
        out.push_str(&format!("repository = {}\n", quote(repo)));
    }
    for r in &m.releases {
        out.push_str("\n[[release]]\n");
        out.push_str(&format!("version = {}\n", quote(&r.version)));
        out.push_str(&format!("released = {}\n", r.released));
        if let Some(end) = &r.support_ends {
            out.push_str(&format!("support-ends = {end}\n"));
        }
        for (key, map) in [
            ("provides", &r.provides),
            ("requires", &r.requires),
            ("depends", &r.depends),
            ("conflicts", &r.conflicts),
        ] {
            if map.is_empty() {
                continue;
            }
            let entries: Vec<String> = map
                .iter()
                .map(|(k, v)| format!("{k} = {}", quote(v)))
                .collect();
            out.push_str(&format!("{key} = {{ {} }}\n", entries.join(", ")));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_of_the_standard() {
        for v in ["0", "0.2", "0.3", "0.4", "0.5", " 0.4 "] {
            assert!(reads(v), "{v}");
        }
        for v in ["0.1", "0.6", "1", "1.0", "0.x", ""] {
            assert!(!reads(v), "{v}");
        }
    }

    #[test]
    fn ids_from_names() {
        assert_eq!(
            slug("Signalen frontend").as_deref(),
            Some("signalen-frontend")
        );
        assert_eq!(slug("aitema|Termin").as_deref(), Some("aitema-termin"));
        assert_eq!(
            slug("Ge. Fo.- Gestionale Fondi").as_deref(),
            Some("ge-fo-gestionale-fondi")
        );
        assert_eq!(slug("Café"), Some("caf".into()));
        assert_eq!(slug("2048"), None, "an id starts with a letter");
        assert_eq!(slug("***"), None);
        let long = slug(&"word ".repeat(40)).unwrap();
        assert!(long.len() <= 64 && !long.ends_with('-'), "{long}");
    }

    #[test]
    fn licence_identifiers_in_the_wrong_case() {
        assert_eq!(canonical_case("apache-2.0"), "Apache-2.0");
        assert_eq!(
            canonical_case("(mit or gpl-2.0-or-later) and bsd-3-clause"),
            "(MIT OR GPL-2.0-or-later) AND BSD-3-Clause"
        );
        assert_eq!(
            canonical_case("gpl-2.0 with classpath-exception-2.0"),
            "GPL-2.0 WITH Classpath-exception-2.0"
        );
        assert_eq!(canonical_case("Not-A-Licence"), "Not-A-Licence");
    }

    #[test]
    fn unmapped_fields_are_reported_once_per_untouched_subtree() {
        let text = "publiccodeYmlVersion: '0.4'\nname: X\nurl: https://example.org/x\ndevelopmentStatus: beta\ncategories: [cms]\ndescription:\n  en:\n    shortDescription: An x\n    features: [a, b]\nlegal:\n  license: MIT\n  mainCopyrightOwner: Someone\nusedBy: [A]\nit:\n  riuso:\n    codiceIPA: x\n";
        let d = draft(text, &Options::default()).unwrap();
        let fields: Vec<&str> = d.unmapped.iter().map(|u| u.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "description.en.features",
                "it",
                "legal.mainCopyrightOwner",
                "usedBy"
            ]
        );
        assert_eq!(d.unmapped[1].value, "{riuso}");
        assert_eq!(d.manifest.lifecycle, "beta");
        assert_eq!(d.manifest.kind, "self-hosted");
        assert!(
            d.repairs
                .iter()
                .any(|r| r.starts_with("kind: no softwareType"))
        );
    }
}
