//! History files: past claims, one per JSON line (JSONL) or per CSV row, read in batches so
//! that memory does not grow with the history's length. The formats are docs/history-format.md.

use crate::fast;
use settle_engine::Claim;
use settle_engine::schema::{Field, Kind as ValueKind, OutcomeField, Presence, Section, Value};
use settle_rules::node::{Key, Kind, Node};
use settle_rules::{Format, SourceFile};
use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;

/// The two history formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HistoryFormat {
    /// One claim per line, as JSON in the claim-file structure.
    Jsonl,
    /// One claim per row, flat columns ([`csv_columns`]).
    Csv,
}

impl HistoryFormat {
    /// `.csv` is CSV; anything else JSON Lines.
    pub fn of_path(path: &Path) -> HistoryFormat {
        match path.extension().and_then(|e| e.to_str()) {
            Some(e) if e.eq_ignore_ascii_case("csv") => HistoryFormat::Csv,
            _ => HistoryFormat::Jsonl,
        }
    }
}

/// A history could not be read at all (as opposed to one bad record, which is counted).
#[derive(Debug, thiserror::Error)]
pub enum HistoryError {
    /// The file could not be opened or read.
    #[error("cannot read {path}: {source}")]
    Io {
        /// The path as given.
        path: String,
        /// What the operating system said.
        source: std::io::Error,
    },
    /// A CSV history's header row is missing or names the wrong columns.
    #[error("{path}: {message}")]
    Header {
        /// The path as given.
        path: String,
        /// What is wrong with the header.
        message: String,
    },
}

/// One record as read, before it is parsed (parsing runs in parallel).
#[derive(Debug, Clone)]
pub enum RawRecord {
    /// A JSON line and its line number.
    Json {
        /// 1-based line number.
        line: u64,
        /// The line's text, without its line break.
        text: String,
    },
    /// A CSV row and the line it starts on.
    Csv {
        /// 1-based line the row starts on.
        line: u64,
        /// The header's column names, shared by every row.
        header: std::sync::Arc<Vec<String>>,
        /// The row's fields.
        row: csv::StringRecord,
    },
    /// A line that could not even be read as text.
    Unreadable {
        /// 1-based line number.
        line: u64,
        /// The reason, as [`BadRecord::reason`]: `encoding`, `csv` or `too_long`.
        reason: &'static str,
        /// Why it could not be read (e.g. not UTF-8).
        message: String,
    },
}

impl RawRecord {
    /// The line the record starts on (1-based).
    pub fn line(&self) -> u64 {
        match self {
            RawRecord::Json { line, .. }
            | RawRecord::Csv { line, .. }
            | RawRecord::Unreadable { line, .. } => *line,
        }
    }
}

/// A record that is not a valid claim: where, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadRecord {
    /// The 1-based line the record starts on.
    pub line: u64,
    /// A short, stable reason used to group bad records: `json`, `csv`, `claim`, `encoding`,
    /// `too_long` (docs/history-format.md).
    pub reason: &'static str,
    /// The full message, naming the field and value where there is one.
    pub message: String,
}

/// The most one record may hold (a JSON line, a CSV row): 8 MiB. A claim with thousands of
/// rounds is a few hundred kilobytes; a longer line (a file with no line breaks, say) is skipped
/// as `too_long` without being held in memory.
pub const MAX_RECORD_BYTES: usize = 8 << 20;

/// A batch ends early once its records hold this much text, so that two batches in memory stay
/// small whatever the records' length.
const MAX_BATCH_BYTES: usize = 64 << 20;

/// Reads up to and including the next line break into `buf` (emptied first), keeping at most
/// `max` bytes of it: a longer line is read to its end and dropped. Returns the bytes read and
/// whether the line was dropped.
fn read_line_bounded(
    r: &mut impl BufRead,
    buf: &mut Vec<u8>,
    max: usize,
) -> std::io::Result<(usize, bool)> {
    buf.clear();
    let (mut read, mut dropped) = (0usize, false);
    loop {
        let available = match r.fill_buf() {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if available.is_empty() {
            return Ok((read, dropped));
        }
        let (n, end) = match memchr::memchr(b'\n', available) {
            Some(i) => (i + 1, true),
            None => (available.len(), false),
        };
        if !dropped {
            // Room for the line break and a carriage return on top of `max`.
            if buf.len() + n > max + 2 {
                dropped = true;
                buf.clear();
                buf.shrink_to(1 << 16);
            } else {
                buf.extend_from_slice(&available[..n]);
            }
        }
        r.consume(n);
        read += n;
        if end {
            return Ok((read, dropped));
        }
    }
}

/// A reader that fails once a line runs past [`MAX_RECORD_BYTES`] (for CSV, whose reader holds
/// a whole row in memory): the history is then read no further.
struct LineLimit<R> {
    inner: R,
    run: usize,
    line: u64,
}

impl<R: Read> Read for LineLimit<R> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(out)?;
        for chunk in out[..n].split_inclusive(|b| *b == b'\n') {
            self.run += chunk.len();
            if self.run > MAX_RECORD_BYTES + 2 {
                return Err(std::io::Error::new(
                    std::io::ErrorKind::InvalidData,
                    format!(
                        "line {} is longer than {MAX_RECORD_BYTES} bytes, the most a record may hold; the rest of the history is not read",
                        self.line + 1
                    ),
                ));
            }
            if chunk.ends_with(b"\n") {
                self.run = 0;
                self.line += 1;
            }
        }
        Ok(n)
    }
}

/// Streams a history's records in batches.
pub struct HistoryReader {
    format: HistoryFormat,
    lines: Option<BufReader<Box<dyn Read + Send>>>,
    csv: Option<csv::Reader<Box<dyn Read + Send>>>,
    header: std::sync::Arc<Vec<String>>,
    line: u64,
    buf: Vec<u8>,
    bytes: u64,
    /// A CSV history that failed to read (a row too long, an I/O error) is read no further.
    stopped: bool,
}

impl HistoryReader {
    /// Bytes read so far (for progress).
    pub fn bytes_read(&self) -> u64 {
        match &self.csv {
            Some(r) => r.position().byte(),
            None => self.bytes,
        }
    }

    /// Opens a history file (`-`: standard input) in the format its name says (JSON Lines for
    /// standard input); CSV headers are checked here.
    pub fn open(path: &Path) -> Result<HistoryReader, HistoryError> {
        HistoryReader::open_as(path, None)
    }

    /// [`HistoryReader::open`] in the given format, or the one its name says.
    pub fn open_as(
        path: &Path,
        format: Option<HistoryFormat>,
    ) -> Result<HistoryReader, HistoryError> {
        let shown = path.display().to_string();
        if path == Path::new("-") {
            let format = format.unwrap_or(HistoryFormat::Jsonl);
            return HistoryReader::new(Box::new(std::io::stdin()), format, "standard input");
        }
        let file = std::fs::File::open(path).map_err(|source| HistoryError::Io {
            path: shown.clone(),
            source,
        })?;
        let format = format.unwrap_or_else(|| HistoryFormat::of_path(path));
        HistoryReader::new(Box::new(file), format, &shown)
    }

    /// Reads a history from any reader.
    pub fn new(
        input: Box<dyn Read + Send>,
        format: HistoryFormat,
        shown: &str,
    ) -> Result<HistoryReader, HistoryError> {
        match format {
            HistoryFormat::Jsonl => Ok(HistoryReader {
                format,
                lines: Some(BufReader::with_capacity(1 << 20, input)),
                csv: None,
                header: Default::default(),
                line: 0,
                buf: Vec::new(),
                bytes: 0,
                stopped: false,
            }),
            HistoryFormat::Csv => {
                let limited: Box<dyn Read + Send> = Box::new(LineLimit {
                    inner: input,
                    run: 0,
                    line: 0,
                });
                let mut r = csv::ReaderBuilder::new()
                    .has_headers(true)
                    .flexible(true)
                    .from_reader(limited);
                let headers = r
                    .headers()
                    .map_err(|e| HistoryError::Header {
                        path: shown.to_string(),
                        message: e.to_string(),
                    })?
                    .clone();
                let got: Vec<String> = headers.iter().map(str::to_string).collect();
                check_header(&got).map_err(|message| HistoryError::Header {
                    path: shown.to_string(),
                    message: format!("line 1: {message}"),
                })?;
                Ok(HistoryReader {
                    format,
                    lines: None,
                    csv: Some(r),
                    header: std::sync::Arc::new(got),
                    line: 1,
                    buf: Vec::new(),
                    bytes: 0,
                    stopped: false,
                })
            }
        }
    }

    /// The format being read.
    pub fn format(&self) -> HistoryFormat {
        self.format
    }

    /// Up to `n` more records; an empty batch means the end. Blank JSONL lines are not records.
    pub fn next_batch(&mut self, n: usize) -> std::io::Result<Vec<RawRecord>> {
        let mut out = Vec::with_capacity(n);
        self.fill_batch(&mut out, n)?;
        Ok(out)
    }

    /// [`HistoryReader::next_batch`] into `out` (emptied first), reusing its room: a replay
    /// keeps two batches' worth and swaps them, instead of asking for fresh memory per batch.
    pub fn fill_batch(&mut self, out: &mut Vec<RawRecord>, n: usize) -> std::io::Result<()> {
        out.clear();
        out.reserve(n);
        let mut held = 0usize;
        if let Some(lines) = &mut self.lines {
            while out.len() < n && held < MAX_BATCH_BYTES {
                let (n, dropped) = read_line_bounded(lines, &mut self.buf, MAX_RECORD_BYTES)?;
                if n == 0 {
                    break;
                }
                self.bytes += n as u64;
                self.line += 1;
                if dropped {
                    out.push(RawRecord::Unreadable {
                        line: self.line,
                        reason: "too_long",
                        message: format!(
                            "the line is {n} bytes long; a record may hold at most {MAX_RECORD_BYTES}"
                        ),
                    });
                    continue;
                }
                let bytes = self.buf.strip_suffix(b"\n").unwrap_or(&self.buf);
                let bytes = bytes.strip_suffix(b"\r").unwrap_or(bytes);
                if bytes.iter().all(u8::is_ascii_whitespace) {
                    continue;
                }
                held += bytes.len();
                match std::str::from_utf8(bytes) {
                    Ok(t) => out.push(RawRecord::Json {
                        line: self.line,
                        text: t.to_string(),
                    }),
                    Err(e) => out.push(RawRecord::Unreadable {
                        line: self.line,
                        reason: "encoding",
                        message: format!("not UTF-8 text: {e}"),
                    }),
                }
            }
        } else if let Some(r) = &mut self.csv {
            let mut row = csv::StringRecord::new();
            while out.len() < n && held < MAX_BATCH_BYTES && !self.stopped {
                match r.read_record(&mut row) {
                    Ok(false) => break,
                    Ok(true) => {
                        let line = row.position().map_or(self.line + 1, |p| p.line());
                        self.line = line;
                        held += row.as_slice().len();
                        out.push(RawRecord::Csv {
                            line,
                            header: self.header.clone(),
                            row: row.clone(),
                        });
                    }
                    Err(e) => {
                        let line = e.position().map_or(self.line + 1, |p| p.line());
                        self.line = line;
                        let (reason, message) = match e.kind() {
                            csv::ErrorKind::Utf8 { err, .. } => {
                                ("encoding", format!("not UTF-8 text: {err}"))
                            }
                            csv::ErrorKind::Io(io)
                                if io.kind() == std::io::ErrorKind::InvalidData =>
                            {
                                ("too_long", io.to_string())
                            }
                            _ => ("csv", format!("not a CSV row: {e}")),
                        };
                        out.push(RawRecord::Unreadable {
                            line,
                            reason,
                            message,
                        });
                        if matches!(e.kind(), csv::ErrorKind::Io(_)) {
                            self.stopped = true;
                        }
                    }
                }
            }
        }
        Ok(())
    }
}

/// Parses one record into a claim, or says why it is not one.
pub fn parse(raw: &RawRecord) -> Result<Claim, BadRecord> {
    match raw {
        RawRecord::Json { line, text } => {
            if let Some(c) = fast::parse(text) {
                return Ok(c);
            }
            let src = SourceFile::new(format!("line {line}"), text.as_str());
            settle_rules::parse_claim(&src, Format::Json).map_err(|diags| BadRecord {
                line: *line,
                reason: if diags.iter().any(|d| d.message.starts_with("invalid JSON")) {
                    "json"
                } else {
                    "claim"
                },
                message: summarise(
                    diags
                        .iter()
                        .map(|d| format!("column {}: {}", d.column, d.message))
                        .collect(),
                ),
            })
        }
        RawRecord::Csv { line, header, row } => {
            csv_claim(header, row).map_err(|message| BadRecord {
                line: *line,
                reason: "claim",
                message,
            })
        }
        RawRecord::Unreadable {
            line,
            reason,
            message,
        } => Err(BadRecord {
            line: *line,
            reason,
            message: message.clone(),
        }),
    }
}

fn summarise(mut messages: Vec<String>) -> String {
    match messages.len() {
        0 => "not a valid claim".to_string(),
        1 => messages.remove(0),
        n => format!("{} (and {} more)", messages.remove(0), n - 1),
    }
}

/// What a CSV column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Column {
    /// A claim field (`order_value` for `order.value`).
    Field(Field),
    /// The rounds, as a JSON array in the claim-file structure.
    Rounds,
    /// A field of the outcome (`outcome_cost`).
    Outcome(OutcomeField),
}

/// Every column with its name, in the order they are written: the claim's fields as the schema
/// lists them (dots become underscores), `rounds`, then the outcome's fields.
fn columns() -> &'static [(String, Column)] {
    static COLUMNS: std::sync::OnceLock<Vec<(String, Column)>> = std::sync::OnceLock::new();
    COLUMNS.get_or_init(|| {
        let mut v: Vec<(String, Column)> = Field::CLAIM
            .iter()
            .map(|f| (f.name().replace('.', "_"), Column::Field(*f)))
            .collect();
        v.push(("rounds".to_string(), Column::Rounds));
        v.extend(
            OutcomeField::ALL
                .iter()
                .map(|f| (format!("outcome_{}", f.key()), Column::Outcome(*f))),
        );
        v
    })
}

/// The CSV columns, in the order they are written. Dates are `YYYY-MM-DD`, money decimal
/// strings, booleans `true`/`false`, an empty cell an absent optional field (or the default of
/// a version-2 field); `rounds` holds the rounds as a JSON array in the claim-file structure.
pub fn csv_columns() -> Vec<&'static str> {
    columns().iter().map(|(n, _)| n.as_str()).collect()
}

fn column(name: &str) -> Option<Column> {
    columns().iter().find(|(n, _)| n == name).map(|(_, c)| *c)
}

/// A header is valid when every column is known, none is repeated, and every required field
/// has its column; columns may come in any order, and version-2 columns may be left out.
fn check_header(got: &[String]) -> Result<(), String> {
    for (i, name) in got.iter().enumerate() {
        if column(name).is_none() {
            return Err(format!(
                "unknown column `{name}`; the columns are those of docs/history-format.md: {}",
                csv_columns().join(",")
            ));
        }
        if got[..i].contains(name) {
            return Err(format!("column `{name}` is given twice"));
        }
    }
    let missing: Vec<String> = Field::CLAIM
        .iter()
        .filter(|f| matches!(f.presence(), Presence::Required))
        .map(|f| f.name().replace('.', "_"))
        .filter(|n| !got.contains(n))
        .collect();
    if missing.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "the header has no column for {}; the columns are those of docs/history-format.md: {}",
            missing.join(", "),
            csv_columns().join(",")
        ))
    }
}

fn leaf(kind: Kind) -> Node {
    Node { span: 0..0, kind }
}

/// A cell as a node of the kind the schema reads: text stays text, whole numbers and booleans
/// are parsed (or kept as text, for the reader to report as mistyped).
fn cell(value: &str, kind: ValueKind) -> Node {
    match kind {
        ValueKind::Count(_) => match value.parse::<i128>() {
            Ok(n) => leaf(Kind::Int(n)),
            Err(_)
                if !value.is_empty()
                    && value
                        .strip_prefix('-')
                        .unwrap_or(value)
                        .bytes()
                        .all(|b| b.is_ascii_digit()) =>
            {
                leaf(Kind::BigInt(value.to_string()))
            }
            Err(_) => leaf(Kind::Str(value.to_string())),
        },
        ValueKind::Bool => match value {
            "true" => leaf(Kind::Bool(true)),
            "false" => leaf(Kind::Bool(false)),
            other => leaf(Kind::Str(other.to_string())),
        },
        _ => leaf(Kind::Str(value.to_string())),
    }
}

/// A CSV row as a claim: the row becomes the claim's tree and is read by the same code as a
/// claim file, so it is validated the same way; messages name the claim field.
fn csv_claim(header: &[String], row: &csv::StringRecord) -> Result<Claim, String> {
    if row.len() != header.len() {
        return Err(format!(
            "the row has {} columns, not {}",
            row.len(),
            header.len()
        ));
    }
    let key = |name: &str| Key {
        name: name.to_string(),
        span: 0..0,
    };
    let mut tables: Vec<(&'static str, Vec<(Key, Node)>)> = Section::ALL
        .iter()
        .skip(1)
        .map(|s| (s.key(), Vec::new()))
        .chain(std::iter::once(("outcome", Vec::new())))
        .collect();
    let mut top: Vec<(Key, Node)> = Vec::new();
    let mut has_outcome = false;
    for (name, value) in header.iter().zip(row.iter()) {
        if value.is_empty() {
            continue;
        }
        match column(name) {
            Some(Column::Field(f)) => {
                let node = cell(value, f.kind().unwrap_or(ValueKind::Text));
                let field_key = f.name().rsplit_once('.').map_or(f.name(), |(_, k)| k);
                match f.section() {
                    Section::Top => top.push((key(field_key), node)),
                    s => {
                        if let Some(t) = tables.iter_mut().find(|(k, _)| *k == s.key()) {
                            t.1.push((key(field_key), node));
                        }
                    }
                }
            }
            Some(Column::Outcome(f)) => {
                has_outcome = true;
                if let Some(t) = tables.iter_mut().find(|(k, _)| *k == "outcome") {
                    t.1.push((key(f.key()), cell(value, f.kind())));
                }
            }
            Some(Column::Rounds) => {
                let src = SourceFile::new("rounds", value);
                let mut sink = settle_rules::diag::Sink::new(&src);
                match settle_rules::node::parse_json(value, &mut sink) {
                    Some(n) => top.push((key("round"), n)),
                    None => {
                        return Err(format!(
                            "column `rounds` is not a JSON array of rounds: {}",
                            sink.finish().first().map_or("", |d| d.message.as_str())
                        ));
                    }
                }
            }
            None => return Err(format!("unknown column `{name}`")),
        }
    }
    for (name, entries) in tables {
        if name != "outcome" || has_outcome {
            top.push((key(name), leaf(Kind::Table(entries))));
        }
    }
    let root = leaf(Kind::Table(top));
    let src = SourceFile::new("row", "");
    let mut sink = settle_rules::diag::Sink::new(&src);
    let claim = settle_rules::claim_file::claim_from_node(&root, &mut sink);
    let diags = sink.finish();
    match claim {
        Some(c) if diags.is_empty() => Ok(c),
        _ => Err(summarise(
            diags.into_iter().map(|d| csv_message(&d.message)).collect(),
        )),
    }
}

/// Names CSV columns rather than claim-file fields where they differ.
fn csv_message(message: &str) -> String {
    message.replace("`round[", "`rounds[")
}

/// Writes a claim as one JSON line (the claim-file structure, no spaces).
pub fn to_jsonl(claim: &Claim) -> String {
    serde_json::to_string(&settle_rules::claim_file::to_json(claim)).unwrap_or_default()
}

/// Writes the CSV header.
pub fn write_csv_header<W: Write>(w: &mut csv::Writer<W>) -> csv::Result<()> {
    w.write_record(csv_columns())
}

/// A value as a CSV cell (empty when absent).
fn cell_text(v: Value<'_>, kind: ValueKind) -> String {
    match v {
        Value::Text(t) => t.into_owned(),
        Value::Date(d) => d.to_string(),
        Value::Currency(c) => c.code().to_string(),
        Value::Money(m) => m.to_string(),
        Value::Count(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Sym(i) => {
            let names = match kind {
                ValueKind::Vocab(names) => names,
                ValueKind::Incoterm => settle_engine::claim::Incoterm::NAMES,
                _ => &[],
            };
            names
                .get(usize::from(i))
                .copied()
                .unwrap_or("?")
                .to_string()
        }
        Value::Absent => String::new(),
    }
}

/// Writes a claim as one CSV row, in the order of [`csv_columns`].
pub fn write_csv_row<W: Write>(w: &mut csv::Writer<W>, c: &Claim) -> csv::Result<()> {
    let row: Vec<String> = columns()
        .iter()
        .map(|(_, col)| match col {
            Column::Field(f) => cell_text(c.get(*f), f.kind().unwrap_or(ValueKind::Text)),
            Column::Rounds if c.rounds.is_empty() => String::new(),
            Column::Rounds => serde_json::to_string(&settle_rules::claim_file::to_json(c)["round"])
                .unwrap_or_default(),
            Column::Outcome(f) => c
                .outcome
                .as_ref()
                .map_or(String::new(), |o| cell_text(f.get(o), f.kind())),
        })
        .collect();
    w.write_record(&row)
}
