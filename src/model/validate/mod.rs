//! Checks one file at a time and turns it into model types.
//!
//! Every check records a `Diagnostic` with a stable code and a key path, then carries on,
//! so one run reports every problem in a file. Bad parts are left out of the result (a
//! release with a bad version, a `requires` entry with a bad range) while the rest is kept,
//! so that cross-file checks see as much as possible without piling up follow-on findings.

use std::collections::{BTreeMap, BTreeSet};

use semver::{Version, VersionReq};
use serde::de::DeserializeOwned;

use super::manifest::{
    ComponentFile, CurrentContract, CurrentEntry, InterfaceFile, NeedEntry, RegistryFile,
    ReleaseEntry, StackFile,
};
use super::stack::Contract;
use super::{
    Component, Date, Id, Interface, Kind, Licence, Lifecycle, Need, Policy, RegistryMeta, Release,
    Stack,
};
use crate::diagnostic::{Code, Diagnostic, Seg};
use crate::path;
use crate::text;

/// Manifests larger than this are refused unread.
pub const MAX_FILE_SIZE: u64 = 1024 * 1024;

/// The registry format this version reads.
pub const FORMAT: i64 = 1;

/// A file turned into a model value (when it could be), and everything found wrong with it.
#[derive(Debug)]
pub struct Parsed<T> {
    pub value: Option<T>,
    pub diagnostics: Vec<Diagnostic>,
}

impl<T> Parsed<T> {
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }
}

/// Checks the size and encoding of a file's bytes.
pub fn decode<'a>(file: &str, bytes: &'a [u8]) -> Result<&'a str, Box<Diagnostic>> {
    if bytes.len() as u64 > MAX_FILE_SIZE {
        return Err(Box::new(too_large(file, bytes.len() as u64)));
    }
    std::str::from_utf8(bytes).map_err(|e| {
        let good = &bytes[..e.valid_up_to()];
        // Everything before the bad byte is valid UTF-8, so it can be counted in characters.
        let before = std::str::from_utf8(good).unwrap_or_default();
        let (line, column) = crate::diagnostic::line_column(before, before.len());
        let mut d = Diagnostic::error(
            file,
            Code::NotUtf8,
            format!(
                "file is not UTF-8 text (invalid byte at offset {})",
                e.valid_up_to()
            ),
        )
        .with_hint("manifests must be saved as UTF-8");
        d.line = Some(line);
        d.column = Some(column);
        Box::new(d)
    })
}

/// The finding for a file over the size limit.
pub fn too_large(file: &str, size: u64) -> Diagnostic {
    Diagnostic::error(
        file,
        Code::FileTooLarge,
        format!("file is {size} bytes; manifests may be at most {MAX_FILE_SIZE} bytes (1 MiB)"),
    )
}

/// Parses TOML into a file-format type, turning a failure into one finding.
fn parse_toml<T: DeserializeOwned>(file: &str, source: &str) -> Result<T, Box<Diagnostic>> {
    toml::from_str(source).map_err(|e| Box::new(toml_error(file, &e)))
}

fn toml_error(file: &str, e: &toml::de::Error) -> Diagnostic {
    // One line, unless it quotes a quoted key holding a newline: keep it whole, as every
    // output escapes newlines.
    let message = e.message().trim();
    let (code, hint) = if message.starts_with("unknown field") {
        (Code::UnknownField, None)
    } else if message.starts_with("missing field") {
        (Code::MissingField, None)
    } else if message.starts_with("duplicate key") || message.starts_with("duplicate table") {
        (
            Code::DuplicateKey,
            Some("each key may appear only once in a table"),
        )
    } else if message.starts_with("invalid type") {
        let hint = if message.contains("expected a TOML datetime")
            || message.contains("expected a datetime")
        {
            Some("write dates without quotes, e.g. released = 2024-03-01")
        } else {
            None
        };
        (Code::InvalidType, hint)
    } else if message.starts_with("unknown variant") || message.starts_with("invalid value") {
        (Code::InvalidValue, None)
    } else {
        (Code::ParseError, None)
    };
    let mut d = Diagnostic::error(file, code, message.to_owned());
    if let Some(span) = e.span() {
        d = d.at_span(span);
    }
    if let Some(hint) = hint {
        d = d.with_hint(hint);
    }
    d
}

/// Collects findings for one file while its values are checked.
struct Checker<'a> {
    file: &'a str,
    diagnostics: Vec<Diagnostic>,
}

impl<'a> Checker<'a> {
    fn new(file: &'a str) -> Self {
        Checker {
            file,
            diagnostics: Vec::new(),
        }
    }

    fn error(&mut self, code: Code, path: Vec<Seg>, message: impl Into<String>) -> &mut Diagnostic {
        let d = Diagnostic::error(self.file, code, message).at_value(path);
        self.push(d)
    }

    fn key_error(
        &mut self,
        code: Code,
        path: Vec<Seg>,
        message: impl Into<String>,
    ) -> &mut Diagnostic {
        let d = Diagnostic::error(self.file, code, message).at_key(path);
        self.push(d)
    }

    /// Records `d` and returns it, for a hint to be added.
    fn push(&mut self, d: Diagnostic) -> &mut Diagnostic {
        let at = self.diagnostics.len();
        self.diagnostics.push(d);
        &mut self.diagnostics[at]
    }

    fn id(&mut self, what: &str, s: &str, path: Vec<Seg>) -> Option<Id> {
        self.id_at(what, s, path, false)
    }

    fn key_id(&mut self, what: &str, s: &str, path: Vec<Seg>) -> Option<Id> {
        self.id_at(what, s, path, true)
    }

    fn id_at(&mut self, what: &str, s: &str, path: Vec<Seg>, key: bool) -> Option<Id> {
        match Id::parse(s) {
            Ok(id) => Some(id),
            Err(e) => {
                let message = format!("{what} `{}` {e}", text::escape(s));
                let d = if key {
                    self.key_error(Code::InvalidId, path, message)
                } else {
                    self.error(Code::InvalidId, path, message)
                };
                if s.chars().any(|c| c.is_ascii_uppercase()) {
                    d.hint = Some(format!("ids are lowercase: `{}`", s.to_ascii_lowercase()));
                }
                None
            }
        }
    }

    fn version(&mut self, s: &str, path: Vec<Seg>) -> Option<Version> {
        match Version::parse(s) {
            // Comparisons ignore build metadata (semver §10), so two versions differing
            // only by it would be one version to a range and two to a lookup: refused
            // everywhere, so every version means one thing.
            Ok(v) if !v.build.is_empty() => {
                let d = self.error(
                    Code::InvalidVersion,
                    path,
                    format!(
                        "`{}` carries build metadata (`+{}`), which version comparisons ignore",
                        text::escape(s),
                        text::escape(v.build.as_str())
                    ),
                );
                d.hint = Some(format!(
                    "drop it: \"{}\"",
                    Version {
                        build: semver::BuildMetadata::EMPTY,
                        ..v
                    }
                ));
                None
            }
            Ok(v) => Some(v),
            Err(e) => {
                let hint = suggest_version(s);
                let d = self.error(
                    Code::InvalidVersion,
                    path,
                    format!("`{}` is not a semantic version: {e}", text::escape(s)),
                );
                d.hint = hint;
                None
            }
        }
    }

    fn range(&mut self, s: &str, path: Vec<Seg>) -> Option<VersionReq> {
        match VersionReq::parse(s) {
            // A range would silently ignore build metadata; versions may not carry any.
            Ok(_) if s.contains('+') => {
                self.error(
                    Code::InvalidRange,
                    path,
                    format!(
                        "`{}` carries build metadata (`+…`), which ranges ignore",
                        text::escape(s)
                    ),
                )
                .hint = Some("drop the `+…` part".into());
                None
            }
            Ok(v) => Some(v),
            Err(e) => {
                self.error(
                    Code::InvalidRange,
                    path,
                    format!("`{}` is not a version range: {e}", text::escape(s)),
                )
                .hint = Some("use Cargo's syntax: \"^2\", \">=1.4, <3\", \"*\"".into());
                None
            }
        }
    }

    /// Checks free text: no control or bidi characters, and (unless `may_be_empty`) not blank.
    fn text(&mut self, s: &str, path: Vec<Seg>, multiline: bool, may_be_empty: bool) {
        if !may_be_empty && s.trim().is_empty() {
            self.error(Code::InvalidValue, path, "must not be empty");
            return;
        }
        if let Some((index, c)) = text::find_forbidden(s, multiline) {
            self.error(
                Code::ForbiddenCharacter,
                path,
                format!(
                    "text contains the control or invisible character U+{:04X} at character {}",
                    c as u32,
                    index + 1
                ),
            )
            .hint = Some("manifest text may not contain escape sequences, bidirectional overrides or invisible characters".into());
        }
    }

    fn url(&mut self, s: &str, path: Vec<Seg>) {
        match url::Url::parse(s) {
            Ok(u) if u.scheme() == "https" && u.host_str().is_some_and(|h| !h.is_empty()) => {
                if text::find_forbidden(s, false).is_some() || s.contains(char::is_whitespace) {
                    self.error(
                        Code::InvalidUrl,
                        path,
                        "URL contains spaces or control characters",
                    );
                }
            }
            Ok(u) if u.scheme() == "http" => {
                self.error(
                    Code::InsecureUrl,
                    path,
                    format!("`{}` is not an https URL", text::escape(s)),
                )
                .hint = Some(match s.strip_prefix("http://") {
                    Some(rest) => format!("use https://{rest}"),
                    None => "use an https:// URL".to_owned(),
                });
            }
            Ok(u) => {
                self.error(
                    Code::InsecureUrl,
                    path,
                    format!(
                        "`{}` uses the `{}` scheme; only https URLs are allowed",
                        text::escape(s),
                        text::escape(u.scheme())
                    ),
                );
            }
            Err(e) => {
                self.error(
                    Code::InvalidUrl,
                    path,
                    format!("`{}` is not a URL: {e}", text::escape(s)),
                );
            }
        }
    }

    fn date(&mut self, dt: &toml::value::Datetime, path: Vec<Seg>) -> Option<Date> {
        let date = Date::from_toml(dt);
        if date.is_none() {
            self.error(
                Code::InvalidDate,
                path,
                format!("`{dt}` is not a plain date"),
            )
            .hint = Some("write a date with no time, e.g. 2024-03-01".into());
        }
        date
    }

    fn tag(&mut self, s: &str, path: Vec<Seg>) -> bool {
        let ok = !s.is_empty()
            && s.len() <= 64
            && s.starts_with(|c: char| c.is_ascii_lowercase() || c.is_ascii_digit())
            && s.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '.');
        if !ok {
            self.error(
                Code::InvalidValue,
                path,
                format!(
                    "assurance `{}` must be a kebab-case tag such as `wcag-2.2-aa`",
                    text::escape(s)
                ),
            );
        }
        ok
    }

    fn check_file_id(&mut self, id: &str, expected: Option<&str>) {
        if let Some(expected) = expected
            && id != expected
            && Id::check(id).is_ok()
        {
            self.error(
                Code::IdMismatch,
                path!["id"],
                format!(
                    "id `{}` does not match the file name `{}.toml`",
                    text::escape(id),
                    text::escape(expected)
                ),
            )
            .hint = Some(format!("rename the file to `{id}.toml` or change the id"));
        }
    }

    fn finish<T>(self, value: Option<T>) -> Parsed<T> {
        Parsed {
            value,
            diagnostics: self.diagnostics,
        }
    }
}

/// Suggests a fix for common almost-versions such as `1.2` or `v1.2.0`.
fn suggest_version(s: &str) -> Option<String> {
    let t = s.trim().trim_start_matches(['v', 'V']);
    let parts: Vec<&str> = t.split('.').collect();
    if parts
        .iter()
        .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
    {
        let mut parts: Vec<&str> = parts;
        while parts.len() < 3 {
            parts.push("0");
        }
        let fixed = parts.join(".");
        if Version::parse(&fixed).is_ok() {
            return Some(format!("write it in full: \"{fixed}\""));
        }
    }
    None
}

fn file_result<T: DeserializeOwned>(file: &str, source: &str) -> Result<T, Parsed<()>> {
    parse_toml(file, source).map_err(|d| Parsed {
        value: None,
        diagnostics: vec![*d],
    })
}

fn failed<T>(p: Parsed<()>) -> Parsed<T> {
    Parsed {
        value: None,
        diagnostics: p.diagnostics,
    }
}

/// Checks `registry.toml`.
pub fn registry_file(file: &str, source: &str) -> Parsed<RegistryMeta> {
    let raw: RegistryFile = match file_result(file, source) {
        Ok(r) => r,
        Err(p) => return failed(p),
    };
    let mut c = Checker::new(file);
    let r = raw.registry;
    c.text(&r.name, path!["registry", "name"], false, false);
    c.text(&r.description, path!["registry", "description"], true, true);
    if r.format != FORMAT {
        c.error(
            Code::UnsupportedFormat,
            path!["registry", "format"],
            format!(
                "registry format {} is not supported; this version of stackreg reads format {FORMAT}",
                r.format
            ),
        );
    }
    c.finish(Some(RegistryMeta {
        name: r.name,
        description: r.description,
    }))
}

/// Checks an interface file; `expected_id` is the file name's stem when it must match.
pub fn interface(file: &str, expected_id: Option<&str>, source: &str) -> Parsed<Interface> {
    let raw: InterfaceFile = match file_result(file, source) {
        Ok(r) => r,
        Err(p) => return failed(p),
    };
    let mut c = Checker::new(file);
    let id = c.id("interface id", &raw.id, path!["id"]);
    c.check_file_id(&raw.id, expected_id);
    c.text(&raw.name, path!["name"], false, false);
    c.text(&raw.summary, path!["summary"], false, false);
    c.text(&raw.owner, path!["owner"], false, false);
    c.url(&raw.specification, path!["specification"]);
    let mut versions = Vec::new();
    for (i, v) in raw.versions.iter().enumerate() {
        if let Some(version) = c.version(v, path!["versions", i]) {
            if versions.contains(&version) {
                c.error(
                    Code::InvalidVersion,
                    path!["versions", i],
                    format!("version {version} is listed twice"),
                );
            } else {
                versions.push(version);
            }
        }
    }
    if raw.versions.is_empty() {
        c.error(
            Code::InvalidValue,
            path!["versions"],
            "an interface must publish at least one version",
        );
    }
    versions.sort();
    let value = id.map(|id| Interface {
        id,
        name: raw.name,
        summary: raw.summary,
        owner: raw.owner,
        specification: raw.specification,
        versions,
    });
    c.finish(value)
}

/// Checks a component file; `expected_id` is the file name's stem when it must match.
pub fn component(file: &str, expected_id: Option<&str>, source: &str) -> Parsed<Component> {
    let raw: ComponentFile = match file_result(file, source) {
        Ok(r) => r,
        Err(p) => return failed(p),
    };
    let mut c = Checker::new(file);
    let id = c.id("component id", &raw.id, path!["id"]);
    c.check_file_id(&raw.id, expected_id);
    c.text(&raw.name, path!["name"], false, false);
    c.text(&raw.summary, path!["summary"], false, false);
    c.text(&raw.supplier, path!["supplier"], false, false);
    if let Some(scripts) = super::name::mixed_scripts(&super::name::normalise(&raw.supplier)) {
        c.error(
            Code::MixedScript,
            path!["supplier"],
            format!(
                "supplier `{}` mixes the {} scripts, so it could pass for another supplier's name",
                text::escape(&raw.supplier),
                scripts.join(" and ")
            ),
        )
        .hint = Some(
            "write the name in one script (Latin may stand beside Han, Japanese or Korean)".into(),
        );
    }
    let licence = match Licence::parse(&raw.licence) {
        Ok(l) => Some(l),
        Err(e) => {
            c.error(
                Code::InvalidLicence,
                path!["licence"],
                format!(
                    "`{}` is not an SPDX licence expression: {e}",
                    text::escape(&raw.licence)
                ),
            )
            .hint = Some(
                "use an SPDX id such as MIT or GPL-2.0-or-later, or LicenseRef-Proprietary".into(),
            );
            None
        }
    };
    let kind = Kind::parse(&raw.kind);
    if kind.is_none() {
        c.error(
            Code::InvalidValue,
            path!["kind"],
            format!(
                "kind `{}` is not one of {}",
                text::escape(&raw.kind),
                Kind::expected()
            ),
        );
    }
    let lifecycle = Lifecycle::parse(&raw.lifecycle);
    if lifecycle.is_none() {
        c.error(
            Code::InvalidValue,
            path!["lifecycle"],
            format!(
                "lifecycle `{}` is not one of {}",
                text::escape(&raw.lifecycle),
                Lifecycle::expected()
            ),
        );
    }
    let mut capabilities = BTreeSet::new();
    for (i, cap) in raw.capabilities.iter().enumerate() {
        if let Some(cap) = c.id("capability", cap, path!["capabilities", i]) {
            capabilities.insert(cap);
        }
    }
    if raw.capabilities.is_empty() {
        c.error(
            Code::InvalidValue,
            path!["capabilities"],
            "a component must serve at least one capability",
        );
    }
    let mut assurances = BTreeSet::new();
    for (i, a) in raw.assurances.iter().enumerate() {
        if c.tag(a, path!["assurances", i]) {
            assurances.insert(a.clone());
        }
    }
    c.url(&raw.homepage, path!["homepage"]);
    if let Some(repo) = &raw.repository {
        c.url(repo, path!["repository"]);
    }

    let mut releases: Vec<Release> = Vec::new();
    for (i, entry) in raw.releases.iter().enumerate() {
        let Some(release) = check_release(&mut c, i, entry) else {
            continue;
        };
        if let Some(dup) = releases
            .iter()
            .find(|r| r.version.cmp_precedence(&release.version).is_eq())
        {
            c.error(
                Code::DuplicateRelease,
                path!["release", i, "version"],
                format!(
                    "release {} is listed twice (as {} and {})",
                    release.version, dup.version, release.version
                ),
            )
            .hint = Some("each version may have only one [[release]] table".into());
            continue;
        }
        releases.push(release);
    }
    if raw.releases.is_empty() {
        c.diagnostics.push(
            Diagnostic::warning(
                file,
                Code::NoReleases,
                "component has no [[release]] tables",
            )
            .with_hint("a component without releases can never be part of a plan"),
        );
    }
    releases.sort_by(|a, b| a.version.cmp(&b.version));

    let value = match (id, licence, kind, lifecycle) {
        (Some(id), Some(licence), Some(kind), Some(lifecycle)) => Some(Component {
            id,
            name: raw.name,
            summary: raw.summary,
            // Compared by `exclude-suppliers`, so kept in one form (model/name.rs).
            supplier: super::name::normalise(&raw.supplier),
            licence,
            kind,
            capabilities: capabilities.into_iter().collect(),
            lifecycle,
            assurances: assurances.into_iter().collect(),
            homepage: raw.homepage,
            repository: raw.repository,
            releases,
        }),
        _ => None,
    };
    c.finish(value)
}

fn check_release(c: &mut Checker<'_>, i: usize, r: &ReleaseEntry) -> Option<Release> {
    let version = c.version(&r.version, path!["release", i, "version"]);
    let released = c.date(&r.released, path!["release", i, "released"]);
    let support_ends = r
        .support_ends
        .as_ref()
        .and_then(|d| c.date(d, path!["release", i, "support-ends"]));
    if let (Some(start), Some(end)) = (released, support_ends)
        && end <= start
    {
        c.error(
            Code::SupportEndsBeforeRelease,
            path!["release", i, "support-ends"],
            format!("support ends {end}, on or before the release date {start}"),
        );
    }
    let mut provides = BTreeMap::new();
    for (k, v) in &r.provides {
        let id = c.key_id("interface", k, path!["release", i, "provides", k.as_str()]);
        let v = c.version(v, path!["release", i, "provides", k.as_str()]);
        if let (Some(id), Some(v)) = (id, v) {
            provides.insert(id, v);
        }
    }
    let requires = ranges(c, i, "requires", "interface", &r.requires);
    let depends = ranges(c, i, "depends", "component", &r.depends);
    let conflicts = ranges(c, i, "conflicts", "component", &r.conflicts);
    if let Some(reason) = &r.yanked {
        if reason.trim().is_empty() {
            c.error(
                Code::EmptyYankReason,
                path!["release", i, "yanked"],
                "a yanked release must say why",
            )
            .hint = Some("write the reason, e.g. yanked = \"security: use 3.1.1\"".into());
        } else {
            c.text(reason, path!["release", i, "yanked"], false, false);
        }
    }
    Some(Release {
        version: version?,
        released: released?,
        support_ends,
        provides,
        requires,
        depends,
        conflicts,
        yanked: r.yanked.clone().filter(|y| !y.trim().is_empty()),
    })
}

fn ranges(
    c: &mut Checker<'_>,
    i: usize,
    table: &str,
    what: &str,
    map: &BTreeMap<String, String>,
) -> BTreeMap<Id, VersionReq> {
    let mut out = BTreeMap::new();
    for (k, v) in map {
        let id = c.key_id(what, k, path!["release", i, table, k.as_str()]);
        let v = c.range(v, path!["release", i, table, k.as_str()]);
        if let (Some(id), Some(v)) = (id, v) {
            out.insert(id, v);
        }
    }
    out
}

/// Checks a stack file. Reference stacks in a registry pass their file stem as
/// `expected_id` so that the file name is checked as an id.
pub fn stack(file: &str, expected_id: Option<&str>, source: &str) -> Parsed<Stack> {
    let raw: StackFile = match file_result(file, source) {
        Ok(r) => r,
        Err(p) => return failed(p),
    };
    let mut c = Checker::new(file);
    if let Some(stem) = expected_id
        && let Err(e) = Id::check(stem)
    {
        c.diagnostics.push(Diagnostic::error(
            file,
            Code::InvalidId,
            format!("stack file name `{}` {e}", text::escape(stem)),
        ));
    }
    c.text(&raw.stack.name, path!["stack", "name"], false, false);
    if let Some(r) = &raw.stack.registry {
        c.text(r, path!["stack", "registry"], false, false);
    }
    if let Some(r) = &raw.stack.rev {
        c.text(r, path!["stack", "rev"], false, false);
    }
    if let Some(r) = &raw.stack.allowed_signers {
        c.text(r, path!["stack", "allowed-signers"], false, false);
    }

    let mut needs = BTreeMap::new();
    for (name, entry) in &raw.needs {
        let key = c.key_id("need name", name, path!["needs", name.as_str()]);
        if let (Some(key), Some(need)) = (key, check_need(&mut c, name, entry)) {
            needs.insert(key, need);
        }
    }
    if raw.needs.is_empty() {
        c.diagnostics.push(
            Diagnostic::warning(file, Code::InvalidNeed, "stack has no [needs]")
                .with_hint("add needs such as website = { capability = \"cms\" }"),
        );
    }

    let p = &raw.policy;
    let lifecycle = p.lifecycle.as_ref().map(|list| {
        list.iter()
            .enumerate()
            .filter_map(|(i, s)| {
                let l = Lifecycle::parse(s);
                if l.is_none() {
                    c.error(
                        Code::InvalidValue,
                        path!["policy", "lifecycle", i],
                        format!(
                            "lifecycle `{}` is not one of {}",
                            text::escape(s),
                            Lifecycle::expected()
                        ),
                    );
                }
                l
            })
            .collect()
    });
    let kinds = p.kinds.as_ref().map(|list| {
        list.iter()
            .enumerate()
            .filter_map(|(i, s)| {
                let k = Kind::parse(s);
                if k.is_none() {
                    c.error(
                        Code::InvalidValue,
                        path!["policy", "kinds", i],
                        format!(
                            "kind `{}` is not one of {}",
                            text::escape(s),
                            Kind::expected()
                        ),
                    );
                }
                k
            })
            .collect()
    });
    let mut assurances = Vec::new();
    for (i, a) in p.assurances.iter().enumerate() {
        if c.tag(a, path!["policy", "assurances", i]) {
            assurances.push(a.clone());
        }
    }
    let exclude_components = p
        .exclude_components
        .iter()
        .enumerate()
        .filter_map(|(i, s)| c.id("component", s, path!["policy", "exclude-components", i]))
        .collect();
    for (i, s) in p.exclude_suppliers.iter().enumerate() {
        c.text(s, path!["policy", "exclude-suppliers", i], false, false);
    }
    let prefer = raw
        .prefer
        .components
        .iter()
        .enumerate()
        .filter_map(|(i, s)| c.id("component", s, path!["prefer", "components", i]))
        .collect();
    let mut current = BTreeMap::new();
    let mut contracts = BTreeMap::new();
    for (k, entry) in &raw.current {
        let id = c.key_id("component", k, path!["current", k.as_str()]);
        let v = match entry {
            CurrentEntry::Version(v) => c.version(v, path!["current", k.as_str()]),
            CurrentEntry::Contract(t) => {
                c.version(&t.version, path!["current", k.as_str(), "version"])
            }
        };
        let contract = match entry {
            CurrentEntry::Version(_) => None,
            CurrentEntry::Contract(t) => check_contract(&mut c, k, t),
        };
        if let (Some(id), Some(v)) = (id, v) {
            if let Some(contract) = contract {
                contracts.insert(id.clone(), contract);
            }
            current.insert(id, v);
        }
    }
    let value = Stack {
        name: raw.stack.name,
        registry: raw.stack.registry,
        rev: raw.stack.rev,
        allowed_signers: raw.stack.allowed_signers,
        needs,
        policy: Policy {
            lifecycle,
            open_source: p.open_source,
            assurances,
            kinds,
            exclude_components,
            exclude_suppliers: p
                .exclude_suppliers
                .iter()
                .map(|s| super::name::normalise(s))
                .collect(),
        },
        prefer,
        current,
        contracts,
    };
    c.finish(Some(value))
}

/// The contract of a `[current]` table, when it gives one.
fn check_contract(c: &mut Checker<'_>, key: &str, t: &CurrentContract) -> Option<Contract> {
    let contract_ends = t
        .contract_ends
        .as_ref()
        .and_then(|d| c.date(d, path!["current", key, "contract-ends"]));
    let notice_months = match t.notice_months {
        None => None,
        Some(n) if (0..=MAX_NOTICE_MONTHS).contains(&n) => u32::try_from(n).ok(),
        Some(n) => {
            c.error(
                Code::InvalidValue,
                path!["current", key, "notice-months"],
                format!("notice-months {n} is not between 0 and {MAX_NOTICE_MONTHS}"),
            );
            None
        }
    };
    (contract_ends.is_some() || notice_months.is_some()).then_some(Contract {
        contract_ends,
        notice_months,
    })
}

/// The longest notice a `[current]` table may give: ten years.
const MAX_NOTICE_MONTHS: i64 = 120;

fn check_need(c: &mut Checker<'_>, name: &str, e: &NeedEntry) -> Option<Need> {
    let given: Vec<&str> = [
        e.component.as_ref().map(|_| "component"),
        e.interface.as_ref().map(|_| "interface"),
        e.capability.as_ref().map(|_| "capability"),
    ]
    .into_iter()
    .flatten()
    .collect();
    if given.len() != 1 {
        let message = if given.is_empty() {
            format!(
                "need `{}` names no component, interface or capability",
                text::escape(name)
            )
        } else {
            format!(
                "need `{}` names {}; a need names exactly one",
                text::escape(name),
                given.join(" and ")
            )
        };
        c.error(Code::InvalidNeed, path!["needs", name], message)
            .hint = Some("write e.g. { capability = \"cms\" } or { component = \"fixmystreet\", version = \">=5\" }".into());
        return None;
    }
    let version = match &e.version {
        Some(v) => c.range(v, path!["needs", name, "version"])?,
        None => VersionReq::STAR,
    };
    if let Some(id) = &e.component {
        let id = c.id("component", id, path!["needs", name, "component"])?;
        Some(Need::Component { id, version })
    } else if let Some(id) = &e.interface {
        let id = c.id("interface", id, path!["needs", name, "interface"])?;
        Some(Need::Interface { id, version })
    } else {
        let cap = e.capability.as_deref().unwrap_or_default();
        if e.version.is_some() {
            c.error(
                Code::InvalidNeed,
                path!["needs", name, "version"],
                "a capability need has no version; name a component or interface to pin one",
            );
        }
        let id = c.id("capability", cap, path!["needs", name, "capability"])?;
        Some(Need::Capability { id })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes<T>(p: &Parsed<T>) -> Vec<&'static str> {
        p.diagnostics.iter().map(|d| d.code.as_str()).collect()
    }

    const COMPONENT: &str = r#"
id = "fixmystreet"
name = "FixMyStreet Pro"
summary = "Street fault reporting"
supplier = "mySociety"
licence = "AGPL-3.0-or-later"
kind = "self-hosted"
capabilities = ["street-reporting"]
lifecycle = "live"
homepage = "https://www.fixmystreet.com"

[[release]]
version = "5.0.0"
released = 2024-03-01
support-ends = 2027-03-01
provides = { open311-georeport = "2.0.0" }
requires = { govuk-notify-api = "^2" }
"#;

    #[test]
    fn reads_a_good_component() {
        let p = component(
            "components/fixmystreet.toml",
            Some("fixmystreet"),
            COMPONENT,
        );
        assert!(p.diagnostics.is_empty(), "{:?}", p.diagnostics);
        let c = p.value.unwrap();
        assert_eq!(c.releases.len(), 1);
        assert!(c.licence.is_open_source());
    }

    #[test]
    fn reports_every_problem_in_a_file() {
        let bad = COMPONENT
            .replace("\"5.0.0\"", "\"5.0\"")
            .replace("https://www", "http://www")
            .replace("\"^2\"", "\"^^2\"")
            .replace("AGPL-3.0-or-later", "AGPL")
            .replace("2027-03-01", "2023-03-01");
        let p = component("components/fixmystreet.toml", Some("fixmystreet"), &bad);
        let mut got = codes(&p);
        got.sort();
        assert_eq!(
            got,
            [
                "insecure-url",
                "invalid-licence",
                "invalid-range",
                "invalid-version",
                "support-ends-before-release"
            ]
        );
    }

    #[test]
    fn maps_serde_errors_to_codes() {
        let p = component("c.toml", None, &format!("{COMPONENT}colour = \"red\"\n"));
        assert_eq!(codes(&p), ["unknown-field"]);
        let p = component(
            "c.toml",
            None,
            &COMPONENT.replace("released = 2024-03-01", ""),
        );
        assert_eq!(codes(&p), ["missing-field"]);
        let p = component("c.toml", None, &format!("{COMPONENT}\nid = \"x\"\n"));
        assert!(
            codes(&p) == ["duplicate-key"] || codes(&p) == ["unknown-field"],
            "{:?}",
            codes(&p)
        );
        let p = component("c.toml", None, "id = ");
        assert_eq!(codes(&p), ["parse-error"]);
        let p = component(
            "c.toml",
            None,
            &COMPONENT.replace("2024-03-01", "\"2024-03-01\""),
        );
        assert_eq!(codes(&p), ["invalid-type"]);
        assert!(p.diagnostics[0].hint.is_some());
    }

    #[test]
    fn suggests_full_versions() {
        assert_eq!(
            suggest_version("1.2").as_deref(),
            Some("write it in full: \"1.2.0\"")
        );
        assert_eq!(
            suggest_version("v3").as_deref(),
            Some("write it in full: \"3.0.0\"")
        );
        assert_eq!(suggest_version("banana"), None);
    }

    #[test]
    fn needs_name_exactly_one_thing() {
        let src = "[stack]\nname = \"x\"\n[needs]\na = { component = \"p\", interface = \"q\" }\nb = { capability = \"cms\", version = \"^1\" }\nc = {}\n";
        let p = stack("s.toml", None, src);
        assert_eq!(codes(&p), ["invalid-need", "invalid-need", "invalid-need"]);
    }

    /// Found by auditing the slices of input text: `http:` followed by a host, without
    /// slashes, is a valid URL, and cutting `http://` off it split a character.
    #[test]
    fn http_urls_without_slashes_get_a_hint_not_a_panic() {
        let p = component(
            "c.toml",
            None,
            &COMPONENT.replace("https://www.fixmystreet.com", "http:x\u{e9}"),
        );
        assert_eq!(codes(&p), ["insecure-url"]);
        assert_eq!(
            p.diagnostics[0].hint.as_deref(),
            Some("use an https:// URL")
        );
        let p = component(
            "c.toml",
            None,
            &COMPONENT.replace("https://www.fixmystreet.com", "http://x\u{e9}"),
        );
        assert_eq!(
            p.diagnostics[0].hint.as_deref(),
            Some("use https://x\u{e9}")
        );
    }

    #[test]
    fn decode_refuses_large_and_non_utf8_files() {
        let big = vec![b'#'; (MAX_FILE_SIZE + 1) as usize];
        assert_eq!(decode("f", &big).unwrap_err().code, Code::FileTooLarge);
        let d = decode("f", b"id = \"a\"\nname = \"\xff\"").unwrap_err();
        assert_eq!(
            (d.code, d.line, d.column),
            (Code::NotUtf8, Some(2), Some(9))
        );
    }
}
