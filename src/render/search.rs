//! Search results and `atomdoc index` reports, as a table or JSON.

use std::io::{self, Write};

use super::sanitize;
use crate::answer::{self, Hit};
use crate::corpus::Corpus;
use crate::search::Excerpt;
use crate::store::Report;

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
    /// The excerpt with `**…**` around each match.
    pub snippet: String,
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
            snippet: answer::snippet(&hit.excerpt).unwrap_or_default(),
            excerpt: hit.excerpt,
        }
    }
}

/// Rounds a score for output, so the same ranking prints the same digits.
pub fn round_score(score: f32) -> f64 {
    (f64::from(score) * 1000.0).round() / 1000.0
}

/// Numbered hits: `path:line  title  (score)`, then the excerpt indented, and the count
/// ("10 of 13 results" when the limit hid some of the `total` that matched). `color`
/// highlights matches (bold yellow) instead of `**` markers.
pub fn table(out: &mut dyn Write, rows: &[SearchRow], total: usize, color: bool) -> io::Result<()> {
    let hl = anstyle::Style::new()
        .bold()
        .fg_color(Some(anstyle::AnsiColor::Yellow.into()));
    let path_style = anstyle::Style::new().bold();
    for (i, row) in rows.iter().enumerate() {
        let location = match row.line {
            Some(line) => format!("{}:{line}", row.path),
            None => row.path.clone(),
        };
        let location = sanitize(&location);
        if color {
            write!(out, "{:>3}. {path_style}{location}{path_style:#}", i + 1)?;
        } else {
            write!(out, "{:>3}. {location}", i + 1)?;
        }
        writeln!(out, "  {}  (score {:.3})", sanitize(&row.title), row.score)?;
        if !row.excerpt.text.is_empty() {
            let text = if color {
                row.excerpt.render(|m| format!("{hl}{}{hl:#}", sanitize(m)))
            } else {
                row.snippet.clone()
            };
            let text = if color {
                text
            } else {
                sanitize(&text).into_owned()
            };
            writeln!(out, "     {}", text.trim())?;
        }
    }
    writeln!(out, "{}", count_line(rows.len(), total))
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
