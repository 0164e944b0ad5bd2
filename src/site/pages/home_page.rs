//! The home page: the searchable component table.

use super::*;
use std::collections::BTreeSet;

use crate::model::Registry;
use crate::model::{Component, Id};
use crate::report::list::short_licence;
use crate::site::ResolvedStack;
use crate::site::html::Html;
use crate::site::layout::{Page, Section};

pub(super) fn home(registry: &Registry, stacks: &[ResolvedStack]) -> Page {
    let path = "index.html".to_owned();
    let links = Links {
        registry,
        from: &path,
    };
    let mut h = Html::new();
    h.el_text("h1", &[], &registry.meta.name).nl();
    if !registry.meta.description.is_empty() {
        h.el_text("p", &[("class", "lead")], &registry.meta.description)
            .nl();
    }
    let suppliers: BTreeSet<&str> = registry
        .components
        .values()
        .map(|c| c.supplier.as_str())
        .collect();
    let capabilities = registry.capability_ids();
    h.el(
        "ul",
        &[
            ("class", "stats"),
            ("aria-label", "The registry in numbers"),
        ],
        |h| {
            let stat = |h: &mut Html, count: usize, what: &str, to: Option<&str>| {
                h.el("li", &[], |h| {
                    h.el_text("span", &[("class", "count")], &count.to_string());
                    match to {
                        Some(to) => {
                            h.link(&links.to(to), what);
                        }
                        None => {
                            h.text(what);
                        }
                    }
                });
            };
            stat(
                h,
                registry.components.len(),
                "components",
                Some("index.html#components"),
            );
            stat(
                h,
                registry.interfaces.len(),
                "interfaces",
                Some(Section::Interfaces.path()),
            );
            stat(
                h,
                capabilities.len(),
                "capabilities",
                Some(Section::Capabilities.path()),
            );
            stat(h, suppliers.len(), "suppliers", None);
            stat(h, stacks.len(), "stacks", Some(Section::Stacks.path()));
        },
    )
    .nl();

    h.el_text("h2", &[("id", "components")], "Components").nl();
    if !registry.components.is_empty() {
        search_box(&mut h, registry.components.len());
    }
    if registry.components.is_empty() {
        h.el_text("p", &[], "The registry has no components yet.")
            .nl();
    } else {
        table(
            &mut h,
            "component-table",
            "Every component in the registry",
            &[
                "Component",
                "Supplier",
                "Licence",
                "Lifecycle",
                "Capabilities",
            ],
            |h| {
                for c in registry.components.values() {
                    let search = search_text(c);
                    h.el("tr", &[("data-search", &search)], |h| {
                        h.el("td", &[], |h| {
                            links.component(h, &c.id, &c.name);
                            h.el_text("span", &[("class", "id")], c.id.as_str());
                            h.el_text("span", &[("class", "hint")], &c.summary);
                        });
                        h.el_text("td", &[], &c.supplier);
                        h.el("td", &[], |h| {
                            h.text(&short_licence(c.licence.as_str()));
                            h.lit("<br>");
                            licence_tag(h, c);
                        });
                        h.el("td", &[], |h| lifecycle_tag(h, c.lifecycle));
                        h.el("td", &[], |h| {
                            inline_list(h, &c.capabilities, "none", |h, cap| {
                                links.capability(h, cap)
                            });
                        });
                    })
                    .nl();
                }
            },
        );
    }
    Page {
        path,
        title: "Component catalogue".into(),
        section: Section::Components,
        crumbs: Vec::new(),
        body: h.finish(),
        search: true,
    }
}

/// The search box, hidden until the script shows it (without JavaScript it could not work).
pub(super) fn search_box(h: &mut Html, count: usize) {
    h.el(
        "div",
        &[
            ("class", "search"),
            ("id", "search"),
            ("role", "search"),
            ("hidden", ""),
        ],
        |h| {
            h.el_text("label", &[("for", "search-input")], "Search components")
                .nl();
            h.el_text(
                "span",
                &[("class", "hint"), ("id", "search-hint")],
                "By name, capability, interface, supplier, licence or lifecycle. Each word narrows \
             the list; for example: payments live, or licence:mit.",
            )
            .nl();
            h.void(
                "input",
                &[
                    ("id", "search-input"),
                    ("type", "search"),
                    ("autocomplete", "off"),
                    ("spellcheck", "false"),
                    ("aria-describedby", "search-hint"),
                    ("aria-controls", "component-table"),
                ],
            )
            .nl();
            let initial = format!("{count} component{}", if count == 1 { "" } else { "s" });
            h.el_text(
                "p",
                &[
                    ("class", "search-status"),
                    ("id", "search-status"),
                    ("role", "status"),
                    ("aria-live", "polite"),
                ],
                &initial,
            );
        },
    )
    .nl();
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

// ---------------------------------------------------------------------------------------
// Components
