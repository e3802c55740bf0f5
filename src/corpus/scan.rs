//! Walks the docs tree and reads its Markdown files: the only module that reads the docs from
//! disk. Hidden folders are skipped, `.gitignore` is respected, symlinks that lead out of the
//! repository are not followed, and symlink loops end the descent instead of hanging.

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use ignore::WalkBuilder;
use rayon::prelude::*;

use super::links::{Entry, RepoView};
use super::parse;
use super::{FileWarning, SourceFile};
use crate::config::LinksConfig;

/// A repository on disk: the answer to [`RepoView`] questions about files that are not
/// documents. Never reads or stats anything outside the repository.
pub struct DiskRepo {
    root: PathBuf,
    canonical: PathBuf,
    links: LinksConfig,
    /// Answers already given: many links point at the same few files that are not documents
    /// (an image, a legacy `.mdc`), and each first answer costs a `stat` and a `realpath`.
    entries: Mutex<HashMap<String, Entry>>,
    anchors: Mutex<HashMap<String, Vec<String>>>,
}

impl DiskRepo {
    pub fn new(root: &Path, links: LinksConfig) -> std::io::Result<DiskRepo> {
        Ok(DiskRepo {
            root: root.to_path_buf(),
            canonical: root.canonicalize()?,
            links,
            entries: Mutex::new(HashMap::new()),
            anchors: Mutex::new(HashMap::new()),
        })
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    fn entry_uncached(&self, path: &str) -> Entry {
        let full = self.root.join(path);
        match fs::metadata(&full) {
            Err(_) => {
                // A dangling symlink or nothing at all.
                Entry::Missing
            }
            Ok(_) if !self.inside(&full) => Entry::Outside,
            Ok(meta) if meta.is_dir() => Entry::Dir,
            Ok(_) => Entry::File,
        }
    }

    /// Whether a path that exists stays inside the repository once symlinks are followed.
    fn inside(&self, path: &Path) -> bool {
        path.canonicalize()
            .is_ok_and(|c| c.starts_with(&self.canonical))
    }
}

impl RepoView for DiskRepo {
    fn entry(&self, path: &str) -> Entry {
        let cached = self
            .entries
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(path)
            .copied();
        if let Some(entry) = cached {
            return entry;
        }
        let entry = self.entry_uncached(path);
        self.entries
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(path.to_string(), entry);
        entry
    }

    fn anchors(&self, path: &str) -> Vec<String> {
        if let Some(found) = self
            .anchors
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(path)
        {
            return found.clone();
        }
        let full = self.root.join(path);
        let found = match self.inside(&full).then(|| fs::read(&full)) {
            Some(Ok(bytes)) => {
                let doc = parse::parse(&String::from_utf8_lossy(&bytes), &self.links);
                let mut all: Vec<String> = doc.headings.into_iter().map(|h| h.slug).collect();
                all.extend(doc.html_anchors);
                all
            }
            _ => Vec::new(),
        };
        self.anchors
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(path.to_string(), found.clone());
        found
    }
}

/// The Markdown files found under the docs root, repo-relative and sorted, plus problems met on
/// the way (loops, unreadable folders).
pub fn walk(repo: &DiskRepo, root: &str) -> (Vec<String>, Vec<FileWarning>) {
    let start = repo.root.join(root);
    let canonical = repo.canonical.clone();
    let mut files = Vec::new();
    let mut warnings = Vec::new();
    let walker = WalkBuilder::new(&start)
        // Hidden folders are skipped below; hidden files are documents like any other.
        .hidden(false)
        .git_ignore(true)
        .git_exclude(true)
        .require_git(false)
        .follow_links(true)
        .sort_by_file_name(|a, b| a.cmp(b))
        .filter_entry(move |e| {
            let hidden_dir = e.depth() > 0
                && e.file_type().is_some_and(|t| t.is_dir())
                && e.file_name().to_str().is_some_and(|n| n.starts_with('.'));
            // Follow a symlink only when it stays inside the repository.
            let escapes = e.path_is_symlink()
                && !e
                    .path()
                    .canonicalize()
                    .is_ok_and(|c| c.starts_with(&canonical));
            !hidden_dir && !escapes
        })
        .build();
    for entry in walker {
        match entry {
            Ok(e) => {
                let is_file = e.file_type().is_some_and(|t| t.is_file());
                if is_file && e.path().extension().is_some_and(|x| x == "md") {
                    match repo_relative(&repo.root, e.path()) {
                        Some(rel) => files.push(rel),
                        None => warnings.push(FileWarning {
                            path: e.path().display().to_string(),
                            message: "file name is not valid UTF-8; skipped".into(),
                            skipped: true,
                        }),
                    }
                }
            }
            Err(err) => warnings.push(walk_warning(&repo.root, &err)),
        }
    }
    files.sort();
    files.dedup();
    (files, warnings)
}

fn walk_warning(repo: &Path, err: &ignore::Error) -> FileWarning {
    let path = walk_error_path(err)
        .and_then(|p| repo_relative(repo, p))
        .unwrap_or_else(|| repo.display().to_string());
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
    let rel = path.strip_prefix(repo).unwrap_or(path);
    let parts: Option<Vec<&str>> = rel.components().map(|c| c.as_os_str().to_str()).collect();
    Some(parts?.join("/"))
}

/// Reads the given files in parallel. Invalid UTF-8 is decoded lossily with a warning; an
/// unreadable file is skipped with a warning.
pub fn read_all(repo: &Path, paths: Vec<String>) -> (Vec<SourceFile>, Vec<FileWarning>) {
    let results: Vec<Result<(SourceFile, Option<FileWarning>), FileWarning>> = paths
        .into_par_iter()
        .map(|path| read_one(repo, path))
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

fn read_one(repo: &Path, path: String) -> Result<(SourceFile, Option<FileWarning>), FileWarning> {
    let bytes = fs::read(repo.join(&path)).map_err(|e| FileWarning {
        path: path.clone(),
        message: format!("cannot read: {e}; skipped"),
        skipped: true,
    })?;
    let (text, warning) = match String::from_utf8(bytes) {
        Ok(text) => (text, None),
        Err(e) => {
            let text = String::from_utf8_lossy(e.as_bytes()).into_owned();
            let warning = FileWarning {
                path: path.clone(),
                message: "not valid UTF-8; decoded with replacement characters".into(),
                skipped: false,
            };
            (text, Some(warning))
        }
    };
    Ok((SourceFile { path, text }, warning))
}

/// What a stat of one path found: enough to tell whether a file changed since last time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Stat {
    pub is_dir: bool,
    pub size: u64,
    /// Modification time in nanoseconds since the Unix epoch (0 when unknown).
    pub mtime: i128,
}

/// Stats `path` (repo-relative) following symlinks; `None` when it does not exist or cannot
/// be read. Never reads the file's content.
pub fn stat(repo: &Path, path: &str) -> Option<Stat> {
    let meta = fs::metadata(repo.join(path)).ok()?;
    let mtime = meta
        .modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos() as i128);
    Some(Stat {
        is_dir: meta.is_dir(),
        size: meta.len(),
        mtime,
    })
}

/// [`stat`] for every path, in parallel, in the same order.
pub fn stat_all(repo: &Path, paths: &[String]) -> Vec<Option<Stat>> {
    paths.par_iter().map(|p| stat(repo, p)).collect()
}
