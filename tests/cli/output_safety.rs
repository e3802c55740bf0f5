//! Output safety: text that comes from the docs tree (file and folder names, titles,
//! headings, link targets) cannot inject terminal escapes, break lines, or break the structure
//! of JSON output. A module per printer as the printers land.

use std::path::Path;

use crate::common::atomdoc;

/// Bytes that try to colour the terminal, move the cursor, set the window title, start a new
/// line, or reverse the display order.
const EVIL: &str = "e\u{1b}[31mvil\u{1b}]0;owned\u{7}\n\r\u{202e}x";

fn evil_tree() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("docs/atomic").join(EVIL);
    std::fs::create_dir_all(&folder).unwrap();
    std::fs::write(
        folder.join(format!("{EVIL}.md")),
        format!("# {EVIL}\n\n[x](<{EVIL}.md#{EVIL}>)\n"),
    )
    .unwrap();
    // A dangling symlink whose OS error message repeats the evil name.
    #[cfg(unix)]
    std::os::unix::fs::symlink("gone", folder.join("dangling.md")).unwrap();
    dir
}

fn assert_inert(text: &str) {
    assert!(!text.contains('\u{1b}'), "raw ESC in {text:?}");
    assert!(!text.contains('\u{7}'), "raw BEL in {text:?}");
    assert!(!text.contains('\r'), "raw CR in {text:?}");
    assert!(!text.contains('\u{202e}'), "raw RLO in {text:?}");
}

fn run(repo: &Path, args: &[&str]) -> (String, String) {
    let out = atomdoc(repo).args(args).output().unwrap();
    (
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn stats_table_and_warnings_escape_names_from_the_tree() {
    let dir = evil_tree();
    let (out, err) = run(dir.path(), &["stats"]);
    assert_inert(&out);
    assert_inert(&err);
    assert!(
        out.contains(r"in e\u{1b}[31mvil\u{1b}]0;owned\u{7}\n\r\u{202e}x"),
        "{out}"
    );
    // One line per warning, even though the OS error quotes the name.
    for line in err.lines() {
        assert!(line.starts_with("warning: "), "{line:?}");
    }
    assert!(err.contains("dangling.md: cannot read"), "{err}");
}

#[test]
fn stats_json_encodes_names_as_json_strings() {
    let dir = evil_tree();
    let (out, _) = run(dir.path(), &["stats", "--format", "json"]);
    // JSON is data: control characters are `\u` escapes; other characters (the bidi override
    // too) are kept as they are so the name round-trips.
    assert!(!out.chars().any(|c| c.is_control() && c != '\n'), "{out:?}");
    let json: serde_json::Value = serde_json::from_str(&out).expect("valid JSON");
    assert_eq!(json["by_category"][EVIL], 1, "the name round-trips exactly");
}

/// Titles that a spreadsheet would run as formulas, or that carry terminal escapes.
fn formula_tree() -> tempfile::TempDir {
    crate::common::tree(&[
        ("docs/atomic/c/eq.md", "# =HYPERLINK(\"http://x\",\"y\")\n"),
        ("docs/atomic/c/plus.md", "# +1+1\n"),
        ("docs/atomic/c/minus.md", "# -2+3\n"),
        ("docs/atomic/c/at.md", "# @SUM(A1)\n"),
        ("docs/atomic/c/tab.md", "# \tx\n"),
        (
            "docs/atomic/c/esc.md",
            "# red \u{1b}[31mtitle\u{1b}[0m \u{202e}x\n",
        ),
        ("docs/atomic/c/plain.md", "# Plain = fine\n"),
    ])
}

#[test]
fn query_csv_guards_formulas_and_keeps_plain_text() {
    let dir = formula_tree();
    let (out, _) = run(dir.path(), &["query", "docs", "--format", "csv"]);
    let mut reader = csv::Reader::from_reader(out.as_bytes());
    let headers = reader.headers().unwrap().clone();
    let title = headers.iter().position(|h| h == "title").unwrap();
    let titles: Vec<String> = reader
        .records()
        .map(|r| r.unwrap()[title].to_string())
        .collect();
    for t in &titles {
        assert!(
            !t.starts_with(['=', '+', '-', '@', '\t', '\r']),
            "a formula reaches the spreadsheet: {t:?}"
        );
    }
    assert!(
        titles.contains(&"'=HYPERLINK(\"http://x\",\"y\")".to_string()),
        "{titles:?}"
    );
    assert!(titles.contains(&"'@SUM(A1)".to_string()), "{titles:?}");
    assert!(titles.contains(&"Plain = fine".to_string()), "{titles:?}");
}

#[test]
fn query_table_escapes_and_json_round_trips() {
    let dir = formula_tree();
    let (table, _) = run(dir.path(), &["query", "docs"]);
    assert_inert(&table);
    assert!(
        table.contains(r"red \u{1b}[31mtitle\u{1b}[0m \u{202e}x"),
        "{table}"
    );
    let (json, _) = run(dir.path(), &["query", "docs", "--format", "json"]);
    assert!(!json.contains('\u{1b}'));
    let value: serde_json::Value = serde_json::from_str(&json).expect("valid JSON");
    assert!(
        value.to_string().contains("red \\u001b[31mtitle"),
        "JSON keeps the exact title: {value}"
    );
}

#[test]
fn query_errors_escape_the_query_text() {
    let dir = formula_tree();
    let out = atomdoc(dir.path())
        .args(["query", "docs where title = \u{1b}]0;owned\u{7}"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_inert(&String::from_utf8_lossy(&out.stderr));
}

/// Folder names and titles that try to end a DOT string, add a node or an attribute, use a
/// Graphviz `\N` escape, or smuggle HTML/ANSI into a rendered graph.
fn graph_tree() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("docs/atomic/c\"]; evil [label=\"x");
    std::fs::create_dir_all(&folder).unwrap();
    std::fs::write(
        folder.join("a.md"),
        "# T\"]; injected [shape=box label=\"pwn\n\n[x](b.md)\n",
    )
    .unwrap();
    std::fs::write(
        folder.join("b.md"),
        "# B \\N \\G &lt;img src=x onerror=alert(1)&gt; \u{1b}[31m\n",
    )
    .unwrap();
    dir
}

#[test]
fn export_dot_keeps_names_inside_their_strings() {
    let dir = graph_tree();
    let (dot, _) = run(dir.path(), &["export", "dot"]);
    assert_inert(&dot);
    // Every statement that names a node names one of the two documents, in quotes.
    assert!(
        !dot.contains("\n  evil") && !dot.contains("\n    injected"),
        "{dot}"
    );
    assert!(
        dot.contains(r#"label="T\"]; injected [shape=box label=\"pwn""#),
        "{dot}"
    );
    assert!(
        dot.contains(r"B \\N \\G"),
        "a Graphviz escape stays literal: {dot}"
    );
    // When Graphviz is installed (always under CI=true), it agrees: exactly two nodes,
    // with the literal labels.
    if !crate::common::have_tool("dot", "-V") {
        return;
    }
    let mut child = std::process::Command::new("dot")
        .arg("-Tplain")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("dot runs");
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(dot.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    let plain = String::from_utf8_lossy(&out.stdout);
    let nodes: Vec<&str> = plain.lines().filter(|l| l.starts_with("node ")).collect();
    assert_eq!(nodes.len(), 2, "{plain}");
}

#[test]
fn export_mermaid_and_json_escape_names() {
    let dir = graph_tree();
    let (mermaid, _) = run(dir.path(), &["export", "mermaid"]);
    assert_inert(&mermaid);
    assert!(
        !mermaid.contains("<img"),
        "HTML reaches a Mermaid label: {mermaid}"
    );
    for line in mermaid.lines().filter(|l| l.contains("[\"")) {
        // One quoted label per line: the name cannot close it early.
        assert_eq!(line.matches('"').count(), 2, "{line}");
    }
    let (json, _) = run(dir.path(), &["export", "json"]);
    assert!(!json.contains('\u{1b}'));
    let value: serde_json::Value = serde_json::from_str(&json).expect("valid JSON");
    assert!(value.to_string().contains("injected [shape=box"));
}
