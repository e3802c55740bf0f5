//! Carrying a [`Plan`] out on disk without ever losing a byte, recovering from a crash, and
//! `undo`.
//!
//! 1. the plan was made in memory, from texts whose hashes it records;
//! 2. [`boundary::edit::approve`](crate::boundary::edit::approve) checks, right before the
//!    first change, that every file to be written or moved still holds exactly that text and
//!    that every destination is free (an editor saved in between → nothing changes);
//! 3. the journal — every edited file's old and new text, the moves, in order — is written
//!    and synced in the cache folder ([`JOURNAL_FILE`]); then each file is replaced
//!    atomically (temporary file, fsync, rename, fsync of the folder), then the moves are made
//!    (each rename synced), then folders a move emptied are removed;
//! 4. the journal is renamed to [`UNDO_FILE`]: the operation is complete.
//!
//! A crash at any point leaves the journal. [`recover`], which `cli` runs before every
//! command reads the tree, completes the operation when every file already holds its new
//! text (only moves were left) and rolls it back otherwise, saying which: the tree ends
//! byte-identical to before or after, never between. [`undo`] reverts the last `mv` or `fix`
//! while every file it touched is still as it left it, through the same steps.
//!
//! Must not: print (messages are returned), touch the tree except through an
//! `boundary::edit::Approved`.

use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::plan::{FileState, Move, Plan, map_path};
use crate::boundary::edit::{self, Approved, Refused, Request, hash};
use crate::boundary::owned::Owned;
use crate::boundary::read::{self, Links};

/// The journal of an operation under way, in the cache folder.
pub const JOURNAL_FILE: &str = "refactor-journal.json";
/// The record of the last completed `mv` or `fix`, which `undo` reverts.
pub const UNDO_FILE: &str = "refactor-undo.json";
const VERSION: u32 = 1;
/// The largest journal read back (it holds the old and new text of every file edited).
const MAX_JOURNAL_BYTES: u64 = 4 << 30;

fn ours(name: &str) -> bool {
    name == JOURNAL_FILE || name == UNDO_FILE
}

/// One operation: what it changes, with every edited file's text before and after.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Journal {
    pub version: u32,
    /// The command, for messages: `atomdoc mv docs/a.md docs/b.md`.
    pub command: String,
    /// The docs root (repo-relative): folders a move empties are removed up to it.
    pub root: String,
    pub moves: Vec<Move>,
    /// Edited files, by their path before the moves.
    pub files: Vec<Edited>,
    /// Files moved as they are, by their path before the moves.
    pub kept: Vec<FileState>,
    /// Whether completing it leaves a record for `undo` (an `undo` leaves none).
    pub undoable: bool,
}

/// An edited file's text before and after.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Edited {
    pub path: String,
    pub old: String,
    pub new: String,
}

/// Where the operation happens: the repository and the cache folder that holds its journal.
pub struct Disk<'a> {
    pub repo: &'a Path,
    pub cache: &'a Owned,
}

/// Why an operation could not be carried out, recovered or undone.
#[derive(Debug, thiserror::Error)]
pub enum JournalError {
    #[error("{0}")]
    Refused(#[from] Refused),
    /// A change failed half-way (disk full, permissions): the journal stays, and the next
    /// command rolls the operation back.
    #[error(
        "{what} failed half-way: {why}; the next atomdoc command restores the tree from the journal in {journal}"
    )]
    Interrupted {
        what: String,
        why: String,
        journal: String,
    },
    #[error("cannot write the journal in {dir}: {why}; nothing was changed")]
    Journal { dir: String, why: String },
    /// A journal or undo record that cannot be read.
    #[error("cannot read {path}: {why}; restore the tree by hand (e.g. from git) and delete it")]
    Unreadable { path: String, why: String },
    /// Recovery found a file holding neither its old nor its new text.
    #[error(
        "cannot recover the interrupted `{command}`: `{path}` holds neither its text before nor after; restore it (e.g. from git), or delete {journal} to leave the tree as it is"
    )]
    Diverged {
        command: String,
        path: String,
        journal: String,
    },
    #[error("nothing to undo: no `atomdoc mv` or `atomdoc fix` was completed with this cache")]
    NothingToUndo,
    /// `undo` when a file was changed since.
    #[error(
        "cannot undo `{command}`: `{path}` changed since it did; undo it by hand (e.g. with git)"
    )]
    Changed { command: String, path: String },
}

impl Journal {
    /// The journal of carrying out `plan`, from the texts it was made from (`old`, by path).
    pub fn of(
        command: &str,
        root: &str,
        plan: &Plan,
        old: &dyn Fn(&str) -> Option<String>,
    ) -> Result<Journal, Refused> {
        let mut files = Vec::new();
        for edit in &plan.edits {
            let text = old(&edit.path)
                .filter(|t| hash(t.as_bytes()) == edit.original_hash)
                .ok_or_else(|| Refused::Changed(edit.path.clone()))?;
            files.push(Edited {
                path: edit.path.clone(),
                new: edit.apply(&text),
                old: text,
            });
        }
        Ok(Journal {
            version: VERSION,
            command: command.into(),
            root: root.into(),
            moves: plan.moves.clone(),
            files,
            kept: plan.checks.clone(),
            undoable: true,
        })
    }

    fn moved(&self, path: &str) -> String {
        self.moves.iter().fold(path.to_string(), |p, m| {
            map_path(&p, &m.from, &m.to).unwrap_or(p)
        })
    }

    /// The journal that reverts this one, from the state it left.
    fn reverse(&self) -> Journal {
        Journal {
            version: VERSION,
            command: format!("atomdoc undo ({})", self.command),
            root: self.root.clone(),
            moves: self
                .moves
                .iter()
                .rev()
                .map(|m| Move {
                    from: m.to.clone(),
                    to: m.from.clone(),
                    folder: m.folder,
                })
                .collect(),
            files: self
                .files
                .iter()
                .map(|f| Edited {
                    path: self.moved(&f.path),
                    old: f.new.clone(),
                    new: f.old.clone(),
                })
                .collect(),
            kept: self
                .kept
                .iter()
                .map(|k| FileState {
                    path: self.moved(&k.path),
                    hash: k.hash.clone(),
                })
                .collect(),
            undoable: false,
        }
    }

    /// What must hold before it starts: edited and kept files as planned, moved folders real,
    /// destinations free.
    fn request(&self) -> Request {
        Request {
            files: self
                .files
                .iter()
                .map(|f| (f.path.clone(), vec![hash(f.old.as_bytes())]))
                .chain(
                    self.kept
                        .iter()
                        .map(|k| (k.path.clone(), vec![k.hash.clone()])),
                )
                .collect(),
            folders: self
                .moves
                .iter()
                .filter(|m| m.folder)
                .map(|m| m.from.clone())
                .collect(),
            free: self.moves.iter().map(|m| m.to.clone()).collect(),
        }
    }
}

/// What a completed operation did, for its summary line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Done {
    pub files_edited: usize,
    pub moves: usize,
}

/// Carries out `journal` (see the module docs); `Ok` once it is complete.
pub fn carry_out(disk: &Disk, journal: &Journal) -> Result<Done, JournalError> {
    let mut approved = edit::approve(disk.repo, &journal.request())?;
    write_journal(disk, journal)?;
    run(disk, journal, &mut approved, 0)?;
    finish(disk, journal)?;
    Ok(Done {
        files_edited: journal.files.len(),
        moves: journal.moves.len(),
    })
}

fn journal_path(disk: &Disk) -> String {
    disk.cache.path().join(JOURNAL_FILE).display().to_string()
}

fn write_journal(disk: &Disk, journal: &Journal) -> Result<(), JournalError> {
    let bytes = serde_json::to_vec(journal).map_err(|e| JournalError::Journal {
        dir: disk.cache.path().display().to_string(),
        why: e.to_string(),
    })?;
    disk.cache
        .claim()
        .and_then(|()| disk.cache.write_synced(JOURNAL_FILE, &bytes))
        .map_err(|e| JournalError::Journal {
            dir: disk.cache.path().display().to_string(),
            why: e.to_string(),
        })
}

/// The changes themselves: every edit not done yet, then the moves from `first_move` on.
fn run(
    disk: &Disk,
    journal: &Journal,
    approved: &mut Approved,
    first_move: usize,
) -> Result<(), JournalError> {
    let failed = |what: String, e: std::io::Error| JournalError::Interrupted {
        what,
        why: e.to_string(),
        journal: journal_path(disk),
    };
    pause();
    // In parallel: each file's fsync waits on the disk, not on the processor. Any subset of
    // files written is a state recovery knows.
    let shared: &Approved = approved;
    journal.files.par_iter().try_for_each(|f| {
        pause();
        shared
            .replace(&f.path, f.new.as_bytes())
            .map_err(|e| failed(format!("writing {}", f.path), e))
    })?;
    approved
        .sync()
        .map_err(|e| failed("syncing the folders written".into(), e))?;
    for m in &journal.moves[first_move..] {
        approved
            .rename(&m.from, &m.to)
            .map_err(|e| failed(format!("moving {} to {}", m.from, m.to), e))?;
        approved.remove_empty_folders(parent(&m.from), &journal.root);
        pause();
    }
    Ok(())
}

/// For the crash tests only: `ATOMDOC_TEST_PAUSE_MS` makes each step of a change wait, so
/// a test can kill the process between steps of a small tree's change.
fn pause() {
    if let Some(ms) = std::env::var("ATOMDOC_TEST_PAUSE_MS")
        .ok()
        .and_then(|v| v.parse::<u64>().ok())
    {
        std::thread::sleep(std::time::Duration::from_millis(ms));
    }
}

fn parent(path: &str) -> &str {
    path.rsplit_once('/').map_or("", |(d, _)| d)
}

/// The journal becomes the undo record (or, for an undo, is deleted).
fn finish(disk: &Disk, journal: &Journal) -> Result<(), JournalError> {
    let done = if journal.undoable {
        disk.cache.rename(JOURNAL_FILE, UNDO_FILE, ours)
    } else {
        disk.cache.remove(UNDO_FILE, ours);
        disk.cache.remove(JOURNAL_FILE, ours);
        Ok(())
    };
    done.map_err(|e| JournalError::Interrupted {
        what: "closing the journal".into(),
        why: e.to_string(),
        journal: journal_path(disk),
    })
}

fn read_record(disk: &Disk, name: &str) -> Result<Option<Journal>, JournalError> {
    let path: PathBuf = disk.cache.path().join(name);
    if read::symlink_metadata(&path).is_err() {
        return Ok(None);
    }
    let unreadable = |why: String| JournalError::Unreadable {
        path: path.display().to_string(),
        why,
    };
    let bytes = read::read(&path, Links::Never, MAX_JOURNAL_BYTES)
        .map_err(|e| unreadable(e.to_string()))?;
    let journal: Journal = serde_json::from_slice(&bytes).map_err(|e| unreadable(e.to_string()))?;
    if journal.version != VERSION {
        return Err(unreadable(format!(
            "written by journal version {}",
            journal.version
        )));
    }
    Ok(Some(journal))
}

/// Finishes or rolls back an operation a crash interrupted, if any: `Ok(Some(message))`
/// saying which. Runs before anything else reads the tree.
pub fn recover(disk: &Disk) -> Result<Option<String>, JournalError> {
    let Some(journal) = read_record(disk, JOURNAL_FILE)? else {
        return Ok(None);
    };
    for f in &journal.files {
        edit::remove_temporaries(disk.repo, &f.path);
    }
    // How far the moves got: the first one whose source is still there.
    let exists = |p: &str| read::symlink_metadata(&disk.repo.join(p)).is_ok();
    let done_moves = journal
        .moves
        .iter()
        .take_while(|m| !exists(&m.from) && exists(&m.to))
        .count();
    let here = |path: &str| {
        journal.moves[..done_moves]
            .iter()
            .fold(path.to_string(), |p, m| {
                map_path(&p, &m.from, &m.to).unwrap_or(p)
            })
    };
    // Which text each edited file holds now.
    let mut all_new = true;
    for f in &journal.files {
        let bytes = read::read(
            &disk.repo.join(here(&f.path)),
            Links::Never,
            MAX_JOURNAL_BYTES,
        );
        let h = bytes.map(|b| hash(&b)).unwrap_or_default();
        if h == hash(f.new.as_bytes()) {
            continue;
        }
        all_new = false;
        if h != hash(f.old.as_bytes()) {
            return Err(JournalError::Diverged {
                command: journal.command.clone(),
                path: here(&f.path),
                journal: journal_path(disk),
            });
        }
    }
    // What may be touched to make `moves`: every journalled file in its old or new state, the
    // folders moved, the destinations free.
    let request = |moves: &[Move]| Request {
        files: journal
            .files
            .iter()
            .map(|f| {
                let state = vec![hash(f.old.as_bytes()), hash(f.new.as_bytes())];
                (here(&f.path), state)
            })
            .chain(
                journal
                    .kept
                    .iter()
                    .map(|k| (here(&k.path), vec![k.hash.clone()])),
            )
            .collect(),
        folders: moves
            .iter()
            .filter(|m| m.folder)
            .map(|m| m.from.clone())
            .collect(),
        free: moves.iter().map(|m| m.to.clone()).collect(),
    };
    if all_new {
        // Only moves were left: complete them.
        let mut approved = edit::approve(disk.repo, &request(&journal.moves[done_moves..]))?;
        for m in &journal.moves[..done_moves] {
            approved.remove_empty_folders(parent(&m.from), &journal.root);
        }
        let rest = Journal {
            files: Vec::new(),
            ..journal.clone()
        };
        run(disk, &rest, &mut approved, done_moves)?;
        finish(disk, &journal)?;
        return Ok(Some(format!(
            "note: completed `{}`, which was interrupted: the tree is as it left it",
            journal.command
        )));
    }
    // Roll back: undo the moves made, newest first, then restore every edited file.
    let back: Vec<Move> = journal.moves[..done_moves]
        .iter()
        .rev()
        .map(|m| Move {
            from: m.to.clone(),
            to: m.from.clone(),
            folder: m.folder,
        })
        .collect();
    let mut approved = edit::approve(disk.repo, &request(&back))?;
    let failed = |what: String, e: std::io::Error| JournalError::Interrupted {
        what,
        why: e.to_string(),
        journal: journal_path(disk),
    };
    for m in &back {
        approved
            .rename(&m.from, &m.to)
            .map_err(|e| failed(format!("moving {} back", m.from), e))?;
        approved.remove_empty_folders(parent(&m.from), &journal.root);
    }
    for f in &journal.files {
        approved
            .replace(&f.path, f.old.as_bytes())
            .map_err(|e| failed(format!("restoring {}", f.path), e))?;
    }
    approved
        .sync()
        .map_err(|e| failed("syncing the folders restored".into(), e))?;
    disk.cache.remove(JOURNAL_FILE, ours);
    Ok(Some(format!(
        "note: rolled back `{}`, which was interrupted: the tree is as it was before it",
        journal.command
    )))
}

/// Reverts the last completed `mv` or `fix` (see the module docs); returns its command.
pub fn undo(disk: &Disk) -> Result<(String, Done), JournalError> {
    let Some(last) = read_record(disk, UNDO_FILE)? else {
        return Err(JournalError::NothingToUndo);
    };
    let reverse = last.reverse();
    let done = carry_out(disk, &reverse).map_err(|e| match e {
        JournalError::Refused(Refused::Changed(path) | Refused::Taken(path)) => {
            JournalError::Changed {
                command: last.command.clone(),
                path,
            }
        }
        other => other,
    })?;
    Ok((last.command, done))
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;
    use std::fs;

    use super::*;
    use crate::config::Config;
    use crate::corpus::Corpus;
    use crate::refactor::disk::DiskSources;
    use crate::refactor::plan_move;

    const FILES: [(&str, &str); 4] = [
        (
            "docs/atomic/a/x.md",
            "# X\r\n\r\n[y](../b/y.md) `docs/atomic/b/y.md`\r\n",
        ),
        ("docs/atomic/b/y.md", "\u{feff}# Y\n\n[x](../a/x.md#x)  \n"),
        ("docs/atomic/b/pic.png", "\u{89}PNG"),
        ("README.md", "[y](docs/atomic/b/y.md)\n"),
    ];

    /// Every file under the repository except the cache, with its bytes.
    fn snapshot(repo: &Path) -> BTreeMap<String, Vec<u8>> {
        fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
            for e in fs::read_dir(dir).unwrap().flatten() {
                let p = e.path();
                let rel = p.strip_prefix(root).unwrap().to_string_lossy().into_owned();
                if rel == ".atomdoc" {
                    continue;
                }
                if p.is_dir() {
                    out.insert(format!("{rel}/"), Vec::new());
                    walk(root, &p, out);
                } else {
                    out.insert(rel, fs::read(&p).unwrap());
                }
            }
        }
        let mut out = BTreeMap::new();
        walk(repo, repo, &mut out);
        out
    }

    struct Setup {
        dir: tempfile::TempDir,
        cache: Owned,
    }

    fn setup() -> Setup {
        let dir = tempfile::tempdir().unwrap();
        for (p, t) in FILES {
            let full = dir.path().join(p);
            fs::create_dir_all(full.parent().unwrap()).unwrap();
            fs::write(full, t).unwrap();
        }
        let cache = Owned::new(&dir.path().join(".atomdoc/cache"), dir.path());
        Setup { dir, cache }
    }

    /// The journal of moving folder `b` to `c/b`.
    fn journal(s: &Setup) -> Journal {
        let corpus = Corpus::from_files("docs/atomic", &FILES, &Config::default());
        let sources = DiskSources::new(s.dir.path(), 1 << 20);
        let plan = plan_move(&corpus, &sources, "docs/atomic/b", "docs/atomic/c/b").unwrap();
        Journal::of("atomdoc mv b c/b", "docs/atomic", &plan, &|p| {
            sources.get(p)
        })
        .unwrap()
    }

    fn disk(s: &Setup) -> Disk<'_> {
        Disk {
            repo: s.dir.path(),
            cache: &s.cache,
        }
    }

    #[test]
    fn a_file_changed_between_plan_and_write_aborts_with_nothing_changed() {
        let s = setup();
        let j = journal(&s);
        let y = s.dir.path().join("docs/atomic/b/y.md");
        fs::write(&y, "# Y, saved by an editor\n").unwrap();
        let before = snapshot(s.dir.path());
        let err = carry_out(&disk(&s), &j).unwrap_err();
        assert!(
            matches!(&err, JournalError::Refused(Refused::Changed(p)) if p == "docs/atomic/b/y.md"),
            "{err}"
        );
        assert_eq!(snapshot(s.dir.path()), before);
        assert!(!s.cache.path().join(JOURNAL_FILE).exists());
    }

    #[test]
    fn a_change_and_its_undo() {
        let s = setup();
        let before = snapshot(s.dir.path());
        let j = journal(&s);
        carry_out(&disk(&s), &j).unwrap();
        let after = snapshot(s.dir.path());
        assert!(after.contains_key("docs/atomic/c/b/pic.png"));
        assert!(
            !after.contains_key("docs/atomic/b/"),
            "the emptied folder is gone"
        );
        assert_eq!(
            after["docs/atomic/a/x.md"],
            b"# X\r\n\r\n[y](../c/b/y.md) `docs/atomic/c/b/y.md`\r\n"
        );
        assert_eq!(recover(&disk(&s)).unwrap(), None);
        // An edit since: undo refuses and changes nothing.
        let x = s.dir.path().join("docs/atomic/a/x.md");
        fs::write(&x, "# X edited\n").unwrap();
        let err = undo(&disk(&s)).unwrap_err().to_string();
        assert!(err.contains("changed since"), "{err}");
        fs::write(&x, &after["docs/atomic/a/x.md"]).unwrap();
        undo(&disk(&s)).unwrap();
        assert_eq!(snapshot(s.dir.path()), before);
        assert!(matches!(undo(&disk(&s)), Err(JournalError::NothingToUndo)));
    }

    /// A crash after each step: the next recovery ends in the state before or after.
    #[test]
    fn recovery_completes_or_rolls_back_from_every_step() {
        for step in 0..=4 {
            let s = setup();
            let before = snapshot(s.dir.path());
            let j = journal(&s);
            // The state after the change, from a run that completes.
            let done = setup();
            carry_out(&disk(&done), &journal(&done)).unwrap();
            let after = snapshot(done.dir.path());

            let mut approved = edit::approve(s.dir.path(), &j.request()).unwrap();
            write_journal(&disk(&s), &j).unwrap();
            let mut edits = j.files.iter();
            for _ in 0..step.min(j.files.len()) {
                let f = edits.next().unwrap();
                approved.replace(&f.path, f.new.as_bytes()).unwrap();
            }
            if step == 4 {
                approved.rename(&j.moves[0].from, &j.moves[0].to).unwrap();
            }
            // A temporary file a killed replace left behind.
            fs::write(s.dir.path().join("docs/atomic/a/.x.md.99.0.tmp"), "half").unwrap();
            let message = recover(&disk(&s)).unwrap().unwrap();
            let now = snapshot(s.dir.path());
            if step >= j.files.len() {
                assert!(message.contains("completed"), "step {step}: {message}");
                assert_eq!(now, after, "step {step}");
            } else {
                assert!(message.contains("rolled back"), "step {step}: {message}");
                assert_eq!(now, before, "step {step}");
            }
            assert_eq!(recover(&disk(&s)).unwrap(), None);
        }
    }
}
