//! Random small registries and stacks read from a byte tape, for property tests that
//! compare the resolver with brute force (`oracle`), and the edits a council or a
//! registry maintainer makes between two runs, for tests of what happens in sequence.

// The generators pick from their own lists; a failed lookup is a bug in the generator.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use stackreg::model::Registry;
use stackreg::model::{Id, Kind, Licence, Lifecycle, Need, Stack};

use crate::build::*;
use crate::tape::Tape;

pub const VERSIONS: [&str; 4] = ["1.0.0", "1.1.0", "2.0.0", "3.0.0"];
pub const IFACE_VERSIONS: [&str; 2] = ["1.0.0", "2.0.0"];
pub const RANGES: [&str; 6] = ["^1", "^2", ">=1.1", "*", "<2", "*"];
pub const CAPS: [&str; 3] = ["cap-a", "cap-b", "cap-c"];

/// A registry of two to six components over one to three interfaces, and a stack of one
/// to three needs with a random policy, `[current]` and preference.
pub fn random_case(t: &mut Tape<'_>) -> (Registry, Stack) {
    let mut reg = empty_registry();
    let ifaces = 1 + t.below(3);
    let comps = 2 + t.below(5);
    for k in 0..comps {
        // Each version with even odds, and at least one.
        let mut versions: Vec<&str> = VERSIONS.iter().copied().filter(|_| t.chance(50)).collect();
        if versions.is_empty() {
            versions.push(t.pick(&VERSIONS));
        }
        let mut releases = Vec::new();
        for ver in versions {
            let mut r = release(ver);
            for i in 0..ifaces {
                if t.chance(45) {
                    r.provides
                        .insert(id(&format!("i{i}")), v(t.pick(&IFACE_VERSIONS)));
                }
                if t.chance(15) {
                    r.requires
                        .insert(id(&format!("i{i}")), req(t.pick(&RANGES)));
                }
            }
            for other in 0..comps {
                if other != k && t.chance(10) {
                    r.depends
                        .insert(id(&format!("c{other}")), req(t.pick(&RANGES)));
                }
                if other != k && t.chance(6) {
                    r.conflicts
                        .insert(id(&format!("c{other}")), req(t.pick(&RANGES)));
                }
            }
            if t.chance(10) {
                r.yanked = Some("broken".into());
            }
            releases.push(r);
        }
        let mut c = component(&format!("c{k}"), releases);
        if t.chance(20) {
            c.licence = Licence::parse("LicenseRef-Proprietary").unwrap();
        }
        c.kind = t.pick(&[Kind::Saas, Kind::SelfHosted, Kind::PlatformService]);
        c.lifecycle = t.pick(&[
            Lifecycle::Live,
            Lifecycle::Live,
            Lifecycle::Live,
            Lifecycle::Live,
            Lifecycle::Live,
            Lifecycle::Beta,
            Lifecycle::Beta,
            Lifecycle::Alpha,
            Lifecycle::Deprecated,
            Lifecycle::Retired,
        ]);
        c.capabilities = vec![id(CAPS[k % CAPS.len()])];
        if t.chance(30) {
            let extra = id(t.pick(&CAPS));
            if !c.capabilities.contains(&extra) {
                c.capabilities.push(extra);
                c.capabilities.sort();
            }
        }
        c.supplier = format!("Supplier {}", k % 3);
        if t.chance(30) {
            c.assurances = vec!["wcag-2.2-aa".into()];
        }
        add(&mut reg, c);
    }
    let mut needs = Vec::new();
    for n in 0..1 + t.below(3) {
        let need = match t.below(3) {
            0 => need_component(
                &format!("c{}", t.below(comps)),
                t.pick(&["*", "*", ">=1.1", "^1", "^2", "<2"]),
            ),
            1 => need_interface(&format!("i{}", t.below(ifaces)), t.pick(&RANGES)),
            _ => need_capability(CAPS[t.below(comps.min(CAPS.len()))]),
        };
        needs.push((["a", "b", "c"][n], need));
    }
    let mut s = stack(needs);
    if t.chance(30) {
        s.policy.open_source = true;
    }
    if t.chance(20) {
        s.policy.lifecycle = Some(vec![Lifecycle::Beta, Lifecycle::Live]);
    }
    if t.chance(15) {
        s.policy.kinds = Some(vec![Kind::Saas, Kind::SelfHosted]);
    }
    if t.chance(10) {
        s.policy.assurances = vec!["wcag-2.2-aa".into()];
    }
    if t.chance(10) {
        s.policy.exclude_components = vec![id(&format!("c{}", t.below(comps)))];
    }
    if t.chance(10) {
        s.policy.exclude_suppliers = vec![format!("supplier {}", t.below(3))];
    }
    for c in reg.components.values() {
        if t.chance(30) {
            let r = &c.releases[t.below(c.releases.len())];
            s.current.insert(c.id.clone(), r.version.clone());
        }
    }
    if t.chance(30) {
        s.prefer = vec![id(&format!("c{}", t.below(comps)))];
    }
    (reg, s)
}

/// Changes the stack or the registry the way a council or a registry maintainer might:
/// a need added, dropped or narrowed, the policy tightened or loosened, `[current]`
/// edited, a release yanked, a release added. Says what it did.
/// Mostly a component of `planned`, so that the change can touch the lock.
pub fn change(t: &mut Tape<'_>, reg: &mut Registry, s: &mut Stack, planned: &[Id]) -> String {
    let comps: Vec<Id> = if !planned.is_empty() && t.chance(70) {
        planned.to_vec()
    } else {
        reg.components.keys().cloned().collect()
    };
    let comp = comps[t.below(comps.len())].clone();
    match t.below(9) {
        0 if s.needs.len() > 1 => {
            let name = s.needs.keys().nth(t.below(s.needs.len())).cloned();
            if let Some(name) = name {
                s.needs.remove(&name);
                return format!("dropped need {name}");
            }
            "nothing".into()
        }
        0 | 1 => {
            let need = match t.below(3) {
                0 => need_component(comp.as_str(), t.pick(&["*", ">=1.1", "^1", "^2", "<2"])),
                1 => need_interface(&format!("i{}", t.below(3)), t.pick(&RANGES)),
                _ => need_capability(t.pick(&CAPS)),
            };
            s.needs.insert(id("added"), need.clone());
            format!("added need {need:?}")
        }
        2 => {
            let name = s.needs.keys().nth(t.below(s.needs.len())).cloned();
            let range = req(t.pick(&["^1", "^2", ">=1.1", "<2", "*"]));
            match name.and_then(|n| s.needs.get_mut(&n).map(|need| (n, need))) {
                Some((n, Need::Component { version, .. } | Need::Interface { version, .. })) => {
                    *version = range.clone();
                    format!("need {n} now asks for {range}")
                }
                _ => "nothing".into(),
            }
        }
        3 => {
            s.policy.open_source = !s.policy.open_source;
            format!("open-source policy now {}", s.policy.open_source)
        }
        4 => {
            if s.policy.exclude_components.contains(&comp) {
                s.policy.exclude_components.retain(|c| c != &comp);
                format!("{comp} no longer excluded")
            } else {
                s.policy.exclude_components.push(comp.clone());
                format!("{comp} now excluded")
            }
        }
        5 => {
            let c = &reg.components[&comp];
            let v = c.releases[t.below(c.releases.len())].version.clone();
            if t.chance(30) {
                s.current.remove(&comp);
                format!("{comp} no longer in [current]")
            } else {
                s.current.insert(comp.clone(), v.clone());
                format!("[current] {comp} = {v}")
            }
        }
        6 => {
            s.policy.lifecycle = match s.policy.lifecycle {
                Some(_) => None,
                None => Some(vec![Lifecycle::Live]),
            };
            s.policy.kinds = if t.chance(30) {
                Some(vec![Kind::Saas])
            } else {
                s.policy.kinds.take()
            };
            "lifecycle or kind policy changed".into()
        }
        7 => {
            let c = reg.components.get_mut(&comp).expect("listed");
            let i = t.below(c.releases.len());
            c.releases[i].yanked = Some("broken".into());
            format!("{comp} {} yanked", c.releases[i].version)
        }
        _ => {
            let c = reg.components.get_mut(&comp).expect("listed");
            let mut r = release("4.0.0");
            if c.releases.iter().any(|x| x.version == r.version) {
                return "nothing".into();
            }
            if let Some(last) = c.releases.last() {
                r.provides = last.provides.clone();
                r.requires = last.requires.clone();
                r.depends = last.depends.clone();
            }
            if t.chance(50) {
                r.provides.insert(id("i0"), v(t.pick(&["1.0.0", "2.0.0"])));
            }
            c.releases.push(r);
            format!("{comp} 4.0.0 published")
        }
    }
}

/// A registry and stack on a few lines, for failure messages.
pub fn compact(reg: &Registry, s: &Stack) -> String {
    let mut out = String::new();
    for c in reg.components.values() {
        out.push_str(&format!(
            "{} {:?} {} {}:",
            c.id,
            c.capabilities
                .iter()
                .map(|x| x.as_str())
                .collect::<Vec<_>>(),
            c.lifecycle,
            c.licence
        ));
        for r in &c.releases {
            let mut parts = Vec::new();
            for (i, v) in &r.provides {
                parts.push(format!("prov {i}={v}"));
            }
            for (i, v) in &r.requires {
                parts.push(format!("req {i} {v}"));
            }
            for (i, v) in &r.depends {
                parts.push(format!("dep {i} {v}"));
            }
            for (i, v) in &r.conflicts {
                parts.push(format!("conf {i} {v}"));
            }
            if r.yanked.is_some() {
                parts.push("YANKED".into());
            }
            out.push_str(&format!(" {}{{{}}}", r.version, parts.join("; ")));
        }
        out.push('\n');
    }
    out.push_str(&format!(
        "needs {:?}\npolicy {:?}\ncurrent {:?}\nprefer {:?}\n",
        s.needs
            .iter()
            .map(|(k, n)| format!("{k}: {n}"))
            .collect::<Vec<_>>(),
        s.policy,
        s.current
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>(),
        s.prefer
    ));
    out
}
