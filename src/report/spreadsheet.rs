//! CSV for the planning reports, written through the `csv` crate: one header row, one row
//! per record, cells a spreadsheet would run as a formula defused with a leading `'`.

/// Characters that make a spreadsheet read a cell as a formula (or hide what follows).
const DANGEROUS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// A cell as written: defused if a spreadsheet would run it, then with control and
/// bidirectional characters escaped as every other format does.
pub fn cell(s: &str) -> String {
    let escaped = crate::text::escape(s);
    if s.starts_with(DANGEROUS) {
        format!("'{escaped}")
    } else {
        escaped.into_owned()
    }
}

/// The rows as CSV (RFC 4180, `\n` line ends), with `header` first.
pub fn csv<S: AsRef<str>>(header: &[&str], rows: impl IntoIterator<Item = Vec<S>>) -> String {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    let mut write = |record: Vec<String>| {
        // Writing to memory fails only on a record of the wrong length, which the
        // reports never make; such a record is dropped rather than ending the output.
        let _ = w.write_record(&record);
    };
    write(header.iter().map(|h| cell(h)).collect());
    for row in rows {
        write(row.iter().map(|c| cell(c.as_ref())).collect());
    }
    let bytes = w.into_inner().unwrap_or_default();
    String::from_utf8(bytes).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_and_defuses() {
        let out = csv(
            &["a", "b"],
            [
                vec!["=SUM(A1)", "x,y"],
                vec!["-2", "say \"hi\""],
                vec!["\tlead", "@who"],
                vec!["+1", "plain"],
            ],
        );
        assert_eq!(
            out,
            "a,b\n'=SUM(A1),\"x,y\"\n'-2,\"say \"\"hi\"\"\"\n'\\tlead,'@who\n'+1,plain\n"
        );
    }
}
