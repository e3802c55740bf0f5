//! The generator behind `gen_corpus`: a deterministic, template-shaped docs tree, produced
//! file by file. Shared with `benches/pipeline.rs` and the equivalence tests, which generate
//! trees in memory.
//!
//! The tree is a repository: `docs/atomic/<category>/<subcategory>/<topic>.md` plus a
//! `README.md` per folder, `TEMPLATE.md` and `CHANGELOG.md` at the root, and a few files outside
//! the docs root (`docs/guides/handbook.md`, `docs/legacy/rules.mdc`, `docs/assets/diagram.png`)
//! that documents link to. `Spec::docs` is the total number of Markdown files under the docs
//! root.
//!
//! Documents look like real ones: optional front matter, an H1, an introduction, H2/H3 sections
//! named after the category's required sections, fenced code with `# CORRECT:` /
//! `# INCORRECT:` comments, inline links with heading anchors, and a Related Documents list
//! mixing backticked `docs/atomic/…` paths and Markdown links. About 2% of topics are orphans
//! (nothing links to them) and about 2% of links are broken, covering every reason: `missing`,
//! `anchor`, `outside` and `placeholder`.
//!
//! Same spec → byte-identical tree: each document draws from its own generator seeded from
//! (seed, index), so files can be produced in parallel.

#![allow(dead_code)]

use std::fmt::Write as _;

use rayon::prelude::*;

/// What to generate.
#[derive(Debug, Clone, Copy)]
pub struct Spec {
    /// Total number of Markdown files under the docs root.
    pub docs: usize,
    pub seed: u64,
    /// Mean size of a topic document in bytes.
    pub mean_bytes: usize,
    pub shape: Shape,
}

/// The tree's shape: the template-shaped topics every benchmark uses, or one stressing
/// another dimension (for `bench/compare.sh`'s second tree).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Shape {
    /// About 60 topics per folder, two or three levels deep, a few links per section.
    #[default]
    Topics,
    /// Short files: one or two sections of a few sentences, no code (`--mean-bytes` still
    /// sets their spread).
    Short,
    /// Deep folders: 12 topics per folder, five more levels under each subcategory.
    Deep,
    /// Many links per file: every paragraph links, and 15–40 related documents.
    Dense,
}

impl Shape {
    pub fn parse(name: &str) -> Option<Shape> {
        match name {
            "topics" => Some(Shape::Topics),
            "short" => Some(Shape::Short),
            "deep" => Some(Shape::Deep),
            "dense" => Some(Shape::Dense),
            _ => None,
        }
    }
}

/// What was generated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Summary {
    pub markdown_files: usize,
    pub topics: usize,
    pub planned_orphans: usize,
    pub topic_bytes: usize,
}

const ROOT: &str = "docs/atomic";

/// Categories and their subcategories, shaped like the template's quick-reference card. An
/// empty list is a flat category (documents directly under it).
const CATEGORIES: &[(&str, &[&str])] = &[
    ("architecture", &[]),
    ("security", &[]),
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
            "configuration",
            "deployment",
            "databases",
            "api-gateway",
        ],
    ),
    (
        "observability",
        &["logging", "metrics", "tracing", "error-tracking"],
    ),
    (
        "testing",
        &[
            "unit-testing",
            "integration-testing",
            "end-to-end-testing",
            "quality-assurance",
        ],
    ),
    (
        "databases",
        &["postgresql", "postgresql-advanced", "mongodb"],
    ),
];

/// Required sections per category, as the template's card names them.
fn required_sections(category: &str) -> &'static [&'static str] {
    match category {
        "architecture" => &["Rules", "Decision Matrix", "When to Use", "Anti-Patterns"],
        "services" => &[
            "Prerequisites",
            "Project Structure",
            "Dependencies",
            "Entry Point",
            "Checklist",
        ],
        "integrations" => &[
            "Client Configuration",
            "Best Practices",
            "Observability",
            "Testing",
        ],
        "infrastructure" => &["Directory Structure", "Best Practices", "Config Examples"],
        "testing" => &["Test Setup", "Test Patterns", "Code Examples"],
        "observability" => &["Configuration", "Examples", "Best Practices"],
        "databases" => &["Setup", "Connection Management", "Best Practices"],
        _ => &["Configuration", "Examples", "Threat Mitigation"],
    }
}

const EXTRA_SECTIONS: &[&str] = &[
    "Overview",
    "Error Handling",
    "Retries and Timeouts",
    "Performance Notes",
    "Security Considerations",
    "Migration Guide",
    "Troubleshooting",
    "Common Pitfalls",
    "Operational Checklist",
    "Versioning",
    "Local Development",
    "Rollout Strategy",
    "Monitoring",
    "Capacity Planning",
    "Failure Modes",
];

const SUBSECTIONS: &[&str] = &[
    "Minimal Example",
    "Production Settings",
    "Edge Cases",
    "Async Variant",
    "Configuration Keys",
    "Health Checks",
    "Graceful Shutdown",
    "Batching",
    "Idempotency",
    "Backpressure",
    "Metrics to Watch",
    "Local Testing",
];

const TOPIC_WORDS: &[&str] = &[
    "connection",
    "pooling",
    "retry",
    "policy",
    "schema",
    "validation",
    "structured",
    "logging",
    "tracing",
    "context",
    "propagation",
    "graceful",
    "shutdown",
    "health",
    "checks",
    "rate",
    "limiting",
    "circuit",
    "breaker",
    "message",
    "routing",
    "dead",
    "letter",
    "queues",
    "idempotent",
    "consumers",
    "key",
    "naming",
    "cache",
    "invalidation",
    "secrets",
    "rotation",
    "token",
    "refresh",
    "migrations",
    "indexes",
    "transactions",
    "fixtures",
    "contract",
    "tests",
    "dockerfile",
    "patterns",
    "settings",
    "layering",
    "dependency",
    "injection",
    "router",
    "design",
    "error",
    "responses",
    "pagination",
    "background",
    "tasks",
    "metrics",
    "dashboards",
    "alerting",
    "sampling",
    "batch",
    "exports",
    "webhooks",
];

const PROSE: &[&str] = &[
    "the",
    "service",
    "client",
    "should",
    "always",
    "use",
    "a",
    "single",
    "pool",
    "per",
    "process",
    "and",
    "never",
    "create",
    "connections",
    "inside",
    "request",
    "handlers",
    "when",
    "latency",
    "matters",
    "prefer",
    "async",
    "calls",
    "with",
    "explicit",
    "timeouts",
    "every",
    "retry",
    "must",
    "be",
    "bounded",
    "by",
    "deadline",
    "configuration",
    "comes",
    "from",
    "environment",
    "variables",
    "validated",
    "at",
    "startup",
    "errors",
    "are",
    "logged",
    "as",
    "structured",
    "events",
    "trace",
    "identifiers",
    "propagate",
    "across",
    "boundaries",
    "so",
    "that",
    "operators",
    "can",
    "follow",
    "one",
    "through",
    "queue",
    "consumer",
    "acknowledges",
    "only",
    "after",
    "work",
    "is",
    "committed",
    "to",
    "database",
    "this",
    "keeps",
    "delivery",
    "idempotent",
    "even",
    "under",
    "redelivery",
    "metrics",
    "expose",
    "counts",
    "durations",
    "histograms",
    "for",
    "dashboards",
    "alerts",
    "fire",
    "on",
    "symptoms",
    "not",
    "causes",
    "tests",
    "run",
    "against",
    "real",
    "containers",
    "in",
    "ci",
    "while",
    "unit",
    "mock",
    "network",
    "secrets",
    "never",
    "appear",
    "logs",
    "or",
    "images",
    "rotate",
    "them",
    "often",
    "schema",
    "changes",
    "ship",
    "behind",
    "feature",
    "flags",
    "migrations",
    "backward",
    "compatible",
    "cache",
    "keys",
    "carry",
    "version",
    "prefix",
    "expire",
    "predictably",
];

const CODE_LINES: &[&str] = &[
    "settings = Settings()",
    "client = await create_client(settings.url, timeout=settings.timeout)",
    "async with pool.acquire() as conn:",
    "    result = await conn.fetch(query, *params)",
    "logger.info(\"request.completed\", extra={\"duration_ms\": elapsed})",
    "for attempt in range(settings.max_retries):",
    "    await asyncio.sleep(backoff(attempt))",
    "return Response(status_code=200, content=payload)",
    "span.set_attribute(\"messaging.destination\", queue_name)",
    "await channel.basic_ack(delivery_tag=message.delivery_tag)",
    "key = f\"{settings.prefix}:user:{user_id}\"",
    "raise HTTPException(status_code=404, detail=\"not found\")",
];

/// One planned file: what other files need to know about it to link to it.
struct Plan {
    /// Repo-relative path.
    path: String,
    title: String,
    /// Heading texts (H2 and H3), unique within the document.
    headings: Vec<String>,
    category: Option<usize>,
    /// Index into the folder list.
    folder: usize,
    orphan: bool,
}

/// A folder under the docs root that holds topics (and its own README).
struct Folder {
    /// Root-relative: `integrations/redis`, `architecture`.
    rel: String,
    category: usize,
    topics: Vec<usize>,
}

fn rng_for(seed: u64, index: u64) -> fastrand::Rng {
    // SplitMix-style mixing so neighbouring indices get unrelated streams.
    let mut z = seed
        .wrapping_mul(0x9E37_79B9_7F4A_7C15)
        .wrapping_add(index.wrapping_add(1).wrapping_mul(0xBF58_476D_1CE4_E5B9));
    z = (z ^ (z >> 30)).wrapping_mul(0x94D0_49BB_1331_11EB);
    fastrand::Rng::with_seed(z ^ (z >> 31))
}

fn title_case(words: &[&str]) -> String {
    words
        .iter()
        .map(|w| {
            let mut c = w.chars();
            match c.next() {
                Some(f) => f.to_uppercase().chain(c).collect::<String>(),
                None => String::new(),
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn slug(text: &str) -> String {
    text.to_lowercase()
        .chars()
        .filter_map(|c| match c {
            ' ' => Some('-'),
            c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c),
            _ => None,
        })
        .collect()
}

/// The path from the folder of `from` to `to`, both repo-relative.
fn relative(from: &str, to: &str) -> String {
    let from_dir: Vec<&str> = from.split('/').collect::<Vec<_>>();
    let from_dir = &from_dir[..from_dir.len() - 1];
    let to_parts: Vec<&str> = to.split('/').collect();
    let common = from_dir
        .iter()
        .zip(&to_parts)
        .take_while(|(a, b)| a == b)
        .count();
    let mut out = String::new();
    for _ in common..from_dir.len() {
        out.push_str("../");
    }
    out.push_str(&to_parts[common..].join("/"));
    out
}

fn folders(topics: usize, shape: Shape) -> Vec<Folder> {
    let base: Vec<(usize, String)> = CATEGORIES
        .iter()
        .enumerate()
        .flat_map(|(ci, (cat, subs))| {
            if subs.is_empty() {
                vec![(ci, cat.to_string())]
            } else {
                subs.iter().map(|s| (ci, format!("{cat}/{s}"))).collect()
            }
        })
        .collect();
    // About 60 topics per folder: big trees get sharded subcategories (`redis-2`, …).
    let per_folder = if shape == Shape::Deep { 12 } else { 60 };
    let slots = topics.div_ceil(per_folder).max(base.len());
    (0..slots)
        .map(|i| {
            let (ci, rel) = &base[i % base.len()];
            let shard = i / base.len();
            let rel = if shard == 0 {
                rel.clone()
            } else if CATEGORIES[*ci].1.is_empty() {
                // A flat category grows subfolders instead of renamed copies of itself.
                format!("{rel}/part-{shard}")
            } else {
                format!("{rel}-{}", shard + 1)
            };
            let rel = if shape == Shape::Deep {
                // Five more levels, three folders wide each, named from the slot's digits.
                let levels: Vec<String> = (0..5u32)
                    .map(|k| format!("level-{k}-{}", (i / 3usize.pow(k)) % 3))
                    .collect();
                format!("{rel}/{}", levels.join("/"))
            } else {
                rel
            };
            Folder {
                rel,
                category: *ci,
                topics: Vec::new(),
            }
        })
        .collect()
}

fn plan(args: &Spec) -> (Vec<Plan>, Vec<Folder>) {
    // Root files: README, TEMPLATE, CHANGELOG; one README per category and per folder.
    let mut folders = folders(args.docs, args.shape);
    let mut readmes: Vec<String> = CATEGORIES.iter().map(|(c, _)| c.to_string()).collect();
    readmes.extend(
        folders
            .iter()
            .filter(|f| f.rel.contains('/'))
            .map(|f| f.rel.clone()),
    );
    let fixed = 3 + readmes.len();
    let topics = args.docs.saturating_sub(fixed).max(1);
    let mut rng = rng_for(args.seed, u64::MAX);
    let mut plans = Vec::with_capacity(topics + fixed);
    let mut used = std::collections::HashSet::new();
    for i in 0..topics {
        let folder = if i < folders.len() {
            i
        } else {
            rng.usize(0..folders.len())
        };
        let category = folders[folder].category;
        let mut local = rng_for(args.seed, i as u64);
        let n = local.usize(2..=4);
        let words: Vec<&str> = (0..n)
            .map(|_| TOPIC_WORDS[local.usize(0..TOPIC_WORDS.len())])
            .collect();
        let mut name = words.join("-");
        if !used.insert(format!("{}/{name}", folders[folder].rel)) {
            name = format!("{name}-{i}");
            used.insert(format!("{}/{name}", folders[folder].rel));
        }
        let mut headings: Vec<String> = Vec::new();
        let required = required_sections(CATEGORIES[category].0);
        let target = local.usize(args.mean_bytes / 2..=args.mean_bytes * 3 / 2);
        // Roughly 1.3 KB per section with its subsections and code.
        let sections = if args.shape == Shape::Short {
            1 + usize::from(local.bool())
        } else {
            (target / 1300).max(required.len().min(2))
        };
        for s in 0..sections {
            let h2 = if s < required.len() {
                required[s].to_string()
            } else {
                EXTRA_SECTIONS[local.usize(0..EXTRA_SECTIONS.len())].to_string()
            };
            if !headings.contains(&h2) {
                headings.push(h2);
            }
            if local.u8(0..3) == 0 {
                let h3 = SUBSECTIONS[local.usize(0..SUBSECTIONS.len())].to_string();
                if !headings.contains(&h3) {
                    headings.push(h3);
                }
            }
        }
        folders[folder].topics.push(plans.len());
        plans.push(Plan {
            path: format!("{ROOT}/{}/{name}.md", folders[folder].rel),
            title: title_case(&words),
            headings,
            category: Some(category),
            folder,
            orphan: local.u8(0..100) < 2,
        });
    }
    (plans, folders)
}

/// Writes a paragraph of `words` prose words.
fn prose(rng: &mut fastrand::Rng, out: &mut String, words: usize) {
    let mut start = true;
    for i in 0..words {
        let w = PROSE[rng.usize(0..PROSE.len())];
        if start {
            let mut c = w.chars();
            if let Some(f) = c.next() {
                out.extend(f.to_uppercase());
                out.push_str(c.as_str());
            }
            start = false;
        } else {
            out.push_str(w);
        }
        if i + 1 == words {
            out.push('.');
        } else if rng.u8(0..12) == 0 {
            out.push_str(". ");
            start = true;
        } else {
            out.push(' ');
        }
    }
}

/// A link target, or a deliberately broken one (about 2% of links, every reason).
enum Target<'a> {
    Doc(&'a Plan, Option<String>),
    Broken(&'static str),
}

fn pick_target<'a>(rng: &mut fastrand::Rng, plans: &'a [Plan], me: usize) -> Target<'a> {
    if rng.u8(0..50) == 0 {
        return Target::Broken(["missing", "anchor", "outside", "placeholder"][rng.usize(0..4)]);
    }
    // Bounded: a tiny tree may have no other linkable topic.
    for _ in 0..64 {
        let t = rng.usize(0..plans.len());
        if t != me && !plans[t].orphan {
            let p = &plans[t];
            let anchor = (rng.u8(0..3) == 0 && !p.headings.is_empty())
                .then(|| slug(&p.headings[rng.usize(0..p.headings.len())]));
            return Target::Doc(p, anchor);
        }
    }
    Target::Broken("missing")
}

/// The first topic at or after `me + step` (cyclically) that is neither `me` nor an orphan:
/// a broken anchor still makes an edge, so it must not point at a planned orphan.
fn linkable(plans: &[Plan], me: usize, step: usize) -> usize {
    (step..step + plans.len())
        .map(|k| (me + k) % plans.len())
        .find(|&t| t != me && !plans[t].orphan)
        .unwrap_or(me)
}

fn with_anchor(path: String, anchor: &Option<String>) -> String {
    match anchor {
        Some(a) => format!("{path}#{a}"),
        None => path,
    }
}

/// An inline Markdown link from `me` (relative, sometimes repo-absolute).
fn inline_link(rng: &mut fastrand::Rng, plans: &[Plan], me: usize) -> String {
    let from = &plans[me].path;
    match pick_target(rng, plans, me) {
        Target::Doc(p, anchor) => {
            let dest = if rng.u8(0..10) == 0 {
                format!("/{}", p.path)
            } else {
                relative(from, &p.path)
            };
            format!("[{}]({})", p.title, with_anchor(dest, &anchor))
        }
        Target::Broken(reason) => broken_markdown(rng, plans, me, reason),
    }
}

fn broken_markdown(rng: &mut fastrand::Rng, plans: &[Plan], me: usize, reason: &str) -> String {
    let from = &plans[me].path;
    let depth = from.matches('/').count();
    match reason {
        "missing" => format!(
            "[a page that moved]({})",
            relative(from, &format!("{ROOT}/archive/removed-{}.md", rng.u32(..)))
        ),
        "anchor" => {
            let p = &plans[linkable(plans, me, 1)];
            format!(
                "[{}]({}#no-such-section-{})",
                p.title,
                relative(from, &p.path),
                rng.u16(..)
            )
        }
        "outside" => format!("[upstream notes]({}outside.md)", "../".repeat(depth + 1)),
        // A placeholder is a code-span rule; in Markdown-link form write a missing target.
        _ => format!("[draft]({}/drafts/unwritten.md)", "."),
    }
}

/// A Related Documents entry, in either link style.
fn related_entry(rng: &mut fastrand::Rng, plans: &[Plan], me: usize) -> String {
    let from = &plans[me].path;
    match pick_target(rng, plans, me) {
        Target::Doc(p, anchor) => {
            if rng.bool() {
                format!(
                    "- `{}` — {}",
                    with_anchor(p.path.clone(), &anchor),
                    p.title.to_lowercase()
                )
            } else {
                format!(
                    "- [{}]({}) — see this for details",
                    p.title,
                    with_anchor(relative(from, &p.path), &anchor)
                )
            }
        }
        Target::Broken("placeholder") => {
            "- `docs/atomic/{category}/{related-file}.md` — fill in before publishing".to_string()
        }
        Target::Broken("missing") => format!(
            "- `{ROOT}/{}/retired-{}.md` — superseded",
            CATEGORIES[rng.usize(0..CATEGORIES.len())].0,
            rng.u32(..)
        ),
        Target::Broken("anchor") => {
            let p = &plans[linkable(plans, me, 7)];
            format!("- `{}#removed-heading` — older section", p.path)
        }
        Target::Broken(reason) => format!("- {}", broken_markdown(rng, plans, me, reason)),
    }
}

fn code_block(rng: &mut fastrand::Rng, out: &mut String, correct: bool) {
    out.push_str("```python\n");
    if correct {
        out.push_str("# CORRECT: one client per process, explicit timeouts\n");
    } else {
        out.push_str("# INCORRECT: a new client per call, no timeout\n");
    }
    for _ in 0..rng.usize(3..9) {
        out.push_str(CODE_LINES[rng.usize(0..CODE_LINES.len())]);
        out.push('\n');
    }
    out.push_str("```\n\n");
}

fn topic(args: &Spec, plans: &[Plan], me: usize) -> String {
    let plan = &plans[me];
    let mut rng = rng_for(args.seed ^ 0xD0C5, me as u64);
    let mut out = String::with_capacity(args.mean_bytes * 2);
    if rng.u8(0..10) == 0 {
        let _ = write!(
            out,
            "---\ntitle: {}\ntags: [{}]\nowner: platform-team\n---\n\n",
            plan.title,
            CATEGORIES[plan.category.unwrap_or(0)].0
        );
    }
    let _ = write!(out, "# {}\n\n", plan.title);
    let short = args.shape == Shape::Short;
    let dense = args.shape == Shape::Dense;
    let n = if short {
        rng.usize(10..30)
    } else {
        rng.usize(40..90)
    };
    prose(&mut rng, &mut out, n);
    if rng.bool() {
        out.push(' ');
        out.push_str("See ");
        out.push_str(&inline_link(&mut rng, plans, me));
        out.push_str(" for the wider picture.");
    }
    out.push_str("\n\n");
    let mut h2_seen = false;
    let required = required_sections(CATEGORIES[plan.category.unwrap_or(0)].0);
    for h in &plan.headings {
        let is_h2 = required.contains(&h.as_str()) || EXTRA_SECTIONS.contains(&h.as_str());
        if is_h2 {
            let _ = write!(out, "## {h}\n\n");
            h2_seen = true;
        } else {
            let _ = write!(
                out,
                "{}### {h}\n\n",
                if h2_seen { "" } else { "## Details\n\n" }
            );
            h2_seen = true;
        }
        let paragraphs = rng.usize(1..3);
        for _ in 0..paragraphs {
            let n = if short {
                rng.usize(8..24)
            } else {
                rng.usize(30..80)
            };
            prose(&mut rng, &mut out, n);
            if dense {
                for _ in 0..rng.usize(2..6) {
                    out.push_str(" Compare ");
                    out.push_str(&inline_link(&mut rng, plans, me));
                    out.push('.');
                }
            }
            match rng.u8(0..6) {
                0 | 1 => {
                    out.push_str(" Read ");
                    out.push_str(&inline_link(&mut rng, plans, me));
                    out.push('.');
                }
                2 => out.push_str(" Set `settings.timeout` explicitly."),
                3 => out.push_str(" Details in the [vendor docs](https://example.com/docs)."),
                _ => {}
            }
            out.push_str("\n\n");
        }
        match rng.u8(0..5) {
            _ if short => {}
            0 | 1 => {
                code_block(&mut rng, &mut out, true);
                code_block(&mut rng, &mut out, false);
            }
            2 => {
                for _ in 0..rng.usize(3..6) {
                    out.push_str("- ");
                    let n = rng.usize(6..16);
                    prose(&mut rng, &mut out, n);
                    out.push('\n');
                }
                out.push('\n');
            }
            3 if rng.u8(0..4) == 0 => {
                // Links to files that are not documents: checked, no edge.
                let up = "../".repeat(plan.path.matches('/').count() - 1);
                let _ = write!(
                    out,
                    "![diagram]({up}assets/diagram.png)\n\nLegacy rules: `docs/legacy/rules.mdc`; \
                     guide: [handbook]({up}guides/handbook.md#getting-started).\n\n"
                );
            }
            _ => {}
        }
    }
    out.push_str("## Related Documents\n\n");
    let related = if dense {
        rng.usize(15..40)
    } else {
        rng.usize(2..7)
    };
    for _ in 0..related {
        out.push_str(&related_entry(&mut rng, plans, me));
        out.push('\n');
    }
    out
}

fn folder_readme(plans: &[Plan], folder: &Folder) -> String {
    let mut out = format!("# {}\n\nDocuments in this folder:\n\n", folder.rel);
    let me = format!("{ROOT}/{}/README.md", folder.rel);
    for &t in &folder.topics {
        if !plans[t].orphan {
            let _ = writeln!(
                out,
                "- [{}]({})",
                plans[t].title,
                relative(&me, &plans[t].path)
            );
        }
    }
    out
}

fn category_readme(category: &str, folders: &[Folder], plans: &[Plan]) -> String {
    let mut out = format!("# {category}\n\nFolders and documents of this category:\n\n");
    for f in folders
        .iter()
        .filter(|f| CATEGORIES[f.category].0 == category)
    {
        match f.rel.split_once('/') {
            Some((_, sub)) => {
                let _ = writeln!(out, "- [{sub}]({sub}/README.md)");
            }
            None => {
                for &t in &f.topics {
                    if !plans[t].orphan {
                        let name = plans[t].path.rsplit('/').next().unwrap_or_default();
                        let _ = writeln!(out, "- [{}]({name})", plans[t].title);
                    }
                }
            }
        }
    }
    out
}

/// Produces every file of the tree, calling `sink(repo_relative_path, text)` once per file.
/// Topics are produced in parallel (so `sink` runs on several threads), in no fixed order; the
/// content of each file depends only on the spec.
pub fn generate<E: Send>(
    spec: &Spec,
    sink: impl Fn(&str, &str) -> Result<(), E> + Sync,
) -> Result<Summary, E> {
    let (plans, folders) = plan(spec);
    let topic_bytes: usize = (0..plans.len())
        .into_par_iter()
        .map(|i| {
            let text = topic(spec, &plans, i);
            sink(&plans[i].path, &text).map(|()| text.len())
        })
        .collect::<Result<Vec<usize>, E>>()?
        .into_iter()
        .sum();
    let mut files = plans.len();
    for f in &folders {
        if f.rel.contains('/') {
            sink(
                &format!("{ROOT}/{}/README.md", f.rel),
                &folder_readme(&plans, f),
            )?;
            files += 1;
        }
    }
    let mut root_readme = String::from("# Documentation\n\nCategories:\n\n");
    for (cat, _) in CATEGORIES {
        let _ = writeln!(root_readme, "- [{cat}]({cat}/README.md)");
        sink(
            &format!("{ROOT}/{cat}/README.md"),
            &category_readme(cat, &folders, &plans),
        )?;
        files += 1;
    }
    sink(&format!("{ROOT}/README.md"), &root_readme)?;
    sink(
        &format!("{ROOT}/TEMPLATE.md"),
        "# Document Template\n\n## Skeleton\n\n```markdown\n# {Topic Title}\n```\n\n\
         ## Related Documents\n\n- `docs/atomic/{category}/{related-file}.md` — what is there\n",
    )?;
    sink(
        &format!("{ROOT}/CHANGELOG.md"),
        "# Changelog\n\n## Unreleased\n\n- Generated tree.\n",
    )?;
    files += 3;
    sink(
        "docs/guides/handbook.md",
        "# Handbook\n\n## Getting Started\n\nOutside the docs root.\n",
    )?;
    sink("docs/legacy/rules.mdc", "legacy rules\n")?;
    sink("docs/assets/diagram.png", "not really a png\n")?;
    Ok(Summary {
        markdown_files: files,
        topics: plans.len(),
        planned_orphans: plans.iter().filter(|p| p.orphan).count(),
        topic_bytes,
    })
}
