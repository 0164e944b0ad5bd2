//! The first try at a candidate that is not a drop-in, before any solve: the rest of the
//! plan kept as it is, the candidate added at the release a resolution tries first, and
//! what that leaves unmet — what the candidate depends on and requires, the needs the
//! replaced component met, what the rest required of it — met one requirement at a time,
//! by the provider and release a resolution prefers (SPEC §4: components already in the
//! plan, then `[prefer]`, then lifecycle, then id; kept versions, then the highest). The
//! result is made minimal (rules 5 and 6) and checked exactly (as `check_members` does), so
//! whatever it finds is a plan. A member moves to another release where a resolution
//! would move it, whether it was in the plan or this mending added it (each at most once,
//! as a resolution goes back on a choice), and it never backtracks otherwise: when a step
//! would need more, or the check fails, it finds nothing and the solver answers.

use std::collections::BTreeMap;

use foldhash::{HashMap, HashMapExt as _, HashSet, HashSetExt as _};

use semver::{Version, VersionReq};

use crate::model::{Component, Id, Need, Release};
use crate::resolve::check::member_graph;
use crate::resolve::dropin::Rest;
use crate::resolve::narrow::first_choice;
use crate::resolve::provider::needs_in_order;
use crate::resolve::{Options, Resolver};

/// A member of the plan being mended: component and release index.
type Member = (u32, u32);

/// A plan with `y` in place of the replaced component, the rest of the plan left at its
/// versions, or `None` when meeting what is left unmet greedily does not give one.
/// `options` forbid the replaced component, require `y` and drop the needs that name the
/// replaced component; `keep` is what `[current]` and the lock hold. The members come
/// back in no particular order.
pub(crate) fn mend<'r>(
    resolver: &Resolver<'r>,
    options: &Options,
    keep: &BTreeMap<Id, Version>,
    rest: &Rest<'_>,
    y: &'r Component,
) -> Option<Vec<(&'r Component, &'r Release)>> {
    let mut m = Mending::new(resolver, options, keep);
    for (c, _) in rest.planned() {
        if rest.lost.contains(&c.id) {
            continue;
        }
        let ci = *resolver.index.get(c.id.as_str())?;
        let planned = rest.version(&c.id)?;
        let ri = c.releases.iter().position(|r| &r.version == planned)? as u32;
        m.insert(ci, ri);
    }
    m.queue.clear();
    // The candidate first, as the solver takes the required component first.
    let yi = *resolver.index.get(y.id.as_str())?;
    let yr = first_choice(y, rest, keep)?;
    let yri = y.releases.iter().position(|r| r.version == yr.version)? as u32;
    m.place(yi, yri)?;
    m.settle()?;
    // The needs, in the order the solver takes them.
    for (_, need) in needs_in_order(resolver.stack, options) {
        if !m.meets(need) {
            let (ci, ri) = m.choose_for_need(need)?;
            m.place(ci, ri)?;
            m.settle()?;
        }
    }
    // What the rest required of the replaced component (or of members that went with it).
    let mut at: Vec<u32> = m.chosen.keys().copied().collect();
    at.sort_unstable();
    for ci in at {
        m.queue.push(ci);
    }
    m.settle()?;
    m.minimal()
}

/// The state of one mending.
struct Mending<'a, 'r> {
    resolver: &'a Resolver<'r>,
    options: &'a Options,
    keep: &'a BTreeMap<Id, Version>,
    /// Component → release index of every member.
    chosen: HashMap<u32, u32>,
    /// Interface → the members providing it, at the version they provide.
    providing: HashMap<&'r str, Vec<(u32, &'r Version)>>,
    /// Members whose own requirements are still to be looked at.
    queue: Vec<u32>,
    /// Members moved to another release (each moves once at most).
    moved: HashSet<u32>,
}

impl<'a, 'r> Mending<'a, 'r> {
    fn new(
        resolver: &'a Resolver<'r>,
        options: &'a Options,
        keep: &'a BTreeMap<Id, Version>,
    ) -> Self {
        Mending {
            resolver,
            options,
            keep,
            chosen: HashMap::with_capacity(64),
            providing: HashMap::with_capacity(64),
            queue: Vec::new(),
            moved: HashSet::new(),
        }
    }

    fn component(&self, ci: u32) -> &'r Component {
        self.resolver.components[ci as usize]
    }

    fn release(&self, (ci, ri): Member) -> Option<&'r Release> {
        self.component(ci).releases.get(ri as usize)
    }

    /// Adds a member, without any check.
    fn insert(&mut self, ci: u32, ri: u32) {
        self.chosen.insert(ci, ri);
        if let Some(r) = self.release((ci, ri)) {
            for (iface, v) in &r.provides {
                self.providing
                    .entry(iface.as_str())
                    .or_default()
                    .push((ci, v));
            }
        }
        self.queue.push(ci);
    }

    /// Whether component `ci` may be in the plan at all: not forbidden, and passing the
    /// policy unless exempt.
    fn allowed(&self, ci: u32) -> bool {
        let c = self.component(ci);
        !self.options.forbid.contains(&c.id)
            && (self.resolver.policy[ci as usize].is_none()
                || self.options.policy_exempt.contains(&c.id))
    }

    /// Whether release `ri` of `ci` could join the members as they are: allowed, not
    /// yanked unless kept, depending on nothing forbidden or planned at another version,
    /// and in conflict with no member (either way).
    fn fits(&self, ci: u32, ri: u32) -> bool {
        let c = self.component(ci);
        let Some(r) = c.releases.get(ri as usize) else {
            return false;
        };
        if !self.allowed(ci) {
            return false;
        }
        if r.is_yanked() && !self.resolver.keeps(self.keep, &c.id, &r.version) {
            return false;
        }
        for (dep, range) in &r.depends {
            let Some(&di) = self.resolver.index.get(dep.as_str()) else {
                return false;
            };
            match self.chosen.get(&di) {
                Some(&dri) => {
                    if !self
                        .release((di, dri))
                        .is_some_and(|d| range.matches(&d.version))
                    {
                        return false;
                    }
                }
                None => {
                    if !self.allowed(di) {
                        return false;
                    }
                }
            }
        }
        for (other, range) in &r.conflicts {
            if let Some(&oi) = self.resolver.index.get(other.as_str())
                && let Some(&ori) = self.chosen.get(&oi)
                && self
                    .release((oi, ori))
                    .is_some_and(|o| range.matches(&o.version))
            {
                return false;
            }
        }
        // Members whose conflicts name this release.
        for (&mi, &mri) in &self.chosen {
            if let Some(mr) = self.release((mi, mri))
                && let Some(range) = mr.conflicts.get(&c.id)
                && range.matches(&r.version)
            {
                return false;
            }
        }
        true
    }

    /// Adds release `ri` of `ci`: `Some` when it is already the member, or fits; `None`
    /// when the component is planned at another release or the release does not fit.
    fn place(&mut self, ci: u32, ri: u32) -> Option<()> {
        match self.chosen.get(&ci) {
            Some(&at) if at == ri => Some(()),
            Some(_) => self.shift(ci, ri),
            None => {
                if !self.fits(ci, ri) {
                    return None;
                }
                self.insert(ci, ri);
                Some(())
            }
        }
    }

    /// Moves member `ci` to release `ri`, once at most: `None` when it was moved before or
    /// the release does not fit the other members. Every member is looked at again, as
    /// what they depend on and require may have moved with it; the needs are checked with
    /// the rest at the end.
    fn shift(&mut self, ci: u32, ri: u32) -> Option<()> {
        if !self.moved.insert(ci) {
            return None;
        }
        self.chosen.remove(&ci);
        for providers in self.providing.values_mut() {
            providers.retain(|&(p, _)| p != ci);
        }
        if !self.fits(ci, ri) {
            return None;
        }
        self.insert(ci, ri);
        let mut all: Vec<u32> = self.chosen.keys().copied().collect();
        all.sort_unstable();
        self.queue.extend(all);
        Some(())
    }

    /// The releases of `ci` a resolution tries, in its order: the kept version, the
    /// favoured one, then the highest first; only those `accept` takes.
    fn releases_in_order(&self, ci: u32, accept: impl Fn(&Release) -> bool) -> Vec<u32> {
        let c = self.component(ci);
        let first = self
            .keep
            .get(&c.id)
            .or_else(|| self.options.favour.get(&c.id));
        let mut order: Vec<u32> = Vec::with_capacity(c.releases.len());
        if let Some(v) = first
            && let Some(ri) = c.releases.iter().position(|r| &r.version == v)
            && accept(&c.releases[ri])
        {
            order.push(ri as u32);
        }
        for (ri, r) in c.releases.iter().enumerate().rev() {
            if accept(r) && !order.contains(&(ri as u32)) {
                order.push(ri as u32);
            }
        }
        order
    }

    /// The first release of the first component of `components` (taken in the order a
    /// resolution prefers them) that `accept` takes and that fits.
    fn choose(
        &self,
        mut components: Vec<u32>,
        accept: impl Fn(&Release) -> bool,
    ) -> Option<Member> {
        components.sort_unstable();
        components.dedup();
        // A member that does not meet it already would have to move, and a resolution
        // prefers a component already in the plan, even at another version, to a new one
        // (SPEC §4): such a member ranks first, and is moved (see `shift`).
        let mut ranked: Vec<_> = components
            .into_iter()
            .filter(|&ci| self.allowed(ci))
            .map(|ci| self.resolver.rank(ci, self.keep, self.options))
            .collect();
        // In rank order (the rank ends with the component), taking the best left each
        // time: the first usually fits, so most of the order is never needed.
        while let Some(at) = (0..ranked.len()).min_by_key(|&i| ranked[i]) {
            let (_, _, _, ci) = ranked.swap_remove(at);
            if let Some(&now) = self.chosen.get(&ci) {
                let other = self
                    .releases_in_order(ci, &accept)
                    .into_iter()
                    .find(|&ri| ri != now);
                match other {
                    // A member moves (once: see `shift`), whether it was in the plan or
                    // this mending added it at a release something added later cannot
                    // use; what it pulled in at the old release and no longer needs goes
                    // when the plan is made minimal.
                    Some(ri) => return Some((ci, ri)),
                    // Its release is the only one, and it is the member asking.
                    None => continue,
                }
            }
            for ri in self.releases_in_order(ci, &accept) {
                if self.fits(ci, ri) {
                    return Some((ci, ri));
                }
            }
        }
        None
    }

    /// Whether some member other than `except` provides `iface` in `range`.
    fn provided(&self, iface: &str, range: &VersionReq, except: u32) -> bool {
        self.providing
            .get(iface)
            .is_some_and(|ps| ps.iter().any(|&(p, v)| p != except && range.matches(v)))
    }

    fn meets(&self, need: &Need) -> bool {
        match need {
            Need::Component { id, version } => self
                .resolver
                .index
                .get(id.as_str())
                .and_then(|ci| Some((*ci, *self.chosen.get(ci)?)))
                .and_then(|m| self.release(m))
                .is_some_and(|r| version.matches(&r.version)),
            Need::Interface { id, version } => self
                .providing
                .get(id.as_str())
                .is_some_and(|ps| ps.iter().any(|(_, v)| version.matches(v))),
            Need::Capability { id } => self
                .resolver
                .serving
                .get(id.as_str())
                .is_some_and(|cs| cs.iter().any(|ci| self.chosen.contains_key(ci))),
        }
    }

    fn choose_for_need(&self, need: &Need) -> Option<Member> {
        match need {
            Need::Component { id, version } => {
                let ci = *self.resolver.index.get(id.as_str())?;
                self.choose(vec![ci], |r| version.matches(&r.version))
            }
            Need::Interface { id, version } => self.choose_provider(id, version, None),
            Need::Capability { id } => {
                let serving = self.resolver.serving.get(id.as_str())?;
                self.choose(serving.clone(), |_| true)
            }
        }
    }

    /// A provider of `iface` in `range` other than `except`.
    fn choose_provider(
        &self,
        iface: &Id,
        range: &VersionReq,
        except: Option<u32>,
    ) -> Option<Member> {
        let providers: Vec<u32> = self
            .resolver
            .providers
            .get(iface.as_str())?
            .iter()
            .filter(|(ci, _, v)| Some(*ci) != except && range.matches(v))
            .map(|(ci, _, _)| *ci)
            .collect();
        self.choose(providers, |r| {
            r.provides.get(iface).is_some_and(|v| range.matches(v))
        })
    }

    /// Meets what every member in the queue depends on and requires, adding members
    /// until nothing is left unmet; `None` when something cannot be met without moving a
    /// member.
    fn settle(&mut self) -> Option<()> {
        while let Some(ci) = self.queue.pop() {
            let ri = *self.chosen.get(&ci)?;
            let r = self.release((ci, ri))?;
            for (dep, range) in &r.depends {
                let di = *self.resolver.index.get(dep.as_str())?;
                let met = self
                    .chosen
                    .get(&di)
                    .and_then(|&dri| self.release((di, dri)))
                    .is_some_and(|d| range.matches(&d.version));
                if !met {
                    // Added, or a member of the plan moved to a release in range.
                    let (di, dri) = self.choose(vec![di], |d| range.matches(&d.version))?;
                    self.place(di, dri)?;
                }
            }
            for (iface, range) in &r.requires {
                if !self.provided(iface.as_str(), range, ci) {
                    let (pi, pri) = self.choose_provider(iface, range, Some(ci))?;
                    self.place(pi, pri)?;
                }
            }
        }
        Some(())
    }

    /// The members, less what no need reaches (rule 5) and what the plan can do without
    /// (rule 6, the least wanted first, as a resolution takes them out), checked exactly:
    /// each round checks the members as `check_members` does and builds their graph once,
    /// which decides both what to take out and, when nothing is left to, that the plan is
    /// minimal.
    fn minimal(self) -> Option<Vec<(&'r Component, &'r Release)>> {
        let mut chosen: Vec<Member> = self.chosen.into_iter().collect();
        chosen.sort_unstable();
        loop {
            let members: Vec<(&'r Component, &'r Release)> = chosen
                .iter()
                .map(|&(ci, ri)| {
                    let c = self.resolver.components[ci as usize];
                    Some((c, c.releases.get(ri as usize)?))
                })
                .collect::<Option<_>>()?;
            let graph = member_graph(self.resolver, self.options, self.keep, &members).ok()?;
            let reached = graph.reached();
            if reached.iter().any(|r| !r) {
                let mut at = 0;
                chosen.retain(|_| {
                    at += 1;
                    reached[at - 1]
                });
                continue;
            }
            let protected = |i: usize| self.resolver.protects(self.keep, &members[i].0.id);
            let least = graph
                .removable(&protected)
                .into_iter()
                .max_by_key(|(i, _)| self.resolver.rank(chosen[*i].0, self.keep, self.options));
            match least {
                None => return Some(members),
                Some((_, group)) => {
                    let out: Vec<Member> = group.into_iter().map(|g| chosen[g]).collect();
                    chosen.retain(|m| !out.contains(m));
                }
            }
        }
    }
}
