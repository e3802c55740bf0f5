//! The on-disk cache: what makes a second run on the same tree instant.
//!
//! Lives in `<repo>/.atomdoc/` (or `--cache-dir`, or `cache_dir` in `atomdoc.toml`):
//!
//! | file | what |
//! | --- | --- |
//! | `CACHEDIR.TAG` | marks the folder as a cache for backup tools |
//! | `lock` | advisory lock held while a process writes the cache |
//! | `snapshot.bin` | format version + checksum + postcard of: the names of the document parts, the manifest (path, size, mtime, inode, ctime, content hash of every Markdown file), the non-document paths link resolution consulted, the parsed corpus with resolved links but without its documents, and the name and file stamps of the search index |
//! | `parts/<blake3>.bin` | 1,000 parsed documents each (in path order, **without document text**), named by the hash of their contents: an edit writes only the part that changed |
//! | `search-<generation>/` | the tantivy index; its commit payload is the generation |
//!
//! Loading ([`load`]) stat-walks the docs root and compares with the manifest. Nothing
//! changed: the snapshot is the answer (no file is read). Files changed, added or removed:
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
//! Owns: the cache folder. Must not: write anywhere else, or decide what a command prints.

mod damage;
mod file;
pub mod lock;

use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use crate::boundary::owned::{self, Owned};
use crate::boundary::read::{self as reader, Links};
use crate::config::{Config, Location};
use crate::corpus::links::{Entry, RepoView};
use crate::corpus::scan::{self, DiskRepo, Stat};
use crate::corpus::{Corpus, Document, FileWarning, Referrer, SourceFile, parse};
use crate::search::{self, SearchIndex};
pub use damage::quietly;
pub use file::Invalid;

/// Bump whenever the snapshot's layout, the meaning of anything in it, or the search schema
/// (`search::schema`) changes: an older cache is then rebuilt with a notice. (Incremental
/// updates add documents to the existing index, so they must never meet an older schema.)
pub const FORMAT_VERSION: u32 = 6;
/// The snapshot's file name inside the cache folder.
pub const SNAPSHOT_FILE: &str = "snapshot.bin";
/// The cache folder under the repository when nothing else is configured.
pub const DEFAULT_DIR: &str = ".atomdoc/cache";
/// The largest cache file atomdoc reads (a snapshot of 100,000 documents is about 10 MB).
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
struct DepStamp {
    path: String,
    stat: Option<Stat>,
}

/// A file of the search index folder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct IndexFile {
    name: String,
    size: u64,
    mtime: i128,
}

#[derive(Debug, Serialize, Deserialize)]
struct Snapshot {
    /// The part files holding the corpus's documents, in path order (see [`PARTS_DIR`]).
    /// First, so [`SnapshotParts`] can read it alone.
    doc_parts: Vec<String>,
    /// Hash of what shapes the parse (docs root, link settings): another key is another tree.
    key: [u8; 32],
    /// The search index's generation (its commit payload).
    generation: u64,
    search_dir: String,
    search_files: Vec<IndexFile>,
    files: Vec<FileStamp>,
    /// The referrers' stamps (`[links] referrers`), like `files`.
    referrer_files: Vec<FileStamp>,
    deps: Vec<DepStamp>,
    corpus: Corpus,
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
pub struct IndexFileStamp(IndexFile);

/// A loaded corpus and how it was loaded.
pub struct Loaded {
    pub corpus: Corpus,
    pub report: Report,
    /// One-line notices and warnings about the cache, for stderr.
    pub notices: Vec<String>,
    pub search: SearchSource,
}

/// Loads the tree at `location`, through the cache when `mode` is `Disk`.
pub fn load(location: &Location, config: &Config, mode: &CacheMode) -> std::io::Result<Loaded> {
    match mode {
        CacheMode::Memory => cold_memory(location, config),
        CacheMode::Disk(dir) => load_disk(location, config, dir, false),
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

fn new_generation() -> u64 {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as u64);
    nanos ^ (u64::from(std::process::id()) << 40)
}

fn payload(generation: u64) -> String {
    format!("atomdoc-{generation:016x}")
}

/// The files a load looks at: the documents' and the referrers' paths, walked.
struct Walked {
    paths: Vec<String>,
    referrers: Vec<String>,
    warnings: Vec<FileWarning>,
}

fn walk(repo: &DiskRepo, location: &Location, config: &Config) -> Walked {
    let (paths, mut warnings) = scan::walk(repo, &location.root);
    // `Config::parse` checked the globs; defaults cannot fail.
    let globs = config.links.referrer_globs().unwrap_or_default();
    let (referrers, more) = scan::walk_referrers(repo, &location.root, &globs);
    warnings.extend(more);
    Walked {
        paths,
        referrers,
        warnings,
    }
}

/// Splits files read in one pass into documents and referrers.
fn split_referrers(
    files: Vec<SourceFile>,
    referrers: &[String],
) -> (Vec<SourceFile>, Vec<SourceFile>) {
    let set: HashSet<&str> = referrers.iter().map(String::as_str).collect();
    files
        .into_iter()
        .partition(|f| !set.contains(f.path.as_str()))
}

/// Reads and parses every file: the pipeline without a cache.
fn cold_memory(location: &Location, config: &Config) -> std::io::Result<Loaded> {
    let repo = DiskRepo::new(&location.repo, config.links.clone())?
        .with_max_file_bytes(config.limits.max_file_bytes);
    let Walked {
        mut paths,
        referrers,
        mut warnings,
    } = walk(&repo, location, config);
    paths.extend(referrers.iter().cloned());
    let progress = Progress::new(paths.len());
    let (files, read_warnings) =
        read_with_progress(&location.repo, paths, &config.limits, &progress);
    warnings.extend(read_warnings);
    let (files, referrer_files) = split_referrers(files, &referrers);
    let docs = parse_all(&location.root, files, config);
    let report = Report {
        files: docs.len(),
        full: true,
        ..Report::default()
    };
    let mut corpus = Corpus::from_documents(&location.root, docs, warnings);
    corpus.resolve_links(&repo);
    corpus.set_referrers(
        crate::corpus::parse_referrers(referrer_files, config),
        &repo,
    );
    Ok(Loaded {
        corpus,
        report,
        notices: Vec::new(),
        search: SearchSource::Memory { texts: true },
    })
}

fn parse_all(root: &str, files: Vec<SourceFile>, config: &Config) -> Vec<Document> {
    crate::corpus::map_in_batches(
        files,
        |f| f.text.len(),
        |f| {
            let mut parsed = parse::parse(&f.text, &config.links);
            crate::corpus::cap_links(&mut parsed, config.limits.max_links_per_file);
            Document::new(root, f.path, parsed, &config.links.site)
        },
    )
}

/// How a face shows the progress of a full build: `cli` installs one that draws a bar on a
/// terminal ([`show_progress_with`]); without one, nothing is shown.
pub trait ShowProgress: Send + Sync {
    /// A build of `steps` steps (reading and indexing each file) begins.
    fn start(&self, steps: u64);
    /// `n` more steps are done; `what` names the phase.
    fn advance(&self, n: u64, what: &'static str);
    /// The build is over (or given up).
    fn finish(&self);
}

static PROGRESS_SINK: std::sync::OnceLock<Box<dyn ShowProgress>> = std::sync::OnceLock::new();

/// Shows the progress of every later full build through `sink` (the first one installed
/// stays).
pub fn show_progress_with(sink: Box<dyn ShowProgress>) {
    let _ = PROGRESS_SINK.set(sink);
}

/// The progress of one full build, reported to the installed [`ShowProgress`].
struct Progress;

impl Progress {
    /// `steps`: reading and indexing each file.
    fn new(files: usize) -> Progress {
        if let Some(sink) = PROGRESS_SINK.get() {
            sink.start(2 * files as u64);
        }
        Progress
    }

    fn tick(&self, n: usize, what: &'static str) {
        if let Some(sink) = PROGRESS_SINK.get() {
            sink.advance(n as u64, what);
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        if let Some(sink) = PROGRESS_SINK.get() {
            sink.finish();
        }
    }
}

/// Reads files in chunks, ticking `progress`.
fn read_with_progress(
    repo: &Path,
    paths: Vec<String>,
    limits: &crate::config::Limits,
    progress: &Progress,
) -> (Vec<SourceFile>, Vec<FileWarning>) {
    let mut files = Vec::with_capacity(paths.len());
    let mut warnings = Vec::new();
    for chunk in paths.chunks(1000) {
        let (f, w) = scan::read_all_with(repo, chunk.to_vec(), limits);
        files.extend(f);
        warnings.extend(w);
        progress.tick(chunk.len(), "reading");
    }
    (files, warnings)
}

/// A [`RepoView`] that remembers every path it was asked about, so a later run can tell
/// whether those answers still hold.
struct Recording<'a> {
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
    fn new(repo: &'a DiskRepo) -> Self {
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
    fn stamps(self, root: &Path, mut keep: Vec<DepStamp>) -> Vec<DepStamp> {
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
struct Diff {
    /// Paths whose size or mtime differ, or that are new: to be read.
    candidates: Vec<String>,
    removed: Vec<String>,
}

fn diff(prev: &[FileStamp], paths: &[String], stats: &[Option<Stat>]) -> Diff {
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

fn deps_changed(root: &Path, deps: &[DepStamp]) -> bool {
    deps.iter().any(|d| dep_stat(root, &d.path) != d.stat)
}

/// Size, modification time and inode of a cache file: whether it is still the same file.
type Signature = (u64, std::time::SystemTime, u64);

fn signature(path: &Path) -> Option<Signature> {
    let m = reader::symlink_metadata(path).ok()?;
    let (inode, _) = reader::inode_and_ctime(&m);
    Some((m.len(), m.modified().ok()?, inode))
}

/// Where phase timings go: a face that wants them installs a sink ([`report_timings_to`]);
/// `cli` does when `ATOMDOC_TIMING` is set (for benchmarks; off by default).
static TIMING_SINK: std::sync::OnceLock<fn(&str)> = std::sync::OnceLock::new();

/// Sends every later phase timing line to `sink` (the first sink installed stays).
pub fn report_timings_to(sink: fn(&str)) {
    let _ = TIMING_SINK.set(sink);
}

/// Phase timings of a load, sent to the installed sink.
struct Timing {
    start: Option<Instant>,
    last: std::cell::Cell<Option<Instant>>,
}

impl Timing {
    fn new() -> Timing {
        let on = TIMING_SINK.get().is_some();
        let now = on.then(Instant::now);
        Timing {
            start: now,
            last: std::cell::Cell::new(now),
        }
    }

    fn mark(&self, phase: &str) {
        if let (Some(start), Some(last), Some(sink)) =
            (self.start, self.last.get(), TIMING_SINK.get())
        {
            let now = Instant::now();
            sink(&format!(
                "timing: {phase:<16} {:>7.1} ms (total {:.1} ms)",
                (now - last).as_secs_f64() * 1e3,
                (now - start).as_secs_f64() * 1e3
            ));
            self.last.set(Some(now));
        }
    }
}

/// What the stat walk found: documents and referrers, each with its stats.
struct Tree<'a> {
    paths: &'a [String],
    stats: &'a [Option<Stat>],
    referrers: &'a [String],
    referrer_stats: &'a [Option<Stat>],
}

impl Tree<'_> {
    /// Every path with its stat, documents and referrers alike.
    fn stat_of(&self) -> HashMap<&str, Option<Stat>> {
        self.paths
            .iter()
            .chain(self.referrers)
            .map(String::as_str)
            .zip(self.stats.iter().chain(self.referrer_stats).copied())
            .collect()
    }
}

/// Why the disk cache could not be used; the run goes on in memory.
struct Fallback(String);

fn load_disk(
    location: &Location,
    config: &Config,
    cache: &Path,
    force_cold: bool,
) -> std::io::Result<Loaded> {
    let timing = Timing::new();
    let repo = DiskRepo::new(&location.repo, config.links.clone())?
        .with_max_file_bytes(config.limits.max_file_bytes);
    let Walked {
        paths,
        referrers,
        warnings: walk_warnings,
    } = walk(&repo, location, config);
    timing.mark("walk");
    let stats = scan::stat_all(&location.repo, &paths);
    let referrer_stats = scan::stat_all(&location.repo, &referrers);
    let tree = Tree {
        paths: &paths,
        stats: &stats,
        referrers: &referrers,
        referrer_stats: &referrer_stats,
    };
    timing.mark("stat");
    let key = key(location, config);
    let mut notices = Vec::new();

    let owned = Owned::new(cache, &location.repo);
    let snapshot_path = cache.join(SNAPSHOT_FILE);
    let signature_before = signature(&snapshot_path);
    let prev = if force_cold {
        None
    } else {
        read_snapshot(&snapshot_path, &key, &mut notices)
    };
    timing.mark("read snapshot");
    let unchanged = prev.as_ref().is_some_and(|snap| {
        let d = diff(&snap.files, &paths, &stats);
        let r = diff(&snap.referrer_files, &referrers, &referrer_stats);
        d.candidates.is_empty()
            && d.removed.is_empty()
            && r.candidates.is_empty()
            && r.removed.is_empty()
            && !deps_changed(&location.repo, &snap.deps)
    });
    if unchanged && let Some(snap) = prev {
        // The fast path: nothing changed, nothing read.
        timing.mark("diff");
        let loaded = from_snapshot(snap, cache, walk_warnings, Report::default(), notices);
        timing.mark("assemble");
        return Ok(loaded);
    }
    let earlier = prev.map(|snap| (snap, signature_before));

    match write_disk(
        location,
        config,
        &owned,
        &repo,
        &tree,
        walk_warnings.clone(),
        earlier,
        force_cold,
    ) {
        Ok(mut loaded) => {
            notices.append(&mut loaded.notices);
            loaded.notices = notices;
            Ok(loaded)
        }
        Err(Fallback(why)) => {
            let mut loaded = cold_memory(location, config)?;
            notices.push(format!(
                "warning: cannot use the cache in {}: {why}; working in memory",
                cache.display()
            ));
            loaded.notices = notices;
            Ok(loaded)
        }
    }
}

/// Documents per snapshot part: parts are checked and decoded in parallel, and an edit
/// rewrites only the part that holds the edited document.
const DOCS_PER_PART: usize = 1000;
/// The folder (in the cache folder) of the snapshot's document parts. A part file is named by
/// the blake3 hash of its contents, so an unchanged part is never written again and a
/// snapshot file only ever names parts that were complete before it was renamed into place.
const PARTS_DIR: &str = "parts";

/// Reads a cache file: a regular file, not a symlink, not a pipe, capped.
fn read_cache_file(path: &Path) -> std::io::Result<Vec<u8>> {
    reader::read(path, Links::Never, MAX_CACHE_FILE_BYTES)
}

fn part_path(cache: &Path, name: &str) -> PathBuf {
    cache.join(PARTS_DIR).join(format!("{name}.bin"))
}

/// Reads the snapshot (`snapshot.bin`: everything but the documents) and its document parts,
/// checking each part in parallel.
fn read_snapshot_file(path: &Path) -> Result<Snapshot, Invalid> {
    // A part can vanish between reading `snapshot.bin` and reading the part only when two
    // writers replaced the snapshot in the meantime; the snapshot read again names parts
    // that are there.
    match read_snapshot_once(path) {
        Err(Missing::Part(_)) => read_snapshot_once(path),
        other => other,
    }
    .map_err(|e| match e {
        Missing::Part(why) => Invalid::Corrupt(why),
        Missing::Invalid(invalid) => invalid,
    })
}

/// Why one attempt at reading the snapshot failed.
enum Missing {
    /// A part the snapshot names is not there (any other problem is `Invalid`).
    Part(String),
    Invalid(Invalid),
}

impl From<Invalid> for Missing {
    fn from(invalid: Invalid) -> Missing {
        Missing::Invalid(invalid)
    }
}

fn read_snapshot_once(path: &Path) -> Result<Snapshot, Missing> {
    use rayon::prelude::*;
    let cache = path.parent().unwrap_or(Path::new("."));
    let bytes = match read_cache_file(path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(Invalid::Absent.into()),
        Err(e) => return Err(Invalid::Corrupt(e.to_string()).into()),
    };
    let mut snap: Snapshot = file::decode(&bytes, FORMAT_VERSION)?;
    let chunks: Vec<Vec<Document>> = snap
        .doc_parts
        .par_iter()
        .map(|name| {
            if !reader::is_real_dir(&cache.join(PARTS_DIR)) {
                return Err(Invalid::Corrupt(format!("{PARTS_DIR} is not a folder")).into());
            }
            let bytes = match read_cache_file(&part_path(cache, name)) {
                Ok(b) => b,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                    return Err(Missing::Part(format!("part {name} is missing")));
                }
                Err(e) => return Err(Invalid::Corrupt(format!("part {name}: {e}")).into()),
            };
            if file::single_part_hash(&bytes).as_deref() != Some(name.as_str()) {
                return Err(Invalid::Corrupt(format!("part {name} holds other contents")).into());
            }
            Ok(file::decode::<Vec<Document>>(&bytes, FORMAT_VERSION)?)
        })
        .collect::<Result<_, _>>()?;
    snap.corpus.docs = chunks.into_iter().flatten().collect();
    Ok(snap)
}

/// Encodes the snapshot: the snapshot file's bytes, and every document part as (name, bytes).
#[allow(clippy::type_complexity)]
fn encode_snapshot(
    snap: &mut Snapshot,
) -> Result<(Vec<u8>, Vec<(String, Vec<u8>)>), postcard::Error> {
    use rayon::prelude::*;
    let docs = std::mem::take(&mut snap.corpus.docs);
    let parts: Result<Vec<(String, Vec<u8>)>, _> = docs
        .par_chunks(DOCS_PER_PART)
        .map(|chunk| {
            let bytes = file::encode(&chunk, FORMAT_VERSION)?;
            let name = file::single_part_hash(&bytes).unwrap_or_default();
            Ok((name, bytes))
        })
        .collect();
    let parts = parts?;
    snap.doc_parts = parts.iter().map(|(name, _)| name.clone()).collect();
    let head = file::encode(&*snap, FORMAT_VERSION);
    snap.corpus.docs = docs;
    Ok((head?, parts))
}

/// Writes the snapshot: new document parts first (an unchanged one is already there), then
/// the snapshot file, renamed into place; then removes the parts that neither it nor the
/// snapshot it replaced name (a reader that read the replaced one a moment ago still finds
/// its parts).
fn write_snapshot(owned: &Owned, head: &[u8], parts: &[(String, Vec<u8>)]) -> std::io::Result<()> {
    let cache = owned.path();
    owned.folder(PARTS_DIR)?;
    for (name, bytes) in parts {
        let path = part_path(cache, name);
        if !reader::symlink_metadata(&path).is_ok_and(|m| m.is_file()) {
            owned.write(&format!("{PARTS_DIR}/{name}.bin"), bytes)?;
        }
    }
    let path = cache.join(SNAPSHOT_FILE);
    let replaced = read_cache_file(&path)
        .ok()
        .and_then(|b| file::decode::<SnapshotParts>(&b, FORMAT_VERSION).ok())
        .map(|s| s.doc_parts)
        .unwrap_or_default();
    owned.write(SNAPSHOT_FILE, head)?;
    let keep: HashSet<String> = parts
        .iter()
        .map(|(name, _)| format!("{name}.bin"))
        .chain(replaced.iter().map(|name| format!("{name}.bin")))
        .collect();
    owned.sweep(
        PARTS_DIR,
        |name, is_dir| !is_dir && (owned::is_part_file(name) || owned::is_temp_file(name)),
        |name| keep.contains(name),
    );
    Ok(())
}

/// The start of a [`Snapshot`], enough to know which parts it names.
#[derive(Deserialize)]
struct SnapshotParts {
    doc_parts: Vec<String>,
}

fn read_snapshot(path: &Path, key: &[u8; 32], notices: &mut Vec<String>) -> Option<Snapshot> {
    match read_snapshot_file(path) {
        Ok(s) if &s.key == key => Some(s),
        Ok(_) => None,
        Err(Invalid::Absent) => None,
        Err(why) => {
            notices.push(format!(
                "note: cache {} is {why}; rebuilding it",
                path.display()
            ));
            None
        }
    }
}

fn from_snapshot(
    snap: Snapshot,
    cache: &Path,
    walk_warnings: Vec<FileWarning>,
    mut report: Report,
    notices: Vec<String>,
) -> Loaded {
    let mut corpus = snap.corpus;
    let mut warnings = walk_warnings;
    warnings.extend(snap.files.iter().filter_map(|s| {
        Some(FileWarning {
            path: s.path.clone(),
            message: s.warning.clone()?,
            skipped: false,
        })
    }));
    warnings.sort_by(|a, b| a.path.cmp(&b.path));
    corpus.warnings = warnings;
    corpus.reindex();
    report.files = snap.files.len();
    report.cache = Some(cache.to_path_buf());
    Loaded {
        corpus,
        report,
        notices,
        search: SearchSource::Disk {
            cache: cache.to_path_buf(),
            dir: snap.search_dir,
            generation: snap.generation,
            files: snap.search_files.into_iter().map(IndexFileStamp).collect(),
        },
    }
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

/// The stamps of the files of a search index folder (lock files excepted: readers touch them).
fn index_files(dir: &Path) -> std::io::Result<Vec<IndexFile>> {
    let mut out = Vec::new();
    for (name, meta) in reader::entries(dir)? {
        if name.ends_with(".lock") {
            continue;
        }
        if !meta.is_file() {
            continue;
        }
        let mtime = meta
            .modified()
            .ok()
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
            .map_or(0, |d| d.as_nanos() as i128);
        out.push(IndexFile {
            name,
            size: meta.len(),
            mtime,
        });
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(out)
}

fn index_valid(cache: &Path, dir: &str, files: &[IndexFile]) -> bool {
    owned::is_index_dir(dir)
        && reader::is_real_dir(&cache.join(dir))
        && index_files(&cache.join(dir)).is_ok_and(|now| now == files)
}

/// Updates (or rebuilds) the cache under the lock and returns the loaded tree.
#[allow(clippy::too_many_arguments)]
fn write_disk(
    location: &Location,
    config: &Config,
    owned: &Owned,
    repo: &DiskRepo,
    tree: &Tree,
    walk_warnings: Vec<FileWarning>,
    earlier: Option<(Snapshot, Option<Signature>)>,
    force_cold: bool,
) -> Result<Loaded, Fallback> {
    let cache = owned.path();
    let io = |what: &str, e: &dyn std::fmt::Display| Fallback(format!("{what}: {e}"));
    prepare_dir(owned).map_err(|e| io("cannot create it", &e))?;
    let _lock = lock::exclusive(owned, LOCK_WAIT)
        .map_err(|e| io("cannot lock it", &e))?
        .ok_or_else(|| Fallback("another atomdoc process holds its lock".into()))?;
    let key = key(location, config);
    let mut notices = Vec::new();
    // Another process may have refreshed the cache while this one waited for the lock: the
    // snapshot read before is reused only when the file is still the one it came from.
    let path = cache.join(SNAPSHOT_FILE);
    let prev = match earlier {
        _ if force_cold => None,
        Some((snap, Some(sig))) if signature(&path) == Some(sig) => Some(snap),
        _ => read_snapshot(&path, &key, &mut Vec::new()),
    };
    let prev = match prev {
        Some(p) if index_valid(cache, &p.search_dir, &p.search_files) => Some(p),
        Some(_) => {
            notices.push(format!(
                "note: search index in {} is missing or changed; rebuilding it",
                cache.display()
            ));
            None
        }
        None => None,
    };

    let (loaded, new_dir) = match prev {
        Some(snap) => incremental(location, config, owned, repo, tree, walk_warnings, snap)?,
        None => cold_disk(location, config, owned, repo, tree, walk_warnings)?,
    };
    if let Some(dir) = new_dir {
        remove_old_indexes(owned, &dir);
    }
    let mut loaded = loaded;
    loaded.notices.splice(0..0, notices);
    Ok(loaded)
}

/// Removes the search index folders other than `keep` (older generations, and those of runs
/// that failed or were killed) and temporary files left in the cache folder.
fn remove_old_indexes(owned: &Owned, keep: &str) {
    owned.sweep(
        "",
        |name, is_dir| {
            if is_dir {
                owned::is_index_dir(name)
            } else {
                owned::is_temp_file(name)
            }
        },
        |name| name == keep,
    );
}

fn stamp(file: &SourceFile, stat: Option<Stat>, warning: Option<String>) -> FileStamp {
    FileStamp {
        path: file.path.clone(),
        // A file that vanished between stat and read gets an impossible stamp: read next time.
        stat: stat.unwrap_or(Stat {
            is_dir: true,
            size: 0,
            mtime: 0,
            inode: 0,
            ctime: 0,
        }),
        hash: *blake3::hash(file.text.as_bytes()).as_bytes(),
        warning,
    }
}

/// Splits read warnings into the ones that skip a file (reported this run only) and the
/// per-file ones kept in the manifest.
fn split_warnings(warnings: Vec<FileWarning>) -> (Vec<FileWarning>, HashMap<String, String>) {
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

fn cold_disk(
    location: &Location,
    config: &Config,
    owned: &Owned,
    repo: &DiskRepo,
    tree: &Tree,
    walk_warnings: Vec<FileWarning>,
) -> Result<(Loaded, Option<String>), Fallback> {
    let cache = owned.path();
    let stat_of = tree.stat_of();
    let progress = Progress::new(tree.paths.len() + tree.referrers.len());
    let all: Vec<String> = tree.paths.iter().chain(tree.referrers).cloned().collect();
    let (files, read_warnings) = read_with_progress(&location.repo, all, &config.limits, &progress);
    let (skipped, per_file) = split_warnings(read_warnings);
    let (files, referrer_files) = split_referrers(files, tree.referrers);
    let stamps_of = |files: &[SourceFile]| -> Vec<FileStamp> {
        files
            .iter()
            .map(|f| {
                let stat = stat_of.get(f.path.as_str()).copied().flatten();
                stamp(f, stat, per_file.get(&f.path).cloned())
            })
            .collect()
    };
    let stamps = stamps_of(&files);
    let referrer_stamps = stamps_of(&referrer_files);
    let docs = parse_all(&location.root, files, config);
    let report = Report {
        files: docs.len(),
        full: true,
        cache: Some(cache.to_path_buf()),
        ..Report::default()
    };
    let mut warnings = walk_warnings.clone();
    warnings.extend(skipped.iter().cloned());
    let mut corpus = Corpus::from_documents(&location.root, docs, warnings);
    let recording = Recording::new(repo);
    corpus.resolve_links(&recording);
    corpus.set_referrers(
        crate::corpus::parse_referrers(referrer_files, config),
        &recording,
    );
    let deps = recording.stamps(&location.repo, Vec::new());

    let generation = new_generation();
    let dir = format!("search-{generation:016x}");
    let built = build_and_save(
        owned,
        &dir,
        location,
        config,
        corpus,
        (stamps, referrer_stamps),
        deps,
        generation,
        walk_warnings,
        skipped,
        report,
        &progress,
    );
    if built.is_err() {
        // A run that fails after building its index leaves no folder behind.
        owned.remove_folder(&dir);
    }
    Ok((built?, Some(dir)))
}

/// Builds the search index of a full build in the new folder `dir`, then saves the snapshot.
#[allow(clippy::too_many_arguments)]
fn build_and_save(
    owned: &Owned,
    dir: &str,
    location: &Location,
    config: &Config,
    corpus: Corpus,
    stamps: (Vec<FileStamp>, Vec<FileStamp>),
    deps: Vec<DepStamp>,
    generation: u64,
    walk_warnings: Vec<FileWarning>,
    skipped: Vec<FileWarning>,
    report: Report,
    progress: &Progress,
) -> Result<Loaded, Fallback> {
    let index_dir = owned
        .folder(dir)
        .map_err(|e| Fallback(format!("cannot write the search index: {e}")))?;
    quietly(|| build_index_dir(&index_dir, &corpus, generation, progress))
        .and_then(|r| r)
        .map_err(|e| Fallback(format!("cannot write the search index: {e}")))?;
    let search_files = index_files(&index_dir)
        .map_err(|e| Fallback(format!("cannot read the search index: {e}")))?;
    save(
        owned,
        location,
        config,
        corpus,
        stamps,
        deps,
        generation,
        dir.to_string(),
        search_files,
        walk_warnings,
        skipped,
        report,
    )
}

fn build_index_dir(
    dir: &Path,
    corpus: &Corpus,
    generation: u64,
    progress: &Progress,
) -> Result<(), String> {
    let (_, fields) = search::schema();
    let index = search::create_dir(dir)?;
    let writer = search::writer(&index, 2).map_err(|e| e.to_string())?;
    for chunk in corpus.docs.chunks(500) {
        search::add_all(&writer, &fields, chunk).map_err(|e| e.to_string())?;
        progress.tick(chunk.len(), "indexing");
    }
    search::commit(writer, &payload(generation)).map_err(|e| e.to_string())
}

#[allow(clippy::too_many_arguments)]
fn incremental(
    location: &Location,
    config: &Config,
    owned: &Owned,
    repo: &DiskRepo,
    tree: &Tree,
    walk_warnings: Vec<FileWarning>,
    mut snap: Snapshot,
) -> Result<(Loaded, Option<String>), Fallback> {
    let cache = owned.path();
    let d = diff(&snap.files, tree.paths, tree.stats);
    let r = diff(&snap.referrer_files, tree.referrers, tree.referrer_stats);
    let deps_moved = deps_changed(&location.repo, &snap.deps);
    let stat_of = tree.stat_of();
    let candidates: Vec<String> = d.candidates.iter().chain(&r.candidates).cloned().collect();
    let (files, read_warnings) = scan::read_all_with(&location.repo, candidates, &config.limits);
    let (skipped, per_file) = split_warnings(read_warnings);
    let (files, referrer_files) = split_referrers(files, tree.referrers);
    let referrers_moved = update_referrers(
        &mut snap,
        referrer_files,
        &r.removed,
        &skipped,
        &stat_of,
        &per_file,
        config,
    );

    let mut stamps: HashMap<String, FileStamp> = snap
        .files
        .into_iter()
        .map(|s| (s.path.clone(), s))
        .collect();
    let mut removed: Vec<String> = d.removed;
    // A file that was there and now cannot be read is gone from the corpus too.
    for w in &skipped {
        if stamps.contains_key(&w.path) {
            removed.push(w.path.clone());
        }
    }
    for p in &removed {
        stamps.remove(p);
    }
    let mut added = Vec::new();
    let mut changed = Vec::new();
    let mut to_parse = Vec::new();
    for f in files {
        let stat = stat_of.get(f.path.as_str()).copied().flatten();
        let new = stamp(&f, stat, per_file.get(&f.path).cloned());
        match stamps.get(&f.path) {
            Some(old) if old.hash == new.hash => {}
            Some(_) => {
                changed.push(f.path.clone());
                to_parse.push(f);
            }
            None => {
                added.push(f.path.clone());
                to_parse.push(f);
            }
        }
        stamps.insert(new.path.clone(), new);
    }
    removed.sort();
    added.sort();
    changed.sort();

    let timing = Timing::new();
    let parsed = parse_all(&location.root, to_parse, config);
    timing.mark("read + parse");
    let replaced: HashSet<&str> = removed.iter().chain(&changed).map(String::as_str).collect();
    let mut corpus = snap.corpus;
    let mut docs: Vec<Document> = std::mem::take(&mut corpus.docs)
        .into_iter()
        .chain(corpus.template.take())
        .filter(|d| !replaced.contains(d.path.as_str()))
        .collect();
    docs.extend(parsed);
    let mut warnings = walk_warnings.clone();
    warnings.extend(skipped.iter().cloned());
    let referrers = std::mem::take(&mut corpus.referrers);
    let mut corpus = Corpus::from_documents(&location.root, docs, warnings);
    corpus.referrers = referrers;
    let recording = Recording::new(repo);
    let deps = if !added.is_empty() || !removed.is_empty() || deps_moved {
        // Document ids moved or non-document targets changed: resolve everything again.
        corpus.resolve_links(&recording);
        recording.stamps(&location.repo, Vec::new())
    } else {
        let touched: HashSet<&str> = changed.iter().map(String::as_str).collect();
        let ids: Vec<usize> = (0..corpus.docs.len())
            .filter(|&id| {
                let doc = corpus.doc(id);
                touched.contains(doc.path.as_str())
                    || doc
                        .links
                        .iter()
                        .any(|l| l.resolved.as_deref().is_some_and(|r| touched.contains(r)))
            })
            .collect();
        corpus.resolve_links_of(&ids, &recording);
        if referrers_moved || !changed.is_empty() {
            // Edges from referrers depend on documents' anchors, and are cheap to redo.
            corpus.resolve_referrers(&recording);
        }
        recording.stamps(&location.repo, std::mem::take(&mut snap.deps))
    };

    timing.mark("resolve");
    let mut generation = snap.generation;
    let mut search_files = snap.search_files;
    let content_changed = !added.is_empty() || !removed.is_empty() || !changed.is_empty();
    if content_changed {
        generation = new_generation();
        let index_dir = owned
            .folder(&snap.search_dir)
            .map_err(|e| Fallback(format!("cannot update the search index: {e}")))?;
        quietly(|| update_index_dir(&index_dir, &corpus, &removed, &changed, &added, generation))
            .and_then(|r| r)
            .map_err(|e| Fallback(format!("cannot update the search index: {e}")))?;
        search_files = index_files(&index_dir)
            .map_err(|e| Fallback(format!("cannot read the search index: {e}")))?;
    }
    let mut stamps: Vec<FileStamp> = stamps.into_values().collect();
    stamps.sort_by(|a, b| a.path.cmp(&b.path));
    let report = Report {
        files: stamps.len(),
        added,
        changed,
        removed,
        full: false,
        cache: Some(cache.to_path_buf()),
    };
    timing.mark("search index");
    let loaded = save(
        owned,
        location,
        config,
        corpus,
        (stamps, std::mem::take(&mut snap.referrer_files)),
        deps,
        generation,
        snap.search_dir,
        search_files,
        walk_warnings,
        skipped,
        report,
    )?;
    Ok((loaded, None))
}

/// Brings the snapshot's referrers up to date: re-parses the ones read again whose content
/// changed, adds new ones, drops removed and unreadable ones. Links are left unresolved for
/// the caller. Returns whether anything changed.
fn update_referrers(
    snap: &mut Snapshot,
    files: Vec<SourceFile>,
    removed: &[String],
    skipped: &[FileWarning],
    stat_of: &HashMap<&str, Option<Stat>>,
    per_file: &HashMap<String, String>,
    config: &Config,
) -> bool {
    let gone: HashSet<&str> = removed
        .iter()
        .map(String::as_str)
        .chain(skipped.iter().map(|w| w.path.as_str()))
        .collect();
    let mut stamps: HashMap<String, FileStamp> = std::mem::take(&mut snap.referrer_files)
        .into_iter()
        .filter(|s| !gone.contains(s.path.as_str()))
        .map(|s| (s.path.clone(), s))
        .collect();
    let mut moved = snap
        .corpus
        .referrers
        .iter()
        .any(|r| gone.contains(r.path.as_str()));
    let mut fresh = Vec::new();
    for f in files {
        let stat = stat_of.get(f.path.as_str()).copied().flatten();
        let new = stamp(&f, stat, per_file.get(&f.path).cloned());
        if stamps.get(&f.path).is_none_or(|old| old.hash != new.hash) {
            fresh.push(f);
        }
        stamps.insert(new.path.clone(), new);
    }
    moved |= !fresh.is_empty();
    let fresh_paths: HashSet<String> = fresh.iter().map(|f| f.path.clone()).collect();
    let mut referrers: Vec<Referrer> = std::mem::take(&mut snap.corpus.referrers)
        .into_iter()
        .filter(|r| !gone.contains(r.path.as_str()) && !fresh_paths.contains(&r.path))
        .collect();
    referrers.extend(crate::corpus::parse_referrers(fresh, config));
    referrers.sort_by(|a, b| a.path.cmp(&b.path));
    snap.corpus.referrers = referrers;
    let mut stamps: Vec<FileStamp> = stamps.into_values().collect();
    stamps.sort_by(|a, b| a.path.cmp(&b.path));
    snap.referrer_files = stamps;
    moved
}

fn update_index_dir(
    dir: &Path,
    corpus: &Corpus,
    removed: &[String],
    changed: &[String],
    added: &[String],
    generation: u64,
) -> Result<(), String> {
    let index = search::open_dir(dir)?;
    let (_, fields) = search::schema();
    let writer = search::writer(&index, 1).map_err(|e| e.to_string())?;
    for p in removed.iter().chain(changed) {
        search::delete_path(&writer, &fields, p);
    }
    let fresh: Vec<&Document> = changed
        .iter()
        .chain(added)
        .filter_map(|p| corpus.doc_id(p).map(|id| corpus.doc(id)))
        .collect();
    search::add_all(&writer, &fields, fresh).map_err(|e| e.to_string())?;
    search::commit(writer, &payload(generation)).map_err(|e| e.to_string())
}

/// Writes the snapshot (without document text) and returns the loaded tree.
#[allow(clippy::too_many_arguments)]
fn save(
    owned: &Owned,
    location: &Location,
    config: &Config,
    mut corpus: Corpus,
    (files, referrer_files): (Vec<FileStamp>, Vec<FileStamp>),
    deps: Vec<DepStamp>,
    generation: u64,
    search_dir: String,
    search_files: Vec<IndexFile>,
    walk_warnings: Vec<FileWarning>,
    skipped: Vec<FileWarning>,
    report: Report,
) -> Result<Loaded, Fallback> {
    // Text stays out of the snapshot: it lives in the search index.
    let texts: Vec<(String, String)> = corpus
        .docs
        .iter_mut()
        .chain(corpus.template.as_mut())
        .map(|d| (std::mem::take(&mut d.text), std::mem::take(&mut d.code)))
        .collect();
    let warnings = std::mem::take(&mut corpus.warnings);
    let mut snap = Snapshot {
        doc_parts: Vec::new(),
        key: key(location, config),
        generation,
        search_dir,
        search_files,
        files,
        referrer_files,
        deps,
        corpus,
    };
    let timing = Timing::new();
    let (head, parts) = encode_snapshot(&mut snap)
        .map_err(|e| Fallback(format!("cannot encode the snapshot: {e}")))?;
    timing.mark("encode snapshot");
    write_snapshot(owned, &head, &parts)
        .map_err(|e| Fallback(format!("cannot write the snapshot: {e}")))?;
    timing.mark("write snapshot");
    for (d, (text, code)) in snap
        .corpus
        .docs
        .iter_mut()
        .chain(snap.corpus.template.as_mut())
        .zip(texts)
    {
        d.text = text;
        d.code = code;
    }
    snap.corpus.warnings = warnings;
    let mut loaded = from_snapshot(
        snap,
        owned.path(),
        walk_warnings,
        report.clone(),
        Vec::new(),
    );
    // Keep this run's skipped-file warnings (they are not in the manifest).
    loaded.corpus.warnings.extend(skipped);
    loaded.corpus.warnings.sort_by(|a, b| a.path.cmp(&b.path));
    loaded.corpus.warnings.dedup();
    loaded.report = Report {
        files: loaded.report.files,
        ..report
    };
    Ok(loaded)
}

/// Opens the search index for a loaded tree: the cached one when it is intact, else a rebuilt
/// one (with a notice), else one built in memory. Returns the index and notices for stderr.
pub fn open_search(
    location: &Location,
    config: &Config,
    source: &SearchSource,
    corpus: &Corpus,
) -> std::io::Result<(SearchIndex, Vec<String>)> {
    if let SearchSource::Disk {
        cache,
        dir,
        generation,
        files,
    } = source
    {
        let files: Vec<IndexFile> = files.iter().map(|f| f.0.clone()).collect();
        let why = if index_valid(cache, dir, &files) {
            match quietly(|| SearchIndex::open(&cache.join(dir), &payload(*generation)))
                .and_then(|r| r)
            {
                Ok(index) => return Ok((index, Vec::new())),
                Err(why) => why,
            }
        } else {
            "files are missing or changed".to_string()
        };
        return rebuild_search(location, config, cache, &why);
    }
    if matches!(source, SearchSource::Memory { texts: true }) {
        let index = search::build_in_ram(corpus).map_err(std::io::Error::other)?;
        return Ok((index, Vec::new()));
    }
    let fresh = cold_memory(location, config)?;
    let index = search::build_in_ram(&fresh.corpus).map_err(std::io::Error::other)?;
    Ok((index, Vec::new()))
}

/// Rebuilds the cached search index in `cache`, found unusable or damaged for the reason
/// `why` (an error or a panic from tantivy), with a notice; in memory when the cache cannot
/// be written.
pub fn rebuild_search(
    location: &Location,
    config: &Config,
    cache: &Path,
    why: &str,
) -> std::io::Result<(SearchIndex, Vec<String>)> {
    let mut notices = vec![format!(
        "note: search index in {} is unusable ({why}); rebuilding it",
        cache.display()
    )];
    let rebuilt = load_disk(location, config, cache, true)?;
    notices.extend(rebuilt.notices);
    if let SearchSource::Disk {
        cache,
        dir,
        generation,
        ..
    } = &rebuilt.search
        && let Ok(Ok(index)) =
            quietly(|| SearchIndex::open(&cache.join(dir), &payload(*generation)))
    {
        return Ok((index, notices));
    }
    let index = search::build_in_ram(&rebuilt.corpus).map_err(std::io::Error::other)?;
    Ok((index, notices))
}
