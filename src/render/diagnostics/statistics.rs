//! `check --statistics`: how many findings each rule has, most first (as `ruff check
//! --statistics`), to triage a tree with hundreds of findings.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{self, Write};

use serde::Serialize;

use super::Outcome;
use crate::check::{Diagnostic, Severity};
use crate::render::table::{Fit, Term};

/// One rule's count.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RuleCount {
    pub code: &'static str,
    pub rule: &'static str,
    pub severity: Severity,
    pub count: usize,
    /// Documents with at least one finding of the rule.
    pub documents: usize,
}

/// The counts per rule of `diagnostics`, most findings first, then by code.
pub fn statistics(diagnostics: &[Diagnostic]) -> Vec<RuleCount> {
    let mut by_code: BTreeMap<&str, (&Diagnostic, usize, BTreeSet<&str>)> = BTreeMap::new();
    for d in diagnostics {
        let entry = by_code.entry(d.code).or_insert((d, 0, BTreeSet::new()));
        entry.1 += 1;
        entry.2.insert(&d.path);
    }
    let mut rows: Vec<RuleCount> = by_code
        .into_values()
        .map(|(d, count, docs)| RuleCount {
            code: d.code,
            rule: d.rule,
            severity: d.severity,
            count,
            documents: docs.len(),
        })
        .collect();
    rows.sort_by(|a, b| b.count.cmp(&a.count).then(a.code.cmp(b.code)));
    rows
}

/// Aligned columns fitted to `term`, then the run's summary line.
pub fn table(
    out: &mut dyn Write,
    term: &Term,
    rows: &[RuleCount],
    outcome: &Outcome<'_>,
) -> io::Result<()> {
    if !rows.is_empty() {
        let cells: Vec<Vec<String>> = rows
            .iter()
            .map(|r| {
                vec![
                    r.count.to_string(),
                    r.code.to_string(),
                    r.rule.to_string(),
                    r.severity.as_str().to_string(),
                    r.documents.to_string(),
                ]
            })
            .collect();
        crate::render::table::write(
            out,
            term,
            &["count", "code", "rule", "severity", "documents"],
            &[Fit::Number, Fit::Text, Fit::Text, Fit::Text, Fit::Number],
            &cells,
            &mut |_| Vec::new(),
        )?;
    }
    writeln!(out, "{}", outcome.summary_line())
}

/// An array of `{code, rule, severity, count, documents}`.
pub fn json(out: &mut dyn Write, rows: &[RuleCount]) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, rows)?;
    writeln!(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finding(code: &'static str, path: &str) -> Diagnostic {
        Diagnostic {
            code,
            rule: "r",
            severity: Severity::Warning,
            message: String::new(),
            path: path.into(),
            line: 1,
            column: 1,
            subject: String::new(),
            help: None,
        }
    }

    #[test]
    fn counts_per_rule_most_first() {
        let rows = statistics(&[
            finding("AD005", "a.md"),
            finding("AD001", "a.md"),
            finding("AD001", "b.md"),
            finding("AD001", "b.md"),
        ]);
        let counts: Vec<_> = rows
            .iter()
            .map(|r| (r.code, r.count, r.documents))
            .collect();
        assert_eq!(counts, [("AD001", 3, 2), ("AD005", 1, 1)]);
    }
}
