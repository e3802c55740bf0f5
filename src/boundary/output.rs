//! Files a user names: `export -o`, REPL `:export`, `check --write-baseline` — one rule for
//! all three.
//!
//! - `-` is standard output (the caller prints there; see [`Target`]);
//! - no file there, or a regular file: written atomically (a temporary file renamed over it);
//! - a named pipe or a character device (`/dev/null`, `/dev/stdout`): written in place, never
//!   renamed over; a pipe nobody opens for reading within 3 s is an error, not a hang;
//! - a symlink: followed, and its final target obeys the same rules — except that a symlink
//!   inside the repository must not lead out of it (the repository may be a stranger's);
//! - a folder, a socket, a block device: an error;
//! - never inside the docs tree (when the docs root is the repository itself, never a
//!   Markdown file, which would become a document).

use std::fs;
use std::path::{Path, PathBuf};

use super::owned::resolved;
use super::read;
use super::write::Destination;
use crate::config::Location;

/// Where a user asked output to go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    Stdout,
    File(PathBuf),
}

impl Target {
    /// `-` is standard output; anything else a file.
    pub fn parse(path: &Path) -> Target {
        if path.as_os_str() == "-" {
            Target::Stdout
        } else {
            Target::File(path.to_path_buf())
        }
    }
}

/// Where a write to `path` would land, or why atomdoc refuses to write there. Check this
/// before doing expensive work (rendering through Graphviz); [`write`] checks again.
pub fn check(path: &Path, location: &Location) -> Result<PathBuf, String> {
    let shown = path.display();
    let link = fs::symlink_metadata(path);
    let landing = match &link {
        Ok(m) if m.file_type().is_symlink() => {
            let target = path.canonicalize().map_err(|_| {
                format!("cannot write {shown}: it is a symlink to nothing; remove it or name another file")
            })?;
            let repo = location
                .repo
                .canonicalize()
                .unwrap_or_else(|_| location.repo.clone());
            if read::lies_in(path, &location.repo) && !target.starts_with(&repo) {
                return Err(format!(
                    "refusing to write {shown}: it is a symlink inside the repository leading outside it ({}); name that file directly if you mean it",
                    target.display()
                ));
            }
            target
        }
        _ => {
            let absolute = read::absolute(path);
            let parent = absolute.parent().unwrap_or(Path::new("/"));
            if !parent.is_dir() {
                return Err(format!("cannot write {shown}: its folder does not exist"));
            }
            if absolute.file_name().is_none() {
                return Err(format!("cannot write {shown}: name a file"));
            }
            resolved(&absolute)
        }
    };
    let docs = resolved(&location.repo.join(&location.root));
    let markdown = landing.extension().is_some_and(|x| x == "md");
    if landing.starts_with(&docs) && (!location.root.is_empty() || markdown) {
        return Err(format!(
            "refusing to write {shown} inside the docs tree ({}); atomdoc never writes there, so choose a file outside it",
            docs.display()
        ));
    }
    match fs::metadata(&landing) {
        Ok(m) if m.is_dir() => Err(format!("cannot write {shown}: it is a folder; name a file")),
        Ok(m) if !m.is_file() && !writable_in_place(&m) => Err(format!(
            "cannot write {shown}: it is neither a regular file, a pipe nor a character device"
        )),
        _ => Ok(landing),
    }
}

#[cfg(unix)]
fn writable_in_place(m: &fs::Metadata) -> bool {
    use std::os::unix::fs::FileTypeExt;
    m.file_type().is_fifo() || m.file_type().is_char_device()
}

#[cfg(not(unix))]
fn writable_in_place(_: &fs::Metadata) -> bool {
    false
}

/// Writes `bytes` to the file a user named (see the module docs for the rules).
pub fn write(path: &Path, location: &Location, bytes: &[u8]) -> Result<(), String> {
    let landing = check(path, location)?;
    let in_place = fs::metadata(&landing).is_ok_and(|m| !m.is_file());
    super::write::write(&Destination::output(landing, in_place), bytes)
        .map_err(|e| format!("cannot write {}: {e}", path.display()))
}
