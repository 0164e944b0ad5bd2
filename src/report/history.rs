//! `registry diff` and `registry log`: semantic changes as a table for people, JSON for
//! programs and markdown for pull-request comments.

use std::fmt;

use super::Layout;

use serde::Serialize;

use crate::maintain::history::{LogEntry, RegistryChange as Change};
use crate::report::{md, md_code, md_table};

/// One side of a comparison: the revision as the user named it, and the commit it is.
#[derive(Debug, Clone, Serialize)]
pub struct Revision {
    /// `origin/main`, `v1.2`, or `working tree`.
    pub rev: String,
    pub commit: Option<String>,
}

impl fmt::Display for Revision {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.commit {
            Some(c) if !c.starts_with(&self.rev) => write!(f, "{} ({})", self.rev, short(c)),
            Some(c) => f.write_str(short(c)),
            None => f.write_str(&self.rev),
        }
    }
}

fn short(commit: &str) -> &str {
    &commit[..commit.len().min(12)]
}

/// The answer to `registry diff`.
#[derive(Debug, Clone, Serialize)]
pub struct RegistryDiff {
    pub registry: String,
    pub from: Revision,
    pub to: Revision,
    /// How many changes are breaking.
    pub breaking: usize,
    pub changes: Vec<Change>,
}

impl RegistryDiff {
    pub fn new(registry: String, from: Revision, to: Revision, changes: Vec<Change>) -> Self {
        RegistryDiff {
            registry,
            breaking: changes.iter().filter(|c| c.breaking).count(),
            from,
            to,
            changes,
        }
    }

    fn counts(&self) -> String {
        let n = self.changes.len();
        let mut out = format!("{n} change{}", if n == 1 { "" } else { "s" });
        if self.breaking > 0 {
            out.push_str(&format!(", {} breaking", self.breaking));
        }
        out
    }

    /// A pull-request comment: a heading, the counts and one row per change, breaking
    /// changes marked.
    pub fn markdown(&self) -> String {
        let mut out = format!(
            "### Registry changes\n\nFrom {} to {}: ",
            md_rev(&self.from),
            md_rev(&self.to)
        );
        if self.changes.is_empty() {
            out.push_str("no changes to the catalogue.\n");
            return out;
        }
        if self.breaking > 0 {
            out.push_str(&format!(
                "{} change{}, **{} breaking**.\n\n",
                self.changes.len(),
                if self.changes.len() == 1 { "" } else { "s" },
                self.breaking
            ));
        } else {
            out.push_str(&format!("{}.\n\n", self.counts()));
        }
        out.push_str(&md_changes(&self.changes));
        out
    }
}

fn md_rev(r: &Revision) -> String {
    match &r.commit {
        Some(c) if !c.starts_with(&r.rev) => format!("{} ({})", md_code(&r.rev), short(c)),
        Some(c) => md_code(short(c)),
        None => md(&r.rev),
    }
}

/// Change rows: breaking mark, change, item and details (one per line).
fn md_changes(changes: &[Change]) -> String {
    let mut out = String::from("| | Change | Item | Details |\n|---|---|---|---|\n");
    for c in changes {
        let mut details: Vec<String> = Vec::new();
        if let Some(r) = &c.reason {
            details.push(format!("reason: {}", md(r)));
        }
        details.extend(c.details.iter().map(|d| md(&d.to_string())));
        out.push_str(&format!(
            "| {} | {} | {} | {} |\n",
            if c.breaking { "⚠️ breaking" } else { "" },
            md(c.kind.label()),
            md(&c.item()),
            details.join("<br>")
        ));
    }
    out
}

/// Table rows for changes; the first column marks breaking changes with `!`, and is left
/// out when none is breaking.
fn change_table(layout: &Layout, changes: &[Change]) -> String {
    let marked = changes.iter().any(|c| c.breaking);
    let rows = changes.iter().map(|c| {
        let mut row = Vec::with_capacity(4);
        if marked {
            row.push(if c.breaking { "!" } else { "" }.to_owned());
        }
        row.extend([c.kind.label().to_owned(), c.item(), c.summary()]);
        row
    });
    if marked {
        layout.table(&["", "change", "item", "details"], rows)
    } else {
        layout.table(&["change", "item", "details"], rows)
    }
}

impl RegistryDiff {
    pub fn render(&self, layout: &Layout, f: &mut dyn fmt::Write) -> fmt::Result {
        writeln!(f, "Registry changes from {} to {}", self.from, self.to)?;
        if self.changes.is_empty() {
            return writeln!(f, "\nNo changes to the catalogue.");
        }
        writeln!(f)?;
        f.write_str(&change_table(layout, &self.changes))?;
        writeln!(f)?;
        write!(f, "{}", self.counts())?;
        if self.breaking > 0 {
            write!(f, " (marked !)")?;
        }
        writeln!(f)
    }
}

/// The answer to `registry log`.
#[derive(Debug, Clone, Serialize)]
pub struct RegistryLog {
    pub registry: String,
    /// The component, interface or stack the log is about, if one was given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    pub commits: Vec<LogEntry>,
}

impl RegistryLog {
    pub fn markdown(&self) -> String {
        let mut out = match &self.id {
            Some(id) => format!("### History of {}\n\n", md_code(id)),
            None => "### Registry history\n\n".to_owned(),
        };
        if self.commits.is_empty() {
            out.push_str("No commits change it.\n");
            return out;
        }
        let mut rows = Vec::new();
        for e in &self.commits {
            let changes = if e.changes.is_empty() {
                "no change to the catalogue (formatting or comments)".to_owned()
            } else {
                e.changes
                    .iter()
                    .map(describe)
                    .collect::<Vec<_>>()
                    .join("; ")
            };
            rows.push(vec![
                short(&e.commit).to_owned(),
                date_only(&e.date).to_owned(),
                e.author.clone(),
                e.summary.clone(),
                changes,
            ]);
        }
        out.push_str(&md_table(
            &["Commit", "Date", "Author", "Message", "Changes"],
            rows,
        ));
        out
    }
}

fn date_only(iso: &str) -> &str {
    iso.get(..10).unwrap_or(iso)
}

/// `release added fixmystreet 5.1.0 (depends postgresql: >=13 → >=14) [breaking]`.
fn describe(c: &Change) -> String {
    let mut out = format!("{} {}", c.kind.label(), c.item());
    let summary = c.summary();
    if !summary.is_empty() {
        out.push_str(&format!(" ({summary})"));
    }
    if c.breaking {
        out.push_str(" [breaking]");
    }
    out
}

impl RegistryLog {
    pub fn render(&self, layout: &Layout, f: &mut dyn fmt::Write) -> fmt::Result {
        if self.commits.is_empty() {
            return writeln!(
                f,
                "No commits change {}.",
                self.id.as_deref().unwrap_or("the registry")
            );
        }
        for (i, e) in self.commits.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            let head = format!(
                "{}  {}  {}  {}",
                short(&e.commit),
                date_only(&e.date),
                crate::text::escape(&e.author),
                crate::text::escape(&e.summary)
            );
            f.write_str(&layout.wrap_with(&head, "", "    "))?;
            if e.changes.is_empty() {
                writeln!(f, "    no change to the catalogue (formatting or comments)")?;
                continue;
            }
            // Fitted to the width less the indent.
            let inner = Layout {
                width: layout.width.saturating_sub(4),
                ..*layout
            };
            let body = change_table(&inner, &e.changes);
            // Indent the rows under the commit line, without the header.
            for line in body.lines().skip(1) {
                writeln!(f, "    {}", line.trim_end())?;
            }
        }
        Ok(())
    }
}
