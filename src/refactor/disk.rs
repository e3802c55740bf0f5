//! The refactoring operations on a tree on disk, as `atomdoc mv`, `fix` and `undo` run them:
//! the files' text read for planning, the cache lock held while a plan is carried out.
//!
//! Must not: print, write except through [`super::journal`].

use std::collections::HashMap;
use std::path::Path;
use std::sync::Mutex;
use std::time::Duration;

use super::journal::{self, Disk, Done, Journal, JournalError};
use super::plan::{Plan, Sources};
use crate::boundary::owned::Owned;
use crate::boundary::read::{self, Links};
use crate::store::lock;
use crate::workspace::Workspace;

/// The files' text read from disk for a plan (regular files only, no symlink, UTF-8), each
/// read once and kept: the journal records exactly the text the plan was made from.
///
/// Made for a workspace ([`DiskSources::of`]), an editor's unsaved text comes first: the
/// corpus was parsed from it, so a language server plans against what the editor shows (the
/// text as the editor sent it: the link positions are in it).
pub struct DiskSources<'a> {
    repo: &'a Path,
    max_bytes: u64,
    workspace: Option<&'a Workspace>,
    read: Mutex<HashMap<String, String>>,
}

impl<'a> DiskSources<'a> {
    pub fn new(repo: &'a Path, max_bytes: u64) -> DiskSources<'a> {
        DiskSources {
            repo,
            max_bytes,
            workspace: None,
            read: Mutex::new(HashMap::new()),
        }
    }

    /// The texts of `workspace`'s files: its overlays, else the files on disk.
    pub fn of(workspace: &'a Workspace) -> DiskSources<'a> {
        DiskSources {
            workspace: Some(workspace),
            ..DiskSources::new(
                &workspace.location.repo,
                workspace.config.limits.max_file_bytes,
            )
        }
    }

    /// The text read for `path`, if it was read.
    pub fn get(&self, path: &str) -> Option<String> {
        self.read
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(path)
            .cloned()
    }
}

impl Sources for DiskSources<'_> {
    fn text(&self, path: &str) -> Result<String, String> {
        if let Some(text) = self.get(path) {
            return Ok(text);
        }
        if let Some(text) = self.workspace.and_then(|w| w.overlay(path)) {
            self.remember(path, text);
            return Ok(text.to_string());
        }
        let full = self.repo.join(path);
        let bytes = read::read(&full, Links::Never, self.max_bytes).map_err(|e| {
            if e.raw_os_error() == Some(read::ELOOP) {
                "it is a symlink; atomdoc rewrites real files only".to_string()
            } else {
                e.to_string()
            }
        })?;
        let text = String::from_utf8(bytes)
            .map_err(|_| "it is not UTF-8; atomdoc rewrites UTF-8 files only".to_string())?;
        self.remember(path, &text);
        Ok(text)
    }
}

impl DiskSources<'_> {
    fn remember(&self, path: &str, text: &str) {
        self.read
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(path.to_string(), text.to_string());
    }
}

/// How long a change waits for another atomdoc process holding the cache lock.
const LOCK_WAIT: Duration = Duration::from_secs(20);

/// Why the cache lock could not be had.
fn busy(cache: &Owned, why: String) -> JournalError {
    JournalError::Journal {
        dir: cache.path().display().to_string(),
        why,
    }
}

/// Runs `f` holding the cache folder's lock (the cache made and tagged first).
fn locked<T>(
    cache: &Owned,
    f: impl FnOnce() -> Result<T, JournalError>,
) -> Result<T, JournalError> {
    cache.claim().map_err(|e| busy(cache, e.to_string()))?;
    let _lock = lock::exclusive(cache, LOCK_WAIT)
        .map_err(|e| busy(cache, e.to_string()))?
        .ok_or_else(|| busy(cache, "another atomdoc process holds its lock".into()))?;
    f()
}

/// Carries out `plan` (made from `sources`) under the cache lock, journalled.
pub fn carry_out(
    repo: &Path,
    cache: &Owned,
    command: &str,
    root: &str,
    plan: &Plan,
    sources: &DiskSources,
) -> Result<Done, JournalError> {
    let journal = Journal::of(command, root, plan, &|p| sources.get(p))?;
    locked(cache, || {
        journal::carry_out(&Disk { repo, cache }, &journal)
    })
}

/// Completes or rolls back an operation a crash interrupted (see [`journal::recover`]),
/// under the cache lock; `Ok(None)` when there was none.
pub fn recover(repo: &Path, cache: &Owned) -> Result<Option<String>, JournalError> {
    if !pending(cache.path()) {
        return Ok(None);
    }
    locked(cache, || journal::recover(&Disk { repo, cache }))
}

/// Whether the cache folder `dir` holds the journal of an unfinished operation.
pub fn pending(dir: &Path) -> bool {
    read::symlink_metadata(&dir.join(journal::JOURNAL_FILE)).is_ok()
}

/// Reverts the last `mv` or `fix` under the cache lock.
pub fn undo(repo: &Path, cache: &Owned) -> Result<(String, Done), JournalError> {
    locked(cache, || journal::undo(&Disk { repo, cache }))
}

/// The number of regular files at `path` (repo-relative): 1 for a file, every file under a
/// folder.
pub fn count_files(repo: &Path, path: &str) -> usize {
    fn walk(dir: &Path) -> usize {
        read::entries(dir)
            .unwrap_or_default()
            .into_iter()
            .map(|(name, meta)| {
                if meta.is_dir() {
                    walk(&dir.join(name))
                } else {
                    usize::from(meta.is_file())
                }
            })
            .sum()
    }
    let full = repo.join(path);
    if read::is_real_dir(&full) {
        walk(&full)
    } else {
        1
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{Config, Location};
    use crate::refactor::plan_move;
    use crate::workspace::Change;

    /// A language server plans against an editor's unsaved text, where the corpus's link
    /// positions are.
    #[test]
    fn an_editors_unsaved_text_comes_before_the_file() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("docs/a")).unwrap();
        std::fs::write(dir.path().join("docs/a/x.md"), "# X\n").unwrap();
        std::fs::write(dir.path().join("docs/a/y.md"), "# Y\n").unwrap();
        let location = Location {
            repo: dir.path().to_path_buf(),
            root: "docs".into(),
        };
        let mut ws = Workspace::load(location, Config::default()).unwrap();
        let unsaved = "# X\n\nNow [y](y.md), unsaved.\n";
        ws.apply(vec![Change::Overlay {
            path: "docs/a/x.md".into(),
            text: unsaved.into(),
        }])
        .unwrap();
        let sources = DiskSources::of(&ws);
        let plan = plan_move(&ws.corpus, &sources, "docs/a/y.md", "docs/b/y.md").unwrap();
        assert_eq!(plan.edits.len(), 1);
        assert_eq!(
            plan.edits[0].apply(unsaved),
            "# X\n\nNow [y](../b/y.md), unsaved.\n"
        );
    }
}
