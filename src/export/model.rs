//! The format-neutral graph a drawing is made of: nodes with labels, colours and roles, and
//! edges with a kind and a count. Built from a [`Selection`] at one [`Level`].

use std::collections::BTreeMap;

use serde::Serialize;

use crate::corpus::{BrokenReason, Corpus, DocId, DocKind, Link, LinkKind, strip_root};
use crate::graph::{DocGraph, LinkFilter};

use super::{
    AUTO_CATEGORY_THRESHOLD, ExportError, Kinds, Level, Options, PALETTE, Selection, select,
};

/// What a node stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum NodeKind {
    Document,
    Subcategory,
    Category,
    /// The documents directly under the docs root (no category), at an aggregated level.
    Root,
    /// The missing target of one or more broken links.
    Broken,
}

/// What an edge stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum EdgeKind {
    Related,
    Inline,
    /// An mdBook `{{#include}}`: the target is pasted into the source page.
    Include,
    /// Links of any kind between two groups of documents (subcategory and category level).
    Links,
}

impl From<LinkKind> for EdgeKind {
    fn from(kind: LinkKind) -> Self {
        match kind {
            LinkKind::Related => EdgeKind::Related,
            LinkKind::Inline => EdgeKind::Inline,
            LinkKind::Include => EdgeKind::Include,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GraphNode {
    /// Stable id: the repo-relative path of a document, `category:NAME`,
    /// `subcategory:CATEGORY/NAME` (`subcategory:CATEGORY` for a category's own top-level
    /// documents), `root`, or `broken:TARGET`.
    pub id: String,
    pub kind: NodeKind,
    pub label: String,
    /// Hover text: the path of a document, a summary for a group, the reason for a broken link.
    pub tooltip: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subcategory: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub doc_kind: Option<DocKind>,
    /// A topic nothing links to (in the whole tree, not only in the drawing).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub orphan: bool,
    /// The document a neighbourhood is drawn around.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub focus: bool,
    /// Documents this node stands for (1 for a document, 0 for a broken target).
    pub documents: usize,
    /// Drawn links between documents of this group (aggregated levels only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub internal_links: Option<usize>,
    /// Broken links from the documents of this group (aggregated levels only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub broken_links: Option<usize>,
    /// Fill colour (the category's colour from [`PALETTE`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub colour: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<BrokenReason>,
}

impl GraphNode {
    fn new(id: String, kind: NodeKind, label: String, tooltip: String) -> GraphNode {
        GraphNode {
            id,
            kind,
            label,
            tooltip,
            path: None,
            category: None,
            subcategory: None,
            doc_kind: None,
            orphan: false,
            focus: false,
            documents: 0,
            internal_links: None,
            broken_links: None,
            colour: None,
            reason: None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct GraphEdge {
    pub source: String,
    pub target: String,
    pub kind: EdgeKind,
    /// The edge leads to a broken link's placeholder node.
    pub broken: bool,
    /// Link occurrences this edge stands for.
    pub count: usize,
}

/// A graph ready to print: nodes sorted by id, edges by (source, target, kind).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExportGraph {
    pub level: Level,
    pub nodes: Vec<GraphNode>,
    pub edges: Vec<GraphEdge>,
    /// Set when the level was switched to `category` because the selection had this many
    /// documents (more than [`AUTO_CATEGORY_THRESHOLD`]).
    #[serde(skip)]
    pub switched_from: Option<usize>,
}

impl Serialize for Level {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// Which links a drawing shows.
#[derive(Debug, Clone)]
pub enum EdgeSource {
    /// Every link (of the selected kinds) from a selected document to a selected document,
    /// and every broken link from a selected document.
    Induced,
    /// Exactly these links, as (document, index into its `links`); their ends are drawn
    /// along with the selection.
    Links(Vec<(DocId, usize)>),
}

/// Selects, then builds the graph for `options`.
pub fn build(
    corpus: &Corpus,
    graph: &DocGraph,
    options: &Options,
) -> Result<ExportGraph, ExportError> {
    let selection = select(corpus, graph, options)?;
    Ok(build_from(
        corpus,
        graph,
        &selection,
        &EdgeSource::Induced,
        options.level,
        options.kinds,
    ))
}

/// Builds the graph of a selection. `level: None` draws documents unless there are more than
/// [`AUTO_CATEGORY_THRESHOLD`] of them, then categories.
pub fn build_from(
    corpus: &Corpus,
    graph: &DocGraph,
    selection: &Selection,
    edges: &EdgeSource,
    level: Option<Level>,
    kinds: Kinds,
) -> ExportGraph {
    let mut selection = selection.clone();
    if let EdgeSource::Links(links) = edges {
        let mut docs = selection.docs.clone();
        for &(doc, i) in links {
            docs.push(doc);
            docs.extend(corpus.doc(doc).links.get(i).and_then(|l| l.to_doc));
        }
        selection = Selection {
            focus: selection.focus.clone(),
            ..Selection::of(docs)
        };
    }
    let links = drawn_links(corpus, &selection, edges, kinds);
    let (level, switched_from) = match level {
        Some(level) => (level, None),
        None if selection.docs.len() > AUTO_CATEGORY_THRESHOLD => {
            (Level::Category, Some(selection.docs.len()))
        }
        None => (Level::Doc, None),
    };
    let colours = Colours::new(corpus);
    let mut out = match level {
        Level::Doc => doc_level(corpus, graph, &selection, &links, &colours),
        Level::Subcategory | Level::Category => {
            grouped_level(corpus, &selection, &links, &colours, level)
        }
    };
    out.switched_from = switched_from;
    out.nodes.sort_by(|a, b| a.id.cmp(&b.id));
    out.edges.sort();
    out
}

/// The links drawn, as (source document, link), in path then line order.
fn drawn_links<'c>(
    corpus: &'c Corpus,
    selection: &Selection,
    edges: &EdgeSource,
    kinds: Kinds,
) -> Vec<(DocId, &'c Link)> {
    match edges {
        EdgeSource::Induced => selection
            .docs
            .iter()
            .flat_map(|&d| corpus.doc(d).links.iter().map(move |l| (d, l)))
            .filter(|(_, l)| kinds.accepts(l.kind))
            .filter(|(_, l)| match l.to_doc {
                Some(to) => selection.contains(to),
                None => l.broken_reason().is_some(),
            })
            .collect(),
        EdgeSource::Links(list) => {
            let mut list = list.clone();
            list.sort_unstable();
            list.dedup();
            list.into_iter()
                .filter_map(|(d, i)| Some((d, corpus.doc(d).links.get(i)?)))
                .filter(|(_, l)| l.to_doc.is_some() || l.broken_reason().is_some())
                .collect()
        }
    }
}

/// A category's colour: its position among all categories of the tree, modulo the palette.
struct Colours(BTreeMap<String, &'static str>);

impl Colours {
    fn new(corpus: &Corpus) -> Colours {
        Colours(
            corpus
                .categories()
                .into_iter()
                .enumerate()
                .map(|(i, c)| (c.to_string(), PALETTE[i % PALETTE.len()]))
                .collect(),
        )
    }

    fn of(&self, category: Option<&str>) -> Option<&'static str> {
        category.and_then(|c| self.0.get(c).copied())
    }
}

fn doc_level(
    corpus: &Corpus,
    graph: &DocGraph,
    selection: &Selection,
    links: &[(DocId, &Link)],
    colours: &Colours,
) -> ExportGraph {
    let mut nodes: Vec<GraphNode> = selection
        .docs
        .iter()
        .map(|&id| {
            let doc = corpus.doc(id);
            let orphan = graph.is_orphan(corpus, id, LinkFilter::Any);
            let tooltip = if orphan {
                format!(
                    "{} (orphan: nothing in the repository links here)",
                    doc.path
                )
            } else {
                doc.path.clone()
            };
            GraphNode {
                path: Some(doc.path.clone()),
                category: doc.category.clone(),
                subcategory: doc.subcategory.clone(),
                doc_kind: Some(doc.kind),
                orphan,
                focus: selection.focus.contains(&id),
                documents: 1,
                colour: colours.of(doc.category.as_deref()),
                ..GraphNode::new(
                    doc.path.clone(),
                    NodeKind::Document,
                    doc.display_title().to_string(),
                    tooltip,
                )
            }
        })
        .collect();
    let mut broken: BTreeMap<String, GraphNode> = BTreeMap::new();
    let mut counts: BTreeMap<(String, String, EdgeKind, bool), usize> = BTreeMap::new();
    for &(from, link) in links {
        let source = corpus.doc(from).path.clone();
        let (target, is_broken) = match (link.to_doc, link.broken_reason()) {
            (Some(to), _) => (corpus.doc(to).path.clone(), false),
            (None, Some(reason)) => {
                let target = broken_target(link, reason);
                let id = format!("broken:{target}");
                broken.entry(id.clone()).or_insert_with(|| GraphNode {
                    reason: Some(reason),
                    ..GraphNode::new(
                        id.clone(),
                        NodeKind::Broken,
                        strip_root(&corpus.root, &target).to_string(),
                        format!("broken link ({}): {target}", reason.as_str()),
                    )
                });
                (id, true)
            }
            (None, None) => continue,
        };
        *counts
            .entry((source, target, link.kind.into(), is_broken))
            .or_insert(0) += 1;
    }
    nodes.extend(broken.into_values());
    ExportGraph {
        level: Level::Doc,
        nodes,
        edges: counts
            .into_iter()
            .map(|((source, target, kind, broken), count)| GraphEdge {
                source,
                target,
                kind,
                broken,
                count,
            })
            .collect(),
        switched_from: None,
    }
}

/// What a broken link's placeholder is called: the resolved path when there is one (so links
/// written differently to the same missing file share a node), with the fragment for a missing
/// anchor; the target as written otherwise.
fn broken_target(link: &Link, reason: BrokenReason) -> String {
    match (reason, &link.resolved, &link.fragment) {
        (BrokenReason::Anchor, Some(path), Some(fragment)) => format!("{path}#{fragment}"),
        (BrokenReason::Missing | BrokenReason::Anchor, Some(path), _) => path.clone(),
        _ => link.target.clone(),
    }
}

/// A group of documents at an aggregated level: (id, kind, label, category, subcategory).
fn group_of(
    corpus: &Corpus,
    doc: DocId,
    level: Level,
) -> (String, NodeKind, String, Option<String>, Option<String>) {
    let d = corpus.doc(doc);
    match (&d.category, &d.subcategory, level) {
        (None, _, _) => (
            "root".into(),
            NodeKind::Root,
            "(docs root)".into(),
            None,
            None,
        ),
        (Some(c), Some(s), Level::Subcategory) => (
            format!("subcategory:{c}/{s}"),
            NodeKind::Subcategory,
            s.clone(),
            Some(c.clone()),
            Some(s.clone()),
        ),
        (Some(c), None, Level::Subcategory) => (
            format!("subcategory:{c}"),
            NodeKind::Subcategory,
            format!("{c} (top level)"),
            Some(c.clone()),
            None,
        ),
        (Some(c), _, _) => (
            format!("category:{c}"),
            NodeKind::Category,
            c.clone(),
            Some(c.clone()),
            None,
        ),
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn grouped_level(
    corpus: &Corpus,
    selection: &Selection,
    links: &[(DocId, &Link)],
    colours: &Colours,
    level: Level,
) -> ExportGraph {
    let mut groups: BTreeMap<String, GraphNode> = BTreeMap::new();
    let mut group_of_doc: BTreeMap<DocId, String> = BTreeMap::new();
    for &d in &selection.docs {
        let (id, kind, label, category, subcategory) = group_of(corpus, d, level);
        let node = groups.entry(id.clone()).or_insert_with(|| GraphNode {
            colour: colours.of(category.as_deref()),
            category,
            subcategory,
            internal_links: Some(0),
            broken_links: Some(0),
            ..GraphNode::new(id.clone(), kind, label, String::new())
        });
        node.documents += 1;
        if selection.focus.contains(&d) {
            node.focus = true;
        }
        group_of_doc.insert(d, id);
    }
    let mut counts: BTreeMap<(String, String), usize> = BTreeMap::new();
    for &(from, link) in links {
        let source = &group_of_doc[&from];
        match link.to_doc.and_then(|to| group_of_doc.get(&to)) {
            Some(target) if target == source => {
                if let Some(n) = groups
                    .get_mut(source)
                    .and_then(|g| g.internal_links.as_mut())
                {
                    *n += 1;
                }
            }
            Some(target) => *counts.entry((source.clone(), target.clone())).or_insert(0) += 1,
            None => {
                if let Some(n) = groups.get_mut(source).and_then(|g| g.broken_links.as_mut()) {
                    *n += 1;
                }
            }
        }
    }
    for node in groups.values_mut() {
        node.label = format!(
            "{}\n{}",
            node.label,
            plural(node.documents, "document", "documents")
        );
        node.tooltip = format!(
            "{}, {} inside, {}",
            plural(node.documents, "document", "documents"),
            plural(node.internal_links.unwrap_or(0), "link", "links"),
            plural(
                node.broken_links.unwrap_or(0),
                "broken link",
                "broken links"
            ),
        );
    }
    ExportGraph {
        level,
        nodes: groups.into_values().collect(),
        edges: counts
            .into_iter()
            .map(|((source, target), count)| GraphEdge {
                source,
                target,
                kind: EdgeKind::Links,
                broken: false,
                count,
            })
            .collect(),
        switched_from: None,
    }
}

/// Nodes by category, then subcategory (`""` for none), in a stable order; and the nodes
/// with no category. How the printers nest their clusters.
pub type Clusters<'a> = (
    BTreeMap<&'a str, BTreeMap<&'a str, Vec<&'a GraphNode>>>,
    Vec<&'a GraphNode>,
);

impl ExportGraph {
    /// The nodes grouped for clusters (see [`Clusters`]).
    pub fn clusters(&self) -> Clusters<'_> {
        let mut tree: BTreeMap<&str, BTreeMap<&str, Vec<&GraphNode>>> = BTreeMap::new();
        let mut loose = Vec::new();
        for n in &self.nodes {
            match (&n.category, n.kind) {
                (Some(c), NodeKind::Document) => tree
                    .entry(c)
                    .or_default()
                    .entry(n.subcategory.as_deref().unwrap_or(""))
                    .or_default()
                    .push(n),
                (Some(c), NodeKind::Subcategory) => {
                    tree.entry(c).or_default().entry("").or_default().push(n)
                }
                _ => loose.push(n),
            }
        }
        (tree, loose)
    }
}

/// A query answer that can be drawn (the CLI maps the query's rows onto it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Drawable {
    /// A document list: the documents and the links among them (the induced subgraph). The
    /// `focus` documents (a neighbourhood's centre) are drawn bold.
    Documents { docs: Vec<DocId>, focus: Vec<DocId> },
    /// A link list: exactly these links, as (document, index into its `links`), and their ends.
    Links(Vec<(DocId, usize)>),
    /// A path: its documents and, between each consecutive pair, the links that join them; the
    /// two ends are drawn bold.
    Path(Vec<DocId>),
}

impl Drawable {
    /// What a query answer draws as: documents (with a neighbourhood's centre in focus), links, or a path (empty when none was found). Search hits draw as documents;
    /// suggested links do not exist yet, so they draw as the documents they would join. A
    /// summary table (`categories`, `matrix`, `stats`) is not drawable: `None`.
    pub fn from_rows(rows: &crate::query::Rows) -> Option<Drawable> {
        use crate::query::Rows;
        let documents = |docs: Vec<DocId>| Drawable::Documents {
            docs,
            focus: Vec::new(),
        };
        Some(match rows {
            Rows::Documents(docs) => documents(docs.clone()),
            Rows::Scored(hits) => documents(hits.iter().map(|&(d, _)| d).collect()),
            Rows::Neighbors { of, near } => Drawable::Documents {
                docs: near.iter().map(|&(d, _)| d).collect(),
                focus: vec![*of],
            },
            Rows::Related(suggestions) => {
                let mut docs: Vec<DocId> = suggestions
                    .iter()
                    .flat_map(|s| [s.source, s.target])
                    .collect();
                docs.sort_unstable();
                docs.dedup();
                documents(docs)
            }
            // Drawings show documents: links from referrers (outside the docs root) are left
            // out.
            Rows::Links(links) => Drawable::Links(
                links
                    .iter()
                    .filter_map(|l| Some((l.source_doc()?, l.link)))
                    .collect(),
            ),
            Rows::Path { docs, .. } => Drawable::Path(docs.clone()),
            Rows::Table(_) => return None,
        })
    }
}

/// The drawing of a query answer (document level, every link kind): what `as dot`, `query
/// --format dot` and the REPL's `:export dot` print. `None` for a summary table.
pub fn draw_answer(
    corpus: &Corpus,
    graph: &DocGraph,
    rows: &crate::query::Rows,
) -> Option<ExportGraph> {
    let drawable = Drawable::from_rows(rows)?;
    Some(build_drawable(
        corpus,
        graph,
        &drawable,
        None,
        Kinds::default(),
    ))
}

/// Builds the graph of a query answer.
pub fn build_drawable(
    corpus: &Corpus,
    graph: &DocGraph,
    drawable: &Drawable,
    level: Option<Level>,
    kinds: Kinds,
) -> ExportGraph {
    let (selection, edges) = match drawable {
        Drawable::Documents { docs, focus } => {
            let mut selection = Selection::of(docs.iter().chain(focus).copied().collect());
            selection.focus = focus.clone();
            (selection, EdgeSource::Induced)
        }
        Drawable::Links(links) => (Selection::default(), EdgeSource::Links(links.clone())),
        Drawable::Path(docs) => {
            let mut links = Vec::new();
            for pair in docs.windows(2) {
                let (from, to) = (pair[0], pair[1]);
                links.extend(
                    corpus
                        .doc(from)
                        .links
                        .iter()
                        .enumerate()
                        .filter(|(_, l)| l.to_doc == Some(to) && kinds.accepts(l.kind))
                        .map(|(i, _)| (from, i)),
                );
            }
            let mut selection = Selection::of(docs.clone());
            selection.focus = [docs.first(), docs.last()]
                .into_iter()
                .flatten()
                .copied()
                .collect();
            (selection, EdgeSource::Links(links))
        }
    };
    build_from(corpus, graph, &selection, &edges, level, kinds)
}
