//! Approved edits of the docs tree and its referrers: the only code that replaces, renames
//! or makes folders there (`mv`, `fix`, `undo`, and the recovery of one a crash interrupted).
//!
//! [`approve`] is the gate: right before anything changes, it checks that every file the
//! change relies on is a regular file, reached through real folders (no symlink on the way),
//! holding exactly one of the texts the caller expects (by blake3 hash), that every
//! destination is free, and that every folder to move holds no symlink. Only then does it
//! hand out an [`Approved`], and only an `Approved` can write there: files are replaced
//! through [`super::write`] (temporary file, fsync, rename, fsync of the folder), folders
//! renamed with both parents synced.
//!
//! Must not: decide what to change (the caller's plan does), print.

use std::collections::BTreeSet;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use super::owned::real_folders;
use super::read::{self, Links};
use super::write::{self, Destination};

/// What a change needs to find before it starts.
#[derive(Debug, Default, Clone)]
pub struct Request {
    /// Repo-relative files that must exist and hold one of these texts (blake3 hex).
    pub files: Vec<(String, Vec<String>)>,
    /// Repo-relative folders that must be real folders holding no symlink (moved whole).
    pub folders: Vec<String>,
    /// Repo-relative paths that must not exist (where things are moved to).
    pub free: Vec<String>,
}

/// A checked change: the files and folders it may replace and move.
#[derive(Debug)]
pub struct Approved {
    repo: PathBuf,
    files: BTreeSet<String>,
    folders: BTreeSet<String>,
    free: BTreeSet<String>,
    /// Folders holding files replaced since the last [`Approved::sync`].
    unsynced: std::sync::Mutex<BTreeSet<PathBuf>>,
}

/// Why a change was refused before it started.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refused {
    /// A file changed (an editor saved) since the plan was made.
    #[error("`{0}` changed since the plan was made; nothing was changed, run the command again")]
    Changed(String),
    #[error("`{path}`: {why}")]
    Unusable { path: String, why: String },
    #[error("`{0}` already exists; nothing was changed")]
    Taken(String),
    #[error("`{0}` is or holds a symlink; atomdoc moves real files and folders only")]
    Symlink(String),
}

/// The blake3 hash (hex) of some bytes: what plans and journals record.
pub fn hash(bytes: &[u8]) -> String {
    blake3::hash(bytes).to_hex().to_string()
}

/// The largest file a change reads back to check.
const MAX_CHECKED_BYTES: u64 = 1 << 30;

/// Checks `request` against the disk under `repo` (see the module docs).
pub fn approve(repo: &Path, request: &Request) -> Result<Approved, Refused> {
    let repo = read::absolute(repo);
    for (path, hashes) in &request.files {
        let full = checked_path(&repo, path)?;
        let bytes = read::read(&full, Links::Never, MAX_CHECKED_BYTES).map_err(|e| {
            if e.raw_os_error() == Some(read::ELOOP) {
                Refused::Symlink(path.clone())
            } else if e.kind() == io::ErrorKind::NotFound {
                Refused::Changed(path.clone())
            } else {
                Refused::Unusable {
                    path: path.clone(),
                    why: e.to_string(),
                }
            }
        })?;
        if !hashes.contains(&hash(&bytes)) {
            return Err(Refused::Changed(path.clone()));
        }
    }
    for path in &request.folders {
        let full = checked_path(&repo, path)?;
        if !read::is_real_dir(&full) {
            return Err(Refused::Unusable {
                path: path.clone(),
                why: "not a folder".into(),
            });
        }
        if holds_symlink(&full) {
            return Err(Refused::Symlink(path.clone()));
        }
    }
    for path in &request.free {
        let full = checked_path(&repo, path)?;
        if fs::symlink_metadata(&full).is_ok() {
            return Err(Refused::Taken(path.clone()));
        }
    }
    Ok(Approved {
        repo,
        files: request.files.iter().map(|(p, _)| p.clone()).collect(),
        folders: request.folders.iter().cloned().collect(),
        free: request.free.iter().cloned().collect(),
        unsynced: std::sync::Mutex::new(BTreeSet::new()),
    })
}

/// `repo/path` when `path` is a plain repo-relative path whose folders (those that exist) are
/// real folders.
fn checked_path(repo: &Path, path: &str) -> Result<PathBuf, Refused> {
    let plain = !path.is_empty()
        && path
            .split('/')
            .all(|s| !s.is_empty() && s != "." && s != "..");
    if !plain {
        return Err(Refused::Unusable {
            path: path.into(),
            why: "not a plain path inside the repository".into(),
        });
    }
    let full = repo.join(path);
    let mut existing = full.parent().unwrap_or(repo).to_path_buf();
    while !existing.starts_with(repo) || fs::symlink_metadata(&existing).is_err() {
        if !existing.pop() {
            break;
        }
    }
    real_folders(repo, &existing, false).map_err(|e| {
        if fs::symlink_metadata(&existing).is_ok_and(|m| m.is_dir() || m.file_type().is_symlink())
            && e.to_string().contains("symlink")
        {
            Refused::Symlink(path.into())
        } else {
            Refused::Unusable {
                path: path.into(),
                why: e.to_string(),
            }
        }
    })?;
    Ok(full)
}

/// Whether anything under `dir` is a symlink (or cannot be looked at).
fn holds_symlink(dir: &Path) -> bool {
    let Ok(entries) = fs::read_dir(dir) else {
        return true;
    };
    entries.into_iter().any(|e| {
        let Ok(e) = e else { return true };
        match e.file_type() {
            Ok(t) if t.is_symlink() => true,
            Ok(t) if t.is_dir() => holds_symlink(&e.path()),
            Ok(_) => false,
            Err(_) => true,
        }
    })
}

fn not_approved(path: &str) -> io::Error {
    io::Error::other(format!("`{path}` is not part of the approved change"))
}

impl Approved {
    /// Replaces the approved file `path` with `bytes`: temporary file, fsync, rename. Its
    /// folder is synced by [`Approved::sync`] (once per folder, not once per file).
    pub fn replace(&self, path: &str, bytes: &[u8]) -> io::Result<()> {
        if !self.files.contains(path) {
            return Err(not_approved(path));
        }
        let full = self.repo.join(path);
        write::write(&Destination::document(full.clone()), bytes)?;
        if let Some(dir) = full.parent() {
            self.unsynced
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .insert(dir.to_path_buf());
        }
        Ok(())
    }

    /// Syncs the folders of the files replaced so far, so the renames survive a power loss.
    pub fn sync(&mut self) -> io::Result<()> {
        let dirs = std::mem::take(&mut *self.unsynced.lock().unwrap_or_else(|e| e.into_inner()));
        for dir in dirs {
            sync_folder(Some(&dir))?;
        }
        Ok(())
    }

    /// Renames the approved file or folder `from` to the free path `to`, making missing
    /// folders on the way (real ones), and syncs both folders. Approved files under `from`
    /// are approved at their new place.
    pub fn rename(&mut self, from: &str, to: &str) -> io::Result<()> {
        // Replaced files are renamed into place before they move on.
        self.sync()?;
        let is_folder = self.folders.contains(from);
        if !(is_folder || self.files.contains(from)) {
            return Err(not_approved(from));
        }
        if !self.free.contains(to) {
            return Err(not_approved(to));
        }
        let (src, dst) = (self.repo.join(from), self.repo.join(to));
        if let Some(parent) = dst.parent() {
            real_folders(&self.repo, parent, true)?;
        }
        fs::rename(&src, &dst)?;
        sync_folder(src.parent())?;
        // The destination's folder and every folder above it (up to the repository), so
        // folders made on the way survive a power loss too.
        let mut dir = dst.parent();
        while let Some(d) = dir.filter(|d| d.starts_with(&self.repo)) {
            sync_folder(Some(d))?;
            dir = d.parent();
        }
        self.free.remove(to);
        let moved = |p: &String| match p.strip_prefix(from) {
            Some("") => Some(to.to_string()),
            Some(rest) if rest.starts_with('/') => Some(format!("{to}{rest}")),
            _ => None,
        };
        self.files = self
            .files
            .iter()
            .map(|p| moved(p).unwrap_or_else(|| p.clone()))
            .collect();
        self.folders = self
            .folders
            .iter()
            .map(|p| moved(p).unwrap_or_else(|| p.clone()))
            .collect();
        Ok(())
    }

    /// Removes the folder `path` and its parents up to (not including) `stop` while they are
    /// empty: what a move out of them left behind. Returns the folders removed.
    pub fn remove_empty_folders(&self, path: &str, stop: &str) -> Vec<String> {
        let mut removed = Vec::new();
        let mut at = path.to_string();
        while at != stop && at.starts_with(stop) && !at.is_empty() {
            let full = self.repo.join(&at);
            let empty = read::is_real_dir(&full)
                && fs::read_dir(&full).is_ok_and(|mut e| e.next().is_none());
            if !empty || fs::remove_dir(&full).is_err() {
                break;
            }
            let _ = sync_folder(full.parent());
            removed.push(at.clone());
            at = at.rsplit_once('/').map_or("", |(d, _)| d).to_string();
        }
        removed
    }

    /// Deletes the temporary files a replace of `path` killed half-way left beside it
    /// (`.<name>.<pid>.<n>.tmp`, regular files only).
    pub fn remove_temporaries(&self, path: &str) {
        remove_temporaries(&self.repo, path);
    }
}

/// See [`Approved::remove_temporaries`]: also used before a change is approved (a recovery
/// cleans up first).
pub fn remove_temporaries(repo: &Path, path: &str) {
    let full = repo.join(path);
    let (Some(dir), Some(name)) = (full.parent(), full.file_name()) else {
        return;
    };
    if real_folders(repo, dir, false).is_err() {
        return;
    }
    let prefix = format!(".{}.", name.to_string_lossy());
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let n = e.file_name().to_string_lossy().into_owned();
        let ours = n
            .strip_prefix(&prefix)
            .and_then(|rest| rest.strip_suffix(".tmp"))
            .is_some_and(|mid| {
                let mut parts = mid.split('.');
                parts
                    .by_ref()
                    .take(2)
                    .all(|p| p.bytes().all(|b| b.is_ascii_digit()))
                    && parts.next().is_none()
            });
        if ours && e.file_type().is_ok_and(|t| t.is_file()) {
            let _ = fs::remove_file(e.path());
        }
    }
}

/// Syncs a folder, so a rename or a new entry in it survives a power loss.
fn sync_folder(dir: Option<&Path>) -> io::Result<()> {
    match dir {
        Some(dir) => fs::File::open(dir)?.sync_all(),
        None => Ok(()),
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[test]
    fn only_what_was_checked_can_change() {
        let repo = tempfile::tempdir().unwrap();
        let r = repo.path();
        fs::create_dir_all(r.join("docs/a")).unwrap();
        fs::write(r.join("docs/a/x.md"), "x").unwrap();
        fs::write(r.join("docs/y.md"), "y").unwrap();
        let request = Request {
            files: vec![("docs/a/x.md".into(), vec![hash(b"x")])],
            folders: vec!["docs/a".into()],
            free: vec!["docs/b/a".into()],
        };
        let mut ok = approve(r, &request).unwrap();
        assert!(ok.replace("docs/y.md", b"no").is_err());
        ok.replace("docs/a/x.md", b"x2").unwrap();
        ok.rename("docs/a", "docs/b/a").unwrap();
        assert_eq!(fs::read(r.join("docs/b/a/x.md")).unwrap(), b"x2");
        // The approval follows the file to its new place.
        ok.replace("docs/b/a/x.md", b"x3").unwrap();
        assert!(ok.rename("docs/y.md", "docs/z.md").is_err());

        // A changed file, a taken destination, a symlink: refused before anything changes.
        let changed = Request {
            files: vec![("docs/y.md".into(), vec![hash(b"old")])],
            ..Request::default()
        };
        assert_eq!(
            approve(r, &changed).unwrap_err(),
            Refused::Changed("docs/y.md".into())
        );
        let taken = Request {
            free: vec!["docs/y.md".into()],
            ..Request::default()
        };
        assert!(matches!(approve(r, &taken), Err(Refused::Taken(_))));
        // A destination under a file: refused before anything changes, not half-way.
        let under_file = Request {
            free: vec!["docs/y.md/z.md".into()],
            ..Request::default()
        };
        assert!(matches!(
            approve(r, &under_file),
            Err(Refused::Unusable { .. })
        ));
        std::os::unix::fs::symlink(r.join("docs/b"), r.join("docs/link")).unwrap();
        let through = Request {
            files: vec![("docs/link/a/x.md".into(), vec![hash(b"x3")])],
            ..Request::default()
        };
        assert!(matches!(approve(r, &through), Err(Refused::Symlink(_))));
        let holding = Request {
            folders: vec!["docs".into()],
            ..Request::default()
        };
        assert!(matches!(approve(r, &holding), Err(Refused::Symlink(_))));
    }
}
