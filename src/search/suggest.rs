//! "Did you mean": up to three likely targets for a broken link.
//!
//! - reason `missing`: a document with the same file name elsewhere in the tree, then one in
//!   the same folder whose name's words are a subset of the wanted name's (or the reverse),
//!   then file names in the same folder within a typo or two (edit distance), then documents
//!   whose title matches the file name;
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
    paths: Option<PathIndex<'a>>,
    memo: HashMap<String, Vec<String>>,
}

impl<'a> Suggester<'a> {
    pub fn new(corpus: &'a Corpus) -> Suggester<'a> {
        Suggester {
            corpus,
            paths: None,
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
                let corpus = self.corpus;
                let found = self
                    .paths
                    .get_or_insert_with(|| PathIndex::new(corpus))
                    .missing(target);
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

/// Lookup tables over the corpus's paths and titles, built once per [`Suggester`], so each
/// missing target costs a few hash lookups instead of a pass over every document.
pub struct PathIndex<'a> {
    corpus: &'a Corpus,
    by_name: HashMap<&'a str, Vec<DocId>>,
    by_dir: HashMap<&'a str, Vec<DocId>>,
    by_title: HashMap<String, Vec<DocId>>,
}

impl<'a> PathIndex<'a> {
    pub fn new(corpus: &'a Corpus) -> PathIndex<'a> {
        let mut by_name: HashMap<&str, Vec<DocId>> = HashMap::new();
        let mut by_dir: HashMap<&str, Vec<DocId>> = HashMap::new();
        let mut by_title: HashMap<String, Vec<DocId>> = HashMap::new();
        for (id, d) in corpus.docs.iter().enumerate() {
            let (dir, file) = d.path.rsplit_once('/').unwrap_or(("", &d.path));
            by_name.entry(file).or_default().push(id);
            by_dir.entry(dir).or_default().push(id);
            if let Some(t) = &d.title {
                let w = words(t);
                if !w.is_empty() {
                    by_title.entry(w).or_default().push(id);
                }
            }
        }
        PathIndex {
            corpus,
            by_name,
            by_dir,
            by_title,
        }
    }

    fn path(&self, id: DocId) -> &'a str {
        &self.corpus.docs[id].path
    }

    /// The documents whose file name is `name` (`x.md`): did-you-mean's first rule, and the
    /// one `fix` trusts when it names exactly one document.
    pub fn same_name(&self, name: &str) -> impl Iterator<Item = &'a str> + '_ {
        self.by_name
            .get(name)
            .into_iter()
            .flatten()
            .map(|&id| self.path(id))
    }

    /// Candidates for a missing target, best first.
    pub fn missing(&self, target: &str) -> Vec<String> {
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
            && self.corpus.doc_id(p).is_some()
        {
            push(&mut out, p);
        }
        let want = with_md.as_deref().unwrap_or(target);
        let (folder, name) = want.rsplit_once('/').unwrap_or(("", want));
        let siblings = self.by_dir.get(folder).map(Vec::as_slice).unwrap_or(&[]);

        // 1. The same file name elsewhere, nearest path first.
        let mut same: Vec<(usize, &str)> = self
            .same_name(name)
            .map(|p| (strsim::levenshtein(p, want), p))
            .collect();
        same.sort_unstable();
        for (_, p) in same {
            push(&mut out, p);
        }

        // 2. In the same folder, a file whose name's words are a subset of the wanted one's,
        //    or the reverse (`media-processing-patterns.md` → `media-processing.md`).
        let wanted: Vec<&str> = name_words(name);
        for &id in siblings {
            let file = file_name(self.path(id));
            let theirs = name_words(file);
            let subset = |a: &[&str], b: &[&str]| a.iter().all(|w| b.contains(w));
            if !theirs.is_empty()
                && !wanted.is_empty()
                && (subset(&theirs, &wanted) || subset(&wanted, &theirs))
            {
                push(&mut out, self.path(id));
            }
        }

        // 3. A file name in the same folder within a typo or two (a different folder with the
        //    same file name is rule 1).
        let limit = (want.chars().count() / 10).max(2);
        let mut close: Vec<(usize, &str)> = siblings
            .iter()
            .map(|&id| {
                let p = self.path(id);
                (strsim::levenshtein(file_name(p), name), p)
            })
            .filter(|&(dist, _)| dist <= limit)
            .collect();
        close.sort_unstable();
        for (_, p) in close {
            push(&mut out, p);
        }

        // 4. A title that reads like the file name.
        let wanted_words = words(name);
        if let Some(ids) = self.by_title.get(&wanted_words) {
            for &id in ids {
                push(&mut out, self.path(id));
            }
        }
        out
    }
}

/// The lower-case words of a file name (`Media-Processing.md` → `media`, `processing`).
fn name_words(file: &str) -> Vec<&str> {
    let stem = file.strip_suffix(".md").unwrap_or(file);
    stem.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect()
}

/// Candidates for a missing target, best first (builds the lookup tables for one call; a
/// [`Suggester`] keeps them).
pub fn missing(corpus: &Corpus, target: &str) -> Vec<String> {
    PathIndex::new(corpus).missing(target)
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

    fn corpus(files: &[(&str, &str)]) -> Corpus {
        Corpus::from_files("docs/atomic", files, &Config::default())
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
        let words = corpus(&[
            (
                "docs/atomic/a.md",
                "# A\n\n[x](media-processing-patterns.md)\n",
            ),
            ("docs/atomic/media-processing.md", "# Media\n"),
        ]);
        assert_eq!(
            broken(&words, "docs/atomic/a.md"),
            [vec!["docs/atomic/media-processing.md".to_string()]]
        );
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
