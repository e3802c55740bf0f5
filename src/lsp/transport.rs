//! The wire: `Content-Length` framed JSON-RPC over any reader and writer (stdin and stdout in
//! `atomdoc lsp`, pipes in tests). Unlike `lsp_server::Connection::stdio`, a malformed
//! message never ends the session: bad JSON gets a `ParseError`, JSON that is not a message
//! an `InvalidRequest` (both with a `null` id, as JSON-RPC asks), a bad header is skipped
//! until the next one, and an oversized body is read past and refused.

use std::io::{BufRead, Read, Write};
use std::thread;

use crossbeam_channel::{Receiver, Sender};
use lsp_server::{ErrorCode, Message};
use serde_json::{Value, json};

/// A message body larger than this is refused (read past, never held): 64 MiB is far above
/// any document a client sends (`[limits] max_file_bytes` caps what atomdoc reads anyway).
const MAX_BODY: usize = 64 * 1024 * 1024;

/// What the reader hands the server: a message, or the end of the input.
pub enum Incoming {
    Message(Message),
    /// A line of text for the log: what was wrong with something that was read.
    Problem(String),
}

/// Starts the reader and writer threads. Returns the messages read and the channel every
/// outgoing JSON value goes through; the writer ends when every sender is dropped.
pub fn start(
    input: impl BufRead + Send + 'static,
    output: impl Write + Send + 'static,
) -> (Receiver<Incoming>, Sender<Value>, thread::JoinHandle<()>) {
    let (in_tx, in_rx) = crossbeam_channel::unbounded();
    let (out_tx, out_rx) = crossbeam_channel::unbounded::<Value>();
    let replies = out_tx.clone();
    thread::Builder::new()
        .name("lsp-reader".into())
        .spawn(move || read_loop(input, &in_tx, &replies))
        .expect("the reader thread starts");
    let writer = thread::Builder::new()
        .name("lsp-writer".into())
        .spawn(move || {
            let mut output = output;
            for value in out_rx {
                let body = value.to_string();
                let framed = write!(output, "Content-Length: {}\r\n\r\n{body}", body.len())
                    .and_then(|()| output.flush());
                if framed.is_err() {
                    // The client went away; nothing left to tell it.
                    break;
                }
            }
        })
        .expect("the writer thread starts");
    (in_rx, out_tx, writer)
}

/// A message as a JSON value with its `jsonrpc` member.
pub fn to_value(msg: &Message) -> Value {
    let mut v = serde_json::to_value(msg).unwrap_or(Value::Null);
    if let Value::Object(map) = &mut v {
        map.insert("jsonrpc".into(), json!("2.0"));
    }
    v
}

fn error_reply(id: Value, code: ErrorCode, message: String) -> Value {
    json!({ "jsonrpc": "2.0", "id": id, "error": { "code": code as i32, "message": message } })
}

fn read_loop(mut input: impl BufRead, tx: &Sender<Incoming>, replies: &Sender<Value>) {
    loop {
        let body = match read_body(&mut input) {
            Ok(Some(Ok(body))) => body,
            Ok(Some(Err(problem))) => {
                let _ = tx.send(Incoming::Problem(problem.clone()));
                if problem.starts_with("message of") {
                    let _ =
                        replies.send(error_reply(Value::Null, ErrorCode::InvalidRequest, problem));
                }
                continue;
            }
            // End of input or a read error: the client is gone.
            Ok(None) | Err(_) => return,
        };
        let value: Value = match serde_json::from_slice(&body) {
            Ok(v) => v,
            Err(e) => {
                let why = format!("malformed JSON: {e}");
                let _ = tx.send(Incoming::Problem(why.clone()));
                let _ = replies.send(error_reply(Value::Null, ErrorCode::ParseError, why));
                continue;
            }
        };
        let id = value.get("id").cloned().unwrap_or(Value::Null);
        match serde_json::from_value::<Message>(value) {
            Ok(msg) => {
                let exit = matches!(&msg, Message::Notification(n) if n.method == "exit");
                if tx.send(Incoming::Message(msg)).is_err() || exit {
                    return;
                }
            }
            Err(e) => {
                let why = format!("not a JSON-RPC request, notification or response: {e}");
                let _ = tx.send(Incoming::Problem(why.clone()));
                let _ = replies.send(error_reply(id, ErrorCode::InvalidRequest, why));
            }
        }
    }
}

/// Reads one framed body. `Ok(None)` at the end of the input; `Some(Err(why))` for a
/// message that was skipped.
fn read_body<R: BufRead>(input: &mut R) -> std::io::Result<Option<Result<Vec<u8>, String>>> {
    let mut length: Option<usize> = None;
    let mut bad_header = None;
    let mut line = Vec::new();
    loop {
        line.clear();
        // Header lines are short; a "line" of a megabyte is not a header.
        let n = <&mut R as Read>::take(&mut *input, 64 * 1024).read_until(b'\n', &mut line)?;
        if n == 0 {
            return Ok(None);
        }
        let text = String::from_utf8_lossy(&line);
        let text = text.trim_end_matches(['\r', '\n']);
        if text.is_empty() {
            if length.is_some() || bad_header.is_some() {
                break;
            }
            continue;
        }
        match text.split_once(':') {
            Some((name, value)) if name.trim().eq_ignore_ascii_case("content-length") => {
                match value.trim().parse::<usize>() {
                    Ok(n) => length = Some(n),
                    Err(_) => bad_header = Some(format!("bad Content-Length header {text:?}")),
                }
            }
            Some(_) => {}
            None => bad_header = Some(format!("malformed header line {text:?}; skipped")),
        }
    }
    let Some(length) = length else {
        let why = bad_header.unwrap_or_else(|| "a message without Content-Length".into());
        return Ok(Some(Err(why)));
    };
    if length > MAX_BODY {
        std::io::copy(
            &mut <&mut R as Read>::take(&mut *input, length as u64),
            &mut std::io::sink(),
        )?;
        return Ok(Some(Err(format!(
            "message of {length} bytes refused (at most {MAX_BODY})"
        ))));
    }
    let mut body = vec![0; length];
    input.read_exact(&mut body)?;
    Ok(Some(Ok(body)))
}
