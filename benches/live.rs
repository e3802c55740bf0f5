//! A live workspace applying one change on the generated 10,000-document tree (written to a
//! temporary folder, loaded in memory): one edited document, one rename.
//!
//! `cargo bench --bench live` (set `ATOMDOC_BENCH_DOCS` to change the tree size). Each
//! iteration changes the file on disk, then applies the change; an edit and a rename are
//! undone by the next iteration, so every one starts from the same tree (give or take one
//! paragraph).

#[path = "../examples/gen_corpus/tree.rs"]
mod tree;

use std::sync::{Mutex, OnceLock};

use atomdoc::config;
use atomdoc::workspace::{Change, Workspace};
use divan::Bencher;

fn main() {
    divan::main();
}

struct Live {
    _dir: tempfile::TempDir,
    ws: Workspace,
    /// A topic in the middle of the tree, and its text.
    path: String,
    text: String,
    flip: bool,
}

fn live() -> &'static Mutex<Live> {
    static LIVE: OnceLock<Mutex<Live>> = OnceLock::new();
    LIVE.get_or_init(|| {
        let docs = std::env::var("ATOMDOC_BENCH_DOCS")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(10_000);
        let spec = tree::Spec {
            docs,
            seed: 7,
            mean_bytes: 4096,
        };
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().to_path_buf();
        tree::generate::<std::io::Error>(&spec, |path, text| {
            let full = root.join(path);
            std::fs::create_dir_all(full.parent().unwrap())?;
            std::fs::write(full, text)
        })
        .unwrap();
        std::fs::write(root.join("atomdoc.toml"), "root = \"docs/atomic\"\n").unwrap();
        let (location, config) = config::locate(Some(&root), None, &root).unwrap();
        let ws = Workspace::load(location, config).unwrap();
        let doc = ws
            .corpus
            .docs
            .iter()
            .filter(|d| d.kind == atomdoc::corpus::DocKind::Topic)
            .nth(ws.corpus.docs.len() / 2)
            .unwrap();
        let path = doc.path.clone();
        let text = std::fs::read_to_string(root.join(&path)).unwrap();
        Mutex::new(Live {
            _dir: dir,
            ws,
            path,
            text,
            flip: false,
        })
    })
}

#[divan::bench(sample_count = 20, sample_size = 1)]
fn apply_one_edit(b: Bencher) {
    let mut live = live().lock().unwrap();
    b.bench_local(|| {
        let live = &mut *live;
        live.flip = !live.flip;
        let text = if live.flip {
            format!("{}\nAn edited paragraph.\n", live.text)
        } else {
            live.text.clone()
        };
        std::fs::write(live.ws.location.repo.join(&live.path), text).unwrap();
        let change = Change::File(live.path.clone());
        live.ws.apply(vec![change]).unwrap()
    });
}

#[divan::bench(sample_count = 20, sample_size = 1)]
fn apply_one_rename(b: Bencher) {
    let mut live = live().lock().unwrap();
    b.bench_local(|| {
        let live = &mut *live;
        let moved = live.path.replace(".md", "-moved.md");
        let repo = &live.ws.location.repo;
        let (from, to) = if repo.join(&live.path).exists() {
            (live.path.clone(), moved)
        } else {
            (moved, live.path.clone())
        };
        std::fs::rename(repo.join(&from), repo.join(&to)).unwrap();
        live.ws.apply(vec![Change::Renamed { from, to }]).unwrap()
    });
}
