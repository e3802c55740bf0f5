//! Issue 14, ownership and IO: atomdoc never deletes, replaces or reads what it does not own.
//!
//! Each test builds a repository in a temporary folder and, where something could escape, an
//! `outside` folder of sentinel files whose listing and contents must be the same afterwards.
//! Named pipes stand for every special file (a test must never risk the real `/dev/null`); a
//! hang fails through the command timeout instead of blocking the suite.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Output;
use std::time::Duration;

use crate::common::{atomdoc_cached, tree};

#[cfg(unix)]
use std::os::unix::fs::{FileTypeExt, symlink};

const DOCS: [(&str, &str); 2] = [
    (
        "docs/atomic/guide/a.md",
        "# Alpha\n\nThe connection pool.\n\n## Related Documents\n\n- [B](b.md)\n",
    ),
    ("docs/atomic/guide/b.md", "# Beta\n\nPool sizing.\n"),
];

fn repo() -> tempfile::TempDir {
    tree(&DOCS)
}

/// A part file name (64 hex digits), so a careless sweep would take it for atomdoc's.
fn part_like(i: u8) -> String {
    format!("{}.bin", format!("{i:02x}").repeat(32))
}

/// An outside folder full of sentinels, some named like atomdoc's own files.
fn outside() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in [
        ("secret.txt", "SECRET-LINE first line of a private file\n"),
        ("notes.md", "# private\n"),
        (part_like(7).as_str(), "not a part"),
        ("snapshot.bin", "not a snapshot"),
        ("lock", "not a lock"),
    ] {
        fs::write(dir.path().join(name), text).unwrap();
    }
    fs::create_dir(dir.path().join("search-00000000deadbeef")).unwrap();
    fs::write(dir.path().join("search-00000000deadbeef/keep"), "mine").unwrap();
    dir
}

/// Every path under `dir` with its contents (folders as `<dir>`, pipes as `<fifo>`).
fn listing(dir: &Path) -> BTreeMap<PathBuf, String> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in fs::read_dir(&d).unwrap().flatten() {
            let t = e.file_type().unwrap();
            let rel = e.path().strip_prefix(dir).unwrap().to_path_buf();
            let what = if t.is_dir() {
                stack.push(e.path());
                "<dir>".to_string()
            } else if t.is_symlink() {
                format!("<link {}>", fs::read_link(e.path()).unwrap().display())
            } else if t.is_fifo() {
                "<fifo>".to_string()
            } else {
                fs::read_to_string(e.path()).unwrap_or_else(|_| "<binary>".into())
            };
            out.insert(rel, what);
        }
    }
    out
}

#[cfg(unix)]
fn mkfifo(path: &Path) {
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    let ok = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .unwrap();
    assert!(ok.success(), "mkfifo {}", path.display());
}

/// Runs atomdoc with the cache on; a hang (a pipe opened for reading) fails the test.
fn run(repo: &Path, args: &[&str]) -> Output {
    run_with_input(repo, args, "")
}

fn run_with_input(repo: &Path, args: &[&str], input: &str) -> Output {
    let out = atomdoc_cached(repo)
        .env("XDG_DATA_HOME", repo.join("../xdg-unused"))
        .args(args)
        .write_stdin(input.to_string())
        .timeout(Duration::from_secs(120))
        .output()
        .expect("runs");
    assert!(
        out.status.code().is_some(),
        "killed (hang or crash) running {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn cache(repo: &Path) -> PathBuf {
    repo.join(".atomdoc/cache")
}

/// Finding 1: a symlink committed at `.atomdoc/cache/parts` is never followed by the sweep.
#[cfg(unix)]
#[test]
fn a_symlinked_parts_folder_is_never_swept() {
    let repo = repo();
    let out_dir = outside();
    let before = listing(out_dir.path());
    assert_eq!(run(repo.path(), &["stats"]).status.code(), Some(0));
    fs::remove_dir_all(cache(repo.path()).join("parts")).unwrap();
    symlink(out_dir.path(), cache(repo.path()).join("parts")).unwrap();
    // An edit makes the next run write a snapshot (and sweep parts).
    fs::write(
        repo.path().join("docs/atomic/guide/b.md"),
        "# Beta\n\nEdited.\n",
    )
    .unwrap();
    let out = run(repo.path(), &["stats"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("working in memory"),
        "{}",
        stderr(&out)
    );
    assert_eq!(listing(out_dir.path()), before);
}

/// Finding 1: `cache_dir = "."` (or `""`) would make the repository the cache folder.
#[test]
fn a_cache_dir_that_is_the_repository_is_refused() {
    for value in [".", "", "docs", "docs/atomic", "./docs/.."] {
        let repo = repo();
        fs::write(
            repo.path().join("atomdoc.toml"),
            format!("cache_dir = \"{value}\"\n"),
        )
        .unwrap();
        fs::create_dir_all(repo.path().join("parts")).unwrap();
        fs::write(repo.path().join("parts/keep.txt"), "mine").unwrap();
        fs::create_dir_all(repo.path().join("search-results")).unwrap();
        fs::create_dir_all(repo.path().join("search-00000000deadbeef")).unwrap();
        let before = listing(repo.path());
        let out = run(repo.path(), &["stats"]);
        assert_eq!(
            out.status.code(),
            Some(2),
            "cache_dir = {value:?}: {}",
            stderr(&out)
        );
        let err = stderr(&out);
        assert!(err.contains("--no-cache"), "{err}");
        assert_eq!(listing(repo.path()), before, "cache_dir = {value:?}");
    }
}

/// Finding 1: `--cache-dir` at a folder holding other files is refused; an empty one is
/// claimed (tagged) and used.
#[test]
fn a_cache_dir_flag_at_a_busy_folder_is_refused() {
    let repo = repo();
    let busy = tempfile::tempdir().unwrap();
    fs::write(busy.path().join(part_like(1)), "mine").unwrap();
    fs::create_dir(busy.path().join("search-0000000000000001")).unwrap();
    fs::create_dir(busy.path().join("parts")).unwrap();
    fs::write(busy.path().join("parts").join(part_like(2)), "mine").unwrap();
    let before = listing(busy.path());
    let flag = busy.path().to_str().unwrap();
    let out = run(repo.path(), &["--cache-dir", flag, "stats"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("did not create it"),
        "{}",
        stderr(&out)
    );
    assert_eq!(listing(busy.path()), before);

    let empty = tempfile::tempdir().unwrap();
    let flag = empty.path().to_str().unwrap();
    assert_eq!(
        run(repo.path(), &["--cache-dir", flag, "stats"])
            .status
            .code(),
        Some(0)
    );
    assert!(empty.path().join("CACHEDIR.TAG").is_file());
    assert_eq!(
        run(repo.path(), &["--cache-dir", flag, "stats"])
            .status
            .code(),
        Some(0)
    );
}

/// Reads everything written into `fifo` on a thread, so a writer can open it.
#[cfg(unix)]
fn drain(fifo: &Path) -> std::thread::JoinHandle<String> {
    let fifo = fifo.to_path_buf();
    std::thread::spawn(move || fs::read_to_string(fifo).unwrap())
}

#[cfg(unix)]
fn assert_fifo(path: &Path) {
    let t = fs::symlink_metadata(path).unwrap().file_type();
    assert!(t.is_fifo(), "{} was replaced", path.display());
}

/// Finding 2: a pipe (standing for `/dev/null` and other devices) given to `export -o`,
/// `check --write-baseline` or REPL `:export` is written in place, never replaced; a symlink
/// to one is followed and stays a symlink.
#[cfg(unix)]
#[test]
fn special_files_are_written_in_place_never_replaced() {
    let repo = repo();
    let spot = tempfile::tempdir().unwrap();
    let fifo = spot.path().join("out.dot");
    mkfifo(&fifo);
    let link = spot.path().join("link.dot");
    symlink(&fifo, &link).unwrap();

    let reader = drain(&fifo);
    let out = run(repo.path(), &["export", "-o", fifo.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    // Checked first: a replaced pipe would leave the reader waiting forever.
    assert_fifo(&fifo);
    assert!(reader.join().unwrap().starts_with("digraph"));

    let reader = drain(&fifo);
    let out = run(repo.path(), &["export", "-o", link.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_fifo(&fifo);
    assert!(reader.join().unwrap().starts_with("digraph"));

    let reader = drain(&fifo);
    let out = run(
        repo.path(),
        &["check", "--write-baseline", fifo.to_str().unwrap()],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_fifo(&fifo);
    assert!(reader.join().unwrap().contains("findings"));

    let reader = drain(&fifo);
    let input = format!("docs\n:export dot {}\n", fifo.display());
    let out = run_with_input(repo.path(), &["repl"], &input);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_fifo(&fifo);
    assert!(reader.join().unwrap().starts_with("digraph"));

    // A pipe nobody reads is an error, not a hang.
    let out = run(repo.path(), &["export", "-o", fifo.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("no process read within"),
        "{}",
        stderr(&out)
    );
    assert_fifo(&fifo);
}

/// `-o -` is standard output; a folder is an error; a regular file is replaced whole.
#[test]
fn outputs_dash_folder_and_regular_file() {
    let repo = repo();
    let out = run(repo.path(), &["export", "-o", "-"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(stdout(&out).starts_with("digraph"));
    let out = run(repo.path(), &["check", "--write-baseline", "-"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(stdout(&out).contains("findings"), "{}", stdout(&out));

    let spot = tempfile::tempdir().unwrap();
    let out = run(
        repo.path(),
        &["export", "json", "-o", spot.path().to_str().unwrap()],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("is a folder"), "{}", stderr(&out));
    let file = spot.path().join("g.dot");
    fs::write(&file, "old").unwrap();
    assert_eq!(
        run(repo.path(), &["export", "-o", file.to_str().unwrap()])
            .status
            .code(),
        Some(0)
    );
    assert!(fs::read_to_string(&file).unwrap().starts_with("digraph"));
}

/// The three writers agree on the docs tree, also when the docs root is the repository:
/// then only Markdown files (which would become documents) are refused.
#[test]
fn outputs_never_land_in_the_docs_tree_and_agree_with_root_dot() {
    let repo = repo();
    let inside = repo.path().join("docs/atomic/out.json");
    let out = run(repo.path(), &["export", "-o", inside.to_str().unwrap()]);
    assert!(
        stderr(&out).contains("inside the docs tree"),
        "{}",
        stderr(&out)
    );
    let out = run(
        repo.path(),
        &["check", "--write-baseline", inside.to_str().unwrap()],
    );
    assert!(
        stderr(&out).contains("inside the docs tree"),
        "{}",
        stderr(&out)
    );
    assert!(!inside.exists());

    let next_to_config = repo.path().join("baseline.json");
    let out = run(
        repo.path(),
        &[
            "--no-cache",
            "--root",
            ".",
            "check",
            "--write-baseline",
            next_to_config.to_str().unwrap(),
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(next_to_config.is_file());
    let drawing = repo.path().join("graph.dot");
    let out = run(
        repo.path(),
        &[
            "--no-cache",
            "--root",
            ".",
            "export",
            "-o",
            drawing.to_str().unwrap(),
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let markdown = repo.path().join("graph.md");
    let out = run(
        repo.path(),
        &[
            "--no-cache",
            "--root",
            ".",
            "export",
            "dot",
            "-o",
            markdown.to_str().unwrap(),
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(!markdown.exists());
}

/// Finding 6: saved queries and `:save` never follow a symlink out of the repository, and a
/// pipe there does not hang the REPL.
#[cfg(unix)]
#[test]
fn repl_saved_queries_stay_inside_the_repository() {
    let repo = repo();
    let out_dir = outside();
    fs::write(out_dir.path().join("q.aq"), "SECRET-LINE not a query\n").unwrap();
    let before = listing(out_dir.path());
    fs::create_dir_all(repo.path().join(".atomdoc")).unwrap();
    symlink(out_dir.path(), repo.path().join(".atomdoc/queries")).unwrap();
    let out = run_with_input(
        repo.path(),
        &["repl"],
        "@q\n:run q\n:save mine orphans\n:run\n",
    );
    let all = format!("{}{}", stdout(&out), stderr(&out));
    assert!(!all.contains("SECRET"), "{all}");
    assert!(!all.contains("deadbeef"), "{all}");
    assert_eq!(listing(out_dir.path()), before);

    // A file symlinked out of a real queries folder, and a pipe.
    let repo = self::repo();
    let queries = repo.path().join(".atomdoc/queries");
    fs::create_dir_all(&queries).unwrap();
    symlink(out_dir.path().join("q.aq"), queries.join("q.aq")).unwrap();
    symlink("/dev/zero", queries.join("zero.aq")).unwrap();
    mkfifo(&queries.join("pipe.aq"));
    let out = run_with_input(repo.path(), &["repl"], "@q\n@zero\n@pipe\n:run\n");
    let all = format!("{}{}", stdout(&out), stderr(&out));
    assert!(!all.contains("SECRET"), "{all}");
    assert!(all.contains("outside the repository"), "{all}");
    assert!(all.contains("not a regular file"), "{all}");
    let out = run(repo.path(), &["query", "@pipe"]);
    assert_eq!(out.status.code(), Some(2));
}

/// Finding 7: the cache's files are read only when they are regular files: a snapshot that is
/// `/dev/zero` or a pipe, or a lock that is a symlink, costs a notice, not memory, a hang or
/// a file outside the repository.
#[cfg(unix)]
#[test]
fn cache_files_that_are_not_regular_files_are_not_read() {
    let repo = repo();
    assert_eq!(run(repo.path(), &["stats"]).status.code(), Some(0));
    let snapshot = cache(repo.path()).join("snapshot.bin");
    fs::remove_file(&snapshot).unwrap();
    symlink("/dev/zero", &snapshot).unwrap();
    let out = run(repo.path(), &["stats"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stderr(&out).contains("rebuilding"), "{}", stderr(&out));

    fs::remove_file(&snapshot).unwrap();
    mkfifo(&snapshot);
    let out = run(repo.path(), &["stats"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));

    let out_dir = tempfile::tempdir().unwrap();
    let lock = cache(repo.path()).join("lock");
    fs::remove_file(&lock).unwrap();
    symlink(out_dir.path().join("created-by-atomdoc"), &lock).unwrap();
    fs::write(
        repo.path().join("docs/atomic/guide/b.md"),
        "# Beta\n\nEdited.\n",
    )
    .unwrap();
    let out = run(repo.path(), &["stats"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(fs::read_dir(out_dir.path()).unwrap().count(), 0);
}

/// Every file of the newest search index folder.
fn index_files(repo: &Path) -> Vec<PathBuf> {
    let dir = fs::read_dir(cache(repo))
        .unwrap()
        .flatten()
        .find(|e| e.file_name().to_string_lossy().starts_with("search-"))
        .expect("a search index folder")
        .path();
    let mut files: Vec<PathBuf> = fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    files
}

/// Garbles the first half of `path` (its footer stays, so tantivy opens it), keeping its
/// size and modification time.
fn garble(path: &Path) {
    let meta = fs::metadata(path).unwrap();
    let mut bytes = fs::read(path).unwrap();
    let n = bytes.len();
    for b in &mut bytes[..n / 2] {
        *b = !*b;
    }
    fs::write(path, bytes).unwrap();
    let f = fs::OpenOptions::new().write(true).open(path).unwrap();
    f.set_modified(meta.modified().unwrap()).unwrap();
}

/// Finding 9: an index damaged without changing any file's size or time is rebuilt with a
/// notice, and the search answers. Garbled term dictionaries made `search` fail (exit 2);
/// garbled fast fields made tantivy panic (exit 101); neither reaches the user now.
#[test]
fn a_damaged_search_index_heals() {
    for ext in ["term", "fast"] {
        let repo = repo();
        assert_eq!(run(repo.path(), &["search", "pool"]).status.code(), Some(0));
        for f in index_files(repo.path()) {
            if f.extension().is_some_and(|x| x == ext) {
                garble(&f);
            }
        }
        for args in [&["search", "pool"][..], &["query", "search \"pool\""][..]] {
            let out = run(repo.path(), args);
            let err = stderr(&out);
            assert_eq!(out.status.code(), Some(0), "{ext}, {args:?}: {err}");
            assert!(!err.contains("panicked"), "{err}");
            assert!(stdout(&out).contains("guide/a.md"), "{}", stdout(&out));
            if args[0] == "search" {
                assert!(err.contains("rebuilding"), "{err}");
            }
        }
    }
}

/// Finding 10: runs that build a search index and then fail to write the snapshot leave no
/// index folder behind.
#[test]
fn index_folders_of_failed_runs_do_not_leak() {
    let repo = repo();
    assert_eq!(run(repo.path(), &["stats"]).status.code(), Some(0));
    fs::remove_dir_all(cache(repo.path()).join("parts")).unwrap();
    fs::remove_file(cache(repo.path()).join("snapshot.bin")).unwrap();
    // A file where the parts folder goes: every full build fails to write its snapshot.
    fs::write(cache(repo.path()).join("parts"), "in the way").unwrap();
    for _ in 0..3 {
        let out = run(repo.path(), &["stats"]);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        assert!(
            stderr(&out).contains("cannot write the snapshot"),
            "{}",
            stderr(&out)
        );
    }
    // Only the index of the first, successful run is there.
    let folders: Vec<_> = fs::read_dir(cache(repo.path()))
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with("search-"))
        .collect();
    assert_eq!(folders.len(), 1, "{folders:?}");
}

/// Finding 11: `query`, `check` and `coverage` print the cache notices, as the README says.
#[test]
fn every_command_prints_the_cache_notices() {
    for args in [
        &["query", "orphans"][..],
        &["check"][..],
        &["coverage"][..],
        &["stats"][..],
    ] {
        let repo = repo();
        assert_eq!(run(repo.path(), &["stats"]).status.code(), Some(0));
        let snapshot = cache(repo.path()).join("snapshot.bin");
        let mut bytes = fs::read(&snapshot).unwrap();
        let n = bytes.len();
        bytes[n - 1] ^= 0xff;
        fs::write(&snapshot, bytes).unwrap();
        let out = run(repo.path(), args);
        let err = stderr(&out);
        assert!(
            err.contains("note: cache") && err.contains("rebuilding"),
            "{args:?}: {err}"
        );
    }
}

/// The hostile repository: a committed `.atomdoc/` with a symlink leading out, or a pipe, at
/// every path atomdoc reads, writes or deletes. Nothing outside the repository is read,
/// written or removed, and nothing hangs.
#[cfg(unix)]
#[test]
fn a_hostile_atomdoc_folder_touches_nothing_outside() {
    let out_dir = outside();
    let before = listing(out_dir.path());
    let o = |n: &str| out_dir.path().join(n);
    let commands: [&[&str]; 7] = [
        &["stats"],
        &["search", "pool"],
        &["query", "orphans"],
        &["query", "@q"],
        &["check", "--write-baseline", "baseline.json"],
        &["check", "--baseline", "old-baseline.json"],
        &["coverage"],
    ];

    // 1. The cache folder itself leads out.
    let repo = repo();
    fs::create_dir_all(repo.path().join(".atomdoc")).unwrap();
    symlink(out_dir.path(), cache(repo.path())).unwrap();
    for args in commands {
        run_in(repo.path(), args);
    }
    assert_eq!(
        listing(out_dir.path()),
        before,
        "cache folder symlinked out"
    );

    // 2. A tagged cache whose every entry leads out.
    let repo = self::repo();
    let c = cache(repo.path());
    fs::create_dir_all(&c).unwrap();
    fs::write(c.join("CACHEDIR.TAG"), atomdoc::boundary::owned::TAG_TEXT).unwrap();
    symlink(out_dir.path(), c.join("parts")).unwrap();
    symlink(
        o("search-00000000deadbeef"),
        c.join("search-00000000deadbeef"),
    )
    .unwrap();
    symlink(
        o("search-00000000deadbeef"),
        c.join("search-0000000000000001"),
    )
    .unwrap();
    symlink(o("lock"), c.join("lock")).unwrap();
    symlink(o("snapshot.bin"), c.join("snapshot.bin")).unwrap();
    symlink(o("created"), c.join(".snapshot.bin.1.0.tmp")).unwrap();
    symlink(out_dir.path(), repo.path().join(".atomdoc/queries")).unwrap();
    symlink(o("secret.txt"), repo.path().join(".atomdoc/history")).unwrap();
    symlink(o("secret.txt"), repo.path().join("baseline.json")).unwrap();
    symlink(o("secret.txt"), repo.path().join("old-baseline.json")).unwrap();
    symlink(o("secret.txt"), repo.path().join("atomdoc-extra.toml")).unwrap();
    for args in commands {
        let out = run_in(repo.path(), args);
        assert!(
            !stderr(&out).contains("SECRET"),
            "{args:?}: {}",
            stderr(&out)
        );
    }
    assert_eq!(
        listing(out_dir.path()),
        before,
        "cache entries symlinked out"
    );

    // 3. Pipes everywhere atomdoc opens a file (nobody reads or writes them).
    let repo = self::repo();
    let c = cache(repo.path());
    fs::create_dir_all(c.join("parts")).unwrap();
    for pipe in [
        c.join("CACHEDIR.TAG"),
        c.join("lock"),
        c.join("snapshot.bin"),
        c.join("parts").join(part_like(3)),
        repo.path().join(".atomdoc/queries/q.aq"),
        repo.path().join(".atomdoc/history"),
        repo.path().join("baseline.json"),
        repo.path().join("old-baseline.json"),
    ] {
        mkfifo(&pipe);
    }
    for args in commands {
        run_in(repo.path(), args);
    }
    assert_eq!(listing(out_dir.path()), before, "pipes");
}

/// Runs one command of the hostile test: it ends (no hang, no crash) and prints no panic.
fn run_in(repo: &Path, args: &[&str]) -> Output {
    let out = atomdoc_cached(repo)
        .current_dir(repo)
        .env("XDG_DATA_HOME", repo.join(".xdg"))
        .args(args)
        .timeout(Duration::from_secs(120))
        .output()
        .expect("runs");
    assert!(out.status.code().is_some(), "{args:?} was killed (hang?)");
    assert!(
        !stderr(&out).contains("panicked"),
        "{args:?}: {}",
        stderr(&out)
    );
    out
}
