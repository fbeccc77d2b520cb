//! A progress bar on stderr for long work (an import, the index rebuilt by a migration), shown
//! only once the work has taken more than a second, so short runs print nothing.

use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

pub(crate) struct Progress {
    bar: ProgressBar,
    start: Instant,
    enabled: bool,
    shown: bool,
}

impl Progress {
    /// A bar to `total` drawn with `template` (indicatif's template language).
    pub(crate) fn new(total: u64, enabled: bool, template: &str) -> Self {
        let bar = ProgressBar::with_draw_target(Some(total.max(1)), ProgressDrawTarget::hidden());
        bar.set_style(
            ProgressStyle::with_template(template)
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> "),
        );
        Progress {
            bar,
            start: Instant::now(),
            enabled,
            shown: false,
        }
    }

    pub(crate) fn advance(&mut self, n: u64) {
        self.bar.inc(n);
        if self.enabled && !self.shown && self.start.elapsed() > Duration::from_secs(1) {
            self.bar.set_draw_target(ProgressDrawTarget::stderr());
            self.shown = true;
        }
    }

    pub(crate) fn finish(&self) {
        if self.shown {
            self.bar.finish_and_clear();
        }
    }
}
