//! The text analyzer of every text field: tantivy's `en_stem` chain (simple tokenizer, long
//! words dropped, lower case, Snowball English stemmer) with the stems remembered.
//!
//! Stemming was a third of the CPU time of a cold index (perf, 10,000 documents), and
//! documentation repeats its words: each analyzer (one per indexing thread) keeps the stems it
//! computed, so a word is stemmed once per thread instead of once per occurrence. The stems are
//! the same as `en_stem`'s (same stemmer crate and algorithm; a test compares them).

use std::borrow::Cow;
use std::collections::HashMap;

use tantivy::tokenizer::{
    LowerCaser, RemoveLongFilter, SimpleTokenizer, TextAnalyzer, Token, TokenFilter, TokenStream,
    Tokenizer,
};

/// The name the schema gives the analyzer; every index registers it ([`register`]).
pub const NAME: &str = "atomdoc_en";
/// Words longer than this many bytes are dropped, as in `en_stem`.
const MAX_WORD_BYTES: usize = 40;
/// A bound on the remembered stems per analyzer (about 10 MB of short words).
const MAX_REMEMBERED: usize = 200_000;

/// The analyzer itself.
pub fn analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(MAX_WORD_BYTES))
        .filter(LowerCaser)
        .filter(CachedStemmer)
        .build()
}

/// The terms `analyzer` makes of `text`, in order.
pub fn tokens(analyzer: &mut TextAnalyzer, text: &str) -> Vec<String> {
    let mut stream = analyzer.token_stream(text);
    let mut out = Vec::new();
    while stream.advance() {
        out.push(stream.token().text.clone());
    }
    out
}

/// Registers the analyzer on an index: needed before writing or searching it.
pub fn register(index: &tantivy::Index) {
    index.tokenizers().register(NAME, analyzer());
}

/// English Snowball stemming with memory.
#[derive(Clone, Copy, Default)]
pub struct CachedStemmer;

impl TokenFilter for CachedStemmer {
    type Tokenizer<T: Tokenizer> = CachedStemmerFilter<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> CachedStemmerFilter<T> {
        CachedStemmerFilter {
            inner: tokenizer,
            stems: HashMap::new(),
        }
    }
}

#[derive(Clone)]
pub struct CachedStemmerFilter<T> {
    inner: T,
    stems: HashMap<String, String>,
}

impl<T: Tokenizer> Tokenizer for CachedStemmerFilter<T> {
    type TokenStream<'a> = CachedStemmerStream<'a, T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        if self.stems.len() > MAX_REMEMBERED {
            self.stems.clear();
        }
        CachedStemmerStream {
            tail: self.inner.token_stream(text),
            stems: &mut self.stems,
            stemmer: frostem::Stemmer::new(frostem::Algorithm::English),
        }
    }
}

pub struct CachedStemmerStream<'a, T> {
    tail: T,
    stems: &'a mut HashMap<String, String>,
    stemmer: frostem::Stemmer,
}

impl<T: TokenStream> TokenStream for CachedStemmerStream<'_, T> {
    fn advance(&mut self) -> bool {
        if !self.tail.advance() {
            return false;
        }
        let token = self.tail.token_mut();
        if let Some(stem) = self.stems.get(token.text.as_str()) {
            token.text.clear();
            token.text.push_str(stem);
        } else {
            let stem = match self.stemmer.stem(&token.text) {
                Cow::Borrowed(s) => s.to_string(),
                Cow::Owned(s) => s,
            };
            let word = std::mem::replace(&mut token.text, stem.clone());
            self.stems.insert(word, stem);
        }
        true
    }

    fn token(&self) -> &Token {
        self.tail.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.tail.token_mut()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stems_like_en_stem_twice_over() {
        let mut en_stem = tantivy::tokenizer::TokenizerManager::default()
            .get("en_stem")
            .expect("tantivy registers en_stem");
        let text = "Connection pooling pools connections; the pooled connections were \
                    RETRIED, retrying and retries. Généralement naïve café \
                    aVeryLongWordThatIsLongerThanFortyBytesAndSoIsDropped x";
        let mut ours = analyzer();
        let first = tokens(&mut ours, text);
        assert_eq!(first, tokens(&mut en_stem, text));
        // The second and third passes answer from memory and must not differ.
        assert_eq!(tokens(&mut ours, text), first);
        assert_eq!(tokens(&mut ours, text), first);
    }
}
