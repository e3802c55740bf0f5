//! The edges users meet first (issue 22): version control, paths from where the user stands,
//! triage of `check`, one JSON shape, terminal-fitting tables, completions.

use std::path::Path;
use std::process::Command;

use crate::common::*;

/// `git` run in `dir`, asserting success; returns stdout.
fn git(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .current_dir(dir)
        .args(args)
        .output()
        .expect("git runs");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn git_status_stays_clean_after_a_run_that_writes_the_cache() {
    if !have_tool("git", "--version") {
        return;
    }
    let repo = copy_tree(&sample());
    git(repo.path(), &["init", "-q"]);
    git(repo.path(), &["add", "-A"]);
    git(
        repo.path(),
        &[
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@example.com",
            "commit",
            "-qm",
            "sample",
        ],
    );
    // A search builds the index too: every kind of cache file is written.
    let out = atomdoc_cached(repo.path())
        .args(["search", "retry"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(repo.path().join(".atomdoc/cache/CACHEDIR.TAG").is_file());
    assert_eq!(git(repo.path(), &["status", "--porcelain"]), "");
}

/// `atomdoc <args>` run in `dir` (no `--repo`: discovery from there), without a cache.
fn atomdoc_in(dir: &Path, args: &[&str]) -> std::process::Output {
    assert_cmd::Command::cargo_bin("atomdoc")
        .unwrap()
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("CLICOLOR_FORCE")
        .args(args)
        .output()
        .unwrap()
}

fn stdout_ok(out: &std::process::Output) -> String {
    assert!(
        out.status.success(),
        "status {:?}: {}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout.clone()).unwrap()
}

/// The JSON of a `check --format json` run, which exits 1 when it finds errors.
fn check_json(out: &std::process::Output) -> serde_json::Value {
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn paths_are_read_from_the_current_folder_first() {
    let repo = copy_tree(&sample());
    let services = repo.path().join("docs/atomic/services");
    // The shell completes `fastapi/app-factory.md` here.
    let out = atomdoc_in(
        &services,
        &[
            "--no-cache",
            "check",
            "fastapi/app-factory.md",
            "--format",
            "json",
        ],
    );
    let json = check_json(&out);
    assert_eq!(json["summary"]["documents"], 1, "{json}");
    // `.` is the folder the user stands in.
    let out = atomdoc_in(&services, &["--no-cache", "check", ".", "--format", "json"]);
    let json = check_json(&out);
    let checked = json["summary"]["documents"].as_u64().unwrap();
    assert!(checked > 1, "{json}");
    // Repository-relative and docs-root-relative paths still work from elsewhere.
    for path in [
        "docs/atomic/services/fastapi/app-factory.md",
        "services/fastapi/app-factory.md",
    ] {
        let out = atomdoc_in(
            repo.path(),
            &["--no-cache", "check", path, "--format", "json"],
        );
        let json = check_json(&out);
        assert_eq!(json["summary"]["documents"], 1, "{path}: {json}");
    }
    // A path that exists nowhere says where it was looked for.
    let out = atomdoc_in(&services, &["--no-cache", "check", "nosuch.md"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("not found in the current folder"),
        "{}",
        stderr(&out)
    );
    // `export --around` reads a path the same way.
    let out = atomdoc_in(
        &services,
        &[
            "--no-cache",
            "export",
            "json",
            "--around",
            "fastapi/app-factory.md",
        ],
    );
    assert!(stdout_ok(&out).contains("docs/atomic/services/fastapi/app-factory.md"));
}

#[test]
fn root_flag_is_read_from_the_current_folder() {
    let repo = tree(&[
        (".git/HEAD", "ref: refs/heads/main\n"),
        ("guide/book.toml", "[book]\nsrc = \"src\"\n"),
        ("guide/src/SUMMARY.md", "- [A](a.md)\n"),
        ("guide/src/a.md", "# A\n\nSee [b](b.md).\n"),
        ("guide/src/b.md", "# B\n"),
    ]);
    let src = repo.path().join("guide/src");
    let out = atomdoc_in(&src, &["--root", ".", "stats", "--format", "json"]);
    let stats: serde_json::Value = serde_json::from_str(&stdout_ok(&out)).unwrap();
    assert_eq!(stats["documents"], 3, "{stats}");
    // The cache went to the repository, not into the docs root.
    assert!(repo.path().join(".atomdoc/cache").is_dir());
    assert!(!src.join(".atomdoc").exists());
}

#[test]
fn discovery_prefers_the_nearest_folder_holding_the_docs_root() {
    let outer = tree(&[
        (".git/HEAD", "ref: refs/heads/main\n"),
        ("README.md", "# Outer\n"),
        ("tools/inner/docs/atomic/cat/a.md", "# A\n"),
        ("tools/inner/docs/atomic/cat/b.md", "# B\n"),
    ]);
    let inner = outer.path().join("tools/inner");
    for dir in [inner.clone(), inner.join("docs/atomic/cat")] {
        let out = atomdoc_in(&dir, &["--no-cache", "stats", "--format", "json"]);
        let stats: serde_json::Value = serde_json::from_str(&stdout_ok(&out)).unwrap();
        assert_eq!(stats["documents"], 2, "{stats}");
    }
}

#[test]
fn a_file_given_as_repo_and_a_cache_in_the_docs_root_say_what_to_do() {
    let repo = copy_tree(&sample());
    let out = atomdoc_in(repo.path(), &["--repo", "README.md", "stats"]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("`README.md` is a file, not a folder"), "{err}");
    // The docs root is the repository: its cache folder would be inside it.
    let flat = tree(&[(".git/HEAD", "x\n"), ("a.md", "# A\n")]);
    let out = atomdoc_in(flat.path(), &["--root", ".", "stats"]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains("inside the docs root") && err.contains("--no-cache"),
        "{err}"
    );
    let out = atomdoc_in(flat.path(), &["--root", ".", "--no-cache", "stats"]);
    stdout_ok(&out);
}

#[test]
fn search_says_how_many_matched_beyond_the_limit() {
    let out = run_ok(&sample(), &["search", "retry", "--limit", "2"]);
    let last = out.trim_end().lines().last().unwrap();
    let total: usize = last
        .strip_prefix("2 of ")
        .and_then(|rest| rest.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("{out}"));
    assert!(total > 2, "{out}");
    // Without the limit, all of them, and no "of".
    let all = run_ok(&sample(), &["search", "retry", "--limit", "100"]);
    assert!(
        all.trim_end().ends_with(&format!("{total} results")),
        "{all}"
    );
}

#[test]
fn check_selects_ignores_and_counts_rules() {
    let json = |args: &[&str]| {
        let out = atomdoc(&sample())
            .args(["check", "--format", "json"])
            .args(args)
            .output()
            .unwrap();
        check_json(&out)
    };
    let codes = |v: &serde_json::Value| {
        let mut c: Vec<String> = v["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["code"].as_str().unwrap().to_string())
            .collect();
        c.dedup();
        c
    };
    let all = codes(&json(&[]));
    assert!(all.iter().any(|c| c == "AD014") && all.iter().any(|c| c == "AD010"));
    // A prefix selects AD010 to AD014; --ignore takes one out.
    let some = codes(&json(&["--select", "AD01", "--ignore", "orphan"]));
    assert!(!some.is_empty());
    assert!(
        some.iter().all(|c| c.starts_with("AD01") && c != "AD014"),
        "{some:?}"
    );
    // Statistics: one row per rule with its count, most first.
    let stats = json(&["--statistics"]);
    let rows = stats.as_array().unwrap();
    let total: u64 = rows.iter().map(|r| r["count"].as_u64().unwrap()).sum();
    let listed = json(&[])["diagnostics"].as_array().unwrap().len() as u64;
    assert_eq!(total, listed);
    let counts: Vec<u64> = rows.iter().map(|r| r["count"].as_u64().unwrap()).collect();
    assert!(counts.windows(2).all(|w| w[0] >= w[1]), "{counts:?}");
    let human = atomdoc(&sample())
        .args(["check", "--statistics", "--select", "AD014"])
        .output()
        .unwrap();
    let text = String::from_utf8(human.stdout).unwrap();
    assert!(text.contains("AD014  orphan"), "{text}");
    assert!(!text.contains("AD010"), "{text}");
    // A selector matching no rule is a usage error with a did-you-mean.
    let out = atomdoc(&sample())
        .args(["check", "--select", "AD05"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("did you mean `AD005`"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn piped_repl_json_is_json_lines_with_chatter_on_stderr() {
    for (args, input) in [
        (&["repl"][..], ":format json\norphans\nstats limit 2\n"),
        (
            &["repl", "--format", "json"][..],
            "orphans\nstats limit 2\n",
        ),
    ] {
        let out = atomdoc(&sample())
            .args(args)
            .write_stdin(input)
            .output()
            .unwrap();
        let text = stdout_ok(&out);
        let rows: Vec<serde_json::Value> = text
            .lines()
            .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
            .collect();
        // Four orphans, then two stats rows: one object per line.
        assert_eq!(rows.len(), 6, "{text}");
        assert!(rows[..4].iter().all(|r| r["path"].is_string()), "{text}");
        assert_eq!(rows[4]["metric"], "documents");
        if input.starts_with(":format") {
            assert!(stderr(&out).contains("format: json"), "{}", stderr(&out));
        }
    }
}

/// The schemas of `docs/schema/`, by `$id`: `$ref`s between them resolve here, offline.
struct SchemaFolder(std::collections::HashMap<String, serde_json::Value>);

impl jsonschema::Retrieve for SchemaFolder {
    fn retrieve(
        &self,
        uri: &jsonschema::Uri<String>,
    ) -> Result<serde_json::Value, Box<dyn std::error::Error + Send + Sync>> {
        self.0
            .get(uri.as_str())
            .cloned()
            .ok_or_else(|| format!("no schema {uri} in docs/schema").into())
    }
}

/// A validator for `docs/schema/NAME`, resolving its references to the sibling schemas.
fn schema(name: &str) -> jsonschema::Validator {
    let dir = project().join("docs/schema");
    let load = |n: &str| -> serde_json::Value {
        serde_json::from_str(&std::fs::read_to_string(dir.join(n)).unwrap()).unwrap()
    };
    let mut all = std::collections::HashMap::new();
    for entry in std::fs::read_dir(&dir).unwrap().flatten() {
        let n = entry.file_name().into_string().unwrap();
        if n.ends_with(".schema.json") {
            let doc = load(&n);
            all.insert(doc["$id"].as_str().unwrap().to_string(), doc);
        }
    }
    jsonschema::draft7::options()
        .with_retriever(SchemaFolder(all))
        .build(&load(name))
        .expect("schema compiles")
}

/// Asserts that every row of `rows` (an array, or one value) matches `docs/schema/NAME`.
fn assert_valid(name: &str, what: &str, value: &serde_json::Value) {
    let validator = schema(name);
    let errors: Vec<String> = validator
        .iter_errors(value)
        .map(|e| e.to_string())
        .collect();
    assert!(
        errors.is_empty(),
        "{what} against {name}: {errors:#?}\n{value:#}"
    );
}

fn rows_of(value: serde_json::Value) -> Vec<serde_json::Value> {
    let rows = value.as_array().expect("an array of rows").clone();
    assert!(!rows.is_empty(), "no rows, nothing validated");
    rows
}

#[test]
fn json_output_matches_the_schemas_in_docs() {
    let query = |q: &str| -> serde_json::Value {
        serde_json::from_str(&run_ok(&sample(), &["query", q, "--format", "json"])).unwrap()
    };
    for q in [
        "docs",
        "orphans",
        "hubs limit 3",
        "neighbors of redis/key-naming",
        "docs where words > 100",
    ] {
        for row in rows_of(query(q)) {
            assert_valid("document.schema.json", q, &row);
        }
    }
    for q in ["links", "broken", "backlinks of redis/key-naming"] {
        for row in rows_of(query(q)) {
            assert_valid("link.schema.json", q, &row);
        }
    }
    // Every key of a row kind is there in every row, whatever the neighbours.
    let links = rows_of(query("links limit 1"));
    assert!(links[0]["suggestions"].is_null(), "{:?}", links[0]);
    let search: serde_json::Value = serde_json::from_str(&run_ok(
        &sample(),
        &["search", "pool", "--format", "json", "--limit", "5"],
    ))
    .unwrap();
    let search_query = query("search \"pool\" limit 5");
    assert_eq!(
        search, search_query,
        "atomdoc search and the query search agree"
    );
    for row in rows_of(search) {
        assert_valid("search-hit.schema.json", "search", &row);
    }
    let coverage: serde_json::Value =
        serde_json::from_str(&run_ok(&sample(), &["coverage", "--format", "json"])).unwrap();
    assert_eq!(
        coverage,
        query("coverage"),
        "coverage and the query coverage agree"
    );
    for row in rows_of(coverage) {
        assert_valid("coverage.schema.json", "coverage", &row);
    }
    let missing: serde_json::Value = serde_json::from_str(&run_ok(
        &sample(),
        &["coverage", "services", "--format", "json"],
    ))
    .unwrap();
    assert_eq!(missing, query("coverage of services"));
    for row in rows_of(missing) {
        assert_valid("missing-sections.schema.json", "coverage of", &row);
    }
    let check = |args: &[&str]| {
        let out = atomdoc(&sample())
            .args(["check", "--format", "json"])
            .args(args)
            .output()
            .unwrap();
        check_json(&out)
    };
    assert_valid("check.schema.json", "check", &check(&[]));
    assert_valid(
        "check-statistics.schema.json",
        "check --statistics",
        &check(&["--statistics"]),
    );
    // The validators do reject a row that breaks its schema.
    let mut bad = rows_of(query("orphans"))[0].clone();
    bad["inlinks"] = "0".into();
    assert!(!schema("document.schema.json").is_valid(&bad));
}

#[test]
fn large_drawings_switch_to_categories_and_in_takes_subcategories() {
    // 81 small documents in three categories: too many boxes to read.
    let mut files: Vec<(String, String)> = Vec::new();
    for i in 0..81 {
        let cat = ["a", "b", "c"][i % 3];
        let next = (i + 3) % 81;
        let next_cat = ["a", "b", "c"][next % 3];
        files.push((
            format!("docs/atomic/{cat}/d{i}.md"),
            format!("# D{i}\n\nSee [next](../{next_cat}/d{next}.md).\n"),
        ));
    }
    let refs: Vec<(&str, &str)> = files
        .iter()
        .map(|(p, t)| (p.as_str(), t.as_str()))
        .collect();
    let repo = tree(&refs);
    let out = atomdoc(repo.path())
        .args(["export", "json"])
        .output()
        .unwrap();
    let graph: serde_json::Value = serde_json::from_str(&stdout_ok(&out)).unwrap();
    let nodes = graph["nodes"].as_array().unwrap();
    assert_eq!(nodes.len(), 3, "{graph}");
    assert!(
        stderr(&out).contains("81 documents are too many"),
        "{}",
        stderr(&out)
    );
    // --in a subcategory draws its documents only.
    let out = atomdoc(&sample())
        .args(["export", "json", "--in", "integrations/redis"])
        .output()
        .unwrap();
    let graph: serde_json::Value = serde_json::from_str(&stdout_ok(&out)).unwrap();
    let docs: Vec<&str> = graph["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|n| n["path"].as_str())
        .collect();
    assert!(!docs.is_empty(), "{graph}");
    assert!(
        docs.iter()
            .all(|p| p.starts_with("docs/atomic/integrations/redis/")),
        "{docs:?}"
    );
}

#[test]
fn completion_scripts_load_and_the_man_page_renders() {
    let script = |shell: &str| {
        let out = atomdoc(&sample())
            .args(["completions", shell])
            .output()
            .unwrap();
        let text = stdout_ok(&out);
        assert!(
            text.contains("check") && text.contains("statistics"),
            "{shell}: {text}"
        );
        text
    };
    for shell in ["zsh", "fish", "powershell"] {
        script(shell);
    }
    // bash loads the script and completes a subcommand and a flag from it.
    if have_tool("bash", "--version") {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("atomdoc.bash");
        std::fs::write(&file, script("bash")).unwrap();
        let complete = |words: &str| {
            let probe = format!(
                "set -e; source '{}'; COMP_WORDS=({words}); COMP_CWORD=$((${{#COMP_WORDS[@]}} - 1)); \
                 COMP_LINE='{words}'; COMP_POINT=${{#COMP_LINE}}; \
                 _atomdoc atomdoc \"${{COMP_WORDS[COMP_CWORD]}}\" \"${{COMP_WORDS[COMP_CWORD-1]}}\"; printf '%s\\n' \"${{COMPREPLY[@]}}\"",
                file.display()
            );
            let out = Command::new("bash").args(["-c", &probe]).output().unwrap();
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
            String::from_utf8(out.stdout).unwrap()
        };
        let subcommands = complete("atomdoc che");
        assert!(subcommands.lines().any(|l| l == "check"), "{subcommands}");
        let flags = complete("atomdoc check --sta");
        assert!(flags.lines().any(|l| l == "--statistics"), "{flags}");
    }
    let man = stdout_ok(&atomdoc(&sample()).arg("man").output().unwrap());
    assert!(man.contains(".TH atomdoc 1"), "{man}");
    assert!(man.contains("completions"), "{man}");
}

#[test]
fn the_action_and_the_pre_commit_hook_run_commands_that_exist() {
    let action = std::fs::read_to_string(project().join("action.yml")).unwrap();
    assert!(action.contains("using: composite"));
    assert!(action.contains("atomdoc check --format github"), "{action}");
    // The action's check, as it runs it, on the sample.
    let out = atomdoc(&sample())
        .args([
            "check", "--format", "github", "--deny", "warnings", "--select", "AD01",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let annotations = String::from_utf8(out.stdout).unwrap();
    assert!(
        annotations
            .lines()
            .all(|l| l.starts_with("::error file=") || l.starts_with("::warning file=")),
        "{annotations}"
    );
    assert!(annotations.contains("title=AD010"), "{annotations}");
    let hooks = std::fs::read_to_string(project().join(".pre-commit-hooks.yaml")).unwrap();
    let entry = hooks
        .lines()
        .find_map(|l| l.trim().strip_prefix("entry: "))
        .expect("an entry");
    let words: Vec<&str> = entry.split_whitespace().collect();
    assert_eq!(words[0], "atomdoc");
    let out = atomdoc(&sample()).args(&words[1..]).output().unwrap();
    assert!(matches!(out.status.code(), Some(0 | 1)), "{}", stderr(&out));
}

#[test]
fn the_projects_queries_are_reachable_as_at_name_after_the_repositorys() {
    let repo = copy_tree(&sample());
    // Built in: both queries of ci-gate.aq run.
    let out = run_ok(repo.path(), &["query", "@ci-gate", "--format", "json"]);
    let answers: serde_json::Value = serde_json::from_str(&out).unwrap();
    let queries: Vec<&str> = answers
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["query"].as_str().unwrap())
        .collect();
    assert_eq!(queries, ["broken", "orphans"]);
    // The repository's own query of that name comes first.
    std::fs::create_dir_all(repo.path().join(".atomdoc/queries")).unwrap();
    std::fs::write(
        repo.path().join(".atomdoc/queries/hubs.aq"),
        "hubs limit 1\n",
    )
    .unwrap();
    let out = run_ok(repo.path(), &["query", "@hubs", "--format", "json"]);
    let rows: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(rows.as_array().unwrap().len(), 1, "{rows}");
    // In the REPL too.
    let out = atomdoc(repo.path())
        .arg("repl")
        .write_stdin(":run\n@thin-docs\n")
        .output()
        .unwrap();
    let text = stdout_ok(&out);
    assert!(text.contains("path"), "{text}");
    assert!(
        stderr(&out).contains("built in: ci-gate"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn check_prints_help_lines_with_the_did_you_mean_and_carets_after_tabs_and_wide_characters() {
    let repo = tree(&[(
        "docs/atomic/a/t.md",
        "# T\n\nIntro.\n\nA\tsee [x](../a/tt.md) and 漢字 [y](t.md#intr).\n\n## Intro\n",
    )]);
    let out = atomdoc(repo.path())
        .args(["check", "--select", "AD010,AD011"])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    // The tab shows as four spaces; the carets sit under each link, CJK counted as two columns.
    let expected = "\
error[AD010]: broken link `../a/tt.md`: docs/atomic/a/tt.md does not exist
 --> docs/atomic/a/t.md:5:7
  |
5 | A    see [x](../a/tt.md) and 漢字 [y](t.md#intr).
  |          ^^^^^^^^^^^^^^^
  |
  = help: did you mean `docs/atomic/a/t.md`? Correct the path, or remove the link if the target was deleted.
error[AD011]: broken link `t.md#intr`: no heading or anchor `#intr` in docs/atomic/a/t.md
 --> docs/atomic/a/t.md:5:30
  |
5 | A    see [x](../a/tt.md) and 漢字 [y](t.md#intr).
  |                                   ^^^^^^^^^^^^^^
  |
  = help: did you mean `docs/atomic/a/t.md#intro` or `docs/atomic/a/t.md#t`? Use the slug of the current heading (lower-case, spaces as `-`), or add an `<a id=\"...\">` anchor.
Found 2 errors and 0 warnings in 1 of 1 document
";
    assert_eq!(text, expected);
    // JSON says the same.
    let json = check_json(
        &atomdoc(repo.path())
            .args(["check", "--select", "AD010", "--format", "json"])
            .output()
            .unwrap(),
    );
    let help = json["diagnostics"][0]["help"].as_str().unwrap();
    assert!(
        help.starts_with("did you mean `docs/atomic/a/t.md`?"),
        "{help}"
    );
}

#[test]
fn tables_show_one_target_column_when_resolved_repeats_it() {
    let table = run_ok(&sample(), &["query", "links where target ~ docs/ limit 3"]);
    let header = table.lines().next().unwrap();
    assert!(
        header.contains("target") && !header.contains("resolved"),
        "{table}"
    );
    // JSON keeps both.
    let json = run_ok(
        &sample(),
        &[
            "query",
            "links where target ~ docs/ limit 3",
            "--format",
            "json",
        ],
    );
    let rows: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(rows[0]["target"], rows[0]["resolved"]);
    // Where they differ, both columns stay.
    let table = run_ok(&sample(), &["query", "links limit 3"]);
    assert!(
        table.lines().next().unwrap().contains("resolved"),
        "{table}"
    );
}

#[test]
fn color_flag_overrides_the_terminal_and_the_environment() {
    let esc = |args: &[&str], env: Option<(&str, &str)>| {
        let mut cmd = atomdoc(&sample());
        cmd.env_remove("NO_COLOR");
        if let Some((k, v)) = env {
            cmd.env(k, v);
        }
        let out = cmd.args(args).output().unwrap();
        String::from_utf8(out.stdout).unwrap().contains('\x1b')
    };
    let q = ["query", "orphans limit 1"];
    // Piped: no colour by default, colour when forced by flag or CLICOLOR_FORCE.
    assert!(!esc(&q, None));
    assert!(esc(&[&q[..], &["--color", "always"]].concat(), None));
    assert!(esc(
        &[&q[..], &["--color", "always"]].concat(),
        Some(("NO_COLOR", "1"))
    ));
    assert!(esc(&q, Some(("CLICOLOR_FORCE", "1"))));
    assert!(!esc(
        &[&q[..], &["--color", "never"]].concat(),
        Some(("CLICOLOR_FORCE", "1"))
    ));
    // Query errors (on stderr, through the one caret renderer) follow the same decision.
    let error = |flag: &str| {
        let out = atomdoc(&sample())
            .env_remove("NO_COLOR")
            .args(["query", "orphans in", "--color", flag])
            .output()
            .unwrap();
        String::from_utf8(out.stderr).unwrap().contains('\x1b')
    };
    assert!(error("always"));
    assert!(!error("never"));
    let c = ["check", "--select", "AD014"];
    assert!(esc(&[&c[..], &["--color", "always"]].concat(), None));
    assert!(!esc(
        &[&c[..], &["--color", "never"]].concat(),
        Some(("CLICOLOR_FORCE", "1"))
    ));
}

#[test]
fn records_show_one_block_per_row_from_the_command_and_the_repl() {
    let text = run_ok(
        &sample(),
        &["query", "orphans limit 2", "--format", "records"],
    );
    assert!(
        text.starts_with("-[ RECORD 1 ]-\npath     | docs/atomic/"),
        "{text}"
    );
    assert!(text.contains("-[ RECORD 2 ]-\n"), "{text}");
    assert!(text.contains("\ninlinks  | 0\n"), "{text}");
    assert!(text.ends_with("2 documents\n"), "{text}");
    let out = atomdoc(&sample())
        .arg("repl")
        .write_stdin(":x\norphans limit 2\n")
        .output()
        .unwrap();
    assert_eq!(stdout_ok(&out), text);
    assert!(stderr(&out).contains("format: records"));
}

/// The queries of the documentation: every line of an ```aq block and every
/// `atomdoc query "…"` line of a ```sh block in README.md and docs/*.md.
fn documented_queries() -> Vec<(String, String)> {
    let mut files = vec![project().join("README.md")];
    for entry in std::fs::read_dir(project().join("docs")).unwrap().flatten() {
        if entry.path().extension().is_some_and(|e| e == "md") {
            files.push(entry.path());
        }
    }
    files.sort();
    let mut found = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        let name = file.file_name().unwrap().to_string_lossy().into_owned();
        let mut block: Option<String> = None;
        for line in text.lines() {
            if let Some(kind) = line.strip_prefix("```") {
                block = if block.is_some() {
                    None
                } else {
                    Some(kind.to_string())
                };
                continue;
            }
            let line = line.split("  #").next().unwrap().trim();
            match block.as_deref() {
                Some("aq") if !line.is_empty() && !line.starts_with('#') => {
                    found.push((name.clone(), line.to_string()));
                }
                Some("sh") => {
                    let Some(rest) = line.strip_prefix("atomdoc query ") else {
                        continue;
                    };
                    for quote in ['"', '\''] {
                        if let Some(q) = rest.strip_prefix(quote)
                            && let Some(end) = q.find(quote)
                        {
                            found.push((name.clone(), q[..end].to_string()));
                        }
                    }
                }
                _ => {}
            }
        }
    }
    found
}

#[test]
fn every_documented_query_runs_on_the_bundled_sample() {
    let queries = documented_queries();
    assert!(queries.len() > 40, "{queries:?}");
    let mut failures = Vec::new();
    for (file, q) in &queries {
        let out = atomdoc(&sample()).args(["query", q]).output().unwrap();
        // 0 (rows or none) and 1 (--fail-if-any) are answers; 2 is a query the sample cannot
        // answer (a name of another tree, a syntax error).
        if out.status.code() == Some(2) {
            failures.push(format!("{file}: {q}: {}", stderr(&out)));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
