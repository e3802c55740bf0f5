//! The command line: flags → validated settings → a command → rendered output and an exit code.
//!
//! Owns stdout, stderr and exit codes; the only place that uses `anyhow`.

pub mod check;
pub mod diff;
pub mod export;
mod live;
mod lsp;
mod progress;
pub mod refactor;
mod shell;

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};

pub mod query;
pub mod serve;

use crate::config;
use crate::corpus::Keep;
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
    /// Repository root [default: the nearest folder above holding atomdoc.toml or the docs
    /// root, else the nearest holding .git]
    #[arg(long, global = true, value_name = "DIR")]
    pub repo: Option<PathBuf>,
    /// Docs root, relative to the current folder when it is there, else to the repository
    /// [default: docs/atomic; in an mdBook without it, the book's source folder]
    #[arg(long, global = true, value_name = "PATH")]
    pub root: Option<String>,
    /// Cache folder [default: <repo>/.atomdoc/cache, or `cache_dir` in atomdoc.toml]
    #[arg(long, global = true, value_name = "DIR")]
    pub cache_dir: Option<PathBuf>,
    /// Keep everything in memory: read no cache, write none
    #[arg(long, global = true, conflicts_with = "cache_dir")]
    pub no_cache: bool,
    /// Colour: auto (a terminal, unless NO_COLOR is set; CLICOLOR_FORCE forces it), always or
    /// never
    #[arg(long, global = true, value_enum, value_name = "WHEN", default_value_t = ColorWhen::Auto)]
    pub color: ColorWhen,
}

/// When output is coloured (`--color`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, ValueEnum)]
pub enum ColorWhen {
    #[default]
    Auto,
    Always,
    Never,
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
    Repl {
        /// How answers are printed (as `:format`); piped, json is JSON Lines (one object per
        /// row) and what meta-commands say goes to stderr
        #[arg(long, value_name = "FORMAT", value_parser = ["table", "records", "json", "jsonl", "csv"])]
        format: Option<String>,
    },
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
    /// Move a document or a folder inside the docs root and rewrite every link the move
    /// changes, each in its own style (journalled: a crash never leaves it half-done)
    Mv(refactor::MvArgs),
    /// Fix the broken links atomdoc is sure of (one candidate of high confidence); list the
    /// others and why
    Fix(refactor::FixArgs),
    /// Revert the last `mv` or `fix`, while every file it touched is still as it left it
    Undo,
    /// Print a shell completion script: `source <(atomdoc completions bash)`
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff): `atomdoc man > atomdoc.1`
    Man,
    /// The graph in the browser: a local, read-only web server that follows file changes
    Serve(serve::ServeArgs),
    /// Model Context Protocol server on stdin/stdout for AI agents (tools: query, search,
    /// get_document, related, backlinks, check, suggest_related; documents as resources),
    /// kept up to date as files change
    Mcp,
    /// Re-run a query, `check` or `stats` whenever the tree changes (Ctrl-C to quit)
    Watch(live::WatchArgs),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum StatsFormat {
    Table,
    Json,
}

/// Parses the process arguments, runs the command and maps the outcome to an exit code.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    // Every coloured output asks anstream (`color_stdout`), which reads this first.
    match cli.global.color {
        ColorWhen::Auto => {}
        ColorWhen::Always => anstream::ColorChoice::Always.write_global(),
        ColorWhen::Never => anstream::ColorChoice::Never.write_global(),
    }
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
    // Before anything reads the tree: an `mv` or `fix` a crash interrupted is completed or
    // rolled back.
    refactor::recover(&cli.global)?;
    let command = match cli.command {
        None => return repl(&cli.global, None),
        Some(Command::Repl { format }) => return repl(&cli.global, format.as_deref()),
        Some(Command::Query(args)) => return query::run(&cli.global, args),
        Some(Command::Check(args)) => return check::check_command(&cli.global, args),
        Some(Command::Coverage(args)) => return check::coverage_command(&cli.global, args),
        Some(Command::Lsp) => return lsp::run(&cli.global),
        Some(Command::Diff(args)) => return diff::run(&cli.global, args),
        Some(Command::Mv(args)) => return refactor::mv(&cli.global, &args),
        Some(Command::Fix(args)) => return refactor::fix(&cli.global, &args),
        Some(Command::Undo) => return refactor::undo(&cli.global),
        Some(Command::Completions { shell }) => return shell::completions(shell),
        Some(Command::Man) => return shell::man(),
        Some(Command::Serve(args)) => return serve::run(&cli.global, args),
        Some(Command::Mcp) => return live::mcp(&cli.global),
        Some(Command::Watch(args)) => return live::watch(&cli.global, args),
        Some(command) => command,
    };
    // Only a search reads the documents' text; `stats` reads only their outline.
    let workspace = match command {
        Command::Search { .. } => load(&cli.global)?,
        Command::Stats { .. } => load_at(&cli.global, Keep::Outline)?,
        _ => load_graph(&cli.global)?,
    };
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    match command {
        Command::Stats { format } => {
            let stats = Stats::compute(&workspace.corpus, workspace.graph());
            match format {
                StatsFormat::Json => render::stats::json(&mut out, &stats)?,
                StatsFormat::Table => render::stats::table(&mut out, &stats, &term())?,
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
            let found = search_hits(&workspace, &text.join(" "), fuzzy, within.as_deref(), limit);
            print_notices(&workspace);
            let found = found?;
            let corpus = &workspace.corpus;
            match format {
                StatsFormat::Json => {
                    let records = crate::answer::search_records(corpus, &found.hits);
                    render::rows::json(&mut out, &records)?
                }
                StatsFormat::Table => {
                    let rows: Vec<_> = found
                        .hits
                        .into_iter()
                        .map(|hit| render::search::SearchRow::new(corpus, hit))
                        .collect();
                    render::search::table(&mut out, &rows, found.total, &term())?
                }
            }
        }
        Command::Export(args) => export::run(&workspace, &args, &mut out)?,
        Command::Query(_)
        | Command::Repl { .. }
        | Command::Check(_)
        | Command::Coverage(_)
        | Command::Diff(_)
        | Command::Mv(_)
        | Command::Fix(_)
        | Command::Undo
        | Command::Completions { .. }
        | Command::Man
        | Command::Serve(_)
        | Command::Mcp
        | Command::Watch(_)
        | Command::Lsp => unreachable!("handled above"),
    }
    out.flush()?;
    print_notices(&workspace);
    Ok(report_warnings(&workspace))
}

/// Whether stdout gets colour: `--color always|never`, else a terminal without `NO_COLOR`
/// (or `CLICOLOR_FORCE` set), as anstream decides — the one decision every face asks.
pub fn color_stdout() -> bool {
    term().styled
}

/// Width and colour of stdout for tables ([`render::table::Term::of`]).
pub fn term() -> render::table::Term {
    render::table::Term::of(&std::io::stdout())
}

/// [`color_stdout`] for stderr, where query errors go.
pub fn color_stderr() -> bool {
    anstream::AutoStream::choice(&std::io::stderr()) != anstream::ColorChoice::Never
}

/// `atomdoc search`: checks `--in`, then asks the answer layer for the hits with their
/// excerpts, and how many documents matched in all.
pub fn search_hits(
    workspace: &Workspace,
    text: &str,
    fuzzy: bool,
    within: Option<&str>,
    limit: usize,
) -> anyhow::Result<crate::answer::Hits> {
    let query = crate::search::SearchQuery::parse(text, fuzzy)?;
    crate::answer::search(&workspace.corpus, workspace, &query, within, limit)
        .map_err(anyhow::Error::msg)
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
    Ok(load_with_mode(global)?.0)
}

/// [`load`] for a command that asks no text question (no search, no similar documents):
/// the documents keep no text (see [`Keep::Graph`]).
pub fn load_graph(global: &GlobalArgs) -> anyhow::Result<Workspace> {
    load_at(global, Keep::Graph)
}

/// [`load`] keeping of each document what `keep` asks (see [`Workspace::open_keeping`]): a
/// one-shot command whose every question an outline answers loads with [`Keep::Outline`].
pub fn load_at(global: &GlobalArgs, keep: Keep) -> anyhow::Result<Workspace> {
    Ok(load_keeping(global, keep)?.0)
}

/// [`load`], also saying where the cache is (a resident face's watcher ignores it).
pub fn load_with_mode(global: &GlobalArgs) -> anyhow::Result<(Workspace, CacheMode)> {
    load_keeping(global, Keep::Everything)
}

fn load_keeping(global: &GlobalArgs, keep: Keep) -> anyhow::Result<(Workspace, CacheMode)> {
    let cwd = std::env::current_dir()?;
    let (location, config) = config::locate(global.repo.as_deref(), global.root.as_deref(), &cwd)?;
    let mode = cache_mode(global, &location, &config, &cwd)?;
    let workspace = Workspace::open_keeping(location, config, &mode, keep)?;
    // Every command says what happened to the cache (rebuilt, unusable, read-only) before
    // its answer; notices of a later search come after it.
    print_notices(&workspace);
    Ok((workspace, mode))
}

/// Where the cache lives: `--no-cache` → memory; `--cache-dir` (relative to the current
/// folder); `cache_dir` in `atomdoc.toml` (relative to the repository); else
/// `<repo>/.atomdoc/cache`.
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
fn repl(global: &GlobalArgs, format: Option<&str>) -> anyhow::Result<u8> {
    use std::io::IsTerminal;
    let flags = global.clone();
    let mut session = crate::repl::Session::new(Box::new(move || {
        let workspace = load(&flags)?;
        print_notices(&workspace);
        Ok(workspace)
    }))?;
    if let Some(f) = format.and_then(crate::repl::engine::Format::parse) {
        session.format = f;
    }
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
