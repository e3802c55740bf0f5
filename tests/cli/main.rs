//! The one integration-test binary: every test drives the real `atomdoc` binary.
//!
//! Each area has its own module; fixtures live in `tests/fixtures/<scenario>/`.

mod common;
mod export;
mod foundation;
mod query;
