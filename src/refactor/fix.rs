//! Which broken links atomdoc is sure how to fix, and why it leaves the others.
//!
//! Sure means exactly one candidate of high confidence:
//!
//! - `missing`: a document the repository's history says was moved from the link's target
//!   (a [`MovedFiles`] source: `diff`'s git move detection, when the tree is in a git
//!   repository); else the one document of the same file name elsewhere in the tree (did-you-
//!   mean's first rule, [`PathIndex::same_name`]). A fragment the link carries must then name
//!   a heading there, as written or by the `anchor` rule;
//! - `anchor`: the one heading of the target whose text or anchor has the fragment's
//!   letters and digits, once case and punctuation are ignored (`#Deep_Dive` → `#deep-dive`).
//!
//! Two candidates or more, none, a placeholder, a target outside the repository: the link is
//! left, with the reason. Pure.

use crate::corpus::heading::words;
use crate::corpus::{BrokenReason, Corpus, DocId, Link, LinkOrigin};
use crate::search::suggest::PathIndex;

/// Where git says a file went: the seam for `diff`'s move detection (issue 17), which the
/// CLI passes when the repository is a git repository.
pub trait MovedFiles {
    /// The repo-relative path the file at `path` was moved to, if it was.
    fn moved_to(&self, path: &str) -> Option<String>;
}

/// A fix atomdoc is sure of: link `index` of `origin` pointed at `path` and/or `fragment`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fix {
    pub origin: LinkOrigin,
    pub index: usize,
    /// The new target (repo-relative), when the path changes.
    pub path: Option<String>,
    /// The new fragment, when it changes.
    pub fragment: Option<String>,
    /// Why it is sure, for the listing: "the only `x.md` in the tree", "moved (git)", ….
    pub why: String,
}

/// A broken link left as it is, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Left {
    pub origin: LinkOrigin,
    pub index: usize,
    pub why: Why,
}

/// Why a broken link was not fixed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Why {
    /// Several candidates: the link is never changed.
    Ambiguous(Vec<String>),
    /// No candidate of high confidence (a did-you-mean may still exist).
    NoCandidate,
    /// The path was found, but not the fragment in it.
    FragmentNotThere { path: String },
    /// A template placeholder (`{category}`).
    Placeholder,
    /// A target outside the repository.
    Outside,
}

impl Why {
    /// The short name the listing and `--format json` use.
    pub fn as_str(&self) -> &'static str {
        match self {
            Why::Ambiguous(_) => "ambiguous",
            Why::NoCandidate | Why::FragmentNotThere { .. } => "no candidate",
            Why::Placeholder => "placeholder",
            Why::Outside => "outside",
        }
    }

    /// The reason in words.
    pub fn describe(&self) -> String {
        match self {
            Why::Ambiguous(c) => format!("ambiguous: {} candidates ({})", c.len(), c.join(", ")),
            Why::NoCandidate => "no candidate of high confidence".into(),
            Why::FragmentNotThere { path } => {
                format!("no candidate: {path} has no heading for its fragment")
            }
            Why::Placeholder => "placeholder".into(),
            Why::Outside => "outside the repository".into(),
        }
    }
}

/// The sure fixes and the links left, for the broken links of the documents `within` a
/// category or `category/subcategory` (every document when `None`) whose reason is in
/// `select`, in document and link order.
pub fn sure_fixes(
    corpus: &Corpus,
    select: &[BrokenReason],
    within: Option<&str>,
    moved: Option<&dyn MovedFiles>,
) -> (Vec<Fix>, Vec<Left>) {
    let names = PathIndex::new(corpus);
    let (mut fixes, mut left) = (Vec::new(), Vec::new());
    for (id, doc) in corpus.docs.iter().enumerate() {
        let in_scope = within.is_none_or(|w| {
            let sub = doc
                .category
                .as_deref()
                .zip(doc.subcategory.as_deref())
                .map(|(c, s)| format!("{c}/{s}"));
            doc.category.as_deref() == Some(w) || sub.as_deref() == Some(w)
        });
        if !in_scope {
            continue;
        }
        let origin = LinkOrigin::Doc(id);
        for (index, link) in doc.links.iter().enumerate() {
            let Some(reason) = link.broken_reason().filter(|r| select.contains(r)) else {
                continue;
            };
            let found = match reason {
                BrokenReason::Missing => missing(corpus, &names, link, moved),
                BrokenReason::Anchor => anchor(corpus, id, link),
                BrokenReason::Placeholder => Err(Why::Placeholder),
                BrokenReason::Outside => Err(Why::Outside),
            };
            match found {
                Ok((path, fragment, why)) => fixes.push(Fix {
                    origin,
                    index,
                    path,
                    fragment,
                    why,
                }),
                Err(why) => left.push(Left { origin, index, why }),
            }
        }
    }
    (fixes, left)
}

type Found = Result<(Option<String>, Option<String>, String), Why>;

fn missing(
    corpus: &Corpus,
    names: &PathIndex,
    link: &Link,
    moved: Option<&dyn MovedFiles>,
) -> Found {
    let target = link.resolved.as_deref().ok_or(Why::NoCandidate)?;
    let name = target.rsplit('/').next().unwrap_or(target);
    let (path, why) = match moved.and_then(|m| m.moved_to(target)) {
        Some(to) if corpus.doc_id(&to).is_some() => (to, "moved (git history)".to_string()),
        _ => {
            let same: Vec<&str> = names.same_name(name).filter(|p| *p != target).collect();
            match same.as_slice() {
                [one] => (one.to_string(), format!("the only `{name}` in the tree")),
                [] => return Err(Why::NoCandidate),
                many => return Err(Why::Ambiguous(many.iter().map(|p| p.to_string()).collect())),
            }
        }
    };
    let doc = corpus.doc_id(&path).ok_or(Why::NoCandidate)?;
    let fragment = match &link.fragment {
        Some(f) if !corpus.doc(doc).has_anchor(f) => match heading_for(corpus, doc, f) {
            Ok(slug) => Some(slug),
            Err(_) => return Err(Why::FragmentNotThere { path }),
        },
        _ => None,
    };
    Ok((Some(path), fragment, why))
}

fn anchor(corpus: &Corpus, from: DocId, link: &Link) -> Found {
    let fragment = link.fragment.as_deref().ok_or(Why::NoCandidate)?;
    let target = match link.resolved.as_deref() {
        Some(path) => corpus.doc_id(path).ok_or(Why::NoCandidate)?,
        None => from,
    };
    let slug = heading_for(corpus, target, fragment)?;
    Ok((
        None,
        Some(slug),
        "the only heading of that name, ignoring case and punctuation".into(),
    ))
}

/// The anchor of the one heading of `doc` whose text or anchor has the letters and digits
/// of `fragment`, ignoring case and punctuation.
fn heading_for(corpus: &Corpus, doc: DocId, fragment: &str) -> Result<String, Why> {
    let key = |s: &str| words(s).concat();
    let want = key(fragment);
    if want.is_empty() {
        return Err(Why::NoCandidate);
    }
    let doc = corpus.doc(doc);
    let matching: Vec<&str> = doc
        .headings
        .iter()
        .filter(|h| key(&h.text) == want || key(&h.slug) == want)
        .map(|h| h.slug.as_str())
        .collect();
    match matching.as_slice() {
        [one] => Ok(one.to_string()),
        [] => Err(Why::NoCandidate),
        many => Err(Why::Ambiguous(
            many.iter().map(|s| format!("{}#{s}", doc.path)).collect(),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;

    fn corpus(files: &[(&str, &str)]) -> Corpus {
        Corpus::from_files("docs/atomic", files, &Config::default())
    }

    struct Git;
    impl MovedFiles for Git {
        fn moved_to(&self, path: &str) -> Option<String> {
            (path == "docs/atomic/old/place.md").then(|| "docs/atomic/b/twin.md".into())
        }
    }

    #[test]
    fn only_unique_candidates_are_fixed() {
        let c = corpus(&[
            (
                "docs/atomic/a/x.md",
                "# X\n\n[u](unique.md) [t](twin.md) [n](nothing.md) [h](#deep_dive) \
                 [h2](#Part.) `docs/atomic/{cat}/x.md` [g](../old/place.md) \
                 [f](gone/unique.md#nope)\n\n## Deep Dive\n\n## Part\n\n### Part\n",
            ),
            ("docs/atomic/a/sub/unique.md", "# U\n"),
            ("docs/atomic/b/twin.md", "# T\n"),
            ("docs/atomic/c/twin.md", "# T\n"),
        ]);
        let all = BrokenReason::ALL;
        let (fixes, left) = sure_fixes(&c, &all, None, Some(&Git));
        let fixed: Vec<(usize, Option<&str>, Option<&str>)> = fixes
            .iter()
            .map(|f| (f.index, f.path.as_deref(), f.fragment.as_deref()))
            .collect();
        assert_eq!(
            fixed,
            [
                (0, Some("docs/atomic/a/sub/unique.md"), None),
                (3, None, Some("deep-dive")),
                (6, Some("docs/atomic/b/twin.md"), None),
            ]
        );
        let why: Vec<(usize, &str)> = left.iter().map(|l| (l.index, l.why.as_str())).collect();
        assert_eq!(
            why,
            [
                (1, "ambiguous"),
                (2, "no candidate"),
                (4, "ambiguous"),
                (5, "placeholder"),
                (7, "no candidate"),
            ]
        );
        // Without git, the moved file has no candidate; `--select anchor` keeps to fragments;
        // `--in b` looks at nothing here.
        let (fixes, _) = sure_fixes(&c, &all, None, None);
        assert_eq!(fixes.len(), 2);
        let (fixes, left) = sure_fixes(&c, &[BrokenReason::Anchor], None, None);
        assert_eq!((fixes.len(), left.len()), (1, 1));
        assert_eq!(sure_fixes(&c, &all, Some("b"), None), (vec![], vec![]));
    }
}
