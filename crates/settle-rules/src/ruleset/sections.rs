//! The rule language's sections, each read field by field into the engine's types.

use super::conditions::lower_when;
use super::*;

impl Builder {
    pub(super) fn ruleset_section(&mut self, key: &node::Key, value: &Node, sink: &mut Sink<'_>) {
        self.kind = Some(RuleKind::Parameter);
        let Some(mut t) = Table::of(value, "ruleset", key.span.clone(), sink) else {
            return;
        };
        let name = t
            .need("name", sink)
            .and_then(|(_, n)| read::string(n, "ruleset.name", sink));
        let version = t
            .need("version", sink)
            .and_then(|(_, n)| read::string(n, "ruleset.version", sink));
        let description = match t.take("description") {
            Some((_, n)) => read::string(n, "ruleset.description", sink).map(Some),
            None => Some(None),
        };
        t.finish(&["name", "version", "description"], "[ruleset]", sink);
        if let (Some(n), Some(v), Some(d)) = (name, version, description) {
            self.ruleset = Some((n, v, d, self.file));
        }
    }

    pub(super) fn responsibility_section(
        &mut self,
        key: &node::Key,
        value: &Node,
        sink: &mut Sink<'_>,
    ) {
        self.kind = Some(RuleKind::Responsibility);
        let Some(mut t) = Table::of(value, "responsibility", key.span.clone(), sink) else {
            return;
        };
        let hit = t.need("hit", sink).and_then(|(_, n)| {
            read::one_of(
                n,
                "responsibility.hit",
                &["first", "unique", "priority"],
                |s| match s {
                    "first" => Some(HitPolicy::First),
                    "unique" => Some(HitPolicy::Unique),
                    "priority" => Some(HitPolicy::Priority),
                    _ => None,
                },
                sink,
            )
        });
        let mut rows = Vec::new();
        let mut ok = true;
        let mut row_spans = Vec::new();
        if let Some((_, n)) = t.need("row", sink) {
            match &n.kind {
                Kind::Array(items) => {
                    for (i, item) in items.iter().enumerate() {
                        match self.responsibility_row(
                            item,
                            &format!("responsibility.row[{}]", i + 1),
                            hit,
                            sink,
                        ) {
                            Some(r) => {
                                row_spans.push(id_span(item));
                                rows.push(r)
                            }
                            None => ok = false,
                        }
                    }
                }
                _ => {
                    read::wrong_type(
                        sink,
                        n,
                        "responsibility.row",
                        "an array of tables ([[responsibility.row]])",
                    );
                    ok = false;
                }
            }
        }
        let otherwise = match t.take("otherwise") {
            Some((_, n)) => {
                match self.responsibility_row(n, "responsibility.otherwise", hit, sink) {
                    Some(r) => {
                        if !r.when.tests().is_empty() {
                            sink.error(n.span.clone(), Some("responsibility.otherwise"), "the `otherwise` row applies when no row matches; it takes no `when`".to_string());
                        }
                        Some(r)
                    }
                    None => {
                        ok = false;
                        None
                    }
                }
            }
            None => None,
        };
        t.finish(&["hit", "row", "otherwise"], "[responsibility]", sink);
        let Some(hit) = hit else { return };
        if hit == HitPolicy::Unique {
            for j in 0..rows.len() {
                for i in 0..j {
                    if rows[i].when.overlaps(&rows[j].when) {
                        let (a, b) = (
                            &self.registry.rules()[rows[i].rule.index()].id,
                            &self.registry.rules()[rows[j].rule.index()].id,
                        );
                        let msg = format!(
                            "rows `{a}` and `{b}` overlap under hit policy `unique`: a claim can match both"
                        );
                        sink.error(row_spans[j].clone(), Some(b), msg)
                            .label("overlaps an earlier row")
                            .help("make the conditions exclusive, or use hit = \"first\" and order the rows");
                    }
                }
            }
        }
        if ok {
            self.responsibility = Some(ResponsibilityTable {
                hit,
                rows,
                otherwise,
            });
        }
    }

    fn responsibility_row(
        &mut self,
        node: &Node,
        path: &str,
        hit: Option<HitPolicy>,
        sink: &mut Sink<'_>,
    ) -> Option<ResponsibilityRow> {
        let mut t = Table::of(node, path, node.span.clone(), sink)?;
        let head = self.head(&mut t, sink);
        let when = self.when(&mut t, FieldStage::Claim, sink);
        let share = |t: &mut Table<'_>,
                     key: &str,
                     sink: &mut Sink<'_>|
         -> Option<(Decimal, Option<std::ops::Range<usize>>)> {
            let field = t.field(key);
            match t.take(key) {
                Some((_, n)) => read::unit(n, &field, sink).map(|v| (v, Some(n.span.clone()))),
                None => Some((Decimal::ZERO, None)),
            }
        };
        let seller = share(&mut t, "seller", sink);
        let buyer = share(&mut t, "buyer", sink);
        let carrier = share(&mut t, "carrier", sink);
        let unclear = match t.take("unclear") {
            Some((_, n)) => read::boolean(n, &format!("{path}.unclear"), sink),
            None => Some(false),
        };
        let priority = match t.take("priority") {
            Some((k, n)) => {
                if hit.is_some_and(|h| h != HitPolicy::Priority) {
                    sink.error(
                        k.span.clone(),
                        Some(&format!("{path}.priority")),
                        "`priority` only applies under hit policy `priority`".to_string(),
                    )
                    .help("remove it, or set hit = \"priority\"");
                    None
                } else {
                    match &n.kind {
                        Kind::Int(p) if i64::try_from(*p).is_ok() => Some(*p as i64),
                        _ => {
                            read::wrong_type(
                                sink,
                                n,
                                &format!("{path}.priority"),
                                "a whole number",
                            );
                            None
                        }
                    }
                }
            }
            None => Some(0),
        };
        t.finish(
            &[
                "id", "why", "source", "when", "seller", "buyer", "carrier", "unclear", "priority",
            ],
            &format!("[{path}]"),
            sink,
        );
        let (seller, buyer, carrier) = (seller?, buyer?, carrier?);
        let shares = Shares::new(
            Share::new(seller.0).ok()?,
            Share::new(buyer.0).ok()?,
            Share::new(carrier.0).ok()?,
        );
        let shares = match shares {
            Ok(s) => s,
            Err(e) => {
                let span = seller
                    .1
                    .or(buyer.1)
                    .or(carrier.1)
                    .unwrap_or(node.span.clone());
                sink.error(
                    span,
                    Some(path),
                    format!(
                        "shares of `{path}` sum to {}, not 1 (seller {} + buyer {} + carrier {})",
                        e.0, seller.0, buyer.0, carrier.0
                    ),
                )
                .label("seller + buyer + carrier must be 1");
                return None;
            }
        };
        Some(ResponsibilityRow {
            rule: head?.rule,
            when: when?,
            shares,
            unclear: unclear?,
            priority: priority?,
        })
    }

    /// Reads a row's optional `when` table into a condition.
    fn when(
        &mut self,
        t: &mut Table<'_>,
        stage: FieldStage,
        sink: &mut Sink<'_>,
    ) -> Option<Condition> {
        lower_when(t, stage, sink)
    }

    pub(super) fn eligibility_section(&mut self, value: &Node, sink: &mut Sink<'_>) {
        self.kind = Some(RuleKind::Eligibility);
        for_each_row(value, "eligibility", sink, |item, path, sink| {
            let mut t = Table::of(item, path, item.span.clone(), sink)?;
            let head = self.head(&mut t, sink);
            let when = self.when(&mut t, FieldStage::Responsibility, sink);
            let options = match (t.take("option"), t.take("options")) {
                (Some((_, n)), None) => read::one_of(
                    n,
                    &format!("{path}.option"),
                    Remedy::NAMES,
                    Remedy::parse,
                    sink,
                )
                .map(|r| RemedySet::of(&[r])),
                (None, Some((_, n))) => remedy_list(n, &format!("{path}.options"), sink),
                (Some((k, _)), Some(_)) => {
                    sink.error(
                        k.span.clone(),
                        Some(path),
                        "give `option` or `options`, not both".to_string(),
                    );
                    None
                }
                (None, None) => {
                    sink.error(
                        t.at.clone(),
                        Some(path),
                        format!("missing field `option` in [{path}]"),
                    )
                    .label("which option this rule blocks");
                    None
                }
            };
            t.finish(
                &["id", "why", "source", "when", "option", "options"],
                &format!("[[{path}]]"),
                sink,
            );
            self.eligibility.push(EligibilityRule {
                rule: head?.rule,
                options: options?,
                when: when?,
            });
            Some(())
        });
    }

    pub(super) fn costs_section(&mut self, key: &node::Key, value: &Node, sink: &mut Sink<'_>) {
        self.kind = Some(RuleKind::Parameter);
        let Some(mut t) = Table::of(value, "costs", key.span.clone(), sink) else {
            return;
        };
        let mut params = Vec::with_capacity(COST_PARAM_COUNT);
        for p in CostParam::ALL {
            let reader = if p.is_share() { read::unit } else { nonneg };
            // `damages` and `reduction` came with claim format 2: a rule set written before them
            // counts the whole loss, as it did then.
            if matches!(p, CostParam::Damages | CostParam::Reduction) && t.peek(p.name()).is_none()
            {
                let field = t.field(p.name());
                let saved = self.kind.replace(RuleKind::Parameter);
                let rule = self.register(
                    field,
                    key.span.clone(),
                    format!("{} (not set: 1)", p.doc()),
                    None,
                    sink,
                );
                self.kind = saved;
                params.push(Some(Param {
                    value: Decimal::ONE,
                    rule,
                }));
                continue;
            }
            params.push(self.param(&mut t, p.name(), p.doc(), reader, sink));
        }
        let mut adjustments = Vec::new();
        let mut ok = true;
        if let Some((_, n)) = t.take("adjust") {
            for_each_row(n, "costs.adjust", sink, |item, path, sink| {
                let mut r = Table::of(item, path, item.span.clone(), sink)?;
                self.kind = Some(RuleKind::CostAdjustment);
                let head = self.head(&mut r, sink);
                self.kind = Some(RuleKind::Parameter);
                let when = self.when(&mut r, FieldStage::Responsibility, sink);
                let set = match r.need("set", sink) {
                    Some((_, n)) => cost_settings(n, &format!("{path}.set"), sink),
                    None => None,
                };
                r.finish(
                    &["id", "why", "source", "when", "set"],
                    &format!("[[{path}]]"),
                    sink,
                );
                match (head, when, set) {
                    (Some(h), Some(w), Some(s)) => adjustments.push(CostAdjustment {
                        rule: h.rule,
                        when: w,
                        set: s,
                    }),
                    _ => ok = false,
                }
                Some(())
            });
        }
        let mut allowed: Vec<&str> = CostParam::ALL.iter().map(|p| p.name()).collect();
        allowed.push("adjust");
        t.finish(&allowed, "[costs]", sink);
        let params: Option<Vec<Param>> = params.into_iter().collect();
        if let (Some(params), true) = (params, ok)
            && let Ok(arr) = <[Param; COST_PARAM_COUNT]>::try_from(params)
        {
            self.costs = Some((Costs::new(arr), adjustments));
        }
    }

    pub(super) fn relationship_section(
        &mut self,
        key: &node::Key,
        value: &Node,
        sink: &mut Sink<'_>,
    ) {
        self.kind = Some(RuleKind::Parameter);
        let Some(mut t) = Table::of(value, "relationship", key.span.clone(), sink) else {
            return;
        };
        let horizon = t
            .need("horizon_years", sink)
            .and_then(|(_, n)| read::whole(n, "relationship.horizon_years", 50, sink));
        let discount = self.param(
            &mut t,
            "discount_rate",
            "yearly discount rate for future margin",
            read::unit,
            sink,
        );
        let retention = t.need("retention", sink).and_then(|(k, n)| {
            let mut r = Table::of(n, "relationship.retention", k.span.clone(), sink)?;
            let new = self.param(
                &mut r,
                "new",
                "the chance a new customer orders again each year",
                read::unit,
                sink,
            );
            let repeat = self.param(
                &mut r,
                "repeat",
                "the chance a repeat customer orders again each year",
                read::unit,
                sink,
            );
            let key_ = self.param(
                &mut r,
                "key",
                "the chance a key account orders again each year",
                read::unit,
                sink,
            );
            r.finish(Relationship_NAMES, "[relationship.retention]", sink);
            Some([new?, repeat?, key_?])
        });
        let fairness = self.curve(
            &mut t,
            "fairness",
            "loyalty kept by the settlement's value against the fair share",
            sink,
        );
        let per_round = self.param(
            &mut t,
            "per_round",
            "loyalty lost per negotiation round",
            read::unit,
            sink,
        );
        let per_30 = self.param(
            &mut t,
            "per_30_days",
            "loyalty lost per 30 days the claim stays open",
            read::unit,
            sink,
        );
        let countered = self.param(
            &mut t,
            "countered",
            "loyalty lost when the buyer must counter an offer, times the offer's unfairness",
            read::unit,
            sink,
        );
        let walkaway = self.param(
            &mut t,
            "walkaway",
            "loyalty left when the buyer walks away",
            read::unit,
            sink,
        );
        t.finish(
            &[
                "horizon_years",
                "discount_rate",
                "retention",
                "fairness",
                "per_round",
                "per_30_days",
                "walkaway",
                "countered",
            ],
            "[relationship]",
            sink,
        );
        if let (Some(h), Some(d), Some(r), Some((f, fr)), Some(pr), Some(p30), Some(w), Some(c)) = (
            horizon, discount, retention, fairness, per_round, per_30, walkaway, countered,
        ) {
            self.relationship = Some(RelationshipModel {
                horizon_years: h as u32,
                discount_rate: d,
                retention: r,
                fairness: f,
                fairness_rule: fr,
                per_round: pr,
                per_30_days: p30,
                walkaway: w,
                countered: c,
            });
        }
    }

    fn curve(
        &mut self,
        t: &mut Table<'_>,
        key: &str,
        doc: &str,
        sink: &mut Sink<'_>,
    ) -> Option<(Curve, RuleRef)> {
        let field = t.field(key);
        let (k, n) = t.need(key, sink)?;
        let Kind::Array(items) = &n.kind else {
            read::wrong_type(sink, n, &field, "an array of [x, y] points");
            return None;
        };
        let mut points = Vec::new();
        let mut ok = true;
        for (i, item) in items.iter().enumerate() {
            let pf = format!("{field}[{}]", i + 1);
            match &item.kind {
                Kind::Array(xy) if xy.len() == 2 => {
                    let x = read::number(&xy[0], &pf, sink);
                    let y = read::unit(&xy[1], &pf, sink);
                    match (x, y) {
                        (Some(x), Some(y)) => {
                            if let Some((px, _)) = points.last()
                                && x <= *px
                            {
                                sink.error(xy[0].span.clone(), Some(&pf), format!("point {} of `{field}`: x = {x} must be greater than the point before ({px})", i + 1))
                                    .label("x values must increase");
                                ok = false;
                            } else if let Some((px, _)) = points.last()
                                && x.checked_sub(*px).is_none()
                            {
                                // The curve's slope needs the run between the points.
                                sink.error(xy[0].span.clone(), Some(&pf), format!("point {} of `{field}`: x = {x} is too far from the point before ({px}): the difference is beyond the decimal range", i + 1))
                                    .label("too far from the point before");
                                ok = false;
                            }
                            points.push((x, Share::clamp(y)));
                        }
                        _ => ok = false,
                    }
                }
                _ => {
                    read::wrong_type(sink, item, &pf, "a point [x, y]");
                    ok = false;
                }
            }
        }
        if !ok {
            return None;
        }
        let curve = match Curve::new(points) {
            Ok(c) => c,
            Err(e) => {
                sink.error(n.span.clone(), Some(&field), format!("`{field}`: {e}"));
                return None;
            }
        };
        let rule = self.register(field, k.span.clone(), doc.to_string(), None, sink);
        Some((curve, rule))
    }

    pub(super) fn buyer_section(&mut self, key: &node::Key, value: &Node, sink: &mut Sink<'_>) {
        self.kind = Some(RuleKind::Parameter);
        let Some(mut t) = Table::of(value, "buyer", key.span.clone(), sink) else {
            return;
        };
        let fair_weight = self.param(
            &mut t,
            "fair_weight",
            "weight of fairness against the ask in the buyer's acceptance",
            read::unit,
            sink,
        );
        let by_ask = self.curve(
            &mut t,
            "by_ask",
            "chance of acceptance by the offer against the buyer's ask",
            sink,
        );
        let by_fair = self.curve(
            &mut t,
            "by_fair",
            "chance of acceptance by the offer against the fair share",
            sink,
        );
        let patience = t.need("patience", sink).and_then(|(k, n)| {
            let Kind::Array(items) = &n.kind else {
                read::wrong_type(
                    sink,
                    n,
                    "buyer.patience",
                    "an array of numbers in [0, 1], one per round",
                );
                return None;
            };
            if items.is_empty() {
                sink.error(
                    n.span.clone(),
                    Some("buyer.patience"),
                    "`buyer.patience` needs at least one value".to_string(),
                );
                return None;
            }
            let values: Option<Vec<Share>> = items
                .iter()
                .enumerate()
                .map(|(i, x)| {
                    read::unit(x, &format!("buyer.patience[{}]", i + 1), sink).map(Share::clamp)
                })
                .collect::<Vec<_>>()
                .into_iter()
                .collect();
            let rule = self.register(
                "buyer.patience".to_string(),
                k.span.clone(),
                "chance the buyer keeps talking after an unsatisfying round, by rounds held"
                    .to_string(),
                None,
                sink,
            );
            Some((values?, rule))
        });
        let p30 = self.param(
            &mut t,
            "patience_per_30_days",
            "patience lost per 30 days the claim stays open",
            read::unit,
            sink,
        );
        let days = t
            .need("days_per_round", sink)
            .and_then(|(_, n)| read::whole(n, "buyer.days_per_round", 365, sink));
        let appeal = t.need("appeal", sink).and_then(|(k, n)| {
            let mut a = Table::of(n, "buyer.appeal", k.span.clone(), sink)?;
            let mut out = Vec::new();
            for r in Remedy::ALL {
                out.push(self.param(
                    &mut a,
                    r.as_str(),
                    "what a unit of this option's value is worth to the buyer",
                    read::unit,
                    sink,
                ));
            }
            a.finish(Remedy::NAMES, "[buyer.appeal]", sink);
            let out: Option<Vec<Param>> = out.into_iter().collect();
            <[Param; 6]>::try_from(out?).ok()
        });
        let walk = t.need("walkaway", sink).and_then(|(k, n)| {
            let mut w = Table::of(n, "buyer.walkaway", k.span.clone(), sink)?;
            let award = self.param(
                &mut w,
                "award",
                "share of the fair share the buyer recovers by dispute or chargeback",
                read::unit,
                sink,
            );
            let dispute = self.param(
                &mut w,
                "dispute",
                "dispute costs, as a share of the order value",
                read::unit,
                sink,
            );
            let withhold = self.param(
                &mut w,
                "withhold",
                "share of the unpaid balance the buyer withholds",
                read::unit,
                sink,
            );
            w.finish(&["award", "dispute", "withhold"], "[buyer.walkaway]", sink);
            Some((award?, dispute?, withhold?))
        });
        // `[buyer.belief]` came with the belief about the buyer: a rule set written before it
        // reads a turned-down offer as certain (refusal 1) and no withdrawals (0).
        let belief = match t.take("belief") {
            Some((k, n)) => Table::of(n, "buyer.belief", k.span.clone(), sink).and_then(|mut b| {
                let refusal = self.param(
                    &mut b,
                    "refusal",
                    "how sure a turned-down offer makes us that the buyer wants more (1: certain)",
                    read::unit,
                    sink,
                );
                let withdraws = self.param(
                    &mut b,
                    "withdraws",
                    "chance the buyer withdraws its proposal when we counter it",
                    read::unit,
                    sink,
                );
                b.finish(&["refusal", "withdraws"], "[buyer.belief]", sink);
                Some((refusal?, withdraws?))
            }),
            None => {
                let mut unset = |name: &str, doc: &str, value: Decimal| {
                    let saved = self.kind.replace(RuleKind::Parameter);
                    let rule = self.register(
                        format!("buyer.belief.{name}"),
                        key.span.clone(),
                        format!("{doc} (not set: {value})"),
                        None,
                        sink,
                    );
                    self.kind = saved;
                    Param { value, rule }
                };
                Some((
                    unset(
                        "refusal",
                        "how sure a turned-down offer makes us that the buyer wants more",
                        Decimal::ONE,
                    ),
                    unset(
                        "withdraws",
                        "chance the buyer withdraws its proposal when we counter it",
                        Decimal::ZERO,
                    ),
                ))
            }
        };
        t.finish(
            &[
                "fair_weight",
                "by_ask",
                "by_fair",
                "patience",
                "patience_per_30_days",
                "days_per_round",
                "appeal",
                "walkaway",
                "belief",
            ],
            "[buyer]",
            sink,
        );
        if let (
            Some(fw),
            Some((ba, bar)),
            Some((bf, bfr)),
            Some((pat, patr)),
            Some(p30),
            Some(d),
            Some(ap),
            Some((aw, di, wi)),
            Some((refusal, withdraws)),
        ) = (
            fair_weight,
            by_ask,
            by_fair,
            patience,
            p30,
            days,
            appeal,
            walk,
            belief,
        ) {
            self.buyer = Some(BuyerModel {
                fair_weight: fw,
                by_ask: ba,
                by_ask_rule: bar,
                by_fair: bf,
                by_fair_rule: bfr,
                patience: pat,
                patience_rule: patr,
                patience_per_30_days: p30,
                days_per_round: d as u32,
                appeal: ap,
                award: aw,
                dispute: di,
                withhold: wi,
                refusal,
                withdraws,
            });
        }
    }

    pub(super) fn tree_section(&mut self, key: &node::Key, value: &Node, sink: &mut Sink<'_>) {
        self.kind = Some(RuleKind::Parameter);
        let Some(mut t) = Table::of(value, "tree", key.span.clone(), sink) else {
            return;
        };
        let rounds = t.need("rounds", sink).and_then(|(k, n)| {
            let r = read::whole(n, "tree.rounds", 6, sink)?;
            if r == 0 {
                sink.error(
                    n.span.clone(),
                    Some("tree.rounds"),
                    "`tree.rounds` must be at least 1".to_string(),
                );
                return None;
            }
            Some((r as u32, k.span.clone()))
        });
        let ladder = t.need("ladder", sink).and_then(|(_, n)| {
            let Kind::Array(items) = &n.kind else {
                read::wrong_type(sink, n, "tree.ladder", "an array of rungs in [0, 1]");
                return None;
            };
            let mut out: Vec<Share> = Vec::new();
            let mut ok = !items.is_empty();
            if items.is_empty() {
                sink.error(n.span.clone(), Some("tree.ladder"), "`tree.ladder` needs at least one rung".to_string());
            }
            for (i, x) in items.iter().enumerate() {
                match read::unit(x, &format!("tree.ladder[{}]", i + 1), sink) {
                    Some(v) => {
                        if out.last().is_some_and(|p| p.get() >= v) {
                            sink.error(x.span.clone(), Some("tree.ladder"), format!("rung {} of `tree.ladder` ({v}) must be above the rung before it", i + 1));
                            ok = false;
                        }
                        out.push(Share::clamp(v));
                    }
                    None => ok = false,
                }
            }
            ok.then_some(out)
        });
        let opening = self.param(
            &mut t,
            "opening",
            "the opening offer, as a multiple of the fair share",
            nonneg,
            sink,
        );
        t.finish(&["rounds", "ladder", "opening"], "[tree]", sink);
        if let (Some((r, span)), Some(l), Some(o)) = (rounds, ladder, opening) {
            let rule = self.register(
                "tree".to_string(),
                span,
                "the negotiation tree's depth and concession ladder".to_string(),
                None,
                sink,
            );
            self.tree = Some(TreeSettings {
                rounds: r,
                ladder: l,
                opening: o,
                rule,
            });
        }
    }

    pub(super) fn limits_section(&mut self, key: &node::Key, value: &Node, sink: &mut Sink<'_>) {
        self.kind = Some(RuleKind::Parameter);
        let Some(mut t) = Table::of(value, "limits", key.span.clone(), sink) else {
            return;
        };
        let days =
            |n: &Node, f: &str, s: &mut Sink<'_>| read::whole(n, f, 100_000, s).map(Decimal::from);
        let notice = self.param(
            &mut t,
            "notice_days",
            "CISG art. 39(2): notice later than this after delivery loses the right",
            days,
            sink,
        );
        let prompt = self.param(
            &mut t,
            "prompt_notice_days",
            "CISG art. 39(1): notice later than this may not be within a reasonable time",
            days,
            sink,
        );
        let reply = self.param(
            &mut t,
            "reply_within_days",
            "we answer a buyer within this many days (seed 002, step 1)",
            days,
            sink,
        );
        let material = self.param(
            &mut t,
            "material_share",
            "a claim below this share of the order value is not worth a request for evidence",
            read::unit,
            sink,
        );
        let approver = t
            .need("approver", sink)
            .and_then(|(_, n)| read::string(n, "limits.approver", sink));
        let approval = t.need("approval", sink).and_then(|(k, n)| {
            let Kind::Table(entries) = &n.kind else {
                read::wrong_type(
                    sink,
                    n,
                    "limits.approval",
                    "a table of currency = \"amount\"",
                );
                return None;
            };
            let _ = k;
            let mut out = Vec::new();
            let mut ok = true;
            for (ck, cv) in entries {
                let field = format!("limits.approval.{}", ck.name);
                if crate::currency::lookup(&ck.name).is_none() {
                    sink.error(
                        ck.span.clone(),
                        Some(&field),
                        format!("`{}` is not an ISO 4217 currency code", ck.name),
                    );
                    ok = false;
                    continue;
                }
                match read::money(cv, &field, sink) {
                    Some(amount) => {
                        self.kind = Some(RuleKind::ApprovalLimit);
                        let rule = self.register(
                            field,
                            ck.span.clone(),
                            format!("the most a rep may commit in {} without approval", ck.name),
                            None,
                            sink,
                        );
                        out.push(ApprovalLimit {
                            currency: ck.name.clone(),
                            amount,
                            rule,
                        });
                    }
                    None => ok = false,
                }
            }
            ok.then_some(out)
        });
        let at = t.at.clone();
        t.finish(
            &[
                "notice_days",
                "prompt_notice_days",
                "reply_within_days",
                "material_share",
                "approver",
                "approval",
            ],
            "[limits]",
            sink,
        );
        if let (Some(p), Some(n)) = (&prompt, &notice)
            && p.value > n.value
        {
            sink.error(
                at,
                Some("limits.prompt_notice_days"),
                format!(
                    "`limits.prompt_notice_days` ({}) is above `limits.notice_days` ({})",
                    p.value, n.value
                ),
            );
            return;
        }
        if let (Some(n), Some(p), Some(r), Some(m), Some(a), Some(ap)) =
            (notice, prompt, reply, material, approver, approval)
        {
            self.limits = Some(Limits {
                notice_days: n,
                prompt_notice_days: p,
                reply_within_days: r,
                material_share: m,
                approver: a,
                approval: ap,
            });
        }
    }

    pub(super) fn escalation_section(&mut self, value: &Node, sink: &mut Sink<'_>) {
        self.kind = Some(RuleKind::Escalation);
        for_each_row(value, "escalation", sink, |item, path, sink| {
            let mut t = Table::of(item, path, item.span.clone(), sink)?;
            let head = self.head(&mut t, sink);
            let when = self.when(&mut t, FieldStage::Responsibility, sink);
            let kind = t.need("kind", sink).and_then(|(_, n)| {
                read::one_of(
                    n,
                    &format!("{path}.kind"),
                    &["safety", "legal", "fraud", "other"],
                    |s| match s {
                        "safety" => Some(EscalationKind::Safety),
                        "legal" => Some(EscalationKind::Legal),
                        "fraud" => Some(EscalationKind::Fraud),
                        "other" => Some(EscalationKind::Other),
                        _ => None,
                    },
                    sink,
                )
            });
            let to = t
                .need("to", sink)
                .and_then(|(_, n)| read::string(n, &format!("{path}.to"), sink));
            t.finish(
                &["id", "why", "source", "when", "kind", "to"],
                &format!("[[{path}]]"),
                sink,
            );
            self.escalation.push(EscalationRule {
                rule: head?.rule,
                when: when?,
                kind: kind?,
                to: to?,
            });
            Some(())
        });
    }

    pub(super) fn evidence_section(&mut self, value: &Node, sink: &mut Sink<'_>) {
        self.kind = Some(RuleKind::Evidence);
        for_each_row(value, "evidence", sink, |item, path, sink| {
            let mut t = Table::of(item, path, item.span.clone(), sink)?;
            let head = self.head(&mut t, sink);
            let when = self.when(&mut t, FieldStage::Responsibility, sink);
            let documents = t
                .need("documents", sink)
                .and_then(|(_, n)| read::string(n, &format!("{path}.documents"), sink));
            let assume = match t.take("assume") {
                Some((_, n)) => assumptions(n, &format!("{path}.assume"), sink),
                None => Some(Vec::new()),
            };
            let verify = match t.take("verify") {
                Some((_, n)) => read::boolean(n, &format!("{path}.verify"), sink),
                None => Some(false),
            };
            t.finish(
                &[
                    "id",
                    "why",
                    "source",
                    "when",
                    "documents",
                    "assume",
                    "verify",
                ],
                &format!("[[{path}]]"),
                sink,
            );
            self.evidence.push(EvidenceRequest {
                rule: head?.rule,
                verify: verify?,
                when: when?,
                documents: documents?,
                assume: assume?,
            });
            Some(())
        });
    }
}
