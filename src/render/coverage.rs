//! Coverage views as tables or JSON.

use std::io::{self, Write};

use serde::Serialize;
use unicode_width::UnicodeWidthStr;

use crate::check::coverage::{MatrixRow, MissingRow, SummaryRow, TaxonomyRow};
use crate::render::sanitize;

/// Writes `rows` as aligned columns: a header, then one line per row. Numbers align right.
/// Cells are sanitised first and measured in display columns (a CJK name takes two per
/// character), so every column lines up on a terminal.
pub fn table(out: &mut dyn Write, header: &[&str], rows: &[Vec<String>]) -> io::Result<()> {
    let rows: Vec<Vec<String>> = rows
        .iter()
        .map(|r| r.iter().map(|c| sanitize(c).into_owned()).collect())
        .collect();
    let mut width: Vec<usize> = header.iter().map(|h| h.width()).collect();
    for r in &rows {
        for (i, c) in r.iter().enumerate() {
            width[i] = width[i].max(c.width());
        }
    }
    let numeric: Vec<bool> = (0..header.len())
        .map(|i| {
            !rows.is_empty()
                && rows
                    .iter()
                    .all(|r| r[i].trim_end_matches('%').parse::<f64>().is_ok() || r[i] == "-")
        })
        .collect();
    let line = |cells: &[String]| {
        cells
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let pad = width[i].saturating_sub(c.width());
                if numeric[i] {
                    format!("{}{c}", " ".repeat(pad))
                } else {
                    format!("{c}{}", " ".repeat(pad))
                }
            })
            .collect::<Vec<_>>()
            .join("  ")
            .trim_end()
            .to_string()
    };
    let header: Vec<String> = header.iter().map(|s| s.to_string()).collect();
    writeln!(out, "{}", line(&header))?;
    for r in &rows {
        writeln!(out, "{}", line(r))?;
    }
    Ok(())
}

pub fn json<T: Serialize>(out: &mut dyn Write, value: &T) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, value)?;
    writeln!(out)
}

pub fn summary_table(out: &mut dyn Write, rows: &[SummaryRow]) -> io::Result<()> {
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

pub fn missing_table(out: &mut dyn Write, rows: &[MissingRow]) -> io::Result<()> {
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
    table(out, &["document", "missing", "sections"], &body)
}

pub fn matrix_table(out: &mut dyn Write, rows: &[MatrixRow]) -> io::Result<()> {
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

pub fn taxonomy_table(out: &mut dyn Write, rows: &[TaxonomyRow]) -> io::Result<()> {
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
    table(out, &["subcategory", "status", "documents"], &body)
}

#[cfg(test)]
mod tests {
    #[test]
    fn columns_line_up_in_display_width() {
        let mut out = Vec::new();
        let rows = vec![
            vec!["漢字カテゴリ".to_string(), "3".to_string()],
            vec!["services".to_string(), "12".to_string()],
        ];
        super::table(&mut out, &["category", "documents"], &rows).unwrap();
        let text = String::from_utf8(out).unwrap();
        let widths: Vec<usize> = text
            .lines()
            .map(unicode_width::UnicodeWidthStr::width)
            .collect();
        assert_eq!(widths, [23, 23, 23], "{text}");
    }
}
