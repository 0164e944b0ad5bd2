//! `used-by ID[@RANGE]`: the stacks that plan or run a component.

use std::fmt;

use super::Layout;

use serde::Serialize;

use crate::planning::used_by::Use;
use crate::text::escape;

/// The answer to `used-by`.
#[derive(Debug, Clone, Serialize)]
pub struct UsedByReport {
    pub component: String,
    pub range: String,
    pub stacks: Vec<Use>,
    /// Stack files with no plan: only their `[current]` and lock were searched.
    pub unresolved: Vec<String>,
}

impl UsedByReport {
    fn what(&self) -> String {
        if self.range == "*" {
            self.component.clone()
        } else {
            format!("{} {}", self.component, self.range)
        }
    }

    fn headline(&self) -> String {
        let n = self.stacks.len();
        if n == 0 {
            return format!("No stack plans or runs {}", self.what());
        }
        let files: std::collections::BTreeSet<&str> =
            self.stacks.iter().map(|u| u.file.as_str()).collect();
        format!(
            "{} is in {} stack{}",
            self.what(),
            files.len(),
            if files.len() == 1 { "" } else { "s" }
        )
    }

    fn rows(&self) -> Vec<Vec<String>> {
        self.stacks
            .iter()
            .map(|u| {
                let mut version = u.version.to_string();
                if u.yanked.is_some() {
                    version.push_str(" (yanked)");
                }
                vec![
                    u.file.clone(),
                    version,
                    u.places
                        .iter()
                        .map(|p| p.as_str())
                        .collect::<Vec<_>>()
                        .join(", "),
                    if u.chains.is_empty() {
                        "-".into()
                    } else {
                        u.chains.join("; ")
                    },
                ]
            })
            .collect()
    }

    pub fn markdown(&self) -> String {
        let mut out = format!("### {}\n\n", super::md(&self.headline()));
        if !self.stacks.is_empty() {
            let rows = self.rows();
            out.push_str(&super::md_table(
                &["Stack file", "Version", "In", "Through"],
                rows,
            ));
        }
        for f in &self.unresolved {
            out.push_str(&format!(
                "\n- {} has no plan: only its \\[current\\] and lock were searched\n",
                super::md(f)
            ));
        }
        out
    }

    pub fn csv(&self) -> String {
        let rows = self.stacks.iter().map(|u| {
            vec![
                u.stack.clone(),
                u.file.clone(),
                u.version.to_string(),
                u.places
                    .iter()
                    .map(|p| p.as_str())
                    .collect::<Vec<_>>()
                    .join(" "),
                u.yanked.clone().unwrap_or_default(),
                u.chains.join("; "),
            ]
        });
        super::csv::table(
            &["stack", "file", "version", "in", "yanked", "through"],
            rows,
        )
    }
}

impl UsedByReport {
    pub fn render(&self, layout: &Layout, f: &mut dyn fmt::Write) -> fmt::Result {
        f.write_str(&layout.wrap(&escape(&self.headline()), 0, 2))?;
        if !self.stacks.is_empty() {
            writeln!(f)?;
            f.write_str(&layout.table_fitted(
                &["stack file", "version", "in", "through"],
                self.rows(),
                &[3],
            ))?;
        }
        for file in &self.unresolved {
            writeln!(
                f,
                "note: {} has no plan: only its [current] and lock were searched",
                escape(file)
            )?;
        }
        Ok(())
    }
}
