//! HTML pages through minijinja templates embedded in the binary. Templates whose names end
//! in `.html` escape every value they print (auto-escaping), so text from claims and rules is
//! shown as text, never as markup.

use serde::Serialize;
use std::sync::OnceLock;

/// A template failed to render (a bug in a template, reported rather than panicked on).
pub type Error = minijinja::Error;

/// The templates, by name.
const TEMPLATES: &[(&str, &str)] = &[
    ("base.html", include_str!("../templates/base.html")),
    ("replay.html", include_str!("../templates/replay.html")),
    ("simulate.html", include_str!("../templates/simulate.html")),
];

fn environment() -> &'static minijinja::Environment<'static> {
    static ENV: OnceLock<minijinja::Environment<'static>> = OnceLock::new();
    ENV.get_or_init(|| {
        let mut env = minijinja::Environment::new();
        env.set_undefined_behavior(minijinja::UndefinedBehavior::Strict);
        for (name, source) in TEMPLATES {
            // The templates are part of the binary and tested; a broken one fails every test.
            if let Err(e) = env.add_template(name, source) {
                eprintln!("internal error: template {name}: {e}");
            }
        }
        env
    })
}

/// Renders a template with a view as its context.
pub fn render(name: &str, view: &impl Serialize) -> Result<String, Error> {
    environment()
        .get_template(name)?
        .render(minijinja::value::Serde(view))
}

/// One bar pair of the simulation chart.
#[derive(Serialize)]
struct SimBar {
    seller: &'static str,
    /// Pixels (a drawing position, not a figure).
    settled: f64,
    settled_text: String,
    /// Pixels.
    cost: f64,
    cost_text: String,
}

#[derive(Serialize)]
struct SimGroup {
    label: String,
    bars: Vec<SimBar>,
}

#[derive(Serialize)]
struct SimRun<'a> {
    title: &'static str,
    view: &'a crate::sim::RunView,
    bars: Vec<SimGroup>,
}

#[derive(Serialize)]
struct SimPage<'a> {
    view: &'a crate::sim::SimView,
    runs: Vec<SimRun<'a>>,
    colors: [&'static str; 3],
}

/// The simulation report as one self-contained page with its charts.
pub fn sim_page(view: &crate::sim::SimView) -> Result<String, Error> {
    use rust_decimal::Decimal;
    let share = |x: &Option<String>| -> Decimal {
        x.as_deref()
            .and_then(|s| s.parse::<Decimal>().ok())
            .unwrap_or(Decimal::ZERO)
    };
    let mut runs = Vec::new();
    for (title, v) in view
        .baseline
        .iter()
        .map(|b| ("Baseline", b))
        .chain(std::iter::once(("Rule set", &view.new)))
    {
        // Costs are drawn on one scale for the whole chart: the largest mean cost fills 240 px.
        let top = v
            .rows
            .iter()
            .flat_map(|r| r.sellers.iter().map(|t| share(&t.mean_cost)))
            .max()
            .unwrap_or(Decimal::ONE)
            .max(Decimal::new(1, 2));
        let bars = v
            .rows
            .iter()
            .map(|r| SimGroup {
                label: r.buyers.clone(),
                bars: r
                    .sellers
                    .iter()
                    .zip(&v.sellers)
                    .map(|(t, s)| SimBar {
                        seller: s,
                        settled: pixels(share(&t.settled_where_deal) * Decimal::from(240)),
                        settled_text: t
                            .settled_where_deal
                            .as_deref()
                            .map(pct)
                            .unwrap_or_else(|| "-".into()),
                        cost: pixels(share(&t.mean_cost) / top * Decimal::from(240)),
                        cost_text: t.mean_cost.clone().unwrap_or_else(|| "-".into()),
                    })
                    .collect(),
            })
            .collect();
        runs.push(SimRun {
            title,
            view: v,
            bars,
        });
    }
    render(
        "simulate.html",
        &SimPage {
            view,
            runs,
            colors: ["#2f6db5", "#c98a2b", "#6aa06a"],
        },
    )
}

/// A length in pixels, to one decimal place.
fn pixels(d: rust_decimal::Decimal) -> f64 {
    use rust_decimal::prelude::ToPrimitive;
    d.round_dp(1).to_f64().unwrap_or(0.0)
}

fn pct(x: &str) -> String {
    x.parse::<rust_decimal::Decimal>()
        .map(|d| format!("{}%", (d * rust_decimal::Decimal::ONE_HUNDRED).round_dp(1)))
        .unwrap_or_else(|_| x.to_string())
}
