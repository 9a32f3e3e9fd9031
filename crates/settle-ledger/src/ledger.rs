//! The ledger's operations, written once over the `store` module's `Tx`: every write is one
//! transaction that first moves the claim's version on by one with a compare-and-set, then
//! validates, then writes its rows and its audit event.

use crate::document::{
    self, assemble, date, date_text, document_of, parse_document, time, time_text,
};
use crate::error::{Error, Result};
use crate::migrate;
use crate::model::*;
use crate::store::{Conn, Mode, Row, Tx};
use crate::target::Target;
use serde_json::{Map, Value as Json, json};
use settle_engine::claim::{Outcome, Party, Remedy, Round};
use settle_engine::{Action, Claim, Money};
use std::collections::VecDeque;
use time::{Date, OffsetDateTime};

/// A connection to a claim ledger. Each operation is one transaction; a `Ledger` is one
/// connection, so give each thread (or each request of a server) its own.
pub struct Ledger {
    pub(crate) conn: Conn,
}

impl std::fmt::Debug for Ledger {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Ledger")
    }
}

impl Ledger {
    /// Opens the ledger at `target`, creating a SQLite file if there is none, and applies any
    /// schema migration this build has and the database lacks. A database whose schema is
    /// newer than this build is refused with [`Error::SchemaTooNew`].
    pub fn open(target: &Target) -> Result<Ledger> {
        let mut conn = Conn::open(target)?;
        migrate::migrate(&mut conn)?;
        Ok(Ledger { conn })
    }

    /// The schema version of the database.
    pub fn schema_version(&mut self) -> Result<i64> {
        self.conn.transact(Mode::Read, migrate::current_version)
    }

    /// Enters a new claim at version 1, with its `[[round]]`s as `propose` rounds. Fails with
    /// [`Error::Exists`] if a claim has its id, and with [`Error::Invalid`] if it has an
    /// outcome (close it instead) or does not read back as the same claim.
    pub fn create_claim(
        &mut self,
        claim: &Claim,
        actor: &str,
        now: OffsetDateTime,
    ) -> Result<ClaimRecord> {
        check_actor(actor)?;
        let at = time_text(now)?;
        if claim.id.is_empty() {
            return Err(Error::invalid("id", "the claim has no id"));
        }
        if claim.outcome.is_some() {
            return Err(Error::invalid(
                "outcome",
                "a new claim has no outcome; record the claim, then close it",
            ));
        }
        date_text(claim.received, "received")?;
        let mut round_dates = Vec::with_capacity(claim.rounds.len());
        for (i, r) in claim.rounds.iter().enumerate() {
            round_dates.push(date_text(r.on, &format!("round[{}].on", i + 1))?);
        }
        let doc = document_of(claim);
        match assemble(&doc, &claim.rounds, None) {
            Ok(back) if back == *claim => {}
            Ok(_) => {
                return Err(Error::invalid(
                    "claim",
                    "the claim does not read back the same from its JSON form",
                ));
            }
            Err((field, reason)) => return Err(Error::Invalid { field, reason }),
        }
        let doc_text = Json::Object(doc).to_string();
        let created = json!({ "claim": settle_rules::claim_file::to_json(claim) });
        self.conn.transact(Mode::Write, |tx| {
            let n = tx.exec(
                "INSERT INTO claims (id, version, status, document, created_at, created_by, updated_at) \
                 VALUES ($1, 1, 'open', $2, $3, $4, $3) ON CONFLICT (id) DO NOTHING",
                &[
                    claim.id.as_str().into(),
                    doc_text.into(),
                    at.as_str().into(),
                    actor.into(),
                ],
            )?;
            if n == 0 {
                return Err(Error::Exists {
                    id: claim.id.clone(),
                });
            }
            for (i, (r, on)) in claim.rounds.iter().zip(&round_dates).enumerate() {
                let entry = RoundEntry {
                    kind: ledger_kind(r),
                    by: r.by,
                    on: r.on,
                    note: r.note.clone(),
                };
                insert_round(tx, &claim.id, i as u64 + 1, 1, &entry, on, &at, actor)?;
            }
            insert_event(tx, &claim.id, 1, &at, actor, "create", &created)?;
            read_record(tx, &claim.id)
        })
    }

    /// The claim as the ledger holds it now.
    pub fn get(&mut self, id: &str) -> Result<ClaimRecord> {
        self.conn.transact(Mode::Read, |tx| read_record(tx, id))
    }

    /// Records a round on the claim, if it is still at `expected_version`; otherwise
    /// [`Error::Conflict`] and nothing is written. The round must be dated on or after the
    /// claim's `received` and the previous round; `accept` and `refuse` need the other party's
    /// standing proposal, `withdraw` the party's own; evidence changes must name fields of the
    /// claim's `[evidence]` and leave a valid claim. A closed claim takes no rounds.
    pub fn record_round(
        &mut self,
        id: &str,
        expected_version: u64,
        round: &RoundEntry,
        actor: &str,
        now: OffsetDateTime,
    ) -> Result<ClaimRecord> {
        check_actor(actor)?;
        let at = time_text(now)?;
        let on = date_text(round.on, "round.on")?;
        if let RoundKind::Propose { amount, .. } = &round.kind {
            not_negative(*amount, "round.amount")?;
        }
        self.conn.transact(Mode::Write, |tx| {
            let claim = claim_for_write(tx, id, expected_version, &at)?;
            let version = expected_version + 1;
            let mut doc = parse_document(&claim.document)?;
            let received = doc_received(&doc)?;
            if round.on < received {
                return Err(Error::invalid(
                    "round.on",
                    format!(
                        "the round is dated {}, before the claim was received ({received})",
                        round.on
                    ),
                ));
            }
            let past = past_rounds(tx, id)?;
            if let Some(last) = past.last()
                && round.on < last.on
            {
                return Err(Error::invalid(
                    "round.on",
                    format!(
                        "the round is dated {}, before round {} ({})",
                        round.on, last.seq, last.on
                    ),
                ));
            }
            check_turn(&claim_rounds(tx, id)?, round)?;
            let mut changed = Map::new();
            if let RoundKind::Evidence { changes } = &round.kind
                && !changes.is_empty()
            {
                changed = apply_evidence(&mut doc, changes)?;
                let proposals: Vec<Round> = claim_rounds(tx, id)?;
                if let Err((field, reason)) = assemble(&doc, &proposals, None) {
                    return Err(Error::Invalid { field, reason });
                }
                tx.exec(
                    "UPDATE claims SET document = $2 WHERE id = $1",
                    &[id.into(), Json::Object(doc).to_string().into()],
                )?;
            }
            let seq = past.len() as u64 + 1;
            insert_round(tx, id, seq, version, round, &on, &at, actor)?;
            let mut detail = round_detail(round, &on);
            detail.insert("seq".into(), json!(seq));
            if !changed.is_empty() {
                detail.insert("changes".into(), Json::Object(changed));
            }
            insert_event(tx, id, version, &at, actor, "round", &Json::Object(detail))?;
            read_record(tx, id)
        })
    }

    /// Logs advice given on the claim at `expected_version` in the decision log; otherwise
    /// [`Error::Conflict`]. Amounts must not be negative; a closed claim takes no advice.
    pub fn log_advice(
        &mut self,
        id: &str,
        expected_version: u64,
        advice: &AdviceEntry,
        actor: &str,
        now: OffsetDateTime,
    ) -> Result<ClaimRecord> {
        check_actor(actor)?;
        let at = time_text(now)?;
        let as_of = date_text(advice.as_of, "advice.as_of")?;
        for (v, field) in [
            (advice.amount, "advice.amount"),
            (advice.cost, "advice.cost"),
        ] {
            if let Some(v) = v {
                not_negative(v, field)?;
            }
        }
        for (v, field) in [
            (&advice.ruleset.name, "advice.ruleset.name"),
            (&advice.ruleset.hash, "advice.ruleset.hash"),
        ] {
            if v.is_empty() {
                return Err(Error::invalid(
                    field,
                    "empty; the decision log must name the rules",
                ));
            }
        }
        self.conn.transact(Mode::Write, |tx| {
            claim_for_write(tx, id, expected_version, &at)?;
            let version = expected_version + 1;
            let seq = next_seq(tx, "SELECT COALESCE(MAX(seq), 0) FROM advice_log WHERE claim_id = $1", id)?;
            let text = |m: Option<Money>| m.map(|m| m.to_string());
            tx.exec(
                "INSERT INTO advice_log (claim_id, seq, on_version, given_at, given_by, as_of, \
                 ruleset_name, ruleset_version, ruleset_hash, action, remedy, amount, cost, advice) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
                &[
                    id.into(),
                    to_i64(seq).into(),
                    to_i64(expected_version).into(),
                    at.as_str().into(),
                    actor.into(),
                    as_of.as_str().into(),
                    advice.ruleset.name.as_str().into(),
                    advice.ruleset.version.as_str().into(),
                    advice.ruleset.hash.as_str().into(),
                    advice.action.as_str().into(),
                    advice.remedy.map(|r| r.as_str().to_string()).into(),
                    text(advice.amount).into(),
                    text(advice.cost).into(),
                    advice.advice.to_string().into(),
                ],
            )?;
            let detail = json!({
                "seq": seq,
                "on_version": expected_version,
                "ruleset": {
                    "name": advice.ruleset.name,
                    "version": advice.ruleset.version,
                    "hash": advice.ruleset.hash,
                },
                "action": advice.action.as_str(),
                "remedy": advice.remedy.map(|r| r.as_str()),
                "amount": text(advice.amount),
                "cost": text(advice.cost),
            });
            insert_event(tx, id, version, &at, actor, "advice", &detail)?;
            read_record(tx, id)
        })
    }

    /// Assigns the claim to `user` (or to nobody), if it is still at `expected_version`.
    pub fn assign(
        &mut self,
        id: &str,
        expected_version: u64,
        user: Option<&str>,
        actor: &str,
        now: OffsetDateTime,
    ) -> Result<ClaimRecord> {
        check_actor(actor)?;
        let at = time_text(now)?;
        if user == Some("") {
            return Err(Error::invalid(
                "assigned_to",
                "empty; name a user, or nobody",
            ));
        }
        self.conn.transact(Mode::Write, |tx| {
            let claim = claim_for_write(tx, id, expected_version, &at)?;
            tx.exec(
                "UPDATE claims SET assigned_to = $2 WHERE id = $1",
                &[id.into(), user.map(str::to_string).into()],
            )?;
            let detail = json!({ "from": claim.assigned_to, "to": user });
            insert_event(tx, id, expected_version + 1, &at, actor, "assign", &detail)?;
            read_record(tx, id)
        })
    }

    /// Records that we acknowledged the claim on `on` (the first answer of seed 002, step 1,
    /// sent before any proposal), if the claim is still at `expected_version`. It stops the
    /// first-answer clock; a round of ours does too. The day cannot be before the claim was
    /// received, and a claim is acknowledged once.
    pub fn acknowledge(
        &mut self,
        id: &str,
        expected_version: u64,
        on: Date,
        actor: &str,
        now: OffsetDateTime,
    ) -> Result<ClaimRecord> {
        check_actor(actor)?;
        let at = time_text(now)?;
        let on_text = date_text(on, "acknowledged_on")?;
        self.conn.transact(Mode::Write, |tx| {
            let claim = claim_for_write(tx, id, expected_version, &at)?;
            let doc = parse_document(&claim.document)?;
            let received = doc_received(&doc)?;
            if on < received {
                return Err(Error::invalid(
                    "acknowledged_on",
                    format!(
                        "the claim is acknowledged on {on}, before it was received ({received})"
                    ),
                ));
            }
            if let Some(before) = claim.acknowledged_on {
                return Err(Error::invalid(
                    "acknowledged_on",
                    format!("the claim was already acknowledged on {before}"),
                ));
            }
            tx.exec(
                "UPDATE claims SET acknowledged_on = $2 WHERE id = $1",
                &[id.into(), on_text.as_str().into()],
            )?;
            let detail = json!({ "on": on_text });
            insert_event(
                tx,
                id,
                expected_version + 1,
                &at,
                actor,
                "acknowledge",
                &detail,
            )?;
            read_record(tx, id)
        })
    }

    /// Closes the claim with its outcome, if it is still at `expected_version`. The outcome's
    /// amounts must not be negative and it cannot be dated before the claim was received or
    /// before its last round. A closed claim takes no more writes.
    pub fn close(
        &mut self,
        id: &str,
        expected_version: u64,
        outcome: &Outcome,
        actor: &str,
        now: OffsetDateTime,
    ) -> Result<ClaimRecord> {
        check_actor(actor)?;
        let at = time_text(now)?;
        date_text(outcome.closed, "outcome.closed")?;
        not_negative(outcome.amount, "outcome.amount")?;
        not_negative(outcome.cost, "outcome.cost")?;
        self.conn.transact(Mode::Write, |tx| {
            let claim = claim_for_write(tx, id, expected_version, &at)?;
            let doc = parse_document(&claim.document)?;
            let received = doc_received(&doc)?;
            if outcome.closed < received {
                return Err(Error::invalid(
                    "outcome.closed",
                    format!(
                        "the claim is closed on {}, before it was received ({received})",
                        outcome.closed
                    ),
                ));
            }
            let past = past_rounds(tx, id)?;
            if let Some(last) = past.last()
                && outcome.closed < last.on
            {
                return Err(Error::invalid(
                    "outcome.closed",
                    format!(
                        "the claim is closed on {}, before round {} ({})",
                        outcome.closed, last.seq, last.on
                    ),
                ));
            }
            let proposals = claim_rounds(tx, id)?;
            if let Err((field, reason)) = assemble(&doc, &proposals, Some(outcome)) {
                return Err(Error::Invalid { field, reason });
            }
            let outcome_json = document::outcome_json(outcome);
            tx.exec(
                "UPDATE claims SET status = 'closed', closed_at = $2, outcome = $3 WHERE id = $1",
                &[
                    id.into(),
                    at.as_str().into(),
                    outcome_json.to_string().into(),
                ],
            )?;
            let detail = json!({ "outcome": outcome_json });
            insert_event(tx, id, expected_version + 1, &at, actor, "close", &detail)?;
            read_record(tx, id)
        })
    }

    /// The claims matching `filter` (and assigned to `assigned_to`, when given), by id, each
    /// with its rounds in brief. One consistent read: two queries in one transaction.
    pub fn list(&mut self, filter: Filter, assigned_to: Option<&str>) -> Result<Vec<ClaimSummary>> {
        let status = match filter {
            Filter::Open => Some(Status::Open.as_str()),
            Filter::Closed => Some(Status::Closed.as_str()),
            Filter::All => None,
        };
        self.conn.transact(Mode::Read, |tx| {
            // Both queries follow one of the two indexes, in id order, so no sort.
            let (claims, rounds) = match (status, assigned_to) {
                (Some(s), None) => (
                    tx.query(
                        "SELECT id, version, status, assigned_to, updated_at, document, acknowledged_on \
                         FROM claims WHERE status = $1 ORDER BY id",
                        &[s.into()],
                    )?,
                    tx.query(
                        "SELECT r.claim_id, r.party, r.kind, r.on_date FROM claims c \
                         JOIN rounds r ON r.claim_id = c.id WHERE c.status = $1 ORDER BY r.claim_id, r.seq",
                        &[s.into()],
                    )?,
                ),
                (Some(s), Some(u)) => (
                    tx.query(
                        "SELECT id, version, status, assigned_to, updated_at, document, acknowledged_on \
                         FROM claims WHERE assigned_to = $2 AND status = $1 ORDER BY id",
                        &[s.into(), u.into()],
                    )?,
                    tx.query(
                        "SELECT r.claim_id, r.party, r.kind, r.on_date FROM claims c \
                         JOIN rounds r ON r.claim_id = c.id WHERE c.assigned_to = $2 AND c.status = $1 \
                         ORDER BY r.claim_id, r.seq",
                        &[s.into(), u.into()],
                    )?,
                ),
                (None, Some(u)) => (
                    tx.query(
                        "SELECT id, version, status, assigned_to, updated_at, document, acknowledged_on \
                         FROM claims WHERE assigned_to = $1 ORDER BY id",
                        &[u.into()],
                    )?,
                    tx.query(
                        "SELECT r.claim_id, r.party, r.kind, r.on_date FROM claims c \
                         JOIN rounds r ON r.claim_id = c.id WHERE c.assigned_to = $1 \
                         ORDER BY r.claim_id, r.seq",
                        &[u.into()],
                    )?,
                ),
                (None, None) => (
                    tx.query(
                        "SELECT id, version, status, assigned_to, updated_at, document, acknowledged_on \
                         FROM claims ORDER BY id",
                        &[],
                    )?,
                    tx.query(
                        "SELECT claim_id, party, kind, on_date FROM rounds ORDER BY claim_id, seq",
                        &[],
                    )?,
                ),
            };
            let mut out: Vec<ClaimSummary> = claims.iter().map(summary).collect::<Result<_>>()?;
            // Both lists are in id order (bytewise in both databases): merge them.
            let mut i = 0;
            for r in &rounds {
                let id = r.text(0)?;
                while i < out.len() && out[i].id.as_str() < id.as_str() {
                    i += 1;
                }
                if let Some(c) = out.get_mut(i).filter(|c| c.id == id) {
                    c.rounds.push(RoundBrief {
                        by: party(&r.text(1)?)?,
                        kind: claim_round_kind(&r.text(2)?)?,
                        on: stored_date(&r.text(3)?)?,
                    });
                }
            }
            Ok(out)
        })
    }

    /// Every round of the claim, of every kind, in order.
    pub fn rounds(&mut self, id: &str) -> Result<Vec<RoundRecord>> {
        self.conn.transact(Mode::Read, |tx| {
            must_exist(tx, id)?;
            read_rounds(tx, id)
        })
    }

    /// The claim's decision log: every piece of advice logged on it, in order.
    pub fn advice_log(&mut self, id: &str) -> Result<Vec<LoggedAdvice>> {
        self.conn.transact(Mode::Read, |tx| {
            must_exist(tx, id)?;
            read_advice_log(tx, id)
        })
    }

    /// The claim's audit log: who did what, when, in order.
    pub fn events(&mut self, id: &str) -> Result<Vec<Event>> {
        self.conn.transact(Mode::Read, |tx| {
            must_exist(tx, id)?;
            read_events(tx, id)
        })
    }

    /// The claim, its decision log, its audit log and its approvals read together, in one
    /// consistent read: what a claim page shows. (Separate calls may straddle another writer's
    /// commit.)
    pub fn file(&mut self, id: &str) -> Result<ClaimFile> {
        self.conn.transact(Mode::Read, |tx| {
            let record = read_record(tx, id)?;
            let advice = read_advice_log(tx, id)?;
            let events = read_events(tx, id)?;
            let approvals = crate::team::read_claim_approvals(tx, id)?;
            Ok(ClaimFile {
                record,
                advice,
                events,
                approvals,
            })
        })
    }

    /// Every closed claim, by id, read a page at a time (each page one consistent read), for
    /// exporting a history: each claim carries its outcome, as a history record does.
    pub fn closed_claims(&mut self) -> ClosedClaims<'_> {
        ClosedClaims {
            ledger: self,
            after: String::new(),
            page: VecDeque::new(),
            done: false,
        }
    }
}

/// The closed claims, read a page at a time; see [`Ledger::closed_claims`].
pub struct ClosedClaims<'a> {
    ledger: &'a mut Ledger,
    after: String,
    page: VecDeque<ClaimRecord>,
    done: bool,
}

const PAGE: i64 = 200;

impl Iterator for ClosedClaims<'_> {
    type Item = Result<ClaimRecord>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.page.is_empty() && !self.done {
            let after = self.after.clone();
            let page = self.ledger.conn.transact(Mode::Read, |tx| {
                let ids = tx.query(
                    "SELECT id FROM claims WHERE status = 'closed' AND id > $1 ORDER BY id LIMIT $2",
                    &[after.into(), PAGE.into()],
                )?;
                let mut page = VecDeque::with_capacity(ids.len());
                for r in &ids {
                    page.push_back(read_record(tx, &r.text(0)?)?);
                }
                Ok(page)
            });
            match page {
                Ok(p) => {
                    self.done = (p.len() as i64) < PAGE;
                    if let Some(last) = p.back() {
                        self.after = last.claim.id.clone();
                    }
                    self.page = p;
                }
                Err(e) => {
                    self.done = true;
                    return Some(Err(e));
                }
            }
        }
        self.page.pop_front().map(Ok)
    }
}

pub(crate) fn check_actor(actor: &str) -> Result<()> {
    if actor.is_empty() {
        return Err(Error::invalid(
            "actor",
            "empty; every write names who made it",
        ));
    }
    Ok(())
}

fn not_negative(m: Money, field: &str) -> Result<()> {
    if m.is_sign_negative() && !m.is_zero() {
        return Err(Error::invalid(field, format!("{m} is negative")));
    }
    Ok(())
}

pub(crate) fn to_i64(v: u64) -> i64 {
    i64::try_from(v).unwrap_or(i64::MAX)
}

/// The claim's row, as a write sees it after taking the claim.
pub(crate) struct Locked {
    document: String,
    assigned_to: Option<String>,
    acknowledged_on: Option<Date>,
}

/// Moves the claim from `expected` to the next version, or fails: [`Error::NotFound`],
/// [`Error::Conflict`] if another write got there first, [`Error::Closed`]. On PostgreSQL the
/// `UPDATE` holds the claim's row lock until the transaction ends, so a second writer that read
/// the same version waits here and then finds the version moved.
pub(crate) fn claim_for_write(
    tx: &mut dyn Tx,
    id: &str,
    expected: u64,
    at: &str,
) -> Result<Locked> {
    let expected_i = i64::try_from(expected).unwrap_or(-1);
    let rows = tx.query(
        "UPDATE claims SET version = version + 1, updated_at = $3 \
         WHERE id = $1 AND version = $2 RETURNING status, document, assigned_to, acknowledged_on",
        &[id.into(), expected_i.into(), at.into()],
    )?;
    let Some(row) = rows.first() else {
        let now = tx.query("SELECT version FROM claims WHERE id = $1", &[id.into()])?;
        return match now.first() {
            None => Err(Error::NotFound { id: id.to_string() }),
            Some(r) => Err(Error::Conflict {
                id: id.to_string(),
                expected,
                found: r.count(0)?,
            }),
        };
    };
    if row.text(0)? == Status::Closed.as_str() {
        return Err(Error::Closed { id: id.to_string() });
    }
    Ok(Locked {
        document: row.text(1)?,
        assigned_to: row.opt_text(2)?,
        acknowledged_on: row.opt_text(3)?.map(|t| stored_date(&t)).transpose()?,
    })
}

pub(crate) fn read_advice_log(tx: &mut dyn Tx, id: &str) -> Result<Vec<LoggedAdvice>> {
    let rows = tx.query(
        "SELECT seq, on_version, given_at, given_by, as_of, ruleset_name, ruleset_version, \
         ruleset_hash, action, remedy, amount, cost, advice \
         FROM advice_log WHERE claim_id = $1 ORDER BY seq",
        &[id.into()],
    )?;
    rows.iter().map(logged_advice).collect()
}

pub(crate) fn read_events(tx: &mut dyn Tx, id: &str) -> Result<Vec<Event>> {
    let rows = tx.query(
        "SELECT id, claim_id, version, at, actor, action, detail \
         FROM events WHERE claim_id = $1 ORDER BY id",
        &[id.into()],
    )?;
    rows.iter().map(event).collect()
}

fn must_exist(tx: &mut dyn Tx, id: &str) -> Result<()> {
    if tx
        .query("SELECT 1 FROM claims WHERE id = $1", &[id.into()])?
        .is_empty()
    {
        return Err(Error::NotFound { id: id.to_string() });
    }
    Ok(())
}

fn next_seq(tx: &mut dyn Tx, sql: &'static str, id: &str) -> Result<u64> {
    let rows = tx.query(sql, &[id.into()])?;
    let max = rows.first().map(|r| r.count(0)).transpose()?.unwrap_or(0);
    Ok(max + 1)
}

fn doc_received(doc: &Map<String, Json>) -> Result<Date> {
    doc.get("received")
        .and_then(Json::as_str)
        .and_then(date)
        .ok_or_else(|| Error::Corrupt("a claim document has no valid `received`".into()))
}

/// What a round's validation needs to know about the rounds before it.
struct Past {
    seq: u64,
    on: Date,
}

fn past_rounds(tx: &mut dyn Tx, id: &str) -> Result<Vec<Past>> {
    let rows = tx.query(
        "SELECT seq, on_date FROM rounds WHERE claim_id = $1 ORDER BY seq",
        &[id.into()],
    )?;
    rows.iter()
        .map(|r| {
            Ok(Past {
                seq: r.count(0)?,
                on: stored_date(&r.text(1)?)?,
            })
        })
        .collect()
}

/// Whether the round may follow the claim's rounds: the claim file's rule (an answer needs
/// something to answer, nothing follows an acceptance), so that the ledger never holds a
/// negotiation a claim file could not.
fn check_turn(rounds: &[Round], round: &RoundEntry) -> Result<()> {
    let mut all: Vec<Round> = rounds.to_vec();
    all.push(engine_round(round));
    let refs: Vec<(usize, &Round)> = all.iter().enumerate().collect();
    let last = all.len() - 1;
    match settle_engine::schema::Draft::check_rounds(&refs)
        .into_iter()
        .find(|p| matches!(p.at, settle_engine::schema::Place::Round(i, _) if i == last))
    {
        Some(p) => Err(Error::invalid("round.kind", p.message)),
        None => Ok(()),
    }
}

/// Applies evidence changes to the document's `[evidence]`; the changed fields, old and new.
fn apply_evidence(
    doc: &mut Map<String, Json>,
    changes: &Map<String, Json>,
) -> Result<Map<String, Json>> {
    let Some(Json::Object(evidence)) = doc.get_mut("evidence") else {
        return Err(Error::Corrupt(
            "a claim document has no `evidence` table".into(),
        ));
    };
    let mut changed = Map::new();
    for (k, v) in changes {
        let Some(slot) = evidence.get_mut(k) else {
            return Err(Error::invalid(
                format!("evidence.{k}"),
                "not a field of the claim's [evidence]",
            ));
        };
        changed.insert(k.clone(), json!({ "from": slot.clone(), "to": v.clone() }));
        *slot = v.clone();
    }
    Ok(changed)
}

fn claim_rounds(tx: &mut dyn Tx, id: &str) -> Result<Vec<Round>> {
    Ok(read_rounds(tx, id)?
        .into_iter()
        .map(|r| engine_round(&r.entry))
        .collect())
}

/// A ledger round as a claim file's round (every kind has its claim-file form; evidence
/// changes are already in the claim's `[evidence]`).
fn engine_round(e: &RoundEntry) -> Round {
    use settle_engine::claim::RoundKind as K;
    let mut r = match &e.kind {
        RoundKind::Propose { remedy, amount } => Round::propose(e.on, e.by, *remedy, *amount),
        RoundKind::Accept => Round::answer(e.on, e.by, K::Accept),
        RoundKind::Refuse => Round::answer(e.on, e.by, K::Refuse),
        RoundKind::Withdraw => Round::answer(e.on, e.by, K::Withdraw),
        RoundKind::RequestEvidence => Round::answer(e.on, e.by, K::RequestEvidence),
        RoundKind::Evidence { .. } => Round::answer(e.on, e.by, K::Evidence),
    };
    r.note = e.note.clone();
    r
}

/// A claim file's round as a ledger round.
fn ledger_kind(r: &Round) -> RoundKind {
    use settle_engine::claim::RoundKind as K;
    match (r.kind(), r.terms()) {
        (K::Propose, Some((remedy, amount))) => RoundKind::Propose { remedy, amount },
        (K::Accept, _) => RoundKind::Accept,
        (K::Refuse, _) => RoundKind::Refuse,
        (K::Withdraw, _) => RoundKind::Withdraw,
        (K::RequestEvidence, _) => RoundKind::RequestEvidence,
        // A proposal always has its terms in a claim that loaded.
        (K::Evidence, _) | (K::Propose, None) => RoundKind::Evidence {
            changes: Default::default(),
        },
    }
}

#[allow(clippy::too_many_arguments)]
fn insert_round(
    tx: &mut dyn Tx,
    id: &str,
    seq: u64,
    version: u64,
    r: &RoundEntry,
    on: &str,
    at: &str,
    actor: &str,
) -> Result<()> {
    let (remedy, amount) = match &r.kind {
        RoundKind::Propose { remedy, amount } => {
            (Some(remedy.as_str().to_string()), Some(amount.to_string()))
        }
        _ => (None, None),
    };
    let changes = match &r.kind {
        RoundKind::Evidence { changes } if !changes.is_empty() => {
            Some(Json::Object(changes.clone()).to_string())
        }
        _ => None,
    };
    tx.exec(
        "INSERT INTO rounds (claim_id, seq, version, kind, party, on_date, remedy, amount, note, \
         changes, recorded_at, recorded_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
        &[
            id.into(),
            to_i64(seq).into(),
            to_i64(version).into(),
            r.kind.name().into(),
            r.by.as_str().into(),
            on.into(),
            remedy.into(),
            amount.into(),
            r.note.clone().into(),
            changes.into(),
            at.into(),
            actor.into(),
        ],
    )?;
    Ok(())
}

fn round_detail(r: &RoundEntry, on: &str) -> Map<String, Json> {
    let mut d = Map::new();
    d.insert("kind".into(), json!(r.kind.name()));
    d.insert("by".into(), json!(r.by.as_str()));
    d.insert("on".into(), json!(on));
    if let RoundKind::Propose { remedy, amount } = &r.kind {
        d.insert("remedy".into(), json!(remedy.as_str()));
        d.insert("amount".into(), json!(amount.to_string()));
    }
    if let Some(n) = &r.note {
        d.insert("note".into(), json!(n));
    }
    d
}

pub(crate) fn insert_event(
    tx: &mut dyn Tx,
    id: &str,
    version: u64,
    at: &str,
    actor: &str,
    action: &str,
    detail: &Json,
) -> Result<()> {
    tx.exec(
        "INSERT INTO events (claim_id, version, at, actor, action, detail) VALUES ($1, $2, $3, $4, $5, $6)",
        &[
            id.into(),
            to_i64(version).into(),
            at.into(),
            actor.into(),
            action.into(),
            detail.to_string().into(),
        ],
    )?;
    Ok(())
}

fn stored_date(text: &str) -> Result<Date> {
    date(text).ok_or_else(|| Error::Corrupt(format!("`{text}` is not a stored date")))
}

pub(crate) fn stored_money(text: &str) -> Result<Money> {
    document::money(text).ok_or_else(|| Error::Corrupt(format!("`{text}` is not a stored amount")))
}

fn party(text: &str) -> Result<Party> {
    Party::parse(text).ok_or_else(|| Error::Corrupt(format!("`{text}` is not a party")))
}

pub(crate) fn remedy(text: &str) -> Result<Remedy> {
    Remedy::parse(text).ok_or_else(|| Error::Corrupt(format!("`{text}` is not a remedy")))
}

fn read_rounds(tx: &mut dyn Tx, id: &str) -> Result<Vec<RoundRecord>> {
    let rows = tx.query(
        "SELECT seq, version, kind, party, on_date, remedy, amount, note, changes, recorded_at, \
         recorded_by FROM rounds WHERE claim_id = $1 ORDER BY seq",
        &[id.into()],
    )?;
    rows.iter().map(round_record).collect()
}

fn round_record(r: &Row) -> Result<RoundRecord> {
    let kind_name = r.text(2)?;
    let kind = match kind_name.as_str() {
        "propose" => RoundKind::Propose {
            remedy: remedy(&r.text(5)?)?,
            amount: stored_money(&r.text(6)?)?,
        },
        "accept" => RoundKind::Accept,
        "refuse" => RoundKind::Refuse,
        "withdraw" => RoundKind::Withdraw,
        "request_evidence" => RoundKind::RequestEvidence,
        "evidence" => RoundKind::Evidence {
            changes: match r.opt_text(8)? {
                None => Map::new(),
                Some(t) => match serde_json::from_str(&t) {
                    Ok(Json::Object(m)) => m,
                    _ => {
                        return Err(Error::Corrupt(format!(
                            "evidence changes `{t}` are not a JSON object"
                        )));
                    }
                },
            },
        },
        other => return Err(Error::Corrupt(format!("`{other}` is not a round kind"))),
    };
    Ok(RoundRecord {
        seq: r.count(0)?,
        version: r.count(1)?,
        entry: RoundEntry {
            kind,
            by: party(&r.text(3)?)?,
            on: stored_date(&r.text(4)?)?,
            note: r.opt_text(7)?,
        },
        recorded_at: time(&r.text(9)?)?,
        recorded_by: r.text(10)?,
    })
}

pub(crate) fn read_record(tx: &mut dyn Tx, id: &str) -> Result<ClaimRecord> {
    let rows = tx.query(
        "SELECT version, status, document, assigned_to, created_at, created_by, updated_at, \
         closed_at, outcome, acknowledged_on FROM claims WHERE id = $1",
        &[id.into()],
    )?;
    let Some(row) = rows.first() else {
        return Err(Error::NotFound { id: id.to_string() });
    };
    let rounds = read_rounds(tx, id)?;
    let doc = parse_document(&row.text(2)?)?;
    let outcome = row
        .opt_text(8)?
        .map(|t| document::outcome_from_json(&t))
        .transpose()?;
    let proposals: Vec<Round> = rounds.iter().map(|r| engine_round(&r.entry)).collect();
    let claim = assemble(&doc, &proposals, outcome.as_ref()).map_err(|(field, reason)| {
        Error::Corrupt(format!(
            "claim `{id}` does not read back: `{field}`: {reason}"
        ))
    })?;
    Ok(ClaimRecord {
        claim,
        version: row.count(0)?,
        status: status(&row.text(1)?)?,
        assigned_to: row.opt_text(3)?,
        rounds,
        created_at: time(&row.text(4)?)?,
        created_by: row.text(5)?,
        updated_at: time(&row.text(6)?)?,
        closed_at: row.opt_text(7)?.map(|t| time(&t)).transpose()?,
        acknowledged_on: row.opt_text(9)?.map(|t| stored_date(&t)).transpose()?,
    })
}

fn claim_round_kind(text: &str) -> Result<settle_engine::claim::RoundKind> {
    settle_engine::claim::RoundKind::parse(text)
        .ok_or_else(|| Error::Corrupt(format!("`{text}` is not a round kind")))
}

fn status(text: &str) -> Result<Status> {
    match text {
        "open" => Ok(Status::Open),
        "closed" => Ok(Status::Closed),
        other => Err(Error::Corrupt(format!("`{other}` is not a claim status"))),
    }
}

/// The few document fields a claim list shows. Only these are decoded (the rest of the
/// document is skipped), and a document of another shape shows them as unknown.
#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct Head {
    currency: Option<String>,
    received: Option<String>,
    customer: Option<Named>,
    order: Option<OrderHead>,
    problem: Option<Kinded>,
    ask: Option<AskHead>,
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct OrderHead {
    delivered: Option<String>,
    claim_days: Option<u32>,
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct Named {
    name: Option<String>,
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct Kinded {
    kind: Option<String>,
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct AskHead {
    remedy: Option<String>,
    amount: Option<Json>,
}

fn summary(r: &Row) -> Result<ClaimSummary> {
    let head: Head = serde_json::from_str(&r.text(5)?).unwrap_or_default();
    let amount = head.ask.as_ref().and_then(|a| match &a.amount {
        Some(Json::String(s)) => Some(s.clone()),
        Some(Json::Number(n)) => Some(n.to_string()),
        _ => None,
    });
    let order = head.order.unwrap_or_default();
    Ok(ClaimSummary {
        id: r.text(0)?,
        version: r.count(1)?,
        status: status(&r.text(2)?)?,
        assigned_to: r.opt_text(3)?,
        updated_at: time(&r.text(4)?)?,
        acknowledged_on: r.opt_text(6)?.map(|t| stored_date(&t)).transpose()?,
        received: head.received.as_deref().and_then(date),
        delivered: order.delivered.as_deref().and_then(date),
        claim_days: order.claim_days,
        rounds: Vec::new(),
        customer: head.customer.and_then(|c| c.name),
        kind: head.problem.and_then(|p| p.kind),
        ask_remedy: head.ask.and_then(|a| a.remedy),
        ask_amount: amount,
        currency: head.currency,
    })
}

fn logged_advice(r: &Row) -> Result<LoggedAdvice> {
    let action_text = r.text(8)?;
    let action = Action::ALL
        .iter()
        .copied()
        .find(|a| a.as_str() == action_text)
        .ok_or_else(|| Error::Corrupt(format!("`{action_text}` is not a move")))?;
    let advice_text = r.text(12)?;
    Ok(LoggedAdvice {
        seq: r.count(0)?,
        on_version: r.count(1)?,
        given_at: time(&r.text(2)?)?,
        given_by: r.text(3)?,
        entry: AdviceEntry {
            as_of: stored_date(&r.text(4)?)?,
            ruleset: RulesetId {
                name: r.text(5)?,
                version: r.text(6)?,
                hash: r.text(7)?,
            },
            action,
            remedy: r.opt_text(9)?.map(|t| remedy(&t)).transpose()?,
            amount: r.opt_text(10)?.map(|t| stored_money(&t)).transpose()?,
            cost: r.opt_text(11)?.map(|t| stored_money(&t)).transpose()?,
            advice: serde_json::from_str(&advice_text)
                .map_err(|e| Error::Corrupt(format!("logged advice is not JSON: {e}")))?,
        },
    })
}

fn event(r: &Row) -> Result<Event> {
    let detail = r.text(6)?;
    Ok(Event {
        id: r.int(0)?,
        claim_id: r.opt_text(1)?,
        version: r
            .opt_int(2)?
            .map(|v| u64::try_from(v).map_err(|_| Error::Corrupt(format!("event version {v}"))))
            .transpose()?,
        at: time(&r.text(3)?)?,
        actor: r.text(4)?,
        action: r.text(5)?,
        detail: serde_json::from_str(&detail)
            .map_err(|e| Error::Corrupt(format!("an event's detail is not JSON: {e}")))?,
    })
}
