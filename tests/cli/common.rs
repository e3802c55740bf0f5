//! Helpers shared by the integration tests.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

use assert_cmd::Command;

/// The repository's own folder.
pub fn project() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A fixture tree under `tests/fixtures/`.
pub fn fixture(name: &str) -> PathBuf {
    project().join("tests/fixtures").join(name)
}

/// The bundled sample repository.
pub fn sample() -> PathBuf {
    project().join("examples/sample")
}

/// `atomdoc --repo <repo> --no-cache` with colour off and a clean environment. Without a
/// cache nothing is written, so tests may run it on the bundled sample and the fixtures.
pub fn atomdoc(repo: &Path) -> Command {
    let mut cmd = atomdoc_cached(repo);
    cmd.arg("--no-cache");
    cmd
}

/// `atomdoc --repo <repo>` with the default cache settings: only for trees in a temporary
/// folder (or with `--cache-dir` pointing at one).
pub fn atomdoc_cached(repo: &Path) -> Command {
    let mut cmd = Command::cargo_bin("atomdoc").expect("binary builds");
    cmd.env("NO_COLOR", "1")
        .env_remove("CLICOLOR_FORCE")
        .arg("--repo")
        .arg(repo);
    cmd
}

/// Copies the folder `from` into a fresh temporary folder and returns it.
pub fn copy_tree(from: &Path) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    copy_into(from, dir.path());
    dir
}

fn copy_into(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            if entry.file_name() != ".atomdoc" {
                copy_into(&entry.path(), &target);
            }
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// Runs `atomdoc --repo <repo> <args>` and returns stdout, asserting the exit status.
pub fn run_ok(repo: &Path, args: &[&str]) -> String {
    let out = atomdoc(repo).args(args).output().expect("runs");
    assert_eq!(
        out.status.code(),
        Some(0),
        "atomdoc {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8 output")
}

/// Writes `files` (path, content) under a fresh temporary folder and returns it.
pub fn tree(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    for (path, text) in files {
        let full = dir.path().join(path);
        std::fs::create_dir_all(full.parent().unwrap()).unwrap();
        std::fs::write(full, text).unwrap();
    }
    dir
}
