//! Which documents a drawing shows: the whole tree, one category (`--in`), a neighbourhood
//! (`--around DOC --depth N`), or a list the caller already has (a query result).

use crate::corpus::{Corpus, DocId};
use crate::graph::DocGraph;

use super::{ExportError, Options};

/// The documents to draw, in path order, and the documents the drawing is about (the
/// `--around` document, the ends of a path), drawn with a bold border.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Selection {
    pub docs: Vec<DocId>,
    pub focus: Vec<DocId>,
}

impl Selection {
    /// A selection of exactly these documents (sorted and deduplicated here).
    pub fn of(mut docs: Vec<DocId>) -> Selection {
        docs.sort_unstable();
        docs.dedup();
        Selection {
            docs,
            focus: Vec::new(),
        }
    }

    pub fn contains(&self, doc: DocId) -> bool {
        self.docs.binary_search(&doc).is_ok()
    }
}

/// Applies `--in`, `--around` and `--kinds` (which edges the neighbourhood follows).
pub fn select(
    corpus: &Corpus,
    graph: &DocGraph,
    options: &Options,
) -> Result<Selection, ExportError> {
    let filter = options.kinds.filter().ok_or(ExportError::NoKinds)?;
    let mut docs: Vec<DocId> = match options.around {
        Some((doc, depth)) => {
            let mut near: Vec<DocId> = graph
                .within(doc, depth, filter)
                .into_iter()
                .map(|(d, _)| d)
                .collect();
            near.push(doc);
            near
        }
        None => (0..corpus.docs.len()).collect(),
    };
    if let Some(name) = &options.within {
        // A category, or `category/subcategory` as queries accept it.
        let Some(scope) = corpus.scope(name) else {
            return Err(ExportError::UnknownCategory {
                name: name.trim_end_matches('/').to_string(),
                known: corpus.categories().into_iter().map(String::from).collect(),
            });
        };
        docs.retain(|&d| scope.holds(corpus.doc(d)));
    }
    let mut selection = Selection::of(docs);
    selection.focus = options.around.map(|(doc, _)| doc).into_iter().collect();
    Ok(selection)
}
