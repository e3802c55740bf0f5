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
    /// Counted per document into fixed arrays (no string-keyed map per link), orphans from
    /// the graph; the `stats` command, the REPL's and the `stats` query all use it.
    pub fn compute(corpus: &Corpus, graph: &DocGraph) -> Stats {
        const KINDS: [DocKind; 3] = [DocKind::Topic, DocKind::Index, DocKind::Meta];
        const LINKS: [LinkKind; 3] = [LinkKind::Related, LinkKind::Inline, LinkKind::Include];
        let mut kinds = [0usize; KINDS.len()];
        let mut edges = [0usize; LINKS.len()];
        let mut broken = [0usize; BrokenReason::ALL.len()];
        for doc in &corpus.docs {
            if let Some(i) = KINDS.iter().position(|&k| k == doc.kind) {
                kinds[i] += 1;
            }
            for link in &doc.links {
                if link.to_doc.is_some()
                    && let Some(i) = LINKS.iter().position(|&k| k == link.kind)
                {
                    edges[i] += 1;
                }
                if let Some(r) = link.broken_reason()
                    && let Some(i) = BrokenReason::ALL.iter().position(|&x| x == r)
                {
                    broken[i] += 1;
                }
            }
        }
        let named = |names: &mut dyn Iterator<Item = &str>, counts: &[usize]| {
            names
                .zip(counts.iter().copied())
                .map(|(k, v)| (k.to_string(), v))
                .collect::<BTreeMap<String, usize>>()
        };
        let mut edges = named(&mut LINKS.iter().map(|k| k.as_str()), &edges);
        edges.insert(
            FROM_REFERRERS.to_string(),
            corpus.referrers.iter().map(|r| r.edges().count()).sum(),
        );
        Stats {
            referrers: corpus.referrers.len(),
            dialect: corpus.site.dialect.as_str().to_string(),
            documents: corpus.docs.len(),
            by_category: corpus.docs_by_category(),
            by_kind: named(&mut KINDS.iter().map(|k| k.as_str()), &kinds),
            edges,
            broken: named(&mut BrokenReason::ALL.iter().map(|r| r.as_str()), &broken),
            orphans: graph.orphans(corpus, LinkFilter::Any).len(),
        }
    }
}
