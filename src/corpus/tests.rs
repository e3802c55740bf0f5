//! Table-driven tests for the link rules of `docs/links.md` (issue sections 4–6), run on
//! in-memory trees.

use super::dialect::{Dialect, Site, SlugCounter};
use super::links::{BrokenReason::*, LinkStatus};
use super::parse::{code_span_link, parse};
use super::{Corpus, DocKind, LinkKind, LinkSyntax};
use crate::config::{Config, LinksConfig};
use crate::graph::{DocGraph, LinkFilter};
use crate::relpath::normalize;

const ROOT: &str = "docs/atomic";

/// Builds a corpus: `.md` files under the root are documents; every file exists in the repo.
fn corpus(files: &[(&str, &str)]) -> Corpus {
    Corpus::from_files(ROOT, files, &Config::default())
}

/// The status, resolved path and edge target of each link of `doc`, in order.
fn links_of(c: &Corpus, doc: &str) -> Vec<(String, LinkStatus, Option<String>, Option<String>)> {
    let d = c.doc(c.doc_id(doc).unwrap_or_else(|| panic!("no document {doc}")));
    d.links
        .iter()
        .map(|l| {
            (
                l.target.clone(),
                l.status,
                l.resolved.clone(),
                l.to_doc.map(|t| c.doc(t).path.clone()),
            )
        })
        .collect()
}

fn ok(
    target: &str,
    resolved: &str,
    edge: Option<&str>,
) -> (String, LinkStatus, Option<String>, Option<String>) {
    (
        target.into(),
        LinkStatus::Ok,
        Some(resolved.into()),
        edge.map(String::from),
    )
}

fn broken(
    target: &str,
    reason: super::BrokenReason,
    resolved: Option<&str>,
) -> (String, LinkStatus, Option<String>, Option<String>) {
    (
        target.into(),
        LinkStatus::Broken(reason),
        resolved.map(String::from),
        None,
    )
}

const A: &str = "docs/atomic/cat/a.md";
const B_TEXT: &str = "# B\n\n## Pool Sizing\n\n## Retries & Back-off (v2)\n\n## Setup\n\n## Setup\n\n<a id=\"core-docs\"></a>\n";

#[test]
fn rule_a_markdown_link_forms() {
    let text = "# A\n\n[inline](b.md) and [ref][r] and [collapsed][] and [short]\n\n\
                ![img](pic.png) <https://example.com/x> <me@example.com> [web](http://x.y)\n\n\
                [r]: b.md\n[collapsed]: b.md\n[short]: b.md\n";
    let c = corpus(&[(A, text), ("docs/atomic/cat/b.md", B_TEXT)]);
    let d = c.doc(c.doc_id(A).unwrap());
    let syntaxes: Vec<LinkSyntax> = d.links.iter().map(|l| l.syntax).collect();
    use LinkSyntax::*;
    assert_eq!(
        syntaxes,
        [
            Inline, Reference, Reference, Reference, Image, Autolink, Autolink, Inline
        ]
    );
    let statuses: Vec<LinkStatus> = d.links.iter().map(|l| l.status).collect();
    assert_eq!(statuses[..4], [LinkStatus::Ok; 4]);
    assert_eq!(statuses[4], LinkStatus::Broken(Missing));
    assert_eq!(statuses[5..], [LinkStatus::External; 3]);
    assert_eq!(d.links[6].target, "mailto:me@example.com");
    // Lines and columns point at the link's first character.
    assert_eq!((d.links[0].line, d.links[0].column), (3, 1));
    assert_eq!((d.links[1].line, d.links[1].column), (3, 20));
}

#[test]
fn rule_a_no_links_in_code_or_raw_html() {
    let text = "# A\n\n```md\n[fenced](x.md) `docs/atomic/x.md`\n```\n\n    [indented](y.md)\n\n\
                <div>\n[html](z.md)\n</div>\n\n~~~\nunclosed [fence](w.md)\n";
    let c = corpus(&[(A, text)]);
    assert!(links_of(&c, A).is_empty());
}

#[test]
fn rule_b_code_span_paths() {
    let cases: &[(&str, Option<&str>)] = &[
        ("docs/atomic/cat/b.md", Some("docs/atomic/cat/b.md")),
        ("./docs/atomic/cat/b.md", Some("./docs/atomic/cat/b.md")),
        (" docs/atomic/cat/b.md ", Some("docs/atomic/cat/b.md")),
        ("docs/legacy/x.mdc", Some("docs/legacy/x.mdc")),
        (
            "docs/atomic/cat/b.md#pool-sizing",
            Some("docs/atomic/cat/b.md#pool-sizing"),
        ),
        (
            "docs/atomic/{category}/{file}.md",
            Some("docs/atomic/{category}/{file}.md"),
        ),
        ("docs/atomic/services/*.md", None),
        ("docs/atomic/cat/b.txt", None),
        ("src/docs/a.md", None),
        ("docs/atomic/my file.md", None),
        ("see docs/atomic/a.md", None),
        ("", None),
    ];
    let config = LinksConfig::default();
    for (code, want) in cases {
        assert_eq!(
            code_span_link(code, &config).as_deref(),
            *want,
            "code span `{code}`"
        );
    }
    let custom = LinksConfig {
        code_span_prefixes: vec!["src/".into()],
        ..LinksConfig::default()
    };
    assert_eq!(
        code_span_link("src/intro.md", &custom).as_deref(),
        Some("src/intro.md")
    );
    assert_eq!(code_span_link("docs/intro.md", &custom), None);
}

#[test]
fn rule_b_code_spans_resolve_from_repo_root() {
    let text = "# A\n\n## Related Documents\n\n- `docs/atomic/cat/b.md` — b\n- `./docs/atomic/cat/b.md#setup-1`\n\
                - `docs/legacy/old.mdc`\n- `docs/atomic/{category}/{x}.md`\n- `docs/atomic/nope.md`\n\
                - `docs/../../etc/passwd.md`\n- [`docs/atomic/cat/b.md`](b.md)\n";
    let c = corpus(&[
        (A, text),
        ("docs/atomic/cat/b.md", B_TEXT),
        ("docs/legacy/old.mdc", "x"),
    ]);
    assert_eq!(
        links_of(&c, A),
        [
            ok(
                "docs/atomic/cat/b.md",
                "docs/atomic/cat/b.md",
                Some("docs/atomic/cat/b.md")
            ),
            ok(
                "./docs/atomic/cat/b.md#setup-1",
                "docs/atomic/cat/b.md",
                Some("docs/atomic/cat/b.md")
            ),
            ok("docs/legacy/old.mdc", "docs/legacy/old.mdc", None),
            broken("docs/atomic/{category}/{x}.md", Placeholder, None),
            broken("docs/atomic/nope.md", Missing, Some("docs/atomic/nope.md")),
            broken("docs/../../etc/passwd.md", Outside, None),
            // A code span inside link text is a link of its own (rule b has no exception).
            ok("b.md", "docs/atomic/cat/b.md", Some("docs/atomic/cat/b.md")),
            ok(
                "docs/atomic/cat/b.md",
                "docs/atomic/cat/b.md",
                Some("docs/atomic/cat/b.md")
            ),
        ]
    );
}

#[test]
fn rule_c_resolution() {
    let text = "# A\n\n[pct](my%20doc.md) [q](b.md?plain=1) [root](/docs/atomic/cat/b.md) \
                [up](../other/c.md) [dot](./b.md) [climb](../../../../x.md) [enc](%2e%2e/%2e%2e/%2e%2e/%2e%2e/x.md) \
                [norm](../cat/./b.md) [abs](/README.md) [proto](//docs/atomic/cat/b.md)\n";
    let c = corpus(&[
        (A, text),
        ("docs/atomic/cat/b.md", B_TEXT),
        ("docs/atomic/cat/my doc.md", "# Spaced\n"),
        ("docs/atomic/other/c.md", "# C\n"),
        ("README.md", "# Repo\n"),
    ]);
    let b = Some("docs/atomic/cat/b.md");
    assert_eq!(
        links_of(&c, A),
        [
            ok(
                "my%20doc.md",
                "docs/atomic/cat/my doc.md",
                Some("docs/atomic/cat/my doc.md")
            ),
            ok("b.md?plain=1", "docs/atomic/cat/b.md", b),
            ok("/docs/atomic/cat/b.md", "docs/atomic/cat/b.md", b),
            ok(
                "../other/c.md",
                "docs/atomic/other/c.md",
                Some("docs/atomic/other/c.md")
            ),
            ok("./b.md", "docs/atomic/cat/b.md", b),
            broken("../../../../x.md", Outside, None),
            broken("%2e%2e/%2e%2e/%2e%2e/%2e%2e/x.md", Outside, None),
            ok("../cat/./b.md", "docs/atomic/cat/b.md", b),
            ok("/README.md", "README.md", None),
            // No scheme, so not a URL: `//x` is `/x`, relative to the repository root.
            ok("//docs/atomic/cat/b.md", "docs/atomic/cat/b.md", b),
        ]
    );
}

#[test]
fn normalisation_never_climbs_above_the_start() {
    assert_eq!(normalize("a/./b/../c").as_deref(), Some("a/c"));
    assert_eq!(normalize("a//b/").as_deref(), Some("a/b"));
    assert_eq!(normalize("a/../..").as_deref(), None);
    assert_eq!(normalize("..").as_deref(), None);
    assert_eq!(normalize("").as_deref(), Some(""));
}

#[test]
fn rule_d_files_and_directories() {
    let text = "# A\n\n[dir](../withreadme) [dir2](../plain/) [gone](../gone/) [img](../img/x.png) [self](a.md)\n";
    let c = corpus(&[
        (A, text),
        ("docs/atomic/withreadme/README.md", "# Index\n"),
        ("docs/atomic/plain/x.txt", "x"),
        ("docs/atomic/img/x.png", "png"),
    ]);
    assert_eq!(
        links_of(&c, A),
        [
            ok(
                "../withreadme",
                "docs/atomic/withreadme",
                Some("docs/atomic/withreadme/README.md")
            ),
            ok("../plain/", "docs/atomic/plain", None),
            broken("../gone/", Missing, Some("docs/atomic/gone")),
            ok("../img/x.png", "docs/atomic/img/x.png", None),
            ok("a.md", A, None),
        ]
    );
}

#[test]
fn rule_e_fragments() {
    let text = "# A\n\n## Local Part\n\n[s](#local-part) [S](#LOCAL-PART) [bad](#nowhere) \
                [p](b.md#pool-sizing) [amp](b.md#retries--back-off-v2) [dup](b.md#setup-1) \
                [dup2](b.md#setup-2) [html](b.md#core-docs) [pct](b.md#Pool%2DSizing) \
                [ext](../../guide.md#intro) [extbad](../../guide.md#nope) [mdc](../../x.mdc#any) [empty](b.md#)\n";
    let c = corpus(&[
        (A, text),
        ("docs/atomic/cat/b.md", B_TEXT),
        ("docs/guide.md", "# Guide\n\n## Intro\n"),
        ("docs/x.mdc", "# X\n"),
    ]);
    let statuses: Vec<(String, LinkStatus)> = links_of(&c, A)
        .into_iter()
        .map(|(t, s, _, _)| (t, s))
        .collect();
    let want = [
        ("#local-part", LinkStatus::Ok),
        ("#LOCAL-PART", LinkStatus::Ok),
        ("#nowhere", LinkStatus::Broken(Anchor)),
        ("b.md#pool-sizing", LinkStatus::Ok),
        ("b.md#retries--back-off-v2", LinkStatus::Ok),
        ("b.md#setup-1", LinkStatus::Ok),
        ("b.md#setup-2", LinkStatus::Broken(Anchor)),
        ("b.md#core-docs", LinkStatus::Ok),
        ("b.md#Pool%2DSizing", LinkStatus::Ok),
        ("../../guide.md#intro", LinkStatus::Ok),
        ("../../guide.md#nope", LinkStatus::Broken(Anchor)),
        ("../../x.mdc#any", LinkStatus::Ok),
        ("b.md#", LinkStatus::Ok),
    ];
    let want: Vec<(String, LinkStatus)> = want.iter().map(|(t, s)| (t.to_string(), *s)).collect();
    assert_eq!(statuses, want);
}

#[test]
fn rule_e_headings_in_code_blocks_are_not_headings() {
    let text = "# A\n\n```\n## Fake\n```\n\n## Real\n\n````\n```\n## Also Fake\n````\n";
    let p = parse(text, &LinksConfig::default());
    let slugs: Vec<&str> = p.headings.iter().map(|h| h.slug.as_str()).collect();
    assert_eq!(slugs, ["a", "real"]);
}

/// The anchors a dialect gives a document's headings, in order.
fn anchors(dialect: Dialect, headings: &[&str]) -> Vec<String> {
    let mut counter = SlugCounter::new(dialect);
    headings.iter().map(|h| counter.next(h)).collect()
}

/// Heading → anchor pairs for each dialect, in one document (so repeats count). Checked
/// against each generator's own code: the `github` column with github-slugger 2.0.0 run under
/// node; the `mdbook` column with `id_from_content` and `unique_id` of mdbook-html 0.5.4
/// compiled as they are; the `gitlab` column by hand from gitlabhq's `string_to_anchor` and
/// its table-of-contents filter's counter (no Ruby here).
#[test]
fn slugs_follow_each_generator() {
    let table: &[(&str, &str, &str, &str)] = &[
        // heading, github, gitlab, mdbook
        ("Pool Sizing", "pool-sizing", "pool-sizing", "pool-sizing"),
        (
            "Retries & Back-off (v2)",
            "retries--back-off-v2",
            "retries-back-off-v2",
            "retries--back-off-v2",
        ),
        (
            "🚀 Quick Start",
            "-quick-start",
            "-quick-start",
            "-quick-start",
        ),
        (
            "Hello 👋 World",
            "hello--world",
            "hello-world",
            "hello--world",
        ),
        ("Race/select", "raceselect", "raceselect", "raceselect"),
        // Devanagari with a virama (a mark): GitHub keeps it, mdBook's `is_alphanumeric`
        // drops it.
        ("हिन्दी", "हिन्दी", "हिन्दी", "हिनदी"),
        // A decomposed é: the combining accent is a mark.
        ("Cafe\u{301}", "cafe\u{301}", "cafe\u{301}", "cafe"),
        ("foo‿bar", "foo‿bar", "foo‿bar", "foobar"),
        (
            "snake_case_name",
            "snake_case_name",
            "snake_case_name",
            "snake_case_name",
        ),
        ("中文标题", "中文标题", "中文标题", "中文标题"),
        (
            "日本語の見出し",
            "日本語の見出し",
            "日本語の見出し",
            "日本語の見出し",
        ),
        ("한국어", "한국어", "한국어", "한국어"),
        ("Привет, мир", "привет-мир", "привет-мир", "привет-мир"),
        // A final sigma lowers to ς in all three.
        ("ΣΑΣ", "σας", "σας", "σας"),
        ("Straße", "straße", "straße", "straße"),
        // ² and ½ are "other numbers": GitHub and GitLab drop them, mdBook keeps them.
        ("x² and ½", "x-and-", "x-and-", "x²-and-½"),
        ("Ⅻ Roman", "ⅻ-roman", "ⅻ-roman", "ⅻ-roman"),
        ("a -- b", "a----b", "a-b", "a----b"),
        ("C++ & C#", "c--c", "c-c", "c--c"),
        ("What's new?", "whats-new", "whats-new", "whats-new"),
        ("1.2.3", "123", "anchor-123", "123"),
        ("Über", "über", "über", "über"),
        ("Über", "über-1", "über-1", "über-1"),
        ("Über-1", "über-1-1", "über-1", "über-1-1"),
        ("Über", "über-2", "über-2", "über-2"),
    ];
    let headings: Vec<&str> = table.iter().map(|row| row.0).collect();
    for (dialect, column) in [
        (Dialect::Github, 1),
        (Dialect::Gitlab, 2),
        (Dialect::Mdbook, 3),
    ] {
        let got = anchors(dialect, &headings);
        for (row, got) in table.iter().zip(got) {
            let want = [row.1, row.2, row.3][column - 1];
            assert_eq!(got, want, "{dialect:?} anchor of {:?}", row.0);
        }
    }
}

#[test]
fn custom_heading_ids_are_anchors_in_every_dialect() {
    let text = "# Guide {#start}\n\n## Setup {#install-it}\n\n## Setup\n\n## Plain\n";
    for dialect in [Dialect::Github, Dialect::Gitlab, Dialect::Mdbook] {
        let config = LinksConfig {
            site: Site::new(dialect),
            ..LinksConfig::default()
        };
        let p = parse(text, &config);
        let slugs: Vec<&str> = p.headings.iter().map(|h| h.slug.as_str()).collect();
        assert_eq!(
            slugs,
            ["start", "install-it", "setup", "plain"],
            "{dialect:?}"
        );
        assert_eq!(
            p.title.as_deref(),
            Some("Guide"),
            "the attribute is not in the title"
        );
    }
    // Braces without an id are text: the template's placeholder title stays a placeholder.
    let p = parse(
        "# {Topic Title}\n\n## Setup {.wide}\n",
        &LinksConfig::default(),
    );
    assert_eq!(p.title.as_deref(), Some("{Topic Title}"));
    assert_eq!(p.headings[1].slug, "setup-wide");
}

#[test]
fn anchor_suggestions_use_the_dialect_slugs() {
    // `#हिनदी` (the virama dropped) is what the old slug made; GitHub keeps the mark.
    let c = corpus(&[(
        "docs/atomic/a/x.md",
        "# X\n\n## हिन्दी\n\n[ok](#हिन्दी) [bad](#हिनदी)\n",
    )]);
    let statuses: Vec<LinkStatus> = links_of(&c, "docs/atomic/a/x.md")
        .into_iter()
        .map(|l| l.1)
        .collect();
    assert_eq!(statuses, [LinkStatus::Ok, LinkStatus::Broken(Anchor)]);
    // The did-you-mean reads the same anchors.
    let suggestions = crate::search::suggest::anchor(&c, 0, "हिनदी");
    assert_eq!(
        suggestions.first().map(String::as_str),
        Some("docs/atomic/a/x.md#हिन्दी")
    );
}

#[test]
fn slugs_come_from_the_heading_text_as_rendered() {
    let text = "# A\n\n## Two  spaces\n\n## ![logo](l.png) Logo Title\n\n## Tab\there\n";
    let p = parse(text, &LinksConfig::default());
    let slugs: Vec<&str> = p.headings.iter().map(|h| h.slug.as_str()).collect();
    assert_eq!(slugs, ["a", "two--spaces", "-logo-title", "tabhere"]);
    assert_eq!(p.headings[1].text, "Two spaces");
}

#[test]
fn html_anchors_skip_comments() {
    let text = "<a id=\"real\"></a>\n\n<!-- <a id=\"commented\"></a>\n<a name=\"still-comment\"> -->\n\n\
                <p title=\"id=fake\" name='named'>x</p>\n";
    let p = parse(text, &LinksConfig::default());
    assert_eq!(p.html_anchors, ["real", "named"]);
}

#[test]
fn heading_text_drops_markup() {
    let p = parse(
        "# The `Redis` *Pool* [link](x.md)\n",
        &LinksConfig::default(),
    );
    assert_eq!(p.title.as_deref(), Some("The Redis Pool link"));
    assert_eq!(p.headings[0].slug, "the-redis-pool-link");
}

#[test]
fn rule_f_related_sections() {
    let text = "# A\n\n[before](b.md)\n\n## 🔗 Related Documents\n\n- [r1](b.md)\n\n### Sub\n\n[r2](b.md)\n\n\
                ## Next\n\n[after](b.md)\n\n## see also\n\n[r3](b.md)\n\n# New Top\n\n[top](b.md)\n\n## Related\n\n[r4](b.md)\n";
    let c = corpus(&[(A, text), ("docs/atomic/cat/b.md", B_TEXT)]);
    let d = c.doc(c.doc_id(A).unwrap());
    let kinds: Vec<LinkKind> = d.links.iter().map(|l| l.kind).collect();
    use LinkKind::*;
    assert_eq!(
        kinds,
        [Inline, Related, Related, Inline, Related, Inline, Related]
    );
    let custom = Config {
        links: LinksConfig {
            related_sections: vec!["Further Reading".into()],
            ..LinksConfig::default()
        },
        ..Config::default()
    };
    let p = parse(
        "# A\n\n## Further reading\n\n[x](b.md)\n\n## Related\n\n[y](b.md)\n",
        &custom.links,
    );
    assert_eq!(
        p.links.iter().map(|l| l.kind).collect::<Vec<_>>(),
        [Related, Inline]
    );
}

#[test]
fn rule_g_edges_and_orphans() {
    let files = [
        ("docs/atomic/README.md", "# Index\n\n[x](cat/x.md)\n"),
        ("docs/atomic/CHANGELOG.md", "# Changes\n"),
        (
            "docs/atomic/TEMPLATE.md",
            "# {Topic Title}\n\n[y](cat/y.md)\n",
        ),
        (
            "docs/atomic/cat/x.md",
            "# X\n\n[self](x.md) [me](#x) [img](../pic.png)\n",
        ),
        (
            "docs/atomic/cat/y.md",
            "# Y\n\n## Related Documents\n\n- `docs/atomic/cat/z.md`\n",
        ),
        ("docs/atomic/cat/z.md", "# Z\n\n[inline to w](w.md)\n"),
        ("docs/atomic/cat/w.md", "# W\n"),
        ("docs/atomic/pic.png", ""),
    ];
    let c = corpus(&files);
    assert_eq!(c.docs.len(), 6, "the template is not a document");
    assert_eq!(c.template.as_ref().map(|t| t.kind), Some(DocKind::Template));
    let kinds: Vec<(&str, DocKind)> = c
        .docs
        .iter()
        .map(|d| (d.rel_path.as_str(), d.kind))
        .collect();
    assert_eq!(
        kinds,
        [
            ("CHANGELOG.md", DocKind::Meta),
            ("README.md", DocKind::Index),
            ("cat/w.md", DocKind::Topic),
            ("cat/x.md", DocKind::Topic),
            ("cat/y.md", DocKind::Topic),
            ("cat/z.md", DocKind::Topic),
        ]
    );
    let g = DocGraph::build(&c);
    let names = |ids: Vec<usize>| {
        ids.into_iter()
            .map(|i| c.doc(i).rel_path.clone())
            .collect::<Vec<_>>()
    };
    // x is linked from the index; y only from the template (not a document); z by related; w inline.
    assert_eq!(names(g.orphans(&c, LinkFilter::Any)), ["cat/y.md"]);
    assert_eq!(
        names(g.orphans(&c, LinkFilter::Related)),
        ["cat/w.md", "cat/x.md", "cat/y.md"]
    );
    let x = c.doc_id("docs/atomic/cat/x.md").unwrap();
    assert_eq!(
        g.outlinks(x, LinkFilter::Any),
        0,
        "self links and #x make no edge"
    );
}

#[test]
fn categories_and_subcategories() {
    let c = corpus(&[
        ("docs/atomic/top.md", "# Top\n"),
        ("docs/atomic/cat/a.md", "# A\n"),
        ("docs/atomic/cat/sub/b.md", "# B\n"),
        ("docs/atomic/cat/sub/deeper/c.md", "# C\n"),
    ]);
    let got: Vec<(Option<&str>, Option<&str>)> = c
        .docs
        .iter()
        .map(|d| (d.category.as_deref(), d.subcategory.as_deref()))
        .collect();
    assert_eq!(
        got,
        [
            (Some("cat"), None),
            (Some("cat"), Some("sub")),
            (Some("cat"), Some("sub")),
            (None, None)
        ]
    );
}

#[test]
fn front_matter_bom_and_crlf() {
    let text = "\u{feff}---\r\ntitle: ignored\r\nlink: \"[x](nope.md)\"\r\n---\r\n# Real Title\r\n\r\nIntro line\r\nmore.\r\n\r\n## Related Documents\r\n\r\n- `docs/atomic/cat/b.md`\r\n";
    let c = corpus(&[(A, text), ("docs/atomic/cat/b.md", B_TEXT)]);
    let d = c.doc(c.doc_id(A).unwrap());
    assert_eq!(d.title.as_deref(), Some("Real Title"));
    assert_eq!(d.intro, "Intro line more.");
    assert_eq!(
        d.headings.iter().map(|h| h.line).collect::<Vec<_>>(),
        [5, 10]
    );
    assert_eq!(d.links.len(), 1);
    assert_eq!(
        (d.links[0].line, d.links[0].column, d.links[0].kind),
        (12, 3, LinkKind::Related)
    );
}

#[test]
fn intro_code_blocks_and_words() {
    let text = "# T\n\nFirst *para*.\n\nSecond para.\n\n## S\n\n```python\n# CORRECT: good\nx = 1\n```\n\n\
                ```py\n// INCORRECT - bad\n```\n\n```\nplain\n```\n\n    # CORRECT but indented\n";
    let p = parse(text, &LinksConfig::default());
    assert_eq!(p.intro, "First para.\nSecond para.");
    use super::CodeLabel::*;
    let blocks: Vec<(Option<&str>, u32, Option<super::CodeLabel>)> = p
        .code_blocks
        .iter()
        .map(|b| (b.lang.as_deref(), b.line, b.label))
        .collect();
    assert_eq!(
        blocks,
        [
            (Some("python"), 9, Some(Correct)),
            (Some("py"), 14, Some(Incorrect)),
            (None, 18, None),
            (None, 22, Some(Correct))
        ]
    );
    // T, First para., Second para., S — code is not counted.
    assert_eq!(p.words, 6);
}

#[test]
fn odd_input_does_not_panic() {
    let deep_list = "- ".repeat(5_000) + "x\n";
    let deep_quote = ">".repeat(5_000) + " x\n";
    let long_line = "a".repeat(200_000);
    let inputs = [
        "",
        "\u{feff}",
        "---\n",
        "# \n",
        "[unclosed](",
        "`docs/`",
        "\u{0}\u{1}\u{202e}# evil",
        "# 🚀🚀\n## 日本語の見出し\n[x](#日本語の見出し)",
        deep_list.as_str(),
        deep_quote.as_str(),
        long_line.as_str(),
    ];
    for input in inputs {
        let c = corpus(&[(A, input)]);
        assert_eq!(c.docs.len(), 1);
    }
    let c = corpus(&[(A, "# 日本語\n\n## 日本語の見出し\n\n[x](#日本語の見出し)\n")]);
    assert_eq!(links_of(&c, A)[0].1, LinkStatus::Ok);
}

mod anchor_comparison {
    use proptest::prelude::*;

    use crate::corpus::links::anchor_matches;

    /// The comparison the rules define: lower-case both sides, compare.
    fn by_definition(fragment: &str, candidate: &str) -> bool {
        fragment.to_lowercase() == candidate.to_lowercase()
    }

    #[test]
    fn special_cases_match_the_definition() {
        let words = [
            "Setup",
            "setup",
            "SETUP",
            "İstanbul",
            "i̇stanbul",
            "istanbul",
            "K",
            "k",
            "Kelvin",
            "ΣΑΣ",
            "σας",
            "σασ",
            "straße",
            "STRASSE",
            "",
            "-",
            "é",
            "É",
        ];
        for a in words {
            for b in words {
                assert_eq!(
                    anchor_matches(a, [b], []),
                    by_definition(a, b),
                    "{a:?} vs {b:?}"
                );
                assert_eq!(
                    anchor_matches(a, [], [b]),
                    by_definition(a, b),
                    "{a:?} vs {b:?}"
                );
            }
        }
    }

    proptest! {
        #[test]
        fn any_strings_match_the_definition(a in "\\PC{0,6}", b in "\\PC{0,6}") {
            prop_assert_eq!(anchor_matches(&a, [b.as_str()], []), by_definition(&a, &b));
            let upper = b.to_uppercase();
            prop_assert_eq!(anchor_matches(&a, [upper.as_str()], []), by_definition(&a, &upper));
        }
    }
}

/// Parsing runs in batches of bounded size, a bigger file alone, so the memory of parses in
/// flight never adds up over files: every batch sums to at most the budget unless it holds a
/// single file, and the batches cover every file once, in order.
#[test]
fn parse_batches_stay_within_the_budget_and_keep_the_order() {
    use super::{PARSE_BATCH_BYTES, batches, map_in_batches};
    let sizes = [1, 5, 3, 10, 2, 2, 9, 0, 4];
    let got = batches(&sizes, 6);
    assert_eq!(got, [0..2, 2..3, 3..4, 4..6, 6..7, 7..9]);
    for r in &got {
        assert!(r.len() == 1 || sizes[r.clone()].iter().sum::<usize>() <= 6);
    }
    assert!(batches(&[], 6).is_empty());

    let big = PARSE_BATCH_BYTES / 2 + 1;
    let files: Vec<usize> = vec![big, big, 10, big * 3, 1];
    let got = batches(&files, PARSE_BATCH_BYTES);
    assert_eq!(got, [0..1, 1..3, 3..4, 4..5], "no two big files at once");
    let doubled = map_in_batches((0..10_000).collect(), |_| 1_000, |i: usize| i * 2);
    assert_eq!(doubled, (0..10_000).map(|i| i * 2).collect::<Vec<_>>());
}

/// An mdBook: `.html` links to pages built from Markdown, `SUMMARY.md`, includes with anchors
/// and line ranges, a 404 page named in `book.toml`.
#[test]
fn mdbook_trees_follow_mdbook_rules() {
    let mut config = Config::default();
    config.links.site = Site {
        dialect: Dialect::Mdbook,
        not_found: Some("missing.md".into()),
    };
    let files = [
        (
            "src/SUMMARY.md",
            "# Summary\n\n- [Intro](intro.md)\n- [Guide](guide/README.md)\n  - [Pages](guide/pages.md)\n",
        ),
        (
            "src/intro.md",
            "# Intro {#top}\n\nSee [pages](guide/pages.html#two-words), [the guide](guide/index.html), \
             [top](#top) and [gone](guide/gone.html).\n\n\
             ```rust\n{{#include ../examples/hello.rs:main}}\n```\n\n\
             {{#rustdoc_include ../examples/hello.rs:1:10}}\n\n\
             {{#include shared/part.md}}\n\n\\{{#include not/a/directive.md}}\n\n\
             {{#playground ../examples/missing.rs editable}}\n",
        ),
        ("src/guide/README.md", "# Guide\n\nA chapter.\n"),
        ("src/guide/pages.md", "# Pages\n\n## Two Words\n"),
        ("src/shared/part.md", "Pasted into the intro.\n"),
        ("src/missing.md", "# Not found\n"),
        (
            "examples/hello.rs",
            "// ANCHOR: main\nfn main() {}\n// ANCHOR_END: main\n",
        ),
    ];
    let c = Corpus::from_files("src", &files, &config);
    let kind = |p: &str| c.doc(c.doc_id(p).unwrap()).kind;
    assert_eq!(kind("src/SUMMARY.md"), DocKind::Index);
    assert_eq!(kind("src/missing.md"), DocKind::Meta);
    assert_eq!(kind("src/guide/README.md"), DocKind::Index);
    assert_eq!(kind("src/shared/part.md"), DocKind::Topic);

    let intro = c.doc(c.doc_id("src/intro.md").unwrap());
    let got: Vec<(&str, LinkKind, LinkStatus, Option<&str>)> = intro
        .links
        .iter()
        .map(|l| (l.target.as_str(), l.kind, l.status, l.resolved.as_deref()))
        .collect();
    assert_eq!(
        got,
        [
            (
                "guide/pages.html#two-words",
                LinkKind::Inline,
                LinkStatus::Ok,
                Some("src/guide/pages.md")
            ),
            (
                "guide/index.html",
                LinkKind::Inline,
                LinkStatus::Ok,
                Some("src/guide/README.md")
            ),
            (
                "#top",
                LinkKind::Inline,
                LinkStatus::Ok,
                Some("src/intro.md")
            ),
            (
                "guide/gone.html",
                LinkKind::Inline,
                LinkStatus::Broken(Missing),
                Some("src/guide/gone.html")
            ),
            (
                "../examples/hello.rs",
                LinkKind::Include,
                LinkStatus::Ok,
                Some("examples/hello.rs")
            ),
            (
                "../examples/hello.rs",
                LinkKind::Include,
                LinkStatus::Ok,
                Some("examples/hello.rs")
            ),
            (
                "shared/part.md",
                LinkKind::Include,
                LinkStatus::Ok,
                Some("src/shared/part.md")
            ),
            (
                "../examples/missing.rs",
                LinkKind::Include,
                LinkStatus::Broken(Missing),
                Some("examples/missing.rs")
            ),
        ]
    );
    assert!(
        intro
            .links
            .iter()
            .all(|l| l.kind != LinkKind::Include || l.syntax == LinkSyntax::Directive)
    );

    // The included page and every page SUMMARY.md lists have an incoming edge: no orphans.
    let g = DocGraph::build(&c);
    let orphans: Vec<&str> = g
        .orphans(&c, LinkFilter::Any)
        .into_iter()
        .map(|d| c.doc(d).path.as_str())
        .collect();
    assert!(orphans.is_empty(), "{orphans:?}");
    let part = c.doc_id("src/shared/part.md").unwrap();
    assert_eq!(g.inlinks(part, LinkFilter::Include), 1);
    assert_eq!(g.inlinks(part, LinkFilter::Inline), 0);
}

#[test]
fn html_links_are_files_outside_mdbook() {
    let c = corpus(&[
        (
            "docs/atomic/a/x.md",
            "# X\n\n[y](y.html)\n\n{{#include y.md}}\n",
        ),
        ("docs/atomic/a/y.md", "# Y\n"),
    ]);
    let links = links_of(&c, "docs/atomic/a/x.md");
    assert_eq!(links.len(), 1, "no include directives outside mdBook");
    assert_eq!(links[0].1, LinkStatus::Broken(Missing));
    assert_eq!(c.doc(0).kind, DocKind::Topic);
}

/// Every link form's destination span holds exactly the destination as written: what `mv`
/// and `fix` rewrite.
#[test]
fn destination_spans_cover_the_written_destination() {
    let src = "\u{feff}# T\r\n\n\
[a](x.md) [b]( <y z.md> \"title\") ![i](img/p.png 'alt') [n](a(b).md#f?q)\n\
[c][ref] [d][] [ref] ![e][ref] <https://example.com/a>\n\
[text `](x` \\] more](w%20v.md#frag) [![inner](in.png)](outer.md)\n\
See `docs/atomic/k.md#h` and `` ./docs/atomic/q.md ``. [esc](a\\_b.md)\n\n\
[ref]: \t<../r ef.md>  \"t\"\n\
[d]:\n  d.md\n";
    let mut config = LinksConfig::default();
    let book = parse(src, &config);
    let written: Vec<(&str, &str)> = book
        .links
        .iter()
        .map(|l| {
            let span = l.dest.unwrap_or_else(|| panic!("no span for {}", l.target));
            (l.target.as_str(), &src[span.range()])
        })
        .collect();
    assert_eq!(
        written,
        [
            ("x.md", "x.md"),
            ("y z.md", "y z.md"),
            ("img/p.png", "img/p.png"),
            ("a(b).md#f?q", "a(b).md#f?q"),
            ("../r ef.md", "../r ef.md"),
            ("d.md", "d.md"),
            ("../r ef.md", "../r ef.md"),
            ("../r ef.md", "../r ef.md"),
            ("https://example.com/a", "https://example.com/a"),
            ("w%20v.md#frag", "w%20v.md#frag"),
            ("outer.md", "outer.md"),
            ("in.png", "in.png"),
            ("docs/atomic/k.md#h", "docs/atomic/k.md#h"),
            ("./docs/atomic/q.md", "./docs/atomic/q.md"),
            ("a_b.md", "a\\_b.md"),
        ]
    );
    config.site = Site {
        dialect: Dialect::Mdbook,
        ..Site::default()
    };
    let src = "x\n{{#include ../src/main.rs:anchor}} {{ #playground  p.rs }}\n";
    let links = parse(src, &config).links;
    let spans: Vec<&str> = links
        .iter()
        .map(|l| &src[l.dest.expect("span").range()])
        .collect();
    assert_eq!(spans, ["../src/main.rs", "p.rs"]);
}

#[test]
fn a_title_is_the_text_a_reader_sees() {
    let title = |text: &str| parse(text, &LinksConfig::default()).title;
    // Raw HTML around text: the text.
    assert_eq!(
        title("# <span>Pools</span> guide\n").as_deref(),
        Some("Pools guide")
    );
    // Only an image: its alt text.
    assert_eq!(
        title("# ![Pool Sizing](logo.png)\n").as_deref(),
        Some("Pool Sizing")
    );
    // Only raw HTML: no title (every face shows the file name; AD001 reports it), never "".
    assert_eq!(title("# <img src=x onerror=alert(1)>\n\nintro\n"), None);
    assert_eq!(
        title("# <img src=x>\n\n# Second\n").as_deref(),
        Some("Second")
    );
}
