//! `stackreg alternatives`: what could swap in for a component, and over a whole plan, the
//! lock-in report.

use std::fmt;

use super::{Layout, Paint};

use serde::Serialize;

use crate::resolve::alternatives::{
    Alternative, Alternatives, Differences, Fit, LockIn, SingleSupply, Why,
};
use crate::text::escape;

/// The answer to `alternatives STACK ID`.
#[derive(Debug, Clone, Serialize)]
pub struct AlternativesReport {
    pub stack: String,
    #[serde(flatten)]
    pub alternatives: Alternatives,
}

/// Why a candidate gives no plan, or what stopped the work on it, on one line.
impl fmt::Display for Why {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Why::NoPlan(brief) => write!(f, "{brief}"),
            Why::GaveUp(e) => write!(f, "{e}"),
            Why::Unexamined { limit } => write!(
                f,
                "not examined: the report's budget of {limit} solver steps ran out"
            ),
        }
    }
}

impl Serialize for Why {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

fn reason(a: &Alternative) -> String {
    a.reason
        .as_ref()
        .map(ToString::to_string)
        .unwrap_or_default()
}

/// The colour of a fit.
fn paint(fit: Fit) -> Paint {
    match fit {
        Fit::DropIn => Paint::DropIn,
        Fit::WithChanges => Paint::WithChanges,
        Fit::NotViable => Paint::NotViable,
        Fit::Undecided => Paint::Undecided,
    }
}

fn short_licence(l: &str) -> String {
    l.replace("LicenseRef-", "")
}

/// The differences as one short phrase: `licence MIT → Proprietary; kind self-hosted → saas`.
pub fn differences_text(d: &Differences) -> String {
    let mut parts = Vec::new();
    if let Some(l) = &d.licence {
        let open = match &d.open_source {
            Some(o) if o.to => " (open)",
            Some(_) => " (closed)",
            None => "",
        };
        parts.push(format!(
            "licence {} → {}{open}",
            short_licence(&l.from),
            short_licence(&l.to)
        ));
    }
    if let Some(k) = &d.kind {
        parts.push(format!("kind {} → {}", k.from, k.to));
    }
    if let Some(l) = &d.lifecycle {
        parts.push(format!("lifecycle {} → {}", l.from, l.to));
    }
    if let Some(s) = &d.supplier {
        parts.push(format!("supplier {}", s.to));
    }
    for a in &d.assurances_gained {
        parts.push(format!("+{a}"));
    }
    for a in &d.assurances_lost {
        parts.push(format!("−{a}"));
    }
    if let Some(s) = &d.support_ends {
        let show = |d: &Option<crate::model::Date>| d.map_or("none".into(), |d| d.to_string());
        parts.push(format!("support {} → {}", show(&s.from), show(&s.to)));
    }
    parts.join("; ")
}

/// `+ added 1.0.0`, `− removed 2.0.0`, `changed 1.0.0 → 2.0.0`.
pub fn changes_text(a: &Alternative) -> String {
    a.changes
        .iter()
        .map(|c| match (&c.from, &c.to) {
            (None, Some(to)) => format!("+{} {to}", c.component),
            (Some(from), None) => format!("−{} {from}", c.component),
            (Some(from), Some(to)) => format!("{} {from} → {to}", c.component),
            (None, None) => c.component.to_string(),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// The changes in words, for CSV: `dovecote-messaging added 3.1.0; drupal 10.3.0 → 11.0.0`.
fn changes_words(a: &Alternative) -> String {
    a.changes
        .iter()
        .map(|c| match (&c.from, &c.to) {
            (None, Some(to)) => format!("{} added {to}", c.component),
            (Some(from), None) => format!("{} removed {from}", c.component),
            (Some(from), Some(to)) => format!("{} {from} → {to}", c.component),
            (None, None) => c.component.to_string(),
        })
        .collect::<Vec<_>>()
        .join("; ")
}

fn version(a: &Alternative) -> String {
    a.version.as_ref().map_or("-".into(), ToString::to_string)
}

fn covers_text(a: &Alternative) -> String {
    let mut parts: Vec<String> = a.covers.iter().map(|c| format!("✓ {c}")).collect();
    parts.extend(a.missing.iter().map(|c| format!("✗ {c}")));
    if parts.is_empty() {
        "-".into()
    } else {
        parts.join(", ")
    }
}

fn name(a: &Alternative) -> String {
    match &a.excluded_by {
        Some(rule) => format!("{} (policy: {rule})", a.component),
        None => a.component.to_string(),
    }
}

impl AlternativesReport {
    fn groups(&self) -> Vec<(Fit, &'static str, Vec<&Alternative>)> {
        [
            (Fit::DropIn, "Drop-in"),
            (Fit::WithChanges, "With changes"),
            (Fit::NotViable, "Not viable"),
            (Fit::Undecided, "Undecided"),
        ]
        .into_iter()
        .map(|(fit, title)| {
            let items: Vec<&Alternative> = self
                .alternatives
                .alternatives
                .iter()
                .filter(|a| a.fit == fit)
                .collect();
            (fit, title, items)
        })
        .filter(|(_, _, items)| !items.is_empty())
        .collect()
    }

    fn rows(fit: Fit, items: &[&Alternative]) -> (Vec<&'static str>, Vec<Vec<String>>) {
        match fit {
            Fit::NotViable | Fit::Undecided => (
                vec!["component", "reason"],
                items.iter().map(|a| vec![name(a), reason(a)]).collect(),
            ),
            Fit::WithChanges => (
                vec![
                    "component",
                    "version",
                    "changes",
                    "interfaces",
                    "differences",
                ],
                items
                    .iter()
                    .map(|a| {
                        vec![
                            name(a),
                            version(a),
                            changes_text(a),
                            covers_text(a),
                            differences_text(&a.differences),
                        ]
                    })
                    .collect(),
            ),
            Fit::DropIn => (
                vec!["component", "version", "interfaces", "differences"],
                items
                    .iter()
                    .map(|a| {
                        vec![
                            name(a),
                            version(a),
                            covers_text(a),
                            differences_text(&a.differences),
                        ]
                    })
                    .collect(),
            ),
        }
    }

    fn uses_line(&self) -> Option<String> {
        let a = &self.alternatives;
        if a.uses.is_empty() {
            return None;
        }
        let parts: Vec<String> = a
            .uses
            .iter()
            .map(|u| {
                format!(
                    "{} {} (by {})",
                    u.interface,
                    u.version,
                    u.used_by.join(", ")
                )
            })
            .collect();
        Some(format!(
            "The rest of the plan uses from {}: {}",
            a.component,
            parts.join("; ")
        ))
    }

    fn hidden_line(&self) -> Option<String> {
        let hidden = &self.alternatives.hidden_by_policy;
        (!hidden.is_empty()).then(|| {
            format!(
                "{} candidate{} excluded by the stack's policy: {} (--ignore-policy shows {})",
                hidden.len(),
                if hidden.len() == 1 { "" } else { "s" },
                hidden
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join(", "),
                if hidden.len() == 1 { "it" } else { "them" },
            )
        })
    }

    /// One row per candidate, in the report's order.
    pub fn csv(&self) -> String {
        let a = &self.alternatives;
        super::csv::table(
            &[
                "component",
                "version",
                "candidate",
                "candidate_version",
                "fit",
                "changes",
                "covers",
                "missing",
                "differences",
                "reason",
                "excluded_by",
            ],
            a.alternatives.iter().map(|alt| {
                vec![
                    a.component.to_string(),
                    a.version.to_string(),
                    alt.component.to_string(),
                    alt.version
                        .as_ref()
                        .map(ToString::to_string)
                        .unwrap_or_default(),
                    alt.fit.as_str().to_owned(),
                    changes_words(alt),
                    super::csv::list(alt.covers.iter().map(|c| c.as_str())),
                    super::csv::list(alt.missing.iter().map(|c| c.as_str())),
                    differences_text(&alt.differences),
                    reason(alt),
                    alt.excluded_by
                        .as_ref()
                        .map(ToString::to_string)
                        .unwrap_or_default(),
                ]
            }),
        )
    }

    pub fn markdown(&self) -> String {
        let a = &self.alternatives;
        let mut out = format!(
            "### Alternatives to {} {}\n\nIn the plan for {}.\n\n",
            super::md(a.component.as_str()),
            super::md(&a.version.to_string()),
            super::md(&self.stack)
        );
        if let Some(u) = self.uses_line() {
            out.push_str(&format!("{}\n\n", super::md(&u)));
        }
        if a.alternatives.is_empty() {
            out.push_str("No other component shares a capability or an interface with it.\n\n");
        }
        for (fit, title, items) in self.groups() {
            let (header, rows) = Self::rows(fit, &items);
            out.push_str(&format!("#### {title}\n\n"));
            out.push_str(&super::md_table(&header, rows));
            out.push('\n');
        }
        if let Some(h) = self.hidden_line() {
            out.push_str(&format!("{}\n", super::md(&h)));
        }
        out
    }
}

impl AlternativesReport {
    pub fn render(&self, layout: &Layout, f: &mut dyn fmt::Write) -> fmt::Result {
        let a = &self.alternatives;
        let head = format!(
            "Alternatives to {} {} in {}",
            escape(a.component.as_str()),
            a.version,
            escape(&self.stack)
        );
        f.write_str(&layout.wrap(&head, 0, 2))?;
        if let Some(u) = self.uses_line() {
            f.write_str(&layout.wrap(&escape(&u), 0, 2))?;
        }
        if a.alternatives.is_empty() {
            writeln!(f)?;
            f.write_str(&layout.wrap(
                "no other component shares a capability or an interface with it",
                0,
                2,
            ))?;
        }
        for (fit, title, items) in self.groups() {
            writeln!(f, "\n{}:", layout.paint(paint(fit), title))?;
            for a in items {
                let mut head = match fit {
                    Fit::NotViable | Fit::Undecided => a.component.to_string(),
                    _ => format!("{} {}", a.component, version(a)),
                };
                if let Some(rule) = &a.excluded_by {
                    head.push_str(&format!(" (excluded by the policy: {rule})"));
                }
                f.write_str(&layout.wrap(&escape(&head), 2, 6))?;
                let mut lines = Vec::new();
                if fit == Fit::WithChanges {
                    lines.push(format!("changes: {}", changes_text(a)));
                }
                if let Some(reason) = &a.reason {
                    let label = if fit == Fit::Undecided {
                        "undecided"
                    } else {
                        "why not"
                    };
                    lines.push(format!("{label}: {reason}"));
                }
                if !a.covers.is_empty() || !a.missing.is_empty() {
                    lines.push(format!("interfaces: {}", covers_text(a)));
                }
                let diff = differences_text(&a.differences);
                if !diff.is_empty() {
                    lines.push(format!("differences: {diff}"));
                }
                for line in lines {
                    f.write_str(&layout.wrap_words(&escape(&line), 6, 10))?;
                }
            }
        }
        if let Some(h) = self.hidden_line() {
            writeln!(f)?;
            f.write_str(&layout.wrap(&escape(&h), 0, 2))?;
        }
        Ok(())
    }
}

/// One row of the lock-in report.
#[derive(Debug, Clone, Serialize)]
pub struct LockInRow {
    pub component: String,
    pub version: String,
    pub drop_in: usize,
    pub with_changes: usize,
    pub not_viable: usize,
    /// Candidates a bound left undecided (listed in `alternatives`, or unexamined).
    pub undecided: usize,
    /// Candidates the report's budget left unexamined: counted here, not listed.
    pub unexamined: usize,
    /// No candidate gives a plan, and none is undecided.
    pub lock_in: bool,
    pub alternatives: Vec<Alternative>,
    pub hidden_by_policy: Vec<String>,
}

/// The answer to `alternatives STACK --all`.
#[derive(Debug, Clone, Serialize)]
pub struct LockInReport {
    pub stack: String,
    pub components: Vec<LockInRow>,
    pub single_supply: Vec<SingleSupply>,
}

impl LockInReport {
    pub fn new(stack: &str, lock_in: LockIn) -> LockInReport {
        let components = lock_in
            .components
            .into_iter()
            .map(|a| LockInRow {
                component: a.component.to_string(),
                version: a.version.to_string(),
                drop_in: a.count(Fit::DropIn),
                with_changes: a.count(Fit::WithChanges),
                not_viable: a.count(Fit::NotViable),
                undecided: a.undecided(),
                unexamined: a.unexamined,
                lock_in: a.is_lock_in(),
                hidden_by_policy: a.hidden_by_policy.iter().map(ToString::to_string).collect(),
                alternatives: a.alternatives,
            })
            .collect();
        LockInReport {
            stack: stack.to_owned(),
            components,
            single_supply: lock_in.single_supply,
        }
    }

    /// Components with no viable alternative.
    pub fn risks(&self) -> Vec<&LockInRow> {
        self.components.iter().filter(|c| c.lock_in).collect()
    }

    /// Whether any candidate is undecided (the table then counts them in a column).
    fn any_undecided(&self) -> bool {
        self.components.iter().any(|c| c.undecided > 0)
    }

    fn rows(&self) -> Vec<Vec<String>> {
        let undecided = self.any_undecided();
        self.components
            .iter()
            .map(|c| {
                let best = c
                    .alternatives
                    .iter()
                    .find(|a| matches!(a.fit, Fit::DropIn | Fit::WithChanges))
                    .map(|a| format!("{} ({})", a.component, a.fit.as_str()));
                let mut row = vec![
                    c.component.clone(),
                    c.version.clone(),
                    c.drop_in.to_string(),
                    c.with_changes.to_string(),
                    c.not_viable.to_string(),
                ];
                if undecided {
                    row.push(c.undecided.to_string());
                }
                row.push(match best {
                    Some(best) => best,
                    None if c.lock_in => "LOCK-IN".into(),
                    None if c.undecided > 0 => "UNDECIDED".into(),
                    None => "-".into(),
                });
                row
            })
            .collect()
    }

    fn header(&self) -> Vec<&'static str> {
        let mut header = vec![
            "component",
            "version",
            "drop-in",
            "with changes",
            "not viable",
        ];
        if self.any_undecided() {
            header.push("undecided");
        }
        header.push("best alternative");
        header
    }

    fn supply_rows(&self) -> Vec<Vec<String>> {
        self.single_supply
            .iter()
            .map(|s| {
                vec![
                    s.interface.to_string(),
                    s.provider.to_string(),
                    s.used_by.join(", "),
                ]
            })
            .collect()
    }

    fn summary(&self) -> String {
        let risks = self.risks();
        let undecided: Vec<&str> = self
            .components
            .iter()
            .filter(|c| c.undecided > 0 && c.drop_in + c.with_changes == 0)
            .map(|c| c.component.as_str())
            .collect();
        let mut out = if risks.is_empty() && undecided.is_empty() {
            format!(
                "every one of the {} components has a viable alternative",
                self.components.len()
            )
        } else {
            format!(
                "{} of {} components have no viable alternative{}",
                risks.len(),
                self.components.len(),
                if risks.is_empty() {
                    String::new()
                } else {
                    format!(
                        ": {}",
                        risks
                            .iter()
                            .map(|r| r.component.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    )
                }
            )
        };
        if !undecided.is_empty() {
            out.push_str(&format!(
                "; {} {} only undecided candidates (a bound on the work stopped it): {}",
                undecided.len(),
                if undecided.len() == 1 { "has" } else { "have" },
                undecided.join(", ")
            ));
        }
        out
    }

    /// One row per component of the plan.
    pub fn csv(&self) -> String {
        super::csv::table(
            &[
                "component",
                "version",
                "drop_in",
                "with_changes",
                "not_viable",
                "lock_in",
                "best_alternative",
                "best_fit",
                "hidden_by_policy",
            ],
            self.components.iter().map(|c| {
                let best = c.alternatives.iter().find(|a| a.fit != Fit::NotViable);
                vec![
                    c.component.clone(),
                    c.version.clone(),
                    c.drop_in.to_string(),
                    c.with_changes.to_string(),
                    c.not_viable.to_string(),
                    c.lock_in.to_string(),
                    best.map(|a| a.component.to_string()).unwrap_or_default(),
                    best.map(|a| a.fit.as_str().to_owned()).unwrap_or_default(),
                    super::csv::list(&c.hidden_by_policy),
                ]
            }),
        )
    }

    pub fn markdown(&self) -> String {
        let mut out = format!(
            "### Lock-in report for {}\n\n{}\n\n",
            super::md(&self.stack),
            super::md(&self.summary())
        );
        out.push_str(&super::md_table(&self.header(), self.rows()));
        if !self.single_supply.is_empty() {
            out.push_str("\n#### Single points of supply\n\nInterfaces the plan uses that only one component in the registry provides.\n\n");
            out.push_str(&super::md_table(
                &["interface", "provider", "used by"],
                self.supply_rows(),
            ));
        }
        out
    }
}

impl LockInReport {
    pub fn render(&self, layout: &Layout, f: &mut dyn fmt::Write) -> fmt::Result {
        let head = format!(
            "Lock-in report for {}: {}",
            escape(&self.stack),
            escape(&self.summary())
        );
        f.write_str(&layout.wrap(&head, 0, 2))?;
        writeln!(f)?;
        let header = self.header();
        let best = header.len() - 1;
        f.write_str(
            &layout.table_painted(&header, self.rows(), &[best], |row, col| {
                let c = self.components.get(row).filter(|_| col == best)?;
                match c
                    .alternatives
                    .iter()
                    .find(|a| matches!(a.fit, Fit::DropIn | Fit::WithChanges))
                {
                    Some(a) => Some(paint(a.fit)),
                    None if c.lock_in => Some(Paint::LockIn),
                    None if c.undecided > 0 => Some(Paint::Undecided),
                    None => None,
                }
            }),
        )?;
        if !self.single_supply.is_empty() {
            writeln!(f)?;
            f.write_str(&layout.wrap(
                "single points of supply (interfaces the plan uses that one component provides):",
                0,
                2,
            ))?;
            f.write_str(&layout.table_fitted(
                &["interface", "provider", "used by"],
                self.supply_rows(),
                &[2],
            ))?;
        }
        Ok(())
    }
}
