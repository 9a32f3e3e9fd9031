//! The advice's sentences in a language other than English, from the message files: the move,
//! each proposal, why an option is not offered, the plan and the warnings. English sentences
//! are the engine's own (`settle_engine::words`), which a view already holds; these are built
//! from the same view's structured fields. Rule texts (`why`) and the documents a rule asks for
//! stay as the rule set writes them.

use crate::advice::{NextView, OptionView, PlanView, ProposalView, WarningView};
use crate::l10n::{Arg, Messages};

/// An option's name.
pub fn remedy(name: &str, m: &Messages) -> String {
    m.text(&format!("remedy-{name}"))
}

/// A kind of problem.
pub fn kind(name: &str, m: &Messages) -> String {
    m.text(&format!("kind-{}", name.replace('_', "-")))
}

fn money(currency: &str, rounded: &str) -> String {
    crate::money(currency, rounded)
}

/// A proposal in words.
pub fn proposal(p: &ProposalView, currency: &str, m: &Messages) -> String {
    let amount = money(currency, &p.amount);
    let units = Arg::from(p.units.unwrap_or(0));
    let freight = p.freight_by.unwrap_or("none");
    let id = match p.option.as_str() {
        "refund" if p.cancels_order => "proposal-refund-cancels",
        "refund" if p.goods_back => "proposal-refund-back",
        "refund" => "proposal-refund",
        "reship" => "proposal-reship",
        "discount" => "proposal-discount",
        "repair" => "proposal-repair",
        "credit" => "proposal-credit",
        _ => "proposal-reject",
    };
    m.get(
        id,
        &[
            ("amount", amount.into()),
            ("units", units),
            ("freight", freight.into()),
        ],
    )
}

/// A step of the plan in words.
pub fn plan_step(step: &PlanView, currency: &str, m: &Messages) -> String {
    proposal(&step.proposal, currency, m)
}

/// The next move in one sentence.
pub fn next_move(n: &NextView, currency: &str, m: &Messages) -> String {
    let approval = n.approval.as_ref().map_or(String::new(), |a| {
        m.get("move-approval", &[("approver", a.approver.as_str().into())])
    });
    let whys: Vec<&str> = n.because.iter().map(|c| c.why.as_str()).collect();
    match (n.action, &n.proposal) {
        ("accept", Some(p)) => m.get(
            "move-accept",
            &[
                ("proposal", proposal(p, currency, m).into()),
                ("approval", approval.into()),
                ("cost", money(currency, &p.cost).into()),
            ],
        ),
        ("offer", Some(p)) => m.get(
            "move-offer",
            &[
                ("proposal", proposal(p, currency, m).into()),
                ("approval", approval.into()),
                ("cost", money(currency, &p.cost).into()),
            ],
        ),
        ("reject", _) => m.get("move-reject", &[("why", whys.join("; ").into())]),
        ("execute", Some(p)) if p.option == "reject" => m.text("move-execute-none"),
        ("execute", Some(p)) => m.get(
            if n.accepts_proposal {
                "move-execute-ours"
            } else {
                "move-execute-theirs"
            },
            &[
                ("proposal", proposal(p, currency, m).into()),
                ("cost", money(currency, &p.cost).into()),
            ],
        ),
        ("request_evidence", _) => {
            let mut s = m.get(
                "move-request-evidence",
                &[("documents", n.documents.join("; ").into())],
            );
            if let Some(w) = &n.with_evidence {
                s.push_str(&m.get(
                    "move-with-evidence",
                    &[("then", next_move(w, currency, m).into())],
                ));
            }
            s
        }
        ("escalate", offer) => {
            let to = n.approver.clone().unwrap_or_else(|| m.text("a-manager"));
            let then = match offer {
                Some(p) if p.option != "reject" => m.get(
                    "move-escalate-offer",
                    &[
                        (
                            "accepting",
                            if n.accepts_proposal { "yes" } else { "no" }.into(),
                        ),
                        ("proposal", proposal(p, currency, m).into()),
                        ("cost", money(currency, &p.cost).into()),
                    ],
                ),
                Some(_) => m.text("move-escalate-reject"),
                None => m.text("move-escalate-none"),
            };
            m.get(
                "move-escalate",
                &[
                    ("to", to.into()),
                    ("why", whys.join("; ").into()),
                    ("then", then.into()),
                ],
            )
        }
        // A move this build does not know in words: the engine's sentence.
        _ => n.message.clone(),
    }
}

/// Why an option is not offered: each blocking rule's text as written, then the model's
/// reason in words.
pub fn reasons(o: &OptionView, currency: &str, m: &Messages) -> Vec<String> {
    let mut v: Vec<String> = o.blocked_by.iter().map(|c| c.why.clone()).collect();
    match o.unoffered() {
        Some(("below_opening", Some(opening))) => v.push(m.get(
            "why-below-opening",
            &[("opening", money(currency, opening).into())],
        )),
        Some(("over_bottom_line", _)) => v.push(m.text("why-over-bottom-line")),
        Some(("no_value", _)) => v.push(m.text("why-no-value")),
        Some(("above_proposal", Some(cost))) => v.push(m.get(
            "why-above-proposal",
            &[("cost", money(currency, cost).into())],
        )),
        Some(("turned_down", _)) => v.push(m.text("why-turned-down")),
        _ => {}
    }
    v
}

/// A warning in words; the engine's English sentence for a code this build does not know.
pub fn warning(w: &WarningView, m: &Messages) -> String {
    let id = format!("warning-{}", w.code.replace('_', "-"));
    let args: Vec<(&str, Arg<'_>)> = w
        .args()
        .iter()
        .map(|(k, v)| (*k, Arg::from(v.as_str())))
        .collect();
    let text = m.get(&id, &args);
    if text == id { w.message.clone() } else { text }
}
