//! The interface and capability pages and their indexes.

use super::*;
use std::collections::BTreeSet;

use crate::model::Registry;
use crate::model::{Component, Id, Interface, Need, Release};
use crate::report::list::short_licence;
use crate::site::ResolvedStack;
use crate::site::html::Html;
use crate::site::layout::{Page, Section};

pub(super) fn interfaces_index(registry: &Registry) -> Page {
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

pub(super) fn interface(registry: &Registry, i: &Interface) -> Page {
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

pub(super) fn capabilities_index(registry: &Registry) -> Page {
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
