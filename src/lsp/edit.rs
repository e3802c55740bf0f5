//! Edits the server proposes: renames (a heading and the fragments pointing at it; a
//! document and every link to it, from the `mv` engine), and code actions (a did-you-mean
//! fix, a suggested related document, the missing document created from the template).
//! Every edit is a `WorkspaceEdit` the client applies; the server writes nothing.

use std::cell::RefCell;
use std::collections::HashMap;

use lsp_server::ErrorCode;
use lsp_types::{
    CodeActionParams, Position, RenameFilesParams, RenameParams, TextDocumentPositionParams,
};
use serde_json::{Value, json};

use super::navigate::{doc_of, link_at};
use super::state::Folder;
use super::text::{self, Encoding};
use super::{Ctx, Failure, Target};
use crate::corpus::parse::is_related_heading;
use crate::corpus::{BrokenReason, Document, Heading, LinkOrigin};
use crate::refactor::{self, Plan, RefactorError};
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
    let Some((_, doc)) = doc_of(&t) else {
        return Ok(Value::Null);
    };
    let texts = Texts::new(ctx, t.folder);
    match renaming(ctx, &t, doc, position) {
        Some((Renaming::Heading(h), _)) => {
            let corpus = &t.folder.ws.corpus;
            let plan = refactor::plan_heading_rename(corpus, &texts, &t.rel, &h.slug, &p.new_name)
                .map_err(refused)?;
            Ok(workspace_edit(ctx, t.folder, &texts, &plan, false))
        }
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
            if !(ctx.client.resource_rename && ctx.client.document_changes) {
                return Err(Failure(
                    ErrorCode::RequestFailed,
                    "this editor cannot rename files for a language server; rename the file in its file explorer (the links follow through willRenameFiles)".into(),
                ));
            }
            let plan =
                refactor::plan_move(&t.folder.ws.corpus, &texts, &path, &to).map_err(refused)?;
            Ok(workspace_edit(ctx, t.folder, &texts, &plan, true))
        }
        None => Err(invalid(
            "nothing to rename here: put the cursor on a heading or a link to a document",
        )),
    }
}

/// A refactoring that cannot be planned, as an error answer saying why.
fn refused(e: RefactorError) -> Failure {
    Failure(ErrorCode::RequestFailed, e.to_string())
}

/// The files a plan reads: an editor's buffer when open, else the file as it is on disk
/// (through the boundary), each read once and kept for turning the plan into positions.
struct Texts<'a> {
    ctx: &'a Ctx<'a>,
    folder: &'a Folder,
    read: RefCell<HashMap<String, String>>,
}

impl<'a> Texts<'a> {
    fn new(ctx: &'a Ctx<'a>, folder: &'a Folder) -> Texts<'a> {
        Texts {
            ctx,
            folder,
            read: RefCell::new(HashMap::new()),
        }
    }
}

impl refactor::Sources for Texts<'_> {
    fn text(&self, path: &str) -> Result<String, String> {
        if let Some(t) = self.read.borrow().get(path) {
            return Ok(t.clone());
        }
        let text = match self.ctx.docs.get(&self.folder.repo.join(path)) {
            Some((_, open)) => open.clone(),
            None => {
                let (files, warnings) = crate::corpus::scan::read_all_with(
                    &self.folder.repo,
                    vec![path.to_string()],
                    &self.folder.ws.config.limits,
                );
                match files.into_iter().next() {
                    Some(f) => f.text,
                    None => {
                        let why = warnings.first().map(|w| w.message.clone());
                        return Err(why.unwrap_or_else(|| "cannot read it".into()));
                    }
                }
            }
        };
        self.read
            .borrow_mut()
            .insert(path.to_string(), text.clone());
        Ok(text)
    }
}

/// A plan as a `WorkspaceEdit`: each file's text edits (at the positions the plan gives, in
/// the client's encoding) and, with `with_files`, the renames themselves after them.
fn workspace_edit(
    ctx: &Ctx<'_>,
    folder: &Folder,
    texts: &Texts<'_>,
    plan: &Plan,
    with_files: bool,
) -> Value {
    let read = texts.read.borrow();
    let position = |text: &str, p: refactor::Pos| {
        let line = p.line.saturating_sub(1);
        let character = text::col_of_char(text::line_text(text, line), p.column, ctx.enc);
        json!({ "line": line, "character": character })
    };
    let mut per_file = Vec::new();
    for f in &plan.edits {
        let source = read
            .get(&f.path)
            .map_or("", |t| crate::corpus::parse::strip_bom(t));
        let edits: Vec<Value> = f
            .edits
            .iter()
            .map(|e| json!({ "range": { "start": position(source, e.start), "end": position(source, e.end) }, "newText": e.new_text }))
            .collect();
        per_file.push((folder.uri(&f.path), edits));
    }
    if !with_files && !ctx.client.document_changes {
        let changes: serde_json::Map<String, Value> = per_file
            .into_iter()
            .map(|(uri, edits)| (uri.as_str().to_string(), Value::Array(edits)))
            .collect();
        return json!({ "changes": changes });
    }
    let mut changes: Vec<Value> = per_file
        .into_iter()
        .map(|(uri, edits)| json!({ "textDocument": { "uri": uri, "version": null }, "edits": edits }))
        .collect();
    if with_files {
        for m in &plan.moves {
            changes.push(json!({ "kind": "rename", "oldUri": folder.uri(&m.from), "newUri": folder.uri(&m.to) }));
        }
    }
    json!({ "documentChanges": changes })
}

/// The edit that updates every link to the documents `moves` (repo-relative from → to)
/// before the client renames them (`workspace/willRenameFiles`), from the `mv` engine.
fn move_edits(
    ctx: &Ctx<'_>,
    folder: &Folder,
    moves: &[(String, String)],
) -> Result<Value, Failure> {
    let texts = Texts::new(ctx, folder);
    let corpus = &folder.ws.corpus;
    let mut all = Plan::default();
    for (from, to) in moves {
        // Documents and folders of documents move links; other files are the client's.
        let prefix = format!("{from}/");
        let names_docs = corpus.doc_id(from).is_some()
            || corpus.docs.iter().any(|d| d.path.starts_with(&prefix));
        if !names_docs {
            continue;
        }
        let plan = refactor::plan_move(corpus, &texts, from, to).map_err(refused)?;
        all.edits.extend(plan.edits);
    }
    if all.edits.is_empty() {
        return Ok(Value::Null);
    }
    Ok(workspace_edit(ctx, folder, &texts, &all, false))
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
        Some((i, moves)) => move_edits(ctx, &ctx.folders.list[i], &moves),
        None => Ok(Value::Null),
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
    let texts = Texts::new(ctx, t.folder);
    for (index, link) in doc.links.iter().enumerate() {
        if link.line < first || link.line > last {
            continue;
        }
        let Some(reason) = link.broken_reason() else {
            continue;
        };
        for (n, s) in suggester.for_link(id, link).into_iter().enumerate() {
            let (path, fragment) = s
                .split_once('#')
                .map_or((s.as_str(), None), |(p, f)| (p, Some(f)));
            let same_target = link.resolved.as_deref() == Some(path);
            let plan = refactor::plan_link_fix(
                corpus,
                &texts,
                LinkOrigin::Doc(id),
                index,
                (!same_target).then_some(path),
                fragment,
            );
            let Ok(plan) = plan else {
                continue;
            };
            let written: Vec<&str> = plan
                .edits
                .iter()
                .flat_map(|f| &f.edits)
                .map(|e| e.new_text.as_str())
                .collect();
            actions.push(json!({
                "title": format!("Did you mean `{}`?", written.join("")),
                "kind": "quickfix",
                "isPreferred": n == 0,
                "edit": workspace_edit(ctx, t.folder, &texts, &plan, false),
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
                crate::search::related::suggest(corpus, ws.graph(), index, id, false, 3)
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
