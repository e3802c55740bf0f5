//! Foundation: locating the tree, scanning, bad input, `stats`.

use std::fs;

use crate::common::{atomdoc, run_ok, sample, tree};

fn stats_json(repo: &std::path::Path, extra: &[&str]) -> serde_json::Value {
    let mut args = extra.to_vec();
    args.extend(["stats", "--format", "json"]);
    serde_json::from_str(&run_ok(repo, &args)).expect("valid JSON")
}

#[test]
fn sample_stats_match_golden_files() {
    let json = run_ok(&sample(), &["stats", "--format", "json"]);
    crate::common::golden("sample-stats.json", &json);
    let table = run_ok(&sample(), &["stats"]);
    crate::common::golden("sample-stats.txt", &table);
}

#[test]
fn global_flags_work_after_the_subcommand() {
    let out = atomdoc(&sample())
        .args(["stats", "--root", "docs/atomic/integrations"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.starts_with("documents"), "{text}");
}

#[test]
fn missing_docs_root_is_a_usage_error_naming_the_path() {
    let dir = tree(&[("README.md", "# hi\n")]);
    let out = atomdoc(dir.path()).arg("stats").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("docs root `docs/atomic` not found"), "{err}");
    assert!(err.contains("--root"), "{err}");

    // A file where the folder should be is named as such.
    let out = atomdoc(dir.path())
        .args(["--root", "README.md", "stats"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("`README.md`") && err.contains("is a file, not a folder"),
        "{err}"
    );
}

#[test]
fn root_and_link_settings_come_from_atomdoc_toml() {
    let dir = tree(&[
        (
            "atomdoc.toml",
            "root = \"src\"\n[links]\ncode_span_prefixes = [\"src/\"]\n",
        ),
        ("src/a.md", "# A\n\n## See Also\n\n- `src/b.md`\n"),
        ("src/b.md", "# B\n\n[a](a.md)\n"),
    ]);
    let stats = stats_json(dir.path(), &[]);
    assert_eq!(stats["documents"], 2);
    assert_eq!(stats["edges"]["related"], 1);
    assert_eq!(stats["edges"]["inline"], 1);
    assert_eq!(stats["orphans"], 0);
}

#[test]
fn unknown_config_key_is_an_error_naming_it() {
    let dir = tree(&[
        ("atomdoc.toml", "rot = \"docs\"\n"),
        ("docs/atomic/a.md", "# A\n"),
    ]);
    let out = atomdoc(dir.path()).arg("stats").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("atomdoc.toml") && err.contains("rot"), "{err}");
}

#[test]
fn repository_is_discovered_from_the_current_directory() {
    let dir = tree(&[("atomdoc.toml", ""), ("docs/atomic/cat/a.md", "# A\n")]);
    let mut cmd = assert_cmd::Command::cargo_bin("atomdoc").unwrap();
    let out = cmd
        .current_dir(dir.path().join("docs/atomic/cat"))
        .args(["stats", "--format", "json"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stats: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(stats["documents"], 1);
}

#[test]
fn hidden_folders_gitignore_and_non_markdown_are_skipped() {
    let dir = tree(&[
        (".gitignore", "docs/atomic/drafts/\n"),
        ("docs/atomic/a.md", "# A\n"),
        ("docs/atomic/.hidden/b.md", "# B\n"),
        ("docs/atomic/drafts/c.md", "# C\n"),
        ("docs/atomic/notes.txt", "x"),
        ("docs/atomic/legacy.mdc", "# L\n"),
        (
            "docs/atomic/.dotfile.md",
            "# Hidden files are documents; hidden folders are not\n",
        ),
    ]);
    assert_eq!(stats_json(dir.path(), &[])["documents"], 2);
}

#[test]
fn non_utf8_files_are_decoded_with_a_warning() {
    let dir = tree(&[("docs/atomic/cat/b.md", "# B\n")]);
    fs::write(
        dir.path().join("docs/atomic/cat/a.md"),
        b"# Caf\xe9\n\n[b](b.md)\n",
    )
    .unwrap();
    let out = atomdoc(dir.path())
        .args(["stats", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("docs/atomic/cat/a.md") && err.contains("UTF-8"),
        "{err}"
    );
    let stats: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(stats["documents"], 2);
    assert_eq!(stats["edges"]["inline"], 1);
}

#[cfg(unix)]
#[test]
fn unreadable_files_are_skipped_with_a_warning_and_exit_3() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tree(&[
        ("docs/atomic/a.md", "# A\n"),
        ("docs/atomic/secret.md", "# S\n"),
    ]);
    let secret = dir.path().join("docs/atomic/secret.md");
    fs::set_permissions(&secret, fs::Permissions::from_mode(0o000)).unwrap();
    if fs::read(&secret).is_ok() {
        // Running as root: permissions do not stop reads, so there is nothing to test.
        return;
    }
    let out = atomdoc(dir.path())
        .args(["stats", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&out.stderr).contains("secret.md"));
    let stats: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(stats["documents"], 1);
}

#[cfg(unix)]
#[test]
fn symlink_loops_and_escapes_are_not_followed() {
    let outside = tree(&[("secret.md", "# Outside\n")]);
    let dir = tree(&[("docs/atomic/a.md", "# A\n\n[s](out/secret.md)\n")]);
    let root = dir.path().join("docs/atomic");
    std::os::unix::fs::symlink(&root, root.join("loop")).unwrap();
    std::os::unix::fs::symlink(outside.path(), root.join("out")).unwrap();
    let out = atomdoc(dir.path())
        .args(["stats", "--format", "json"])
        .output()
        .unwrap();
    let stats: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        stats["documents"], 1,
        "neither the loop nor the escape adds documents"
    );
    assert_eq!(
        stats["broken"]["outside"], 1,
        "a link through an escaping symlink is outside"
    );
}

#[test]
fn empty_tree_and_template_only_tree() {
    let dir = tree(&[("docs/atomic/.keep", "")]);
    let stats = stats_json(dir.path(), &[]);
    assert_eq!(stats["documents"], 0);
    let dir = tree(&[(
        "docs/atomic/TEMPLATE.md",
        "# {Topic Title}\n\n- `docs/atomic/{category}/{x}.md`\n",
    )]);
    let stats = stats_json(dir.path(), &[]);
    assert_eq!(stats["documents"], 0);
    assert_eq!(
        stats["broken"]["placeholder"], 0,
        "the template is not a document"
    );
}

#[test]
fn huge_and_deep_files_work() {
    let big = "# Big\n\n".to_string() + &"Some words and a [link](b.md) here.\n\n".repeat(400_000);
    let deep = "> ".repeat(10_000) + "deep\n";
    // 15 MB: over the default 4 MiB cap, which a repository raises for files this big.
    let dir = tree(&[
        ("atomdoc.toml", "[limits]\nmax_file_bytes = 67108864\n"),
        ("docs/atomic/big.md", &big),
        ("docs/atomic/deep.md", &deep),
        ("docs/atomic/b.md", "# B\n"),
    ]);
    let stats = stats_json(dir.path(), &[]);
    assert_eq!(stats["documents"], 3);
    assert_eq!(stats["edges"]["inline"], 400_000);
}
