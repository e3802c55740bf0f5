//! The stat walk a warm run makes before it trusts its snapshot, on the generated tree
//! written to a temporary folder: the walk alone, the walk that stats each Markdown file by
//! name in its folder on the way (what `store::load` runs), and, for comparison, the walk
//! followed by a stat of every path from the repository root (what it ran before).
//!
//! `cargo bench --bench walk` (set `ATOMDOC_BENCH_DOCS` to change the tree size). The
//! kernel's caches are warm, as they are for a warm run.

#[path = "support/tree.rs"]
mod bench_tree;

use std::path::PathBuf;
use std::sync::OnceLock;

use atomdoc::config::Config;
use atomdoc::corpus::scan::{self, DiskRepo, Stats};
use rayon::prelude::*;

fn main() {
    // Written (and walked once) before the clock runs.
    tree();
    divan::main();
}

const ROOT: &str = "docs/atomic";

struct Tree {
    _dir: tempfile::TempDir,
    root: PathBuf,
    repo: DiskRepo,
}

fn tree() -> &'static Tree {
    static TREE: OnceLock<Tree> = OnceLock::new();
    TREE.get_or_init(|| {
        let (dir, root, _) = bench_tree::write();
        let repo = DiskRepo::new(&root, Config::default().links).unwrap();
        // The files were just written: one walk first, so the first benchmark does not pay
        // alone for bringing every folder and inode into the kernel's caches.
        scan::walk(&repo, ROOT, Stats::Take);
        Tree {
            _dir: dir,
            root,
            repo,
        }
    })
}

#[divan::bench]
fn walk_only() -> usize {
    scan::walk(&tree().repo, ROOT, Stats::Skip).paths.len()
}

#[divan::bench]
fn walk_and_stat_on_the_way() -> usize {
    let listing = scan::walk(&tree().repo, ROOT, Stats::Take);
    listing.stats.iter().flatten().count()
}

#[divan::bench]
fn walk_then_stat_each_path() -> usize {
    let t = tree();
    let paths = scan::walk(&t.repo, ROOT, Stats::Skip).paths;
    // In parallel, as `store::load` took them.
    paths
        .par_iter()
        .filter(|p| scan::stat(&t.root, p).is_some())
        .count()
}
