//! Gates on a report: the thresholds a rule change may not cross (exit 1 in the CLI).

use super::report::Report;
use rust_decimal::Decimal;

/// A gate on a report: why it fails, if it does.
pub fn gate(
    report: &Report,
    max_cost_increase: Option<Decimal>,
    max_changed: Option<u64>,
) -> Vec<String> {
    let mut failures = Vec::new();
    if let Some(limit) = max_cost_increase {
        for line in &report.cost {
            if let Some(pct) = line.change_percent
                && pct > limit
            {
                failures.push(format!(
                    "projected cost in {} rises {pct}%, above the limit of {limit}%",
                    line.currency
                ));
            }
        }
    }
    if let Some(limit) = max_changed
        && report.totals.changed > limit
    {
        failures.push(format!(
            "{} claims change advice, above the limit of {limit}",
            report.totals.changed
        ));
    }
    failures
}
