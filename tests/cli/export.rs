//! `atomdoc export`: DOT, JSON and Mermaid drawings of the sample tree and of hostile trees.
//!
//! Every DOT text a test produces goes through [`valid_dot`]: graphviz-rust's parser must read
//! it back and Graphviz's `dot -Tsvg` must draw it (`.ci/run` installs Graphviz).

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

use graphviz_rust::dot_structures::{Attribute, Graph, Id, Stmt};

use crate::common::{atomdoc, golden, run_ok, sample, tree};

/// Parses `dot` back with graphviz-rust and draws it with `dot -Tsvg`; returns the model and
/// the SVG.
fn valid_dot(dot: &str) -> (Graph, String) {
    let graph = graphviz_rust::parse(dot).unwrap_or_else(|e| panic!("unparsable DOT: {e}\n{dot}"));
    let mut child = Command::new("dot")
        .arg("-Tsvg")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("Graphviz's `dot` is installed (apt-get install graphviz)");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(dot.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "dot failed: {stderr}\n{dot}");
    assert!(
        !stderr.contains("Error") && !stderr.contains("Warning"),
        "dot complained: {stderr}"
    );
    let svg = String::from_utf8(out.stdout).expect("utf-8 SVG");
    assert!(svg.contains("<svg"), "{svg}");
    (graph, svg)
}

/// The text of a quoted DOT string as Graphviz reads it (`\"` → `"`, `\\` → `\`; `\n` stays
/// the two-character line-break escape).
fn unquote(id: &Id) -> String {
    let raw = match id {
        Id::Escaped(s) => s
            .strip_prefix('"')
            .and_then(|s| s.strip_suffix('"'))
            .unwrap(),
        Id::Plain(s) | Id::Html(s) => s.as_str(),
        Id::Anonymous(_) => "",
    };
    let mut out = String::new();
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('"') => out.push('"'),
                Some('\\') => out.push('\\'),
                Some(other) => {
                    out.push('\\');
                    out.push(other);
                }
                None => out.push('\\'),
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// Every node statement in the graph (clusters included): unquoted id → attributes.
fn nodes_of(graph: &Graph) -> BTreeMap<String, BTreeMap<String, String>> {
    fn walk(stmts: &[Stmt], out: &mut BTreeMap<String, BTreeMap<String, String>>) {
        for s in stmts {
            match s {
                Stmt::Node(n) => {
                    let attrs = n
                        .attributes
                        .iter()
                        .map(|Attribute(k, v)| (unquote(k), unquote(v)))
                        .collect();
                    out.insert(unquote(&n.id.0), attrs);
                }
                Stmt::Subgraph(sub) => walk(&sub.stmts, out),
                _ => {}
            }
        }
    }
    let stmts = match graph {
        Graph::Graph { stmts, .. } | Graph::DiGraph { stmts, .. } => stmts,
    };
    let mut out = BTreeMap::new();
    walk(stmts, &mut out);
    out
}

/// Every edge: (source id, target id, attributes).
fn edges_of(graph: &Graph) -> Vec<(String, String, BTreeMap<String, String>)> {
    use graphviz_rust::dot_structures::{EdgeTy, Vertex};
    let stmts = match graph {
        Graph::Graph { stmts, .. } | Graph::DiGraph { stmts, .. } => stmts,
    };
    stmts
        .iter()
        .filter_map(|s| match s {
            Stmt::Edge(e) => match &e.ty {
                EdgeTy::Pair(Vertex::N(a), Vertex::N(b)) => Some((
                    unquote(&a.0),
                    unquote(&b.0),
                    e.attributes
                        .iter()
                        .map(|Attribute(k, v)| (unquote(k), unquote(v)))
                        .collect(),
                )),
                _ => None,
            },
            _ => None,
        })
        .collect()
}

fn stats_edges(repo: &Path) -> usize {
    let stats: serde_json::Value =
        serde_json::from_str(&run_ok(repo, &["stats", "--format", "json"])).unwrap();
    (stats["edges"]["related"].as_u64().unwrap() + stats["edges"]["inline"].as_u64().unwrap())
        as usize
}

#[test]
fn sample_document_graph_matches_golden_and_draws() {
    let dot = run_ok(&sample(), &["export", "dot"]);
    golden("export-sample-doc.dot", &dot);
    let (graph, _) = valid_dot(&dot);
    let nodes = nodes_of(&graph);
    // 37 documents plus one placeholder per distinct broken target.
    let docs = nodes
        .keys()
        .filter(|id| id.ends_with(".md") && !id.starts_with("broken:"));
    assert_eq!(docs.count(), 37);
    let orphans: Vec<&String> = nodes
        .iter()
        .filter(|(_, a)| a.get("style").is_some_and(|s| s.contains("dashed")))
        .filter(|(id, _)| !id.starts_with("broken:"))
        .map(|(id, _)| id)
        .collect();
    // Four: API Authentication is linked from the sample's README (a referrer).
    assert_eq!(orphans.len(), 4, "{orphans:?}");
    let broken: Vec<&String> = nodes
        .keys()
        .filter(|id| id.starts_with("broken:"))
        .collect();
    assert!(!broken.is_empty());
    for id in &broken {
        assert_eq!(nodes[*id]["color"], "#cc0000", "{id}");
    }
    // Every link occurrence between two documents is on some edge (edges count occurrences
    // per kind in their tooltip), so the totals match `stats`.
    let total: usize = edges_of(&graph)
        .iter()
        .filter(|(_, to, _)| !to.starts_with("broken:"))
        .map(|(_, _, a)| {
            let tip = &a["tooltip"];
            tip.rsplit(": ")
                .next()
                .unwrap()
                .split(' ')
                .next()
                .unwrap()
                .parse::<usize>()
                .unwrap()
        })
        .sum();
    assert_eq!(total, stats_edges(&sample()));
    for (_, _, a) in edges_of(&graph) {
        let style = a["style"].as_str();
        let tip = &a["tooltip"];
        assert_eq!(style == "dashed", tip.contains(" inline link"), "{tip}");
    }
}

#[test]
fn sample_category_graph_counts_every_link_once() {
    let json: serde_json::Value = serde_json::from_str(&run_ok(
        &sample(),
        &["export", "json", "--level", "category"],
    ))
    .unwrap();
    let nodes = json["nodes"].as_array().unwrap();
    let inside: u64 = nodes
        .iter()
        .map(|n| n["internal_links"].as_u64().unwrap())
        .sum();
    let between: u64 = json["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["count"].as_u64().unwrap())
        .sum();
    assert_eq!((inside + between) as usize, stats_edges(&sample()));
    let docs: u64 = nodes.iter().map(|n| n["documents"].as_u64().unwrap()).sum();
    assert_eq!(docs, 37);
    let services = nodes
        .iter()
        .find(|n| n["id"] == "category:services")
        .unwrap();
    assert_eq!(services["documents"], 6);
    assert_eq!(services["label"], "services\n6 documents");

    let dot = run_ok(&sample(), &["export", "dot", "--level", "category"]);
    golden("export-sample-category.dot", &dot);
    let (graph, _) = valid_dot(&dot);
    for (from, to, a) in edges_of(&graph) {
        let count: usize = a["label"].parse().unwrap();
        let from_json = json["edges"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["source"] == from.as_str() && e["target"] == to.as_str())
            .unwrap();
        assert_eq!(from_json["count"], count);
        assert!(a.contains_key("penwidth"));
    }
}

#[test]
fn subcategory_level_and_restrictions_draw() {
    let dot = run_ok(&sample(), &["export", "--level", "subcategory"]);
    let (graph, _) = valid_dot(&dot);
    let nodes = nodes_of(&graph);
    assert!(nodes.contains_key("subcategory:integrations/redis"));
    assert!(nodes.contains_key("subcategory:integrations"));

    let dot = run_ok(&sample(), &["export", "--in", "integrations"]);
    let (graph, _) = valid_dot(&dot);
    let nodes = nodes_of(&graph);
    for id in nodes.keys().filter(|id| !id.starts_with("broken:")) {
        assert!(id.starts_with("docs/atomic/integrations/"), "{id}");
    }
    assert_eq!(
        nodes.keys().filter(|id| !id.starts_with("broken:")).count(),
        8
    );

    let dot = run_ok(&sample(), &["export", "--kinds", "inline"]);
    let (graph, _) = valid_dot(&dot);
    assert!(
        edges_of(&graph)
            .iter()
            .all(|(_, _, a)| a["style"] == "dashed")
    );
}

#[test]
fn neighbourhood_is_the_document_and_its_neighbours() {
    let dot = run_ok(
        &sample(),
        &[
            "export",
            "--around",
            "docs/atomic/architecture/service-boundaries.md",
            "--depth",
            "1",
        ],
    );
    golden("export-sample-around.dot", &dot);
    let (graph, _) = valid_dot(&dot);
    let nodes = nodes_of(&graph);
    let focus = &nodes["docs/atomic/architecture/service-boundaries.md"];
    assert!(focus["style"].contains("bold"));
    // Each drawn document other than the focus is one link step from it, in either direction.
    let edges = edges_of(&graph);
    for id in nodes.keys().filter(|id| !id.starts_with("broken:")) {
        if id.ends_with("service-boundaries.md") {
            continue;
        }
        assert!(
            edges.iter().any(
                |(a, b, _)| (a == id && b.ends_with("service-boundaries.md"))
                    || (b == id && a.ends_with("service-boundaries.md"))
            ),
            "{id} is not a neighbour"
        );
    }
    // Names other than the full path find the same document (query's naming rules).
    for name in [
        "service-boundaries",
        "architecture/service-boundaries.md",
        "./docs/atomic/architecture/service-boundaries",
    ] {
        assert_eq!(
            run_ok(&sample(), &["export", "--around", name]),
            dot,
            "{name}"
        );
    }
}

#[test]
fn mermaid_matches_golden() {
    let text = run_ok(&sample(), &["export", "mermaid"]);
    golden("export-sample-doc.mmd", &text);
    assert!(text.starts_with("flowchart LR\n"));
    let flag = run_ok(
        &sample(),
        &["export", "--format", "mermaid", "--level", "category"],
    );
    golden("export-sample-category.mmd", &flag);
}

#[test]
fn repeated_output_is_byte_identical() {
    for args in [
        &["export", "dot"][..],
        &["export", "json"],
        &["export", "mermaid"],
        &["export", "dot", "--level", "category"],
    ] {
        let first = run_ok(&sample(), args);
        for threads in ["1", "2", "4"] {
            let out = atomdoc(&sample())
                .env("RAYON_NUM_THREADS", threads)
                .args(args)
                .output()
                .unwrap();
            assert_eq!(String::from_utf8(out.stdout).unwrap(), first, "{args:?}");
        }
    }
}

/// Titles and paths that try to break out of DOT strings, Mermaid labels or JSON.
fn hostile_tree() -> tempfile::TempDir {
    tree(&[
        (
            "docs/atomic/cat{x}/sub<y>/q\"uote.md",
            "# Quote \" and \\ backslash\n\n## Related Documents\n\n- [b](../../plain/b.md)\n- [gone](../../plain/gone\"x.md)\n",
        ),
        (
            "docs/atomic/plain/b.md",
            "# x\" color=\"red\" label=\"pwned\n\n[t](trailing.md) [u](unicode.md) [h](html.md)\n",
        ),
        (
            "docs/atomic/plain/trailing.md",
            "# ends in a backslash \\\\\n\n[b](b.md)\n",
        ),
        (
            "docs/atomic/plain/unicode.md",
            "# Évolution — 日本語 ✓ \\N \\G \\L\n\n[b](b.md)\n",
        ),
        (
            "docs/atomic/plain/html.md",
            "Two-line\nsetext &lt;b&gt;{x}&lt;/b&gt; | &amp; ; # \\`tick\\`\n===\n\n[q](../cat{x}/sub<y>/q\"uote.md)\n",
        ),
        (
            "docs/atomic/plain/new\nline.md",
            "no title, so the file name is the label\n\n[b](b.md)\n",
        ),
    ])
}

/// `text` with Mermaid entity codes (`#quot;`, `#35;` …) removed.
fn without_entities(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(i) = rest.find('#') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        let name_len = after
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .count();
        if name_len > 0 && after[name_len..].starts_with(';') {
            rest = &after[name_len + 1..];
        } else {
            out.push('#');
            rest = after;
        }
    }
    out.push_str(rest);
    out
}

#[test]
fn hostile_titles_and_paths_stay_inside_their_strings() {
    let dir = hostile_tree();
    let dot = run_ok(dir.path(), &["export", "dot"]);
    let (graph, svg) = valid_dot(&dot);
    let nodes = nodes_of(&graph);
    let q = &nodes["docs/atomic/cat{x}/sub<y>/q\"uote.md"];
    assert_eq!(q["label"], "Quote \" and \\ backslash");
    let b = &nodes["docs/atomic/plain/b.md"];
    assert_eq!(b["label"], "x\" color=\"red\" label=\"pwned");
    assert!(!b.contains_key("color"), "attribute injected: {b:?}");
    assert_eq!(
        nodes["docs/atomic/plain/trailing.md"]["label"],
        "ends in a backslash \\"
    );
    assert_eq!(
        nodes["docs/atomic/plain/unicode.md"]["label"],
        "Évolution — 日本語 ✓ \\N \\G \\L"
    );
    let html = &nodes["docs/atomic/plain/html.md"]["label"];
    assert_eq!(html, "Two-line setext <b>{x}</b> | & ; # `tick`");
    // A newline (here in a file name) becomes Graphviz's line-break escape.
    assert_eq!(
        nodes["docs/atomic/plain/new\\nline.md"]["label"],
        "new\\nline.md"
    );
    assert!(
        nodes.contains_key("broken:docs/atomic/plain/gone\"x.md"),
        "{nodes:?}"
    );
    // Graphviz drew the text itself, not an escape's meaning.
    assert!(svg.contains("Évolution — 日本語 ✓ \\N \\G \\L"), "{svg}");
    assert!(
        svg.contains("x&quot; color=&quot;red&quot; label=&quot;pwned"),
        "{svg}"
    );

    // The same documents at every level, and as JSON, read back intact.
    for level in ["subcategory", "category"] {
        valid_dot(&run_ok(dir.path(), &["export", "--level", level]));
    }
    let json: serde_json::Value =
        serde_json::from_str(&run_ok(dir.path(), &["export", "json"])).unwrap();
    let titles: Vec<&str> = json["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["label"].as_str().unwrap())
        .collect();
    assert!(
        titles.contains(&"x\" color=\"red\" label=\"pwned"),
        "{titles:?}"
    );

    // Mermaid: every label is one quoted string with no quote, bracket or markup inside.
    let mermaid = run_ok(dir.path(), &["export", "mermaid"]);
    for line in mermaid.lines().filter(|l| l.contains("[\"")) {
        let open = line.find("[\"").unwrap();
        let inner =
            without_entities(&line[open + 2..line.rfind("\"]").unwrap()].replace("<br>", " "));
        for bad in ['"', '<', '>', '{', '}', '[', ']', '|', '`', ';', '#', '&'] {
            assert!(!inner.contains(bad), "{bad} in {line}");
        }
    }
    assert!(
        mermaid.contains("x#quot; color=#quot;red#quot; label=#quot;pwned"),
        "{mermaid}"
    );
}

#[test]
fn files_are_written_whole_in_the_format_of_their_extension() {
    let out = tempfile::tempdir().unwrap();
    let stdout = run_ok(&sample(), &["export", "--level", "category"]);
    for (name, check) in [
        ("g.dot", b"digraph" as &[u8]),
        ("g.gv", b"digraph"),
        ("g.json", b"{"),
        ("g.mmd", b"flowchart"),
        ("g.svg", b"<?xml"),
        ("g.png", b"\x89PNG"),
        ("g.pdf", b"%PDF"),
    ] {
        let path = out.path().join(name);
        run_ok(
            &sample(),
            &[
                "export",
                "--level",
                "category",
                "-o",
                path.to_str().unwrap(),
            ],
        );
        let bytes = std::fs::read(&path).unwrap();
        assert!(bytes.starts_with(check), "{name}");
        if name == "g.dot" {
            assert_eq!(String::from_utf8(bytes).unwrap(), stdout);
        }
    }
    let left: Vec<_> = std::fs::read_dir(out.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.ends_with(".tmp"))
        .collect();
    assert!(left.is_empty(), "temporary files left: {left:?}");
}

#[test]
fn missing_graphviz_is_said_plainly() {
    let empty = tempfile::tempdir().unwrap();
    let out_dir = tempfile::tempdir().unwrap();
    let target = out_dir.path().join("g.svg");
    let out = atomdoc(&sample())
        .env("PATH", empty.path())
        .args(["export", "-o", target.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("`graphviz` package"), "{err}");
    assert!(err.contains("g.dot"), "{err}");
    assert!(!target.exists());
    // DOT needs nothing.
    let dot = out_dir.path().join("g.dot");
    let out = atomdoc(&sample())
        .env("PATH", empty.path())
        .args(["export", "-o", dot.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(dot.exists());
}

#[test]
fn bad_requests_are_usage_errors_that_say_what_to_do() {
    let cases: &[(&[&str], &str)] = &[
        (
            &["export", "--in", "nope"],
            "no category or category/subcategory `nope`; the categories are: architecture",
        ),
        (
            &["export", "--around", "service-boundary"],
            "--around: unknown document 'service-boundary'; did you mean architecture/service-boundaries",
        ),
        (&["export", "json", "--format", "dot"], "two formats"),
        (
            &["export", "json", "-o", "/tmp/x.svg"],
            "drawn by Graphviz from DOT",
        ),
        (&["export", "-o", "/tmp/x.txt"], "cannot tell the format"),
        (
            &["export", "-o", "/nonexistent-dir/x.dot"],
            "its folder does not exist",
        ),
    ];
    for (args, expected) in cases {
        let out = atomdoc(&sample()).args(*args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(expected), "{args:?}: {err}");
    }
}

#[test]
fn never_writes_into_the_docs_tree() {
    let dir = tree(&[("docs/atomic/a.md", "# A\n")]);
    let target = dir.path().join("docs/atomic/graph.svg");
    let out = atomdoc(dir.path())
        .args(["export", "-o", target.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("inside the docs tree"));
    assert!(!target.exists());
    // With the repository itself as the docs root, a drawing beside the docs is fine.
    let target = dir.path().join("graph.dot");
    let out = atomdoc(dir.path())
        .args(["--root", ".", "export", "-o", target.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(target.exists());
}

#[test]
fn large_trees_switch_to_categories_with_a_notice() {
    let mut files = Vec::new();
    for i in 0..310 {
        let next = (i + 1) % 310;
        files.push((
            format!("docs/atomic/c{}/d{i:03}.md", i % 7),
            format!(
                "# Doc {i}\n\n## Related Documents\n\n- [n](../c{}/d{next:03}.md)\n",
                next % 7
            ),
        ));
    }
    let refs: Vec<(&str, &str)> = files
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    let dir = tree(&refs);
    let out = atomdoc(dir.path()).args(["export"]).output().unwrap();
    assert!(out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("310 documents are too many"), "{err}");
    let dot = String::from_utf8(out.stdout).unwrap();
    let (graph, _) = valid_dot(&dot);
    assert_eq!(nodes_of(&graph).len(), 7);
    // Asked for explicitly, the document level is drawn as asked, without a notice.
    let out = atomdoc(dir.path())
        .args(["export", "json", "--level", "doc"])
        .output()
        .unwrap();
    assert!(out.stderr.is_empty());
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["nodes"].as_array().unwrap().len(), 310);
}

#[test]
fn a_large_clustered_document_graph_draws() {
    // 96 documents in 6 categories and 12 subcategories, each linking to two others across
    // categories in both link styles: the shape of a real tree, big enough for the large-graph
    // settings.
    let mut files = Vec::new();
    let path = |i: usize| format!("docs/atomic/c{}/s{}/d{i:03}.md", i % 6, i % 12);
    for i in 0..96 {
        let links: Vec<String> = [7]
            .iter()
            .map(|k| format!("- `{}`", path((i + k) % 96)))
            .collect();
        files.push((
            path(i),
            format!(
                "# Doc {i}\n\nSee [next](../../c{}/s{}/d{:03}.md).\n\n## Related Documents\n\n{}\n",
                (i + 1) % 6,
                (i + 1) % 12,
                (i + 1) % 96,
                links.join("\n")
            ),
        ));
    }
    let refs: Vec<(&str, &str)> = files
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    let dir = tree(&refs);
    // Above the automatic switch: the document level is asked for.
    let dot = run_ok(dir.path(), &["export", "--level", "doc"]);
    let (graph, _) = valid_dot(&dot);
    assert_eq!(nodes_of(&graph).len(), 96);
    assert_eq!(edges_of(&graph).len(), 96 * 2);
}

#[test]
fn query_answers_draw_as_dot() {
    // A document list: the induced subgraph of the four orphans (no links among them; the
    // fifth topic no document links to is linked from the sample's README, a referrer).
    let dot = run_ok(&sample(), &["query", "orphans as dot"]);
    assert_eq!(
        dot,
        run_ok(&sample(), &["query", "orphans", "--format", "dot"])
    );
    let (graph, _) = valid_dot(&dot);
    let nodes = nodes_of(&graph);
    assert_eq!(nodes.len(), 4);
    assert!(nodes.values().all(|a| a["style"].contains("dashed")));

    // A link list: exactly the listed links, each with its kind.
    let listed = run_ok(
        &sample(),
        &[
            "query",
            "links from services to integrations",
            "--format",
            "json",
        ],
    );
    let listed: Vec<serde_json::Value> = serde_json::from_str(&listed).unwrap();
    let dot = run_ok(
        &sample(),
        &["query", "links from services to integrations as dot"],
    );
    let (graph, _) = valid_dot(&dot);
    let edges = edges_of(&graph);
    assert_eq!(
        edges.len(),
        listed.len(),
        "one edge per listed link here: {edges:?}"
    );
    for (from, to, _) in &edges {
        assert!(from.starts_with("docs/atomic/services/"), "{from}");
        assert!(to.starts_with("docs/atomic/integrations/"), "{to}");
    }

    // A path: its documents in a chain, ends in bold.
    let dot = run_ok(
        &sample(),
        &[
            "query",
            "path from service-catalog to message-consuming as dot",
        ],
    );
    golden("query-path.dot", &dot);
    let (graph, _) = valid_dot(&dot);
    let nodes = nodes_of(&graph);
    assert_eq!(nodes.len(), 3);
    let bold: Vec<&String> = nodes
        .iter()
        .filter(|(_, a)| a["style"].contains("bold"))
        .map(|(id, _)| id)
        .collect();
    assert_eq!(
        bold,
        [
            "docs/atomic/integrations/rabbitmq/message-consuming.md",
            "docs/atomic/services/service-catalog.md"
        ]
    );

    // A neighbourhood: the centre is drawn (bold) with its neighbours.
    let dot = run_ok(
        &sample(),
        &["query", "neighbors of service-boundaries as dot"],
    );
    let (graph, _) = valid_dot(&dot);
    let around = run_ok(
        &sample(),
        &["export", "--around", "service-boundaries", "json"],
    );
    let around: serde_json::Value = serde_json::from_str(&around).unwrap();
    let docs = |n: &&serde_json::Value| n["kind"] == "document";
    let expected: Vec<&str> = around["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(docs)
        .map(|n| n["id"].as_str().unwrap())
        .collect();
    let drawn = nodes_of(&graph);
    let drawn: Vec<&str> = drawn
        .keys()
        .filter(|id| !id.starts_with("broken:"))
        .map(String::as_str)
        .collect();
    assert_eq!(drawn, expected);
}

#[test]
fn summary_tables_cannot_be_drawn() {
    let out = atomdoc(&sample())
        .args(["query", "categories as dot"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("`categories` is a summary table"), "{err}");
    assert!(err.contains("query:1:12"), "{err}");
    let out = atomdoc(&sample())
        .args(["query", "matrix", "--format", "dot"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("export --level category"));
    let out = atomdoc(&sample())
        .args(["query", "orphans as png"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("expected an output after 'as': dot"));
}
