//! Findings as one JSON document: `{"version", "summary", "diagnostics"}`. Keys are stable.

use std::io::{self, Write};

use serde::Serialize;

use super::Outcome;
use crate::check::Diagnostic;

#[derive(Serialize)]
struct Doc<'a> {
    version: u32,
    summary: Summary,
    diagnostics: &'a [Diagnostic],
}

#[derive(Serialize)]
struct Summary {
    errors: usize,
    warnings: usize,
    documents: usize,
    documents_with_findings: usize,
    suppressed: usize,
    baselined: usize,
}

pub fn render(out: &mut dyn Write, outcome: &Outcome) -> io::Result<()> {
    let t = outcome.totals();
    let doc = Doc {
        version: 1,
        summary: Summary {
            errors: t.errors,
            warnings: t.warnings,
            documents: outcome.checked,
            documents_with_findings: outcome.documents_with_findings(),
            suppressed: outcome.suppressed,
            baselined: outcome.baselined,
        },
        diagnostics: outcome.diagnostics,
    };
    serde_json::to_writer_pretty(&mut *out, &doc)?;
    writeln!(out)
}
