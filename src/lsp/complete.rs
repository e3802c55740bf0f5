//! Completion: relative paths inside `](…)`, repository paths inside a backticked `docs/…`
//! span of a Related Documents list, heading slugs after `#`, and in an empty Related
//! Documents item the `suggest related` candidates first. Reads the corpus (documents,
//! titles, headings), the search index (related candidates) and, for files that are not
//! documents, the folder listing through `boundary::read`.

use lsp_types::CompletionParams;
use serde_json::{Value, json};

use super::navigate::{doc_of, first_paragraph};
use super::text;
use super::{Ctx, Failure, Target};
use crate::corpus::parse::is_related_heading;
use crate::corpus::{DocId, Document};
use crate::relpath;

/// At most this many items per answer; more are marked incomplete, so the client asks again
/// as the user types.
const MAX_ITEMS: usize = 200;

/// Where the cursor is, as completion sees it.
enum Spot<'l> {
    /// After `](`: what is typed since.
    Link(&'l str),
    /// Inside a backticked span of the Related Documents section: what is typed since `` ` ``.
    CodeSpan(&'l str),
    /// A Related Documents list item with nothing written yet.
    EmptyItem,
}

fn in_related_section(t: &Target<'_>, doc: Option<&Document>, line: u32) -> bool {
    let Some(doc) = doc else { return false };
    doc.headings
        .iter()
        .rfind(|h| h.level <= 2 && h.line <= line)
        .is_some_and(|h| is_related_heading(&h.text, &t.folder.ws.config.links))
}

fn spot<'l>(before: &'l str, related: bool, prefixes: &[String]) -> Option<Spot<'l>> {
    if before.matches('`').count() % 2 == 1 {
        let span = &before[before.rfind('`')? + 1..];
        let bare = span.strip_prefix("./").unwrap_or(span);
        let fits = prefixes
            .iter()
            .any(|p| bare.starts_with(p.as_str()) || p.starts_with(bare));
        return (fits && (related || !bare.is_empty())).then_some(Spot::CodeSpan(span));
    }
    if let Some(i) = before.rfind("](") {
        let typed = &before[i + 2..];
        if !typed.contains([')', ' ', '\t']) {
            return Some(Spot::Link(typed.trim_start_matches('<')));
        }
    }
    let item = before.trim();
    (related && matches!(item, "-" | "*" | "+" | "")).then_some(Spot::EmptyItem)
}

/// Whether the letters of `typed` appear in `candidate` in order (ignoring case).
fn fuzzy(typed: &str, candidate: &str) -> bool {
    let mut c = candidate.chars().flat_map(char::to_lowercase);
    typed
        .chars()
        .flat_map(char::to_lowercase)
        .all(|t| c.any(|x| x == t))
}

fn doc_item(
    d: &Document,
    insert: String,
    range: lsp_types::Range,
    sort: String,
    detail_path: bool,
) -> Value {
    json!({
        "label": if detail_path { d.display_title().to_string() } else { insert.clone() },
        "kind": 17,
        "detail": if detail_path { d.path.clone() } else { d.display_title().to_string() },
        "documentation": { "kind": "markdown", "value": first_paragraph(d) },
        "filterText": insert,
        "sortText": sort,
        "textEdit": { "range": range, "newText": insert },
    })
}

pub fn completion(ctx: &Ctx<'_>, p: CompletionParams) -> Result<Value, Failure> {
    let pos = p.text_document_position.position;
    let Some(t) = ctx.target(&p.text_document_position.text_document.uri) else {
        return Ok(Value::Null);
    };
    let doc = doc_of(&t);
    let line = text::line_text(t.text, pos.line);
    let at = text::byte_of_col(line, pos.character, ctx.enc);
    let before = &line[..at];
    let related = in_related_section(&t, doc.map(|(_, d)| d), pos.line + 1);
    let prefixes = &t.folder.ws.config.links.code_span_prefixes;
    let Some(spot) = spot(before, related, prefixes) else {
        return Ok(Value::Null);
    };
    let dir = t.rel.rsplit_once('/').map_or("", |(d, _)| d);
    let range_from =
        |typed: &str| text::range_on_line(pos.line, line, at - typed.len(), at, ctx.enc);
    let corpus = &t.folder.ws.corpus;
    let mut items: Vec<Value> = Vec::new();
    let mut incomplete = false;
    match spot {
        Spot::Link(typed) | Spot::CodeSpan(typed) if typed.contains('#') => {
            let (path, fragment) = typed.split_once('#').unwrap_or((typed, ""));
            let target = if path.is_empty() {
                doc.map(|(id, _)| id)
            } else if matches!(spot, Spot::CodeSpan(_)) {
                relpath::normalize(path.strip_prefix("./").unwrap_or(path))
                    .and_then(|p| corpus.doc_id(&p))
            } else {
                relpath::normalize(&format!("{dir}/{path}")).and_then(|p| corpus.doc_id(&p))
            };
            if let Some(id) = target {
                let range = range_from(fragment);
                for (i, h) in corpus.doc(id).headings.iter().enumerate() {
                    items.push(json!({
                        "label": format!("#{}", h.slug),
                        "kind": 18,
                        "detail": h.text,
                        "filterText": h.slug,
                        "sortText": format!("{i:05}"),
                        "textEdit": { "range": range, "newText": h.slug },
                    }));
                }
            }
        }
        Spot::Link(typed) => {
            let (typed_dir, rest) = typed.rsplit_once('/').map_or(("", typed), |(d, r)| (d, r));
            let range = range_from(typed);
            let mut found: Vec<(usize, String, DocId)> = Vec::new();
            for (id, d) in corpus.docs.iter().enumerate() {
                if d.path == t.rel {
                    continue;
                }
                let rel = relpath::between(dir, &d.path);
                let (rel_dir, name) = rel
                    .rsplit_once('/')
                    .map_or(("", rel.as_str()), |(a, b)| (a, b));
                if rel_dir.starts_with(typed_dir) && fuzzy(rest, name) {
                    found.push((rel.matches("../").count(), rel, id));
                }
            }
            found.sort();
            incomplete = found.len() > MAX_ITEMS;
            for (i, (_, rel, id)) in found.into_iter().take(MAX_ITEMS).enumerate() {
                items.push(doc_item(
                    corpus.doc(id),
                    rel,
                    range,
                    format!("1{i:05}"),
                    false,
                ));
            }
            // Files that are not documents (images, code, folders) in the folder typed so far.
            if let Some(folder) = relpath::normalize(&format!("{dir}/{typed_dir}")) {
                let abs = t.folder.repo.join(&folder);
                let entries = if crate::boundary::read::lies_in(&abs, &t.folder.repo) {
                    crate::boundary::read::entries(&abs).unwrap_or_default()
                } else {
                    Vec::new()
                };
                let prefix = if typed_dir.is_empty() {
                    String::new()
                } else {
                    format!("{typed_dir}/")
                };
                for (name, meta) in entries {
                    if name.starts_with('.') || name.ends_with(".md") || !fuzzy(rest, &name) {
                        continue;
                    }
                    let is_dir = meta.is_dir();
                    let insert = format!("{prefix}{name}{}", if is_dir { "/" } else { "" });
                    items.push(json!({
                        "label": insert,
                        "kind": if is_dir { 19 } else { 17 },
                        "filterText": insert,
                        "sortText": format!("2{name}"),
                        "textEdit": { "range": range, "newText": insert },
                    }));
                }
            }
        }
        Spot::CodeSpan(typed) => {
            let range = range_from(typed);
            let bare = typed.strip_prefix("./").unwrap_or(typed);
            let mut n = 0;
            for d in &corpus.docs {
                if d.path == t.rel || !(d.path.starts_with(bare) || fuzzy(bare, &d.path)) {
                    continue;
                }
                if n == MAX_ITEMS {
                    incomplete = true;
                    break;
                }
                items.push(doc_item(
                    d,
                    d.path.clone(),
                    range,
                    format!("1{}", d.path),
                    true,
                ));
                n += 1;
            }
        }
        Spot::EmptyItem => {
            let marker = before.trim_end();
            let start = if marker.is_empty() {
                at
            } else {
                marker.len() + usize::from(before.len() > marker.len())
            };
            let range = text::range_on_line(pos.line, line, start.min(at), at, ctx.enc);
            let lead = if marker.is_empty() {
                "- "
            } else if before.len() > marker.len() {
                ""
            } else {
                " "
            };
            let mut offered: Vec<DocId> = Vec::new();
            if let Some((id, me)) = doc {
                let ws = &t.folder.ws;
                let suggested = ws
                    .with_search(|index| {
                        crate::search::related::suggest(corpus, ws.graph(), index, id, false, 10)
                    })
                    .unwrap_or_default();
                for (i, s) in suggested.iter().enumerate() {
                    let d = corpus.doc(s.target);
                    let mut item = doc_item(
                        d,
                        format!("{lead}`{}`", d.path),
                        range,
                        format!("0{i:03}"),
                        true,
                    );
                    item["detail"] = json!(format!("suggested: {} ({})", d.path, s.why()));
                    items.push(item);
                    offered.push(s.target);
                }
                let linked: Vec<DocId> = me.links.iter().filter_map(|l| l.to_doc).collect();
                let mut n = 0;
                for (other, d) in corpus.docs.iter().enumerate() {
                    if other == id || offered.contains(&other) || linked.contains(&other) {
                        continue;
                    }
                    if n == MAX_ITEMS {
                        incomplete = true;
                        break;
                    }
                    items.push(doc_item(
                        d,
                        format!("{lead}`{}`", d.path),
                        range,
                        format!("1{}", d.path),
                        true,
                    ));
                    n += 1;
                }
            }
        }
    }
    Ok(json!({ "isIncomplete": incomplete, "items": items }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spots() {
        let p = vec!["docs/".to_string()];
        assert!(matches!(
            spot("see [x](../a", false, &p),
            Some(Spot::Link("../a"))
        ));
        assert!(spot("see [x](a.md) and", false, &p).is_none());
        assert!(matches!(
            spot("- `docs/at", true, &p),
            Some(Spot::CodeSpan("docs/at"))
        ));
        assert!(matches!(spot("- `", true, &p), Some(Spot::CodeSpan(""))));
        assert!(spot("- `", false, &p).is_none());
        assert!(spot("run `cargo", true, &p).is_none());
        assert!(matches!(spot("- ", true, &p), Some(Spot::EmptyItem)));
        assert!(spot("- ", false, &p).is_none());
    }

    #[test]
    fn relative_links() {
        assert_eq!(relpath::between("docs/a", "docs/a/x.md"), "x.md");
        assert_eq!(relpath::between("docs/a", "docs/b/y.md"), "../b/y.md");
        assert_eq!(relpath::between("", "docs/b/y.md"), "docs/b/y.md");
        assert_eq!(relpath::between("docs/a/b", "docs/z.md"), "../../z.md");
        assert!(fuzzy("rbt", "rabbitmq.md") && !fuzzy("zz", "rabbit"));
    }
}
