//! The corpus: every document of the docs tree, parsed, with its links resolved.
//!
//! `scan` is the only module that reads the docs tree from disk; `parse` turns one file's
//! text into a [`ParsedDoc`] (positions through [`lines::LineIndex`]); `links` resolves link targets against an in-memory or on-disk
//! view of the repository. This module ties them together into a [`Corpus`].

pub mod dialect;
pub mod heading;
pub mod ingest;
pub mod lines;
pub mod links;
pub mod parse;
#[cfg(test)]
mod proptests;
pub mod revision;
pub mod scan;
#[cfg(test)]
mod tests;

use std::collections::{BTreeMap, HashMap};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::config::Config;
use dialect::{Dialect, Site};
pub use ingest::{Changes, Ingested, Previous, ingest};
pub use links::{BrokenReason, LinkStatus, RepoView};
pub use parse::{CodeBlock, CodeLabel, Heading, Keep, LinkSyntax, ParsedDoc, RawLink, Span};

/// Index of a document in [`Corpus::docs`] (documents are sorted by path).
pub type DocId = usize;

/// What role a Markdown file plays in the tree.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DocKind {
    /// An ordinary topic document: the unit the template describes.
    Topic,
    /// A `README.md` anywhere in the tree; an mdBook's `SUMMARY.md` (its table of contents).
    Index,
    /// `CHANGELOG.md` directly under the docs root; an mdBook's 404 page.
    Meta,
    /// `TEMPLATE.md` directly under the docs root: not a document, a source of rules.
    Template,
}

impl DocKind {
    pub fn as_str(self) -> &'static str {
        match self {
            DocKind::Topic => "topic",
            DocKind::Index => "index",
            DocKind::Meta => "meta",
            DocKind::Template => "template",
        }
    }

    /// The kind of a file, from its path relative to the docs root and the site it is built
    /// into.
    pub fn of(root_relative: &str, site: &Site) -> DocKind {
        let name = root_relative.rsplit('/').next().unwrap_or(root_relative);
        let at_root = !root_relative.contains('/');
        let mdbook = site.dialect == Dialect::Mdbook;
        if mdbook && site.not_found.as_deref() == Some(root_relative) {
            return DocKind::Meta;
        }
        match name {
            "TEMPLATE.md" if at_root => DocKind::Template,
            "CHANGELOG.md" if at_root => DocKind::Meta,
            "SUMMARY.md" if at_root && mdbook => DocKind::Index,
            "README.md" => DocKind::Index,
            _ => DocKind::Topic,
        }
    }
}

/// Whether a link sits in a Related Documents section or in running text, or is an mdBook
/// `{{#include}}` directive that pastes the target into the page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LinkKind {
    Related,
    Inline,
    Include,
}

impl LinkKind {
    pub fn as_str(self) -> &'static str {
        match self {
            LinkKind::Related => "related",
            LinkKind::Inline => "inline",
            LinkKind::Include => "include",
        }
    }
}

/// A link found in a document, with its resolution.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Link {
    /// 1-based line of the link's first character.
    pub line: u32,
    /// 1-based column, counted in characters.
    pub column: u32,
    /// The destination as written (for a reference link, its definition's destination).
    /// **Empty in a corpus loaded at [`Keep::Outline`]** (see [`Corpus::keep`]).
    pub target: String,
    /// Where the destination is written in the file (see [`parse::Span`]). `None` at
    /// [`Keep::Outline`].
    pub dest: Option<Span>,
    pub syntax: LinkSyntax,
    pub kind: LinkKind,
    /// The fragment after `#`, percent-decoded, if any. `None` at [`Keep::Outline`].
    pub fragment: Option<String>,
    #[serde(with = "links::status_serde")]
    pub status: LinkStatus,
    /// The repo-relative path the link resolves to; `None` for external links and for
    /// targets that cannot be named (outside the repository, placeholders). `None` at
    /// [`Keep::Outline`].
    pub resolved: Option<String>,
    /// The document the link points at, when it makes a graph edge (a different document).
    pub to_doc: Option<DocId>,
}

impl Link {
    /// A link as the parser found it, before [`Corpus::resolve_links`] runs.
    pub fn unresolved(raw: RawLink) -> Link {
        Link {
            line: raw.line,
            column: raw.column,
            target: raw.target,
            dest: raw.dest,
            syntax: raw.syntax,
            kind: raw.kind,
            fragment: None,
            status: LinkStatus::Ok,
            resolved: None,
            to_doc: None,
        }
    }

    pub fn broken_reason(&self) -> Option<BrokenReason> {
        match self.status {
            LinkStatus::Broken(reason) => Some(reason),
            _ => None,
        }
    }
}

/// One document of the tree.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Document {
    /// Repo-relative, `/`-separated path, e.g. `docs/atomic/integrations/redis/pool.md`.
    pub path: String,
    /// The path relative to the docs root.
    pub rel_path: String,
    pub category: Option<String>,
    pub subcategory: Option<String>,
    pub kind: DocKind,
    pub title: Option<String>,
    /// The text before the first section. **Empty at [`Keep::Outline`]** (see
    /// [`Corpus::keep`]), like the next three fields.
    pub intro: String,
    /// Every heading (empty at [`Keep::Outline`]).
    pub headings: Vec<Heading>,
    /// `id`/`name` attributes found in the document's raw HTML (empty at [`Keep::Outline`]).
    pub html_anchors: Vec<String>,
    /// The fenced and indented code blocks (empty at [`Keep::Outline`]).
    pub code_blocks: Vec<CodeBlock>,
    /// Every link, in document order (at [`Keep::Outline`] without their strings; see
    /// [`Link`]).
    pub links: Vec<Link>,
    pub words: usize,
    /// Prose text (no code blocks), for full-text search. **Empty when the corpus was loaded
    /// from the on-disk cache** (`store`): the text lives in the search index, not in the
    /// snapshot the graph needs; **and when it was parsed with [`Keep::Graph`]** (a command
    /// that asks no text question). Ask `search` for text questions.
    pub text: String,
    /// Text of the fenced and indented code blocks, for full-text search (empty when loaded
    /// from the cache, like `text`).
    pub code: String,
    /// Links dropped by the `[limits] max_links_per_file` cap (0 almost always).
    #[serde(default)]
    pub links_dropped: usize,
}

impl Document {
    /// Whether `fragment` names a heading slug or an HTML anchor of this document.
    pub fn has_anchor(&self, fragment: &str) -> bool {
        links::anchor_matches(
            fragment,
            self.headings.iter().map(|h| h.slug.as_str()),
            self.html_anchors.iter().map(String::as_str),
        )
    }

    /// Number of outgoing links in the Related Documents section.
    pub fn related_links(&self) -> usize {
        self.links
            .iter()
            .filter(|l| l.kind == LinkKind::Related)
            .count()
    }

    pub fn broken_links(&self) -> usize {
        self.links
            .iter()
            .filter(|l| l.broken_reason().is_some())
            .count()
    }

    /// The title, or the file name when the document has no H1.
    pub fn display_title(&self) -> &str {
        self.title
            .as_deref()
            .unwrap_or_else(|| self.rel_path.rsplit('/').next().unwrap_or(&self.rel_path))
    }
}

impl Document {
    /// A document from its parse result; links are unresolved (status `Ok`, no target) until
    /// [`Corpus::resolve_links`] runs.
    pub fn new(root: &str, path: String, p: ParsedDoc, site: &Site) -> Document {
        let rel_path = strip_root(root, &path).to_string();
        let kind = DocKind::of(&rel_path, site);
        let mut parts = rel_path.split('/').collect::<Vec<_>>();
        parts.pop();
        Document {
            category: parts.first().map(|s| s.to_string()),
            subcategory: parts.get(1).map(|s| s.to_string()),
            kind,
            title: p.title,
            intro: p.intro,
            headings: p.headings,
            html_anchors: p.html_anchors,
            code_blocks: p.code_blocks,
            links: p.links.into_iter().map(Link::unresolved).collect(),
            words: p.words,
            text: p.text,
            code: p.code,
            links_dropped: p.links_dropped,
            path,
            rel_path,
        }
    }
}

/// A Markdown file of the repository outside the docs root (`[links] referrers`), read for
/// its links only: not a document, no category, no template rules, its broken links not
/// reported. Its links into the docs tree are incoming edges of the documents they reach.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Referrer {
    /// Repo-relative, `/`-separated path.
    pub path: String,
    /// Every link, resolved; the ones with `to_doc` are edges into the docs tree.
    pub links: Vec<Link>,
}

impl Referrer {
    pub fn new(path: String, p: ParsedDoc) -> Referrer {
        Referrer {
            path,
            links: p.links.into_iter().map(Link::unresolved).collect(),
        }
    }

    /// Links that reach a document, with their index in `links`.
    pub fn edges(&self) -> impl Iterator<Item = (usize, &Link)> {
        self.links
            .iter()
            .enumerate()
            .filter(|(_, l)| l.to_doc.is_some())
    }
}

/// Where a link is written: in a document, or in a referrer (an index into
/// [`Corpus::referrers`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum LinkOrigin {
    Doc(DocId),
    Referrer(usize),
}

/// Whether `path` (repo-relative) is a referrer of the docs root `root`: a Markdown file
/// outside it that `globs` match. With the repository as the docs root there are none.
pub fn is_referrer(root: &str, path: &str, globs: &globset::GlobSet) -> bool {
    !root.is_empty()
        && path.ends_with(".md")
        && !path
            .strip_prefix(root)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
        && globs.is_match(path)
}

/// A problem with one input file that did not stop the run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileWarning {
    pub path: String,
    pub message: String,
    /// True when the file could not be read at all (and was skipped).
    pub skipped: bool,
}

/// All documents of a docs tree, sorted by path, with resolved links.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Corpus {
    /// The docs root, repo-relative (`docs/atomic`); empty when the root is the repository.
    pub root: String,
    pub docs: Vec<Document>,
    /// The tree's `TEMPLATE.md`, kept apart: it is not a document.
    pub template: Option<Document>,
    pub warnings: Vec<FileWarning>,
    /// The referrers read (`[links] referrers`), sorted by path.
    #[serde(default)]
    pub referrers: Vec<Referrer>,
    /// The site the links were resolved for (set by [`Corpus::resolve_links`]).
    pub site: Site,
    #[serde(skip)]
    by_path: PathIndex,
    /// What the documents hold at least ([`Corpus::keep`]).
    #[serde(skip)]
    keep: Keep,
}

/// How [`Corpus::doc_id`] finds a path: the first lookups search the sorted documents; after
/// [`PathIndex::SEARCHES`] of them, a table is built. A corpus read from the cache and changed
/// by an edit (a few lookups) never builds it; link resolution over the whole tree does, once.
#[derive(Debug, Default)]
struct PathIndex {
    table: OnceLock<HashMap<String, DocId>>,
    searches: AtomicUsize,
}

impl PathIndex {
    const SEARCHES: usize = 2048;
}

impl Clone for PathIndex {
    fn clone(&self) -> Self {
        PathIndex {
            table: self.table.clone(),
            searches: AtomicUsize::new(self.searches.load(Ordering::Relaxed)),
        }
    }
}

/// A file read from the docs tree, ready to parse.
pub struct SourceFile {
    /// Repo-relative path.
    pub path: String,
    pub text: String,
}

/// A category, or one of its subcategories, that the tree has ([`Corpus::scope`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scope<'a> {
    pub category: &'a str,
    pub subcategory: Option<&'a str>,
}

impl Scope<'_> {
    /// Whether `doc` is inside the scope.
    pub fn holds(&self, doc: &Document) -> bool {
        doc.category.as_deref() == Some(self.category)
            && self
                .subcategory
                .is_none_or(|s| doc.subcategory.as_deref() == Some(s))
    }
}

impl Corpus {
    /// A corpus of files held in memory (tests, benchmarks, embedding): the `.md` files under
    /// the docs root `root` are the documents, and every file given exists for link resolution.
    ///
    /// The `.md` files outside the root that `[links] referrers` match are referrers.
    pub fn from_files(root: &str, files: &[(&str, &str)], config: &Config) -> Corpus {
        let view = links::MemRepo::new(files.iter().copied()).with_site(config.links.site.clone());
        let globs = config.links.referrer_globs().unwrap_or_default();
        let source = |(p, t): &(&str, &str)| SourceFile {
            path: p.to_string(),
            text: t.to_string(),
        };
        let sources = files
            .iter()
            .filter(|(p, _)| {
                p.ends_with(".md")
                    && (root.is_empty()
                        || p.strip_prefix(root)
                            .is_some_and(|rest| rest.starts_with('/')))
            })
            .map(source)
            .collect();
        let referrers = files
            .iter()
            .filter(|(p, _)| is_referrer(root, p, &globs))
            .map(source)
            .collect();
        ingest(
            Corpus::empty(root),
            Changes::all(sources, referrers),
            Vec::new(),
            &view,
            config,
        )
        .0
    }

    /// A corpus without documents, for the docs root `root`: what a whole build ingests into.
    pub fn empty(root: &str) -> Corpus {
        Corpus::from_documents(root, Vec::new(), Vec::new())
    }

    /// Resolves every referrer's links against the documents and `view`.
    pub fn resolve_referrers(&mut self, view: &dyn RepoView) {
        let anchors = links::AnchorSets::lazy(self);
        let resolved: Vec<Vec<Link>> = self
            .referrers
            .par_iter()
            .map(|r| {
                r.links
                    .iter()
                    .map(|link| {
                        links::resolve_from(
                            self,
                            links::From::Referrer(&r.path),
                            link,
                            view,
                            &anchors,
                        )
                    })
                    .collect()
            })
            .collect();
        for (r, links) in self.referrers.iter_mut().zip(resolved) {
            r.links = links;
        }
    }

    /// The `i`-th link written at `origin`.
    pub fn link(&self, origin: LinkOrigin, i: usize) -> &Link {
        match origin {
            LinkOrigin::Doc(d) => &self.docs[d].links[i],
            LinkOrigin::Referrer(r) => &self.referrers[r].links[i],
        }
    }

    /// The repo-relative path of the file where links at `origin` are written.
    pub fn origin_path(&self, origin: LinkOrigin) -> &str {
        match origin {
            LinkOrigin::Doc(d) => &self.docs[d].path,
            LinkOrigin::Referrer(r) => &self.referrers[r].path,
        }
    }

    /// Parses the given documents and resolves every link against `view`: [`ingest`] of
    /// every file into an empty corpus. `root` is the repo-relative docs root.
    pub fn build(
        root: &str,
        files: Vec<SourceFile>,
        warnings: Vec<FileWarning>,
        view: &dyn RepoView,
        config: &Config,
    ) -> Corpus {
        let all = Changes::all(files, Vec::new());
        ingest(Corpus::empty(root), all, warnings, view, config).0
    }

    /// Assembles a corpus from documents whose links are not resolved yet (or were resolved
    /// against the same tree): sorts them by path, keeps the template apart and indexes paths.
    /// Call [`Corpus::resolve_links`] afterwards when links need (re-)resolving.
    pub fn from_documents(
        root: &str,
        all: Vec<Document>,
        mut warnings: Vec<FileWarning>,
    ) -> Corpus {
        let mut docs = Vec::with_capacity(all.len());
        let mut template = None;
        for doc in all {
            if doc.kind == DocKind::Template {
                template = Some(doc);
            } else {
                docs.push(doc);
            }
        }
        docs.sort_by(|a, b| a.path.cmp(&b.path));
        warnings.sort_by(|a, b| a.path.cmp(&b.path));
        Corpus {
            root: root.to_string(),
            docs,
            template,
            warnings,
            referrers: Vec::new(),
            site: Site::default(),
            by_path: PathIndex::default(),
            keep: Keep::Everything,
        }
    }

    /// Adds a warning for every document whose links were cut by the cap (once each, however
    /// often it is called: a corpus from the cache already has them).
    pub fn note_capped_links(&mut self, max_links: usize) {
        for doc in self.docs.iter().chain(&self.template) {
            if doc.links_dropped == 0 {
                continue;
            }
            let warning = FileWarning {
                path: doc.path.clone(),
                message: format!(
                    "has {} links; only the first {max_links} are kept (raise `max_links_per_file` under [limits] in atomdoc.toml)",
                    doc.links.len() + doc.links_dropped
                ),
                skipped: false,
            };
            if !self.warnings.contains(&warning) {
                self.warnings.push(warning);
            }
        }
        self.warnings.sort_by(|a, b| a.path.cmp(&b.path));
    }

    /// What the documents hold at least: [`Keep::Everything`] for a corpus parsed here with
    /// its text, [`Keep::Graph`] for one without it (parsed so, or loaded from the on-disk
    /// cache, where the text lives in the search index), [`Keep::Outline`] for the cache's
    /// outline load, which only questions [`crate::query::Query::needs`] clears may read.
    pub fn keep(&self) -> Keep {
        self.keep
    }

    /// Records what the documents hold (see [`Corpus::keep`]): for the loader that emptied
    /// them.
    pub fn set_keep(&mut self, keep: Keep) {
        self.keep = keep;
    }

    /// Forgets the path lookup table (needed after changing `docs`, which stay sorted by
    /// path): lookups start again from searching the documents.
    pub fn reindex(&mut self) {
        self.by_path = PathIndex::default();
    }

    /// Resolves every link of every document; pure apart from what `view` reads.
    pub fn resolve_links(&mut self, view: &dyn RepoView) {
        self.site = view.site().clone();
        // In chunks: resolving reads other documents' paths and headings, never their links,
        // so each chunk's new links can replace the old ones before the next chunk starts.
        // Peak memory then holds one chunk's links twice, not the whole tree's.
        const CHUNK: usize = 2048;
        let anchors = links::AnchorSets::lazy(self);
        for start in (0..self.docs.len()).step_by(CHUNK) {
            let end = (start + CHUNK).min(self.docs.len());
            let resolved: Vec<Vec<Link>> = (start..end)
                .into_par_iter()
                .map(|id| {
                    self.docs[id]
                        .links
                        .iter()
                        .map(|link| links::resolve_with(self, id, link, view, &anchors))
                        .collect()
                })
                .collect();
            for (doc, links) in self.docs[start..end].iter_mut().zip(resolved) {
                doc.links = links;
            }
        }
        self.resolve_referrers(view);
    }

    /// Re-resolves the links of the given documents only (after an incremental update that
    /// kept the set of document paths, so every other link's resolution still holds).
    pub fn resolve_links_of(&mut self, ids: &[DocId], view: &dyn RepoView) {
        self.site = view.site().clone();
        let anchors = links::AnchorSets::lazy(self);
        let resolved: Vec<(DocId, Vec<Link>)> = ids
            .par_iter()
            .map(|&id| {
                let links = self.docs[id]
                    .links
                    .iter()
                    .map(|link| links::resolve_with(self, id, link, view, &anchors))
                    .collect();
                (id, links)
            })
            .collect();
        for (id, links) in resolved {
            self.docs[id].links = links;
        }
    }

    pub fn doc_id(&self, repo_path: &str) -> Option<DocId> {
        let index = &self.by_path;
        if let Some(table) = index.table.get() {
            return table.get(repo_path).copied();
        }
        if index.searches.fetch_add(1, Ordering::Relaxed) < PathIndex::SEARCHES {
            return self
                .docs
                .binary_search_by(|d| d.path.as_str().cmp(repo_path))
                .ok();
        }
        let table = index.table.get_or_init(|| {
            self.docs
                .iter()
                .enumerate()
                .map(|(i, d)| (d.path.clone(), i))
                .collect()
        });
        table.get(repo_path).copied()
    }

    pub fn doc(&self, id: DocId) -> &Document {
        &self.docs[id]
    }

    /// Every category name, sorted.
    pub fn categories(&self) -> Vec<&str> {
        let mut cats: Vec<&str> = self
            .docs
            .iter()
            .filter_map(|d| d.category.as_deref())
            .collect();
        cats.sort_unstable();
        cats.dedup();
        cats
    }

    /// Whether `scope` names a category, or a subcategory as `category/subcategory` (the
    /// `--in` / `within` scopes every command and face accepts).
    pub fn has_scope(&self, scope: &str) -> bool {
        self.scope(scope).is_some()
    }

    /// `scope` (a trailing `/` allowed) split into its category and subcategory, when the
    /// tree has it: the one reading of a scope for every command and face.
    pub fn scope<'a>(&self, scope: &'a str) -> Option<Scope<'a>> {
        let scope = scope.trim_end_matches('/');
        let (category, subcategory) = match scope.split_once('/') {
            Some((c, s)) => (c, Some(s)),
            None => (scope, None),
        };
        let known = match subcategory {
            Some(s) => self.subcategories().contains(&(category, s)),
            None => self.categories().contains(&category),
        };
        known.then_some(Scope {
            category,
            subcategory,
        })
    }

    /// Every `category/subcategory` pair, sorted.
    pub fn subcategories(&self) -> Vec<(&str, &str)> {
        let mut subs: Vec<(&str, &str)> = self
            .docs
            .iter()
            .filter_map(|d| Some((d.category.as_deref()?, d.subcategory.as_deref()?)))
            .collect();
        subs.sort_unstable();
        subs.dedup();
        subs
    }

    /// Number of documents per category (root-level documents are not counted).
    pub fn docs_by_category(&self) -> BTreeMap<String, usize> {
        let mut map = BTreeMap::new();
        for d in &self.docs {
            if let Some(c) = &d.category {
                *map.entry(c.clone()).or_insert(0) += 1;
            }
        }
        map
    }
}

/// The most bytes of Markdown parsed at the same time. pulldown-cmark keeps a 48-byte node
/// for every bracket, backtick, `<` and line break, and its node vector holds three times that
/// while it grows: up to ~150 bytes per byte of input (a file of `[` or a list of links come
/// close). Parsing in batches of at most this many bytes, a bigger file alone, keeps the
/// memory of the parse near 150 × max(this, the largest file) whatever the machine's thread
/// count; it is the default `max_file_bytes`.
pub const PARSE_BATCH_BYTES: usize = crate::config::Limits::DEFAULT_MAX_FILE_BYTES as usize;

/// `f` over `items` in parallel, in batches of at most [`PARSE_BATCH_BYTES`] (by `size`),
/// results in input order. Every step that parses Markdown goes through it.
pub fn map_in_batches<T: Send, R: Send>(
    items: Vec<T>,
    size: impl Fn(&T) -> usize,
    f: impl Fn(T) -> R + Sync + Send,
) -> Vec<R> {
    let sizes: Vec<usize> = items.iter().map(&size).collect();
    let mut out = Vec::with_capacity(items.len());
    let mut items = items.into_iter();
    for batch in batches(&sizes, PARSE_BATCH_BYTES) {
        let batch: Vec<T> = items.by_ref().take(batch.len()).collect();
        out.par_extend(batch.into_par_iter().map(&f));
    }
    out
}

/// Consecutive index ranges covering `sizes`, each summing to at most `budget` unless it is
/// a single item.
pub fn batches(sizes: &[usize], budget: usize) -> Vec<std::ops::Range<usize>> {
    let mut out = Vec::new();
    let (mut start, mut bytes) = (0, 0);
    for (i, &n) in sizes.iter().enumerate() {
        if i > start && bytes + n > budget {
            out.push(start..i);
            (start, bytes) = (i, 0);
        }
        bytes += n;
    }
    if start < sizes.len() {
        out.push(start..sizes.len());
    }
    out
}

/// Keeps the first `max` links of a parsed file and counts the rest in `links_dropped`: the
/// `[limits] max_links_per_file` cap. Every path that turns text into documents applies it.
pub fn cap_links(doc: &mut ParsedDoc, max: usize) {
    if doc.links.len() > max {
        doc.links_dropped = doc.links.len() - max;
        doc.links.truncate(max);
    }
}

/// `path` relative to `root` (both repo-relative); `path` itself when `root` is empty.
pub fn strip_root<'a>(root: &str, path: &'a str) -> &'a str {
    if root.is_empty() {
        return path;
    }
    path.strip_prefix(root)
        .and_then(|p| p.strip_prefix('/'))
        .unwrap_or(path)
}
