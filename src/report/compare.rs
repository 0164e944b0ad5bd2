//! `compare ID ID [ID…]`: one row per fact, one column per component; facts that differ
//! are marked.

use std::fmt;

use super::Layout;

use serde::Serialize;

use crate::planning::compare::{Comparison, FIELDS};

/// The answer to `compare`.
#[derive(Debug, Clone, Serialize)]
#[serde(transparent)]
pub struct CompareReport(pub Comparison);

impl CompareReport {
    fn differs(&self, key: &str) -> bool {
        self.0.differences.contains(&key)
    }

    fn ids(&self) -> Vec<String> {
        self.0
            .components
            .iter()
            .map(|s| s.component.to_string())
            .collect()
    }

    fn rows(&self, mark: impl Fn(&str, bool) -> String) -> Vec<Vec<String>> {
        FIELDS
            .iter()
            .map(|(key, label)| {
                let mut row = vec![mark(label, self.differs(key))];
                row.extend(self.0.components.iter().map(|s| s.fact(key)));
                row
            })
            .collect()
    }

    pub fn markdown(&self) -> String {
        let ids = self.ids();
        let mut header = vec!["Fact"];
        header.extend(ids.iter().map(String::as_str));
        let rows = self.rows(|label, differs| {
            if differs {
                format!("{label} (differs)")
            } else {
                label.to_owned()
            }
        });
        let mut out = format!("### Comparing {}\n\n", super::md(&ids.join(", ")));
        out.push_str(&super::md_table(&header, rows));
        out
    }

    pub fn csv(&self) -> String {
        let ids = self.ids();
        let mut header = vec!["fact", "differs"];
        header.extend(ids.iter().map(String::as_str));
        let rows = FIELDS.iter().map(|(key, _)| {
            let mut row = vec![(*key).to_owned(), self.differs(key).to_string()];
            row.extend(self.0.components.iter().map(|s| s.fact(key)));
            row
        });
        super::csv::table(&header, rows)
    }
}

impl CompareReport {
    pub fn render(&self, layout: &Layout, f: &mut dyn fmt::Write) -> fmt::Result {
        let ids = self.ids();
        let mut header = vec![""];
        header.extend(ids.iter().map(String::as_str));
        let rows = self.rows(|label, differs| {
            if differs {
                format!("* {label}")
            } else {
                format!("  {label}")
            }
        });
        let wrappable: Vec<usize> = (1..header.len()).rev().collect();
        f.write_str(&layout.table_fitted(&header, rows, &wrappable))?;
        let n = self.0.differences.len();
        writeln!(f, "\n* differs ({n} of {} facts)", FIELDS.len())
    }
}
