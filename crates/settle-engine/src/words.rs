//! Plain sentences for the rep: a proposal and the next move in the trade's own words.

use crate::advice::{Action, NextMove};
use crate::claim::{Party, Remedy};
use crate::money::Currency;
use crate::playbook::Playbook;
use crate::pricing::Proposal;

/// Why an option is not in the advice, in plain words: each blocking rule's `why`, or why an
/// eligible option has no proposal.
pub fn reasons(o: &crate::OptionReport, cur: &Currency, playbook: &Playbook) -> Vec<String> {
    use crate::advice::Unoffered;
    let mut v: Vec<String> = o
        .blocked_by
        .iter()
        .map(|r| playbook.rule(*r).why.clone())
        .collect();
    match o.unoffered {
        Some(Unoffered::BelowOpening(opening)) => v.push(format!(
            "worth less to the buyer than our opening offer ({}): it would low-ball the claim",
            cur.format(opening)
        )),
        Some(Unoffered::OverBottomLine) => {
            v.push("every offer of this option costs more than the bottom line".to_string())
        }
        Some(Unoffered::NoValue) => {
            v.push("no offer of this option has any value to the buyer here".to_string())
        }
        Some(Unoffered::AboveProposal(cost)) => v.push(format!(
            "every offer of this option costs us at least what accepting the buyer's proposal costs ({})",
            cur.format(cost)
        )),
        Some(Unoffered::TurnedDown) => v.push(
            "the buyer has already turned down offers worth as much to it".to_string(),
        ),
        None => {}
    }
    v
}

/// The bottom line in one sentence a rep can say to a manager, e.g. "USD 9,200.00: granting the
/// whole ask as a discount of USD 9,200.00 costs us that; no deal would cost USD 14,300.00".
pub fn bottom_line(a: &crate::Advice, cur: &Currency) -> String {
    use crate::eval::bottom_line::BottomLineBasis;
    match &a.bottom_line_basis {
        BottomLineBasis::GrantAsk {
            proposal: g,
            allowed,
            no_deal,
        } => format!(
            "{}: granting the whole ask as {} costs us that{}; no deal would cost {}",
            cur.format(a.bottom_line),
            proposal(g, cur),
            if *allowed {
                ""
            } else {
                " (though our rules do not offer it)"
            },
            cur.format(*no_deal)
        ),
        BottomLineBasis::NoDeal {
            grant,
            allowed,
            escalation,
            lost_customer,
            reject,
        } => {
            let alternative = match reject {
                Some(_) => "a rejection is expected to cost that".to_string(),
                None => format!(
                    "the buyer walking away would cost that ({} withheld, recovered and spent on the dispute, {} of the customer's value lost)",
                    cur.format(*escalation),
                    cur.format(*lost_customer)
                ),
            };
            let grant = match grant {
                Some(g) => format!(
                    "; granting the whole ask as {} would cost {}{}",
                    proposal(g, cur),
                    cur.format(g.cost),
                    if *allowed {
                        ""
                    } else {
                        " (though our rules do not offer it)"
                    }
                ),
                None => "; no option grants the ask".to_string(),
            };
            format!("{}: {alternative}{grant}", cur.format(a.bottom_line))
        }
    }
}

/// A proposal in words, e.g. "a refund of USD 7,500.00, goods not returned".
pub fn proposal(p: &Proposal, cur: &Currency) -> String {
    let amount = cur.format(p.amount);
    let payer = |who: Option<Party>| match who {
        Some(Party::Seller) => ", freight paid by us",
        Some(Party::Buyer) => ", freight paid by the buyer",
        None => "",
    };
    match p.remedy {
        Remedy::Refund if p.cancels_order => {
            format!("a refund of {amount}, cancelling the affected units (goods stay with us)")
        }
        Remedy::Refund if p.goods_back => format!("a refund of {amount}, goods returned to us"),
        Remedy::Refund => format!("a refund of {amount}, goods not returned"),
        Remedy::Reship => format!(
            "replacement goods worth {amount} ({} units{})",
            p.units.unwrap_or(0),
            payer(p.freight_by)
        ),
        Remedy::Discount => format!("a discount of {amount}"),
        Remedy::Repair => format!(
            "free repair of {} units (worth {amount} to the buyer{})",
            p.units.unwrap_or(0),
            payer(p.freight_by)
        ),
        Remedy::Credit => format!("a credit of {amount} on the next order"),
        Remedy::Reject => "no compensation".to_string(),
    }
}

/// `, with the sales manager's approval` when the move needs it.
fn with_approval(m: &NextMove) -> String {
    m.approval.as_ref().map_or(String::new(), |a| {
        format!(", with the {}'s approval", a.approver)
    })
}

/// The next move in one sentence.
pub fn next_move(m: &NextMove, cur: &Currency, playbook: &Playbook) -> String {
    let cost = |p: &Proposal| cur.format(p.cost);
    match (m.action, &m.proposal) {
        (Action::Accept, Some(p)) => {
            format!(
                "Accept the buyer's proposal: {}{}; it costs us {}.",
                proposal(p, cur),
                with_approval(m),
                cost(p)
            )
        }
        (Action::Execute, Some(p)) if p.remedy == Remedy::Reject => {
            "Settled: the claim was closed with no compensation. Nothing to carry out: thank the buyer and close the claim.".to_string()
        }
        (Action::Execute, Some(p)) => format!(
            "Settled: {} accepted {}. Carry it out, send the buyer the proof, then close the claim; it costs us {}.",
            if m.accepts_proposal {
                "we"
            } else {
                "the buyer"
            },
            if m.accepts_proposal {
                format!("its proposal, {}", proposal(p, cur))
            } else {
                format!("our offer, {}", proposal(p, cur))
            },
            cost(p)
        ),
        (Action::Offer, Some(p)) => format!(
            "Offer {}{}; it costs us {}.",
            proposal(p, cur),
            with_approval(m),
            cost(p)
        ),
        (Action::Reject, _) => {
            let cite: Vec<&str> = m
                .because
                .iter()
                .map(|r| playbook.rule(*r).why.as_str())
                .collect();
            if cite.is_empty() {
                "Reject the claim politely, with the evidence, and leave the buyer a way to save face.".to_string()
            } else {
                format!(
                    "Reject the claim politely, citing the evidence: {}. Leave the buyer a way to save face.",
                    cite.join("; ")
                )
            }
        }
        (Action::RequestEvidence, _) => {
            let mut s = format!(
                "Ask for evidence before offering money: {}.",
                m.documents.join("; ")
            );
            if let Some(w) = &m.with_evidence {
                s.push_str(" With that evidence, as the rules expect it to read: ");
                s.push_str(&next_move(w, cur, playbook));
            }
            s
        }
        (Action::Escalate, offer) => {
            let to = m.approver.as_deref().unwrap_or("a manager");
            let why: Vec<&str> = m
                .because
                .iter()
                .map(|r| playbook.rule(*r).why.as_str())
                .collect();
            let mut s = format!("Escalate to {to}");
            if !why.is_empty() {
                s.push_str(&format!(" ({})", why.join("; ")));
            }
            match offer {
                Some(p) if p.remedy != Remedy::Reject => s.push_str(&format!(
                    ": put {}{} to the approver; it costs us {}.",
                    if m.accepts_proposal {
                        "accepting the buyer's proposal, "
                    } else {
                        ""
                    },
                    proposal(p, cur),
                    cost(p)
                )),
                Some(_) => s.push_str(": the advice would be to reject the claim."),
                None => s.push_str(": no offer lies within the bottom line."),
            }
            s
        }
        (Action::Accept | Action::Offer | Action::Execute, None) => "No move.".to_string(),
    }
}

/// The rolled-back tree of an advice as Graphviz DOT: decision nodes are boxes, the buyer's
/// replies are ellipses, leaves show their cost. Only the best path is expanded.
pub fn tree_dot(advice: &crate::Advice, cur: &Currency) -> Result<String, crate::Overflow> {
    use crate::tree::{Edge, LeafKind, Node, OnTable, Reply};
    use petgraph::dot::{Config, Dot};
    use petgraph::visit::EdgeRef;
    let tree = advice.tree.graph(false)?;
    let rb = &advice.tree;
    let pct = |p: rust_decimal::Decimal| {
        format!(
            "{:.1}%",
            (p * rust_decimal::Decimal::ONE_HUNDRED).round_dp(1)
        )
    };
    let esc = |s: String| s.replace('\\', "\\\\").replace('"', "\\\"");
    let node_attr = |_, (_, n): (petgraph::graph::NodeIndex, &Node)| -> String {
        match n {
            Node::Decision { state, .. } => {
                let floor = state.last.map_or(String::new(), |f| {
                    format!("\\nmore than {}", cur.format(rb.candidates()[f].perceived))
                });
                let table = match state.table {
                    OnTable::Open => "\\nthe buyer's proposal stands",
                    OnTable::Countered => "\\nthe buyer's proposal countered",
                    OnTable::Gone => "",
                };
                format!(
                    "shape=box, style=filled, fillcolor=\"#dde8f6\", label=\"round {} (our move){floor}{table}\"",
                    state.round + 1
                )
            }
            Node::Withdrawal { .. } => "shape=diamond, label=\"keeps its proposal?\"".to_string(),
            Node::Chance {
                candidate,
                expected,
                ..
            } => {
                let c = &rb.candidates()[*candidate];
                format!(
                    "shape=ellipse, label=\"{}\\ncost {}\\nexpected {}\"",
                    esc(proposal(&c.proposal, cur)),
                    cur.format(c.proposal.cost),
                    cur.format(*expected)
                )
            }
            Node::Leaf { what, cost } => {
                let what = match what {
                    LeafKind::AcceptedProposal => "buyer's proposal accepted",
                    LeafKind::NoOffer => "nothing left to offer",
                    LeafKind::Settled => "settled",
                    LeafKind::Walked => "buyer walks away",
                    LeafKind::Stalemate => "no deal after the last round",
                    LeafKind::Continued => "countered (best play after)",
                };
                format!("shape=plaintext, label=\"{what}\\n{}\"", cur.format(*cost))
            }
        }
    };
    let edge_attr = |_, e: petgraph::graph::EdgeReference<'_, Edge>| -> String {
        let _ = e.source();
        match e.weight() {
            Edge::Accept => "label=\"accept proposal\"".to_string(),
            Edge::Nothing => "label=\"no offer\"".to_string(),
            Edge::Proposal { withdrawn, p } => format!(
                "label=\"{} {}\"",
                if *withdrawn { "withdraws" } else { "keeps" },
                pct(*p)
            ),
            Edge::Offer { candidate } => {
                let c = &rb.candidates()[*candidate];
                format!("label=\"offer {}\"", c.proposal.remedy)
            }
            Edge::Reply { reply, p } => {
                let r = match reply {
                    Reply::Accept => "accepts",
                    Reply::Counter => "counters",
                    Reply::Walk => "walks away",
                };
                format!("label=\"{r} {}\"", pct(*p))
            }
        }
    };
    let dot = Dot::with_attr_getters(
        &tree.graph,
        &[Config::EdgeNoLabel, Config::NodeNoLabel],
        &edge_attr,
        &node_attr,
    );
    Ok(format!("{dot:?}"))
}
