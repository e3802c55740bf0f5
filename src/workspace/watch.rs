//! The file watcher every resident face uses: a `notify` watcher on the repository turning
//! what the operating system reports into batches of [`Change`]s for [`Workspace::apply`].
//!
//! - Recursive on the repository, symlinks not followed; the events of a burst are coalesced
//!   until the tree has been quiet for [`QUIET`] (at most [`LONGEST`] after the first).
//! - Only what a load would see counts: each path is checked through the walk every load
//!   makes ([`scan::seen`]: ignore files, hidden folders such as `.git/`, symlinks leading
//!   out), and the cache folder never counts.
//! - A folder created or renamed into place stands for the files the walk finds under it, a
//!   folder gone for the files that counted under it: the watcher remembers which files count
//!   (a first walk, kept up to date by each batch), so a file gone counts only when it did
//!   (its name may be ignored).
//! - When events were lost (the kernel's queue overflowed, the watcher failed) or what a load
//!   would see changed as a whole (an ignore file, `atomdoc.toml`, `book.toml`), the batch is
//!   [`Event::Rescan`]: load the workspace again.
//!
//! Watching is not reading: the watcher reads no file; it asks for folder entries and
//! metadata through `corpus::scan` (hence `boundary::read`), and the workspace reads the files
//! named.
//!
//! [`Workspace::apply`]: super::Workspace::apply

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::thread;
use std::time::{Duration, Instant};

use notify::event::{EventKind, ModifyKind, RenameMode};
use notify::{Config as NotifyConfig, RecommendedWatcher, RecursiveMode, Watcher as _};

use super::Change;
use crate::config::{CONFIG_FILE, Config, Location};
use crate::corpus::scan::{self, DiskRepo};

/// How long the tree must be quiet before a batch is delivered.
pub const QUIET: Duration = Duration::from_millis(75);
/// The longest a batch waits for the tree to be quiet.
pub const LONGEST: Duration = Duration::from_secs(1);

/// What the watcher delivers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// Files changed: apply them ([`super::Workspace::apply`]); sorted, never empty.
    Changes(Vec<Change>),
    /// The watcher cannot say what changed (why in words): load the workspace again.
    Rescan(String),
}

/// A running watcher; dropping it stops the watching, and the receiver then disconnects.
pub struct Watcher {
    _notify: RecommendedWatcher,
}

/// Starts watching the repository of `location`; `cache` is the cache folder (never
/// reported). Batches arrive on the receiver, from a thread of the watcher's own.
pub fn start(
    location: &Location,
    config: &Config,
    cache: Option<&Path>,
) -> std::io::Result<(Watcher, Receiver<Event>)> {
    let repo = DiskRepo::new(&location.repo, config.links.clone())?;
    let (raw_tx, raw_rx) = mpsc::channel();
    let mut notify =
        RecommendedWatcher::new(raw_tx, NotifyConfig::default().with_follow_symlinks(false))
            .map_err(notify_error)?;
    notify
        .watch(&location.repo, RecursiveMode::Recursive)
        .map_err(notify_error)?;
    let (tx, rx) = mpsc::channel();
    let cache = cache
        .filter(|c| c.starts_with(&location.repo))
        .and_then(|c| scan::repo_relative(&location.repo, c));
    let mut filter = Filter::new(location.repo.clone(), cache, repo);
    thread::Builder::new()
        .name("atomdoc-watch".into())
        .spawn(move || debounce(&raw_rx, &tx, &mut filter))?;
    Ok((Watcher { _notify: notify }, rx))
}

fn notify_error(e: notify::Error) -> std::io::Error {
    let hint = match e.kind {
        notify::ErrorKind::MaxFilesWatch => {
            "; raise fs.inotify.max_user_watches (sysctl) or watch a smaller repository"
        }
        _ => "",
    };
    std::io::Error::other(format!("cannot watch the repository: {e}{hint}"))
}

/// Collects bursts of raw events and sends each as one batch, until either side hangs up.
fn debounce(
    raw: &Receiver<notify::Result<notify::Event>>,
    tx: &Sender<Event>,
    filter: &mut Filter,
) {
    while let Ok(first) = raw.recv() {
        let mut burst = vec![first];
        let began = Instant::now();
        let mut open = true;
        while began.elapsed() < LONGEST {
            match raw.recv_timeout(QUIET) {
                Ok(event) => burst.push(event),
                Err(RecvTimeoutError::Timeout) => break,
                Err(RecvTimeoutError::Disconnected) => {
                    open = false;
                    break;
                }
            }
        }
        if let Some(event) = filter.batch(burst)
            && tx.send(event).is_err()
        {
            return;
        }
        if !open {
            return;
        }
    }
}

/// Turns raw events into what a load would see.
struct Filter {
    /// The repository as watched (event paths start with it).
    root: PathBuf,
    /// The cache folder, repo-relative, when inside the repository.
    cache: Option<String>,
    repo: DiskRepo,
    /// Every file the walk sees, as of the last batch: a file gone counts when it was one of
    /// them (its name may have been ignored), and a folder gone stands for those under it.
    known: BTreeSet<String>,
}

impl Filter {
    fn new(root: PathBuf, cache: Option<String>, repo: DiskRepo) -> Filter {
        let mut filter = Filter {
            root,
            cache,
            repo,
            known: BTreeSet::new(),
        };
        filter.relearn();
        filter
    }

    /// Walks the whole repository again for the files that count.
    fn relearn(&mut self) {
        self.known = scan::seen(&self.repo, &[String::new()]).files;
        if let Some(cache) = &self.cache {
            self.known.retain(|f| !scan::at_or_under(f, cache));
        }
    }

    fn batch(&mut self, burst: Vec<notify::Result<notify::Event>>) -> Option<Event> {
        match self.changes(burst) {
            Ok(changes) => (!changes.is_empty()).then_some(Event::Changes(changes)),
            Err(why) => {
                self.relearn();
                Some(Event::Rescan(why))
            }
        }
    }

    /// The changes of a burst, sorted; `Err` (why) when only a rescan can tell.
    fn changes(
        &mut self,
        burst: Vec<notify::Result<notify::Event>>,
    ) -> Result<Vec<Change>, String> {
        let mut touched = BTreeSet::new();
        let mut renames = Vec::new();
        for event in burst {
            let event = event.map_err(|e| format!("the watcher failed: {e}"))?;
            if event.need_rescan() {
                return Err("events were lost (too many at once)".into());
            }
            if matches!(event.kind, EventKind::Access(_)) {
                continue;
            }
            let paths: Vec<String> = event
                .paths
                .iter()
                .filter_map(|p| self.relative(p))
                .collect();
            if let Some(p) = paths.iter().find(|p| reshapes_the_tree(p)) {
                return Err(format!("{p} changed"));
            }
            if let (EventKind::Modify(ModifyKind::Name(RenameMode::Both)), [from, to]) =
                (event.kind, paths.as_slice())
            {
                renames.push((from.clone(), to.clone()));
            }
            touched.extend(paths);
        }
        if touched.is_empty() {
            return Ok(Vec::new());
        }
        let touched: Vec<String> = touched.into_iter().collect();
        let seen = scan::seen(&self.repo, &touched);
        let mut files = BTreeSet::new();
        for path in &touched {
            // What counts at or under the path now, and what counted before.
            let now = seen.files.iter().filter(|f| scan::at_or_under(f, path));
            let before = self.known.iter().filter(|f| scan::at_or_under(f, path));
            files.extend(now.chain(before).cloned());
        }
        for f in &files {
            if seen.files.contains(f) {
                self.known.insert(f.clone());
            } else {
                self.known.remove(f);
            }
        }
        let mut changes = Vec::new();
        for (from, to) in renames {
            // A file renamed into a place the walk does not enter is gone, and the other way
            // round; a folder renamed stands for its files: the renames that stay are those of
            // a file where both sides count.
            if files.contains(&from) && files.contains(&to) && !seen.files.contains(&from) {
                files.remove(&from);
                files.remove(&to);
                changes.push(Change::Renamed { from, to });
            }
        }
        changes.extend(files.into_iter().map(Change::File));
        changes.sort_by(|a, b| first_path(a).cmp(first_path(b)));
        Ok(changes)
    }

    /// The repo-relative path of an event's path; `None` for the repository itself, the
    /// cache folder and what is under it, and paths outside the repository.
    fn relative(&self, path: &Path) -> Option<String> {
        if !path.starts_with(&self.root) {
            return None;
        }
        let rel = scan::repo_relative(&self.root, path)?;
        let in_cache = self
            .cache
            .as_ref()
            .is_some_and(|c| scan::at_or_under(&rel, c));
        (!rel.is_empty() && !in_cache).then_some(rel)
    }
}

/// Whether a change to `path` can change what a load sees as a whole: an ignore file, or the
/// settings (`atomdoc.toml`, `book.toml` at the repository root).
fn reshapes_the_tree(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    let hidden_folder = path
        .rsplit_once('/')
        .is_some_and(|(dir, _)| dir.split('/').any(|c| c.starts_with('.')));
    (!hidden_folder && scan::IGNORE_FILES.contains(&name))
        || path == CONFIG_FILE
        || path == "book.toml"
}

fn first_path(change: &Change) -> &str {
    match change {
        Change::File(p) | Change::Close(p) => p,
        Change::Renamed { from, .. } => from,
        Change::Overlay { path, .. } => path,
    }
}

#[cfg(test)]
mod tests;
