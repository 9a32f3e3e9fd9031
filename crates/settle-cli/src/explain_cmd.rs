//! `settle explain CLAIM`: the full trace behind an advice, for a manager checking the rules.

use crate::check::{claim_or_report, rules_or_report};
use crate::{EXIT_BAD_INPUT, EXIT_OK, OutputFormat};
use anyhow::Result;
use rust_decimal::Decimal;
use serde_json::json;
use settle_engine::Evaluation as Explanation;
use settle_engine::{Claim, Playbook, words};
use std::fmt::Write;
use std::path::Path;

pub fn run(claim_path: &Path, rules: Option<&Path>, format: OutputFormat) -> Result<u8> {
    let Some(p) = rules_or_report(rules, "the rule set has errors; nothing explained")? else {
        return Ok(EXIT_BAD_INPUT);
    };
    let Some(claim) = claim_or_report(claim_path, "nothing explained")? else {
        return Ok(EXIT_BAD_INPUT);
    };
    let x = settle_engine::explain(&p, &claim)
        .map_err(|e| anyhow::anyhow!("{}: {e}", claim_path.display()))?;
    match format {
        OutputFormat::Text => print!("{}", text(&p, &claim, &x)),
        OutputFormat::Json => println!("{}", serde_json::to_string_pretty(&data(&p, &claim, &x))?),
    }
    Ok(EXIT_OK)
}

/// Why an option is not the recommendation, in words.
fn why_not(
    p: &Playbook,
    claim: &Claim,
    x: &Explanation,
    o: &settle_engine::OptionReport,
) -> String {
    let cur = &claim.currency;
    let a = &x.advice;
    let recommended = a.next.proposal.as_ref().map(|q| q.remedy);
    if !o.eligible || o.proposal.is_none() {
        return words::reasons(o, cur, p).join("; ");
    }
    if recommended == Some(o.remedy) {
        return "recommended".to_string();
    }
    match (o.expected_cost, a.next.expected_cost) {
        (Some(mine), Some(best)) if mine >= best => format!(
            "expected total cost {}, {} more than the recommended move ({})",
            cur.format(mine),
            cur.format(mine - best),
            cur.format(best)
        ),
        (Some(mine), _) => format!(
            "expected total cost {}; the move is decided by a rule, not by cost",
            cur.format(mine)
        ),
        _ => String::new(),
    }
}

fn text(p: &Playbook, claim: &Claim, x: &Explanation) -> String {
    let cur = &claim.currency;
    let a = &x.advice;
    let mut s = String::new();
    let _ = writeln!(
        s,
        "Explain {} under {} {} ({})",
        claim.id,
        p.name(),
        p.version(),
        &p.hash()[..12]
    );
    let _ = writeln!(s, "{}", words::next_move(&a.next, cur, p));
    let mut section = "";
    for c in &x.consulted {
        if c.section.as_str() != section {
            section = c.section.as_str();
            let title = match section {
                "responsibility" => format!("Responsibility (hit policy {})", p.responsibility().hit.as_str()),
                "eligibility" => "Eligibility: rules that block options".to_string(),
                "cost adjustment" => "Cost adjustments".to_string(),
                "escalation" => "Escalation".to_string(),
                _ => "Evidence requests (made only when responsibility is unclear and the claim is material)".to_string(),
            };
            let _ = writeln!(s, "\n{title}");
        }
        let info = p.rule(c.rule);
        let verdict = match (c.matched, c.decided) {
            (true, true) => "MATCH",
            (true, false) => "match (not consulted)",
            (false, true) => "no",
            (false, false) => "no (not consulted)",
        };
        let _ = writeln!(s, "  {:<6} {}  [{}]", verdict, info.id, p.cite(c.rule));
        for r in &c.reads {
            let _ = writeln!(
                s,
                "           {} {}   (needs {})",
                if r.passed { "✓" } else { "✗" },
                format_args!("{} is {}", r.field.name(), r.value),
                r.test
            );
        }
        if c.reads.is_empty() {
            let _ = writeln!(s, "           always");
        }
        if c.matched {
            let _ = writeln!(s, "           -> {}", c.sets);
        }
    }
    let _ = writeln!(s, "\nCosts in force");
    for (param, settle_engine::playbook::Param { value, rule }) in
        settle_engine::eval::costs_in_force(&a.costs)
    {
        let _ = writeln!(
            s,
            "  {:<16} {:<8} {} [{}]",
            param.name(),
            value.normalize(),
            p.rule(rule).id,
            p.cite(rule)
        );
    }
    let _ = writeln!(s, "\nFigures");
    let fig = |s: &mut String, name: &str, v: Decimal, how: &str| {
        let _ = writeln!(s, "  {name:<16} {:>18}  {how}", cur.format(v));
    };
    fig(
        &mut s,
        "loss basis",
        a.loss_basis,
        "the ask, capped at costs.foreseeable x the order value (CISG art. 74)",
    );
    fig(
        &mut s,
        "fair share",
        a.fair_share,
        "seller share x loss basis",
    );
    fig(
        &mut s,
        "customer value",
        a.customer_value,
        "annual purchases x margin x retention annuity",
    );
    fig(
        &mut s,
        "walk-away cost",
        a.tree.walk_cost,
        "withheld balance + award + dispute + customer lost",
    );
    fig(
        &mut s,
        "stalemate cost",
        a.tree.stalemate_cost,
        "granting the ask later + customer lost (seed 001)",
    );
    fig(
        &mut s,
        "bottom line",
        a.bottom_line,
        "least of: granting the ask, walking away, rejecting",
    );
    s.push_str(&crate::advise::basis_lines(p, a));
    let _ = writeln!(s, "\nOptions: the offers weighed, and why not");
    for o in &a.options {
        let _ = writeln!(s, "  {}: {}", o.remedy, why_not(p, claim, x, o));
        for c in a
            .tree
            .candidates
            .iter()
            .filter(|c| c.proposal.remedy == o.remedy)
        {
            let q = a
                .tree
                .candidates
                .iter()
                .position(|d| d == c)
                .and_then(|i| a.tree.expected(0, i).ok());
            let _ = writeln!(
                s,
                "      {}  cost {}  chance {}%  expected {}",
                words::proposal(&c.proposal, cur),
                cur.format(c.proposal.cost),
                (c.acceptance * Decimal::ONE_HUNDRED).round_dp(1),
                q.map_or(String::new(), |q| cur.format(q))
            );
        }
    }
    s
}

fn data(p: &Playbook, claim: &Claim, x: &Explanation) -> serde_json::Value {
    let cur = &claim.currency;
    let a = &x.advice;
    json!({
        "claim": claim.id,
        "rules": { "name": p.name(), "version": p.version(), "hash": p.hash() },
        "next": { "action": a.next.action.as_str(), "message": words::next_move(&a.next, cur, p) },
        "consulted": x.consulted.iter().map(|c| json!({
            "id": p.rule(c.rule).id,
            "at": p.cite(c.rule),
            "section": c.section.as_str(),
            "matched": c.matched,
            "consulted": c.decided,
            "reads": c.reads.iter().map(|r| json!({"field": r.field.name(), "value": r.value, "test": r.test, "passed": r.passed})).collect::<Vec<_>>(),
            "sets": c.sets,
        })).collect::<Vec<_>>(),
        "costs": settle_engine::eval::costs_in_force(&a.costs).iter().map(|(c, v)| json!({"param": c.name(), "value": v.value.normalize().to_string(), "rule": p.rule(v.rule).id, "at": p.cite(v.rule)})).collect::<Vec<_>>(),
        "figures": {
            "loss_basis": cur.round_string(a.loss_basis),
            "fair_share": cur.round_string(a.fair_share),
            "customer_value": cur.round_string(a.customer_value),
            "walk_cost": cur.round_string(a.tree.walk_cost),
            "stalemate_cost": cur.round_string(a.tree.stalemate_cost),
            "bottom_line": cur.round_string(a.bottom_line),
        },
        "options": a.options.iter().map(|o| json!({
            "option": o.remedy.as_str(),
            "why_not": why_not(p, claim, x, o),
            "offers": a.tree.candidates.iter().enumerate().filter(|(_, c)| c.proposal.remedy == o.remedy).map(|(i, c)| json!({
                "description": words::proposal(&c.proposal, cur),
                "amount": cur.round_string(c.proposal.amount),
                "cost": cur.round_string(c.proposal.cost),
                "acceptance": c.acceptance.round_dp(4).normalize().to_string(),
                "expected_cost": a.tree.expected(0, i).ok().map(|q| cur.round_string(q)),
            })).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
    })
}
