//! Full-text search and the on-disk cache: ranking on the sample tree, incremental updates,
//! corruption, format versions, concurrent processes, read-only cache folders.
//!
//! Every test that uses a cache works on a copy of the sample tree in a temporary folder, or
//! points `--cache-dir` at one: nothing is ever written into `examples/sample`.

use std::fs;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::common::{atomdoc, atomdoc_cached, copy_tree, sample};

const POOLING: &str = "docs/atomic/integrations/redis/connection-pooling.md";

/// Runs atomdoc on `repo` with the cache in `cache` and returns (stdout, stderr), asserting
/// exit status 0.
fn cached(repo: &Path, cache: &Path, args: &[&str]) -> (String, String) {
    let out = atomdoc_cached(repo)
        .arg("--cache-dir")
        .arg(cache)
        .args(args)
        .output()
        .expect("runs");
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(0), "atomdoc {args:?}: {stderr}");
    (String::from_utf8(out.stdout).expect("utf-8"), stderr)
}

fn uncached(repo: &Path, args: &[&str]) -> String {
    let out = atomdoc(repo).args(args).output().expect("runs");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8")
}

fn json(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
}

/// The paths of a JSON search answer, in order.
fn paths(answer: &str) -> Vec<String> {
    json(answer)
        .as_array()
        .expect("an array")
        .iter()
        .map(|r| r["path"].as_str().unwrap().to_string())
        .collect()
}

/// Paths and rounded scores: what a rebuilt index must reproduce exactly.
fn ranked(answer: &str) -> Vec<(String, String)> {
    json(answer)
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["path"].as_str().unwrap().to_string(),
                format!("{:.2}", r["score"].as_f64().unwrap()),
            )
        })
        .collect()
}

const QUERIES: [&[&str]; 4] = [
    &[
        "search",
        "connection",
        "pool",
        "--format",
        "json",
        "--limit",
        "50",
    ],
    &["search", "~rabitmq", "--format", "json", "--limit", "50"],
    &["search", "\"dead letter\"", "--format", "json"],
    &["search", "health", "--format", "json", "--limit", "50"],
];

/// Every answer the tests compare: stats and a few searches.
fn answers(repo: &Path, cache: Option<&Path>) -> (String, Vec<Vec<String>>) {
    let run = |args: &[&str]| match cache {
        Some(c) => cached(repo, c, args).0,
        None => uncached(repo, args),
    };
    let stats = run(&["stats", "--format", "json"]);
    let searches = QUERIES.iter().map(|q| paths(&run(q))).collect();
    (stats, searches)
}

#[test]
fn ranking_on_the_sample_tree() {
    let repo = sample();
    let top = |args: &[&str]| paths(&uncached(&repo, args));
    assert_eq!(
        top(&["search", "connection", "pool", "--format", "json"])[0],
        POOLING
    );
    assert_eq!(
        top(&["search", "\"dead letter\"", "--format", "json"])[0],
        "docs/atomic/integrations/rabbitmq/dead-letter-queues.md"
    );
    assert_eq!(
        top(&["search", "health", "probes", "--format", "json"])[0],
        "docs/atomic/infrastructure/health-checks.md"
    );
    // Every word must match: no document talks about both.
    assert!(top(&["search", "zanzibar", "pool", "--format", "json"]).is_empty());
}

#[test]
fn fuzzy_search_finds_the_word_and_highlights_it() {
    let out = uncached(&sample(), &["search", "~rabitmq", "--format", "json"]);
    let rows = json(&out);
    let rows = rows.as_array().unwrap();
    assert!(!rows.is_empty());
    for row in rows {
        let snippet = row["snippet"].as_str().unwrap().to_lowercase();
        assert!(snippet.contains("**rabbitmq**"), "{snippet}");
        assert!(row["line"].as_u64().is_some());
    }
    // Without the tilde the typo finds nothing.
    assert!(
        paths(&uncached(
            &sample(),
            &["search", "rabitmq", "--format", "json"]
        ))
        .is_empty()
    );
}

#[test]
fn search_rows_carry_score_snippet_and_line() {
    let repo = sample();
    let out = uncached(
        &repo,
        &["search", "pool", "--format", "json", "--limit", "1"],
    );
    let rows = json(&out);
    let row = &rows[0];
    assert_eq!(row["path"], POOLING);
    assert_eq!(row["title"], "Redis Connection Pooling");
    assert!(row["score"].as_f64().unwrap() > 0.0);
    let snippet = row["snippet"].as_str().unwrap();
    assert!(snippet.contains("**pool**"), "{snippet}");
    // The line holds the match.
    let line = row["line"].as_u64().unwrap() as usize;
    let text = fs::read_to_string(repo.join(POOLING)).unwrap();
    let held = text.lines().nth(line - 1).unwrap().to_lowercase();
    assert!(held.contains("pool"), "line {line}: {held}");

    let table = uncached(&repo, &["search", "pool", "--limit", "2"]);
    assert!(table.contains(&format!("  1. {POOLING}:{line}")), "{table}");
    assert!(table.trim_end().contains("\n2 of "), "{table}");
}

#[test]
fn search_in_a_category_and_unknown_category() {
    let repo = sample();
    let found = paths(&uncached(
        &repo,
        &[
            "search",
            "queue",
            "--in",
            "integrations",
            "--format",
            "json",
            "--limit",
            "50",
        ],
    ));
    assert!(!found.is_empty());
    assert!(
        found
            .iter()
            .all(|p| p.starts_with("docs/atomic/integrations/"))
    );
    let sub = paths(&uncached(
        &repo,
        &[
            "search",
            "queue",
            "--in",
            "integrations/rabbitmq",
            "--format",
            "json",
        ],
    ));
    assert!(
        sub.iter()
            .all(|p| p.starts_with("docs/atomic/integrations/rabbitmq/"))
    );

    let out = atomdoc(&repo)
        .args(["search", "queue", "--in", "integratons"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("unknown category `integratons`"), "{err}");
}

#[test]
fn the_cache_answers_like_a_fresh_run_and_reports_nothing_new() {
    let tree = copy_tree(&sample());
    let cache = tempfile::tempdir().unwrap();
    let (first, _) = cached(tree.path(), cache.path(), &["index", "--format", "json"]);
    let first = json(&first);
    assert_eq!(first["full"], true);
    assert_eq!(first["files"], 38);
    assert!(cache.path().join("CACHEDIR.TAG").is_file());
    assert!(cache.path().join("snapshot.bin").is_file());

    let (second, _) = cached(tree.path(), cache.path(), &["index"]);
    assert!(second.starts_with("up to date: 38 files"), "{second}");
    assert_eq!(
        answers(tree.path(), Some(cache.path())),
        answers(tree.path(), None)
    );
    // Nothing was written into the docs tree.
    assert!(!tree.path().join(".atomdoc").exists());
}

#[test]
fn default_cache_folder_is_under_the_repository() {
    let tree = copy_tree(&sample());
    let out = atomdoc_cached(tree.path()).arg("stats").output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(tree.path().join(".atomdoc/cache/CACHEDIR.TAG").is_file());
    assert!(tree.path().join(".atomdoc/cache/snapshot.bin").is_file());
}

#[test]
fn incremental_updates_equal_a_fresh_index() {
    let tree = copy_tree(&sample());
    let cache = tempfile::tempdir().unwrap();
    let root = tree.path().join("docs/atomic");
    cached(tree.path(), cache.path(), &["index"]);

    // Edit: a new word appears in one document.
    let pooling = tree.path().join(POOLING);
    let mut text = fs::read_to_string(&pooling).unwrap();
    text.push_str("\nThe zanzibar pool never sleeps.\n");
    fs::write(&pooling, &text).unwrap();
    let (report, _) = cached(tree.path(), cache.path(), &["index", "--format", "json"]);
    let report = json(&report);
    assert_eq!(report["changed"], serde_json::json!([POOLING]));
    assert_eq!(report["full"], false);
    let (hits, _) = cached(
        tree.path(),
        cache.path(),
        &["search", "zanzibar", "--format", "json"],
    );
    assert_eq!(paths(&hits), [POOLING]);
    assert_eq!(
        answers(tree.path(), Some(cache.path())),
        answers(tree.path(), None)
    );

    // Add: a new document that links to an existing one and is linked from nowhere.
    let added = "docs/atomic/integrations/redis/zanzibar-locks.md";
    fs::write(
        tree.path().join(added),
        "# Zanzibar Locks\n\nShort-lived locks.\n\n## Related Documents\n\n- `docs/atomic/integrations/redis/key-naming.md`\n",
    )
    .unwrap();
    let (report, _) = cached(tree.path(), cache.path(), &["index", "--format", "json"]);
    assert_eq!(json(&report)["added"], serde_json::json!([added]));
    let (hits, _) = cached(
        tree.path(),
        cache.path(),
        &["search", "zanzibar", "--format", "json"],
    );
    let mut found = paths(&hits);
    found.sort();
    assert_eq!(found, [POOLING, added]);
    assert_eq!(
        answers(tree.path(), Some(cache.path())),
        answers(tree.path(), None)
    );

    // Delete: a linked document disappears, so links to it break.
    let gone = "docs/atomic/integrations/redis/key-naming.md";
    fs::remove_file(tree.path().join(gone)).unwrap();
    let (report, _) = cached(tree.path(), cache.path(), &["index", "--format", "json"]);
    assert_eq!(json(&report)["removed"], serde_json::json!([gone]));
    assert_eq!(
        answers(tree.path(), Some(cache.path())),
        answers(tree.path(), None)
    );

    // Rename: one removed, one added.
    let from = root.join("security/api-authentication.md");
    let to = root.join("security/api-auth.md");
    fs::rename(&from, &to).unwrap();
    let (report, _) = cached(tree.path(), cache.path(), &["index", "--format", "json"]);
    let report = json(&report);
    assert_eq!(
        report["added"],
        serde_json::json!(["docs/atomic/security/api-auth.md"])
    );
    assert_eq!(
        report["removed"],
        serde_json::json!(["docs/atomic/security/api-authentication.md"])
    );
    assert_eq!(
        answers(tree.path(), Some(cache.path())),
        answers(tree.path(), None)
    );

    // Touch without a change: nothing to re-parse.
    let same = fs::read(&to).unwrap();
    fs::write(&to, same).unwrap();
    let (report, _) = cached(tree.path(), cache.path(), &["index", "--format", "json"]);
    let report = json(&report);
    assert_eq!(report["changed"], serde_json::json!([]));
    assert_eq!(report["added"], serde_json::json!([]));
}

#[test]
fn a_changed_non_document_target_is_seen() {
    // A link to a file outside the docs root (not a document) breaks when that file goes.
    let tree = copy_tree(&sample());
    let cache = tempfile::tempdir().unwrap();
    fs::write(tree.path().join("notes.md"), "# Notes\n\n## Setup\n").unwrap();
    let doc = tree.path().join("docs/atomic/security/secrets-handling.md");
    let mut text = fs::read_to_string(&doc).unwrap();
    text.push_str("\nSee [notes](../../../notes.md#setup).\n");
    fs::write(&doc, text).unwrap();
    cached(tree.path(), cache.path(), &["index"]);
    fs::write(tree.path().join("notes.md"), "# Notes\n\n## Other\n").unwrap();
    assert_eq!(
        answers(tree.path(), Some(cache.path())),
        answers(tree.path(), None)
    );
    fs::remove_file(tree.path().join("notes.md")).unwrap();
    assert_eq!(
        answers(tree.path(), Some(cache.path())),
        answers(tree.path(), None)
    );
}

/// Every regular file under `dir`, recursively.
fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in fs::read_dir(dir).unwrap() {
        let e = e.unwrap();
        if e.file_type().unwrap().is_dir() {
            out.extend(files_under(&e.path()));
        } else {
            out.push(e.path());
        }
    }
    out.sort();
    out
}

/// A search whose scores a rebuilt index must reproduce.
fn ranked_search(repo: &Path, cache: &Path) -> (Vec<(String, String)>, String) {
    let (out, err) = cached(
        repo,
        cache,
        &["search", "connection", "pool", "--format", "json"],
    );
    (ranked(&out), err)
}

#[test]
fn truncated_or_garbled_cache_files_are_rebuilt() {
    let tree = copy_tree(&sample());
    let cache = tempfile::tempdir().unwrap();
    cached(tree.path(), cache.path(), &["index"]);
    let expected_stats = uncached(tree.path(), &["stats", "--format", "json"]);
    let (expected_search, _) = ranked_search(tree.path(), cache.path());

    type Damage = fn(&Path);
    let damages: [(&str, Damage); 3] = [
        ("truncate", |p| {
            let len = fs::metadata(p).unwrap().len();
            fs::OpenOptions::new()
                .write(true)
                .open(p)
                .unwrap()
                .set_len(len / 2)
                .unwrap();
        }),
        ("empty", |p| fs::write(p, b"").unwrap()),
        ("garble", |p| {
            let mut bytes = fs::read(p).unwrap();
            let mid = bytes.len() / 2;
            for b in bytes.iter_mut().skip(mid).take(16) {
                *b ^= 0xA5;
            }
            if bytes.is_empty() {
                bytes.extend_from_slice(b"garbage");
            }
            fs::write(p, bytes).unwrap();
        }),
    ];
    for (how, damage) in damages {
        // Refresh first: a previous round may have left a rebuilt cache with new file names.
        cached(tree.path(), cache.path(), &["search", "pool"]);
        for file in files_under(cache.path()) {
            let name = file.file_name().unwrap().to_string_lossy().into_owned();
            // The tag is atomdoc's proof of ownership, not cache data: a damaged tag makes
            // the folder someone else's, which atomdoc refuses (tested in `trust`).
            if name.ends_with(".lock") || name == "lock" || name == "CACHEDIR.TAG" {
                continue;
            }
            if !file.exists() {
                continue;
            }
            damage(&file);
            let (stats, _) = cached(tree.path(), cache.path(), &["stats", "--format", "json"]);
            assert_eq!(stats, expected_stats, "{how} {name}: stats");
            let (search, _) = ranked_search(tree.path(), cache.path());
            assert_eq!(search, expected_search, "{how} {name}: search");
        }
    }
}

#[test]
fn a_snapshot_from_another_format_version_is_rebuilt_with_a_notice() {
    let tree = copy_tree(&sample());
    let cache = tempfile::tempdir().unwrap();
    cached(tree.path(), cache.path(), &["index"]);
    let snapshot = cache.path().join("snapshot.bin");
    let mut bytes = fs::read(&snapshot).unwrap();
    bytes[8..12].copy_from_slice(&999u32.to_le_bytes());
    fs::write(&snapshot, bytes).unwrap();
    let (out, err) = cached(tree.path(), cache.path(), &["index"]);
    assert!(err.contains("format version 999"), "{err}");
    assert_eq!(err.trim().lines().count(), 1, "one line: {err}");
    assert!(out.starts_with("indexed 38 files from scratch"), "{out}");
    let (_, err) = cached(tree.path(), cache.path(), &["index"]);
    assert_eq!(err, "");
}

#[test]
fn concurrent_processes_agree() {
    let tree = copy_tree(&sample());
    let cache = tempfile::tempdir().unwrap();
    let expected = answers(tree.path(), None);
    let spawn = || {
        atomdoc_cached(tree.path())
            .arg("--cache-dir")
            .arg(cache.path())
            .args([
                "search",
                "connection",
                "pool",
                "--format",
                "json",
                "--limit",
                "50",
            ])
            .output()
    };
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..4).map(|_| s.spawn(spawn)).collect();
        for h in handles {
            let out = h.join().unwrap().unwrap();
            assert_eq!(
                out.status.code(),
                Some(0),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
            assert_eq!(
                paths(&String::from_utf8(out.stdout).unwrap()),
                expected.1[0]
            );
        }
    });
    assert_eq!(answers(tree.path(), Some(cache.path())), expected);
}

#[cfg(unix)]
#[test]
fn a_read_only_cache_folder_degrades_to_memory() {
    use std::os::unix::fs::PermissionsExt;
    let tree = copy_tree(&sample());
    let parent = tempfile::tempdir().unwrap();
    let cache = parent.path().join("ro");
    fs::create_dir(&cache).unwrap();
    fs::set_permissions(&cache, fs::Permissions::from_mode(0o555)).unwrap();
    let (stats, err) = cached(tree.path(), &cache, &["stats", "--format", "json"]);
    assert!(err.contains("working in memory"), "{err}");
    assert_eq!(stats, uncached(tree.path(), &["stats", "--format", "json"]));
    let (hits, _) = cached(tree.path(), &cache, &["search", "pool", "--format", "json"]);
    assert_eq!(paths(&hits)[0], POOLING);
    assert_eq!(fs::read_dir(&cache).unwrap().count(), 0, "nothing written");
    fs::set_permissions(&cache, fs::Permissions::from_mode(0o755)).unwrap();
}

/// `atomdoc query <q> --format json` on the sample, without a cache.
fn query_json(q: &str) -> Vec<Value> {
    let out = uncached(&sample(), &["query", q, "--format", "json"]);
    json(&out).as_array().expect("rows").clone()
}

#[test]
fn broken_links_carry_did_you_mean_suggestions() {
    let rows = query_json("broken");
    let row = |target: &str| {
        rows.iter()
            .find(|r| r["target"] == target)
            .unwrap_or_else(|| panic!("no broken link to {target}"))
    };
    // missing: the same file name elsewhere in the tree.
    assert_eq!(
        row("docs/atomic/rabbitmq/message-consuming.md")["suggestions"],
        serde_json::json!(["docs/atomic/integrations/rabbitmq/message-consuming.md"])
    );
    // missing: the closest path (a one-word slip).
    assert_eq!(
        row("message-publisher.md")["suggestions"],
        serde_json::json!(["docs/atomic/integrations/rabbitmq/message-publishing.md"])
    );
    // anchor: the closest heading slug.
    assert_eq!(
        row("../../integrations/redis/connection-pooling.md#pool-size")["suggestions"],
        serde_json::json!(["docs/atomic/integrations/redis/connection-pooling.md#pool-sizing"])
    );
    // outside and placeholder: nothing to suggest (null, as on every row without any).
    assert_eq!(row("../../../../../etc/passwd")["suggestions"], Value::Null);
    assert_eq!(
        row("docs/atomic/{category}/{related-file}.md")["suggestions"],
        Value::Null
    );
    // The table shows them as a hint line under the link.
    let table = uncached(&sample(), &["query", "broken in services"]);
    assert!(
        table
            .contains("\n  did you mean: docs/atomic/integrations/rabbitmq/message-consuming.md\n"),
        "{table}"
    );
}

#[test]
fn search_in_the_query_language_combines_with_filters_and_sorting() {
    let rows = query_json(r#"search "queue" in integrations sort by inlinks desc"#);
    assert!(rows.len() > 1);
    let inlinks: Vec<u64> = rows
        .iter()
        .map(|r| r["inlinks"].as_u64().unwrap())
        .collect();
    assert!(inlinks.windows(2).all(|w| w[0] >= w[1]), "{inlinks:?}");
    for r in &rows {
        assert!(
            r["path"]
                .as_str()
                .unwrap()
                .starts_with("docs/atomic/integrations/")
        );
        assert!(r["score"].as_f64().unwrap() > 0.0);
        assert!(r["snippet"].as_str().unwrap().contains("**"), "{r}");
        assert!(r["line"].as_u64().is_some());
    }
    // Best first without a sort; limit cuts.
    let rows = query_json(r#"search "connection pool" limit 2"#);
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0]["path"], POOLING);
    assert!(rows[0]["score"].as_f64() > rows[1]["score"].as_f64());
    // A phrase inside the quotes, and typo tolerance.
    let rows = query_json(r#"search "\"dead letter\"" limit 1"#);
    assert_eq!(
        rows[0]["path"],
        "docs/atomic/integrations/rabbitmq/dead-letter-queues.md"
    );
    assert!(!query_json(r#"search ~"rabitmq""#).is_empty());
    // Combined with a document filter.
    for r in query_json(r#"search "health" where orphan"#) {
        let orphans = query_json("orphans");
        assert!(orphans.iter().any(|o| o["path"] == r["path"]));
    }
}

#[test]
fn similar_documents_exclude_the_document_itself() {
    let rows = query_json("similar to redis/connection-pooling limit 5");
    assert_eq!(rows.len(), 5);
    assert!(rows.iter().all(|r| r["path"] != POOLING));
    let scores: Vec<f64> = rows.iter().map(|r| r["score"].as_f64().unwrap()).collect();
    assert!(scores.windows(2).all(|w| w[0] >= w[1]), "{scores:?}");
}

#[test]
fn suggest_related_for_orphans_names_who_should_link_to_them() {
    let orphans: Vec<String> = query_json("orphans in infrastructure")
        .iter()
        .map(|r| r["path"].as_str().unwrap().to_string())
        .collect();
    let rows = query_json("suggest related for orphans in infrastructure");
    assert!(!rows.is_empty());
    for r in &rows {
        assert!(orphans.iter().any(|o| r["target"] == o.as_str()), "{r}");
        assert_ne!(r["source"], r["target"]);
        assert!(r["why"].as_str().unwrap().starts_with("text "));
    }
    // For one document: what it should link to, never what it already links to.
    let linked: Vec<String> = query_json("links from redis/connection-pooling")
        .iter()
        .map(|r| r["resolved"].as_str().unwrap().to_string())
        .collect();
    let rows = query_json("suggest related for redis/connection-pooling limit 5");
    assert!(!rows.is_empty() && rows.len() <= 5);
    for r in &rows {
        assert_eq!(r["source"], POOLING);
        assert!(!linked.iter().any(|l| r["target"] == l.as_str()), "{r}");
    }
}

/// The part files of the snapshot's documents, by name.
fn part_names(cache: &Path) -> std::collections::BTreeSet<String> {
    fs::read_dir(cache.join("parts"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect()
}

#[test]
fn an_edit_writes_one_snapshot_part_and_old_parts_are_swept() {
    // 2,500 documents: three chunks of (at most) 1,000 documents, an outline part and a
    // detail part each.
    let tree = tempfile::tempdir().unwrap();
    let root = tree.path().join("docs/atomic/c");
    fs::create_dir_all(&root).unwrap();
    for i in 0..2500 {
        let next = (i + 1) % 2500;
        fs::write(
            root.join(format!("d{i:04}.md")),
            format!("# Doc {i}\n\nSee [next](d{next:04}.md).\n"),
        )
        .unwrap();
    }
    let cache = tempfile::tempdir().unwrap();
    cached(tree.path(), cache.path(), &["index"]);
    let first = part_names(cache.path());
    assert_eq!(first.len(), 6, "{first:?}");

    // Editing one document (its title and its heading) rewrites the two parts of the chunk
    // that holds it; the replaced snapshot's parts stay for a reader that may have just read
    // it.
    let edited = root.join("d0042.md");
    fs::write(&edited, "# Doc 42, edited\n\nSee [next](d0043.md).\n").unwrap();
    cached(tree.path(), cache.path(), &["stats"]);
    let second = part_names(cache.path());
    assert!(second.is_superset(&first), "{second:?}");
    assert_eq!(second.len(), 8, "{second:?}");

    // A second edit: the parts only the first snapshot named are swept.
    fs::write(&edited, "# Doc 42, edited twice\n\nSee [next](d0043.md).\n").unwrap();
    let (stats, _) = cached(tree.path(), cache.path(), &["stats", "--format", "json"]);
    let third = part_names(cache.path());
    assert_eq!(third.len(), 8, "{third:?}");
    assert_eq!(first.difference(&third).count(), 2, "{third:?}");
    assert_eq!(stats, uncached(tree.path(), &["stats", "--format", "json"]));
    let (titles, _) = cached(
        tree.path(),
        cache.path(),
        &[
            "query",
            "docs where title ~ \"edited twice\"",
            "--format",
            "csv",
        ],
    );
    assert!(titles.contains("d0042.md"), "{titles}");
}

/// An edit re-encodes only the parts holding a document it touched: the edited one and the
/// documents whose links into it were resolved again, wherever they are; every other part is
/// kept as it is. What the next (warm) run reads answers like a run without a cache.
#[test]
fn an_edit_rewrites_the_parts_of_every_document_it_touched_and_no_other() {
    let tree = tempfile::tempdir().unwrap();
    let root = tree.path().join("docs/atomic/c");
    fs::create_dir_all(&root).unwrap();
    for i in 0..2500 {
        let next = (i + 1) % 2500;
        // The last part's first document links to a heading of d0042 (in the first part).
        let extra = if i == 2000 {
            " And [intro](d0042.md#usage)."
        } else {
            ""
        };
        fs::write(
            root.join(format!("d{i:04}.md")),
            format!("# Doc {i}\n\n## Usage\n\nSee [next](d{next:04}.md).{extra}\n"),
        )
        .unwrap();
    }
    let cache = tempfile::tempdir().unwrap();
    cached(tree.path(), cache.path(), &["index"]);
    let first = part_names(cache.path());
    assert_eq!(first.len(), 6, "{first:?}");

    // The heading goes: both parts of d0042's chunk change. d2000's link breaks: its status
    // is in the outline, so its chunk's outline part changes too, while its detail part (the
    // link's strings) stays. The middle chunk stays.
    fs::write(root.join("d0042.md"), "# Doc 42\n\nSee [next](d0043.md).\n").unwrap();
    let broken = ["query", "broken", "--format", "json"];
    let (answer, _) = cached(tree.path(), cache.path(), &broken);
    assert!(answer.contains("d2000.md"), "{answer}");
    let second = part_names(cache.path());
    assert_eq!(second.difference(&first).count(), 3, "{second:?}");
    for args in [
        &broken[..],
        &["stats", "--format", "json"],
        &["query", "orphans"],
    ] {
        let (warm, err) = cached(tree.path(), cache.path(), args);
        assert_eq!(warm, uncached(tree.path(), args), "{args:?}");
        assert_eq!(err, "");
    }
}

#[test]
fn a_missing_snapshot_part_is_rebuilt_with_a_notice() {
    let tree = copy_tree(&sample());
    let cache = tempfile::tempdir().unwrap();
    cached(tree.path(), cache.path(), &["index"]);
    let expected = uncached(tree.path(), &["stats", "--format", "json"]);
    for name in part_names(cache.path()) {
        fs::remove_file(cache.path().join("parts").join(name)).unwrap();
    }
    let (stats, err) = cached(tree.path(), cache.path(), &["stats", "--format", "json"]);
    assert_eq!(stats, expected);
    assert!(
        err.contains("is missing") && err.contains("rebuilding"),
        "{err}"
    );
    assert_eq!(err.trim().lines().count(), 1, "one line: {err}");
    let (_, err) = cached(tree.path(), cache.path(), &["stats"]);
    assert_eq!(err, "", "the rebuilt cache is whole");
}

/// An outline load (`query orphans`, `stats`) reads only the outline parts: a damaged or
/// missing detail part cannot change its answer (it is never read) and is noticed by the next
/// full load (`query broken`), which rebuilds with a notice; a damaged or missing outline part
/// is noticed by both. Every answer is the answer without a cache.
#[test]
fn each_load_checks_the_parts_it_reads_and_rebuilds_a_damaged_one() {
    let tree = copy_tree(&sample());
    let outline = ["query", "orphans", "--format", "json"];
    let full = ["query", "broken", "--format", "json"];
    let (want_outline, want_full) = (
        uncached(tree.path(), &outline),
        uncached(tree.path(), &full),
    );
    let fresh = || {
        let cache = tempfile::tempdir().unwrap();
        cached(tree.path(), cache.path(), &["index"]);
        cache
    };
    // 38 documents: one chunk, an outline part and a detail part (named by their contents, so
    // every fresh cache has the same two).
    let parts = part_names(fresh().path());
    assert_eq!(parts.len(), 2, "{parts:?}");
    type Damage = fn(&Path);
    let damages: [(&str, Damage); 2] = [
        ("remove", |p| fs::remove_file(p).unwrap()),
        ("garble", |p| {
            let mut bytes = fs::read(p).unwrap();
            let at = bytes.len() - 3;
            bytes[at] ^= 0x5A;
            fs::write(p, bytes).unwrap();
        }),
    ];
    for (how, damage) in damages {
        let mut outline_noticed = 0;
        for name in &parts {
            let cache = fresh();
            damage(&cache.path().join("parts").join(name));
            let (answer, err) = cached(tree.path(), cache.path(), &outline);
            assert_eq!(answer, want_outline, "{how} {name}");
            let noticed = !err.is_empty();
            if noticed {
                assert!(err.contains("rebuilding"), "{how} {name}: {err}");
                outline_noticed += 1;
            }
            let (answer, err) = cached(tree.path(), cache.path(), &full);
            assert_eq!(answer, want_full, "{how} {name}");
            // Rebuilt already, or the full load finds the damage the outline load did not read.
            assert_eq!(err.is_empty(), noticed, "{how} {name}: {err}");
            assert!(noticed || err.contains("rebuilding"), "{how} {name}: {err}");
            let (answer, err) = cached(tree.path(), cache.path(), &outline);
            assert_eq!((answer, err), (want_outline.clone(), String::new()));
        }
        assert_eq!(
            outline_noticed, 1,
            "{how}: only the outline part is read by both"
        );
    }
}

/// After an edit, a question an outline answers still updates whole documents: it reads the
/// detail parts it skipped (or, when one is damaged, rebuilds with a notice), and the next
/// runs answer like runs without a cache.
#[test]
fn an_outline_question_after_an_edit_updates_whole_documents() {
    let orphans = ["query", "orphans", "--format", "json"];
    let broken = ["query", "broken", "--format", "json"];
    for damaged in [false, true] {
        let tree = copy_tree(&sample());
        let cache = tempfile::tempdir().unwrap();
        cached(tree.path(), cache.path(), &["index"]);
        let mut parts: Vec<_> = files_under(&cache.path().join("parts"));
        // The detail part is the larger one.
        parts.sort_by_key(|p| fs::metadata(p).unwrap().len());
        if damaged {
            let detail = parts.last().unwrap();
            let mut bytes = fs::read(detail).unwrap();
            let at = bytes.len() - 3;
            bytes[at] ^= 0x5A;
            fs::write(detail, bytes).unwrap();
        }
        let pooling = tree.path().join(POOLING);
        let text = fs::read_to_string(&pooling).unwrap();
        let edited = text
            .replace("](", "](nowhere-")
            .replacen("# ", "# Edited ", 1);
        fs::write(&pooling, edited).unwrap();
        let (answer, err) = cached(tree.path(), cache.path(), &orphans);
        assert_eq!(answer, uncached(tree.path(), &orphans));
        assert_eq!(err.contains("rebuilding"), damaged, "{err}");
        for args in [&broken, &orphans] {
            let (answer, err) = cached(tree.path(), cache.path(), args);
            assert_eq!((answer, err), (uncached(tree.path(), args), String::new()));
        }
    }
}

/// An edit that keeps a file's size and mtime (as `cp -p`, `tar -x` or `rsync -t` leave it)
/// is still seen: the stamp holds the inode and the change time too.
#[test]
fn a_same_size_same_mtime_edit_is_seen() {
    let tree = copy_tree(&sample());
    let cache = tempfile::tempdir().unwrap();
    cached(tree.path(), cache.path(), &["index"]);
    let pooling = tree.path().join(POOLING);
    let before = fs::read_to_string(&pooling).unwrap();
    let mtime = fs::metadata(&pooling).unwrap().modified().unwrap();
    // Same length: one word swapped for another of the same size.
    let after = before.replacen("pool", "zulu", 1);
    assert_ne!(after, before);
    assert_eq!(after.len(), before.len());
    fs::write(&pooling, &after).unwrap();
    fs::File::options()
        .write(true)
        .open(&pooling)
        .unwrap()
        .set_modified(mtime)
        .unwrap();
    let meta = fs::metadata(&pooling).unwrap();
    assert_eq!(meta.modified().unwrap(), mtime);
    assert_eq!(meta.len() as usize, before.len());
    let (report, _) = cached(tree.path(), cache.path(), &["index", "--format", "json"]);
    assert_eq!(json(&report)["changed"], serde_json::json!([POOLING]));
    let (hits, _) = cached(
        tree.path(),
        cache.path(),
        &["search", "zulu", "--format", "json"],
    );
    assert_eq!(paths(&hits), [POOLING]);
}

/// The `line` of a hit is the line of the excerpt shown, and `search`, `query 'search …'`
/// and the REPL print the same line and snippet.
#[test]
fn search_line_is_the_excerpt_line_in_every_face() {
    let mut text = String::from(
        "# Websocket Patterns\n\nRedis connection reuse matters for every socket server and its workers.\n\n",
    );
    for i in 0..40 {
        text.push_str(&format!(
            "Filler paragraph {i} about sockets and frames.\n\n"
        ));
    }
    text.push_str("Size the redis connection pool by worker count before you scale out.\n");
    let dir = crate::common::tree(&[("docs/atomic/a/ws.md", &text)]);
    let repo = dir.path();
    let first = |v: &Value| -> (u64, String) {
        let row = &v.as_array().expect("an array")[0];
        (
            row["line"].as_u64().expect("a line"),
            row["snippet"].as_str().expect("a snippet").to_string(),
        )
    };
    let search = json(&uncached(
        repo,
        &["search", "redis connection pool", "--format", "json"],
    ));
    let (line, snippet) = first(&search);
    let query = json(&uncached(
        repo,
        &[
            "query",
            "search \"redis connection pool\"",
            "--format",
            "json",
        ],
    ));
    assert_eq!(first(&query), (line, snippet.clone()));
    let out = atomdoc(repo)
        .arg("repl")
        .write_stdin(":format json\nsearch \"redis connection pool\"\n")
        .output()
        .unwrap();
    // Piped, JSON answers are JSON Lines: the first line is the first hit.
    let stdout = String::from_utf8(out.stdout).unwrap();
    let hit = stdout.lines().next().expect("a JSON answer");
    assert_eq!(first(&json(&format!("[{hit}]"))), (line, snippet.clone()));
    // The line holds the text around the excerpt's first match.
    let shown = text.lines().nth(line as usize - 1).unwrap();
    assert!(snippet.contains("**pool**"), "{snippet}");
    assert!(snippet.contains("by worker count"), "{snippet}");
    assert!(
        shown.contains("redis connection pool by worker count"),
        "line {line}: {shown}"
    );
}
