//! The answer layer over a fake text source: columns, excerpts and suggestions are computed
//! here, once, and only for the rows an answer keeps.

use super::{ask, search};
use crate::config::Config;
use crate::corpus::Corpus;
use crate::graph::DocGraph;
use crate::query::eval::Metrics;
use crate::query::fake::FakeText;
use crate::query::{Cell, parse};
use crate::search::SearchQuery;

fn tree() -> Corpus {
    Corpus::from_files(
        "docs",
        &[
            (
                "docs/a/one.md",
                "# One\n\n[two](two.md) and [gone](tow.md)\n",
            ),
            ("docs/a/two.md", "# Two\n\n[one](one.md#nope)\n"),
            ("docs/b/three.md", "# Three\n\n[one](../a/one.md)\n"),
        ],
        &Config::default(),
    )
}

fn column<'a>(records: &'a super::Records, name: &str) -> Vec<&'a Cell> {
    let i = records.columns.iter().position(|c| c == name).unwrap();
    records.rows.iter().map(|r| &r[i]).collect()
}

#[test]
fn search_answers_carry_one_excerpt_per_kept_hit() {
    let c = tree();
    let g = DocGraph::build(&c);
    let fake = FakeText {
        hits: vec![(2, 3.0), (0, 2.0), (1, 1.0)],
        ..FakeText::default()
    };
    let q = parse(r#"search "pool" limit 2"#).unwrap();
    let answer = ask(&q, &c, &g, &fake).unwrap();
    let r = &answer.records;
    assert_eq!(
        r.columns,
        [
            "path", "title", "category", "kind", "inlinks", "outlinks", "score", "line", "snippet"
        ]
    );
    assert_eq!(column(r, "line"), [&Cell::Int(3), &Cell::Int(1)]);
    assert_eq!(
        column(r, "snippet"),
        [
            &Cell::Text("doc 2: **pool**".into()),
            &Cell::Text("doc 0: **pool**".into())
        ]
    );
    // Excerpts are fetched for the rows kept, not for every hit.
    assert_eq!(
        *fake.asked.borrow(),
        ["search pool", "excerpt 2", "excerpt 0"]
    );
}

#[test]
fn document_rows_carry_the_metrics_evaluation_used() {
    let c = tree();
    let g = DocGraph::build(&c);
    let answer = ask(&parse("docs").unwrap(), &c, &g, &FakeText::default()).unwrap();
    let m = Metrics::compute(&c);
    let want: Vec<Cell> = m.inlinks.iter().map(|&n| Cell::Int(n)).collect();
    assert_eq!(
        column(&answer.records, "inlinks"),
        want.iter().collect::<Vec<_>>()
    );
    assert!(!answer.records.columns.contains(&"snippet".to_string()));
}

#[test]
fn fixable_broken_links_get_suggestions() {
    let c = tree();
    let g = DocGraph::build(&c);
    let answer = ask(&parse("broken").unwrap(), &c, &g, &FakeText::default()).unwrap();
    let found = column(&answer.records, "suggestions");
    assert_eq!(found.len(), 2);
    assert!(
        found.contains(&&Cell::List(vec!["docs/a/two.md".into()])),
        "{found:?}"
    );
    // Every link row has the column, null where there is nothing to suggest: one row shape.
    let answer = ask(
        &parse("links from b").unwrap(),
        &c,
        &g,
        &FakeText::default(),
    )
    .unwrap();
    let found = column(&answer.records, "suggestions");
    assert!(!found.is_empty() && found.iter().all(|c| **c == Cell::Null));
}

#[test]
fn atomdoc_search_filters_by_category_then_cuts_then_excerpts() {
    let c = tree();
    let fake = FakeText {
        hits: vec![(2, 3.0), (0, 2.0), (1, 1.0)],
        ..FakeText::default()
    };
    let q = SearchQuery::parse("pool", false).unwrap();
    let found = search(&c, &fake, &q, Some("a"), 1).unwrap();
    let hits = &found.hits;
    assert_eq!(hits.len(), 1);
    assert_eq!((hits[0].doc, hits[0].excerpt.line), (0, Some(1)));
    // Two of the three hits are in `a`: the limit showed one of them.
    assert_eq!(found.total, 2);
    assert_eq!(*fake.asked.borrow(), ["search pool", "excerpt 0"]);
}
