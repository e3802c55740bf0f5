//! Drawing the document graph: which documents (selection) → a format-neutral graph model
//! ([`ExportGraph`]) → text in one of three formats (DOT through graphviz-rust, JSON for
//! D3/Cytoscape, Mermaid for GitHub Markdown).
//!
//! Owns: the selection rules (`--in`, `--around`, `--kinds`), the aggregation to subcategory
//! and category level, node ids, colours and styles, and escaping for each output format.
//! Must not: touch the filesystem or run programs. Writing files and running Graphviz's `dot`
//! belong to `cli::export`.
//!
//! Every output is deterministic: nodes are sorted by id, edges by (source, target, kind), and
//! nothing depends on hash order, so the same tree always gives byte-identical text.

pub mod dot;
pub mod json;
pub mod mermaid;
mod model;
mod select;
#[cfg(test)]
mod tests;

pub use model::{Drawable, EdgeSource, build_drawable, build_from, draw_answer};
pub use model::{EdgeKind, ExportGraph, GraphEdge, GraphNode, NodeKind, build};
pub use select::{Selection, select};

use crate::corpus::{DocId, LinkKind};
use crate::graph::LinkFilter;

/// Above this many documents, a drawing whose level was not chosen explicitly switches from
/// documents to categories, saying so. Judged by what Graphviz produces: a 171-document tree
/// drew as a 14,704 × 5,628 PNG whose labels could not be read at any screen size; 80 boxes
/// still fit a screen with readable labels.
pub const AUTO_CATEGORY_THRESHOLD: usize = 80;

/// How finely the graph is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    /// One node per document, clustered by category and subcategory.
    Doc,
    /// One node per subcategory (and one per category for its own top-level documents).
    Subcategory,
    /// One node per category: the "architecture graph".
    Category,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Doc => "doc",
            Level::Subcategory => "subcategory",
            Level::Category => "category",
        }
    }
}

/// Which link kinds are drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Kinds {
    pub related: bool,
    pub inline: bool,
}

impl Default for Kinds {
    fn default() -> Self {
        Kinds {
            related: true,
            inline: true,
        }
    }
}

impl Kinds {
    pub fn accepts(self, kind: LinkKind) -> bool {
        match kind {
            LinkKind::Related => self.related,
            // An included page is part of the running text of the page that includes it.
            LinkKind::Inline | LinkKind::Include => self.inline,
        }
    }

    /// The graph filter following the same kinds (`None` when no kind is selected).
    pub fn filter(self) -> Option<LinkFilter> {
        match (self.related, self.inline) {
            (true, true) => Some(LinkFilter::Any),
            (true, false) => Some(LinkFilter::Related),
            (false, true) => Some(LinkFilter::Inline),
            (false, false) => None,
        }
    }
}

/// What to draw, with every name already resolved (the CLI resolves document names).
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// `None`: documents, unless there are more than [`AUTO_CATEGORY_THRESHOLD`] of them.
    pub level: Option<Level>,
    /// Only documents of this category.
    pub within: Option<String>,
    /// Only this document and those within `depth` link steps of it (either direction).
    pub around: Option<(DocId, usize)>,
    pub kinds: Kinds,
}

/// A selection or a name that cannot be drawn; the message says what to do.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ExportError {
    #[error("no category or category/subcategory `{name}`; the categories are: {}", known.join(", "))]
    UnknownCategory { name: String, known: Vec<String> },
    #[error("--kinds selects no link kind; name at least one of related, inline")]
    NoKinds,
}

/// A fixed palette of light fill colours; category `i` (in sorted order over the whole tree)
/// gets colour `i % len`, so a category keeps its colour whatever part of the tree is drawn.
pub const PALETTE: [&str; 12] = [
    "#8dd3c7", "#ffffb3", "#bebada", "#80b1d3", "#fdb462", "#b3de69", "#fccde5", "#d9d9d9",
    "#bc80bd", "#ccebc5", "#ffed6f", "#a6cee3",
];

/// Stroke and text colour of broken-link placeholders and edges.
pub const BROKEN_COLOUR: &str = "#cc0000";
/// Fill colour of broken-link placeholders.
pub const BROKEN_FILL: &str = "#ffe5e5";
