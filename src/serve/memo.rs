//! Answers kept per generation: an answer depends only on the workspace and on what was
//! asked, so within one generation (until the next change is applied) each distinct question
//! is computed once and its serialized bytes are sent again. A new generation forgets them
//! all. Concurrent askers of the same question wait for the one computing it.
//!
//! Only serialized answers are kept (never a second copy of the graph), up to [`MAX_ENTRIES`]
//! answers and [`MAX_BYTES`] bytes; past either, the memo starts over.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use axum::body::Bytes;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

/// The most answers kept at once (search and query texts are open-ended).
pub const MAX_ENTRIES: usize = 512;
/// The most bytes kept at once (the whole 10,000-document graph is about 5 MB).
pub const MAX_BYTES: usize = 96 << 20;

/// A JSON answer, serialized once.
#[derive(Clone)]
pub struct Answer {
    pub status: StatusCode,
    pub body: Bytes,
}

impl Answer {
    /// `value` as JSON with `status`.
    pub fn json(status: StatusCode, value: &impl Serialize) -> Answer {
        match serde_json::to_vec(value) {
            Ok(body) => Answer {
                status,
                body: body.into(),
            },
            Err(e) => Answer::error(
                StatusCode::INTERNAL_SERVER_ERROR,
                format!("cannot write the answer: {e}"),
            ),
        }
    }

    pub fn ok(value: &impl Serialize) -> Answer {
        Answer::json(StatusCode::OK, value)
    }

    /// `{"error": message}` with `status`.
    pub fn error(status: StatusCode, message: impl Into<String>) -> Answer {
        Answer::json(status, &serde_json::json!({ "error": message.into() }))
    }
}

impl IntoResponse for Answer {
    fn into_response(self) -> Response {
        (
            self.status,
            [(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            )],
            self.body,
        )
            .into_response()
    }
}

type Cell = Arc<OnceLock<Answer>>;

#[derive(Default)]
struct Entries {
    generation: u64,
    bytes: usize,
    cells: HashMap<String, Cell>,
}

/// The answers of the current generation, by question.
#[derive(Default)]
pub struct Memo {
    entries: Mutex<Entries>,
}

impl Memo {
    /// The answer to `key` at `generation` (the generation of the workspace `compute` reads),
    /// computing it only if this generation has not answered it yet.
    pub fn answer(&self, generation: u64, key: String, compute: impl FnOnce() -> Answer) -> Answer {
        let cell = {
            let mut e = self.entries.lock().unwrap_or_else(|e| e.into_inner());
            if generation < e.generation {
                // An asker still reading an older workspace: answer, keep nothing.
                drop(e);
                return compute();
            }
            if generation > e.generation || e.cells.len() >= MAX_ENTRIES || e.bytes > MAX_BYTES {
                e.cells.clear();
                e.bytes = 0;
                e.generation = generation;
            }
            Arc::clone(e.cells.entry(key).or_default())
        };
        let mut computed = false;
        let answer = cell
            .get_or_init(|| {
                computed = true;
                compute()
            })
            .clone();
        if computed {
            let mut e = self.entries.lock().unwrap_or_else(|e| e.into_inner());
            if e.generation == generation {
                e.bytes += answer.body.len();
            }
        }
        answer
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(a: &Answer) -> String {
        String::from_utf8(a.body.to_vec()).unwrap()
    }

    #[test]
    fn one_computation_per_question_and_generation() {
        let memo = Memo::default();
        let ask = |generation, key: &str, value: u32| {
            text(&memo.answer(generation, key.to_string(), || Answer::ok(&value)))
        };
        assert_eq!(ask(1, "a", 1), "1");
        assert_eq!(ask(1, "a", 2), "1", "kept");
        assert_eq!(ask(1, "b", 3), "3");
        // A new generation forgets every answer of the old one.
        assert_eq!(ask(2, "a", 4), "4");
        assert_eq!(ask(2, "b", 5), "5");
        // A late asker of the old generation gets its own answer, which is not kept.
        assert_eq!(ask(1, "a", 6), "6");
        assert_eq!(ask(2, "a", 7), "4");
    }

    #[test]
    fn bounded() {
        let memo = Memo::default();
        for i in 0..MAX_ENTRIES + 10 {
            memo.answer(1, i.to_string(), || Answer::ok(&i));
        }
        assert!(memo.entries.lock().unwrap().cells.len() <= MAX_ENTRIES);
        // The first question was forgotten when the memo started over.
        assert_eq!(
            text(&memo.answer(1, "0".into(), || Answer::ok(&"again"))),
            "\"again\""
        );
    }

    #[test]
    fn concurrent_askers_share_one_computation() {
        let memo = Arc::new(Memo::default());
        let runs = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let threads: Vec<_> = (0..4)
            .map(|_| {
                let (memo, runs) = (Arc::clone(&memo), Arc::clone(&runs));
                std::thread::spawn(move || {
                    memo.answer(7, "graph".into(), || {
                        runs.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                        std::thread::sleep(std::time::Duration::from_millis(50));
                        Answer::ok(&"drawing")
                    })
                })
            })
            .collect();
        for t in threads {
            assert_eq!(text(&t.join().unwrap()), "\"drawing\"");
        }
        assert_eq!(runs.load(std::sync::atomic::Ordering::SeqCst), 1);
    }
}
