//! Answers, one type each, that print as a human table (`Display`), as JSON (`Serialize`)
//! and, where it makes sense, as markdown or CSV. The command line picks the format in one
//! place; nothing here knows about flags or streams.

pub mod alternatives;
pub mod compare;
pub mod csv;
pub mod graph;
pub mod history;
pub mod import;
pub mod interfaces;
pub mod list;
pub mod merge;
pub mod new_stack;
pub mod outdated;
pub mod registry;
pub mod renewals;
pub mod resolve;
pub mod show;
pub mod used_by;
pub mod validation;
pub mod whatif;
pub mod why;

use std::sync::OnceLock;

use serde::Serialize;
use tabled::builder::Builder;
use tabled::settings::object::Columns;
use tabled::settings::{Padding, Style, Width};

use crate::text;

/// An answer that prints as a table (`Display`), JSON (`Serialize`) and markdown, and
/// optionally CSV. The command line picks one of them in `Ctx::emit`.
pub trait Report: std::fmt::Display + Serialize {
    fn markdown(&self) -> String;

    fn csv(&self) -> Option<String> {
        None
    }
}

/// Implements `Report` for types with inherent `markdown()` (and `csv()`) methods.
macro_rules! reports {
    ($($ty:ty $(, csv = $csv:ident)?;)*) => {
        $(impl Report for $ty {
            fn markdown(&self) -> String {
                <$ty>::markdown(self)
            }
            $(fn csv(&self) -> Option<String> {
                Some(<$ty>::$csv(self))
            })?
        })*
    };
}

reports! {
    alternatives::AlternativesReport, csv = csv;
    alternatives::LockInReport, csv = csv;
    history::RegistryDiff;
    history::RegistryLog;
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

static WIDTH: OnceLock<usize> = OnceLock::new();

/// Sets the width tables are fitted to (once, at start-up).
pub fn set_width(width: usize) {
    let _ = WIDTH.set(width.max(40));
}

/// The width tables are fitted to: the terminal's, `COLUMNS`, or 100.
pub fn width() -> usize {
    *WIDTH.get().unwrap_or(&100)
}

/// Renders rows as a borderless table with an upper-case header, fitted to `width()` by
/// wrapping the last column first, then the others from the right, never below 12 characters.
/// Cells are escaped, so manifest text cannot drive the terminal.
pub fn table<S: AsRef<str>>(header: &[&str], rows: impl IntoIterator<Item = Vec<S>>) -> String {
    let wrappable: Vec<usize> = (0..header.len()).rev().collect();
    table_fitted(header, rows, &wrappable)
}

/// Like `table`, wrapping only the `wrappable` columns (most willing first) to fit.
pub fn table_fitted<S: AsRef<str>>(
    header: &[&str],
    rows: impl IntoIterator<Item = Vec<S>>,
    wrappable: &[usize],
) -> String {
    use unicode_width::UnicodeWidthStr;
    let mut records: Vec<Vec<String>> = vec![header.iter().map(|h| h.to_uppercase()).collect()];
    for row in rows {
        records.push(
            row.iter()
                .map(|c| text::escape(c.as_ref()).into_owned())
                .collect(),
        );
    }
    let columns = header.len();
    let mut widths = vec![0usize; columns];
    for r in &records {
        for (i, cell) in r.iter().enumerate().take(columns) {
            let w = cell.lines().map(UnicodeWidthStr::width).max().unwrap_or(0);
            widths[i] = widths[i].max(w);
        }
    }
    // Columns are separated by two spaces.
    let total = |w: &[usize]| w.iter().sum::<usize>() + 2 * w.len().saturating_sub(1);
    let target = width();
    const MIN: usize = 12;
    let mut limited = vec![None; columns];
    let mut over = total(&widths).saturating_sub(target);
    while over > 0 {
        // Shrink the widest wrappable column that can still give.
        let Some(&i) = wrappable
            .iter()
            .filter(|&&i| i < columns && widths[i] > MIN)
            .max_by_key(|&&i| widths[i])
        else {
            break;
        };
        widths[i] -= 1;
        limited[i] = Some(widths[i]);
        over -= 1;
    }
    let mut b = Builder::new();
    for r in records {
        b.push_record(r);
    }
    let mut t = b.build();
    t.with(Style::empty());
    t.with(Padding::new(0, 2, 0, 0));
    t.modify(Columns::last(), Padding::zero());
    for (i, limit) in limited.iter().enumerate() {
        if let Some(w) = limit {
            t.modify(Columns::one(i), Width::wrap(*w).keep_words(true));
        }
    }
    let mut out = t
        .to_string()
        .lines()
        .map(str::trim_end)
        .collect::<Vec<_>>()
        .join("\n");
    out.push('\n');
    out
}

/// Wraps `text` at `width()` on spaces: the first line indented by `indent`, the rest by
/// `hang`. Every line ends with a newline.
pub fn wrap(text: &str, indent: usize, hang: usize) -> String {
    use unicode_width::UnicodeWidthStr;
    let mut out = String::new();
    let mut line = " ".repeat(indent);
    let mut empty = true;
    for word in text.split(' ').filter(|w| !w.is_empty()) {
        let fits = line.width() + 1 + word.width() <= width();
        if !empty && !fits {
            out.push_str(line.trim_end());
            out.push('\n');
            line = " ".repeat(hang);
            empty = true;
        }
        if !empty {
            line.push(' ');
        }
        line.push_str(word);
        empty = false;
    }
    out.push_str(line.trim_end());
    out.push('\n');
    out
}

/// Renders `key  value` lines with aligned values.
pub fn fields<S: AsRef<str>>(pairs: &[(&str, S)]) -> String {
    let w = pairs.iter().map(|(k, _)| k.len()).max().unwrap_or(0);
    let mut out = String::new();
    for (k, v) in pairs {
        let v = v.as_ref();
        if v.is_empty() {
            continue;
        }
        out.push_str(&format!("  {k:<w$}  {}\n", text::escape(v)));
    }
    out
}

/// Pretty JSON with a trailing newline. Beyond what JSON requires, C1 controls and
/// bidirectional or invisible characters are written as `\u` escapes, so printing the JSON
/// to a terminal is as safe as printing a table.
pub fn json<T: Serialize + ?Sized>(value: &T) -> String {
    let raw = serde_json::to_string_pretty(value)
        .unwrap_or_else(|e| serde_json::json!({ "error": e.to_string() }).to_string());
    let mut out = String::with_capacity(raw.len() + 1);
    for c in raw.chars() {
        if text::is_forbidden(c) {
            // Outside strings JSON only has ASCII punctuation and whitespace, which is
            // never forbidden except for the newlines of pretty-printing.
            if c == '\n' {
                out.push(c);
            } else {
                out.push_str(&format!("\\u{:04x}", c as u32));
            }
        } else {
            out.push(c);
        }
    }
    out.push('\n');
    out
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
        let out = json(&serde_json::json!({"name": "a\u{1b}[2J\u{9b}\u{202e}b"}));
        assert!(out.contains(r"\u001b[2J\u009b\u202eb"), "{out}");
        let back: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(back["name"], "a\u{1b}[2J\u{9b}\u{202e}b");
    }

    #[test]
    fn markdown_cells_cannot_break_the_table() {
        assert_eq!(md("a|b"), "a\\|b");
        assert_eq!(md("<script>"), "\\<script\\>");
        // An entity would smuggle in what escaping took out (`&#x202e;` is a bidi override).
        assert_eq!(md("&#x202e;x~~y~~"), "\\&\\#x202e;x\\~\\~y\\~\\~");
    }
}
