//! `atomdoc serve` in a real browser: headless Chromium (Debian's `chromium`) driven through
//! the DevTools protocol (`cdp.rs`) against the bundled sample. Screenshots go to
//! `target/browser-tests/` for a person to look at. Without `chromium` these tests skip,
//! except under `CI=true`, where they fail.

use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use crate::cdp::{Browser, CHROMIUM, Page};
use crate::common::{atomdoc, copy_tree, have_tool, project, sample};
use crate::perf::gen_tree;
use crate::serve::{HOSTILE_TITLE, Served, hostile_tree};

const POOLING: &str = "docs/atomic/integrations/redis/connection-pooling.md";

fn shot(name: &str) -> PathBuf {
    project().join("target/browser-tests").join(name)
}

fn cli_json(repo: &Path, args: &[&str]) -> Value {
    let out = atomdoc(repo).args(args).output().unwrap();
    serde_json::from_slice(&out.stdout).unwrap()
}

fn js(s: &str) -> String {
    serde_json::to_string(s).unwrap()
}

/// Opens the page and waits until the graph is drawn.
fn open(browser: &Browser, url: &str) -> Page {
    let mut page = browser.page(url);
    page.wait_for("window.atomdoc && window.atomdoc.ready", 60);
    page
}

/// Where the node `id` is drawn, in page coordinates.
fn node_position(page: &mut Page, id: &str) -> (f64, f64) {
    let v = page.eval(&format!(
        "(() => {{ const r = atomdoc.renderer; const d = r.getNodeDisplayData({id}); \
         const p = r.framedGraphToViewport(d); const box = document.getElementById('graph').getBoundingClientRect(); \
         return [p.x + box.left, p.y + box.top]; }})()",
        id = js(id)
    ));
    (v[0].as_f64().unwrap(), v[1].as_f64().unwrap())
}

/// The labels drawn (at least a few) overlap no other label.
fn no_labels_overlap(page: &mut Page) {
    let boxes = page.eval("atomdoc.labelBoxes");
    let boxes = boxes.as_array().unwrap();
    assert!(boxes.len() >= 5, "{} labels", boxes.len());
    let side = |b: &Value, k: &str| b[k].as_f64().unwrap();
    for (i, a) in boxes.iter().enumerate() {
        for b in &boxes[i + 1..] {
            let apart = side(a, "x1") <= side(b, "x0")
                || side(b, "x1") <= side(a, "x0")
                || side(a, "y1") <= side(b, "y0")
                || side(b, "y1") <= side(a, "y0");
            assert!(apart, "labels overlap: {a} {b}");
        }
    }
}

#[test]
fn the_sample_in_a_browser() {
    if !have_tool(CHROMIUM, "--version") {
        return;
    }
    let tree = copy_tree(&sample());
    let repo = tree.path();
    let served = Served::start(repo);
    let browser = Browser::launch();
    let mut page = open(&browser, &served.url);

    // The graph has the sample's nodes (documents and missing targets) and edges: those of
    // `atomdoc export --format json`.
    let export = cli_json(repo, &["export", "--format", "json", "--level", "doc"]);
    assert_eq!(
        page.eval("atomdoc.graph.order"),
        json!(export["nodes"].as_array().unwrap().len())
    );
    assert_eq!(
        page.eval("atomdoc.graph.size"),
        json!(export["edges"].as_array().unwrap().len())
    );
    assert_eq!(
        page.eval("atomdoc.graph.filterNodes((n, a) => a.info.kind === 'document').length"),
        json!(37)
    );
    page.screenshot(&shot("graph.png"));
    no_labels_overlap(&mut page);

    // Clicking a node opens its panel, with its backlinks.
    let (x, y) = node_position(&mut page, POOLING);
    page.click(x, y);
    page.wait_for(
        "document.querySelector('#tab-doc .doc-title').textContent === 'Redis Connection Pooling'",
        20,
    );
    let shown = page
        .eval("[...document.querySelectorAll('#tab-doc li.backlink')].map(li => li.dataset.path)");
    let backlinks = cli_json(
        repo,
        &[
            "query",
            &format!("backlinks of {POOLING}"),
            "--format",
            "json",
        ],
    );
    let expected: Vec<&Value> = backlinks
        .as_array()
        .unwrap()
        .iter()
        .map(|r| &r["source"])
        .collect();
    assert_eq!(shown, json!(expected));
    assert!(
        page.eval("location.hash")
            .as_str()
            .unwrap()
            .contains("doc=")
    );
    page.screenshot(&shot("document.png"));
    no_labels_overlap(&mut page);

    // The search box finds a document.
    page.type_and_enter("#search", "dead letter");
    page.wait_for("document.querySelector('#tab-search .hit')", 20);
    let hits = cli_json(repo, &["search", "dead", "letter", "--format", "json"]);
    assert_eq!(
        page.eval("document.querySelector('#tab-search .hit').dataset.path"),
        hits[0]["path"]
    );
    assert!(page.eval("document.querySelector('#tab-search .hit mark') !== null") == json!(true));
    page.screenshot(&shot("search.png"));

    // A query lists its rows and highlights them in the graph.
    page.type_and_enter("#query", "orphans");
    page.wait_for(
        "document.querySelectorAll('#query-table tbody tr').length === 4",
        20,
    );
    assert_eq!(
        page.eval("document.querySelectorAll('#query-table tr.hl').length"),
        json!(4)
    );
    assert_eq!(page.eval("atomdoc.highlight.nodes.size"), json!(4));
    let orphans = cli_json(repo, &["query", "orphans", "--format", "json"]);
    let paths: Vec<&Value> = orphans
        .as_array()
        .unwrap()
        .iter()
        .map(|r| &r["path"])
        .collect();
    assert_eq!(
        page.eval(
            "[...document.querySelectorAll('#query-table tbody tr')].map(tr => tr.dataset.path)"
        ),
        json!(paths)
    );
    page.screenshot(&shot("query.png"));

    // The view is in the URL: a reload shows the same query and document.
    let url = page.eval("location.href").as_str().unwrap().to_string();
    page.navigate(&url);
    page.wait_for("window.atomdoc && window.atomdoc.ready", 60);
    page.wait_for(
        "document.querySelectorAll('#query-table tr.hl').length === 4",
        20,
    );
    assert_eq!(page.eval("atomdoc.state.doc"), json!(POOLING));

    // An edited file reaches the open page, which keeps its view and selection.
    page.wait_for(
        "document.getElementById('status').classList.contains('live')",
        20,
    );
    let file = repo.join(POOLING);
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(
        &file,
        text.replace("# Redis Connection Pooling", "# Redis Pools, Edited Live"),
    )
    .unwrap();
    page.wait_for(
        "document.querySelector('#tab-doc .doc-title').textContent === 'Redis Pools, Edited Live'",
        20,
    );
    assert_eq!(
        page.eval(&format!(
            "atomdoc.graph.getNodeAttribute({}, 'label')",
            js(POOLING)
        )),
        json!("Redis Pools, Edited Live")
    );
    assert_eq!(page.eval("atomdoc.state.doc"), json!(POOLING));
    assert_eq!(
        page.eval("document.querySelectorAll('#query-table tr.hl').length"),
        json!(4)
    );
    page.screenshot(&shot("edited.png"));
}

#[test]
fn a_hostile_title_runs_no_script() {
    if !have_tool(CHROMIUM, "--version") {
        return;
    }
    let tree = hostile_tree();
    let served = Served::start(tree.path());
    let browser = Browser::launch();
    let path = "docs/atomic/services/<img src=x onerror=alert(1)>.md";
    let fragment = format!(
        "#doc={}&q=orphans%20in%20services&s=hostilexss&tab=doc",
        "docs/atomic/services/%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E.md"
    );
    let mut page = open(&browser, &format!("{}{fragment}", served.url));
    page.wait_for(
        &format!(
            "document.querySelector('#tab-doc .doc-title').textContent === {}",
            js(HOSTILE_TITLE)
        ),
        20,
    );
    assert_eq!(
        page.eval("document.querySelector('#tab-doc .doc-path').textContent"),
        json!(path)
    );
    page.wait_for("document.querySelector('#tab-search .hit')", 20);
    page.wait_for(
        "document.querySelectorAll('#query-table tbody tr').length > 0",
        20,
    );
    assert!(
        page.eval(&format!(
            "document.getElementById('tab-query').textContent.includes({})",
            js(HOSTILE_TITLE)
        )) == json!(true)
    );
    // The graph knows the node by its hostile name, as text.
    assert_eq!(
        page.eval(&format!(
            "atomdoc.graph.getNodeAttribute({}, 'label')",
            js(path)
        )),
        json!(HOSTILE_TITLE)
    );
    page.eval("document.querySelector('#tabs button[data-tab=search]').click()");
    page.screenshot(&shot("hostile.png"));
    // No script ran: no dialog, no element with a handler, no script or SVG from the document.
    assert_eq!(page.eval("window.__dialogs"), json!([]));
    assert_eq!(
        page.eval("[...document.querySelectorAll('*')].filter(e => [...e.attributes].some(a => a.name.startsWith('on'))).length"),
        json!(0)
    );
    assert_eq!(
        page.eval("document.querySelectorAll('script:not([src]), svg, iframe').length"),
        json!(0)
    );
}

/// Above 15,000 links the overview draws every node and no link; a selected document's links
/// are drawn, and "every edge" draws them all — while the page always knows every link.
#[test]
fn a_large_tree_draws_the_links_of_what_is_looked_at() {
    if !have_tool(CHROMIUM, "--version") {
        return;
    }
    let tree = tempfile::tempdir().unwrap();
    let repo = tree.path();
    let spec = gen_tree::Spec {
        docs: 2500,
        seed: 5,
        mean_bytes: 1200,
        shape: gen_tree::Shape::Topics,
    };
    gen_tree::generate(&spec, |path, text| {
        let file = repo.join(path);
        std::fs::create_dir_all(file.parent().unwrap())?;
        std::fs::write(file, text)
    })
    .unwrap();
    std::fs::write(repo.join("atomdoc.toml"), "root = \"docs/atomic\"\n").unwrap();
    let export = cli_json(repo, &["export", "--format", "json", "--level", "doc"]);
    let edges = export["edges"].as_array().unwrap();
    assert!(edges.len() > 15_000, "{} links", edges.len());
    let served = Served::start(repo);
    let browser = Browser::launch();

    let mut page = open(&browser, &served.url);
    assert_eq!(
        page.eval("atomdoc.graph.order"),
        json!(export["nodes"].as_array().unwrap().len())
    );
    assert_eq!(page.eval("atomdoc.edgeCount"), json!(edges.len()));
    assert_eq!(page.eval("atomdoc.graph.size"), json!(0));
    no_labels_overlap(&mut page);
    page.screenshot(&shot("large.png"));

    // A selected document: its own links are drawn.
    let hub = cli_json(repo, &["query", "hubs", "limit", "1", "--format", "json"]);
    let hub = hub[0]["path"].as_str().unwrap();
    let touching = edges
        .iter()
        .filter(|e| e["source"] == hub || e["target"] == hub)
        .count();
    assert!(touching > 0);
    let mut page = open(&browser, &format!("{}#doc={hub}", served.url));
    page.wait_for(&format!("atomdoc.graph.size === {touching}"), 20);

    // Every edge, when asked.
    page.eval("document.getElementById('all-edges').click()");
    page.wait_for(&format!("atomdoc.graph.size === {}", edges.len()), 60);
    assert!(
        page.eval("location.hash")
            .as_str()
            .unwrap()
            .contains("edges=all")
    );
}
