//! `atomdoc diff` and `check --base`: real repositories built with the `git` program, each
//! change of the issue's list committed and compared.

use std::path::Path;
use std::process::Command as Process;

use serde_json::Value;

use crate::common::{atomdoc, have_tool};

/// Runs `git` in `dir` (failing the test when it fails), with a fixed identity and no user
/// configuration.
pub(crate) fn git(dir: &Path, args: &[&str]) -> String {
    let out = Process::new("git")
        .current_dir(dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_AUTHOR_NAME", "t")
        .env("GIT_AUTHOR_EMAIL", "t@example.com")
        .env("GIT_COMMITTER_NAME", "t")
        .env("GIT_COMMITTER_EMAIL", "t@example.com")
        // Fixed dates: the same commands make the same commits (the docs quote their ids).
        .env("GIT_AUTHOR_DATE", "2026-01-01T00:00:00Z")
        .env("GIT_COMMITTER_DATE", "2026-01-01T00:00:00Z")
        .args(args)
        .output()
        .expect("git runs");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// A git repository: `init`, then one commit per step of `(path, Some(text) | None)` changes.
struct Repo {
    dir: tempfile::TempDir,
}

impl Repo {
    /// A fresh repository on branch `main`, or `None` when git is missing (outside CI).
    fn new() -> Option<Repo> {
        if !have_tool("git", "--version") {
            return None;
        }
        let dir = tempfile::tempdir().unwrap();
        git(dir.path(), &["init", "-q", "-b", "main"]);
        Some(Repo { dir })
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Writes (or, for `None`, deletes) files without committing.
    fn write(&self, files: &[(&str, Option<&str>)]) {
        for (path, text) in files {
            let full = self.path().join(path);
            match text {
                Some(t) => {
                    std::fs::create_dir_all(full.parent().unwrap()).unwrap();
                    std::fs::write(full, t).unwrap();
                }
                None => std::fs::remove_file(full).unwrap(),
            }
        }
    }

    /// Writes files and commits everything; returns the commit id.
    fn commit(&self, files: &[(&str, Option<&str>)], message: &str) -> String {
        self.write(files);
        git(self.path(), &["add", "-A"]);
        git(
            self.path(),
            &["commit", "-q", "--allow-empty", "-m", message],
        );
        git(self.path(), &["rev-parse", "HEAD"])
    }

    fn git(&self, args: &[&str]) -> String {
        git(self.path(), args)
    }

    /// `atomdoc diff <args> --format json`: the report and the exit status.
    fn diff(&self, args: &[&str]) -> (Value, i32) {
        let out = atomdoc(self.path())
            .arg("diff")
            .args(args)
            .args(["--format", "json"])
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        let json = serde_json::from_str(&stdout).unwrap_or_else(|e| {
            panic!(
                "not JSON ({e}): {stdout}\nstderr: {}",
                String::from_utf8_lossy(&out.stderr)
            )
        });
        (json, out.status.code().unwrap())
    }

    /// `atomdoc diff <args>` expected to fail with a usage error: its stderr.
    fn diff_error(&self, args: &[&str]) -> String {
        let out = atomdoc(self.path())
            .arg("diff")
            .args(args)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{out:?}");
        assert!(out.stdout.is_empty());
        String::from_utf8_lossy(&out.stderr).into_owned()
    }
}

/// The strings of a JSON array.
fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap_or_else(|| panic!("not an array: {v}"))
        .iter()
        .map(|s| s.as_str().unwrap().to_string())
        .collect()
}

/// `(source, target)` of each link row of a JSON array.
fn links(v: &Value) -> Vec<(String, String)> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["source"].as_str().unwrap().to_string(),
                r["target"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn moved(v: &Value) -> Vec<(String, String)> {
    v["documents"]["moved"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["from"].as_str().unwrap().to_string(),
                m["to"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// A topic with a body long enough that an edit keeps it similar.
fn topic(title: &str, related: &[&str]) -> String {
    let mut s = format!("# {title}\n\nWhat {title} is about.\n\n## Usage\n\n");
    for i in 0..12 {
        s.push_str(&format!(
            "{title} usage note number {i}, kept as written.\n"
        ));
    }
    s.push_str("\n## Related Documents\n\n");
    for r in related {
        s.push_str(&format!("- [{r}]({r})\n"));
    }
    s
}

const A: &str = "docs/atomic/core/a.md";
const B: &str = "docs/atomic/core/b.md";
const C: &str = "docs/atomic/core/c.md";

/// Three documents linking in a ring: no orphan, no broken link.
fn ring(repo: &Repo) -> String {
    repo.commit(
        &[
            (A, Some(&topic("A", &["b.md"]))),
            (B, Some(&topic("B", &["c.md"]))),
            (C, Some(&topic("C", &["a.md"]))),
        ],
        "ring",
    )
}

#[test]
fn added_removed_moved_and_edited_documents() {
    let Some(repo) = Repo::new() else { return };
    ring(&repo);
    let base = repo.commit(
        &[
            (
                "docs/atomic/core/old.md",
                Some("# Old\n\nNothing like the others.\n\n[a](a.md)\n"),
            ),
            (C, Some(&topic("C", &["a.md", "b.md"]))),
        ],
        "old",
    );
    let mut edited = topic("A", &["b.md", "c.md"]);
    edited.push_str("\nOne more line.\n");
    let head = repo.commit(
        &[
            (A, Some(&edited)),
            // b.md moves to another category, unchanged; c.md links to its new place.
            (B, None),
            (
                "docs/atomic/guides/b.md",
                Some(&topic("B", &["../core/c.md"])),
            ),
            (C, Some(&topic("C", &["a.md", "../guides/b.md"]))),
            ("docs/atomic/core/new.md", Some(&topic("New", &["a.md"]))),
            ("docs/atomic/core/old.md", None),
        ],
        "change",
    );
    let (v, status) = repo.diff(&[&base, &head]);
    assert_eq!(v["base"]["commit"], base.as_str());
    assert_eq!(v["head"]["commit"], head.as_str());
    assert_eq!(
        strings(&v["documents"]["added"]),
        ["docs/atomic/core/new.md"]
    );
    assert_eq!(
        strings(&v["documents"]["removed"]),
        ["docs/atomic/core/old.md"]
    );
    assert_eq!(
        moved(&v),
        [(B.to_string(), "docs/atomic/guides/b.md".to_string())]
    );
    // The move is one move: no broken link, and a.md's link to b.md is now broken (it was
    // not updated), reported as broken by the move with the fix.
    let by_move = &v["broken"]["by_move"];
    assert_eq!(links(by_move), [(A.to_string(), "b.md".to_string())]);
    assert_eq!(by_move[0]["moved_to"], "docs/atomic/guides/b.md");
    assert!(links(&v["broken"]["new"]).is_empty());
    // new.md is an orphan: nothing links to it.
    assert_eq!(strings(&v["orphans"]["new"]), ["docs/atomic/core/new.md"]);
    // Edges: a→c added; c→b followed through the move (same edge); b→c the same.
    let added = links(&v["edges"]["added"]);
    assert!(
        added.contains(&(A.to_string(), "c.md".to_string())),
        "{added:?}"
    );
    assert!(added.contains(&("docs/atomic/core/new.md".to_string(), "a.md".to_string())));
    assert!(!added.iter().any(|(s, _)| s == C), "{added:?}");
    assert_eq!(
        links(&v["edges"]["removed"]),
        [
            (A.to_string(), "b.md".to_string()),
            ("docs/atomic/core/old.md".to_string(), "a.md".to_string()),
        ]
    );
    // core → guides edges appeared.
    let pairs = v["pairs"].as_array().unwrap();
    assert!(
        pairs
            .iter()
            .any(|p| p["from"] == "core" && p["to"] == "guides" && p["after"] == 1)
    );
    assert_eq!(v["summary"]["documents_moved"], 1);
    // New broken link (by the move) and a new orphan: worse, exit 1.
    assert_eq!(status, 1);
}

#[test]
fn a_move_with_stale_links_lists_them_with_the_new_path() {
    let Some(repo) = Repo::new() else { return };
    let base = ring(&repo);
    repo.git(&["mv", C, "docs/atomic/core/c-renamed.md"]);
    let head = repo.commit(&[], "move c");
    let (v, status) = repo.diff(&["--base", &base, "--head", &head]);
    assert_eq!(
        moved(&v),
        [(C.to_string(), "docs/atomic/core/c-renamed.md".to_string())]
    );
    assert_eq!(
        links(&v["broken"]["by_move"]),
        [(B.to_string(), "c.md".to_string())]
    );
    assert_eq!(
        v["broken"]["by_move"][0]["moved_to"],
        "docs/atomic/core/c-renamed.md"
    );
    // Not also an orphan and N broken links: the moved document is the move's to report.
    assert!(strings(&v["orphans"]["new"]).is_empty(), "{v}");
    assert!(links(&v["broken"]["new"]).is_empty());
    assert!(strings(&v["documents"]["added"]).is_empty());
    assert!(strings(&v["documents"]["removed"]).is_empty());
    assert_eq!(
        status, 1,
        "a link the move broke fails the default --fail-on"
    );
}

#[test]
fn a_fixed_link_is_fixed_and_nothing_got_worse() {
    let Some(repo) = Repo::new() else { return };
    let base = repo.commit(
        &[
            (A, Some(&topic("A", &["b.md", "missing.md"]))),
            (B, Some(&topic("B", &["a.md"]))),
        ],
        "broken",
    );
    let head = repo.commit(&[(A, Some(&topic("A", &["b.md"])))], "fix");
    let (v, status) = repo.diff(&[&base, &head]);
    assert_eq!(
        links(&v["broken"]["fixed"]),
        [(A.to_string(), "missing.md".to_string())]
    );
    assert_eq!(v["broken"]["fixed"][0]["reason"], "missing");
    assert!(links(&v["broken"]["new"]).is_empty());
    let fixed: Vec<&str> = v["diagnostics"]["fixed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap())
        .collect();
    assert!(fixed.contains(&"AD010"), "{fixed:?}");
    assert_eq!(status, 0);
    // The same broken link in both (a line moved): neither new nor fixed.
    let again = repo.commit(
        &[(A, Some(&format!("\n\n{}", topic("A", &["b.md", "x.md"]))))],
        "x",
    );
    let moved_down = repo.commit(
        &[(
            A,
            Some(&format!("\n\n\n\n{}", topic("A", &["b.md", "x.md"]))),
        )],
        "y",
    );
    let (v, status) = repo.diff(&[&again, &moved_down]);
    assert!(links(&v["broken"]["new"]).is_empty(), "{v}");
    assert!(links(&v["broken"]["fixed"]).is_empty());
    assert!(
        v["diagnostics"]["new"].as_array().unwrap().is_empty(),
        "{v}"
    );
    assert_eq!(status, 0);
}

#[test]
fn a_new_orphan_fails_unless_told_otherwise() {
    let Some(repo) = Repo::new() else { return };
    let base = ring(&repo);
    let head = repo.commit(
        &[(
            "docs/atomic/core/lonely.md",
            Some(&topic("Lonely", &["a.md"])),
        )],
        "o",
    );
    let (v, status) = repo.diff(&[&base, &head]);
    assert_eq!(
        strings(&v["orphans"]["new"]),
        ["docs/atomic/core/lonely.md"]
    );
    assert_eq!(status, 1);
    let (_, status) = repo.diff(&[&base, &head, "--fail-on", "broken"]);
    assert_eq!(status, 0);
    let (_, status) = repo.diff(&[&base, &head, "--fail-on", "none"]);
    assert_eq!(status, 0);
    let (_, status) = repo.diff(&[&base, &head, "--fail-on", "findings"]);
    assert_eq!(status, 1);
}

#[test]
fn a_change_only_in_the_work_tree_is_the_default_head() {
    let Some(repo) = Repo::new() else { return };
    ring(&repo);
    repo.git(&["checkout", "-q", "-b", "feature"]);
    repo.commit(
        &[("docs/atomic/core/d.md", Some(&topic("D", &["a.md"])))],
        "d",
    );
    // Uncommitted: b.md links to d.md, and to a file that does not exist.
    let edited = topic("B", &["c.md", "d.md", "nowhere.md"]);
    repo.write(&[(B, Some(&edited))]);
    let before = git(repo.path(), &["status", "--porcelain"]);
    let (v, status) = repo.diff(&[]);
    // The base is the merge base with main, the head the work tree.
    assert_eq!(v["base"]["rev"], "merge-base(main, HEAD)");
    assert_eq!(v["head"]["commit"], Value::Null);
    assert_eq!(v["head"]["rev"], "work tree");
    assert_eq!(strings(&v["documents"]["added"]), ["docs/atomic/core/d.md"]);
    assert_eq!(
        links(&v["broken"]["new"]),
        [(B.to_string(), "nowhere.md".to_string())]
    );
    assert!(
        strings(&v["orphans"]["new"]).is_empty(),
        "b.md links to d.md in the work tree"
    );
    assert_eq!(status, 1);
    // The work tree is not touched.
    assert_eq!(
        std::fs::read_to_string(repo.path().join(B)).unwrap(),
        edited
    );
    assert_eq!(git(repo.path(), &["status", "--porcelain"]), before);
}

#[test]
fn a_renamed_category_folder_is_moves_not_breakage() {
    let Some(repo) = Repo::new() else { return };
    let base = repo.commit(
        &[
            (
                "docs/atomic/core/a.md",
                Some(&topic("A", &["../infra/x.md"])),
            ),
            (
                "docs/atomic/infra/x.md",
                Some(&topic("X", &["y.md", "../core/a.md"])),
            ),
            ("docs/atomic/infra/y.md", Some(&topic("Y", &["x.md"]))),
        ],
        "base",
    );
    repo.git(&["mv", "docs/atomic/infra", "docs/atomic/platform"]);
    let head = repo.commit(
        &[(
            "docs/atomic/core/a.md",
            Some(&topic("A", &["../platform/x.md"])),
        )],
        "rename folder",
    );
    let (v, status) = repo.diff(&[&base, &head]);
    assert_eq!(
        moved(&v),
        [
            (
                "docs/atomic/infra/x.md".to_string(),
                "docs/atomic/platform/x.md".to_string()
            ),
            (
                "docs/atomic/infra/y.md".to_string(),
                "docs/atomic/platform/y.md".to_string()
            ),
        ]
    );
    for key in ["new", "fixed", "by_move"] {
        assert!(
            v["broken"][key].as_array().unwrap().is_empty(),
            "{key}: {v}"
        );
    }
    assert!(strings(&v["orphans"]["new"]).is_empty());
    // Every edge is the same edge, followed through the moves.
    assert!(v["edges"]["added"].as_array().unwrap().is_empty(), "{v}");
    assert!(v["edges"]["removed"].as_array().unwrap().is_empty(), "{v}");
    // The category pairs say the links now go to `platform`.
    let pairs = v["pairs"].as_array().unwrap();
    assert!(pairs.iter().any(|p| p["to"] == "infra" && p["after"] == 0));
    assert!(
        pairs
            .iter()
            .any(|p| p["to"] == "platform" && p["after"] == 1)
    );
    assert_eq!(status, 0);
}

#[test]
fn a_revision_with_a_different_atomdoc_toml_is_read_with_its_own() {
    let Some(repo) = Repo::new() else { return };
    let base = repo.commit(
        &[
            ("atomdoc.toml", Some("root = \"kb\"\n")),
            ("kb/core/a.md", Some(&topic("A", &["b.md"]))),
            ("kb/core/b.md", Some(&topic("B", &["a.md"]))),
        ],
        "kb",
    );
    repo.git(&["mv", "kb", "handbook"]);
    let head = repo.commit(
        &[(
            "atomdoc.toml",
            Some("root = \"handbook\"\ndialect = \"gitlab\"\n"),
        )],
        "handbook",
    );
    let (v, status) = repo.diff(&[&base, &head]);
    assert_eq!(
        moved(&v),
        [
            ("kb/core/a.md".to_string(), "handbook/core/a.md".to_string()),
            ("kb/core/b.md".to_string(), "handbook/core/b.md".to_string()),
        ]
    );
    assert!(v["broken"]["new"].as_array().unwrap().is_empty());
    assert_eq!(status, 0);
    // A bad atomdoc.toml in a revision is named with its revision.
    let bad = repo.commit(&[("atomdoc.toml", Some("rooot = 1\n"))], "bad");
    let err = repo.diff_error(&[&head, &bad]);
    assert!(err.contains(&format!("{bad}:atomdoc.toml")), "{err}");
    assert!(err.contains("rooot"), "{err}");
}

#[test]
fn a_shallow_clone_without_the_base_says_how_to_fetch_it() {
    let Some(repo) = Repo::new() else { return };
    let base = ring(&repo);
    repo.commit(
        &[("docs/atomic/core/d.md", Some(&topic("D", &["a.md"])))],
        "d",
    );
    let clone = tempfile::tempdir().unwrap();
    let url = format!("file://{}", repo.path().display());
    git(clone.path(), &["clone", "-q", "--depth", "1", &url, "c"]);
    let shallow = Repo { dir: clone };
    let inner = shallow.path().join("c");
    for args in [vec!["HEAD~1"], vec![base.as_str()]] {
        let out = atomdoc(&inner).arg("diff").args(&args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{out:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("shallow clone"), "{err}");
        assert!(err.contains("fetch-depth: 0"), "{err}");
        assert!(err.contains("git fetch --deepen"), "{err}");
    }
}

#[test]
fn bad_revisions_and_folders_that_are_not_repositories_are_usage_errors() {
    let Some(repo) = Repo::new() else { return };
    ring(&repo);
    let err = repo.diff_error(&["no-such-branch"]);
    assert!(
        err.starts_with("error: cannot resolve revision `no-such-branch`"),
        "{err}"
    );
    assert!(err.contains("git rev-parse"), "{err}");
    let err = repo.diff_error(&["--base", "HEAD", "--head", "HEAD~5"]);
    assert!(err.contains("`HEAD~5`"), "{err}");
    // Both a positional and a flag for the same side.
    let err = repo.diff_error(&["HEAD", "--base", "HEAD"]);
    assert!(err.contains("cannot be used with"), "{err}");
    // No default branch: neither main nor master nor origin/HEAD.
    repo.git(&["branch", "-m", "main", "trunk"]);
    let err = repo.diff_error(&[]);
    assert!(err.contains("no default branch"), "{err}");
    assert!(err.contains("atomdoc diff BASE"), "{err}");
    let plain = crate::common::tree(&[(A, "# A\n")]);
    let out = atomdoc(plain.path())
        .args(["diff", "HEAD"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("is not a git repository"), "{err}");
}

#[test]
fn symlinks_submodule_entries_and_big_blobs_are_never_followed_or_read() {
    let Some(repo) = Repo::new() else { return };
    let base = ring(&repo);
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("secret.md"), "# Secret\n\n[a](a.md)\n").unwrap();
    repo.write(&[
        ("docs/atomic/core/big.md", Some(&"x".repeat(3000))),
        ("atomdoc.toml", Some("[limits]\nmax_file_bytes = 2000\n")),
        (A, Some(&topic("A", &["b.md", "link.md"]))),
    ]);
    std::os::unix::fs::symlink(
        outside.path().join("secret.md"),
        repo.path().join("docs/atomic/core/link.md"),
    )
    .unwrap();
    repo.write(&[(B, Some(&topic("B", &["c.md", "sub", "sub/inside.md"])))]);
    git(repo.path(), &["add", "-A"]);
    // A submodule entry (a gitlink to a commit of another repository): a folder whose files
    // are not there.
    let gitlink = format!("160000,{base},docs/atomic/core/sub");
    git(
        repo.path(),
        &["update-index", "--add", "--cacheinfo", &gitlink],
    );
    git(repo.path(), &["commit", "-q", "-m", "symlink"]);
    let head = git(repo.path(), &["rev-parse", "HEAD"]);
    let out = atomdoc(repo.path())
        .args(["diff", &base, &head, "--format", "json"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("docs/atomic/core/link.md: symlink in a git revision; not followed"),
        "{stderr}"
    );
    assert!(
        stderr.contains("docs/atomic/core/big.md: 3000 bytes is over the 2000-byte limit"),
        "{stderr}"
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    // The symlink is not a document, and a link to it is `outside`, as on disk.
    let new = &v["broken"]["new"];
    assert_eq!(
        links(new),
        [
            (A.to_string(), "link.md".to_string()),
            (B.to_string(), "sub/inside.md".to_string()),
        ]
    );
    assert_eq!(new[0]["reason"], "outside");
    assert_eq!(new[1]["reason"], "missing");
    assert!(strings(&v["documents"]["added"]).is_empty(), "{v}");
    // Files were skipped: the answer is partial unless something got worse first.
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn ignore_files_of_the_revision_apply() {
    let Some(repo) = Repo::new() else { return };
    let base = ring(&repo);
    repo.write(&[
        ("docs/atomic/drafts/x.md", Some("# X\n")),
        ("docs/atomic/core/kept.md", Some(&topic("Kept", &["a.md"]))),
    ]);
    git(repo.path(), &["add", "-A"]);
    // Committed, then ignored: the disk walk would skip it, so the revision does too.
    let head = repo.commit(&[("docs/atomic/.gitignore", Some("drafts/\n"))], "ignore");
    let (v, _) = repo.diff(&[&base, &head]);
    assert_eq!(
        strings(&v["documents"]["added"]),
        ["docs/atomic/core/kept.md"]
    );
}

#[test]
fn check_base_reports_only_findings_new_since_the_revision() {
    let Some(repo) = Repo::new() else { return };
    let base = repo.commit(
        &[
            (A, Some(&topic("A", &["b.md", "old-missing.md"]))),
            (B, Some(&topic("B", &["a.md"]))),
        ],
        "base",
    );
    repo.write(&[(B, Some(&topic("B", &["a.md", "new-missing.md"])))]);
    let out = atomdoc(repo.path())
        .args(["check", "--base", &base, "--format", "json"])
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let found: Vec<(&str, &str)> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (d["code"].as_str().unwrap(), d["path"].as_str().unwrap()))
        .collect();
    assert_eq!(found, [("AD010", B)], "{v}");
    assert!(v["summary"]["baselined"].as_u64().unwrap() >= 1, "{v}");
    assert_eq!(out.status.code(), Some(1));
    // Without new findings: status 0 even though old ones remain.
    repo.write(&[(B, Some(&topic("B", &["a.md"])))]);
    let out = atomdoc(repo.path())
        .args(["check", "--base", &base])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    // --base and a baseline file do not mix.
    let out = atomdoc(repo.path())
        .args(["check", "--base", &base, "--baseline", "b.json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn formats_markdown_github_sarif_and_the_json_schema() {
    let Some(repo) = Repo::new() else { return };
    let base = ring(&repo);
    // Many new broken links: the comment folds them and stays under GitHub's limit.
    let mut many = topic("A", &["b.md"]);
    for i in 0..4000 {
        many.push_str(&format!(
            "See [missing {i}](missing-{i}-with-a-long-name.md).\n"
        ));
    }
    let head = repo.commit(&[(A, Some(&many))], "many");
    let run = |format: &str| {
        let out = atomdoc(repo.path())
            .args(["diff", &base, &head, "--format", format])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{out:?}");
        String::from_utf8(out.stdout).unwrap()
    };
    let md = run("markdown");
    assert!(
        md.starts_with("<!-- atomdoc-diff -->\n### atomdoc diff: +4000 broken links"),
        "{}",
        &md[..200]
    );
    assert!(md.chars().count() <= 65_536, "{}", md.chars().count());
    assert!(md.contains("<details><summary>New broken links (4000)</summary>"));
    assert!(md.contains("more rows not shown"));
    assert!(md.contains("Some rows were cut"));
    // GitHub annotations and SARIF carry the new findings only.
    let gh = run("github");
    assert_eq!(
        gh.lines().filter(|l| l.starts_with("::error")).count(),
        4000
    );
    let sarif: Value = serde_json::from_str(&run("sarif")).unwrap();
    assert_eq!(sarif["runs"][0]["results"].as_array().unwrap().len(), 4000);
    // The JSON report validates against its schema; link rows are `query`'s.
    let schema: Value = serde_json::from_str(include_str!("../../docs/schema/diff.schema.json"))
        .expect("schema is JSON");
    let validator = jsonschema::draft7::new(&schema).expect("schema compiles");
    let (v, _) = repo.diff(&[&base, &head]);
    let errors: Vec<String> = validator.iter_errors(&v).map(|e| e.to_string()).collect();
    assert!(errors.is_empty(), "{errors:#?}");
    let mut broken = v.clone();
    broken["summary"]
        .as_object_mut()
        .unwrap()
        .remove("broken_new");
    assert!(validator.iter_errors(&broken).count() >= 1);
    let query = atomdoc(repo.path())
        .args(["query", "broken", "--format", "json"])
        .output()
        .unwrap();
    let rows: Value = serde_json::from_slice(&query.stdout).unwrap();
    let keys = |r: &Value| r.as_object().unwrap().keys().cloned().collect::<Vec<_>>();
    assert_eq!(keys(&rows[0]), keys(&v["broken"]["new"][0]));
    // The table says the same in words.
    let table = run("table");
    assert!(table.contains("+4000 broken links"), "{table}");
    assert!(table.contains("new broken links"));
}

#[test]
fn the_docs_page_shows_the_real_output_of_its_example() {
    let Some(repo) = Repo::new() else { return };
    crate::common::copy_into(&crate::common::sample(), repo.path());
    repo.commit(&[], "sample");
    repo.git(&["checkout", "-q", "-b", "rename"]);
    repo.git(&[
        "mv",
        "docs/atomic/integrations/redis/key-naming.md",
        "docs/atomic/integrations/redis/key-conventions.md",
    ]);
    repo.git(&["commit", "-q", "-m", "rename key-naming"]);
    let out = atomdoc(repo.path()).arg("diff").output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let table = String::from_utf8(out.stdout).unwrap();
    let page = std::fs::read_to_string(crate::common::project().join("docs/diff.md")).unwrap();
    assert!(
        page.contains(&format!("```text\n{table}```")),
        "docs/diff.md's example output is stale; it should read:\n{table}"
    );
    // The base's findings are derived from the head's where nothing differs; `check --base`
    // checks the base whole: the new findings agree.
    let (v, _) = repo.diff(&["main"]);
    let out = atomdoc(repo.path())
        .args(["check", "--base", "main", "--format", "json"])
        .output()
        .unwrap();
    let checked: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["diagnostics"]["new"], checked["diagnostics"]);
    assert_eq!(v["diagnostics"]["new"].as_array().unwrap().len(), 6);
    // Both from git, the base checked whole and the head derived: the same again.
    let (w, _) = repo.diff(&["main", "HEAD"]);
    assert_eq!(w["diagnostics"], v["diagnostics"]);
    assert_eq!(w["summary"], v["summary"]);
}

#[test]
fn a_docs_project_in_a_subfolder_compares_its_subtree() {
    let Some(repo) = Repo::new() else { return };
    let base = repo.commit(
        &[
            ("site/atomdoc.toml", Some("root = \"docs\"\n")),
            ("site/docs/a.md", Some(&topic("A", &["b.md"]))),
            ("site/docs/b.md", Some(&topic("B", &["a.md"]))),
            ("elsewhere/docs/x.md", Some("# X\n")),
        ],
        "base",
    );
    let head = repo.commit(&[("site/docs/c.md", Some(&topic("C", &["a.md"])))], "c");
    let out = atomdoc(&repo.path().join("site"))
        .args(["diff", &base, &head, "--format", "json"])
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(strings(&v["documents"]["added"]), ["docs/c.md"]);
    assert_eq!(strings(&v["orphans"]["new"]), ["docs/c.md"]);
}

#[test]
fn the_readme_workflow_runs_its_commands() {
    let Some(repo) = Repo::new() else { return };
    crate::common::copy_into(&crate::common::sample(), repo.path());
    repo.commit(&[], "sample");
    repo.git(&["checkout", "-q", "-b", "change"]);
    repo.write(&[(
        "docs/atomic/core/new.md",
        Some("# New\n\n[gone](gone.md)\n"),
    )]);
    let readme = std::fs::read_to_string(crate::common::project().join("README.md")).unwrap();
    let commands: Vec<&str> = readme
        .lines()
        .map(str::trim)
        .filter(|l| l.starts_with("atomdoc diff \"origin/${{ github.base_ref }}\""))
        .collect();
    assert_eq!(commands.len(), 2, "{commands:?}");
    let mut outputs = Vec::new();
    for command in commands {
        let command = command.split(" > ").next().unwrap();
        let args: Vec<String> = command
            .replace("\"origin/${{ github.base_ref }}\"", "main")
            .split_whitespace()
            .skip(1)
            .map(String::from)
            .collect();
        let out = atomdoc(repo.path()).args(&args).output().unwrap();
        let status = out.status.code().unwrap();
        assert!(status == 0 || status == 1, "{args:?}: {out:?}");
        outputs.push(String::from_utf8(out.stdout).unwrap());
    }
    // The comment starts with the marker the workflow looks for; annotations name the new
    // broken link.
    assert!(readme.contains("const marker = '<!-- atomdoc-diff -->';"));
    assert!(
        outputs[0].starts_with("<!-- atomdoc-diff -->\n"),
        "{}",
        outputs[0]
    );
    assert!(
        outputs[1].contains("docs/atomic/core/new.md"),
        "{}",
        outputs[1]
    );
    assert!(
        outputs[1].contains("::error file=docs/atomic/core/new.md"),
        "{}",
        outputs[1]
    );
}

#[test]
fn a_revision_before_the_docs_tree_existed_is_an_empty_tree() {
    let Some(repo) = Repo::new() else { return };
    let base = repo.commit(&[("README.md", Some("# Project\n"))], "no docs yet");
    let head = ring(&repo);
    let out = atomdoc(repo.path())
        .args(["diff", &base, &head, "--format", "json"])
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(strings(&v["documents"]["added"]), [A, B, C]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("no docs root in this revision"), "{stderr}");
    assert_eq!(out.status.code(), Some(0), "{stderr}");
}
