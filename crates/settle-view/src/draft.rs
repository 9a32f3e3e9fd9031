//! Reply drafts: the message to the buyer for the next move, written from templates in the rule
//! folder (`drafts/<lang>/<move>.j2`, minijinja) that a manager edits. A template reads the
//! claim as its claim file has it (`claim.*`), the advice as `settle advise --format json` has it
//! (`advice.*`) and the draft's own facts (`draft.*`); the variables are defined by that one
//! context, and a template that names another is refused at load, at its file, line and column
//! (`settle rules check`), as is one that does not parse or fails on a sample claim.

use crate::advice::AdviceView;
use serde::Serialize;
use serde_json::{Map, Value};
use settle_engine::{Advice, Claim, Playbook};
use settle_rules::diag::{Diagnostic, Sink};
use settle_rules::{Format, SourceFile};
use std::collections::{BTreeMap, BTreeSet};
use time::Date;

/// The drafts a rule set must have in each language it drafts in: the first answer, then one per
/// move of the advice.
pub const DRAFTS: &[&str] = &[
    "acknowledge",
    "offer",
    "accept",
    "request_evidence",
    "escalate",
    "reject",
    "execute",
];

/// The languages drafts are written in: a folder per language under `drafts/`.
pub const LANGUAGES: &[&str] = &["en", "zh-CN"];

/// The draft's own facts, beside the claim and the advice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DraftFacts {
    /// The draft's name: `acknowledge` or the move (`offer`, `accept`, ...).
    pub name: String,
    /// The language of the message: `en` or `zh-CN`.
    pub lang: String,
    /// The day the draft is written for.
    pub today: String,
    /// For the acknowledgement: the day by which we promise the full reply.
    pub reply_by: String,
    /// The rep signing the message.
    pub rep: String,
    /// Who is at fault, as a buyer may be told: `seller` (ours), `buyer`, `carrier`, `shared`
    /// (nobody holds 65%) or `unclear`.
    pub fault: &'static str,
    /// We have not answered the buyer yet.
    pub first_answer: bool,
}

/// A party that holds at least 65% of the responsibility, else `shared` (`unclear` when the
/// evidence cannot decide); the casebook's reading of a split.
fn fault(a: &Advice) -> &'static str {
    let s = &a.responsibility;
    if s.unclear {
        return "unclear";
    }
    let cut = rust_decimal::Decimal::new(65, 2);
    if s.shares.seller() >= cut {
        "seller"
    } else if s.shares.buyer() >= cut {
        "buyer"
    } else if s.shares.carrier() >= cut {
        "carrier"
    } else {
        "shared"
    }
}

/// What a draft template reads.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DraftContext {
    /// The claim, as its claim file (JSON form) has it.
    pub claim: Value,
    /// The advice, as `settle advise --format json` has it.
    pub advice: AdviceView,
    /// The draft's own facts.
    pub draft: DraftFacts,
}

/// Which draft to write and for whom.
#[derive(Debug, Clone)]
pub struct DraftRequest<'a> {
    /// `acknowledge`, or `None` for the advice's move.
    pub name: Option<&'a str>,
    /// `en` or `zh-CN`.
    pub lang: &'a str,
    /// The day the draft is written for.
    pub today: Date,
    /// The rep signing it.
    pub rep: &'a str,
    /// We have not answered the buyer yet.
    pub first_answer: bool,
    /// The day we promise the full reply by (the desk's reply deadline).
    pub reply_by: Date,
}

impl DraftContext {
    /// The context of a draft on `claim`, advised under `p`.
    pub fn of(p: &Playbook, claim: &Claim, advice: &Advice, r: &DraftRequest<'_>) -> DraftContext {
        let view = AdviceView::of(p, claim, advice);
        let name = r.name.unwrap_or(view.next.action).to_string();
        DraftContext {
            claim: settle_rules::claim_file::to_json(claim),
            draft: DraftFacts {
                name,
                lang: r.lang.to_string(),
                today: r.today.to_string(),
                reply_by: r.reply_by.max(r.today).to_string(),
                rep: r.rep.to_string(),
                fault: fault(advice),
                first_answer: r.first_answer,
            },
            advice: view,
        }
    }
}

/// A written draft.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DraftView {
    /// The claim.
    pub claim: String,
    /// The draft's name (`acknowledge` or the move).
    pub draft: String,
    /// Its language.
    pub lang: String,
    /// The template it was written from.
    pub template: String,
    /// The message.
    pub text: String,
}

/// A rule set's draft templates, loaded and checked.
#[derive(Debug)]
pub struct Drafts {
    env: minijinja::Environment<'static>,
    /// The templates by name (`en/offer.j2`), with the source each was read from.
    files: BTreeMap<String, String>,
}

/// What a draft could not be written for.
#[derive(Debug, thiserror::Error)]
pub enum DraftError {
    /// The rule set has no template for the draft in the language.
    #[error("the rule set has no draft `{name}` in {lang} ({path} is missing)")]
    Missing {
        /// The draft.
        name: String,
        /// The language.
        lang: String,
        /// The template's path under `drafts/`.
        path: String,
    },
    /// The template failed on this claim.
    #[error("draft {template}: {message}")]
    Render {
        /// The template.
        template: String,
        /// What went wrong.
        message: String,
    },
}

/// The name of a template under `drafts/`: `en/offer.j2` for `…/drafts/en/offer.j2`.
fn template_name(source: &str) -> String {
    match source.rfind("drafts/") {
        Some(i) => source[i + "drafts/".len()..].to_string(),
        None => source.to_string(),
    }
}

fn environment() -> minijinja::Environment<'static> {
    let mut env = minijinja::Environment::new();
    env.set_debug(true);
    env.set_undefined_behavior(minijinja::UndefinedBehavior::Strict);
    // Block tags on their own lines leave no blank lines or indentation behind.
    if let Ok(syntax) = minijinja::syntax::SyntaxConfig::builder()
        .trim_blocks(true)
        .lstrip_blocks(true)
        .build()
    {
        env.set_syntax(syntax);
    }
    env.add_filter("money", money_filter);
    env.add_filter("day", day_filter);
    env.add_filter("lower_first", lower_first);
    env
}

/// `{{ amount | money }}`: an amount in the claim's currency, thousands grouped (`USD 2,700.00`).
fn money_filter(
    state: &minijinja::State<'_, '_>,
    v: minijinja::Value,
) -> Result<String, minijinja::Error> {
    let text = v.to_string();
    if settle_rules::read::parse_decimal(&text).is_none() {
        return Err(minijinja::Error::new(
            minijinja::ErrorKind::InvalidOperation,
            format!("`money` needs an amount, not `{text}`"),
        ));
    }
    let currency = state
        .lookup("claim")
        .and_then(|c| c.get_attr("currency").ok())
        .map(|c| c.to_string())
        .unwrap_or_default();
    Ok(crate::money(&currency, &text))
}

/// `{{ text | lower_first }}`: the first letter in lower case, to run a summary on in a
/// sentence, unless the first word is an abbreviation (`QC failed` stays).
fn lower_first(v: String) -> String {
    let mut chars = v.chars();
    match (chars.next(), chars.next()) {
        (Some(a), Some(b)) if a.is_uppercase() && !b.is_uppercase() => {
            a.to_lowercase().chain(v.chars().skip(1)).collect()
        }
        _ => v,
    }
}

/// `{{ date | day }}`: a date as the draft's language writes it (`5 March 2024`, `2024年3月5日`).
fn day_filter(state: &minijinja::State<'_, '_>, v: String) -> Result<String, minijinja::Error> {
    let bad = || {
        minijinja::Error::new(
            minijinja::ErrorKind::InvalidOperation,
            format!("`day` needs a date YYYY-MM-DD, not `{v}`"),
        )
    };
    let d = settle_rules::read::iso_date(&v).ok_or_else(bad)?;
    let lang = state
        .lookup("draft")
        .and_then(|c| c.get_attr("lang").ok())
        .map(|c| c.to_string())
        .unwrap_or_default();
    Ok(if lang.starts_with("zh") {
        format!("{}年{}月{}日", d.year(), u8::from(d.month()), d.day())
    } else {
        format!("{} {} {}", d.day(), d.month(), d.year())
    })
}

/// Every variable path a template may read: the context's keys, dotted, from a sample.
fn known_paths(sample: &Value) -> (BTreeSet<String>, BTreeSet<String>) {
    fn walk(v: &Value, at: &str, known: &mut BTreeSet<String>, open: &mut BTreeSet<String>) {
        match v {
            Value::Object(m) => {
                for (k, x) in m {
                    let path = if at.is_empty() {
                        k.clone()
                    } else {
                        format!("{at}.{k}")
                    };
                    known.insert(path.clone());
                    walk(x, &path, known, open);
                }
            }
            // Its shape is not in the sample: any path below it is allowed.
            Value::Null => {
                open.insert(at.to_string());
            }
            _ => {}
        }
    }
    let (mut known, mut open) = (BTreeSet::new(), BTreeSet::new());
    walk(sample, "", &mut known, &mut open);
    (known, open)
}

/// The globals minijinja gives every template.
const GLOBALS: &[&str] = &["range", "dict", "namespace", "debug", "loop", "self"];

/// Where a variable path is first used inside a tag of the template, as a byte range.
fn find_use(text: &str, path: &str) -> Option<std::ops::Range<usize>> {
    let bytes = text.as_bytes();
    let mut pos = 0;
    while let Some(open) = text[pos..].find(['{']).map(|i| pos + i) {
        let close_tag = match bytes.get(open + 1) {
            Some(b'{') => "}}",
            Some(b'%') => "%}",
            _ => {
                pos = open + 1;
                continue;
            }
        };
        let end = text[open..]
            .find(close_tag)
            .map_or(text.len(), |i| open + i);
        let tag = &text[open..end];
        let mut from = 0;
        while let Some(i) = tag[from..].find(path).map(|i| from + i) {
            let before = tag[..i].chars().next_back();
            let after = tag[i + path.len()..].chars().next();
            let ident = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_');
            if !ident(before) && before != Some('.') && !ident(after) {
                return Some(open + i..open + i + path.len());
            }
            from = i + 1;
        }
        pos = end.max(open + 1);
    }
    None
}

impl Drafts {
    /// Loads draft templates (sources named `…/drafts/<lang>/<name>.j2`): every one must parse,
    /// read only known variables and render on a sample claim for every move, and every
    /// language folder must hold every draft of [`DRAFTS`]. All problems are reported.
    pub fn load(sources: Vec<SourceFile>) -> Result<Drafts, Vec<Diagnostic>> {
        let mut diags = Vec::new();
        let mut env = environment();
        let mut files = BTreeMap::new();
        let sample = sample_contexts();
        let (known, open) = known_paths(&serde_json::to_value(&sample[0]).unwrap_or_default());
        let mut langs: BTreeMap<String, (String, BTreeSet<String>)> = BTreeMap::new();
        // Templates whose variables are wrong are not tried on the samples.
        let mut unchecked: BTreeSet<String> = BTreeSet::new();
        for src in &sources {
            let name = template_name(src.name());
            let mut sink = Sink::new(src);
            let (lang, file) = name.split_once('/').unwrap_or(("", name.as_str()));
            if !LANGUAGES.contains(&lang) || !file.ends_with(".j2") || file.contains('/') {
                sink.error(
                    0..0,
                    None,
                    format!(
                        "`{name}` is not a draft: drafts are `drafts/<lang>/<name>.j2`, with <lang> one of {}",
                        LANGUAGES.join(", ")
                    ),
                );
                diags.extend(sink.finish());
                continue;
            }
            let folder = src.name().trim_end_matches(file).trim_end_matches('/');
            langs
                .entry(lang.to_string())
                .or_insert_with(|| (folder.to_string(), BTreeSet::new()))
                .1
                .insert(file.trim_end_matches(".j2").to_string());
            if let Err(e) = env.add_template_owned(name.clone(), src.text().to_string()) {
                let span = e.range().unwrap_or_else(|| line_start(src, e.line()));
                sink.error(
                    span,
                    None,
                    format!("draft `{name}` does not parse: {}", detail(&e)),
                )
                .label("here");
                diags.extend(sink.finish());
                continue;
            }
            files.insert(name.clone(), src.name().to_string());
            let Ok(t) = env.get_template(&name) else {
                continue;
            };
            let mut unknown: Vec<String> = t
                .undeclared_variables(true)
                .into_iter()
                .filter(|v| {
                    !known.contains(v)
                        && !GLOBALS.contains(&v.as_str())
                        && !open.iter().any(|o| v.starts_with(&format!("{o}.")))
                })
                .collect();
            unknown.sort();
            if !unknown.is_empty() {
                unchecked.insert(name.clone());
            }
            for v in unknown {
                let allowed: Vec<&str> = known.iter().map(String::as_str).collect();
                let span = find_use(src.text(), &v).unwrap_or(0..0);
                let d = sink
                    .error(
                        span,
                        None,
                        format!("draft `{name}` reads `{v}`, which is not a draft variable"),
                    )
                    .label("unknown variable");
                match settle_rules::read::suggest(&v, &allowed) {
                    Some(s) => {
                        d.help(format!("did you mean `{s}`?"));
                    }
                    None => {
                        d.help("a draft reads `claim.*` (the claim file's fields), `advice.*` (the JSON of `settle advise`) and `draft.*` (name, lang, today, reply_by, rep, fault, first_answer)");
                    }
                }
            }
            diags.extend(sink.finish());
        }
        for (lang, (folder, have)) in &langs {
            for want in DRAFTS {
                if !have.contains(*want) {
                    let src = SourceFile::new(format!("{folder}/{want}.j2"), "");
                    let mut sink = Sink::new(&src);
                    sink.error(
                        0..0,
                        None,
                        format!("the drafts in {lang} have no `{want}.j2`: every language needs the first answer and a draft for every move ({})", DRAFTS.join(", ")),
                    );
                    diags.extend(sink.finish());
                }
            }
        }
        let drafts = Drafts { env, files };
        // Every template renders on the sample claim, with each move's advice.
        for (name, file) in &drafts.files {
            if unchecked.contains(name) {
                continue;
            }
            {
                let fits =
                    |c: &&DraftContext| format!("{}/{}.j2", c.draft.lang, c.draft.name) == *name;
                for ctx in sample.iter().filter(fits) {
                    if let Err(e) = drafts.render_template(name, ctx) {
                        let src = sources.iter().find(|s| s.name() == file);
                        if let Some(src) = src {
                            let mut sink = Sink::new(src);
                            let span = e.range().unwrap_or_else(|| line_start(src, e.line()));
                            sink.error(
                                span,
                                None,
                                format!(
                                    "draft `{name}` fails on a sample claim ({} advice): {}",
                                    ctx.advice.next.action,
                                    detail(&e)
                                ),
                            )
                            .label("here");
                            diags.extend(sink.finish());
                        }
                        break;
                    }
                }
            }
        }
        if diags.is_empty() {
            Ok(drafts)
        } else {
            Err(diags)
        }
    }

    /// How many templates there are.
    pub fn len(&self) -> usize {
        self.files.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// The languages drafts are written in.
    pub fn languages(&self) -> BTreeSet<&str> {
        self.files
            .keys()
            .filter_map(|k| k.split_once('/').map(|x| x.0))
            .collect()
    }

    fn render_template(&self, name: &str, ctx: &DraftContext) -> Result<String, minijinja::Error> {
        let t = self.env.get_template(name)?;
        let text = t.render(minijinja::value::Serde(ctx))?;
        // Trailing spaces left by the template's layout, and blank runs, tidied.
        let mut out = String::new();
        let mut blank = 0;
        for line in text.lines() {
            let line = line.trim_end();
            if line.is_empty() {
                blank += 1;
                if blank > 1 || out.is_empty() {
                    continue;
                }
            } else {
                blank = 0;
            }
            out.push_str(line);
            out.push('\n');
        }
        while out.ends_with("\n\n") {
            out.pop();
        }
        Ok(out)
    }

    /// Writes the draft the context names in its language.
    pub fn render(&self, ctx: &DraftContext) -> Result<DraftView, DraftError> {
        let name = format!("{}/{}.j2", ctx.draft.lang, ctx.draft.name);
        let Some(file) = self.files.get(&name) else {
            return Err(DraftError::Missing {
                name: ctx.draft.name.clone(),
                lang: ctx.draft.lang.clone(),
                path: name,
            });
        };
        let text = self
            .render_template(&name, ctx)
            .map_err(|e| DraftError::Render {
                template: file.clone(),
                message: detail(&e),
            })?;
        Ok(DraftView {
            claim: ctx.advice.claim.clone(),
            draft: ctx.draft.name.clone(),
            lang: ctx.draft.lang.clone(),
            template: file.clone(),
            text,
        })
    }
}

/// minijinja's error as a message in our style: its kind in lower case, then its detail as is.
fn detail(e: &minijinja::Error) -> String {
    let kind = e.kind().to_string().to_lowercase();
    match e.detail() {
        Some(d) => format!("{kind}: {d}"),
        None => kind,
    }
}

fn line_start(src: &SourceFile, line: Option<usize>) -> std::ops::Range<usize> {
    let n = line.unwrap_or(1).max(1);
    let start = src
        .text()
        .split_inclusive('\n')
        .take(n - 1)
        .map(str::len)
        .sum::<usize>();
    start..start
}

/// A claim to check templates on: one for each move of the advice (an offer, an acceptance, a
/// request for evidence, an escalation, a rejection), the same facts with a few changed.
const SAMPLE: &str = r#"
id = "SAMPLE-1"
received = 2024-03-04
currency = "USD"
[customer]
name = "Sample Trading Ltd"
relationship = "repeat"
annual_purchases = "120000.00"
years = 3
past_claims = 0
[order]
number = "PI-0001"
value = "20000.00"
paid = "20000.00"
quantity = 1000
unit_cost = "12.00"
incoterm = "FOB"
stage = "delivered"
delivered = 2024-02-20
[problem]
kind = "quality_defect"
summary = "cracked housings"
category = "electronics"
affected = 200
severity = "major"
repairable = true
still_needed = true
[evidence]
buyer_photos = true
inspection = "third_party"
our_qc = "missing"
spec_in_contract = true
spec_from_buyer = false
carrier_noted = false
misuse_signs = false
buyer_changes = false
buyer_paid_late = false
progress_updates = true
expert_opinion = "supports_claim"
[ask]
remedy = "refund"
amount = "4000.00"
"#;

/// The sample claim with the changes (`section.field = value` TOML lines appended to their
/// tables) that make each move.
fn sample_variants() -> Vec<String> {
    let with = |extra: &[(&str, &str)], rounds: &str| {
        let mut text = SAMPLE.to_string();
        for (section, line) in extra {
            let head = format!("[{section}]\n");
            if let Some(i) = text.find(&head) {
                text.insert_str(i + head.len(), &format!("{line}\n"));
            }
        }
        text.push_str(rounds);
        text
    };
    let buyer_round = "\n[[round]]\non = 2024-03-04\nby = \"buyer\"\nremedy = \"refund\"\namount = \"4000.00\"\n[[round]]\non = 2024-03-05\nby = \"seller\"\nremedy = \"discount\"\namount = \"1500.00\"\n[[round]]\non = 2024-03-07\nby = \"buyer\"\nremedy = \"discount\"\namount = \"2000.00\"\n";
    vec![
        with(&[], ""),
        with(&[], buyer_round),
        with(&[("evidence", "fraud_signs = true")], ""),
        with(
            &[
                ("evidence", "misuse_signs = true"),
                ("evidence", "loaded_clean = true"),
            ],
            "",
        )
        .replace("our_qc = \"missing\"", "our_qc = \"passed\"")
        .replace(
            "expert_opinion = \"supports_claim\"",
            "expert_opinion = \"disputes_claim\"",
        )
        .replace("inspection = \"third_party\"", "inspection = \"none\""),
        with(&[], "")
            .replace("buyer_photos = true", "buyer_photos = false")
            .replace("inspection = \"third_party\"", "inspection = \"none\"")
            .replace(
                "expert_opinion = \"supports_claim\"",
                "expert_opinion = \"none\"",
            )
            .replace("our_qc = \"missing\"", "our_qc = \"passed\""),
    ]
}

/// Sample contexts under the built-in rules: one per distinct move the variants give, and the
/// acknowledgement, in each language.
pub fn sample_contexts() -> Vec<DraftContext> {
    let Ok(p) = settle_rules::defaults::load_default() else {
        return Vec::new();
    };
    let mut out: Vec<DraftContext> = Vec::new();
    for text in sample_variants() {
        let src = SourceFile::new("sample.toml", text);
        let Ok(claim) = settle_rules::parse_claim(&src, Format::Toml) else {
            continue;
        };
        let Ok(advice) = settle_engine::advise(&p, &claim) else {
            continue;
        };
        for lang in LANGUAGES {
            for name in [None, Some("acknowledge")] {
                let r = DraftRequest {
                    name,
                    lang,
                    today: claim.decision_date(),
                    rep: "Ana Li",
                    first_answer: claim.rounds.is_empty(),
                    reply_by: claim.decision_date() + time::Duration::days(7),
                };
                out.push(DraftContext::of(&p, &claim, &advice, &r));
            }
        }
    }
    out
}

/// The draft variables, dotted, as a template may read them (for documentation and messages).
pub fn variables() -> Vec<String> {
    let sample = sample_contexts();
    let Some(first) = sample.first() else {
        return Vec::new();
    };
    let (known, _) = known_paths(&serde_json::to_value(first).unwrap_or(Value::Object(Map::new())));
    known.into_iter().collect()
}

/// Writes the draft for a claim the ledger holds: `acknowledge`, or the advice's move when
/// `name` is `None`; `claim` is the record's claim as advised (its decision date set).
#[allow(clippy::too_many_arguments)]
pub fn for_record(
    drafts: &Drafts,
    p: &Playbook,
    record: &settle_ledger::ClaimRecord,
    claim: &Claim,
    advice: &Advice,
    name: Option<&str>,
    lang: &str,
    today: Date,
    rep: &str,
) -> Result<DraftView, DraftError> {
    use settle_ledger::desk::{DeskLimits, claim_briefs, claim_dates, reply_by};
    let answered = record.acknowledged_on.is_some()
        || claim
            .rounds
            .iter()
            .any(|r| r.by == settle_engine::claim::Party::Seller);
    let rounds = claim_briefs(claim);
    let request = DraftRequest {
        name,
        lang,
        today,
        rep,
        first_answer: !answered,
        reply_by: reply_by(
            &claim_dates(claim, record.acknowledged_on, &rounds),
            &DeskLimits::of(p),
            today,
        ),
    };
    drafts.render(&DraftContext::of(p, claim, advice, &request))
}
