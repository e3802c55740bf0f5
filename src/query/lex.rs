//! Query text → tokens with byte spans.
//!
//! Owns the token shapes (words, quoted strings, operators, punctuation). The lexer never
//! fails: a stray character or an unterminated string becomes an error next to the tokens,
//! so the parser (and the REPL's highlighter) always see the whole line.

use std::fmt;

use super::error::{QueryError, Span};

/// A comparison operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Op {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    /// `~`: case-insensitive substring.
    Contains,
}

impl Op {
    pub const ALL: [Op; 7] = [Op::Eq, Op::Ne, Op::Lt, Op::Le, Op::Gt, Op::Ge, Op::Contains];

    pub fn as_str(self) -> &'static str {
        match self {
            Op::Eq => "=",
            Op::Ne => "!=",
            Op::Lt => "<",
            Op::Le => "<=",
            Op::Gt => ">",
            Op::Ge => ">=",
            Op::Contains => "~",
        }
    }
}

impl fmt::Display for Op {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TokenKind {
    /// A bare word: a keyword, a field, a name (`integrations/redis`, `key-naming.md`) or a
    /// number. Word characters are letters, digits and `_ - . / #`.
    Word,
    /// A quoted string (`"…"` or `'…'`), with its escapes (`\"`, `\\`) undone.
    Str(String),
    Op(Op),
    LParen,
    RParen,
    Comma,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    pub kind: TokenKind,
    pub span: Span,
}

impl Token {
    /// The token's text as written in `src`.
    pub fn text<'a>(&self, src: &'a str) -> &'a str {
        &src[self.span.start..self.span.end]
    }
}

/// Whether `c` may appear in a bare word.
pub fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | '/' | '#')
}

/// Splits `src` into tokens; problems (stray characters, unterminated strings) are returned
/// alongside and never stop the scan.
pub fn lex(src: &str) -> (Vec<Token>, Vec<QueryError>) {
    let mut tokens = Vec::new();
    let mut errors = Vec::new();
    let mut chars = src.char_indices().peekable();
    while let Some(&(start, c)) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
            continue;
        }
        if is_word_char(c) {
            let mut end = start;
            while let Some(&(i, c)) = chars.peek() {
                if !is_word_char(c) {
                    break;
                }
                end = i + c.len_utf8();
                chars.next();
            }
            tokens.push(Token {
                kind: TokenKind::Word,
                span: Span::new(start, end),
            });
            continue;
        }
        chars.next();
        let single = |kind| Token {
            kind,
            span: Span::new(start, start + c.len_utf8()),
        };
        match c {
            '"' | '\'' => {
                let quote = c;
                let mut value = String::new();
                let mut end = None;
                while let Some((i, c)) = chars.next() {
                    if c == quote {
                        end = Some(i + 1);
                        break;
                    }
                    if c == '\\'
                        && let Some(&(_, next)) = chars.peek()
                        && (next == quote || next == '\\')
                    {
                        value.push(next);
                        chars.next();
                        continue;
                    }
                    value.push(c);
                }
                match end {
                    Some(end) => tokens.push(Token {
                        kind: TokenKind::Str(value),
                        span: Span::new(start, end),
                    }),
                    None => {
                        errors.push(
                            QueryError::new(
                                Span::new(start, src.len()),
                                format!("unterminated string: expected a closing {quote}"),
                            )
                            .with_help(format!("add {quote} at the end of the text")),
                        );
                        tokens.push(Token {
                            kind: TokenKind::Str(value),
                            span: Span::new(start, src.len()),
                        });
                    }
                }
            }
            '(' => tokens.push(single(TokenKind::LParen)),
            ')' => tokens.push(single(TokenKind::RParen)),
            ',' => tokens.push(single(TokenKind::Comma)),
            '~' => tokens.push(single(TokenKind::Op(Op::Contains))),
            '=' => {
                // `==` is accepted as a spelling of `=`.
                let mut end = start + 1;
                if let Some(&(i, '=')) = chars.peek() {
                    end = i + 1;
                    chars.next();
                }
                tokens.push(Token {
                    kind: TokenKind::Op(Op::Eq),
                    span: Span::new(start, end),
                });
            }
            '!' | '<' | '>' => {
                let (op, op_eq) = match c {
                    '!' => (None, Op::Ne),
                    '<' => (Some(Op::Lt), Op::Le),
                    _ => (Some(Op::Gt), Op::Ge),
                };
                if let Some(&(i, '=')) = chars.peek() {
                    chars.next();
                    tokens.push(Token {
                        kind: TokenKind::Op(op_eq),
                        span: Span::new(start, i + 1),
                    });
                } else if let Some(op) = op {
                    tokens.push(single(TokenKind::Op(op)));
                } else {
                    errors.push(
                        QueryError::new(
                            Span::new(start, start + 1),
                            "unexpected character '!': expected '!=' or the word 'not'",
                        )
                        .with_help("write `not` to negate a condition, `!=` for not-equal"),
                    );
                }
            }
            other => errors.push(QueryError::new(
                Span::new(start, start + other.len_utf8()),
                format!(
                    "unexpected character {}: expected a word, a quoted string, an operator or parentheses",
                    super::error::quote_char(other)
                ),
            )),
        }
    }
    (tokens, errors)
}

/// Which source a query starts with: one per `ast::Source` variant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceKind {
    Docs,
    Orphans,
    Broken,
    Links,
    AllLinks,
    Backlinks,
    Neighbors,
    Path,
    Hubs,
    Categories,
    Matrix,
    Stats,
    Search,
    Similar,
    SuggestRelated,
    Coverage,
}

/// How one source is spelled: the fixed words that start it, in order (`backlinks of`,
/// `suggest related for`), and other spellings of its first word (`neighbours`).
#[derive(Debug)]
pub struct SourceSyntax {
    pub kind: SourceKind,
    pub spelling: &'static str,
    pub aliases: &'static [&'static str],
}

impl SourceSyntax {
    /// The word that starts the source.
    pub fn keyword(&self) -> &'static str {
        self.words().next().unwrap_or(self.spelling)
    }

    /// The fixed words, in order.
    pub fn words(&self) -> impl Iterator<Item = &'static str> + use<> {
        self.spelling.split(' ')
    }

    /// Whether a query whose first word is `word` (lower-cased) starts this source.
    pub fn starts_with(&self, word: &str) -> bool {
        self.keyword() == word || self.aliases.contains(&word)
    }
}

impl SourceKind {
    /// This source's row of [`SOURCES`].
    pub fn syntax(self) -> &'static SourceSyntax {
        // Every kind has a row (a test holds it), so the fallback is never taken.
        SOURCES
            .iter()
            .find(|s| s.kind == self)
            .unwrap_or(&SOURCES[0])
    }
}

/// The query grammar's sources, the one table the parser, the printer, error help and the
/// REPL's completion read; in the order help lists them.
pub const SOURCES: &[SourceSyntax] = &[
    source(SourceKind::Docs, "docs"),
    source(SourceKind::Orphans, "orphans"),
    source(SourceKind::Broken, "broken"),
    source(SourceKind::Links, "links"),
    source(SourceKind::AllLinks, "all links"),
    source(SourceKind::Backlinks, "backlinks of"),
    SourceSyntax {
        kind: SourceKind::Neighbors,
        spelling: "neighbors of",
        aliases: &["neighbours"],
    },
    source(SourceKind::Path, "path from"),
    source(SourceKind::Hubs, "hubs"),
    source(SourceKind::Categories, "categories"),
    source(SourceKind::Matrix, "matrix"),
    source(SourceKind::Stats, "stats"),
    source(SourceKind::Search, "search"),
    source(SourceKind::Similar, "similar to"),
    source(SourceKind::SuggestRelated, "suggest related for"),
    source(SourceKind::Coverage, "coverage"),
];

const fn source(kind: SourceKind, spelling: &'static str) -> SourceSyntax {
    SourceSyntax {
        kind,
        spelling,
        aliases: &[],
    }
}

/// Every word that can start a query, spelling variants included.
pub fn source_words() -> impl Iterator<Item = &'static str> {
    SOURCES
        .iter()
        .flat_map(|s| std::iter::once(s.keyword()).chain(s.aliases.iter().copied()))
}

/// The sources as help lists them: `docs, orphans, …, suggest related for, coverage`.
pub fn sources_listed() -> String {
    SOURCES
        .iter()
        .map(|s| s.spelling)
        .collect::<Vec<_>>()
        .join(", ")
}

/// Words that start a clause after the source.
pub const CLAUSES: &[&str] = &[
    "where", "in", "from", "to", "by", "depth", "missing", "with", "sort", "limit", "as",
];

/// Every other reserved word (operators in words, parts of clauses).
pub const OTHER_KEYWORDS: &[&str] = &["and", "or", "not", "of", "has", "section", "asc", "desc"];

/// Whether `word` is a keyword (names that are keywords must be quoted).
pub fn is_keyword(word: &str) -> bool {
    let w = word.to_ascii_lowercase();
    source_words().any(|s| s == w)
        || CLAUSES.contains(&w.as_str())
        || OTHER_KEYWORDS.contains(&w.as_str())
}

/// Every keyword, for highlighting and completion.
pub fn keywords() -> impl Iterator<Item = &'static str> {
    source_words().chain(CLAUSES.iter().chain(OTHER_KEYWORDS).copied())
}

/// Whether `text` prints as a bare word that lexes back to itself: word characters only,
/// not a keyword, not a number.
pub fn is_plain_word(text: &str) -> bool {
    !text.is_empty()
        && text.chars().all(is_word_char)
        && !text.chars().all(|c| c.is_ascii_digit())
        && !is_keyword(text)
}
