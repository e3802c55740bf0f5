//! The `stats` summary: counts over the corpus and the graph.

use std::collections::BTreeMap;

use serde::Serialize;

use super::{DocGraph, LinkFilter};
use crate::corpus::{BrokenReason, Corpus, DocKind, LinkKind};

/// Whole-tree counts. Keys are stable: scripts read them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Stats {
    /// Every document (the template is not one).
    pub documents: usize,
    /// Documents per category; root-level documents are under no key.
    pub by_category: BTreeMap<String, usize>,
    pub by_kind: BTreeMap<String, usize>,
    /// Link edges between two different documents, per kind, and `from_referrers`: edges
    /// from referrers into the documents.
    pub edges: BTreeMap<String, usize>,
    /// Broken links per reason (every reason present, zero or not).
    pub broken: BTreeMap<String, usize>,
    pub orphans: usize,
    /// Referrers read (Markdown files outside the docs root, `[links] referrers`).
    pub referrers: usize,
    /// The site dialect the tree is read in (`github`, `gitlab`, `mdbook`).
    pub dialect: String,
}

/// The `edges` key of the edges from referrers.
pub const FROM_REFERRERS: &str = "from_referrers";

impl Stats {
    pub fn compute(corpus: &Corpus, graph: &DocGraph) -> Stats {
        let mut by_kind: BTreeMap<String, usize> = [DocKind::Topic, DocKind::Index, DocKind::Meta]
            .iter()
            .map(|k| (k.as_str().to_string(), 0))
            .collect();
        let mut edges: BTreeMap<String, usize> =
            [LinkKind::Related, LinkKind::Inline, LinkKind::Include]
                .iter()
                .map(|k| (k.as_str().to_string(), 0))
                .collect();
        let mut broken: BTreeMap<String, usize> = BrokenReason::ALL
            .iter()
            .map(|r| (r.as_str().to_string(), 0))
            .collect();
        for doc in &corpus.docs {
            *by_kind.entry(doc.kind.as_str().to_string()).or_insert(0) += 1;
            for link in &doc.links {
                if link.to_doc.is_some() {
                    *edges.entry(link.kind.as_str().to_string()).or_insert(0) += 1;
                }
                if let Some(reason) = link.broken_reason() {
                    *broken.entry(reason.as_str().to_string()).or_insert(0) += 1;
                }
            }
        }
        edges.insert(
            FROM_REFERRERS.to_string(),
            corpus.referrers.iter().map(|r| r.edges().count()).sum(),
        );
        Stats {
            referrers: corpus.referrers.len(),
            dialect: corpus.site.dialect.as_str().to_string(),
            documents: corpus.docs.len(),
            by_category: corpus.docs_by_category(),
            by_kind,
            edges,
            broken,
            orphans: graph.orphans(corpus, LinkFilter::Any).len(),
        }
    }
}
