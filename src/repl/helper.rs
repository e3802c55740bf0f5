//! The rustyline `Helper`: completion, hints, highlighting and validation, each forwarding to
//! the pure functions in `complete`, `highlight` and `lexical`.

use std::borrow::Cow;

use rustyline::completion::{Completer, Pair};
use rustyline::highlight::{CmdKind, Highlighter};
use rustyline::hint::Hinter;
use rustyline::validate::{ValidationContext, ValidationResult, Validator};
use rustyline::{Context, Helper};

use super::complete::{self, Hint};
use super::highlight;
use super::lexical;
use super::vocab::Vocabulary;

/// The REPL's line-editing helper. `vocab` is refreshed by the session after `:reload` and
/// `:save`.
#[derive(Debug, Default)]
pub struct AtomHelper {
    pub vocab: Vocabulary,
}

impl AtomHelper {
    pub fn new(vocab: Vocabulary) -> AtomHelper {
        AtomHelper { vocab }
    }
}

impl Helper for AtomHelper {}

impl Completer for AtomHelper {
    type Candidate = Pair;

    fn complete(
        &self,
        line: &str,
        pos: usize,
        _ctx: &Context<'_>,
    ) -> rustyline::Result<(usize, Vec<Pair>)> {
        let (start, list) = complete::complete(line, pos, &self.vocab);
        Ok((
            start,
            list.into_iter()
                .map(|c| Pair {
                    display: c.display,
                    replacement: c.replacement,
                })
                .collect(),
        ))
    }
}

impl Hinter for AtomHelper {
    type Hint = Hint;

    fn hint(&self, line: &str, pos: usize, ctx: &Context<'_>) -> Option<Hint> {
        let history = ctx.history();
        let entries: Vec<String> = (0..history.len())
            .filter_map(|i| {
                history
                    .get(i, rustyline::history::SearchDirection::Forward)
                    .ok()
                    .flatten()
                    .map(|r| r.entry.into_owned())
            })
            .collect();
        complete::hint(line, pos, &self.vocab, entries.iter().map(String::as_str))
    }
}

impl Highlighter for AtomHelper {
    fn highlight<'l>(&self, line: &'l str, _pos: usize) -> Cow<'l, str> {
        highlight::highlight(line)
    }

    fn highlight_hint<'h>(&self, hint: &'h str) -> Cow<'h, str> {
        Cow::Owned(format!("{}{hint}{}", highlight::HINT, highlight::RESET))
    }

    fn highlight_char(&self, _line: &str, _pos: usize, kind: CmdKind) -> bool {
        // Re-colour on every edit: a keyword becomes one as its last letter is typed.
        kind != CmdKind::MoveCursor
    }
}

impl Validator for AtomHelper {
    fn validate(&self, ctx: &mut ValidationContext) -> rustyline::Result<ValidationResult> {
        Ok(if lexical::is_incomplete(ctx.input()) {
            ValidationResult::Incomplete
        } else {
            ValidationResult::Valid(None)
        })
    }
}
