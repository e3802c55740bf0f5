//! Search results and `atomdoc index` reports, as a table or JSON.

use std::io::{self, Write};

use super::sanitize;
use super::table::{Fit, Term, cut_right, fit_parts};
use crate::answer::Hit;
use crate::corpus::Corpus;
use crate::search::Excerpt;
use crate::store::Report;
use unicode_width::UnicodeWidthStr;

/// One search hit, ready to print as a numbered table entry (JSON prints the answer layer's
/// records, `answer::search_records`).
#[derive(Debug, Clone)]
pub struct SearchRow {
    pub path: String,
    pub title: String,
    pub category: Option<String>,
    pub kind: String,
    /// BM25 score, rounded to three decimals.
    pub score: f64,
    /// 1-based line of the best match, when found.
    pub line: Option<u32>,
    pub excerpt: Excerpt,
}

impl SearchRow {
    /// The row of one hit the answer layer computed.
    pub fn new(corpus: &Corpus, hit: Hit) -> SearchRow {
        let d = corpus.doc(hit.doc);
        SearchRow {
            path: d.path.clone(),
            title: d.display_title().to_string(),
            category: d.category.clone(),
            kind: d.kind.as_str().to_string(),
            score: round_score(hit.score),
            line: hit.excerpt.line,
            excerpt: hit.excerpt,
        }
    }
}

/// Rounds a score for output, so the same ranking prints the same digits.
pub fn round_score(score: f32) -> f64 {
    (f64::from(score) * 1000.0).round() / 1000.0
}

/// Numbered hits: `path:line  title  (score)`, then the excerpt indented, and the count
/// ("10 of 13 results" when the limit hid some of the `total` that matched). Fitted to
/// `term` as tables are ([`super::table`]): the location cut from the left, the title and the
/// excerpt at the right end. Styled, matches are highlighted (bold yellow) instead of marked
/// with `**`.
pub fn table(out: &mut dyn Write, rows: &[SearchRow], total: usize, term: &Term) -> io::Result<()> {
    const INDENT: usize = 5;
    let hl = anstyle::Style::new()
        .bold()
        .fg_color(Some(anstyle::AnsiColor::Yellow.into()));
    let (bold, _) = term.styles();
    for (i, row) in rows.iter().enumerate() {
        let location = match row.line {
            Some(line) => format!("{}:{line}", row.path),
            None => row.path.clone(),
        };
        let location = sanitize(&location).into_owned();
        let title = sanitize(&row.title).into_owned();
        let score = format!("(score {:.3})", row.score);
        let (location, title) = match term.width {
            Some(w) => {
                let room = w.saturating_sub(INDENT + 2 + score.width());
                match fit_parts(room, &[&location, &title], &[Fit::Path, Fit::Text]).as_slice() {
                    [l, t] => (l.clone(), t.clone()),
                    _ => (location, title),
                }
            }
            None => (location, title),
        };
        writeln!(
            out,
            "{:>3}. {bold}{location}{bold:#}  {title}  {score}",
            i + 1
        )?;
        let excerpt = match term.width {
            Some(w) => fitted(&row.excerpt, w.saturating_sub(INDENT)),
            None => trimmed(&row.excerpt),
        };
        if !excerpt.text.is_empty() {
            let text = if term.styled {
                excerpt.render(|m| format!("{hl}{}{hl:#}", sanitize(m)))
            } else {
                sanitize(&excerpt.marked()).into_owned()
            };
            writeln!(out, "{:INDENT$}{text}", "")?;
        }
    }
    writeln!(out, "{}", count_line(rows.len(), total))
}

/// The excerpt without white space around it.
fn trimmed(excerpt: &Excerpt) -> Excerpt {
    let text = excerpt.text.trim_end();
    let lead = text.len() - text.trim_start().len();
    Excerpt {
        text: text[lead..].to_string(),
        highlights: excerpt
            .highlights
            .iter()
            .filter(|r| r.start >= lead && r.end <= text.len())
            .map(|r| r.start - lead..r.end - lead)
            .collect(),
        line: excerpt.line,
    }
}

/// The trimmed excerpt cut at the right end (with `…`) to `width` display columns, its `**`
/// marks counted; the highlights past the cut go with the text.
fn fitted(excerpt: &Excerpt, width: usize) -> Excerpt {
    let mut e = trimmed(excerpt);
    if e.marked().width() <= width {
        return e;
    }
    let marks = 4 * e.highlights.len();
    let cut = cut_right(&e.text, width.saturating_sub(marks).max(1));
    let kept = if cut == e.text {
        cut.len()
    } else {
        cut.len() - "…".len()
    };
    e.highlights.retain(|r| r.end <= kept);
    e.text = cut;
    e
}

/// "3 results", or "10 of 13 results" when only `shown` of `total` are printed.
pub fn count_line(shown: usize, total: usize) -> String {
    let noun = if total == 1 { "result" } else { "results" };
    if shown < total {
        format!("{shown} of {total} {noun} (raise --limit to see more)")
    } else {
        format!("{shown} {noun}")
    }
}

/// `atomdoc index`: what changed, in one paragraph.
pub fn index_table(out: &mut dyn Write, report: &Report) -> io::Result<()> {
    let place = match &report.cache {
        Some(dir) => format!("cache {}", dir.display()),
        None => "in memory (--no-cache)".to_string(),
    };
    if report.full {
        writeln!(out, "indexed {} files from scratch ({place})", report.files)?;
    } else if report.added.is_empty() && report.changed.is_empty() && report.removed.is_empty() {
        writeln!(out, "up to date: {} files ({place})", report.files)?;
    } else {
        writeln!(
            out,
            "updated: {} added, {} changed, {} removed; {} files ({place})",
            report.added.len(),
            report.changed.len(),
            report.removed.len(),
            report.files
        )?;
    }
    for (sign, paths) in [
        ("+", &report.added),
        ("~", &report.changed),
        ("-", &report.removed),
    ] {
        for p in paths {
            writeln!(out, "  {sign} {}", sanitize(p))?;
        }
    }
    Ok(())
}

pub fn index_json(out: &mut dyn Write, report: &Report) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, report)?;
    writeln!(out)
}
