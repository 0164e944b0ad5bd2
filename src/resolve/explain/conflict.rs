//! Building an explanation from the solver's conflict graph: which needs are involved,
//! the requirements and candidates behind each, merged where releases behave alike.

use std::collections::{BTreeMap, HashSet};

use petgraph::Direction;
use petgraph::graph::{EdgeIndex, NodeIndex};
use petgraph::visit::{DfsPostOrder, EdgeRef};
use resolvo::conflict::{Conflict, ConflictCause, ConflictEdge, ConflictGraph, ConflictNode};
use resolvo::{Requirement, SolvableId, Solver};

use super::{
    Conflicting, ExplainNode, Explanation, Head, Line, Met, NoMatch, Releases, Summary, What,
};
use crate::model::{Id, Need};
use crate::resolve::provider::{Missing, Name, Provider, Set, UnionMeaning};

struct Walk<'s, 'a, 'r> {
    provider: &'s Provider<'a, 'r>,
    graph: ConflictGraph<SolvableId>,
    merged: BTreeMap<SolvableId, Vec<SolvableId>>,
    installable: HashSet<NodeIndex>,
    roots: &'s [(Requirement, Vec<Id>)],
    forced: &'s [(Requirement, Id)],
    reported: HashSet<SolvableId>,
    /// How many requirements deep the explanation is.
    depth: usize,
}

/// How many requirements deep an explanation goes before it stops.
const MAX_DEPTH: usize = 32;

pub(crate) fn explain(
    solver: &Solver<Provider<'_, '_>>,
    conflict: &Conflict,
    roots: &[(Requirement, Vec<Id>)],
    forced: &[(Requirement, Id)],
) -> Explanation {
    let provider = solver.provider();
    let graph = conflict.graph(solver);
    let merged = graph
        .simplify(provider)
        .into_iter()
        .map(|(id, group)| {
            let mut ids = group.ids.clone();
            ids.sort_by_key(|s| provider.rel(*s).release);
            (id, ids)
        })
        .collect();
    let installable = installable_set(&graph);
    let mut ctx = Walk {
        provider,
        graph,
        merged,
        installable,
        roots,
        forced,
        reported: HashSet::new(),
        depth: 0,
    };
    let root = ctx.graph.root_node;
    let groups = ctx.requirement_groups(root);
    let mut involved: Vec<Id> = Vec::new();
    let mut forced_involved: Vec<What> = Vec::new();
    let mut tree: Vec<(bool, Option<Id>, ExplainNode)> = Vec::new();
    for (req, edges) in groups {
        if ctx.forced.iter().any(|(r, _)| *r == req) {
            forced_involved.push(ctx.what(req));
        } else {
            involved.extend(ctx.need_names(req));
        }
        let names = ctx.need_names(req);
        let viable = ctx.viable(&edges);
        let node = ctx.requirement(req, &edges, None);
        tree.push((viable, names.first().cloned(), node));
    }
    // Needs that cannot be met at all come first; then by need name.
    tree.sort_by(|a, b| (a.0, &a.1).cmp(&(b.0, &b.1)));
    involved.sort();
    involved.dedup();
    let summary = summary(&involved, &forced_involved);
    Explanation {
        summary,
        needs: involved,
        tree: tree.into_iter().map(|(_, _, n)| n).collect(),
    }
}

fn summary(needs: &[Id], forced: &[What]) -> Summary {
    Summary::Conflict {
        with: forced.to_vec(),
        needs: needs.to_vec(),
    }
}

impl Walk<'_, '_, '_> {
    /// The requires edges out of `node`, grouped by requirement in order of appearance.
    fn requirement_groups(&self, node: NodeIndex) -> Vec<(Requirement, Vec<EdgeIndex>)> {
        let mut groups: Vec<(Requirement, Vec<EdgeIndex>)> = Vec::new();
        let mut edges: Vec<_> = self.graph.graph.edges(node).collect();
        edges.sort_by_key(|e| e.id());
        for e in edges {
            if let ConflictEdge::Requires(req) = e.weight() {
                match groups.iter_mut().find(|(r, _)| r == req) {
                    Some((_, list)) => list.push(e.id()),
                    None => groups.push((*req, vec![e.id()])),
                }
            }
        }
        groups
    }

    fn target(&self, e: EdgeIndex) -> NodeIndex {
        self.graph
            .graph
            .edge_endpoints(e)
            .map_or(self.graph.root_node, |(_, t)| t)
    }

    fn viable(&self, edges: &[EdgeIndex]) -> bool {
        edges
            .iter()
            .any(|&e| self.installable.contains(&self.target(e)))
    }

    fn need_names(&self, req: Requirement) -> Vec<Id> {
        let mut out: Vec<Id> = self
            .roots
            .iter()
            .filter(|(r, _)| *r == req)
            .flat_map(|(_, names)| names.iter().cloned())
            .collect();
        out.extend(
            self.forced
                .iter()
                .filter(|(r, _)| *r == req)
                .map(|(_, id)| id.clone()),
        );
        out
    }

    fn component_id(&self, ci: u32) -> &Id {
        &self.provider.resolver.components[ci as usize].id
    }

    /// What a requirement asks for.
    fn what(&self, req: Requirement) -> What {
        let pool = &self.provider.pool;
        match req {
            Requirement::Single(vs) => {
                let name = pool.resolve_version_set_package_name(vs);
                match (
                    pool.resolve_package_name(name),
                    pool.resolve_version_set(vs),
                ) {
                    (Name::Missing(n), _) => {
                        match self.provider.missing.borrow().get(*n as usize) {
                            Some(Missing::Interface { id, req }) => What::Interface {
                                id: id.clone(),
                                req: req.clone(),
                            },
                            Some(Missing::Capability { id }) => What::Capability { id: id.clone() },
                            Some(Missing::Component { id }) => What::Component { id: id.clone() },
                            None => What::Something,
                        }
                    }
                    (Name::Component(ci), Set::Range(r)) => What::Range {
                        component: self.component_id(*ci).clone(),
                        range: r.clone(),
                    },
                    (Name::Component(_), Set::Provides(iface, r)) => What::Interface {
                        id: iface.clone(),
                        req: r.clone(),
                    },
                    (Name::Component(ci), Set::Any | Set::Nothing) => What::Any {
                        component: self.component_id(*ci).clone(),
                    },
                    (Name::Component(ci), Set::Outside(r)) => What::Outside {
                        component: self.component_id(*ci).clone(),
                        range: r.clone(),
                    },
                }
            }
            Requirement::Union(u) => match self.provider.unions.borrow().get(&u) {
                Some(UnionMeaning::Interface { id, req }) => What::Interface {
                    id: id.clone(),
                    req: req.clone(),
                },
                Some(UnionMeaning::Capability { id }) => What::Capability { id: id.clone() },
                None => What::OneOfSeveral,
            },
        }
    }

    /// Why a requirement with no candidates at all cannot be met.
    fn nothing_matches(&self, req: Requirement, from_release: bool) -> NoMatch {
        let pool = &self.provider.pool;
        if let Requirement::Single(vs) = req {
            let name = pool.resolve_version_set_package_name(vs);
            match pool.resolve_package_name(name) {
                Name::Missing(n) => {
                    return match self.provider.missing.borrow().get(*n as usize) {
                        Some(Missing::Interface { id, req }) if from_release => {
                            NoMatch::NoOtherProvides {
                                id: id.clone(),
                                req: req.clone(),
                            }
                        }
                        Some(Missing::Interface { id, req }) => NoMatch::NoneProvides {
                            id: id.clone(),
                            req: req.clone(),
                        },
                        Some(Missing::Capability { id }) => {
                            NoMatch::NoCapability { id: id.clone() }
                        }
                        Some(Missing::Component { id }) => NoMatch::NoComponent { id: id.clone() },
                        None => NoMatch::Nothing,
                    };
                }
                Name::Component(ci) => {
                    let c = self.provider.resolver.components[*ci as usize];
                    return NoMatch::NoRelease {
                        component: c.id.clone(),
                        versions: c.releases.iter().map(|r| r.version.clone()).collect(),
                    };
                }
            }
        }
        NoMatch::Nothing
    }

    /// The node for one requirement; `from` is the release that has it (none for needs).
    fn requirement(
        &mut self,
        req: Requirement,
        edges: &[EdgeIndex],
        from: Option<SolvableId>,
    ) -> ExplainNode {
        // A chain of dependencies thousands long would recurse as deep; nobody reads an
        // explanation that deep, and the stack would overflow first.
        if self.depth >= MAX_DEPTH {
            return ExplainNode {
                line: Line::TooDeep {
                    what: self.what(req),
                    depth: MAX_DEPTH,
                },
                children: Vec::new(),
            };
        }
        self.depth += 1;
        let node = self.requirement_at_depth(req, edges, from);
        self.depth -= 1;
        node
    }

    fn requirement_at_depth(
        &mut self,
        req: Requirement,
        edges: &[EdgeIndex],
        from: Option<SolvableId>,
    ) -> ExplainNode {
        let what = self.what(req);
        let head = match from {
            None => {
                let names = self.need_names(req);
                let forced = self.forced.iter().any(|(r, _)| *r == req);
                match (names.as_slice(), forced) {
                    (_, true) => Head::MustBeInPlan(what),
                    ([one], _) => Head::Need {
                        name: one.clone(),
                        need: self.need_of(&names),
                        what,
                    },
                    (many, _) => Head::Needs {
                        names: many.to_vec(),
                        what,
                    },
                }
            }
            Some(_) => match req {
                Requirement::Single(vs)
                    if matches!(
                        self.provider.pool.resolve_version_set(vs),
                        Set::Range(_) | Set::Any
                    ) && matches!(
                        self.provider.pool.resolve_package_name(
                            self.provider.pool.resolve_version_set_package_name(vs)
                        ),
                        Name::Component(_)
                    ) =>
                {
                    Head::DependsOn(what)
                }
                _ => Head::Requires(what),
            },
        };
        let nested = from.is_some();
        let missing = edges.len() == 1
            && self
                .graph
                .unresolved_node
                .is_some_and(|u| u == self.target(edges[0]));
        if missing {
            return ExplainNode {
                line: Line::Requirement {
                    head,
                    nested,
                    met: Met::Unmet(self.nothing_matches(req, nested)),
                },
                children: Vec::new(),
            };
        }
        let viable = self.viable(edges);
        let targets: Vec<NodeIndex> = edges
            .iter()
            .map(|&e| self.target(e))
            .filter(|t| !viable || self.installable.contains(t))
            .collect();
        let children = self.candidates(&targets);
        let met = if viable {
            Met::CanBeMetBy
        } else {
            Met::CannotBeMet
        };
        ExplainNode {
            line: Line::Requirement { head, nested, met },
            children,
        }
    }

    /// The user's description of the need behind a single need name.
    fn need_of(&self, names: &[Id]) -> Option<Need> {
        let [one] = names else { return None };
        self.provider.resolver.stack.needs.get(one).cloned()
    }

    /// Nodes for candidate releases, merging releases of one component that behave alike.
    fn candidates(&mut self, targets: &[NodeIndex]) -> Vec<ExplainNode> {
        let mut out = Vec::new();
        let mut seen: HashSet<SolvableId> = HashSet::new();
        let mut sorted: Vec<(u32, u32, NodeIndex)> = targets
            .iter()
            .filter_map(|&t| match self.graph.graph[t] {
                ConflictNode::Solvable(s) => {
                    let rel = self.provider.rel(s);
                    Some((rel.component, rel.release, t))
                }
                _ => None,
            })
            .collect();
        sorted.sort();
        let nodes: Vec<(NodeIndex, Option<SolvableId>)> = sorted
            .iter()
            .map(|&(_, _, t)| {
                (
                    t,
                    match self.graph.graph[t] {
                        ConflictNode::Solvable(s) => Some(s),
                        _ => None,
                    },
                )
            })
            .collect();
        let solvable = |t: NodeIndex| nodes.iter().find(|(n, _)| *n == t).and_then(|(_, s)| *s);
        let siblings: Vec<SolvableId> =
            sorted.iter().filter_map(|&(_, _, t)| solvable(t)).collect();
        for &(component, _, t) in &sorted {
            let Some(s) = solvable(t) else {
                continue;
            };
            if seen.contains(&s) {
                continue;
            }
            // Releases of one component that only clash with another release of it are
            // told together.
            let group: Vec<SolvableId> = if self.only_one_release_clash(t) {
                sorted
                    .iter()
                    .filter(|&&(c, _, o)| c == component && self.only_one_release_clash(o))
                    .filter_map(|&(_, _, o)| solvable(o))
                    .collect()
            } else {
                self.merged.get(&s).cloned().unwrap_or_else(|| vec![s])
            };
            seen.extend(group.iter().copied());
            out.push(self.candidate(t, &group, &siblings));
        }
        out
    }

    /// Whether a candidate's only problem is that another release of its component is in
    /// the plan.
    fn only_one_release_clash(&self, node: NodeIndex) -> bool {
        let mut clash = false;
        for e in self.graph.graph.edges(node) {
            match e.weight() {
                ConflictEdge::Conflict(ConflictCause::ForbidMultipleInstances) => clash = true,
                _ => return false,
            }
        }
        clash
    }

    /// The releases of `group` (all of one component), in release order.
    fn releases(&self, group: &[SolvableId]) -> Option<Releases> {
        let first = group.first()?;
        let rel = self.provider.rel(*first);
        let c = self.provider.resolver.components[rel.component as usize];
        let versions = group
            .iter()
            .filter_map(|s| {
                c.releases
                    .get(self.provider.rel(*s).release as usize)
                    .map(|r| r.version.clone())
            })
            .collect();
        Some(Releases {
            component: c.id.clone(),
            versions,
        })
    }

    fn candidate(
        &mut self,
        node: NodeIndex,
        group: &[SolvableId],
        siblings: &[SolvableId],
    ) -> ExplainNode {
        let leaf = |line: Line| ExplainNode {
            line,
            children: Vec::new(),
        };
        let (Some(&first), Some(releases)) = (group.first(), self.releases(group)) else {
            return leaf(Line::Empty);
        };
        if group.iter().all(|s| self.reported.contains(s)) {
            return leaf(Line::SeeAbove(releases));
        }
        self.reported.extend(group.iter().copied());
        let graph = &self.graph.graph;
        let mut excluded = None;
        let mut multiple: Vec<NodeIndex> = Vec::new();
        let mut locked = false;
        let mut constrains = Vec::new();
        for e in graph.edges_directed(node, Direction::Outgoing) {
            match e.weight() {
                ConflictEdge::Conflict(ConflictCause::Excluded) => {
                    if let ConflictNode::Excluded(reason) = graph[e.target()] {
                        excluded = self.provider.exclusions.borrow().get(&reason).cloned();
                    }
                }
                ConflictEdge::Conflict(ConflictCause::ForbidMultipleInstances) => {
                    multiple.push(e.target());
                }
                ConflictEdge::Conflict(ConflictCause::Locked(_)) => locked = true,
                ConflictEdge::Conflict(ConflictCause::Constrains(vs)) => constrains.push(*vs),
                ConflictEdge::Requires(_) => {}
            }
        }
        let is_leaf = graph.edges(node).next().is_none();
        if let Some(reason) = excluded {
            return leaf(Line::Excluded { releases, reason });
        }
        if is_leaf {
            return leaf(Line::Releases(releases));
        }
        if !multiple.is_empty() {
            // The solver links same-component releases through one of them, so look for
            // every other release of the component anywhere in the conflict.
            let component_index = self.provider.rel(first).component;
            let mut others: Vec<SolvableId> = graph
                .node_indices()
                .filter_map(|t| match graph[t] {
                    ConflictNode::Solvable(s)
                        if self.provider.rel(s).component == component_index
                            && !group.contains(&s)
                            && !siblings.contains(&s) =>
                    {
                        Some(s)
                    }
                    _ => None,
                })
                .collect();
            others.sort_by_key(|s| self.provider.rel(*s).release);
            others.dedup();
            let others = self
                .releases(&others)
                .map(|r| r.versions)
                .unwrap_or_default();
            return leaf(Line::OneRelease { releases, others });
        }
        if locked {
            return leaf(Line::Kept(releases));
        }
        if !constrains.is_empty() {
            constrains.sort();
            constrains.dedup();
            let pool = &self.provider.pool;
            let with = constrains
                .iter()
                .map(|&vs| Conflicting {
                    component: match pool
                        .resolve_package_name(pool.resolve_version_set_package_name(vs))
                    {
                        Name::Component(ci) => Some(self.component_id(*ci).clone()),
                        Name::Missing(_) => None,
                    },
                    outside: match pool.resolve_version_set(vs) {
                        Set::Outside(r) => Some(r.clone()),
                        _ => None,
                    },
                })
                .collect();
            return leaf(Line::ConflictsWith { releases, with });
        }
        let groups = self.requirement_groups(node);
        let mut children: Vec<(bool, ExplainNode)> = Vec::new();
        for (req, edges) in groups {
            let viable = self.viable(&edges);
            children.push((viable, self.requirement(req, &edges, Some(first))));
        }
        children.sort_by_key(|(viable, _)| *viable);
        ExplainNode {
            line: Line::Which(releases),
            children: children.into_iter().map(|(_, n)| n).collect(),
        }
    }
}

/// Nodes that could be part of a plan considering only the conflict graph: no conflicts
/// of their own and, for each requirement, at least one such option.
fn installable_set(graph: &ConflictGraph<SolvableId>) -> HashSet<NodeIndex> {
    let g = &graph.graph;
    let mut installable = HashSet::new();
    let mut dfs = DfsPostOrder::new(g, graph.root_node);
    'nodes: while let Some(nx) = dfs.next(g) {
        if graph.unresolved_node == Some(nx) {
            continue;
        }
        if g.edges_directed(nx, Direction::Incoming)
            .any(|e| matches!(e.weight(), ConflictEdge::Conflict(ConflictCause::Excluded)))
        {
            continue;
        }
        if g.edges_directed(nx, Direction::Outgoing)
            .any(|e| matches!(e.weight(), ConflictEdge::Conflict(_)))
        {
            continue;
        }
        let mut by_req: BTreeMap<Requirement, bool> = BTreeMap::new();
        for e in g.edges_directed(nx, Direction::Outgoing) {
            if let ConflictEdge::Requires(req) = e.weight() {
                let ok = installable.contains(&e.target());
                let entry = by_req.entry(*req).or_insert(false);
                *entry |= ok;
            }
        }
        if by_req.values().any(|ok| !ok) {
            continue 'nodes;
        }
        installable.insert(nx);
    }
    installable
}
