//! What every subcommand shares: the global options and the output streams. Finding and
//! opening the registry is `ops`'s (`Ctx::session` hands the options over).

use std::path::PathBuf;

use super::args::{ColorChoice, Format, Global};
use crate::error::{self, Error};
use crate::ops::{Messages, Session, Settings};
use crate::report::validation::render_one;
use crate::report::{ColorWhen, Layout, Output, Paint};
use crate::text;

/// `value` as pretty JSON; a value that cannot be serialised stops the command (exit 2).
pub fn json<T: serde::Serialize + ?Sized>(value: &T) -> Result<String, Error> {
    crate::report::json(value).map_err(|e| Error::Output(e.into()))
}

/// Global settings and output, shared by every subcommand.
pub struct Ctx {
    pub global: Global,
    pub cwd: PathBuf,
    /// Where answers go and how they look: decided once, here.
    pub out: Output,
    /// The progress bar of long work.
    bar: super::progress::Bar,
}

impl Ctx {
    pub fn new(global: &Global) -> Ctx {
        let when = match global.color {
            ColorChoice::Auto => ColorWhen::Auto,
            ColorChoice::Always => ColorWhen::Always,
            ColorChoice::Never => ColorWhen::Never,
        };
        Ctx {
            global: global.clone(),
            cwd: std::env::current_dir().unwrap_or_else(|_| PathBuf::from(".")),
            out: Output::new(when),
            bar: Default::default(),
        }
    }

    pub fn color_stdout(&self) -> bool {
        self.out.layout().color
    }

    /// How human answers are laid out on stdout.
    pub fn layout(&self) -> Layout {
        self.out.layout()
    }

    /// The output format, checked against the ones `command` supports (the first is the
    /// default).
    pub fn format(&self, command: &'static str, allowed: &[Format]) -> Result<Format, Error> {
        match self.global.format {
            None => Ok(allowed.first().copied().unwrap_or(Format::Table)),
            Some(f) if allowed.contains(&f) => Ok(f),
            Some(f) => Err(Error::Format {
                format: f.as_str().to_owned(),
                command,
                allowed: allowed
                    .iter()
                    .map(|f| f.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
            }),
        }
    }

    /// Refuses `--format` for a command whose output has one fixed format (`prints`).
    pub fn no_format(&self, command: &'static str, prints: &'static str) -> Result<(), Error> {
        match self.global.format {
            None => Ok(()),
            Some(f) => Err(Error::FixedFormat {
                format: f.as_str().to_owned(),
                command,
                prints,
            }),
        }
    }

    /// Prints a report in `format`: JSON, markdown, CSV where the report has it, else the
    /// human table.
    pub fn emit<R: crate::report::Report>(&self, format: Format, report: &R) -> Result<(), Error> {
        let text = match format {
            Format::Json => {
                return self
                    .out
                    .print_with(|w| crate::report::write_json(report, w))
                    .map_err(Error::Output);
            }
            Format::Markdown => report.markdown(),
            Format::Csv => report
                .csv()
                .unwrap_or_else(|| report.human(&self.out.layout())),
            _ => report.human(&self.out.layout()),
        };
        self.print(&text)
    }

    /// A closed pipe (`stackreg validate | head`) is not an error: the rest of the output
    /// is dropped, and the command still ends with its own exit code.
    pub fn print(&self, data: &str) -> Result<(), Error> {
        self.out.print(data).map_err(Error::Output)
    }

    /// A warning on stderr, unless `--quiet`.
    pub fn warn(&self, message: &str) {
        if self.global.quiet {
            return;
        }
        let label = self
            .out
            .stderr_layout()
            .paint(Paint::WarningLabel, "warning");
        self.out
            .eprint(&format!("{label}: {}\n", text::escape(message)));
    }

    /// A note on stderr (what was written, and so on), unless `--quiet`.
    pub fn note(&self, message: &str) {
        if !self.global.quiet {
            self.out.eprint(&format!("{}\n", text::escape(message)));
        }
    }

    /// Says why a negative answer is negative, on stderr, even with `--quiet`.
    pub fn fail(&self, message: &str) {
        let label = self.out.stderr_layout().paint(Paint::Error, "error");
        let lines: Vec<String> = message
            .lines()
            .map(|l| text::escape(l).into_owned())
            .collect();
        self.out.eprint(&format!("{label}: {}\n", lines.join("\n")));
    }

    /// Progress on stderr, only with `--verbose`.
    pub fn status(&self, message: &str) {
        if self.global.verbose > 0 && !self.global.quiet {
            self.out.eprint(&format!("{}\n", text::escape(message)));
        }
    }

    /// Prints an error that stopped the command, with its causes and a hint.
    pub fn report_error(&self, e: &Error) {
        let layout = self.out.stderr_layout();
        let mut out = String::new();
        if let Error::File {
            diagnostic: d,
            text,
        } = e
        {
            let renderer = if layout.color {
                annotate_snippets::Renderer::styled()
            } else {
                annotate_snippets::Renderer::plain()
            };
            let text = text.as_deref().map(str::to_owned);
            out.push_str(&render_one(&renderer, d, text.as_ref()));
            out.push('\n');
        } else {
            out.push_str(&format!(
                "{}{} {}\n",
                layout.paint(Paint::Error, "error"),
                layout.paint(Paint::Strong, ":"),
                text::escape(&e.to_string())
            ));
            for cause in error::causes(e) {
                out.push_str(&format!("  caused by: {}\n", text::escape(&cause)));
            }
            if let Some(hint) = e.hint() {
                out.push_str(&format!(
                    "  {} {}\n",
                    layout.paint(Paint::Strong, "hint:"),
                    text::escape(&hint)
                ));
            }
        }
        self.out.eprint(&out);
    }

    /// Progress on stderr (network work that may take a while), unless `--quiet`.
    pub fn progress(&self, message: &str) {
        if !self.global.quiet {
            self.out.eprint(&format!("{}\n", text::escape(message)));
        }
    }

    /// The settings and messages `ops` runs a command with.
    pub fn session(&self) -> Result<Session<'_>, Error> {
        let settings = Settings {
            registry: self.global.registry.clone(),
            registry_env: None,
            rev: self.global.rev.clone(),
            offline: self.global.offline,
            max_steps: self.global.max_steps,
            require_signed: self.global.require_signed.clone(),
            cwd: self.cwd.clone(),
            cache: None,
            exits_after: true,
        }
        .with_env()?;
        Ok(Session::new(settings, self))
    }
}

impl Messages for Ctx {
    fn warn(&self, message: &str) {
        Ctx::warn(self, message);
    }

    fn note(&self, message: &str) {
        Ctx::note(self, message);
    }

    fn status(&self, message: &str) {
        Ctx::status(self, message);
    }

    fn progress(&self, message: &str) {
        Ctx::progress(self, message);
    }

    fn advance(&self, what: &str, done: u64, total: u64) {
        self.bar.advance(!self.global.quiet, what, done, total);
    }
}
