//! The documentation's shown output IS the golden file: every ```` ```console ```` block of
//! README.md and docs/*.md is a session on a fresh copy of the bundled sample — `$ atomdoc …`
//! lines, each followed by exactly what it prints (stdout, then stderr) — and this test runs
//! each command and compares. `ATOMDOC_BLESS=1` rewrites the blocks with the real output (then
//! read the diff). Examples that cannot run here (an interactive REPL with Tab, a tree with
//! git history) are ```` ```text ```` blocks and are checked by the tests of their feature.
//!
//! Commands run with `--no-cache` (so no "rebuilding the index" note depends on the order of
//! the tests) unless they change files (`mv`, `fix`, `undo`, `index`), with colour off and
//! `COLUMNS` unset: piped, tables are as wide as their content.

use std::path::{Path, PathBuf};

use crate::common::{copy_tree, project, sample};

/// A console block: where it is and its commands with the output shown under each.
struct Block {
    file: PathBuf,
    /// Byte range of the block's body (between the fences) in the file.
    body: std::ops::Range<usize>,
    steps: Vec<(String, String)>,
}

fn doc_files() -> Vec<PathBuf> {
    let mut files = vec![project().join("README.md")];
    for entry in std::fs::read_dir(project().join("docs")).unwrap().flatten() {
        if entry.path().extension().is_some_and(|e| e == "md") {
            files.push(entry.path());
        }
    }
    files.sort();
    files
}

fn console_blocks(file: &Path) -> Vec<Block> {
    let text = std::fs::read_to_string(file).unwrap();
    let mut blocks = Vec::new();
    let mut at = 0;
    while let Some(open) = text[at..].find("```console\n") {
        let body_start = at + open + "```console\n".len();
        let Some(close) = text[body_start..].find("\n```") else {
            break;
        };
        let body_end = body_start + close + 1;
        let mut steps: Vec<(String, String)> = Vec::new();
        for line in text[body_start..body_end].lines() {
            match line.strip_prefix("$ ") {
                Some(command) => steps.push((command.to_string(), String::new())),
                None => {
                    let (_, out) = steps
                        .last_mut()
                        .unwrap_or_else(|| panic!("{}: output before a `$ ` line", file.display()));
                    out.push_str(line);
                    out.push('\n');
                }
            }
        }
        blocks.push(Block {
            file: file.to_path_buf(),
            body: body_start..body_end,
            steps,
        });
        at = body_end;
    }
    blocks
}

/// Splits a command line as a shell would for the quoting the docs use ('…', "…").
fn split(command: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut quote: Option<char> = None;
    let mut started = false;
    for c in command.chars() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), c) => word.push(c),
            (None, '\'' | '"') => {
                quote = Some(c);
                started = true;
            }
            (None, c) if c.is_whitespace() => {
                if started || !word.is_empty() {
                    words.push(std::mem::take(&mut word));
                    started = false;
                }
            }
            (None, c) => word.push(c),
        }
    }
    if started || !word.is_empty() {
        words.push(word);
    }
    words
}

/// Runs one documented command in `repo` and returns what it printed.
fn run(repo: &Path, command: &str) -> String {
    let words = split(command);
    assert_eq!(
        words.first().map(String::as_str),
        Some("atomdoc"),
        "only atomdoc commands run in docs examples: {command}"
    );
    let writes = ["mv", "fix", "undo", "index"]
        .iter()
        .any(|w| words[1..].iter().any(|a| a == w));
    let mut cmd = assert_cmd::Command::cargo_bin("atomdoc").unwrap();
    cmd.current_dir(repo)
        .env("NO_COLOR", "1")
        .env_remove("CLICOLOR_FORCE")
        .env_remove("COLUMNS");
    if !writes {
        cmd.arg("--no-cache");
    }
    let out = cmd.args(&words[1..]).output().unwrap();
    let mut text = String::from_utf8_lossy(&out.stdout).into_owned();
    text.push_str(&String::from_utf8_lossy(&out.stderr));
    text
}

#[test]
fn every_console_example_in_the_docs_prints_what_it_shows() {
    let bless = std::env::var_os("ATOMDOC_BLESS").is_some();
    let mut failures = Vec::new();
    let mut count = 0;
    for file in doc_files() {
        let blocks = console_blocks(&file);
        let mut text = std::fs::read_to_string(&file).unwrap();
        // From the end, so earlier ranges stay valid while blessing.
        for block in blocks.iter().rev() {
            let repo = copy_tree(&sample());
            let mut body = String::new();
            for (command, shown) in &block.steps {
                count += 1;
                let actual = run(repo.path(), command);
                if actual != *shown {
                    failures.push(format!(
                        "{}: `{command}` prints\n{actual}--- but the doc shows\n{shown}",
                        block.file.display()
                    ));
                }
                body.push_str(&format!("$ {command}\n{actual}"));
            }
            text.replace_range(block.body.clone(), &body);
        }
        if bless {
            std::fs::write(&file, text).unwrap();
        }
    }
    assert!(count >= 10, "only {count} documented commands found");
    assert!(
        bless || failures.is_empty(),
        "{} documented outputs differ (ATOMDOC_BLESS=1 rewrites them):\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn command_lines_split_as_a_shell_would() {
    assert_eq!(
        split(r#"atomdoc query 'docs missing section "Best Practices"' --format csv"#),
        [
            "atomdoc",
            "query",
            r#"docs missing section "Best Practices""#,
            "--format",
            "csv"
        ]
    );
    assert_eq!(
        split(r#"atomdoc query "" x"#),
        ["atomdoc", "query", "", "x"]
    );
}
