//! The document graph (petgraph): document, category and subcategory nodes; `related`,
//! `inline` and `contains` edges; and the questions asked of it (orphans, neighbours, paths).
//!
//! Pure: built from a [`Corpus`], never touches the filesystem.

pub mod stats;

use std::collections::{BTreeMap, HashMap, VecDeque};

use petgraph::Direction;
use petgraph::graph::{DiGraph, EdgeIndex, NodeIndex};
use petgraph::visit::EdgeRef;
use serde::Serialize;

use crate::corpus::{Corpus, DocId, DocKind, LinkKind};
pub use stats::Stats;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Node {
    Category(String),
    /// `category/subcategory`.
    Subcategory(String),
    Document(DocId),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum EdgeKind {
    Related,
    Inline,
    Include,
    Contains,
}

impl From<LinkKind> for EdgeKind {
    fn from(k: LinkKind) -> Self {
        match k {
            LinkKind::Related => EdgeKind::Related,
            LinkKind::Inline => EdgeKind::Inline,
            LinkKind::Include => EdgeKind::Include,
        }
    }
}

/// An edge: its kind and, for a link edge, which link of the source document made it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Edge {
    pub kind: EdgeKind,
    /// Index into the source document's `links`; `None` for `contains` edges.
    pub link: Option<usize>,
}

/// Which link edges a question follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LinkFilter {
    /// `related`, `inline` and `include`.
    #[default]
    Any,
    Related,
    Inline,
    Include,
}

impl LinkFilter {
    pub fn accepts(self, kind: EdgeKind) -> bool {
        match self {
            LinkFilter::Any => kind != EdgeKind::Contains,
            LinkFilter::Related => kind == EdgeKind::Related,
            LinkFilter::Inline => kind == EdgeKind::Inline,
            LinkFilter::Include => kind == EdgeKind::Include,
        }
    }
}

/// The graph as a question receives it: built by the first call, so a question that reads
/// only per-document counts (`orphans`, `docs where inlinks = 0`) never pays for building it.
pub type Lazy<'a> = &'a dyn Fn() -> &'a DocGraph;

/// A petgraph multigraph over the corpus: one link edge per link occurrence that joins two
/// different documents.
pub struct DocGraph {
    pub graph: DiGraph<Node, Edge>,
    doc_nodes: Vec<NodeIndex>,
    /// Incoming edges from referrers (Markdown files outside the docs root) per document:
    /// the kind of each. They count as incoming links, but referrers are not nodes: paths
    /// and neighbours stay within the documents.
    from_referrers: Vec<Vec<EdgeKind>>,
    categories: BTreeMap<String, NodeIndex>,
    subcategories: BTreeMap<String, NodeIndex>,
}

/// The kinds of the edges from referrers into each document.
fn from_referrers(corpus: &Corpus) -> Vec<Vec<EdgeKind>> {
    let mut out = vec![Vec::new(); corpus.docs.len()];
    for r in &corpus.referrers {
        for (_, link) in r.edges() {
            if let Some(to) = link.to_doc {
                out[to].push(link.kind.into());
            }
        }
    }
    out
}

impl DocGraph {
    pub fn build(corpus: &Corpus) -> DocGraph {
        let mut graph = DiGraph::with_capacity(corpus.docs.len() + 64, corpus.docs.len() * 8);
        let mut categories = BTreeMap::new();
        let mut subcategories = BTreeMap::new();
        let doc_nodes: Vec<NodeIndex> = (0..corpus.docs.len())
            .map(|id| graph.add_node(Node::Document(id)))
            .collect();
        for (id, doc) in corpus.docs.iter().enumerate() {
            let Some(cat) = &doc.category else { continue };
            let cat_node = *categories
                .entry(cat.clone())
                .or_insert_with(|| graph.add_node(Node::Category(cat.clone())));
            let parent = match &doc.subcategory {
                Some(sub) => {
                    let key = format!("{cat}/{sub}");
                    *subcategories.entry(key.clone()).or_insert_with(|| {
                        let n = graph.add_node(Node::Subcategory(key));
                        graph.add_edge(
                            cat_node,
                            n,
                            Edge {
                                kind: EdgeKind::Contains,
                                link: None,
                            },
                        );
                        n
                    })
                }
                None => cat_node,
            };
            graph.add_edge(
                parent,
                doc_nodes[id],
                Edge {
                    kind: EdgeKind::Contains,
                    link: None,
                },
            );
        }
        let mut built = DocGraph {
            graph,
            doc_nodes,
            from_referrers: from_referrers(corpus),
            categories,
            subcategories,
        };
        for id in 0..corpus.docs.len() {
            built.add_links(corpus, id);
        }
        built
    }

    /// Brings the graph up to date in place after the links of `docs` were resolved again,
    /// the set of documents unchanged (same ids, same categories): their outgoing link edges
    /// are replaced and the edges from referrers recounted. Work in proportion to the links
    /// of `docs` (and of the referrers); the result answers like [`DocGraph::build`] (edge
    /// order differs, and no question depends on it).
    pub fn relink(&mut self, corpus: &Corpus, docs: &[DocId]) {
        debug_assert_eq!(self.doc_nodes.len(), corpus.docs.len());
        let mut stale: Vec<EdgeIndex> = docs
            .iter()
            .flat_map(|&id| {
                self.graph
                    .edges_directed(self.doc_nodes[id], Direction::Outgoing)
                    .filter(|e| e.weight().kind != EdgeKind::Contains)
                    .map(|e| e.id())
            })
            .collect();
        // Removing an edge moves the last one into its slot: remove from the highest index
        // down, so the indices still to remove stay valid.
        stale.sort_unstable_by(|a, b| b.cmp(a));
        for e in stale {
            self.graph.remove_edge(e);
        }
        for &id in docs {
            self.add_links(corpus, id);
        }
        self.from_referrers = from_referrers(corpus);
    }

    fn add_links(&mut self, corpus: &Corpus, id: DocId) {
        for (i, link) in corpus.docs[id].links.iter().enumerate() {
            if let Some(to) = link.to_doc {
                self.graph.add_edge(
                    self.doc_nodes[id],
                    self.doc_nodes[to],
                    Edge {
                        kind: link.kind.into(),
                        link: Some(i),
                    },
                );
            }
        }
    }

    pub fn node(&self, doc: DocId) -> NodeIndex {
        self.doc_nodes[doc]
    }

    fn doc_of(&self, n: NodeIndex) -> Option<DocId> {
        match self.graph[n] {
            Node::Document(id) => Some(id),
            _ => None,
        }
    }

    /// Link edges touching `doc` in `dir`, as (other document, edge id).
    pub fn link_edges(
        &self,
        doc: DocId,
        dir: Direction,
        filter: LinkFilter,
    ) -> impl Iterator<Item = (DocId, EdgeIndex)> + '_ {
        self.graph
            .edges_directed(self.doc_nodes[doc], dir)
            .filter(move |e| filter.accepts(e.weight().kind))
            .filter_map(move |e| {
                let other = if dir == Direction::Incoming {
                    e.source()
                } else {
                    e.target()
                };
                Some((self.doc_of(other)?, e.id()))
            })
    }

    /// Number of incoming link edges: link occurrences from other documents and from
    /// referrers.
    pub fn inlinks(&self, doc: DocId, filter: LinkFilter) -> usize {
        let referred = self.from_referrers[doc]
            .iter()
            .filter(|&&k| filter.accepts(k))
            .count();
        self.root_inlinks(doc, filter) + referred
    }

    /// Number of incoming link edges from other documents only (the docs root's own view).
    pub fn root_inlinks(&self, doc: DocId, filter: LinkFilter) -> usize {
        self.link_edges(doc, Direction::Incoming, filter).count()
    }

    /// Number of outgoing link edges (to other documents).
    pub fn outlinks(&self, doc: DocId, filter: LinkFilter) -> usize {
        self.link_edges(doc, Direction::Outgoing, filter).count()
    }

    /// Distinct documents linked to or from `doc`, sorted.
    pub fn neighbours(&self, doc: DocId, dir: Direction, filter: LinkFilter) -> Vec<DocId> {
        let mut out: Vec<DocId> = self.link_edges(doc, dir, filter).map(|(d, _)| d).collect();
        out.sort_unstable();
        out.dedup();
        out
    }

    /// Whether `doc` is an orphan: a topic that nothing in the repository (no other document,
    /// no referrer) links to with a link of the filter's kinds.
    pub fn is_orphan(&self, corpus: &Corpus, doc: DocId, filter: LinkFilter) -> bool {
        corpus.doc(doc).kind == DocKind::Topic && self.inlinks(doc, filter) == 0
    }

    /// All orphans, in path order.
    pub fn orphans(&self, corpus: &Corpus, filter: LinkFilter) -> Vec<DocId> {
        (0..corpus.docs.len())
            .filter(|&d| self.is_orphan(corpus, d, filter))
            .collect()
    }

    /// Documents within `depth` link steps of `doc` in either direction, with their distance,
    /// sorted by distance then path (document ids are in path order). `doc` itself is excluded.
    pub fn within(&self, doc: DocId, depth: usize, filter: LinkFilter) -> Vec<(DocId, usize)> {
        let mut dist: HashMap<DocId, usize> = HashMap::from([(doc, 0)]);
        let mut queue = VecDeque::from([doc]);
        while let Some(d) = queue.pop_front() {
            let here = dist[&d];
            if here == depth {
                continue;
            }
            let mut next = self.neighbours(d, Direction::Outgoing, filter);
            next.extend(self.neighbours(d, Direction::Incoming, filter));
            for n in next {
                if let std::collections::hash_map::Entry::Vacant(e) = dist.entry(n) {
                    e.insert(here + 1);
                    queue.push_back(n);
                }
            }
        }
        let mut out: Vec<(DocId, usize)> = dist.into_iter().filter(|&(d, _)| d != doc).collect();
        out.sort_unstable_by_key(|&(d, k)| (k, d));
        out
    }

    /// The shortest path from `from` to `to` following link direction, as the list of
    /// documents including both ends: breadth-first, the out-neighbours of each document
    /// visited in path order (ties go to the path that comes first). It walks the
    /// documents' resolved links (the same edges the graph holds, without petgraph's
    /// indirection or hash maps), so it is a method here only to sit with the other graph
    /// questions.
    pub fn shortest_path(&self, corpus: &Corpus, from: DocId, to: DocId) -> Option<Vec<DocId>> {
        const UNSEEN: usize = usize::MAX;
        let mut prev = vec![UNSEEN; corpus.docs.len()];
        prev[from] = from;
        let mut queue = VecDeque::from([from]);
        let mut next: Vec<DocId> = Vec::new();
        while let Some(d) = queue.pop_front() {
            if d == to {
                let mut path = vec![to];
                let mut cur = to;
                while cur != from {
                    cur = prev[cur];
                    path.push(cur);
                }
                path.reverse();
                return Some(path);
            }
            next.clear();
            next.extend(corpus.docs[d].links.iter().filter_map(|l| l.to_doc));
            next.sort_unstable();
            next.dedup();
            for &n in &next {
                if prev[n] == UNSEEN {
                    prev[n] = d;
                    queue.push_back(n);
                }
            }
        }
        None
    }

    pub fn category_node(&self, name: &str) -> Option<NodeIndex> {
        self.categories.get(name).copied()
    }

    pub fn subcategory_node(&self, key: &str) -> Option<NodeIndex> {
        self.subcategories.get(key).copied()
    }
}
