//! `stackreg outdated STACK`: newer releases and support end dates for a plan.

use std::fmt;

use super::{Layout, Paint};

use serde::Serialize;

use crate::resolve::outdated::{Blocked, Blocker, Outlook, PlanChange, Support, UpgradeFit};

/// The answer to `outdated`.
#[derive(Debug, Clone, Serialize)]
pub struct OutdatedReport {
    pub stack: String,
    pub components: Vec<Outlook>,
}

impl OutdatedReport {
    /// Whether a component has a row: a newer release, or support ended or ending.
    fn shown(o: &Outlook) -> bool {
        !o.newer.is_empty() || matches!(o.support, Support::Ended | Support::Ending)
    }

    fn rows(&self) -> Vec<Vec<String>> {
        self.components
            .iter()
            .filter(|o| Self::shown(o))
            .map(|o| {
                let support = match (o.support, o.support_ends) {
                    (Support::Ended, Some(d)) => format!("ended {d}"),
                    (Support::Ending, Some(d)) => format!("ends {d} (soon)"),
                    (_, Some(d)) => format!("until {d}"),
                    _ => "-".into(),
                };
                let newer: Vec<String> = o
                    .newer
                    .iter()
                    .map(|n| match n.fit {
                        UpgradeFit::DropIn => format!("{} fits", n.version),
                        UpgradeFit::WithChanges => format!(
                            "{} with {} change{}",
                            n.version,
                            n.changes.len(),
                            if n.changes.len() == 1 { "" } else { "s" }
                        ),
                        UpgradeFit::NotViable => format!("{} not possible", n.version),
                    })
                    .collect();
                vec![
                    o.component.clone(),
                    o.version.clone(),
                    support,
                    if newer.is_empty() {
                        "-".into()
                    } else {
                        newer.join(", ")
                    },
                ]
            })
            .collect()
    }

    fn details(&self) -> Vec<String> {
        let mut out = Vec::new();
        for o in &self.components {
            for n in &o.newer {
                match n.fit {
                    UpgradeFit::WithChanges => out.push(format!(
                        "{} {}: {}",
                        o.component,
                        n.version,
                        changes_text(&n.changes)
                    )),
                    UpgradeFit::NotViable => out.push(format!(
                        "{} {}: {}",
                        o.component,
                        n.version,
                        reason_text(n.reason.as_ref())
                    )),
                    UpgradeFit::DropIn => {}
                }
            }
        }
        out
    }

    const HEADER: [&'static str; 4] = ["component", "in plan", "support", "newer releases"];

    /// One row per planned component, outdated or not: its support, every newer release
    /// with how it fits, and the newest of them.
    pub fn csv(&self) -> String {
        super::csv::table(
            &[
                "component",
                "version",
                "support",
                "support_ends",
                "newer",
                "newest",
                "newest_fit",
                "newest_needs",
            ],
            self.components.iter().map(|o| {
                let newest = o.newer.last();
                vec![
                    o.component.clone(),
                    o.version.clone(),
                    support_word(o.support).to_owned(),
                    o.support_ends.map(|d| d.to_string()).unwrap_or_default(),
                    super::csv::list(o.newer.iter().map(|n| &n.version)),
                    newest.map(|n| n.version.clone()).unwrap_or_default(),
                    newest
                        .map(|n| fit_word(&n.fit))
                        .unwrap_or_default()
                        .to_owned(),
                    newest
                        .map(|n| match n.fit {
                            UpgradeFit::WithChanges => changes_text(&n.changes),
                            UpgradeFit::NotViable => reason_text(n.reason.as_ref()),
                            UpgradeFit::DropIn => String::new(),
                        })
                        .unwrap_or_default(),
                ]
            }),
        )
    }

    pub fn markdown(&self) -> String {
        let mut out = format!("### Outdated in {}\n\n", super::md(&self.stack));
        let rows = self.rows();
        if rows.is_empty() {
            out.push_str("Everything is current and supported.\n");
            return out;
        }
        out.push_str(&super::md_table(&Self::HEADER, rows));
        let details = self.details();
        if !details.is_empty() {
            out.push('\n');
            for d in details {
                out.push_str(&format!("- {}\n", super::md(&d)));
            }
        }
        out
    }
}

impl OutdatedReport {
    pub fn render(&self, layout: &Layout, f: &mut dyn fmt::Write) -> fmt::Result {
        let rows = self.rows();
        if rows.is_empty() {
            return writeln!(f, "every planned release is the newest and supported");
        }
        let shown: Vec<&Outlook> = self.components.iter().filter(|o| Self::shown(o)).collect();
        f.write_str(
            &layout.table_painted(&Self::HEADER, rows, &[3, 2], |row, col| {
                match shown.get(row).filter(|_| col == 2)?.support {
                    Support::Ended => Some(Paint::Error),
                    Support::Ending => Some(Paint::Warning),
                    _ => None,
                }
            }),
        )?;
        let details = self.details();
        if !details.is_empty() {
            writeln!(f)?;
            for d in details {
                f.write_str(&layout.wrap(&crate::text::escape(&d), 0, 2))?;
            }
        }
        Ok(())
    }
}

/// `a 1.0.0 removed, b 1.0.0 → 2.0.0, c 3.0.0 added`.
fn changes_text(changes: &[PlanChange]) -> String {
    changes
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

fn reason_text(reason: Option<&Blocked>) -> String {
    reason.map(ToString::to_string).unwrap_or_default()
}

impl fmt::Display for PlanChange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let c = &self.component;
        match (&self.from, &self.to) {
            (Some(from), None) => write!(f, "{c} {from} removed"),
            (Some(from), Some(to)) => write!(f, "{c} {from} → {to}"),
            (None, Some(to)) => write!(f, "{c} {to} added"),
            (None, None) => write!(f, "{c}"),
        }
    }
}

impl fmt::Display for Blocker {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Blocker::Depends {
                other,
                version,
                id,
                range,
            } => write!(f, "{other} {version} depends on {id} {range}"),
            Blocker::Requires {
                other,
                version,
                interface,
                range,
                id,
                newer,
            } => write!(
                f,
                "{other} {version} requires {interface} {range}, which {id} {newer} does not provide"
            ),
            Blocker::NeedComponent { need, id, range } => {
                write!(f, "need `{need}` asks for {id} {range}")
            }
            Blocker::NeedInterface {
                need,
                interface,
                range,
                id,
                version,
            } => write!(
                f,
                "need `{need}` asks for interface {interface} {range}, which {id} {version} does not provide"
            ),
        }
    }
}

/// What holds a release back, `; `-separated, or why no plan has it, on one line.
impl fmt::Display for Blocked {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Blocked::By(blockers) => {
                for (i, b) in blockers.iter().enumerate() {
                    if i > 0 {
                        f.write_str("; ")?;
                    }
                    write!(f, "{b}")?;
                }
                Ok(())
            }
            Blocked::NoPlan(brief) => write!(f, "{brief}"),
        }
    }
}

impl Serialize for PlanChange {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl Serialize for Blocked {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

fn support_word(s: Support) -> &'static str {
    match s {
        Support::Ended => "ended",
        Support::Ending => "ending",
        Support::Supported => "supported",
        Support::Unknown => "unknown",
    }
}

fn fit_word(f: &UpgradeFit) -> &'static str {
    match f {
        UpgradeFit::DropIn => "drop-in",
        UpgradeFit::WithChanges => "with-changes",
        UpgradeFit::NotViable => "not-viable",
    }
}
