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
pub mod error;
pub mod eval;
pub mod lex;
pub mod names;
pub mod parse;
#[cfg(test)]
mod tests;

pub use ast::{DOC_FIELDS, Expr, Field, LINK_FIELDS, Query, RowKind, Source};
pub use error::{QueryError, QueryErrors, Span, render as render_errors};
pub use eval::{Cell, LinkRef, Rows, Table};
pub use lex::{Op, Token, TokenKind, lex};
pub use parse::{CLAUSES, OTHER_KEYWORDS, SOURCES, is_keyword, parse};

use crate::workspace::Workspace;

/// Evaluates a parsed query against a loaded tree. Pure.
pub fn eval(query: &Query, workspace: &Workspace) -> Result<Rows, QueryError> {
    eval::eval(query, &workspace.corpus, &workspace.graph)
}

/// Every keyword, for highlighting and completion.
pub fn keywords() -> impl Iterator<Item = &'static str> {
    SOURCES.iter().chain(CLAUSES).chain(OTHER_KEYWORDS).copied()
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
