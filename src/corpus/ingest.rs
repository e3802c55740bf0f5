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

use rayon::prelude::*;

use super::parse::{self, Keep};
use super::{
    Corpus, DocId, Document, FileWarning, Link, ParsedDoc, Referrer, RepoView, SourceFile,
};
use super::{cap_links, map_in_batches};
use crate::config::Config;

/// What to ingest: the files read since the base corpus, and what is gone.
#[derive(Default)]
pub struct Changes {
    /// Documents (and the template) that are new or whose content changed, in any order.
    pub docs: Vec<SourceFile>,
    /// More of them, parsed by the caller already ([`parse_documents`]): a whole build reads
    /// and parses the tree a slice at a time, so its text is never all in memory at once.
    pub parsed: Vec<Document>,
    /// Referrers that are new or whose content changed, in any order.
    pub referrers: Vec<SourceFile>,
    /// Documents or referrers that are gone (paths the base corpus does not hold are ignored).
    pub removed: Vec<String>,
    /// Files that are neither documents nor referrers (link targets) may have changed: every
    /// link is resolved again.
    pub others_changed: bool,
    /// The documents of the base (by id) with a link to one of `docs`, when the caller
    /// knows them (a live workspace asks its graph); otherwise every link is looked at.
    pub linked_from: Option<Vec<DocId>>,
    /// What to keep of the documents parsed: everything, or not their text when no full-text
    /// index will be built from them ([`Keep::Graph`]).
    pub keep: Keep,
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
    /// Whether every link was resolved again (other files changed, or the base was empty);
    /// otherwise only the links the change can reach.
    pub resolved_all: bool,
    /// Whether the set of documents is the base's (ids kept: nothing added or removed).
    pub same_docs: bool,
    /// The documents (ids in the new corpus) whose links were resolved again, sorted.
    pub resolved: Vec<DocId>,
    /// How many documents had their links resolved again.
    pub resolved_docs: usize,
    /// The links as they were of every document of the base whose links were resolved
    /// again, that was replaced or that is gone (not the template): what a caller compares
    /// against to tell what changed.
    pub previous: Vec<Previous>,
}

/// A document's links before an ingest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Previous {
    pub path: String,
    pub links: Vec<Link>,
    /// The path of each link's target document (`to_doc`, which named an id of the base).
    pub targets: Vec<Option<String>>,
}

impl Previous {
    fn of(doc: &Document, path_of: impl Fn(DocId) -> String) -> Previous {
        Previous {
            path: doc.path.clone(),
            targets: doc.links.iter().map(|l| l.to_doc.map(&path_of)).collect(),
            links: doc.links.clone(),
        }
    }
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
        parsed: parsed_before,
        referrers: referrer_files,
        removed,
        others_changed,
        linked_from,
        keep,
    } = changes;
    let root = base.root.clone();
    let mut parsed = parse_documents(&root, files, config, keep);
    parsed.extend(parsed_before);
    // A referrer keeps only its links.
    let fresh_referrers = parse_capped(referrer_files, config, Keep::Graph, Referrer::new);

    // The base's documents are sorted by path: ids are found by binary search.
    let old_id = |p: &str| base.docs.binary_search_by(|d| d.path.as_str().cmp(p)).ok();
    let is_template = |p: &str| base.template.as_ref().is_some_and(|t| t.path == p);
    let had = |p: &str| old_id(p).is_some() || is_template(p);
    let mut out = Ingested::default();
    for d in &parsed {
        if had(&d.path) {
            out.changed.push(d.path.clone());
        } else {
            out.added.push(d.path.clone());
        }
    }
    let replaced: HashSet<&str> = parsed.iter().map(|d| d.path.as_str()).collect();
    out.removed = removed
        .iter()
        .filter(|p| had(p) && !replaced.contains(p.as_str()))
        .cloned()
        .collect();
    out.added.sort();
    out.changed.sort();
    out.removed.sort();
    out.removed.dedup();
    let gone: HashSet<&str> = out.removed.iter().map(String::as_str).collect();
    let base_empty = base.docs.is_empty() && base.template.is_none();
    out.same_docs = !base_empty && out.added.is_empty() && out.removed.is_empty();

    // Links of the base's documents that are replaced or gone, as they were.
    let path_of = |t: DocId| base.docs[t].path.clone();
    for p in out.changed.iter().chain(&out.removed) {
        if let Some(id) = old_id(p) {
            out.previous.push(Previous::of(&base.docs[id], path_of));
        }
    }
    let old_paths: Vec<String> = match out.same_docs {
        true => Vec::new(),
        false => base.docs.iter().map(|d| d.path.clone()).collect(),
    };
    let referrers_moved =
        !fresh_referrers.is_empty() || base.referrers.iter().any(|r| removed.contains(&r.path));
    let gone_referrers: HashSet<&str> = removed.iter().map(String::as_str).collect();
    let fresh_paths: HashSet<String> = fresh_referrers.iter().map(|r| r.path.clone()).collect();

    let mut corpus = if out.same_docs {
        // The same documents: replace the changed ones where they are (ids and the path
        // index stay).
        let mut corpus = base;
        for d in parsed {
            let at = corpus.docs.binary_search_by(|o| o.path.cmp(&d.path)).ok();
            match at {
                Some(id) => corpus.docs[id] = d,
                None => corpus.template = Some(d),
            }
        }
        let mut warnings = warnings;
        warnings.sort_by(|a, b| a.path.cmp(&b.path));
        corpus.warnings = warnings;
        corpus
    } else {
        let Corpus {
            docs: old_docs,
            template,
            referrers,
            ..
        } = base;
        let mut docs: Vec<Document> = old_docs
            .into_iter()
            .chain(template)
            .filter(|d| !gone.contains(d.path.as_str()) && !replaced.contains(d.path.as_str()))
            .collect();
        docs.extend(parsed);
        let mut corpus = Corpus::from_documents(&root, docs, warnings);
        corpus.referrers = referrers;
        corpus
    };
    corpus
        .referrers
        .retain(|r| !gone_referrers.contains(r.path.as_str()) && !fresh_paths.contains(&r.path));
    corpus.referrers.extend(fresh_referrers);
    corpus.referrers.sort_by(|a, b| a.path.cmp(&b.path));

    out.resolved_all = others_changed || base_empty;
    // Sorted id lists, looked up by binary search (hashing every document's ids costs more).
    let mut fresh_ids: Vec<DocId> = out
        .added
        .iter()
        .chain(&out.changed)
        .filter_map(|p| corpus.doc_id(p))
        .collect();
    fresh_ids.sort_unstable();
    fresh_ids.dedup();
    let fresh = |id: &DocId| fresh_ids.binary_search(id).is_ok();
    if out.resolved_all {
        // Link targets outside the corpus changed, or nothing was there: resolve everything.
        if !base_empty {
            let path_of = |t: DocId| match out.same_docs {
                true => corpus.docs[t].path.clone(),
                false => old_paths[t].clone(),
            };
            let previous: Vec<Previous> = (0..corpus.docs.len())
                .filter(|id| !fresh(id))
                .map(|id| Previous::of(&corpus.docs[id], path_of))
                .collect();
            out.previous.extend(previous);
        }
        corpus.resolve_links(view);
        out.resolved = (0..corpus.docs.len()).collect();
    } else {
        // Links into a changed document point at it by id (of the base); links that may
        // reach an added or removed one are found by path.
        let keys = match out.same_docs {
            true => HashSet::new(),
            false => affected(&out),
        };
        let mut old_changed: Vec<DocId> = out
            .changed
            .iter()
            .filter_map(|p| match out.same_docs {
                true => corpus.doc_id(p),
                false => old_paths.binary_search(p).ok(),
            })
            .collect();
        old_changed.sort_unstable();
        out.resolved = match linked_from.filter(|_| out.same_docs) {
            Some(mut ids) => {
                ids.extend(fresh_ids.iter().copied());
                ids.sort_unstable();
                ids.dedup();
                ids
            }
            None => (0..corpus.docs.len())
                .into_par_iter()
                .filter(|id| {
                    fresh(id)
                        || corpus.doc(*id).links.iter().any(|l| {
                            l.to_doc
                                .is_some_and(|t| old_changed.binary_search(&t).is_ok())
                                || (!out.same_docs
                                    && l.resolved.as_deref().is_some_and(|r| keys.contains(r)))
                        })
                })
                .collect(),
        };
        let path_of = |t: DocId| match out.same_docs {
            true => corpus.docs[t].path.clone(),
            false => old_paths[t].clone(),
        };
        let previous: Vec<Previous> = out
            .resolved
            .iter()
            .filter(|id| !fresh(id))
            .map(|&id| Previous::of(&corpus.docs[id], path_of))
            .collect();
        out.previous.extend(previous);
        if !out.same_docs {
            renumber(&mut corpus, &old_paths);
        }
        corpus.resolve_links_of(&out.resolved, view);
        if referrers_moved || !out.same_docs || !out.changed.is_empty() {
            // Edges from referrers depend on documents' anchors, and are cheap to redo.
            corpus.resolve_referrers(view);
        }
    }
    out.resolved_docs = out.resolved.len();
    out.previous.sort_by(|a, b| a.path.cmp(&b.path));
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

/// Parses documents (files under the docs root `root`) in bounded batches, links capped,
/// keeping what `keep` asks: what [`ingest`] does with [`Changes::docs`], for a caller that
/// hands them over parsed ([`Changes::parsed`]).
pub fn parse_documents(
    root: &str,
    files: Vec<SourceFile>,
    config: &Config,
    keep: Keep,
) -> Vec<Document> {
    parse_capped(files, config, keep, |path, parsed| {
        Document::new(root, path, parsed, &config.links.site)
    })
}

/// Parses files in bounded batches (see [`map_in_batches`]), links capped, each made into a
/// document or a referrer by `make`.
fn parse_capped<T: Send>(
    files: Vec<SourceFile>,
    config: &Config,
    keep: Keep,
    make: impl Fn(String, ParsedDoc) -> T + Sync + Send,
) -> Vec<T> {
    map_in_batches(
        files,
        |f| f.text.len(),
        |f| {
            let mut parsed = parse::parse_keeping(&f.text, &config.links, keep);
            cap_links(&mut parsed, config.limits.max_links_per_file);
            make(f.path, parsed)
        },
    )
}
