//! Performance work must not change answers: the on-disk pipeline (cached `DiskRepo`,
//! allocation-free anchor comparison, chunked link resolution, exact-size buffers) gives exactly
//! what the reference in-memory pipeline (`Corpus::build` over `MemRepo`) gives, on generated
//! trees.

#[path = "../../examples/gen_corpus/tree.rs"]
pub mod gen_tree;

use std::sync::Mutex;

use atomdoc::config::{self, Config};
use atomdoc::corpus::{Corpus, Keep};
use atomdoc::graph::{DocGraph, Stats};
use atomdoc::store::CacheMode;
use atomdoc::workspace::Workspace;

use crate::common::{atomdoc, atomdoc_cached, run_ok};

const ROOT: &str = "docs/atomic";

/// A generated tree: every file (repo-relative path, text), sorted, and the generator's summary.
fn generate(spec: &gen_tree::Spec) -> (Vec<(String, String)>, gen_tree::Summary) {
    let files = Mutex::new(Vec::new());
    let summary = gen_tree::generate::<()>(spec, |p, t| {
        files.lock().unwrap().push((p.to_string(), t.to_string()));
        Ok(())
    })
    .unwrap();
    let mut files = files.into_inner().unwrap();
    files.sort();
    (files, summary)
}

/// The reference: parse everything in memory, resolve against an in-memory repository.
fn reference(files: &[(String, String)]) -> Corpus {
    let files: Vec<(&str, &str)> = files
        .iter()
        .map(|(p, t)| (p.as_str(), t.as_str()))
        .collect();
    Corpus::from_files(ROOT, &files, &Config::default())
}

fn edges(graph: &DocGraph) -> Vec<(usize, usize, String, Option<usize>)> {
    let mut out: Vec<_> = graph
        .graph
        .raw_edges()
        .iter()
        .map(|e| {
            (
                e.source().index(),
                e.target().index(),
                format!("{:?}", e.weight.kind),
                e.weight.link,
            )
        })
        .collect();
    out.sort();
    out
}

fn check_equivalent(spec: gen_tree::Spec) {
    let (files, summary) = generate(&spec);
    let dir = tempfile::tempdir().unwrap();
    for (path, text) in &files {
        let full = dir.path().join(path);
        std::fs::create_dir_all(full.parent().unwrap()).unwrap();
        std::fs::write(full, text).unwrap();
    }

    let expected = reference(&files);
    let (location, config) = config::locate(Some(dir.path()), None, dir.path()).unwrap();
    let loaded = Workspace::load(location.clone(), config.clone()).unwrap();
    graph_only_answers_the_same(&loaded, location, config);

    assert_eq!(loaded.corpus.docs.len(), expected.docs.len());
    for (got, want) in loaded.corpus.docs.iter().zip(&expected.docs) {
        assert_eq!(
            serde_json::to_value(got).unwrap(),
            serde_json::to_value(want).unwrap(),
            "document {} differs",
            want.path
        );
    }
    assert_eq!(
        serde_json::to_value(&loaded.corpus).unwrap(),
        serde_json::to_value(&expected).unwrap()
    );
    let expected_graph = DocGraph::build(&expected);
    assert_eq!(edges(loaded.graph()), edges(&expected_graph));
    let stats = Stats::compute(&loaded.corpus, loaded.graph());
    assert_eq!(stats, Stats::compute(&expected, &expected_graph));

    // The generator's promises hold, so the comparison covers every case.
    assert_eq!(
        stats.documents,
        summary.markdown_files - 1,
        "all but TEMPLATE.md"
    );
    assert_eq!(stats.orphans, summary.planned_orphans);
    for (reason, n) in &stats.broken {
        assert!(*n > 0, "no broken link with reason {reason}: {stats:?}");
    }

    // And the binary answers the same, in memory (where `stats`, `query` and `check` keep no
    // document text) and through the cache.
    let json: serde_json::Value =
        serde_json::from_str(&run_ok(dir.path(), &["stats", "--format", "json"])).unwrap();
    assert_eq!(json, serde_json::to_value(&stats).unwrap());
    // Through the cache: cold (building it), then warm (from it).
    let cached = |args: &[&str]| atomdoc_cached(dir.path()).args(args).output().unwrap();
    for _ in 0..2 {
        let json: serde_json::Value =
            serde_json::from_slice(&cached(&["stats", "--format", "json"]).stdout).unwrap();
        assert_eq!(json, serde_json::to_value(&stats).unwrap());
    }
    let in_memory = atomdoc(dir.path())
        .args(["check", "--format", "json"])
        .output()
        .unwrap();
    let through_cache = cached(&["check", "--format", "json"]);
    assert_eq!(in_memory.stdout, through_cache.stdout);
    assert_eq!(in_memory.status.code(), through_cache.status.code());

    let (location, config) = config::locate(Some(dir.path()), None, dir.path()).unwrap();
    outline_answers_the_same(location, config);
}

/// Every query [`Query::needs`](atomdoc::query::Query::needs) says an outline answers gets the
/// same answer from the cache's outline load (only the outline parts read) as from its full
/// load: the same records, the same JSON, the same table. The queries: every example of
/// `docs/query-language.md` and of `queries/`, and generated ones over every outline field,
/// operator, source and scope.
fn outline_answers_the_same(location: config::Location, config: Config) {
    use atomdoc::query::ast::{DOC_FIELDS, FieldType};
    use atomdoc::render::{rows, table::Term};
    let mode = CacheMode::Disk(location.repo.join(atomdoc::store::DEFAULT_DIR));
    let open = |keep| {
        let ws = Workspace::open_keeping(location.clone(), config.clone(), &mode, keep).unwrap();
        assert!(ws.report.added.is_empty() && ws.report.changed.is_empty() && !ws.report.full);
        assert_eq!(ws.take_notices(), Vec::<String>::new());
        ws
    };
    let full = open(Keep::Graph);
    let outline = open(Keep::Outline);
    assert_eq!(full.corpus.keep(), Keep::Graph);
    assert_eq!(outline.corpus.keep(), Keep::Outline);
    assert!(
        outline.corpus.docs.iter().all(|d| d.headings.is_empty()
            && d.intro.is_empty()
            && d.links
                .iter()
                .all(|l| l.target.is_empty() && l.resolved.is_none())),
        "the outline load read no detail part"
    );
    assert_eq!(edges(outline.graph()), edges(full.graph()));

    let docs = &full.corpus.docs;
    let doc = |i: usize| docs[i * 7919 % docs.len()].path.clone();
    let with_sub = docs.iter().find(|d| d.subcategory.is_some()).unwrap();
    let cat = with_sub.category.clone().unwrap();
    let sub = format!("{cat}/{}", with_sub.subcategory.clone().unwrap());
    let mut queries: Vec<String> = Vec::new();
    let doc_page = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/docs/query-language.md"
    ))
    .unwrap();
    let mut in_aq = false;
    for line in doc_page.lines() {
        match line {
            "```aq" => in_aq = true,
            "```" => in_aq = false,
            l if in_aq && !l.trim().is_empty() && !l.starts_with('#') => queries.push(l.into()),
            _ => {}
        }
    }
    queries.extend(saved_queries());
    // Generated queries that do not parse (a value a field does not take) are skipped.
    let examples = queries.len();
    let sources = [
        "docs".to_string(),
        "orphans".into(),
        "orphans by related".into(),
        "orphans by inline".into(),
        "orphans by include".into(),
        "orphans within root".into(),
        "hubs".into(),
        format!("neighbors of \"{}\"", doc(1)),
        format!("neighbors of \"{}\" depth 3", doc(2)),
    ];
    for source in &sources {
        queries.push(source.clone());
        queries.push(format!("{source} in \"{cat}\" sort by title desc limit 7"));
        queries.push(format!("{source} where in \"{sub}\" or in \"{}\"", doc(3)));
    }
    for i in 0..6 {
        queries.push(format!("path from \"{}\" to \"{}\"", doc(i), doc(i + 1)));
    }
    queries.extend(["categories", "matrix", "stats"].map(String::from));
    for f in DOC_FIELDS.iter().filter(|f| f.in_outline()) {
        let name = f.name();
        queries.push(format!("docs sort by {name}, path limit 50"));
        queries.push(format!("hubs sort by {name} desc limit 50"));
        match f.ty() {
            FieldType::Number => {
                for n in [0, 1, 3, 250] {
                    for op in ["=", "!=", "<", "<=", ">", ">="] {
                        queries.push(format!("docs where {name} {op} {n}"));
                    }
                }
            }
            FieldType::Text => {
                for op in ["=", "!=", "~"] {
                    for v in ["topic", "a", "index", &cat] {
                        queries.push(format!("orphans where {name} {op} \"{v}\""));
                        queries.push(format!("docs where {name} {op} \"{v}\" sort by {name}"));
                    }
                }
            }
            FieldType::Bool => {
                queries.push(format!("docs where {name}"));
                queries.push(format!("docs where not {name} and inlinks < 2"));
                queries.push(format!("docs where {name} = false sort by words desc"));
            }
        }
    }
    let mut asked = 0;
    for (i, text) in queries.iter().enumerate() {
        let query = match atomdoc::query::parse(text) {
            Ok(query) => query,
            Err(_) if i >= examples => continue,
            Err(e) => panic!("{text}: {e:?}"),
        };
        if query.needs() != Keep::Outline {
            assert!(
                outline.ask(&query).is_err(),
                "{text}: an outline refuses it"
            );
            continue;
        }
        asked += 1;
        let answer = |ws: &Workspace| match ws.ask(&query) {
            Ok(a) => {
                let mut json = Vec::new();
                rows::json(&mut json, &a.records).unwrap();
                let mut table = Vec::new();
                rows::table(&mut table, &a.records, &Term::PLAIN).unwrap();
                format!(
                    "{:?}\n{}\n{}",
                    a.records,
                    String::from_utf8(json).unwrap(),
                    String::from_utf8(table).unwrap()
                )
            }
            Err(e) => format!("error {e:?}"),
        };
        assert_eq!(answer(&outline), answer(&full), "{text}");
    }
    assert!(asked > 300, "only {asked} queries asked");
}

/// A tree loaded without the documents' text ([`Keep::Graph`], what `stats`, `check` and
/// queries without a text source load) answers every question that does not search like the
/// tree loaded with it: the same documents but for their text, the same graph, the same
/// records for every query below and the same findings.
fn graph_only_answers_the_same(full: &Workspace, location: config::Location, config: Config) {
    let mut graph =
        Workspace::open_keeping(location, config, &CacheMode::Memory, Keep::Graph).unwrap();
    assert_eq!(graph.corpus.docs.len(), full.corpus.docs.len());
    let mut texts = 0;
    for (got, want) in graph.corpus.docs.iter().zip(&full.corpus.docs) {
        assert!(got.text.is_empty() && got.code.is_empty(), "{}", got.path);
        texts += usize::from(!want.text.is_empty());
        let mut want = want.clone();
        want.text.clear();
        want.code.clear();
        assert_eq!(
            serde_json::to_value(got).unwrap(),
            serde_json::to_value(&want).unwrap(),
            "document {} differs",
            want.path
        );
    }
    assert!(texts > 0, "the full load keeps text");
    assert_eq!(edges(graph.graph()), edges(full.graph()));

    let some_doc = &full.corpus.docs[full.corpus.docs.len() / 2].path;
    let mut queries: Vec<String> = [
        "docs",
        "all links",
        "links",
        "broken",
        "orphans",
        "orphans within root",
        "orphans by related",
        "hubs limit 20",
        "categories",
        "matrix",
        "stats",
        "coverage",
        "docs where words > 400 sort by words desc, path",
        "docs where kind = topic missing section \"Related Documents\"",
    ]
    .iter()
    .map(|q| q.to_string())
    .collect();
    queries.push(format!("backlinks of \"{some_doc}\""));
    queries.push(format!("neighbors of \"{some_doc}\" depth 2"));
    queries.extend(saved_queries());
    for text in &queries {
        let query = atomdoc::query::parse(text).unwrap_or_else(|e| panic!("{text}: {e:?}"));
        let answer = |ws: &Workspace| match ws.ask(&query) {
            Ok(a) => format!("{:?}", a.records),
            Err(e) => format!("error {e:?}"),
        };
        assert_eq!(answer(&graph), answer(full), "{text}");
    }
    let mut full = Workspace::from_corpus(
        full.location.clone(),
        full.config.clone(),
        full.corpus.clone(),
    );
    assert_eq!(graph.diagnostics().unwrap(), full.diagnostics().unwrap());
}

#[test]
fn disk_pipeline_equals_in_memory_reference_on_generated_trees() {
    for seed in [1, 2] {
        check_equivalent(gen_tree::Spec {
            docs: 400,
            seed,
            mean_bytes: 3000,
            shape: gen_tree::Shape::Topics,
        });
    }
}

#[test]
fn disk_pipeline_equals_in_memory_reference_on_other_shapes() {
    use gen_tree::Shape;
    for shape in [Shape::Short, Shape::Deep, Shape::Dense] {
        check_equivalent(gen_tree::Spec {
            docs: 400,
            seed: 3,
            mean_bytes: 2000,
            shape,
        });
    }
}

#[test]
fn generator_is_deterministic() {
    let spec = gen_tree::Spec {
        docs: 120,
        seed: 9,
        mean_bytes: 2000,
        shape: gen_tree::Shape::Topics,
    };
    assert_eq!(generate(&spec), generate(&spec));
    let other = gen_tree::Spec { seed: 10, ..spec };
    assert_ne!(generate(&spec).0, generate(&other).0);
    let deep = gen_tree::Spec {
        shape: gen_tree::Shape::Deep,
        ..spec
    };
    assert_eq!(generate(&deep), generate(&deep));
    assert!(
        generate(&deep)
            .0
            .iter()
            .any(|(p, _)| p.matches('/').count() >= 8)
    );
}

/// Every query of the project's `queries/` files (blank lines and comments left out).
fn saved_queries() -> Vec<String> {
    let mut queries = Vec::new();
    for entry in std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/queries")).unwrap() {
        let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        queries.extend(
            text.lines()
                .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
                .map(str::to_string),
        );
    }
    queries
}
