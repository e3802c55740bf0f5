//! `atomdoc check` and `atomdoc coverage`: rules, formats, exit statuses, baseline,
//! suppression.

use std::process::Stdio;

use crate::common::{atomdoc, sample};

#[test]
fn sample_check_fails_on_broken_links() {
    let out = atomdoc(&sample()).arg("check").output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("error[AD010]: broken link"), "{text}");
    assert!(text.lines().last().unwrap().starts_with("Found "), "{text}");
}

#[test]
fn closed_pipe_exits_quietly() {
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("atomdoc"))
        .args(["--repo"])
        .arg(sample())
        .args(["check", "--format", "json"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Close our end of stdout before atomdoc writes: every write then fails with EPIPE.
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!err.contains("Broken pipe"), "{err}");
    assert_ne!(out.status.code(), Some(2), "{err}");
}
