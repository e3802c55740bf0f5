//! The one integration-test binary: every test drives the real `atomdoc` binary.
//!
//! Each area has its own module; fixtures live in `tests/fixtures/<scenario>/`.

mod browser;
mod cdp;
mod check;
mod common;
mod cost;
mod crash;
mod dialect;
mod diff;
mod docs;
mod editor;
mod export;
mod faces;
mod foundation;
mod fuzzing;
mod hostile;
mod lsp;
mod mcp;
mod output_safety;
mod perf;
mod polish;
mod query;
mod refactor;
mod referrers;
mod repl;
mod search;
mod serve;
mod tables;
mod trust;
mod watch;
