//! `atomdoc mcp`: a scripted stdio client speaking JSON-RPC to the real binary (initialise,
//! list tools, call each tool on the sample, bad arguments, a file changed between two calls),
//! and a real client, the MCP Inspector's command-line mode (`tests/mcp-inspector/`, installed
//! by `.ci/run`).

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::common::{atomdoc_cached, copy_tree, project, sample};

/// How long the client waits for an answer (a slow machine, not a timing assertion).
const PATIENCE: Duration = Duration::from_secs(60);

/// `atomdoc mcp` on a repository, spoken to over its stdin and stdout.
struct Client {
    child: Child,
    stdin: ChildStdin,
    lines: Receiver<String>,
    next_id: u64,
}

impl Client {
    fn start(repo: &Path) -> Client {
        let mut child = Command::new(env!("CARGO_BIN_EXE_atomdoc"))
            .arg("--repo")
            .arg(repo)
            .arg("mcp")
            .env("NO_COLOR", "1")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("atomdoc mcp starts");
        let stdin = child.stdin.take().unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let mut client = Client {
            child,
            stdin,
            lines,
            next_id: 1,
        };
        let init = client.request(
            "initialize",
            json!({
                "protocolVersion": "2025-06-18",
                "capabilities": {},
                "clientInfo": {"name": "atomdoc-tests", "version": "1"}
            }),
        );
        assert_eq!(init["result"]["serverInfo"]["name"], "atomdoc", "{init}");
        assert!(
            init["result"]["capabilities"]["tools"].is_object(),
            "{init}"
        );
        assert!(
            init["result"]["capabilities"]["resources"].is_object(),
            "{init}"
        );
        client.send(json!({"jsonrpc": "2.0", "method": "notifications/initialized"}));
        client
    }

    fn send(&mut self, message: Value) {
        writeln!(self.stdin, "{message}").expect("the server reads");
        self.stdin.flush().unwrap();
    }

    /// Sends a request and returns the response with its id (notifications are skipped).
    fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        self.send(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        let start = Instant::now();
        loop {
            let left = PATIENCE.saturating_sub(start.elapsed());
            let line = self
                .lines
                .recv_timeout(left)
                .unwrap_or_else(|e| panic!("no answer to {method} ({e})"));
            let message: Value = serde_json::from_str(&line)
                .unwrap_or_else(|e| panic!("not JSON on stdout ({e}): {line}"));
            if message["id"] == json!(id) {
                return message;
            }
        }
    }

    /// Calls a tool: whether it is a tool error, and its text.
    fn call(&mut self, tool: &str, arguments: Value) -> (bool, String) {
        let response = self.request("tools/call", json!({"name": tool, "arguments": arguments}));
        let result = &response["result"];
        assert!(result.is_object(), "{tool}: {response}");
        let text = result["content"][0]["text"]
            .as_str()
            .unwrap_or_else(|| panic!("{tool}: no text in {response}"))
            .to_string();
        (result["isError"] == json!(true), text)
    }

    /// Calls a tool that must answer, and parses its JSON.
    fn answer(&mut self, tool: &str, arguments: Value) -> Value {
        let (error, text) = self.call(tool, arguments.clone());
        assert!(!error, "{tool} {arguments} failed: {text}");
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{tool}: not JSON ({e}): {text}"))
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn paths(rows: &Value) -> Vec<String> {
    rows.as_array()
        .unwrap_or_else(|| panic!("not rows: {rows}"))
        .iter()
        .map(|r| r["path"].as_str().unwrap().to_string())
        .collect()
}

/// The rows `atomdoc query --format json` prints for `query` on `repo`, through the same
/// cache (and so the same search index) as the server.
fn cli_rows(repo: &Path, query: &str) -> Value {
    let out = atomdoc_cached(repo)
        .args(["query", query, "--format", "json"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn every_tool_answers_on_the_sample() {
    let repo = copy_tree(&sample());
    let repo = repo.path();
    let mut client = Client::start(repo);

    let tools = client.request("tools/list", json!({}));
    let mut names: Vec<&str> = tools["result"]["tools"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            assert!(
                t["description"].as_str().is_some_and(|d| d.len() > 40),
                "a tool needs a description an agent can act on: {t}"
            );
            assert_eq!(t["inputSchema"]["type"], "object", "{t}");
            t["name"].as_str().unwrap()
        })
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "backlinks",
            "check",
            "get_document",
            "query",
            "related",
            "search",
            "suggest_related"
        ]
    );

    // query: the same rows as `atomdoc query --format json`.
    let orphans = client.answer("query", json!({"query": "orphans"}));
    assert_eq!(orphans["rows"], cli_rows(repo, "orphans"));
    assert_eq!(orphans["total"], 4);
    assert_eq!(orphans["next_offset"], Value::Null);

    // Pages: offsets continue where the last page stopped, and add up to the whole answer.
    let all = cli_rows(repo, "docs");
    let total = all.as_array().unwrap().len();
    let mut offset = json!(0);
    let mut pages = Vec::new();
    while let Some(o) = offset.as_u64() {
        let page = client.answer("query", json!({"query": "docs", "offset": o, "limit": 10}));
        assert_eq!(page["total"], total);
        pages.extend(page["rows"].as_array().unwrap().clone());
        offset = page["next_offset"].clone();
    }
    assert_eq!(Value::Array(pages), all);

    // search: hits with lines and marked excerpts, a next page when there is one.
    let hits = client.answer("search", json!({"text": "pool", "limit": 1}));
    assert_eq!(
        paths(&hits["rows"]),
        ["docs/atomic/integrations/redis/connection-pooling.md"]
    );
    assert!(hits["rows"][0]["line"].as_u64().is_some(), "{hits}");
    assert!(
        hits["rows"][0]["snippet"]
            .as_str()
            .unwrap()
            .contains("**pool**"),
        "{hits}"
    );
    assert_eq!(hits["next_offset"], 1);
    assert_eq!(hits["more"], true);

    // get_document: one section, to the next heading of its level; links in and out.
    let doc = client.answer(
        "get_document",
        json!({"path": "redis/connection-pooling", "section": "Pool Sizing"}),
    );
    assert_eq!(
        doc["path"],
        "docs/atomic/integrations/redis/connection-pooling.md"
    );
    assert_eq!(doc["title"], "Redis Connection Pooling");
    assert_eq!(doc["category"], "integrations");
    let text = doc["text"].as_str().unwrap();
    assert!(text.starts_with("## Pool Sizing\n"), "{text}");
    assert!(text.contains("### Tuning under load"), "{text}");
    assert!(!text.contains("## Best Practices"), "{text}");
    let backlinks = cli_rows(repo, "backlinks of integrations/redis/connection-pooling");
    assert_eq!(doc["links_in"]["rows"], backlinks);
    assert!(doc["links_out"]["total"].as_u64().unwrap() > 0, "{doc}");
    let whole = client.answer("get_document", json!({"path": "redis/connection-pooling"}));
    let on_disk =
        std::fs::read_to_string(repo.join("docs/atomic/integrations/redis/connection-pooling.md"))
            .unwrap();
    assert_eq!(whole["text"], on_disk.as_str());
    assert_eq!(whole["text_next_offset"], Value::Null);

    // backlinks.
    let links = client.answer("backlinks", json!({"path": "redis/connection-pooling"}));
    assert_eq!(links["rows"], backlinks);

    // related: neighbours by distance and similar documents, ranked.
    let related = client.answer("related", json!({"path": "redis/connection-pooling"}));
    let rows = related["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 10);
    assert_eq!(rows[0]["distance"], 1, "{related}");
    assert!(
        rows.windows(2)
            .all(|w| w[0]["score"].as_f64() >= w[1]["score"].as_f64()),
        "{related}"
    );
    assert!(
        !paths(&related["rows"]).contains(&doc["path"].as_str().unwrap().to_string()),
        "a document is not related to itself: {related}"
    );

    // check: the findings `atomdoc check --format json` reports.
    let cli_check: Value = serde_json::from_slice(
        &crate::common::atomdoc(repo)
            .args(["check", "--format", "json"])
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    let check = client.answer("check", json!({"limit": 500}));
    assert_eq!(check["rows"], cli_check["diagnostics"]);
    assert_eq!(check["errors"], cli_check["summary"]["errors"]);
    let one = client.answer(
        "check",
        json!({"path": "architecture/configuration-layering.md"}),
    );
    assert_eq!(one["rows"][0]["code"], "AD014", "{one}");

    // suggest_related: for a document, and for the orphans. (Only who is suggested is
    // compared: the text similarity behind the scores is not stable from one index build to
    // the next.)
    let suggest = client.answer("suggest_related", json!({}));
    let orphan_paths = paths(&cli_rows(repo, "orphans"));
    let rows = suggest["rows"].as_array().unwrap();
    assert!(!rows.is_empty(), "{suggest}");
    for row in rows {
        let target = row["target"].as_str().unwrap().to_string();
        assert!(orphan_paths.contains(&target), "{row}");
        assert!(row["why"].as_str().is_some_and(|w| !w.is_empty()), "{row}");
    }
    assert_eq!(suggest["query"], "suggest related for orphans");
    let for_doc = client.answer(
        "suggest_related",
        json!({"path": "architecture/configuration-layering"}),
    );
    let rows = for_doc["rows"].as_array().unwrap();
    assert!(!rows.is_empty(), "{for_doc}");
    assert!(
        rows.iter()
            .all(|r| r["source"] == "docs/atomic/architecture/configuration-layering.md"),
        "{for_doc}"
    );

    // Resources: every document, read as the file on disk; nothing else.
    let listed = client.request("resources/list", json!({}));
    let uris: Vec<&str> = listed["result"]["resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["uri"].as_str().unwrap())
        .collect();
    assert_eq!(uris.len(), cli_rows(repo, "docs").as_array().unwrap().len());
    assert!(uris.contains(&"atomdoc://docs/atomic/integrations/redis/connection-pooling.md"));
    let read = client.request(
        "resources/read",
        json!({"uri": "atomdoc://docs/atomic/integrations/redis/connection-pooling.md"}),
    );
    assert_eq!(read["result"]["contents"][0]["text"], on_disk.as_str());
    for uri in [
        "atomdoc://docs/atomic/../../README.md",
        "atomdoc:///etc/passwd",
        "atomdoc://atomdoc.toml",
        "file:///etc/passwd",
    ] {
        let refused = client.request("resources/read", json!({"uri": uri}));
        assert!(refused["error"]["message"].is_string(), "{uri}: {refused}");
    }
}

#[test]
fn bad_arguments_are_errors_that_say_what_to_do() {
    let repo = copy_tree(&sample());
    let mut client = Client::start(repo.path());

    // A query's syntax error: the caret text `atomdoc query` prints.
    let (error, text) = client.call("query", json!({"query": "orphans inn services"}));
    assert!(error);
    assert!(text.contains("--> query:1:"), "{text}");
    assert!(text.contains('^'), "{text}");
    let (error, text) = client.call("query", json!({"query": "orphans in nowhere"}));
    assert!(error);
    assert!(
        text.contains("unknown category or document 'nowhere'"),
        "{text}"
    );
    let (error, text) = client.call("query", json!({"query": "orphans as dot"}));
    assert!(error);
    assert!(text.contains("without `as dot`"), "{text}");

    // Names, sections and scopes that do not exist.
    let (error, text) = client.call("get_document", json!({"path": "connection-pool"}));
    assert!(error);
    assert!(text.contains("did you mean"), "{text}");
    let (error, text) = client.call(
        "get_document",
        json!({"path": "redis/connection-pooling", "section": "Nope"}),
    );
    assert!(error);
    assert!(
        text.contains("its headings are: Redis Connection Pooling"),
        "{text}"
    );
    let (error, text) = client.call("search", json!({"text": "pool", "within": "nowhere"}));
    assert!(error);
    assert!(text.contains("unknown category `nowhere`"), "{text}");
    let (error, text) = client.call("check", json!({"path": "no/such/folder"}));
    assert!(error);
    assert!(text.contains("no document at or under"), "{text}");
    let (error, text) = client.call("related", json!({"path": "nowhere"}));
    assert!(error);
    assert!(text.contains("unknown document 'nowhere'"), "{text}");

    // Arguments that do not fit the schema, and a tool that does not exist.
    let (error, text) = client.call("query", json!({}));
    assert!(error);
    assert!(text.contains("missing field `query`"), "{text}");
    let (error, text) = client.call("search", json!({"text": 3}));
    assert!(error);
    assert!(text.contains("invalid type"), "{text}");
    let unknown = client.request("tools/call", json!({"name": "nope", "arguments": {}}));
    assert!(
        unknown["error"]["message"].is_string() || unknown["result"]["isError"] == json!(true),
        "{unknown}"
    );

    // The server still answers after all that.
    let (error, _) = client.call("query", json!({"query": "stats"}));
    assert!(!error);
}

/// Calls `tool` until `done` holds for its answer (the watcher applies a change a moment
/// after it is written).
fn until(client: &mut Client, tool: &str, args: Value, done: impl Fn(&Value) -> bool) -> Value {
    let start = Instant::now();
    loop {
        let answer = client.answer(tool, args.clone());
        if done(&answer) {
            return answer;
        }
        assert!(
            start.elapsed() < PATIENCE,
            "{tool} {args} never saw the change: {answer}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn a_file_changed_between_two_calls_is_seen_by_the_second() {
    let dir = copy_tree(&sample());
    let repo = dir.path();
    let mut client = Client::start(repo);

    let none = client.answer("search", json!({"text": "zanzibar"}));
    assert_eq!(none["rows"], json!([]));
    let orphans = paths(&client.answer("query", json!({"query": "orphans"}))["rows"]);
    assert!(orphans.contains(&"docs/atomic/infrastructure/health-checks.md".to_string()));

    // A new document, linking to an orphan and to a file that does not exist.
    std::fs::write(
        repo.join("docs/atomic/infrastructure/zanzibar.md"),
        "# Zanzibar\n\nThe zanzibar probe uses [health checks](health-checks.md) and [gone](gone.md).\n",
    )
    .unwrap();
    let hits = until(&mut client, "search", json!({"text": "zanzibar"}), |a| {
        a["rows"].as_array().is_some_and(|r| !r.is_empty())
    });
    assert_eq!(
        paths(&hits["rows"]),
        ["docs/atomic/infrastructure/zanzibar.md"]
    );
    let orphans = paths(&client.answer("query", json!({"query": "orphans"}))["rows"]);
    assert!(!orphans.contains(&"docs/atomic/infrastructure/health-checks.md".to_string()));
    let check = client.answer("check", json!({"path": "infrastructure/zanzibar.md"}));
    let codes: Vec<&str> = check["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap())
        .collect();
    assert!(
        codes.contains(&"AD010"),
        "the broken link is found: {check}"
    );

    // Deleted: gone from every answer.
    std::fs::remove_file(repo.join("docs/atomic/infrastructure/zanzibar.md")).unwrap();
    until(&mut client, "search", json!({"text": "zanzibar"}), |a| {
        a["rows"] == json!([])
    });
    let (error, text) = client.call("get_document", json!({"path": "infrastructure/zanzibar"}));
    assert!(error, "{text}");
}

/// The Inspector's command-line entry point, installed by `npm ci` in `tests/mcp-inspector/`
/// (`.ci/run` does it); under `CI=true` its absence fails the test.
fn inspector() -> Option<PathBuf> {
    let dir = project().join("tests/mcp-inspector");
    let bin = dir.join("node_modules/@modelcontextprotocol/inspector/cli/build/cli.js");
    let present = bin.is_file() && Command::new("node").arg("--version").output().is_ok();
    if !present {
        assert!(
            !std::env::var("CI").is_ok_and(|v| v == "true"),
            "the MCP Inspector is not installed and CI=true: run `npm ci --prefix tests/mcp-inspector` (`.ci/run` does)"
        );
        eprintln!(
            "note: the MCP Inspector is not installed (npm ci --prefix tests/mcp-inspector); skipping"
        );
        return None;
    }
    Some(bin)
}

/// Runs the Inspector's CLI against `atomdoc mcp` on `repo` and parses what it prints.
fn inspect(cli: &Path, repo: &Path, args: &[&str]) -> Value {
    let out = Command::new("node")
        .arg(cli)
        .arg("--cli")
        .arg(env!("CARGO_BIN_EXE_atomdoc"))
        .args(["mcp", "--repo"])
        .arg(repo)
        .args(args)
        .output()
        .expect("node runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "the Inspector failed: {}\n{stdout}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {stdout}"))
}

#[test]
fn the_mcp_inspector_lists_the_tools_and_asks_for_orphans() {
    let Some(cli) = inspector() else { return };
    let dir = copy_tree(&sample());
    let repo = dir.path();
    let listed = inspect(&cli, repo, &["--method", "tools/list"]);
    let mut names: Vec<&str> = listed["tools"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "backlinks",
            "check",
            "get_document",
            "query",
            "related",
            "search",
            "suggest_related"
        ]
    );
    let called = inspect(
        &cli,
        repo,
        &[
            "--method",
            "tools/call",
            "--tool-name",
            "query",
            "--tool-arg",
            "query=orphans",
        ],
    );
    assert_eq!(called["isError"], false, "{called}");
    let answer: Value =
        serde_json::from_str(called["content"][0]["text"].as_str().unwrap()).unwrap();
    assert_eq!(answer["rows"], cli_rows(repo, "orphans"));
    assert_eq!(
        paths(&answer["rows"]),
        [
            "docs/atomic/architecture/configuration-layering.md",
            "docs/atomic/infrastructure/health-checks.md",
            "docs/atomic/observability/metrics/worker-metrics.md",
            "docs/atomic/services/service-catalog.md"
        ]
    );
}

/// The fenced blocks of a Markdown file: (info string, body).
fn fenced_blocks(text: &str) -> Vec<(String, String)> {
    let mut blocks = Vec::new();
    let mut open: Option<(String, String)> = None;
    for line in text.lines() {
        match (&mut open, line.strip_prefix("```")) {
            (None, Some(info)) => open = Some((info.trim().to_string(), String::new())),
            (Some(_), Some("")) => blocks.extend(open.take()),
            (Some((_, body)), _) => {
                body.push_str(line);
                body.push('\n');
            }
            (None, None) => {}
        }
    }
    blocks
}

#[test]
fn docs_agents_md_shows_real_answers_and_working_set_ups() {
    let text = std::fs::read_to_string(project().join("docs/agents.md")).unwrap();
    let blocks = fenced_blocks(&text);

    // Every client snippet starts `atomdoc mcp`.
    let snippets: Vec<&(String, String)> = blocks
        .iter()
        .filter(|(info, body)| info == "json" && body.contains("mcpServers"))
        .collect();
    assert_eq!(snippets.len(), 2);
    for (_, body) in snippets {
        let config: Value = serde_json::from_str(body).unwrap();
        assert_eq!(config["mcpServers"]["atomdoc"]["command"], "atomdoc");
        assert_eq!(config["mcpServers"]["atomdoc"]["args"], json!(["mcp"]));
    }
    let codex = blocks.iter().find(|(info, _)| info == "toml").unwrap();
    let codex: toml::Value = toml::from_str(&codex.1).unwrap();
    assert_eq!(
        codex["mcp_servers"]["atomdoc"]["command"].as_str(),
        Some("atomdoc")
    );
    assert_eq!(
        codex["mcp_servers"]["atomdoc"]["args"][0].as_str(),
        Some("mcp")
    );

    // The example session: each call's arguments, then the answer the server gives.
    let dir = copy_tree(&sample());
    let mut client = Client::start(dir.path());
    let mut calls = 0;
    for pair in blocks.windows(2) {
        let [(info, args), (next, expected)] = pair else {
            unreachable!()
        };
        let Some(tool) = info.strip_prefix("json mcp-call ") else {
            continue;
        };
        assert_eq!(next, "json", "the answer follows the call");
        let args: Value = serde_json::from_str(args).unwrap();
        let expected: Value = serde_json::from_str(expected).unwrap();
        assert_eq!(client.answer(tool, args.clone()), expected, "{tool} {args}");
        calls += 1;
    }
    assert_eq!(calls, 4);

    // The caret text shown for a query error is what the server says.
    let (error, text_answered) = client.call("query", json!({"query": "orphans in nowhere"}));
    assert!(error);
    let shown = blocks
        .iter()
        .find(|(info, body)| info == "text" && body.contains("orphans in nowhere"))
        .unwrap();
    assert_eq!(text_answered, shown.1);
}
