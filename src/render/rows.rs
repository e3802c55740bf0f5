//! Query rows as a table for people, JSON or CSV for programs.
//!
//! [`records`] turns [`Rows`] into named columns of cells once; the three printers share it,
//! so the formats always agree. Document text is sanitized before it reaches a terminal, and
//! CSV cells that a spreadsheet would run as a formula get a leading `'`.

use std::io::{self, Write};

use anstyle::Style;
use serde::ser::{SerializeMap, SerializeSeq};
use unicode_width::UnicodeWidthStr;

use super::sanitize;
use crate::corpus::{BrokenReason, Corpus};
use crate::query::ast::{DOC_FIELDS, Field, LINK_FIELDS, Query};
use crate::query::eval::{Cell, Cx, Metrics, Row, Rows};
use crate::search::suggest::Suggester;

/// Rows as named columns of cells.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Records {
    pub columns: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
    /// What a row is, singular and plural.
    pub noun: (&'static str, &'static str),
    /// A sentence to print instead of an empty table (a path that does not exist).
    pub empty_note: Option<String>,
}

/// Columns every document row has (the JSON keys scripts rely on).
pub const DOC_COLUMNS: [Field; 6] = [
    Field::Path,
    Field::Title,
    Field::Category,
    Field::DocKind,
    Field::Inlinks,
    Field::Outlinks,
];

/// Columns every link row has; `reason` is null unless the link is broken.
pub const LINK_COLUMNS: [Field; 6] = [
    Field::Source,
    Field::Line,
    Field::Target,
    Field::Resolved,
    Field::LinkKind,
    Field::Reason,
];

/// The output columns of `query`'s rows: the fixed ones, then any other field the query
/// filters or sorts on.
fn columns(query: &Query, base: &[Field], all: &[Field]) -> Vec<Field> {
    let mut cols = base.to_vec();
    for f in query.referenced_fields() {
        if all.contains(&f) && !cols.contains(&f) {
            cols.push(f);
        }
    }
    cols
}

/// Turns rows into records. `query` decides the extra columns.
pub fn records(rows: &Rows, query: &Query, corpus: &Corpus) -> Records {
    let metrics = Metrics::compute(corpus);
    let cx = Cx {
        corpus,
        metrics: &metrics,
    };
    let doc_cols = columns(query, &DOC_COLUMNS, DOC_FIELDS);
    let doc_cells = |id| {
        doc_cols
            .iter()
            .map(|f| cx.value(*f, Row::Doc(id)).to_cell())
            .collect::<Vec<_>>()
    };
    let names = |fields: &[Field]| fields.iter().map(|f| f.name().to_string()).collect();
    match rows {
        Rows::Documents(ids) => Records {
            columns: names(&doc_cols),
            rows: ids.iter().map(|&id| doc_cells(id)).collect(),
            noun: ("document", "documents"),
            empty_note: None,
        },
        Rows::Neighbors { near, .. } => {
            let mut columns = vec!["distance".to_string()];
            columns.extend(names(&doc_cols));
            Records {
                columns,
                rows: near
                    .iter()
                    .map(|&(id, dist)| {
                        let mut row = vec![Cell::Int(dist as u64)];
                        row.extend(doc_cells(id));
                        row
                    })
                    .collect(),
                noun: ("document", "documents"),
                empty_note: None,
            }
        }
        Rows::Path { from, to, docs } => {
            let mut columns = vec!["step".to_string()];
            columns.extend(names(&doc_cols));
            Records {
                columns,
                rows: docs
                    .iter()
                    .enumerate()
                    .map(|(i, &id)| {
                        let mut row = vec![Cell::Int(i as u64)];
                        row.extend(doc_cells(id));
                        row
                    })
                    .collect(),
                noun: ("document", "documents"),
                empty_note: Some(format!(
                    "no path from {} to {} (links are followed in the direction they point)",
                    corpus.docs[*from].path, corpus.docs[*to].path
                )),
            }
        }
        Rows::Links(refs) => {
            let mut cols = columns(query, &LINK_COLUMNS, LINK_FIELDS);
            // Rows from referrers say so (`backlinks of X`); answers without any keep the
            // columns they always had.
            if refs.iter().any(|r| r.source_doc().is_none()) && !cols.contains(&Field::FromReferrer)
            {
                cols.push(Field::FromReferrer);
            }
            let link = |r: &crate::query::eval::LinkRef| corpus.link(r.from, r.link);
            // Broken links that could be fixed get did-you-mean suggestions.
            let fixable = |r: &crate::query::eval::LinkRef| {
                matches!(
                    link(r).broken_reason(),
                    Some(BrokenReason::Missing | BrokenReason::Anchor)
                )
            };
            let suggest = refs.iter().any(fixable);
            let mut suggester = Suggester::new(corpus);
            let mut columns = names(&cols);
            if suggest {
                columns.push("suggestions".into());
            }
            Records {
                columns,
                rows: refs
                    .iter()
                    .map(|r| {
                        let mut row: Vec<Cell> = cols
                            .iter()
                            .map(|f| cx.value(*f, Row::Link(*r)).to_cell())
                            .collect();
                        if suggest {
                            let found = match r.source_doc() {
                                Some(doc) => suggester.for_link(doc, link(r)),
                                None => Vec::new(),
                            };
                            row.push(Cell::List(found));
                        }
                        row
                    })
                    .collect(),
                noun: ("link", "links"),
                empty_note: None,
            }
        }
        Rows::Table(t) => Records {
            columns: t.columns.clone(),
            rows: t.rows.clone(),
            noun: t.noun,
            empty_note: None,
        },
        Rows::Scored(hits) => {
            let mut columns = names(&doc_cols);
            columns.push("score".into());
            Records {
                columns,
                rows: hits
                    .iter()
                    .map(|&(id, score)| {
                        let mut row = doc_cells(id);
                        row.push(Cell::score(score));
                        row
                    })
                    .collect(),
                noun: ("document", "documents"),
                empty_note: None,
            }
        }
        Rows::Related(pairs) => Records {
            columns: ["source", "target", "score", "why"]
                .map(String::from)
                .to_vec(),
            rows: pairs
                .iter()
                .map(|p| {
                    vec![
                        Cell::Text(corpus.doc(p.source).path.clone()),
                        Cell::Text(corpus.doc(p.target).path.clone()),
                        Cell::score(p.score),
                        Cell::Text(p.why()),
                    ]
                })
                .collect(),
            noun: ("suggestion", "suggestions"),
            empty_note: None,
        },
    }
}

/// `3 documents`, `1 link`, `no documents`.
pub fn count_line(r: &Records) -> String {
    match r.rows.len() {
        0 => format!("no {}", r.noun.1),
        1 => format!("1 {}", r.noun.0),
        n => format!("{n} {}", r.noun.1),
    }
}

fn cell_text(c: &Cell) -> String {
    match c {
        Cell::Null => String::new(),
        Cell::Bool(b) => b.to_string(),
        Cell::Int(n) => n.to_string(),
        Cell::Text(t) => sanitize(t).into_owned(),
        Cell::Score(n) => format!("{}.{:03}", n / 1000, n % 1000),
        Cell::List(items) => sanitize(&items.join(", ")).into_owned(),
    }
}

/// Columns the table prints as an indented hint line under their row (when not empty)
/// instead of as a column: long, occasional text such as did-you-mean suggestions.
pub const HINT_COLUMNS: [&str; 1] = ["suggestions"];

/// An aligned table with a header and a count line. With `styled`, the header is bold and
/// the count line dimmed (the CLI passes `false` off a terminal and under `NO_COLOR`).
///
/// A column that is empty in every row (say `reason` for links that are not broken) is left
/// out of the table; JSON and CSV keep every column.
pub fn table(out: &mut dyn Write, r: &Records, styled: bool) -> io::Result<()> {
    let (bold, dim) = if styled {
        (Style::new().bold(), Style::new().dimmed())
    } else {
        (Style::new(), Style::new())
    };
    if r.rows.is_empty() {
        let text = r.empty_note.clone().unwrap_or_else(|| count_line(r));
        return writeln!(out, "{dim}{text}{dim:#}");
    }
    let hints: Vec<usize> = (0..r.columns.len())
        .filter(|&i| HINT_COLUMNS.contains(&r.columns[i].as_str()))
        .collect();
    let keep: Vec<usize> = (0..r.columns.len())
        .filter(|&i| !hints.contains(&i))
        .filter(|&i| r.rows.iter().any(|row| row[i] != Cell::Null))
        .collect();
    let cells: Vec<Vec<String>> = r
        .rows
        .iter()
        .map(|row| keep.iter().map(|&i| cell_text(&row[i])).collect())
        .collect();
    let numeric: Vec<bool> = keep
        .iter()
        .map(|&i| {
            r.rows
                .iter()
                .all(|row| matches!(row[i], Cell::Int(_) | Cell::Score(_) | Cell::Null))
        })
        .collect();
    let header: Vec<&str> = keep.iter().map(|&i| r.columns[i].as_str()).collect();
    let widths: Vec<usize> = (0..keep.len())
        .map(|c| {
            cells
                .iter()
                .map(|row| row[c].width())
                .chain([header[c].width()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let line = |texts: &[&str]| {
        let mut s = String::new();
        for (c, t) in texts.iter().enumerate() {
            if c > 0 {
                s.push_str("  ");
            }
            let pad = widths[c].saturating_sub(t.width());
            if numeric[c] {
                s.push_str(&" ".repeat(pad));
                s.push_str(t);
            } else {
                s.push_str(t);
                s.push_str(&" ".repeat(pad));
            }
        }
        s.trim_end().to_string()
    };
    writeln!(out, "{bold}{}{bold:#}", line(&header))?;
    for (n, row) in cells.iter().enumerate() {
        let texts: Vec<&str> = row.iter().map(String::as_str).collect();
        writeln!(out, "{}", line(&texts))?;
        for &i in &hints {
            if let Cell::List(items) = &r.rows[n][i]
                && !items.is_empty()
            {
                let text = sanitize(&items.join(", ")).into_owned();
                writeln!(out, "{dim}  did you mean: {text}{dim:#}")?;
            }
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
