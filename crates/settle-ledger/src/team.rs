//! The web desk's team in the ledger (schema version 3): users and their roles, sessions, and
//! approvals of offers above a rep's limit. The ledger stores only what it is handed: a password
//! hash made by the caller (never a password), a hash of a session token (never the token).
//! Each write is one transaction; a user change and an approval are recorded in the audit log
//! with who made them (an approval is a write on its claim, so it moves the claim's version).

use crate::document::{time, time_text};
use crate::error::{Error, Result};
use crate::ledger::{
    Ledger, check_actor, claim_for_write, insert_event, read_record, remedy, stored_money, to_i64,
};
use crate::model::ClaimRecord;
use crate::store::{Mode, Row, Tx};
use serde_json::json;
use settle_engine::Money;
use settle_engine::claim::Remedy;
use time::OffsetDateTime;

/// What a user of the web desk may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    /// Works the claims assigned to them.
    Rep,
    /// Sees and works every claim, decides approvals, reads the rule set and outcomes.
    Manager,
    /// Runs replays and simulations of candidate rule sets against the ledger's history.
    Analyst,
}

impl Role {
    /// Every role, as stored.
    pub const NAMES: &'static [&'static str] = &["rep", "manager", "analyst"];

    /// The role's name, as stored.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Rep => "rep",
            Role::Manager => "manager",
            Role::Analyst => "analyst",
        }
    }

    /// The role a name gives.
    pub fn parse(text: &str) -> Option<Role> {
        match text {
            "rep" => Some(Role::Rep),
            "manager" => Some(Role::Manager),
            "analyst" => Some(Role::Analyst),
            _ => None,
        }
    }
}

/// A user of the web desk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    /// The name they log in with, and the name the audit log records.
    pub name: String,
    /// What they may do.
    pub role: Role,
    /// A disabled user cannot log in; their sessions are ended.
    pub disabled: bool,
    /// The language they chose for the pages (`en`, `zh-CN`), if any.
    pub lang: Option<String>,
    /// When they were added.
    pub created_at: OffsetDateTime,
    /// Who added them.
    pub created_by: String,
}

/// A live session: its user and the CSRF token its forms carry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    /// The user.
    pub user: User,
    /// The token every form of the session must post back.
    pub csrf: String,
    /// When it stops being valid.
    pub expires_at: OffsetDateTime,
}

/// Where an approval stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApprovalStatus {
    /// Waiting for the approver.
    Pending,
    /// Signed off: the rep may make the move.
    Approved,
    /// Refused: the rep may not.
    Declined,
}

impl ApprovalStatus {
    /// The status as stored.
    pub fn as_str(self) -> &'static str {
        match self {
            ApprovalStatus::Pending => "pending",
            ApprovalStatus::Approved => "approved",
            ApprovalStatus::Declined => "declined",
        }
    }

    fn parse(text: &str) -> Result<ApprovalStatus> {
        match text {
            "pending" => Ok(ApprovalStatus::Pending),
            "approved" => Ok(ApprovalStatus::Approved),
            "declined" => Ok(ApprovalStatus::Declined),
            other => Err(Error::Corrupt(format!("approval status `{other}`"))),
        }
    }
}

/// A move that needs approval, as the engine's approval gate gives it (`next.approval`).
#[derive(Debug, Clone, PartialEq)]
pub struct ApprovalRequest {
    /// The move: `offer` or `accept`.
    pub action: String,
    /// The move's option.
    pub remedy: Remedy,
    /// Its value to the buyer.
    pub amount: Money,
    /// Its direct cost to us, which is above the limit.
    pub cost: Money,
    /// The rep's limit.
    pub limit: Money,
    /// Who must approve (the rule set's `approver`).
    pub approver: String,
    /// The rule id of the limit.
    pub rule: String,
}

/// An approval as the ledger holds it.
#[derive(Debug, Clone, PartialEq)]
pub struct Approval {
    /// Its number, increasing over the ledger.
    pub id: i64,
    /// The claim.
    pub claim_id: String,
    /// The claim's version when it was asked for (after the request's own write).
    pub on_version: u64,
    /// When it was asked for.
    pub requested_at: OffsetDateTime,
    /// By whom.
    pub requested_by: String,
    /// What was asked.
    pub request: ApprovalRequest,
    /// Where it stands.
    pub status: ApprovalStatus,
    /// When it was decided.
    pub decided_at: Option<OffsetDateTime>,
    /// By whom.
    pub decided_by: Option<String>,
    /// The approver's comment.
    pub comment: Option<String>,
}

fn check_name(name: &str) -> Result<()> {
    let ok = !name.is_empty()
        && name.len() <= 64
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '@'));
    if ok {
        Ok(())
    } else {
        Err(Error::invalid(
            "user.name",
            format!("`{name}` is not a user name: 1 to 64 letters, digits, `.`, `_`, `-` or `@`"),
        ))
    }
}

fn user(r: &Row, at: usize) -> Result<User> {
    let role = r.text(at + 1)?;
    Ok(User {
        name: r.text(at)?,
        role: Role::parse(&role).ok_or_else(|| Error::Corrupt(format!("role `{role}`")))?,
        disabled: r.int(at + 2)? != 0,
        lang: r.opt_text(at + 3)?,
        created_at: time(&r.text(at + 4)?)?,
        created_by: r.text(at + 5)?,
    })
}

fn approval(r: &Row) -> Result<Approval> {
    Ok(Approval {
        id: r.int(0)?,
        claim_id: r.text(1)?,
        on_version: r.count(2)?,
        requested_at: time(&r.text(3)?)?,
        requested_by: r.text(4)?,
        request: ApprovalRequest {
            action: r.text(5)?,
            remedy: remedy(&r.text(6)?)?,
            amount: stored_money(&r.text(7)?)?,
            cost: stored_money(&r.text(8)?)?,
            limit: stored_money(&r.text(9)?)?,
            approver: r.text(10)?,
            rule: r.text(11)?,
        },
        status: ApprovalStatus::parse(&r.text(12)?)?,
        decided_at: r.opt_text(13)?.map(|t| time(&t)).transpose()?,
        decided_by: r.opt_text(14)?,
        comment: r.opt_text(15)?,
    })
}

fn read_approval(tx: &mut dyn Tx, id: i64) -> Result<Approval> {
    let rows = tx.query(
        "SELECT id, claim_id, on_version, requested_at, requested_by, action, remedy, amount, cost, \
         limit_amount, approver, rule, status, decided_at, decided_by, comment \
         FROM approvals WHERE id = $1",
        &[id.into()],
    )?;
    match rows.first() {
        Some(r) => approval(r),
        None => Err(Error::invalid(
            "approval",
            format!("there is no approval {id}"),
        )),
    }
}

impl Ledger {
    /// Adds a user with a password hash made by the caller (PHC string). Refused when the name
    /// is taken or is not a plain name. Recorded in the audit log (without the hash).
    pub fn add_user(
        &mut self,
        name: &str,
        role: Role,
        password_hash: &str,
        actor: &str,
        now: OffsetDateTime,
    ) -> Result<User> {
        check_actor(actor)?;
        check_name(name)?;
        if password_hash.is_empty() {
            return Err(Error::invalid("user.password", "no password hash"));
        }
        let at = time_text(now)?;
        self.conn.transact(Mode::Write, |tx| {
            let taken = tx.query("SELECT 1 FROM users WHERE name = $1", &[name.into()])?;
            if !taken.is_empty() {
                return Err(Error::invalid(
                    "user.name",
                    format!("a user `{name}` already exists"),
                ));
            }
            tx.exec(
                "INSERT INTO users (name, role, password_hash, disabled, lang, created_at, created_by) \
                 VALUES ($1, $2, $3, 0, NULL, $4, $5)",
                &[
                    name.into(),
                    role.as_str().into(),
                    password_hash.into(),
                    at.as_str().into(),
                    actor.into(),
                ],
            )?;
            user_event(tx, &at, actor, "user_add", json!({ "user": name, "role": role.as_str() }))?;
            read_user(tx, name)?.ok_or_else(|| Error::Corrupt("a user just added is gone".into()))
        })
    }

    /// Every user, by name.
    pub fn users(&mut self) -> Result<Vec<User>> {
        self.conn.transact(Mode::Read, |tx| {
            tx.query(
                "SELECT name, role, disabled, lang, created_at, created_by FROM users ORDER BY name",
                &[],
            )?
            .iter()
            .map(|r| user(r, 0))
            .collect()
        })
    }

    /// A user and their password hash, to check a login; `None` when there is no such user.
    pub fn credentials(&mut self, name: &str) -> Result<Option<(User, String)>> {
        self.conn.transact(Mode::Read, |tx| {
            let rows = tx.query(
                "SELECT name, role, disabled, lang, created_at, created_by, password_hash \
                 FROM users WHERE name = $1",
                &[name.into()],
            )?;
            rows.first()
                .map(|r| Ok((user(r, 0)?, r.text(6)?)))
                .transpose()
        })
    }

    /// Disables (or enables again) a user; disabling ends their sessions. Recorded in the
    /// audit log.
    pub fn set_user_disabled(
        &mut self,
        name: &str,
        disabled: bool,
        actor: &str,
        now: OffsetDateTime,
    ) -> Result<User> {
        check_actor(actor)?;
        let at = time_text(now)?;
        self.conn.transact(Mode::Write, |tx| {
            let n = tx.exec(
                "UPDATE users SET disabled = $2 WHERE name = $1",
                &[name.into(), i64::from(disabled).into()],
            )?;
            if n == 0 {
                return Err(Error::invalid(
                    "user.name",
                    format!("there is no user `{name}`"),
                ));
            }
            if disabled {
                tx.exec("DELETE FROM sessions WHERE user_name = $1", &[name.into()])?;
            }
            let action = if disabled {
                "user_disable"
            } else {
                "user_enable"
            };
            user_event(tx, &at, actor, action, json!({ "user": name }))?;
            read_user(tx, name)?.ok_or_else(|| Error::Corrupt("a user just changed is gone".into()))
        })
    }

    /// Remembers the language a user chose for the pages.
    pub fn set_user_lang(&mut self, name: &str, lang: &str) -> Result<()> {
        self.conn.transact(Mode::Write, |tx| {
            tx.exec(
                "UPDATE users SET lang = $2 WHERE name = $1",
                &[name.into(), lang.into()],
            )?;
            Ok(())
        })
    }

    /// Starts a session for `user` (who must exist and not be disabled): the hash of its
    /// token, its CSRF token, and when it expires.
    pub fn create_session(
        &mut self,
        token_hash: &str,
        user: &str,
        csrf: &str,
        now: OffsetDateTime,
        expires_at: OffsetDateTime,
    ) -> Result<()> {
        let (at, until) = (time_text(now)?, time_text(expires_at)?);
        self.conn.transact(Mode::Write, |tx| {
            let rows = tx.query("SELECT disabled FROM users WHERE name = $1", &[user.into()])?;
            match rows.first() {
                Some(r) if r.int(0)? == 0 => {}
                _ => {
                    return Err(Error::invalid(
                        "user.name",
                        format!("`{user}` cannot log in"),
                    ));
                }
            }
            // Expired sessions are cleared as new ones start, so the table stays small.
            tx.exec(
                "DELETE FROM sessions WHERE expires_at <= $1",
                &[at.as_str().into()],
            )?;
            tx.exec(
                "INSERT INTO sessions (token_hash, user_name, csrf, created_at, expires_at) \
                 VALUES ($1, $2, $3, $4, $5)",
                &[
                    token_hash.into(),
                    user.into(),
                    csrf.into(),
                    at.as_str().into(),
                    until.into(),
                ],
            )?;
            Ok(())
        })
    }

    /// The live session whose token has this hash, as of `now`: `None` when there is none,
    /// it has expired, or its user is disabled.
    pub fn session(&mut self, token_hash: &str, now: OffsetDateTime) -> Result<Option<Session>> {
        let at = time_text(now)?;
        self.conn.transact(Mode::Read, |tx| {
            let rows = tx.query(
                "SELECT u.name, u.role, u.disabled, u.lang, u.created_at, u.created_by, s.csrf, s.expires_at \
                 FROM sessions s JOIN users u ON u.name = s.user_name \
                 WHERE s.token_hash = $1 AND s.expires_at > $2 AND u.disabled = 0",
                &[token_hash.into(), at.into()],
            )?;
            rows.first()
                .map(|r| {
                    Ok(Session {
                        user: user(r, 0)?,
                        csrf: r.text(6)?,
                        expires_at: time(&r.text(7)?)?,
                    })
                })
                .transpose()
        })
    }

    /// Ends a session.
    pub fn end_session(&mut self, token_hash: &str) -> Result<()> {
        self.conn.transact(Mode::Write, |tx| {
            tx.exec(
                "DELETE FROM sessions WHERE token_hash = $1",
                &[token_hash.into()],
            )?;
            Ok(())
        })
    }

    /// Asks for approval of the move `request` on a claim still at `expected_version`; one
    /// approval may be pending per claim. A write on the claim (its version moves on), with
    /// an `approval_request` event.
    pub fn request_approval(
        &mut self,
        id: &str,
        expected_version: u64,
        request: &ApprovalRequest,
        actor: &str,
        now: OffsetDateTime,
    ) -> Result<(ClaimRecord, Approval)> {
        check_actor(actor)?;
        let at = time_text(now)?;
        self.conn.transact(Mode::Write, |tx| {
            claim_for_write(tx, id, expected_version, &at)?;
            let pending = tx.query(
                "SELECT id FROM approvals WHERE claim_id = $1 AND status = 'pending'",
                &[id.into()],
            )?;
            if !pending.is_empty() {
                return Err(Error::invalid(
                    "approval",
                    "an approval is already pending on this claim",
                ));
            }
            let version = expected_version + 1;
            let rows = tx.query(
                "INSERT INTO approvals (claim_id, on_version, requested_at, requested_by, action, \
                 remedy, amount, cost, limit_amount, approver, rule, status) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 'pending') RETURNING id",
                &[
                    id.into(),
                    to_i64(version).into(),
                    at.as_str().into(),
                    actor.into(),
                    request.action.as_str().into(),
                    request.remedy.as_str().into(),
                    request.amount.to_string().into(),
                    request.cost.to_string().into(),
                    request.limit.to_string().into(),
                    request.approver.as_str().into(),
                    request.rule.as_str().into(),
                ],
            )?;
            let approval_id = rows
                .first()
                .map(|r| r.int(0))
                .transpose()?
                .ok_or_else(|| Error::Corrupt("an approval got no id".into()))?;
            let detail = json!({
                "approval": approval_id,
                "action": request.action,
                "remedy": request.remedy.as_str(),
                "amount": request.amount.to_string(),
                "cost": request.cost.to_string(),
                "limit": request.limit.to_string(),
                "rule": request.rule,
            });
            insert_event(tx, id, version, &at, actor, "approval_request", &detail)?;
            Ok((read_record(tx, id)?, read_approval(tx, approval_id)?))
        })
    }

    /// Approves or declines a pending approval with a comment. A write on its claim (the
    /// version moves on) with an `approval_decision` event; a decided approval is refused.
    pub fn decide_approval(
        &mut self,
        approval_id: i64,
        approve: bool,
        comment: &str,
        actor: &str,
        now: OffsetDateTime,
    ) -> Result<Approval> {
        check_actor(actor)?;
        let at = time_text(now)?;
        self.conn.transact(Mode::Write, |tx| {
            let a = read_approval(tx, approval_id)?;
            if a.status != ApprovalStatus::Pending {
                return Err(Error::invalid(
                    "approval",
                    format!("approval {approval_id} is already {}", a.status.as_str()),
                ));
            }
            let current = tx.query(
                "SELECT version FROM claims WHERE id = $1",
                &[a.claim_id.as_str().into()],
            )?;
            let version = current
                .first()
                .map(|r| r.count(0))
                .transpose()?
                .ok_or_else(|| Error::NotFound {
                    id: a.claim_id.clone(),
                })?;
            claim_for_write(tx, &a.claim_id, version, &at)?;
            let status = if approve {
                ApprovalStatus::Approved
            } else {
                ApprovalStatus::Declined
            };
            let n = tx.exec(
                "UPDATE approvals SET status = $2, decided_at = $3, decided_by = $4, comment = $5 \
                 WHERE id = $1 AND status = 'pending'",
                &[
                    approval_id.into(),
                    status.as_str().into(),
                    at.as_str().into(),
                    actor.into(),
                    comment.into(),
                ],
            )?;
            if n != 1 {
                return Err(Error::invalid(
                    "approval",
                    format!("approval {approval_id} was decided meanwhile"),
                ));
            }
            let detail = json!({
                "approval": approval_id,
                "status": status.as_str(),
                "comment": comment,
            });
            insert_event(
                tx,
                &a.claim_id,
                version + 1,
                &at,
                actor,
                "approval_decision",
                &detail,
            )?;
            read_approval(tx, approval_id)
        })
    }

    /// One approval.
    pub fn approval(&mut self, approval_id: i64) -> Result<Approval> {
        self.conn
            .transact(Mode::Read, |tx| read_approval(tx, approval_id))
    }

    /// The approvals of one claim, oldest first.
    pub fn claim_approvals(&mut self, id: &str) -> Result<Vec<Approval>> {
        self.conn
            .transact(Mode::Read, |tx| read_claim_approvals(tx, id))
    }

    /// The approvals waiting for a decision, oldest first, and the `recent` latest decided ones.
    pub fn approvals(&mut self, recent: i64) -> Result<(Vec<Approval>, Vec<Approval>)> {
        self.conn.transact(Mode::Read, |tx| {
            let pending = tx
                .query(
                    "SELECT id, claim_id, on_version, requested_at, requested_by, action, remedy, amount, cost, \
                     limit_amount, approver, rule, status, decided_at, decided_by, comment \
                     FROM approvals WHERE status = 'pending' ORDER BY id",
                    &[],
                )?
                .iter()
                .map(approval)
                .collect::<Result<Vec<_>>>()?;
            let decided = tx
                .query(
                    "SELECT id, claim_id, on_version, requested_at, requested_by, action, remedy, amount, cost, \
                     limit_amount, approver, rule, status, decided_at, decided_by, comment \
                     FROM approvals WHERE status <> 'pending' ORDER BY id DESC LIMIT $1",
                    &[recent.into()],
                )?
                .iter()
                .map(approval)
                .collect::<Result<Vec<_>>>()?;
            Ok((pending, decided))
        })
    }
}

pub(crate) fn read_claim_approvals(tx: &mut dyn Tx, id: &str) -> Result<Vec<Approval>> {
    tx.query(
        "SELECT id, claim_id, on_version, requested_at, requested_by, action, remedy, amount, cost, \
         limit_amount, approver, rule, status, decided_at, decided_by, comment \
         FROM approvals WHERE claim_id = $1 ORDER BY id",
        &[id.into()],
    )?
    .iter()
    .map(approval)
    .collect()
}

fn read_user(tx: &mut dyn Tx, name: &str) -> Result<Option<User>> {
    tx.query(
        "SELECT name, role, disabled, lang, created_at, created_by FROM users WHERE name = $1",
        &[name.into()],
    )?
    .first()
    .map(|r| user(r, 0))
    .transpose()
}

/// An event about no claim (a user change): claim and version are NULL.
fn user_event(
    tx: &mut dyn Tx,
    at: &str,
    actor: &str,
    action: &str,
    detail: serde_json::Value,
) -> Result<()> {
    tx.exec(
        "INSERT INTO events (claim_id, version, at, actor, action, detail) VALUES (NULL, NULL, $1, $2, $3, $4)",
        &[at.into(), actor.into(), action.into(), detail.to_string().into()],
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_plain() {
        for ok in ["ana", "rep.ana", "a_b-c@x"] {
            assert!(check_name(ok).is_ok(), "{ok}");
        }
        for bad in [
            "",
            "a b",
            "'; DROP TABLE users; --",
            "名字",
            &"x".repeat(65),
        ] {
            assert!(check_name(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn roles_read_back() {
        for n in Role::NAMES {
            assert_eq!(Role::parse(n).map(Role::as_str), Some(*n));
        }
        assert_eq!(Role::parse("admin"), None);
    }
}
