//! Times a question answered by a resident face (numbers for `bench/compare.sh` and
//! `bench/RESULTS.md`, never a test): loads the tree once into a live `Workspace`, as `serve`,
//! `mcp` and `watch` do, then asks the same query again and again through `Workspace::ask`
//! (the answer layer, records included) and prints the median and the 90th percentile.
//!
//! ```sh
//! cargo run --release --example resident_query -- /tmp/tree-10k "orphans" 50
//! ```
//!
//! Output, one line: `resident QUERY: median X ms, p90 Y ms (N runs, D documents)`.

use std::time::Instant;

use atomdoc::config;
use atomdoc::workspace::Workspace;

fn main() {
    let mut args = std::env::args().skip(1);
    let usage = "usage: resident_query TREE [QUERY] [RUNS]";
    let tree = std::path::absolute(args.next().expect(usage)).expect("a path");
    let src = args.next().unwrap_or_else(|| "orphans".to_string());
    let runs: usize = args.next().map_or(50, |n| n.parse().expect(usage)).max(1);
    let (location, config) = config::locate(Some(&tree), None, &tree).expect("a docs tree");
    let ws = Workspace::load(location, config).expect("the tree loads");
    let query = atomdoc::query::parse(&src).expect("a valid query");
    // One answer first: what a resident face computes once per tree (metrics, name tables).
    let rows = ws.ask(&query).expect("an answer").records.rows.len();
    let mut times: Vec<f64> = (0..runs)
        .map(|_| {
            let started = Instant::now();
            let answer = ws.ask(&query).expect("an answer");
            std::hint::black_box(answer);
            started.elapsed().as_secs_f64() * 1000.0
        })
        .collect();
    times.sort_by(f64::total_cmp);
    let median = times[times.len() / 2];
    let p90 = times[(times.len() * 9 / 10).min(times.len() - 1)];
    println!(
        "resident {src}: median {median:.2} ms, p90 {p90:.2} ms ({runs} runs, {} documents, {rows} rows)",
        ws.corpus.docs.len()
    );
}
