//! Pages in headless Chromium (through `settle-browser`): the replay report as an analyst
//! reads it, at 1400 px and at a phone's 390 px. Each page is checked in the browser itself:
//! nothing runs past the window (wide tables scroll in their own box), no label is clipped by
//! its chart, type is large enough to read, the transition matrix shows its figures without a
//! hover, and the sections of the text report are all there. Screenshots are written to
//! `target/tmp/browser/` for a person to look at; they are not compared.
//!
//! Where Chromium or chromedriver is missing every test is reported as NOT RUN, loudly, and
//! never as passed (`.ci/run` installs both).

/// This file has its own `main` (libtest-mimic). Built by libtest's harness instead (a target
/// without `harness = false`), that main would never run and the target would pass with no
/// test; then this one runs, and fails. Without the harness it is not compiled.
#[test]
fn needs_harness_false() {
    panic!("this test target needs `harness = false` in its Cargo.toml: it has its own main");
}

use libtest_mimic::{Arguments, Completion, Failed, Trial};
use settle_browser::{Browser, Page, Tools, Viewport};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::sync::OnceLock;

/// Where the report and the screenshots go: `target/tmp/browser`.
fn artefacts() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR")).join("browser")
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The page under test: a replay of 3,000 generated claims under the lean rules against the
/// default, with a gate that fails (so that every section, the gate's included, is drawn).
///
/// `SETTLE_BROWSER_REPORT=FILE` checks that page instead (an older report, say, to see what the
/// checks find in it).
fn report() -> Result<&'static Path, Failed> {
    static REPORT: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    REPORT
        .get_or_init(|| {
            if let Some(page) = std::env::var_os("SETTLE_BROWSER_REPORT") {
                return Ok(PathBuf::from(page));
            }
            let dir = artefacts();
            std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
            let settle = |args: &[&str]| {
                Command::new(env!("CARGO_BIN_EXE_settle"))
                    .args(args)
                    .current_dir(&dir)
                    .output()
                    .map_err(|e| format!("settle {args:?}: {e}"))
            };
            let generated = settle(&[
                "history",
                "gen",
                "--count",
                "3000",
                "--seed",
                "7",
                "--out",
                "history.jsonl",
            ])?;
            if !generated.status.success() {
                return Err(String::from_utf8_lossy(&generated.stderr).into_owned());
            }
            let lean = root().join("rules/lean");
            let replay = settle(&[
                "replay",
                "history.jsonl",
                "--rules",
                lean.to_str().unwrap_or_default(),
                "--html",
                "replay.html",
                "--max-changed",
                "0",
            ])?;
            if replay.status.code() != Some(1) {
                return Err(format!(
                    "the replay should fail its gate (exit 1), not {:?}: {}",
                    replay.status.code(),
                    String::from_utf8_lossy(&replay.stderr)
                ));
            }
            Ok(dir.join("replay.html"))
        })
        .as_deref()
        .map_err(|e| Failed::from(e.as_str()))
}

/// Checks run in the page; each problem is a sentence.
const CHECKS: &str = r#"
const problems = [];
const vw = window.innerWidth;
const name = el => {
  let s = el.tagName.toLowerCase();
  if (el.id) s += '#' + el.id;
  if (el.className && typeof el.className === 'string') s += '.' + el.className.trim().split(/\s+/).join('.');
  const text = (el.textContent || '').trim().slice(0, 40);
  return text ? `${s} "${text}"` : s;
};
const width = document.documentElement.scrollWidth;
if (width > vw + 1) problems.push(`the page is ${width} px wide in a ${vw} px window`);
for (const el of document.body.querySelectorAll('*')) {
  const box = el.closest('.scroll');
  if (box && box !== el) continue;
  const r = el.getBoundingClientRect();
  if (r.width === 0 && r.height === 0) continue;
  if (r.right > vw + 1 || r.left < -1)
    problems.push(`${name(el)} runs past the window (${Math.round(r.left)} to ${Math.round(r.right)} of ${vw} px)`);
}
for (const el of document.body.querySelectorAll('*')) {
  if (el.closest('svg')) continue;
  const own = [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
  if (!own) continue;
  const size = parseFloat(getComputedStyle(el).fontSize);
  if (size < 11) problems.push(`${name(el)} is set in ${size} px type`);
  const cs = getComputedStyle(el);
  if (['hidden', 'clip'].includes(cs.overflowX) && el.scrollWidth > el.clientWidth + 1)
    problems.push(`${name(el)} is cut off`);
}
for (const t of document.querySelectorAll('svg text')) {
  const svg = t.ownerSVGElement.getBoundingClientRect();
  const r = t.getBoundingClientRect();
  if (r.left < svg.left - 1 || r.right > svg.right + 1 || r.top < svg.top - 1 || r.bottom > svg.bottom + 1)
    problems.push(`the label "${t.textContent}" is clipped by its chart`);
  if (r.height < 10) problems.push(`the label "${t.textContent}" is drawn ${r.height.toFixed(1)} px tall`);
}
const overlaps = (a, b) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
for (const svg of document.querySelectorAll('svg')) {
  const key = [...svg.querySelectorAll('.key *')].map(e => e.getBoundingClientRect());
  for (const c of svg.querySelectorAll('circle')) {
    const r = c.getBoundingClientRect();
    if (key.some(k => overlaps(k, r))) problems.push(`the legend covers a point of ${svg.getAttribute('aria-label')}`);
  }
  const labels = [...svg.querySelectorAll('text')];
  for (let i = 0; i < labels.length; i++)
    for (let j = i + 1; j < labels.length; j++)
      if (overlaps(labels[i].getBoundingClientRect(), labels[j].getBoundingClientRect()))
        problems.push(`the labels "${labels[i].textContent}" and "${labels[j].textContent}" overlap`);
}
for (const td of document.querySelectorAll('table.hm td[title]'))
  if (!/\d/.test(td.textContent)) problems.push('a cell of the transition matrix shows its figure only on hover');
if (!document.querySelector('table.hm td[title]')) problems.push('the transition matrix has no cells');
for (const v of document.querySelectorAll('.bars .value')) {
  const r = v.getBoundingClientRect();
  if (r.width === 0 || r.right > vw + 1) problems.push(`the bar's figure ${name(v)} is not shown in full`);
}
for (const id of ['rules-that-differ', 'cost', 'by-kind', 'transitions', 'rules', 'outcomes', 'largest', 'gate'])
  if (!document.getElementById(id)) problems.push(`there is no section #${id}`);
const saved = [...document.querySelectorAll('#outcomes ~ p')].some(p => p.textContent.includes('Money saved'));
if (!saved) problems.push('the money saved is not shown');
return problems;
"#;

/// Opens the report at `viewport`, checks it, and saves screenshots named after `label`.
fn check_report(browser: &Browser, viewport: Viewport, label: &str) -> Result<(), Failed> {
    let report = report()?;
    let page = browser.open(viewport).map_err(failed)?;
    page.goto_file(report).map_err(failed)?;
    let problems = page.eval(CHECKS).map_err(failed)?;
    screenshots(&page, viewport, label)?;
    let problems: Vec<String> = problems
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|p| p.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_else(|| vec![format!("the checks returned {problems}")]);
    if problems.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "at {} px, {} problems (screenshots in {}):\n  {}",
            viewport.width,
            problems.len(),
            artefacts().display(),
            problems.join("\n  ")
        )
        .into())
    }
}

/// Each section as it appears in the window, and at a desktop width the whole page too.
fn screenshots(page: &Page<'_>, viewport: Viewport, label: &str) -> Result<(), Failed> {
    let dir = artefacts();
    let ids = page
        .eval("return [...document.querySelectorAll('h2[id]')].map(h => h.id)")
        .map_err(failed)?;
    page.screenshot(&dir.join(format!("replay-{label}-top.png")))
        .map_err(failed)?;
    for id in ids
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|v| v.as_str())
    {
        page.eval(&format!(
            "document.getElementById('{id}').scrollIntoView(); return true"
        ))
        .map_err(failed)?;
        page.screenshot(&dir.join(format!("replay-{label}-{id}.png")))
            .map_err(failed)?;
    }
    if viewport.width >= 600 {
        page.screenshot_full(&dir.join(format!("replay-{label}.png")), viewport)
            .map_err(failed)?;
    }
    Ok(())
}

fn failed(e: settle_browser::Error) -> Failed {
    let mut s = e.to_string();
    let mut source = std::error::Error::source(&e);
    while let Some(cause) = source {
        s.push_str(&format!(": {cause}"));
        source = cause.source();
    }
    s.into()
}

type Test = fn(&Browser) -> Result<(), Failed>;

const TESTS: &[(&str, Test)] = &[
    ("replay_report_at_1400_px", |b| {
        check_report(b, Viewport::DESKTOP, "1400")
    }),
    ("replay_report_at_phone_width", |b| {
        check_report(b, Viewport::PHONE, "390")
    }),
];

fn main() -> ExitCode {
    let args = Arguments::from_args();
    let tools = Tools::find();
    let trials = TESTS
        .iter()
        .map(|&(name, test)| {
            let tools = tools.clone();
            Trial::ignorable_test(name, move || match tools {
                Err(why) => Ok(Completion::ignored_with(format!("NOT RUN: {why}"))),
                Ok(tools) => {
                    let browser = Browser::start(&tools).map_err(failed)?;
                    test(&browser).map(|()| Completion::Completed)
                }
            })
        })
        .collect();
    let banner = tools.as_ref().err().map(|why| {
        format!(
            "browser: {} tests NOT RUN: {why} (apt-get install chromium chromium-driver; .ci/run does)",
            TESTS.len()
        )
    });
    if let Some(b) = &banner {
        eprintln!("{b}");
    }
    let conclusion = libtest_mimic::run(&args, trials);
    if let Some(b) = &banner {
        eprintln!("{b}");
    }
    conclusion.exit_code()
}
