//! `atomdoc lsp` driven over stdio by a scripted client (Content-Length framing), on trees
//! written into temporary folders: every feature, and the robustness cases.

use serde_json::{Value, json};

#[path = "lsp_client.rs"]
mod lsp_client;
use lsp_client::{Client, uri, write};

/// A small tree: alpha links to beta (with a fragment) and to a missing gamma; beta and
/// delta link back; an image sits next to them; a template gives the skeleton.
fn tree() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let r = dir.path();
    write(r, "atomdoc.toml", "");
    write(
        r,
        "docs/atomic/TEMPLATE.md",
        "# Template\n\n## Skeleton\n\n```markdown\n# {Topic Title}\n\n{Brief introduction}\n\n## Related Documents\n\n- `docs/atomic/{category}/{file}.md`\n```\n",
    );
    write(
        r,
        "docs/atomic/guides/alpha.md",
        "# Alpha Guide\n\nAlpha explains connection pools, failover drills and nightly rotation.\n\n## Setup\n\nSee [beta usage](beta.md#usage) and [gamma](gamma.md) and ![pic](pic.png).\n\n## Related Documents\n\n- `docs/atomic/guides/beta.md`\n",
    );
    write(
        r,
        "docs/atomic/guides/beta.md",
        "# Beta Manual\n\nBeta covers connection pools in depth.\n\n## Usage\n\nUse it.\n\n## Related Documents\n\n- `docs/atomic/guides/alpha.md`\n- [delta](../ops/delta.md)\n",
    );
    write(
        r,
        "docs/atomic/ops/delta.md",
        "# Delta Runbook\n\nDelta handles failover drills and nightly rotation at night.\n\n## Steps\n\nRead [beta](../guides/beta.md#usage).\n\n## Related Documents\n\n- `docs/atomic/guides/beta.md`\n",
    );
    write(r, "docs/atomic/guides/pic.png", "png");
    dir
}

fn caps() -> Value {
    json!({
        "workspace": {
            "didChangeWatchedFiles": { "dynamicRegistration": true },
            "workspaceEdit": { "documentChanges": true, "resourceOperations": ["create", "rename", "delete"] },
        },
    })
}

fn pos(uri: &str, line: u32, character: u32) -> Value {
    json!({ "textDocument": { "uri": uri }, "position": { "line": line, "character": character } })
}

fn codes(list: &[Value]) -> Vec<String> {
    list.iter()
        .map(|d| d["code"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn initialize_announces_features_and_registers_a_watcher() {
    let dir = tree();
    let mut c = Client::spawn(&[]);
    let init = c.initialize(dir.path(), caps());
    let caps = &init["result"]["capabilities"];
    for feature in [
        "completionProvider",
        "definitionProvider",
        "referencesProvider",
        "hoverProvider",
        "documentLinkProvider",
        "documentSymbolProvider",
        "workspaceSymbolProvider",
        "codeLensProvider",
        "renameProvider",
        "codeActionProvider",
    ] {
        assert!(!caps[feature].is_null(), "{feature} missing: {caps}");
    }
    assert_eq!(caps["positionEncoding"], "utf-16");
    assert_eq!(init["result"]["serverInfo"]["name"], "atomdoc");
    let reg = c.wait(|v| v["method"] == "client/registerCapability");
    assert_eq!(
        reg["params"]["registrations"][0]["method"],
        "workspace/didChangeWatchedFiles"
    );
    assert_eq!(c.finish(), Some(0));
}

#[test]
fn diagnostics_follow_edits_deletions_and_reach_linking_documents() {
    let dir = tree();
    let root = dir.path();
    let alpha = root.join("docs/atomic/guides/alpha.md");
    let beta = root.join("docs/atomic/guides/beta.md");
    let delta = root.join("docs/atomic/ops/delta.md");
    let mut c = Client::start(root, caps());
    c.open(&alpha);
    let list = c.diagnostics(&uri(&alpha), |l| !l.is_empty());
    let broken = list
        .iter()
        .find(|d| d["code"] == "AD010" && d["message"].as_str().unwrap().contains("gamma.md"))
        .expect("gamma is missing");
    assert_eq!(broken["severity"], 1);
    assert_eq!(broken["source"], "atomdoc");
    // Line 7 (0-based 6): `See [beta usage](beta.md#usage) and [gamma](gamma.md) and …`
    assert_eq!(
        broken["range"]["start"],
        json!({ "line": 6, "character": 36 })
    );
    assert_eq!(
        broken["range"]["end"],
        json!({ "line": 6, "character": 53 })
    );
    let href = broken["codeDescription"]["href"].as_str().unwrap();
    assert!(href.ends_with("/.atomdoc/explain/AD010.md"), "{href}");
    let page = std::fs::read_to_string(root.join(".atomdoc/explain/AD010.md")).unwrap();
    assert!(
        page.contains("broken-link-missing") && page.contains("Fix:"),
        "{page}"
    );

    // Fix the link in the buffer (unsaved): the finding goes.
    c.notify("textDocument/didChange", json!({
        "textDocument": { "uri": uri(&alpha), "version": 2 },
        "contentChanges": [{ "range": { "start": { "line": 6, "character": 44 }, "end": { "line": 6, "character": 49 } }, "text": "beta" }],
    }));
    c.diagnostics(&uri(&alpha), |l| !codes(l).contains(&"AD010".to_string()));

    // Delete beta on disk: alpha (open) and delta (not open) both link to it.
    std::fs::remove_file(&beta).unwrap();
    c.notify(
        "workspace/didChangeWatchedFiles",
        json!({ "changes": [{ "uri": uri(&beta), "type": 3 }] }),
    );
    let a = c.diagnostics(&uri(&alpha), |l| codes(l).contains(&"AD010".to_string()));
    assert!(
        a.iter()
            .any(|d| d["message"].as_str().unwrap().contains("beta.md")),
        "{a:?}"
    );
    let d = c.diagnostics(&uri(&delta), |l| codes(l).contains(&"AD010".to_string()));
    assert!(
        d.iter()
            .any(|d| d["message"].as_str().unwrap().contains("beta.md")),
        "{d:?}"
    );

    // Bring it back under another name and rename it back: renames reach the linkers too.
    write(
        root,
        "docs/atomic/guides/beta.md",
        "# Beta Manual\n\n## Usage\n",
    );
    c.notify(
        "workspace/didChangeWatchedFiles",
        json!({ "changes": [{ "uri": uri(&beta), "type": 1 }] }),
    );
    c.diagnostics(&uri(&delta), |l| {
        !codes(l).iter().any(|c| c == "AD010" || c == "AD011")
    });
    assert_eq!(c.finish(), Some(0));
}

#[test]
fn completion_offers_paths_repo_paths_slugs_and_related_candidates() {
    let dir = tree();
    let root = dir.path();
    let alpha = root.join("docs/atomic/guides/alpha.md");
    let u = uri(&alpha);
    let mut c = Client::start(root, caps());
    c.open(&alpha);
    let labels = |r: &Value, field: &str| -> Vec<String> {
        r["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i[field].as_str().unwrap_or("").to_string())
            .collect()
    };
    // Type `[x](` at the end of the Setup paragraph (line 6).
    let line6 = "See [beta usage](beta.md#usage) and [gamma](gamma.md) and ![pic](pic.png).";
    let edit = |c: &mut Client, version: i32, line: u32, col: u32, text: &str| {
        c.notify("textDocument/didChange", json!({
            "textDocument": { "uri": u, "version": version },
            "contentChanges": [{ "range": { "start": { "line": line, "character": col }, "end": { "line": line, "character": col } }, "text": text }],
        }));
    };
    edit(&mut c, 2, 6, line6.len() as u32, " [x](");
    let col = line6.len() as u32 + 5;
    let r = c.ask("textDocument/completion", pos(&u, 6, col));
    let texts = labels(&r, "filterText");
    assert!(texts.contains(&"beta.md".to_string()), "{texts:?}");
    assert!(texts.contains(&"../ops/delta.md".to_string()), "{texts:?}");
    assert!(
        texts.contains(&"pic.png".to_string()),
        "files that are not documents: {texts:?}"
    );
    assert!(
        !texts.contains(&"alpha.md".to_string()),
        "not itself: {texts:?}"
    );
    let beta = r["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["filterText"] == "beta.md")
        .unwrap();
    assert_eq!(beta["detail"], "Beta Manual");
    assert!(
        beta["documentation"]["value"]
            .as_str()
            .unwrap()
            .contains("connection pools in depth")
    );

    // `#` after a path: the target's heading slugs.
    edit(&mut c, 3, 6, col, "beta.md#");
    let r = c.ask("textDocument/completion", pos(&u, 6, col + 8));
    assert_eq!(
        labels(&r, "filterText"),
        ["beta-manual", "usage", "related-documents"]
    );

    // A backticked `docs/` span in Related Documents: repo paths, titles as labels.
    edit(&mut c, 4, 11, 0, "- `docs/atomic/o\n");
    let r = c.ask("textDocument/completion", pos(&u, 11, 16));
    assert_eq!(labels(&r, "filterText"), ["docs/atomic/ops/delta.md"]);
    assert_eq!(labels(&r, "label"), ["Delta Runbook"]);
    let item = &r["items"][0];
    assert_eq!(item["textEdit"]["range"]["start"]["character"], 3);
    assert!(
        item["documentation"]["value"]
            .as_str()
            .unwrap()
            .contains("at night")
    );

    // An empty Related Documents item: suggested candidates first (delta, not linked yet).
    edit(&mut c, 5, 12, 0, "- \n");
    let r = c.ask("textDocument/completion", pos(&u, 12, 2));
    let first = &r["items"][0];
    assert_eq!(first["textEdit"]["newText"], "`docs/atomic/ops/delta.md`");
    assert!(
        first["detail"].as_str().unwrap().starts_with("suggested"),
        "{first}"
    );
    let offered: Vec<&str> = r["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["textEdit"]["newText"].as_str().unwrap())
        .collect();
    assert!(
        !offered.contains(&"`docs/atomic/guides/beta.md`"),
        "already linked: {offered:?}"
    );

    // Outside any of these places: nothing.
    let r = c.ask("textDocument/completion", pos(&u, 2, 3));
    assert!(r.is_null(), "{r}");
}

#[test]
fn navigation_definition_references_hover_links_symbols_lens() {
    let dir = tree();
    let root = dir.path();
    let alpha = root.join("docs/atomic/guides/alpha.md");
    let beta = root.join("docs/atomic/guides/beta.md");
    let delta = root.join("docs/atomic/ops/delta.md");
    let (ua, ub) = (uri(&alpha), uri(&beta));
    let mut c = Client::start(root, caps());
    c.open(&alpha);

    // Definition of `[beta usage](beta.md#usage)`: beta's "Usage" heading (line 5, 0-based 4).
    let d = c.ask("textDocument/definition", pos(&ua, 6, 10));
    assert_eq!(d["uri"], ub.as_str());
    assert_eq!(d["range"]["start"]["line"], 4);
    // Of a backticked path in Related Documents: the document.
    let d = c.ask("textDocument/definition", pos(&ua, 10, 10));
    assert_eq!(d["uri"], ub.as_str());
    assert_eq!(d["range"]["start"]["line"], 0);
    // Of a broken link: nothing.
    assert!(c.ask("textDocument/definition", pos(&ua, 6, 45)).is_null());

    // References of beta (on its title): alpha twice, delta twice.
    c.open(&beta);
    let refs = c.ask("textDocument/references", json!({ "textDocument": { "uri": ub }, "position": { "line": 0, "character": 2 }, "context": { "includeDeclaration": false } }));
    let from: Vec<(String, u64)> = refs
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["uri"].as_str().unwrap().to_string(),
                l["range"]["start"]["line"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        from,
        [
            (ua.clone(), 6),
            (ua.clone(), 10),
            (uri(&delta), 6),
            (uri(&delta), 10)
        ]
    );
    // On the "Usage" heading: only the links with `#usage`.
    let refs = c.ask("textDocument/references", json!({ "textDocument": { "uri": ub }, "position": { "line": 4, "character": 4 }, "context": { "includeDeclaration": false } }));
    assert_eq!(refs.as_array().unwrap().len(), 2, "{refs}");

    // Hover on a link: the target's title, intro, counts; on a broken one: why and a guess.
    let h = c.ask("textDocument/hover", pos(&ua, 6, 10));
    let text = h["contents"]["value"].as_str().unwrap();
    assert!(
        text.contains("Beta Manual")
            && text.contains("connection pools in depth")
            && text.contains("4 incoming · 2 outgoing"),
        "{text}"
    );
    assert!(text.contains("Usage"), "the fragment's heading: {text}");
    let h = c.ask("textDocument/hover", pos(&ua, 6, 45));
    let text = h["contents"]["value"].as_str().unwrap();
    assert!(
        text.contains("broken link") && text.contains("missing"),
        "{text}"
    );

    // Document links: every working link, backticked paths included.
    let links = c.ask(
        "textDocument/documentLink",
        json!({ "textDocument": { "uri": ua } }),
    );
    let targets: Vec<&str> = links
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["target"].as_str().unwrap())
        .collect();
    assert!(
        targets.iter().any(|t| t.ends_with("beta.md#L5")),
        "{targets:?}"
    );
    assert!(
        targets.iter().any(|t| t.ends_with("pic.png")),
        "{targets:?}"
    );
    assert!(
        targets.iter().any(|t| t.ends_with("beta.md")),
        "{targets:?}"
    );
    assert!(!targets.iter().any(|t| t.contains("gamma")), "{targets:?}");

    // Document symbols: the headings, nested under the title.
    let syms = c.ask(
        "textDocument/documentSymbol",
        json!({ "textDocument": { "uri": ua } }),
    );
    assert_eq!(syms[0]["name"], "Alpha Guide");
    let kids: Vec<&str> = syms[0]["children"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(kids, ["Setup", "Related Documents"]);
    // Workspace symbols: document titles.
    let ws = c.ask("workspace/symbol", json!({ "query": "runbook" }));
    assert_eq!(ws.as_array().unwrap().len(), 1);
    assert_eq!(ws[0]["name"], "Delta Runbook");
    assert_eq!(ws[0]["location"]["uri"], uri(&delta).as_str());

    // Code lens on the title: the number of backlinks.
    let lens = c.ask(
        "textDocument/codeLens",
        json!({ "textDocument": { "uri": ub } }),
    );
    assert_eq!(lens[0]["command"]["title"], "4 backlinks");
    assert_eq!(lens[0]["range"]["start"]["line"], 0);
    let run = c.ask("workspace/executeCommand", json!({ "command": lens[0]["command"]["command"], "arguments": lens[0]["command"]["arguments"] }));
    assert_eq!(run.as_array().unwrap().len(), 4);
}

/// The text edits of a `WorkspaceEdit` by URI (from `changes` or `documentChanges`), and its
/// file renames.
type Edits = (
    std::collections::BTreeMap<String, Vec<Value>>,
    Vec<(String, String)>,
);

fn edits_of(edit: &Value) -> Edits {
    let mut by_uri = std::collections::BTreeMap::new();
    let mut renames = Vec::new();
    if let Some(changes) = edit["changes"].as_object() {
        for (u, list) in changes {
            by_uri.insert(u.clone(), list.as_array().unwrap().clone());
        }
    }
    for change in edit["documentChanges"].as_array().into_iter().flatten() {
        if change["kind"] == "rename" {
            renames.push((
                change["oldUri"].as_str().unwrap().to_string(),
                change["newUri"].as_str().unwrap().to_string(),
            ));
        } else if let Some(list) = change["edits"].as_array() {
            by_uri
                .entry(change["textDocument"]["uri"].as_str().unwrap().to_string())
                .or_insert_with(Vec::new)
                .extend(list.iter().cloned());
        }
    }
    (by_uri, renames)
}

#[test]
fn heading_rename_updates_every_fragment() {
    let dir = tree();
    let root = dir.path();
    let beta = root.join("docs/atomic/guides/beta.md");
    let ub = uri(&beta);
    let mut c = Client::start(root, caps());
    c.open(&beta);
    let prep = c.ask("textDocument/prepareRename", pos(&ub, 4, 5));
    assert_eq!(prep["placeholder"], "Usage");
    let edit = c.ask("textDocument/rename", json!({ "textDocument": { "uri": ub }, "position": { "line": 4, "character": 5 }, "newName": "How To Use" }));
    let (changes, renames) = edits_of(&edit);
    assert!(renames.is_empty());
    assert_eq!(changes[&ub][0]["newText"], "How To Use");
    assert_eq!(
        changes[&ub][0]["range"],
        json!({ "start": { "line": 4, "character": 3 }, "end": { "line": 4, "character": 8 } })
    );
    let alpha = &changes[&uri(&root.join("docs/atomic/guides/alpha.md"))][0];
    assert_eq!(alpha["newText"], "beta.md#how-to-use");
    // `See [beta usage](beta.md#usage)`: the destination.
    assert_eq!(
        alpha["range"],
        json!({ "start": { "line": 6, "character": 17 }, "end": { "line": 6, "character": 30 } })
    );
    assert!(changes.contains_key(&uri(&root.join("docs/atomic/ops/delta.md"))));
}

#[test]
fn document_rename_moves_the_file_and_updates_every_link() {
    let dir = tree();
    let root = dir.path();
    let beta = root.join("docs/atomic/guides/beta.md");
    let ub = uri(&beta);
    let ua = uri(&root.join("docs/atomic/guides/alpha.md"));
    let ud = uri(&root.join("docs/atomic/ops/delta.md"));
    let mut c = Client::start(root, caps());
    c.open(&beta);
    // On the title: the document itself; a bare name keeps the folder.
    let prep = c.ask("textDocument/prepareRename", pos(&ub, 0, 3));
    assert_eq!(prep["placeholder"], "docs/atomic/guides/beta.md");
    let edit = c.ask("textDocument/rename", json!({ "textDocument": { "uri": ub }, "position": { "line": 0, "character": 3 }, "newName": "manual.md" }));
    let (changes, renames) = edits_of(&edit);
    assert_eq!(
        renames,
        [(ub.clone(), uri(&root.join("docs/atomic/guides/manual.md")))]
    );
    let texts: Vec<&str> = changes[&ua]
        .iter()
        .map(|e| e["newText"].as_str().unwrap())
        .collect();
    assert_eq!(texts, ["manual.md#usage", "docs/atomic/guides/manual.md"]);
    let texts: Vec<&str> = changes[&ud]
        .iter()
        .map(|e| e["newText"].as_str().unwrap())
        .collect();
    assert_eq!(
        texts,
        ["../guides/manual.md#usage", "docs/atomic/guides/manual.md"]
    );
    // Beta's own relative link to delta moves with it (same folder here: unchanged).
    assert!(
        !changes.contains_key(&ub)
            || changes[&ub]
                .iter()
                .all(|e| e["newText"] != "../ops/delta.md")
    );

    // The editor's file explorer: willRenameFiles gets the link edits only.
    let moved = uri(&root.join("docs/atomic/ops/beta.md"));
    let edit = c.ask(
        "workspace/willRenameFiles",
        json!({ "files": [{ "oldUri": ub, "newUri": moved }] }),
    );
    let (changes, renames) = edits_of(&edit);
    assert!(renames.is_empty());
    let texts: Vec<&str> = changes[&ud]
        .iter()
        .map(|e| e["newText"].as_str().unwrap())
        .collect();
    assert_eq!(texts, ["beta.md#usage", "docs/atomic/ops/beta.md"]);
    let own: Vec<&str> = changes[&ub]
        .iter()
        .map(|e| e["newText"].as_str().unwrap())
        .collect();
    assert_eq!(
        own,
        ["delta.md"],
        "beta's own relative link, from its new folder"
    );
    // A file that is not a document: nothing to edit.
    let edit = c.ask("workspace/willRenameFiles", json!({ "files": [{ "oldUri": uri(&root.join("docs/atomic/guides/pic.png")), "newUri": uri(&root.join("docs/atomic/guides/p.png")) }] }));
    assert!(edit.is_null(), "{edit}");
    // A rename onto an existing document is refused with the engine's reason.
    let r = c.request("textDocument/rename", json!({ "textDocument": { "uri": ub }, "position": { "line": 0, "character": 3 }, "newName": "alpha.md" }));
    assert!(
        r["error"]["message"]
            .as_str()
            .unwrap()
            .contains("already exists"),
        "{r}"
    );
}

#[test]
fn code_actions_fix_broken_links_create_documents_add_related() {
    let dir = tree();
    let root = dir.path();
    let alpha = root.join("docs/atomic/guides/alpha.md");
    let ua = uri(&alpha);
    write(
        root,
        "docs/atomic/guides/betta.md",
        "# Betta\n\nA typo's neighbour.\n",
    );
    write(
        root,
        "docs/atomic/ops/omega.md",
        "# Omega\n\n[x](../guides/betta.md) and [y](../guides/beta.md#usage) and [z](../guides/beta.md#usag)\n",
    );
    let omega = root.join("docs/atomic/ops/omega.md");
    let mut c = Client::start(root, caps());
    c.open(&alpha);
    c.open(&omega);
    let range = |l: u32| json!({ "start": { "line": l, "character": 0 }, "end": { "line": l, "character": 0 } });
    let actions = c.ask("textDocument/codeAction", json!({ "textDocument": { "uri": uri(&omega) }, "range": range(2), "context": { "diagnostics": [] } }));
    let titles: Vec<&str> = actions
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["title"].as_str().unwrap())
        .collect();
    assert!(
        titles.contains(&"Did you mean `../guides/beta.md#usage`?"),
        "{titles:?}"
    );
    // Create the missing gamma from the template.
    let actions = c.ask("textDocument/codeAction", json!({ "textDocument": { "uri": ua }, "range": range(6), "context": { "diagnostics": [] } }));
    let create = actions
        .as_array()
        .unwrap()
        .iter()
        .find(|a| {
            a["title"]
                .as_str()
                .unwrap()
                .starts_with("Create `docs/atomic/guides/gamma.md`")
        })
        .expect("create action");
    let changes = &create["edit"]["documentChanges"];
    assert_eq!(changes[0]["kind"], "create");
    let body = changes[1]["edits"][0]["newText"].as_str().unwrap();
    assert!(
        body.starts_with("# Gamma\n\n{Brief introduction}\n\n## Related Documents\n"),
        "{body}"
    );
    // Add a suggested related document from the Related Documents section.
    let actions = c.ask("textDocument/codeAction", json!({ "textDocument": { "uri": ua }, "range": range(10), "context": { "diagnostics": [] } }));
    let add = actions
        .as_array()
        .unwrap()
        .iter()
        .find(|a| {
            a["title"]
                .as_str()
                .unwrap()
                .starts_with("Add related document `docs/atomic/ops/delta.md`")
        })
        .expect("add related");
    let e = &add["edit"]["changes"][ua.as_str()][0];
    assert_eq!(
        e["newText"],
        "\n- `docs/atomic/ops/delta.md` — Delta Runbook"
    );
    assert_eq!(e["range"]["start"]["line"], 10);
}

#[test]
fn robustness_bad_messages_early_requests_panics_and_outside_paths() {
    let dir = tree();
    let root = dir.path();
    let mut c = Client::spawn(&[("ATOMDOC_LSP_TEST_PANIC", "1")]);
    // A request before initialize.
    let r = c.request("textDocument/hover", pos("file:///x.md", 0, 0));
    assert_eq!(r["error"]["code"], -32002);
    c.initialize(root, json!({}));
    // Malformed JSON: a parse error with a null id, and the server goes on.
    c.raw(b"{ this is not json");
    let e = c.response(Value::Null);
    assert_eq!(e["error"]["code"], -32700);
    // JSON that is not a message.
    c.raw(b"[1, 2, 3]");
    let e = c.response(Value::Null);
    assert_eq!(e["error"]["code"], -32600);
    // Unknown method; bad parameters.
    let r = c.request("textDocument/frobnicate", json!({}));
    assert_eq!(r["error"]["code"], -32601);
    let r = c.request("textDocument/hover", json!({ "nonsense": true }));
    assert_eq!(r["error"]["code"], -32602);
    // A panic inside a handler: an internal error, logged, and the next request is served.
    let r = c.request("atomdoc/testPanic", json!({}));
    assert_eq!(r["error"]["code"], -32603);
    let log = c.wait(|v| {
        v["method"] == "window/logMessage"
            && v["params"]["message"].as_str().unwrap().contains("panic")
    });
    assert_eq!(log["params"]["type"], 1);
    // Files outside the workspace are never read: no diagnostics, no answers.
    let outside = tempfile::tempdir().unwrap();
    let stranger = write(
        outside.path(),
        "docs/atomic/x.md",
        "# X\n\n[a](nowhere.md)\n",
    );
    c.notify("textDocument/didOpen", json!({ "textDocument": { "uri": uri(&stranger), "languageId": "markdown", "version": 1, "text": "# X\n\n[a](nowhere.md)\n" } }));
    assert!(
        c.ask("textDocument/definition", pos(&uri(&stranger), 2, 2))
            .is_null()
    );
    let escape = format!("{}/docs/../../../etc/passwd", uri(root));
    assert!(c.ask("textDocument/hover", pos(&escape, 0, 0)).is_null());
    let symbols = c.ask("workspace/symbol", json!({ "query": "" }));
    assert_eq!(
        symbols.as_array().unwrap().len(),
        3,
        "only the workspace's documents: {symbols}"
    );
    assert!(
        !c.seen
            .iter()
            .any(|v| v["params"]["uri"] == uri(&stranger).as_str())
    );
    assert_eq!(c.finish(), Some(0));
}

#[test]
fn exit_without_shutdown_is_an_error_status() {
    let dir = tree();
    let mut c = Client::start(dir.path(), json!({}));
    c.notify("exit", Value::Null);
    let status = c.child.wait().unwrap();
    assert_eq!(status.code(), Some(1));
}

#[test]
fn columns_count_utf16_units_or_code_points_as_negotiated() {
    let dir = tree();
    let root = dir.path();
    let p = write(
        root,
        "docs/atomic/guides/emoji.md",
        "# Emoji\n\n😀😀 [x](nope.md)\n",
    );
    for (offer, start) in [(json!(["utf-16"]), 5), (json!(["utf-32", "utf-16"]), 3)] {
        let mut c = Client::spawn(&[]);
        let init = c.initialize(root, json!({ "general": { "positionEncodings": offer } }));
        let enc = init["result"]["capabilities"]["positionEncoding"].clone();
        c.open(&p);
        let list = c.diagnostics(&uri(&p), |l| codes(l).contains(&"AD010".to_string()));
        let d = list.iter().find(|d| d["code"] == "AD010").unwrap();
        assert_eq!(d["range"]["start"]["character"], start, "{enc}");
        // Definition and hover find the link at the same column.
        let h = c.ask("textDocument/hover", pos(&uri(&p), 2, start + 1));
        assert!(
            h["contents"]["value"]
                .as_str()
                .unwrap()
                .contains("broken link"),
            "{enc}: {h}"
        );
        assert_eq!(c.finish(), Some(0));
    }
}

#[test]
fn renamed_files_and_git_churn() {
    let dir = tree();
    let root = dir.path();
    let alpha = root.join("docs/atomic/guides/alpha.md");
    let beta = root.join("docs/atomic/guides/beta.md");
    let moved = root.join("docs/atomic/guides/beta2.md");
    let mut c = Client::start(root, caps());
    c.open(&alpha);
    c.diagnostics(&uri(&alpha), |_| true);
    std::fs::rename(&beta, &moved).unwrap();
    c.notify(
        "workspace/didRenameFiles",
        json!({ "files": [{ "oldUri": uri(&beta), "newUri": uri(&moved) }] }),
    );
    let list = c.diagnostics(&uri(&alpha), |l| {
        l.iter()
            .any(|d| d["message"].as_str().unwrap().contains("beta.md"))
    });
    assert!(codes(&list).contains(&"AD010".to_string()));
    // Events about `.git/` are dropped; the server keeps answering.
    write(root, ".git/index", "x");
    c.notify(
        "workspace/didChangeWatchedFiles",
        json!({ "changes": [{ "uri": uri(&root.join(".git/index")), "type": 2 }] }),
    );
    let syms = c.ask("workspace/symbol", json!({ "query": "beta" }));
    assert_eq!(syms[0]["location"]["uri"], uri(&moved).as_str());
    assert_eq!(c.finish(), Some(0));
}

#[test]
fn without_client_watching_atomdocs_own_watcher_sees_disk_changes() {
    let dir = tree();
    let root = dir.path();
    let alpha = root.join("docs/atomic/guides/alpha.md");
    // No `didChangeWatchedFiles` capability: the server watches by itself.
    let mut c = Client::start(root, json!({}));
    assert!(
        !c.seen
            .iter()
            .any(|v| v["method"] == "client/registerCapability")
    );
    c.open(&alpha);
    c.diagnostics(&uri(&alpha), |l| {
        l.iter()
            .any(|d| d["message"].as_str().unwrap().contains("gamma.md"))
    });
    // The missing document appears on disk; nobody tells the server.
    write(
        root,
        "docs/atomic/guides/gamma.md",
        "# Gamma\n\nNow here.\n",
    );
    c.diagnostics(&uri(&alpha), |l| {
        !l.iter()
            .any(|d| d["message"].as_str().unwrap().contains("gamma.md"))
    });
    // A change to atomdoc.toml makes the watcher ask for a new load: the settings apply.
    write(
        root,
        "atomdoc.toml",
        "[check]\ndisable = [\"AD005\", \"AD010\"]\n",
    );
    let log = c.wait(|v| {
        v["method"] == "window/logMessage"
            && v["params"]["message"]
                .as_str()
                .unwrap()
                .contains("loading it again")
    });
    assert_eq!(log["params"]["type"], 3);
    c.diagnostics(&uri(&alpha), |l| !codes(l).iter().any(|c| c == "AD005"));
    assert_eq!(c.finish(), Some(0));
}

#[test]
fn reported_changes_in_ignored_places_do_not_count() {
    let dir = tree();
    let root = dir.path();
    write(root, ".gitignore", "drafts/\n");
    std::fs::create_dir_all(root.join(".git")).unwrap();
    let mut c = Client::start(root, caps());
    let draft = write(
        root,
        "docs/atomic/drafts/wip.md",
        "# Work In Progress\n\n[x](nowhere.md)\n",
    );
    let kept = write(
        root,
        "docs/atomic/guides/kept.md",
        "# Kept Note\n\n[x](nowhere.md)\n",
    );
    c.notify(
        "workspace/didChangeWatchedFiles",
        json!({ "changes": [
            { "uri": uri(&draft), "type": 1 }, { "uri": uri(&kept), "type": 1 },
        ]}),
    );
    c.diagnostics(&uri(&kept), |l| codes(l).contains(&"AD010".to_string()));
    let syms = c.ask("workspace/symbol", json!({ "query": "" }));
    let names: Vec<&str> = syms
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert!(
        names.contains(&"Kept Note") && !names.contains(&"Work In Progress"),
        "{names:?}"
    );
    assert!(
        !c.seen
            .iter()
            .any(|v| v["params"]["uri"] == uri(&draft).as_str())
    );
    assert_eq!(c.finish(), Some(0));
}
