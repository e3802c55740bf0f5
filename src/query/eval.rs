//! [`Query`] → [`Rows`] over the in-memory corpus and graph. Pure: no IO, no clock.
//!
//! Evaluation works on the core form ([`Query::core`]): names are resolved first (an unknown
//! or ambiguous name is an error pointing at it), then the set is filtered, sorted (a stable
//! sort over path order) and cut to the limit.

use std::cmp::Ordering;
use std::collections::BTreeMap;

use super::ast::*;
use super::error::{QueryError, Span};
use super::names::{self, Scope};
use crate::corpus::{Corpus, DocId, DocKind, LinkKind, LinkOrigin, LinkStatus};
use crate::graph::{self, DocGraph, LinkFilter, Stats};
pub use crate::search::related::RelatedSuggestion;

/// One link: the `link`-th link written at `from` (a document or a referrer).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct LinkRef {
    pub from: LinkOrigin,
    pub link: usize,
}

impl LinkRef {
    /// The `link`-th link of document `doc`.
    pub fn doc(doc: DocId, link: usize) -> LinkRef {
        LinkRef {
            from: LinkOrigin::Doc(doc),
            link,
        }
    }

    /// The document the link is written in; `None` for a referrer's link.
    pub fn source_doc(&self) -> Option<DocId> {
        match self.from {
            LinkOrigin::Doc(d) => Some(d),
            LinkOrigin::Referrer(_) => None,
        }
    }
}

/// The answer to a query. Document and link rows keep their identity (ids into the corpus),
/// so renderers (table, JSON, CSV, DOT) can show whatever they need.
#[derive(Debug, Clone, PartialEq)]
pub enum Rows {
    Documents(Vec<DocId>),
    /// Documents with their distance (in link steps) from the `neighbors of` document `of`
    /// (which is not among them).
    Neighbors {
        of: DocId,
        near: Vec<(DocId, usize)>,
    },
    Links(Vec<LinkRef>),
    /// The documents of the shortest path, both ends included; empty when there is none.
    Path {
        from: DocId,
        to: DocId,
        docs: Vec<DocId>,
    },
    /// A summary (`categories`, `matrix`, `stats`).
    Table(Table),
    /// Documents with a relevance score, best first (`search`, `similar to`).
    Scored(Vec<(DocId, f32)>),
    /// Links that should exist (`suggest related for`).
    Related(Vec<RelatedSuggestion>),
}

/// What the full-text index answered for a query's source, computed before evaluation
/// (the index is the one input that is not the corpus or the graph): the hits of `search`
/// and `similar to`, or the pairs of `suggest related for`.
#[derive(Debug, Clone, Default)]
pub struct TextAnswers {
    pub hits: Vec<(DocId, f32)>,
    pub related: Vec<RelatedSuggestion>,
}

impl Rows {
    pub fn len(&self) -> usize {
        match self {
            Rows::Documents(d) => d.len(),
            Rows::Neighbors { near, .. } => near.len(),
            Rows::Links(l) => l.len(),
            Rows::Path { docs, .. } => docs.len(),
            Rows::Table(t) => t.rows.len(),
            Rows::Scored(s) => s.len(),
            Rows::Related(r) => r.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// A summary table: named columns, rows of cells.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    pub columns: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
    /// What a row is, singular and plural (`category`, `categories`).
    pub noun: (&'static str, &'static str),
}

/// One cell of output.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Cell {
    Null,
    Bool(bool),
    Int(u64),
    Text(String),
    /// A relevance score in thousandths (printed `12.345`, a number in JSON).
    Score(u64),
    /// A fixed-point number: `scaled` / 10^`places` (printed with `places` decimals, a number
    /// in JSON): percentages and means.
    Fixed {
        scaled: u64,
        places: u8,
    },
    /// A list of texts (a JSON array; joined with `, ` elsewhere).
    List(Vec<String>),
}

impl Cell {
    /// `value` (not negative) rounded to `places` decimals.
    pub fn fixed(value: f64, places: u8) -> Cell {
        let scaled = (value.max(0.0) * 10f64.powi(i32::from(places))).round() as u64;
        Cell::Fixed { scaled, places }
    }

    /// A score rounded to thousandths.
    pub fn score(value: f32) -> Cell {
        Cell::Score((f64::from(value.max(0.0)) * 1000.0).round() as u64)
    }
}

/// Per-document link counts, computed once per evaluation from the corpus's links. Incoming
/// counts include edges from referrers, except `root_inlinks`.
pub struct Metrics {
    pub inlinks: Vec<u64>,
    pub root_inlinks: Vec<u64>,
    pub outlinks: Vec<u64>,
    pub inrelated: Vec<u64>,
    pub ininline: Vec<u64>,
    pub ininclude: Vec<u64>,
}

impl Metrics {
    pub fn compute(corpus: &Corpus) -> Metrics {
        let n = corpus.docs.len();
        let mut m = Metrics {
            inlinks: vec![0; n],
            root_inlinks: vec![0; n],
            outlinks: vec![0; n],
            inrelated: vec![0; n],
            ininline: vec![0; n],
            ininclude: vec![0; n],
        };
        for (id, doc) in corpus.docs.iter().enumerate() {
            for link in &doc.links {
                if let Some(to) = link.to_doc {
                    m.outlinks[id] += 1;
                    m.root_inlinks[to] += 1;
                    m.incoming(to, link.kind);
                }
            }
        }
        for r in &corpus.referrers {
            for (_, link) in r.edges() {
                if let Some(to) = link.to_doc {
                    m.incoming(to, link.kind);
                }
            }
        }
        m
    }

    fn incoming(&mut self, to: DocId, kind: LinkKind) {
        self.inlinks[to] += 1;
        match kind {
            LinkKind::Related => self.inrelated[to] += 1,
            LinkKind::Inline => self.ininline[to] += 1,
            LinkKind::Include => self.ininclude[to] += 1,
        }
    }
}

/// A row being filtered or sorted.
#[derive(Debug, Clone, Copy)]
pub enum Row {
    Doc(DocId),
    Link(LinkRef),
}

/// Evaluates `query` against a loaded tree, without full-text answers (text sources answer
/// nothing).
pub fn eval(query: &Query, corpus: &Corpus, graph: &DocGraph) -> Result<Rows, QueryError> {
    eval_with(query, corpus, &|| graph, &Metrics::compute(corpus), None)
}

/// Evaluates `query`, with the corpus's `metrics` and the full-text answers its source needs
/// (`search`, `similar to`, `suggest related for`; see [`crate::query::eval`], which gathers
/// them).
pub fn eval_with(
    query: &Query,
    corpus: &Corpus,
    graph: graph::Lazy,
    metrics: &Metrics,
    text: Option<&TextAnswers>,
) -> Result<Rows, QueryError> {
    let core = query.core();
    let cx = Cx { corpus, metrics };
    let filter = core
        .filter
        .as_ref()
        .map(|e| compile(corpus, e))
        .transpose()?;
    let keep = |row: Row| filter.as_ref().is_none_or(|p| cx.test(p, row));
    let limit = core.limit.unwrap_or(usize::MAX);
    let rows = match &core.source {
        CoreSource::Docs => {
            let mut ids: Vec<DocId> = (0..corpus.docs.len())
                .filter(|&d| keep(Row::Doc(d)))
                .collect();
            cx.sort(&mut ids, &core.sort, |&d| Row::Doc(d));
            ids.truncate(limit);
            Rows::Documents(ids)
        }
        CoreSource::AllLinks => {
            let mut refs: Vec<LinkRef> = Vec::new();
            for (doc, d) in corpus.docs.iter().enumerate() {
                let start = refs.len();
                refs.extend(
                    (0..d.links.len())
                        .map(|link| LinkRef::doc(doc, link))
                        .filter(|&r| keep(Row::Link(r))),
                );
                // The parser emits links in reading order; make sure of it without paying
                // for a sort when it holds.
                let mine = &mut refs[start..];
                let pos = |r: &LinkRef| (d.links[r.link].line, d.links[r.link].column);
                if !mine.is_sorted_by_key(pos) {
                    mine.sort_by_key(pos);
                }
            }
            // Then the referrers' edges into the documents (their other links are not rows:
            // a referrer is read for what it says about the documents).
            for (i, r) in corpus.referrers.iter().enumerate() {
                refs.extend(
                    r.edges()
                        .map(|(link, _)| LinkRef {
                            from: LinkOrigin::Referrer(i),
                            link,
                        })
                        .filter(|&r| keep(Row::Link(r))),
                );
            }
            cx.sort(&mut refs, &core.sort, |&r| Row::Link(r));
            refs.truncate(limit);
            Rows::Links(refs)
        }
        CoreSource::Neighbors { of, depth } => {
            let id = doc(corpus, of)?;
            let mut near: Vec<(DocId, usize)> = graph()
                .within(id, *depth, LinkFilter::Any)
                .into_iter()
                .filter(|&(d, _)| keep(Row::Doc(d)))
                .collect();
            cx.sort(&mut near, &core.sort, |&(d, _)| Row::Doc(d));
            near.truncate(limit);
            Rows::Neighbors { of: id, near }
        }
        CoreSource::Path { from, to } => {
            let a = doc(corpus, from)?;
            let b = doc(corpus, to)?;
            let mut docs = graph().shortest_path(corpus, a, b).unwrap_or_default();
            docs.truncate(limit);
            Rows::Path {
                from: a,
                to: b,
                docs,
            }
        }
        CoreSource::Categories => Rows::Table(truncate(categories(corpus), limit)),
        CoreSource::Matrix => Rows::Table(truncate(matrix(corpus), limit)),
        CoreSource::Stats => Rows::Table(truncate(stats(corpus, graph()), limit)),
        CoreSource::Search { .. } | CoreSource::Similar(_) => {
            let hits = text.map(|t| t.hits.as_slice()).unwrap_or_default();
            // Best first; a `sort by` re-sorts stably, so equal keys keep the score order.
            let mut scored: Vec<(DocId, f32)> = hits
                .iter()
                .copied()
                .filter(|&(d, _)| keep(Row::Doc(d)))
                .collect();
            cx.sort(&mut scored, &core.sort, |&(d, _)| Row::Doc(d));
            scored.truncate(limit);
            Rows::Scored(scored)
        }
        CoreSource::SuggestRelated(_) => {
            let mut pairs = text.map(|t| t.related.clone()).unwrap_or_default();
            pairs.truncate(limit);
            Rows::Related(pairs)
        }
        CoreSource::Coverage { .. } => {
            return Err(QueryError::new(
                Span::default(),
                "coverage needs the template checks; evaluate it with `query::eval`",
            ));
        }
    };
    Ok(rows)
}

fn truncate(mut t: Table, limit: usize) -> Table {
    t.rows.truncate(limit);
    t
}

fn name_error(name: &Name, e: names::NameError) -> QueryError {
    let help = e.help();
    QueryError::new(name.span, e.to_string()).with_help(help)
}

fn doc(corpus: &Corpus, name: &Name) -> Result<DocId, QueryError> {
    names::resolve_doc(corpus, &name.text).map_err(|e| name_error(name, e))
}

fn scope(corpus: &Corpus, name: &Name) -> Result<Scope, QueryError> {
    names::resolve_scope(corpus, &name.text).map_err(|e| name_error(name, e))
}

/// A filter with its names resolved.
enum Pred {
    And(Vec<Pred>),
    Or(Vec<Pred>),
    Not(Box<Pred>),
    Compare {
        field: Field,
        op: Op,
        value: Value,
    },
    Flag(Field),
    /// Scopes become a membership table over document ids: one lookup per row.
    In(Vec<bool>),
    From(Vec<bool>),
    To(Vec<bool>),
    /// A section name, compared with [`heading::same`](crate::corpus::heading::same).
    HasSection(String),
}

fn compile(corpus: &Corpus, e: &Expr) -> Result<Pred, QueryError> {
    Ok(match e {
        Expr::And(items) => Pred::And(
            items
                .iter()
                .map(|e| compile(corpus, e))
                .collect::<Result<_, _>>()?,
        ),
        Expr::Or(items) => Pred::Or(
            items
                .iter()
                .map(|e| compile(corpus, e))
                .collect::<Result<_, _>>()?,
        ),
        Expr::Not(a) => Pred::Not(Box::new(compile(corpus, a)?)),
        Expr::Compare {
            field,
            op,
            value,
            value_span,
            ..
        } => {
            if *field == Field::Category && matches!(op, Op::Eq | Op::Ne) {
                check_category(corpus, &value.as_text(), *value_span)?;
            }
            let value = match (op, value) {
                (Op::Contains, v) => Value::Text(v.as_text().to_lowercase()),
                (_, v) => v.clone(),
            };
            Pred::Compare {
                field: *field,
                op: *op,
                value,
            }
        }
        Expr::Flag { field, .. } => Pred::Flag(*field),
        Expr::In(n) => Pred::In(members(corpus, &scope(corpus, n)?)),
        Expr::From(n) => Pred::From(members(corpus, &scope(corpus, n)?)),
        Expr::To(n) => Pred::To(members(corpus, &scope(corpus, n)?)),
        Expr::HasSection { name, .. } => Pred::HasSection(name.clone()),
    })
}

fn members(corpus: &Corpus, scope: &Scope) -> Vec<bool> {
    corpus
        .docs
        .iter()
        .enumerate()
        .map(|(id, d)| scope.contains(id, d))
        .collect()
}

fn check_category(corpus: &Corpus, name: &str, span: Span) -> Result<(), QueryError> {
    let cats = corpus.categories();
    if cats.contains(&name) {
        return Ok(());
    }
    let close = names::closest(name, cats.iter().copied(), 3);
    let help = if close.is_empty() {
        format!("categories: {}", cats.join(", "))
    } else {
        format!("did you mean {}?", close.join(", "))
    };
    Err(QueryError::new(span, format!("unknown category '{name}'")).with_help(help))
}

/// A field's value on one row.
#[derive(Debug, Clone, PartialEq)]
pub enum FieldValue<'a> {
    Null,
    Bool(bool),
    Num(u64),
    Text(&'a str),
}

impl FieldValue<'_> {
    pub fn to_cell(&self) -> Cell {
        match self {
            FieldValue::Null => Cell::Null,
            FieldValue::Bool(b) => Cell::Bool(*b),
            FieldValue::Num(n) => Cell::Int(*n),
            FieldValue::Text(t) => Cell::Text(t.to_string()),
        }
    }

    fn cmp_for_sort(&self, other: &FieldValue) -> Ordering {
        use FieldValue::*;
        match (self, other) {
            (Num(a), Num(b)) => a.cmp(b),
            (Bool(a), Bool(b)) => a.cmp(b),
            (Text(a), Text(b)) => a.to_lowercase().cmp(&b.to_lowercase()).then(a.cmp(b)),
            (Null, Null) => Ordering::Equal,
            (Null, _) => Ordering::Less,
            (_, Null) => Ordering::Greater,
            _ => Ordering::Equal,
        }
    }
}

/// What evaluation needs at hand.
pub struct Cx<'a> {
    pub corpus: &'a Corpus,
    pub metrics: &'a Metrics,
}

impl<'a> Cx<'a> {
    /// The value of `field` on `row` (a document field on a link row, or the reverse, is
    /// `Null`; the parser never lets that happen).
    pub fn value(&self, field: Field, row: Row) -> FieldValue<'a> {
        let corpus = self.corpus;
        let m = self.metrics;
        match row {
            Row::Doc(id) => {
                let d = &corpus.docs[id];
                match field {
                    Field::Path => FieldValue::Text(&d.path),
                    Field::Title => d
                        .title
                        .as_deref()
                        .map_or(FieldValue::Null, FieldValue::Text),
                    Field::Category => d
                        .category
                        .as_deref()
                        .map_or(FieldValue::Null, FieldValue::Text),
                    Field::Subcategory => d
                        .subcategory
                        .as_deref()
                        .map_or(FieldValue::Null, FieldValue::Text),
                    Field::DocKind => FieldValue::Text(d.kind.as_str()),
                    Field::Inlinks => FieldValue::Num(m.inlinks[id]),
                    Field::RootInlinks => FieldValue::Num(m.root_inlinks[id]),
                    Field::Outlinks => FieldValue::Num(m.outlinks[id]),
                    Field::Related => FieldValue::Num(d.related_links() as u64),
                    Field::InRelated => FieldValue::Num(m.inrelated[id]),
                    Field::InInline => FieldValue::Num(m.ininline[id]),
                    Field::InInclude => FieldValue::Num(m.ininclude[id]),
                    Field::Broken => FieldValue::Num(d.broken_links() as u64),
                    Field::Words => FieldValue::Num(d.words as u64),
                    Field::Sections => {
                        FieldValue::Num(d.headings.iter().filter(|h| h.level == 2).count() as u64)
                    }
                    Field::Orphan => {
                        FieldValue::Bool(d.kind == DocKind::Topic && m.inlinks[id] == 0)
                    }
                    _ => FieldValue::Null,
                }
            }
            Row::Link(r) => {
                let l = corpus.link(r.from, r.link);
                match field {
                    Field::Source => FieldValue::Text(corpus.origin_path(r.from)),
                    Field::Target => FieldValue::Text(&l.target),
                    Field::Resolved => l
                        .resolved
                        .as_deref()
                        .map_or(FieldValue::Null, FieldValue::Text),
                    Field::LinkKind => FieldValue::Text(l.kind.as_str()),
                    Field::Status => FieldValue::Text(match l.status {
                        LinkStatus::Ok => "ok",
                        LinkStatus::External => "external",
                        LinkStatus::Broken(_) => "broken",
                    }),
                    Field::Reason => l
                        .broken_reason()
                        .map_or(FieldValue::Null, |r| FieldValue::Text(r.as_str())),
                    Field::Line => FieldValue::Num(l.line as u64),
                    Field::Column => FieldValue::Num(l.column as u64),
                    Field::Edge => FieldValue::Bool(l.to_doc.is_some()),
                    Field::FromReferrer => {
                        FieldValue::Bool(matches!(r.from, LinkOrigin::Referrer(_)))
                    }
                    _ => FieldValue::Null,
                }
            }
        }
    }

    fn test(&self, p: &Pred, row: Row) -> bool {
        match p {
            Pred::And(items) => items.iter().all(|p| self.test(p, row)),
            Pred::Or(items) => items.iter().any(|p| self.test(p, row)),
            Pred::Not(a) => !self.test(a, row),
            Pred::Flag(f) => self.value(*f, row) == FieldValue::Bool(true),
            Pred::Compare { field, op, value } => compare(&self.value(*field, row), *op, value),
            // A referrer is in no category and is no document.
            Pred::In(m) | Pred::From(m) => match row {
                Row::Doc(id) => m[id],
                Row::Link(r) => r.source_doc().is_some_and(|d| m[d]),
            },
            Pred::To(m) => match row {
                Row::Link(r) => self
                    .corpus
                    .link(r.from, r.link)
                    .to_doc
                    .is_some_and(|t| m[t]),
                Row::Doc(_) => false,
            },
            Pred::HasSection(key) => match row {
                Row::Doc(id) => self.corpus.docs[id]
                    .headings
                    .iter()
                    .any(|h| crate::corpus::heading::same(&h.text, key)),
                Row::Link(_) => false,
            },
        }
    }

    /// Stable sort by `keys` (rows arrive in path order, which breaks ties).
    fn sort<T>(&self, items: &mut [T], keys: &[SortKey], row: impl Fn(&T) -> Row) {
        if keys.is_empty() {
            return;
        }
        items.sort_by(|a, b| {
            let (ra, rb) = (row(a), row(b));
            for k in keys {
                let ord = self
                    .value(k.field, ra)
                    .cmp_for_sort(&self.value(k.field, rb));
                let ord = if k.descending { ord.reverse() } else { ord };
                if ord != Ordering::Equal {
                    return ord;
                }
            }
            Ordering::Equal
        });
    }
}

fn compare(v: &FieldValue, op: Op, want: &Value) -> bool {
    let ord = match (v, want) {
        (FieldValue::Null, _) => return op == Op::Ne,
        (FieldValue::Num(n), Value::Number(w)) => n.cmp(w),
        (FieldValue::Num(_), Value::Text(_)) => return false,
        (FieldValue::Bool(b), w) => {
            let w = matches!(w, Value::Text(t) if t == "true");
            return match op {
                Op::Eq => *b == w,
                Op::Ne => *b != w,
                _ => false,
            };
        }
        (FieldValue::Text(t), Value::Text(w)) => {
            if op == Op::Contains {
                // `w` was lower-cased when the filter was compiled.
                return contains_ignoring_case(t, w);
            }
            (*t).cmp(w.as_str())
        }
        (FieldValue::Text(t), Value::Number(n)) => (*t).cmp(n.to_string().as_str()),
    };
    match op {
        Op::Eq => ord == Ordering::Equal,
        Op::Ne => ord != Ordering::Equal,
        Op::Lt => ord == Ordering::Less,
        Op::Le => ord != Ordering::Greater,
        Op::Gt => ord == Ordering::Greater,
        Op::Ge => ord != Ordering::Less,
        Op::Contains => false,
    }
}

/// Whether `haystack` contains `needle_lower` (already lower-case), ignoring case; allocates
/// only for non-ASCII text.
fn contains_ignoring_case(haystack: &str, needle_lower: &str) -> bool {
    if haystack.is_ascii() && needle_lower.is_ascii() {
        let (h, n) = (haystack.as_bytes(), needle_lower.as_bytes());
        return n.is_empty()
            || h.windows(n.len())
                .any(|w| w.iter().zip(n).all(|(a, b)| a.to_ascii_lowercase() == *b));
    }
    haystack.to_lowercase().contains(needle_lower)
}

/// The label of the docs root's own files in category columns.
pub const ROOT_LABEL: &str = "(root)";

/// Each document's category as an index into `corpus.categories()`; the docs root's own
/// files get `categories().len()`.
fn category_index(corpus: &Corpus) -> (Vec<String>, Vec<usize>) {
    let names: Vec<String> = corpus.categories().iter().map(|c| c.to_string()).collect();
    let index: std::collections::HashMap<&str, usize> = names
        .iter()
        .enumerate()
        .map(|(i, n)| (n.as_str(), i))
        .collect();
    let of_doc = corpus
        .docs
        .iter()
        .map(|d| d.category.as_deref().map_or(names.len(), |c| index[c]))
        .collect();
    (names, of_doc)
}

fn categories(corpus: &Corpus) -> Table {
    #[derive(Default, Clone, Copy)]
    struct Counts {
        docs: u64,
        out: u64,
        inn: u64,
        cross_out: u64,
        cross_in: u64,
    }
    let (cats, cat_of) = category_index(corpus);
    // Groups: one per category (the root last), then one per subcategory.
    let subs = corpus.subcategories();
    let sub_index: std::collections::HashMap<(&str, &str), usize> = subs
        .iter()
        .enumerate()
        .map(|(i, &k)| (k, cats.len() + 1 + i))
        .collect();
    let groups_of: Vec<(usize, Option<usize>)> = corpus
        .docs
        .iter()
        .zip(&cat_of)
        .map(|(d, &c)| {
            let sub = match (&d.category, &d.subcategory) {
                (Some(c), Some(s)) => Some(sub_index[&(c.as_str(), s.as_str())]),
                _ => None,
            };
            (c, sub)
        })
        .collect();
    let mut counts = vec![Counts::default(); cats.len() + 1 + subs.len()];
    let groups = |id: DocId| {
        let (c, s) = groups_of[id];
        std::iter::once(c).chain(s)
    };
    for id in 0..corpus.docs.len() {
        for g in groups(id) {
            counts[g].docs += 1;
        }
    }
    for (id, d) in corpus.docs.iter().enumerate() {
        for l in &d.links {
            let Some(to) = l.to_doc else { continue };
            let cross = u64::from(cat_of[id] != cat_of[to]);
            for g in groups(id) {
                counts[g].out += 1;
                counts[g].cross_out += cross;
            }
            for g in groups(to) {
                counts[g].inn += 1;
                counts[g].cross_in += cross;
            }
        }
    }
    let row = |cat: Cell, sub: Cell, n: &Counts| {
        vec![
            cat,
            sub,
            Cell::Int(n.docs),
            Cell::Int(n.out),
            Cell::Int(n.inn),
            Cell::Int(n.cross_out),
            Cell::Int(n.cross_in),
        ]
    };
    let mut rows = Vec::new();
    for (ci, cat) in cats.iter().enumerate() {
        rows.push(row(Cell::Text(cat.clone()), Cell::Null, &counts[ci]));
        for (si, (c, s)) in subs.iter().enumerate() {
            if c == cat {
                rows.push(row(
                    Cell::Text(cat.clone()),
                    Cell::Text(s.to_string()),
                    &counts[cats.len() + 1 + si],
                ));
            }
        }
    }
    // The docs root's own files, last, when there are any.
    if counts[cats.len()].docs > 0 {
        rows.push(row(
            Cell::Text(ROOT_LABEL.into()),
            Cell::Null,
            &counts[cats.len()],
        ));
    }
    Table {
        columns: [
            "category",
            "subcategory",
            "docs",
            "outlinks",
            "inlinks",
            "cross_out",
            "cross_in",
        ]
        .map(String::from)
        .to_vec(),
        rows,
        noun: ("row", "rows"),
    }
}

fn matrix(corpus: &Corpus) -> Table {
    let (mut names, cat_of) = category_index(corpus);
    let n = names.len() + 1;
    let mut counts = vec![0u64; n * n];
    for (id, d) in corpus.docs.iter().enumerate() {
        for l in &d.links {
            if let Some(to) = l.to_doc {
                counts[cat_of[id] * n + cat_of[to]] += 1;
            }
        }
    }
    // The docs root's own files get a row and a column only when they have edges.
    let root = n - 1;
    let root_used = (0..n).any(|k| counts[root * n + k] > 0 || counts[k * n + root] > 0);
    let shown: Vec<usize> = (0..n).filter(|&k| k < root || root_used).collect();
    names.push(ROOT_LABEL.to_string());
    let mut columns = vec!["from".to_string()];
    columns.extend(shown.iter().map(|&k| names[k].clone()));
    let rows = shown
        .iter()
        .map(|&from| {
            let mut row = vec![Cell::Text(names[from].clone())];
            row.extend(shown.iter().map(|&to| Cell::Int(counts[from * n + to])));
            row
        })
        .collect();
    Table {
        columns,
        rows,
        noun: ("category", "categories"),
    }
}

fn stats(corpus: &Corpus, graph: &DocGraph) -> Table {
    let s = Stats::compute(corpus, graph);
    let mut rows = vec![vec![
        Cell::Text("documents".into()),
        Cell::Int(s.documents as u64),
    ]];
    let groups: [(&str, &BTreeMap<String, usize>); 4] = [
        ("by_category", &s.by_category),
        ("by_kind", &s.by_kind),
        ("edges", &s.edges),
        ("broken", &s.broken),
    ];
    for (group, map) in groups {
        for (k, v) in map {
            rows.push(vec![
                Cell::Text(format!("{group}.{k}")),
                Cell::Int(*v as u64),
            ]);
        }
    }
    rows.push(vec![
        Cell::Text("orphans".into()),
        Cell::Int(s.orphans as u64),
    ]);
    rows.push(vec![
        Cell::Text("referrers".into()),
        Cell::Int(s.referrers as u64),
    ]);
    Table {
        columns: vec!["metric".into(), "value".into()],
        rows,
        noun: ("metric", "metrics"),
    }
}
