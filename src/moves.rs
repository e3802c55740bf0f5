//! Move detection: which files that went away reappeared under another path, as git's rename
//! detection decides. A leaf module (pure: texts in, pairs out), used by `atomdoc diff` and
//! meant for `atomdoc fix` ("a document git says was moved").
//!
//! Two passes, like git: first exact moves (identical content), then moves by similarity —
//! the bytes of lines the two files share over the size of the larger one, at least
//! [`MIN_SIMILARITY`] percent (git's default `-M50%`). Each file takes part in at most one
//! move; the most similar pairs are taken first, ties broken by path (a pair keeping its file
//! name first, as git prefers). Above [`MAX_PAIRS`] candidate pairs the similarity pass is
//! skipped (git's `diff.renameLimit` does the same), so the cost stays bounded:
//! O(total size) for exact moves, O(pairs × lines) for the rest.

use std::collections::HashMap;

/// A file that was at `from` and is at `to`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
pub struct Move {
    pub from: String,
    pub to: String,
    /// How much of the content is the same, in percent (100: identical).
    #[serde(skip)]
    pub similarity: u8,
}

/// The least similarity, in percent, that makes two different files a move (git's default).
pub const MIN_SIMILARITY: u8 = 50;

/// Above this many removed × added pairs only exact moves are found (git's default
/// `diff.renameLimit` is 1000 files on each side).
pub const MAX_PAIRS: usize = 1000 * 1000;

/// The moves among files that are gone (`removed`: path and content in the old revision) and
/// files that are new (`added`: path and content in the new one), sorted by `from`.
pub fn moves(removed: &[(&str, &str)], added: &[(&str, &str)]) -> Vec<Move> {
    let mut found = Vec::new();
    let mut from_taken = vec![false; removed.len()];
    let mut to_taken = vec![false; added.len()];

    // Exact moves: identical content. Among several candidates, the same file name first,
    // then path order.
    let mut by_text: HashMap<&str, Vec<usize>> = HashMap::new();
    for (j, (_, text)) in added.iter().enumerate() {
        by_text.entry(text).or_default().push(j);
    }
    let mut order: Vec<usize> = (0..removed.len()).collect();
    order.sort_by_key(|&i| removed[i].0);
    for i in order {
        let (from, text) = removed[i];
        let Some(candidates) = by_text.get(text) else {
            continue;
        };
        let free = candidates.iter().copied().filter(|&j| !to_taken[j]);
        let best = free.min_by_key(|&j| (file_name(added[j].0) != file_name(from), added[j].0));
        if let Some(j) = best {
            from_taken[i] = true;
            to_taken[j] = true;
            found.push(Move {
                from: from.to_string(),
                to: added[j].0.to_string(),
                similarity: 100,
            });
        }
    }

    // Similar content.
    let left: Vec<usize> = (0..removed.len()).filter(|&i| !from_taken[i]).collect();
    let right: Vec<usize> = (0..added.len()).filter(|&j| !to_taken[j]).collect();
    if !left.is_empty() && !right.is_empty() && left.len() * right.len() <= MAX_PAIRS {
        let lines_left: Vec<Lines> = left.iter().map(|&i| Lines::of(removed[i].1)).collect();
        let lines_right: Vec<Lines> = right.iter().map(|&j| Lines::of(added[j].1)).collect();
        let mut pairs = Vec::new();
        for (a, la) in lines_left.iter().enumerate() {
            for (b, lb) in lines_right.iter().enumerate() {
                let score = la.similarity(lb);
                if score >= MIN_SIMILARITY {
                    pairs.push((score, a, b));
                }
            }
        }
        let (from_at, to_at) = (|a: usize| removed[left[a]].0, |b: usize| added[right[b]].0);
        pairs.sort_by(|x, y| {
            y.0.cmp(&x.0)
                .then_with(|| {
                    let same =
                        |p: &(u8, usize, usize)| file_name(from_at(p.1)) == file_name(to_at(p.2));
                    same(y).cmp(&same(x))
                })
                .then_with(|| from_at(x.1).cmp(from_at(y.1)))
                .then_with(|| to_at(x.2).cmp(to_at(y.2)))
        });
        let mut a_taken = vec![false; left.len()];
        let mut b_taken = vec![false; right.len()];
        for (score, a, b) in pairs {
            if a_taken[a] || b_taken[b] {
                continue;
            }
            a_taken[a] = true;
            b_taken[b] = true;
            found.push(Move {
                from: from_at(a).to_string(),
                to: to_at(b).to_string(),
                similarity: score,
            });
        }
    }
    found.sort();
    found
}

fn file_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

/// A file's lines with how often each occurs, and its size in bytes.
struct Lines<'a> {
    counts: HashMap<&'a str, usize>,
    size: usize,
}

impl<'a> Lines<'a> {
    fn of(text: &'a str) -> Lines<'a> {
        let mut counts = HashMap::new();
        for line in text.split_inclusive('\n') {
            *counts.entry(line).or_insert(0) += 1;
        }
        Lines {
            counts,
            size: text.len(),
        }
    }

    /// Bytes of lines both files hold (each line as often as the rarer side has it) over the
    /// larger file's size, in percent.
    fn similarity(&self, other: &Lines) -> u8 {
        let larger = self.size.max(other.size);
        if larger == 0 {
            return 100;
        }
        // The smaller map is walked: the cost is the smaller file's distinct lines.
        let (small, big) = match self.counts.len() <= other.counts.len() {
            true => (self, other),
            false => (other, self),
        };
        let shared: usize = small
            .counts
            .iter()
            .map(|(line, n)| line.len() * (*n).min(big.counts.get(line).copied().unwrap_or(0)))
            .sum();
        (shared * 100 / larger) as u8
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(ms: &[Move]) -> Vec<(&str, &str)> {
        ms.iter()
            .map(|m| (m.from.as_str(), m.to.as_str()))
            .collect()
    }

    #[test]
    fn identical_content_is_a_move_preferring_the_same_file_name() {
        let removed = [("a/x.md", "same\n"), ("a/y.md", "other\n")];
        let added = [("b/z.md", "same\n"), ("b/x.md", "same\n")];
        assert_eq!(pairs(&moves(&removed, &added)), [("a/x.md", "b/x.md")]);
    }

    #[test]
    fn similar_content_is_a_move_from_half_the_bytes_up() {
        let body: String = (0..10).map(|i| format!("line number {i}\n")).collect();
        let edited = format!("{body}one more line\n");
        let removed = [("old.md", body.as_str())];
        let added = [("new.md", edited.as_str())];
        let found = moves(&removed, &added);
        assert_eq!(pairs(&found), [("old.md", "new.md")]);
        assert!(found[0].similarity >= 80 && found[0].similarity < 100);
        // Less than half shared: not a move.
        let unrelated: String = (0..10).map(|i| format!("other text {i}\n")).collect();
        let mixed = format!("{}{}", &body[..body.len() / 3], unrelated);
        assert!(moves(&removed, &[("new.md", mixed.as_str())]).is_empty());
    }

    #[test]
    fn each_file_moves_once_and_the_best_pair_wins() {
        let a: String = (0..20).map(|i| format!("a{i}\n")).collect();
        let a2 = format!("{a}extra\n");
        let removed = [("one.md", a.as_str()), ("two.md", a2.as_str())];
        let added = [("moved.md", a2.as_str())];
        assert_eq!(pairs(&moves(&removed, &added)), [("two.md", "moved.md")]);
        assert!(moves(&[], &added).is_empty());
        assert!(moves(&removed, &[]).is_empty());
    }
}
