//! `atomdoc diff [BASE] [HEAD]`: what a change does to the docs graph, between two git
//! revisions (the head defaulting to the work tree), and `check --base REV`, the findings new
//! since a revision. Loads both sides, runs the checks on each, compares them
//! (`crate::diff`), renders the report and sets the exit status.

use std::io::Write;
use std::path::PathBuf;

use anyhow::Context;
use clap::{Args, ValueEnum};

use super::{GlobalArgs, exit, load, print_notices, report_warnings};
use crate::boundary::git::{Commit, Git};
use crate::check::Settings;
use crate::check::coverage::SummaryRow;
use crate::diff::{self, Report, Rev, Side};
use crate::render;
use crate::render::diagnostics::Outcome;
use crate::workspace::Workspace;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DiffFormat {
    /// For people: a headline, then what changed, kind by kind
    Table,
    /// One object: documents, broken, orphans, edges, pairs, diagnostics, coverage, summary
    Json,
    /// A pull-request comment (headline, tables, long lists folded, under 65,536 characters)
    Markdown,
    /// GitHub Actions annotations of the new findings
    Github,
    /// SARIF 2.1.0 of the new findings
    Sarif,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    /// A new broken link (broken by a move too)
    Broken,
    /// A new orphan
    Orphans,
    /// A new finding of the checks (error or warning)
    Findings,
    /// Never fail
    None,
}

#[derive(Debug, Clone, Args)]
pub struct DiffArgs {
    /// The base revision [default: the merge base of HEAD with origin/HEAD, else main, else
    /// master]
    #[arg(value_name = "BASE", conflicts_with = "base")]
    pub base_rev: Option<String>,
    /// The head revision [default: the work tree, uncommitted changes included]
    #[arg(value_name = "HEAD", conflicts_with = "head")]
    pub head_rev: Option<String>,
    /// The base revision (anything `git rev-parse` takes)
    #[arg(long, value_name = "REV")]
    pub base: Option<String>,
    /// The head revision (anything `git rev-parse` takes) [default: the work tree]
    #[arg(long, value_name = "REV")]
    pub head: Option<String>,
    #[arg(long, value_enum, default_value_t = DiffFormat::Table)]
    pub format: DiffFormat,
    /// Exit with status 1 when the change adds any of these (comma-separated)
    #[arg(
        long,
        value_enum,
        value_delimiter = ',',
        default_value = "broken,orphans"
    )]
    pub fail_on: Vec<FailOn>,
}

/// One side of the comparison, loaded and checked.
pub struct Loaded {
    pub rev: Rev,
    pub workspace: Workspace,
    pub report: crate::check::Report,
    pub coverage: Vec<SummaryRow>,
}

impl Loaded {
    fn side(&self) -> Side<'_> {
        Side {
            corpus: &self.workspace.corpus,
            graph: self.workspace.graph(),
            texts: self.workspace.sources(),
            diagnostics: &self.report.diagnostics,
            coverage: &self.coverage,
        }
    }
}

/// The repository the global flags name (`--repo`, else the one discovery finds, as every
/// command does: `config::discover_repo`).
fn repository(global: &GlobalArgs) -> anyhow::Result<PathBuf> {
    let cwd = std::env::current_dir()?;
    Ok(match &global.repo {
        Some(r) => cwd.join(r),
        None => crate::config::discover_repo(&cwd, global.root.as_deref()),
    })
}

/// Runs the checks and the coverage summary of a loaded tree. With `like`, the other side
/// already checked with the same settings, only what differs is checked again
/// ([`diff::check_like`]).
fn checked(rev: Rev, workspace: Workspace, like: Option<&Loaded>) -> anyhow::Result<Loaded> {
    let corpus = &workspace.corpus;
    let sources = workspace.sources();
    let template = |w: &Workspace| {
        w.corpus
            .template
            .as_ref()
            .and_then(|t| w.sources().get(&t.path))
            .cloned()
    };
    let settings = Settings::new(&workspace.config, template(&workspace).as_deref())
        .with_context(|| format!("in {}", rev.rev))?;
    let same_settings = |other: &Loaded| {
        let w = &other.workspace;
        w.location.root == workspace.location.root
            && template(w) == template(&workspace)
            && serde_json::to_string(&w.config).ok()
                == serde_json::to_string(&workspace.config).ok()
    };
    let report = match like.filter(|l| same_settings(l)) {
        Some(other) => {
            let known = diff::Checked {
                corpus: &other.workspace.corpus,
                graph: other.workspace.graph(),
                sources: other.workspace.sources(),
                report: &other.report,
            };
            diff::check_like(&known, (corpus, workspace.graph(), sources), &settings)
        }
        None => crate::check::check(corpus, workspace.graph(), sources, &settings),
    };
    let coverage = crate::check::coverage::summary(corpus, workspace.graph(), &report);
    Ok(Loaded {
        rev,
        workspace,
        report,
        coverage,
    })
}

fn rev_of(commit: &Commit) -> Rev {
    Rev {
        rev: commit.spec.clone(),
        commit: Some(commit.id.clone()),
    }
}

/// Loads the base revision `base` (the default base when `None`) and the head (`head`, or
/// the work tree: `work_tree` when already loaded), parsing each document text once.
fn load_both(
    global: &GlobalArgs,
    base: Option<&str>,
    head: Option<&str>,
    work_tree: Option<Workspace>,
) -> anyhow::Result<((Rev, Workspace), (Rev, Workspace))> {
    let repo = match &work_tree {
        Some(w) => w.location.repo.clone(),
        None => repository(global)?,
    };
    let git = Git::open(&repo)?;
    let head_commit = match head {
        Some(spec) => Some(git.resolve(spec)?),
        None => git.head(),
    };
    let base_commit = match (base, &head_commit) {
        (Some(spec), _) => git.resolve(spec)?,
        (None, Some(h)) => git.default_base(h)?,
        (None, None) => anyhow::bail!(
            "the repository has no commit yet: there is nothing to compare with; commit first, or pass the base revision"
        ),
    };
    let root = global.root.as_deref();
    match (head, work_tree) {
        (Some(_), _) => {
            let head_commit = head_commit.expect("resolved above");
            let base = Workspace::at_revision(&git, base_commit.clone(), &repo, root, None)?;
            let head = Workspace::at_revision(&git, head_commit.clone(), &repo, root, Some(&base))?;
            Ok(((rev_of(&base_commit), base), (rev_of(&head_commit), head)))
        }
        (None, work_tree) => {
            let head = match work_tree {
                Some(w) => w,
                None => load(global)?,
            };
            let base = Workspace::at_revision(&git, base_commit.clone(), &repo, root, Some(&head))?;
            let work = Rev {
                rev: "work tree".into(),
                commit: None,
            };
            Ok(((rev_of(&base_commit), base), (work, head)))
        }
    }
}

/// Prints a revision's file warnings, each path named `REV:path`; whether one skipped a file.
fn revision_warnings(side: &Loaded) -> bool {
    let mut err = std::io::stderr().lock();
    for w in &side.workspace.corpus.warnings {
        let _ = writeln!(
            err,
            "warning: {}:{}: {}",
            render::sanitize(&side.rev.rev),
            render::sanitize(&w.path),
            render::sanitize(&w.message)
        );
    }
    side.workspace.corpus.warnings.iter().any(|w| w.skipped)
}

pub fn run(global: &GlobalArgs, args: DiffArgs) -> anyhow::Result<u8> {
    let base = args.base.as_deref().or(args.base_rev.as_deref());
    let head = args.head.as_deref().or(args.head_rev.as_deref());
    let ((base_rev, base), (head_rev, head)) = load_both(global, base, head, None)?;
    // The side loaded first is checked whole, the other one where it differs.
    let (base, head) = if head_rev.commit.is_none() {
        let head = checked(head_rev, head, None)?;
        (checked(base_rev, base, Some(&head))?, head)
    } else {
        let base = checked(base_rev, base, None)?;
        let head = checked(head_rev, head, Some(&base))?;
        (base, head)
    };
    let diff = diff::compare(&base.side(), &head.side());
    let report = Report::new(
        base.rev.clone(),
        head.rev.clone(),
        diff,
        &base.workspace.corpus,
        &head.workspace.corpus,
    );
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let outcome = Outcome {
        diagnostics: &report.diff.diagnostics_new,
        checked: head.report.checked.len(),
        suppressed: 0,
        baselined: 0,
        since: None,
    };
    match args.format {
        DiffFormat::Table => render::diff::table(&mut out, &report, &super::term())?,
        DiffFormat::Json => render::diff::json(&mut out, &report)?,
        DiffFormat::Markdown => render::diff::markdown(&mut out, &report)?,
        DiffFormat::Github => render::diagnostics::github::render(&mut out, &outcome)?,
        DiffFormat::Sarif => render::diagnostics::sarif::render(&mut out, &outcome)?,
    }
    out.flush()?;
    print_notices(&head.workspace);
    let mut skipped = revision_warnings(&base);
    skipped |= match head.rev.commit {
        Some(_) => revision_warnings(&head),
        None => report_warnings(&head.workspace) != exit::OK,
    };
    let s = &report.summary;
    let worse = args.fail_on.iter().any(|f| match f {
        FailOn::Broken => s.broken_new + s.broken_by_move > 0,
        FailOn::Orphans => s.orphans_new > 0,
        FailOn::Findings => s.diagnostics_new > 0,
        FailOn::None => false,
    });
    Ok(if worse {
        exit::FINDINGS
    } else if skipped {
        exit::PARTIAL
    } else {
        exit::OK
    })
}

/// `check --base REV`: of the work tree's findings (`head`, as `check` filtered them), those
/// new since `base` (documents followed through moves), and how many the base already had.
pub fn new_since(
    global: &GlobalArgs,
    base: &str,
    head: super::check::Checked,
) -> anyhow::Result<(Workspace, Vec<crate::check::Diagnostic>, usize)> {
    let ((base_rev, base), (head_rev, workspace)) =
        load_both(global, Some(base), None, Some(head.workspace))?;
    // The work tree's findings may be only those of the paths asked for: check the base whole.
    let base = checked(base_rev, base, None)?;
    let head = Loaded {
        rev: head_rev,
        workspace,
        report: head.report,
        coverage: Vec::new(),
    };
    let diff = diff::compare(&base.side(), &head.side());
    let known = head.report.diagnostics.len() - diff.diagnostics_new.len();
    revision_warnings(&base);
    Ok((head.workspace, diff.diagnostics_new, known))
}
