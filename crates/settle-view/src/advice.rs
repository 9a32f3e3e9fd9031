//! `settle advise`: the advice as a view (its JSON is docs/output.md's "advise") and as the
//! rep reads it in a terminal.

use crate::l10n::{Arg, Lang, Messages};
use crate::table::Table;
use crate::{Cite, RuleSetRef, money, percent, prob_opt};
use rust_decimal::Decimal;
use serde::Serialize;
use settle_engine::advice::Unoffered;
use settle_engine::pricing::Proposal;
use settle_engine::{Advice, Claim, Currency, NextMove, Playbook, words};
use std::fmt::Write;

/// A proposal: what is offered, what it costs us, and in words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProposalView {
    /// The option.
    pub option: String,
    /// The value to the buyer, rounded to the currency.
    pub amount: String,
    /// Our direct cost.
    pub cost: String,
    /// Units replaced or repaired.
    pub units: Option<u64>,
    /// `seller` or `buyer`, when goods travel.
    pub freight_by: Option<&'static str>,
    /// Whether the goods come back to us.
    pub goods_back: bool,
    /// A refund before shipment that cancels the affected units.
    pub cancels_order: bool,
    /// The proposal in the rep's words.
    pub description: String,
}

impl ProposalView {
    /// A proposal in a claim's currency.
    pub fn of(p: &Proposal, cur: &Currency) -> ProposalView {
        ProposalView {
            option: p.remedy.as_str().to_string(),
            amount: cur.round_string(p.amount),
            cost: cur.round_string(p.cost),
            units: p.units,
            freight_by: p.freight_by.map(|f| f.as_str()),
            goods_back: p.goods_back,
            cancels_order: p.cancels_order,
            description: words::proposal(p, cur),
        }
    }
}

/// The next move.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NextView {
    /// `offer`, `accept`, `request_evidence`, `escalate` or `reject`.
    pub action: &'static str,
    /// The option offered, accepted or put to the approver.
    pub option: Option<String>,
    /// Its amount.
    pub amount: Option<String>,
    /// Its direct cost to us.
    pub cost: Option<String>,
    /// The move's expected total cost.
    pub expected_cost: Option<String>,
    /// The proposal in full.
    pub proposal: Option<ProposalView>,
    /// Who must decide, for `escalate`.
    pub approver: Option<String>,
    /// The proposal is the buyer's own.
    pub accepts_proposal: bool,
    /// The rules behind an escalation, a request or a rejection.
    pub because: Vec<Cite>,
    /// Documents to ask for.
    pub documents: Vec<String>,
    /// The advice once the evidence comes, as the rules expect it to read.
    pub with_evidence: Option<Box<NextView>>,
    /// The approval the move needs (its cost is above the rep's limit), or null.
    pub approval: Option<ApprovalView>,
    /// The move in one sentence.
    pub message: String,
}

/// An approval a move needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ApprovalView {
    /// Who approves.
    pub approver: String,
    /// The rep's limit, rounded to the currency.
    pub limit: String,
    /// The limit as a rule.
    pub rule: Cite,
}

impl NextView {
    /// A move in a claim's currency.
    pub fn of(p: &Playbook, cur: &Currency, m: &NextMove) -> NextView {
        NextView {
            action: m.action.as_str(),
            option: m.proposal.as_ref().map(|x| x.remedy.as_str().to_string()),
            amount: m.proposal.as_ref().map(|x| cur.round_string(x.amount)),
            cost: m.proposal.as_ref().map(|x| cur.round_string(x.cost)),
            expected_cost: m.expected_cost.map(|e| cur.round_string(e)),
            proposal: m.proposal.as_ref().map(|x| ProposalView::of(x, cur)),
            approver: m.approver.clone(),
            accepts_proposal: m.accepts_proposal,
            because: m.because.iter().map(|r| Cite::of(p, *r)).collect(),
            documents: m.documents.clone(),
            with_evidence: m
                .with_evidence
                .as_ref()
                .map(|w| Box::new(NextView::of(p, cur, w))),
            approval: m.approval.as_ref().map(|a| ApprovalView {
                approver: a.approver.clone(),
                limit: cur.round_string(a.limit),
                rule: Cite::of(p, a.rule),
            }),
            message: words::next_move(m, cur, p),
        }
    }
}

/// Who is responsible.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ResponsibilityView {
    /// The seller's share (`0.5`).
    pub seller: String,
    /// The buyer's share.
    pub buyer: String,
    /// The carrier's share.
    pub carrier: String,
    /// The evidence cannot decide yet.
    pub unclear: bool,
    /// The row that decided (none when no row covers the claim).
    pub basis: Vec<Cite>,
    /// The shares as decimals, for the text.
    #[serde(skip)]
    shares: [Decimal; 3],
}

/// One option, assessed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OptionView {
    /// The option.
    pub option: &'static str,
    /// No eligibility rule blocks it.
    pub eligible: bool,
    /// Its best offer's amount.
    pub amount: Option<String>,
    /// Its best offer's direct cost.
    pub cost: Option<String>,
    /// The chance the buyer accepts it (four places).
    #[serde(serialize_with = "prob_opt")]
    pub acceptance: Option<Decimal>,
    /// Expected total cost of opening with it.
    pub expected_cost: Option<String>,
    /// The offer in full.
    pub proposal: Option<ProposalView>,
    /// The rules that block it.
    pub blocked_by: Vec<Cite>,
    /// Why it is not offered, in words.
    pub reasons: Vec<String>,
    /// The model's reason for an eligible option without a proposal, and its figure.
    #[serde(skip)]
    unoffered: Option<(&'static str, Option<String>)>,
}

impl OptionView {
    /// The model's reason for an eligible option without a proposal (`below_opening` with the
    /// opening offer, `over_bottom_line`, `no_value`).
    pub fn unoffered(&self) -> Option<(&'static str, Option<&String>)> {
        self.unoffered.as_ref().map(|(k, v)| (*k, v.as_ref()))
    }
}

/// One step of the plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PlanView {
    /// The round, counting those held.
    pub round: u32,
    /// The option.
    pub option: &'static str,
    /// The amount.
    pub amount: String,
    /// Its direct cost.
    pub cost: String,
    /// The step accepts the buyer's proposal rather than makes an offer.
    pub accepts_proposal: bool,
    /// In words (text only).
    #[serde(skip)]
    description: String,
    /// The proposal in full (text only).
    #[serde(skip)]
    pub(crate) proposal: ProposalView,
}

/// What the rounds so far tell about the buyer: bounds on the value it will accept.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BeliefView {
    /// The most valuable offer of ours it turned down (its value to the buyer).
    pub above: Option<String>,
    /// Its proposal on the table (its value to the buyer): it would take that much.
    pub at_most: Option<String>,
    /// How fast it concedes: the share of the gap its latest proposal gave up.
    pub pace: Option<String>,
}

/// The buyer's proposal that may be accepted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StandingView {
    /// The proposal.
    pub proposal: ProposalView,
    /// Expected total cost of accepting it now.
    pub expected_cost: String,
}

/// Something the rep must not miss.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WarningView {
    /// Stable code, e.g. `reply_overdue`.
    pub code: &'static str,
    /// In one sentence.
    pub message: String,
    /// The figures of the sentence, by name, for its other languages.
    #[serde(skip)]
    args: Vec<(&'static str, String)>,
}

impl WarningView {
    /// The figures of the sentence, by name (`days`, `limit`, `ask`, `value`, `currency`).
    pub fn args(&self) -> &[(&'static str, String)] {
        &self.args
    }
}

/// The figures of a warning's sentence, worked out again from the claim and the rule set as the
/// engine's step 9 states them.
fn warning_args(code: &str, p: &Playbook, claim: &Claim) -> Vec<(&'static str, String)> {
    let l = p.limits();
    let cur = &claim.currency;
    let since_delivery = claim
        .order
        .delivered
        .map(|d| (claim.received - d).whole_days().to_string())
        .unwrap_or_default();
    match code {
        "reply_overdue" => vec![
            (
                "days",
                claim
                    .rounds
                    .last()
                    .map(|r| (claim.decision_date() - r.on).whole_days().to_string())
                    .unwrap_or_default(),
            ),
            ("limit", l.reply_within_days.value.normalize().to_string()),
        ],
        "claim_above_value" => vec![
            ("ask", cur.format(claim.ask.amount)),
            ("value", cur.format(claim.order.value)),
        ],
        "notice_expired" => vec![
            ("days", since_delivery),
            ("limit", l.notice_days.value.normalize().to_string()),
        ],
        "notice_late" => vec![
            ("days", since_delivery),
            ("limit", l.prompt_notice_days.value.normalize().to_string()),
        ],
        "no_approval_limit" => vec![("currency", cur.code().to_string())],
        _ => Vec::new(),
    }
}

/// A figure and the rules it rests on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BasisView {
    /// The figure, e.g. `fair share`.
    pub figure: &'static str,
    /// Its rules.
    pub rules: Vec<Cite>,
}

/// What the claim is about, as the rep's summary shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AboutView {
    /// The kind of problem.
    pub kind: &'static str,
    /// The customer's name.
    pub customer: String,
    /// What the buyer asks for.
    pub ask_remedy: &'static str,
    /// The value it asks, rounded to the currency.
    pub ask_amount: String,
}

/// The advice on one claim: `settle advise --format json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AdviceView {
    /// The claim's id.
    pub claim: String,
    /// The claim's currency.
    pub currency: String,
    /// The rule set.
    pub rules: RuleSetRef,
    /// Who is responsible.
    pub responsibility: ResponsibilityView,
    /// The ask, capped at the foreseeable loss.
    pub loss_basis: String,
    /// Our fair share of the loss.
    pub fair_share: String,
    /// What the customer is worth.
    pub customer_value: String,
    /// What to do next.
    pub next: NextView,
    /// The most to pay.
    pub bottom_line: String,
    /// Why, in one line.
    pub bottom_line_why: String,
    /// What the rounds so far tell about the buyer.
    pub belief: BeliefView,
    /// The six options.
    pub options: Vec<OptionView>,
    /// The offers to make if the buyer keeps countering.
    pub plan: Vec<PlanView>,
    /// The buyer's proposal that may be accepted.
    pub standing_proposal: Option<StandingView>,
    /// Things the rep must not miss.
    pub warnings: Vec<WarningView>,
    /// The rules behind each figure.
    pub basis: Vec<BasisView>,
    /// The claim in brief.
    pub about: AboutView,
}

impl AdviceView {
    /// The view of an advice.
    pub fn of(p: &Playbook, claim: &Claim, a: &Advice) -> AdviceView {
        let cur = &claim.currency;
        let r = &a.responsibility;
        AdviceView {
            claim: claim.id.clone(),
            currency: cur.code().to_string(),
            rules: RuleSetRef::of(p),
            responsibility: ResponsibilityView {
                seller: r.shares.seller().normalize().to_string(),
                buyer: r.shares.buyer().normalize().to_string(),
                carrier: r.shares.carrier().normalize().to_string(),
                unclear: r.unclear,
                basis: r.rule.iter().map(|x| Cite::of(p, *x)).collect(),
                shares: [r.shares.seller(), r.shares.buyer(), r.shares.carrier()],
            },
            loss_basis: cur.round_string(a.loss_basis),
            fair_share: cur.round_string(a.fair_share),
            customer_value: cur.round_string(a.customer_value),
            next: NextView::of(p, cur, &a.next),
            bottom_line: cur.round_string(a.bottom_line),
            bottom_line_why: words::bottom_line(a, cur),
            belief: BeliefView {
                above: a.belief.refused.map(|x| cur.round_string(x.value)),
                at_most: a.belief.upper.map(|x| cur.round_string(x.value)),
                pace: a.belief.pace.map(|x| x.normalize().to_string()),
            },
            options: a
                .options
                .iter()
                .map(|o| OptionView {
                    option: o.remedy.as_str(),
                    eligible: o.eligible,
                    amount: o.proposal.as_ref().map(|x| cur.round_string(x.amount)),
                    cost: o.proposal.as_ref().map(|x| cur.round_string(x.cost)),
                    acceptance: o.acceptance,
                    expected_cost: o.expected_cost.map(|e| cur.round_string(e)),
                    proposal: o.proposal.as_ref().map(|x| ProposalView::of(x, cur)),
                    blocked_by: o.blocked_by.iter().map(|x| Cite::of(p, *x)).collect(),
                    reasons: words::reasons(o, cur, p),
                    unoffered: o.unoffered.map(|u| match u {
                        Unoffered::BelowOpening(x) => ("below_opening", Some(cur.round_string(x))),
                        Unoffered::OverBottomLine => ("over_bottom_line", None),
                        Unoffered::NoValue => ("no_value", None),
                        Unoffered::AboveProposal(x) => {
                            ("above_proposal", Some(cur.round_string(x)))
                        }
                        Unoffered::TurnedDown => ("turned_down", None),
                    }),
                })
                .collect(),
            plan: a
                .plan
                .iter()
                .map(|s| PlanView {
                    round: s.round,
                    option: s.proposal.remedy.as_str(),
                    amount: cur.round_string(s.proposal.amount),
                    cost: cur.round_string(s.proposal.cost),
                    accepts_proposal: s.accepts_proposal,
                    description: words::proposal(&s.proposal, cur),
                    proposal: ProposalView::of(&s.proposal, cur),
                })
                .collect(),
            standing_proposal: a.standing.as_ref().map(|(x, e)| StandingView {
                proposal: ProposalView::of(x, cur),
                expected_cost: cur.round_string(*e),
            }),
            warnings: a
                .warnings
                .iter()
                .map(|w| WarningView {
                    code: w.code,
                    message: w.message.clone(),
                    args: warning_args(w.code, p, claim),
                })
                .collect(),
            basis: basis(p, a),
            about: AboutView {
                kind: claim.problem.kind.as_str(),
                customer: claim.customer.name.clone(),
                ask_remedy: claim.ask.remedy.as_str(),
                ask_amount: cur.round_string(claim.ask.amount),
            },
        }
    }

    fn money(&self, rounded: &str) -> String {
        money(&self.currency, rounded)
    }

    /// The advice as the rep reads it in a terminal, in English.
    pub fn text(&self) -> String {
        self.text_in(&Messages::english())
    }

    /// The advice as the rep reads it, in the rep's language. The labels and, outside English,
    /// the sentences come from the message files; rule texts (`why`) stay as the rule set
    /// writes them.
    pub fn text_in(&self, m: &Messages) -> String {
        let en = m.lang() == Lang::En;
        let mut s = String::new();
        let message = if en {
            self.next.message.clone()
        } else {
            crate::words::next_move(&self.next, &self.currency, m)
        };
        let _ = writeln!(s, "{message}");
        let _ = writeln!(s);
        let _ = writeln!(
            s,
            "{}",
            m.get(
                "advice-claim",
                &[
                    ("claim", self.claim.as_str().into()),
                    ("kind", crate::words::kind(self.about.kind, m).into()),
                    ("customer", self.about.customer.as_str().into()),
                    ("ask", self.money(&self.about.ask_amount).into()),
                    (
                        "remedy",
                        crate::words::remedy(self.about.ask_remedy, m).into()
                    ),
                ]
            )
        );
        let bottom = if en {
            self.bottom_line_why.clone()
        } else {
            self.money(&self.bottom_line)
        };
        let _ = writeln!(
            s,
            "{}",
            m.get("advice-bottom-line", &[("why", bottom.into())])
        );
        let b = &self.belief;
        if b.above.is_some() || b.at_most.is_some() {
            let mut parts = Vec::new();
            if let Some(x) = &b.above {
                parts.push(m.get("belief-above", &[("amount", self.money(x).into())]));
            }
            if let Some(x) = &b.at_most {
                parts.push(m.get("belief-at-most", &[("amount", self.money(x).into())]));
            }
            if let Some(x) = &b.pace {
                parts.push(m.get("belief-pace", &[("share", percent_str(x).into())]));
            }
            let _ = writeln!(
                s,
                "{}",
                m.get(
                    "advice-buyer",
                    &[("parts", parts.join(&m.text("list-separator")).into())]
                )
            );
        }
        let r = &self.responsibility;
        let _ = write!(
            s,
            "{}",
            m.get(
                "advice-responsible",
                &[
                    ("seller", percent(r.shares[0]).into()),
                    ("buyer", percent(r.shares[1]).into()),
                    ("carrier", percent(r.shares[2]).into()),
                    ("unclear", if r.unclear { "yes" } else { "no" }.into()),
                ]
            )
        );
        match r.basis.first() {
            Some(rule) => {
                let _ = writeln!(s, ": {} [{}]", rule.why, rule.id);
            }
            None => {
                let _ = writeln!(s, ": {}", m.text("advice-no-rule"));
            }
        }
        let _ = writeln!(
            s,
            "{}",
            m.get(
                "advice-fair-share",
                &[
                    ("fair", self.money(&self.fair_share).into()),
                    ("loss", self.money(&self.loss_basis).into()),
                    ("worth", self.money(&self.customer_value).into()),
                ]
            )
        );
        let _ = writeln!(s, "\n{}", m.text("advice-options"));
        s.push_str(&self.options_table_in(m).text("  "));
        let blocked: Vec<&OptionView> = self
            .options
            .iter()
            .filter(|o| !o.eligible || o.proposal.is_none())
            .collect();
        if !blocked.is_empty() {
            let _ = writeln!(s, "\n{}", m.text("advice-why-not"));
            let width = crate::l10n::widest(self.options.iter().map(|o| {
                if en {
                    o.option.to_string()
                } else {
                    crate::words::remedy(o.option, m)
                }
            }))
            .max(8)
                + 1;
            for o in blocked {
                let ids: Vec<String> = o.blocked_by.iter().map(Cite::short).collect();
                let reasons = if en {
                    o.reasons.clone()
                } else {
                    crate::words::reasons(o, &self.currency, m)
                };
                let name = crate::words::remedy(o.option, m);
                let _ = writeln!(
                    s,
                    "  {} {}",
                    crate::l10n::pad(&name, width),
                    reasons.join("; ")
                );
                if !ids.is_empty() {
                    let _ = writeln!(
                        s,
                        "  {} {}",
                        crate::l10n::pad("", width),
                        m.get("advice-rule", &[("ids", ids.join(", ").into())])
                    );
                }
            }
        }
        if !self.plan.is_empty() {
            let _ = writeln!(s, "\n{}", m.text("advice-plan"));
            for step in &self.plan {
                let description = if en {
                    step.description.clone()
                } else {
                    crate::words::plan_step(step, &self.currency, m)
                };
                let _ = writeln!(
                    s,
                    "  {}",
                    m.get(
                        "advice-plan-step",
                        &[
                            ("round", Arg::Num(i64::from(step.round))),
                            (
                                "accepting",
                                if step.accepts_proposal { "yes" } else { "no" }.into()
                            ),
                            ("offer", description.into()),
                            ("cost", self.money(&step.cost).into()),
                        ]
                    )
                );
            }
        }
        if !self.warnings.is_empty() {
            let _ = writeln!(s, "\n{}", m.text("advice-warnings"));
            for w in &self.warnings {
                let text = if en {
                    w.message.clone()
                } else {
                    crate::words::warning(w, m)
                };
                let _ = writeln!(s, "  ! {text}");
            }
        }
        let _ = writeln!(s, "\n{}", m.text("advice-rules-behind"));
        s.push_str(&basis_lines_in(&self.basis, m));
        let _ = writeln!(
            s,
            "\n{}",
            m.get("advice-rule-set", &[("rules", self.rules.short().into())])
        );
        s
    }

    /// The options table: the buyer's standing proposal, then each option's best offer.
    pub fn options_table(&self) -> Table {
        self.options_table_in(&Messages::english())
    }

    /// The options table in the rep's language.
    pub fn options_table_in(&self, m: &Messages) -> Table {
        let en = m.lang() == Lang::En;
        let mut rows: Vec<Vec<String>> = Vec::new();
        if let Some(st) = &self.standing_proposal {
            let description = if en {
                st.proposal.description.clone()
            } else {
                crate::words::proposal(&st.proposal, &self.currency, m)
            };
            rows.push(vec![
                m.text("advice-accept"),
                m.get(
                    "advice-buyers-proposal",
                    &[("proposal", description.into())],
                ),
                self.money(&st.proposal.cost),
                "100%".to_string(),
                self.money(&st.expected_cost),
            ]);
        }
        for o in &self.options {
            let name = if en {
                o.option.to_string()
            } else {
                crate::words::remedy(o.option, m)
            };
            rows.push(match &o.proposal {
                Some(prop) => vec![
                    name,
                    if en {
                        prop.description.clone()
                    } else {
                        crate::words::proposal(prop, &self.currency, m)
                    },
                    self.money(&prop.cost),
                    o.acceptance.map_or(String::new(), percent),
                    o.expected_cost
                        .as_deref()
                        .map_or(String::new(), |e| self.money(e)),
                ],
                None => vec![
                    name,
                    if o.eligible {
                        m.text("advice-none-within")
                    } else {
                        m.text("advice-not-offered")
                    },
                    String::new(),
                    String::new(),
                    String::new(),
                ],
            });
        }
        let cols: Vec<String> = [
            "advice-col-option",
            "advice-col-proposal",
            "advice-col-cost",
            "advice-col-chance",
            "advice-col-expected",
        ]
        .iter()
        .map(|k| m.text(k))
        .collect();
        let cols: Vec<&str> = cols.iter().map(String::as_str).collect();
        Table::new(&cols, rows)
    }
}

/// The rules behind each figure, one line per figure: `  fair share  id (file:line), ...`.
pub fn basis_lines(basis: &[BasisView]) -> String {
    basis_lines_in(basis, &Messages::english())
}

/// [`basis_lines`] with the figures named in the rep's language.
pub fn basis_lines_in(basis: &[BasisView], m: &Messages) -> String {
    let mut s = String::new();
    for b in basis {
        let ids: Vec<String> = b.rules.iter().map(Cite::short).collect();
        let figure = if m.lang() == Lang::En {
            b.figure.to_string()
        } else {
            m.text(&format!("figure-{}", b.figure.replace(' ', "-")))
        };
        let _ = writeln!(s, "  {} {}", crate::l10n::pad(&figure, 20), ids.join(", "));
    }
    s
}

/// The rules behind each figure of an advice.
pub fn basis(p: &Playbook, a: &Advice) -> Vec<BasisView> {
    a.basis(p)
        .iter()
        .map(|b| BasisView {
            figure: b.figure,
            rules: b.rules.iter().map(|x| Cite::of(p, *x)).collect(),
        })
        .collect()
}

/// A share written as a decimal ("0.25"), as a percentage ("25%").
fn percent_str(x: &str) -> String {
    x.parse::<rust_decimal::Decimal>()
        .map(|d| format!("{}%", (d * rust_decimal::Decimal::ONE_HUNDRED).round_dp(0)))
        .unwrap_or_else(|_| x.to_string())
}

/// Why one option is not offered, in the rep's language, with the rules that say so.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WhyNotLine {
    /// The option, in the rep's language.
    pub option: String,
    /// The reasons.
    pub reasons: Vec<String>,
    /// The rules behind them.
    pub rules: Vec<Cite>,
}

/// The rules behind one figure, the figure named in the rep's language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BasisLine {
    /// The figure.
    pub figure: String,
    /// The rules.
    pub rules: Vec<Cite>,
}

/// The advice as a page shows it: the sections of [`AdviceView::text_in`] as separate values in
/// the rep's language (sentences from the same messages and words), so that a page can lay them
/// out and link each rule, and shows the same figures as the terminal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AdvicePage {
    /// The next move in one sentence.
    pub message: String,
    /// The claim in one line.
    pub claim: String,
    /// The bottom line.
    pub bottom_line: String,
    /// What the buyer's moves say about it, when they say anything.
    pub buyer: Option<String>,
    /// Who is responsible, in one line.
    pub responsibility: String,
    /// The rule behind the responsibility split.
    pub responsibility_rule: Option<Cite>,
    /// The fair share, the loss and the customer's worth.
    pub fair_share: String,
    /// The options at their true cost.
    pub options: Table,
    /// Why the others are not offered.
    pub why_not: Vec<WhyNotLine>,
    /// The plan if the buyer counters.
    pub plan: Vec<String>,
    /// Warnings.
    pub warnings: Vec<String>,
    /// The rules behind each figure.
    pub basis: Vec<BasisLine>,
    /// The rule set, `name version (hash)`.
    pub rule_set: String,
}

impl AdviceView {
    /// The advice's sections in the rep's language, for a page.
    pub fn page_in(&self, m: &Messages) -> AdvicePage {
        let en = m.lang() == Lang::En;
        let message = if en {
            self.next.message.clone()
        } else {
            crate::words::next_move(&self.next, &self.currency, m)
        };
        let claim = m.get(
            "advice-claim",
            &[
                ("claim", self.claim.as_str().into()),
                ("kind", crate::words::kind(self.about.kind, m).into()),
                ("customer", self.about.customer.as_str().into()),
                ("ask", self.money(&self.about.ask_amount).into()),
                (
                    "remedy",
                    crate::words::remedy(self.about.ask_remedy, m).into(),
                ),
            ],
        );
        let bottom = if en {
            self.bottom_line_why.clone()
        } else {
            self.money(&self.bottom_line)
        };
        let bottom_line = m.get("advice-bottom-line", &[("why", bottom.into())]);
        let b = &self.belief;
        let buyer = (b.above.is_some() || b.at_most.is_some()).then(|| {
            let mut parts = Vec::new();
            if let Some(x) = &b.above {
                parts.push(m.get("belief-above", &[("amount", self.money(x).into())]));
            }
            if let Some(x) = &b.at_most {
                parts.push(m.get("belief-at-most", &[("amount", self.money(x).into())]));
            }
            if let Some(x) = &b.pace {
                parts.push(m.get("belief-pace", &[("share", percent_str(x).into())]));
            }
            m.get(
                "advice-buyer",
                &[("parts", parts.join(&m.text("list-separator")).into())],
            )
        });
        let r = &self.responsibility;
        let responsibility = m.get(
            "advice-responsible",
            &[
                ("seller", percent(r.shares[0]).into()),
                ("buyer", percent(r.shares[1]).into()),
                ("carrier", percent(r.shares[2]).into()),
                ("unclear", if r.unclear { "yes" } else { "no" }.into()),
            ],
        );
        let fair_share = m.get(
            "advice-fair-share",
            &[
                ("fair", self.money(&self.fair_share).into()),
                ("loss", self.money(&self.loss_basis).into()),
                ("worth", self.money(&self.customer_value).into()),
            ],
        );
        let why_not = self
            .options
            .iter()
            .filter(|o| !o.eligible || o.proposal.is_none())
            .map(|o| WhyNotLine {
                option: crate::words::remedy(o.option, m),
                reasons: if en {
                    o.reasons.clone()
                } else {
                    crate::words::reasons(o, &self.currency, m)
                },
                rules: o.blocked_by.clone(),
            })
            .collect();
        let plan = self
            .plan
            .iter()
            .map(|step| {
                let description = if en {
                    step.description.clone()
                } else {
                    crate::words::plan_step(step, &self.currency, m)
                };
                m.get(
                    "advice-plan-step",
                    &[
                        ("round", Arg::Num(i64::from(step.round))),
                        (
                            "accepting",
                            if step.accepts_proposal { "yes" } else { "no" }.into(),
                        ),
                        ("offer", description.into()),
                        ("cost", self.money(&step.cost).into()),
                    ],
                )
            })
            .collect();
        let warnings = self
            .warnings
            .iter()
            .map(|w| {
                if en {
                    w.message.clone()
                } else {
                    crate::words::warning(w, m)
                }
            })
            .collect();
        let basis = self
            .basis
            .iter()
            .map(|b| BasisLine {
                figure: if en {
                    b.figure.to_string()
                } else {
                    m.text(&format!("figure-{}", b.figure.replace(' ', "-")))
                },
                rules: b.rules.clone(),
            })
            .collect();
        AdvicePage {
            message,
            claim,
            bottom_line,
            buyer,
            responsibility,
            responsibility_rule: r.basis.first().cloned(),
            fair_share,
            options: self.options_table_in(m),
            why_not,
            plan,
            warnings,
            basis,
            rule_set: self.rules.short(),
        }
    }
}
