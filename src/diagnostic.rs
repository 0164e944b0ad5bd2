//! Findings about manifests: what is wrong, where, and under which stable code.
//!
//! Checks record *where* a problem is as a key path into the TOML document
//! (`release[2].requires.govuk-notify-api`), which keeps the model free of spans and costs
//! nothing when a registry is clean. Paths are turned into byte spans, lines and columns
//! only for the files that have findings, by parsing those files again with spans.

use std::fmt;
use std::ops::Range;

use serde::{Deserialize, Serialize};
use toml::Spanned;
use toml::de::{DeTable, DeValue};

/// How bad a finding is: errors fail `validate`, warnings do not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

macro_rules! codes {
    ($($(#[$doc:meta])* $variant:ident = $name:literal,)*) => {
        /// The stable, kebab-case code of every finding `validate` can report.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Code {
            $($(#[$doc])* $variant,)*
        }

        impl Code {
            /// Every code, in declaration order.
            pub const ALL: &'static [Code] = &[$(Code::$variant,)*];

            /// The code as printed and as matched by CI.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(Code::$variant => $name,)*
                }
            }

            /// The code printed as `s`.
            pub fn parse(s: &str) -> Option<Code> {
                match s {
                    $($name => Some(Code::$variant),)*
                    _ => None,
                }
            }
        }
    };
}

codes! {
    /// The file is not valid TOML.
    ParseError = "parse-error",
    /// A key appears twice in one table.
    DuplicateKey = "duplicate-key",
    /// A key the format does not define.
    UnknownField = "unknown-field",
    /// A required key is absent.
    MissingField = "missing-field",
    /// A value of the wrong TOML type.
    InvalidType = "invalid-type",
    /// A value outside the allowed set (kind, lifecycle, ...).
    InvalidValue = "invalid-value",
    /// The file is larger than the size limit.
    FileTooLarge = "file-too-large",
    /// The file is not UTF-8 text.
    NotUtf8 = "not-utf8",
    /// Text with control or bidirectional-override characters.
    ForbiddenCharacter = "forbidden-character",
    /// A name that mixes scripts, as look-alike names do (`Suppliеr` with a Cyrillic `е`).
    MixedScript = "mixed-script",
    /// An id that breaks the id rules.
    InvalidId = "invalid-id",
    /// The id does not match the file name.
    IdMismatch = "id-mismatch",
    /// Two ids that are equal ignoring case.
    DuplicateId = "duplicate-id",
    /// Two releases with the same version.
    DuplicateRelease = "duplicate-release",
    /// A version that is not semver.
    InvalidVersion = "invalid-version",
    /// A version range that is not a Cargo-style requirement.
    InvalidRange = "invalid-range",
    /// A licence that is not an SPDX expression.
    InvalidLicence = "invalid-licence",
    /// A URL that is not https.
    InsecureUrl = "insecure-url",
    /// A malformed URL.
    InvalidUrl = "invalid-url",
    /// A date that is not a plain calendar date.
    InvalidDate = "invalid-date",
    /// `support-ends` on or before `released`.
    SupportEndsBeforeRelease = "support-ends-before-release",
    /// `yanked` present but empty.
    EmptyYankReason = "empty-yank-reason",
    /// A component with no releases.
    NoReleases = "no-releases",
    /// A reference to an interface that does not exist.
    UnknownInterface = "unknown-interface",
    /// An interface version the interface does not publish.
    UnknownInterfaceVersion = "unknown-interface-version",
    /// A reference to a component that does not exist.
    UnknownComponent = "unknown-component",
    /// A capability no component serves.
    UnknownCapability = "unknown-capability",
    /// A `depends` range that matches no release of that component.
    UnmatchedDepends = "unmatched-depends",
    /// A `requires` range that no other component's release provides.
    UnsatisfiableRequires = "unsatisfiable-requires",
    /// Components that depend on each other in a loop.
    DependencyCycle = "dependency-cycle",
    /// A release that names its own component in `conflicts`.
    SelfConflict = "self-conflict",
    /// A stack need that is not exactly one of component, interface or capability.
    InvalidNeed = "invalid-need",
    /// A file that has no place in the registry layout.
    UnexpectedFile = "unexpected-file",
    /// A symbolic link inside the registry.
    Symlink = "symlink",
    /// A git submodule inside the registry.
    Submodule = "submodule",
    /// A `registry.toml` of a format this version cannot read.
    UnsupportedFormat = "unsupported-format",
    /// A published release changed in something other than `yanked`.
    ReleaseChanged = "release-changed",
    /// A published release, or its component, was removed.
    ReleaseRemoved = "release-removed",
    /// A reference stack for which no plan exists.
    StackUnresolvable = "stack-unresolvable",
    /// A reference stack's lock file that is not the plan `resolve` gives for the stack as
    /// it is (written from another version of it, not a plan, or not the plan).
    StaleLock = "stale-lock",
}

impl Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Code {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Code, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        Code::parse(&s)
            .ok_or_else(|| serde::de::Error::custom(format_args!("no finding code `{s}`")))
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One step of a key path into a TOML document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Seg {
    Key(String),
    Index(usize),
    /// The element of an array of tables whose `version` is this version.
    Release(String),
}

impl From<&str> for Seg {
    fn from(s: &str) -> Seg {
        Seg::Key(s.to_owned())
    }
}

impl From<String> for Seg {
    fn from(s: String) -> Seg {
        Seg::Key(s)
    }
}

impl From<usize> for Seg {
    fn from(i: usize) -> Seg {
        Seg::Index(i)
    }
}

/// Where in a file a finding points, before it is turned into a line and column.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum At {
    /// The file as a whole.
    #[default]
    File,
    /// A byte range in the file.
    Span(Range<usize>),
    /// The value at a key path.
    Value(Vec<Seg>),
    /// The key at the end of a key path (for "unknown X" findings about a map key).
    Key(Vec<Seg>),
}

/// Builds a key path: `path!["release", 2, "requires", id]`.
#[macro_export]
macro_rules! path {
    ($($seg:expr),* $(,)?) => {
        vec![$($crate::diagnostic::Seg::from($seg)),*]
    };
}

/// One finding about one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// The file, relative to the registry root, with `/` separators.
    pub file: String,
    /// 1-based line, when known.
    pub line: Option<u32>,
    /// 1-based column in characters, when known.
    pub column: Option<u32>,
    pub code: Code,
    pub message: String,
    pub severity: Severity,
    pub hint: Option<String>,
    pub at: At,
    /// The byte range the finding points at, once located.
    pub span: Option<Range<usize>>,
}

/// A finding in compact formats (the index cache): every field but `at`, which only
/// matters until a finding is located (findings are stored located).
type Compact<'a> = (
    std::borrow::Cow<'a, str>,
    Option<u32>,
    Option<u32>,
    Code,
    std::borrow::Cow<'a, str>,
    Severity,
    Option<std::borrow::Cow<'a, str>>,
    Option<(usize, usize)>,
);

/// As text (JSON reports): `file`, `line`, `column`, `code`, `message` and `hint` when
/// there is one; the severity is told by the list a finding is in. In compact formats,
/// every field but `at`.
impl Serialize for Diagnostic {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct as _;
        if !s.is_human_readable() {
            let compact: Compact<'_> = (
                self.file.as_str().into(),
                self.line,
                self.column,
                self.code,
                self.message.as_str().into(),
                self.severity,
                self.hint.as_deref().map(Into::into),
                self.span.as_ref().map(|r| (r.start, r.end)),
            );
            return compact.serialize(s);
        }
        let mut out = s.serialize_struct("Diagnostic", 5 + usize::from(self.hint.is_some()))?;
        out.serialize_field("file", &self.file)?;
        out.serialize_field("line", &self.line)?;
        out.serialize_field("column", &self.column)?;
        out.serialize_field("code", &self.code)?;
        out.serialize_field("message", &self.message)?;
        if let Some(hint) = &self.hint {
            out.serialize_field("hint", hint)?;
        }
        out.end()
    }
}

/// Read back from compact formats only: the text form leaves out the severity.
impl<'de> Deserialize<'de> for Diagnostic {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Diagnostic, D::Error> {
        if d.is_human_readable() {
            return Err(serde::de::Error::custom(
                "findings are read back from compact formats only",
            ));
        }
        let (file, line, column, code, message, severity, hint, span) = Compact::deserialize(d)?;
        Ok(Diagnostic {
            file: file.into_owned(),
            line,
            column,
            code,
            message: message.into_owned(),
            severity,
            hint: hint.map(std::borrow::Cow::into_owned),
            at: At::File,
            span: span.map(|(a, b)| a..b),
        })
    }
}

impl Diagnostic {
    pub fn error(file: impl Into<String>, code: Code, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            file: file.into(),
            line: None,
            column: None,
            code,
            message: message.into(),
            severity: Severity::Error,
            hint: None,
            at: At::File,
            span: None,
        }
    }

    pub fn warning(file: impl Into<String>, code: Code, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(file, code, message)
        }
    }

    /// Points the finding at the value at `path`.
    pub fn at_value(mut self, path: Vec<Seg>) -> Diagnostic {
        self.at = At::Value(path);
        self
    }

    /// Points the finding at the key that ends `path`.
    pub fn at_key(mut self, path: Vec<Seg>) -> Diagnostic {
        self.at = At::Key(path);
        self
    }

    /// Points the finding at a byte range.
    pub fn at_span(mut self, span: Range<usize>) -> Diagnostic {
        self.at = At::Span(span);
        self
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> Diagnostic {
        self.hint = Some(hint.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// Fills in `span`, `line` and `column` from the file's text.
    pub fn locate(&mut self, text: &str, doc: Option<&Spanned<DeTable<'_>>>) {
        let span = match &self.at {
            At::File => None,
            At::Span(span) => Some(span.clone()),
            At::Value(path) => doc.and_then(|d| find(d, path, false)),
            At::Key(path) => doc.and_then(|d| find(d, path, true)),
        };
        if let Some(span) = span {
            let start = floor_char_boundary(text, span.start.min(text.len()));
            let (line, column) = line_column(text, start);
            self.line = Some(line);
            self.column = Some(column);
            self.span = Some(start..floor_char_boundary(text, span.end.min(text.len())).max(start));
        }
    }
}

/// Locates every finding in `text` (the file they all belong to).
pub fn locate_all<'a>(text: &str, diagnostics: impl IntoIterator<Item = &'a mut Diagnostic>) {
    let doc = DeTable::parse(text).ok();
    for d in diagnostics {
        d.locate(text, doc.as_ref());
    }
}

fn find(doc: &Spanned<DeTable<'_>>, path: &[Seg], want_key: bool) -> Option<Range<usize>> {
    let mut best = None;
    let mut table: Option<&DeTable<'_>> = Some(doc.get_ref());
    let mut value: Option<&Spanned<DeValue<'_>>> = None;
    for (i, seg) in path.iter().enumerate() {
        let last = i + 1 == path.len();
        match seg {
            Seg::Key(key) => {
                let (k, v) = table?.iter().find(|(k, _)| k.get_ref() == key)?;
                best = Some(if last && want_key { k.span() } else { v.span() });
                value = Some(v);
            }
            Seg::Index(index) => {
                let array = value?.get_ref().as_array()?;
                let v = array.get(*index)?;
                best = Some(v.span());
                value = Some(v);
            }
            Seg::Release(version) => {
                let array = value?.get_ref().as_array()?;
                let v = array
                    .iter()
                    .find(|v| release_has_version(v.get_ref(), version))?;
                best = Some(v.span());
                value = Some(v);
            }
        }
        table = match value.map(|v| v.get_ref()) {
            Some(DeValue::Table(t)) => Some(t),
            _ => None,
        };
        if table.is_none() && !last && matches!(path.get(i + 1), Some(Seg::Key(_))) {
            break;
        }
    }
    best
}

fn release_has_version(v: &DeValue<'_>, version: &str) -> bool {
    let DeValue::Table(t) = v else {
        return false;
    };
    t.iter().any(|(k, v)| {
        k.get_ref() == "version"
            && matches!(v.get_ref(), DeValue::String(s)
                if s == version
                    || semver::Version::parse(s)
                        .is_ok_and(|a| semver::Version::parse(version).is_ok_and(|b| a == b)))
    })
}

fn floor_char_boundary(text: &str, mut i: usize) -> usize {
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// 1-based line and character column of byte offset `at`.
pub fn line_column(text: &str, at: usize) -> (u32, u32) {
    let before = &text[..floor_char_boundary(text, at.min(text.len()))];
    let line = before.bytes().filter(|&b| b == b'\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before[line_start..].chars().count() + 1;
    (
        u32::try_from(line).unwrap_or(u32::MAX),
        u32::try_from(column).unwrap_or(u32::MAX),
    )
}

/// Sorts findings for output: by file, line, column, then code.
pub fn sort(diagnostics: &mut [Diagnostic]) {
    diagnostics.sort_by(|a, b| {
        (&a.file, a.line, a.column, a.code, &a.message)
            .cmp(&(&b.file, b.line, b.column, b.code, &b.message))
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = "id = \"x\"\n\n[[release]]\nversion = \"1.0.0\"\n\n[[release]]\nversion = \"2.0.0\"\nrequires = { notify = \"^2\" }\n";

    #[test]
    fn locates_values_and_keys_by_path() {
        let mut d = Diagnostic::error("c.toml", Code::UnknownInterface, "x")
            .at_key(path!["release", 1, "requires", "notify"]);
        locate_all(DOC, [&mut d]);
        assert_eq!((d.line, d.column), (Some(8), Some(14)));

        let mut d = Diagnostic::error("c.toml", Code::InvalidVersion, "x")
            .at_value(path!["release", 1, "version"]);
        locate_all(DOC, [&mut d]);
        assert_eq!((d.line, d.column), (Some(7), Some(11)));
    }

    #[test]
    fn falls_back_to_the_deepest_known_place() {
        let mut d = Diagnostic::error("c.toml", Code::UnknownField, "x").at_key(path![
            "release",
            Seg::Release("2.0.0".into()),
            "requires",
            "notify"
        ]);
        locate_all(DOC, [&mut d]);
        assert_eq!((d.line, d.column), (Some(8), Some(14)));

        let mut d =
            Diagnostic::error("c.toml", Code::UnknownField, "x").at_value(path!["id", "nope"]);
        locate_all(DOC, [&mut d]);
        assert_eq!(d.line, Some(1));
    }

    #[test]
    fn codes_are_kebab_case_and_unique() {
        let mut seen = std::collections::BTreeSet::new();
        for code in Code::ALL {
            let s = code.as_str();
            let kebab = s.split('-').all(|w| {
                !w.is_empty()
                    && w.bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
            });
            assert!(kebab, "{s}");
            assert_eq!(Code::parse(s), Some(*code));
            assert!(seen.insert(s), "duplicate code {s}");
        }
    }
}
