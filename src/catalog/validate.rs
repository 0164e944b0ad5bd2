//! Checks that need the whole registry: references between files, satisfiable ranges,
//! dependency cycles, reference stacks, and (with `--base`) release immutability.

use std::collections::BTreeSet;

use foldhash::{HashMap, HashMapExt as _};
use petgraph::algo::tarjan_scc;
use petgraph::graph::{DiGraph, NodeIndex};
use rayon::prelude::*;
use semver::{Version, VersionReq};

use crate::diagnostic::{Code, Diagnostic, Seg};
use crate::model::schema::SchemaKind;
use crate::model::{Component, Id, Need, Stack};
use crate::model::{Origins, Registry};
use crate::path;

/// For each interface, every (component, version provided) pair.
struct ProviderIndex<'a> {
    by_interface: HashMap<&'a str, Vec<(&'a Id, &'a Version)>>,
}

/// Which components match each `requires` range asked about so far, since thousands of
/// releases ask the same few (interface, range) questions (one per thread).
type Answers<'a> = HashMap<(&'a str, &'a VersionReq), Matching<'a>>;

/// Which components provide an interface in a range: none, exactly one, or several.
#[derive(Debug, Clone, Copy)]
enum Matching<'a> {
    None,
    One(&'a Id),
    Several,
}

impl<'a> ProviderIndex<'a> {
    fn matching(
        &self,
        answers: &mut Answers<'a>,
        iface: &'a str,
        range: &'a VersionReq,
    ) -> Matching<'a> {
        if let Some(m) = answers.get(&(iface, range)) {
            return *m;
        }
        let mut m = Matching::None;
        for (pid, pv) in self.by_interface.get(iface).into_iter().flatten() {
            if range.matches(pv) {
                m = match m {
                    Matching::None => Matching::One(pid),
                    Matching::One(one) if one == *pid => m,
                    _ => Matching::Several,
                };
                if matches!(m, Matching::Several) {
                    break;
                }
            }
        }
        answers.insert((iface, range), m);
        m
    }
}

fn provider_index(registry: &Registry) -> ProviderIndex<'_> {
    let mut by_interface: HashMap<&str, Vec<(&Id, &Version)>> = HashMap::new();
    for c in registry.components.values() {
        for r in &c.releases {
            for (iface, v) in &r.provides {
                by_interface
                    .entry(iface.as_str())
                    .or_default()
                    .push((&c.id, v));
            }
        }
    }
    ProviderIndex { by_interface }
}

/// Runs every cross-file check, appending findings. Components are checked in parallel
/// (their findings kept in registry order), beside the search for dependency cycles.
pub fn cross_check(registry: &Registry, origins: &Origins, out: &mut Vec<Diagnostic>) {
    let components: Vec<&Component> = registry.components.values().collect();
    let (per_component, in_cycles) = rayon::join(
        || {
            let providers = provider_index(registry);
            components
                .par_iter()
                .map_init(Answers::new, |answers, c| {
                    let mut found = Vec::new();
                    let file = origins.component(&c.id);
                    check_component(registry, &providers, answers, c, &file, &mut found);
                    found
                })
                .collect::<Vec<_>>()
        },
        || {
            let mut found = Vec::new();
            cycles(registry, origins, &mut found);
            found
        },
    );
    out.extend(per_component.into_iter().flatten());
    out.extend(in_cycles);
    for (id, stack) in &registry.stacks {
        check_stack(registry, stack, &origins.stack(id), out);
    }
}

/// Checks one component's references against the registry.
pub fn check_component_refs(registry: &Registry, c: &Component, file: &str) -> Vec<Diagnostic> {
    let providers = provider_index(registry);
    let mut out = Vec::new();
    check_component(registry, &providers, &mut Answers::new(), c, file, &mut out);
    out
}

fn check_component<'a>(
    registry: &'a Registry,
    providers: &ProviderIndex<'a>,
    answers: &mut Answers<'a>,
    c: &'a Component,
    file: &str,
    out: &mut Vec<Diagnostic>,
) {
    // Releases are sorted by version in the model; findings point into the file, whose
    // order may differ, so find each release's position in the file by version.
    for r in &c.releases {
        // Built only for a finding: most releases have none.
        let i = || Seg::Release(r.version.to_string());
        for (iface, v) in &r.provides {
            match registry.interfaces.get(iface) {
                None => out.push(
                    Diagnostic::error(
                        file,
                        Code::UnknownInterface,
                        format!("release {} provides unknown interface `{iface}`", r.version),
                    )
                    .at_key(path!["release", i(), "provides", iface.as_str()])
                    .with_hint(format!("add interfaces/{iface}.toml or fix the id")),
                ),
                Some(interface) if !interface.versions.contains(v) => out.push(
                    Diagnostic::error(
                        file,
                        Code::UnknownInterfaceVersion,
                        format!(
                            "interface `{iface}` publishes no version {v} (it publishes {})",
                            list(&interface.versions)
                        ),
                    )
                    .at_value(path![
                        "release",
                        i(),
                        "provides",
                        iface.as_str()
                    ]),
                ),
                Some(_) => {}
            }
        }
        for (iface, range) in &r.requires {
            if !registry.interfaces.contains_key(iface) {
                out.push(
                    Diagnostic::error(
                        file,
                        Code::UnknownInterface,
                        format!("release {} requires unknown interface `{iface}`", r.version),
                    )
                    .at_key(path!["release", i(), "requires", iface.as_str()]),
                );
                continue;
            }
            let satisfiable = match providers.matching(answers, iface.as_str(), range) {
                Matching::None => false,
                Matching::One(only) => only != &c.id,
                Matching::Several => true,
            };
            if !satisfiable {
                out.push(
                    Diagnostic::error(
                        file,
                        Code::UnsatisfiableRequires,
                        format!("no release of another component provides `{iface}` {range}"),
                    )
                    .at_value(path!["release", i(), "requires", iface.as_str()])
                    .with_hint(format!(
                        "check the range against `stackreg show --interface {iface}`"
                    )),
                );
            }
        }
        for (dep, range) in &r.depends {
            match registry.components.get(dep) {
                None => out.push(
                    Diagnostic::error(
                        file,
                        Code::UnknownComponent,
                        format!("release {} depends on unknown component `{dep}`", r.version),
                    )
                    .at_key(path!["release", i(), "depends", dep.as_str()]),
                ),
                Some(target) if !target.releases.iter().any(|t| range.matches(&t.version)) => out
                    .push(
                        Diagnostic::error(
                            file,
                            Code::UnmatchedDepends,
                            format!(
                                "no release of `{dep}` matches {range} (it has {})",
                                list(
                                    &target
                                        .releases
                                        .iter()
                                        .map(|t| t.version.clone())
                                        .collect::<Vec<_>>()
                                )
                            ),
                        )
                        .at_value(path![
                            "release",
                            i(),
                            "depends",
                            dep.as_str()
                        ]),
                    ),
                Some(_) => {}
            }
        }
        for dep in r.conflicts.keys() {
            if dep == &c.id {
                out.push(
                    Diagnostic::error(
                        file,
                        Code::SelfConflict,
                        format!("release {} conflicts with its own component", r.version),
                    )
                    .at_key(path!["release", i(), "conflicts", dep.as_str()])
                    .with_hint("a plan holds one release per component anyway; remove the entry"),
                );
                continue;
            }
            if !registry.components.contains_key(dep) {
                out.push(
                    Diagnostic::error(
                        file,
                        Code::UnknownComponent,
                        format!(
                            "release {} conflicts with unknown component `{dep}`",
                            r.version
                        ),
                    )
                    .at_key(path!["release", i(), "conflicts", dep.as_str()]),
                );
            }
        }
    }
}

fn list(versions: &[Version]) -> String {
    if versions.is_empty() {
        return "none".into();
    }
    versions
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

/// Reports every set of components whose `depends` form a loop.
fn cycles(registry: &Registry, origins: &Origins, out: &mut Vec<Diagnostic>) {
    // Nodes are components in registry order; an edge per component and dependency.
    let mut graph: DiGraph<&str, ()> = DiGraph::with_capacity(registry.components.len(), 0);
    let mut node: HashMap<&str, NodeIndex> = HashMap::with_capacity(registry.components.len());
    for id in registry.components.keys() {
        node.insert(id.as_str(), graph.add_node(id.as_str()));
    }
    for c in registry.components.values() {
        let from = node[c.id.as_str()];
        let mut targets: Vec<NodeIndex> = c
            .releases
            .iter()
            .flat_map(|r| r.depends.keys())
            .filter_map(|dep| node.get(dep.as_str()).copied())
            .collect();
        targets.sort_unstable();
        targets.dedup();
        for to in targets {
            graph.add_edge(from, to, ());
        }
    }
    for scc in tarjan_scc(&graph) {
        let looped = scc.len() > 1 || graph.contains_edge(scc[0], scc[0]);
        if !looped {
            continue;
        }
        let members: BTreeSet<&str> = scc.iter().map(|n| graph[*n]).collect();
        let names = members.iter().copied().collect::<Vec<_>>().join(" → ");
        for id in &members {
            let Some(c) = registry.components.get(*id) else {
                continue;
            };
            // Point at the first `depends` entry that stays inside the loop.
            let at = c.releases.iter().find_map(|r| {
                r.depends
                    .keys()
                    .find(|d| members.contains(d.as_str()))
                    .map(|d| {
                        path![
                            "release",
                            Seg::Release(r.version.to_string()),
                            "depends",
                            d.as_str()
                        ]
                    })
            });
            let mut d = Diagnostic::error(
                origins.component(&c.id),
                Code::DependencyCycle,
                format!("`{id}` is part of a dependency cycle: {names}"),
            )
            .with_hint("`depends` must not loop; use `requires` on an interface instead");
            if let Some(at) = at {
                d = d.at_key(at);
            }
            out.push(d);
        }
    }
}

/// Checks that a stack names things the registry has.
pub fn check_stack(registry: &Registry, stack: &Stack, file: &str, out: &mut Vec<Diagnostic>) {
    let capabilities = registry.capability_ids();
    for (name, need) in &stack.needs {
        let target = need.target();
        let (known, code, what) = match need {
            Need::Component { .. } => (
                registry.components.contains_key(target),
                Code::UnknownComponent,
                "component",
            ),
            Need::Interface { .. } => (
                registry.interfaces.contains_key(target),
                Code::UnknownInterface,
                "interface",
            ),
            Need::Capability { .. } => (
                capabilities.contains(target),
                Code::UnknownCapability,
                "capability",
            ),
        };
        if !known {
            let mut d = Diagnostic::error(
                file,
                code,
                format!("need `{name}` names unknown {what} `{target}`"),
            )
            .at_value(path!["needs", name.as_str(), what]);
            if let Some(s) = suggest(target.as_str(), names_of(registry, what)) {
                d = d.with_hint(format!("did you mean `{s}`?"));
            }
            out.push(d);
        }
    }
    for (id, version) in &stack.current {
        match registry.components.get(id) {
            None => out.push(
                Diagnostic::error(
                    file,
                    Code::UnknownComponent,
                    format!("[current] names unknown component `{id}`"),
                )
                .at_key(path!["current", id.as_str()]),
            ),
            Some(c) if c.release(version).is_none() => out.push(
                Diagnostic::warning(
                    file,
                    Code::UnknownComponent,
                    format!("[current] {id} {version} is not a release in the registry"),
                )
                .at_value(path!["current", id.as_str()]),
            ),
            Some(_) => {}
        }
    }
    let lists = [
        ("prefer", "components", &stack.prefer),
        (
            "policy",
            "exclude-components",
            &stack.policy.exclude_components,
        ),
    ];
    for (table, key, ids) in lists {
        for (i, id) in ids.iter().enumerate() {
            if !registry.components.contains_key(id) {
                out.push(
                    Diagnostic::warning(
                        file,
                        Code::UnknownComponent,
                        format!("[{table}] {key} names unknown component `{id}`"),
                    )
                    .at_value(path![table, key, i]),
                );
            }
        }
    }
}

fn names_of<'a>(registry: &'a Registry, what: &str) -> Vec<&'a str> {
    match what {
        "component" => registry.components.keys().map(Id::as_str).collect(),
        "interface" => registry.interfaces.keys().map(Id::as_str).collect(),
        _ => registry
            .capability_ids()
            .into_iter()
            .map(Id::as_str)
            .collect(),
    }
}

/// The closest known name, when it is close enough to be a likely typo.
pub fn suggest<'a>(wanted: &str, known: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    known
        .into_iter()
        .map(|k| (edit_distance(wanted, k), k))
        .filter(|(d, k)| *d <= (wanted.len().max(k.len()) / 3).max(1))
        .min()
        .map(|(_, k)| k)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut row = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            row.push((prev[j] + cost).min(prev[j + 1] + 1).min(row[j] + 1));
        }
        prev = row;
    }
    prev[b.len()]
}

/// The one immutability rule, for `validate --base`, `registry publish` and `yank` (and
/// each breach is a breaking change in `registry diff`): published releases are
/// unchanged since `base` (other than `yanked`), and no release, component, interface or
/// interface version was removed. `in_head` tells whether a file is still in the
/// registry: an item missing from `head` whose file is still there could not be read,
/// which its own findings already say.
pub fn immutability(
    base: &Registry,
    head: &Registry,
    origins: &Origins,
    in_head: impl Fn(&str) -> bool,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (id, old) in &base.components {
        let file = origins.component(id);
        let Some(new) = head.components.get(id) else {
            if in_head(&file) {
                continue;
            }
            out.push(
                Diagnostic::error(
                    &file,
                    Code::ReleaseRemoved,
                    format!(
                        "component `{id}` was removed, with its {} published release(s)",
                        old.releases.len()
                    ),
                )
                .with_hint("components are never removed; set lifecycle = \"retired\" instead"),
            );
            continue;
        };
        for r in &old.releases {
            match new.release(&r.version) {
                None => out.push(
                    Diagnostic::error(
                        &file,
                        Code::ReleaseRemoved,
                        format!("published release {id} {} was removed", r.version),
                    )
                    .with_hint("releases are never removed; yank it instead: yanked = \"reason\""),
                ),
                Some(n) => {
                    let changed = changed_fields(r, n);
                    if !changed.is_empty() {
                        let i = Seg::Release(n.version.to_string());
                        out.push(
                            Diagnostic::error(
                                &file,
                                Code::ReleaseChanged,
                                format!(
                                    "published release {id} {} changed its {}",
                                    r.version,
                                    changed.join(", ")
                                ),
                            )
                            .at_value(path!["release", i])
                            .with_hint("published releases are immutable except `yanked`; publish a new version instead"),
                        );
                    }
                }
            }
        }
    }
    for (id, old) in &base.interfaces {
        let file = origins.interface(id);
        let gone: Vec<String> = match head.interfaces.get(id) {
            None if in_head(&file) => continue, // still there, but not loadable: reported
            None => old.versions.iter().map(ToString::to_string).collect(),
            Some(n) => old
                .versions
                .iter()
                .filter(|v| !n.versions.contains(v))
                .map(ToString::to_string)
                .collect(),
        };
        if !gone.is_empty() {
            out.push(
                Diagnostic::error(
                    &file,
                    Code::ReleaseRemoved,
                    format!(
                        "published version(s) {} of interface `{id}` were removed",
                        gone.join(", ")
                    ),
                )
                .at_value(path!["versions"])
                .with_hint(
                    "interface versions are never withdrawn; components stop providing them instead",
                ),
            );
        }
    }
    out
}

fn changed_fields(a: &crate::model::Release, b: &crate::model::Release) -> Vec<&'static str> {
    let mut out = Vec::new();
    if a.released != b.released {
        out.push("released");
    }
    if a.support_ends != b.support_ends {
        out.push("support-ends");
    }
    if a.provides != b.provides {
        out.push("provides");
    }
    if a.requires != b.requires {
        out.push("requires");
    }
    if a.depends != b.depends {
        out.push("depends");
    }
    if a.conflicts != b.conflicts {
        out.push("conflicts");
    }
    out
}

/// Works out what kind of manifest a file outside the registry is: by its folder
/// (`components/x.toml`), else by its top-level keys.
pub fn guess_kind(path: &std::path::Path, text: &str) -> Option<SchemaKind> {
    let folder = path
        .parent()
        .and_then(|p| p.file_name())
        .and_then(|f| f.to_str());
    match folder {
        Some("components") => return Some(SchemaKind::Component),
        Some("interfaces") => return Some(SchemaKind::Interface),
        Some("stacks") => return Some(SchemaKind::Stack),
        _ => {}
    }
    if path.file_name().and_then(|f| f.to_str()) == Some("registry.toml") {
        return Some(SchemaKind::Registry);
    }
    let table: toml::Table = toml::from_str(text).ok()?;
    if table.contains_key("stack") {
        Some(SchemaKind::Stack)
    } else if table.contains_key("registry") {
        Some(SchemaKind::Registry)
    } else if table.contains_key("release") || table.contains_key("supplier") {
        Some(SchemaKind::Component)
    } else if table.contains_key("versions") || table.contains_key("specification") {
        Some(SchemaKind::Interface)
    } else {
        None
    }
}

/// Checks one file that is not (yet) part of the registry, on its own and against the
/// registry, as `validate FILE` does for a manifest about to be added.
pub fn check_file(
    registry: &Registry,
    file: &str,
    stem: Option<&str>,
    kind: SchemaKind,
    text: &str,
) -> Vec<Diagnostic> {
    use crate::model::validate as check;
    let expected = stem.filter(|s| Id::check(s).is_ok());
    let mut out = match kind {
        SchemaKind::Registry => check::registry_file(file, text).diagnostics,
        SchemaKind::Interface => check::interface(file, expected, text).diagnostics,
        SchemaKind::Component => {
            let parsed = check::component(file, expected, text);
            let mut out = parsed.diagnostics;
            if let Some(c) = &parsed.value {
                out.extend(check_component_refs(registry, c, file));
            }
            out
        }
        SchemaKind::Stack => {
            let parsed = check::stack(file, None, text);
            let mut out = parsed.diagnostics;
            if let Some(s) = &parsed.value {
                check_stack(registry, s, file, &mut out);
            }
            out
        }
    };
    super::locate_in(&mut out, file, text);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_names_only() {
        let known = ["fixmystreet", "govuk-pay", "keycloak"];
        assert_eq!(suggest("fixmystret", known), Some("fixmystreet"));
        assert_eq!(suggest("keycloack", known), Some("keycloak"));
        assert_eq!(suggest("totally-different", known), None);
    }
}
