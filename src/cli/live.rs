//! The resident faces of the command line: `atomdoc mcp` (a Model Context Protocol server on
//! stdio) and `atomdoc watch` (an answer redrawn as the tree changes). Both load the tree as
//! every command does and keep it live with [`crate::workspace::watch::Live`].

use std::io::{IsTerminal, Write};
use std::sync::mpsc;

use anyhow::Context;
use clap::Args;

use super::{GlobalArgs, exit, load, print_notices, report_warnings};
use crate::query::{self, Query};
use crate::render;
use crate::render::table::Term;
use crate::store::CacheMode;
use crate::workspace::Workspace;
use crate::workspace::watch::{Live, Update};

/// Keeps `workspace` live: the watcher's batches are applied to it, and a rescan loads it
/// again as `global` says.
fn keep_live(
    global: &GlobalArgs,
    workspace: Workspace,
    updated: impl FnMut(Update) + Send + 'static,
) -> anyhow::Result<Live> {
    let cwd = std::env::current_dir().context("cannot read the current folder")?;
    let mode = super::cache_mode(global, &workspace.location, &workspace.config, &cwd)?;
    let cache = match mode {
        CacheMode::Disk(dir) => Some(dir),
        CacheMode::Memory => None,
    };
    let flags = global.clone();
    let reload = move || {
        let ws = load(&flags).map_err(|e| format!("cannot load the tree again: {e:#}"))?;
        Ok(ws)
    };
    Live::start(workspace, cache.as_deref(), reload, updated).map_err(anyhow::Error::from)
}

/// `atomdoc mcp`: serves the tools and resources of [`crate::mcp`] on stdin/stdout until the
/// client hangs up; what happens to the tree is logged on stderr.
pub fn mcp(global: &GlobalArgs) -> anyhow::Result<u8> {
    use rmcp::ServiceExt;
    let workspace = load(global)?;
    report_warnings(&workspace);
    let live = keep_live(global, workspace, |update| {
        let mut err = std::io::stderr().lock();
        let _ = match update {
            Update::Applied(a) => writeln!(
                err,
                "atomdoc mcp: applied changes ({} added, {} changed, {} removed)",
                a.added.len(),
                a.changed.len(),
                a.removed.len()
            ),
            Update::Reloaded(why) => writeln!(err, "atomdoc mcp: loaded the tree again: {why}"),
            Update::Failed(why) => writeln!(err, "atomdoc mcp: {why}"),
        };
    })?;
    let server = crate::mcp::Server::new(std::sync::Arc::clone(&live.workspace));
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the MCP server's runtime")?;
    runtime.block_on(async {
        let service = server
            .serve(rmcp::transport::stdio())
            .await
            .context("the MCP client did not initialise the session")?;
        service.waiting().await.context("MCP session")?;
        anyhow::Ok(())
    })?;
    drop(live);
    Ok(exit::OK)
}

#[derive(Debug, Clone, Args)]
pub struct WatchArgs {
    /// What to re-run: a query (`orphans in services`), `check`, or `stats` [default: check]
    #[arg(num_args = 0.., value_name = "QUERY | check | stats")]
    pub what: Vec<String>,
}

/// What `atomdoc watch` re-runs.
enum What {
    Check,
    Stats,
    Query(String, Box<Query>),
}

impl What {
    fn label(&self) -> &str {
        match self {
            What::Check => "check",
            What::Stats => "stats",
            What::Query(text, _) => text,
        }
    }

    /// The answer as the command of the same name prints it.
    fn render(&self, ws: &mut Workspace, out: &mut Vec<u8>, term: &Term) -> std::io::Result<()> {
        match self {
            What::Stats => {
                let stats = crate::graph::Stats::compute(&ws.corpus, ws.graph());
                render::stats::table(out, &stats, term)
            }
            What::Check => match ws.diagnostics() {
                Ok(mut diagnostics) => {
                    // The did-you-mean in `help`, as `atomdoc check` prints it.
                    crate::check::rules::suggest_fixes(&ws.corpus, &mut diagnostics);
                    let outcome = render::diagnostics::Outcome {
                        diagnostics: &diagnostics,
                        checked: ws.corpus.docs.len(),
                        suppressed: 0,
                        baselined: 0,
                        since: None,
                    };
                    render::diagnostics::human::render(out, &outcome, ws.sources(), term.styled)
                }
                Err(e) => writeln!(out, "error: {e}"),
            },
            What::Query(text, q) => match ws.ask(q) {
                Ok(answer) => render::rows::table(out, &answer.records, term),
                Err(e) => write!(
                    out,
                    "{}",
                    query::render_errors_styled(text, "query", 1, &[e], term.styled)
                ),
            },
        }
    }
}

/// A message to the redrawing loop.
enum Msg {
    Changed(Option<String>),
    Quit,
}

/// The terminal while `watch` draws on it: the alternate screen, restored when dropped
/// (also on an error or a panic's unwinding).
struct Screen {
    terminal: bool,
}

impl Screen {
    fn enter(terminal: bool) -> std::io::Result<Screen> {
        if terminal {
            let mut out = std::io::stdout().lock();
            // Alternate screen, cursor hidden.
            out.write_all(b"\x1b[?1049h\x1b[?25l")?;
            out.flush()?;
        }
        Ok(Screen { terminal })
    }
}

impl Drop for Screen {
    fn drop(&mut self) {
        if self.terminal {
            let mut out = std::io::stdout().lock();
            let _ = out.write_all(b"\x1b[?25h\x1b[?1049l");
            let _ = out.flush();
        }
    }
}

/// The time of day, UTC, `HH:MM:SS`.
fn clock() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let day = secs % 86_400;
    format!("{:02}:{:02}:{:02}", day / 3600, day % 3600 / 60, day % 60)
}

/// `atomdoc watch`: runs the query, `check` or `stats`, then again whenever the tree changes;
/// on a terminal the answer is redrawn on the alternate screen, otherwise each answer is
/// appended. Ctrl-C ends it (status 0), restoring the terminal.
pub fn watch(global: &GlobalArgs, args: WatchArgs) -> anyhow::Result<u8> {
    let text = args.what.join(" ");
    let what = match text.trim() {
        "" | "check" => What::Check,
        "stats" => What::Stats,
        t => match query::parse(t) {
            Ok(q) if q.output.is_some() => {
                anyhow::bail!("`atomdoc watch` shows tables; drop `as dot` from the query")
            }
            Ok(q) => What::Query(t.to_string(), Box::new(q)),
            Err(errs) => {
                eprint!("{}", query::render_errors(t, "query", 1, &errs.0));
                return Ok(exit::USAGE);
            }
        },
    };
    let workspace = load(global)?;
    let (tx, rx) = mpsc::channel();
    let changed = tx.clone();
    let live = keep_live(global, workspace, move |update| {
        let note = match update {
            Update::Applied(_) => None,
            Update::Reloaded(why) => Some(format!("loaded again: {why}")),
            Update::Failed(why) => Some(why),
        };
        let _ = changed.send(Msg::Changed(note));
    })?;
    std::thread::Builder::new()
        .name("atomdoc-ctrl-c".into())
        .spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build();
            if let Ok(runtime) = runtime
                && runtime.block_on(tokio::signal::ctrl_c()).is_ok()
            {
                let _ = tx.send(Msg::Quit);
            }
        })?;

    let stdout = std::io::stdout();
    let terminal = stdout.is_terminal();
    let screen = Screen::enter(terminal)?;
    let mut note: Option<String> = None;
    loop {
        let mut body = Vec::new();
        {
            let mut ws = live.workspace.lock().unwrap_or_else(|e| e.into_inner());
            // Read each time: the window may have been resized since the last redraw.
            what.render(&mut ws, &mut body, &super::term())?;
            print_notices(&ws);
        }
        if screen.terminal {
            // Written past the colour filter, which would strip it under NO_COLOR.
            let mut raw = stdout.lock();
            raw.write_all(b"\x1b[H\x1b[2J")?;
            raw.flush()?;
        }
        let mut out = anstream::AutoStream::auto(stdout.lock());
        let label = render::sanitize(what.label());
        let mut header = format!("atomdoc watch: {label} at {} UTC", clock());
        if let Some(n) = note.take() {
            header.push_str(&format!(" ({})", render::sanitize(&n)));
        }
        if screen.terminal {
            header.push_str(" · Ctrl-C to quit");
        }
        writeln!(out, "{header}\n")?;
        out.write_all(&body)?;
        if !screen.terminal {
            writeln!(out)?;
        }
        out.flush()?;
        drop(out);
        // Wait for a change, then take every other one already queued: one redraw each burst.
        match rx.recv() {
            Ok(Msg::Changed(n)) => note = n,
            Ok(Msg::Quit) | Err(_) => break,
        }
        let mut quit = false;
        while let Ok(msg) = rx.try_recv() {
            match msg {
                Msg::Changed(n) => note = n.or(note),
                Msg::Quit => quit = true,
            }
        }
        if quit {
            break;
        }
    }
    drop(screen);
    drop(live);
    Ok(exit::OK)
}
