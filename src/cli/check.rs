//! `atomdoc check` and `atomdoc coverage`: flags → [`check::Settings`] → findings → a
//! renderer, and the exit status. Reads document sources through `corpus::scan` and writes
//! nothing but the baseline file where `--write-baseline` says (by the rules of
//! [`crate::boundary::output`]).

use std::io::Write;
use std::path::PathBuf;

use anyhow::{Context, bail};
use clap::{Args, ValueEnum};

use super::{exit, load_graph, report_warnings};
use crate::boundary::output;
use crate::boundary::read::{self, Links};
use crate::check::{self, Baseline, Checks, Report, Settings, Totals};
use crate::render;
use crate::render::diagnostics::Outcome;
use crate::workspace::Workspace;

/// A baseline file is at most this long (a recorded finding is a few dozen bytes).
const MAX_BASELINE_BYTES: u64 = 64 * 1024 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CheckFormat {
    /// rustc/ruff style, with the source line and a caret
    Human,
    Json,
    /// GitHub Actions workflow-command annotations
    Github,
    /// SARIF 2.1.0
    Sarif,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Deny {
    /// Warnings fail the run too (exit status 1)
    Warnings,
}

#[derive(Debug, Clone, Args)]
pub struct CheckArgs {
    /// Only check these documents or folders (relative to the current folder, else to the
    /// repository, else to the docs root)
    #[arg(value_name = "PATH")]
    pub paths: Vec<String>,
    #[arg(long, value_enum, default_value_t = CheckFormat::Human)]
    pub format: CheckFormat,
    /// Fail on warnings as well as errors
    #[arg(long, value_enum, value_name = "WHAT")]
    pub deny: Option<Deny>,
    /// Explain a rule (AD001 …); with PATHs, also which heading met which required section
    #[arg(long, value_name = "CODE")]
    pub explain: Option<String>,
    /// Report only findings not recorded in this baseline file
    #[arg(long, value_name = "FILE", conflicts_with = "write_baseline")]
    pub baseline: Option<PathBuf>,
    /// Record today's findings in FILE (written atomically) and exit 0
    #[arg(long, value_name = "FILE")]
    pub write_baseline: Option<PathBuf>,
    /// Only these rules: codes, code prefixes or names, comma-separated (AD005, AD01, orphan,
    /// ALL); replaces `enable` of atomdoc.toml
    #[arg(long, value_delimiter = ',', value_name = "RULES")]
    pub select: Vec<String>,
    /// Not these rules: codes, code prefixes or names, comma-separated
    #[arg(long, value_delimiter = ',', value_name = "RULES")]
    pub ignore: Vec<String>,
    /// Count the findings per rule instead of listing them (human or JSON)
    #[arg(long, conflicts_with_all = ["write_baseline", "explain"])]
    pub statistics: bool,
    /// Report only findings new since this git revision (documents followed through moves):
    /// the ratchet for pull requests, instead of a baseline file
    #[arg(long, value_name = "REV", conflicts_with_all = ["baseline", "write_baseline"])]
    pub base: Option<String>,
}

/// The rules `--select` and `--ignore` choose.
#[derive(Debug, Clone, Default)]
pub struct RuleChoice {
    pub select: Vec<String>,
    pub ignore: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CoverageFormat {
    Table,
    Json,
}

#[derive(Debug, Clone, Args)]
pub struct CoverageArgs {
    /// List the documents of this category (or category/subcategory) that miss required sections
    #[arg(value_name = "CATEGORY")]
    pub category: Option<String>,
    /// Category × required section: the share of documents that have it
    #[arg(long, conflicts_with_all = ["taxonomy", "category"])]
    pub matrix: bool,
    /// The subcategories the template names, present or missing in the tree
    #[arg(long, conflicts_with = "category")]
    pub taxonomy: bool,
    #[arg(long, value_enum, default_value_t = CoverageFormat::Table)]
    pub format: CoverageFormat,
}

/// A loaded tree with its check settings and sources, ready to check.
pub struct Checked {
    pub workspace: Workspace,
    pub settings: Settings,
    pub report: Report,
}

/// Loads the tree, validates `[check]` (with the rules `choice` selects), reads the sources
/// and runs the rules.
pub fn run_checks(
    global: &super::GlobalArgs,
    only: &[String],
    choice: &RuleChoice,
) -> anyhow::Result<Checked> {
    let mut config = None;
    if !choice.select.is_empty() || !choice.ignore.is_empty() {
        // Validate the selectors before loading the tree: a typo costs nothing.
        for s in choice.select.iter().chain(&choice.ignore) {
            check::rules::matching(s).map_err(anyhow::Error::msg)?;
        }
    }
    // The rules read the files' raw text (`Workspace::sources`), not the parsed text.
    let workspace = load_graph(global)?;
    if !choice.select.is_empty() || !choice.ignore.is_empty() {
        let mut chosen = workspace.config.clone();
        check::rules::apply_selection(&mut chosen.check, &choice.select, &choice.ignore)
            .map_err(anyhow::Error::msg)?;
        config = Some(chosen);
    }
    let sources = workspace.sources();
    let corpus = &workspace.corpus;
    let Checks {
        settings,
        mut report,
    } = Checks::run(
        corpus,
        workspace.graph(),
        config.as_ref().unwrap_or(&workspace.config),
        sources,
    )?;
    if !only.is_empty() {
        // Each path as the user means it: from the current folder, else the repository,
        // else the docs root.
        let cwd = std::env::current_dir()?;
        let wanted = only
            .iter()
            .map(|p| workspace.location.user_path(p, &cwd))
            .collect::<Result<Vec<_>, _>>()
            .map_err(anyhow::Error::msg)?;
        let matches = |path: &str| {
            wanted.iter().any(|p| {
                p.is_empty()
                    || path == p
                    || path
                        .strip_prefix(p.as_str())
                        .is_some_and(|r| r.starts_with('/'))
            })
        };
        if !report.checked.iter().any(|p| matches(p)) {
            let root = &corpus.root;
            bail!(
                "no checked document matches {} (read as {}); give paths of documents or folders under {}",
                only.join(", "),
                wanted.join(", "),
                if root.is_empty() {
                    "the repository"
                } else {
                    root
                }
            );
        }
        report.checked.retain(|p| matches(p));
        report.diagnostics.retain(|d| matches(&d.path));
    }
    Ok(Checked {
        workspace,
        settings,
        report,
    })
}

pub fn check_command(global: &super::GlobalArgs, args: CheckArgs) -> anyhow::Result<u8> {
    if let Some(code) = &args.explain {
        return explain(global, code, &args.paths);
    }
    if args.statistics && matches!(args.format, CheckFormat::Github | CheckFormat::Sarif) {
        bail!("--statistics prints a table (--format human) or JSON (--format json)");
    }
    let choice = RuleChoice {
        select: args.select.clone(),
        ignore: args.ignore.clone(),
    };
    let checked = run_checks(global, &args.paths, &choice)?;
    if let Some(base) = &args.base {
        let (documents, suppressed) = (checked.report.checked.len(), checked.report.suppressed);
        let (workspace, mut diagnostics, known) = super::diff::new_since(global, base, checked)?;
        check::rules::suggest_fixes(&workspace.corpus, &mut diagnostics);
        let outcome = Outcome {
            diagnostics: &diagnostics,
            checked: documents,
            suppressed,
            baselined: known,
            since: Some(base),
        };
        return render_findings(&workspace, &args, &outcome);
    }
    let Checked {
        workspace, report, ..
    } = checked;
    if let Some(path) = &args.write_baseline {
        let baseline = Baseline::record(&report.diagnostics);
        match output::Target::parse(path) {
            output::Target::Stdout => {
                let mut out = std::io::stdout().lock();
                out.write_all(baseline.to_json().as_bytes())?;
                out.flush()?;
            }
            output::Target::File(file) => {
                output::write(&file, &workspace.location, baseline.to_json().as_bytes())
                    .map_err(|e| anyhow::anyhow!("baseline: {e}"))?
            }
        }
        let mut err = std::io::stderr().lock();
        writeln!(
            err,
            "wrote {} findings ({} entries) to {}",
            report.diagnostics.len(),
            baseline.findings.len(),
            path.display()
        )?;
        return Ok(report_warnings(&workspace));
    }
    let (mut diagnostics, baselined) = match &args.baseline {
        Some(path) => {
            let links = Links::named(&workspace.location.repo, path);
            let text = read::read_text(path, links, MAX_BASELINE_BYTES).with_context(|| {
                format!(
                    "cannot read baseline {}; create it with --write-baseline {}",
                    path.display(),
                    path.display()
                )
            })?;
            let baseline = Baseline::parse(&text)
                .map_err(|e| anyhow::anyhow!("baseline {}: {e}", path.display()))?;
            baseline.filter(report.diagnostics)
        }
        None => (report.diagnostics, 0),
    };
    check::rules::suggest_fixes(&workspace.corpus, &mut diagnostics);
    let outcome = Outcome {
        diagnostics: &diagnostics,
        checked: report.checked.len(),
        suppressed: report.suppressed,
        baselined,
        since: None,
    };
    render_findings(&workspace, &args, &outcome)
}

/// Prints findings in the chosen format; the exit status.
fn render_findings(
    workspace: &Workspace,
    args: &CheckArgs,
    outcome: &Outcome,
) -> anyhow::Result<u8> {
    let stdout = std::io::stdout();
    let color = super::color_stdout();
    let mut out = stdout.lock();
    match args.format {
        _ if args.statistics => {
            let rows = render::diagnostics::statistics::statistics(outcome.diagnostics);
            if args.format == CheckFormat::Json {
                render::diagnostics::statistics::json(&mut out, &rows)?
            } else {
                render::diagnostics::statistics::table(&mut out, &super::term(), &rows, outcome)?
            }
        }
        CheckFormat::Human => {
            render::diagnostics::human::render(&mut out, outcome, workspace.sources(), color)?
        }
        CheckFormat::Json => render::diagnostics::json::render(&mut out, outcome)?,
        CheckFormat::Github => render::diagnostics::github::render(&mut out, outcome)?,
        CheckFormat::Sarif => render::diagnostics::sarif::render(&mut out, outcome)?,
    }
    out.flush()?;
    let totals: Totals = outcome.totals();
    let partial = report_warnings(workspace);
    if totals.errors > 0 || (args.deny.is_some() && totals.warnings > 0) {
        Ok(exit::FINDINGS)
    } else {
        Ok(partial)
    }
}

fn explain(global: &super::GlobalArgs, code: &str, paths: &[String]) -> anyhow::Result<u8> {
    let Some(rule) = check::rules::info(code) else {
        bail!(
            "unknown rule `{code}`; rules are AD001 to AD{:03}",
            check::RULES.len()
        );
    };
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    write!(out, "{}", check::rules::explanation(rule))?;
    if !matches!(rule.code, "AD003" | "AD008") {
        out.flush()?;
        return Ok(exit::OK);
    }
    // The section rules: say which card is in force and, for the given documents, which
    // heading met which requirement. Without a readable tree the text above is the answer.
    let checked = match run_checks(global, paths, &RuleChoice::default()) {
        Ok(c) => c,
        Err(e) if paths.is_empty() => {
            let _ = e;
            out.flush()?;
            return Ok(exit::OK);
        }
        Err(e) => return Err(e),
    };
    let req = &checked.settings.requirements;
    writeln!(
        out,
        "\nRequired sections in force (from {}):",
        match req.source {
            check::sections::Source::TreeTemplate => "the tree's TEMPLATE.md",
            check::sections::Source::Builtin => "the built-in template card",
        }
    )?;
    for (key, reqs) in &req.by_key {
        // Each requirement with its alternatives: "Configuration / Client Construction".
        let names: Vec<String> = reqs.iter().map(|r| r.alternatives.join(" / ")).collect();
        writeln!(out, "  {key}: {}", names.join(", "))?;
    }
    if !paths.is_empty() {
        for path in &checked.report.checked {
            let Some(id) = checked.workspace.corpus.doc_id(path) else {
                continue;
            };
            let doc = checked.workspace.corpus.doc(id);
            writeln!(out, "\n{}", render::sanitize(&doc.path))?;
            let matches = check::coverage::explain(&checked.settings, doc);
            if matches.is_empty() {
                writeln!(out, "  no required sections for this document's category")?;
            }
            for m in matches {
                match (&m.heading, m.line) {
                    (Some(h), Some(line)) => writeln!(
                        out,
                        "  {:<24} met by \"{}\" (line {line})",
                        m.requirement,
                        render::sanitize(h)
                    )?,
                    _ => writeln!(out, "  {:<24} missing", m.requirement)?,
                }
            }
        }
    }
    out.flush()?;
    Ok(exit::OK)
}

pub fn coverage_command(global: &super::GlobalArgs, args: CoverageArgs) -> anyhow::Result<u8> {
    let Checked {
        workspace,
        settings,
        report,
        ..
    } = run_checks(global, &[], &RuleChoice::default())?;
    let corpus = &workspace.corpus;
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let json = args.format == CoverageFormat::Json;
    if args.matrix {
        let rows = check::coverage::matrix(corpus, &report, &settings);
        if json {
            render::coverage::json(&mut out, &rows)?;
        } else {
            render::coverage::matrix_table(&mut out, &super::term(), &rows)?;
        }
    } else if args.taxonomy {
        let rows = check::coverage::taxonomy(corpus, &settings);
        if json {
            render::coverage::json(&mut out, &rows)?;
        } else {
            render::coverage::taxonomy_table(&mut out, &super::term(), &rows)?;
        }
    } else if let Some(name) = &args.category {
        let Some(scope) = corpus.scope(name) else {
            bail!(
                "no category `{}` in the tree; categories are: {}",
                name.trim_end_matches('/'),
                corpus.categories().join(", ")
            );
        };
        let mut rows =
            check::coverage::missing_sections(corpus, &report, &settings, Some(scope.category));
        rows.retain(|r| {
            scope.subcategory.is_none() || r.subcategory.as_deref() == scope.subcategory
        });
        if json {
            render::coverage::json(&mut out, &rows)?;
        } else {
            render::coverage::missing_table(&mut out, &super::term(), &rows)?;
        }
    } else {
        let rows = check::coverage::summary(corpus, workspace.graph(), &report);
        if json {
            render::coverage::json(&mut out, &rows)?;
        } else {
            render::coverage::summary_table(&mut out, &super::term(), &rows)?;
        }
    }
    out.flush()?;
    Ok(report_warnings(&workspace))
}
