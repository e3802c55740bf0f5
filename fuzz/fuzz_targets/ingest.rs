//! Markdown ingestion: parse + link extraction + resolution + graph + stats.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../../tests/fuzz/ingest.rs"]
mod ingest;

fuzz_target!(|data: &[u8]| ingest::check(data));
