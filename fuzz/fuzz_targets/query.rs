//! The query language: lex + parse (spans, error rendering), print/parse round trip, eval and
//! every printer on a fixed tree.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../../tests/fuzz/query.rs"]
mod query;

fuzz_target!(|data: &[u8]| query::check(data));
