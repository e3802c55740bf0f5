//! A window of one source line around a span, for every caret display (check findings, query
//! errors): at most [`MAX_LINE_WIDTH`] display columns, cut with `…`, with the caret run still
//! under the span. Building one looks at a bounded number of characters whatever the line's
//! length, so printing N findings costs O(N × width), never O(N × line length).

use unicode_width::UnicodeWidthStr;

use super::sanitize;

/// The most display columns a shown source line takes.
pub const MAX_LINE_WIDTH: usize = 120;

/// The part of a line that is shown, and where its caret run goes.
#[derive(Debug, PartialEq, Eq)]
pub struct Snippet {
    /// Sanitised ([`sanitize`]), tabs as four spaces, at most the budget's columns wide.
    pub text: String,
    /// Display columns before the caret run.
    pub caret: usize,
    /// Display columns of the caret run (0 for an empty span; draw at least one caret).
    pub width: usize,
}

impl Snippet {
    /// `line` shown in at most `budget` columns with `line[start..end]` underlined: the whole
    /// line when it fits; else as much of the span as fits, then context on both sides (the
    /// left side gets up to half of what is left, more when the right side is short), with
    /// `…` where the line is cut. No side looks at more than a few times `budget`
    /// characters, however long the line is.
    pub fn window(line: &str, start: usize, end: usize, budget: usize) -> Snippet {
        const CUT: &str = "…";
        let limit = 4 * budget;
        let (whole, whole_w, taken) = take_front(line, budget, limit);
        if taken == line.len() {
            let (_, caret, _) = take_front(&line[..start], budget, limit);
            let (_, width, _) = take_front(&line[start..end], budget, limit);
            return Snippet {
                text: whole,
                caret,
                width: width.min(whole_w - caret),
            };
        }
        // Room for a cut mark (one column) on each side.
        let inner = budget.saturating_sub(2);
        let (span, span_w, span_len) = take_front(&line[start..end], inner, limit);
        let span_end = start + span_len;
        let room = inner - span_w;
        let right_room = if span_end < end {
            0
        } else {
            take_front(&line[span_end..], room, limit).1
        };
        let left_avail = take_back(&line[..start], room, limit).1;
        let left_room = left_avail.min((room / 2).max(room - right_room));
        let (left, left_w, left_len) = take_back(&line[..start], left_room, limit);
        let (right, _, right_len) = if span_end < end {
            (String::new(), 0, 0)
        } else {
            take_front(&line[span_end..], room - left_w, limit)
        };
        let left_cut = left_len < start;
        let right_cut = span_end + right_len < line.len();
        let mut text = String::with_capacity(left.len() + span.len() + right.len() + 6);
        if left_cut {
            text.push_str(CUT);
        }
        text.push_str(&left);
        text.push_str(&span);
        text.push_str(&right);
        if right_cut {
            text.push_str(CUT);
        }
        Snippet {
            text,
            caret: usize::from(left_cut) + left_w,
            width: span_w,
        }
    }
}

/// How one character of a source line is shown: tabs as four spaces, control and
/// bidirectional-override characters as visible escapes ([`sanitize`]).
fn shown(c: char) -> (String, usize) {
    if c == '\t' {
        return ("    ".into(), 4);
    }
    let mut buf = [0u8; 4];
    let s = sanitize(c.encode_utf8(&mut buf)).into_owned();
    let width = s.width();
    (s, width)
}

/// The characters at the start of `text` that fit in `budget` columns (at most `limit` of
/// them): their shown form, its width, and the bytes of `text` they cover.
fn take_front(text: &str, budget: usize, limit: usize) -> (String, usize, usize) {
    let mut out = String::new();
    let mut width = 0;
    for (n, (i, c)) in text.char_indices().enumerate() {
        let (s, w) = shown(c);
        if n == limit || width + w > budget {
            return (out, width, i);
        }
        out.push_str(&s);
        width += w;
    }
    (out, width, text.len())
}

/// Like [`take_front`], from the end of `text`: the shown form reads left to right, and the
/// byte count is of the end of `text`.
fn take_back(text: &str, budget: usize, limit: usize) -> (String, usize, usize) {
    let mut pieces = Vec::new();
    let mut width = 0;
    let mut taken = 0;
    for (n, c) in text.chars().rev().enumerate() {
        let (s, w) = shown(c);
        if n == limit || width + w > budget {
            break;
        }
        pieces.push(s);
        width += w;
        taken += c.len_utf8();
    }
    pieces.reverse();
    (pieces.concat(), width, taken)
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
    use super::{MAX_LINE_WIDTH, Snippet};
    use unicode_width::UnicodeWidthStr;

    /// The text under the caret run: the columns `caret..caret + width` of the shown line.
    fn underlined(s: &Snippet) -> String {
        let mut col = 0;
        let mut out = String::new();
        for c in s.text.chars() {
            let w = c.to_string().width();
            if col >= s.caret && col + w <= s.caret + s.width {
                out.push(c);
            }
            col += w;
        }
        out
    }

    fn window(line: &str, span: &str) -> Snippet {
        let start = line.find(span).expect("span in line");
        Snippet::window(line, start, start + span.len(), MAX_LINE_WIDTH)
    }

    #[test]
    fn a_line_that_fits_is_shown_whole() {
        let s = window("see [x](gone.md) here", "[x](gone.md)");
        assert_eq!(s.text, "see [x](gone.md) here");
        assert_eq!((s.caret, s.width), (4, 12));
        let s = window("\tTODO\u{1b}[31m", "TODO");
        assert_eq!(s.text, "    TODO\\u{1b}[31m", "tabs expand, escapes show");
        assert_eq!(underlined(&s).replace('\u{301}', ""), "TODO");
    }

    #[test]
    fn a_long_line_shows_a_window_around_the_span_with_cut_marks() {
        let line = "word ".repeat(10_000) + "[x](gone.md)" + &" tail".repeat(10_000);
        let s = window(&line, "[x](gone.md)");
        assert!(s.text.width() <= MAX_LINE_WIDTH, "{}", s.text.width());
        assert!(
            s.text.starts_with('…') && s.text.ends_with('…'),
            "{}",
            s.text
        );
        assert_eq!(underlined(&s), "[x](gone.md)");
        assert!(s.caret > 30, "context on the left: {s:?}");

        // Near the start: no left cut, the right side takes the room.
        let line = "[x](gone.md) ".to_string() + &"tail ".repeat(1000);
        let s = window(&line, "[x](gone.md)");
        assert!(!s.text.starts_with('…') && s.text.ends_with('…'));
        assert!(s.text.width() >= MAX_LINE_WIDTH - 1);
        assert_eq!(underlined(&s), "[x](gone.md)");

        // Near the end: the left side takes the room.
        let line = "word ".repeat(1000) + "[x](gone.md)";
        let s = window(&line, "[x](gone.md)");
        assert!(s.text.starts_with('…') && !s.text.ends_with('…'));
        assert!(s.text.width() >= MAX_LINE_WIDTH - 1);
        assert_eq!(underlined(&s), "[x](gone.md)");
    }

    #[test]
    fn windows_count_display_columns() {
        let line = "文档".repeat(500) + "[链接](失踪.md)" + &"\t字".repeat(500);
        let s = window(&line, "[链接](失踪.md)");
        assert!(s.text.width() <= MAX_LINE_WIDTH, "{}", s.text.width());
        assert_eq!(underlined(&s), "[链接](失踪.md)");
        assert_eq!(s.width, "[链接](失踪.md)".width());

        // Characters of no width do not let a side walk the whole line.
        let line = "\u{301}".repeat(100_000) + "TODO" + &"\u{301}".repeat(100_000);
        let s = window(&line, "TODO");
        assert!(s.text.chars().count() < 4 * MAX_LINE_WIDTH * 2 + 10);
        assert_eq!(underlined(&s).replace('\u{301}', ""), "TODO");
    }

    #[test]
    fn a_span_wider_than_the_window_is_cut() {
        let target = "x".repeat(500);
        let line = format!("see [a]({target}) after");
        let s = window(&line, &format!("[a]({target})"));
        assert!(s.text.width() <= MAX_LINE_WIDTH);
        assert!(s.text.ends_with('…'));
        assert_eq!(s.caret + s.width, MAX_LINE_WIDTH - 1, "{s:?}");
    }
}
