//! Reading the graph from the editor: go to definition, find references (backlinks),
//! hover, document links, document and workspace symbols, the backlinks code lens.
//! Everything is read from the corpus and the graph; links are found where the corpus says
//! they are (line and column), never parsed again.

use lsp_server::ErrorCode;
use lsp_types::{
    CodeLensParams, DocumentLinkParams, DocumentSymbolParams, ExecuteCommandParams,
    GotoDefinitionParams, HoverParams, Position, ReferenceParams, TextDocumentPositionParams,
    WorkspaceSymbolParams,
};
use petgraph::Direction;
use serde_json::{Value, json};

use super::state::Folder;
use super::text::{self, Encoding};
use super::{Ctx, Failure, Target};
use crate::corpus::links::anchor_matches;
use crate::corpus::{DocId, Document, Heading, Link, LinkStatus};
use crate::graph::LinkFilter;
use crate::search::suggest::Suggester;

/// The command of the backlinks code lens: answers the backlinks' locations.
pub const BACKLINKS_COMMAND: &str = "atomdoc.backlinks";

/// At most this many workspace symbols per answer.
const MAX_SYMBOLS: usize = 200;

/// Byte span of `link` on its line `line` (the link's text through its destination).
pub fn link_span(line: &str, link: &Link) -> (usize, usize) {
    let start = text::byte_of_char(line, link.column);
    let rest = line.get(start..).unwrap_or("");
    if !link.target.is_empty()
        && let Some(i) = rest.find(link.target.as_str())
    {
        let mut end = start + i + link.target.len();
        if line[end..].starts_with([')', '`', '>']) {
            end += 1;
        } else if line[end..].starts_with(" \"") || line[end..].starts_with(" '") {
            // A title after the destination: up to the closing parenthesis.
            end = line[end..].find(')').map_or(line.len(), |j| end + j + 1);
        }
        return (start, end);
    }
    // A reference link (`[text][ref]`): its brackets.
    let end = rest
        .find("] ")
        .or_else(|| rest.rfind(']'))
        .map_or(line.len(), |j| start + j + 1);
    (start, end.max(start + 1).min(line.len()))
}

/// The document `t` is, in its folder's corpus.
pub fn doc_of<'a>(t: &Target<'a>) -> Option<(DocId, &'a Document)> {
    let corpus = &t.folder.ws.corpus;
    corpus.doc_id(&t.rel).map(|id| (id, corpus.doc(id)))
}

/// The link under the cursor, with its byte span on the line.
pub fn link_at<'d>(
    t: &Target<'_>,
    doc: &'d Document,
    pos: Position,
    enc: Encoding,
) -> Option<(&'d Link, (usize, usize))> {
    let line = text::line_text(t.text, pos.line);
    let at = text::byte_of_col(line, pos.character, enc);
    doc.links
        .iter()
        .filter(|l| l.line == pos.line + 1)
        .map(|l| (l, link_span(line, l)))
        .find(|&(_, (s, e))| s <= at && at <= e)
}

/// A location in a folder's file at a 1-based line and character column.
pub fn location(folder: &Folder, path: &str, line: u32, column: u32, enc: Encoding) -> Value {
    let l = line.saturating_sub(1);
    let character = folder.text(path).map_or(column.saturating_sub(1), |t| {
        text::col_of_char(text::line_text(t, l), column, enc)
    });
    json!({ "uri": folder.uri(path), "range": { "start": { "line": l, "character": character }, "end": { "line": l, "character": character } } })
}

/// The heading a fragment names in `doc`.
fn heading<'d>(doc: &'d Document, fragment: &str) -> Option<&'d Heading> {
    doc.headings
        .iter()
        .find(|h| anchor_matches(fragment, [h.slug.as_str()], []))
}

fn no_target() -> Result<Value, Failure> {
    Ok(Value::Null)
}

pub fn definition(ctx: &Ctx<'_>, p: GotoDefinitionParams) -> Result<Value, Failure> {
    let TextDocumentPositionParams {
        text_document,
        position,
    } = p.text_document_position_params;
    let Some(t) = ctx.target(&text_document.uri) else {
        return no_target();
    };
    let Some((_, doc)) = doc_of(&t) else {
        return no_target();
    };
    let Some((link, _)) = link_at(&t, doc, position, ctx.enc) else {
        return no_target();
    };
    if link.status == LinkStatus::External
        || link.broken_reason().is_some_and(|r| r.as_str() != "anchor")
    {
        return no_target();
    }
    let Some(path) = link.resolved.as_deref() else {
        return no_target();
    };
    let corpus = &t.folder.ws.corpus;
    let line = match (corpus.doc_id(path), link.fragment.as_deref()) {
        (Some(id), Some(f)) => heading(corpus.doc(id), f).map_or(1, |h| h.line),
        _ => 1,
    };
    if corpus.doc_id(path).is_none() && !crate::boundary::read::exists(&t.folder.repo.join(path)) {
        return no_target();
    }
    Ok(location(t.folder, path, line, 1, ctx.enc))
}

/// Every link reaching document `id` — from other documents, itself (`#fragment`) and
/// referrers — as (path, link), in path then line order.
pub fn backlinks(folder: &Folder, id: DocId) -> Vec<(String, Link)> {
    let ws = &folder.ws;
    let corpus = &ws.corpus;
    let me = corpus.doc(id);
    let mut out: Vec<(String, Link)> = Vec::new();
    for (from, edge) in ws
        .graph()
        .link_edges(id, Direction::Incoming, LinkFilter::Any)
    {
        if let Some(i) = ws.graph().graph[edge].link {
            let d = corpus.doc(from);
            out.push((d.path.clone(), d.links[i].clone()));
        }
    }
    for l in &me.links {
        if l.resolved.as_deref() == Some(me.path.as_str()) {
            out.push((me.path.clone(), l.clone()));
        }
    }
    for r in &corpus.referrers {
        for (_, l) in r.edges().filter(|(_, l)| l.to_doc == Some(id)) {
            out.push((r.path.clone(), l.clone()));
        }
    }
    out.sort_by(|a, b| (&a.0, a.1.line, a.1.column).cmp(&(&b.0, b.1.line, b.1.column)));
    out
}

pub fn references(ctx: &Ctx<'_>, p: ReferenceParams) -> Result<Value, Failure> {
    let TextDocumentPositionParams {
        text_document,
        position,
    } = p.text_document_position;
    let Some(t) = ctx.target(&text_document.uri) else {
        return no_target();
    };
    let Some((id, doc)) = doc_of(&t) else {
        return no_target();
    };
    Ok(Value::Array(reference_locations(
        t.folder,
        id,
        doc,
        position.line + 1,
        ctx.enc,
    )))
}

/// Backlinks of the document, or of the heading on `line` (1-based) when it is not the title.
fn reference_locations(
    folder: &Folder,
    id: DocId,
    doc: &Document,
    line: u32,
    enc: Encoding,
) -> Vec<Value> {
    let on_heading = doc.headings.iter().find(|h| h.line == line && h.level > 1);
    backlinks(folder, id)
        .into_iter()
        .filter(|(_, l)| match on_heading {
            Some(h) => l
                .fragment
                .as_deref()
                .is_some_and(|f| anchor_matches(f, [h.slug.as_str()], [])),
            None => true,
        })
        .map(|(path, l)| location(folder, &path, l.line, l.column, enc))
        .collect()
}

/// The first paragraph of a document's introduction, at most about 600 characters.
pub fn first_paragraph(doc: &Document) -> String {
    let para = doc.intro.split("\n\n").next().unwrap_or("").trim();
    match para.char_indices().nth(600) {
        Some((i, _)) => format!("{}…", &para[..i]),
        None => para.to_string(),
    }
}

/// A document described in Markdown: title, path, first paragraph, link counts.
pub fn describe(folder: &Folder, id: DocId) -> String {
    let ws = &folder.ws;
    let d = ws.corpus.doc(id);
    let mut s = format!("**{}**  \n`{}`", d.display_title(), d.path);
    let intro = first_paragraph(d);
    if !intro.is_empty() {
        s.push_str("\n\n");
        s.push_str(&intro);
    }
    s.push_str(&format!(
        "\n\n{} incoming · {} outgoing links",
        ws.graph().inlinks(id, LinkFilter::Any),
        ws.graph().outlinks(id, LinkFilter::Any)
    ));
    s
}

pub fn hover(ctx: &Ctx<'_>, p: HoverParams) -> Result<Value, Failure> {
    let TextDocumentPositionParams {
        text_document,
        position,
    } = p.text_document_position_params;
    let Some(t) = ctx.target(&text_document.uri) else {
        return no_target();
    };
    let Some((id, doc)) = doc_of(&t) else {
        return no_target();
    };
    let corpus = &t.folder.ws.corpus;
    let line_text = text::line_text(t.text, position.line);
    let Some((link, (s, e))) = link_at(&t, doc, position, ctx.enc) else {
        // On the title: the document itself.
        if doc
            .headings
            .iter()
            .any(|h| h.level == 1 && h.line == position.line + 1)
        {
            return Ok(
                json!({ "contents": { "kind": "markdown", "value": describe(t.folder, id) } }),
            );
        }
        return no_target();
    };
    let mut value = match link.resolved.as_deref().and_then(|p| corpus.doc_id(p)) {
        Some(target) => describe(t.folder, target),
        None => match (&link.status, link.resolved.as_deref()) {
            (LinkStatus::External, _) => format!("external link `{}` (not checked)", link.target),
            (_, Some(path)) => format!("`{path}`"),
            (_, None) => format!("`{}`", link.target),
        },
    };
    if let Some(reason) = link.broken_reason() {
        let why = match reason.as_str() {
            "missing" => "no such file or folder",
            "anchor" => "no heading or anchor of the target has this fragment",
            "outside" => "the target lies outside the repository",
            _ => "the target is still a template placeholder",
        };
        value.push_str(&format!("\n\n**broken link** ({}): {why}", reason.as_str()));
        let suggestions = Suggester::new(corpus).for_link(id, link);
        if !suggestions.is_empty() {
            let list: Vec<String> = suggestions.iter().map(|s| format!("`{s}`")).collect();
            value.push_str(&format!("  \ndid you mean {}?", list.join(", ")));
        }
    } else if let (Some(f), Some(target)) = (
        link.fragment.as_deref(),
        link.resolved.as_deref().and_then(|p| corpus.doc_id(p)),
    ) && let Some(h) = heading(corpus.doc(target), f)
    {
        value.push_str(&format!("\n\n§ {}", h.text));
    }
    let range = text::range_on_line(position.line, line_text, s, e, ctx.enc);
    Ok(json!({ "contents": { "kind": "markdown", "value": value }, "range": range }))
}

pub fn document_links(ctx: &Ctx<'_>, p: DocumentLinkParams) -> Result<Value, Failure> {
    let Some(t) = ctx.target(&p.text_document.uri) else {
        return no_target();
    };
    let Some((_, doc)) = doc_of(&t) else {
        return Ok(json!([]));
    };
    let mut out = Vec::new();
    for l in &doc.links {
        let Some(path) = l.resolved.as_deref() else {
            continue;
        };
        if l.status != LinkStatus::Ok {
            continue;
        }
        let line = text::line_text(t.text, l.line - 1);
        let (s, e) = link_span(line, l);
        let mut target = t.folder.uri(path).as_str().to_string();
        if let Some(h) = l.fragment.as_deref().and_then(|f| {
            t.folder
                .ws
                .corpus
                .doc_id(path)
                .and_then(|id| heading(t.folder.ws.corpus.doc(id), f))
        }) {
            // VS Code and others open `file:…#L12` at that line.
            target.push_str(&format!("#L{}", h.line));
        }
        out.push(json!({ "range": text::range_on_line(l.line - 1, line, s, e, ctx.enc), "target": target, "tooltip": path }));
    }
    Ok(Value::Array(out))
}

pub fn document_symbols(ctx: &Ctx<'_>, p: DocumentSymbolParams) -> Result<Value, Failure> {
    let Some(t) = ctx.target(&p.text_document.uri) else {
        return no_target();
    };
    let Some((_, doc)) = doc_of(&t) else {
        return Ok(json!([]));
    };
    let last_line = t.text.split('\n').count() as u32;
    // Each heading's section runs to the next heading of the same or a higher level.
    let ends: Vec<u32> = doc
        .headings
        .iter()
        .enumerate()
        .map(|(i, h)| {
            doc.headings[i + 1..]
                .iter()
                .find(|n| n.level <= h.level)
                .map_or(last_line, |n| n.line - 1)
        })
        .collect();
    fn build(
        doc: &Document,
        ends: &[u32],
        t: &Target<'_>,
        enc: Encoding,
        from: usize,
        level: u8,
    ) -> (Vec<Value>, usize) {
        let mut out = Vec::new();
        let mut i = from;
        while i < doc.headings.len() && doc.headings[i].level >= level {
            let h = &doc.headings[i];
            let (children, next) = build(doc, ends, t, enc, i + 1, h.level + 1);
            let end_line = ends[i].max(h.line).saturating_sub(1);
            let sel = text::line_range(t.text, h.line - 1, enc);
            let end = text::line_range(t.text, end_line, enc).end;
            out.push(json!({
                "name": if h.text.is_empty() { "(empty heading)".to_string() } else { h.text.clone() },
                "detail": format!("#{}", h.slug),
                "kind": if h.level == 1 { 2 } else { 15 },
                "range": { "start": sel.start, "end": end },
                "selectionRange": sel,
                "children": children,
            }));
            i = next;
        }
        (out, i)
    }
    let mut all = Vec::new();
    let mut i = 0;
    while i < doc.headings.len() {
        let (mut list, next) = build(doc, &ends, &t, ctx.enc, i, doc.headings[i].level);
        all.append(&mut list);
        i = next.max(i + 1);
    }
    Ok(Value::Array(all))
}

pub fn workspace_symbols(ctx: &Ctx<'_>, p: WorkspaceSymbolParams) -> Result<Value, Failure> {
    let want = p.query.to_lowercase();
    let mut out = Vec::new();
    'folders: for folder in &ctx.folders.list {
        for d in &folder.ws.corpus.docs {
            let title = d.display_title();
            if want.is_empty()
                || title.to_lowercase().contains(&want)
                || d.path.to_lowercase().contains(&want)
            {
                let line = d
                    .headings
                    .iter()
                    .find(|h| h.level == 1)
                    .map_or(1, |h| h.line);
                out.push(json!({
                    "name": title,
                    "kind": 1,
                    "containerName": d.path,
                    "location": location(folder, &d.path, line, 1, ctx.enc),
                }));
                if out.len() >= MAX_SYMBOLS {
                    break 'folders;
                }
            }
        }
    }
    Ok(Value::Array(out))
}

pub fn code_lens(ctx: &Ctx<'_>, p: CodeLensParams) -> Result<Value, Failure> {
    let Some(t) = ctx.target(&p.text_document.uri) else {
        return no_target();
    };
    let Some((id, doc)) = doc_of(&t) else {
        return Ok(json!([]));
    };
    let Some(h1) = doc.headings.iter().find(|h| h.level == 1) else {
        return Ok(json!([]));
    };
    let n = t.folder.ws.graph().inlinks(id, LinkFilter::Any);
    let range = text::line_range(t.text, h1.line - 1, ctx.enc);
    let title = match n {
        0 => "no backlinks (orphan)".to_string(),
        1 => "1 backlink".to_string(),
        n => format!("{n} backlinks"),
    };
    Ok(json!([{
        "range": range,
        "command": { "title": title, "command": BACKLINKS_COMMAND, "arguments": [p.text_document.uri, range.start] },
    }]))
}

/// `atomdoc.backlinks [uri, position]`: the backlinks' locations.
pub fn execute(ctx: &Ctx<'_>, p: ExecuteCommandParams) -> Result<Value, Failure> {
    if p.command != BACKLINKS_COMMAND {
        return Err(Failure(
            ErrorCode::InvalidParams,
            format!("unknown command `{}`", p.command),
        ));
    }
    let bad = || {
        Failure(
            ErrorCode::InvalidParams,
            format!("{BACKLINKS_COMMAND} takes [uri, position]"),
        )
    };
    let uri: lsp_types::Uri = p
        .arguments
        .first()
        .cloned()
        .and_then(|v| serde_json::from_value(v).ok())
        .ok_or_else(bad)?;
    let Some(t) = ctx.target(&uri) else {
        return no_target();
    };
    let Some((id, _)) = doc_of(&t) else {
        return no_target();
    };
    let locations: Vec<Value> = backlinks(t.folder, id)
        .into_iter()
        .map(|(path, l)| location(t.folder, &path, l.line, l.column, ctx.enc))
        .collect();
    Ok(Value::Array(locations))
}
