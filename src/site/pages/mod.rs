//! The pages: home (the searchable component table), one page per component, interface,
//! capability and stack, and an index for each section.
//!
//! Pages link to each other with relative paths (so the site works from `file://` and
//! from any folder of a web host), and only to pages that exist: a reference to something
//! the registry does not hold is shown as text.

use std::collections::BTreeMap;

use std::fmt::Display;

use maud::{Markup, html};

use super::html::{Href, Text};
use super::layout::{self, Frame};
use super::{MARKER, ResolvedStack, Settings, Site};
use crate::model::Registry;
use crate::model::{Component, Date, Id, Lifecycle, Need, RegistryMeta};

mod component_page;
mod home_page;
mod interface_pages;
mod stack_pages;
mod stack_plan;

use component_page::*;
use home_page::*;
use interface_pages::*;
use stack_pages::*;
use stack_plan::*;

const CSS: &str = include_str!("../assets/site.css");
const JS: &str = include_str!("../assets/search.js");

/// Every file of the site.
pub fn all(registry: &Registry, stacks: &[ResolvedStack], settings: &Settings) -> Site {
    let frame = Frame {
        registry_name: &registry.meta.name,
        commit: registry.source.commit.as_deref(),
        sample: is_sample(&registry.meta),
        registry_errors: settings.registry_errors,
    };
    let mut pages = vec![home(registry, stacks)];
    for c in registry.components.values() {
        pages.push(component(registry, c, stacks));
    }
    pages.push(interfaces_index(registry));
    for i in registry.interfaces.values() {
        pages.push(interface(registry, i));
    }
    pages.push(capabilities_index(registry));
    for (cap, serving) in registry.capabilities() {
        pages.push(capability(registry, cap, &serving, stacks));
    }
    pages.push(stacks_index(stacks));
    for s in stacks {
        pages.push(stack(registry, s));
    }
    let mut files: BTreeMap<String, Vec<u8>> = BTreeMap::new();
    for p in &pages {
        files.insert(p.path.clone(), layout::render(&frame, p).into_bytes());
    }
    files.insert("assets/site.css".into(), CSS.as_bytes().to_vec());
    files.insert("assets/search.js".into(), JS.as_bytes().to_vec());
    // The marker lists every file of the site, so the next run knows what it may replace.
    let marker = super::marker::text(files.keys().map(String::as_str));
    files.insert(MARKER.into(), marker.into_bytes());
    Site { files }
}

/// Whether the registry says it holds sample data.
fn is_sample(meta: &RegistryMeta) -> bool {
    let says = |s: &str| {
        s.to_lowercase()
            .split(|c: char| !c.is_alphanumeric())
            .any(|w| w == "sample")
    };
    says(&meta.name) || says(&meta.description)
}

/// Site paths of the pages, from the root.
fn component_path(id: &Id) -> String {
    format!("components/{id}.html")
}
fn interface_path(id: &Id) -> String {
    format!("interfaces/{id}.html")
}
fn capability_path(id: &Id) -> String {
    format!("capabilities/{id}.html")
}
fn stack_path(slug: &Id) -> String {
    format!("stacks/{slug}.html")
}

/// The anchor of a release on its component page, or of a version on an interface page.
fn version_anchor(v: &semver::Version) -> String {
    format!("v-{v}")
}

/// `<a href>text</a>`.
fn link(to: &Href, text: impl Display) -> Markup {
    html! { a href=(to) { (Text(text)) } }
}

/// A link to an external URL when it is https, else the URL as plain text.
fn external_link(url: &str) -> Markup {
    html! {
        @match Href::external(url) {
            Some(to) => a href=(to) rel="external noopener noreferrer" { (Text(url)) },
            None => span.unlinked-url { (Text(url)) },
        }
    }
}

/// Links from one page to others, only to pages that exist.
struct Links<'a> {
    registry: &'a Registry,
    from: &'a str,
}

impl Links<'_> {
    fn to(&self, path: &str) -> Href {
        layout::href(self.from, path)
    }

    /// A link to `path` when `exists`, else `text` alone.
    fn link_if(&self, exists: bool, path: &str, text: impl Display) -> Markup {
        if exists {
            link(&self.to(path), text)
        } else {
            html! { (Text(text)) }
        }
    }

    fn component(&self, id: &Id, text: impl Display) -> Markup {
        let exists = self.registry.components.contains_key(id);
        self.link_if(exists, &component_path(id), text)
    }

    fn release(&self, id: &Id, version: &semver::Version, text: impl Display) -> Markup {
        let exists = self
            .registry
            .components
            .get(id)
            .is_some_and(|c| c.release(version).is_some());
        if exists {
            let path = format!("{}#{}", component_path(id), version_anchor(version));
            link(&self.to(&path), text)
        } else {
            self.component(id, text)
        }
    }

    fn interface(&self, id: &Id, text: impl Display) -> Markup {
        let exists = self.registry.interfaces.contains_key(id);
        self.link_if(exists, &interface_path(id), text)
    }

    fn interface_version(&self, id: &Id, version: &semver::Version, text: impl Display) -> Markup {
        let exists = self
            .registry
            .interfaces
            .get(id)
            .is_some_and(|i| i.versions.contains(version));
        if exists {
            let path = format!("{}#{}", interface_path(id), version_anchor(version));
            link(&self.to(&path), text)
        } else {
            self.interface(id, text)
        }
    }

    fn capability(&self, id: &Id) -> Markup {
        let served = self
            .registry
            .components
            .values()
            .any(|c| c.has_capability(id.as_str()));
        self.link_if(served, &capability_path(id), id)
    }

    /// A need in the stack's words, with its target linked.
    fn need(&self, need: &Need) -> Markup {
        let star = |v: &semver::VersionReq| *v == semver::VersionReq::STAR;
        html! {
            @match need {
                Need::Component { id, version } => {
                    "component " (self.component(id, id))
                    @if !star(version) { " " (Text(version)) }
                }
                Need::Interface { id, version } => {
                    "interface " (self.interface(id, id))
                    @if !star(version) { " " (Text(version)) }
                }
                Need::Capability { id } => {
                    "capability " (self.capability(id))
                }
            }
        }
    }
}

/// `2026-02-10` as "10 February 2026", in a `<time>` element.
fn date(d: Date) -> Markup {
    const MONTHS: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    let iso = d.to_string();
    let mut parts = iso.splitn(3, '-');
    let (y, m, day) = (parts.next(), parts.next(), parts.next());
    let text = match (y, m.and_then(|m| m.parse::<usize>().ok()), day) {
        (Some(y), Some(m), Some(day)) if (1..=12).contains(&m) => {
            format!("{} {} {y}", day.trim_start_matches('0'), MONTHS[m - 1])
        }
        _ => iso.clone(),
    };
    html! { time datetime=(Text(&iso)) { (Text(&text)) } }
}

fn lifecycle_tag(l: Lifecycle) -> Markup {
    html! { strong class={ "tag tag-" (l.as_str()) } { (l.as_str()) } }
}

fn licence_tag(c: &Component) -> Markup {
    html! {
        @if c.licence.is_open_source() {
            strong.tag.tag-open { "open source" }
        } @else {
            strong.tag.tag-closed { "closed source" }
        }
    }
}

/// A table in a scrolling region (keyboard-focusable, named by its caption).
fn table(id: &str, caption: &str, head: &[&str], rows: Markup) -> Markup {
    let caption_id = format!("{id}-caption");
    html! {
        div.table-scroll role="region" aria-labelledby=(Text(&caption_id)) tabindex="0" {
            table id=(Text(id)) {
                "\n"
                caption id=(Text(&caption_id)) { (Text(caption)) } "\n"
                thead { tr { @for col in head { th scope="col" { (Text(col)) } } } } "\n"
                tbody { "\n" (rows) } "\n"
            }
        }
        "\n"
    }
}

/// A `<dl class="facts">` of key facts: each term with its description.
fn facts(rows: &[(&str, Markup)]) -> Markup {
    html! {
        dl.facts {
            @for (term, description) in rows {
                "\n"
                div { dt { (Text(term)) } dd { (description) } }
            }
            "\n"
        }
        "\n"
    }
}

/// Items separated by commas, or `none` when empty. Plain phrasing content, so that it can
/// stand inside a sentence (a `<ul>` would end the paragraph around it).
fn inline_list(items: impl IntoIterator<Item = Markup>, none: &str) -> Markup {
    let items: Vec<Markup> = items.into_iter().collect();
    html! {
        @if items.is_empty() {
            (Text(none))
        }
        @for (n, item) in items.iter().enumerate() {
            @if n > 0 { ", " }
            (item)
        }
    }
}

fn heading_with_caption(caption: &str, title: &str) -> Markup {
    html! {
        h1 { span.caption { (Text(caption)) } (Text(title)) }
        "\n"
    }
}
