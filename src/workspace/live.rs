//! A live workspace: a batch of changes applied in place — files written, created, deleted
//! or renamed on disk, and editors' unsaved buffers (overlays) — through the same
//! [`crate::corpus::ingest`] as every load, so only the documents whose links the change can
//! affect are resolved again. Says what changed: documents, edges, broken links, orphans.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::sync::OnceLock;

use petgraph::Direction;
use serde::Serialize;

use super::Workspace;
use crate::check::{self, Checks, Diagnostic, Settings, SettingsError};
use crate::corpus::DocId;
use crate::corpus::links::{Entry, RepoView};
use crate::corpus::scan::{self, DiskRepo};
use crate::corpus::{self, BrokenReason, Changes, Corpus, Link, LinkKind, SourceFile, is_referrer};
use crate::graph::{DocGraph, LinkFilter};
use crate::store::SearchSource;

/// One change to apply. Paths are repo-relative, `/`-separated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// A file was written, created or deleted on disk: it is looked at again. A folder that
    /// is gone stands for every file the workspace knew under it.
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
    /// Findings of the checks that appeared, and that are gone (fixed, moved to another line,
    /// or their document is gone), once [`Workspace::diagnostics`] was asked for; before any
    /// baseline.
    pub diagnostics_added: Vec<Diagnostic>,
    pub diagnostics_fixed: Vec<Diagnostic>,
}

/// The checks' findings by document, with the settings they were found with.
pub(super) struct Findings {
    settings: Settings,
    /// The template the settings' card came from.
    template: Option<String>,
    by_path: HashMap<String, Vec<Diagnostic>>,
}

/// What a file is to the workspace.
#[derive(PartialEq, Eq)]
enum Role {
    Document,
    Referrer,
    /// Anything else: a possible link target.
    Other,
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
        // A folder gone (deleted, or renamed away) takes the files under it along: a file
        // watcher names the folder only.
        let gone: Vec<String> = touched
            .iter()
            .filter(|p| {
                !self.overlays.contains_key(*p) && scan::stat(&self.location.repo, p).is_none()
            })
            .map(|p| format!("{p}/"))
            .collect();
        if !gone.is_empty() {
            let corpus = &self.corpus;
            let known = corpus.docs.iter().map(|d| &d.path);
            let known = known
                .chain(corpus.referrers.iter().map(|r| &r.path))
                .chain(corpus.template.iter().map(|t| &t.path));
            let under: Vec<String> = known
                .filter(|p| gone.iter().any(|g| p.starts_with(g.as_str())))
                .cloned()
                .collect();
            touched.extend(under);
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

        // Built now, from the corpus before the change (the incoming edges below need it).
        let orphans_before = orphans(&self.corpus, self.graph());
        let view = DiskRepo::new(&self.location.repo, self.config.links.clone())?
            .with_max_file_bytes(self.config.limits.max_file_bytes);
        let base = std::mem::take(&mut self.corpus);
        // The link counts of the corpus taken are stale from here on.
        self.metrics = OnceLock::new();
        // The documents linking to those read again, from the graph (ids of the base).
        let mut linked_from = Vec::new();
        for f in &docs {
            if let Some(id) = base.doc_id(&f.path) {
                let from = self
                    .graph()
                    .link_edges(id, Direction::Incoming, LinkFilter::Any);
                linked_from.extend(from.map(|(d, _)| d));
            }
        }
        let change = Changes {
            docs,
            referrers,
            removed,
            others_changed,
            linked_from: Some(linked_from),
            ..Changes::default()
        };
        let view = Overlaid {
            disk: &view,
            overlays: &self.overlays,
            links: &self.config.links,
        };
        let (corpus, done) = corpus::ingest(base, change, warnings, &view, &self.config);
        self.corpus = corpus;
        match self.graph.get_mut() {
            Some(graph) if done.same_docs => graph.relink(&self.corpus, &done.resolved),
            _ => self.graph = OnceLock::new(),
        }
        self.refresh_texts(&done);

        let mut applied = diff(&done, &self.corpus);
        let now = orphans(&self.corpus, self.graph());
        applied.orphans_added = now.difference(&orphans_before).cloned().collect();
        applied.orphans_removed = orphans_before.difference(&now).cloned().collect();
        self.recheck(&done, &mut applied);
        applied.added = done.added;
        applied.changed = done.changed;
        applied.removed = done.removed;
        applied.resolved_docs = done.resolved_docs;
        Ok(applied)
    }

    /// Every finding of the checks (before any baseline), sorted. The first call runs the
    /// checks over the whole tree; from then on [`Workspace::apply`] keeps them up to date and
    /// reports the findings that appeared or went.
    pub fn diagnostics(&mut self) -> Result<Vec<Diagnostic>, SettingsError> {
        let findings = match self.findings.take() {
            Some(findings) => findings,
            None => {
                let sources = self.sources();
                let Checks { settings, report } =
                    Checks::run(&self.corpus, self.graph(), &self.config, sources)?;
                let mut by_path: HashMap<String, Vec<Diagnostic>> = HashMap::new();
                for d in report.diagnostics {
                    by_path.entry(d.path.clone()).or_default().push(d);
                }
                Findings {
                    settings,
                    template: self.corpus.template.as_ref().map(|t| t.path.clone()),
                    by_path,
                }
            }
        };
        let mut all: Vec<Diagnostic> = findings.by_path.values().flatten().cloned().collect();
        check::sort(&mut all);
        self.findings = Some(findings);
        Ok(all)
    }

    /// The checks' settings and the findings of the document at `path` (sorted), once
    /// [`Workspace::diagnostics`] was asked; `None` before.
    pub fn findings_of(&self, path: &str) -> Option<(&Settings, &[Diagnostic])> {
        let findings = self.findings.as_ref()?;
        let of = findings.by_path.get(path).map_or(&[][..], Vec::as_slice);
        Some((&findings.settings, of))
    }

    /// The kept findings as a check run ([`Checks`]: settings and report, the documents the
    /// template rules ran on), what coverage summarises, once [`Workspace::diagnostics`] was
    /// asked. The live workspace does not count suppressed findings: `suppressed` is 0.
    pub fn checks(&self) -> Option<Checks> {
        let findings = self.findings.as_ref()?;
        let mut diagnostics: Vec<Diagnostic> =
            findings.by_path.values().flatten().cloned().collect();
        check::sort(&mut diagnostics);
        let checked = self
            .corpus
            .docs
            .iter()
            .filter(|d| findings.settings.templates(d.kind))
            .map(|d| d.path.clone())
            .collect();
        Some(Checks {
            settings: findings.settings.clone(),
            report: check::Report {
                diagnostics,
                suppressed: 0,
                checked,
            },
        })
    }

    /// The findings of one file (sorted), as kept up to date by [`Workspace::apply`]; empty
    /// until [`Workspace::diagnostics`] was asked once.
    pub fn diagnostics_of(&self, path: &str) -> &[Diagnostic] {
        self.findings_of(path).map_or(&[], |(_, found)| found)
    }

    /// Runs the checks again over the documents the change can affect — those resolved again
    /// (their own links, and links into them, changed), those that became or stopped being
    /// orphans; every document when the template changed — and says which findings appeared
    /// or went. Nothing when no face asked for findings; when the changed template makes
    /// `[check]` invalid, the findings are dropped (the next [`Workspace::diagnostics`] says
    /// why).
    fn recheck(&mut self, done: &corpus::Ingested, applied: &mut Applied) {
        let Some(mut findings) = self.findings.take() else {
            return;
        };
        let template = self.corpus.template.as_ref().map(|t| t.path.clone());
        let template_moved = template != findings.template
            || template.as_ref().is_some_and(|t| done.changed.contains(t));
        let ids: Vec<DocId> = if template_moved {
            let card = template.as_ref().and_then(|t| self.sources().get(t));
            match Settings::new(&self.config, card.map(String::as_str)) {
                Ok(settings) => findings.settings = settings,
                Err(_) => return,
            }
            findings.template = template;
            (0..self.corpus.docs.len()).collect()
        } else {
            let orphans = applied.orphans_added.iter().chain(&applied.orphans_removed);
            let ids: BTreeSet<DocId> = done
                .resolved
                .iter()
                .copied()
                .chain(orphans.filter_map(|p| self.corpus.doc_id(p)))
                .collect();
            ids.into_iter().collect()
        };
        for p in &done.removed {
            applied
                .diagnostics_fixed
                .extend(findings.by_path.remove(p).unwrap_or_default());
        }
        let report = check::check_docs(
            &self.corpus,
            self.graph(),
            self.sources(),
            &findings.settings,
            ids.clone(),
        );
        let mut now: HashMap<String, Vec<Diagnostic>> = HashMap::new();
        for d in report.diagnostics {
            now.entry(d.path.clone()).or_default().push(d);
        }
        for id in ids {
            let path = self.corpus.doc(id).path.as_str();
            let new = now.remove(path).unwrap_or_default();
            let old = findings.by_path.remove(path).unwrap_or_default();
            applied
                .diagnostics_fixed
                .extend(old.iter().filter(|d| !new.contains(d)).cloned());
            applied
                .diagnostics_added
                .extend(new.iter().filter(|d| !old.contains(d)).cloned());
            if !new.is_empty() {
                findings.by_path.insert(path.to_string(), new);
            }
        }
        check::sort(&mut applied.diagnostics_added);
        check::sort(&mut applied.diagnostics_fixed);
        self.findings = Some(findings);
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
        // An index in memory is updated in place, whether it was built from the documents'
        // text or, after a load from the cache, from the files: the documents read again carry
        // their text either way.
        let in_memory = matches!(self.search_source, SearchSource::Memory { .. });
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

/// The links and broken links that changed: the documents' links before (`done.previous`)
/// against the links now of the documents resolved again (the others are as they were).
fn diff(done: &corpus::Ingested, corpus: &Corpus) -> Applied {
    /// What makes a link the same edge or the same broken link: where it is, its kind, how
    /// it broke and the target it names, the document it reaches.
    type Key<'k> = (
        u32,
        u32,
        LinkKind,
        Option<(BrokenReason, &'k str)>,
        Option<&'k str>,
    );
    fn key<'k>(l: &'k Link, to: Option<&'k str>) -> Key<'k> {
        let broken = l.broken_reason().map(|r| (r, l.target.as_str()));
        (l.line, l.column, l.kind, broken, to)
    }
    let mut out = Applied::default();
    let mut report =
        |path: &str, old: Vec<(&Link, Option<&str>)>, new: Vec<(&Link, Option<&str>)>| {
            let (old_keys, new_keys): (Vec<Key>, Vec<Key>) = (
                old.iter().map(|&(l, t)| key(l, t)).collect(),
                new.iter().map(|&(l, t)| key(l, t)).collect(),
            );
            if old_keys == new_keys {
                return;
            }
            let old_set: HashSet<&Key> = old_keys.iter().collect();
            let new_set: HashSet<&Key> = new_keys.iter().collect();
            for (side, keys, other, added) in [
                (&old, &old_keys, &new_set, false),
                (&new, &new_keys, &old_set, true),
            ] {
                for (&(link, to), k) in side.iter().zip(keys) {
                    if other.contains(k) {
                        continue;
                    }
                    if let Some(to) = to {
                        let e = EdgeChange {
                            from: path.to_string(),
                            to: to.to_string(),
                            kind: link.kind,
                            line: link.line,
                            column: link.column,
                        };
                        match added {
                            true => out.edges_added.push(e),
                            false => out.edges_removed.push(e),
                        }
                    }
                    if let Some(reason) = link.broken_reason() {
                        let b = BrokenChange {
                            path: path.to_string(),
                            line: link.line,
                            column: link.column,
                            target: link.target.clone(),
                            reason: reason.as_str(),
                        };
                        match added {
                            true => out.broken_added.push(b),
                            false => out.broken_removed.push(b),
                        }
                    }
                }
            }
        };
    let now = |path: &str| -> Vec<(&Link, Option<&str>)> {
        corpus.doc_id(path).map_or_else(Vec::new, |id| {
            corpus
                .doc(id)
                .links
                .iter()
                .map(|l| (l, l.to_doc.map(|t| corpus.doc(t).path.as_str())))
                .collect()
        })
    };
    let mut compared: HashSet<&str> = HashSet::new();
    for p in &done.previous {
        compared.insert(&p.path);
        let old = p
            .links
            .iter()
            .zip(p.targets.iter().map(Option::as_deref))
            .collect();
        report(&p.path, old, now(&p.path));
    }
    for &id in &done.resolved {
        let path = corpus.doc(id).path.as_str();
        if !compared.contains(path) {
            report(path, Vec::new(), now(path));
        }
    }
    out.edges_added.sort();
    out.edges_removed.sort();
    out.broken_added.sort();
    out.broken_removed.sort();
    out
}

#[cfg(test)]
mod tests;
