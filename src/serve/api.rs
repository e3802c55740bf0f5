//! The JSON API the page asks. Each handler takes the workspace's read lock on a blocking
//! thread, asks the layer that owns the answer (the export model, `Workspace::ask`,
//! `answer::search`, the kept check findings, coverage) and returns it as JSON; no handler
//! computes a rule of its own.
//!
//! | route | answer |
//! | --- | --- |
//! | `/api/graph?level=doc\|subcategory\|category&around=PATH&depth=N` | the drawing model of `atomdoc export` (nodes with colours, orphans, broken placeholders; edges `[source, target, kind, broken, count]` by node index), document nodes with their in-links and broken links |
//! | `/api/doc?path=PATH` | a document: title, place, HTML, backlinks, outlinks, broken links with suggestions, missing sections, findings |
//! | `/api/search?q=TEXT&fuzzy=1&limit=N` | search hits with excerpts (the highlighted parts marked) |
//! | `/api/query?q=QUERY` | a query's records (the columns every face prints) and the sub-graph to highlight |
//! | `/api/coverage` | template coverage per category and subcategory |
//! | `/api/events` | server-sent events: `hello` on connecting, `change` after each change applied |

use std::collections::HashMap;
use std::convert::Infallible;
use std::sync::Arc;

use axum::extract::{Query as Params, State};
use axum::http::StatusCode;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use futures_util::stream::{self, Stream, StreamExt};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use tokio::sync::broadcast::error::RecvError;

use super::memo::Answer;
use super::{Shared, markdown};
use crate::corpus::{BrokenReason, DocId, DocKind};
use crate::export::{self, EdgeKind, Kinds, Level, NodeKind};
use crate::graph::LinkFilter;
use crate::query::ast::{Expr, Name, Query, Source};
use crate::query::error::Span;
use crate::render::rows::{JsonRecords, count_line};
use crate::workspace::Workspace;

/// At most this many rows of a query answer are sent (the count says how many there are).
pub const MAX_ROWS: usize = 5_000;
/// The deepest local graph.
pub const MAX_DEPTH: usize = 10;
/// The most search hits asked for.
pub const MAX_HITS: usize = 100;

fn error(status: StatusCode, message: impl Into<String>) -> Answer {
    Answer::error(status, message)
}

/// Anything not routed.
pub async fn not_found() -> Response {
    error(StatusCode::NOT_FOUND, "no such page").into_response()
}

/// The answer to the question `key` (what was asked, defaults filled in): kept from earlier in
/// this generation, or computed by `answer` over the workspace on a blocking thread (answers
/// are CPU work; the runtime's threads keep serving the event streams).
async fn answer(
    shared: Arc<Shared>,
    key: String,
    answer: impl FnOnce(&Workspace, u64) -> Answer + Send + 'static,
) -> Response {
    let job = tokio::task::spawn_blocking(move || shared.answer(key, answer));
    match job.await {
        Ok(answer) => answer.into_response(),
        Err(_) => error(StatusCode::INTERNAL_SERVER_ERROR, "the answer failed").into_response(),
    }
}

/// The document at a repo-relative path (nothing else: no file is looked up).
fn find(ws: &Workspace, path: &str) -> Option<DocId> {
    ws.corpus.doc_id(path)
}

fn no_document(path: &str) -> Answer {
    error(StatusCode::NOT_FOUND, format!("no document `{path}`"))
}

#[derive(Deserialize, Default)]
pub struct GraphParams {
    level: Option<String>,
    around: Option<String>,
    depth: Option<usize>,
}

/// A node of the drawing, with what the page sizes and marks it by. The export's hover text
/// and path (a document's id is its path) are left out: at 10,000 documents every byte
/// counts, and the page shows the path itself.
#[derive(Serialize)]
struct NodeView<'a> {
    id: &'a str,
    kind: NodeKind,
    label: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    category: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    subcategory: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    doc_kind: Option<DocKind>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    orphan: bool,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    focus: bool,
    documents: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    colour: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<BrokenReason>,
    /// Incoming link edges (documents only).
    #[serde(skip_serializing_if = "Option::is_none")]
    inlinks: Option<usize>,
    /// Broken links written in the document (documents only).
    #[serde(skip_serializing_if = "Option::is_none")]
    broken_count: Option<usize>,
}

/// An edge as `[source, target, kind, broken, count]`, the ends as indices into the nodes: a
/// tenth of the size of the export's objects at 10,000 documents, which the page parses.
#[derive(Serialize)]
struct EdgeView<'a>(usize, usize, &'a EdgeKind, bool, usize);

/// The `/api/graph` answer.
#[derive(Serialize)]
struct GraphAnswer<'a> {
    generation: u64,
    level: Level,
    documents: usize,
    broken_colour: &'static str,
    nodes: Vec<NodeView<'a>>,
    edges: Vec<EdgeView<'a>>,
}

impl GraphParams {
    /// The question, defaults filled in.
    pub fn key(&self) -> String {
        format!(
            "graph {:?} {:?} {}",
            self.level.as_deref().unwrap_or("doc"),
            self.around,
            self.depth.unwrap_or(1).min(MAX_DEPTH),
        )
    }
}

pub async fn graph(State(shared): State<Arc<Shared>>, Params(p): Params<GraphParams>) -> Response {
    answer(shared, p.key(), move |ws, generation| {
        graph_answer(ws, generation, &p)
    })
    .await
}

/// The drawing `p` asks for.
pub fn graph_answer(ws: &Workspace, generation: u64, p: &GraphParams) -> Answer {
    let level = match p.level.as_deref().unwrap_or("doc") {
        "doc" => Level::Doc,
        "subcategory" => Level::Subcategory,
        "category" => Level::Category,
        other => {
            return error(
                StatusCode::BAD_REQUEST,
                format!("unknown level `{other}`; use doc, subcategory or category"),
            );
        }
    };
    let around = match &p.around {
        Some(path) => match find(ws, path) {
            Some(id) => Some((id, p.depth.unwrap_or(1).min(MAX_DEPTH))),
            None => return no_document(path),
        },
        None => None,
    };
    let options = export::Options {
        level: Some(level),
        within: None,
        around,
        kinds: Kinds::default(),
    };
    let drawing = match export::build(&ws.corpus, ws.graph(), &options) {
        Ok(d) => d,
        Err(e) => return error(StatusCode::BAD_REQUEST, e.to_string()),
    };
    let index: HashMap<&str, usize> = drawing
        .nodes
        .iter()
        .enumerate()
        .map(|(i, n)| (n.id.as_str(), i))
        .collect();
    let edges: Vec<EdgeView> = drawing
        .edges
        .iter()
        .filter_map(|e| {
            let (s, t) = (
                *index.get(e.source.as_str())?,
                *index.get(e.target.as_str())?,
            );
            Some(EdgeView(s, t, &e.kind, e.broken, e.count))
        })
        .collect();
    let nodes: Vec<NodeView> = drawing
        .nodes
        .iter()
        .map(|node| {
            let doc = node.path.as_deref().and_then(|p| ws.corpus.doc_id(p));
            NodeView {
                id: &node.id,
                kind: node.kind,
                label: &node.label,
                category: node.category.as_deref(),
                subcategory: node.subcategory.as_deref(),
                doc_kind: node.doc_kind,
                orphan: node.orphan,
                focus: node.focus,
                documents: node.documents,
                colour: node.colour,
                reason: node.reason,
                inlinks: doc.map(|d| ws.graph().inlinks(d, LinkFilter::Any)),
                broken_count: doc.map(|d| ws.corpus.doc(d).broken_links()),
            }
        })
        .collect();
    Answer::ok(&GraphAnswer {
        generation,
        level: drawing.level,
        documents: ws.corpus.docs.len(),
        broken_colour: export::BROKEN_COLOUR,
        nodes,
        edges,
    })
}

#[derive(Deserialize)]
pub struct DocParams {
    path: String,
}

/// A query over the links of one document, named by its path.
fn links_query(source: Source, filter: Option<Expr>) -> Query {
    Query {
        source,
        filter,
        sort: Vec::new(),
        limit: None,
        output: None,
    }
}

fn name(path: &str) -> Name {
    Name {
        text: path.to_string(),
        span: Span::new(0, path.len()),
    }
}

/// The records of `query` as `{columns, rows}` (rows as objects keyed by column).
fn records(ws: &Workspace, query: &Query) -> Value {
    match ws.ask(query) {
        Ok(answer) => json!({
            "columns": answer.records.columns,
            "rows": JsonRecords(&answer.records),
        }),
        Err(e) => json!({ "error": e.message }),
    }
}

pub async fn doc(State(shared): State<Arc<Shared>>, Params(p): Params<DocParams>) -> Response {
    answer(shared, format!("doc {:?}", p.path), move |ws, generation| {
        let Some(id) = find(ws, &p.path) else {
            return no_document(&p.path);
        };
        let d = ws.corpus.doc(id);
        let html = ws
            .sources()
            .get(&d.path)
            .map(|source| markdown::to_html(&ws.corpus, d, source))
            .unwrap_or_default();
        let (missing, findings) = match ws.findings_of(&d.path) {
            Some((settings, findings)) => {
                let report = crate::check::Report {
                    checked: vec![d.path.clone()],
                    ..Default::default()
                };
                let missing: Vec<String> =
                    crate::check::coverage::missing_sections(&ws.corpus, &report, settings, None)
                        .into_iter()
                        .flat_map(|row| row.missing)
                        .collect();
                (missing, serde_json::to_value(findings).unwrap_or_default())
            }
            None => (Vec::new(), json!([])),
        };
        let this = name(&d.path);
        Answer::ok(&json!({
            "generation": generation,
            "path": d.path,
            "title": d.display_title(),
            "category": d.category,
            "subcategory": d.subcategory,
            "kind": d.kind.as_str(),
            "orphan": ws.graph().is_orphan(&ws.corpus, id, LinkFilter::Any),
            "inlinks": ws.graph().inlinks(id, LinkFilter::Any),
            "outlinks": ws.graph().outlinks(id, LinkFilter::Any),
            "html": html,
            "backlinks": records(ws, &links_query(Source::Backlinks(this.clone()), None)),
            "outgoing": records(ws, &links_query(Source::Links, Some(Expr::From(this.clone())))),
            "broken": records(ws, &links_query(Source::Broken, Some(Expr::From(this)))),
            "missing_sections": missing,
            "findings": findings,
        }))
    })
    .await
}

#[derive(Deserialize)]
pub struct SearchParams {
    q: String,
    fuzzy: Option<bool>,
    limit: Option<usize>,
}

pub async fn search(
    State(shared): State<Arc<Shared>>,
    Params(p): Params<SearchParams>,
) -> Response {
    let fuzzy = p.fuzzy.unwrap_or(false);
    let limit = p.limit.unwrap_or(20).min(MAX_HITS);
    let key = format!("search {:?} {fuzzy} {limit}", p.q);
    answer(shared, key, move |ws, generation| {
        let query = match crate::search::SearchQuery::parse(&p.q, fuzzy) {
            Ok(q) => q,
            Err(e) => return error(StatusCode::BAD_REQUEST, e.to_string()),
        };
        let hits = match crate::answer::search(&ws.corpus, ws, &query, None, limit) {
            Ok(hits) => hits.hits,
            // Nothing to look for is the asker's mistake; anything else is the index's.
            Err(e) if query.is_empty() => return error(StatusCode::BAD_REQUEST, e),
            Err(e) => return error(StatusCode::INTERNAL_SERVER_ERROR, e),
        };
        let hits: Vec<Value> = hits
            .iter()
            .map(|hit| {
                let d = ws.corpus.doc(hit.doc);
                // The excerpt as parts: (text, highlighted?), so the page never parses markup.
                let e = &hit.excerpt;
                let mut parts = Vec::new();
                let mut at = 0;
                for r in &e.highlights {
                    if r.start < at || r.end > e.text.len() {
                        continue;
                    }
                    parts.push(json!([&e.text[at..r.start], false]));
                    parts.push(json!([&e.text[r.clone()], true]));
                    at = r.end;
                }
                parts.push(json!([&e.text[at..], false]));
                json!({
                    "path": d.path,
                    "title": d.display_title(),
                    "category": d.category,
                    "kind": d.kind.as_str(),
                    "score": crate::render::search::round_score(hit.score),
                    "line": e.line,
                    "excerpt": parts,
                })
            })
            .collect();
        Answer::ok(&json!({ "generation": generation, "hits": hits }))
    })
    .await
}

#[derive(Deserialize)]
pub struct QueryParams {
    q: String,
}

pub async fn query(State(shared): State<Arc<Shared>>, Params(p): Params<QueryParams>) -> Response {
    answer(shared, format!("query {:?}", p.q), move |ws, generation| {
        let parsed = match crate::query::parse(&p.q) {
            Ok(q) => q,
            Err(errors) => {
                let list: Vec<Value> = errors
                    .0
                    .iter()
                    .map(|e| {
                        json!({
                            "message": e.message,
                            "help": e.help,
                            "start": e.span.start,
                            "end": e.span.end,
                        })
                    })
                    .collect();
                return Answer::json(
                    StatusCode::BAD_REQUEST,
                    &json!({ "error": errors.to_string(), "errors": list }),
                );
            }
        };
        let answer = match ws.ask(&parsed) {
            Ok(a) => a,
            Err(e) => {
                return Answer::json(
                    StatusCode::BAD_REQUEST,
                    &json!({
                        "error": e.message,
                        "errors": [{
                            "message": e.message,
                            "help": e.help,
                            "start": e.span.start,
                            "end": e.span.end,
                        }],
                    }),
                );
            }
        };
        let mut records = answer.records;
        let total = records.rows.len();
        let count = count_line(&records);
        records.rows.truncate(MAX_ROWS);
        let highlight = export::draw_answer(&ws.corpus, ws.graph(), &answer.rows).map(|g| {
            json!({
                "nodes": g.nodes.iter().map(|n| &n.id).collect::<Vec<_>>(),
                "edges": g.edges.iter().map(|e| [&e.source, &e.target]).collect::<Vec<_>>(),
            })
        });
        Answer::ok(&json!({
            "generation": generation,
            "query": parsed.to_string(),
            "columns": records.columns,
            "rows": JsonRecords(&records),
            "total": total,
            "count": count,
            "empty_note": records.empty_note,
            "highlight": highlight,
        }))
    })
    .await
}

pub async fn coverage(State(shared): State<Arc<Shared>>) -> Response {
    let error_text = shared.checks_error();
    answer(shared, COVERAGE.into(), move |ws, generation| {
        coverage_answer(ws, generation, error_text)
    })
    .await
}

/// The question `/api/coverage` asks.
pub const COVERAGE: &str = "coverage";

/// Coverage per category from the kept findings, or why the checks cannot run.
pub fn coverage_answer(ws: &Workspace, generation: u64, error_text: Option<String>) -> Answer {
    match ws.checks() {
        Some(checks) => {
            let rows = crate::check::coverage::summary(&ws.corpus, ws.graph(), &checks.report);
            Answer::ok(&json!({ "generation": generation, "rows": rows }))
        }
        None => Answer::ok(&json!({
            "generation": generation,
            "rows": [],
            "error": error_text.unwrap_or_else(|| "the checks have not run".into()),
        })),
    }
}

/// The event stream: `hello` with the current generation (a page that reconnects after a
/// change it missed asks again), then a `change` for every change applied.
pub async fn events(
    State(shared): State<Arc<Shared>>,
) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let receiver = shared.events.subscribe();
    let hello = json!({ "generation": shared.generation() }).to_string();
    let hello = stream::once(async move { Ok(Event::default().event("hello").data(hello)) });
    let changes = stream::unfold((receiver, shared), |(mut receiver, shared)| async move {
        let data = match receiver.recv().await {
            Ok(message) => message.to_string(),
            // Missed messages: say the generation, the page asks again.
            Err(RecvError::Lagged(_)) => json!({ "generation": shared.generation() }).to_string(),
            Err(RecvError::Closed) => return None,
        };
        Some((
            Ok(Event::default().event("change").data(data)),
            (receiver, shared),
        ))
    });
    Sse::new(hello.chain(changes)).keep_alive(KeepAlive::default())
}
