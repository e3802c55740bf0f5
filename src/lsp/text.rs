//! Text positions and file names as the protocol writes them: `file://` URIs ↔ paths, LSP
//! positions (UTF-16 code units by default, or code points when the client offers `utf-32`)
//! ↔ byte offsets and the corpus's 1-based character columns, and incremental edits applied
//! to an open buffer.

use std::path::{Component, Path, PathBuf};
use std::str::FromStr;

use lsp_types::{Position, Range, Uri};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_decode_str, utf8_percent_encode};

/// How the client counts columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Utf16,
    /// Unicode code points (`utf-32`), what the corpus counts too.
    Utf32,
}

/// The path a `file://` URI names; `None` for any other scheme, a remote host or a relative
/// path.
pub fn path_of(uri: &Uri) -> Option<PathBuf> {
    let rest = uri.as_str().strip_prefix("file://")?;
    let rest = rest.strip_prefix("localhost").unwrap_or(rest);
    if !rest.starts_with('/') {
        return None;
    }
    let rest = rest.split(['?', '#']).next().unwrap_or(rest);
    let decoded = percent_decode_str(rest).decode_utf8().ok()?;
    Some(PathBuf::from(decoded.as_ref()))
}

/// Characters kept as they are in a URI's path segment.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~')
    .remove(b'/');

/// The `file://` URI of an absolute path.
pub fn uri_of(path: &Path) -> Uri {
    let text = path.to_string_lossy().replace('\\', "/");
    let encoded = utf8_percent_encode(&text, SEGMENT).to_string();
    Uri::from_str(&format!("file://{encoded}")).expect("a percent-encoded file URI parses")
}

/// `abs` as a repo-relative, `/`-separated path when it lies inside `repo` (never through
/// `..`); `None` otherwise.
pub fn relative_to(repo: &Path, abs: &Path) -> Option<String> {
    let rest = abs.strip_prefix(repo).ok()?;
    let mut parts = Vec::new();
    for c in rest.components() {
        match c {
            Component::Normal(s) => parts.push(s.to_str()?.to_string()),
            Component::CurDir => {}
            _ => return None,
        }
    }
    (!parts.is_empty()).then(|| parts.join("/"))
}

/// The text of 0-based line `line` (without its line ending), or `""` past the end.
pub fn line_text(text: &str, line: u32) -> &str {
    let line = text.split('\n').nth(line as usize).unwrap_or("");
    line.strip_suffix('\r').unwrap_or(line)
}

/// Byte offset in `line` of the protocol column `col` (clamped to the line).
pub fn byte_of_col(line: &str, col: u32, enc: Encoding) -> usize {
    let mut units = 0u32;
    for (i, c) in line.char_indices() {
        if units >= col {
            return i;
        }
        units += match enc {
            Encoding::Utf16 => c.len_utf16() as u32,
            Encoding::Utf32 => 1,
        };
    }
    line.len()
}

/// Protocol column of byte offset `byte` of `line`.
pub fn col_of_byte(line: &str, byte: usize, enc: Encoding) -> u32 {
    let head = &line[..floor_char(line, byte)];
    match enc {
        Encoding::Utf16 => head.encode_utf16().count() as u32,
        Encoding::Utf32 => head.chars().count() as u32,
    }
}

/// Protocol column of the corpus's 1-based character column `column` on `line`.
pub fn col_of_char(line: &str, column: u32, enc: Encoding) -> u32 {
    let chars = column.saturating_sub(1) as usize;
    let byte = line
        .char_indices()
        .nth(chars)
        .map_or(line.len(), |(i, _)| i);
    col_of_byte(line, byte, enc)
}

/// The byte offset of the 1-based character column `column` of `line`.
pub fn byte_of_char(line: &str, column: u32) -> usize {
    let chars = column.saturating_sub(1) as usize;
    line.char_indices()
        .nth(chars)
        .map_or(line.len(), |(i, _)| i)
}

fn floor_char(s: &str, mut i: usize) -> usize {
    i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Byte offset in `text` of the protocol position `pos` (clamped to the text).
pub fn offset_of(text: &str, pos: Position, enc: Encoding) -> usize {
    let mut start = 0;
    for _ in 0..pos.line {
        match text[start..].find('\n') {
            Some(i) => start += i + 1,
            None => return text.len(),
        }
    }
    let end = text[start..].find('\n').map_or(text.len(), |i| start + i);
    let line = &text[start..end];
    let line = line.strip_suffix('\r').unwrap_or(line);
    start + byte_of_col(line, pos.character, enc)
}

/// The range of bytes `start..end` of 0-based line `line` whose text is `line_text`.
pub fn range_on_line(line: u32, line_text: &str, start: usize, end: usize, enc: Encoding) -> Range {
    Range::new(
        Position::new(line, col_of_byte(line_text, start, enc)),
        Position::new(line, col_of_byte(line_text, end, enc)),
    )
}

/// A whole line as a range (its start to its end).
pub fn line_range(text: &str, line: u32, enc: Encoding) -> Range {
    let t = line_text(text, line);
    range_on_line(line, t, 0, t.len(), enc)
}

/// Applies one `didChange` content change: a replacement of `range`, or the whole text.
pub fn apply_change(text: &mut String, range: Option<Range>, new: &str, enc: Encoding) {
    match range {
        None => *text = new.to_string(),
        Some(r) => {
            let start = offset_of(text, r.start, enc);
            let end = offset_of(text, r.end, enc).max(start);
            text.replace_range(start..end, new);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_round_trip_with_odd_names() {
        let p = Path::new("/tmp/a b/ünï#cödé%.md");
        let uri = uri_of(p);
        assert_eq!(path_of(&uri).as_deref(), Some(p));
        assert!(path_of(&Uri::from_str("untitled:Untitled-1").unwrap()).is_none());
        assert!(path_of(&Uri::from_str("file://server/share/x.md").unwrap()).is_none());
    }

    #[test]
    fn paths_climbing_out_are_not_inside() {
        let repo = Path::new("/r");
        assert_eq!(
            relative_to(repo, Path::new("/r/docs/a.md")).as_deref(),
            Some("docs/a.md")
        );
        assert_eq!(
            relative_to(repo, Path::new("/r/docs/../../etc/passwd")),
            None
        );
        assert_eq!(relative_to(repo, Path::new("/other/a.md")), None);
    }

    #[test]
    fn utf16_columns_count_surrogate_pairs() {
        let line = "a😀b";
        assert_eq!(byte_of_col(line, 3, Encoding::Utf16), 5);
        assert_eq!(byte_of_col(line, 2, Encoding::Utf32), 5);
        assert_eq!(col_of_byte(line, 5, Encoding::Utf16), 3);
        assert_eq!(col_of_char(line, 3, Encoding::Utf16), 3);
    }

    #[test]
    fn incremental_edits_apply_in_order() {
        let mut t = String::from("one\ntwo😀x\nthree");
        let r = |l1, c1, l2, c2| Some(Range::new(Position::new(l1, c1), Position::new(l2, c2)));
        apply_change(&mut t, r(1, 5, 1, 6), "y", Encoding::Utf16);
        assert_eq!(t, "one\ntwo😀y\nthree");
        apply_change(&mut t, r(0, 3, 2, 0), " ", Encoding::Utf16);
        assert_eq!(t, "one three");
        apply_change(&mut t, None, "new", Encoding::Utf16);
        assert_eq!(t, "new");
    }
}
