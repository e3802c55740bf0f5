//! `atomdoc mv`, `atomdoc fix`, `atomdoc undo`, and the recovery of an interrupted one that
//! runs before every command: flags → a plan (`refactor::plan`) → a diff or the change
//! carried out (`refactor::disk`) → a summary.

use std::collections::{HashMap, HashSet};
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::bail;
use clap::{Args, ValueEnum};

use super::{GlobalArgs, cache_mode, load};
use crate::boundary::git::{Blob, Git, Node, ObjectId};
use crate::boundary::owned::Owned;
use crate::boundary::read;
use crate::config;
use crate::corpus::BrokenReason;
use crate::refactor::disk::{self, DiskSources};
use crate::refactor::fix;
use crate::refactor::{LinkFix, Plan, RefactorError, plan_link_fixes, plan_move};
use crate::render::{self, refactor::count};
use crate::store::CacheMode;
use crate::workspace::Workspace;

#[derive(Debug, Clone, Args)]
pub struct MvArgs {
    /// The document or folder to move (relative to the current folder inside the repository,
    /// else to the repository)
    pub src: PathBuf,
    /// Its new path; an existing folder: move into it
    pub dst: PathBuf,
    /// Print the change as a unified diff and change nothing
    #[arg(long)]
    pub dry_run: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Select {
    /// Links to a file that does not exist
    Missing,
    /// Links to a heading that does not exist
    Anchor,
    /// Template placeholders (listed, never fixed)
    Placeholder,
    /// Links leaving the repository (listed, never fixed)
    Outside,
}

impl Select {
    fn reason(self) -> BrokenReason {
        match self {
            Select::Missing => BrokenReason::Missing,
            Select::Anchor => BrokenReason::Anchor,
            Select::Placeholder => BrokenReason::Placeholder,
            Select::Outside => BrokenReason::Outside,
        }
    }
}

#[derive(Debug, Clone, Args)]
pub struct FixArgs {
    /// Which broken links to look at
    #[arg(long, value_enum, value_delimiter = ',', default_values_t = [Select::Missing, Select::Anchor, Select::Placeholder, Select::Outside])]
    pub select: Vec<Select>,
    /// Only documents in this category or category/subcategory
    #[arg(long = "in", value_name = "CATEGORY")]
    pub within: Option<String>,
    /// Print the change as a unified diff and change nothing
    #[arg(long)]
    pub dry_run: bool,
}

/// The cache folder that holds the journal; `mv` and `fix` refuse to run without one.
fn journal_cache(global: &GlobalArgs, workspace: &Workspace, what: &str) -> anyhow::Result<Owned> {
    let cwd = std::env::current_dir()?;
    let mode = cache_mode(global, &workspace.location, &workspace.config, &cwd)?;
    match (mode, &workspace.report.cache) {
        (CacheMode::Disk(dir), Some(_)) => Ok(Owned::new(&dir, &workspace.location.repo)),
        (CacheMode::Memory, _) => bail!(
            "`atomdoc {what}` keeps a journal in the cache folder so that a crash never leaves the tree half-changed; run it without --no-cache (or preview it with --dry-run)"
        ),
        (CacheMode::Disk(dir), None) => bail!(
            "`atomdoc {what}` keeps a journal in the cache folder, and {} cannot be used (see the warning above); fix it or choose another with --cache-dir (or preview with --dry-run)",
            dir.display()
        ),
    }
}

/// Completes or rolls back an operation a crash interrupted, before anything reads the tree.
/// With `--no-cache` (nothing written), a pending journal in the default cache folder stops
/// the command instead.
pub fn recover(global: &GlobalArgs) -> anyhow::Result<()> {
    let cwd = std::env::current_dir()?;
    let Ok((location, config)) =
        config::locate(global.repo.as_deref(), global.root.as_deref(), &cwd)
    else {
        // The command itself reports what is wrong with the repository.
        return Ok(());
    };
    if global.no_cache {
        let default = location.repo.join(crate::store::DEFAULT_DIR);
        if disk::pending(&default) {
            bail!(
                "an interrupted `atomdoc mv` or `fix` left its journal in {}; run any atomdoc command without --no-cache first, to complete or roll it back",
                default.display()
            );
        }
        return Ok(());
    }
    let Ok(CacheMode::Disk(dir)) = cache_mode(global, &location, &config, &cwd) else {
        return Ok(());
    };
    let owned = Owned::new(&dir, &location.repo);
    if let Some(message) = disk::recover(&location.repo, &owned)? {
        let _ = writeln!(std::io::stderr(), "{}", render::sanitize(&message));
    }
    Ok(())
}

/// A path the user typed, repo-relative: relative to the current folder when that lies in the
/// repository, else to the repository.
fn repo_path(repo: &Path, typed: &Path) -> anyhow::Result<String> {
    let cwd = std::env::current_dir()?;
    let repo_abs = read::absolute(repo);
    let base = if cwd.starts_with(&repo_abs)
        || read::canonical(&cwd)
            .is_ok_and(|c| read::canonical(&repo_abs).is_ok_and(|r| c.starts_with(r)))
    {
        cwd.clone()
    } else {
        repo_abs.clone()
    };
    let joined = base.join(typed);
    let rel = joined
        .strip_prefix(&repo_abs)
        .ok()
        .map(Path::to_path_buf)
        .or_else(|| {
            let c = read::canonical(&repo_abs).ok()?;
            let b = read::canonical(&base).ok()?;
            b.join(typed).strip_prefix(&c).ok().map(Path::to_path_buf)
        });
    let normal = rel
        .and_then(|r| r.to_str().map(|s| s.replace('\\', "/")))
        .and_then(|s| crate::relpath::normalize(&s));
    match normal {
        Some(p) => Ok(p),
        None => bail!(
            "`{}` is not inside the repository {}; name a path in it",
            typed.display(),
            repo.display()
        ),
    }
}

/// `atomdoc mv SRC DST`.
pub fn mv(global: &GlobalArgs, args: &MvArgs) -> anyhow::Result<u8> {
    let workspace = load(global)?;
    // A file atomdoc could not read may link to what moves: its links could not be kept.
    if let Some(w) = workspace.corpus.warnings.iter().find(|w| w.skipped) {
        bail!(
            "`{}` could not be read ({}), so its links could not be rewritten; fix it (or raise `max_file_bytes` under [limits] in atomdoc.toml) before moving",
            render::sanitize(&w.path),
            render::sanitize(&w.message)
        );
    }
    let repo = workspace.location.repo.clone();
    let src = repo_path(&repo, &args.src)?;
    let mut dst = repo_path(&repo, &args.dst)?;
    if read::is_real_dir(&repo.join(&dst)) {
        let name = src.rsplit('/').next().unwrap_or(&src);
        dst = format!("{dst}/{name}");
    }
    for (path, what) in [(&src, "SRC"), (&dst, "DST")] {
        if read::symlink_metadata(&repo.join(path)).is_ok_and(|m| m.file_type().is_symlink()) {
            bail!("{what} `{path}` is a symlink; atomdoc moves real files and folders only");
        }
    }
    if read::symlink_metadata(&repo.join(&dst)).is_ok() {
        bail!(RefactorError::Exists { path: dst });
    }
    let sources = DiskSources::of(&workspace);
    let plan = plan_move(&workspace.corpus, &sources, &src, &dst)?;
    let command = format!("atomdoc mv {src} {dst}");
    let files = disk::count_files(&repo, &src);
    let summary = format!(
        "moved {}, rewrote {} in {}",
        count(files, "file"),
        count(plan.links(), "link"),
        count(plan.edits.len(), "file")
    );
    finish(
        global,
        &workspace,
        "mv",
        &command,
        &plan,
        &sources,
        args.dry_run,
        &summary,
    )
}

/// Prints the diff (`--dry-run`) or carries the plan out, reloads the tree (refreshing the
/// cache) and prints the summary.
#[allow(clippy::too_many_arguments)]
fn finish(
    global: &GlobalArgs,
    workspace: &Workspace,
    what: &str,
    command: &str,
    plan: &Plan,
    sources: &DiskSources,
    dry_run: bool,
    summary: &str,
) -> anyhow::Result<u8> {
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    if dry_run {
        render::refactor::diff(&mut out, plan, &|p| sources.get(p))?;
        out.flush()?;
        let _ = writeln!(std::io::stderr(), "dry run: would have {summary}");
        return Ok(super::exit::OK);
    }
    if plan.is_empty() {
        writeln!(out, "{summary}")?;
        return Ok(super::exit::OK);
    }
    let cache = journal_cache(global, workspace, what)?;
    let before = health(workspace);
    disk::carry_out(
        &workspace.location.repo,
        &cache,
        command,
        &workspace.corpus.root,
        plan,
        sources,
    )?;
    writeln!(out, "{summary}")?;
    out.flush()?;
    // Load again: the cache learns the new tree now, and a link the change broke shows.
    let after = load(global)?;
    let now = health(&after);
    if now.0 > before.0 || now.1 < before.1 {
        let _ = writeln!(
            std::io::stderr(),
            "warning: broken links went from {} to {} and link edges from {} to {}; `atomdoc undo` reverts the change",
            before.0,
            now.0,
            before.1,
            now.1
        );
    }
    Ok(super::exit::OK)
}

/// Broken links and link edges (referrers' included): a change must not make the first grow
/// or the second shrink.
fn health(workspace: &Workspace) -> (usize, usize) {
    let stats = crate::graph::Stats::compute(&workspace.corpus, workspace.graph());
    (stats.broken.values().sum(), stats.edges.values().sum())
}

/// `atomdoc fix`.
pub fn fix(global: &GlobalArgs, args: &FixArgs) -> anyhow::Result<u8> {
    let workspace = load(global)?;
    let corpus = &workspace.corpus;
    if let Some(scope) = &args.within
        && !corpus.has_scope(scope)
    {
        bail!(
            "unknown category `{scope}` after --in; categories are: {}",
            corpus.categories().join(", ")
        );
    }
    let select: Vec<BrokenReason> = args.select.iter().map(|s| s.reason()).collect();
    let moved = git_moves(&workspace);
    let (fixes, left) = fix::sure_fixes(corpus, &select, args.within.as_deref(), Some(&moved));
    let sources = DiskSources::of(&workspace);
    let wanted: Vec<LinkFix> = fixes
        .iter()
        .map(|f| LinkFix {
            origin: f.origin,
            index: f.index,
            path: f.path.clone(),
            fragment: f.fragment.clone(),
        })
        .collect();
    let plan = plan_link_fixes(corpus, &sources, &wanted)?;
    // The listing: what is fixed and why, what is left and why.
    let listing = {
        let mut text = Vec::new();
        for f in &fixes {
            let link = corpus.link(f.origin, f.index);
            let new = match (&f.path, &f.fragment) {
                (Some(p), Some(fr)) => format!("{p}#{fr}"),
                (Some(p), None) => p.clone(),
                (None, Some(fr)) => format!("#{fr}"),
                (None, None) => String::new(),
            };
            writeln!(
                text,
                "fixed {}:{}:{}: {} → {} ({})",
                render::sanitize(corpus.origin_path(f.origin)),
                link.line,
                link.column,
                render::sanitize(&link.target),
                render::sanitize(&new),
                render::sanitize(&f.why)
            )?;
        }
        let mut suggester = crate::search::suggest::Suggester::new(corpus);
        for l in &left {
            let link = corpus.link(l.origin, l.index);
            let hint = match (&l.why, l.origin) {
                (fix::Why::NoCandidate, crate::corpus::LinkOrigin::Doc(doc)) => {
                    let maybe = suggester.for_link(doc, link);
                    if maybe.is_empty() {
                        String::new()
                    } else {
                        format!(" (did you mean: {}?)", maybe.join(", "))
                    }
                }
                _ => String::new(),
            };
            writeln!(
                text,
                "left  {}:{}:{}: {}: {}{}",
                render::sanitize(corpus.origin_path(l.origin)),
                link.line,
                link.column,
                render::sanitize(&link.target),
                render::sanitize(&l.why.describe()),
                render::sanitize(&hint)
            )?;
        }
        String::from_utf8_lossy(&text).into_owned()
    };
    let mut reasons: Vec<(&str, usize)> = Vec::new();
    for l in &left {
        match reasons.iter_mut().find(|(r, _)| *r == l.why.as_str()) {
            Some((_, n)) => *n += 1,
            None => reasons.push((l.why.as_str(), 1)),
        }
    }
    let left_summary = if left.is_empty() {
        String::new()
    } else {
        format!(
            "; left {} ({})",
            left.len(),
            reasons
                .iter()
                .map(|(r, n)| format!("{n} {r}"))
                .collect::<Vec<_>>()
                .join(", ")
        )
    };
    let summary = format!(
        "fixed {} in {}{left_summary}",
        count(plan.links(), "link"),
        count(plan.edits.len(), "file")
    );
    if args.dry_run {
        let _ = write!(std::io::stderr(), "{listing}");
    } else {
        let stdout = std::io::stdout();
        write!(stdout.lock(), "{listing}")?;
    }
    finish(
        global,
        &workspace,
        "fix",
        "atomdoc fix",
        &plan,
        &sources,
        args.dry_run,
        &summary,
    )
}

/// `atomdoc undo`.
pub fn undo(global: &GlobalArgs) -> anyhow::Result<u8> {
    let workspace = load(global)?;
    let cache = journal_cache(global, &workspace, "undo")?;
    let (command, done) = disk::undo(&workspace.location.repo, &cache)?;
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    writeln!(
        out,
        "undid `{}`: restored {}, reverted {}",
        render::sanitize(&command),
        count(done.files_edited, "file"),
        count(done.moves, "move")
    )?;
    out.flush()?;
    load(global)?;
    Ok(super::exit::OK)
}

/// Where git says documents went, for `fix`: the documents of HEAD and of the default base
/// (the merge base with the default branch) that are gone from the tree, matched with the
/// documents that appeared since, by `moves::moves` (the detection `diff` uses). Empty when
/// the tree is not in a git repository or has no commits.
struct GitMoves(HashMap<String, String>);

impl fix::MovedFiles for GitMoves {
    fn moved_to(&self, path: &str) -> Option<String> {
        self.0.get(path).cloned()
    }
}

fn git_moves(workspace: &Workspace) -> GitMoves {
    let mut found = HashMap::new();
    let Ok(git) = Git::open(&workspace.location.repo) else {
        return GitMoves(found);
    };
    let Some(head) = git.head() else {
        return GitMoves(found);
    };
    let mut commits = vec![head.clone()];
    if let Ok(base) = git.default_base(&head)
        && base.id != head.id
    {
        commits.push(base);
    }
    let corpus = &workspace.corpus;
    let now: HashSet<&str> = corpus.docs.iter().map(|d| d.path.as_str()).collect();
    let texts = workspace.sources();
    let root = corpus.root.as_str();
    let under_root =
        |p: &str| root.is_empty() || p.strip_prefix(root).is_some_and(|r| r.starts_with('/'));
    for commit in commits {
        let Ok(entries) = git.list(&commit) else {
            continue;
        };
        let mut then: HashSet<String> = HashSet::new();
        let mut gone: Vec<(String, ObjectId)> = Vec::new();
        for e in entries {
            if let (Some(path), Node::File(id)) = (e.path, e.node)
                && path.ends_with(".md")
                && under_root(&path)
            {
                if !now.contains(path.as_str()) {
                    gone.push((path.clone(), id));
                }
                then.insert(path);
            }
        }
        if gone.is_empty() {
            continue;
        }
        let ids: Vec<ObjectId> = gone.iter().map(|(_, id)| *id).collect();
        let blobs = git.read_blobs(&ids, workspace.config.limits.max_file_bytes);
        let removed_text: Vec<(String, String)> = gone
            .into_iter()
            .zip(blobs)
            .filter_map(|((path, _), blob)| match blob {
                Blob::Bytes(bytes) => Some((path, String::from_utf8_lossy(&bytes).into_owned())),
                _ => None,
            })
            .collect();
        let removed: Vec<(&str, &str)> = removed_text
            .iter()
            .map(|(p, t)| (p.as_str(), t.as_str()))
            .collect();
        let added: Vec<(&str, &str)> = corpus
            .docs
            .iter()
            .filter(|d| !then.contains(&d.path))
            .filter_map(|d| texts.get(&d.path).map(|t| (d.path.as_str(), t.as_str())))
            .collect();
        for m in crate::moves::moves(&removed, &added) {
            found.entry(m.from).or_insert(m.to);
        }
    }
    GitMoves(found)
}
