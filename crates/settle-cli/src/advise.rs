//! `settle advise`: the rep's view (text) and the stable data form (JSON, docs/output.md).

use crate::check::{claim_or_report, rules_or_report};
use crate::{EXIT_BAD_INPUT, EXIT_OK, OutputFormat, table};
use anyhow::{Context, Result};
use rust_decimal::Decimal;
use serde_json::{Value, json};
use settle_engine::claim::Remedy;
use settle_engine::playbook::RuleRef;
use settle_engine::pricing::Proposal;
use settle_engine::{Advice, Claim, Currency, Playbook, words};
use std::path::Path;

pub fn run(
    claim_path: &Path,
    rules: Option<&Path>,
    format: OutputFormat,
    tree: Option<&Path>,
) -> Result<u8> {
    let Some(playbook) = rules_or_report(rules, "the rule set has errors; no advice given")? else {
        return Ok(EXIT_BAD_INPUT);
    };
    let Some(claim) = claim_or_report(claim_path, "no advice given")? else {
        return Ok(EXIT_BAD_INPUT);
    };
    let advice = settle_engine::advise(&playbook, &claim).map_err(|e| {
        anyhow::anyhow!(
            "{}: {e}; the figures are too large to price",
            claim_path.display()
        )
    })?;
    if let Some(path) = tree {
        let dot = words::tree_dot(&advice, &claim.currency).map_err(|e| anyhow::anyhow!("{e}"))?;
        std::fs::write(path, dot).with_context(|| format!("cannot write {}", path.display()))?;
    }
    match format {
        OutputFormat::Json => println!(
            "{}",
            serde_json::to_string_pretty(&advice_json(&playbook, &claim, &advice))?
        ),
        OutputFormat::Text => print!("{}", advice_text(&playbook, &claim, &advice)),
    }
    Ok(EXIT_OK)
}

fn pct(p: Decimal) -> String {
    format!("{}%", (p * Decimal::ONE_HUNDRED).round_dp(0))
}

fn prob(p: Decimal) -> Value {
    let s = p.round_dp(4).normalize().to_string();
    serde_json::from_str(&s).unwrap_or(Value::Null)
}

fn cite(p: &Playbook, r: RuleRef) -> Value {
    let info = p.rule(r);
    json!({ "id": info.id, "why": info.why, "source": info.source, "at": p.cite(r) })
}

fn proposal_json(p: &Proposal, cur: &Currency) -> Value {
    json!({
        "option": p.remedy.as_str(),
        "amount": cur.round_string(p.amount),
        "cost": cur.round_string(p.cost),
        "units": p.units,
        "freight_by": p.freight_by.map(|f| f.as_str()),
        "goods_back": p.goods_back,
        "cancels_order": p.cancels_order,
        "description": words::proposal(p, cur),
    })
}

fn next_json(p: &Playbook, cur: &Currency, m: &settle_engine::NextMove) -> Value {
    json!({
        "action": m.action.as_str(),
        "option": m.proposal.as_ref().map(|x| x.remedy.as_str()),
        "amount": m.proposal.as_ref().map(|x| cur.round_string(x.amount)),
        "cost": m.proposal.as_ref().map(|x| cur.round_string(x.cost)),
        "expected_cost": m.expected_cost.map(|e| cur.round_string(e)),
        "proposal": m.proposal.as_ref().map(|x| proposal_json(x, cur)),
        "approver": m.approver,
        "accepts_proposal": m.accepts_proposal,
        "because": m.because.iter().map(|r| cite(p, *r)).collect::<Vec<_>>(),
        "documents": m.documents,
        "with_evidence": m.with_evidence.as_ref().map(|w| next_json(p, cur, w)),
        "message": words::next_move(m, cur, p),
    })
}

/// The advice as JSON, field names as in docs/output.md.
pub fn advice_json(p: &Playbook, claim: &Claim, a: &Advice) -> Value {
    let cur = &claim.currency;
    let r = &a.responsibility;
    json!({
        "claim": claim.id,
        "currency": cur.code(),
        "rules": { "name": p.name(), "version": p.version(), "hash": p.hash() },
        "responsibility": {
            "seller": r.shares.seller().normalize().to_string(),
            "buyer": r.shares.buyer().normalize().to_string(),
            "carrier": r.shares.carrier().normalize().to_string(),
            "unclear": r.unclear,
            "basis": r.rule.iter().map(|x| cite(p, *x)).collect::<Vec<_>>(),
        },
        "loss_basis": cur.round_string(a.loss_basis),
        "fair_share": cur.round_string(a.fair_share),
        "customer_value": cur.round_string(a.customer_value),
        "next": next_json(p, cur, &a.next),
        "bottom_line": cur.round_string(a.bottom_line),
        "options": a.options.iter().map(|o| json!({
            "option": o.remedy.as_str(),
            "eligible": o.eligible,
            "amount": o.proposal.as_ref().map(|x| cur.round_string(x.amount)),
            "cost": o.proposal.as_ref().map(|x| cur.round_string(x.cost)),
            "acceptance": o.acceptance.map(prob),
            "expected_cost": o.expected_cost.map(|e| cur.round_string(e)),
            "proposal": o.proposal.as_ref().map(|x| proposal_json(x, cur)),
            "blocked_by": o.blocked_by.iter().map(|x| cite(p, *x)).collect::<Vec<_>>(),
            "reasons": words::reasons(o, cur, p),
        })).collect::<Vec<_>>(),
        "plan": a.plan.iter().map(|s| json!({
            "round": s.round,
            "option": s.proposal.remedy.as_str(),
            "amount": cur.round_string(s.proposal.amount),
            "cost": cur.round_string(s.proposal.cost),
        })).collect::<Vec<_>>(),
        "standing_proposal": a.standing.as_ref().map(|(x, e)| json!({
            "proposal": proposal_json(x, cur),
            "expected_cost": cur.round_string(*e),
        })),
        "warnings": a.warnings.iter().map(|w| json!({"code": w.code, "message": w.message})).collect::<Vec<_>>(),
        "basis": a.basis(p).iter().map(|b| json!({
            "figure": b.figure,
            "rules": b.rules.iter().map(|x| cite(p, *x)).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
    })
}

/// The rules behind each figure, one line per figure: `  fair share  id (file:line), ...`.
pub fn basis_lines(p: &Playbook, a: &Advice) -> String {
    let mut s = String::new();
    for b in a.basis(p) {
        let ids: Vec<String> = b
            .rules
            .iter()
            .map(|r| format!("{} ({})", p.rule(*r).id, p.cite(*r)))
            .collect();
        s.push_str(&format!("  {:<20} {}\n", b.figure, ids.join(", ")));
    }
    s
}

/// The advice as the rep reads it.
pub fn advice_text(p: &Playbook, claim: &Claim, a: &Advice) -> String {
    use std::fmt::Write;
    let cur = &claim.currency;
    let mut s = String::new();
    let _ = writeln!(s, "{}", words::next_move(&a.next, cur, p));
    let _ = writeln!(s);
    let _ = writeln!(
        s,
        "Claim        {} ({}), {} asks {} as {}",
        claim.id,
        claim.problem.kind,
        claim.customer.name,
        cur.format(claim.ask.amount),
        claim.ask.remedy
    );
    let _ = writeln!(
        s,
        "Bottom line  {}: the most to pay: beyond it, granting the full ask, rejecting or letting the buyer walk away costs less",
        cur.format(a.bottom_line)
    );
    let r = &a.responsibility;
    let _ = write!(
        s,
        "Responsible  seller {}, buyer {}, carrier {}{}",
        pct(r.shares.seller()),
        pct(r.shares.buyer()),
        pct(r.shares.carrier()),
        if r.unclear { " (unclear)" } else { "" }
    );
    match r.rule {
        Some(rule) => {
            let _ = writeln!(s, ": {} [{}]", p.rule(rule).why, p.rule(rule).id);
        }
        None => {
            let _ = writeln!(s, ": no rule covers this claim");
        }
    }
    let _ = writeln!(
        s,
        "Fair share   {} of a loss of {}; the customer is worth {}",
        cur.format(a.fair_share),
        cur.format(a.loss_basis),
        cur.format(a.customer_value)
    );
    let _ = writeln!(s, "\nOptions");
    let mut rows: Vec<Vec<String>> = Vec::new();
    if let Some((prop, e)) = &a.standing {
        rows.push(vec![
            "accept".to_string(),
            format!("the buyer's proposal: {}", words::proposal(prop, cur)),
            cur.format(prop.cost),
            "100%".to_string(),
            cur.format(*e),
        ]);
    }
    let option_rows: Vec<Vec<String>> = a
        .options
        .iter()
        .map(|o| match (&o.proposal, o.eligible) {
            (Some(prop), _) => vec![
                o.remedy.to_string(),
                words::proposal(prop, cur),
                cur.format(prop.cost),
                o.acceptance.map_or(String::new(), pct),
                o.expected_cost.map_or(String::new(), |e| cur.format(e)),
            ],
            (None, eligible) => vec![
                o.remedy.to_string(),
                if eligible {
                    "none within the bottom line".to_string()
                } else {
                    "not offered".to_string()
                },
                String::new(),
                String::new(),
                String::new(),
            ],
        })
        .collect();
    rows.extend(option_rows);
    s.push_str(&table::render(
        &["option", "proposal", "cost", "chance", "expected total"],
        &rows,
        "  ",
    ));
    let blocked: Vec<_> = a
        .options
        .iter()
        .filter(|o| !o.eligible || o.proposal.is_none())
        .collect();
    if !blocked.is_empty() {
        let _ = writeln!(s, "\nWhy not");
        for o in blocked {
            let ids: Vec<String> = o
                .blocked_by
                .iter()
                .map(|r| format!("{} ({})", p.rule(*r).id, p.cite(*r)))
                .collect();
            let _ = writeln!(
                s,
                "  {:<9} {}",
                o.remedy.as_str(),
                words::reasons(o, cur, p).join("; ")
            );
            if !ids.is_empty() {
                let _ = writeln!(s, "  {:<9} rule {}", "", ids.join(", "));
            }
        }
    }
    if !a.plan.is_empty() {
        let _ = writeln!(s, "\nPlan if the buyer counters");
        for step in &a.plan {
            let _ = writeln!(
                s,
                "  round {}: offer {} (costs {})",
                step.round,
                words::proposal(&step.proposal, cur),
                cur.format(step.proposal.cost)
            );
        }
    }
    if !a.warnings.is_empty() {
        let _ = writeln!(s, "\nWarnings");
        for w in &a.warnings {
            let _ = writeln!(s, "  ! {}", w.message);
        }
    }
    let _ = writeln!(s, "\nRules behind the figures");
    s.push_str(&basis_lines(p, a));
    let _ = writeln!(
        s,
        "\nRule set {} {} ({})",
        p.name(),
        p.version(),
        &p.hash()[..12.min(p.hash().len())]
    );
    let _ = Remedy::ALL;
    s
}
