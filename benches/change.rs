//! The disk cache's change path on the generated 10,000-document tree (written to a temporary
//! folder, indexed once): a warm load that finds nothing changed (stat walk, snapshot read),
//! and a load after one document changed (stat walk, snapshot read, the manifest's diff, the
//! file read and parsed again, its links and the links into it resolved again, the search
//! index's delete + add, the snapshot written again) — what `atomdoc query` pays after an
//! edit.
//!
//! `cargo bench --bench change` (set `ATOMDOC_BENCH_DOCS` to change the tree size). Each
//! iteration of the change adds a paragraph to the same topic or takes it away again, so
//! every one starts from the same tree (give or take one paragraph).

#[path = "support/tree.rs"]
mod bench_tree;

use std::path::PathBuf;
use std::sync::{Mutex, OnceLock};

use atomdoc::config::{self, Config, Location};
use atomdoc::corpus::Keep;
use atomdoc::store::{self, CacheMode};
use divan::Bencher;

fn main() {
    divan::main();
}

struct Cached {
    _dir: tempfile::TempDir,
    location: Location,
    config: Config,
    mode: CacheMode,
    /// A topic in the middle of the tree, and its text.
    path: PathBuf,
    text: String,
    flip: bool,
}

fn cached() -> &'static Mutex<Cached> {
    static CACHED: OnceLock<Mutex<Cached>> = OnceLock::new();
    CACHED.get_or_init(|| {
        let (dir, root, _) = bench_tree::write();
        let (location, config) = config::locate(Some(&root), None, &root).unwrap();
        let mode = CacheMode::Disk(dir.path().join("cache"));
        let loaded = store::load(&location, &config, &mode, Keep::Graph).unwrap();
        assert!(loaded.notices.is_empty(), "{:?}", loaded.notices);
        let doc = &loaded.corpus.docs[loaded.corpus.docs.len() / 2];
        let path = root.join(&doc.path);
        let text = std::fs::read_to_string(&path).unwrap();
        Mutex::new(Cached {
            _dir: dir,
            location,
            config,
            mode,
            path,
            text,
            flip: false,
        })
    })
}

#[divan::bench(sample_count = 20, sample_size = 1)]
fn warm_load(b: Bencher) {
    let c = cached().lock().unwrap();
    b.bench_local(|| {
        let loaded = store::load(&c.location, &c.config, &c.mode, Keep::Graph).unwrap();
        assert!(loaded.report.changed.is_empty());
        loaded
    });
}

#[divan::bench(sample_count = 20, sample_size = 1)]
fn one_changed_file(b: Bencher) {
    let mut c = cached().lock().unwrap();
    b.bench_local(|| {
        let c = &mut *c;
        c.flip = !c.flip;
        let text = match c.flip {
            true => format!("{}\nOne more paragraph about connection pools.\n", c.text),
            false => c.text.clone(),
        };
        std::fs::write(&c.path, text).unwrap();
        let loaded = store::load(&c.location, &c.config, &c.mode, Keep::Graph).unwrap();
        assert_eq!(loaded.report.changed.len(), 1);
        loaded
    });
}
