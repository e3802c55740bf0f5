//! What a long load shows while it runs: a progress bar for a full build, and phase timings
//! for benchmarks (`ATOMDOC_TIMING`).

use std::path::Path;
use std::time::{Duration, Instant};

use crate::config::Limits;
use crate::corpus::scan;
use crate::corpus::{FileWarning, SourceFile};

/// A progress bar for a full build: hidden until the build has taken a second, and only
/// ever drawn on a terminal (indicatif draws nothing when stderr is not one).
pub struct Progress {
    bar: indicatif::ProgressBar,
    start: Instant,
    shown: std::cell::Cell<bool>,
}

impl Progress {
    /// Two steps per file: reading it and indexing it.
    pub fn new(files: usize) -> Progress {
        let bar = indicatif::ProgressBar::hidden();
        bar.set_length(2 * files as u64);
        Progress {
            bar,
            start: Instant::now(),
            shown: std::cell::Cell::new(false),
        }
    }

    pub fn tick(&self, n: usize, what: &'static str) {
        self.bar.inc(n as u64);
        if !self.shown.get() && self.start.elapsed() > Duration::from_secs(1) {
            self.bar
                .set_draw_target(indicatif::ProgressDrawTarget::stderr());
            self.shown.set(true);
        }
        if self.shown.get() {
            self.bar.set_message(what);
        }
    }

    /// Reads files in chunks, ticking once per chunk.
    pub fn read(
        &self,
        repo: &Path,
        paths: Vec<String>,
        limits: &Limits,
    ) -> (Vec<SourceFile>, Vec<FileWarning>) {
        let mut files = Vec::with_capacity(paths.len());
        let mut warnings = Vec::new();
        for chunk in paths.chunks(1000) {
            let (f, w) = scan::read_all_with(repo, chunk.to_vec(), limits);
            files.extend(f);
            warnings.extend(w);
            self.tick(chunk.len(), "reading");
        }
        (files, warnings)
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.bar.finish_and_clear();
    }
}

/// Phase timings on stderr when `ATOMDOC_TIMING` is set (for benchmarks; off by default).
pub struct Timing {
    start: Option<Instant>,
    last: std::cell::Cell<Option<Instant>>,
}

impl Timing {
    pub fn new() -> Timing {
        let on = std::env::var_os("ATOMDOC_TIMING").is_some();
        let now = on.then(Instant::now);
        Timing {
            start: now,
            last: std::cell::Cell::new(now),
        }
    }

    pub fn mark(&self, phase: &str) {
        if let (Some(start), Some(last)) = (self.start, self.last.get()) {
            let now = Instant::now();
            eprintln!(
                "timing: {phase:<16} {:>7.1} ms (total {:.1} ms)",
                (now - last).as_secs_f64() * 1e3,
                (now - start).as_secs_f64() * 1e3
            );
            self.last.set(Some(now));
        }
    }
}
