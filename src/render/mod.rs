//! Renderers: data in, text out through `impl Write`. No IO of their own.

pub mod coverage;
pub mod diagnostic;
pub mod diagnostics;
pub mod diff;
pub mod refactor;
pub mod rows;
pub mod search;
pub mod stats;
pub mod table;

/// Replaces control characters (including ESC, so no ANSI sequence from a document reaches
/// the terminal) and bidirectional-override characters (which can make text display in an
/// order other than the one it has, "Trojan Source") with visible escapes. Every renderer that
/// prints document text (titles, paths, headings, snippets) to a terminal goes through this.
pub fn sanitize(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(needs_escape) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if needs_escape(c) {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

fn needs_escape(c: char) -> bool {
    c.is_control() || is_bidi_control(c)
}

/// Unicode bidirectional embedding, override and isolate controls, and the marks.
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{061c}')
}

#[cfg(test)]
mod tests {
    use super::sanitize;

    #[test]
    fn sanitize_escapes_controls_ansi_and_bidi_and_keeps_the_rest() {
        let cases = [
            ("plain Ünïcødé 文档 — ok", "plain Ünïcødé 文档 — ok"),
            (
                "red \u{1b}[31mtext\u{1b}[0m",
                "red \\u{1b}[31mtext\\u{1b}[0m",
            ),
            ("two\nlines\r", "two\\nlines\\r"),
            ("tab\there", "tab\\there"),
            ("bell\u{7}", "bell\\u{7}"),
            ("c1 \u{9b}31m", "c1 \\u{9b}31m"),
            ("evil\u{202e}dm.exe", "evil\\u{202e}dm.exe"),
            ("iso\u{2066}x\u{2069}", "iso\\u{2066}x\\u{2069}"),
        ];
        for (input, want) in cases {
            assert_eq!(sanitize(input), want, "{input:?}");
        }
        assert!(matches!(sanitize("clean"), std::borrow::Cow::Borrowed(_)));
    }
}
