//! `renewals STACK`: contract and support ends, soonest decision first.

use std::fmt;

use super::Layout;

use serde::Serialize;

use crate::model::Date;
use crate::planning::renewals::Renewal;
use crate::text::escape;

/// The answer to `renewals`. Its JSON is the list of renewals.
#[derive(Debug, Clone, Serialize)]
#[serde(transparent)]
pub struct RenewalsReport {
    pub renewals: Vec<Renewal>,
    #[serde(skip)]
    pub stack: String,
    #[serde(skip)]
    pub today: Date,
    #[serde(skip)]
    pub within: u32,
}

impl RenewalsReport {
    fn until(&self) -> Date {
        self.today.add_months(self.within)
    }

    fn headline(&self) -> String {
        let n = self.renewals.len();
        let overdue = self.renewals.iter().filter(|r| r.overdue).count();
        let mut s = format!(
            "Renewals for {} within {} months ({} to {}): {n} end{}",
            self.stack,
            self.within,
            self.today,
            self.until(),
            if n == 1 { "" } else { "s" }
        );
        if overdue > 0 {
            s.push_str(&format!(
                ", {overdue} decision date{} passed",
                if overdue == 1 { "" } else { "s" }
            ));
        }
        s
    }

    fn rows(&self) -> Vec<Vec<String>> {
        self.renewals
            .iter()
            .map(|r| {
                let a = &r.alternatives;
                let mut alternatives = match &a.best {
                    None => "none".to_owned(),
                    Some(b) => {
                        let mut counts = Vec::new();
                        if a.drop_in > 0 {
                            counts.push(format!("{} drop-in", a.drop_in));
                        }
                        if a.with_changes > 0 {
                            counts.push(format!("{} with changes", a.with_changes));
                        }
                        format!("{}: {}", counts.join(", "), b.component)
                    }
                };
                match (&r.open_source_option, &a.best) {
                    (Some(o), Some(b)) if *o == b.component => {
                        alternatives.push_str(" (open source)")
                    }
                    (Some(o), _) => alternatives.push_str(&format!("; open source: {o}")),
                    (None, _) => {}
                }
                vec![
                    r.component.to_string(),
                    r.version.to_string(),
                    format!(
                        "{} {}{}",
                        r.reason.as_str(),
                        r.ends,
                        if r.ended { " (ended)" } else { "" }
                    ),
                    if r.overdue {
                        format!("{} (passed)", r.decide_by)
                    } else {
                        r.decide_by.to_string()
                    },
                    alternatives,
                ]
            })
            .collect()
    }

    const HEADER: [&'static str; 5] = ["component", "version", "ends", "decide by", "alternatives"];

    pub fn markdown(&self) -> String {
        let mut out = format!("### {}\n\n", super::md(&self.headline()));
        if self.renewals.is_empty() {
            out.push_str("Nothing ends within the window.\n");
            return out;
        }
        let header: Vec<String> = Self::HEADER.iter().map(|h| capitalise(h)).collect();
        let header: Vec<&str> = header.iter().map(String::as_str).collect();
        out.push_str(&super::md_table(&header, self.rows()));
        out
    }

    pub fn csv(&self) -> String {
        let rows = self.renewals.iter().map(|r| {
            vec![
                r.component.to_string(),
                r.version.to_string(),
                r.reason.as_str().to_owned(),
                r.ends.to_string(),
                r.decide_by.to_string(),
                r.notice_months.to_string(),
                r.ended.to_string(),
                r.overdue.to_string(),
                r.alternatives.drop_in.to_string(),
                r.alternatives.with_changes.to_string(),
                r.alternatives
                    .best
                    .as_ref()
                    .map(|b| b.component.to_string())
                    .unwrap_or_default(),
                r.alternatives
                    .best
                    .as_ref()
                    .map(|b| b.fit.as_str().to_owned())
                    .unwrap_or_default(),
                r.open_source_option
                    .as_ref()
                    .map(ToString::to_string)
                    .unwrap_or_default(),
            ]
        });
        super::csv::table(
            &[
                "component",
                "version",
                "reason",
                "ends",
                "decide-by",
                "notice-months",
                "ended",
                "overdue",
                "drop-in",
                "with-changes",
                "best",
                "best-fit",
                "open-source-option",
            ],
            rows,
        )
    }
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

impl RenewalsReport {
    pub fn render(&self, layout: &Layout, f: &mut dyn fmt::Write) -> fmt::Result {
        f.write_str(&layout.wrap(&escape(&self.headline()), 0, 2))?;
        if self.renewals.is_empty() {
            return Ok(());
        }
        writeln!(f)?;
        f.write_str(&layout.table_fitted(&Self::HEADER, self.rows(), &[4]))
    }
}
