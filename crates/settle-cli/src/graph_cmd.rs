//! `settle rules graph [DIR] [--format dot|svg]`: the rule set as a picture. The
//! responsibility table is drawn as the decision list it is (each row: match, or on to the
//! next), eligibility rules point at the options they block, escalation rules at who decides,
//! evidence requests at the request. Built as a petgraph graph, written as Graphviz DOT; SVG
//! through Graphviz's `dot` when it is installed.

use crate::check::rules_or_report;
use crate::{EXIT_BAD_INPUT, EXIT_OK, OutputFormat};
use anyhow::{Context, Result};
use petgraph::dot::{Config, Dot};
use petgraph::graph::{DiGraph, NodeIndex};
use settle_engine::Playbook;
use settle_engine::claim::Remedy;
use std::collections::BTreeMap;
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
    label: String,
    shape: Shape,
}

fn esc(s: &str) -> String {
    s.replace('\\', "\\\\").replace('"', "\\\"")
}

/// The rule set as a graph.
fn build(p: &Playbook) -> DiGraph<Node, String> {
    let mut g: DiGraph<Node, String> = DiGraph::new();
    let mut outcome: BTreeMap<String, NodeIndex> = BTreeMap::new();
    let mut node_for = |g: &mut DiGraph<Node, String>, label: String, shape: Shape| -> NodeIndex {
        if let Some(i) = outcome.get(&label) {
            return *i;
        }
        let i = g.add_node(Node {
            label: label.clone(),
            shape,
        });
        outcome.insert(label, i);
        i
    };
    let rule_label = |r: settle_engine::playbook::RuleRef,
                      when: &settle_engine::condition::Condition| {
        format!("{}\\n{}\\n{}", p.rule(r).id, when.describe(), p.cite(r))
    };

    let start = g.add_node(Node {
        label: format!(
            "claim\\nresponsibility: hit {}",
            p.responsibility().hit.as_str()
        ),
        shape: Shape::Start,
    });
    let mut prev = start;
    let mut first = true;
    for row in &p.responsibility().rows {
        let n = g.add_node(Node {
            label: rule_label(row.rule, &row.when),
            shape: Shape::Rule,
        });
        g.add_edge(
            prev,
            n,
            if first {
                String::new()
            } else {
                "no".to_string()
            },
        );
        first = false;
        let shares = format!(
            "seller {} / buyer {} / carrier {}{}",
            row.shares.seller().normalize(),
            row.shares.buyer().normalize(),
            row.shares.carrier().normalize(),
            if row.unclear { "\\nunclear" } else { "" }
        );
        let o = node_for(&mut g, shares, Shape::Outcome);
        g.add_edge(n, o, "match".to_string());
        prev = n;
    }
    let fallback = match &p.responsibility().otherwise {
        Some(row) => format!(
            "otherwise: {}\\nseller {} / buyer {} / carrier {}",
            p.rule(row.rule).id,
            row.shares.seller().normalize(),
            row.shares.buyer().normalize(),
            row.shares.carrier().normalize()
        ),
        None => "no rule: seller 0.5 / buyer 0.5\\nunclear".to_string(),
    };
    let f = node_for(&mut g, fallback, Shape::Outcome);
    g.add_edge(prev, f, "no".to_string());

    let options: Vec<NodeIndex> = Remedy::ALL
        .iter()
        .map(|r| node_for(&mut g, format!("offer {r}"), Shape::Option))
        .collect();
    for e in p.eligibility() {
        let n = g.add_node(Node {
            label: rule_label(e.rule, &e.when),
            shape: Shape::Rule,
        });
        for r in e.options.iter() {
            g.add_edge(n, options[r.index()], "blocks".to_string());
        }
    }
    for e in p.escalation() {
        let n = g.add_node(Node {
            label: rule_label(e.rule, &e.when),
            shape: Shape::Rule,
        });
        let t = node_for(&mut g, format!("escalate to {}", e.to), Shape::Outcome);
        g.add_edge(n, t, e.kind.as_str().to_string());
    }
    let approver = node_for(
        &mut g,
        format!("escalate to {}", p.limits().approver),
        Shape::Outcome,
    );
    for l in &p.limits().approval {
        let n = g.add_node(Node {
            label: format!(
                "{}\\ncost > {} {}\\n{}",
                p.rule(l.rule).id,
                l.currency,
                l.amount,
                p.cite(l.rule)
            ),
            shape: Shape::Rule,
        });
        g.add_edge(n, approver, "approval".to_string());
    }
    let request = node_for(
        &mut g,
        "request evidence\\n(when responsibility is unclear)".to_string(),
        Shape::Outcome,
    );
    for r in p.evidence_requests() {
        let n = g.add_node(Node {
            label: rule_label(r.rule, &r.when),
            shape: Shape::Rule,
        });
        g.add_edge(n, request, "asks".to_string());
    }
    g
}

/// The rule set as DOT.
pub fn dot(p: &Playbook) -> String {
    let g = build(p);
    let node_attr = |_, (_, n): (NodeIndex, &Node)| -> String {
        let style = match n.shape {
            Shape::Start => "shape=oval, style=filled, fillcolor=\"#dde8f6\"",
            Shape::Rule => "shape=box, fontsize=10",
            Shape::Outcome => "shape=box, style=\"rounded,filled\", fillcolor=\"#eef5e9\"",
            Shape::Option => "shape=box, style=\"rounded,filled\", fillcolor=\"#fbeee6\"",
        };
        format!(
            "{style}, label=\"{}\"",
            esc(&n.label).replace("\\\\n", "\\n")
        )
    };
    let edge_attr = |_, e: petgraph::graph::EdgeReference<'_, String>| -> String {
        format!("label=\"{}\"", esc(e.weight()))
    };
    let body = format!(
        "{:?}",
        Dot::with_attr_getters(
            &g,
            &[Config::EdgeNoLabel, Config::NodeNoLabel],
            &edge_attr,
            &node_attr
        )
    );
    body.replacen(
        "digraph {",
        &format!(
            "digraph \"{}\" {{\n    rankdir=LR;\n    label=\"{} {}\";",
            esc(p.name()),
            esc(p.name()),
            esc(p.version())
        ),
        1,
    )
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
