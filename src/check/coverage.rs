//! Template coverage: how well each category and subcategory follows the template.
//!
//! Four views, all pure data for `render::coverage` and the `coverage` query source:
//! a summary per category/subcategory, the documents that miss required sections, a
//! category × required-section matrix, and the taxonomy the template names.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use serde::Serialize;

use super::{Report, Settings, sections};
use crate::corpus::{Corpus, Document};
use crate::graph::{DocGraph, LinkFilter};

/// One line of the summary: a category (subcategory `None`), a subcategory, or the total
/// (both `None`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SummaryRow {
    pub category: Option<String>,
    pub subcategory: Option<String>,
    pub documents: usize,
    /// Documents with no finding of any enabled rule.
    pub passing: usize,
    /// `passing` as a percentage of `documents`, one decimal.
    pub passing_pct: f64,
    /// Mean number of links in the Related Documents section, two decimals.
    pub mean_related: f64,
    pub orphans: usize,
    pub broken_links: usize,
}

/// A document that misses required sections.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MissingRow {
    pub path: String,
    pub category: Option<String>,
    pub subcategory: Option<String>,
    /// Required sections not met, in card order.
    pub missing: Vec<String>,
    /// How many: `missing`'s length (a key of its own, so a filter or sort can use it).
    pub missing_count: usize,
    pub required: usize,
}

/// One cell of the category × required-section matrix.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MatrixRow {
    /// The card key (`services`, or `services/fastapi` when the card is that specific).
    pub category: String,
    pub section: String,
    pub documents: usize,
    /// Documents with a heading that meets the section.
    pub having: usize,
    /// `having` / `documents`, 0–1, three decimals.
    pub share: f64,
}

/// A subcategory and whether it is in the tree and in the template.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TaxonomyRow {
    pub category: String,
    pub subcategory: String,
    /// `present` (named and in the tree), `missing` (named, not in the tree) or `unlisted`
    /// (in the tree, not named by the template).
    pub status: &'static str,
    pub documents: usize,
}

fn round(x: f64, places: i32) -> f64 {
    let f = 10f64.powi(places);
    (x * f).round() / f
}

/// Documents the checks ran on, by id.
fn checked<'a>(corpus: &'a Corpus, report: &Report) -> Vec<(usize, &'a Document)> {
    let set: HashSet<&str> = report.checked.iter().map(String::as_str).collect();
    corpus
        .docs
        .iter()
        .enumerate()
        .filter(|(_, d)| set.contains(d.path.as_str()))
        .collect()
}

/// The summary: every category, then its subcategories, then the total.
pub fn summary(corpus: &Corpus, graph: &DocGraph, report: &Report) -> Vec<SummaryRow> {
    let failing: HashSet<&str> = report.diagnostics.iter().map(|d| d.path.as_str()).collect();
    type Key = (Option<String>, Option<String>);
    let mut groups: BTreeMap<Key, Vec<usize>> = BTreeMap::new();
    let docs = checked(corpus, report);
    for (id, d) in &docs {
        groups
            .entry((d.category.clone(), None))
            .or_default()
            .push(*id);
        if d.subcategory.is_some() {
            groups
                .entry((d.category.clone(), d.subcategory.clone()))
                .or_default()
                .push(*id);
        }
    }
    let row = |key: Key, ids: &[usize]| {
        let n = ids.len();
        let passing = ids
            .iter()
            .filter(|&&i| !failing.contains(corpus.doc(i).path.as_str()))
            .count();
        let related: usize = ids.iter().map(|&i| corpus.doc(i).related_links()).sum();
        SummaryRow {
            category: key.0,
            subcategory: key.1,
            documents: n,
            passing,
            passing_pct: if n == 0 {
                0.0
            } else {
                round(passing as f64 * 100.0 / n as f64, 1)
            },
            mean_related: if n == 0 {
                0.0
            } else {
                round(related as f64 / n as f64, 2)
            },
            orphans: ids
                .iter()
                .filter(|&&i| graph.is_orphan(corpus, i, LinkFilter::Any))
                .count(),
            broken_links: ids.iter().map(|&i| corpus.doc(i).broken_links()).sum(),
        }
    };
    // Root-level documents (no category) sort first in the BTreeMap; put them last, with the
    // total, so categories read in order.
    let mut rows: Vec<SummaryRow> = groups
        .iter()
        .filter(|((c, _), _)| c.is_some())
        .map(|(k, ids)| row(k.clone(), ids))
        .collect();
    let all: Vec<usize> = docs.iter().map(|(i, _)| *i).collect();
    rows.push(row((None, None), &all));
    rows
}

/// Documents of `category` (every category when `None`) that miss required sections.
pub fn missing_sections(
    corpus: &Corpus,
    report: &Report,
    settings: &Settings,
    category: Option<&str>,
) -> Vec<MissingRow> {
    checked(corpus, report)
        .into_iter()
        .filter(|(_, d)| category.is_none_or(|c| d.category.as_deref() == Some(c)))
        .filter_map(|(_, d)| {
            let reqs = settings.requirements.for_doc(d);
            let missing: Vec<String> = reqs
                .iter()
                .filter(|r| r.met_by(&d.headings).is_none())
                .map(|r| r.name.clone())
                .collect();
            (!missing.is_empty()).then(|| MissingRow {
                path: d.path.clone(),
                category: d.category.clone(),
                subcategory: d.subcategory.clone(),
                missing_count: missing.len(),
                missing,
                required: reqs.len(),
            })
        })
        .collect()
}

/// Share of documents per card key that have each required section.
pub fn matrix(corpus: &Corpus, report: &Report, settings: &Settings) -> Vec<MatrixRow> {
    let mut by_key: BTreeMap<String, Vec<&Document>> = BTreeMap::new();
    for (_, d) in checked(corpus, report) {
        if let Some(k) = settings.requirements.key_for(d) {
            by_key.entry(k).or_default().push(d);
        }
    }
    let mut rows = Vec::new();
    for (key, reqs) in &settings.requirements.by_key {
        let docs = by_key.get(key).map(Vec::as_slice).unwrap_or(&[]);
        for r in reqs {
            let having = docs
                .iter()
                .filter(|d| r.met_by(&d.headings).is_some())
                .count();
            rows.push(MatrixRow {
                category: key.clone(),
                section: r.name.clone(),
                documents: docs.len(),
                having,
                share: if docs.is_empty() {
                    0.0
                } else {
                    round(having as f64 / docs.len() as f64, 3)
                },
            });
        }
    }
    rows
}

/// The template's subcategories against the tree's (all documents, not only checked ones).
pub fn taxonomy(corpus: &Corpus, settings: &Settings) -> Vec<TaxonomyRow> {
    let mut in_tree: BTreeMap<(String, String), usize> = BTreeMap::new();
    for d in &corpus.docs {
        if let (Some(c), Some(s)) = (&d.category, &d.subcategory) {
            *in_tree.entry((c.clone(), s.clone())).or_insert(0) += 1;
        }
    }
    let named: BTreeSet<(String, String)> =
        settings.requirements.taxonomy.iter().cloned().collect();
    let named_categories: BTreeSet<&str> = named.iter().map(|(c, _)| c.as_str()).collect();
    let mut keys: BTreeSet<(String, String)> = named.clone();
    // Subcategories of categories the template does not break down are not "unlisted": the
    // template says nothing about them.
    keys.extend(
        in_tree
            .keys()
            .filter(|(c, _)| named_categories.contains(c.as_str()))
            .cloned(),
    );
    keys.into_iter()
        .map(|k| {
            let documents = in_tree.get(&k).copied().unwrap_or(0);
            let status = match (named.contains(&k), documents > 0) {
                (true, true) => "present",
                (true, false) => "missing",
                _ => "unlisted",
            };
            TaxonomyRow {
                category: k.0,
                subcategory: k.1,
                status,
                documents,
            }
        })
        .collect()
}

/// Which heading met which requirement, for `check --explain` on documents.
pub fn explain(settings: &Settings, doc: &Document) -> Vec<sections::Match> {
    sections::explain(&settings.requirements, doc)
}
