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
use crate::corpus::{Corpus, DocId, DocKind, LinkKind, LinkStatus};
use crate::graph::{DocGraph, LinkFilter, Stats};

/// One link: the `link`-th link of document `doc`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct LinkRef {
    pub doc: DocId,
    pub link: usize,
}

/// The answer to a query. Document and link rows keep their identity (ids into the corpus),
/// so renderers (table, JSON, CSV, DOT) can show whatever they need.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rows {
    Documents(Vec<DocId>),
    /// Documents with their distance (in link steps) from the `neighbors of` document.
    Neighbors(Vec<(DocId, usize)>),
    Links(Vec<LinkRef>),
    /// The documents of the shortest path, both ends included; empty when there is none.
    Path {
        from: DocId,
        to: DocId,
        docs: Vec<DocId>,
    },
    /// A summary (`categories`, `matrix`, `stats`).
    Table(Table),
}

impl Rows {
    pub fn len(&self) -> usize {
        match self {
            Rows::Documents(d) => d.len(),
            Rows::Neighbors(n) => n.len(),
            Rows::Links(l) => l.len(),
            Rows::Path { docs, .. } => docs.len(),
            Rows::Table(t) => t.rows.len(),
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
}

/// Per-document link counts, computed once per evaluation from the corpus's links.
pub struct Metrics {
    pub inlinks: Vec<u64>,
    pub outlinks: Vec<u64>,
    pub inrelated: Vec<u64>,
    pub ininline: Vec<u64>,
}

impl Metrics {
    pub fn compute(corpus: &Corpus) -> Metrics {
        let n = corpus.docs.len();
        let mut m = Metrics {
            inlinks: vec![0; n],
            outlinks: vec![0; n],
            inrelated: vec![0; n],
            ininline: vec![0; n],
        };
        for (id, doc) in corpus.docs.iter().enumerate() {
            for link in &doc.links {
                if let Some(to) = link.to_doc {
                    m.outlinks[id] += 1;
                    m.inlinks[to] += 1;
                    match link.kind {
                        LinkKind::Related => m.inrelated[to] += 1,
                        LinkKind::Inline => m.ininline[to] += 1,
                    }
                }
            }
        }
        m
    }
}

/// A row being filtered or sorted.
#[derive(Debug, Clone, Copy)]
pub enum Row {
    Doc(DocId),
    Link(LinkRef),
}

/// Evaluates `query` against a loaded tree.
pub fn eval(query: &Query, corpus: &Corpus, graph: &DocGraph) -> Result<Rows, QueryError> {
    let core = query.core();
    let metrics = Metrics::compute(corpus);
    let cx = Cx {
        corpus,
        metrics: &metrics,
    };
    let filter = core
        .filter
        .as_ref()
        .map(|e| compile(corpus, e))
        .transpose()?;
    let keep = |row: Row| filter.as_ref().is_none_or(|p| cx.test(p, row));
    let limit = core.limit.unwrap_or(usize::MAX);
    let rows = match &core.source {
        Source::Docs => {
            let mut ids: Vec<DocId> = (0..corpus.docs.len())
                .filter(|&d| keep(Row::Doc(d)))
                .collect();
            cx.sort(&mut ids, &core.sort, |&d| Row::Doc(d));
            ids.truncate(limit);
            Rows::Documents(ids)
        }
        Source::AllLinks => {
            let mut refs: Vec<LinkRef> = Vec::new();
            for (doc, d) in corpus.docs.iter().enumerate() {
                let mut order: Vec<usize> = (0..d.links.len()).collect();
                order.sort_by_key(|&i| (d.links[i].line, d.links[i].column));
                refs.extend(
                    order
                        .into_iter()
                        .map(|link| LinkRef { doc, link })
                        .filter(|&r| keep(Row::Link(r))),
                );
            }
            cx.sort(&mut refs, &core.sort, |&r| Row::Link(r));
            refs.truncate(limit);
            Rows::Links(refs)
        }
        Source::Neighbors { of, depth } => {
            let id = doc(corpus, of)?;
            let mut near: Vec<(DocId, usize)> = graph
                .within(id, *depth, LinkFilter::Any)
                .into_iter()
                .filter(|&(d, _)| keep(Row::Doc(d)))
                .collect();
            cx.sort(&mut near, &core.sort, |&(d, _)| Row::Doc(d));
            near.truncate(limit);
            Rows::Neighbors(near)
        }
        Source::Path { from, to } => {
            let a = doc(corpus, from)?;
            let b = doc(corpus, to)?;
            let mut docs = graph
                .shortest_path(a, b, LinkFilter::Any)
                .unwrap_or_default();
            docs.truncate(limit);
            Rows::Path {
                from: a,
                to: b,
                docs,
            }
        }
        Source::Categories => Rows::Table(truncate(categories(corpus), limit)),
        Source::Matrix => Rows::Table(truncate(matrix(corpus), limit)),
        Source::Stats => Rows::Table(truncate(stats(corpus, graph), limit)),
        Source::Orphans { .. }
        | Source::Broken
        | Source::Links
        | Source::Backlinks(_)
        | Source::Hubs => unreachable!("core() desugars friendly sources"),
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
    And(Box<Pred>, Box<Pred>),
    Or(Box<Pred>, Box<Pred>),
    Not(Box<Pred>),
    Compare {
        field: Field,
        op: Op,
        value: Value,
    },
    Flag(Field),
    In(Scope),
    From(Scope),
    To(Scope),
    /// A normalised section name.
    HasSection(String),
}

fn compile(corpus: &Corpus, e: &Expr) -> Result<Pred, QueryError> {
    Ok(match e {
        Expr::And(a, b) => Pred::And(Box::new(compile(corpus, a)?), Box::new(compile(corpus, b)?)),
        Expr::Or(a, b) => Pred::Or(Box::new(compile(corpus, a)?), Box::new(compile(corpus, b)?)),
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
        Expr::In(n) => Pred::In(scope(corpus, n)?),
        Expr::From(n) => Pred::From(scope(corpus, n)?),
        Expr::To(n) => Pred::To(scope(corpus, n)?),
        Expr::HasSection { name, .. } => Pred::HasSection(section_key(name)),
    })
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

/// A heading or section name for comparison: lower-case, leading emoji, punctuation and
/// spaces dropped, trailing spaces and colons dropped.
pub fn section_key(text: &str) -> String {
    text.trim_start_matches(|c: char| !c.is_alphanumeric())
        .trim_end_matches(|c: char| c.is_whitespace() || c == ':')
        .to_lowercase()
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
                    Field::Outlinks => FieldValue::Num(m.outlinks[id]),
                    Field::Related => FieldValue::Num(d.related_links() as u64),
                    Field::InRelated => FieldValue::Num(m.inrelated[id]),
                    Field::InInline => FieldValue::Num(m.ininline[id]),
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
                let d = &corpus.docs[r.doc];
                let l = &d.links[r.link];
                match field {
                    Field::Source => FieldValue::Text(&d.path),
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
                    _ => FieldValue::Null,
                }
            }
        }
    }

    fn test(&self, p: &Pred, row: Row) -> bool {
        match p {
            Pred::And(a, b) => self.test(a, row) && self.test(b, row),
            Pred::Or(a, b) => self.test(a, row) || self.test(b, row),
            Pred::Not(a) => !self.test(a, row),
            Pred::Flag(f) => self.value(*f, row) == FieldValue::Bool(true),
            Pred::Compare { field, op, value } => compare(&self.value(*field, row), *op, value),
            Pred::In(s) | Pred::From(s) => {
                let id = match row {
                    Row::Doc(id) => id,
                    Row::Link(r) => r.doc,
                };
                s.contains(id, &self.corpus.docs[id])
            }
            Pred::To(s) => match row {
                Row::Link(r) => self.corpus.docs[r.doc].links[r.link]
                    .to_doc
                    .is_some_and(|t| s.contains(t, &self.corpus.docs[t])),
                Row::Doc(_) => false,
            },
            Pred::HasSection(key) => match row {
                Row::Doc(id) => self.corpus.docs[id]
                    .headings
                    .iter()
                    .any(|h| section_key(&h.text) == *key),
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
            let w = w.as_text() == "true";
            return match op {
                Op::Eq => *b == w,
                Op::Ne => *b != w,
                _ => false,
            };
        }
        (FieldValue::Text(t), w) => {
            let w = w.as_text();
            if op == Op::Contains {
                // `w` was lower-cased when the filter was compiled.
                return t.to_lowercase().contains(&w);
            }
            (*t).cmp(w.as_str())
        }
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

/// The label of the docs root's own files in category columns.
pub const ROOT_LABEL: &str = "(root)";

fn categories(corpus: &Corpus) -> Table {
    // Key: (category, subcategory); "" stands for none.
    #[derive(Default, Clone, Copy)]
    struct Counts {
        docs: u64,
        out: u64,
        inn: u64,
        cross_out: u64,
        cross_in: u64,
    }
    let mut rows: BTreeMap<(String, String), Counts> = BTreeMap::new();
    let key = |id: DocId| {
        let d = &corpus.docs[id];
        (
            d.category.clone().unwrap_or_default(),
            d.subcategory.clone().unwrap_or_default(),
        )
    };
    let groups = |id: DocId| {
        let (c, s) = key(id);
        let mut g = vec![(c.clone(), String::new())];
        if !s.is_empty() {
            g.push((c, s));
        }
        g
    };
    for id in 0..corpus.docs.len() {
        for g in groups(id) {
            rows.entry(g).or_default().docs += 1;
        }
    }
    for (id, d) in corpus.docs.iter().enumerate() {
        for l in &d.links {
            let Some(to) = l.to_doc else { continue };
            let cross = corpus.docs[id].category != corpus.docs[to].category;
            for g in groups(id) {
                let c = rows.entry(g).or_default();
                c.out += 1;
                c.cross_out += cross as u64;
            }
            for g in groups(to) {
                let c = rows.entry(g).or_default();
                c.inn += 1;
                c.cross_in += cross as u64;
            }
        }
    }
    let text = |s: &str| {
        if s.is_empty() {
            Cell::Null
        } else {
            Cell::Text(s.to_string())
        }
    };
    // Named categories first (sorted), the docs root's own files last.
    let mut ordered: Vec<(&(String, String), &Counts)> = rows.iter().collect();
    ordered.sort_by_key(|((c, s), _)| (c.is_empty(), c.clone(), s.clone()));
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
        rows: ordered
            .into_iter()
            .map(|((c, s), n)| {
                vec![
                    if c.is_empty() {
                        Cell::Text(ROOT_LABEL.into())
                    } else {
                        text(c)
                    },
                    text(s),
                    Cell::Int(n.docs),
                    Cell::Int(n.out),
                    Cell::Int(n.inn),
                    Cell::Int(n.cross_out),
                    Cell::Int(n.cross_in),
                ]
            })
            .collect(),
        noun: ("row", "rows"),
    }
}

fn matrix(corpus: &Corpus) -> Table {
    let cat = |id: DocId| {
        corpus.docs[id]
            .category
            .clone()
            .unwrap_or_else(|| ROOT_LABEL.to_string())
    };
    let mut names: Vec<String> = corpus.categories().iter().map(|c| c.to_string()).collect();
    let mut counts: BTreeMap<(String, String), u64> = BTreeMap::new();
    for (id, d) in corpus.docs.iter().enumerate() {
        for l in &d.links {
            if let Some(to) = l.to_doc {
                *counts.entry((cat(id), cat(to))).or_insert(0) += 1;
            }
        }
    }
    if counts
        .keys()
        .any(|(a, b)| a == ROOT_LABEL || b == ROOT_LABEL)
    {
        names.push(ROOT_LABEL.to_string());
    }
    let mut columns = vec!["from".to_string()];
    columns.extend(names.iter().cloned());
    let rows = names
        .iter()
        .map(|from| {
            let mut row = vec![Cell::Text(from.clone())];
            row.extend(names.iter().map(|to| {
                Cell::Int(
                    counts
                        .get(&(from.clone(), to.clone()))
                        .copied()
                        .unwrap_or(0),
                )
            }));
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
    Table {
        columns: vec!["metric".into(), "value".into()],
        rows,
        noun: ("metric", "metrics"),
    }
}
