//! `settle claim new` on a terminal: the questions, driven by the claim schema
//! (`settle_engine::schema`): its sections in the order a rep learns them (the claim, the buyer,
//! the order, what went wrong, the evidence at hand, what the buyer asks), each field with its
//! meaning, its choices and a default, every answer checked as the claim-file reader checks it
//! and against the answers before it (paid at most the value, affected at most the quantity).
//! The evidence's yes/no facts are one list to tick. The questions go through [`Ask`], so that
//! the flow is tested with scripted answers; on a terminal they are dialoguer's prompts.

use super::values::{literal, read_one};
use anyhow::Result;
use settle_engine::claim::Stage;
use settle_engine::schema::{Draft, Field, Kind, Place, Presence, Section, Value};
use settle_view::l10n::{Lang, Messages};
use time::Date;

/// Asks the rep one question at a time.
pub trait Ask {
    /// A heading before a group of questions.
    fn section(&mut self, title: &str);
    /// A line of text; `check` refuses an answer with the reason. Empty means the default, or
    /// nothing when `optional`.
    fn text(
        &mut self,
        label: &str,
        help: &str,
        default: Option<&str>,
        optional: bool,
        check: &dyn Fn(&str) -> Result<(), String>,
    ) -> Result<String>;
    /// One of `choices`.
    fn choose(
        &mut self,
        label: &str,
        help: &str,
        choices: &[String],
        default: usize,
    ) -> Result<usize>;
    /// Yes or no.
    fn confirm(&mut self, label: &str, help: &str, default: bool) -> Result<bool>;
    /// Which of `items` hold.
    fn flags(&mut self, label: &str, items: &[String], defaults: &[bool]) -> Result<Vec<bool>>;
}

/// The prompts of a terminal (dialoguer, on standard error).
pub struct Terminal {
    theme: dialoguer::theme::ColorfulTheme,
}

impl Terminal {
    /// Prompts on the terminal.
    pub fn new() -> Terminal {
        Terminal {
            theme: dialoguer::theme::ColorfulTheme::default(),
        }
    }

    fn help(help: &str) {
        if !help.is_empty() {
            eprintln!("  {}", console::style(help).dim());
        }
    }
}

impl Ask for Terminal {
    fn section(&mut self, title: &str) {
        eprintln!("\n{}", console::style(title).bold());
    }

    fn text(
        &mut self,
        label: &str,
        help: &str,
        default: Option<&str>,
        optional: bool,
        check: &dyn Fn(&str) -> Result<(), String>,
    ) -> Result<String> {
        Terminal::help(help);
        let mut input = dialoguer::Input::<String>::with_theme(&self.theme)
            .with_prompt(label)
            .allow_empty(optional)
            .validate_with(|s: &String| check(s));
        if let Some(d) = default {
            input = input.default(d.to_string());
        }
        Ok(input.interact_text()?)
    }

    fn choose(
        &mut self,
        label: &str,
        help: &str,
        choices: &[String],
        default: usize,
    ) -> Result<usize> {
        Terminal::help(help);
        Ok(dialoguer::Select::with_theme(&self.theme)
            .with_prompt(label)
            .items(choices)
            .default(default)
            .interact()?)
    }

    fn confirm(&mut self, label: &str, help: &str, default: bool) -> Result<bool> {
        Terminal::help(help);
        Ok(dialoguer::Confirm::with_theme(&self.theme)
            .with_prompt(label)
            .default(default)
            .interact()?)
    }

    fn flags(&mut self, label: &str, items: &[String], defaults: &[bool]) -> Result<Vec<bool>> {
        let chosen = dialoguer::MultiSelect::with_theme(&self.theme)
            .with_prompt(label)
            .items(items)
            .defaults(defaults)
            .interact()?;
        Ok((0..items.len()).map(|i| chosen.contains(&i)).collect())
    }
}

/// What a field means, in the rep's language: the schema's line in English, the message file's
/// `field-*` elsewhere (the schema's when it has none).
fn meaning(f: Field, m: &Messages) -> String {
    if m.lang() == Lang::En {
        return f.doc().to_string();
    }
    let id = format!("field-{}", f.name().replace('.', "-"));
    let t = m.text(&id);
    if t == id { f.doc().to_string() } else { t }
}

/// Fields a new claim does not ask for: the decision date is the day of each advice.
fn asked(f: Field) -> bool {
    f != Field::AsOf
}

/// The default a rep is offered for a required field, from the answers so far.
fn default_for(f: Field, draft: &Draft, today: Date) -> Option<String> {
    let c = &draft.claim;
    Some(match f {
        Field::Received => today.to_string(),
        Field::Currency => "USD".into(),
        Field::CustomerAnnualPurchases | Field::CustomerYears | Field::CustomerPastClaims => {
            "0".into()
        }
        Field::OrderPaid if draft.given(Field::OrderValue) => c.order.value.to_string(),
        Field::ProblemAffected if draft.given(Field::OrderQuantity) => c.order.quantity.to_string(),
        _ => return None,
    })
}

/// The default choice of a closed set: the schema's default, or a likely one.
fn default_choice(f: Field, draft: &Draft) -> Option<u8> {
    if let Presence::Default(d, _) = f.presence()
        && let Value::Sym(i) = d(&draft.claim)
    {
        return Some(i);
    }
    let name = match f {
        Field::OrderStage => "delivered",
        Field::EvidenceInspection | Field::EvidenceExpertOpinion => "none",
        Field::EvidenceOurQc => "passed",
        _ => return None,
    };
    match f.kind() {
        Some(Kind::Vocab(names)) => names.iter().position(|n| *n == name).map(|i| i as u8),
        _ => None,
    }
}

/// The answers: each asked field with its value as a TOML literal, in schema order.
#[derive(Debug, Default)]
pub struct Answers {
    lines: Vec<(Field, String)>,
}

impl Answers {
    /// The answers as a claim file in TOML.
    pub fn toml(&self) -> String {
        let mut out = String::new();
        for &section in Section::ALL {
            let mut first = true;
            for (f, v) in self.lines.iter().filter(|(f, _)| f.section() == section) {
                if first && section != Section::Top {
                    out.push_str(&format!("\n[{}]\n", section.key()));
                }
                first = false;
                let key = f.name().rsplit('.').next().unwrap_or(f.name());
                out.push_str(&format!("{key} = {v}\n"));
            }
        }
        out
    }
}

/// Whether a problem the draft has is about `f`.
fn problem_at(draft: &Draft, f: Field) -> Option<String> {
    draft
        .check(&[])
        .into_iter()
        .find(|p| p.at == Place::Field(f))
        .map(|p| p.message)
}

/// Asks every field of a new claim, in the schema's order.
pub fn ask_claim(ask: &mut dyn Ask, m: &Messages, today: Date) -> Result<Answers> {
    let mut draft = Draft::new();
    let mut answers = Answers::default();
    for &section in Section::ALL {
        ask.section(&m.text(&format!("prompt-section-{}", section_id(section))));
        let fields: Vec<Field> = Field::CLAIM
            .iter()
            .copied()
            .filter(|f| f.section() == section && asked(*f))
            .collect();
        if section == Section::Evidence {
            // The yes/no facts, in one list to tick.
            let bools: Vec<Field> = fields
                .iter()
                .copied()
                .filter(|f| f.kind() == Some(Kind::Bool))
                .collect();
            let items: Vec<String> = bools
                .iter()
                .map(|f| {
                    format!(
                        "{}: {}",
                        f.name().trim_start_matches("evidence."),
                        meaning(*f, m)
                    )
                })
                .collect();
            let ticked = ask.flags(
                &m.text("prompt-evidence-flags"),
                &items,
                &vec![false; items.len()],
            )?;
            for (f, on) in bools.iter().zip(ticked) {
                draft.set(*f, Value::Bool(on));
                answers.lines.push((*f, on.to_string()));
            }
        }
        for f in fields {
            let Some(kind) = f.kind() else { continue };
            if section == Section::Evidence && kind == Kind::Bool {
                continue;
            }
            if f == Field::OrderDelivered
                && !matches!(draft.claim.order.stage, Stage::Delivered | Stage::InUse)
            {
                continue;
            }
            let label = f.name();
            let help = meaning(f, m);
            let required = matches!(f.presence(), Presence::Required);
            match kind {
                Kind::Vocab(_) | Kind::Incoterm => {
                    let all: &[&str] = match kind {
                        Kind::Vocab(n) => n,
                        _ => settle_engine::claim::Incoterm::NAMES,
                    };
                    let mut choices: Vec<String> = Vec::new();
                    let optional = matches!(f.presence(), Presence::Optional);
                    if optional {
                        choices.push(format!("({})", m.text("prompt-optional")));
                    }
                    choices.extend(all.iter().map(|n| n.to_string()));
                    let default = default_choice(f, &draft)
                        .map(|i| usize::from(i) + usize::from(optional))
                        .unwrap_or(0);
                    let i = ask.choose(label, &help, &choices, default)?;
                    if optional && i == 0 {
                        continue;
                    }
                    let name = &choices[i];
                    let v = read_one("claim new", label, kind, name).map_err(|d| {
                        anyhow::anyhow!("{}", d.first().map_or("", |d| d.message.as_str()))
                    })?;
                    draft.set(f, v);
                    answers.lines.push((f, literal(kind, name)));
                }
                Kind::Bool => {
                    let default = match f.presence() {
                        Presence::Default(d, _) => d(&draft.claim) == Value::Bool(true),
                        _ => false,
                    };
                    let on = ask.confirm(label, &help, default)?;
                    draft.set(f, Value::Bool(on));
                    answers.lines.push((f, on.to_string()));
                }
                _ => {
                    let default = default_for(f, &draft, today);
                    let optional = !required;
                    let help = if optional {
                        format!("{help} ({})", m.text("prompt-optional"))
                    } else {
                        help
                    };
                    let before = draft.clone();
                    let check = |s: &str| -> Result<(), String> {
                        if s.trim().is_empty() {
                            return if optional || default.is_some() {
                                Ok(())
                            } else {
                                Err(format!("`{label}` is required"))
                            };
                        }
                        let v = read_one("claim new", label, kind, s).map_err(|d| {
                            d.first().map_or_else(String::new, |d| d.message.clone())
                        })?;
                        let mut d = before.clone();
                        d.set(f, v);
                        match problem_at(&d, f) {
                            Some(p) => Err(p),
                            None => Ok(()),
                        }
                    };
                    let raw = ask.text(label, &help, default.as_deref(), optional, &check)?;
                    let raw = if raw.trim().is_empty() {
                        match &default {
                            Some(d) => d.clone(),
                            None => continue,
                        }
                    } else {
                        raw
                    };
                    check(&raw).map_err(|e| anyhow::anyhow!("{e}"))?;
                    if let Ok(v) = read_one("claim new", label, kind, &raw) {
                        draft.set(f, v);
                    }
                    answers.lines.push((f, literal(kind, &raw)));
                }
            }
        }
    }
    Ok(answers)
}

fn section_id(s: Section) -> &'static str {
    match s {
        Section::Top => "top",
        Section::Customer => "customer",
        Section::Order => "order",
        Section::Problem => "problem",
        Section::Evidence => "evidence",
        Section::Ask => "ask",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::VecDeque;

    /// Answers from a script: each question takes the next answer, and the questions asked are
    /// kept, in order.
    struct Script {
        answers: VecDeque<&'static str>,
        asked: Vec<String>,
        refused: Vec<String>,
    }

    impl Script {
        fn new(answers: &[&'static str]) -> Script {
            Script {
                answers: answers.iter().copied().collect(),
                asked: Vec::new(),
                refused: Vec::new(),
            }
        }
        fn next(&mut self, label: &str) -> &'static str {
            self.asked.push(label.to_string());
            self.answers
                .pop_front()
                .unwrap_or_else(|| panic!("no answer for {label}"))
        }
    }

    impl Ask for Script {
        fn section(&mut self, title: &str) {
            self.asked.push(format!("# {title}"));
        }
        fn text(
            &mut self,
            label: &str,
            _: &str,
            default: Option<&str>,
            _: bool,
            check: &dyn Fn(&str) -> Result<(), String>,
        ) -> Result<String> {
            loop {
                let a = self.next(label);
                let a = if a == "<default>" {
                    default.unwrap_or("")
                } else {
                    a
                };
                match check(a) {
                    Ok(()) => return Ok(a.to_string()),
                    Err(e) => self.refused.push(format!("{label}: {e}")),
                }
            }
        }
        fn choose(
            &mut self,
            label: &str,
            _: &str,
            choices: &[String],
            default: usize,
        ) -> Result<usize> {
            let a = self.next(label);
            if a == "<default>" {
                return Ok(default);
            }
            Ok(choices
                .iter()
                .position(|c| c == a)
                .unwrap_or_else(|| panic!("{a} not in {choices:?}")))
        }
        fn confirm(&mut self, label: &str, _: &str, default: bool) -> Result<bool> {
            Ok(match self.next(label) {
                "<default>" => default,
                a => a == "yes",
            })
        }
        fn flags(&mut self, label: &str, items: &[String], _: &[bool]) -> Result<Vec<bool>> {
            let a = self.next(label);
            Ok(items
                .iter()
                .map(|i| a.split(',').any(|x| i.starts_with(&format!("{x}:"))))
                .collect())
        }
    }

    #[test]
    fn a_claim_is_asked_in_the_order_a_rep_learns_it_and_reads_back_as_a_claim_file() {
        let mut s = Script::new(&[
            "EX-9",
            "<default>",
            "<default>", // id, received (today), currency (USD)
            "Acme Ltd",
            "repeat",
            "50000",
            "<default>",
            "<default>", // the buyer
            "PI-7",
            "10000",
            "12000",
            "9000", // number, value, paid above value (refused), paid
            "1000",
            "6",
            "FOB",
            "<default>",
            "2024-03-01",
            "<default>",
            "<default>",
            "<default>",
            "quality_defect",
            "cracked housings",
            "electronics",
            "2000",
            "100",
            "major",
            "yes",
            "yes",
            "buyer_photos,spec_in_contract", // the ticked evidence
            "third_party",
            "failed",
            "<default>",
            "<default>",
            "<default>", // inspection, our_qc, expert, sample, packing
            "refund",
            "1000",
        ]);
        let answers = ask_claim(
            &mut s,
            &Messages::english(),
            time::macros::date!(2024 - 03 - 04),
        )
        .expect("answered");
        assert!(s.answers.is_empty(), "unused answers: {:?}", s.answers);
        let headings: Vec<&String> = s.asked.iter().filter(|a| a.starts_with('#')).collect();
        assert_eq!(
            headings,
            vec![
                "# The claim",
                "# The buyer",
                "# The order",
                "# What went wrong",
                "# The evidence at hand",
                "# What the buyer asks"
            ]
        );
        assert_eq!(
            s.refused,
            vec![
                "order.paid: `order.paid` (12000) is more than `order.value` (10000)".to_string(),
                "problem.affected: `problem.affected` (2000) is more than `order.quantity` (1000)"
                    .to_string(),
            ]
        );
        let toml = answers.toml();
        let claim = settle_rules::parse_claim(
            &settle_rules::SourceFile::new("new.toml", toml.clone()),
            settle_rules::Format::Toml,
        )
        .unwrap_or_else(|d| panic!("{toml}\n{d:?}"));
        assert_eq!(claim.received.to_string(), "2024-03-04");
        assert_eq!(claim.order.paid.to_string(), "9000");
        assert_eq!(
            claim.order.delivered.map(|d| d.to_string()).as_deref(),
            Some("2024-03-01")
        );
        assert!(
            claim.evidence.buyer_photos
                && claim.evidence.spec_in_contract
                && !claim.evidence.carrier_noted
        );
        assert_eq!(
            claim.order.insurance.as_str(),
            "none",
            "FOB: the schema's default"
        );
        assert!(toml.contains("[evidence]\nbuyer_photos = true\n"), "{toml}");
    }
}
