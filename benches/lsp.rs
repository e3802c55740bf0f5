//! `atomdoc lsp` on the generated 10,000-document tree, timed from a scripted client over
//! stdio (the real binary, release build): load, diagnostics after an edit (with the
//! debounce, and through a request that applies the edit at once), completion latency, and
//! the server's memory next to the CLI's for the same tree.
//!
//! `cargo bench --bench lsp` (`ATOMDOC_BENCH_DOCS` changes the tree size). Figures go into
//! `bench/RESULTS.md`; nothing here asserts a time.

#[path = "support/tree.rs"]
mod bench_tree;
#[path = "../tests/cli/lsp_client.rs"]
mod lsp_client;

use std::time::{Duration, Instant};

use lsp_client::{Client, uri};
use serde_json::{Value, json};

const ROUNDS: usize = 30;

fn stats(label: &str, mut samples: Vec<Duration>) {
    samples.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let p = |q: f64| samples[((samples.len() - 1) as f64 * q).round() as usize];
    println!(
        "{label:<58} median {:>7.2} ms   p90 {:>7.2} ms   max {:>7.2} ms   (n={})",
        ms(p(0.5)),
        ms(p(0.9)),
        ms(*samples.last().unwrap()),
        samples.len()
    );
}

/// Peak and current resident memory of a process, in MB (Linux `/proc`).
fn memory(pid: u32) -> (f64, f64) {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|kb| kb.parse::<f64>().ok())
            .map_or(0.0, |kb| kb / 1024.0)
    };
    (field("VmHWM:"), field("VmRSS:"))
}

/// Peak memory of a CLI run, from `/usr/bin/time -v`.
fn cli_peak(root: &std::path::Path, args: &[&str]) -> f64 {
    let out = std::process::Command::new("/usr/bin/time")
        .arg("-v")
        .arg(assert_cmd::cargo::cargo_bin("atomdoc"))
        .arg("--repo")
        .arg(root)
        .arg("--no-cache")
        .args(args)
        .output();
    let Ok(out) = out else { return f64::NAN };
    String::from_utf8_lossy(&out.stderr)
        .lines()
        .find_map(|l| {
            l.trim()
                .strip_prefix("Maximum resident set size (kbytes): ")
        })
        .and_then(|kb| kb.parse::<f64>().ok())
        .map_or(f64::NAN, |kb| kb / 1024.0)
}

fn edit(c: &mut Client, u: &str, version: i32, text: &str) {
    c.notify(
        "textDocument/didChange",
        json!({ "textDocument": { "uri": u, "version": version }, "contentChanges": [{ "text": text }] }),
    );
}

fn has_broken(list: &[Value], marker: &str) -> bool {
    list.iter()
        .any(|d| d["code"] == "AD010" && d["message"].as_str().unwrap_or("").contains(marker))
}

fn main() {
    let (_dir, root, docs) = bench_tree::write();
    println!("atomdoc lsp on a generated tree of {docs} documents");

    let start = Instant::now();
    let mut c = Client::spawn_with(&["--no-cache"], &[]);
    c.initialize(
        &root,
        json!({ "workspace": { "didChangeWatchedFiles": { "dynamicRegistration": true } } }),
    );
    println!(
        "{:<58} {:>7.0} ms",
        "initialize (load, index links, run every check)",
        start.elapsed().as_secs_f64() * 1000.0
    );

    // A topic in the middle of the tree.
    let mut topics: Vec<std::path::PathBuf> = Vec::new();
    for cat in std::fs::read_dir(root.join("docs/atomic"))
        .unwrap()
        .flatten()
    {
        if cat.path().is_dir() {
            for f in std::fs::read_dir(cat.path()).unwrap().flatten() {
                if f.path().extension().is_some_and(|e| e == "md") && f.file_name() != "README.md" {
                    topics.push(f.path());
                }
            }
        }
    }
    topics.sort();
    let path = topics[topics.len() / 2].clone();
    let u = uri(&path);
    let original = std::fs::read_to_string(&path).unwrap();
    let start = Instant::now();
    c.open(&path);
    c.diagnostics(&u, |_| true);
    println!(
        "{:<58} {:>7.2} ms",
        "didOpen → its diagnostics",
        start.elapsed().as_secs_f64() * 1000.0
    );

    // Diagnostics after an edit: a broken link added, then removed, alternately.
    let mut version = 1;
    let mut debounced = Vec::new();
    for i in 0..ROUNDS {
        version += 1;
        let marker = format!("missing-{i}.md");
        let broken = format!("{original}\nSee [gone]({marker}).\n");
        let t = Instant::now();
        edit(&mut c, &u, version, &broken);
        c.diagnostics(&u, |l| has_broken(l, &marker));
        debounced.push(t.elapsed());
        version += 1;
        edit(&mut c, &u, version, &original);
        c.diagnostics(&u, |l| !has_broken(l, &marker));
    }
    stats(
        "edit → diagnostics published (15 ms debounce included)",
        debounced,
    );

    let mut immediate = Vec::new();
    for i in 0..ROUNDS {
        version += 1;
        let marker = format!("gone-{i}.md");
        edit(
            &mut c,
            &u,
            version,
            &format!("{original}\nSee [gone]({marker}).\n"),
        );
        let t = Instant::now();
        // A request applies queued edits first: the time of the apply and the checks.
        c.ask(
            "textDocument/hover",
            json!({ "textDocument": { "uri": u }, "position": { "line": 0, "character": 0 } }),
        );
        immediate.push(t.elapsed());
        c.diagnostics(&u, |l| has_broken(l, &marker));
        version += 1;
        edit(&mut c, &u, version, &original);
        c.ask(
            "textDocument/hover",
            json!({ "textDocument": { "uri": u }, "position": { "line": 0, "character": 0 } }),
        );
    }
    stats(
        "edit → applied, checked, published (no debounce wait)",
        immediate,
    );

    // Completion latency: a `docs/` span in Related Documents, a relative `](` path, `#`.
    let lines = original.split('\n').count() as u32;
    for (label, typed) in [
        (
            "completion: `docs/atomic/` in Related Documents",
            "- `docs/atomic/",
        ),
        ("completion: `[x](../` relative paths", "see [x](../"),
        ("completion: `[x](#` heading slugs", "see [x](#"),
    ] {
        version += 1;
        edit(&mut c, &u, version, &format!("{original}\n{typed}"));
        let mut samples = Vec::new();
        let mut count = 0;
        for _ in 0..ROUNDS {
            let t = Instant::now();
            let r = c.ask("textDocument/completion", json!({ "textDocument": { "uri": u }, "position": { "line": lines, "character": typed.len() } }));
            samples.push(t.elapsed());
            count = r["items"].as_array().map_or(0, Vec::len);
        }
        stats(&format!("{label} ({count} items)"), samples);
    }
    version += 1;
    edit(&mut c, &u, version, &original);

    let pid = c.child.id();
    let (peak, now) = memory(pid);
    println!(
        "{:<58} peak {peak:.0} MB, now {now:.0} MB",
        "server memory (no search index built)"
    );
    // The related-document suggestions build the full-text index in memory.
    version += 1;
    edit(&mut c, &u, version, &format!("{original}\n- "));
    let t = Instant::now();
    let r = c.ask(
        "textDocument/completion",
        json!({ "textDocument": { "uri": u }, "position": { "line": lines, "character": 2 } }),
    );
    println!(
        "{:<58} {:>7.0} ms ({} items)",
        "first empty related item (builds the search index)",
        t.elapsed().as_secs_f64() * 1000.0,
        r["items"].as_array().map_or(0, Vec::len)
    );
    let mut samples = Vec::new();
    for _ in 0..ROUNDS {
        let t = Instant::now();
        c.ask(
            "textDocument/completion",
            json!({ "textDocument": { "uri": u }, "position": { "line": lines, "character": 2 } }),
        );
        samples.push(t.elapsed());
    }
    stats("completion: empty related item (suggest related)", samples);
    let (peak2, now2) = memory(pid);
    println!(
        "{:<58} peak {peak2:.0} MB, now {now2:.0} MB",
        "server memory (search index built)"
    );
    let stats_peak = cli_peak(&root, &["stats"]);
    let check_peak = cli_peak(&root, &["check", "--format", "json"]);
    println!(
        "{:<58} stats {stats_peak:.0} MB, check {check_peak:.0} MB",
        "CLI peak memory, --no-cache"
    );
    println!(
        "ratio server/check: {:.2} (no index), {:.2} (index)",
        peak / check_peak,
        peak2 / check_peak
    );
    c.finish();
}
