//! The answers of the MCP tools, as JSON: each tool is a question the answer layer already
//! answers (a query, a search, the checks' findings), cut into bounded pages.
//!
//! Nothing here evaluates a rule of its own: `backlinks`, `related`, `suggest_related` and the
//! link lists of `get_document` are queries built as syntax trees and printed back to query
//! text (so their errors carry the same caret text as a typed query), `search` is
//! `answer::search`, `check` is `Workspace::diagnostics`. An `Err` is the tool error's text.

use serde::Serialize;
use serde_json::{Value, json};

use crate::answer::Records;
use crate::corpus::heading;
use crate::query::ast::{Name, Query, RelatedFor, Source};
use crate::query::{self, Span, names};
use crate::render::rows::JsonRecords;
use crate::render::search::round_score;
use crate::search::SearchQuery;
use crate::workspace::Workspace;

/// Rows in a page unless the caller asks for another number.
pub const DEFAULT_ROWS: usize = 50;
/// The most rows a page holds.
pub const MAX_ROWS: usize = 500;
/// The most bytes of JSON rows (or of document text) a page holds; a page always holds at
/// least one row.
pub const MAX_BYTES: usize = 48 * 1024;

/// Where a page starts and how many rows it may hold.
#[derive(Debug, Clone, Copy)]
pub struct Page {
    pub offset: usize,
    pub limit: usize,
}

impl Page {
    pub fn new(offset: Option<usize>, limit: Option<usize>) -> Page {
        Page {
            offset: offset.unwrap_or(0),
            limit: limit.unwrap_or(DEFAULT_ROWS).clamp(1, MAX_ROWS),
        }
    }
}

/// The rows of `page` out of `all`, cut at [`MAX_BYTES`], with the offset of the next page.
fn paged(all: Vec<Value>, page: Page) -> Value {
    let total = all.len();
    let mut rows = Vec::new();
    let mut bytes = 0;
    let mut next = page.offset.min(total);
    for row in all.into_iter().skip(page.offset).take(page.limit) {
        let size = row.to_string().len();
        if !rows.is_empty() && bytes + size > MAX_BYTES {
            break;
        }
        bytes += size;
        rows.push(row);
        next += 1;
    }
    json!({
        "total": total,
        "offset": page.offset,
        "rows": rows,
        "next_offset": (next < total).then_some(next),
    })
}

/// Records as JSON row objects (the keys of `atomdoc query --format json`).
fn record_rows(records: &Records) -> Vec<Value> {
    match serde_json::to_value(JsonRecords(records)) {
        Ok(Value::Array(rows)) => rows,
        _ => Vec::new(),
    }
}

/// Parses and answers query text; an error is the caret text `atomdoc query` prints.
fn ask(ws: &Workspace, text: &str) -> Result<Records, String> {
    let parsed = query::parse(text).map_err(|e| query::render_errors(text, "query", 1, &e.0))?;
    if parsed.output.is_some() {
        return Err(
            "a drawing (`as dot`) is not answered here; ask without `as dot`, or run `atomdoc query` for the drawing"
                .into(),
        );
    }
    ws.ask(&parsed)
        .map(|a| a.records)
        .map_err(|e| query::render_errors(text, "query", 1, &[e]))
}

/// The query text of `source` (names quoted as the printer quotes them).
fn query_text(source: Source, limit: Option<usize>) -> String {
    Query {
        source,
        filter: None,
        sort: Vec::new(),
        limit,
        output: None,
    }
    .to_string()
}

fn name(text: &str) -> Name {
    Name {
        text: text.to_string(),
        span: Span::new(0, 0),
    }
}

/// A page of records, with their columns and the note an empty answer may carry.
fn records_page(records: &Records, page: Page) -> Value {
    let mut out = paged(record_rows(records), page);
    out["columns"] = json!(records.columns);
    if let Some(note) = &records.empty_note {
        out["note"] = json!(note);
    }
    out
}

/// `query`: any query of the query language.
pub fn query_tool(ws: &Workspace, text: &str, page: Page) -> Result<Value, String> {
    let records = ask(ws, text)?;
    let mut out = records_page(&records, page);
    out["query"] = json!(text);
    Ok(out)
}

/// `search`: full-text hits with their excerpts and lines.
pub fn search(
    ws: &Workspace,
    text: &str,
    within: Option<&str>,
    fuzzy: bool,
    page: Page,
) -> Result<Value, String> {
    let q = SearchQuery::parse(text, fuzzy).map_err(|e| e.to_string())?;
    // One more than the page, to know whether there is a next one.
    let wanted = page.offset + page.limit + 1;
    let hits = crate::answer::search(&ws.corpus, ws, &q, within, wanted)?.hits;
    let more = hits.len() == wanted;
    // The same row shape as `atomdoc search --format json` and the query `search "…"`.
    let rows = record_rows(&crate::answer::search_records(&ws.corpus, &hits));
    let mut out = paged(rows, page);
    // The hits past the next page were not fetched (each costs an excerpt): no total, only
    // whether there are more.
    if let Some(o) = out.as_object_mut() {
        o.remove("total");
    }
    out["more"] = json!(more || out["next_offset"].is_number());
    if more && out["next_offset"].is_null() {
        out["next_offset"] = json!(page.offset + page.limit);
    }
    Ok(out)
}

/// A link list of a document: the rows of query `text` (at most [`DEFAULT_ROWS`]), with the
/// total.
fn doc_links(ws: &Workspace, text: &str) -> Result<Value, String> {
    let records = ask(ws, text)?;
    let mut out = paged(record_rows(&records), Page::new(None, None));
    if let Some(o) = out.as_object_mut() {
        o.remove("offset");
    }
    Ok(out)
}

/// `get_document`: a document's text (or one section), title, category, links.
pub fn get_document(
    ws: &Workspace,
    path: &str,
    section: Option<&str>,
    offset: Option<usize>,
) -> Result<Value, String> {
    let id = names::resolve_doc(&ws.corpus, path).map_err(|e| format!("{e}; {}", e.help()))?;
    let doc = ws.corpus.doc(id);
    let full = ws
        .sources()
        .get(&doc.path)
        .map(String::as_str)
        .ok_or_else(|| {
            format!(
                "cannot read {}; it may have been deleted or made unreadable just now",
                doc.path
            )
        })?;
    let text = match section {
        None => full.to_string(),
        Some(wanted) => {
            let at = doc
                .headings
                .iter()
                .position(|h| {
                    h.slug == wanted.trim_start_matches('#') || heading::same(&h.text, wanted)
                })
                .ok_or_else(|| {
                    let headings: Vec<&str> =
                        doc.headings.iter().map(|h| h.text.as_str()).collect();
                    format!(
                        "{} has no section `{wanted}`; its headings are: {}",
                        doc.path,
                        headings.join(", ")
                    )
                })?;
            let h = &doc.headings[at];
            let end = doc.headings[at + 1..]
                .iter()
                .find(|n| n.level <= h.level)
                .map(|n| n.line);
            full.lines()
                .enumerate()
                .map(|(i, l)| (i as u32 + 1, l))
                .filter(|&(n, _)| n >= h.line && end.is_none_or(|e| n < e))
                .map(|(_, l)| format!("{l}\n"))
                .collect()
        }
    };
    let (text, text_offset, next) = text_page(&text, offset.unwrap_or(0));
    Ok(json!({
        "path": doc.path,
        "title": doc.display_title(),
        "category": doc.category,
        "subcategory": doc.subcategory,
        "kind": doc.kind.as_str(),
        "headings": doc.headings.iter().map(|h| json!({"level": h.level, "text": h.text, "anchor": h.slug, "line": h.line})).collect::<Vec<_>>(),
        "section": section,
        "text": text,
        "text_offset": text_offset,
        "text_next_offset": next,
        // Every link it writes (edges, external and broken links), the edges into it, and its
        // broken links with their suggestions: the same rows as these queries.
        "links_out": doc_links(ws, &format!("all links where source = {}", quoted(&doc.path)))?,
        "links_in": doc_links(ws, &query_text(Source::Backlinks(name(&doc.path)), None))?,
        "broken_links": doc_links(ws, &format!("broken where source = {}", quoted(&doc.path)))?,
    }))
}

/// A string value as the query language writes it.
fn quoted(text: &str) -> String {
    serde_json::to_string(text).unwrap_or_default()
}

/// The part of `text` from byte `offset` (moved back to a character boundary) holding at most
/// [`MAX_BYTES`], ended at a line end when one is near; the start and the next offset.
fn text_page(text: &str, offset: usize) -> (String, usize, Option<usize>) {
    let mut start = offset.min(text.len());
    while !text.is_char_boundary(start) {
        start -= 1;
    }
    let mut end = (start + MAX_BYTES).min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    if end < text.len()
        && let Some(nl) = text[start..end].rfind('\n')
        && nl > 0
    {
        end = start + nl + 1;
    }
    (
        text[start..end].to_string(),
        start,
        (end < text.len()).then_some(end),
    )
}

/// `backlinks`: the edges into a document, from documents and referrers.
pub fn backlinks(ws: &Workspace, path: &str, page: Page) -> Result<Value, String> {
    let records = ask(ws, &query_text(Source::Backlinks(name(path)), None))?;
    Ok(records_page(&records, page))
}

/// One document `related` returns.
#[derive(Debug, Serialize)]
struct Relative {
    path: String,
    title: Value,
    category: Value,
    /// Link steps from the document, either direction (`null`: farther than the depth).
    distance: Option<u64>,
    /// More-like-this score (`null`: not among the most similar).
    similarity: Option<f64>,
    /// The rank: 1/distance plus the similarity relative to the best one.
    score: f64,
}

/// `related`: neighbours by graph distance (`neighbors of D depth N`) and the most similar
/// documents (`similar to D`), ranked together.
pub fn related(ws: &Workspace, path: &str, depth: usize, limit: usize) -> Result<Value, String> {
    let near = ask(
        ws,
        &query_text(
            Source::Neighbors {
                of: name(path),
                depth,
            },
            None,
        ),
    )?;
    let similar = ask(ws, &query_text(Source::Similar(name(path)), Some(limit)))?;
    let mut all: Vec<Relative> = Vec::new();
    for row in record_rows(&near) {
        all.push(Relative {
            path: row["path"].as_str().unwrap_or_default().to_string(),
            title: row["title"].clone(),
            category: row["category"].clone(),
            distance: row["distance"].as_u64(),
            similarity: None,
            score: 0.0,
        });
    }
    let similar = record_rows(&similar);
    let best = similar
        .iter()
        .filter_map(|r| r["score"].as_f64())
        .fold(0.0_f64, f64::max);
    for row in similar {
        let p = row["path"].as_str().unwrap_or_default();
        let s = row["score"].as_f64();
        match all.iter_mut().find(|r| r.path == p) {
            Some(r) => r.similarity = s,
            None => all.push(Relative {
                path: p.to_string(),
                title: row["title"].clone(),
                category: row["category"].clone(),
                distance: None,
                similarity: s,
                score: 0.0,
            }),
        }
    }
    for r in &mut all {
        let near = r.distance.map_or(0.0, |d| 1.0 / d.max(1) as f64);
        let like = match (r.similarity, best > 0.0) {
            (Some(s), true) => s / best,
            _ => 0.0,
        };
        r.score = round_score((near + like) as f32);
        r.similarity = r.similarity.map(|s| round_score(s as f32));
    }
    all.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then_with(|| a.path.cmp(&b.path))
    });
    let total = all.len();
    all.truncate(limit);
    Ok(json!({
        "of": path,
        "depth": depth,
        "total": total,
        "rows": all,
    }))
}

/// `suggest_related`: documents `path` should link to, or for each orphan (in `scope`) the
/// documents that should link to it.
pub fn suggest_related(
    ws: &Workspace,
    path: Option<&str>,
    scope: Option<&str>,
    page: Page,
) -> Result<Value, String> {
    let about = match path {
        Some(p) => RelatedFor::Doc(name(p)),
        None => RelatedFor::Orphans(scope.map(name)),
    };
    let text = query_text(Source::SuggestRelated(about), None);
    let records = ask(ws, &text)?;
    let mut out = records_page(&records, page);
    out["query"] = json!(text);
    Ok(out)
}

/// `check`: the checks' findings (before any baseline) of the whole tree, or of the documents
/// at or under `path`.
pub fn check(ws: &mut Workspace, path: Option<&str>, page: Page) -> Result<Value, String> {
    let all = ws.diagnostics().map_err(|e| e.to_string())?;
    let root = ws.corpus.root.clone();
    let mut wanted: Vec<_> = match path {
        None => all,
        Some(p) => {
            if !ws
                .corpus
                .docs
                .iter()
                .any(|d| crate::check::names_path(&root, &d.path, p))
            {
                return Err(format!(
                    "no document at or under `{p}`; give the path of a document or folder (repo-relative or under {})",
                    if root.is_empty() {
                        "the repository"
                    } else {
                        &root
                    }
                ));
            }
            all.into_iter()
                .filter(|d| crate::check::names_path(&root, &d.path, p))
                .collect()
        }
    };
    // The did-you-mean in `help`, as `atomdoc check` prints it.
    crate::check::rules::suggest_fixes(&ws.corpus, &mut wanted);
    let errors = wanted
        .iter()
        .filter(|d| d.severity == crate::check::Severity::Error)
        .count();
    let rows = wanted
        .iter()
        .map(|d| serde_json::to_value(d).unwrap_or(Value::Null))
        .collect();
    let mut out = paged(rows, page);
    out["errors"] = json!(errors);
    out["warnings"] = json!(wanted.len() - errors);
    Ok(out)
}
