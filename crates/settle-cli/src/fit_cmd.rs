//! `settle rules fit`: the buyer rules fitted to what buyers did in a history.

use crate::check::{load_rules, rules_or_report};
use crate::{EXIT_BAD_INPUT, EXIT_OK, OutputFormat};
use anyhow::{Context, Result};
use settle_view::fit::FitView;
use std::path::Path;

pub fn run(
    history: &Path,
    rules: Option<&Path>,
    out: Option<&Path>,
    format: OutputFormat,
) -> Result<u8> {
    let Some(p) = rules_or_report(rules, "the rule set has errors; nothing fitted", format)? else {
        return Ok(EXIT_BAD_INPUT);
    };
    if let Some(dir) = out
        && dir.exists()
        && std::fs::read_dir(dir)
            .map(|mut d| d.next().is_some())
            .unwrap_or(true)
    {
        eprintln!(
            "error: {} exists and is not empty; give a new folder for the fitted rule set",
            dir.display()
        );
        return Ok(EXIT_BAD_INPUT);
    }
    let fit = match settle_replay::fit::fit(history, &p) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("error: {e}");
            return Ok(EXIT_BAD_INPUT);
        }
    };
    if fit.offers == 0 {
        eprintln!(
            "error: {} holds no offer of ours that a buyer answered; nothing to fit (the rounds need our proposals and the buyer's answers)",
            history.display()
        );
        return Ok(EXIT_BAD_INPUT);
    }
    let mut written = None;
    if let Some(dir) = out {
        let (_, sources) = load_rules(rules)?;
        let mut files = Vec::new();
        for s in &sources {
            let name = Path::new(s.name())
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let text = if name == "buyer.toml" {
                match settle_replay::fit::rewrite_buyer_file(s.text(), &fit.after) {
                    Ok(t) => t,
                    Err(why) => {
                        eprintln!("error: {}: {why}; nothing written", s.name());
                        return Ok(EXIT_BAD_INPUT);
                    }
                }
            } else {
                s.text().to_string()
            };
            files.push((name, text));
        }
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
        for (name, text) in files {
            let path = dir.join(&name);
            std::fs::write(&path, text)
                .with_context(|| format!("cannot write {}", path.display()))?;
        }
        written = Some(dir.display().to_string());
    }
    let view = FitView::of(&p, &history.display().to_string(), &fit, written);
    match format {
        OutputFormat::Json => outln!("{}", serde_json::to_string_pretty(&view)?),
        OutputFormat::Text => out!("{}", view.text()),
    }
    Ok(EXIT_OK)
}
