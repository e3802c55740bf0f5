//! `atomdoc watch`: in a real terminal under tmux (the answer redrawn within two seconds of an
//! edit, Ctrl-C restoring the screen), and piped (answers appended, plain text).

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use crate::common::{Tmux, copy_tree, sample};

/// The orphan the edits below link to.
const ORPHAN: &str = "docs/atomic/infrastructure/health-checks.md";
/// What a 100-column terminal shows of [`ORPHAN`]: the table cuts paths from the left.
const ORPHAN_SHOWN: &str = "infrastructure/health-checks.md";

/// Gives the orphan an incoming link from another document.
fn link_to_the_orphan(repo: &std::path::Path) {
    let page = repo.join("docs/atomic/infrastructure/environment-variables.md");
    let mut text = std::fs::read_to_string(&page).unwrap();
    text.push_str("\nSee also [health checks](health-checks.md).\n");
    std::fs::write(page, text).unwrap();
}

#[test]
fn an_edit_redraws_the_answer_in_a_terminal() {
    let dir = copy_tree(&sample());
    let repo = dir.path();
    let command = format!(
        "NO_COLOR=1 {} --repo {} watch orphans; echo \"watch ended: $?\"; sleep 60",
        env!("CARGO_BIN_EXE_atomdoc"),
        repo.display()
    );
    let Some(tmux) = Tmux::start(&command, repo) else {
        return;
    };
    let first = tmux.wait_for("4 documents");
    assert!(first.contains("atomdoc watch: orphans at "), "{first}");
    assert!(first.contains(ORPHAN_SHOWN), "{first}");

    link_to_the_orphan(repo);
    // The bound: the screen changes within two seconds of the edit.
    let after = tmux.wait_within(
        Duration::from_secs(2),
        "the orphan gone from the answer",
        |pane| pane.contains("3 documents") && !pane.contains(ORPHAN_SHOWN),
    );
    assert!(after.contains("services/service-catalog.md"), "{after}");

    // Ctrl-C ends it with status 0 and the alternate screen is gone.
    tmux.send(&["C-c"]);
    let end = tmux.wait_for("watch ended: 0");
    assert!(!end.contains("atomdoc watch: orphans"), "{end}");
}

#[test]
fn piped_answers_are_appended_as_plain_text() {
    let dir = copy_tree(&sample());
    let repo = dir.path();
    let mut child = Command::new(env!("CARGO_BIN_EXE_atomdoc"))
        .arg("--repo")
        .arg(repo)
        .args(["watch", "orphans"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("atomdoc watch starts");
    let stdout = child.stdout.take().unwrap();
    let (tx, lines) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let patience = Duration::from_secs(60);
    let mut seen = Vec::new();
    let read_until = |text: &str, seen: &mut Vec<String>| loop {
        let line = lines
            .recv_timeout(patience)
            .unwrap_or_else(|e| panic!("never printed {text:?} ({e}): {seen:#?}"));
        let done = line.contains(text);
        seen.push(line);
        if done {
            break;
        }
    };
    read_until("4 documents", &mut seen);
    link_to_the_orphan(repo);
    read_until("3 documents", &mut seen);

    // Ctrl-C (SIGINT) ends it cleanly.
    let status = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    assert_eq!(child.wait().unwrap().code(), Some(0));

    let all = seen.join("\n");
    assert!(!all.contains('\x1b'), "no escape codes when piped: {all:?}");
    let headers = seen
        .iter()
        .filter(|l| l.starts_with("atomdoc watch: orphans at "))
        .count();
    assert_eq!(headers, 2, "{all}");
    assert!(all.contains(ORPHAN));
}

#[test]
fn a_bad_query_is_a_usage_error_before_watching() {
    let dir = copy_tree(&sample());
    let out = crate::common::atomdoc(dir.path())
        .args(["watch", "orphans", "inn", "services"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("--> query:1:"), "{err}");
}
