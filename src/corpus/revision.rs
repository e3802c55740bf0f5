//! The docs tree of a git revision: the twin of [`super::scan`] for a commit instead of the
//! work tree. Everything comes from the revision itself, read through
//! [`crate::boundary::git`]: `atomdoc.toml`, `book.toml` and the docs root
//! ([`crate::config::ConfigFiles`]), the ignore files, the documents and referrers, and the
//! answers link resolution asks ([`RepoView`]).
//!
//! The walk keeps the disk walk's rules: hidden folders skipped, `.gitignore` and `.ignore`
//! respected (as committed in the revision), vendored folders skipped for referrers. Symlinks
//! and submodules are never followed: a symlink is what the disk walk calls a symlink leading
//! out of the repository (`outside` for a link, a warning for a document), a submodule is a
//! folder whose files are not there.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use ignore::gitignore::{Gitignore, GitignoreBuilder};

use super::links::{Entry, RepoView};
use super::scan::{AnchorMemo, IGNORE_FILES, VENDORED, decode, over_limit};
use super::{FileWarning, SourceFile, is_referrer, parse};
use crate::boundary::git::{Blob, Commit, Git, GitError, Node};
use crate::boundary::read::Kind;
use crate::config::{Config, ConfigFiles, Limits, LinksConfig};

/// One revision's tree, listed once.
pub struct RevTree<'g> {
    git: &'g Git,
    pub commit: Commit,
    nodes: BTreeMap<String, Node>,
    /// Entries whose name is not valid UTF-8 (lossily), skipped with a warning when they are
    /// Markdown files.
    bad_names: Vec<String>,
    links: LinksConfig,
    max_file_bytes: u64,
    anchors: AnchorMemo,
}

/// The files a load of a revision reads, found by [`RevTree::walk`].
pub struct Walked {
    pub paths: Vec<String>,
    pub referrers: Vec<String>,
    pub warnings: Vec<FileWarning>,
}

impl<'g> RevTree<'g> {
    /// Lists `commit`'s tree.
    pub fn new(git: &'g Git, commit: Commit) -> Result<RevTree<'g>, GitError> {
        let mut nodes = BTreeMap::new();
        let mut bad_names = Vec::new();
        for e in git.list(&commit)? {
            match e.path {
                Some(p) => {
                    nodes.insert(p, e.node);
                }
                None => bad_names.push(e.raw),
            }
        }
        Ok(RevTree {
            git,
            commit,
            nodes,
            bad_names,
            links: LinksConfig::default(),
            max_file_bytes: Limits::DEFAULT_MAX_FILE_BYTES,
            anchors: AnchorMemo::default(),
        })
    }

    /// The tree read with `config`'s link settings and caps (once `config::settle` read it).
    pub fn with_config(mut self, config: &Config) -> RevTree<'g> {
        self.links = config.links.clone();
        self.max_file_bytes = config.limits.max_file_bytes;
        self
    }

    /// The documents under `root` and the referrers of the revision, sorted, and what was
    /// skipped on the way.
    pub fn walk(&self, root: &str, config: &Config) -> Walked {
        let mut warnings = Vec::new();
        let ignores = self.ignores(&mut warnings);
        let globs = config.links.referrer_globs().unwrap_or_default();
        let in_root = |p: &str| {
            root.is_empty()
                || p.strip_prefix(root)
                    .is_some_and(|rest| rest.starts_with('/'))
        };
        let mut paths = Vec::new();
        let mut referrers = Vec::new();
        for (path, node) in &self.nodes {
            if !path.ends_with(".md") || matches!(node, Node::Dir | Node::Submodule) {
                continue;
            }
            let document = in_root(path);
            let referrer = !document && is_referrer(root, path, &globs);
            if !document && !referrer {
                continue;
            }
            // Folders below the walk's start: the docs root, or the repository for referrers.
            let start = if document { root } else { "" };
            let below = match start {
                "" => path.as_str(),
                _ => &path[start.len() + 1..],
            };
            let folders: Vec<&str> = below.split('/').collect();
            let folders = &folders[..folders.len() - 1];
            if folders.iter().any(|f| f.starts_with('.'))
                || (referrer && folders.iter().any(|f| VENDORED.contains(f)))
                || ignores.ignored(path)
            {
                continue;
            }
            if *node == Node::Symlink {
                warnings.push(FileWarning {
                    path: path.clone(),
                    message: "symlink in a git revision; not followed".into(),
                    skipped: false,
                });
                continue;
            }
            match document {
                true => paths.push(path.clone()),
                false => referrers.push(path.clone()),
            }
        }
        for raw in self.bad_names.iter().filter(|n| n.ends_with(".md")) {
            warnings.push(FileWarning {
                path: raw.clone(),
                message: "file name is not valid UTF-8; skipped".into(),
                skipped: true,
            });
        }
        Walked {
            paths,
            referrers,
            warnings,
        }
    }

    /// The revision's ignore files, each read once.
    fn ignores(&self, warnings: &mut Vec<FileWarning>) -> Ignores {
        let mut wanted = Vec::new();
        for (path, node) in &self.nodes {
            let (dir, name) = path.rsplit_once('/').unwrap_or(("", path));
            if let Some(kind) = IGNORE_FILES.iter().position(|f| *f == name) {
                match node {
                    Node::File(id) => wanted.push((dir.to_string(), kind, *id, path.clone())),
                    Node::Symlink => warnings.push(FileWarning {
                        path: path.clone(),
                        message: "ignore file is a symlink in a git revision; not read".into(),
                        skipped: false,
                    }),
                    Node::Dir | Node::Submodule => {}
                }
            }
        }
        let ids: Vec<_> = wanted.iter().map(|w| w.2).collect();
        let blobs = self.git.read_blobs(&ids, self.max_file_bytes);
        let mut matchers = HashMap::new();
        for ((dir, kind, _, path), blob) in wanted.into_iter().zip(blobs) {
            let text = match blob {
                Blob::Bytes(bytes) => decode(bytes).0,
                Blob::TooBig(size) => {
                    let message = over_limit(size, self.max_file_bytes);
                    warnings.push(skipped(&path, message));
                    continue;
                }
                Blob::Unreadable(e) => {
                    warnings.push(skipped(&path, format!("cannot read: {e}; skipped")));
                    continue;
                }
            };
            let mut builder = GitignoreBuilder::new(".");
            for line in text.lines() {
                // A bad pattern is ignored, as git ignores it.
                let _ = builder.add_line(None, line);
            }
            if let Ok(matcher) = builder.build() {
                matchers.insert((dir, kind), matcher);
            }
        }
        Ignores(matchers)
    }

    /// Reads `paths` (files of the tree) in parallel: decoded like files on disk, skipped with
    /// a warning when over `max_file_bytes` or unreadable.
    pub fn read(&self, paths: Vec<String>) -> (Vec<SourceFile>, Vec<FileWarning>) {
        let (paths, ids): (Vec<String>, Vec<_>) = paths
            .into_iter()
            .filter_map(|p| match self.nodes.get(&p) {
                Some(Node::File(id)) => Some((p, *id)),
                _ => None,
            })
            .unzip();
        let blobs = self.git.read_blobs(&ids, self.max_file_bytes);
        let mut files = Vec::with_capacity(paths.len());
        let mut warnings = Vec::new();
        for (path, blob) in paths.into_iter().zip(blobs) {
            match blob {
                Blob::Bytes(bytes) => {
                    let (text, note) = decode(bytes);
                    if let Some(message) = note {
                        warnings.push(FileWarning {
                            path: path.clone(),
                            message: message.into(),
                            skipped: false,
                        });
                    }
                    files.push(SourceFile { path, text });
                }
                Blob::TooBig(size) => {
                    warnings.push(skipped(&path, over_limit(size, self.max_file_bytes)))
                }
                Blob::Unreadable(e) => {
                    warnings.push(skipped(&path, format!("cannot read: {e}; skipped")))
                }
            }
        }
        (files, warnings)
    }

    fn anchors_uncached(&self, path: &str) -> Vec<String> {
        let Some(Node::File(id)) = self.nodes.get(path) else {
            return Vec::new();
        };
        match self.git.read_blobs(&[*id], self.max_file_bytes).pop() {
            Some(Blob::Bytes(bytes)) => {
                let doc = parse::parse(&decode(bytes).0, &self.links);
                let mut all: Vec<String> = doc.headings.into_iter().map(|h| h.slug).collect();
                all.extend(doc.html_anchors);
                all
            }
            _ => Vec::new(),
        }
    }
}

fn skipped(path: &str, message: String) -> FileWarning {
    FileWarning {
        path: path.to_string(),
        message,
        skipped: true,
    }
}

/// The ignore files of a revision by (folder, index in [`IGNORE_FILES`]).
struct Ignores(HashMap<(String, usize), Gitignore>);

impl Ignores {
    /// Whether `path` (a file) is ignored, as the `ignore` crate decides on disk: `.ignore`
    /// before `.gitignore`, and for each the deepest folder with a matching rule.
    fn ignored(&self, path: &str) -> bool {
        if self.0.is_empty() {
            return false;
        }
        let mut dirs = vec![""];
        let mut at = 0;
        while let Some(i) = path[at..].find('/') {
            dirs.push(&path[..at + i]);
            at += i + 1;
        }
        // `.ignore` is IGNORE_FILES[1] and wins over `.gitignore`.
        for kind in [1, 0] {
            for dir in dirs.iter().rev() {
                let Some(matcher) = self.0.get(&(dir.to_string(), kind)) else {
                    continue;
                };
                let rel = match *dir {
                    "" => path,
                    d => &path[d.len() + 1..],
                };
                let m = matcher.matched_path_or_any_parents(Path::new(rel), false);
                if m.is_ignore() {
                    return true;
                }
                if m.is_whitelist() {
                    return false;
                }
            }
        }
        false
    }
}

impl RepoView for RevTree<'_> {
    fn site(&self) -> &crate::corpus::dialect::Site {
        &self.links.site
    }

    fn entry(&self, path: &str) -> Entry {
        if path.is_empty() {
            return Entry::Dir;
        }
        match self.nodes.get(path) {
            Some(Node::File(_)) => Entry::File,
            Some(Node::Dir | Node::Submodule) => Entry::Dir,
            Some(Node::Symlink) => Entry::Outside,
            None => {
                // Under a symlinked folder: not followed, as a symlink out of the repository.
                let mut dir = path;
                while let Some((parent, _)) = dir.rsplit_once('/') {
                    if self.nodes.get(parent) == Some(&Node::Symlink) {
                        return Entry::Outside;
                    }
                    dir = parent;
                }
                Entry::Missing
            }
        }
    }

    fn has_anchor(&self, path: &str, fragment: &str) -> bool {
        self.anchors
            .contains(path, fragment, || self.anchors_uncached(path))
    }

    fn anchors(&self, path: &str) -> Vec<String> {
        self.anchors.list(path, || self.anchors_uncached(path))
    }
}

impl ConfigFiles for RevTree<'_> {
    fn kind(&self, path: &str) -> Option<Kind> {
        if path.is_empty() {
            return Some(Kind::Dir);
        }
        self.nodes.get(path).map(|n| match n {
            Node::File(_) => Kind::File,
            Node::Dir | Node::Submodule => Kind::Dir,
            Node::Symlink => Kind::Other,
        })
    }

    fn read(&self, path: &str, max: u64) -> std::io::Result<String> {
        let id = match self.nodes.get(path) {
            Some(Node::File(id)) => *id,
            Some(Node::Symlink) => {
                return Err(std::io::Error::other(
                    "it is a symlink in the git revision, which atomdoc does not follow; make it a regular file",
                ));
            }
            Some(_) => return Err(std::io::Error::other("not a regular file")),
            None => return Err(std::io::ErrorKind::NotFound.into()),
        };
        match self.git.read_blobs(&[id], max).pop() {
            Some(Blob::Bytes(bytes)) => String::from_utf8(bytes)
                .map_err(|_| std::io::Error::other("not valid UTF-8; save it as UTF-8")),
            Some(Blob::TooBig(size)) => Err(std::io::Error::other(format!(
                "{size} bytes is over the {max}-byte limit"
            ))),
            Some(Blob::Unreadable(e)) => Err(std::io::Error::other(e)),
            None => Err(std::io::ErrorKind::NotFound.into()),
        }
    }

    /// `REV:path`, as git names a file of a revision.
    fn name(&self, path: &str) -> PathBuf {
        PathBuf::from(format!("{}:{path}", self.commit.spec))
    }

    fn inside(&self, _path: &str) -> bool {
        // Symlinks are never followed in a revision: every folder of its tree is inside.
        true
    }
}
