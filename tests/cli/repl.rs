//! The REPL: piped sessions against golden transcripts, and an end-to-end session in a real
//! terminal under tmux.
//!
//! Golden sessions: `tests/golden/repl/NAME.in` is fed to `atomdoc repl` on standard input
//! (on a fresh copy of the sample repository); `NAME.out` holds stdout, stderr and the exit
//! status. `ATOMDOC_BLESS=1 cargo test --test cli repl` rewrites the transcripts.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::common::{Tmux, atomdoc, project, sample};

/// A copy of the sample repository in a temporary folder (the REPL writes `.atomdoc/`).
fn sample_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    copy_dir(&sample(), dir.path());
    dir
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// Runs `atomdoc repl` with `input` on stdin; returns the transcript.
fn piped(repo: &Path, args: &[&str], input: &str) -> String {
    let out = atomdoc(repo)
        .args(args)
        .write_stdin(input.to_string())
        .output()
        .expect("runs");
    let text = |b: &[u8]| String::from_utf8_lossy(b).replace(&repo.display().to_string(), "<repo>");
    format!(
        "--- stdout\n{}--- stderr\n{}--- status {}\n",
        text(&out.stdout),
        text(&out.stderr),
        out.status.code().map_or("signal".into(), |c| c.to_string())
    )
}

fn golden_dir() -> PathBuf {
    project().join("tests/golden/repl")
}

#[test]
fn piped_sessions_match_golden_transcripts() {
    let mut names: Vec<String> = std::fs::read_dir(golden_dir())
        .unwrap()
        .flatten()
        .filter_map(|e| {
            let name = e.file_name().into_string().ok()?;
            name.strip_suffix(".in").map(str::to_string)
        })
        .collect();
    names.sort();
    assert!(!names.is_empty());
    let mut failures = Vec::new();
    for name in &names {
        let input = std::fs::read_to_string(golden_dir().join(format!("{name}.in"))).unwrap();
        let repo = sample_copy();
        let actual = piped(repo.path(), &["repl"], &input);
        if let Some(diff) = crate::common::golden_diff(&format!("repl/{name}.out"), &actual) {
            failures.push(format!("{name}: transcript differs: {diff}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn plain_atomdoc_with_piped_stdin_reads_queries() {
    let repo = sample_copy();
    let with_repl = piped(repo.path(), &["repl"], "stats\n");
    let plain = piped(repo.path(), &[], "stats\n");
    assert_eq!(plain, with_repl);
    assert!(plain.contains("orphans"), "{plain}");
    assert!(plain.ends_with("--- status 0\n"), "{plain}");
}

/// `atomdoc query @NAME`, the REPL's `:run NAME` and its `@NAME` read a saved query one way:
/// comments skipped, exactly one query, the same message when that fails.
#[test]
fn saved_queries_are_read_one_way_by_every_face() {
    let repo = sample_copy();
    let queries = repo.path().join(".atomdoc/queries");
    std::fs::create_dir_all(&queries).unwrap();
    std::fs::write(
        queries.join("two.aq"),
        "# two
orphans
stats
",
    )
    .unwrap();
    std::fs::write(
        queries.join("none.aq"),
        "# nothing here

",
    )
    .unwrap();
    std::fs::write(
        queries.join("bad.aq"),
        "# a typo on line 2
docs wher
",
    )
    .unwrap();
    for (name, expected) in [
        ("two", "two.aq holds 2 queries; a saved query holds one"),
        ("none", "none.aq holds no query"),
        ("bad", "bad.aq:2:"),
    ] {
        let one_shot = atomdoc(repo.path())
            .args(["query", &format!("@{name}")])
            .output()
            .unwrap();
        let one_shot = String::from_utf8_lossy(&one_shot.stderr).to_string();
        assert!(one_shot.contains(expected), "{name}: {one_shot}");
        let session = piped(
            repo.path(),
            &["repl"],
            &format!(
                ":run {name}
@{name}
"
            ),
        );
        assert_eq!(session.matches(expected).count(), 2, "{name}: {session}");
    }
}

#[test]
fn saved_queries_are_files_the_next_session_runs() {
    let repo = sample_copy();
    let first = piped(repo.path(), &["repl"], ":save counts stats\n");
    assert!(
        first.contains("saved `counts` to .atomdoc/queries/counts.aq"),
        "{first}"
    );
    let file = std::fs::read_to_string(repo.path().join(".atomdoc/queries/counts.aq")).unwrap();
    assert!(file.lines().any(|l| l == "stats"), "{file}");
    let second = piped(repo.path(), &["repl"], ":run\n:run counts\n");
    assert!(second.contains("counts: stats"), "{second}");
    assert!(second.contains("documents"), "{second}");
    // The one-shot command runs the same file.
    let one_shot = crate::common::run_ok(repo.path(), &["query", "@counts"]);
    assert!(second.contains(&one_shot), "{one_shot}\n---\n{second}");
    // Nothing was written into the docs tree.
    let stray: Vec<_> = walk(&repo.path().join("docs"))
        .into_iter()
        .filter(|p| !sample().join(p.strip_prefix(repo.path()).unwrap()).exists())
        .collect();
    assert!(stray.is_empty(), "{stray:?}");
}

#[test]
fn reload_picks_up_files_edited_during_the_session() {
    use std::io::{BufRead, BufReader, Write};
    let repo = sample_copy();
    let bin = assert_cmd::cargo::cargo_bin("atomdoc");
    let mut child = Command::new(bin)
        .env("NO_COLOR", "1")
        .arg("--repo")
        .arg(repo.path())
        .arg("repl")
        .stdin(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    // Piped, what `:reload` says goes to stderr (stdout holds answers only).
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    let mut reload = || -> String {
        writeln!(stdin, ":reload").unwrap();
        stdin.flush().unwrap();
        loop {
            let mut line = String::new();
            assert_ne!(stderr.read_line(&mut line).unwrap(), 0, "stderr closed");
            if line.starts_with("reloaded") {
                return line;
            }
        }
    };
    let first = reload();
    assert_eq!(first, "reloaded: 37 documents (was 37)\n");
    std::fs::write(
        repo.path().join("docs/atomic/testing/new-topic.md"),
        "# New\n",
    )
    .unwrap();
    assert_eq!(reload(), "reloaded: 38 documents (was 37)\n");
    drop(stdin);
    assert!(child.wait().unwrap().success());
}

#[test]
fn export_draws_the_last_answer_outside_the_docs_tree() {
    let repo = sample_copy();
    let out_dir = tempfile::tempdir().unwrap();
    let dot = out_dir.path().join("orphans.dot");
    let inside = repo.path().join("docs/atomic/graph.dot");
    let input = format!(
        ":export dot {dot}\norphans in services\n:export dot {dot}\n:export svg x.svg\n:export dot {inside}\nstats\n:export dot {dot}\n",
        dot = dot.display(),
        inside = inside.display()
    );
    let transcript = piped(repo.path(), &["repl"], &input);
    assert!(transcript.contains("nothing to draw yet"), "{transcript}");
    assert!(
        transcript.contains("orphans.dot (1 node, 0 edges)"),
        "{transcript}"
    );
    assert!(
        transcript.contains("cannot export as `svg`"),
        "{transcript}"
    );
    assert!(transcript.contains("refusing to write"), "{transcript}");
    assert!(transcript.contains("summary table"), "{transcript}");
    assert!(transcript.ends_with("--- status 2\n"), "{transcript}");
    let text = std::fs::read_to_string(&dot).unwrap();
    assert!(text.starts_with("digraph"), "{text}");
    assert!(
        text.contains("docs/atomic/services/service-catalog.md"),
        "{text}"
    );
    assert!(!inside.exists());
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}

#[test]
fn end_to_end_in_a_real_terminal() {
    let repo = sample_copy();
    let home = tempfile::tempdir().unwrap();
    let bin = assert_cmd::cargo::cargo_bin("atomdoc");
    let command = format!(
        "env -u XDG_DATA_HOME NO_COLOR=1 HOME={home} {bin} --repo {repo} repl; echo SESSION-ENDED; sleep 30",
        home = home.path().display(),
        bin = bin.display(),
        repo = repo.path().display(),
    );
    let Some(t) = Tmux::start(&command, repo.path()) else {
        return;
    };
    let banner = t.wait_for("atomdoc>");
    assert!(
        banner.contains("37 documents") && banner.contains(":help"),
        "{banner}"
    );

    // Tab after `in` lists the categories and subcategories.
    t.send(&["orphans in ", "Tab"]);
    let pane = t.wait_for("observability");
    for name in ["integrations", "services", "testing", "integrations/redis"] {
        assert!(pane.contains(name), "{name} not offered:\n{pane}");
    }
    // A unique start completes to the longest common prefix; Enter answers.
    t.send(&["serv", "Tab"]);
    t.wait_for("atomdoc> orphans in services");
    t.send(&["Enter"]);
    let pane = t.wait_for("1 document");
    // The table fits the 100 columns: the path is cut from the left, its file name kept.
    assert!(pane.contains("…/services/service-catalog.md"), "{pane}");

    // A grey hint from the grammar, accepted with the right arrow.
    t.send(&["C-l", "hubs lim"]);
    t.wait_for("atomdoc> hubs limit");
    t.send(&["Right", " 2", "Enter"]);
    let pane = t.wait_for("2 documents");
    assert!(pane.contains("message-consuming.md"), "{pane}");

    // Ctrl-C drops the line being edited; the next line starts clean.
    t.send(&["C-l"]);
    t.wait_until("a cleared screen", |pane| {
        pane.matches("atomdoc>").count() == 1
    });
    t.send(&["docs where wor"]);
    t.wait_for("atomdoc> docs where wor");
    t.send(&["C-c"]);
    // Keys typed before the fresh prompt is up may be read by the cancelled line's reader.
    t.wait_until("a fresh prompt", |pane| {
        pane.matches("atomdoc>").count() == 2
    });
    t.send(&["orphans by related", "Enter"]);
    let pane = t.wait_for("7 documents");
    assert!(!pane.contains("error"), "the cancelled line ran:\n{pane}");

    // A typo shows an error and the REPL keeps going.
    t.send(&[":frobnicate", "Enter"]);
    t.wait_for("unknown command `:frobnicate`");

    // Ctrl-D leaves; the history was saved in the user's data folder, not in the repository.
    t.send(&["C-d"]);
    t.wait_for("SESSION-ENDED");
    assert!(t.alive());
    let history =
        std::fs::read_to_string(home.path().join(".local/share/atomdoc/history")).unwrap();
    assert!(history.contains("orphans in services"), "{history}");
    assert!(!repo.path().join(".atomdoc/history").exists());
}

/// A missing tool skips a test on a developer's machine but fails it under `CI=true`.
#[test]
fn a_missing_tool_fails_under_ci() {
    let missing = "atomdoc-test-no-such-tool";
    assert!(!crate::common::tool_present(missing, "-V", false));
    assert!(std::panic::catch_unwind(|| crate::common::tool_present(missing, "-V", true)).is_err());
}
