//! What the REPL can offer while typing: the names in the loaded tree (categories,
//! subcategories, documents), the saved query names and the language's words.
//!
//! Owns no IO: the session fills a `Vocabulary` from the loaded workspace and the saved-query
//! folder, and refreshes it on `:reload` and `:save`.

use crate::corpus::{Corpus, DocKind, strip_root};
use crate::query::{self, Field, Op, RowKind};

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

/// Words that start a query (its source), from the grammar's table; spelling variants
/// (`neighbours`) are left out so Tab offers one of each.
pub fn sources() -> Vec<&'static str> {
    let mut list: Vec<&'static str> = query::SOURCES.iter().map(|s| s.keyword()).collect();
    list.sort_unstable();
    list
}

/// Whether `word` is a keyword of the language (for highlighting).
pub fn is_keyword(word: &str) -> bool {
    query::is_keyword(word)
}

/// Field names of document rows, in the documentation's order.
pub fn doc_fields() -> Vec<&'static str> {
    query::DOC_FIELDS.iter().map(|f| f.name()).collect()
}

/// Field names of link rows.
pub fn link_fields() -> Vec<&'static str> {
    query::LINK_FIELDS.iter().map(|f| f.name()).collect()
}

/// Whether `word` names a field of either row kind.
pub fn is_field(word: &str) -> bool {
    query::field_names().contains(&word)
}

/// The values a field takes, when they are a closed set (`kind` takes the values of both
/// row kinds when the rows are not known).
pub fn field_values(field: &str, links: bool) -> Vec<&'static str> {
    let kind = if links {
        RowKind::Link
    } else {
        RowKind::Document
    };
    Field::lookup(kind, field)
        .and_then(Field::allowed_values)
        .map(<[_]>::to_vec)
        .unwrap_or_default()
}

/// The comparison operators.
pub fn operators() -> Vec<&'static str> {
    Op::ALL.iter().map(|o| o.as_str()).collect()
}
