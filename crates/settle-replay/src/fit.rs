//! `settle rules fit`: the buyer rules fitted to what buyers did in a history.
//!
//! Every offer of ours a buyer answered in a history's rounds is an observation (the chance the
//! acceptance model gave it then, and whether the buyer took it; see
//! `settle_engine::eval::calibration`). The fit keeps the curves' x points and the rule set's
//! `refusal`, and moves the curves' y values (rising, in [0, 1]) and `fair_weight` to lower the
//! Brier score, one value at a time over a grid of hundredths, until a sweep improves nothing.
//! Patience is fitted from the walk-aways: after an offer turned down in round k, a buyer walks
//! with chance (1 − patience[k]) × (1 − fairness), so patience[k] = 1 − walks / Σ(1 − fairness).
//!
//! The fit is arithmetic on binary floats: it proposes rule values (to two places), which the
//! manager adopts into a rule file where they are exact decimals again.

use crate::history::{self, HistoryReader};
use rayon::prelude::*;
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use serde::Serialize;
use settle_engine::Playbook;
use settle_engine::eval::calibration::{Answer, observations};
use std::path::Path;

/// One observation, in the terms the fit needs.
#[derive(Debug, Clone, Copy)]
struct Obs {
    /// The offer's value over the ask's value, and over our fair share.
    x: (f64, f64),
    /// The same for the lower bound (the best offer turned down before) and the upper bound.
    lower: Option<(f64, f64)>,
    upper: Option<(f64, f64)>,
    /// The offer's value against the bounds' (for the tie rule of the conditional chance).
    value: f64,
    lower_value: f64,
    upper_value: Option<f64>,
    accepted: bool,
    walked: bool,
    held: u32,
    unfair: f64,
}

/// The figures of the acceptance model the fit moves.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Model {
    /// `buyer.fair_weight`.
    pub fair_weight: f64,
    /// `buyer.by_ask` points.
    pub by_ask: Vec<(f64, f64)>,
    /// `buyer.by_fair` points.
    pub by_fair: Vec<(f64, f64)>,
    /// `buyer.patience`.
    pub patience: Vec<f64>,
}

fn at(curve: &[(f64, f64)], x: f64) -> f64 {
    let Some(first) = curve.first() else {
        return 0.0;
    };
    if x <= first.0 {
        return first.1;
    }
    for w in curve.windows(2) {
        let ((x0, y0), (x1, y1)) = (w[0], w[1]);
        if x <= x1 {
            return if x1 > x0 {
                y0 + (y1 - y0) * (x - x0) / (x1 - x0)
            } else {
                y1
            };
        }
    }
    curve[curve.len() - 1].1
}

impl Model {
    fn of(p: &Playbook) -> Model {
        let b = p.buyer();
        let pts = |c: &settle_engine::playbook::Curve| {
            c.points()
                .iter()
                .map(|(x, y)| (f(*x), f(y.get())))
                .collect()
        };
        Model {
            fair_weight: f(b.fair_weight.value),
            by_ask: pts(&b.by_ask),
            by_fair: pts(&b.by_fair),
            patience: b.patience.iter().map(|s| f(s.get())).collect(),
        }
    }

    fn prior(&self, x: (f64, f64)) -> f64 {
        let w = self.fair_weight;
        (w * at(&self.by_fair, x.1) + (1.0 - w) * at(&self.by_ask, x.0)).clamp(0.0, 1.0)
    }

    fn predict(&self, o: &Obs, refusal: f64) -> f64 {
        if o.upper_value.is_some_and(|u| o.value >= u) {
            return 1.0;
        }
        let f_low = o.lower.map_or(0.0, |l| refusal * self.prior(l));
        let f_up = o.upper.map_or(1.0, |u| self.prior(u));
        let den = f_up - f_low;
        let a = if den > 0.0 {
            (self.prior(o.x) - f_low) / den
        } else {
            match o.upper_value {
                Some(u) if u > o.lower_value => (o.value - o.lower_value) / (u - o.lower_value),
                _ if o.value > o.lower_value => 1.0,
                _ => 0.0,
            }
        };
        a.clamp(0.0, 1.0)
    }

    fn brier(&self, obs: &[Obs], refusal: f64) -> f64 {
        if obs.is_empty() {
            return 0.0;
        }
        obs.iter()
            .map(|o| {
                let y = if o.accepted { 1.0 } else { 0.0 };
                (self.predict(o, refusal) - y).powi(2)
            })
            .sum::<f64>()
            / obs.len() as f64
    }
}

fn f(d: Decimal) -> f64 {
    d.to_f64().unwrap_or(0.0)
}

/// One bin of a reliability table.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Bin {
    /// The range of predicted chances, e.g. `0.7-0.8`.
    pub range: String,
    /// Offers in it.
    pub offers: u64,
    /// Mean predicted chance.
    pub predicted: f64,
    /// Share the buyer accepted.
    pub observed: f64,
}

fn reliability(m: &Model, obs: &[Obs], refusal: f64) -> Vec<Bin> {
    let mut bins = [(0u64, 0f64, 0u64); 10];
    for o in obs {
        let p = m.predict(o, refusal);
        let b = ((p * 10.0).floor() as usize).min(9);
        bins[b].0 += 1;
        bins[b].1 += p;
        bins[b].2 += u64::from(o.accepted);
    }
    bins.iter()
        .enumerate()
        .filter(|(_, b)| b.0 > 0)
        .map(|(i, b)| Bin {
            range: format!("{:.1}-{:.1}", i as f64 / 10.0, (i + 1) as f64 / 10.0),
            offers: b.0,
            predicted: round4(b.1 / b.0 as f64),
            observed: round4(b.2 as f64 / b.0 as f64),
        })
        .collect()
}

fn round4(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}

/// The fit's result.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Fit {
    /// Records read.
    pub read: u64,
    /// Records skipped as invalid (counted, each reported by line).
    pub skipped: Vec<(u64, String)>,
    /// Offers of ours the buyer answered.
    pub offers: u64,
    /// Of those, accepted.
    pub accepted: u64,
    /// Walk-aways after an offer.
    pub walked: u64,
    /// The rule set's model and its Brier score.
    pub before: Model,
    /// Its Brier score.
    pub brier_before: f64,
    /// Its reliability table.
    pub reliability_before: Vec<Bin>,
    /// The fitted model.
    pub after: Model,
    /// Its Brier score.
    pub brier_after: f64,
    /// Its reliability table.
    pub reliability_after: Vec<Bin>,
}

/// A history could not be fitted.
#[derive(Debug, thiserror::Error)]
pub enum FitError {
    /// The history could not be opened or read.
    #[error("{0}")]
    History(#[from] history::HistoryError),
    /// Reading failed part way.
    #[error("{path}: {source}")]
    Read {
        /// The history.
        path: String,
        /// Why.
        source: std::io::Error,
    },
}

/// Fits the buyer rules of `p` to the offers answered in a history.
pub fn fit(path: &Path, p: &Playbook) -> Result<Fit, FitError> {
    let mut reader = HistoryReader::open(path)?;
    let mut batch = Vec::new();
    let mut obs: Vec<Obs> = Vec::new();
    let mut skipped = Vec::new();
    let mut read = 0u64;
    loop {
        reader
            .fill_batch(&mut batch, 4096)
            .map_err(|source| FitError::Read {
                path: path.display().to_string(),
                source,
            })?;
        if batch.is_empty() {
            break;
        }
        read += batch.len() as u64;
        let results: Vec<Result<Vec<Obs>, (u64, String)>> = batch
            .par_iter()
            .map(|raw| {
                let claim = history::parse(raw).map_err(|b| (b.line, b.message))?;
                let list = observations(p, &claim)
                    .map_err(|e| (raw.line(), format!("claim {}: {e}", claim.id)))?;
                Ok(list
                    .into_iter()
                    .map(|o| {
                        let ratio = |v: Decimal| {
                            let r = |d: Decimal| {
                                if d > Decimal::ZERO { f(v) / f(d) } else { 10.0 }
                            };
                            (r(o.ask_value), r(o.fair))
                        };
                        Obs {
                            x: ratio(o.value),
                            lower: o.lower.map(ratio),
                            upper: o.upper.map(ratio),
                            value: f(o.value),
                            lower_value: o.lower.map_or(0.0, f),
                            upper_value: o.upper.map(f),
                            accepted: o.answer == Answer::Accepted,
                            walked: o.answer == Answer::Walked,
                            held: o.held,
                            unfair: 1.0 - f(o.fairness),
                        }
                    })
                    .collect())
            })
            .collect();
        for r in results {
            match r {
                Ok(list) => obs.extend(list),
                Err(bad) => skipped.push(bad),
            }
        }
    }
    let refusal = f(p.buyer().refusal.value);
    let before = Model::of(p);
    let mut after = before.clone();
    fit_curves(&mut after, &obs, refusal);
    fit_patience(&mut after, &obs);
    Ok(Fit {
        read,
        skipped,
        offers: obs.len() as u64,
        accepted: obs.iter().filter(|o| o.accepted).count() as u64,
        walked: obs.iter().filter(|o| o.walked).count() as u64,
        brier_before: round4(before.brier(&obs, refusal)),
        reliability_before: reliability(&before, &obs, refusal),
        brier_after: round4(after.brier(&obs, refusal)),
        reliability_after: reliability(&after, &obs, refusal),
        before,
        after,
    })
}

/// Coordinate descent over the curves' y values and the weight, on a grid of hundredths.
fn fit_curves(m: &mut Model, obs: &[Obs], refusal: f64) {
    if obs.is_empty() {
        return;
    }
    let grid: Vec<f64> = (0..=100).map(|i| f64::from(i) / 100.0).collect();
    let mut best = m.brier(obs, refusal);
    for _sweep in 0..8 {
        let start = best;
        // The weight.
        for &w in &grid {
            let old = m.fair_weight;
            m.fair_weight = w;
            let b = m.brier(obs, refusal);
            if b < best - 1e-12 {
                best = b;
            } else {
                m.fair_weight = old;
            }
        }
        // Each curve's y values, kept rising.
        for which in 0..2 {
            let n = if which == 0 {
                m.by_ask.len()
            } else {
                m.by_fair.len()
            };
            for i in 0..n {
                fn curve(m: &mut Model, which: usize) -> &mut Vec<(f64, f64)> {
                    if which == 0 {
                        &mut m.by_ask
                    } else {
                        &mut m.by_fair
                    }
                }
                let lo = if i == 0 {
                    0.0
                } else {
                    curve(m, which)[i - 1].1
                };
                let hi = if i + 1 < n {
                    curve(m, which)[i + 1].1
                } else {
                    1.0
                };
                for &y in grid.iter().filter(|y| **y >= lo && **y <= hi) {
                    let old = curve(m, which)[i].1;
                    curve(m, which)[i].1 = y;
                    let b = m.brier(obs, refusal);
                    if b < best - 1e-12 {
                        best = b;
                    } else {
                        curve(m, which)[i].1 = old;
                    }
                }
            }
        }
        if start - best < 1e-7 {
            break;
        }
    }
}

/// Patience per round held from the walk-aways after offers turned down.
fn fit_patience(m: &mut Model, obs: &[Obs]) {
    let rounds = m.patience.len();
    for (k, slot) in m.patience.iter_mut().enumerate() {
        // The last value holds for every later round.
        let in_round = |o: &&Obs| {
            let h = o.held as usize;
            !o.accepted && (h == k || (k + 1 == rounds && h > k))
        };
        let exposure: f64 = obs.iter().filter(in_round).map(|o| o.unfair).sum();
        let walks = obs.iter().filter(in_round).filter(|o| o.walked).count() as f64;
        if exposure >= 5.0 {
            *slot = ((1.0 - walks / exposure).clamp(0.0, 1.0) * 100.0).round() / 100.0;
        }
    }
}

impl Model {
    /// The model's values as `[buyer]` lines of a rule file.
    pub fn toml_lines(&self) -> Vec<(&'static str, String)> {
        let num = |x: f64| {
            let s = format!("{:.2}", x);
            s.trim_end_matches('0').trim_end_matches('.').to_string()
        };
        let num = |x: f64| {
            let t = num(x);
            if t.contains('.') { t } else { format!("{t}.0") }
        };
        let curve = |c: &[(f64, f64)]| {
            format!(
                "[{}]",
                c.iter()
                    .map(|(x, y)| format!("[{}, {}]", num(*x), num(*y)))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        };
        vec![
            ("fair_weight", num(self.fair_weight)),
            ("by_ask", curve(&self.by_ask)),
            ("by_fair", curve(&self.by_fair)),
            (
                "patience",
                format!(
                    "[{}]",
                    self.patience
                        .iter()
                        .map(|x| num(*x))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ),
        ]
    }
}

/// A rule file's `[buyer]` keys set to the fitted values, each key on its own line as the
/// shipped rules write them; `Err` names a key that is not written on one line.
pub fn rewrite_buyer_file(text: &str, m: &Model) -> Result<String, String> {
    let mut out = String::with_capacity(text.len());
    let mut in_buyer = false;
    let mut done: Vec<&str> = Vec::new();
    let lines = m.toml_lines();
    for line in text.lines() {
        let t = line.trim_start();
        if t.starts_with('[') {
            in_buyer = t.starts_with("[buyer]");
        }
        let key = t.split('=').next().unwrap_or("").trim();
        match lines
            .iter()
            .find(|(k, _)| in_buyer && *k == key && t.contains('='))
        {
            Some((k, v)) => {
                let comment = t
                    .find('#')
                    .filter(|&i| !t[..i].contains('"'))
                    .map(|i| format!("  {}", &t[i..]))
                    .unwrap_or_default();
                let value = t.split_once('=').map(|x| x.1).unwrap_or("");
                let opens = value.matches('[').count();
                let closes = value.matches(']').count();
                if opens != closes {
                    return Err(format!(
                        "`buyer.{k}` spans several lines; write it on one line to fit it"
                    ));
                }
                out.push_str(&format!("{k} = {v}{comment}\n"));
                done.push(k);
            }
            None => {
                out.push_str(line);
                out.push('\n');
            }
        }
    }
    for (k, _) in &lines {
        if !done.contains(k) {
            return Err(format!("`buyer.{k}` was not found in the [buyer] table"));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn obs(x: f64, accepted: bool) -> Obs {
        Obs {
            x: (x, x),
            lower: None,
            upper: None,
            value: x,
            lower_value: 0.0,
            upper_value: None,
            accepted,
            walked: false,
            held: 0,
            unfair: 0.5,
        }
    }

    #[test]
    fn the_fit_lowers_the_brier_score_towards_what_buyers_did() {
        // Buyers accept offers at 80% of the ask or more, never below.
        let data: Vec<Obs> = (0..200)
            .map(|i| {
                let x = f64::from(i) / 200.0;
                obs(x, x >= 0.8)
            })
            .collect();
        let mut m = Model {
            fair_weight: 0.5,
            by_ask: vec![(0.0, 0.5), (0.5, 0.5), (1.0, 0.5)],
            by_fair: vec![(0.0, 0.5), (1.0, 0.5)],
            patience: vec![0.9],
        };
        let before = m.brier(&data, 1.0);
        fit_curves(&mut m, &data, 1.0);
        let after = m.brier(&data, 1.0);
        assert!(after < before / 2.0, "{before} -> {after}");
        assert!(
            m.by_ask.windows(2).all(|w| w[0].1 <= w[1].1),
            "rising: {:?}",
            m.by_ask
        );
    }

    #[test]
    fn patience_is_fitted_from_the_walk_aways() {
        let mut data: Vec<Obs> = (0..100).map(|_| obs(0.5, false)).collect();
        for o in data.iter_mut().take(25) {
            o.walked = true;
        }
        let mut m = Model {
            fair_weight: 0.5,
            by_ask: vec![(0.0, 0.0), (1.0, 1.0)],
            by_fair: vec![(0.0, 0.0), (1.0, 1.0)],
            patience: vec![0.9, 0.8],
        };
        fit_patience(&mut m, &data);
        // 25 walks over an exposure of 100 × 0.5: patience 1 − 25/50.
        assert_eq!(m.patience[0], 0.5);
        assert_eq!(m.patience[1], 0.8, "no data for round 2: unchanged");
    }

    #[test]
    fn a_buyer_file_is_rewritten_in_place_and_a_split_key_is_refused() {
        let text = "[buyer]\nfair_weight = 0.8   # note\nby_ask = [[0.0, 0.0], [1.0, 1.0]]\nby_fair = [[0.0, 0.0], [1.0, 1.0]]\npatience = [0.9]\n\n[buyer.appeal]\nrefund = 1.0\n";
        let m = Model {
            fair_weight: 0.25,
            by_ask: vec![(0.0, 0.1), (1.0, 0.9)],
            by_fair: vec![(0.0, 0.0), (1.0, 1.0)],
            patience: vec![0.7],
        };
        let out = rewrite_buyer_file(text, &m).unwrap();
        assert!(out.contains("fair_weight = 0.25  # note\n"), "{out}");
        assert!(out.contains("by_ask = [[0.0, 0.1], [1.0, 0.9]]\n"), "{out}");
        assert!(out.contains("[buyer.appeal]\nrefund = 1.0\n"));
        let split = text.replace(
            "by_ask = [[0.0, 0.0], [1.0, 1.0]]",
            "by_ask = [\n  [0.0, 0.0],\n]",
        );
        assert!(
            rewrite_buyer_file(&split, &m)
                .unwrap_err()
                .contains("spans several lines")
        );
    }
}
