//! [`ExportGraph`] → Graphviz DOT, built with graphviz-rust's model and printed by its printer.
//!
//! Every id and every text value is a quoted, escaped string ([`quoted`]), so no title can end
//! a string early, add an attribute or trigger one of Graphviz's `\N`-style label escapes.

use std::collections::BTreeMap;

use graphviz_rust::dot_structures::{
    Attribute, Edge, EdgeTy, Graph, GraphAttributes, Id, Node, NodeId, Stmt, Subgraph, Vertex,
};
use graphviz_rust::printer::{DotPrinter, PrinterContext};

use super::{BROKEN_COLOUR, BROKEN_FILL, EdgeKind, ExportGraph, GraphNode, Level, NodeKind};
use crate::corpus::DocKind;

/// Above this many nodes a document graph gets wider ranks and tighter rows.
const LARGE: usize = 80;

/// The DOT text of `graph`, ending with a newline.
pub fn render(graph: &ExportGraph) -> String {
    let mut text = to_graph(graph).print(&mut PrinterContext::default());
    text.push('\n');
    text
}

/// A DOT string literal for `text`: `\` and `"` escaped, a newline as Graphviz's `\n` line
/// break, other control characters dropped (a tab becomes a space).
pub fn quoted(text: &str) -> Id {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\t' => out.push(' '),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out.push('"');
    Id::Escaped(out)
}

fn attr(name: &str, value: &str) -> Attribute {
    Attribute(Id::Plain(name.to_string()), quoted(value))
}

fn node_id(id: &str) -> NodeId {
    NodeId(quoted(id), None)
}

/// The graphviz-rust model of `graph`.
pub fn to_graph(graph: &ExportGraph) -> Graph {
    let mut stmts = vec![
        Stmt::GAttribute(GraphAttributes::Graph(graph_attributes(graph))),
        Stmt::GAttribute(GraphAttributes::Node(vec![
            attr("shape", "box"),
            attr("style", "rounded,filled"),
            attr("fillcolor", "#ffffff"),
            attr("fontname", "Helvetica"),
            attr("fontsize", "10"),
        ])),
        Stmt::GAttribute(GraphAttributes::Edge(vec![
            attr("color", "#555555"),
            attr("arrowsize", "0.7"),
            attr("fontname", "Helvetica"),
            attr("fontsize", "10"),
        ])),
    ];
    stmts.extend(clustered_nodes(graph));
    let max = graph.edges.iter().map(|e| e.count).max().unwrap_or(1);
    let labels: BTreeMap<&str, &str> = graph
        .nodes
        .iter()
        .map(|n| (n.id.as_str(), n.label.lines().next().unwrap_or("")))
        .collect();
    for e in &graph.edges {
        let mut attrs = Vec::new();
        let from = labels.get(e.source.as_str()).copied().unwrap_or("");
        let to = labels.get(e.target.as_str()).copied().unwrap_or("");
        match e.kind {
            EdgeKind::Links => {
                attrs.push(attr("label", &e.count.to_string()));
                attrs.push(attr("penwidth", &pen_width(e.count, max)));
                attrs.push(attr(
                    "tooltip",
                    &format!("{from} → {to}: {}", links(e.count, "")),
                ));
            }
            EdgeKind::Related | EdgeKind::Inline | EdgeKind::Include => {
                let (style, word) = match e.kind {
                    EdgeKind::Related => ("solid", "related "),
                    EdgeKind::Include => ("dotted", "include "),
                    _ => ("dashed", "inline "),
                };
                attrs.push(attr("style", style));
                if e.broken {
                    attrs.push(attr("color", BROKEN_COLOUR));
                }
                if e.count > 1 {
                    attrs.push(attr("penwidth", &pen_width(e.count.min(4), 4)));
                }
                let what = if e.broken {
                    links(e.count, &format!("broken {word}"))
                } else {
                    links(e.count, word)
                };
                attrs.push(attr("tooltip", &format!("{from} → {to}: {what}")));
            }
        }
        stmts.push(Stmt::Edge(Edge {
            ty: EdgeTy::Pair(Vertex::N(node_id(&e.source)), Vertex::N(node_id(&e.target))),
            attributes: attrs,
        }));
    }
    Graph::DiGraph {
        id: quoted("atomdoc"),
        strict: false,
        stmts,
    }
}

fn links(n: usize, kind: &str) -> String {
    if n == 1 {
        format!("1 {kind}link")
    } else {
        format!("{n} {kind}links")
    }
}

/// Pen width 1–5, in proportion to `count` out of `max`; one decimal, so the text is stable.
fn pen_width(count: usize, max: usize) -> String {
    let w = 1.0 + 4.0 * count as f64 / max.max(1) as f64;
    format!("{w:.1}")
}

fn graph_attributes(graph: &ExportGraph) -> Vec<Attribute> {
    let mut attrs = vec![
        attr("rankdir", "LR"),
        attr("newrank", "true"),
        attr("fontname", "Helvetica"),
        attr("fontsize", "10"),
        attr("labelloc", "b"),
    ];
    let legend = match graph.level {
        Level::Doc => {
            "solid arrow: Related Documents link · dashed arrow: inline link · \
             dashed border: orphan (nothing links to it) · red: broken link"
        }
        Level::Subcategory => {
            "one box per subcategory · arrow label: links from one group's documents to the other's"
        }
        Level::Category => {
            "one box per category · arrow label: links from one category's documents to the other's"
        }
    };
    attrs.push(attr("label", legend));
    // No `concentrate`: with clusters it crashes Graphviz 2.43 (the version Debian and Ubuntu
    // ship) on real trees, and at the aggregated levels it would merge A→B with B→A and lose
    // a count. Large document graphs get a looser layout instead.
    if graph.level == Level::Doc && graph.nodes.len() > LARGE {
        attrs.push(attr("ranksep", "1.2"));
        attrs.push(attr("nodesep", "0.15"));
    }
    attrs
}

/// Node statements, wrapped in one cluster per category (and, at document level, one nested
/// cluster per subcategory); nodes without a category come last, outside any cluster.
fn clustered_nodes(graph: &ExportGraph) -> Vec<Stmt> {
    let (tree, loose) = graph.clusters();
    let mut stmts = Vec::new();
    for (category, subs) in tree {
        let colour = subs
            .values()
            .flatten()
            .find_map(|n| n.colour)
            .unwrap_or("#999999");
        let mut inner = vec![
            Stmt::Attribute(attr("label", category)),
            Stmt::Attribute(attr("tooltip", &format!("category {category}"))),
            Stmt::Attribute(attr("labelloc", "t")),
            Stmt::Attribute(attr("style", "rounded,filled")),
            Stmt::Attribute(attr("color", "#888888")),
            Stmt::Attribute(attr("fillcolor", &format!("{colour}40"))),
        ];
        for (sub, nodes) in subs {
            let stmts = nodes.into_iter().map(node_stmt);
            if sub.is_empty() {
                inner.extend(stmts);
            } else {
                let mut sub_stmts = vec![
                    Stmt::Attribute(attr("label", sub)),
                    Stmt::Attribute(attr("tooltip", &format!("subcategory {category}/{sub}"))),
                    Stmt::Attribute(attr("labelloc", "t")),
                    Stmt::Attribute(attr("style", "rounded,dashed")),
                    Stmt::Attribute(attr("color", "#888888")),
                ];
                sub_stmts.extend(stmts);
                inner.push(Stmt::Subgraph(Subgraph {
                    id: quoted(&format!("cluster_s:{category}/{sub}")),
                    stmts: sub_stmts,
                }));
            }
        }
        stmts.push(Stmt::Subgraph(Subgraph {
            id: quoted(&format!("cluster_c:{category}")),
            stmts: inner,
        }));
    }
    stmts.extend(loose.into_iter().map(node_stmt));
    stmts
}

fn node_stmt(n: &GraphNode) -> Stmt {
    let mut attrs = vec![attr("label", &n.label), attr("tooltip", &n.tooltip)];
    match n.kind {
        NodeKind::Broken => {
            attrs.push(attr("style", "filled,dashed"));
            attrs.push(attr("color", BROKEN_COLOUR));
            attrs.push(attr("fontcolor", BROKEN_COLOUR));
            attrs.push(attr("fillcolor", BROKEN_FILL));
        }
        _ => {
            let shape = match n.doc_kind {
                Some(DocKind::Index) => Some("folder"),
                Some(DocKind::Meta) => Some("note"),
                _ => None,
            };
            let mut style = vec![if shape.is_some() {
                "filled"
            } else {
                "rounded,filled"
            }];
            if let Some(shape) = shape {
                attrs.push(attr("shape", shape));
            }
            if n.orphan {
                style.push("dashed");
            }
            if n.focus {
                style.push("bold");
                attrs.push(attr("penwidth", "3"));
            } else if n.orphan {
                attrs.push(attr("penwidth", "2"));
            }
            attrs.push(attr("style", &style.join(",")));
            if let Some(colour) = n.colour {
                attrs.push(attr("fillcolor", colour));
            }
        }
    }
    Stmt::Node(Node {
        id: node_id(&n.id),
        attributes: attrs,
    })
}
