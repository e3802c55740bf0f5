//! `atomdoc export`: flags → export options → text on stdout (also `-o -`), or a file written
//! by the rules of [`crate::boundary::output`] (`.svg`/`.png`/`.pdf` rendered by Graphviz's
//! `dot` through graphviz-rust).

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::bail;
use clap::{Args, ValueEnum};
use graphviz_rust::cmd::{CommandArg, Format as DotFormat};

use crate::boundary::output::{self, Target};
use crate::config::Location;
use crate::export::{self, ExportGraph, Kinds, Level, Options};
use crate::query;
use crate::workspace::Workspace;

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// Output format [default: from the -o file's extension, else dot]
    #[arg(value_enum, value_name = "FORMAT")]
    pub format: Option<ExportFormat>,
    /// Output format, as a flag (same as the positional FORMAT)
    #[arg(long = "format", value_enum, value_name = "FORMAT")]
    pub format_flag: Option<ExportFormat>,
    /// Draw documents, subcategories or categories [default: doc, or category above 80 documents]
    #[arg(long, value_enum)]
    pub level: Option<LevelArg>,
    /// Only the documents of this category (or category/subcategory)
    #[arg(long = "in", value_name = "CATEGORY")]
    pub within: Option<String>,
    /// Only this document and its neighbours (a path from the current folder, or any path
    /// suffix naming only it)
    #[arg(long, value_name = "DOC")]
    pub around: Option<String>,
    /// Link steps from --around, in either direction
    #[arg(long, value_name = "N", requires = "around", default_value_t = 1)]
    pub depth: usize,
    /// Link kinds to draw, comma-separated [default: related,inline]
    #[arg(long, value_enum, value_delimiter = ',', value_name = "KINDS")]
    pub kinds: Vec<KindArg>,
    /// Write to FILE (.dot/.gv, .svg/.png/.pdf through Graphviz, .json, .mmd) instead of stdout
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    Dot,
    Json,
    Mermaid,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LevelArg {
    Doc,
    Subcategory,
    Category,
}

impl From<LevelArg> for Level {
    fn from(l: LevelArg) -> Level {
        match l {
            LevelArg::Doc => Level::Doc,
            LevelArg::Subcategory => Level::Subcategory,
            LevelArg::Category => Level::Category,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum KindArg {
    Related,
    Inline,
}

/// Where the drawing goes and in what form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Sink {
    Stdout(ExportFormat),
    /// Text of the format, written to the file.
    Text(PathBuf, ExportFormat),
    /// DOT rendered by Graphviz into an image or document.
    Rendered(PathBuf, Rendered),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rendered {
    Svg,
    Png,
    Pdf,
}

impl Rendered {
    fn dot_format(self) -> DotFormat {
        match self {
            Rendered::Svg => DotFormat::Svg,
            Rendered::Png => DotFormat::Png,
            Rendered::Pdf => DotFormat::Pdf,
        }
    }
}

fn format_name(f: ExportFormat) -> &'static str {
    match f {
        ExportFormat::Dot => "dot",
        ExportFormat::Json => "json",
        ExportFormat::Mermaid => "mermaid",
    }
}

/// Decides the sink from the format (positional or flag) and the `-o` file's extension.
pub fn sink(
    positional: Option<ExportFormat>,
    flag: Option<ExportFormat>,
    output: Option<&Path>,
) -> anyhow::Result<Sink> {
    let format = match (positional, flag) {
        (Some(a), Some(b)) if a != b => bail!(
            "two formats given ({} and --format {}); give one",
            format_name(a),
            format_name(b)
        ),
        (a, b) => a.or(b),
    };
    let Some(path) = output.filter(|p| Target::parse(p) != Target::Stdout) else {
        return Ok(Sink::Stdout(format.unwrap_or(ExportFormat::Dot)));
    };
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    let implied = match ext.as_str() {
        "dot" | "gv" => Some(ExportFormat::Dot),
        "json" => Some(ExportFormat::Json),
        "mmd" | "mermaid" => Some(ExportFormat::Mermaid),
        "svg" | "png" | "pdf" => {
            let rendered = match ext.as_str() {
                "svg" => Rendered::Svg,
                "png" => Rendered::Png,
                _ => Rendered::Pdf,
            };
            if let Some(f) = format.filter(|&f| f != ExportFormat::Dot) {
                bail!(
                    "{} is drawn by Graphviz from DOT, not from {}; drop the format, or write -o FILE.{}",
                    path.display(),
                    format_name(f),
                    if f == ExportFormat::Json {
                        "json"
                    } else {
                        "mmd"
                    }
                );
            }
            return Ok(Sink::Rendered(path.to_path_buf(), rendered));
        }
        _ => None,
    };
    match (format, implied) {
        (Some(f), Some(i)) if f != i => bail!(
            "{} looks like {} output but the format is {}; change the extension or the format",
            path.display(),
            format_name(i),
            format_name(f)
        ),
        (Some(f), _) | (None, Some(f)) => Ok(Sink::Text(path.to_path_buf(), f)),
        (None, None) => bail!(
            "cannot tell the format of {} from its extension; use .dot, .gv, .svg, .png, .pdf, .json or .mmd, or name the format (dot, json, mermaid)",
            path.display()
        ),
    }
}

/// Runs `atomdoc export`.
pub fn run(workspace: &Workspace, args: &ExportArgs, out: &mut dyn Write) -> anyhow::Result<()> {
    let sink = sink(args.format, args.format_flag, args.output.as_deref())?;
    if let Sink::Text(path, _) | Sink::Rendered(path, _) = &sink {
        // Refuse before drawing (Graphviz can take a while), and again when writing.
        output::check(path, &workspace.location).map_err(anyhow::Error::msg)?;
    }
    let mut kinds = Kinds {
        related: args.kinds.is_empty(),
        inline: args.kinds.is_empty(),
    };
    for k in &args.kinds {
        match k {
            KindArg::Related => kinds.related = true,
            KindArg::Inline => kinds.inline = true,
        }
    }
    let around = match &args.around {
        Some(name) => {
            // A path where the user stands names its document; anything else is a name
            // (a path suffix) as queries read it.
            let cwd = std::env::current_dir()?;
            let name = workspace
                .location
                .user_path(name, &cwd)
                .unwrap_or_else(|_| name.clone());
            let doc = query::names::resolve_doc(&workspace.corpus, &name)
                .map_err(|e| anyhow::anyhow!("--around: {e}; {}", e.help()))?;
            Some((doc, args.depth))
        }
        None => None,
    };
    let options = Options {
        level: args.level.map(Level::from),
        within: args.within.clone(),
        around,
        kinds,
    };
    let graph = export::build(&workspace.corpus, workspace.graph(), &options)?;
    notice_switch(&graph);
    emit(&graph, &sink, &workspace.location, out)
}

/// Tells stderr when a large drawing switched to the category level.
pub fn notice_switch(graph: &ExportGraph) {
    if let Some(n) = graph.switched_from {
        let _ = writeln!(
            std::io::stderr(),
            "note: {n} documents are too many to draw one by one (more than {}); drawing the category graph instead. Pass --level doc to draw them anyway, or narrow the drawing with --in or --around",
            export::AUTO_CATEGORY_THRESHOLD
        );
    }
}

/// Prints or writes `graph` to `sink`.
pub fn emit(
    graph: &ExportGraph,
    sink: &Sink,
    location: &Location,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    let text = |f: ExportFormat| match f {
        ExportFormat::Dot => export::dot::render(graph),
        ExportFormat::Json => export::json::render(graph),
        ExportFormat::Mermaid => export::mermaid::render(graph),
    };
    match sink {
        Sink::Stdout(f) => out.write_all(text(*f).as_bytes())?,
        Sink::Text(path, f) => {
            output::write(path, location, text(*f).as_bytes()).map_err(anyhow::Error::msg)?
        }
        Sink::Rendered(path, kind) => {
            let bytes = render_with_dot(export::dot::render(graph), *kind, path)?;
            output::write(path, location, &bytes).map_err(anyhow::Error::msg)?;
        }
    }
    Ok(())
}

/// Runs Graphviz's `dot` on `dot_text`; a missing `dot` is said plainly.
fn render_with_dot(dot_text: String, kind: Rendered, path: &Path) -> anyhow::Result<Vec<u8>> {
    match graphviz_rust::exec_dot(dot_text, vec![CommandArg::Format(kind.dot_format())]) {
        Ok(bytes) => Ok(bytes),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let stem = path.with_extension("dot");
            bail!(
                "cannot draw {}: Graphviz's `dot` program is not installed (or not on PATH). Install the `graphviz` package (apt-get install graphviz, brew install graphviz, …), or write DOT, which needs nothing: -o {}",
                path.display(),
                stem.display()
            )
        }
        Err(e) => bail!(
            "Graphviz's `dot` failed to draw {}: {}",
            path.display(),
            e.to_string().trim()
        ),
    }
}

/// Draws a query's answer as DOT on `out`: a document list with the links among its
/// documents (a neighbourhood with its centre), a link list as those links, a path as its
/// documents and the links that join them.
pub fn draw_answer(
    workspace: &Workspace,
    q: &query::Query,
    rows: &query::Rows,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    let corpus = &workspace.corpus;
    let Some(graph) = export::draw_answer(corpus, workspace.graph(), rows) else {
        bail!(
            "a drawing shows documents, links or a path; `{}` answers with a summary table (`atomdoc export --level category` draws categories)",
            q.source.keyword()
        );
    };
    if let query::Rows::Path { from, to, docs } = rows
        && docs.is_empty()
    {
        let _ = writeln!(
            std::io::stderr(),
            "note: no path from {} to {}; the drawing is empty",
            corpus.doc(*from).path,
            corpus.doc(*to).path
        );
    }
    notice_switch(&graph);
    out.write_all(export::dot::render(&graph).as_bytes())?;
    Ok(())
}
