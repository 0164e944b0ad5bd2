//! Plans: the releases chosen for a stack, why each is there, and the graph of
//! `depends`/`requires` edges between them.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet, VecDeque};

use petgraph::graph::{DiGraph, NodeIndex};
use petgraph::visit::{Dfs, Reversed};
use semver::{Version, VersionReq};
use serde::Serialize;

use super::{Options, Resolver};
use crate::model::{Component, Id, Release};

/// How many steps `chains_to` may take through the plan before it stops and says the
/// list is incomplete.
const MAX_WALK: usize = 1_000_000;

/// Why one planned release needs another.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum EdgeKind {
    /// A `depends` entry: that component at this range.
    Depends {
        #[serde(serialize_with = "ser_req")]
        range: VersionReq,
    },
    /// A `requires` entry: some other component providing this interface and range.
    Requires {
        interface: Id,
        #[serde(serialize_with = "ser_req")]
        range: VersionReq,
    },
}

fn ser_req<S: serde::Serializer>(req: &VersionReq, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(req)
}

/// An edge from one planned release to another.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Edge {
    pub from: Id,
    #[serde(serialize_with = "ser_version")]
    pub from_version: Version,
    pub to: Id,
    #[serde(flatten)]
    pub kind: EdgeKind,
}

impl Edge {
    fn sort_key(&self) -> (Id, Id, String) {
        let kind = match &self.kind {
            EdgeKind::Depends { range } => format!("0 {range}"),
            EdgeKind::Requires { interface, range } => format!("1 {interface} {range}"),
        };
        (self.from.clone(), self.to.clone(), kind)
    }

    /// `depends ^2` or `requires notify-api ^2`.
    pub fn label(&self) -> String {
        match &self.kind {
            EdgeKind::Depends { range } => format!("depends {range}"),
            EdgeKind::Requires { interface, range } => format!("requires {interface} {range}"),
        }
    }
}

fn ser_version<S: serde::Serializer>(v: &Version, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(v)
}

/// One release in a plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedRelease {
    pub component: Id,
    pub version: Version,
    /// The stack needs this release meets.
    pub needs: Vec<Id>,
}

/// A set of releases, at most one per component, that satisfies a stack (SPEC §4).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    /// Sorted by component id.
    pub releases: Vec<PlannedRelease>,
    /// Every `depends`/`requires` edge between planned releases, sorted.
    pub edges: Vec<Edge>,
}

impl Plan {
    pub fn get(&self, id: &str) -> Option<&PlannedRelease> {
        self.releases.iter().find(|r| r.component.as_str() == id)
    }

    /// `id → version` for every planned release.
    pub fn versions(&self) -> BTreeMap<Id, Version> {
        self.releases
            .iter()
            .map(|r| (r.component.clone(), r.version.clone()))
            .collect()
    }

    /// The edges arriving at `id`.
    pub fn required_by<'a>(&'a self, id: &'a str) -> impl Iterator<Item = &'a Edge> + 'a {
        self.edges.iter().filter(move |e| e.to.as_str() == id)
    }

    /// The plan as a petgraph graph (nodes in plan order), for `why` and `graph`.
    pub fn graph(&self) -> (DiGraph<&PlannedRelease, &Edge>, BTreeMap<&str, NodeIndex>) {
        let mut g = DiGraph::new();
        let mut nodes = BTreeMap::new();
        for r in &self.releases {
            nodes.insert(r.component.as_str(), g.add_node(r));
        }
        for e in &self.edges {
            if let (Some(&a), Some(&b)) = (nodes.get(e.from.as_str()), nodes.get(e.to.as_str())) {
                g.add_edge(a, b, e);
            }
        }
        (g, nodes)
    }
}

/// The `depends`/`requires` edges out of `release` of `c` into the chosen set.
pub(crate) fn edges_from(
    c: &Component,
    release: &Release,
    chosen: &BTreeMap<&Id, (&Component, &Release)>,
) -> Vec<Edge> {
    let mut out = Vec::new();
    for (dep, range) in &release.depends {
        if let Some((_, r)) = chosen.get(dep)
            && range.matches(&r.version)
        {
            out.push(Edge {
                from: c.id.clone(),
                from_version: release.version.clone(),
                to: dep.clone(),
                kind: EdgeKind::Depends {
                    range: range.clone(),
                },
            });
        }
    }
    for (iface, range) in &release.requires {
        for (id, (_, r)) in chosen {
            if *id != &c.id && r.provides.get(iface).is_some_and(|v| range.matches(v)) {
                out.push(Edge {
                    from: c.id.clone(),
                    from_version: release.version.clone(),
                    to: (*id).clone(),
                    kind: EdgeKind::Requires {
                        interface: iface.clone(),
                        range: range.clone(),
                    },
                });
            }
        }
    }
    out
}

/// When several planned releases meet one need and one of them is only in the plan because
/// another of them needs it (a CMS framework under the council website built on it, when
/// one need asks for what both provide), the need is credited to the release that pulls
/// the other in.
fn attribute_needs(needs_met: &mut BTreeMap<&Id, Vec<Id>>, edges: &[Edge]) {
    let reaches = |from: &Id, to: &Id| -> bool {
        let mut seen: BTreeSet<&Id> = BTreeSet::new();
        let mut queue: VecDeque<&Id> = VecDeque::from([from]);
        while let Some(id) = queue.pop_front() {
            if !seen.insert(id) {
                continue;
            }
            for e in edges.iter().filter(|e| &e.from == id) {
                if &e.to == to {
                    return true;
                }
                queue.push_back(&e.to);
            }
        }
        false
    };
    let mut by_need: BTreeMap<Id, Vec<&Id>> = BTreeMap::new();
    for (id, needs) in needs_met.iter() {
        for n in needs {
            by_need.entry(n.clone()).or_default().push(id);
        }
    }
    let mut drop: Vec<(Id, Id)> = Vec::new();
    for (need, ids) in &by_need {
        for &a in ids {
            let pulled_in = ids
                .iter()
                .any(|&b| b != a && reaches(b, a) && !reaches(a, b));
            if pulled_in {
                drop.push((a.clone(), need.clone()));
            }
        }
    }
    for (id, need) in drop {
        if let Some(list) = needs_met.get_mut(&id) {
            list.retain(|n| n != &need);
        }
    }
    needs_met.retain(|_, v| !v.is_empty());
}

/// The members of `all` meeting a need (with the needs each meets) or required.
fn roots<'a>(
    resolver: &Resolver<'_>,
    all: &BTreeMap<&'a Id, (&Component, &Release)>,
    options: &Options,
) -> BTreeMap<&'a Id, Vec<Id>> {
    let mut needs_met: BTreeMap<&Id, Vec<Id>> = BTreeMap::new();
    for (name, need) in &resolver.stack.needs {
        if options.drop_needs.contains(name) {
            continue;
        }
        for (id, (c, r)) in all {
            if resolver.meets_release(need, c, r) {
                needs_met.entry(id).or_default().push(name.clone());
            }
        }
    }
    for (id, _) in &options.require {
        if let Some((k, _)) = all.get_key_value(id) {
            needs_met.entry(k).or_default();
        }
    }
    needs_met
}

/// The plan of `versions` (component → version), if the registry has every release.
pub(crate) fn from_versions(
    resolver: &Resolver<'_>,
    versions: &BTreeMap<Id, Version>,
    options: &Options,
) -> Option<Plan> {
    let mut chosen = Vec::with_capacity(versions.len());
    for (id, v) in versions {
        let ci = *resolver.index.get(id.as_str())?;
        let ri = resolver.components[ci as usize]
            .releases
            .iter()
            .position(|r| &r.version == v)?;
        chosen.push((ci, ri as u32));
    }
    Some(build(resolver, &chosen, options))
}

/// Builds the plan from the solver's choice, keeping only releases reachable from a need
/// (SPEC §4 rule 5).
pub(crate) fn build(resolver: &Resolver<'_>, chosen: &[(u32, u32)], options: &Options) -> Plan {
    let mut all: BTreeMap<&Id, (&Component, &Release)> = BTreeMap::new();
    for &(ci, ri) in chosen {
        let c = resolver.components[ci as usize];
        if let Some(r) = c.releases.get(ri as usize) {
            all.insert(&c.id, (c, r));
        }
    }
    let mut needs_met = roots(resolver, &all, options);
    let reachable = reach(&all, needs_met.keys().copied());
    all.retain(|id, _| reachable.contains(id));
    needs_met.retain(|_, needs| !needs.is_empty());
    if options.outline {
        let releases = all
            .iter()
            .map(|(id, (_, r))| PlannedRelease {
                component: (*id).clone(),
                version: r.version.clone(),
                needs: Vec::new(),
            })
            .collect();
        return Plan {
            releases,
            edges: Vec::new(),
        };
    }
    let mut edges: Vec<Edge> = all
        .values()
        .flat_map(|(c, r)| edges_from(c, r, &all))
        .collect();
    edges.sort_by_cached_key(Edge::sort_key);
    attribute_needs(&mut needs_met, &edges);
    let releases = all
        .iter()
        .map(|(id, (_, r))| PlannedRelease {
            component: (*id).clone(),
            version: r.version.clone(),
            needs: needs_met.get(id).cloned().unwrap_or_default(),
        })
        .collect();
    Plan { releases, edges }
}

/// The members of `all` reached from `roots` along `depends` and `requires` edges (the
/// edges [`edges_from`] gives, without building them).
pub(crate) fn reach<'a>(
    all: &BTreeMap<&'a Id, (&Component, &Release)>,
    roots: impl IntoIterator<Item = &'a Id>,
) -> BTreeSet<&'a Id> {
    let mut providing: HashMap<&Id, Vec<(&'a Id, &Version)>> = HashMap::new();
    for (id, (_, r)) in all {
        for (iface, v) in &r.provides {
            providing.entry(iface).or_default().push((*id, v));
        }
    }
    let mut seen: BTreeSet<&'a Id> = BTreeSet::new();
    let mut queue: Vec<&'a Id> = roots.into_iter().collect();
    while let Some(id) = queue.pop() {
        if !seen.insert(id) {
            continue;
        }
        let Some((_, r)) = all.get(id) else {
            continue;
        };
        for (dep, range) in &r.depends {
            if let Some((key, (_, d))) = all.get_key_value(dep)
                && range.matches(&d.version)
            {
                queue.push(key);
            }
        }
        for (iface, range) in &r.requires {
            for (other, v) in providing.get(iface).into_iter().flatten() {
                if *other != id && range.matches(v) {
                    queue.push(other);
                }
            }
        }
    }
    seen
}

/// One step of a chain: a planned release, and the edge that led to it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Step {
    pub component: Id,
    #[serde(serialize_with = "ser_version")]
    pub version: Version,
    /// How the previous release needs this one (`depends ^10`); none for the first step.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub via: Option<String>,
}

/// A chain from a stack need to a planned release.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Chain {
    pub need: Id,
    pub steps: Vec<Step>,
}

impl Plan {
    /// Every chain (up to `limit`) from a need through `depends`/`requires` edges to `id`,
    /// and whether there were more.
    pub fn chains_to(&self, id: &str, limit: usize) -> (Vec<Chain>, bool) {
        let mut out = Vec::new();
        let mut truncated = false;
        let mut forward: HashMap<&str, Vec<&Edge>> = HashMap::new();
        for e in &self.edges {
            forward.entry(e.from.as_str()).or_default().push(e);
        }
        // Only components from which `id` can be reached are worth walking into; without
        // this, a lattice of dependencies leading elsewhere has exponentially many paths.
        let (graph, nodes) = self.graph();
        let mut reaches: HashSet<&str> = HashSet::from([id]);
        if let Some(&target) = nodes.get(id) {
            let back = Reversed(&graph);
            let mut dfs = Dfs::new(back, target);
            while let Some(n) = dfs.next(back) {
                reaches.insert(graph[n].component.as_str());
            }
        }
        let mut roots: Vec<(&Id, &PlannedRelease)> = self
            .releases
            .iter()
            .flat_map(|r| r.needs.iter().map(move |n| (n, r)))
            .filter(|(_, r)| reaches.contains(r.component.as_str()))
            .collect();
        roots.sort_by(|a, b| (a.0, &a.1.component).cmp(&(b.0, &b.1.component)));
        let mut work = 0usize;
        for (need, root) in roots {
            if truncated {
                break;
            }
            // Depth first, without recursion (chains may be thousands long): the path,
            // and for each step the next of its edges to try.
            let mut path = vec![Step {
                component: root.component.clone(),
                version: root.version.clone(),
                via: None,
            }];
            let mut next_edge = vec![0usize];
            let mut on_path: HashSet<&str> = HashSet::from([root.component.as_str()]);
            while let (Some(last), Some(&i)) = (path.last(), next_edge.last()) {
                work += 1;
                if work > MAX_WALK {
                    truncated = true;
                    break;
                }
                let from = last.component.as_str();
                if from == id {
                    if out.len() >= limit {
                        truncated = true;
                        break;
                    }
                    out.push(Chain {
                        need: need.clone(),
                        steps: path.clone(),
                    });
                } else if let Some(e) = forward.get(from).and_then(|edges| edges.get(i)) {
                    if let Some(step) = next_edge.last_mut() {
                        *step += 1;
                    }
                    let to = e.to.as_str();
                    if reaches.contains(to)
                        && !on_path.contains(to)
                        && let Some(next) = self.get(to)
                    {
                        on_path.insert(next.component.as_str());
                        path.push(Step {
                            component: next.component.clone(),
                            version: next.version.clone(),
                            via: Some(e.label()),
                        });
                        next_edge.push(0);
                    }
                    continue;
                }
                if let Some(done) = path.pop() {
                    on_path.remove(done.component.as_str());
                }
                next_edge.pop();
            }
        }
        (out, truncated)
    }
}
