//! The on-disk cache: what makes a second run on the same tree instant.
//!
//! Lives in `<repo>/.atomdoc/` (or `--cache-dir`, or `cache_dir` in `atomdoc.toml`):
//!
//! | file | what |
//! | --- | --- |
//! | `CACHEDIR.TAG` | marks the folder as a cache for backup tools |
//! | `lock` | advisory lock held while a process writes the cache |
//! | `snapshot.bin` | format version + checksum + postcard of: the names of the document parts, the manifest (path, size, mtime, inode, ctime, content hash of every Markdown file, stored by column: front-coded paths, varint stats, one run of hashes), the non-document paths link resolution consulted, the parsed corpus with resolved links but without its documents, and the name and file stamps of the search index |
//! | `parts/<blake3>.bin` | two per chunk of 1,000 parsed documents (in path order, **without document text**), named by the hash of their contents and the format version: the chunk's outline (paths, titles, kinds, words, links without their strings) and its detail (the rest); an edit writes only the parts that changed |
//! | `search-<generation>/` | the tantivy index; its commit payload is the generation |
//!
//! Loading ([`load`]) stat-walks the docs root and compares with the manifest. Nothing
//! changed: the snapshot is the answer (no file is read), and a question that an outline
//! answers ([`Keep::Outline`], see [`crate::query::Query::needs`]) reads only the outline
//! parts. Files changed, added or removed:
//! only those are read (a file whose stat (size, mtime, inode, ctime) changed but whose hash did not is not
//! re-parsed), links of the changed documents and of documents pointing at them are
//! re-resolved (all links when the set of documents changed), the search index gets a delete
//! and an add per changed file, and the snapshot is rewritten. No valid snapshot or search
//! index: everything is rebuilt, with a one-line notice when something was there but unusable.
//!
//! Safety: every file is written aside and renamed into place (parts before the snapshot that
//! names them; parts neither the new nor the replaced snapshot names are removed after); writers hold the lock; the
//! snapshot carries a checksum, so a truncated or garbled file is detected, never believed; a
//! cache that cannot be written (read-only, full disk, busy for too long, a symlink where a
//! folder of the cache should be) degrades to working in memory with a warning. Every write
//! and delete goes through [`Owned`] (real folders, atomdoc's tag, atomdoc's own names), every
//! read through [`crate::boundary::read`] (regular files, no symlink, capped); any error or
//! panic from tantivy on the cached index means the index is damaged and is rebuilt.
//!
//! The files: [`manifest`] (stamps, the walk's diff, recorded dependencies), [`snapshot`]
//! (the snapshot and its parts), [`search_dir`] (the search folder's life cycle),
//! [`progress`] (progress bar, timings) and [`build`] (what each kind of load feeds
//! [`crate::corpus::ingest`], the one pipeline, and what it keeps). This file decides which
//! kind of load runs.
//!
//! Owns: the cache folder. Must not: write anywhere else, or decide what a command prints.

mod build;
mod damage;
mod file;
pub mod lock;
mod manifest;
mod progress;
mod search_dir;
mod snapshot;
#[cfg(test)]
mod tests;

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Serialize;

use crate::boundary::owned::Owned;
use crate::boundary::read as reader;
use crate::config::{Config, Location};
use crate::corpus::{Corpus, Keep};
use build::Run;
pub use damage::quietly;
pub use file::Invalid;
use manifest::{Stated, Tree, Walked};
use progress::Timing;
pub use progress::{ShowProgress, report_timings_to, show_progress_with};
pub use search_dir::{open_search, rebuild_search};
use snapshot::Snapshot;

/// Bump whenever the snapshot's layout, the meaning of anything in it, or the search schema
/// (`search::schema`) changes: an older cache is then rebuilt with a notice. (Incremental
/// updates add documents to the existing index, so they must never meet an older schema.)
pub const FORMAT_VERSION: u32 = 9;
/// The snapshot's file name inside the cache folder.
pub const SNAPSHOT_FILE: &str = "snapshot.bin";
/// The cache folder under the repository when nothing else is configured.
pub const DEFAULT_DIR: &str = ".atomdoc/cache";
/// The largest cache file atomdoc reads (a snapshot of 100,000 documents is about 8 MB).
const MAX_CACHE_FILE_BYTES: u64 = 1 << 30;
/// How long a writer waits for another process holding the lock.
const LOCK_WAIT: Duration = Duration::from_secs(20);

/// Where the cache lives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CacheMode {
    Disk(PathBuf),
    /// `--no-cache`: everything in memory, nothing written.
    Memory,
}

/// What a load found and did, for `atomdoc index` and for tests.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Report {
    /// Documents (and the template) in the tree now.
    pub files: usize,
    pub added: Vec<String>,
    pub changed: Vec<String>,
    pub removed: Vec<String>,
    /// True when everything was read and parsed (no usable cache, or `--no-cache`).
    pub full: bool,
    /// The cache folder in use; `None` in memory.
    pub cache: Option<PathBuf>,
}

/// Where the search index comes from.
#[derive(Debug, Clone)]
pub enum SearchSource {
    /// Built in memory on first use; `texts` says whether the corpus still holds the
    /// documents' text (otherwise the files are read again).
    Memory { texts: bool },
    Disk {
        cache: PathBuf,
        dir: String,
        generation: u64,
        files: Vec<IndexFileStamp>,
    },
}

/// Opaque stamp of one search index file (kept to validate the folder before opening it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexFileStamp(search_dir::IndexFile);

/// A loaded corpus and how it was loaded.
pub struct Loaded {
    pub corpus: Corpus,
    pub report: Report,
    /// One-line notices and warnings about the cache, for stderr.
    pub notices: Vec<String>,
    pub search: SearchSource,
}

/// Loads the tree at `location`, through the cache when `mode` is `Disk`. In memory, the
/// documents keep what `keep` asks ([`Keep::Outline`] is parsed as [`Keep::Graph`]: a parse
/// costs the same either way). Through the cache they keep no text either way (the search
/// index holds it), and [`Keep::Outline`] is honoured on the fast path only: when nothing
/// changed, only the snapshot's outline parts are read; any other load reads everything.
/// [`crate::corpus::Corpus::keep`] says what the loaded documents hold.
pub fn load(
    location: &Location,
    config: &Config,
    mode: &CacheMode,
    keep: Keep,
) -> std::io::Result<Loaded> {
    match mode {
        CacheMode::Memory => build::cold_memory(location, config, keep),
        CacheMode::Disk(dir) => load_disk(location, config, dir, keep, false),
    }
}

fn key(location: &Location, config: &Config) -> [u8; 32] {
    let mut h = blake3::Hasher::new();
    h.update(&FORMAT_VERSION.to_le_bytes());
    h.update(location.root.as_bytes());
    h.update(b"\0");
    h.update(
        serde_json::to_string(&config.links)
            .unwrap_or_default()
            .as_bytes(),
    );
    // The caps decide which files and links the snapshot holds.
    h.update(
        serde_json::to_string(&config.limits)
            .unwrap_or_default()
            .as_bytes(),
    );
    *h.finalize().as_bytes()
}

/// Why the disk cache could not be used; the run goes on in memory.
pub struct Fallback(String);

fn load_disk(
    location: &Location,
    config: &Config,
    cache: &Path,
    keep: Keep,
    force_cold: bool,
) -> std::io::Result<Loaded> {
    let timing = Timing::new();
    let repo = build::disk_repo(location, config)?;
    let (
        Walked {
            paths,
            referrers,
            warnings: walk_warnings,
        },
        Stated {
            stats,
            referrer_stats,
        },
    ) = manifest::stat_walk(&repo, location, config);
    let tree = Tree {
        paths: &paths,
        stats: &stats,
        referrers: &referrers,
        referrer_stats: &referrer_stats,
    };
    timing.mark("walk + stat");
    let key = key(location, config);
    let mut notices = Vec::new();

    let owned = Owned::new(cache, &location.repo);
    let snapshot_path = cache.join(SNAPSHOT_FILE);
    let signature_before = snapshot::signature(&snapshot_path);
    let level = match keep {
        Keep::Outline => Keep::Outline,
        Keep::Everything | Keep::Graph => Keep::Graph,
    };
    let prev = if force_cold {
        None
    } else {
        Snapshot::read(&snapshot_path, &key, &mut notices, level)
    };
    timing.mark("read snapshot");
    let unchanged = prev
        .as_ref()
        .is_some_and(|snap| snap.manifest.unchanged(&location.repo, &tree));
    if unchanged && let Some(snap) = prev {
        // The fast path: nothing changed, nothing read.
        timing.mark("diff");
        let loaded = snap.into_loaded(cache, walk_warnings, Report::default(), notices);
        timing.mark("assemble");
        return Ok(loaded);
    }
    // An update ingests into whole documents: an outline read gets its detail parts (or,
    // should they be gone or damaged since, the snapshot is read again, whole).
    let (prev, signature_before) = match prev {
        Some(mut snap) if snap.keep() == Keep::Outline => match snap.complete(cache) {
            Ok(()) => (Some(snap), signature_before),
            Err(_) => {
                let signature = snapshot::signature(&snapshot_path);
                let whole = Snapshot::read(&snapshot_path, &key, &mut notices, Keep::Graph);
                (whole, signature)
            }
        },
        prev => (prev, signature_before),
    };
    let earlier = prev.map(|snap| (snap, signature_before));
    let run = Run {
        location,
        config,
        owned: &owned,
        repo: &repo,
        tree: &tree,
        walk_warnings: &walk_warnings,
    };
    match write_disk(&run, earlier, force_cold) {
        Ok(mut loaded) => {
            notices.append(&mut loaded.notices);
            loaded.notices = notices;
            Ok(loaded)
        }
        Err(Fallback(why)) => {
            let mut loaded = build::cold_memory(location, config, Keep::Everything)?;
            notices.push(format!(
                "warning: cannot use the cache in {}: {why}; working in memory",
                cache.display()
            ));
            loaded.notices = notices;
            Ok(loaded)
        }
    }
}

/// Updates (or rebuilds) the cache under the lock and returns the loaded tree.
fn write_disk(
    run: &Run,
    earlier: Option<(Snapshot, Option<snapshot::Signature>)>,
    force_cold: bool,
) -> Result<Loaded, Fallback> {
    let owned = run.owned;
    let cache = owned.path();
    let io = |what: &str, e: &dyn std::fmt::Display| Fallback(format!("{what}: {e}"));
    prepare_dir(owned).map_err(|e| io("cannot create it", &e))?;
    let _lock = lock::exclusive(owned, LOCK_WAIT)
        .map_err(|e| io("cannot lock it", &e))?
        .ok_or_else(|| Fallback("another atomdoc process holds its lock".into()))?;
    let key = key(run.location, run.config);
    let mut notices = Vec::new();
    // Another process may have refreshed the cache while this one waited for the lock: the
    // snapshot read before is reused only when the file is still the one it came from.
    let path = cache.join(SNAPSHOT_FILE);
    let prev = match earlier {
        _ if force_cold => None,
        Some((snap, Some(sig))) if snapshot::signature(&path) == Some(sig) => Some(snap),
        _ => Snapshot::read(&path, &key, &mut Vec::new(), Keep::Graph),
    };
    let prev = match prev {
        Some(p) if p.search.valid(cache) => Some(p),
        Some(_) => {
            notices.push(format!(
                "note: search index in {} is missing or changed; rebuilding it",
                cache.display()
            ));
            None
        }
        None => None,
    };

    let (mut loaded, new_dir) = match prev {
        Some(snap) => run.incremental(snap)?,
        None => run.cold()?,
    };
    if let Some(dir) = new_dir {
        search_dir::remove_old_indexes(owned, &dir);
    }
    loaded.notices.splice(0..0, notices);
    Ok(loaded)
}

/// Whether `dir` has no write permission bits at all: a folder meant to be read-only, which
/// atomdoc respects even when it runs as root (who could write there anyway).
fn read_only(dir: &Path) -> bool {
    reader::metadata(dir).is_ok_and(|m| m.permissions().readonly())
}

fn prepare_dir(owned: &Owned) -> std::io::Result<()> {
    let existing = owned.path().ancestors().find(|a| reader::exists(a));
    if existing.is_some_and(read_only) {
        return Err(std::io::Error::new(
            std::io::ErrorKind::PermissionDenied,
            "the folder is read-only",
        ));
    }
    owned.claim()
}
