//! Loading a docs tree into memory: scan → parse → resolve → graph, through the on-disk cache
//! (the graph built by its first reader: a question about per-document counts never builds it).
//!
//! Owns the order of the pipeline's steps; the steps themselves live in `corpus`, `store` and
//! `graph`. Every command loads through [`Workspace::open`], so every command refreshes the
//! cache.

mod live;
mod revision;
pub mod watch;

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

use crate::answer::{self, Answer};
use crate::config::{Config, Location};
use crate::corpus::{Corpus, Keep};
use crate::graph::DocGraph;
use crate::query::eval::Metrics;
use crate::query::{Query, QueryError};
use crate::search::{SearchError, SearchIndex};
use crate::store::{self, CacheMode, Report, SearchSource};
pub use live::{Applied, BrokenChange, Change, EdgeChange};
pub use revision::RevisionError;

/// A loaded docs tree: where it is, its settings, its documents and their graph.
pub struct Workspace {
    pub location: Location,
    pub config: Config,
    pub corpus: Corpus,
    /// The documents' graph, built on first use ([`Workspace::graph`]).
    graph: OnceLock<DocGraph>,
    /// What loading found and did (files added, changed, removed).
    pub report: Report,
    /// One-line notices about the cache (rebuilt, unusable, …) for stderr.
    pub notices: Mutex<Vec<String>>,
    search_source: SearchSource,
    search: OnceLock<Result<SearchIndex, String>>,
    /// The index rebuilt after the cached one failed a search (see [`Workspace::with_search`]).
    healed: OnceLock<Result<SearchIndex, String>>,
    sources: OnceLock<HashMap<String, String>>,
    /// Editors' unsaved texts by path, used instead of the files (see [`Workspace::apply`]).
    overlays: HashMap<String, String>,
    /// The checks' findings, once asked for ([`Workspace::diagnostics`]); kept up to date by
    /// [`Workspace::apply`].
    findings: Option<live::Findings>,
    /// The documents' link counts, computed by the first question and kept for the next
    /// ones until [`Workspace::apply`] changes the corpus (a resident face asks many).
    metrics: OnceLock<Metrics>,
}

impl Workspace {
    /// Reads and parses every document under the docs root and builds the graph, in memory
    /// (no cache).
    pub fn load(location: Location, config: Config) -> std::io::Result<Workspace> {
        Workspace::open(location, config, &CacheMode::Memory)
    }

    /// Loads the tree through the cache `mode` names: a stat walk and the snapshot when nothing
    /// changed, an incremental update when something did, a full build otherwise.
    pub fn open(
        location: Location,
        config: Config,
        mode: &CacheMode,
    ) -> std::io::Result<Workspace> {
        Workspace::open_keeping(location, config, mode, Keep::Everything)
    }

    /// [`Workspace::open`], keeping of each document what `keep` asks: a command that asks no
    /// text question loads with [`Keep::Graph`] (in memory, about half the memory and no text
    /// copied); should it search after all, the index is built from the files read again. A
    /// one-shot command whose questions an outline answers ([`crate::query::Query::needs`])
    /// loads with [`Keep::Outline`]: from an unchanged cache, only the documents' outline is
    /// read (elsewhere it loads as [`Keep::Graph`]). Resident faces load whole: an outline
    /// cannot take edits ([`Workspace::apply`]) or answer every question.
    pub fn open_keeping(
        location: Location,
        config: Config,
        mode: &CacheMode,
        keep: Keep,
    ) -> std::io::Result<Workspace> {
        let mut loaded = store::load(&location, &config, mode, keep)?;
        loaded
            .corpus
            .note_capped_links(config.limits.max_links_per_file);
        Ok(Workspace {
            location,
            config,
            corpus: loaded.corpus,
            graph: OnceLock::new(),
            report: loaded.report,
            notices: Mutex::new(loaded.notices),
            search_source: loaded.search,
            search: OnceLock::new(),
            healed: OnceLock::new(),
            sources: OnceLock::new(),
            overlays: HashMap::new(),
            findings: None,
            metrics: OnceLock::new(),
        })
    }

    /// A workspace over an already built corpus (tests, generated trees); search builds an
    /// in-memory index from the documents' text.
    pub fn from_corpus(location: Location, config: Config, corpus: Corpus) -> Workspace {
        Workspace {
            location,
            config,
            corpus,
            graph: OnceLock::new(),
            report: Report::default(),
            notices: Mutex::new(Vec::new()),
            search_source: SearchSource::Memory { texts: true },
            search: OnceLock::new(),
            healed: OnceLock::new(),
            sources: OnceLock::new(),
            overlays: HashMap::new(),
            findings: None,
            metrics: OnceLock::new(),
        }
    }

    /// The full-text index, opened on first use (never for commands that do not search).
    pub fn search_index(&self) -> Result<&SearchIndex, String> {
        if let Some(healed) = self.healed.get() {
            return healed.as_ref().map_err(Clone::clone);
        }
        self.search
            .get_or_init(|| {
                let (index, notices) = store::open_search(
                    &self.location,
                    &self.config,
                    &self.search_source,
                    &self.corpus,
                )
                .map_err(|e| format!("cannot open the search index: {e}"))?;
                self.add_notices(notices);
                Ok(index)
            })
            .as_ref()
            .map_err(Clone::clone)
    }

    /// Asks the search index. Any error or panic from tantivy means the cached index is
    /// damaged (its files kept their size and time, so the stamps could not tell): it is
    /// rebuilt once, with a notice, and asked again. A panic never reaches the user.
    pub fn with_search<T>(
        &self,
        ask: impl Fn(&SearchIndex) -> Result<T, SearchError>,
    ) -> Result<T, String> {
        let index = self.search_index()?;
        let why = match store::quietly(|| ask(index)) {
            Ok(Ok(answer)) => return Ok(answer),
            Ok(Err(SearchError::Tantivy(e))) => format!("search index: {e}"),
            Ok(Err(e)) => return Err(e.to_string()),
            Err(panic) => panic,
        };
        let SearchSource::Disk { cache, .. } = &self.search_source else {
            return Err(why);
        };
        if self.healed.get().is_some() {
            return Err(why);
        }
        let healed = self.healed.get_or_init(|| {
            let (index, notices) = store::rebuild_search(&self.location, &self.config, cache, &why)
                .map_err(|e| format!("cannot rebuild the search index: {e}"))?;
            self.add_notices(notices);
            Ok(index)
        });
        let index = healed.as_ref().map_err(Clone::clone)?;
        match store::quietly(|| ask(index)) {
            Ok(answer) => answer.map_err(|e| e.to_string()),
            Err(panic) => Err(panic),
        }
    }

    /// The raw text (BOM stripped) of every document and of the template, by repo-relative
    /// path, read on first use through `corpus::scan` (a cached load may have read nothing):
    /// the template checks need what the corpus does not keep (placeholders, suppression
    /// comments, source lines). A file that cannot be read is simply absent.
    pub fn sources(&self) -> &HashMap<String, String> {
        self.sources.get_or_init(|| {
            let corpus = &self.corpus;
            let mut wanted: Vec<String> = corpus.docs.iter().map(|d| d.path.clone()).collect();
            wanted.extend(corpus.template.as_ref().map(|t| t.path.clone()));
            let (files, _) = crate::corpus::scan::read_all_with(
                &self.location.repo,
                wanted,
                &self.config.limits,
            );
            files
                .into_iter()
                .map(|f| {
                    let text = crate::corpus::parse::strip_bom(&f.text).to_string();
                    (f.path, text)
                })
                .collect()
        })
    }

    /// An editor's unsaved text of `path` (see [`Workspace::apply`]), if any: what a plan of
    /// `refactor` must be made against instead of the file.
    pub fn overlay(&self, path: &str) -> Option<&str> {
        self.overlays.get(path).map(String::as_str)
    }

    /// Answers `query` over this tree (see [`answer::ask`]): what every face prints. A tree
    /// loaded as an outline ([`Keep::Outline`]) answers only what [`Query::needs`] says an
    /// outline answers; anything else is an error, never an answer from emptied fields.
    pub fn ask(&self, query: &Query) -> Result<Answer, QueryError> {
        if self.corpus.keep() == Keep::Outline && query.needs() != Keep::Outline {
            return Err(QueryError::new(
                crate::query::Span::default(),
                format!(
                    "`{query}` needs the documents' details, and this tree was loaded as an outline; load it whole (`Workspace::open`)"
                ),
            ));
        }
        let metrics = self.metrics.get_or_init(|| Metrics::compute(&self.corpus));
        answer::ask_with(query, &self.corpus, &|| self.graph(), metrics, self)
    }

    /// The documents' graph, built by the first caller (a question about per-document counts
    /// never needs it; see [`crate::graph::Lazy`]).
    pub fn graph(&self) -> &DocGraph {
        self.graph.get_or_init(|| DocGraph::build(&self.corpus))
    }

    fn add_notices(&self, notices: Vec<String>) {
        self.notices
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .extend(notices);
    }

    /// Editors' unsaved texts by path, as given to [`Workspace::apply`] (a resident face that
    /// loads the tree again carries them over).
    pub fn overlays(&self) -> &HashMap<String, String> {
        &self.overlays
    }

    /// Takes the notices gathered so far.
    pub fn take_notices(&self) -> Vec<String> {
        std::mem::take(&mut *self.notices.lock().unwrap_or_else(|e| e.into_inner()))
    }
}
