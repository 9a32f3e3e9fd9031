//! `settle simulate`: the advice played against simulated buyers, round by round through the
//! real `advise` path, beside two fixed-curve sellers on the same buyers and seeds.

use crate::check::{claim_or_report, rules_or_report};
use crate::{EXIT_BAD_INPUT, EXIT_OK, OutputFormat};
use anyhow::{Context, Result};
use settle_sim::buyer::Style;
use settle_view::sim::SimView;
use std::path::{Path, PathBuf};

/// What `settle simulate` was asked to do.
#[derive(clap::Args)]
pub struct Args {
    /// Claim files, or folders of them (every .toml and .json inside, by name)
    #[arg(required = true)]
    pub claims: Vec<PathBuf>,
    /// The rule-set folder (default: the built-in rules/default)
    #[arg(long)]
    pub rules: Option<PathBuf>,
    /// A baseline rule-set folder to simulate on the same buyers and seeds, side by side
    #[arg(long)]
    pub baseline: Option<PathBuf>,
    /// Buyer styles, comma-separated (default: all): boulware, linear, conceder, hardliner,
    /// tit_for_tat, withdrawer, noisy
    #[arg(long, value_delimiter = ',')]
    pub buyers: Vec<String>,
    /// Runs per claim, buyer style, patience level and reserve level
    #[arg(long, default_value_t = 10)]
    pub runs: u32,
    /// The seed: the same seed gives the same report, whatever the thread count
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// The output's form
    #[arg(long, value_enum, default_value = "text")]
    pub format: OutputFormat,
    /// Also write the report as one self-contained HTML page
    #[arg(long, value_name = "FILE")]
    pub html: Option<PathBuf>,
    /// Worker threads (default: one per core); the report is the same for any number
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,
}

/// The claim files named: files as given, folders by their .toml and .json files in name
/// order.
fn claim_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir() {
            let mut inside: Vec<PathBuf> = std::fs::read_dir(p)
                .with_context(|| format!("cannot read {}", p.display()))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|f| {
                    f.is_file()
                        && matches!(
                            f.extension().and_then(|e| e.to_str()),
                            Some("toml" | "json")
                        )
                })
                .collect();
            inside.sort();
            out.extend(inside);
        } else {
            out.push(p.clone());
        }
    }
    Ok(out)
}

pub fn run(args: Args) -> Result<u8> {
    let mut styles = Vec::new();
    for b in &args.buyers {
        match Style::parse(b.trim()) {
            Some(s) => styles.push(s),
            None => {
                let names: Vec<&str> = Style::ALL.iter().map(|s| s.as_str()).collect();
                eprintln!(
                    "error: --buyers: `{b}` is not a buyer style; the styles are {}",
                    names.join(", ")
                );
                return Ok(EXIT_BAD_INPUT);
            }
        }
    }
    if styles.is_empty() {
        styles = Style::ALL.to_vec();
    }
    if args.runs == 0 {
        eprintln!("error: --runs must be at least 1");
        return Ok(EXIT_BAD_INPUT);
    }
    let Some(new) = rules_or_report(
        args.rules.as_deref(),
        "the rule set has errors; nothing simulated",
        args.format,
    )?
    else {
        return Ok(EXIT_BAD_INPUT);
    };
    let baseline = match &args.baseline {
        Some(b) => match rules_or_report(
            Some(b),
            "the baseline rule set has errors; nothing simulated",
            args.format,
        )? {
            Some(p) => Some(p),
            None => return Ok(EXIT_BAD_INPUT),
        },
        None => None,
    };
    let mut claims = Vec::new();
    let mut bad = 0;
    for f in claim_files(&args.claims)? {
        match claim_or_report(&f, "it is not simulated", OutputFormat::Text)? {
            Some(c) => claims.push(c),
            None => bad += 1,
        }
    }
    if bad > 0 {
        eprintln!("error: {bad} claim file(s) are invalid; nothing simulated");
        return Ok(EXIT_BAD_INPUT);
    }
    if claims.is_empty() {
        eprintln!("error: no claim files found in {}", show(&args.claims));
        return Ok(EXIT_BAD_INPUT);
    }
    let settings = settle_sim::Settings {
        styles,
        runs: args.runs,
        seed: args.seed,
    };
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(args.threads.unwrap_or(0))
        .build()
        .context("cannot start the worker threads")?;
    let (report, base) = pool.install(|| {
        let r = settle_sim::simulate(&new, &claims, &settings);
        let b = baseline
            .as_ref()
            .map(|bp| settle_sim::simulate(bp, &claims, &settings));
        (r, b)
    });
    let view = SimView::of(&new, &report, baseline.as_ref().zip(base.as_ref()));
    if let Some(path) = &args.html {
        let page = settle_view::html::sim_page(&view)?;
        std::fs::write(path, page).with_context(|| format!("cannot write {}", path.display()))?;
    }
    match args.format {
        OutputFormat::Json => outln!("{}", serde_json::to_string_pretty(&view)?),
        OutputFormat::Text => out!("{}", view.text()),
    }
    Ok(EXIT_OK)
}

fn show(paths: &[PathBuf]) -> String {
    paths
        .iter()
        .map(|p| Path::display(p).to_string())
        .collect::<Vec<_>>()
        .join(", ")
}
