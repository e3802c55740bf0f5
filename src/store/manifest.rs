//! The manifest: what the tree looked like when the snapshot was written, and how to tell
//! what changed since. The walk (documents and referrers with their stats), the stamps of
//! every file read (stat, content hash, the warning its reading gave), the non-document paths
//! link resolution consulted ([`Recording`]), and the diff of a stat walk against them.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::Path;
use std::sync::Mutex;

use serde::{Deserialize, Serialize};

use crate::config::{Config, Location};
use crate::corpus::links::{Entry, RepoView};
use crate::corpus::scan::{self, DiskRepo, Stat, Stats};
use crate::corpus::{FileWarning, SourceFile};

/// One Markdown file as last seen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileStamp {
    pub path: String,
    /// Size, mtime, inode and ctime when the file was read: any difference means "read it
    /// again" (see [`Stat`]).
    pub stat: Stat,
    pub hash: [u8; 32],
    /// A warning the file's reading produced (invalid UTF-8), repeated on every run.
    pub warning: Option<String>,
}

/// A path that is not a document but that link resolution looked at, as it was then.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DepStamp {
    path: String,
    stat: Option<Stat>,
}

/// The files a snapshot was built from.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Manifest {
    /// The documents' (and the template's) stamps, by path.
    pub files: Vec<FileStamp>,
    /// The referrers' stamps (`[links] referrers`), like `files`.
    pub referrer_files: Vec<FileStamp>,
    pub deps: Vec<DepStamp>,
}

impl Manifest {
    /// Whether the stat walk `tree` finds exactly the files of this manifest, unchanged.
    pub fn unchanged(&self, repo: &Path, tree: &Tree) -> bool {
        let d = diff(&self.files, tree.paths, tree.stats);
        let r = diff(&self.referrer_files, tree.referrers, tree.referrer_stats);
        d.candidates.is_empty()
            && d.removed.is_empty()
            && r.candidates.is_empty()
            && r.removed.is_empty()
            && !deps_changed(repo, &self.deps)
    }
}

/// The files a load looks at: the documents' and the referrers' paths, walked.
pub struct Walked {
    pub paths: Vec<String>,
    pub referrers: Vec<String>,
    pub warnings: Vec<FileWarning>,
}

/// The stats the stat walk took on its way, in the order of [`Walked`]'s paths.
pub struct Stated {
    pub stats: Vec<Option<Stat>>,
    pub referrer_stats: Vec<Option<Stat>>,
}

/// The documents and referrers of a load, without their stats (a load without a cache).
pub fn walk(repo: &DiskRepo, location: &Location, config: &Config) -> Walked {
    walk_taking(repo, location, config, Stats::Skip).0
}

/// The stat walk: the documents and referrers, each statted when the walk met it, in one
/// parallel pass (what the manifest is compared with).
pub fn stat_walk(repo: &DiskRepo, location: &Location, config: &Config) -> (Walked, Stated) {
    walk_taking(repo, location, config, Stats::Take)
}

fn walk_taking(
    repo: &DiskRepo,
    location: &Location,
    config: &Config,
    stats: Stats,
) -> (Walked, Stated) {
    let docs = scan::walk(repo, &location.root, stats);
    // `Config::parse` checked the globs; defaults cannot fail.
    let globs = config.links.referrer_globs().unwrap_or_default();
    let referrers = scan::walk_referrers(repo, &location.root, &globs, stats);
    let mut warnings = docs.warnings;
    warnings.extend(referrers.warnings);
    (
        Walked {
            paths: docs.paths,
            referrers: referrers.paths,
            warnings,
        },
        Stated {
            stats: docs.stats,
            referrer_stats: referrers.stats,
        },
    )
}

/// What the stat walk found: documents and referrers, each with its stats.
pub struct Tree<'a> {
    pub paths: &'a [String],
    pub stats: &'a [Option<Stat>],
    pub referrers: &'a [String],
    pub referrer_stats: &'a [Option<Stat>],
}

impl Tree<'_> {
    /// Every path with its stat, documents and referrers alike.
    pub fn stat_of(&self) -> HashMap<&str, Option<Stat>> {
        self.paths
            .iter()
            .chain(self.referrers)
            .map(String::as_str)
            .zip(self.stats.iter().chain(self.referrer_stats).copied())
            .collect()
    }
}

/// Splits files read in one pass into documents and referrers.
pub fn split_referrers(
    files: Vec<SourceFile>,
    referrers: &[String],
) -> (Vec<SourceFile>, Vec<SourceFile>) {
    let set: HashSet<&str> = referrers.iter().map(String::as_str).collect();
    files
        .into_iter()
        .partition(|f| !set.contains(f.path.as_str()))
}

/// Splits read warnings into the ones that skip a file (reported this run only) and the
/// per-file ones kept in the manifest.
pub fn split_warnings(warnings: Vec<FileWarning>) -> (Vec<FileWarning>, HashMap<String, String>) {
    let mut skipped = Vec::new();
    let mut per_file = HashMap::new();
    for w in warnings {
        if w.skipped {
            skipped.push(w);
        } else {
            per_file.insert(w.path, w.message);
        }
    }
    (skipped, per_file)
}

/// What the stamps of files read this run need besides the files: their stats from the walk
/// and the warnings their reading gave.
pub struct Seen<'a> {
    pub stat_of: &'a HashMap<&'a str, Option<Stat>>,
    pub per_file: &'a HashMap<String, String>,
}

impl Seen<'_> {
    pub fn stamp(&self, file: &SourceFile) -> FileStamp {
        let stat = self.stat_of.get(file.path.as_str()).copied().flatten();
        FileStamp {
            path: file.path.clone(),
            // A file that vanished between stat and read gets an impossible stamp: read next
            // time.
            stat: stat.unwrap_or(Stat {
                is_dir: true,
                size: 0,
                mtime: 0,
                inode: 0,
                ctime: 0,
            }),
            hash: *blake3::hash(file.text.as_bytes()).as_bytes(),
            warning: self.per_file.get(&file.path).cloned(),
        }
    }

    pub fn stamps(&self, files: &[SourceFile]) -> Vec<FileStamp> {
        files.iter().map(|f| self.stamp(f)).collect()
    }

    /// Brings `old` stamps up to date with the files read again and the paths `gone`:
    /// returns the files whose content changed (or that are new), and the stamps, by path.
    pub fn refresh(
        &self,
        old: Vec<FileStamp>,
        files: Vec<SourceFile>,
        gone: &HashSet<&str>,
    ) -> (Vec<SourceFile>, Vec<FileStamp>) {
        let mut stamps: HashMap<String, FileStamp> = old
            .into_iter()
            .filter(|s| !gone.contains(s.path.as_str()))
            .map(|s| (s.path.clone(), s))
            .collect();
        let mut fresh = Vec::new();
        for f in files {
            let new = self.stamp(&f);
            if stamps.get(&f.path).is_none_or(|old| old.hash != new.hash) {
                fresh.push(f);
            }
            stamps.insert(new.path.clone(), new);
        }
        let mut stamps: Vec<FileStamp> = stamps.into_values().collect();
        stamps.sort_by(|a, b| a.path.cmp(&b.path));
        (fresh, stamps)
    }
}

/// A [`RepoView`] that remembers every path it was asked about, so a later run can tell
/// whether those answers still hold.
pub struct Recording<'a> {
    repo: &'a DiskRepo,
    seen: Mutex<BTreeSet<String>>,
}

impl RepoView for Recording<'_> {
    fn site(&self) -> &crate::corpus::dialect::Site {
        self.repo.site()
    }
    fn entry(&self, path: &str) -> Entry {
        self.note(path);
        self.repo.entry(path)
    }
    fn anchors(&self, path: &str) -> Vec<String> {
        self.note(path);
        self.repo.anchors(path)
    }
    fn has_anchor(&self, path: &str, fragment: &str) -> bool {
        self.note(path);
        self.repo.has_anchor(path, fragment)
    }
}

impl<'a> Recording<'a> {
    pub fn new(repo: &'a DiskRepo) -> Self {
        Recording {
            repo,
            seen: Mutex::new(BTreeSet::new()),
        }
    }
    fn note(&self, path: &str) {
        self.seen
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(path.to_string());
    }
    /// The stamps of the paths asked about, added to the ones of `keep` not asked again.
    pub fn stamps(self, root: &Path, mut keep: Vec<DepStamp>) -> Vec<DepStamp> {
        let seen = self.seen.into_inner().unwrap_or_else(|e| e.into_inner());
        keep.retain(|d| !seen.contains(&d.path));
        keep.extend(seen.into_iter().map(|path| DepStamp {
            stat: dep_stat(root, &path),
            path,
        }));
        keep.sort_by(|a, b| a.path.cmp(&b.path));
        keep
    }
}

/// A dependency's stat; folders only record that they exist (their mtime changes with every
/// file added inside, which says nothing about link targets).
fn dep_stat(root: &Path, path: &str) -> Option<Stat> {
    scan::stat(root, path).map(|s| {
        if s.is_dir {
            Stat {
                is_dir: true,
                size: 0,
                mtime: 0,
                inode: 0,
                ctime: 0,
            }
        } else {
            s
        }
    })
}

/// What changed between the manifest and the stat walk.
#[derive(Default)]
pub struct Diff {
    /// Paths whose size or mtime differ, or that are new: to be read.
    pub candidates: Vec<String>,
    pub removed: Vec<String>,
}

pub fn diff(prev: &[FileStamp], paths: &[String], stats: &[Option<Stat>]) -> Diff {
    // The common case, a warm run on an unchanged tree: the same paths in the same (sorted)
    // order with the same stats, seen in one pass without building lookup tables.
    let same = prev.len() == paths.len()
        && prev
            .iter()
            .zip(paths.iter().zip(stats))
            .all(|(o, (path, stat))| o.path == *path && stat.as_ref() == Some(&o.stat));
    if same {
        return Diff::default();
    }
    let old: HashMap<&str, &FileStamp> = prev.iter().map(|s| (s.path.as_str(), s)).collect();
    let mut d = Diff::default();
    let mut present = HashSet::with_capacity(paths.len());
    for (path, stat) in paths.iter().zip(stats) {
        present.insert(path.as_str());
        let same = match (old.get(path.as_str()), stat) {
            (Some(o), Some(s)) => o.stat == *s,
            _ => false,
        };
        if !same {
            d.candidates.push(path.clone());
        }
    }
    d.removed = prev
        .iter()
        .filter(|s| !present.contains(s.path.as_str()))
        .map(|s| s.path.clone())
        .collect();
    d
}

pub fn deps_changed(root: &Path, deps: &[DepStamp]) -> bool {
    deps.iter().any(|d| dep_stat(root, &d.path) != d.stat)
}
