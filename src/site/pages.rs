//! The pages: home (the searchable component table), one page per component, interface,
//! capability and stack, and an index for each section.
//!
//! Pages link to each other with relative paths (so the site works from `file://` and
//! from any folder of a web host), and only to pages that exist: a reference to something
//! the registry does not hold is shown as text.

use std::collections::{BTreeMap, BTreeSet};

use super::html::{Href, Html, Markup};
use super::layout::{self, Frame, Page, Section};
use super::{MARKER, ResolvedStack, Settings, Site, StackOrigin, svg};
use crate::model::Registry;
use crate::model::{Component, Date, Id, Interface, Lifecycle, Need, RegistryMeta, Release};
use crate::report::alternatives::differences_text;
use crate::report::graph::GraphReport;
use crate::report::list::short_licence;
use crate::report::resolve::ResolveReport;
use crate::resolve::alternatives::{Alternative, Alternatives, Fit, LockIn};
use crate::resolve::{ExplainNode, Plan, Resolution};

const CSS: &str = include_str!("assets/site.css");
const JS: &str = include_str!("assets/search.js");

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

fn home(registry: &Registry, stacks: &[ResolvedStack]) -> Page {
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
fn search_box(h: &mut Html, count: usize) {
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
fn search_text(c: &Component) -> String {
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

fn component(registry: &Registry, c: &Component, stacks: &[ResolvedStack]) -> Page {
    let path = component_path(&c.id);
    let links = Links {
        registry,
        from: &path,
    };
    let mut h = Html::new();
    heading_with_caption(&mut h, "Component", &c.name);
    h.el_text("p", &[("class", "lead")], &c.summary).nl();
    h.el("p", &[("class", "tags")], |h| {
        lifecycle_tag(h, c.lifecycle);
        h.lit(" ");
        licence_tag(h, c);
        if c.releases.iter().all(Release::is_yanked) && !c.releases.is_empty() {
            h.lit(" ");
            h.el_text(
                "strong",
                &[("class", "tag tag-yanked")],
                "every release yanked",
            );
        }
    })
    .nl();
    let latest = c.latest();
    facts(
        &mut h,
        vec![
            (
                "Id",
                Box::new(|h: &mut Html| {
                    h.el_text("code", &[], c.id.as_str());
                }),
            ),
            (
                "Supplier",
                Box::new(|h: &mut Html| {
                    h.text(&c.supplier);
                }),
            ),
            (
                "Licence",
                Box::new(|h: &mut Html| {
                    h.el_text("code", &[], c.licence.as_str());
                    h.text(if c.licence.is_open_source() {
                        " (open source: OSI-approved)"
                    } else {
                        " (closed: not an OSI-approved licence)"
                    });
                }),
            ),
            (
                "Kind",
                Box::new(|h: &mut Html| {
                    h.text(c.kind.as_str());
                }),
            ),
            (
                "Lifecycle",
                Box::new(|h: &mut Html| {
                    h.text(c.lifecycle.as_str());
                }),
            ),
            (
                "Capabilities",
                Box::new(|h: &mut Html| {
                    inline_list(h, &c.capabilities, "none", |h, cap| {
                        links.capability(h, cap)
                    });
                }),
            ),
            (
                "Assurances",
                Box::new(|h: &mut Html| {
                    inline_list(h, &c.assurances, "none listed", |h, a| {
                        h.text(a);
                    });
                }),
            ),
            (
                "Latest release",
                Box::new(|h: &mut Html| match latest {
                    Some(r) => {
                        links.release(h, &c.id, &r.version, &r.version.to_string());
                    }
                    None => {
                        h.text("none");
                    }
                }),
            ),
            (
                "Homepage",
                Box::new(|h: &mut Html| {
                    h.external_link(&c.homepage);
                }),
            ),
            (
                "Source code",
                Box::new(|h: &mut Html| match &c.repository {
                    Some(r) => {
                        h.external_link(r);
                    }
                    None => {
                        h.text("not published");
                    }
                }),
            ),
        ],
    );

    h.el_text("h2", &[("id", "releases")], "Releases").nl();
    if c.releases.is_empty() {
        h.el_text("p", &[], "No releases are published.").nl();
    } else {
        h.el_text("p", &[("class", "hint")], "Newest first.").nl();
        h.el("ol", &[("class", "timeline")], |h| {
            for r in c.releases.iter().rev() {
                h.nl();
                release(h, &links, r);
            }
            h.nl();
        })
        .nl();
    }

    // Who else provides the interfaces this component provides.
    let mut provided: BTreeMap<&Id, BTreeSet<&semver::Version>> = BTreeMap::new();
    for r in &c.releases {
        for (i, v) in &r.provides {
            provided.entry(i).or_default().insert(v);
        }
    }
    h.el_text(
        "h2",
        &[("id", "same-interfaces")],
        "Who else provides the same interfaces",
    )
    .nl();
    if provided.is_empty() {
        h.el_text("p", &[], "This component provides no interfaces.")
            .nl();
    } else {
        table(
            &mut h,
            "same-interfaces-table",
            "Other components providing the interfaces this one provides",
            &[
                "Interface",
                "Versions this component provides",
                "Other providers",
            ],
            |h| {
                for (iface, versions) in &provided {
                    let mut others: BTreeMap<&Id, BTreeSet<&semver::Version>> = BTreeMap::new();
                    for (o, _, v) in registry.providers(iface.as_str()) {
                        if o.id != c.id {
                            others.entry(&o.id).or_default().insert(v);
                        }
                    }
                    h.el("tr", &[], |h| {
                        h.el("td", &[], |h| links.interface(h, iface, iface.as_str()));
                        h.el("td", &[], |h| {
                            let vs: Vec<&&semver::Version> = versions.iter().collect();
                            inline_list(h, &vs, "none", |h, v| {
                                links.interface_version(h, iface, v, &v.to_string());
                            });
                        });
                        h.el("td", &[], |h| {
                            let list: Vec<(&&Id, &BTreeSet<&semver::Version>)> =
                                others.iter().collect();
                            inline_list(
                                h,
                                &list,
                                "none: no other component provides it",
                                |h, (id, vs)| {
                                    links.component(h, id, id.as_str());
                                    let vs: Vec<String> =
                                        vs.iter().map(ToString::to_string).collect();
                                    h.text(&format!(" ({})", vs.join(", ")));
                                },
                            );
                        });
                    })
                    .nl();
                }
            },
        );
    }

    // Who provides what the latest release requires.
    if let Some(r) = latest.filter(|r| !r.requires.is_empty()) {
        let title = format!("Who provides what version {} requires", r.version);
        h.el_text("h2", &[("id", "requires")], &title).nl();
        table(
            &mut h,
            "requires-table",
            "Interfaces required, and the components that provide them",
            &["Interface", "Range", "Provided by"],
            |h| {
                for (iface, range) in &r.requires {
                    let mut by: BTreeMap<&Id, Vec<&semver::Version>> = BTreeMap::new();
                    for (o, or, v) in registry.providers(iface.as_str()) {
                        if o.id != c.id && range.matches(v) && !or.is_yanked() {
                            by.entry(&o.id).or_default().push(&or.version);
                        }
                    }
                    h.el("tr", &[], |h| {
                        h.el("td", &[], |h| links.interface(h, iface, iface.as_str()));
                        h.el_text("td", &[], &range.to_string());
                        h.el("td", &[], |h| {
                            let list: Vec<(&&Id, &Vec<&semver::Version>)> = by.iter().collect();
                            inline_list(h, &list, "no component provides it", |h, (id, vs)| {
                                links.component(h, id, id.as_str());
                                let vs: Vec<String> = vs.iter().map(ToString::to_string).collect();
                                h.text(&format!(" {}", vs.join(", ")));
                            });
                        });
                    })
                    .nl();
                }
            },
        );
    }

    // Who depends on it, and which stack plans include it.
    let dependents: Vec<&Component> = registry
        .components
        .values()
        .filter(|o| o.releases.iter().any(|r| r.depends.contains_key(&c.id)))
        .collect();
    h.el_text("h2", &[("id", "used-by")], "Used by").nl();
    h.el("p", &[], |h| {
        h.text("Components that depend on it: ");
        inline_list(h, &dependents, "none.", |h, o| {
            links.component(h, &o.id, &o.name)
        });
    })
    .nl();
    let in_plans: Vec<(&ResolvedStack, &semver::Version)> = stacks
        .iter()
        .filter_map(|s| {
            let plan = plan_of(s)?;
            Some((s, &plan.get(c.id.as_str())?.version))
        })
        .collect();
    h.el("p", &[], |h| {
        h.text("Stack plans that include it: ");
        inline_list(h, &in_plans, "none.", |h, (s, v)| {
            h.link(&links.to(&stack_path(&s.input.slug)), &s.input.stack.name);
            h.text(&format!(" ({v})"));
        });
    })
    .nl();

    Page {
        path,
        title: c.name.clone(),
        section: Section::Components,
        crumbs: vec![("Components".into(), "index.html#components".into())],
        body: h.finish(),
        search: false,
    }
}

fn release(h: &mut Html, links: &Links<'_>, r: &Release) {
    let anchor = version_anchor(&r.version);
    let class = if r.is_yanked() {
        "release yanked"
    } else {
        "release"
    };
    h.el("li", &[("id", &anchor), ("class", class)], |h| {
        h.el("h3", &[], |h| {
            h.text(&format!("Version {}", r.version));
            if r.is_yanked() {
                h.lit(" ");
                h.el_text("strong", &[("class", "tag tag-yanked")], "yanked");
            }
        });
        h.el("p", &[("class", "when")], |h| {
            h.text("Released ");
            date(h, r.released);
            h.text(". ");
            match r.support_ends {
                Some(end) => {
                    h.text("Support ends ");
                    date(h, end);
                    h.text(".");
                }
                None => {
                    h.text("No support end date published.");
                }
            }
        });
        if let Some(reason) = &r.yanked {
            h.el("p", &[("class", "yank-reason")], |h| {
                h.el_text("strong", &[], "Yanked: ");
                h.text(reason);
            });
        }
        let mut rows: Vec<Fact<'_>> = Vec::new();
        if !r.provides.is_empty() {
            rows.push((
                "Provides",
                Box::new(|h: &mut Html| {
                    let list: Vec<(&Id, &semver::Version)> = r.provides.iter().collect();
                    inline_list(h, &list, "", |h, (i, v)| {
                        links.interface(h, i, i.as_str());
                        h.text(" ");
                        links.interface_version(h, i, v, &v.to_string());
                    });
                }),
            ));
        }
        if !r.requires.is_empty() {
            rows.push((
                "Requires",
                Box::new(|h: &mut Html| {
                    let list: Vec<_> = r.requires.iter().collect();
                    inline_list(h, &list, "", |h, (i, range)| {
                        links.interface(h, i, i.as_str());
                        h.text(&format!(" {range}"));
                    });
                }),
            ));
        }
        for (label, ranges) in [("Depends on", &r.depends), ("Conflicts with", &r.conflicts)] {
            if ranges.is_empty() {
                continue;
            }
            rows.push((
                label,
                Box::new(move |h: &mut Html| {
                    let list: Vec<_> = ranges.iter().collect();
                    inline_list(h, &list, "", |h, (id, range)| {
                        links.component(h, id, id.as_str());
                        h.text(&format!(" {range}"));
                    });
                }),
            ));
        }
        if rows.is_empty() {
            h.el_text("p", &[], "Provides no interfaces and needs nothing else.");
        } else {
            facts(h, rows);
        }
    });
}

// ---------------------------------------------------------------------------------------
// Interfaces

fn interfaces_index(registry: &Registry) -> Page {
    let path = Section::Interfaces.path().to_owned();
    let links = Links {
        registry,
        from: &path,
    };
    let mut h = Html::new();
    h.el_text("h1", &[], "Interfaces").nl();
    h.el_text(
        "p",
        &[("class", "lead")],
        "Versioned open contracts (APIs and data standards) that join components together. \
         Any component that provides an interface can stand in for another that does.",
    )
    .nl();
    if registry.interfaces.is_empty() {
        h.el_text("p", &[], "The registry has no interfaces yet.")
            .nl();
    } else {
        table(
            &mut h,
            "interface-table",
            "Every interface in the registry",
            &["Interface", "Owner", "Versions", "Providers"],
            |h| {
                for i in registry.interfaces.values() {
                    let providers: BTreeSet<&Id> = registry
                        .providers(i.id.as_str())
                        .map(|(c, _, _)| &c.id)
                        .collect();
                    h.el("tr", &[], |h| {
                        h.el("td", &[], |h| {
                            links.interface(h, &i.id, &i.name);
                            h.el_text("span", &[("class", "id")], i.id.as_str());
                        });
                        h.el_text("td", &[], &i.owner);
                        h.el("td", &[], |h| {
                            inline_list(h, &i.versions, "none", |h, v| {
                                links.interface_version(h, &i.id, v, &v.to_string());
                            });
                        });
                        h.el_text("td", &[("class", "numeric")], &providers.len().to_string());
                    })
                    .nl();
                }
            },
        );
    }
    Page {
        path,
        title: "Interfaces".into(),
        section: Section::Interfaces,
        crumbs: vec![("Catalogue".into(), "index.html".into())],
        body: h.finish(),
        search: false,
    }
}

fn interface(registry: &Registry, i: &Interface) -> Page {
    let path = interface_path(&i.id);
    let links = Links {
        registry,
        from: &path,
    };
    let mut h = Html::new();
    heading_with_caption(&mut h, "Interface", &i.name);
    h.el_text("p", &[("class", "lead")], &i.summary).nl();
    facts(
        &mut h,
        vec![
            (
                "Id",
                Box::new(|h: &mut Html| {
                    h.el_text("code", &[], i.id.as_str());
                }),
            ),
            (
                "Owner",
                Box::new(|h: &mut Html| {
                    h.text(&i.owner);
                }),
            ),
            (
                "Specification",
                Box::new(|h: &mut Html| {
                    h.external_link(&i.specification);
                }),
            ),
            (
                "Published versions",
                Box::new(|h: &mut Html| {
                    inline_list(h, &i.versions, "none", |h, v| {
                        h.text(&v.to_string());
                    });
                }),
            ),
        ],
    );
    h.el_text(
        "h2",
        &[("id", "by-version")],
        "Providers and consumers by version",
    )
    .nl();
    table(
        &mut h,
        "version-table",
        "Which releases provide each version, and which releases require it",
        &["Version", "Provided by", "Used by (the range they require)"],
        |h| {
            for v in i.versions.iter().rev() {
                let providers: Vec<(&Component, &Release)> = registry
                    .providers(i.id.as_str())
                    .filter(|(_, _, pv)| *pv == v)
                    .map(|(c, r, _)| (c, r))
                    .collect();
                let consumers: Vec<(&Component, &Release, &semver::VersionReq)> = registry
                    .consumers(i.id.as_str())
                    .filter(|(_, _, range)| range.matches(v))
                    .collect();
                let anchor = version_anchor(v);
                h.el("tr", &[("id", &anchor)], |h| {
                    h.el_text("th", &[("scope", "row")], &v.to_string());
                    h.el("td", &[], |h| {
                        inline_list(h, &providers, "none", |h, (c, r)| {
                            links.release(h, &c.id, &r.version, &format!("{} {}", c.id, r.version));
                            if r.is_yanked() {
                                h.text(" (yanked)");
                            }
                        });
                    });
                    h.el("td", &[], |h| {
                        inline_list(h, &consumers, "none", |h, (c, r, range)| {
                            links.release(h, &c.id, &r.version, &format!("{} {}", c.id, r.version));
                            h.text(&format!(" ({range})"));
                        });
                    });
                })
                .nl();
            }
        },
    );
    let unmet: Vec<(&Component, &Release, &semver::VersionReq)> = registry
        .consumers(i.id.as_str())
        .filter(|(_, _, range)| !i.versions.iter().any(|v| range.matches(v)))
        .collect();
    if !unmet.is_empty() {
        h.el_text(
            "h2",
            &[("id", "unmet")],
            "Required at versions not published",
        )
        .nl();
        h.el("ul", &[], |h| {
            for (c, r, range) in &unmet {
                h.el("li", &[], |h| {
                    links.release(h, &c.id, &r.version, &format!("{} {}", c.id, r.version));
                    h.text(&format!(" requires {range}"));
                });
            }
        })
        .nl();
    }
    Page {
        path,
        title: i.name.clone(),
        section: Section::Interfaces,
        crumbs: vec![
            ("Catalogue".into(), "index.html".into()),
            ("Interfaces".into(), Section::Interfaces.path().into()),
        ],
        body: h.finish(),
        search: false,
    }
}

// ---------------------------------------------------------------------------------------
// Capabilities

fn capabilities_index(registry: &Registry) -> Page {
    let path = Section::Capabilities.path().to_owned();
    let links = Links {
        registry,
        from: &path,
    };
    let mut h = Html::new();
    h.el_text("h1", &[], "Capabilities").nl();
    h.el_text(
        "p",
        &[("class", "lead")],
        "The business functions components serve. Components serving the same capability are \
         candidates to replace one another.",
    )
    .nl();
    let caps = registry.capabilities();
    if caps.is_empty() {
        h.el_text("p", &[], "No component lists a capability yet.")
            .nl();
    } else {
        table(
            &mut h,
            "capability-table",
            "Every capability, with the components that serve it",
            &["Capability", "Components"],
            |h| {
                for (cap, serving) in &caps {
                    h.el("tr", &[], |h| {
                        h.el("td", &[], |h| links.capability(h, cap));
                        h.el("td", &[], |h| {
                            inline_list(h, serving, "none", |h, c| {
                                links.component(h, &c.id, &c.name)
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
        title: "Capabilities".into(),
        section: Section::Capabilities,
        crumbs: vec![("Catalogue".into(), "index.html".into())],
        body: h.finish(),
        search: false,
    }
}

fn capability(
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
    let mut h = Html::new();
    heading_with_caption(&mut h, "Capability", cap.as_str());
    let n = serving.len();
    h.el_text(
        "p",
        &[("class", "lead")],
        &format!(
            "{n} component{} serve{} this capability.",
            if n == 1 { "" } else { "s" },
            if n == 1 { "s" } else { "" }
        ),
    )
    .nl();
    table(
        &mut h,
        "serving-table",
        "Components serving this capability",
        &[
            "Component",
            "Supplier",
            "Licence",
            "Kind",
            "Lifecycle",
            "Latest release",
        ],
        |h| {
            for c in serving {
                h.el("tr", &[], |h| {
                    h.el("td", &[], |h| {
                        links.component(h, &c.id, &c.name);
                        h.el_text("span", &[("class", "hint")], &c.summary);
                    });
                    h.el_text("td", &[], &c.supplier);
                    h.el("td", &[], |h| {
                        h.text(&short_licence(c.licence.as_str()));
                        h.lit("<br>");
                        licence_tag(h, c);
                    });
                    h.el_text("td", &[], c.kind.as_str());
                    h.el("td", &[], |h| lifecycle_tag(h, c.lifecycle));
                    h.el("td", &[], |h| match c.latest() {
                        Some(r) => links.release(h, &c.id, &r.version, &r.version.to_string()),
                        None => {
                            h.text("none");
                        }
                    });
                })
                .nl();
            }
        },
    );
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
    if !needing.is_empty() {
        h.el_text("h2", &[("id", "stacks")], "Stacks that need it")
            .nl();
        h.el("ul", &[], |h| {
            for (s, name) in &needing {
                h.el("li", &[], |h| {
                    h.link(&links.to(&stack_path(&s.input.slug)), &s.input.stack.name);
                    h.text(&format!(" (need {name})"));
                });
            }
        })
        .nl();
    }
    Page {
        path,
        title: format!("Capability {cap}"),
        section: Section::Capabilities,
        crumbs: vec![
            ("Catalogue".into(), "index.html".into()),
            ("Capabilities".into(), Section::Capabilities.path().into()),
        ],
        body: h.finish(),
        search: false,
    }
}

// ---------------------------------------------------------------------------------------
// Stacks

fn plan_of(s: &ResolvedStack) -> Option<&Plan> {
    match &s.outcome {
        Ok(Resolution::Resolved(plan)) => Some(plan),
        _ => None,
    }
}

fn origin_text(s: &ResolvedStack) -> String {
    match &s.input.origin {
        StackOrigin::Reference => "Reference stack in the registry".into(),
        StackOrigin::File(name) => format!("Stack file {name}"),
    }
}

fn stacks_index(stacks: &[ResolvedStack]) -> Page {
    let path = Section::Stacks.path().to_owned();
    let mut h = Html::new();
    h.el_text("h1", &[], "Stacks").nl();
    h.el_text(
        "p",
        &[("class", "lead")],
        "What a council needs, resolved to a plan: one release of each component, chosen so \
         that every need is met, every dependency is present and the council's policy holds.",
    )
    .nl();
    if stacks.is_empty() {
        h.el_text(
            "p",
            &[],
            "No stacks are shown. Reference stacks in the registry's stacks/ folder, and stack \
             files given with `stackreg site --stack FILE`, each get a page.",
        )
        .nl();
    } else {
        table(
            &mut h,
            "stack-table",
            "Stacks and their plans",
            &["Stack", "From", "Needs", "Plan", "Lock-in"],
            |h| {
                for s in stacks {
                    h.el("tr", &[], |h| {
                        h.el("td", &[], |h| {
                            h.link(
                                &layout::href(&path, &stack_path(&s.input.slug)),
                                &s.input.stack.name,
                            );
                        });
                        h.el_text("td", &[], &origin_text(s));
                        h.el_text(
                            "td",
                            &[("class", "numeric")],
                            &s.input.stack.needs.len().to_string(),
                        );
                        h.el("td", &[], |h| match &s.outcome {
                            Ok(Resolution::Resolved(plan)) => {
                                let n = plan.releases.len();
                                h.text(&format!("{n} component{}", if n == 1 { "" } else { "s" }));
                            }
                            Ok(Resolution::Unsatisfiable(_)) => {
                                h.el_text("strong", &[("class", "tag tag-warning")], "no plan");
                            }
                            Err(_) => {
                                h.el_text("strong", &[("class", "tag tag-warning")], "gave up");
                            }
                        });
                        h.el("td", &[], |h| match &s.lock_in {
                            Some(found) => {
                                let risks = found.components.iter().filter(|a| a.is_lock_in());
                                let text = format!(
                                    "{} of {} components",
                                    risks.count(),
                                    found.components.len()
                                );
                                let to = format!("{}#lock-in", stack_path(&s.input.slug));
                                h.link(&layout::href(&path, &to), &text);
                            }
                            _ => {
                                h.text("—");
                            }
                        });
                    })
                    .nl();
                }
            },
        );
    }
    Page {
        path,
        title: "Stacks".into(),
        section: Section::Stacks,
        crumbs: vec![("Catalogue".into(), "index.html".into())],
        body: h.finish(),
        search: false,
    }
}

fn stack(registry: &Registry, s: &ResolvedStack) -> Page {
    let path = stack_path(&s.input.slug);
    let links = Links {
        registry,
        from: &path,
    };
    let stack = &s.input.stack;
    let mut h = Html::new();
    heading_with_caption(&mut h, &origin_text(s), &stack.name);
    let plan = plan_of(s);

    match &s.outcome {
        Ok(Resolution::Resolved(plan)) => {
            let n = plan.releases.len();
            h.el_text(
                "p",
                &[("class", "lead")],
                &format!(
                    "A plan of {n} component{} meets every need in this stack.",
                    if n == 1 { "" } else { "s" }
                ),
            )
            .nl();
        }
        Ok(Resolution::Unsatisfiable(why)) => {
            h.el(
                "div",
                &[
                    ("class", "warning"),
                    ("role", "region"),
                    ("aria-labelledby", "no-plan"),
                ],
                |h| {
                    h.el_text("h2", &[("id", "no-plan")], "No plan exists");
                    h.el_text("p", &[], &why.summary);
                    explanation_tree(h, &why.tree);
                },
            )
            .nl();
        }
        Err(e) => {
            h.el(
                "div",
                &[
                    ("class", "warning"),
                    ("role", "region"),
                    ("aria-labelledby", "no-plan"),
                ],
                |h| {
                    h.el_text("h2", &[("id", "no-plan")], "Resolution did not finish");
                    h.el_text("p", &[], &e.to_string());
                },
            )
            .nl();
        }
    }

    // Needs.
    h.el_text("h2", &[("id", "needs")], "Needs").nl();
    if stack.needs.is_empty() {
        h.el_text("p", &[], "The stack lists no needs.").nl();
    } else {
        table(
            &mut h,
            "needs-table",
            "What the stack needs, and what meets each need in the plan",
            &["Need", "Asks for", "Met by"],
            |h| {
                for (name, need) in &stack.needs {
                    let met: Vec<_> = plan
                        .map(|p| {
                            p.releases
                                .iter()
                                .filter(|r| r.needs.contains(name))
                                .collect()
                        })
                        .unwrap_or_default();
                    h.el("tr", &[], |h| {
                        h.el_text("th", &[("scope", "row")], name.as_str());
                        h.el("td", &[], |h| links.need(h, need));
                        h.el("td", &[], |h| {
                            inline_list(h, &met, "not met", |h, r| {
                                links.release(
                                    h,
                                    &r.component,
                                    &r.version,
                                    &format!("{} {}", r.component, r.version),
                                );
                            });
                        });
                    })
                    .nl();
                }
            },
        );
    }

    if let Some(plan) = plan {
        plan_sections(&mut h, &links, registry, s, plan);
    }
    if let Some(found) = &s.lock_in {
        lock_in_sections(&mut h, &links, found);
    }

    // Policy.
    h.el_text("h2", &[("id", "policy")], "Policy").nl();
    let p = &stack.policy;
    facts(
        &mut h,
        vec![
            (
                "Lifecycles allowed",
                Box::new(|h: &mut Html| match &p.lifecycle {
                    Some(list) => inline_list(h, list, "none", |h, l| {
                        h.text(l.as_str());
                    }),
                    None => {
                        h.text("all but retired");
                    }
                }),
            ),
            (
                "Open source only",
                Box::new(|h: &mut Html| {
                    h.text(if p.open_source {
                        "yes: OSI-approved licences only"
                    } else {
                        "no"
                    });
                }),
            ),
            (
                "Assurances required",
                Box::new(|h: &mut Html| {
                    inline_list(h, &p.assurances, "none", |h, a| {
                        h.text(a);
                    });
                }),
            ),
            (
                "Kinds allowed",
                Box::new(|h: &mut Html| match &p.kinds {
                    Some(list) => inline_list(h, list, "none", |h, k| {
                        h.text(k.as_str());
                    }),
                    None => {
                        h.text("all");
                    }
                }),
            ),
            (
                "Components excluded",
                Box::new(|h: &mut Html| {
                    inline_list(h, &p.exclude_components, "none", |h, id| {
                        links.component(h, id, id.as_str())
                    });
                }),
            ),
            (
                "Suppliers excluded",
                Box::new(|h: &mut Html| {
                    inline_list(h, &p.exclude_suppliers, "none", |h, s| {
                        h.text(s);
                    });
                }),
            ),
            (
                "Preferred components",
                Box::new(|h: &mut Html| {
                    inline_list(h, &stack.prefer, "none", |h, id| {
                        links.component(h, id, id.as_str())
                    });
                }),
            ),
        ],
    );

    Page {
        path,
        title: stack.name.clone(),
        section: Section::Stacks,
        crumbs: vec![
            ("Catalogue".into(), "index.html".into()),
            ("Stacks".into(), Section::Stacks.path().into()),
        ],
        body: h.finish(),
        search: false,
    }
}

fn explanation_tree(h: &mut Html, nodes: &[ExplainNode]) {
    if nodes.is_empty() {
        return;
    }
    h.el("ul", &[("class", "tree")], |h| {
        for n in nodes {
            h.el("li", &[], |h| {
                h.text(&n.text);
                explanation_tree(h, &n.children);
            });
        }
    });
}

/// The plan table, the graph, the changes from today and the notes.
fn plan_sections(
    h: &mut Html,
    links: &Links<'_>,
    registry: &Registry,
    s: &ResolvedStack,
    plan: &Plan,
) {
    let stack = &s.input.stack;
    // The site must not change with the day it is generated on, so no note depends on
    // today's date: support end dates are shown in the plan table instead.
    let report = ResolveReport::resolved(registry, stack, plan, Date::from_days(0));
    let with_current = !stack.current.is_empty();
    h.el_text("h2", &[("id", "plan")], "Plan").nl();
    let mut head = vec![
        "Component",
        "Version",
        "For need",
        "Required by",
        "Support ends",
    ];
    if with_current {
        head.insert(2, "Change from today");
    }
    table(
        h,
        "plan-table",
        "The plan: one release of each component",
        &head,
        |h| {
            for (row, planned) in report.plan.iter().zip(&plan.releases) {
                let c = registry.components.get(&planned.component);
                let release = c.and_then(|c| c.release(&planned.version));
                h.el("tr", &[], |h| {
                    h.el("th", &[("scope", "row")], |h| {
                        links.component(h, &planned.component, planned.component.as_str());
                    });
                    h.el("td", &[], |h| {
                        links.release(h, &planned.component, &planned.version, &row.version);
                        if release.is_some_and(Release::is_yanked) {
                            h.lit(" ");
                            h.el_text("strong", &[("class", "tag tag-yanked")], "yanked");
                        }
                    });
                    if with_current {
                        h.el_text(
                            "td",
                            &[],
                            &match &row.current {
                                Some(cur) if cur == &row.version => "kept".to_owned(),
                                Some(cur) => format!("{cur} → {}", row.version),
                                None => "new".to_owned(),
                            },
                        );
                    }
                    h.el("td", &[], |h| {
                        inline_list(h, &row.needs, "", |h, n| {
                            h.text(n);
                        });
                    });
                    h.el("td", &[], |h| {
                        let edges: Vec<_> = plan.required_by(planned.component.as_str()).collect();
                        inline_list(h, &edges, "", |h, e| {
                            links.component(h, &e.from, e.from.as_str());
                            h.text(&format!(" ({})", e.label()));
                        });
                    });
                    h.el("td", &[], |h| match release.and_then(|r| r.support_ends) {
                        Some(d) => date(h, d),
                        None => {
                            h.text("not published");
                        }
                    });
                })
                .nl();
            }
        },
    );

    // The graph.
    h.el_text("h2", &[("id", "graph")], "Dependency graph").nl();
    let graph = GraphReport::new(&stack.name, plan);
    let drawing = svg::plan_graph(&graph, &stack.needs);
    let title = format!("Dependency graph of the plan for {}", stack.name);
    let desc = format!(
        "Each of the stack's {} needs points at the release that meets it, among {} planned \
         releases; arrows show which release depends on or requires which. The plan table \
         above lists the same.",
        stack.needs.len(),
        plan.releases.len()
    );
    let svg_markup: Markup = svg::render(&drawing, &title, &desc);
    h.el("figure", &[("class", "graph")], |h| {
        h.el(
            "div",
            &[
                ("class", "graph-scroll"),
                ("tabindex", "0"),
                ("role", "region"),
                ("aria-label", "Dependency graph (scrolls sideways)"),
            ],
            |h| {
                h.markup(&svg_markup);
            },
        );
        h.el("figcaption", &[], |h| {
            h.text("Each need of the stack (a grey pill) points at the release that meets it. ");
            h.el("ul", &[("class", "legend")], |h| {
                h.el("li", &[], |h| {
                    h.el("span", &[("class", "swatch")], |_| {});
                    h.text("depends on a component");
                });
                h.el("li", &[], |h| {
                    h.el("span", &[("class", "swatch requires")], |_| {});
                    h.text("requires an interface another component provides");
                });
                h.el("li", &[], |h| {
                    h.el("span", &[("class", "swatch need")], |_| {});
                    h.text("a need met by a release");
                });
            });
        });
    })
    .nl();

    // Changes from what runs today.
    h.el_text("h2", &[("id", "changes")], "Changes from what runs today")
        .nl();
    if stack.current.is_empty() {
        h.el_text(
            "p",
            &[],
            "The stack does not say what runs today (it has no [current] table), so every \
             component in the plan is new.",
        )
        .nl();
    } else {
        let kept: Vec<&Id> = plan
            .releases
            .iter()
            .filter(|r| stack.current.get(&r.component) == Some(&r.version))
            .map(|r| &r.component)
            .collect();
        if report.changes.is_empty() {
            h.el_text(
                "p",
                &[],
                "None: the plan keeps every component at the version that runs today.",
            )
            .nl();
        } else {
            table(
                h,
                "changes-table",
                "Components added, removed or changing version",
                &["Component", "Runs today", "In the plan", "Change"],
                |h| {
                    for ch in &report.changes {
                        let what = match (&ch.from, &ch.to) {
                            (None, Some(_)) => "added".to_owned(),
                            (Some(_), None) => "removed (no longer needed)".to_owned(),
                            (Some(a), Some(b)) => {
                                match (semver::Version::parse(a), semver::Version::parse(b)) {
                                    (Ok(a), Ok(b)) if b > a => "upgrade".to_owned(),
                                    (Ok(a), Ok(b)) if b < a => "downgrade".to_owned(),
                                    _ => "changes version".to_owned(),
                                }
                            }
                            (None, None) => String::new(),
                        };
                        h.el("tr", &[], |h| {
                            h.el("th", &[("scope", "row")], |h| {
                                match Id::parse(&ch.component) {
                                    Ok(id) => links.component(h, &id, &ch.component),
                                    Err(_) => {
                                        h.text(&ch.component);
                                    }
                                }
                            });
                            h.el_text("td", &[], ch.from.as_deref().unwrap_or("—"));
                            h.el_text("td", &[], ch.to.as_deref().unwrap_or("—"));
                            h.el_text("td", &[], &what);
                        })
                        .nl();
                    }
                },
            );
        }
        if !kept.is_empty() {
            h.el("p", &[], |h| {
                h.text("Kept as they are: ");
                inline_list(h, &kept, "", |h, id| links.component(h, id, id.as_str()));
                h.text(".");
            })
            .nl();
        }
    }

    // Notes that do not depend on the date.
    let notes = notes(registry, s, plan);
    if !notes.is_empty() {
        h.el_text("h2", &[("id", "notes")], "Notes").nl();
        h.el("ul", &[], |h| {
            for n in &notes {
                h.el_text("li", &[], n);
            }
        })
        .nl();
    }
}

/// What an architect should know about the plan, whatever the date: yanked releases kept,
/// deprecated components, `[current]` versions the registry does not have.
fn notes(registry: &Registry, s: &ResolvedStack, plan: &Plan) -> Vec<String> {
    let mut out = Vec::new();
    for p in &plan.releases {
        let Some(c) = registry.components.get(&p.component) else {
            continue;
        };
        if let Some(reason) = c.release(&p.version).and_then(|r| r.yanked.as_ref()) {
            out.push(format!(
                "{} {} is yanked ({reason}); it is kept because it runs today or is in the lock file.",
                c.id, p.version
            ));
        }
        if c.lifecycle == Lifecycle::Deprecated {
            out.push(format!("{} is deprecated.", c.id));
        }
    }
    for (id, v) in &s.input.stack.current {
        if registry
            .components
            .get(id)
            .is_some_and(|c| c.release(v).is_none())
        {
            out.push(format!(
                "[current] names {id} {v}, which is not a release in the registry."
            ));
        }
    }
    out
}

fn fit_tag(h: &mut Html, fit: Fit) {
    let (class, text) = match fit {
        Fit::DropIn => ("tag tag-dropin", "drop-in"),
        Fit::WithChanges => ("tag tag-changes", "with changes"),
        Fit::NotViable => ("tag tag-notviable", "not viable"),
        Fit::Undecided => ("tag tag-warning", "undecided"),
    };
    h.el_text("strong", &[("class", class)], text);
}

/// `adds x 1.0.0`, `removes y 2.0.0`, `x 1.0.0 → 2.0.0`, each component linked.
fn plan_changes(h: &mut Html, links: &Links<'_>, a: &Alternative) {
    inline_list(h, &a.changes, "none", |h, c| match (&c.from, &c.to) {
        (None, Some(to)) => {
            h.text("adds ");
            links.release(h, &c.component, to, &format!("{} {to}", c.component));
        }
        (Some(from), None) => {
            h.text("removes ");
            links.release(h, &c.component, from, &format!("{} {from}", c.component));
        }
        (Some(from), Some(to)) => {
            links.component(h, &c.component, c.component.as_str());
            h.text(&format!(" {from} → {to}"));
        }
        (None, None) => links.component(h, &c.component, c.component.as_str()),
    });
}

/// The lock-in report for the plan, then each component's alternatives.
fn lock_in_sections(h: &mut Html, links: &Links<'_>, found: &LockIn) {
    let risks: Vec<&Alternatives> = found.components.iter().filter(|a| a.is_lock_in()).collect();
    let total = found.components.len();
    h.el_text("h2", &[("id", "lock-in")], "Lock-in").nl();
    h.el("p", &[], |h| {
        if risks.is_empty() {
            h.text(&format!(
                "Every one of the {total} components in the plan has a viable alternative: \
                 another component could take its place and still give a plan."
            ));
        } else {
            h.text(&format!(
                "{} of the {total} components in the plan have no viable alternative: ",
                risks.len()
            ));
            inline_list(h, &risks, "", |h, a| {
                links.component(h, &a.component, a.component.as_str());
            });
            h.text(". Replacing one of them means changing the stack's needs or policy.");
        }
    })
    .nl();
    h.el_text(
        "p",
        &[("class", "hint")],
        "A drop-in alternative takes the component's place and nothing else changes; one \
         with changes gives a plan in which other components are added, removed or change \
         version; one that is not viable gives no plan.",
    )
    .nl();
    let undecided = found.spent.undecided > 0;
    if undecided {
        h.el_text(
            "p",
            &[("class", "hint")],
            &format!(
                "{} candidate{} could not be decided within the bounds on the work (a \
                 resolution that gave up, or the report's budget of solver steps): they are \
                 marked undecided, and a component with undecided candidates is not counted \
                 as lock-in.",
                found.spent.undecided,
                if found.spent.undecided == 1 { "" } else { "s" }
            ),
        )
        .nl();
    }
    let mut header = vec!["Component", "Drop-in", "With changes", "Not viable"];
    let mut fits = vec![Fit::DropIn, Fit::WithChanges, Fit::NotViable];
    if undecided {
        header.push("Undecided");
        fits.push(Fit::Undecided);
    }
    header.push("Best alternative");
    table(
        h,
        "lock-in-table",
        "Alternatives for each component of the plan",
        &header,
        |h| {
            for a in &found.components {
                h.el("tr", &[], |h| {
                    h.el("th", &[("scope", "row")], |h| {
                        let anchor = format!("#alternatives-{}", a.component);
                        h.link(
                            &Href::internal(anchor),
                            &format!("{} {}", a.component, a.version),
                        );
                    });
                    for &fit in &fits {
                        let n = match fit {
                            Fit::Undecided => a.undecided(),
                            _ => a.count(fit),
                        };
                        h.el_text("td", &[("class", "numeric")], &n.to_string());
                    }
                    h.el("td", &[], |h| {
                        let best = a
                            .alternatives
                            .iter()
                            .find(|x| matches!(x.fit, Fit::DropIn | Fit::WithChanges));
                        match best {
                            Some(best) => {
                                links.component(h, &best.component, best.component.as_str());
                                h.lit(" ");
                                fit_tag(h, best.fit);
                            }
                            None if a.undecided() > 0 => fit_tag(h, Fit::Undecided),
                            None => {
                                h.el_text(
                                    "strong",
                                    &[("class", "tag tag-warning")],
                                    "lock-in: no viable alternative",
                                );
                            }
                        }
                    });
                })
                .nl();
            }
        },
    );
    if !found.single_supply.is_empty() {
        h.el_text("h3", &[("id", "single-supply")], "Single points of supply")
            .nl();
        table(
            h,
            "single-supply-table",
            "Interfaces the plan uses that only one component in the registry provides",
            &["Interface", "Only provider", "Used by"],
            |h| {
                for s in &found.single_supply {
                    h.el("tr", &[], |h| {
                        h.el("th", &[("scope", "row")], |h| {
                            links.interface(h, &s.interface, s.interface.as_str());
                        });
                        h.el("td", &[], |h| {
                            links.component(h, &s.provider, s.provider.as_str());
                        });
                        h.el("td", &[], |h| {
                            inline_list(h, &s.used_by, "", |h, u| {
                                h.text(u);
                            });
                        });
                    })
                    .nl();
                }
            },
        );
    }

    h.el_text(
        "h2",
        &[("id", "alternatives")],
        "Alternatives, component by component",
    )
    .nl();
    for a in &found.components {
        let id = format!("alternatives-{}", a.component);
        h.el("h3", &[("id", &id)], |h| {
            h.text("Alternatives to ");
            links.release(
                h,
                &a.component,
                &a.version,
                &format!("{} {}", a.component, a.version),
            );
        })
        .nl();
        if !a.uses.is_empty() {
            h.el("p", &[], |h| {
                h.text("The rest of the plan uses from it: ");
                inline_list(h, &a.uses, "", |h, u| {
                    links.interface_version(
                        h,
                        &u.interface,
                        &u.version,
                        &format!("{} {}", u.interface, u.version),
                    );
                    h.text(&format!(" (by {})", u.used_by.join(", ")));
                });
                h.text(".");
            })
            .nl();
        }
        if a.alternatives.is_empty() {
            h.el_text(
                "p",
                &[],
                "No other component shares a capability or an interface with it.",
            )
            .nl();
            continue;
        }
        let caption = format!("Components that could take the place of {}", a.component);
        table(
            h,
            &format!("{id}-table"),
            &caption,
            &[
                "Alternative",
                "Fit",
                "What else changes",
                "Interfaces the plan uses",
                "Differences",
            ],
            |h| {
                for alt in &a.alternatives {
                    h.el("tr", &[], |h| {
                        h.el("th", &[("scope", "row")], |h| match &alt.version {
                            Some(v) => links.release(
                                h,
                                &alt.component,
                                v,
                                &format!("{} {v}", alt.component),
                            ),
                            None => links.component(h, &alt.component, alt.component.as_str()),
                        });
                        h.el("td", &[], |h| fit_tag(h, alt.fit));
                        h.el("td", &[], |h| match alt.fit {
                            Fit::NotViable => {
                                h.text(alt.reason.as_deref().unwrap_or("no plan exists"));
                            }
                            Fit::Undecided => {
                                h.text(alt.reason.as_deref().unwrap_or("not worked out"));
                            }
                            Fit::DropIn => {
                                h.text("nothing");
                            }
                            Fit::WithChanges => plan_changes(h, links, alt),
                        });
                        h.el("td", &[], |h| {
                            if alt.covers.is_empty() && alt.missing.is_empty() {
                                h.text("none used");
                                return;
                            }
                            if !alt.covers.is_empty() {
                                h.text("provides ");
                                inline_list(h, &alt.covers, "", |h, i| {
                                    links.interface(h, i, i.as_str());
                                });
                            }
                            if !alt.missing.is_empty() {
                                if !alt.covers.is_empty() {
                                    h.text("; ");
                                }
                                h.text("lacks ");
                                inline_list(h, &alt.missing, "", |h, i| {
                                    links.interface(h, i, i.as_str());
                                });
                            }
                        });
                        let diff = differences_text(&alt.differences);
                        h.el_text("td", &[], if diff.is_empty() { "none" } else { &diff });
                    })
                    .nl();
                }
            },
        );
    }
}
