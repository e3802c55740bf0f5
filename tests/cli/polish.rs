//! The edges users meet first (issue 22): version control, paths from where the user stands,
//! triage of `check`, one JSON shape, terminal-fitting tables, completions.

use std::path::Path;
use std::process::Command;

use crate::common::*;

/// `git` run in `dir`, asserting success; returns stdout.
fn git(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .current_dir(dir)
        .args(args)
        .output()
        .expect("git runs");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn git_status_stays_clean_after_a_run_that_writes_the_cache() {
    if !have_tool("git", "--version") {
        return;
    }
    let repo = copy_tree(&sample());
    git(repo.path(), &["init", "-q"]);
    git(repo.path(), &["add", "-A"]);
    git(
        repo.path(),
        &[
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@example.com",
            "commit",
            "-qm",
            "sample",
        ],
    );
    // A search builds the index too: every kind of cache file is written.
    let out = atomdoc_cached(repo.path())
        .args(["search", "retry"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(repo.path().join(".atomdoc/cache/CACHEDIR.TAG").is_file());
    assert_eq!(git(repo.path(), &["status", "--porcelain"]), "");
}
