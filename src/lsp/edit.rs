//! Edits the server proposes: renames (a heading and the fragments pointing at it; a
//! document and every link to it, from the `mv` engine), and code actions (a did-you-mean
//! fix, a suggested related document, the missing document created from the template).
//! Every edit is a `WorkspaceEdit` the client applies; the server writes nothing.

use std::collections::HashMap;

use lsp_server::ErrorCode;
use lsp_types::{
    CodeActionParams, Position, RenameFilesParams, RenameParams, TextDocumentPositionParams,
};
use serde_json::{Value, json};

use super::navigate::{backlinks, doc_of, link_at, link_span};
use super::state::Folder;
use super::text::{self, Encoding};
use super::{Ctx, Failure, Target};
use crate::corpus::links::anchor_matches;
use crate::corpus::parse::is_related_heading;
use crate::corpus::{BrokenReason, DocId, Document, Heading, Link, LinkSyntax};
use crate::relpath;
use crate::search::suggest::Suggester;

/// What a rename at a position renames.
enum Renaming<'d> {
    /// A heading below the title, and the fragments pointing at it.
    Heading(&'d Heading),
    /// A document (from its title, or a link to it): a file move.
    Document(String),
}

/// The heading on 0-based `line`, and the byte span of its text there.
fn heading_on<'d>(
    doc: &'d Document,
    t: &Target<'_>,
    line: u32,
) -> Option<(&'d Heading, (usize, usize))> {
    let h = doc.headings.iter().find(|h| h.line == line + 1)?;
    let text = text::line_text(t.text, line);
    let start = text
        .find(h.text.as_str())
        .unwrap_or(text.len() - text.trim_start_matches(['#', ' ']).len());
    Some((h, (start, (start + h.text.len()).min(text.len()))))
}

fn renaming<'d>(
    ctx: &Ctx<'_>,
    t: &Target<'_>,
    doc: &'d Document,
    pos: Position,
) -> Option<(Renaming<'d>, (usize, usize))> {
    if let Some((h, span)) = heading_on(doc, t, pos.line) {
        return Some(match h.level {
            1 => (Renaming::Document(t.rel.clone()), span),
            _ => (Renaming::Heading(h), span),
        });
    }
    let (link, span) = link_at(t, doc, pos, ctx.enc)?;
    let to = link.to_doc.or_else(|| {
        link.resolved
            .as_deref()
            .and_then(|p| t.folder.ws.corpus.doc_id(p))
    })?;
    Some((
        Renaming::Document(t.folder.ws.corpus.doc(to).path.clone()),
        span,
    ))
}

fn invalid(message: &str) -> Failure {
    Failure(ErrorCode::InvalidRequest, message.to_string())
}

pub fn prepare_rename(ctx: &Ctx<'_>, p: TextDocumentPositionParams) -> Result<Value, Failure> {
    let Some(t) = ctx.target(&p.text_document.uri) else {
        return Ok(Value::Null);
    };
    let Some((_, doc)) = doc_of(&t) else {
        return Ok(Value::Null);
    };
    let Some((what, (s, e))) = renaming(ctx, &t, doc, p.position) else {
        return Err(invalid(
            "nothing to rename here: put the cursor on a heading or a link to a document",
        ));
    };
    let line = text::line_text(t.text, p.position.line);
    let range = text::range_on_line(p.position.line, line, s, e, ctx.enc);
    let placeholder = match what {
        Renaming::Heading(h) => h.text.clone(),
        Renaming::Document(path) => path,
    };
    Ok(json!({ "range": range, "placeholder": placeholder }))
}

pub fn rename(ctx: &Ctx<'_>, p: RenameParams) -> Result<Value, Failure> {
    let TextDocumentPositionParams {
        text_document,
        position,
    } = p.text_document_position;
    let Some(t) = ctx.target(&text_document.uri) else {
        return Ok(Value::Null);
    };
    let Some((id, doc)) = doc_of(&t) else {
        return Ok(Value::Null);
    };
    match renaming(ctx, &t, doc, position) {
        Some((Renaming::Heading(h), span)) => Ok(rename_heading(ctx, &t, id, h, span, &p.new_name)),
        Some((Renaming::Document(path), _)) => {
            let to = if p.new_name.contains('/') {
                p.new_name.trim_start_matches("./").to_string()
            } else {
                // A bare file name keeps the folder.
                let dir = path.rsplit_once('/').map_or("", |(d, _)| d);
                if dir.is_empty() {
                    p.new_name.clone()
                } else {
                    format!("{dir}/{}", p.new_name)
                }
            };
            move_edit(ctx, t.folder, &[(path, to)], true)
        }
        None => Err(invalid(
            "nothing to rename here: put the cursor on a heading or a link to a document",
        )),
    }
}

/// The text of a file of the folder: a document's as the workspace has it, a referrer's from
/// disk (through the boundary).
fn file_text(folder: &Folder, path: &str) -> Option<String> {
    if let Some(t) = folder.text(path) {
        return Some(t.to_string());
    }
    let (files, _) = crate::corpus::scan::read_all_with(
        &folder.repo,
        vec![path.to_string()],
        &folder.ws.config.limits,
    );
    files.into_iter().next().map(|f| f.text)
}

fn rename_heading(
    ctx: &Ctx<'_>,
    t: &Target<'_>,
    id: DocId,
    h: &Heading,
    (s, e): (usize, usize),
    new_name: &str,
) -> Value {
    let new_slug = t.folder.ws.corpus.site.dialect.slug(new_name);
    let mut edits: HashMap<String, Vec<Value>> = HashMap::new();
    let line0 = h.line - 1;
    let line = text::line_text(t.text, line0);
    edits.entry(t.rel.clone()).or_default().push(json!({
        "range": text::range_on_line(line0, line, s, e, ctx.enc), "newText": new_name,
    }));
    let mut texts: HashMap<String, Option<String>> = HashMap::new();
    for (path, link) in backlinks(t.folder, id) {
        let Some(f) = link.fragment.as_deref() else {
            continue;
        };
        if !anchor_matches(f, [h.slug.as_str()], []) {
            continue;
        }
        let source = texts
            .entry(path.clone())
            .or_insert_with(|| file_text(t.folder, &path));
        let Some(source) = source.as_deref() else {
            continue;
        };
        let l0 = link.line - 1;
        let line = text::line_text(source, l0);
        let (ls, le) = link_span(line, &link);
        let Some(hash) = line[ls..le].rfind('#').map(|i| ls + i + 1) else {
            continue;
        };
        let end = line[hash..le]
            .find([')', '`', '>', ' '])
            .map_or(le, |i| hash + i);
        edits.entry(path).or_default().push(json!({
            "range": text::range_on_line(l0, line, hash, end, ctx.enc), "newText": new_slug,
        }));
    }
    let changes: serde_json::Map<String, Value> = edits
        .into_iter()
        .map(|(path, list)| (t.folder.uri(&path).as_str().to_string(), Value::Array(list)))
        .collect();
    json!({ "changes": changes })
}

/// The workspace edit that moves documents `moves` (repo-relative from → to) and updates
/// every link to them, from the `mv` engine. `with_files` adds the file renames themselves
/// (a `textDocument/rename`); `willRenameFiles` leaves them to the client.
fn move_edit(
    _ctx: &Ctx<'_>,
    _folder: &Folder,
    _moves: &[(String, String)],
    _with_files: bool,
) -> Result<Value, Failure> {
    Err(Failure(
        ErrorCode::RequestFailed,
        "renaming a document needs the `mv` engine, which this build does not have yet; rename headings, or use `git mv` and fix links with the did-you-mean quick fix".into(),
    ))
}

pub fn will_rename(ctx: &Ctx<'_>, p: RenameFilesParams) -> Result<Value, Failure> {
    let mut by_folder: HashMap<usize, Vec<(String, String)>> = HashMap::new();
    for f in &p.files {
        let from = f.old_uri.parse().ok().and_then(|u| text::path_of(&u));
        let to = f.new_uri.parse().ok().and_then(|u| text::path_of(&u));
        let (Some(from), Some(to)) = (from, to) else {
            continue;
        };
        let (Some((i, a)), Some((j, b))) = (ctx.folders.locate(&from), ctx.folders.locate(&to))
        else {
            continue;
        };
        if i == j {
            by_folder.entry(i).or_default().push((a, b));
        }
    }
    // One folder per rename in practice; a rename across repositories edits nothing.
    match by_folder.into_iter().next() {
        Some((i, moves)) => move_edit(ctx, &ctx.folders.list[i], &moves, false),
        None => Ok(Value::Null),
    }
}

/// The link target to write for `suggestion` (a repo path, maybe `#slug`) in a link of
/// `doc` written like `link`: repo paths in code spans, relative paths elsewhere.
fn target_text(doc: &Document, link: &Link, suggestion: &str) -> String {
    let (path, fragment) = suggestion
        .split_once('#')
        .map_or((suggestion, None), |(p, f)| (p, Some(f)));
    if path == doc.path && link.target.starts_with('#') {
        return format!("#{}", fragment.unwrap_or(""));
    }
    let written = match link.syntax {
        LinkSyntax::CodeSpan => path.to_string(),
        _ => relpath::between(doc.path.rsplit_once('/').map_or("", |(d, _)| d), path),
    };
    match fragment {
        Some(f) => format!("{written}#{f}"),
        None => written,
    }
}

/// A document title from a file name: `redis-pool.md` → `Redis Pool`.
fn title_of(path: &str) -> String {
    let name = path.rsplit('/').next().unwrap_or(path);
    let stem = name.strip_suffix(".md").unwrap_or(name);
    stem.split(['-', '_', ' '])
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_uppercase().chain(c).collect::<String>())
                .unwrap_or_default()
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// The text of a new document at `path`: the template's skeleton (its first ```` ```markdown ````
/// block) with the title filled in, else a title and a Related Documents section; either way
/// listing the document that links to it.
fn new_document(folder: &Folder, path: &str, linked_from: &str) -> String {
    let title = title_of(path);
    let skeleton = folder
        .ws
        .corpus
        .template
        .as_ref()
        .and_then(|tpl| folder.text(&tpl.path))
        .and_then(|src| {
            let start = src.find("```markdown\n").or_else(|| src.find("```md\n"))?;
            let body = &src[start..];
            let body = &body[body.find('\n')? + 1..];
            Some(body[..body.find("\n```")? + 1].to_string())
        });
    match skeleton {
        Some(s) => {
            let mut out = String::new();
            for line in s.lines() {
                if line.starts_with("# ") {
                    out.push_str(&format!("# {title}\n"));
                } else {
                    out.push_str(line);
                    out.push('\n');
                }
            }
            out
        }
        None => format!("# {title}\n\n## Related Documents\n\n- `{linked_from}`\n"),
    }
}

/// Where to add a related item: the end of the Related Documents section (after its last
/// non-blank line), or a new section at the end of the file.
fn related_insertion(
    folder: &Folder,
    doc: &Document,
    source: &str,
    enc: Encoding,
    item: &str,
) -> (Value, String) {
    let lines: Vec<&str> = source.split('\n').collect();
    let section = doc
        .headings
        .iter()
        .position(|h| h.level <= 2 && is_related_heading(&h.text, &folder.ws.config.links));
    match section {
        Some(i) => {
            let start = doc.headings[i].line as usize; // 1-based heading line = index of the next line
            let end = doc.headings[i + 1..]
                .iter()
                .find(|h| h.level <= 2)
                .map_or(lines.len(), |h| h.line as usize - 1);
            let last = (start..end)
                .rev()
                .find(|&l| !lines[l].trim().is_empty())
                .unwrap_or(start - 1);
            let at = text::line_range(source, last as u32, enc).end;
            (json!({ "start": at, "end": at }), format!("\n{item}"))
        }
        None => {
            let last = lines.len().saturating_sub(1) as u32;
            let at = text::line_range(source, last, enc).end;
            let gap = if source.ends_with('\n') { "\n" } else { "\n\n" };
            (
                json!({ "start": at, "end": at }),
                format!("{gap}## Related Documents\n\n{item}\n"),
            )
        }
    }
}

pub fn code_actions(ctx: &Ctx<'_>, p: CodeActionParams) -> Result<Value, Failure> {
    let Some(t) = ctx.target(&p.text_document.uri) else {
        return Ok(json!([]));
    };
    let Some((id, doc)) = doc_of(&t) else {
        return Ok(json!([]));
    };
    let uri = p.text_document.uri.as_str().to_string();
    let corpus = &t.folder.ws.corpus;
    let (first, last) = (p.range.start.line + 1, p.range.end.line + 1);
    let mut actions = Vec::new();
    let mut suggester = Suggester::new(corpus);
    for link in doc
        .links
        .iter()
        .filter(|l| l.line >= first && l.line <= last)
    {
        let Some(reason) = link.broken_reason() else {
            continue;
        };
        let line0 = link.line - 1;
        let line = text::line_text(t.text, line0);
        let start = text::byte_of_char(line, link.column);
        let Some(i) = line[start..].find(link.target.as_str()) else {
            continue;
        };
        let range = text::range_on_line(
            line0,
            line,
            start + i,
            start + i + link.target.len(),
            ctx.enc,
        );
        for (n, s) in suggester.for_link(id, link).into_iter().enumerate() {
            let new = target_text(doc, link, &s);
            actions.push(json!({
                "title": format!("Did you mean `{new}`?"),
                "kind": "quickfix",
                "isPreferred": n == 0,
                "edit": { "changes": { uri.clone(): [{ "range": range, "newText": new }] } },
            }));
        }
        if reason == BrokenReason::Missing
            && ctx.client.resource_create
            && ctx.client.document_changes
            && let Some(path) = link.resolved.as_deref()
            && path.ends_with(".md")
            && corpus.doc_id(path).is_none()
        {
            let new_uri = t.folder.uri(path);
            let body = new_document(t.folder, path, &doc.path);
            actions.push(json!({
                "title": format!("Create `{path}` from the template"),
                "kind": "quickfix",
                "edit": { "documentChanges": [
                    { "kind": "create", "uri": new_uri, "options": { "ignoreIfExists": true } },
                    { "textDocument": { "uri": new_uri, "version": null }, "edits": [{
                        "range": { "start": { "line": 0, "character": 0 }, "end": { "line": 0, "character": 0 } },
                        "newText": body,
                    }]},
                ]},
            }));
        }
    }
    // Suggested related documents, where they belong: in the Related Documents section, on
    // the title, or for a finding about related links or orphans.
    let related_line = |l: u32| {
        doc.headings
            .iter()
            .rfind(|h| h.level <= 2 && h.line <= l)
            .is_some_and(|h| h.level == 1 || is_related_heading(&h.text, &t.folder.ws.config.links))
    };
    let asked = p.context.diagnostics.iter().any(|d| {
        matches!(&d.code, Some(lsp_types::NumberOrString::String(c)) if ["AD004", "AD005", "AD014"].contains(&c.as_str()))
    });
    if asked || related_line(first) {
        let ws = &t.folder.ws;
        let suggested = ws
            .with_search(|index| {
                crate::search::related::suggest(corpus, &ws.graph, index, id, false, 3)
            })
            .unwrap_or_default();
        for s in suggested {
            let d = corpus.doc(s.target);
            let item = format!("- `{}` — {}", d.path, d.display_title());
            let (range, new_text) = related_insertion(t.folder, doc, t.text, ctx.enc, &item);
            actions.push(json!({
                "title": format!("Add related document `{}` ({})", d.path, s.why()),
                "kind": "refactor",
                "edit": { "changes": { uri.clone(): [{ "range": range, "newText": new_text }] } },
            }));
        }
    }
    Ok(Value::Array(actions))
}
