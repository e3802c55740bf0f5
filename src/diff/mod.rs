//! What a change does to the docs graph: two loaded trees (a base and a head revision)
//! compared. Pure: the trees come in loaded (`Workspace::at_revision`, or the work tree),
//! the comparison goes out as data for `render::diff`.
//!
//! Documents are matched by path, and through moves (`crate::moves`, git-style rename
//! detection over the texts of the documents removed and added), so a move is one move and
//! not N broken links and an orphan. Everything else is compared with documents followed
//! through moves:
//!
//! - a broken link is the same in both trees when its source document, its target as written
//!   and its reason are the same; repeats are matched by count. A new broken link whose
//!   target is a moved document's old path is *broken by the move*, with the new path as fix;
//! - an edge (a link between two documents) is the same when its source, its target document
//!   and its kind are the same, repeats matched by count;
//! - findings of the checks are matched by the baseline's key ([`Diagnostic::key`], through
//!   [`Baseline`]), so a finding that only moved lines is not new;
//! - orphans, cross-category edge counts and coverage rows are compared as sets and numbers.
//!
//! Must not: read anything or print anything.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use serde::Serialize;

use crate::answer::{Records, link_records};
use crate::check::coverage::SummaryRow;
use crate::check::{Baseline, Diagnostic};
use crate::corpus::{BrokenReason, Corpus, DocId, LinkKind};
use crate::graph::{DocGraph, LinkFilter};
use crate::moves::{self, Move};
use crate::query::{Cell, LinkRef};

/// One side of a comparison: a loaded tree with its findings.
pub struct Side<'a> {
    pub corpus: &'a Corpus,
    pub graph: &'a DocGraph,
    /// Raw texts of the documents (for move detection), by path.
    pub texts: &'a HashMap<String, String>,
    /// The checks' findings (after inline and configured suppression).
    pub diagnostics: &'a [Diagnostic],
    /// The coverage summary (`check::coverage::summary`).
    pub coverage: &'a [SummaryRow],
}

/// A new broken link whose target is a moved document's old path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrokenByMove {
    /// The link, in the head tree.
    pub link: LinkRef,
    /// Where the document it pointed at is now: the fix.
    pub moved_to: String,
}

/// A cross-category pair whose number of edges changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PairChange {
    /// Source category (`null` for documents at the docs root).
    pub from: Option<String>,
    pub to: Option<String>,
    pub before: usize,
    pub after: usize,
}

/// A coverage row before and after (either missing when the category is new or gone).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CoverageChange {
    /// `null` for the total.
    pub category: Option<String>,
    pub before: Option<SummaryRow>,
    pub after: Option<SummaryRow>,
}

/// The comparison. Link references point into the head tree (new, added, by the move) or
/// the base tree (fixed, removed).
#[derive(Debug, Clone, Default)]
pub struct Diff {
    pub added: Vec<String>,
    pub removed: Vec<String>,
    pub moved: Vec<Move>,
    /// New broken links (head), not counting those broken by a move.
    pub broken_new: Vec<LinkRef>,
    /// Broken links that are gone (base).
    pub broken_fixed: Vec<LinkRef>,
    pub broken_by_move: Vec<BrokenByMove>,
    /// Orphans of the head that were not orphans in the base (or did not exist).
    pub orphans_new: Vec<String>,
    /// Orphans of the base that are linked in the head (paths in the head).
    pub orphans_fixed: Vec<String>,
    pub edges_added: Vec<LinkRef>,
    pub edges_removed: Vec<LinkRef>,
    pub pairs: Vec<PairChange>,
    pub diagnostics_new: Vec<Diagnostic>,
    /// Findings of the base that are gone (as they were, base paths).
    pub diagnostics_fixed: Vec<Diagnostic>,
    pub coverage: Vec<CoverageChange>,
}

/// Counts of everything, for the summary line, JSON and the exit status.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub documents_added: usize,
    pub documents_removed: usize,
    pub documents_moved: usize,
    pub broken_new: usize,
    pub broken_fixed: usize,
    pub broken_by_move: usize,
    pub orphans_new: usize,
    pub orphans_fixed: usize,
    pub edges_added: usize,
    pub edges_removed: usize,
    pub diagnostics_new: usize,
    pub diagnostics_fixed: usize,
}

impl Diff {
    pub fn summary(&self) -> Summary {
        Summary {
            documents_added: self.added.len(),
            documents_removed: self.removed.len(),
            documents_moved: self.moved.len(),
            broken_new: self.broken_new.len(),
            broken_fixed: self.broken_fixed.len(),
            broken_by_move: self.broken_by_move.len(),
            orphans_new: self.orphans_new.len(),
            orphans_fixed: self.orphans_fixed.len(),
            edges_added: self.edges_added.len(),
            edges_removed: self.edges_removed.len(),
            diagnostics_new: self.diagnostics_new.len(),
            diagnostics_fixed: self.diagnostics_fixed.len(),
        }
    }
}

/// Compares `base` with `head`.
pub fn compare<'a>(base: &Side<'a>, head: &Side<'a>) -> Diff {
    let (bc, hc) = (base.corpus, head.corpus);
    let head_paths: HashSet<&str> = hc.docs.iter().map(|d| d.path.as_str()).collect();
    let base_paths: HashSet<&str> = bc.docs.iter().map(|d| d.path.as_str()).collect();
    let gone: Vec<&str> = bc
        .docs
        .iter()
        .map(|d| d.path.as_str())
        .filter(|p| !head_paths.contains(p))
        .collect();
    let new: Vec<&str> = hc
        .docs
        .iter()
        .map(|d| d.path.as_str())
        .filter(|p| !base_paths.contains(p))
        .collect();
    let with_text = |paths: &[&'a str], texts: &'a HashMap<String, String>| {
        paths
            .iter()
            .map(|p| (*p, texts.get(*p).map_or("", String::as_str)))
            .collect::<Vec<(&str, &str)>>()
    };
    let moved = moves::moves(&with_text(&gone, base.texts), &with_text(&new, head.texts));
    let to_of: HashMap<&str, &str> = moved
        .iter()
        .map(|m| (m.from.as_str(), m.to.as_str()))
        .collect();
    let from_of: HashMap<&str, &str> = moved
        .iter()
        .map(|m| (m.to.as_str(), m.from.as_str()))
        .collect();
    // A base path as the head names it.
    let follow = |p: &str| -> String { to_of.get(p).map_or(p, |t| t).to_string() };

    let mut diff = Diff {
        added: new
            .iter()
            .filter(|p| !from_of.contains_key(*p))
            .map(|p| p.to_string())
            .collect(),
        removed: gone
            .iter()
            .filter(|p| !to_of.contains_key(*p))
            .map(|p| p.to_string())
            .collect(),
        ..Diff::default()
    };

    // Broken links.
    type BrokenKey = (String, String, BrokenReason);
    let broken = |c: &Corpus, map: &dyn Fn(&str) -> String| -> Vec<(BrokenKey, LinkRef)> {
        let mut out = Vec::new();
        for (id, doc) in c.docs.iter().enumerate() {
            for (i, l) in doc.links.iter().enumerate() {
                if let Some(r) = l.broken_reason() {
                    out.push(((map(&doc.path), l.target.clone(), r), LinkRef::doc(id, i)));
                }
            }
        }
        out
    };
    let base_broken = broken(bc, &follow);
    let head_broken = broken(hc, &|p: &str| p.to_string());
    let (fresh, fixed) = unmatched(&base_broken, &head_broken);
    diff.broken_fixed = fixed;
    for r in fresh {
        let link = hc.link(r.from, r.link);
        let moved_to = match (link.broken_reason(), link.resolved.as_deref()) {
            (Some(BrokenReason::Missing), Some(target)) => to_of.get(target).copied(),
            _ => None,
        };
        match moved_to {
            Some(to) => diff.broken_by_move.push(BrokenByMove {
                link: r,
                moved_to: to.to_string(),
            }),
            None => diff.broken_new.push(r),
        }
    }

    // Orphans: a moved document is compared with itself under its old path; one that is an
    // orphan only because links still point at its old path is the move's to report.
    let orphans = |c: &Corpus, g: &DocGraph| -> Vec<String> {
        g.orphans(c, LinkFilter::Any)
            .into_iter()
            .map(|id| c.docs[id].path.clone())
            .collect()
    };
    let base_orphans: HashSet<String> = orphans(bc, base.graph).iter().map(|p| follow(p)).collect();
    let head_orphans = orphans(hc, head.graph);
    let head_orphan_set: HashSet<&str> = head_orphans.iter().map(String::as_str).collect();
    let stale_targets: HashSet<&str> = diff
        .broken_by_move
        .iter()
        .map(|b| b.moved_to.as_str())
        .collect();
    diff.orphans_new = head_orphans
        .iter()
        .filter(|p| !base_orphans.contains(*p) && !stale_targets.contains(p.as_str()))
        .cloned()
        .collect();
    let mut fixed: Vec<String> = base_orphans
        .into_iter()
        .filter(|p| head_paths.contains(p.as_str()) && !head_orphan_set.contains(p.as_str()))
        .collect();
    fixed.sort();
    diff.orphans_fixed = fixed;

    // Edges between documents, and their counts per pair of categories.
    type EdgeKey = (String, String, LinkKind);
    let edges = |c: &Corpus, map: &dyn Fn(&str) -> String| -> Vec<(EdgeKey, LinkRef)> {
        let mut out = Vec::new();
        for (id, doc) in c.docs.iter().enumerate() {
            for (i, l) in doc.links.iter().enumerate() {
                if let Some(t) = l.to_doc {
                    let key = (map(&doc.path), map(&c.docs[t].path), l.kind);
                    out.push((key, LinkRef::doc(id, i)));
                }
            }
        }
        out
    };
    let base_edges = edges(bc, &follow);
    let head_edges = edges(hc, &|p: &str| p.to_string());
    let (added, removed) = unmatched(&base_edges, &head_edges);
    diff.edges_added = added;
    diff.edges_removed = removed;
    diff.pairs = pair_changes(bc, hc);

    // Findings, keyed as the baseline keys them, base paths followed through moves.
    let mapped_base: Vec<Diagnostic> = base
        .diagnostics
        .iter()
        .map(|d| Diagnostic {
            path: follow(&d.path),
            ..d.clone()
        })
        .collect();
    diff.diagnostics_new = Baseline::record(&mapped_base)
        .filter(head.diagnostics.to_vec())
        .0;
    diff.diagnostics_fixed = Baseline::record(head.diagnostics)
        .filter(mapped_base)
        .0
        .into_iter()
        .map(|d| Diagnostic {
            path: from_of
                .get(d.path.as_str())
                .map_or(d.path.clone(), |p| p.to_string()),
            ..d
        })
        .collect();

    diff.coverage = coverage_changes(base.coverage, head.coverage);
    diff.moved = moved;
    diff
}

/// Items of `head` beyond the count of their key in `base` (new), and items of `base` beyond
/// the count in `head` (gone); the later repeats are the unmatched ones, in input order.
fn unmatched<K: std::hash::Hash + Eq + Clone>(
    base: &[(K, LinkRef)],
    head: &[(K, LinkRef)],
) -> (Vec<LinkRef>, Vec<LinkRef>) {
    let count = |items: &[(K, LinkRef)]| {
        let mut m: HashMap<K, usize> = HashMap::new();
        for (k, _) in items {
            *m.entry(k.clone()).or_insert(0) += 1;
        }
        m
    };
    let beyond = |items: &[(K, LinkRef)], other: HashMap<K, usize>| {
        let mut budget = other;
        items
            .iter()
            .filter(|(k, _)| match budget.get_mut(k) {
                Some(n) if *n > 0 => {
                    *n -= 1;
                    false
                }
                _ => true,
            })
            .map(|(_, r)| *r)
            .collect::<Vec<_>>()
    };
    (beyond(head, count(base)), beyond(base, count(head)))
}

/// Edges between documents of two different categories, counted per (source, target)
/// category pair; the pairs whose count differs.
fn pair_changes(base: &Corpus, head: &Corpus) -> Vec<PairChange> {
    type Pair = (Option<String>, Option<String>);
    let count = |c: &Corpus| {
        let mut m: BTreeMap<Pair, usize> = BTreeMap::new();
        for doc in &c.docs {
            for l in &doc.links {
                let Some(t) = l.to_doc else { continue };
                let target: DocId = t;
                let (from, to) = (&doc.category, &c.docs[target].category);
                if from != to {
                    *m.entry((from.clone(), to.clone())).or_insert(0) += 1;
                }
            }
        }
        m
    };
    let (before, after) = (count(base), count(head));
    let keys: BTreeSet<&Pair> = before.keys().chain(after.keys()).collect();
    keys.into_iter()
        .filter_map(|k| {
            let (b, a) = (
                before.get(k).copied().unwrap_or(0),
                after.get(k).copied().unwrap_or(0),
            );
            (b != a).then(|| PairChange {
                from: k.0.clone(),
                to: k.1.clone(),
                before: b,
                after: a,
            })
        })
        .collect()
}

/// The coverage rows of each category and the total, before and after, in category order
/// (the total last).
fn coverage_changes(base: &[SummaryRow], head: &[SummaryRow]) -> Vec<CoverageChange> {
    let top = |rows: &[SummaryRow]| -> BTreeMap<(bool, Option<String>), SummaryRow> {
        rows.iter()
            .filter(|r| r.subcategory.is_none())
            .map(|r| ((r.category.is_none(), r.category.clone()), r.clone()))
            .collect()
    };
    let (mut before, mut after) = (top(base), top(head));
    let keys: BTreeSet<(bool, Option<String>)> =
        before.keys().chain(after.keys()).cloned().collect();
    keys.into_iter()
        .map(|k| CoverageChange {
            category: k.1.clone(),
            before: before.remove(&k),
            after: after.remove(&k),
        })
        .collect()
}

/// How the output names a revision: as given (`main`, `HEAD~1`, `work tree`) and its commit
/// (`None` for the work tree).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Rev {
    pub rev: String,
    pub commit: Option<String>,
}

/// A comparison ready to print: the diff, its counts, and its links as the records `query`
/// prints link rows with (`answer::link_records`).
pub struct Report {
    pub base: Rev,
    pub head: Rev,
    pub diff: Diff,
    pub summary: Summary,
    pub broken_new: Records,
    pub broken_fixed: Records,
    /// Link rows plus a `moved_to` column: the fix.
    pub broken_by_move: Records,
    pub edges_added: Records,
    pub edges_removed: Records,
}

impl Report {
    pub fn new(
        base: Rev,
        head: Rev,
        diff: Diff,
        base_corpus: &Corpus,
        head_corpus: &Corpus,
    ) -> Report {
        let mut by_move = link_records(
            diff.broken_by_move.iter().map(|b| b.link).collect(),
            head_corpus,
        );
        by_move.columns.push("moved_to".into());
        for (row, b) in by_move.rows.iter_mut().zip(&diff.broken_by_move) {
            row.push(Cell::Text(b.moved_to.clone()));
        }
        Report {
            base,
            head,
            summary: diff.summary(),
            broken_new: link_records(diff.broken_new.clone(), head_corpus),
            broken_fixed: link_records(diff.broken_fixed.clone(), base_corpus),
            broken_by_move: by_move,
            edges_added: link_records(diff.edges_added.clone(), head_corpus),
            edges_removed: link_records(diff.edges_removed.clone(), base_corpus),
            diff,
        }
    }
}

/// A tree already checked: what [`check_like`] derives the other side's findings from.
pub struct Checked<'a> {
    pub corpus: &'a Corpus,
    pub graph: &'a DocGraph,
    pub sources: &'a crate::check::Sources,
    pub report: &'a crate::check::Report,
}

/// The checks' report of `tree`, computed from `known`'s (the other side of a comparison,
/// checked with the same settings: same `[check]`, template and docs root) where nothing a
/// rule looks at differs — same path, text, kind, links as resolved and orphan state — and
/// by running the rules again on the other documents only. Every rule reads one document,
/// its links and its orphan state, so the answer is the one a full run gives; the cost is
/// what differs.
pub fn check_like(
    known: &Checked,
    tree: (&Corpus, &DocGraph, &crate::check::Sources),
    settings: &crate::check::Settings,
) -> crate::check::Report {
    let (corpus, graph, sources) = tree;
    let path_of = |c: &Corpus, id: Option<DocId>| id.map(|t| c.docs[t].path.clone());
    let same = |id: DocId| -> bool {
        let doc = &corpus.docs[id];
        let Some(k) = known.corpus.doc_id(&doc.path) else {
            return false;
        };
        let old = &known.corpus.docs[k];
        old.kind == doc.kind
            && sources.get(&doc.path) == known.sources.get(&doc.path)
            && old.links.len() == doc.links.len()
            && old.links.iter().zip(&doc.links).all(|(a, b)| {
                a.line == b.line
                    && a.column == b.column
                    && a.target == b.target
                    && a.status == b.status
                    && a.resolved == b.resolved
                    && path_of(known.corpus, a.to_doc) == path_of(corpus, b.to_doc)
            })
            && known.graph.is_orphan(known.corpus, k, LinkFilter::Any)
                == graph.is_orphan(corpus, id, LinkFilter::Any)
    };
    let (kept, again): (Vec<DocId>, Vec<DocId>) = (0..corpus.docs.len()).partition(|&id| same(id));
    let kept_paths: HashSet<&str> = kept
        .iter()
        .map(|&id| corpus.docs[id].path.as_str())
        .collect();
    let mut report = crate::check::check_docs(corpus, graph, sources, settings, again);
    report.diagnostics.extend(
        known
            .report
            .diagnostics
            .iter()
            .filter(|d| kept_paths.contains(d.path.as_str()))
            .cloned(),
    );
    crate::check::sort(&mut report.diagnostics);
    report.checked = corpus
        .docs
        .iter()
        .filter(|d| settings.kinds.contains(&d.kind))
        .map(|d| d.path.clone())
        .collect();
    report
}
