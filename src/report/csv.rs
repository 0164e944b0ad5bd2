//! CSV for spreadsheets: every command that prints a table can print it as CSV, written
//! here through the `csv` crate (RFC 4180 quoting) so that no report quotes by hand.
//!
//! Text from manifests is escaped as it is for a terminal (`text::escape`), and a cell that
//! a spreadsheet would run as a formula is defused: OWASP's advice for CSV injection is
//! that no cell begins with `=`, `+`, `-`, `@`, a tab or a carriage return, so such a cell
//! gets a leading `'`, which spreadsheets read as "this is text".

use std::borrow::Cow;

use crate::text;

/// The characters that make a spreadsheet read a cell as a formula (OWASP, CSV injection).
const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// `cell` escaped for printing and, where it would start a formula, prefixed with `'`.
pub fn defuse(cell: &str) -> Cow<'_, str> {
    let escaped = text::escape(cell);
    if escaped.starts_with(FORMULA_STARTS) {
        Cow::Owned(format!("'{escaped}"))
    } else {
        escaped
    }
}

/// A CSV document: a header record, then one record per row, each ended by `\n`. Every
/// cell goes through `defuse`.
pub fn table<H, R, S>(header: &[H], rows: R) -> String
where
    H: AsRef<str>,
    R: IntoIterator<Item = Vec<S>>,
    S: AsRef<str>,
{
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .flexible(false)
        .from_writer(Vec::new());
    // Writing to memory fails only on a record of the wrong width, which is a bug in the
    // caller; it is caught by the tests of every report, so the record is dropped here
    // rather than the whole answer.
    let _ = writer.write_record(header.iter().map(|h| defuse(h.as_ref()).into_owned()));
    for row in rows {
        let cells: Vec<String> = row
            .iter()
            .map(|c| defuse(c.as_ref()).into_owned())
            .collect();
        let _ = writer.write_record(&cells);
    }
    let bytes = writer.into_inner().unwrap_or_default();
    String::from_utf8(bytes).unwrap_or_default()
}

/// Items joined by a space, the way lists sit in one CSV cell (`cms forms`).
pub fn list<I: IntoIterator<Item = S>, S: AsRef<str>>(items: I) -> String {
    items
        .into_iter()
        .map(|s| s.as_ref().to_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> Vec<Vec<String>> {
        csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(s.as_bytes())
            .records()
            .map(|r| r.unwrap().iter().map(str::to_owned).collect())
            .collect()
    }

    #[test]
    fn quotes_what_needs_quoting_and_reads_back() {
        let out = table(&["a", "b"], [vec!["x,y", "say \"hi\""], vec!["plain", ""]]);
        assert_eq!(out, "a,b\n\"x,y\",\"say \"\"hi\"\"\"\nplain,\n");
        assert_eq!(
            parse(&out),
            [["a", "b"], ["x,y", "say \"hi\""], ["plain", ""]]
        );
    }

    #[test]
    fn formulas_are_defused() {
        for (cell, want) in [
            (
                "=HYPERLINK(\"http://x\",\"y\")",
                "'=HYPERLINK(\"http://x\",\"y\")",
            ),
            ("+1", "'+1"),
            ("-1", "'-1"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("a=b", "a=b"),
        ] {
            let out = table(&["h"], [vec![cell]]);
            assert_eq!(parse(&out)[1][0], want, "{cell}");
        }
        // Tabs and carriage returns are escaped before they can start a formula.
        let out = table(&["h"], [vec!["\t=1"], vec!["\r=1"]]);
        for row in &parse(&out)[1..] {
            assert!(!row[0].starts_with(FORMULA_STARTS), "{row:?}");
        }
        assert_eq!(defuse("\t"), "\\t");
    }
}
