//! The REPL's own files: the history and the saved queries. The only part of the REPL that
//! touches the disk, and never inside the docs tree.
//!
//! - history: `<repo>/.atomdoc/history`, or `<data dir>/atomdoc/history` when the cache is
//!   off (`--no-cache`) or the repository folder is not writable;
//! - saved queries: `<repo>/.atomdoc/queries/NAME.aq`, one query per file (the format
//!   `atomdoc query @NAME` reads), written atomically.

use std::io;
use std::path::{Path, PathBuf};

/// The folder for atomdoc's own files in a repository.
pub const STATE_DIR: &str = ".atomdoc";

/// Where the history lives; `None` when no writable place exists (history then stays in
/// memory).
pub fn history_path(repo: &Path, use_repo: bool) -> Option<PathBuf> {
    if use_repo {
        let dir = repo.join(STATE_DIR);
        if std::fs::create_dir_all(&dir).is_ok() && writable(&dir) {
            return Some(dir.join("history"));
        }
    }
    let dir = data_dir()?.join("atomdoc");
    std::fs::create_dir_all(&dir).ok()?;
    writable(&dir).then(|| dir.join("history"))
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

/// Whether a file can be created in `dir` (checked by creating and removing one).
fn writable(dir: &Path) -> bool {
    let probe = dir.join(format!(".write-test-{}", std::process::id()));
    let ok = std::fs::File::create(&probe).is_ok();
    let _ = std::fs::remove_file(&probe);
    ok
}

/// The saved-query folder of a repository.
pub fn queries_dir(repo: &Path) -> PathBuf {
    repo.join(STATE_DIR).join("queries")
}

/// Names of the saved queries, sorted.
pub fn saved_names(repo: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(queries_dir(repo))
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

/// Reads a saved query: the first line that is neither blank nor a `#` comment.
pub fn load_saved(repo: &Path, name: &str) -> Result<String, String> {
    let path = queries_dir(repo).join(format!("{name}.aq"));
    match std::fs::read_to_string(&path) {
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
    std::fs::create_dir_all(&dir)?;
    let path = dir.join(format!("{name}.aq"));
    let replaced = path.exists();
    let one_line: String = query
        .chars()
        .map(|c| if c == '\n' || c == '\r' { ' ' } else { c })
        .collect();
    let text = format!("# saved from the atomdoc REPL\n{}\n", one_line.trim());
    let result = crate::atomic::write(&path, text.as_bytes(), crate::atomic::Durability::Synced);
    result.map(|()| (path, replaced))
}

/// Where `:export` may write `file` (relative to the current folder): anywhere but inside
/// the docs tree.
pub fn export_target(repo: &Path, root: &str, file: &str) -> Result<PathBuf, String> {
    let cwd = std::env::current_dir().map_err(|e| e.to_string())?;
    let path = cwd.join(file);
    let parent = path
        .parent()
        .filter(|p| p.is_dir())
        .ok_or_else(|| format!("cannot write {file}: its folder does not exist"))?;
    let name = path
        .file_name()
        .ok_or_else(|| format!("cannot write {file}: name a file"))?;
    let parent = parent.canonicalize().map_err(|e| e.to_string())?;
    let docs = repo
        .join(root)
        .canonicalize()
        .unwrap_or_else(|_| repo.join(root));
    if parent.starts_with(&docs) {
        return Err(format!(
            "refusing to write {file} inside the docs tree ({}); choose a file outside it",
            docs.display()
        ));
    }
    Ok(parent.join(name))
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

    #[test]
    fn history_goes_to_the_repository_when_writable() {
        let dir = tempfile::tempdir().unwrap();
        let path = history_path(dir.path(), true).unwrap();
        assert_eq!(path, dir.path().join(".atomdoc/history"));
    }
}
