//! Claim files (TOML or JSON, the same structure): reading with every problem reported, and
//! writing back. The format is `docs/claim-format.md`.

use crate::currency;
use crate::diag::{Diagnostic, Sink};
use crate::node::{self, Kind, Node};
use crate::read::{self, Table};
use crate::source::SourceFile;
use settle_engine::Claim;
use settle_engine::claim::*;

/// The formats a claim file can be written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// TOML, the default for any file not ending in `.json`.
    Toml,
    /// JSON (`.json`), for claim files written by other systems.
    Json,
}

impl Format {
    /// The format a file name says: `.json` is JSON, anything else TOML.
    pub fn of_path(name: &str) -> Format {
        if name.to_ascii_lowercase().ends_with(".json") {
            Format::Json
        } else {
            Format::Toml
        }
    }
}

const TOP: &[&str] = &[
    "id", "received", "as_of", "currency", "customer", "order", "problem", "evidence", "ask",
    "round", "outcome",
];
const CUSTOMER: &[&str] = &[
    "name",
    "relationship",
    "annual_purchases",
    "years",
    "past_claims",
];
const ORDER: &[&str] = &[
    "number",
    "value",
    "paid",
    "quantity",
    "unit_cost",
    "incoterm",
    "stage",
    "delivered",
];
const PROBLEM: &[&str] = &[
    "kind",
    "summary",
    "category",
    "affected",
    "severity",
    "repairable",
    "still_needed",
];
const EVIDENCE: &[&str] = &[
    "buyer_photos",
    "inspection",
    "our_qc",
    "spec_in_contract",
    "spec_from_buyer",
    "carrier_noted",
    "misuse_signs",
    "buyer_changes",
    "buyer_paid_late",
    "progress_updates",
    "expert_opinion",
];
const ASK: &[&str] = &["remedy", "amount"];
const ROUND: &[&str] = &["on", "by", "remedy", "amount", "note"];
const OUTCOME: &[&str] = &["remedy", "amount", "cost", "closed", "retained"];

/// Most units or claims a claim may state; far above any real order, low enough to price safely.
pub const MAX_COUNT: u64 = 1_000_000_000_000;

/// Reads a claim file. On success the claim; otherwise every problem found, in file order.
pub fn parse_claim(source: &SourceFile, format: Format) -> Result<Claim, Vec<Diagnostic>> {
    let mut sink = Sink::new(source);
    let root = match format {
        Format::Toml => node::parse_toml(source.text(), &mut sink),
        Format::Json => node::parse_json(source.text(), &mut sink),
    };
    let claim = root.and_then(|root| lower_claim(&root, &mut sink));
    match claim {
        Some(c) if !sink.has_errors() => Ok(c),
        _ => Err(sink.finish()),
    }
}

macro_rules! field {
    ($t:expr, $sink:expr, $key:literal, $read:expr) => {{
        let field = $t.field($key);
        $t.need($key, $sink)
            .and_then(|(_, n)| $read(n, field.as_str(), &mut *$sink))
    }};
}

macro_rules! opt_field {
    ($t:expr, $sink:expr, $key:literal, $read:expr) => {{
        let field = $t.field($key);
        match $t.take($key) {
            Some((_, n)) => $read(n, field.as_str(), &mut *$sink).map(Some),
            None => Some(None),
        }
    }};
}

fn sub<'n>(t: &mut Table<'n>, key: &str, sink: &mut Sink<'_>) -> Option<Table<'n>> {
    let path = t.field(key);
    let (k, n) = t.need(key, sink)?;
    Table::of(n, &path, k.span.clone(), sink)
}

fn vocab<T: Copy>(
    names: &'static [&'static str],
    parse: fn(&str) -> Option<T>,
) -> impl Fn(&Node, &str, &mut Sink<'_>) -> Option<T> {
    move |n, f, s| read::one_of(n, f, names, parse, s)
}

/// Most years of business a claim may state.
pub const MAX_YEARS: u64 = 1000;

/// Lowers a node tree (from any format) into a claim, reporting every problem to `sink`.
pub fn claim_from_node(root: &Node, sink: &mut Sink<'_>) -> Option<Claim> {
    lower_claim(root, sink)
}

fn lower_claim(root: &Node, sink: &mut Sink<'_>) -> Option<Claim> {
    let mut t = Table::of(root, "", 0..0, sink)?;
    let id = field!(t, sink, "id", read::string);
    let received = field!(t, sink, "received", read::date);
    let as_of = opt_field!(t, sink, "as_of", read::date);
    let currency = field!(
        t,
        sink,
        "currency",
        |n: &Node, f: &str, s: &mut Sink<'_>| {
            let code = read::string(n, f, s)?;
            let c = currency::lookup(&code);
            if c.is_none() {
                s.error(
                    n.span.clone(),
                    Some(f),
                    format!("`{f}` must be an ISO 4217 currency code; found `{code}`"),
                )
                .label("not an ISO 4217 code")
                .help("use the three capital letters of the invoice currency, e.g. USD, EUR, CNY");
            }
            c
        }
    );

    let customer = sub(&mut t, "customer", sink).and_then(|mut c| {
        let name = field!(c, sink, "name", read::string);
        let relationship = field!(
            c,
            sink,
            "relationship",
            vocab(Relationship::NAMES, Relationship::parse)
        );
        let annual = field!(c, sink, "annual_purchases", read::money);
        let years = field!(c, sink, "years", |n, f, s| read::whole(n, f, MAX_YEARS, s));
        let past = field!(c, sink, "past_claims", |n, f, s| read::whole(
            n, f, MAX_COUNT, s
        ));
        c.finish(CUSTOMER, "[customer]", sink);
        Some(Customer {
            name: name?,
            relationship: relationship?,
            annual_purchases: annual?,
            years: years? as u32,
            past_claims: u32::try_from(past?).unwrap_or(u32::MAX),
        })
    });

    let order = sub(&mut t, "order", sink).and_then(|mut o| {
        let number = opt_field!(o, sink, "number", read::string);
        let value = field!(o, sink, "value", read::money);
        let paid_node = o.take("paid");
        let paid = match paid_node {
            Some((_, n)) => read::money(n, "order.paid", sink),
            None => {
                o.need("paid", sink);
                None
            }
        };
        let quantity_node = o.take("quantity");
        let quantity = match quantity_node {
            Some((_, n)) => read::whole(n, "order.quantity", MAX_COUNT, sink),
            None => {
                o.need("quantity", sink);
                None
            }
        };
        let unit_cost = field!(o, sink, "unit_cost", read::money);
        let incoterm = opt_field!(o, sink, "incoterm", read::string);
        let stage = field!(o, sink, "stage", vocab(Stage::NAMES, Stage::parse));
        let delivered = opt_field!(o, sink, "delivered", read::date);
        o.finish(ORDER, "[order]", sink);
        if let (Some(v), Some(p), Some((_, n))) = (value, paid, paid_node)
            && p > v
        {
            sink.error(
                n.span.clone(),
                Some("order.paid"),
                format!("`order.paid` ({p}) is more than `order.value` ({v})"),
            )
            .label("paid cannot exceed the order value");
        }
        Some((
            Order {
                number: number?,
                value: value?,
                paid: paid?,
                quantity: quantity?,
                unit_cost: unit_cost?,
                incoterm: incoterm?,
                stage: stage?,
                delivered: delivered?,
            },
            quantity_node.map(|(_, n)| n),
        ))
    });

    let problem = sub(&mut t, "problem", sink).and_then(|mut p| {
        let kind = field!(
            p,
            sink,
            "kind",
            vocab(ProblemKind::NAMES, ProblemKind::parse)
        );
        let summary = field!(p, sink, "summary", read::string);
        let category = field!(p, sink, "category", read::string);
        let affected_node = p.take("affected");
        let affected = match affected_node {
            Some((_, n)) => read::whole(n, "problem.affected", MAX_COUNT, sink),
            None => {
                p.need("affected", sink);
                None
            }
        };
        let severity = field!(p, sink, "severity", vocab(Severity::NAMES, Severity::parse));
        let repairable = field!(p, sink, "repairable", read::boolean);
        let still_needed = field!(p, sink, "still_needed", read::boolean);
        p.finish(PROBLEM, "[problem]", sink);
        Some((
            Problem {
                kind: kind?,
                summary: summary?,
                category: category?,
                affected: affected?,
                severity: severity?,
                repairable: repairable?,
                still_needed: still_needed?,
            },
            affected_node.map(|(_, n)| n),
        ))
    });
    if let (Some((o, _)), Some((p, Some(n)))) = (&order, &problem)
        && p.affected > o.quantity
    {
        sink.error(
            n.span.clone(),
            Some("problem.affected"),
            format!(
                "`problem.affected` ({}) is more than `order.quantity` ({})",
                p.affected, o.quantity
            ),
        )
        .label("more units affected than ordered");
    }

    let evidence = sub(&mut t, "evidence", sink).and_then(|mut e| {
        let buyer_photos = field!(e, sink, "buyer_photos", read::boolean);
        let inspection = field!(
            e,
            sink,
            "inspection",
            vocab(Inspection::NAMES, Inspection::parse)
        );
        let our_qc = field!(e, sink, "our_qc", vocab(QcRecord::NAMES, QcRecord::parse));
        let spec_in_contract = field!(e, sink, "spec_in_contract", read::boolean);
        let spec_from_buyer = field!(e, sink, "spec_from_buyer", read::boolean);
        let carrier_noted = field!(e, sink, "carrier_noted", read::boolean);
        let misuse_signs = field!(e, sink, "misuse_signs", read::boolean);
        let buyer_changes = field!(e, sink, "buyer_changes", read::boolean);
        let buyer_paid_late = field!(e, sink, "buyer_paid_late", read::boolean);
        let progress_updates = field!(e, sink, "progress_updates", read::boolean);
        let expert_opinion = field!(
            e,
            sink,
            "expert_opinion",
            vocab(ExpertOpinion::NAMES, ExpertOpinion::parse)
        );
        e.finish(EVIDENCE, "[evidence]", sink);
        Some(Evidence {
            buyer_photos: buyer_photos?,
            inspection: inspection?,
            our_qc: our_qc?,
            spec_in_contract: spec_in_contract?,
            spec_from_buyer: spec_from_buyer?,
            carrier_noted: carrier_noted?,
            misuse_signs: misuse_signs?,
            buyer_changes: buyer_changes?,
            buyer_paid_late: buyer_paid_late?,
            progress_updates: progress_updates?,
            expert_opinion: expert_opinion?,
        })
    });

    let ask = sub(&mut t, "ask", sink).and_then(|mut a| {
        let remedy = field!(a, sink, "remedy", vocab(Remedy::NAMES, Remedy::parse));
        let amount = field!(a, sink, "amount", read::money);
        a.finish(ASK, "[ask]", sink);
        Some(Ask {
            remedy: remedy?,
            amount: amount?,
        })
    });

    let rounds = lower_rounds(&mut t, received, sink);
    let outcome = match t.take("outcome") {
        Some((k, n)) => Table::of(n, "outcome", k.span.clone(), sink).map(|mut o| {
            let remedy = field!(o, sink, "remedy", vocab(Remedy::NAMES, Remedy::parse));
            let amount = field!(o, sink, "amount", read::money);
            let cost = field!(o, sink, "cost", read::money);
            let closed = field!(o, sink, "closed", read::date);
            let retained = field!(o, sink, "retained", read::boolean);
            o.finish(OUTCOME, "[outcome]", sink);
            Some(Outcome {
                remedy: remedy?,
                amount: amount?,
                cost: cost?,
                closed: closed?,
                retained: retained?,
            })
        }),
        None => Some(None),
    };
    t.finish(TOP, "the claim", sink);

    Some(Claim {
        id: id?,
        received: received?,
        as_of: as_of?,
        currency: currency?,
        customer: customer?,
        order: order?.0,
        problem: problem?.0,
        evidence: evidence?,
        ask: ask?,
        rounds: rounds?,
        outcome: outcome?,
    })
}

fn lower_rounds(
    t: &mut Table<'_>,
    received: Option<time::Date>,
    sink: &mut Sink<'_>,
) -> Option<Vec<Round>> {
    let Some((_, node)) = t.take("round") else {
        return Some(Vec::new());
    };
    let Kind::Array(items) = &node.kind else {
        read::wrong_type(sink, node, "round", "an array of tables ([[round]])");
        return None;
    };
    let mut rounds = Vec::with_capacity(items.len());
    let mut ok = true;
    let mut prev: Option<(usize, time::Date)> = None;
    for (i, item) in items.iter().enumerate() {
        let path = format!("round[{}]", i + 1);
        let Some(mut r) = Table::of(item, &path, item.span.clone(), sink) else {
            ok = false;
            continue;
        };
        let on_node = r.take("on");
        let on = match on_node {
            Some((_, n)) => read::date(n, &format!("{path}.on"), sink),
            None => {
                r.need("on", sink);
                None
            }
        };
        let by = field!(r, sink, "by", vocab(Party::NAMES, Party::parse));
        let remedy = field!(r, sink, "remedy", vocab(Remedy::NAMES, Remedy::parse));
        let amount = field!(r, sink, "amount", read::money);
        let note = opt_field!(r, sink, "note", read::string);
        r.finish(ROUND, "[[round]]", sink);
        if let (Some(d), Some((_, n))) = (on, on_node) {
            if let Some(rec) = received
                && d < rec
            {
                sink.error(
                    n.span.clone(),
                    Some(&format!("{path}.on")),
                    format!(
                        "round {} is dated {d}, before the claim was received ({rec})",
                        i + 1
                    ),
                )
                .label("before `received`");
            }
            if let Some((pi, pd)) = prev
                && d < pd
            {
                sink.error(
                    n.span.clone(),
                    Some(&format!("{path}.on")),
                    format!(
                        "round {} is dated {d}, before round {} ({pd})",
                        i + 1,
                        pi + 1
                    ),
                )
                .label("rounds must be in date order, oldest first");
            }
            prev = Some((i, d));
        }
        match (on, by, remedy, amount, note) {
            (Some(on), Some(by), Some(remedy), Some(amount), Some(note)) => rounds.push(Round {
                on,
                by,
                remedy,
                amount,
                note,
            }),
            _ => ok = false,
        }
    }
    ok.then_some(rounds)
}

/// Writes a claim as TOML in the contract's layout; reading it back gives the same claim.
pub fn to_toml(c: &Claim) -> String {
    use std::fmt::Write;
    let q = |s: &str| toml_string(s);
    let mut out = String::new();
    let _ = writeln!(out, "id = {}", q(&c.id));
    let _ = writeln!(out, "received = {}", c.received);
    if let Some(d) = c.as_of {
        let _ = writeln!(out, "as_of = {d}");
    }
    let _ = writeln!(out, "currency = {}", q(c.currency.code()));
    let cu = &c.customer;
    let _ = write!(
        out,
        "\n[customer]\nname = {}\nrelationship = {}\nannual_purchases = \"{}\"\nyears = {}\npast_claims = {}\n",
        q(&cu.name),
        q(cu.relationship.as_str()),
        cu.annual_purchases,
        cu.years,
        cu.past_claims
    );
    let o = &c.order;
    let _ = writeln!(out, "\n[order]");
    if let Some(n) = &o.number {
        let _ = writeln!(out, "number = {}", q(n));
    }
    let _ = write!(
        out,
        "value = \"{}\"\npaid = \"{}\"\nquantity = {}\nunit_cost = \"{}\"\n",
        o.value, o.paid, o.quantity, o.unit_cost
    );
    if let Some(i) = &o.incoterm {
        let _ = writeln!(out, "incoterm = {}", q(i));
    }
    let _ = writeln!(out, "stage = {}", q(o.stage.as_str()));
    if let Some(d) = o.delivered {
        let _ = writeln!(out, "delivered = {d}");
    }
    let p = &c.problem;
    let _ = write!(
        out,
        "\n[problem]\nkind = {}\nsummary = {}\ncategory = {}\naffected = {}\nseverity = {}\nrepairable = {}\nstill_needed = {}\n",
        q(p.kind.as_str()),
        q(&p.summary),
        q(&p.category),
        p.affected,
        q(p.severity.as_str()),
        p.repairable,
        p.still_needed
    );
    let e = &c.evidence;
    let _ = write!(
        out,
        "\n[evidence]\nbuyer_photos = {}\ninspection = {}\nour_qc = {}\nspec_in_contract = {}\nspec_from_buyer = {}\ncarrier_noted = {}\nmisuse_signs = {}\nbuyer_changes = {}\nbuyer_paid_late = {}\nprogress_updates = {}\nexpert_opinion = {}\n",
        e.buyer_photos,
        q(e.inspection.as_str()),
        q(e.our_qc.as_str()),
        e.spec_in_contract,
        e.spec_from_buyer,
        e.carrier_noted,
        e.misuse_signs,
        e.buyer_changes,
        e.buyer_paid_late,
        e.progress_updates,
        q(e.expert_opinion.as_str())
    );
    let _ = write!(
        out,
        "\n[ask]\nremedy = {}\namount = \"{}\"\n",
        q(c.ask.remedy.as_str()),
        c.ask.amount
    );
    for r in &c.rounds {
        let _ = write!(
            out,
            "\n[[round]]\non = {}\nby = {}\nremedy = {}\namount = \"{}\"\n",
            r.on,
            q(r.by.as_str()),
            q(r.remedy.as_str()),
            r.amount
        );
        if let Some(n) = &r.note {
            let _ = writeln!(out, "note = {}", q(n));
        }
    }
    if let Some(oc) = &c.outcome {
        let _ = write!(
            out,
            "\n[outcome]\nremedy = {}\namount = \"{}\"\ncost = \"{}\"\nclosed = {}\nretained = {}\n",
            q(oc.remedy.as_str()),
            oc.amount,
            oc.cost,
            oc.closed,
            oc.retained
        );
    }
    out
}

fn toml_string(s: &str) -> String {
    // A TOML basic string is a JSON string with the same escapes for the characters we emit.
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".to_string())
}

/// Writes a claim as JSON with the same structure and key order as the TOML form.
pub fn to_json(c: &Claim) -> serde_json::Value {
    use serde_json::{Map, Value, json};
    let date = |d: time::Date| Value::String(d.to_string());
    let money = |m: settle_engine::Money| Value::String(m.to_string());
    let mut top = Map::new();
    top.insert("id".into(), json!(c.id));
    top.insert("received".into(), date(c.received));
    if let Some(d) = c.as_of {
        top.insert("as_of".into(), date(d));
    }
    top.insert("currency".into(), json!(c.currency.code()));
    top.insert(
        "customer".into(),
        json!({
            "name": c.customer.name,
            "relationship": c.customer.relationship.as_str(),
            "annual_purchases": money(c.customer.annual_purchases),
            "years": c.customer.years,
            "past_claims": c.customer.past_claims,
        }),
    );
    let o = &c.order;
    let mut order = Map::new();
    if let Some(n) = &o.number {
        order.insert("number".into(), json!(n));
    }
    order.insert("value".into(), money(o.value));
    order.insert("paid".into(), money(o.paid));
    order.insert("quantity".into(), json!(o.quantity));
    order.insert("unit_cost".into(), money(o.unit_cost));
    if let Some(i) = &o.incoterm {
        order.insert("incoterm".into(), json!(i));
    }
    order.insert("stage".into(), json!(o.stage.as_str()));
    if let Some(d) = o.delivered {
        order.insert("delivered".into(), date(d));
    }
    top.insert("order".into(), Value::Object(order));
    let p = &c.problem;
    top.insert(
        "problem".into(),
        json!({
            "kind": p.kind.as_str(),
            "summary": p.summary,
            "category": p.category,
            "affected": p.affected,
            "severity": p.severity.as_str(),
            "repairable": p.repairable,
            "still_needed": p.still_needed,
        }),
    );
    let e = &c.evidence;
    top.insert(
        "evidence".into(),
        json!({
            "buyer_photos": e.buyer_photos,
            "inspection": e.inspection.as_str(),
            "our_qc": e.our_qc.as_str(),
            "spec_in_contract": e.spec_in_contract,
            "spec_from_buyer": e.spec_from_buyer,
            "carrier_noted": e.carrier_noted,
            "misuse_signs": e.misuse_signs,
            "buyer_changes": e.buyer_changes,
            "buyer_paid_late": e.buyer_paid_late,
            "progress_updates": e.progress_updates,
            "expert_opinion": e.expert_opinion.as_str(),
        }),
    );
    top.insert(
        "ask".into(),
        json!({ "remedy": c.ask.remedy.as_str(), "amount": money(c.ask.amount) }),
    );
    if !c.rounds.is_empty() {
        let rounds = c
            .rounds
            .iter()
            .map(|r| {
                let mut x = Map::new();
                x.insert("on".into(), date(r.on));
                x.insert("by".into(), json!(r.by.as_str()));
                x.insert("remedy".into(), json!(r.remedy.as_str()));
                x.insert("amount".into(), money(r.amount));
                if let Some(n) = &r.note {
                    x.insert("note".into(), json!(n));
                }
                Value::Object(x)
            })
            .collect();
        top.insert("round".into(), Value::Array(rounds));
    }
    if let Some(o) = &c.outcome {
        top.insert(
            "outcome".into(),
            json!({
                "remedy": o.remedy.as_str(),
                "amount": money(o.amount),
                "cost": money(o.cost),
                "closed": date(o.closed),
                "retained": o.retained,
            }),
        );
    }
    Value::Object(top)
}
