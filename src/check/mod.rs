//! Template checks: the rules of `docs/checks.md` run over a loaded tree and return
//! [`Diagnostic`]s as data. Rendering them is `render::diagnostics`' job.
//!
//! Owns: the rule registry (`rules`), required sections and the heading-matching rule
//! (`sections`), inline and configured suppression and the baseline (`suppress`), and the
//! coverage summaries built on top of the findings (`coverage`).
//! Must not: read or write files. Document sources come in as a [`Sources`] map; the baseline
//! comes in and goes out as data.

pub mod coverage;
pub mod rules;
pub mod sections;
pub mod suppress;

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};

use crate::config::{Config, LinksConfig};
use crate::corpus::{Corpus, DocId, DocKind};
use crate::graph::DocGraph;
pub use rules::{RULES, RuleInfo};
pub use sections::Requirements;
pub use suppress::Baseline;

/// Raw text of documents, by repo-relative path (BOM stripped). Used for source lines,
/// placeholder text and inline suppression comments.
pub type Sources = HashMap<String, String>;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// One finding: which rule, how severe, what and where.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// Stable rule code, `AD001` …
    pub code: &'static str,
    /// The rule's short name, `few-related-links` …
    pub rule: &'static str,
    pub severity: Severity,
    pub message: String,
    /// Repo-relative path of the document.
    pub path: String,
    /// 1-based line and character column.
    pub line: u32,
    pub column: u32,
    /// What the finding is about, independent of its line (a link target, a section name, a
    /// placeholder's text); with `code` and `path` it keys the baseline.
    pub subject: String,
    /// How to fix it, when there is more to say than the message (`null` in JSON otherwise:
    /// every key is always there).
    pub help: Option<String>,
}

impl Diagnostic {
    /// The baseline key: rule, path and content, never the line.
    pub fn key(&self) -> (String, String, String) {
        (
            self.code.to_string(),
            self.path.clone(),
            self.subject.clone(),
        )
    }
}

/// Settings for one run, validated from `[check]` and the command line.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Effective severity per rule code; a rule that is off is absent.
    pub severity: BTreeMap<&'static str, Severity>,
    pub kinds: Vec<DocKind>,
    pub ignores: suppress::PathIgnores,
    pub min_related: usize,
    pub reference_sections: Vec<String>,
    pub requirements: Requirements,
    /// The link settings the parser used (related-section names).
    pub links: LinksConfig,
}

/// A configuration mistake in `[check]`; the message names the key and what to write.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("[check] in atomdoc.toml: {0}")]
pub struct SettingsError(pub String);

impl Settings {
    /// Validates `[check]` against the rule registry. `template` is the tree's own
    /// `TEMPLATE.md` source, whose Quick Reference Card gives the required sections.
    pub fn new(full: &Config, template: Option<&str>) -> Result<Settings, SettingsError> {
        let config = &full.check;
        let known = |code: &str| -> Result<&'static str, SettingsError> {
            rules::info(code).map(|r| r.code).ok_or_else(|| {
                SettingsError(format!(
                    "unknown rule `{code}`; known rules are AD001 to AD{:03} (see `atomdoc check --explain CODE`)",
                    RULES.len()
                ))
            })
        };
        let mut severity: BTreeMap<&'static str, Severity> =
            RULES.iter().map(|r| (r.code, r.default)).collect();
        if !config.enable.is_empty() {
            let enabled = config
                .enable
                .iter()
                .map(|c| known(c))
                .collect::<Result<Vec<_>, _>>()?;
            severity.retain(|code, _| enabled.contains(code));
        }
        for code in &config.disable {
            severity.remove(known(code)?);
        }
        for (code, level) in &config.severity {
            let code = known(code)?;
            match level.to_ascii_lowercase().as_str() {
                "error" => {
                    severity.insert(code, Severity::Error);
                }
                "warning" | "warn" => {
                    severity.insert(code, Severity::Warning);
                }
                "off" => {
                    severity.remove(code);
                }
                other => {
                    return Err(SettingsError(format!(
                        "severity `{other}` for {code}: write \"error\", \"warning\" or \"off\""
                    )));
                }
            }
        }
        let kinds = config
            .kinds
            .iter()
            .map(|k| match k.as_str() {
                "topic" => Ok(DocKind::Topic),
                "index" => Ok(DocKind::Index),
                "meta" => Ok(DocKind::Meta),
                other => Err(SettingsError(format!(
                    "unknown document kind `{other}` in `kinds`; write \"topic\", \"index\" or \"meta\""
                ))),
            })
            .collect::<Result<Vec<_>, _>>()?;
        let mut ignores = Vec::new();
        for (glob, codes) in &config.ignore {
            let codes = codes
                .iter()
                .map(|c| if c == "*" { Ok("*") } else { known(c) })
                .collect::<Result<Vec<_>, _>>()?;
            ignores.push((glob.clone(), codes));
        }
        let ignores = suppress::PathIgnores::new(ignores)
            .map_err(|e| SettingsError(format!("ignore: {e}")))?;
        let requirements = Requirements::resolve(template, &config.required_sections);
        Ok(Settings {
            severity,
            kinds,
            ignores,
            min_related: config.min_related,
            reference_sections: config.reference_sections.clone(),
            requirements,
            links: full.links.clone(),
        })
    }

    /// Whether the template rules run on documents of `kind` (`[check] kinds`).
    pub fn templates(&self, kind: DocKind) -> bool {
        self.kinds.contains(&kind)
    }

    pub fn enabled(&self, code: &str) -> bool {
        self.severity.contains_key(code)
    }
}

/// The outcome of a check run, before any baseline.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// Findings, sorted by path, line, column, code.
    pub diagnostics: Vec<Diagnostic>,
    /// Findings hidden by an inline `atomdoc-disable` comment or a per-path ignore.
    pub suppressed: usize,
    /// Paths of the documents the template rules ran on (the `[check] kinds`), sorted: what
    /// coverage summarises. The broken-link rules run on every document.
    pub checked: Vec<String>,
}

/// A finished check run with the settings it used: what `check`, `coverage` and the
/// `coverage` query source summarise.
#[derive(Debug, Clone)]
pub struct Checks {
    pub settings: Settings,
    pub report: Report,
}

impl Checks {
    /// Validates `[check]` (with the card of the tree's `TEMPLATE.md`, whose text is looked up
    /// in `sources`) and runs the rules.
    pub fn run(
        corpus: &Corpus,
        graph: &DocGraph,
        config: &Config,
        sources: &Sources,
    ) -> Result<Checks, SettingsError> {
        let template = corpus
            .template
            .as_ref()
            .and_then(|t| sources.get(&t.path))
            .map(String::as_str);
        let settings = Settings::new(config, template)?;
        let report = check(corpus, graph, sources, &settings);
        Ok(Checks { settings, report })
    }
}

/// Runs every enabled rule: the broken-link rules over every document, the template rules
/// over the documents of the configured kinds.
pub fn check(corpus: &Corpus, graph: &DocGraph, sources: &Sources, settings: &Settings) -> Report {
    check_docs(
        corpus,
        graph,
        sources,
        settings,
        (0..corpus.docs.len()).collect(),
    )
}

/// Runs every enabled rule over the documents `ids` only, as [`check`] does over all of them
/// (a live workspace checks again the documents a change can affect).
pub fn check_docs(
    corpus: &Corpus,
    graph: &DocGraph,
    sources: &Sources,
    settings: &Settings,
    ids: Vec<DocId>,
) -> Report {
    // Documents are independent: run them in parallel (in batches, as the rules parse the
    // Markdown again), then merge in path order.
    let source = |id: usize| {
        sources
            .get(&corpus.docs[id].path)
            .map(String::as_str)
            .unwrap_or("")
    };
    let per_doc: Vec<(Option<String>, Vec<Diagnostic>, usize)> = crate::corpus::map_in_batches(
        ids,
        |&id| source(id).len(),
        |id| {
            let doc = &corpus.docs[id];
            let source = source(id);
            let inline = suppress::Inline::parse(source);
            let (kept, hidden): (Vec<Diagnostic>, Vec<Diagnostic>) =
                rules::run(corpus, graph, id, source, settings)
                    .into_iter()
                    .partition(|d| {
                        !(inline.hides(d.code, d.line)
                            || settings.ignores.hides(d.code, &doc.path, &doc.rel_path))
                    });
            let templated = settings.templates(doc.kind);
            (templated.then(|| doc.path.clone()), kept, hidden.len())
        },
    );
    let mut report = Report::default();
    for (path, kept, hidden) in per_doc {
        report.checked.extend(path);
        report.diagnostics.extend(kept);
        report.suppressed += hidden;
    }
    sort(&mut report.diagnostics);
    report
}

/// Whether `wanted`, a path a user gave (repo-relative or under the docs root `root`, of a
/// document or a folder), names the document at `path`: `check PATH…` and the MCP `check`.
pub fn names_path(root: &str, path: &str, wanted: &str) -> bool {
    let wanted = wanted.trim_start_matches("./").trim_end_matches('/');
    let rel = crate::corpus::strip_root(root, path);
    [path, rel]
        .iter()
        .any(|x| *x == wanted || x.strip_prefix(wanted).is_some_and(|r| r.starts_with('/')))
}

/// Sorts findings by path, line, column and code: the order every renderer prints.
pub fn sort(diagnostics: &mut [Diagnostic]) {
    diagnostics.sort_by(|a, b| {
        (&a.path, a.line, a.column, a.code, &a.subject)
            .cmp(&(&b.path, b.line, b.column, b.code, &b.subject))
    });
}

/// Counts of findings by severity.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Totals {
    pub errors: usize,
    pub warnings: usize,
}

impl Totals {
    pub fn of(diagnostics: &[Diagnostic]) -> Totals {
        let errors = diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count();
        Totals {
            errors,
            warnings: diagnostics.len() - errors,
        }
    }
}
