//! Coverage views as tables or JSON.

use std::io::{self, Write};

use serde::Serialize;

use crate::check::coverage::{MatrixRow, MissingRow, SummaryRow, TaxonomyRow};
use crate::render::sanitize;
use crate::render::table::{Fit, Term};

/// Writes `rows` as aligned columns fitted to `term` ([`super::table`]): a header, then one
/// line per row; numbers (and percentages) align right, a `document` column is a path.
pub fn table(
    out: &mut dyn Write,
    term: &Term,
    header: &[&str],
    rows: &[Vec<String>],
) -> io::Result<()> {
    let rows: Vec<Vec<String>> = rows
        .iter()
        .map(|r| r.iter().map(|c| sanitize(c).into_owned()).collect())
        .collect();
    let fits: Vec<Fit> = (0..header.len())
        .map(|i| {
            let numeric = !rows.is_empty()
                && rows
                    .iter()
                    .all(|r| r[i].trim_end_matches('%').parse::<f64>().is_ok() || r[i] == "-");
            if numeric {
                Fit::Number
            } else {
                Fit::of_name(header[i])
            }
        })
        .collect();
    super::table::write(out, term, header, &fits, &rows, &mut |_| Vec::new())
}

pub fn json<T: Serialize>(out: &mut dyn Write, value: &T) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, value)?;
    writeln!(out)
}

pub fn summary_table(out: &mut dyn Write, term: &Term, rows: &[SummaryRow]) -> io::Result<()> {
    let body: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            let name = match (&r.category, &r.subcategory) {
                (Some(c), Some(s)) => format!("  {c}/{s}"),
                (Some(c), None) => c.clone(),
                (None, _) => "all".to_string(),
            };
            vec![
                name,
                r.documents.to_string(),
                r.passing.to_string(),
                format!("{:.1}%", r.passing_pct),
                format!("{:.2}", r.mean_related),
                r.orphans.to_string(),
                r.broken_links.to_string(),
            ]
        })
        .collect();
    table(
        out,
        term,
        &[
            "category",
            "documents",
            "passing",
            "passing %",
            "related (mean)",
            "orphans",
            "broken links",
        ],
        &body,
    )
}

pub fn missing_table(out: &mut dyn Write, term: &Term, rows: &[MissingRow]) -> io::Result<()> {
    let body: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            vec![
                r.path.clone(),
                format!("{}/{}", r.missing.len(), r.required),
                r.missing.join(", "),
            ]
        })
        .collect();
    table(out, term, &["document", "missing", "sections"], &body)
}

pub fn matrix_table(out: &mut dyn Write, term: &Term, rows: &[MatrixRow]) -> io::Result<()> {
    let body: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            vec![
                r.category.clone(),
                r.section.clone(),
                r.having.to_string(),
                r.documents.to_string(),
                if r.documents == 0 {
                    "-".to_string()
                } else {
                    format!("{:.0}%", r.share * 100.0)
                },
            ]
        })
        .collect();
    table(
        out,
        term,
        &[
            "category",
            "required section",
            "having",
            "documents",
            "share",
        ],
        &body,
    )
}

pub fn taxonomy_table(out: &mut dyn Write, term: &Term, rows: &[TaxonomyRow]) -> io::Result<()> {
    let body: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            vec![
                format!("{}/{}", r.category, r.subcategory),
                r.status.to_string(),
                r.documents.to_string(),
            ]
        })
        .collect();
    table(out, term, &["subcategory", "status", "documents"], &body)
}

#[cfg(test)]
mod tests {
    use super::Term;

    #[test]
    fn columns_line_up_in_display_width() {
        let mut out = Vec::new();
        let rows = vec![
            vec!["漢字カテゴリ".to_string(), "3".to_string()],
            vec!["services".to_string(), "12".to_string()],
        ];
        super::table(&mut out, &Term::PLAIN, &["category", "documents"], &rows).unwrap();
        let text = String::from_utf8(out).unwrap();
        let widths: Vec<usize> = text
            .lines()
            .map(unicode_width::UnicodeWidthStr::width)
            .collect();
        assert_eq!(widths, [23, 23, 23], "{text}");
    }
}
