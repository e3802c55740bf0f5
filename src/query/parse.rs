//! Tokens → [`Query`], collecting every error it can rather than stopping at the first.
//!
//! Recursive descent, with loops for chains of `and`, `or` and `not`, and a nesting limit
//! ([`MAX_NESTING`]) for what does recurse. A clause that fails to parse records an error and the parser skips to
//! the next clause keyword, so `docs where x = 1 sort by y` reports both unknown fields.
//! Field names and value types are checked here too (the source is known before its
//! clauses), so every error about the text of a query comes out of [`parse`].
//!
//! To add a source: one variant in [`Source`], one arm in
//! `Parser::source`, its row in [`SOURCES`](super::lex::SOURCES), one arm in `eval`.

use super::ast::*;
use super::error::{QueryError, QueryErrors, Span};
use super::lex::{
    CLAUSES, SOURCES, SourceKind, Token, TokenKind, is_keyword, lex, source_words, sources_listed,
};
use super::names::closest;

/// Parses one query.
pub fn parse(src: &str) -> Result<Query, QueryErrors> {
    let (tokens, lex_errors) = lex(src);
    let mut p = Parser {
        src,
        tokens,
        pos: 0,
        errors: lex_errors,
        depth: 0,
    };
    let query = p.query();
    let mut errors = p.errors;
    errors.sort_by_key(|e| (e.span.start, e.span.end));
    errors.dedup();
    match query {
        Some(q) if errors.is_empty() => Ok(q),
        _ => Err(QueryErrors(errors)),
    }
}

struct Parser<'a> {
    src: &'a str,
    tokens: Vec<Token>,
    pos: usize,
    errors: Vec<QueryError>,
    /// Open parentheses and `not`s around the current position.
    depth: usize,
}

/// How deep parentheses and `not`s may nest. Deeper queries are refused with an error at the
/// level that crosses the limit, so nothing after parsing (printing, desugaring, evaluating,
/// dropping the tree) recurses deeper than this; chains of `and` and `or` are lists and cost
/// no depth at all.
pub const MAX_NESTING: usize = 256;

/// A failed production; its error is already recorded.
struct Failed;

type Parsed<T> = Result<T, Failed>;

impl<'a> Parser<'a> {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.pos)
    }

    /// The next token's text, lower-cased, when it is a word.
    fn peek_word(&self) -> Option<String> {
        match self.peek() {
            Some(t) if t.kind == TokenKind::Word => Some(t.text(self.src).to_ascii_lowercase()),
            _ => None,
        }
    }

    fn bump(&mut self) -> Option<Token> {
        let t = self.tokens.get(self.pos).cloned();
        if t.is_some() {
            self.pos += 1;
        }
        t
    }

    /// Consumes the keyword `kw` when it comes next.
    fn eat(&mut self, kw: &str) -> Option<Span> {
        if self.peek_word().as_deref() == Some(kw) {
            self.bump().map(|t| t.span)
        } else {
            None
        }
    }

    /// The span of the next token, or an empty span at the end of the text.
    fn here(&self) -> Span {
        match self.peek() {
            Some(t) => t.span,
            None => Span::new(self.src.len(), self.src.len()),
        }
    }

    /// `found 'x'` / `found the end of the query`, for the next token.
    fn found(&self) -> String {
        match self.peek() {
            None => "found the end of the query".into(),
            Some(t) => match &t.kind {
                TokenKind::Str(_) => format!("found the string {}", t.text(self.src)),
                _ => format!("found '{}'", t.text(self.src)),
            },
        }
    }

    /// Records `expected …, found …` at the next token.
    fn expected(&mut self, what: &str) -> Failed {
        let msg = format!("{what}, {}", self.found());
        self.errors.push(QueryError::new(self.here(), msg));
        Failed
    }

    fn expected_help(&mut self, what: &str, help: impl Into<String>) -> Failed {
        let msg = format!("{what}, {}", self.found());
        self.errors
            .push(QueryError::new(self.here(), msg).with_help(help));
        Failed
    }

    fn error(&mut self, span: Span, msg: impl Into<String>) -> Failed {
        self.errors.push(QueryError::new(span, msg));
        Failed
    }

    fn expect(&mut self, kw: &str, what: &str) -> Parsed<Span> {
        match self.eat(kw) {
            Some(s) => Ok(s),
            None => Err(self.expected(what)),
        }
    }

    /// Skips to the next clause keyword (or the end).
    fn recover(&mut self) {
        while let Some(t) = self.peek() {
            if t.kind == TokenKind::Word
                && CLAUSES.contains(&t.text(self.src).to_ascii_lowercase().as_str())
            {
                return;
            }
            self.pos += 1;
        }
    }

    fn query(&mut self) -> Option<Query> {
        if self.tokens.is_empty() {
            if self.errors.is_empty() {
                self.errors.push(
                    QueryError::new(
                        Span::new(0, self.src.len()),
                        "expected a query, found nothing",
                    )
                    .with_help("try `orphans`, `broken` or `docs in <category>`"),
                );
            }
            return None;
        }
        let source = self.source().ok()?;
        let mut query = Query {
            source,
            filter: None,
            sort: Vec::new(),
            limit: None,
            output: None,
        };
        while self.peek().is_some() {
            if self.clause(&mut query).is_err() {
                self.recover();
            }
        }
        Some(query)
    }

    fn source(&mut self) -> Parsed<Source> {
        let Some(word) = self.peek_word() else {
            return Err(self.expected_help(
                "expected a query such as `docs`, `orphans` or `links`",
                format!("a query starts with one of: {}", sources_listed()),
            ));
        };
        let start = self.here();
        let Some(syntax) = SOURCES.iter().find(|s| s.starts_with(&word)) else {
            let mut err = QueryError::new(
                start,
                format!("expected a query such as `docs`, `orphans` or `links`, found '{word}'"),
            );
            err = match closest(&word, source_words(), 1).first() {
                Some(best) => err.with_help(format!("did you mean '{best}'?")),
                None => err.with_help(format!("a query starts with one of: {}", sources_listed())),
            };
            self.errors.push(err);
            return Err(Failed);
        };
        // The source's fixed words (`backlinks of`, `suggest related for`), as the table
        // spells them; errors quote the words as typed so far.
        self.bump();
        let mut said = word.clone();
        for w in syntax.words().skip(1) {
            self.expect(w, &format!("expected '{w}' after '{said}'"))?;
            said = format!("{said} {w}");
        }
        Ok(match syntax.kind {
            SourceKind::Docs => Source::Docs,
            SourceKind::Broken => Source::Broken,
            SourceKind::Links => Source::Links,
            SourceKind::AllLinks => Source::AllLinks,
            SourceKind::Hubs => Source::Hubs,
            SourceKind::Categories => Source::Categories,
            SourceKind::Matrix => Source::Matrix,
            SourceKind::Stats => Source::Stats,
            SourceKind::Orphans => {
                let within_root = self.eat("within").is_some();
                if within_root {
                    self.expect(
                        "root",
                        "expected 'root' after 'within' (`orphans within root`)",
                    )?;
                }
                Source::Orphans {
                    by: None,
                    within_root,
                }
            }
            SourceKind::Coverage => Source::Coverage {
                of: match self.eat("of") {
                    Some(_) => Some(self.name("expected a category after 'of'")?),
                    None => None,
                },
            },
            SourceKind::Backlinks => {
                Source::Backlinks(self.name("expected a document after 'of'")?)
            }
            SourceKind::Neighbors => Source::Neighbors {
                of: self.name("expected a document after 'of'")?,
                depth: 1,
            },
            SourceKind::Search => self.search()?,
            SourceKind::Similar => {
                Source::Similar(self.name("expected a document after 'similar to'")?)
            }
            SourceKind::SuggestRelated => {
                if self.eat("orphans").is_some() {
                    let scope = match self.eat("in") {
                        Some(_) => Some(self.name("expected a category after 'in'")?),
                        None => None,
                    };
                    Source::SuggestRelated(RelatedFor::Orphans(scope))
                } else {
                    Source::SuggestRelated(RelatedFor::Doc(
                        self.name("expected a document or 'orphans' after 'suggest related for'")?,
                    ))
                }
            }
            SourceKind::Path => {
                let from = self.name("expected a document after 'from'")?;
                self.expect("to", "expected 'to' and a second document after the first")?;
                let to = self.name("expected a document after 'to'")?;
                Source::Path { from, to }
            }
        })
    }

    /// The text after `search` (its keyword consumed): `"words"`, `~"words"` or one word.
    fn search(&mut self) -> Parsed<Source> {
        let fuzzy = if self
            .peek()
            .is_some_and(|t| t.kind == TokenKind::Op(Op::Contains))
        {
            self.bump();
            true
        } else {
            false
        };
        let text = match self.peek().cloned() {
            Some(Token {
                kind: TokenKind::Str(text),
                ..
            }) if !text.trim().is_empty() => text,
            Some(t) if t.kind == TokenKind::Word && !is_keyword(t.text(self.src)) => {
                t.text(self.src).to_string()
            }
            _ => {
                return Err(self.expected_help(
                    "expected the words to search for after 'search'",
                    "quote them: search \"connection pool\", or search ~\"rabitmq\" to tolerate typos",
                ));
            }
        };
        let span = self.here();
        self.bump();
        // The search's own limits, checked here so the error points at the text.
        if let Err(e) = crate::search::SearchQuery::parse(&text, fuzzy) {
            return Err(self.error(span, e.to_string()));
        }
        Ok(Source::Search { text, fuzzy })
    }

    /// A document or category name: a word that is not a keyword, or a quoted string.
    fn name(&mut self, what: &str) -> Parsed<Name> {
        match self.peek().cloned() {
            Some(Token {
                kind: TokenKind::Str(text),
                span,
            }) if !text.is_empty() => {
                self.bump();
                Ok(Name { text, span })
            }
            Some(
                t @ Token {
                    kind: TokenKind::Word,
                    ..
                },
            ) if !is_keyword(t.text(self.src)) => {
                self.bump();
                Ok(Name {
                    text: t.text(self.src).to_string(),
                    span: t.span,
                })
            }
            Some(t) if t.kind == TokenKind::Word => Err(self.expected_help(
                what,
                format!(
                    "'{}' is a keyword; quote a name that is spelled like one: \"{}\"",
                    t.text(self.src),
                    t.text(self.src)
                ),
            )),
            _ => Err(self.expected(what)),
        }
    }

    fn number(&mut self, what: &str) -> Parsed<(u64, Span)> {
        if let Some(t) = self.peek().cloned()
            && t.kind == TokenKind::Word
            && t.text(self.src).chars().all(|c| c.is_ascii_digit())
        {
            let text = t.text(self.src);
            self.bump();
            return match text.parse::<u64>() {
                Ok(n) => Ok((n, t.span)),
                Err(_) => Err(self.error(t.span, format!("number {text} is too large"))),
            };
        }
        Err(self.expected(what))
    }

    fn add_filter(query: &mut Query, e: Expr) {
        query.filter = Some(match query.filter.take() {
            Some(f) => and(f, e),
            None => e,
        });
    }

    /// Errors unless the source's rows are of `kind`.
    fn require_rows(
        &mut self,
        query: &Query,
        span: Span,
        what: &str,
        kinds: &[RowKind],
    ) -> Parsed<()> {
        let rows = query.source.row_kind();
        if kinds.contains(&rows) {
            return Ok(());
        }
        let applies = match kinds {
            [RowKind::Document] => "lists of documents",
            [RowKind::Link] => "lists of links",
            _ => "lists of documents or links",
        };
        let is = match rows {
            RowKind::Document => "a list of documents",
            RowKind::Link => "a list of links",
            RowKind::Other => "not a list of documents or links",
        };
        Err(self.error(
            span,
            format!(
                "'{what}' applies to {applies}; '{}' is {is}",
                query.source.keyword()
            ),
        ))
    }

    fn clause(&mut self, query: &mut Query) -> Parsed<()> {
        let Some(word) = self.peek_word() else {
            return Err(self.expected(
                "expected a clause (where, in, sort by, limit …) or the end of the query",
            ));
        };
        let kw = self.here();
        match word.as_str() {
            "where" => {
                self.bump();
                self.require_rows(query, kw, "where", &[RowKind::Document, RowKind::Link])?;
                let rows = query.source.row_kind();
                let e = self.or_expr(rows)?;
                Self::add_filter(query, e);
            }
            "in" => {
                self.bump();
                let name = self.name("expected a category or document after 'in'")?;
                self.require_rows(query, kw, "in", &[RowKind::Document, RowKind::Link])?;
                Self::add_filter(query, Expr::In(name));
            }
            "from" | "to" => {
                self.bump();
                let name = self.name(&format!("expected a category or document after '{word}'"))?;
                self.require_rows(query, kw, &word, &[RowKind::Link])?;
                Self::add_filter(
                    query,
                    if word == "from" {
                        Expr::From(name)
                    } else {
                        Expr::To(name)
                    },
                );
            }
            "by" => {
                self.bump();
                let kind = match self.peek_word().as_deref() {
                    Some("related") => crate::corpus::LinkKind::Related,
                    Some("inline") => crate::corpus::LinkKind::Inline,
                    Some("include") => crate::corpus::LinkKind::Include,
                    _ => {
                        return Err(
                            self.expected("expected 'related', 'inline' or 'include' after 'by'")
                        );
                    }
                };
                self.bump();
                match &mut query.source {
                    Source::Orphans {
                        by,
                        within_root: false,
                    } => *by = Some(kind),
                    Source::Orphans {
                        within_root: true, ..
                    } => {
                        return Err(self.error(
                            kw,
                            "'by' does not combine with 'within root'; write `orphans by related` or `orphans within root`",
                        ));
                    }
                    _ => {
                        return Err(self.error(
                            kw,
                            "'by related' and 'by inline' apply to orphans (`orphans by related`)",
                        ));
                    }
                }
            }
            "depth" => {
                self.bump();
                let (n, _) = self.number("expected a number after 'depth'")?;
                match &mut query.source {
                    Source::Neighbors { depth, .. } => *depth = n as usize,
                    _ => {
                        return Err(self.error(
                            kw,
                            "'depth' applies to neighbors (`neighbors of <doc> depth 2`)",
                        ));
                    }
                }
            }
            "missing" | "with" => {
                self.bump();
                self.expect("section", &format!("expected 'section' after '{word}'"))?;
                let (name, span) = self.section_name()?;
                self.require_rows(query, kw, &format!("{word} section"), &[RowKind::Document])?;
                let has = Expr::HasSection {
                    name,
                    span: kw.to(span),
                };
                Self::add_filter(
                    query,
                    if word == "missing" {
                        Expr::Not(Box::new(has))
                    } else {
                        has
                    },
                );
            }
            "sort" => {
                self.bump();
                self.expect("by", "expected 'by' after 'sort'")?;
                self.require_rows(query, kw, "sort by", &[RowKind::Document, RowKind::Link])?;
                let rows = query.source.row_kind();
                let mut keys = vec![self.sort_key(rows, "expected a field after 'sort by'")?];
                while self.peek().is_some_and(|t| t.kind == TokenKind::Comma) {
                    self.bump();
                    keys.push(self.sort_key(rows, "expected a field after ','")?);
                }
                query.sort = keys;
            }
            "limit" => {
                self.bump();
                let (n, _) = self.number("expected a number after 'limit'")?;
                query.limit = Some(n as usize);
            }
            "as" => {
                self.bump();
                let output = self
                    .peek_word()
                    .and_then(|w| Output::ALL.iter().copied().find(|o| o.name() == w.as_str()));
                let Some(output) = output else {
                    return Err(self.expected("expected an output after 'as': dot"));
                };
                let end = self.here();
                self.bump();
                if matches!(
                    query.source,
                    Source::Categories | Source::Matrix | Source::Stats
                ) {
                    return Err(self.error(
                        kw.to(end),
                        format!(
                            "'as dot' draws documents, links or a path; `{}` is a summary table (`atomdoc export --level category` draws categories)",
                            query.source.keyword()
                        ),
                    ));
                }
                query.output = Some(output);
            }
            _ => {
                let err = self.expected(
                    "expected a clause (where, in, sort by, limit …) or the end of the query",
                );
                // Step over the offending word so recovery can find the next clause.
                self.bump();
                return Err(err);
            }
        }
        Ok(())
    }

    fn section_name(&mut self) -> Parsed<(String, Span)> {
        match self.peek().cloned() {
            Some(Token {
                kind: TokenKind::Str(s),
                span,
            }) => {
                self.bump();
                Ok((s, span))
            }
            Some(t) if t.kind == TokenKind::Word && !is_keyword(t.text(self.src)) => {
                self.bump();
                Ok((t.text(self.src).to_string(), t.span))
            }
            _ => Err(self.expected_help(
                "expected a section name after 'section'",
                "quote names with spaces: section \"Best Practices\"",
            )),
        }
    }

    fn sort_key(&mut self, rows: RowKind, what: &str) -> Parsed<SortKey> {
        let (field, span) = self.field(rows, what)?;
        let descending = if self.eat("desc").is_some() {
            true
        } else {
            self.eat("asc");
            false
        };
        Ok(SortKey {
            field,
            span,
            descending,
        })
    }

    /// A field name valid for `rows`.
    fn field(&mut self, rows: RowKind, what: &str) -> Parsed<(Field, Span)> {
        let Some(word) = self.peek_word() else {
            return Err(self.expected(what));
        };
        let span = self.here();
        if let Some(f) = Field::lookup(rows, &word) {
            self.bump();
            return Ok((f, span));
        }
        if is_keyword(&word) {
            return Err(self.expected(what));
        }
        let (own, other, noun, other_noun) = match rows {
            RowKind::Link => (LINK_FIELDS, DOC_FIELDS, "links", "documents"),
            _ => (DOC_FIELDS, LINK_FIELDS, "documents", "links"),
        };
        let names: Vec<&str> = own.iter().map(|f| f.name()).collect();
        let mut msg = format!("unknown field '{word}' for {noun}");
        if other.iter().any(|f| f.name() == word) {
            msg = format!("'{word}' is a field of {other_noun}, not of {noun}");
        }
        let mut err = QueryError::new(span, msg);
        err = match closest(&word, names.iter().copied(), 1).first() {
            Some(best) => err.with_help(format!(
                "did you mean '{best}'? fields of {noun}: {}",
                names.join(", ")
            )),
            None => err.with_help(format!("fields of {noun}: {}", names.join(", "))),
        };
        self.errors.push(err);
        self.bump();
        Err(Failed)
    }

    /// `a or b or …`: a loop, one node for the whole chain, so a chain of any length costs
    /// no stack.
    fn or_expr(&mut self, rows: RowKind) -> Parsed<Expr> {
        let first = self.and_expr(rows)?;
        if self.peek_word().as_deref() != Some("or") {
            return Ok(first);
        }
        let mut items = vec![first];
        while self.eat("or").is_some() {
            items.push(self.and_expr(rows)?);
        }
        Ok(Expr::Or(items))
    }

    fn and_expr(&mut self, rows: RowKind) -> Parsed<Expr> {
        let first = self.unary(rows)?;
        if self.peek_word().as_deref() != Some("and") {
            return Ok(first);
        }
        let mut items = vec![first];
        while self.eat("and").is_some() {
            items.push(self.unary(rows)?);
        }
        Ok(Expr::And(items))
    }

    /// `not not … atom`: the `not`s are counted in a loop; each is a level of nesting.
    fn unary(&mut self, rows: RowKind) -> Parsed<Expr> {
        let mut nots = 0;
        while let Some(span) = self.eat("not") {
            if let Err(failed) = self.enter(span) {
                self.depth -= nots;
                return Err(failed);
            }
            nots += 1;
        }
        let atom = self.atom(rows);
        self.depth -= nots;
        let mut e = atom?;
        for _ in 0..nots {
            e = Expr::Not(Box::new(e));
        }
        Ok(e)
    }

    /// Enters one level of nesting (a `(` or a `not` at `span`). Past [`MAX_NESTING`] the
    /// query is refused whole: the parser stops there, so one error is reported, not one per
    /// level.
    fn enter(&mut self, span: Span) -> Parsed<()> {
        if self.depth >= MAX_NESTING {
            self.errors.push(
                QueryError::new(
                    span,
                    format!("query nests deeper than {MAX_NESTING} levels"),
                )
                .with_help(
                    "a chain needs no parentheses (`a and b and c`), and `not not x` is `x`",
                ),
            );
            self.pos = self.tokens.len();
            return Err(Failed);
        }
        self.depth += 1;
        Ok(())
    }

    /// The text of the token before the current one, for "after 'x'" messages.
    fn previous(&self) -> String {
        self.pos
            .checked_sub(1)
            .and_then(|i| self.tokens.get(i))
            .map(|t| t.text(self.src).to_string())
            .unwrap_or_default()
    }

    fn atom(&mut self, rows: RowKind) -> Parsed<Expr> {
        let what = format!("expected a condition after '{}'", self.previous());
        let Some(tok) = self.peek().cloned() else {
            return Err(self.expected_help(
                &what,
                "a condition looks like `inlinks = 0`, `title ~ \"redis\"` or `in services`",
            ));
        };
        match &tok.kind {
            TokenKind::LParen => {
                self.enter(tok.span)?;
                self.bump();
                let inner = self.or_expr(rows);
                self.depth -= 1;
                let inner = inner?;
                if self.peek().is_some_and(|t| t.kind == TokenKind::RParen) {
                    self.bump();
                    Ok(inner)
                } else {
                    let col = self.src[..tok.span.start].chars().count() + 1;
                    Err(self.expected(&format!("expected ')' to close the '(' at column {col}")))
                }
            }
            TokenKind::Word => {
                let word = tok.text(self.src).to_ascii_lowercase();
                match word.as_str() {
                    "in" | "from" | "to" => {
                        self.bump();
                        let name =
                            self.name(&format!("expected a category or document after '{word}'"))?;
                        if word != "in" && rows != RowKind::Link {
                            return Err(self.error(
                                tok.span,
                                format!("'{word}' applies to links; for documents use 'in'"),
                            ));
                        }
                        Ok(match word.as_str() {
                            "in" => Expr::In(name),
                            "from" => Expr::From(name),
                            _ => Expr::To(name),
                        })
                    }
                    "has" => {
                        self.bump();
                        self.expect("section", "expected 'section' after 'has'")?;
                        let (name, span) = self.section_name()?;
                        if rows != RowKind::Document {
                            return Err(self.error(tok.span, "'has section' applies to documents"));
                        }
                        Ok(Expr::HasSection {
                            name,
                            span: tok.span.to(span),
                        })
                    }
                    _ => self.comparison(rows, &what),
                }
            }
            _ => Err(self.expected_help(
                &what,
                "a condition looks like `inlinks = 0`, `title ~ \"redis\"` or `in services`",
            )),
        }
    }

    fn comparison(&mut self, rows: RowKind, what: &str) -> Parsed<Expr> {
        let (field, field_span) = self.field(rows, what)?;
        let op = match self.peek() {
            Some(Token {
                kind: TokenKind::Op(op),
                ..
            }) => *op,
            _ if field.ty() == FieldType::Bool => {
                return Ok(Expr::Flag {
                    field,
                    span: field_span,
                });
            }
            _ => {
                let what = format!(
                    "expected an operator (= != < <= > >= ~) after '{}'",
                    field.name()
                );
                // Words other query languages use for these operators.
                let help = match self.peek_word().as_deref() {
                    Some("contains" | "like" | "matches" | "has") => Some(format!(
                        "`~` matches a part of the text: {} ~ \"…\"",
                        field.name()
                    )),
                    Some("is" | "equals" | "eq") => Some(format!("write {} = …", field.name())),
                    Some("not") => Some(format!("write {} != …", field.name())),
                    _ => None,
                };
                return Err(match help {
                    Some(help) => self.expected_help(&what, help),
                    None => self.expected(&what),
                });
            }
        };
        let op_span = self.here();
        self.bump();
        let (value, value_span) = match self.peek().cloned() {
            Some(Token {
                kind: TokenKind::Str(s),
                span,
            }) => (Value::Text(s), span),
            Some(t) if t.kind == TokenKind::Word => {
                let text = t.text(self.src);
                if !text.is_empty() && text.chars().all(|c| c.is_ascii_digit()) {
                    match text.parse::<u64>() {
                        Ok(n) => (Value::Number(n), t.span),
                        Err(_) => {
                            self.bump();
                            return Err(self.error(t.span, format!("number {text} is too large")));
                        }
                    }
                } else {
                    (Value::Text(text.to_string()), t.span)
                }
            }
            _ => return Err(self.expected(&format!("expected a value after '{op}'"))),
        };
        self.bump();
        // A type error is recorded but does not stop the parse: later errors still show.
        let value = self
            .check_value(field, op, op_span, value.clone(), value_span)
            .unwrap_or(value);
        Ok(Expr::Compare {
            field,
            field_span,
            op,
            value,
            value_span,
        })
    }

    /// Type-checks `field op value`; returns the value normalised (enumerations lower-cased).
    fn check_value(
        &mut self,
        field: Field,
        op: Op,
        op_span: Span,
        value: Value,
        value_span: Span,
    ) -> Parsed<Value> {
        let name = field.name();
        match field.ty() {
            FieldType::Number => {
                if op == Op::Contains {
                    return Err(self.error(
                        op_span,
                        format!("'~' compares text, but '{name}' is a number: use = != < <= > >="),
                    ));
                }
                if let Value::Text(t) = &value {
                    return Err(self.error(
                        value_span,
                        format!(
                            "'{name}' is a number: expected a number after '{op}', found '{t}'"
                        ),
                    ));
                }
                Ok(value)
            }
            FieldType::Bool => {
                if !matches!(op, Op::Eq | Op::Ne) {
                    return Err(self.error(
                        op_span,
                        format!("'{name}' is true or false: compare it with = or !=, or write `{name}` or `not {name}`"),
                    ));
                }
                let text = value.as_text().to_ascii_lowercase();
                if text != "true" && text != "false" {
                    return Err(self.error(
                        value_span,
                        format!("'{name}' is true or false: expected true or false after '{op}', found '{}'", value.as_text()),
                    ));
                }
                Ok(Value::Text(text))
            }
            FieldType::Text => {
                let Some(allowed) = field.allowed_values() else {
                    return Ok(value);
                };
                if op == Op::Contains {
                    return Ok(value);
                }
                let text = value.as_text().to_ascii_lowercase();
                if allowed.contains(&text.as_str()) {
                    return Ok(Value::Text(text));
                }
                let mut err = QueryError::new(
                    value_span,
                    format!(
                        "'{}' is not a {name}: expected one of {}",
                        value.as_text(),
                        allowed.join(", ")
                    ),
                );
                if let Some(best) = closest(&text, allowed.iter().copied(), 1).first() {
                    err = err.with_help(format!("did you mean '{best}'?"));
                }
                self.errors.push(err);
                Err(Failed)
            }
        }
    }
}
