//! Query errors as data (a span, a message, an optional hint) and their rendering with a
//! caret under the offending text. Parsing and evaluation produce the same error type; the
//! rendering lives here, apart from both.

use std::fmt;

use crate::render::diagnostic::{self, floor_char_boundary};

/// A byte range in the query text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Span {
        Span { start, end }
    }

    /// The smallest span covering both.
    pub fn to(self, other: Span) -> Span {
        Span::new(self.start.min(other.start), self.end.max(other.end))
    }
}

/// One problem with a query, pointing at the text that caused it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryError {
    pub span: Span,
    /// Lower-case, no final period: `expected a category or document after 'in'`.
    pub message: String,
    /// What to do about it, when there is something useful to say.
    pub help: Option<String>,
}

impl QueryError {
    pub fn new(span: Span, message: impl Into<String>) -> QueryError {
        QueryError {
            span,
            message: message.into(),
            help: None,
        }
    }

    pub fn with_help(mut self, help: impl Into<String>) -> QueryError {
        self.help = Some(help.into());
        self
    }
}

impl fmt::Display for QueryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for QueryError {}

/// Every error found in one query (the parser collects them rather than stopping at the
/// first).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryErrors(pub Vec<QueryError>);

impl fmt::Display for QueryErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let messages: Vec<&str> = self.0.iter().map(|e| e.message.as_str()).collect();
        f.write_str(&messages.join("; "))
    }
}

impl std::error::Error for QueryErrors {}

/// `'x'` for a visible character, its escape for an invisible one.
pub fn quote_char(c: char) -> String {
    if c.is_control() || c.is_whitespace() {
        format!("'{}'", c.escape_default())
    } else {
        format!("'{c}'")
    }
}

/// Renders errors rustc-style through the one caret renderer ([`diagnostic`]): the message,
/// where (`origin:line:column`, the column counted in characters), the query line and a
/// caret under the span, and `= help:` when there is something to do.
///
/// `origin` names where the query came from (`query`, `ci-gate.aq`); `line` is its line
/// number there (1 for a one-shot query).
pub fn render(src: &str, origin: &str, line: usize, errors: &[QueryError]) -> String {
    render_styled(src, origin, line, errors, false)
}

/// [`render`], coloured when `styled`.
pub fn render_styled(
    src: &str,
    origin: &str,
    line: usize,
    errors: &[QueryError],
    styled: bool,
) -> String {
    let mut out = String::new();
    // Errors come sorted by position: columns are counted on from the previous one.
    let mut counted = (0, 0);
    for e in errors {
        let start = floor_char_boundary(src, e.span.start);
        let end = floor_char_boundary(src, e.span.end).max(start);
        if counted.0 > start {
            counted = (0, 0);
        }
        counted = (start, counted.1 + src[counted.0..start].chars().count());
        let caret = diagnostic::Caret {
            severity: diagnostic::Severity::Error,
            code: None,
            message: &e.message,
            origin,
            line_number: line,
            column: counted.1 + 1,
            line: Some((src, start..end)),
            help: e.help.as_deref(),
        };
        out.push_str(&diagnostic::render(&caret, styled));
    }
    out
}
