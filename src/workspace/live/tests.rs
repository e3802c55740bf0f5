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

/// The edges and broken links of a corpus, as [`Workspace::apply`] reports them.
fn edges_and_broken(corpus: &Corpus) -> (Vec<super::EdgeChange>, Vec<super::BrokenChange>) {
    let (mut edges, mut broken) = (Vec::new(), Vec::new());
    for d in &corpus.docs {
        for l in &d.links {
            if let Some(t) = l.to_doc {
                edges.push(super::EdgeChange {
                    from: d.path.clone(),
                    to: corpus.doc(t).path.clone(),
                    kind: l.kind,
                    line: l.line,
                    column: l.column,
                });
            }
            if let Some(reason) = l.broken_reason() {
                broken.push(super::BrokenChange {
                    path: d.path.clone(),
                    line: l.line,
                    column: l.column,
                    target: l.target.clone(),
                    reason: reason.as_str(),
                });
            }
        }
    }
    edges.sort();
    broken.sort();
    (edges, broken)
}

/// `before` less `gone`, with `new`, sorted: what a report of changes says is there now.
fn follow<T: Ord + Clone + std::fmt::Debug>(before: &mut Vec<T>, gone: &[T], new: &[T]) {
    for g in gone {
        let at = before.iter().position(|x| x == g);
        assert!(at.is_some(), "reported gone but never there: {g:?}");
        before.remove(at.unwrap());
    }
    before.extend(new.iter().cloned());
    before.sort();
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
        let mut findings = ws.diagnostics().unwrap();
        let (mut edges, mut broken) = edges_and_broken(&ws.corpus);
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
            // A question first, so the workspace holds link counts the change makes stale.
            let counts = crate::query::parse("docs sort by inlinks desc, path").unwrap();
            ws.ask(&counts).unwrap();
            let applied = ws.apply(changes).unwrap();
            // Edges and broken links before, less those gone, with those added: those now.
            follow(&mut edges, &applied.edges_removed, &applied.edges_added);
            follow(&mut broken, &applied.broken_removed, &applied.broken_added);
            prop_assert_eq!((&edges, &broken), (&edges_and_broken(&ws.corpus).0, &edges_and_broken(&ws.corpus).1));
            // The findings before, less those fixed, with those added: the findings now.
            for fixed in &applied.diagnostics_fixed {
                let at = findings.iter().position(|d| d == fixed);
                prop_assert!(at.is_some(), "fixed but never found: {:?}", fixed);
                findings.remove(at.unwrap());
            }
            findings.extend(applied.diagnostics_added);
            crate::check::sort(&mut findings);
            prop_assert_eq!(&findings, &ws.diagnostics().unwrap());

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
            let mut fresh = Workspace::load(location(fresh_dir.path()), Config::default()).unwrap();
            prop_assert_eq!(
                answers(&ws.corpus, ws.graph()),
                answers(&fresh.corpus, fresh.graph())
            );
            prop_assert_eq!(&findings, &fresh.diagnostics().unwrap());
            prop_assert_eq!(
                ws.ask(&counts).unwrap().records.rows,
                fresh.ask(&counts).unwrap().records.rows
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

#[test]
fn apply_says_which_findings_appeared_and_went() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    write(dir, "docs/a/x.md", "# X\n\nIntro.\n\n[y](y.md)\n");
    write(dir, "docs/a/y.md", "# Y\n\nIntro.\n\n[x](x.md)\n");
    let mut ws = Workspace::load(location(dir), Config::default()).unwrap();
    // Before any face asks for findings, applying reports none.
    let applied = ws
        .apply(vec![Change::Overlay {
            path: "docs/a/x.md".into(),
            text: "# X\n\nIntro.\n\n[y](y.md)\n".into(),
        }])
        .unwrap();
    assert!(applied.diagnostics_added.is_empty() && applied.diagnostics_fixed.is_empty());
    let all = ws.diagnostics().unwrap();
    let codes = |ds: &[crate::check::Diagnostic], path: &str| -> Vec<&'static str> {
        ds.iter()
            .filter(|d| d.path == path)
            .map(|d| d.code)
            .collect()
    };
    assert!(!codes(&all, "docs/a/y.md").contains(&"AD014"));

    // Breaking x's link: a broken-link finding in x, and y (not edited) becomes an orphan.
    let applied = ws
        .apply(vec![Change::Overlay {
            path: "docs/a/x.md".into(),
            text: "# X\n\nIntro.\n\n[z](z.md)\n".into(),
        }])
        .unwrap();
    assert!(codes(&applied.diagnostics_added, "docs/a/x.md").contains(&"AD010"));
    assert!(codes(&applied.diagnostics_added, "docs/a/y.md").contains(&"AD014"));
    assert!(applied.diagnostics_fixed.iter().all(|d| d.code != "AD010"));

    // Closing the buffer fixes both.
    let applied = ws.apply(vec![Change::Close("docs/a/x.md".into())]).unwrap();
    assert!(codes(&applied.diagnostics_fixed, "docs/a/x.md").contains(&"AD010"));
    assert!(codes(&applied.diagnostics_fixed, "docs/a/y.md").contains(&"AD014"));
    assert!(codes(&applied.diagnostics_added, "docs/a/y.md").is_empty());

    // Deleting y: its findings go, and x's link to it is broken.
    std::fs::remove_file(dir.join("docs/a/y.md")).unwrap();
    let before = ws.diagnostics().unwrap();
    let applied = ws.apply(vec![Change::File("docs/a/y.md".into())]).unwrap();
    let y_before: Vec<_> = before.iter().filter(|d| d.path == "docs/a/y.md").collect();
    assert!(!y_before.is_empty());
    assert_eq!(
        codes(&applied.diagnostics_fixed, "docs/a/y.md").len(),
        y_before.len()
    );
    assert!(codes(&applied.diagnostics_added, "docs/a/x.md").contains(&"AD010"));
    assert_eq!(ws.diagnostics().unwrap(), {
        let mut fresh = Workspace::load(location(dir), Config::default()).unwrap();
        fresh.diagnostics().unwrap()
    });
}

#[test]
fn a_folder_gone_takes_its_files_along() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    write(dir, "docs/a/x.md", "# X\n\n[y](../b/y.md)\n");
    write(dir, "docs/b/y.md", "# Y\n");
    write(dir, "docs/b/deep/z.md", "# Z\n");
    let mut ws = Workspace::load(location(dir), Config::default()).unwrap();
    std::fs::remove_dir_all(dir.join("docs/b")).unwrap();
    let applied = ws.apply(vec![Change::File("docs/b".into())]).unwrap();
    assert_eq!(applied.removed, ["docs/b/deep/z.md", "docs/b/y.md"]);
    assert_eq!(applied.broken_added.len(), 1);
    let paths: Vec<&str> = ws.corpus.docs.iter().map(|d| d.path.as_str()).collect();
    assert_eq!(paths, ["docs/a/x.md"]);
}

#[test]
fn a_workspace_loaded_from_the_cache_updates_its_search_index_in_place_after_the_first_change() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    write(dir, "docs/a/x.md", "# X\n\nalpha\n");
    write(dir, "docs/a/y.md", "# Y\n\nbeta\n");
    let cache = crate::store::CacheMode::Disk(dir.join(".atomdoc"));
    drop(Workspace::open(location(dir), Config::default(), &cache).unwrap());
    let mut ws = Workspace::open(location(dir), Config::default(), &cache).unwrap();
    let hits = |ws: &Workspace, word: &str| -> Vec<String> {
        ws.with_search(|index| {
            let q = crate::search::SearchQuery::parse(word, false)?;
            index.search(&ws.corpus, &q)
        })
        .unwrap()
        .iter()
        .map(|h| ws.corpus.doc(h.doc).path.clone())
        .collect()
    };
    assert_eq!(hits(&ws, "alpha"), ["docs/a/x.md"]);

    // The first change leaves the cached index (loads alone write it) for one in memory.
    write(dir, "docs/a/x.md", "# X\n\ngamma\n");
    ws.apply(vec![Change::File("docs/a/x.md".into())]).unwrap();
    assert_eq!(hits(&ws, "gamma"), ["docs/a/x.md"]);
    assert!(hits(&ws, "alpha").is_empty());

    // From then on that index is updated, not built again.
    write(dir, "docs/a/y.md", "# Y\n\ndelta\n");
    ws.apply(vec![Change::File("docs/a/y.md".into())]).unwrap();
    assert!(
        matches!(ws.search.get(), Some(Ok(_))),
        "the in-memory index stays open"
    );
    assert_eq!(hits(&ws, "delta"), ["docs/a/y.md"]);
    assert!(hits(&ws, "beta").is_empty());
    assert_eq!(hits(&ws, "gamma"), ["docs/a/x.md"]);
}
