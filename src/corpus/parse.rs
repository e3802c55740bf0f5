//! Markdown text → [`ParsedDoc`]: title, introduction, headings with slugs, code blocks,
//! links with line and column. Pure: it never touches the filesystem and never fails.

use pulldown_cmark::{CodeBlockKind, Event, HeadingLevel, LinkType, Options, Parser, Tag, TagEnd};
use serde::{Deserialize, Serialize};

use super::LinkKind;
use super::dialect::{Dialect, SlugCounter};
use super::lines::LineIndex;
use crate::config::LinksConfig;

/// A heading of a document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Heading {
    pub level: u8,
    pub text: String,
    /// The anchor the tree's site dialect gives it (`{#custom-id}` when written), with repeats
    /// numbered as that dialect does.
    pub slug: String,
    pub line: u32,
}

/// The CORRECT/INCORRECT label of a code example, from its leading comment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CodeLabel {
    Correct,
    Incorrect,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CodeBlock {
    /// The info string's first word (`python`), if any.
    pub lang: Option<String>,
    pub line: u32,
    pub label: Option<CodeLabel>,
}

/// How a link was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LinkSyntax {
    /// `[text](dest)`
    Inline,
    /// `[text][ref]`, `[text][]`, `[ref]` via a definition.
    Reference,
    /// `<https://…>` or `<me@example.com>`.
    Autolink,
    /// `![alt](dest)` in any of the above forms.
    Image,
    /// An inline code span holding a repo-relative path: `` `docs/atomic/x.md` ``.
    CodeSpan,
    /// An mdBook directive: `{{#include path}}`, `{{#rustdoc_include path:anchor}}` ….
    Directive,
}

impl LinkSyntax {
    pub fn as_str(self) -> &'static str {
        match self {
            LinkSyntax::Inline => "inline",
            LinkSyntax::Reference => "reference",
            LinkSyntax::Autolink => "autolink",
            LinkSyntax::Image => "image",
            LinkSyntax::CodeSpan => "codespan",
            LinkSyntax::Directive => "directive",
        }
    }
}

/// A link as found in the text, before resolution.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RawLink {
    pub line: u32,
    pub column: u32,
    pub target: String,
    pub syntax: LinkSyntax,
    pub kind: LinkKind,
    /// Where the destination is written (see [`Span`]); `None` when it cannot be told.
    pub dest: Option<Span>,
}

/// Where a link's destination is written, in bytes of the file's text as given to [`parse`]
/// (a BOM counted): the path with its `?query` and `#fragment`, without angle brackets or
/// title. For a reference link, the destination in its definition (shared by every use);
/// for a code span, the path inside the backticks; for an mdBook directive, the path before
/// any `:anchor`. `mv` and `fix` rewrite links at these places and nowhere else.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Span {
    pub start: u32,
    pub end: u32,
}

impl Span {
    /// The span of bytes `range` of a text whose first `offset` bytes (a BOM) were cut;
    /// `None` beyond 4 GiB.
    fn at(offset: usize, range: std::ops::Range<usize>) -> Option<Span> {
        Some(Span {
            start: u32::try_from(range.start + offset).ok()?,
            end: u32::try_from(range.end + offset).ok()?,
        })
    }

    pub fn range(self) -> std::ops::Range<usize> {
        self.start as usize..self.end as usize
    }
}

/// Everything atomdoc keeps of one Markdown file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ParsedDoc {
    pub title: Option<String>,
    pub intro: String,
    pub headings: Vec<Heading>,
    pub html_anchors: Vec<String>,
    pub code_blocks: Vec<CodeBlock>,
    pub links: Vec<RawLink>,
    pub words: usize,
    pub text: String,
    pub code: String,
    /// Links found past the `[limits] max_links_per_file` cap and dropped (see
    /// [`super::cap_links`]); 0 when parsed without a cap.
    pub links_dropped: usize,
}

/// Removes a UTF-8 byte-order mark.
pub fn strip_bom(text: &str) -> &str {
    text.strip_prefix('\u{feff}').unwrap_or(text)
}

fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_YAML_STYLE_METADATA_BLOCKS
}

/// Parses one Markdown file. `src` may start with a BOM and use CRLF line ends.
pub fn parse(src: &str, config: &LinksConfig) -> ParsedDoc {
    parse_keeping(src, config, Keep::Everything)
}

/// [`parse`], keeping the prose and code text ([`ParsedDoc::text`], [`ParsedDoc::code`]) only
/// when `keep` asks for it; everything else (the word count included) is the same.
pub fn parse_keeping(src: &str, config: &LinksConfig, keep: Keep) -> ParsedDoc {
    let bom = src.len() - strip_bom(src).len();
    let src = strip_bom(src);
    let lines = LineIndex::new(src);
    // Links and images still open: the link's index and where its text ends so far.
    let mut open: Vec<OpenLink> = Vec::new();
    let mut out = ParsedDoc::default();
    let mut slugs = SlugCounter::new(config.site.dialect);

    let mut heading: Option<HeadingState> = None;
    let mut code_block: Option<CodeBlockState> = None;
    let mut in_metadata = false;
    let mut image_depth = 0usize;
    let mut in_html_comment = false;
    let mut seen_h1 = false;
    let mut seen_h2 = false;
    let mut in_related = false;
    // The prose text: its words are counted as it grows; it is kept only when asked.
    let mut prose = Prose::new(keep);
    let keep_code = keep == Keep::Everything;

    let mut events = Parser::new_ext(src, options()).into_offset_iter();
    while let Some((event, range)) = events.next() {
        match &event {
            Event::Start(Tag::Link { .. } | Tag::Image { .. })
            | Event::End(TagEnd::Link | TagEnd::Image) => {}
            _ => {
                if let Some(top) = open.last_mut() {
                    top.text_end = top.text_end.max(range.end);
                }
            }
        }
        match event {
            Event::Start(Tag::MetadataBlock(_)) => in_metadata = true,
            Event::End(TagEnd::MetadataBlock(_)) => in_metadata = false,
            _ if in_metadata => {}

            Event::Start(Tag::Heading { level, .. }) => {
                heading = Some(HeadingState {
                    level: heading_level(level),
                    start: range.start,
                    raw: String::new(),
                    alt: String::new(),
                });
            }
            Event::End(TagEnd::Heading(_)) => {
                if let Some(HeadingState {
                    level,
                    start,
                    raw,
                    alt,
                }) = heading.take()
                {
                    let (raw, id) = split_custom_id(&raw);
                    let text = collapse_ws(raw);
                    if level <= 2 {
                        in_related = level == 2 && is_related_heading(&text, config);
                    }
                    if level == 1 && out.title.is_none() {
                        // A title is what a reader sees: the heading's text, else its images'
                        // alt text; a heading of raw HTML or bare images alone has none.
                        let title = if text.is_empty() {
                            collapse_ws(&alt)
                        } else {
                            text.clone()
                        };
                        out.title = (!title.is_empty()).then_some(title);
                        seen_h1 = true;
                    }
                    if level == 2 {
                        seen_h2 = true;
                    }
                    prose.push_str(&text);
                    prose.push('\n');
                    out.headings.push(Heading {
                        level,
                        slug: match id {
                            Some(id) => slugs.custom(id),
                            None => slugs.next(raw),
                        },
                        text,
                        line: lines.line(start),
                    });
                }
            }

            Event::Start(Tag::CodeBlock(kind)) => {
                let lang = match kind {
                    CodeBlockKind::Fenced(info) => info
                        .split(|c: char| c.is_whitespace() || c == ',' || c == '{')
                        .next()
                        .filter(|s| !s.is_empty())
                        .map(str::to_string),
                    CodeBlockKind::Indented => None,
                };
                code_block = Some(CodeBlockState {
                    lang,
                    line: lines.line(range.start),
                    text: String::new(),
                });
            }
            Event::End(TagEnd::CodeBlock) => {
                if let Some(block) = code_block.take() {
                    out.code_blocks.push(CodeBlock {
                        label: code_label(&block.text),
                        lang: block.lang,
                        line: block.line,
                    });
                    if keep_code {
                        out.code.push_str(&block.text);
                        if !block.text.ends_with('\n') {
                            out.code.push('\n');
                        }
                    }
                }
            }
            Event::Text(text) if code_block.is_some() => {
                if let Some(block) = code_block.as_mut() {
                    block.text.push_str(&text);
                }
            }

            Event::Start(Tag::Link {
                link_type,
                dest_url,
                id,
                ..
            }) => {
                let syntax = match link_type {
                    LinkType::Autolink | LinkType::Email => LinkSyntax::Autolink,
                    LinkType::Inline => LinkSyntax::Inline,
                    _ => LinkSyntax::Reference,
                };
                let target = if link_type == LinkType::Email && !dest_url.contains(':') {
                    format!("mailto:{dest_url}")
                } else {
                    dest_url.to_string()
                };
                let dest = match link_type {
                    LinkType::Autolink => Some(range.start + 1..range.end - 1),
                    LinkType::Email | LinkType::Inline => None,
                    _ => reference_dest(src, &id, events.reference_definitions()),
                };
                let dest = dest.and_then(|r| Span::at(bom, r));
                push_link(
                    &mut out,
                    &lines,
                    range.start,
                    target,
                    syntax,
                    in_related,
                    dest,
                );
                open.push(OpenLink {
                    index: out.links.len() - 1,
                    text_end: range.start + 1,
                    inline: link_type == LinkType::Inline,
                });
            }
            Event::End(TagEnd::Link | TagEnd::Image) => {
                if matches!(event, Event::End(TagEnd::Image)) {
                    image_depth = image_depth.saturating_sub(1);
                }
                if let Some(link) = open.pop() {
                    if link.inline {
                        out.links[link.index].dest = inline_dest(src, link.text_end, range.end)
                            .and_then(|r| Span::at(bom, r));
                    }
                    if let Some(outer) = open.last_mut() {
                        outer.text_end = outer.text_end.max(range.end);
                    }
                }
            }
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                id,
                ..
            }) => {
                image_depth += 1;
                let dest = match link_type {
                    LinkType::Inline => None,
                    _ => reference_dest(src, &id, events.reference_definitions()),
                };
                push_link(
                    &mut out,
                    &lines,
                    range.start,
                    dest_url.to_string(),
                    LinkSyntax::Image,
                    in_related,
                    dest.and_then(|r| Span::at(bom, r)),
                );
                open.push(OpenLink {
                    index: out.links.len() - 1,
                    text_end: range.start + 2,
                    inline: link_type == LinkType::Inline,
                });
            }

            Event::Code(code) => {
                if let Some(h) = heading.as_mut() {
                    h.raw.push_str(&code);
                } else {
                    if seen_h1 && !seen_h2 {
                        out.intro.push_str(&code);
                    }
                    prose.push_str(&code);
                }
                if let Some(target) = code_span_link(&code, config) {
                    // The path inside the backticks and the spaces around it.
                    let written = &src[range.clone()];
                    let inner = written.trim_matches('`').trim();
                    let at = range.start + offset_in(written, inner);
                    let dest = (inner == target)
                        .then(|| Span::at(bom, at..at + inner.len()))
                        .flatten();
                    push_link(
                        &mut out,
                        &lines,
                        range.start,
                        target,
                        LinkSyntax::CodeSpan,
                        in_related,
                        dest,
                    );
                }
            }
            Event::Text(text) => {
                if let Some(h) = heading.as_mut() {
                    // GitHub's anchor comes from the heading's text content, which has no
                    // image alt text.
                    if image_depth == 0 {
                        h.raw.push_str(&text);
                    } else {
                        h.alt.push_str(&text);
                    }
                } else {
                    if seen_h1 && !seen_h2 {
                        out.intro.push_str(&text);
                    }
                    prose.push_str(&text);
                }
            }
            Event::SoftBreak | Event::HardBreak => {
                if let Some(h) = heading.as_mut() {
                    h.raw.push(' ');
                } else {
                    prose.push(' ');
                    if seen_h1 && !seen_h2 {
                        out.intro.push(' ');
                    }
                }
            }
            Event::End(TagEnd::TableCell | TagEnd::BlockQuote(_)) => prose.push('\n'),
            Event::End(TagEnd::Paragraph | TagEnd::Item) => {
                if seen_h1 && !seen_h2 && !out.intro.is_empty() && !out.intro.ends_with('\n') {
                    out.intro.push('\n');
                }
                prose.push('\n');
            }
            Event::Html(html) | Event::InlineHtml(html) => {
                collect_html_anchors(&html, &mut in_html_comment, &mut out.html_anchors);
            }
            _ => {}
        }
    }
    if config.site.dialect == Dialect::Mdbook {
        include_links(src, bom, &lines, &mut out.links);
    }
    out.intro = out.intro.trim().to_string();
    out.words = prose.words.count;
    // The text grew by doubling; keep an exact-size copy, since the corpus holds every
    // document's text at once (about a quarter less memory on large trees).
    out.text = exact(prose.text);
    out.code = exact(out.code);
    out
}

/// What a parse keeps of a document's text.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Keep {
    /// Everything, prose and code text included: what the full-text index is built from.
    #[default]
    Everything,
    /// All but the prose and code text (left empty): what the graph, the queries and the
    /// checks read. About half the memory of a loaded tree, and no text copied.
    Graph,
    /// The documents' outline only: what `Graph` keeps but the intro, headings, HTML anchors
    /// and code blocks (left empty) and every link's strings (`target` empty; `resolved`,
    /// `fragment` and `dest` `None`). Every link is still there, in order, with its position,
    /// syntax, kind, status and target document, so link counts, statuses, the graph and
    /// every metric are the full corpus's. Only the on-disk cache's warm load makes one
    /// (`store`, for a question [`crate::query::Query::needs`] says an outline answers); a
    /// parse asked for it keeps what `Graph` keeps.
    Outline,
}

impl Keep {
    /// The level that keeps everything either keeps.
    pub fn union(self, other: Keep) -> Keep {
        match (self, other) {
            (Keep::Everything, _) | (_, Keep::Everything) => Keep::Everything,
            (Keep::Graph, _) | (_, Keep::Graph) => Keep::Graph,
            (Keep::Outline, Keep::Outline) => Keep::Outline,
        }
    }
}

/// The prose text of a document as the parse produces it: words counted on the way, the text
/// itself kept only when asked.
struct Prose {
    text: String,
    keep: bool,
    words: Words,
}

impl Prose {
    fn new(keep: Keep) -> Prose {
        Prose {
            text: String::new(),
            keep: keep == Keep::Everything,
            words: Words::default(),
        }
    }

    fn push_str(&mut self, s: &str) {
        self.words.feed(s);
        if self.keep {
            self.text.push_str(s);
        }
    }

    fn push(&mut self, c: char) {
        self.push_str(c.encode_utf8(&mut [0; 4]));
    }
}

/// The same string in an allocation of exactly its length.
fn exact(s: String) -> String {
    if s.capacity() == s.len() {
        s
    } else {
        String::from(s.as_str())
    }
}

struct HeadingState {
    level: u8,
    /// Byte offset of the heading's start.
    start: usize,
    /// Its text content, for the generated anchor.
    raw: String,
    /// The alt text of its images (the title of a heading that is only an image).
    alt: String,
}

struct CodeBlockState {
    lang: Option<String>,
    line: u32,
    text: String,
}

/// Splits a heading attribute block `{#custom-id .class key=value}` off the end of a heading's
/// text (mdBook, GitLab, Docusaurus): the text without it, and the id. Only a block of such
/// attributes with an id counts, so the template's placeholder title `{Topic Title}` stays
/// text.
fn split_custom_id(raw: &str) -> (&str, Option<&str>) {
    let trimmed = raw.trim_end();
    let Some(open) = trimmed.strip_suffix('}').and_then(|t| t.rfind('{')) else {
        return (raw, None);
    };
    let block = &trimmed[open + 1..trimmed.len() - 1];
    let mut id = None;
    for token in block.split_whitespace() {
        if let Some(name) = token.strip_prefix('#').filter(|n| !n.is_empty()) {
            id = Some(name);
        } else if !(token.len() > 1 && token.starts_with('.') || token.contains('=')) {
            return (raw, None);
        }
    }
    match id {
        Some(id) => (trimmed[..open].trim_end(), Some(id)),
        None => (raw, None),
    }
}

fn heading_level(level: HeadingLevel) -> u8 {
    match level {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

/// A link or image whose end the parser has not reached yet.
struct OpenLink {
    /// Its index in [`ParsedDoc::links`].
    index: usize,
    /// Where its text ends so far (the end of the last event inside it).
    text_end: usize,
    /// Whether its destination follows its text (`[text](dest)`), to be found at its end.
    inline: bool,
}

/// Where `part`, a slice of `whole`, starts in it.
fn offset_in(whole: &str, part: &str) -> usize {
    part.as_ptr() as usize - whole.as_ptr() as usize
}

/// The destination of an inline link or image whose text ends at or after `text_end` and
/// whose source ends at `end`: after the `](` that closes the text, spaces and one line end
/// skipped, either `<…>` (without the brackets) or a run without spaces or unbalanced
/// parentheses, backslash escapes included.
fn inline_dest(src: &str, text_end: usize, end: usize) -> Option<std::ops::Range<usize>> {
    let bytes = src.as_bytes();
    let open = text_end + src.get(text_end..end)?.find("](")? + 2;
    destination(bytes, skip_space(bytes, open, end), end, true)
}

/// Skips spaces and tabs and at most one line end from `at`.
fn skip_space(bytes: &[u8], mut at: usize, end: usize) -> usize {
    let mut newline = false;
    while at < end {
        match bytes[at] {
            b' ' | b'\t' => at += 1,
            b'\r' | b'\n' if !newline => {
                newline = true;
                at += if bytes[at] == b'\r' && bytes.get(at + 1) == Some(&b'\n') {
                    2
                } else {
                    1
                };
            }
            _ => break,
        }
    }
    at
}

/// A link destination starting at `at`: `<…>` (the span inside the brackets), or a run of
/// non-space bytes (balanced parentheses when `parens`), escapes skipped.
fn destination(
    bytes: &[u8],
    at: usize,
    end: usize,
    parens: bool,
) -> Option<std::ops::Range<usize>> {
    if bytes.get(at) == Some(&b'<') {
        let mut i = at + 1;
        while i < end {
            match bytes[i] {
                b'\\' => i += 2,
                b'>' => return Some(at + 1..i),
                b'\n' | b'\r' | b'<' => return None,
                _ => i += 1,
            }
        }
        return None;
    }
    let (mut i, mut depth) = (at, 0usize);
    while i < end {
        match bytes[i] {
            b'\\' if bytes.get(i + 1).is_some_and(u8::is_ascii_punctuation) => i += 2,
            b if b <= b' ' => break,
            b'(' if parens => {
                depth += 1;
                i += 1;
            }
            b')' if parens => {
                if depth == 0 {
                    break;
                }
                depth -= 1;
                i += 1;
            }
            _ => i += 1,
        }
    }
    Some(at..i.min(end))
}

/// The destination of a reference link's definition (`[label]: dest "title"`), found by the
/// link's label.
fn reference_dest(
    src: &str,
    label: &str,
    defs: &pulldown_cmark::RefDefs<'_>,
) -> Option<std::ops::Range<usize>> {
    let span = defs.get(label)?.span.clone();
    let bytes = src.as_bytes();
    let end = span.end.min(bytes.len());
    // The label's closing bracket: the first one not escaped.
    let mut i = span.start + 1;
    while i < end && bytes[i] != b']' {
        i += if bytes[i] == b'\\' { 2 } else { 1 };
    }
    if bytes.get(i + 1) != Some(&b':') {
        return None;
    }
    destination(bytes, skip_space(bytes, i + 2, end), end, false)
}

#[allow(clippy::too_many_arguments)]
fn push_link(
    out: &mut ParsedDoc,
    lines: &LineIndex,
    offset: usize,
    target: String,
    syntax: LinkSyntax,
    related: bool,
    dest: Option<Span>,
) {
    let (line, column) = lines.line_col(offset);
    out.links.push(RawLink {
        line,
        column,
        target,
        dest,
        syntax,
        kind: if related {
            LinkKind::Related
        } else {
            LinkKind::Inline
        },
    });
}

/// The mdBook directives that paste a file into the page, as mdBook's `links` preprocessor
/// reads them (`{{ #name args }}`, no `}` inside): `{{#include path}}`, `{{#rustdoc_include path}}` and `{{#playground path}}`,
/// where `path` (relative to the page) may end in `:anchor`, `:line`, `:from:to`, `:from:`
/// or `:to`, and further words are options. A directive preceded by `\` is escaped, as in
/// mdBook. Directives count wherever they stand, code blocks included: the preprocessor runs
/// on the raw text. They are added after the Markdown links, in text order.
fn include_links(src: &str, bom: usize, lines: &LineIndex, links: &mut Vec<RawLink>) {
    const NAMES: [&str; 3] = ["include", "rustdoc_include", "playground"];
    for (at, _) in src.match_indices("{{") {
        let Some(body) = src[at + 2..].trim_start().strip_prefix('#') else {
            continue;
        };
        if src[..at].ends_with('\\') {
            continue;
        }
        // mdBook's pattern: no `}` inside the directive.
        let Some(end) = body.find('}').filter(|&e| body[e..].starts_with("}}")) else {
            continue;
        };
        let mut words = body[..end].split_whitespace();
        let (Some(name), Some(arg)) = (words.next(), words.next()) else {
            continue;
        };
        let path = arg.split(':').next().unwrap_or(arg);
        if !NAMES.contains(&name) || path.is_empty() {
            continue;
        }
        let (line, column) = lines.line_col(at);
        let start = offset_in(src, path);
        links.push(RawLink {
            line,
            column,
            dest: Span::at(bom, start..start + path.len()),
            target: path.to_string(),
            syntax: LinkSyntax::Directive,
            kind: LinkKind::Include,
        });
    }
}

/// The number of words (runs of non-whitespace), exactly `text.split_whitespace().count()`,
/// in one pass over the bytes: ASCII (nearly all of a document) needs no UTF-8 decoding.
/// A tenth of the graph pipeline's CPU time went to `split_whitespace` before.
pub fn count_words(text: &str) -> usize {
    let mut words = Words::default();
    words.feed(text);
    words.count
}

/// A word count over text given in pieces: the same count as [`count_words`] of the pieces
/// joined, without joining them (a word may span two pieces).
#[derive(Debug, Default)]
struct Words {
    count: usize,
    in_word: bool,
}

impl Words {
    fn feed(&mut self, text: &str) {
        let bytes = text.as_bytes();
        if bytes.is_ascii() {
            // The common case, without branches or a carried state (so it vectorises): a
            // word starts at each non-space byte after a space (Unicode White_Space in ASCII:
            // tab, line feed, vertical tab, form feed, carriage return, space).
            let word = |b: u8| !matches!(b, b'\t'..=b'\r' | b' ');
            let Some((&first, _)) = bytes.split_first() else {
                return;
            };
            self.count += usize::from(word(first) & !self.in_word);
            // Byte pairs in runs of 255 summed as bytes: sixteen lanes a step, not two.
            let (before, after) = (&bytes[..bytes.len() - 1], &bytes[1..]);
            for (a, b) in before.chunks(255).zip(after.chunks(255)) {
                let starts = a
                    .iter()
                    .zip(b)
                    .fold(0u8, |n, (&a, &b)| n + u8::from(word(b) & !word(a)));
                self.count += usize::from(starts);
            }
            self.in_word = bytes.last().is_some_and(|&b| word(b));
            return;
        }
        let mut i = 0;
        while i < bytes.len() {
            let b = bytes[i];
            let (space, len) = if b.is_ascii() {
                // Unicode White_Space in ASCII: tab, line feed, vertical tab, form feed,
                // carriage return, space.
                (matches!(b, b'\t'..=b'\r' | b' '), 1)
            } else {
                let c = text[i..].chars().next().unwrap_or(' ');
                (c.is_whitespace(), c.len_utf8())
            };
            self.count += usize::from(!space && !self.in_word);
            self.in_word = !space;
            i += len;
        }
    }
}

fn collapse_ws(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Whether an H2's text names a Related Documents section (by [`heading::same`](super::heading::same): words
/// compared ignoring case, emoji and punctuation).
pub fn is_related_heading(text: &str, config: &LinksConfig) -> bool {
    config
        .related_sections
        .iter()
        .any(|s| super::heading::same(text, s))
}

/// The link a code span stands for: a path without whitespace that starts with one of the
/// configured prefixes (or `./` and one of them) and ends in `.md` or `.mdc`, optionally
/// followed by `#fragment`. Globs (`*`) are not links; `{…}` placeholders are (and are
/// reported broken when resolved).
pub fn code_span_link(code: &str, config: &LinksConfig) -> Option<String> {
    let t = code.trim();
    if t.is_empty() || t.contains(char::is_whitespace) || t.contains('*') {
        return None;
    }
    let bare = t.strip_prefix("./").unwrap_or(t);
    if !config
        .code_span_prefixes
        .iter()
        .any(|p| bare.starts_with(p.as_str()))
    {
        return None;
    }
    let path = bare.split('#').next().unwrap_or(bare);
    if !(path.ends_with(".md") || path.ends_with(".mdc")) {
        return None;
    }
    Some(t.to_string())
}

/// The label of a code block from its first non-blank line: a comment such as
/// `# CORRECT: …`, `// INCORRECT - …` or `<!-- CORRECT -->`.
fn code_label(code: &str) -> Option<CodeLabel> {
    let first = code.lines().find(|l| !l.trim().is_empty())?.trim();
    let body = ["<!--", "#", "//", "--", "/*", ";", "%", "'"]
        .iter()
        .find_map(|lead| first.strip_prefix(lead))?
        .trim_start_matches(['#', '/', '-', '*', ';', '!'])
        .trim_start();
    let word: String = body
        .chars()
        .take_while(|c| c.is_ascii_alphabetic())
        .collect();
    match word.to_ascii_uppercase().as_str() {
        "CORRECT" => Some(CodeLabel::Correct),
        "INCORRECT" | "WRONG" => Some(CodeLabel::Incorrect),
        _ => None,
    }
}

/// Collects `id="…"` and `name="…"` attribute values from raw HTML, skipping HTML comments
/// (which may span several HTML events: `in_comment` carries the state between them).
fn collect_html_anchors(html: &str, in_comment: &mut bool, out: &mut Vec<String>) {
    let mut rest = html;
    loop {
        if *in_comment {
            match rest.find("-->") {
                Some(end) => {
                    rest = &rest[end + 3..];
                    *in_comment = false;
                }
                None => return,
            }
        }
        match rest.find("<!--") {
            Some(start) => {
                anchors_in_tags(&rest[..start], out);
                rest = &rest[start + 4..];
                *in_comment = true;
            }
            None => {
                anchors_in_tags(rest, out);
                return;
            }
        }
    }
}

fn anchors_in_tags(html: &str, out: &mut Vec<String>) {
    let bytes = html.as_bytes();
    let lower = html.to_ascii_lowercase();
    for attr in ["id", "name"] {
        let mut from = 0;
        while let Some(pos) = lower[from..].find(attr) {
            let start = from + pos;
            from = start + attr.len();
            // The attribute name must stand alone: preceded by whitespace.
            if start == 0 || !bytes[start - 1].is_ascii_whitespace() {
                continue;
            }
            let rest = html[from..].trim_start();
            let Some(rest) = rest.strip_prefix('=') else {
                continue;
            };
            let rest = rest.trim_start();
            let value = match rest.chars().next() {
                Some(q @ ('"' | '\'')) => rest[1..].split(q).next(),
                Some(_) => rest
                    .split(|c: char| c.is_whitespace() || c == '>' || c == '/')
                    .next(),
                None => None,
            };
            if let Some(v) = value.filter(|v| !v.is_empty()) {
                out.push(v.to_string());
            }
        }
    }
}
