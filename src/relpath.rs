//! Repository-relative paths as atomdoc writes them: `/`-separated, no `.` or `..`. A leaf
//! module: configuration (the docs root, the cache folder) and link resolution both
//! normalise through it, and it depends on nothing.

/// Normalises `.` and `..` in a `/`-separated path; `None` when `..` would climb above the
/// start. Empty segments are dropped.
pub fn normalize(path: &str) -> Option<String> {
    let mut parts: Vec<&str> = Vec::new();
    for seg in path.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    Some(parts.join("/"))
}

/// The relative link from a file in folder `from_dir` to `to` (both repo-relative and
/// normalised): `../b/c.md`; the file name alone in the same folder.
pub fn between(from_dir: &str, to: &str) -> String {
    let from: Vec<&str> = from_dir.split('/').filter(|s| !s.is_empty()).collect();
    let target: Vec<&str> = to.split('/').filter(|s| !s.is_empty()).collect();
    let common = from
        .iter()
        .zip(&target)
        .take_while(|(a, b)| a == b)
        .count()
        .min(target.len().saturating_sub(1));
    let mut parts: Vec<&str> = vec![".."; from.len() - common];
    parts.extend(&target[common..]);
    parts.join("/")
}
