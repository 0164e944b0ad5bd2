//! One page per component, with its releases.

use super::*;
use std::collections::{BTreeMap, BTreeSet};

use crate::model::Registry;
use crate::model::{Component, Id, Release};
use crate::site::ResolvedStack;
use crate::site::html::Html;
use crate::site::layout::{Page, Section};

pub(super) fn component(registry: &Registry, c: &Component, stacks: &[ResolvedStack]) -> Page {
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

pub(super) fn release(h: &mut Html, links: &Links<'_>, r: &Release) {
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
