//! Saved queries: `<repo>/.atomdoc/queries/NAME.aq`, one query per file (`#` lines are
//! comments). Read one way for `atomdoc query @NAME` and the REPL's `@NAME` and `:run`,
//! through [`crate::boundary::read`] (a regular file inside the repository, in real folders,
//! capped); written by the REPL's `:save` through [`crate::boundary::write`].
//!
//! Must not: print (faces word the errors' context themselves; messages here name the file).

use std::io;
use std::path::{Path, PathBuf};

use crate::boundary::owned::{real_folders, state_file};
use crate::boundary::read::{self, Links};
use crate::boundary::write;

/// The folder for atomdoc's own files in a repository.
pub const STATE_DIR: &str = ".atomdoc";
/// A saved query is at most this long.
const MAX_SAVED_BYTES: u64 = 1024 * 1024;
/// A saved query's name is at most this long (it becomes a file name).
pub const MAX_NAME_CHARS: usize = 64;

/// A saved query read from its file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Saved {
    pub path: PathBuf,
    /// The line of the file holding the query (for error carets).
    pub line: usize,
    pub text: String,
}

/// The ready-made queries of atomdoc's own `queries/` folder, built into the binary: `@NAME`
/// runs one when the repository has no saved query of that name. Each may hold several
/// queries, run in order (as `atomdoc query --file` runs a file).
pub const BUILTIN: &[(&str, &str)] = &[
    ("ci-gate", include_str!("../queries/ci-gate.aq")),
    (
        "cross-category",
        include_str!("../queries/cross-category.aq"),
    ),
    ("hubs", include_str!("../queries/hubs.aq")),
    ("orphan-report", include_str!("../queries/orphan-report.aq")),
    (
        "template-coverage",
        include_str!("../queries/template-coverage.aq"),
    ),
    ("thin-docs", include_str!("../queries/thin-docs.aq")),
];

/// The names `@NAME` reaches: the repository's saved queries, then the built-in ones it does
/// not shadow, each list sorted.
pub fn all_names(repo: &Path) -> Vec<String> {
    let mut all = names(repo);
    for (name, _) in BUILTIN {
        if !all.iter().any(|n| n == name) {
            all.push(name.to_string());
        }
    }
    all
}

/// The queries `@NAME` runs: the repository's saved query `NAME` (exactly one query), else
/// the built-in `NAME` (one or more), else an error naming both places.
pub fn load_any(repo: &Path, name: &str) -> Result<Vec<Saved>, String> {
    match load(repo, name) {
        Ok(saved) => Ok(vec![saved]),
        Err(e) if read::symlink_metadata(&dir(repo).join(format!("{name}.aq"))).is_err() => {
            let Some((_, text)) = BUILTIN.iter().find(|(n, _)| *n == name) else {
                let builtin: Vec<&str> = BUILTIN.iter().map(|(n, _)| *n).collect();
                return Err(format!("{e}; built-in queries: {}", builtin.join(", ")));
            };
            let path = PathBuf::from(format!("queries/{name}.aq (built in)"));
            Ok(queries_in(text)
                .map(|(line, q)| Saved {
                    path: path.clone(),
                    line,
                    text: q.to_string(),
                })
                .collect())
        }
        Err(e) => Err(e),
    }
}

/// The saved-query folder of a repository.
pub fn dir(repo: &Path) -> PathBuf {
    repo.join(STATE_DIR).join("queries")
}

/// Whether `name` can name a saved query: letters, digits, `-` and `_`, at most 64.
pub fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name.chars().count() <= MAX_NAME_CHARS
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

/// Names of the saved queries, sorted.
pub fn names(repo: &Path) -> Vec<String> {
    let dir = dir(repo);
    if real_folders(repo, &dir, false).is_err() {
        return Vec::new();
    }
    let mut names: Vec<String> = read::file_names(&dir)
        .into_iter()
        .filter_map(|name| name.strip_suffix(".aq").map(str::to_string))
        .collect();
    names.sort();
    names
}

/// The queries of a `.aq` text: `(line, query)` for every line that is neither blank nor a
/// `#` comment.
pub fn queries_in(content: &str) -> impl Iterator<Item = (usize, &str)> {
    content.lines().enumerate().filter_map(|(i, l)| {
        let t = l.trim();
        (!t.is_empty() && !t.starts_with('#')).then_some((i + 1, l.trim_end()))
    })
}

/// Reads the saved query `name` (the caller checked the name): the file must hold exactly
/// one query. Errors say which file and what to do.
pub fn load(repo: &Path, name: &str) -> Result<Saved, String> {
    let path = dir(repo).join(format!("{name}.aq"));
    let text = match read_file(repo, &path) {
        Ok(text) => text,
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            let known = names(repo);
            return Err(if known.is_empty() {
                format!(
                    "no saved query `{name}`: {} does not exist; write the query in that file, or save one with `:save {name} <query>` in the REPL",
                    path.display()
                )
            } else {
                format!(
                    "no saved query `{name}`; saved queries: {}",
                    known.join(", ")
                )
            });
        }
        Err(e) => return Err(format!("cannot read {}: {e}", path.display())),
    };
    let queries: Vec<(usize, &str)> = queries_in(&text).collect();
    match queries.as_slice() {
        [(line, query)] => Ok(Saved {
            line: *line,
            text: query.to_string(),
            path,
        }),
        [] => Err(format!("{} holds no query", path.display())),
        more => Err(format!(
            "{} holds {} queries; a saved query holds one (run files of several with `atomdoc query --file`)",
            path.display(),
            more.len()
        )),
    }
}

/// Reads a saved-query file: a regular file inside the repository, at most 1 MiB, in a
/// real folder (a committed symlink at `.atomdoc/queries` is not followed).
fn read_file(repo: &Path, path: &Path) -> io::Result<String> {
    if let Some(dir) = path.parent() {
        real_folders(repo, dir, false)?;
    }
    read::read_text(path, Links::Inside(repo), MAX_SAVED_BYTES)
}

/// Saves `query` as `NAME.aq` atomically (a temporary file renamed over the old one);
/// returns the file and whether it replaced an older query. The query is written on one
/// line (line breaks become spaces), as saved-query files hold one query per line.
pub fn save(repo: &Path, name: &str, query: &str) -> io::Result<(PathBuf, bool)> {
    let rel = Path::new(STATE_DIR)
        .join("queries")
        .join(format!("{name}.aq"));
    // Every folder from the repository down is a real one: `:save` never writes through a
    // committed symlink.
    let (to, replaced) = state_file(repo, &rel)?;
    let one_line: String = query
        .chars()
        .map(|c| if c == '\n' || c == '\r' { ' ' } else { c })
        .collect();
    let text = format!("# saved from the atomdoc REPL\n{}\n", one_line.trim());
    write::write(&to, text.as_bytes())?;
    Ok((repo.join(rel), replaced))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(repo: &Path, name: &str) -> String {
        load(repo, name).unwrap().text
    }

    #[test]
    fn saved_queries_round_trip_and_list_sorted() {
        let dir = tempfile::tempdir().unwrap();
        assert!(!save(dir.path(), "zeta", "orphans").unwrap().1);
        let (path, _) = save(
            dir.path(),
            "alpha",
            "docs where (kind = index\n or words > 3)",
        )
        .unwrap();
        assert!(path.ends_with(".atomdoc/queries/alpha.aq"));
        assert_eq!(names(dir.path()), vec!["alpha", "zeta"]);
        assert_eq!(
            text(dir.path(), "alpha"),
            "docs where (kind = index  or words > 3)"
        );
        assert_eq!(load(dir.path(), "alpha").unwrap().line, 2);
        // Overwriting replaces the query; no temporary file is left behind.
        assert!(save(dir.path(), "zeta", "broken").unwrap().1);
        assert_eq!(text(dir.path(), "zeta"), "broken");
        let leftovers: Vec<_> = std::fs::read_dir(super::dir(dir.path()))
            .unwrap()
            .flatten()
            .filter(|e| e.file_name().to_string_lossy().contains("tmp"))
            .collect();
        assert!(leftovers.is_empty());
        let err = load(dir.path(), "nope").unwrap_err();
        assert!(err.contains("alpha, zeta"), "{err}");
    }

    #[test]
    fn a_saved_query_file_holds_exactly_one_query() {
        let repo = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir(repo.path())).unwrap();
        let put = |n: &str, t: &str| std::fs::write(dir(repo.path()).join(n), t).unwrap();
        put("none.aq", "# only a comment\n\n");
        put("two.aq", "orphans\ndocs\n");
        let none = load(repo.path(), "none").unwrap_err();
        assert!(none.ends_with("none.aq holds no query"), "{none}");
        let two = load(repo.path(), "two").unwrap_err();
        assert!(two.contains("two.aq holds 2 queries"), "{two}");
        assert!(valid_name("gate-1_x") && !valid_name("../x") && !valid_name(""));
        assert!(!valid_name(&"a".repeat(65)));
    }

    #[cfg(unix)]
    #[test]
    fn saved_queries_never_leave_the_repository() {
        let repo = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(outside.path().join("q.aq"), "secret first line\n").unwrap();
        std::fs::create_dir(repo.path().join(STATE_DIR)).unwrap();
        std::os::unix::fs::symlink(outside.path(), dir(repo.path())).unwrap();
        let err = load(repo.path(), "q").unwrap_err();
        assert!(!err.contains("secret"), "{err}");
        assert!(save(repo.path(), "new", "orphans").is_err());
        assert_eq!(std::fs::read_dir(outside.path()).unwrap().count(), 1);
        assert!(names(repo.path()).is_empty());
    }
}
