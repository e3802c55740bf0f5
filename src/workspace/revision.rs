//! A workspace over a git revision: the same pipeline as a load of the work tree
//! (`corpus::ingest`, then the graph), fed from git objects through `corpus::revision`.
//!
//! Parsing is shared between the two sides of a comparison: given the workspace of the other
//! side (`like`) with the same settings, only the documents whose content differs from it are
//! parsed; the others are taken from it as they are (an incremental ingest into its corpus,
//! every link resolved again against this revision).

use std::collections::{HashMap, HashSet};
use std::path::Path;

use super::Workspace;
use crate::boundary::git::{Commit, Git, GitError};
use crate::config::{Config, ConfigError, Location, settle};
use crate::corpus::parse::strip_bom;
use crate::corpus::revision::{RevTree, Walked};
use crate::corpus::{self, Changes, Corpus, FileWarning};

/// Why a revision could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum RevisionError {
    #[error(transparent)]
    Git(#[from] GitError),
    /// Its `atomdoc.toml` is bad or its docs root is missing (messages name `REV:path`).
    #[error("{0}")]
    Config(#[from] ConfigError),
}

impl Workspace {
    /// Loads the docs tree of `commit` of the repository at `repo`: its `atomdoc.toml`, docs
    /// root (`root_flag` when given) and dialect, its documents and referrers, read from git.
    /// With `like`, documents whose text is the same there are not parsed again.
    pub fn at_revision(
        git: &Git,
        commit: Commit,
        repo: &Path,
        root_flag: Option<&str>,
        like: Option<&Workspace>,
    ) -> Result<Workspace, RevisionError> {
        let tree = RevTree::new(git, commit)?;
        let (root, config) = match settle(&tree, repo, root_flag) {
            Ok(settled) => settled,
            // A revision before the docs tree existed (or after it went): an empty tree,
            // so a change that creates the docs is every document added.
            Err(ConfigError::NoRoot { root, .. }) => {
                let config = Config::load_from(&tree)?;
                let root = crate::relpath::normalize(&root).unwrap_or(root);
                let warning = FileWarning {
                    path: root.clone(),
                    message: "no docs root in this revision; compared as an empty tree".into(),
                    skipped: false,
                };
                let corpus = Corpus::from_documents(&root, Vec::new(), vec![warning]);
                let location = Location {
                    repo: repo.to_path_buf(),
                    root,
                };
                let workspace = Workspace::from_corpus(location, config, corpus);
                let _ = workspace.sources.set(HashMap::new());
                return Ok(workspace);
            }
            Err(e) => return Err(e.into()),
        };
        let tree = tree.with_config(&config);
        let Walked {
            paths,
            referrers,
            mut warnings,
        } = tree.walk(&root, &config);
        let referrer_set: HashSet<&str> = referrers.iter().map(String::as_str).collect();
        let (files, read_warnings) = tree.read(paths.iter().chain(&referrers).cloned().collect());
        warnings.extend(read_warnings);
        warnings.sort_by(|a, b| a.path.cmp(&b.path));
        let (docs, referrer_files): (Vec<_>, Vec<_>) = files
            .into_iter()
            .partition(|f| !referrer_set.contains(f.path.as_str()));
        let sources: HashMap<String, String> = docs
            .iter()
            .map(|f| (f.path.clone(), strip_bom(&f.text).to_string()))
            .collect();
        let same_settings = |other: &Workspace| {
            other.location.root == root
                && serde_json::to_string(&other.config).ok() == serde_json::to_string(&config).ok()
        };
        let corpus = match like.filter(|w| same_settings(w)) {
            Some(other) => {
                let theirs = other.sources();
                let mut kept: HashSet<&str> = referrers.iter().map(String::as_str).collect();
                kept.extend(docs.iter().map(|f| f.path.as_str()));
                let before = &other.corpus;
                let removed: Vec<String> = before
                    .docs
                    .iter()
                    .chain(&before.template)
                    .map(|d| &d.path)
                    .chain(before.referrers.iter().map(|r| &r.path))
                    .filter(|p| !kept.contains(p.as_str()))
                    .cloned()
                    .collect();
                let changed: Vec<_> = docs
                    .into_iter()
                    .filter(|f| {
                        theirs.get(&f.path).map(String::as_str)
                            != sources.get(&f.path).map(String::as_str)
                    })
                    .collect();
                let changes = Changes {
                    docs: changed,
                    referrers: referrer_files,
                    removed,
                    // Files that are not documents may differ too: resolve every link again.
                    others_changed: true,
                    linked_from: None,
                    ..Changes::default()
                };
                corpus::ingest(before.clone(), changes, warnings, &tree, &config).0
            }
            None => {
                let all = Changes::all(docs, referrer_files);
                corpus::ingest(Corpus::empty(&root), all, warnings, &tree, &config).0
            }
        };
        let location = Location {
            repo: repo.to_path_buf(),
            root,
        };
        let workspace = Workspace::from_corpus(location, config, corpus);
        let _ = workspace.sources.set(sources);
        Ok(workspace)
    }
}
