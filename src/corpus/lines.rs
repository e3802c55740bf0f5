//! Byte offsets ↔ 1-based line and character column, in time linear in the text.
//!
//! The line starts are found once per text. A column is a count of characters from the line
//! start, so counting it afresh for every position would make a long line cost its length once
//! per link on it (a 4 MB line of links took half a minute). Callers ask for positions in text
//! order (parsers walk forward, findings are sorted by line and column), so the index keeps the
//! last position it answered and counts on from there when the next one lies further along the
//! same line: a whole pass costs the text's length once. Any other order is still answered
//! right, just counted from the line start.

use std::cell::Cell;
use std::ops::Range;

/// Line starts of one text, plus the last position answered.
pub struct LineIndex<'a> {
    src: &'a str,
    starts: Vec<usize>,
    /// The last position answered: byte offset, 0-based line, 1-based column.
    last: Cell<(usize, usize, u32)>,
}

impl<'a> LineIndex<'a> {
    pub fn new(src: &'a str) -> Self {
        let mut starts = vec![0];
        starts.extend(src.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex {
            src,
            starts,
            last: Cell::new((0, 0, 1)),
        }
    }

    /// The text the index is of.
    pub fn src(&self) -> &'a str {
        self.src
    }

    /// The 1-based line and character column of byte `offset` (clamped to the text; an offset
    /// inside a character is column 1 of its line).
    pub fn line_col(&self, offset: usize) -> (u32, u32) {
        let offset = offset.min(self.src.len());
        let line = self.line_of(offset);
        let (from, col) = match self.last.get() {
            (o, l, c) if l == line && o <= offset => (o, c),
            _ => (self.starts[line], 1),
        };
        let Some(between) = self.src.get(from..offset) else {
            return (line as u32 + 1, 1);
        };
        let col = col + between.chars().count() as u32;
        self.last.set((offset, line, col));
        (line as u32 + 1, col)
    }

    /// The 1-based line of byte `offset`.
    pub fn line(&self, offset: usize) -> u32 {
        self.line_of(offset) as u32 + 1
    }

    fn line_of(&self, offset: usize) -> usize {
        self.starts.partition_point(|&s| s <= offset) - 1
    }

    /// The byte range of 1-based `line`, without its line ending (`\n` or `\r\n`); `None` past
    /// the last line.
    pub fn line_range(&self, line: u32) -> Option<Range<usize>> {
        let i = (line as usize).checked_sub(1)?;
        let start = *self.starts.get(i)?;
        let end = self
            .starts
            .get(i + 1)
            .map_or(self.src.len(), |&next| next - 1);
        let end = if self.src[start..end].ends_with('\r') {
            end - 1
        } else {
            end
        };
        Some(start..end)
    }

    /// The byte offset of 1-based character `column` on 1-based `line`: the line's end when
    /// the line is shorter; `None` past the last line.
    pub fn offset(&self, line: u32, column: u32) -> Option<usize> {
        let range = self.line_range(line)?;
        let i = line as usize - 1;
        let column = column.max(1);
        let (from, col) = match self.last.get() {
            (o, l, c) if l == i && c <= column && o <= range.end => (o, c),
            _ => (range.start, 1),
        };
        let rest = &self.src[from..range.end];
        let ahead = (column - col) as usize;
        let (offset, col) = match rest.char_indices().nth(ahead) {
            Some((at, _)) => (from + at, column),
            None => (range.end, col + rest.chars().count() as u32),
        };
        self.last.set((offset, i, col));
        Some(offset)
    }
}

#[cfg(test)]
mod tests {
    use super::LineIndex;

    #[test]
    fn positions_in_any_order_agree_with_counting_from_the_line_start() {
        let src = "ab\r\nçé x\n\nlast";
        let naive = |offset: usize| {
            let before = &src[..offset];
            let line = before.matches('\n').count() as u32 + 1;
            let start = before.rfind('\n').map_or(0, |i| i + 1);
            (line, src[start..offset].chars().count() as u32 + 1)
        };
        let offsets: Vec<usize> = src.char_indices().map(|(i, _)| i).collect();
        let index = LineIndex::new(src);
        for &o in offsets.iter().chain(offsets.iter().rev()) {
            assert_eq!(index.line_col(o), naive(o), "offset {o}");
        }
        for &o in offsets
            .iter()
            .filter(|&&o| !src[o..].starts_with(['\r', '\n']))
        {
            let (line, col) = naive(o);
            assert_eq!(index.offset(line, col), Some(o), "{line}:{col}");
        }
        assert_eq!(index.line_col(src.len()), (4, 5));
        assert_eq!(
            index.line_col(5),
            (2, 1),
            "inside 'ç' counts as the line start"
        );
    }

    #[test]
    fn lines_come_without_their_endings_and_columns_clamp_to_the_line() {
        let src = "ab\r\nçé x\n\nlast";
        let index = LineIndex::new(src);
        let text = |l| index.line_range(l).map(|r| &src[r]);
        assert_eq!(text(1), Some("ab"));
        assert_eq!(text(2), Some("çé x"));
        assert_eq!(text(3), Some(""));
        assert_eq!(text(4), Some("last"));
        assert_eq!(text(5), None);
        assert_eq!(text(0), None);
        assert_eq!(index.offset(1, 9), Some(2), "past the end: the line's end");
        assert_eq!(index.offset(2, 3), Some(8));
        assert_eq!(index.offset(2, 1), Some(4), "backwards works too");
        assert_eq!(index.offset(6, 1), None);
    }

    /// Positions asked in order along one long line are counted on from the last one: a
    /// million positions on a 2 MB line finish (counting each from the line start would walk
    /// about 10^12 characters).
    #[test]
    fn many_positions_on_one_long_line_cost_the_line_once() {
        let src = "é ".repeat(1_000_000);
        let index = LineIndex::new(&src);
        let mut last = (0, 0);
        for (i, (offset, _)) in src.char_indices().enumerate() {
            let pos = index.line_col(offset);
            assert_eq!(pos, (1, i as u32 + 1));
            last = pos;
        }
        assert_eq!(last, (1, 2_000_000));
        for col in (1..=2_000_000).step_by(7) {
            let offset = index.offset(1, col).unwrap();
            assert_eq!(index.line_col(offset), (1, col));
        }
    }
}
