//! `atomdoc mv` / `fix` output: a plan as a unified diff (git's rename lines for the moves),
//! and the summary lines. Formatting only.

use std::io::{self, Write};

use crate::refactor::Plan;

/// Lines of context around each change.
const CONTEXT: usize = 3;

/// Writes `plan` as a unified diff: the moves (`rename from`/`rename to`), then every edited
/// file, from its text before (`old`, by path) to after. Paths are repo-relative.
pub fn diff(
    out: &mut impl Write,
    plan: &Plan,
    old: &dyn Fn(&str) -> Option<String>,
) -> io::Result<()> {
    for m in &plan.moves {
        let what = if m.folder { "folder" } else { "file" };
        writeln!(out, "diff --git a/{} b/{}", m.from, m.to)?;
        writeln!(out, "similarity index 100% ({what})")?;
        writeln!(out, "rename from {}", m.from)?;
        writeln!(out, "rename to {}", m.to)?;
    }
    for edit in &plan.edits {
        let Some(before) = old(&edit.path) else {
            continue;
        };
        let after = edit.apply(&before);
        let to = plan.moved(&edit.path);
        writeln!(out, "--- a/{}", edit.path)?;
        writeln!(out, "+++ b/{to}")?;
        hunks(out, &before, &after)?;
    }
    Ok(())
}

/// The hunks between two texts with the same number of lines (link rewrites never add or
/// remove a line).
fn hunks(out: &mut impl Write, before: &str, after: &str) -> io::Result<()> {
    let a: Vec<&str> = before.split_inclusive('\n').collect();
    let b: Vec<&str> = after.split_inclusive('\n').collect();
    if a.len() != b.len() {
        // Not expected; show the whole file rather than a wrong hunk.
        writeln!(out, "@@ -1,{} +1,{} @@", a.len(), b.len())?;
        for l in &a {
            line(out, '-', l)?;
        }
        for l in &b {
            line(out, '+', l)?;
        }
        return Ok(());
    }
    let changed: Vec<usize> = (0..a.len()).filter(|&i| a[i] != b[i]).collect();
    let mut i = 0;
    while i < changed.len() {
        // A hunk: changes closer than twice the context join.
        let mut j = i;
        while j + 1 < changed.len() && changed[j + 1] - changed[j] <= 2 * CONTEXT {
            j += 1;
        }
        let start = changed[i].saturating_sub(CONTEXT);
        let end = (changed[j] + CONTEXT + 1).min(a.len());
        writeln!(
            out,
            "@@ -{},{} +{},{} @@",
            start + 1,
            end - start,
            start + 1,
            end - start
        )?;
        let mut k = start;
        while k < end {
            if a[k] == b[k] {
                line(out, ' ', a[k])?;
                k += 1;
                continue;
            }
            // A run of changed lines: the old ones, then the new ones.
            let run_end = (k..end).find(|&r| a[r] == b[r]).unwrap_or(end);
            for l in &a[k..run_end] {
                line(out, '-', l)?;
            }
            for l in &b[k..run_end] {
                line(out, '+', l)?;
            }
            k = run_end;
        }
        i = j + 1;
    }
    Ok(())
}

fn line(out: &mut impl Write, mark: char, text: &str) -> io::Result<()> {
    let body = text.strip_suffix('\n').unwrap_or(text);
    let body = body.strip_suffix('\r').unwrap_or(body);
    writeln!(out, "{mark}{}", super::sanitize(body))?;
    if !text.ends_with('\n') {
        writeln!(out, "\\ No newline at end of file")?;
    }
    Ok(())
}

/// "N thing" or "N things".
pub fn count(n: usize, one: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {one}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hunks_show_changed_lines_with_context() {
        let before = "1\n2\n3\n4\n5\n[a](x.md)\n7\n8\n9\n10\n11\n12\n13\n14\n[b](x.md)";
        let after = before.replace("x.md", "y/x.md");
        let mut out = Vec::new();
        hunks(&mut out, before, &after).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "@@ -3,7 +3,7 @@\n 3\n 4\n 5\n-[a](x.md)\n+[a](y/x.md)\n 7\n 8\n 9\n\
             @@ -12,4 +12,4 @@\n 12\n 13\n 14\n-[b](x.md)\n\\ No newline at end of file\n\
             +[b](y/x.md)\n\\ No newline at end of file\n"
        );
    }
}
