//! Tab completion and hints, aware of where the cursor is in the query.
//!
//! Pure: takes the line, the cursor and a `Vocabulary`; returns where the completed word
//! starts and the candidates. The rustyline `Helper` in `helper.rs` only forwards to here,
//! so these functions are what the unit tests drive.

use super::lexical::{self, Tok, TokKind};
use super::meta;
use super::vocab::{self, Vocabulary};
use crate::query::{RowKind, SOURCES, SourceKind};

/// One completion candidate: what the list shows and what replaces the word.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub display: String,
    pub replacement: String,
}

impl Candidate {
    fn plain(word: &str) -> Candidate {
        Candidate {
            display: word.to_string(),
            replacement: word.to_string(),
        }
    }
}

/// What the word under the cursor may be, decided from the words before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Slot {
    /// Start of the line: a query's first word, a meta-command or a saved query.
    Start,
    /// After `in`: a category, a subcategory or a document.
    Place,
    /// After `of`, or `from`/`to` in `path`: a document.
    Document,
    /// After `suggest related for`: a document, or `orphans`.
    SuggestFor,
    /// After `from`/`to` in `links`: a category, a subcategory or a document.
    PlaceOrDocument,
    /// After `where`, `and`, `or`, `not`, `(`, `sort by`: a field name.
    Field { links: bool },
    /// After a field in a condition: an operator.
    Operator,
    /// After `field op`: one of the field's values, when they are a closed set.
    Value { field: &'static str, links: bool },
    /// After `orphans by`: a link kind.
    LinkKind,
    /// After `sort by field`: a direction or the next clause.
    Direction,
    /// A word that must come next (`sort` → `by`, `missing` → `section`).
    Exactly(&'static str),
    /// A number or a quoted string: nothing to offer.
    Free(&'static str),
    /// After a complete clause: what may follow.
    Next,
}

/// Completes the word that ends at `pos`. Returns the byte offset where that word starts and
/// the candidates, best first.
pub fn complete(line: &str, pos: usize, vocab: &Vocabulary) -> (usize, Vec<Candidate>) {
    let pos = floor_boundary(line, pos);
    let before = &line[..pos];
    if let Some(meta_start) = meta_start(before) {
        return complete_meta(before, meta_start, vocab);
    }
    complete_query(before, 0, vocab, true)
}

/// A hint for the end of `line`: the rest of a history entry or of the only possible word
/// (both accepted with the right arrow), or a placeholder for what comes next (shown only).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hint {
    pub display: String,
    /// `None` for a placeholder: shown dimmed, never inserted.
    pub insert: Option<String>,
}

impl rustyline::hint::Hint for Hint {
    fn display(&self) -> &str {
        &self.display
    }

    fn completion(&self) -> Option<&str> {
        self.insert.as_deref()
    }
}

/// Hints for `line` with the cursor at its end; `history` lists earlier entries, newest last.
pub fn hint<'h>(
    line: &str,
    pos: usize,
    vocab: &Vocabulary,
    history: impl DoubleEndedIterator<Item = &'h str>,
) -> Option<Hint> {
    if line.is_empty() || pos < line.len() {
        return None;
    }
    for entry in history.rev() {
        if entry.len() > line.len() && entry.starts_with(line) && !entry.contains('\n') {
            let rest = entry[line.len()..].to_string();
            return Some(Hint {
                display: rest.clone(),
                insert: Some(rest),
            });
        }
    }
    let (start, candidates) = complete(line, pos, vocab);
    let typed = &line[start..pos];
    if !typed.is_empty() {
        // The rest of the only candidate that extends the typed word.
        let mut extending = candidates
            .iter()
            .filter(|c| c.replacement.starts_with(typed) && c.replacement.len() > typed.len());
        if let (Some(only), None) = (extending.next(), extending.next()) {
            let rest = only.replacement[typed.len()..].to_string();
            return Some(Hint {
                display: rest.clone(),
                insert: Some(rest),
            });
        }
        // A finished word (one that is a candidate itself, or a free word such as a number):
        // say what comes after it.
        if !candidates.is_empty() && !candidates.iter().any(|c| c.replacement == typed) {
            return None;
        }
        return placeholder(&format!("{line} ")).map(|(text, insertable)| {
            let text = format!(" {text}");
            Hint {
                insert: insertable.then(|| text.clone()),
                display: text,
            }
        });
    }
    let (text, insertable) = placeholder(line)?;
    Some(Hint {
        insert: insertable.then(|| text.clone()),
        display: text,
    })
}

/// What comes after `line` (which ends at a word boundary): a placeholder such as
/// `<document>` (shown only) or the one word that must follow (`by` after `sort`, which →
/// inserts). The flag says whether the text may be inserted.
fn placeholder(line: &str) -> Option<(String, bool)> {
    let shown = |s: &str| Some((s.to_string(), false));
    if let Some(start) = meta_start(line) {
        let body = line[start + 1..].trim_start();
        let (name, rest) = split_word(body);
        let rest = rest?.trim();
        return match meta::Meta::canonical(name)? {
            "save" if rest.is_empty() => shown("NAME <query>"),
            "save" if !rest.contains(char::is_whitespace) => shown("<query>"),
            "run" if rest.is_empty() => shown("NAME"),
            "format" if rest.is_empty() => shown("table|records|json|jsonl|csv"),
            "help" if rest.is_empty() => shown("[topic]"),
            "explain" if rest.is_empty() => shown("<query>"),
            "export" if rest.is_empty() => shown("dot FILE"),
            "export" if rest == "dot" => shown("FILE"),
            _ => None,
        };
    }
    if !line.ends_with(char::is_whitespace) || lexical::open_quote(line) {
        return None;
    }
    let (tokens, _) = lexical::scan(line);
    match slot(line, &tokens) {
        Slot::Start => None,
        Slot::Place | Slot::PlaceOrDocument => shown("<category or document>"),
        Slot::Document => shown("<document>"),
        Slot::SuggestFor => shown("<document> | orphans"),
        Slot::Field { .. } => shown("<field>"),
        Slot::Operator => shown("= != < <= > >= ~"),
        Slot::Value { .. } => shown("<value>"),
        Slot::LinkKind => shown("related|inline"),
        Slot::Direction => shown("asc|desc"),
        Slot::Exactly(word) => Some((word.to_string(), true)),
        Slot::Free(what) => shown(what),
        Slot::Next => {
            let next = next_words(&tokens, line);
            (!next.is_empty()).then(|| (format!("[{}]", next.join("|")), false))
        }
    }
}

/// Where a meta-command starts in `before` (its `:`), if the line is one.
fn meta_start(before: &str) -> Option<usize> {
    let trimmed = before.trim_start();
    trimmed
        .starts_with(':')
        .then(|| before.len() - trimmed.len())
}

fn split_word(s: &str) -> (&str, Option<&str>) {
    match s.find(char::is_whitespace) {
        Some(i) => (&s[..i], Some(&s[i..])),
        None => (s, None),
    }
}

fn complete_meta(before: &str, colon: usize, vocab: &Vocabulary) -> (usize, Vec<Candidate>) {
    let body = &before[colon + 1..];
    let (name, rest) = split_word(body);
    let Some(rest) = rest else {
        // Still typing the command's name.
        let typed = &before[colon..];
        let list = meta::NAMES
            .iter()
            .map(|n| format!(":{n}"))
            .filter(|n| n.starts_with(typed))
            .map(|n| Candidate::plain(&n))
            .collect();
        return (colon, list);
    };
    let args_start = before.len() - rest.len();
    let word_start = before.len() - trailing_word(before).len();
    let typed = &before[word_start..];
    let words = |list: &[&str]| -> Vec<Candidate> {
        list.iter()
            .filter(|w| w.starts_with(typed))
            .map(|w| Candidate::plain(w))
            .collect()
    };
    let args_before_word = before[args_start..word_start].split_whitespace().count();
    match meta::Meta::canonical(name) {
        Some("format") if args_before_word == 0 => (
            word_start,
            words(&["table", "records", "json", "jsonl", "csv"]),
        ),
        Some("help") if args_before_word == 0 => (word_start, words(meta::HELP_TOPICS)),
        Some("export") if args_before_word == 0 => (word_start, words(&["dot"])),
        Some("run") if args_before_word == 0 => {
            let names: Vec<&str> = vocab.saved.iter().map(String::as_str).collect();
            (word_start, words(&names))
        }
        Some("explain") => complete_query(before, args_start, vocab, false),
        Some("save") if args_before_word >= 1 => {
            // `:save NAME <query>`: the query starts after the name.
            let after_name = skip_words(before, args_start, 1);
            complete_query(before, after_name, vocab, false)
        }
        _ => (word_start, Vec::new()),
    }
}

/// The offset in `s` after skipping `n` whitespace-separated words from `from`.
fn skip_words(s: &str, from: usize, n: usize) -> usize {
    let mut i = from;
    for _ in 0..n {
        let rest = &s[i..];
        let lead = rest.len() - rest.trim_start().len();
        let word = rest.trim_start();
        let len = word.find(char::is_whitespace).unwrap_or(word.len());
        i += lead + len;
    }
    i
}

/// The run of word characters at the end of `s`.
fn trailing_word(s: &str) -> &str {
    let start = s
        .char_indices()
        .rev()
        .take_while(|&(_, c)| lexical::is_word_char(c))
        .last()
        .map_or(s.len(), |(i, _)| i);
    &s[start..]
}

/// Completes the query that starts at `offset` in `before` (the text up to the cursor).
fn complete_query(
    before: &str,
    offset: usize,
    vocab: &Vocabulary,
    at_line_start: bool,
) -> (usize, Vec<Candidate>) {
    let query = &before[offset..];
    if lexical::open_quote(query) {
        return (before.len(), Vec::new());
    }
    let typed = trailing_word(query);
    let word_start = before.len() - typed.len();
    let (tokens, _) = lexical::scan(&query[..query.len() - typed.len()]);
    let head = &query[..query.len() - typed.len()];
    let slot = slot(head, &tokens);
    let keywords = |list: &[&str]| -> Vec<Candidate> {
        list.iter()
            .filter(|w| w.starts_with(typed))
            .map(|w| Candidate::plain(w))
            .collect()
    };
    let list = match slot {
        Slot::Start => {
            let mut list = keywords(&vocab::sources());
            if at_line_start {
                list.extend(
                    vocab
                        .saved
                        .iter()
                        .filter(|n| n.starts_with(typed))
                        .map(|n| Candidate {
                            display: format!(":run {n}"),
                            replacement: format!(":run {n}"),
                        }),
                );
                if typed.is_empty() {
                    list.extend(
                        meta::NAMES
                            .iter()
                            .map(|n| Candidate::plain(&format!(":{n}"))),
                    );
                }
            }
            list
        }
        Slot::Place => names(typed, &[&vocab.categories, &vocab.subcategories], vocab),
        Slot::PlaceOrDocument => names(typed, &[&vocab.categories, &vocab.subcategories], vocab),
        Slot::Document => names(typed, &[], vocab),
        Slot::SuggestFor => {
            let mut list = keywords(&["orphans"]);
            list.extend(names(typed, &[], vocab));
            list
        }
        Slot::Field { links } => {
            let mut list = keywords(&if links {
                vocab::link_fields()
            } else {
                vocab::doc_fields()
            });
            if typed.is_empty() || "not".starts_with(typed) {
                list.extend(keywords(&["not"]));
            }
            list
        }
        Slot::Operator => {
            if typed.is_empty() {
                keywords(&vocab::operators())
            } else {
                Vec::new()
            }
        }
        Slot::Value { field, links } => keywords(&vocab::field_values(field, links)),
        Slot::LinkKind => keywords(&["related", "inline", "include"]),
        Slot::Direction => keywords(&["asc", "desc", "limit"]),
        Slot::Exactly(word) => keywords(&[word]),
        Slot::Free(_) => Vec::new(),
        Slot::Next => keywords(&next_words(&tokens, head)),
    };
    (word_start, list)
}

/// Category/subcategory names and documents starting with `typed` (in its case, else in any
/// case); when none does, those with a word starting with it anywhere in the path (so `pool` finds
/// `integrations/redis/connection-pooling`). Prefix matches alone keep Tab's longest common
/// prefix useful (`serv` → `services`).
fn names(typed: &str, groups: &[&Vec<String>], vocab: &Vocabulary) -> Vec<Candidate> {
    let lower = typed.to_lowercase();
    // With nothing typed, documents would drown the categories: offer them only once the
    // user has typed something, or when there are no groups at all.
    let docs: &[String] = if typed.is_empty() && !groups.is_empty() {
        &[]
    } else {
        &vocab.documents
    };
    let all = || groups.iter().flat_map(|g| g.iter()).chain(docs.iter());
    // Exact case first (`rea` → `real-time`, not `README` too), then any case.
    let exact: Vec<Candidate> = all()
        .filter(|n| n.starts_with(typed))
        .map(|n| Candidate::plain(n))
        .collect();
    if !exact.is_empty() || lower.is_empty() {
        return exact;
    }
    let prefix: Vec<Candidate> = all()
        .filter(|n| n.to_lowercase().starts_with(&lower))
        .map(|n| Candidate::plain(n))
        .collect();
    if !prefix.is_empty() {
        return prefix;
    }
    all()
        .filter(|n| matches_fragment(&n.to_lowercase(), &lower))
        .map(|n| Candidate::plain(n))
        .collect()
}

/// Whether `fragment` starts a word of `path` (after `/`, `-`, `_` or `.`): `pool` finds
/// `redis/connection-pooling`, `te` does not find `integrations`. A fragment holding a `/`
/// may sit anywhere.
fn matches_fragment(path: &str, fragment: &str) -> bool {
    if fragment.contains('/') {
        return path.contains(fragment);
    }
    path.match_indices(fragment)
        .any(|(i, _)| i == 0 || matches!(path.as_bytes()[i - 1], b'/' | b'-' | b'_' | b'.'))
}

/// The query's source, by its first word, from the grammar's table.
fn source_of(tokens: &[Tok], src: &str) -> Option<SourceKind> {
    let first = tokens.first().filter(|t| t.kind == TokKind::Word)?;
    let word = first.text(src).to_lowercase();
    SOURCES
        .iter()
        .find(|s| s.starts_with(&word))
        .map(|s| s.kind)
}

/// The next of the source's fixed words, from the grammar's table, while the line is still
/// spelling them (`backlinks` → `of`, `suggest related` → `for`).
fn next_fixed_word(tokens: &[Tok], head: &str) -> Option<&'static str> {
    let said: Vec<String> = tokens
        .iter()
        .map(|t| (t.kind == TokKind::Word).then(|| t.text(head).to_lowercase()))
        .collect::<Option<_>>()?;
    let (first, rest) = said.split_first()?;
    let syntax = crate::query::SOURCES
        .iter()
        .find(|s| s.starts_with(first))?;
    let mut words = syntax.words().skip(1);
    for w in rest {
        if words.next()? != w {
            return None;
        }
    }
    words.next()
}

/// Decides what the next word may be from the words before it (`head` ends where the word
/// being completed starts).
pub fn slot(head: &str, tokens: &[Tok]) -> Slot {
    let source = source_of(tokens, head);
    let links = source.is_some_and(|k| k.row_kind() == RowKind::Link);
    let word = |i: usize| -> Option<String> {
        let t = tokens.get(tokens.len().checked_sub(i + 1)?)?;
        match &t.kind {
            TokKind::Word => Some(t.text(head).to_lowercase()),
            TokKind::Op => Some(t.text(head).to_string()),
            TokKind::LParen => Some("(".into()),
            TokKind::RParen => Some(")".into()),
            TokKind::Comma => Some(",".into()),
            TokKind::Str { .. } => Some("\"".into()),
            TokKind::Stray => Some("?".into()),
        }
    };
    let Some(last) = word(0) else {
        return Slot::Start;
    };
    if let Some(next) = next_fixed_word(tokens, head) {
        return Slot::Exactly(next);
    }
    let prev = word(1);
    let is_field = vocab::is_field;
    match last.as_str() {
        "in" => Slot::Place,
        "of" => Slot::Document,
        "from" | "to" if matches!(source, Some(SourceKind::Path | SourceKind::Similar)) => {
            Slot::Document
        }
        "for" if source == Some(SourceKind::SuggestRelated) => Slot::SuggestFor,
        "from" | "to" => Slot::PlaceOrDocument,
        "where" | "and" | "or" | "not" | "(" => Slot::Field { links },
        "by" if prev.as_deref() == Some("sort") => Slot::Field { links },
        "by" if source == Some(SourceKind::Orphans) && tokens.len() == 2 => Slot::LinkKind,
        "sort" => Slot::Exactly("by"),
        "missing" | "with" | "has" => Slot::Exactly("section"),
        "section" => Slot::Free("\"<heading>\""),
        "limit" => Slot::Free("<number>"),
        "depth" => Slot::Free("<number>"),
        "search" if tokens.len() == 1 => Slot::Free("\"<words>\""),
        w if vocab::operators().contains(&w) => {
            let field = prev.unwrap_or_default();
            match static_field(&field) {
                Some(field) if !vocab::field_values(field, links).is_empty() => {
                    Slot::Value { field, links }
                }
                _ => Slot::Free("<value>"),
            }
        }
        w if is_field(w)
            && matches!(prev.as_deref(), Some("where" | "and" | "or" | "not" | "(")) =>
        {
            Slot::Operator
        }
        w if is_field(w) && prev.as_deref() == Some("by") && word(2).as_deref() == Some("sort") => {
            Slot::Direction
        }
        _ => Slot::Next,
    }
}

fn static_field(field: &str) -> Option<&'static str> {
    crate::query::field_names()
        .into_iter()
        .find(|f| *f == field)
}

/// What may follow a complete clause, given the query's source and what was already said.
fn next_words(tokens: &[Tok], head: &str) -> Vec<&'static str> {
    let source = source_of(tokens, head);
    let said = |w: &str| {
        tokens
            .iter()
            .any(|t| t.kind == TokKind::Word && t.text(head).eq_ignore_ascii_case(w))
    };
    let in_where = said("where");
    let mut list: Vec<&'static str> = Vec::new();
    match source {
        Some(SourceKind::Path) if said("from") && !said("to") => list.push("to"),
        Some(SourceKind::Neighbors) if said("of") && !said("depth") => list.push("depth"),
        Some(SourceKind::Orphans) if !said("by") && !in_where => list.push("by"),
        Some(SourceKind::Links) if !in_where => {
            if !said("from") {
                list.push("from");
            }
            if !said("to") {
                list.push("to");
            }
        }
        Some(SourceKind::Docs) if !in_where => list.extend(["missing", "with"]),
        _ => {}
    }
    if matches!(
        source,
        Some(SourceKind::Path | SourceKind::Categories | SourceKind::Matrix | SourceKind::Stats)
    ) {
        return list;
    }
    if in_where {
        list.extend(["and", "or"]);
    } else if !matches!(source, Some(SourceKind::Backlinks | SourceKind::Neighbors)) && !said("in")
    {
        list.push("in");
    }
    if !in_where {
        list.push("where");
    }
    if !said("sort") {
        list.push("sort");
    }
    if !said("limit") {
        list.push("limit");
    }
    list
}

fn floor_boundary(s: &str, mut i: usize) -> usize {
    i = i.min(s.len());
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}
