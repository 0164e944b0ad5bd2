//! The layered layout of the plan graph: back edges reversed to break cycles, layers by
//! longest path, waypoints for long edges, crossings reduced by barycentre sweeps, and
//! vertical positions that keep the order and the spacing.

use super::Graph;

pub(super) struct Layout {
    /// Per layer, the slots in order: `Some(node)` or `None` for a waypoint.
    pub(super) layers: Vec<Vec<Slot>>,
    /// For each edge: its chain of slots (layer, position key), source first.
    pub(super) chains: Vec<Vec<(usize, usize)>>,
    /// Whether the edge was reversed to break a cycle.
    pub(super) reversed: Vec<bool>,
}

#[derive(Debug, Clone, Copy)]
pub(super) enum Slot {
    Node(usize),
    Waypoint,
}

/// Depth-first, in node order: an edge to a node still on the stack closes a cycle and is
/// reversed for layering.
pub(super) fn back_edges(g: &Graph) -> Vec<bool> {
    let n = g.nodes.len();
    let mut out_edges: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (i, e) in g.edges.iter().enumerate() {
        out_edges[e.from].push(i);
    }
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| g.nodes[a].key.cmp(&g.nodes[b].key));
    for list in &mut out_edges {
        list.sort_by(|&a, &b| g.nodes[g.edges[a].to].key.cmp(&g.nodes[g.edges[b].to].key));
    }
    // 0 unvisited, 1 on the stack, 2 done.
    let mut state = vec![0u8; n];
    let mut reversed = vec![false; g.edges.len()];
    for &start in &order {
        if state[start] != 0 {
            continue;
        }
        let mut stack: Vec<(usize, usize)> = vec![(start, 0)];
        state[start] = 1;
        while let Some(&mut (v, ref mut next)) = stack.last_mut() {
            if let Some(&ei) = out_edges[v].get(*next) {
                *next += 1;
                let w = g.edges[ei].to;
                match state[w] {
                    0 => {
                        state[w] = 1;
                        stack.push((w, 0));
                    }
                    1 => reversed[ei] = true,
                    _ => {}
                }
            } else {
                state[v] = 2;
                stack.pop();
            }
        }
    }
    reversed
}

pub(super) fn crossings(chains: &[Vec<(usize, usize)>], pos: &[Vec<usize>]) -> usize {
    // Segments between adjacent layers, as (layer, upper position, lower position).
    let mut segs: Vec<(usize, usize, usize)> = Vec::new();
    for chain in chains {
        for w in chain.windows(2) {
            let ((la, a), (lb, b)) = (w[0], w[1]);
            // A self-loop stays within its layer and crosses nothing.
            if lb == la + 1 {
                segs.push((la, pos[la][a], pos[lb][b]));
            }
        }
    }
    let mut count = 0;
    for (i, s) in segs.iter().enumerate() {
        for t in &segs[i + 1..] {
            if s.0 == t.0 && ((s.1 < t.1 && s.2 > t.2) || (s.1 > t.1 && s.2 < t.2)) {
                count += 1;
            }
        }
    }
    count
}

pub(super) fn layout(g: &Graph) -> Layout {
    let n = g.nodes.len();
    let reversed = back_edges(g);
    // Directed edges for layering, after reversal.
    let dag: Vec<(usize, usize)> = g
        .edges
        .iter()
        .zip(&reversed)
        .map(|(e, &r)| if r { (e.to, e.from) } else { (e.from, e.to) })
        .collect();
    // Longest path from the sources (Kahn's order, smallest key first).
    let mut indegree = vec![0usize; n];
    for &(a, b) in &dag {
        if a != b {
            indegree[b] += 1;
        }
    }
    let mut layer = vec![0usize; n];
    let mut ready: Vec<usize> = (0..n).filter(|&v| indegree[v] == 0).collect();
    let mut done = 0;
    while !ready.is_empty() {
        ready.sort_by(|&a, &b| g.nodes[b].key.cmp(&g.nodes[a].key));
        let Some(v) = ready.pop() else { break };
        done += 1;
        for &(a, b) in &dag {
            if a == v && a != b {
                layer[b] = layer[b].max(layer[v] + 1);
                indegree[b] -= 1;
                if indegree[b] == 0 {
                    ready.push(b);
                }
            }
        }
    }
    debug_assert!(done <= n);
    // Pull each source (a need) to just before the nearest thing it points at, so that a
    // need stands next to the release that meets it instead of across the whole drawing.
    for v in 0..n {
        let has_in = dag.iter().any(|&(a, b)| b == v && a != b);
        let next = dag
            .iter()
            .filter(|&&(a, b)| a == v && a != b)
            .map(|&(_, b)| layer[b])
            .min();
        if let (false, Some(next)) = (has_in, next) {
            layer[v] = next.saturating_sub(1);
        }
    }
    let depth = layer.iter().copied().max().unwrap_or(0) + 1;
    let mut layers: Vec<Vec<Slot>> = vec![Vec::new(); depth];
    let mut node_slot = vec![(0usize, 0usize); n];
    let mut by_key: Vec<usize> = (0..n).collect();
    by_key.sort_by(|&a, &b| g.nodes[a].key.cmp(&g.nodes[b].key));
    for &v in &by_key {
        node_slot[v] = (layer[v], layers[layer[v]].len());
        layers[layer[v]].push(Slot::Node(v));
    }
    let mut chains = Vec::with_capacity(dag.len());
    for &(a, b) in &dag {
        let (la, sa) = node_slot[a];
        let (lb, sb) = node_slot[b];
        let mut chain = vec![(la, sa)];
        if lb > la {
            for (l, slots) in layers.iter_mut().enumerate().take(lb).skip(la + 1) {
                chain.push((l, slots.len()));
                slots.push(Slot::Waypoint);
            }
            chain.push((lb, sb));
        } else {
            // A self-loop or an edge within a layer: drawn directly.
            chain.push((lb, sb));
        }
        chains.push(chain);
    }
    // Order within layers: pos[layer][slot] = position.
    let mut pos: Vec<Vec<usize>> = layers.iter().map(|l| (0..l.len()).collect()).collect();
    let mut best = pos.clone();
    let mut best_count = crossings(&chains, &pos);
    for round in 0..8 {
        let down = round % 2 == 0;
        let range: Vec<usize> = if down {
            (1..layers.len()).collect()
        } else {
            (0..layers.len().saturating_sub(1)).rev().collect()
        };
        for l in range {
            let neighbour = if down { l - 1 } else { l + 1 };
            let mut sums: Vec<(f64, usize)> = vec![(0.0, 0); layers[l].len()];
            for chain in &chains {
                for w in chain.windows(2) {
                    let ((la, a), (lb, b)) = (w[0], w[1]);
                    if la == l && lb == neighbour {
                        sums[a].0 += pos[lb][b] as f64;
                        sums[a].1 += 1;
                    } else if lb == l && la == neighbour {
                        sums[b].0 += pos[la][a] as f64;
                        sums[b].1 += 1;
                    }
                }
            }
            let mut slots: Vec<usize> = (0..layers[l].len()).collect();
            let key = |s: usize| -> f64 {
                let (sum, count) = sums[s];
                if count == 0 {
                    pos[l][s] as f64
                } else {
                    sum / count as f64
                }
            };
            slots.sort_by(|&a, &b| key(a).total_cmp(&key(b)).then(pos[l][a].cmp(&pos[l][b])));
            for (p, s) in slots.into_iter().enumerate() {
                pos[l][s] = p;
            }
        }
        let count = crossings(&chains, &pos);
        if count < best_count {
            best_count = count;
            best = pos.clone();
        }
    }
    // Reorder the layers themselves by the best positions.
    let mut remap: Vec<Vec<usize>> = Vec::with_capacity(layers.len());
    let mut ordered: Vec<Vec<Slot>> = Vec::with_capacity(layers.len());
    for (l, slots) in layers.iter().enumerate() {
        let mut order: Vec<usize> = (0..slots.len()).collect();
        order.sort_by_key(|&s| best[l][s]);
        let mut map = vec![0; slots.len()];
        for (p, &s) in order.iter().enumerate() {
            map[s] = p;
        }
        ordered.push(order.iter().map(|&s| slots[s]).collect());
        remap.push(map);
    }
    let chains = chains
        .into_iter()
        .map(|c| c.into_iter().map(|(l, s)| (l, remap[l][s])).collect())
        .collect();
    Layout {
        layers: ordered,
        chains,
        reversed,
    }
}

/// Positions as close to `desired` as possible, in order, each at least `gaps[i]` below
/// the one before (pool-adjacent-violators on the offsets).
pub(super) fn place(desired: &[f64], gaps: &[f64]) -> Vec<f64> {
    let mut offsets = Vec::with_capacity(desired.len());
    let mut acc = 0.0;
    for (i, _) in desired.iter().enumerate() {
        if i > 0 {
            acc += gaps[i];
        }
        offsets.push(acc);
    }
    // Blocks of (sum, count), merged while they would be out of order.
    let mut blocks: Vec<(f64, usize)> = Vec::new();
    for (d, o) in desired.iter().zip(&offsets) {
        blocks.push((d - o, 1));
        while blocks.len() > 1 {
            let (s2, c2) = blocks[blocks.len() - 1];
            let (s1, c1) = blocks[blocks.len() - 2];
            if s1 / c1 as f64 > s2 / c2 as f64 {
                blocks.pop();
                blocks.pop();
                blocks.push((s1 + s2, c1 + c2));
            } else {
                break;
            }
        }
    }
    let mut out = Vec::with_capacity(desired.len());
    for (sum, count) in blocks {
        let z = sum / count as f64;
        for _ in 0..count {
            let i = out.len();
            out.push(z + offsets[i]);
        }
    }
    out
}
