//! The stack pages and their index: the plan, or why there is none.

use super::*;

use crate::model::Registry;
use crate::resolve::{ExplainNode, Plan, Resolution};
use crate::site::html::Html;
use crate::site::layout::{self, Page, Section};
use crate::site::{ResolvedStack, StackOrigin};

pub(super) fn plan_of(s: &ResolvedStack) -> Option<&Plan> {
    match &s.outcome {
        Ok(Resolution::Resolved(plan)) => Some(plan),
        _ => None,
    }
}

pub(super) fn origin_text(s: &ResolvedStack) -> String {
    match &s.input.origin {
        StackOrigin::Reference => "Reference stack in the registry".into(),
        StackOrigin::File(name) => format!("Stack file {name}"),
    }
}

pub(super) fn stacks_index(stacks: &[ResolvedStack]) -> Page {
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

pub(super) fn stack(registry: &Registry, s: &ResolvedStack) -> Page {
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
                    h.el_text("p", &[], &why.summary.to_string());
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

pub(super) fn explanation_tree(h: &mut Html, nodes: &[ExplainNode]) {
    if nodes.is_empty() {
        return;
    }
    h.el("ul", &[("class", "tree")], |h| {
        for n in nodes {
            h.el("li", &[], |h| {
                h.text(&n.line.to_string());
                explanation_tree(h, &n.children);
            });
        }
    });
}
