//! `stats` as a table or as JSON.

use std::io::{self, Write};

use super::table::{Fit, Term};
use crate::graph::Stats;

pub fn json(out: &mut dyn Write, stats: &Stats) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, stats)?;
    writeln!(out)
}

/// Two columns without a header: what is counted, and the count.
pub fn table(out: &mut dyn Write, stats: &Stats, term: &Term) -> io::Result<()> {
    let mut rows: Vec<(String, String)> = vec![("documents".into(), stats.documents.to_string())];
    for (cat, n) in &stats.by_category {
        // Category names are folder names: anything may be in them.
        rows.push((format!("  in {}", super::sanitize(cat)), n.to_string()));
    }
    for (kind, n) in &stats.by_kind {
        rows.push((format!("  {kind}"), n.to_string()));
    }
    rows.push((
        "edges".into(),
        stats.edges.values().sum::<usize>().to_string(),
    ));
    for (kind, n) in &stats.edges {
        rows.push((format!("  {kind}"), n.to_string()));
    }
    rows.push((
        "broken links".into(),
        stats.broken.values().sum::<usize>().to_string(),
    ));
    for (reason, n) in &stats.broken {
        rows.push((format!("  {reason}"), n.to_string()));
    }
    rows.push(("orphans".into(), stats.orphans.to_string()));
    rows.push(("referrers".into(), stats.referrers.to_string()));
    rows.push(("dialect".into(), stats.dialect.clone()));
    let rows: Vec<Vec<String>> = rows.into_iter().map(|(k, v)| vec![k, v]).collect();
    super::table::write(
        out,
        term,
        &["", ""],
        &[Fit::Text, Fit::Number],
        &rows,
        &mut |_| Vec::new(),
    )
}
