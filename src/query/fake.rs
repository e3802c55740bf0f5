//! A [`TextSource`] without an index or files, for unit tests of `query` and `answer`: it
//! answers from fixed lists and records every question it is asked.

use std::cell::RefCell;

use super::TextSource;
use crate::check::Checks;
use crate::corpus::DocId;
use crate::search::related::RelatedSuggestion;
use crate::search::{Excerpt, SearchQuery};

#[derive(Default)]
pub struct FakeText {
    /// What `search` and `similar` answer (`similar` leaves out the document asked about).
    pub hits: Vec<(DocId, f32)>,
    /// What `related` answers, filtered to the document asked about.
    pub related: Vec<RelatedSuggestion>,
    /// What `checks` answers; `None` fails.
    pub checks: Option<Checks>,
    /// When set, every index question fails with this message.
    pub fail: Option<String>,
    /// Every question, in order: `search a b`, `similar 3`, `related 2 in 3`, `checks`,
    /// `excerpt 4`.
    pub asked: RefCell<Vec<String>>,
}

impl FakeText {
    fn ask(&self, what: String) -> Result<(), String> {
        self.asked.borrow_mut().push(what);
        self.fail.clone().map_or(Ok(()), Err)
    }
}

impl TextSource for FakeText {
    fn search(&self, query: &SearchQuery) -> Result<Vec<(DocId, f32)>, String> {
        self.ask(format!("search {}", query.words.join(" ")))?;
        Ok(self.hits.clone())
    }

    fn similar(&self, doc: DocId) -> Result<Vec<(DocId, f32)>, String> {
        self.ask(format!("similar {doc}"))?;
        Ok(self
            .hits
            .iter()
            .copied()
            .filter(|&(d, _)| d != doc)
            .collect())
    }

    fn related(
        &self,
        doc: DocId,
        incoming: bool,
        limit: usize,
    ) -> Result<Vec<RelatedSuggestion>, String> {
        let way = if incoming { "in" } else { "out" };
        self.ask(format!("related {doc} {way} {limit}"))?;
        let end = |s: &RelatedSuggestion| if incoming { s.target } else { s.source };
        let mut found: Vec<_> = self
            .related
            .iter()
            .filter(|s| end(s) == doc)
            .cloned()
            .collect();
        found.truncate(limit);
        Ok(found)
    }

    fn checks(&self) -> Result<Checks, String> {
        self.ask("checks".into())?;
        self.checks
            .clone()
            .ok_or_else(|| "no template checks here".into())
    }

    /// `doc N: <first word>`, the word highlighted, on line N + 1.
    fn excerpt(&self, query: &SearchQuery, doc: DocId) -> Excerpt {
        self.asked.borrow_mut().push(format!("excerpt {doc}"));
        let word = query.words.first().cloned().unwrap_or_default();
        let text = format!("doc {doc}: {word} ");
        let start = text.find(": ").map_or(0, |i| i + 2);
        Excerpt {
            highlights: std::iter::once(start..start + word.len()).collect(),
            text,
            line: Some(doc as u32 + 1),
        }
    }
}
