//! The REPL's own files: the history and the saved queries. The only part of the REPL that
//! touches the disk, and never inside the docs tree.
//!
//! - history: `$XDG_DATA_HOME/atomdoc/history`, else `~/.local/share/atomdoc/history` — the
//!   user's, like psql's and sqlite3's, never inside a repository that may be a stranger's;
//! - saved queries: `<repo>/.atomdoc/queries/NAME.aq`, one query per file (the format
//!   `atomdoc query @NAME` reads), read through [`crate::boundary::read`] (a regular file
//!   inside the repository, capped) and written atomically into real folders only.

use std::io;
use std::path::{Path, PathBuf};

use crate::boundary::owned::real_folders;
use crate::boundary::read::{self, Links};

/// The folder for atomdoc's own files in a repository.
pub const STATE_DIR: &str = ".atomdoc";
/// A saved query is at most this long.
const MAX_SAVED_BYTES: u64 = 1024 * 1024;

/// Where the history lives: the user's data folder; `None` when there is none (history then
/// stays in memory).
pub fn history_path() -> Option<PathBuf> {
    let dir = data_dir()?.join("atomdoc");
    std::fs::create_dir_all(&dir).ok()?;
    Some(dir.join("history"))
}

/// Why the history file cannot be used (a pipe would hang the start, a device never end),
/// or `None` when it can (a regular file, or no file yet).
pub fn history_problem(path: &Path) -> Option<String> {
    match std::fs::metadata(path) {
        Ok(m) if !m.is_file() => Some(format!(
            "history {} is not a regular file; history is kept in memory only",
            path.display()
        )),
        _ => None,
    }
}

/// `$XDG_DATA_HOME`, else `~/.local/share` (`%APPDATA%` on Windows).
fn data_dir() -> Option<PathBuf> {
    let nonempty = |k: &str| {
        std::env::var_os(k)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    };
    if cfg!(windows) {
        return nonempty("APPDATA");
    }
    nonempty("XDG_DATA_HOME").or_else(|| nonempty("HOME").map(|h| h.join(".local/share")))
}

/// The saved-query folder of a repository.
pub fn queries_dir(repo: &Path) -> PathBuf {
    repo.join(STATE_DIR).join("queries")
}

/// Names of the saved queries, sorted.
pub fn saved_names(repo: &Path) -> Vec<String> {
    let dir = queries_dir(repo);
    if real_folders(repo, &dir, false).is_err() {
        return Vec::new();
    }
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            let name = e.file_name().into_string().ok()?;
            name.strip_suffix(".aq").map(str::to_string)
        })
        .collect();
    names.sort();
    names
}

/// Reads a saved-query file: a regular file inside the repository, at most 1 MiB, in a
/// real folder (a committed symlink at `.atomdoc/queries` is not followed).
pub fn read_saved(repo: &Path, path: &Path) -> io::Result<String> {
    if let Some(dir) = path.parent() {
        real_folders(repo, dir, false)?;
    }
    read::read_text(path, Links::Inside(repo), MAX_SAVED_BYTES)
}

/// Reads a saved query: the first line that is neither blank nor a `#` comment.
pub fn load_saved(repo: &Path, name: &str) -> Result<String, String> {
    let path = queries_dir(repo).join(format!("{name}.aq"));
    match read_saved(repo, &path) {
        Ok(text) => text
            .lines()
            .map(str::trim)
            .find(|l| !l.is_empty() && !l.starts_with('#'))
            .map(str::to_string)
            .ok_or_else(|| format!("{} holds no query", path.display())),
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            let known = saved_names(repo);
            Err(if known.is_empty() {
                format!("no saved query `{name}`; save one with `:save {name} <query>`")
            } else {
                format!(
                    "no saved query `{name}`; saved queries: {}",
                    known.join(", ")
                )
            })
        }
        Err(e) => Err(format!("cannot read {}: {e}", path.display())),
    }
}

/// Saves `query` as `NAME.aq` atomically (a temporary file renamed over the old one);
/// returns the file and whether it replaced an older query. The query is written on one
/// line (line breaks become spaces), as saved-query files hold one query per line.
pub fn save(repo: &Path, name: &str, query: &str) -> io::Result<(PathBuf, bool)> {
    let dir = queries_dir(repo);
    // Every folder from the repository down is a real one: `:save` never writes through a
    // committed symlink.
    real_folders(repo, &dir, true)?;
    let path = dir.join(format!("{name}.aq"));
    let replaced = std::fs::symlink_metadata(&path).is_ok();
    let one_line: String = query
        .chars()
        .map(|c| if c == '\n' || c == '\r' { ' ' } else { c })
        .collect();
    let text = format!("# saved from the atomdoc REPL\n{}\n", one_line.trim());
    let result = crate::atomic::write(&path, text.as_bytes(), crate::atomic::Durability::Synced);
    result.map(|()| (path, replaced))
}

#[cfg(test)]
mod tests {
    use super::*;

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
        assert_eq!(saved_names(dir.path()), vec!["alpha", "zeta"]);
        assert_eq!(
            load_saved(dir.path(), "alpha").unwrap(),
            "docs where (kind = index  or words > 3)"
        );
        // Overwriting replaces the query; no temporary file is left behind.
        assert!(save(dir.path(), "zeta", "broken").unwrap().1);
        assert_eq!(load_saved(dir.path(), "zeta").unwrap(), "broken");
        let leftovers: Vec<_> = std::fs::read_dir(queries_dir(dir.path()))
            .unwrap()
            .flatten()
            .filter(|e| e.file_name().to_string_lossy().contains("tmp"))
            .collect();
        assert!(leftovers.is_empty());
        let err = load_saved(dir.path(), "nope").unwrap_err();
        assert!(err.contains("alpha, zeta"), "{err}");
    }

    #[cfg(unix)]
    #[test]
    fn saved_queries_never_leave_the_repository() {
        let repo = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(outside.path().join("q.aq"), "secret first line\n").unwrap();
        std::fs::create_dir(repo.path().join(STATE_DIR)).unwrap();
        std::os::unix::fs::symlink(outside.path(), queries_dir(repo.path())).unwrap();
        let err = load_saved(repo.path(), "q").unwrap_err();
        assert!(!err.contains("secret"), "{err}");
        assert!(save(repo.path(), "new", "orphans").is_err());
        assert_eq!(std::fs::read_dir(outside.path()).unwrap().count(), 1);
        assert!(saved_names(repo.path()).is_empty());
    }

    #[cfg(unix)]
    #[test]
    fn a_pipe_as_history_is_not_opened() {
        let dir = tempfile::tempdir().unwrap();
        let pipe = dir.path().join("history");
        assert!(
            std::process::Command::new("mkfifo")
                .arg(&pipe)
                .status()
                .unwrap()
                .success()
        );
        assert!(
            history_problem(&pipe)
                .unwrap()
                .contains("not a regular file")
        );
        assert_eq!(history_problem(&dir.path().join("none")), None);
    }
}
