//! A forgiving scan of a partly typed line, for highlighting, completion and the "is this line
//! finished?" check. It never fails: half a string or a stray character is a token too.

use crate::query::{self, TokenKind};

/// Whether `c` may appear in a bare word (the query language's rule).
pub fn is_word_char(c: char) -> bool {
    query::lex::is_word_char(c)
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TokKind {
    Word,
    /// A quoted string; `closed` is false when the line ends inside it.
    Str {
        closed: bool,
    },
    Op,
    LParen,
    RParen,
    Comma,
    /// A character the language does not use.
    Stray,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tok {
    pub kind: TokKind,
    pub start: usize,
    pub end: usize,
}

impl Tok {
    pub fn text<'a>(&self, src: &'a str) -> &'a str {
        &src[self.start..self.end]
    }
}

/// Splits `src` into tokens with byte ranges, with the query language's own lexer: its
/// errors become `Stray` tokens (or mark a string as unclosed) so the whole line is covered.
/// Returns the tokens and the number of stray characters.
pub fn scan(src: &str) -> (Vec<Tok>, usize) {
    let (tokens, errors) = query::lex(src);
    let mut out: Vec<Tok> = tokens
        .iter()
        .map(|t| {
            let kind = match &t.kind {
                TokenKind::Word => TokKind::Word,
                TokenKind::Str(_) => TokKind::Str {
                    closed: !errors.iter().any(|e| e.span.start == t.span.start),
                },
                TokenKind::Op(_) => TokKind::Op,
                TokenKind::LParen => TokKind::LParen,
                TokenKind::RParen => TokKind::RParen,
                TokenKind::Comma => TokKind::Comma,
            };
            Tok {
                kind,
                start: t.span.start,
                end: t.span.end,
            }
        })
        .collect();
    let mut stray = 0;
    for e in &errors {
        if !tokens.iter().any(|t| t.span.start == e.span.start) {
            stray += 1;
            out.push(Tok {
                kind: TokKind::Stray,
                start: e.span.start,
                end: e.span.end.max(e.span.start),
            });
        }
    }
    out.sort_by_key(|t| t.start);
    (out, stray)
}

/// Whether the line ends inside a quoted string.
pub fn open_quote(src: &str) -> bool {
    scan(src)
        .0
        .last()
        .is_some_and(|t| t.kind == TokKind::Str { closed: false })
}

/// Parentheses opened and not yet closed (never negative).
pub fn open_parens(src: &str) -> usize {
    let mut depth: usize = 0;
    for t in scan(src).0 {
        match t.kind {
            TokKind::LParen => depth += 1,
            TokKind::RParen => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    depth
}

/// Whether the input needs another line: an unclosed quote or parenthesis.
pub fn is_incomplete(src: &str) -> bool {
    open_quote(src) || open_parens(src) > 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scans_words_strings_operators_and_strays() {
        let src = "docs where title ~ \"a \\\" b\" and (words >= 10) @";
        let (toks, stray) = scan(src);
        let kinds: Vec<_> = toks.iter().map(|t| (t.kind.clone(), t.text(src))).collect();
        assert_eq!(
            kinds,
            vec![
                (TokKind::Word, "docs"),
                (TokKind::Word, "where"),
                (TokKind::Word, "title"),
                (TokKind::Op, "~"),
                (TokKind::Str { closed: true }, "\"a \\\" b\""),
                (TokKind::Word, "and"),
                (TokKind::LParen, "("),
                (TokKind::Word, "words"),
                (TokKind::Op, ">="),
                (TokKind::Word, "10"),
                (TokKind::RParen, ")"),
                (TokKind::Stray, "@"),
            ]
        );
        assert_eq!(stray, 1);
    }

    #[test]
    fn incomplete_lines() {
        for (src, open) in [
            ("docs", false),
            ("docs where title ~ \"redis", true),
            ("docs where title ~ 'it''s'", false),
            ("docs where title ~ \"say \\\"hi\\\"\"", false),
            ("docs where (kind = index", true),
            ("docs where (kind = index or (words > 3)", true),
            ("docs where (kind = index)", false),
            ("docs where kind = index)", false),
            ("docs where title ~ \"(\"", false),
            ("docs where title ~ \"é", true),
        ] {
            assert_eq!(is_incomplete(src), open, "{src}");
        }
    }
}
