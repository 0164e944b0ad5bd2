//! Tables and prose fitted to the width of a `Layout`.
//!
//! A table that is wider than the layout is narrowed one column at a time, widest first:
//! first by wrapping the columns the answer marks as willing (at spaces, never below 12
//! characters), then any column at spaces down to its longest word. Words are never split
//! across lines. A word longer than its column can be is cut with `…` (as `cargo search`
//! and `gh` cut what does not fit): the willing columns first, then the others, and the
//! first column (which names the row) last, never below 10 characters; a table that
//! still does not fit is printed wider than the layout rather than cut further. The full text is always in `--format json`, `csv` and `markdown`.

use tabled::builder::Builder;
use tabled::settings::object::{Cell, Columns};
use tabled::settings::{Color, Padding, Style};
use textwrap::{WordSeparator, WordSplitter, WrapAlgorithm};
use unicode_width::UnicodeWidthStr;

use super::output::{Layout, Paint};
use crate::text;

/// Wrapping stops at this width; below it columns are only cut.
const WRAP_MIN: usize = 12;
/// Cutting words stops at this width; below it the table is wider than the layout.
const CUT_MIN: usize = 10;
/// The space between two columns.
const GAP: usize = 2;

impl Layout {
    /// Renders rows as a borderless table with an upper-case header, fitted to the width
    /// by wrapping the last column first, then the others from the right. Cells are
    /// escaped, so manifest text cannot drive the terminal.
    pub fn table<S: AsRef<str>>(
        &self,
        header: &[&str],
        rows: impl IntoIterator<Item = Vec<S>>,
    ) -> String {
        let wrappable: Vec<usize> = (0..header.len()).rev().collect();
        self.table_fitted(header, rows, &wrappable)
    }

    /// Like `table`, wrapping the `wrappable` columns (most willing first) before others.
    pub fn table_fitted<S: AsRef<str>>(
        &self,
        header: &[&str],
        rows: impl IntoIterator<Item = Vec<S>>,
        wrappable: &[usize],
    ) -> String {
        self.table_painted(header, rows, wrappable, |_, _| None)
    }

    /// Like `table_fitted`, with cell (row, column) of the rows painted as `paint` says
    /// when colour is on. The header is painted as a header.
    pub fn table_painted<S: AsRef<str>>(
        &self,
        header: &[&str],
        rows: impl IntoIterator<Item = Vec<S>>,
        wrappable: &[usize],
        paint: impl Fn(usize, usize) -> Option<Paint>,
    ) -> String {
        let columns = header.len();
        let mut records: Vec<Vec<String>> = vec![header.iter().map(|h| h.to_uppercase()).collect()];
        for row in rows {
            records.push(
                row.iter()
                    .map(|c| text::escape(c.as_ref()).into_owned())
                    .collect(),
            );
        }
        let mut natural = vec![0usize; columns];
        let mut longest_word = vec![0usize; columns];
        for r in &records {
            for (i, cell) in r.iter().enumerate().take(columns) {
                natural[i] = natural[i].max(cell.width());
                let word = cell.split(' ').map(UnicodeWidthStr::width).max();
                longest_word[i] = longest_word[i].max(word.unwrap_or(0));
            }
        }
        let widths = fit(&natural, &longest_word, wrappable, self.width);
        for (i, (&w, &n)) in widths.iter().zip(&natural).enumerate() {
            if w < n {
                for r in &mut records {
                    if let Some(cell) = r.get_mut(i) {
                        *cell = fit_cell(cell, w);
                    }
                }
            }
        }
        if self.color {
            grid(records, Some(&paint))
        } else {
            plain(&records)
        }
    }

    /// Wraps `text` to the width at spaces: the first line indented by `indent`, the rest
    /// by `hang`. A word longer than a line is left whole. Every line ends with a newline.
    pub fn wrap(&self, text: &str, indent: usize, hang: usize) -> String {
        self.wrap_with(text, &" ".repeat(indent), &" ".repeat(hang))
    }

    /// Like `wrap`, with every run of spaces in `text` read as one.
    pub fn wrap_words(&self, text: &str, indent: usize, hang: usize) -> String {
        let words: Vec<&str> = text.split(' ').filter(|w| !w.is_empty()).collect();
        self.wrap(&words.join(" "), indent, hang)
    }

    /// Wraps a line that carries its own indent: the rest hang two further in.
    pub fn wrap_indented(&self, line: &str) -> String {
        let text = line.trim_start_matches(' ');
        let indent = line.len() - text.len();
        self.wrap(text, indent, indent + 2)
    }

    /// Wraps `text` as `wrap` does, the first line starting with `first` and the rest
    /// with `rest` (a tree's branches). Runs of spaces inside a line are kept.
    pub fn wrap_with(&self, text: &str, first: &str, rest: &str) -> String {
        let options = options(self.width)
            .initial_indent(first)
            .subsequent_indent(rest);
        let mut out = String::new();
        for line in textwrap::wrap(text, options) {
            out.push_str(line.trim_end());
            out.push('\n');
        }
        if out.is_empty() {
            out.push_str(first.trim_end());
            out.push('\n');
        }
        out
    }

    /// `key  value` lines with aligned values, each value wrapped under itself. Empty
    /// values are left out.
    pub fn fields<S: AsRef<str>>(&self, pairs: &[(&str, S)]) -> String {
        let w = pairs.iter().map(|(k, _)| k.len()).max().unwrap_or(0);
        let mut out = String::new();
        for (k, v) in pairs {
            let v = v.as_ref();
            if v.is_empty() {
                continue;
            }
            let first = format!("  {k:<w$}  ");
            out.push_str(&self.wrap_with(&text::escape(v), &first, &" ".repeat(w + 4)));
        }
        out
    }
}

/// The table drawn by tabled: cells padded to their column, no borders, `GAP` between
/// columns; with `paint`, the header painted and each cell as `paint` says.
fn grid(
    records: Vec<Vec<String>>,
    paint: Option<&dyn Fn(usize, usize) -> Option<Paint>>,
) -> String {
    let rows = records.len();
    let columns = records.first().map_or(0, Vec::len);
    let mut b = Builder::new();
    for r in records {
        b.push_record(r);
    }
    let mut t = b.build();
    t.with(Style::empty());
    t.with(Padding::new(0, GAP, 0, 0));
    t.modify(Columns::last(), Padding::zero());
    if let Some(paint) = paint {
        let color = |p: Paint| {
            let style = p.style();
            Color::new(style.render().to_string(), style.render_reset().to_string())
        };
        for col in 0..columns {
            t.modify(Cell::new(0, col), color(Paint::Header));
        }
        for row in 1..rows {
            for col in 0..columns {
                if let Some(p) = paint(row - 1, col) {
                    t.modify(Cell::new(row, col), color(p));
                }
            }
        }
    }
    trimmed(&t.to_string())
}

/// The same table without colour, drawn directly: each row as tall as its tallest cell
/// (cells hold wrapped lines), each column as wide as its widest line, and no space at
/// the end of a line. A listing of a national catalogue is ten thousand rows, which this
/// draws several times as fast as the general grid; a property test holds the two to the
/// same output.
fn plain(records: &[Vec<String>]) -> String {
    let columns = records.iter().map(Vec::len).max().unwrap_or(0);
    let mut widths = vec![0usize; columns];
    for r in records {
        for (i, cell) in r.iter().enumerate() {
            for line in cell.split('\n') {
                widths[i] = widths[i].max(line.width());
            }
        }
    }
    let mut out = String::new();
    let mut lines: Vec<std::str::Split<'_, char>> = Vec::with_capacity(columns);
    for r in records {
        let height = r.iter().map(|c| c.split('\n').count()).max().unwrap_or(1);
        lines.clear();
        lines.extend(r.iter().map(|c| c.split('\n')));
        for _ in 0..height {
            let start = out.len();
            for (i, width) in widths.iter().enumerate() {
                let text = lines.get_mut(i).and_then(Iterator::next).unwrap_or("");
                out.push_str(text);
                if i + 1 < columns {
                    let pad = width.saturating_sub(text.width()) + GAP;
                    out.extend(std::iter::repeat_n(' ', pad));
                }
            }
            let kept = out[start..].trim_end().len();
            out.truncate(start + kept);
            out.push('\n');
        }
    }
    if out.is_empty() {
        out.push('\n');
    }
    out
}

/// Every line with its trailing spaces removed, ending with a newline.
fn trimmed(table: &str) -> String {
    let mut out = table
        .lines()
        .map(str::trim_end)
        .collect::<Vec<_>>()
        .join("\n");
    out.push('\n');
    out
}

/// Wrapping at ASCII spaces only, first fit, never inside a word (not even at a hyphen:
/// ids such as `AGPL-3.0-or-later` are copied from tables).
fn options(width: usize) -> textwrap::Options<'static> {
    textwrap::Options::new(width)
        .break_words(false)
        .word_separator(WordSeparator::AsciiSpace)
        .word_splitter(WordSplitter::NoHyphenation)
        .wrap_algorithm(WrapAlgorithm::FirstFit)
}

/// The width of each column so that the table fits `target` if it can (see the module
/// documentation): `natural` widths, each column's `longest_word`, the `wrappable`
/// columns most willing first.
fn fit(
    natural: &[usize],
    longest_word: &[usize],
    wrappable: &[usize],
    target: usize,
) -> Vec<usize> {
    let columns = natural.len();
    let total = |w: &[usize]| w.iter().sum::<usize>() + GAP * columns.saturating_sub(1);
    let all: Vec<usize> = (0..columns).rev().collect();
    let willing: Vec<usize> = wrappable.iter().copied().filter(|&i| i < columns).collect();
    let but_first: Vec<usize> = all.iter().copied().filter(|&i| i > 0).collect();
    let mut widths = natural.to_vec();
    let mut shrink = |candidates: &[usize], floor: &dyn Fn(usize) -> usize| {
        while total(&widths) > target {
            let Some(&i) = candidates
                .iter()
                .filter(|&&i| widths[i] > floor(i))
                .max_by_key(|&&i| widths[i])
            else {
                break;
            };
            widths[i] -= 1;
        }
    };
    shrink(&willing, &|i| longest_word[i].max(WRAP_MIN));
    shrink(&all, &|i| longest_word[i]);
    shrink(&willing, &|_| CUT_MIN);
    // Unless it is willing, the first column (which names the row) is cut last.
    shrink(&but_first, &|_| CUT_MIN);
    shrink(&all, &|_| CUT_MIN);
    widths
}

/// `cell` wrapped at spaces to `width`, each word that is still too long cut with `…`.
fn fit_cell(cell: &str, width: usize) -> String {
    textwrap::wrap(cell, options(width))
        .iter()
        .map(|line| cut(line, width))
        .collect::<Vec<_>>()
        .join("\n")
}

/// `line` cut to `width` columns, ending with `…` when cut.
fn cut(line: &str, width: usize) -> String {
    if line.width() <= width {
        return line.to_owned();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in line.chars() {
        let w = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if used + w + 1 > width {
            break;
        }
        out.push(c);
        used += w;
    }
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(width: usize) -> Layout {
        Layout {
            width,
            color: false,
        }
    }

    #[test]
    fn wraps_at_spaces_never_inside_a_word() {
        let out = at(40).table(
            &["id", "capabilities"],
            [vec![
                "bramblewick-income",
                "income-management, payments, refunds",
            ]],
        );
        assert_eq!(
            out,
            "ID                  CAPABILITIES\n\
             bramblewick-income  income-management,\n\
             \x20                   payments, refunds\n"
        );
    }

    #[test]
    fn cuts_a_word_wider_than_its_column_with_an_ellipsis() {
        assert_eq!(cut("street-asset-management", 10), "street-as…");
        assert_eq!(fit_cell("AGPL-3.0-or-later MIT", 10), "AGPL-3.0-…\nMIT");
    }

    #[test]
    fn fits_willing_columns_first_then_any() {
        // 20 + 2 + 30: the willing column wraps to its longest word (14); then it is
        // cut, down to ten, before the other.
        let w = fit(&[20, 30], &[20, 14], &[1], 36);
        assert_eq!(w, vec![20, 14]);
        let w = fit(&[20, 30], &[20, 14], &[1], 30);
        assert_eq!(w, vec![18, 10]);
        // A column that is not willing is cut before the first, which names the row.
        let w = fit(&[20, 30, 20], &[20, 30, 20], &[2], 40);
        assert_eq!(w, vec![16, 10, 10]);
        // Nothing goes below ten: the table is then wider than asked.
        let w = fit(&[20, 30], &[20, 14], &[1], 10);
        assert_eq!(w, vec![10, 10]);
    }

    #[test]
    fn wraps_prose_with_a_hanging_indent() {
        let out = at(40).wrap(
            "differences: licence MIT → Proprietary; kind self-hosted → saas",
            6,
            10,
        );
        assert_eq!(
            out,
            "      differences: licence MIT →\n          Proprietary; kind self-hosted\n          → saas\n"
        );
        assert_eq!(at(40).wrap("", 2, 4), "\n");
    }

    proptest::proptest! {
        /// Drawn directly or by tabled, a table without colour is the same text: cells
        /// of any width (wide and zero-width characters too), wrapped over lines or
        /// empty, in rows of any height.
        #[test]
        fn the_plain_table_is_the_grid_without_colour(
            rows in proptest::collection::vec(
                proptest::collection::vec("(|[a-z ]{1,12}|[a-z]{1,5}\n[a-z ]{0,7}|宽字 ?|e\u{301}|[ a-z]{1,3}\n\n[a-z]{1,3})", 3),
                1..8,
            ),
        ) {
            let records: Vec<Vec<String>> = rows;
            proptest::prop_assert_eq!(plain(&records), grid(records.clone(), None));
        }
    }

    #[test]
    fn paints_header_and_chosen_cells_only() {
        let layout = Layout {
            width: 80,
            color: true,
        };
        let out = layout.table_painted(&["a", "b"], [vec!["x", "LOCK-IN"]], &[1], |_, c| {
            (c == 1).then_some(Paint::LockIn)
        });
        assert!(
            out.contains("\u{1b}[1m\u{1b}[31mLOCK-IN\u{1b}[0m"),
            "{out:?}"
        );
        assert!(out.contains("\u{1b}[1mA\u{1b}[0m"), "{out:?}");
        assert!(out.contains("\nx  "), "{out:?}");
    }
}
