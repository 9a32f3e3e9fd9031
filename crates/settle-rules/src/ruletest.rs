//! Rule tests: claims with the advice a rule set must give them, kept beside the rules in
//! `DIR/tests/*.toml` (like `opa test`). A test names a claim file, may override some of its
//! fields, and states what it expects; running the tests reports each difference and which
//! rules no test exercises.

use crate::casebook::{self, Advised, Responsibility, ShareBounds};
use crate::diag::{Diagnostic, Sink};
use crate::node::{self, Key, Kind, Node};
use crate::read::{self, Table};
use crate::source::SourceFile;
use rust_decimal::Decimal;
use settle_engine::claim::Remedy;
use settle_engine::condition::Interval;
use settle_engine::playbook::{RuleKind, RuleRef};
use settle_engine::{Action, Claim, Playbook, advise};
use std::path::{Path, PathBuf};

/// A bound on a money figure: `"<= 2700"`, `"> 0 and < 5000"`, or an exact amount.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bound {
    /// The bound as written, for messages.
    pub text: String,
    /// The set of amounts it allows.
    pub interval: Interval,
}

/// What a test expects; every field is optional. Names are resolved when the test is read:
/// an action, option or rule id the rule set does not know is an error at its place.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Expect {
    /// One of these actions (`offer`, `accept`, ...).
    pub action: Vec<Action>,
    /// One of these options.
    pub option: Vec<Remedy>,
    /// None of these options.
    pub not_option: Vec<Remedy>,
    /// Exact seller share.
    pub seller: Option<Decimal>,
    /// Exact buyer share.
    pub buyer: Option<Decimal>,
    /// Exact carrier share.
    pub carrier: Option<Decimal>,
    /// Whether responsibility must be unclear (`true`) or settled (`false`).
    pub unclear: Option<bool>,
    /// Who the advice must hold responsible, scored as a casebook scores it: the party with at
    /// least 0.65 of the loss, else `shared`; `unclear` agrees with a request for evidence or a
    /// shared split.
    pub responsibility: Option<Responsibility>,
    /// The least the move's amount may be as a share of the ask (±0.0001), when it has one.
    pub min_share: Option<Decimal>,
    /// The most the move's amount may be as a share of the ask (±0.0001), when it has one.
    pub max_share: Option<Decimal>,
    /// Bound on the amount of the recommended move.
    pub amount: Option<Bound>,
    /// Bound on the true cost of the recommended option.
    pub cost: Option<Bound>,
    /// Bound on the bottom line.
    pub bottom_line: Option<Bound>,
    /// Who must act on the move: the approver it needs (`limits.approver`), or whom an
    /// escalation hands the case to (`headquarters`).
    pub approver: Option<String>,
    /// Whether the goods come back to us under the proposal.
    pub goods_back: Option<bool>,
    /// Rules the move must cite (`next.because`: the escalation, request, limit or finding).
    pub because: Vec<RuleRef>,
    /// Rules that must fire.
    pub fired: Vec<RuleRef>,
    /// Rules that must not fire.
    pub not_fired: Vec<RuleRef>,
}

/// One test.
#[derive(Debug, Clone)]
pub struct RuleTest {
    /// The test's name, unique in the rule set.
    pub name: String,
    /// `file:line` of the test.
    pub at: String,
    /// The claim the test advises on.
    pub claim: Claim,
    /// What the advice must satisfy.
    pub expect: Expect,
}

/// A test's result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// The test's name.
    pub name: String,
    /// `file:line` of the test.
    pub at: String,
    /// Each expectation that was not met: what was expected and what the advice says.
    pub failures: Vec<String>,
    /// Every rule that fired for the advice, to measure coverage.
    pub fired: Vec<RuleRef>,
}

/// Reads every `*.toml` in `dir/tests`, in name order, resolving the names its expectations
/// use against the rule set `p`. Problems in test files are diagnostics, all reported together;
/// no tests run unless every file is valid.
pub fn load(dir: &Path, p: &Playbook) -> Result<Vec<RuleTest>, (Vec<Diagnostic>, Vec<SourceFile>)> {
    let tests_dir = dir.join("tests");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&tests_dir)
        .map(|rd| {
            rd.filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|e| e == "toml"))
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    let files = files
        .into_iter()
        .map(|path| TestFile {
            name: path.display().to_string(),
            text: crate::source::read_text(&path),
            path,
        })
        .collect();
    load_files(
        files,
        &|path| {
            crate::source::read_text(path)
                .ok()
                .map(|t| (path.display().to_string(), t))
        },
        p,
    )
}

/// The built-in rule set's own tests (`rules/default/tests`, built into the binary with the
/// example claims they name), as [`load`] reads a folder's: files are named
/// `builtin:default/tests/<file>`, claims `builtin:examples/claims/<file>`.
pub fn load_builtin(p: &Playbook) -> Result<Vec<RuleTest>, (Vec<Diagnostic>, Vec<SourceFile>)> {
    use crate::defaults::{BUILTIN, DEFAULT_DIR, DEFAULT_TESTS, EXAMPLE_CLAIMS, PROJECT_DIR};
    let files = DEFAULT_TESTS
        .iter()
        .map(|(name, text)| TestFile {
            path: Path::new(PROJECT_DIR).join("tests").join(name),
            name: format!("{DEFAULT_DIR}/tests/{name}"),
            text: Ok(text.to_string()),
        })
        .collect();
    load_files(
        files,
        &|path| {
            let wanted = lexical(path);
            EXAMPLE_CLAIMS
                .iter()
                .find(|(name, _)| Path::new(name) == wanted)
                .map(|(name, text)| (format!("{BUILTIN}{name}"), text.to_string()))
        },
        p,
    )
}

/// A path with `.` and `..` worked out on its text (the built-in files are not on disk).
fn lexical(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// A rule-test file: its path (claims are named relative to it), its name in messages, its text.
struct TestFile {
    path: PathBuf,
    name: String,
    text: std::io::Result<String>,
}

/// Reads a claim a test names, by its path: its name in messages and its text.
type ReadClaim<'a> = dyn Fn(&Path) -> Option<(String, String)> + 'a;

fn load_files(
    files: Vec<TestFile>,
    read_claim: &ReadClaim<'_>,
    p: &Playbook,
) -> Result<Vec<RuleTest>, (Vec<Diagnostic>, Vec<SourceFile>)> {
    let mut tests = Vec::new();
    let mut diags = Vec::new();
    let mut sources = Vec::new();
    for file in files {
        let (text, unreadable) = match file.text {
            Ok(t) => (t, None),
            Err(e) => (String::new(), Some(e)),
        };
        let source = SourceFile::new(file.name, text);
        let mut sink = Sink::new(&source);
        if let Some(e) = unreadable {
            sink.error(0..0, None, format!("cannot read the rule-test file: {e}"));
            diags.extend(sink.finish());
            sources.push(source);
            continue;
        }
        if let Some(root) = node::parse_toml(source.text(), &mut sink) {
            read_file(
                &root,
                &file.path,
                p,
                read_claim,
                &mut tests,
                &mut sink,
                &mut sources,
            );
        }
        diags.extend(sink.finish());
        sources.push(source);
    }
    if diags.is_empty() {
        Ok(tests)
    } else {
        Err((diags, sources))
    }
}

fn read_file(
    root: &Node,
    path: &Path,
    p: &Playbook,
    read_claim: &ReadClaim<'_>,
    out: &mut Vec<RuleTest>,
    sink: &mut Sink<'_>,
    sources: &mut Vec<SourceFile>,
) {
    let Some(mut t) = Table::of(root, "", 0..0, sink) else {
        return;
    };
    let Some((_, list)) = t.need("test", sink) else {
        return;
    };
    t.finish(&["test"], "a rule-test file", sink);
    let Kind::Array(items) = &list.kind else {
        read::wrong_type(sink, list, "test", "an array of tables ([[test]])");
        return;
    };
    for (i, item) in items.iter().enumerate() {
        let field = format!("test[{}]", i + 1);
        let Some(mut tt) = Table::of(item, &field, item.span.clone(), sink) else {
            continue;
        };
        let (line, _) = sink.source.line_col(item.span.start);
        let name = tt
            .need("name", sink)
            .and_then(|(_, n)| read::string(n, &format!("{field}.name"), sink));
        let claim_path = tt.need("claim", sink).and_then(|(_, n)| {
            read::string(n, &format!("{field}.claim"), sink).map(|s| (s, n.span.clone()))
        });
        let set = tt.take("set").map(|(_, n)| n.clone());
        let expect = tt.need("expect", sink).and_then(|(k, n)| {
            expectations(n, &format!("{field}.expect"), k.span.clone(), p, sink)
        });
        tt.finish(
            &["name", "claim", "set", "expect"],
            &format!("[[{field}]]"),
            sink,
        );
        let (Some(name), Some((claim_rel, claim_span)), Some(expect)) = (name, claim_path, expect)
        else {
            continue;
        };
        let claim_file = path.parent().unwrap_or(Path::new(".")).join(&claim_rel);
        let Some((shown, text)) = read_claim(&claim_file) else {
            sink.error(
                claim_span,
                Some("claim"),
                format!("cannot read the claim file {}", claim_file.display()),
            );
            continue;
        };
        let csrc = SourceFile::new(shown, text);
        let mut csink = Sink::new(&csrc);
        let format = crate::Format::of_path(csrc.name());
        let tree = match format {
            crate::Format::Toml => node::parse_toml(csrc.text(), &mut csink),
            crate::Format::Json => node::parse_json(csrc.text(), &mut csink),
        };
        let claim = tree.and_then(|mut tree| {
            if let Some(set) = &set {
                override_fields(&mut tree, set, &format!("{field}.set"), sink);
            }
            crate::claim_file::claim_from_node(&tree, &mut csink)
        });
        let cdiags = csink.finish();
        match claim {
            Some(c) if cdiags.is_empty() => {
                out.push(RuleTest {
                    name,
                    at: format!("{}:{line}", sink.source.name()),
                    claim: c,
                    expect,
                });
            }
            _ => {
                // The claim, once overridden, is not valid: say so at the test, and show why.
                let first = cdiags
                    .first()
                    .map_or("not a valid claim".to_string(), |d| d.message.clone());
                sink.error(
                    item.span.clone(),
                    Some(&field),
                    format!("test `{name}`: its claim is not valid: {first}"),
                );
                sources.push(csrc);
            }
        }
    }
}

/// Applies `set = { "evidence.misuse_signs" = true, ... }` to a claim's tree (dotted paths).
fn override_fields(tree: &mut Node, set: &Node, field: &str, sink: &mut Sink<'_>) {
    let Kind::Table(entries) = &set.kind else {
        read::wrong_type(
            sink,
            set,
            field,
            "a table of claim fields, e.g. { \"evidence.misuse_signs\" = true }",
        );
        return;
    };
    let mut flat: Vec<(String, Node, std::ops::Range<usize>)> = Vec::new();
    fn walk(
        prefix: &str,
        entries: &[(Key, Node)],
        out: &mut Vec<(String, Node, std::ops::Range<usize>)>,
    ) {
        for (k, v) in entries {
            let name = if prefix.is_empty() {
                k.name.clone()
            } else {
                format!("{prefix}.{}", k.name)
            };
            match &v.kind {
                Kind::Table(inner) => walk(&name, inner, out),
                _ => out.push((name, v.clone(), k.span.clone())),
            }
        }
    }
    walk("", entries, &mut flat);
    for (path, value, span) in flat {
        let parts: Vec<&str> = path.split('.').collect();
        if !set_path(tree, &parts, value) {
            sink.error(
                span,
                Some(field),
                format!("`{path}` is not a field of the claim"),
            );
        }
    }
}

/// Sets the value at a dotted path of tables, adding the last key if it is missing; false when
/// a table on the way is missing.
fn set_path(at: &mut Node, parts: &[&str], value: Node) -> bool {
    let Kind::Table(entries) = &mut at.kind else {
        return false;
    };
    match parts {
        [] => false,
        [last] => {
            match entries.iter_mut().find(|(k, _)| k.name == *last) {
                Some((_, v)) => *v = value,
                None => entries.push((
                    Key {
                        name: last.to_string(),
                        span: 0..0,
                    },
                    value,
                )),
            }
            true
        }
        [first, rest @ ..] => match entries.iter_mut().find(|(k, _)| k.name == *first) {
            Some((_, child)) => set_path(child, rest, value),
            None => false,
        },
    }
}

/// A name or a list of names, each resolved by `lookup`; an unknown name is an error at its
/// place, with the closest known name as a hint.
fn names<T>(
    n: &Node,
    field: &str,
    what: &str,
    known: &[&str],
    lookup: impl Fn(&str) -> Option<T>,
    sink: &mut Sink<'_>,
) -> Option<Vec<T>> {
    let items: Vec<&Node> = match &n.kind {
        Kind::Array(items) => items.iter().collect(),
        _ => vec![n],
    };
    let mut out = Vec::new();
    let mut ok = true;
    for item in items {
        let Kind::Str(name) = &item.kind else {
            read::wrong_type(sink, item, field, "a string or a list of strings");
            ok = false;
            continue;
        };
        match lookup(name) {
            Some(v) => out.push(v),
            None => {
                ok = false;
                let d = sink.error(
                    item.span.clone(),
                    Some(field),
                    format!("`{field}` names {what} `{name}`, which the rule set does not know"),
                );
                match read::suggest(name, known) {
                    Some(s) => d.help(format!("did you mean `{s}`?")),
                    None if known.len() <= 8 => {
                        d.help(format!("expected one of: {}", known.join(", ")))
                    }
                    None => d.help("check the rule ids with `settle rules check`".to_string()),
                };
            }
        }
    }
    ok.then_some(out)
}

fn bound(n: &Node, field: &str, sink: &mut Sink<'_>) -> Option<Bound> {
    let text = match &n.kind {
        Kind::Str(s) => s.clone(),
        Kind::Int(i) => i.to_string(),
        Kind::BigInt(raw) => raw.clone(),
        _ => {
            read::wrong_type(
                sink,
                n,
                field,
                "an amount or a comparison such as \"<= 2700\"",
            );
            return None;
        }
    };
    let Some(iv) = read::parse_interval(&text) else {
        sink.error(
            n.span.clone(),
            Some(field),
            format!("cannot read the bound `{text}`"),
        )
        .help("write an amount or comparisons such as \"<= 2700\" or \"> 0 and < 5000\"");
        return None;
    };
    Some(Bound { text, interval: iv })
}

fn expectations(
    n: &Node,
    field: &str,
    at: std::ops::Range<usize>,
    p: &Playbook,
    sink: &mut Sink<'_>,
) -> Option<Expect> {
    let actions: Vec<&str> = Action::ALL.iter().map(|a| a.as_str()).collect();
    let rule_ids: Vec<&str> = p.rules().iter().map(|r| r.id.as_str()).collect();
    let action = |n: &Node, f: &str, s: &mut Sink<'_>| {
        names(
            n,
            f,
            "the action",
            &actions,
            |x| Action::ALL.iter().copied().find(|a| a.as_str() == x),
            s,
        )
    };
    let option = |n: &Node, f: &str, s: &mut Sink<'_>| {
        names(n, f, "the option", Remedy::NAMES, Remedy::parse, s)
    };
    let rule = |n: &Node, f: &str, s: &mut Sink<'_>| {
        names(
            n,
            f,
            "the rule",
            &rule_ids,
            |x| p.rule_refs().find(|r| p.rule(*r).id == x),
            s,
        )
    };
    let mut t = Table::of(n, field, at, sink)?;
    let mut e = Expect::default();
    let mut ok = true;
    let f = |k: &str| format!("{field}.{k}");
    macro_rules! take {
        ($key:literal, $read:expr, $slot:expr) => {
            if let Some((_, n)) = t.take($key) {
                match $read(n, &f($key), &mut *sink) {
                    Some(v) => $slot = v,
                    None => ok = false,
                }
            }
        };
    }
    take!("action", action, e.action);
    take!("option", option, e.option);
    take!("not_option", option, e.not_option);
    take!("fired", rule, e.fired);
    take!("not_fired", rule, e.not_fired);
    take!("because", rule, e.because);
    take!(
        "goods_back",
        |n, f, s| read::boolean(n, f, s).map(Some),
        e.goods_back
    );
    take!("seller", |n, f, s| read::unit(n, f, s).map(Some), e.seller);
    take!("buyer", |n, f, s| read::unit(n, f, s).map(Some), e.buyer);
    take!(
        "carrier",
        |n, f, s| read::unit(n, f, s).map(Some),
        e.carrier
    );
    take!(
        "unclear",
        |n, f, s| read::boolean(n, f, s).map(Some),
        e.unclear
    );
    take!("amount", |n, f, s| bound(n, f, s).map(Some), e.amount);
    take!("cost", |n, f, s| bound(n, f, s).map(Some), e.cost);
    take!(
        "bottom_line",
        |n, f, s| bound(n, f, s).map(Some),
        e.bottom_line
    );
    take!(
        "approver",
        |n, f, s| read::string(n, f, s).map(Some),
        e.approver
    );
    take!(
        "responsibility",
        |n, f, s| read::one_of(n, f, Responsibility::NAMES, Responsibility::parse, s).map(Some),
        e.responsibility
    );
    match casebook::share_bounds(&mut t, field, sink) {
        Some(b) => (e.min_share, e.max_share) = (b.min, b.max),
        None => ok = false,
    }
    t.finish(
        &[
            "action",
            "option",
            "not_option",
            "seller",
            "buyer",
            "carrier",
            "unclear",
            "responsibility",
            "amount",
            "min_share",
            "max_share",
            "cost",
            "bottom_line",
            "approver",
            "goods_back",
            "because",
            "fired",
            "not_fired",
        ],
        &format!("[{field}]"),
        sink,
    );
    ok.then_some(e)
}

/// Runs one test.
pub fn run(p: &Playbook, t: &RuleTest) -> Outcome {
    let mut failures = Vec::new();
    let advice = match advise(p, &t.claim) {
        Ok(a) => a,
        Err(e) => {
            return Outcome {
                name: t.name.clone(),
                at: t.at.clone(),
                failures: vec![format!("the claim cannot be priced: {e}")],
                fired: Vec::new(),
            };
        }
    };
    let e = &t.expect;
    let action = advice.next.action;
    let option = advice.next.proposal.as_ref().map(|x| x.remedy);
    let either = |names: Vec<&str>| names.join(" or ");
    if !e.action.is_empty() && !e.action.contains(&action) {
        failures.push(format!(
            "action: expected {}, got {}",
            either(e.action.iter().map(|a| a.as_str()).collect()),
            action.as_str()
        ));
    }
    if !e.option.is_empty() && !option.is_some_and(|o| e.option.contains(&o)) {
        failures.push(format!(
            "option: expected {}, got {}",
            either(e.option.iter().map(|o| o.as_str()).collect()),
            option.map_or("none", |o| o.as_str())
        ));
    }
    if let Some(o) = option
        && e.not_option.contains(&o)
    {
        failures.push(format!("option: expected anything but {o}"));
    }
    if let Some(back) = e.goods_back
        && option.is_some()
        && advice.next.proposal.as_ref().map(|x| x.goods_back) != Some(back)
    {
        failures.push(format!("goods back: expected {back}, got {}", !back));
    }
    if e.goods_back.is_some() && option.is_none() {
        failures.push("goods back: expected a proposal, but the move has none".to_string());
    }
    for r in &e.because {
        if !advice.next.because.contains(r) {
            failures.push(format!(
                "the move was expected to cite rule `{}`",
                p.rule(*r).id
            ));
        }
    }
    let shares = &advice.responsibility.shares;
    for (who, want, got) in [
        ("seller", e.seller, shares.seller()),
        ("buyer", e.buyer, shares.buyer()),
        ("carrier", e.carrier, shares.carrier()),
    ] {
        if let Some(w) = want
            && w != got
        {
            failures.push(format!(
                "{who} share: expected {}, got {}",
                w.normalize(),
                got.normalize()
            ));
        }
    }
    if let Some(u) = e.unclear
        && u != advice.responsibility.unclear
    {
        failures.push(format!(
            "unclear: expected {u}, got {}",
            advice.responsibility.unclear
        ));
    }
    let cur = &t.claim.currency;
    let prop = advice.next.proposal.as_ref();
    for (what, b, got) in [
        ("amount", &e.amount, prop.map(|x| x.amount)),
        ("cost", &e.cost, prop.map(|x| x.cost)),
        ("bottom line", &e.bottom_line, Some(advice.bottom_line)),
    ] {
        if let Some(b) = b {
            match got {
                Some(v) if b.interval.contains(cur.round(v)) => {}
                Some(v) => failures.push(format!(
                    "{what}: expected {}, got {}",
                    b.text,
                    cur.round_string(v)
                )),
                None => failures.push(format!(
                    "{what}: expected {}, but the move has no proposal",
                    b.text
                )),
            }
        }
    }
    let advised = Advised::of(&t.claim, &advice);
    let share = ShareBounds {
        min: e.min_share,
        max: e.max_share,
    };
    if casebook::share_agrees(&share, &advised) == Some(false) {
        failures.push(casebook::share_difference(&share, &advised));
    }
    if let Some(r) = e.responsibility
        && !casebook::responsibility_agrees(r, &advised)
    {
        failures.push(casebook::responsibility_difference(r, &advised));
    }
    // The person who must act: the approver of the move, or whoever an escalation goes to.
    let approver = advice
        .next
        .approval
        .as_ref()
        .map(|a| a.approver.as_str())
        .or(advice.next.approver.as_deref());
    if let Some(a) = &e.approver
        && approver != Some(a.as_str())
    {
        failures.push(format!(
            "approver: expected {a}, got {}",
            approver.unwrap_or("none")
        ));
    }
    let fired = advice.fired();
    for r in &e.fired {
        if !fired.contains(r) {
            failures.push(format!(
                "rule `{}` was expected to fire and did not",
                p.rule(*r).id
            ));
        }
    }
    for r in &e.not_fired {
        if fired.contains(r) {
            failures.push(format!(
                "rule `{}` fired and was expected not to",
                p.rule(*r).id
            ));
        }
    }
    Outcome {
        name: t.name.clone(),
        at: t.at.clone(),
        failures,
        fired,
    }
}

/// Rule coverage: every rule that can fire (parameters aside) and whether some test fired it.
pub fn coverage(p: &Playbook, outcomes: &[Outcome]) -> Vec<(RuleRef, bool)> {
    let mut hit = vec![false; p.rules().len()];
    for o in outcomes {
        for r in &o.fired {
            hit[r.index()] = true;
        }
    }
    p.rule_refs()
        .filter(|r| p.rule(*r).kind != RuleKind::Parameter)
        .map(|r| (r, hit[r.index()]))
        .collect()
}
