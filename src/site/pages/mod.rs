//! The pages: home (the searchable component table), one page per component, interface,
//! capability and stack, and an index for each section.
//!
//! Pages link to each other with relative paths (so the site works from `file://` and
//! from any folder of a web host), and only to pages that exist: a reference to something
//! the registry does not hold is shown as text.

use std::collections::BTreeMap;

use super::html::{Href, Html};
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

/// Links from one page to others, only to pages that exist.
struct Links<'a> {
    registry: &'a Registry,
    from: &'a str,
}

impl Links<'_> {
    fn to(&self, path: &str) -> Href {
        layout::href(self.from, path)
    }

    fn component(&self, h: &mut Html, id: &Id, text: &str) {
        if self.registry.components.contains_key(id) {
            h.link(&self.to(&component_path(id)), text);
        } else {
            h.text(text);
        }
    }

    fn release(&self, h: &mut Html, id: &Id, version: &semver::Version, text: &str) {
        let exists = self
            .registry
            .components
            .get(id)
            .is_some_and(|c| c.release(version).is_some());
        if exists {
            let path = format!("{}#{}", component_path(id), version_anchor(version));
            h.link(&self.to(&path), text);
        } else {
            self.component(h, id, text);
        }
    }

    fn interface(&self, h: &mut Html, id: &Id, text: &str) {
        if self.registry.interfaces.contains_key(id) {
            h.link(&self.to(&interface_path(id)), text);
        } else {
            h.text(text);
        }
    }

    fn interface_version(&self, h: &mut Html, id: &Id, version: &semver::Version, text: &str) {
        let exists = self
            .registry
            .interfaces
            .get(id)
            .is_some_and(|i| i.versions.contains(version));
        if exists {
            let path = format!("{}#{}", interface_path(id), version_anchor(version));
            h.link(&self.to(&path), text);
        } else {
            self.interface(h, id, text);
        }
    }

    fn capability(&self, h: &mut Html, id: &Id) {
        let served = self
            .registry
            .components
            .values()
            .any(|c| c.has_capability(id.as_str()));
        if served {
            h.link(&self.to(&capability_path(id)), id.as_str());
        } else {
            h.text(id.as_str());
        }
    }

    /// A need in the stack's words, with its target linked.
    fn need(&self, h: &mut Html, need: &Need) {
        let star = |v: &semver::VersionReq| *v == semver::VersionReq::STAR;
        match need {
            Need::Component { id, version } => {
                h.text("component ");
                self.component(h, id, id.as_str());
                if !star(version) {
                    h.text(&format!(" {version}"));
                }
            }
            Need::Interface { id, version } => {
                h.text("interface ");
                self.interface(h, id, id.as_str());
                if !star(version) {
                    h.text(&format!(" {version}"));
                }
            }
            Need::Capability { id } => {
                h.text("capability ");
                self.capability(h, id);
            }
        }
    }
}

/// `2026-02-10` as "10 February 2026", in a `<time>` element.
fn date(h: &mut Html, d: Date) {
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
    h.el_text("time", &[("datetime", &iso)], &text);
}

fn lifecycle_tag(h: &mut Html, l: Lifecycle) {
    let class = format!("tag tag-{}", l.as_str());
    h.el_text("strong", &[("class", &class)], l.as_str());
}

fn licence_tag(h: &mut Html, c: &Component) {
    if c.licence.is_open_source() {
        h.el_text("strong", &[("class", "tag tag-open")], "open source");
    } else {
        h.el_text("strong", &[("class", "tag tag-closed")], "closed source");
    }
}

/// A table in a scrolling region (keyboard-focusable, named by its caption).
fn table(h: &mut Html, id: &str, caption: &str, head: &[&str], rows: impl FnOnce(&mut Html)) {
    let caption_id = format!("{id}-caption");
    h.el(
        "div",
        &[
            ("class", "table-scroll"),
            ("role", "region"),
            ("aria-labelledby", &caption_id),
            ("tabindex", "0"),
        ],
        |h| {
            h.el("table", &[("id", id)], |h| {
                h.nl();
                h.el_text("caption", &[("id", &caption_id)], caption).nl();
                h.el("thead", &[], |h| {
                    h.el("tr", &[], |h| {
                        for col in head {
                            h.el_text("th", &[("scope", "col")], col);
                        }
                    });
                })
                .nl();
                h.el("tbody", &[], |h| {
                    h.nl();
                    rows(h);
                })
                .nl();
            });
        },
    )
    .nl();
}

/// A `<dl class="facts">` of key facts; rows whose body writes nothing are still shown.
/// One row of key facts: the term, and what writes its description.
type Fact<'a> = (&'a str, Box<dyn FnOnce(&mut Html) + 'a>);

fn facts(h: &mut Html, rows: Vec<Fact<'_>>) {
    h.el("dl", &[("class", "facts")], |h| {
        for (term, body) in rows {
            h.nl();
            h.el("div", &[], |h| {
                h.el_text("dt", &[], term);
                h.el("dd", &[], |h| body(h));
            });
        }
        h.nl();
    })
    .nl();
}

/// Items separated by commas, or `none` when empty. Plain phrasing content, so that it can
/// stand inside a sentence (a `<ul>` would end the paragraph around it).
fn inline_list<T>(h: &mut Html, items: &[T], none: &str, mut item: impl FnMut(&mut Html, &T)) {
    if items.is_empty() {
        h.text(none);
        return;
    }
    for (n, i) in items.iter().enumerate() {
        if n > 0 {
            h.lit(", ");
        }
        item(h, i);
    }
}

fn heading_with_caption(h: &mut Html, caption: &str, title: &str) {
    h.el("h1", &[], |h| {
        h.el_text("span", &[("class", "caption")], caption);
        h.text(title);
    })
    .nl();
}

// ---------------------------------------------------------------------------------------
// Home
