//! Unit tests for the escaping of each format and for the graph model on an in-memory tree.

use graphviz_rust::dot_structures::Id;

use super::dot::quoted;
use super::mermaid::label;
use super::*;
use crate::config::Config;
use crate::corpus::links::Entry;
use crate::corpus::{Corpus, RepoView, SourceFile};
use crate::graph::DocGraph;

#[test]
fn dot_strings_escape_everything_that_could_end_or_change_them() {
    let cases = [
        ("plain", r#""plain""#),
        (r#"say "hi""#, r#""say \"hi\"""#),
        (r"back\slash", r#""back\\slash""#),
        (r"trailing\", r#""trailing\\""#),
        (r"\N \G \L \l", r#""\\N \\G \\L \\l""#),
        ("two\nlines", r#""two\nlines""#),
        ("tab\there", r#""tab here""#),
        ("cr\r\x1b[31mred", r#""cr[31mred""#),
        ("<b>{x}</b> | ;", r#""<b>{x}</b> | ;""#),
        ("日本語 ✓", r#""日本語 ✓""#),
        (r#"x" color="red"#, r#""x\" color=\"red""#),
    ];
    for (text, expected) in cases {
        assert_eq!(quoted(text), Id::Escaped(expected.to_string()), "{text:?}");
    }
}

#[test]
fn mermaid_labels_use_entity_codes() {
    let cases = [
        ("plain", "plain"),
        (r#"say "hi""#, "say #quot;hi#quot;"),
        ("<b>&</b>", "#lt;b#gt;#amp;#lt;/b#gt;"),
        (
            "{x} [y] |z| `c` ; #",
            "#123;x#125; #91;y#93; #124;z#124; #96;c#96; #59; #35;",
        ),
        ("two\nlines", "two<br>lines"),
        ("esc\x1b[0m", "esc#91;0m"),
        ("日本語", "日本語"),
    ];
    for (text, expected) in cases {
        assert_eq!(label(text), expected, "{text:?}");
    }
}

#[test]
fn kinds_map_to_graph_filters() {
    use crate::graph::LinkFilter;
    let k = |related, inline| Kinds { related, inline };
    assert_eq!(k(true, true).filter(), Some(LinkFilter::Any));
    assert_eq!(k(true, false).filter(), Some(LinkFilter::Related));
    assert_eq!(k(false, true).filter(), Some(LinkFilter::Inline));
    assert_eq!(k(false, false).filter(), None);
}

struct NoFiles;

impl RepoView for NoFiles {
    fn site(&self) -> &crate::corpus::dialect::Site {
        static GITHUB: std::sync::LazyLock<crate::corpus::dialect::Site> =
            std::sync::LazyLock::new(Default::default);
        &GITHUB
    }
    fn entry(&self, _: &str) -> Entry {
        Entry::Missing
    }
    fn anchors(&self, _: &str) -> Vec<String> {
        Vec::new()
    }
}

fn corpus(files: &[(&str, &str)]) -> (Corpus, DocGraph) {
    let files = files
        .iter()
        .map(|(p, t)| SourceFile {
            path: format!("docs/atomic/{p}"),
            text: t.to_string(),
        })
        .collect();
    let corpus = Corpus::build("docs/atomic", files, vec![], &NoFiles, &Config::default());
    let graph = DocGraph::build(&corpus);
    (corpus, graph)
}

fn tree() -> (Corpus, DocGraph) {
    corpus(&[
        (
            "a/one.md",
            "# One\n\n[two](../b/two.md) [gone](gone.md)\n\n## Related Documents\n\n- `docs/atomic/b/two.md`\n- `docs/atomic/a/x/three.md`\n",
        ),
        ("a/x/three.md", "# Three\n\n[one](../one.md)\n"),
        ("b/two.md", "# Two\n"),
        ("b/lonely.md", "# Lonely\n"),
        ("README.md", "# Root\n\n[one](a/one.md)\n"),
    ])
}

#[test]
fn document_level_counts_links_per_kind_and_marks_roles() {
    let (corpus, graph) = tree();
    let g = build(&corpus, &graph, &Options::default()).unwrap();
    assert_eq!(g.level, Level::Doc);
    let ids: Vec<&str> = g.nodes.iter().map(|n| n.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "broken:docs/atomic/a/gone.md",
            "docs/atomic/README.md",
            "docs/atomic/a/one.md",
            "docs/atomic/a/x/three.md",
            "docs/atomic/b/lonely.md",
            "docs/atomic/b/two.md",
        ]
    );
    let node = |id: &str| g.nodes.iter().find(|n| n.id == id).unwrap();
    assert!(node("docs/atomic/b/lonely.md").orphan);
    assert!(
        !node("docs/atomic/README.md").orphan,
        "an index is never an orphan"
    );
    assert_eq!(node("broken:docs/atomic/a/gone.md").label, "a/gone.md");
    let edges: Vec<(&str, &str, EdgeKind, bool, usize)> = g
        .edges
        .iter()
        .map(|e| {
            (
                e.source.as_str(),
                e.target.as_str(),
                e.kind,
                e.broken,
                e.count,
            )
        })
        .collect();
    assert_eq!(
        edges,
        [
            (
                "docs/atomic/README.md",
                "docs/atomic/a/one.md",
                EdgeKind::Inline,
                false,
                1
            ),
            (
                "docs/atomic/a/one.md",
                "broken:docs/atomic/a/gone.md",
                EdgeKind::Inline,
                true,
                1
            ),
            (
                "docs/atomic/a/one.md",
                "docs/atomic/a/x/three.md",
                EdgeKind::Related,
                false,
                1
            ),
            (
                "docs/atomic/a/one.md",
                "docs/atomic/b/two.md",
                EdgeKind::Related,
                false,
                1
            ),
            (
                "docs/atomic/a/one.md",
                "docs/atomic/b/two.md",
                EdgeKind::Inline,
                false,
                1
            ),
            (
                "docs/atomic/a/x/three.md",
                "docs/atomic/a/one.md",
                EdgeKind::Inline,
                false,
                1
            ),
        ]
    );
}

#[test]
fn aggregated_levels_count_links_between_and_inside_groups() {
    let (corpus, graph) = tree();
    let opts = |level| Options {
        level: Some(level),
        ..Options::default()
    };
    let g = build(&corpus, &graph, &opts(Level::Category)).unwrap();
    let summary: Vec<(&str, usize, Option<usize>, Option<usize>)> = g
        .nodes
        .iter()
        .map(|n| (n.id.as_str(), n.documents, n.internal_links, n.broken_links))
        .collect();
    assert_eq!(
        summary,
        [
            ("category:a", 2, Some(2), Some(1)),
            ("category:b", 2, Some(0), Some(0)),
            ("root", 1, Some(0), Some(0)),
        ]
    );
    let edges: Vec<(&str, &str, usize)> = g
        .edges
        .iter()
        .map(|e| (e.source.as_str(), e.target.as_str(), e.count))
        .collect();
    assert_eq!(
        edges,
        [("category:a", "category:b", 2), ("root", "category:a", 1)]
    );

    let g = build(&corpus, &graph, &opts(Level::Subcategory)).unwrap();
    let ids: Vec<&str> = g.nodes.iter().map(|n| n.id.as_str()).collect();
    assert_eq!(
        ids,
        ["root", "subcategory:a", "subcategory:a/x", "subcategory:b"]
    );
    let edges: Vec<(&str, &str, usize)> = g
        .edges
        .iter()
        .map(|e| (e.source.as_str(), e.target.as_str(), e.count))
        .collect();
    assert_eq!(
        edges,
        [
            ("root", "subcategory:a", 1),
            ("subcategory:a", "subcategory:a/x", 1),
            ("subcategory:a", "subcategory:b", 2),
            ("subcategory:a/x", "subcategory:a", 1),
        ]
    );
}

#[test]
fn selections_restrict_and_centre() {
    let (corpus, graph) = tree();
    let three = corpus.doc_id("docs/atomic/a/x/three.md").unwrap();
    let g = build(
        &corpus,
        &graph,
        &Options {
            around: Some((three, 1)),
            kinds: Kinds {
                related: false,
                inline: true,
            },
            ..Options::default()
        },
    )
    .unwrap();
    let ids: Vec<&str> = g.nodes.iter().map(|n| n.id.as_str()).collect();
    // One inline step from `three` (either direction) reaches only `one`; `one`'s inline
    // broken link is drawn too, its inline link to `two` is not (two is not selected).
    assert_eq!(
        ids,
        [
            "broken:docs/atomic/a/gone.md",
            "docs/atomic/a/one.md",
            "docs/atomic/a/x/three.md"
        ]
    );
    assert!(
        g.nodes
            .iter()
            .any(|n| n.focus && n.id.ends_with("three.md"))
    );

    let err = build(
        &corpus,
        &graph,
        &Options {
            within: Some("zz".into()),
            ..Options::default()
        },
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "no category or category/subcategory `zz`; the categories are: a, b"
    );
}

#[test]
fn rendering_twice_gives_the_same_text() {
    let (corpus, graph) = tree();
    let g = build(&corpus, &graph, &Options::default()).unwrap();
    assert_eq!(dot::render(&g), dot::render(&g.clone()));
    assert_eq!(mermaid::render(&g), mermaid::render(&g.clone()));
    assert_eq!(json::render(&g), json::render(&g.clone()));
}

#[test]
fn query_answers_draw_their_documents_links_or_path() {
    let (corpus, graph) = tree();
    let id = |p: &str| corpus.doc_id(&format!("docs/atomic/{p}")).unwrap();
    let (readme, one, three, two) = (
        id("README.md"),
        id("a/one.md"),
        id("a/x/three.md"),
        id("b/two.md"),
    );
    let edge_list = |g: &ExportGraph| -> Vec<(String, String, EdgeKind)> {
        g.edges
            .iter()
            .map(|e| (e.source.clone(), e.target.clone(), e.kind))
            .collect()
    };
    let p = |s: &str| format!("docs/atomic/{s}");

    // A document list: the induced subgraph.
    let g = build_drawable(
        &corpus,
        &graph,
        &Drawable::Documents {
            docs: vec![three, one],
            focus: vec![],
        },
        None,
        Kinds::default(),
    );
    assert_eq!(g.nodes.len(), 3, "two documents and one broken target");
    assert_eq!(
        edge_list(&g),
        [
            (
                p("a/one.md"),
                "broken:docs/atomic/a/gone.md".into(),
                EdgeKind::Inline
            ),
            (p("a/one.md"), p("a/x/three.md"), EdgeKind::Related),
            (p("a/x/three.md"), p("a/one.md"), EdgeKind::Inline),
        ]
    );

    // A link list: exactly those links (the 1st link of one.md is its inline link to two.md).
    let g = build_drawable(
        &corpus,
        &graph,
        &Drawable::Links(vec![(one, 0)]),
        None,
        Kinds::default(),
    );
    assert_eq!(
        edge_list(&g),
        [(p("a/one.md"), p("b/two.md"), EdgeKind::Inline)]
    );
    assert_eq!(g.nodes.len(), 2);

    // A path: every link joining consecutive documents, ends in bold.
    let g = build_drawable(
        &corpus,
        &graph,
        &Drawable::Path(vec![readme, one, two]),
        None,
        Kinds::default(),
    );
    assert_eq!(
        edge_list(&g),
        [
            (p("README.md"), p("a/one.md"), EdgeKind::Inline),
            (p("a/one.md"), p("b/two.md"), EdgeKind::Related),
            (p("a/one.md"), p("b/two.md"), EdgeKind::Inline),
        ]
    );
    let bold: Vec<&str> = g
        .nodes
        .iter()
        .filter(|n| n.focus)
        .map(|n| n.id.as_str())
        .collect();
    assert_eq!(bold, [p("README.md"), p("b/two.md")]);
}

#[test]
fn every_kind_of_answer_maps_to_a_drawing_or_to_none() {
    use crate::query::{LinkRef, Rows, Table};
    use crate::search::related::RelatedSuggestion;
    let (corpus, _) = tree();
    let id = |p: &str| corpus.doc_id(&format!("docs/atomic/{p}")).unwrap();
    let (one, two, three) = (id("a/one.md"), id("b/two.md"), id("a/x/three.md"));
    let docs = |docs: Vec<DocId>, focus: Vec<DocId>| Some(Drawable::Documents { docs, focus });
    let cases = [
        (
            Rows::Documents(vec![one, two]),
            docs(vec![one, two], vec![]),
        ),
        (
            Rows::Neighbors {
                of: one,
                near: vec![(two, 1), (three, 1)],
            },
            docs(vec![two, three], vec![one]),
        ),
        (
            Rows::Scored(vec![(three, 2.0), (one, 1.0)]),
            docs(vec![three, one], vec![]),
        ),
        (
            Rows::Related(vec![
                RelatedSuggestion {
                    source: two,
                    target: one,
                    score: 1.0,
                    text: 0.5,
                    shared: 1,
                    same_subcategory: false,
                },
                RelatedSuggestion {
                    source: three,
                    target: one,
                    score: 0.5,
                    text: 0.2,
                    shared: 0,
                    same_subcategory: false,
                },
            ]),
            // Each document once, in id (path) order.
            docs(vec![one, three, two], vec![]),
        ),
        (
            Rows::Links(vec![LinkRef::doc(one, 0)]),
            Some(Drawable::Links(vec![(one, 0)])),
        ),
        (
            Rows::Path {
                from: one,
                to: two,
                docs: vec![one, two],
            },
            Some(Drawable::Path(vec![one, two])),
        ),
        (
            Rows::Table(Table {
                columns: vec!["category".into()],
                rows: vec![],
                noun: ("category", "categories"),
            }),
            None,
        ),
    ];
    for (rows, expected) in cases {
        assert_eq!(Drawable::from_rows(&rows), expected, "{rows:?}");
    }
}
