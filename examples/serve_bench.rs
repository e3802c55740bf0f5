//! Benchmarks `atomdoc serve` (numbers for `bench/RESULTS.md`, never a test): the first paint
//! of the whole graph in headless Chromium, and the answer times of the JSON API.
//!
//! ```sh
//! cargo build --release && cargo run --release --example gen_corpus -- --docs 10000 --seed 1 --out /tmp/serve-10k
//! cargo run --release --example serve_bench -- /tmp/serve-10k
//! ```
//!
//! First paint: `performance.now()` at the animation frame after sigma's first render of every
//! node (`window.atomdoc.firstPaint`, milliseconds since navigation started: fetching the
//! page, its scripts and the graph answer, building the graph, the layout and the first
//! frame), in a fresh browser profile each run. API: the wall time of each request on a fresh
//! connection — "after a change" is the first request after an edited file was applied (the
//! server computes it, or finishes warming it), "kept" the median of 20 more (the answer kept
//! for this generation).

#[allow(dead_code)]
#[path = "../tests/cli/cdp.rs"]
mod cdp;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn main() {
    let tree = std::env::args()
        .nth(1)
        .expect("usage: serve_bench TREE [RUNS]");
    let runs: usize = std::env::args().nth(2).map_or(5, |n| n.parse().unwrap());
    let bin = std::env::var("ATOMDOC_BIN").unwrap_or_else(|_| {
        concat!(env!("CARGO_MANIFEST_DIR"), "/target/release/atomdoc").to_string()
    });
    let started = Instant::now();
    let mut server = Command::new(&bin)
        .args(["--repo", &tree, "--no-cache", "serve"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("atomdoc serve starts (build it with cargo build --release)");
    let mut line = String::new();
    BufReader::new(server.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let url = line.split_whitespace().nth(2).unwrap().to_string();
    let addr = url
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .to_string();
    println!(
        "serving after {:.0} ms: {}",
        ms(started.elapsed()),
        line.trim()
    );

    let mut paints = Vec::new();
    for _ in 0..runs {
        let browser = cdp::Browser::launch();
        let mut page = browser.page(&url);
        page.wait_for("window.atomdoc && window.atomdoc.firstPaint", 120);
        let paint = page.eval("window.atomdoc.firstPaint").as_f64().unwrap();
        let nodes = page.eval("atomdoc.graph.order");
        let edges = page.eval("atomdoc.edgeCount");
        let drawn = page.eval("atomdoc.graph.size");
        let labels = page.eval("atomdoc.labels");
        println!(
            "first paint {paint:.0} ms ({nodes} nodes, {edges} edges, {drawn} drawn, {labels} labels)"
        );
        if paints.is_empty() {
            let shot = concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/target/browser-tests/bench.png"
            );
            page.screenshot(std::path::Path::new(shot));
        }
        paints.push(paint);
    }
    paints.sort_by(f64::total_cmp);
    println!(
        "first paint: median {:.0} ms, max {:.0} ms",
        paints[paints.len() / 2],
        paints[paints.len() - 1]
    );

    let doc = first_doc(&addr);
    let edited = std::path::Path::new(&tree).join(&doc);
    let original = std::fs::read_to_string(&edited).unwrap();
    let targets = [
        "/api/graph".to_string(),
        "/api/graph?level=category".to_string(),
        format!("/api/graph?around={doc}&depth=2"),
        format!("/api/doc?path={doc}"),
        "/api/search?q=connection%20pool".to_string(),
        "/api/query?q=orphans".to_string(),
        "/api/query?q=broken%20limit%20100".to_string(),
        "/api/coverage".to_string(),
    ];
    get(&addr, "/api/search?q=warm"); // the first search opens the index
    println!("| request | after a change | kept: median | kept: max | bytes |");
    println!("| --- | ---: | ---: | ---: | ---: |");
    for (i, target) in targets.iter().enumerate() {
        // A change: the next generation answers nothing yet.
        let mut events = TcpStream::connect(&addr).unwrap();
        write!(events, "GET /api/events HTTP/1.1\r\nHost: {addr}\r\n\r\n").unwrap();
        wait_for(&mut events, "event: hello");
        let text = if i % 2 == 0 {
            format!("{original}\nEdited for the benchmark.\n")
        } else {
            original.clone()
        };
        std::fs::write(&edited, text).unwrap();
        wait_for(&mut events, "event: change");
        let start = Instant::now();
        let bytes = get(&addr, target);
        let first = ms(start.elapsed());
        let mut times = Vec::new();
        for _ in 0..20 {
            let start = Instant::now();
            get(&addr, target);
            times.push(ms(start.elapsed()));
        }
        times.sort_by(f64::total_cmp);
        println!(
            "| `{target}` | {first:.1} ms | {:.1} ms | {:.1} ms | {bytes} |",
            times[10], times[19]
        );
    }
    std::fs::write(&edited, original).unwrap();
    let _ = server.kill();
    let _ = server.wait();
}

/// Reads the event stream until `marker` arrives.
fn wait_for(events: &mut TcpStream, marker: &str) {
    events
        .set_read_timeout(Some(Duration::from_secs(60)))
        .unwrap();
    let mut seen = String::new();
    let mut buf = [0; 4096];
    while !seen.contains(marker) {
        let n = events
            .read(&mut buf)
            .expect("the server announces the change");
        assert!(n > 0, "the event stream ended");
        seen.push_str(&String::from_utf8_lossy(&buf[..n]));
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn get(addr: &str, target: &str) -> usize {
    let mut s = TcpStream::connect(addr).unwrap();
    write!(
        s,
        "GET {target} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut body = Vec::new();
    s.read_to_end(&mut body).unwrap();
    assert!(
        body.starts_with(b"HTTP/1.1 200"),
        "{target}: {}",
        String::from_utf8_lossy(&body[..body.len().min(300)])
    );
    body.len()
}

/// A document with in-links, from the query API.
fn first_doc(addr: &str) -> String {
    let mut s = TcpStream::connect(addr).unwrap();
    write!(
        s,
        "GET /api/query?q=hubs%20limit%201 HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut text = String::new();
    s.read_to_string(&mut text).unwrap();
    let body = text.split_once("\r\n\r\n").unwrap().1;
    let v: serde_json::Value = serde_json::from_str(body).unwrap();
    v["rows"][0]["path"].as_str().unwrap().to_string()
}
