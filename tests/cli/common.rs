//! Helpers shared by the integration tests.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

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
        .env_remove("COLUMNS")
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

pub fn copy_into(from: &Path, to: &Path) {
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

/// The one bless variable: `ATOMDOC_BLESS=1 cargo test --test cli` rewrites every golden
/// file from the actual output instead of comparing; review the diff before committing.
pub const BLESS: &str = "ATOMDOC_BLESS";

/// Compares `actual` with the golden file `tests/golden/<name>` and returns the difference
/// as a message, or `None` when they agree (or after rewriting it under [`BLESS`]).
pub fn golden_diff(name: &str, actual: &str) -> Option<String> {
    let path = project().join("tests/golden").join(name);
    if std::env::var_os(BLESS).is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, actual).unwrap();
        return None;
    }
    let Ok(expected) = std::fs::read_to_string(&path) else {
        return Some(format!(
            "missing golden file {}; run with {BLESS}=1",
            path.display()
        ));
    };
    (expected != actual).then(|| {
        format!(
            "output differs from {} ({BLESS}=1 rewrites it)\n=== expected\n{expected}=== actual\n{actual}",
            path.display()
        )
    })
}

/// Asserts that `actual` equals the golden file `tests/golden/<name>` (see [`golden_diff`]).
pub fn golden(name: &str, actual: &str) {
    if let Some(diff) = golden_diff(name, actual) {
        panic!("{diff}");
    }
}

/// Whether the external program `tool` runs (`tool <probe>`). A test that needs it skips
/// with a note when it is missing, except under `CI=true`, where it fails: CI installs its
/// tools (`.ci/run`), so a missing one there is a broken setup, not a reason to pass.
pub fn have_tool(tool: &str, probe: &str) -> bool {
    tool_present(tool, probe, std::env::var("CI").is_ok_and(|v| v == "true"))
}

/// [`have_tool`] with the CI setting given.
pub fn tool_present(tool: &str, probe: &str, ci: bool) -> bool {
    if std::process::Command::new(tool).arg(probe).output().is_ok() {
        return true;
    }
    assert!(
        !ci,
        "`{tool}` is not installed and CI=true: install it (`.ci/run` does) so this test runs"
    );
    eprintln!("note: `{tool}` is not installed; skipping what needs it");
    false
}

/// A tmux server of our own (its own socket in a temporary folder), killed when the test
/// ends.
pub struct Tmux {
    socket: String,
    _dir: tempfile::TempDir,
}

impl Tmux {
    pub fn start(command: &str, cwd: &Path) -> Option<Tmux> {
        Tmux::start_sized(command, cwd, 100, 30)
    }

    /// [`Tmux::start`] in a terminal of `width` columns and `height` lines.
    pub fn start_sized(command: &str, cwd: &Path, width: u16, height: u16) -> Option<Tmux> {
        if !crate::common::have_tool("tmux", "-V") {
            return None;
        }
        let dir = tempfile::tempdir().expect("temp dir");
        let socket = dir.path().join("tmux.sock").display().to_string();
        let status = std::process::Command::new("tmux")
            .args(["-S", &socket, "-f", "/dev/null", "new-session", "-d"])
            .args([
                "-s",
                "repl",
                "-x",
                &width.to_string(),
                "-y",
                &height.to_string(),
            ])
            .arg("-c")
            .arg(cwd)
            .arg(command)
            .status()
            .expect("tmux runs");
        assert!(status.success(), "tmux new-session failed");
        Some(Tmux { socket, _dir: dir })
    }

    pub fn tmux(&self, args: &[&str]) -> String {
        let out = std::process::Command::new("tmux")
            .args(["-S", &self.socket])
            .args(args)
            .output()
            .expect("tmux runs");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    pub fn send(&self, keys: &[&str]) {
        let mut args = vec!["send-keys", "-t", "repl"];
        args.extend(keys);
        self.tmux(&args);
    }

    pub fn pane(&self) -> String {
        self.tmux(&["capture-pane", "-p", "-t", "repl"])
    }

    /// The pane with the lines the terminal wrapped joined again, so a line printed wider
    /// than the terminal shows as one line wider than it.
    pub fn joined_pane(&self) -> String {
        self.tmux(&["capture-pane", "-p", "-J", "-t", "repl"])
    }

    /// Waits until the pane shows `text` (up to a generous limit; this is not a timing
    /// assertion, only how long we are willing to wait for a slow machine).
    pub fn wait_for(&self, text: &str) -> String {
        self.wait_until(&format!("{text:?}"), |pane| pane.contains(text))
    }

    pub fn wait_until(&self, what: &str, done: impl Fn(&str) -> bool) -> String {
        self.wait_within(Duration::from_secs(60), what, done)
    }

    /// [`Tmux::wait_until`] with the limit given.
    pub fn wait_within(&self, limit: Duration, what: &str, done: impl Fn(&str) -> bool) -> String {
        let start = Instant::now();
        loop {
            let pane = self.pane();
            if done(&pane) {
                return pane;
            }
            assert!(
                start.elapsed() < limit,
                "the pane never showed {what}:\n{pane}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    pub fn alive(&self) -> bool {
        std::process::Command::new("tmux")
            .args(["-S", &self.socket, "has-session", "-t", "repl"])
            .output()
            .is_ok_and(|o| o.status.success())
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = std::process::Command::new("tmux")
            .args(["-S", &self.socket, "kill-server"])
            .output();
    }
}
