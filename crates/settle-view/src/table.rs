//! Tables as views hold them: a header and rows of cells, rendered as aligned plain text for a
//! terminal (and as HTML tables by the templates).

use rust_decimal::Decimal;
use serde::Serialize;

/// A table: column names and rows of cells (already formatted).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Table {
    /// Column names.
    pub columns: Vec<String>,
    /// Rows, one cell per column.
    pub rows: Vec<Vec<String>>,
    /// Each column's alignment in a page: `num` (right, figures), `text` (left, kept on one
    /// line) or `long` (left, wrapped: a column with a cell of more than 40 characters).
    pub align: Vec<&'static str>,
}

/// Whether a cell reads as a figure: an amount, a count, a percentage, a share.
fn is_figure(cell: &str) -> bool {
    let body = cell.trim_start_matches(['+', '-']).trim_end_matches('%');
    !body.is_empty()
        && body
            .chars()
            .all(|c| c.is_ascii_digit() || c == ',' || c == '.')
        && body.chars().next().is_some_and(|c| c.is_ascii_digit())
}

impl Table {
    /// A table with these column names and rows.
    pub fn new(columns: &[&str], rows: Vec<Vec<String>>) -> Table {
        // A column is aligned as figures when every cell in it that is not empty or `-`/`n/a`
        // reads as one.
        let align = (0..columns.len())
            .map(|i| {
                let mut cells = rows
                    .iter()
                    .filter_map(|r| r.get(i))
                    .filter(|c| !matches!(c.as_str(), "" | "-" | "n/a"))
                    .peekable();
                let long = rows
                    .iter()
                    .filter_map(|r| r.get(i))
                    .any(|c| c.chars().count() > 40);
                if cells.peek().is_some() && cells.all(|c| is_figure(c)) {
                    "num"
                } else if long {
                    "long"
                } else {
                    "text"
                }
            })
            .collect();
        Table {
            columns: columns.iter().map(|c| c.to_string()).collect(),
            rows,
            align,
        }
    }

    /// The table as aligned text, each line starting with `indent`.
    pub fn text(&self, indent: &str) -> String {
        let header: Vec<&str> = self.columns.iter().map(String::as_str).collect();
        render(&header, &self.rows, indent)
    }
}

/// Renders rows under a header, columns padded to their widest cell, two spaces apart.
pub fn render(header: &[&str], rows: &[Vec<String>], indent: &str) -> String {
    let cols = header.len();
    // Terminal columns, not characters: a Chinese character takes two.
    let w = crate::l10n::width;
    let mut width: Vec<usize> = header.iter().map(|h| w(h)).collect();
    for r in rows {
        for (i, c) in r.iter().enumerate().take(cols) {
            width[i] = width[i].max(w(c));
        }
    }
    let line = |cells: Vec<&str>| {
        let mut s = String::from(indent);
        for (i, c) in cells.iter().enumerate() {
            s.push_str(c);
            if i + 1 < cells.len() {
                s.push_str(&" ".repeat(width[i].saturating_sub(w(c)) + 2));
            }
        }
        s.trim_end().to_string() + "\n"
    };
    let mut out = line(header.to_vec());
    for r in rows {
        out.push_str(&line(r.iter().map(String::as_str).collect()));
    }
    out
}

/// An amount, already rounded to its currency, with its thousands grouped: `-1,131,103.08`.
pub fn money(m: Decimal) -> String {
    settle_engine::money::group_thousands(&m.to_string())
}

/// Amounts in several currencies, one after the other: `EUR 1,200.00, USD -350.50`.
pub fn amounts<'a>(list: impl IntoIterator<Item = (&'a String, Decimal)>) -> String {
    list.into_iter()
        .map(|(currency, m)| format!("{currency} {}", money(m)))
        .collect::<Vec<_>>()
        .join(", ")
}
