//! Text and JSON output.

use anyhow::Result;
use serde::Serialize;

/// Prints a value as pretty JSON.
pub fn json<T: Serialize + ?Sized>(value: &T) -> Result<()> {
    println!("{}", serde_json::to_string_pretty(value)?);
    Ok(())
}

/// A table with aligned columns; the last column is not padded.
#[derive(Debug, Default)]
pub struct Table {
    rows: Vec<Vec<String>>,
}

impl Table {
    /// A table with a header row.
    pub fn new(header: &[&str]) -> Self {
        Table { rows: vec![header.iter().map(|h| h.to_uppercase()).collect()] }
    }

    /// Adds a row.
    pub fn row(&mut self, cells: Vec<String>) {
        self.rows.push(cells);
    }

    /// The rendered table.
    pub fn render(&self) -> String {
        let cols = self.rows.iter().map(Vec::len).max().unwrap_or(0);
        let widths: Vec<usize> = (0..cols)
            .map(|c| {
                self.rows
                    .iter()
                    .filter_map(|r| r.get(c))
                    .map(|s| s.chars().count())
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        let mut out = String::new();
        for r in &self.rows {
            let mut line = String::new();
            for (c, cell) in r.iter().enumerate() {
                if c + 1 < r.len() {
                    line.push_str(cell);
                    line.push_str(&" ".repeat(widths[c] - cell.chars().count() + 2));
                } else {
                    line.push_str(cell);
                }
            }
            out.push_str(line.trim_end());
            out.push('\n');
        }
        out
    }

    /// Prints the table.
    pub fn print(&self) {
        print!("{}", self.render());
    }
}

/// `label: value` lines with aligned values, skipping empty values.
#[derive(Debug, Default)]
pub struct Fields {
    rows: Vec<(String, String)>,
}

impl Fields {
    /// Adds a field when the value is not empty.
    pub fn add(&mut self, label: &str, value: impl Into<String>) {
        let v = value.into();
        if !v.trim().is_empty() {
            self.rows.push((label.to_string(), v));
        }
    }

    /// Prints the fields.
    pub fn print(&self) {
        let w = self.rows.iter().map(|(l, _)| l.chars().count()).max().unwrap_or(0);
        for (l, v) in &self.rows {
            let mut lines = v.lines();
            println!("{l:>w$}  {}", lines.next().unwrap_or_default());
            for more in lines {
                println!("{:>w$}  {more}", "");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aligns_columns() {
        let mut t = Table::new(&["name", "org"]);
        t.row(vec!["Ada Lovelace".into(), "Acme".into()]);
        t.row(vec!["Bo".into(), "".into()]);
        assert_eq!(t.render(), "NAME          ORG\nAda Lovelace  Acme\nBo\n");
    }
}
