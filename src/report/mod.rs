//! Answers, one type each, that print as a human table fitted to a `Layout` (and as
//! `Display` at the default layout), as JSON (`Serialize`) and, where it makes sense, as
//! markdown or CSV. The command line picks the format in one place and hands over the
//! `Output` it built once; nothing here knows about flags.

pub mod alternatives;
pub mod compare;
pub mod csv;
pub mod explain;
pub mod graph;
pub mod history;
pub mod import;
pub mod interfaces;
pub mod list;
pub mod merge;
pub mod new_stack;
pub mod outdated;
pub mod output;
pub mod registry;
pub mod renewals;
pub mod resolve;
pub mod show;
mod table;
pub mod used_by;
pub mod validation;
pub mod whatif;
pub mod why;

use std::fmt;
use std::io::Write as _;

use serde::Serialize;

pub use output::{ColorWhen, Layout, Output, Paint};

use crate::text;

/// An answer that prints as a human table fitted to a `Layout`, as JSON (`Serialize`) and
/// markdown, and optionally CSV. The command line picks one of them in `Ctx::emit`.
/// `Display` is the human form at the default layout (100 columns, no colour).
pub trait Report: fmt::Display + Serialize {
    /// The human form, fitted to `layout`.
    fn render(&self, layout: &Layout, f: &mut dyn fmt::Write) -> fmt::Result;

    fn markdown(&self) -> String;

    fn csv(&self) -> Option<String> {
        None
    }

    /// The human form as a string.
    fn human(&self, layout: &Layout) -> String {
        let mut out = String::new();
        // Writing to a string cannot fail.
        let _ = self.render(layout, &mut out);
        out
    }
}

/// Implements `Report` for types with inherent `render()`, `markdown()` (and `csv()`)
/// methods, and `Display` as `render` at the default layout.
macro_rules! reports {
    ($($ty:ty $(, csv = $csv:ident)?;)*) => {
        $(impl Report for $ty {
            fn render(&self, layout: &Layout, f: &mut dyn fmt::Write) -> fmt::Result {
                <$ty>::render(self, layout, f)
            }
            fn markdown(&self) -> String {
                <$ty>::markdown(self)
            }
            $(fn csv(&self) -> Option<String> {
                Some(<$ty>::$csv(self))
            })?
        }
        impl fmt::Display for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                <$ty>::render(self, &Layout::default(), f)
            }
        })*
    };
}

reports! {
    alternatives::AlternativesReport, csv = csv;
    alternatives::LockInReport, csv = csv;
    history::RegistryDiff, csv = csv;
    history::RegistryLog, csv = csv;
    interfaces::InterfaceList, csv = csv;
    list::ComponentList, csv = csv;
    outdated::OutdatedReport, csv = csv;
    registry::FetchReport;
    registry::InitReport;
    registry::PublishReport;
    resolve::ResolveReport, csv = csv;
    show::ComponentReport;
    show::InterfaceReport;
    why::WhyReport, csv = csv;
    whatif::WhatIfReport, csv = csv;
    renewals::RenewalsReport, csv = csv;
    used_by::UsedByReport, csv = csv;
    compare::CompareReport, csv = csv;
    new_stack::NewStackReport, csv = csv;
    merge::MergeReport, csv = csv;
}

/// Pretty JSON with a trailing newline. Beyond what JSON requires, C1 controls and
/// bidirectional or invisible characters are written as `\u` escapes, so printing the JSON
/// to a terminal is as safe as printing a table.
pub fn json<T: Serialize + ?Sized>(value: &T) -> Result<String, serde_json::Error> {
    let mut out = Vec::new();
    write_json(value, &mut out).map_err(serde_json::Error::io)?;
    // Only whole characters and ASCII escapes were written.
    String::from_utf8(out)
        .map_err(|e| serde_json::Error::io(std::io::Error::new(std::io::ErrorKind::InvalidData, e)))
}

/// `json`, written to `out` as it is made rather than held whole: a lock-in report of a
/// national catalogue is tens of megabytes of JSON.
pub fn write_json<T: Serialize + ?Sized>(
    value: &T,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    let mut buffered = std::io::BufWriter::with_capacity(1 << 16, out);
    let mut escaped = Escaped {
        out: &mut buffered,
        pending: Vec::new(),
    };
    serde_json::to_writer_pretty(&mut escaped, value)?;
    if !escaped.pending.is_empty() {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            "JSON ended inside a character",
        ));
    }
    buffered.write_all(b"\n")?;
    buffered.flush()
}

/// Passes UTF-8 through, writing forbidden characters (`text::is_forbidden`) as `\u`
/// escapes. Outside strings JSON only has ASCII punctuation and whitespace, which is never
/// forbidden except for the newlines of pretty-printing, kept as they are; inside strings
/// serde_json has already escaped newlines. A character split across two writes waits in
/// `pending` for the rest.
struct Escaped<'a> {
    out: &'a mut dyn std::io::Write,
    pending: Vec<u8>,
}

impl std::io::Write for Escaped<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.write_all(buf)?;
        Ok(buf.len())
    }

    fn write_all(&mut self, buf: &[u8]) -> std::io::Result<()> {
        let joined;
        let bytes: &[u8] = if self.pending.is_empty() {
            buf
        } else {
            self.pending.extend_from_slice(buf);
            joined = std::mem::take(&mut self.pending);
            &joined
        };
        let (text, rest) = match std::str::from_utf8(bytes) {
            Ok(text) => (text, &[][..]),
            Err(e) if e.error_len().is_none() => {
                let (whole, rest) = bytes.split_at(e.valid_up_to());
                // Valid up to there, by the error's own account.
                (std::str::from_utf8(whole).unwrap_or_default(), rest)
            }
            Err(e) => return Err(std::io::Error::new(std::io::ErrorKind::InvalidData, e)),
        };
        let mut start = 0;
        for (at, c) in text.char_indices() {
            if c != '\n' && text::is_forbidden(c) {
                self.out.write_all(&text.as_bytes()[start..at])?;
                write!(self.out, "\\u{:04x}", c as u32)?;
                start = at + c.len_utf8();
            }
        }
        self.out.write_all(&text.as_bytes()[start..])?;
        self.pending = rest.to_vec();
        Ok(())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.out.flush()
    }
}

/// Escapes text for a markdown table cell.
pub fn md(s: &str) -> String {
    let escaped = text::escape(s);
    let mut out = String::with_capacity(escaped.len());
    for c in escaped.chars() {
        match c {
            '|' | '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '&' | '~' => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

/// A markdown table.
pub fn md_table<S: AsRef<str>>(header: &[&str], rows: impl IntoIterator<Item = Vec<S>>) -> String {
    let mut out = format!(
        "| {} |\n|{}\n",
        header.join(" | "),
        "---|".repeat(header.len())
    );
    for row in rows {
        let cells: Vec<String> = row.iter().map(|c| md(c.as_ref())).collect();
        out.push_str(&format!("| {} |\n", cells.join(" | ")));
    }
    out
}

/// Joins items with `, `, or `-` when there are none.
pub fn join<I: IntoIterator<Item = S>, S: AsRef<str>>(items: I) -> String {
    let v: Vec<String> = items.into_iter().map(|s| s.as_ref().to_owned()).collect();
    if v.is_empty() {
        "-".into()
    } else {
        v.join(", ")
    }
}

/// Text as a markdown code span: `` `text` ``, with backticks and line breaks made harmless.
pub fn md_code(s: &str) -> String {
    let escaped = text::escape(s).replace('`', "'").replace('|', "\\|");
    format!("`{escaped}`")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_escapes_what_terminals_obey() {
        let out = json(&serde_json::json!({"name": "a\u{1b}[2J\u{9b}\u{202e}b"})).unwrap();
        assert!(out.contains(r"\u001b[2J\u009b\u202eb"), "{out}");
        let back: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(back["name"], "a\u{1b}[2J\u{9b}\u{202e}b");
    }

    #[test]
    fn escaping_waits_for_a_character_split_across_writes() {
        use std::io::Write as _;
        let mut out = Vec::new();
        let mut escaped = Escaped {
            out: &mut out,
            pending: Vec::new(),
        };
        // U+202E is E2 80 AE; é is C3 A9: each cut in two.
        let bytes = "x\u{202e}é\n".as_bytes();
        escaped.write_all(&bytes[..2]).unwrap();
        escaped.write_all(&bytes[2..5]).unwrap();
        escaped.write_all(&bytes[5..]).unwrap();
        assert!(escaped.pending.is_empty());
        assert_eq!(String::from_utf8(out).unwrap(), "x\\u202eé\n");
    }

    #[test]
    fn json_refuses_what_it_cannot_write() {
        // JSON object keys are strings: a map keyed by pairs cannot be written, and the
        // caller gets the error (exit 2), not `{"error": ...}` on stdout.
        let map = std::collections::BTreeMap::from([((1u8, 2u8), 3u8)]);
        let e = json(&map).unwrap_err();
        assert!(e.to_string().contains("key must be a string"), "{e}");
    }

    #[test]
    fn markdown_cells_cannot_break_the_table() {
        assert_eq!(md("a|b"), "a\\|b");
        assert_eq!(md("<script>"), "\\<script\\>");
        // An entity would smuggle in what escaping took out (`&#x202e;` is a bidi override).
        assert_eq!(md("&#x202e;x~~y~~"), "\\&\\#x202e;x\\~\\~y\\~\\~");
    }
}
