//! The search folder's life cycle: `search-<generation>/` in the cache folder holds the
//! tantivy index, its commit payload names the generation, and the snapshot keeps the stamps
//! of its files. A full build writes a new folder and sweeps the others; an incremental load
//! deletes and adds the changed documents in place; an index that fails its stamps, or on
//! which tantivy errs or panics, is rebuilt.

use std::path::Path;

use serde::{Deserialize, Serialize};

use super::progress::Progress;
use super::{Fallback, IndexFileStamp, SearchSource, quietly};
use crate::boundary::owned::{self, Owned};
use crate::boundary::read as reader;
use crate::config::{Config, Location};
use crate::corpus::{Corpus, Document, Keep};
use crate::search::{self, SearchIndex};

/// A file of the search index folder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IndexFile {
    name: String,
    size: u64,
    mtime: i128,
}

/// The search index a snapshot goes with.
#[derive(Debug, Serialize, Deserialize)]
pub struct IndexState {
    /// The index's generation (its commit payload).
    pub generation: u64,
    pub dir: String,
    pub files: Vec<IndexFile>,
}

impl IndexState {
    /// Where a loaded tree gets its search index from.
    pub fn source(self, cache: &Path) -> SearchSource {
        SearchSource::Disk {
            cache: cache.to_path_buf(),
            dir: self.dir,
            generation: self.generation,
            files: self.files.into_iter().map(IndexFileStamp).collect(),
        }
    }

    /// Whether the folder is still the one the snapshot describes.
    pub fn valid(&self, cache: &Path) -> bool {
        valid(cache, &self.dir, &self.files)
    }

    /// Builds a new index of `corpus` in the new folder `search-<generation>`.
    pub fn build(
        owned: &Owned,
        corpus: &Corpus,
        progress: &Progress,
    ) -> Result<IndexState, Fallback> {
        let generation = new_generation();
        let dir = format!("search-{generation:016x}");
        let write =
            |e: &dyn std::fmt::Display| Fallback(format!("cannot write the search index: {e}"));
        let built = (|| {
            let index_dir = owned.folder(&dir).map_err(|e| write(&e))?;
            quietly(|| build_index_dir(&index_dir, corpus, generation, progress))
                .and_then(|r| r)
                .map_err(|e| write(&e))?;
            index_files(&index_dir)
                .map_err(|e| Fallback(format!("cannot read the search index: {e}")))
        })();
        match built {
            Ok(files) => Ok(IndexState {
                generation,
                dir,
                files,
            }),
            Err(e) => {
                // A run that fails after building its index leaves no folder behind.
                owned.remove_folder(&dir);
                Err(e)
            }
        }
    }

    /// Deletes the documents at `removed` and `changed` and adds the corpus's documents at
    /// `changed` and `added`, under a new generation.
    pub fn update(
        &mut self,
        owned: &Owned,
        corpus: &Corpus,
        (removed, changed, added): (&[String], &[String], &[String]),
    ) -> Result<(), Fallback> {
        let generation = new_generation();
        let index_dir = owned
            .folder(&self.dir)
            .map_err(|e| Fallback(format!("cannot update the search index: {e}")))?;
        quietly(|| update_index_dir(&index_dir, corpus, removed, changed, added, generation))
            .and_then(|r| r)
            .map_err(|e| Fallback(format!("cannot update the search index: {e}")))?;
        self.files = index_files(&index_dir)
            .map_err(|e| Fallback(format!("cannot read the search index: {e}")))?;
        self.generation = generation;
        Ok(())
    }
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

fn valid(cache: &Path, dir: &str, files: &[IndexFile]) -> bool {
    owned::is_index_dir(dir)
        && reader::is_real_dir(&cache.join(dir))
        && index_files(&cache.join(dir)).is_ok_and(|now| now == files)
}

/// Removes the search index folders other than `keep` (older generations, and those of runs
/// that failed or were killed) and temporary files left in the cache folder.
pub fn remove_old_indexes(owned: &Owned, keep: &str) {
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
        let why = if valid(cache, dir, &files) {
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
    let fresh = super::build::cold_memory(location, config, Keep::Everything)?;
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
    let rebuilt = super::load_disk(location, config, cache, Keep::Everything, true)?;
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
