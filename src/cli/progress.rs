//! The progress bar of a full build, which `store` reports through
//! [`crate::store::ShowProgress`]: hidden until the build has taken a second, and only ever
//! drawn on a terminal (indicatif draws nothing when stderr is not one).

use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::store::ShowProgress;

/// The bar of the build under way, if any.
#[derive(Default)]
pub struct Bar {
    state: Mutex<Option<State>>,
}

struct State {
    bar: indicatif::ProgressBar,
    start: Instant,
    shown: bool,
}

impl ShowProgress for Bar {
    fn start(&self, steps: u64) {
        let bar = indicatif::ProgressBar::hidden();
        bar.set_length(steps);
        *self.state.lock().unwrap_or_else(|p| p.into_inner()) = Some(State {
            bar,
            start: Instant::now(),
            shown: false,
        });
    }

    fn advance(&self, n: u64, what: &'static str) {
        let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        let Some(s) = state.as_mut() else {
            return;
        };
        s.bar.inc(n);
        if !s.shown && s.start.elapsed() > Duration::from_secs(1) {
            s.bar
                .set_draw_target(indicatif::ProgressDrawTarget::stderr());
            s.shown = true;
        }
        if s.shown {
            s.bar.set_message(what);
        }
    }

    fn finish(&self) {
        if let Some(s) = self.state.lock().unwrap_or_else(|p| p.into_inner()).take() {
            s.bar.finish_and_clear();
        }
    }
}
