//! Naming documents and categories the way people type them.
//!
//! A document is named by its repo-relative path, its path under the docs root, with or
//! without `.md`, or by any path suffix that names only it (`redis/connection-management`).
//! A folder name stands for its `README.md`. A category is `cat` or `cat/sub` (or a
//! subcategory name that only one category has). Ambiguous names list the candidates;
//! unknown names list the closest matches. Pure: works on the in-memory corpus.

use std::fmt;

use crate::corpus::{Corpus, DocId, Document};

/// What `in X` (and `from X`, `to X`) selects.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    Category(String),
    Subcategory(String, String),
    Document(DocId),
}

impl Scope {
    pub fn contains(&self, id: DocId, doc: &Document) -> bool {
        match self {
            Scope::Category(c) => doc.category.as_deref() == Some(c.as_str()),
            Scope::Subcategory(c, s) => {
                doc.category.as_deref() == Some(c.as_str())
                    && doc.subcategory.as_deref() == Some(s.as_str())
            }
            Scope::Document(d) => *d == id,
        }
    }
}

/// Why a name did not resolve.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NameError {
    /// More than one document ends with the name; candidates are repo-relative paths.
    Ambiguous {
        name: String,
        candidates: Vec<String>,
    },
    /// Nothing matches; `closest` holds the nearest names (possibly none).
    Unknown {
        name: String,
        /// "document", "category" or "category or document".
        what: &'static str,
        closest: Vec<String>,
    },
}

impl fmt::Display for NameError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NameError::Ambiguous { name, candidates } => write!(
                f,
                "'{name}' names {} documents: {}",
                candidates.len(),
                candidates.join(", ")
            ),
            NameError::Unknown { name, what, .. } => write!(f, "unknown {what} '{name}'"),
        }
    }
}

impl NameError {
    /// What to do about it.
    pub fn help(&self) -> String {
        match self {
            NameError::Ambiguous { .. } => {
                "add folders in front of the name until only one document ends with it".into()
            }
            NameError::Unknown { closest, what, .. } if closest.is_empty() => {
                format!(
                    "no {what} has a similar name; `atomdoc query categories` and `atomdoc query docs` list them"
                )
            }
            NameError::Unknown { closest, .. } => format!("did you mean {}?", closest.join(", ")),
        }
    }
}

/// Up to `n` candidates that look like `word` (Jaro–Winkler ≥ 0.8), best first.
pub fn closest<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
    n: usize,
) -> Vec<String> {
    let word = word.to_lowercase();
    let mut scored: Vec<(f64, &str)> = candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(&word, &c.to_lowercase()), c))
        .filter(|(s, _)| *s >= 0.8)
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(b.1)));
    scored.dedup_by(|a, b| a.1 == b.1);
    scored
        .into_iter()
        .take(n)
        .map(|(_, c)| c.to_string())
        .collect()
}

fn clean(name: &str) -> &str {
    let name = name.trim();
    let name = name.strip_prefix("./").unwrap_or(name);
    let name = name.strip_prefix('/').unwrap_or(name);
    name.strip_suffix('/').unwrap_or(name)
}

/// Resolves a document name (see the module docs).
pub fn resolve_doc(corpus: &Corpus, name: &str) -> Result<DocId, NameError> {
    let n = clean(name);
    let file = if n.ends_with(".md") {
        n.to_string()
    } else {
        format!("{n}.md")
    };
    let readme = format!("{n}/README.md");
    for wanted in [&file, &readme] {
        if wanted.starts_with('/') || wanted == "/README.md" {
            continue;
        }
        // A full path (repo- or root-relative) wins over suffix matches.
        if let Some(id) = corpus
            .docs
            .iter()
            .position(|d| &d.path == wanted || &d.rel_path == wanted)
        {
            return Ok(id);
        }
        let suffix = format!("/{wanted}");
        let hits: Vec<DocId> = corpus
            .docs
            .iter()
            .enumerate()
            .filter(|(_, d)| d.path.ends_with(&suffix))
            .map(|(i, _)| i)
            .collect();
        match hits.len() {
            0 => continue,
            1 => return Ok(hits[0]),
            _ => {
                return Err(NameError::Ambiguous {
                    name: name.to_string(),
                    candidates: hits.iter().map(|&i| corpus.docs[i].path.clone()).collect(),
                });
            }
        }
    }
    Err(NameError::Unknown {
        name: name.to_string(),
        what: "document",
        closest: closest_docs(corpus, n),
    })
}

/// The documents whose root-relative path (without `.md`) or file stem looks like `name`.
fn closest_docs(corpus: &Corpus, name: &str) -> Vec<String> {
    let name = name.strip_suffix(".md").unwrap_or(name).to_lowercase();
    let last = name.rsplit('/').next().unwrap_or(&name).to_string();
    let mut scored: Vec<(f64, &str)> = corpus
        .docs
        .iter()
        .map(|d| {
            let rel = d.rel_path.strip_suffix(".md").unwrap_or(&d.rel_path);
            let stem = rel.rsplit('/').next().unwrap_or(rel);
            let score = strsim::jaro_winkler(&name, &rel.to_lowercase())
                .max(strsim::jaro_winkler(&last, &stem.to_lowercase()));
            (score, rel)
        })
        .filter(|(s, _)| *s >= 0.8)
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(b.1)));
    scored
        .into_iter()
        .take(3)
        .map(|(_, r)| r.to_string())
        .collect()
}

/// Resolves a category (`cat`), a subcategory (`cat/sub`, or `sub` when only one category
/// has it). A repo-relative folder (`docs/atomic/cat`) works too.
pub fn resolve_category(corpus: &Corpus, name: &str) -> Result<Scope, NameError> {
    let mut n = clean(name);
    if !corpus.root.is_empty()
        && let Some(rest) = n
            .strip_prefix(corpus.root.as_str())
            .and_then(|r| r.strip_prefix('/'))
    {
        n = rest;
    }
    // Exact names first, with one pass over the documents and no allocation.
    if corpus.docs.iter().any(|d| d.category.as_deref() == Some(n)) {
        return Ok(Scope::Category(n.to_string()));
    }
    if let Some((c, s)) = n.split_once('/')
        && corpus
            .docs
            .iter()
            .any(|d| d.category.as_deref() == Some(c) && d.subcategory.as_deref() == Some(s))
    {
        return Ok(Scope::Subcategory(c.to_string(), s.to_string()));
    }
    let cats = corpus.categories();
    let subs = corpus.subcategories();
    let by_sub: Vec<&(&str, &str)> = subs.iter().filter(|(_, s)| *s == n).collect();
    if let [(c, s)] = by_sub.as_slice() {
        return Ok(Scope::Subcategory(c.to_string(), s.to_string()));
    }
    let mut names: Vec<String> = cats.iter().map(|c| c.to_string()).collect();
    names.extend(subs.iter().map(|(c, s)| format!("{c}/{s}")));
    Err(NameError::Unknown {
        name: name.to_string(),
        what: "category",
        closest: closest(n, names.iter().map(String::as_str), 3),
    })
}

/// `in X`: a category or subcategory first, else a document.
pub fn resolve_scope(corpus: &Corpus, name: &str) -> Result<Scope, NameError> {
    let cat_err = match resolve_category(corpus, name) {
        Ok(scope) => return Ok(scope),
        Err(e) => e,
    };
    match resolve_doc(corpus, name) {
        Ok(id) => Ok(Scope::Document(id)),
        Err(e @ NameError::Ambiguous { .. }) => Err(e),
        Err(NameError::Unknown {
            closest: doc_close, ..
        }) => {
            let mut all = match cat_err {
                NameError::Unknown { closest, .. } => closest,
                NameError::Ambiguous { .. } => Vec::new(),
            };
            all.extend(doc_close);
            all.truncate(4);
            Err(NameError::Unknown {
                name: name.to_string(),
                what: "category or document",
                closest: all,
            })
        }
    }
}
