//! The one reader of git objects: revisions, trees and blobs of the repository, read with
//! gitoxide (`gix`) straight from its object database. No checkout, no `git` program, the
//! work tree is never touched.
//!
//! The same guards as [`super::read`], for a new kind of input:
//!
//! - only the repository's own git folder is read: it is opened with gix's isolated options
//!   (no system or global git configuration, no environment variables);
//! - a blob is read only after its header says it is at most `max_bytes` long;
//! - symlink entries (mode `120000`) and submodules (mode `160000`) are listed as what they
//!   are and never followed: a symlink's target is never read, a submodule's commit is not in
//!   this repository;
//! - listing a revision costs one pass over its trees (linear in the revision's size).
//!
//! Errors are typed and say what to do; shallow clones missing a revision say how to fetch it.
//!
//! Must not: decide what a tree means (documents, config, ignore rules: `corpus::revision`).

use std::path::{Path, PathBuf};

use rayon::prelude::*;

/// A git object id (a blob's, in [`Node::File`]).
pub use gix::ObjectId;

/// What went wrong reading git.
#[derive(Debug, thiserror::Error)]
pub enum GitError {
    /// `--repo` names a folder without a `.git`.
    #[error(
        "{0} is not a git repository; run atomdoc diff inside a git clone (or pass --repo DIR)"
    )]
    NotARepo(PathBuf),
    /// `atomdoc diff nope`.
    #[error(
        "cannot resolve revision `{spec}`: {reason}; pass a branch, tag or commit that `git rev-parse` knows"
    )]
    BadRevision { spec: String, reason: String },
    /// A shallow clone without the base (`git clone --depth 1`).
    #[error(
        "revision `{spec}` is not in this shallow clone ({reason}); fetch more history: with actions/checkout set `fetch-depth: 0`, or run `git fetch --deepen=100` (or `git fetch --unshallow`)"
    )]
    Shallow { spec: String, reason: String },
    /// None of `origin/HEAD`, `main`, `master`.
    #[error(
        "no default branch to compare with (none of origin/HEAD, main, master exists); pass the base revision: atomdoc diff BASE"
    )]
    NoDefaultBranch,
    /// Unrelated histories.
    #[error(
        "`{base}` and `{head}` have no common ancestor; pass the base revision: atomdoc diff BASE"
    )]
    NoMergeBase { base: String, head: String },
    /// A broken object database.
    #[error("cannot read {what} from git: {reason}")]
    Read { what: String, reason: String },
}

/// A resolved revision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Commit {
    /// As the user wrote it (or the default chosen), e.g. `main`, `HEAD~1`.
    pub spec: String,
    /// The full hex commit id.
    pub id: String,
    oid: ObjectId,
}

/// What a path of a revision's tree is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Node {
    /// A regular or executable file, by blob id.
    File(ObjectId),
    /// A folder.
    Dir,
    /// A symlink (mode `120000`): never followed.
    Symlink,
    /// A submodule (mode `160000`): its commit is in another repository.
    Submodule,
}

/// One entry of a revision's tree, path `/`-separated and repo-relative; `path` is `None`
/// when the name is not valid UTF-8 (`raw` says what it was, lossily).
#[derive(Debug, Clone)]
pub struct Entry {
    pub path: Option<String>,
    pub raw: String,
    pub node: Node,
}

/// A blob read, or why not.
#[derive(Debug)]
pub enum Blob {
    Bytes(Vec<u8>),
    /// Over the cap: its size.
    TooBig(u64),
    Unreadable(String),
}

/// The git repository a tree lives in.
pub struct Git {
    repo: gix::ThreadSafeRepository,
    /// Where atomdoc's repository lies in git's work tree (`/`-separated; empty when they are
    /// the same folder): a docs project in a subfolder of a larger repository.
    prefix: String,
}

impl Git {
    /// Opens the git repository holding `dir` (`dir` or a folder above it), reading only its
    /// own git folder and configuration. Trees are then listed from `dir` down.
    pub fn open(dir: &Path) -> Result<Git, GitError> {
        let isolated = gix::sec::trust::Mapping {
            full: gix::open::Options::isolated(),
            reduced: gix::open::Options::isolated(),
        };
        let not_a_repo = || GitError::NotARepo(dir.to_path_buf());
        let repo = gix::ThreadSafeRepository::discover_opts(dir, Default::default(), isolated)
            .map_err(|_| not_a_repo())?;
        let prefix = match repo.work_dir() {
            Some(work) => {
                let (work, dir) = (super::read::canonical(work), super::read::canonical(dir));
                let (Ok(work), Ok(dir)) = (work, dir) else {
                    return Err(not_a_repo());
                };
                let rel = dir.strip_prefix(&work).map_err(|_| not_a_repo())?;
                let parts: Option<Vec<&str>> =
                    rel.components().map(|c| c.as_os_str().to_str()).collect();
                parts.ok_or_else(not_a_repo)?.join("/")
            }
            None => String::new(),
        };
        Ok(Git { repo, prefix })
    }

    /// Whether the repository is a shallow clone.
    pub fn is_shallow(&self) -> bool {
        self.repo.to_thread_local().is_shallow().unwrap_or(false)
    }

    /// Resolves `spec` as `git rev-parse` would, to a commit.
    pub fn resolve(&self, spec: &str) -> Result<Commit, GitError> {
        let repo = self.repo.to_thread_local();
        let failed = |reason: String| self.missing(spec, reason);
        let id = repo
            .rev_parse_single(spec)
            .map_err(|e| failed(one_line(&e)))?;
        let commit = id
            .object()
            .map_err(|e| failed(one_line(&e)))?
            .peel_to_commit()
            .map_err(|e| failed(one_line(&e)))?;
        Ok(Commit {
            spec: spec.to_string(),
            id: commit.id.to_hex().to_string(),
            oid: commit.id,
        })
    }

    /// A revision that cannot be found: in a shallow clone, most likely history not fetched.
    fn missing(&self, spec: &str, reason: String) -> GitError {
        if self.is_shallow() {
            GitError::Shallow {
                spec: spec.to_string(),
                reason,
            }
        } else {
            GitError::BadRevision {
                spec: spec.to_string(),
                reason,
            }
        }
    }

    /// The default base of a comparison with `head`: the merge base of `head` with the
    /// default branch (`origin/HEAD`, else `main`, else `master`).
    pub fn default_base(&self, head: &Commit) -> Result<Commit, GitError> {
        let branch = ["origin/HEAD", "main", "master"]
            .into_iter()
            .find_map(|b| self.resolve(b).ok())
            .ok_or_else(|| match self.is_shallow() {
                true => GitError::Shallow {
                    spec: "origin/HEAD".into(),
                    reason: "no default branch was fetched".into(),
                },
                false => GitError::NoDefaultBranch,
            })?;
        let repo = self.repo.to_thread_local();
        let base = repo
            .merge_base(branch.oid, head.oid)
            .map_err(|e| self.missing(&branch.spec, one_line(&e)))?;
        match base {
            Some(id) => Ok(Commit {
                spec: format!("merge-base({}, {})", branch.spec, head.spec),
                id: id.to_hex().to_string(),
                oid: id.detach(),
            }),
            None if self.is_shallow() => Err(GitError::Shallow {
                spec: format!("merge-base({}, {})", branch.spec, head.spec),
                reason: "the common ancestor was not fetched".into(),
            }),
            None => Err(GitError::NoMergeBase {
                base: branch.spec,
                head: head.spec.clone(),
            }),
        }
    }

    /// The commit the work tree is checked out at; `None` in a repository without commits.
    pub fn head(&self) -> Option<Commit> {
        self.resolve("HEAD").ok()
    }

    /// Every entry of `commit`'s tree, recursively (one pass over its trees).
    pub fn list(&self, commit: &Commit) -> Result<Vec<Entry>, GitError> {
        let repo = self.repo.to_thread_local();
        let read = |e: &dyn std::fmt::Display| GitError::Read {
            what: format!("the tree of {}", commit.spec),
            reason: e.to_string(),
        };
        let mut tree = repo
            .find_commit(commit.oid)
            .map_err(|e| read(&e))?
            .tree()
            .map_err(|e| read(&e))?;
        if !self.prefix.is_empty() {
            // Only the subtree of atomdoc's repository; none when the revision lacks it.
            let entry = tree
                .lookup_entry_by_path(&self.prefix)
                .map_err(|e| read(&e))?;
            match entry.filter(|e| e.mode().is_tree()) {
                Some(e) => tree = repo.find_tree(e.object_id()).map_err(|e| read(&e))?,
                None => return Ok(Vec::new()),
            }
        }
        let records = tree.traverse().breadthfirst.files().map_err(|e| read(&e))?;
        Ok(records
            .into_iter()
            .map(|r| {
                let node = if r.mode.is_tree() {
                    Node::Dir
                } else if r.mode.is_link() {
                    Node::Symlink
                } else if r.mode.is_commit() {
                    Node::Submodule
                } else {
                    Node::File(r.oid)
                };
                let raw = String::from_utf8_lossy(&r.filepath).into_owned();
                let path = std::str::from_utf8(&r.filepath).ok().map(str::to_string);
                Entry { path, raw, node }
            })
            .collect())
    }

    /// Reads blobs in parallel (results in the same order), each only when its header says it
    /// is at most `max_bytes` long.
    pub fn read_blobs(&self, ids: &[ObjectId], max_bytes: u64) -> Vec<Blob> {
        ids.par_iter()
            .map_init(
                || self.repo.to_thread_local(),
                |repo, id| read_blob(repo, *id, max_bytes),
            )
            .collect()
    }
}

fn read_blob(repo: &gix::Repository, id: ObjectId, max_bytes: u64) -> Blob {
    let size = match repo.find_header(id) {
        Ok(header) => header.size(),
        Err(e) => return Blob::Unreadable(one_line(&e)),
    };
    if size > max_bytes {
        return Blob::TooBig(size);
    }
    match repo.find_blob(id) {
        Ok(mut blob) if (blob.data.len() as u64) <= max_bytes => Blob::Bytes(blob.take_data()),
        Ok(blob) => Blob::TooBig(blob.data.len() as u64),
        Err(e) => Blob::Unreadable(one_line(&e)),
    }
}

/// An error and its causes on one line.
fn one_line(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut cause = e.source();
    while let Some(c) = cause {
        let more = c.to_string();
        if !text.contains(&more) {
            text.push_str(": ");
            text.push_str(&more);
        }
        cause = c.source();
    }
    text.replace('\n', " ")
}
