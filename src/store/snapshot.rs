//! The snapshot and its parts: `snapshot.bin` (the key, the manifest, the search folder's
//! state and the corpus without its documents) names content-addressed `parts/<blake3>.bin`
//! files of 1,000 documents each (without document text), so an edit rewrites one part.
//! Reading checks every file (version, checksum, a part's name against its contents); writing
//! puts new parts first, then the snapshot renamed into place, then sweeps the parts neither
//! it nor the snapshot it replaced name.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::manifest::Manifest;
use super::search_dir::IndexState;
use super::{FORMAT_VERSION, Invalid, Loaded, MAX_CACHE_FILE_BYTES, Report, SNAPSHOT_FILE, file};
use crate::boundary::owned::{self, Owned};
use crate::boundary::read::{self as reader, Links};
use crate::corpus::{Corpus, Document, FileWarning};

/// Documents per snapshot part: parts are checked and decoded in parallel, and an edit
/// rewrites only the part that holds the edited document.
const DOCS_PER_PART: usize = 1000;
/// The folder (in the cache folder) of the snapshot's document parts. A part file is named by
/// the blake3 hash of its contents, so an unchanged part is never written again and a
/// snapshot file only ever names parts that were complete before it was renamed into place.
const PARTS_DIR: &str = "parts";

#[derive(Debug, Serialize, Deserialize)]
pub struct Snapshot {
    /// The part files holding the corpus's documents, in path order (see [`PARTS_DIR`]).
    /// First, so [`SnapshotParts`] can read it alone.
    doc_parts: Vec<String>,
    /// Hash of what shapes the parse (docs root, link settings): another key is another tree.
    pub key: [u8; 32],
    pub search: IndexState,
    pub manifest: Manifest,
    pub corpus: Corpus,
    /// Parts known to hold exactly the documents of the same chunk of `corpus.docs` (by
    /// index): written as they are instead of encoded again (see [`Snapshot::reuse_parts`]).
    #[serde(skip)]
    reusable: Vec<Option<String>>,
    /// The part names of the snapshot file this one replaces, when known (read under the same
    /// lock): writing then does not read that file again to learn them.
    #[serde(skip)]
    replaced: Option<Vec<String>>,
}

/// The start of a [`Snapshot`], enough to know which parts it names.
#[derive(Deserialize)]
struct SnapshotParts {
    doc_parts: Vec<String>,
}

/// Size, modification time and inode of a cache file: whether it is still the same file.
pub type Signature = (u64, std::time::SystemTime, u64);

pub fn signature(path: &Path) -> Option<Signature> {
    let m = reader::symlink_metadata(path).ok()?;
    let (inode, _) = reader::inode_and_ctime(&m);
    Some((m.len(), m.modified().ok()?, inode))
}

/// Reads a cache file: a regular file, not a symlink, not a pipe, capped.
fn read_cache_file(path: &Path) -> std::io::Result<Vec<u8>> {
    reader::read(path, Links::Never, MAX_CACHE_FILE_BYTES)
}

fn part_path(cache: &Path, name: &str) -> PathBuf {
    cache.join(PARTS_DIR).join(format!("{name}.bin"))
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

impl Snapshot {
    pub fn new(key: [u8; 32], search: IndexState, manifest: Manifest, corpus: Corpus) -> Self {
        Snapshot {
            doc_parts: Vec::new(),
            key,
            search,
            manifest,
            corpus,
            reusable: Vec::new(),
            replaced: None,
        }
    }

    /// Says that this snapshot replaces the one (read under the same lock) whose parts were
    /// `parts` ([`Snapshot::part_names`]).
    pub fn replaces(&mut self, parts: Vec<String>) {
        self.replaced = Some(parts);
    }

    /// The names of the document parts this snapshot was read from (one per
    /// [`DOCS_PER_PART`] documents, in path order).
    pub fn part_names(&self) -> &[String] {
        &self.doc_parts
    }

    /// Marks the parts of a snapshot read before (`parts`, its [`Snapshot::part_names`]) as
    /// still holding their chunk of documents, except the chunks holding a document of
    /// `touched` (ids): an edit then encodes and writes only the parts it changed. The caller
    /// vouches that the documents are the same ones, in the same order, and that no other
    /// document changed.
    pub fn reuse_parts(&mut self, parts: Vec<String>, touched: &[usize]) {
        let chunks = self.corpus.docs.len().div_ceil(DOCS_PER_PART);
        if parts.len() != chunks {
            return;
        }
        let mut reusable: Vec<Option<String>> = parts.into_iter().map(Some).collect();
        for &id in touched {
            if let Some(slot) = reusable.get_mut(id / DOCS_PER_PART) {
                *slot = None;
            }
        }
        self.reusable = reusable;
    }

    /// The snapshot at `path` when it is valid and made with `key`; a notice when it was
    /// there but unusable.
    pub fn read(path: &Path, key: &[u8; 32], notices: &mut Vec<String>) -> Option<Snapshot> {
        match read_file(path) {
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

    /// Writes the snapshot (its documents' text set aside: it lives in the search index).
    pub fn write(&mut self, owned: &Owned) -> Result<(), String> {
        let texts: Vec<(String, String)> = self
            .corpus
            .docs
            .iter_mut()
            .chain(self.corpus.template.as_mut())
            .map(|d| (std::mem::take(&mut d.text), std::mem::take(&mut d.code)))
            .collect();
        let warnings = std::mem::take(&mut self.corpus.warnings);
        let written = match self.encode(owned.path()) {
            Ok((head, parts)) => write_files(owned, &head, &parts, self.replaced.as_deref())
                .map_err(|e| format!("cannot write the snapshot: {e}")),
            Err(e) => Err(format!("cannot encode the snapshot: {e}")),
        };
        for (d, (text, code)) in self
            .corpus
            .docs
            .iter_mut()
            .chain(self.corpus.template.as_mut())
            .zip(texts)
        {
            d.text = text;
            d.code = code;
        }
        self.corpus.warnings = warnings;
        written
    }

    /// Encodes the snapshot: the snapshot file's bytes, and every document part as (name,
    /// bytes); a reusable part still in `cache` is named with no bytes (nothing to write).
    #[allow(clippy::type_complexity)]
    fn encode(
        &mut self,
        cache: &Path,
    ) -> Result<(Vec<u8>, Vec<(String, Option<Vec<u8>>)>), postcard::Error> {
        use rayon::prelude::*;
        let docs = std::mem::take(&mut self.corpus.docs);
        let reusable = std::mem::take(&mut self.reusable);
        let parts: Result<Vec<(String, Option<Vec<u8>>)>, _> = docs
            .par_chunks(DOCS_PER_PART)
            .enumerate()
            .map(|(i, chunk)| {
                let kept = reusable.get(i).cloned().flatten().filter(|name| {
                    reader::symlink_metadata(&part_path(cache, name)).is_ok_and(|m| m.is_file())
                });
                if let Some(name) = kept {
                    return Ok((name, None));
                }
                let bytes = file::encode(&chunk, FORMAT_VERSION)?;
                let name = file::single_part_hash(&bytes).unwrap_or_default();
                Ok((name, Some(bytes)))
            })
            .collect();
        let head = parts.and_then(|parts| {
            self.doc_parts = parts.iter().map(|(name, _)| name.clone()).collect();
            Ok((file::encode(&*self, FORMAT_VERSION)?, parts))
        });
        self.corpus.docs = docs;
        head
    }

    /// The loaded tree: the corpus with the walk's warnings and the manifest's per-file ones.
    pub fn into_loaded(
        self,
        cache: &Path,
        walk_warnings: Vec<FileWarning>,
        mut report: Report,
        notices: Vec<String>,
    ) -> Loaded {
        let mut corpus = self.corpus;
        let mut warnings = walk_warnings;
        warnings.extend(
            self.manifest
                .files
                .warnings()
                .map(|(path, message)| FileWarning {
                    path: path.to_string(),
                    message: message.to_string(),
                    skipped: false,
                }),
        );
        warnings.sort_by(|a, b| a.path.cmp(&b.path));
        corpus.warnings = warnings;
        report.files = self.manifest.files.len();
        report.cache = Some(cache.to_path_buf());
        Loaded {
            corpus,
            report,
            notices,
            search: self.search.source(cache),
        }
    }
}

/// Reads the snapshot (`snapshot.bin`: everything but the documents) and its document parts,
/// checking each part in parallel.
fn read_file(path: &Path) -> Result<Snapshot, Invalid> {
    // A part can vanish between reading `snapshot.bin` and reading the part only when two
    // writers replaced the snapshot in the meantime; the snapshot read again names parts
    // that are there.
    match read_once(path) {
        Err(Missing::Part(_)) => read_once(path),
        other => other,
    }
    .map_err(|e| match e {
        Missing::Part(why) => Invalid::Corrupt(why),
        Missing::Invalid(invalid) => invalid,
    })
}

fn read_once(path: &Path) -> Result<Snapshot, Missing> {
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
    let mut docs = Vec::with_capacity(chunks.iter().map(Vec::len).sum());
    for chunk in chunks {
        docs.extend(chunk);
    }
    snap.corpus.docs = docs;
    Ok(snap)
}

/// Writes the snapshot: new document parts first (an unchanged one is already there), then
/// the snapshot file, renamed into place; then removes the parts that neither it nor the
/// snapshot it replaced name (a reader that read the replaced one a moment ago still finds
/// its parts).
fn write_files(
    owned: &Owned,
    head: &[u8],
    parts: &[(String, Option<Vec<u8>>)],
    replaced: Option<&[String]>,
) -> std::io::Result<()> {
    let cache = owned.path();
    owned.folder(PARTS_DIR)?;
    for (name, bytes) in parts {
        let Some(bytes) = bytes else { continue };
        let path = part_path(cache, name);
        if !reader::symlink_metadata(&path).is_ok_and(|m| m.is_file()) {
            owned.write(&format!("{PARTS_DIR}/{name}.bin"), bytes)?;
        }
    }
    let path = cache.join(SNAPSHOT_FILE);
    let replaced = match replaced {
        Some(names) => names.to_vec(),
        None => read_cache_file(&path)
            .ok()
            .and_then(|b| file::decode::<SnapshotParts>(&b, FORMAT_VERSION).ok())
            .map(|s| s.doc_parts)
            .unwrap_or_default(),
    };
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
