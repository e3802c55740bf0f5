//! The answer to a question, computed once for every face.
//!
//! Between evaluation and rendering: [`ask`] evaluates a query (through [`query::eval`]) and
//! turns its rows into [`Records`] — named columns of cells with the documents' metrics,
//! did-you-mean suggestions for fixable broken links, and each `search` hit's excerpt (its
//! `line` and `snippet`). [`search`] answers `atomdoc search` from the same hits and
//! excerpts. The REPL, `atomdoc query`, `atomdoc search` and every later face print what this
//! module computed and add nothing of their own, so they agree.
//!
//! Owns: the columns of every answer, suggestions, excerpts of hits.
//! Must not: touch the filesystem or the terminal (IO is behind [`TextSource`], which the
//! workspace implements in `workspace_source.rs`), or format (that is `render`).

mod workspace_source;

use crate::corpus::{BrokenReason, Corpus, DocId};
use crate::graph::{self, DocGraph};
use crate::query::ast::{DOC_FIELDS, Field, LINK_FIELDS, Query, Source};
use crate::query::eval::{Cx, Metrics, Row};
use crate::query::{self, Cell, LinkRef, QueryError, Rows, TextSource};
use crate::search::suggest::Suggester;
use crate::search::{Excerpt, SearchQuery};

/// A query's answer: its rows (ids into the corpus, for drawings) and the records every face
/// prints.
#[derive(Debug, Clone)]
pub struct Answer {
    pub rows: Rows,
    pub records: Records,
}

/// Evaluates `query` and computes everything its faces show: metrics once, then the records,
/// suggestions and excerpts.
pub fn ask(
    query: &Query,
    corpus: &Corpus,
    graph: &DocGraph,
    text: &dyn TextSource,
) -> Result<Answer, QueryError> {
    ask_with(query, corpus, &|| graph, &Metrics::compute(corpus), text)
}

/// [`ask`] with the corpus's metrics already computed (a resident workspace keeps them
/// between questions; they must be [`Metrics::compute`] of this `corpus`), and the graph built
/// only if the question reads it.
pub fn ask_with(
    query: &Query,
    corpus: &Corpus,
    graph: graph::Lazy,
    metrics: &Metrics,
    text: &dyn TextSource,
) -> Result<Answer, QueryError> {
    let rows = query::eval(query, corpus, graph, metrics, text)?;
    let mut records = records(&rows, query, corpus, metrics);
    add_excerpts(&mut records, query, &rows, text);
    Ok(Answer { rows, records })
}

/// The snippet column of a hit: the excerpt with `**…**` around each match, trimmed; `None`
/// when the index found no fragment to show.
pub fn snippet(excerpt: &Excerpt) -> Option<String> {
    let marked = excerpt.marked();
    let marked = marked.trim();
    (!marked.is_empty()).then(|| marked.to_string())
}

/// Adds `line` and `snippet` columns to the records of a `search` answer, from one excerpt
/// per hit kept, in row order; other answers are left as they are.
fn add_excerpts(records: &mut Records, query: &Query, rows: &Rows, text: &dyn TextSource) {
    let (Source::Search { text: words, fuzzy }, Rows::Scored(hits)) = (&query.source, rows) else {
        return;
    };
    // Evaluation parsed the same text already; a failure here cannot happen.
    let Ok(search) = SearchQuery::parse(words, *fuzzy) else {
        return;
    };
    records.columns.push("line".into());
    records.columns.push("snippet".into());
    for (row, &(doc, _)) in records.rows.iter_mut().zip(hits) {
        let e = text.excerpt(&search, doc);
        row.push(e.line.map_or(Cell::Null, |l| Cell::Int(u64::from(l))));
        row.push(snippet(&e).map_or(Cell::Null, Cell::Text));
    }
}

/// One hit of `atomdoc search`, with its excerpt.
#[derive(Debug, Clone)]
pub struct Hit {
    pub doc: DocId,
    pub score: f32,
    pub excerpt: Excerpt,
}

/// The hits `atomdoc search` shows and how many matched in all (before the limit).
#[derive(Debug, Clone)]
pub struct Hits {
    pub hits: Vec<Hit>,
    pub total: usize,
}

/// `atomdoc search`: the hits of `query` (best first) in the category or `category/sub`
/// named `within` (an unknown one is an error listing the categories), cut to `limit`, each
/// with its excerpt — the same hits and excerpts as the query `search "…"` — and the number of
/// documents that matched.
pub fn search(
    corpus: &Corpus,
    text: &dyn TextSource,
    query: &SearchQuery,
    within: Option<&str>,
    limit: usize,
) -> Result<Hits, String> {
    if let Some(scope) = within
        && !corpus.has_scope(scope)
    {
        return Err(format!(
            "unknown category `{scope}`; categories are: {}",
            corpus.categories().join(", ")
        ));
    }
    let inside = |doc: DocId| {
        let Some(scope) = within else {
            return true;
        };
        let d = corpus.doc(doc);
        let cat = d.category.as_deref().unwrap_or("");
        let sub = d
            .subcategory
            .as_deref()
            .map(|s| format!("{cat}/{s}"))
            .unwrap_or_default();
        cat == scope || sub == scope
    };
    let matched: Vec<(DocId, f32)> = text
        .search(query)?
        .into_iter()
        .filter(|&(doc, _)| inside(doc))
        .collect();
    let total = matched.len();
    let hits = matched
        .into_iter()
        .take(limit)
        .map(|(doc, score)| Hit {
            doc,
            score,
            excerpt: text.excerpt(query, doc),
        })
        .collect();
    Ok(Hits { hits, total })
}

/// The records of `atomdoc search --format json`: the columns of the query `search "…"`
/// (the document columns, `score`, `line`, `snippet`), so both give one row shape.
pub fn search_records(corpus: &Corpus, hits: &[Hit]) -> Records {
    let metrics = Metrics::compute(corpus);
    let cx = Cx {
        corpus,
        metrics: &metrics,
    };
    let mut columns: Vec<String> = DOC_COLUMNS.iter().map(|f| f.name().to_string()).collect();
    columns.extend(["score", "line", "snippet"].map(String::from));
    let rows = hits
        .iter()
        .map(|hit| {
            let mut row: Vec<Cell> = DOC_COLUMNS
                .iter()
                .map(|f| cx.value(*f, Row::Doc(hit.doc)).to_cell())
                .collect();
            row.push(Cell::score(hit.score));
            row.push(
                hit.excerpt
                    .line
                    .map_or(Cell::Null, |l| Cell::Int(u64::from(l))),
            );
            row.push(snippet(&hit.excerpt).map_or(Cell::Null, Cell::Text));
            row
        })
        .collect();
    Records {
        columns,
        rows,
        noun: ("document", "documents"),
        empty_note: None,
    }
}

/// Link rows as `all links` answers them (the fixed link columns; did-you-mean suggestions
/// when a broken link could be fixed): for answers that list links no query asked for
/// (`atomdoc diff`), so they print exactly as `query` prints link rows.
pub fn link_records(refs: Vec<LinkRef>, corpus: &Corpus) -> Records {
    let query = query::parse("all links").expect("`all links` parses");
    let metrics = Metrics::compute(corpus);
    records(&Rows::Links(refs), &query, corpus, &metrics)
}

/// Rows as named columns of cells.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Records {
    pub columns: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
    /// What a row is, singular and plural.
    pub noun: (&'static str, &'static str),
    /// A sentence to print instead of an empty table (a path that does not exist).
    pub empty_note: Option<String>,
}

/// Columns every document row has (the JSON keys scripts rely on).
pub const DOC_COLUMNS: [Field; 6] = [
    Field::Path,
    Field::Title,
    Field::Category,
    Field::DocKind,
    Field::Inlinks,
    Field::Outlinks,
];

/// Columns every link row has; `reason` is null unless the link is broken.
pub const LINK_COLUMNS: [Field; 6] = [
    Field::Source,
    Field::Line,
    Field::Target,
    Field::Resolved,
    Field::LinkKind,
    Field::Reason,
];

/// The output columns of `query`'s rows: the fixed ones, then any other field the query
/// filters or sorts on.
fn columns(query: &Query, base: &[Field], all: &[Field]) -> Vec<Field> {
    let mut cols = base.to_vec();
    for f in query.referenced_fields() {
        if all.contains(&f) && !cols.contains(&f) {
            cols.push(f);
        }
    }
    cols
}

/// Turns rows into records, with the metrics evaluation used. `query` decides the extra
/// columns; broken links that could be fixed get did-you-mean suggestions.
pub fn records(rows: &Rows, query: &Query, corpus: &Corpus, metrics: &Metrics) -> Records {
    let cx = Cx { corpus, metrics };
    let doc_cols = columns(query, &DOC_COLUMNS, DOC_FIELDS);
    let doc_cells = |id| {
        doc_cols
            .iter()
            .map(|f| cx.value(*f, Row::Doc(id)).to_cell())
            .collect::<Vec<_>>()
    };
    let names = |fields: &[Field]| fields.iter().map(|f| f.name().to_string()).collect();
    match rows {
        Rows::Documents(ids) => Records {
            columns: names(&doc_cols),
            rows: ids.iter().map(|&id| doc_cells(id)).collect(),
            noun: ("document", "documents"),
            empty_note: None,
        },
        Rows::Neighbors { near, .. } => {
            let mut columns = vec!["distance".to_string()];
            columns.extend(names(&doc_cols));
            Records {
                columns,
                rows: near
                    .iter()
                    .map(|&(id, dist)| {
                        let mut row = vec![Cell::Int(dist as u64)];
                        row.extend(doc_cells(id));
                        row
                    })
                    .collect(),
                noun: ("document", "documents"),
                empty_note: None,
            }
        }
        Rows::Path { from, to, docs } => {
            let mut columns = vec!["step".to_string()];
            columns.extend(names(&doc_cols));
            Records {
                columns,
                rows: docs
                    .iter()
                    .enumerate()
                    .map(|(i, &id)| {
                        let mut row = vec![Cell::Int(i as u64)];
                        row.extend(doc_cells(id));
                        row
                    })
                    .collect(),
                noun: ("document", "documents"),
                empty_note: Some(format!(
                    "no path from {} to {} (links are followed in the direction they point)",
                    corpus.docs[*from].path, corpus.docs[*to].path
                )),
            }
        }
        Rows::Links(refs) => {
            let mut cols = columns(query, &LINK_COLUMNS, LINK_FIELDS);
            // Every link row says whether it comes from a referrer (`backlinks of X` holds
            // some), so a row's shape never depends on the rest of the answer; tables leave
            // the column out while it is false in every row (`rows::QUIET_WHEN_FALSE`).
            if !cols.contains(&Field::FromReferrer) {
                cols.push(Field::FromReferrer);
            }
            let link = |r: &LinkRef| corpus.link(r.from, r.link);
            // Broken links that could be fixed get did-you-mean suggestions; every link row
            // has the key (null when there are none), so a row's shape does not depend on
            // its neighbours.
            let fixable = |r: &LinkRef| {
                matches!(
                    link(r).broken_reason(),
                    Some(BrokenReason::Missing | BrokenReason::Anchor)
                )
            };
            let mut suggester = Suggester::new(corpus);
            let mut columns = names(&cols);
            columns.push("suggestions".into());
            Records {
                columns,
                rows: refs
                    .iter()
                    .map(|r| {
                        let mut row: Vec<Cell> = cols
                            .iter()
                            .map(|f| cx.value(*f, Row::Link(*r)).to_cell())
                            .collect();
                        let found = match r.source_doc() {
                            Some(doc) if fixable(r) => suggester.for_link(doc, link(r)),
                            _ => Vec::new(),
                        };
                        row.push(if found.is_empty() {
                            Cell::Null
                        } else {
                            Cell::List(found)
                        });
                        row
                    })
                    .collect(),
                noun: ("link", "links"),
                empty_note: None,
            }
        }
        Rows::Table(t) => Records {
            columns: t.columns.clone(),
            rows: t.rows.clone(),
            noun: t.noun,
            empty_note: None,
        },
        Rows::Scored(hits) => {
            let mut columns = names(&doc_cols);
            columns.push("score".into());
            Records {
                columns,
                rows: hits
                    .iter()
                    .map(|&(id, score)| {
                        let mut row = doc_cells(id);
                        row.push(Cell::score(score));
                        row
                    })
                    .collect(),
                noun: ("document", "documents"),
                empty_note: None,
            }
        }
        Rows::Related(pairs) => Records {
            columns: ["source", "target", "score", "why"]
                .map(String::from)
                .to_vec(),
            rows: pairs
                .iter()
                .map(|p| {
                    vec![
                        Cell::Text(corpus.doc(p.source).path.clone()),
                        Cell::Text(corpus.doc(p.target).path.clone()),
                        Cell::score(p.score),
                        Cell::Text(p.why()),
                    ]
                })
                .collect(),
            noun: ("suggestion", "suggestions"),
            empty_note: None,
        },
    }
}

#[cfg(test)]
mod tests;
