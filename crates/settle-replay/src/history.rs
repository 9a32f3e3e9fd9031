//! History files: past claims, one per JSON line (JSONL) or per CSV row, read in batches so
//! that memory does not grow with the history's length. The formats are docs/history-format.md.

use crate::fast;
use settle_engine::Claim;
use settle_rules::node::{Key, Kind, Node};
use settle_rules::{Format, SourceFile};
use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;

/// The two history formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HistoryFormat {
    /// One claim per line, as JSON in the claim-file structure.
    Jsonl,
    /// One claim per row, flat columns ([`CSV_COLUMNS`]).
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
        /// The row's fields.
        row: csv::StringRecord,
    },
    /// A line that could not even be read as text.
    Unreadable {
        /// 1-based line number.
        line: u64,
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
    /// A short, stable reason used to group bad records: `json`, `csv`, `claim`, `encoding`.
    pub reason: &'static str,
    /// The full message, naming the field and value where there is one.
    pub message: String,
}

/// Streams a history's records in batches.
pub struct HistoryReader {
    format: HistoryFormat,
    lines: Option<BufReader<Box<dyn Read + Send>>>,
    csv: Option<csv::Reader<Box<dyn Read + Send>>>,
    line: u64,
    buf: Vec<u8>,
    bytes: u64,
}

impl HistoryReader {
    /// Bytes read so far (for progress).
    pub fn bytes_read(&self) -> u64 {
        match &self.csv {
            Some(r) => r.position().byte(),
            None => self.bytes,
        }
    }

    /// Opens a history file; CSV headers are checked here.
    pub fn open(path: &Path) -> Result<HistoryReader, HistoryError> {
        let shown = path.display().to_string();
        let file = std::fs::File::open(path).map_err(|source| HistoryError::Io {
            path: shown.clone(),
            source,
        })?;
        HistoryReader::new(Box::new(file), HistoryFormat::of_path(path), &shown)
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
                line: 0,
                buf: Vec::new(),
                bytes: 0,
            }),
            HistoryFormat::Csv => {
                let mut r = csv::ReaderBuilder::new()
                    .has_headers(true)
                    .flexible(true)
                    .from_reader(input);
                let headers = r
                    .headers()
                    .map_err(|e| HistoryError::Header {
                        path: shown.to_string(),
                        message: e.to_string(),
                    })?
                    .clone();
                let got: Vec<&str> = headers.iter().collect();
                if got != CSV_COLUMNS {
                    return Err(HistoryError::Header {
                        path: shown.to_string(),
                        message: format!(
                            "line 1: the header must be the columns of docs/history-format.md, in order: {}",
                            CSV_COLUMNS.join(",")
                        ),
                    });
                }
                Ok(HistoryReader {
                    format,
                    lines: None,
                    csv: Some(r),
                    line: 1,
                    buf: Vec::new(),
                    bytes: 0,
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
        if let Some(lines) = &mut self.lines {
            while out.len() < n {
                self.buf.clear();
                let n = lines.read_until(b'\n', &mut self.buf)?;
                if n == 0 {
                    break;
                }
                self.bytes += n as u64;
                self.line += 1;
                let bytes = self.buf.strip_suffix(b"\n").unwrap_or(&self.buf);
                let bytes = bytes.strip_suffix(b"\r").unwrap_or(bytes);
                if bytes.iter().all(u8::is_ascii_whitespace) {
                    continue;
                }
                match std::str::from_utf8(bytes) {
                    Ok(t) => out.push(RawRecord::Json {
                        line: self.line,
                        text: t.to_string(),
                    }),
                    Err(e) => out.push(RawRecord::Unreadable {
                        line: self.line,
                        message: format!("not UTF-8 text: {e}"),
                    }),
                }
            }
        } else if let Some(r) = &mut self.csv {
            let mut row = csv::StringRecord::new();
            while out.len() < n {
                match r.read_record(&mut row) {
                    Ok(false) => break,
                    Ok(true) => {
                        let line = row.position().map_or(self.line + 1, |p| p.line());
                        self.line = line;
                        out.push(RawRecord::Csv {
                            line,
                            row: row.clone(),
                        });
                    }
                    Err(e) => {
                        let line = e.position().map_or(self.line + 1, |p| p.line());
                        self.line = line;
                        out.push(RawRecord::Unreadable {
                            line,
                            message: format!("not a CSV row: {e}"),
                        });
                        if matches!(e.kind(), csv::ErrorKind::Io(_)) {
                            break;
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
        RawRecord::Csv { line, row } => csv_claim(row).map_err(|message| BadRecord {
            line: *line,
            reason: "claim",
            message,
        }),
        RawRecord::Unreadable { line, message } => Err(BadRecord {
            line: *line,
            reason: if message.starts_with("not UTF-8") {
                "encoding"
            } else {
                "csv"
            },
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

/// The CSV columns, in order. Dates are `YYYY-MM-DD`, money decimal strings, booleans
/// `true`/`false`, an empty cell an absent optional field; `rounds` holds the rounds as a JSON
/// array in the claim-file structure.
pub const CSV_COLUMNS: &[&str] = &[
    "id",
    "received",
    "as_of",
    "currency",
    "customer_name",
    "customer_relationship",
    "customer_annual_purchases",
    "customer_years",
    "customer_past_claims",
    "order_number",
    "order_value",
    "order_paid",
    "order_quantity",
    "order_unit_cost",
    "order_incoterm",
    "order_stage",
    "order_delivered",
    "problem_kind",
    "problem_summary",
    "problem_category",
    "problem_affected",
    "problem_severity",
    "problem_repairable",
    "problem_still_needed",
    "evidence_buyer_photos",
    "evidence_inspection",
    "evidence_our_qc",
    "evidence_spec_in_contract",
    "evidence_spec_from_buyer",
    "evidence_carrier_noted",
    "evidence_misuse_signs",
    "evidence_buyer_changes",
    "evidence_buyer_paid_late",
    "evidence_progress_updates",
    "evidence_expert_opinion",
    "ask_remedy",
    "ask_amount",
    "rounds",
    "outcome_remedy",
    "outcome_amount",
    "outcome_cost",
    "outcome_closed",
    "outcome_retained",
];

/// How a CSV cell becomes a value in the claim's tree.
#[derive(Clone, Copy)]
enum Cell {
    Text,
    Int,
    Bool,
}

fn cell_kind(column: &str) -> Cell {
    match column {
        "customer_years" | "customer_past_claims" | "order_quantity" | "problem_affected" => {
            Cell::Int
        }
        "problem_repairable" | "problem_still_needed" | "outcome_retained" => Cell::Bool,
        c if c.starts_with("evidence_")
            && !matches!(
                c,
                "evidence_inspection" | "evidence_our_qc" | "evidence_expert_opinion"
            ) =>
        {
            Cell::Bool
        }
        _ => Cell::Text,
    }
}

fn leaf(kind: Kind) -> Node {
    Node { span: 0..0, kind }
}

/// A CSV row as a claim: the row becomes the claim's tree and is read by the same code as a
/// claim file, so it is validated the same way; messages name the claim field.
fn csv_claim(row: &csv::StringRecord) -> Result<Claim, String> {
    if row.len() != CSV_COLUMNS.len() {
        return Err(format!(
            "the row has {} columns, not {}",
            row.len(),
            CSV_COLUMNS.len()
        ));
    }
    let mut tables: Vec<(String, Vec<(Key, Node)>)> = Vec::new();
    let mut top: Vec<(Key, Node)> = Vec::new();
    for (column, value) in CSV_COLUMNS.iter().zip(row.iter()) {
        if value.is_empty() {
            continue;
        }
        let node = match (*column, cell_kind(column)) {
            ("rounds", _) => {
                let src = SourceFile::new("rounds", value);
                let mut sink = settle_rules::diag::Sink::new(&src);
                match settle_rules::node::parse_json(value, &mut sink) {
                    Some(n) => n,
                    None => {
                        return Err(format!(
                            "column `rounds` is not a JSON array of rounds: {}",
                            sink.finish().first().map_or("", |d| d.message.as_str())
                        ));
                    }
                }
            }
            (_, Cell::Int) => match value.parse::<i128>() {
                Ok(n) => leaf(Kind::Int(n)),
                Err(_) => leaf(Kind::Str(value.to_string())),
            },
            (_, Cell::Bool) => match value {
                "true" => leaf(Kind::Bool(true)),
                "false" => leaf(Kind::Bool(false)),
                other => leaf(Kind::Str(other.to_string())),
            },
            (_, Cell::Text) => leaf(Kind::Str(value.to_string())),
        };
        let key = |name: &str| Key {
            name: name.to_string(),
            span: 0..0,
        };
        match column.split_once('_').filter(|(t, _)| {
            matches!(
                *t,
                "customer" | "order" | "problem" | "evidence" | "ask" | "outcome"
            )
        }) {
            Some((table, field)) => {
                let i = match tables.iter().position(|(t, _)| t == table) {
                    Some(i) => i,
                    None => {
                        tables.push((table.to_string(), Vec::new()));
                        tables.len() - 1
                    }
                };
                tables[i].1.push((key(field), node));
            }
            None => top.push((
                key(if *column == "rounds" { "round" } else { column }),
                node,
            )),
        }
    }
    for (name, entries) in tables {
        top.push((Key { name, span: 0..0 }, leaf(Kind::Table(entries))));
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
    w.write_record(CSV_COLUMNS)
}

/// Writes a claim as one CSV row.
pub fn write_csv_row<W: Write>(w: &mut csv::Writer<W>, c: &Claim) -> csv::Result<()> {
    let d = |x: Option<time::Date>| x.map_or(String::new(), |d| d.to_string());
    let b = |x: bool| x.to_string();
    let o = c.outcome.as_ref();
    let rounds = if c.rounds.is_empty() {
        String::new()
    } else {
        serde_json::to_string(&settle_rules::claim_file::to_json(c)["round"]).unwrap_or_default()
    };
    let e = &c.evidence;
    w.write_record([
        c.id.clone(),
        c.received.to_string(),
        d(c.as_of),
        c.currency.code().to_string(),
        c.customer.name.clone(),
        c.customer.relationship.to_string(),
        c.customer.annual_purchases.to_string(),
        c.customer.years.to_string(),
        c.customer.past_claims.to_string(),
        c.order.number.clone().unwrap_or_default(),
        c.order.value.to_string(),
        c.order.paid.to_string(),
        c.order.quantity.to_string(),
        c.order.unit_cost.to_string(),
        c.order.incoterm.clone().unwrap_or_default(),
        c.order.stage.to_string(),
        d(c.order.delivered),
        c.problem.kind.to_string(),
        c.problem.summary.clone(),
        c.problem.category.clone(),
        c.problem.affected.to_string(),
        c.problem.severity.to_string(),
        b(c.problem.repairable),
        b(c.problem.still_needed),
        b(e.buyer_photos),
        e.inspection.to_string(),
        e.our_qc.to_string(),
        b(e.spec_in_contract),
        b(e.spec_from_buyer),
        b(e.carrier_noted),
        b(e.misuse_signs),
        b(e.buyer_changes),
        b(e.buyer_paid_late),
        b(e.progress_updates),
        e.expert_opinion.to_string(),
        c.ask.remedy.to_string(),
        c.ask.amount.to_string(),
        rounds,
        o.map_or(String::new(), |o| o.remedy.to_string()),
        o.map_or(String::new(), |o| o.amount.to_string()),
        o.map_or(String::new(), |o| o.cost.to_string()),
        d(o.map(|o| o.closed)),
        o.map_or(String::new(), |o| b(o.retained)),
    ])
}
