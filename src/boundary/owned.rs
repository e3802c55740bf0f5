//! The cache folder atomdoc owns, and the only code that writes or deletes in it.
//!
//! atomdoc deletes or renames over only what it can prove it created:
//!
//! - a cache folder is chosen safely ([`check_choice`]): never the repository, the docs root,
//!   an ancestor of either or a folder inside the docs root, never outside the repository
//!   when the repository's own `atomdoc.toml` names it, and never an existing folder holding
//!   files that atomdoc did not tag as its own (`CACHEDIR.TAG` with atomdoc's text);
//! - before every write or delete, [`Owned`] checks again that every folder from its anchor
//!   (the repository, when the cache is inside it) down to the file is a real folder — a
//!   symlink committed at `.atomdoc/cache/parts` is refused, never followed — and that the tag
//!   is still atomdoc's;
//! - sweeps delete only regular files and real folders whose names match atomdoc's own
//!   patterns ([`is_part_file`], [`is_index_dir`], [`is_temp_file`]).

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use super::read::{self, Links, is_real_dir};
use super::write::{self, Destination};

/// The tag file marking a cache folder (<https://bford.info/cachedir/>).
pub const TAG_FILE: &str = "CACHEDIR.TAG";
/// What atomdoc writes in it: a folder whose tag says exactly this is atomdoc's.
pub const TAG_TEXT: &str = "Signature: 8a477f597d28d172789f06886806bc55\n\
# This file is a cache directory tag created by atomdoc.\n\
# For information about cache directory tags see https://bford.info/cachedir/\n";

/// The ignore file in a cache folder, so version control never shows it (as ruff, pytest and
/// mypy do): `*` ignores everything in the folder, itself included.
pub const GITIGNORE_FILE: &str = ".gitignore";
/// What atomdoc writes in it.
pub const GITIGNORE_TEXT: &str = "# Created by atomdoc: this folder is a cache.\n*\n";

/// Whether `dir` carries atomdoc's tag (a regular file, not a symlink, with atomdoc's text).
fn tagged(dir: &Path) -> bool {
    read::read(&dir.join(TAG_FILE), Links::Never, 4096).is_ok_and(|b| b == TAG_TEXT.as_bytes())
}

/// Whether `dir` is an existing folder holding something while not tagged as atomdoc's.
/// atomdoc's own temporary files do not count: another process may be writing the tag right
/// now, or one was killed while writing it.
fn foreign(dir: &Path) -> bool {
    let holds_something = fs::read_dir(dir).is_ok_and(|entries| {
        entries
            .flatten()
            .any(|e| !is_temp_file(&e.file_name().to_string_lossy()))
    });
    holds_something && !tagged(dir)
}

/// Refuses a cache folder atomdoc must not own; `Err` says why and what to do.
///
/// `from_repository`: the folder comes from the repository's `atomdoc.toml` (a stranger's
/// pull request may provide it), so it must stay inside the repository.
pub fn check_choice(
    dir: &Path,
    repo: &Path,
    docs_root: &Path,
    from_repository: bool,
) -> Result<(), String> {
    let what_to_do = "pass --no-cache to work in memory, or choose another folder with --cache-dir DIR (or cache_dir in atomdoc.toml)";
    let full = resolved(dir);
    let repo_c = resolved(repo);
    let docs_c = resolved(docs_root);
    let shown = dir.display();
    if repo_c.starts_with(&full) || docs_c.starts_with(&full) {
        let which = if full == repo_c {
            "is the repository itself"
        } else if full == docs_c {
            "is the docs root"
        } else {
            "holds the repository or the docs root"
        };
        return Err(format!(
            "cache folder `{shown}` {which}: atomdoc deletes files in its cache folder, so it must be a folder of its own; {what_to_do}"
        ));
    }
    if full.starts_with(&docs_c) {
        return Err(format!(
            "cache folder `{shown}` is inside the docs root `{}`; atomdoc never writes into the docs tree: {what_to_do}",
            docs_root.display()
        ));
    }
    if from_repository && !full.starts_with(&repo_c) {
        return Err(format!(
            "cache folder `{shown}` leads outside the repository (through a symlink?); use a folder inside it, or {what_to_do}"
        ));
    }
    if foreign(dir) {
        return Err(format!(
            "cache folder `{shown}` already holds files and atomdoc did not create it (no {TAG_FILE} written by atomdoc): atomdoc deletes files in its cache folder, so it must be a folder of its own; {what_to_do} (or delete the folder if it only ever held atomdoc's cache)"
        ));
    }
    Ok(())
}

/// `path` with symlinks resolved as far as it exists (the rest added back), `..` and `.`
/// applied: where a write there would land.
pub fn resolved(path: &Path) -> PathBuf {
    let path = read::absolute(path);
    let mut existing = path.clone();
    let mut rest = Vec::new();
    let base = loop {
        if let Ok(c) = existing.canonicalize() {
            break c;
        }
        match (existing.file_name(), existing.parent()) {
            (Some(name), Some(parent)) => {
                rest.push(name.to_os_string());
                existing = parent.to_path_buf();
            }
            _ => break existing,
        }
    };
    let mut full = base;
    for part in rest.iter().rev() {
        if part == ".." {
            full.pop();
        } else if part != "." {
            full.push(part);
        }
    }
    full
}

/// Checks that every folder from `anchor` down to `target` is a real folder, not a symlink
/// (creating missing ones when `create`, never through a symlink), and that `target` lies
/// in `anchor`. Used for the cache and for the REPL's saved-query folder.
pub fn real_folders(anchor: &Path, target: &Path, create: bool) -> io::Result<()> {
    let rel = target.strip_prefix(anchor).map_err(|_| {
        refused(format!(
            "{} is not under {}",
            target.display(),
            anchor.display()
        ))
    })?;
    let mut at = anchor.to_path_buf();
    for part in rel.components() {
        at.push(part);
        match fs::symlink_metadata(&at) {
            Ok(m) if m.is_dir() => {}
            Ok(m) if m.file_type().is_symlink() => {
                return Err(refused(format!(
                    "{} is a symlink, not a folder atomdoc made; remove it",
                    at.display()
                )));
            }
            Ok(_) => {
                return Err(refused(format!(
                    "{} is not a folder; remove it",
                    at.display()
                )));
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound && create => {
                // `create_dir` does not follow a symlink that appears in its place.
                match fs::create_dir(&at) {
                    Ok(()) => {}
                    Err(e) if e.kind() == io::ErrorKind::AlreadyExists && is_real_dir(&at) => {}
                    Err(e) => return Err(e),
                }
            }
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// One of atomdoc's own files in the repository, `rel` below `repo` (a saved query under
/// `.atomdoc/queries/`): every folder from the repository down is made a real folder (never
/// through a committed symlink). Returns where to write and whether a file is there already.
pub fn state_file(repo: &Path, rel: &Path) -> io::Result<(Destination, bool)> {
    let path = repo.join(rel);
    if let Some(dir) = path.parent() {
        real_folders(repo, dir, true)?;
    }
    let exists = fs::symlink_metadata(&path).is_ok();
    Ok((Destination::state(path), exists))
}

/// The open lock file of a cache folder (locked and unlocked by `store::lock`).
pub type LockFile = fs::File;

/// A verified cache folder: writes and deletes in it go through here.
#[derive(Debug, Clone)]
pub struct Owned {
    dir: PathBuf,
    /// The folder from which every component down to `dir` must be a real folder.
    anchor: PathBuf,
}

fn refused(why: String) -> io::Error {
    io::Error::other(why)
}

impl Owned {
    /// The cache folder `dir` seen from `repo`: its anchor is the repository when `dir` lies
    /// in it, else the folder the user named it in. Nothing is checked or created yet.
    pub fn new(dir: &Path, repo: &Path) -> Owned {
        let dir = read::absolute(dir);
        let repo = read::absolute(repo);
        let anchor = if dir.starts_with(&repo) {
            repo
        } else {
            dir.parent().map_or_else(|| dir.clone(), Path::to_path_buf)
        };
        Owned { dir, anchor }
    }

    pub fn path(&self) -> &Path {
        &self.dir
    }

    /// Creates the folder when missing (every component a real folder, none through a
    /// symlink), tags it and gives it its `.gitignore`; refuses a folder someone else filled.
    pub fn claim(&self) -> io::Result<()> {
        self.real_dirs(&self.dir, true)?;
        if !tagged(&self.dir) {
            if foreign(&self.dir) {
                return Err(refused(format!(
                    "it holds files and atomdoc did not create it (no {TAG_FILE} written by atomdoc)"
                )));
            }
            let tag = Destination::cache(self.dir.join(TAG_FILE));
            write::write(&tag, TAG_TEXT.as_bytes())?;
        }
        // A cache made by an older atomdoc gets its ignore file too; one a user edited (or
        // replaced by something that is not a regular file) is left alone.
        let ignore = self.dir.join(GITIGNORE_FILE);
        if fs::symlink_metadata(&ignore).is_err() {
            write::write(&Destination::cache(ignore), GITIGNORE_TEXT.as_bytes())?;
        }
        Ok(())
    }

    fn real_dirs(&self, target: &Path, create: bool) -> io::Result<()> {
        real_folders(&self.anchor, target, create)
    }

    /// Verifies the folder before a write or delete: real folders down to `sub` (created
    /// when missing), and atomdoc's tag.
    fn verify(&self, sub: &Path, create: bool) -> io::Result<PathBuf> {
        let target = self.dir.join(sub);
        self.real_dirs(&target, create)?;
        if !tagged(&self.dir) {
            return Err(refused(format!(
                "{} lost atomdoc's {TAG_FILE}; remove the folder to let atomdoc make it again",
                self.dir.display()
            )));
        }
        Ok(target)
    }

    /// A real sub-folder of the cache (created when missing), for tantivy to write in.
    pub fn folder(&self, name: &str) -> io::Result<PathBuf> {
        self.verify(Path::new(name), true)
    }

    /// Writes `rel` (a file in the cache or one of its folders) whole, without fsync: a torn
    /// cache file fails its checksum and is rebuilt, never believed.
    pub fn write(&self, rel: &str, bytes: &[u8]) -> io::Result<()> {
        let path = self.dir.join(rel);
        let parent = path.parent().unwrap_or(&self.dir).to_path_buf();
        let sub = parent.strip_prefix(&self.dir).unwrap_or(Path::new(""));
        self.verify(sub, true)?;
        write::write(&Destination::cache(path), bytes)
    }

    /// Writes `rel` (a file directly in the cache folder) whole and synced, its folder synced
    /// too: for the refactoring journal, which must outlive a power loss.
    pub fn write_synced(&self, rel: &str, bytes: &[u8]) -> io::Result<()> {
        self.verify(Path::new(""), true)?;
        write::write(&Destination::journal(self.dir.join(rel)), bytes)?;
        fs::File::open(&self.dir)?.sync_all()
    }

    /// Renames `from` to `to`, both files directly in the cache folder whose names `ours`
    /// recognises, synced (the journal becoming the record `undo` reads).
    pub fn rename(&self, from: &str, to: &str, ours: impl Fn(&str) -> bool) -> io::Result<()> {
        if !ours(from) || !ours(to) {
            return Err(refused(format!("{from} or {to} is not atomdoc's")));
        }
        self.verify(Path::new(""), false)?;
        fs::rename(self.dir.join(from), self.dir.join(to))?;
        fs::File::open(&self.dir)?.sync_all()
    }

    /// Deletes the regular file `name` directly in the cache folder when `ours` recognises it.
    pub fn remove(&self, name: &str, ours: impl Fn(&str) -> bool) {
        self.sweep("", |n, is_dir| !is_dir && n == name && ours(n), |_| false);
    }

    /// Opens (creating) the lock file: never through a symlink, never a pipe.
    pub fn lock_file(&self, name: &str) -> io::Result<LockFile> {
        self.verify(Path::new(""), false)?;
        let mut options = fs::OpenOptions::new();
        options.create(true).truncate(false).write(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.custom_flags(read::O_NOFOLLOW | read::O_NONBLOCK);
        }
        let file = options.open(self.dir.join(name)).map_err(|e| {
            if e.raw_os_error() == Some(read::ELOOP) {
                refused(format!("{name} is a symlink; remove it"))
            } else {
                e
            }
        })?;
        if !file.metadata()?.is_file() {
            return Err(refused(format!("{name} is not a regular file; remove it")));
        }
        Ok(file)
    }

    /// Deletes, in the cache folder (`sub` = "") or one of its folders, every regular file
    /// or real folder whose name `ours` recognises and `keep` does not. Symlinks and
    /// anything else are left alone.
    pub fn sweep(&self, sub: &str, ours: impl Fn(&str, bool) -> bool, keep: impl Fn(&str) -> bool) {
        let Ok(dir) = self.verify(Path::new(sub), false) else {
            return;
        };
        let Ok(entries) = fs::read_dir(&dir) else {
            return;
        };
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            // The entry's own type: `file_type` does not follow symlinks.
            let Ok(kind) = entry.file_type() else {
                continue;
            };
            if keep(&name) || !(kind.is_file() || kind.is_dir()) || !ours(&name, kind.is_dir()) {
                continue;
            }
            let _ = if kind.is_dir() {
                fs::remove_dir_all(entry.path())
            } else {
                fs::remove_file(entry.path())
            };
        }
    }

    /// Deletes one real folder of the cache whose name `ours` recognises.
    pub fn remove_folder(&self, name: &str) {
        self.sweep(
            "",
            |n, is_dir| is_dir && n == name && is_index_dir(n),
            |_| false,
        );
    }
}

fn is_hex(s: &str, len: usize) -> bool {
    s.len() == len && s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// A document part: `<blake3 hex>.bin`.
pub fn is_part_file(name: &str) -> bool {
    name.strip_suffix(".bin").is_some_and(|h| is_hex(h, 64))
}

/// A search index folder: `search-<16 hex digits>`.
pub fn is_index_dir(name: &str) -> bool {
    name.strip_prefix("search-").is_some_and(|h| is_hex(h, 16))
}

/// A temporary file left by [`super::write`]: `.<name>.<pid>.<n>.tmp`.
pub fn is_temp_file(name: &str) -> bool {
    name.starts_with('.') && name.ends_with(".tmp")
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[test]
    fn names_atomdoc_owns() {
        assert!(is_part_file(&format!("{}.bin", "ab".repeat(32))));
        assert!(!is_part_file("notes.bin"));
        assert!(is_index_dir("search-00000000deadbeef"));
        assert!(!is_index_dir("search-results"));
        assert!(is_temp_file(".snapshot.bin.12.0.tmp"));
    }

    #[test]
    fn choices_that_would_let_sweeps_delete_other_files_are_refused() {
        let repo = tempfile::tempdir().unwrap();
        let docs = repo.path().join("docs/atomic");
        fs::create_dir_all(&docs).unwrap();
        let check = |dir: &Path| check_choice(dir, repo.path(), &docs, true);
        assert!(
            check(repo.path())
                .unwrap_err()
                .contains("repository itself")
        );
        assert!(check(&repo.path().join(".")).is_err());
        assert!(check(&docs).unwrap_err().contains("docs root"));
        assert!(check(&repo.path().join("docs")).is_err());
        assert!(check(&docs.join("cache")).is_err());
        let busy = repo.path().join("busy");
        fs::create_dir(&busy).unwrap();
        fs::write(busy.join("keep.txt"), "mine").unwrap();
        assert!(check(&busy).unwrap_err().contains("did not create it"));
        assert!(check(&repo.path().join(".atomdoc/cache")).is_ok());
        // Once atomdoc has claimed a folder, it is accepted again.
        let cache = repo.path().join(".atomdoc/cache");
        Owned::new(&cache, repo.path()).claim().unwrap();
        fs::write(cache.join("snapshot.bin"), "x").unwrap();
        assert!(check(&cache).is_ok());
    }

    #[test]
    fn a_claimed_folder_is_tagged_and_ignored_by_version_control() {
        let repo = tempfile::tempdir().unwrap();
        let cache = repo.path().join(".atomdoc/cache");
        let owned = Owned::new(&cache, repo.path());
        owned.claim().unwrap();
        assert_eq!(fs::read_to_string(cache.join(TAG_FILE)).unwrap(), TAG_TEXT);
        assert_eq!(
            fs::read_to_string(cache.join(GITIGNORE_FILE)).unwrap(),
            GITIGNORE_TEXT
        );
        // A cache from before the ignore file gets one; an edited one is kept.
        fs::remove_file(cache.join(GITIGNORE_FILE)).unwrap();
        owned.claim().unwrap();
        assert!(cache.join(GITIGNORE_FILE).is_file());
        fs::write(cache.join(GITIGNORE_FILE), "*\n!keep\n").unwrap();
        owned.claim().unwrap();
        assert_eq!(
            fs::read_to_string(cache.join(GITIGNORE_FILE)).unwrap(),
            "*\n!keep\n"
        );
    }

    #[test]
    fn a_symlinked_folder_inside_the_cache_is_neither_followed_nor_swept() {
        let repo = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        let victim = outside.path().join(format!("{}.bin", "cd".repeat(32)));
        fs::write(&victim, "not atomdoc's").unwrap();
        let cache = repo.path().join(".atomdoc/cache");
        let owned = Owned::new(&cache, repo.path());
        owned.claim().unwrap();
        std::os::unix::fs::symlink(outside.path(), cache.join("parts")).unwrap();
        owned.sweep("parts", |n, _| is_part_file(n), |_| false);
        assert!(owned.write("parts/x.bin", b"x").is_err());
        assert!(victim.exists());
        assert_eq!(fs::read_dir(outside.path()).unwrap().count(), 1);
    }
}
