//! Query answers as a table for people, JSON or CSV for programs.
//!
//! Formatting only: the records (named columns of cells, with metrics, excerpts and
//! suggestions) come from [`crate::answer`], once for every face, so the formats and the
//! faces always agree. Document text is sanitized before it reaches a terminal, and CSV cells
//! that a spreadsheet would run as a formula get a leading `'`.

use std::io::{self, Write};

use serde::ser::{SerializeMap, SerializeSeq};
use unicode_width::UnicodeWidthStr;

use super::sanitize;
use super::table::{Fit, Term};
use crate::answer::Records;
use crate::query::Cell;

/// `3 documents`, `1 link`, `no documents`.
pub fn count_line(r: &Records) -> String {
    match r.rows.len() {
        0 => format!("no {}", r.noun.1),
        1 => format!("1 {}", r.noun.0),
        n => format!("{n} {}", r.noun.1),
    }
}

pub(crate) fn cell_text(c: &Cell) -> String {
    match c {
        Cell::Null => String::new(),
        Cell::Bool(b) => b.to_string(),
        Cell::Int(n) => n.to_string(),
        Cell::Text(t) => sanitize(t).into_owned(),
        Cell::Score(n) => format!("{}.{:03}", n / 1000, n % 1000),
        Cell::Fixed { scaled, places } => {
            let unit = 10u64.pow(u32::from(*places));
            match places {
                0 => scaled.to_string(),
                p => format!(
                    "{}.{:0w$}",
                    scaled / unit,
                    scaled % unit,
                    w = usize::from(*p)
                ),
            }
        }
        Cell::List(items) => sanitize(&items.join(", ")).into_owned(),
    }
}

/// Columns the table prints as an indented hint line under their row (when not empty)
/// instead of as a column: long, occasional text such as did-you-mean suggestions.
pub const HINT_COLUMNS: [&str; 1] = ["suggestions"];

/// Columns every row of their kind carries (JSON and CSV always have them) that a table
/// leaves out while they are false in every row: flags that are rarely set.
pub const QUIET_WHEN_FALSE: [&str; 1] = ["from_referrer"];

/// An aligned table with a header and a count line, fitted to `term` ([`super::table`]): the
/// header bold and the count line dimmed when styled.
///
/// A column that is empty in every row (say `reason` for links that are not broken) is left
/// out of the table, and so are `resolved` where it repeats `target` and `from_referrer`
/// while false ([`QUIET_WHEN_FALSE`]); JSON and CSV keep every column and every value.
pub fn table(out: &mut dyn Write, r: &Records, term: &Term) -> io::Result<()> {
    let (_, dim) = term.styles();
    if r.rows.is_empty() {
        let text = r.empty_note.clone().unwrap_or_else(|| count_line(r));
        return writeln!(out, "{dim}{text}{dim:#}");
    }
    let hints: Vec<usize> = (0..r.columns.len())
        .filter(|&i| HINT_COLUMNS.contains(&r.columns[i].as_str()))
        .collect();
    // A link's `resolved` path that repeats its `target` as written (a code-span link names
    // the repo-relative path) says nothing new: the cell is left empty, and the column goes
    // when that holds in every row, so one `target` column remains.
    let target = r.columns.iter().position(|c| c == "target");
    let resolved = r.columns.iter().position(|c| c == "resolved");
    let shown = |row: &[Cell], i: usize| -> Cell {
        match (target, resolved) {
            (Some(t), Some(res)) if i == res && row[t] == row[res] => Cell::Null,
            _ => row[i].clone(),
        }
    };
    let quiet = |i: usize| {
        QUIET_WHEN_FALSE.contains(&r.columns[i].as_str())
            && r.rows.iter().all(|row| row[i] == Cell::Bool(false))
    };
    let keep: Vec<usize> = (0..r.columns.len())
        .filter(|&i| !hints.contains(&i) && !quiet(i))
        .filter(|&i| r.rows.iter().any(|row| shown(row, i) != Cell::Null))
        .collect();
    let cells: Vec<Vec<String>> = r
        .rows
        .iter()
        .map(|row| keep.iter().map(|&i| cell_text(&shown(row, i))).collect())
        .collect();
    let fits: Vec<Fit> = keep
        .iter()
        .map(|&i| {
            let numeric = r.rows.iter().all(|row| {
                matches!(
                    row[i],
                    Cell::Int(_) | Cell::Score(_) | Cell::Fixed { .. } | Cell::Null
                )
            });
            if numeric {
                Fit::Number
            } else {
                Fit::of_name(&r.columns[i])
            }
        })
        .collect();
    let header: Vec<&str> = keep.iter().map(|&i| r.columns[i].as_str()).collect();
    super::table::write(out, term, &header, &fits, &cells, &mut |n| {
        hints
            .iter()
            .filter_map(|&i| match &r.rows[n][i] {
                Cell::List(items) if !items.is_empty() => {
                    Some(format!("  did you mean: {}", sanitize(&items.join(", "))))
                }
                _ => None,
            })
            .collect()
    })?;
    writeln!(out, "{dim}{}{dim:#}", count_line(r))
}

/// One block per record, psql's expanded display (`\x`): a `-[ RECORD n ]-` rule, then one
/// `column | value` line per column (names padded to the longest), then the count line. For
/// rows too wide for a terminal.
pub fn records(out: &mut dyn Write, r: &Records, term: &Term) -> io::Result<()> {
    let (bold, dim) = term.styles();
    if r.rows.is_empty() {
        let text = r.empty_note.clone().unwrap_or_else(|| count_line(r));
        return writeln!(out, "{dim}{text}{dim:#}");
    }
    let name_width = r.columns.iter().map(|c| c.width()).max().unwrap_or(0);
    for (n, row) in r.rows.iter().enumerate() {
        writeln!(out, "{bold}-[ RECORD {} ]-{bold:#}", n + 1)?;
        for (name, cell) in r.columns.iter().zip(row) {
            let pad = " ".repeat(name_width - name.width());
            let value = cell_text(cell);
            let sep = if value.is_empty() { "" } else { " " };
            writeln!(out, "{bold}{name}{bold:#}{pad} |{sep}{value}")?;
        }
    }
    writeln!(out, "{dim}{}{dim:#}", count_line(r))
}

struct JsonCell<'a>(&'a Cell);

impl serde::Serialize for JsonCell<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.0 {
            Cell::Null => s.serialize_none(),
            Cell::Bool(b) => s.serialize_bool(*b),
            Cell::Int(n) => s.serialize_u64(*n),
            Cell::Text(t) => s.serialize_str(t),
            Cell::Score(n) => s.serialize_f64(*n as f64 / 1000.0),
            Cell::Fixed { scaled, places } => {
                s.serialize_f64(*scaled as f64 / 10f64.powi(i32::from(*places)))
            }
            Cell::List(items) => {
                let mut seq = s.serialize_seq(Some(items.len()))?;
                for item in items {
                    seq.serialize_element(item)?;
                }
                seq.end()
            }
        }
    }
}

/// One record as a JSON object, keys in column order.
struct JsonRow<'a>(&'a [String], &'a [Cell]);

impl serde::Serialize for JsonRow<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in self.0.iter().zip(self.1) {
            map.serialize_entry(k, &JsonCell(v))?;
        }
        map.end()
    }
}

/// The records as a JSON array of objects.
pub struct JsonRecords<'a>(pub &'a Records);

impl serde::Serialize for JsonRecords<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(self.0.rows.len()))?;
        for row in &self.0.rows {
            seq.serialize_element(&JsonRow(&self.0.columns, row))?;
        }
        seq.end()
    }
}

/// A JSON array of row objects (keys in column order), pretty-printed, newline-terminated.
pub fn json(out: &mut dyn Write, r: &Records) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, &JsonRecords(r))?;
    writeln!(out)
}

/// JSON Lines: one compact object per row (keys in column order), nothing for no rows, so
/// a stream of answers stays parseable line by line.
pub fn json_lines(out: &mut dyn Write, r: &Records) -> io::Result<()> {
    for row in &r.rows {
        serde_json::to_writer(&mut *out, &JsonRow(&r.columns, row))?;
        writeln!(out)?;
    }
    Ok(())
}

/// Several queries' answers: `[{"query": "…", "rows": […]}, …]`.
pub fn json_many(out: &mut dyn Write, answers: &[(String, Records)]) -> io::Result<()> {
    struct Answer<'a>(&'a str, &'a Records);
    impl serde::Serialize for Answer<'_> {
        fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            let mut map = s.serialize_map(Some(2))?;
            map.serialize_entry("query", self.0)?;
            map.serialize_entry("rows", &JsonRecords(self.1))?;
            map.end()
        }
    }
    let all: Vec<Answer> = answers.iter().map(|(q, r)| Answer(q, r)).collect();
    serde_json::to_writer_pretty(&mut *out, &all)?;
    writeln!(out)
}

/// Prefixes `'` to a cell a spreadsheet would read as a formula (`=`, `+`, `-`, `@`, tab,
/// carriage return first).
pub fn guard_formula(text: &str) -> std::borrow::Cow<'_, str> {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        std::borrow::Cow::Owned(format!("'{text}"))
    } else {
        std::borrow::Cow::Borrowed(text)
    }
}

/// CSV with a header row; null cells are empty.
pub fn csv(out: &mut dyn Write, r: &Records) -> io::Result<()> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record(&r.columns)?;
    for row in &r.rows {
        let cells: Vec<String> = row
            .iter()
            .map(|c| match c {
                Cell::Text(t) => guard_formula(t).into_owned(),
                Cell::List(items) => guard_formula(&items.join("; ")).into_owned(),
                other => cell_text(other),
            })
            .collect();
        w.write_record(&cells)?;
    }
    w.flush()
}
