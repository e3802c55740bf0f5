//! Full-text search: the tantivy schema, indexing documents, BM25 search with phrases and
//! typo-tolerant (fuzzy) words, snippets, "more like this", and did-you-mean suggestions for
//! broken links ([`suggest`]).
//!
//! Owns: everything that knows tantivy. Must not: walk or read the docs tree (the caller hands
//! it documents and, for best-match lines, file text), decide where the index lives (`store`).

pub mod related;
pub mod stem;
pub mod suggest;

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::path::Path;

use tantivy::collector::TopDocs;
use tantivy::query::Bm25StatisticsProvider;
use tantivy::query::{
    BooleanQuery, BoostQuery, MoreLikeThisQuery, Occur, PhraseQuery, Query, TermQuery,
};
use tantivy::schema::{
    FAST, Field, IndexRecordOption, OwnedValue, STORED, STRING, Schema, TextFieldIndexing,
    TextOptions, Value,
};
use tantivy::snippet::SnippetGenerator;
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{
    DocSet, Index, IndexReader, IndexWriter, ReloadPolicy, Searcher, TERMINATED, TantivyDocument,
    Term,
};

use crate::corpus::{Corpus, DocId, Document};

/// The tokenizer every text field uses (English stemming, [`stem`]), so a word typed in a
/// query meets the same terms in every field.
const TOKENIZER: &str = stem::NAME;
/// Field boosts: a word in the title counts most, then headings, then prose, then code.
const BOOSTS: [(&str, f32); 4] = [
    ("title", 3.0),
    ("headings", 2.0),
    ("body", 1.0),
    ("code", 0.5),
];

#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    #[error("search index: {0}")]
    Tantivy(#[from] tantivy::TantivyError),
    #[error("empty search: give at least one word, e.g. search \"connection pool\"")]
    Empty,
    #[error(
        "the search text is {0} bytes; the limit is {MAX_QUERY_BYTES}: search for the few words that matter"
    )]
    TooLong(usize),
    #[error(
        "the search has {0} words; the limit is {MAX_QUERY_WORDS}: keep the words that matter most"
    )]
    TooManyWords(usize),
}

/// The longest search text, in bytes. Every word of a search is a clause of the query (and a
/// scan of the term dictionary when fuzzy), so the text's length bounds the cost of a search.
pub const MAX_QUERY_BYTES: usize = 1024;
/// The most words a search may have, counting those inside phrases (web search engines cap
/// queries at 32 words too).
pub const MAX_QUERY_WORDS: usize = 32;
/// The most index terms one fuzzy word expands to: the closest ones, then alphabetical.
pub const MAX_FUZZY_TERMS: usize = 50;

/// The fields of the index.
#[derive(Debug, Clone, Copy)]
pub struct Fields {
    pub path: Field,
    pub title: Field,
    pub headings: Field,
    pub body: Field,
    pub code: Field,
    pub category: Field,
    pub subcategory: Field,
    pub kind: Field,
}

/// The schema: path, title (boosted), headings (boosted), body text, code, category,
/// subcategory and kind. Text fields are stored so snippets and similarity need no file reads.
pub fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let text = TextOptions::default()
        .set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(TOKENIZER)
                .set_index_option(IndexRecordOption::WithFreqsAndPositions),
        )
        .set_stored();
    let fields = Fields {
        // A fast field too: hits find their path without reading stored documents.
        path: b.add_text_field("path", STRING | STORED | FAST),
        title: b.add_text_field("title", text.clone()),
        headings: b.add_text_field("headings", text.clone()),
        body: b.add_text_field("body", text.clone()),
        code: b.add_text_field("code", text),
        category: b.add_text_field("category", STRING),
        subcategory: b.add_text_field("subcategory", STRING),
        kind: b.add_text_field("kind", STRING),
    };
    (b.build(), fields)
}

/// The tantivy document for one of ours. `doc.text` and `doc.code` must be filled (a freshly
/// parsed document, not one loaded from the cache).
pub fn tantivy_doc(f: &Fields, doc: &Document) -> TantivyDocument {
    let mut t = TantivyDocument::default();
    t.add_text(f.path, &doc.path);
    if let Some(title) = &doc.title {
        t.add_text(f.title, title);
    }
    let headings: Vec<&str> = doc
        .headings
        .iter()
        .filter(|h| h.level > 1)
        .map(|h| h.text.as_str())
        .collect();
    t.add_text(f.headings, headings.join("\n"));
    t.add_text(f.body, &doc.text);
    t.add_text(f.code, &doc.code);
    if let Some(cat) = &doc.category {
        t.add_text(f.category, cat);
        if let Some(sub) = &doc.subcategory {
            t.add_text(f.subcategory, format!("{cat}/{sub}"));
        }
    }
    t.add_text(f.kind, doc.kind.as_str());
    t
}

/// Opens a writer with the memory tantivy needs per thread (at least 15 MB each).
pub fn writer(index: &Index, threads: usize) -> tantivy::Result<IndexWriter> {
    let threads = threads.clamp(1, 4);
    index.writer_with_num_threads(threads, threads * 40_000_000)
}

/// Adds every document of `docs` to `writer` (documents must carry their text).
pub fn add_all<'a>(
    writer: &IndexWriter,
    fields: &Fields,
    docs: impl IntoIterator<Item = &'a Document>,
) -> tantivy::Result<()> {
    for doc in docs {
        writer.add_document(tantivy_doc(fields, doc))?;
    }
    Ok(())
}

/// Removes the document stored under `path`.
pub fn delete_path(writer: &IndexWriter, fields: &Fields, path: &str) {
    writer.delete_term(Term::from_field_text(fields.path, path));
}

/// Commits with `payload` (the store stamps its generation there) and waits for merges, so
/// the folder's files are final when this returns.
pub fn commit(mut writer: IndexWriter, payload: &str) -> tantivy::Result<()> {
    let mut prepared = writer.prepare_commit()?;
    prepared.set_payload(payload);
    prepared.commit()?;
    writer.wait_merging_threads()
}

/// Creates an empty index in `dir` with our analyzer registered.
pub fn create_dir(dir: &Path) -> Result<Index, String> {
    let (schema, _) = schema();
    let index = Index::create_in_dir(dir, schema).map_err(|e| e.to_string())?;
    stem::register(&index);
    Ok(index)
}

/// Opens the index in `dir` with our analyzer registered.
pub fn open_dir(dir: &Path) -> Result<Index, String> {
    let index = Index::open_in_dir(dir).map_err(|e| e.to_string())?;
    stem::register(&index);
    Ok(index)
}

/// An in-memory index of every document of a freshly parsed corpus (texts present).
pub fn build_in_ram(corpus: &Corpus) -> Result<SearchIndex, SearchError> {
    let (schema, fields) = schema();
    let index = Index::create_in_ram(schema);
    stem::register(&index);
    let w = writer(&index, 2)?;
    add_all(&w, &fields, &corpus.docs)?;
    commit(w, "")?;
    SearchIndex::new(index)
}

/// A search request as parsed from the user's text.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SearchQuery {
    /// Single words (all must match, in any field).
    pub words: Vec<String>,
    /// Quoted phrases inside the text (each must match as a phrase).
    pub phrases: Vec<String>,
    /// Typo-tolerant matching for words (`~"rabitmq"`).
    pub fuzzy: bool,
}

impl SearchQuery {
    /// Splits `text` into words and `"inner phrases"`; a leading `~` asks for fuzzy matching,
    /// which applies to every word, quoted or not (`~"rabitmq"`): a typo-tolerant phrase
    /// would match too loosely to be useful. Texts over [`MAX_QUERY_BYTES`] or with more than
    /// [`MAX_QUERY_WORDS`] words are refused.
    pub fn parse(text: &str, fuzzy: bool) -> Result<SearchQuery, SearchError> {
        if text.len() > MAX_QUERY_BYTES {
            return Err(SearchError::TooLong(text.len()));
        }
        let words = text.split_whitespace().count();
        if words > MAX_QUERY_WORDS {
            return Err(SearchError::TooManyWords(words));
        }
        let mut q = SearchQuery {
            fuzzy,
            ..SearchQuery::default()
        };
        let mut rest = text.trim();
        if let Some(r) = rest.strip_prefix('~') {
            q.fuzzy = true;
            rest = r;
        }
        let mut in_phrase = false;
        for (i, part) in rest.split('"').enumerate() {
            if i > 0 {
                in_phrase = !in_phrase;
            }
            if in_phrase && !q.fuzzy {
                if !part.trim().is_empty() {
                    q.phrases.push(part.trim().to_string());
                }
            } else {
                q.words.extend(
                    part.split_whitespace()
                        .map(|w| w.trim_start_matches('~').to_string()),
                );
            }
        }
        q.words.retain(|w| !w.is_empty());
        Ok(q)
    }

    pub fn is_empty(&self) -> bool {
        self.words.is_empty() && self.phrases.is_empty()
    }
}

/// A search hit: a document of the corpus and its BM25 score.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    pub doc: DocId,
    pub score: f32,
}

/// A highlighted excerpt of a hit.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Excerpt {
    /// The fragment's text, on one line.
    pub text: String,
    /// Byte ranges of `text` to highlight.
    pub highlights: Vec<std::ops::Range<usize>>,
    /// 1-based line of the best match in the file, when it could be found.
    pub line: Option<u32>,
}

impl Excerpt {
    /// The fragment with `**…**` around each match (JSON and plain output).
    pub fn marked(&self) -> String {
        self.render(|s| format!("**{s}**"))
    }

    /// The fragment with each match passed through `mark`.
    pub fn render(&self, mark: impl Fn(&str) -> String) -> String {
        let mut out = String::new();
        let mut at = 0;
        for r in &self.highlights {
            if r.start < at || r.end > self.text.len() {
                continue;
            }
            out.push_str(&self.text[at..r.start]);
            out.push_str(&mark(&self.text[r.clone()]));
            at = r.end;
        }
        out.push_str(&self.text[at..]);
        out
    }
}

/// An open index and what searching it needs.
pub struct SearchIndex {
    index: Index,
    reader: IndexReader,
    fields: Fields,
}

impl SearchIndex {
    pub fn new(index: Index) -> Result<SearchIndex, SearchError> {
        let (_, fields) = schema();
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        Ok(SearchIndex {
            index,
            reader,
            fields,
        })
    }

    /// Opens the index in `dir` and checks its schema and commit payload.
    pub fn open(dir: &Path, payload: &str) -> Result<SearchIndex, String> {
        let index = open_dir(dir)?;
        let (want, _) = schema();
        if index.schema() != want {
            return Err("schema differs".into());
        }
        let metas = index.load_metas().map_err(|e| e.to_string())?;
        if metas.payload.as_deref() != Some(payload) {
            return Err("it belongs to another generation of the cache".into());
        }
        SearchIndex::new(index).map_err(|e| e.to_string())
    }

    /// Deletes the documents at the paths `gone` and adds `fresh` (which must carry their
    /// text), then makes the change visible: how a live workspace keeps an open in-memory
    /// index up to date.
    pub fn update<'a>(
        &self,
        gone: &[String],
        fresh: impl IntoIterator<Item = &'a Document>,
    ) -> Result<(), SearchError> {
        let w = writer(&self.index, 1)?;
        for path in gone {
            delete_path(&w, &self.fields, path);
        }
        add_all(&w, &self.fields, fresh)?;
        commit(w, "")?;
        self.reader.reload()?;
        Ok(())
    }

    pub fn searcher(&self) -> Searcher {
        self.reader.searcher()
    }

    fn analyzer(&self) -> TextAnalyzer {
        self.index
            .tokenizer_for_field(self.fields.body)
            .expect("the schema's text fields use a registered tokenizer")
    }

    fn tokens(&self, text: &str) -> Vec<String> {
        stem::tokens(&mut self.analyzer(), text)
    }

    fn text_fields(&self) -> [(Field, f32); 4] {
        let f = &self.fields;
        [f.title, f.headings, f.body, f.code].map(|field| {
            let name = self.index.schema().get_field_name(field).to_string();
            let boost = BOOSTS
                .iter()
                .find(|(n, _)| *n == name)
                .map_or(1.0, |(_, b)| *b);
            (field, boost)
        })
    }

    /// Terms of the index within a small edit distance of `token` (itself included), for
    /// typo-tolerant search. Distance 1 for short words, 2 from eight letters on; at most
    /// [`MAX_FUZZY_TERMS`], the closest first.
    fn fuzzy_terms(&self, searcher: &Searcher, token: &str) -> BTreeSet<String> {
        let max = if token.chars().count() >= 8 { 2 } else { 1 };
        let len = token.chars().count();
        if len < 3 {
            return BTreeSet::from([token.to_string()]);
        }
        let mut near = BTreeSet::from([(0, token.to_string())]);
        for seg in searcher.segment_readers() {
            for field in [self.fields.title, self.fields.headings, self.fields.body] {
                let Ok(inverted) = seg.inverted_index(field) else {
                    continue;
                };
                let Ok(mut stream) = inverted.terms().stream() else {
                    continue;
                };
                while stream.advance() {
                    let Ok(term) = std::str::from_utf8(stream.key()) else {
                        continue;
                    };
                    let tl = term.chars().count();
                    if tl + max < len || tl > len + max {
                        continue;
                    }
                    let distance = strsim::damerau_levenshtein(term, token);
                    if distance <= max {
                        near.insert((distance, term.to_string()));
                        if near.len() > MAX_FUZZY_TERMS {
                            near.pop_last();
                        }
                    }
                }
            }
        }
        near.into_iter().map(|(_, term)| term).collect()
    }

    /// One query for every unit (word or phrase) of `q`, each matching in any text field.
    /// Also returns, per field-independent term, the words to highlight.
    fn build(&self, q: &SearchQuery) -> (Box<dyn Query>, BTreeSet<String>) {
        let searcher = self.searcher();
        let mut units: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        let mut highlight = BTreeSet::new();
        let fields = self.text_fields();
        for word in &q.words {
            let tokens = self.tokens(word);
            if tokens.is_empty() {
                continue;
            }
            let mut alternatives: Vec<(Occur, Box<dyn Query>)> = Vec::new();
            if tokens.len() == 1 {
                let candidates = if q.fuzzy {
                    self.fuzzy_terms(&searcher, &tokens[0])
                } else {
                    BTreeSet::from([tokens[0].clone()])
                };
                for term in &candidates {
                    highlight.insert(term.clone());
                    for (field, boost) in fields {
                        alternatives.push((Occur::Should, term_query(field, term, boost)));
                    }
                }
            } else {
                // `max_connections` → "max connections" as a phrase.
                highlight.extend(tokens.iter().cloned());
                for (field, boost) in fields {
                    alternatives.push((Occur::Should, phrase_query(field, &tokens, boost)));
                }
            }
            units.push((Occur::Must, Box::new(BooleanQuery::new(alternatives))));
        }
        for phrase in &q.phrases {
            let tokens = self.tokens(phrase);
            if tokens.is_empty() {
                continue;
            }
            highlight.extend(tokens.iter().cloned());
            let alternatives = fields
                .iter()
                .map(|&(field, boost)| {
                    let q: Box<dyn Query> = if tokens.len() == 1 {
                        term_query(field, &tokens[0], boost)
                    } else {
                        phrase_query(field, &tokens, boost)
                    };
                    (Occur::Should, q)
                })
                .collect();
            units.push((Occur::Must, Box::new(BooleanQuery::new(alternatives))));
        }
        (Box::new(BooleanQuery::new(units)), highlight)
    }

    /// Every matching document with its BM25 score, best first; ties by path. Paths the
    /// corpus does not know are skipped.
    pub fn search(&self, corpus: &Corpus, q: &SearchQuery) -> Result<Vec<Hit>, SearchError> {
        if q.is_empty() {
            return Err(SearchError::Empty);
        }
        let (query, _) = self.build(q);
        self.run(corpus, &*query, None)
    }

    fn run(
        &self,
        corpus: &Corpus,
        query: &dyn Query,
        exclude: Option<DocId>,
    ) -> Result<Vec<Hit>, SearchError> {
        let searcher = self.searcher();
        let limit = (searcher.num_docs() as usize).max(1);
        let stats = LiveStats::new(&searcher);
        let top = searcher.search_with_statistics_provider(
            query,
            &TopDocs::with_limit(limit).order_by_score(),
            &stats,
        )?;
        // Paths come from the fast field (no stored document is read per hit).
        let columns: Vec<Option<tantivy::columnar::StrColumn>> = searcher
            .segment_readers()
            .iter()
            .map(|seg| seg.fast_fields().str("path").ok().flatten())
            .collect();
        let mut hits = Vec::with_capacity(top.len());
        let mut path = String::new();
        for (score, addr) in top {
            let Some(column) = columns
                .get(addr.segment_ord as usize)
                .and_then(Option::as_ref)
            else {
                continue;
            };
            let Some(ord) = column.term_ords(addr.doc_id).next() else {
                continue;
            };
            path.clear();
            if !column.ord_to_str(ord, &mut path).unwrap_or(false) {
                continue;
            }
            if let Some(doc) = corpus.doc_id(&path)
                && Some(doc) != exclude
            {
                hits.push(Hit { doc, score });
            }
        }
        hits.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.doc.cmp(&b.doc)));
        Ok(hits)
    }

    /// The stored fields of the document at `path`.
    fn stored(&self, searcher: &Searcher, path: &str) -> Option<TantivyDocument> {
        let term = Term::from_field_text(self.fields.path, path);
        let q = TermQuery::new(term, IndexRecordOption::Basic);
        let top = searcher
            .search(&q, &TopDocs::with_limit(1).order_by_score())
            .ok()?;
        let (_, addr) = top.first()?;
        searcher.doc(*addr).ok()
    }

    /// A highlighted excerpt of `doc` for `q`: from the prose, else from the code. `source`
    /// is the file's text, used to find the line of the best match.
    pub fn excerpt(
        &self,
        corpus: &Corpus,
        doc: DocId,
        q: &SearchQuery,
        source: Option<&str>,
    ) -> Excerpt {
        let searcher = self.searcher();
        let (_, terms) = self.build(q);
        let Some(stored) = self.stored(&searcher, &corpus.doc(doc).path) else {
            return Excerpt::default();
        };
        let weights: BTreeMap<String, f32> = terms.iter().map(|t| (t.clone(), 1.0)).collect();
        for field in [self.fields.body, self.fields.code] {
            let text: Vec<&str> = stored.get_all(field).filter_map(|v| v.as_str()).collect();
            let text = text.join(" ");
            let generator = SnippetGenerator::new(weights.clone(), self.analyzer(), field, 160);
            let snippet = generator.snippet(&text);
            if snippet.is_empty() {
                continue;
            }
            return excerpt_from(snippet.fragment(), snippet.highlighted(), source);
        }
        Excerpt::default()
    }

    /// Documents most like `doc` (tantivy's more-like-this over title, headings and body),
    /// best first, excluding `doc` itself.
    pub fn similar(&self, corpus: &Corpus, doc: DocId) -> Result<Vec<Hit>, SearchError> {
        let searcher = self.searcher();
        let Some(stored) = self.stored(&searcher, &corpus.doc(doc).path) else {
            return Ok(Vec::new());
        };
        let mut fields: Vec<(Field, Vec<OwnedValue>)> = Vec::new();
        for field in [self.fields.title, self.fields.headings, self.fields.body] {
            let values: Vec<OwnedValue> = stored
                .get_all(field)
                .filter_map(|v| v.as_str())
                .map(|s| OwnedValue::Str(s.to_string()))
                .collect();
            if !values.is_empty() {
                fields.push((field, values));
            }
        }
        let query = MoreLikeThisQuery::builder()
            .with_min_doc_frequency(1)
            .with_max_doc_frequency((searcher.num_docs() / 2).max(2))
            .with_min_term_frequency(1)
            .with_max_query_terms(40)
            .with_min_word_length(3)
            .with_document_fields(fields);
        self.run(corpus, &query, Some(doc))
    }
}

/// BM25 statistics over live documents only, computed the same way whether or not the index
/// holds deleted documents: an index updated in place then scores exactly like a fresh one
/// (tantivy's own statistics count deleted documents until a merge purges them).
struct LiveStats<'a> {
    searcher: &'a Searcher,
    tokens: std::sync::Mutex<std::collections::HashMap<Field, u64>>,
}

impl<'a> LiveStats<'a> {
    fn new(searcher: &'a Searcher) -> Self {
        LiveStats {
            searcher,
            tokens: Default::default(),
        }
    }
}

impl Bm25StatisticsProvider for LiveStats<'_> {
    fn total_num_tokens(&self, field: Field) -> tantivy::Result<u64> {
        let mut cache = self.tokens.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(&n) = cache.get(&field) {
            return Ok(n);
        }
        let mut total = 0u64;
        for seg in self.searcher.segment_readers() {
            let norms = seg.get_fieldnorms_reader(field)?;
            total += (0..seg.max_doc())
                .filter(|&d| !seg.is_deleted(d))
                .map(|d| u64::from(norms.fieldnorm(d)))
                .sum::<u64>();
        }
        cache.insert(field, total);
        Ok(total)
    }

    fn total_num_docs(&self) -> tantivy::Result<u64> {
        Ok(self.searcher.num_docs())
    }

    fn doc_freq(&self, term: &Term) -> tantivy::Result<u64> {
        let mut total = 0u64;
        for seg in self.searcher.segment_readers() {
            let inverted = seg.inverted_index(term.field())?;
            if !seg.has_deletes() {
                total += u64::from(inverted.doc_freq(term)?);
                continue;
            }
            if let Some(mut postings) = inverted.read_postings(term, IndexRecordOption::Basic)? {
                let mut doc = postings.doc();
                while doc != TERMINATED {
                    if !seg.is_deleted(doc) {
                        total += 1;
                    }
                    doc = postings.advance();
                }
            }
        }
        Ok(total)
    }
}

fn term_query(field: Field, token: &str, boost: f32) -> Box<dyn Query> {
    let q = TermQuery::new(
        Term::from_field_text(field, token),
        IndexRecordOption::WithFreqs,
    );
    Box::new(BoostQuery::new(Box::new(q), boost))
}

fn phrase_query(field: Field, tokens: &[String], boost: f32) -> Box<dyn Query> {
    let terms = tokens
        .iter()
        .map(|t| Term::from_field_text(field, t))
        .collect();
    Box::new(BoostQuery::new(Box::new(PhraseQuery::new(terms)), boost))
}

/// Turns a tantivy snippet into an excerpt on one line, and finds the line of the file it
/// came from.
fn excerpt_from(
    fragment: &str,
    highlighted: &[std::ops::Range<usize>],
    source: Option<&str>,
) -> Excerpt {
    // Flatten newlines to spaces: byte offsets stay the same.
    let text: String = fragment
        .chars()
        .map(|c| {
            if matches!(c, '\n' | '\r' | '\t') {
                ' '
            } else {
                c
            }
        })
        .collect();
    let highlights: Vec<_> = highlighted.to_vec();
    let line = source.and_then(|src| excerpt_line(src, &text, &highlights));
    Excerpt {
        text,
        highlights,
        line,
    }
}

/// Words (runs of letters and digits), lower-cased, with their byte ranges.
fn word_spans(text: &str) -> impl Iterator<Item = (std::ops::Range<usize>, String)> + '_ {
    let mut start = None;
    text.char_indices()
        .chain(std::iter::once((text.len(), ' ')))
        .filter_map(move |(i, c)| {
            if c.is_alphanumeric() {
                start.get_or_insert(i);
                None
            } else {
                let s = start.take()?;
                Some((s..i, text[s..i].to_lowercase()))
            }
        })
}

/// How many words on each side of the first match identify its place in the file.
const REACH: usize = 6;

/// The line of `src` that the excerpt shows: the line of its first highlighted word, found
/// where that word stands among the most of the excerpt's neighbouring words (the excerpt
/// is prose without Markdown markup, so the file is searched with twice the reach). The
/// first such place on a tie; `None` when the word is not in the file.
fn excerpt_line(src: &str, text: &str, highlights: &[std::ops::Range<usize>]) -> Option<u32> {
    let first = highlights.first()?;
    let words: Vec<String> = word_spans(text).map(|(_, w)| w).collect();
    let k = word_spans(text).position(|(r, _)| r.end > first.start)?;
    let before: HashSet<&str> = words[k.saturating_sub(REACH)..k]
        .iter()
        .map(String::as_str)
        .collect();
    let after: HashSet<&str> = words[k + 1..(k + 1 + REACH).min(words.len())]
        .iter()
        .map(String::as_str)
        .collect();
    let file: Vec<(u32, String)> = src
        .lines()
        .enumerate()
        .flat_map(|(i, l)| word_spans(l).map(move |(_, w)| (i as u32 + 1, w)))
        .collect();
    let mut best: Option<(usize, u32)> = None;
    for (j, (line, w)) in file.iter().enumerate() {
        if *w != words[k] {
            continue;
        }
        let lo = j.saturating_sub(2 * REACH);
        let hi = (j + 1 + 2 * REACH).min(file.len());
        let near_before: HashSet<&str> = file[lo..j].iter().map(|(_, w)| w.as_str()).collect();
        let near_after: HashSet<&str> = file[j + 1..hi].iter().map(|(_, w)| w.as_str()).collect();
        let score =
            before.intersection(&near_before).count() + after.intersection(&near_after).count();
        if best.is_none_or(|(b, _)| score > b) {
            best = Some((score, *line));
        }
    }
    best.map(|(_, line)| line)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_words_phrases_and_fuzzy() {
        let parse = |text: &str| SearchQuery::parse(text, false).unwrap();
        let q = parse(r#"retry "exponential backoff" jitter"#);
        assert_eq!(q.words, ["retry", "jitter"]);
        assert_eq!(q.phrases, ["exponential backoff"]);
        assert!(!q.fuzzy);
        let q = parse("~rabitmq");
        assert_eq!(q.words, ["rabitmq"]);
        assert!(q.fuzzy);
        let q = parse(r#"~"rabitmq conumer""#);
        assert_eq!(q.words, ["rabitmq", "conumer"]);
        assert!(q.phrases.is_empty());
        assert!(parse("  \"\" ").is_empty());
    }

    #[test]
    fn long_searches_are_refused_with_the_limit_and_what_to_do() {
        let phrase = format!("\"{}\"", "pool ".repeat(200_000));
        let err = SearchQuery::parse(&phrase, false).unwrap_err().to_string();
        assert_eq!(
            err,
            "the search text is 1000002 bytes; the limit is 1024: search for the few words that matter"
        );
        let words = vec!["rabitmq"; 500].join(" ");
        let err = SearchQuery::parse(&words, true).unwrap_err().to_string();
        assert_eq!(
            err,
            "the search text is 3999 bytes; the limit is 1024: search for the few words that matter"
        );
        let words = vec!["a"; 33].join(" ");
        let err = SearchQuery::parse(&words, true).unwrap_err().to_string();
        assert_eq!(
            err,
            "the search has 33 words; the limit is 32: keep the words that matter most"
        );
        let words = vec!["a"; 32].join(" ");
        assert_eq!(SearchQuery::parse(&words, true).unwrap().words.len(), 32);
    }

    #[test]
    fn marks_highlights() {
        let e = Excerpt {
            text: "a pool of connections".into(),
            highlights: vec![2..6, 10..21],
            line: None,
        };
        assert_eq!(e.marked(), "a **pool** of **connections**");
    }

    #[test]
    fn the_line_is_where_the_excerpt_stands() {
        // "pool" is on lines 1, 3 and 5; the excerpt's neighbours are those of line 3, even
        // though line 1 shares more of its words overall.
        let src = "# Pool of connections sized for the service\n\nA **pool** of sockets is sized per worker.\n\npool connections sized service";
        let text = "A pool of sockets is sized per worker.";
        let pool = vec![std::ops::Range { start: 2, end: 6 }];
        assert_eq!(excerpt_line(src, text, &pool), Some(3));
        assert_eq!(excerpt_line(src, text, &[]), None);
        assert_eq!(excerpt_line("nothing here", text, &pool), None);
    }
}
