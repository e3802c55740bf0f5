//! Bounded cost: inputs that used to take time or memory out of proportion to their size
//! (issue 14, findings 3, 4, 5, 8 and 12). Each test asserts what the user sees — an error that
//! says what to do, output of bounded size, an answer — never how long it took; a hang guard
//! only turns a regression into a failure instead of a stuck suite.

use std::path::Path;
use std::process::Output;
use std::time::Duration;

use crate::common::{atomdoc, tree};

const GUARD: Duration = Duration::from_secs(300);

fn run(repo: &Path, args: &[&str]) -> (Output, String, String) {
    let out = atomdoc(repo)
        .args(args)
        .timeout(GUARD)
        .output()
        .expect("runs");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(
        out.status.code().is_some(),
        "killed by a signal (stack overflow, out of memory, hang guard?): {}",
        &stderr[..stderr.len().min(2000)]
    );
    (out, stdout, stderr)
}

fn small_tree() -> tempfile::TempDir {
    tree(&[
        (
            "docs/atomic/x/a.md",
            "# A\n\nConnection pool sizing.\n\n[b](b.md)\n",
        ),
        ("docs/atomic/x/b.md", "# B\n\nRetry with backoff.\n"),
    ])
}

/// Finding 3: `check` showed the whole source line under every finding, found with
/// `lines().nth()`; a 200 KB line with 16,000 broken links printed 5 GB. Now each finding
/// shows a window of at most 120 columns of its line.
#[test]
fn check_output_grows_with_findings_not_with_their_lines() {
    let line = "[x](nope.md) ".repeat(16_000);
    let many_lines: String = (0..20_000)
        .map(|i| format!("[x](gone-{i}.md)\n\n"))
        .collect();
    let dir = tree(&[
        ("docs/atomic/x/long.md", &format!("# Long\n\n{line}\n")),
        ("docs/atomic/x/many.md", &format!("# Many\n\n{many_lines}")),
    ]);
    let (out, stdout, stderr) = run(dir.path(), &["check", "--format", "human"]);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    let findings = stdout
        .lines()
        .filter(|l| l.trim_start().starts_with("--> "))
        .count();
    assert!(findings >= 36_000, "{findings} findings");
    assert!(
        stdout.len() < findings * 500,
        "{} bytes for {findings} findings",
        stdout.len()
    );
    let longest = stdout.lines().map(|l| l.chars().count()).max().unwrap();
    assert!(longest < 200, "a line of {longest} characters");
    // The caret still sits under the link, inside a window cut with `...` (annotate-snippets'
    // mark, as rustc's).
    let snippet = stdout
        .lines()
        .skip_while(|l| !l.contains("long.md:3:13001"))
        .nth(2)
        .unwrap();
    let caret = stdout
        .lines()
        .skip_while(|l| !l.contains("long.md:3:13001"))
        .nth(3)
        .unwrap();
    assert!(snippet.contains("..."), "{snippet}");
    let at = caret.find('^').unwrap();
    let under: String = snippet.chars().skip(at).take(12).collect();
    assert_eq!(under, "[x](nope.md)", "{snippet}\n{caret}");
}

/// Finding 4: a link's column was counted from its line start, so a 4 MB line of links took
/// half a minute to parse. All of its links are found, with the right columns.
#[test]
fn a_four_megabyte_line_of_links_is_parsed_whole() {
    let line = "[x](b.md) ".repeat(400_000);
    let dir = tree(&[
        ("docs/atomic/x/a.md", &format!("# A\n\n{line}\n")),
        ("docs/atomic/x/b.md", "# B\n"),
    ]);
    let (out, stdout, stderr) = run(
        dir.path(),
        &[
            "query",
            "links where from x/a sort by column desc limit 1",
            "--format",
            "json",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let rows: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(rows[0]["line"], 3, "{rows}");
    assert_eq!(rows[0]["column"], 3_999_991, "{rows}");
    let (_, stdout, _) = run(dir.path(), &["stats", "--format", "json"]);
    let stats: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(stats["edges"]["inline"], 400_000);
}

/// Finding 5: deep nesting overflowed the stack (exit 134) through `query`, `--file` and the
/// REPL. Now it is one caret error; long chains of `and`/`or` simply work.
#[test]
fn deep_queries_are_an_error_and_long_chains_an_answer() {
    let dir = small_tree();
    let parens = format!(
        "docs where {}orphan{}",
        "(".repeat(10_000),
        ")".repeat(10_000)
    );
    let nots = format!("docs where {}orphan", "not ".repeat(20_000));
    for q in [&parens, &nots] {
        let (out, _, stderr) = run(dir.path(), &["query", q]);
        assert_eq!(
            out.status.code(),
            Some(2),
            "{}",
            &stderr[..stderr.len().min(500)]
        );
        assert!(
            stderr.contains("error: query nests deeper than 256 levels"),
            "{stderr:.500}"
        );
        assert!(
            stderr.len() < 2_000,
            "the error shows a window of the query: {stderr:.500}"
        );
    }
    let file = dir.path().join("deep.aq");
    std::fs::write(&file, format!("{parens}\n")).unwrap();
    let (out, _, stderr) = run(dir.path(), &["query", "--file", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2), "{stderr:.500}");
    assert!(
        stderr.contains("query nests deeper than 256 levels"),
        "{stderr:.500}"
    );

    let repl = atomdoc(dir.path())
        .arg("repl")
        .write_stdin(format!("{parens}\nstats\n"))
        .timeout(GUARD)
        .output()
        .unwrap();
    assert!(repl.status.code().is_some(), "the REPL was killed");
    let transcript =
        String::from_utf8_lossy(&repl.stdout).into_owned() + &String::from_utf8_lossy(&repl.stderr);
    assert!(
        transcript.contains("query nests deeper than 256 levels"),
        "{transcript:.500}"
    );
    assert!(
        transcript.contains("documents"),
        "the session went on: {transcript:.2000}"
    );

    // (Too long for a command-line argument: through `--file`.)
    for op in ["and", "or"] {
        let chain = format!(
            "docs where {}",
            vec!["orphan"; 20_000].join(&format!(" {op} "))
        );
        std::fs::write(&file, format!("{chain}\n")).unwrap();
        let (out, stdout, stderr) = run(
            dir.path(),
            &[
                "query",
                "--file",
                file.to_str().unwrap(),
                "--format",
                "json",
            ],
        );
        assert_eq!(out.status.code(), Some(0), "{op}: {stderr:.500}");
        let rows: serde_json::Value = serde_json::from_str(&stdout).unwrap();
        assert_eq!(rows.as_array().map(Vec::len), Some(1), "{op}: {rows}");
    }
}

/// Finding 8: a 1 MB phrase took 25 s and 7.5 GB, a 500-word fuzzy query 30 s. Searches have
/// limits on bytes and words, with an error that says the limit and what to do.
#[test]
fn oversized_searches_are_refused_with_the_limit() {
    let dir = small_tree();
    // A command-line argument holds at most 128 KiB; `query --file` takes longer ones.
    let phrase = format!("\"{}\"", "pool ".repeat(20_000));
    let fuzzy = vec!["conection"; 500].join(" ");
    let words = vec!["pool"; 40].join(" ");
    for (args, message) in [
        (
            vec!["search", phrase.as_str()],
            "the search text is 100002 bytes; the limit is 1024: search for the few words that matter",
        ),
        (
            vec!["search", "--fuzzy", fuzzy.as_str()],
            "the search text is 4999 bytes; the limit is 1024",
        ),
        (
            vec!["search", words.as_str()],
            "the search has 40 words; the limit is 32: keep the words that matter most",
        ),
    ] {
        let (out, _, stderr) = run(dir.path(), &args);
        assert_eq!(out.status.code(), Some(2), "{stderr:.500}");
        assert!(stderr.contains(message), "{stderr:.500}");
        assert!(stderr.len() < 1_000, "{stderr:.500}");
    }
    // Through the query language the error points at the text.
    let q = format!("search \"{words}\"");
    let (out, _, stderr) = run(dir.path(), &["query", &q]);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("the search has 40 words; the limit is 32"),
        "{stderr}"
    );
    assert!(stderr.contains("--> query:1:8"), "{stderr}");
    let file = dir.path().join("long.aq");
    std::fs::write(&file, format!("search '\"{}\"'\n", "pool ".repeat(200_000))).unwrap();
    let (out, _, stderr) = run(dir.path(), &["query", "--file", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2), "{stderr:.500}");
    assert!(
        stderr.contains("the search text is 1000002 bytes; the limit is 1024"),
        "{stderr:.500}"
    );
    assert!(stderr.len() < 1_000, "{stderr:.500}");
    // Within the limits, fuzzy words still find their documents.
    let (out, stdout, stderr) = run(dir.path(), &["search", "--fuzzy", "conection pol"]);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(stdout.contains("x/a.md"), "{stdout}");
}

/// Finding 12: bracket-heavy Markdown costs ~150 bytes of memory per byte while it is parsed,
/// and files were parsed all at once under a 100 MiB cap. The default cap is now 4 MiB (and
/// parsing runs in bounded batches, a unit test in `corpus`): 20 MB of `[` is skipped with a
/// warning that says how to raise the cap, and the rest of the tree is answered.
#[test]
fn a_bracket_bomb_over_the_default_cap_is_skipped_with_a_warning() {
    let dir = small_tree();
    let bomb = "[".repeat(20 * 1024 * 1024);
    std::fs::write(dir.path().join("docs/atomic/x/bomb.md"), bomb).unwrap();
    let (out, stdout, stderr) = run(dir.path(), &["stats", "--format", "json"]);
    assert_eq!(out.status.code(), Some(3), "{stderr}");
    assert!(
        stderr.contains("warning: docs/atomic/x/bomb.md: 20971520 bytes is over the 4194304-byte limit; skipped (raise `max_file_bytes` under [limits] in atomdoc.toml)"),
        "{stderr}"
    );
    let stats: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(stats["documents"], 2);
    assert_eq!(stats["edges"]["inline"], 1);
}
