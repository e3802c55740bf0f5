//! `atomdoc query`: golden outputs on the sample tree, every saved query in `queries/`,
//! errors and exit statuses, `--file`, `@NAME`, formats.
//!
//! Golden files live in `tests/golden/query/`. After an intended change of output, rewrite
//! them with `ATOMDOC_BLESS=1 cargo test --test cli query::` and review the diff.

use std::path::Path;

use crate::common::{atomdoc, atomdoc_cached, project, run_ok, sample, tree};

/// Compares `actual` with the golden file `tests/golden/query/<name>`.
fn golden(name: &str, actual: &str) {
    crate::common::golden(&format!("query/{name}"), actual);
}

/// Every example of `docs/query-language.md`, spelled for the sample tree, with its golden
/// file name.
const SAMPLE_QUERIES: &[(&str, &str)] = &[
    (
        "search-connection-pool",
        r#"search "connection pool" limit 3"#,
    ),
    (
        "search-fuzzy-in-integrations",
        r#"search ~"rabitmq" in integrations sort by inlinks desc limit 3"#,
    ),
    (
        "similar-to-connection-pooling",
        "similar to redis/connection-pooling limit 3",
    ),
    (
        "suggest-related-for-orphans-in-infrastructure",
        "suggest related for orphans in infrastructure",
    ),
    ("orphans", "orphans"),
    ("orphans-in-integrations", "orphans in integrations"),
    (
        "orphans-in-integrations-redis",
        "orphans in integrations/redis",
    ),
    (
        "orphans-in-observability-metrics",
        "orphans in observability/metrics",
    ),
    ("orphans-by-related", "orphans by related"),
    ("orphans-within-root", "orphans within root"),
    (
        "backlinks-of-api-authentication",
        "backlinks of api-authentication",
    ),
    ("broken", "broken"),
    ("broken-in-services", "broken in services"),
    ("broken-where-reason-anchor", "broken where reason = anchor"),
    ("links", "links"),
    ("links-where-kind-related", "links where kind = related"),
    (
        "links-from-services-to-integrations",
        "links from services to integrations",
    ),
    (
        "links-from-connection-pooling",
        "links from integrations/redis/connection-pooling",
    ),
    (
        "backlinks-of-connection-pooling",
        "backlinks of redis/connection-pooling",
    ),
    ("docs", "docs"),
    ("docs-in-testing", "docs in testing"),
    (
        "docs-inlinks-0-services",
        "docs where inlinks = 0 and category = services",
    ),
    ("docs-related-lt-2", "docs where related < 2"),
    ("docs-title-redis", "docs where title ~ \"redis\""),
    ("docs-kind-index", "docs where kind = index"),
    (
        "docs-missing-best-practices",
        "docs missing section \"Best Practices\"",
    ),
    ("docs-with-checklist", "docs with section \"Checklist\""),
    ("categories", "categories"),
    ("matrix", "matrix"),
    (
        "neighbors-of-key-naming",
        "neighbors of integrations/redis/key-naming depth 2",
    ),
    (
        "path-health-checks-to-key-naming",
        "path from infrastructure/health-checks to redis/key-naming",
    ),
    (
        "path-none",
        "path from redis/key-naming to infrastructure/health-checks",
    ),
    ("hubs-limit-10", "hubs limit 10"),
    ("stats", "stats"),
    (
        "docs-sort-words",
        "docs where kind = topic sort by words desc limit 5",
    ),
    (
        "docs-boolean",
        "docs where (category = services or category = testing) and not orphan and inlinks >= 4",
    ),
    ("all-links-external", "all links where status = external"),
];

#[test]
fn every_example_query_matches_its_golden_table() {
    for (name, q) in SAMPLE_QUERIES {
        let out = run_ok(&sample(), &["query", q]);
        golden(&format!("{name}.txt"), &out);
    }
}

/// Every example again through a warm cache, where the ones an outline answers
/// (`Query::needs`) read only the snapshot's outline parts: the same golden table, the same
/// JSON as without a cache, and a file of all of them together (loaded at the level the most
/// demanding one needs) answers each the same.
#[test]
fn every_example_answers_the_same_from_a_warm_cache_outline_or_not() {
    let cache = tempfile::tempdir().unwrap();
    let warm = |args: &[&str]| {
        let out = atomdoc_cached(&sample())
            .arg("--cache-dir")
            .arg(cache.path())
            .args(args)
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr).into_owned();
        assert_eq!(out.status.code(), Some(0), "{args:?}: {err}");
        String::from_utf8(out.stdout).unwrap()
    };
    warm(&["index"]);
    let mut outline = 0;
    for (name, q) in SAMPLE_QUERIES {
        let needs = atomdoc::query::parse(q).unwrap().needs();
        outline += usize::from(needs == atomdoc::corpus::Keep::Outline);
        golden(&format!("{name}.txt"), &warm(&["query", q]));
        let json = ["query", q, "--format", "json"];
        assert_eq!(warm(&json), run_ok(&sample(), &json), "{q}");
    }
    assert!(outline >= 15, "{outline} examples an outline answers");
    let file = cache.path().join("all.aq");
    let text: Vec<&str> = SAMPLE_QUERIES.iter().map(|(_, q)| *q).collect();
    std::fs::write(&file, text.join("\n")).unwrap();
    let all = [
        "query",
        "--file",
        file.to_str().unwrap(),
        "--format",
        "json",
    ];
    assert_eq!(warm(&all), run_ok(&sample(), &all));
}

#[test]
fn json_and_csv_match_their_golden_files() {
    for (name, q) in [
        ("orphans", "orphans"),
        ("broken", "broken"),
        (
            "links-from-services-to-integrations",
            "links from services to integrations",
        ),
        ("categories", "categories"),
        (
            "path-health-checks-to-key-naming",
            "path from infrastructure/health-checks to redis/key-naming",
        ),
        (
            "neighbors-of-key-naming",
            "neighbors of integrations/redis/key-naming depth 2",
        ),
    ] {
        golden(
            &format!("{name}.json"),
            &run_ok(&sample(), &["query", q, "--format", "json"]),
        );
        golden(
            &format!("{name}.csv"),
            &run_ok(&sample(), &["query", q, "--format", "csv"]),
        );
    }
}

#[test]
fn json_rows_have_the_documented_keys() {
    let docs: serde_json::Value =
        serde_json::from_str(&run_ok(&sample(), &["query", "docs", "--format", "json"])).unwrap();
    let first = docs[0].as_object().unwrap();
    let keys: Vec<&str> = first.keys().map(String::as_str).collect();
    for key in ["path", "title", "category", "kind", "inlinks", "outlinks"] {
        assert!(keys.contains(&key), "{keys:?}");
    }
    let broken: serde_json::Value =
        serde_json::from_str(&run_ok(&sample(), &["query", "broken", "--format", "json"])).unwrap();
    for row in broken.as_array().unwrap() {
        for key in ["source", "line", "target", "resolved", "kind", "reason"] {
            assert!(row.get(key).is_some(), "{key} missing in {row}");
        }
        assert!(row["reason"].is_string());
    }
    assert_eq!(broken.as_array().unwrap().len(), 13);
}

#[test]
fn query_words_need_no_quotes_and_flags_may_follow() {
    let a = run_ok(&sample(), &["query", "orphans", "in", "services"]);
    let b = run_ok(&sample(), &["query", "orphans in services"]);
    assert_eq!(a, b);
}

#[test]
fn every_saved_query_in_the_repository_runs_on_the_sample() {
    let dir = project().join("queries");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "aq"))
        .collect();
    files.sort();
    assert!(files.len() >= 3, "queries/ holds the saved queries");
    for file in files {
        let name = file.file_stem().unwrap().to_string_lossy().to_string();
        let out = run_ok(&sample(), &["query", "--file", file.to_str().unwrap()]);
        golden(&format!("saved-{name}.txt"), &out);
    }
}

fn status_and_output(repo: &Path, args: &[&str]) -> (i32, String, String) {
    let out = atomdoc(repo).args(args).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn ci_gate_fails_when_rows_come_back_and_passes_on_a_clean_tree() {
    let (code, out, _) = status_and_output(&sample(), &["query", "broken", "--fail-if-any"]);
    assert_eq!(code, 1);
    assert!(out.ends_with("13 links\n"), "{out}");
    let (code, out, _) = status_and_output(
        &sample(),
        &[
            "query",
            "broken in security/api-authentication",
            "--fail-if-any",
        ],
    );
    assert_eq!(code, 0, "{out}");
    assert_eq!(out, "no links\n");
    let gate = project().join("queries/ci-gate.aq");
    let (code, _, _) = status_and_output(
        &sample(),
        &["query", "--file", gate.to_str().unwrap(), "--fail-if-any"],
    );
    assert_eq!(code, 1);
    let clean = tree(&[
        ("docs/atomic/a/one.md", "# One\n\n[two](two.md)\n"),
        ("docs/atomic/a/two.md", "# Two\n\n[one](one.md)\n"),
    ]);
    let (code, out, err) = status_and_output(
        clean.path(),
        &["query", "--file", gate.to_str().unwrap(), "--fail-if-any"],
    );
    assert_eq!(code, 0, "{out}{err}");
    assert_eq!(out, "# broken\nno links\n\n# orphans\nno documents\n");
}

#[test]
fn syntax_errors_exit_2_with_a_caret_and_run_nothing() {
    let (code, out, err) = status_and_output(&sample(), &["query", "orphans in"]);
    assert_eq!(code, 2);
    assert_eq!(out, "");
    assert_eq!(
        err,
        "error: expected a category or document after 'in', found the end of the query\n \
         --> query:1:11\n  |\n1 | orphans in\n  |           ^\n"
    );
    // Syntax is checked before the tree is read: no docs root needed.
    let empty = tree(&[("README.md", "# x\n")]);
    let (code, _, err) = status_and_output(empty.path(), &["query", "docs where"]);
    assert_eq!(code, 2);
    assert!(err.contains("expected a condition after 'where'"), "{err}");
}

#[test]
fn unknown_and_ambiguous_names_exit_2_naming_candidates() {
    let (code, _, err) = status_and_output(&sample(), &["query", "orphans in integrashuns"]);
    assert_eq!(code, 2);
    assert!(
        err.starts_with("error: unknown category or document 'integrashuns'"),
        "{err}"
    );
    assert!(err.contains("did you mean integrations"), "{err}");
    assert!(
        err.contains("\n1 | orphans in integrashuns\n  |            ^^^^^^^^^^^^\n"),
        "{err}"
    );
    let dir = tree(&[
        ("docs/atomic/a/setup.md", "# A\n"),
        ("docs/atomic/b/setup.md", "# B\n"),
    ]);
    let (code, _, err) = status_and_output(dir.path(), &["query", "backlinks of setup"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("'setup' names 2 documents: docs/atomic/a/setup.md, docs/atomic/b/setup.md"),
        "{err}"
    );
}

#[test]
fn a_query_file_reports_every_bad_line_with_its_line_number() {
    let dir = tree(&[
        ("docs/atomic/a/one.md", "# One\n"),
        (
            "checks.aq",
            "# a comment\n\norphans\ndocs where\nlinks limit x\n",
        ),
    ]);
    let file = dir.path().join("checks.aq");
    let (code, out, err) =
        status_and_output(dir.path(), &["query", "--file", file.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert_eq!(out, "");
    assert!(err.contains("checks.aq:4:11"), "{err}");
    assert!(err.contains("checks.aq:5:13"), "{err}");
    assert!(err.contains("4 | docs where"), "{err}");
}

#[test]
fn several_queries_as_json_are_labelled() {
    let dir = tree(&[
        ("docs/atomic/a/one.md", "# One\n"),
        ("two.aq", "orphans\ndocs where kind = index\n"),
    ]);
    let file = dir.path().join("two.aq");
    let out = run_ok(
        dir.path(),
        &[
            "query",
            "--file",
            file.to_str().unwrap(),
            "--format",
            "json",
        ],
    );
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v[0]["query"], "orphans");
    assert_eq!(v[0]["rows"][0]["path"], "docs/atomic/a/one.md");
    assert_eq!(v[1]["rows"].as_array().unwrap().len(), 0);
    let (code, _, err) = status_and_output(
        dir.path(),
        &["query", "--file", file.to_str().unwrap(), "--format", "csv"],
    );
    assert_eq!(code, 2);
    assert!(err.contains("--format csv prints one table"), "{err}");
}

#[test]
fn saved_queries_run_by_name() {
    let dir = tree(&[
        ("docs/atomic/a/one.md", "# One\n"),
        ("docs/atomic/a/two.md", "# Two\n[one](one.md)\n"),
        (
            ".atomdoc/queries/lonely.aq",
            "# topics nobody links to\norphans\n",
        ),
    ]);
    let out = run_ok(dir.path(), &["query", "@lonely", "--format", "csv"]);
    assert_eq!(
        out,
        "path,title,category,kind,inlinks,outlinks\ndocs/atomic/a/two.md,Two,a,topic,0,1\n"
    );
    let (code, _, err) = status_and_output(dir.path(), &["query", "@lonley"]);
    assert_eq!(code, 2);
    assert!(err.contains("no saved query `lonley`"), "{err}");
    assert!(err.contains("saved queries: lonely"), "{err}");
    let (code, _, err) = status_and_output(dir.path(), &["query", "@../x"]);
    assert_eq!(code, 2);
    assert!(err.contains("not valid"), "{err}");
}

#[test]
fn csv_guards_formula_cells_and_table_sanitizes_control_characters() {
    let dir = tree(&[
        ("docs/atomic/a/one.md", "# =HYPERLINK(\"x\")\n"),
        ("docs/atomic/a/two.md", "# @two \u{1b}[31mred\n"),
    ]);
    let csv = run_ok(dir.path(), &["query", "docs", "--format", "csv"]);
    assert!(csv.contains(",\"'=HYPERLINK(\"\"x\"\")\","), "{csv}");
    assert!(csv.contains(",'@two"), "{csv}");
    let table = run_ok(dir.path(), &["query", "docs"]);
    assert!(!table.contains('\u{1b}'), "{table:?}");
}

#[test]
fn no_rows_is_success_and_says_so() {
    let out = run_ok(&sample(), &["query", "orphans in integrations"]);
    assert_eq!(out, "no documents\n");
    let out = run_ok(
        &sample(),
        &["query", "orphans in integrations", "--format", "json"],
    );
    assert_eq!(out, "[]\n");
    let out = run_ok(
        &sample(),
        &["query", "orphans in integrations", "--format", "csv"],
    );
    assert_eq!(out, "path,title,category,kind,inlinks,outlinks\n");
}

#[test]
fn colour_only_when_forced_and_never_with_no_color() {
    let run = |no_color: bool| {
        let mut cmd = atomdoc(&sample());
        cmd.env("CLICOLOR_FORCE", "1");
        if !no_color {
            cmd.env_remove("NO_COLOR");
        }
        let out = cmd.args(["query", "orphans in services"]).output().unwrap();
        String::from_utf8(out.stdout).unwrap()
    };
    assert!(run(false).starts_with("\u{1b}[1mpath"), "{:?}", run(false));
    assert!(!run(true).contains('\u{1b}'));
    // Off a terminal, without CLICOLOR_FORCE: plain text.
    let plain = atomdoc(&sample())
        .env_remove("NO_COLOR")
        .args(["query", "orphans in security"])
        .output()
        .unwrap();
    assert!(!String::from_utf8(plain.stdout).unwrap().contains('\u{1b}'));
}
