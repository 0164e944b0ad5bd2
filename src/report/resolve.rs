//! `stackreg resolve`: the plan for a stack (need → component@version, what changed from
//! what runs today, and why each component is there), or why there is none.

use std::collections::BTreeMap;
use std::fmt;

use super::{Layout, Paint};

use serde::Serialize;

use crate::model::{Date, Lifecycle, Need, Stack};
use crate::model::{Registry, SourceInfo};
use crate::resolve::moved::MoveReason;
use crate::resolve::{ExplainNode, Explanation, LockChange, Plan};
use crate::text::escape;

/// Why a locked component moved, in the stack's words.
impl fmt::Display for MoveReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MoveReason::ComponentGone => f.write_str("it is no longer in the registry"),
            MoveReason::ReleaseGone(v) => write!(f, "release {v} is no longer in the registry"),
            MoveReason::Replaced => f.write_str("it is being replaced"),
            MoveReason::Policy(rule) => write!(f, "the stack's policy excludes it: {rule}"),
            MoveReason::Unreachable => f.write_str("no need leads to it any more"),
            MoveReason::Need { name, need } => match need {
                Some(Need::Component { id, version }) => {
                    write!(f, "need `{name}` asks for {id} {version}")
                }
                Some(Need::Interface { id, version }) => {
                    write!(f, "need `{name}` asks for interface {id} {version}")
                }
                Some(Need::Capability { id }) => {
                    write!(f, "need `{name}` asks for capability {id}")
                }
                None => write!(f, "need `{name}` is not met with it"),
            },
            MoveReason::Rule(v) => write!(f, "{v}"),
            MoveReason::WithTheRest => {
                f.write_str("no plan keeps it together with the rest of the lock")
            }
        }
    }
}

impl Serialize for MoveReason {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// Where the registry came from, as reported.
#[derive(Debug, Clone, Serialize)]
pub struct RegistryRef {
    pub source: String,
    pub commit: Option<String>,
}

impl From<&SourceInfo> for RegistryRef {
    fn from(s: &SourceInfo) -> Self {
        RegistryRef {
            source: s.source.clone(),
            commit: s.commit.clone(),
        }
    }
}

/// One planned release.
#[derive(Debug, Clone, Serialize)]
pub struct PlanRow {
    pub component: String,
    pub version: String,
    /// Stack needs this release meets.
    pub needs: Vec<String>,
    /// `id@version` of every planned release that depends on or requires it.
    pub required_by: Vec<String>,
    /// Why it is required, edge by edge (`localgov-drupal@3.2.0 depends ^10`).
    pub reasons: Vec<String>,
    /// The version in `[current]`, if any.
    pub current: Option<String>,
}

/// A difference from `[current]`: `from`/`to` are null for added/removed components.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Change {
    pub component: String,
    pub from: Option<String>,
    pub to: Option<String>,
}

/// The answer to `resolve`.
#[derive(Debug, Clone, Serialize)]
pub struct ResolveReport {
    pub stack: String,
    pub status: &'static str,
    pub registry: RegistryRef,
    pub plan: Vec<PlanRow>,
    /// Differences from `[current]` (empty when the stack has no `[current]`).
    pub changes: Vec<Change>,
    /// Locked components the plan leaves out or moves, each with why (empty without a
    /// lock file, or when the plan is the lock's).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub lock_changes: Vec<LockChange>,
    pub warnings: Vec<String>,
    /// Why no plan exists (only when unsatisfiable).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub explanation: Option<String>,
    /// The same, structured: the needs involved and the reasoning tree.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub conflict: Option<Explanation>,
}

impl ResolveReport {
    pub fn resolved(registry: &Registry, stack: &Stack, plan: &Plan, today: Date) -> ResolveReport {
        let rows = plan
            .releases
            .iter()
            .map(|r| {
                let edges: Vec<_> = plan.required_by(r.component.as_str()).collect();
                let mut required_by: Vec<String> = edges
                    .iter()
                    .map(|e| format!("{}@{}", e.from, e.from_version))
                    .collect();
                required_by.dedup();
                PlanRow {
                    component: r.component.to_string(),
                    version: r.version.to_string(),
                    needs: r.needs.iter().map(ToString::to_string).collect(),
                    required_by,
                    reasons: edges
                        .iter()
                        .map(|e| format!("{}@{} {}", e.from, e.from_version, e.label()))
                        .collect(),
                    current: stack.current.get(&r.component).map(ToString::to_string),
                }
            })
            .collect();
        ResolveReport {
            stack: stack.name.clone(),
            status: "resolved",
            registry: (&registry.source).into(),
            plan: rows,
            changes: changes(stack, plan),
            lock_changes: Vec::new(),
            warnings: warnings(registry, stack, plan, today),
            explanation: None,
            conflict: None,
        }
    }

    pub fn unsatisfiable(registry: &Registry, stack: &Stack, why: &Explanation) -> ResolveReport {
        ResolveReport {
            stack: stack.name.clone(),
            status: "unsatisfiable",
            registry: (&registry.source).into(),
            plan: Vec::new(),
            changes: Vec::new(),
            lock_changes: Vec::new(),
            warnings: Vec::new(),
            explanation: Some(super::explain::text(why)),
            conflict: Some(why.clone()),
        }
    }

    /// The report, with what moved from the lock file.
    pub fn with_lock_changes(mut self, changes: Vec<LockChange>) -> ResolveReport {
        self.lock_changes = changes;
        self
    }

    /// One line per locked component that moved: `x 1.0.0 → 2.0.0: why`.
    fn lock_lines(&self) -> Vec<String> {
        self.lock_changes
            .iter()
            .map(|c| match &c.to {
                Some(to) => format!("{} {} → {to}: {}", c.component, c.from, c.reason),
                None => format!("{} {} removed: {}", c.component, c.from, c.reason),
            })
            .collect()
    }

    fn rows(&self) -> Vec<Vec<String>> {
        let with_current =
            self.plan.iter().any(|r| r.current.is_some()) || !self.changes.is_empty();
        self.plan
            .iter()
            .map(|r| {
                let mut row = vec![r.needs.join(", "), r.component.clone(), r.version.clone()];
                if with_current {
                    row.push(match &r.current {
                        Some(c) if c == &r.version => "kept".into(),
                        Some(c) => format!("{c} → {}", r.version),
                        None => "new".into(),
                    });
                }
                let by: Vec<&str> = r
                    .required_by
                    .iter()
                    .map(|s| s.split('@').next().unwrap_or(s))
                    .collect();
                row.push(by.join(", "));
                row
            })
            .collect()
    }

    fn header(&self) -> Vec<&'static str> {
        let with_current =
            self.plan.iter().any(|r| r.current.is_some()) || !self.changes.is_empty();
        if with_current {
            vec!["need", "component", "version", "change", "required by"]
        } else {
            vec!["need", "component", "version", "required by"]
        }
    }

    fn removed(&self) -> Vec<&Change> {
        self.changes.iter().filter(|c| c.to.is_none()).collect()
    }

    /// One row per planned release, then one per component of `[current]` the plan
    /// drops. `change` is empty when the stack has no `[current]`.
    pub fn csv(&self) -> String {
        let with_current =
            self.plan.iter().any(|r| r.current.is_some()) || !self.changes.is_empty();
        let mut rows: Vec<Vec<String>> = self
            .plan
            .iter()
            .map(|r| {
                let change = if with_current {
                    change_word(r.current.as_deref(), Some(&r.version))
                } else {
                    ""
                };
                vec![
                    super::csv::list(&r.needs),
                    r.component.clone(),
                    r.version.clone(),
                    r.current.clone().unwrap_or_default(),
                    change.to_owned(),
                    super::csv::list(&r.required_by),
                ]
            })
            .collect();
        for c in self.removed() {
            rows.push(vec![
                String::new(),
                c.component.clone(),
                String::new(),
                c.from.clone().unwrap_or_default(),
                "removed".to_owned(),
                String::new(),
            ]);
        }
        super::csv::table(
            &[
                "needs",
                "component",
                "version",
                "current",
                "change",
                "required_by",
            ],
            rows,
        )
    }

    pub fn markdown(&self) -> String {
        let mut out = format!("### Plan for {}\n\n", super::md(&self.stack));
        out.push_str(&format!(
            "Registry: {}{}\n\n",
            super::md_code(&self.registry.source),
            self.registry
                .commit
                .as_ref()
                .map(|c| format!(" at `{}`", &c[..c.len().min(12)]))
                .unwrap_or_default()
        ));
        if let Some(why) = &self.conflict {
            // Escaped line by line, in a fence longer than any run of backticks inside.
            let text: Vec<String> = super::explain::text(why)
                .lines()
                .map(|l| escape(l).into_owned())
                .collect();
            let text = text.join("\n");
            let fence = "`".repeat(longest_run(&text, '`').max(2) + 1);
            out.push_str(&format!(
                "**No plan exists.** {}\n\n{fence}text\n{text}\n{fence}\n",
                super::md(&why.summary.to_string())
            ));
            return out;
        }
        let header = self.header();
        out.push_str(&super::md_table(&header, self.rows()));
        for c in self.removed() {
            out.push_str(&format!(
                "\n- removed: {} {} (no longer needed)\n",
                super::md(&c.component),
                super::md(c.from.as_deref().unwrap_or_default())
            ));
        }
        let moved = self.lock_lines();
        if !moved.is_empty() {
            out.push_str("\n**Changed from the lock file**\n\n");
            for line in moved {
                out.push_str(&format!("- {}\n", super::md(&line)));
            }
        }
        if !self.warnings.is_empty() {
            out.push_str("\n**Warnings**\n\n");
            for w in &self.warnings {
                out.push_str(&format!("- {}\n", super::md(w)));
            }
        }
        out
    }
}

impl ResolveReport {
    pub fn render(&self, layout: &Layout, f: &mut dyn fmt::Write) -> fmt::Result {
        let registry = match &self.registry.commit {
            Some(c) => format!("{} at {}", self.registry.source, &c[..c.len().min(12)]),
            None => self.registry.source.clone(),
        };
        if let Some(why) = &self.conflict {
            let head = format!(
                "{} for {} (registry: {})",
                layout.paint(Paint::Error, "No plan"),
                escape(&self.stack),
                escape(&registry)
            );
            f.write_str(&layout.wrap(&head, 0, 2))?;
            writeln!(f)?;
            f.write_str(&layout.wrap(&escape(&why.summary.to_string()), 0, 2))?;
            fn walk(
                layout: &Layout,
                f: &mut dyn fmt::Write,
                nodes: &[ExplainNode],
                prefix: &str,
            ) -> fmt::Result {
                for (i, n) in nodes.iter().enumerate() {
                    let last = i + 1 == nodes.len();
                    let next = format!("{prefix}{}", if last { "   " } else { "│  " });
                    let first = format!("{prefix}{} ", if last { "└─" } else { "├─" });
                    f.write_str(&layout.wrap_with(
                        &escape(&n.line.to_string()),
                        &first,
                        &format!("{next}   "),
                    ))?;
                    walk(layout, f, &n.children, &next)?;
                }
                Ok(())
            }
            return walk(layout, f, &why.tree, "");
        }
        let head = format!(
            "Plan for {}: {} component{} (registry: {})",
            escape(&self.stack),
            self.plan.len(),
            if self.plan.len() == 1 { "" } else { "s" },
            escape(&registry)
        );
        f.write_str(&layout.wrap(&head, 0, 2))?;
        writeln!(f)?;
        let header = self.header();
        let wrap: Vec<usize> = vec![header.len() - 1, 0];
        f.write_str(&layout.table_fitted(&header, self.rows(), &wrap))?;
        for c in self.removed() {
            writeln!(
                f,
                "removed: {} {} (no longer needed)",
                escape(&c.component),
                escape(c.from.as_deref().unwrap_or_default())
            )?;
        }
        let moved = self.lock_lines();
        if !moved.is_empty() {
            writeln!(f, "\nchanged from the lock file:")?;
            for line in moved {
                f.write_str(&layout.wrap(&escape(&line), 2, 4))?;
            }
        }
        if !self.warnings.is_empty() {
            writeln!(f, "\n{}:", layout.paint(Paint::Warning, "warnings"))?;
            for w in &self.warnings {
                f.write_str(&layout.wrap(&escape(w), 2, 4))?;
            }
        }
        Ok(())
    }
}

/// Every difference between `[current]` and the plan.
pub fn changes(stack: &Stack, plan: &Plan) -> Vec<Change> {
    if stack.current.is_empty() {
        return Vec::new();
    }
    let planned = plan.versions();
    let mut out = Vec::new();
    let mut ids: BTreeMap<&str, ()> = BTreeMap::new();
    for id in stack.current.keys().chain(planned.keys()) {
        ids.insert(id.as_str(), ());
    }
    for id in ids.keys() {
        let from = stack.current.get(*id).map(ToString::to_string);
        let to = planned.get(*id).map(ToString::to_string);
        if from != to {
            out.push(Change {
                component: (*id).to_owned(),
                from,
                to,
            });
        }
    }
    out
}

/// Things an architect should know about a plan that does not stop it.
pub fn warnings(registry: &Registry, stack: &Stack, plan: &Plan, today: Date) -> Vec<String> {
    let soon = today.add_months(6);
    let mut out = Vec::new();
    for p in &plan.releases {
        let Some(c) = registry.components.get(&p.component) else {
            continue;
        };
        let Some(r) = c.release(&p.version) else {
            continue;
        };
        if let Some(reason) = &r.yanked {
            out.push(format!(
                "{} {} is yanked ({reason}); kept because it is in [current] or the lock file",
                c.id, r.version
            ));
        }
        if let Some(end) = r.support_ends {
            if end < today {
                out.push(format!("{} {}: support ended on {end}", c.id, r.version));
            } else if end <= soon {
                out.push(format!(
                    "{} {}: support ends on {end}, within six months",
                    c.id, r.version
                ));
            }
        }
        if c.lifecycle == Lifecycle::Deprecated {
            out.push(format!("{} is deprecated", c.id));
        }
    }
    for (id, v) in &stack.current {
        if let Some(c) = registry.components.get(id)
            && c.release(v).is_none()
        {
            out.push(format!(
                "[current] {id} {v} is not a release in the registry"
            ));
        }
    }
    out
}

/// How a planned version differs from the one in `[current]`: `kept`, `upgraded`,
/// `downgraded`, `added` or `removed`.
fn change_word(current: Option<&str>, planned: Option<&str>) -> &'static str {
    match (current, planned) {
        (Some(c), Some(p)) if c == p => "kept",
        (Some(c), Some(p)) => match (semver::Version::parse(c), semver::Version::parse(p)) {
            (Ok(c), Ok(p)) if p < c => "downgraded",
            _ => "upgraded",
        },
        (None, Some(_)) => "added",
        (Some(_), None) => "removed",
        (None, None) => "",
    }
}

/// The longest run of `c` in `s`.
fn longest_run(s: &str, c: char) -> usize {
    let (mut best, mut run) = (0, 0);
    for x in s.chars() {
        run = if x == c { run + 1 } else { 0 };
        best = best.max(run);
    }
    best
}
