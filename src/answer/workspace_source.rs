//! The loaded workspace as the [`TextSource`] every question asks: its full-text index
//! (opened on first use, rebuilt once if damaged: [`Workspace::with_search`]), the documents'
//! raw text for the template checks, and excerpts, whose line is read from the document
//! through the boundary's capped reader.

use crate::check::Checks;
use crate::corpus::DocId;
use crate::query::TextSource;
use crate::search::related::{self, RelatedSuggestion};
use crate::search::{Excerpt, SearchQuery};
use crate::workspace::Workspace;

impl TextSource for Workspace {
    fn search(&self, query: &SearchQuery) -> Result<Vec<(DocId, f32)>, String> {
        let hits = self.with_search(|i| i.search(&self.corpus, query))?;
        Ok(hits.into_iter().map(|h| (h.doc, h.score)).collect())
    }

    fn similar(&self, doc: DocId) -> Result<Vec<(DocId, f32)>, String> {
        let hits = self.with_search(|i| i.similar(&self.corpus, doc))?;
        Ok(hits.into_iter().map(|h| (h.doc, h.score)).collect())
    }

    fn related(
        &self,
        doc: DocId,
        incoming: bool,
        limit: usize,
    ) -> Result<Vec<RelatedSuggestion>, String> {
        self.with_search(|i| related::suggest(&self.corpus, self.graph(), i, doc, incoming, limit))
    }

    fn checks(&self) -> Result<Checks, String> {
        Checks::run(&self.corpus, self.graph(), &self.config, self.sources())
            .map_err(|e| e.to_string())
    }

    /// Reads the file (through the boundary's capped reader) for the line the excerpt shows.
    fn excerpt(&self, query: &SearchQuery, doc: DocId) -> Excerpt {
        // The index answered the search: an index that fails now gives no excerpt, not an
        // error.
        let Ok(index) = self.search_index() else {
            return Excerpt::default();
        };
        let path = &self.corpus.doc(doc).path;
        let repo = &self.location.repo;
        let source = crate::boundary::read::read_capped(
            &repo.join(path),
            crate::boundary::read::Links::Inside(repo),
            self.config.limits.max_file_bytes,
        )
        .ok()
        .flatten()
        .map(|b| crate::corpus::scan::decode(b).0);
        crate::store::quietly(|| index.excerpt(&self.corpus, doc, query, source.as_deref()))
            .unwrap_or_default()
    }
}
