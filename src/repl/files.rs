//! The REPL's own file: the history, in `$XDG_DATA_HOME/atomdoc/history`, else
//! `~/.local/share/atomdoc/history` — the user's, like psql's and sqlite3's, never inside a
//! repository that may be a stranger's. rustyline reads and appends it; the folder is made
//! and the file checked through [`crate::boundary`]. Saved queries are [`crate::saved`].

use std::path::{Path, PathBuf};

use crate::boundary::{read, write};

/// Where the history lives: the user's data folder; `None` when there is none (history then
/// stays in memory).
pub fn history_path() -> Option<PathBuf> {
    let dir = data_dir()?.join("atomdoc");
    write::user_folder(&dir).ok()?;
    Some(dir.join("history"))
}

/// Why the history file cannot be used (a pipe would hang the start, a device never end),
/// or `None` when it can (a regular file, or no file yet).
pub fn history_problem(path: &Path) -> Option<String> {
    match read::kind(path) {
        Some(kind) if kind != read::Kind::File => Some(format!(
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

#[cfg(test)]
mod tests {
    use super::*;

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
