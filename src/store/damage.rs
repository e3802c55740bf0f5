//! Calls into tantivy on the cached index: a damaged file can make tantivy fail an assertion
//! instead of returning an error. Such a panic must not reach the user (nor print its message):
//! it means the index is damaged, and the caller rebuilds it.

use std::cell::Cell;
use std::panic::{self, AssertUnwindSafe};
use std::sync::Once;

thread_local! {
    /// Set while [`quietly`] runs on this thread: its panics are caught, not printed.
    static QUIET: Cell<bool> = const { Cell::new(false) };
}

/// Runs `f`, turning a panic into `Err` with the panic's message (not printed).
pub fn quietly<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if !QUIET.with(Cell::get) {
                previous(info);
            }
        }));
    });
    let was = QUIET.with(|q| q.replace(true));
    let result = panic::catch_unwind(AssertUnwindSafe(f));
    QUIET.with(|q| q.set(was));
    result.map_err(|payload| {
        let message = payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown failure".into());
        format!("tantivy failed: {message}")
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_panic_becomes_an_error() {
        let err = super::quietly(|| -> u8 { panic!("bad segment") }).unwrap_err();
        assert!(err.contains("bad segment"), "{err}");
        assert_eq!(super::quietly(|| 7), Ok(7));
    }
}
