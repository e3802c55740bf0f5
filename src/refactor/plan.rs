//! The in-memory plan of a refactoring: which files move and which bytes of which files
//! change. Pure: the corpus says where every link's destination is written
//! ([`crate::corpus::Span`]) and what it resolves to; [`Sources`] gives the files' current
//! text. Nothing here reads or writes a file.
//!
//! A link is rewritten in its own style:
//!
//! - a relative Markdown link (and an mdBook directive) is recomputed from its file's new
//!   folder to its target's new path, keeping a leading `./`, a trailing `/`, an mdBook
//!   `.html` page name;
//! - a code-span path (`` `docs/atomic/x.md` ``) stays repo-relative, a `/…` link
//!   root-relative: they change only when their target moves;
//! - the `?query`, `#fragment`, title, angle brackets and reference definition stay as
//!   written; a path that was percent-encoded is encoded again (a space is always `%20`
//!   outside angle brackets).
//!
//! Must not: read or write files, print.

use std::collections::{BTreeMap, HashMap};
use std::ops::Range;

use serde::{Deserialize, Serialize};

use crate::config::LinksConfig;
use crate::corpus::lines::LineIndex;
use crate::corpus::parse::{parse, strip_bom};
use crate::corpus::{Corpus, Link, LinkOrigin, LinkStatus, LinkSyntax, links::BrokenReason};

/// The current text of the files a plan reads: the CLI reads them through `boundary::read`,
/// a language server gives its editors' buffers.
pub trait Sources {
    /// The exact text of the file at the repo-relative `path` — BOM and line ends as they
    /// are — or why it cannot be had.
    fn text(&self, path: &str) -> Result<String, String>;
}

impl Sources for HashMap<String, String> {
    fn text(&self, path: &str) -> Result<String, String> {
        self.get(path)
            .cloned()
            .ok_or_else(|| "it is not among the files given".to_string())
    }
}

/// A whole change: files moved and text edits, each file's edits made against the text whose
/// hash it records.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Plan {
    /// Renames, in order (one for a whole folder).
    pub moves: Vec<Move>,
    /// The files whose text changes, by their path before the moves, sorted by path.
    pub edits: Vec<FileEdit>,
    /// Files the plan relies on without editing them (documents moved as they are): they must
    /// still hold this text when the plan is carried out.
    pub checks: Vec<FileState>,
}

impl Plan {
    /// Number of links rewritten (a reference definition counts once).
    pub fn links(&self) -> usize {
        self.edits.iter().map(|f| f.edits.len()).sum()
    }

    /// Whether the plan changes nothing.
    pub fn is_empty(&self) -> bool {
        self.moves.is_empty() && self.edits.is_empty()
    }

    /// Where a path (repo-relative) is after the plan's moves.
    pub fn moved(&self, path: &str) -> String {
        self.moves.iter().fold(path.to_string(), |p, m| {
            map_path(&p, &m.from, &m.to).unwrap_or(p)
        })
    }
}

/// One rename: a file, or a folder with everything in it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Move {
    pub from: String,
    pub to: String,
    pub folder: bool,
}

/// The edits of one file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileEdit {
    /// Repo-relative path before the plan's moves.
    pub path: String,
    /// blake3 (hex) of the text the edits were made against.
    pub original_hash: String,
    /// Non-overlapping edits, sorted by range.
    pub edits: Vec<TextEdit>,
}

impl FileEdit {
    /// The text after the edits, from the text they were made against.
    pub fn apply(&self, original: &str) -> String {
        let mut out = String::with_capacity(original.len());
        let mut at = 0;
        for e in &self.edits {
            out.push_str(&original[at..e.range.start]);
            out.push_str(&e.new_text);
            at = e.range.end;
        }
        out.push_str(&original[at..]);
        out
    }
}

/// A file's path and the hash of the text it must hold.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileState {
    pub path: String,
    pub hash: String,
}

/// One replacement in a file's text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TextEdit {
    /// Bytes of the file's text (a BOM counted) replaced.
    pub range: Range<usize>,
    /// Where the range starts and ends, in the text without its BOM.
    pub start: Pos,
    pub end: Pos,
    pub old_text: String,
    pub new_text: String,
}

/// A 1-based line and a 1-based column counted in characters (of the text without its BOM).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pos {
    pub line: u32,
    pub column: u32,
}

/// Why a refactoring cannot be planned.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RefactorError {
    /// `atomdoc mv docs/atomic/nope.md x.md`
    #[error(
        "`{path}` is neither a document nor a folder of documents of the docs tree; name one (`atomdoc query docs` lists them)"
    )]
    NotFound { path: String },
    /// `atomdoc mv docs/atomic/TEMPLATE.md x.md`
    #[error("`{path}` is the template; it holds the tree's rules and stays where it is")]
    Template { path: String },
    /// `atomdoc mv docs/atomic/a.md ../a.md`, or the docs root itself
    #[error("`{path}` is not inside the docs root `{root}`; refactoring stays inside it")]
    OutsideRoot { path: String, root: String },
    /// `atomdoc mv a.md b.md` when `b.md` exists
    #[error("`{path}` already exists; choose another destination (or move it away first)")]
    Exists { path: String },
    /// `atomdoc mv docs/atomic/cat docs/atomic/cat/sub`
    #[error("cannot move `{from}` into itself (`{to}`)")]
    IntoItself { from: String, to: String },
    /// A file whose links must change cannot be read (or is not UTF-8).
    #[error("cannot rewrite `{path}`: {why}")]
    Unreadable { path: String, why: String },
    /// The file's text no longer holds the link where the tree was read.
    #[error(
        "{path}:{line}:{column}: the file changed since the tree was read; run the command again"
    )]
    Stale {
        path: String,
        line: u32,
        column: u32,
    },
    /// A file whose links were cut by `[limits] max_links_per_file`.
    #[error(
        "`{path}` has more links than `max_links_per_file`, so some would be left unrewritten; raise it under [limits] in atomdoc.toml"
    )]
    Capped { path: String },
    /// `plan_heading_rename` of a slug the document does not have
    #[error("`{path}` has no heading `#{slug}`")]
    NoHeading { path: String, slug: String },
    /// A heading written in a way that cannot be renamed in place (setext over several lines).
    #[error("{path}:{line}: cannot rename this heading in place; edit it by hand")]
    HeadingForm { path: String, line: u32 },
    /// `plan_link_fix` of a link that does not exist or has no recorded position
    #[error("`{path}` has no link number {index} that atomdoc can rewrite")]
    NoLink { path: String, index: usize },
}

/// `path` after moving `from` to `to`: `to` itself, or the same place under `to` when `path`
/// lies in the folder `from`; `None` when the move does not touch it.
pub fn map_path(path: &str, from: &str, to: &str) -> Option<String> {
    if path == from {
        return Some(to.to_string());
    }
    let rest = path.strip_prefix(from)?.strip_prefix('/')?;
    Some(format!("{to}/{rest}"))
}

/// Whether `path` lies strictly inside the folder `dir` ("" is the repository).
fn inside(path: &str, dir: &str) -> bool {
    dir.is_empty() && !path.is_empty()
        || path
            .strip_prefix(dir)
            .is_some_and(|rest| rest.len() > 1 && rest.starts_with('/'))
}

/// Plans moving the document or folder `from` to `to` (repo-relative paths, `to` the final
/// name, not a folder to move into): the move, and every link it changes — links to the moved
/// files from every document, referrer and the template, and links inside the moved files to
/// everything else. Checks against the corpus only; the caller checks the disk (`to` free,
/// no symlink on the way).
pub fn plan_move(
    corpus: &Corpus,
    sources: &dyn Sources,
    from: &str,
    to: &str,
) -> Result<Plan, RefactorError> {
    let root = corpus.root.as_str();
    if corpus.template.as_ref().is_some_and(|t| t.path == from) {
        return Err(RefactorError::Template { path: from.into() });
    }
    for path in [from, to] {
        if !inside(path, root) {
            return Err(RefactorError::OutsideRoot {
                path: path.into(),
                root: root.into(),
            });
        }
    }
    if to == from || inside(to, from) {
        return Err(RefactorError::IntoItself {
            from: from.into(),
            to: to.into(),
        });
    }
    let folder = corpus.doc_id(from).is_none();
    let moved: Vec<usize> = (0..corpus.docs.len())
        .filter(|&id| map_path(&corpus.docs[id].path, from, to).is_some())
        .collect();
    if moved.is_empty() {
        return Err(RefactorError::NotFound { path: from.into() });
    }
    if corpus.doc_id(to).is_some() || corpus.docs.iter().any(|d| inside(&d.path, to)) {
        return Err(RefactorError::Exists { path: to.into() });
    }
    if let Some(d) = corpus.docs.iter().find(|d| d.links_dropped > 0) {
        return Err(RefactorError::Capped {
            path: d.path.clone(),
        });
    }
    let mut planned = Planned::default();
    for (origin_path, _, links) in origins(corpus) {
        let new_from = map_path(origin_path, from, to);
        for link in links {
            let Some(target) = rewritable(link) else {
                continue;
            };
            let new_target = map_path(target, from, to);
            if new_from.is_none() && new_target.is_none() {
                continue;
            }
            if folder && new_from.is_some() && new_target.is_some() {
                // Both inside the moved folder: a relative link still holds as written.
                planned.respell(
                    origin_path,
                    link,
                    Respell {
                        target: Some((
                            new_from.clone().unwrap_or_default(),
                            new_target.clone().unwrap_or_default(),
                        )),
                        fragment: None,
                        keep_rooted: false,
                        keep_relative: true,
                    },
                );
                continue;
            }
            let new_from = new_from.as_deref().unwrap_or(origin_path);
            let new_target = new_target.as_deref().unwrap_or(target);
            let from_root = matches!(link.syntax, LinkSyntax::CodeSpan);
            if from_root && new_target == target {
                continue;
            }
            planned.respell(
                origin_path,
                link,
                Respell {
                    target: Some((new_from.to_string(), new_target.to_string())),
                    fragment: None,
                    keep_rooted: new_target == target,
                    keep_relative: false,
                },
            );
        }
    }
    let mut plan = planned.finish(sources)?;
    for &id in &moved {
        let path = &corpus.docs[id].path;
        if plan.edits.iter().all(|e| &e.path != path) {
            let text = read(sources, path)?;
            plan.checks.push(FileState {
                path: path.clone(),
                hash: hash(&text),
            });
        }
    }
    plan.moves.push(Move {
        from: from.into(),
        to: to.into(),
        folder,
    });
    Ok(plan)
}

/// Plans renaming the heading `slug` of the document `path` to `title`: the heading's text,
/// and every fragment (from any document, referrer or the document itself) naming a heading
/// whose anchor the rename changes — the heading itself, and repeats renumbered by it.
pub fn plan_heading_rename(
    corpus: &Corpus,
    sources: &dyn Sources,
    path: &str,
    slug: &str,
    title: &str,
) -> Result<Plan, RefactorError> {
    let no_heading = || RefactorError::NoHeading {
        path: path.into(),
        slug: slug.into(),
    };
    let doc = corpus.doc(corpus.doc_id(path).ok_or_else(no_heading)?);
    let index = doc
        .headings
        .iter()
        .position(|h| h.slug.eq_ignore_ascii_case(slug))
        .ok_or_else(no_heading)?;
    let text = read(sources, path)?;
    let bom = text.len() - strip_bom(&text).len();
    let line = doc.headings[index].line;
    let range = heading_text(strip_bom(&text), line).ok_or(RefactorError::HeadingForm {
        path: path.into(),
        line,
    })?;
    let range = range.start + bom..range.end + bom;
    let mut renamed = text.clone();
    renamed.replace_range(range.clone(), title);
    let links = LinksConfig {
        site: corpus.site.clone(),
        ..LinksConfig::default()
    };
    let before = parse(&text, &links).headings;
    let after = parse(&renamed, &links).headings;
    if before.len() != after.len() {
        return Err(RefactorError::HeadingForm {
            path: path.into(),
            line,
        });
    }
    let renames: HashMap<String, String> = before
        .iter()
        .zip(&after)
        .filter(|(b, a)| b.slug != a.slug)
        .map(|(b, a)| (b.slug.to_lowercase(), a.slug.clone()))
        .collect();
    let mut planned = Planned::default();
    planned.add(path, range, title.to_string());
    for (origin_path, _, links) in origins(corpus) {
        for link in links {
            let (Some(resolved), Some(fragment)) = (link.resolved.as_deref(), &link.fragment)
            else {
                continue;
            };
            if resolved != path || matches!(link.status, LinkStatus::External) {
                continue;
            }
            if let Some(new) = renames.get(&fragment.to_lowercase()) {
                planned.respell(
                    origin_path,
                    link,
                    Respell {
                        target: None,
                        fragment: Some(new.clone()),
                        keep_rooted: false,
                        keep_relative: false,
                    },
                );
            }
        }
    }
    planned.finish(sources)
}

/// Plans fixing link `index` of `origin`: pointing it at `path` (repo-relative, in the link's
/// own style) and/or at the heading `fragment`.
pub fn plan_link_fix(
    corpus: &Corpus,
    sources: &dyn Sources,
    origin: LinkOrigin,
    index: usize,
    path: Option<&str>,
    fragment: Option<&str>,
) -> Result<Plan, RefactorError> {
    let origin_path = corpus.origin_path(origin);
    let links = match origin {
        LinkOrigin::Doc(d) => &corpus.docs[d].links,
        LinkOrigin::Referrer(r) => &corpus.referrers[r].links,
    };
    let no_link = || RefactorError::NoLink {
        path: origin_path.into(),
        index,
    };
    let link = links.get(index).ok_or_else(no_link)?;
    if link.dest.is_none() || matches!(link.status, LinkStatus::External) {
        return Err(no_link());
    }
    let mut planned = Planned::default();
    planned.respell(
        origin_path,
        link,
        Respell {
            target: path.map(|p| (origin_path.to_string(), p.to_string())),
            fragment: fragment.map(str::to_string),
            keep_rooted: false,
            keep_relative: false,
        },
    );
    planned.finish(sources)
}

/// Every file whose links the corpus holds: documents, the template, referrers.
fn origins(corpus: &Corpus) -> impl Iterator<Item = (&str, Option<LinkOrigin>, &[Link])> {
    let docs = corpus.docs.iter().enumerate().map(|(i, d)| {
        (
            d.path.as_str(),
            Some(LinkOrigin::Doc(i)),
            d.links.as_slice(),
        )
    });
    let template = corpus
        .template
        .iter()
        .map(|t| (t.path.as_str(), None, t.links.as_slice()));
    let referrers = corpus.referrers.iter().enumerate().map(|(i, r)| {
        (
            r.path.as_str(),
            Some(LinkOrigin::Referrer(i)),
            r.links.as_slice(),
        )
    });
    docs.chain(template).chain(referrers)
}

/// The path a link resolves to, when rewriting it can keep it pointing there: not external,
/// not outside the repository, not a placeholder, with a recorded position.
fn rewritable(link: &Link) -> Option<&str> {
    match link.status {
        LinkStatus::External
        | LinkStatus::Broken(BrokenReason::Outside | BrokenReason::Placeholder) => None,
        _ if link.dest.is_none() || link.syntax == LinkSyntax::Autolink => None,
        _ => link.resolved.as_deref(),
    }
}

/// A destination as written, split: path, then `?query#fragment` (a code span: `#fragment`).
struct Written<'a> {
    syntax: LinkSyntax,
    /// Written between `<` and `>`.
    angle: bool,
    path: &'a str,
    suffix: &'a str,
}

impl<'a> Written<'a> {
    fn parse(text: &'a str, syntax: LinkSyntax, angle: bool) -> Written<'a> {
        let cut = match syntax {
            LinkSyntax::CodeSpan => text.find('#'),
            _ => text.find(['?', '#']),
        }
        .unwrap_or(text.len());
        Written {
            syntax,
            angle,
            path: &text[..cut],
            suffix: &text[cut..],
        }
    }

    fn text(&self) -> String {
        format!("{}{}", self.path, self.suffix)
    }

    /// The same destination pointing at `target` from the file `from` (both repo-relative),
    /// in the written style.
    fn with_target(&self, from: &str, target: &str) -> String {
        let path = if self.syntax == LinkSyntax::CodeSpan {
            let dot = if self.path.starts_with("./") {
                "./"
            } else {
                ""
            };
            return format!("{dot}{target}{}", self.suffix);
        } else if self.path.starts_with('/') {
            format!("/{}", self.encode(&self.page(target)))
        } else {
            let dir = from.rsplit_once('/').map_or("", |(d, _)| d);
            let mut rel = relative(dir, &self.page(target));
            if self.path.ends_with('/') && !rel.ends_with('/') {
                rel.push('/');
            }
            if self.path.starts_with("./") && !rel.starts_with("../") && !rel.starts_with("./") {
                rel.insert_str(0, "./");
            }
            self.encode(&rel)
        };
        format!("{path}{}", self.suffix)
    }

    /// The same destination with its fragment replaced by `fragment`.
    fn with_fragment(&self, fragment: &str) -> String {
        let query = self.suffix.split('#').next().unwrap_or("");
        format!("{}{query}#{fragment}", self.path)
    }

    /// The target as the link names it: an mdBook page written `x.html` stays a page name.
    fn page(&self, target: &str) -> String {
        let decoded = percent_encoding::percent_decode_str(self.path).decode_utf8_lossy();
        match target.strip_suffix(".md") {
            Some(stem) if decoded.ends_with(".html") => format!("{stem}.html"),
            _ => target.to_string(),
        }
    }

    /// A path spelled for this destination: raw between angle brackets; otherwise spaces,
    /// `#`, `?`, `<`, `>` percent-encoded, and — when the original was percent-encoded —
    /// `%` and non-ASCII characters too.
    fn encode(&self, path: &str) -> String {
        if self.angle {
            return path.to_string();
        }
        let encoded = self.path.contains('%');
        let mut out = String::with_capacity(path.len());
        for c in path.chars() {
            let escape =
                matches!(c, ' ' | '#' | '?' | '<' | '>') || encoded && (c == '%' || !c.is_ascii());
            if escape {
                let mut buf = [0u8; 4];
                for b in c.encode_utf8(&mut buf).bytes() {
                    out.push_str(&format!("%{b:02X}"));
                }
            } else {
                out.push(c);
            }
        }
        out
    }
}

/// The relative path from the folder `dir` to `target` (both repo-relative).
fn relative(dir: &str, target: &str) -> String {
    let from: Vec<&str> = dir.split('/').filter(|s| !s.is_empty()).collect();
    let to: Vec<&str> = target.split('/').filter(|s| !s.is_empty()).collect();
    let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let mut parts: Vec<&str> = vec![".."; from.len() - common];
    parts.extend(&to[common..]);
    if parts.is_empty() {
        "./".to_string()
    } else {
        parts.join("/")
    }
}

/// Edits gathered per file before the files are read.
#[derive(Default)]
struct Planned {
    /// By file: the edits (range → new text), and for checking, which link each came from.
    files: BTreeMap<String, Vec<Pending>>,
}

struct Pending {
    range: Range<usize>,
    change: Change,
}

enum Change {
    /// Replace the text.
    Text(String),
    /// Respell a link's destination; the link as parsed (target, syntax, line, column) is
    /// checked against the file's text first.
    Link {
        target: String,
        syntax: LinkSyntax,
        line: u32,
        column: u32,
        respell: Respell,
    },
}

/// How a link's destination changes.
struct Respell {
    /// Point it at a new target (repo-relative) from its file's new path: (file, target).
    target: Option<(String, String)>,
    /// Name this fragment.
    fragment: Option<String>,
    /// Leave a root-relative (`/…`) destination as it is: its target did not move.
    keep_rooted: bool,
    /// Leave a relative destination as it is: the file and its target moved together.
    keep_relative: bool,
}

impl Respell {
    fn apply(&self, w: Written) -> Option<String> {
        if self.keep_rooted && w.path.starts_with('/') {
            return None;
        }
        let relative = !w.path.starts_with('/') && w.syntax != LinkSyntax::CodeSpan;
        if self.keep_relative && relative {
            return None;
        }
        if self.target.is_some() && w.path.is_empty() {
            // `#fragment` alone (or `?query`): the file itself, wherever it goes.
            return None;
        }
        let retargeted;
        let w = match &self.target {
            Some((from, target)) => {
                retargeted = w.with_target(from, target);
                Written::parse(&retargeted, w.syntax, w.angle)
            }
            None => w,
        };
        Some(match &self.fragment {
            Some(f) => w.with_fragment(f),
            None => w.text(),
        })
    }
}

impl Planned {
    fn add(&mut self, path: &str, range: Range<usize>, new_text: String) {
        self.files.entry(path.into()).or_default().push(Pending {
            range,
            change: Change::Text(new_text),
        });
    }

    fn respell(&mut self, path: &str, link: &Link, respell: Respell) {
        let Some(span) = link.dest else { return };
        self.files.entry(path.into()).or_default().push(Pending {
            range: span.range(),
            change: Change::Link {
                target: link.target.clone(),
                syntax: link.syntax,
                line: link.line,
                column: link.column,
                respell,
            },
        });
    }

    /// Reads each file once, checks every link is still where it was parsed, and builds the
    /// edits (identical edits of one place — a reference definition used twice — kept once).
    fn finish(self, sources: &dyn Sources) -> Result<Plan, RefactorError> {
        let mut plan = Plan::default();
        for (path, pending) in self.files {
            let text = read(sources, &path)?;
            let mut edits: BTreeMap<(usize, usize), String> = BTreeMap::new();
            for p in pending {
                let (line, column) = match &p.change {
                    Change::Link { line, column, .. } => (*line, *column),
                    Change::Text(_) => (0, 0),
                };
                let stale = || RefactorError::Stale {
                    path: path.clone(),
                    line,
                    column,
                };
                let written = text.get(p.range.clone()).ok_or_else(stale)?;
                let new = match &p.change {
                    Change::Text(new) => new.clone(),
                    Change::Link {
                        target,
                        syntax,
                        respell,
                        ..
                    } => {
                        if !same_destination(written, target, *syntax) {
                            return Err(stale());
                        }
                        let angle = p.range.start > 0
                            && text.as_bytes()[p.range.start - 1] == b'<'
                            && text.as_bytes().get(p.range.end) == Some(&b'>');
                        match respell.apply(Written::parse(written, *syntax, angle)) {
                            Some(new) => new,
                            None => continue,
                        }
                    }
                };
                if new != written {
                    edits.insert((p.range.start, p.range.end), new);
                }
            }
            if edits.is_empty() {
                continue;
            }
            let bom = text.len() - strip_bom(&text).len();
            let lines = LineIndex::new(strip_bom(&text));
            let pos = |offset: usize| {
                let (line, column) = lines.line_col(offset.saturating_sub(bom));
                Pos { line, column }
            };
            let mut out: Vec<TextEdit> = Vec::new();
            for ((start, end), new_text) in edits {
                if out.last().is_some_and(|last| last.range.end > start) {
                    // Two different edits of overlapping text: only a heading rename whose
                    // heading holds a link could do that; leave the link as it is.
                    continue;
                }
                out.push(TextEdit {
                    range: start..end,
                    start: pos(start),
                    end: pos(end),
                    old_text: text[start..end].to_string(),
                    new_text,
                });
            }
            plan.edits.push(FileEdit {
                original_hash: hash(&text),
                path,
                edits: out,
            });
        }
        Ok(plan)
    }
}

/// Whether `written` (the text at a link's span) still spells the destination `target` as
/// parsed: equal, once backslash escapes are removed from a Markdown destination.
fn same_destination(written: &str, target: &str, syntax: LinkSyntax) -> bool {
    if matches!(syntax, LinkSyntax::CodeSpan | LinkSyntax::Directive) || written == target {
        return written == target;
    }
    let mut out = String::with_capacity(written.len());
    let mut chars = written.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\\' && chars.peek().is_some_and(char::is_ascii_punctuation) {
            continue;
        }
        out.push(c);
    }
    out == target
}

fn read(sources: &dyn Sources, path: &str) -> Result<String, RefactorError> {
    sources.text(path).map_err(|why| RefactorError::Unreadable {
        path: path.into(),
        why,
    })
}

/// The hash a plan records of a file's text.
pub fn hash(text: impl AsRef<[u8]>) -> String {
    blake3::hash(text.as_ref()).to_hex().to_string()
}

/// The bytes of a heading's text on the 1-based line `line` of `text` (BOM stripped): an ATX
/// heading's text between its `#`s and its closing `#`s or `{#id}` block, or a setext heading's
/// one line.
fn heading_text(text: &str, line: u32) -> Option<Range<usize>> {
    let start = if line <= 1 {
        0
    } else {
        text.match_indices('\n').nth(line as usize - 2)?.0 + 1
    };
    let end = text[start..].find('\n').map_or(text.len(), |e| start + e);
    let row = text[start..end].trim_end_matches('\r');
    let indent = row.len() - row.trim_start_matches(' ').len();
    let body = &row[indent..];
    let hashes = body.len() - body.trim_start_matches('#').len();
    if (1..=6).contains(&hashes) {
        let content = &body[hashes..];
        let lead = content.len() - content.trim_start().len();
        let mut inner = content.trim();
        if let Some(open) = inner.strip_suffix('}').and_then(|t| t.rfind('{')) {
            inner = inner[..open].trim_end();
        }
        let stripped = inner.trim_end_matches('#');
        if stripped.len() < inner.len() && (stripped.is_empty() || stripped.ends_with(' ')) {
            inner = stripped.trim_end();
        }
        let from = start + indent + hashes + lead;
        return Some(from..from + inner.len());
    }
    // A setext heading: its text is this line, underlined by the next.
    let next_end = text[end.min(text.len())..]
        .trim_start_matches('\n')
        .split('\n')
        .next()?
        .trim();
    let underlined = !next_end.is_empty() && next_end.chars().all(|c| c == '=')
        || next_end.chars().all(|c| c == '-');
    if !underlined || row.trim().is_empty() {
        return None;
    }
    let from = start + indent;
    Some(from..from + row.trim().len())
}

#[cfg(test)]
mod tests;
