//! Writing a file whole: every file atomdoc writes (cache files, baselines, drawings, saved
//! queries, history) goes through [`write`], so a reader — or a run killed half-way — sees the
//! old file or the new one, never a part.

use std::fs;
use std::io::{self, Write};
use std::path::Path;

/// Whether a write must survive a power loss (`sync` before the rename). Cache files need not:
/// a torn cache file fails its checksum and is rebuilt. What a user asked for does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Durability {
    Synced,
    Unsynced,
}

/// Writes `bytes` to a new temporary file beside `path` (created exclusively, so a file or
/// symlink already there is never followed), then renames it over `path`. On failure the
/// temporary file is removed and `path` is untouched.
pub fn write(path: &Path, bytes: &[u8], durability: Durability) -> io::Result<()> {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_whole_and_leaves_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.txt");
        write(&path, b"first", Durability::Synced).unwrap();
        write(&path, b"second", Durability::Unsynced).unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"second");
        let names: Vec<_> = fs::read_dir(dir.path()).unwrap().flatten().collect();
        assert_eq!(names.len(), 1);
    }

    #[test]
    fn a_failed_write_keeps_the_old_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.txt");
        write(&path, b"old", Durability::Synced).unwrap();
        // A folder in the way of the rename: the write fails, the temporary file is gone.
        let blocked = dir.path().join("sub");
        fs::create_dir(&blocked).unwrap();
        fs::write(blocked.join("x"), b"").unwrap();
        assert!(write(&blocked, b"new", Durability::Synced).is_err());
        assert_eq!(fs::read(&path).unwrap(), b"old");
        let tmp: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .flatten()
            .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
            .collect();
        assert!(tmp.is_empty());
    }
}
