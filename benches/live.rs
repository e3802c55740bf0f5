//! A live workspace applying one change on the generated 10,000-document tree (written to a
//! temporary folder, loaded in memory): one edited document (with and without the checks'
//! findings kept up to date), one rename; and questions asked of the resident workspace
//! (`ask`: what `serve`, `mcp` and `watch` answer with).
//!
//! `cargo bench --bench live` (set `ATOMDOC_BENCH_DOCS` to change the tree size). Each
//! iteration changes the file on disk, then applies the change; an edit and a rename are
//! undone by the next iteration, so every one starts from the same tree (give or take one
//! paragraph).

#[path = "support/tree.rs"]
mod bench_tree;

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
    /// A second workspace on the same tree whose checks' findings were asked for, so applying
    /// also runs the checks again (what a language server does).
    checked: Workspace,
    /// A topic in the middle of the tree, and its text.
    path: String,
    text: String,
    flip: bool,
}

fn live() -> &'static Mutex<Live> {
    static LIVE: OnceLock<Mutex<Live>> = OnceLock::new();
    LIVE.get_or_init(|| {
        let (dir, root, _) = bench_tree::write();
        let (location, config) = config::locate(Some(&root), None, &root).unwrap();
        let ws = Workspace::load(location.clone(), config.clone()).unwrap();
        let mut checked = Workspace::load(location, config).unwrap();
        checked.diagnostics().unwrap();
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
            checked,
            path,
            text,
            flip: false,
        })
    })
}

#[divan::bench(sample_count = 20, sample_size = 1)]
fn apply_one_edit(b: Bencher) {
    edit(b, false);
}

#[divan::bench(sample_count = 20, sample_size = 1)]
fn apply_one_edit_with_findings(b: Bencher) {
    edit(b, true);
}

/// Edits the topic (adds a paragraph, or takes it away again) and applies the change.
fn edit(b: Bencher, checked: bool) {
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
        let ws = if checked {
            &mut live.checked
        } else {
            &mut live.ws
        };
        ws.apply(vec![change]).unwrap()
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

/// A question answered by a resident face: the live workspace's `ask` (what `serve`, `mcp`
/// and `watch` call), records included. Parsing is done once; `orphans` walks the graph,
/// `backlinks of` one document's incoming edges, `broken` every link with its suggestions.
#[divan::bench(args = ["orphans", "backlinks of DOC", "docs where category = 'integrations' sort by inlinks desc limit 20", "broken limit 50"], sample_count = 20, sample_size = 1)]
fn ask(b: Bencher, src: &str) {
    let live = live().lock().unwrap();
    let src = src.replace("DOC", &format!("'{}'", live.path));
    let query = atomdoc::query::parse(&src).unwrap();
    b.bench_local(|| live.ws.ask(&query).unwrap());
}
