//! A warm load from the on-disk cache (nothing changed) of the generated 10,000-document tree:
//! the outline load (`query orphans`, `stats`: only the snapshot's outline parts read) against
//! the full one (every other question: outline and detail parts), each with its graph built,
//! as `Workspace::open_keeping` does for a one-shot command.
//!
//! `cargo bench --bench snapshot` (set `ATOMDOC_BENCH_DOCS` to change the tree size). The
//! cache is built once, before the samples.

#[path = "support/tree.rs"]
mod bench_tree;

use std::sync::OnceLock;

use atomdoc::config::{self, Config, Location};
use atomdoc::corpus::Keep;
use atomdoc::store::{CacheMode, DEFAULT_DIR};
use atomdoc::workspace::Workspace;

fn main() {
    // The tree and its cache first, outside every sample.
    warm();
    divan::main();
}

struct Warm {
    _dir: tempfile::TempDir,
    location: Location,
    config: Config,
    mode: CacheMode,
}

fn warm() -> &'static Warm {
    static WARM: OnceLock<Warm> = OnceLock::new();
    WARM.get_or_init(|| {
        let (dir, root, _) = bench_tree::write();
        let (location, config) = config::locate(Some(&root), None, &root).unwrap();
        let mode = CacheMode::Disk(location.repo.join(DEFAULT_DIR));
        // The cold build that writes the cache.
        Workspace::open(location.clone(), config.clone(), &mode).unwrap();
        Warm {
            _dir: dir,
            location,
            config,
            mode,
        }
    })
}

fn load(keep: Keep) -> Workspace {
    let w = warm();
    let ws = Workspace::open_keeping(w.location.clone(), w.config.clone(), &w.mode, keep).unwrap();
    assert!(
        !ws.report.full && ws.take_notices().is_empty(),
        "a warm load"
    );
    ws
}

#[divan::bench(args = [Keep::Outline, Keep::Graph], sample_count = 10, sample_size = 1)]
fn warm_load(keep: Keep) -> Workspace {
    load(keep)
}
