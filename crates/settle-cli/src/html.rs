//! `settle replay --html FILE`: one self-contained page (inline CSS and SVG, no scripts, no
//! external references) with the replay's tables and charts: cost by rule set, the transition
//! heat map, and the calibration plot.

use crate::table::{amounts, money};
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use settle_replay::replay::Report;
use std::fmt::Write;

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn f(d: Decimal) -> f64 {
    // Display only: chart geometry, never a figure shown as money.
    d.to_f64().unwrap_or(0.0)
}

const STYLE: &str = "body{font:14px/1.45 system-ui,sans-serif;margin:2em auto;max-width:1100px;color:#1d2733;padding:0 1em}\
h1{font-size:1.5em}h2{font-size:1.15em;margin-top:2em;border-bottom:1px solid #d5dde6;padding-bottom:.2em}\
table{border-collapse:collapse;margin:.6em 0}th,td{padding:.25em .7em;border-bottom:1px solid #e6ebf0;text-align:right}\
th{background:#f2f5f8}td:first-child,th:first-child{text-align:left}.note{color:#5b6b7c}.bad{color:#a3261b;font-weight:600}\
.hm td{text-align:center;min-width:4.5em}svg{background:#fbfcfd;border:1px solid #e6ebf0}";

/// The page.
pub fn report(r: &Report, failures: &[String]) -> String {
    let mut s = String::new();
    let t = &r.totals;
    let _ = write!(
        s,
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>settle replay: {}</title><style>{STYLE}</style></head><body>",
        esc(&r.history)
    );
    let _ = write!(
        s,
        "<h1>Replay of {}</h1><p>Baseline rules <b>{} {}</b> <span class=note>({})</span>, new rules <b>{} {}</b> <span class=note>({})</span>.</p>",
        esc(&r.history),
        esc(&r.baseline_rules.name),
        esc(&r.baseline_rules.version),
        &r.baseline_rules.hash[..12],
        esc(&r.new_rules.name),
        esc(&r.new_rules.version),
        &r.new_rules.hash[..12]
    );
    let _ = write!(
        s,
        "<table><tr><th>read</th><th>evaluated</th><th>skipped</th><th>changed advice</th></tr><tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr></table>",
        t.read, t.evaluated, t.skipped, t.changed
    );
    if !failures.is_empty() {
        let _ = write!(
            s,
            "<p class=bad>Gate failed: {}</p>",
            esc(&failures.join("; "))
        );
    }
    if !t.skipped_records.is_empty() {
        s.push_str(
            "<h2>Skipped records</h2><table><tr><th>line</th><th>reason</th><th>message</th></tr>",
        );
        for rec in &t.skipped_records {
            let _ = write!(
                s,
                "<tr><td>{}</td><td>{}</td><td style=text-align:left>{}</td></tr>",
                rec.line,
                esc(&rec.reason),
                esc(&rec.message)
            );
        }
        s.push_str("</table>");
    }

    s.push_str("<h2>Projected cost by rule set</h2>");
    s.push_str(&cost_chart(r));
    s.push_str("<table><tr><th>currency</th><th>claims</th><th>direct, baseline</th><th>direct, new</th><th>expected, baseline</th><th>expected, new</th><th>change</th><th>%</th></tr>");
    for c in &r.cost {
        let _ = write!(
            s,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(&c.currency),
            c.claims,
            money(c.baseline.direct),
            money(c.new.direct),
            money(c.baseline.expected),
            money(c.new.expected),
            money(c.change.expected),
            c.change_percent
                .map_or("n/a".to_string(), |p| format!("{p}%"))
        );
    }
    s.push_str("</table><table><tr><th>kind</th><th>currency</th><th>claims</th><th>expected, baseline</th><th>expected, new</th><th>change</th></tr>");
    for c in &r.by_kind {
        let _ = write!(
            s,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(c.kind.as_deref().unwrap_or("")),
            esc(&c.currency),
            c.claims,
            money(c.baseline.expected),
            money(c.new.expected),
            money(c.change.expected)
        );
    }
    s.push_str("</table>");

    s.push_str("<h2>Transitions: baseline move (rows) to new move (columns)</h2>");
    s.push_str(&heat_map(r));

    s.push_str("<h2>Calibration of the acceptance model</h2>");
    if r.outcomes.claims == 0 {
        s.push_str(
            "<p class=note>The history has no outcomes, so calibration cannot be measured.</p>",
        );
    } else {
        let _ = write!(
            s,
            "<p>{} claims with a known outcome. Brier score: baseline {}, new {} (lower is better). Advice matching the real remedy: baseline {}, new {}.</p>",
            r.outcomes.claims,
            r.outcomes
                .baseline
                .brier
                .map_or("n/a".into(), |b| b.to_string()),
            r.outcomes.new.brier.map_or("n/a".into(), |b| b.to_string()),
            r.outcomes
                .baseline
                .match_rate
                .map_or("n/a".into(), |b| b.to_string()),
            r.outcomes
                .new
                .match_rate
                .map_or("n/a".into(), |b| b.to_string()),
        );
        s.push_str(&calibration_plot(r));
        s.push_str("<table><tr><th>rules</th><th>move</th><th>retained</th><th>lost</th></tr>");
        for x in &r.outcomes.retention {
            let _ = write!(
                s,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                esc(&x.side),
                esc(&x.move_),
                x.retained,
                x.lost
            );
        }
        s.push_str("</table>");
    }

    s.push_str("<h2>Rules fired</h2><table><tr><th>rule</th><th>kind</th><th>baseline</th><th>new</th></tr>");
    for (id, kind, b, n) in r.rules.side_by_side() {
        let cell = |x: Option<u64>| match x {
            Some(0) => "<span class=bad>never</span>".to_string(),
            Some(x) => x.to_string(),
            None => "-".to_string(),
        };
        let _ = write!(
            s,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(id),
            esc(kind),
            cell(b),
            cell(n)
        );
    }
    s.push_str("</table>");

    s.push_str("<h2>Largest changes</h2><table><tr><th>line</th><th>claim</th><th>move</th><th>change</th><th>rules</th></tr>");
    for c in &r.largest_changes {
        let _ = write!(
            s,
            "<tr><td>{}</td><td>{}</td><td>{} &rarr; {}</td><td>{} {}</td><td style=text-align:left>{}</td></tr>",
            c.line,
            esc(&c.claim),
            esc(&c.from),
            esc(&c.to),
            esc(&c.currency),
            money(c.change),
            esc(&c.rules.join(" "))
        );
    }
    s.push_str("</table></body></html>\n");
    s
}

/// Grouped bars: projected (expected) cost per currency, baseline and new.
fn cost_chart(r: &Report) -> String {
    let mut s = String::new();
    let rows = r.cost.len().max(1);
    let height = 40 + rows * 56;
    let max = r
        .cost
        .iter()
        .map(|c| f(c.baseline.expected).max(f(c.new.expected)))
        .fold(0.0f64, f64::max)
        .max(1.0);
    let _ = write!(
        s,
        "<svg width=\"720\" height=\"{height}\" viewBox=\"0 0 720 {height}\" role=\"img\" aria-label=\"projected cost by rule set\">"
    );
    let _ = write!(
        s,
        "<rect x=\"160\" y=\"10\" width=\"12\" height=\"12\" fill=\"#8aa4c2\"/><text x=\"178\" y=\"21\" font-size=\"12\">baseline</text><rect x=\"250\" y=\"10\" width=\"12\" height=\"12\" fill=\"#2f6db5\"/><text x=\"268\" y=\"21\" font-size=\"12\">new</text>"
    );
    for (i, c) in r.cost.iter().enumerate() {
        let y = 36 + i * 56;
        let wb = f(c.baseline.expected) / max * 480.0;
        let wn = f(c.new.expected) / max * 480.0;
        let _ = write!(
            s,
            "<text x=\"10\" y=\"{}\" font-size=\"13\">{}</text><rect x=\"160\" y=\"{y}\" width=\"{wb:.1}\" height=\"20\" fill=\"#8aa4c2\"/><text x=\"{:.1}\" y=\"{}\" font-size=\"11\">{}</text><rect x=\"160\" y=\"{}\" width=\"{wn:.1}\" height=\"20\" fill=\"#2f6db5\"/><text x=\"{:.1}\" y=\"{}\" font-size=\"11\">{}</text>",
            y + 26,
            esc(&c.currency),
            166.0 + wb,
            y + 15,
            money(c.baseline.expected),
            y + 22,
            166.0 + wn,
            y + 37,
            money(c.new.expected)
        );
    }
    s.push_str("</svg>");
    s
}

/// The transition matrix as a table shaded by claim count.
fn heat_map(r: &Report) -> String {
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
    let mut s = String::from("<table class=hm><tr><th>baseline \\ new</th>");
    for t in &tos {
        let _ = write!(s, "<th>{}</th>", esc(t));
    }
    s.push_str("</tr>");
    for from in &froms {
        let _ = write!(s, "<tr><th>{}</th>", esc(from));
        for to in &tos {
            match r
                .transitions
                .iter()
                .find(|t| t.from == *from && t.to == *to)
            {
                Some(t) => {
                    let a = 0.08 + 0.8 * (t.moved.claims as f64 / max as f64);
                    let change = amounts(t.moved.change.iter().map(|x| (&x.currency, x.amount)));
                    let _ = write!(
                        s,
                        "<td style=\"background:rgba(47,109,181,{a:.2})\" title=\"{}\">{}</td>",
                        esc(&format!(
                            "{}; samples: {}",
                            change,
                            t.moved.samples.join(" ")
                        )),
                        t.moved.claims
                    );
                }
                None => s.push_str("<td></td>"),
            }
        }
        s.push_str("</tr>");
    }
    s.push_str("</table><p class=note>Cells count claims; hover for the change in projected cost and sample claims. The diagonal is unchanged advice.</p>");
    s
}

/// Predicted chance of acceptance against the observed share, per bin, for both rule sets.
fn calibration_plot(r: &Report) -> String {
    let mut s = String::from(
        "<svg width=\"420\" height=\"420\" viewBox=\"0 0 420 420\" role=\"img\" aria-label=\"calibration plot\">",
    );
    s.push_str("<line x1=\"40\" y1=\"380\" x2=\"380\" y2=\"40\" stroke=\"#c3ccd6\" stroke-dasharray=\"4 4\"/>");
    s.push_str("<line x1=\"40\" y1=\"380\" x2=\"380\" y2=\"380\" stroke=\"#5b6b7c\"/><line x1=\"40\" y1=\"380\" x2=\"40\" y2=\"40\" stroke=\"#5b6b7c\"/>");
    s.push_str("<text x=\"150\" y=\"410\" font-size=\"12\">predicted chance</text><text x=\"8\" y=\"30\" font-size=\"12\">observed share</text>");
    for (side, color) in [
        (&r.outcomes.baseline, "#8aa4c2"),
        (&r.outcomes.new, "#2f6db5"),
    ] {
        let mut pts = Vec::new();
        for b in &side.reliability {
            let x = 40.0 + f(b.predicted) * 340.0;
            let y = 380.0 - f(b.observed) * 340.0;
            let radius = 3.0 + (b.claims as f64).log10().max(0.0) * 2.0;
            let _ = write!(
                s,
                "<circle cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"{radius:.1}\" fill=\"{color}\" fill-opacity=\"0.7\"><title>{}: {} claims</title></circle>",
                esc(&b.range),
                b.claims
            );
            pts.push(format!("{x:.1},{y:.1}"));
        }
        if pts.len() > 1 {
            let _ = write!(
                s,
                "<polyline points=\"{}\" fill=\"none\" stroke=\"{color}\"/>",
                pts.join(" ")
            );
        }
    }
    s.push_str("<rect x=\"250\" y=\"330\" width=\"10\" height=\"10\" fill=\"#8aa4c2\"/><text x=\"265\" y=\"339\" font-size=\"11\">baseline</text><rect x=\"250\" y=\"348\" width=\"10\" height=\"10\" fill=\"#2f6db5\"/><text x=\"265\" y=\"357\" font-size=\"11\">new</text></svg>");
    s
}
