//! Site dialects end to end: detection from `book.toml`, the `dialect` key, mdBook's pages,
//! includes and 404 page, and a tree's card with its selector's alternatives.

use serde_json::Value;

use crate::common::{atomdoc, run_ok, tree};

fn json(text: &str) -> Value {
    serde_json::from_str(text).expect("JSON output")
}

/// A small mdBook written for this test: `book.toml` beside `src/`.
fn book(input_404: &str) -> tempfile::TempDir {
    let book_toml = format!(
        "[book]\ntitle = \"Test book\"\n\n[output.html]\n{input_404}\n[output.linkcheck]\nfollow-web-links = false\n"
    );
    tree(&[
        ("book.toml", book_toml.as_str()),
        (
            "src/SUMMARY.md",
            "# Summary\n\n[Intro](intro.md)\n\n- [Chapter](chapter/README.md)\n    - [Detail](chapter/detail.md)\n",
        ),
        (
            "src/intro.md",
            "# Intro\n\nRead [the chapter](chapter/index.html) and [its detail](chapter/detail.html#step-two).\n\n\
             ```rust\n{{#rustdoc_include ../listings/main.rs:3:9}}\n```\n\n{{#include snippets/warning.md}}\n",
        ),
        (
            "src/chapter/README.md",
            "# Chapter\n\n[Back](../intro.html)\n",
        ),
        (
            "src/chapter/detail.md",
            "# Detail\n\n## Step Two {#step-two}\n\nText.\n",
        ),
        ("src/snippets/warning.md", "**Careful.**\n"),
        ("src/oops.md", "# Nothing here\n"),
        ("listings/main.rs", "fn main() {}\n"),
    ])
}

#[test]
fn an_mdbook_is_detected_and_read_as_mdbook_builds_it() {
    let dir = book("input-404 = \"oops.md\"");
    let stats = json(&run_ok(
        dir.path(),
        &["--root", "src", "stats", "--format", "json"],
    ));
    assert_eq!(stats["dialect"], "mdbook");
    assert_eq!(
        stats["by_kind"]["index"], 2,
        "SUMMARY.md and chapter/README.md"
    );
    assert_eq!(stats["by_kind"]["meta"], 1, "the 404 page book.toml names");
    assert_eq!(stats["edges"]["include"], 1);
    assert_eq!(stats["orphans"], 0);
    assert_eq!(stats["broken"]["missing"], 0);
    assert_eq!(stats["broken"]["anchor"], 0);

    let table = run_ok(dir.path(), &["--root", "src", "stats"]);
    let last = table.lines().last().unwrap_or("");
    assert!(
        last.starts_with("dialect") && last.ends_with("mdbook"),
        "{table}"
    );

    let includes = json(&run_ok(
        dir.path(),
        &[
            "--root",
            "src",
            "query",
            "all links where kind = include",
            "--format",
            "json",
        ],
    ));
    let resolved: Vec<&str> = includes
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["resolved"].as_str().unwrap())
        .collect();
    assert_eq!(resolved, ["listings/main.rs", "src/snippets/warning.md"]);

    let fed = json(&run_ok(
        dir.path(),
        &[
            "--root",
            "src",
            "query",
            "docs where ininclude > 0",
            "--format",
            "json",
        ],
    ));
    assert_eq!(fed[0]["path"], "src/snippets/warning.md");
}

#[test]
fn a_book_at_the_repository_root_needs_no_root_flag() {
    let dir = book("");
    let stats = json(&run_ok(dir.path(), &["stats", "--format", "json"]));
    assert_eq!(stats["dialect"], "mdbook");
    assert_eq!(stats["documents"], 6);

    let dir = tree(&[
        ("book.toml", "[book]\nsrc = \"pages\"\n"),
        ("pages/SUMMARY.md", "- [A](a.md)\n"),
        ("pages/a.md", "# A\n"),
    ]);
    let stats = json(&run_ok(dir.path(), &["stats", "--format", "json"]));
    assert_eq!(stats["documents"], 2);
    assert_eq!(stats["orphans"], 0);

    let dir = tree(&[("book.toml", "title = \n"), ("src/a.md", "# A\n")]);
    let out = atomdoc(dir.path()).arg("stats").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("book.toml"));
}

#[test]
fn the_404_page_defaults_to_404_md_and_the_dialect_key_wins() {
    let dir = book("");
    let stats = json(&run_ok(
        dir.path(),
        &["--root", "src", "stats", "--format", "json"],
    ));
    assert_eq!(
        stats["by_kind"]["meta"], 0,
        "no 404.md, and oops.md is not named"
    );
    // An orphan now: nothing links to oops.md.
    assert_eq!(stats["orphans"], 1);

    std::fs::write(dir.path().join("atomdoc.toml"), "dialect = \"github\"\n").unwrap();
    let stats = json(&run_ok(
        dir.path(),
        &["--root", "src", "stats", "--format", "json"],
    ));
    assert_eq!(stats["dialect"], "github");
    // GitHub serves no built pages: the `.html` links are missing files.
    assert_eq!(stats["broken"]["missing"], 3);
    assert_eq!(stats["edges"]["include"], 0);
}

#[test]
fn a_bad_dialect_is_a_config_error() {
    let dir = tree(&[
        ("atomdoc.toml", "dialect = \"hugo\"\n"),
        ("docs/atomic/a/x.md", "# X\n"),
    ]);
    let out = atomdoc(dir.path()).arg("stats").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("atomdoc.toml") && err.contains("hugo"),
        "{err}"
    );
}

#[test]
fn gitlab_anchors_are_checked_with_gitlab_slugs() {
    let dir = tree(&[
        ("atomdoc.toml", "dialect = \"gitlab\"\n"),
        (
            "docs/atomic/a/x.md",
            "# X\n\n## 2024\n\n## C++ & C#\n\n[year](#anchor-2024) [langs](#c-c) [github form](#c--c)\n",
        ),
    ]);
    let broken = json(&run_ok(
        dir.path(),
        &["query", "broken", "--format", "json"],
    ));
    let targets: Vec<&str> = broken
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["target"].as_str().unwrap())
        .collect();
    assert_eq!(targets, ["#c--c"]);
}

#[test]
fn a_trees_card_with_alternatives_is_met_by_either() {
    let template = "# {Topic}\n\n### Quick Section Selector\n\n\
        **For Integration documents** (integrations/redis), use:\n\
        - Client Construction / Configuration (with code example)\n\n\
        ## Quick Reference Card\n\n\
        | Your Category | Required Sections | Example File |\n|---|---|---|\n\
        | **integrations/*** | Configuration, Setup or Installation | `redis/pool.md` |\n";
    let dir = tree(&[
        ("docs/atomic/TEMPLATE.md", template),
        (
            "docs/atomic/integrations/redis/pool.md",
            "# Pool\n\nIntro.\n\n## Client Construction\n\nText.\n\n## Installation\n\nText.\n",
        ),
    ]);
    let out = run_ok(
        dir.path(),
        &[
            "check",
            "--explain",
            "AD008",
            "docs/atomic/integrations/redis/pool.md",
        ],
    );
    assert!(
        out.contains("integrations: Configuration / Client Construction, Setup / Installation"),
        "{out}"
    );
    assert!(out.contains("met by \"Client Construction\""), "{out}");
    assert!(out.contains("met by \"Installation\""), "{out}");
    let check = atomdoc(dir.path())
        .args(["check", "--format", "json"])
        .output()
        .unwrap();
    let report = String::from_utf8_lossy(&check.stdout);
    assert!(!report.contains("AD008"), "{report}");
}

#[test]
fn the_cache_follows_a_change_of_site() {
    let dir = book("input-404 = \"oops.md\"");
    let stats = |dir: &std::path::Path| -> Value {
        let out = crate::common::atomdoc_cached(dir)
            .args(["--root", "src", "stats", "--format", "json"])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        json(&String::from_utf8_lossy(&out.stdout))
    };
    assert_eq!(stats(dir.path())["by_kind"]["meta"], 1);
    // Warm: the same answer from the snapshot.
    assert_eq!(stats(dir.path())["by_kind"]["meta"], 1);
    std::fs::write(
        dir.path().join("book.toml"),
        "[book]\ntitle = \"Test book\"\n",
    )
    .unwrap();
    let after = stats(dir.path());
    assert_eq!(
        after["by_kind"]["meta"], 0,
        "oops.md is no longer the 404 page"
    );
    assert_eq!(after["dialect"], "mdbook");
    std::fs::write(dir.path().join("atomdoc.toml"), "dialect = \"gitlab\"\n").unwrap();
    assert_eq!(stats(dir.path())["dialect"], "gitlab");
}
