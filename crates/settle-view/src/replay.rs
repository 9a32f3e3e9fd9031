//! `settle replay`: the report as one view, built once from the replay's [`Report`] and
//! rendered as terminal text and as one self-contained HTML page (its JSON is the `Report`
//! itself, with the gates). Each section holds its lines and tables for both forms; charts are
//! drawn in the page only.

use crate::table::{Table, amounts, money};
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use serde::Serialize;
use settle_replay::replay::{Report, RuleChange};
use std::fmt::Write;

/// A part of a section.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Block {
    /// A line of text (a paragraph in the page).
    Line {
        /// The text.
        text: String,
        /// Its indent in the terminal.
        indent: &'static str,
    },
    /// A table.
    Table {
        /// The table.
        table: Table,
        /// Its indent in the terminal.
        indent: &'static str,
    },
    /// A chart, drawn in the page only.
    Chart {
        /// What to draw.
        chart: Chart,
    },
}

/// A chart, as geometry and labels (the page draws it as inline SVG or a shaded table).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Chart {
    /// Horizontal bars, one group per currency, each group on its own scale (amounts in
    /// different currencies are never compared).
    Bars {
        /// The groups, in currency order.
        groups: Vec<BarGroup>,
        /// The series' names, for the legend.
        series: Vec<String>,
    },
    /// The transition matrix: baseline moves down, new moves across, claims in each cell.
    Matrix {
        /// New moves.
        columns: Vec<String>,
        /// One row per baseline move.
        rows: Vec<MatrixRow>,
    },
    /// Predicted chance of acceptance against the observed share, per bin.
    Calibration {
        /// One series per rule set.
        series: Vec<Series>,
        /// Tick marks on both axes (0 to 1).
        ticks: Vec<Tick>,
    },
}

/// One currency's bars.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BarGroup {
    /// The currency.
    pub label: String,
    /// One bar per series.
    pub bars: Vec<Bar>,
}

/// A bar.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Bar {
    /// Its series' position (0: baseline, 1: new).
    pub series: usize,
    /// Its length, as a percentage (0 to 100) of the largest bar of its group.
    pub length: String,
    /// The figure it shows.
    pub value: String,
}

/// A row of the transition matrix.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MatrixRow {
    /// The baseline move.
    pub label: String,
    /// One cell per new move (none where no claim moved so).
    pub cells: Vec<Option<MatrixCell>>,
}

/// A cell of the transition matrix.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MatrixCell {
    /// Claims.
    pub claims: u64,
    /// The change in projected cost they moved.
    pub change: String,
    /// Sample claims.
    pub samples: String,
    /// Shade, 0.08 to 0.88, by claims against the largest cell.
    pub shade: String,
}

/// A series of the calibration plot.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Series {
    /// `baseline` or `new`.
    pub name: String,
    /// Points in plot units (x, y from 0 to 340; y from the top).
    pub points: Vec<Point>,
    /// The polyline through the points.
    pub path: String,
}

/// A point of the calibration plot.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Point {
    /// x, in plot units.
    pub x: String,
    /// y, in plot units (0 at the top: the observed share 1).
    pub y: String,
    /// Radius, by the claims in the bin.
    pub r: String,
    /// The bin and its claims.
    pub label: String,
}

/// A tick on the calibration plot's axes.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Tick {
    /// Position on the x axis in plot units.
    pub at: String,
    /// Position on the y axis in plot units (from the top).
    pub y: String,
    /// The value.
    pub label: String,
}

/// A section of the report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Section {
    /// An anchor for the page.
    pub id: &'static str,
    /// The heading.
    pub title: String,
    /// What it holds, in order.
    pub blocks: Vec<Block>,
}

/// The replay report, ready to render.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReportView {
    /// The history, as named.
    pub history: String,
    /// The baseline rule set: `name version (hash)`.
    pub baseline: String,
    /// The new rule set.
    pub new: String,
    /// Records read, evaluated, skipped and changed.
    pub counts: [(&'static str, u64); 4],
    /// Skipped records, by reason and the first few (terminal lines).
    pub skipped: Vec<String>,
    /// Warnings about the comparison itself (two rule sets that call themselves the same).
    pub warnings: Vec<String>,
    /// The sections, in order.
    pub sections: Vec<Section>,
    /// Why the gates failed (empty when they passed or none was set).
    pub failures: Vec<String>,
}

fn line(text: impl Into<String>, indent: &'static str) -> Block {
    Block::Line {
        text: text.into(),
        indent,
    }
}

fn table(table: Table, indent: &'static str) -> Block {
    Block::Table { table, indent }
}

fn pct(p: Option<Decimal>) -> String {
    p.map_or("n/a".to_string(), |p| {
        format!("{}{p}%", if p > Decimal::ZERO { "+" } else { "" })
    })
}

fn f(d: Decimal) -> f64 {
    // Chart geometry only, never a figure shown as money.
    d.to_f64().unwrap_or(0.0)
}

/// The rules that differ between two rule sets, as a table: one row per part that differs
/// (`seller: 1 -> 0.9`), not the whole rule on one line, so a manager sees what changed.
pub fn rule_changes_table(changes: &[RuleChange]) -> Table {
    let mut rows: Vec<Vec<String>> = Vec::new();
    for c in changes {
        let cells = c.differences.iter().map(|d| {
            let side = |v: &Option<String>| v.clone().unwrap_or_else(|| "(none)".to_string());
            let what = match c.change.as_str() {
                "added" => side(&d.new),
                "removed" => side(&d.baseline),
                _ => format!("{} -> {}", side(&d.baseline), side(&d.new)),
            };
            if d.part == "value" {
                what
            } else {
                format!("{}: {what}", d.part)
            }
        });
        for (i, what) in cells.enumerate() {
            rows.push(if i == 0 {
                vec![c.id.clone(), c.kind.clone(), c.change.clone(), what]
            } else {
                vec![String::new(), String::new(), String::new(), what]
            });
        }
    }
    Table::new(&["rule", "kind", "change", "what"], rows)
}

impl ReportView {
    /// The view of a report and its gates' failures.
    pub fn of(r: &Report, failures: &[String]) -> ReportView {
        let t = &r.totals;
        let mut skipped: Vec<String> = t
            .skipped_by_reason
            .iter()
            .map(|(reason, n)| format!("skipped ({reason}): {n}"))
            .collect();
        skipped.extend(
            t.skipped_records
                .iter()
                .map(|rec| format!("line {}: {}", rec.line, rec.message)),
        );
        if (t.skipped as usize) > t.skipped_records.len() {
            skipped.push(format!(
                "... {} more skipped records",
                t.skipped as usize - t.skipped_records.len()
            ));
        }
        let short = |x: &settle_replay::replay::RuleSetId| {
            format!(
                "{} {} ({})",
                x.name,
                x.version,
                &x.hash[..12.min(x.hash.len())]
            )
        };
        let mut sections = Vec::new();
        if !r.rule_changes.is_empty() {
            sections.push(Section {
                id: "rules-that-differ",
                title: "Rules that differ".to_string(),
                blocks: vec![table(rule_changes_table(&r.rule_changes), "  ")],
            });
        }
        sections.push(cost_section(r));
        sections.push(kind_section(r));
        sections.push(transitions_section(r));
        sections.push(rules_section(r));
        sections.push(outcomes_section(r));
        sections.push(largest_section(r));
        if !failures.is_empty() {
            sections.push(Section {
                id: "gate",
                title: "Gate failed".to_string(),
                blocks: failures.iter().map(|f| line(f.clone(), "  ")).collect(),
            });
        }
        let id = |x: &settle_replay::replay::RuleSetId| {
            (x.name.clone(), x.version.clone(), x.hash.clone())
        };
        let (a, b) = (id(&r.baseline_rules), id(&r.new_rules));
        let warnings = crate::same_name_warning((&a.0, &a.1, &a.2), (&b.0, &b.1, &b.2))
            .into_iter()
            .collect();
        ReportView {
            history: r.history.clone(),
            baseline: short(&r.baseline_rules),
            new: short(&r.new_rules),
            warnings,
            counts: [
                ("read", t.read),
                ("evaluated", t.evaluated),
                ("skipped", t.skipped),
                ("changed advice", t.changed),
            ],
            skipped,
            sections,
            failures: failures.to_vec(),
        }
    }

    /// The report as terminal text.
    pub fn text(&self) -> String {
        let mut s = String::new();
        let _ = writeln!(s, "Replay of {}", self.history);
        let _ = writeln!(s, "  baseline {}   new {}", self.baseline, self.new);
        let counts: Vec<String> = self
            .counts
            .iter()
            .map(|(what, n)| format!("{what} {n}"))
            .collect();
        for w in &self.warnings {
            let _ = writeln!(s, "  {w}");
        }
        let _ = writeln!(s, "  {}", counts.join("  "));
        for l in &self.skipped {
            let _ = writeln!(s, "    {l}");
        }
        for section in &self.sections {
            let _ = writeln!(s, "\n{}", section.title);
            for b in &section.blocks {
                match b {
                    Block::Line { text, indent } => {
                        let _ = writeln!(s, "{indent}{text}");
                    }
                    Block::Table { table, indent } => s.push_str(&table.text(indent)),
                    Block::Chart { .. } => {}
                }
            }
        }
        s
    }

    /// The report as one self-contained HTML page (inline CSS and SVG, no scripts, no
    /// external references).
    pub fn html(&self) -> Result<String, crate::html::Error> {
        crate::html::render("replay.html", self)
    }
}

fn cost_section(r: &Report) -> Section {
    let rows: Vec<Vec<String>> = r
        .cost
        .iter()
        .map(|c| {
            vec![
                c.currency.clone(),
                c.claims.to_string(),
                money(c.baseline.direct),
                money(c.new.direct),
                money(c.baseline.expected),
                money(c.new.expected),
                money(c.change.expected),
                pct(c.change_percent),
            ]
        })
        .collect();
    let groups = r
        .cost
        .iter()
        .map(|c| {
            let top = f(c.baseline.expected).max(f(c.new.expected)).max(1e-9);
            BarGroup {
                label: c.currency.clone(),
                bars: [c.baseline.expected, c.new.expected]
                    .iter()
                    .enumerate()
                    .map(|(series, v)| Bar {
                        series,
                        length: format!("{:.1}", (f(*v) / top * 100.0).clamp(0.0, 100.0)),
                        value: money(*v),
                    })
                    .collect(),
            }
        })
        .collect();
    Section {
        id: "cost",
        title: "Projected cost of the advice (direct cost; expected total cost)".to_string(),
        blocks: vec![
            Block::Chart {
                chart: Chart::Bars {
                    groups,
                    series: vec!["baseline".into(), "new".into()],
                },
            },
            table(
                Table::new(
                    &[
                        "currency",
                        "claims",
                        "direct (base)",
                        "direct (new)",
                        "expected (base)",
                        "expected (new)",
                        "change",
                        "%",
                    ],
                    rows,
                ),
                "  ",
            ),
        ],
    }
}

fn kind_section(r: &Report) -> Section {
    let rows: Vec<Vec<String>> = r
        .by_kind
        .iter()
        .map(|c| {
            vec![
                c.kind.clone().unwrap_or_default(),
                c.currency.clone(),
                c.claims.to_string(),
                money(c.baseline.expected),
                money(c.new.expected),
                money(c.change.expected),
                pct(c.change_percent),
            ]
        })
        .collect();
    Section {
        id: "by-kind",
        title: "By kind of claim (expected total cost)".to_string(),
        blocks: vec![table(
            Table::new(
                &[
                    "kind", "currency", "claims", "baseline", "new", "change", "%",
                ],
                rows,
            ),
            "  ",
        )],
    }
}

fn transitions_section(r: &Report) -> Section {
    let mut cells: Vec<_> = r.transitions.iter().collect();
    cells.sort_by(|a, b| {
        b.moved
            .claims
            .cmp(&a.moved.claims)
            .then(a.from.cmp(&b.from))
            .then(a.to.cmp(&b.to))
    });
    let change_of = |t: &settle_replay::replay::Transition| {
        amounts(t.moved.change.iter().map(|a| (&a.currency, a.amount)))
    };
    let rows: Vec<Vec<String>> = cells
        .iter()
        .map(|c| {
            vec![
                c.from.clone(),
                c.to.clone(),
                c.moved.claims.to_string(),
                change_of(c),
                c.moved.samples.join(" "),
            ]
        })
        .collect();
    let mut froms: Vec<&str> = r.transitions.iter().map(|t| t.from.as_str()).collect();
    let mut tos: Vec<&str> = r.transitions.iter().map(|t| t.to.as_str()).collect();
    froms.sort_unstable();
    froms.dedup();
    tos.sort_unstable();
    tos.dedup();
    let max = r
        .transitions
        .iter()
        .map(|t| t.moved.claims)
        .max()
        .unwrap_or(1)
        .max(1);
    let matrix = Chart::Matrix {
        columns: tos.iter().map(|t| t.to_string()).collect(),
        rows: froms
            .iter()
            .map(|from| MatrixRow {
                label: from.to_string(),
                cells: tos
                    .iter()
                    .map(|to| {
                        r.transitions
                            .iter()
                            .find(|t| t.from == *from && t.to == *to)
                            .map(|t| MatrixCell {
                                claims: t.moved.claims,
                                change: change_of(t),
                                samples: t.moved.samples.join(" "),
                                shade: format!(
                                    "{:.2}",
                                    0.08 + 0.8 * (t.moved.claims as f64 / max as f64)
                                ),
                            })
                    })
                    .collect(),
            })
            .collect(),
    };
    Section {
        id: "transitions",
        title: "Transitions (baseline move -> new move)".to_string(),
        blocks: vec![
            Block::Chart { chart: matrix },
            table(
                Table::new(&["from", "to", "claims", "change", "sample claims"], rows),
                "  ",
            ),
        ],
    }
}

fn rules_section(r: &Report) -> Section {
    let count = |x: Option<u64>| x.map_or("-".to_string(), |n| n.to_string());
    let rows: Vec<Vec<String>> = r
        .rules
        .side_by_side()
        .into_iter()
        .map(|(id, _, b, n)| vec![id.to_string(), count(b), count(n)])
        .collect();
    let mut blocks = vec![table(Table::new(&["rule", "baseline", "new"], rows), "  ")];
    if !r.rules.dead_new.is_empty() {
        blocks.push(line(
            format!(
                "never fired under the new rules: {}",
                r.rules.dead_new.join(", ")
            ),
            "  ",
        ));
    }
    Section {
        id: "rules",
        title: "Rules (times fired: baseline / new)".to_string(),
        blocks,
    }
}

fn outcomes_section(r: &Report) -> Section {
    let o = &r.outcomes;
    let mut blocks = Vec::new();
    if o.claims > 0 {
        let rate = |x: Option<Decimal>| x.map_or("n/a".to_string(), |v| v.to_string());
        blocks.push(table(
            Table::new(
                &["", "baseline", "new"],
                vec![
                    vec![
                        "advice matches the real remedy".to_string(),
                        rate(o.baseline.match_rate),
                        rate(o.new.match_rate),
                    ],
                    vec![
                        "Brier score of acceptance (lower is better)".to_string(),
                        rate(o.baseline.brier),
                        rate(o.new.brier),
                    ],
                ],
            ),
            "  ",
        ));
        // Money saved, per currency: the real cost of the claims less the advice's direct cost.
        let mut currencies: Vec<&String> = o
            .baseline
            .saved
            .iter()
            .chain(&o.new.saved)
            .map(|x| &x.currency)
            .collect();
        currencies.sort();
        currencies.dedup();
        let saved = |side: &settle_replay::replay::Against, c: &String| {
            side.saved
                .iter()
                .find(|x| &x.currency == c)
                .map_or("-".to_string(), |x| money(x.amount))
        };
        blocks.push(line(
            "Money saved by following the advice (the real cost less the advice's direct cost)",
            "  ",
        ));
        blocks.push(table(
            Table::new(
                &["currency", "baseline", "new"],
                currencies
                    .iter()
                    .map(|c| vec![c.to_string(), saved(&o.baseline, c), saved(&o.new, c)])
                    .collect(),
            ),
            "    ",
        ));
        blocks.push(Block::Chart {
            chart: calibration(r),
        });
        blocks.push(line(
            "Reliability of the new rules' acceptance (predicted vs observed)",
            "  ",
        ));
        let rows: Vec<Vec<String>> = o
            .new
            .reliability
            .iter()
            .map(|b| {
                vec![
                    b.range.clone(),
                    b.offers.to_string(),
                    b.predicted.to_string(),
                    b.observed.to_string(),
                ]
            })
            .collect();
        blocks.push(table(
            Table::new(&["chance", "offers", "predicted", "observed"], rows),
            "    ",
        ));
        blocks.push(line(
            "Customers retained and lost, by the advised move",
            "  ",
        ));
        let rows: Vec<Vec<String>> = o
            .retention
            .iter()
            .map(|x| {
                vec![
                    x.side.clone(),
                    x.move_.clone(),
                    x.retained.to_string(),
                    x.lost.to_string(),
                ]
            })
            .collect();
        blocks.push(table(
            Table::new(&["rules", "move", "retained", "lost"], rows),
            "    ",
        ));
    }
    Section {
        id: "outcomes",
        title: format!(
            "Against what really happened ({} claims with an outcome)",
            o.claims
        ),
        blocks,
    }
}

fn calibration(r: &Report) -> Chart {
    let o = &r.outcomes;
    let series = [("baseline", &o.baseline), ("new", &o.new)]
        .into_iter()
        .map(|(name, side)| {
            let points: Vec<Point> = side
                .reliability
                .iter()
                .map(|b| Point {
                    x: format!("{:.1}", f(b.predicted) * 340.0),
                    y: format!("{:.1}", 340.0 - f(b.observed) * 340.0),
                    r: format!("{:.1}", 3.0 + (b.offers as f64).log10().max(0.0) * 2.0),
                    label: format!("{}: {} offers", b.range, b.offers),
                })
                .collect();
            let path = points
                .iter()
                .map(|p| format!("{},{}", p.x, p.y))
                .collect::<Vec<_>>()
                .join(" ");
            Series {
                name: name.to_string(),
                points,
                path,
            }
        })
        .collect();
    let ticks = (0..=4)
        .map(|i| Tick {
            at: format!("{:.1}", f64::from(i) * 85.0),
            y: format!("{:.1}", 340.0 - f64::from(i) * 85.0),
            label: format!("{}", f64::from(i) / 4.0),
        })
        .collect();
    Chart::Calibration { series, ticks }
}

fn largest_section(r: &Report) -> Section {
    let rows: Vec<Vec<String>> = r
        .largest_changes
        .iter()
        .map(|c| {
            vec![
                c.line.to_string(),
                c.claim.clone(),
                format!("{} -> {}", c.from, c.to),
                format!("{} {}", c.currency, money(c.change)),
                c.rules.join(" "),
            ]
        })
        .collect();
    Section {
        id: "largest",
        title: "Largest changes in each currency (expected total cost)".to_string(),
        blocks: vec![table(
            Table::new(&["line", "claim", "move", "change", "rules"], rows),
            "  ",
        )],
    }
}
