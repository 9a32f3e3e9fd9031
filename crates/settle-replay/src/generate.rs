//! Reproducible synthetic histories for demos and benchmarks: the same seed gives the same
//! claims, byte for byte. Spreads follow the trade's practice (domain.md): most claims are
//! quality defects on delivered goods, a few are safety incidents or far above the goods'
//! value; repeat customers are the largest group; most claims carry some evidence.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rust_decimal::Decimal;
use settle_engine::Claim;
use settle_engine::Currency;
use settle_engine::claim::*;

/// The past seller of a generated history: offers in the option the buyer asked for (a
/// discount where it asked for replacement goods, a repair or nothing), climbing from 30-70% of
/// the ask by 10-25% of it a round, up to the ask; it accepts the buyer's proposal when it asks
/// no more than its own next offer. The buyer answers as a `settle_sim` buyer (docs/model.md,
/// "Simulation"): a Boulware, linear, conceder, hardliner or tit-for-tat buyer with a reserve of
/// 30-95% of its ask, patient, normal or impatient. Four claims in five end (a deal, or a
/// walk-away recorded as an outcome of `reject`); the others are still open after one to three
/// rounds. Every round is dated 2-12 days after the one before.
fn negotiate(
    r: &mut ChaCha8Rng,
    received: time::Date,
    ask_remedy: Remedy,
    ask: Decimal,
    minor: u32,
) -> (Vec<Round>, Option<Outcome>) {
    use settle_sim::buyer::{Answer, Buyer, Patience, Style};
    let mut rounds = vec![Round::propose(received, Party::Buyer, ask_remedy, ask)];
    let style = pick(
        r,
        &[
            (Style::Boulware, 25),
            (Style::Linear, 25),
            (Style::Conceder, 20),
            (Style::Hardliner, 15),
            (Style::TitForTat, 15),
        ],
    );
    let patience = pick(
        r,
        &[
            (Patience::Patient, 30),
            (Patience::Normal, 45),
            (Patience::Impatient, 25),
        ],
    );
    let reserve = share(ask, r.random_range(30..96), minor);
    let mut buyer = Buyer::with_reserve(style, patience, ask, reserve);
    let offer_remedy = match ask_remedy {
        Remedy::Refund | Remedy::Discount | Remedy::Credit => ask_remedy,
        _ => Remedy::Discount,
    };
    let open = chance(r, 20);
    let stop_after = if open { r.random_range(1..4) } else { u32::MAX };
    let mut offer = share(ask, r.random_range(30..71), minor);
    let mut on = received;
    let mut buyer_proposal: Option<Decimal> = None;
    let step = |on: &mut time::Date, r: &mut ChaCha8Rng| {
        *on += time::Duration::days(r.random_range(2..13));
        *on
    };
    let settle = |r: &mut ChaCha8Rng, remedy: Remedy, amount: Decimal, closed: time::Date| {
        let cost = if remedy == Remedy::Credit {
            share(amount, r.random_range(40..70), minor)
        } else {
            share(amount, r.random_range(90..110), minor)
        };
        let keep = if ask.is_zero() {
            50
        } else {
            (amount * Decimal::from(60) / ask)
                .round()
                .try_into()
                .unwrap_or(30i64)
                + 30
        };
        Outcome {
            remedy,
            amount,
            cost,
            closed: closed + time::Duration::days(r.random_range(3..30)),
            retained: r.random_range(0..100) < keep,
        }
    };
    for k in 0..8u32 {
        if k >= stop_after {
            return (rounds, None);
        }
        // Take the buyer's proposal when it asks no more than our next offer.
        if let Some(d) = buyer_proposal
            && d <= offer
        {
            let day = step(&mut on, r);
            rounds.push(Round::answer(day, Party::Seller, RoundKind::Accept));
            let o = settle(r, ask_remedy, d, day);
            return (rounds, Some(o));
        }
        let day = step(&mut on, r);
        rounds.push(Round::propose(day, Party::Seller, offer_remedy, offer));
        let weeks = (day - received).whole_days() as f64 / 7.0;
        let answer = buyer.answer(offer, weeks, r);
        let day = step(&mut on, r);
        match answer {
            Answer::Accept => {
                rounds.push(Round::answer(day, Party::Buyer, RoundKind::Accept));
                let o = settle(r, offer_remedy, offer, day);
                return (rounds, Some(o));
            }
            Answer::Walk => {
                let o = Outcome {
                    remedy: Remedy::Reject,
                    amount: Decimal::ZERO,
                    cost: Decimal::ZERO,
                    closed: day,
                    retained: false,
                };
                return (rounds, (!open).then_some(o));
            }
            Answer::Refuse => rounds.push(Round::answer(day, Party::Buyer, RoundKind::Refuse)),
            Answer::Counter(d) => {
                buyer_proposal = Some(d);
                rounds.push(Round::propose(day, Party::Buyer, ask_remedy, d));
            }
            Answer::WithdrawAndRaise(d) => {
                buyer_proposal = Some(d);
                rounds.push(Round::answer(day, Party::Buyer, RoundKind::Withdraw));
                rounds.push(Round::propose(day, Party::Buyer, ask_remedy, d));
            }
        }
        offer = (offer + share(ask, r.random_range(10..26), minor)).min(ask);
    }
    (rounds, None)
}

/// Makes claims one at a time from a seed.
pub struct Generator {
    rng: ChaCha8Rng,
    seed: u64,
    next: u64,
}

fn pick<T: Copy>(rng: &mut ChaCha8Rng, weighted: &[(T, u32)]) -> T {
    let total: u32 = weighted.iter().map(|(_, w)| w).sum();
    let mut x = rng.random_range(0..total);
    for (v, w) in weighted {
        if x < *w {
            return *v;
        }
        x -= w;
    }
    weighted[weighted.len() - 1].0
}

fn chance(rng: &mut ChaCha8Rng, percent: u32) -> bool {
    rng.random_range(0..100) < percent
}

/// `base` × `percent` / 100, rounded to the currency's minor units.
fn share(base: Decimal, percent: i64, minor: u32) -> Decimal {
    (base * Decimal::new(percent, 2)).round_dp(minor)
}

impl Generator {
    /// A generator for `seed`.
    pub fn new(seed: u64) -> Generator {
        Generator {
            rng: ChaCha8Rng::seed_from_u64(seed),
            seed,
            next: 0,
        }
    }

    /// The next claim.
    pub fn claim(&mut self) -> Claim {
        let r = &mut self.rng;
        let n = self.next;
        self.next += 1;
        let (code, scale) = pick(
            r,
            &[
                (("USD", 1), 60),
                (("EUR", 1), 20),
                (("GBP", 1), 5),
                (("CNY", 7), 10),
                (("JPY", 150), 5),
            ],
        );
        let currency =
            settle_rules::currency::lookup(code).unwrap_or_else(|| Currency::new(*b"USD", 2));
        let minor = u32::from(currency.minor_units());
        let money = |units: i64| Decimal::from(units * scale);
        let received = time::Date::from_calendar_date(2019, time::Month::January, 1)
            .unwrap_or(time::Date::MIN)
            + time::Duration::days(r.random_range(0..2190));

        let relationship = pick(
            r,
            &[
                (Relationship::New, 35),
                (Relationship::Repeat, 45),
                (Relationship::Key, 20),
            ],
        );
        let annual = match relationship {
            Relationship::New if chance(r, 25) => Decimal::ZERO,
            Relationship::New => money(r.random_range(5_000..80_000)),
            Relationship::Repeat => money(r.random_range(50_000..400_000)),
            Relationship::Key => money(r.random_range(300_000..2_000_000)),
        };
        let years = match relationship {
            Relationship::New => 0,
            Relationship::Repeat => r.random_range(1..8),
            Relationship::Key => r.random_range(3..15),
        };
        let past_claims = pick(r, &[(0u32, 60), (1, 25), (2, 10), (3, 3), (5, 2)]);

        let value = match pick(r, &[(0, 40), (1, 40), (2, 20)]) {
            0 => money(r.random_range(2_000..10_000)),
            1 => money(r.random_range(10_000..50_000)),
            _ => money(r.random_range(50_000..200_000)),
        };
        let quantity: u64 = match pick(r, &[(0, 3), (1, 40), (2, 57)]) {
            0 => 1,
            1 => r.random_range(10..500),
            _ => r.random_range(500..20_000),
        };
        let unit_price = value / Decimal::from(quantity);
        let unit_cost =
            share(unit_price, r.random_range(55..90), minor).max(Decimal::new(1, minor));
        let stage = pick(
            r,
            &[
                (Stage::PreShipment, 10),
                (Stage::InTransit, 10),
                (Stage::Delivered, 50),
                (Stage::InUse, 30),
            ],
        );
        let paid = if stage == Stage::PreShipment && chance(r, 70) {
            share(value, 30, minor)
        } else {
            value
        };
        let delivered = match stage {
            Stage::Delivered | Stage::InUse => {
                let horizon = pick(r, &[(60, 85), (400, 12), (900, 3)]);
                Some(received - time::Duration::days(r.random_range(1..horizon)))
            }
            _ => None,
        };
        let incoterm = Some(pick(
            r,
            &[
                (Incoterm::Fob, 30),
                (Incoterm::Cif, 25),
                (Incoterm::Cfr, 10),
                (Incoterm::Fca, 8),
                (Incoterm::Exw, 5),
                (Incoterm::Cip, 3),
                (Incoterm::Cpt, 2),
                (Incoterm::Dap, 12),
                (Incoterm::Ddp, 5),
            ],
        ))
        .filter(|_| chance(r, 90));
        // Cargo insurance: ours under CIF and CIP; otherwise the buyer often insures the
        // voyage it bears the risk of.
        let insurance = match incoterm {
            Some(Incoterm::Cif | Incoterm::Cip) => Insurance::Seller,
            Some(t) if t.risk_passes() == RiskPoint::AtLoading && chance(r, 40) => Insurance::Buyer,
            _ => Insurance::None,
        };
        let claim_days = chance(r, 40).then(|| pick(r, &[(30, 30), (60, 30), (90, 30), (180, 10)]));

        let kind = pick(
            r,
            &[
                (ProblemKind::QualityDefect, 35),
                (ProblemKind::ShortShipment, 10),
                (ProblemKind::TransitDamage, 15),
                (ProblemKind::LateDelivery, 15),
                (ProblemKind::WrongSpec, 10),
                (ProblemKind::Documents, 10),
                (ProblemKind::Safety, 5),
            ],
        );
        let category = pick(
            r,
            &[
                ("electronics", 25),
                ("furniture", 10),
                ("tools", 20),
                ("hardware", 20),
                ("textiles", 15),
                ("housewares", 10),
                ("fresh produce", 5),
            ],
        );
        let perishable = category == "fresh produce";
        let affected_pct: u64 = match kind {
            ProblemKind::LateDelivery | ProblemKind::Documents => 100,
            ProblemKind::Safety => 1,
            _ => pick(r, &[(5, 40), (20, 30), (50, 15), (100, 15)]),
        };
        let affected = (quantity * affected_pct / 100).clamp(1, quantity);
        let severity = match kind {
            ProblemKind::Safety => Severity::Hazardous,
            ProblemKind::LateDelivery | ProblemKind::Documents => {
                pick(r, &[(Severity::Minor, 80), (Severity::Major, 20)])
            }
            _ => pick(
                r,
                &[
                    (Severity::Cosmetic, 15),
                    (Severity::Minor, 30),
                    (Severity::Major, 35),
                    (Severity::Unusable, 20),
                ],
            ),
        };
        let evidence = Evidence {
            buyer_photos: chance(r, 70),
            inspection: pick(
                r,
                &[
                    (Inspection::None, 60),
                    (Inspection::Buyer, 30),
                    (Inspection::ThirdParty, 10),
                ],
            ),
            our_qc: pick(
                r,
                &[
                    (QcRecord::Passed, 70),
                    (QcRecord::Failed, 10),
                    (QcRecord::Missing, 20),
                ],
            ),
            spec_in_contract: chance(r, 75),
            spec_from_buyer: chance(r, 20),
            carrier_noted: kind == ProblemKind::TransitDamage && chance(r, 55) || chance(r, 3),
            misuse_signs: chance(r, 6),
            buyer_changes: chance(r, 15),
            buyer_paid_late: chance(r, 10),
            sample: pick(
                r,
                &[
                    (SampleMatch::None, 75),
                    (SampleMatch::Matches, 15),
                    (SampleMatch::Differs, 10),
                ],
            ),
            packing: if kind == ProblemKind::TransitDamage {
                pick(
                    r,
                    &[
                        (Packing::Adequate, 50),
                        (Packing::Inadequate, 20),
                        (Packing::Unknown, 30),
                    ],
                )
            } else {
                pick(
                    r,
                    &[
                        (Packing::Adequate, 60),
                        (Packing::Inadequate, 5),
                        (Packing::Unknown, 35),
                    ],
                )
            },
            loaded_clean: stage != Stage::PreShipment
                && incoterm.is_some_and(|t| t.risk_passes() == RiskPoint::AtLoading)
                && chance(r, 60),
            within_tolerance: kind == ProblemKind::QualityDefect
                && affected_pct <= 5
                && chance(r, 40),
            buyer_delay: chance(r, 5),
            impediment: kind == ProblemKind::LateDelivery && chance(r, 8),
            legal_action: chance(r, 2),
            fraud_signs: chance(r, 1),
            progress_updates: chance(r, 60),
            expert_opinion: pick(
                r,
                &[
                    (ExpertOpinion::None, 70),
                    (ExpertOpinion::SupportsClaim, 20),
                    (ExpertOpinion::DisputesClaim, 10),
                ],
            ),
        };
        let ask_remedy = match kind {
            ProblemKind::LateDelivery | ProblemKind::Documents => pick(
                r,
                &[
                    (Remedy::Refund, 60),
                    (Remedy::Discount, 30),
                    (Remedy::Credit, 10),
                ],
            ),
            ProblemKind::ShortShipment => pick(r, &[(Remedy::Reship, 60), (Remedy::Refund, 40)]),
            _ => pick(
                r,
                &[
                    (Remedy::Refund, 45),
                    (Remedy::Reship, 25),
                    (Remedy::Discount, 20),
                    (Remedy::Repair, 10),
                ],
            ),
        };
        let affected_value =
            (value * Decimal::from(affected) / Decimal::from(quantity)).round_dp(minor);
        let ask_pct = match kind {
            ProblemKind::LateDelivery | ProblemKind::Documents => r.random_range(5..30),
            _ if chance(r, 4) => r.random_range(160..400),
            _ => r.random_range(30..130),
        };
        let base = if matches!(kind, ProblemKind::LateDelivery | ProblemKind::Documents) {
            value
        } else {
            affected_value
        };
        let ask_amount = share(base, ask_pct, minor).max(Decimal::new(1, 0));

        let (rounds, outcome) = negotiate(r, received, ask_remedy, ask_amount, minor);
        let last = rounds.last().map_or(received, |x| x.on);
        let as_of = if outcome.is_none() {
            Some(last + time::Duration::days(r.random_range(0..4))).filter(|_| chance(r, 40))
        } else {
            None
        };

        Claim {
            id: format!("H{}-{n:07}", self.seed),
            received,
            as_of,
            currency,
            customer: Customer {
                name: format!("Customer {}", r.random_range(1..5000)),
                relationship,
                annual_purchases: annual,
                years,
                past_claims,
            },
            order: Order {
                number: Some(format!("PI-{}", r.random_range(10000..99999))),
                value,
                paid,
                quantity,
                unit_cost,
                incoterm,
                stage,
                delivered,
                perishable,
                insurance,
                claim_days,
            },
            problem: Problem {
                kind,
                summary: format!("{} on {category}", kind.as_str().replace('_', " ")),
                category: category.to_string(),
                affected,
                severity,
                repairable: chance(r, 40),
                still_needed: chance(r, 65),
            },
            evidence,
            ask: Ask {
                remedy: ask_remedy,
                amount: ask_amount,
            },
            rounds,
            outcome,
        }
    }
}
