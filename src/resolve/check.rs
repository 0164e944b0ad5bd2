//! The exact plan check: whether a set of releases is a plan for a stack (SPEC §4, rules
//! 1–6), decided directly, without the solver. It confirms a lock that is still a plan,
//! every drop-in alternative (the old plan without a component plus one release of
//! another), and reference stacks' lock files; and its minimality test (rule 6) is what
//! makes every plan the solver finds minimal.

use std::collections::BTreeMap;

use foldhash::{HashMap, HashMapExt as _};
use std::fmt;

use semver::{Version, VersionReq};

use super::{Options, Resolver};
use crate::model::{Component, Id, Need, PolicyRule, Release};

/// Why a set of releases is not a plan, in the stack's words: the first rule it breaks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Violation {
    /// The registry has no such release.
    Unknown { component: Id, version: Version },
    /// The component may not be in the plan (it is being replaced).
    Forbidden { component: Id },
    /// A component that must be in the plan is not, at a matching version.
    Required { component: Id, range: VersionReq },
    /// Rule 3.
    Policy { component: Id, rule: PolicyRule },
    /// Rule 4.
    Yanked { component: Id, version: Version },
    /// Rule 2: a `depends` entry not met.
    Depends {
        component: Id,
        version: Version,
        on: Id,
        range: VersionReq,
        /// The version of `on` in the set, if it is there.
        found: Option<Version>,
    },
    /// Rule 2: a `requires` entry no other member provides.
    Requires {
        component: Id,
        version: Version,
        interface: Id,
        range: VersionReq,
    },
    /// Rule 2: a `conflicts` entry that matches a member.
    Conflicts {
        component: Id,
        version: Version,
        with: Id,
        range: VersionReq,
    },
    /// Rule 1.
    Need { need: Id },
    /// Rule 5.
    Unreachable { component: Id },
    /// Rule 6: without `component`, and `with` (what only it kept reachable), the rest is
    /// still a plan.
    NotMinimal { component: Id, with: Vec<Id> },
}

impl Violation {
    /// The SPEC §4 rule broken (0 for a release the registry does not have, or a
    /// constraint of the question rather than of the stack).
    pub fn rule(&self) -> u8 {
        match self {
            Violation::Unknown { .. }
            | Violation::Forbidden { .. }
            | Violation::Required { .. } => 0,
            Violation::Need { .. } => 1,
            Violation::Depends { .. }
            | Violation::Requires { .. }
            | Violation::Conflicts { .. } => 2,
            Violation::Policy { .. } => 3,
            Violation::Yanked { .. } => 4,
            Violation::Unreachable { .. } => 5,
            Violation::NotMinimal { .. } => 6,
        }
    }
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Violation::Unknown { component, version } => {
                write!(f, "{component} {version} is not a release in the registry")
            }
            Violation::Forbidden { component } => {
                write!(f, "{component} may not be in the plan")
            }
            Violation::Required { component, range } => {
                write!(f, "{component} {range} is not in the plan")
            }
            Violation::Policy { component, rule } => {
                write!(f, "{component} is excluded by the stack's policy: {rule}")
            }
            Violation::Yanked { component, version } => {
                write!(f, "{component} {version} is yanked")
            }
            Violation::Depends {
                component,
                version,
                on,
                range,
                found,
            } => match found {
                Some(v) => write!(
                    f,
                    "{component} {version} depends on {on} {range}, not the {v} beside it"
                ),
                None => write!(
                    f,
                    "{component} {version} depends on {on} {range}, which is not beside it"
                ),
            },
            Violation::Requires {
                component,
                version,
                interface,
                range,
            } => write!(
                f,
                "{component} {version} requires {interface} {range}, which nothing else beside it provides"
            ),
            Violation::Conflicts {
                component,
                version,
                with,
                range,
            } => write!(f, "{component} {version} conflicts with {with} {range}"),
            Violation::Need { need } => write!(f, "need `{need}` is not met"),
            Violation::Unreachable { component } => {
                write!(f, "{component} is not needed: no need leads to it")
            }
            Violation::NotMinimal { component, with } if with.is_empty() => write!(
                f,
                "{component} is not needed: without it the rest is still a plan"
            ),
            Violation::NotMinimal { component, with } => write!(
                f,
                "{component} is not needed: without it (and {}, which only it brings in) the rest is still a plan",
                with.iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        }
    }
}

/// Whether `plan` (component → version) is a plan for the resolver's stack under
/// `options` (SPEC §4, rules 1–6): every need not dropped is met, and every required
/// component is there; every `depends`, `requires` (from another component) and
/// `conflicts` holds; every release passes the policy (unless exempt) and none is
/// forbidden; no release is yanked unless `keep` holds exactly that version; every
/// component is reached from a need or a required component; and no component that
/// `keep` does not name can be taken out, with what only it kept reachable, leaving a
/// plan. `keep` is what `[current]` and the lock file hold.
pub fn check_plan(
    resolver: &Resolver<'_>,
    options: &Options,
    keep: &BTreeMap<Id, Version>,
    plan: &BTreeMap<Id, Version>,
) -> Result<(), Box<Violation>> {
    let mut members = Vec::with_capacity(plan.len());
    for (id, version) in plan {
        let release = resolver
            .registry
            .components
            .get(id)
            .and_then(|c| Some((c, c.release(version)?)));
        match release {
            Some(m) => members.push(m),
            None => {
                return Err(Box::new(Violation::Unknown {
                    component: id.clone(),
                    version: version.clone(),
                }));
            }
        }
    }
    check_members(resolver, options, keep, &members)
}

/// `check_plan` on releases already looked up (each component at most once).
pub(crate) fn check_members(
    resolver: &Resolver<'_>,
    options: &Options,
    keep: &BTreeMap<Id, Version>,
    members: &[(&Component, &Release)],
) -> Result<(), Box<Violation>> {
    let graph = member_graph(resolver, options, keep, members)?;
    if let Some(i) = graph.unreached() {
        return Err(Box::new(Violation::Unreachable {
            component: members[i].0.id.clone(),
        }));
    }
    let protected = |i: usize| resolver.protects(keep, &members[i].0.id);
    if let Some((i, group)) = graph.removable(&protected).into_iter().next() {
        let mut with: Vec<Id> = group
            .into_iter()
            .filter(|&g| g != i)
            .map(|g| members[g].0.id.clone())
            .collect();
        with.sort();
        return Err(Box::new(Violation::NotMinimal {
            component: members[i].0.id.clone(),
            with,
        }));
    }
    Ok(())
}

/// Every check of `check_members` but rules 5 and 6 (reached, minimal), and the graph of
/// `members` that those two are decided on.
pub(crate) fn member_graph(
    resolver: &Resolver<'_>,
    options: &Options,
    keep: &BTreeMap<Id, Version>,
    members: &[(&Component, &Release)],
) -> Result<PlanGraph, Box<Violation>> {
    // The question's own constraints, then rules 3 and 4.
    for (c, r) in members {
        if options.forbid.contains(&c.id) {
            return Err(Box::new(Violation::Forbidden {
                component: c.id.clone(),
            }));
        }
        if !options.policy_exempt.contains(&c.id)
            && let Some(rule) = resolver.stack.policy.check(c)
        {
            return Err(Box::new(Violation::Policy {
                component: c.id.clone(),
                rule,
            }));
        }
        if r.yanked.is_some() && !resolver.keeps(keep, &c.id, &r.version) {
            return Err(Box::new(Violation::Yanked {
                component: c.id.clone(),
                version: r.version.clone(),
            }));
        }
    }
    let by_id: HashMap<&str, usize> = members
        .iter()
        .enumerate()
        .map(|(i, (c, _))| (c.id.as_str(), i))
        .collect();
    for (id, range) in &options.require {
        let there = by_id
            .get(id.as_str())
            .is_some_and(|&i| range.matches(&members[i].1.version));
        if !there {
            return Err(Box::new(Violation::Required {
                component: id.clone(),
                range: range.clone(),
            }));
        }
    }
    // Rule 2.
    for (c, r) in members {
        for (dep, range) in &r.depends {
            let found = by_id.get(dep.as_str()).map(|&i| &members[i].1.version);
            if !found.is_some_and(|v| range.matches(v)) {
                return Err(Box::new(Violation::Depends {
                    component: c.id.clone(),
                    version: r.version.clone(),
                    on: dep.clone(),
                    range: range.clone(),
                    found: found.cloned(),
                }));
            }
        }
        for (other, range) in &r.conflicts {
            if by_id
                .get(other.as_str())
                .is_some_and(|&i| range.matches(&members[i].1.version))
            {
                return Err(Box::new(Violation::Conflicts {
                    component: c.id.clone(),
                    version: r.version.clone(),
                    with: other.clone(),
                    range: range.clone(),
                }));
            }
        }
    }
    // Rules 2 (`requires`) and 1 on the graph of the set.
    PlanGraph::new(resolver, options, members)
}

/// The least preferred member of `chosen` (releases by component and release index) that
/// rule 6 takes out, with what only it keeps reachable; `None` when `chosen` is minimal.
/// Members no need reaches are not part of the plan, and not considered.
pub(crate) fn least_wanted(
    resolver: &Resolver<'_>,
    options: &Options,
    keep: &BTreeMap<Id, Version>,
    chosen: &[(u32, u32)],
) -> Option<Vec<(u32, u32)>> {
    let mut members = Vec::with_capacity(chosen.len());
    for &(ci, ri) in chosen {
        let c = resolver.components[ci as usize];
        members.push((c, c.releases.get(ri as usize)?));
    }
    let graph = PlanGraph::new(resolver, options, &members).ok()?;
    let protected = |i: usize| resolver.protects(keep, &members[i].0.id);
    let (_, group) = graph
        .removable(&protected)
        .into_iter()
        .max_by_key(|(i, _)| resolver.rank(chosen[*i].0, keep, options))?;
    Some(group.into_iter().map(|g| chosen[g]).collect())
}

/// A set of releases as a graph: an edge from each member to what it `depends` on and to
/// every other member providing what it `requires`; roots are the members meeting a need
/// (not dropped) and the required components.
pub(crate) struct PlanGraph {
    edges: Vec<Vec<usize>>,
    roots: Vec<bool>,
    /// The members that cannot do without this one: it is what they depend on, or the only
    /// other member providing something they require.
    hard_in: Vec<Vec<usize>>,
    /// Meets a need no other member meets, or is a required component.
    sole: Vec<bool>,
}

impl PlanGraph {
    /// The graph of `members`, or the first `requires` entry or need it leaves unmet.
    /// `depends` entries are taken as met (`check_members` checks them first).
    pub(crate) fn new(
        resolver: &Resolver<'_>,
        options: &Options,
        members: &[(&Component, &Release)],
    ) -> Result<PlanGraph, Box<Violation>> {
        let n = members.len();
        let mut graph = PlanGraph {
            edges: vec![Vec::new(); n],
            roots: vec![false; n],
            hard_in: vec![Vec::new(); n],
            sole: vec![false; n],
        };
        let mut by_id: HashMap<&str, usize> = HashMap::with_capacity(n);
        let mut providing: HashMap<&str, Vec<(usize, &Version)>> = HashMap::with_capacity(2 * n);
        for (i, (c, r)) in members.iter().enumerate() {
            by_id.insert(c.id.as_str(), i);
            for (iface, v) in &r.provides {
                providing.entry(iface.as_str()).or_default().push((i, v));
            }
        }
        for (i, (c, r)) in members.iter().enumerate() {
            for dep in r.depends.keys() {
                if let Some(&d) = by_id.get(dep.as_str())
                    && d != i
                {
                    graph.edges[i].push(d);
                    graph.hard_in[d].push(i);
                }
            }
            for (iface, range) in &r.requires {
                let before = graph.edges[i].len();
                for &(p, v) in providing.get(iface.as_str()).into_iter().flatten() {
                    if p != i && range.matches(v) {
                        graph.edges[i].push(p);
                    }
                }
                match graph.edges[i].len() - before {
                    0 => {
                        return Err(Box::new(Violation::Requires {
                            component: c.id.clone(),
                            version: r.version.clone(),
                            interface: iface.clone(),
                            range: range.clone(),
                        }));
                    }
                    1 => {
                        let p = graph.edges[i][before];
                        graph.hard_in[p].push(i);
                    }
                    _ => {}
                }
            }
        }
        // Who meets each need, through the indexes rather than by asking every member.
        let mut serving: HashMap<&str, Vec<usize>> = HashMap::with_capacity(2 * n);
        for (i, (c, _)) in members.iter().enumerate() {
            for cap in &c.capabilities {
                serving.entry(cap.as_str()).or_default().push(i);
            }
        }
        let mut meeting: Vec<usize> = Vec::new();
        for (name, need) in &resolver.stack.needs {
            if options.drop_needs.contains(name) {
                continue;
            }
            meeting.clear();
            match need {
                Need::Component { id, version } => meeting.extend(
                    by_id
                        .get(id.as_str())
                        .filter(|&&i| version.matches(&members[i].1.version)),
                ),
                Need::Interface { id, version } => meeting.extend(
                    providing
                        .get(id.as_str())
                        .into_iter()
                        .flatten()
                        .filter(|(_, v)| version.matches(v))
                        .map(|(i, _)| *i),
                ),
                Need::Capability { id } => {
                    meeting.extend(serving.get(id.as_str()).into_iter().flatten());
                    // A capability listed twice is still one member.
                    meeting.dedup();
                }
            }
            match meeting.as_slice() {
                [] => return Err(Box::new(Violation::Need { need: name.clone() })),
                [only] => {
                    graph.roots[*only] = true;
                    graph.sole[*only] = true;
                }
                all => {
                    for &i in all {
                        graph.roots[i] = true;
                    }
                }
            }
        }
        for (id, _) in &options.require {
            if let Some(&i) = by_id.get(id.as_str()) {
                graph.roots[i] = true;
                graph.sole[i] = true;
            }
        }
        Ok(graph)
    }

    /// A member no root reaches, if there is one.
    pub(crate) fn unreached(&self) -> Option<usize> {
        self.reached().iter().position(|s| !s)
    }

    /// Which members a root reaches.
    pub(crate) fn reached(&self) -> Vec<bool> {
        let mut seen = vec![false; self.edges.len()];
        let mut queue: Vec<usize> = (0..self.edges.len()).filter(|&i| self.roots[i]).collect();
        while let Some(i) = queue.pop() {
            if std::mem::replace(&mut seen[i], true) {
                continue;
            }
            queue.extend(self.edges[i].iter().copied().filter(|&j| !seen[j]));
        }
        seen
    }

    /// Every member that `protected` does not name and that can be taken out with what
    /// only it keeps reachable (the members it dominates from the roots), leaving a plan:
    /// each with that group, in member order. Members no root reaches are not part of the
    /// plan (rule 5), and are left out of the question.
    ///
    /// Taking out a group never breaks a `conflicts`, the policy or a yank, and every need
    /// stays met unless the member is the only one meeting it. A member left behind still
    /// reaches everything it did (only the group goes, and nothing outside the group is
    /// reached only through it), so the rest stays a plan unless some member left behind
    /// cannot do without the one taken out.
    pub(crate) fn removable(&self, protected: &dyn Fn(usize) -> bool) -> Vec<(usize, Vec<usize>)> {
        let n = self.edges.len();
        let reached = self.reached();
        // Cheap tests first: a root never belongs to another member's group.
        let candidates: Vec<usize> = (0..n)
            .filter(|&i| reached[i] && !self.sole[i] && !protected(i))
            .filter(|&i| {
                self.hard_in[i]
                    .iter()
                    .all(|&m| m == i || !reached[m] || !self.roots[m])
            })
            .collect();
        if candidates.is_empty() {
            return Vec::new();
        }
        let tree = DominatorTree::new(self);
        let mut out = Vec::new();
        for c in candidates {
            if self.hard_in[c]
                .iter()
                .all(|&m| !reached[m] || tree.dominates(c, m))
            {
                let group = (0..n).filter(|&x| tree.dominates(c, x)).collect();
                out.push((c, group));
            }
        }
        out
    }
}

/// The dominator tree of a plan graph from a source joined to every root, with each
/// member's span in a depth-first walk of the tree, so that "every path from a root to
/// `b` passes through `a`" is two comparisons.
struct DominatorTree {
    enter: Vec<usize>,
    leave: Vec<usize>,
}

impl DominatorTree {
    /// The immediate dominators by Cooper, Harvey and Kennedy's "simple, fast" iteration
    /// over the reverse postorder, on the member indices as they are (the graphs are a
    /// plan's size, and this is asked once per round of making a plan minimal).
    fn new(graph: &PlanGraph) -> DominatorTree {
        const NONE: usize = usize::MAX;
        let n = graph.edges.len();
        let source = n;
        let roots: Vec<usize> = (0..n).filter(|&i| graph.roots[i]).collect();
        let successors =
            |v: usize| -> &[usize] { if v == source { &roots } else { &graph.edges[v] } };
        // Postorder of what the source reaches, by an explicit walk.
        let mut number = vec![NONE; n + 1];
        let mut order: Vec<usize> = Vec::with_capacity(n + 1);
        let mut seen = vec![false; n + 1];
        seen[source] = true;
        let mut walk: Vec<(usize, usize)> = vec![(source, 0)];
        while let Some(&mut (v, ref mut next)) = walk.last_mut() {
            if let Some(&w) = successors(v).get(*next) {
                *next += 1;
                if !std::mem::replace(&mut seen[w], true) {
                    walk.push((w, 0));
                }
            } else {
                number[v] = order.len();
                order.push(v);
                walk.pop();
            }
        }
        let mut preds: Vec<Vec<usize>> = vec![Vec::new(); n + 1];
        for &v in &order {
            for &w in successors(v) {
                preds[w].push(v);
            }
        }
        let mut idom = vec![NONE; n + 1];
        idom[source] = source;
        let intersect = |idom: &[usize], mut a: usize, mut b: usize| {
            while a != b {
                while number[a] < number[b] {
                    a = idom[a];
                }
                while number[b] < number[a] {
                    b = idom[b];
                }
            }
            a
        };
        let mut changed = true;
        while changed {
            changed = false;
            for &b in order.iter().rev().filter(|&&b| b != source) {
                let mut new = NONE;
                for &p in &preds[b] {
                    if idom[p] != NONE {
                        new = if new == NONE {
                            p
                        } else {
                            intersect(&idom, p, new)
                        };
                    }
                }
                if idom[b] != new {
                    idom[b] = new;
                    changed = true;
                }
            }
        }
        let mut children: Vec<Vec<usize>> = vec![Vec::new(); n + 1];
        for (i, &d) in idom.iter().enumerate().take(n) {
            if d != NONE {
                children[d].push(i);
            }
        }
        // Unreached members keep an empty span, inside no other.
        let mut enter = vec![usize::MAX; n + 1];
        let mut leave = vec![0; n + 1];
        let mut clock = 0;
        let mut stack: Vec<(usize, usize)> = vec![(n, 0)];
        enter[n] = clock;
        while let Some(&mut (node, ref mut next)) = stack.last_mut() {
            if let Some(&child) = children[node].get(*next) {
                *next += 1;
                clock += 1;
                enter[child] = clock;
                stack.push((child, 0));
            } else {
                leave[node] = clock;
                stack.pop();
            }
        }
        DominatorTree { enter, leave }
    }

    /// Whether every path from the source to `b` passes through `a` (`a` itself included).
    fn dominates(&self, a: usize, b: usize) -> bool {
        self.enter[a] != usize::MAX
            && self.enter[b] != usize::MAX
            && self.enter[a] <= self.enter[b]
            && self.leave[b] <= self.leave[a]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Whether every path from the roots to `b` passes through `a`, by walking the graph
    /// without `a`: the definition, slowly.
    fn dominates_by_walking(graph: &PlanGraph, a: usize, b: usize) -> bool {
        let reached = graph.reached();
        if !reached[a] || !reached[b] {
            return false;
        }
        if a == b {
            return true;
        }
        let mut seen = vec![false; graph.edges.len()];
        let mut queue: Vec<usize> = (0..graph.edges.len())
            .filter(|&i| graph.roots[i] && i != a)
            .collect();
        while let Some(i) = queue.pop() {
            if std::mem::replace(&mut seen[i], true) {
                continue;
            }
            queue.extend(
                graph.edges[i]
                    .iter()
                    .copied()
                    .filter(|&j| j != a && !seen[j]),
            );
        }
        !seen[b]
    }

    #[test]
    fn dominators_match_the_definition_on_random_graphs() {
        // A fixed linear congruential sequence: the same graphs on every run.
        let mut state: u64 = 0x5eed;
        let mut next = |below: usize| {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            ((state >> 33) as usize) % below
        };
        for _ in 0..2_000 {
            let n = 1 + next(12);
            let mut graph = PlanGraph {
                edges: vec![Vec::new(); n],
                roots: vec![false; n],
                hard_in: vec![Vec::new(); n],
                sole: vec![false; n],
            };
            for i in 0..n {
                graph.roots[i] = next(4) == 0;
                for _ in 0..next(4) {
                    let j = next(n);
                    if j != i && !graph.edges[i].contains(&j) {
                        graph.edges[i].push(j);
                    }
                }
            }
            let tree = DominatorTree::new(&graph);
            for a in 0..n {
                for b in 0..n {
                    assert_eq!(
                        tree.dominates(a, b),
                        dominates_by_walking(&graph, a, b),
                        "{a} over {b} in {:?} (roots {:?})",
                        graph.edges,
                        graph.roots
                    );
                }
            }
        }
    }
}
