//! atomdoc: a tree of Markdown documentation → a typed document graph → answers.
//!
//! The pipeline, in order:
//!
//! 1. [`config`] finds the repository and the docs root and reads `atomdoc.toml`.
//! 2. [`corpus::scan`] walks the docs root and reads every `*.md` file (the only module that
//!    reads the docs from disk).
//! 3. [`corpus::parse`] turns each file into a `ParsedDoc` (title, sections, code blocks,
//!    links with line and column), in parallel.
//! 4. [`corpus::links`] resolves every link to a repo-relative path and a status (ok,
//!    external, broken for a reason) following the rules in `docs/links.md`.
//! 5. [`graph`] builds the petgraph document graph and answers graph questions (orphans,
//!    neighbours, paths, stats).
//! 6. [`query`] parses a query (`docs/query-language.md`) and evaluates it over the corpus and
//!    graph into rows; pure (full-text hits come through `query::TextSource`). [`answer`]
//!    turns the rows into the records every face prints (metrics, suggestions, excerpts),
//!    once.
//! 7. [`export`] draws a selection of the graph, or a query's answer, as DOT, JSON or Mermaid
//!    (pure; `cli` writes the files and runs Graphviz).
//! 8. [`render`] prints answers and summaries as tables, JSON or CSV; [`cli`] turns flags into
//!    settings, runs the command and owns stdout, stderr and exit codes; [`repl`] is the
//!    interactive shell over the same query entry points; [`lsp`] serves editors over the
//!    Language Server Protocol from a live workspace.
//!
//! [`workspace::Workspace`] strings steps 2–5 together.
//!
//! A git revision is a tree too: [`corpus::revision`] reads it from git objects (through
//! `boundary::git`) and `Workspace::at_revision` loads it through the same steps; [`diff`]
//! compares two loaded trees (documents added, removed and [`moves`], broken links, orphans,
//! edges, findings, coverage).

#![forbid(unsafe_code)]

pub mod answer;
pub mod boundary;
pub mod check;
pub mod cli;
pub mod config;
pub mod corpus;
pub mod diff;
pub mod export;
pub mod graph;
pub mod lsp;
pub mod mcp;
pub mod moves;
pub mod query;
pub mod refactor;
pub mod relpath;
pub mod render;
pub mod repl;
pub mod saved;
pub mod search;
pub mod serve;
pub mod store;
pub mod workspace;
