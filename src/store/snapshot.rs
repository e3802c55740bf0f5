//! The snapshot and its parts: `snapshot.bin` (the key, the manifest, the search folder's
//! state and the corpus without its documents) names content-addressed `parts/<blake3>.bin`
//! files, two per chunk of 1,000 documents (without document text), so an edit rewrites one
//! chunk's parts: the **outline** part holds what [`Keep::Outline`] keeps (paths, titles,
//! kinds, words, and every link without its strings: position, syntax, kind, status, target
//! document), the **detail** part the rest (intro, headings, HTML anchors, code blocks, each
//! link's target, span, fragment and resolved path). [`split`] and [`join`] are the one place
//! that divides a [`Document`] between them. A full load reads both; an outline load (a
//! question that reads no link string, heading or intro) reads the outline parts only, about
//! a sixth of the bytes.
//!
//! Reading checks every file it reads (version, checksum, a part's name against its
//! contents, a detail part against its outline); writing puts new parts first, then the
//! snapshot renamed into place, then sweeps the parts neither it nor the snapshot it replaced
//! name.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::manifest::Manifest;
use super::search_dir::IndexState;
use super::{FORMAT_VERSION, Invalid, Loaded, MAX_CACHE_FILE_BYTES, Report, SNAPSHOT_FILE, file};
use crate::boundary::owned::{self, Owned};
use crate::boundary::read::{self as reader, Links};
use crate::corpus::links::status_serde;
use crate::corpus::{
    CodeBlock, Corpus, DocId, DocKind, Document, FileWarning, Heading, Keep, Link, LinkKind,
    LinkStatus, LinkSyntax, Span,
};

/// Documents per chunk (an outline part and a detail part): parts are checked and decoded in
/// parallel, and an edit rewrites only the parts of the chunk that holds the edited document.
const DOCS_PER_PART: usize = 1000;
/// The folder (in the cache folder) of the snapshot's document parts. A part file is named by
/// the blake3 hash of its contents, so an unchanged part is never written again and a
/// snapshot file only ever names parts that were complete before it was renamed into place.
const PARTS_DIR: &str = "parts";

/// The two part files of one chunk of documents (see [`PARTS_DIR`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Part {
    /// What [`Keep::Outline`] keeps of the chunk's documents ([`OutlineDoc`]).
    outline: String,
    /// The rest ([`DetailDoc`]).
    detail: String,
}

impl Part {
    fn names(&self) -> [&str; 2] {
        [&self.outline, &self.detail]
    }
}

#[derive(Debug, Serialize, Deserialize)]
pub struct Snapshot {
    /// The parts holding the corpus's documents, a chunk each, in path order. First, so
    /// [`SnapshotParts`] can read it alone.
    doc_parts: Vec<Part>,
    /// Hash of what shapes the parse (docs root, link settings): another key is another tree.
    pub key: [u8; 32],
    pub search: IndexState,
    pub manifest: Manifest,
    pub corpus: Corpus,
    /// Parts known to hold exactly the documents of the same chunk of `corpus.docs` (by
    /// index): written as they are instead of encoded again (see [`Snapshot::reuse_parts`]).
    #[serde(skip)]
    reusable: Vec<Option<Part>>,
    /// What the documents hold: [`Keep::Outline`] when only the outline parts were read.
    #[serde(skip)]
    keep: Keep,
    /// The parts of the snapshot file this one replaces, when known (read under the same
    /// lock): writing then does not read that file again to learn them.
    #[serde(skip)]
    replaced: Option<Vec<Part>>,
}

/// The start of a [`Snapshot`], enough to know which parts it names.
#[derive(Deserialize)]
struct SnapshotParts {
    doc_parts: Vec<Part>,
}

/// What an outline part holds of a document: every field [`Keep::Outline`] keeps.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct OutlineDoc {
    path: String,
    rel_path: String,
    category: Option<String>,
    subcategory: Option<String>,
    kind: DocKind,
    title: Option<String>,
    /// Every link with its strings emptied, written and read as [`OutlineLink`]s (read
    /// straight into the [`Link`]s the document keeps: no second copy of a tree's links).
    #[serde(with = "outline_links")]
    links: Vec<Link>,
    words: usize,
    links_dropped: usize,
}

/// How an outline part writes a link: without its strings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
struct OutlineLink {
    line: u32,
    column: u32,
    syntax: LinkSyntax,
    kind: LinkKind,
    #[serde(with = "status_serde")]
    status: LinkStatus,
    to_doc: Option<DocId>,
}

/// [`OutlineDoc::links`] as a sequence of [`OutlineLink`]s.
mod outline_links {
    use serde::de::{SeqAccess, Visitor};
    use serde::{Deserializer, Serializer};

    use super::OutlineLink;
    use crate::corpus::Link;

    pub fn serialize<S: Serializer>(links: &[Link], s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(links.iter().map(|l| OutlineLink {
            line: l.line,
            column: l.column,
            syntax: l.syntax,
            kind: l.kind,
            status: l.status,
            to_doc: l.to_doc,
        }))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Link>, D::Error> {
        struct Links;
        impl<'de> Visitor<'de> for Links {
            type Value = Vec<Link>;

            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a sequence of links")
            }

            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<Link>, A::Error> {
                // The hint comes from the file: capped, so a garbled length allocates little.
                let mut links = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(4096));
                while let Some(l) = seq.next_element::<OutlineLink>()? {
                    links.push(Link {
                        line: l.line,
                        column: l.column,
                        target: String::new(),
                        dest: None,
                        syntax: l.syntax,
                        kind: l.kind,
                        fragment: None,
                        status: l.status,
                        resolved: None,
                        to_doc: l.to_doc,
                    });
                }
                Ok(links)
            }
        }
        d.deserialize_seq(Links)
    }
}

/// What a detail part holds of a document: the rest (its text is in the search index).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DetailDoc {
    intro: String,
    headings: Vec<Heading>,
    html_anchors: Vec<String>,
    code_blocks: Vec<CodeBlock>,
    links: Vec<LinkDetail>,
}

/// A link's strings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinkDetail {
    target: String,
    dest: Option<Span>,
    fragment: Option<String>,
    resolved: Option<String>,
}

/// Divides a document between its outline and its detail, moving every field out (the
/// document is left empty; its `text` and `code` stay: the search index holds them).
/// [`join`] puts it back together.
pub fn split(doc: &mut Document) -> (OutlineDoc, DetailDoc) {
    use std::mem::take;
    let (path, rel_path) = (take(&mut doc.path), take(&mut doc.rel_path));
    let (category, subcategory) = (doc.category.take(), doc.subcategory.take());
    let (kind, title, words) = (doc.kind, doc.title.take(), doc.words);
    let (intro, headings) = (take(&mut doc.intro), take(&mut doc.headings));
    let (html_anchors, code_blocks) = (take(&mut doc.html_anchors), take(&mut doc.code_blocks));
    let (mut links, links_dropped) = (take(&mut doc.links), doc.links_dropped);
    let details = links
        .iter_mut()
        .map(|l| LinkDetail {
            target: std::mem::take(&mut l.target),
            dest: l.dest.take(),
            fragment: l.fragment.take(),
            resolved: l.resolved.take(),
        })
        .collect();
    let outline = OutlineDoc {
        path,
        rel_path,
        category,
        subcategory,
        kind,
        title,
        links,
        words,
        links_dropped,
    };
    let detail = DetailDoc {
        intro,
        headings,
        html_anchors,
        code_blocks,
        links: details,
    };
    (outline, detail)
}

/// A document from its outline and detail ([`split`]'s inverse, text and code empty);
/// without a detail, the document at [`Keep::Outline`].
pub fn join(outline: OutlineDoc, detail: Option<DetailDoc>) -> Document {
    let OutlineDoc {
        path,
        rel_path,
        category,
        subcategory,
        kind,
        title,
        links,
        words,
        links_dropped,
    } = outline;
    let mut doc = Document {
        path,
        rel_path,
        category,
        subcategory,
        kind,
        title,
        intro: String::new(),
        headings: Vec::new(),
        html_anchors: Vec::new(),
        code_blocks: Vec::new(),
        links,
        words,
        text: String::new(),
        code: String::new(),
        links_dropped,
    };
    if let Some(detail) = detail {
        detail.attach(&mut doc);
    }
    doc
}

impl DetailDoc {
    /// Whether this detail can belong to a document with these links (one string set each).
    fn fits(&self, links: &[Link]) -> bool {
        self.links.len() == links.len()
    }

    /// Gives an outline's document its detail: [`join`]'s second half, for a document
    /// already made from its outline. The links pair in order ([`DetailDoc::fits`]).
    fn attach(self, doc: &mut Document) {
        doc.intro = self.intro;
        doc.headings = self.headings;
        doc.html_anchors = self.html_anchors;
        doc.code_blocks = self.code_blocks;
        for (l, d) in doc.links.iter_mut().zip(self.links) {
            l.target = d.target;
            l.dest = d.dest;
            l.fragment = d.fragment;
            l.resolved = d.resolved;
        }
    }
}

/// Size, modification time and inode of a cache file: whether it is still the same file.
pub type Signature = (u64, std::time::SystemTime, u64);

pub fn signature(path: &Path) -> Option<Signature> {
    let m = reader::symlink_metadata(path).ok()?;
    let (inode, _) = reader::inode_and_ctime(&m);
    Some((m.len(), m.modified().ok()?, inode))
}

/// Reads a cache file: a regular file, not a symlink, not a pipe, capped.
fn read_cache_file(path: &Path) -> std::io::Result<Vec<u8>> {
    reader::read(path, Links::Never, MAX_CACHE_FILE_BYTES)
}

fn part_path(cache: &Path, name: &str) -> PathBuf {
    cache.join(PARTS_DIR).join(format!("{name}.bin"))
}

/// Why one attempt at reading the snapshot failed.
enum Missing {
    /// A part the snapshot names is not there (any other problem is `Invalid`).
    Part(String),
    Invalid(Invalid),
}

impl From<Invalid> for Missing {
    fn from(invalid: Invalid) -> Missing {
        Missing::Invalid(invalid)
    }
}

/// A part still missing after the retry is as unusable as a corrupt one.
impl From<Missing> for Invalid {
    fn from(missing: Missing) -> Invalid {
        match missing {
            Missing::Part(why) => Invalid::Corrupt(why),
            Missing::Invalid(invalid) => invalid,
        }
    }
}

impl Snapshot {
    pub fn new(key: [u8; 32], search: IndexState, manifest: Manifest, corpus: Corpus) -> Self {
        Snapshot {
            doc_parts: Vec::new(),
            key,
            search,
            manifest,
            corpus,
            reusable: Vec::new(),
            keep: Keep::Graph,
            replaced: None,
        }
    }

    /// Says that this snapshot replaces the one (read under the same lock) whose parts were
    /// `parts` ([`Snapshot::part_names`]).
    pub fn replaces(&mut self, parts: Vec<Part>) {
        self.replaced = Some(parts);
    }

    /// The document parts this snapshot was read from (one pair per [`DOCS_PER_PART`]
    /// documents, in path order).
    pub fn part_names(&self) -> &[Part] {
        &self.doc_parts
    }

    /// What the snapshot's documents hold: [`Keep::Outline`] when it was read at that level,
    /// otherwise [`Keep::Graph`] (no text).
    pub fn keep(&self) -> Keep {
        self.keep
    }

    /// Marks the parts of a snapshot read before (`parts`, its [`Snapshot::part_names`]) as
    /// still holding their chunk of documents, except the chunks holding a document of
    /// `touched` (ids): an edit then encodes and writes only the parts it changed. The caller
    /// vouches that the documents are the same ones, in the same order, and that no other
    /// document changed.
    pub fn reuse_parts(&mut self, parts: Vec<Part>, touched: &[usize]) {
        let chunks = self.corpus.docs.len().div_ceil(DOCS_PER_PART);
        if parts.len() != chunks {
            return;
        }
        let mut reusable: Vec<Option<Part>> = parts.into_iter().map(Some).collect();
        for &id in touched {
            if let Some(slot) = reusable.get_mut(id / DOCS_PER_PART) {
                *slot = None;
            }
        }
        self.reusable = reusable;
    }

    /// Reads the detail parts of a snapshot read at [`Keep::Outline`] from `cache` and gives
    /// every document its detail: what an update needs, without reading the outline again.
    /// On an error (a part gone or damaged since) the snapshot is not usable: read it again.
    pub fn complete(&mut self, cache: &Path) -> Result<(), Invalid> {
        use rayon::prelude::*;
        if self.keep != Keep::Outline {
            return Ok(());
        }
        let chunks = self.corpus.docs.par_chunks_mut(DOCS_PER_PART);
        if chunks.len() != self.doc_parts.len() {
            return Err(Invalid::Corrupt("parts and documents disagree".into()));
        }
        chunks
            .zip(self.doc_parts.par_iter())
            .try_for_each(|(docs, part)| attach_part(cache, part, docs))
            .map_err(Invalid::from)?;
        self.keep = Keep::Graph;
        Ok(())
    }

    /// The snapshot at `path` when it is valid and made with `key`; a notice when it was
    /// there but unusable. At [`Keep::Outline`] only the outline parts are read (and checked);
    /// at any other level, every part.
    pub fn read(
        path: &Path,
        key: &[u8; 32],
        notices: &mut Vec<String>,
        keep: Keep,
    ) -> Option<Snapshot> {
        match read_file(path, keep) {
            Ok(s) if &s.key == key => Some(s),
            Ok(_) => None,
            Err(Invalid::Absent) => None,
            Err(why) => {
                notices.push(format!(
                    "note: cache {} is {why}; rebuilding it",
                    path.display()
                ));
                None
            }
        }
    }

    /// Writes the snapshot (its documents' text set aside: it lives in the search index).
    pub fn write(&mut self, owned: &Owned) -> Result<(), String> {
        let texts: Vec<(String, String)> = self
            .corpus
            .docs
            .iter_mut()
            .chain(self.corpus.template.as_mut())
            .map(|d| (std::mem::take(&mut d.text), std::mem::take(&mut d.code)))
            .collect();
        let warnings = std::mem::take(&mut self.corpus.warnings);
        let written = match self.encode(owned.path()) {
            Ok((head, parts)) => write_files(owned, &head, &parts, self.replaced.as_deref())
                .map_err(|e| format!("cannot write the snapshot: {e}")),
            Err(e) => Err(format!("cannot encode the snapshot: {e}")),
        };
        for (d, (text, code)) in self
            .corpus
            .docs
            .iter_mut()
            .chain(self.corpus.template.as_mut())
            .zip(texts)
        {
            d.text = text;
            d.code = code;
        }
        self.corpus.warnings = warnings;
        written
    }

    /// Encodes the snapshot: the snapshot file's bytes, and every document part as (name,
    /// bytes); a reusable part still in `cache` is named with no bytes (nothing to write).
    #[allow(clippy::type_complexity)]
    fn encode(
        &mut self,
        cache: &Path,
    ) -> Result<(Vec<u8>, Vec<(String, Option<Vec<u8>>)>), postcard::Error> {
        use rayon::prelude::*;
        // The documents are split and joined again where they are: no copy of the corpus.
        let mut docs = std::mem::take(&mut self.corpus.docs);
        let reusable = std::mem::take(&mut self.reusable);
        let encoded: Vec<Result<(Part, [Option<Vec<u8>>; 2]), postcard::Error>> = docs
            .par_chunks_mut(DOCS_PER_PART)
            .enumerate()
            .map(|(i, chunk)| {
                let kept = reusable.get(i).cloned().flatten().filter(|part| {
                    part.names().iter().all(|name| {
                        reader::symlink_metadata(&part_path(cache, name)).is_ok_and(|m| m.is_file())
                    })
                });
                if let Some(part) = kept {
                    return Ok((part, [None, None]));
                }
                let (outline, detail): (Vec<OutlineDoc>, Vec<DetailDoc>) =
                    chunk.iter_mut().map(split).unzip();
                let bytes = file::encode(&outline, FORMAT_VERSION)
                    .and_then(|o| Ok((o, file::encode(&detail, FORMAT_VERSION)?)));
                for ((doc, o), d) in chunk.iter_mut().zip(outline).zip(detail) {
                    let text = std::mem::take(&mut doc.text);
                    let code = std::mem::take(&mut doc.code);
                    *doc = join(o, Some(d));
                    (doc.text, doc.code) = (text, code);
                }
                let (outline, detail) = bytes?;
                let name = |bytes: &[u8]| file::single_part_hash(bytes).unwrap_or_default();
                let part = Part {
                    outline: name(&outline),
                    detail: name(&detail),
                };
                Ok((part, [Some(outline), Some(detail)]))
            })
            .collect();
        let encoded: Result<Vec<(Part, [Option<Vec<u8>>; 2])>, _> = encoded.into_iter().collect();
        // The snapshot file without the documents (they are in the parts), then the
        // documents back.
        let head = encoded.and_then(|encoded| {
            self.doc_parts = encoded.iter().map(|(part, _)| part.clone()).collect();
            Ok((file::encode(&*self, FORMAT_VERSION)?, encoded))
        });
        self.corpus.docs = docs;
        let (head, encoded) = head?;
        let files = encoded
            .into_iter()
            .flat_map(|(part, [outline, detail])| [(part.outline, outline), (part.detail, detail)])
            .collect();
        Ok((head, files))
    }

    /// The loaded tree: the corpus with the walk's warnings and the manifest's per-file ones.
    pub fn into_loaded(
        self,
        cache: &Path,
        walk_warnings: Vec<FileWarning>,
        mut report: Report,
        notices: Vec<String>,
    ) -> Loaded {
        let mut corpus = self.corpus;
        let mut warnings = walk_warnings;
        warnings.extend(
            self.manifest
                .files
                .warnings()
                .map(|(path, message)| FileWarning {
                    path: path.to_string(),
                    message: message.to_string(),
                    skipped: false,
                }),
        );
        warnings.sort_by(|a, b| a.path.cmp(&b.path));
        corpus.warnings = warnings;
        corpus.set_keep(self.keep);
        report.files = self.manifest.files.len();
        report.cache = Some(cache.to_path_buf());
        Loaded {
            corpus,
            report,
            notices,
            search: self.search.source(cache),
        }
    }
}

/// Reads the snapshot (`snapshot.bin`: everything but the documents) and its document parts
/// (the outline parts only at [`Keep::Outline`]), checking each part in parallel.
fn read_file(path: &Path, keep: Keep) -> Result<Snapshot, Invalid> {
    // A part can vanish between reading `snapshot.bin` and reading the part only when two
    // writers replaced the snapshot in the meantime; the snapshot read again names parts
    // that are there.
    match read_once(path, keep) {
        Err(Missing::Part(_)) => read_once(path, keep),
        other => other,
    }
    .map_err(Invalid::from)
}

fn read_once(path: &Path, keep: Keep) -> Result<Snapshot, Missing> {
    use rayon::prelude::*;
    let cache = path.parent().unwrap_or(Path::new("."));
    let bytes = match read_cache_file(path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(Invalid::Absent.into()),
        Err(e) => return Err(Invalid::Corrupt(e.to_string()).into()),
    };
    let mut snap: Snapshot = file::decode(&bytes, FORMAT_VERSION)?;
    if !snap.doc_parts.is_empty() && !reader::is_real_dir(&cache.join(PARTS_DIR)) {
        return Err(Invalid::Corrupt(format!("{PARTS_DIR} is not a folder")).into());
    }
    let outline_only = keep == Keep::Outline;
    let chunks: Vec<Vec<Document>> = snap
        .doc_parts
        .par_iter()
        .map(|part| {
            let outline: Vec<OutlineDoc> = read_part(cache, &part.outline)?;
            let mut docs: Vec<Document> = outline.into_iter().map(|o| join(o, None)).collect();
            if !outline_only {
                attach_part(cache, part, &mut docs)?;
            }
            Ok(docs)
        })
        .collect::<Result<_, Missing>>()?;
    let mut docs = Vec::with_capacity(chunks.iter().map(Vec::len).sum());
    for chunk in chunks {
        docs.extend(chunk);
    }
    snap.corpus.docs = docs;
    snap.keep = if outline_only {
        Keep::Outline
    } else {
        Keep::Graph
    };
    Ok(snap)
}

/// Reads the detail part of `part` and gives each of `docs` (made from its outline part)
/// its detail; a detail that does not match the outline is corrupt.
fn attach_part(cache: &Path, part: &Part, docs: &mut [Document]) -> Result<(), Missing> {
    let detail: Vec<DetailDoc> = read_part(cache, &part.detail)?;
    let fits =
        detail.len() == docs.len() && detail.iter().zip(&*docs).all(|(d, doc)| d.fits(&doc.links));
    if !fits {
        return Err(Invalid::Corrupt(format!(
            "part {} does not match part {}",
            part.detail, part.outline
        ))
        .into());
    }
    for (doc, d) in docs.iter_mut().zip(detail) {
        d.attach(doc);
    }
    Ok(())
}

/// Reads, checks (its name against its contents) and decodes the part file `name`.
fn read_part<T: serde::de::DeserializeOwned>(cache: &Path, name: &str) -> Result<T, Missing> {
    let bytes = match read_cache_file(&part_path(cache, name)) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(Missing::Part(format!("part {name} is missing")));
        }
        Err(e) => return Err(Invalid::Corrupt(format!("part {name}: {e}")).into()),
    };
    if file::single_part_hash(&bytes).as_deref() != Some(name) {
        return Err(Invalid::Corrupt(format!("part {name} holds other contents")).into());
    }
    Ok(file::decode(&bytes, FORMAT_VERSION)?)
}

/// Writes the snapshot: the document parts encoded first (a reused one is already there), then
/// the snapshot file, renamed into place; then removes the parts that neither it nor the
/// snapshot it replaced name (a reader that read the replaced one a moment ago still finds
/// its parts).
fn write_files(
    owned: &Owned,
    head: &[u8],
    parts: &[(String, Option<Vec<u8>>)],
    replaced: Option<&[Part]>,
) -> std::io::Result<()> {
    let cache = owned.path();
    owned.folder(PARTS_DIR)?;
    // A part encoded again is written even when a file of its name is there: that file may
    // be the damaged one this rebuild replaces (same name, same contents otherwise).
    for (name, bytes) in parts {
        let Some(bytes) = bytes else { continue };
        owned.write(&format!("{PARTS_DIR}/{name}.bin"), bytes)?;
    }
    let path = cache.join(SNAPSHOT_FILE);
    let replaced = match replaced {
        Some(parts) => parts.to_vec(),
        None => read_cache_file(&path)
            .ok()
            .and_then(|b| file::decode::<SnapshotParts>(&b, FORMAT_VERSION).ok())
            .map(|s| s.doc_parts)
            .unwrap_or_default(),
    };
    let replaced = replaced.iter().flat_map(Part::names);
    owned.write(SNAPSHOT_FILE, head)?;
    let keep: HashSet<String> = parts
        .iter()
        .map(|(name, _)| format!("{name}.bin"))
        .chain(replaced.map(|name| format!("{name}.bin")))
        .collect();
    owned.sweep(
        PARTS_DIR,
        |name, is_dir| !is_dir && (owned::is_part_file(name) || owned::is_temp_file(name)),
        |name| keep.contains(name),
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;

    /// A document with every field filled (text and code aside: a snapshot never holds them).
    fn full_document() -> Document {
        let files = [
            (
                "docs/atomic/cat/sub/a.md",
                "# A title\n\nThe intro <a id=\"here\"></a>.\n\n## Usage\n\nSee [b](b.md#usage), \
                 [gone](gone.md#x \"t\") and <https://example.com>.\n\n```python\n# CORRECT: ok\nx = 1\n```\n",
            ),
            (
                "docs/atomic/cat/sub/b.md",
                "# B\n\n## Usage\n\nBack to [a](a.md).\n",
            ),
        ];
        let corpus = Corpus::from_files("docs/atomic", &files, &Config::default());
        let mut doc = corpus.docs[0].clone();
        doc.text.clear();
        doc.code.clear();
        doc.links_dropped = 2;
        assert!(doc.category.is_some() && doc.subcategory.is_some() && doc.title.is_some());
        assert!(!doc.intro.is_empty() && !doc.headings.is_empty() && doc.words > 0);
        assert!(!doc.html_anchors.is_empty() && !doc.code_blocks.is_empty());
        let every = |f: &dyn Fn(&Link) -> bool| doc.links.iter().any(f);
        assert!(every(&|l| l.to_doc.is_some()
            && l.fragment.is_some()
            && l.dest.is_some()));
        assert!(every(
            &|l| l.resolved.is_some() && l.broken_reason().is_some()
        ));
        assert!(every(
            &|l| l.status == LinkStatus::External && !l.target.is_empty()
        ));
        doc
    }

    fn json(doc: &Document) -> serde_json::Value {
        serde_json::to_value(doc).unwrap()
    }

    #[test]
    fn split_then_join_gives_the_document_back_through_the_part_files() {
        let doc = full_document();
        let (outline, detail) = split(&mut doc.clone());
        assert_eq!(
            json(&join(outline.clone(), Some(detail.clone()))),
            json(&doc)
        );
        // And through the files' encoding.
        let o = file::encode(&vec![outline], FORMAT_VERSION).unwrap();
        let d = file::encode(&vec![detail], FORMAT_VERSION).unwrap();
        let o: Vec<OutlineDoc> = file::decode(&o, FORMAT_VERSION).unwrap();
        let d: Vec<DetailDoc> = file::decode(&d, FORMAT_VERSION).unwrap();
        assert!(d[0].fits(&o[0].links));
        let back = join(o.into_iter().next().unwrap(), d.into_iter().next());
        assert_eq!(json(&back), json(&doc));
    }

    #[test]
    fn the_snapshot_file_holds_no_document_and_names_two_parts_per_chunk() {
        let doc = full_document();
        let docs = vec![doc.clone(); DOCS_PER_PART + 1];
        let corpus = Corpus::from_documents("docs/atomic", docs, Vec::new());
        let state = IndexState {
            generation: 1,
            dir: "search-1".into(),
            files: Vec::new(),
        };
        let mut snap = Snapshot::new([7; 32], state, Manifest::default(), corpus);
        let cache = tempfile::tempdir().unwrap();
        let (head, files) = snap.encode(cache.path()).unwrap();
        assert_eq!(
            snap.corpus.docs.len(),
            DOCS_PER_PART + 1,
            "the documents are back"
        );
        let read: Snapshot = file::decode(&head, FORMAT_VERSION).unwrap();
        assert!(read.corpus.docs.is_empty());
        assert_eq!(read.doc_parts.len(), 2);
        let names: Vec<&str> = read.doc_parts.iter().flat_map(Part::names).collect();
        let written: Vec<&str> = files.iter().map(|(name, _)| name.as_str()).collect();
        assert_eq!(names, written);
        assert!(files.iter().all(|(_, bytes)| bytes.is_some()));
    }

    #[test]
    fn an_outline_is_the_document_without_its_details_and_link_strings() {
        let doc = full_document();
        let (outline, _) = split(&mut doc.clone());
        let got = join(outline, None);
        let mut want = doc;
        want.intro.clear();
        want.headings.clear();
        want.html_anchors.clear();
        want.code_blocks.clear();
        for l in &mut want.links {
            l.target.clear();
            l.dest = None;
            l.fragment = None;
            l.resolved = None;
        }
        assert_eq!(json(&got), json(&want));
        assert_eq!(Keep::Outline.union(Keep::Graph), Keep::Graph);
    }
}
