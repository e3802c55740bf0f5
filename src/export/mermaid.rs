//! [`ExportGraph`] → a Mermaid `flowchart`, which GitHub renders inside a ```` ```mermaid ````
//! block.
//!
//! Node ids are derived from the stable graph ids (letters, digits and `_` only, with a
//! numeric suffix when two would collide); every label is a quoted string whose special
//! characters are written as Mermaid entity codes (`#quot;`, `#lt;`, `#35;` …), so a title
//! cannot close the string, open a tag or start a new statement.

use std::collections::btree_map::Entry;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use super::{BROKEN_COLOUR, BROKEN_FILL, EdgeKind, ExportGraph, GraphNode, NodeKind};

/// The Mermaid text of `graph`, ending with a newline.
pub fn render(graph: &ExportGraph) -> String {
    let ids = Ids::new(graph);
    let mut out = String::from("flowchart LR\n");
    let (tree, loose) = graph.clusters();
    for (category, subs) in &tree {
        let _ = writeln!(
            out,
            "  subgraph {}[\"{}\"]",
            ids.cluster(&format!("c:{category}")),
            label(category)
        );
        for (sub, nodes) in subs {
            let indent = if sub.is_empty() {
                "    "
            } else {
                let _ = writeln!(
                    out,
                    "    subgraph {}[\"{}\"]",
                    ids.cluster(&format!("s:{category}/{sub}")),
                    label(sub)
                );
                "      "
            };
            for n in nodes {
                let _ = writeln!(out, "{indent}{}", node(&ids, n));
            }
            if !sub.is_empty() {
                out.push_str("    end\n");
            }
        }
        out.push_str("  end\n");
    }
    for n in loose {
        let _ = writeln!(out, "  {}", node(&ids, n));
    }
    let mut broken_edges = Vec::new();
    let max = graph.edges.iter().map(|e| e.count).max().unwrap_or(1);
    let mut widths = Vec::new();
    for (i, e) in graph.edges.iter().enumerate() {
        let (from, to) = (ids.node(&e.source), ids.node(&e.target));
        match e.kind {
            EdgeKind::Related => {
                let _ = writeln!(out, "  {from} --> {to}");
            }
            EdgeKind::Inline => {
                let _ = writeln!(out, "  {from} -.-> {to}");
            }
            EdgeKind::Include => {
                let _ = writeln!(out, "  {from} -.->|include| {to}");
            }
            EdgeKind::Links => {
                let _ = writeln!(out, "  {from} -->|\"{}\"| {to}", e.count);
                widths.push((i, 1 + 4 * e.count / max.max(1)));
            }
        }
        if e.broken {
            broken_edges.push(i.to_string());
        }
    }
    // Styles: one class per category colour, then orphans, broken targets and the focus.
    let mut by_colour: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for n in &graph.nodes {
        if let Some(c) = n.colour {
            by_colour.entry(c).or_default().push(ids.node(&n.id));
        }
    }
    for (colour, members) in &by_colour {
        let name = format!("c{}", colour.trim_start_matches('#'));
        let _ = writeln!(out, "  classDef {name} fill:{colour},stroke:#555555");
        let _ = writeln!(out, "  class {} {name}", members.join(","));
    }
    type Pick = fn(&GraphNode) -> bool;
    let classes: [(&str, &str, Pick); 3] = [
        ("orphan", "stroke-dasharray:5 5,stroke-width:2px", |n| {
            n.orphan
        }),
        ("focus", "stroke-width:4px", |n| n.focus),
        ("broken", "", |n| n.kind == NodeKind::Broken),
    ];
    for (name, style, pick) in classes {
        let members: Vec<&str> = graph
            .nodes
            .iter()
            .filter(|n| pick(n))
            .map(|n| ids.node(&n.id))
            .collect();
        if members.is_empty() {
            continue;
        }
        let style = if name == "broken" {
            format!(
                "fill:{BROKEN_FILL},stroke:{BROKEN_COLOUR},color:{BROKEN_COLOUR},stroke-dasharray:5 5"
            )
        } else {
            style.to_string()
        };
        let _ = writeln!(out, "  classDef {name} {style}");
        let _ = writeln!(out, "  class {} {name}", members.join(","));
    }
    if !broken_edges.is_empty() {
        let _ = writeln!(
            out,
            "  linkStyle {} stroke:{BROKEN_COLOUR}",
            broken_edges.join(",")
        );
    }
    for (i, w) in widths {
        let _ = writeln!(out, "  linkStyle {i} stroke-width:{w}px");
    }
    out
}

fn node(ids: &Ids, n: &GraphNode) -> String {
    let text = label(&n.label);
    let id = ids.node(&n.id);
    match n.kind {
        NodeKind::Category | NodeKind::Subcategory | NodeKind::Root => {
            format!("{id}([\"{text}\"])")
        }
        _ => format!("{id}[\"{text}\"]"),
    }
}

/// A label's text for a quoted Mermaid string: lines joined with `<br>`, every character that
/// could end the string, open markup or start a statement written as an entity code.
pub fn label(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.push_str("<br>");
        }
        for c in line.chars() {
            match c {
                '"' => out.push_str("#quot;"),
                '#' => out.push_str("#35;"),
                '&' => out.push_str("#amp;"),
                '<' => out.push_str("#lt;"),
                '>' => out.push_str("#gt;"),
                '{' => out.push_str("#123;"),
                '}' => out.push_str("#125;"),
                '[' => out.push_str("#91;"),
                ']' => out.push_str("#93;"),
                '|' => out.push_str("#124;"),
                '`' => out.push_str("#96;"),
                ';' => out.push_str("#59;"),
                '\t' => out.push(' '),
                c if c.is_control() => {}
                c => out.push(c),
            }
        }
    }
    out
}

/// Mermaid ids for graph ids and clusters: `n_…` for nodes, `g_…` for clusters.
struct Ids {
    nodes: BTreeMap<String, String>,
    clusters: BTreeMap<String, String>,
}

impl Ids {
    fn new(graph: &ExportGraph) -> Ids {
        let mut taken = BTreeSet::new();
        let mut nodes = BTreeMap::new();
        for n in &graph.nodes {
            nodes.insert(n.id.clone(), unique(&mut taken, "n_", &n.id));
        }
        let mut clusters = BTreeMap::new();
        for n in &graph.nodes {
            if let Some(c) = &n.category {
                let key = format!("c:{c}");
                if let Entry::Vacant(slot) = clusters.entry(key) {
                    let id = unique(&mut taken, "g_", slot.key());
                    slot.insert(id);
                }
                if let (Some(s), NodeKind::Document) = (&n.subcategory, n.kind) {
                    let key = format!("s:{c}/{s}");
                    if let Entry::Vacant(slot) = clusters.entry(key) {
                        let id = unique(&mut taken, "g_", slot.key());
                        slot.insert(id);
                    }
                }
            }
        }
        Ids { nodes, clusters }
    }

    fn node(&self, id: &str) -> &str {
        self.nodes
            .get(id)
            .map(String::as_str)
            .unwrap_or("n_unknown")
    }

    fn cluster(&self, key: &str) -> &str {
        self.clusters
            .get(key)
            .map(String::as_str)
            .unwrap_or("g_unknown")
    }
}

/// `prefix` + `raw` with every character outside `[A-Za-z0-9_]` as `_`, made unique with a
/// numeric suffix.
fn unique(taken: &mut BTreeSet<String>, prefix: &str, raw: &str) -> String {
    let base: String = prefix
        .chars()
        .chain(raw.chars().map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' {
                c
            } else {
                '_'
            }
        }))
        .collect();
    let mut id = base.clone();
    let mut n = 2;
    while !taken.insert(id.clone()) {
        id = format!("{base}_{n}");
        n += 1;
    }
    id
}
