//! Link resolution: a link as written → a repo-relative path, a status and, when it joins two
//! documents, a graph edge. Pure: whatever it needs to know about files that are not documents
//! it asks a [`RepoView`], which the CLI backs with the disk and tests with a map.
//!
//! The rules are written down in `docs/links.md`.

use std::collections::HashSet;

use percent_encoding::percent_decode_str;
use serde::{Deserialize, Serialize};

use super::dialect::{Dialect, Site};
use super::{Corpus, DocId, Link, LinkSyntax};
use crate::relpath::normalize;

/// Why a link is broken.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum BrokenReason {
    /// The target file or folder does not exist.
    Missing,
    /// The target exists but has no heading or HTML anchor matching the fragment.
    Anchor,
    /// The target would lie outside the repository.
    Outside,
    /// A template placeholder such as `docs/atomic/{category}/{file}.md`.
    Placeholder,
}

impl BrokenReason {
    pub const ALL: [BrokenReason; 4] = [
        BrokenReason::Missing,
        BrokenReason::Anchor,
        BrokenReason::Outside,
        BrokenReason::Placeholder,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            BrokenReason::Missing => "missing",
            BrokenReason::Anchor => "anchor",
            BrokenReason::Outside => "outside",
            BrokenReason::Placeholder => "placeholder",
        }
    }
}

/// The outcome of resolving one link.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase", tag = "status", content = "reason")]
pub enum LinkStatus {
    /// The target exists (and so does its fragment, if any).
    Ok,
    /// A URL with a scheme: kept, not checked offline.
    External,
    Broken(BrokenReason),
}

/// Serde for [`LinkStatus`] inside [`Link`]: the readable tagged form in human-readable
/// formats (JSON), a one-byte code in compact binary ones (the cache's postcard snapshot,
/// which cannot decode adjacently tagged enums).
pub mod status_serde {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    use super::{BrokenReason, LinkStatus};

    fn code(status: LinkStatus) -> u8 {
        match status {
            LinkStatus::Ok => 0,
            LinkStatus::External => 1,
            LinkStatus::Broken(BrokenReason::Missing) => 2,
            LinkStatus::Broken(BrokenReason::Anchor) => 3,
            LinkStatus::Broken(BrokenReason::Outside) => 4,
            LinkStatus::Broken(BrokenReason::Placeholder) => 5,
        }
    }

    pub fn serialize<S: Serializer>(status: &LinkStatus, s: S) -> Result<S::Ok, S::Error> {
        if s.is_human_readable() {
            status.serialize(s)
        } else {
            s.serialize_u8(code(*status))
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<LinkStatus, D::Error> {
        if d.is_human_readable() {
            return LinkStatus::deserialize(d);
        }
        Ok(match u8::deserialize(d)? {
            0 => LinkStatus::Ok,
            1 => LinkStatus::External,
            2 => LinkStatus::Broken(BrokenReason::Missing),
            3 => LinkStatus::Broken(BrokenReason::Anchor),
            4 => LinkStatus::Broken(BrokenReason::Outside),
            5 => LinkStatus::Broken(BrokenReason::Placeholder),
            other => {
                return Err(serde::de::Error::custom(format!(
                    "unknown link status code {other}"
                )));
            }
        })
    }
}

/// What a path inside the repository is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Entry {
    File,
    Dir,
    Missing,
    /// It exists, but only through a symlink that leads out of the repository.
    Outside,
}

/// The resolver's window on files that are not documents of the corpus.
pub trait RepoView: Sync {
    /// The site the tree is built into: its dialect decides link rules and anchors.
    fn site(&self) -> &Site;
    /// What `path` (repo-relative, normalised, `""` for the root) is.
    fn entry(&self, path: &str) -> Entry;
    /// Heading slugs and HTML anchors of the Markdown file at `path`, which exists and is not a
    /// document of the corpus (e.g. `docs/guides/x.md` when the root is `docs/atomic`).
    fn anchors(&self, path: &str) -> Vec<String>;
    /// Whether `fragment` names one of [`RepoView::anchors`] of `path` (ignoring case). Views
    /// that cache should override this with a set lookup: a file with many headings linked many
    /// times would otherwise cost headings × links.
    fn has_anchor(&self, path: &str, fragment: &str) -> bool {
        let anchors = self.anchors(path);
        anchor_matches(fragment, anchors.iter().map(String::as_str), [])
    }
}

/// The anchors of every document of a corpus, lower-cased, as sets: one lookup per link
/// instead of a scan of every heading (a hostile file with 100 000 headings and 100 000
/// fragment links would otherwise take minutes).
///
/// A document's set is built on first use, so resolving costs what the links ask (only the
/// documents a fragment points into get a set), not a pass over every heading of the tree.
pub struct AnchorSets(Vec<std::sync::OnceLock<HashSet<String>>>);

impl AnchorSets {
    /// Sets built when first asked.
    pub fn lazy(corpus: &Corpus) -> AnchorSets {
        let mut sets = Vec::new();
        sets.resize_with(corpus.docs.len(), std::sync::OnceLock::new);
        AnchorSets(sets)
    }

    /// Whether document `doc` of `corpus` (the corpus the sets were made for) has `fragment`.
    pub fn has(&self, corpus: &Corpus, doc: DocId, fragment: &str) -> bool {
        self.0[doc]
            .get_or_init(|| anchor_set(corpus, doc))
            .contains(&fragment.to_lowercase())
    }
}

fn anchor_set(corpus: &Corpus, doc: DocId) -> HashSet<String> {
    let d = corpus.doc(doc);
    d.headings
        .iter()
        .map(|h| h.slug.to_lowercase())
        .chain(d.html_anchors.iter().map(|a| a.to_lowercase()))
        .collect()
}

/// Whether a destination has a URL scheme (`https:`, `mailto:` …). A protocol-relative
/// `//host/x` has none: by the rules it is `/x`-style, relative to the repository root.
pub fn is_external(dest: &str) -> bool {
    let Some(colon) = dest.find(':') else {
        return false;
    };
    let scheme = &dest[..colon];
    // One-letter schemes are Windows drive letters, not URLs.
    scheme.len() > 1
        && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
}

fn parent_dir(path: &str) -> &str {
    path.rsplit_once('/').map_or("", |(dir, _)| dir)
}

/// Whether `fragment` matches (ignoring case) one of the slugs or HTML anchors.
pub fn anchor_matches<'a>(
    fragment: &str,
    slugs: impl IntoIterator<Item = &'a str>,
    html: impl IntoIterator<Item = &'a str>,
) -> bool {
    let want = Folded::new(fragment);
    slugs.into_iter().any(|s| want.matches(s)) || html.into_iter().any(|a| want.matches(a))
}

/// A fragment prepared for case-insensitive comparison with many candidates: lower-cased once,
/// and compared without allocating when both sides are ASCII (the common case), with exactly
/// the result of `a.to_lowercase() == b.to_lowercase()`.
struct Folded<'a> {
    raw: &'a str,
    /// `None` when the fragment is ASCII.
    lower: Option<String>,
}

impl<'a> Folded<'a> {
    fn new(raw: &'a str) -> Self {
        Folded {
            raw,
            lower: (!raw.is_ascii()).then(|| raw.to_lowercase()),
        }
    }

    fn matches(&self, candidate: &str) -> bool {
        match &self.lower {
            None if candidate.is_ascii() => self.raw.eq_ignore_ascii_case(candidate),
            // Lower-casing never turns non-ASCII into ASCII except for the Kelvin sign and
            // dotted capital I, so mixed cases take the exact (allocating) path.
            None => self.raw.to_ascii_lowercase() == candidate.to_lowercase(),
            Some(lower) => *lower == candidate.to_lowercase(),
        }
    }
}

/// A link target split into path and fragment, before normalisation.
struct Split {
    path: String,
    fragment: Option<String>,
    /// Code-span paths are relative to the repository root.
    from_root: bool,
}

fn split_target(link: &Link) -> Split {
    let (path, fragment) = match link.target.split_once('#') {
        Some((p, f)) => (p, Some(f)),
        None => (link.target.as_str(), None),
    };
    let fragment = fragment
        .filter(|f| !f.is_empty())
        .map(|f| percent_decode_str(f).decode_utf8_lossy().into_owned());
    if link.syntax == LinkSyntax::CodeSpan {
        let path = path.strip_prefix("./").unwrap_or(path);
        return Split {
            path: path.to_string(),
            fragment,
            from_root: true,
        };
    }
    let path = path.split('?').next().unwrap_or(path);
    let decoded = percent_decode_str(path).decode_utf8_lossy().into_owned();
    match decoded.strip_prefix('/') {
        Some(rest) => Split {
            path: rest.to_string(),
            fragment,
            from_root: true,
        },
        None => Split {
            path: decoded,
            fragment,
            from_root: false,
        },
    }
}

/// The file a link is written in.
#[derive(Debug, Clone, Copy)]
pub enum From<'a> {
    Doc(DocId),
    /// A referrer (a Markdown file outside the docs root), by path.
    Referrer(&'a str),
}

/// Resolves one link of document `from`.
pub fn resolve(corpus: &Corpus, from: DocId, link: &Link, view: &dyn RepoView) -> Link {
    resolve_in(corpus, From::Doc(from), link, view, None)
}

/// [`resolve`] with the corpus's anchors precomputed: use it to resolve many links.
pub fn resolve_with(
    corpus: &Corpus,
    from: DocId,
    link: &Link,
    view: &dyn RepoView,
    anchors: &AnchorSets,
) -> Link {
    resolve_in(corpus, From::Doc(from), link, view, Some(anchors))
}

/// [`resolve_with`] for a link of a document or a referrer.
pub fn resolve_from(
    corpus: &Corpus,
    from: From,
    link: &Link,
    view: &dyn RepoView,
    anchors: &AnchorSets,
) -> Link {
    resolve_in(corpus, from, link, view, Some(anchors))
}

fn resolve_in(
    corpus: &Corpus,
    from: From,
    link: &Link,
    view: &dyn RepoView,
    anchors: Option<&AnchorSets>,
) -> Link {
    let has_anchor = |doc: DocId, fragment: &str| match anchors {
        Some(sets) => sets.has(corpus, doc, fragment),
        None => corpus.doc(doc).has_anchor(fragment),
    };
    let (source_path, from_doc) = match from {
        From::Doc(id) => (corpus.doc(id).path.as_str(), Some(id)),
        From::Referrer(path) => (path, None),
    };
    let mut out = Link {
        fragment: None,
        status: LinkStatus::Ok,
        resolved: None,
        to_doc: None,
        ..link.clone()
    };
    if link.syntax != LinkSyntax::CodeSpan && is_external(&link.target) {
        out.status = LinkStatus::External;
        return out;
    }
    if link.syntax == LinkSyntax::CodeSpan
        && (link.target.contains('{') || link.target.contains('}'))
    {
        out.status = LinkStatus::Broken(BrokenReason::Placeholder);
        return out;
    }
    let split = split_target(link);
    out.fragment = split.fragment.clone();

    // A bare fragment or an empty destination points at the linking file itself.
    if split.path.is_empty() && !split.from_root {
        out.resolved = Some(source_path.to_string());
        if let Some(f) = &split.fragment {
            let found = match from_doc {
                Some(id) => has_anchor(id, f),
                None => view.has_anchor(source_path, f),
            };
            if !found {
                out.status = LinkStatus::Broken(BrokenReason::Anchor);
            }
        }
        return out;
    }

    let joined = if split.from_root {
        split.path.clone()
    } else {
        let dir = parent_dir(source_path);
        if dir.is_empty() {
            split.path.clone()
        } else {
            format!("{dir}/{}", split.path)
        }
    };
    let Some(mut path) = normalize(&joined) else {
        out.status = LinkStatus::Broken(BrokenReason::Outside);
        return out;
    };
    if view.site().dialect == Dialect::Mdbook
        && let Some(source) = built_page_source(corpus, view, &path)
    {
        path = source;
    }

    // Documents of the corpus are known without asking the filesystem.
    if let Some(target) = corpus.doc_id(&path) {
        out.resolved = Some(path);
        if let Some(f) = &split.fragment
            && !has_anchor(target, f)
        {
            out.status = LinkStatus::Broken(BrokenReason::Anchor);
        }
        if from_doc != Some(target) {
            out.to_doc = Some(target);
        }
        return out;
    }

    match view.entry(&path) {
        Entry::Outside => {
            out.status = LinkStatus::Broken(BrokenReason::Outside);
        }
        Entry::Missing => {
            out.status = LinkStatus::Broken(BrokenReason::Missing);
            out.resolved = Some(path);
        }
        Entry::Dir => {
            let readme = if path.is_empty() {
                "README.md".to_string()
            } else {
                format!("{path}/README.md")
            };
            if let Some(target) = corpus.doc_id(&readme)
                && from_doc != Some(target)
            {
                out.to_doc = Some(target);
            }
            out.resolved = Some(path);
        }
        Entry::File => {
            if let Some(f) = &split.fragment
                && path.ends_with(".md")
                && !view.has_anchor(&path, f)
            {
                out.status = LinkStatus::Broken(BrokenReason::Anchor);
            }
            out.resolved = Some(path);
        }
    }
    out
}

/// The Markdown source of a page mdBook builds, for a link to `x.html` (from `x.md`) or
/// `dir/index.html` (from `dir/index.md` or `dir/README.md`), when the `.html` file itself is
/// not in the tree and a source is.
fn built_page_source(corpus: &Corpus, view: &dyn RepoView, path: &str) -> Option<String> {
    let stem = path.strip_suffix(".html")?;
    if corpus.doc_id(path).is_some() || view.entry(path) != Entry::Missing {
        return None;
    }
    let readme = stem
        .strip_suffix("index")
        .filter(|dir| dir.is_empty() || dir.ends_with('/'))
        .map(|dir| format!("{dir}README.md"));
    std::iter::once(format!("{stem}.md"))
        .chain(readme)
        .find(|c| corpus.doc_id(c).is_some() || view.entry(c) == Entry::File)
}

/// An in-memory repository: the files that exist besides the corpus documents, with their
/// text. For tests, benchmarks and generated corpora.
#[derive(Debug, Default, Clone)]
pub struct MemRepo {
    files: std::collections::BTreeMap<String, String>,
    links: crate::config::LinksConfig,
}

impl MemRepo {
    pub fn new<'a>(files: impl IntoIterator<Item = (&'a str, &'a str)>) -> MemRepo {
        MemRepo {
            files: files
                .into_iter()
                .map(|(p, t)| (p.to_string(), t.to_string()))
                .collect(),
            links: crate::config::LinksConfig::default(),
        }
    }

    /// The same files, read as a tree built into `site`.
    pub fn with_site(mut self, site: Site) -> MemRepo {
        self.links.site = site;
        self
    }
}

impl RepoView for MemRepo {
    fn site(&self) -> &Site {
        &self.links.site
    }

    fn entry(&self, path: &str) -> Entry {
        if self.files.contains_key(path) {
            return Entry::File;
        }
        let prefix = if path.is_empty() {
            String::new()
        } else {
            format!("{path}/")
        };
        if self
            .files
            .range(prefix.clone()..)
            .next()
            .is_some_and(|(p, _)| p.starts_with(&prefix))
        {
            Entry::Dir
        } else {
            Entry::Missing
        }
    }

    fn anchors(&self, path: &str) -> Vec<String> {
        let Some(text) = self.files.get(path) else {
            return Vec::new();
        };
        let doc = super::parse::parse(text, &self.links);
        let mut all: Vec<String> = doc.headings.into_iter().map(|h| h.slug).collect();
        all.extend(doc.html_anchors);
        all
    }
}
