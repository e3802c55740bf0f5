//! Property test: random edit sequences applied to a live workspace give the answers of a
//! fresh load of the resulting tree.

use std::collections::BTreeMap;
use std::path::Path;

use proptest::prelude::*;

use super::Change;
use crate::config::{Config, Location};
use crate::corpus::Corpus;
use crate::graph::{DocGraph, LinkFilter};
use crate::workspace::Workspace;

/// The files edits play with: documents in two folders and at the root, a folder README, the
/// template, a referrer outside the docs root, a non-Markdown link target.
const NAMES: [&str; 8] = [
    "docs/a/x.md",
    "docs/a/y.md",
    "docs/b/x.md",
    "docs/README.md",
    "docs/a/README.md",
    "docs/TEMPLATE.md",
    "README.md",
    "docs/a/img.png",
];

/// Link targets a document may write (from its own folder, from the root, with fragments,
/// to a folder, to a file that never exists).
const TARGETS: [&str; 9] = [
    "/docs/a/x.md",
    "/docs/a/y.md#h1",
    "/docs/b/x.md#h2",
    "x.md",
    "/docs/a",
    "/docs/a/img.png",
    "/docs/README.md#nope",
    "missing.md",
    "#h1",
];

#[derive(Debug, Clone)]
enum Op {
    Write(usize, Vec<usize>),
    Remove(usize),
    Rename(usize, usize),
    Overlay(usize, Vec<usize>),
    Close(usize),
}

fn text(links: &[usize]) -> String {
    let mut s = String::from("# Title\n\n## H1\n\n");
    for (i, &t) in links.iter().enumerate() {
        s.push_str(&format!("See [l{i}]({}).\n\n", TARGETS[t % TARGETS.len()]));
    }
    if links.len().is_multiple_of(2) {
        s.push_str("## H2\n");
    }
    s
}

fn op() -> impl Strategy<Value = Op> {
    let name = 0..NAMES.len();
    let links = proptest::collection::vec(0..TARGETS.len(), 0..4);
    prop_oneof![
        (name.clone(), links.clone()).prop_map(|(n, l)| Op::Write(n, l)),
        name.clone().prop_map(Op::Remove),
        (name.clone(), name.clone()).prop_map(|(a, b)| Op::Rename(a, b)),
        (name.clone(), links).prop_map(|(n, l)| Op::Overlay(n, l)),
        name.prop_map(Op::Close),
    ]
}

fn write(dir: &Path, path: &str, text: &str) {
    let file = dir.join(path);
    std::fs::create_dir_all(file.parent().unwrap()).unwrap();
    std::fs::write(file, text).unwrap();
}

/// What a corpus and its graph answer, by path (ids are positions, so compared as paths).
fn answers(corpus: &Corpus, graph: &DocGraph) -> String {
    let name = |id: Option<usize>| id.map(|i| corpus.doc(i).path.clone());
    let mut out = BTreeMap::new();
    for d in corpus.docs.iter().chain(&corpus.template) {
        let links: Vec<_> = d
            .links
            .iter()
            .map(|l| {
                let to = name(l.to_doc);
                (l.line, l.column, &l.target, l.status, &l.resolved, to)
            })
            .collect();
        out.insert(
            d.path.clone(),
            format!("{:?} {:?} {:?} {links:?}", d.kind, d.title, d.headings),
        );
    }
    for r in &corpus.referrers {
        let links: Vec<_> = r
            .links
            .iter()
            .map(|l| (l.status, &l.resolved, name(l.to_doc)))
            .collect();
        out.insert(format!("referrer {}", r.path), format!("{links:?}"));
    }
    let orphans: Vec<_> = graph
        .orphans(corpus, LinkFilter::Any)
        .into_iter()
        .map(|id| corpus.doc(id).path.clone())
        .collect();
    let warnings: Vec<_> = corpus
        .warnings
        .iter()
        .map(|w| (&w.path, &w.message))
        .collect();
    format!(
        "{out:#?}\norphans {orphans:?}\nedges {}\nwarnings {warnings:?}",
        graph.graph.edge_count()
    )
}

fn location(dir: &Path) -> Location {
    Location {
        repo: dir.to_path_buf(),
        root: "docs".into(),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    #[test]
    fn applied_changes_equal_a_fresh_load(batches in proptest::collection::vec(
        proptest::collection::vec(op(), 1..4), 1..5)
    ) {
        let live_dir = tempfile::tempdir().unwrap();
        let dir = live_dir.path();
        write(dir, "docs/a/x.md", &text(&[1, 2]));
        write(dir, "docs/b/x.md", &text(&[0, 4, 3]));
        write(dir, "README.md", &text(&[0]));
        let mut ws = Workspace::load(location(dir), Config::default()).unwrap();
        let mut overlays: BTreeMap<String, String> = BTreeMap::new();
        for batch in batches {
            let mut changes = Vec::new();
            for op in batch {
                match op {
                    Op::Write(n, links) => {
                        write(dir, NAMES[n], &text(&links));
                        changes.push(Change::File(NAMES[n].into()));
                    }
                    Op::Remove(n) => {
                        let _ = std::fs::remove_file(dir.join(NAMES[n]));
                        changes.push(Change::File(NAMES[n].into()));
                    }
                    Op::Rename(a, b) => {
                        if std::fs::rename(dir.join(NAMES[a]), dir.join(NAMES[b])).is_ok() {
                            changes.push(Change::Renamed {
                                from: NAMES[a].into(),
                                to: NAMES[b].into(),
                            });
                        }
                    }
                    Op::Overlay(n, links) => {
                        overlays.insert(NAMES[n].into(), text(&links));
                        changes.push(Change::Overlay {
                            path: NAMES[n].into(),
                            text: text(&links),
                        });
                    }
                    Op::Close(n) => {
                        overlays.remove(NAMES[n]);
                        changes.push(Change::Close(NAMES[n].into()));
                    }
                }
            }
            ws.apply(changes).unwrap();

            // The resulting tree: the files on disk, overlays in place of theirs.
            let fresh_dir = tempfile::tempdir().unwrap();
            for folder in ["docs/a", "docs/b"] {
                if dir.join(folder).is_dir() {
                    std::fs::create_dir_all(fresh_dir.path().join(folder)).unwrap();
                }
            }
            for name in NAMES {
                let text = overlays
                    .get(name)
                    .cloned()
                    .or_else(|| std::fs::read_to_string(dir.join(name)).ok());
                if let Some(text) = text {
                    write(fresh_dir.path(), name, &text);
                }
            }
            let fresh = Workspace::load(location(fresh_dir.path()), Config::default()).unwrap();
            prop_assert_eq!(
                answers(&ws.corpus, &ws.graph),
                answers(&fresh.corpus, &fresh.graph)
            );
        }
    }
}

#[test]
fn apply_says_what_changed() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    write(dir, "docs/a/x.md", "# X\n\n[y](y.md)\n");
    write(dir, "docs/a/y.md", "# Yonder\n\n## H1\n");
    let mut ws = Workspace::load(location(dir), Config::default()).unwrap();
    assert_eq!(ws.corpus.docs.len(), 2);

    // An overlay breaks the edge and adds a broken link; y becomes an orphan.
    let applied = ws
        .apply(vec![Change::Overlay {
            path: "docs/a/x.md".into(),
            text: "# X\n\n[z](z.md)\n".into(),
        }])
        .unwrap();
    assert_eq!(applied.changed, ["docs/a/x.md"]);
    assert_eq!(applied.edges_removed.len(), 1);
    assert_eq!(applied.edges_removed[0].to, "docs/a/y.md");
    assert_eq!(applied.broken_added.len(), 1);
    assert_eq!(applied.broken_added[0].target, "z.md");
    assert_eq!(applied.broken_added[0].reason, "missing");
    assert!(applied.orphans_added.contains(&"docs/a/y.md".to_string()));

    // Renaming y to z on disk fixes the link; z is reached, y is gone.
    std::fs::rename(dir.join("docs/a/y.md"), dir.join("docs/a/z.md")).unwrap();
    let applied = ws
        .apply(vec![Change::Renamed {
            from: "docs/a/y.md".into(),
            to: "docs/a/z.md".into(),
        }])
        .unwrap();
    assert_eq!(applied.added, ["docs/a/z.md"]);
    assert_eq!(applied.removed, ["docs/a/y.md"]);
    assert_eq!(applied.broken_removed.len(), 1);
    assert_eq!(applied.edges_added.len(), 1);
    assert_eq!(applied.edges_added[0].to, "docs/a/z.md");
    assert!(applied.orphans_removed.contains(&"docs/a/y.md".to_string()));

    // Closing the buffer brings back the file on disk, whose link is now broken; the search
    // index opened after the changes finds the renamed document.
    let applied = ws.apply(vec![Change::Close("docs/a/x.md".into())]).unwrap();
    assert_eq!(applied.broken_added.len(), 1);
    assert_eq!(applied.broken_added[0].target, "y.md");
    let hits = ws
        .with_search(|index| {
            let q = crate::search::SearchQuery::parse("yonder", false)?;
            index.search(&ws.corpus, &q)
        })
        .unwrap();
    let paths: Vec<&str> = hits
        .iter()
        .map(|h| ws.corpus.doc(h.doc).path.as_str())
        .collect();
    assert_eq!(paths, ["docs/a/z.md"]);
}
