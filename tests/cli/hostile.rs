//! Hostile trees: bad encodings, huge and deep files, odd names, symlinks, escapes, caps.
//!
//! Every fixture is generated here in a temporary folder. Each test asserts what the user sees
//! (a warning naming the file, an error, the exit status) *and* that the answers about the
//! well-behaved documents next to the hostile one stay right. Each tree holds `good/a.md`
//! linking (related) to `good/b.md`, so the baseline is one related edge and one orphan
//! (`good/a.md`) besides whatever the hostile file adds.

use std::fs;
use std::path::Path;
use std::process::Output;
use std::time::Duration;

use crate::common::{atomdoc, tree};

const GOOD_A: (&str, &str) = (
    "docs/atomic/good/a.md",
    "# A\n\nIntro.\n\n## Related Documents\n\n- [B](b.md)\n",
);
const GOOD_B: (&str, &str) = ("docs/atomic/good/b.md", "# B\n\n## Part\n\nText.\n");

/// A tree with the two good documents plus `extra` text files.
fn hostile_tree(extra: &[(&str, &str)]) -> tempfile::TempDir {
    let mut files = vec![GOOD_A, GOOD_B];
    files.extend_from_slice(extra);
    tree(&files)
}

fn write_bytes(repo: &Path, path: &str, bytes: &[u8]) {
    let full = repo.join(path);
    fs::create_dir_all(full.parent().unwrap()).unwrap();
    fs::write(full, bytes).unwrap();
}

/// Runs `stats --format json` with a generous hang guard (a hang fails the test instead of
/// blocking the suite; this is not a timing assertion).
fn stats(repo: &Path) -> (Output, serde_json::Value, String) {
    let out = atomdoc(repo)
        .args(["stats", "--format", "json"])
        .timeout(Duration::from_secs(300))
        .output()
        .expect("runs");
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(
        out.status.code().is_some(),
        "killed by a signal (stack overflow?): {stderr}"
    );
    let json = serde_json::from_slice(&out.stdout).unwrap_or(serde_json::Value::Null);
    (out, json, stderr)
}

/// The good documents' answers: their related edge is there.
fn assert_good_answers(json: &serde_json::Value) {
    assert!(
        json["edges"]["related"].as_u64() >= Some(1),
        "the good related edge is lost: {json}"
    );
}

/// Every stderr line is one warning or error: no document text can break a line or start an
/// escape sequence.
fn assert_clean_stderr(stderr: &str) {
    for line in stderr.lines() {
        assert!(
            line.starts_with("warning: ") || line.starts_with("error: "),
            "stray stderr line: {line:?}"
        );
        assert!(!line.contains('\u{1b}'), "raw escape in {line:?}");
    }
}

#[test]
fn invalid_utf8_is_decoded_with_a_warning_naming_the_file() {
    let dir = hostile_tree(&[]);
    write_bytes(
        dir.path(),
        "docs/atomic/bad/latin1.md",
        b"# Caf\xe9 \xff\xfe\n\n[b](../good/b.md#part)\n",
    );
    let (out, json, err) = stats(dir.path());
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(
        err.contains("warning: docs/atomic/bad/latin1.md: not valid UTF-8"),
        "{err}"
    );
    assert_eq!(json["documents"], 3);
    assert_eq!(
        json["edges"]["inline"], 1,
        "the link after bad bytes is kept"
    );
    assert_eq!(json["broken"]["anchor"], 0);
    assert_good_answers(&json);
    assert_clean_stderr(&err);
}

#[test]
fn utf16_files_with_a_bom_are_decoded_with_a_warning() {
    let dir = hostile_tree(&[]);
    let text = "\u{feff}# Wide\n\n## See Also\n\n- [B](../good/b.md#part)\n";
    let le: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
    let be: Vec<u8> = text.encode_utf16().flat_map(u16::to_be_bytes).collect();
    write_bytes(dir.path(), "docs/atomic/wide/le.md", &le);
    write_bytes(dir.path(), "docs/atomic/wide/be.md", &be);
    let (out, json, err) = stats(dir.path());
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(
        err.contains("docs/atomic/wide/le.md: encoded as UTF-16LE; decoded"),
        "{err}"
    );
    assert!(
        err.contains("docs/atomic/wide/be.md: encoded as UTF-16BE; decoded"),
        "{err}"
    );
    assert_eq!(json["documents"], 4);
    // Both UTF-16 files' links are read as related links with a good anchor.
    assert_eq!(json["edges"]["related"], 3, "{json}");
    assert_eq!(json["broken"]["anchor"], 0);
}

#[test]
fn nul_bytes_are_a_warning_and_the_rest_of_the_file_is_read() {
    let dir = hostile_tree(&[]);
    write_bytes(
        dir.path(),
        "docs/atomic/bin/nul.md",
        b"# N\x00ul\n\n\x00\x00\x00 [b](../good/b.md) \x00\n",
    );
    let (out, json, err) = stats(dir.path());
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(
        err.contains("docs/atomic/bin/nul.md: contains NUL bytes"),
        "{err}"
    );
    assert_eq!(json["documents"], 3);
    assert_eq!(json["edges"]["inline"], 1);
    assert_good_answers(&json);
}

/// Files up to the cap are read whole; a cap raised in `atomdoc.toml` lets a 50 MB file in.
#[test]
fn a_50_mb_file_is_read_and_its_links_counted() {
    let line = "Plain words of a very long generated document, nothing to see here at all.\n";
    let mut big = String::from("# Big\n\n");
    while big.len() < 50 * 1024 * 1024 {
        big.push_str(line);
    }
    big.push_str("\n[b](../good/b.md#part) and [gone](missing.md)\n");
    let dir = hostile_tree(&[
        ("atomdoc.toml", "[limits]\nmax_file_bytes = 67108864\n"),
        ("docs/atomic/big/big.md", &big),
    ]);
    let (out, json, err) = stats(dir.path());
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert_eq!(json["documents"], 3);
    assert_eq!(json["edges"]["inline"], 1);
    assert_eq!(json["broken"]["missing"], 1);
    assert_good_answers(&json);
}

#[test]
fn a_file_over_the_size_cap_is_skipped_with_a_warning_and_exit_3() {
    let big = "# Big\n\n[b](../good/b.md)\n".to_string() + &"x".repeat(5_000);
    let dir = hostile_tree(&[
        ("atomdoc.toml", "[limits]\nmax_file_bytes = 4096\n"),
        ("docs/atomic/big/big.md", &big),
    ]);
    let (out, json, err) = stats(dir.path());
    assert_eq!(out.status.code(), Some(3), "{err}");
    assert!(
        err.contains("warning: docs/atomic/big/big.md: 5025 bytes is over the 4096-byte limit; skipped (raise `max_file_bytes` under [limits] in atomdoc.toml)"),
        "{err}"
    );
    assert_eq!(json["documents"], 2, "the big file is not a document");
    assert_eq!(json["edges"]["inline"], 0);
    assert_eq!(json["orphans"], 1);
    assert_good_answers(&json);
}

#[test]
fn deep_nesting_does_not_overflow_the_stack() {
    let lists = "- ".repeat(10_000) + "deep list [b](../good/b.md)\n";
    let quotes = "> ".repeat(10_000) + "deep quote [b](../good/b.md)\n";
    let mixed = "> - ".repeat(5_000) + "mixed [b](../good/b.md)\n";
    let ordered = "1. ".repeat(10_000) + "ordered [b](../good/b.md)\n";
    let brackets = "[".repeat(10_000) + "x" + &"]".repeat(10_000) + "\n\n[b](../good/b.md)\n";
    let emphasis = "*a _b ".repeat(10_000) + "\n\n[b](../good/b.md)\n";
    let links = "[".repeat(5_000) + &"](x)".repeat(5_000) + "\n\n[b](../good/b.md)\n";
    let html = "<div>".repeat(10_000) + "\n\n[b](../good/b.md)\n";
    let dir = hostile_tree(&[
        ("docs/atomic/deep/lists.md", &lists),
        ("docs/atomic/deep/quotes.md", &quotes),
        ("docs/atomic/deep/mixed.md", &mixed),
        ("docs/atomic/deep/ordered.md", &ordered),
        ("docs/atomic/deep/brackets.md", &brackets),
        ("docs/atomic/deep/emphasis.md", &emphasis),
        ("docs/atomic/deep/links.md", &links),
    ]);
    // Raw HTML swallows what follows until a blank line; the link after it still counts.
    write_bytes(dir.path(), "docs/atomic/deep/html.md", html.as_bytes());
    let (out, json, err) = stats(dir.path());
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert_eq!(json["documents"], 10);
    assert_eq!(json["edges"]["inline"], 8, "{json}");
    assert_good_answers(&json);
}

#[test]
fn a_one_megabyte_line_keeps_the_link_at_its_end() {
    let line = "# Long\n\n".to_string() + &"é".repeat(500_000) + " [b](../good/b.md)\n";
    let dir = hostile_tree(&[("docs/atomic/long/line.md", &line)]);
    let (out, json, err) = stats(dir.path());
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert_eq!(json["edges"]["inline"], 1);
    assert_good_answers(&json);
}

#[test]
fn a_hundred_thousand_links_in_one_file_all_count() {
    let mut text = String::from("# Many\n\n");
    for i in 0..100_000 {
        text.push_str(&format!("[b{i}](../good/b.md) [m{i}](nope-{i}.md)\n"));
    }
    // 4.7 MB: just over the default 4 MiB cap.
    let dir = hostile_tree(&[
        ("atomdoc.toml", "[limits]\nmax_file_bytes = 8388608\n"),
        ("docs/atomic/many/links.md", &text),
    ]);
    let (out, json, err) = stats(dir.path());
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert_eq!(json["edges"]["inline"], 100_000);
    assert_eq!(json["broken"]["missing"], 100_000);
    assert_good_answers(&json);
}

#[test]
fn links_over_the_cap_are_dropped_with_a_warning() {
    let mut text = String::from("# Many\n\n");
    for _ in 0..50 {
        text.push_str("[b](../good/b.md)\n");
    }
    let dir = hostile_tree(&[
        ("atomdoc.toml", "[limits]\nmax_links_per_file = 10\n"),
        ("docs/atomic/many/links.md", &text),
    ]);
    let (out, json, err) = stats(dir.path());
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(
        err.contains("warning: docs/atomic/many/links.md: has 50 links; only the first 10 are kept (raise `max_links_per_file` under [limits] in atomdoc.toml)"),
        "{err}"
    );
    assert_eq!(json["edges"]["inline"], 10);
    assert_good_answers(&json);
}

#[test]
fn a_bad_limits_value_is_a_config_error_naming_the_key() {
    let dir = hostile_tree(&[("atomdoc.toml", "[limits]\nmax_file_bytes = \"big\"\n")]);
    let (out, _, err) = stats(dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(
        err.contains("atomdoc.toml") && err.contains("max_file_bytes"),
        "{err}"
    );
}

#[test]
fn odd_file_names_are_documents_and_links_to_them_resolve() {
    let dir = hostile_tree(&[
        ("docs/atomic/odd/with space.md", "# Space\n"),
        ("docs/atomic/odd/ünïcødé 文档.md", "# Unicode\n"),
        ("docs/atomic/odd/-dash.md", "# Dash\n"),
        ("docs/atomic/odd/--help.md", "# Help\n"),
        (
            "docs/atomic/odd/index.md",
            "# Index\n\n[s](with%20space.md) [s2](<with space.md>) [u](ünïcødé%20文档.md) \
             [d](-dash.md) [h](./--help.md)\n",
        ),
    ]);
    let name_with_newline = "docs/atomic/odd/new\nline\u{1b}[31m.md";
    write_bytes(
        dir.path(),
        name_with_newline,
        b"# Newline \xff\n\n[i](index.md)\n",
    );
    let (out, json, err) = stats(dir.path());
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert_eq!(json["documents"], 8);
    assert_eq!(json["broken"]["missing"], 0, "{json}");
    assert_eq!(json["edges"]["inline"], 6);
    // The file name is printed escaped, on one line.
    assert!(
        err.contains(r"warning: docs/atomic/odd/new\nline\u{1b}[31m.md: not valid UTF-8"),
        "{err}"
    );
    assert_clean_stderr(&err);
    assert_good_answers(&json);
}

#[cfg(unix)]
#[test]
fn symlink_loops_end_with_a_warning_and_no_duplicates() {
    let dir = hostile_tree(&[("docs/atomic/loop/x.md", "# X\n\n[b](../good/b.md)\n")]);
    let root = dir.path().join("docs/atomic");
    std::os::unix::fs::symlink("..", root.join("loop/up")).unwrap();
    std::os::unix::fs::symlink("self", root.join("loop/self")).unwrap();
    let (out, json, err) = stats(dir.path());
    assert_eq!(out.status.code(), Some(0), "a loop skips nothing: {err}");
    assert!(
        err.contains("warning: docs/atomic/loop/up: symlink loop"),
        "{err}"
    );
    assert_eq!(json["documents"], 3, "each file counted once");
    assert_eq!(json["edges"]["inline"], 1);
    assert_good_answers(&json);
}

#[cfg(unix)]
#[test]
fn symlinks_out_of_the_repository_are_neither_followed_nor_read() {
    let outside = tree(&[("secret/secret.md", "# Secret\n\n## Key\n")]);
    let dir = hostile_tree(&[(
        "docs/atomic/esc/a.md",
        "# A\n\n[s](out/secret.md) [f](file.md#key) [ok](../good/b.md)\n",
    )]);
    let root = dir.path().join("docs/atomic");
    std::os::unix::fs::symlink(outside.path().join("secret"), root.join("esc/out")).unwrap();
    std::os::unix::fs::symlink(
        outside.path().join("secret/secret.md"),
        root.join("esc/file.md"),
    )
    .unwrap();
    let (out, json, err) = stats(dir.path());
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(
        err.contains(
            "warning: docs/atomic/esc/out: symlink leads outside the repository; not followed"
        ),
        "{err}"
    );
    assert!(err.contains("docs/atomic/esc/file.md: symlink leads outside"));
    assert_eq!(json["documents"], 3, "nothing outside becomes a document");
    assert_eq!(json["broken"]["outside"], 2, "{json}");
    assert_eq!(json["edges"]["inline"], 1);
    assert_good_answers(&json);

    // A docs root that is itself a symlink out of the repository is refused.
    let other = tree(&[("README.md", "# other\n")]);
    fs::create_dir_all(other.path().join("docs")).unwrap();
    std::os::unix::fs::symlink(&root, other.path().join("docs/atomic")).unwrap();
    let (out, _, err) = stats(other.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(
        err.contains("docs root `docs/atomic` is outside the repository"),
        "{err}"
    );
}

/// A named pipe: any attempt to read it blocks forever, so it doubles as a tripwire for "never
/// reads outside the repository" and "never reads what is not a regular file".
#[cfg(unix)]
fn mkfifo(path: &Path) -> bool {
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .is_ok_and(|s| s.success())
}

#[cfg(unix)]
#[test]
fn escaping_link_targets_are_outside_and_never_read() {
    let base = tempfile::tempdir().unwrap();
    let repo = base.path().join("repo");
    for (path, text) in [GOOD_A, GOOD_B] {
        write_bytes(&repo, path, text.as_bytes());
    }
    // Tripwires next to the repository and inside it.
    if !mkfifo(&base.path().join("secret.md")) || !mkfifo(&repo.join("pipe.md")) {
        eprintln!(
            "note: mkfifo unavailable; escaping_link_targets_are_outside_and_never_read skipped"
        );
        return;
    }
    std::os::unix::fs::symlink(base.path().join("secret.md"), repo.join("docs/link.md")).unwrap();
    let escapes = [
        "../../../../secret.md#x",
        "../../../../../../../../../../secret.md#x",
        "%2e%2e/%2e%2e/%2e%2e/%2e%2e/secret.md#x",
        "%2E%2E%2F%2E%2E%2F%2E%2E%2F%2E%2E%2Fsecret.md#x",
        "..%2f..%2f..%2f..%2fsecret.md#x",
        "/../secret.md#x",
        "//../secret.md#x",
        "good/../../../../../secret.md#x",
        "../../link.md#x",
    ];
    let mut text = String::from("# Escapes\n\n");
    for e in escapes {
        text.push_str(&format!("[e]({e})\n"));
    }
    text.push_str("`docs/../../secret.md#x`\n");
    text.push_str("[abs](/etc/passwd) [drive](C:/Windows/win.ini) [pipe](/pipe.md#x)\n");
    text.push_str("[back](..\\..\\..\\..\\secret.md)\n");
    write_bytes(&repo, "docs/atomic/esc/escapes.md", text.as_bytes());

    let (out, json, err) = stats(&repo);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert_eq!(json["broken"]["outside"], 10, "{json}");
    // `/etc/passwd` is repo-relative (missing), `C:` is a path, a backslash is a character.
    assert_eq!(json["broken"]["missing"], 3, "{json}");
    // The pipe exists inside the repository but is never opened for its anchors.
    assert_eq!(json["broken"]["anchor"], 1, "{json}");
    assert_good_answers(&json);
}

#[cfg(unix)]
#[test]
fn a_pipe_named_like_a_document_is_not_read() {
    let dir = hostile_tree(&[]);
    if !mkfifo(&dir.path().join("docs/atomic/good/pipe.md")) {
        eprintln!("note: mkfifo unavailable; a_pipe_named_like_a_document_is_not_read skipped");
        return;
    }
    let (out, json, err) = stats(dir.path());
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert_eq!(json["documents"], 2);
    assert_good_answers(&json);
}

#[cfg(unix)]
#[test]
fn unreadable_files_and_folders_are_skipped_with_warnings() {
    use std::os::unix::fs::PermissionsExt;
    let dir = hostile_tree(&[
        ("docs/atomic/locked/a.md", "# Locked\n"),
        ("docs/atomic/shut/b.md", "# Shut\n"),
    ]);
    // A dangling symlink is unreadable for root too.
    std::os::unix::fs::symlink("gone.md", dir.path().join("docs/atomic/good/dangling.md")).unwrap();
    let file = dir.path().join("docs/atomic/locked/a.md");
    let folder = dir.path().join("docs/atomic/shut");
    fs::set_permissions(&file, fs::Permissions::from_mode(0o000)).unwrap();
    fs::set_permissions(&folder, fs::Permissions::from_mode(0o000)).unwrap();
    let as_root = fs::read(&file).is_ok();
    let (out, json, err) = stats(dir.path());
    fs::set_permissions(&folder, fs::Permissions::from_mode(0o755)).unwrap();
    assert_eq!(out.status.code(), Some(3), "{err}");
    assert!(
        err.contains("warning: docs/atomic/good/dangling.md: cannot read:"),
        "{err}"
    );
    assert!(err.contains("; skipped"), "{err}");
    if as_root {
        // Root ignores permission bits: the locked file and folder are read like any other.
        eprintln!(
            "note: running as root; permission-denied cases checked only via the dangling symlink"
        );
        assert_eq!(json["documents"], 4);
    } else {
        assert!(
            err.contains("docs/atomic/locked/a.md: cannot read"),
            "{err}"
        );
        assert!(err.contains("docs/atomic/shut"), "{err}");
        assert_eq!(json["documents"], 2);
    }
    assert_good_answers(&json);
}

#[test]
fn an_empty_tree_answers_zero() {
    let dir = tree(&[("docs/atomic/.gitkeep", "")]);
    let (out, json, err) = stats(dir.path());
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(err.is_empty(), "{err}");
    assert_eq!(json["documents"], 0);
    assert_eq!(json["orphans"], 0);
    let table = atomdoc(dir.path()).arg("stats").output().unwrap();
    assert_eq!(table.status.code(), Some(0));
}

#[test]
fn a_tree_with_only_a_template_has_no_documents() {
    let dir = tree(&[(
        "docs/atomic/TEMPLATE.md",
        "# {Title}\n\n## Related Documents\n\n- `docs/atomic/{cat}/{x}.md`\n- [x](nowhere.md)\n",
    )]);
    let (out, json, err) = stats(dir.path());
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert_eq!(json["documents"], 0);
    assert_eq!(json["broken"]["placeholder"], 0);
    assert_eq!(json["broken"]["missing"], 0);
}

#[test]
fn atomdoc_never_writes_into_the_docs_tree() {
    let dir = hostile_tree(&[("docs/atomic/c/x.md", "# X\n\n[a](../good/a.md)\n")]);
    let docs = dir.path().join("docs");
    let before = listing(&docs);
    let (out, _, err) = stats(dir.path());
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert_eq!(before, listing(&docs));
}

fn listing(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut all = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in fs::read_dir(&d).unwrap() {
            let e = e.unwrap();
            let p = e.path();
            if e.file_type().unwrap().is_dir() {
                stack.push(p.clone());
            }
            all.push(p.strip_prefix(dir).unwrap().to_path_buf());
        }
    }
    all.sort();
    all
}

/// A git checkout can hold symlinks (not pipes or devices): one committed as `atomdoc.toml`,
/// `.gitignore` or `.ignore` pointing at `/dev/zero` would hang a reader that trusted it.
#[cfg(unix)]
#[test]
fn config_and_ignore_files_that_are_symlinks_to_devices_do_not_hang() {
    use std::os::unix::fs::symlink;
    if !Path::new("/dev/zero").exists() {
        eprintln!("note: no /dev/zero; skipped");
        return;
    }
    let dir = hostile_tree(&[]);
    symlink("/dev/zero", dir.path().join("atomdoc.toml")).unwrap();
    let (out, _, err) = stats(dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(
        err.contains("atomdoc.toml: it is a symlink leading outside the repository"),
        "{err}"
    );
    fs::remove_file(dir.path().join("atomdoc.toml")).unwrap();

    // In a folder under the root: that folder is skipped, the rest answered.
    fs::create_dir_all(dir.path().join("docs/atomic/trap")).unwrap();
    fs::write(dir.path().join("docs/atomic/trap/t.md"), "# T\n").unwrap();
    symlink("/dev/zero", dir.path().join("docs/atomic/trap/.gitignore")).unwrap();
    let (out, json, err) = stats(dir.path());
    assert_eq!(out.status.code(), Some(3), "{err}");
    assert!(
        err.contains("warning: docs/atomic/trap/.gitignore: ignore file is not a regular file inside the repository; its folder is skipped"),
        "{err}"
    );
    assert_eq!(json["documents"], 2);
    assert_good_answers(&json);
    fs::remove_file(dir.path().join("docs/atomic/trap/.gitignore")).unwrap();

    // At the repository root (read before the walk starts): nothing is walked.
    symlink("/dev/zero", dir.path().join(".ignore")).unwrap();
    let (out, json, err) = stats(dir.path());
    assert_eq!(out.status.code(), Some(3), "{err}");
    assert!(
        err.contains("warning: .ignore: ignore file is not a regular file"),
        "{err}"
    );
    assert_eq!(json["documents"], 0);
}

#[test]
fn an_oversized_config_file_is_an_error() {
    let dir = hostile_tree(&[]);
    let huge = "# comment\n".repeat(200_000);
    fs::write(dir.path().join("atomdoc.toml"), huge).unwrap();
    let (out, _, err) = stats(dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(
        err.contains("atomdoc.toml") && err.contains("larger than"),
        "{err}"
    );
}

#[cfg(unix)]
#[test]
fn a_config_symlink_inside_the_repository_is_read() {
    let dir = hostile_tree(&[("config/atomdoc.toml", "root = \"docs/atomic/good\"\n")]);
    std::os::unix::fs::symlink("config/atomdoc.toml", dir.path().join("atomdoc.toml")).unwrap();
    let (out, json, err) = stats(dir.path());
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert_eq!(json["documents"], 2);
    assert!(json["by_category"].as_object().unwrap().is_empty());
}

/// Fragment checks are set lookups: 20 000 headings × 20 000 fragment links (to the same file,
/// to another document, to a Markdown file outside the docs root) would otherwise be 10⁹
/// comparisons. Half the fragments match, half do not.
#[test]
fn many_headings_and_many_fragment_links_resolve_quickly_and_right() {
    let n = 20_000;
    let mut headings = String::from("# Many\n\n");
    for i in 0..n {
        headings.push_str(&format!("## Heading {i}\n\n"));
    }
    let mut links = String::from("# Links\n\n");
    for i in 0..n {
        let frag = if i % 2 == 0 {
            format!("heading-{i}")
        } else {
            format!("nope-{i}")
        };
        links.push_str(&format!(
            "[a](heads.md#{frag}) [b](../../guide.md#{}) [c](#LINKS)\n",
            frag.to_uppercase()
        ));
    }
    let dir = hostile_tree(&[
        ("docs/atomic/many/heads.md", &headings),
        ("docs/atomic/many/links.md", &links),
        ("docs/guide.md", &headings),
    ]);
    let (out, json, err) = stats(dir.path());
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert_eq!(json["broken"]["anchor"], n, "{json}");
    assert_eq!(json["edges"]["inline"], n);
    assert_good_answers(&json);
}

#[cfg(target_os = "linux")]
#[test]
fn a_file_name_that_is_not_utf8_is_skipped_with_a_warning() {
    use std::os::unix::ffi::OsStrExt;
    let dir = hostile_tree(&[]);
    let name = std::ffi::OsStr::from_bytes(b"caf\xe9.md");
    let path = dir.path().join("docs/atomic/good").join(name);
    fs::write(&path, "# Latin-1 name\n\n[b](b.md)\n").unwrap();
    let (out, json, err) = stats(dir.path());
    assert_eq!(out.status.code(), Some(3), "{err}");
    assert!(
        err.contains(
            "warning: docs/atomic/good/caf\u{fffd}.md: file name is not valid UTF-8; skipped"
        ),
        "{err}"
    );
    assert_eq!(json["documents"], 2);
    assert_good_answers(&json);
    assert_clean_stderr(&err);
}

/// `cache_dir` in `atomdoc.toml` comes from the repository: it may not send atomdoc's writes
/// outside the repository or into the docs tree. `--cache-dir` is the user's own choice and
/// may point anywhere except into the docs tree.
#[test]
fn cache_folders_never_lead_outside_the_repository_or_into_the_docs_tree() {
    let outside = tempfile::tempdir().unwrap();
    let escape = format!(
        "../{}",
        outside.path().file_name().unwrap().to_string_lossy()
    );
    let cases = [
        format!("cache_dir = \"{escape}/c\"\n"),
        format!("cache_dir = \"{}\"\n", outside.path().join("c").display()),
        "cache_dir = \"docs/atomic/.cache\"\n".to_string(),
        "cache_dir = \"docs/./atomic/good/../c\"\n".to_string(),
    ];
    for config in cases {
        let dir = hostile_tree(&[("atomdoc.toml", &config)]);
        let out = crate::common::atomdoc_cached(dir.path())
            .args(["stats"])
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{config}: {err}");
        assert!(
            err.contains("leads outside the repository") || err.contains("inside the docs root"),
            "{config}: {err}"
        );
        assert!(!dir.path().join("docs/atomic/.cache").exists());
        assert!(!dir.path().join("docs/atomic/c").exists());
    }
    assert_eq!(
        fs::read_dir(outside.path()).unwrap().count(),
        0,
        "nothing written outside"
    );

    // Through a symlink inside the repository that leads out.
    let dir = hostile_tree(&[("atomdoc.toml", "cache_dir = \"cache\"\n")]);
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(outside.path(), dir.path().join("cache")).unwrap();
        let out = crate::common::atomdoc_cached(dir.path())
            .arg("stats")
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2));
        assert_eq!(fs::read_dir(outside.path()).unwrap().count(), 0);
    }

    // --cache-dir inside the docs tree is refused; outside the repository it is fine.
    let dir = hostile_tree(&[]);
    let out = crate::common::atomdoc_cached(dir.path())
        .arg("--cache-dir")
        .arg(dir.path().join("docs/atomic/good/c"))
        .arg("stats")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(!dir.path().join("docs/atomic/good/c").exists());
    let out = crate::common::atomdoc_cached(dir.path())
        .arg("--cache-dir")
        .arg(outside.path().join("mine"))
        .arg("stats")
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(outside.path().join("mine").exists());
}

/// The caps reach the cached path too: a capped file is skipped and a capped link list is
/// reported on the first (full) run and on the next (snapshot) run alike.
#[test]
fn caps_hold_with_the_cache() {
    let mut many = String::from("# Many\n\n");
    for _ in 0..30 {
        many.push_str("[b](../good/b.md)\n");
    }
    let big = "# Big\n\n".to_string() + &"x".repeat(10_000);
    let dir = hostile_tree(&[
        (
            "atomdoc.toml",
            "[limits]\nmax_file_bytes = 5000\nmax_links_per_file = 7\n",
        ),
        ("docs/atomic/many/links.md", &many),
        ("docs/atomic/big/big.md", &big),
    ]);
    for run in ["first", "second"] {
        let out = crate::common::atomdoc_cached(dir.path())
            .args(["stats", "--format", "json"])
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(3), "{run}: {err}");
        assert!(
            err.contains("docs/atomic/many/links.md: has 30 links; only the first 7"),
            "{run}: {err}"
        );
        assert!(
            err.contains("docs/atomic/big/big.md: 10007 bytes is over the 5000-byte limit"),
            "{run}: {err}"
        );
        let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(json["edges"]["inline"], 7, "{run}");
        assert_eq!(json["documents"], 3, "{run}");
    }
}

/// A saved query is a file the repository provides: a committed symlink to a device or to a
/// file outside the repository is refused, not read.
#[cfg(unix)]
#[test]
fn a_saved_query_that_is_a_symlink_out_of_the_repository_is_refused() {
    let dir = hostile_tree(&[(".atomdoc/queries/ok.aq", "orphans\n")]);
    let queries = dir.path().join(".atomdoc/queries");
    std::os::unix::fs::symlink("/dev/zero", queries.join("zero.aq")).unwrap();
    let outside = tree(&[("secret.aq", "docs where title = \"secret\"\n")]);
    std::os::unix::fs::symlink(outside.path().join("secret.aq"), queries.join("leak.aq")).unwrap();
    for name in ["@zero", "@leak"] {
        let out = atomdoc(dir.path())
            .args(["query", name])
            .timeout(Duration::from_secs(120))
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{name}: {err}");
        assert!(
            err.contains("symlink leading outside the repository"),
            "{err}"
        );
        assert!(!err.contains("secret"), "{err}");
    }
    let out = atomdoc(dir.path()).args(["query", "@ok"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
}
