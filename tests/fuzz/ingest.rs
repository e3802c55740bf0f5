//! The Markdown-ingestion fuzz check, shared by the cargo-fuzz target (`fuzz/`), the stable
//! random harness and the regression tests that replay saved inputs (`tests/cli/fuzzing.rs`).
//!
//! One input becomes a small repository: the bytes are split on `\x00\x00` into up to four
//! files, placed at fixed paths inside and around the docs root; every file is parsed, every
//! link resolved against an in-memory view, the graph built and the stats computed. The check
//! panics (which the fuzzer reports) when an invariant breaks:
//!
//! - a resolved path leaves the repository or is not normalised;
//! - a link's line/column points outside its file, or its destination span outside it or
//!   inside a character;
//! - planning a move of one of the documents panics (it may refuse, never panic);
//! - an edge joins a document to itself, or an `outside` link names a resolved path;
//! - the stats disagree with the corpus.

use atomdoc::config::Config;
use atomdoc::corpus::links::MemRepo;
use atomdoc::corpus::{BrokenReason, Corpus, LinkStatus, SourceFile};
use atomdoc::graph::{DocGraph, Stats};

/// Where the pieces of one input go (repo-relative).
pub const PATHS: [&str; 4] = [
    "docs/atomic/cat/sub/a.md",
    "docs/atomic/cat/b.md",
    "docs/atomic/README.md",
    "docs/guides/outside-root.md",
];

/// Runs the whole ingestion pipeline on one input and checks its invariants.
pub fn check(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let pieces: Vec<&str> = text.splitn(PATHS.len(), "\0\0").collect();
    let config = Config::default();
    let mut docs = Vec::new();
    let mut others = Vec::new();
    for (path, piece) in PATHS.iter().zip(&pieces) {
        if path.starts_with("docs/atomic/") {
            docs.push(SourceFile {
                path: path.to_string(),
                text: piece.to_string(),
            });
        } else {
            others.push((*path, *piece));
        }
    }
    let texts: Vec<(String, String)> = docs
        .iter()
        .map(|f| (f.path.clone(), f.text.clone()))
        .collect();
    let view = MemRepo::new(others.iter().copied().chain([("docs/img.png", "")]));
    let corpus = Corpus::build("docs/atomic", docs, Vec::new(), &view, &config);
    let graph = DocGraph::build(&corpus);
    let stats = Stats::compute(&corpus, &graph);

    assert_eq!(stats.documents, corpus.docs.len());
    let mut broken = 0;
    for (id, doc) in corpus.docs.iter().enumerate() {
        let source = &texts.iter().find(|(p, _)| *p == doc.path).unwrap().1;
        let line_count = source.split('\n').count() as u32;
        for link in &doc.links {
            assert!(link.line >= 1 && link.line <= line_count, "{link:?}");
            assert!(link.column >= 1, "{link:?}");
            if let Some(span) = link.dest {
                assert!(
                    span.start <= span.end && source.get(span.range()).is_some(),
                    "destination span outside the text or inside a character: {link:?}"
                );
            }
            if let Some(resolved) = &link.resolved {
                assert!(
                    !resolved.starts_with('/')
                        && !resolved
                            .split('/')
                            .any(|s| s == ".." || s == "." || s.is_empty())
                        || resolved.is_empty(),
                    "resolved path not normalised or escaping: {resolved:?} from {link:?}"
                );
            }
            if link.status == LinkStatus::Broken(BrokenReason::Outside) {
                assert_eq!(link.resolved, None, "{link:?}");
            }
            if let Some(to) = link.to_doc {
                assert_ne!(to, id, "self edge {link:?}");
                assert_eq!(link.resolved.as_deref().map(|_| ()), Some(()));
            }
            if link.broken_reason().is_some() {
                broken += 1;
            }
        }
        for h in &doc.headings {
            assert!(h.line >= 1 && h.line <= line_count, "{h:?}");
            assert!((1..=6).contains(&h.level), "{h:?}");
        }
    }
    assert_eq!(stats.broken.values().sum::<usize>(), broken);
    let sources: std::collections::HashMap<String, String> = texts.iter().cloned().collect();
    let _ = atomdoc::refactor::plan_move(
        &corpus,
        &sources,
        "docs/atomic/cat/b.md",
        "docs/atomic/moved/b.md",
    );
    assert!(stats.orphans <= corpus.docs.len());
}
