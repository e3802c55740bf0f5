//! "suggest related": documents that should link to each other but do not yet, ranked by text
//! similarity plus graph proximity.
//!
//! score = text + 0.5 × shared + 0.25 × same subcategory (0.1 for the same category only),
//! where `text` is the more-like-this score divided by the best one among the candidates
//! (0..1) and `shared` is the number of link neighbours the two documents have in common,
//! counted up to 3 and divided by 3. Pairs already linked (either way) are left out.
//! Pure apart from asking the search index for similar documents.

use std::collections::HashSet;

use petgraph::Direction;
use serde::Serialize;

use super::{SearchError, SearchIndex};
use crate::corpus::{Corpus, DocId};
use crate::graph::{DocGraph, LinkFilter};

/// One suggestion: `source` should add `target` to its Related Documents.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RelatedSuggestion {
    pub source: DocId,
    pub target: DocId,
    pub score: f32,
    /// Text similarity, 0..1.
    pub text: f32,
    /// Link neighbours the two share.
    pub shared: usize,
    pub same_subcategory: bool,
}

impl RelatedSuggestion {
    /// Why, in a few words: `text 0.82, 2 shared neighbours, same subcategory`.
    pub fn why(&self) -> String {
        let mut parts = vec![format!("text {:.2}", self.text)];
        if self.shared > 0 {
            parts.push(format!(
                "{} shared neighbour{}",
                self.shared,
                if self.shared == 1 { "" } else { "s" }
            ));
        }
        if self.same_subcategory {
            parts.push("same subcategory".into());
        }
        parts.join(", ")
    }
}

fn neighbours(graph: &DocGraph, doc: DocId) -> HashSet<DocId> {
    let mut all: HashSet<DocId> = graph
        .neighbours(doc, Direction::Outgoing, LinkFilter::Any)
        .into_iter()
        .collect();
    all.extend(graph.neighbours(doc, Direction::Incoming, LinkFilter::Any));
    all
}

/// Documents related to `doc` that are not linked with it yet, best first.
///
/// With `incoming` the suggestions read "candidate should link to `doc`" (for an orphan: who
/// should add it to their Related Documents); otherwise "`doc` should link to candidate".
pub fn suggest(
    corpus: &Corpus,
    graph: &DocGraph,
    index: &SearchIndex,
    doc: DocId,
    incoming: bool,
    limit: usize,
) -> Result<Vec<RelatedSuggestion>, SearchError> {
    let linked = neighbours(graph, doc);
    let mine = &linked;
    let similar = index.similar(corpus, doc)?;
    let best = similar.first().map_or(1.0, |h| h.score.max(f32::EPSILON));
    let d = corpus.doc(doc);
    let mut out: Vec<RelatedSuggestion> = similar
        .into_iter()
        .filter(|h| !linked.contains(&h.doc))
        .map(|h| {
            let other = corpus.doc(h.doc);
            let theirs = neighbours(graph, h.doc);
            let shared = mine.intersection(&theirs).count();
            let same_category = d.category.is_some() && d.category == other.category;
            let same_subcategory =
                same_category && d.subcategory.is_some() && d.subcategory == other.subcategory;
            let text = h.score / best;
            let proximity = 0.5 * (shared.min(3) as f32 / 3.0)
                + if same_subcategory {
                    0.25
                } else if same_category {
                    0.1
                } else {
                    0.0
                };
            let (source, target) = if incoming { (h.doc, doc) } else { (doc, h.doc) };
            RelatedSuggestion {
                source,
                target,
                score: text + proximity,
                text,
                shared,
                same_subcategory,
            }
        })
        .collect();
    out.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then(a.source.cmp(&b.source))
            .then(a.target.cmp(&b.target))
    });
    out.truncate(limit);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;

    #[test]
    fn suggests_unlinked_similar_documents_with_graph_bonus() {
        let files = [
            (
                "docs/atomic/integrations/redis/pool.md",
                "# Redis Pool\n\nThe redis connection pool sizing and redis pool metrics.\n\n- `docs/atomic/integrations/redis/keys.md`\n",
            ),
            (
                "docs/atomic/integrations/redis/keys.md",
                "# Redis Keys\n\nRedis key naming for the redis cache.\n",
            ),
            (
                "docs/atomic/integrations/redis/locks.md",
                "# Redis Locks\n\nRedis locks use the redis connection pool and redis keys.\n\n- `docs/atomic/integrations/redis/keys.md`\n",
            ),
            (
                "docs/atomic/integrations/http/client.md",
                "# HTTP Client\n\nTimeouts and retries for outgoing requests.\n",
            ),
        ];
        let corpus = Corpus::from_files("docs/atomic", &files, &Config::default());
        let graph = DocGraph::build(&corpus);
        let index = super::super::build_in_ram(&corpus).unwrap();
        let pool = corpus
            .doc_id("docs/atomic/integrations/redis/pool.md")
            .unwrap();
        let locks = corpus
            .doc_id("docs/atomic/integrations/redis/locks.md")
            .unwrap();
        let keys = corpus
            .doc_id("docs/atomic/integrations/redis/keys.md")
            .unwrap();

        // pool and locks are not linked, share the neighbour keys and the subcategory.
        let got = suggest(&corpus, &graph, &index, pool, false, 5).unwrap();
        assert_eq!(got[0].target, locks);
        assert_eq!(got[0].source, pool);
        assert_eq!(got[0].shared, 1);
        assert!(got[0].same_subcategory);
        assert!(got.iter().all(|s| s.target != keys), "already linked");
        assert!(got.iter().all(|s| s.target != pool), "not itself");
        assert_eq!(
            got[0].why(),
            "text 1.00, 1 shared neighbour, same subcategory"
        );

        // Incoming: who should link to locks (nobody does yet).
        let got = suggest(&corpus, &graph, &index, locks, true, 5).unwrap();
        assert_eq!(got[0].source, pool);
        assert_eq!(got[0].target, locks);
    }
}
