//! Findings the way rustc and ruff print them:
//!
//! ```text
//! warning[AD005]: only 1 related link; the template asks for at least 2
//!   --> docs/atomic/x/y.md:42:1
//!    |
//! 42 | ## Related Documents
//!    | ^^^^^^^^^^^^^^^^^^^^
//!    |
//!    = help: Add links to the documents a reader needs next …
//! ```
//!
//! followed by one summary line. A line wider than [`MAX_LINE_WIDTH`] columns shows a window
//! around the finding ([`Snippet`]). Colour is optional (the caller decides); document text is
//! sanitised so no control character from a file reaches the terminal.

use std::collections::HashMap;
use std::io::{self, Write};

use anstyle::{AnsiColor, Style};

use super::Outcome;
use crate::check::{Diagnostic, Severity, Sources};
use crate::corpus::lines::LineIndex;
use crate::corpus::parse::strip_bom;
use crate::render::sanitize;
use crate::render::snippet::{MAX_LINE_WIDTH, Snippet, floor_char_boundary};

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
    // Each file's line starts are found once, however many findings it has.
    let mut indexes: HashMap<&str, LineIndex> = HashMap::new();
    for d in outcome.diagnostics {
        let lines = sources.get_key_value(&d.path).map(|(path, text)| {
            &*indexes
                .entry(path.as_str())
                .or_insert_with(|| LineIndex::new(strip_bom(text)))
        });
        diagnostic(out, d, lines, &st)?;
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
    lines: Option<&LineIndex>,
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
    let num = d.line.to_string();
    let pad = " ".repeat(num.len());
    writeln!(
        out,
        "{pad}{gutter}-->{gutter:#} {}:{}:{}",
        sanitize(&d.path),
        d.line,
        d.column
    )?;
    if let Some(snippet) = lines.and_then(|lines| snippet(lines, d)) {
        writeln!(out, "{pad} {gutter}|{gutter:#}")?;
        writeln!(out, "{gutter}{num} |{gutter:#} {}", snippet.text)?;
        writeln!(
            out,
            "{pad} {gutter}|{gutter:#} {}{style}{}{style:#}",
            " ".repeat(snippet.caret),
            "^".repeat(snippet.width.max(1))
        )?;
        writeln!(out, "{pad} {gutter}|{gutter:#}")?;
    }
    // rustc's help line: the did-you-mean and the fix (the same text as JSON's `help`).
    if let Some(help) = &d.help {
        writeln!(
            out,
            "{pad} {gutter}={gutter:#} {bold}help{bold:#}: {}",
            sanitize(help)
        )?;
    }
    Ok(())
}

/// How far past the finding's column its subject is looked for, in bytes beyond the
/// subject's own length.
const SUBJECT_REACH: usize = 4 * MAX_LINE_WIDTH;

/// The window of `d`'s line to show, around its span: the finding's subject when the line
/// shows it at or after the column (through a closing `)` or backtick), else the rest of the
/// line. `None` when the line is not in the source.
fn snippet(lines: &LineIndex, d: &Diagnostic) -> Option<Snippet> {
    let range = lines.line_range(d.line)?;
    let at = lines.offset(d.line, d.column)? - range.start;
    let line = &lines.src()[range];
    let tail = &line[at..];
    let reach = floor_char_boundary(tail, d.subject.len() + SUBJECT_REACH);
    let end = if !d.subject.is_empty()
        && let Some(pos) = tail[..reach].find(d.subject.as_str())
    {
        let mut end = pos + d.subject.len();
        if tail[end..].starts_with([')', '`']) {
            end += 1;
        }
        end
    } else if reach == tail.len() {
        tail.trim_end().len()
    } else {
        reach
    };
    Some(Snippet::window(line, at, at + end, MAX_LINE_WIDTH))
}
