//! Every face gives the same answer to the same question: `atomdoc query`, the REPL (piped)
//! and, for a full-text search, `atomdoc search` print what the answer layer computed once
//! (`src/answer/`), so their rows and fields agree.

use serde_json::Value;

use crate::common::{atomdoc, sample};

/// Questions covering every kind of row: documents, links with suggestions, summaries,
/// scored hits with excerpts, related pairs, coverage, neighbours.
const QUESTIONS: [&str; 12] = [
    "orphans",
    "broken in services",
    "stats",
    "categories",
    "coverage",
    r#"search "connection pool" limit 3"#,
    r#"search ~"rabitmq" in integrations"#,
    "similar to redis/connection-pooling limit 3",
    "suggest related for orphans limit 3",
    "backlinks of redis/connection-pooling",
    "neighbors of redis/connection-pooling depth 1",
    "docs where words > 300 sort by inlinks desc limit 4",
];

fn stdout(args: &[&str], input: Option<String>) -> String {
    let mut cmd = atomdoc(&sample());
    cmd.args(args);
    if let Some(input) = input {
        cmd.write_stdin(input);
    }
    let out = cmd.output().expect("runs");
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8")
}

fn query_json(q: &str) -> Value {
    serde_json::from_str(&stdout(&["query", q, "--format", "json"], None)).expect("JSON")
}

#[test]
fn query_and_the_repl_give_the_same_answers() {
    let mut input = String::from(":format json\n");
    for q in QUESTIONS {
        input.push_str(q);
        input.push('\n');
    }
    // Piped, JSON answers are JSON Lines (one row per line) and `format: json` goes to
    // stderr: stdout is exactly every question's rows, in order.
    let session = stdout(&["repl"], Some(input));
    let lines: Vec<Value> = session
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    let mut expected = Vec::new();
    for q in QUESTIONS {
        let rows = query_json(q).as_array().expect("rows").clone();
        assert!(!rows.is_empty(), "{q}: no rows, so nothing is compared");
        expected.extend(rows);
    }
    assert_eq!(lines, expected);
}

#[test]
fn atomdoc_search_gives_the_rows_of_query_search() {
    for (search, query) in [
        (
            vec!["connection", "pool", "--limit", "4"],
            r#"search "connection pool" limit 4"#,
        ),
        (
            vec!["queue", "--in", "integrations", "--limit", "3"],
            r#"search "queue" in integrations limit 3"#,
        ),
        (vec!["rabitmq", "--fuzzy"], r#"search ~"rabitmq" limit 10"#),
    ] {
        let mut args = vec!["search", "--format", "json"];
        args.extend(&search);
        let hits: Value = serde_json::from_str(&stdout(&args, None)).expect("JSON");
        let hits = hits.as_array().expect("hits");
        let rows = query_json(query);
        let rows = rows.as_array().expect("rows");
        assert!(!hits.is_empty(), "{query}");
        assert_eq!(hits.len(), rows.len(), "{query}");
        for (hit, row) in hits.iter().zip(rows) {
            for field in ["path", "category", "kind", "score", "line", "snippet"] {
                assert_eq!(hit[field], row[field], "{query}: {field}");
            }
            // `atomdoc search` names an untitled document by its file; `title` is null there
            // in the query's rows.
            if !row["title"].is_null() {
                assert_eq!(hit["title"], row["title"], "{query}");
            }
        }
    }
}
