//! The query fuzz check, shared by the cargo-fuzz target (`fuzz/`), the stable random harness
//! and the replay of saved inputs (`tests/cli/fuzzing.rs`).
//!
//! The input is a query text (lossy UTF-8). It is lexed and parsed; a parse error must carry
//! spans inside the text (on character boundaries) and render without panicking. A query that
//! parses must print to a text that parses back to the same query, and evaluate against a
//! small fixed tree without panicking; its rows must render as table, JSON and CSV.

use std::sync::OnceLock;

use atomdoc::config::{Config, Location};
use atomdoc::corpus::links::MemRepo;
use atomdoc::corpus::{Corpus, SourceFile};
use atomdoc::query;
use atomdoc::render::rows;
use atomdoc::workspace::Workspace;

/// A small tree with every kind of document and every kind of broken link.
fn workspace() -> &'static Workspace {
    static WS: OnceLock<Workspace> = OnceLock::new();
    WS.get_or_init(|| {
        let files = [
            ("docs/atomic/README.md", "# Index\n\n[a](cat/a.md) [r](cat/sub/r.md)\n"),
            ("docs/atomic/CHANGELOG.md", "# Changes\n"),
            (
                "docs/atomic/cat/a.md",
                "# A =cmd\n\nIntro \u{1b}[31m.\n\n## Part\n\n```python\n# CORRECT: x\n```\n\n## Related Documents\n\n- [B](b.md#part) [M](gone.md) [O](../../../../x.md)\n- `docs/atomic/{c}/{x}.md`\n",
            ),
            ("docs/atomic/cat/b.md", "# B\n\n## Part\n\n[a](a.md#nope) [e](https://x.y)\n"),
            ("docs/atomic/cat/sub/r.md", "# R\n\nAn orphan? No, the index links it.\n"),
            ("docs/atomic/other/o.md", "# O\n\nAn orphan.\n"),
        ];
        let files = files
            .iter()
            .map(|(p, t)| SourceFile {
                path: p.to_string(),
                text: t.to_string(),
            })
            .collect();
        let config = Config::default();
        let corpus = Corpus::build("docs/atomic", files, Vec::new(), &MemRepo::default(), &config);
        let location = Location {
            repo: std::path::PathBuf::from("."),
            root: "docs/atomic".into(),
        };
        Workspace::from_corpus(location, config, corpus)
    })
}

pub fn check(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let _ = query::lex(&text);
    match query::parse(&text) {
        Err(errors) => {
            assert!(
                !errors.0.is_empty(),
                "an error without a message for {text:?}"
            );
            for e in &errors.0 {
                assert!(
                    e.span.start <= e.span.end && e.span.end <= text.len(),
                    "{e:?} in {text:?}"
                );
                assert!(
                    text.is_char_boundary(e.span.start) && text.is_char_boundary(e.span.end),
                    "{e:?} in {text:?}"
                );
            }
            let _ = query::render_errors(&text, "fuzz", 1, &errors.0);
        }
        Ok(q) => {
            let printed = q.to_string();
            let again = query::parse(&printed).unwrap_or_else(|e| {
                panic!("{text:?} printed as {printed:?}, which does not parse: {e:?}")
            });
            assert_eq!(
                again.without_spans(),
                q.without_spans(),
                "{text:?} → {printed:?}"
            );
            let ws = workspace();
            if let Ok(answer) = ws.ask(&q) {
                let records = answer.records;
                let mut out = Vec::new();
                rows::table(&mut out, &records, &atomdoc::render::table::Term::PLAIN).unwrap();
                let table = String::from_utf8(out).unwrap();
                assert!(
                    !table.contains('\u{1b}'),
                    "raw ESC in the table for {text:?}"
                );
                let mut out = Vec::new();
                rows::json(&mut out, &records).unwrap();
                serde_json::from_slice::<serde_json::Value>(&out).expect("valid JSON");
                let mut out = Vec::new();
                rows::csv(&mut out, &records).unwrap();
            }
        }
    }
}
