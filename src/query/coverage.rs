//! The `coverage` source: template coverage from the checks of `crate::check`, as a table.
//!
//! `coverage` gives one row per category and subcategory (documents, passing, passing_pct,
//! mean_related, orphans, broken_links); `coverage of X` gives the documents of category or
//! subcategory X that miss required sections. Rows carry `category` and `subcategory`.
//! The checks come in already run (the workspace runs them over the sources it reads, through
//! [`TextSource::checks`](super::TextSource::checks)).

use super::ast::{Name, Query};
use super::error::QueryError;
use super::eval::{Cell, Rows, Table};
use super::names::{self, Scope};
use crate::check::{Checks, coverage};
use crate::corpus::Corpus;
use crate::graph::DocGraph;

fn text(s: Option<&str>) -> Cell {
    s.map_or(Cell::Null, |s| Cell::Text(s.to_string()))
}

pub fn eval(
    query: &Query,
    of: Option<&Name>,
    corpus: &Corpus,
    graph: &DocGraph,
    checks: &Checks,
) -> Result<Rows, QueryError> {
    let scope = match of {
        Some(n) => Some(names::resolve_category(corpus, &n.text).map_err(|e| {
            let help = e.help();
            QueryError::new(n.span, e.to_string()).with_help(help)
        })?),
        None => None,
    };
    let limit = query.limit.unwrap_or(usize::MAX);
    let mut table = match scope {
        None => summary(corpus, graph, checks),
        Some(scope) => missing(corpus, checks, &scope),
    };
    table.rows.truncate(limit);
    Ok(Rows::Table(table))
}

fn summary(corpus: &Corpus, graph: &DocGraph, checks: &Checks) -> Table {
    let rows = coverage::summary(corpus, graph, &checks.report);
    Table {
        columns: [
            "category",
            "subcategory",
            "documents",
            "passing",
            "passing_pct",
            "mean_related",
            "orphans",
            "broken_links",
        ]
        .map(String::from)
        .to_vec(),
        // The same rows as `atomdoc coverage`, the total (no category) last.
        rows: rows
            .into_iter()
            .map(|r| {
                vec![
                    text(r.category.as_deref()),
                    text(r.subcategory.as_deref()),
                    Cell::Int(r.documents as u64),
                    Cell::Int(r.passing as u64),
                    // The numbers `atomdoc coverage --format json` gives: a one-decimal
                    // percentage, a two-decimal mean.
                    Cell::fixed(r.passing_pct, 1),
                    Cell::fixed(r.mean_related, 2),
                    Cell::Int(r.orphans as u64),
                    Cell::Int(r.broken_links as u64),
                ]
            })
            .collect(),
        noun: ("category", "categories"),
    }
}

fn missing(corpus: &Corpus, checks: &Checks, scope: &Scope) -> Table {
    let (cat, sub) = match scope {
        Scope::Category(c) => (c.as_str(), None),
        Scope::Subcategory(c, s) => (c.as_str(), Some(s.as_str())),
        Scope::Document(_) => ("", None),
    };
    let rows = coverage::missing_sections(corpus, &checks.report, &checks.settings, Some(cat));
    Table {
        columns: [
            "path",
            "category",
            "subcategory",
            "missing",
            "missing_count",
            "required",
        ]
        .map(String::from)
        .to_vec(),
        rows: rows
            .into_iter()
            .filter(|r| sub.is_none() || r.subcategory.as_deref() == sub)
            .map(|r| {
                vec![
                    Cell::Text(r.path),
                    text(r.category.as_deref()),
                    text(r.subcategory.as_deref()),
                    Cell::List(r.missing.clone()),
                    Cell::Int(r.missing.len() as u64),
                    Cell::Int(r.required as u64),
                ]
            })
            .collect(),
        noun: ("document", "documents"),
    }
}

#[cfg(test)]
mod tests {
    use crate::query::{Source, parse};

    #[test]
    fn coverage_parses_and_prints_back() {
        for text in [
            "coverage",
            "coverage of services",
            "coverage of \"odd name\" limit 3",
        ] {
            let q = parse(text).unwrap();
            assert!(matches!(q.source, Source::Coverage { .. }), "{text}");
            assert_eq!(q.to_string(), text);
            assert_eq!(
                parse(&q.to_string()).unwrap().without_spans(),
                q.without_spans()
            );
        }
        assert!(parse("coverage of").is_err());
        assert!(parse("coverage sort by path").is_err());
    }
}
