//! What the REPL can offer while typing: the names in the loaded tree (categories,
//! subcategories, documents), the saved query names and the language's words.
//!
//! Owns no IO: the session fills a `Vocabulary` from the loaded workspace and the saved-query
//! folder, and refreshes it on `:reload` and `:save`.

use crate::corpus::{Corpus, DocKind, strip_root};

/// The names completion draws from, taken from one loaded tree.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Vocabulary {
    /// Category names, sorted.
    pub categories: Vec<String>,
    /// `category/subcategory`, sorted.
    pub subcategories: Vec<String>,
    /// Documents as the language names them: root-relative path without `.md`, sorted.
    pub documents: Vec<String>,
    /// Saved query names (`.atomdoc/queries/NAME.aq`), sorted.
    pub saved: Vec<String>,
}

impl Vocabulary {
    pub fn from_corpus(corpus: &Corpus) -> Vocabulary {
        let mut documents: Vec<String> = corpus
            .docs
            .iter()
            .filter(|d| d.kind != DocKind::Template)
            .map(|d| {
                let rel = strip_root(&corpus.root, &d.path);
                rel.strip_suffix(".md").unwrap_or(rel).to_string()
            })
            .collect();
        documents.sort();
        Vocabulary {
            categories: corpus.categories().into_iter().map(String::from).collect(),
            subcategories: corpus
                .subcategories()
                .into_iter()
                .map(|(c, s)| format!("{c}/{s}"))
                .collect(),
            documents,
            saved: Vec::new(),
        }
    }
}

/// Words that start a query (its source).
pub const SOURCES: &[&str] = &[
    "backlinks",
    "broken",
    "categories",
    "docs",
    "hubs",
    "links",
    "matrix",
    "neighbors",
    "orphans",
    "path",
    "stats",
];

/// Words that may follow a complete source or condition.
pub const CLAUSES: &[&str] = &[
    "and", "depth", "from", "in", "limit", "missing", "not", "or", "sort", "to", "where", "with",
];

/// Every keyword of the language, for highlighting.
pub const KEYWORDS: &[&str] = &[
    "all",
    "and",
    "as",
    "asc",
    "backlinks",
    "broken",
    "by",
    "categories",
    "depth",
    "desc",
    "docs",
    "from",
    "has",
    "hubs",
    "in",
    "limit",
    "links",
    "matrix",
    "missing",
    "neighbors",
    "not",
    "of",
    "or",
    "orphans",
    "path",
    "section",
    "sort",
    "stats",
    "to",
    "where",
    "with",
];

/// Fields of document rows.
pub const DOC_FIELDS: &[&str] = &[
    "path",
    "title",
    "category",
    "subcategory",
    "kind",
    "inlinks",
    "outlinks",
    "related",
    "broken",
    "words",
    "sections",
    "orphan",
];

/// Fields of link rows.
pub const LINK_FIELDS: &[&str] = &[
    "source", "target", "resolved", "kind", "status", "reason", "line", "column",
];

/// The values a field takes, when they are a closed set.
pub fn field_values(field: &str) -> &'static [&'static str] {
    match field {
        "kind" => &["index", "meta", "topic", "related", "inline"],
        "reason" => &["anchor", "missing", "outside", "placeholder"],
        "status" => &["ok", "external", "broken"],
        "orphan" => &["true", "false"],
        _ => &[],
    }
}

/// The comparison operators.
pub const OPERATORS: &[&str] = &["=", "!=", "<", "<=", ">", ">=", "~"];

/// Whether rows of a query starting with `source` are links (else documents).
pub fn source_has_links(source: &str) -> bool {
    matches!(source, "links" | "broken" | "backlinks" | "all")
}
