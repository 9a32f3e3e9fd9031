//! The rep's desk: whose move it is on a claim, how long the buyer has waited for us, and what
//! is due when (the first answer within a day, the reply before the buyer's patience runs
//! down, executing a settlement, and the notice limits of the contract and the CISG), worked
//! out from the claim's dates and rounds and the rule set's limits, as of a day the caller
//! gives. Nothing here reads the clock.

use crate::model::{ClaimRecord, ClaimSummary, RoundBrief, Status};
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use settle_engine::Playbook;
use settle_engine::claim::{Party, RoundKind};
use time::{Date, Duration};

/// The rule set's deadlines, in days.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DeskLimits {
    /// We answer a buyer within this many days (`limits.reply_within_days`; seed 002 step 1).
    pub reply_within_days: i64,
    /// The pace the buyer model assumes between rounds (`buyer.days_per_round`): a reply later
    /// than this costs patience the advice did not count on.
    pub days_per_round: i64,
    /// A reasonable time for notice after delivery (`limits.prompt_notice_days`, CISG 39(1)).
    pub prompt_notice_days: i64,
    /// The latest notice after delivery (`limits.notice_days`, CISG 39(2)).
    pub notice_days: i64,
}

fn whole_days(d: Decimal) -> i64 {
    d.ceil().to_i64().unwrap_or(i64::MAX).clamp(0, 100_000)
}

impl DeskLimits {
    /// The limits of a rule set.
    pub fn of(p: &Playbook) -> DeskLimits {
        let l = p.limits();
        DeskLimits {
            reply_within_days: whole_days(l.reply_within_days.value),
            days_per_round: i64::from(p.buyer().days_per_round),
            prompt_notice_days: whole_days(l.prompt_notice_days.value),
            notice_days: whole_days(l.notice_days.value),
        }
    }
}

/// Whose move it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Turn {
    /// Ours: the buyer's claim or last message is unanswered.
    Ours,
    /// The buyer's: our offer, refusal or request for evidence is with the buyer.
    Buyers,
    /// Settled (an acceptance): ours to execute and close.
    Settled,
    /// The claim is closed.
    Closed,
}

impl Turn {
    /// The name used in JSON output.
    pub fn as_str(self) -> &'static str {
        match self {
            Turn::Ours => "ours",
            Turn::Buyers => "buyer",
            Turn::Settled => "settled",
            Turn::Closed => "closed",
        }
    }
}

/// What falls due.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum DueKind {
    /// Our first answer to the claim, within `reply_within_days` of receiving it (seed 002,
    /// step 1: calm, with empathy, never arguing).
    FirstAnswer,
    /// Our reply to the buyer's last message, within `days_per_round`: past it the buyer's
    /// patience runs down faster than the advice assumed.
    Reply,
    /// Executing the settlement and sending proof (seed 002, step 7), then closing the claim.
    Execute,
    /// The contract's claim period after delivery (`order.claim_days`).
    ClaimPeriod,
    /// A reasonable time for notice after delivery (CISG art. 39(1)).
    PromptNotice,
    /// The latest notice after delivery (CISG art. 39(2)).
    NoticeLimit,
}

impl DueKind {
    /// The name used in JSON output.
    pub fn as_str(self) -> &'static str {
        match self {
            DueKind::FirstAnswer => "first_answer",
            DueKind::Reply => "reply",
            DueKind::Execute => "execute",
            DueKind::ClaimPeriod => "claim_period",
            DueKind::PromptNotice => "prompt_notice",
            DueKind::NoticeLimit => "notice_limit",
        }
    }

    /// Whether it is something we must do (else a limit the buyer's notice met or missed).
    pub fn is_ours(self) -> bool {
        matches!(
            self,
            DueKind::FirstAnswer | DueKind::Reply | DueKind::Execute
        )
    }
}

/// Where a due item stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DueState {
    /// Ours to do by the day, not yet late.
    Pending,
    /// Ours to do, and late.
    Overdue,
    /// A notice limit the buyer's claim met.
    Met,
    /// A notice limit the buyer's claim missed.
    Missed,
}

impl DueState {
    /// The name used in JSON output.
    pub fn as_str(self) -> &'static str {
        match self {
            DueState::Pending => "pending",
            DueState::Overdue => "overdue",
            DueState::Met => "met",
            DueState::Missed => "missed",
        }
    }
}

/// One thing that falls due on a claim.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Due {
    /// What.
    pub kind: DueKind,
    /// The last day for it.
    pub by: Date,
    /// Where it stands.
    pub state: DueState,
    /// Days from the desk's day to `by`: negative when overdue; for a notice limit, days from
    /// the limit to the claim's receipt (positive: the claim came that many days late).
    pub days: i64,
}

/// A claim as the desk sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Desk {
    /// Whose move it is.
    pub turn: Turn,
    /// Since when the buyer has waited for us (our move).
    pub waiting_since: Option<Date>,
    /// Days the buyer has waited for us, as of the desk's day.
    pub waited: Option<i64>,
    /// Our deadlines first (overdue, then soonest), then the notice limits.
    pub due: Vec<Due>,
}

/// The dates a desk is worked out from.
#[derive(Debug, Clone, Copy)]
pub struct Dates<'a> {
    /// The claim is closed.
    pub closed: bool,
    /// The day the claim was received.
    pub received: Date,
    /// When the goods were delivered.
    pub delivered: Option<Date>,
    /// The contract's claim period, in days.
    pub claim_days: Option<u32>,
    /// When we acknowledged the claim.
    pub acknowledged_on: Option<Date>,
    /// The rounds, in order.
    pub rounds: &'a [RoundBrief],
}

impl<'a> Dates<'a> {
    /// A list line's dates; `None` when its document lacks a valid `received`.
    pub fn of_summary(s: &'a ClaimSummary) -> Option<Dates<'a>> {
        Some(Dates {
            closed: s.status == Status::Closed,
            received: s.received?,
            delivered: s.delivered,
            claim_days: s.claim_days,
            acknowledged_on: s.acknowledged_on,
            rounds: &s.rounds,
        })
    }
}

/// A claim record's rounds in brief.
pub fn briefs(r: &ClaimRecord) -> Vec<RoundBrief> {
    claim_briefs(&r.claim)
}

/// A claim's rounds in brief.
pub fn claim_briefs(c: &settle_engine::Claim) -> Vec<RoundBrief> {
    c.rounds
        .iter()
        .map(|x| RoundBrief {
            by: x.by,
            kind: x.kind(),
            on: x.on,
        })
        .collect()
}

/// The dates of an open claim (a claim file, or a ledger's claim with its acknowledgement).
pub fn claim_dates<'a>(
    c: &settle_engine::Claim,
    acknowledged_on: Option<Date>,
    rounds: &'a [RoundBrief],
) -> Dates<'a> {
    Dates {
        closed: false,
        received: c.received,
        delivered: c.order.delivered,
        claim_days: c.order.claim_days,
        acknowledged_on,
        rounds,
    }
}

/// The day our reply is due on an open claim as of `today`: the desk's reply deadline, else a
/// round's pace from today.
pub fn reply_by(d: &Dates<'_>, limits: &DeskLimits, today: Date) -> Date {
    desk(d, limits, today)
        .due
        .iter()
        .find(|x| x.kind == DueKind::Reply)
        .map_or_else(|| plus(today, limits.days_per_round), |x| x.by)
}

/// The days from `a` to `b`.
fn days(a: Date, b: Date) -> i64 {
    (b - a).whole_days()
}

fn plus(d: Date, n: i64) -> Date {
    d.checked_add(Duration::days(n)).unwrap_or(Date::MAX)
}

/// The desk's view of a claim as of `today`.
pub fn desk(d: &Dates<'_>, limits: &DeskLimits, today: Date) -> Desk {
    // The buyer waits from its claim, or from its first message after our last answer.
    let mut waiting_since = Some(d.received);
    let mut answered: Option<Date> = d.acknowledged_on;
    let mut settled: Option<Date> = None;
    for r in d.rounds {
        match (r.by, r.kind) {
            (Party::Buyer, RoundKind::Accept) | (Party::Seller, RoundKind::Accept) => {
                settled = Some(r.on);
                answered = answered.or(Some(r.on));
            }
            (Party::Buyer, _) => {
                waiting_since = waiting_since.or(Some(r.on));
            }
            (
                Party::Seller,
                RoundKind::Propose | RoundKind::Refuse | RoundKind::RequestEvidence,
            ) => {
                waiting_since = None;
                answered = Some(answered.map_or(r.on, |a| a.min(r.on)));
            }
            (Party::Seller, RoundKind::Withdraw | RoundKind::Evidence) => {}
        }
    }
    let turn = if d.closed {
        Turn::Closed
    } else if settled.is_some() {
        Turn::Settled
    } else if waiting_since.is_some() {
        Turn::Ours
    } else {
        Turn::Buyers
    };
    let ours = |kind, by: Date| Due {
        kind,
        by,
        state: if today > by {
            DueState::Overdue
        } else {
            DueState::Pending
        },
        days: days(today, by),
    };
    let mut due = Vec::new();
    match turn {
        Turn::Ours => {
            if answered.is_none() {
                due.push(ours(
                    DueKind::FirstAnswer,
                    plus(d.received, limits.reply_within_days),
                ));
            }
            if let Some(since) = waiting_since {
                due.push(ours(DueKind::Reply, plus(since, limits.days_per_round)));
            }
        }
        Turn::Settled => {
            if let Some(on) = settled {
                due.push(ours(DueKind::Execute, plus(on, limits.days_per_round)));
            }
        }
        Turn::Buyers | Turn::Closed => {}
    }
    due.sort_by_key(|x| (x.by, x.kind));
    if let Some(delivered) = d.delivered {
        let mut limit = |kind, n: i64| {
            let by = plus(delivered, n);
            let late = days(by, d.received);
            due.push(Due {
                kind,
                by,
                state: if late > 0 {
                    DueState::Missed
                } else {
                    DueState::Met
                },
                days: late,
            });
        };
        if let Some(n) = d.claim_days {
            limit(DueKind::ClaimPeriod, i64::from(n));
        }
        limit(DueKind::PromptNotice, limits.prompt_notice_days);
        limit(DueKind::NoticeLimit, limits.notice_days);
    }
    Desk {
        turn,
        waited: (turn == Turn::Ours)
            .then(|| waiting_since.map(|s| days(s, today).max(0)))
            .flatten(),
        waiting_since: if turn == Turn::Ours {
            waiting_since
        } else {
            None
        },
        due,
    }
}

impl Desk {
    /// Our most urgent deadline, if any.
    pub fn next_due(&self) -> Option<&Due> {
        self.due.iter().find(|x| x.kind.is_ours())
    }

    /// The notice limits the claim missed.
    pub fn missed(&self) -> impl Iterator<Item = &Due> {
        self.due.iter().filter(|x| x.state == DueState::Missed)
    }

    /// The order of a desk list: overdue first (most overdue first), then the soonest
    /// deadline, then claims with nothing due of ours; ties by the caller's order.
    pub fn urgency(&self) -> (u8, i64) {
        match self.next_due() {
            Some(d) if d.state == DueState::Overdue => (0, d.days),
            Some(d) => (1, d.days),
            None => (2, 0),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    const LIMITS: DeskLimits = DeskLimits {
        reply_within_days: 1,
        days_per_round: 7,
        prompt_notice_days: 180,
        notice_days: 730,
    };

    fn r(by: Party, kind: RoundKind, on: Date) -> RoundBrief {
        RoundBrief { by, kind, on }
    }

    fn dates(rounds: &[RoundBrief]) -> Dates<'_> {
        Dates {
            closed: false,
            received: date!(2024 - 03 - 04),
            delivered: None,
            claim_days: None,
            acknowledged_on: None,
            rounds,
        }
    }

    #[test]
    fn a_new_claim_wants_a_first_answer_within_a_day_and_a_reply_within_a_round() {
        let d = desk(&dates(&[]), &LIMITS, date!(2024 - 03 - 04));
        assert_eq!(d.turn, Turn::Ours);
        assert_eq!(d.waited, Some(0));
        let kinds: Vec<(DueKind, Date, DueState)> =
            d.due.iter().map(|x| (x.kind, x.by, x.state)).collect();
        assert_eq!(
            kinds,
            vec![
                (
                    DueKind::FirstAnswer,
                    date!(2024 - 03 - 05),
                    DueState::Pending
                ),
                (DueKind::Reply, date!(2024 - 03 - 11), DueState::Pending),
            ]
        );
        // Two days later the first answer is a day overdue.
        let d = desk(&dates(&[]), &LIMITS, date!(2024 - 03 - 06));
        assert_eq!(
            d.next_due().map(|x| (x.state, x.days)),
            Some((DueState::Overdue, -1))
        );
        assert_eq!(d.urgency(), (0, -1));
    }

    #[test]
    fn an_acknowledgement_stops_the_first_answer_clock_but_not_the_reply() {
        let mut x = dates(&[]);
        x.acknowledged_on = Some(date!(2024 - 03 - 04));
        let d = desk(&x, &LIMITS, date!(2024 - 03 - 06));
        assert_eq!(
            d.due.iter().map(|x| x.kind).collect::<Vec<_>>(),
            vec![DueKind::Reply]
        );
    }

    #[test]
    fn our_offer_hands_the_move_to_the_buyer_and_its_counter_hands_it_back() {
        let rounds = [
            r(Party::Buyer, RoundKind::Propose, date!(2024 - 03 - 04)),
            r(Party::Seller, RoundKind::Propose, date!(2024 - 03 - 05)),
        ];
        let d = desk(&dates(&rounds), &LIMITS, date!(2024 - 03 - 20));
        assert_eq!((d.turn, d.waited, d.due.len()), (Turn::Buyers, None, 0));
        let rounds = [
            rounds[0],
            rounds[1],
            r(Party::Buyer, RoundKind::Propose, date!(2024 - 03 - 09)),
            r(Party::Buyer, RoundKind::Evidence, date!(2024 - 03 - 10)),
        ];
        let d = desk(&dates(&rounds), &LIMITS, date!(2024 - 03 - 20));
        assert_eq!(d.turn, Turn::Ours);
        // Waiting since its counter, not its later evidence.
        assert_eq!(d.waiting_since, Some(date!(2024 - 03 - 09)));
        assert_eq!(d.waited, Some(11));
        let reply = d.next_due().copied();
        assert_eq!(
            reply.map(|x| (x.kind, x.by, x.state, x.days)),
            Some((DueKind::Reply, date!(2024 - 03 - 16), DueState::Overdue, -4))
        );
    }

    #[test]
    fn our_request_for_evidence_waits_for_the_buyer_and_withdrawing_our_offer_does_not() {
        let rounds = [r(
            Party::Seller,
            RoundKind::RequestEvidence,
            date!(2024 - 03 - 04),
        )];
        assert_eq!(
            desk(&dates(&rounds), &LIMITS, date!(2024 - 03 - 05)).turn,
            Turn::Buyers
        );
        let rounds = [
            r(Party::Seller, RoundKind::Propose, date!(2024 - 03 - 04)),
            r(Party::Seller, RoundKind::Withdraw, date!(2024 - 03 - 05)),
        ];
        let d = desk(&dates(&rounds), &LIMITS, date!(2024 - 03 - 05));
        assert_eq!(
            d.turn,
            Turn::Buyers,
            "the buyer still has our withdrawal to answer"
        );
    }

    #[test]
    fn a_settled_claim_is_ours_to_execute_and_a_closed_one_has_nothing_due() {
        let rounds = [
            r(Party::Seller, RoundKind::Propose, date!(2024 - 03 - 05)),
            r(Party::Buyer, RoundKind::Accept, date!(2024 - 03 - 08)),
        ];
        let d = desk(&dates(&rounds), &LIMITS, date!(2024 - 03 - 09));
        assert_eq!(d.turn, Turn::Settled);
        assert_eq!(
            d.next_due().map(|x| (x.kind, x.by)),
            Some((DueKind::Execute, date!(2024 - 03 - 15)))
        );
        let mut x = dates(&rounds);
        x.closed = true;
        let d = desk(&x, &LIMITS, date!(2024 - 03 - 09));
        assert_eq!((d.turn, d.due.len()), (Turn::Closed, 0));
    }

    #[test]
    fn notice_limits_are_met_or_missed_by_the_day_the_claim_came() {
        let mut x = dates(&[]);
        x.delivered = Some(date!(2023 - 08 - 01));
        x.claim_days = Some(30);
        let d = desk(&x, &LIMITS, date!(2024 - 03 - 04));
        let limits: Vec<(DueKind, DueState, i64)> = d
            .due
            .iter()
            .filter(|x| !x.kind.is_ours())
            .map(|x| (x.kind, x.state, x.days))
            .collect();
        assert_eq!(
            limits,
            vec![
                (DueKind::ClaimPeriod, DueState::Missed, 186),
                (DueKind::PromptNotice, DueState::Missed, 36),
                (DueKind::NoticeLimit, DueState::Met, -514),
            ]
        );
        assert_eq!(d.missed().count(), 2);
    }
}
