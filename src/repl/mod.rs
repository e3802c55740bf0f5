//! The interactive REPL (`atomdoc repl`, or plain `atomdoc` on a terminal) and its piped
//! twin (queries read line by line from standard input).
//!
//! Owns: the session state (loaded tree, output format, timing, the rest of a long answer),
//! meta-commands, the rustyline editor and its helper, the history and saved-query files.
//! Must not: evaluate queries itself (that is `query`, reached through `engine::answer`, the
//! same entry point as `atomdoc query`) or write inside the docs tree.

pub mod complete;
pub mod engine;
pub mod files;
pub mod helper;
pub mod highlight;
pub mod lexical;
pub mod meta;
#[cfg(test)]
mod tests;
pub mod vocab;

use std::io::{self, BufRead, Write};
use std::time::Instant;

use unicode_width::UnicodeWidthStr;

use rustyline::error::ReadlineError;
use rustyline::history::DefaultHistory;
use rustyline::{CompletionType, Config, Editor};

use crate::graph::Stats;
use crate::saved;
use crate::workspace::Workspace;
use engine::{Format, Origin};
use helper::AtomHelper;
use meta::Meta;
use vocab::Vocabulary;

/// Loads (and reloads) the tree; the CLI passes a closure over its global flags.
pub type Loader = Box<dyn Fn() -> anyhow::Result<Workspace>>;

/// What the loop does after a line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    Continue,
    Quit,
}

/// One REPL session: the loaded tree and the user's settings.
pub struct Session {
    loader: Loader,
    pub workspace: Workspace,
    pub format: Format,
    pub timing: bool,
    /// Colour and width of tables (`Term::of` stdout in a terminal, re-read before each
    /// line for a resized window; plain when piped).
    pub term: crate::render::table::Term,
    /// Lines of the screen an answer may fill before it is cut (`None`: never cut).
    pub page_height: Option<usize>,
    /// Columns of the screen, to count the rows a wrapped line takes.
    pub page_width: Option<usize>,
    /// What is left of the last answer after it was cut (`:more`).
    rest: Vec<String>,
    /// The last answer's count line.
    summary: String,
    /// The last table's header line, repeated on `:more` pages.
    header: Option<String>,
    /// The last answer's rows (`:export`).
    last: Option<crate::query::Rows>,
    /// Standard input is not a terminal: JSON answers are JSON Lines and what meta-commands
    /// say goes to stderr, so stdout holds answers only.
    pub piped: bool,
}

impl Session {
    pub fn new(loader: Loader) -> anyhow::Result<Session> {
        let workspace = loader()?;
        Ok(Session {
            loader,
            workspace,
            format: Format::Table,
            timing: false,
            term: crate::render::table::Term::PLAIN,
            page_height: None,
            page_width: None,
            rest: Vec::new(),
            summary: String::new(),
            header: None,
            last: None,
            piped: false,
        })
    }

    /// The banner: documents, links, broken, orphans, and how to get help, on as few lines
    /// as fit the terminal.
    pub fn banner(&self) -> String {
        let stats = Stats::compute(&self.workspace.corpus, self.workspace.graph());
        // Links between documents: what `links` lists (referrers' links are not among them).
        let links: usize = stats
            .edges
            .iter()
            .filter(|(kind, _)| kind.as_str() != crate::graph::stats::FROM_REFERRERS)
            .map(|(_, n)| n)
            .sum();
        let counts = format!(
            "{} documents, {links} links, {} broken, {} orphans",
            stats.documents,
            stats.broken.values().sum::<usize>(),
            stats.orphans,
        );
        let parts = ["atomdoc", &counts, "Tab completes", ":help", "Ctrl-D quits"];
        crate::render::table::join_fitted(&parts, " · ", self.term.width).join("\n")
    }

    pub fn vocabulary(&self) -> Vocabulary {
        let mut vocab = Vocabulary::from_corpus(&self.workspace.corpus);
        vocab.saved = saved::all_names(&self.workspace.location.repo);
        vocab
    }

    /// Handles one entry (a query or a meta-command, possibly several lines). Answers go to
    /// `out`, errors to `err`; returns what to do next and whether the entry succeeded.
    pub fn handle(
        &mut self,
        input: &str,
        origin: &Origin,
        out: &mut dyn Write,
        err: &mut dyn Write,
    ) -> io::Result<(Step, bool)> {
        let text = input.trim();
        if text.is_empty() {
            return Ok((Step::Continue, true));
        }
        if text.starts_with(':') {
            return self.meta(text, origin, out, err);
        }
        // `@NAME` runs a saved query, as `atomdoc query @NAME` does.
        if let Some(name) = text.strip_prefix('@') {
            return self.meta(&format!(":run {name}"), origin, out, err);
        }
        let ok = self.query(text, origin, out, err)?;
        Ok((Step::Continue, ok))
    }

    fn query(
        &mut self,
        text: &str,
        origin: &Origin,
        out: &mut dyn Write,
        err: &mut dyn Write,
    ) -> io::Result<bool> {
        let started = Instant::now();
        let format = match self.format {
            Format::Json if self.piped => Format::Jsonl,
            f => f,
        };
        let result = engine::answer(&self.workspace, text, format, &self.term, origin);
        let elapsed = started.elapsed();
        // A search may have found the cached index damaged and rebuilt it: say so.
        for notice in self.workspace.take_notices() {
            writeln!(err, "{}", crate::render::sanitize(&notice))?;
        }
        let ok = match result {
            Ok(answer) => {
                self.print_paged(&answer.text, &answer.summary, out)?;
                self.last = Some(answer.rows);
                true
            }
            Err(message) => {
                err.write_all(message.as_bytes())?;
                false
            }
        };
        if self.timing {
            writeln!(err, "time: {:.2} ms", elapsed.as_secs_f64() * 1000.0)?;
        }
        Ok(ok)
    }

    /// Prints `answer`, cut to the page height with a count of what was left out.
    fn print_paged(&mut self, answer: &str, summary: &str, out: &mut dyn Write) -> io::Result<()> {
        let lines: Vec<String> = answer.lines().map(str::to_string).collect();
        self.rest.clear();
        self.summary = summary.to_string();
        // A table's header line is shown again above each `:more` page.
        self.header = (self.format == Format::Table && lines.len() > 1).then(|| lines[0].clone());
        self.show(lines, out)
    }

    fn show(&mut self, mut lines: Vec<String>, out: &mut dyn Write) -> io::Result<()> {
        // Screen rows each line takes once the terminal wraps it.
        let rows = |line: &str| match self.page_width {
            Some(width) if width > 0 => {
                let w = highlight::strip(line).width();
                w.div_ceil(width).max(1)
            }
            _ => 1,
        };
        let total: usize = lines.iter().map(|l| rows(l)).sum();
        let room = self.page_height.map(|h| h.saturating_sub(3).max(5));
        match room {
            Some(room) if total > room + 1 => {
                let mut used = 0;
                let mut keep = 0;
                for l in &lines {
                    used += rows(l);
                    if used > room {
                        break;
                    }
                    keep += 1;
                }
                self.rest = lines.split_off(keep.max(1));
                for l in &lines {
                    writeln!(out, "{l}")?;
                }
                writeln!(
                    out,
                    "… {} more lines ({} in all): :more shows them, `limit N` asks for fewer",
                    self.rest.len(),
                    self.summary
                )?;
            }
            _ => {
                for l in &lines {
                    writeln!(out, "{l}")?;
                }
            }
        }
        Ok(())
    }

    fn meta(
        &mut self,
        text: &str,
        origin: &Origin,
        out: &mut dyn Write,
        err: &mut dyn Write,
    ) -> io::Result<(Step, bool)> {
        let command = match Meta::parse(text) {
            Ok(c) => c,
            Err(message) => {
                writeln!(err, "error: {message}")?;
                return Ok((Step::Continue, false));
            }
        };
        if command == Meta::Quit {
            return Ok((Step::Quit, true));
        }
        let repo = self.workspace.location.repo.clone();
        // Piped, what a meta-command says is chatter: stderr, so stdout stays answers only.
        // Answers (`:run`, `:export dot -`, `:more`) still go to stdout.
        let mut chatter = Vec::new();
        let ok = self.meta_command(command, &repo, origin, out, &mut chatter, err)?;
        if self.piped {
            err.write_all(&chatter)?;
        } else {
            out.write_all(&chatter)?;
        }
        Ok((Step::Continue, ok))
    }

    fn meta_command(
        &mut self,
        command: Meta,
        repo: &std::path::Path,
        origin: &Origin,
        answers: &mut dyn Write,
        out: &mut dyn Write,
        err: &mut dyn Write,
    ) -> io::Result<bool> {
        let ok = match command {
            Meta::Quit => true,
            Meta::Help(topic) => match meta::help(topic.as_deref()) {
                Ok(text) => {
                    out.write_all(text.as_bytes())?;
                    true
                }
                Err(message) => {
                    writeln!(err, "error: {message}")?;
                    false
                }
            },
            Meta::Format(None) => {
                writeln!(out, "format: {}", self.format.name())?;
                true
            }
            Meta::Format(Some(name)) => match Format::parse(&name) {
                Some(f) => {
                    self.format = f;
                    writeln!(out, "format: {}", f.name())?;
                    true
                }
                None => {
                    writeln!(
                        err,
                        "error: unknown format `{name}`; use table, records, json, jsonl or csv"
                    )?;
                    false
                }
            },
            Meta::Expanded => {
                self.format = if self.format == Format::Records {
                    Format::Table
                } else {
                    Format::Records
                };
                writeln!(out, "format: {}", self.format.name())?;
                true
            }
            Meta::Time => {
                self.timing = !self.timing;
                writeln!(out, "timing: {}", if self.timing { "on" } else { "off" })?;
                true
            }
            Meta::Reload => match (self.loader)() {
                Ok(ws) => {
                    let before = self.workspace.corpus.docs.len();
                    self.workspace = ws;
                    writeln!(
                        out,
                        "reloaded: {} documents (was {before})",
                        self.workspace.corpus.docs.len()
                    )?;
                    true
                }
                Err(e) => {
                    writeln!(err, "error: reload failed, keeping the loaded tree: {e:#}")?;
                    false
                }
            },
            Meta::Explain(query) => match engine::explain(&query, origin) {
                Ok(core) => {
                    writeln!(out, "{core}")?;
                    true
                }
                Err(message) => {
                    err.write_all(message.as_bytes())?;
                    false
                }
            },
            Meta::Save { name, query } => match saved::save(repo, &name, &query) {
                Ok((path, replaced)) => {
                    let shown = path.strip_prefix(repo).unwrap_or(&path);
                    let note = if replaced {
                        " (replacing the old one)"
                    } else {
                        ""
                    };
                    writeln!(out, "saved `{name}` to {}{note}", shown.display())?;
                    true
                }
                Err(e) => {
                    writeln!(err, "error: cannot save `{name}`: {e}")?;
                    false
                }
            },
            Meta::Run(None) => {
                let names = saved::names(repo);
                if names.is_empty() {
                    writeln!(out, "no saved queries; save one with `:save NAME <query>`")?;
                }
                for name in &names {
                    let query = saved::load(repo, name).map(|q| q.text);
                    writeln!(
                        out,
                        "{name}: {}",
                        crate::render::sanitize(&query.unwrap_or_default())
                    )?;
                }
                let builtin: Vec<&str> = saved::BUILTIN
                    .iter()
                    .map(|(n, _)| *n)
                    .filter(|n| !names.iter().any(|m| m == n))
                    .collect();
                writeln!(out, "built in: {}", builtin.join(", "))?;
                true
            }
            Meta::Run(Some(name)) => match saved::load_any(repo, &name) {
                Ok(queries) => {
                    let mut ok = true;
                    for query in queries {
                        let origin = Origin {
                            name: format!("{name}.aq"),
                            line: query.line,
                        };
                        ok &= self.query(&query.text, &origin, answers, err)?;
                    }
                    ok
                }
                Err(message) => {
                    writeln!(err, "error: {message}")?;
                    false
                }
            },
            Meta::Export { what, file } => match self.export(&what, &file) {
                // `:export dot -`: the drawing is an answer.
                Ok(message) if file == "-" => {
                    writeln!(answers, "{message}")?;
                    true
                }
                Ok(message) => {
                    writeln!(out, "{message}")?;
                    true
                }
                Err(message) => {
                    writeln!(err, "error: {message}")?;
                    false
                }
            },
            Meta::More => {
                if self.rest.is_empty() {
                    writeln!(out, "nothing more to show")?;
                } else {
                    let mut rest = std::mem::take(&mut self.rest);
                    if let Some(header) = &self.header {
                        rest.insert(0, header.clone());
                    }
                    self.show(rest, answers)?;
                }
                true
            }
        };
        Ok(ok)
    }

    /// `:export dot FILE`: the last answer as a Graphviz graph, written to FILE (relative to
    /// the current folder; `-` prints it) by the rules of [`crate::boundary::output`].
    fn export(&self, what: &str, file: &str) -> Result<String, String> {
        use crate::export;
        if !what.eq_ignore_ascii_case("dot") {
            return Err(format!(
                "cannot export as `{what}`: :export knows `dot` (use `atomdoc export` for JSON and Mermaid)"
            ));
        }
        let Some(rows) = &self.last else {
            return Err("nothing to draw yet: run a query, then :export dot FILE".into());
        };
        if let crate::query::Rows::Path { docs, .. } = rows
            && docs.is_empty()
        {
            return Err("the last path query found no path: nothing to draw".into());
        }
        let ws = &self.workspace;
        let Some(graph) = export::draw_answer(&ws.corpus, ws.graph(), rows) else {
            return Err(
                "the last answer is a summary table; draw documents, links, neighbors or a path"
                    .into(),
            );
        };
        let text = export::dot::render(&graph);
        if crate::boundary::output::Target::parse(std::path::Path::new(file))
            == crate::boundary::output::Target::Stdout
        {
            // `:export dot -`: the drawing is the answer.
            return Ok(text.trim_end().to_string());
        }
        crate::boundary::output::write(std::path::Path::new(file), &ws.location, text.as_bytes())?;
        let count = |n: usize, what: &str| format!("{n} {what}{}", if n == 1 { "" } else { "s" });
        Ok(format!(
            "wrote {file} ({}, {})",
            count(graph.nodes.len(), "node"),
            count(graph.edges.len(), "edge")
        ))
    }
}

/// Reads entries from `input` line by line (no prompt, no editing): a line that leaves a
/// quote or parenthesis open continues on the next (up to a blank line); blank lines and `#`
/// comments are skipped. Every answer is printed; an error is printed and the next line is read.
/// Returns whether every entry succeeded.
pub fn run_piped(
    session: &mut Session,
    input: &mut dyn BufRead,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> io::Result<bool> {
    session.piped = true;
    let mut all_ok = true;
    // Runs one finished entry; says whether it was `:quit`.
    let mut run = |entry: &mut String, first_line: usize| -> io::Result<bool> {
        let origin = Origin {
            name: "stdin".into(),
            line: first_line,
        };
        let (step, ok) = session.handle(entry, &origin, out, err)?;
        out.flush()?;
        all_ok &= ok;
        entry.clear();
        Ok(step == Step::Quit)
    };
    let mut entry = String::new();
    let mut first_line = 0;
    let mut number = 0;
    let mut raw = Vec::new();
    loop {
        raw.clear();
        let read = input.read_until(b'\n', &mut raw)?;
        let at_end = read == 0;
        if !at_end {
            number += 1;
            let line = String::from_utf8_lossy(&raw);
            let line = line.trim_end_matches(['\n', '\r']);
            if entry.is_empty() {
                if line.trim().is_empty() || line.trim_start().starts_with('#') {
                    continue;
                }
                first_line = number;
            } else if line.trim().is_empty() {
                // A blank line ends an entry left open by a stray quote, so one typo does
                // not swallow the rest of a script.
                if run(&mut entry, first_line)? {
                    break;
                }
                continue;
            } else {
                entry.push('\n');
            }
            entry.push_str(line);
            if lexical::is_incomplete(&entry) {
                continue;
            }
        }
        if !entry.is_empty() && run(&mut entry, first_line)? {
            break;
        }
        if at_end {
            break;
        }
    }
    Ok(all_ok)
}

/// The interactive loop on a terminal, until `:quit` or Ctrl-D. Errors in entries are shown
/// and the loop goes on; only a failing terminal ends it with an error. The history is kept
/// in the user's data folder (see [`files::history_path`]).
pub fn run_interactive(session: &mut Session) -> anyhow::Result<()> {
    let config = Config::builder()
        .completion_type(CompletionType::List)
        .completion_show_all_if_ambiguous(true)
        .max_history_size(1000)?
        .history_ignore_dups(true)?
        .history_ignore_space(true)
        .auto_add_history(false)
        .build();
    let mut editor: Editor<AtomHelper, DefaultHistory> = Editor::with_config(config)?;
    editor.set_helper(Some(AtomHelper::new(session.vocabulary())));
    let mut history = files::history_path();
    if let Some(problem) = history.as_deref().and_then(files::history_problem) {
        eprintln!("warning: {problem}");
        history = None;
    }
    if let Some(path) = &history {
        // A missing file is the first session; anything else is worth a word.
        if let Err(e) = editor.load_history(path)
            && crate::boundary::read::kind(path).is_some()
        {
            eprintln!("warning: cannot read history {}: {e}", path.display());
        }
    }
    session.term = crate::render::table::Term::of(&io::stdout());
    println!("{}", session.banner());
    loop {
        let size = editor.dimensions();
        session.page_height = size.map(|(_, rows)| rows as usize);
        session.page_width = size.map(|(cols, _)| cols as usize);
        session.term = crate::render::table::Term::of(&io::stdout());
        match editor.readline("atomdoc> ") {
            Ok(line) => {
                if line.trim().is_empty() {
                    continue;
                }
                let _ = editor.add_history_entry(line.as_str());
                if let Some(path) = &history {
                    let _ = editor.append_history(path);
                }
                let origin = Origin {
                    name: "repl".into(),
                    line: 1,
                };
                let stdout = io::stdout();
                let stderr = io::stderr();
                let mut out = anstream::AutoStream::auto(stdout.lock());
                let mut err = stderr.lock();
                let (step, _) = session.handle(&line, &origin, &mut out, &mut err)?;
                out.flush()?;
                if step == Step::Quit {
                    break;
                }
                // `:reload` and `:save` change what completion offers.
                if let Some(h) = editor.helper_mut() {
                    h.vocab = session.vocabulary();
                }
            }
            // Ctrl-C cancels the line being edited and starts a fresh one.
            Err(ReadlineError::Interrupted) => continue,
            // Ctrl-D on an empty line leaves.
            Err(ReadlineError::Eof) => break,
            Err(e) => return Err(e.into()),
        }
    }
    Ok(())
}
