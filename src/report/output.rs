//! Where answers go and how they look there: the width tables are fitted to, whether each
//! stream is coloured, and the writer. Decided once at start-up (`Output::new`) and passed
//! down as a value: nothing here is global, and a test can print into a buffer.

use std::cell::{Cell, RefCell};
use std::io::{self, IsTerminal, Write};

use anstyle::{AnsiColor, Effects, Style};

use crate::env::EnvVars;

/// How human output is laid out on stdout: the width tables and prose are fitted to, and
/// whether words may be coloured. `Layout::default()` is 100 columns, no colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Layout {
    pub width: usize,
    pub color: bool,
}

impl Default for Layout {
    fn default() -> Layout {
        Layout {
            width: DEFAULT_WIDTH,
            color: false,
        }
    }
}

/// The width when neither `COLUMNS` nor the terminal says.
pub const DEFAULT_WIDTH: usize = 100;

/// The narrowest width tables are fitted to, whatever `COLUMNS` says.
pub const MIN_WIDTH: usize = 40;

/// What a coloured word means. Each has one style, so a colour reads the same in every
/// answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Paint {
    /// A table's header row.
    Header,
    /// A fit: the candidate replaces it with nothing else changing.
    DropIn,
    /// A fit: a plan exists with other changes.
    WithChanges,
    /// A fit: no plan has it.
    NotViable,
    /// A fit: a bound on the work stopped before deciding.
    Undecided,
    /// No viable alternative.
    LockIn,
    /// Support ends soon, and warnings that do not stop the answer.
    Warning,
    /// Support has ended, no plan exists, and the `error` label.
    Error,
    /// The `warning` label.
    WarningLabel,
    /// Words to notice: `hint:`.
    Strong,
}

impl Paint {
    pub fn style(self) -> Style {
        let fg = |c: AnsiColor| Style::new().fg_color(Some(c.into()));
        match self {
            Paint::Header => Style::new().effects(Effects::BOLD),
            Paint::DropIn => fg(AnsiColor::Green),
            Paint::WithChanges => fg(AnsiColor::Yellow),
            Paint::NotViable => fg(AnsiColor::Red),
            Paint::Undecided => fg(AnsiColor::Magenta),
            Paint::LockIn => fg(AnsiColor::Red).effects(Effects::BOLD),
            Paint::Warning => fg(AnsiColor::Yellow),
            Paint::Error => fg(AnsiColor::Red).effects(Effects::BOLD),
            Paint::WarningLabel => fg(AnsiColor::Yellow).effects(Effects::BOLD),
            Paint::Strong => Style::new().effects(Effects::BOLD),
        }
    }
}

impl Layout {
    /// `text` in the style of `paint` when colour is on, else as it is. The text must
    /// already be escaped (`text::escape`): only the codes added here reach the terminal.
    pub fn paint(&self, paint: Paint, text: &str) -> String {
        if !self.color || text.is_empty() {
            return text.to_owned();
        }
        let style = paint.style();
        format!("{}{text}{}", style.render(), style.render_reset())
    }
}

/// When to colour a stream: `--color`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColorWhen {
    /// Only a terminal, and not when `NO_COLOR` is set or `TERM` is `dumb`.
    Auto,
    Always,
    Never,
}

impl ColorWhen {
    fn resolve(self, terminal: bool) -> bool {
        match self {
            ColorWhen::Always => true,
            ColorWhen::Never => false,
            ColorWhen::Auto => {
                terminal
                    && crate::env::var_os(EnvVars::NO_COLOR).is_none()
                    && crate::env::var_os(EnvVars::TERM).is_none_or(|t| t != "dumb")
            }
        }
    }
}

/// The two streams and how each is written: data to stdout, everything else to stderr.
/// A closed stdout (`stackreg list | head`) is not an error: the rest is dropped.
pub struct Output {
    layout: Layout,
    stderr_color: bool,
    stdout: RefCell<Box<dyn Write>>,
    stderr: RefCell<Box<dyn Write>>,
    stdout_closed: Cell<bool>,
}

impl Output {
    /// The process's own streams: the width from `COLUMNS`, else the terminal's when
    /// stdout is one, else 100 (never below 40); colour per stream as `when` says.
    pub fn new(when: ColorWhen) -> Output {
        let stdout_terminal = io::stdout().is_terminal();
        // A `COLUMNS` that is not a number is the shell's business, not an error: the
        // terminal's width is used, as cargo and ripgrep do.
        let width = crate::env::var_os(EnvVars::COLUMNS)
            .and_then(|c| c.to_str()?.trim().parse().ok())
            .or_else(|| {
                stdout_terminal
                    .then(terminal_size::terminal_size)
                    .flatten()
                    .map(|(w, _)| usize::from(w.0))
            })
            .unwrap_or(DEFAULT_WIDTH);
        let stdout_color = when.resolve(stdout_terminal);
        let stderr_color = when.resolve(io::stderr().is_terminal());
        // The writers strip what colour is not wanted on their stream, so no code reaches
        // a pipe even from text painted for the other one.
        let writer = |color: bool| {
            if color {
                anstream::ColorChoice::AlwaysAnsi
            } else {
                anstream::ColorChoice::Never
            }
        };
        Output {
            layout: Layout {
                width: width.max(MIN_WIDTH),
                color: stdout_color,
            },
            stderr_color,
            stdout: RefCell::new(Box::new(anstream::AutoStream::new(
                io::stdout(),
                writer(stdout_color),
            ))),
            stderr: RefCell::new(Box::new(anstream::AutoStream::new(
                io::stderr(),
                writer(stderr_color),
            ))),
            stdout_closed: Cell::new(false),
        }
    }

    /// Output into `stdout` and `stderr` (tests), laid out as `layout` says.
    pub fn to_writers(
        layout: Layout,
        stderr_color: bool,
        stdout: Box<dyn Write>,
        stderr: Box<dyn Write>,
    ) -> Output {
        Output {
            layout,
            stderr_color,
            stdout: RefCell::new(stdout),
            stderr: RefCell::new(stderr),
            stdout_closed: Cell::new(false),
        }
    }

    /// How stdout is laid out.
    pub fn layout(&self) -> Layout {
        self.layout
    }

    /// How stderr is laid out: the same width, its own colour.
    pub fn stderr_layout(&self) -> Layout {
        Layout {
            color: self.stderr_color,
            ..self.layout
        }
    }

    /// Writes data to stdout. A closed pipe ends the output quietly; any other failure
    /// is returned.
    pub fn print(&self, data: &str) -> io::Result<()> {
        self.print_with(|out| out.write_all(data.as_bytes()))
    }

    /// Lets `write` write to stdout, as `print` does: for answers too large to hold
    /// whole first.
    pub fn print_with(
        &self,
        write: impl FnOnce(&mut dyn Write) -> io::Result<()>,
    ) -> io::Result<()> {
        if self.stdout_closed.get() {
            return Ok(());
        }
        let mut out = self.stdout.borrow_mut();
        match write(&mut **out).and_then(|()| out.flush()) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == io::ErrorKind::BrokenPipe => {
                self.stdout_closed.set(true);
                Ok(())
            }
            Err(e) => Err(e),
        }
    }

    /// Writes a message to stderr. Nothing is left to say if stderr itself fails.
    pub fn eprint(&self, message: &str) {
        let mut err = self.stderr.borrow_mut();
        let _ = err.write_all(message.as_bytes()).and_then(|()| err.flush());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paints_only_with_colour() {
        let plain = Layout::default();
        assert_eq!(plain.paint(Paint::LockIn, "LOCK-IN"), "LOCK-IN");
        let color = Layout {
            color: true,
            ..plain
        };
        assert_eq!(
            color.paint(Paint::DropIn, "drop-in"),
            "\u{1b}[32mdrop-in\u{1b}[0m"
        );
    }

    #[test]
    fn never_strips_codes_from_the_stream() {
        let buf = std::rc::Rc::new(RefCell::new(Vec::new()));
        struct Shared(std::rc::Rc<RefCell<Vec<u8>>>);
        impl Write for Shared {
            fn write(&mut self, b: &[u8]) -> io::Result<usize> {
                self.0.borrow_mut().write(b)
            }
            fn flush(&mut self) -> io::Result<()> {
                Ok(())
            }
        }
        let out = Output::to_writers(
            Layout::default(),
            false,
            Box::new(anstream::AutoStream::never(
                Box::new(Shared(buf.clone())) as Box<dyn Write>
            )),
            Box::new(io::sink()),
        );
        out.print("\u{1b}[31mred\u{1b}[0m plain\n").unwrap();
        assert_eq!(
            String::from_utf8(buf.borrow().clone()).unwrap(),
            "red plain\n"
        );
    }
}
