//! The tree the disk-cache and resident benchmarks (`change`, `live`, `lsp`, `snapshot`,
//! `walk`) run on: `gen_corpus` topics (seed 7, 4 KB each) written to a temporary folder with
//! an `atomdoc.toml`; `ATOMDOC_BENCH_DOCS` changes its size (10,000 documents by default).

#[path = "../../examples/gen_corpus/tree.rs"]
mod tree;

use std::path::PathBuf;

/// The benchmark tree: its folder (removed when dropped), its root and its document count.
pub fn write() -> (tempfile::TempDir, PathBuf, usize) {
    let docs = std::env::var("ATOMDOC_BENCH_DOCS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000);
    let spec = tree::Spec {
        docs,
        seed: 7,
        mean_bytes: 4096,
        shape: tree::Shape::Topics,
    };
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().to_path_buf();
    tree::generate::<std::io::Error>(&spec, |path, text| {
        let full = root.join(path);
        std::fs::create_dir_all(full.parent().unwrap())?;
        std::fs::write(full, text)
    })
    .unwrap();
    std::fs::write(root.join("atomdoc.toml"), "root = \"docs/atomic\"\n").unwrap();
    (dir, root, docs)
}
