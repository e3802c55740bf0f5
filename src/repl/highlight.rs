//! Colouring of the line being edited: keywords, strings, numbers, operators, and errors
//! (stray characters, an unmatched `)`, an unknown meta-command). Pure; the colours are
//! ANSI SGR sequences and the visible text is unchanged (rustyline requires the same width).

use std::borrow::Cow;

use super::lexical::{self, TokKind};
use super::meta::Meta;
use super::vocab;

pub const KEYWORD: &str = "\x1b[1;34m";
pub const STRING: &str = "\x1b[32m";
pub const NUMBER: &str = "\x1b[33m";
pub const OPERATOR: &str = "\x1b[36m";
pub const COMMAND: &str = "\x1b[1;35m";
pub const ERROR: &str = "\x1b[1;4;31m";
pub const HINT: &str = "\x1b[2m";
pub const RESET: &str = "\x1b[0m";

/// `line` with ANSI colours around its tokens.
pub fn highlight(line: &str) -> Cow<'_, str> {
    if line.trim().is_empty() {
        return Cow::Borrowed(line);
    }
    let mut out = String::with_capacity(line.len() * 2);
    let trimmed = line.trim_start();
    if trimmed.starts_with(':') {
        let lead = line.len() - trimmed.len();
        let name_end = trimmed.find(char::is_whitespace).unwrap_or(trimmed.len()) + lead;
        let name = &line[lead + 1..name_end];
        out.push_str(&line[..lead]);
        let style = if Meta::canonical(name).is_some() || name.is_empty() {
            COMMAND
        } else {
            ERROR
        };
        paint(&mut out, style, &line[lead..name_end]);
        // The rest of `:explain`/`:save`/`:run` holds a query or a name: colour it as a query.
        query(&mut out, &line[name_end..]);
        return Cow::Owned(out);
    }
    query(&mut out, line);
    Cow::Owned(out)
}

fn paint(out: &mut String, style: &str, text: &str) {
    out.push_str(style);
    out.push_str(text);
    out.push_str(RESET);
}

fn query(out: &mut String, src: &str) {
    let (tokens, _) = lexical::scan(src);
    let mut depth = 0usize;
    let mut at = 0;
    for (i, t) in tokens.iter().enumerate() {
        // A keyword spelling followed by an operator is a field (`broken > 0`).
        let is_field = tokens.get(i + 1).is_some_and(|n| n.kind == TokKind::Op);
        out.push_str(&src[at..t.start]);
        let text = t.text(src);
        let style = match &t.kind {
            TokKind::Word if vocab::is_keyword(text) && !is_field => Some(KEYWORD),
            TokKind::Word if text.chars().all(|c| c.is_ascii_digit()) => Some(NUMBER),
            TokKind::Word => None,
            TokKind::Str { .. } => Some(STRING),
            TokKind::Op => Some(OPERATOR),
            TokKind::LParen => {
                depth += 1;
                None
            }
            TokKind::RParen if depth == 0 => Some(ERROR),
            TokKind::RParen => {
                depth -= 1;
                None
            }
            TokKind::Comma => None,
            TokKind::Stray => Some(ERROR),
        };
        match style {
            Some(style) => paint(out, style, text),
            None => out.push_str(text),
        }
        at = t.end;
    }
    out.push_str(&src[at..]);
}

/// Removes ANSI SGR sequences (for tests and width checks).
pub fn strip(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\x1b' {
            for d in chars.by_ref() {
                if d == 'm' {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}
