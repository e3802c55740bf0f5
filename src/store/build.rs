//! What each kind of load feeds [`corpus::ingest`] and what it keeps: in memory (every file,
//! nothing kept), a full build of the cache (every file; stamps, a new search folder, the
//! snapshot) and an incremental update (the files whose stat changed; the manifest, the
//! search folder and the snapshot brought up to date).

use std::collections::{HashMap, HashSet};

use super::manifest::{self, DepStamps, Manifest, Recording, Seen, Tree, Walked};
use super::progress::{Progress, Timing};
use super::search_dir::IndexState;
use super::snapshot::{Part, Snapshot};
use super::{Fallback, Loaded, Report, SearchSource, key};
use crate::boundary::owned::Owned;
use crate::config::{Config, Location};
use crate::corpus::scan::{self, DiskRepo};
use crate::corpus::{self, Changes, Corpus, FileWarning, Keep};

/// The view of the repository link resolution asks, with the configured caps.
pub fn disk_repo(location: &Location, config: &Config) -> std::io::Result<DiskRepo> {
    Ok(DiskRepo::new(&location.repo, config.links.clone())?
        .with_max_file_bytes(config.limits.max_file_bytes))
}

/// Reads and parses every file: the pipeline without a cache. The documents keep what `keep`
/// asks ([`Keep::Outline`] as [`Keep::Graph`]); without their text, a search reads the files
/// again.
pub fn cold_memory(location: &Location, config: &Config, keep: Keep) -> std::io::Result<Loaded> {
    let keep = keep.union(Keep::Graph);
    let repo = disk_repo(location, config)?;
    let Walked {
        paths,
        referrers,
        mut warnings,
    } = manifest::walk(&repo, location, config);
    let progress = Progress::new(paths.len() + referrers.len());
    // Read and parsed a slice at a time: only a slice's text is in memory at once.
    let mut parsed = Vec::with_capacity(paths.len());
    for slice in paths.chunks(1000) {
        let (files, read_warnings) =
            scan::read_all_with(&location.repo, slice.to_vec(), &config.limits);
        warnings.extend(read_warnings);
        parsed.extend(corpus::ingest::parse_documents(
            &location.root,
            files,
            config,
            keep,
        ));
        progress.tick(slice.len(), "reading");
    }
    let (referrer_files, read_warnings) = progress.read(&location.repo, referrers, &config.limits);
    warnings.extend(read_warnings);
    let report = Report {
        files: parsed.len(),
        full: true,
        ..Report::default()
    };
    let base = Corpus::empty(&location.root);
    let all = Changes {
        parsed,
        keep,
        ..Changes::all(Vec::new(), referrer_files)
    };
    let (mut corpus, _) = corpus::ingest(base, all, warnings, &repo, config);
    corpus.set_keep(keep);
    Ok(Loaded {
        corpus,
        report,
        notices: Vec::new(),
        search: SearchSource::Memory {
            texts: keep == Keep::Everything,
        },
    })
}

/// One load through the disk cache: the tree, its settings, the cache folder (its lock held)
/// and what the walk found.
pub struct Run<'a> {
    pub location: &'a Location,
    pub config: &'a Config,
    pub owned: &'a Owned,
    pub repo: &'a DiskRepo,
    pub tree: &'a Tree<'a>,
    pub walk_warnings: &'a [FileWarning],
}

/// What a load produced, to be saved.
struct Update {
    corpus: Corpus,
    manifest: Manifest,
    search: IndexState,
    /// Files that could not be read this run (reported, not kept in the manifest).
    skipped: Vec<FileWarning>,
    report: Report,
    /// The parts of the snapshot an incremental load replaces.
    replaced: Option<Vec<Part>>,
    /// The documents (ids) an incremental load touched, when the rest of the replaced
    /// snapshot's parts still hold the same documents.
    touched: Option<Vec<usize>>,
}

impl Run<'_> {
    /// Reads and parses every file, builds a new search folder and saves the snapshot.
    /// Returns the loaded tree and the new search folder (the others are swept).
    pub fn cold(&self) -> Result<(Loaded, Option<String>), Fallback> {
        let tree = self.tree;
        let stat_of = tree.stat_of();
        let progress = Progress::new(tree.paths.len() + tree.referrers.len());
        let all: Vec<String> = tree.paths.iter().chain(tree.referrers).cloned().collect();
        let (files, read_warnings) = progress.read(&self.location.repo, all, &self.config.limits);
        let (skipped, per_file) = manifest::split_warnings(read_warnings);
        let (files, referrer_files) = manifest::split_referrers(files, tree.referrers);
        let seen = Seen {
            stat_of: &stat_of,
            per_file: &per_file,
        };
        let stamps = seen.stamps(&files);
        let referrer_stamps = seen.stamps(&referrer_files);
        let report = Report {
            files: files.len(),
            full: true,
            cache: Some(self.owned.path().to_path_buf()),
            ..Report::default()
        };
        let recording = Recording::new(self.repo);
        let base = Corpus::empty(&self.location.root);
        let all = Changes::all(files, referrer_files);
        let (corpus, _) =
            corpus::ingest(base, all, self.warnings(&skipped), &recording, self.config);
        let manifest = Manifest {
            files: stamps,
            referrer_files: referrer_stamps,
            deps: recording.stamps(&self.location.repo, &DepStamps::default()),
        };
        let search = IndexState::build(self.owned, &corpus, &progress)?;
        let dir = search.dir.clone();
        let update = Update {
            corpus,
            manifest,
            search,
            skipped,
            report,
            replaced: None,
            touched: None,
        };
        match self.save(update) {
            Ok(loaded) => Ok((loaded, Some(dir))),
            Err(e) => {
                // A run that fails after building its index leaves no folder behind.
                self.owned.remove_folder(&dir);
                Err(e)
            }
        }
    }

    /// Reads the files whose stat changed, ingests the ones whose content did into the
    /// snapshot's corpus, updates the search folder and saves the snapshot.
    pub fn incremental(&self, snap: Snapshot) -> Result<(Loaded, Option<String>), Fallback> {
        let (location, config, tree) = (self.location, self.config, self.tree);
        let timing = Timing::new();
        let parts = snap.part_names().to_vec();
        let Snapshot {
            manifest: old,
            corpus: base,
            mut search,
            ..
        } = snap;
        let d = old.files.diff(tree.paths, tree.stats);
        let r = old.referrer_files.diff(tree.referrers, tree.referrer_stats);
        let others_changed = manifest::deps_changed(&location.repo, &old.deps);
        let candidates: Vec<(String, _)> = d.candidates.into_iter().chain(r.candidates).collect();
        let stat_of: HashMap<&str, _> = candidates.iter().map(|(p, s)| (p.as_str(), *s)).collect();
        timing.mark("diff");
        let paths = candidates.iter().map(|(p, _)| p.clone()).collect();
        let (files, read_warnings) = scan::read_all_with(&location.repo, paths, &config.limits);
        let (skipped, per_file) = manifest::split_warnings(read_warnings);
        let (files, referrer_files) = manifest::split_referrers(files, tree.referrers);
        // A file that was there and now cannot be read is gone from the corpus too.
        let mut removed = d.removed;
        removed.extend(r.removed);
        removed.extend(skipped.iter().map(|w| w.path.clone()));
        let gone: HashSet<&str> = removed.iter().map(String::as_str).collect();
        let seen = Seen {
            stat_of: &stat_of,
            per_file: &per_file,
        };
        let (docs, stamps) = seen.refresh(&old.files, files, &gone);
        let (referrers, referrer_stamps) = seen.refresh(&old.referrer_files, referrer_files, &gone);
        timing.mark("read changed");

        let changes = Changes {
            docs,
            referrers,
            removed: removed.clone(),
            others_changed,
            ..Changes::default()
        };
        let recording = Recording::new(self.repo);
        let (corpus, done) =
            corpus::ingest(base, changes, self.warnings(&skipped), &recording, config);
        let keep = match done.resolved_all {
            true => DepStamps::default(),
            false => old.deps,
        };
        let deps = recording.stamps(&location.repo, &keep);
        // The same documents in the same order, and only some resolved again: the parts
        // holding none of them are unchanged (a document's encoding depends only on its own
        // parse and links).
        // (`resolved` holds the changed documents too.)
        let touched = (done.same_docs && !done.resolved_all).then(|| done.resolved.clone());
        timing.mark("parse + resolve");

        if !done.added.is_empty() || !done.removed.is_empty() || !done.changed.is_empty() {
            let delta = (&done.removed[..], &done.changed[..], &done.added[..]);
            search.update(self.owned, &corpus, delta)?;
        }
        timing.mark("search index");
        let report = Report {
            files: stamps.len(),
            added: done.added,
            changed: done.changed,
            removed: done.removed,
            full: false,
            cache: Some(self.owned.path().to_path_buf()),
        };
        let manifest = Manifest {
            files: stamps,
            referrer_files: referrer_stamps,
            deps,
        };
        let update = Update {
            corpus,
            manifest,
            search,
            skipped,
            report,
            replaced: Some(parts),
            touched,
        };
        Ok((self.save(update)?, None))
    }

    /// The corpus's warnings: the walk's and this run's skipped files.
    fn warnings(&self, skipped: &[FileWarning]) -> Vec<FileWarning> {
        let mut warnings = self.walk_warnings.to_vec();
        warnings.extend(skipped.iter().cloned());
        warnings
    }

    /// Writes the snapshot (without document text) and returns the loaded tree.
    fn save(&self, update: Update) -> Result<Loaded, Fallback> {
        let Update {
            corpus,
            manifest,
            search,
            skipped,
            report,
            replaced,
            touched,
        } = update;
        let timing = Timing::new();
        let key = key(self.location, self.config);
        let mut snap = Snapshot::new(key, search, manifest, corpus);
        if let Some(parts) = replaced {
            if let Some(touched) = touched {
                snap.reuse_parts(parts.clone(), &touched);
            }
            snap.replaces(parts);
        }
        snap.write(self.owned).map_err(Fallback)?;
        timing.mark("write snapshot");
        let walk_warnings = self.walk_warnings.to_vec();
        let mut loaded = snap.into_loaded(
            self.owned.path(),
            walk_warnings,
            Report::default(),
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
}
