//! `merge STACK STACK`: the overlaps between two councils, and the merged plan with the
//! change for each of them.

use std::collections::BTreeSet;
use std::fmt;

use super::Layout;

use serde::Serialize;

use super::resolve::Change;
use crate::planning::merge::{Member, Merge};
use crate::resolve::Resolution;
use crate::resolve::alternatives::Fit;
use crate::text::escape;

/// One overlap, as reported.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct OverlapRow {
    pub need: String,
    pub a: Member,
    pub b: Member,
    pub keep_a: Fit,
    pub keep_b: Fit,
    pub keep_a_changes: Vec<Change>,
    pub keep_b_changes: Vec<Change>,
    pub keep_a_reason: Option<String>,
    pub keep_b_reason: Option<String>,
}

/// One release of the merged plan, with each former council's version of it.
#[derive(Debug, Clone, Serialize)]
pub struct MergedRow {
    pub component: String,
    pub version: Option<String>,
    pub needs: Vec<String>,
    /// The version in the first council's plan (null if it has none).
    pub a: Option<String>,
    pub b: Option<String>,
}

/// Where a merged need came from.
#[derive(Debug, Clone, Serialize)]
pub struct NeedRow {
    pub name: String,
    pub need: String,
    pub a: Option<String>,
    pub b: Option<String>,
}

/// The answer to `merge`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct MergeReport {
    pub stack: String,
    /// The two stack files, as given.
    pub from: [String; 2],
    pub status: &'static str,
    pub needs: Vec<NeedRow>,
    pub overlaps: Vec<OverlapRow>,
    /// The merged plan; components either council plans that it drops have a null
    /// `version`.
    pub plan: Vec<MergedRow>,
    /// Components both run today at different versions: `[current]` keeps the newer.
    pub current_conflicts: Vec<Change>,
    pub explanation: Option<String>,
    /// Where the merged stack file was written.
    pub written: Option<String>,
}

fn convert(c: &crate::resolve::alternatives::Change) -> Change {
    Change {
        component: c.component.to_string(),
        from: c.from.as_ref().map(ToString::to_string),
        to: c.to.as_ref().map(ToString::to_string),
    }
}

impl MergeReport {
    pub fn new(m: &Merge, from: [String; 2], written: Option<String>) -> MergeReport {
        let stack = &m.merged.stack;
        let needs = stack
            .needs
            .iter()
            .map(|(name, need)| {
                let (a, b) = m.merged.sources.get(name).cloned().unwrap_or_default();
                NeedRow {
                    name: name.to_string(),
                    need: need.to_string(),
                    a: a.map(|x| x.to_string()),
                    b: b.map(|x| x.to_string()),
                }
            })
            .collect();
        let overlaps = m
            .overlaps
            .iter()
            .map(|o| OverlapRow {
                need: o.need.clone(),
                a: o.a.clone(),
                b: o.b.clone(),
                keep_a: o.keep_a.fit,
                keep_b: o.keep_b.fit,
                keep_a_changes: o.keep_a.changes.iter().map(convert).collect(),
                keep_b_changes: o.keep_b.changes.iter().map(convert).collect(),
                keep_a_reason: o.keep_a.reason.clone(),
                keep_b_reason: o.keep_b.reason.clone(),
            })
            .collect();
        let (status, plan, explanation) = match &m.resolution {
            Resolution::Resolved(p) => {
                let mut rows: Vec<MergedRow> = p
                    .releases
                    .iter()
                    .map(|r| MergedRow {
                        component: r.component.to_string(),
                        version: Some(r.version.to_string()),
                        needs: r.needs.iter().map(ToString::to_string).collect(),
                        a: m.a_plan.get(&r.component).map(ToString::to_string),
                        b: m.b_plan.get(&r.component).map(ToString::to_string),
                    })
                    .collect();
                let gone: BTreeSet<_> = m
                    .a_plan
                    .keys()
                    .chain(m.b_plan.keys())
                    .filter(|id| p.get(id.as_str()).is_none())
                    .collect();
                for id in gone {
                    rows.push(MergedRow {
                        component: id.to_string(),
                        version: None,
                        needs: Vec::new(),
                        a: m.a_plan.get(id).map(ToString::to_string),
                        b: m.b_plan.get(id).map(ToString::to_string),
                    });
                }
                ("resolved", rows, None)
            }
            Resolution::Unsatisfiable(why) => {
                ("unsatisfiable", Vec::new(), Some(super::explain::text(why)))
            }
        };
        MergeReport {
            stack: stack.name.clone(),
            from,
            status,
            needs,
            overlaps,
            plan,
            current_conflicts: m
                .merged
                .current_conflicts
                .iter()
                .map(|(id, a, b)| Change {
                    component: id.to_string(),
                    from: Some(a.to_string()),
                    to: Some(b.to_string()),
                })
                .collect(),
            explanation,
            written,
        }
    }

    pub fn is_resolved(&self) -> bool {
        self.status == "resolved"
    }

    fn for_council(version: &Option<String>, was: &Option<String>) -> String {
        match (was, version) {
            (Some(w), Some(v)) if w == v => "kept".into(),
            (Some(w), Some(v)) => format!("{w} → {v}"),
            (None, Some(_)) => "new".into(),
            (Some(w), None) => format!("{w} removed"),
            (None, None) => "-".into(),
        }
    }

    fn plan_rows(&self) -> Vec<Vec<String>> {
        self.plan
            .iter()
            .map(|r| {
                vec![
                    r.component.clone(),
                    r.version.clone().unwrap_or_else(|| "-".into()),
                    Self::for_council(&r.version, &r.a),
                    Self::for_council(&r.version, &r.b),
                ]
            })
            .collect()
    }

    fn verdict(fit: Fit, changes: &[Change], reason: &Option<String>) -> String {
        let mut s = fit.as_str().to_owned();
        if !changes.is_empty() {
            let list: Vec<String> = changes
                .iter()
                .map(|c| match (&c.from, &c.to) {
                    (Some(f), Some(t)) => format!("{} {f} → {t}", c.component),
                    (None, Some(t)) => format!("+{} {t}", c.component),
                    (Some(f), None) => format!("−{} {f}", c.component),
                    (None, None) => c.component.clone(),
                })
                .collect();
            s.push_str(&format!(" ({})", list.join(", ")));
        }
        if let Some(r) = reason {
            s.push_str(&format!(": {r}"));
        }
        s
    }

    fn overlap_rows(&self, full: bool) -> Vec<Vec<String>> {
        let short = |fit: Fit, changes: &[Change]| match (fit, changes.len()) {
            (Fit::WithChanges, 1) => "1 change".to_owned(),
            (Fit::WithChanges, n) => format!("{n} changes"),
            (fit, _) => fit.as_str().to_owned(),
        };
        self.overlaps
            .iter()
            .map(|o| {
                let (ka, kb) = if full {
                    (
                        Self::verdict(o.keep_a, &o.keep_a_changes, &o.keep_a_reason),
                        Self::verdict(o.keep_b, &o.keep_b_changes, &o.keep_b_reason),
                    )
                } else {
                    (
                        short(o.keep_a, &o.keep_a_changes),
                        short(o.keep_b, &o.keep_b_changes),
                    )
                };
                vec![
                    o.need.clone(),
                    format!("{} {}", o.a.component, o.a.version),
                    format!("{} {}", o.b.component, o.b.version),
                    ka,
                    kb,
                ]
            })
            .collect()
    }

    /// `keep a's X for need: verdict` lines for the verdicts with details.
    fn overlap_details(&self) -> Vec<String> {
        let mut out = Vec::new();
        for o in &self.overlaps {
            for (who, m, fit, changes, reason) in [
                ("a", &o.a, o.keep_a, &o.keep_a_changes, &o.keep_a_reason),
                ("b", &o.b, o.keep_b, &o.keep_b_changes, &o.keep_b_reason),
            ] {
                if !changes.is_empty() || reason.is_some() {
                    out.push(format!(
                        "keep {who}'s {} for {}: {}",
                        m.component,
                        o.need,
                        Self::verdict(fit, changes, reason)
                    ));
                }
            }
        }
        out
    }

    fn headline(&self) -> String {
        let shared = self
            .needs
            .iter()
            .filter(|n| n.a.is_some() && n.b.is_some())
            .count();
        format!(
            "Merged stack {} from {} (a) and {} (b): {} needs, {shared} of them shared",
            self.stack,
            self.from[0],
            self.from[1],
            self.needs.len()
        )
    }

    pub fn markdown(&self) -> String {
        let mut out = format!("### {}\n\n", super::md(&self.headline()));
        out.push_str("**Overlaps**\n\n");
        if self.overlaps.is_empty() {
            out.push_str(
                "None: the two councils meet every shared need with the same component.\n\n",
            );
        } else {
            out.push_str(&super::md_table(
                &["Need", "A runs", "B runs", "Keep A's", "Keep B's"],
                self.overlap_rows(true),
            ));
            out.push('\n');
        }
        if let Some(e) = &self.explanation {
            out.push_str(&format!(
                "**The merged stack has no plan.**\n\n{}\n",
                super::md(e)
            ));
            return out;
        }
        out.push_str("**Merged plan**\n\n");
        out.push_str(&super::md_table(
            &["Component", "Version", "For A", "For B"],
            self.plan_rows(),
        ));
        out
    }

    pub fn csv(&self) -> String {
        let rows = self.plan.iter().map(|r| {
            vec![
                r.component.clone(),
                r.version.clone().unwrap_or_default(),
                r.a.clone().unwrap_or_default(),
                r.b.clone().unwrap_or_default(),
                r.needs.join(" "),
            ]
        });
        super::csv::table(&["component", "version", "a", "b", "needs"], rows)
    }
}

impl MergeReport {
    pub fn render(&self, layout: &Layout, f: &mut dyn fmt::Write) -> fmt::Result {
        f.write_str(&layout.wrap_words(&escape(&self.headline()), 0, 2))?;
        writeln!(f)?;
        if self.overlaps.is_empty() {
            writeln!(
                f,
                "No overlaps: the two councils meet every shared need with the same component."
            )?;
        } else {
            writeln!(f, "Overlaps (a shared need met by different components):")?;
            f.write_str(&layout.table_fitted(
                &["need", "a runs", "b runs", "keep a's", "keep b's"],
                self.overlap_rows(false),
                &[2, 1],
            ))?;
            for line in self.overlap_details() {
                f.write_str(&layout.wrap_words(&escape(&line), 2, 6))?;
            }
        }
        for c in &self.current_conflicts {
            let note = format!(
                "note: both run {} ({} and {}); [current] keeps the newer",
                escape(&c.component),
                escape(c.from.as_deref().unwrap_or_default()),
                escape(c.to.as_deref().unwrap_or_default())
            );
            f.write_str(&layout.wrap(&note, 0, 6))?;
        }
        writeln!(f)?;
        if let Some(e) = &self.explanation {
            writeln!(f, "The merged stack has no plan:")?;
            for line in escape(e.trim_end()).lines() {
                f.write_str(&layout.wrap_indented(line))?;
            }
            return Ok(());
        }
        let kept = self.plan.iter().filter(|r| r.version.is_some()).count();
        writeln!(f, "Merged plan: {kept} components")?;
        f.write_str(&layout.table(
            &["component", "version", "for a", "for b"],
            self.plan_rows(),
        ))?;
        Ok(())
    }
}
