//! What every subcommand shares: the global options and the output streams. Finding and
//! opening the registry is `ops`'s (`Ctx::session` hands the options over).

use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use super::args::{ColorChoice, Format, Global};
use crate::error::{self, Error};
use crate::ops::{Messages, Session, Settings};
use crate::report::validation::render_one;
use crate::text;

/// Global settings and output, shared by every subcommand.
pub struct Ctx {
    pub global: Global,
    pub cwd: PathBuf,
    color_out: bool,
    color_err: bool,
    stdout_closed: std::cell::Cell<bool>,
}

fn use_color(choice: ColorChoice, is_tty: bool) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            is_tty
                && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                && std::env::var("TERM").map_or(true, |t| t != "dumb")
        }
    }
}

impl Ctx {
    pub fn new(global: &Global) -> Ctx {
        let stdout_tty = std::io::stdout().is_terminal();
        let width = std::env::var("COLUMNS")
            .ok()
            .and_then(|c| c.parse().ok())
            .or_else(|| {
                stdout_tty
                    .then(terminal_size::terminal_size)
                    .flatten()
                    .map(|(w, _)| usize::from(w.0))
            })
            .unwrap_or(100);
        crate::report::set_width(width);
        Ctx {
            global: global.clone(),
            cwd: std::env::current_dir().unwrap_or_else(|_| PathBuf::from(".")),
            color_out: use_color(global.color, stdout_tty),
            color_err: use_color(global.color, std::io::stderr().is_terminal()),
            stdout_closed: std::cell::Cell::new(false),
        }
    }

    pub fn color_stdout(&self) -> bool {
        self.color_out
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
            Format::Json => crate::report::json(report),
            Format::Markdown => report.markdown(),
            Format::Csv => report.csv().unwrap_or_else(|| report.to_string()),
            _ => report.to_string(),
        };
        self.print(&text)
    }

    /// A closed pipe (`stackreg validate | head`) is not an error: the rest of the output
    /// is dropped, and the command still ends with its own exit code.
    pub fn print(&self, data: &str) -> Result<(), Error> {
        if self.stdout_closed.get() {
            return Ok(());
        }
        let mut out = std::io::stdout().lock();
        match out.write_all(data.as_bytes()).and_then(|()| out.flush()) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {
                self.stdout_closed.set(true);
                Ok(())
            }
            Err(e) => Err(Error::Output(e)),
        }
    }

    /// A warning on stderr, unless `--quiet`.
    pub fn warn(&self, message: &str) {
        if self.global.quiet {
            return;
        }
        let label = if self.color_err {
            "\x1b[1;33mwarning\x1b[0m"
        } else {
            "warning"
        };
        eprintln!("{label}: {}", text::escape(message));
    }

    /// A note on stderr (what was written, and so on), unless `--quiet`.
    pub fn note(&self, message: &str) {
        if !self.global.quiet {
            eprintln!("{}", text::escape(message));
        }
    }

    /// Says why a negative answer is negative, on stderr, even with `--quiet`.
    pub fn fail(&self, message: &str) {
        let label = if self.color_err {
            "\x1b[1;31merror\x1b[0m"
        } else {
            "error"
        };
        let lines: Vec<String> = message
            .lines()
            .map(|l| text::escape(l).into_owned())
            .collect();
        eprintln!("{label}: {}", lines.join("\n"));
    }

    /// Progress on stderr, only with `--verbose`.
    pub fn status(&self, message: &str) {
        if self.global.verbose > 0 && !self.global.quiet {
            eprintln!("{}", text::escape(message));
        }
    }

    /// Prints an error that stopped the command, with its causes and a hint.
    pub fn report_error(&self, e: &Error) {
        let (red, bold, reset) = if self.color_err {
            ("\x1b[1;31m", "\x1b[1m", "\x1b[0m")
        } else {
            ("", "", "")
        };
        let mut out = String::new();
        if let Error::File(d) = e {
            let renderer = if self.color_err {
                annotate_snippets::Renderer::styled()
            } else {
                annotate_snippets::Renderer::plain()
            };
            out.push_str(&render_one(&renderer, d, None));
            out.push('\n');
        } else {
            out.push_str(&format!(
                "{red}error{reset}{bold}:{reset} {}\n",
                text::escape(&e.to_string())
            ));
            for cause in error::causes(e) {
                out.push_str(&format!("  caused by: {}\n", text::escape(&cause)));
            }
            if let Some(hint) = e.hint() {
                out.push_str(&format!("  {bold}hint:{reset} {}\n", text::escape(&hint)));
            }
        }
        let _ = std::io::stderr().write_all(out.as_bytes());
    }

    /// Progress on stderr (network work that may take a while), unless `--quiet`.
    pub fn progress(&self, message: &str) {
        if !self.global.quiet {
            eprintln!("{}", text::escape(message));
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
}
