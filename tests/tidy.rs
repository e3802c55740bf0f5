//! Architecture rules that prose alone lets drift, checked on the source (as rust-analyzer's
//! `tidy.rs` does): which modules of `src/` may touch the filesystem, read git objects, print,
//! run a program, or use `anyhow`.
//!
//! Test code is exempt: files named `tests.rs` or `proptests.rs`, and inline
//! `#[cfg(test)] mod … { … }` blocks (which build trees in temporary folders). Comments are
//! not code. A rule is broken by a use outside the modules listed for it; the fix is to move
//! the use behind the module that owns it, not to lengthen the list.

use std::path::{Path, PathBuf};

/// One rule: what may not appear, and where it may.
struct Rule {
    what: &'static str,
    /// Words that break the rule (matched at word boundaries, outside comments).
    needles: &'static [&'static str],
    /// `(path prefix under src/, why it may)`.
    allowed: &'static [(&'static str, &'static str)],
    /// Where the use belongs instead.
    instead: &'static str,
}

const RULES: &[Rule] = &[
    Rule {
        what: "filesystem access",
        needles: &[
            "std::fs",
            "unix::fs",
            "File::open",
            "File::create",
            "OpenOptions",
            ".canonicalize(",
            ".exists()",
            ".try_exists(",
            ".read_dir(",
            ".symlink_metadata(",
            "rustix::",
        ],
        allowed: &[(
            "boundary/",
            "the repository boundary: the one reader (read.rs), the one writer (write.rs), the cache folder atomdoc owns (owned.rs), user-named outputs (output.rs)",
        )],
        instead: "read through `boundary::read`, write through `boundary::write` with a `Destination` made by `boundary::owned` or `boundary::output`",
    },
    Rule {
        what: "writing, making or deleting files",
        needles: &[
            "fs::write",
            "fs::rename",
            "fs::copy",
            "fs::hard_link",
            "fs::set_permissions",
            ".write(true)",
            ".append(true)",
            ".create(true)",
            ".create_new(true)",
            "fs::create_dir",
            "fs::remove_file",
            "fs::remove_dir",
        ],
        allowed: &[
            (
                "boundary/write.rs",
                "the one writer: every byte written, to a `Destination` only the boundary makes",
            ),
            (
                "boundary/owned.rs",
                "the cache folder atomdoc owns: makes its real folders, sweeps its own files, opens the lock file",
            ),
            (
                "boundary/edit.rs",
                "approved changes of the docs tree: renames checked files and folders, removes the folders a move emptied and its own temporary files",
            ),
        ],
        instead: "write through `boundary::write::write` with a `Destination` from `boundary::owned` or `boundary::output`",
    },
    Rule {
        what: "changing the docs tree",
        needles: &[
            "edit::approve",
            "Approved",
            "Destination::document",
            "edit::Request",
        ],
        allowed: &[
            (
                "boundary/",
                "the gate itself (`boundary::edit`) and the destination it alone makes",
            ),
            (
                "refactor/journal.rs",
                "carries out a checked plan: journal written and synced first, then each change through the approval",
            ),
        ],
        instead: "plan the change with `refactor::plan` and carry it out with `refactor::journal`",
    },
    Rule {
        what: "printing",
        needles: &[
            "println!",
            "eprintln!",
            "print!",
            "eprint!",
            "dbg!",
            "stdout()",
            "stderr()",
            "indicatif",
        ],
        allowed: &[
            ("cli/", "a face: owns stdout, stderr and exit statuses"),
            (
                "repl/mod.rs",
                "a face: the interactive loop prints its banner and warnings about the history",
            ),
        ],
        instead: "return the message as data (a notice, a warning, an error) or write to an `impl Write` the face passes in",
    },
    Rule {
        what: "running a program",
        needles: &["process::Command", "Command::new", "exec_dot"],
        allowed: &[
            (
                "cli/export.rs",
                "drawings in .svg/.png/.pdf are rendered by Graphviz's `dot`, which the user asked for",
            ),
            (
                "cli/serve.rs",
                "`serve --open` starts the desktop's opener (xdg-open) on the page's URL, which the user asked for",
            ),
        ],
        instead: "produce the data (`export` builds text) and let `cli::export` run the program",
    },
    Rule {
        what: "reading git objects",
        needles: &["gix::"],
        allowed: &[(
            "boundary/git.rs",
            "the one reader of git objects: revisions, trees and blobs of the repository's own object database, blobs capped, symlinks and submodules never followed",
        )],
        instead: "read revisions, trees and blobs through `boundary::git::Git`",
    },
    Rule {
        what: "anyhow",
        needles: &["anyhow"],
        allowed: &[
            ("cli/", "a face: errors end here, as messages with context"),
            (
                "repl/mod.rs",
                "a face: the session's loader is the cli's closure, and the interactive loop ends in cli",
            ),
        ],
        instead: "return a typed error, or a `String` naming the file and what to do",
    },
];

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|x| x == "rs") {
            out.push(path);
        }
    }
}

/// Whether the file is test code as a whole.
fn test_file(rel: &str) -> bool {
    rel.ends_with("/tests.rs") || rel.ends_with("/proptests.rs") || rel == "tests.rs"
}

/// The lines of `text` that are not test code, with their numbers and comments removed. An
/// inline test module starts at a `#[cfg(…test…)]` attribute followed by `mod name {` and ends
/// at the first line that is exactly `}` (rustfmt indents everything inside it).
fn code_lines(text: &str) -> Vec<(usize, String)> {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i].trim_start();
        if line.starts_with("#[cfg(") && line.contains("test") {
            let next = lines.get(i + 1).map_or("", |l| l.trim_start());
            if next.starts_with("mod ") && next.ends_with('{') {
                i += 2;
                while i < lines.len() && lines[i] != "}" {
                    i += 1;
                }
                i += 1;
                continue;
            }
        }
        let code = match lines[i].find("//") {
            Some(at) => &lines[i][..at],
            None => lines[i],
        };
        out.push((i + 1, code.to_string()));
        i += 1;
    }
    out
}

/// Whether `needle` occurs in `line` with no identifier character just before it (so
/// `print!` does not match inside `eprint!` or `sprint!`).
fn occurs(line: &str, needle: &str) -> bool {
    line.match_indices(needle).any(|(at, _)| {
        let before = line[..at].chars().next_back();
        let word_start = needle.starts_with(|c: char| c.is_alphanumeric() || c == '_');
        !word_start || !before.is_some_and(|c| c.is_alphanumeric() || c == '_')
    })
}

#[test]
fn filesystem_printing_programs_and_anyhow_stay_in_their_modules() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    files.sort();
    assert!(files.len() > 50, "found only {} files in src/", files.len());
    let mut broken = Vec::new();
    for file in &files {
        let rel = file
            .strip_prefix(&src)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        if test_file(&rel) {
            continue;
        }
        let text = std::fs::read_to_string(file).unwrap();
        let lines = code_lines(&text);
        for rule in RULES {
            if rule
                .allowed
                .iter()
                .any(|(prefix, _)| rel.starts_with(prefix))
            {
                continue;
            }
            for (number, line) in &lines {
                for needle in rule.needles {
                    if occurs(line, needle) {
                        broken.push(format!(
                            "src/{rel}:{number}: {} (`{needle}`) outside the modules allowed it ({}); {}\n    {}",
                            rule.what,
                            rule.allowed
                                .iter()
                                .map(|(p, _)| format!("src/{p}"))
                                .collect::<Vec<_>>()
                                .join(", "),
                            rule.instead,
                            line.trim()
                        ));
                    }
                }
            }
        }
    }
    assert!(
        broken.is_empty(),
        "{} use(s) break the architecture rules (see tests/tidy.rs):\n{}",
        broken.len(),
        broken.join("\n")
    );
}

/// Every allowed path still exists: a rule allowing a module that was moved or deleted
/// allows nothing and should be updated.
#[test]
fn every_allowed_module_exists() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    for rule in RULES {
        for (prefix, why) in rule.allowed {
            assert!(!why.is_empty());
            assert!(
                src.join(prefix).exists(),
                "tests/tidy.rs allows src/{prefix} {}, which does not exist",
                rule.what
            );
        }
    }
}

/// The scanner itself: test modules and comments are skipped, word boundaries hold.
#[test]
fn the_scanner_skips_tests_and_comments() {
    let text = "use std::io;\n// println!(\"x\")\nfn f() { eprint!(\"y\"); }\n\n#[cfg(test)]\nmod tests {\n    fn g() {\n        println!(\"z\");\n    }\n}\nfn h() {}\n";
    let lines = code_lines(text);
    let numbers: Vec<usize> = lines.iter().map(|(n, _)| *n).collect();
    assert_eq!(numbers, vec![1, 2, 3, 4, 11]);
    assert!(!occurs(&lines[1].1, "println!"));
    assert!(occurs(&lines[2].1, "eprint!"));
    assert!(!occurs(&lines[2].1, "print!"));
    assert!(occurs("x.canonicalize()", ".canonicalize("));
}
