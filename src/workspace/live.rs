//! A live workspace: a batch of changes applied in place — files written, created, deleted
//! or renamed on disk, and editors' unsaved buffers (overlays) — through the same
//! [`crate::corpus::ingest`] as every load, so only the documents whose links the change can
//! affect are resolved again. Says what changed: documents, edges, broken links, orphans.

use std::collections::{BTreeSet, HashMap, HashSet};

use serde::Serialize;

use super::Workspace;
use crate::corpus::links::{Entry, RepoView};
use crate::corpus::scan::{self, DiskRepo};
use crate::corpus::{
    self, BrokenReason, Changes, Corpus, DocId, LinkKind, SourceFile, is_referrer,
};
use crate::graph::{DocGraph, LinkFilter};
use crate::store::SearchSource;

/// One change to apply. Paths are repo-relative, `/`-separated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// A file was written, created or deleted on disk: it is looked at again.
    File(String),
    /// A file was renamed on disk.
    Renamed { from: String, to: String },
    /// An editor's unsaved text for a file: used instead of the file on disk (which need not
    /// exist) until the buffer is closed.
    Overlay { path: String, text: String },
    /// The editor closed its buffer: the file on disk counts again.
    Close(String),
}

/// A link edge between two documents, as reported by [`Workspace::apply`].
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct EdgeChange {
    pub from: String,
    pub to: String,
    pub kind: LinkKind,
    pub line: u32,
    pub column: u32,
}

/// A broken link, as reported by [`Workspace::apply`].
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct BrokenChange {
    pub path: String,
    pub line: u32,
    pub column: u32,
    pub target: String,
    pub reason: &'static str,
}

/// What applying a batch of changes changed (every list sorted).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Applied {
    /// Documents (and the template) that appeared, were read again, or are gone.
    pub added: Vec<String>,
    pub changed: Vec<String>,
    pub removed: Vec<String>,
    /// Link edges between documents (edges from referrers are not listed).
    pub edges_added: Vec<EdgeChange>,
    pub edges_removed: Vec<EdgeChange>,
    /// Broken links of documents that appeared, and that are gone (fixed or deleted).
    pub broken_added: Vec<BrokenChange>,
    pub broken_removed: Vec<BrokenChange>,
    /// Documents that became orphans, and that stopped being orphans (or are gone).
    pub orphans_added: Vec<String>,
    pub orphans_removed: Vec<String>,
    /// How many documents had their links resolved again.
    pub resolved_docs: usize,
}

/// What a file is to the workspace.
#[derive(PartialEq, Eq)]
enum Role {
    Document,
    Referrer,
    /// Anything else: a possible link target.
    Other,
}

/// The outcome of one link: enough to tell whether it changed, without its text.
#[derive(PartialEq, Eq)]
struct Outcome {
    line: u32,
    column: u32,
    kind: LinkKind,
    to_doc: Option<DocId>,
    broken: Option<BrokenReason>,
}

/// The links and orphans of a corpus before a change, by document path.
struct Before {
    paths: Vec<String>,
    links: Vec<Vec<Outcome>>,
    /// Targets of broken links (kept apart: they are few).
    broken_targets: HashMap<(DocId, u32, u32), String>,
    orphans: BTreeSet<String>,
}

impl Before {
    fn of(corpus: &Corpus, graph: &DocGraph) -> Before {
        let mut broken_targets = HashMap::new();
        let links = corpus
            .docs
            .iter()
            .enumerate()
            .map(|(id, d)| {
                d.links
                    .iter()
                    .map(|l| {
                        let broken = l.broken_reason();
                        if broken.is_some() {
                            broken_targets.insert((id, l.line, l.column), l.target.clone());
                        }
                        Outcome {
                            line: l.line,
                            column: l.column,
                            kind: l.kind,
                            to_doc: l.to_doc,
                            broken,
                        }
                    })
                    .collect()
            })
            .collect();
        Before {
            paths: corpus.docs.iter().map(|d| d.path.clone()).collect(),
            links,
            broken_targets,
            orphans: orphans(corpus, graph),
        }
    }
}

fn orphans(corpus: &Corpus, graph: &DocGraph) -> BTreeSet<String> {
    graph
        .orphans(corpus, LinkFilter::Any)
        .into_iter()
        .map(|id| corpus.doc(id).path.clone())
        .collect()
}

impl Workspace {
    /// Applies a batch of changes in place: reads the files named again (or takes their
    /// overlay), ingests them into the corpus (re-resolving the links the change can affect),
    /// rebuilds the graph, updates an open in-memory search index and the raw texts the checks
    /// read, and says what changed.
    ///
    /// A path is a document when it is a Markdown file under the docs root outside hidden
    /// folders, a referrer when `[links] referrers` match it; any other file may be a link
    /// target, and its change makes every link resolve again. Ignore files are consulted by
    /// loads only: a change to an ignored Markdown file under the docs root is taken as a
    /// document (the watcher that reports changes is expected to filter them).
    pub fn apply(&mut self, changes: Vec<Change>) -> std::io::Result<Applied> {
        let mut touched = BTreeSet::new();
        for change in changes {
            match change {
                Change::File(p) => {
                    touched.insert(p);
                }
                Change::Renamed { from, to } => {
                    touched.insert(from);
                    touched.insert(to);
                }
                Change::Overlay { path, text } => {
                    self.overlays.insert(path.clone(), text);
                    touched.insert(path);
                }
                Change::Close(p) => {
                    self.overlays.remove(&p);
                    touched.insert(p);
                }
            }
        }
        let globs = self.config.links.referrer_globs().unwrap_or_default();
        let root = self.location.root.clone();
        let role = |p: &str| {
            let hidden = p
                .rsplit_once('/')
                .is_some_and(|(dir, _)| dir.split('/').any(|c| c.starts_with('.')));
            let under_root = root.is_empty()
                || p.strip_prefix(root.as_str())
                    .is_some_and(|r| r.starts_with('/'));
            if hidden || !p.ends_with(".md") {
                Role::Other
            } else if under_root {
                Role::Document
            } else if is_referrer(&root, p, &globs)
                && !p
                    .split('/')
                    .any(|c| ["node_modules", "vendor", "third_party"].contains(&c))
            {
                Role::Referrer
            } else {
                Role::Other
            }
        };

        let repo_dir = self.location.repo.clone();
        let mut others_changed = false;
        let mut present: Vec<SourceFile> = Vec::new();
        let mut to_read = Vec::new();
        let mut removed = Vec::new();
        let mut referrer_paths: HashSet<String> = HashSet::new();
        for p in &touched {
            match role(p) {
                Role::Other => others_changed = true,
                r => {
                    if r == Role::Referrer {
                        referrer_paths.insert(p.clone());
                    }
                    if let Some(text) = self.overlays.get(p) {
                        present.push(SourceFile {
                            path: p.clone(),
                            text: text.clone(),
                        });
                    } else if scan::stat(&repo_dir, p).is_some_and(|s| !s.is_dir) {
                        to_read.push(p.clone());
                    } else {
                        removed.push(p.clone());
                    }
                }
            }
        }
        let (read, read_warnings) = scan::read_all_with(&repo_dir, to_read, &self.config.limits);
        let read_paths: HashSet<&str> = read.iter().map(|f| f.path.as_str()).collect();
        // A file there but unreadable is gone from the corpus, with its warning.
        for w in &read_warnings {
            if w.skipped && !read_paths.contains(w.path.as_str()) {
                removed.push(w.path.clone());
            }
        }
        present.extend(read);
        let (referrers, docs): (Vec<SourceFile>, Vec<SourceFile>) = present
            .into_iter()
            .partition(|f| referrer_paths.contains(&f.path));

        let mut warnings: Vec<_> = std::mem::take(&mut self.corpus.warnings)
            .into_iter()
            .filter(|w| !touched.contains(&w.path))
            .collect();
        warnings.extend(read_warnings);

        let before = Before::of(&self.corpus, &self.graph);
        let view = DiskRepo::new(&self.location.repo, self.config.links.clone())?
            .with_max_file_bytes(self.config.limits.max_file_bytes);
        let base = std::mem::take(&mut self.corpus);
        let change = Changes {
            docs,
            referrers,
            removed,
            others_changed,
        };
        let view = Overlaid {
            disk: &view,
            overlays: &self.overlays,
            links: &self.config.links,
        };
        let (corpus, done) = corpus::ingest(base, change, warnings, &view, &self.config);
        self.corpus = corpus;
        self.graph = DocGraph::build(&self.corpus);
        self.refresh_texts(&done);

        let mut applied = diff(&before, &self.corpus, &self.graph);
        applied.added = done.added;
        applied.changed = done.changed;
        applied.removed = done.removed;
        applied.resolved_docs = done.resolved_docs;
        Ok(applied)
    }

    /// Brings the search index and the checks' raw texts up to date with documents ingested.
    fn refresh_texts(&mut self, done: &corpus::Ingested) {
        let fresh: Vec<&String> = done.added.iter().chain(&done.changed).collect();
        if let Some(sources) = self.sources.get_mut() {
            for p in &done.removed {
                sources.remove(p);
            }
            for p in &fresh {
                let text = match self.overlays.get(*p) {
                    Some(text) => Some(text.clone()),
                    None => {
                        let one = vec![(*p).clone()];
                        let (files, _) =
                            scan::read_all_with(&self.location.repo, one, &self.config.limits);
                        files.into_iter().next().map(|f| f.text)
                    }
                };
                match text {
                    Some(text) => {
                        let text = corpus::parse::strip_bom(&text).to_string();
                        sources.insert((*p).clone(), text)
                    }
                    None => sources.remove(*p),
                };
            }
        }
        let in_memory = matches!(self.search_source, SearchSource::Memory { texts: true });
        let open = in_memory && matches!(self.search.get(), Some(Ok(_)));
        if open && let Some(Ok(index)) = self.search.get() {
            let gone: Vec<String> = done.removed.iter().chain(&done.changed).cloned().collect();
            let docs = fresh
                .iter()
                .filter_map(|p| self.corpus.doc_id(p).map(|id| self.corpus.doc(id)));
            if index.update(&gone, docs).is_ok() {
                return;
            }
        }
        if !in_memory || open {
            // A cached index (written by loads only, under the cache's lock) or one that could
            // not be updated: searched again from a fresh in-memory index on next use. Documents
            // loaded from the cache hold no text, so that index reads the files.
            if !in_memory {
                self.search_source = SearchSource::Memory { texts: false };
            }
            self.search = std::sync::OnceLock::new();
            self.healed = std::sync::OnceLock::new();
        }
    }
}

/// The repository as an editor sees it: files with an overlay exist and have its anchors.
struct Overlaid<'a> {
    disk: &'a DiskRepo,
    overlays: &'a HashMap<String, String>,
    links: &'a crate::config::LinksConfig,
}

impl RepoView for Overlaid<'_> {
    fn site(&self) -> &crate::corpus::dialect::Site {
        self.disk.site()
    }

    fn entry(&self, path: &str) -> Entry {
        match self.overlays.contains_key(path) {
            true => Entry::File,
            false => self.disk.entry(path),
        }
    }

    fn anchors(&self, path: &str) -> Vec<String> {
        match self.overlays.get(path) {
            Some(text) => {
                let doc = corpus::parse::parse(text, self.links);
                let mut all: Vec<String> = doc.headings.into_iter().map(|h| h.slug).collect();
                all.extend(doc.html_anchors);
                all
            }
            None => self.disk.anchors(path),
        }
    }

    fn has_anchor(&self, path: &str, fragment: &str) -> bool {
        match self.overlays.contains_key(path) {
            true => {
                let anchors = self.anchors(path);
                corpus::links::anchor_matches(fragment, anchors.iter().map(String::as_str), [])
            }
            false => self.disk.has_anchor(path, fragment),
        }
    }
}

/// What changed between `before` and the corpus and graph now.
fn diff(before: &Before, corpus: &Corpus, graph: &DocGraph) -> Applied {
    let mut out = Applied::default();
    let old_id: HashMap<&str, DocId> = before
        .paths
        .iter()
        .enumerate()
        .map(|(i, p)| (p.as_str(), i))
        .collect();
    let edge = |from: &str, o: &Outcome, to: &str| EdgeChange {
        from: from.to_string(),
        to: to.to_string(),
        kind: o.kind,
        line: o.line,
        column: o.column,
    };
    let mut seen = HashSet::with_capacity(before.paths.len());
    for doc in &corpus.docs {
        let new: Vec<Outcome> = doc
            .links
            .iter()
            .map(|l| Outcome {
                line: l.line,
                column: l.column,
                kind: l.kind,
                to_doc: l.to_doc,
                broken: l.broken_reason(),
            })
            .collect();
        let old_doc = old_id.get(doc.path.as_str()).copied();
        if let Some(o) = old_doc {
            seen.insert(o);
        }
        let old: &[Outcome] = old_doc.map_or(&[], |o| &before.links[o]);
        // The same outcome means the same edge when the target is the same document.
        type Key<'k> = (u32, u32, LinkKind, Option<BrokenReason>, Option<&'k str>);
        let old_key = |o: &Outcome| -> Key<'_> {
            let to = o.to_doc.map(|t| before.paths[t].as_str());
            (o.line, o.column, o.kind, o.broken, to)
        };
        let new_key = |n: &Outcome| -> Key<'_> {
            let to = n.to_doc.map(|t| corpus.doc(t).path.as_str());
            (n.line, n.column, n.kind, n.broken, to)
        };
        if old.len() == new.len() && old.iter().zip(&new).all(|(a, b)| old_key(a) == new_key(b)) {
            continue;
        }
        let old_keys: HashSet<Key> = old.iter().map(old_key).collect();
        let new_keys: HashSet<Key> = new.iter().map(new_key).collect();
        for o in old {
            if !new_keys.contains(&old_key(o)) {
                if let Some(t) = o.to_doc {
                    out.edges_removed.push(edge(&doc.path, o, &before.paths[t]));
                }
                if let (Some(reason), Some(od)) = (o.broken, old_doc) {
                    out.broken_removed
                        .push(broken(before, od, &doc.path, o, reason));
                }
            }
        }
        for (n, l) in new.iter().zip(&doc.links) {
            if !old_keys.contains(&new_key(n)) {
                if let Some(t) = n.to_doc {
                    out.edges_added
                        .push(edge(&doc.path, n, &corpus.doc(t).path));
                }
                if let Some(reason) = n.broken {
                    out.broken_added.push(BrokenChange {
                        path: doc.path.clone(),
                        line: n.line,
                        column: n.column,
                        target: l.target.clone(),
                        reason: reason.as_str(),
                    });
                }
            }
        }
    }
    for (od, path) in before.paths.iter().enumerate() {
        if seen.contains(&od) {
            continue;
        }
        for o in &before.links[od] {
            if let Some(t) = o.to_doc {
                out.edges_removed.push(edge(path, o, &before.paths[t]));
            }
            if let Some(reason) = o.broken {
                out.broken_removed.push(broken(before, od, path, o, reason));
            }
        }
    }
    let now = orphans(corpus, graph);
    out.orphans_added = now.difference(&before.orphans).cloned().collect();
    out.orphans_removed = before.orphans.difference(&now).cloned().collect();
    out.edges_added.sort();
    out.edges_removed.sort();
    out.broken_added.sort();
    out.broken_removed.sort();
    out
}

fn broken(
    before: &Before,
    od: DocId,
    path: &str,
    o: &Outcome,
    reason: BrokenReason,
) -> BrokenChange {
    BrokenChange {
        path: path.to_string(),
        line: o.line,
        column: o.column,
        target: before
            .broken_targets
            .get(&(od, o.line, o.column))
            .cloned()
            .unwrap_or_default(),
        reason: reason.as_str(),
    }
}

#[cfg(test)]
mod tests;
