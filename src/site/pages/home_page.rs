//! The home page: the searchable component table.

use super::*;
use std::collections::BTreeSet;

use crate::model::Registry;
use crate::model::{Component, Id};
use crate::report::list::short_licence;
use crate::site::ResolvedStack;
use maud::{Markup, html};

use crate::site::html::Text;
use crate::site::layout::{Page, Section};

pub(super) fn home(registry: &Registry, stacks: &[ResolvedStack]) -> Page {
    let path = "index.html".to_owned();
    let links = Links {
        registry,
        from: &path,
    };
    let suppliers: BTreeSet<&str> = registry
        .components
        .values()
        .map(|c| c.supplier.as_str())
        .collect();
    let capabilities = registry.capability_ids();
    let stat = |count: usize, what: &str, to: Option<&str>| {
        html! {
            li {
                span.count { (count) }
                @match to {
                    Some(to) => (link(&links.to(to), what)),
                    None => (Text(what)),
                }
            }
        }
    };
    let rows = html! {
        @for c in registry.components.values() {
            tr data-search=(Text(search_text(c))) {
                td {
                    (links.component(&c.id, &c.name))
                    span.id { (Text(&c.id)) }
                    span.hint { (Text(&c.summary)) }
                }
                td { (Text(&c.supplier)) }
                td { (Text(short_licence(c.licence.as_str()))) br; (licence_tag(c)) }
                td { (lifecycle_tag(c.lifecycle)) }
                td { (inline_list(c.capabilities.iter().map(|cap| links.capability(cap)), "none")) }
            }
            "\n"
        }
    };
    let body = html! {
        h1 { (Text(&registry.meta.name)) } "\n"
        @if !registry.meta.description.is_empty() {
            p.lead { (Text(&registry.meta.description)) } "\n"
        }
        ul.stats aria-label="The registry in numbers" {
            (stat(registry.components.len(), "components", Some("index.html#components")))
            (stat(registry.interfaces.len(), "interfaces", Some(Section::Interfaces.path())))
            (stat(capabilities.len(), "capabilities", Some(Section::Capabilities.path())))
            (stat(suppliers.len(), "suppliers", None))
            (stat(stacks.len(), "stacks", Some(Section::Stacks.path())))
        }
        "\n"
        h2 #components { "Components" } "\n"
        @if registry.components.is_empty() {
            p { "The registry has no components yet." } "\n"
        } @else {
            (search_box(registry.components.len()))
            (table(
                "component-table",
                "Every component in the registry",
                &["Component", "Supplier", "Licence", "Lifecycle", "Capabilities"],
                rows,
            ))
        }
    };
    Page {
        path,
        title: "Component catalogue".into(),
        section: Section::Components,
        crumbs: Vec::new(),
        body,
        search: true,
    }
}

/// The search box, hidden until the script shows it (without JavaScript it could not work).
pub(super) fn search_box(count: usize) -> Markup {
    html! {
        div.search #search role="search" hidden="" {
            label for="search-input" { "Search components" } "\n"
            span.hint #search-hint {
                "By name, capability, interface, supplier, licence or lifecycle. Each word \
                 narrows the list; for example: payments live, or licence:mit."
            }
            "\n"
            input #search-input type="search" autocomplete="off" spellcheck="false"
                aria-describedby="search-hint" aria-controls="component-table";
            "\n"
            p.search-status #search-status role="status" aria-live="polite" {
                (count) " component" @if count != 1 { "s" }
            }
        }
        "\n"
    }
}

/// What the search box matches a component by, lower-cased: free words, and `field:value`
/// words for precise filters.
pub(super) fn search_text(c: &Component) -> String {
    let mut interfaces: BTreeSet<&str> = BTreeSet::new();
    for r in &c.releases {
        interfaces.extend(r.provides.keys().map(Id::as_str));
    }
    let mut words = vec![
        c.id.to_string(),
        c.name.clone(),
        c.summary.clone(),
        c.supplier.clone(),
        c.licence.to_string(),
        if c.licence.is_open_source() {
            "open-source".into()
        } else {
            "closed".into()
        },
        c.kind.to_string(),
        c.lifecycle.to_string(),
        format!("lifecycle:{}", c.lifecycle),
        format!("kind:{}", c.kind),
        format!("licence:{}", c.licence),
        format!("supplier:{}", c.supplier.replace(char::is_whitespace, "-")),
    ];
    for cap in &c.capabilities {
        words.push(cap.to_string());
        words.push(format!("capability:{cap}"));
    }
    for i in interfaces {
        words.push(i.to_owned());
        words.push(format!("interface:{i}"));
    }
    words.join(" ").to_lowercase()
}
