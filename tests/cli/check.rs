//! `atomdoc check` and `atomdoc coverage`: one fixture per rule (failing and passing),
//! golden output per format, exit statuses, GitHub escaping, SARIF against its schema,
//! baseline round trip, inline and configured suppression.

use std::path::Path;
use std::process::Stdio;

use serde_json::Value;

use crate::common::{atomdoc, fixture, project, sample, tree};

/// A document of the `architecture` category that passes every rule; `b.md` and `c.md`
/// are its siblings and link back.
const GOOD: &str = "# Alpha Principles

Why alpha matters, in one paragraph.

## Guiding Rules

1. Keep it small.

## Responsibility Matrix

| a | b |
|---|---|

## When to Use

Always.

## Anti-Patterns

None.

## Related Documents

- `docs/atomic/architecture/b.md` — the second
- `docs/atomic/architecture/c.md` — the third
";

fn sibling(name: &str, other: &str) -> String {
    GOOD.replace("# Alpha Principles", &format!("# {name} Principles"))
        .replace("architecture/c.md", "architecture/a.md")
        .replace("architecture/b.md", &format!("architecture/{other}.md"))
}

/// A tree with `a.md` as given and two good siblings.
fn tree_with(a: &str) -> tempfile::TempDir {
    tree(&[
        ("docs/atomic/architecture/a.md", a),
        ("docs/atomic/architecture/b.md", &sibling("Beta", "c")),
        ("docs/atomic/architecture/c.md", &sibling("Gamma", "b")),
    ])
}

fn check_json(repo: &Path, extra: &[&str]) -> (Value, i32) {
    let mut args = vec!["check", "--format", "json"];
    args.extend(extra);
    let out = atomdoc(repo).args(&args).output().unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!("{e}: {}", String::from_utf8_lossy(&out.stderr));
    });
    (v, out.status.code().unwrap())
}

/// Codes found in `docs/atomic/architecture/a.md`.
fn codes_in_a(repo: &Path) -> Vec<String> {
    let (v, _) = check_json(repo, &[]);
    v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["path"] == "docs/atomic/architecture/a.md")
        .map(|d| d["code"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn the_good_tree_passes() {
    let dir = tree_with(GOOD);
    let (v, status) = check_json(dir.path(), &["--deny", "warnings"]);
    assert_eq!(v["diagnostics"], serde_json::json!([]), "{v:#}");
    assert_eq!(v["summary"]["documents"], 3);
    assert_eq!(status, 0);
}

#[test]
fn each_rule_fails_and_passes() {
    let r = |from: &str, to: &str| GOOD.replacen(from, to, 1);
    // (code, failing a.md, passing a.md that differs in the same place)
    let cases: Vec<(&str, String, String)> = vec![
        ("AD001", r("# Alpha Principles\n", ""), GOOD.into()),
        (
            "AD001",
            r("# Alpha Principles", "# {Topic Title}"),
            GOOD.into(),
        ),
        (
            "AD002",
            r("Why alpha matters, in one paragraph.\n", ""),
            GOOD.into(),
        ),
        (
            "AD003",
            GOOD.replace("## Guiding Rules", "## One")
                .replace("## Responsibility Matrix", "## Two")
                .replace("## When to Use", "## Three")
                .replace("## Anti-Patterns", "## Four"),
            r("## Guiding Rules", "## Guiding Principles"),
        ),
        (
            "AD004",
            r("## Related Documents", "## Further Reading"),
            r("## Related Documents", "## See Also"),
        ),
        (
            "AD005",
            r("- `docs/atomic/architecture/c.md` — the third\n", ""),
            r(
                "- `docs/atomic/architecture/c.md` — the third\n",
                "- `docs/atomic/architecture/c.md` — the third\n- `docs/atomic/architecture/b.md#guiding-rules` — again\n",
            ),
        ),
        (
            "AD006",
            r("Always.", "TODO: decide."),
            r("Always.", "`TODO` in code, and TODOS."),
        ),
        (
            "AD006",
            r("Always.", "{Describe when to use it}"),
            r("Always.", "```text\n{Describe when to use it}\n```"),
        ),
        (
            "AD007",
            format!("{GOOD}\n## Validation Checklist\n\n- [ ] done\n"),
            format!("{GOOD}\n## Checklist\n\n- [ ] done\n"),
        ),
        (
            "AD008",
            r("## When to Use", "## Usage"),
            r("## When to Use", "## When to Use This Pattern"),
        ),
        (
            "AD009",
            r("`docs/atomic/architecture/b.md`", "[the second](b.md)"),
            r(
                "`docs/atomic/architecture/b.md`",
                "[the second](/docs/atomic/architecture/b.md)",
            ),
        ),
        (
            "AD010",
            r("architecture/b.md", "architecture/zzz.md"),
            GOOD.into(),
        ),
        (
            "AD011",
            r("architecture/b.md", "architecture/b.md#nowhere"),
            r("architecture/b.md", "architecture/b.md#when-to-use"),
        ),
        (
            "AD012",
            r("Always.", "[up](../../../../../x.md)"),
            r("Always.", "[up](../../../README.md)"),
        ),
        (
            "AD013",
            r("architecture/c.md`", "{category}/{file}.md`"),
            GOOD.into(),
        ),
    ];
    for (code, failing, passing) in cases {
        let dir = tree_with(&failing);
        if code == "AD012" || code == "AD011" {
            std::fs::write(dir.path().join("README.md"), "# r\n").unwrap();
        }
        let found = codes_in_a(dir.path());
        assert!(
            found.contains(&code.to_string()),
            "{code} not found in {found:?} for:\n{failing}"
        );
        let dir = tree_with(&passing);
        std::fs::write(dir.path().join("README.md"), "# r\n").unwrap();
        let found = codes_in_a(dir.path());
        assert!(
            found.is_empty(),
            "{code}: passing variant has {found:?}:\n{passing}"
        );
    }
}

#[test]
fn orphan_rule_and_category_without_card() {
    let dir = tree_with(GOOD);
    let lone = "# Lone\n\nIntro.\n\n## Code Examples\n\n## Related Documents\n\n- `docs/atomic/architecture/a.md` — a\n- `docs/atomic/architecture/b.md` — b\n";
    std::fs::create_dir_all(dir.path().join("docs/atomic/misc")).unwrap();
    std::fs::write(dir.path().join("docs/atomic/misc/lone.md"), lone).unwrap();
    let (v, status) = check_json(dir.path(), &[]);
    let found: Vec<(&str, &str)> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (d["code"].as_str().unwrap(), d["path"].as_str().unwrap()))
        .collect();
    assert_eq!(
        found,
        [
            ("AD003", "docs/atomic/misc/lone.md"),
            ("AD014", "docs/atomic/misc/lone.md")
        ]
    );
    assert_eq!(status, 0, "warnings alone do not fail");
    let (_, status) = check_json(dir.path(), &["--deny", "warnings"]);
    assert_eq!(status, 1);
}

#[test]
fn index_pages_are_exempt_unless_configured() {
    let dir = tree_with(GOOD);
    std::fs::write(dir.path().join("docs/atomic/README.md"), "no title here\n").unwrap();
    let (v, _) = check_json(dir.path(), &[]);
    assert_eq!(v["summary"]["documents"], 3);
    std::fs::write(
        dir.path().join("atomdoc.toml"),
        "[check]\nkinds = [\"topic\", \"index\"]\n",
    )
    .unwrap();
    let (v, _) = check_json(dir.path(), &[]);
    assert_eq!(v["summary"]["documents"], 4);
    assert_eq!(v["diagnostics"][0]["code"], "AD001");
    assert_eq!(v["diagnostics"][0]["path"], "docs/atomic/README.md");
}

/// Broken links are wrong wherever they are: the broken-link rules check index and meta
/// pages too, while the template rules keep to topics.
#[test]
fn a_broken_link_in_an_index_page_is_an_error() {
    let dir = tree_with(GOOD);
    std::fs::write(
        dir.path().join("docs/atomic/README.md"),
        "no title here\n\n[gone](architecture/gone.md) [ok](architecture/a.md)\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("docs/atomic/CHANGELOG.md"),
        "# Changes\n\n[bad anchor](architecture/b.md#nowhere)\n",
    )
    .unwrap();
    let (v, status) = check_json(dir.path(), &[]);
    let found: Vec<(&str, &str, u64)> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap(),
                d["path"].as_str().unwrap(),
                d["line"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        found,
        [
            ("AD011", "docs/atomic/CHANGELOG.md", 3),
            ("AD010", "docs/atomic/README.md", 3),
        ],
        "no AD001 for the untitled README: template rules keep to topics"
    );
    assert_eq!(status, 1, "broken links are errors");
    // The summary counts the documents the template rules ran on.
    assert_eq!(v["summary"]["documents"], 3);
}

fn run_format(format: &str) -> (String, i32) {
    let out = atomdoc(&fixture("check"))
        .args(["check", "--format", format])
        .output()
        .unwrap();
    (
        String::from_utf8(out.stdout).unwrap(),
        out.status.code().unwrap(),
    )
}

#[test]
fn golden_output_per_format() {
    for (format, golden) in [
        ("human", "check.txt"),
        ("json", "check.json"),
        ("github", "check.github.txt"),
        ("sarif", "check.sarif.json"),
    ] {
        let (text, status) = run_format(format);
        assert_eq!(status, 1, "{format}: the fixture has a broken link");
        crate::common::golden(golden, &text);
    }
}

#[test]
fn sarif_validates_against_the_schema() {
    let schema: Value =
        serde_json::from_str(include_str!("../../docs/schema/sarif-schema-2.1.0.json"))
            .expect("schema is JSON");
    let validator = jsonschema::draft7::new(&schema).expect("schema compiles");
    for repo in [fixture("check"), sample()] {
        let out = atomdoc(&repo)
            .args(["check", "--format", "sarif"])
            .output()
            .unwrap();
        let log: Value = serde_json::from_slice(&out.stdout).unwrap();
        let errors: Vec<String> = validator.iter_errors(&log).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "{errors:#?}");
        // The validator does reject a log that breaks the schema.
        let mut broken = log.clone();
        broken["runs"][0]["results"][0]["level"] = "fatal".into();
        broken.as_object_mut().unwrap().remove("version");
        assert!(validator.iter_errors(&broken).count() >= 2);
        let run = &log["runs"][0];
        assert_eq!(run["tool"]["driver"]["rules"].as_array().unwrap().len(), 14);
        for r in run["results"].as_array().unwrap() {
            let uri = r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                .as_str()
                .unwrap();
            assert!(uri.starts_with("docs/atomic/"), "relative URI: {uri}");
            let index = r["ruleIndex"].as_u64().unwrap() as usize;
            assert_eq!(run["tool"]["driver"]["rules"][index]["id"], r["ruleId"]);
        }
    }
}

#[test]
fn github_annotations_escape_data_and_properties() {
    let dir = tree(&[(
        "docs/atomic/odd/100%, a:b.md",
        "# T\n\nIntro {x,y: 50%} ok.\n\n## Related Documents\n",
    )]);
    let out = atomdoc(dir.path())
        .args(["check", "--format", "github"])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    let line = text
        .lines()
        .find(|l| l.contains("AD006"))
        .unwrap_or_else(|| panic!("{text}"));
    assert_eq!(
        line,
        "::warning file=docs/atomic/odd/100%25%2C a%3Ab.md,line=3,col=7,title=AD006 placeholder-text::warning[AD006]: template placeholder `{x,y: 50%25}` left in the text"
    );
    // A newline in a message would end the command early: it must be %0A.
    assert!(text.lines().all(|l| l.starts_with("::")), "{text}");
}

#[test]
fn baseline_round_trip() {
    let dir = tree_with(&GOOD.replace("architecture/b.md", "architecture/zzz.md"));
    let base = dir.path().join("baseline.json");
    let out = atomdoc(dir.path())
        .args(["check", "--write-baseline"])
        .arg(&base)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let recorded: Value = serde_json::from_str(&std::fs::read_to_string(&base).unwrap()).unwrap();
    assert_eq!(recorded["findings"][0]["rule"], "AD010");
    assert_eq!(
        recorded["findings"][0]["content"],
        "docs/atomic/architecture/zzz.md"
    );

    // Unrelated edits move the finding down; the baseline still covers it.
    let a = dir.path().join("docs/atomic/architecture/a.md");
    let text = std::fs::read_to_string(&a).unwrap();
    std::fs::write(&a, text.replace("Why alpha", "New line.\n\nWhy alpha")).unwrap();
    let base_arg = base.to_str().unwrap();
    let (v, status) = check_json(dir.path(), &["--baseline", base_arg]);
    assert_eq!(v["diagnostics"], serde_json::json!([]));
    assert_eq!(v["summary"]["baselined"], 1);
    assert_eq!(status, 0);

    // A new broken link is reported.
    let text = std::fs::read_to_string(&a).unwrap();
    std::fs::write(&a, text.replace("architecture/c.md", "architecture/yyy.md")).unwrap();
    let (v, status) = check_json(dir.path(), &["--baseline", base_arg]);
    assert_eq!(v["diagnostics"].as_array().unwrap().len(), 1);
    assert_eq!(
        v["diagnostics"][0]["subject"],
        "docs/atomic/architecture/yyy.md"
    );
    assert_eq!(status, 1);
}

#[test]
fn baseline_errors_are_usage_errors() {
    let dir = tree_with(GOOD);
    let out = atomdoc(dir.path())
        .args(["check", "--baseline", "nope.json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--write-baseline"));
    let out = atomdoc(dir.path())
        .args(["check", "--write-baseline"])
        .arg(dir.path().join("docs/atomic/base.json"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("docs tree"));
    assert!(!dir.path().join("docs/atomic/base.json").exists());
}

#[test]
fn inline_and_configured_suppression() {
    let failing = GOOD
        .replace("architecture/b.md", "architecture/zzz.md")
        .replace("Always.", "TODO");
    let dir = tree_with(&format!("<!-- atomdoc-disable AD010 -->\n{failing}"));
    assert_eq!(codes_in_a(dir.path()), ["AD006"]);
    let (v, _) = check_json(dir.path(), &[]);
    assert_eq!(v["summary"]["suppressed"], 1);

    let dir = tree_with(&failing.replace("TODO", "<!-- atomdoc-disable-next-line AD006 -->\nTODO"));
    assert_eq!(codes_in_a(dir.path()), ["AD010"]);

    let dir = tree_with(&failing);
    std::fs::write(
        dir.path().join("atomdoc.toml"),
        "[check]\ndisable = [\"AD006\"]\nseverity = { AD010 = \"warning\" }\n",
    )
    .unwrap();
    let (v, status) = check_json(dir.path(), &[]);
    assert_eq!(v["diagnostics"][0]["code"], "AD010");
    assert_eq!(v["diagnostics"][0]["severity"], "warning");
    assert_eq!(v["diagnostics"].as_array().unwrap().len(), 1);
    assert_eq!(status, 0);

    std::fs::write(
        dir.path().join("atomdoc.toml"),
        "[check.ignore]\n\"architecture/a.md\" = [\"*\"]\n",
    )
    .unwrap();
    let (v, _) = check_json(dir.path(), &[]);
    assert_eq!(v["diagnostics"], serde_json::json!([]));
}

#[test]
fn bad_check_config_is_a_usage_error() {
    for (toml, needle) in [
        ("[check]\ndisable = [\"AD999\"]\n", "unknown rule `AD999`"),
        (
            "[check]\nseverity = { AD001 = \"loud\" }\n",
            "severity `loud`",
        ),
        (
            "[check]\nkinds = [\"page\"]\n",
            "unknown document kind `page`",
        ),
        ("[check]\nbogus = 1\n", "bogus"),
    ] {
        let dir = tree_with(GOOD);
        std::fs::write(dir.path().join("atomdoc.toml"), toml).unwrap();
        let out = atomdoc(dir.path()).arg("check").output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{toml}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(needle), "{toml}: {err}");
    }
}

#[test]
fn required_sections_come_from_the_tree_template_then_config() {
    let dir = tree_with(GOOD);
    std::fs::write(
        dir.path().join("docs/atomic/TEMPLATE.md"),
        "# T\n\n## Quick Reference Card\n\n| Your Category | Required Sections | Example File |\n|---|---|---|\n| **architecture/** | Rules, Glossary / Terms | `a.md` |\n",
    )
    .unwrap();
    let (v, _) = check_json(dir.path(), &[]);
    let subjects: Vec<&str> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "AD008")
        .map(|d| d["subject"].as_str().unwrap())
        .collect();
    assert_eq!(subjects, ["Glossary / Terms"; 3]);

    std::fs::write(
        dir.path().join("atomdoc.toml"),
        "[check.required_sections]\narchitecture = [\"Matrix\"]\n",
    )
    .unwrap();
    let (v, _) = check_json(dir.path(), &[]);
    assert_eq!(v["diagnostics"], serde_json::json!([]));
}

#[test]
fn explain_names_the_rule_and_the_matching_headings() {
    let out = atomdoc(&sample())
        .args(["check", "--explain", "ad005"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.starts_with("AD005 (few-related-links) — default severity: warning"),
        "{text}"
    );

    let dir = tree_with(&GOOD.replace("## When to Use", "## Usage"));
    let out = atomdoc(dir.path())
        .args(["check", "--explain", "AD008", "architecture/a.md"])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("Rules                    met by \"Guiding Rules\" (line 5)"),
        "{text}"
    );
    assert!(text.contains("When to Use              missing"), "{text}");
    assert!(text.contains("from the built-in template card"), "{text}");

    let out = atomdoc(dir.path())
        .args(["check", "--explain", "AD099"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn coverage_views() {
    let dir = tree_with(&GOOD.replace("## When to Use", "## Usage"));
    let json = |args: &[&str]| -> Value {
        let out = atomdoc(dir.path()).args(args).output().unwrap();
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).unwrap()
    };
    let summary = json(&["coverage", "--format", "json"]);
    assert_eq!(summary[0]["category"], "architecture");
    assert_eq!(summary[0]["documents"], 3);
    assert_eq!(summary[0]["passing"], 2);
    assert_eq!(summary[0]["mean_related"], 2.0);
    assert_eq!(summary[1]["category"], Value::Null, "the total comes last");

    let missing = json(&["coverage", "architecture", "--format", "json"]);
    assert_eq!(
        missing,
        serde_json::json!([{
            "path": "docs/atomic/architecture/a.md",
            "category": "architecture",
            "subcategory": null,
            "missing": ["When to Use"],
            "missing_count": 1,
            "required": 4
        }])
    );

    let matrix = json(&["coverage", "--matrix", "--format", "json"]);
    let when = matrix
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["category"] == "architecture" && r["section"] == "When to Use")
        .unwrap();
    assert_eq!(
        (when["having"].as_u64(), when["documents"].as_u64()),
        (Some(2), Some(3))
    );

    let taxonomy = json(&["coverage", "--taxonomy", "--format", "json"]);
    let pg = taxonomy
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["subcategory"] == "postgresql")
        .unwrap();
    assert_eq!(pg["status"], "missing");

    let out = atomdoc(dir.path())
        .args(["coverage", "nosuch"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn sample_check_fails_on_broken_links() {
    let out = atomdoc(&sample()).arg("check").output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("error[AD010]: broken link"), "{text}");
    let summary = text.lines().last().unwrap();
    assert!(summary.starts_with("Found "), "{text}");
    // The README quotes this line.
    let readme = std::fs::read_to_string(project().join("README.md")).unwrap();
    assert!(
        readme.contains(&format!("`{summary}`")),
        "README lacks {summary:?}"
    );
}

#[test]
fn closed_pipe_exits_quietly() {
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("atomdoc"))
        .args(["--repo"])
        .arg(sample())
        .args(["check", "--format", "json"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Close our end of stdout before atomdoc writes: every write then fails with EPIPE.
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!err.contains("Broken pipe"), "{err}");
    assert_ne!(out.status.code(), Some(2), "{err}");
}

#[test]
fn paths_restrict_the_check() {
    let dir = tree_with(&GOOD.replace("Always.", "TODO"));
    let b = dir.path().join("docs/atomic/architecture/b.md");
    let text = std::fs::read_to_string(&b).unwrap();
    std::fs::write(&b, text.replace("Keep it small.", "TODO")).unwrap();
    let (v, _) = check_json(dir.path(), &["architecture/b.md"]);
    assert_eq!(v["summary"]["documents"], 1);
    assert_eq!(v["diagnostics"][0]["path"], "docs/atomic/architecture/b.md");
    assert_eq!(v["diagnostics"].as_array().unwrap().len(), 1);
    let (v, _) = check_json(dir.path(), &["docs/atomic/architecture/"]);
    assert_eq!(v["summary"]["documents"], 3);
    let out = atomdoc(dir.path())
        .args(["check", "nowhere"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("`nowhere` not found"));
    // A path that exists but holds no checked document.
    std::fs::write(dir.path().join("notes.txt"), "x").unwrap();
    let out = atomdoc(dir.path())
        .args(["check", "notes.txt"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no checked document matches notes.txt"));
}

#[test]
fn crlf_and_front_matter_keep_true_lines() {
    let text = format!(
        "---\ntitle: x\n---\n{}",
        GOOD.replace("Always.", "TODO here")
    )
    .replace('\n', "\r\n");
    let dir = tree_with(&text);
    let out = atomdoc(dir.path()).arg("check").output().unwrap();
    let human = String::from_utf8(out.stdout).unwrap();
    assert!(
        human.contains(
            "  --> docs/atomic/architecture/a.md:19:1\n   |\n19 | TODO here\n   | ^^^^\n"
        ),
        "{human}"
    );
}

#[test]
fn coverage_query_agrees_with_the_coverage_command() {
    let query: Value = serde_json::from_str(&crate::common::run_ok(
        &sample(),
        &["query", "coverage", "--format", "json"],
    ))
    .unwrap();
    let command: Value = serde_json::from_str(&crate::common::run_ok(
        &sample(),
        &["coverage", "--format", "json"],
    ))
    .unwrap();
    let query = query.as_array().unwrap();
    let command = command.as_array().unwrap();
    // One row shape: the same rows, numbers as numbers, the total (no category) last.
    assert_eq!(query, command);
    assert!(query.last().unwrap()["category"].is_null());
}

#[test]
fn coverage_of_a_category_lists_missing_sections_with_category_keys() {
    let dir = tree_with(&GOOD.replace("## When to Use", "## Usage"));
    let rows: Value = serde_json::from_str(&crate::common::run_ok(
        dir.path(),
        &["query", "coverage of architecture", "--format", "json"],
    ))
    .unwrap();
    assert_eq!(
        rows,
        serde_json::json!([{
            "path": "docs/atomic/architecture/a.md",
            "category": "architecture",
            "subcategory": null,
            "missing": ["When to Use"],
            "missing_count": 1,
            "required": 4
        }])
    );
    let out = atomdoc(dir.path())
        .args(["query", "coverage of architecture", "--fail-if-any"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "a CI gate on missing sections");
    let out = atomdoc(dir.path())
        .args(["query", "coverage of nowhere"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown category 'nowhere'"));
}

/// One heading-name rule: for every spelling of a heading named "Best Practices", the query
/// `missing section "Best Practices"` and the check AD008 (requiring it) agree document by
/// document, and so do `with section` and AD004's Related Documents heading.
#[test]
fn queries_and_checks_name_headings_the_same_way() {
    let spellings = [
        "Best Practices",
        "✅ Best Practices",
        "best practices:",
        "Best-Practices",
        "**Best** Practices!",
        "Best Practice Notes",
        "Practices",
    ];
    let mut files: Vec<(String, String)> = Vec::new();
    for (i, h) in spellings.iter().enumerate() {
        let related = if i % 2 == 0 {
            "Related Documents:"
        } else {
            "🔗 Related-Documents"
        };
        files.push((
            format!("docs/atomic/architecture/d{i}.md"),
            format!("# D{i}\n\nIntro.\n\n## {h}\n\nText.\n\n## {related}\n\n- `docs/atomic/architecture/d{}.md`\n", (i + 1) % spellings.len()),
        ));
    }
    files.push((
        "atomdoc.toml".into(),
        "[check.required_sections]\narchitecture = [\"Best Practices\"]\n".into(),
    ));
    let refs: Vec<(&str, &str)> = files
        .iter()
        .map(|(p, t)| (p.as_str(), t.as_str()))
        .collect();
    let dir = tree(&refs);
    let (v, _) = check_json(dir.path(), &[]);
    let flagged = |code: &str| -> Vec<String> {
        v["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["code"] == code)
            .map(|d| d["path"].as_str().unwrap().to_string())
            .collect()
    };
    let query = |q: &str| -> Vec<String> {
        let rows: Value = serde_json::from_str(&crate::common::run_ok(
            dir.path(),
            &["query", q, "--format", "json"],
        ))
        .unwrap();
        rows.as_array()
            .unwrap()
            .iter()
            .map(|r| r["path"].as_str().unwrap_or("a link").to_string())
            .collect()
    };
    let missing = query("docs missing section \"Best Practices\"");
    // "Best Practice Notes" meets the requirement (its words hold the required ones) but is
    // not named "Best Practices"; every heading *named* so satisfies both.
    assert_eq!(
        missing,
        [
            "docs/atomic/architecture/d5.md",
            "docs/atomic/architecture/d6.md"
        ]
    );
    assert_eq!(flagged("AD008"), ["docs/atomic/architecture/d6.md"]);
    assert_eq!(query("docs with section \"Best Practices\"").len(), 5);
    assert_eq!(flagged("AD004"), Vec::<String>::new(), "{v}");
    assert_eq!(
        query("docs missing section \"Related Documents\""),
        Vec::<String>::new()
    );
    assert_eq!(query("links where kind = related").len(), spellings.len());
}
