//! The interface and capability pages and their indexes.

use super::*;
use std::collections::BTreeSet;

use maud::html;

use crate::model::Registry;
use crate::model::{Component, Id, Interface, Need, Release};
use crate::report::list::short_licence;
use crate::site::ResolvedStack;
use crate::site::html::Text;
use crate::site::layout::{Page, Section};

pub(super) fn interfaces_index(registry: &Registry) -> Page {
    let path = Section::Interfaces.path().to_owned();
    let links = Links {
        registry,
        from: &path,
    };
    let rows = html! {
        @for i in registry.interfaces.values() {
            @let providers: BTreeSet<&Id> = registry
                .providers(i.id.as_str())
                .map(|(c, _, _)| &c.id)
                .collect();
            tr {
                td { (links.interface(&i.id, &i.name)) span.id { (Text(&i.id)) } }
                td { (Text(&i.owner)) }
                td {
                    (inline_list(
                        i.versions.iter().map(|v| links.interface_version(&i.id, v, v)),
                        "none",
                    ))
                }
                td.numeric { (providers.len()) }
            }
            "\n"
        }
    };
    let body = html! {
        h1 { "Interfaces" } "\n"
        p.lead {
            "Versioned open contracts (APIs and data standards) that join components together. \
             Any component that provides an interface can stand in for another that does."
        }
        "\n"
        @if registry.interfaces.is_empty() {
            p { "The registry has no interfaces yet." } "\n"
        } @else {
            (table(
                "interface-table",
                "Every interface in the registry",
                &["Interface", "Owner", "Versions", "Providers"],
                rows,
            ))
        }
    };
    Page {
        path,
        title: "Interfaces".into(),
        section: Section::Interfaces,
        crumbs: vec![("Catalogue".into(), "index.html".into())],
        body,
        search: false,
    }
}

pub(super) fn interface(registry: &Registry, i: &Interface) -> Page {
    let path = interface_path(&i.id);
    let links = Links {
        registry,
        from: &path,
    };
    // A release and its version, linked: `fixmystreet 6.0.0`.
    let release = |c: &Component, r: &Release| {
        links.release(&c.id, &r.version, format_args!("{} {}", c.id, r.version))
    };
    let rows = html! {
        @for v in i.versions.iter().rev() {
            @let providers = registry
                .providers(i.id.as_str())
                .filter(|(_, _, pv)| *pv == v)
                .map(|(c, r, _)| html! {
                    (release(c, r))
                    @if r.is_yanked() { " (yanked)" }
                });
            @let consumers = registry
                .consumers(i.id.as_str())
                .filter(|(_, _, range)| range.matches(v))
                .map(|(c, r, range)| html! { (release(c, r)) " (" (Text(range)) ")" });
            tr id=(Text(version_anchor(v))) {
                th scope="row" { (Text(v)) }
                td { (inline_list(providers, "none")) }
                td { (inline_list(consumers, "none")) }
            }
            "\n"
        }
    };
    let unmet: Vec<(&Component, &Release, &semver::VersionReq)> = registry
        .consumers(i.id.as_str())
        .filter(|(_, _, range)| !i.versions.iter().any(|v| range.matches(v)))
        .collect();
    let body = html! {
        (heading_with_caption("Interface", &i.name))
        p.lead { (Text(&i.summary)) } "\n"
        (facts(&[
            ("Id", html! { code { (Text(&i.id)) } }),
            ("Owner", html! { (Text(&i.owner)) }),
            ("Specification", external_link(&i.specification)),
            (
                "Published versions",
                inline_list(i.versions.iter().map(|v| html! { (Text(v)) }), "none"),
            ),
        ]))
        h2 #by-version { "Providers and consumers by version" } "\n"
        (table(
            "version-table",
            "Which releases provide each version, and which releases require it",
            &["Version", "Provided by", "Used by (the range they require)"],
            rows,
        ))
        @if !unmet.is_empty() {
            h2 #unmet { "Required at versions not published" } "\n"
            ul {
                @for (c, r, range) in &unmet {
                    li { (release(c, r)) " requires " (Text(range)) }
                }
            }
            "\n"
        }
    };
    Page {
        path,
        title: i.name.clone(),
        section: Section::Interfaces,
        crumbs: vec![
            ("Catalogue".into(), "index.html".into()),
            ("Interfaces".into(), Section::Interfaces.path().into()),
        ],
        body,
        search: false,
    }
}

// ---------------------------------------------------------------------------------------
// Capabilities

pub(super) fn capabilities_index(registry: &Registry) -> Page {
    let path = Section::Capabilities.path().to_owned();
    let links = Links {
        registry,
        from: &path,
    };
    let caps = registry.capabilities();
    let rows = html! {
        @for (cap, serving) in &caps {
            tr {
                td { (links.capability(cap)) }
                td {
                    (inline_list(serving.iter().map(|c| links.component(&c.id, &c.name)), "none"))
                }
            }
            "\n"
        }
    };
    let body = html! {
        h1 { "Capabilities" } "\n"
        p.lead {
            "The business functions components serve. Components serving the same capability \
             are candidates to replace one another."
        }
        "\n"
        @if caps.is_empty() {
            p { "No component lists a capability yet." } "\n"
        } @else {
            (table(
                "capability-table",
                "Every capability, with the components that serve it",
                &["Capability", "Components"],
                rows,
            ))
        }
    };
    Page {
        path,
        title: "Capabilities".into(),
        section: Section::Capabilities,
        crumbs: vec![("Catalogue".into(), "index.html".into())],
        body,
        search: false,
    }
}

pub(super) fn capability(
    registry: &Registry,
    cap: &Id,
    serving: &[&Component],
    stacks: &[ResolvedStack],
) -> Page {
    let path = capability_path(cap);
    let links = Links {
        registry,
        from: &path,
    };
    let rows = html! {
        @for c in serving {
            tr {
                td { (links.component(&c.id, &c.name)) span.hint { (Text(&c.summary)) } }
                td { (Text(&c.supplier)) }
                td { (Text(short_licence(c.licence.as_str()))) br; (licence_tag(c)) }
                td { (c.kind.as_str()) }
                td { (lifecycle_tag(c.lifecycle)) }
                td {
                    @match c.latest() {
                        Some(r) => (links.release(&c.id, &r.version, &r.version)),
                        None => "none",
                    }
                }
            }
            "\n"
        }
    };
    let needing: Vec<(&ResolvedStack, &Id)> = stacks
        .iter()
        .flat_map(|s| {
            s.input
                .stack
                .needs
                .iter()
                .filter_map(move |(name, need)| match need {
                    Need::Capability { id } if id == cap => Some((s, name)),
                    _ => None,
                })
        })
        .collect();
    let n = serving.len();
    let body = html! {
        (heading_with_caption("Capability", cap.as_str()))
        p.lead {
            (n) " component" @if n != 1 { "s" } " serve" @if n == 1 { "s" } " this capability."
        }
        "\n"
        (table(
            "serving-table",
            "Components serving this capability",
            &["Component", "Supplier", "Licence", "Kind", "Lifecycle", "Latest release"],
            rows,
        ))
        @if !needing.is_empty() {
            h2 #stacks { "Stacks that need it" } "\n"
            ul {
                @for (s, name) in &needing {
                    li {
                        (link(&links.to(&stack_path(&s.input.slug)), &s.input.stack.name))
                        " (need " (Text(name)) ")"
                    }
                }
            }
            "\n"
        }
    };
    Page {
        path,
        title: format!("Capability {cap}"),
        section: Section::Capabilities,
        crumbs: vec![
            ("Catalogue".into(), "index.html".into()),
            ("Capabilities".into(), Section::Capabilities.path().into()),
        ],
        body,
        search: false,
    }
}
