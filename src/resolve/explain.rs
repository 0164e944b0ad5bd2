//! Explanations of why no plan exists, in the stack's own words: which needs, which
//! releases and ranges, which policy rules and yanks are involved. Built from the
//! solver's conflict graph, but nothing of the solver shows in the result.

use std::collections::{BTreeMap, HashSet};
use std::fmt::Write;

use petgraph::Direction;
use petgraph::graph::{EdgeIndex, NodeIndex};
use petgraph::visit::{DfsPostOrder, EdgeRef};
use resolvo::conflict::{Conflict, ConflictCause, ConflictEdge, ConflictGraph, ConflictNode};
use resolvo::{Interner, Requirement, SolvableId, Solver};
use serde::Serialize;

use super::provider::{Missing, Name, Provider, Set, UnionMeaning};
use crate::model::{Id, Need};

/// One line of an explanation, with the lines that explain it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExplainNode {
    pub text: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub children: Vec<ExplainNode>,
}

/// Why no plan exists.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Explanation {
    /// One sentence.
    pub summary: String,
    /// The needs involved in the conflict.
    pub needs: Vec<Id>,
    /// The reasoning, need by need.
    pub tree: Vec<ExplainNode>,
}

impl Explanation {
    /// The most specific line of the explanation: the deepest first leaf, which is where
    /// the conflict bottoms out ("... is excluded: ...", "... but nothing provides ...").
    pub fn first_reason(&self) -> String {
        let mut node = match self.tree.first() {
            Some(n) => n,
            None => return self.summary.clone(),
        };
        while let Some(child) = node.children.first() {
            node = child;
        }
        node.text.clone()
    }

    /// The summary and the most specific reason, on one line.
    pub fn one_line(&self) -> String {
        let summary = self
            .summary
            .trim_start_matches("no plan exists")
            .trim_start_matches(": ");
        let reason = self.first_reason();
        if summary.is_empty() || summary.starts_with("with ") {
            reason
        } else {
            format!("{summary}: {reason}")
        }
    }

    /// The explanation as indented text.
    pub fn text(&self) -> String {
        let mut out = format!("{}\n", self.summary);
        fn walk(out: &mut String, nodes: &[ExplainNode], depth: usize) {
            for n in nodes {
                let _ = writeln!(out, "{}- {}", "  ".repeat(depth), n.text);
                walk(out, &n.children, depth + 1);
            }
        }
        walk(&mut out, &self.tree, 0);
        out
    }
}

struct Ctx<'s, 'a, 'r> {
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
    let mut ctx = Ctx {
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
    let mut forced_involved: Vec<String> = Vec::new();
    let mut tree: Vec<(bool, String, ExplainNode)> = Vec::new();
    for (req, edges) in groups {
        if ctx.forced.iter().any(|(r, _)| *r == req) {
            forced_involved.push(ctx.what(req));
        } else {
            involved.extend(ctx.need_names(req));
        }
        let names = ctx.need_names(req);
        let viable = ctx.viable(&edges);
        let node = ctx.requirement(req, &edges, None);
        tree.push((
            viable,
            names.first().map(ToString::to_string).unwrap_or_default(),
            node,
        ));
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

fn summary(needs: &[Id], forced: &[String]) -> String {
    let quoted: Vec<String> = needs.iter().map(|n| format!("`{n}`")).collect();
    if !forced.is_empty() {
        let with = forced.join(" and ");
        return match quoted.as_slice() {
            [] => format!("no plan exists with {with}"),
            [one] => format!("no plan exists with {with}: need {one} cannot be met"),
            many => format!(
                "no plan exists with {with}: needs {} cannot all be met",
                many.join(", ")
            ),
        };
    }
    match quoted.as_slice() {
        [] => "no plan exists".into(),
        [one] => format!("no plan exists: need {one} cannot be met"),
        many => format!(
            "no plan exists: needs {} and {} cannot all be met together",
            many[..many.len() - 1].join(", "),
            many[many.len() - 1]
        ),
    }
}

impl Ctx<'_, '_, '_> {
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

    /// What a requirement asks for, in words: "interface notify-api ^2", "component lib ^1".
    fn what(&self, req: Requirement) -> String {
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
                            Some(Missing::Interface { id, req }) => format!("interface {id} {req}"),
                            Some(Missing::Capability { id }) => format!("capability {id}"),
                            Some(Missing::Component { id }) => format!("component {id}"),
                            None => "something".into(),
                        }
                    }
                    (Name::Component(ci), Set::Range(r)) => {
                        format!("{} {r}", self.component_id(*ci))
                    }
                    (Name::Component(_), Set::Provides(iface, r)) => {
                        format!("interface {iface} {r}")
                    }
                    (Name::Component(ci), Set::Any) => self.component_id(*ci).to_string(),
                    (Name::Component(ci), Set::Outside(r)) => {
                        format!("{} outside {r}", self.component_id(*ci))
                    }
                    (Name::Component(ci), Set::Nothing) => self.component_id(*ci).to_string(),
                }
            }
            Requirement::Union(u) => match self.provider.unions.borrow().get(&u) {
                Some(UnionMeaning::Interface { id, req }) => format!("interface {id} {req}"),
                Some(UnionMeaning::Capability { id }) => format!("capability {id}"),
                None => "one of several components".into(),
            },
        }
    }

    /// Why a requirement with no candidates at all cannot be met.
    fn nothing_matches(&self, req: Requirement, from_release: bool) -> String {
        let pool = &self.provider.pool;
        if let Requirement::Single(vs) = req {
            let name = pool.resolve_version_set_package_name(vs);
            match pool.resolve_package_name(name) {
                Name::Missing(n) => {
                    return match self.provider.missing.borrow().get(*n as usize) {
                        Some(Missing::Interface { id, req }) if from_release => {
                            format!("no other component provides interface {id} {req}")
                        }
                        Some(Missing::Interface { id, req }) => {
                            format!("no component provides interface {id} {req}")
                        }
                        Some(Missing::Capability { id }) => {
                            format!("no component serves capability {id}")
                        }
                        Some(Missing::Component { id }) => {
                            format!("the registry has no component {id}")
                        }
                        None => "nothing matches".into(),
                    };
                }
                Name::Component(ci) => {
                    let c = self.provider.resolver.components[*ci as usize];
                    let versions: Vec<String> =
                        c.releases.iter().map(|r| r.version.to_string()).collect();
                    return format!(
                        "no release of {} matches (it has {})",
                        c.id,
                        if versions.is_empty() {
                            "no releases".into()
                        } else {
                            versions.join(", ")
                        }
                    );
                }
            }
        }
        "nothing matches".into()
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
                text: format!(
                    "{} … (the explanation stops here, {MAX_DEPTH} levels deep)",
                    self.what(req)
                ),
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
                let need = self.need_of(&names);
                match (names.as_slice(), forced) {
                    (_, true) => format!("{what} must be in the plan"),
                    ([one], _) => match need {
                        Some(n) => format!("need `{one}` ({n})"),
                        None => format!("need `{one}` ({what})"),
                    },
                    (many, _) => format!(
                        "needs {} ({what})",
                        many.iter()
                            .map(|n| format!("`{n}`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
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
                    format!("depends on {what}")
                }
                _ => format!("requires {what} from another component"),
            },
        };
        let sep = if from.is_some() { ", which" } else { "" };
        let missing = edges.len() == 1
            && self
                .graph
                .unresolved_node
                .is_some_and(|u| u == self.target(edges[0]));
        if missing {
            return ExplainNode {
                text: format!("{head}, but {}", self.nothing_matches(req, from.is_some())),
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
        let text = if viable {
            format!("{head}{sep} can be met by:")
        } else {
            format!("{head}{sep} cannot be met:")
        };
        ExplainNode { text, children }
    }

    /// The user's description of the need behind a single need name.
    fn need_of(&self, names: &[Id]) -> Option<String> {
        let [one] = names else { return None };
        self.provider
            .resolver
            .stack
            .needs
            .get(one)
            .map(|n: &Need| n.to_string())
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

    fn versions_text(&self, group: &[SolvableId]) -> String {
        let Some(first) = group.first() else {
            return String::new();
        };
        let rel = self.provider.rel(*first);
        let c = self.provider.resolver.components[rel.component as usize];
        let versions: Vec<String> = group
            .iter()
            .filter_map(|s| {
                c.releases
                    .get(self.provider.rel(*s).release as usize)
                    .map(|r| r.version.to_string())
            })
            .collect();
        format!("{} {}", c.id, versions.join(", "))
    }

    fn candidate(
        &mut self,
        node: NodeIndex,
        group: &[SolvableId],
        siblings: &[SolvableId],
    ) -> ExplainNode {
        let name = self.versions_text(group);
        let Some(&first) = group.first() else {
            return ExplainNode {
                text: name,
                children: Vec::new(),
            };
        };
        if group.iter().all(|s| self.reported.contains(s)) {
            return ExplainNode {
                text: format!("{name} (see above)"),
                children: Vec::new(),
            };
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
                        excluded = Some(self.provider.display_string(reason).to_string());
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
        let leaf = graph.edges(node).next().is_none();
        let _ = first;
        if let Some(reason) = excluded {
            return ExplainNode {
                text: format!("{name} is excluded: {reason}"),
                children: Vec::new(),
            };
        }
        if leaf {
            return ExplainNode {
                text: name,
                children: Vec::new(),
            };
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
            let component = name.split(' ').next().unwrap_or_default().to_owned();
            let other_versions = self.versions_text(&others);
            let other_versions = other_versions
                .strip_prefix(&format!("{component} "))
                .unwrap_or(&other_versions)
                .to_owned();
            return ExplainNode {
                text: if other_versions.is_empty() {
                    format!(
                        "{name}, but another release of {component} is needed elsewhere (a plan holds one release per component)"
                    )
                } else {
                    format!(
                        "{name}, but {component} {other_versions} is wanted elsewhere (a plan holds one release per component)"
                    )
                },
                children: Vec::new(),
            };
        }
        if locked {
            return ExplainNode {
                text: format!(
                    "{name}, but another version is kept from [current] or the lock file"
                ),
                children: Vec::new(),
            };
        }
        if !constrains.is_empty() {
            constrains.sort();
            constrains.dedup();
            let pool = &self.provider.pool;
            let with: Vec<String> = constrains
                .iter()
                .map(|&vs| {
                    let other = match pool
                        .resolve_package_name(pool.resolve_version_set_package_name(vs))
                    {
                        Name::Component(ci) => self.component_id(*ci).to_string(),
                        Name::Missing(_) => "another component".into(),
                    };
                    match pool.resolve_version_set(vs) {
                        Set::Outside(r) => format!("{other} {r}"),
                        _ => other,
                    }
                })
                .collect();
            return ExplainNode {
                text: format!(
                    "{name}, which conflicts with {}, needed elsewhere",
                    with.join(" and ")
                ),
                children: Vec::new(),
            };
        }
        let groups = self.requirement_groups(node);
        let mut children: Vec<(bool, ExplainNode)> = Vec::new();
        for (req, edges) in groups {
            let viable = self.viable(&edges);
            children.push((viable, self.requirement(req, &edges, Some(first))));
        }
        children.sort_by_key(|(viable, _)| *viable);
        ExplainNode {
            text: format!("{name}, which:"),
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
