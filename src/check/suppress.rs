//! Ways to silence findings: inline `<!-- atomdoc-disable … -->` comments, per-path ignores
//! from `[check.ignore]`, and the baseline (today's findings, recorded to adopt the checks on
//! an old tree). Pure: the baseline is parsed from and rendered to text by the caller.

use std::collections::{BTreeMap, HashMap};

use globset::{GlobBuilder, GlobSet, GlobSetBuilder};
use serde::{Deserialize, Serialize};

use super::Diagnostic;

/// Inline suppressions of one document.
///
/// * `<!-- atomdoc-disable AD005 AD006 -->` anywhere in the file: those codes, whole file.
/// * `<!-- atomdoc-disable -->`: every code, whole file.
/// * `<!-- atomdoc-disable-next-line AD006 -->`: those codes (or all) on the next line.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Inline {
    file: Vec<String>,
    file_all: bool,
    lines: HashMap<u32, Vec<String>>,
}

impl Inline {
    pub fn parse(source: &str) -> Inline {
        let mut inline = Inline::default();
        for (i, line) in source.lines().enumerate() {
            let mut rest = line;
            while let Some(start) = rest.find("<!--") {
                let after = &rest[start + 4..];
                let Some(end) = after.find("-->") else { break };
                let body = after[..end].trim();
                rest = &after[end + 3..];
                let (next_line, codes) =
                    if let Some(c) = body.strip_prefix("atomdoc-disable-next-line") {
                        (true, c)
                    } else if let Some(c) = body.strip_prefix("atomdoc-disable") {
                        (false, c)
                    } else {
                        continue;
                    };
                if !codes.is_empty() && !codes.starts_with(char::is_whitespace) {
                    continue;
                }
                let codes: Vec<String> = codes
                    .split(|c: char| c.is_whitespace() || c == ',')
                    .filter(|c| !c.is_empty())
                    .map(str::to_ascii_uppercase)
                    .collect();
                if next_line {
                    let entry = inline.lines.entry(i as u32 + 2).or_default();
                    if codes.is_empty() {
                        entry.push("*".into());
                    } else {
                        entry.extend(codes);
                    }
                } else if codes.is_empty() {
                    inline.file_all = true;
                } else {
                    inline.file.extend(codes);
                }
            }
        }
        inline
    }

    /// Whether a finding of `code` on `line` is silenced.
    pub fn hides(&self, code: &str, line: u32) -> bool {
        self.file_all
            || self.file.iter().any(|c| c == code)
            || self
                .lines
                .get(&line)
                .is_some_and(|cs| cs.iter().any(|c| c == "*" || c == code))
    }
}

/// `[check.ignore]`: globs → codes.
#[derive(Debug, Clone, Default)]
pub struct PathIgnores {
    set: Option<GlobSet>,
    codes: Vec<Vec<&'static str>>,
}

impl PathIgnores {
    pub fn new(entries: Vec<(String, Vec<&'static str>)>) -> Result<PathIgnores, String> {
        if entries.is_empty() {
            return Ok(PathIgnores::default());
        }
        let mut builder = GlobSetBuilder::new();
        let mut codes = Vec::new();
        for (glob, cs) in entries {
            let g = GlobBuilder::new(&glob)
                .literal_separator(true)
                .build()
                .map_err(|e| format!("bad glob `{glob}`: {e}"))?;
            builder.add(g);
            codes.push(cs);
        }
        let set = builder.build().map_err(|e| e.to_string())?;
        Ok(PathIgnores {
            set: Some(set),
            codes,
        })
    }

    /// Whether `code` is ignored for a document (matched by repo-relative path or by path
    /// relative to the docs root).
    pub fn hides(&self, code: &str, path: &str, rel_path: &str) -> bool {
        let Some(set) = &self.set else { return false };
        set.matches(path)
            .into_iter()
            .chain(set.matches(rel_path))
            .any(|i| self.codes[i].iter().any(|c| *c == "*" || *c == code))
    }
}

/// A recorded set of findings. Keys are rule, path and content (the finding's subject), never
/// the line, so edits elsewhere in a file do not make old findings new; each key carries a
/// count so that two identical findings need two baseline entries.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Baseline {
    pub version: u32,
    pub findings: Vec<BaselineEntry>,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BaselineEntry {
    pub rule: String,
    pub path: String,
    pub content: String,
    #[serde(default = "one", skip_serializing_if = "is_one")]
    pub count: usize,
}

fn one() -> usize {
    1
}

fn is_one(n: &usize) -> bool {
    *n == 1
}

impl Baseline {
    pub const VERSION: u32 = 1;

    pub fn record(diagnostics: &[Diagnostic]) -> Baseline {
        let mut counts: BTreeMap<(String, String, String), usize> = BTreeMap::new();
        for d in diagnostics {
            *counts.entry(d.key()).or_insert(0) += 1;
        }
        Baseline {
            version: Baseline::VERSION,
            findings: counts
                .into_iter()
                .map(|((rule, path, content), count)| BaselineEntry {
                    rule,
                    path,
                    content,
                    count,
                })
                .collect(),
        }
    }

    pub fn parse(text: &str) -> Result<Baseline, String> {
        let b: Baseline = serde_json::from_str(text).map_err(|e| e.to_string())?;
        if b.version != Baseline::VERSION {
            return Err(format!(
                "baseline version {} is not supported (expected {}); write it again with --write-baseline",
                b.version,
                Baseline::VERSION
            ));
        }
        Ok(b)
    }

    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).expect("baseline serialises");
        s.push('\n');
        s
    }

    /// Splits findings into new ones (returned) and the number the baseline absorbs.
    pub fn filter(&self, diagnostics: Vec<Diagnostic>) -> (Vec<Diagnostic>, usize) {
        let mut budget: HashMap<(String, String, String), usize> = HashMap::new();
        for e in &self.findings {
            *budget
                .entry((e.rule.clone(), e.path.clone(), e.content.clone()))
                .or_insert(0) += e.count;
        }
        let mut hidden = 0;
        let fresh = diagnostics
            .into_iter()
            .filter(|d| match budget.get_mut(&d.key()) {
                Some(n) if *n > 0 => {
                    *n -= 1;
                    hidden += 1;
                    false
                }
                _ => true,
            })
            .collect();
        (fresh, hidden)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_comments() {
        let i = Inline::parse(
            "# T\n<!-- atomdoc-disable AD005, ad006 -->\ntext\n<!-- atomdoc-disable-next-line AD010 -->\n[x](y.md)\n<!-- atomdoc-disabled AD001 -->\n",
        );
        assert!(i.hides("AD005", 1));
        assert!(i.hides("AD006", 9));
        assert!(i.hides("AD010", 5));
        assert!(!i.hides("AD010", 6));
        assert!(!i.hides("AD001", 1));
        assert!(Inline::parse("<!-- atomdoc-disable -->").hides("AD014", 3));
        assert!(Inline::parse("<!-- atomdoc-disable-next-line -->\nx").hides("AD014", 2));
    }

    #[test]
    fn path_ignores_match_either_path() {
        let p = PathIgnores::new(vec![
            ("drafts/**".into(), vec!["*"]),
            ("docs/atomic/x/*.md".into(), vec!["AD005"]),
        ])
        .unwrap();
        assert!(p.hides("AD001", "docs/atomic/drafts/a/b.md", "drafts/a/b.md"));
        assert!(p.hides("AD005", "docs/atomic/x/a.md", "x/a.md"));
        assert!(!p.hides("AD006", "docs/atomic/x/a.md", "x/a.md"));
        assert!(!p.hides("AD005", "docs/atomic/x/y/a.md", "x/y/a.md"));
        assert!(PathIgnores::new(vec![("a[".into(), vec!["*"])]).is_err());
    }
}
