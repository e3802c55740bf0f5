//! The repository boundary: every file atomdoc opens in the repository or its cache, every
//! file it writes, every file it deletes, each behind its guard.
//!
//! - [`read`] — the one reader: regular files only, opened without blocking and checked
//!   through the handle, symlinks leaving the repository refused (cache files: no symlink at
//!   all), size-capped. `corpus::scan` reads the docs through it too.
//! - [`owned`] — the cache folder atomdoc owns: chosen safely, verified (every folder from
//!   the repository down is a real folder, the folder carries atomdoc's `CACHEDIR.TAG`)
//!   before any write or delete, and swept only of entries named like atomdoc's own.
//! - [`output`] — files a user names (`export -o`, REPL `:export`, `check --write-baseline`):
//!   `-` is stdout, regular files are replaced atomically, pipes and devices are written in
//!   place, symlinks are followed but not out of the repository, never into the docs tree.
//!
//! - [`write`] — the one writer: every file written takes a [`write::Destination`] that
//!   proves where it lands (the cache, a user-named output, atomdoc's own state files; an
//!   approved document edit is the slot left for `mv` and `fix`), replaced atomically.
//!
//! No other module of atomdoc uses `std::fs` (`tests/tidy.rs` holds this).
//!
//! Must not: decide what a command prints (callers name the file in their messages).

pub mod git;
pub mod output;
pub mod owned;
pub mod read;
pub mod write;
