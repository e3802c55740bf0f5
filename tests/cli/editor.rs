//! A real editor against `atomdoc lsp`: headless Neovim (Debian's `neovim`, installed by
//! `.ci/run`) with its built-in LSP client runs `tests/editor/nvim.lua` on a copy of the
//! sample tree, and this test asserts what Neovim reports. Without `nvim` the test skips,
//! except under `CI=true`, where it fails.

use std::process::Command;
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::common::{copy_tree, have_tool, project, sample};

#[test]
fn neovim_shows_diagnostics_jumps_to_definitions_and_completes_docs_paths() {
    if !have_tool("nvim", "--version") {
        return;
    }
    let tree = copy_tree(&sample());
    let out_dir = tempfile::tempdir().unwrap();
    let out = out_dir.path().join("report.json");
    let script = project().join("tests/editor/nvim.lua");
    let mut child = Command::new("nvim")
        .args(["--headless", "-u", "NONE", "-i", "NONE", "-n", "-c"])
        .arg(format!("luafile {}", script.display()))
        .env("ATOMDOC_BIN", assert_cmd::cargo::cargo_bin("atomdoc"))
        .env("ATOMDOC_ROOT", tree.path())
        .env("ATOMDOC_OUT", &out)
        .current_dir(tree.path())
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .spawn()
        .expect("nvim starts");
    // A hang guard, not a timing assertion.
    let start = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if start.elapsed() > Duration::from_secs(180) {
            let _ = child.kill();
            panic!("nvim did not finish");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let report: Value =
        serde_json::from_str(&std::fs::read_to_string(&out).expect("nvim wrote its report"))
            .unwrap();
    assert!(
        report.get("error").is_none(),
        "the Lua script failed: {report}"
    );
    assert_eq!(
        report["steps"],
        serde_json::json!(["diagnostics", "definition", "completion"])
    );

    // The broken related link on line 65 (0-based 64), as Neovim lists it.
    let diags = report["diagnostics"].as_array().unwrap();
    let broken = diags
        .iter()
        .find(|d| d["code"] == "AD010" && d["lnum"] == 64)
        .unwrap_or_else(|| panic!("no AD010 on line 65: {diags:#?}"));
    assert_eq!(broken["col"], 2);
    assert_eq!(broken["severity"], 1);
    assert!(
        broken["message"]
            .as_str()
            .unwrap()
            .contains("cluster-failover.md")
    );
    assert!(
        diags
            .iter()
            .any(|d| d["code"] == "AD011" && d["lnum"] == 65),
        "{diags:#?}"
    );

    // The jump landed on the heading the fragment names.
    let def = &report["definition"];
    assert!(
        def["file"]
            .as_str()
            .unwrap()
            .ends_with("docs/atomic/integrations/redis/key-naming.md"),
        "{def}"
    );
    assert_eq!(
        def["text"].as_str().unwrap().to_lowercase(),
        "## namespace layout"
    );

    // Completing `docs/atomic/integrations/redis/co`.
    let inserts: Vec<&str> = report["completion"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|i| i["insert"].as_str())
        .collect();
    assert!(
        inserts.contains(&"docs/atomic/integrations/redis/connection-pooling.md"),
        "{inserts:?}"
    );
    let pooling = report["completion"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["insert"] == "docs/atomic/integrations/redis/connection-pooling.md")
        .unwrap();
    assert!(
        !pooling["label"].as_str().unwrap().ends_with(".md"),
        "the title is the label: {pooling}"
    );
}
