//! `atomdoc query`: one query, a file of queries (`--file`), or a saved query (`@NAME`).
//!
//! Every query is parsed before the tree is loaded, so a typo costs no scan; all syntax
//! errors of all queries are reported together (exit 2). Then each query is evaluated and
//! rendered.

use std::io::Write;
use std::path::PathBuf;

use anyhow::{Context, bail};
use clap::{Args, ValueEnum};

use super::{GlobalArgs, exit, load_at, report_warnings};
use crate::answer::Records;
use crate::config;
use crate::corpus::Keep;
use crate::query::{self, Query};
use crate::render::rows;
use crate::saved;

#[derive(Debug, Args)]
pub struct QueryArgs {
    /// The query, e.g. "orphans in integrations" (words are joined with spaces);
    /// `@NAME` runs the saved query `<repo>/.atomdoc/queries/NAME.aq`
    #[arg(value_name = "QUERY")]
    pub query: Vec<String>,
    /// Run the queries in FILE: one per line, `#` starts a comment line
    #[arg(long, value_name = "FILE", conflicts_with = "query")]
    pub file: Option<PathBuf>,
    /// Output: an aligned table or one block per record for people, JSON (array of row
    /// objects) or CSV for programs
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Exit with status 1 when any query returns rows (a CI gate)
    #[arg(long)]
    pub fail_if_any: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Table,
    /// One block per record, a `column | value` line each (psql's expanded display)
    Records,
    Json,
    Csv,
    /// A Graphviz DOT drawing of the answer (the same as `as dot` in the query)
    Dot,
}

/// A query's text and where it came from, for error messages.
pub struct QueryText {
    pub origin: String,
    pub line: usize,
    pub text: String,
}

/// The queries in a `.aq` file: one per non-blank line; lines starting with `#` are
/// comments (the same reading as saved queries, [`saved::queries_in`]).
pub fn queries_in(origin: &str, content: &str) -> Vec<QueryText> {
    saved::queries_in(content)
        .map(|(line, text)| QueryText {
            origin: origin.to_string(),
            line,
            text: text.to_string(),
        })
        .collect()
}

/// A `--file` of queries is at most this long.
const MAX_QUERY_FILE_BYTES: u64 = 16 * 1024 * 1024;

fn saved_query(global: &GlobalArgs, name: &str) -> anyhow::Result<Vec<QueryText>> {
    if !saved::valid_name(name) {
        bail!(
            "saved query name `{name}` is not valid: use letters, digits, `-` and `_`, at most {} (a file .atomdoc/queries/NAME.aq)",
            saved::MAX_NAME_CHARS
        );
    }
    let cwd = std::env::current_dir()?;
    let repo = config::find_repo(global.repo.as_deref(), global.root.as_deref(), &cwd)?;
    // The repository provides this file: a committed symlink to `/dev/zero` or elsewhere must
    // not hang atomdoc or be read (`saved::load` reads it through the boundary).
    // The repository's saved query first, then atomdoc's built-in one of that name.
    let queries = saved::load_any(&repo, name).map_err(anyhow::Error::msg)?;
    Ok(queries
        .into_iter()
        .map(|query| QueryText {
            origin: query.path.display().to_string(),
            line: query.line,
            text: query.text,
        })
        .collect())
}

/// Runs `atomdoc query`; returns the exit status.
pub fn run(global: &GlobalArgs, args: QueryArgs) -> anyhow::Result<u8> {
    let texts: Vec<QueryText> = match (&args.file, args.query.as_slice()) {
        (Some(file), _) => {
            let cwd = std::env::current_dir()?;
            let repo = config::find_repo(global.repo.as_deref(), global.root.as_deref(), &cwd)?;
            let links = crate::boundary::read::Links::named(&repo, file);
            let content = crate::boundary::read::read_text(file, links, MAX_QUERY_FILE_BYTES)
                .with_context(|| format!("cannot read query file {}", file.display()))?;
            let qs = queries_in(&file.display().to_string(), &content);
            if qs.is_empty() {
                bail!(
                    "{} holds no query (one per line; `#` starts a comment)",
                    file.display()
                );
            }
            qs
        }
        (None, []) => bail!(
            "no query given: pass one, e.g. `atomdoc query \"orphans\"`, or --file FILE, or @NAME"
        ),
        (None, [one]) if one.starts_with('@') => saved_query(global, &one[1..])?,
        (None, words) => vec![QueryText {
            origin: "query".into(),
            line: 1,
            text: words.join(" "),
        }],
    };
    if args.format == Format::Csv && texts.len() > 1 {
        bail!(
            "--format csv prints one table, and the file holds {} queries; use --format json or table",
            texts.len()
        );
    }

    // 1. Parse everything first: report every syntax error of every query at once.
    let styled_err = super::color_stderr();
    let mut parsed: Vec<(&QueryText, Query)> = Vec::new();
    let mut report = String::new();
    for t in &texts {
        match query::parse(&t.text) {
            Ok(q) => parsed.push((t, q)),
            Err(errs) => report.push_str(&query::render_errors_styled(
                &t.text, &t.origin, t.line, &errs.0, styled_err,
            )),
        }
    }
    if !report.is_empty() {
        eprint!("{report}");
        return Ok(exit::USAGE);
    }

    // A drawing shows one answer.
    let drawing = args.format == Format::Dot || parsed.iter().any(|(_, q)| q.output.is_some());
    if drawing && parsed.len() > 1 {
        bail!(
            "a drawing (`as dot`, --format dot) shows one query's answer, and there are {} queries; run the one to draw on its own",
            parsed.len()
        );
    }

    // 2. Load the tree once and evaluate every query, keeping of the documents what the
    // queries need (`Query::needs`): their text only for the sources that read it, only
    // their outline when every query is answered from it. A drawing reads more than its
    // rows. The process ends after printing: freeing every document, link and graph node
    // one by one would only cost time (a tenth of a warm query's CPU), so the operating
    // system takes the memory back at exit instead.
    let drawn = if drawing { Keep::Graph } else { Keep::Outline };
    let keep = parsed
        .iter()
        .fold(drawn, |keep, (_, q)| keep.union(q.needs()));
    let workspace = std::mem::ManuallyDrop::new(load_at(global, keep)?);
    if drawing {
        let (t, q) = &parsed[0];
        let answer = workspace.ask(q);
        super::print_notices(&workspace);
        let rows = match answer {
            Ok(answer) => answer.rows,
            Err(e) => {
                eprint!(
                    "{}",
                    query::render_errors_styled(&t.text, &t.origin, t.line, &[e], styled_err)
                );
                return Ok(exit::USAGE);
            }
        };
        let stdout = std::io::stdout();
        let mut out = stdout.lock();
        super::export::draw_answer(&workspace, q, &rows, &mut out)?;
        out.flush()?;
        let status = report_warnings(&workspace);
        if args.fail_if_any && !rows.is_empty() {
            return Ok(exit::FINDINGS);
        }
        return Ok(status);
    }
    let mut answers: Vec<(String, Records)> = Vec::new();
    for (t, q) in &parsed {
        match workspace.ask(q) {
            Ok(answer) => answers.push((t.text.clone(), answer.records)),
            Err(e) => report.push_str(&query::render_errors_styled(
                &t.text,
                &t.origin,
                t.line,
                &[e],
                styled_err,
            )),
        }
    }
    super::print_notices(&workspace);
    if !report.is_empty() {
        eprint!("{report}");
        return Ok(exit::USAGE);
    }

    // 3. Print.
    let stdout = std::io::stdout();
    let term = super::term();
    let mut out = anstream::AutoStream::auto(stdout.lock());
    let many = answers.len() > 1;
    match args.format {
        Format::Json if many => rows::json_many(&mut out, &answers)?,
        Format::Json => rows::json(&mut out, &answers[0].1)?,
        Format::Csv => rows::csv(&mut out, &answers[0].1)?,
        Format::Dot => unreachable!("drawings are printed above"),
        Format::Table | Format::Records => {
            for (i, (text, records)) in answers.iter().enumerate() {
                if many {
                    if i > 0 {
                        writeln!(out)?;
                    }
                    let bold = anstyle::Style::new().bold();
                    let text = crate::render::sanitize(text);
                    writeln!(out, "{bold}# {text}{bold:#}")?;
                }
                if args.format == Format::Records {
                    rows::records(&mut out, records, &term)?;
                } else {
                    rows::table(&mut out, records, &term)?;
                }
            }
        }
    }
    out.flush()?;
    let status = report_warnings(&workspace);
    if args.fail_if_any && answers.iter().any(|(_, r)| !r.rows.is_empty()) {
        return Ok(exit::FINDINGS);
    }
    Ok(status)
}
