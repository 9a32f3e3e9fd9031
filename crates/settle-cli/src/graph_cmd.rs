//! `settle rules graph [DIR] [--format dot|svg]`: the rule set as a picture to read on a
//! screen, top to bottom. The responsibility table is drawn as the decision list it is (each
//! row: match, and the shares beside it, or on to the next row below); each eligibility rule
//! with the options it blocks beside it, each escalation rule and approval limit with who
//! decides, each evidence request with what it asks for. Built as a petgraph graph, written as
//! Graphviz DOT; SVG through Graphviz's `dot` when it is installed.

use crate::check::rules_or_report;
use crate::{EXIT_BAD_INPUT, EXIT_OK, OutputFormat};
use anyhow::{Context, Result};
use petgraph::graph::{DiGraph, NodeIndex};
use petgraph::visit::EdgeRef;
use settle_engine::Playbook;
use std::fmt::Write as _;
use std::io::Write;
use std::path::Path;

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum GraphFormat {
    /// Graphviz DOT text, to draw with any Graphviz tool
    Dot,
    /// An SVG picture, drawn by Graphviz's `dot` (which must be installed)
    Svg,
}

/// What a node stands for (drawn differently).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    Start,
    Rule,
    Outcome,
    Option,
}

#[derive(Debug)]
struct Node {
    /// Lines of the label.
    label: Vec<String>,
    shape: Shape,
}

fn esc(s: &str) -> String {
    s.replace('\\', "\\\\").replace('"', "\\\"")
}

/// The widest a line of a label may be, in characters: boxes stay narrow enough for four
/// columns of them to fit a screen.
const LINE: usize = 44;

/// Text cut into lines of at most [`LINE`] characters at spaces (a longer word keeps its own
/// line).
fn wrap(text: &str) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split(' ') {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > LINE {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// A section of the picture: its title, and its rules from top to bottom, each with what it
/// leads to drawn beside it.
struct Section {
    title: String,
    /// Drawn above the first rule (the claim, for the responsibility table).
    head: Option<NodeIndex>,
    /// Each rule and the nodes beside it.
    rows: Vec<(NodeIndex, Vec<NodeIndex>)>,
}

/// The rule set as a graph, with the sections it is drawn in. Every rule gets its own result
/// nodes (the shares a row sets, the options a rule blocks, whom it hands the case to), so that
/// each result is drawn beside its rule.
fn build(p: &Playbook) -> (DiGraph<Node, String>, Vec<Section>) {
    use settle_engine::playbook::HitPolicy;
    let mut g: DiGraph<Node, String> = DiGraph::new();
    let add = |g: &mut DiGraph<Node, String>, label: Vec<String>, shape: Shape| {
        g.add_node(Node { label, shape })
    };
    let rule_label = |r: settle_engine::playbook::RuleRef,
                      when: &settle_engine::condition::Condition| {
        let mut lines = vec![p.rule(r).id.clone()];
        if when.tests().is_empty() {
            lines.push("always".to_string());
        }
        for (f, t) in when.tests() {
            lines.extend(wrap(&t.describe(*f)));
        }
        lines.push(p.cite(r));
        lines
    };
    let shares = |s: &settle_engine::playbook::Shares, unclear: bool| {
        let mut l = vec![format!(
            "seller {} / buyer {} / carrier {}",
            s.seller().normalize(),
            s.buyer().normalize(),
            s.carrier().normalize(),
        )];
        if unclear {
            l.push("unclear".to_string());
        }
        l
    };
    let mut sections = Vec::new();

    let hit = p.responsibility().hit;
    let start = add(
        &mut g,
        vec![
            "claim".to_string(),
            format!("responsibility: hit {}", hit.as_str()),
        ],
        Shape::Start,
    );
    let mut section = Section {
        title: format!(
            "Responsibility: {}",
            match hit {
                HitPolicy::First => "the first row that matches, top to bottom",
                HitPolicy::Priority => "the matching row of the highest priority",
                HitPolicy::Unique => "the one row that matches",
            }
        ),
        head: Some(start),
        rows: Vec::new(),
    };
    let mut prev = start;
    for (i, row) in p.responsibility().rows.iter().enumerate() {
        let mut label = rule_label(row.rule, &row.when);
        if hit == HitPolicy::Priority {
            label.insert(1, format!("priority {}", row.priority));
        }
        let n = add(&mut g, label, Shape::Rule);
        g.add_edge(
            prev,
            n,
            if i == 0 {
                String::new()
            } else {
                "no".to_string()
            },
        );
        let o = add(&mut g, shares(&row.shares, row.unclear), Shape::Outcome);
        g.add_edge(n, o, "match".to_string());
        section.rows.push((n, vec![o]));
        prev = n;
    }
    let (label, outcome) = match &p.responsibility().otherwise {
        Some(row) => (
            vec![
                format!("otherwise: {}", p.rule(row.rule).id),
                p.cite(row.rule),
            ],
            shares(&row.shares, row.unclear),
        ),
        None => (
            vec!["no row matches".to_string()],
            vec![
                "seller 0.5 / buyer 0.5 / carrier 0".to_string(),
                "unclear".to_string(),
            ],
        ),
    };
    let n = add(&mut g, label, Shape::Rule);
    g.add_edge(prev, n, "no".to_string());
    let o = add(&mut g, outcome, Shape::Outcome);
    g.add_edge(n, o, String::new());
    section.rows.push((n, vec![o]));
    sections.push(section);

    let mut section = Section {
        title:
            "Eligibility: the options each rule blocks (an option no rule blocks may be offered)"
                .to_string(),
        head: None,
        rows: Vec::new(),
    };
    for e in p.eligibility() {
        let n = add(&mut g, rule_label(e.rule, &e.when), Shape::Rule);
        let options: Vec<String> = e.options.iter().map(|r| r.to_string()).collect();
        let o = add(
            &mut g,
            vec![format!("no {}", options.join(", no "))],
            Shape::Option,
        );
        g.add_edge(n, o, "blocks".to_string());
        section.rows.push((n, vec![o]));
    }
    sections.push(section);

    let mut section = Section {
        title: "Escalation and approval: who decides".to_string(),
        head: None,
        rows: Vec::new(),
    };
    for e in p.escalation() {
        let n = add(&mut g, rule_label(e.rule, &e.when), Shape::Rule);
        let o = add(
            &mut g,
            vec![format!("escalate to {}", e.to)],
            Shape::Outcome,
        );
        g.add_edge(n, o, e.kind.as_str().to_string());
        section.rows.push((n, vec![o]));
    }
    for l in &p.limits().approval {
        let n = add(
            &mut g,
            vec![
                p.rule(l.rule).id.clone(),
                format!("cost > {} {}", l.currency, l.amount),
                p.cite(l.rule),
            ],
            Shape::Rule,
        );
        let o = add(
            &mut g,
            vec![format!("approval by {}", p.limits().approver)],
            Shape::Outcome,
        );
        g.add_edge(n, o, "approval".to_string());
        section.rows.push((n, vec![o]));
    }
    sections.push(section);

    let mut section = Section {
        title: "Evidence: what to ask for before paying".to_string(),
        head: None,
        rows: Vec::new(),
    };
    for r in p.evidence_requests() {
        let n = add(&mut g, rule_label(r.rule, &r.when), Shape::Rule);
        let mut label = vec![if r.verify {
            "verify: ask for".to_string()
        } else {
            "ask for (when unclear)".to_string()
        }];
        label.extend(wrap(&r.documents));
        let o = add(&mut g, label, Shape::Outcome);
        g.add_edge(n, o, "asks".to_string());
        section.rows.push((n, vec![o]));
    }
    sections.push(section);
    (g, sections)
}

/// The rule set as DOT, laid out to be read on a screen, top to bottom: each section a box of
/// its own, one below the other; in each, its rules one below the other (the responsibility
/// rows in the order they are tried), each with what it leads to beside it. Labels are
/// wrapped, so the picture is two boxes wide however many rules there are.
pub fn dot(p: &Playbook) -> String {
    let (g, sections) = build(p);
    let mut out = String::new();
    let _ = writeln!(out, "digraph \"{}\" {{", esc(p.name()));
    for line in [
        "rankdir=TB;",
        "newrank=true;",
        "nodesep=0.3;",
        "ranksep=0.25;",
        "fontname=\"Helvetica\";",
        "labelloc=t;",
        "node [fontname=\"Helvetica\", fontsize=10];",
        "edge [fontname=\"Helvetica\", fontsize=9];",
    ] {
        let _ = writeln!(out, "    {line}");
    }
    let _ = writeln!(out, "    label=\"{} {}\";", esc(p.name()), esc(p.version()));
    let node = |i: NodeIndex| {
        let n = &g[i];
        let style = match n.shape {
            Shape::Start => "shape=oval, style=filled, fillcolor=\"#dde8f6\"",
            Shape::Rule => "shape=box",
            Shape::Outcome => "shape=box, style=\"rounded,filled\", fillcolor=\"#eef5e9\"",
            Shape::Option => "shape=box, style=\"rounded,filled\", fillcolor=\"#fbeee6\"",
        };
        let label: Vec<String> = n.label.iter().map(|l| esc(l)).collect();
        format!("{} [{style}, label=\"{}\"]", i.index(), label.join("\\n"))
    };
    for (k, section) in sections.iter().enumerate() {
        let _ = writeln!(out, "    subgraph cluster_{k} {{");
        let _ = writeln!(out, "        label=\"{}\";", esc(&section.title));
        let _ = writeln!(
            out,
            "        style=rounded; color=\"#c3ccd6\"; fontsize=14;"
        );
        if let Some(h) = section.head {
            let _ = writeln!(out, "        {};", node(h));
        }
        for (rule, beside) in &section.rows {
            let _ = writeln!(out, "        {};", node(*rule));
            for b in beside {
                let _ = writeln!(out, "        {};", node(*b));
            }
            let ids: Vec<String> = std::iter::once(rule)
                .chain(beside)
                .map(|i| i.index().to_string())
                .collect();
            let _ = writeln!(out, "        {{ rank=same; {}; }}", ids.join("; "));
        }
        // Rules one below the other (the responsibility rows are chained by their edges).
        if section.head.is_none() {
            for w in section.rows.windows(2) {
                let _ = writeln!(
                    out,
                    "        {} -> {} [style=invis];",
                    w[0].0.index(),
                    w[1].0.index()
                );
            }
        }
        let _ = writeln!(out, "    }}");
    }
    // The sections one below the other.
    for w in sections.windows(2) {
        if let (Some((last, _)), Some((first, _))) = (w[0].rows.last(), w[1].rows.first()) {
            let _ = writeln!(
                out,
                "    {} -> {} [style=invis];",
                last.index(),
                first.index()
            );
        }
    }
    for e in g.edge_references() {
        let _ = writeln!(
            out,
            "    {} -> {} [label=\"{}\"];",
            e.source().index(),
            e.target().index(),
            esc(e.weight())
        );
    }
    out.push_str("}\n");
    out
}

pub fn run(dir: Option<&Path>, format: GraphFormat, out: Option<&Path>) -> Result<u8> {
    let Some(p) = rules_or_report(
        dir,
        "the rule set has errors; nothing drawn",
        OutputFormat::Text,
    )?
    else {
        return Ok(EXIT_BAD_INPUT);
    };
    let text = dot(&p);
    let bytes = match format {
        GraphFormat::Dot => text.into_bytes(),
        GraphFormat::Svg => {
            let child = std::process::Command::new("dot")
                .arg("-Tsvg")
                .stdin(std::process::Stdio::piped())
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn();
            let mut child = match child {
                Ok(c) => c,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                    eprintln!(
                        "error: SVG needs Graphviz's `dot`, which is not installed (on Debian: apt-get install graphviz); \
                         `--format dot` writes the graph without it"
                    );
                    return Ok(EXIT_BAD_INPUT);
                }
                Err(e) => return Err(e).context("cannot run Graphviz's `dot`"),
            };
            child
                .stdin
                .take()
                .context("dot's input")?
                .write_all(text.as_bytes())?;
            let output = child.wait_with_output()?;
            if !output.status.success() {
                anyhow::bail!(
                    "Graphviz's `dot` failed: {}",
                    String::from_utf8_lossy(&output.stderr)
                );
            }
            output.stdout
        }
    };
    match out {
        Some(path) => std::fs::write(path, bytes)
            .with_context(|| format!("cannot write {}", path.display()))?,
        None => std::io::stdout().write_all(&bytes)?,
    }
    Ok(EXIT_OK)
}
