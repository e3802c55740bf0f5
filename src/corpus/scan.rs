//! Walks the docs tree and reads its Markdown files: the only module that reads the docs from
//! disk. Hidden folders are skipped, `.gitignore` is respected, symlinks that lead out of the
//! repository are not followed, and symlink loops end the descent instead of hanging.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use ignore::WalkBuilder;
use rayon::prelude::*;

use super::links::{Entry, RepoView};
use super::parse;
use super::{FileWarning, SourceFile};
pub use crate::boundary::read::Stat;
use crate::boundary::read::{self, ELOOP, Links, read_capped};
use crate::config::{Limits, LinksConfig};

/// A repository on disk: the answer to [`RepoView`] questions about files that are not
/// documents. Never reads or stats anything outside the repository.
pub struct DiskRepo {
    root: PathBuf,
    canonical: PathBuf,
    links: LinksConfig,
    /// Answers already given: many links point at the same few files that are not documents
    /// (an image, a legacy `.mdc`), and each first answer costs a `stat` and a `realpath`.
    entries: Mutex<HashMap<String, Entry>>,
    max_file_bytes: u64,
    anchors: AnchorMemo,
}

impl DiskRepo {
    pub fn new(root: &Path, links: LinksConfig) -> std::io::Result<DiskRepo> {
        Ok(DiskRepo {
            root: root.to_path_buf(),
            canonical: read::canonical(root)?,
            links,
            entries: Mutex::new(HashMap::new()),
            max_file_bytes: Limits::DEFAULT_MAX_FILE_BYTES,
            anchors: AnchorMemo::default(),
        })
    }

    /// Files larger than `max` bytes are never read for their anchors.
    pub fn with_max_file_bytes(mut self, max: u64) -> DiskRepo {
        self.max_file_bytes = max;
        self
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    fn entry_uncached(&self, path: &str) -> Entry {
        let full = self.root.join(path);
        match read::metadata(&full) {
            Err(_) => {
                // A dangling symlink or nothing at all.
                Entry::Missing
            }
            Ok(_) if !self.inside(&full) => Entry::Outside,
            Ok(meta) if meta.is_dir() => Entry::Dir,
            Ok(_) => Entry::File,
        }
    }

    /// The slugs and HTML anchors of the file at `path`, read from disk.
    fn anchors_uncached(&self, path: &str) -> Vec<String> {
        let full = self.root.join(path);
        // Only regular files inside the repository and under the size cap are read: a FIFO or
        // a device named `x.md` would block or never end.
        let readable = self.inside(&full)
            && read::metadata(&full).is_ok_and(|m| m.is_file() && m.len() <= self.max_file_bytes);
        match readable.then(|| read_capped(&full, Links::Inside(&self.root), self.max_file_bytes)) {
            Some(Ok(Some(bytes))) => {
                let doc = parse::parse(&decode(bytes).0, &self.links);
                let mut all: Vec<String> = doc.headings.into_iter().map(|h| h.slug).collect();
                all.extend(doc.html_anchors);
                all
            }
            _ => Vec::new(),
        }
    }

    /// Whether a path that exists stays inside the repository once symlinks are followed.
    fn inside(&self, path: &Path) -> bool {
        read::canonical(path).is_ok_and(|c| c.starts_with(&self.canonical))
    }
}

impl RepoView for DiskRepo {
    fn site(&self) -> &crate::corpus::dialect::Site {
        &self.links.site
    }

    fn entry(&self, path: &str) -> Entry {
        remembered(&self.entries, path, || self.entry_uncached(path))
    }

    fn has_anchor(&self, path: &str, fragment: &str) -> bool {
        self.anchors
            .contains(path, fragment, || self.anchors_uncached(path))
    }

    fn anchors(&self, path: &str) -> Vec<String> {
        self.anchors.list(path, || self.anchors_uncached(path))
    }
}

/// The anchors of files that are not documents, each file read once: the list
/// ([`RepoView::anchors`]) and its lower-cased set, so [`RepoView::has_anchor`] is a lookup
/// (a file with many headings linked many times would otherwise cost headings × links).
/// Shared by the views that read files: the work tree and a git revision.
#[derive(Default)]
pub(crate) struct AnchorMemo {
    lists: Mutex<HashMap<String, Vec<String>>>,
    sets: Mutex<HashMap<String, Arc<HashSet<String>>>>,
}

impl AnchorMemo {
    /// The anchors of `path`, from `read` the first time.
    pub(crate) fn list(&self, path: &str, read: impl FnOnce() -> Vec<String>) -> Vec<String> {
        remembered(&self.lists, path, read)
    }

    /// Whether `fragment` names an anchor of `path`, ignoring case.
    pub(crate) fn contains(
        &self,
        path: &str,
        fragment: &str,
        read: impl FnOnce() -> Vec<String>,
    ) -> bool {
        let set = remembered(&self.sets, path, || {
            Arc::new(
                self.list(path, read)
                    .iter()
                    .map(|a| a.to_lowercase())
                    .collect(),
            )
        });
        set.contains(&fragment.to_lowercase())
    }
}

/// The answer remembered for `key` in `memo`, computed (outside the lock, so lookups run in
/// parallel) and remembered on first use.
fn remembered<V: Clone>(
    memo: &Mutex<HashMap<String, V>>,
    key: &str,
    compute: impl FnOnce() -> V,
) -> V {
    let known = memo
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .get(key)
        .cloned();
    if let Some(value) = known {
        return value;
    }
    let value = compute();
    memo.lock()
        .unwrap_or_else(|e| e.into_inner())
        .insert(key.to_string(), value.clone());
    value
}

/// Whether a walk also stats the Markdown files it keeps (the cache's freshness check does;
/// a load without a cache does not need to).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stats {
    Skip,
    Take,
}

/// The Markdown files a walk found, repo-relative and sorted, plus the problems met on the way
/// (loops, unreadable folders).
#[derive(Debug, Default)]
pub struct Listing {
    pub paths: Vec<String>,
    /// With [`Stats::Take`], the [`Stat`] of each path (in the same order), taken when the walk
    /// met it (`None`: gone by then); empty with [`Stats::Skip`].
    pub stats: Vec<Option<Stat>>,
    pub warnings: Vec<FileWarning>,
}

/// The Markdown files found under the docs root.
pub fn walk(repo: &DiskRepo, root: &str, stats: Stats) -> Listing {
    walk_under(repo, root, |_| false, |_| true, stats)
}

/// Folders of other people's code, never read for referrers: vendored dependencies are full
/// of READMEs and none of them links into this repository's docs.
pub(crate) const VENDORED: [&str; 3] = ["node_modules", "vendor", "third_party"];

/// The referrers of the docs root `root`: the Markdown files of the repository outside it
/// that `globs` match, found by the same walk as the documents (`.gitignore`d and hidden
/// folders skipped, symlinks out of the repository not followed), vendored folders skipped
/// too. None when the docs root is the repository.
pub fn walk_referrers(
    repo: &DiskRepo,
    root: &str,
    globs: &globset::GlobSet,
    stats: Stats,
) -> Listing {
    // An unsafe ignore file at the repository root stops the docs walk, which says so.
    if root.is_empty()
        || globs.is_empty()
        || unsafe_ignore_file(&repo.root, &repo.canonical).is_some()
    {
        return Listing::default();
    }
    let docs_root = repo.root.join(root);
    let globs = globs.clone();
    let root = root.to_string();
    walk_under(
        repo,
        "",
        move |dir| {
            dir == docs_root
                || dir
                    .file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| VENDORED.contains(&n))
        },
        move |path| super::is_referrer(&root, path, &globs),
        stats,
    )
}

/// The Markdown files under `start` (repo-relative) that `keep` accepts, never entering the
/// folders `skip_dir` names; each with its stat, taken on the way, with [`Stats::Take`].
fn walk_under(
    repo: &DiskRepo,
    start: &str,
    skip_dir: impl Fn(&Path) -> bool + Send + Sync + 'static,
    keep: impl Fn(&str) -> bool + Sync,
    stats: Stats,
) -> Listing {
    let mut listing = Listing::default();
    listing.warnings = walk_entries(
        repo,
        start,
        skip_dir,
        |rel, found| found == Found::Markdown && keep(rel),
        stats,
        |rel, _, stat| {
            listing.paths.push(rel);
            if stats == Stats::Take {
                listing.stats.push(stat);
            }
        },
    );
    listing
}

/// What the walk of a load sees of some paths: the files at or under them, and the folders it
/// entered on the way (see [`seen`]).
#[derive(Debug, Default)]
pub struct Seen {
    /// Every file (of any kind) at or under the paths asked about, repo-relative.
    pub files: BTreeSet<String>,
    /// Every folder the walk entered: those on the way to the paths and those under them.
    pub folders: BTreeSet<String>,
}

/// What the walk every load makes sees at or under `paths` (repo-relative files or folders,
/// which need not exist any more), for a file watcher: the walk enters only the folders on the
/// way to them and under them, applying the same ignore files, hidden-folder and symlink rules,
/// so a change in an ignored or hidden place is not seen. Reads folder entries, no file.
pub fn seen(repo: &DiskRepo, paths: &[String]) -> Seen {
    let targets: Arc<Vec<String>> = Arc::new(paths.to_vec());
    let in_filter = Arc::clone(&targets);
    let root = repo.root.clone();
    let mut seen = Seen::default();
    walk_entries(
        repo,
        "",
        move |dir| {
            repo_relative(&root, dir).is_none_or(|rel| {
                !in_filter
                    .iter()
                    .any(|t| at_or_under(&rel, t) || at_or_under(t, &rel))
            })
        },
        |rel, found| found == Found::Folder || targets.iter().any(|t| at_or_under(rel, t)),
        Stats::Skip,
        |rel, found, _| {
            if found == Found::Folder {
                seen.folders.insert(rel);
            } else {
                seen.files.insert(rel);
            }
        },
    );
    seen
}

/// Whether the repo-relative `path` is `folder` or under it (everything is under `""`).
pub fn at_or_under(path: &str, folder: &str) -> bool {
    folder.is_empty()
        || path
            .strip_prefix(folder)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}

/// What the walk met.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Found {
    /// A folder it entered.
    Folder,
    /// A `.md` file.
    Markdown,
    /// Any other file.
    File,
}

/// The walk every load makes (ignore files, hidden folders, symlinks that stay inside the
/// repository), from `start` (repo-relative), never entering the folders `skip_dir` names:
/// `visit` gets every folder entered and every file that `wanted` accepts, repo-relative and
/// sorted, each Markdown file with its [`Stat`] when `stats` asks for it; returns the
/// problems met.
fn walk_entries(
    repo: &DiskRepo,
    start: &str,
    skip_dir: impl Fn(&Path) -> bool + Send + Sync + 'static,
    wanted: impl Fn(&str, Found) -> bool + Sync,
    stats: Stats,
    mut visit: impl FnMut(String, Found, Option<Stat>),
) -> Vec<FileWarning> {
    let root = start;
    let start = repo.root.join(root);
    let canonical = repo.canonical.clone();
    let repo_root = repo.root.clone();
    let escaped: Arc<Mutex<Vec<FileWarning>>> = Arc::default();
    let escaped_in_filter = Arc::clone(&escaped);
    let mut warnings = Vec::new();
    // The ignore crate reads `.gitignore`/`.ignore` in the root and in every folder above it
    // up to the repository: refuse to walk when one of them is unsafe to read.
    let mut dir = Some(start.as_path());
    while let Some(d) = dir.filter(|d| d.starts_with(&repo.root)) {
        if let Some(problem) = unsafe_ignore_file(d, &canonical) {
            warnings.push(FileWarning {
                path: repo_relative(&repo.root, &problem).unwrap_or_else(|| root.to_string()),
                message:
                    "ignore file is not a regular file inside the repository; docs root not walked"
                        .into(),
                skipped: true,
            });
            return warnings;
        }
        dir = d.parent();
    }
    let mut builder = WalkBuilder::new(&start);
    builder
        // Hidden folders are skipped below; hidden files are documents like any other.
        .hidden(false)
        .git_ignore(true)
        .git_exclude(true)
        .require_git(false)
        .follow_links(true)
        .filter_entry(move |e| {
            let is_dir = e.file_type().is_some_and(|t| t.is_dir());
            if e.depth() > 0 && is_dir && skip_dir(e.path()) {
                return false;
            }
            let hidden_dir = e.depth() > 0
                && is_dir
                && e.file_name().to_str().is_some_and(|n| n.starts_with('.'));
            // Follow a symlink only when it stays inside the repository.
            let escapes = e.path_is_symlink()
                && !read::canonical(e.path()).is_ok_and(|c| c.starts_with(&canonical));
            // A folder's ignore files are read when the walk enters it, so check them first.
            let bad_ignore = (!hidden_dir
                && !escapes
                && e.depth() > 0
                && e.file_type().is_some_and(|t| t.is_dir()))
            .then(|| unsafe_ignore_file(e.path(), &canonical))
            .flatten();
            if let Some(bad) = bad_ignore {
                escaped_in_filter
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .push(FileWarning {
                        path: repo_relative(&repo_root, &bad)
                            .unwrap_or_else(|| bad.display().to_string()),
                        message: "ignore file is not a regular file inside the repository; its folder is skipped".into(),
                        skipped: true,
                    });
                return false;
            }
            // A dangling symlink cannot be canonicalised either: it is simply not there.
            if escapes && !hidden_dir && read::kind(e.path()).is_some() {
                escaped_in_filter
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .push(FileWarning {
                        path: repo_relative(&repo_root, e.path())
                            .unwrap_or_else(|| e.path().display().to_string()),
                        message: "symlink leads outside the repository; not followed".into(),
                        skipped: false,
                    });
            }
            !hidden_dir && !escapes
        });
    // Folders are read, and the Markdown files in them statted, on every core (a warm run's
    // walk and stat are a third of its time at 100,000 documents); what the walk met is then
    // sorted, so the answer does not depend on which thread saw what first.
    let shared = Shared {
        repo: &repo.root,
        wanted: &wanted,
        stats,
        met: Mutex::default(),
        unnamed: Mutex::default(),
        failed: Mutex::default(),
    };
    builder.build_parallel().run(|| {
        let mut local = Local {
            shared: &shared,
            met: Vec::new(),
            folder: None,
        };
        Box::new(move |entry| {
            local.visit(entry);
            ignore::WalkState::Continue
        })
    });
    let Shared {
        met,
        unnamed,
        failed,
        ..
    } = shared;
    let mut met = met.into_inner().unwrap_or_else(|p| p.into_inner());
    // By bytes (any fixed order will do: callers sort or collect into sets), and each path
    // once.
    met.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    met.dedup_by(|a, b| a.0 == b.0);
    for (rel, found, stat) in met {
        visit(rel, found, stat);
    }
    let mut unnamed = unnamed.into_inner().unwrap_or_else(|p| p.into_inner());
    unnamed.sort_unstable_by(|a, b| {
        a.as_os_str()
            .as_encoded_bytes()
            .cmp(b.as_os_str().as_encoded_bytes())
    });
    warnings.extend(unnamed.into_iter().map(|path| {
        FileWarning {
            path: path
                .strip_prefix(&repo.root)
                .unwrap_or(&path)
                .to_string_lossy()
                .replace('\\', "/"),
            message: "file name is not valid UTF-8; skipped".into(),
            skipped: true,
        }
    }));
    let mut failed = failed.into_inner().unwrap_or_else(|p| p.into_inner());
    let mut escaped = std::mem::take(&mut *lock(&escaped));
    failed.sort_by(|a, b| a.path.cmp(&b.path));
    escaped.sort_by(|a, b| a.path.cmp(&b.path));
    warnings.extend(failed);
    warnings.extend(escaped);
    warnings
}

/// What the threads of one walk share: what they are asked, and what they met.
struct Shared<'a, W> {
    repo: &'a Path,
    wanted: &'a W,
    stats: Stats,
    /// Entries wanted, repo-relative, with the stat of each Markdown file when asked.
    met: Mutex<Vec<(String, Found, Option<Stat>)>>,
    /// Markdown files whose names are not valid UTF-8.
    unnamed: Mutex<Vec<PathBuf>>,
    failed: Mutex<Vec<FileWarning>>,
}

/// One thread's part of a walk: what it met (handed over when the walk drops it) and the
/// folder of the last file it statted.
struct Local<'s, 'a, W: Fn(&str, Found) -> bool> {
    shared: &'s Shared<'a, W>,
    met: Vec<(String, Found, Option<Stat>)>,
    /// A folder's entries reach the same thread one after the other, save for the folders
    /// under it: each file is statted by name in the folder opened for the one before.
    folder: Option<read::Folder>,
}

impl<W: Fn(&str, Found) -> bool> Local<'_, '_, W> {
    fn visit(&mut self, entry: Result<ignore::DirEntry, ignore::Error>) {
        let e = match entry {
            Ok(e) => e,
            Err(err) => {
                lock(&self.shared.failed).push(walk_warning(self.shared.repo, &err));
                return;
            }
        };
        let found = match e.file_type() {
            Some(kind) if kind.is_dir() => Found::Folder,
            Some(kind) if kind.is_file() => {
                if e.path().extension().is_some_and(|x| x == "md") {
                    Found::Markdown
                } else {
                    Found::File
                }
            }
            _ => return,
        };
        let Some(rel) = repo_relative(self.shared.repo, e.path()) else {
            if found == Found::Markdown {
                lock(&self.shared.unnamed).push(e.into_path());
            }
            return;
        };
        if !(self.shared.wanted)(&rel, found) {
            return;
        }
        let stat = (found == Found::Markdown && self.shared.stats == Stats::Take)
            .then(|| self.stat(e.path()))
            .flatten();
        self.met.push((rel, found, stat));
    }

    /// The [`Stat`] of `path`, by name in its folder.
    fn stat(&mut self, path: &Path) -> Option<Stat> {
        let (Some(parent), Some(name)) = (path.parent(), path.file_name()) else {
            return read::stat(path).ok();
        };
        // Compared as bytes: the walk joins every path the same way.
        if self
            .folder
            .as_ref()
            .is_none_or(|f| f.path().as_os_str() != parent.as_os_str())
        {
            self.folder = read::Folder::open(parent).ok();
        }
        match &self.folder {
            Some(folder) => folder.stat(name).ok(),
            None => read::stat(path).ok(),
        }
    }
}

impl<W: Fn(&str, Found) -> bool> Drop for Local<'_, '_, W> {
    fn drop(&mut self) {
        lock(&self.shared.met).append(&mut self.met);
    }
}

/// The value behind `mutex`, even if a thread panicked while holding it.
fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|p| p.into_inner())
}

/// The ignore files the walk reads in a folder.
pub const IGNORE_FILES: [&str; 2] = [".gitignore", ".ignore"];

/// An ignore file of `dir` that must not be read: a symlink leading out of the repository, or
/// something that is not a regular file (a pipe or `/dev/zero` would hang the walk).
fn unsafe_ignore_file(dir: &Path, canonical_repo: &Path) -> Option<PathBuf> {
    IGNORE_FILES.iter().map(|name| dir.join(name)).find(|p| {
        let Ok(link) = read::symlink_metadata(p) else {
            return false;
        };
        if link.file_type().is_symlink() {
            let inside = read::canonical(p).is_ok_and(|c| c.starts_with(canonical_repo));
            let kind = read::kind(p);
            // A dangling symlink is not read by anyone: harmless.
            kind.is_some() && !(inside && kind == Some(read::Kind::File))
        } else {
            !link.is_file()
        }
    })
}

fn walk_warning(repo: &Path, err: &ignore::Error) -> FileWarning {
    let path = walk_error_path(err)
        .and_then(|p| repo_relative(repo, p))
        .unwrap_or_else(|| repo.display().to_string());
    if is_loop(err) {
        // The folder's files are already reached through its real path: nothing is missing.
        return FileWarning {
            path,
            message: "symlink loop; not followed".into(),
            skipped: false,
        };
    }
    let message = match err.io_error() {
        Some(io) => format!("cannot read: {io}; skipped"),
        None => format!("{err}; skipped"),
    };
    FileWarning {
        path,
        message,
        skipped: true,
    }
}

fn is_loop(err: &ignore::Error) -> bool {
    match err {
        ignore::Error::Loop { .. } => true,
        ignore::Error::WithPath { err, .. } | ignore::Error::WithDepth { err, .. } => is_loop(err),
        // A symlink that points at itself (or a chain of them): nothing behind it to miss.
        // The io error may wrap walkdir's error, which wraps the OS error: walk the chain.
        _ => {
            let mut cause: Option<&(dyn std::error::Error + 'static)> = err
                .io_error()
                .map(|io| io as &(dyn std::error::Error + 'static));
            while let Some(e) = cause {
                if let Some(io) = e.downcast_ref::<std::io::Error>() {
                    if io.raw_os_error() == Some(ELOOP) {
                        return true;
                    }
                    cause = io.get_ref().map(|inner| inner as _);
                } else {
                    cause = e.source();
                }
            }
            false
        }
    }
}

fn walk_error_path(err: &ignore::Error) -> Option<&Path> {
    match err {
        ignore::Error::WithPath { path, .. } => Some(path),
        ignore::Error::WithDepth { err, .. } => walk_error_path(err),
        ignore::Error::Loop { child, .. } => Some(child),
        _ => None,
    }
}

/// `path` relative to `repo`, `/`-separated; `None` when not valid UTF-8.
pub fn repo_relative(repo: &Path, path: &Path) -> Option<String> {
    // The common case, every path a walk meets: the repository's path, a `/`, and plain
    // names, whose bytes are already the answer (no components to split and join again).
    #[cfg(unix)]
    {
        let repo_bytes = repo.as_os_str().as_encoded_bytes();
        let rest = path
            .as_os_str()
            .as_encoded_bytes()
            .strip_prefix(repo_bytes)
            .and_then(|rest| match rest {
                [] => Some(rest),
                [b'/', rest @ ..] => Some(rest),
                _ if repo_bytes.ends_with(b"/") => Some(rest),
                _ => None,
            });
        let plain = |rest: &[u8]| {
            rest.is_empty()
                || rest
                    .split(|b| *b == b'/')
                    .all(|name| !name.is_empty() && name != b".")
        };
        if let Some(rest) = rest.filter(|rest| plain(rest)) {
            return std::str::from_utf8(rest).ok().map(str::to_string);
        }
    }
    let rel = path.strip_prefix(repo).unwrap_or(path);
    let parts: Option<Vec<&str>> = rel.components().map(|c| c.as_os_str().to_str()).collect();
    Some(parts?.join("/"))
}

/// Reads the given files in parallel. UTF-16 (with a byte-order mark) is decoded, invalid
/// UTF-8 is decoded lossily, each with a warning; a file that cannot be read, is no longer a
/// regular file, or is larger than `limits.max_file_bytes` is skipped with a warning.
pub fn read_all_with(
    repo: &Path,
    paths: Vec<String>,
    limits: &Limits,
) -> (Vec<SourceFile>, Vec<FileWarning>) {
    let results: Vec<Result<(SourceFile, Option<FileWarning>), FileWarning>> = paths
        .into_par_iter()
        .map(|path| read_one(repo, path, limits.max_file_bytes))
        .collect();
    let mut files = Vec::with_capacity(results.len());
    let mut warnings = Vec::new();
    for r in results {
        match r {
            Ok((file, warning)) => {
                files.push(file);
                warnings.extend(warning);
            }
            Err(w) => warnings.push(w),
        }
    }
    (files, warnings)
}

fn read_one(
    repo: &Path,
    path: String,
    max_bytes: u64,
) -> Result<(SourceFile, Option<FileWarning>), FileWarning> {
    let skip = |message: String| FileWarning {
        path: path.clone(),
        message,
        skipped: true,
    };
    let full = repo.join(&path);
    // The walk saw a regular file, but the tree may have changed since: check again.
    let meta = read::metadata(&full).map_err(|e| skip(format!("cannot read: {e}; skipped")))?;
    if !meta.is_file() {
        return Err(skip("no longer a regular file; skipped".into()));
    }
    let too_big = |size: u64| skip(over_limit(size, max_bytes));
    if meta.len() > max_bytes {
        return Err(too_big(meta.len()));
    }
    let bytes = match read_capped(&full, Links::Inside(repo), max_bytes) {
        Ok(Some(bytes)) => bytes,
        // The file grew past the cap after the size check.
        Ok(None) => return Err(too_big(max_bytes + 1)),
        Err(e) => return Err(skip(format!("cannot read: {e}; skipped"))),
    };
    let (text, note) = decode(bytes);
    let warning = note.map(|message| FileWarning {
        path: path.clone(),
        message: message.into(),
        skipped: false,
    });
    Ok((SourceFile { path, text }, warning))
}

/// The warning for a file of `size` bytes over the `max_bytes` cap.
pub fn over_limit(size: u64, max_bytes: u64) -> String {
    format!(
        "{size} bytes is over the {max_bytes}-byte limit; skipped (raise `max_file_bytes` under [limits] in atomdoc.toml)"
    )
}

/// Bytes → text. UTF-8 as is; UTF-16 with a byte-order mark decoded; anything else decoded
/// lossily. The note, if any, says what the user should know about the file's encoding.
pub fn decode(bytes: Vec<u8>) -> (String, Option<&'static str>) {
    let utf16 = |be: bool| {
        let units = bytes[2..].chunks(2).map(|c| match (c, be) {
            ([a, b], true) => u16::from_be_bytes([*a, *b]),
            ([a, b], false) => u16::from_le_bytes([*a, *b]),
            // An odd trailing byte cannot be a UTF-16 unit: make it a replacement character.
            _ => 0xDC00,
        });
        char::decode_utf16(units)
            .map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER))
            .collect::<String>()
    };
    match bytes.get(..2) {
        Some([0xFF, 0xFE]) => {
            return (
                utf16(false),
                Some(
                    "encoded as UTF-16LE; decoded (atomdoc expects UTF-8; other tools may not read it)",
                ),
            );
        }
        Some([0xFE, 0xFF]) => {
            return (
                utf16(true),
                Some(
                    "encoded as UTF-16BE; decoded (atomdoc expects UTF-8; other tools may not read it)",
                ),
            );
        }
        _ => {}
    }
    let has_nul = bytes.contains(&0);
    match String::from_utf8(bytes) {
        Ok(text) if has_nul => (
            text,
            Some(
                "contains NUL bytes (is it a binary file?); they are read as replacement characters",
            ),
        ),
        Ok(text) => (text, None),
        Err(e) => (
            String::from_utf8_lossy(e.as_bytes()).into_owned(),
            Some("not valid UTF-8; decoded with replacement characters"),
        ),
    }
}

/// Stats `path` (repo-relative) following symlinks; `None` when it does not exist or cannot
/// be read. Never reads the file's content.
pub fn stat(repo: &Path, path: &str) -> Option<Stat> {
    read::stat(&repo.join(path)).ok()
}

#[cfg(test)]
mod tests {
    //! The tree changing under atomdoc between the walk and the read: driven step by step
    //! through the same functions `Workspace::load` calls, so nothing races.

    use std::fs;

    use super::*;
    use crate::config::Config;
    use crate::corpus::Corpus;

    fn repo(files: &[(&str, &str)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for (path, text) in files {
            let full = dir.path().join(path);
            fs::create_dir_all(full.parent().unwrap()).unwrap();
            fs::write(full, text).unwrap();
        }
        dir
    }

    #[test]
    fn a_file_deleted_or_replaced_between_walk_and_read_is_skipped_with_a_warning() {
        let dir = repo(&[
            ("docs/a.md", "# A\n\n[b](b.md) [c](c.md) [d](d.md)\n"),
            ("docs/b.md", "# B\n"),
            ("docs/c.md", "# C\n"),
            ("docs/d.md", "# D\n"),
        ]);
        let disk = DiskRepo::new(dir.path(), Config::default().links).unwrap();
        let Listing {
            paths, warnings, ..
        } = walk(&disk, "docs", Stats::Skip);
        assert_eq!(paths.len(), 4);
        assert!(warnings.is_empty());
        fs::remove_file(dir.path().join("docs/b.md")).unwrap();
        fs::remove_file(dir.path().join("docs/c.md")).unwrap();
        fs::create_dir(dir.path().join("docs/c.md")).unwrap();
        let (files, warnings) = read_all_with(dir.path(), paths, &Limits::default());
        assert_eq!(files.len(), 2);
        let said: Vec<(&str, &str)> = warnings
            .iter()
            .map(|w| (w.path.as_str(), w.message.as_str()))
            .collect();
        assert_eq!(said.len(), 2, "{said:?}");
        assert_eq!(said[0].0, "docs/b.md");
        assert!(said[0].1.starts_with("cannot read: "), "{said:?}");
        assert!(said[0].1.ends_with("; skipped"), "{said:?}");
        assert_eq!(said[1], ("docs/c.md", "no longer a regular file; skipped"));
        assert!(warnings.iter().all(|w| w.skipped));
        // The rest of the answers are about what is there now.
        let corpus = Corpus::build("docs", files, warnings, &disk, &Config::default());
        let a = &corpus.docs[corpus.doc_id("docs/a.md").unwrap()];
        let reasons: Vec<_> = a.links.iter().map(|l| l.broken_reason()).collect();
        use crate::corpus::BrokenReason::Missing;
        // b.md is gone; c.md is now a folder (fine, no README); d.md is a document.
        assert_eq!(reasons, [Some(Missing), None, None]);
        assert_eq!(a.links[2].to_doc, corpus.doc_id("docs/d.md"));
    }

    #[test]
    fn a_file_rewritten_between_walk_and_read_is_read_as_it_is_now() {
        let dir = repo(&[("docs/a.md", "# Old\n"), ("docs/b.md", "# B\n")]);
        let disk = DiskRepo::new(dir.path(), Config::default().links).unwrap();
        let paths = walk(&disk, "docs", Stats::Skip).paths;
        fs::write(dir.path().join("docs/a.md"), "# New\n\n[b](b.md)\n").unwrap();
        fs::write(dir.path().join("docs/b.md"), "x".repeat(200)).unwrap();
        let limits = Limits {
            max_file_bytes: 100,
            ..Limits::default()
        };
        let (files, warnings) = read_all_with(dir.path(), paths, &limits);
        assert_eq!(files.len(), 1);
        assert!(files[0].text.starts_with("# New"));
        assert_eq!(warnings.len(), 1);
        assert_eq!(warnings[0].path, "docs/b.md");
        assert!(
            warnings[0]
                .message
                .starts_with("200 bytes is over the 100-byte limit; skipped"),
            "{warnings:?}"
        );
    }

    /// The walk that stats each Markdown file by name in its folder finds exactly what the walk
    /// followed by a stat of every path from the repository root found: the same paths, the
    /// same stats, the same warnings, for documents and referrers.
    #[cfg(unix)]
    #[test]
    fn the_stat_walk_finds_what_a_walk_then_a_stat_of_each_path_finds() {
        use std::os::unix::fs::symlink;
        let outside = repo(&[("secret.md", "# Secret\n"), ("far/deep.md", "# Deep\n")]);
        let dir = repo(&[
            ("docs/a.md", "# A\n"),
            ("docs/sub/b.md", "# B\n"),
            ("docs/sub/deeper/c.md", "# C\n"),
            ("docs/sub/notes.txt", "not markdown"),
            ("docs/.hidden/h.md", "# hidden folder\n"),
            ("docs/.dotfile.md", "# a hidden file is a document\n"),
            ("docs/.gitignore", "ignored.md\nbuild/\n"),
            ("docs/ignored.md", "# ignored\n"),
            ("docs/build/out.md", "# ignored folder\n"),
            ("docs/sub/.ignore", "deeper/skip.md\n"),
            ("docs/sub/deeper/skip.md", "# ignored by .ignore\n"),
            ("README.md", "[a](docs/a.md)\n"),
            ("guide/intro.md", "[b](../docs/sub/b.md)\n"),
            ("node_modules/pkg/README.md", "# vendored\n"),
            (".github/CONTRIBUTING.md", "# hidden\n"),
        ]);
        let at = |p: &str| dir.path().join(p);
        // Symlinks that stay inside: to a file and to a folder (walked again under its name).
        symlink("a.md", at("docs/alias.md")).unwrap();
        symlink("sub/deeper", at("docs/linked")).unwrap();
        symlink("../docs/sub", at("guide/sub")).unwrap();
        // Symlinks that lead out, to a file and to a folder, and a dangling one.
        symlink(outside.path().join("secret.md"), at("docs/secret.md")).unwrap();
        symlink(outside.path().join("far"), at("docs/far")).unwrap();
        symlink("nowhere.md", at("docs/dangling.md")).unwrap();
        // A loop.
        symlink("..", at("docs/sub/up")).unwrap();
        // Files of different sizes and times, so equal stats mean the same file.
        fs::write(at("docs/sub/b.md"), "# B, longer\n").unwrap();

        let disk = DiskRepo::new(dir.path(), Config::default().links).unwrap();
        let stat_each = |paths: &[String]| -> Vec<Option<Stat>> {
            paths.iter().map(|p| stat(dir.path(), p)).collect()
        };
        let globs = Config::default().links.referrer_globs().unwrap();
        for (fused, plain) in [
            (
                walk(&disk, "docs", Stats::Take),
                walk(&disk, "docs", Stats::Skip),
            ),
            (
                walk_referrers(&disk, "docs", &globs, Stats::Take),
                walk_referrers(&disk, "docs", &globs, Stats::Skip),
            ),
        ] {
            assert_eq!(fused.paths, plain.paths);
            assert!(fused.paths.is_sorted());
            assert_eq!(fused.stats, stat_each(&plain.paths), "{:?}", fused.paths);
            assert!(fused.stats.iter().all(|s| s.is_some_and(|s| !s.is_dir)));
            assert!(plain.stats.is_empty());
            let said = |l: &Listing| -> Vec<(String, String)> {
                l.warnings
                    .iter()
                    .map(|w| (w.path.clone(), w.message.clone()))
                    .collect()
            };
            assert_eq!(said(&fused), said(&plain));
        }
        let docs = walk(&disk, "docs", Stats::Take);
        assert_eq!(
            docs.paths,
            [
                "docs/.dotfile.md",
                "docs/a.md",
                "docs/alias.md",
                "docs/linked/c.md",
                // `docs/sub/.ignore` names the file under its own folder, not this path to it.
                "docs/linked/skip.md",
                "docs/sub/b.md",
                "docs/sub/deeper/c.md",
            ]
        );
        // A symlink is statted through to what it leads to, like a stat of its path.
        let stat_of = |p: &str| docs.stats[docs.paths.iter().position(|x| x == p).unwrap()];
        assert_eq!(stat_of("docs/alias.md"), stat_of("docs/a.md"));
        assert_eq!(stat_of("docs/sub/b.md").unwrap().size, 12);
        let messages: Vec<&str> = docs.warnings.iter().map(|w| w.message.as_str()).collect();
        assert!(messages.contains(&"symlink leads outside the repository; not followed"));
        assert!(messages.contains(&"symlink loop; not followed"));
        let referrers = walk_referrers(&disk, "docs", &globs, Stats::Take);
        assert_eq!(
            referrers.paths[..3],
            ["README.md", "guide/intro.md", "guide/sub/b.md"]
        );
        assert!(
            referrers
                .paths
                .iter()
                .all(|p| !p.starts_with("node_modules/") && !p.starts_with(".github/")),
            "{:?}",
            referrers.paths
        );
    }

    #[test]
    fn repo_relative_paths_are_their_components_joined_with_slashes() {
        let by_components = |repo: &str, path: &str| -> Option<String> {
            let rel = Path::new(path)
                .strip_prefix(repo)
                .unwrap_or(Path::new(path));
            let parts: Option<Vec<&str>> =
                rel.components().map(|c| c.as_os_str().to_str()).collect();
            Some(parts?.join("/"))
        };
        for (repo, path) in [
            ("/r", "/r"),
            ("/r", "/r/"),
            ("/r", "/r/docs/a.md"),
            ("/r/", "/r/docs/a.md"),
            ("/r", "/r//docs/a.md"),
            ("/r", "/r/docs/./a.md"),
            ("/r", "/r/docs/../a.md"),
            ("/r", "/r/docs/"),
            ("/r", "/rx/a.md"),
            ("/r", "/elsewhere/a.md"),
            (".", "./docs/a.md"),
            ("/r/.", "/r/./a.md"),
        ] {
            assert_eq!(
                repo_relative(Path::new(repo), Path::new(path)),
                by_components(repo, path),
                "{repo} {path}"
            );
        }
    }

    #[test]
    fn decoding_covers_utf16_nul_and_invalid_utf8() {
        let le: Vec<u8> = [0xFF, 0xFE, b'#', 0, b' ', 0, b'A', 0].to_vec();
        assert_eq!(decode(le).0, "# A");
        let be: Vec<u8> = [0xFE, 0xFF, 0, b'#', 0, b' ', 0, b'A', 0xD8].to_vec();
        // An odd trailing byte becomes a replacement character, never a panic.
        assert_eq!(decode(be).0, "# A\u{fffd}");
        assert_eq!(decode(vec![0xFF]).0, "\u{fffd}");
        assert!(decode(b"a\0b".to_vec()).1.unwrap().contains("NUL"));
        assert_eq!(decode(b"plain".to_vec()), ("plain".into(), None));
    }
}
