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
        let known = corpus.categories();
        if !known.contains(&name.as_str()) {
            return Err(ExportError::UnknownCategory {
                name: name.clone(),
                known: known.into_iter().map(String::from).collect(),
            });
        }
        docs.retain(|&d| corpus.doc(d).category.as_deref() == Some(name.as_str()));
    }
    let mut selection = Selection::of(docs);
    selection.focus = options.around.map(|(doc, _)| doc).into_iter().collect();
    Ok(selection)
}

/// Finds the document `name` stands for: a repo-relative path, a path relative to the docs
/// root, either without `.md`, a unique file name (with or without `.md`), or a unique title
/// (ignoring case).
pub fn find_document(corpus: &Corpus, name: &str) -> Result<DocId, ExportError> {
    let name = name.trim().trim_start_matches("./");
    let exact = |p: &str| {
        corpus
            .docs
            .iter()
            .position(|d| d.path == p || d.rel_path == p)
    };
    if let Some(id) = exact(name).or_else(|| exact(&format!("{name}.md"))) {
        return Ok(id);
    }
    let stem = name.strip_suffix(".md").unwrap_or(name);
    let by_file: Vec<DocId> = (0..corpus.docs.len())
        .filter(|&d| {
            let file = corpus.doc(d).rel_path.rsplit('/').next().unwrap_or("");
            file.strip_suffix(".md").unwrap_or(file) == stem
        })
        .collect();
    let by_title: Vec<DocId> = (0..corpus.docs.len())
        .filter(|&d| {
            corpus
                .doc(d)
                .title
                .as_deref()
                .is_some_and(|t| t.to_lowercase() == name.to_lowercase())
        })
        .collect();
    let candidates = if by_file.is_empty() {
        by_title
    } else {
        by_file
    };
    match candidates.as_slice() {
        [one] => Ok(*one),
        [] => {
            let mut near: Vec<(f64, &str)> = corpus
                .docs
                .iter()
                .map(|d| {
                    let file = d.rel_path.rsplit('/').next().unwrap_or("");
                    let file = file.strip_suffix(".md").unwrap_or(file);
                    (strsim::jaro_winkler(stem, file), d.rel_path.as_str())
                })
                .filter(|(score, _)| *score > 0.8)
                .collect();
            near.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(b.1)));
            Err(ExportError::UnknownDocument {
                name: name.to_string(),
                suggestions: near
                    .into_iter()
                    .take(3)
                    .map(|(_, p)| p.to_string())
                    .collect(),
            })
        }
        many => Err(ExportError::AmbiguousDocument {
            name: name.to_string(),
            candidates: many
                .iter()
                .map(|&d| corpus.doc(d).rel_path.clone())
                .collect(),
        }),
    }
}
