//! The one writer: every byte atomdoc writes goes through [`write`], which takes a
//! [`Destination`] that proves where it lands. A destination is made only by the module that
//! checked it:
//!
//! - [`Place::Cache`] by [`super::owned::Owned`] (a file in the verified cache folder);
//! - [`Place::Output`] by [`super::output`] (a file a user named, checked by its rules);
//! - [`Place::State`] by [`super::owned::state_file`] (atomdoc's own files in the
//!   repository's `.atomdoc/` folder: saved queries), every folder down to it a real one;
//! - [`Place::Document`] by [`super::edit`] alone, for an approved change of the docs tree
//!   (`mv`, `fix`, `undo`): made only after every file the change relies on was checked to
//!   hold the text the plan was made from; nothing else can write in the docs tree;
//! - [`Place::Journal`] by [`super::owned::Owned::write_synced`] (the refactoring journal in
//!   the cache folder, which must survive a power loss before the first change).
//!
//! A regular file (or no file yet) is replaced whole: a temporary file beside it, created
//! exclusively, renamed into place, so a reader — or a run killed half-way — sees the old file
//! or the new one, never a part. A pipe or a character device a user named is written in
//! place, never renamed over; a pipe nobody opens for reading within 3 s is an error.
//!
//! Must not: decide whether a path is allowed (the constructors did), print.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// Whether a write must survive a power loss (`sync` before the rename). Cache files need not:
/// a torn cache file fails its checksum and is rebuilt. What a user asked for does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Durability {
    Synced,
    Unsynced,
}

/// Where a write lands: a checked path and what kind of place it is. Its fields are private
/// and its constructors `pub(super)`, so only `boundary` makes one, and holding one proves
/// the check was made.
#[derive(Debug)]
pub struct Destination {
    path: PathBuf,
    place: Place,
}

/// The kinds of place atomdoc writes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    /// A file in atomdoc's verified cache folder: replaced unsynced (a torn cache file fails
    /// its checksum and is rebuilt).
    Cache,
    /// A file a user named: replaced synced; a pipe or a character device (`in_place`)
    /// written into, never renamed over.
    Output { in_place: bool },
    /// One of atomdoc's own files in the repository (`.atomdoc/queries/NAME.aq`): replaced
    /// synced.
    State,
    /// A file of the docs tree (or a referrer) that an approved change replaces
    /// (`super::edit::Approved`): replaced synced.
    Document,
    /// A file in the cache folder that must survive a power loss (the refactoring journal):
    /// replaced synced.
    Journal,
}

impl Destination {
    /// A file in the cache folder `super::owned::Owned` verified.
    pub(super) fn cache(path: PathBuf) -> Destination {
        Destination {
            path,
            place: Place::Cache,
        }
    }

    /// A file a user named, checked by `super::output::check`.
    pub(super) fn output(path: PathBuf, in_place: bool) -> Destination {
        Destination {
            path,
            place: Place::Output { in_place },
        }
    }

    /// atomdoc's own file in the repository, in real folders (`super::owned::state_file`).
    pub(super) fn state(path: PathBuf) -> Destination {
        Destination {
            path,
            place: Place::State,
        }
    }

    /// A file of the docs tree an approved change replaces (`super::edit::Approved`).
    pub(super) fn document(path: PathBuf) -> Destination {
        Destination {
            path,
            place: Place::Document,
        }
    }

    /// A synced file in the cache folder `super::owned::Owned` verified.
    pub(super) fn journal(path: PathBuf) -> Destination {
        Destination {
            path,
            place: Place::Journal,
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn place(&self) -> Place {
        self.place
    }
}

/// Writes `bytes` to `to` (see the module docs).
pub fn write(to: &Destination, bytes: &[u8]) -> io::Result<()> {
    match to.place {
        Place::Cache => replace(&to.path, bytes, Durability::Unsynced),
        Place::Output { in_place: true } => write_in_place(&to.path, bytes),
        Place::Output { in_place: false } | Place::State | Place::Document | Place::Journal => {
            replace(&to.path, bytes, Durability::Synced)
        }
    }
}

/// Makes the user's data folder `dir` (and its parents) for the REPL history, which lies
/// outside every repository; rustyline reads and appends the history file itself.
pub fn user_folder(dir: &Path) -> io::Result<()> {
    fs::create_dir_all(dir)
}

/// Writes `bytes` to a new temporary file beside `path` (created exclusively, so a file or
/// symlink already there is never followed), then renames it over `path`. On failure the
/// temporary file is removed and `path` is untouched.
fn replace(path: &Path, bytes: &[u8], durability: Durability) -> io::Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "atomdoc".into());
    let mut attempt = 0u32;
    let (tmp, mut file) = loop {
        let tmp = dir.join(format!(".{name}.{}.{attempt}.tmp", std::process::id()));
        match fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)
        {
            Ok(f) => break (tmp, f),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists && attempt < 100 => attempt += 1,
            Err(e) => return Err(e),
        }
    };
    let written = file
        .write_all(bytes)
        .and_then(|()| match durability {
            Durability::Synced => file.sync_all(),
            Durability::Unsynced => Ok(()),
        })
        .and_then(|()| {
            drop(file);
            fs::rename(&tmp, path)
        });
    if written.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    written
}

/// Writes into a pipe or a device without replacing it.
#[cfg(unix)]
fn write_in_place(path: &Path, bytes: &[u8]) -> io::Result<()> {
    use std::os::unix::fs::{FileTypeExt, OpenOptionsExt};
    let fifo = fs::metadata(path)?.file_type().is_fifo();
    let _probe = if fifo {
        // Opening a pipe for writing blocks until a reader comes. A reader started just
        // before atomdoc (`reader < pipe & atomdoc export -o pipe`) may not have opened it
        // yet, so wait for one a little, never for ever.
        let started = std::time::Instant::now();
        loop {
            match fs::OpenOptions::new()
                .write(true)
                .custom_flags(super::read::O_NONBLOCK)
                .open(path)
            {
                Ok(probe) => break Some(probe),
                Err(e) if e.raw_os_error() == Some(ENXIO) && started.elapsed() < READER_WAIT => {
                    std::thread::sleep(std::time::Duration::from_millis(10));
                }
                Err(e) if e.raw_os_error() == Some(ENXIO) => {
                    return Err(io::Error::other(format!(
                        "it is a named pipe that no process read within {} s; start the reader first",
                        READER_WAIT.as_secs()
                    )));
                }
                Err(e) => return Err(e),
            }
        }
    } else {
        None
    };
    let mut file = fs::OpenOptions::new().write(true).open(path)?;
    file.write_all(bytes)?;
    file.flush()
}

#[cfg(not(unix))]
fn write_in_place(_: &Path, _: &[u8]) -> io::Result<()> {
    Err(io::Error::other("not a regular file"))
}

/// How long a write to a named pipe waits for a reader to open it.
#[cfg(unix)]
const READER_WAIT: std::time::Duration = std::time::Duration::from_secs(3);

/// "No such device or address": opening a pipe for writing without a reader, non-blocking.
#[cfg(unix)]
const ENXIO: i32 = 6;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_whole_and_leaves_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.txt");
        replace(&path, b"first", Durability::Synced).unwrap();
        replace(&path, b"second", Durability::Unsynced).unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"second");
        let names: Vec<_> = fs::read_dir(dir.path()).unwrap().flatten().collect();
        assert_eq!(names.len(), 1);
    }

    #[test]
    fn a_failed_write_keeps_the_old_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.txt");
        replace(&path, b"old", Durability::Synced).unwrap();
        // A folder in the way of the rename: the write fails, the temporary file is gone.
        let blocked = dir.path().join("sub");
        fs::create_dir(&blocked).unwrap();
        fs::write(blocked.join("x"), b"").unwrap();
        assert!(replace(&blocked, b"new", Durability::Synced).is_err());
        assert_eq!(fs::read(&path).unwrap(), b"old");
        let tmp: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .flatten()
            .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
            .collect();
        assert!(tmp.is_empty());
    }
}
