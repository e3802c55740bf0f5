//! Site dialects: how the site generator a tree is written for turns headings into anchors
//! and which link forms it understands. Pure.
//!
//! Each slug algorithm follows its generator's own code (read, not guessed):
//! - `github`: the `github-slugger` npm package (2.0.0), which GitHub's renderer matches: lower
//!   case, then every character that is not a letter (`\p{L}`), mark (`\p{M}`), decimal or
//!   letter number (`\p{Nd}`, `\p{Nl}`; `²` and `½` go), connector punctuation (`\p{Pc}`),
//!   space or `-` is removed; each space becomes `-`.
//!   Repeats get `-1`, `-2` …, skipping suffixes already taken.
//! - `gitlab`: `Gitlab::Utils::Markdown#string_to_anchor` (gitlabhq): strip, lower case, keep
//!   Ruby's `\p{Word}` (letters, marks, decimal and letter numbers, connector punctuation), `-`
//!   and spaces; spaces become `-`; runs of `-` become one; a digits-only anchor gets an
//!   `anchor-` prefix. Repeats get `-N`, N counting earlier headings with the same anchor.
//! - `mdbook`: `id_from_content` and `unique_id` of `mdbook-html` 0.5: trim, lower case, keep
//!   alphanumerics, `_` and `-`; each whitespace character becomes `-` (no squeezing). Repeats
//!   get the first free `-1`, `-2` ….
//!
//! A heading attribute `{#custom-id}` sets the anchor in every dialect.

use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Serialize};
use unicode_general_category::{GeneralCategory as G, get_general_category};

/// The site generator a tree is written for (`dialect` in `atomdoc.toml`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Dialect {
    #[default]
    Github,
    Gitlab,
    Mdbook,
}

impl Dialect {
    pub fn as_str(self) -> &'static str {
        match self {
            Dialect::Github => "github",
            Dialect::Gitlab => "gitlab",
            Dialect::Mdbook => "mdbook",
        }
    }

    /// The anchor this dialect gives a heading with text `text`, before repeats are numbered.
    pub fn slug(self, text: &str) -> String {
        match self {
            Dialect::Github => github_slug(text),
            Dialect::Gitlab => gitlab_slug(text),
            Dialect::Mdbook => mdbook_slug(text),
        }
    }
}

/// What atomdoc knows of the site a docs tree is built into: its dialect and, for mdBook, the
/// page shown for unknown addresses. Resolved by `config::locate` (from `atomdoc.toml` and the
/// book's `book.toml`), so everything after the scan can stay pure.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Site {
    pub dialect: Dialect,
    /// The 404 page, relative to the docs root (`404.md` unless `book.toml` names another);
    /// `None` outside mdBook.
    pub not_found: Option<String>,
}

impl Site {
    pub fn new(dialect: Dialect) -> Site {
        Site {
            dialect,
            not_found: (dialect == Dialect::Mdbook).then(|| "404.md".to_string()),
        }
    }
}

fn github_slug(text: &str) -> String {
    // `str::to_lowercase`, like JavaScript's `toLowerCase`, lowers a final sigma to `ς`.
    text.to_lowercase()
        .chars()
        .filter_map(|c| match c {
            ' ' | '-' => Some('-'),
            c if word_char(c) => Some(c),
            _ => None,
        })
        .collect()
}

/// The characters both GitHub's and GitLab's anchors keep besides space and `-`: letters,
/// marks, decimal and letter numbers, connector punctuation. github-slugger's generated regex
/// keeps exactly these categories, and so does Ruby's `\p{Word}`.
fn word_char(c: char) -> bool {
    matches!(
        get_general_category(c),
        G::UppercaseLetter
            | G::LowercaseLetter
            | G::TitlecaseLetter
            | G::ModifierLetter
            | G::OtherLetter
            | G::NonspacingMark
            | G::SpacingMark
            | G::EnclosingMark
            | G::DecimalNumber
            | G::LetterNumber
            | G::ConnectorPunctuation
    )
}

fn gitlab_slug(text: &str) -> String {
    // Ruby's `strip` removes ASCII whitespace and NUL only.
    let stripped = text.trim_matches(|c: char| c == '\0' || c.is_ascii_whitespace());
    let mut out = String::with_capacity(stripped.len());
    for c in stripped.to_lowercase().chars() {
        let c = match c {
            ' ' | '-' => '-',
            c if word_char(c) => c,
            _ => continue,
        };
        if !(c == '-' && out.ends_with('-')) {
            out.push(c);
        }
    }
    if !out.is_empty() && out.bytes().all(|b| b.is_ascii_digit()) {
        out.insert_str(0, "anchor-");
    }
    out
}

fn mdbook_slug(text: &str) -> String {
    text.trim()
        .to_lowercase()
        .chars()
        .filter_map(|c| match c {
            c if c.is_alphanumeric() || c == '_' || c == '-' => Some(c),
            c if c.is_whitespace() => Some('-'),
            _ => None,
        })
        .collect()
}

/// Hands out a document's heading anchors in order, numbering repeats the way the dialect's
/// generator does.
#[derive(Debug, Default)]
pub struct SlugCounter {
    dialect: Dialect,
    /// github: occurrences per base slug (github-slugger's `occurrences`); gitlab: headings
    /// per anchor.
    counts: HashMap<String, usize>,
    /// mdbook: every id handed out.
    used: HashSet<String>,
}

impl SlugCounter {
    pub fn new(dialect: Dialect) -> SlugCounter {
        SlugCounter {
            dialect,
            ..SlugCounter::default()
        }
    }

    /// The anchor of the next heading, whose text is `text`.
    pub fn next(&mut self, text: &str) -> String {
        let base = self.dialect.slug(text);
        self.take(base)
    }

    /// The anchor of the next heading with a written id (`{#custom-id}`): the id itself, which
    /// later generated anchors then avoid where the generator does.
    pub fn custom(&mut self, id: &str) -> String {
        match self.dialect {
            Dialect::Github => {
                self.counts.entry(id.to_string()).or_insert(0);
            }
            Dialect::Gitlab => *self.counts.entry(id.to_string()).or_insert(0) += 1,
            Dialect::Mdbook => {
                self.used.insert(id.to_string());
            }
        }
        id.to_string()
    }

    fn take(&mut self, base: String) -> String {
        match self.dialect {
            Dialect::Github => {
                // github-slugger: while the candidate is taken, bump the base's counter.
                let mut candidate = base.clone();
                while self.counts.contains_key(&candidate) {
                    let n = self.counts.get_mut(&base).map_or(1, |n| {
                        *n += 1;
                        *n
                    });
                    candidate = format!("{base}-{n}");
                }
                self.counts.insert(candidate.clone(), 0);
                candidate
            }
            Dialect::Gitlab => {
                let n = self.counts.entry(base.clone()).or_insert(0);
                let out = if *n == 0 {
                    base.clone()
                } else {
                    format!("{base}-{n}")
                };
                *n += 1;
                out
            }
            Dialect::Mdbook => {
                if self.used.insert(base.clone()) {
                    return base;
                }
                let mut n = 1u64;
                loop {
                    let candidate = format!("{base}-{n}");
                    if self.used.insert(candidate.clone()) {
                        return candidate;
                    }
                    n += 1;
                }
            }
        }
    }
}
