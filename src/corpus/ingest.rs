//! The one pipeline from file contents to a resolved corpus: parse (in bounded batches) → cap
//! links → build documents → sort → resolve (documents and referrers).
//!
//! Every load goes through [`ingest`]: a build in memory ([`Corpus::build`]), the cache's
//! cold and incremental loads (`store`) and the live workspace's changes
//! (`Workspace::apply`). A whole build is an ingest of every file into an empty corpus; an
//! update is an ingest of the changed files into the previous one, which re-resolves only the
//! links the change can affect.
//!
//! Pure apart from what the [`RepoView`] reads.

use std::collections::HashSet;

use super::{Corpus, DocId, Document, FileWarning, Referrer, RepoView, SourceFile};
use super::{cap_links, map_in_batches, parse};
use crate::config::Config;

/// What to ingest: the files read since the base corpus, and what is gone.
#[derive(Default)]
pub struct Changes {
    /// Documents (and the template) that are new or whose content changed, in any order.
    pub docs: Vec<SourceFile>,
    /// Referrers that are new or whose content changed, in any order.
    pub referrers: Vec<SourceFile>,
    /// Documents or referrers that are gone (paths the base corpus does not hold are ignored).
    pub removed: Vec<String>,
    /// Files that are neither documents nor referrers (link targets) may have changed: every
    /// link is resolved again.
    pub others_changed: bool,
}

impl Changes {
    /// Every file of a tree, for a whole build into an empty corpus.
    pub fn all(docs: Vec<SourceFile>, referrers: Vec<SourceFile>) -> Changes {
        Changes {
            docs,
            referrers,
            ..Changes::default()
        }
    }
}

/// What an ingest did to the base corpus (paths sorted).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Ingested {
    /// Documents (and the template) that were not in the base corpus.
    pub added: Vec<String>,
    /// Documents (and the template) whose content was replaced.
    pub changed: Vec<String>,
    /// Documents (and the template) that are gone.
    pub removed: Vec<String>,
    /// Whether every link was resolved again (the set of documents changed, or other files
    /// did); otherwise only the links of changed documents and of documents pointing at them.
    pub resolved_all: bool,
    /// How many documents had their links resolved again.
    pub resolved_docs: usize,
}

/// Ingests `changes` into `base` (an empty corpus for a whole build): parses the files read,
/// replaces and removes documents and referrers, resolves what the change can affect against
/// `view`. `warnings` are the corpus's warnings from now on (warnings about capped links are
/// added here).
pub fn ingest(
    base: Corpus,
    changes: Changes,
    warnings: Vec<FileWarning>,
    view: &dyn RepoView,
    config: &Config,
) -> (Corpus, Ingested) {
    let Changes {
        docs: files,
        referrers: referrer_files,
        removed,
        others_changed,
    } = changes;
    let root = base.root.clone();
    let parsed = parse_docs(&root, files, config);
    let fresh_referrers = parse_referrers(referrer_files, config);

    let Corpus {
        docs: old_docs,
        template,
        referrers: old_referrers,
        ..
    } = base;
    let gone: HashSet<&str> = removed.iter().map(String::as_str).collect();
    // Paths by old id: links keep their targets across a change by path.
    let old_paths: Vec<String> = old_docs.iter().map(|d| d.path.clone()).collect();
    let template_path = template.as_ref().map(|t| t.path.clone());
    let had: HashSet<&str> = old_paths
        .iter()
        .map(String::as_str)
        .chain(template_path.as_deref())
        .collect();
    let mut out = Ingested::default();
    for d in &parsed {
        if had.contains(d.path.as_str()) {
            out.changed.push(d.path.clone());
        } else {
            out.added.push(d.path.clone());
        }
    }
    let replaced: HashSet<&str> = parsed.iter().map(|d| d.path.as_str()).collect();
    out.removed = had
        .iter()
        .filter(|p| gone.contains(*p) && !replaced.contains(*p))
        .map(|p| p.to_string())
        .collect();
    out.added.sort();
    out.changed.sort();
    out.removed.sort();

    let mut docs: Vec<Document> = old_docs
        .into_iter()
        .chain(template)
        .filter(|d| !gone.contains(d.path.as_str()) && !replaced.contains(d.path.as_str()))
        .collect();
    docs.extend(parsed);

    let fresh_paths: HashSet<&str> = fresh_referrers.iter().map(|r| r.path.as_str()).collect();
    let referrers_moved =
        !fresh_referrers.is_empty() || old_referrers.iter().any(|r| gone.contains(r.path.as_str()));
    let mut referrers: Vec<Referrer> = old_referrers
        .into_iter()
        .filter(|r| !gone.contains(r.path.as_str()) && !fresh_paths.contains(r.path.as_str()))
        .collect();
    referrers.extend(fresh_referrers);
    referrers.sort_by(|a, b| a.path.cmp(&b.path));

    let mut corpus = Corpus::from_documents(&root, docs, warnings);
    corpus.referrers = referrers;
    out.resolved_all = others_changed || had.is_empty();
    if out.resolved_all {
        // Link targets outside the corpus changed, or nothing was there: resolve everything.
        corpus.resolve_links(view);
        out.resolved_docs = corpus.docs.len();
    } else {
        let ids_moved = !out.added.is_empty() || !out.removed.is_empty();
        if ids_moved {
            renumber(&mut corpus, &old_paths);
        }
        // Links into a changed document point at it by id; links that may reach an added or
        // removed one are found by path.
        let keys = if ids_moved {
            affected(&out)
        } else {
            HashSet::new()
        };
        let mut fresh = vec![false; corpus.docs.len()];
        for p in out.added.iter().chain(&out.changed) {
            if let Some(id) = corpus.doc_id(p) {
                fresh[id] = true;
            }
        }
        let mut changed = vec![false; corpus.docs.len()];
        for p in &out.changed {
            if let Some(id) = corpus.doc_id(p) {
                changed[id] = true;
            }
        }
        let ids: Vec<DocId> = (0..corpus.docs.len())
            .filter(|&id| {
                fresh[id]
                    || corpus.doc(id).links.iter().any(|l| {
                        l.to_doc.is_some_and(|t| changed[t])
                            || (ids_moved
                                && l.resolved.as_deref().is_some_and(|r| keys.contains(r)))
                    })
            })
            .collect();
        corpus.resolve_links_of(&ids, view);
        out.resolved_docs = ids.len();
        if referrers_moved || ids_moved || !out.changed.is_empty() {
            // Edges from referrers depend on documents' anchors, and are cheap to redo.
            corpus.resolve_referrers(view);
        }
    }
    corpus.note_capped_links(config.limits.max_links_per_file);
    (corpus, out)
}

/// Points every resolved link at its target's new id after documents were added or removed
/// (ids are positions in path order); a link whose target is gone loses it, and is among
/// those resolved again.
fn renumber(corpus: &mut Corpus, old_paths: &[String]) {
    let new_id: Vec<Option<DocId>> = old_paths.iter().map(|p| corpus.doc_id(p)).collect();
    let links = corpus
        .docs
        .iter_mut()
        .flat_map(|d| &mut d.links)
        .chain(corpus.referrers.iter_mut().flat_map(|r| &mut r.links));
    for link in links {
        if let Some(t) = link.to_doc {
            link.to_doc = new_id[t];
        }
    }
}

/// The resolved paths whose links the change can affect: the changed, added and removed
/// documents; for added and removed ones also their folders (a folder link reaches its
/// README, a folder may appear) and the pages mdBook builds from them (`x.html`,
/// `dir/index.html`).
fn affected(out: &Ingested) -> HashSet<String> {
    let mut keys: HashSet<String> = out.changed.iter().cloned().collect();
    for p in out.added.iter().chain(&out.removed) {
        keys.insert(p.clone());
        let mut dir = p.as_str();
        while let Some((parent, _)) = dir.rsplit_once('/') {
            keys.insert(parent.to_string());
            dir = parent;
        }
        keys.insert(String::new());
        if let Some(stem) = p.strip_suffix(".md") {
            keys.insert(format!("{stem}.html"));
            let (dir, name) = p.rsplit_once('/').unwrap_or(("", p));
            if name == "README.md" || name == "index.md" {
                let dir = if dir.is_empty() {
                    String::new()
                } else {
                    format!("{dir}/")
                };
                keys.insert(format!("{dir}index.html"));
            }
        }
    }
    keys
}

/// Parses documents in bounded batches (see [`map_in_batches`]), links capped.
fn parse_docs(root: &str, files: Vec<SourceFile>, config: &Config) -> Vec<Document> {
    map_in_batches(
        files,
        |f| f.text.len(),
        |f| {
            let mut parsed = parse::parse(&f.text, &config.links);
            cap_links(&mut parsed, config.limits.max_links_per_file);
            Document::new(root, f.path, parsed, &config.links.site)
        },
    )
}

/// Parses referrers in bounded batches for their links, capped like documents'.
fn parse_referrers(files: Vec<SourceFile>, config: &Config) -> Vec<Referrer> {
    map_in_batches(
        files,
        |f| f.text.len(),
        |f| {
            let mut parsed = parse::parse(&f.text, &config.links);
            cap_links(&mut parsed, config.limits.max_links_per_file);
            Referrer::new(f.path, parsed)
        },
    )
}
