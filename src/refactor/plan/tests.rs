//! Plans on in-memory trees: every link form before and after a document move and a folder
//! move, heading renames, single fixes, and the move-then-back property.

use std::collections::{BTreeMap, HashMap};

use proptest::prelude::*;

use super::*;
use crate::config::Config;
use crate::corpus::Corpus;

const ROOT: &str = "docs/atomic";

fn corpus(files: &BTreeMap<String, String>) -> Corpus {
    let pairs: Vec<(&str, &str)> = files
        .iter()
        .map(|(p, t)| (p.as_str(), t.as_str()))
        .collect();
    Corpus::from_files(ROOT, &pairs, &Config::default())
}

fn tree(files: &[(&str, &str)]) -> BTreeMap<String, String> {
    files
        .iter()
        .map(|(p, t)| (p.to_string(), t.to_string()))
        .collect()
}

fn sources(files: &BTreeMap<String, String>) -> HashMap<String, String> {
    files.clone().into_iter().collect()
}

/// The tree after the plan: edits applied, then the moves.
fn applied(files: &BTreeMap<String, String>, plan: &Plan) -> BTreeMap<String, String> {
    let mut out = files.clone();
    for edit in &plan.edits {
        let text = &out[&edit.path];
        assert_eq!(hash(text), edit.original_hash);
        let new = edit.apply(text);
        out.insert(edit.path.clone(), new);
    }
    out.into_iter().map(|(p, t)| (plan.moved(&p), t)).collect()
}

/// Every link as (file, target as resolved, status), for comparing trees: what a move must
/// keep, with paths mapped through the move.
fn resolution(files: &BTreeMap<String, String>) -> Vec<(String, Option<String>, String)> {
    let c = corpus(files);
    let mut out: Vec<_> = c
        .docs
        .iter()
        .map(|d| (d.path.as_str(), &d.links))
        .chain(c.referrers.iter().map(|r| (r.path.as_str(), &r.links)))
        .flat_map(|(p, links)| {
            links.iter().map(move |l| {
                (
                    p.to_string(),
                    l.resolved.clone(),
                    format!("{:?}{:?}", l.status, l.fragment),
                )
            })
        })
        .collect();
    out.sort();
    out
}

fn every_form() -> BTreeMap<String, String> {
    tree(&[
        (
            "docs/atomic/cat/a.md",
            "\u{feff}# A\r\n\r\n\
             [rel](b.md) [dot](./b.md#setup) [q](b.md?x=1#setup \"title\") <x>  \r\n\
             [angle](<b.md>) ![img](../cat/pic.png) [root](/docs/atomic/cat/b.md)\r\n\
             `docs/atomic/cat/b.md#setup` and `./docs/atomic/cat/b.md`\r\n\
             [ref] [again][ref] [esc](b\\.md) [dir](./) [self](#a)\r\n\r\n\
             [ref]: b.md  'defined'\r\n",
        ),
        (
            "docs/atomic/cat/b.md",
            "# B\n\n## Setup\n\n[a](a.md) [up](../other/c.md#c) [pic](pic.png) \
             `docs/atomic/other/c.md` [root](/docs/atomic/cat/a.md) [self](#setup) \
             [gone](missing.md) [web](https://example.com/b.md)\n",
        ),
        ("docs/atomic/cat/pic.png", "png"),
        (
            "docs/atomic/other/c.md",
            "# C\n\n[b](../cat/b.md) [enc](../cat/b.md#Setup)\n",
        ),
        ("README.md", "# Repo\n\nSee [b](docs/atomic/cat/b.md).\n"),
    ])
}

#[test]
fn a_document_move_rewrites_every_link_form_in_its_style() {
    let files = every_form();
    let c = corpus(&files);
    let plan = plan_move(
        &c,
        &sources(&files),
        "docs/atomic/cat/b.md",
        "docs/atomic/new/sub/b2.md",
    )
    .unwrap();
    let after = applied(&files, &plan);
    assert_eq!(
        after["docs/atomic/cat/a.md"],
        "\u{feff}# A\r\n\r\n\
         [rel](../new/sub/b2.md) [dot](../new/sub/b2.md#setup) [q](../new/sub/b2.md?x=1#setup \"title\") <x>  \r\n\
         [angle](<../new/sub/b2.md>) ![img](../cat/pic.png) [root](/docs/atomic/new/sub/b2.md)\r\n\
         `docs/atomic/new/sub/b2.md#setup` and `./docs/atomic/new/sub/b2.md`\r\n\
         [ref] [again][ref] [esc](../new/sub/b2.md) [dir](./) [self](#a)\r\n\r\n\
         [ref]: ../new/sub/b2.md  'defined'\r\n"
    );
    assert_eq!(
        after["docs/atomic/new/sub/b2.md"],
        "# B\n\n## Setup\n\n[a](../../cat/a.md) [up](../../other/c.md#c) [pic](../../cat/pic.png) \
         `docs/atomic/other/c.md` [root](/docs/atomic/cat/a.md) [self](#setup) \
         [gone](../../cat/missing.md) [web](https://example.com/b.md)\n"
    );
    assert_eq!(
        after["docs/atomic/other/c.md"],
        "# C\n\n[b](../new/sub/b2.md) [enc](../new/sub/b2.md#Setup)\n"
    );
    assert_eq!(
        after["README.md"],
        "# Repo\n\nSee [b](docs/atomic/new/sub/b2.md).\n"
    );
    // The reference definition is one edit however many links use it.
    assert_eq!(plan.links(), 16);
    assert_eq!(
        plan.moves,
        [Move {
            from: "docs/atomic/cat/b.md".into(),
            to: "docs/atomic/new/sub/b2.md".into(),
            folder: false
        }]
    );
    // Every link still reaches what it reached (mapped through the move), broken ones included.
    let map = |p: &str| plan.moved(p);
    let mut expected: Vec<_> = resolution(&files)
        .into_iter()
        .map(|(f, t, s)| (map(&f), t.map(|t| map(&t)), s))
        .collect();
    expected.sort();
    assert_eq!(resolution(&after), expected);
    // The positions an editor needs.
    let a = &plan.edits[1];
    assert_eq!(a.path, "docs/atomic/cat/a.md");
    assert_eq!(
        (a.edits[0].start, a.edits[0].old_text.as_str()),
        (Pos { line: 3, column: 7 }, "b.md")
    );
}

#[test]
fn a_folder_move_carries_its_files_and_keeps_links_between_them() {
    let files = every_form();
    let c = corpus(&files);
    let plan = plan_move(&c, &sources(&files), "docs/atomic/cat", "docs/atomic/x/cat").unwrap();
    assert!(plan.moves[0].folder);
    let after = applied(&files, &plan);
    assert!(after.contains_key("docs/atomic/x/cat/pic.png"));
    // Relative links inside the folder do not change; rooted ones and links leaving it do.
    assert_eq!(
        after["docs/atomic/x/cat/b.md"],
        "# B\n\n## Setup\n\n[a](a.md) [up](../../other/c.md#c) [pic](pic.png) \
         `docs/atomic/other/c.md` [root](/docs/atomic/x/cat/a.md) [self](#setup) \
         [gone](missing.md) [web](https://example.com/b.md)\n"
    );
    let map = |p: &str| plan.moved(p);
    let mut expected: Vec<_> = resolution(&files)
        .into_iter()
        .map(|(f, t, s)| (map(&f), t.map(|t| map(&t)), s))
        .collect();
    expected.sort();
    assert_eq!(resolution(&after), expected);
    // And back: byte-identical.
    let back = plan_move(
        &corpus(&after),
        &sources(&after),
        "docs/atomic/x/cat",
        "docs/atomic/cat",
    )
    .unwrap();
    assert_eq!(applied(&after, &back), files);
}

#[test]
fn moves_are_refused_with_a_reason() {
    let mut files = every_form();
    files.insert("docs/atomic/TEMPLATE.md".into(), "# {Title}\n".into());
    let c = corpus(&files);
    let s = sources(&files);
    let err = |from: &str, to: &str| plan_move(&c, &s, from, to).unwrap_err().to_string();
    assert!(err("docs/atomic/TEMPLATE.md", "docs/atomic/t.md").contains("template"));
    assert!(err("docs/atomic/cat/b.md", "docs/b.md").contains("not inside the docs root"));
    assert!(err("docs/atomic", "docs/x").contains("not inside the docs root"));
    assert!(err("docs/atomic/cat/b.md", "docs/atomic/other/c.md").contains("already exists"));
    assert!(err("docs/atomic/cat", "docs/atomic/cat/deeper").contains("into itself"));
    assert!(err("docs/atomic/nope.md", "docs/atomic/n.md").contains("neither a document"));
    // A file that changed since it was parsed.
    let mut changed = s.clone();
    changed.insert(
        "docs/atomic/other/c.md".into(),
        "# C\n\n[b](../cat/X.md) [enc](../cat/b.md#Setup)\n".into(),
    );
    let e = plan_move(&c, &changed, "docs/atomic/cat/b.md", "docs/atomic/b.md").unwrap_err();
    assert!(
        matches!(
            e,
            RefactorError::Stale {
                line: 3,
                column: 1,
                ..
            }
        ),
        "{e}"
    );
}

#[test]
fn a_heading_rename_follows_every_fragment_and_renumbered_repeats() {
    let files = tree(&[
        (
            "docs/atomic/a.md",
            "# A\n\n## Setup\n\n## Setup ##\n\nSee [s](#setup) and [s1](#setup-1).\n",
        ),
        (
            "docs/atomic/b.md",
            "# B\n\n[x](a.md#Setup) [y](a.md#setup-1) `docs/atomic/a.md#setup`\n",
        ),
    ]);
    let c = corpus(&files);
    let plan =
        plan_heading_rename(&c, &sources(&files), "docs/atomic/a.md", "setup", "Install").unwrap();
    let after = applied(&files, &plan);
    assert_eq!(
        after["docs/atomic/a.md"],
        "# A\n\n## Install\n\n## Setup ##\n\nSee [s](#install) and [s1](#setup).\n"
    );
    assert_eq!(
        after["docs/atomic/b.md"],
        "# B\n\n[x](a.md#install) [y](a.md#setup) `docs/atomic/a.md#install`\n"
    );
    assert!(corpus(&after).docs.iter().all(|d| d.broken_links() == 0));
}

#[test]
fn a_link_fix_keeps_the_link_style() {
    let files = tree(&[
        ("docs/atomic/a/x.md", "# X\n\n## Deep Dive\n"),
        (
            "docs/atomic/b/y.md",
            "# Y\n\n[x](../x.md#deep) and `docs/atomic/x.md`\n",
        ),
    ]);
    let c = corpus(&files);
    let s = sources(&files);
    let y = LinkOrigin::Doc(c.doc_id("docs/atomic/b/y.md").unwrap());
    let plan = plan_link_fix(&c, &s, y, 0, Some("docs/atomic/a/x.md"), Some("deep-dive")).unwrap();
    let plan2 = plan_link_fix(&c, &s, y, 1, Some("docs/atomic/a/x.md"), None).unwrap();
    assert_eq!(
        applied(&files, &plan)["docs/atomic/b/y.md"],
        "# Y\n\n[x](../a/x.md#deep-dive) and `docs/atomic/x.md`\n"
    );
    assert_eq!(
        applied(&files, &plan2)["docs/atomic/b/y.md"],
        "# Y\n\n[x](../x.md#deep) and `docs/atomic/a/x.md`\n"
    );
}

/// A generated tree: documents in a few folders, each linking to others in every style.
fn generated(names: &[(u8, u8)], links: &[(usize, usize, u8)]) -> BTreeMap<String, String> {
    let paths: Vec<String> = names
        .iter()
        .enumerate()
        .map(|(i, (dir, sub))| match sub % 3 {
            0 => format!("{ROOT}/d{dir}/f{i}.md"),
            _ => format!("{ROOT}/d{dir}/s{sub}/f {i}.md"),
        })
        .collect();
    let mut files: BTreeMap<String, String> = paths
        .iter()
        .map(|p| (p.clone(), "# T\n\n## Part One\n\n".to_string()))
        .collect();
    for &(from, to, style) in links {
        let (from, to) = (&paths[from % paths.len()], &paths[to % paths.len()]);
        let dir = from.rsplit_once('/').map_or("", |(d, _)| d);
        let rel = relative(dir, to).replace(' ', "%20");
        let line = match style % 6 {
            0 => format!("[l]({rel})\r\n"),
            1 => format!("[l](<{}>#part-one)\n", relative(dir, to)),
            2 => format!("`{to}`\n"),
            3 => format!("[l](/{})\n", to.replace(' ', "%20")),
            4 => format!("[r][{from}{to}]\n\n[{from}{to}]: {rel} \"t\"\n"),
            _ => format!("![i]({rel}?q=1)\n"),
        };
        if let Some(text) = files.get_mut(from) {
            text.push_str(&line);
        }
    }
    files
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Moving a document or a folder and moving it back gives a byte-identical tree, and the
    /// move breaks no link and loses no edge.
    #[test]
    fn a_move_and_its_reverse_give_the_same_bytes(
        names in prop::collection::vec((0u8..3, 0u8..5), 2..12),
        links in prop::collection::vec((0usize..12, 0usize..12, 0u8..6), 0..30),
        pick in 0usize..12,
        folder in any::<bool>(),
        dest in 0u8..4,
    ) {
        let files = generated(&names, &links);
        let docs: Vec<&String> = files.keys().collect();
        let doc = docs[pick % docs.len()].clone();
        let from = if folder {
            doc.rsplit_once('/').map_or(doc.clone(), |(d, _)| d.to_string())
        } else {
            doc.clone()
        };
        let name = from.rsplit('/').next().unwrap_or("x");
        let to = format!("{ROOT}/moved{dest}/{name}");
        prop_assume!(!from.ends_with(ROOT) && from != ROOT);
        let c = corpus(&files);
        let plan = match plan_move(&c, &sources(&files), &from, &to) {
            Ok(plan) => plan,
            Err(RefactorError::Exists { .. } | RefactorError::IntoItself { .. }) => return Ok(()),
            Err(e) => panic!("{e}"),
        };
        let after = applied(&files, &plan);
        let mut expected: Vec<_> = resolution(&files)
            .into_iter()
            .map(|(f, t, s)| (plan.moved(&f), t.map(|t| plan.moved(&t)), s))
            .collect();
        expected.sort();
        prop_assert_eq!(resolution(&after), expected);
        let back = plan_move(&corpus(&after), &sources(&after), &to, &from).unwrap();
        prop_assert_eq!(applied(&after, &back), files);
    }
}
