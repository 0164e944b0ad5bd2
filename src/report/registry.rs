//! Answers of the registry's git operations: `publish` and `yank` (what was or would be
//! committed), `fetch` and `init`.

use std::fmt;

use super::Layout;

use serde::Serialize;

use crate::diagnostic::Diagnostic;
use crate::maintain::history::RegistryChange as Change;
use crate::report::{md, md_code};
use crate::text;

/// How a publish or yank ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum PublishStatus {
    Committed,
    DryRun,
    Unchanged,
    Refused,
}

/// The answer to `registry publish` and `registry yank`.
#[derive(Debug, Clone, Serialize)]
pub struct PublishReport {
    pub status: PublishStatus,
    /// The new commit, when one was made.
    pub commit: Option<String>,
    /// The commit the change was checked against.
    pub base: String,
    /// The commit message (made or that would be made).
    pub message: String,
    /// The files written, relative to the repository root.
    pub files: Vec<String>,
    pub changes: Vec<Change>,
    pub errors: Vec<Diagnostic>,
    pub warnings: Vec<Diagnostic>,
}

impl PublishReport {
    pub fn markdown(&self) -> String {
        let mut out = format!("### {}\n\n", md(self.headline()));
        out.push_str(&format!("```\n{}```\n", self.message));
        if !self.files.is_empty() {
            out.push_str("\nFiles:\n\n");
            for f in &self.files {
                out.push_str(&format!("- {}\n", md_code(f)));
            }
        }
        out
    }

    fn headline(&self) -> &'static str {
        match self.status {
            PublishStatus::Committed => "Committed",
            PublishStatus::DryRun => "Would commit (dry run: nothing was written)",
            PublishStatus::Unchanged => "Nothing to commit: the registry already says this",
            PublishStatus::Refused => "Refused: nothing was committed",
        }
    }
}

impl PublishReport {
    pub fn render(&self, _layout: &Layout, f: &mut dyn fmt::Write) -> fmt::Result {
        match (self.status, &self.commit) {
            (PublishStatus::Committed, Some(c)) => {
                let subject = self.message.lines().next().unwrap_or_default();
                writeln!(
                    f,
                    "Committed {}: {}",
                    &c[..c.len().min(12)],
                    text::escape(subject)
                )?;
            }
            _ => writeln!(f, "{}", self.headline())?,
        }
        if self.status == PublishStatus::DryRun {
            writeln!(f)?;
            for line in self.message.lines() {
                if line.is_empty() {
                    writeln!(f)?;
                } else {
                    writeln!(f, "    {}", text::escape(line))?;
                }
            }
            writeln!(f)?;
        } else if self.status == PublishStatus::Committed {
            for line in self.message.lines().skip(2) {
                writeln!(f, "  {}", text::escape(line))?;
            }
        }
        if !self.files.is_empty() && self.status != PublishStatus::Refused {
            writeln!(
                f,
                "{} {}",
                if self.status == PublishStatus::DryRun {
                    "would write:"
                } else {
                    "wrote:"
                },
                text::escape(&self.files.join(", "))
            )?;
        }
        Ok(())
    }
}

/// The answer to `registry fetch`.
#[derive(Debug, Clone, Serialize)]
pub struct FetchReport {
    pub url: String,
    /// The commit of the remote's default branch.
    pub commit: String,
    /// The registry folder within the repository (`""` for its root).
    pub path: String,
    /// Where the copy is kept.
    pub cache: String,
}

impl FetchReport {
    pub fn markdown(&self) -> String {
        format!(
            "Fetched {} at {} (cached in {})\n",
            md(&self.url),
            md_code(&self.commit[..self.commit.len().min(12)]),
            md_code(&self.cache)
        )
    }
}

impl FetchReport {
    pub fn render(&self, _layout: &Layout, f: &mut dyn fmt::Write) -> fmt::Result {
        writeln!(
            f,
            "Fetched {} at {}",
            text::escape(&self.url),
            &self.commit[..self.commit.len().min(12)]
        )?;
        writeln!(f, "  cache: {}", text::escape(&self.cache))
    }
}

/// The answer to `registry init`.
#[derive(Debug, Clone, Serialize)]
pub struct InitReport {
    pub path: String,
    pub branch: String,
    pub commit: String,
    pub files: Vec<String>,
}

impl InitReport {
    pub fn markdown(&self) -> String {
        let mut out = format!(
            "Created registry {} on branch {} (commit {})\n\n",
            md_code(&self.path),
            md_code(&self.branch),
            md_code(&self.commit[..self.commit.len().min(12)])
        );
        for f in &self.files {
            out.push_str(&format!("- {}\n", md_code(f)));
        }
        out
    }
}

impl InitReport {
    pub fn render(&self, _layout: &Layout, f: &mut dyn fmt::Write) -> fmt::Result {
        writeln!(
            f,
            "Created registry {} on branch {} ({})",
            text::escape(&self.path),
            text::escape(&self.branch),
            &self.commit[..self.commit.len().min(12)]
        )?;
        for file in &self.files {
            writeln!(f, "  {}", text::escape(file))?;
        }
        writeln!(
            f,
            "  interfaces/, components/ and stacks/ are ready for manifests"
        )
    }
}
