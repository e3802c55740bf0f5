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
        let repo = DiskRepo::new(&location.repo, config.links.clone())?
            .with_max_file_bytes(config.limits.max_file_bytes);
        let (paths, mut warnings) = scan::walk(&repo, &location.root);
        let (files, read_warnings) = scan::read_all_with(&location.repo, paths, &config.limits);
        warnings.extend(read_warnings);
        let corpus = Corpus::build(&location.root, files, warnings, &repo, &config);
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
