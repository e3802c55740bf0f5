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
//! Must not: touch the filesystem, the cache or the terminal: what a source needs beyond the
//! corpus and graph comes through [`TextSource`], which the workspace implements.

pub mod ast;
pub mod coverage;
pub mod error;
pub mod eval;
#[cfg(test)]
pub(crate) mod fake;
pub mod lex;
pub mod names;
pub mod parse;
#[cfg(test)]
mod tests;

pub use ast::{
    CoreQuery, CoreSource, DOC_FIELDS, Expr, Field, LINK_FIELDS, Query, RelatedFor, RowKind, Source,
};
pub use error::{
    QueryError, QueryErrors, Span, render as render_errors, render_styled as render_errors_styled,
};
pub use eval::{Cell, LinkRef, Rows, Table};
pub use lex::{
    CLAUSES, OTHER_KEYWORDS, Op, SOURCES, SourceKind, SourceSyntax, Token, TokenKind, is_keyword,
    keywords, lex, source_words,
};
pub use parse::parse;

use crate::check::Checks;
use crate::corpus::{Corpus, DocId};
use crate::graph;
use crate::search::related::RelatedSuggestion;
use crate::search::{Excerpt, SearchQuery};

/// What evaluation needs beyond the corpus and the graph: the full-text index (the hits of
/// `search` and `similar to`, the pairs of `suggest related for`) and the template checks
/// over the documents' raw text (`coverage`). The workspace implements it (opening the index
/// or reading the sources on first use); tests implement it with a fake, so `query` itself
/// never reaches the filesystem or the cache.
///
/// Errors are sentences for the user (`cannot open the search index: …`).
pub trait TextSource {
    /// Documents matching `query`, best first.
    fn search(&self, query: &SearchQuery) -> Result<Vec<(DocId, f32)>, String>;
    /// Documents most like `doc`, best first, without `doc`.
    fn similar(&self, doc: DocId) -> Result<Vec<(DocId, f32)>, String>;
    /// Up to `limit` links that should exist from `doc` (or, with `incoming`, into it).
    fn related(
        &self,
        doc: DocId,
        incoming: bool,
        limit: usize,
    ) -> Result<Vec<RelatedSuggestion>, String>;
    /// The template checks run over every document's raw text.
    fn checks(&self) -> Result<Checks, String>;
    /// The excerpt of `doc` for `query`: the highlighted fragment and the line it shows
    /// (empty when there is none to show).
    fn excerpt(&self, query: &SearchQuery, doc: DocId) -> Excerpt;
}

/// Evaluates a parsed query against a loaded tree, asking `text` for what the corpus and
/// graph do not hold. Pure: all IO happens behind `text`.
pub fn eval(
    query: &Query,
    corpus: &Corpus,
    graph: graph::Lazy,
    metrics: &eval::Metrics,
    text: &dyn TextSource,
) -> Result<Rows, QueryError> {
    if let Source::Coverage { of } = &query.source {
        let checks = text
            .checks()
            .map_err(|e| QueryError::new(Span::default(), e))?;
        return coverage::eval(query, of.as_ref(), corpus, graph(), &checks);
    }
    let answers = text_answers(query, corpus, graph, text)?;
    eval::eval_with(query, corpus, graph, metrics, answers.as_ref())
}

/// How many suggestions `suggest related for orphans` gives per orphan.
pub const RELATED_PER_ORPHAN: usize = 3;
/// How many `suggest related for <doc>` gives before `limit`.
pub const RELATED_PER_DOC: usize = 10;

fn text_answers(
    query: &Query,
    corpus: &Corpus,
    graph: graph::Lazy,
    text: &dyn TextSource,
) -> Result<Option<eval::TextAnswers>, QueryError> {
    let failed = |e: String| QueryError::new(Span::default(), e);
    let doc = |name: &ast::Name| {
        names::resolve_doc(corpus, &name.text)
            .map_err(|e| QueryError::new(name.span, e.to_string()).with_help(e.help()))
    };
    let mut answers = eval::TextAnswers::default();
    match &query.source {
        Source::Search { text: words, fuzzy } => {
            let q = SearchQuery::parse(words, *fuzzy).map_err(|e| failed(e.to_string()))?;
            if q.is_empty() {
                return Err(QueryError::new(
                    Span::default(),
                    "nothing to search for: the quoted text has no words",
                ));
            }
            answers.hits = text.search(&q).map_err(failed)?;
        }
        Source::Similar(name) => {
            answers.hits = text.similar(doc(name)?).map_err(failed)?;
        }
        Source::SuggestRelated(ast::RelatedFor::Doc(name)) => {
            answers.related = text
                .related(doc(name)?, false, RELATED_PER_DOC)
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
            let orphans = graph().orphans(corpus, crate::graph::LinkFilter::Any);
            for id in orphans {
                if scope
                    .as_ref()
                    .is_some_and(|s| !s.contains(id, corpus.doc(id)))
                {
                    continue;
                }
                answers
                    .related
                    .extend(text.related(id, true, RELATED_PER_ORPHAN).map_err(failed)?);
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
