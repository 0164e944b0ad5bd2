//! `stackreg graph STACK`: the plan's dependency graph as a tree, Graphviz DOT, Mermaid or
//! JSON. Nodes are `id@version`; edges carry the `depends` range or the interface and
//! range of a `requires`.

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::fmt::Write;

use petgraph::visit::EdgeRef;
use serde::Serialize;

use crate::resolve::{EdgeKind, Plan};
use crate::text::escape;

/// How many levels the tree view shows.
const MAX_TREE_DEPTH: usize = 64;

/// A node of the graph.
#[derive(Debug, Clone, Serialize)]
pub struct Node {
    /// `component@version`.
    pub id: String,
    pub component: String,
    pub version: String,
    /// Stack needs this release meets.
    pub needs: Vec<String>,
}

/// An edge of the graph.
#[derive(Debug, Clone, Serialize)]
pub struct GraphEdge {
    pub from: String,
    pub to: String,
    /// `depends` or `requires`.
    pub kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub interface: Option<String>,
    pub range: String,
    /// `depends ^10`, `requires notify-api ^2`.
    pub label: String,
}

/// The answer to `graph`.
#[derive(Debug, Clone, Serialize)]
pub struct GraphReport {
    pub stack: String,
    pub nodes: Vec<Node>,
    pub edges: Vec<GraphEdge>,
}

impl GraphReport {
    /// Builds the graph through petgraph, in plan order.
    pub fn new(stack: &str, plan: &Plan) -> GraphReport {
        let (g, _) = plan.graph();
        let nodes = g
            .node_indices()
            .map(|n| {
                let r = g[n];
                Node {
                    id: format!("{}@{}", r.component, r.version),
                    component: r.component.to_string(),
                    version: r.version.to_string(),
                    needs: r.needs.iter().map(ToString::to_string).collect(),
                }
            })
            .collect();
        let edges = g
            .edge_references()
            .map(|e| {
                let (a, b) = (g[e.source()], g[e.target()]);
                let edge = e.weight();
                let (kind, interface, range) = match &edge.kind {
                    EdgeKind::Depends { range } => ("depends", None, range.to_string()),
                    EdgeKind::Requires { interface, range } => {
                        ("requires", Some(interface.to_string()), range.to_string())
                    }
                };
                GraphEdge {
                    from: format!("{}@{}", a.component, a.version),
                    to: format!("{}@{}", b.component, b.version),
                    kind,
                    interface,
                    range,
                    label: edge.label(),
                }
            })
            .collect();
        GraphReport {
            stack: stack.to_owned(),
            nodes,
            edges,
        }
    }

    /// Graphviz DOT.
    pub fn dot(&self) -> String {
        let q = |s: &str| {
            format!(
                "\"{}\"",
                escape(s).replace('\\', "\\\\").replace('"', "\\\"")
            )
        };
        let mut out = String::from(
            "digraph plan {\n  rankdir=LR;\n  node [shape=box, fontname=\"sans-serif\"];\n  edge [fontname=\"sans-serif\", fontsize=10];\n",
        );
        let _ = writeln!(out, "  label={};", q(&self.stack));
        for n in &self.nodes {
            let _ = writeln!(out, "  {};", q(&n.id));
            for need in &n.needs {
                let need_id = format!("need:{need}");
                let _ = writeln!(
                    out,
                    "  {} [shape=ellipse, style=dashed, label={}];\n  {} -> {};",
                    q(&need_id),
                    q(need),
                    q(&need_id),
                    q(&n.id)
                );
            }
        }
        for e in &self.edges {
            let _ = writeln!(
                out,
                "  {} -> {} [label={}];",
                q(&e.from),
                q(&e.to),
                q(&e.label)
            );
        }
        out.push_str("}\n");
        out
    }

    /// A Mermaid flowchart.
    pub fn mermaid(&self) -> String {
        let label = |s: &str| escape(s).replace('"', "#quot;");
        let positions: std::collections::HashMap<&str, usize> = self
            .nodes
            .iter()
            .enumerate()
            .map(|(i, n)| (n.id.as_str(), i))
            .collect();
        let index = |id: &str| positions.get(id).copied().unwrap_or(0);
        let mut out = String::from("flowchart LR\n");
        for (i, n) in self.nodes.iter().enumerate() {
            let _ = writeln!(out, "  n{i}[\"{}\"]", label(&n.id));
        }
        let mut need_count = 0;
        for (i, n) in self.nodes.iter().enumerate() {
            for need in &n.needs {
                let _ = writeln!(
                    out,
                    "  need{need_count}([\"need {}\"]) -.-> n{i}",
                    label(need)
                );
                need_count += 1;
            }
        }
        for e in &self.edges {
            let _ = writeln!(
                out,
                "  n{} -- \"{}\" --> n{}",
                index(&e.from),
                label(&e.label),
                index(&e.to)
            );
        }
        out
    }
}

impl fmt::Display for GraphReport {
    /// A tree: each need, then what each release needs, depth first. Releases shown
    /// before are marked `…` and not expanded again; the tree stops `MAX_TREE_DEPTH`
    /// levels down (chains of dependencies can be thousands long).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut children: HashMap<&str, Vec<&GraphEdge>> = HashMap::new();
        for e in &self.edges {
            children.entry(e.from.as_str()).or_default().push(e);
        }
        let none: Vec<&GraphEdge> = Vec::new();
        let mut roots: Vec<(&String, &Node)> = self
            .nodes
            .iter()
            .flat_map(|n| n.needs.iter().map(move |need| (need, n)))
            .collect();
        roots.sort_by(|a, b| a.0.cmp(b.0));
        let mut seen: HashSet<&str> = HashSet::new();
        for (need, n) in roots {
            writeln!(f, "need {} → {}", escape(need), escape(&n.id))?;
            if !seen.insert(n.id.as_str()) {
                continue;
            }
            // Depth first without recursion: for each level, its edges, the next to
            // print, and the prefix of its lines.
            let mut stack: Vec<(&[&GraphEdge], usize, String)> = vec![(
                children.get(n.id.as_str()).unwrap_or(&none),
                0,
                "  ".to_owned(),
            )];
            while let Some((edges, i, prefix)) = stack.last_mut() {
                let Some(e) = edges.get(*i) else {
                    stack.pop();
                    continue;
                };
                *i += 1;
                let last = *i == edges.len();
                let repeat = seen.contains(e.to.as_str());
                writeln!(
                    f,
                    "{prefix}{} {} ({}){}",
                    if last { "└─" } else { "├─" },
                    escape(&e.to),
                    escape(&e.label),
                    if repeat { " …" } else { "" }
                )?;
                if repeat {
                    continue;
                }
                seen.insert(e.to.as_str());
                let next = format!("{prefix}{}", if last { "   " } else { "│  " });
                let below = children.get(e.to.as_str()).unwrap_or(&none);
                if stack.len() >= MAX_TREE_DEPTH && !below.is_empty() {
                    writeln!(f, "{next}└─ … (deeper levels not shown)")?;
                    continue;
                }
                stack.push((below, 0, next));
            }
        }
        Ok(())
    }
}
