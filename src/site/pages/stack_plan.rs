//! A stack's plan in sections: the plan table, what changed from today, notes and the lock-in report.

use super::*;

use crate::model::Registry;
use crate::model::{Date, Id, Lifecycle, Release};
use crate::report::alternatives::differences_text;
use crate::report::graph::GraphReport;
use crate::report::resolve::ResolveReport;
use crate::resolve::Plan;
use crate::resolve::alternatives::{Alternative, Alternatives, Fit, LockIn};
use crate::site::html::{Href, Html, Markup};
use crate::site::{ResolvedStack, svg};

/// The plan table, the graph, the changes from today and the notes.
pub(super) fn plan_sections(
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
pub(super) fn notes(registry: &Registry, s: &ResolvedStack, plan: &Plan) -> Vec<String> {
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

pub(super) fn fit_tag(h: &mut Html, fit: Fit) {
    let (class, text) = match fit {
        Fit::DropIn => ("tag tag-dropin", "drop-in"),
        Fit::WithChanges => ("tag tag-changes", "with changes"),
        Fit::NotViable => ("tag tag-notviable", "not viable"),
        Fit::Undecided => ("tag tag-warning", "undecided"),
    };
    h.el_text("strong", &[("class", class)], text);
}

/// `adds x 1.0.0`, `removes y 2.0.0`, `x 1.0.0 → 2.0.0`, each component linked.
pub(super) fn plan_changes(h: &mut Html, links: &Links<'_>, a: &Alternative) {
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
pub(super) fn lock_in_sections(h: &mut Html, links: &Links<'_>, found: &LockIn) {
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
                                h.text(
                                    &alt.reason
                                        .as_ref()
                                        .map_or("no plan exists".into(), ToString::to_string),
                                );
                            }
                            Fit::Undecided => {
                                h.text(
                                    &alt.reason
                                        .as_ref()
                                        .map_or("not worked out".into(), ToString::to_string),
                                );
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
