//! The query AST, its printer (which prints parseable source) and the desugaring of the
//! friendly forms into the small core.
//!
//! The core is: a set (`docs` or `all links`, or one of the graph questions), one filter
//! expression, sort keys and a limit. `orphans`, `broken`, `links`, `backlinks of`, `hubs`,
//! `in X`, `from X`, `to X`, `missing section`, `with section` are all sugar over it; see
//! [`Query::core`].

use std::fmt::{self, Write as _};

use super::error::Span;
pub use super::lex::Op;
use super::lex::{SourceKind, is_plain_word};
use crate::corpus::{Keep, LinkKind};

/// A parsed query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Query {
    pub source: Source,
    /// Every condition of the query joined with `and` (friendly clauses such as `in X`
    /// become conditions too).
    pub filter: Option<Expr>,
    pub sort: Vec<SortKey>,
    pub limit: Option<usize>,
    /// `as dot`: draw the answer instead of listing it.
    pub output: Option<Output>,
}

/// How a query asks for its answer to be shown (`as dot`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Output {
    /// A Graphviz DOT drawing: documents with the links among them, links, or a path.
    Dot,
}

impl Output {
    pub const ALL: &[Output] = &[Output::Dot];

    pub fn name(self) -> &'static str {
        match self {
            Output::Dot => "dot",
        }
    }
}

/// Where the rows come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// Every document. Core.
    Docs,
    /// Every link occurrence in every document (edges, external and broken links), then the
    /// referrers' edges into the documents (`from_referrer`). Core.
    AllLinks,
    /// Document→document edges (`all links where edge and not from_referrer`).
    Links,
    /// Broken links of documents (`all links where status = broken and not from_referrer`).
    Broken,
    /// Topic documents with no incoming edge (of the given kind) from anything in the
    /// repository: documents and referrers. `within_root`: from documents only (`orphans
    /// within root`, the docs root's own view).
    Orphans {
        by: Option<LinkKind>,
        within_root: bool,
    },
    /// Edges into a document, from documents and referrers (`all links where edge and to D`).
    Backlinks(Name),
    /// Documents by incoming edges, most first (`docs where inlinks > 0 sort by inlinks desc`).
    Hubs,
    /// Documents within `depth` link steps of a document, either direction. Core.
    Neighbors { of: Name, depth: usize },
    /// The shortest path between two documents, following link direction. Core.
    Path { from: Name, to: Name },
    /// Per category and subcategory: documents, links in and out, cross-category links. Core.
    Categories,
    /// Category × category edge counts. Core.
    Matrix,
    /// Whole-tree counts (the same as `atomdoc stats`). Core.
    Stats,
    /// Full-text search (BM25), best first: `search "connection pool"`, `search ~"rabitmq"`
    /// (typo-tolerant). Inner quotes make a phrase. Core.
    Search { text: String, fuzzy: bool },
    /// Documents most like one document, best first, excluding it: `similar to <doc>`. Core.
    Similar(Name),
    /// Pairs of documents that should link to each other but do not:
    /// `suggest related for <doc>`, `suggest related for orphans [in X]`. Core.
    SuggestRelated(RelatedFor),
    /// Template coverage per category and subcategory (`atomdoc coverage`); with `of X`, the
    /// documents of X that miss required sections. Core.
    Coverage { of: Option<Name> },
}

/// What `suggest related for` is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RelatedFor {
    /// Documents this one should link to.
    Doc(Name),
    /// For each orphan (in the scope, if given), documents that should link to it.
    Orphans(Option<Name>),
}

/// What one row of a source is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowKind {
    Document,
    Link,
    /// A path, a summary table: not filterable.
    Other,
}

impl SourceKind {
    /// What one row of this source is.
    pub fn row_kind(self) -> RowKind {
        match self {
            SourceKind::Docs
            | SourceKind::Orphans
            | SourceKind::Hubs
            | SourceKind::Neighbors
            | SourceKind::Search
            | SourceKind::Similar => RowKind::Document,
            SourceKind::AllLinks
            | SourceKind::Links
            | SourceKind::Broken
            | SourceKind::Backlinks => RowKind::Link,
            SourceKind::Path
            | SourceKind::Categories
            | SourceKind::Matrix
            | SourceKind::Stats
            | SourceKind::SuggestRelated
            | SourceKind::Coverage => RowKind::Other,
        }
    }
}

impl Source {
    pub fn row_kind(&self) -> RowKind {
        self.kind().row_kind()
    }

    /// Which source this is: its row of the grammar's table ([`SOURCES`](super::lex::SOURCES)).
    pub fn kind(&self) -> SourceKind {
        match self {
            Source::Docs => SourceKind::Docs,
            Source::AllLinks => SourceKind::AllLinks,
            Source::Links => SourceKind::Links,
            Source::Broken => SourceKind::Broken,
            Source::Orphans { .. } => SourceKind::Orphans,
            Source::Backlinks(_) => SourceKind::Backlinks,
            Source::Hubs => SourceKind::Hubs,
            Source::Neighbors { .. } => SourceKind::Neighbors,
            Source::Path { .. } => SourceKind::Path,
            Source::Categories => SourceKind::Categories,
            Source::Matrix => SourceKind::Matrix,
            Source::Stats => SourceKind::Stats,
            Source::Search { .. } => SourceKind::Search,
            Source::Similar(_) => SourceKind::Similar,
            Source::SuggestRelated(_) => SourceKind::SuggestRelated,
            Source::Coverage { .. } => SourceKind::Coverage,
        }
    }

    /// The keyword that starts this source (`suggest` for `suggest related for`).
    pub fn keyword(&self) -> &'static str {
        self.kind().syntax().keyword()
    }
}

/// A query in core form ([`Query::core`]): a core source, one filter, sort keys, a limit.
/// What evaluation reads; it prints (through [`Query`]) as text that parses back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CoreQuery {
    pub source: CoreSource,
    pub filter: Option<Expr>,
    pub sort: Vec<SortKey>,
    pub limit: Option<usize>,
    pub output: Option<Output>,
}

/// The sources left after desugaring: the friendly ones (`orphans`, `broken`, `links`,
/// `backlinks of`, `hubs`) have become `docs` or `all links` with a filter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CoreSource {
    Docs,
    AllLinks,
    Neighbors { of: Name, depth: usize },
    Path { from: Name, to: Name },
    Categories,
    Matrix,
    Stats,
    Search { text: String, fuzzy: bool },
    Similar(Name),
    SuggestRelated(RelatedFor),
    Coverage { of: Option<Name> },
}

impl From<CoreSource> for Source {
    fn from(s: CoreSource) -> Source {
        match s {
            CoreSource::Docs => Source::Docs,
            CoreSource::AllLinks => Source::AllLinks,
            CoreSource::Neighbors { of, depth } => Source::Neighbors { of, depth },
            CoreSource::Path { from, to } => Source::Path { from, to },
            CoreSource::Categories => Source::Categories,
            CoreSource::Matrix => Source::Matrix,
            CoreSource::Stats => Source::Stats,
            CoreSource::Search { text, fuzzy } => Source::Search { text, fuzzy },
            CoreSource::Similar(n) => Source::Similar(n),
            CoreSource::SuggestRelated(r) => Source::SuggestRelated(r),
            CoreSource::Coverage { of } => Source::Coverage { of },
        }
    }
}

impl From<CoreQuery> for Query {
    fn from(q: CoreQuery) -> Query {
        Query {
            source: q.source.into(),
            filter: q.filter,
            sort: q.sort,
            limit: q.limit,
            output: q.output,
        }
    }
}

impl fmt::Display for CoreQuery {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        Query::from(self.clone()).fmt(f)
    }
}

/// A document or category name as written, with where it was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Name {
    pub text: String,
    pub span: Span,
}

/// A filter condition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expr {
    /// Every operand holds: `a and b and c` is one node with three operands (two or more),
    /// so a long chain is a list, not a deep tree. An operand that is itself an `And` was
    /// written in parentheses.
    And(Vec<Expr>),
    /// Some operand holds; like `And`, one node per chain.
    Or(Vec<Expr>),
    Not(Box<Expr>),
    /// `field op value`.
    Compare {
        field: Field,
        field_span: Span,
        op: Op,
        value: Value,
        value_span: Span,
    },
    /// A boolean field on its own: `where orphan`.
    Flag {
        field: Field,
        span: Span,
    },
    /// `in X`: a document in category/subcategory X, or document X itself; a link whose
    /// source is.
    In(Name),
    /// `from X`: a link whose source document is in X.
    From(Name),
    /// `to X`: a link whose target document is in X.
    To(Name),
    /// `has section "X"`: a document with a heading named X (any level; the words compare,
    /// ignoring case, emoji and punctuation: [`crate::corpus::heading::same`]).
    HasSection {
        name: String,
        span: Span,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    Number(u64),
    Text(String),
}

impl Value {
    pub fn as_text(&self) -> String {
        match self {
            Value::Number(n) => n.to_string(),
            Value::Text(t) => t.clone(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SortKey {
    pub field: Field,
    pub span: Span,
    pub descending: bool,
}

/// A field of a document row or a link row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Field {
    // Document fields.
    Path,
    Title,
    Category,
    Subcategory,
    DocKind,
    Inlinks,
    Outlinks,
    /// Outgoing links in the Related Documents section.
    Related,
    /// Incoming `related` edges.
    InRelated,
    /// Incoming `inline` edges.
    InInline,
    /// Incoming `include` edges (mdBook `{{#include}}`).
    InInclude,
    /// Broken links in the document.
    Broken,
    Words,
    /// H2 headings.
    Sections,
    Orphan,
    /// Incoming edges from other documents only (not from referrers).
    RootInlinks,
    // Link fields.
    Source,
    Target,
    Resolved,
    LinkKind,
    Status,
    Reason,
    Line,
    Column,
    Edge,
    /// The link is written in a referrer, not in a document.
    FromReferrer,
}

/// The type of a field's values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldType {
    Text,
    Number,
    Bool,
}

/// Fields of document rows, in the order the documentation lists them.
pub const DOC_FIELDS: &[Field] = &[
    Field::Path,
    Field::Title,
    Field::Category,
    Field::Subcategory,
    Field::DocKind,
    Field::Inlinks,
    Field::RootInlinks,
    Field::Outlinks,
    Field::Related,
    Field::InRelated,
    Field::InInline,
    Field::InInclude,
    Field::Broken,
    Field::Words,
    Field::Sections,
    Field::Orphan,
];

/// Fields of link rows.
pub const LINK_FIELDS: &[Field] = &[
    Field::Source,
    Field::Line,
    Field::Column,
    Field::Target,
    Field::Resolved,
    Field::LinkKind,
    Field::Status,
    Field::Reason,
    Field::Edge,
    Field::FromReferrer,
];

impl Field {
    pub fn name(self) -> &'static str {
        match self {
            Field::Path => "path",
            Field::Title => "title",
            Field::Category => "category",
            Field::Subcategory => "subcategory",
            Field::DocKind | Field::LinkKind => "kind",
            Field::Inlinks => "inlinks",
            Field::RootInlinks => "root_inlinks",
            Field::Outlinks => "outlinks",
            Field::Related => "related",
            Field::InRelated => "inrelated",
            Field::InInline => "ininline",
            Field::InInclude => "ininclude",
            Field::Broken => "broken",
            Field::Words => "words",
            Field::Sections => "sections",
            Field::Orphan => "orphan",
            Field::Source => "source",
            Field::Target => "target",
            Field::Resolved => "resolved",
            Field::Status => "status",
            Field::Reason => "reason",
            Field::Line => "line",
            Field::Column => "column",
            Field::Edge => "edge",
            Field::FromReferrer => "from_referrer",
        }
    }

    pub fn ty(self) -> FieldType {
        match self {
            Field::Inlinks
            | Field::RootInlinks
            | Field::Outlinks
            | Field::Related
            | Field::InRelated
            | Field::InInline
            | Field::InInclude
            | Field::Broken
            | Field::Words
            | Field::Sections
            | Field::Line
            | Field::Column => FieldType::Number,
            Field::Orphan | Field::Edge | Field::FromReferrer => FieldType::Bool,
            _ => FieldType::Text,
        }
    }

    /// The values a text field can take, when it is an enumeration.
    pub fn allowed_values(self) -> Option<&'static [&'static str]> {
        match self {
            Field::DocKind => Some(&["topic", "index", "meta"]),
            Field::LinkKind => Some(&["related", "inline", "include"]),
            Field::Status => Some(&["ok", "external", "broken"]),
            Field::Reason => Some(&["missing", "anchor", "outside", "placeholder"]),
            Field::Orphan | Field::Edge | Field::FromReferrer => Some(&["true", "false"]),
            _ => None,
        }
    }

    /// Whether a document outline ([`Keep::Outline`]) holds what this field reads: paths,
    /// titles, categories, kinds, words and link counts do; headings (`sections`) and every
    /// link field do not. A list of what does, so a new field needs the full corpus until
    /// someone adds it here (and to the outline equivalence test).
    pub fn in_outline(self) -> bool {
        matches!(
            self,
            Field::Path
                | Field::Title
                | Field::Category
                | Field::Subcategory
                | Field::DocKind
                | Field::Inlinks
                | Field::RootInlinks
                | Field::Outlinks
                | Field::Related
                | Field::InRelated
                | Field::InInline
                | Field::InInclude
                | Field::Broken
                | Field::Words
                | Field::Orphan
        )
    }

    /// The field called `name` on rows of `kind`.
    pub fn lookup(kind: RowKind, name: &str) -> Option<Field> {
        let fields = match kind {
            RowKind::Document => DOC_FIELDS,
            RowKind::Link => LINK_FIELDS,
            RowKind::Other => return None,
        };
        fields
            .iter()
            .copied()
            .find(|f| f.name().eq_ignore_ascii_case(name))
    }
}

impl Query {
    /// The query in core form: a `docs`/`all links` set (or a graph question), one filter,
    /// sort keys and a limit. `Query::from(q.core()).core() == q.core()`, and the core form evaluates to
    /// the same rows as `q`.
    pub fn core(&self) -> CoreQuery {
        let (source, pre, default_sort): (CoreSource, Option<Expr>, Vec<SortKey>) =
            match &self.source {
                Source::Orphans {
                    by: None,
                    within_root: false,
                } => (CoreSource::Docs, Some(flag(Field::Orphan)), vec![]),
                Source::Orphans {
                    within_root: true, ..
                } => (
                    CoreSource::Docs,
                    Some(and(
                        compare(Field::DocKind, Op::Eq, Value::Text("topic".into())),
                        compare(Field::RootInlinks, Op::Eq, Value::Number(0)),
                    )),
                    vec![],
                ),
                Source::Orphans { by: Some(kind), .. } => {
                    let field = match kind {
                        LinkKind::Related => Field::InRelated,
                        LinkKind::Inline => Field::InInline,
                        LinkKind::Include => Field::InInclude,
                    };
                    (
                        CoreSource::Docs,
                        Some(and(
                            compare(Field::DocKind, Op::Eq, Value::Text("topic".into())),
                            compare(field, Op::Eq, Value::Number(0)),
                        )),
                        vec![],
                    )
                }
                Source::Broken => (
                    CoreSource::AllLinks,
                    Some(and(
                        compare(Field::Status, Op::Eq, Value::Text("broken".into())),
                        Expr::Not(Box::new(flag(Field::FromReferrer))),
                    )),
                    vec![],
                ),
                Source::Links => (
                    CoreSource::AllLinks,
                    Some(and(
                        flag(Field::Edge),
                        Expr::Not(Box::new(flag(Field::FromReferrer))),
                    )),
                    vec![],
                ),
                Source::Backlinks(name) => (
                    CoreSource::AllLinks,
                    Some(and(flag(Field::Edge), Expr::To(name.clone()))),
                    vec![],
                ),
                Source::Hubs => (
                    CoreSource::Docs,
                    Some(compare(Field::Inlinks, Op::Gt, Value::Number(0))),
                    vec![SortKey {
                        field: Field::Inlinks,
                        span: Span::default(),
                        descending: true,
                    }],
                ),
                Source::Docs => (CoreSource::Docs, None, vec![]),
                Source::AllLinks => (CoreSource::AllLinks, None, vec![]),
                Source::Neighbors { of, depth } => (
                    CoreSource::Neighbors {
                        of: of.clone(),
                        depth: *depth,
                    },
                    None,
                    vec![],
                ),
                Source::Path { from, to } => (
                    CoreSource::Path {
                        from: from.clone(),
                        to: to.clone(),
                    },
                    None,
                    vec![],
                ),
                Source::Categories => (CoreSource::Categories, None, vec![]),
                Source::Matrix => (CoreSource::Matrix, None, vec![]),
                Source::Stats => (CoreSource::Stats, None, vec![]),
                Source::Search { text, fuzzy } => (
                    CoreSource::Search {
                        text: text.clone(),
                        fuzzy: *fuzzy,
                    },
                    None,
                    vec![],
                ),
                Source::Similar(n) => (CoreSource::Similar(n.clone()), None, vec![]),
                Source::SuggestRelated(r) => (CoreSource::SuggestRelated(r.clone()), None, vec![]),
                Source::Coverage { of } => (CoreSource::Coverage { of: of.clone() }, None, vec![]),
            };
        let filter = match (pre, self.filter.clone()) {
            (Some(p), Some(f)) => Some(and(p, f)),
            (p, f) => p.or(f),
        };
        CoreQuery {
            source,
            filter,
            sort: if self.sort.is_empty() {
                default_sort
            } else {
                self.sort.clone()
            },
            limit: self.limit,
            output: self.output,
        }
    }

    /// What of the documents answering this query needs loaded: [`Keep::Outline`] for a
    /// question the documents' outline answers exactly — `docs`, `orphans` (every form),
    /// `hubs`, `neighbors of`, `path from`, `categories`, `matrix` and `stats`, listed (not
    /// drawn), filtered and sorted only on [`Field::in_outline`] fields and scopes (`in`,
    /// `from`, `to`), no `has section`; [`Keep::Everything`] for the ones that read the text
    /// index (`search`, `similar to`, `suggest related for`); [`Keep::Graph`] for the rest.
    /// A list of what an outline answers: anything new needs more until added here.
    pub fn needs(&self) -> Keep {
        match self.source {
            Source::Search { .. } | Source::Similar(_) | Source::SuggestRelated(_) => {
                return Keep::Everything;
            }
            Source::Docs
            | Source::Orphans { .. }
            | Source::Hubs
            | Source::Neighbors { .. }
            | Source::Path { .. }
            | Source::Categories
            | Source::Matrix
            | Source::Stats => {}
            Source::AllLinks
            | Source::Links
            | Source::Broken
            | Source::Backlinks(_)
            | Source::Coverage { .. } => return Keep::Graph,
        }
        let outline = self.output.is_none()
            && self.filter.as_ref().is_none_or(Expr::in_outline)
            && self.sort.iter().all(|k| k.field.in_outline());
        if outline { Keep::Outline } else { Keep::Graph }
    }

    /// The core form as text, for the REPL's `:explain` (parseable, like every printed query).
    pub fn explain(&self) -> String {
        self.core().to_string()
    }

    /// The fields the query filters or sorts on (for extra output columns), in first-use
    /// order.
    pub fn referenced_fields(&self) -> Vec<Field> {
        let mut out = Vec::new();
        if let Some(f) = &self.filter {
            f.fields(&mut out);
        }
        for k in &self.sort {
            if !out.contains(&k.field) {
                out.push(k.field);
            }
        }
        out
    }

    /// The same query with every span set to zero: two queries that differ only in layout
    /// compare equal after this.
    pub fn without_spans(&self) -> Query {
        let name = |n: &Name| Name {
            text: n.text.clone(),
            span: Span::default(),
        };
        Query {
            source: match &self.source {
                Source::Backlinks(n) => Source::Backlinks(name(n)),
                Source::Neighbors { of, depth } => Source::Neighbors {
                    of: name(of),
                    depth: *depth,
                },
                Source::Path { from, to } => Source::Path {
                    from: name(from),
                    to: name(to),
                },
                Source::Similar(n) => Source::Similar(name(n)),
                Source::SuggestRelated(RelatedFor::Doc(n)) => {
                    Source::SuggestRelated(RelatedFor::Doc(name(n)))
                }
                Source::SuggestRelated(RelatedFor::Orphans(n)) => {
                    Source::SuggestRelated(RelatedFor::Orphans(n.as_ref().map(name)))
                }
                Source::Coverage { of } => Source::Coverage {
                    of: of.as_ref().map(name),
                },
                other => other.clone(),
            },
            filter: self.filter.as_ref().map(Expr::without_spans),
            sort: self
                .sort
                .iter()
                .map(|k| SortKey {
                    span: Span::default(),
                    ..k.clone()
                })
                .collect(),
            limit: self.limit,
            output: self.output,
        }
    }
}

fn flag(field: Field) -> Expr {
    Expr::Flag {
        field,
        span: Span::default(),
    }
}

fn compare(field: Field, op: Op, value: Value) -> Expr {
    Expr::Compare {
        field,
        field_span: Span::default(),
        op,
        value,
        value_span: Span::default(),
    }
}

/// `a and b`, as one chain when `a` is one already.
pub fn and(a: Expr, b: Expr) -> Expr {
    match a {
        Expr::And(mut items) => {
            items.push(b);
            Expr::And(items)
        }
        a => Expr::And(vec![a, b]),
    }
}

impl Expr {
    /// Whether a document outline answers this condition ([`Query::needs`]).
    fn in_outline(&self) -> bool {
        match self {
            Expr::And(items) | Expr::Or(items) => items.iter().all(Expr::in_outline),
            Expr::Not(e) => e.in_outline(),
            Expr::Compare { field, .. } | Expr::Flag { field, .. } => field.in_outline(),
            Expr::In(_) | Expr::From(_) | Expr::To(_) => true,
            Expr::HasSection { .. } => false,
        }
    }

    fn fields(&self, out: &mut Vec<Field>) {
        match self {
            Expr::And(items) | Expr::Or(items) => {
                for e in items {
                    e.fields(out);
                }
            }
            Expr::Not(e) => e.fields(out),
            Expr::Compare { field, .. } | Expr::Flag { field, .. } => {
                if !out.contains(field) {
                    out.push(*field);
                }
            }
            Expr::In(_) | Expr::From(_) | Expr::To(_) | Expr::HasSection { .. } => {}
        }
    }

    pub fn without_spans(&self) -> Expr {
        let z = Span::default();
        let name = |n: &Name| Name {
            text: n.text.clone(),
            span: z,
        };
        match self {
            Expr::And(items) => Expr::And(items.iter().map(Expr::without_spans).collect()),
            Expr::Or(items) => Expr::Or(items.iter().map(Expr::without_spans).collect()),
            Expr::Not(e) => Expr::Not(Box::new(e.without_spans())),
            Expr::Compare {
                field, op, value, ..
            } => Expr::Compare {
                field: *field,
                field_span: z,
                op: *op,
                value: value.clone(),
                value_span: z,
            },
            Expr::Flag { field, .. } => Expr::Flag {
                field: *field,
                span: z,
            },
            Expr::In(n) => Expr::In(name(n)),
            Expr::From(n) => Expr::From(name(n)),
            Expr::To(n) => Expr::To(name(n)),
            Expr::HasSection { name, .. } => Expr::HasSection {
                name: name.clone(),
                span: z,
            },
        }
    }

    fn precedence(&self) -> u8 {
        match self {
            Expr::Or(..) => 1,
            Expr::And(..) => 2,
            Expr::Not(..) => 3,
            _ => 4,
        }
    }

    fn write(&self, f: &mut fmt::Formatter<'_>, min: u8) -> fmt::Result {
        let parens = self.precedence() < min;
        if parens {
            f.write_char('(')?;
        }
        match self {
            // An operand with the same operator was written in parentheses (a chain parses
            // as one node), so it prints in them.
            Expr::Or(items) => write_chain(f, items, " or ", 2)?,
            Expr::And(items) => write_chain(f, items, " and ", 3)?,
            Expr::Not(e) => {
                f.write_str("not ")?;
                e.write(f, 3)?;
            }
            Expr::Compare {
                field, op, value, ..
            } => {
                write!(f, "{} {op} ", field.name())?;
                match value {
                    Value::Number(n) => write!(f, "{n}")?,
                    Value::Text(t) => write_value(f, t)?,
                }
            }
            Expr::Flag { field, .. } => f.write_str(field.name())?,
            Expr::In(n) => write_keyword_name(f, "in", &n.text)?,
            Expr::From(n) => write_keyword_name(f, "from", &n.text)?,
            Expr::To(n) => write_keyword_name(f, "to", &n.text)?,
            Expr::HasSection { name, .. } => {
                f.write_str("has section ")?;
                write_quoted(f, name)?;
            }
        }
        if parens {
            f.write_char(')')?;
        }
        Ok(())
    }
}

fn write_chain(f: &mut fmt::Formatter<'_>, items: &[Expr], op: &str, min: u8) -> fmt::Result {
    for (i, e) in items.iter().enumerate() {
        if i > 0 {
            f.write_str(op)?;
        }
        e.write(f, min)?;
    }
    Ok(())
}

impl fmt::Display for Expr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.write(f, 1)
    }
}

fn write_keyword_name(f: &mut fmt::Formatter<'_>, keyword: &str, name: &str) -> fmt::Result {
    write!(f, "{keyword} ")?;
    write_name(f, name)
}

/// A name or text value: bare when it lexes back as the same plain word, quoted otherwise.
fn write_name(f: &mut fmt::Formatter<'_>, text: &str) -> fmt::Result {
    if is_plain_word(text) {
        f.write_str(text)
    } else {
        write_quoted(f, text)
    }
}

/// A value: any word lexes back as the same text in value position (keywords included),
/// so only non-words and numbers-as-text need quotes.
fn write_value(f: &mut fmt::Formatter<'_>, text: &str) -> fmt::Result {
    let bare = !text.is_empty()
        && text.chars().all(super::lex::is_word_char)
        && !text.chars().all(|c| c.is_ascii_digit());
    if bare {
        f.write_str(text)
    } else {
        write_quoted(f, text)
    }
}

fn write_quoted(f: &mut fmt::Formatter<'_>, text: &str) -> fmt::Result {
    f.write_char('"')?;
    for c in text.chars() {
        if c == '"' || c == '\\' {
            f.write_char('\\')?;
        }
        f.write_char(c)?;
    }
    f.write_char('"')
}

impl fmt::Display for Query {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The source's fixed words as the grammar's table spells them (`backlinks of`).
        let spelled = self.source.kind().syntax().spelling;
        match &self.source {
            Source::Orphans {
                by: Some(kind),
                within_root: false,
            } => write!(f, "orphans by {}", kind.as_str())?,
            Source::Orphans {
                within_root: true, ..
            } => f.write_str("orphans within root")?,
            Source::Backlinks(n) => write_keyword_name(f, spelled, &n.text)?,
            Source::Neighbors { of, depth } => {
                write_keyword_name(f, spelled, &of.text)?;
                write!(f, " depth {depth}")?;
            }
            Source::Path { from, to } => {
                write_keyword_name(f, spelled, &from.text)?;
                write_keyword_name(f, " to", &to.text)?;
            }
            Source::Search { text, fuzzy } => {
                let escaped = text.replace('\\', "\\\\").replace('"', "\\\"");
                let tilde = if *fuzzy { "~" } else { "" };
                write!(f, "search {tilde}\"{escaped}\"")?;
            }
            Source::Similar(n) => write_keyword_name(f, spelled, &n.text)?,
            Source::SuggestRelated(RelatedFor::Doc(n)) => write_keyword_name(f, spelled, &n.text)?,
            Source::SuggestRelated(RelatedFor::Orphans(scope)) => {
                write!(f, "{spelled} orphans")?;
                if let Some(n) = scope {
                    write_keyword_name(f, " in", &n.text)?;
                }
            }
            Source::Coverage { of: Some(n) } => write_keyword_name(f, "coverage of", &n.text)?,
            _ => f.write_str(spelled)?,
        }
        if let Some(e) = &self.filter {
            write!(f, " where {e}")?;
        }
        for (i, k) in self.sort.iter().enumerate() {
            f.write_str(if i == 0 { " sort by " } else { ", " })?;
            f.write_str(k.field.name())?;
            if k.descending {
                f.write_str(" desc")?;
            }
        }
        if let Some(n) = self.limit {
            write!(f, " limit {n}")?;
        }
        if let Some(o) = self.output {
            write!(f, " as {}", o.name())?;
        }
        Ok(())
    }
}
