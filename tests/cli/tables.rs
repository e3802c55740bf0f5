//! Tables fitted to a real terminal (issue 22): under tmux at 80 and 200 columns, the CLI and
//! the REPL print no line wider than the terminal, paths cut from the left with `…` when
//! narrow and whole when there is room; `COLUMNS` rules when piped.

use unicode_width::UnicodeWidthStr;

use crate::common::{Tmux, atomdoc, sample};

/// Runs `args` on the bundled sample in a tmux terminal `width` columns wide and returns
/// the pane, wrapped lines joined (None without tmux outside CI).
fn in_terminal(width: u16, args: &str) -> Option<String> {
    let bin = assert_cmd::cargo::cargo_bin("atomdoc");
    let command = format!(
        "env -u COLUMNS NO_COLOR=1 {bin} --repo {repo} --no-cache {args}; echo COMMAND-ENDED; sleep 30",
        bin = bin.display(),
        repo = sample().display(),
    );
    let t = Tmux::start_sized(&command, &sample(), width, 60)?;
    t.wait_for("COMMAND-ENDED");
    Some(t.joined_pane())
}

fn widest(text: &str) -> usize {
    text.lines()
        .map(|l| l.trim_end().width())
        .max()
        .unwrap_or(0)
}

#[test]
fn tables_fit_a_terminal_of_80_columns_and_cut_paths_from_the_left() {
    for args in [
        "query docs",
        "query broken",
        "query 'links from services'",
        "coverage integrations",
        "check --statistics",
        "search 'redis cache'",
        "stats",
    ] {
        let Some(pane) = in_terminal(80, args) else {
            return;
        };
        assert!(
            widest(&pane) <= 80,
            "`{args}` is wider than 80 columns:\n{pane}"
        );
    }
    let pane = in_terminal(80, "query docs").unwrap();
    assert!(pane.contains("37 documents"), "{pane}");
    // The file name survives the cut; the folders go first.
    assert!(pane.contains("…/message-publishing.md"), "{pane}");
    assert!(
        !pane.contains("docs/atomic/integrations/rabbitmq/message-publishing.md"),
        "{pane}"
    );
}

#[test]
fn tables_at_200_columns_show_whole_paths() {
    let Some(pane) = in_terminal(200, "query docs") else {
        return;
    };
    assert!(widest(&pane) <= 200, "{pane}");
    assert!(
        pane.contains("docs/atomic/integrations/rabbitmq/message-publishing.md"),
        "{pane}"
    );
    assert!(
        !pane.contains('…'),
        "nothing is cut at 200 columns:\n{pane}"
    );
}

#[test]
fn the_repl_fits_its_tables_to_an_80_column_terminal() {
    let home = tempfile::tempdir().unwrap();
    let bin = assert_cmd::cargo::cargo_bin("atomdoc");
    let command = format!(
        "env -u COLUMNS -u XDG_DATA_HOME NO_COLOR=1 HOME={home} {bin} --repo {repo} --no-cache repl; sleep 30",
        home = home.path().display(),
        bin = bin.display(),
        repo = sample().display(),
    );
    let Some(t) = Tmux::start_sized(&command, &sample(), 80, 50) else {
        return;
    };
    t.wait_for("atomdoc>");
    t.send(&["broken", "Enter"]);
    t.wait_for("13 links");
    let pane = t.joined_pane();
    assert!(widest(&pane) <= 80, "{pane}");
    assert!(pane.contains("…"), "{pane}");
    assert!(pane.contains("did you mean"), "{pane}");
}

/// Piped output is as wide as its content unless `COLUMNS` asks for a width.
#[test]
fn piped_tables_are_unlimited_unless_columns_is_set() {
    let whole = atomdoc(&sample()).args(["query", "docs"]).output().unwrap();
    let whole = String::from_utf8(whole.stdout).unwrap();
    assert!(widest(&whole) > 100, "{whole}");
    assert!(!whole.contains('…'), "{whole}");
    for width in [60usize, 100] {
        let out = atomdoc(&sample())
            .env("COLUMNS", width.to_string())
            .args(["query", "docs"])
            .output()
            .unwrap();
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(widest(&text) <= width, "COLUMNS={width}:\n{text}");
        assert!(text.contains('…'), "{text}");
        assert_eq!(
            text.lines().count(),
            whole.lines().count(),
            "one line per row"
        );
    }
}
