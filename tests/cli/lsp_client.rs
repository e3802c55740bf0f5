//! A scripted LSP client for `atomdoc lsp` over stdio (Content-Length framing): used by the
//! protocol tests (`tests/cli/lsp.rs`) and the benchmark (`benches/lsp.rs`, through `#[path]`).

#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::time::Duration;

use serde_json::{Value, json};

/// A hang guard only (never a timing assertion): a reply that takes this long means the
/// server is stuck.
const PATIENCE: Duration = Duration::from_secs(20);

pub struct Client {
    pub child: Child,
    stdin: ChildStdin,
    rx: std::sync::mpsc::Receiver<Value>,
    next: i64,
    /// Notifications and server requests seen so far, in order.
    pub seen: Vec<Value>,
}

pub fn uri(path: &Path) -> String {
    let mut s = String::from("file://");
    for b in path.to_string_lossy().bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                s.push(b as char)
            }
            _ => s.push_str(&format!("%{b:02X}")),
        }
    }
    s
}

impl Client {
    /// Starts `atomdoc lsp` (with `env` set) and sends nothing yet.
    pub fn spawn(env: &[(&str, &str)]) -> Client {
        Client::spawn_with(&[], env)
    }

    /// Starts `atomdoc <args> lsp` with `env` set.
    pub fn spawn_with(args: &[&str], env: &[(&str, &str)]) -> Client {
        let mut cmd = Command::new(assert_cmd::cargo::cargo_bin("atomdoc"));
        cmd.args(args)
            .arg("lsp")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null());
        for (k, v) in env {
            cmd.env(k, v);
        }
        let mut child = cmd.spawn().expect("atomdoc lsp starts");
        let stdin = child.stdin.take().unwrap();
        let mut out = BufReader::new(child.stdout.take().unwrap());
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            loop {
                let mut length = 0usize;
                loop {
                    let mut line = String::new();
                    if out.read_line(&mut line).unwrap_or(0) == 0 {
                        return;
                    }
                    let line = line.trim_end();
                    if line.is_empty() {
                        break;
                    }
                    if let Some(v) = line.strip_prefix("Content-Length: ") {
                        length = v.parse().unwrap();
                    }
                }
                let mut body = vec![0; length];
                if out.read_exact(&mut body).is_err() {
                    return;
                }
                let v: Value = serde_json::from_slice(&body).expect("the server writes JSON");
                if tx.send(v).is_err() {
                    return;
                }
            }
        });
        Client {
            child,
            stdin,
            rx,
            next: 0,
            seen: Vec::new(),
        }
    }

    /// Starts the server and initializes it on `root` with `capabilities`.
    pub fn start(root: &Path, capabilities: Value) -> Client {
        let mut c = Client::spawn(&[]);
        c.initialize(root, capabilities);
        c
    }

    pub fn initialize(&mut self, root: &Path, capabilities: Value) -> Value {
        let r = self.request(
            "initialize",
            json!({
                "processId": null,
                "rootUri": uri(root),
                "workspaceFolders": [{ "uri": uri(root), "name": "test" }],
                "capabilities": capabilities,
            }),
        );
        self.notify("initialized", json!({}));
        r
    }

    pub fn raw(&mut self, body: &[u8]) {
        write!(self.stdin, "Content-Length: {}\r\n\r\n", body.len()).unwrap();
        self.stdin.write_all(body).unwrap();
        self.stdin.flush().unwrap();
    }

    pub fn notify(&mut self, method: &str, params: Value) {
        let body = json!({ "jsonrpc": "2.0", "method": method, "params": params }).to_string();
        self.raw(body.as_bytes());
    }

    fn receive(&mut self) -> Value {
        let Ok(v) = self.rx.recv_timeout(PATIENCE) else {
            panic!("the server did not answer; seen so far: {:#?}", self.seen);
        };
        // Answer the server's own requests (registerCapability) so it is never left waiting.
        if v.get("method").is_some() && v.get("id").is_some() {
            let reply = json!({ "jsonrpc": "2.0", "id": v["id"], "result": null }).to_string();
            self.raw(reply.as_bytes());
        }
        v
    }

    /// Sends a request and returns the whole response (`result` or `error`).
    pub fn request(&mut self, method: &str, params: Value) -> Value {
        self.next += 1;
        let id = self.next;
        let body =
            json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params }).to_string();
        self.raw(body.as_bytes());
        self.response(json!(id))
    }

    /// Waits for the response with `id`.
    pub fn response(&mut self, id: Value) -> Value {
        loop {
            let v = self.receive();
            if v.get("method").is_none() && v["id"] == id {
                return v;
            }
            self.seen.push(v);
        }
    }

    /// The result of a request, which must not fail.
    pub fn ask(&mut self, method: &str, params: Value) -> Value {
        let r = self.request(method, params);
        assert!(r.get("error").is_none(), "{method} failed: {r}");
        r["result"].clone()
    }

    /// Waits for a notification that `pred` accepts (looking at those seen first, which it
    /// then forgets).
    pub fn wait(&mut self, pred: impl Fn(&Value) -> bool) -> Value {
        if let Some(i) = self.seen.iter().position(&pred) {
            return self.seen.remove(i);
        }
        loop {
            let v = self.receive();
            if pred(&v) {
                return v;
            }
            self.seen.push(v);
        }
    }

    /// The next diagnostics published for `uri` that `pred` accepts.
    pub fn diagnostics(&mut self, uri: &str, pred: impl Fn(&[Value]) -> bool) -> Vec<Value> {
        let v = self.wait(|v| {
            v["method"] == "textDocument/publishDiagnostics"
                && v["params"]["uri"] == uri
                && pred(v["params"]["diagnostics"].as_array().unwrap())
        });
        v["params"]["diagnostics"].as_array().unwrap().clone()
    }

    pub fn open(&mut self, path: &Path) {
        let text = std::fs::read_to_string(path).unwrap();
        self.notify(
            "textDocument/didOpen",
            json!({ "textDocument": {
                "uri": uri(path), "languageId": "markdown", "version": 1, "text": text,
            }}),
        );
    }

    /// `shutdown` then `exit`; the exit status.
    pub fn finish(mut self) -> Option<i32> {
        let r = self.request("shutdown", Value::Null);
        assert!(r.get("error").is_none(), "{r}");
        self.notify("exit", Value::Null);
        self.child.wait().unwrap().code()
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn write(root: &Path, rel: &str, text: &str) -> PathBuf {
    let p = root.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(&p, text).unwrap();
    p
}
