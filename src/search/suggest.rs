//! "Did you mean": up to three likely targets for a broken link.
//!
//! - reason `missing`: a document with the same file name elsewhere in the tree, then the
//!   closest document paths by edit distance, then documents whose title matches the file name;
//! - reason `anchor`: the closest heading slugs (or HTML anchors) of the target document.
//!
//! Suggestions are repo-relative paths (`docs/atomic/x/y.md`), with `#slug` for anchors. Pure:
//! works on the corpus in memory; `outside` and `placeholder` links get none.

use std::collections::HashMap;

use crate::corpus::{BrokenReason, Corpus, DocId, Link, LinkStatus};

/// At most this many suggestions per link.
pub const MAX: usize = 3;

/// Suggestions for the broken links of one corpus; remembers answers per target so a tree
/// with many links to the same missing file pays once.
pub struct Suggester<'a> {
    corpus: &'a Corpus,
    memo: HashMap<String, Vec<String>>,
}

impl<'a> Suggester<'a> {
    pub fn new(corpus: &'a Corpus) -> Suggester<'a> {
        Suggester {
            corpus,
            memo: HashMap::new(),
        }
    }

    /// Suggested targets for link `link` of document `from`; empty when the link is not
    /// broken for reason `missing` or `anchor`, or nothing is close.
    pub fn for_link(&mut self, from: DocId, link: &Link) -> Vec<String> {
        match link.status {
            LinkStatus::Broken(BrokenReason::Missing) => {
                let Some(target) = link.resolved.as_deref() else {
                    return Vec::new();
                };
                if let Some(found) = self.memo.get(target) {
                    return found.clone();
                }
                let found = missing(self.corpus, target);
                self.memo.insert(target.to_string(), found.clone());
                found
            }
            LinkStatus::Broken(BrokenReason::Anchor) => {
                let Some(fragment) = link.fragment.as_deref() else {
                    return Vec::new();
                };
                let target = link
                    .resolved
                    .as_deref()
                    .and_then(|p| self.corpus.doc_id(p))
                    .unwrap_or(from);
                anchor(self.corpus, target, fragment)
            }
            _ => Vec::new(),
        }
    }
}

fn file_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

/// Lower-case words of a file name or title: `message-consuming.md` → `message consuming`.
fn words(text: &str) -> String {
    let stem = text.strip_suffix(".md").unwrap_or(text);
    stem.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect::<Vec<_>>()
        .join(" ")
}

/// Candidates for a missing target, best first.
pub fn missing(corpus: &Corpus, target: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let push = |out: &mut Vec<String>, path: &str| {
        if out.len() < MAX && path != target && !out.iter().any(|p| p == path) {
            out.push(path.to_string());
        }
    };
    // A link to a folder or without an extension: the document it probably meant.
    let with_md = if target.ends_with(".md") {
        None
    } else {
        Some(format!("{}.md", target.trim_end_matches('/')))
    };
    if let Some(p) = with_md.as_deref()
        && corpus.doc_id(p).is_some()
    {
        push(&mut out, p);
    }
    let want = with_md.as_deref().unwrap_or(target);
    let name = file_name(want);

    // 1. The same file name elsewhere, nearest path first.
    let mut same: Vec<(usize, &str)> = corpus
        .docs
        .iter()
        .filter(|d| file_name(&d.path) == name)
        .map(|d| (strsim::levenshtein(&d.path, want), d.path.as_str()))
        .collect();
    same.sort_unstable();
    for (_, p) in same {
        push(&mut out, p);
    }

    // 2. The closest paths by edit distance: a typo or two, not a different file.
    let limit = (want.chars().count() / 10).max(2);
    let want_len = want.chars().count();
    let mut close: Vec<(usize, &str)> = corpus
        .docs
        .iter()
        .filter(|d| d.path.len().abs_diff(want_len) <= limit)
        .map(|d| (strsim::levenshtein(&d.path, want), d.path.as_str()))
        .filter(|&(dist, _)| dist <= limit)
        .collect();
    close.sort_unstable();
    for (_, p) in close {
        push(&mut out, p);
    }

    // 3. A title that reads like the file name.
    let wanted_words = words(name);
    if !wanted_words.is_empty() {
        for d in &corpus.docs {
            if d.title.as_deref().is_some_and(|t| words(t) == wanted_words) {
                push(&mut out, &d.path);
            }
        }
    }
    out
}

/// The closest anchors of document `target` to `fragment`, as `path#anchor`.
pub fn anchor(corpus: &Corpus, target: DocId, fragment: &str) -> Vec<String> {
    let doc = corpus.doc(target);
    let want = fragment.to_lowercase();
    let limit = (want.chars().count() / 2).max(3);
    let mut scored: Vec<(usize, usize, &str)> = doc
        .headings
        .iter()
        .map(|h| h.slug.as_str())
        .chain(doc.html_anchors.iter().map(String::as_str))
        .enumerate()
        .filter_map(|(order, slug)| {
            let lower = slug.to_lowercase();
            let dist = strsim::levenshtein(&lower, &want);
            // A slug that contains the fragment (or the reverse) is close whatever the length.
            let contained = !want.is_empty() && (lower.contains(&want) || want.contains(&lower));
            (dist <= limit || contained).then_some((
                if contained { dist.min(limit) } else { dist },
                order,
                slug,
            ))
        })
        .collect();
    scored.sort_unstable();
    let mut out: Vec<String> = Vec::new();
    for (_, _, slug) in scored {
        let s = format!("{}#{slug}", doc.path);
        if out.len() < MAX && !out.contains(&s) {
            out.push(s);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use crate::corpus::SourceFile;
    use crate::corpus::links::MemRepo;

    fn corpus(files: &[(&str, &str)]) -> Corpus {
        let sources = files
            .iter()
            .map(|(p, t)| SourceFile {
                path: p.to_string(),
                text: t.to_string(),
            })
            .collect();
        Corpus::build(
            "docs/atomic",
            sources,
            Vec::new(),
            &MemRepo::default(),
            &Config::default(),
        )
    }

    fn broken(c: &Corpus, path: &str) -> Vec<Vec<String>> {
        let id = c.doc_id(path).unwrap();
        let mut s = Suggester::new(c);
        c.doc(id)
            .links
            .iter()
            .filter(|l| l.broken_reason().is_some())
            .map(|l| s.for_link(id, l))
            .collect()
    }

    #[test]
    fn missing_same_file_name_elsewhere() {
        let c = corpus(&[
            (
                "docs/atomic/a.md",
                "# A\n\n- `docs/atomic/rabbitmq/message-consuming.md`\n",
            ),
            (
                "docs/atomic/integrations/rabbitmq/message-consuming.md",
                "# Consuming\n",
            ),
            ("docs/atomic/integrations/rabbitmq/publishing.md", "# P\n"),
        ]);
        assert_eq!(
            broken(&c, "docs/atomic/a.md"),
            [vec![
                "docs/atomic/integrations/rabbitmq/message-consuming.md".to_string()
            ]]
        );
    }

    #[test]
    fn missing_closest_path_and_title() {
        let c = corpus(&[
            (
                "docs/atomic/a.md",
                "# A\n\n[x](redis/conection-pool.md) [y](ops/Health%20Checks.md)\n",
            ),
            ("docs/atomic/redis/connection-pool.md", "# Pool\n"),
            ("docs/atomic/infra/probes.md", "# Health Checks\n"),
        ]);
        assert_eq!(
            broken(&c, "docs/atomic/a.md"),
            [
                vec!["docs/atomic/redis/connection-pool.md".to_string()],
                vec!["docs/atomic/infra/probes.md".to_string()],
            ]
        );
    }

    #[test]
    fn missing_folder_link_suggests_the_md_file() {
        let c = corpus(&[
            ("docs/atomic/a.md", "# A\n\n[x](guide)\n"),
            ("docs/atomic/guide.md", "# Guide\n"),
        ]);
        assert_eq!(
            broken(&c, "docs/atomic/a.md"),
            [vec!["docs/atomic/guide.md".to_string()]]
        );
    }

    #[test]
    fn anchor_closest_slug() {
        let c = corpus(&[
            (
                "docs/atomic/a.md",
                "# A\n\n[x](b.md#pool-sizng) [y](#setup) [z](b.md#zzzzzzzzzzzzzzzz)\n\n## Set Up\n",
            ),
            (
                "docs/atomic/b.md",
                "# B\n\n## Pool Sizing\n\n## Pool Metrics\n\n## Unrelated\n",
            ),
        ]);
        assert_eq!(
            broken(&c, "docs/atomic/a.md"),
            [
                vec!["docs/atomic/b.md#pool-sizing".to_string()],
                vec!["docs/atomic/a.md#set-up".to_string()],
                vec![],
            ]
        );
    }

    #[test]
    fn nothing_for_outside_and_placeholder() {
        let c = corpus(&[(
            "docs/atomic/a.md",
            "# A\n\n[x](../../../x.md) `docs/atomic/{cat}/x.md`\n",
        )]);
        assert_eq!(
            broken(&c, "docs/atomic/a.md"),
            [vec![], vec![]] as [Vec<String>; 2]
        );
    }
}
