//! A tiny DevTools-protocol client for the browser tests: launches Debian's `chromium`
//! headless on a fresh profile, opens one page and talks to it over one websocket
//! (`tungstenite`, synchronous). It covers what the tests need — navigate, evaluate, mouse
//! and keyboard input, screenshots — and costs a fraction of chromiumoxide's build time.

use std::io::{BufRead, BufReader};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use tungstenite::stream::MaybeTlsStream;
use tungstenite::{Message, WebSocket};

/// The browser program (Debian's package name).
pub const CHROMIUM: &str = "chromium";

pub struct Browser {
    child: Child,
    _profile: tempfile::TempDir,
    /// `ws://127.0.0.1:PORT/devtools/browser/ID`
    url: String,
    port: u16,
}

impl Browser {
    pub fn launch() -> Browser {
        let profile = tempfile::tempdir().unwrap();
        let mut child = Command::new(CHROMIUM)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--enable-unsafe-swiftshader",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-dev-shm-usage",
                "--window-size=1400,900",
                "--remote-debugging-port=0",
            ])
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .arg("about:blank")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("chromium starts");
        let stderr = child.stderr.take().unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut tx = Some(tx);
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if let Some(url) = line.strip_prefix("DevTools listening on ")
                    && let Some(tx) = tx.take()
                {
                    let _ = tx.send(url.to_string());
                }
            }
        });
        let url = rx
            .recv_timeout(Duration::from_secs(60))
            .expect("chromium prints its DevTools address");
        let port = url
            .trim_start_matches("ws://")
            .split(['/', ':'])
            .nth(1)
            .unwrap()
            .parse()
            .unwrap();
        Browser {
            child,
            _profile: profile,
            url,
            port,
        }
    }

    /// A new page (tab) at `url`.
    pub fn page(&self, url: &str) -> Page {
        let (mut browser, _) = tungstenite::connect(&self.url).expect("connects to the browser");
        let mut control = Page {
            ws: browser,
            next: 0,
            events: Vec::new(),
        };
        let target = control.call("Target.createTarget", json!({ "url": "about:blank" }));
        let id = target["targetId"].as_str().unwrap().to_string();
        browser = control.ws;
        let _ = browser.close(None);
        let (ws, _) =
            tungstenite::connect(format!("ws://127.0.0.1:{}/devtools/page/{id}", self.port))
                .expect("connects to the page");
        if let MaybeTlsStream::Plain(s) = ws.get_ref() {
            s.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
        }
        let mut page = Page {
            ws,
            next: 0,
            events: Vec::new(),
        };
        page.call("Page.enable", json!({}));
        page.call("Runtime.enable", json!({}));
        // Any dialog (alert, confirm) is recorded; a hostile title must never open one.
        page.call(
            "Page.addScriptToEvaluateOnNewDocument",
            json!({ "source": "window.__dialogs = []; for (const f of ['alert','confirm','prompt']) { window[f] = (m) => { window.__dialogs.push(String(m)); }; }" }),
        );
        page.call(
            "Emulation.setDeviceMetricsOverride",
            json!({ "width": 1400, "height": 900, "deviceScaleFactor": 1, "mobile": false }),
        );
        page.navigate(url);
        page
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub struct Page {
    ws: WebSocket<MaybeTlsStream<TcpStream>>,
    next: u64,
    /// Events received while waiting for answers.
    pub events: Vec<Value>,
}

impl Page {
    /// Sends a command and waits for its answer (panics on a protocol error).
    pub fn call(&mut self, method: &str, params: Value) -> Value {
        self.next += 1;
        let id = self.next;
        let text = json!({ "id": id, "method": method, "params": params }).to_string();
        self.ws.send(Message::text(text)).unwrap();
        loop {
            let message = self.ws.read().expect("the browser answers");
            let Message::Text(text) = message else {
                continue;
            };
            let v: Value = serde_json::from_str(text.as_str()).unwrap();
            if v["id"] == id {
                if let Some(e) = v.get("error") {
                    panic!("{method}: {e}");
                }
                return v["result"].clone();
            }
            self.events.push(v);
        }
    }

    pub fn navigate(&mut self, url: &str) {
        self.call("Page.navigate", json!({ "url": url }));
    }

    /// The value of a JavaScript expression (promises awaited).
    pub fn eval(&mut self, expression: &str) -> Value {
        let r = self.call(
            "Runtime.evaluate",
            json!({ "expression": expression, "returnByValue": true, "awaitPromise": true }),
        );
        if let Some(e) = r.get("exceptionDetails") {
            panic!("{expression}: {e}");
        }
        r["result"]["value"].clone()
    }

    /// Waits until `expression` is truthy; returns its value. Panics after `secs` seconds,
    /// saying what it waited for.
    pub fn wait_for(&mut self, expression: &str, secs: u64) -> Value {
        let start = Instant::now();
        loop {
            let v = self.eval(&format!(
                "(() => {{ try {{ return {expression}; }} catch (e) {{ return null; }} }})()"
            ));
            let truthy =
                !(v.is_null() || v == Value::Bool(false) || v == json!(0) || v == json!(""));
            if truthy {
                return v;
            }
            assert!(
                start.elapsed() < Duration::from_secs(secs),
                "waited {secs} s for {expression}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    pub fn click(&mut self, x: f64, y: f64) {
        for kind in ["mouseMoved", "mousePressed", "mouseReleased"] {
            self.call(
                "Input.dispatchMouseEvent",
                json!({ "type": kind, "x": x, "y": y, "button": "left", "clickCount": 1 }),
            );
        }
    }

    /// Focuses the element `selector` and types `text`, then Enter.
    pub fn type_and_enter(&mut self, selector: &str, text: &str) {
        self.eval(&format!(
            "(() => {{ const e = document.querySelector({}); e.focus(); e.select && e.select(); }})()",
            serde_json::to_string(selector).unwrap()
        ));
        self.call("Input.insertText", json!({ "text": text }));
        for kind in ["keyDown", "keyUp"] {
            self.call(
                "Input.dispatchKeyEvent",
                json!({ "type": kind, "key": "Enter", "code": "Enter",
                        "windowsVirtualKeyCode": 13, "text": if kind == "keyDown" { "\r" } else { "" } }),
            );
        }
    }

    /// Writes a PNG of the page to `path`.
    pub fn screenshot(&mut self, path: &Path) {
        use base64_decode::decode;
        let r = self.call("Page.captureScreenshot", json!({ "format": "png" }));
        let png = decode(r["data"].as_str().unwrap());
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, png).unwrap();
    }
}

/// Base64 (standard alphabet) decoding, for screenshots: a dozen lines instead of a crate.
mod base64_decode {
    pub fn decode(text: &str) -> Vec<u8> {
        let value = |c: u8| match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => 0,
        };
        let bytes: Vec<u8> = text.bytes().filter(|c| !c.is_ascii_whitespace()).collect();
        let mut out = Vec::with_capacity(bytes.len() * 3 / 4);
        for chunk in bytes.chunks(4) {
            let n = chunk.iter().take_while(|&&c| c != b'=').count();
            let mut acc = 0u32;
            for (i, &c) in chunk.iter().enumerate() {
                acc |= u32::from(if i < n { value(c) } else { 0 }) << (18 - 6 * i);
            }
            let b = acc.to_be_bytes();
            out.extend_from_slice(&b[1..n.max(1)]);
        }
        out
    }
}
