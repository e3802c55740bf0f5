//! Loading a docs tree into memory: scan → parse → resolve → graph.
//!
//! Owns the order of the pipeline's steps; the steps themselves live in `corpus` and `graph`.

use crate::config::{Config, Location};
use crate::corpus::Corpus;
use crate::corpus::scan::{self, DiskRepo};
use crate::graph::DocGraph;

/// A loaded docs tree: where it is, its settings, its documents and their graph.
pub struct Workspace {
    pub location: Location,
    pub config: Config,
    pub corpus: Corpus,
    pub graph: DocGraph,
}

impl Workspace {
    /// Reads and parses every document under the docs root and builds the graph.
    pub fn load(location: Location, config: Config) -> std::io::Result<Workspace> {
        let repo = DiskRepo::new(&location.repo, config.links.clone())?;
        let (paths, mut warnings) = scan::walk(&repo, &location.root);
        // Read and parse in one parallel pass: each file is read once and its text dropped
        // once parsed. `paths` is sorted, and so are the results.
        let (parsed, read_warnings) = scan::read_and_parse(&location.repo, paths, &config.links);
        warnings.extend(read_warnings);
        let corpus = Corpus::from_parsed(&location.root, parsed, warnings, &repo);
        Ok(Workspace::from_corpus(location, config, corpus))
    }

    pub fn from_corpus(location: Location, config: Config, corpus: Corpus) -> Workspace {
        let graph = DocGraph::build(&corpus);
        Workspace {
            location,
            config,
            corpus,
            graph,
        }
    }
}
