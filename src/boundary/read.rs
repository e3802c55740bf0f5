//! The one reader of files in the repository and its cache: configuration, ignore-file
//! checks, saved queries, query files, the baseline, the cache's snapshot, parts and tag,
//! excerpts, and (through `corpus::scan`) the documents and referrers. Looking at a file
//! without reading it (its metadata, a folder's entries, where a symlink leads) is here too,
//! so no other module uses `std::fs`.
//!
//! A file is opened with `O_NONBLOCK` (a named pipe returns at once instead of waiting for a
//! writer) and checked to be a regular file *through the open handle*, so a file swapped for
//! a pipe or a device after any earlier check is still refused; the read itself is capped, so
//! a file that grows after its size was looked at is cut off. Errors are short phrases
//! ("not a regular file", "a symlink leading outside the repository; …"): callers name the
//! file.

use std::fs;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

/// Which symlinks may be followed on the way to a file.
#[derive(Debug, Clone, Copy)]
pub enum Links<'a> {
    /// Only those that stay inside this repository: files the repository provides.
    Inside(&'a Path),
    /// None: the path itself must be the regular file (the cache's own files).
    Never,
    /// Any: a file the user named outside the repository.
    Follow,
}

impl<'a> Links<'a> {
    /// The rule for a path the user named: inside `repo` (as written, or once its folder is
    /// resolved) it must not lead out of it; elsewhere it is the user's own business.
    pub fn named(repo: &'a Path, path: &Path) -> Links<'a> {
        if lies_in(path, repo) {
            Links::Inside(repo)
        } else {
            Links::Follow
        }
    }
}

/// Whether `path`, as written (made absolute against the current folder) or with its folder
/// resolved, lies in `folder`.
pub fn lies_in(path: &Path, folder: &Path) -> bool {
    let absolute = std::env::current_dir()
        .map(|cwd| cwd.join(path))
        .unwrap_or_else(|_| path.to_path_buf());
    let canonical_folder = folder
        .canonicalize()
        .unwrap_or_else(|_| folder.to_path_buf());
    let resolved_parent = absolute
        .parent()
        .and_then(|p| p.canonicalize().ok())
        .zip(absolute.file_name())
        .map(|(p, n)| p.join(n));
    absolute.starts_with(folder)
        || absolute.starts_with(&canonical_folder)
        || resolved_parent.is_some_and(|p| p.starts_with(&canonical_folder))
}

/// "Too many levels of symbolic links": what opening a symlink with `O_NOFOLLOW` fails with
/// (`std::io::ErrorKind::FilesystemLoop` is unstable).
#[cfg(target_os = "linux")]
pub const ELOOP: i32 = 40;
#[cfg(not(target_os = "linux"))]
pub const ELOOP: i32 = 62;

#[cfg(any(target_os = "linux", target_os = "android"))]
pub(crate) const O_NONBLOCK: i32 = 0o4000;
#[cfg(all(unix, not(any(target_os = "linux", target_os = "android"))))]
pub(crate) const O_NONBLOCK: i32 = 0x0004;
#[cfg(any(target_os = "linux", target_os = "android"))]
pub(crate) const O_NOFOLLOW: i32 = 0o400000;
#[cfg(all(unix, not(any(target_os = "linux", target_os = "android"))))]
pub(crate) const O_NOFOLLOW: i32 = 0x0100;

/// Opens `path` for reading without blocking and returns it only when it is a regular file.
pub fn open(path: &Path, links: Links<'_>) -> io::Result<fs::File> {
    Ok(open_regular(path, links)?.0)
}

/// [`open`], with the metadata of the handle opened.
fn open_regular(path: &Path, links: Links<'_>) -> io::Result<(fs::File, Metadata)> {
    if let Links::Inside(repo) = links {
        let meta = fs::symlink_metadata(path)?;
        if meta.file_type().is_symlink() {
            let target = path.canonicalize()?;
            let repo = repo.canonicalize()?;
            if !target.starts_with(repo) {
                return Err(io::Error::other(
                    "it is a symlink leading outside the repository; make it a regular file",
                ));
            }
        }
    }
    let file = open_flags(path, O_NONBLOCK | no_follow(links)).map_err(|e| {
        if e.raw_os_error() == Some(ELOOP) && matches!(links, Links::Never) {
            io::Error::other("a symlink where atomdoc keeps a file of its own")
        } else {
            e
        }
    })?;
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Err(io::Error::other("not a regular file"));
    }
    Ok((file, meta))
}

fn no_follow(links: Links<'_>) -> i32 {
    match links {
        Links::Never => O_NOFOLLOW,
        Links::Inside(_) | Links::Follow => 0,
    }
}

#[cfg(unix)]
fn open_flags(path: &Path, flags: i32) -> io::Result<fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    fs::OpenOptions::new()
        .read(true)
        .custom_flags(flags)
        .open(path)
}

#[cfg(not(unix))]
fn open_flags(path: &Path, _flags: i32) -> io::Result<fs::File> {
    fs::File::open(path)
}

/// Reads at most `max` bytes; `None` when the file holds more.
pub fn read_capped(path: &Path, links: Links<'_>, max: u64) -> io::Result<Option<Vec<u8>>> {
    let (file, meta) = open_regular(path, links)?;
    // One allocation of the file's size (plus the byte that tells it grew past the cap)
    // instead of a buffer doubling from a few bytes: fewer fresh pages on a cold load.
    let size = meta.len().min(max);
    let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0).saturating_add(1));
    file.take(max.saturating_add(1)).read_to_end(&mut bytes)?;
    Ok((bytes.len() as u64 <= max).then_some(bytes))
}

/// Reads the whole file; more than `max` bytes is an error.
pub fn read(path: &Path, links: Links<'_>, max: u64) -> io::Result<Vec<u8>> {
    read_capped(path, links, max)?
        .ok_or_else(|| io::Error::other(format!("larger than {max} bytes; is it the right file?")))
}

/// [`read`], as UTF-8 text.
pub fn read_text(path: &Path, links: Links<'_>, max: u64) -> io::Result<String> {
    String::from_utf8(read(path, links, max)?).map_err(|_| io::Error::other("not valid UTF-8"))
}

/// Whether `path` is itself a real folder (not a symlink to one).
pub fn is_real_dir(path: &Path) -> bool {
    fs::symlink_metadata(path).is_ok_and(|m| m.is_dir())
}

/// A file's metadata, as the filesystem reports it.
pub use std::fs::Metadata;

/// The metadata of what `path` leads to (symlinks followed).
pub fn metadata(path: &Path) -> io::Result<Metadata> {
    fs::metadata(path)
}

/// The metadata of `path` itself (a symlink is not followed).
pub fn symlink_metadata(path: &Path) -> io::Result<Metadata> {
    fs::symlink_metadata(path)
}

/// `path` with every symlink resolved (it must exist).
pub fn canonical(path: &Path) -> io::Result<PathBuf> {
    path.canonicalize()
}

/// The inode number and the status-change time (ns since the Unix epoch) of a file; zeros
/// where the platform has none.
pub fn inode_and_ctime(meta: &Metadata) -> (u64, i128) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        (
            meta.ino(),
            i128::from(meta.ctime()) * 1_000_000_000 + i128::from(meta.ctime_nsec()),
        )
    }
    #[cfg(not(unix))]
    {
        let _ = meta;
        (0, 0)
    }
}

/// What a stat of one path found: enough to tell whether a file changed since last time.
///
/// Size and mtime alone are not: `cp -p`, `tar -x`, `rsync -t` or any tool that restores
/// mtimes can change a file's content and keep both. The inode (a file replaced by a rename
/// has a new one) and the change time (set by the kernel on every write, rename or `utime`
/// call; no user tool can set it back) close that gap.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Stat {
    pub is_dir: bool,
    pub size: u64,
    /// Modification time in nanoseconds since the Unix epoch (0 when unknown).
    pub mtime: i128,
    /// Inode number (0 where the platform has none).
    pub inode: u64,
    /// Status change time (ctime) in nanoseconds since the Unix epoch (0 where unknown).
    pub ctime: i128,
}

impl Stat {
    /// What `meta` says.
    fn of(meta: &Metadata) -> Stat {
        let mtime = meta
            .modified()
            .ok()
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
            .map_or(0, |d| d.as_nanos() as i128);
        let (inode, ctime) = inode_and_ctime(meta);
        Stat {
            is_dir: meta.is_dir(),
            size: meta.len(),
            mtime,
            inode,
            ctime,
        }
    }
}

/// The [`Stat`] of what `path` leads to (symlinks followed).
pub fn stat(path: &Path) -> io::Result<Stat> {
    fs::metadata(path).map(|m| Stat::of(&m))
}

/// A folder held open, so that the files in it are statted by name relative to it: the kernel
/// looks up one name instead of resolving the whole path from the root again, component by
/// component (at 100,000 files, that second resolution was half the cost of a stat walk).
pub struct Folder {
    path: PathBuf,
    #[cfg(target_os = "linux")]
    handle: std::os::fd::OwnedFd,
}

impl Folder {
    /// Opens the folder `path` (a symlink to a folder is followed) for statting what is in it;
    /// nothing is read.
    pub fn open(path: &Path) -> io::Result<Folder> {
        #[cfg(target_os = "linux")]
        {
            use rustix::fs::{Mode, OFlags};
            let flags = OFlags::PATH | OFlags::DIRECTORY | OFlags::CLOEXEC;
            Ok(Folder {
                path: path.to_path_buf(),
                handle: rustix::fs::open(path, flags, Mode::empty())?,
            })
        }
        #[cfg(not(target_os = "linux"))]
        Ok(Folder {
            path: path.to_path_buf(),
        })
    }

    /// The folder's path, as opened.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// [`stat`] of the entry `name` of this folder: the same answer (a symlink followed),
    /// through a `statx` relative to the folder's handle where there is one.
    pub fn stat(&self, name: &std::ffi::OsStr) -> io::Result<Stat> {
        #[cfg(target_os = "linux")]
        {
            use rustix::fs::{AtFlags, FileType, StatxFlags};
            let nanos = |t: rustix::fs::StatxTimestamp| {
                i128::from(t.tv_sec) * 1_000_000_000 + i128::from(t.tv_nsec)
            };
            // Gone, or a kernel without `statx`: the path's own answer below.
            let flags = StatxFlags::BASIC_STATS;
            if let Ok(x) = rustix::fs::statx(&self.handle, name, AtFlags::empty(), flags) {
                return Ok(Stat {
                    is_dir: FileType::from_raw_mode(u32::from(x.stx_mode)) == FileType::Directory,
                    size: x.stx_size,
                    // Like `Stat::of`: a time before the epoch is unknown.
                    mtime: if x.stx_mtime.tv_sec < 0 {
                        0
                    } else {
                        nanos(x.stx_mtime)
                    },
                    inode: x.stx_ino,
                    ctime: nanos(x.stx_ctime),
                });
            }
        }
        stat(&self.path.join(name))
    }
}

/// What a path leads to (symlinks followed), without opening it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    File,
    Dir,
    /// A pipe, a socket, a device.
    Other,
}

/// The [`Kind`] of what `path` leads to; `None` when nothing is there.
pub fn kind(path: &Path) -> Option<Kind> {
    let meta = fs::metadata(path).ok()?;
    Some(if meta.is_file() {
        Kind::File
    } else if meta.is_dir() {
        Kind::Dir
    } else {
        Kind::Other
    })
}

/// Whether anything is at `path` (symlinks followed: a dangling one is nothing).
pub fn exists(path: &Path) -> bool {
    fs::metadata(path).is_ok()
}

/// The entries of the folder `dir`, each with its own metadata (symlinks not followed);
/// any error fails the whole listing.
pub fn entries(dir: &Path) -> io::Result<Vec<(String, Metadata)>> {
    let mut out = Vec::new();
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        out.push((
            entry.file_name().to_string_lossy().into_owned(),
            entry.metadata()?,
        ));
    }
    Ok(out)
}

/// The names (valid UTF-8 only) of the entries of `dir`; none when it cannot be read.
pub fn file_names(dir: &Path) -> Vec<String> {
    fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| e.file_name().into_string().ok())
        .collect()
}

/// `path` made absolute against the current folder (no symlink resolved).
pub fn absolute(path: &Path) -> PathBuf {
    std::env::current_dir()
        .map(|cwd| cwd.join(path))
        .unwrap_or_else(|_| path.to_path_buf())
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    fn fifo(path: &Path) {
        let ok = std::process::Command::new("mkfifo")
            .arg(path)
            .status()
            .unwrap();
        assert!(ok.success());
    }

    #[test]
    fn only_regular_files_inside_the_repository_are_read() {
        let outside = tempfile::tempdir().unwrap();
        let repo = tempfile::tempdir().unwrap();
        let secret = outside.path().join("secret");
        fs::write(&secret, "secret").unwrap();
        fs::write(repo.path().join("ok"), "fine").unwrap();
        std::os::unix::fs::symlink(&secret, repo.path().join("out")).unwrap();
        std::os::unix::fs::symlink("ok", repo.path().join("in")).unwrap();
        std::os::unix::fs::symlink("/dev/zero", repo.path().join("zero")).unwrap();
        fifo(&repo.path().join("pipe"));
        let inside = Links::Inside(repo.path());
        let at = |n: &str| repo.path().join(n);
        assert_eq!(read_text(&at("ok"), inside, 10).unwrap(), "fine");
        assert_eq!(read_text(&at("in"), inside, 10).unwrap(), "fine");
        let err = read_text(&at("out"), inside, 10).unwrap_err().to_string();
        assert!(err.contains("outside the repository"), "{err}");
        assert!(read_text(&at("zero"), inside, 10).is_err());
        let err = read_text(&at("pipe"), inside, 10).unwrap_err().to_string();
        assert_eq!(err, "not a regular file");
        assert!(read_text(&at("in"), Links::Never, 10).is_err());
        assert!(read_text(&at("ok"), inside, 2).is_err());
        assert_eq!(read_capped(&at("ok"), Links::Never, 2).unwrap(), None);
    }
}
