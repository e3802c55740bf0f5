//! Every table the CLI and the REPL print, laid out in one place through one table library
//! (comfy-table): query rows, coverage, `stats`, `check --statistics`, the tables of `diff`,
//! and the fitting of `search` hits. Formatting only; the caller decides the [`Term`] once.
//!
//! Fitting a terminal: a table wider than [`Term::width`] gives way column by column. Numbers
//! never shrink. The other columns share what is left, the narrow ones keeping their whole
//! text (a water-filling split), the wide ones cut: a path column from the LEFT with `…`,
//! keeping the file name (`…/fastapi/app-factory.md`), a free-text column at the right end
//! with `…`. Every row stays one line, so a table can be scanned and grepped; the whole text
//! is one `--format records` (REPL `:x`) or `--format json` away. Widths are display widths
//! (a CJK character takes two columns).

use std::io::{self, Write};

use anstyle::Style;
use comfy_table::{CellAlignment, ColumnConstraint, ContentArrangement, TableStyle, Width};
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// Where a table is going: how wide it may be and whether it gets colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Term {
    /// The most display columns a line may take; `None`: as wide as the content.
    pub width: Option<usize>,
    /// Bold headers and dimmed notes (the `--color` decision).
    pub styled: bool,
}

impl Term {
    /// Unlimited width, no colour: files, pipes and tests.
    pub const PLAIN: Term = Term {
        width: None,
        styled: false,
    };

    /// Where the face's standard output goes (the face passes it in: only faces touch
    /// stdout): the width, `COLUMNS` when it holds a positive number (set by the user, or
    /// exported by the shell), else the terminal's width when it is a terminal, else
    /// unlimited, so piped output is never cut unless `COLUMNS` asks for it; and the one
    /// colour decision (`--color always|never`, else a terminal without `NO_COLOR`, or
    /// `CLICOLOR_FORCE`, as anstream decides).
    pub fn of(stdout: &io::Stdout) -> Term {
        Term {
            width: width_from(
                std::env::var("COLUMNS").ok().as_deref(),
                terminal_size::terminal_size_of(stdout).map(|(w, _)| usize::from(w.0)),
            ),
            styled: anstream::AutoStream::choice(stdout) != anstream::ColorChoice::Never,
        }
    }

    /// The bold and dimmed styles, or plain ones when not styled.
    pub fn styles(&self) -> (Style, Style) {
        if self.styled {
            (Style::new().bold(), Style::new().dimmed())
        } else {
            (Style::new(), Style::new())
        }
    }
}

/// The width policy of [`Term::of`], apart from the environment.
fn width_from(columns: Option<&str>, terminal: Option<usize>) -> Option<usize> {
    columns
        .and_then(|c| c.trim().parse::<usize>().ok())
        .filter(|&w| w > 0)
        .or(terminal.filter(|&w| w > 0))
}

/// How a column gives way when the table is too wide.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fit {
    /// Right-aligned, never cut.
    Number,
    /// Cut from the left with `…`, keeping the end (the file name).
    Path,
    /// Cut at the right end with `…`.
    Text,
}

/// The column names whose cells are paths (documents, link targets) in every table.
pub const PATH_COLUMNS: [&str; 8] = [
    "path", "source", "target", "resolved", "document", "from", "to", "moved_to",
];

impl Fit {
    /// The fit of a column of text cells by its name: a path column or free text.
    pub fn of_name(name: &str) -> Fit {
        if PATH_COLUMNS.contains(&name) {
            Fit::Path
        } else {
            Fit::Text
        }
    }
}

/// Space between two columns.
pub const GAP: usize = 2;
/// The narrowest a cut column gets (a cut mark and a few characters), whatever the terminal.
const MIN_CUT: usize = 6;
/// The start of a free-text column kept before path columns lose their file names.
const MIN_TEXT: usize = 12;

/// Writes `header` and `rows` (already sanitised, one line each) as aligned columns fitted to
/// `term`, the header bold when styled (no header line when every name is empty). `after(n, out)` may print lines under row `n` (hints
/// such as did-you-mean), which are cut to the width too.
pub fn write(
    out: &mut dyn Write,
    term: &Term,
    header: &[&str],
    fits: &[Fit],
    rows: &[Vec<String>],
    after: &mut dyn FnMut(usize) -> Vec<String>,
) -> io::Result<()> {
    let (bold, dim) = term.styles();
    let natural: Vec<usize> = (0..header.len())
        .map(|c| {
            rows.iter()
                .map(|r| r[c].width())
                .chain([header[c].width()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let widths = match term.width {
        Some(w) => {
            let floors: Vec<usize> = (0..header.len())
                .map(|c| {
                    // A header is never cut from the left: its column keeps room for it.
                    let cells = floor(fits[c], rows.iter().map(|r| r[c].as_str()), natural[c]);
                    cells.max(header[c].width().min(natural[c]))
                })
                .collect();
            share(w, &natural, &floors, fits)
        }
        None => natural.clone(),
    };
    let cut = |c: usize, text: &str| -> String {
        match fits[c] {
            Fit::Path => cut_left(text, widths[c]),
            _ => text.to_string(),
        }
    };
    let mut table = comfy_table::Table::new();
    table
        .load_style(TableStyle::new())
        .set_content_arrangement(ContentArrangement::Disabled)
        .set_truncation_indicator("…");
    let headed = header.iter().any(|h| !h.is_empty());
    if headed {
        // Headers stay one line: cut at the end in the rare column narrower than its name.
        table.set_header(
            header
                .iter()
                .enumerate()
                .map(|(c, h)| cut_right(h, widths[c])),
        );
    }
    for row in rows {
        table.add_row(row.iter().enumerate().map(|(c, t)| cut(c, t)));
    }
    for r in table.row_iter_mut() {
        r.max_height(1);
    }
    let last = header.len().saturating_sub(1);
    for (c, column) in table.column_iter_mut().enumerate() {
        let pad = if c == last { 0 } else { GAP };
        column.set_padding((0, pad as u16));
        if fits[c] == Fit::Number {
            column.set_cell_alignment(CellAlignment::Right);
        }
        if widths[c] < natural[c] {
            let w = u16::try_from(widths[c] + pad).unwrap_or(u16::MAX);
            column.set_constraint(ColumnConstraint::Absolute(Width::Fixed(w)));
        }
    }
    let mut lines = table.lines();
    if headed && let Some(line) = lines.next() {
        writeln!(out, "{bold}{}{bold:#}", line.trim_end())?;
    }
    for (n, line) in lines.enumerate() {
        writeln!(out, "{}", line.trim_end())?;
        for hint in after(n) {
            let hint = match term.width {
                Some(w) => cut_right(&hint, w),
                None => hint,
            };
            writeln!(out, "{dim}{hint}{dim:#}")?;
        }
    }
    Ok(())
}

/// `parts` joined by `sep` into as few lines as keep within `width` (a part wider than the
/// width gets a line of its own); one line when the width is unlimited.
pub fn join_fitted(parts: &[&str], sep: &str, width: Option<usize>) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for part in parts {
        match lines.last_mut() {
            Some(line) if width.is_none_or(|w| line.width() + sep.width() + part.width() <= w) => {
                line.push_str(sep);
                line.push_str(part);
            }
            _ => lines.push(part.to_string()),
        }
    }
    lines
}

/// One line of `texts` fitted to `width` columns as [`write`] fits a table row (two spaces
/// between the parts): the parts, each cut as its [`Fit`] says. For lists that are not grids
/// (`search` hits).
pub fn fit_parts(width: usize, texts: &[&str], fits: &[Fit]) -> Vec<String> {
    let natural: Vec<usize> = texts.iter().map(|t| t.width()).collect();
    let floors: Vec<usize> = (0..texts.len())
        .map(|c| floor(fits[c], [texts[c]].into_iter(), natural[c]))
        .collect();
    let widths = share(width, &natural, &floors, fits);
    texts
        .iter()
        .zip(fits)
        .zip(widths)
        .map(|((t, fit), w)| match fit {
            Fit::Path => cut_left(t, w),
            Fit::Text => cut_right(t, w),
            Fit::Number => t.to_string(),
        })
        .collect()
}

/// The narrowest a column should get before every column has given way: a path column
/// its longest file name with `…/` (so file names survive), a text column a short start.
fn floor<'a>(fit: Fit, cells: impl Iterator<Item = &'a str>, natural: usize) -> usize {
    let want = match fit {
        Fit::Number => natural,
        Fit::Path => {
            cells
                .map(|c| c.rsplit('/').next().unwrap_or(c).width())
                .max()
                .unwrap_or(0)
                + 2
        }
        Fit::Text => MIN_TEXT,
    };
    want.min(natural)
}

/// The widths the columns get in `width` display columns. Everything that fits keeps its
/// natural width. Otherwise numbers keep theirs; the other columns get their [`floor`] when
/// all floors fit (text columns lowering theirs to [`MIN_CUT`] first), and share the rest of the room over what they want beyond it; when even
/// the floors do not fit, they share the whole room. Sharing is water-filling: the columns
/// wanting least are served first, none gets more than an equal share of what remains, and
/// none goes below [`MIN_CUT`].
fn share(width: usize, natural: &[usize], floors: &[usize], fits: &[Fit]) -> Vec<usize> {
    let gaps = GAP * natural.len().saturating_sub(1);
    if natural.iter().sum::<usize>() + gaps <= width {
        return natural.to_vec();
    }
    let flexible: Vec<usize> = (0..natural.len())
        .filter(|&c| fits[c] != Fit::Number)
        .collect();
    let fixed: usize = (0..natural.len())
        .filter(|&c| fits[c] == Fit::Number)
        .map(|c| natural[c])
        .sum();
    let room = width.saturating_sub(gaps + fixed);
    let mut floors = floors.to_vec();
    let floor_sum = |floors: &[usize]| flexible.iter().map(|&c| floors[c]).sum::<usize>();
    if floor_sum(&floors) > room {
        // Text gives way before file names do.
        for &c in &flexible {
            if fits[c] == Fit::Text {
                floors[c] = floors[c].min(MIN_CUT);
            }
        }
    }
    let mut widths = natural.to_vec();
    let floor_sum = floor_sum(&floors);
    if floor_sum <= room {
        let extra = water_fill(room - floor_sum, &flexible, |c| natural[c] - floors[c], 0);
        for (c, e) in extra {
            widths[c] = floors[c] + e;
        }
    } else {
        for (c, w) in water_fill(room, &flexible, |c| natural[c], MIN_CUT) {
            widths[c] = w;
        }
    }
    widths
}

/// Shares `room` over `columns` wanting `want(c)` each: the least wanting first, each
/// getting at most an equal share of what is left (but at least `least`, or what it wants
/// if that is less).
fn water_fill(
    mut room: usize,
    columns: &[usize],
    want: impl Fn(usize) -> usize,
    least: usize,
) -> Vec<(usize, usize)> {
    let mut order = columns.to_vec();
    order.sort_by_key(|&c| (want(c), c));
    let mut left = order.len();
    let mut out = Vec::with_capacity(left);
    for c in order {
        let fair = room / left;
        let w = want(c).min(fair.max(least.min(want(c))));
        out.push((c, w));
        room = room.saturating_sub(w);
        left -= 1;
    }
    out
}

/// `text` in at most `width` display columns, cut from the left with `…`: at a `/` when that
/// keeps at least half of the room (`…/fastapi/app-factory.md`), else mid-name.
pub fn cut_left(text: &str, width: usize) -> String {
    if text.width() <= width {
        return text.to_string();
    }
    let budget = width.saturating_sub(1);
    let mut start = text.len();
    let mut used = 0;
    for (i, c) in text.char_indices().rev() {
        let w = c.width().unwrap_or(0);
        if used + w > budget {
            break;
        }
        used += w;
        start = i;
    }
    let tail = &text[start..];
    // Cut at a folder boundary when that keeps at least half of what fits, so the shown
    // part starts with a whole folder name.
    let tail = match tail.find('/') {
        Some(slash) if slash > 0 && 2 * tail[slash..].width() >= budget => &tail[slash..],
        _ => tail,
    };
    format!("…{tail}")
}

/// `text` in at most `width` display columns, cut at the right end with `…`.
pub fn cut_right(text: &str, width: usize) -> String {
    if text.width() <= width {
        return text.to_string();
    }
    let budget = width.saturating_sub(1);
    let mut end = 0;
    let mut used = 0;
    for (i, c) in text.char_indices() {
        let w = c.width().unwrap_or(0);
        if used + w > budget {
            break;
        }
        used += w;
        end = i + c.len_utf8();
    }
    format!("{}…", &text[..end])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(width: Option<usize>, header: &[&str], fits: &[Fit], rows: &[&[&str]]) -> String {
        let rows: Vec<Vec<String>> = rows
            .iter()
            .map(|r| r.iter().map(|s| s.to_string()).collect())
            .collect();
        let mut out = Vec::new();
        let term = Term {
            width,
            styled: false,
        };
        write(&mut out, &term, header, fits, &rows, &mut |_| Vec::new()).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn unlimited_tables_align_in_display_width_and_numbers_go_right() {
        let text = render(
            None,
            &["category", "documents"],
            &[Fit::Text, Fit::Number],
            &[&["漢字カテゴリ", "3"], &["services", "12"]],
        );
        assert_eq!(
            text,
            "category      documents\n漢字カテゴリ          3\nservices             12\n"
        );
    }

    #[test]
    fn a_narrow_terminal_cuts_paths_from_the_left_and_text_at_the_right() {
        let path = "docs/atomic/integrations/rabbitmq/dead-letter-queues.md";
        let title = "Dead Letter Queues and the Retry Policy of Every Consumer";
        let text = render(
            Some(60),
            &["path", "title", "inlinks"],
            &[Fit::Path, Fit::Text, Fit::Number],
            &[&[path, title, "12"], &["docs/a.md", "A", "1"]],
        );
        for line in text.lines() {
            assert!(line.width() <= 60, "{} > 60: {line}", line.width());
        }
        assert!(text.contains("…/dead-letter-queues.md"), "{text}");
        assert!(text.contains("Dead Letter Queues…"), "{text}");
        assert!(text.contains("docs/a.md"), "{text}");
        assert!(text.lines().nth(1).unwrap().ends_with("12"), "{text}");
    }

    #[test]
    fn wide_characters_are_cut_by_display_width() {
        let text = render(
            Some(30),
            &["path", "title"],
            &[Fit::Path, Fit::Text],
            &[&[
                "文档/指南/安装说明文档很长的名字.md",
                "一个非常非常长的中文标题在这里",
            ]],
        );
        for line in text.lines() {
            assert!(line.width() <= 30, "{} > 30: {line}", line.width());
        }
        assert!(text.contains('…'), "{text}");
    }

    #[test]
    fn width_policy_prefers_columns_then_the_terminal_then_unlimited() {
        assert_eq!(width_from(Some("100"), Some(80)), Some(100));
        assert_eq!(width_from(Some("junk"), Some(80)), Some(80));
        assert_eq!(width_from(Some("0"), None), None);
        assert_eq!(width_from(None, None), None);
    }

    #[test]
    fn banners_and_single_lines_fit_too() {
        let parts = [
            "atomdoc",
            "37 documents, 144 links",
            "Tab completes",
            ":help",
        ];
        assert_eq!(
            join_fitted(&parts, " · ", None),
            ["atomdoc · 37 documents, 144 links · Tab completes · :help"]
        );
        let lines = join_fitted(&parts, " · ", Some(40));
        assert_eq!(
            lines,
            ["atomdoc · 37 documents, 144 links", "Tab completes · :help"]
        );
        let parts = fit_parts(
            30,
            &[
                "docs/atomic/services/fastapi/app-factory.md:12",
                "FastAPI App Factory",
            ],
            &[Fit::Path, Fit::Text],
        );
        let width = parts.iter().map(|p| p.width()).sum::<usize>() + GAP;
        assert!(width <= 30, "{parts:?}");
        assert!(parts[0].starts_with('…') && parts[0].ends_with("app-factory.md:12"));
    }

    #[test]
    fn cuts_keep_the_file_name_or_the_start() {
        assert_eq!(
            cut_left("docs/atomic/services/app.md", 16),
            "…services/app.md"
        );
        assert_eq!(
            cut_left("docs/atomic/services/app.md", 17),
            "…/services/app.md"
        );
        assert_eq!(cut_left("docs/atomic/services/app.md", 10), "…/app.md");
        assert_eq!(cut_left("very-long-file-name.md", 8), "…name.md");
        assert_eq!(cut_left("short.md", 8), "short.md");
        assert_eq!(cut_right("Hello world", 6), "Hello…");
        assert_eq!(cut_right("文档文档", 5), "文档…");
    }
}
