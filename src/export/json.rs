//! [`ExportGraph`] → JSON: `{"level", "nodes": [...], "edges": [...]}` with `source`/`target`
//! edge ends, the shape D3's force layout and Cytoscape's element list both start from.

use super::ExportGraph;

/// Pretty-printed JSON of `graph`, ending with a newline.
pub fn render(graph: &ExportGraph) -> String {
    let mut text = serde_json::to_string_pretty(graph).expect("an ExportGraph always serialises");
    text.push('\n');
    text
}
