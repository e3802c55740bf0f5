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
//! followed by one summary line, through the one caret renderer ([`diagnostic`]: windows of
//! long lines, sanitised text, colour as the caller decides).

use std::collections::HashMap;
use std::io::{self, Write};

use std::ops::Range;

use anstyle::{AnsiColor, Style};

use super::Outcome;
use crate::check::{Diagnostic, Severity, Sources};
use crate::corpus::lines::LineIndex;
use crate::corpus::parse::strip_bom;
use crate::render::diagnostic::{self, Caret, MAX_LINE_WIDTH, floor_char_boundary};

pub fn render(
    out: &mut dyn Write,
    outcome: &Outcome,
    sources: &Sources,
    color: bool,
) -> io::Result<()> {
    // Each file's line starts are found once, however many findings it has.
    let mut indexes: HashMap<&str, LineIndex> = HashMap::new();
    for d in outcome.diagnostics {
        let lines = sources.get_key_value(&d.path).map(|(path, text)| {
            &*indexes
                .entry(path.as_str())
                .or_insert_with(|| LineIndex::new(strip_bom(text)))
        });
        diagnostic(out, d, lines, color)?;
    }
    let t = outcome.totals();
    let style = match (color, t.errors > 0, t.warnings > 0) {
        (false, _, _) => Style::new(),
        (true, true, _) => AnsiColor::Red.on_default().bold(),
        (true, false, true) => AnsiColor::Yellow.on_default().bold(),
        (true, false, false) => Style::new().bold(),
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
    color: bool,
) -> io::Result<()> {
    let caret = Caret {
        severity: match d.severity {
            Severity::Error => diagnostic::Severity::Error,
            Severity::Warning => diagnostic::Severity::Warning,
        },
        code: Some(d.code),
        message: &d.message,
        origin: &d.path,
        line_number: d.line as usize,
        column: d.column as usize,
        line: lines.and_then(|lines| span(lines, d)),
        // rustc's help line: the did-you-mean and the fix (the same text as JSON's `help`).
        help: d.help.as_deref(),
    };
    out.write_all(diagnostic::render(&caret, color).as_bytes())
}

/// How far past the finding's column its subject is looked for, in bytes beyond the
/// subject's own length.
const SUBJECT_REACH: usize = 4 * MAX_LINE_WIDTH;

/// `d`'s line and the span to underline in it: the finding's subject when the line shows it
/// at or after the column (through a closing `)` or backtick), else the rest of the line.
/// `None` when the line is not in the source.
fn span<'a>(lines: &'a LineIndex, d: &Diagnostic) -> Option<(&'a str, Range<usize>)> {
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
    Some((line, at..at + end))
}
