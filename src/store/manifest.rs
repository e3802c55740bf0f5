//! The manifest: what the tree looked like when the snapshot was written, and how to tell
//! what changed since. The walk (documents and referrers with their stats), the stamps of
//! every file read (stat, content hash, the warning its reading gave), the non-document paths
//! link resolution consulted ([`Recording`]), and the diff of a stat walk against them.

mod stamps;

use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::Path;
use std::sync::Mutex;

use serde::{Deserialize, Serialize};

use crate::config::{Config, Location};
use crate::corpus::links::{Entry, RepoView};
use crate::corpus::scan::{self, DiskRepo, Stat, Stats};
use crate::corpus::{FileWarning, SourceFile};
pub use stamps::{DepStamps, FileStamp, Stamps};

/// The stat recorded for a file that vanished between stat and read, and for every folder
/// among the dependencies: no file on disk has it, so such a file is read next time.
const IMPOSSIBLE: Stat = Stat {
    is_dir: true,
    size: 0,
    mtime: 0,
    inode: 0,
    ctime: 0,
};

/// The files a snapshot was built from. Encoded compactly ([`stamps`]) as one byte string
/// inside the snapshot.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Manifest {
    /// The documents' (and the template's) stamps.
    pub files: Stamps,
    /// The referrers' stamps (`[links] referrers`), like `files`.
    pub referrer_files: Stamps,
    pub deps: DepStamps,
}

impl Manifest {
    /// Whether the stat walk `tree` finds exactly the files of this manifest, unchanged.
    pub fn unchanged(&self, repo: &Path, tree: &Tree) -> bool {
        let d = self.files.diff(tree.paths, tree.stats);
        let r = self
            .referrer_files
            .diff(tree.referrers, tree.referrer_stats);
        d.candidates.is_empty()
            && d.removed.is_empty()
            && r.candidates.is_empty()
            && r.removed.is_empty()
            && !deps_changed(repo, &self.deps)
    }

    fn encode(&self) -> Vec<u8> {
        let guess = self.files.encoded_len() + self.referrer_files.encoded_len();
        let mut out = Vec::with_capacity(guess + self.deps.len() * 32);
        self.files.encode(&mut out);
        self.referrer_files.encode(&mut out);
        self.deps.encode(&mut out);
        out
    }

    fn decode(bytes: &[u8]) -> Result<Manifest, String> {
        let mut r = stamps::Reader::new(bytes);
        let manifest = Manifest {
            files: Stamps::decode(&mut r)?,
            referrer_files: Stamps::decode(&mut r)?,
            deps: DepStamps::decode(&mut r)?,
        };
        match r.is_empty() {
            true => Ok(manifest),
            false => Err("bytes after the manifest".into()),
        }
    }
}

impl Serialize for Manifest {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_bytes(&self.encode())
    }
}

impl<'de> Deserialize<'de> for Manifest {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Manifest, D::Error> {
        struct Bytes;
        impl serde::de::Visitor<'_> for Bytes {
            type Value = Manifest;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("the manifest's bytes")
            }
            fn visit_bytes<E: serde::de::Error>(self, bytes: &[u8]) -> Result<Manifest, E> {
                Manifest::decode(bytes).map_err(|why| E::custom(format!("manifest: {why}")))
            }
        }
        deserializer.deserialize_bytes(Bytes)
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
            stat: stat.unwrap_or(IMPOSSIBLE),
            hash: *blake3::hash(file.text.as_bytes()).as_bytes(),
            warning: self.per_file.get(&file.path).cloned(),
        }
    }

    pub fn stamps(&self, files: &[SourceFile]) -> Stamps {
        Stamps::from_unsorted(files.iter().map(|f| self.stamp(f)).collect())
    }

    /// Brings `old` stamps up to date with the files read again and the paths `gone`:
    /// returns the files whose content changed (or that are new), and the stamps.
    pub fn refresh(
        &self,
        old: &Stamps,
        files: Vec<SourceFile>,
        gone: &HashSet<&str>,
    ) -> (Vec<SourceFile>, Stamps) {
        let new: Vec<FileStamp> = files.iter().map(|f| self.stamp(f)).collect();
        let fresh = files
            .into_iter()
            .zip(&new)
            .filter(|(f, s)| old.find(&f.path).is_none_or(|i| *old.hash(i) != s.hash))
            .map(|(f, _)| f)
            .collect();
        let stamps = old.merged(&Stamps::from_unsorted(new), |p| gone.contains(p));
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
    pub fn stamps(self, root: &Path, keep: &DepStamps) -> DepStamps {
        let seen = self.seen.into_inner().unwrap_or_else(|e| e.into_inner());
        let mut deps: Vec<(String, Option<Stat>)> = keep
            .iter()
            .filter(|(path, _)| !seen.contains(*path))
            .map(|(path, stat)| (path.to_string(), stat))
            .collect();
        deps.extend(seen.into_iter().map(|path| {
            let stat = dep_stat(root, &path);
            (path, stat)
        }));
        DepStamps::from_unsorted(deps)
    }
}

/// A dependency's stat; folders only record that they exist (their mtime changes with every
/// file added inside, which says nothing about link targets).
fn dep_stat(root: &Path, path: &str) -> Option<Stat> {
    scan::stat(root, path).map(|s| if s.is_dir { IMPOSSIBLE } else { s })
}

/// Whether a non-document path link resolution consulted changed (stats on every core).
pub fn deps_changed(root: &Path, deps: &DepStamps) -> bool {
    use rayon::prelude::*;
    (0..deps.len()).into_par_iter().any(|i| {
        let (path, stat) = deps.get(i);
        dep_stat(root, path) != stat
    })
}
