//! Casebooks: real past claims kept with the verdict on what should have been done, and the
//! scoring of a rule set's advice against them. A casebook is a folder with `cases/<ID>.toml`
//! (claim files, one per case) and `expected.toml` (one table per case id: the acceptable
//! responsibility, moves, options and share bounds, and `why`). The scoring rules here are the
//! ones rule tests use for `responsibility`, `min_share` and `max_share` as well.
//!
//! A case whose claim does not load is kept, with its problems, and scored as a miss: a casebook
//! of claims written for a newer claim format must still be reported, never dropped. Problems in
//! the casebook itself (its verdicts, a case without a verdict, a verdict without a case) are
//! load errors, all reported together.

use crate::diag::{Diagnostic, Sink};
use crate::node::{self, Kind, Node};
use crate::read::{self, Table};
use crate::source::SourceFile;
use rust_decimal::Decimal;
use settle_engine::claim::Remedy;
use settle_engine::money::{Currency, Money};
use settle_engine::{Action, Advice, Claim, Playbook, advise};
use std::ops::Range;
use std::path::{Path, PathBuf};

/// Who a verdict or an advice puts the loss on, in the five words a casebook uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Responsibility {
    /// We are responsible.
    Seller,
    /// The buyer is.
    Buyer,
    /// The transit side: the carrier, or the insurer bearing a loss after the risk passed.
    Carrier,
    /// No party carries [`NAMING_SHARE`] of it.
    Shared,
    /// The facts cannot tell (a verdict only; an advice's split is never unclear).
    Unclear,
}

impl Responsibility {
    /// Every word, in file order.
    pub const ALL: [Responsibility; 5] = [
        Responsibility::Seller,
        Responsibility::Buyer,
        Responsibility::Carrier,
        Responsibility::Shared,
        Responsibility::Unclear,
    ];

    /// The words as files spell them.
    pub const NAMES: &'static [&'static str] = &["seller", "buyer", "carrier", "shared", "unclear"];

    /// The word as files spell it.
    pub fn as_str(self) -> &'static str {
        Self::NAMES[self as usize]
    }

    /// The word spelled `text`, if it is one.
    pub fn parse(text: &str) -> Option<Responsibility> {
        Self::ALL.iter().copied().find(|r| r.as_str() == text)
    }

    /// The party a split of the loss names: the one with the largest share, when that share
    /// is at least [`NAMING_SHARE`]; otherwise `Shared`. (Two shares cannot both reach it.)
    pub fn of_split(seller: Decimal, buyer: Decimal, carrier: Decimal) -> Responsibility {
        [
            (seller, Responsibility::Seller),
            (buyer, Responsibility::Buyer),
            (carrier, Responsibility::Carrier),
        ]
        .into_iter()
        .find(|(share, _)| *share >= NAMING_SHARE)
        .map_or(Responsibility::Shared, |(_, party)| party)
    }
}

/// The share of the loss at which a split names one party: 0.65.
pub const NAMING_SHARE: Decimal = Decimal::from_parts(65, 0, 0, false, 2);

/// How far outside its bounds a move's share of the ask may lie and still agree: 0.0001.
pub const SHARE_TOLERANCE: Decimal = Decimal::from_parts(1, 0, 0, false, 4);

/// Bounds on the move's amount as a share of the buyer's ask (`min_share`, `max_share`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ShareBounds {
    /// The least share that agrees.
    pub min: Option<Decimal>,
    /// The largest share that agrees.
    pub max: Option<Decimal>,
}

impl ShareBounds {
    /// Whether no bound is given.
    pub fn is_empty(&self) -> bool {
        self.min.is_none() && self.max.is_none()
    }

    /// Whether `share` lies within the bounds, give or take [`SHARE_TOLERANCE`].
    pub fn contains(&self, share: Decimal) -> bool {
        self.min.is_none_or(|m| share >= m - SHARE_TOLERANCE)
            && self.max.is_none_or(|m| share <= m + SHARE_TOLERANCE)
    }

    /// The bounds in words: `between 0.40 and 0.60`, `at least 1.00`, `at most 0.30`.
    pub fn describe(&self) -> String {
        match (self.min, self.max) {
            (Some(lo), Some(hi)) => format!("between {lo} and {hi}"),
            (Some(lo), None) => format!("at least {lo}"),
            (None, Some(hi)) => format!("at most {hi}"),
            (None, None) => "any".to_string(),
        }
    }
}

/// An advice in the terms a verdict is scored in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Advised {
    /// The move.
    pub action: Action,
    /// The option of its proposal, if it has one.
    pub option: Option<Remedy>,
    /// The proposal's amount, rounded to the currency as the advice shows it.
    pub amount: Option<Money>,
    /// The buyer's ask (`ask.amount`).
    pub ask: Money,
    /// The claim's currency.
    pub currency: Currency,
    /// `amount ÷ ask`; `None` when the move has no amount or the ask is zero.
    pub share: Option<Decimal>,
    /// The seller's share of the responsibility.
    pub seller: Decimal,
    /// The buyer's share.
    pub buyer: Decimal,
    /// The carrier's share.
    pub carrier: Decimal,
    /// The party the split names ([`Responsibility::of_split`]).
    pub responsibility: Responsibility,
}

impl Advised {
    /// The terms of `advice`, given on `claim`.
    pub fn of(claim: &Claim, advice: &Advice) -> Advised {
        let proposal = advice.next.proposal.as_ref();
        let amount = proposal.map(|p| claim.currency.round(p.amount));
        let ask = claim.ask.amount;
        let share = amount.and_then(|a| a.checked_div(ask));
        let shares = &advice.responsibility.shares;
        let (seller, buyer, carrier) = (shares.seller(), shares.buyer(), shares.carrier());
        Advised {
            action: advice.next.action,
            option: proposal.map(|p| p.remedy),
            amount,
            ask,
            currency: claim.currency,
            share,
            seller,
            buyer,
            carrier,
            responsibility: Responsibility::of_split(seller, buyer, carrier),
        }
    }

    /// The share of the ask as shown: four places at most, no trailing zeros (`0.475`).
    pub fn share_text(&self) -> Option<String> {
        self.share.map(|s| s.round_dp(4).normalize().to_string())
    }

    /// The split as shown: `seller 0.3, buyer 0.7, carrier 0`.
    pub fn split_text(&self) -> String {
        format!(
            "seller {}, buyer {}, carrier {}",
            self.seller.normalize(),
            self.buyer.normalize(),
            self.carrier.normalize()
        )
    }
}

/// Whether the move is one of `actions` (any move when the list is empty).
pub fn action_agrees(actions: &[Action], a: &Advised) -> bool {
    actions.is_empty() || actions.contains(&a.action)
}

/// For an offer or an acceptance, whether its option is one of `options`; `None` when the
/// option is not judged (another move, or an empty list: any option).
pub fn option_agrees(options: &[Remedy], a: &Advised) -> Option<bool> {
    if options.is_empty() || !matches!(a.action, Action::Offer | Action::Accept) {
        return None;
    }
    Some(a.option.is_some_and(|o| options.contains(&o)))
}

/// Whether the move's amount, as a share of the ask, lies within `bounds`; `None` when it is
/// not judged (no bounds, or a move without an amount). A zero ask with an amount disagrees:
/// no share of it can be worked out.
pub fn share_agrees(bounds: &ShareBounds, a: &Advised) -> Option<bool> {
    if bounds.is_empty() || a.amount.is_none() {
        return None;
    }
    Some(a.share.is_some_and(|s| bounds.contains(s)))
}

/// Whether the advice agrees with the expected responsibility: the party its split names, or
/// for `unclear`, a request for evidence or a shared split.
pub fn responsibility_agrees(expected: Responsibility, a: &Advised) -> bool {
    match expected {
        Responsibility::Unclear => {
            a.action == Action::RequestEvidence || a.responsibility == Responsibility::Shared
        }
        _ => a.responsibility == expected,
    }
}

/// A list of names for messages: `a`, `a or b`, `a, b or c`.
pub fn either(names: &[&str]) -> String {
    match names {
        [] => "anything".to_string(),
        [one] => (*one).to_string(),
        [rest @ .., last] => format!("{} or {last}", rest.join(", ")),
    }
}

/// What differs on the share of the ask, as a line: `amount: expected a share of the ask at
/// least 0.9, got 0.5 (USD 2,700.00 of USD 5,400.00)`.
pub fn share_difference(bounds: &ShareBounds, a: &Advised) -> String {
    let ask = a.currency.format(a.ask);
    let got = match (a.share_text(), a.amount) {
        (Some(s), Some(amount)) => format!("{s} ({} of {ask})", a.currency.format(amount)),
        _ => format!("no share: the ask is {ask}"),
    };
    format!(
        "amount: expected a share of the ask {}, got {got}",
        bounds.describe()
    )
}

/// What differs on responsibility, as a line.
pub fn responsibility_difference(expected: Responsibility, a: &Advised) -> String {
    let wanted = match expected {
        Responsibility::Unclear => "unclear (a request for evidence or a shared split)",
        other => other.as_str(),
    };
    format!(
        "responsibility: expected {wanted}, got {} ({})",
        a.responsibility.as_str(),
        a.split_text()
    )
}

/// What a verdict accepts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    /// Who is responsible.
    pub responsibility: Responsibility,
    /// The acceptable moves, most recommended first; never empty.
    pub actions: Vec<Action>,
    /// The acceptable options of an offer or acceptance; empty: any.
    pub options: Vec<Remedy>,
    /// Bounds on the move's amount as a share of the ask.
    pub share: ShareBounds,
    /// The verdict in a line, ending with its source's address.
    pub why: String,
}

/// How an advice stands against a verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Agreement {
    /// The move is one of the verdict's actions.
    pub action: bool,
    /// The option, when judged ([`option_agrees`]).
    pub option: Option<bool>,
    /// The amount, when judged ([`share_agrees`]).
    pub amount: Option<bool>,
    /// The responsibility ([`responsibility_agrees`]).
    pub responsibility: bool,
}

impl Agreement {
    /// Whether the move agrees: its action, and its option and amount where they are judged.
    pub fn of_move(&self) -> bool {
        self.action && self.option != Some(false) && self.amount != Some(false)
    }

    /// Whether everything agrees.
    pub fn all(&self) -> bool {
        self.of_move() && self.responsibility
    }
}

impl Verdict {
    /// How `a` stands against this verdict.
    pub fn judge(&self, a: &Advised) -> Agreement {
        Agreement {
            action: action_agrees(&self.actions, a),
            option: option_agrees(&self.options, a),
            amount: share_agrees(&self.share, a),
            responsibility: responsibility_agrees(self.responsibility, a),
        }
    }

    /// Each way `a` differs from this verdict, as lines.
    pub fn differences(&self, a: &Advised) -> Vec<String> {
        let j = self.judge(a);
        let mut out = Vec::new();
        if !j.action {
            let names: Vec<&str> = self.actions.iter().map(|x| x.as_str()).collect();
            out.push(format!(
                "action: expected {}, got {}",
                either(&names),
                a.action.as_str()
            ));
        }
        if j.option == Some(false) {
            let names: Vec<&str> = self.options.iter().map(|x| x.as_str()).collect();
            out.push(format!(
                "option: expected {}, got {}",
                either(&names),
                a.option.map_or("none", |o| o.as_str())
            ));
        }
        if j.amount == Some(false) {
            out.push(share_difference(&self.share, a));
        }
        if !j.responsibility {
            out.push(responsibility_difference(self.responsibility, a));
        }
        out
    }
}

/// One case: a past claim and the verdict on it.
#[derive(Debug, Clone)]
pub struct Case {
    /// The case id: the claim file's name without `.toml`, and its table in `expected.toml`.
    pub id: String,
    /// The claim file, as named in messages.
    pub file: String,
    /// `file:line` of the verdict in `expected.toml`.
    pub at: String,
    /// The claim, or every problem that kept it from loading.
    pub claim: Result<Claim, Vec<Diagnostic>>,
    /// The verdict.
    pub verdict: Verdict,
}

/// A casebook folder, read.
#[derive(Debug, Clone)]
pub struct Casebook {
    /// The folder, as named in messages.
    pub dir: String,
    /// The cases, in id order.
    pub cases: Vec<Case>,
}

/// Why a case has no advice to score.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unscored {
    /// The claim does not load: every problem, located.
    Invalid(Vec<Diagnostic>),
    /// The claim loads but cannot be advised (an amount overflows).
    NotAdvised(String),
}

/// One case, scored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scored {
    /// The case id.
    pub id: String,
    /// The claim file.
    pub file: String,
    /// `file:line` of the verdict.
    pub at: String,
    /// The verdict.
    pub verdict: Verdict,
    /// The advice and how it stands, or why there is none (a miss).
    pub result: Result<(Advised, Agreement), Unscored>,
}

impl Scored {
    /// Whether the move agrees (a case with no advice does not).
    pub fn move_agrees(&self) -> bool {
        self.result.as_ref().is_ok_and(|(_, j)| j.of_move())
    }

    /// Whether the responsibility agrees (a case with no advice does not).
    pub fn responsibility_agrees(&self) -> bool {
        self.result.as_ref().is_ok_and(|(_, j)| j.responsibility)
    }

    /// Whether anything disagrees, or the case could not be advised.
    pub fn is_miss(&self) -> bool {
        !self.result.as_ref().is_ok_and(|(_, j)| j.all())
    }
}

/// Advises on a case under `p` and scores the advice against its verdict.
pub fn score(p: &Playbook, case: &Case) -> Scored {
    let result = match &case.claim {
        Err(diags) => Err(Unscored::Invalid(diags.clone())),
        Ok(claim) => match advise(p, claim) {
            Err(e) => Err(Unscored::NotAdvised(e.to_string())),
            Ok(advice) => {
                let a = Advised::of(claim, &advice);
                let j = case.verdict.judge(&a);
                Ok((a, j))
            }
        },
    };
    Scored {
        id: case.id.clone(),
        file: case.file.clone(),
        at: case.at.clone(),
        verdict: case.verdict.clone(),
        result,
    }
}

/// Counts of agreement over scored cases.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    /// Cases, including those that could not be advised.
    pub cases: usize,
    /// Cases whose move agrees.
    pub moves: usize,
    /// Offers and acceptances whose option is judged.
    pub options_judged: usize,
    /// Of those, the ones whose option agrees.
    pub options: usize,
    /// Moves with an amount whose verdict gives share bounds.
    pub amounts_judged: usize,
    /// Of those, the ones within the bounds.
    pub amounts: usize,
    /// Cases whose responsibility agrees.
    pub responsibility: usize,
}

impl Tally {
    /// The counts over `scored`.
    pub fn of(scored: &[Scored]) -> Tally {
        let mut t = Tally {
            cases: scored.len(),
            ..Tally::default()
        };
        for s in scored {
            let Ok((_, j)) = &s.result else {
                continue;
            };
            t.moves += usize::from(j.of_move());
            t.responsibility += usize::from(j.responsibility);
            if let Some(ok) = j.option {
                t.options_judged += 1;
                t.options += usize::from(ok);
            }
            if let Some(ok) = j.amount {
                t.amounts_judged += 1;
                t.amounts += usize::from(ok);
            }
        }
        t
    }

    /// The sum of two tallies.
    pub fn plus(self, o: Tally) -> Tally {
        Tally {
            cases: self.cases + o.cases,
            moves: self.moves + o.moves,
            options_judged: self.options_judged + o.options_judged,
            options: self.options + o.options,
            amounts_judged: self.amounts_judged + o.amounts_judged,
            amounts: self.amounts + o.amounts,
            responsibility: self.responsibility + o.responsibility,
        }
    }
}

/// Reads a casebook folder: `expected.toml` and every `cases/*.toml` (a `.json` claim is read
/// too). Problems in the verdicts, a case without a verdict and a verdict without a case are
/// diagnostics, all reported together, with the files they are in; a case whose claim does not
/// load is not one of them: it is kept with its problems, to be scored as a miss.
pub fn load(dir: &Path) -> Result<Casebook, (Vec<Diagnostic>, Vec<SourceFile>)> {
    let mut diags = Vec::new();
    let mut sources = Vec::new();
    let cases_dir = dir.join("cases");
    let expected_path = dir.join("expected.toml");

    let mut files: Vec<PathBuf> = Vec::new();
    match std::fs::read_dir(&cases_dir) {
        Ok(rd) => {
            files = rd
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|e| e == "toml" || e == "json"))
                .collect();
            files.sort();
        }
        Err(e) => diags.push(unlocated(
            &cases_dir,
            format!(
                "cannot read the casebook's cases folder {}: {e}",
                cases_dir.display()
            ),
        )),
    }
    let verdicts = match crate::source::read_text(&expected_path) {
        Ok(text) => {
            let source = SourceFile::new(expected_path.display().to_string(), text);
            let mut sink = Sink::new(&source);
            let verdicts = node::parse_toml(source.text(), &mut sink)
                .map(|root| read_verdicts(&root, &mut sink))
                .unwrap_or_default();
            diags.extend(sink.finish());
            Some((source, verdicts))
        }
        Err(e) => {
            diags.push(unlocated(
                &expected_path,
                format!(
                    "cannot read the casebook's verdicts {}: {e}",
                    expected_path.display()
                ),
            ));
            None
        }
    };

    // Each case file, read; its problems stay with the case.
    let mut claims: Vec<(String, SourceFile, Result<Claim, Vec<Diagnostic>>)> = Vec::new();
    for path in files {
        let id = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let name = path.display().to_string();
        let (source, claim) = match crate::source::read_text(&path) {
            Ok(text) => {
                let source = SourceFile::new(name.clone(), text);
                let claim = crate::claim_file::parse_claim(&source, crate::Format::of_path(&name));
                (source, claim)
            }
            Err(e) => {
                let source = SourceFile::new(name.clone(), String::new());
                let mut sink = Sink::new(&source);
                sink.error(0..0, None, format!("cannot read the case file: {e}"));
                let d = sink.finish();
                (source, Err(d))
            }
        };
        if let Some((_, first, _)) = claims.iter().find(|(i, _, _)| *i == id) {
            let mut sink = Sink::new(&source);
            sink.error(
                0..0,
                None,
                format!(
                    "a second claim file for the case `{id}`; the first is {}",
                    first.name()
                ),
            )
            .help("keep one claim file per case id");
            diags.extend(sink.finish());
            sources.push(source.clone());
        }
        claims.push((id, source, claim));
    }

    let Some((expected_source, verdicts)) = verdicts else {
        return Err((diags, sources));
    };
    let mut cases = Vec::new();
    let ids: Vec<&str> = claims.iter().map(|(i, _, _)| i.as_str()).collect();
    {
        let mut sink = Sink::new(&expected_source);
        for v in &verdicts {
            if v.table && !ids.contains(&v.id.as_str()) {
                let d = sink.error(
                    v.key.clone(),
                    Some(&v.id),
                    format!(
                        "the verdict `{}` has no case: there is no {}",
                        v.id,
                        cases_dir.join(format!("{}.toml", v.id)).display()
                    ),
                );
                d.label("no claim file for this case");
                match read::suggest(&v.id, &ids) {
                    Some(s) => d.help(format!("did you mean `{s}`?")),
                    None => d.help("add the claim file, or remove the verdict"),
                };
            }
        }
        diags.extend(sink.finish());
    }
    sources.push(expected_source);
    // Verdicts without a case, to suggest for a case without a verdict (a misspelt id).
    let unmatched: Vec<String> = verdicts
        .iter()
        .filter(|v| !claims.iter().any(|(i, _, _)| *i == v.id))
        .map(|v| v.id.clone())
        .collect();
    let unmatched: Vec<&str> = unmatched.iter().map(String::as_str).collect();
    for (id, source, claim) in claims {
        match verdicts.iter().find(|v| v.id == id) {
            Some(v) => {
                if let Some(verdict) = &v.verdict {
                    cases.push(Case {
                        id,
                        file: source.name().to_string(),
                        at: v.at.clone(),
                        claim,
                        verdict: verdict.clone(),
                    });
                }
            }
            None => {
                let mut sink = Sink::new(&source);
                let d = sink.error(
                    0..0,
                    None,
                    format!(
                        "the case `{id}` has no verdict in {}",
                        expected_path.display()
                    ),
                );
                d.label("no table for this case in the verdicts");
                match read::suggest(&id, &unmatched) {
                    Some(s) => d.help(format!("is its verdict the table [{s}]?")),
                    None => d.help(format!(
                        "add a table [{id}] with responsibility, actions and why, or remove the case"
                    )),
                };
                diags.extend(sink.finish());
                sources.push(source);
            }
        }
    }
    if diags.is_empty() && cases.is_empty() {
        diags.push(unlocated(
            &cases_dir,
            format!(
                "the casebook has no cases: no claim file in {}",
                cases_dir.display()
            ),
        ));
    }
    if diags.is_empty() {
        Ok(Casebook {
            dir: dir.display().to_string(),
            cases,
        })
    } else {
        Err((diags, sources))
    }
}

/// A problem with a file or folder that could not be read, so has no place in it.
fn unlocated(path: &Path, message: String) -> Diagnostic {
    Diagnostic {
        severity: crate::Severity::Error,
        file: path.display().to_string(),
        line: 1,
        column: 1,
        span: 0..0,
        message,
        field: None,
        label: None,
        help: None,
    }
}

/// A table of `expected.toml`: its id and place, and the verdict if it is valid.
struct ReadVerdict {
    id: String,
    /// Whether the entry is a table at all (a stray key is reported once, as not a table).
    table: bool,
    key: Range<usize>,
    at: String,
    verdict: Option<Verdict>,
}

fn read_verdicts(root: &Node, sink: &mut Sink<'_>) -> Vec<ReadVerdict> {
    let Kind::Table(entries) = &root.kind else {
        return Vec::new();
    };
    entries
        .iter()
        .map(|(k, n)| {
            let (line, _) = sink.source.line_col(k.span.start);
            ReadVerdict {
                id: k.name.clone(),
                table: matches!(n.kind, Kind::Table(_)),
                key: k.span.clone(),
                at: format!("{}:{line}", sink.source.name()),
                verdict: read_verdict(n, &k.name, k.span.clone(), sink),
            }
        })
        .collect()
}

/// The keys of a verdict.
const VERDICT_KEYS: &[&str] = &[
    "responsibility",
    "actions",
    "options",
    "min_share",
    "max_share",
    "why",
];

fn read_verdict(n: &Node, id: &str, at: Range<usize>, sink: &mut Sink<'_>) -> Option<Verdict> {
    let mut t = Table::of(n, id, at, sink)?;
    let f = |k: &str| format!("{id}.{k}");
    let responsibility = t.need("responsibility", sink).and_then(|(_, n)| {
        read::one_of(
            n,
            &f("responsibility"),
            Responsibility::NAMES,
            Responsibility::parse,
            sink,
        )
    });
    let actions = t.need("actions", sink).and_then(|(_, n)| {
        let list = list_of(n, &f("actions"), &ACTION_NAMES, action_named, sink)?;
        if list.is_empty() {
            sink.error(
                n.span.clone(),
                Some(&f("actions")),
                format!("`{}` is empty", f("actions")),
            )
            .label("no move would agree")
            .help(format!(
                "list the acceptable moves: {}",
                ACTION_NAMES.join(", ")
            ));
            return None;
        }
        Some(list)
    });
    let options = match t.take("options") {
        Some((_, n)) => list_of(n, &f("options"), Remedy::NAMES, Remedy::parse, sink),
        None => Some(Vec::new()),
    };
    let share = share_bounds(&mut t, id, sink);
    let why = t
        .need("why", sink)
        .and_then(|(_, n)| read::string(n, &f("why"), sink));
    t.finish(VERDICT_KEYS, &format!("[{id}]"), sink);
    Some(Verdict {
        responsibility: responsibility?,
        actions: actions?,
        options: options?,
        share: share?,
        why: why?,
    })
}

/// `offer`, `accept`, ... as files spell them: every move of the engine.
const ACTION_NAMES: [&str; Action::ALL.len()] = {
    let mut names = [""; Action::ALL.len()];
    let mut i = 0;
    while i < names.len() {
        names[i] = Action::ALL[i].as_str();
        i += 1;
    }
    names
};

fn action_named(name: &str) -> Option<Action> {
    Action::ALL.iter().copied().find(|a| a.as_str() == name)
}

/// A list of names from a closed set; each unknown name is an error at its place.
fn list_of<T: Copy>(
    n: &Node,
    field: &str,
    names: &[&str],
    parse: impl Fn(&str) -> Option<T>,
    sink: &mut Sink<'_>,
) -> Option<Vec<T>> {
    let Kind::Array(items) = &n.kind else {
        read::wrong_type(sink, n, field, "a list of names");
        return None;
    };
    let mut out = Vec::new();
    let mut ok = true;
    for item in items {
        match read::one_of(item, field, names, &parse, sink) {
            Some(v) => out.push(v),
            None => ok = false,
        }
    }
    ok.then_some(out)
}

/// `min_share` and `max_share` of the table `t` (used by verdicts and rule tests alike):
/// numbers (or decimal strings) not below zero, the minimum not above the maximum.
pub(crate) fn share_bounds(
    t: &mut Table<'_>,
    path: &str,
    sink: &mut Sink<'_>,
) -> Option<ShareBounds> {
    let mut read_one =
        |key: &str, sink: &mut Sink<'_>| -> Option<Option<(Decimal, Range<usize>)>> {
            let Some((_, n)) = t.take(key) else {
                return Some(None);
            };
            let field = format!("{path}.{key}");
            let v = read::number(n, &field, sink)?;
            if v < Decimal::ZERO {
                sink.error(
                    n.span.clone(),
                    Some(&field),
                    format!("`{field}` is {v}, below zero"),
                )
                .label("a share of the ask is never negative");
                return None;
            }
            Some(Some((v, n.span.clone())))
        };
    let min = read_one("min_share", sink);
    let max = read_one("max_share", sink);
    let (min, max) = (min?, max?);
    if let (Some((lo, _)), Some((hi, span))) = (&min, &max)
        && lo > hi
    {
        sink.error(
            span.clone(),
            Some(&format!("{path}.max_share")),
            format!("`{path}.max_share` ({hi}) is below `{path}.min_share` ({lo})"),
        )
        .label("no share would agree");
        return None;
    }
    Some(ShareBounds {
        min: min.map(|(v, _)| v),
        max: max.map(|(v, _)| v),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    fn advised(
        action: Action,
        option: Option<Remedy>,
        amount: Option<&str>,
        split: [&str; 3],
    ) -> Advised {
        let amount = amount.map(d);
        let ask = d("1000.00");
        Advised {
            action,
            option,
            amount,
            ask,
            currency: Currency::new(*b"USD", 2),
            share: amount.and_then(|a| a.checked_div(ask)),
            seller: d(split[0]),
            buyer: d(split[1]),
            carrier: d(split[2]),
            responsibility: Responsibility::of_split(d(split[0]), d(split[1]), d(split[2])),
        }
    }

    #[test]
    fn a_split_names_the_party_with_at_least_065() {
        let of = |s: &str, b: &str, c: &str| Responsibility::of_split(d(s), d(b), d(c));
        assert_eq!(of("0.65", "0.35", "0"), Responsibility::Seller);
        assert_eq!(of("0.3", "0.7", "0"), Responsibility::Buyer);
        assert_eq!(of("0", "0", "1"), Responsibility::Carrier);
        assert_eq!(of("0.64", "0.36", "0"), Responsibility::Shared);
        assert_eq!(of("0.5", "0.5", "0"), Responsibility::Shared);
    }

    #[test]
    fn unclear_agrees_with_a_request_for_evidence_or_a_shared_split() {
        let ask = advised(Action::RequestEvidence, None, None, ["1", "0", "0"]);
        let shared = advised(
            Action::Offer,
            Some(Remedy::Discount),
            Some("500"),
            ["0.5", "0.5", "0"],
        );
        let ours = advised(
            Action::Offer,
            Some(Remedy::Discount),
            Some("500"),
            ["1", "0", "0"],
        );
        assert!(responsibility_agrees(Responsibility::Unclear, &ask));
        assert!(responsibility_agrees(Responsibility::Unclear, &shared));
        assert!(!responsibility_agrees(Responsibility::Unclear, &ours));
        assert!(responsibility_agrees(Responsibility::Shared, &shared));
        assert!(!responsibility_agrees(Responsibility::Shared, &ask));
    }

    #[test]
    fn share_bounds_allow_a_ten_thousandth_either_way() {
        let b = ShareBounds {
            min: Some(d("0.40")),
            max: Some(d("0.60")),
        };
        assert!(b.contains(d("0.3999")));
        assert!(!b.contains(d("0.39989")));
        assert!(b.contains(d("0.6001")));
        assert!(!b.contains(d("0.60011")));
        assert_eq!(b.describe(), "between 0.40 and 0.60");
    }

    #[test]
    fn options_and_amounts_are_judged_only_where_the_verdict_and_the_move_allow() {
        let v = Verdict {
            responsibility: Responsibility::Seller,
            actions: vec![Action::Offer, Action::RequestEvidence],
            options: vec![Remedy::Refund],
            share: ShareBounds {
                min: Some(d("0.9")),
                max: None,
            },
            why: "because".into(),
        };
        let evidence = advised(Action::RequestEvidence, None, None, ["1", "0", "0"]);
        let j = v.judge(&evidence);
        assert_eq!((j.action, j.option, j.amount), (true, None, None));
        assert!(j.all());
        let low = advised(
            Action::Offer,
            Some(Remedy::Discount),
            Some("500.00"),
            ["1", "0", "0"],
        );
        let j = v.judge(&low);
        assert_eq!((j.option, j.amount), (Some(false), Some(false)));
        assert!(!j.of_move());
        assert_eq!(
            v.differences(&low),
            [
                "option: expected refund, got discount",
                "amount: expected a share of the ask at least 0.9, got 0.5 (USD 500.00 of USD 1,000.00)",
            ]
        );
        let reject = advised(
            Action::Reject,
            Some(Remedy::Reject),
            Some("0.00"),
            ["0", "0", "1"],
        );
        assert_eq!(
            v.differences(&reject),
            [
                "action: expected offer or request_evidence, got reject",
                "amount: expected a share of the ask at least 0.9, got 0 (USD 0.00 of USD 1,000.00)",
                "responsibility: expected seller, got carrier (seller 0, buyer 0, carrier 1)",
            ]
        );
    }

    #[test]
    fn a_tally_counts_a_case_without_advice_as_a_miss() {
        let v = Verdict {
            responsibility: Responsibility::Buyer,
            actions: vec![Action::Reject],
            options: vec![],
            share: ShareBounds::default(),
            why: "w".into(),
        };
        let a = advised(
            Action::Reject,
            Some(Remedy::Reject),
            Some("0.00"),
            ["0", "1", "0"],
        );
        let good = Scored {
            id: "A".into(),
            file: "a.toml".into(),
            at: "expected.toml:1".into(),
            verdict: v.clone(),
            result: Ok((a.clone(), v.judge(&a))),
        };
        let bad = Scored {
            result: Err(Unscored::NotAdvised("overflow".into())),
            ..good.clone()
        };
        let t = Tally::of(&[good.clone(), bad.clone()]);
        assert_eq!((t.cases, t.moves, t.responsibility), (2, 1, 1));
        assert!(!good.is_miss());
        assert!(bad.is_miss());
        assert_eq!(t.plus(t).cases, 4);
    }

    #[test]
    fn either_joins_names_as_a_sentence() {
        assert_eq!(either(&["a"]), "a");
        assert_eq!(either(&["a", "b"]), "a or b");
        assert_eq!(either(&["a", "b", "c"]), "a, b or c");
    }
}
