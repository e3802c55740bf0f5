//! The REPL's one door into the query language: text in, rendered answer (or rendered error)
//! out. It calls the same entry points as `atomdoc query` (`query::parse`, the answer layer
//! through `Workspace::ask`, `render::rows`), so a query answers the same in both places.

use crate::export;
use crate::query;
use crate::render::rows;
use crate::workspace::Workspace;

/// How answers are printed (`:format`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Format {
    #[default]
    Table,
    /// One block per record (`:x`, psql's expanded display).
    Records,
    /// A JSON array per answer on a terminal; JSON Lines (one object per row) when piped.
    Json,
    /// JSON Lines: one compact object per row.
    Jsonl,
    Csv,
}

impl Format {
    pub fn parse(name: &str) -> Option<Format> {
        match name.to_ascii_lowercase().as_str() {
            "table" => Some(Format::Table),
            "records" => Some(Format::Records),
            "json" => Some(Format::Json),
            "jsonl" => Some(Format::Jsonl),
            "csv" => Some(Format::Csv),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Format::Table => "table",
            Format::Records => "records",
            Format::Json => "json",
            Format::Jsonl => "jsonl",
            Format::Csv => "csv",
        }
    }
}

/// Where a query came from, for error messages: `stdin:4:12`, `repl:1:5`, `gate.aq:1:3`.
#[derive(Debug, Clone)]
pub struct Origin {
    pub name: String,
    pub line: usize,
}

/// A rendered answer.
#[derive(Debug, Clone)]
pub struct Answer {
    pub text: String,
    /// The count line (`143 documents`), repeated when a long table is cut.
    pub summary: String,
    /// The rows themselves (what `:export` draws).
    pub rows: query::Rows,
}

fn render_errors(
    text: &str,
    origin: &Origin,
    errors: &[query::QueryError],
    styled: bool,
) -> String {
    query::render_errors_styled(text, &origin.name, origin.line, errors, styled)
}

/// Parses, evaluates and renders `text`; the error is the rendered caret message.
pub fn answer(
    workspace: &Workspace,
    text: &str,
    format: Format,
    term: &crate::render::table::Term,
    origin: &Origin,
) -> Result<Answer, String> {
    let parsed = query::parse(text).map_err(|e| render_errors(text, origin, &e.0, term.styled))?;
    let crate::answer::Answer {
        rows: found,
        records,
    } = workspace
        .ask(&parsed)
        .map_err(|e| render_errors(text, origin, &[e], term.styled))?;
    if parsed.output.is_some() {
        // `as dot`: the drawing instead of the table, as `atomdoc query` prints it.
        let Some(graph) = export::draw_answer(&workspace.corpus, workspace.graph(), &found) else {
            return Err(format!(
                "error: `{}` answers with a summary table, which cannot be drawn; drop `as dot`\n",
                parsed.source.keyword()
            ));
        };
        return Ok(Answer {
            text: export::dot::render(&graph),
            summary: rows::count_line(&records),
            rows: found,
        });
    }
    let mut out = Vec::new();
    match format {
        Format::Table => rows::table(&mut out, &records, term),
        Format::Records => rows::records(&mut out, &records, term),
        Format::Json => rows::json(&mut out, &records),
        Format::Jsonl => rows::json_lines(&mut out, &records),
        Format::Csv => rows::csv(&mut out, &records),
    }
    .map_err(|e| format!("error: {e}\n"))?;
    Ok(Answer {
        text: String::from_utf8_lossy(&out).into_owned(),
        summary: rows::count_line(&records),
        rows: found,
    })
}

/// The query in its desugared core form (`:explain`).
pub fn explain(text: &str, origin: &Origin) -> Result<String, String> {
    let parsed = query::parse(text).map_err(|e| render_errors(text, origin, &e.0, false))?;
    Ok(parsed.explain())
}
