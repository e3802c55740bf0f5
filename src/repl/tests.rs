//! Completion, hints, highlighting and validation, driven through the rustyline helper's own
//! methods (as the editor calls them).

use rustyline::Context;
use rustyline::completion::Completer;
use rustyline::highlight::Highlighter;
use rustyline::hint::{Hint as _, Hinter};
use rustyline::history::{DefaultHistory, History};

use super::helper::AtomHelper;
use super::highlight::{self, ERROR, KEYWORD, NUMBER, OPERATOR, RESET, STRING};
use super::vocab::Vocabulary;

fn helper() -> AtomHelper {
    let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    AtomHelper::new(Vocabulary {
        categories: s(&["integrations", "services", "testing"]),
        subcategories: s(&[
            "integrations/rabbitmq",
            "integrations/redis",
            "services/fastapi",
        ]),
        documents: s(&[
            "README",
            "integrations/rabbitmq/message-publishing",
            "integrations/redis/connection-pooling",
            "integrations/redis/key-naming",
            "services/fastapi/app-factory",
            "services/service-catalog",
            "testing/unit-testing/mocking-async-clients",
        ]),
        saved: s(&["gate", "weekly"]),
    })
}

/// Completes at the end of `line` (or at `|` when the line holds one); returns the start of
/// the replaced word and the candidates' replacements.
fn complete(line: &str) -> (usize, Vec<String>) {
    let (line, pos) = match line.find('|') {
        Some(i) => (line.replace('|', ""), i),
        None => (line.to_string(), line.len()),
    };
    let history = DefaultHistory::new();
    let (start, list) = helper()
        .complete(&line, pos, &Context::new(&history))
        .unwrap();
    (start, list.into_iter().map(|p| p.replacement).collect())
}

fn words(line: &str) -> Vec<String> {
    complete(line).1
}

#[test]
fn line_start_offers_sources_saved_queries_and_commands() {
    let all = words("");
    for w in [
        "orphans", "broken", "links", "docs", "stats", ":help", ":quit",
    ] {
        assert!(all.contains(&w.to_string()), "{w} missing from {all:?}");
    }
    assert!(all.contains(&":run gate".to_string()));
    assert_eq!(words("or"), vec!["orphans"]);
    assert_eq!(words("we"), vec![":run weekly"]);
    assert_eq!(complete("  bro"), (2, vec!["broken".to_string()]));
}

#[test]
fn after_in_categories_and_subcategories() {
    assert_eq!(
        words("orphans in "),
        vec![
            "integrations",
            "services",
            "testing",
            "integrations/rabbitmq",
            "integrations/redis",
            "services/fastapi"
        ]
    );
    assert_eq!(
        words("orphans in integrations/re"),
        vec![
            "integrations/redis",
            "integrations/redis/connection-pooling",
            "integrations/redis/key-naming"
        ]
    );
    // Prefix matches first and alone, so Tab extends to their common prefix…
    assert_eq!(
        words("orphans in serv"),
        vec![
            "services",
            "services/fastapi",
            "services/fastapi/app-factory",
            "services/service-catalog"
        ]
    );
    // …and any word of a path when nothing starts with what was typed.
    assert_eq!(
        words("orphans in redis"),
        vec![
            "integrations/redis",
            "integrations/redis/connection-pooling",
            "integrations/redis/key-naming"
        ]
    );
    // Names as typed first; in any case when nothing matches as typed.
    assert_eq!(words("docs in RE"), vec!["README"]);
    assert_eq!(words("docs in INTEGRATIONS/RED")[0], "integrations/redis");
    assert_eq!(
        words("path from KEY"),
        vec!["integrations/redis/key-naming"]
    );
    let (start, _) = complete("broken in serv");
    assert_eq!(start, "broken in ".len());
}

#[test]
fn after_of_documents_by_any_fragment() {
    assert_eq!(
        words("backlinks of pool"),
        vec!["integrations/redis/connection-pooling"]
    );
    assert_eq!(
        words("neighbors of redis"),
        vec![
            "integrations/redis/connection-pooling",
            "integrations/redis/key-naming"
        ]
    );
    // Path prefixes first, then documents containing the fragment elsewhere.
    assert_eq!(
        words("path from s"),
        vec!["services/fastapi/app-factory", "services/service-catalog"]
    );
    // A fragment matches at the start of a word of the path, not inside one.
    assert_eq!(
        words("path from async"),
        vec!["testing/unit-testing/mocking-async-clients"]
    );
    assert_eq!(
        words("path from services/service-catalog to KEY"),
        vec!["integrations/redis/key-naming"]
    );
}

#[test]
fn from_and_to_in_links_offer_places() {
    assert_eq!(
        words("links from serv"),
        vec![
            "services",
            "services/fastapi",
            "services/fastapi/app-factory",
            "services/service-catalog"
        ]
    );
    assert_eq!(
        words("links from services to t"),
        vec!["testing", "testing/unit-testing/mocking-async-clients"]
    );
}

#[test]
fn after_where_and_sort_by_fields_of_the_rows() {
    let doc_fields = words("docs where ");
    assert!(
        doc_fields.contains(&"inlinks".to_string()),
        "{doc_fields:?}"
    );
    assert!(
        !doc_fields.contains(&"reason".to_string()),
        "{doc_fields:?}"
    );
    let link_fields = words("broken where ");
    assert!(
        link_fields.contains(&"reason".to_string()),
        "{link_fields:?}"
    );
    assert!(
        !link_fields.contains(&"inlinks".to_string()),
        "{link_fields:?}"
    );
    assert_eq!(
        words("docs where in"),
        vec!["inlinks", "inrelated", "ininline", "ininclude"]
    );
    assert_eq!(words("docs where kind = index and wo"), vec!["words"]);
    assert_eq!(words("docs sort by ti"), vec!["title"]);
    assert_eq!(words("docs where (su"), vec!["subcategory"]);
}

#[test]
fn operators_values_and_next_clauses() {
    assert!(words("docs where words ").contains(&">=".to_string()));
    assert_eq!(
        words("broken where reason = "),
        vec!["missing", "anchor", "outside", "placeholder"]
    );
    assert_eq!(words("broken where reason = an"), vec!["anchor"]);
    assert_eq!(words("orphans by "), vec!["related", "inline", "include"]);
    assert_eq!(words("docs sort "), vec!["by"]);
    assert_eq!(words("docs sort by words "), vec!["asc", "desc", "limit"]);
    assert_eq!(words("docs missing "), vec!["section"]);
    assert_eq!(words("backlinks "), vec!["of"]);
    assert_eq!(words("all "), vec!["links"]);
    // The full-text sources (when the build has them) take a string or a document.
    assert!(words("search ").is_empty());
    assert_eq!(words("similar "), vec!["to"]);
    assert_eq!(
        words("similar to key"),
        vec!["integrations/redis/key-naming"]
    );
    assert_eq!(words("suggest "), vec!["related"]);
    assert_eq!(words("suggest related "), vec!["for"]);
    assert_eq!(words("suggest related for or"), vec!["orphans"]);
    assert!(words("all links where ").contains(&"status".to_string()));
    assert_eq!(words("path from services/service-catalog "), vec!["to"]);
    assert_eq!(
        words("orphans "),
        vec!["by", "in", "where", "sort", "limit"]
    );
    assert_eq!(
        words("orphans in testing "),
        vec!["by", "where", "sort", "limit"]
    );
    assert_eq!(
        words("docs where words > 3 "),
        vec!["and", "or", "sort", "limit"]
    );
    assert_eq!(
        words("docs where kind = index "),
        vec!["and", "or", "sort", "limit"]
    );
    assert_eq!(
        words("docs "),
        vec!["missing", "with", "in", "where", "sort", "limit"]
    );
    assert!(words("docs limit ").is_empty());
    assert!(words("docs where title ~ \"red").is_empty());
}

#[test]
fn completion_looks_at_the_cursor_not_the_line_end() {
    assert_eq!(
        complete("orphans in tes| where words > 3"),
        (
            11,
            vec![
                "testing".to_string(),
                "testing/unit-testing/mocking-async-clients".to_string()
            ]
        )
    );
    assert_eq!(complete("ba| of x").1, vec!["backlinks"]);
}

#[test]
fn meta_commands_and_their_arguments() {
    assert_eq!(words(":fo"), vec![":format"]);
    assert_eq!(
        complete(":format j"),
        (8, vec!["json".to_string(), "jsonl".to_string()])
    );
    assert_eq!(words(":run "), vec!["gate", "weekly"]);
    assert_eq!(words(":help fi"), vec!["fields"]);
    assert_eq!(
        words(":explain orphans in int"),
        vec![
            "integrations",
            "integrations/rabbitmq",
            "integrations/redis",
            "integrations/rabbitmq/message-publishing",
            "integrations/redis/connection-pooling",
            "integrations/redis/key-naming"
        ]
    );
    assert_eq!(words(":save mine docs where wo"), vec!["words"]);
    assert_eq!(words(":save mi"), Vec::<String>::new());
}

fn hint(line: &str, history: &[&str]) -> Option<(String, Option<String>)> {
    let mut h = DefaultHistory::new();
    for entry in history {
        h.add(entry).unwrap();
    }
    helper()
        .hint(line, line.len(), &Context::new(&h))
        .map(|hint| {
            (
                hint.display().to_string(),
                hint.completion().map(str::to_string),
            )
        })
}

#[test]
fn hints_from_history_newest_first() {
    let history = ["orphans in testing", "orphans in integrations", "stats"];
    assert_eq!(
        hint("orphans in", &history),
        Some((" integrations".into(), Some(" integrations".into())))
    );
    assert_eq!(hint("", &history), None);
}

#[test]
fn hints_from_the_grammar() {
    // The only word that fits is completed in grey and accepted with →.
    assert_eq!(hint("orph", &[]), Some(("ans".into(), Some("ans".into()))));
    assert_eq!(
        hint("backlinks of key", &[]),
        None,
        "a fragment in the middle of a path is not a prefix: Tab, not a hint"
    );
    assert_eq!(
        hint("backlinks of integrations/redis/k", &[]),
        Some(("ey-naming".into(), Some("ey-naming".into())))
    );
    // A placeholder says what comes next and is never inserted.
    assert_eq!(
        hint("orphans in ", &[]),
        Some(("<category or document>".into(), None))
    );
    assert_eq!(
        hint("backlinks of", &[]),
        Some((" <document>".into(), None))
    );
    assert_eq!(hint("docs where ", &[]), Some(("<field>".into(), None)));
    assert_eq!(hint("docs limit ", &[]), Some(("<number>".into(), None)));
    assert_eq!(hint(":save ", &[]), Some(("NAME <query>".into(), None)));
    assert_eq!(
        hint(":format ", &[]),
        Some(("table|records|json|jsonl|csv".into(), None))
    );
    // Nothing when several words fit.
    assert_eq!(
        hint("docs where ti", &[]),
        Some(("tle".into(), Some("tle".into())))
    );
    assert_eq!(hint("docs where s", &[]), None);
    // After a finished word or clause: the word that must follow (insertable), or the clauses
    // that may (shown only).
    assert_eq!(
        hint("docs sort ", &[]),
        Some(("by".into(), Some("by".into())))
    );
    assert_eq!(
        hint("docs sort", &[]),
        Some((" by".into(), Some(" by".into())))
    );
    assert_eq!(
        hint("orphans by related", &[]),
        Some((" [in|where|sort|limit]".into(), None))
    );
    assert_eq!(
        hint("docs limit 5 ", &[]),
        Some(("[missing|with|in|where|sort]".into(), None))
    );
}

#[test]
fn highlighting_marks_keywords_strings_numbers_operators_and_errors() {
    let h = helper();
    let line = "docs where title ~ \"redis\" and words >= 10";
    let out = h.highlight(line, line.len());
    assert_eq!(
        out,
        format!(
            "{KEYWORD}docs{RESET} {KEYWORD}where{RESET} title {OPERATOR}~{RESET} {STRING}\"redis\"{RESET} {KEYWORD}and{RESET} words {OPERATOR}>={RESET} {NUMBER}10{RESET}"
        )
    );
    assert_eq!(
        highlight::strip(&out),
        line,
        "the visible text is unchanged"
    );
    let bad = h.highlight("docs where @ )", 0);
    assert!(bad.contains(&format!("{ERROR}@{RESET}")), "{bad:?}");
    assert!(bad.contains(&format!("{ERROR}){RESET}")), "{bad:?}");
    let meta = h.highlight(":nope x", 0);
    assert!(
        meta.starts_with(&format!("{ERROR}:nope{RESET}")),
        "{meta:?}"
    );
    let meta = h.highlight(":explain orphans", 0);
    assert!(
        meta.contains(&format!("{KEYWORD}orphans{RESET}")),
        "{meta:?}"
    );
    assert_eq!(h.highlight("   ", 0), "   ");
    // `broken` names a field before an operator, a source at the start.
    assert_eq!(
        h.highlight("broken where broken > 1", 0),
        format!(
            "{KEYWORD}broken{RESET} {KEYWORD}where{RESET} broken {OPERATOR}>{RESET} {NUMBER}1{RESET}"
        )
    );
}

#[test]
fn hints_are_dimmed() {
    assert_eq!(
        helper().highlight_hint(" <document>"),
        "\x1b[2m <document>\x1b[0m"
    );
}

fn sample_session() -> super::Session {
    let repo = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("examples/sample");
    super::Session::new(Box::new(move || {
        let (location, config) = crate::config::locate(Some(&repo), None, &repo)?;
        Ok(crate::workspace::Workspace::load(location, config)?)
    }))
    .unwrap()
}

fn run(session: &mut super::Session, line: &str) -> (String, String, bool) {
    let origin = super::engine::Origin {
        name: "test".into(),
        line: 1,
    };
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let (_, ok) = session.handle(line, &origin, &mut out, &mut err).unwrap();
    (
        String::from_utf8(out).unwrap(),
        String::from_utf8(err).unwrap(),
        ok,
    )
}

#[test]
fn long_answers_are_cut_to_the_screen_and_more_shows_the_rest() {
    let mut session = sample_session();
    let (full, _, _) = run(&mut session, "stats");
    let all: Vec<&str> = full.lines().collect();
    assert!(all.len() > 12, "{full}");
    session.page_height = Some(12);
    let (first, _, ok) = run(&mut session, "stats");
    assert!(ok);
    let first: Vec<&str> = first.lines().collect();
    assert_eq!(first.len(), 10);
    assert_eq!(&first[..9], &all[..9]);
    assert_eq!(
        first[9],
        format!(
            "… {} more lines ({} in all): :more shows them, `limit N` asks for fewer",
            all.len() - 9,
            all.last().unwrap()
        )
    );
    // Each further page starts with the table's header again.
    let (second, _, _) = run(&mut session, ":more");
    let (third, _, _) = run(&mut session, ":more");
    let mut shown: Vec<&str> = first[..9].to_vec();
    for page in [&second, &third] {
        let mut lines = page.lines();
        assert_eq!(lines.next(), Some(all[0]));
        shown.extend(lines.filter(|l| !l.starts_with('…')));
    }
    assert_eq!(shown, all);
    assert_eq!(run(&mut session, ":more").0, "nothing more to show\n");
}

#[test]
fn wrapped_lines_count_as_the_rows_they_take() {
    let mut session = sample_session();
    let (full, _, _) = run(&mut session, "stats");
    let all: Vec<&str> = full.lines().collect();
    // The stats table is about 40 columns wide: two rows each on a 20-column screen.
    assert!(all[1..5].iter().all(|l| l.chars().count() > 20));
    session.page_height = Some(12);
    session.page_width = Some(20);
    let (first, _, _) = run(&mut session, "stats");
    let shown: usize = first.lines().count() - 1;
    let rows: usize = all[..shown]
        .iter()
        .map(|l| l.chars().count().div_ceil(20))
        .sum();
    assert!(rows <= 9, "{rows} rows shown for a room of 9:\n{first}");
    assert!(shown < 9, "{first}");
}

#[test]
fn banner_counts_the_tree() {
    let session = sample_session();
    assert_eq!(
        session.banner(),
        "atomdoc · 37 documents, 144 links, 13 broken, 4 orphans · Tab completes · :help · Ctrl-D quits"
    );
    let vocab = session.vocabulary();
    assert!(vocab.categories.contains(&"integrations".to_string()));
    assert!(
        vocab
            .subcategories
            .contains(&"integrations/redis".to_string())
    );
    assert!(
        vocab
            .documents
            .contains(&"integrations/redis/key-naming".to_string())
    );
    assert!(!vocab.documents.iter().any(|d| d.ends_with("TEMPLATE")));
}

proptest::proptest! {
    /// Whatever is typed and wherever the cursor is, the helper never panics and colouring
    /// never changes the visible text.
    #[test]
    fn any_line_is_safe(
        line in "(docs|orphans|where|in|of|sort|by|:save|:run|\"|'|\\(|\\)|=|!|~|é|漢|[a-z/ -]){0,12}",
        cut in 0usize..64,
    ) {
        let h = helper();
        let pos = (0..=line.len()).filter(|i| line.is_char_boundary(*i)).nth(cut).unwrap_or(line.len());
        let history = DefaultHistory::new();
        let (start, _) = h.complete(&line, pos, &Context::new(&history)).unwrap();
        proptest::prop_assert!(start <= pos && line.is_char_boundary(start));
        let _ = h.hint(&line, line.len(), &Context::new(&history));
        proptest::prop_assert_eq!(highlight::strip(&h.highlight(&line, pos)), line.clone());
        let _ = super::lexical::is_incomplete(&line);
    }
}

/// Completion spells each source's fixed words from the grammar's table, one word at a time,
/// for every source and spelling variant.
#[test]
fn completion_spells_every_source_from_the_grammar_table() {
    for syntax in crate::query::SOURCES {
        let fixed: Vec<&str> = syntax.words().collect();
        for first in std::iter::once(syntax.keyword()).chain(syntax.aliases.iter().copied()) {
            let mut typed = first.to_string();
            for next in &fixed[1..] {
                assert_eq!(
                    words(&format!("{typed} ")),
                    vec![next.to_string()],
                    "{typed}"
                );
                typed = format!("{typed} {next}");
            }
        }
        // What may follow reads the source's kind, so a spelling variant gets the same.
        for first in syntax.aliases {
            let with_alias = words(&format!(
                "{} x ",
                [*first]
                    .into_iter()
                    .chain(fixed[1..].iter().copied())
                    .collect::<Vec<_>>()
                    .join(" ")
            ));
            let with_keyword = words(&format!("{} x ", syntax.spelling));
            assert_eq!(with_alias, with_keyword, "{first}");
            assert!(!with_alias.is_empty());
        }
        assert!(
            words("").contains(&syntax.keyword().to_string()),
            "{} not offered at the start",
            syntax.keyword()
        );
    }
}
