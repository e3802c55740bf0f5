//! The command line: flags → validated settings → a command → rendered output and an exit code.
//!
//! Owns stdout, stderr and exit codes; the only place that uses `anyhow`.

pub mod check;
pub mod diff;
pub mod export;
mod lsp;
mod progress;

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};

pub mod query;

use crate::config;
use crate::graph::Stats;
use crate::render;
use crate::store::CacheMode;
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
    /// Without a command: the REPL on a terminal, queries from standard input otherwise
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Options accepted anywhere on the command line.
#[derive(Debug, Args, Clone, Default)]
pub struct GlobalArgs {
    /// Repository root [default: nearest ancestor holding .git or atomdoc.toml]
    #[arg(long, global = true, value_name = "DIR")]
    pub repo: Option<PathBuf>,
    /// Docs root, relative to the repository [default: docs/atomic; in an mdBook without it, the
    /// book's source folder]
    #[arg(long, global = true, value_name = "PATH")]
    pub root: Option<String>,
    /// Cache folder [default: <repo>/.atomdoc, or `cache_dir` in atomdoc.toml]
    #[arg(long, global = true, value_name = "DIR")]
    pub cache_dir: Option<PathBuf>,
    /// Keep everything in memory: read no cache, write none
    #[arg(long, global = true, conflicts_with = "cache_dir")]
    pub no_cache: bool,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Counts: documents per category and kind, link edges (and edges from referrers), broken
    /// links, orphans, referrers read
    Stats {
        #[arg(long, value_enum, default_value_t = StatsFormat::Table)]
        format: StatsFormat,
    },
    /// Build or refresh the cache (snapshot + full-text index) and report what changed
    Index {
        #[arg(long, value_enum, default_value_t = StatsFormat::Table)]
        format: StatsFormat,
    },
    /// Full-text search (BM25): words must all match; "inner quotes" make a phrase;
    /// a leading ~ (or --fuzzy) tolerates typos
    Search {
        /// The words to look for, e.g. "connection pool" or '~rabitmq'
        #[arg(required = true, num_args = 1..)]
        text: Vec<String>,
        /// Only documents in this category or category/subcategory
        #[arg(long = "in", value_name = "CATEGORY")]
        within: Option<String>,
        /// At most this many results
        #[arg(long, default_value_t = 10)]
        limit: usize,
        /// Tolerate typos in every word
        #[arg(long)]
        fuzzy: bool,
        #[arg(long, value_enum, default_value_t = StatsFormat::Table)]
        format: StatsFormat,
    },
    /// Ask a question of the docs graph: "orphans", "broken in services", "links from a to b" …
    Query(query::QueryArgs),
    /// Interactive shell: Tab completion, hints, history, :help (reads queries line by line
    /// when standard input is not a terminal)
    Repl,
    /// Draw the document graph as Graphviz DOT (or SVG/PNG/PDF through Graphviz), JSON or Mermaid
    Export(export::ExportArgs),
    /// Check documents against the template's rules (for CI): AD001 …, see --explain
    Check(check::CheckArgs),
    /// Template coverage per category and subcategory; required-section matrix; taxonomy
    Coverage(check::CoverageArgs),
    /// Language server for editors (LSP over standard input and output): diagnostics,
    /// completion, go to definition, references, rename; see docs/editors.md
    Lsp,
    /// What a change does to the docs graph between two git revisions (HEAD: the work tree):
    /// documents added, removed, moved; broken links, orphans, edges, findings new and fixed
    Diff(diff::DiffArgs),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum StatsFormat {
    Table,
    Json,
}

/// Parses the process arguments, runs the command and maps the outcome to an exit code.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    if std::env::var_os("ATOMDOC_TIMING").is_some() {
        crate::store::report_timings_to(|line| eprintln!("{line}"));
    }
    crate::store::show_progress_with(Box::<progress::Bar>::default());
    match run(cli) {
        Ok(code) => ExitCode::from(code),
        // A reader that went away (`atomdoc check | head -1`) is not an error.
        Err(err) if is_broken_pipe(&err) => ExitCode::from(exit::OK),
        Err(err) => {
            let _ = writeln!(std::io::stderr(), "error: {err:#}");
            ExitCode::from(exit::USAGE)
        }
    }
}

/// Whether an error comes from writing to a closed pipe.
fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|e| {
        e.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

/// Runs one parsed command line; returns the exit status.
pub fn run(cli: Cli) -> anyhow::Result<u8> {
    let command = match cli.command {
        None | Some(Command::Repl) => return repl(&cli.global),
        Some(Command::Query(args)) => return query::run(&cli.global, args),
        Some(Command::Check(args)) => return check::check_command(&cli.global, args),
        Some(Command::Coverage(args)) => return check::coverage_command(&cli.global, args),
        Some(Command::Lsp) => return lsp::run(&cli.global),
        Some(Command::Diff(args)) => return diff::run(&cli.global, args),
        Some(command) => command,
    };
    let workspace = load(&cli.global)?;
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    match command {
        Command::Stats { format } => {
            let stats = Stats::compute(&workspace.corpus, &workspace.graph);
            match format {
                StatsFormat::Json => render::stats::json(&mut out, &stats)?,
                StatsFormat::Table => render::stats::table(&mut out, &stats)?,
            }
        }
        Command::Index { format } => match format {
            StatsFormat::Json => render::search::index_json(&mut out, &workspace.report)?,
            StatsFormat::Table => render::search::index_table(&mut out, &workspace.report)?,
        },
        Command::Search {
            text,
            within,
            limit,
            fuzzy,
            format,
        } => {
            let rows = search_rows(&workspace, &text.join(" "), fuzzy, within.as_deref(), limit);
            print_notices(&workspace);
            let rows = rows?;
            match format {
                StatsFormat::Json => render::search::json(&mut out, &rows)?,
                StatsFormat::Table => render::search::table(&mut out, &rows, color_stdout())?,
            }
        }
        Command::Export(args) => export::run(&workspace, &args, &mut out)?,
        Command::Query(_)
        | Command::Repl
        | Command::Check(_)
        | Command::Coverage(_)
        | Command::Lsp
        | Command::Diff(_) => {
            unreachable!("handled above")
        }
    }
    out.flush()?;
    print_notices(&workspace);
    Ok(report_warnings(&workspace))
}

/// Whether stdout gets colour: a terminal, and neither `NO_COLOR` nor a dumb terminal.
pub fn color_stdout() -> bool {
    use std::io::IsTerminal;
    if std::env::var_os("CLICOLOR_FORCE").is_some_and(|v| v != "0") {
        return true;
    }
    std::io::stdout().is_terminal()
        && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        && std::env::var("TERM").map_or(true, |t| t != "dumb")
}

/// `atomdoc search`: checks `--in`, then asks the answer layer for the hits with their
/// excerpts, as printable rows.
pub fn search_rows(
    workspace: &Workspace,
    text: &str,
    fuzzy: bool,
    within: Option<&str>,
    limit: usize,
) -> anyhow::Result<Vec<render::search::SearchRow>> {
    let query = crate::search::SearchQuery::parse(text, fuzzy)?;
    let corpus = &workspace.corpus;
    if let Some(scope) = within {
        let known = corpus.categories().contains(&scope)
            || corpus
                .subcategories()
                .iter()
                .any(|(c, s)| format!("{c}/{s}") == scope);
        if !known {
            anyhow::bail!(
                "unknown category `{scope}` after --in; categories are: {}",
                corpus.categories().join(", ")
            );
        }
    }
    let hits = crate::answer::search(corpus, workspace, &query, within, limit)
        .map_err(anyhow::Error::msg)?;
    Ok(hits
        .into_iter()
        .map(|hit| render::search::SearchRow::new(corpus, hit))
        .collect())
}

/// Prints the cache's notices (rebuilt, unusable, …) to stderr, once each.
pub fn print_notices(workspace: &Workspace) {
    let stderr = std::io::stderr();
    let mut err = stderr.lock();
    for n in workspace.take_notices() {
        let _ = writeln!(err, "{}", render::sanitize(&n));
    }
}

/// Finds and loads the tree the global flags point at.
pub fn load(global: &GlobalArgs) -> anyhow::Result<Workspace> {
    let cwd = std::env::current_dir()?;
    let (location, config) = config::locate(global.repo.as_deref(), global.root.as_deref(), &cwd)?;
    let mode = cache_mode(global, &location, &config, &cwd)?;
    let workspace = Workspace::open(location, config, &mode)?;
    // Every command says what happened to the cache (rebuilt, unusable, read-only) before
    // its answer; notices of a later search come after it.
    print_notices(&workspace);
    Ok(workspace)
}

/// Where the cache lives: `--no-cache` → memory; `--cache-dir` (relative to the current
/// folder); `cache_dir` in `atomdoc.toml` (relative to the repository); else `<repo>/.atomdoc`.
///
/// The choice is checked by [`crate::boundary::owned::check_choice`]: never the repository,
/// the docs root, an ancestor of either or a folder inside the docs root, never a folder
/// someone else filled, and — for a `cache_dir` from `atomdoc.toml`, which the repository,
/// maybe a stranger's pull request, provides — never outside the repository.
pub fn cache_mode(
    global: &GlobalArgs,
    location: &config::Location,
    config: &config::Config,
    cwd: &std::path::Path,
) -> anyhow::Result<CacheMode> {
    let dir = if global.no_cache {
        return Ok(CacheMode::Memory);
    } else if let Some(dir) = &global.cache_dir {
        cwd.join(dir)
    } else if let Some(dir) = &config.cache_dir {
        let Some(rel) = crate::relpath::normalize(&dir.replace('\\', "/"))
            .filter(|_| !std::path::Path::new(dir).is_absolute())
        else {
            anyhow::bail!(
                "cache_dir `{dir}` in {} leads outside the repository; use a folder inside it (or --cache-dir)",
                config::CONFIG_FILE
            );
        };
        location.repo.join(rel)
    } else {
        location.repo.join(crate::store::DEFAULT_DIR)
    };
    let from_repository = global.cache_dir.is_none();
    crate::boundary::owned::check_choice(
        &dir,
        &location.repo,
        &location.repo.join(&location.root),
        from_repository,
    )
    .map_err(anyhow::Error::msg)?;
    Ok(CacheMode::Disk(dir))
}

/// Prints file warnings to stderr; the exit status is `PARTIAL` when a file was skipped.
pub(crate) fn report_warnings(workspace: &Workspace) -> u8 {
    let stderr = std::io::stderr();
    let mut err = stderr.lock();
    for w in &workspace.corpus.warnings {
        // Messages can quote OS errors that repeat the path: sanitise both.
        let _ = writeln!(
            err,
            "warning: {}: {}",
            render::sanitize(&w.path),
            render::sanitize(&w.message)
        );
    }
    if workspace.corpus.warnings.iter().any(|w| w.skipped) {
        exit::PARTIAL
    } else {
        exit::OK
    }
}

/// `atomdoc repl` (and `atomdoc` alone): the interactive shell on a terminal; otherwise
/// queries read from standard input, one answer each. Exit status: 0, or 2 when any entry
/// failed (3 when files were skipped and nothing failed).
fn repl(global: &GlobalArgs) -> anyhow::Result<u8> {
    use std::io::IsTerminal;
    let flags = global.clone();
    let mut session = crate::repl::Session::new(Box::new(move || {
        let workspace = load(&flags)?;
        print_notices(&workspace);
        Ok(workspace)
    }))?;
    let warnings = report_warnings(&session.workspace);
    if std::io::stdin().is_terminal() {
        crate::repl::run_interactive(&mut session)?;
        return Ok(warnings);
    }
    let stdin = std::io::stdin();
    let stdout = std::io::stdout();
    let stderr = std::io::stderr();
    let ok = crate::repl::run_piped(
        &mut session,
        &mut stdin.lock(),
        &mut stdout.lock(),
        &mut stderr.lock(),
    )?;
    Ok(if ok { warnings } else { exit::USAGE })
}
