//! Findings the way rustc and ruff print them:
//!
//! ```text
//! warning[AD005]: only 1 related link; the template asks for at least 2
//!   --> docs/atomic/x/y.md:42:1
//!    |
//! 42 | ## Related Documents
//!    | ^^^^^^^^^^^^^^^^^^^^
//!    |
//! ```
//!
//! followed by one summary line. Colour is optional (the caller decides); document text is
//! sanitised so no control character from a file reaches the terminal.

use std::io::{self, Write};

use anstyle::{AnsiColor, Style};
use unicode_width::UnicodeWidthStr;

use super::Outcome;
use crate::check::{Diagnostic, Severity, Sources};
use crate::render::sanitize;

struct Styles {
    error: Style,
    warning: Style,
    gutter: Style,
    bold: Style,
}

impl Styles {
    fn new(color: bool) -> Styles {
        if !color {
            return Styles {
                error: Style::new(),
                warning: Style::new(),
                gutter: Style::new(),
                bold: Style::new(),
            };
        }
        Styles {
            error: AnsiColor::Red.on_default().bold(),
            warning: AnsiColor::Yellow.on_default().bold(),
            gutter: AnsiColor::Blue.on_default().bold(),
            bold: Style::new().bold(),
        }
    }
}

pub fn render(
    out: &mut dyn Write,
    outcome: &Outcome,
    sources: &Sources,
    color: bool,
) -> io::Result<()> {
    let st = Styles::new(color);
    for d in outcome.diagnostics {
        diagnostic(out, d, sources, &st)?;
    }
    let t = outcome.totals();
    let style = if t.errors > 0 {
        st.error
    } else if t.warnings > 0 {
        st.warning
    } else {
        st.bold
    };
    writeln!(
        out,
        "{style}{}{style:#}",
        capitalize(&outcome.summary_line())
    )
}

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

fn diagnostic(
    out: &mut dyn Write,
    d: &Diagnostic,
    sources: &Sources,
    st: &Styles,
) -> io::Result<()> {
    let (label, style) = match d.severity {
        Severity::Error => ("error", st.error),
        Severity::Warning => ("warning", st.warning),
    };
    let bold = st.bold;
    let gutter = st.gutter;
    writeln!(
        out,
        "{style}{label}[{}]{style:#}{bold}: {}{bold:#}",
        d.code,
        sanitize(&d.message)
    )?;
    let line_text = sources
        .get(&d.path)
        .and_then(|s| s.lines().nth(d.line as usize - 1))
        .map(|l| l.trim_end_matches('\r'));
    let num = d.line.to_string();
    let pad = " ".repeat(num.len());
    writeln!(
        out,
        "{pad}{gutter}-->{gutter:#} {}:{}:{}",
        sanitize(&d.path),
        d.line,
        d.column
    )?;
    if let Some(text) = line_text {
        let text = sanitize(&text.replace('\t', "    ")).into_owned();
        let (start, len) = underline(&text, d);
        writeln!(out, "{pad} {gutter}|{gutter:#}")?;
        writeln!(out, "{gutter}{num} |{gutter:#} {text}")?;
        writeln!(
            out,
            "{pad} {gutter}|{gutter:#} {}{style}{}{style:#}",
            " ".repeat(start),
            "^".repeat(len.max(1))
        )?;
        writeln!(out, "{pad} {gutter}|{gutter:#}")?;
    }
    Ok(())
}

/// Display column and width of the caret run: the finding's subject when the line shows it
/// at or after the column (through a closing `)` or backtick), else the rest of the line.
fn underline(text: &str, d: &Diagnostic) -> (usize, usize) {
    let col = (d.column as usize).saturating_sub(1);
    let byte_at = |chars: usize| {
        text.char_indices()
            .nth(chars)
            .map_or(text.len(), |(i, _)| i)
    };
    let start_b = byte_at(col);
    let start = text[..start_b].width();
    let tail = &text[start_b..];
    let end_b = if !d.subject.is_empty()
        && let Some(pos) = tail.find(d.subject.as_str())
    {
        let mut end = pos + d.subject.len();
        if tail[end..].starts_with([')', '`']) {
            end += 1;
        }
        end
    } else {
        tail.trim_end().len()
    };
    (start, tail[..end_b].width())
}
