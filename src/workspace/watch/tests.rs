//! The watcher on real files: each test edits a tree in a temporary folder and waits (with a
//! generous timeout, never a timing assertion) for the batches that edit must produce.

use std::fs;
use std::path::Path;
use std::sync::mpsc::Receiver;
use std::time::{Duration, Instant};

use super::{Event, Watcher, start};
use crate::config::{Config, Location};
use crate::workspace::{Change, Workspace};

/// How long a test waits for an expected batch before failing.
const PATIENCE: Duration = Duration::from_secs(20);

fn write(dir: &Path, path: &str, text: &str) {
    let full = dir.join(path);
    fs::create_dir_all(full.parent().unwrap()).unwrap();
    fs::write(full, text).unwrap();
}

fn tree() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    write(dir, "docs/a/x.md", "# X\n\n[y](y.md)\n");
    write(dir, "docs/a/y.md", "# Y\n");
    write(dir, "docs/b/z.md", "# Z\n\n[x](../a/x.md)\n");
    tmp
}

fn location(dir: &Path) -> Location {
    Location {
        repo: dir.to_path_buf(),
        root: "docs".into(),
    }
}

fn watch(dir: &Path) -> (Watcher, Receiver<Event>) {
    let cache = dir.join("cache");
    fs::create_dir_all(&cache).unwrap();
    start(&location(dir), &Config::default(), Some(&cache)).unwrap()
}

/// Every change received until `done` holds for all of them (in order); fails with what was
/// seen after [`PATIENCE`]. A rescan fails the test.
fn until(rx: &Receiver<Event>, done: impl Fn(&[Change]) -> bool) -> Vec<Change> {
    let began = Instant::now();
    let mut all = Vec::new();
    while !done(&all) {
        let left = PATIENCE.saturating_sub(began.elapsed());
        match rx.recv_timeout(left) {
            Ok(Event::Changes(changes)) => {
                assert!(!changes.is_empty());
                all.extend(changes);
            }
            Ok(Event::Rescan(why)) => panic!("unexpected rescan: {why}; changes so far {all:?}"),
            Err(e) => panic!("no batch ({e}); changes so far {all:?}"),
        }
    }
    all
}

fn file(p: &str) -> Change {
    Change::File(p.into())
}

fn has(all: &[Change], c: &Change) -> bool {
    all.contains(c)
}

#[test]
fn edits_creations_and_deletions_are_files() {
    let tmp = tree();
    let dir = tmp.path();
    let (_w, rx) = watch(dir);

    write(dir, "docs/a/x.md", "# X again\n");
    let all = until(&rx, |all| has(all, &file("docs/a/x.md")));
    assert!(all.iter().all(|c| *c == file("docs/a/x.md")), "{all:?}");

    write(dir, "docs/a/new.md", "# New\n");
    until(&rx, |all| has(all, &file("docs/a/new.md")));

    fs::remove_file(dir.join("docs/a/y.md")).unwrap();
    until(&rx, |all| has(all, &file("docs/a/y.md")));

    // Any file may be a link target, not only Markdown.
    write(dir, "docs/a/image.png", "png");
    until(&rx, |all| has(all, &file("docs/a/image.png")));
}

#[test]
fn a_rename_is_one_change() {
    let tmp = tree();
    let dir = tmp.path();
    let (_w, rx) = watch(dir);
    fs::rename(dir.join("docs/a/y.md"), dir.join("docs/a/w.md")).unwrap();
    let renamed = Change::Renamed {
        from: "docs/a/y.md".into(),
        to: "docs/a/w.md".into(),
    };
    let all = until(&rx, |all| has(all, &renamed));
    assert_eq!(all, [renamed]);
}

#[test]
fn folders_stand_for_their_files() {
    let tmp = tree();
    let dir = tmp.path();
    let (_w, rx) = watch(dir);

    // A folder made elsewhere and moved in at once: its files, found by the walk.
    write(dir, "outside/deep/p.md", "# P\n");
    write(dir, "outside/q.md", "# Q\n");
    let all = until(&rx, |all| has(all, &file("outside/q.md")));
    assert!(has(&all, &file("outside/deep/p.md")), "{all:?}");
    fs::rename(dir.join("outside"), dir.join("docs/c")).unwrap();
    let moved = [
        "docs/c/deep/p.md",
        "docs/c/q.md",
        "outside/deep/p.md",
        "outside/q.md",
    ];
    let all = until(&rx, |all| moved.iter().all(|p| has(all, &file(p))));
    assert_eq!(all.len(), 4, "{all:?}");

    // A folder renamed: the files it had and the files it has.
    fs::rename(dir.join("docs/a"), dir.join("docs/renamed")).unwrap();
    let renamed = [
        "docs/a/x.md",
        "docs/a/y.md",
        "docs/renamed/x.md",
        "docs/renamed/y.md",
    ];
    let all = until(&rx, |all| renamed.iter().all(|p| has(all, &file(p))));
    assert_eq!(all.len(), 4, "{all:?}");

    // A folder deleted: the files it had.
    fs::remove_dir_all(dir.join("docs/b")).unwrap();
    let all = until(&rx, |all| has(all, &file("docs/b/z.md")));
    assert_eq!(all, [file("docs/b/z.md")]);
}

#[test]
fn ignored_hidden_and_cache_paths_are_not_seen() {
    let tmp = tree();
    let dir = tmp.path();
    write(dir, ".gitignore", "build/\n*.tmp\n");
    fs::create_dir_all(dir.join(".git")).unwrap();
    fs::create_dir_all(dir.join("build/out")).unwrap();
    let (_w, rx) = watch(dir);

    write(dir, "build/out/page.md", "# Built\n");
    write(dir, "build/new/page.md", "# Built\n");
    write(dir, "docs/a/scratch.tmp", "x");
    write(dir, ".git/index", "x");
    write(dir, ".hidden/notes.md", "# Hidden\n");
    write(dir, "cache/snapshot.bin", "x");
    fs::remove_file(dir.join("docs/a/scratch.tmp")).unwrap();
    // Then a change that counts: everything before it came first.
    write(dir, "docs/a/x.md", "# X again\n");
    let all = until(&rx, |all| has(all, &file("docs/a/x.md")));
    assert_eq!(all, [file("docs/a/x.md")]);

    // A changed ignore file changes what counts as a whole.
    write(dir, ".gitignore", "build/\n");
    match rx.recv_timeout(PATIENCE) {
        Ok(Event::Rescan(why)) => assert_eq!(why, ".gitignore changed"),
        Ok(Event::Changes(c)) => panic!("changes instead of a rescan: {c:?}"),
        Err(e) => panic!("no rescan: {e}"),
    }
}

#[test]
fn batches_applied_to_a_workspace_equal_a_fresh_load() {
    let tmp = tree();
    let dir = tmp.path();
    let mut ws = Workspace::load(location(dir), Config::default()).unwrap();
    let (_w, rx) = watch(dir);

    fs::rename(dir.join("docs/a"), dir.join("docs/moved")).unwrap();
    write(dir, "docs/b/z.md", "# Z\n\n[x](../moved/x.md)\n");
    let all = until(&rx, |all| {
        has(all, &file("docs/a/y.md"))
            && has(all, &file("docs/moved/y.md"))
            && has(all, &file("docs/b/z.md"))
    });
    ws.apply(all).unwrap();
    let fresh = Workspace::load(location(dir), Config::default()).unwrap();
    let paths =
        |w: &Workspace| -> Vec<String> { w.corpus.docs.iter().map(|d| d.path.clone()).collect() };
    assert_eq!(paths(&ws), paths(&fresh));
    assert_eq!(
        paths(&ws),
        ["docs/b/z.md", "docs/moved/x.md", "docs/moved/y.md"]
    );
    let broken = |w: &Workspace| {
        w.corpus
            .docs
            .iter()
            .map(|d| d.broken_links())
            .sum::<usize>()
    };
    assert_eq!(broken(&ws), 0);
    assert_eq!(broken(&fresh), 0);
}

#[test]
fn lost_events_and_watcher_errors_ask_for_a_rescan() {
    use notify::event::{EventKind, Flag};
    let tmp = tree();
    let dir = tmp.path();
    let repo = crate::corpus::scan::DiskRepo::new(dir, Config::default().links).unwrap();
    let mut filter = super::Filter::new(dir.to_path_buf(), None, repo);
    let overflow = notify::Event::new(EventKind::Other).set_flag(Flag::Rescan);
    let edit = notify::Event::new(EventKind::Any).add_path(dir.join("docs/a/x.md"));
    assert_eq!(
        filter.batch(vec![Ok(edit.clone()), Ok(overflow)]),
        Some(Event::Rescan("events were lost (too many at once)".into()))
    );
    let failed = notify::Error::generic("gone");
    assert!(matches!(
        filter.batch(vec![Err(failed)]),
        Some(Event::Rescan(why)) if why.starts_with("the watcher failed")
    ));
    assert_eq!(
        filter.batch(vec![Ok(edit)]),
        Some(Event::Changes(vec![file("docs/a/x.md")]))
    );
}
