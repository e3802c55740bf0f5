//! Property tests: path normalisation never escapes the root, resolution never asks about a
//! path outside the repository, slugs are well-formed and counted slugs are unique.

use std::sync::Mutex;

use proptest::prelude::*;

use super::dialect::{Dialect, SlugCounter};
use super::links::{Entry, MemRepo, RepoView};
use super::{BrokenReason, Corpus, LinkStatus, SourceFile};
use crate::config::Config;
use crate::relpath::normalize;

/// Path segments, weighted towards the ones that climb or repeat.
fn segment() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => Just("..".to_string()),
        2 => Just(".".to_string()),
        1 => Just(String::new()),
        1 => Just("%2e%2e".to_string()),
        1 => Just("%2E%2e%2F..".to_string()),
        4 => "[a-z]{1,3}",
        1 => "[a-z]{1,2}\\.md",
        1 => "\\PC{1,3}",
    ]
}

fn path() -> impl Strategy<Value = String> {
    (proptest::collection::vec(segment(), 0..8), any::<bool>()).prop_map(|(segs, absolute)| {
        format!("{}{}", if absolute { "/" } else { "" }, segs.join("/"))
    })
}

/// The reference model: a stack of segments; `None` as soon as `..` finds it empty.
fn model(path: &str) -> Option<Vec<&str>> {
    let mut stack = Vec::new();
    for seg in path.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                stack.pop()?;
            }
            s => stack.push(s),
        }
    }
    Some(stack)
}

/// A view that records every path it is asked about.
struct Recorder {
    inner: MemRepo,
    asked: Mutex<Vec<String>>,
}

impl RepoView for Recorder {
    fn site(&self) -> &super::dialect::Site {
        self.inner.site()
    }
    fn entry(&self, path: &str) -> Entry {
        self.asked.lock().unwrap().push(path.to_string());
        self.inner.entry(path)
    }
    fn anchors(&self, path: &str) -> Vec<String> {
        self.asked.lock().unwrap().push(path.to_string());
        self.inner.anchors(path)
    }
}

fn is_clean(path: &str) -> bool {
    path.is_empty()
        || (!path.starts_with('/')
            && path
                .split('/')
                .all(|s| !s.is_empty() && s != "." && s != ".."))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn word_count_equals_split_whitespace(text in "(\\PC|[ \t\n\r\u{b}\u{c}\u{85}\u{a0}\u{2000}\u{3000}]){0,60}") {
        prop_assert_eq!(
            super::parse::count_words(&text),
            text.split_whitespace().count()
        );
    }

    /// Long ASCII text takes the counting path that sums runs of bytes.
    #[test]
    fn ascii_word_count_equals_split_whitespace(text in "[ a-c\t\n\r\u{b}\u{c}.]{0,1200}") {
        prop_assert_eq!(
            super::parse::count_words(&text),
            text.split_whitespace().count()
        );
    }

    /// A parse that keeps no text finds everything else the same, the word count included
    /// (counted piece by piece as the text would grow, words spanning pieces once).
    #[test]
    fn parse_without_text_equals_parse_with_text(
        src in proptest::collection::vec(prop_oneof![
            Just("# Title `code`\n".to_string()),
            Just("## Related Documents\n".to_string()),
            Just("- [a](b.md#x) `docs/atomic/c.md`\n".to_string()),
            Just("```rust\n// CORRECT\nfn f() {}\n```\n".to_string()),
            Just("| a | b |\n|---|---|\n| c`d` | e |\n".to_string()),
            Just("> quote\n".to_string()),
            Just("\n".to_string()),
            "[ a-zA-Zé\u{a0}\u{3000}*_`\\[\\]()#>-]{0,30}\n?",
        ], 0..12)
    ) {
        let src = src.concat();
        let config = Config::default();
        let full = super::parse::parse(&src, &config.links);
        let graph = super::parse::parse_keeping(&src, &config.links, super::Keep::Graph);
        prop_assert_eq!(full.words, super::parse::count_words(&full.text));
        prop_assert!(graph.text.is_empty() && graph.code.is_empty());
        let mut cleared = full.clone();
        cleared.text.clear();
        cleared.code.clear();
        prop_assert_eq!(graph, cleared);
    }

    #[test]
    fn normalize_matches_the_model_and_never_climbs(p in path()) {
        let got = normalize(&p);
        prop_assert_eq!(got.clone(), model(&p).map(|s| s.join("/")));
        if let Some(n) = got {
            prop_assert!(is_clean(&n), "{:?} → {:?}", p, n);
            // Normalising again changes nothing.
            prop_assert_eq!(normalize(&n), Some(n.clone()));
        }
    }

    #[test]
    fn normalize_under_a_base_stays_under_the_root(base in "[a-z]{1,3}(/[a-z]{1,3}){0,3}", rel in path()) {
        let joined = format!("{base}/{}", rel.trim_start_matches('/'));
        let got = normalize(&joined);
        prop_assert_eq!(got.clone(), model(&joined).map(|s| s.join("/")));
        if let Some(n) = got {
            prop_assert!(is_clean(&n));
        }
    }

    /// Whatever a link says, the resolver only ever asks about clean, repo-relative paths,
    /// and an `outside` link names no path.
    #[test]
    fn resolution_never_looks_outside_the_repository(targets in proptest::collection::vec(path(), 1..6), frag in proptest::option::of("[a-z%]{0,4}")) {
        let mut text = String::from("# A\n\n## Related\n\n");
        for t in &targets {
            let f = frag.as_deref().map(|f| format!("#{f}")).unwrap_or_default();
            text.push_str(&format!("- [x](<{t}{f}>)\n- `docs/{}`\n", t.trim_start_matches('/')));
        }
        let view = Recorder {
            inner: MemRepo::new([("docs/x/y.md", "# Y\n"), ("img/z.png", "")]),
            asked: Mutex::new(Vec::new()),
        };
        let files = vec![
            SourceFile { path: "docs/atomic/cat/sub/a.md".into(), text },
            SourceFile { path: "docs/atomic/cat/b.md".into(), text: "# B\n".into() },
        ];
        let corpus = Corpus::build("docs/atomic", files, Vec::new(), &view, &Config::default());
        for asked in view.asked.lock().unwrap().iter() {
            prop_assert!(is_clean(asked), "asked about {:?}", asked);
        }
        for link in &corpus.docs[0].links {
            if let Some(r) = &link.resolved {
                prop_assert!(is_clean(r), "{:?}", link);
            }
            if link.status == LinkStatus::Broken(BrokenReason::Outside) {
                prop_assert_eq!(&link.resolved, &None);
            }
        }
    }

    #[test]
    fn slugs_have_no_spaces_and_are_lower_case(text in "\\PC{0,40}") {
        for dialect in [Dialect::Github, Dialect::Gitlab, Dialect::Mdbook] {
            let s = dialect.slug(&text);
            prop_assert!(!s.chars().any(char::is_whitespace), "{:?}", s);
            prop_assert_eq!(s.to_lowercase(), s.clone());
        }
    }

    #[test]
    fn counted_slugs_are_unique(texts in proptest::collection::vec(prop_oneof![
        Just("a".to_string()), Just("a-1".to_string()), Just("A".to_string()),
        Just("a 1".to_string()), Just("".to_string()), "[a-c -]{0,4}",
    ], 0..20)) {
        // GitLab's counter can repeat an anchor ("a", "a", "a-1" → a, a-1, a-1); the others
        // never do.
        for dialect in [Dialect::Github, Dialect::Mdbook] {
            let mut counter = SlugCounter::new(dialect);
            let mut seen = std::collections::HashSet::new();
            for t in &texts {
                let s = counter.next(t);
                prop_assert!(seen.insert(s.clone()), "duplicate slug {:?} in {:?}", s, texts);
            }
        }
    }
}
