//! A progress bar on stderr for work that runs a while (`alternatives --all`): shown
//! only on a terminal, unless `--quiet`, and only once the work has run a second, so that
//! quick answers and pipes see nothing.

use std::io::IsTerminal as _;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// How long work runs before its bar shows.
const DELAY: Duration = Duration::from_secs(1);

/// The bar of the work under way, if any.
#[derive(Default)]
pub struct Bar {
    state: Mutex<Option<State>>,
}

struct State {
    started: Instant,
    bar: Option<ProgressBar>,
}

impl Bar {
    /// `done` of `total` units of `what` are done; `done >= total` ends the work and
    /// clears its bar.
    pub fn advance(&self, shown: bool, what: &str, done: u64, total: u64) {
        let Ok(mut state) = self.state.lock() else {
            return;
        };
        if done >= total {
            if let Some(bar) = state.take().and_then(|s| s.bar) {
                bar.finish_and_clear();
            }
            return;
        }
        let s = state.get_or_insert_with(|| State {
            started: Instant::now(),
            bar: None,
        });
        if s.bar.is_none() {
            if !shown || s.started.elapsed() < DELAY || !std::io::stderr().is_terminal() {
                return;
            }
            let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
            let style = ProgressStyle::with_template(
                "{msg} [{bar:30}] {human_pos}/{human_len} ({eta} left)",
            )
            .map(|style| style.progress_chars("=> "))
            .unwrap_or_else(|_| ProgressStyle::default_bar());
            bar.set_style(style);
            bar.set_message(what.to_string());
            s.bar = Some(bar);
        }
        if let Some(bar) = &s.bar {
            bar.set_length(total);
            bar.set_position(done);
        }
    }
}
