//! `atomdoc serve` over HTTP: every endpoint, the `Host` check, path traversal in every
//! encoding, the read-only rule and hostile strings. Requests are written by hand on a TCP
//! socket, so the request target and the `Host` header reach the server exactly as written.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use serde_json::Value;

use crate::common::{copy_tree, sample};

/// A running `atomdoc serve`, stopped when dropped.
pub struct Served {
    child: Child,
    /// `127.0.0.1:PORT`
    pub addr: String,
    pub url: String,
}

impl Served {
    /// Serves `repo` (no cache) on a free loopback port.
    pub fn start(repo: &Path) -> Served {
        Served::start_with(repo, &[])
    }

    pub fn start_with(repo: &Path, args: &[&str]) -> Served {
        let mut child = Command::new(assert_cmd::cargo::cargo_bin("atomdoc"))
            .env("NO_COLOR", "1")
            .arg("--repo")
            .arg(repo)
            .arg("--no-cache")
            .arg("serve")
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("atomdoc starts");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let url = line
            .split_whitespace()
            .find(|w| w.starts_with("http://"))
            .unwrap_or_else(|| panic!("no URL in {line:?}"))
            .to_string();
        let addr = url
            .trim_start_matches("http://")
            .trim_end_matches('/')
            .to_string();
        Served { child, addr, url }
    }

    /// A request with this server's own `Host`.
    pub fn get(&self, target: &str) -> Reply {
        self.request("GET", target, Some(&self.addr.clone()))
    }

    pub fn json(&self, target: &str) -> Value {
        let reply = self.get(target);
        assert_eq!(reply.status, 200, "{target}: {}", reply.body);
        serde_json::from_str(&reply.body).unwrap_or_else(|e| panic!("{target}: {e}"))
    }

    pub fn request(&self, method: &str, target: &str, host: Option<&str>) -> Reply {
        let mut stream = TcpStream::connect(&self.addr).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(30)))
            .unwrap();
        let mut head = format!("{method} {target} HTTP/1.1\r\n");
        if let Some(host) = host {
            head.push_str(&format!("Host: {host}\r\n"));
        }
        head.push_str("Connection: close\r\nContent-Length: 0\r\n\r\n");
        stream.write_all(head.as_bytes()).unwrap();
        let mut raw = Vec::new();
        stream.read_to_end(&mut raw).unwrap();
        Reply::parse(&raw)
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Reply {
    fn parse(raw: &[u8]) -> Reply {
        let text = String::from_utf8_lossy(raw);
        let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
        let mut lines = head.lines();
        let status = lines
            .next()
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        let headers: Vec<(String, String)> = lines
            .filter_map(|l| l.split_once(':'))
            .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
            .collect();
        let chunked = headers
            .iter()
            .any(|(k, v)| k == "transfer-encoding" && v.contains("chunked"));
        let body = if chunked {
            dechunk(body)
        } else {
            body.to_string()
        };
        Reply {
            status,
            headers,
            body,
        }
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

fn dechunk(mut body: &str) -> String {
    let mut out = String::new();
    while let Some((size, rest)) = body.split_once("\r\n") {
        let n = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
        if n == 0 || rest.len() < n {
            break;
        }
        out.push_str(&rest[..n]);
        body = rest[n..].trim_start_matches("\r\n");
    }
    out
}

/// The CLI's JSON answer for comparison.
fn cli_json(repo: &Path, args: &[&str]) -> Value {
    let out = crate::common::atomdoc(repo).args(args).output().unwrap();
    serde_json::from_slice(&out.stdout).unwrap()
}

const POOLING: &str = "docs/atomic/integrations/redis/connection-pooling.md";

#[test]
fn every_endpoint_answers_on_the_sample() {
    let s = Served::start(&sample());
    let page = s.get("/");
    assert_eq!(page.status, 200);
    assert!(
        page.header("content-type")
            .unwrap()
            .starts_with("text/html")
    );
    assert!(page.body.contains("/assets/app.js"));
    for asset in [
        "/assets/app.js",
        "/assets/layout.js",
        "/assets/app.css",
        "/assets/vendor/sigma.min.js",
        "/assets/vendor/graphology.umd.min.js",
        "/assets/vendor/LICENSE-sigma.txt",
        "/assets/vendor/LICENSE-graphology.txt",
    ] {
        let r = s.get(asset);
        assert_eq!(r.status, 200, "{asset}");
        assert!(!r.body.is_empty(), "{asset}");
    }

    // The graph is the export's drawing: the same nodes and edges as `export --format json`.
    let graph = s.json("/api/graph");
    let export = cli_json(&sample(), &["export", "--format", "json", "--level", "doc"]);
    assert_eq!(
        graph["nodes"].as_array().unwrap().len(),
        export["nodes"].as_array().unwrap().len()
    );
    // Edges are `[source, target, kind, broken, count]` with the ends as node indices.
    let nodes = graph["nodes"].as_array().unwrap();
    let edges: Vec<Value> = graph["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            serde_json::json!({
                "source": nodes[e[0].as_u64().unwrap() as usize]["id"],
                "target": nodes[e[1].as_u64().unwrap() as usize]["id"],
                "kind": e[2],
                "broken": e[3],
                "count": e[4],
            })
        })
        .collect();
    assert_eq!(Value::from(edges), export["edges"]);
    assert_eq!(graph["documents"], 37);
    let pooling = graph["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["id"] == POOLING)
        .unwrap();
    assert!(pooling["inlinks"].as_u64().unwrap() > 0);
    assert!(pooling["colour"].as_str().unwrap().starts_with('#'));
    let categories = s.json("/api/graph?level=category");
    assert!(
        categories["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|n| n["id"] == "category:integrations")
    );
    let local = s.json(&format!("/api/graph?around={POOLING}&depth=1"));
    let near = cli_json(
        &sample(),
        &[
            "query",
            &format!("neighbors of {POOLING}"),
            "--format",
            "json",
        ],
    );
    let docs = local["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["kind"] == "document")
        .count();
    assert_eq!(docs, near.as_array().unwrap().len() + 1);

    // The document panel: backlinks as `backlinks of`, broken links with suggestions.
    let doc = s.json(&format!("/api/doc?path={POOLING}"));
    assert_eq!(doc["title"], "Redis Connection Pooling");
    let backlinks = cli_json(
        &sample(),
        &[
            "query",
            &format!("backlinks of {POOLING}"),
            "--format",
            "json",
        ],
    );
    assert_eq!(doc["backlinks"]["rows"], backlinks);
    assert!(doc["html"].as_str().unwrap().contains("<h1>"));
    let broken = cli_json(&sample(), &["query", "broken", "--format", "json"]);
    let with_broken = broken[0]["source"].as_str().unwrap();
    let doc = s.json(&format!("/api/doc?path={with_broken}"));
    assert!(!doc["broken"]["rows"].as_array().unwrap().is_empty());
    assert!(doc["broken"]["columns"].to_string().contains("suggestions"));

    let search = s.json("/api/search?q=connection%20pool");
    let cli = cli_json(
        &sample(),
        &["search", "connection", "pool", "--format", "json"],
    );
    assert_eq!(search["hits"][0]["path"], cli[0]["path"]);
    let marked: String = search["hits"][0]["excerpt"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| match p[1].as_bool().unwrap() {
            true => format!("**{}**", p[0].as_str().unwrap()),
            false => p[0].as_str().unwrap().to_string(),
        })
        .collect();
    assert_eq!(marked.trim(), cli[0]["snippet"]);

    let query = s.json("/api/query?q=orphans%20in%20services");
    let cli = cli_json(
        &sample(),
        &["query", "orphans in services", "--format", "json"],
    );
    assert_eq!(query["rows"], cli);
    assert_eq!(query["count"], "1 document");
    assert_eq!(
        query["highlight"]["nodes"][0],
        "docs/atomic/services/service-catalog.md"
    );
    let bad = s.get("/api/query?q=orphans%20in%20integrashuns");
    assert_eq!(bad.status, 400);
    assert!(bad.body.contains("integrashuns"), "{}", bad.body);

    let coverage = s.json("/api/coverage");
    let cli = cli_json(&sample(), &["coverage", "--format", "json"]);
    assert_eq!(coverage["rows"], cli);

    // The event stream starts with the current generation.
    let mut stream = TcpStream::connect(&s.addr).unwrap();
    write!(
        stream,
        "GET /api/events HTTP/1.1\r\nHost: {}\r\n\r\n",
        s.addr
    )
    .unwrap();
    let mut reader = BufReader::new(stream);
    let mut seen = String::new();
    while !seen.contains("event: hello") {
        let mut line = String::new();
        assert!(reader.read_line(&mut line).unwrap() > 0);
        seen.push_str(&line);
    }
    assert!(seen.contains("text/event-stream"), "{seen}");
}

#[test]
fn bad_parameters_are_clear_errors() {
    let s = Served::start(&sample());
    for (target, status, says) in [
        ("/api/graph?level=planet", 400, "unknown level"),
        ("/api/graph?around=docs/atomic/nope.md", 404, "no document"),
        ("/api/doc?path=docs/atomic/nope.md", 404, "no document"),
        ("/api/doc", 400, "path"),
        ("/api/search?q=", 400, ""),
        ("/nope", 404, "no such page"),
    ] {
        let r = s.get(target);
        assert_eq!(r.status, status, "{target}: {}", r.body);
        assert!(r.body.contains(says), "{target}: {}", r.body);
    }
}

#[test]
fn only_requests_for_this_host_are_answered() {
    let s = Served::start(&sample());
    let port = s.addr.rsplit(':').next().unwrap().to_string();
    for host in [
        "evil.example".to_string(),
        format!("evil.example:{port}"),
        format!("localhost.evil.example:{port}"),
        "127.0.0.1:1".to_string(),
        format!("127.0.0.1.nip.io:{port}"),
    ] {
        let r = s.request("GET", "/api/graph", Some(&host));
        assert_eq!(r.status, 421, "Host: {host}");
        assert!(!r.body.contains("nodes"));
    }
    // No Host at all (HTTP/1.1 requires one), and an absolute target naming another host.
    assert_ne!(s.request("GET", "/api/graph", None).status, 200);
    let r = s.request(
        "GET",
        "http://evil.example/api/graph",
        Some(&s.addr.clone()),
    );
    assert_eq!(r.status, 421);
    for host in [
        s.addr.clone(),
        format!("localhost:{port}"),
        "localhost".into(),
    ] {
        assert_eq!(
            s.request("GET", "/api/graph", Some(&host)).status,
            200,
            "{host}"
        );
    }
}

#[test]
fn nothing_outside_the_documents_and_assets_is_served() {
    let s = Served::start(&sample());
    for target in [
        "/../Cargo.toml",
        "/assets/../Cargo.toml",
        "/assets/%2e%2e/Cargo.toml",
        "/assets/%2E%2E%2FCargo.toml",
        "/assets/..%2f..%2fCargo.toml",
        "/assets/..%5c..%5cCargo.toml",
        "/assets/%252e%252e/Cargo.toml",
        "/assets/vendor/../../Cargo.toml",
        "/assets//etc/passwd",
        "/assets/%2fetc%2fpasswd",
        "/assets/app.js%00.txt",
        "/assets/.%2e/web/index.html",
        "/assets/../web/app.js",
        "/assets/",
        "/etc/passwd",
        "/%2e%2e/%2e%2e/etc/passwd",
        "/docs/atomic/README.md",
        "/examples/sample/atomdoc.toml",
        "/api/doc?path=../../Cargo.toml",
        "/api/doc?path=%2e%2e%2f%2e%2e%2fCargo.toml",
        "/api/doc?path=/etc/passwd",
        "/api/doc?path=atomdoc.toml",
        "/api/doc?path=docs/atomic/TEMPLATE.md",
        "/api/doc?path=docs/atomic/integrations/../../../Cargo.toml",
        "/api/graph?around=../Cargo.toml",
    ] {
        let r = s.get(target);
        assert_eq!(r.status, 404, "{target}: {}", r.body);
        assert!(
            !r.body.contains("[package]") && !r.body.contains("root:"),
            "{target}"
        );
    }
}

#[test]
fn nothing_can_be_written() {
    let s = Served::start(&sample());
    for method in ["POST", "PUT", "DELETE", "PATCH"] {
        for target in [
            "/",
            "/api/doc?path=docs/atomic/README.md",
            "/api/query?q=orphans",
        ] {
            let r = s.request(method, target, Some(&s.addr.clone()));
            assert_eq!(r.status, 405, "{method} {target}");
        }
    }
    let r = s.get("/");
    let csp = r.header("content-security-policy").unwrap();
    assert!(
        csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"),
        "{csp}"
    );
    assert_eq!(r.header("x-content-type-options"), Some("nosniff"));
}

/// A document whose name, title, headings, links and text are all markup.
pub const HOSTILE_TITLE: &str = "<img src=x onerror=alert(1)>";

pub fn hostile_tree() -> tempfile::TempDir {
    let dir = copy_tree(&sample());
    let docs = dir.path().join("docs/atomic/services");
    std::fs::write(
        docs.join("<img src=x onerror=alert(1)>.md"),
            "# \\<img src=x onerror=alert(1)\\>\n\nintro <script>alert(2)</script>\n\n\
             ## <svg onload=alert(3)>\n\n[x](javascript:alert(4)) [y](\"><img src=x onerror=alert(5)>.md)\n\n\
             <a href=\"#\" onclick=\"alert(6)\">hostilexss</a>\n\n\
             ## Related Documents\n\n- [pool](../integrations/redis/connection-pooling.md)\n",
    )
    .unwrap();
    dir
}

#[test]
fn hostile_strings_arrive_as_text() {
    let dir = hostile_tree();
    let s = Served::start(dir.path());
    let path = "docs/atomic/services/<img src=x onerror=alert(1)>.md";
    let encoded = "docs/atomic/services/%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E.md";
    let doc = s.json(&format!("/api/doc?path={encoded}"));
    assert_eq!(doc["path"], path);
    // JSON text: the page sets it with textContent.
    assert_eq!(doc["title"], HOSTILE_TITLE);
    let html = doc["html"].as_str().unwrap();
    // ammonia keeps harmless markup (an `<img src="x">`) and drops the rest: no tag carries
    // a handler or a script URL, and no script or SVG element is left.
    for tag in html
        .split('<')
        .skip(1)
        .map(|t| t.split('>').next().unwrap())
    {
        let tag = tag.to_ascii_lowercase();
        assert!(
            !tag.starts_with("script") && !tag.starts_with("svg"),
            "<{tag}> in {html}"
        );
        assert!(
            !tag.contains(" on") && !tag.contains("javascript:"),
            "<{tag}> in {html}"
        );
    }
    assert!(
        html.contains("&lt;img src=x onerror=alert(1)&gt;"),
        "{html}"
    );
    assert!(html.contains("hostilexss"));
    let graph = s.get("/api/graph");
    assert!(
        graph
            .body
            .contains(&serde_json::to_string(HOSTILE_TITLE).unwrap())
    );
    // JSON never carries a raw `<` a sniffing browser could take for markup in a text body:
    // it is served as application/json with nosniff.
    assert!(
        graph
            .header("content-type")
            .unwrap()
            .starts_with("application/json")
    );
    let search = s.json("/api/search?q=hostilexss");
    assert_eq!(search["hits"][0]["path"], path);
}

/// Answers are kept until a change is applied: the same question gets the same bytes, and
/// after an edit every answer — the whole graph, a document, a query, coverage — is the new
/// tree's.
#[test]
fn kept_answers_follow_an_edit() {
    let tree = copy_tree(&sample());
    let s = Served::start(tree.path());
    let targets = [
        "/api/graph".to_string(),
        "/api/graph?level=category".to_string(),
        format!("/api/doc?path={POOLING}"),
        "/api/query?q=docs%20in%20integrations".to_string(),
        "/api/coverage".to_string(),
    ];
    let before: Vec<String> = targets.iter().map(|t| s.get(t).body).collect();
    for (target, body) in targets.iter().zip(&before) {
        assert_eq!(&s.get(target).body, body, "{target} is answered the same");
    }
    assert!(before[0].contains("\"Redis Connection Pooling\""));

    let file = tree.path().join(POOLING);
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(
        &file,
        text.replace("# Redis Connection Pooling", "# Redis Pools, Kept Fresh"),
    )
    .unwrap();
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    while s.json(&targets[2])["title"] != "Redis Pools, Kept Fresh" {
        assert!(
            std::time::Instant::now() < deadline,
            "the edit reaches the document answer"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    let graph = s.json(&targets[0]);
    let node = graph["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["id"] == POOLING)
        .unwrap();
    assert_eq!(node["label"], "Redis Pools, Kept Fresh");
    let query = s.json(&targets[3]);
    assert!(
        query["rows"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["title"] == "Redis Pools, Kept Fresh"),
        "{query}"
    );
    let old: Value = serde_json::from_str(&before[4]).unwrap();
    let coverage = s.json(&targets[4]);
    assert!(coverage["generation"].as_u64() > old["generation"].as_u64());
    assert_eq!(
        coverage["rows"], old["rows"],
        "the title edit changes no coverage"
    );
}
