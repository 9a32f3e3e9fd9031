//! Conditions: a row's `when` table lowered into a typed [`Condition`], each field checked
//! against the claim schema (it exists, it is known at the rule's stage, the test fits its
//! type).

use super::*;

/// Reads a row's optional `when` table into a condition (no `when`: always).
pub(super) fn lower_when(
    t: &mut Table<'_>,
    stage: FieldStage,
    sink: &mut Sink<'_>,
) -> Option<Condition> {
    let path = t.field("when");
    let Some((_, node)) = t.take("when") else {
        return Some(Condition::default());
    };
    let Kind::Table(_) = node.kind else {
        read::wrong_type(
            sink,
            node,
            &path,
            "a table of field tests, e.g. when.problem.kind = \"safety\"",
        );
        return None;
    };
    let mut tests: Vec<(Field, Test)> = Vec::new();
    let mut ok = true;
    flatten(node, "", &mut |name, key_span, value| match lower_test(
        name, key_span, value, stage, sink,
    ) {
        Some((field, test)) => {
            if tests.iter().any(|(f, _)| *f == field) {
                sink.error(
                    key_span.clone(),
                    Some(name),
                    format!("`{name}` is tested twice in one condition"),
                );
                ok = false;
            } else {
                tests.push((field, test));
            }
        }
        None => ok = false,
    });
    ok.then(|| Condition::new(tests))
}

/// Walks a `when` table, joining nested tables into dotted names (`when.problem.kind = ...`
/// and `when = { "problem.kind" = ... }` read the same).
pub(super) fn flatten(
    node: &Node,
    prefix: &str,
    f: &mut dyn FnMut(&str, &std::ops::Range<usize>, &Node),
) {
    let Kind::Table(entries) = &node.kind else {
        return;
    };
    for (k, v) in entries {
        let name = if prefix.is_empty() {
            k.name.clone()
        } else {
            format!("{prefix}.{}", k.name)
        };
        if Field::lookup(&name).is_none() && matches!(v.kind, Kind::Table(_)) {
            flatten(v, &name, f);
        } else {
            f(&name, &k.span, v);
        }
    }
}

pub(super) fn field_names() -> Vec<&'static str> {
    Field::ALL
        .iter()
        .filter(|f| f.stage() != FieldStage::File)
        .map(|f| f.name())
        .collect()
}

/// Lowers one field test, checking the field exists, is known at this stage, and that the
/// test fits its type.
pub(super) fn lower_test(
    name: &str,
    key_span: &std::ops::Range<usize>,
    value: &Node,
    stage: FieldStage,
    sink: &mut Sink<'_>,
) -> Option<(Field, Test)> {
    let Some(field) = Field::lookup(name) else {
        let names = field_names();
        let d = sink.error(
            key_span.clone(),
            Some(name),
            format!("unknown field `{name}` in condition"),
        );
        d.label("not a claim field");
        match read::suggest(name, &names) {
            Some(s) => d.help(format!("did you mean `{s}`?")),
            None => d.help("see docs/rule-format.md for the fields a condition can read"),
        };
        return None;
    };
    if field.stage() == FieldStage::File {
        sink.error(
            key_span.clone(),
            Some(name),
            format!(
                "`{name}` names one particular claim and cannot be tested: a rule states a general practice or a point of law"
            ),
        )
        .label("not testable")
        .help("test the facts that make the case what it is (problem.kind, evidence.*, order.*)");
        return None;
    }
    if field.stage() > stage {
        sink.error(
            key_span.clone(),
            Some(name),
            format!("`{name}` is set by the responsibility table and cannot be read in it"),
        )
        .label("not known yet here");
        return None;
    }
    let ty = field.ty();
    let mismatch = |sink: &mut Sink<'_>, expected: &str| {
        sink.error(
            value.span.clone(),
            Some(name),
            format!(
                "wrong type in condition on `{name}`: expected {expected}, found {}",
                value.kind.describe()
            ),
        )
        .label(format!("`{name}` is {}", ty.describe()));
    };
    let test = match ty {
        FieldType::Bool => match value.kind {
            Kind::Bool(b) => Test::Bool(b),
            _ => {
                mismatch(sink, "true or false");
                return None;
            }
        },
        FieldType::Enum(names) => {
            let (items, negated) = string_set(value)?;
            if items.is_empty() {
                mismatch(
                    sink,
                    &format!("one of {} (or a list of them)", names.join(", ")),
                );
                return None;
            }
            let mut mask = 0u32;
            let mut ok = true;
            for (s, span) in &items {
                match names.iter().position(|n| n == s) {
                    Some(i) => mask |= 1 << i,
                    None => {
                        let d = sink.error(
                            span.clone(),
                            Some(name),
                            format!(
                                "`{name}` has no value `{s}`; expected one of {}",
                                names.join(", ")
                            ),
                        );
                        d.label("not a value of this field");
                        if let Some(g) = read::suggest(s, names) {
                            d.help(format!("did you mean `{g}`?"));
                        }
                        ok = false;
                    }
                }
            }
            if !ok {
                return None;
            }
            let all = (1u32 << names.len()) - 1;
            Test::OneOf(if negated { all & !mask } else { mask })
        }
        FieldType::Text => {
            let (items, negated) = string_set(value)?;
            if items.is_empty() {
                mismatch(sink, "a string or a list of strings");
                return None;
            }
            Test::Text {
                values: items.into_iter().map(|(s, _)| s).collect(),
                negated,
            }
        }
        FieldType::Int | FieldType::Money | FieldType::Ratio => {
            let iv = match &value.kind {
                Kind::Int(_) | Kind::BigInt(_) | Kind::Float(_) => {
                    let x = literal(value, name, ty, sink)?;
                    Interval {
                        lo: Some(Bound {
                            value: x,
                            inclusive: true,
                        }),
                        hi: Some(Bound {
                            value: x,
                            inclusive: true,
                        }),
                    }
                }
                Kind::Str(s) => comparison(s, value, name, ty, sink)?,
                _ => {
                    mismatch(
                        sink,
                        &format!("{} or a comparison such as \">= 2\"", ty.describe()),
                    );
                    return None;
                }
            };
            if iv.is_empty() {
                sink.error(
                    value.span.clone(),
                    Some(name),
                    format!("the condition on `{name}` can never be true"),
                )
                .label("empty range");
                return None;
            }
            Test::Range(iv)
        }
    };
    Some((field, test))
}

/// A string or list of strings, and whether it was written `"not ..."`.
/// Names written in a condition, each with its place.
type Names = Vec<(String, std::ops::Range<usize>)>;

pub(super) fn string_set(value: &Node) -> Option<(Names, bool)> {
    match &value.kind {
        Kind::Str(s) => match s.strip_prefix("not ") {
            Some(rest) => Some((vec![(rest.trim().to_string(), value.span.clone())], true)),
            None => Some((vec![(s.clone(), value.span.clone())], false)),
        },
        Kind::Array(items) => {
            let mut out = Vec::new();
            for i in items {
                match &i.kind {
                    Kind::Str(s) => out.push((s.clone(), i.span.clone())),
                    _ => return Some((Vec::new(), false)),
                }
            }
            Some((out, false))
        }
        _ => Some((Vec::new(), false)),
    }
}

pub(super) fn literal(
    value: &Node,
    name: &str,
    ty: FieldType,
    sink: &mut Sink<'_>,
) -> Option<Decimal> {
    let x = read::number(value, name, sink)?;
    if ty == FieldType::Int && !x.fract().is_zero() {
        sink.error(
            value.span.clone(),
            Some(name),
            format!("`{name}` is a whole number; {x} can never match"),
        );
        return None;
    }
    Some(x)
}

/// Parses `">= 2"`, `"< 0.5"`, `"> 1 and <= 3"` into an interval.
pub(super) fn comparison(
    text: &str,
    value: &Node,
    name: &str,
    ty: FieldType,
    sink: &mut Sink<'_>,
) -> Option<Interval> {
    let Some(iv) = read::parse_interval(text) else {
        sink.error(
            value.span.clone(),
            Some(name),
            format!("cannot read the condition on `{name}`: \"{text}\""),
        )
        .label("expected a comparison such as \">= 2\" or \"> 0.5 and <= 1\"")
        .help("operators: <, <=, >, >=, =; join two with `and`");
        return None;
    };
    let fractional = [iv.lo, iv.hi]
        .into_iter()
        .flatten()
        .find(|b| !b.value.fract().is_zero());
    if ty == FieldType::Int
        && let Some(b) = fractional
    {
        sink.error(
            value.span.clone(),
            Some(name),
            format!(
                "`{name}` is a whole number; compare it with whole numbers, not {}",
                b.value
            ),
        );
        return None;
    }
    Some(iv)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Lowers the `when` of a one-row TOML snippet: the condition as the rule language
    /// describes it, or the diagnostics in their short form.
    fn check(when: &str, stage: FieldStage) -> Result<String, Vec<String>> {
        let source = SourceFile::new("r.toml", format!("[row]\n{when}\n"));
        let mut sink = Sink::new(&source);
        let root = node::parse_toml(source.text(), &mut sink).expect("valid TOML");
        let Kind::Table(entries) = &root.kind else {
            panic!("a table")
        };
        let row = &entries[0];
        let mut t = Table::of(&row.1, "row", row.0.span.clone(), &mut sink).expect("a table");
        let c = lower_when(&mut t, stage, &mut sink);
        let diags = sink.finish();
        match c {
            Some(c) if diags.is_empty() => Ok(c.describe()),
            _ => Err(diags.iter().map(|d| d.short()).collect()),
        }
    }

    #[test]
    fn a_when_table_lowers_to_typed_tests_whatever_its_layout() {
        let nested = check(
            "when.problem.kind = [\"late_delivery\", \"documents\"]\nwhen.ask.share_of_value = \">= 0.2\"",
            FieldStage::Claim,
        );
        let inline = check(
            "when = { \"problem.kind\" = [\"late_delivery\", \"documents\"], \"ask.share_of_value\" = \">= 0.2\" }",
            FieldStage::Claim,
        );
        assert_eq!(nested, inline);
        let text = nested.expect("valid");
        assert!(
            text.contains("problem.kind in [late_delivery, documents]"),
            "{text}"
        );
        assert!(text.contains("ask.share_of_value >= 0.2"), "{text}");
        assert_eq!(check("", FieldStage::Claim), Ok("always".to_string()));
    }

    #[test]
    fn an_unknown_field_is_located_with_the_closest_name() {
        let e = check("when.problem.knid = \"safety\"", FieldStage::Claim).unwrap_err();
        assert_eq!(
            e,
            ["r.toml:2:14: error: unknown field `problem.knid` in condition"]
        );
    }

    #[test]
    fn a_value_outside_the_fields_set_or_type_is_an_error() {
        let e = check("when.problem.kind = \"fire\"", FieldStage::Claim).unwrap_err();
        assert_eq!(e.len(), 1, "{e:?}");
        assert!(e[0].starts_with("r.toml:2:"), "{e:?}");
        let e = check("when.problem.repairable = \"yes\"", FieldStage::Claim).unwrap_err();
        assert_eq!(e.len(), 1, "{e:?}");
    }

    #[test]
    fn a_field_naming_one_claim_cannot_be_tested() {
        for when in [
            "when.id = \"CN06\"",
            "when.customer.name = \"Acme\"",
            "when.problem.summary = \"caked cement\"",
        ] {
            let e = check(when, FieldStage::Claim).unwrap_err();
            assert!(e[0].contains("names one particular claim"), "{e:?}");
        }
    }

    #[test]
    fn responsibility_is_not_known_to_the_responsibility_table() {
        assert!(check("when.share.seller = \">= 0.5\"", FieldStage::Claim).is_err());
        assert!(check("when.share.seller = \">= 0.5\"", FieldStage::Responsibility).is_ok());
    }
}
