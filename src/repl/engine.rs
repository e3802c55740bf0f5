//! The REPL's one door into the query language: text in, rendered answer (or rendered error)
//! out. It calls the same entry points as `atomdoc query`, so a query answers the same in
//! both places.

use crate::workspace::Workspace;

/// How answers are printed (`:format`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Format {
    #[default]
    Table,
    Json,
    Csv,
}

impl Format {
    pub fn parse(name: &str) -> Option<Format> {
        match name.to_ascii_lowercase().as_str() {
            "table" => Some(Format::Table),
            "json" => Some(Format::Json),
            "csv" => Some(Format::Csv),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Format::Table => "table",
            Format::Json => "json",
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

/// Evaluates `text` and renders the answer; the error is the rendered caret message.
pub fn answer(
    workspace: &Workspace,
    text: &str,
    format: Format,
    styled: bool,
    origin: &Origin,
) -> Result<String, String> {
    let _ = styled;
    let mut out = Vec::new();
    match text.trim() {
        "stats" => {
            let stats = crate::graph::Stats::compute(&workspace.corpus, &workspace.graph);
            match format {
                Format::Json => crate::render::stats::json(&mut out, &stats),
                _ => crate::render::stats::table(&mut out, &stats),
            }
            .map_err(|e| e.to_string())?;
            Ok(String::from_utf8_lossy(&out).into_owned())
        }
        other => Err(format!(
            "error: this build answers only `stats`; the query language is not in it yet\n --> {}:{}:1\n  |\n  | {}\n",
            origin.name,
            origin.line,
            crate::render::sanitize(other)
        )),
    }
}

/// The query in its desugared core form (`:explain`).
pub fn explain(text: &str, origin: &Origin) -> Result<String, String> {
    let _ = (text, origin);
    Err("error: :explain needs the query language, which is not in this build yet\n".into())
}
