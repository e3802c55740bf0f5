//! Writes a deterministic, template-shaped docs tree for benchmarks (see `tree.rs` for its
//! shape).
//!
//! ```text
//! cargo run --release --example gen_corpus -- --docs 10000 --seed 1 --out /tmp/atomdoc-10k
//! ```
//!
//! Same `--docs`, `--seed`, `--mean-bytes` and `--shape` → byte-identical tree. `--shape
//! short|deep|dense` stresses another dimension (short files, deep folders, many links per
//! file); `bench/compare.sh --shape` measures such a tree.

mod tree;

use std::path::PathBuf;

use clap::Parser;

#[derive(Parser)]
#[command(about = "Write a deterministic, template-shaped docs tree for benchmarks")]
struct Args {
    /// Total number of Markdown files under the docs root (docs/atomic)
    #[arg(long, default_value_t = 1000)]
    docs: usize,
    /// Seed: the same seed gives the same tree
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Output folder (becomes the repository root); must be empty or absent
    #[arg(long)]
    out: PathBuf,
    /// Mean size of a topic document in bytes
    #[arg(long, default_value_t = 8192)]
    mean_bytes: usize,
    /// The tree's shape: `topics` (the default, template-shaped), `short` (short files),
    /// `deep` (deep folders) or `dense` (many links per file)
    #[arg(long, default_value = "topics")]
    shape: String,
}

fn main() {
    let args = Args::parse();
    if let Err(message) = run(&args) {
        eprintln!("error: {message}");
        std::process::exit(2);
    }
}

fn run(args: &Args) -> Result<(), String> {
    let out = &args.out;
    if std::fs::read_dir(out).is_ok_and(|mut d| d.next().is_some()) {
        return Err(format!(
            "{} is not empty; pass --out with an empty or new folder",
            out.display()
        ));
    }
    if args.mean_bytes < 512 {
        return Err("--mean-bytes must be at least 512".into());
    }
    let shape = tree::Shape::parse(&args.shape).ok_or_else(|| {
        format!(
            "unknown --shape {}; use topics, short, deep or dense",
            args.shape
        )
    })?;
    let spec = tree::Spec {
        docs: args.docs,
        seed: args.seed,
        mean_bytes: args.mean_bytes,
        shape,
    };
    let summary = tree::generate(&spec, |rel, text| {
        let full = out.join(rel);
        if let Some(parent) = full.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
        }
        std::fs::write(&full, text).map_err(|e| format!("cannot write {}: {e}", full.display()))
    })?;
    // A marker so `atomdoc` finds the repository without `--repo` when run inside it.
    std::fs::write(out.join("atomdoc.toml"), "root = \"docs/atomic\"\n")
        .map_err(|e| format!("cannot write atomdoc.toml: {e}"))?;
    println!(
        "wrote {} Markdown files under {} ({} topics, {} planned orphans, mean topic {} bytes)",
        summary.markdown_files,
        out.join("docs/atomic").display(),
        summary.topics,
        summary.planned_orphans,
        summary.topic_bytes / summary.topics.max(1)
    );
    Ok(())
}
