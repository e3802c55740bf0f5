//! The rule registry and the rules themselves. Each rule looks at one document (and, for
//! orphans, the graph) and returns findings; severity comes from [`Settings`].
//!
//! Codes are stable: a code is never reused for a different rule.

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

use super::sections::Requirement;
use super::{Diagnostic, Settings, Severity};
use crate::corpus::heading;
use crate::corpus::lines::LineIndex;
use crate::corpus::parse::{is_related_heading, strip_bom};
use crate::corpus::{BrokenReason, Corpus, DocId, Document, LinkKind, LinkStatus};
use crate::graph::{DocGraph, LinkFilter};

/// What `--explain` and SARIF say about a rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RuleInfo {
    pub code: &'static str,
    pub name: &'static str,
    pub default: Severity,
    /// One line: what the rule finds.
    pub summary: &'static str,
    /// Why it matters and why it has its default severity.
    pub why: &'static str,
    /// How to fix a finding.
    pub fix: &'static str,
}

/// Every rule, in code order.
pub const RULES: &[RuleInfo] = &[
    RuleInfo {
        code: "AD001",
        name: "title-missing",
        default: Severity::Warning,
        summary: "the document has no H1 title, or the title is still a template placeholder such as `{Topic Title}`",
        why: "The title is what search results, indexes and related-document lists show. A warning, not an error: the document is still readable and its links still work.",
        fix: "Start the document with one `# Title` line that names the specific topic.",
    },
    RuleInfo {
        code: "AD002",
        name: "no-introduction",
        default: Severity::Warning,
        summary: "there is no text between the H1 title and the first H2 section",
        why: "The template asks for one to three paragraphs that say what the topic is and why it matters; readers and search snippets rely on it. Style, so a warning.",
        fix: "Write a short introduction right under the title, before the first `##` heading.",
    },
    RuleInfo {
        code: "AD003",
        name: "no-category-section",
        default: Severity::Warning,
        summary: "no H2/H3 heading meets any of the required sections of the document's category (or, for a category the card does not list, the document has no section besides Code Examples and Related Documents)",
        why: "A document without its category's sections is usually a stub or in the wrong folder. Structure, not correctness, so a warning.",
        fix: "Add the sections the template's Quick Reference Card names for this category, or move the document to the category it belongs to.",
    },
    RuleInfo {
        code: "AD004",
        name: "related-missing",
        default: Severity::Warning,
        summary: "the document has no Related Documents section",
        why: "Related Documents is how readers (and atomdoc's graph) move between topics; without it a page is a dead end. Style, so a warning.",
        fix: "End the document with `## Related Documents` and at least two `docs/atomic/...` paths.",
    },
    RuleInfo {
        code: "AD005",
        name: "few-related-links",
        default: Severity::Warning,
        summary: "the Related Documents section has fewer links than the template asks for (2 by default; `[check] min_related`)",
        why: "The template asks for at least 2-3 related documents. A short list is not wrong, so a warning.",
        fix: "Add related documents until the section lists at least the configured number.",
    },
    RuleInfo {
        code: "AD006",
        name: "placeholder-text",
        default: Severity::Warning,
        summary: "TODO or template placeholder text such as `{Brief introduction}` is left in the prose (code blocks and code spans are not looked at)",
        why: "Left-over placeholders show a document that was never finished. The text is still there to read, so a warning.",
        fix: "Replace the placeholder with real content, or delete it.",
    },
    RuleInfo {
        code: "AD007",
        name: "reference-section-left",
        default: Severity::Warning,
        summary: "a reference-only section of the template (\"Category-Specific Section Guide\", \"Validation Checklist\") was left in the document",
        why: "These sections guide the author and must be removed before publishing. Noise for readers, not breakage, so a warning.",
        fix: "Delete the section.",
    },
    RuleInfo {
        code: "AD008",
        name: "required-section-missing",
        default: Severity::Warning,
        summary: "a section the Quick Reference Card requires for the document's category is missing (one finding per section)",
        why: "The card says what every document of a category contains so readers find the same things in the same places. A gap, not breakage, so a warning.",
        fix: "Add an H2 or H3 whose words contain the required name (see the matching rule below), or set `[check.required_sections]` for the category.",
    },
    RuleInfo {
        code: "AD009",
        name: "related-link-form",
        default: Severity::Warning,
        summary: "a Related Documents link to a file in the docs tree is not written as a path from the repository root (`docs/atomic/...`)",
        why: "The template writes related documents as `docs/atomic/...` code spans so they read the same from every file and can be copied around. The link still works, so a warning.",
        fix: "Write the entry as `` `docs/atomic/<category>/<file>.md` — what it covers ``.",
    },
    RuleInfo {
        code: "AD010",
        name: "broken-link-missing",
        default: Severity::Error,
        summary: "a link points at a file or folder that does not exist",
        why: "A reader who follows it lands nowhere. Broken links are errors: they are always wrong and always fixable.",
        fix: "Correct the path, or remove the link if the target was deleted.",
    },
    RuleInfo {
        code: "AD011",
        name: "broken-link-anchor",
        default: Severity::Error,
        summary: "a link's `#fragment` matches no heading slug or HTML anchor of its target",
        why: "The reader lands on the right page but not the right place, usually after a heading was renamed. An error, like every broken link.",
        fix: "Use the slug of the current heading (lower-case, spaces as `-`), or add an `<a id=\"...\">` anchor.",
    },
    RuleInfo {
        code: "AD012",
        name: "broken-link-outside",
        default: Severity::Error,
        summary: "a link climbs out of the repository (`../../..`)",
        why: "The target is not part of the repository, so it is broken for everyone who clones it. An error.",
        fix: "Link to a file inside the repository, or use a full `https://` URL.",
    },
    RuleInfo {
        code: "AD013",
        name: "broken-link-placeholder",
        default: Severity::Error,
        summary: "a link still contains a template placeholder such as `docs/atomic/{category}/{file}.md`",
        why: "A placeholder link never resolves. An error, like every broken link.",
        fix: "Replace the placeholder with the real path, or delete the entry.",
    },
    RuleInfo {
        code: "AD014",
        name: "orphan",
        default: Severity::Warning,
        summary: "no other document links to this one (neither in Related Documents nor in the text)",
        why: "Nobody can reach an orphan by following links, only by search. A warning: the document itself may be fine, it is the others that should link to it.",
        fix: "Link to it from the Related Documents of the topics it belongs with, or from its category's README.",
    },
];

pub fn info(code: &str) -> Option<&'static RuleInfo> {
    RULES.iter().find(|r| r.code.eq_ignore_ascii_case(code))
}

/// The rules a selector names, as ruff reads `--select`: `ALL`, a code (`AD005`), a code
/// prefix (`AD01`: AD010 to AD014) or a rule name (`orphan`), ignoring case. An error names
/// the selector and the closest code or name.
pub fn matching(selector: &str) -> Result<Vec<&'static str>, String> {
    let s = selector.trim();
    if s.eq_ignore_ascii_case("ALL") {
        return Ok(RULES.iter().map(|r| r.code).collect());
    }
    let upper = s.to_ascii_uppercase();
    let found: Vec<&'static str> = RULES
        .iter()
        .filter(|r| {
            (upper.len() >= 2 && r.code.starts_with(&upper)) || r.name.eq_ignore_ascii_case(s)
        })
        .map(|r| r.code)
        .collect();
    if !found.is_empty() {
        return Ok(found);
    }
    let closest = RULES
        .iter()
        .flat_map(|r| [r.code, r.name])
        .min_by_key(|name| strsim::levenshtein(&s.to_ascii_lowercase(), &name.to_ascii_lowercase()))
        .unwrap_or("AD001");
    Err(format!(
        "no rule matches `{s}`; did you mean `{closest}`? Give codes (AD001 to AD{:03}), code prefixes (AD01) or ALL",
        RULES.len()
    ))
}

/// Applies `--select` and `--ignore` to `[check]`: a selection replaces `enable` (and turns
/// back on what `disable` turned off), ignored rules join `disable`. Severities set to `off`
/// in `atomdoc.toml` stay off.
pub fn apply_selection(
    config: &mut crate::config::CheckConfig,
    select: &[String],
    ignore: &[String],
) -> Result<(), String> {
    let expand = |selectors: &[String]| -> Result<Vec<&'static str>, String> {
        let mut codes = Vec::new();
        for s in selectors {
            codes.extend(matching(s)?);
        }
        codes.sort_unstable();
        codes.dedup();
        Ok(codes)
    };
    let selected = expand(select)?;
    let ignored = expand(ignore)?;
    if !selected.is_empty() {
        config.enable = selected.iter().map(|c| c.to_string()).collect();
        config
            .disable
            .retain(|c| !selected.iter().any(|s| s.eq_ignore_ascii_case(c)));
    }
    config.disable.extend(ignored.iter().map(|c| c.to_string()));
    Ok(())
}

/// The full `--explain` text of a rule.
pub fn explanation(rule: &RuleInfo) -> String {
    let mut s = format!(
        "{} ({}) — default severity: {}\n\n{}\n\nWhy: {}\n\nFix: {}\n",
        rule.code,
        rule.name,
        rule.default.as_str(),
        capitalize(rule.summary),
        rule.why,
        rule.fix
    );
    if matches!(rule.code, "AD003" | "AD008") {
        s.push_str(MATCHING_RULE);
    }
    s.push_str(
        "\nSilence it for one file with `<!-- atomdoc-disable CODE -->`, for paths with `[check.ignore]`, or everywhere with `[check] disable = [\"CODE\"]`.\n",
    );
    s
}

const MATCHING_RULE: &str = "
Matching: each comma-separated entry of the card's \"Required Sections\" cell is one requirement;
\"/\" or \"or\" separates alternatives that count as one (\"Upload/Download\"), and a tree's card also
takes the alternatives its template's Quick Section Selector lists. An H2 or H3 heading meets an
alternative when the alternative's words appear among the heading's words, in order and next to
each other, ignoring case and plurals, each required word being the start of a heading word
(\"Config Examples\" is met by \"Configuration Examples\", \"Rules\" by \"Guiding Rules\").
";

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// Builds findings for one document.
struct Out<'a> {
    doc: &'a Document,
    settings: &'a Settings,
    found: Vec<Diagnostic>,
}

impl Out<'_> {
    fn push(&mut self, code: &'static str, line: u32, column: u32, message: String, subject: &str) {
        let Some(&severity) = self.settings.severity.get(code) else {
            return;
        };
        let rule = info(code).expect("rule codes used here are registered");
        self.found.push(Diagnostic {
            code,
            rule: rule.name,
            severity,
            message,
            path: self.doc.path.clone(),
            line,
            column,
            subject: subject.to_string(),
            help: Some(rule.fix.to_string()),
        });
    }
}

/// One rule: its code is [`Rule::code`], its texts are in [`RULES`], its check is one
/// function ([`Rule::check`] dispatches).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rule {
    Title,
    Intro,
    CategorySection,
    RelatedSection,
    FewRelatedLinks,
    PlaceholderText,
    ReferenceSection,
    RequiredSection,
    RelatedPath,
    MissingTarget,
    MissingAnchor,
    OutsideLink,
    PlaceholderLink,
    Orphan,
}

impl Rule {
    /// Every rule, in code order (the order of [`RULES`]).
    pub const ALL: [Rule; 14] = [
        Rule::Title,
        Rule::Intro,
        Rule::CategorySection,
        Rule::RelatedSection,
        Rule::FewRelatedLinks,
        Rule::PlaceholderText,
        Rule::ReferenceSection,
        Rule::RequiredSection,
        Rule::RelatedPath,
        Rule::MissingTarget,
        Rule::MissingAnchor,
        Rule::OutsideLink,
        Rule::PlaceholderLink,
        Rule::Orphan,
    ];

    /// The rule's stable code.
    pub fn code(self) -> &'static str {
        match self {
            Rule::Title => "AD001",
            Rule::Intro => "AD002",
            Rule::CategorySection => "AD003",
            Rule::RelatedSection => "AD004",
            Rule::FewRelatedLinks => "AD005",
            Rule::PlaceholderText => "AD006",
            Rule::ReferenceSection => "AD007",
            Rule::RequiredSection => "AD008",
            Rule::RelatedPath => "AD009",
            Rule::MissingTarget => "AD010",
            Rule::MissingAnchor => "AD011",
            Rule::OutsideLink => "AD012",
            Rule::PlaceholderLink => "AD013",
            Rule::Orphan => "AD014",
        }
    }

    /// Whether the rule holds a document to the template, and so runs only on the kinds
    /// `[check] kinds` names. The broken-link rules (AD010–AD013) run on every document,
    /// index and meta pages too: a broken link is wrong wherever it is.
    pub fn is_template(self) -> bool {
        self.broken_reason().is_none()
    }

    /// The broken-link reason a broken-link rule reports.
    fn broken_reason(self) -> Option<BrokenReason> {
        match self {
            Rule::MissingTarget => Some(BrokenReason::Missing),
            Rule::MissingAnchor => Some(BrokenReason::Anchor),
            Rule::OutsideLink => Some(BrokenReason::Outside),
            Rule::PlaceholderLink => Some(BrokenReason::Placeholder),
            _ => None,
        }
    }

    /// Runs this rule on one document.
    fn check(self, cx: &Cx, out: &mut Out) {
        match self {
            Rule::Title => title(cx, out),
            Rule::Intro => intro(cx, out),
            Rule::CategorySection => category_section(cx, out),
            Rule::RelatedSection => related_section(cx, out),
            Rule::FewRelatedLinks => few_related_links(cx, out),
            Rule::PlaceholderText => placeholder_text(cx, out),
            Rule::ReferenceSection => reference_sections(cx, out),
            Rule::RequiredSection => required_sections(cx, out),
            Rule::RelatedPath => related_paths(cx, out),
            Rule::Orphan => orphan(cx, out),
            Rule::MissingTarget
            | Rule::MissingAnchor
            | Rule::OutsideLink
            | Rule::PlaceholderLink => {
                if let Some(reason) = self.broken_reason() {
                    broken_links(reason, cx, out);
                }
            }
        }
    }
}

/// What a rule looks at: one document, its raw text, the tree around it.
struct Cx<'a> {
    corpus: &'a Corpus,
    graph: &'a DocGraph,
    id: DocId,
    doc: &'a Document,
    source: &'a str,
    settings: &'a Settings,
    /// The H1's line, where document-wide findings point (1 without a title).
    head_line: u32,
}

impl Cx<'_> {
    /// The category's required sections that no H2/H3 heading meets (AD003, AD008).
    fn missing_sections(&self) -> (&[Requirement], Vec<&Requirement>) {
        let reqs = self.settings.requirements.for_doc(self.doc);
        let missing = reqs
            .iter()
            .filter(|r| r.met_by(&self.doc.headings).is_none())
            .collect();
        (reqs, missing)
    }

    /// The category's card key, for messages.
    fn card(&self) -> String {
        self.settings
            .requirements
            .key_for(self.doc)
            .map_or_else(|| "category".to_string(), |k| k.to_string())
    }

    /// The Related Documents heading (AD004, AD005).
    fn related_heading(&self) -> Option<&crate::corpus::Heading> {
        self.doc
            .headings
            .iter()
            .find(|h| h.level == 2 && is_related_heading(&h.text, &self.settings.links))
    }
}

/// Runs the enabled rules on document `id`; `source` is its raw text. Template rules run
/// only on the kinds `[check] kinds` names ([`Rule::is_template`]).
pub fn run(
    corpus: &Corpus,
    graph: &DocGraph,
    id: DocId,
    source: &str,
    settings: &Settings,
) -> Vec<Diagnostic> {
    let doc = corpus.doc(id);
    let cx = Cx {
        corpus,
        graph,
        id,
        doc,
        source,
        settings,
        head_line: doc
            .headings
            .iter()
            .find(|h| h.level == 1)
            .map_or(1, |h| h.line),
    };
    let mut out = Out {
        doc,
        settings,
        found: Vec::new(),
    };
    let templated = settings.templates(doc.kind);
    for rule in Rule::ALL {
        if (templated || !rule.is_template()) && settings.severity.contains_key(rule.code()) {
            rule.check(&cx, &mut out);
        }
    }
    out.found
}

/// AD001: a title that is there and is not a placeholder.
fn title(cx: &Cx, out: &mut Out) {
    match &cx.doc.title {
        None => out.push("AD001", 1, 1, "document has no H1 title".into(), "no title"),
        Some(t) if is_placeholder_title(t) => out.push(
            "AD001",
            cx.head_line,
            1,
            format!("title `{t}` is still a template placeholder"),
            t,
        ),
        _ => {}
    }
}

/// AD002: an introduction between the title and the first section.
fn intro(cx: &Cx, out: &mut Out) {
    if cx.doc.title.is_some() && cx.doc.intro.trim().is_empty() {
        out.push(
            "AD002",
            cx.head_line,
            1,
            "no introduction between the title and the first section".into(),
            "no introduction",
        );
    }
}

/// AD003: at least one section of the category's card (or, without a card, a body section).
fn category_section(cx: &Cx, out: &mut Out) {
    let (reqs, missing) = cx.missing_sections();
    if !reqs.is_empty() && missing.len() == reqs.len() {
        out.push(
            "AD003",
            cx.head_line,
            1,
            format!(
                "no section of the {} card: none of {} is among the H2/H3 headings",
                cx.card(),
                reqs.iter()
                    .map(|r| format!("`{}`", r.name))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            "no category section",
        );
    } else if reqs.is_empty() && !has_body_section(cx.doc, cx.settings) {
        out.push(
            "AD003",
            cx.head_line,
            1,
            "no section besides Code Examples and Related Documents".into(),
            "no category section",
        );
    }
}

/// AD008: every required section of the category, one finding per missing one.
fn required_sections(cx: &Cx, out: &mut Out) {
    let (_, missing) = cx.missing_sections();
    for r in &missing {
        out.push(
            "AD008",
            cx.head_line,
            1,
            format!(
                "required section `{}` missing ({} documents); no H2/H3 heading contains these words",
                r.name,
                cx.card()
            ),
            &r.name,
        );
    }
}

/// AD004: a Related Documents section.
fn related_section(cx: &Cx, out: &mut Out) {
    if cx.related_heading().is_none() {
        out.push(
            "AD004",
            cx.head_line,
            1,
            "no Related Documents section".into(),
            "no related section",
        );
    }
}

/// AD005: enough links in the Related Documents section.
fn few_related_links(cx: &Cx, out: &mut Out) {
    let Some(h) = cx.related_heading() else {
        return;
    };
    let n = cx
        .doc
        .links
        .iter()
        .filter(|l| l.kind == LinkKind::Related)
        .count();
    if n < cx.settings.min_related {
        let what = match n {
            0 => "no related links".to_string(),
            1 => "only 1 related link".to_string(),
            n => format!("only {n} related links"),
        };
        out.push(
            "AD005",
            h.line,
            1,
            format!(
                "{what}; the template asks for at least {}",
                cx.settings.min_related
            ),
            "few related links",
        );
    }
}

/// AD006: TODOs and template placeholders left in the prose.
fn placeholder_text(cx: &Cx, out: &mut Out) {
    for p in placeholders(cx.source) {
        out.push(
            "AD006",
            p.line,
            p.column,
            if p.text == "TODO" {
                "TODO left in the text".into()
            } else {
                format!("template placeholder `{}` left in the text", p.text)
            },
            &p.text,
        );
    }
}

/// AD007: reference-only template sections left in.
fn reference_sections(cx: &Cx, out: &mut Out) {
    for h in cx.doc.headings.iter().filter(|h| h.level <= 3) {
        if let Some(r) = cx
            .settings
            .reference_sections
            .iter()
            .find(|r| heading::same(&h.text, r))
        {
            out.push(
                "AD007",
                h.line,
                1,
                format!("reference-only template section \"{r}\" left in; remove it"),
                r,
            );
        }
    }
}

/// AD009: related links written as `docs/atomic/...`.
fn related_paths(cx: &Cx, out: &mut Out) {
    let root = &cx.corpus.root;
    let root_prefix = if root.is_empty() {
        String::new()
    } else {
        format!("{root}/")
    };
    for l in cx.doc.links.iter().filter(|l| l.kind == LinkKind::Related) {
        // A broken link is AD010–AD013's; suggesting a path that does not exist helps nobody.
        let (Some(resolved), LinkStatus::Ok) = (&l.resolved, l.status) else {
            continue;
        };
        if !resolved.starts_with(&root_prefix) {
            continue;
        }
        let written = l.target.trim_start_matches("./").trim_start_matches('/');
        if !written.starts_with(&root_prefix) || root_prefix.is_empty() && l.target.starts_with('.')
        {
            out.push(
                "AD009",
                l.line,
                l.column,
                format!(
                    "related link `{}` is not written as `{root_prefix}...`; write `{resolved}`",
                    l.target
                ),
                &l.target,
            );
        }
    }
}

/// AD014: something in the repository links here.
fn orphan(cx: &Cx, out: &mut Out) {
    if cx.graph.is_orphan(cx.corpus, cx.id, LinkFilter::Any) {
        out.push(
            "AD014",
            cx.head_line,
            1,
            "orphan: nothing in the repository links here".into(),
            "orphan",
        );
    }
}

/// AD010–AD013: the document's links broken for `reason`, one rule per reason.
fn broken_links(reason: BrokenReason, cx: &Cx, out: &mut Out) {
    for l in cx
        .doc
        .links
        .iter()
        .filter(|l| l.broken_reason() == Some(reason))
    {
        let (code, message) = match reason {
            BrokenReason::Missing => (
                "AD010",
                format!(
                    "broken link `{}`: {} does not exist",
                    l.target,
                    l.resolved.as_deref().unwrap_or("the target")
                ),
            ),
            BrokenReason::Anchor => (
                "AD011",
                format!(
                    "broken link `{}`: no heading or anchor `#{}` in {}",
                    l.target,
                    l.fragment.as_deref().unwrap_or(""),
                    l.resolved.as_deref().unwrap_or("the target")
                ),
            ),
            BrokenReason::Outside => (
                "AD012",
                format!("broken link `{}`: points outside the repository", l.target),
            ),
            BrokenReason::Placeholder => (
                "AD013",
                format!("broken link `{}`: template placeholder left in", l.target),
            ),
        };
        out.push(code, l.line, l.column, message, &l.target);
    }
}

/// Puts the did-you-mean `query broken` shows (`search::suggest`) before the fix in the help
/// of each AD010/AD011 finding (a missing path or anchor). Run by `atomdoc check` over the
/// findings it prints, not by the rules: a suggestion depends on the whole tree, and a live
/// workspace checks again only the documents a change reaches.
pub fn suggest_fixes(corpus: &Corpus, diagnostics: &mut [Diagnostic]) {
    let mut suggester = crate::search::suggest::Suggester::new(corpus);
    for d in diagnostics
        .iter_mut()
        .filter(|d| matches!(d.code, "AD010" | "AD011"))
    {
        let Some(id) = corpus.doc_id(&d.path) else {
            continue;
        };
        let doc = corpus.doc(id);
        let Some(link) = doc
            .links
            .iter()
            .find(|l| l.line == d.line && l.column == d.column && l.target == d.subject)
        else {
            continue;
        };
        let found = suggester.for_link(id, link);
        if found.is_empty() {
            continue;
        }
        let names: Vec<String> = found.iter().map(|f| format!("`{f}`")).collect();
        let fix = d.help.take().unwrap_or_default();
        d.help = Some(
            format!("did you mean {}? {fix}", names.join(" or "))
                .trim_end()
                .to_string(),
        );
    }
}

fn is_placeholder_title(title: &str) -> bool {
    let t = title.trim();
    t.is_empty() || (t.contains('{') && t.contains('}'))
}

/// Whether the document has an H2 that is not Code Examples, Related Documents or a
/// reference-only section.
fn has_body_section(doc: &Document, settings: &Settings) -> bool {
    doc.headings.iter().filter(|h| h.level == 2).any(|h| {
        !(heading::same(&h.text, "Code Examples")
            || heading::same(&h.text, "Code Example")
            || is_related_heading(&h.text, &settings.links)
            || settings
                .reference_sections
                .iter()
                .any(|r| heading::same(&h.text, r)))
    })
}

/// A TODO or `{placeholder}` found in prose.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placeholder {
    pub line: u32,
    pub column: u32,
    pub text: String,
}

/// TODOs and `{placeholders}` in the prose of `source`: text outside code blocks, code spans,
/// raw HTML, front matter and the H1 (whose placeholder is AD001's).
pub fn placeholders(source: &str) -> Vec<Placeholder> {
    let src = strip_bom(source);
    let lines = LineIndex::new(src);
    let opts = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_YAML_STYLE_METADATA_BLOCKS;
    let mut found = Vec::new();
    let mut skip = 0usize;
    // Consecutive text events are joined so that a placeholder split by the parser is seen
    // whole; `run` holds the start offset and the text.
    let mut run: Option<(usize, usize, String)> = None;
    let flush = |run: &mut Option<(usize, usize, String)>, found: &mut Vec<Placeholder>| {
        if let Some((start, _, text)) = run.take() {
            for (off, t) in scan_placeholders(&text) {
                let (line, column) = lines.line_col(start + off);
                found.push(Placeholder {
                    line,
                    column,
                    text: t,
                });
            }
        }
    };
    for (event, range) in Parser::new_ext(src, opts).into_offset_iter() {
        match event {
            Event::Start(
                Tag::CodeBlock(_)
                | Tag::MetadataBlock(_)
                | Tag::Heading {
                    level: pulldown_cmark::HeadingLevel::H1,
                    ..
                }
                | Tag::HtmlBlock,
            ) => {
                flush(&mut run, &mut found);
                skip += 1;
            }
            Event::End(
                TagEnd::CodeBlock
                | TagEnd::MetadataBlock(_)
                | TagEnd::Heading(pulldown_cmark::HeadingLevel::H1)
                | TagEnd::HtmlBlock,
            ) => {
                flush(&mut run, &mut found);
                skip = skip.saturating_sub(1);
            }
            Event::Text(text) if skip == 0 => {
                // Text with escapes has a range longer than its text; offsets inside it
                // are then only approximate, so start a new run at every event whose source
                // is not the text itself.
                let exact = src.get(range.clone()) == Some(&*text);
                match &mut run {
                    Some((_, end, buf)) if *end == range.start && exact => {
                        buf.push_str(&text);
                        *end = range.end;
                    }
                    _ => {
                        flush(&mut run, &mut found);
                        run = Some((range.start, range.end, text.to_string()));
                    }
                }
            }
            _ => flush(&mut run, &mut found),
        }
    }
    flush(&mut run, &mut found);
    found
}

/// Byte offsets and texts of `TODO` words and `{placeholder}`s in a piece of prose.
fn scan_placeholders(text: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    for (i, _) in text.match_indices("TODO") {
        let before = text[..i].chars().next_back();
        let after = text[i + 4..].chars().next();
        let boundary = |c: Option<char>| c.is_none_or(|c| !c.is_alphanumeric() && c != '_');
        if boundary(before) && boundary(after) {
            out.push((i, "TODO".to_string()));
        }
    }
    let mut rest = 0;
    while let Some(open) = text[rest..].find('{') {
        let start = rest + open;
        let Some(len) = text[start + 1..].find(['}', '{', '\n']) else {
            break;
        };
        let inner = &text[start + 1..start + 1 + len];
        let closed = text[start + 1 + len..].starts_with('}');
        if closed
            && inner.chars().next().is_some_and(char::is_alphabetic)
            && !inner.contains(['"', '\''])
            && inner.chars().count() <= 200
        {
            out.push((start, format!("{{{inner}}}")));
            rest = start + 1 + len + 1;
        } else {
            rest = start + 1;
        }
    }
    out.sort();
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn selectors_name_codes_prefixes_names_and_all() {
        assert_eq!(matching("AD005").unwrap(), ["AD005"]);
        assert_eq!(
            matching("ad01").unwrap(),
            ["AD010", "AD011", "AD012", "AD013", "AD014"]
        );
        assert_eq!(matching("orphan").unwrap(), ["AD014"]);
        assert_eq!(matching("ALL").unwrap().len(), RULES.len());
        let err = matching("AD05").unwrap_err();
        assert!(err.contains("no rule matches `AD05`"), "{err}");
        assert!(
            matching("orphn")
                .unwrap_err()
                .contains("did you mean `orphan`")
        );
        let mut config = crate::config::CheckConfig {
            disable: vec!["AD005".into()],
            ..Default::default()
        };
        apply_selection(&mut config, &["AD00".into()], &["ad006".into()]).unwrap();
        assert_eq!(config.enable.len(), 9);
        assert_eq!(config.disable, ["AD006"]);
    }

    use super::*;

    /// `Rule::ALL` and `RULES` list the same rules in the same order, each code once, and
    /// exactly the broken-link rules run outside the template's kinds.
    #[test]
    fn every_rule_has_one_registry_entry() {
        assert_eq!(Rule::ALL.len(), RULES.len());
        for (rule, info) in Rule::ALL.iter().zip(RULES) {
            assert_eq!(rule.code(), info.code);
            assert_eq!(
                rule.is_template(),
                !matches!(info.code, "AD010" | "AD011" | "AD012" | "AD013"),
                "{}",
                info.code
            );
        }
    }

    fn texts(src: &str) -> Vec<(u32, u32, String)> {
        placeholders(src)
            .into_iter()
            .map(|p| (p.line, p.column, p.text))
            .collect()
    }

    #[test]
    fn placeholders_in_prose_only() {
        let src = "# {Topic Title}\n\n{Brief introduction: what and why}\n\nTODO: write more. TODOS and todo are fine.\n\n```python\nx = f\"{name}\"  # TODO\n```\n\n`{category}` in code, {\"json\": 1} is not one.\n\n<!-- TODO in a comment -->\n";
        assert_eq!(
            texts(src),
            [
                (3, 1, "{Brief introduction: what and why}".to_string()),
                (5, 1, "TODO".to_string()),
            ]
        );
    }

    #[test]
    fn placeholder_columns_count_characters() {
        assert_eq!(
            texts("# T\n\nÉté — {x_y} ok\n"),
            [(3, 7, "{x_y}".to_string())]
        );
    }

    #[test]
    fn every_rule_has_an_explanation() {
        for (i, r) in RULES.iter().enumerate() {
            assert_eq!(r.code, format!("AD{:03}", i + 1));
            assert!(explanation(r).contains(r.name));
        }
    }
}
