//! An advisory lock on the cache folder (`<cache>/lock`, flock through `fs4`), held by a
//! process while it writes the cache. Readers take no lock: every file they read is replaced
//! atomically, and the search index carries the generation it belongs to.

use std::time::{Duration, Instant};

use crate::boundary::owned::Owned;

/// The lock file's name inside the cache folder.
pub const LOCK_FILE: &str = "lock";

/// A held exclusive lock; released when dropped (or when the process dies).
#[derive(Debug)]
pub struct CacheLock {
    _file: crate::boundary::owned::LockFile,
}

/// Takes the exclusive lock on `cache`, waiting up to `wait` for another atomdoc process to
/// finish. `Ok(None)` when it is still busy after that. The lock file is never created
/// through a symlink, nor opened when it is a pipe.
pub fn exclusive(cache: &Owned, wait: Duration) -> std::io::Result<Option<CacheLock>> {
    let file = cache.lock_file(LOCK_FILE)?;
    let start = Instant::now();
    loop {
        if fs4::fs_std::FileExt::try_lock_exclusive(&file)? {
            return Ok(Some(CacheLock { _file: file }));
        }
        if start.elapsed() >= wait {
            return Ok(None);
        }
        std::thread::sleep(Duration::from_millis(25));
    }
}
