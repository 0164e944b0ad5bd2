//! Checks one file at a time and turns it into model types.
//!
//! Every check records a `Diagnostic` with a stable code and a key path, then carries on,
//! so one run reports every problem in a file. Bad parts are left out of the result (a
//! release with a bad version, a `requires` entry with a bad range) while the rest is kept,
//! so that cross-file checks see as much as possible without piling up follow-on findings.

mod component;
pub mod plain_toml;
mod stack;

pub use component::component;
pub use stack::stack;

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

/// Like `decode`, keeping the bytes as the text (checked once, not copied).
pub fn decode_owned(file: &str, bytes: Vec<u8>) -> Result<String, Box<Diagnostic>> {
    if bytes.len() as u64 > MAX_FILE_SIZE {
        return Err(Box::new(too_large(file, bytes.len() as u64)));
    }
    String::from_utf8(bytes).map_err(|e| match decode(file, e.as_bytes()) {
        Err(d) => d,
        // `from_utf8` and `decode` agree on what UTF-8 is.
        Ok(_) => Box::new(Diagnostic::error(
            file,
            Code::NotUtf8,
            "file is not UTF-8 text",
        )),
    })
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
///
/// Plain TOML (most manifests) is read by `plain_toml`, several times as fast; whatever it
/// declines is read by the toml crate, which also gives any error.
fn parse_toml<T: DeserializeOwned>(file: &str, source: &str) -> Result<T, Box<Diagnostic>> {
    if let Some(value) = plain_toml::from_str(source) {
        return Ok(value);
    }
    toml::from_str(source).map_err(|e| Box::new(toml_error(file, &e)))
}

/// The TOML syntax error in `source`, if it has one: what a file whose kind cannot be
/// told is reported with first.
pub fn syntax_error(file: &str, source: &str) -> Option<Diagnostic> {
    toml::from_str::<toml::Table>(source)
        .err()
        .map(|e| toml_error(file, &e))
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

    fn error(
        &mut self,
        code: Code,
        path: impl FnOnce() -> Vec<Seg>,
        message: impl Into<String>,
    ) -> &mut Diagnostic {
        let d = Diagnostic::error(self.file, code, message).at_value(path());
        self.push(d)
    }

    fn key_error(
        &mut self,
        code: Code,
        path: impl FnOnce() -> Vec<Seg>,
        message: impl Into<String>,
    ) -> &mut Diagnostic {
        let d = Diagnostic::error(self.file, code, message).at_key(path());
        self.push(d)
    }

    /// Records `d` and returns it, for a hint to be added.
    fn push(&mut self, d: Diagnostic) -> &mut Diagnostic {
        let at = self.diagnostics.len();
        self.diagnostics.push(d);
        &mut self.diagnostics[at]
    }

    fn id(&mut self, what: &str, s: &str, path: impl FnOnce() -> Vec<Seg>) -> Option<Id> {
        self.id_at(what, s, path, false)
    }

    fn key_id(&mut self, what: &str, s: &str, path: impl FnOnce() -> Vec<Seg>) -> Option<Id> {
        self.id_at(what, s, path, true)
    }

    fn id_at(
        &mut self,
        what: &str,
        s: &str,
        path: impl FnOnce() -> Vec<Seg>,
        key: bool,
    ) -> Option<Id> {
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

    fn version(&mut self, s: &str, path: impl FnOnce() -> Vec<Seg>) -> Option<Version> {
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

    fn range(&mut self, s: &str, path: impl FnOnce() -> Vec<Seg>) -> Option<VersionReq> {
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
    fn text(
        &mut self,
        s: &str,
        path: impl FnOnce() -> Vec<Seg>,
        multiline: bool,
        may_be_empty: bool,
    ) {
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

    fn url(&mut self, s: &str, path: impl FnOnce() -> Vec<Seg>) {
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

    fn date(
        &mut self,
        dt: &toml::value::Datetime,
        path: impl FnOnce() -> Vec<Seg>,
    ) -> Option<Date> {
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

    fn tag(&mut self, s: &str, path: impl FnOnce() -> Vec<Seg>) -> bool {
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
                || path!["id"],
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
    c.text(&r.name, || path!["registry", "name"], false, false);
    c.text(
        &r.description,
        || path!["registry", "description"],
        true,
        true,
    );
    if r.format != FORMAT {
        c.error(
            Code::UnsupportedFormat,
            || path!["registry", "format"],
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
    let id = c.id("interface id", &raw.id, || path!["id"]);
    c.check_file_id(&raw.id, expected_id);
    c.text(&raw.name, || path!["name"], false, false);
    c.text(&raw.summary, || path!["summary"], false, false);
    c.text(&raw.owner, || path!["owner"], false, false);
    c.url(&raw.specification, || path!["specification"]);
    let mut versions = Vec::new();
    for (i, v) in raw.versions.iter().enumerate() {
        if let Some(version) = c.version(v, || path!["versions", i]) {
            if versions.contains(&version) {
                c.error(
                    Code::InvalidVersion,
                    || path!["versions", i],
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
            || path!["versions"],
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

#[cfg(test)]
mod tests {
    use super::*;

    fn codes<T>(p: &Parsed<T>) -> Vec<&'static str> {
        p.diagnostics.iter().map(|d| d.code.as_str()).collect()
    }

    const COMPONENT: &str = r#"
id = "fixmystreet"
name = "FixMyStreet Platform"
summary = "Street fault reporting"
supplier = "mySociety"
licence = "AGPL-3.0-or-later"
kind = "self-hosted"
capabilities = ["street-reporting"]
lifecycle = "live"
homepage = "https://fixmystreet.org"

[[release]]
version = "5.0.0"
released = 2023-05-01
support-ends = 2027-03-01
requires = { open311-georeport = "^2" }
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
            .replace("https://fixmystreet", "http://fixmystreet")
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
            &COMPONENT.replace("released = 2023-05-01", ""),
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
            &COMPONENT.replace("2023-05-01", "\"2023-05-01\""),
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

    /// Found by auditing the slices of input text: `http:` followed by a host, without
    /// slashes, is a valid URL, and cutting `http://` off it split a character.
    #[test]
    fn http_urls_without_slashes_get_a_hint_not_a_panic() {
        let p = component(
            "c.toml",
            None,
            &COMPONENT.replace("https://fixmystreet.org", "http:x\u{e9}"),
        );
        assert_eq!(codes(&p), ["insecure-url"]);
        assert_eq!(
            p.diagnostics[0].hint.as_deref(),
            Some("use an https:// URL")
        );
        let p = component(
            "c.toml",
            None,
            &COMPONENT.replace("https://fixmystreet.org", "http://x\u{e9}"),
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
