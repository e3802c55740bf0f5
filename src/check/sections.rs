//! Required sections per category and the lenient rule that matches them to headings.
//!
//! The requirements come from the tree's own `TEMPLATE.md` Quick Reference Card (column
//! "Your Category" → "Required Sections") when it has one, else from [`BUILTIN_CARD`], the card
//! of the universal atomic-documentation template; `[check.required_sections]` overrides
//! single keys. The matching rule is written down in `docs/checks.md`:
//!
//! * a requirement is one comma-separated entry of the card; `/` or ` or ` separates
//!   alternatives that count as one requirement (`Upload/Download`, `Setup or Configuration`);
//! * a tree's card also takes the alternatives its template's Quick Section Selector spells
//!   out: under "**For Integration documents** (integrations/redis, …), use:", the item
//!   `- Client Construction / Configuration` makes `Client Construction` an alternative of the
//!   card's `Configuration` entry for `integrations`;
//! * an H2 or H3 heading meets an alternative when the alternative's words appear in the
//!   heading's words, in order and next to each other, case-insensitively, each requirement
//!   word being the start of the heading word after both are made singular (so `Config
//!   Examples` is met by "Configuration Examples", `Rules` by "Guiding Rules").
//!
//! Pure: works on text handed in.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::corpus::heading::{self, words};
use crate::corpus::{Document, Heading};

/// The universal template's Quick Reference Card: category key → required sections.
/// Written here as data; `docs/checks.md` lists it.
pub const BUILTIN_CARD: &[(&str, &[&str])] = &[
    (
        "architecture",
        &["Rules", "Matrix", "When to Use", "Anti-Patterns"],
    ),
    (
        "services",
        &[
            "Prerequisites",
            "Structure",
            "Dependencies",
            "Entry Point",
            "Checklist",
        ],
    ),
    (
        "integrations",
        &[
            "Configuration",
            "Best Practices",
            "Observability",
            "Testing",
        ],
    ),
    (
        "infrastructure",
        &["Structure", "Best Practices", "Config Examples"],
    ),
    ("testing", &["Setup", "Patterns", "Code Examples"]),
    (
        "observability",
        &["Configuration", "Examples", "Best Practices"],
    ),
    (
        "databases",
        &["Setup", "Connection Management", "Best Practices"],
    ),
    (
        "security",
        &["Configuration", "Examples", "Threat Mitigation"],
    ),
    ("real-time", &["Setup", "Examples", "Connection Management"]),
    (
        "file-storage",
        &["Configuration", "Upload/Download", "Best Practices"],
    ),
    (
        "external-integrations",
        &["Auth", "Client Setup", "Error Handling"],
    ),
];

/// Alternatives the universal template's Quick Section Selector spells out for card entries
/// (the card abbreviates "Client Construction / Configuration" to "Configuration"): category,
/// card entry, further alternatives. Only the built-in card uses them.
pub const BUILTIN_ALTERNATIVES: &[(&str, &str, &[&str])] = &[
    ("architecture", "Rules", &["Principles"]),
    ("services", "Structure", &["Project Skeleton"]),
    ("integrations", "Configuration", &["Client Construction"]),
    ("integrations", "Best Practices", &["Guidelines"]),
    (
        "infrastructure",
        "Config Examples",
        &["Configuration Examples"],
    ),
    ("testing", "Setup", &["Configuration"]),
    ("testing", "Patterns", &["Examples"]),
    ("databases", "Setup", &["Configuration"]),
    ("real-time", "Setup", &["Configuration"]),
    ("external-integrations", "Auth", &["Configuration"]),
];

/// The subcategories the universal template names (its section selector and example files).
pub const BUILTIN_TAXONOMY: &[(&str, &[&str])] = &[
    (
        "services",
        &["fastapi", "aiogram", "asyncio-workers", "data-services"],
    ),
    (
        "integrations",
        &["redis", "rabbitmq", "http-communication", "cross-service"],
    ),
    (
        "infrastructure",
        &[
            "containerization",
            "deployment",
            "api-gateway",
            "databases",
            "configuration",
        ],
    ),
    (
        "testing",
        &[
            "unit-testing",
            "integration-testing",
            "service-testing",
            "end-to-end-testing",
            "quality-assurance",
        ],
    ),
    (
        "observability",
        &[
            "logging",
            "metrics",
            "tracing",
            "error-tracking",
            "elk-stack",
        ],
    ),
    ("databases", &["postgresql", "postgresql-advanced"]),
];

/// One required section: its name as the card writes it, and its alternatives.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Requirement {
    pub name: String,
    pub alternatives: Vec<String>,
}

impl Requirement {
    pub fn parse(entry: &str) -> Option<Requirement> {
        let name = entry.trim().trim_matches('*').trim();
        if name.is_empty() {
            return None;
        }
        let alternatives: Vec<String> = split_alternatives(name)
            .into_iter()
            .map(|a| a.trim().to_string())
            .filter(|a| !words(a).is_empty())
            .collect();
        if alternatives.is_empty() {
            return None;
        }
        Some(Requirement {
            name: name.to_string(),
            alternatives,
        })
    }

    /// The first H2/H3 heading of `doc` that meets this requirement.
    pub fn met_by<'a>(&self, headings: &'a [Heading]) -> Option<&'a Heading> {
        headings
            .iter()
            .filter(|h| h.level == 2 || h.level == 3)
            .find(|h| self.alternatives.iter().any(|a| heading::meets(&h.text, a)))
    }
}

/// The alternatives of a card entry or selector item: split at `/` and at the word `or`
/// (any case, between spaces).
fn split_alternatives(entry: &str) -> Vec<&str> {
    let mut out = Vec::new();
    for part in entry.split('/') {
        let mut rest = part;
        while let Some(at) = rest.to_ascii_lowercase().find(" or ") {
            out.push(&rest[..at]);
            rest = &rest[at + 4..];
        }
        out.push(rest);
    }
    out
}

/// Where the requirements came from, for `--explain` and coverage output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Source {
    /// The tree's own `TEMPLATE.md` card.
    TreeTemplate,
    /// The built-in copy of the universal template's card.
    Builtin,
}

/// Required sections per category or `category/subcategory` key, and the taxonomy of
/// subcategories the template names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Requirements {
    pub source: Source,
    pub by_key: BTreeMap<String, Vec<Requirement>>,
    /// `(category, subcategory)` pairs the template names, sorted.
    pub taxonomy: Vec<(String, String)>,
}

impl Requirements {
    /// The tree's card when `template` has one, else the built-in card; then per-key overrides.
    pub fn resolve(template: Option<&str>, overrides: &BTreeMap<String, Vec<String>>) -> Self {
        let card = template.and_then(parse_card);
        let mut req = match card {
            Some((mut by_key, taxonomy)) => {
                let template = template.unwrap_or_default();
                add_selector_alternatives(&mut by_key, template);
                Requirements {
                    source: Source::TreeTemplate,
                    taxonomy: merge_taxonomy(taxonomy, Some(selector_taxonomy(template))),
                    by_key,
                }
            }
            None => Requirements::builtin(),
        };
        for (key, names) in overrides {
            let key = normalize_key(key);
            req.by_key.insert(
                key,
                names.iter().filter_map(|n| Requirement::parse(n)).collect(),
            );
        }
        req
    }

    pub fn builtin() -> Requirements {
        let mut by_key: BTreeMap<String, Vec<Requirement>> = BUILTIN_CARD
            .iter()
            .map(|(k, names)| {
                (
                    k.to_string(),
                    names.iter().filter_map(|n| Requirement::parse(n)).collect(),
                )
            })
            .collect();
        for (cat, name, alts) in BUILTIN_ALTERNATIVES {
            if let Some(r) = by_key
                .get_mut(*cat)
                .and_then(|rs| rs.iter_mut().find(|r| r.name == *name))
            {
                r.alternatives.extend(alts.iter().map(|a| a.to_string()));
            }
        }
        let mut taxonomy: Vec<(String, String)> = BUILTIN_TAXONOMY
            .iter()
            .flat_map(|(c, subs)| subs.iter().map(|s| (c.to_string(), s.to_string())))
            .collect();
        taxonomy.sort();
        Requirements {
            source: Source::Builtin,
            by_key,
            taxonomy,
        }
    }

    /// The requirements for a document: its `category/subcategory` key if the card has one,
    /// else its category's; empty when neither is listed.
    pub fn for_doc(&self, doc: &Document) -> &[Requirement] {
        let Some(cat) = doc.category.as_deref() else {
            return &[];
        };
        if let Some(sub) = doc.subcategory.as_deref()
            && let Some(r) = self.by_key.get(&format!("{cat}/{sub}"))
        {
            return r;
        }
        self.by_key.get(cat).map(Vec::as_slice).unwrap_or(&[])
    }

    /// The card key that applies to a document, for messages.
    pub fn key_for(&self, doc: &Document) -> Option<String> {
        let cat = doc.category.as_deref()?;
        if let Some(sub) = doc.subcategory.as_deref() {
            let key = format!("{cat}/{sub}");
            if self.by_key.contains_key(&key) {
                return Some(key);
            }
        }
        self.by_key.contains_key(cat).then(|| cat.to_string())
    }
}

/// How one requirement fared in one document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Match {
    pub requirement: String,
    /// The heading that met it, with its line.
    pub heading: Option<String>,
    pub line: Option<u32>,
}

/// Every requirement of `doc` and the heading that met it, in card order.
pub fn explain(requirements: &Requirements, doc: &Document) -> Vec<Match> {
    requirements
        .for_doc(doc)
        .iter()
        .map(|r| {
            let h = r.met_by(&doc.headings);
            Match {
                requirement: r.name.clone(),
                heading: h.map(|h| h.text.clone()),
                line: h.map(|h| h.line),
            }
        })
        .collect()
}

fn normalize_key(raw: &str) -> String {
    let k = raw.trim().trim_matches('*').trim_matches('`').trim();
    let k = k.strip_suffix("/*").unwrap_or(k);
    k.trim_end_matches('/').to_lowercase()
}

type Card = (BTreeMap<String, Vec<Requirement>>, Vec<(String, String)>);

/// Reads the Quick Reference Card table of a template: the first table whose header has a
/// "Your Category" and a "Required Sections" column. Also takes subcategories from its
/// "Example File" column (`fastapi/basic-setup.md` under `services/*`).
pub fn parse_card(template: &str) -> Option<Card> {
    let lines: Vec<&str> = template.lines().collect();
    let mut i = 0;
    while i < lines.len() {
        let cells = table_cells(lines[i]);
        let cat_col = cells
            .iter()
            .position(|c| c.eq_ignore_ascii_case("Your Category"));
        let req_col = cells
            .iter()
            .position(|c| c.eq_ignore_ascii_case("Required Sections"));
        let (Some(cat_col), Some(req_col)) = (cat_col, req_col) else {
            i += 1;
            continue;
        };
        let example_col = cells
            .iter()
            .position(|c| c.eq_ignore_ascii_case("Example File"));
        let mut by_key = BTreeMap::new();
        let mut taxonomy = Vec::new();
        for row in lines.iter().skip(i + 2) {
            if !row.trim_start().starts_with('|') {
                break;
            }
            let cells = table_cells(row);
            let (Some(cat), Some(req)) = (cells.get(cat_col), cells.get(req_col)) else {
                continue;
            };
            let key = normalize_key(cat);
            if key.is_empty() {
                continue;
            }
            let reqs: Vec<Requirement> = req.split(',').filter_map(Requirement::parse).collect();
            if let Some(example) = example_col.and_then(|c| cells.get(c)) {
                let example = example.trim_matches('`');
                if let Some((sub, _)) = example.split_once('/')
                    && !key.contains('/')
                    && !sub.is_empty()
                {
                    taxonomy.push((key.clone(), sub.to_string()));
                }
            }
            by_key.insert(key, reqs);
        }
        return Some((by_key, taxonomy));
    }
    None
}

/// Subcategories named in running text as `category/subcategory` (the universal template's
/// "**For Service Setup documents** (services/fastapi, services/aiogram, …)" lines).
fn selector_taxonomy(template: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut fence: Option<String> = None;
    for line in template.lines() {
        let t = line.trim_start();
        if let Some(f) = &fence {
            if t.starts_with(f.as_str()) {
                fence = None;
            }
            continue;
        }
        if t.starts_with("```") || t.starts_with("~~~") {
            fence = Some(t[..3].to_string());
            continue;
        }
        if !(t.starts_with("**For ") || t.starts_with("For ")) {
            continue;
        }
        let Some(open) = t.find('(') else { continue };
        let Some(close) = t[open..].find(')') else {
            continue;
        };
        for item in t[open + 1..open + close].split(',') {
            if let Some((c, s)) = item.trim().split_once('/') {
                let ok = |x: &str| {
                    !x.is_empty()
                        && x.chars()
                            .all(|ch| ch.is_ascii_lowercase() || ch.is_ascii_digit() || ch == '-')
                };
                if ok(c) && ok(s) {
                    out.push((c.to_string(), s.to_string()));
                }
            }
        }
    }
    out
}

/// Widens the card's entries with the alternatives of the template's Quick Section Selector
/// (see the module docs). A selector block names its category by the `category/sub` paths in
/// its parentheses, else by its title ("**For File Storage documents**" → `file-storage`);
/// an item widens the card entry that one of its alternatives meets (by the heading rule).
fn add_selector_alternatives(by_key: &mut BTreeMap<String, Vec<Requirement>>, template: &str) {
    let mut key: Option<String> = None;
    for line in template.lines() {
        let t = line.trim();
        if t.starts_with('#') {
            key = None;
        } else if let Some(title) = t.strip_prefix("**For ") {
            key = selector_key(title, by_key);
        } else if let (Some(k), Some(item)) = (&key, t.strip_prefix("- ")) {
            // "(with code example)", "(if applicable)" are remarks, not names.
            let item = item.split('(').next().unwrap_or(item);
            let Some(alts) = Requirement::parse(item).map(|r| r.alternatives) else {
                continue;
            };
            for req in by_key.get_mut(k).into_iter().flatten() {
                // One way only: "Code Examples" must not take "Test Patterns / Examples".
                let same = req
                    .alternatives
                    .iter()
                    .any(|own| alts.iter().any(|a| heading::meets(a, own)));
                if same {
                    // "Guiding Rules" adds nothing to "Rules": whatever meets it meets "Rules".
                    for a in &alts {
                        if !req.alternatives.iter().any(|own| heading::meets(a, own)) {
                            req.alternatives.push(a.clone());
                        }
                    }
                }
            }
        } else if !t.is_empty() {
            key = key.filter(|_| t.starts_with('-'));
        }
    }
}

/// The card key a selector block's title line (after `**For `) is about.
fn selector_key(title: &str, by_key: &BTreeMap<String, Vec<Requirement>>) -> Option<String> {
    let (name, rest) = title.split_once("**")?;
    if let Some(open) = rest.find('(') {
        let listed = rest[open + 1..].split([',', ')']).next().unwrap_or("");
        if let Some((cat, _)) = listed.trim().split_once('/')
            && by_key.contains_key(cat)
        {
            return Some(cat.to_string());
        }
    }
    let name = name
        .trim()
        .trim_end_matches("documents")
        .trim_end_matches("Documents");
    let slug = words(name).join("-");
    let plural = format!("{slug}s");
    [slug, plural].into_iter().find(|k| by_key.contains_key(k))
}

fn merge_taxonomy(
    mut a: Vec<(String, String)>,
    b: Option<Vec<(String, String)>>,
) -> Vec<(String, String)> {
    a.extend(b.unwrap_or_default());
    a.sort();
    a.dedup();
    a
}

fn table_cells(line: &str) -> Vec<String> {
    let t = line.trim();
    if !t.starts_with('|') {
        return Vec::new();
    }
    t.trim_matches('|')
        .split('|')
        .map(|c| c.trim().trim_matches('*').trim().to_string())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matching_rule_examples() {
        let cases = [
            ("Guiding Rules", "Rules", true),
            ("Responsibility Matrix", "Matrix", true),
            ("Anti-Patterns to Avoid", "Anti-Patterns", true),
            ("Configuration Examples", "Config Examples", true),
            ("Client Configuration", "Configuration", true),
            ("Authentication Flow", "Auth", true),
            ("Best Practice", "Best Practices", true),
            ("Dependencies", "Dependencies", true),
            ("Dependency Pinning", "Dependencies", true),
            ("Test Patterns", "Patterns", true),
            ("API Client Setup", "Client Setup", true),
            ("Setup", "Connection Management", false),
            ("Managing Connections", "Connection Management", false),
            ("Practices That Are Best", "Best Practices", false),
            ("Preconfiguration", "Configuration", false),
            ("Unit Tests", "Testing", false),
            ("", "Setup", false),
        ];
        for (heading, req, expected) in cases {
            assert_eq!(
                heading::meets(heading, req),
                expected,
                "{heading:?} meets {req:?}"
            );
        }
    }

    #[test]
    fn alternatives_are_one_requirement() {
        let r = Requirement::parse("Client Construction / Configuration").unwrap();
        assert_eq!(r.alternatives, ["Client Construction", "Configuration"]);
        let r = Requirement::parse("Upload/Download").unwrap();
        assert_eq!(r.alternatives, ["Upload", "Download"]);
        assert!(Requirement::parse("  ").is_none());
    }

    /// A tree's card written like the universal template's: short names in the card, the
    /// alternatives in the Quick Section Selector above it, and "or" in a card cell.
    const CARD_WITH_SELECTOR: &str = "# T\n\n### Quick Section Selector\n\n\
        **For Integration documents** (integrations/redis, integrations/http), use:\n\
        - Client Construction / Configuration (with code example)\n\
        - Best Practices / Guidelines\n\
        - Failure Scenarios (if applicable)\n\n\
        **For File Storage documents**, use:\n\
        - Upload/Download Patterns\n\n\
        > a note that ends the list\n\
        - Configuration / Ignored Because Not In A Selector List\n\n\
        ## Quick Reference Card\n\n\
        | Your Category | Required Sections | Example File |\n|---|---|---|\n\
        | **integrations/*** | Configuration, Best Practices, Testing | `redis/pool.md` |\n\
        | **file-storage/** | Configuration, Upload/Download, Setup or Installation | — |\n";

    #[test]
    fn a_trees_card_takes_the_selectors_alternatives() {
        let r = Requirements::resolve(Some(CARD_WITH_SELECTOR), &BTreeMap::new());
        assert_eq!(r.source, Source::TreeTemplate);
        let alts = |key: &str| -> Vec<Vec<String>> {
            r.by_key[key]
                .iter()
                .map(|q| q.alternatives.clone())
                .collect()
        };
        assert_eq!(
            alts("integrations"),
            [
                vec!["Configuration", "Client Construction"],
                vec!["Best Practices", "Guidelines"],
                vec!["Testing"],
            ]
        );
        // "Download Patterns" adds nothing: whatever meets it meets "Download".
        assert_eq!(
            alts("file-storage"),
            [
                vec!["Configuration"],
                vec!["Upload", "Download"],
                vec!["Setup", "Installation"],
            ]
        );
        let heading = |text: &str| Heading {
            level: 2,
            text: text.into(),
            slug: String::new(),
            line: 5,
        };
        let doc_headings = [heading("Client Construction"), heading("Installation")];
        assert!(r.by_key["integrations"][0].met_by(&doc_headings).is_some());
        assert!(r.by_key["file-storage"][2].met_by(&doc_headings).is_some());
        assert!(r.by_key["integrations"][1].met_by(&doc_headings).is_none());
    }

    #[test]
    fn card_is_read_from_a_template() {
        let t = "# T\n\n## Quick Reference Card\n\n| Your Category | Required Sections | Example File |\n|---|---|---|\n| **services/*** | Prerequisites, Entry Point | `fastapi/basic-setup.md` |\n| **security/** | Configuration, Upload/Download | — |\n";
        let (card, tax) = parse_card(t).unwrap();
        assert_eq!(card.keys().collect::<Vec<_>>(), ["security", "services"]);
        assert_eq!(card["services"][1].name, "Entry Point");
        assert_eq!(card["security"][1].alternatives, ["Upload", "Download"]);
        assert_eq!(tax, [("services".to_string(), "fastapi".to_string())]);
        assert!(parse_card("# no card\n").is_none());
    }

    #[test]
    fn builtin_card_covers_every_template_category() {
        let r = Requirements::builtin();
        assert_eq!(r.by_key.len(), 11);
        assert_eq!(
            r.by_key["file-storage"][1].alternatives,
            ["Upload", "Download"]
        );
        assert!(
            r.taxonomy
                .contains(&("databases".into(), "postgresql".into()))
        );
        assert_eq!(r.taxonomy.len(), 25);
    }

    #[test]
    fn selector_lines_name_subcategories() {
        let t = "**For Integration documents** (integrations/redis, integrations/rabbitmq), use:\n```\n**For X** (a/b)\n```\n";
        assert_eq!(
            selector_taxonomy(t),
            [
                ("integrations".to_string(), "redis".to_string()),
                ("integrations".to_string(), "rabbitmq".to_string())
            ]
        );
    }
}
