//! `resolve STACK --upgrade/--with/--without`: the plan as `resolve` prints it, with each
//! change against the lock (or `[current]`), and where each upgrade landed.

use std::collections::BTreeMap;
use std::fmt;

use super::Layout;

use semver::Version;
use serde::Serialize;

use super::resolve::{Change, ResolveReport};
use crate::model::Registry;
use crate::model::{Date, Id, Stack};
use crate::planning::whatif::{Baseline, WhatIfAnswer};
use crate::resolve::whatif::{WhatIf, WhatIfOutcome};
use crate::text::escape;

/// What was asked, as given.
#[derive(Debug, Clone, Serialize)]
pub struct Request {
    pub upgrade: Vec<String>,
    pub with: Vec<String>,
    pub without: Vec<String>,
}

/// Where one `--upgrade` landed.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct UpgradeRow {
    pub component: String,
    pub from: Option<String>,
    pub to: String,
    /// The newest release there is (not yanked).
    pub newest: Option<String>,
    /// Why no newer release than `to` fits.
    pub held_back: Option<String>,
}

/// The answer to a what-if.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct WhatIfReport {
    /// The plan, as `resolve` reports it; its `changes` are against `baseline`.
    #[serde(flatten)]
    pub resolve: ResolveReport,
    pub what_if: Request,
    pub baseline: Baseline,
    pub upgrades: Vec<UpgradeRow>,
    #[serde(skip)]
    before: BTreeMap<String, String>,
}

fn spec(id: &Id, v: &Option<Version>) -> String {
    match v {
        Some(v) => format!("{id}@{v}"),
        None => id.to_string(),
    }
}

impl WhatIfReport {
    pub fn new(
        registry: &Registry,
        stack: &Stack,
        request: &WhatIf,
        answer: &WhatIfAnswer,
        today: Date,
    ) -> WhatIfReport {
        let (mut resolve, upgrades) = match &answer.outcome {
            WhatIfOutcome::Resolved { plan, upgrades } => (
                ResolveReport::resolved(registry, stack, plan, today),
                upgrades
                    .iter()
                    .map(|u| UpgradeRow {
                        component: u.component.to_string(),
                        from: u.from.as_ref().map(ToString::to_string),
                        to: u.to.to_string(),
                        newest: u.newest.as_ref().map(ToString::to_string),
                        // A held-back reason is one line, without the space a summary
                        // "with" something starts with.
                        held_back: u
                            .held_back
                            .as_ref()
                            .map(|b| b.to_string().trim().to_owned()),
                    })
                    .collect(),
            ),
            WhatIfOutcome::Unsatisfiable(why) => (
                ResolveReport::unsatisfiable(registry, stack, why),
                Vec::new(),
            ),
        };
        resolve.changes = answer
            .changes
            .iter()
            .map(|c| Change {
                component: c.component.to_string(),
                from: c.from.as_ref().map(ToString::to_string),
                to: c.to.as_ref().map(ToString::to_string),
            })
            .collect();
        WhatIfReport {
            resolve,
            what_if: Request {
                upgrade: request.upgrade.iter().map(|(i, v)| spec(i, v)).collect(),
                with: request.with.iter().map(|(i, v)| spec(i, v)).collect(),
                without: request.without.iter().map(ToString::to_string).collect(),
            },
            baseline: answer.baseline,
            upgrades,
            before: answer
                .before
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        }
    }

    pub fn is_resolved(&self) -> bool {
        self.resolve.conflict.is_none()
    }

    /// `upgrade a, b; with c; without d`.
    fn asked(&self) -> String {
        let mut parts = Vec::new();
        for (word, list) in [
            ("upgrade", &self.what_if.upgrade),
            ("with", &self.what_if.with),
            ("without", &self.what_if.without),
        ] {
            if !list.is_empty() {
                parts.push(format!("{word} {}", list.join(", ")));
            }
        }
        parts.join("; ")
    }

    /// The change of one planned component against the baseline.
    fn change(&self, component: &str, version: &str) -> String {
        match self.before.get(component) {
            Some(v) if v == version => "kept".into(),
            Some(v) => format!("{v} → {version}"),
            None => "added".into(),
        }
    }

    fn rows(&self) -> Vec<Vec<String>> {
        self.resolve
            .plan
            .iter()
            .map(|r| {
                let by: Vec<&str> = r
                    .required_by
                    .iter()
                    .map(|s| s.split('@').next().unwrap_or(s))
                    .collect();
                vec![
                    r.needs.join(", "),
                    r.component.clone(),
                    r.version.clone(),
                    self.change(&r.component, &r.version),
                    by.join(", "),
                ]
            })
            .collect()
    }

    fn removed(&self) -> impl Iterator<Item = &Change> {
        self.resolve.changes.iter().filter(|c| c.to.is_none())
    }

    fn upgrade_lines(&self) -> Vec<String> {
        self.upgrades
            .iter()
            .map(|u| {
                let moved = match &u.from {
                    Some(f) if f == &u.to => format!("{} stays at {}", u.component, u.to),
                    Some(f) => format!("{} {f} → {}", u.component, u.to),
                    None => format!("{} → {}", u.component, u.to),
                };
                match (&u.newest, &u.held_back) {
                    (Some(n), Some(why)) if n != &u.to => {
                        format!("{moved} (newest {n} does not fit: {why})")
                    }
                    (Some(n), _) if n == &u.to => format!("{moved} (the newest)"),
                    _ => moved,
                }
            })
            .collect()
    }

    fn headline(&self) -> String {
        format!(
            "What if: {} (changes against {})",
            self.asked(),
            self.baseline.describe()
        )
    }

    pub fn markdown(&self) -> String {
        let mut out = format!("**{}**\n\n", super::md(&self.headline()));
        if !self.is_resolved() {
            out.push_str(&self.resolve.markdown());
            return out;
        }
        out.push_str(&format!(
            "### Plan for {}\n\n",
            super::md(&self.resolve.stack)
        ));
        out.push_str(&super::md_table(
            &["Need", "Component", "Version", "Change", "Required by"],
            self.rows(),
        ));
        for c in self.removed() {
            out.push_str(&format!(
                "\n- removed: {} {}\n",
                super::md(&c.component),
                super::md(c.from.as_deref().unwrap_or_default())
            ));
        }
        let lines = self.upgrade_lines();
        if !lines.is_empty() {
            out.push_str("\n**Upgrades**\n\n");
            for l in lines {
                out.push_str(&format!("- {}\n", super::md(&l)));
            }
        }
        if !self.resolve.warnings.is_empty() {
            out.push_str("\n**Warnings**\n\n");
            for w in &self.resolve.warnings {
                out.push_str(&format!("- {}\n", super::md(w)));
            }
        }
        out
    }

    /// One row per planned or removed component: its version before and after.
    pub fn csv(&self) -> String {
        let mut rows: Vec<Vec<String>> = self
            .resolve
            .plan
            .iter()
            .map(|r| {
                vec![
                    r.component.clone(),
                    self.before.get(&r.component).cloned().unwrap_or_default(),
                    r.version.clone(),
                    self.change(&r.component, &r.version),
                    r.needs.join(" "),
                ]
            })
            .collect();
        for c in self.removed() {
            rows.push(vec![
                c.component.clone(),
                c.from.clone().unwrap_or_default(),
                String::new(),
                "removed".into(),
                String::new(),
            ]);
        }
        super::csv::table(&["component", "from", "to", "change", "needs"], rows)
    }
}

impl WhatIfReport {
    pub fn render(&self, layout: &Layout, f: &mut dyn fmt::Write) -> fmt::Result {
        f.write_str(&layout.wrap(&escape(&self.headline()), 0, 2))?;
        if !self.is_resolved() {
            return self.resolve.render(layout, f);
        }
        let registry = match &self.resolve.registry.commit {
            Some(c) => format!(
                "{} at {}",
                self.resolve.registry.source,
                &c[..c.len().min(12)]
            ),
            None => self.resolve.registry.source.clone(),
        };
        let changed = self.resolve.changes.len();
        let head = format!(
            "Plan for {}: {} component{}, {} change{} (registry: {})",
            escape(&self.resolve.stack),
            self.resolve.plan.len(),
            if self.resolve.plan.len() == 1 {
                ""
            } else {
                "s"
            },
            changed,
            if changed == 1 { "" } else { "s" },
            escape(&registry)
        );
        f.write_str(&layout.wrap(&head, 0, 2))?;
        writeln!(f)?;
        let header = ["need", "component", "version", "change", "required by"];
        f.write_str(&layout.table_fitted(&header, self.rows(), &[4, 0]))?;
        for c in self.removed() {
            writeln!(
                f,
                "removed: {} {}",
                escape(&c.component),
                escape(c.from.as_deref().unwrap_or_default())
            )?;
        }
        let lines = self.upgrade_lines();
        if !lines.is_empty() {
            writeln!(f, "\nupgrades:")?;
            for l in lines {
                f.write_str(&layout.wrap(&escape(&l), 2, 4))?;
            }
        }
        if !self.resolve.warnings.is_empty() {
            writeln!(f, "\nwarnings:")?;
            for w in &self.resolve.warnings {
                f.write_str(&layout.wrap(&escape(w), 2, 4))?;
            }
        }
        Ok(())
    }
}
