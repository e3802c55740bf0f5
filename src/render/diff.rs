//! `atomdoc diff` as text: a table for people, JSON for programs, Markdown for a pull-request
//! comment. (GitHub annotations and SARIF of the new findings are `render::diagnostics`'.)
//!
//! Formatting only: the comparison and its link rows come from [`crate::diff::Report`], the
//! link rows printed exactly as `query` prints them ([`super::rows`]).

use std::io::{self, Write};

use serde::Serialize;

use super::rows::{self, JsonRecords};
use super::sanitize;
use super::table::{Fit, GAP, Term, fit_parts};
use crate::answer::Records;
use crate::check::Diagnostic;
use crate::diff::{CoverageChange, PairChange, Report, Rev, Summary};
use crate::moves::Move;
use crate::query::Cell;

/// GitHub refuses comments longer than this many characters.
pub const COMMENT_LIMIT: usize = 65_536;

/// The first line of the Markdown comment, which a workflow finds to update the comment
/// instead of adding another.
pub const COMMENT_MARKER: &str = "<!-- atomdoc-diff -->";

/// Lists longer than this are folded in `<details>` in the Markdown comment.
const FOLD_AFTER: usize = 10;

/// The one-line headline: `+2 orphans · −3 broken links · 1 moved`; what did not change is
/// left out.
pub fn headline(s: &Summary) -> String {
    let mut parts = Vec::new();
    let mut count = |n: usize, sign: &str, one: &str, many: &str| {
        if n > 0 {
            parts.push(format!("{sign}{n} {}", if n == 1 { one } else { many }));
        }
    };
    count(
        s.broken_new + s.broken_by_move,
        "+",
        "broken link",
        "broken links",
    );
    count(s.broken_fixed, "−", "broken link", "broken links");
    count(s.orphans_new, "+", "orphan", "orphans");
    count(s.orphans_fixed, "−", "orphan", "orphans");
    count(s.documents_added, "+", "document", "documents");
    count(s.documents_removed, "−", "document", "documents");
    count(s.documents_moved, "", "moved", "moved");
    count(s.diagnostics_new, "+", "finding", "findings");
    count(s.diagnostics_fixed, "−", "finding", "findings");
    count(s.edges_added, "+", "edge", "edges");
    count(s.edges_removed, "−", "edge", "edges");
    if parts.is_empty() {
        "no change to the docs graph".to_string()
    } else {
        parts.join(" · ")
    }
}

fn rev_name(r: &Rev) -> String {
    match &r.commit {
        Some(c) => format!("{} ({})", r.rev, &c[..c.len().min(10)]),
        None => r.rev.clone(),
    }
}

// ---------------------------------------------------------------------------------------
// JSON

#[derive(Serialize)]
struct Json<'a> {
    base: &'a Rev,
    head: &'a Rev,
    documents: Documents<'a>,
    broken: Broken<'a>,
    orphans: Pair<'a, String>,
    edges: Edges<'a>,
    pairs: &'a [PairChange],
    diagnostics: Pair<'a, Diagnostic>,
    coverage: &'a [CoverageChange],
    summary: &'a Summary,
}

#[derive(Serialize)]
struct Documents<'a> {
    added: &'a [String],
    removed: &'a [String],
    moved: &'a [Move],
}

#[derive(Serialize)]
struct Broken<'a> {
    new: JsonRecords<'a>,
    fixed: JsonRecords<'a>,
    by_move: JsonRecords<'a>,
}

#[derive(Serialize)]
struct Pair<'a, T> {
    new: &'a [T],
    fixed: &'a [T],
}

#[derive(Serialize)]
struct Edges<'a> {
    added: JsonRecords<'a>,
    removed: JsonRecords<'a>,
}

/// The report as one JSON object (`docs/schema/diff.schema.json`), pretty-printed.
pub fn json(out: &mut dyn Write, r: &Report) -> io::Result<()> {
    let d = &r.diff;
    let doc = Json {
        base: &r.base,
        head: &r.head,
        documents: Documents {
            added: &d.added,
            removed: &d.removed,
            moved: &d.moved,
        },
        broken: Broken {
            new: JsonRecords(&r.broken_new),
            fixed: JsonRecords(&r.broken_fixed),
            by_move: JsonRecords(&r.broken_by_move),
        },
        orphans: Pair {
            new: &d.orphans_new,
            fixed: &d.orphans_fixed,
        },
        edges: Edges {
            added: JsonRecords(&r.edges_added),
            removed: JsonRecords(&r.edges_removed),
        },
        pairs: &d.pairs,
        diagnostics: Pair {
            new: &d.diagnostics_new,
            fixed: &d.diagnostics_fixed,
        },
        coverage: &d.coverage,
        summary: &r.summary,
    };
    serde_json::to_writer_pretty(&mut *out, &doc)?;
    writeln!(out)
}

// ---------------------------------------------------------------------------------------
// Table

/// The report for a terminal: a headline, then one section per kind that changed.
pub fn table(out: &mut dyn Write, r: &Report, term: &Term) -> io::Result<()> {
    let (bold, dim) = term.styles();
    let d = &r.diff;
    writeln!(
        out,
        "{dim}{} → {}{dim:#}",
        sanitize(&rev_name(&r.base)),
        sanitize(&rev_name(&r.head))
    )?;
    let headline = headline(&r.summary);
    let parts: Vec<&str> = headline.split(" · ").collect();
    for line in super::table::join_fitted(&parts, " · ", term.width) {
        writeln!(out, "{bold}{line}{bold:#}")?;
    }
    let section = |out: &mut dyn Write, title: String| -> io::Result<()> {
        writeln!(out, "\n{bold}{title}{bold:#}")
    };
    // Path lines fit the terminal as table cells do: cut from the left, file names kept.
    let fit = |indent: usize, paths: &[&str]| -> Vec<String> {
        let paths: Vec<String> = paths.iter().map(|p| sanitize(p).into_owned()).collect();
        let texts: Vec<&str> = paths.iter().map(String::as_str).collect();
        match term.width {
            Some(w) => {
                let room = w.saturating_sub(indent) + GAP * (texts.len() - 1);
                fit_parts(room, &texts, &vec![Fit::Path; texts.len()])
            }
            None => paths,
        }
    };
    if !(d.added.is_empty() && d.removed.is_empty() && d.moved.is_empty()) {
        section(out, "documents".into())?;
        for m in &d.moved {
            // `  moved    ` and ` → ` take three columns more than the gap between the two.
            let both = fit(11 + 3, &[&m.from, &m.to]);
            writeln!(out, "  moved    {} → {}", both[0], both[1])?;
        }
        for p in &d.added {
            writeln!(out, "  added    {}", fit(11, &[p])[0])?;
        }
        for p in &d.removed {
            writeln!(out, "  removed  {}", fit(11, &[p])[0])?;
        }
    }
    let links = [
        ("new broken links", &r.broken_new),
        (
            "broken by a move (fix: point them at moved_to)",
            &r.broken_by_move,
        ),
        ("fixed broken links", &r.broken_fixed),
        ("edges added", &r.edges_added),
        ("edges removed", &r.edges_removed),
    ];
    for (title, records) in links {
        if !records.rows.is_empty() {
            section(out, title.into())?;
            rows::table(out, records, term)?;
        }
    }
    for (title, paths) in [
        ("new orphans", &d.orphans_new),
        ("orphans fixed", &d.orphans_fixed),
    ] {
        if !paths.is_empty() {
            section(out, title.into())?;
            for p in paths {
                writeln!(out, "  {}", fit(2, &[p])[0])?;
            }
        }
    }
    if !d.pairs.is_empty() {
        section(out, "edges between categories".into())?;
        for p in &d.pairs {
            writeln!(
                out,
                "  {} → {}: {} → {}",
                sanitize(category(&p.from)),
                sanitize(category(&p.to)),
                p.before,
                p.after
            )?;
        }
    }
    for (title, list) in [
        ("new findings", &d.diagnostics_new),
        ("fixed findings", &d.diagnostics_fixed),
    ] {
        if !list.is_empty() {
            section(out, title.into())?;
            for f in list {
                writeln!(
                    out,
                    "  {}:{}:{}  {}[{}] {}",
                    sanitize(&f.path),
                    f.line,
                    f.column,
                    f.severity.as_str(),
                    f.code,
                    sanitize(&f.message)
                )?;
            }
        }
    }
    let changed: Vec<&CoverageChange> = d.coverage.iter().filter(|c| c.before != c.after).collect();
    if !changed.is_empty() {
        section(out, "coverage (documents passing the checks)".into())?;
        for c in changed {
            writeln!(
                out,
                "  {}: {} → {}",
                sanitize(c.category.as_deref().unwrap_or("total")),
                passing(c.before.as_ref()),
                passing(c.after.as_ref())
            )?;
        }
    }
    Ok(())
}

fn category(c: &Option<String>) -> &str {
    c.as_deref().unwrap_or("(root)")
}

fn passing(row: Option<&crate::check::coverage::SummaryRow>) -> String {
    match row {
        Some(r) => format!("{}/{} ({}%)", r.passing, r.documents, r.passing_pct),
        None => "–".into(),
    }
}

// ---------------------------------------------------------------------------------------
// Markdown

/// Text safe in a Markdown table cell: no HTML, no pipes, no line breaks, no code fences.
fn md(text: &str) -> String {
    let mut s = String::with_capacity(text.len());
    for c in sanitize(text).chars() {
        match c {
            '|' => s.push_str("\\|"),
            '<' => s.push_str("&lt;"),
            '>' => s.push_str("&gt;"),
            '&' => s.push_str("&amp;"),
            '`' => s.push_str("\\`"),
            '*' | '_' | '[' | ']' | '\\' | '#' | '~' => {
                s.push('\\');
                s.push(c);
            }
            c => s.push(c),
        }
    }
    s
}

fn md_cell(c: &Cell) -> String {
    match c {
        Cell::Text(t) => md(t),
        Cell::List(items) => md(&items.join(", ")),
        other => super::rows::cell_text(other),
    }
}

/// One table of the comment: a title and rows of cells (already Markdown).
struct Table {
    title: String,
    header: Vec<String>,
    rows: Vec<Vec<String>>,
}

impl Table {
    fn of_records(title: &str, r: &Records) -> Table {
        Table {
            title: title.to_string(),
            header: r.columns.clone(),
            rows: r
                .rows
                .iter()
                .map(|row| row.iter().map(md_cell).collect())
                .collect(),
        }
    }

    fn of_paths(title: &str, paths: &[String]) -> Table {
        Table {
            title: title.to_string(),
            header: vec!["path".into()],
            rows: paths.iter().map(|p| vec![md(p)]).collect(),
        }
    }

    fn line(cells: &[String]) -> String {
        format!("| {} |\n", cells.join(" | "))
    }

    /// The table as Markdown with at most `rows` of its rows.
    fn text(&self, rows: usize) -> String {
        let mut s = String::new();
        let folded = self.rows.len() > FOLD_AFTER;
        let title = format!("{} ({})", self.title, self.rows.len());
        if folded {
            s.push_str(&format!("<details><summary>{title}</summary>\n\n"));
        } else {
            s.push_str(&format!("**{title}**\n\n"));
        }
        s.push_str(&Table::line(&self.header));
        s.push_str(&Table::line(&vec!["---".to_string(); self.header.len()]));
        for row in self.rows.iter().take(rows) {
            s.push_str(&Table::line(row));
        }
        if rows < self.rows.len() {
            s.push_str(&format!(
                "\n… {} more rows not shown (GitHub's comment limit); run `atomdoc diff` for all\n",
                self.rows.len() - rows
            ));
        }
        if folded {
            s.push_str("\n</details>\n");
        }
        s.push('\n');
        s
    }
}

/// The report as a pull-request comment: a marker for the workflow to find it, a headline,
/// one table per kind (long ones folded in `<details>`), under GitHub's 65,536-character
/// limit (rows are cut, with a note, when it would be longer).
pub fn markdown(out: &mut dyn Write, r: &Report) -> io::Result<()> {
    out.write_all(markdown_text(r, COMMENT_LIMIT).as_bytes())
}

/// [`markdown`] as a string of at most `limit` characters.
pub fn markdown_text(r: &Report, limit: usize) -> String {
    let d = &r.diff;
    let mut head = format!(
        "{COMMENT_MARKER}\n### atomdoc diff: {}\n\n<sub>{} → {}</sub>\n\n",
        md(&headline(&r.summary)),
        md(&rev_name(&r.base)),
        md(&rev_name(&r.head)),
    );
    let mut tables = Vec::new();
    if !d.moved.is_empty() {
        tables.push(Table {
            title: "Moved documents".into(),
            header: vec!["from".into(), "to".into()],
            rows: d
                .moved
                .iter()
                .map(|m| vec![md(&m.from), md(&m.to)])
                .collect(),
        });
    }
    let paths = [
        ("Added documents", &d.added),
        ("Removed documents", &d.removed),
    ];
    for (title, list) in paths {
        if !list.is_empty() {
            tables.push(Table::of_paths(title, list));
        }
    }
    let links = [
        ("New broken links", &r.broken_new),
        (
            "Links broken by a move (fix: `moved_to`)",
            &r.broken_by_move,
        ),
        ("Fixed broken links", &r.broken_fixed),
    ];
    for (title, records) in links {
        if !records.rows.is_empty() {
            tables.push(Table::of_records(title, records));
        }
    }
    for (title, list) in [
        ("New orphans", &d.orphans_new),
        ("Orphans fixed", &d.orphans_fixed),
    ] {
        if !list.is_empty() {
            tables.push(Table::of_paths(title, list));
        }
    }
    for (title, list) in [
        ("New findings", &d.diagnostics_new),
        ("Fixed findings", &d.diagnostics_fixed),
    ] {
        if !list.is_empty() {
            tables.push(Table {
                title: title.into(),
                header: ["rule", "path", "line", "message"]
                    .map(String::from)
                    .to_vec(),
                rows: list
                    .iter()
                    .map(|f| {
                        vec![
                            f.code.to_string(),
                            md(&f.path),
                            f.line.to_string(),
                            md(&f.message),
                        ]
                    })
                    .collect(),
            });
        }
    }
    if !d.pairs.is_empty() {
        tables.push(Table {
            title: "Edges between categories".into(),
            header: ["from", "to", "before", "after"].map(String::from).to_vec(),
            rows: d
                .pairs
                .iter()
                .map(|p| {
                    vec![
                        md(category(&p.from)),
                        md(category(&p.to)),
                        p.before.to_string(),
                        p.after.to_string(),
                    ]
                })
                .collect(),
        });
    }
    let changed: Vec<&CoverageChange> = d.coverage.iter().filter(|c| c.before != c.after).collect();
    if !changed.is_empty() {
        tables.push(Table {
            title: "Coverage (documents passing the checks)".into(),
            header: ["category", "before", "after"].map(String::from).to_vec(),
            rows: changed
                .iter()
                .map(|c| {
                    vec![
                        md(c.category.as_deref().unwrap_or("total")),
                        passing(c.before.as_ref()),
                        passing(c.after.as_ref()),
                    ]
                })
                .collect(),
        });
    }
    for (title, records) in [
        ("Edges added", &r.edges_added),
        ("Edges removed", &r.edges_removed),
    ] {
        if !records.rows.is_empty() {
            tables.push(Table::of_records(title, records));
        }
    }
    // Fit: each table gets the rows that fit in what is left, in order; a table cut short
    // says so.
    let closing = "\n<sub>Some rows were cut to stay under GitHub's comment limit.</sub>\n";
    let mut budget = limit.saturating_sub(head.chars().count() + closing.len());
    let mut cut = false;
    for t in &tables {
        let whole = t.text(t.rows.len());
        if whole.chars().count() <= budget {
            budget -= whole.chars().count();
            head.push_str(&whole);
            continue;
        }
        cut = true;
        // The most rows that fit (the text grows with each row): search.
        let (mut lo, mut hi) = (0, t.rows.len());
        while lo < hi {
            let mid = (lo + hi).div_ceil(2);
            if t.text(mid).chars().count() <= budget {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        let part = t.text(lo);
        if part.chars().count() <= budget {
            budget -= part.chars().count();
            head.push_str(&part);
        }
    }
    if cut {
        head.push_str(closing);
    }
    head
}
