//! The plan's dependency graph drawn as SVG when the site is generated, so that it shows
//! with no JavaScript: a layered drawing, left to right, from the stack's needs to the
//! releases that meet them and on to what those depend on and require.
//!
//! Layout: cycles are broken by reversing back edges found depth first; nodes get layers
//! by longest path from the needs; edges spanning several layers run through invisible
//! waypoints; the order within each layer is improved by barycentre sweeps (keeping the
//! order with the fewest crossings); vertical positions are the closest to each node's
//! neighbours that keep the order and the spacing. Everything is decided by ids and
//! counts, so the same plan always gives the same bytes.

use std::collections::BTreeMap;
use std::fmt::Write;

use maud::{Markup, html};

use crate::site::html::Text;

mod layout;

use crate::model::{Id, Need};
use crate::report::graph::GraphReport;
use layout::{Slot, layout, place};

/// A box in the drawing.
#[derive(Debug, Clone)]
pub struct GraphNode {
    /// Unique; also the tie-break for ordering.
    pub key: String,
    pub title: String,
    pub subtitle: String,
    /// A stack need (drawn as a dashed pill) rather than a release.
    pub need: bool,
}

/// An arrow from one box to another (indexes into the nodes).
#[derive(Debug, Clone)]
pub struct GraphEdge {
    pub from: usize,
    pub to: usize,
    pub label: String,
    /// The style class: `need`, `depends` or `requires`.
    pub class: &'static str,
}

/// What to draw.
#[derive(Debug, Clone, Default)]
pub struct Graph {
    pub nodes: Vec<GraphNode>,
    pub edges: Vec<GraphEdge>,
}

const NODE_H: f64 = 44.0;
const NEED_H: f64 = 36.0;
const GAP: f64 = 18.0;
const DUMMY_GAP: f64 = 10.0;
const MARGIN: f64 = 16.0;
const LABEL_SPACING: f64 = 15.0;

/// The graph of a plan: one pill per need, one box per planned release.
pub fn plan_graph(report: &GraphReport, needs: &BTreeMap<Id, Need>) -> Graph {
    let mut g = Graph::default();
    let mut index: BTreeMap<&str, usize> = BTreeMap::new();
    for n in &report.nodes {
        index.insert(n.id.as_str(), g.nodes.len());
        g.nodes.push(GraphNode {
            key: format!("1 {}", n.id),
            title: n.component.clone(),
            subtitle: n.version.clone(),
            need: false,
        });
    }
    for (name, need) in needs {
        let targets: Vec<usize> = report
            .nodes
            .iter()
            .filter(|n| n.needs.iter().any(|x| x == name.as_str()))
            .filter_map(|n| index.get(n.id.as_str()).copied())
            .collect();
        let at = g.nodes.len();
        g.nodes.push(GraphNode {
            key: format!("0 {name}"),
            title: name.to_string(),
            subtitle: need.to_string(),
            need: true,
        });
        for t in targets {
            g.edges.push(GraphEdge {
                from: at,
                to: t,
                label: String::new(),
                class: "need",
            });
        }
    }
    for e in &report.edges {
        if let (Some(&a), Some(&b)) = (index.get(e.from.as_str()), index.get(e.to.as_str())) {
            // A dashed line already says "requires"; the label names the interface.
            let (label, class) = match &e.interface {
                Some(interface) if e.kind == "requires" => {
                    (format!("{interface} {}", e.range), "requires")
                }
                _ => (e.label.clone(), "depends"),
            };
            g.edges.push(GraphEdge {
                from: a,
                to: b,
                label,
                class,
            });
        }
    }
    g
}

/// Approximate rendered width of `s` at `px` font size in Arial (no font metrics are
/// available when the page is generated; the estimate errs wide).
fn text_width(s: &str, px: f64) -> f64 {
    s.chars().count() as f64 * px * 0.55
}

fn num(x: f64) -> String {
    let r = (x * 10.0).round() / 10.0;
    if r == r.trunc() {
        format!("{}", r as i64)
    } else {
        format!("{r:.1}")
    }
}

/// Draws the graph as an inline `<svg>` with a title and description for assistive
/// technology. `title` names the graph; `description` says where the same facts are as
/// text.
pub fn render(g: &Graph, title: &str, description: &str) -> Markup {
    let lay = layout(g);
    let height_of = |s: Slot| match s {
        Slot::Node(v) if g.nodes[v].need => NEED_H,
        Slot::Node(_) => NODE_H,
        Slot::Waypoint => 0.0,
    };
    let width_of = |s: Slot| match s {
        Slot::Node(v) => {
            let n = &g.nodes[v];
            (text_width(&n.title, 13.0) + 6.0)
                .max(text_width(&n.subtitle, 12.0))
                .max(80.0)
                + 24.0
        }
        Slot::Waypoint => 0.0,
    };
    // Column widths and the gaps after each column (wide enough for the edge labels that
    // start in it).
    let columns: Vec<f64> = lay
        .layers
        .iter()
        .map(|l| l.iter().map(|&s| width_of(s)).fold(0.0, f64::max))
        .collect();
    let mut gap_after = vec![56.0f64; lay.layers.len()];
    for (i, e) in g.edges.iter().enumerate() {
        if e.label.is_empty() {
            continue;
        }
        let chain = &lay.chains[i];
        let l = if lay.reversed[i] {
            chain[chain.len().saturating_sub(2)].0
        } else {
            chain[0].0
        };
        gap_after[l] = gap_after[l].max(text_width(&e.label, 11.0) + 30.0);
    }
    let mut x_left = Vec::with_capacity(columns.len());
    let mut x = MARGIN;
    for (i, w) in columns.iter().enumerate() {
        x_left.push(x);
        x += w + gap_after[i];
    }
    let total_w = x - gap_after.last().copied().unwrap_or(0.0) + MARGIN;

    // Vertical centres: start stacked, then pull each layer towards its neighbours.
    let mut y: Vec<Vec<f64>> = lay
        .layers
        .iter()
        .map(|l| {
            let mut acc = 0.0;
            let mut out = Vec::new();
            for (i, &s) in l.iter().enumerate() {
                if i > 0 {
                    acc += gap_between(l[i - 1], s, &height_of);
                }
                out.push(acc);
            }
            out
        })
        .collect();
    for round in 0..6 {
        let down = round % 2 == 0;
        let order: Vec<usize> = if down {
            (1..lay.layers.len()).collect()
        } else {
            (0..lay.layers.len().saturating_sub(1)).rev().collect()
        };
        for l in order {
            let neighbour = if down { l - 1 } else { l + 1 };
            let mut sums = vec![(0.0f64, 0usize); lay.layers[l].len()];
            for chain in &lay.chains {
                for w in chain.windows(2) {
                    let ((la, a), (lb, b)) = (w[0], w[1]);
                    if la == l && lb == neighbour {
                        sums[a].0 += y[lb][b];
                        sums[a].1 += 1;
                    } else if lb == l && la == neighbour {
                        sums[b].0 += y[la][a];
                        sums[b].1 += 1;
                    }
                }
            }
            let desired: Vec<f64> = sums
                .iter()
                .enumerate()
                .map(|(i, &(s, c))| if c == 0 { y[l][i] } else { s / c as f64 })
                .collect();
            let slots = &lay.layers[l];
            let gaps: Vec<f64> = (0..slots.len())
                .map(|i| {
                    if i == 0 {
                        0.0
                    } else {
                        gap_between(slots[i - 1], slots[i], &height_of)
                    }
                })
                .collect();
            y[l] = place(&desired, &gaps);
        }
    }
    let top = lay
        .layers
        .iter()
        .zip(&y)
        .flat_map(|(l, ys)| l.iter().zip(ys).map(|(&s, &c)| c - height_of(s) / 2.0))
        .fold(f64::INFINITY, f64::min);
    let shift = if top.is_finite() { MARGIN - top } else { 0.0 };
    for ys in &mut y {
        for v in ys.iter_mut() {
            *v += shift;
        }
    }
    let mut total_h: f64 = lay
        .layers
        .iter()
        .zip(&y)
        .flat_map(|(l, ys)| l.iter().zip(ys).map(|(&s, &c)| c + height_of(s) / 2.0))
        .fold(0.0, f64::max)
        + MARGIN;

    // Where each node's box is.
    let mut boxes: BTreeMap<usize, (f64, f64, f64, f64)> = BTreeMap::new();
    for (l, slots) in lay.layers.iter().enumerate() {
        for (p, &s) in slots.iter().enumerate() {
            if let Slot::Node(v) = s {
                let w = width_of(s);
                let h = height_of(s);
                boxes.insert(v, (x_left[l], y[l][p] - h / 2.0, w, h));
            }
        }
    }
    let point = |l: usize, p: usize, side: f64| -> (f64, f64) {
        match lay.layers[l][p] {
            Slot::Node(v) => {
                let (bx, by, bw, bh) = boxes.get(&v).copied().unwrap_or_default();
                (bx + bw * side, by + bh / 2.0)
            }
            Slot::Waypoint => (x_left[l] + columns[l] / 2.0, y[l][p]),
        }
    };

    // Edge paths, and label positions per gap.
    let mut paths: Vec<(String, &'static str, bool)> = Vec::new();
    let mut labels: BTreeMap<usize, Vec<(f64, f64, &str)>> = BTreeMap::new();
    for (i, e) in g.edges.iter().enumerate() {
        let chain = &lay.chains[i];
        let mut pts: Vec<(f64, f64)> = Vec::with_capacity(chain.len());
        for (k, &(l, p)) in chain.iter().enumerate() {
            let side = if k == 0 { 1.0 } else { 0.0 };
            pts.push(point(l, p, side));
        }
        let mut d = String::new();
        if let Some(&(x0, y0)) = pts.first() {
            let _ = write!(d, "M{} {}", num(x0), num(y0));
        }
        for w in pts.windows(2) {
            let ((x0, y0), (x1, y1)) = (w[0], w[1]);
            let dx = ((x1 - x0) / 2.0).abs().max(20.0);
            let _ = write!(
                d,
                " C{} {} {} {} {} {}",
                num(x0 + dx),
                num(y0),
                num(x1 - dx),
                num(y1),
                num(x1),
                num(y1)
            );
        }
        paths.push((d, e.class, lay.reversed[i]));
        if !e.label.is_empty() && pts.len() >= 2 {
            // The label sits on the segment that starts at the edge's source.
            let seg = if lay.reversed[i] { pts.len() - 2 } else { 0 };
            let ((x0, y0), (x1, y1)) = (pts[seg], pts[seg + 1]);
            labels.entry(chain[seg].0).or_default().push((
                (x0 + x1) / 2.0,
                (y0 + y1) / 2.0,
                e.label.as_str(),
            ));
        }
    }
    let mut placed: Vec<(f64, f64, &str)> = Vec::new();
    for (_, mut list) in labels {
        list.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.2.cmp(b.2)));
        let desired: Vec<f64> = list.iter().map(|l| l.1).collect();
        let gaps: Vec<f64> = (0..list.len())
            .map(|i| if i == 0 { 0.0 } else { LABEL_SPACING })
            .collect();
        let ys = place(&desired, &gaps);
        for ((x, _, text), y) in list.into_iter().zip(ys) {
            total_h = total_h.max(y + 10.0);
            placed.push((x, y, text));
        }
    }
    let top_label = placed.iter().map(|p| p.1 - 12.0).fold(MARGIN, f64::min);
    let lift = MARGIN - top_label;

    let (w, h) = (num(total_w), num(total_h + lift));
    html! {
        svg.plan-graph role="img" aria-labelledby="graph-title graph-desc" width=(w) height=(h)
            viewBox={ "0 " (num(-lift)) " " (w) " " (h) } {
            "\n"
            title #graph-title { (Text(title)) } "\n"
            desc #graph-desc { (Text(description)) } "\n"
            defs {
                marker #arrow viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7"
                    markerHeight="7" orient="auto-start-reverse" {
                    path.arrowhead d="M0 0L10 5L0 10z" {}
                }
            }
            "\n"
            g.edges {
                @for (d, class, reversed) in &paths {
                    "\n"
                    @if *reversed {
                        path class={ "edge " (class) } d=(d) marker-start="url(#arrow)" {}
                    } @else {
                        path class={ "edge " (class) } d=(d) marker-end="url(#arrow)" {}
                    }
                }
            }
            "\n"
            g.edge-labels {
                @for (x, y, text) in &placed {
                    "\n"
                    text x=(num(*x)) y=(num(*y + 4.0)) text-anchor="middle" { (Text(text)) }
                }
            }
            "\n"
            g.nodes {
                @for (v, (bx, by, bw, bh)) in &boxes {
                    "\n"
                    (node(&g.nodes[*v], *bx, *by, *bw, *bh))
                }
            }
            "\n"
        }
    }
}

/// One box of the drawing, with its title and subtitle.
fn node(n: &GraphNode, bx: f64, by: f64, bw: f64, bh: f64) -> Markup {
    let cx = num(bx + bw / 2.0);
    let rx = if n.need { num(bh / 2.0) } else { "4".into() };
    let (t1, t2) = if n.need {
        (by + 15.0, by + 29.0)
    } else {
        (by + 19.0, by + 35.0)
    };
    html! {
        g class=(if n.need { "node need" } else { "node release" }) {
            rect x=(num(bx)) y=(num(by)) width=(num(bw)) height=(num(bh)) rx=(rx) {}
            text.title x=(cx) y=(num(t1)) text-anchor="middle" { (Text(&n.title)) }
            text.subtitle x=(cx) y=(num(t2)) text-anchor="middle" { (Text(&n.subtitle)) }
        }
    }
}

fn gap_between(a: Slot, b: Slot, height_of: &impl Fn(Slot) -> f64) -> f64 {
    let gap = match (a, b) {
        (Slot::Node(_), Slot::Node(_)) => GAP,
        _ => DUMMY_GAP,
    };
    height_of(a) / 2.0 + height_of(b) / 2.0 + gap
}

#[cfg(test)]
mod tests {
    use super::layout::crossings;
    use super::*;

    fn graph(nodes: &[&str], edges: &[(usize, usize)]) -> Graph {
        Graph {
            nodes: nodes
                .iter()
                .map(|k| GraphNode {
                    key: (*k).into(),
                    title: (*k).into(),
                    subtitle: "1.0.0".into(),
                    need: false,
                })
                .collect(),
            edges: edges
                .iter()
                .map(|&(from, to)| GraphEdge {
                    from,
                    to,
                    label: "depends ^1".into(),
                    class: "depends",
                })
                .collect(),
        }
    }

    #[test]
    fn layers_by_longest_path_with_waypoints() {
        // a → b → c and a → c: c is two layers below a, so a → c gets a waypoint.
        let g = graph(&["a", "b", "c"], &[(0, 1), (1, 2), (0, 2)]);
        let lay = layout(&g);
        assert_eq!(lay.layers.len(), 3);
        assert_eq!(lay.chains[2].len(), 3);
        assert!(lay.reversed.iter().all(|r| !r));
    }

    #[test]
    fn self_loops_do_not_break_the_layout() {
        // A component that depends on itself (an invalid registry still loads).
        let g = graph(&["a", "b"], &[(0, 0), (0, 1)]);
        let svg = render(&g, "t", "d").into_string();
        assert_eq!(svg.matches("class=\"edge depends\"").count(), 2, "{svg}");
        let lay = layout(&g);
        assert_eq!(lay.layers.len(), 2);
    }

    #[test]
    fn cycles_are_broken_and_drawn() {
        let g = graph(&["a", "b"], &[(0, 1), (1, 0)]);
        let lay = layout(&g);
        assert_eq!(lay.reversed, vec![false, true]);
        let svg = render(&g, "t", "d").into_string();
        assert!(svg.contains("marker-start"), "{svg}");
    }

    #[test]
    fn the_same_graph_draws_the_same_bytes() {
        let g = graph(
            &["a", "b", "c", "d", "e"],
            &[(0, 2), (1, 2), (0, 3), (3, 4), (2, 4), (1, 4)],
        );
        assert_eq!(
            render(&g, "t", "d").into_string(),
            render(&g, "t", "d").into_string()
        );
    }

    #[test]
    fn barycentre_ordering_removes_avoidable_crossings() {
        // a → d, b → c: ordering c, d by key alone would cross.
        let g = graph(&["a", "b", "c", "d"], &[(0, 3), (1, 2)]);
        let lay = layout(&g);
        let pos: Vec<Vec<usize>> = lay.layers.iter().map(|l| (0..l.len()).collect()).collect();
        assert_eq!(crossings(&lay.chains, &pos), 0);
    }

    proptest::proptest! {
        /// Any graph (cycles, self-loops, repeated edges, isolated nodes) draws without
        /// panicking, with finite coordinates, the same way twice.
        #[test]
        fn any_graph_draws(
            n in 1usize..9,
            edges in proptest::collection::vec((0usize..9, 0usize..9), 0..18),
        ) {
            let names: Vec<String> = (0..n).map(|i| format!("c{i}")).collect();
            let names: Vec<&str> = names.iter().map(String::as_str).collect();
            let edges: Vec<(usize, usize)> =
                edges.into_iter().map(|(a, b)| (a % n, b % n)).collect();
            let g = graph(&names, &edges);
            let svg = render(&g, "t", "d").into_string();
            proptest::prop_assert!(!svg.contains("NaN") && !svg.contains("inf"), "{}", svg);
            proptest::prop_assert_eq!(svg.matches("<rect").count(), n);
            proptest::prop_assert_eq!(svg, render(&g, "t", "d").into_string());
        }
    }

    #[test]
    fn placement_keeps_order_and_spacing() {
        let ys = place(&[10.0, 10.0, 10.0], &[0.0, 20.0, 20.0]);
        assert_eq!(ys, vec![-10.0, 10.0, 30.0]);
        let ys = place(&[0.0, 100.0], &[0.0, 20.0]);
        assert_eq!(ys, vec![0.0, 100.0]);
    }

    #[test]
    fn labels_are_escaped() {
        let mut g = graph(&["<script>", "b"], &[(0, 1)]);
        g.edges[0].label = "<img src=x onerror=alert(1)>".into();
        let svg = render(&g, "<t>", "d").into_string();
        assert!(!svg.contains("<script>") && !svg.contains("<img"), "{svg}");
    }
}
