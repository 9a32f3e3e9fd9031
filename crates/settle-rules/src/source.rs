//! A source file held in memory, with the line index that turns byte offsets into
//! 1-based line and column numbers; and the reading of one from disk, with a size limit.

use std::io::Read;
use std::path::Path;

/// The most a claim, rule, rule-test or casebook file may hold: 8 MiB. Such files are written
/// by people (the largest shipped one is some 30 KB); a larger one is refused before it is
/// read, so that a wrong path (a history, a disk image) costs nothing.
pub const MAX_FILE_BYTES: u64 = 8 << 20;

/// Reads a text file of at most [`MAX_FILE_BYTES`]; a larger one, or one that is not UTF-8, is
/// an error of kind `InvalidData` that says so.
pub fn read_text(path: &Path) -> std::io::Result<String> {
    let file = std::fs::File::open(path)?;
    let too_large = |what: String| {
        std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!("the file is {what}; claim and rule files may be at most 8 MiB"),
        )
    };
    if let Ok(m) = file.metadata()
        && m.is_file()
        && m.len() > MAX_FILE_BYTES
    {
        return Err(too_large(format!(
            "{:.1} MiB",
            m.len() as f64 / f64::from(1u32 << 20)
        )));
    }
    let mut bytes = Vec::new();
    file.take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(too_large("larger than that".to_string()));
    }
    String::from_utf8(bytes).map_err(|_| {
        std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            "stream did not contain valid UTF-8",
        )
    })
}

/// A file's name (as shown in messages) and text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceFile {
    name: String,
    text: String,
    line_starts: Vec<usize>,
}

impl SourceFile {
    /// A source named `name` (a path as the user gave it) with `text`.
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> SourceFile {
        let text = text.into();
        let mut line_starts = vec![0];
        line_starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        SourceFile {
            name: name.into(),
            text,
            line_starts,
        }
    }

    /// The name shown in messages.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The text.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, offset: usize) -> (u32, u32) {
        let offset = offset.min(self.text.len());
        let line = match self.line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        let start = self.line_starts[line];
        let col = self
            .text
            .get(start..offset)
            .map_or(offset - start, |s| s.chars().count());
        (line as u32 + 1, col as u32 + 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_map_to_lines_and_character_columns() {
        let f = SourceFile::new("x", "ab\ncdé\n\nx");
        assert_eq!(f.line_col(0), (1, 1));
        assert_eq!(f.line_col(3), (2, 1));
        assert_eq!(f.line_col(7), (2, 4)); // after the two-byte é
        assert_eq!(f.line_col(8), (3, 1)); // the empty line
        assert_eq!(f.line_col(9), (4, 1));
        assert_eq!(f.line_col(10), (4, 2));
        assert_eq!(f.line_col(99), (4, 2)); // past the end: clamped
    }
}
