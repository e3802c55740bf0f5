//! `atomdoc.toml` (serde) and its defaults; where the repository and the docs root are.
//!
//! Owns: finding the repository, reading the config file, merging command-line overrides.
//! Must not: read the docs tree (that is `corpus::scan`).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::boundary::read::{Kind, canonical, exists, kind};
use crate::corpus::dialect::{Dialect, Site};

/// The config file's name, looked for at the repository root.
pub const CONFIG_FILE: &str = "atomdoc.toml";
/// The docs root when neither `--root` nor `atomdoc.toml` names one.
pub const DEFAULT_ROOT: &str = "docs/atomic";

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read {path}: {reason}")]
    Read {
        path: PathBuf,
        reason: std::io::Error,
    },
    #[error("{path}: {message}")]
    Parse { path: PathBuf, message: String },
    #[error("repository folder `{0}` does not exist; pass --repo DIR with an existing folder")]
    NoRepo(PathBuf),
    #[error(
        "docs root `{root}` not found in {repo}; pass --root PATH (relative to the repository) or set `root = \"…\"` in {CONFIG_FILE}"
    )]
    NoRoot { root: String, repo: PathBuf },
    #[error(
        "docs root `{0}` is outside the repository (or reached through a symlink that leads out of it); --root must name a folder inside it"
    )]
    RootOutside(String),
    #[error(
        "docs root `{root}` in {repo} is a file, not a folder; pass --root with the folder that holds the Markdown files"
    )]
    RootNotFolder { root: String, repo: PathBuf },
}

/// Everything `atomdoc.toml` can say. Every table rejects unknown keys, so a typo is an error
/// that names the key.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// The docs root, relative to the repository.
    pub root: Option<String>,
    /// The cache folder, relative to the repository [default: `.atomdoc`].
    pub cache_dir: Option<String>,
    /// The site generator the tree is written for: `github`, `gitlab` or `mdbook`. Unset:
    /// `mdbook` when the docs root's parent folder holds a `book.toml`, else `github`.
    pub dialect: Option<Dialect>,
    pub links: LinksConfig,
    pub check: CheckConfig,
    pub limits: Limits,
}

/// Caps that keep a hostile or runaway tree from exhausting memory or time. A file over a cap
/// is skipped or trimmed with a warning that names it and the key to raise.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Limits {
    /// Files larger than this many bytes are skipped (not read) with a warning.
    pub max_file_bytes: u64,
    /// Links after this many in one file are dropped with a warning.
    pub max_links_per_file: usize,
}

impl Limits {
    /// 4 MiB: well above any hand-written document, and small enough that parsing the
    /// worst file costs a few hundred MB at most (Markdown parsing can take ~150 bytes of
    /// memory per byte; [`crate::corpus::PARSE_BATCH_BYTES`] is this size).
    pub const DEFAULT_MAX_FILE_BYTES: u64 = 4 << 20;
    pub const DEFAULT_MAX_LINKS_PER_FILE: usize = 1_000_000;
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_file_bytes: Limits::DEFAULT_MAX_FILE_BYTES,
            max_links_per_file: Limits::DEFAULT_MAX_LINKS_PER_FILE,
        }
    }
}

/// `[check]`: which template rules run, how severe they are, and what they expect.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CheckConfig {
    /// Document kinds the rules apply to (`topic`, `index`, `meta`).
    pub kinds: Vec<String>,
    /// When not empty, only these rules run.
    pub enable: Vec<String>,
    /// Rules that never run.
    pub disable: Vec<String>,
    /// Severity per rule code: `error`, `warning` or `off`.
    pub severity: BTreeMap<String, String>,
    /// Per-path ignores: a glob (matched against the repo-relative path and against the path
    /// relative to the docs root) → rule codes (`"*"` for all).
    pub ignore: BTreeMap<String, Vec<String>>,
    /// Required sections per category (`services`) or subcategory (`services/fastapi`);
    /// overrides the template's Quick Reference Card for that key.
    pub required_sections: BTreeMap<String, Vec<String>>,
    /// Fewest related links a document may have (the template asks for 2–3).
    pub min_related: usize,
    /// Headings of the template's reference-only sections, which a document must not keep.
    pub reference_sections: Vec<String>,
}

impl Default for CheckConfig {
    fn default() -> Self {
        CheckConfig {
            kinds: vec!["topic".into()],
            enable: Vec::new(),
            disable: Vec::new(),
            severity: BTreeMap::new(),
            ignore: BTreeMap::new(),
            required_sections: BTreeMap::new(),
            min_related: 2,
            reference_sections: vec![
                "Category-Specific Section Guide".into(),
                "Validation Checklist".into(),
            ],
        }
    }
}

/// How links are recognised.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LinksConfig {
    /// Inline code spans starting with one of these (repo-relative) are links.
    pub code_span_prefixes: Vec<String>,
    /// H2 names (case-insensitive) whose links are `related`.
    pub related_sections: Vec<String>,
    /// The site the tree is built into, resolved by [`locate`] from `dialect` and `book.toml`
    /// (not a key of the file; kept here because everything that reads links needs it).
    #[serde(skip_deserializing)]
    pub site: Site,
    /// Globs (relative to the repository) of the Markdown files outside the docs root that
    /// are read for their links into the docs: *referrers*. `[]` reads none.
    pub referrers: Vec<String>,
}

impl LinksConfig {
    /// The `referrers` globs as one matcher; the error names the bad glob.
    pub fn referrer_globs(&self) -> Result<globset::GlobSet, String> {
        let mut builder = globset::GlobSetBuilder::new();
        for glob in &self.referrers {
            let g = globset::GlobBuilder::new(glob)
                .literal_separator(true)
                .build()
                .map_err(|e| {
                    format!(
                        "[links] referrers: bad glob `{glob}`: {e}; write globs such as \"**/*.md\""
                    )
                })?;
            builder.add(g);
        }
        builder
            .build()
            .map_err(|e| format!("[links] referrers: {e}"))
    }
}

impl Default for LinksConfig {
    fn default() -> Self {
        LinksConfig {
            code_span_prefixes: vec!["docs/".into()],
            related_sections: [
                "Related Documents",
                "Related Documentation",
                "Related Materials",
                "Related Docs",
                "Related Links",
                "Related",
                "See Also",
            ]
            .map(String::from)
            .to_vec(),
            referrers: vec!["**/*.md".into()],
            site: Site::default(),
        }
    }
}

impl Config {
    /// Reads `atomdoc.toml` from `repo` when it exists; the defaults otherwise.
    pub fn load(repo: &Path) -> Result<Config, ConfigError> {
        Config::load_from(&DiskFiles(repo))
    }

    /// Reads `atomdoc.toml` from `files` (the disk or a git revision) when it exists; the
    /// defaults otherwise.
    pub fn load_from(files: &dyn ConfigFiles) -> Result<Config, ConfigError> {
        let path = files.name(CONFIG_FILE);
        match files.read(CONFIG_FILE, MAX_CONFIG_BYTES) {
            Ok(text) => {
                Config::parse(&text).map_err(|message| ConfigError::Parse { path, message })
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Config::default()),
            Err(reason) => Err(ConfigError::Read { path, reason }),
        }
    }

    pub fn parse(text: &str) -> Result<Config, String> {
        let config: Config =
            toml::from_str(text).map_err(|e| e.to_string().trim_end().to_string())?;
        config.links.referrer_globs()?;
        Ok(config)
    }
}

/// `atomdoc.toml` is at most this long: a config file, not a data file.
const MAX_CONFIG_BYTES: u64 = 1024 * 1024;

/// Where `atomdoc.toml`, `book.toml` and the docs root are looked up: the work tree on disk
/// ([`DiskFiles`]) or a git revision (`corpus::revision`). Paths are repo-relative and
/// normalised (`""` is the repository).
pub trait ConfigFiles {
    /// What `path` is; `None` when it does not exist.
    fn kind(&self, path: &str) -> Option<Kind>;
    /// The text of the file at `path`, at most `max` bytes (an error beyond); `NotFound` when
    /// it does not exist.
    fn read(&self, path: &str, max: u64) -> std::io::Result<String>;
    /// How messages name `path`.
    fn name(&self, path: &str) -> PathBuf;
    /// Whether the folder `path`, which exists, stays inside the repository.
    fn inside(&self, path: &str) -> bool;
}

/// The work tree on disk.
pub struct DiskFiles<'a>(pub &'a Path);

impl ConfigFiles for DiskFiles<'_> {
    fn kind(&self, path: &str) -> Option<Kind> {
        kind(&self.name(path))
    }

    /// The repository provides this file: a committed symlink to `/dev/zero` or to a file
    /// elsewhere must not hang atomdoc or leak another file's contents into an error message.
    fn read(&self, path: &str, max: u64) -> std::io::Result<String> {
        crate::boundary::read::read_text(
            &self.name(path),
            crate::boundary::read::Links::Inside(self.0),
            max,
        )
    }

    fn name(&self, path: &str) -> PathBuf {
        match path {
            "" => self.0.to_path_buf(),
            _ => self.0.join(path),
        }
    }

    /// A docs root reached through a symlink that leads out of the repository would make
    /// atomdoc read files outside it.
    fn inside(&self, path: &str) -> bool {
        match (canonical(self.0), canonical(&self.name(path))) {
            (Ok(r), Ok(d)) => d.starts_with(r),
            _ => false,
        }
    }
}

/// Where the tree is: the repository and the docs root inside it.
#[derive(Debug, Clone)]
pub struct Location {
    pub repo: PathBuf,
    /// Repo-relative, `/`-separated, no trailing slash; empty for the repository itself.
    pub root: String,
}

/// The repository for `start`: the nearest ancestor holding `.git` or `atomdoc.toml`, else
/// `start` itself.
pub fn discover_repo(start: &Path) -> PathBuf {
    start
        .ancestors()
        .find(|dir| exists(&dir.join(".git")) || exists(&dir.join(CONFIG_FILE)))
        .unwrap_or(start)
        .to_path_buf()
}

/// Resolves the repository and docs root from flags, config and defaults, and checks that the
/// docs root exists.
pub fn locate(
    repo_flag: Option<&Path>,
    root_flag: Option<&str>,
    cwd: &Path,
) -> Result<(Location, Config), ConfigError> {
    let repo = match repo_flag {
        Some(r) => {
            let r = cwd.join(r);
            if kind(&r) != Some(Kind::Dir) {
                return Err(ConfigError::NoRepo(r));
            }
            r
        }
        None => discover_repo(cwd),
    };
    let (root, config) = settle(&DiskFiles(&repo), &repo, root_flag)?;
    Ok((Location { repo, root }, config))
}

/// The settings and docs root of one tree, read from `files` (the work tree or a git
/// revision): `atomdoc.toml`, the root (`--root`, the config's `root`, an mdBook's source
/// folder, or `docs/atomic`), checked to be a folder inside the repository, and the site
/// (dialect, `book.toml`).
pub fn settle(
    files: &dyn ConfigFiles,
    repo: &Path,
    root_flag: Option<&str>,
) -> Result<(String, Config), ConfigError> {
    let mut config = Config::load_from(files)?;
    let raw_root = match root_flag
        .map(str::to_string)
        .or_else(|| config.root.clone())
    {
        Some(root) => root,
        // An mdBook at the repository root, without `docs/atomic`: its source folder.
        None if files.kind(DEFAULT_ROOT).is_none() => match read_book(files, "")? {
            Some(book) => book.book.src.unwrap_or_else(|| "src".to_string()),
            None => DEFAULT_ROOT.to_string(),
        },
        None => DEFAULT_ROOT.to_string(),
    };
    let root = normalize_root(repo, &raw_root)?;
    let repo_name = files.name("");
    match files.kind(&root) {
        Some(Kind::Dir) => {}
        Some(_) => {
            return Err(ConfigError::RootNotFolder {
                root: raw_root,
                repo: repo_name,
            });
        }
        None => {
            return Err(ConfigError::NoRoot {
                root: raw_root,
                repo: repo_name,
            });
        }
    }
    if !files.inside(&root) {
        return Err(ConfigError::RootOutside(raw_root));
    }
    config.links.site = site(files, &root, config.dialect)?;
    Ok((root, config))
}

fn normalize_root(repo: &Path, raw: &str) -> Result<String, ConfigError> {
    let path = Path::new(raw);
    let relative = if path.is_absolute() {
        let canon_repo = canonical(repo).unwrap_or_else(|_| repo.to_path_buf());
        let canon = canonical(path).unwrap_or_else(|_| path.to_path_buf());
        match canon.strip_prefix(&canon_repo) {
            Ok(rel) => rel.to_string_lossy().into_owned(),
            Err(_) => return Err(ConfigError::RootOutside(raw.to_string())),
        }
    } else {
        raw.replace('\\', "/")
    };
    crate::relpath::normalize(&relative).ok_or_else(|| ConfigError::RootOutside(raw.to_string()))
}

/// The file that makes a folder an mdBook.
pub const BOOK_FILE: &str = "book.toml";

/// The site of the docs root `root`: the configured dialect, else `mdbook` when the root's
/// parent folder (inside the repository) holds a `book.toml`, else `github`. For mdBook, the
/// 404 page is `[output.html] input-404` of `book.toml` (default `404.md`).
fn site(
    files: &dyn ConfigFiles,
    root: &str,
    dialect: Option<Dialect>,
) -> Result<Site, ConfigError> {
    // The root's parent; the repository itself for a top-level root (or the root `""`).
    let book_dir = root.rsplit_once('/').map_or("", |(p, _)| p);
    // Only an mdBook tree needs the file; elsewhere a stray unreadable one does not matter.
    let book = match read_book(files, book_dir) {
        Ok(book) => book,
        Err(_) if dialect.is_some_and(|d| d != Dialect::Mdbook) => None,
        Err(e) => return Err(e),
    };
    let dialect = dialect.unwrap_or(if book.is_some() {
        Dialect::Mdbook
    } else {
        Dialect::Github
    });
    let mut site = Site::new(dialect);
    // As mdBook reads `input-404`: a path relative to the book's source folder; empty turns
    // the page off.
    if dialect == Dialect::Mdbook
        && let Some(page) = book.and_then(|b| b.output.html.input_404)
    {
        site.not_found = (!page.is_empty()).then_some(page);
    }
    Ok(site)
}

/// What atomdoc reads of the `book.toml` in `dir`; `None` when there is none.
fn read_book(files: &dyn ConfigFiles, dir: &str) -> Result<Option<BookToml>, ConfigError> {
    let file = match dir {
        "" => BOOK_FILE.to_string(),
        _ => format!("{dir}/{BOOK_FILE}"),
    };
    let path = files.name(&file);
    let text = match files.read(&file, MAX_CONFIG_BYTES) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(reason) => return Err(ConfigError::Read { path, reason }),
    };
    match toml::from_str(&text) {
        Ok(book) => Ok(Some(book)),
        Err(e) => Err(ConfigError::Parse {
            path,
            message: e.to_string().trim_end().to_string(),
        }),
    }
}

/// The part of mdBook's `book.toml` atomdoc reads; every other key is the book's business.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct BookToml {
    book: BookSection,
    output: BookOutput,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct BookSection {
    /// The source folder, relative to the book [default: `src`].
    src: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct BookOutput {
    html: BookHtml,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "kebab-case")]
struct BookHtml {
    input_404: Option<String>,
}
