//! `stackreg graph STACK`: the plan's dependency graph as a tree, Graphviz DOT, Mermaid or
//! JSON. Nodes are `id@version`; edges carry the `depends` range or the interface and
//! range of a `requires`.

use std::fmt;
use std::fmt::Write;

use petgraph::visit::EdgeRef;
use serde::Serialize;

use crate::resolve::{EdgeKind, Plan};
use crate::text::escape;

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
        let index = |id: &str| self.nodes.iter().position(|n| n.id == id).unwrap_or(0);
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
    /// A tree: each need, then what each release needs, depth first.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fn walk(
            g: &GraphReport,
            f: &mut fmt::Formatter<'_>,
            node: &str,
            prefix: &str,
            seen: &mut Vec<String>,
        ) -> fmt::Result {
            let children: Vec<&GraphEdge> = g.edges.iter().filter(|e| e.from == node).collect();
            for (i, e) in children.iter().enumerate() {
                let last = i + 1 == children.len();
                let repeat = seen.contains(&e.to);
                writeln!(
                    f,
                    "{prefix}{} {} ({}){}",
                    if last { "└─" } else { "├─" },
                    escape(&e.to),
                    escape(&e.label),
                    if repeat { " …" } else { "" }
                )?;
                if !repeat {
                    seen.push(e.to.clone());
                    let next = format!("{prefix}{}", if last { "   " } else { "│  " });
                    walk(g, f, &e.to, &next, seen)?;
                }
            }
            Ok(())
        }
        let mut roots: Vec<(&String, &Node)> = self
            .nodes
            .iter()
            .flat_map(|n| n.needs.iter().map(move |need| (need, n)))
            .collect();
        roots.sort_by(|a, b| a.0.cmp(b.0));
        let mut seen = Vec::new();
        for (need, n) in roots {
            writeln!(f, "need {} → {}", escape(need), escape(&n.id))?;
            if !seen.contains(&n.id) {
                seen.push(n.id.clone());
                walk(self, f, &n.id, "  ", &mut seen)?;
            }
        }
        Ok(())
    }
}
