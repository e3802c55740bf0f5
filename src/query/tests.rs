//! Query-language tests: every documented spelling parses and round-trips, every parser error
//! message has an input that triggers it, evaluation on small in-memory trees, property tests
//! (print → parse round trip; random input never panics).

use proptest::prelude::*;

use super::ast::*;
use super::eval::{Rows, eval};
use super::fake::FakeText;
use super::names::{NameError, Scope, resolve_doc, resolve_scope};
use super::{lex, parse};
use crate::config::Config;
use crate::corpus::{Corpus, LinkKind};
use crate::graph::DocGraph;

/// Every query the issue and `docs/query-language.md` spell out.
pub const EXAMPLES: &[&str] = &[
    "orphans",
    "orphans in integrations",
    "orphans in integrations/redis",
    "orphans by related",
    "broken",
    "broken in services",
    "broken where reason = anchor",
    "links",
    "links where kind = related",
    "links from services to integrations",
    "links from integrations/redis/connection-management",
    "backlinks of redis/connection-management",
    "docs",
    "docs in testing",
    "docs where inlinks = 0 and category = services",
    "docs where related < 2",
    "docs where title ~ \"redis\"",
    "docs where kind = index",
    "docs missing section \"Best Practices\"",
    "docs with section \"Checklist\"",
    "categories",
    "matrix",
    "neighbors of redis/connection-management depth 2",
    "path from services/fastapi/app-factory to integrations/redis/key-naming",
    "hubs limit 10",
    "stats",
    "docs sort by words desc limit 5",
    "docs where not (orphan or kind != topic) sort by category, inlinks desc",
    "all links where status = external",
    "links where from services and not to services",
    "orphans by inline in services sort by title asc",
    "docs where has section 'Overview' or sections >= 5",
    "neighbours of x",
];

#[test]
fn every_example_parses_prints_and_round_trips() {
    for src in EXAMPLES {
        let q = parse(src).unwrap_or_else(|e| panic!("{src}: {e}"));
        let printed = q.to_string();
        let again = parse(&printed).unwrap_or_else(|e| panic!("{printed}: {e}"));
        assert_eq!(
            q.without_spans(),
            again.without_spans(),
            "{src} → {printed}"
        );
        let core = Query::from(q.core());
        let core_again = parse(&core.to_string()).unwrap_or_else(|e| panic!("{core}: {e}"));
        assert_eq!(
            core.without_spans(),
            core_again.without_spans(),
            "core of {src}"
        );
        assert_eq!(
            Query::from(core.core()).without_spans(),
            core.without_spans(),
            "{src}"
        );
    }
}

#[test]
fn friendly_forms_desugar_to_the_core() {
    let cases = [
        ("orphans", "docs where orphan"),
        (
            "orphans by related",
            "docs where kind = topic and inrelated = 0",
        ),
        (
            "orphans in integrations",
            "docs where orphan and in integrations",
        ),
        (
            "broken",
            "all links where status = broken and not from_referrer",
        ),
        (
            "broken where reason = anchor",
            "all links where status = broken and not from_referrer and reason = anchor",
        ),
        ("links", "all links where edge and not from_referrer"),
        (
            "links from services to integrations",
            "all links where edge and not from_referrer and (from services and to integrations)",
        ),
        (
            "orphans within root",
            "docs where kind = topic and root_inlinks = 0",
        ),
        (
            "backlinks of redis/connection-management",
            "all links where edge and to redis/connection-management",
        ),
        (
            "hubs limit 10",
            "docs where inlinks > 0 sort by inlinks desc limit 10",
        ),
        (
            "docs missing section \"Best Practices\"",
            "docs where not has section \"Best Practices\"",
        ),
        ("stats", "stats"),
    ];
    for (src, core) in cases {
        assert_eq!(parse(src).unwrap().explain(), core, "{src}");
    }
}

#[test]
fn printer_adds_parentheses_only_where_needed() {
    let cases = [
        ("docs where a", None),
        (
            "docs where words > 1 or words < 5 and orphan",
            Some("docs where words > 1 or words < 5 and orphan"),
        ),
        ("docs where (words > 1 or words < 5) and orphan", None),
        ("docs where words > 1 and (words < 5 and orphan)", None),
        ("docs where not (orphan and words > 1)", None),
        ("docs where title = \"two words\"", None),
        ("docs where title = \"10\"", None),
        (
            "docs where title = 'say \"hi\"'",
            Some("docs where title = \"say \\\"hi\\\"\""),
        ),
        ("docs in \"links\"", Some("docs where in \"links\"")),
    ];
    for (src, want) in cases {
        let Ok(q) = parse(src) else { continue };
        assert_eq!(q.to_string(), want.unwrap_or(src), "{src}");
    }
}

/// (input, message, column of the caret, 1-based). Each row documents one message.
const ERRORS: &[(&str, &str, usize)] = &[
    ("", "expected a query, found nothing", 1),
    (
        "(",
        "expected a query such as `docs`, `orphans` or `links`, found '('",
        1,
    ),
    (
        "orphan",
        "expected a query such as `docs`, `orphans` or `links`, found 'orphan'",
        1,
    ),
    (
        "orphans in",
        "expected a category or document after 'in', found the end of the query",
        11,
    ),
    (
        "orphans in where",
        "expected a category or document after 'in', found 'where'",
        12,
    ),
    (
        "all",
        "expected 'links' after 'all', found the end of the query",
        4,
    ),
    (
        "backlinks redis",
        "expected 'of' after 'backlinks', found 'redis'",
        11,
    ),
    (
        "backlinks of",
        "expected a document after 'of', found the end of the query",
        13,
    ),
    (
        "neighbors x",
        "expected 'of' after 'neighbors', found 'x'",
        11,
    ),
    (
        "neighbors of x depth",
        "expected a number after 'depth', found the end of the query",
        21,
    ),
    ("path a", "expected 'from' after 'path', found 'a'", 6),
    (
        "path from",
        "expected a document after 'from', found the end of the query",
        10,
    ),
    (
        "path from a b",
        "expected 'to' and a second document after the first, found 'b'",
        13,
    ),
    (
        "path from a to",
        "expected a document after 'to', found the end of the query",
        15,
    ),
    (
        "orphans by",
        "expected 'related', 'inline' or 'include' after 'by', found the end of the query",
        11,
    ),
    (
        "docs by related",
        "'by related' and 'by inline' apply to orphans (`orphans by related`)",
        6,
    ),
    (
        "docs depth 2",
        "'depth' applies to neighbors (`neighbors of <doc> depth 2`)",
        6,
    ),
    (
        "docs where",
        "expected a condition after 'where', found the end of the query",
        11,
    ),
    (
        "docs where inlinks = 0 and",
        "expected a condition after 'and', found the end of the query",
        27,
    ),
    (
        "docs where not",
        "expected a condition after 'not', found the end of the query",
        15,
    ),
    (
        "docs where ,",
        "expected a condition after 'where', found ','",
        12,
    ),
    (
        "docs where titel ~ x",
        "unknown field 'titel' for documents",
        12,
    ),
    (
        "docs where line = 3",
        "'line' is a field of links, not of documents",
        12,
    ),
    (
        "docs where title",
        "expected an operator (= != < <= > >= ~) after 'title', found the end of the query",
        17,
    ),
    (
        "docs where title =",
        "expected a value after '=', found the end of the query",
        19,
    ),
    (
        "docs where inlinks ~ 3",
        "'~' compares text, but 'inlinks' is a number: use = != < <= > >=",
        20,
    ),
    (
        "docs where inlinks = many",
        "'inlinks' is a number: expected a number after '=', found 'many'",
        22,
    ),
    (
        "docs where orphan > true",
        "'orphan' is true or false: compare it with = or !=, or write `orphan` or `not orphan`",
        19,
    ),
    (
        "docs where orphan = yes",
        "'orphan' is true or false: expected true or false after '=', found 'yes'",
        21,
    ),
    (
        "docs where kind = idx",
        "'idx' is not a kind: expected one of topic, index, meta",
        19,
    ),
    (
        "docs where (orphan",
        "expected ')' to close the '(' at column 12, found the end of the query",
        19,
    ),
    (
        "docs where limit = 99999999999999999999999",
        "expected a condition after 'where', found 'limit'",
        12,
    ),
    (
        "docs limit 99999999999999999999999",
        "number 99999999999999999999999 is too large",
        12,
    ),
    (
        "docs where words = 99999999999999999999999",
        "number 99999999999999999999999 is too large",
        20,
    ),
    (
        "docs where from services",
        "'from' applies to links; for documents use 'in'",
        12,
    ),
    (
        "docs from services",
        "'from' applies to lists of links; 'docs' is a list of documents",
        6,
    ),
    (
        "links where has section x",
        "'has section' applies to documents",
        13,
    ),
    (
        "links missing section x",
        "'missing section' applies to lists of documents; 'links' is a list of links",
        7,
    ),
    (
        "docs missing x",
        "expected 'section' after 'missing', found 'x'",
        14,
    ),
    (
        "docs has section x",
        "expected a clause (where, in, sort by, limit …) or the end of the query, found 'has'",
        6,
    ),
    (
        "docs where has x",
        "expected 'section' after 'has', found 'x'",
        16,
    ),
    (
        "docs with section",
        "expected a section name after 'section', found the end of the query",
        18,
    ),
    (
        "docs sort words",
        "expected 'by' after 'sort', found 'words'",
        11,
    ),
    (
        "docs sort by",
        "expected a field after 'sort by', found the end of the query",
        13,
    ),
    (
        "docs sort by words,",
        "expected a field after ',', found the end of the query",
        20,
    ),
    (
        "docs limit",
        "expected a number after 'limit', found the end of the query",
        11,
    ),
    (
        "docs limit ten",
        "expected a number after 'limit', found 'ten'",
        12,
    ),
    (
        "categories where docs > 1",
        "'where' applies to lists of documents or links; 'categories' is not a list of documents or links",
        12,
    ),
    (
        "stats sort by x",
        "'sort by' applies to lists of documents or links; 'stats' is not a list of documents or links",
        7,
    ),
    (
        "path from a to b in x",
        "'in' applies to lists of documents or links; 'path' is not a list of documents or links",
        18,
    ),
    (
        "docs extra",
        "expected a clause (where, in, sort by, limit …) or the end of the query, found 'extra'",
        6,
    ),
    (
        "docs where title = \"x",
        "unterminated string: expected a closing \"",
        20,
    ),
    (
        "docs where title ! x",
        "unexpected character '!': expected '!=' or the word 'not'",
        18,
    ),
    (
        "docs where title = x;",
        "unexpected character ';': expected a word, a quoted string, an operator or parentheses",
        21,
    ),
];

#[test]
fn every_error_message_has_an_input_that_triggers_it() {
    for (src, message, column) in ERRORS {
        let errs = match parse(src) {
            Ok(q) => panic!("{src:?} parsed as {q}"),
            Err(e) => e.0,
        };
        let hit = errs
            .iter()
            .find(|e| e.message == *message)
            .unwrap_or_else(|| {
                panic!("{src:?}: no error {message:?}; got {errs:#?}");
            });
        let col = src[..hit.span.start.min(src.len())].chars().count() + 1;
        assert_eq!(col, *column, "{src:?}: caret column for {message:?}");
    }
}

#[test]
fn several_errors_are_collected() {
    let errs = parse("docs where titel ~ x sort by wrds limit x")
        .unwrap_err()
        .0;
    let messages: Vec<&str> = errs.iter().map(|e| e.message.as_str()).collect();
    assert_eq!(messages.len(), 3, "{messages:?}");
    assert!(messages[0].starts_with("unknown field 'titel'"));
    assert!(messages[1].starts_with("unknown field 'wrds'"));
    assert!(messages[2].starts_with("expected a number after 'limit'"));
    assert_eq!(
        errs[1]
            .help
            .as_deref()
            .map(|h| h.starts_with("did you mean 'words'?")),
        Some(true)
    );
}

#[test]
fn operator_words_from_other_languages_get_a_hint() {
    for (src, hint) in [
        ("docs where title contains \"redis\"", "title ~"),
        ("docs where category is services", "category = "),
        ("docs where kind not index", "kind != "),
    ] {
        let errs = parse(src).unwrap_err().0;
        assert!(errs[0].message.starts_with("expected an operator"), "{src}");
        let help = errs[0].help.as_deref().unwrap_or_default();
        assert!(help.contains(hint), "{src}: {help}");
    }
}

#[test]
fn rendered_errors_point_a_caret_at_the_token() {
    let errs = parse("orphans in").unwrap_err().0;
    let text = super::render_errors("orphans in", "query", 1, &errs);
    assert_eq!(
        text,
        "error: expected a category or document after 'in', found the end of the query\n \
         --> query:1:11\n  |\n1 | orphans in\n  |           ^\n"
    );
    // Wide characters before the span shift the caret by their display width.
    let errs = parse("docs where title = \"日本\" and x").unwrap_err().0;
    let text = super::render_errors("docs where title = \"日本\" and x", "q.aq", 7, &errs);
    assert!(text.contains("--> q.aq:7:29"), "{text}");
    assert!(
        text.contains(&format!("\n  | {}^\n", " ".repeat(30))),
        "{text}"
    );
}

#[test]
fn keywords_are_case_insensitive_and_fields_too() {
    let q = parse("DOCS WHERE Inlinks = 0 SORT BY Title DESC").unwrap();
    assert_eq!(q.to_string(), "docs where inlinks = 0 sort by title desc");
    let q = parse("docs where kind = INDEX").unwrap();
    assert_eq!(q.to_string(), "docs where kind = index");
}

#[test]
fn lexer_spans_cover_the_text_and_strings_unescape() {
    let (tokens, errs) = lex("docs where title ~ \"a \\\"b\\\"\" and inlinks>=2");
    assert!(errs.is_empty());
    let kinds: Vec<_> = tokens.iter().map(|t| t.kind.clone()).collect();
    use super::lex::{Op, TokenKind::*};
    assert_eq!(
        kinds,
        vec![
            Word,
            Word,
            Word,
            Op(Op::Contains),
            Str("a \"b\"".into()),
            Word,
            Word,
            Op(Op::Ge),
            Word
        ]
    );
    assert_eq!(tokens[7].span, super::Span::new(40, 42));
}

// ---------------------------------------------------------------------------------------
// Evaluation on a small tree.

const ROOT: &str = "docs/atomic";

fn corpus(files: &[(&str, &str)]) -> Corpus {
    Corpus::from_files(ROOT, files, &Config::default())
}

fn tree() -> Corpus {
    corpus(&[
        (
            "docs/atomic/README.md",
            "# Index\n\n- [a](alpha/one.md)\n- [b](beta/two.md)\n",
        ),
        (
            "docs/atomic/alpha/one.md",
            "# One\n\nSee [two](../beta/two.md) and [gone](gone.md).\n\n## Checklist\n\n## Related Documents\n\n- `docs/atomic/alpha/sub/three.md`\n",
        ),
        (
            "docs/atomic/alpha/sub/three.md",
            "# Three\n\nwords words words\n\n## ✅ Best Practices\n\n## Related Documents\n\n- `docs/atomic/alpha/one.md`\n- `docs/atomic/beta/two.md#nope`\n",
        ),
        (
            "docs/atomic/beta/two.md",
            "# Two\n\n[out](https://example.com)\n",
        ),
        ("docs/atomic/beta/lonely.md", "# Lonely\n\n[two](two.md)\n"),
        ("docs/atomic/gamma/one.md", "# Other One\n"),
    ])
}

fn paths(c: &Corpus, src: &str) -> Vec<String> {
    let g = DocGraph::build(c);
    let q = parse(src).unwrap_or_else(|e| panic!("{src}: {e}"));
    match eval(&q, c, &g).unwrap_or_else(|e| panic!("{src}: {e}")) {
        Rows::Documents(ids) => ids.iter().map(|&d| c.docs[d].rel_path.clone()).collect(),
        Rows::Neighbors { near: n, .. } => n
            .iter()
            .map(|&(d, k)| format!("{k}:{}", c.docs[d].rel_path))
            .collect(),
        Rows::Path { docs, .. } => docs.iter().map(|&d| c.docs[d].rel_path.clone()).collect(),
        Rows::Links(refs) => refs
            .iter()
            .map(|r| {
                let path = match r.source_doc() {
                    Some(d) => &c.docs[d].rel_path,
                    None => c.origin_path(r.from),
                };
                format!("{path}:{}", c.link(r.from, r.link).line)
            })
            .collect(),
        Rows::Table(t) => t.rows.iter().map(|r| format!("{r:?}")).collect(),
        Rows::Scored(hits) => hits
            .iter()
            .map(|&(d, _)| c.docs[d].rel_path.clone())
            .collect(),
        Rows::Related(pairs) => pairs
            .iter()
            .map(|p| {
                format!(
                    "{}>{}",
                    c.docs[p.source].rel_path, c.docs[p.target].rel_path
                )
            })
            .collect(),
    }
}

#[test]
fn document_queries() {
    let c = tree();
    let cases: &[(&str, &[&str])] = &[
        ("orphans", &["beta/lonely.md", "gamma/one.md"]),
        ("orphans in beta", &["beta/lonely.md"]),
        (
            "orphans by related",
            // three.md's `two.md#nope` has a broken anchor but still makes a related edge.
            &["beta/lonely.md", "gamma/one.md"],
        ),
        (
            "orphans by inline",
            &["alpha/sub/three.md", "beta/lonely.md", "gamma/one.md"],
        ),
        ("docs in alpha/sub", &["alpha/sub/three.md"]),
        ("docs in sub", &["alpha/sub/three.md"]),
        ("docs in alpha/one", &["alpha/one.md"]),
        ("docs where kind = index", &["README.md"]),
        (
            "docs where inlinks = 0 and category = beta",
            &["beta/lonely.md"],
        ),
        (
            "docs where title ~ \"ONE\"",
            &["alpha/one.md", "beta/lonely.md", "gamma/one.md"],
        ),
        ("docs where related >= 2", &["alpha/sub/three.md"]),
        (
            "docs where broken > 0",
            &["alpha/one.md", "alpha/sub/three.md"],
        ),
        ("docs with section \"checklist\"", &["alpha/one.md"]),
        (
            "docs with section \"Best Practices\"",
            &["alpha/sub/three.md"],
        ),
        (
            "docs missing section \"Best Practices\" in alpha",
            &["alpha/one.md"],
        ),
        (
            "docs where not orphan and category != alpha",
            &["README.md", "beta/two.md"],
        ),
        ("hubs limit 2", &["beta/two.md", "alpha/one.md"]),
        (
            "docs sort by inlinks, path desc limit 3",
            // Text sorts ignore case: `README.md` after `gamma/`.
            &["README.md", "gamma/one.md", "beta/lonely.md"],
        ),
        (
            "docs where subcategory = sub or kind = index",
            &["README.md", "alpha/sub/three.md"],
        ),
        (
            "neighbors of alpha/one depth 1",
            &["1:README.md", "1:alpha/sub/three.md", "1:beta/two.md"],
        ),
        (
            "neighbors of beta/lonely depth 2",
            &[
                "1:beta/two.md",
                "2:README.md",
                "2:alpha/one.md",
                "2:alpha/sub/three.md",
            ],
        ),
        (
            "path from README to alpha/sub/three",
            &["README.md", "alpha/one.md", "alpha/sub/three.md"],
        ),
        ("path from beta/two to README", &[]),
    ];
    for (src, want) in cases {
        assert_eq!(paths(&c, src), *want, "{src}");
    }
}

#[test]
fn link_queries() {
    let c = tree();
    let cases: &[(&str, &[&str])] = &[
        ("broken", &["alpha/one.md:3", "alpha/sub/three.md:10"]),
        ("broken where reason = anchor", &["alpha/sub/three.md:10"]),
        ("broken where reason = missing", &["alpha/one.md:3"]),
        ("broken in alpha/sub", &["alpha/sub/three.md:10"]),
        (
            "links where kind = related",
            &[
                "alpha/one.md:9",
                "alpha/sub/three.md:9",
                "alpha/sub/three.md:10",
            ],
        ),
        (
            "links from alpha to beta",
            &["alpha/one.md:3", "alpha/sub/three.md:10"],
        ),
        (
            "links from alpha/sub",
            &["alpha/sub/three.md:9", "alpha/sub/three.md:10"],
        ),
        (
            "backlinks of beta/two",
            &[
                "README.md:4",
                "alpha/one.md:3",
                "alpha/sub/three.md:10",
                "beta/lonely.md:3",
            ],
        ),
        ("all links where status = external", &["beta/two.md:3"]),
        (
            "links sort by line desc limit 1",
            &["alpha/sub/three.md:10"],
        ),
    ];
    for (src, want) in cases {
        assert_eq!(paths(&c, src), *want, "{src}");
    }
}

#[test]
fn names_resolve_by_unique_suffix_and_explain_failures() {
    let c = tree();
    let id = |p: &str| c.doc_id(p).unwrap();
    assert_eq!(
        resolve_doc(&c, "alpha/one"),
        Ok(id("docs/atomic/alpha/one.md"))
    );
    assert_eq!(
        resolve_doc(&c, "docs/atomic/alpha/one.md"),
        Ok(id("docs/atomic/alpha/one.md"))
    );
    assert_eq!(
        resolve_doc(&c, "./alpha/sub/three.md"),
        Ok(id("docs/atomic/alpha/sub/three.md"))
    );
    assert_eq!(
        resolve_doc(&c, "three"),
        Ok(id("docs/atomic/alpha/sub/three.md"))
    );
    // A folder stands for its README.
    assert_eq!(
        resolve_doc(&c, "docs/atomic"),
        Ok(id("docs/atomic/README.md"))
    );
    match resolve_doc(&c, "one") {
        Err(NameError::Ambiguous { candidates, .. }) => assert_eq!(
            candidates,
            ["docs/atomic/alpha/one.md", "docs/atomic/gamma/one.md"]
        ),
        other => panic!("{other:?}"),
    }
    match resolve_doc(&c, "lonley") {
        Err(NameError::Unknown { closest, .. }) => assert_eq!(closest[0], "beta/lonely"),
        other => panic!("{other:?}"),
    }
    assert_eq!(
        resolve_scope(&c, "alpha"),
        Ok(Scope::Category("alpha".into()))
    );
    assert_eq!(
        resolve_scope(&c, "docs/atomic/alpha/sub"),
        Ok(Scope::Subcategory("alpha".into(), "sub".into()))
    );
    match resolve_scope(&c, "alpah") {
        Err(NameError::Unknown { closest, what, .. }) => {
            assert_eq!(what, "category or document");
            assert_eq!(closest.first().map(String::as_str), Some("alpha"));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn eval_errors_point_at_the_name() {
    let c = tree();
    let g = DocGraph::build(&c);
    let src = "backlinks of one";
    let e = eval(&parse(src).unwrap(), &c, &g).unwrap_err();
    assert_eq!(&src[e.span.start..e.span.end], "one");
    assert!(
        e.message.starts_with("'one' names 2 documents"),
        "{}",
        e.message
    );
    let src = "docs where category = alhpa";
    let e = eval(&parse(src).unwrap(), &c, &g).unwrap_err();
    assert_eq!(e.message, "unknown category 'alhpa'");
    assert_eq!(e.help.as_deref(), Some("did you mean alpha?"));
}

#[test]
fn summaries_count_documents_and_edges() {
    let c = tree();
    let g = DocGraph::build(&c);
    let Rows::Table(t) = eval(&parse("categories").unwrap(), &c, &g).unwrap() else {
        panic!()
    };
    assert_eq!(
        t.columns,
        [
            "category",
            "subcategory",
            "docs",
            "outlinks",
            "inlinks",
            "cross_out",
            "cross_in"
        ]
    );
    use super::eval::Cell::*;
    let alpha = &t.rows[0];
    // alpha: one.md → two (cross), → three; three → one, → two (cross).
    assert_eq!(
        alpha,
        &vec![
            Text("alpha".into()),
            Null,
            Int(2),
            Int(4),
            Int(3),
            Int(2),
            Int(1)
        ]
    );
    let Rows::Table(m) = eval(&parse("matrix").unwrap(), &c, &g).unwrap() else {
        panic!()
    };
    assert_eq!(m.columns, ["from", "alpha", "beta", "gamma", "(root)"]);
    assert_eq!(
        m.rows[0],
        vec![Text("alpha".into()), Int(2), Int(2), Int(0), Int(0)]
    );
    assert_eq!(
        m.rows[3],
        vec![Text("(root)".into()), Int(1), Int(1), Int(0), Int(0)]
    );
}

// ---------------------------------------------------------------------------------------
// Properties.

fn name_strategy() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-z][a-z0-9-]{0,8}(/[a-z][a-z0-9-]{0,8}){0,2}",
        "[ -~]{1,12}".prop_filter("non-empty after trim", |s| !s.trim().is_empty()),
        Just("links".to_string()),
        Just("10".to_string()),
    ]
}

fn doc_field() -> impl Strategy<Value = Field> {
    proptest::sample::select(DOC_FIELDS.to_vec())
}

fn comparison(field: Field) -> BoxedStrategy<Expr> {
    let value: BoxedStrategy<(Op, Value)> = match field.ty() {
        FieldType::Number => (
            proptest::sample::select(vec![Op::Eq, Op::Ne, Op::Lt, Op::Le, Op::Gt, Op::Ge]),
            (0u64..1000).prop_map(Value::Number),
        )
            .boxed(),
        FieldType::Bool => (
            proptest::sample::select(vec![Op::Eq, Op::Ne]),
            proptest::sample::select(vec!["true", "false"]).prop_map(|s| Value::Text(s.into())),
        )
            .boxed(),
        FieldType::Text => match field.allowed_values() {
            Some(vals) => (
                proptest::sample::select(vec![Op::Eq, Op::Ne]),
                proptest::sample::select(vals.to_vec()).prop_map(|s| Value::Text(s.into())),
            )
                .boxed(),
            None => (
                proptest::sample::select(Op::ALL.to_vec()),
                "[ -~]{0,10}".prop_map(Value::Text),
            )
                .boxed(),
        },
    };
    value
        .prop_map(move |(op, value)| Expr::Compare {
            field,
            field_span: Default::default(),
            op,
            value,
            value_span: Default::default(),
        })
        .boxed()
}

fn name(text: String) -> Name {
    Name {
        text,
        span: Default::default(),
    }
}

fn doc_expr() -> impl Strategy<Value = Expr> {
    let leaf = prop_oneof![
        doc_field().prop_flat_map(comparison),
        Just(Expr::Flag {
            field: Field::Orphan,
            span: Default::default()
        }),
        name_strategy().prop_map(|n| Expr::In(name(n))),
        "[ -~]{0,12}".prop_map(|s| Expr::HasSection {
            name: s,
            span: Default::default()
        }),
    ];
    leaf.prop_recursive(4, 24, 2, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 2..4).prop_map(Expr::And),
            prop::collection::vec(inner.clone(), 2..4).prop_map(Expr::Or),
            inner.prop_map(|a| Expr::Not(Box::new(a))),
        ]
    })
}

fn source() -> impl Strategy<Value = Source> {
    prop_oneof![
        Just(Source::Docs),
        Just(Source::Hubs),
        Just(Source::Orphans {
            by: None,
            within_root: false
        }),
        Just(Source::Orphans {
            by: None,
            within_root: true
        }),
        Just(Source::Orphans {
            by: Some(LinkKind::Related),
            within_root: false
        }),
        (name_strategy(), 0usize..5)
            .prop_map(|(n, depth)| Source::Neighbors { of: name(n), depth }),
    ]
}

fn doc_query() -> impl Strategy<Value = Query> {
    (
        source(),
        proptest::option::of(doc_expr()),
        proptest::collection::vec((doc_field(), any::<bool>()), 0..3),
        proptest::option::of(0usize..100),
    )
        .prop_map(|(source, filter, sort, limit)| Query {
            source,
            filter,
            sort: sort
                .into_iter()
                .map(|(field, descending)| SortKey {
                    field,
                    span: Default::default(),
                    descending,
                })
                .collect(),
            limit,
            output: None,
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// Print the AST, parse it back: the same AST.
    #[test]
    fn printed_queries_parse_back_to_the_same_ast(q in doc_query()) {
        let text = q.to_string();
        let back = parse(&text).map_err(|e| TestCaseError::fail(format!("{text}: {e}")))?;
        prop_assert_eq!(back.without_spans(), q, "{}", text);
    }

    /// Arbitrary text never panics the lexer, the parser, the printer or the error renderer,
    /// and whatever parses prints to text that parses to the same AST.
    #[test]
    fn random_input_never_panics(src in "\\PC{0,60}") {
        check_no_panic(&src);
    }

    /// Random sequences of real words are closer to what people type.
    #[test]
    fn random_word_soup_never_panics(words in proptest::collection::vec(
        proptest::sample::select(vec![
            "docs", "orphans", "links", "all", "broken", "backlinks", "of", "neighbors", "path",
            "from", "to", "in", "where", "and", "or", "not", "(", ")", "=", "<", "~", "!=",
            "sort", "by", "limit", "depth", "missing", "with", "has", "section", "\"x y\"",
            "title", "inlinks", "kind", "index", "orphan", "related", "10", ",", "desc",
            "hubs", "categories", "matrix", "stats", "'", "\"", "é", "日本",
        ]), 0..12)) {
        check_no_panic(&words.join(" "));
    }
}

/// The fuzz body: everything that takes user text runs on `src` without panicking.
pub fn check_no_panic(src: &str) {
    let _ = lex(src);
    match parse(src) {
        Ok(q) => {
            let text = q.to_string();
            let back = parse(&text).unwrap_or_else(|e| panic!("{src:?} → {text:?}: {e}"));
            assert_eq!(
                back.without_spans(),
                q.without_spans(),
                "{src:?} → {text:?}"
            );
            let _ = q.core().to_string();
        }
        Err(errs) => {
            assert!(!errs.0.is_empty());
            let _ = super::render_errors(src, "query", 1, &errs.0);
        }
    }
}

/// A long fuzzing run: `ATOMDOC_FUZZ_SECS=300 cargo test --release --lib fuzz_parser_for_a_while -- --ignored`.
#[test]
#[ignore]
fn fuzz_parser_for_a_while() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    let secs: u64 = std::env::var("ATOMDOC_FUZZ_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(60);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(secs);
    let mut runner = TestRunner::deterministic();
    let text = "\\PC{0,80}";
    let soup = proptest::collection::vec(
        proptest::sample::select(vec![
            "docs",
            "orphans",
            "links",
            "all",
            "broken",
            "backlinks of",
            "neighbors of",
            "path from",
            "to",
            "in",
            "where",
            "and",
            "or",
            "not",
            "(",
            ")",
            "=",
            "<=",
            "~",
            "sort by",
            "limit",
            "depth",
            "missing section",
            "with section",
            "\"x\"",
            "title",
            "inlinks",
            "kind",
            "index",
            "orphan",
            "related",
            "0",
            ",",
            "desc",
            "hubs",
        ]),
        0..16,
    );
    let mut cases = 0u64;
    while std::time::Instant::now() < deadline {
        for _ in 0..1000 {
            let src = text.new_tree(&mut runner).unwrap().current();
            check_no_panic(&src);
            let words = soup.new_tree(&mut runner).unwrap().current();
            check_no_panic(&words.join(" "));
            let q = doc_query().new_tree(&mut runner).unwrap().current();
            let printed = q.to_string();
            assert_eq!(parse(&printed).unwrap().without_spans(), q, "{printed}");
            cases += 3;
        }
    }
    eprintln!("fuzzed {cases} inputs in {secs} s without a panic");
}

#[test]
fn text_sources_parse_and_print_back() {
    for (src, printed) in [
        (r#"search "connection pool""#, r#"search "connection pool""#),
        (
            r#"search ~"rabitmq" in integrations limit 5"#,
            r#"search ~"rabitmq" where in integrations limit 5"#,
        ),
        (
            r#"search "say \"hi\"" where orphan"#,
            r#"search "say \"hi\"" where orphan"#,
        ),
        (
            "search pool sort by inlinks desc",
            r#"search "pool" sort by inlinks desc"#,
        ),
        (
            "similar to redis/pool limit 5",
            "similar to redis/pool limit 5",
        ),
        (
            "suggest related for redis/pool",
            "suggest related for redis/pool",
        ),
        ("suggest related for orphans", "suggest related for orphans"),
        (
            "suggest related for orphans in integrations",
            "suggest related for orphans in integrations",
        ),
    ] {
        let q = parse(src).unwrap_or_else(|e| panic!("{src}: {e}"));
        assert_eq!(q.to_string(), printed, "{src}");
        assert_eq!(
            parse(printed).unwrap().without_spans(),
            q.without_spans(),
            "{src}"
        );
    }
}

#[test]
fn text_source_errors() {
    for (src, message) in [
        ("search", "expected the words to search for after 'search'"),
        (
            "search where",
            "expected the words to search for after 'search'",
        ),
        ("similar redis/pool", "expected 'to' after 'similar'"),
        ("suggest links", "expected 'related' after 'suggest'"),
        (
            "suggest related redis",
            "expected 'for' after 'suggest related'",
        ),
        (
            "suggest related for orphans where orphan",
            "'where' applies to lists of documents or links",
        ),
    ] {
        let err = parse(src).expect_err(src);
        assert!(
            err.0[0].message.contains(message),
            "{src}: {}",
            err.0[0].message
        );
    }
}

/// Evaluates `src` with a fake text source.
fn eval_fake(c: &Corpus, src: &str, text: &FakeText) -> Result<Rows, super::QueryError> {
    let g = DocGraph::build(c);
    let q = parse(src).unwrap_or_else(|e| panic!("{src}: {e}"));
    let metrics = super::eval::Metrics::compute(c);
    super::eval(&q, c, &|| &g, &metrics, text)
}

fn id(c: &Corpus, path: &str) -> usize {
    c.docs.iter().position(|d| d.rel_path == path).unwrap()
}

#[test]
fn eval_asks_the_text_source_only_for_what_the_corpus_does_not_hold() {
    let c = tree();
    let fake = FakeText::default();
    for src in [
        "docs",
        "orphans",
        "broken",
        "links from alpha",
        "stats",
        "categories",
        "path from alpha/one to beta/two",
    ] {
        eval_fake(&c, src, &fake).unwrap_or_else(|e| panic!("{src}: {e}"));
    }
    assert!(fake.asked.borrow().is_empty(), "{:?}", fake.asked);
}

#[test]
fn search_and_similar_take_their_hits_from_the_text_source() {
    let c = tree();
    let ids: Vec<usize> = (0..c.docs.len()).rev().collect();
    let fake = FakeText {
        hits: ids.iter().map(|&d| (d, 10.0 - d as f32)).collect(),
        ..FakeText::default()
    };
    let Rows::Scored(hits) = eval_fake(&c, r#"search "pool size" limit 2"#, &fake).unwrap() else {
        panic!("scored rows")
    };
    // The given (best-first) order survives; the limit applies.
    assert_eq!(hits, fake.hits[..2]);
    let Rows::Scored(hits) = eval_fake(&c, r#"search "x" in gamma"#, &fake).unwrap() else {
        panic!("scored rows")
    };
    assert!(!hits.is_empty());
    assert!(
        hits.iter()
            .all(|&(d, _)| c.docs[d].category.as_deref() == Some("gamma"))
    );
    let one = id(&c, "alpha/one.md");
    let Rows::Scored(hits) = eval_fake(&c, "similar to alpha/one", &fake).unwrap() else {
        panic!("scored rows")
    };
    assert_eq!(hits.len(), c.docs.len() - 1);
    assert!(hits.iter().all(|&(d, _)| d != one));
    assert_eq!(
        *fake.asked.borrow(),
        ["search pool size", "search x", &format!("similar {one}")]
    );
}

#[test]
fn suggest_related_asks_per_document_and_per_orphan() {
    use crate::search::related::RelatedSuggestion;
    let c = tree();
    let g = DocGraph::build(&c);
    let lonely = id(&c, "beta/lonely.md");
    let two = id(&c, "beta/two.md");
    let pair = |source, target| RelatedSuggestion {
        source,
        target,
        score: 1.0,
        text: 0.5,
        shared: 0,
        same_subcategory: false,
    };
    let fake = FakeText {
        related: vec![pair(two, lonely), pair(lonely, two)],
        ..FakeText::default()
    };
    let Rows::Related(found) = eval_fake(&c, "suggest related for beta/lonely", &fake).unwrap()
    else {
        panic!("related rows")
    };
    assert_eq!(found, [pair(lonely, two)]);
    assert_eq!(
        fake.asked.borrow()[0],
        format!("related {lonely} out {}", super::RELATED_PER_DOC)
    );
    fake.asked.borrow_mut().clear();
    eval_fake(&c, "suggest related for orphans", &fake).unwrap();
    let orphans = g.orphans(&c, crate::graph::LinkFilter::Any);
    assert!(!orphans.is_empty());
    let asked: Vec<String> = orphans
        .iter()
        .map(|d| format!("related {d} in {}", super::RELATED_PER_ORPHAN))
        .collect();
    assert_eq!(*fake.asked.borrow(), asked);
}

#[test]
fn text_source_failures_become_query_errors() {
    let c = tree();
    let fake = FakeText {
        fail: Some("cannot open the search index: gone".into()),
        ..FakeText::default()
    };
    let e = eval_fake(&c, r#"search "x""#, &fake).unwrap_err();
    assert_eq!(e.message, "cannot open the search index: gone");
    let e = eval_fake(&c, "coverage", &fake).unwrap_err();
    assert_eq!(e.message, "cannot open the search index: gone");
    // A search with no words, or a name that does not resolve, fails before asking.
    fake.asked.borrow_mut().clear();
    let e = eval_fake(&c, r#"search "~""#, &fake).unwrap_err();
    assert!(e.message.contains("nothing to search for"), "{e}");
    let e = eval_fake(&c, "similar to nowhere", &fake).unwrap_err();
    assert!(e.message.contains("nowhere"), "{e}");
    assert!(fake.asked.borrow().is_empty(), "{:?}", fake.asked);
}

#[test]
fn coverage_takes_the_checks_from_the_text_source() {
    let c = tree();
    let g = DocGraph::build(&c);
    let sources = c
        .docs
        .iter()
        .map(|d| (d.path.clone(), String::new()))
        .collect();
    let checks = crate::check::Checks::run(&c, &g, &Config::default(), &sources).unwrap();
    let fake = FakeText {
        checks: Some(checks),
        ..FakeText::default()
    };
    let Rows::Table(t) = eval_fake(&c, "coverage", &fake).unwrap() else {
        panic!("a table")
    };
    assert_eq!(t.columns[0], "category");
    assert!(!t.rows.is_empty());
    assert_eq!(*fake.asked.borrow(), ["checks"]);
}

/// The queries of the fenced `aq` blocks of a Markdown file (one per line, `#` comments).
fn aq_blocks(markdown: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut inside = false;
    for line in markdown.lines() {
        if line.starts_with("```") {
            inside = line.trim() == "```aq";
            continue;
        }
        let t = line.trim();
        if inside && !t.is_empty() && !t.starts_with('#') {
            out.push(t.to_string());
        }
    }
    out
}

/// The quoted or bare query after `atomdoc query ` on each line of a Markdown file.
fn command_line_queries(markdown: &str) -> Vec<String> {
    let mut out = Vec::new();
    for line in markdown.lines() {
        let Some((_, rest)) = line.split_once("atomdoc query ") else {
            continue;
        };
        let rest = rest.trim_start();
        let query = match rest.chars().next() {
            Some(q @ ('"' | '\'')) => rest[1..].split(q).next().unwrap_or("").to_string(),
            Some('@' | '-') | None => continue,
            Some(_) => rest.split_whitespace().next().unwrap_or("").to_string(),
        };
        // `atomdoc query "<question>"` is prose, not an example.
        if !query.starts_with('<') {
            out.push(query);
        }
    }
    out
}

#[test]
fn every_documented_example_parses_and_round_trips() {
    let root = env!("CARGO_MANIFEST_DIR");
    let doc = std::fs::read_to_string(format!("{root}/docs/query-language.md")).unwrap();
    let readme = std::fs::read_to_string(format!("{root}/README.md")).unwrap();
    let mut queries = aq_blocks(&doc);
    assert!(queries.len() >= 40, "{} examples", queries.len());
    for issue_example in EXAMPLES.iter().take(26) {
        // The docs name documents of the bundled sample, where every example runs.
        let spelled = issue_example
            .replace(
                "path from services/fastapi/app-factory to integrations/redis/key-naming",
                "path from security/secrets-handling to fastapi/dependency-injection",
            )
            .replace("connection-management", "connection-pooling")
            .replace("authentication-authorization-guide", "secrets-handling")
            .replace("fastapi/basic-setup", "fastapi/app-factory");
        assert!(
            queries.contains(&spelled),
            "docs lack the example {spelled:?}"
        );
    }
    let from_readme = command_line_queries(&readme);
    assert!(from_readme.len() >= 5, "{from_readme:?}");
    queries.extend(from_readme);
    for src in queries {
        let q = parse(&src).unwrap_or_else(|e| panic!("{src}: {e}"));
        let back = parse(&q.to_string()).unwrap();
        assert_eq!(back.without_spans(), q.without_spans(), "{src}");
    }
}

/// `stats` has one implementation, `graph::Stats::compute`; its numbers match counts taken
/// independently (per-document metrics, links walked by hand), and the `stats` query shows
/// exactly them.
#[test]
fn the_stats_query_counts_exactly_like_atomdoc_stats() {
    use crate::corpus::DocKind;
    let c = tree();
    let g = DocGraph::build(&c);
    let m = super::eval::Metrics::compute(&c);
    let s = crate::graph::Stats::compute(&c, &g);
    let orphans = (0..c.docs.len())
        .filter(|&d| c.docs[d].kind == DocKind::Topic && m.inlinks[d] == 0)
        .count();
    assert_eq!(s.orphans, orphans);
    assert!(orphans > 0);
    assert_eq!(s.documents, c.docs.len());
    let edges: usize = c
        .docs
        .iter()
        .flat_map(|d| &d.links)
        .filter(|l| l.to_doc.is_some())
        .count();
    let counted: usize = s
        .edges
        .iter()
        .filter(|(k, _)| *k != "from_referrers")
        .map(|(_, v)| v)
        .sum();
    assert_eq!(counted, edges);
    let broken = c
        .docs
        .iter()
        .flat_map(|d| &d.links)
        .filter(|l| l.broken_reason().is_some())
        .count();
    assert_eq!(s.broken.values().sum::<usize>(), broken);
    let Rows::Table(t) = eval(&parse("stats").unwrap(), &c, &g).unwrap() else {
        panic!("stats is a table")
    };
    let cell = |name: &str| {
        t.rows
            .iter()
            .find(|r| r[0] == super::eval::Cell::Text(name.into()))
            .map(|r| r[1].clone())
    };
    assert_eq!(
        cell("orphans"),
        Some(super::eval::Cell::Int(s.orphans as u64))
    );
    assert_eq!(
        cell("documents"),
        Some(super::eval::Cell::Int(s.documents as u64))
    );
    for (k, v) in &s.edges {
        assert_eq!(
            cell(&format!("edges.{k}")),
            Some(super::eval::Cell::Int(*v as u64))
        );
    }
}

/// `path from A to B` is a shortest directed path: every step is a link, and no path is
/// shorter (distances by Floyd–Warshall over the tree's links); none when B is unreachable.
#[test]
fn shortest_paths_are_shortest() {
    let c = tree();
    let g = DocGraph::build(&c);
    let n = c.docs.len();
    const FAR: usize = usize::MAX / 4;
    let mut dist = vec![vec![FAR; n]; n];
    for (a, d) in c.docs.iter().enumerate() {
        dist[a][a] = 0;
        for l in &d.links {
            if let Some(b) = l.to_doc
                && b != a
            {
                dist[a][b] = 1;
            }
        }
    }
    for k in 0..n {
        let through_k = dist[k].clone();
        for row in &mut dist {
            let to_k = row[k];
            for (d, &from_k) in row.iter_mut().zip(&through_k) {
                *d = (*d).min(to_k + from_k);
            }
        }
    }
    let mut found = 0;
    for (a, row) in dist.iter().enumerate() {
        for (b, &shortest) in row.iter().enumerate() {
            let path = g.shortest_path(&c, a, b);
            let Some(path) = path else {
                assert_eq!(shortest, FAR, "{a} → {b}");
                continue;
            };
            found += 1;
            assert_eq!((path[0], path[path.len() - 1]), (a, b));
            assert_eq!(path.len() - 1, shortest, "{a} → {b}: {path:?}");
            for w in path.windows(2) {
                assert!(c.docs[w[0]].links.iter().any(|l| l.to_doc == Some(w[1])));
            }
        }
    }
    assert!(found > n, "the tree has paths beyond the trivial ones");
}

/// Nesting deeper than the limit is one caret error at the level that crosses it; chains of
/// any length are lists that parse, print, desugar and evaluate without recursing per operand.
#[test]
fn deep_nesting_is_refused_and_long_chains_are_fine() {
    use super::parse::MAX_NESTING;
    let parens = format!(
        "docs where {}orphan{}",
        "(".repeat(10_000),
        ")".repeat(10_000)
    );
    let nots = format!("docs where {}orphan", "not ".repeat(20_000));
    let mixed = format!(
        "docs where {}orphan{}",
        "not (".repeat(5_000),
        ")".repeat(5_000)
    );
    // The error points at the first level past the limit.
    for (src, at) in [(&parens, 11 + MAX_NESTING), (&nots, 11 + 4 * MAX_NESTING)] {
        let errs = parse(src).unwrap_err().0;
        assert_eq!(errs.len(), 1, "{errs:?}");
        assert_eq!(errs[0].message, "query nests deeper than 256 levels");
        assert_eq!(errs[0].span.start, at);
        let shown = super::render_errors(src, "query", 1, &errs);
        assert!(shown.len() < 1_000, "the error shows a window: {shown}");
    }
    assert!(parse(&mixed).is_err());

    let ok = format!(
        "docs where {}orphan{}",
        "not (".repeat(MAX_NESTING / 2),
        ")".repeat(MAX_NESTING / 2)
    );
    let q = parse(&ok).unwrap();
    let again = parse(&q.to_string()).unwrap();
    assert_eq!(q.without_spans(), again.without_spans());
    let core = Query::from(q.core());
    assert_eq!(
        Query::from(core.core()).without_spans(),
        core.without_spans()
    );

    let c = tree();
    for op in ["and", "or"] {
        let chain = format!(
            "docs where {}",
            vec!["orphan"; 20_000].join(&format!(" {op} "))
        );
        let q = parse(&chain).unwrap();
        assert_eq!(
            parse(&q.to_string()).unwrap().without_spans(),
            q.without_spans()
        );
        assert_eq!(paths(&c, &chain), paths(&c, "docs where orphan"), "{op}");
    }
    assert_eq!(paths(&c, &ok), paths(&c, "docs where orphan"));
}

/// One table spells the sources: every kind has a row, the parser reads each row's words
/// (and its spelling variants) into that kind, and the printer writes them back.
#[test]
fn the_source_table_drives_parser_and_printer() {
    use super::lex::{SOURCES, SourceKind};
    let args = |k: SourceKind| match k {
        SourceKind::Backlinks | SourceKind::Neighbors | SourceKind::Similar => " a",
        SourceKind::Path => " a to b",
        SourceKind::Search => " \"pool\"",
        SourceKind::SuggestRelated => " orphans",
        _ => "",
    };
    for (i, row) in SOURCES.iter().enumerate() {
        assert_eq!(row.kind.syntax().spelling, row.spelling);
        assert!(
            SOURCES[..i].iter().all(|r| r.kind != row.kind),
            "{row:?} twice"
        );
        for first in std::iter::once(row.keyword()).chain(row.aliases.iter().copied()) {
            let rest: Vec<&str> = row.words().skip(1).collect();
            let src = format!(
                "{}{}",
                [vec![first], rest].concat().join(" "),
                args(row.kind)
            );
            let q = parse(&src).unwrap_or_else(|e| panic!("{src}: {e}"));
            assert_eq!(q.source.kind(), row.kind, "{src}");
            assert!(q.to_string().starts_with(row.spelling), "{src} → {q}");
        }
    }
    assert_eq!(SOURCES.len(), 16, "a row per `Source` variant");
}

#[test]
fn needs_says_outline_only_for_what_an_outline_answers() {
    use crate::corpus::Keep;
    let needs = |q: &str| parse(q).unwrap_or_else(|e| panic!("{q}: {e:?}")).needs();
    for q in [
        "docs",
        "orphans",
        "orphans by related",
        "orphans within root in integrations",
        "hubs limit 3",
        "neighbors of x depth 2",
        "path from x to y",
        "categories",
        "matrix",
        "stats",
        "docs where words > 10 and not orphan or broken > 0 sort by inlinks desc, title",
        "docs in x where (category = a or subcategory = b) and kind = topic",
        "docs where root_inlinks = 0 and inrelated < 2 and ininline = 1 and ininclude = 0 \
         and related > 1 and outlinks >= 3 and path ~ a sort by path",
    ] {
        assert_eq!(needs(q), Keep::Outline, "{q}");
    }
    for q in [
        "docs where sections > 2",
        "docs sort by sections",
        "docs missing section \"Usage\"",
        "docs with section \"Usage\"",
        "docs where words > 1 or not (has section \"x\")",
        "hubs as dot",
        "neighbors of x as dot",
        "all links",
        "links",
        "broken",
        "backlinks of x",
        "coverage",
    ] {
        assert_eq!(needs(q), Keep::Graph, "{q}");
    }
    for q in [
        "search \"pool\"",
        "similar to x",
        "suggest related for orphans",
    ] {
        assert_eq!(needs(q), Keep::Everything, "{q}");
    }
    // Every document field is either listed as outline or needs more: a new one needs more
    // until it is listed (and the outline equivalence test covers it).
    let outline: Vec<&str> = DOC_FIELDS
        .iter()
        .filter(|f| f.in_outline())
        .map(|f| f.name())
        .collect();
    assert_eq!(
        outline,
        [
            "path",
            "title",
            "category",
            "subcategory",
            "kind",
            "inlinks",
            "root_inlinks",
            "outlinks",
            "related",
            "inrelated",
            "ininline",
            "ininclude",
            "broken",
            "words",
            "orphan"
        ]
    );
    assert!(LINK_FIELDS.iter().all(|f| !f.in_outline()));
}
