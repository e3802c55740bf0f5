//! Check findings as text: one renderer per format, each writing to `impl Write`.
//!
//! `human` (rustc/ruff style), `json`, `github` (workflow-command annotations) and `sarif`
//! (SARIF 2.1.0). Renderers only format; the findings, their order and the summary counts
//! come from `check`.

pub mod github;
pub mod human;
pub mod json;
pub mod sarif;

use crate::check::{Diagnostic, Totals};

/// What a run found, as every renderer sees it.
pub struct Outcome<'a> {
    pub diagnostics: &'a [Diagnostic],
    /// Documents the rules ran on.
    pub checked: usize,
    /// Findings hidden by inline comments or `[check.ignore]`.
    pub suppressed: usize,
    /// Findings hidden by the baseline.
    pub baselined: usize,
    /// The revision that served as the baseline (`check --base REV`), if any.
    pub since: Option<&'a str>,
}

impl Outcome<'_> {
    pub fn totals(&self) -> Totals {
        Totals::of(self.diagnostics)
    }

    /// Documents with at least one finding.
    pub fn documents_with_findings(&self) -> usize {
        let mut paths: Vec<&str> = self.diagnostics.iter().map(|d| d.path.as_str()).collect();
        paths.dedup();
        paths.len()
    }

    /// The one-line summary the human format ends with.
    pub fn summary_line(&self) -> String {
        let t = self.totals();
        let plural =
            |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
        let mut s = if t.errors + t.warnings == 0 {
            format!(
                "no problems found in {}",
                plural(self.checked, "document", "documents")
            )
        } else {
            format!(
                "found {} and {} in {} of {}",
                plural(t.errors, "error", "errors"),
                plural(t.warnings, "warning", "warnings"),
                self.documents_with_findings(),
                plural(self.checked, "document", "documents")
            )
        };
        let mut hidden = Vec::new();
        if self.baselined > 0 {
            hidden.push(match self.since {
                Some(rev) => format!("{} already in {rev}", self.baselined),
                None => format!("{} in the baseline", self.baselined),
            });
        }
        if self.suppressed > 0 {
            hidden.push(format!("{} suppressed", self.suppressed));
        }
        if !hidden.is_empty() {
            s.push_str(&format!(" ({})", hidden.join(", ")));
        }
        s
    }
}
