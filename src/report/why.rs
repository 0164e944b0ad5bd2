//! `stackreg why STACK ID`: every chain of needs and dependencies that puts ID in the plan.

use std::fmt;

use super::Layout;

use serde::Serialize;

use crate::resolve::Chain;
use crate::text::escape;

/// The answer to `why`.
#[derive(Debug, Clone, Serialize)]
pub struct WhyReport {
    pub component: String,
    pub version: String,
    pub chains: Vec<Chain>,
    /// Whether more chains exist than are listed.
    pub truncated: bool,
}

impl WhyReport {
    fn lines(&self) -> Vec<String> {
        self.chains
            .iter()
            .map(|c| {
                let mut s = format!("need {}", c.need);
                for step in &c.steps {
                    match &step.via {
                        Some(via) => {
                            s.push_str(&format!(" → ({via}) {} {}", step.component, step.version))
                        }
                        None => s.push_str(&format!(" → {} {}", step.component, step.version)),
                    }
                }
                s
            })
            .collect()
    }

    /// One row per step of each chain: chain number (from 1), the need it starts from,
    /// the step's position, the release, and how the previous step needs it.
    pub fn csv(&self) -> String {
        let mut rows = Vec::new();
        for (i, c) in self.chains.iter().enumerate() {
            for (j, step) in c.steps.iter().enumerate() {
                rows.push(vec![
                    (i + 1).to_string(),
                    c.need.to_string(),
                    (j + 1).to_string(),
                    step.component.to_string(),
                    step.version.to_string(),
                    step.via.clone().unwrap_or_default(),
                ]);
            }
        }
        super::csv::table(
            &["chain", "need", "step", "component", "version", "via"],
            rows,
        )
    }

    pub fn markdown(&self) -> String {
        let mut out = format!(
            "**{} {}** is in the plan because:\n\n",
            super::md(&self.component),
            super::md(&self.version)
        );
        for l in self.lines() {
            out.push_str(&format!("- {}\n", super::md(&l)));
        }
        if self.truncated {
            out.push_str("- … and more\n");
        }
        out
    }
}

impl WhyReport {
    pub fn render(&self, layout: &Layout, f: &mut dyn fmt::Write) -> fmt::Result {
        let head = format!(
            "{} {} is in the plan because:",
            escape(&self.component),
            escape(&self.version)
        );
        f.write_str(&layout.wrap(&head, 0, 2))?;
        for l in self.lines() {
            f.write_str(&layout.wrap(&escape(&l), 2, 4))?;
        }
        if self.truncated {
            writeln!(
                f,
                "  … and more chains (showing the first {})",
                self.chains.len()
            )?;
        }
        Ok(())
    }
}
