//! The one caret renderer, for `check` findings and query errors alike: annotate-snippets,
//! the renderer rustc and cargo use.
//!
//! ```text
//! error[AD010]: broken link `../a/tt.md`: docs/atomic/a/tt.md does not exist
//!  --> docs/atomic/a/t.md:5:7
//!   |
//! 5 | A    see [x](../a/tt.md) and 漢字 [y](t.md#intr).
//!   |          ^^^^^^^^^^^^^^^
//!   |
//!   = help: did you mean `docs/atomic/a/t.md`? …
//! ```
//!
//! What is ours, around it: the line shown is sanitised ([`sanitize`]: no control character
//! or bidirectional override from a document reaches the terminal) with tabs as four spaces,
//! the span moved along; a line longer than a few times [`MAX_LINE_WIDTH`] is cut to a window
//! around the span first, so printing N findings costs O(N × width) whatever the lines'
//! length, and the renderer cuts what is left to [`MAX_LINE_WIDTH`] columns with `...`; the
//! column after `-->` is the caller's (a finding's own column, a query's character column).
//! Colour follows the caller's `--color` decision.

use std::ops::Range;

use super::sanitize;
use annotate_snippets::{AnnotationKind, Group, Level, Origin, Renderer, Snippet};

/// The most display columns a shown source line takes.
pub const MAX_LINE_WIDTH: usize = 120;

/// How bad a caret message is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    Error,
    Warning,
}

/// One message with a caret under a span of a source line.
#[derive(Debug, Clone)]
pub struct Caret<'a> {
    pub severity: Severity,
    /// A rule code (`AD010`), shown as `error[AD010]`.
    pub code: Option<&'a str>,
    pub message: &'a str,
    /// Where: a document's path, `query`, a saved query's file.
    pub origin: &'a str,
    /// 1-based line number in `origin`.
    pub line_number: usize,
    /// 1-based column shown after `-->`.
    pub column: usize,
    /// The source line (without its line break) and the byte range in it to underline;
    /// `None` when the line is not at hand (then only the location is shown).
    pub line: Option<(&'a str, Range<usize>)>,
    /// What to do, shown as `= help: …`.
    pub help: Option<&'a str>,
}

/// Renders `caret` rustc-style, ending with a newline; styled (colours) or plain.
pub fn render(caret: &Caret<'_>, styled: bool) -> String {
    let level = match caret.severity {
        Severity::Error => Level::ERROR,
        Severity::Warning => Level::WARNING,
    };
    let message = sanitize(caret.message);
    let mut title = level.primary_title(message.as_ref());
    if let Some(code) = caret.code {
        title = title.id(code);
    }
    let origin = sanitize(caret.origin);
    let help = caret.help.map(sanitize);
    let shown = caret
        .line
        .as_ref()
        .map(|(line, span)| Shown::new(line, span.clone()));
    let mut group = Group::with_title(title);
    group = match &shown {
        Some(shown) => group.element(
            Snippet::source(shown.text.as_str())
                .line_start(caret.line_number)
                .path(origin.as_ref())
                .annotation(AnnotationKind::Primary.span(shown.span.clone())),
        ),
        None => group.element(
            Origin::path(origin.as_ref())
                .line(caret.line_number)
                .char_column(caret.column),
        ),
    };
    if let Some(help) = &help {
        group = group.element(Level::HELP.message(help.as_ref()));
    }
    let renderer = if styled {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    let gutter = caret.line_number.to_string().len() + 3;
    let mut text = renderer
        .term_width(MAX_LINE_WIDTH + gutter)
        .render(&[group]);
    // The location names the caller's column (a tab is one column there, as editors count).
    if shown.is_some() {
        text = with_column(&text, origin.as_ref(), caret.line_number, caret.column);
    }
    text.push('\n');
    text
}

/// Replaces the column of the first `--> origin:line:column` line.
fn with_column(text: &str, origin: &str, line: usize, column: usize) -> String {
    let prefix = format!("{origin}:{line}:");
    let Some(at) = text.find(&prefix) else {
        return text.to_string();
    };
    let from = at + prefix.len();
    let digits = text[from..]
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len() - from);
    format!("{}{column}{}", &text[..from], &text[from + digits..])
}

/// The part of a line shown: at most a few times [`MAX_LINE_WIDTH`] characters around the
/// span, each character as it is displayed, and where the span went.
struct Shown {
    text: String,
    span: Range<usize>,
}

impl Shown {
    fn new(line: &str, span: Range<usize>) -> Shown {
        let reach = 4 * MAX_LINE_WIDTH;
        let start = floor_char_boundary(line, span.start);
        let end = floor_char_boundary(line, span.end).max(start);
        // The window: `reach` characters before the span, the span (at most `reach`), and
        // `reach` after.
        let from = line[..start]
            .char_indices()
            .rev()
            .nth(reach)
            .map_or(0, |(i, _)| i);
        let span_end = line[start..end]
            .char_indices()
            .nth(reach)
            .map_or(end, |(i, _)| start + i);
        let to = line[span_end..]
            .char_indices()
            .nth(reach)
            .map_or(line.len(), |(i, _)| span_end + i);
        let mut text = String::new();
        let mut shown_span = 0..0;
        for (i, c) in line[from..to].char_indices() {
            let i = from + i;
            if i == start {
                shown_span.start = text.len();
            }
            if i == span_end {
                shown_span.end = text.len();
            }
            if c == '\t' {
                text.push_str("    ");
            } else {
                let mut buf = [0u8; 4];
                text.push_str(&sanitize(c.encode_utf8(&mut buf)));
            }
        }
        if start >= to {
            shown_span.start = text.len();
        }
        if span_end >= to {
            shown_span.end = text.len();
        }
        Shown {
            text,
            span: shown_span,
        }
    }
}

/// The largest char boundary of `text` at or below `at`.
pub fn floor_char_boundary(text: &str, at: usize) -> usize {
    let mut at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

#[cfg(test)]
mod tests {
    use super::*;
    use unicode_width::UnicodeWidthStr;

    fn caret<'a>(line: &'a str, span: &str, help: Option<&'a str>) -> Caret<'a> {
        let start = line.find(span).expect("span in line");
        Caret {
            severity: Severity::Error,
            code: Some("AD010"),
            message: "broken link",
            origin: "docs/a.md",
            line_number: 5,
            column: line[..start].chars().count() + 1,
            line: Some((line, start..start + span.len())),
            help,
        }
    }

    #[test]
    fn carets_sit_under_the_span_after_tabs_and_wide_characters() {
        let line = "A\tsee [x](../a/tt.md) and 漢字 [y](t.md#intr).";
        let help = Some("did you mean `t.md#intro`?");
        let text = render(&caret(line, "[y](t.md#intr)", help), false);
        assert_eq!(
            text,
            "\
error[AD010]: broken link
 --> docs/a.md:5:30
  |
5 | A    see [x](../a/tt.md) and 漢字 [y](t.md#intr).
  |                                   ^^^^^^^^^^^^^^
  |
  = help: did you mean `t.md#intro`?
"
        );
        let styled = render(&caret(line, "[y](t.md#intr)", help), true);
        assert!(styled.contains('\u{1b}'), "colour when styled");
    }

    #[test]
    fn control_characters_and_long_lines_are_tamed() {
        let line = "word ".repeat(10_000) + "\u{1b}[31m[x](gone.md)" + &" tail".repeat(10_000);
        let text = render(&caret(&line, "[x](gone.md)", None), false);
        assert!(!text.contains('\u{1b}'), "{text}");
        assert!(text.contains("\\u{1b}[31m[x](gone.md)"), "{text}");
        assert!(
            text.lines().all(|l| l.width() <= MAX_LINE_WIDTH + 8),
            "{text}"
        );
        let under = text.lines().find(|l| l.contains('^')).unwrap();
        let source = text.lines().find(|l| l.starts_with("5 |")).unwrap();
        let at = under.find('^').unwrap();
        assert_eq!(&source[at..at + 12], "[x](gone.md)", "{text}");
    }
}
