//! Findings as GitHub Actions workflow commands (`::error file=…,line=…::message`), which
//! the runner turns into annotations on the pull request.
//!
//! Escaping follows the runner's rules: in the message, `%`, `\r` and `\n` become `%25`,
//! `%0D` and `%0A`; in property values `:` and `,` also become `%3A` and `%2C`.

use std::io::{self, Write};

use super::Outcome;
use crate::check::Severity;

/// Escapes the data part of a workflow command.
pub fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a property value of a workflow command.
pub fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

pub fn render(out: &mut dyn Write, outcome: &Outcome) -> io::Result<()> {
    for d in outcome.diagnostics {
        let level = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        writeln!(
            out,
            "::{level} file={},line={},col={},title={}::{}",
            escape_property(&d.path),
            d.line,
            d.column,
            escape_property(&format!("{} {}", d.code, d.rule)),
            escape_data(&format!("{}[{}]: {}", level, d.code, d.message))
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping() {
        assert_eq!(
            escape_data("100% done\r\nnext: a, b"),
            "100%25 done%0D%0Anext: a, b"
        );
        assert_eq!(
            escape_property("docs/a:b,c%.md\n"),
            "docs/a%3Ab%2Cc%25.md%0A"
        );
    }
}
