//! The command line: flags → validated settings → a command → rendered output and an exit code.
//!
//! Owns stdout, stderr and exit codes; the only place that uses `anyhow`.

pub mod export;

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};

pub mod query;

use crate::config;
use crate::graph::Stats;
use crate::render;
use crate::workspace::Workspace;

/// Exit statuses, as documented in the README.
pub mod exit {
    /// Success: the command ran (a query may have returned no rows).
    pub const OK: u8 = 0;
    /// Findings: `--fail-if-any` rows, or `check` errors.
    pub const FINDINGS: u8 = 1;
    /// Usage, query syntax or configuration error; nothing was answered.
    pub const USAGE: u8 = 2;
    /// The answer was given, but some files could not be read and were skipped.
    pub const PARTIAL: u8 = 3;
}

#[derive(Debug, Parser)]
#[command(
    name = "atomdoc",
    version,
    about = "Query a tree of Markdown documentation as a knowledge graph"
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

/// Options accepted anywhere on the command line.
#[derive(Debug, Args, Clone, Default)]
pub struct GlobalArgs {
    /// Repository root [default: nearest ancestor holding .git or atomdoc.toml]
    #[arg(long, global = true, value_name = "DIR")]
    pub repo: Option<PathBuf>,
    /// Docs root, relative to the repository [default: docs/atomic]
    #[arg(long, global = true, value_name = "PATH")]
    pub root: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Counts: documents per category and kind, link edges, broken links, orphans
    Stats {
        #[arg(long, value_enum, default_value_t = StatsFormat::Table)]
        format: StatsFormat,
    },
    /// Ask a question of the docs graph: "orphans", "broken in services", "links from a to b" …
    Query(query::QueryArgs),
    /// Draw the document graph as Graphviz DOT (or SVG/PNG/PDF through Graphviz), JSON or Mermaid
    Export(export::ExportArgs),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum StatsFormat {
    Table,
    Json,
}

/// Parses the process arguments, runs the command and maps the outcome to an exit code.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => ExitCode::from(code),
        Err(err) => {
            let _ = writeln!(std::io::stderr(), "error: {err:#}");
            ExitCode::from(exit::USAGE)
        }
    }
}

/// Runs one parsed command line; returns the exit status.
pub fn run(cli: Cli) -> anyhow::Result<u8> {
    if let Command::Query(args) = cli.command {
        return query::run(&cli.global, args);
    }
    let workspace = load(&cli.global)?;
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    match cli.command {
        Command::Stats { format } => {
            let stats = Stats::compute(&workspace.corpus, &workspace.graph);
            match format {
                StatsFormat::Json => render::stats::json(&mut out, &stats)?,
                StatsFormat::Table => render::stats::table(&mut out, &stats)?,
            }
        }
        Command::Query(_) => unreachable!("handled above"),
        Command::Export(args) => export::run(&workspace, &args, &mut out)?,
    }
    out.flush()?;
    Ok(report_warnings(&workspace))
}

/// Finds and loads the tree the global flags point at.
pub fn load(global: &GlobalArgs) -> anyhow::Result<Workspace> {
    let cwd = std::env::current_dir()?;
    let (location, config) = config::locate(global.repo.as_deref(), global.root.as_deref(), &cwd)?;
    Ok(Workspace::load(location, config)?)
}

/// Prints file warnings to stderr; the exit status is `PARTIAL` when a file was skipped.
pub(crate) fn report_warnings(workspace: &Workspace) -> u8 {
    let stderr = std::io::stderr();
    let mut err = stderr.lock();
    for w in &workspace.corpus.warnings {
        let _ = writeln!(err, "warning: {}: {}", render::sanitize(&w.path), w.message);
    }
    if workspace.corpus.warnings.iter().any(|w| w.skipped) {
        exit::PARTIAL
    } else {
        exit::OK
    }
}
