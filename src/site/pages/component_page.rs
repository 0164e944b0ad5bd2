//! One page per component, with its releases.

use super::*;
use std::collections::{BTreeMap, BTreeSet};

use maud::{Markup, html};

use crate::model::Registry;
use crate::model::{Component, Id, Release};
use crate::site::ResolvedStack;
use crate::site::html::Text;
use crate::site::layout::{Page, Section};

pub(super) fn component(registry: &Registry, c: &Component, stacks: &[ResolvedStack]) -> Page {
    let path = component_path(&c.id);
    let links = Links {
        registry,
        from: &path,
    };
    let latest = c.latest();
    let every_release_yanked = c.releases.iter().all(Release::is_yanked) && !c.releases.is_empty();
    let key_facts = facts(&[
        ("Id", html! { code { (Text(&c.id)) } }),
        ("Supplier", html! { (Text(&c.supplier)) }),
        (
            "Licence",
            html! {
                code { (Text(c.licence.as_str())) }
                @if c.licence.is_open_source() {
                    " (open source: OSI-approved)"
                } @else {
                    " (closed: not an OSI-approved licence)"
                }
            },
        ),
        ("Kind", html! { (c.kind.as_str()) }),
        ("Lifecycle", html! { (c.lifecycle.as_str()) }),
        (
            "Capabilities",
            inline_list(
                c.capabilities.iter().map(|cap| links.capability(cap)),
                "none",
            ),
        ),
        (
            "Assurances",
            inline_list(
                c.assurances.iter().map(|a| html! { (Text(a)) }),
                "none listed",
            ),
        ),
        (
            "Latest release",
            match latest {
                Some(r) => links.release(&c.id, &r.version, &r.version),
                None => html! { "none" },
            },
        ),
        ("Homepage", external_link(&c.homepage)),
        (
            "Source code",
            match &c.repository {
                Some(r) => external_link(r),
                None => html! { "not published" },
            },
        ),
    ]);
    let body = html! {
        (heading_with_caption("Component", &c.name))
        p.lead { (Text(&c.summary)) } "\n"
        p.tags {
            (lifecycle_tag(c.lifecycle))
            " "
            (licence_tag(c))
            @if every_release_yanked {
                " "
                strong.tag.tag-yanked { "every release yanked" }
            }
        }
        "\n"
        (key_facts)
        h2 #releases { "Releases" } "\n"
        @if c.releases.is_empty() {
            p { "No releases are published." } "\n"
        } @else {
            p.hint { "Newest first." } "\n"
            ol.timeline {
                @for r in c.releases.iter().rev() {
                    "\n"
                    (release(&links, r))
                }
                "\n"
            }
            "\n"
        }
        (same_interfaces(registry, &links, c))
        (requires(registry, &links, c))
        (used_by(registry, &links, c, stacks))
    };
    Page {
        path,
        title: c.name.clone(),
        section: Section::Components,
        crumbs: vec![("Components".into(), "index.html#components".into())],
        body,
        search: false,
    }
}

/// Who else provides the interfaces this component provides.
fn same_interfaces(registry: &Registry, links: &Links<'_>, c: &Component) -> Markup {
    let mut provided: BTreeMap<&Id, BTreeSet<&semver::Version>> = BTreeMap::new();
    for r in &c.releases {
        for (i, v) in &r.provides {
            provided.entry(i).or_default().insert(v);
        }
    }
    let rows = html! {
        @for (iface, versions) in &provided {
            @let others = other_providers(registry, c, iface);
            tr {
                td { (links.interface(iface, iface)) }
                td {
                    (inline_list(
                        versions.iter().map(|v| links.interface_version(iface, v, v)),
                        "none",
                    ))
                }
                td {
                    (inline_list(
                        others.iter().map(|(id, vs)| html! {
                            (links.component(id, id))
                            " (" (Text(join(vs.iter()))) ")"
                        }),
                        "none: no other component provides it",
                    ))
                }
            }
            "\n"
        }
    };
    html! {
        h2 #same-interfaces { "Who else provides the same interfaces" } "\n"
        @if provided.is_empty() {
            p { "This component provides no interfaces." } "\n"
        } @else {
            (table(
                "same-interfaces-table",
                "Other components providing the interfaces this one provides",
                &["Interface", "Versions this component provides", "Other providers"],
                rows,
            ))
        }
    }
}

/// The versions of `iface` each other component provides.
fn other_providers<'a>(
    registry: &'a Registry,
    c: &Component,
    iface: &'a Id,
) -> BTreeMap<&'a Id, BTreeSet<&'a semver::Version>> {
    let mut others: BTreeMap<&Id, BTreeSet<&semver::Version>> = BTreeMap::new();
    for (o, _, v) in registry.providers(iface.as_str()) {
        if o.id != c.id {
            others.entry(&o.id).or_default().insert(v);
        }
    }
    others
}

/// `a, b, c`.
fn join<T: std::fmt::Display>(items: impl Iterator<Item = T>) -> String {
    items.map(|i| i.to_string()).collect::<Vec<_>>().join(", ")
}

/// Who provides what the latest release requires.
fn requires(registry: &Registry, links: &Links<'_>, c: &Component) -> Markup {
    let Some(r) = c.latest().filter(|r| !r.requires.is_empty()) else {
        return html! {};
    };
    let rows = html! {
        @for (iface, range) in &r.requires {
            @let by = providers_in_range(registry, c, iface, range);
            tr {
                td { (links.interface(iface, iface)) }
                td { (Text(range)) }
                td {
                    (inline_list(
                        by.iter().map(|(id, vs)| html! {
                            (links.component(id, id))
                            " " (Text(join(vs.iter())))
                        }),
                        "no component provides it",
                    ))
                }
            }
            "\n"
        }
    };
    html! {
        h2 #requires { "Who provides what version " (Text(&r.version)) " requires" } "\n"
        (table(
            "requires-table",
            "Interfaces required, and the components that provide them",
            &["Interface", "Range", "Provided by"],
            rows,
        ))
    }
}

/// The releases of other components that provide `iface` within `range`, not yanked.
fn providers_in_range<'a>(
    registry: &'a Registry,
    c: &Component,
    iface: &'a Id,
    range: &semver::VersionReq,
) -> BTreeMap<&'a Id, Vec<&'a semver::Version>> {
    let mut by: BTreeMap<&Id, Vec<&semver::Version>> = BTreeMap::new();
    for (o, or, v) in registry.providers(iface.as_str()) {
        if o.id != c.id && range.matches(v) && !or.is_yanked() {
            by.entry(&o.id).or_default().push(&or.version);
        }
    }
    by
}

/// Who depends on it, and which stack plans include it.
fn used_by(
    registry: &Registry,
    links: &Links<'_>,
    c: &Component,
    stacks: &[ResolvedStack],
) -> Markup {
    let dependents = registry
        .components
        .values()
        .filter(|o| o.releases.iter().any(|r| r.depends.contains_key(&c.id)));
    let in_plans = stacks.iter().filter_map(|s| {
        let plan = plan_of(s)?;
        Some((s, &plan.get(c.id.as_str())?.version))
    });
    html! {
        h2 #used-by { "Used by" } "\n"
        p {
            "Components that depend on it: "
            (inline_list(dependents.map(|o| links.component(&o.id, &o.name)), "none."))
        }
        "\n"
        p {
            "Stack plans that include it: "
            (inline_list(
                in_plans.map(|(s, v)| html! {
                    (link(&links.to(&stack_path(&s.input.slug)), &s.input.stack.name))
                    " (" (Text(v)) ")"
                }),
                "none.",
            ))
        }
        "\n"
    }
}

pub(super) fn release(links: &Links<'_>, r: &Release) -> Markup {
    let mut rows: Vec<(&str, Markup)> = Vec::new();
    if !r.provides.is_empty() {
        let list = r.provides.iter().map(|(i, v)| {
            html! { (links.interface(i, i)) " " (links.interface_version(i, v, v)) }
        });
        rows.push(("Provides", inline_list(list, "")));
    }
    if !r.requires.is_empty() {
        let list = r
            .requires
            .iter()
            .map(|(i, range)| html! { (links.interface(i, i)) " " (Text(range)) });
        rows.push(("Requires", inline_list(list, "")));
    }
    for (label, ranges) in [("Depends on", &r.depends), ("Conflicts with", &r.conflicts)] {
        if !ranges.is_empty() {
            let list = ranges
                .iter()
                .map(|(id, range)| html! { (links.component(id, id)) " " (Text(range)) });
            rows.push((label, inline_list(list, "")));
        }
    }
    html! {
        li id=(Text(version_anchor(&r.version)))
            class=(if r.is_yanked() { "release yanked" } else { "release" }) {
            h3 {
                "Version " (Text(&r.version))
                @if r.is_yanked() {
                    " "
                    strong.tag.tag-yanked { "yanked" }
                }
            }
            p.when {
                "Released " (date(r.released)) ". "
                @match r.support_ends {
                    Some(end) => { "Support ends " (date(end)) "." }
                    None => "No support end date published.",
                }
            }
            @if let Some(reason) = &r.yanked {
                p.yank-reason { strong { "Yanked: " } (Text(reason)) }
            }
            @if rows.is_empty() {
                p { "Provides no interfaces and needs nothing else." }
            } @else {
                (facts(&rows))
            }
        }
    }
}
