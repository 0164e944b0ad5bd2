//! A stack's plan in sections: the plan table, what changed from today, notes and the lock-in report.

use super::*;

use crate::model::Registry;
use crate::model::{Date, Id, Lifecycle, Release};
use crate::report::alternatives::differences_text;
use crate::report::graph::GraphReport;
use crate::report::resolve::ResolveReport;
use crate::resolve::Plan;
use crate::resolve::alternatives::{Alternative, Alternatives, Fit, LockIn};
use maud::{Markup, html};

use crate::model::Stack;
use crate::site::html::{Href, Text};
use crate::site::{ResolvedStack, svg};

/// The plan table, the graph, the changes from today and the notes.
pub(super) fn plan_sections(
    links: &Links<'_>,
    registry: &Registry,
    s: &ResolvedStack,
    plan: &Plan,
) -> Markup {
    let stack = &s.input.stack;
    // The site must not change with the day it is generated on, so no note depends on
    // today's date: support end dates are shown in the plan table instead.
    let report = ResolveReport::resolved(registry, stack, plan, Date::from_days(0));
    let with_current = !stack.current.is_empty();
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
    let rows = html! {
        @for (row, planned) in report.plan.iter().zip(&plan.releases) {
            @let release = registry
                .components
                .get(&planned.component)
                .and_then(|c| c.release(&planned.version));
            @let edges = plan.required_by(planned.component.as_str()).map(|e| {
                html! { (links.component(&e.from, &e.from)) " (" (Text(e.label())) ")" }
            });
            tr {
                th scope="row" { (links.component(&planned.component, &planned.component)) }
                td {
                    (links.release(&planned.component, &planned.version, &row.version))
                    @if release.is_some_and(Release::is_yanked) {
                        " "
                        strong.tag.tag-yanked { "yanked" }
                    }
                }
                @if with_current {
                    td {
                        @match &row.current {
                            Some(cur) if cur == &row.version => "kept",
                            Some(cur) => { (Text(cur)) " → " (Text(&row.version)) }
                            None => "new",
                        }
                    }
                }
                td { (inline_list(row.needs.iter().map(|n| html! { (Text(n)) }), "")) }
                td { (inline_list(edges, "")) }
                td {
                    @match release.and_then(|r| r.support_ends) {
                        Some(d) => (date(d)),
                        None => "not published",
                    }
                }
            }
            "\n"
        }
    };
    let notes = notes(registry, s, plan);
    html! {
        h2 #plan { "Plan" } "\n"
        (table("plan-table", "The plan: one release of each component", &head, rows))
        h2 #graph { "Dependency graph" } "\n"
        (graph(stack, plan))
        h2 #changes { "Changes from what runs today" } "\n"
        (changes(links, &report, s, plan))
        @if !notes.is_empty() {
            h2 #notes { "Notes" } "\n"
            ul { @for n in &notes { li { (Text(n)) } } }
            "\n"
        }
    }
}

/// The plan's dependency graph, with its legend.
fn graph(stack: &Stack, plan: &Plan) -> Markup {
    let report = GraphReport::new(&stack.name, plan);
    let drawing = svg::plan_graph(&report, &stack.needs);
    let title = format!("Dependency graph of the plan for {}", stack.name);
    let desc = format!(
        "Each of the stack's {} needs points at the release that meets it, among {} planned \
         releases; arrows show which release depends on or requires which. The plan table \
         above lists the same.",
        stack.needs.len(),
        plan.releases.len()
    );
    html! {
        figure.graph {
            div.graph-scroll tabindex="0" role="region"
                aria-label="Dependency graph (scrolls sideways)" {
                (svg::render(&drawing, &title, &desc))
            }
            figcaption {
                "Each need of the stack (a grey pill) points at the release that meets it. "
                ul.legend {
                    li { span.swatch {} "depends on a component" }
                    li {
                        span.swatch.requires {}
                        "requires an interface another component provides"
                    }
                    li { span.swatch.need {} "a need met by a release" }
                }
            }
        }
        "\n"
    }
}

/// Changes from what runs today.
fn changes(links: &Links<'_>, report: &ResolveReport, s: &ResolvedStack, plan: &Plan) -> Markup {
    let stack = &s.input.stack;
    if stack.current.is_empty() {
        return html! {
            p {
                "The stack does not say what runs today (it has no [current] table), so every \
                 component in the plan is new."
            }
            "\n"
        };
    }
    let kept: Vec<&Id> = plan
        .releases
        .iter()
        .filter(|r| stack.current.get(&r.component) == Some(&r.version))
        .map(|r| &r.component)
        .collect();
    let rows = html! {
        @for ch in &report.changes {
            tr {
                th scope="row" {
                    @match Id::parse(&ch.component) {
                        Ok(id) => (links.component(&id, &ch.component)),
                        Err(_) => (Text(&ch.component)),
                    }
                }
                td { (Text(ch.from.as_deref().unwrap_or("—"))) }
                td { (Text(ch.to.as_deref().unwrap_or("—"))) }
                td { (change_kind(ch.from.as_deref(), ch.to.as_deref())) }
            }
            "\n"
        }
    };
    html! {
        @if report.changes.is_empty() {
            p { "None: the plan keeps every component at the version that runs today." } "\n"
        } @else {
            (table(
                "changes-table",
                "Components added, removed or changing version",
                &["Component", "Runs today", "In the plan", "Change"],
                rows,
            ))
        }
        @if !kept.is_empty() {
            p {
                "Kept as they are: "
                (inline_list(kept.iter().map(|id| links.component(id, id)), ""))
                "."
            }
            "\n"
        }
    }
}

/// What a row of the changes table does: `added`, `upgrade`, …
fn change_kind(from: Option<&str>, to: Option<&str>) -> &'static str {
    match (from, to) {
        (None, Some(_)) => "added",
        (Some(_), None) => "removed (no longer needed)",
        (Some(a), Some(b)) => match (semver::Version::parse(a), semver::Version::parse(b)) {
            (Ok(a), Ok(b)) if b > a => "upgrade",
            (Ok(a), Ok(b)) if b < a => "downgrade",
            _ => "changes version",
        },
        (None, None) => "",
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

pub(super) fn fit_tag(fit: Fit) -> Markup {
    let (class, text) = match fit {
        Fit::DropIn => ("tag tag-dropin", "drop-in"),
        Fit::WithChanges => ("tag tag-changes", "with changes"),
        Fit::NotViable => ("tag tag-notviable", "not viable"),
        Fit::Undecided => ("tag tag-warning", "undecided"),
    };
    html! { strong class=(class) { (text) } }
}

/// `adds x 1.0.0`, `removes y 2.0.0`, `x 1.0.0 → 2.0.0`, each component linked.
pub(super) fn plan_changes(links: &Links<'_>, a: &Alternative) -> Markup {
    let changes = a.changes.iter().map(|c| {
        let id = &c.component;
        html! {
            @match (&c.from, &c.to) {
                (None, Some(to)) => { "adds " (links.release(id, to, format_args!("{id} {to}"))) }
                (Some(from), None) => {
                    "removes " (links.release(id, from, format_args!("{id} {from}")))
                }
                (Some(from), Some(to)) => {
                    (links.component(id, id)) " " (Text(from)) " → " (Text(to))
                }
                (None, None) => (links.component(id, id)),
            }
        }
    });
    inline_list(changes, "none")
}

/// The lock-in report for the plan, then each component's alternatives.
pub(super) fn lock_in_sections(links: &Links<'_>, found: &LockIn) -> Markup {
    let risks: Vec<&Alternatives> = found.components.iter().filter(|a| a.is_lock_in()).collect();
    let total = found.components.len();
    let undecided = found.spent.undecided;
    let mut header = vec!["Component", "Drop-in", "With changes", "Not viable"];
    let mut fits = vec![Fit::DropIn, Fit::WithChanges, Fit::NotViable];
    if undecided > 0 {
        header.push("Undecided");
        fits.push(Fit::Undecided);
    }
    header.push("Best alternative");
    let rows = html! {
        @for a in &found.components {
            @let best = a
                .alternatives
                .iter()
                .find(|x| matches!(x.fit, Fit::DropIn | Fit::WithChanges));
            tr {
                th scope="row" {
                    (link(
                        &Href::internal(format!("#alternatives-{}", a.component)),
                        format_args!("{} {}", a.component, a.version),
                    ))
                }
                @for &fit in &fits {
                    td.numeric {
                        @match fit {
                            Fit::Undecided => (a.undecided()),
                            _ => (a.count(fit)),
                        }
                    }
                }
                td {
                    @match best {
                        Some(best) => {
                            (links.component(&best.component, &best.component))
                            " "
                            (fit_tag(best.fit))
                        }
                        None if a.undecided() > 0 => (fit_tag(Fit::Undecided)),
                        None => strong.tag.tag-warning { "lock-in: no viable alternative" },
                    }
                }
            }
            "\n"
        }
    };
    html! {
        h2 #lock-in { "Lock-in" } "\n"
        p {
            @if risks.is_empty() {
                "Every one of the " (total) " components in the plan has a viable alternative: \
                 another component could take its place and still give a plan."
            } @else {
                (risks.len()) " of the " (total) " components in the plan have no viable \
                 alternative: "
                (inline_list(risks.iter().map(|a| links.component(&a.component, &a.component)), ""))
                ". Replacing one of them means changing the stack's needs or policy."
            }
        }
        "\n"
        p.hint {
            "A drop-in alternative takes the component's place and nothing else changes; one \
             with changes gives a plan in which other components are added, removed or change \
             version; one that is not viable gives no plan."
        }
        "\n"
        @if undecided > 0 {
            p.hint {
                (undecided) " candidate" @if undecided != 1 { "s" } " could not be decided \
                 within the bounds on the work (a resolution that gave up, or the report's \
                 budget of solver steps): they are marked undecided, and a component with \
                 undecided candidates is not counted as lock-in."
            }
            "\n"
        }
        (table("lock-in-table", "Alternatives for each component of the plan", &header, rows))
        @if !found.single_supply.is_empty() {
            h3 #single-supply { "Single points of supply" } "\n"
            (single_supply(links, found))
        }
        h2 #alternatives { "Alternatives, component by component" } "\n"
        @for a in &found.components {
            (alternatives(links, a))
        }
    }
}

/// Interfaces the plan uses that only one component provides.
fn single_supply(links: &Links<'_>, found: &LockIn) -> Markup {
    let rows = html! {
        @for s in &found.single_supply {
            tr {
                th scope="row" { (links.interface(&s.interface, &s.interface)) }
                td { (links.component(&s.provider, &s.provider)) }
                td { (inline_list(s.used_by.iter().map(|u| html! { (Text(u)) }), "")) }
            }
            "\n"
        }
    };
    table(
        "single-supply-table",
        "Interfaces the plan uses that only one component in the registry provides",
        &["Interface", "Only provider", "Used by"],
        rows,
    )
}

/// What could take the place of one component of the plan.
fn alternatives(links: &Links<'_>, a: &Alternatives) -> Markup {
    let id = format!("alternatives-{}", a.component);
    let uses = a.uses.iter().map(|u| {
        html! {
            (links.interface_version(
                &u.interface,
                &u.version,
                format_args!("{} {}", u.interface, u.version),
            ))
            " (by " (Text(u.used_by.join(", "))) ")"
        }
    });
    let rows = html! {
        @for alt in &a.alternatives {
            tr {
                th scope="row" {
                    @match &alt.version {
                        Some(v) => {
                            (links.release(
                                &alt.component,
                                v,
                                format_args!("{} {v}", alt.component),
                            ))
                        }
                        None => (links.component(&alt.component, &alt.component)),
                    }
                }
                td { (fit_tag(alt.fit)) }
                td {
                    @match (alt.fit, &alt.reason) {
                        (Fit::NotViable | Fit::Undecided, Some(reason)) => (Text(reason)),
                        (Fit::NotViable, None) => "no plan exists",
                        (Fit::Undecided, None) => "not worked out",
                        (Fit::DropIn, _) => "nothing",
                        (Fit::WithChanges, _) => (plan_changes(links, alt)),
                    }
                }
                td { (interfaces_used(links, alt)) }
                @let diff = differences_text(&alt.differences);
                td { (Text(if diff.is_empty() { "none" } else { &diff })) }
            }
            "\n"
        }
    };
    html! {
        h3 id=(Text(&id)) {
            "Alternatives to "
            (links.release(&a.component, &a.version, format_args!("{} {}", a.component, a.version)))
        }
        "\n"
        @if !a.uses.is_empty() {
            p { "The rest of the plan uses from it: " (inline_list(uses, "")) "." }
            "\n"
        }
        @if a.alternatives.is_empty() {
            p { "No other component shares a capability or an interface with it." } "\n"
        } @else {
            (table(
                &format!("{id}-table"),
                &format!("Components that could take the place of {}", a.component),
                &[
                    "Alternative",
                    "Fit",
                    "What else changes",
                    "Interfaces the plan uses",
                    "Differences",
                ],
                rows,
            ))
        }
    }
}

/// Which of the interfaces the plan uses an alternative provides, and which it lacks.
fn interfaces_used(links: &Links<'_>, alt: &Alternative) -> Markup {
    let list = |ids: &[Id]| inline_list(ids.iter().map(|i| links.interface(i, i)), "");
    html! {
        @if alt.covers.is_empty() && alt.missing.is_empty() {
            "none used"
        } @else {
            @if !alt.covers.is_empty() {
                "provides " (list(&alt.covers))
            }
            @if !alt.missing.is_empty() {
                @if !alt.covers.is_empty() { "; " }
                "lacks " (list(&alt.missing))
            }
        }
    }
}
