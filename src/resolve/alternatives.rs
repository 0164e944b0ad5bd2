//! Swap-in alternatives (SPEC §5): for a component of a plan, every other component that
//! could take its place, each re-resolved with the component forbidden and the candidate
//! required, and classified drop-in, with-changes or not-viable. Over a whole plan this
//! gives the lock-in report.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use semver::{Version, VersionReq};
use serde::Serialize;

use super::{Edge, EdgeKind, Options, Plan, Resolution, ResolveError, Resolver};
use crate::model::{Component, Date, Id, Kind, Lifecycle, Need, PolicyRule, Release, Stack};

/// How a candidate fits in place of the component.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Fit {
    /// The new plan is the old one without the component, plus one release of the
    /// candidate.
    DropIn,
    /// A plan exists, but other components are added, removed or change version.
    WithChanges,
    /// No plan exists.
    NotViable,
}

impl Fit {
    pub fn as_str(self) -> &'static str {
        match self {
            Fit::DropIn => "drop-in",
            Fit::WithChanges => "with-changes",
            Fit::NotViable => "not-viable",
        }
    }
}

/// One component's change between two plans; `from`/`to` are `None` when it is added or
/// removed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    pub component: Id,
    #[serde(serialize_with = "ser_opt_version")]
    pub from: Option<Version>,
    #[serde(serialize_with = "ser_opt_version")]
    pub to: Option<Version>,
}

fn ser_opt_version<S: serde::Serializer>(v: &Option<Version>, s: S) -> Result<S::Ok, S::Error> {
    match v {
        Some(v) => s.collect_str(v),
        None => s.serialize_none(),
    }
}

fn ser_version<S: serde::Serializer>(v: &Version, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(v)
}

/// A value that differs between the component and a candidate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Differ<T> {
    pub from: T,
    pub to: T,
}

fn differ<T: PartialEq + Clone>(from: &T, to: &T) -> Option<Differ<T>> {
    (from != to).then(|| Differ {
        from: from.clone(),
        to: to.clone(),
    })
}

/// How a candidate differs from the component it would replace.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct Differences {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub licence: Option<Differ<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub open_source: Option<Differ<bool>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind: Option<Differ<Kind>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lifecycle: Option<Differ<Lifecycle>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub supplier: Option<Differ<String>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub assurances_gained: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub assurances_lost: Vec<String>,
    /// Support end of the planned release against the candidate's.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub support_ends: Option<Differ<Option<Date>>>,
}

/// One candidate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Alternative {
    pub component: Id,
    /// The candidate's release in the new plan, or (when not viable) its newest release.
    #[serde(serialize_with = "ser_opt_version")]
    pub version: Option<Version>,
    pub fit: Fit,
    /// Other components that change, for `with-changes`.
    pub changes: Vec<Change>,
    /// Interfaces the component provides, that the rest of the plan uses, which the
    /// candidate also provides in range.
    pub covers: Vec<Id>,
    /// Those it does not.
    pub missing: Vec<Id>,
    /// Why there is no plan, for `not-viable`.
    pub reason: Option<String>,
    /// The policy rule that excludes the candidate (shown only with `--ignore-policy`).
    pub excluded_by: Option<PolicyRule>,
    pub differences: Differences,
}

/// An interface the component provides that the rest of the plan uses.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UsedInterface {
    pub interface: Id,
    #[serde(serialize_with = "ser_version")]
    pub version: Version,
    /// `component@version range` of each planned release that requires it.
    pub used_by: Vec<String>,
    #[serde(skip)]
    pub ranges: Vec<VersionReq>,
}

/// The answer for one component.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Alternatives {
    pub component: Id,
    #[serde(serialize_with = "ser_version")]
    pub version: Version,
    pub alternatives: Vec<Alternative>,
    /// What the rest of the plan uses from the component.
    pub uses: Vec<UsedInterface>,
    /// Candidates the stack's policy excludes (listed only with `--ignore-policy`).
    pub hidden_by_policy: Vec<Id>,
}

impl Alternatives {
    pub fn count(&self, fit: Fit) -> usize {
        self.alternatives.iter().filter(|a| a.fit == fit).count()
    }

    /// No candidate gives a plan.
    pub fn is_lock_in(&self) -> bool {
        self.count(Fit::DropIn) + self.count(Fit::WithChanges) == 0
    }
}

/// Every other component that shares a capability with `x` or provides an interface that
/// `x`'s planned release provides (SPEC §5), in id order.
pub fn candidates<'r>(
    resolver: &Resolver<'r>,
    x: &Component,
    release: &Release,
) -> Vec<&'r Component> {
    let mut found: BTreeSet<u32> = BTreeSet::new();
    for cap in &x.capabilities {
        found.extend(resolver.serving.get(cap.as_str()).into_iter().flatten());
    }
    for iface in release.provides.keys() {
        found.extend(
            resolver
                .providers
                .get(iface.as_str())
                .into_iter()
                .flatten()
                .map(|(ci, _, _)| *ci),
        );
    }
    // Component indices follow id order, so the candidates come out ordered by id.
    found
        .into_iter()
        .map(|ci| resolver.components[ci as usize])
        .filter(|y| y.id != x.id)
        .collect()
}

/// What the rest of `plan` uses from `x`: interfaces it provides that other planned
/// releases require from it, or that a need of the stack asks for.
fn uses(plan: &Plan, stack: &Stack, x: &Id, release: &Release) -> Vec<UsedInterface> {
    let mut by: BTreeMap<&Id, (Vec<String>, Vec<VersionReq>)> = BTreeMap::new();
    for (name, need) in &stack.needs {
        if let Need::Interface { id, version } = need
            && release.provides.get(id).is_some_and(|v| version.matches(v))
        {
            let entry = by.entry(id).or_default();
            entry.0.push(format!("need {name} {version}"));
            entry.1.push(version.clone());
        }
    }
    for e in plan.required_by(x.as_str()) {
        if let EdgeKind::Requires { interface, range } = &e.kind {
            let entry = by.entry(interface).or_default();
            entry
                .0
                .push(format!("{}@{} {range}", e.from, e.from_version));
            entry.1.push(range.clone());
        }
    }
    by.into_iter()
        .filter_map(|(iface, (used_by, ranges))| {
            Some(UsedInterface {
                interface: iface.clone(),
                version: release.provides.get(iface)?.clone(),
                used_by,
                ranges,
            })
        })
        .collect()
}

/// Whether `release` provides `used` at a version every user accepts.
fn covers(release: &Release, used: &UsedInterface) -> bool {
    release
        .provides
        .get(&used.interface)
        .is_some_and(|v| used.ranges.iter().all(|r| r.matches(v)))
}

fn differences(x: &Component, xr: &Release, y: &Component, yr: Option<&Release>) -> Differences {
    Differences {
        licence: differ(&x.licence.to_string(), &y.licence.to_string()),
        open_source: differ(&x.licence.is_open_source(), &y.licence.is_open_source()),
        kind: differ(&x.kind, &y.kind),
        lifecycle: differ(&x.lifecycle, &y.lifecycle),
        supplier: differ(&x.supplier, &y.supplier),
        assurances_gained: y
            .assurances
            .iter()
            .filter(|a| !x.assurances.contains(a))
            .cloned()
            .collect(),
        assurances_lost: x
            .assurances
            .iter()
            .filter(|a| !y.assurances.contains(a))
            .cloned()
            .collect(),
        support_ends: yr.and_then(|yr| differ(&xr.support_ends, &yr.support_ends)),
    }
}

/// The changes from `old` to `new`, leaving out `x` (removed) and `y` when it is added.
fn changes(old: &Plan, new: &Plan, x: &Id, y: &Id) -> Vec<Change> {
    let (a, b) = (old.versions(), new.versions());
    let ids: BTreeSet<&Id> = a.keys().chain(b.keys()).collect();
    ids.into_iter()
        .filter(|id| *id != x)
        .filter(|id| *id != y || a.contains_key(*id))
        .filter_map(|id| {
            let (from, to) = (a.get(id).cloned(), b.get(id).cloned());
            (from != to).then(|| Change {
                component: id.clone(),
                from,
                to,
            })
        })
        .collect()
}

/// The alternatives to `x` in `plan`. With `ignore_policy`, candidates the policy excludes
/// are included (and exempted from it while resolving), marked with the rule.
pub fn alternatives(
    resolver: &Resolver<'_>,
    plan: &Plan,
    base: &Options,
    x: &Id,
    ignore_policy: bool,
) -> Result<Option<Alternatives>, ResolveError> {
    let Some(planned) = plan.get(x.as_str()) else {
        return Ok(None);
    };
    let Some(xc) = resolver.registry.components.get(x) else {
        return Ok(None);
    };
    let Some(xr) = xc.release(&planned.version) else {
        return Ok(None);
    };
    let stack = resolver.stack;
    let used = uses(plan, stack, x, xr);
    // The command's budget of solver steps counts per component replaced: a lock-in
    // report resolves once or twice per candidate of every component of the plan.
    let base = &Options {
        budget: super::Budget::default(),
        ..base.clone()
    };
    // Needs that name the component itself: the candidate takes their place.
    let dropped: BTreeSet<Id> = stack
        .needs
        .iter()
        .filter(|(_, n)| matches!(n, Need::Component { id, .. } if id == x))
        .map(|(name, _)| name.clone())
        .collect();
    let mut favour = plan.versions();
    favour.remove(x);
    // Versions a plan may keep even if yanked: `[current]` and the lock file.
    let mut keep = stack.current.clone();
    keep.extend(base.locked.clone());
    keep.remove(x);
    let rest = Rest::new(resolver.registry, &favour, x);

    // If the stack has no plan without X at all, no candidate can give one (requiring the
    // candidate only adds to the problem): one resolution answers for all of them, except
    // candidates exempted from the policy, which may bring what the policy kept out.
    let without = if base.exhaustive {
        None
    } else {
        let mut options = base.clone();
        options.forbid.insert(x.clone());
        options.drop_needs.extend(dropped.iter().cloned());
        options.favour = favour.clone();
        options.outline = true;
        let mut narrow = options.clone();
        narrow.universe = Some(neighbourhood(resolver, &rest, xc, None));
        match resolver.resolve_with(&narrow, &keep)? {
            Resolution::Resolved(_) => None,
            Resolution::Unsatisfiable(_) => match resolver.resolve_with(&options, &keep)? {
                Resolution::Resolved(_) => None,
                Resolution::Unsatisfiable(why) => Some(why.one_line()),
            },
        }
    };

    // Each candidate is one resolution of its own: they run in parallel, and are taken
    // in candidate order, so the answer (and the first error) is the same.
    let each = |y: &&Component| -> Result<Result<Alternative, Id>, ResolveError> {
        let y = *y;
        let rule = stack.policy.check(y);
        if rule.is_some() && !ignore_policy {
            return Ok(Err(y.id.clone()));
        }
        if let (Some(reason), None) = (&without, &rule) {
            return Ok(Ok(not_viable(xc, xr, y, &used, reason.clone(), None)));
        }
        let mut options = base.clone();
        options.forbid.insert(x.clone());
        options.require.push((y.id.clone(), VersionReq::STAR));
        options.drop_needs.extend(dropped.iter().cloned());
        options.favour = favour.clone();
        options.outline = true;
        if rule.is_some() {
            options.policy_exempt.insert(y.id.clone());
        }
        // A drop-in is the old plan minus X plus one release of Y: when such a plan holds,
        // it is the answer, and checking it is far cheaper than solving again.
        let first = first_choice(y, &rest, &keep);
        let fast = match first {
            Some(r) if !base.exhaustive && drop_in(resolver, &options, &keep, &rest, y, r) => {
                Some(r.version.clone())
            }
            _ => None,
        };
        if let Some(v) = fast {
            let yr = y.release(&v);
            let (covers, missing) = split_covers(&used, yr);
            return Ok(Ok(Alternative {
                component: y.id.clone(),
                version: Some(v),
                fit: Fit::DropIn,
                changes: Vec::new(),
                covers,
                missing,
                reason: None,
                excluded_by: rule,
                differences: differences(xc, xr, y, yr),
            }));
        }
        // Most other answers need only the plan, the candidate and what the candidate
        // brings: try that small problem first; only a miss needs the whole registry.
        let resolution = if base.exhaustive {
            resolver.resolve_with(&options, &keep)?
        } else {
            let mut narrow = options.clone();
            narrow.universe = Some(neighbourhood(resolver, &rest, xc, Some(y)));
            // The narrow plan stands only with the release of the candidate the whole
            // registry's resolution would try first: settling for an older one means the
            // neighbourhood lacked what the newer one needs.
            match resolver.resolve_with(&narrow, &keep)? {
                Resolution::Resolved(new)
                    if first.is_some_and(|r| {
                        new.get(y.id.as_str())
                            .is_some_and(|p| p.version == r.version)
                    }) =>
                {
                    Resolution::Resolved(new)
                }
                _ => resolver.resolve_with(&options, &keep)?,
            }
        };
        let alt = match resolution {
            Resolution::Resolved(new) => {
                let yv = new.get(y.id.as_str()).map(|r| r.version.clone());
                let yr = yv.as_ref().and_then(|v| y.release(v));
                let changes = changes(plan, &new, x, &y.id);
                let (covers, missing) = split_covers(&used, yr);
                Alternative {
                    component: y.id.clone(),
                    version: yv,
                    fit: if changes.is_empty() {
                        Fit::DropIn
                    } else {
                        Fit::WithChanges
                    },
                    changes,
                    covers,
                    missing,
                    reason: None,
                    excluded_by: rule,
                    differences: differences(xc, xr, y, yr),
                }
            }
            Resolution::Unsatisfiable(why) => not_viable(xc, xr, y, &used, why.one_line(), rule),
        };
        Ok(Ok(alt))
    };
    let found: Vec<_> = {
        use rayon::prelude::*;
        candidates(resolver, xc, xr).par_iter().map(each).collect()
    };
    let mut out = Vec::new();
    let mut hidden = Vec::new();
    for result in found {
        match result? {
            Ok(alt) => out.push(alt),
            Err(id) => hidden.push(id),
        }
    }
    out.sort_by(|a, b| {
        (a.fit, a.changes.len(), &a.component).cmp(&(b.fit, b.changes.len(), &b.component))
    });
    Ok(Some(Alternatives {
        component: x.clone(),
        version: planned.version.clone(),
        alternatives: out,
        uses: used,
        hidden_by_policy: hidden,
    }))
}

/// The answer for a candidate that gives no plan.
fn not_viable(
    xc: &Component,
    xr: &Release,
    y: &Component,
    used: &[UsedInterface],
    reason: String,
    rule: Option<PolicyRule>,
) -> Alternative {
    let yr = y.latest();
    let best = y
        .releases
        .iter()
        .rev()
        .filter(|r| !r.is_yanked())
        .max_by_key(|r| used.iter().filter(|u| covers(r, u)).count());
    let (covers, missing) = split_covers(used, best.or(yr));
    Alternative {
        component: y.id.clone(),
        version: yr.map(|r| r.version.clone()),
        fit: Fit::NotViable,
        changes: Vec::new(),
        covers,
        missing,
        reason: Some(reason),
        excluded_by: rule,
        differences: differences(xc, xr, y, yr),
    }
}

/// How many providers of an interface the first, narrow try of a replacement considers
/// (in the solver's order of preference) when nothing else at hand provides it.
const STAND_INS: usize = 4;

/// The plan without the component being replaced, indexed for the questions each
/// candidate asks of it.
struct Rest<'a> {
    /// Component → planned version.
    versions: &'a BTreeMap<Id, Version>,
    /// The planned releases.
    planned: Vec<(&'a Component, &'a Release)>,
    /// Interface → the versions of it the planned releases provide.
    provides: HashMap<&'a str, Vec<&'a Version>>,
    /// The replaced component and the members of the plan that depend on it, directly or
    /// through each other: they cannot stay as they are.
    lost: BTreeSet<&'a Id>,
}

impl<'a> Rest<'a> {
    fn new(
        registry: &'a crate::registry::Registry,
        versions: &'a BTreeMap<Id, Version>,
        x: &'a Id,
    ) -> Self {
        let planned: Vec<(&Component, &Release)> = versions
            .iter()
            .filter_map(|(id, v)| {
                let c = registry.components.get(id)?;
                Some((c, c.release(v)?))
            })
            .collect();
        let mut lost: BTreeSet<&Id> = BTreeSet::from([x]);
        loop {
            let before = lost.len();
            for (c, r) in &planned {
                if r.depends.keys().any(|d| lost.contains(d)) {
                    lost.insert(&c.id);
                }
            }
            if lost.len() == before {
                break;
            }
        }
        let mut provides: HashMap<&str, Vec<&Version>> = HashMap::new();
        for (_, r) in &planned {
            for (iface, v) in &r.provides {
                provides.entry(iface.as_str()).or_default().push(v);
            }
        }
        Rest {
            versions,
            planned,
            provides,
            lost,
        }
    }

    /// Whether release `r` of a newcomer finds everything it depends on and requires in
    /// the rest of the plan as it stands (a necessary condition for a drop-in).
    fn supports(&self, r: &Release) -> bool {
        r.depends
            .iter()
            .all(|(d, req)| self.versions.get(d).is_some_and(|v| req.matches(v)))
            && r.requires.iter().all(|(i, req)| {
                self.provides
                    .get(i.as_str())
                    .is_some_and(|vs| vs.iter().any(|v| req.matches(v)))
            })
    }
}

/// The components a replacement of `x` by `y` is likely to need: the rest of the plan, `y`,
/// providers standing in for what `x` provided, and for what the members of the plan that
/// depend on `x` provided (they may have to go with it); then, closed over, what each
/// component brought in depends on, and the providers of each interface it requires that
/// nothing in the set provides. A guess that keeps the first try small: when it holds no
/// plan, the whole registry is tried.
fn neighbourhood(
    resolver: &Resolver<'_>,
    rest: &Rest<'_>,
    x: &Component,
    y: Option<&Component>,
) -> BTreeSet<Id> {
    let components = &resolver.components;
    let lost = &rest.lost;
    let mut within = vec![false; components.len()];
    let mut provided: HashSet<&str> = HashSet::new();
    let mut queue: Vec<&str> = Vec::new();
    for (c, r) in &rest.planned {
        if let Some(&ci) = resolver.index.get(c.id.as_str()) {
            within[ci as usize] = true;
        }
        let provides = r.provides.keys().map(Id::as_str);
        if lost.contains(&c.id) {
            queue.extend(provides);
        } else {
            provided.extend(provides);
        }
    }
    for r in &x.releases {
        queue.extend(r.provides.keys().map(Id::as_str));
    }
    let mut work: Vec<u32> = Vec::new();
    let bring = |ci: u32, within: &mut Vec<bool>, work: &mut Vec<u32>| {
        if let Some(seen) = within.get_mut(ci as usize)
            && !*seen
        {
            *seen = true;
            work.push(ci);
        }
    };
    if let Some(&ci) = y.and_then(|y| resolver.index.get(y.id.as_str())) {
        bring(ci, &mut within, &mut work);
    }
    for need in resolver.stack.needs.values() {
        if let Need::Capability { id } = need
            && lost.iter().any(|l| {
                resolver
                    .registry
                    .components
                    .get(*l)
                    .is_some_and(|c| c.has_capability(id.as_str()))
            })
        {
            for &ci in resolver.serving.get(id.as_str()).into_iter().flatten() {
                bring(ci, &mut within, &mut work);
            }
        }
    }
    // Components first, so that an interface one of them provides is not looked for.
    loop {
        if let Some(ci) = work.pop() {
            let c = components[ci as usize];
            for r in &c.releases {
                provided.extend(r.provides.keys().map(Id::as_str));
            }
            for r in &c.releases {
                for dep in r.depends.keys() {
                    if let Some(&di) = resolver.index.get(dep.as_str()) {
                        bring(di, &mut within, &mut work);
                    }
                }
                queue.extend(r.requires.keys().map(Id::as_str));
            }
        } else if let Some(iface) = queue.pop() {
            if provided.insert(iface) {
                let mut by: Vec<u32> = resolver
                    .providers
                    .get(iface)
                    .into_iter()
                    .flatten()
                    .map(|(ci, _, _)| *ci)
                    .collect();
                by.dedup();
                by.sort_by_cached_key(|&ci| {
                    let c = components[ci as usize];
                    (
                        resolver.preferred.get(&ci).copied().unwrap_or(usize::MAX),
                        c.lifecycle.preference(),
                        ci,
                    )
                });
                for ci in by.into_iter().take(STAND_INS) {
                    bring(ci, &mut within, &mut work);
                }
            }
        } else {
            break;
        }
    }
    within
        .iter()
        .zip(components)
        .filter(|(w, _)| **w)
        .map(|(_, c)| c.id.clone())
        .collect()
}

/// The release of `y` a resolution tries first: its planned version when it is already in
/// the plan, else its kept (`[current]` or locked) version, else its newest release that is
/// not yanked.
fn first_choice<'c>(
    y: &'c Component,
    rest: &Rest<'_>,
    keep: &BTreeMap<Id, Version>,
) -> Option<&'c Release> {
    if let Some(v) = rest.versions.get(&y.id) {
        return y.release(v);
    }
    if let Some(r) = keep.get(&y.id).and_then(|v| y.release(v)) {
        return Some(r);
    }
    y.releases.iter().rev().find(|r| !r.is_yanked())
}

/// Whether `rest` (the plan without the replaced component) plus `first` (the release of
/// `y` a resolution tries first) is the plan the resolution finds: it must be a plan, and
/// every member must be there for a reason that leaves the solver no choice — a need only
/// it meets, a `depends`, or a `requires` only it provides. Where two members could serve
/// one need or requirement, the resolution may leave one out, so the answer is left to it.
fn drop_in(
    resolver: &Resolver<'_>,
    options: &Options,
    keep: &BTreeMap<Id, Version>,
    rest: &Rest<'_>,
    y: &Component,
    first: &Release,
) -> bool {
    // A member of the plan that depends on the replaced component cannot stay as it is.
    if rest.lost.len() > 1 || !rest.supports(first) {
        return false;
    }
    let mut plan = rest.versions.clone();
    plan.insert(y.id.clone(), first.version.clone());
    if !super::check::is_plan(resolver, options, keep, &plan) {
        return false;
    }
    let mut chosen: BTreeMap<&Id, (&Component, &Release)> = BTreeMap::new();
    for (c, r) in &rest.planned {
        chosen.insert(&c.id, (c, r));
    }
    chosen.insert(&y.id, (y, first));
    let mut queue: Vec<&Id> = vec![&y.id];
    for (name, need) in &resolver.stack.needs {
        if options.drop_needs.contains(name) {
            continue;
        }
        let mut meeting = chosen
            .iter()
            .filter(|(_, (c, r))| resolver.meets_release(need, c, r))
            .map(|(id, _)| *id);
        match (meeting.next(), meeting.next()) {
            (Some(only), None) => queue.push(only),
            _ => return false,
        }
    }
    let mut reached: BTreeSet<&Id> = BTreeSet::new();
    while let Some(id) = queue.pop() {
        if !reached.insert(id) {
            continue;
        }
        let Some((_, r)) = chosen.get(id) else {
            return false;
        };
        for dep in r.depends.keys() {
            match chosen.get_key_value(dep) {
                Some((key, _)) => queue.push(key),
                None => return false,
            }
        }
        for (iface, range) in &r.requires {
            let mut providers = chosen
                .iter()
                .filter(|(other, (_, o))| {
                    **other != id && o.provides.get(iface).is_some_and(|v| range.matches(v))
                })
                .map(|(other, _)| *other);
            match (providers.next(), providers.next()) {
                (Some(only), None) => queue.push(only),
                _ => return false,
            }
        }
    }
    reached.len() == chosen.len()
}

fn split_covers(used: &[UsedInterface], release: Option<&Release>) -> (Vec<Id>, Vec<Id>) {
    let mut yes = Vec::new();
    let mut no = Vec::new();
    for u in used {
        if release.is_some_and(|r| covers(r, u)) {
            yes.push(u.interface.clone());
        } else {
            no.push(u.interface.clone());
        }
    }
    (yes, no)
}

/// An interface the plan uses that only one component in the registry provides.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SingleSupply {
    pub interface: Id,
    pub provider: Id,
    /// Planned releases (or needs) that use it.
    pub used_by: Vec<String>,
}

/// The lock-in report for a whole plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LockIn {
    pub components: Vec<Alternatives>,
    pub single_supply: Vec<SingleSupply>,
}

/// Alternatives for every component of the plan, and the interfaces with one supplier.
pub fn lock_in(
    resolver: &Resolver<'_>,
    plan: &Plan,
    base: &Options,
    ignore_policy: bool,
) -> Result<LockIn, ResolveError> {
    let found: Vec<_> = {
        use rayon::prelude::*;
        plan.releases
            .par_iter()
            .map(|p| alternatives(resolver, plan, base, &p.component, ignore_policy))
            .collect()
    };
    let mut components = Vec::new();
    for a in found {
        components.extend(a?);
    }
    Ok(LockIn {
        components,
        single_supply: single_supply(resolver, plan),
    })
}

fn single_supply(resolver: &Resolver<'_>, plan: &Plan) -> Vec<SingleSupply> {
    let mut used: BTreeMap<&Id, Vec<String>> = BTreeMap::new();
    for e in &plan.edges {
        if let Edge {
            kind: EdgeKind::Requires { interface, range },
            ..
        } = e
        {
            used.entry(interface)
                .or_default()
                .push(format!("{}@{} {range}", e.from, e.from_version));
        }
    }
    for (name, need) in &resolver.stack.needs {
        if let Need::Interface { id, version } = need {
            used.entry(id)
                .or_default()
                .push(format!("need {name} {version}"));
        }
    }
    used.into_iter()
        .filter_map(|(iface, mut users)| {
            let providers: BTreeSet<u32> = resolver
                .providers
                .get(iface.as_str())?
                .iter()
                .map(|(ci, _, _)| *ci)
                .collect();
            let [only] = providers.into_iter().collect::<Vec<_>>()[..] else {
                return None;
            };
            users.sort();
            users.dedup();
            Some(SingleSupply {
                interface: iface.clone(),
                provider: resolver.components[only as usize].id.clone(),
                used_by: users,
            })
        })
        .collect()
}
