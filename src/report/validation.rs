//! `stackreg validate`: every finding, as annotated source for people, JSON for programs,
//! workflow commands for GitHub Actions and markdown for pull-request comments.

use std::collections::BTreeMap;
use std::fmt;

use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};
use serde::Serialize;

use crate::diagnostic::{Diagnostic, Severity};
use crate::text;

/// The answer to `validate`.
#[derive(Debug, Clone, Serialize)]
pub struct ValidationReport {
    pub valid: bool,
    /// How many files were checked.
    pub checked: usize,
    pub errors: Vec<Diagnostic>,
    pub warnings: Vec<Diagnostic>,
    /// The text of files with findings, for quoting the offending line.
    #[serde(skip)]
    pub sources: BTreeMap<String, String>,
    /// The registry folder relative to the repository root (`registry/`), prefixed to
    /// paths in GitHub annotations so they land on the right file.
    #[serde(skip)]
    pub repo_prefix: String,
}

impl ValidationReport {
    pub fn new(
        checked: usize,
        diagnostics: Vec<Diagnostic>,
        sources: BTreeMap<String, String>,
        repo_prefix: String,
    ) -> ValidationReport {
        let (errors, warnings): (Vec<_>, Vec<_>) =
            diagnostics.into_iter().partition(Diagnostic::is_error);
        ValidationReport {
            valid: errors.is_empty(),
            checked,
            errors,
            warnings,
            sources,
            repo_prefix,
        }
    }

    fn all(&self) -> impl Iterator<Item = &Diagnostic> {
        let mut all: Vec<&Diagnostic> = self.errors.iter().chain(&self.warnings).collect();
        all.sort_by(|a, b| (&a.file, a.line, a.column).cmp(&(&b.file, b.line, b.column)));
        all.into_iter()
    }

    /// Findings as source excerpts with a marker under the problem, as a compiler shows them.
    pub fn human(&self, color: bool) -> String {
        let renderer = if color {
            Renderer::styled()
        } else {
            Renderer::plain()
        };
        let mut out = String::new();
        for d in self.all() {
            out.push_str(&render_one(&renderer, d, self.sources.get(&d.file)));
            out.push_str("\n\n");
        }
        out.push_str(&self.summary());
        out.push('\n');
        out
    }

    /// `checked N files: E errors, W warnings`.
    pub fn summary(&self) -> String {
        let plural = |n: usize, w: &str| format!("{n} {w}{}", if n == 1 { "" } else { "s" });
        format!(
            "{}: checked {}, {}, {}",
            if self.valid { "valid" } else { "invalid" },
            plural(self.checked, "file"),
            plural(self.errors.len(), "error"),
            plural(self.warnings.len(), "warning"),
        )
    }

    /// GitHub Actions workflow commands, one per finding.
    pub fn github(&self) -> String {
        let mut out = String::new();
        for d in self.all() {
            let level = match d.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
            };
            let mut props = format!(
                "file={}",
                gh_property(&format!("{}{}", self.repo_prefix, d.file))
            );
            if let Some(line) = d.line {
                props.push_str(&format!(",line={line}"));
            }
            if let Some(col) = d.column {
                props.push_str(&format!(",col={col}"));
            }
            props.push_str(&format!(",title={}", gh_property(d.code.as_str())));
            let mut message = gh_data(&d.message);
            if let Some(h) = &d.hint {
                message.push_str(&format!("%0Ahint: {}", gh_data(h)));
            }
            out.push_str(&format!("::{level} {props}::{message}\n"));
        }
        out.push_str(&format!("{}\n", self.summary()));
        out
    }

    /// One row per finding, errors and warnings in file order.
    pub fn csv(&self) -> String {
        super::csv::table(
            &[
                "severity", "file", "line", "column", "code", "message", "hint",
            ],
            self.all().map(|d| {
                vec![
                    match d.severity {
                        Severity::Error => "error".to_owned(),
                        Severity::Warning => "warning".to_owned(),
                    },
                    d.file.clone(),
                    d.line.map(|l| l.to_string()).unwrap_or_default(),
                    d.column.map(|c| c.to_string()).unwrap_or_default(),
                    d.code.to_string(),
                    d.message.clone(),
                    d.hint.clone().unwrap_or_default(),
                ]
            }),
        )
    }

    pub fn markdown(&self) -> String {
        let mut out = format!("**{}**\n\n", self.summary());
        if self.errors.is_empty() && self.warnings.is_empty() {
            return out;
        }
        out.push_str(&super::md_table(
            &["", "file", "code", "message"],
            self.all().map(|d| {
                vec![
                    match d.severity {
                        Severity::Error => "error".to_owned(),
                        Severity::Warning => "warning".to_owned(),
                    },
                    location(d),
                    d.code.to_string(),
                    match &d.hint {
                        Some(h) => format!("{} (hint: {h})", d.message),
                        None => d.message.clone(),
                    },
                ]
            }),
        ));
        out
    }
}

/// `file:line:col`, as far as known.
pub fn location(d: &Diagnostic) -> String {
    match (d.line, d.column) {
        (Some(l), Some(c)) => format!("{}:{l}:{c}", d.file),
        (Some(l), None) => format!("{}:{l}", d.file),
        _ => d.file.clone(),
    }
}

/// Renders one finding; the quoted line is escaped so that it prints safely.
pub fn render_one(renderer: &Renderer, d: &Diagnostic, source: Option<&String>) -> String {
    let level = match d.severity {
        Severity::Error => Level::ERROR,
        Severity::Warning => Level::WARNING,
    };
    let title = text::escape(&d.message).into_owned();
    let file = text::escape(&location(d)).into_owned();
    // A snippet prints its own line and column after its path.
    let path = text::escape(&d.file).into_owned();
    let excerpt = match (source, &d.span, d.line) {
        (Some(src), Some(span), Some(line)) => Some(excerpt(src, span.clone(), line)),
        _ => None,
    };
    let title = level.primary_title(title.as_str()).id(d.code.as_str());
    let hint = d.hint.as_ref().map(|h| text::escape(h).into_owned());
    let group = match &excerpt {
        Some((line_text, span, line)) => title.element(
            Snippet::source(line_text.as_str())
                .line_start(*line as usize)
                .path(path.as_str())
                .annotation(AnnotationKind::Primary.span(span.clone())),
        ),
        None => title.element(Level::NOTE.message(format!("in {file}"))),
    };
    let mut groups: Vec<Group<'_>> = vec![group];
    if let Some(h) = &hint {
        groups.push(Group::with_title(Level::HELP.secondary_title(h.as_str())));
    }
    let rendered = renderer.render(&groups).to_string();
    // The renderer counts the column on the quoted line, which is escaped (a tab shows as
    // `\t`, a NUL as `\u{0}`); the header must give the column of the file as written,
    // as JSON and GitHub annotations do.
    match (&excerpt, d.column) {
        (Some((line_text, span, line)), Some(column)) => {
            let counted = line_text
                .get(..span.start)
                .map_or(0, |before| before.chars().count())
                + 1;
            if counted == column as usize {
                return rendered;
            }
            let (title_line, rest) = rendered.split_once('\n').unwrap_or((&rendered, ""));
            let rest = rest.replacen(
                &format!("{path}:{line}:{counted}"),
                &format!("{path}:{line}:{column}"),
                1,
            );
            format!("{title_line}\n{rest}")
        }
        _ => rendered,
    }
}

/// The escaped line holding the start of `span`, with the span moved onto it.
fn excerpt(
    src: &str,
    span: std::ops::Range<usize>,
    line: u32,
) -> (String, std::ops::Range<usize>, u32) {
    let mut start = span.start.min(src.len());
    while !src.is_char_boundary(start) {
        start -= 1;
    }
    let line_start = src[..start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = src[start..].find('\n').map_or(src.len(), |i| start + i);
    let mut end = span.end.clamp(start, line_end);
    while !src.is_char_boundary(end) {
        end += 1;
    }
    let before = text::escape(&src[line_start..start]);
    let inside = text::escape(&src[start..end]);
    let after = text::escape(&src[end..line_end]);
    let a = before.len();
    // An empty span marks the character after it, whole (it may take several bytes).
    let b = if inside.is_empty() {
        a + after.chars().next().map_or(0, char::len_utf8)
    } else {
        a + inside.len()
    };
    let line_text = format!("{before}{inside}{after}");
    (line_text, a..b, line)
}

/// Escapes a value for a workflow command's message.
fn gh_data(s: &str) -> String {
    text::escape(s).replace('%', "%25")
}

/// Escapes a workflow command property (file, title).
fn gh_property(s: &str) -> String {
    gh_data(s).replace(':', "%3A").replace(',', "%2C")
}

impl fmt::Display for ValidationReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.human(false))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Found by fuzzing (fuzz/seeds/stack/regression-multibyte-after-error): a finding
    /// located just before a two-byte character made the renderer slice inside it.
    #[test]
    fn an_empty_span_before_a_multibyte_character() {
        let src = "[needs]\nw = \"cms\"\u{742}\nnext = 1\n";
        let at = src.find('\u{742}').unwrap();
        let (line, span, _) = excerpt(src, at..at, 2);
        assert!(line.is_char_boundary(span.start) && line.is_char_boundary(span.end));
        assert_eq!(&line[span], "\u{742}");
        let mut d =
            Diagnostic::error("s.toml", crate::diagnostic::Code::ParseError, "x").at_span(at..at);
        crate::diagnostic::locate_all(src, [&mut d]);
        let out = render_one(&Renderer::plain(), &d, Some(&src.to_owned()));
        assert!(out.contains("s.toml:2:"), "{out}");
        // Spans that do not fall on character boundaries at all are rounded out.
        let (line, span, _) = excerpt(src, at + 1..at + 1, 2);
        assert!(line.is_char_boundary(span.start) && line.is_char_boundary(span.end));
    }
}
