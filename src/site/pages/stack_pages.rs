//! The stack pages and their index: the plan, or why there is none.

use super::*;

use maud::{Markup, html};

use crate::model::Registry;
use crate::resolve::{ExplainNode, Plan, Resolution};
use crate::site::html::Text;
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
    let rows = html! {
        @for s in stacks {
            tr {
                td {
                    (link(&layout::href(&path, &stack_path(&s.input.slug)), &s.input.stack.name))
                }
                td { (Text(origin_text(s))) }
                td.numeric { (s.input.stack.needs.len()) }
                td {
                    @match &s.outcome {
                        Ok(Resolution::Resolved(plan)) => {
                            (plan.releases.len()) " component"
                            @if plan.releases.len() != 1 { "s" }
                        }
                        Ok(Resolution::Unsatisfiable(_)) => strong.tag.tag-warning { "no plan" },
                        Err(_) => strong.tag.tag-warning { "gave up" },
                    }
                }
                td {
                    @match &s.lock_in {
                        Some(found) => {
                            @let risks = found.components.iter().filter(|a| a.is_lock_in());
                            @let to = format!("{}#lock-in", stack_path(&s.input.slug));
                            (link(
                                &layout::href(&path, &to),
                                format_args!(
                                    "{} of {} components",
                                    risks.count(),
                                    found.components.len()
                                ),
                            ))
                        }
                        None => "—",
                    }
                }
            }
            "\n"
        }
    };
    let body = html! {
        h1 { "Stacks" } "\n"
        p.lead {
            "What a council needs, resolved to a plan: one release of each component, chosen so \
             that every need is met, every dependency is present and the council's policy holds."
        }
        "\n"
        @if stacks.is_empty() {
            p {
                "No stacks are shown. Reference stacks in the registry's stacks/ folder, and \
                 stack files given with `stackreg site --stack FILE`, each get a page."
            }
            "\n"
        } @else {
            (table(
                "stack-table",
                "Stacks and their plans",
                &["Stack", "From", "Needs", "Plan", "Lock-in"],
                rows,
            ))
        }
    };
    Page {
        path,
        title: "Stacks".into(),
        section: Section::Stacks,
        crumbs: vec![("Catalogue".into(), "index.html".into())],
        body,
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
    let plan = plan_of(s);
    let rows = html! {
        @for (name, need) in &stack.needs {
            @let met = plan
                .into_iter()
                .flat_map(|p| p.releases.iter().filter(|r| r.needs.contains(name)))
                .map(|r| {
                    links.release(
                        &r.component,
                        &r.version,
                        format_args!("{} {}", r.component, r.version),
                    )
                });
            tr {
                th scope="row" { (Text(name)) }
                td { (links.need(need)) }
                td { (inline_list(met, "not met")) }
            }
            "\n"
        }
    };
    let body = html! {
        (heading_with_caption(&origin_text(s), &stack.name))
        @match &s.outcome {
            Ok(Resolution::Resolved(plan)) => {
                p.lead {
                    "A plan of " (plan.releases.len()) " component"
                    @if plan.releases.len() != 1 { "s" }
                    " meets every need in this stack."
                }
                "\n"
            }
            Ok(Resolution::Unsatisfiable(why)) => {
                div.warning role="region" aria-labelledby="no-plan" {
                    h2 #no-plan { "No plan exists" }
                    p { (Text(&why.summary)) }
                    (explanation_tree(&why.tree))
                }
                "\n"
            }
            Err(e) => {
                div.warning role="region" aria-labelledby="no-plan" {
                    h2 #no-plan { "Resolution did not finish" }
                    p { (Text(e)) }
                }
                "\n"
            }
        }
        h2 #needs { "Needs" } "\n"
        @if stack.needs.is_empty() {
            p { "The stack lists no needs." } "\n"
        } @else {
            (table(
                "needs-table",
                "What the stack needs, and what meets each need in the plan",
                &["Need", "Asks for", "Met by"],
                rows,
            ))
        }
        @if let Some(plan) = plan {
            (plan_sections(&links, registry, s, plan))
        }
        @if let Some(found) = &s.lock_in {
            (lock_in_sections(&links, found))
        }
        h2 #policy { "Policy" } "\n"
        (policy(&links, s))
    };
    Page {
        path,
        title: stack.name.clone(),
        section: Section::Stacks,
        crumbs: vec![
            ("Catalogue".into(), "index.html".into()),
            ("Stacks".into(), Section::Stacks.path().into()),
        ],
        body,
        search: false,
    }
}

/// The stack's policy as key facts.
fn policy(links: &Links<'_>, s: &ResolvedStack) -> Markup {
    let stack = &s.input.stack;
    let p = &stack.policy;
    let texts = |list: &[String]| inline_list(list.iter().map(|t| html! { (Text(t)) }), "none");
    let components = |ids: &[crate::model::Id]| {
        inline_list(ids.iter().map(|id| links.component(id, id)), "none")
    };
    facts(&[
        (
            "Lifecycles allowed",
            match &p.lifecycle {
                Some(list) => inline_list(list.iter().map(|l| html! { (l.as_str()) }), "none"),
                None => html! { "all but retired" },
            },
        ),
        (
            "Open source only",
            html! {
                @if p.open_source { "yes: OSI-approved licences only" } @else { "no" }
            },
        ),
        ("Assurances required", texts(&p.assurances)),
        (
            "Kinds allowed",
            match &p.kinds {
                Some(list) => inline_list(list.iter().map(|k| html! { (k.as_str()) }), "none"),
                None => html! { "all" },
            },
        ),
        ("Components excluded", components(&p.exclude_components)),
        ("Suppliers excluded", texts(&p.exclude_suppliers)),
        ("Preferred components", components(&stack.prefer)),
    ])
}

pub(super) fn explanation_tree(nodes: &[ExplainNode]) -> Markup {
    html! {
        @if !nodes.is_empty() {
            ul.tree {
                @for n in nodes {
                    li { (Text(&n.line)) (explanation_tree(&n.children)) }
                }
            }
        }
    }
}
