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
