//! Referrers: Markdown files of the repository outside the docs root, read for their links
//! into it. They count as incoming links (orphans, inlinks, hubs, backlinks) but are not
//! documents; `orphans within root` keeps the docs root's own view.

use std::fs;
use std::path::Path;

use serde_json::Value;

use crate::common::{atomdoc, atomdoc_cached, tree};

/// A docs root `docs/atomic` with four topics, and around it:
/// - `README.md` (a referrer) links inline to `x` and to a file that does not exist;
/// - `docs/guide.md` (a referrer) lists `w` under Related Documents;
/// - vendored, hidden and ignored folders link to `y`, and must not count.
fn repo() -> tempfile::TempDir {
    tree(&[
        ("docs/atomic/a/x.md", "# X\n\nIntro.\n"),
        (
            "docs/atomic/a/y.md",
            "# Y\n\nIntro.\n\n## Related Documents\n\n- `docs/atomic/a/z.md`\n",
        ),
        ("docs/atomic/a/z.md", "# Z\n\nIntro.\n"),
        ("docs/atomic/a/w.md", "# W\n\nIntro.\n"),
        (
            "README.md",
            "# Repo\n\nSee [x](docs/atomic/a/x.md) and [gone](docs/nope.md).\n",
        ),
        (
            "docs/guide.md",
            "# Guide\n\n## Related Documents\n\n- [w](atomic/a/w.md)\n",
        ),
        (
            "node_modules/pkg/README.md",
            "[y](../../docs/atomic/a/y.md)\n",
        ),
        (".hidden/n.md", "[y](../docs/atomic/a/y.md)\n"),
        (".gitignore", "ignored/\n"),
        ("ignored/n.md", "[y](../docs/atomic/a/y.md)\n"),
    ])
}

fn json(repo: &Path, args: &[&str]) -> Value {
    let out = atomdoc(repo).args(args).output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn paths(rows: &Value) -> Vec<String> {
    rows.as_array()
        .unwrap()
        .iter()
        .map(|r| r["path"].as_str().unwrap().to_string())
        .collect()
}

fn query(repo: &Path, q: &str) -> Value {
    json(repo, &["query", q, "--format", "json"])
}

#[test]
fn links_from_referrers_count_as_incoming() {
    let dir = repo();
    let r = dir.path();
    // Nothing in the repository links to y: only vendored, hidden and ignored files do.
    assert_eq!(paths(&query(r, "orphans")), ["docs/atomic/a/y.md"]);
    // Within the docs root, x and w have no incoming link (z has y's).
    assert_eq!(
        paths(&query(r, "orphans within root")),
        [
            "docs/atomic/a/w.md",
            "docs/atomic/a/x.md",
            "docs/atomic/a/y.md"
        ]
    );
    // Related Documents edges count from documents and referrers alike: w has the guide's,
    // z has y's; x is linked only inline.
    assert_eq!(
        paths(&query(r, "orphans by related")),
        ["docs/atomic/a/x.md", "docs/atomic/a/y.md"]
    );
    let hubs = query(r, "hubs");
    assert_eq!(
        paths(&hubs),
        [
            "docs/atomic/a/w.md",
            "docs/atomic/a/x.md",
            "docs/atomic/a/z.md"
        ]
    );
    assert!(hubs.as_array().unwrap().iter().all(|h| h["inlinks"] == 1));
    let x = query(r, "docs where root_inlinks = 0 and inlinks > 0");
    assert_eq!(paths(&x), ["docs/atomic/a/w.md", "docs/atomic/a/x.md"]);

    // Backlinks: a row whose source is the referrer, marked as such.
    let back = query(r, "backlinks of x");
    assert_eq!(
        back,
        serde_json::json!([{
            "source": "README.md",
            "line": 3,
            "target": "docs/atomic/a/x.md",
            "resolved": "docs/atomic/a/x.md",
            "kind": "inline",
            "reason": null,
            "from_referrer": true,
            "suggestions": null,
        }])
    );
    let back = query(r, "backlinks of w");
    assert_eq!(back[0]["source"], "docs/guide.md");
    assert_eq!(back[0]["kind"], "related");
    // `links` stays document → document; a referrer's broken link is not reported.
    let links = query(r, "links");
    assert_eq!(links.as_array().unwrap().len(), 1);
    assert_eq!(links[0]["source"], "docs/atomic/a/y.md");
    assert_eq!(
        links[0]["from_referrer"], false,
        "every link row has the key"
    );
    assert_eq!(query(r, "broken"), serde_json::json!([]));
    // A referrer is in no category: `from` and `in` never match its rows.
    assert_eq!(query(r, "all links where from a"), query(r, "links"));

    let stats = json(r, &["stats", "--format", "json"]);
    assert_eq!(stats["referrers"], 2);
    assert_eq!(stats["edges"]["from_referrers"], 2);
    assert_eq!(stats["edges"]["related"], 1);
    assert_eq!(stats["edges"]["inline"], 0);
    assert_eq!(stats["orphans"], 1);
    assert_eq!(stats["documents"], 4);

    // `check` agrees: AD014 only for y, and nothing about the referrers.
    let out = atomdoc(r)
        .args(["check", "--format", "json"])
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let orphans: Vec<&str> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "AD014")
        .map(|d| d["path"].as_str().unwrap())
        .collect();
    assert_eq!(orphans, ["docs/atomic/a/y.md"]);
    assert!(
        v["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .all(|d| d["path"].as_str().unwrap().starts_with("docs/atomic/"))
    );

    // Drawings show documents only: the referrer's row is left out, nothing breaks.
    let dot = atomdoc(r)
        .args(["query", "backlinks of x as dot"])
        .output()
        .unwrap();
    assert_eq!(dot.status.code(), Some(0));
    assert!(!String::from_utf8_lossy(&dot.stdout).contains("README.md"));
}

#[test]
fn referrers_can_be_narrowed_or_turned_off() {
    let dir = repo();
    let r = dir.path();
    fs::write(r.join("atomdoc.toml"), "[links]\nreferrers = []\n").unwrap();
    let stats = json(r, &["stats", "--format", "json"]);
    assert_eq!(stats["referrers"], 0);
    assert_eq!(stats["edges"]["from_referrers"], 0);
    assert_eq!(
        paths(&query(r, "orphans")),
        paths(&query(r, "orphans within root"))
    );

    fs::write(
        r.join("atomdoc.toml"),
        "[links]\nreferrers = [\"docs/*.md\"]\n",
    )
    .unwrap();
    let stats = json(r, &["stats", "--format", "json"]);
    assert_eq!(stats["referrers"], 1, "only docs/guide.md");
    assert_eq!(
        paths(&query(r, "orphans")),
        ["docs/atomic/a/x.md", "docs/atomic/a/y.md"]
    );

    fs::write(r.join("atomdoc.toml"), "[links]\nreferrers = [\"a/{b\"]\n").unwrap();
    let out = atomdoc(r).arg("stats").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("[links] referrers: bad glob `a/{b`"), "{err}");

    // With the repository as the docs root, every file is a document: no referrers.
    fs::remove_file(r.join("atomdoc.toml")).unwrap();
    let stats = json(r, &["--root", ".", "stats", "--format", "json"]);
    assert_eq!(stats["referrers"], 0);
}

#[test]
fn an_edited_referrer_is_seen_warm_and_incrementally() {
    let dir = repo();
    let r = dir.path();
    let cache = tempfile::tempdir().unwrap();
    let cached = |q: &str| -> Vec<String> {
        let out = atomdoc_cached(r)
            .arg("--cache-dir")
            .arg(cache.path())
            .args(["query", q, "--format", "json"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0));
        paths(&serde_json::from_slice(&out.stdout).unwrap())
    };
    assert_eq!(cached("orphans"), ["docs/atomic/a/y.md"]);
    // Warm: nothing changed, the snapshot answers the same.
    assert_eq!(cached("orphans"), ["docs/atomic/a/y.md"]);
    // The README drops its link to x: x is an orphan now.
    fs::write(r.join("README.md"), "# Repo\n\nNothing here.\n").unwrap();
    assert_eq!(
        cached("orphans"),
        ["docs/atomic/a/x.md", "docs/atomic/a/y.md"]
    );
    // A new referrer links to y; a removed one takes its edge away.
    fs::write(r.join("NOTES.md"), "[y](docs/atomic/a/y.md)\n").unwrap();
    fs::remove_file(r.join("docs/guide.md")).unwrap();
    assert_eq!(
        cached("orphans"),
        ["docs/atomic/a/w.md", "docs/atomic/a/x.md"]
    );
    // A document edit elsewhere keeps the referrers' edges.
    fs::write(r.join("docs/atomic/a/z.md"), "# Z changed\n\nIntro.\n").unwrap();
    assert_eq!(
        cached("orphans"),
        ["docs/atomic/a/w.md", "docs/atomic/a/x.md"]
    );
    // And the cached answers equal a run without the cache.
    let out = atomdoc(r)
        .args(["query", "orphans", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(
        paths(&serde_json::from_slice(&out.stdout).unwrap()),
        cached("orphans")
    );
}

/// README and docs/query-language.md explain referrers with the sample's real answers.
#[test]
fn the_docs_show_the_real_referrer_answers_of_the_sample() {
    let sample = crate::common::sample();
    let count = |q: &str| {
        query(&sample, q)
            .as_array()
            .map(Vec::len)
            .unwrap_or_default()
    };
    assert_eq!(count("orphans within root"), 5);
    assert_eq!(count("orphans"), 4);
    let readme = fs::read_to_string(crate::common::project().join("README.md")).unwrap();
    assert!(readme.contains("query \"orphans within root\"   # 5"));
    assert!(readme.contains("query \"orphans\"               # 4"));
    let table = crate::common::run_ok(&sample, &["query", "backlinks of api-authentication"]);
    let doc = fs::read_to_string(crate::common::project().join("docs/query-language.md")).unwrap();
    assert!(
        doc.contains(&table),
        "docs/query-language.md should show:\n{table}"
    );
    assert!(table.contains("README.md") && table.contains("from_referrer"));
}
