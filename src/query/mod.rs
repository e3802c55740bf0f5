//! The query language: text → tokens ([`lex()`](fn@lex)) → AST ([`parse()`](fn@parse)) →
//! rows ([`eval()`](fn@eval)).
//!
//! One entry point serves the one-shot command, saved queries and the REPL:
//!
//! ```
//! # use atomdoc::query;
//! let q = query::parse("orphans in integrations sort by words desc limit 5").unwrap();
//! assert_eq!(q.to_string(), "orphans where in integrations sort by words desc limit 5");
//! assert_eq!(
//!     q.core().to_string(),
//!     "docs where orphan and in integrations sort by words desc limit 5"
//! );
//! ```
//!
//! Owns: the grammar (`docs/query-language.md`), errors with spans, evaluation over a
//! [`Corpus`](crate::corpus::Corpus) and [`DocGraph`](crate::graph::DocGraph).
//! Must not: touch the filesystem or the terminal (the CLI reads files and prints).

pub mod ast;
pub mod coverage;
pub mod error;
pub mod eval;
pub mod lex;
pub mod names;
pub mod parse;
#[cfg(test)]
mod tests;

pub use ast::{
    CoreQuery, CoreSource, DOC_FIELDS, Expr, Field, LINK_FIELDS, Query, RelatedFor, RowKind, Source,
};
pub use error::{QueryError, QueryErrors, Span, render as render_errors};
pub use eval::{Cell, LinkRef, Rows, Table};
pub use lex::{
    CLAUSES, OTHER_KEYWORDS, Op, SOURCES, SourceKind, SourceSyntax, Token, TokenKind, is_keyword,
    keywords, lex, source_words,
};
pub use parse::parse;

use crate::workspace::Workspace;

/// Evaluates a parsed query against a loaded tree. Pure, except that `search`, `similar to`
/// and `suggest related for` first ask the workspace's full-text index (opened on first use)
/// for their hits; the evaluation itself stays pure.
pub fn eval(query: &Query, workspace: &Workspace) -> Result<Rows, QueryError> {
    // `coverage` needs the template checks, which read the workspace's sources and config.
    if let Source::Coverage { of } = &query.source {
        return coverage::eval(query, of.as_ref(), workspace);
    }
    let text = text_answers(query, workspace)?;
    eval::eval_with(query, &workspace.corpus, &workspace.graph, text.as_ref())
}

/// How many suggestions `suggest related for orphans` gives per orphan.
pub const RELATED_PER_ORPHAN: usize = 3;
/// How many `suggest related for <doc>` gives before `limit`.
pub const RELATED_PER_DOC: usize = 10;

fn text_answers(query: &Query, ws: &Workspace) -> Result<Option<eval::TextAnswers>, QueryError> {
    use crate::search::{SearchQuery, related};
    let corpus = &ws.corpus;
    let failed = |e: String| QueryError::new(Span::default(), e);
    let doc = |name: &ast::Name| {
        names::resolve_doc(corpus, &name.text)
            .map_err(|e| QueryError::new(name.span, e.to_string()).with_help(e.help()))
    };
    let mut answers = eval::TextAnswers::default();
    match &query.source {
        Source::Search { text, fuzzy } => {
            let q = SearchQuery::parse(text, *fuzzy).map_err(|e| failed(e.to_string()))?;
            if q.is_empty() {
                return Err(QueryError::new(
                    Span::default(),
                    "nothing to search for: the quoted text has no words",
                ));
            }
            let hits = ws.with_search(|i| i.search(corpus, &q)).map_err(failed)?;
            answers.hits = hits.into_iter().map(|h| (h.doc, h.score)).collect();
        }
        Source::Similar(name) => {
            let id = doc(name)?;
            let hits = ws.with_search(|i| i.similar(corpus, id)).map_err(failed)?;
            answers.hits = hits.into_iter().map(|h| (h.doc, h.score)).collect();
        }
        Source::SuggestRelated(ast::RelatedFor::Doc(name)) => {
            let id = doc(name)?;
            answers.related = ws
                .with_search(|i| related::suggest(corpus, &ws.graph, i, id, false, RELATED_PER_DOC))
                .map_err(failed)?;
        }
        Source::SuggestRelated(ast::RelatedFor::Orphans(scope)) => {
            let scope = scope
                .as_ref()
                .map(|n| {
                    names::resolve_scope(corpus, &n.text)
                        .map_err(|e| QueryError::new(n.span, e.to_string()).with_help(e.help()))
                })
                .transpose()?;
            let orphans = ws.graph.orphans(corpus, crate::graph::LinkFilter::Any);
            for id in orphans {
                if scope
                    .as_ref()
                    .is_some_and(|s| !s.contains(id, corpus.doc(id)))
                {
                    continue;
                }
                answers.related.extend(
                    ws.with_search(|i| {
                        related::suggest(corpus, &ws.graph, i, id, true, RELATED_PER_ORPHAN)
                    })
                    .map_err(failed)?,
                );
            }
        }
        _ => return Ok(None),
    }
    Ok(Some(answers))
}

/// Every field name (documents, then links; `kind` appears once).
pub fn field_names() -> Vec<&'static str> {
    let mut out: Vec<&'static str> = Vec::new();
    for f in DOC_FIELDS.iter().chain(LINK_FIELDS) {
        if !out.contains(&f.name()) {
            out.push(f.name());
        }
    }
    out
}
