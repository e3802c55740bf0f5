//! Micro-benchmarks for the pipeline's pure steps on a generated tree held in memory:
//! parse, link resolution, graph build, and the whole in-memory pipeline; each parse and
//! pipeline twice, keeping the documents' text (`Keep::Everything`, what an index is built
//! from) and without it (`Keep::Graph`, what `stats`, `check` and most queries load).
//!
//! `cargo bench --bench pipeline` (set `ATOMDOC_BENCH_DOCS` to change the tree size; default
//! 2,000 documents). Whole-process timings against peers live in `bench/compare.sh`.

#[path = "../examples/gen_corpus/tree.rs"]
mod tree;

use std::sync::{Mutex, OnceLock};

use atomdoc::config::Config;
use atomdoc::corpus::links::MemRepo;
use atomdoc::corpus::{Changes, Corpus, Keep, SourceFile, ingest, parse};
use atomdoc::graph::DocGraph;
use divan::Bencher;

fn main() {
    divan::main();
}

const ROOT: &str = "docs/atomic";

struct Tree {
    files: Vec<(String, String)>,
    extra: Vec<(String, String)>,
}

fn tree() -> &'static Tree {
    static TREE: OnceLock<Tree> = OnceLock::new();
    TREE.get_or_init(|| {
        let docs = std::env::var("ATOMDOC_BENCH_DOCS")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(2000);
        let spec = tree::Spec {
            docs,
            seed: 7,
            mean_bytes: 8192,
            shape: tree::Shape::Topics,
        };
        let all = Mutex::new(Vec::new());
        tree::generate::<()>(&spec, |path, text| {
            all.lock()
                .unwrap()
                .push((path.to_string(), text.to_string()));
            Ok(())
        })
        .unwrap();
        let mut all = all.into_inner().unwrap();
        all.sort();
        let (files, extra) = all
            .into_iter()
            .partition(|(p, _)| p.starts_with(ROOT) && p.ends_with(".md"));
        Tree { files, extra }
    })
}

fn repo() -> MemRepo {
    MemRepo::new(tree().extra.iter().map(|(p, t)| (p.as_str(), t.as_str())))
}

fn sources() -> Vec<SourceFile> {
    tree()
        .files
        .iter()
        .map(|(p, t)| SourceFile {
            path: p.clone(),
            text: t.clone(),
        })
        .collect()
}

fn corpus() -> Corpus {
    Corpus::build(ROOT, sources(), Vec::new(), &repo(), &Config::default())
}

/// Parsing every file, one thread.
#[divan::bench(sample_count = 10, args = [Keep::Everything, Keep::Graph])]
fn parse_all(b: Bencher, keep: Keep) {
    let config = Config::default();
    let files = &tree().files;
    b.counter(divan::counter::BytesCount::new(
        files.iter().map(|(_, t)| t.len()).sum::<usize>(),
    ))
    .bench(|| {
        files
            .iter()
            .map(|(_, t)| parse::parse_keeping(t, &config.links, keep).links.len())
            .sum::<usize>()
    });
}

/// Resolving every link of an already parsed corpus.
#[divan::bench(sample_count = 10)]
fn resolve_links(b: Bencher) {
    let repo = repo();
    b.with_inputs(corpus)
        .bench_local_refs(|c| c.resolve_links(&repo));
}

/// Building the petgraph graph from a resolved corpus.
#[divan::bench(sample_count = 10)]
fn graph_build(b: Bencher) {
    let c = corpus();
    b.bench(|| DocGraph::build(&c).graph.edge_count());
}

/// The whole in-memory pipeline: parse (parallel), resolve, graph.
#[divan::bench(sample_count = 10, args = [Keep::Everything, Keep::Graph])]
fn pipeline(b: Bencher, keep: Keep) {
    let repo = repo();
    let config = Config::default();
    b.with_inputs(sources).bench_values(|files| {
        let changes = Changes {
            keep,
            ..Changes::all(files, Vec::new())
        };
        let (c, _) = ingest(Corpus::empty(ROOT), changes, Vec::new(), &repo, &config);
        DocGraph::build(&c).graph.edge_count()
    });
}
