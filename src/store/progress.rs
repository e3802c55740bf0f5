//! What a long load reports while it runs: the progress of a full build and phase timings,
//! each to a sink a face installs (`cli`: a bar on a terminal; `ATOMDOC_TIMING` lines).

use std::path::Path;
use std::time::Instant;

use crate::config::Limits;
use crate::corpus::scan;
use crate::corpus::{FileWarning, SourceFile};

/// How a face shows the progress of a full build: `cli` installs one that draws a bar on a
/// terminal ([`show_progress_with`]); without one, nothing is shown.
pub trait ShowProgress: Send + Sync {
    /// A build of `steps` steps (reading and indexing each file) begins.
    fn start(&self, steps: u64);
    /// `n` more steps are done; `what` names the phase.
    fn advance(&self, n: u64, what: &'static str);
    /// The build is over (or given up).
    fn finish(&self);
}

static PROGRESS_SINK: std::sync::OnceLock<Box<dyn ShowProgress>> = std::sync::OnceLock::new();

/// Shows the progress of every later full build through `sink` (the first one installed
/// stays).
pub fn show_progress_with(sink: Box<dyn ShowProgress>) {
    let _ = PROGRESS_SINK.set(sink);
}

/// The progress of one full build, reported to the installed [`ShowProgress`].
pub struct Progress;

impl Progress {
    /// Two steps per file: reading it and indexing it.
    pub fn new(files: usize) -> Progress {
        if let Some(sink) = PROGRESS_SINK.get() {
            sink.start(2 * files as u64);
        }
        Progress
    }

    pub fn tick(&self, n: usize, what: &'static str) {
        if let Some(sink) = PROGRESS_SINK.get() {
            sink.advance(n as u64, what);
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
        if let Some(sink) = PROGRESS_SINK.get() {
            sink.finish();
        }
    }
}

/// Where phase timings go: a face that wants them installs a sink ([`report_timings_to`]);
/// `cli` does when `ATOMDOC_TIMING` is set (for benchmarks; off by default).
static TIMING_SINK: std::sync::OnceLock<fn(&str)> = std::sync::OnceLock::new();

/// Sends every later phase timing line to `sink` (the first sink installed stays).
pub fn report_timings_to(sink: fn(&str)) {
    let _ = TIMING_SINK.set(sink);
}

/// Phase timings of a load, sent to the installed sink.
pub struct Timing {
    start: Option<Instant>,
    last: std::cell::Cell<Option<Instant>>,
}

impl Timing {
    pub fn new() -> Timing {
        let on = TIMING_SINK.get().is_some();
        let now = on.then(Instant::now);
        Timing {
            start: now,
            last: std::cell::Cell::new(now),
        }
    }

    pub fn mark(&self, phase: &str) {
        if let (Some(start), Some(last), Some(sink)) =
            (self.start, self.last.get(), TIMING_SINK.get())
        {
            let now = Instant::now();
            sink(&format!(
                "timing: {phase:<16} {:>7.1} ms (total {:.1} ms)",
                (now - last).as_secs_f64() * 1e3,
                (now - start).as_secs_f64() * 1e3
            ));
            self.last.set(Some(now));
        }
    }
}
