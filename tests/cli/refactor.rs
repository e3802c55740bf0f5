//! `atomdoc mv`, `fix` and `undo` through the binary: link forms kept, refusals, sure fixes,
//! the journal's recovery after `kill -9`, and the examples of `docs/refactor.md`.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use crate::common::{atomdoc, atomdoc_cached, copy_tree, tree};

/// Every file under `repo` except atomdoc's cache, with its bytes; folders as `dir/`.
fn snapshot(repo: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
        for e in std::fs::read_dir(dir).unwrap().flatten() {
            let p = e.path();
            let rel = p.strip_prefix(root).unwrap().to_string_lossy().into_owned();
            if rel == ".atomdoc" {
                continue;
            }
            let kind = e.file_type().unwrap();
            if kind.is_symlink() {
                out.insert(rel, b"symlink".to_vec());
            } else if kind.is_dir() {
                out.insert(format!("{rel}/"), Vec::new());
                walk(root, &p, out);
            } else {
                out.insert(rel, std::fs::read(&p).unwrap());
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(repo, repo, &mut out);
    out
}

/// Runs `atomdoc --repo <repo> <args>` with the cache; returns (status, stdout, stderr).
fn run(repo: &Path, args: &[&str]) -> (i32, String, String) {
    let out = atomdoc_cached(repo).args(args).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn ok(repo: &Path, args: &[&str]) -> String {
    let (code, out, err) = run(repo, args);
    assert_eq!(code, 0, "atomdoc {args:?}: {err}");
    out
}

/// The broken links and edges of the tree, as JSON, with paths mapped by `map`.
fn links(repo: &Path, map: &dyn Fn(&str) -> String) -> (Vec<String>, String) {
    let broken: serde_json::Value =
        serde_json::from_str(&ok(repo, &["query", "broken", "--format", "json"])).unwrap();
    let mut rows: Vec<String> = broken
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            format!(
                "{} {} {}",
                map(r["source"].as_str().unwrap()),
                r["line"],
                r["reason"]
            )
        })
        .collect();
    rows.sort();
    let stats: serde_json::Value =
        serde_json::from_str(&ok(repo, &["stats", "--format", "json"])).unwrap();
    (
        rows,
        format!("{} {}", stats["edges"], stats["broken_links"]),
    )
}

const FORMS: &[(&str, &str)] = &[
    (
        "docs/atomic/cat/a.md",
        "\u{feff}# A\r\n\r\n[rel](b.md) [dot](./b.md#setup) [q](b.md?x=1#setup \"t\") \r\n\
         [angle](<b.md>) ![img](pic.png) [root](/docs/atomic/cat/b.md) [ref][r]\r\n\
         `docs/atomic/cat/b.md#setup`\r\n\r\n[r]: b.md 'd'\r\n",
    ),
    (
        "docs/atomic/cat/b.md",
        "# B\n\n## Setup\n\n[a](a.md) [o](../other/c%20d.md#c-d) [pic](pic.png) [gone](nope.md)\n",
    ),
    ("docs/atomic/cat/pic.png", "png"),
    (
        "docs/atomic/other/c d.md",
        "# C D\n\n[b](../cat/b.md#setup)\n",
    ),
    ("README.md", "# Repo\n\n[b](docs/atomic/cat/b.md)\n"),
];

#[test]
fn mv_of_a_document_and_a_folder_keeps_every_link_and_moves_back_byte_identical() {
    let dir = tree(FORMS);
    let r = dir.path();
    let before = snapshot(r);
    let (broken, edges) = links(r, &|p| p.to_string());

    let out = ok(r, &["mv", "docs/atomic/cat/b.md", "docs/atomic/new/b.md"]);
    assert_eq!(out, "moved 1 file, rewrote 12 links in 4 files\n");
    let a = std::fs::read_to_string(r.join("docs/atomic/cat/a.md")).unwrap();
    assert_eq!(
        a,
        "\u{feff}# A\r\n\r\n[rel](../new/b.md) [dot](./../new/b.md#setup) [q](../new/b.md?x=1#setup \"t\") \r\n\
         [angle](<../new/b.md>) ![img](pic.png) [root](/docs/atomic/new/b.md) [ref][r]\r\n\
         `docs/atomic/new/b.md#setup`\r\n\r\n[r]: ../new/b.md 'd'\r\n"
    );
    let moved = |p: &str| p.replace("docs/atomic/cat/b.md", "docs/atomic/new/b.md");
    let map_before: Vec<String> = broken.iter().map(|l| moved(l)).collect();
    assert_eq!(links(r, &|p| p.to_string()), (map_before, edges.clone()));

    // A folder, into an existing folder (like `git mv`), then back.
    std::fs::create_dir_all(r.join("docs/atomic/box")).unwrap();
    ok(r, &["mv", "docs/atomic/new", "docs/atomic/box"]);
    assert!(r.join("docs/atomic/box/new/b.md").is_file());
    ok(r, &["mv", "docs/atomic/box/new", "docs/atomic/new"]);
    // The folder the move emptied is gone, as after `git mv`.
    assert!(!r.join("docs/atomic/box").exists());
    ok(r, &["mv", "docs/atomic/new/b.md", "docs/atomic/cat/b.md"]);
    assert_eq!(snapshot(r), before);
    assert_eq!(links(r, &|p| p.to_string()), (broken, edges));
}

#[test]
fn mv_refuses_with_a_reason_and_changes_nothing() {
    let dir = tree(FORMS);
    let r = dir.path();
    std::fs::write(r.join("docs/atomic/TEMPLATE.md"), "# {Title}\n").unwrap();
    std::os::unix::fs::symlink(r.join("docs/atomic/cat"), r.join("docs/atomic/link")).unwrap();
    let before = snapshot(r);
    let refused = |args: &[&str], why: &str| {
        let (code, out, err) = run(r, args);
        assert_eq!((code, out.as_str()), (2, ""), "{args:?}: {err}");
        assert!(err.contains(why), "{args:?}: {err}");
    };
    refused(
        &["mv", "docs/atomic/cat/a.md", "docs/atomic/cat/b.md"],
        "already exists",
    );
    refused(
        &["mv", "docs/atomic/cat/a.md", "elsewhere/a.md"],
        "not inside the docs root",
    );
    refused(
        &["mv", "docs/atomic/cat/a.md", "../a.md"],
        "not inside the repository",
    );
    refused(
        &["mv", "docs/atomic/TEMPLATE.md", "docs/atomic/t.md"],
        "template",
    );
    refused(&["mv", "docs/atomic/link", "docs/atomic/l2"], "symlink");
    refused(
        &["mv", "docs/atomic/cat", "docs/atomic/cat/in"],
        "into itself",
    );
    refused(
        &[
            "--no-cache",
            "mv",
            "docs/atomic/cat/a.md",
            "docs/atomic/z.md",
        ],
        "journal",
    );
    // A file too big to read may link to what moves.
    std::fs::write(r.join("atomdoc.toml"), "[limits]\nmax_file_bytes = 100\n").unwrap();
    refused(
        &["mv", "docs/atomic/cat/b.md", "docs/atomic/z.md"],
        "could not be read",
    );
    std::fs::remove_file(r.join("atomdoc.toml")).unwrap();
    assert_eq!(snapshot(r), before);
    // A dry run needs no journal: it prints the diff and changes nothing.
    let out = atomdoc(r)
        .args([
            "mv",
            "docs/atomic/cat/a.md",
            "docs/atomic/z.md",
            "--dry-run",
        ])
        .output()
        .unwrap();
    let diff = String::from_utf8(out.stdout).unwrap();
    assert!(diff.contains("rename from docs/atomic/cat/a.md\nrename to docs/atomic/z.md\n"));
    assert!(diff.contains("-[b](../cat/b.md#setup)\n") || diff.contains("+++ b/docs/atomic/z.md"));
    assert!(String::from_utf8_lossy(&out.stderr).contains("dry run: would have moved 1 file"));
    assert_eq!(snapshot(r), before);
}

#[test]
fn fix_changes_only_links_with_one_sure_candidate_and_undo_restores() {
    let dir = tree(&[
        (
            "docs/atomic/a/x.md",
            "# X\n\n[u](unique.md) [t](twin.md) [h](#deep_dive) `docs/atomic/{cat}/x.md`\n\n## Deep Dive\n",
        ),
        ("docs/atomic/a/sub/unique.md", "# U\n"),
        ("docs/atomic/b/twin.md", "# T\n"),
        ("docs/atomic/c/twin.md", "# T\n"),
    ]);
    let r = dir.path();
    let before = snapshot(r);
    let (code, diff, listing) = run(r, &["fix", "--dry-run"]);
    assert_eq!(code, 0, "{listing}");
    assert!(
        diff.contains("-[u](unique.md) [t](twin.md) [h](#deep_dive)"),
        "{diff}"
    );
    assert!(
        diff.contains("+[u](sub/unique.md) [t](twin.md) [h](#deep-dive)"),
        "{diff}"
    );
    assert_eq!(snapshot(r), before);
    let out = ok(r, &["fix"]);
    assert_eq!(
        out,
        "fixed docs/atomic/a/x.md:3:1: unique.md → docs/atomic/a/sub/unique.md (the only `unique.md` in the tree)\n\
         fixed docs/atomic/a/x.md:3:29: #deep_dive → #deep-dive (the only heading of that name, ignoring case and punctuation)\n\
         left  docs/atomic/a/x.md:3:16: twin.md: ambiguous: 2 candidates (docs/atomic/b/twin.md, docs/atomic/c/twin.md)\n\
         left  docs/atomic/a/x.md:3:45: docs/atomic/{cat}/x.md: placeholder\n\
         fixed 2 links in 1 file; left 2 (1 ambiguous, 1 placeholder)\n"
    );
    assert_eq!(
        std::fs::read_to_string(r.join("docs/atomic/a/x.md")).unwrap(),
        "# X\n\n[u](sub/unique.md) [t](twin.md) [h](#deep-dive) `docs/atomic/{cat}/x.md`\n\n## Deep Dive\n"
    );
    // `--select` and `--in` narrow it; nothing is left to fix.
    assert_eq!(
        ok(r, &["fix", "--select", "missing", "--in", "a"])
            .lines()
            .last(),
        Some("fixed 0 links in 0 files; left 1 (1 ambiguous)")
    );
    let (code, _, err) = run(r, &["fix", "--in", "nowhere"]);
    assert!(code == 2 && err.contains("unknown category"), "{err}");
    let out = ok(r, &["undo"]);
    assert_eq!(
        out,
        "undid `atomdoc fix`: restored 1 file, reverted 0 moves\n"
    );
    assert_eq!(snapshot(r), before);
}

/// 500 documents in a folder linking out, 20 outside linking in: moving the folder rewrites
/// every one of them.
fn big_tree() -> tempfile::TempDir {
    let mut files: Vec<(String, String)> = Vec::new();
    for i in 0..500 {
        files.push((
            format!("docs/atomic/big/part{}/doc{i}.md", i % 5),
            format!(
                "# Doc {i}\n\nSee [other](../../other/o{}.md) and [next](doc{}.md).\n",
                i % 20,
                i + 5
            ),
        ));
    }
    for i in 0..20 {
        files.push((
            format!("docs/atomic/other/o{i}.md"),
            format!("# O {i}\n\n- `docs/atomic/big/part{}/doc{i}.md`\n", i % 5),
        ));
    }
    let refs: Vec<(&str, &str)> = files
        .iter()
        .map(|(p, t)| (p.as_str(), t.as_str()))
        .collect();
    tree(&refs)
}

fn mv_command(repo: &Path) -> Command {
    let mut cmd = Command::new(assert_cmd::cargo::cargo_bin("atomdoc"));
    cmd.env("NO_COLOR", "1")
        .arg("--repo")
        .arg(repo)
        .args(["mv", "docs/atomic/big", "docs/atomic/moved/big"])
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    cmd
}

/// Puts the tree back to `state` (files and folders), leaving the cache alone.
fn restore(repo: &Path, state: &BTreeMap<String, Vec<u8>>) {
    for e in std::fs::read_dir(repo).unwrap().flatten() {
        if e.file_name() != ".atomdoc" {
            std::fs::remove_dir_all(e.path())
                .or_else(|_| std::fs::remove_file(e.path()))
                .unwrap();
        }
    }
    for (p, bytes) in state {
        match p.strip_suffix('/') {
            Some(dir) => std::fs::create_dir_all(repo.join(dir)).unwrap(),
            None => std::fs::write(repo.join(p), bytes).unwrap(),
        }
    }
}

/// Kills `atomdoc mv` of a 500-file folder with SIGKILL at spread-out points of its run (the
/// delays only land the kill at different points; nothing asserts on time). The next command
/// must leave the tree exactly as it was before the move or after it, and say which.
#[cfg(unix)]
#[test]
fn kill_9_during_a_500_file_move_ends_before_or_after_it() {
    let dir = big_tree();
    let r = dir.path();
    let before = snapshot(r);
    // The state after, and how long a whole move takes here.
    let probe = copy_tree(r);
    let started = std::time::Instant::now();
    assert!(mv_command(probe.path()).status().unwrap().success());
    let full = started.elapsed().max(Duration::from_millis(50));
    let after = snapshot(probe.path());
    assert_ne!(after, before);
    assert!(after.contains_key("docs/atomic/moved/big/part0/doc0.md"));

    let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
    let (mut rolled_back, mut completed, mut recovered) = (0, 0, 0);
    for round in 0..10 {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let at = full.mul_f64((seed % 1000) as f64 / 1000.0);
        let mut child = mv_command(r).spawn().unwrap();
        std::thread::sleep(at);
        let _ = child.kill();
        let _ = child.wait();
        let journal = r.join(".atomdoc/cache/refactor-journal.json").exists();
        if journal {
            recovered += 1;
            // Nothing answers from a half-changed tree, even without the cache.
            let (code, _, err) = {
                let out = atomdoc(r).arg("stats").output().unwrap();
                (
                    out.status.code(),
                    (),
                    String::from_utf8_lossy(&out.stderr).into_owned(),
                )
            };
            assert_eq!(code, Some(2), "round {round}: {err}");
            assert!(err.contains("journal"), "{err}");
        }
        let (code, _, err) = run(r, &["stats"]);
        assert_eq!(code, 0, "round {round}: {err}");
        let now = snapshot(r);
        if now == before {
            rolled_back += 1;
            assert!(
                !journal || err.contains("rolled back"),
                "round {round}: {err}"
            );
        } else {
            assert!(
                now == after,
                "round {round}: the tree is neither before nor after the move"
            );
            completed += 1;
            assert!(
                !journal || err.contains("completed"),
                "round {round}: {err}"
            );
            restore(r, &before);
        }
    }
    eprintln!(
        "note: {rolled_back} rounds ended before the move, {completed} after it; {recovered} left a journal to recover"
    );
    // The cache is right afterwards: a fresh in-memory run agrees.
    assert_eq!(
        ok(r, &["query", "broken", "--format", "json"]),
        String::from_utf8(
            atomdoc(r)
                .args(["query", "broken", "--format", "json"])
                .output()
                .unwrap()
                .stdout
        )
        .unwrap()
    );
}

// The page's examples (`docs/refactor.md`) are checked with every other documented session
// by `tests/cli/docs.rs`.

/// A journal left by a crash (planted here: the record of a completed move, renamed back to
/// the journal) is dealt with before any command reads the tree, and stops `--no-cache`.
#[test]
fn a_pending_journal_is_completed_or_rolled_back_before_any_command() {
    let dir = tree(FORMS);
    let r = dir.path();
    let before = snapshot(r);
    ok(r, &["mv", "docs/atomic/cat", "docs/atomic/x/cat"]);
    let after = snapshot(r);
    let cache = r.join(".atomdoc/cache");
    let record = std::fs::read(cache.join("refactor-undo.json")).unwrap();
    let plant = || std::fs::write(cache.join("refactor-journal.json"), &record).unwrap();

    // Crashed after every change, before closing the journal: completed.
    plant();
    let (code, _, err) = atomdoc(r)
        .arg("stats")
        .output()
        .map(|o| {
            (
                o.status.code(),
                (),
                String::from_utf8_lossy(&o.stderr).into_owned(),
            )
        })
        .unwrap();
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("without --no-cache"), "{err}");
    let (code, out, err) = run(r, &["query", "orphans"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("note: completed `atomdoc mv docs/atomic/cat docs/atomic/x/cat`"),
        "{err}"
    );
    assert!(!out.is_empty());
    assert_eq!(snapshot(r), after);

    // Undone, then a journal of the same move before it changed anything: rolled back.
    assert_eq!(
        ok(r, &["undo"]),
        "undid `atomdoc mv docs/atomic/cat docs/atomic/x/cat`: restored 4 files, reverted 1 move\n"
    );
    assert_eq!(snapshot(r), before);
    plant();
    let (code, _, err) = run(r, &["stats"]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("note: rolled back"), "{err}");
    assert_eq!(snapshot(r), before);
    assert!(!cache.join("refactor-journal.json").exists());
}

/// A document git says was moved (committed, or moved in the work tree since HEAD) is the
/// sure fix of a link still naming its old path, though its new name is nowhere else.
#[test]
fn fix_follows_a_move_git_knows() {
    if !crate::common::have_tool("git", "--version") {
        return;
    }
    let body = "# Key Naming\n\nHow keys are named, with enough text for the move to be found.\n";
    let dir = tree(&[
        ("docs/atomic/a/x.md", "# X\n\n[k](../b/key-naming.md)\n"),
        ("docs/atomic/b/key-naming.md", body),
    ]);
    let r = dir.path();
    crate::diff::git(r, &["init", "-q", "-b", "main"]);
    crate::diff::git(r, &["add", "-A"]);
    crate::diff::git(r, &["commit", "-q", "-m", "first"]);
    std::fs::create_dir_all(r.join("docs/atomic/c")).unwrap();
    crate::diff::git(
        r,
        &[
            "mv",
            "docs/atomic/b/key-naming.md",
            "docs/atomic/c/key-conventions.md",
        ],
    );
    let (code, diff, listing) = run(r, &["fix", "--dry-run"]);
    assert_eq!(code, 0, "{listing}");
    assert!(
        diff.contains("+[k](../c/key-conventions.md)"),
        "{diff}\n{listing}"
    );
    assert!(listing.contains("moved (git history)"), "{listing}");
}
