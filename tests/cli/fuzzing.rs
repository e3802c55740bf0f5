//! Fuzzing, the parts that run in `cargo test`:
//!
//! - every saved input under `tests/fuzz/regressions/<target>/` (crashes found by the fuzzers,
//!   minimised, plus hand-picked seeds) is replayed through the same check the fuzzer runs;
//! - a short run of the stable, coverage-less random harness (a few hundred inputs).
//!
//! Long runs live outside CI: `cargo +nightly fuzz run ingest` (coverage-guided, `fuzz/`) or
//! `ATOMDOC_FUZZ_SECS=3600 cargo test --release --test cli fuzzing::random_ingest_long --
//! --ignored` (stable). See README, "Reliability".

use std::time::{Duration, Instant};

#[path = "../fuzz/ingest.rs"]
mod ingest;
#[path = "../fuzz/query.rs"]
mod query;

/// The saved inputs of one target, sorted by name.
fn saved(target: &str) -> Vec<(String, Vec<u8>)> {
    let dir = crate::common::project()
        .join("tests/fuzz/regressions")
        .join(target);
    let mut all: Vec<(String, Vec<u8>)> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| {
            let e = e.unwrap();
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect();
    all.sort();
    all
}

#[test]
fn saved_ingest_inputs_pass_the_check() {
    let inputs = saved("ingest");
    assert!(!inputs.is_empty(), "no saved inputs");
    for (name, data) in inputs {
        let outcome = std::panic::catch_unwind(|| ingest::check(&data));
        assert!(outcome.is_ok(), "saved input {name} fails the ingest check");
    }
}

/// A small deterministic generator (xorshift64*): no dependency, reproducible from the seed.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.max(1))
    }
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// Markdown- and path-significant pieces the generator strings together.
const PIECES: &[&str] = &[
    "# ",
    "## ",
    "### ",
    "Related Documents",
    "See Also",
    "\n",
    "\n\n",
    "\r\n",
    " ",
    "text",
    "[",
    "]",
    "(",
    ")",
    "](",
    "![",
    "<",
    ">",
    "`",
    "``",
    "```",
    "~~~",
    "    ",
    "- ",
    "* ",
    "1. ",
    "> ",
    "docs/",
    "./docs/",
    "docs/atomic/",
    "cat/",
    "sub/",
    "a.md",
    "b.md",
    "README.md",
    "../",
    "..",
    "./",
    "/",
    "//",
    "%2e%2e/",
    "%2F",
    "%",
    "%zz",
    "#",
    "#part",
    "?q=1",
    "{x}",
    "*",
    "\\",
    "\"",
    "'",
    "https://x.y/",
    "mailto:a@b",
    "C:",
    "<a id=\"k\">",
    "<!--",
    "-->",
    "---\n",
    "[ref]: ",
    "[ref]",
    "[^1]",
    "|a|b|\n|-|-|\n",
    "\u{feff}",
    "é",
    "文",
    "\u{1b}[31m",
    "\0",
    "\0\0",
    "\t",
    "&amp;",
    "&#x0;",
    "\u{200b}",
    "***",
    "_",
];

/// One generated input: either pieces strung together, or a sample document with splices.
pub fn generate(rng: &mut Rng, samples: &[Vec<u8>]) -> Vec<u8> {
    if !samples.is_empty() && rng.below(3) == 0 {
        let mut data = samples[rng.below(samples.len())].clone();
        for _ in 0..1 + rng.below(8) {
            let at = rng.below(data.len() + 1);
            match rng.below(3) {
                0 => {
                    let piece = PIECES[rng.below(PIECES.len())].as_bytes();
                    data.splice(at..at, piece.iter().copied());
                }
                1 => {
                    let end = (at + rng.below(16)).min(data.len());
                    data.drain(at..end);
                }
                _ => {
                    if let Some(b) = data.get_mut(at) {
                        *b = rng.next() as u8;
                    }
                }
            }
        }
        return data;
    }
    let mut data = Vec::new();
    for _ in 0..rng.below(200) {
        data.extend_from_slice(PIECES[rng.below(PIECES.len())].as_bytes());
    }
    data
}

fn sample_docs() -> Vec<Vec<u8>> {
    let root = crate::common::sample().join("docs/atomic");
    let mut out = Vec::new();
    let mut stack = vec![root];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "md") {
                out.push(std::fs::read(p).unwrap());
            }
        }
    }
    out.sort();
    out
}

/// Runs inputs from `generate` through `check` until `budget` is spent; on a failure, saves
/// the input and panics with where it went. Returns the number of inputs run.
fn random_runs(
    target: &str,
    seed: u64,
    budget: Budget,
    mut generate: impl FnMut(&mut Rng) -> Vec<u8>,
    check: fn(&[u8]),
) -> usize {
    let mut rng = Rng::new(seed);
    let start = Instant::now();
    let mut runs = 0;
    loop {
        match budget {
            Budget::Runs(n) if runs >= n => break,
            Budget::Time(t) if start.elapsed() >= t => break,
            _ => {}
        }
        let data = generate(&mut rng);
        if std::panic::catch_unwind(|| check(&data)).is_err() {
            let path = std::env::temp_dir().join(format!("atomdoc-{target}-crash-{seed}-{runs}"));
            std::fs::write(&path, &data).unwrap();
            panic!(
                "{target} check failed; input saved to {} (copy it into tests/fuzz/regressions/{target}/)",
                path.display()
            );
        }
        runs += 1;
    }
    runs
}

fn random_ingest(seed: u64, budget: Budget) -> usize {
    let samples = sample_docs();
    random_runs(
        "ingest",
        seed,
        budget,
        |rng| generate(rng, &samples),
        ingest::check,
    )
}

#[derive(Clone, Copy)]
enum Budget {
    Runs(usize),
    Time(Duration),
}

#[test]
fn random_ingest_short() {
    random_ingest(0x5eed, Budget::Runs(300));
}

/// The long stable run: `ATOMDOC_FUZZ_SECS` seconds (default 60), seed `ATOMDOC_FUZZ_SEED`.
#[test]
#[ignore = "long-running fuzz harness; run by hand"]
fn random_ingest_long() {
    let secs = std::env::var("ATOMDOC_FUZZ_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(60);
    let seed = std::env::var("ATOMDOC_FUZZ_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos() as u64
        });
    let runs = random_ingest(seed, Budget::Time(Duration::from_secs(secs)));
    eprintln!("random_ingest_long: seed {seed}, {runs} inputs in {secs} s, no failure");
}

#[test]
fn saved_query_inputs_pass_the_check() {
    let inputs = saved("query");
    assert!(!inputs.is_empty(), "no saved inputs");
    for (name, data) in inputs {
        let outcome = std::panic::catch_unwind(|| query::check(&data));
        assert!(outcome.is_ok(), "saved input {name} fails the query check");
    }
}

/// Query-language pieces: every keyword and field, operators, values, and odd characters.
fn query_pieces() -> Vec<String> {
    let mut pieces: Vec<String> = atomdoc::query::keywords().map(String::from).collect();
    pieces.extend(atomdoc::query::field_names().into_iter().map(String::from));
    for p in [
        " ",
        " ",
        " ",
        "=",
        "!=",
        "<",
        "<=",
        ">",
        ">=",
        "~",
        "(",
        ")",
        ",",
        "\"",
        "'",
        "\"x\"",
        "\"a b\"",
        "0",
        "1",
        "-1",
        "99999999999999999999",
        "2.5",
        "true",
        "false",
        "*",
        "-",
        "/",
        "#",
        "@",
        "\n",
        "\t",
        "é",
        "文",
        "\u{1b}",
        "\\",
        "integrations",
        "redis",
        "services",
        "a.md",
        "docs/atomic/cat/a.md",
        "cat",
        "sub",
        "~pool",
        "\"unterminated",
    ] {
        pieces.push(p.to_string());
    }
    pieces
}

fn generate_query(rng: &mut Rng, pieces: &[String]) -> Vec<u8> {
    let mut text = String::new();
    for _ in 0..rng.below(16) {
        text.push_str(&pieces[rng.below(pieces.len())]);
        if rng.below(3) > 0 {
            text.push(' ');
        }
    }
    let mut data = text.into_bytes();
    if rng.below(10) == 0 && !data.is_empty() {
        let at = rng.below(data.len());
        data[at] = rng.next() as u8;
    }
    data
}

fn random_query(seed: u64, budget: Budget) -> usize {
    let pieces = query_pieces();
    random_runs(
        "query",
        seed,
        budget,
        |rng| generate_query(rng, &pieces),
        query::check,
    )
}

#[test]
fn random_query_short() {
    random_query(0x9e37, Budget::Runs(500));
}

/// The long stable run: `ATOMDOC_FUZZ_SECS` seconds (default 60), seed `ATOMDOC_FUZZ_SEED`.
#[test]
#[ignore = "long-running fuzz harness; run by hand"]
fn random_query_long() {
    let secs = env_or("ATOMDOC_FUZZ_SECS", 60);
    let seed = env_or("ATOMDOC_FUZZ_SEED", now_seed());
    let runs = random_query(seed, Budget::Time(Duration::from_secs(secs)));
    eprintln!("random_query_long: seed {seed}, {runs} inputs in {secs} s, no failure");
}

fn env_or(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(default)
}

fn now_seed() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64
}
