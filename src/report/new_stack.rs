//! `stack new`: the stack file written, its needs, and whether its plan keeps every
//! current version.

use std::fmt;

use super::Layout;

use serde::Serialize;

use super::resolve::CurrentChange;
use crate::text::escape;

/// One need of the new stack.
#[derive(Debug, Clone, Serialize)]
pub struct NeedRow {
    pub name: String,
    /// `capability cms`, `component fixmystreet`.
    pub need: String,
    pub note: String,
}

/// The answer to `stack new`.
#[derive(Debug, Clone, Serialize)]
pub struct NewStackReport {
    pub file: String,
    pub stack: String,
    pub needs: Vec<NeedRow>,
    /// `resolved` or `unsatisfiable`.
    pub status: &'static str,
    /// Current components the plan keeps at their version.
    pub kept: Vec<String>,
    /// Differences between `[current]` and the plan.
    pub changes: Vec<CurrentChange>,
    /// Why there is no plan, when there is none.
    pub explanation: Option<String>,
}

impl NewStackReport {
    fn headline(&self) -> String {
        let plan = match (self.status, self.changes.is_empty()) {
            ("resolved", true) => format!(
                "it resolves, keeping all {} current version{}",
                self.kept.len(),
                if self.kept.len() == 1 { "" } else { "s" }
            ),
            ("resolved", false) => format!(
                "it resolves, keeping {} current version{}, with {} change{}",
                self.kept.len(),
                if self.kept.len() == 1 { "" } else { "s" },
                self.changes.len(),
                if self.changes.len() == 1 { "" } else { "s" }
            ),
            _ => "it has no plan yet".to_owned(),
        };
        format!(
            "Wrote {} ({}): {} need{}; {plan}",
            self.file,
            self.stack,
            self.needs.len(),
            if self.needs.len() == 1 { "" } else { "s" }
        )
    }

    fn rows(&self) -> Vec<Vec<String>> {
        self.needs
            .iter()
            .map(|n| vec![n.name.clone(), n.need.clone(), n.note.clone()])
            .collect()
    }

    fn change_lines(&self) -> Vec<String> {
        self.changes
            .iter()
            .map(|c| match (&c.from, &c.to) {
                (Some(f), Some(t)) => format!("{} {f} → {t}", c.component),
                (None, Some(t)) => format!("{} {t} added", c.component),
                (Some(f), None) => format!("{} {f} not in the plan", c.component),
                (None, None) => c.component.clone(),
            })
            .collect()
    }

    pub fn markdown(&self) -> String {
        let mut out = format!("### {}\n\n", super::md(&self.headline()));
        out.push_str(&super::md_table(&["Need", "Meets", "Why"], self.rows()));
        for l in self.change_lines() {
            out.push_str(&format!("\n- {}", super::md(&l)));
        }
        if let Some(e) = &self.explanation {
            out.push_str(&format!("\n\n{}\n", super::md(e)));
        }
        out
    }

    pub fn csv(&self) -> String {
        super::csv::table(&["need", "meets", "why"], self.rows())
    }
}

impl NewStackReport {
    pub fn render(&self, layout: &Layout, f: &mut dyn fmt::Write) -> fmt::Result {
        f.write_str(&layout.wrap(&escape(&self.headline()), 0, 2))?;
        writeln!(f)?;
        f.write_str(&layout.table(&["need", "meets", "why"], self.rows()))?;
        let lines = self.change_lines();
        if !lines.is_empty() {
            writeln!(f, "\nchanges from [current]:")?;
            for l in lines {
                f.write_str(&layout.wrap(&escape(&l), 2, 4))?;
            }
        }
        if let Some(e) = &self.explanation {
            writeln!(f)?;
            for line in escape(e.trim_end()).lines() {
                f.write_str(&layout.wrap_indented(line))?;
            }
        }
        Ok(())
    }
}
