//! Who is asking, and may they: passwords (argon2id, memory-hard), session tokens (256 random
//! bits; the ledger keeps only their SHA-256), cookies (`HttpOnly; SameSite=Strict`, `Secure` in
//! team mode unless serving plain HTTP on loopback), CSRF tokens (one per session, one per
//! server start in local mode, a pre-session token for the login form), and the roles' rights.

use crate::{App, Mode, WebError};
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use axum::http::{HeaderMap, StatusCode, header};
use rand::RngCore;
use settle_ledger::Role;
use settle_view::l10n::Lang;
use sha2::{Digest, Sha256};

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "settle_session";
/// The login form's pre-session CSRF cookie.
pub const PRE_COOKIE: &str = "settle_pre";
/// The language cookie.
pub const LANG_COOKIE: &str = "settle_lang";

/// Hashes a password with argon2id (the crate's default parameters: 19 MiB, 2 passes), as a
/// PHC string with its own random salt.
pub fn hash_password(password: &str) -> Result<String, String> {
    let mut salt = [0u8; 16];
    rand::rng().fill_bytes(&mut salt);
    let salt = SaltString::encode_b64(&salt).map_err(|e| e.to_string())?;
    argon2::Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| e.to_string())
}

/// Whether `password` matches a PHC hash (false for a malformed hash).
pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|h| {
        argon2::Argon2::default()
            .verify_password(password.as_bytes(), &h)
            .is_ok()
    })
}

/// 256 random bits as 64 hex digits (the thread's CSPRNG, seeded from the OS).
pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    hex(&bytes)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// What the ledger keeps of a session token.
pub fn token_hash(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

/// Compares two tokens in time that does not depend on where they differ.
pub fn same_token(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && !a.is_empty()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// A cookie of the request.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// A `Set-Cookie` value: HttpOnly, SameSite=Strict, path `/`, `Secure` when asked.
pub fn set_cookie(name: &str, value: &str, max_age_secs: u64, secure: bool) -> String {
    format!(
        "{name}={value}; Path=/; Max-Age={max_age_secs}; HttpOnly; SameSite=Strict{}",
        if secure { "; Secure" } else { "" }
    )
}

/// Who is asking.
#[derive(Debug, Clone)]
pub struct Viewer {
    /// The name the audit log records.
    pub name: String,
    /// The role; `None` in local mode, where the one user may do everything.
    pub role: Option<Role>,
    /// The CSRF token the pages' forms carry.
    pub csrf: String,
    /// The language of the pages.
    pub lang: Lang,
    /// The session's token hash (team mode), to end it.
    pub session: Option<String>,
}

/// What a page or action needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Right {
    /// Work claims (a rep: those assigned to them).
    Claims,
    /// Decide approvals, read outcomes.
    Manage,
    /// Read the rule set in force (every role: the advice links each rule to its text).
    Rules,
    /// Replay and simulate candidate rule sets.
    Analyse,
}

impl Viewer {
    /// Whether the viewer has a right.
    pub fn may(&self, right: Right) -> bool {
        let Some(role) = self.role else {
            return true;
        };
        match right {
            Right::Claims => matches!(role, Role::Rep | Role::Manager),
            Right::Manage => role == Role::Manager,
            Right::Rules => true,
            Right::Analyse => matches!(role, Role::Analyst | Role::Manager),
        }
    }

    /// The viewer's right, or 403.
    pub fn need(&self, right: Right) -> Result<(), WebError> {
        if self.may(right) {
            Ok(())
        } else {
            Err(WebError::new(
                StatusCode::FORBIDDEN,
                "your role does not give access to this page",
            ))
        }
    }

    /// Whether the viewer sees only the claims assigned to them.
    pub fn only_own_claims(&self) -> bool {
        self.role == Some(Role::Rep)
    }

    /// Whether the viewer may open a claim assigned to `assigned`.
    pub fn may_open(&self, assigned: Option<&str>) -> bool {
        self.may(Right::Claims) && (!self.only_own_claims() || assigned == Some(&self.name))
    }

    /// Checks a posted form's CSRF token, or 403 (and nothing is written).
    pub fn check_csrf(&self, posted: Option<&str>) -> Result<(), WebError> {
        match posted {
            Some(t) if same_token(t, &self.csrf) => Ok(()),
            _ => Err(WebError::new(
                StatusCode::FORBIDDEN,
                "the form's security token is missing or out of date; nothing was written: reload the page and try again",
            )),
        }
    }
}

/// The language of the pages: the cookie, else the user's saved choice, else English.
pub fn lang_of(headers: &HeaderMap, saved: Option<&str>) -> Lang {
    cookie(headers, LANG_COOKIE)
        .and_then(Lang::parse)
        .or_else(|| saved.and_then(Lang::parse))
        .unwrap_or_default()
}

impl App {
    /// The viewer of a request: local mode's one user, or the session's user. Without a live
    /// session a page (GET) is redirected to the login, anything else is 401.
    pub fn viewer(&self, headers: &HeaderMap, page: bool) -> Result<Viewer, WebError> {
        match &self.cfg.mode {
            Mode::Local { user } => Ok(Viewer {
                name: user.clone(),
                role: None,
                csrf: self.local_csrf.clone(),
                lang: lang_of(headers, None),
                session: None,
            }),
            Mode::Team { .. } => {
                let token = cookie(headers, SESSION_COOKIE)
                    .filter(|t| t.len() == 64 && t.bytes().all(|b| b.is_ascii_hexdigit()));
                let found = match token {
                    Some(t) => {
                        let hash = token_hash(t);
                        let now = self.now().now;
                        self.ledger(|l| l.session(&hash, now))?.map(|s| (s, hash))
                    }
                    None => None,
                };
                match found {
                    Some((s, hash)) => Ok(Viewer {
                        lang: lang_of(headers, s.user.lang.as_deref()),
                        name: s.user.name,
                        role: Some(s.user.role),
                        csrf: s.csrf,
                        session: Some(hash),
                    }),
                    None if page => Err(WebError {
                        status: StatusCode::SEE_OTHER,
                        message: "log in first".into(),
                        redirect: Some("/login".into()),
                    }),
                    None => Err(WebError::new(
                        StatusCode::UNAUTHORIZED,
                        "log in first; nothing was written",
                    )),
                }
            }
        }
    }

    /// Whether cookies carry `Secure`.
    pub(crate) fn secure_cookies(&self) -> bool {
        matches!(
            self.cfg.mode,
            Mode::Team {
                secure_cookies: true
            }
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_verify_only_themselves() {
        let h = hash_password("correct horse").expect("a hash");
        assert!(h.starts_with("$argon2id$"), "{h}");
        assert!(verify_password("correct horse", &h));
        assert!(!verify_password("correct horsE", &h));
        assert!(!verify_password("correct horse", "not a hash"));
        assert_ne!(h, hash_password("correct horse").expect("a hash"), "salted");
    }

    #[test]
    fn tokens_are_256_bits_and_compare_whole() {
        let a = random_token();
        assert_eq!(a.len(), 64);
        assert_ne!(a, random_token());
        assert!(same_token(&a, &a.clone()));
        assert!(!same_token(&a, &a[..63]));
        assert!(!same_token("", ""));
        assert_eq!(token_hash("x").len(), 64);
    }

    #[test]
    fn cookies_are_read_and_set_strictly() {
        let mut h = HeaderMap::new();
        h.insert(
            header::COOKIE,
            "a=1; settle_lang=zh-CN; settle_session=abc"
                .parse()
                .expect("header"),
        );
        assert_eq!(cookie(&h, "settle_lang"), Some("zh-CN"));
        assert_eq!(cookie(&h, "settle_session"), Some("abc"));
        assert_eq!(cookie(&h, "b"), None);
        let c = set_cookie("settle_session", "t", 60, true);
        assert!(c.contains("HttpOnly") && c.contains("SameSite=Strict") && c.ends_with("Secure"));
        assert!(!set_cookie("x", "t", 60, false).contains("Secure"));
    }
}

/// Failed logins allowed per user name within [`THROTTLE_WINDOW`] before that name is refused
/// for the rest of the window.
pub const THROTTLE_FAILURES: usize = 5;
/// The window failed logins are counted in.
pub const THROTTLE_WINDOW: time::Duration = time::Duration::minutes(15);
/// User names tracked at most; beyond it the stalest are forgotten (the memory stays bounded
/// whatever names an attacker tries).
const THROTTLE_NAMES: usize = 10_000;

/// Failed logins by user name, in memory: after [`THROTTLE_FAILURES`] failures within
/// [`THROTTLE_WINDOW`], the name is refused until the oldest of them leaves the window, before
/// any password is checked. Names that do not exist count alike, so the refusal tells nothing
/// about which names do. A restart forgets it.
#[derive(Debug, Default)]
pub struct Throttle {
    failures: std::sync::Mutex<std::collections::HashMap<String, Vec<time::OffsetDateTime>>>,
}

impl Throttle {
    /// When the name may try again, if it is refused now.
    pub fn refused_until(
        &self,
        name: &str,
        now: time::OffsetDateTime,
    ) -> Option<time::OffsetDateTime> {
        let map = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        let recent: Vec<&time::OffsetDateTime> = map
            .get(&name.to_lowercase())?
            .iter()
            .filter(|t| now - **t < THROTTLE_WINDOW)
            .collect();
        (recent.len() >= THROTTLE_FAILURES).then(|| *recent[0] + THROTTLE_WINDOW)
    }

    /// Counts a failed login.
    pub fn failed(&self, name: &str, now: time::OffsetDateTime) {
        let mut map = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        if map.len() >= THROTTLE_NAMES && !map.contains_key(&name.to_lowercase()) {
            map.retain(|_, v| v.last().is_some_and(|t| now - *t < THROTTLE_WINDOW));
            if map.len() >= THROTTLE_NAMES {
                // Still full of recent failures: forget the stalest name.
                if let Some(k) = map
                    .iter()
                    .min_by_key(|(_, v)| v.last().copied())
                    .map(|(k, _)| k.clone())
                {
                    map.remove(&k);
                }
            }
        }
        let v = map.entry(name.to_lowercase()).or_default();
        v.retain(|t| now - *t < THROTTLE_WINDOW);
        v.push(now);
    }

    /// Forgets a name's failures (after a successful login).
    pub fn succeeded(&self, name: &str) {
        let mut map = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        map.remove(&name.to_lowercase());
    }
}

#[cfg(test)]
mod throttle_tests {
    use super::*;

    #[test]
    fn five_failures_in_the_window_refuse_the_name_until_the_oldest_leaves_it() {
        let th = Throttle::default();
        let t0 = time::OffsetDateTime::UNIX_EPOCH;
        let min = time::Duration::minutes(1);
        for i in 0..4 {
            th.failed("Ana", t0 + min * i);
            assert_eq!(th.refused_until("ana", t0 + min * i), None);
        }
        th.failed("ana", t0 + min * 4);
        assert_eq!(
            th.refused_until("ANA", t0 + min * 5),
            Some(t0 + THROTTLE_WINDOW)
        );
        assert_eq!(th.refused_until("bob", t0 + min * 5), None);
        // The oldest failure leaves the window: one more try.
        assert_eq!(th.refused_until("ana", t0 + THROTTLE_WINDOW), None);
        th.succeeded("ana");
        assert_eq!(th.refused_until("ana", t0 + min * 5), None);
    }

    #[test]
    fn the_names_tracked_stay_bounded() {
        let th = Throttle::default();
        let t0 = time::OffsetDateTime::UNIX_EPOCH;
        for i in 0..(THROTTLE_NAMES + 50) {
            th.failed(&format!("user{i}"), t0 + time::Duration::seconds(i as i64));
        }
        let n = th.failures.lock().unwrap().len();
        assert!(n <= THROTTLE_NAMES, "{n}");
    }
}
