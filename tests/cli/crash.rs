//! Crash safety of the on-disk cache: `kill -9` at random points while indexing, several
//! indexers at once, and a cache on a full filesystem. After each, the answers must equal a
//! fresh in-memory run's.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use crate::common::{atomdoc, atomdoc_cached, tree};

/// A tree big enough that indexing takes a noticeable moment: 400 documents over 8
/// categories, linked in a ring with related sections and some broken links.
fn generated_tree() -> tempfile::TempDir {
    let n = 400;
    let mut files: Vec<(String, String)> = Vec::new();
    for i in 0..n {
        let cat = i % 8;
        let next = (i + 1) % n;
        let body = "Words about connection pools, retries and caches. ".repeat(40);
        files.push((
            format!("docs/atomic/cat{cat}/doc{i}.md"),
            format!(
                "# Document {i}\n\n{body}\n\n## Part\n\n{body}\n\n## Related Documents\n\n- [next](../cat{}/doc{next}.md#part)\n- [gone](../cat{cat}/missing{i}.md)\n",
                next % 8
            ),
        ));
    }
    let refs: Vec<(&str, &str)> = files
        .iter()
        .map(|(p, t)| (p.as_str(), t.as_str()))
        .collect();
    tree(&refs)
}

/// The answers compared between a cached and a fresh run.
const QUESTIONS: [&[&str]; 3] = [
    &["stats", "--format", "json"],
    &["query", "broken", "--format", "json"],
    &[
        "search",
        "connection",
        "pool",
        "--format",
        "json",
        "--limit",
        "500",
    ],
];

fn fresh_answers(repo: &Path) -> Vec<String> {
    QUESTIONS
        .iter()
        .map(|q| {
            let out = atomdoc(repo).args(*q).output().unwrap();
            assert_eq!(
                out.status.code(),
                Some(0),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
            String::from_utf8(out.stdout).unwrap()
        })
        .collect()
}

fn cached_answers(repo: &Path, cache: &Path) -> (Vec<String>, String) {
    let mut stderr = String::new();
    let answers = QUESTIONS
        .iter()
        .map(|q| {
            let out = atomdoc_cached(repo)
                .arg("--cache-dir")
                .arg(cache)
                .args(*q)
                .output()
                .unwrap();
            stderr.push_str(&String::from_utf8_lossy(&out.stderr));
            assert_eq!(out.status.code(), Some(0), "{stderr}");
            String::from_utf8(out.stdout).unwrap()
        })
        .collect();
    (answers, stderr)
}

fn index_command(repo: &Path, cache: &Path) -> Command {
    let mut cmd = Command::new(assert_cmd::cargo::cargo_bin("atomdoc"));
    cmd.env("NO_COLOR", "1")
        .arg("--repo")
        .arg(repo)
        .arg("--cache-dir")
        .arg(cache)
        .arg("index")
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    cmd
}

/// Kills `atomdoc index` with SIGKILL at spread-out points of its run (the delays are only a
/// way to land at different points; nothing asserts on time), editing the tree between some
/// runs. After every kill the next run must answer exactly like a fresh in-memory run.
#[cfg(unix)]
#[test]
fn kill_9_during_indexing_never_leaves_a_cache_that_lies() {
    let dir = generated_tree();
    let cache = tempfile::tempdir().unwrap();
    // How long one full index takes here, to spread the kills over it (in a cache of its
    // own: the one under test must hold only atomdoc's files).
    let probe = tempfile::tempdir().unwrap();
    let started = std::time::Instant::now();
    let status = index_command(dir.path(), probe.path()).status().unwrap();
    assert!(status.success());
    let full = started.elapsed().max(Duration::from_millis(50));
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    for round in 0..12u32 {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let at = full.mul_f64((seed % 1000) as f64 / 1000.0);
        if round % 3 == 1 {
            // Change the tree so the next index is incremental.
            let path = dir.path().join(format!(
                "docs/atomic/cat{}/doc{}.md",
                round % 8,
                round * 8 % 400 + round % 8
            ));
            let mut text = std::fs::read_to_string(&path).unwrap();
            text.push_str(&format!(
                "\nEdited in round {round}: [x](nowhere-{round}.md)\n"
            ));
            std::fs::write(&path, text).unwrap();
        }
        let mut child = index_command(dir.path(), cache.path()).spawn().unwrap();
        std::thread::sleep(at);
        let _ = child.kill();
        let _ = child.wait();
        if round % 4 == 3 {
            let (answers, stderr) = cached_answers(dir.path(), cache.path());
            assert_eq!(
                answers,
                fresh_answers(dir.path()),
                "after the kill of round {round}: {stderr}"
            );
        }
    }
    let (answers, _) = cached_answers(dir.path(), cache.path());
    assert_eq!(answers, fresh_answers(dir.path()));
}

/// Three processes index the same tree into the same cache at once, one after an edit.
#[test]
fn three_concurrent_indexers_leave_a_cache_equal_to_a_fresh_index() {
    let dir = generated_tree();
    let cache = tempfile::tempdir().unwrap();
    let index_three_at_once_and_compare = || {
        let children: Vec<_> = (0..3)
            .map(|_| index_command(dir.path(), cache.path()).spawn().unwrap())
            .collect();
        for mut c in children {
            assert!(c.wait().unwrap().success());
        }
        let (answers, stderr) = cached_answers(dir.path(), cache.path());
        assert_eq!(answers, fresh_answers(dir.path()), "{stderr}");
    };
    // A fresh cache, then an incremental update.
    index_three_at_once_and_compare();
    let path = dir.path().join("docs/atomic/cat0/doc0.md");
    std::fs::write(&path, "# Rewritten\n\n[a](doc8.md)\n").unwrap();
    index_three_at_once_and_compare();
}

/// A full disk, simulated by a 256 KiB tmpfs (needs root and mount permission: skipped with a
/// note otherwise): the answers are still right, with a warning.
#[cfg(target_os = "linux")]
#[test]
fn a_full_cache_filesystem_degrades_to_memory_with_a_warning() {
    let dir = generated_tree();
    let mnt = tempfile::tempdir().unwrap();
    let mounted = Command::new("mount")
        .args(["-t", "tmpfs", "-o", "size=256k", "tmpfs"])
        .arg(mnt.path())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !mounted {
        eprintln!("note: cannot mount a small tmpfs here; full-disk case skipped");
        return;
    }
    struct Unmount<'a>(&'a Path);
    impl Drop for Unmount<'_> {
        fn drop(&mut self) {
            let _ = Command::new("umount").arg(self.0).status();
        }
    }
    let _guard = Unmount(mnt.path());
    let (answers, stderr) = cached_answers(dir.path(), &mnt.path().join("cache"));
    assert_eq!(answers, fresh_answers(dir.path()));
    assert!(
        stderr.contains("warning") || stderr.contains("memory"),
        "no warning: {stderr}"
    );
}
