//! What the fuzz targets check, written again here rather than taken from the code under
//! test: that output holds no character a terminal obeys, that JSON parses and markdown
//! and CSV keep their shape, and (for plans) the rules of SPEC §4.

use std::collections::{BTreeMap, BTreeSet};

use semver::Version;
use stackreg::diagnostic::Diagnostic;
use stackreg::model::{Component, Id, Lifecycle, Need, Stack};
use stackreg::model::{Excerpt, Focus, Listing, Registry};
use stackreg::report;

/// The first character of `s` a terminal or editor could act on or reorder: controls
/// other than newline, bidirectional formatting and invisible characters.
pub fn raw_control(s: &str) -> Option<char> {
    s.chars().find(|&c| {
        (c.is_control() && c != '\n')
            || matches!(c, '\u{061c}' | '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2060}'..='\u{2069}' | '\u{feff}')
    })
}

/// Panics unless `s`, printed as `what`, is safe on a terminal.
#[track_caller]
pub fn printable(what: &str, s: &str) {
    if let Some(c) = raw_control(s) {
        panic!("{what} holds a raw {c:?}:\n{s}");
    }
}

/// Panics unless `s` is JSON, printable, and (after parsing) a value.
#[track_caller]
pub fn json(what: &str, s: &str) {
    printable(what, s);
    if let Err(e) = serde_json::from_str::<serde_json::Value>(s) {
        panic!("{what} is not JSON ({e}):\n{s}");
    }
}

fn escaped_at(s: &str, i: usize) -> bool {
    s[..i].bytes().rev().take_while(|&b| b == b'\\').count() % 2 == 1
}

/// Panics unless every markdown table in `s` keeps one column count.
#[track_caller]
pub fn markdown(what: &str, s: &str) {
    printable(what, s);
    let mut columns = None;
    for line in s.lines() {
        if !line.starts_with('|') {
            columns = None;
            continue;
        }
        let pipes = line
            .char_indices()
            .filter(|&(i, c)| c == '|' && !escaped_at(line, i))
            .count();
        match columns {
            None => columns = Some(pipes),
            Some(n) if n != pipes => panic!("{what}: a row of {pipes} pipes, not {n}:\n{s}"),
            Some(_) => {}
        }
    }
}

/// Panics unless `s` is CSV whose records all have the header's number of fields, none
/// of which a spreadsheet would run as a formula.
#[track_caller]
pub fn csv(what: &str, s: &str) {
    printable(what, s);
    let mut records: Vec<Vec<String>> = Vec::new();
    let (mut field, mut record, mut quoted) = (String::new(), Vec::new(), false);
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') if field.is_empty() => quoted = true,
            (false, '"') => panic!("{what}: a stray quote:\n{s}"),
            (false, ',') => record.push(std::mem::take(&mut field)),
            (false, '\n') => {
                record.push(std::mem::take(&mut field));
                records.push(std::mem::take(&mut record));
            }
            (false, c) => field.push(c),
        }
    }
    assert!(
        !quoted && field.is_empty() && record.is_empty(),
        "{what}: unfinished:\n{s}"
    );
    let width = records.first().map_or(0, Vec::len);
    for r in &records {
        assert_eq!(r.len(), width, "{what}: {r:?}\n{s}");
        assert!(
            !r.iter().any(|f| f.starts_with(['=', '+', '-', '@'])),
            "{what}: a formula in {r:?}"
        );
    }
}

/// Renders findings in every format `validate` has, and checks each.
pub fn findings(diagnostics: Vec<Diagnostic>, sources: BTreeMap<String, String>) {
    let r = report::validation::ValidationReport::new(1, diagnostics, sources, "registry/".into());
    printable("validate (human)", &r.human(false));
    printable("validate (colour)", &strip_sgr(&r.human(true)));
    let github = r.github();
    printable("validate --format github", &github);
    for line in github.lines() {
        assert!(
            line.starts_with("::error file=")
                || line.starts_with("::warning file=")
                || line.starts_with("valid: ")
                || line.starts_with("invalid: "),
            "a GitHub annotation broken across lines: {line:?}"
        );
    }
    markdown("validate --format markdown", &r.markdown());
    json("validate --format json", &report::json(&r));
}

/// `s` without the colour codes the renderer itself adds (ESC [ ... m).
fn strip_sgr(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' && chars.peek() == Some(&'[') {
            chars.next();
            for d in chars.by_ref() {
                if d == 'm' {
                    break;
                }
                assert!(
                    d.is_ascii_digit() || d == ';',
                    "an escape sequence that is not a colour: ESC [ ... {d:?}"
                );
            }
            continue;
        }
        out.push(c);
    }
    out
}

/// Renders everything `list`, `interfaces` and `show` print about `registry`.
pub fn catalogue(registry: &Registry) {
    use report::list::{ComponentList, Filter};
    let list = ComponentList::new(&Listing::from(registry.clone()), &Filter::default());
    printable("list", &list.to_string());
    markdown("list --format markdown", &list.markdown());
    csv("list --format csv", &list.csv());
    json("list --format json", &report::json(&list));
    let interfaces = report::interfaces::InterfaceList::new(registry);
    printable("interfaces", &interfaces.to_string());
    markdown("interfaces --format markdown", &interfaces.markdown());
    csv("interfaces --format csv", &interfaces.csv());
    json("interfaces --format json", &report::json(&interfaces));
    for c in registry.components.values() {
        let excerpt = Excerpt::of(registry.clone(), Focus::Component(c.id.to_string()));
        let shown = report::show::ComponentReport::new(&excerpt, c, None);
        printable("show", &shown.to_string());
        markdown("show --format markdown", &shown.markdown());
        json("show --format json", &report::json(&shown));
    }
    for i in registry.interfaces.values() {
        let excerpt = Excerpt::of(registry.clone(), Focus::Interface(i.id.to_string()));
        let shown = report::show::InterfaceReport::new(&excerpt, i);
        printable("show --interface", &shown.to_string());
        markdown("show --interface --format markdown", &shown.markdown());
        json("show --interface --format json", &report::json(&shown));
    }
}

/// A plan as `component → version`.
pub type Assignment = BTreeMap<Id, Version>;

fn release<'a>(reg: &'a Registry, id: &Id, v: &Version) -> Option<&'a stackreg::model::Release> {
    reg.components
        .get(id)?
        .releases
        .iter()
        .find(|r| &r.version == v)
}

fn meets(reg: &Registry, need: &Need, plan: &Assignment) -> bool {
    plan.iter().any(|(cid, ver)| {
        let (Some(c), Some(r)) = (reg.components.get(cid), release(reg, cid, ver)) else {
            return false;
        };
        match need {
            Need::Component { id, version } => cid == id && version.matches(ver),
            Need::Interface { id, version } => {
                r.provides.get(id).is_some_and(|pv| version.matches(pv))
            }
            Need::Capability { id } => c.capabilities.contains(id),
        }
    })
}

/// SPEC §3's policy, from the stack's words (licences: the fuzz registries use MIT,
/// Apache-2.0 and LicenseRef-Proprietary only).
fn passes_policy(stack: &Stack, c: &Component) -> bool {
    let p = &stack.policy;
    let lifecycle_ok = match &p.lifecycle {
        Some(allowed) => allowed.contains(&c.lifecycle),
        None => c.lifecycle != Lifecycle::Retired,
    };
    let open = matches!(c.licence.as_str(), "MIT" | "Apache-2.0");
    lifecycle_ok
        && (!p.open_source || open)
        && p.assurances.iter().all(|a| c.assurances.contains(a))
        && p.kinds.as_ref().is_none_or(|k| k.contains(&c.kind))
        && !p.exclude_components.contains(&c.id)
        && !p
            .exclude_suppliers
            .iter()
            .any(|s| same_supplier(s, &c.supplier))
}

/// Supplier names are compared with white space collapsed, ignoring case (the model keeps
/// them in NFKC already).
fn same_supplier(a: &str, b: &str) -> bool {
    let norm = |s: &str| {
        s.split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase()
    };
    norm(a) == norm(b)
}

/// Checks SPEC §4 rules 1–4, and rule 5 (nothing unreachable) when `minimal`.
pub fn check_plan(
    reg: &Registry,
    stack: &Stack,
    plan: &Assignment,
    minimal: bool,
) -> Result<(), String> {
    for (name, need) in &stack.needs {
        if !meets(reg, need, plan) {
            return Err(format!("rule 1: need {name} is not met"));
        }
    }
    for (cid, ver) in plan {
        let (Some(c), Some(r)) = (reg.components.get(cid), release(reg, cid, ver)) else {
            return Err(format!("{cid} {ver} is not in the registry"));
        };
        for (d, range) in &r.depends {
            if !plan.get(d).is_some_and(|dv| range.matches(dv)) {
                return Err(format!("rule 2: {cid} {ver} depends on {d} {range}"));
            }
        }
        for (iface, range) in &r.requires {
            let met = plan.iter().any(|(oid, ov)| {
                oid != cid
                    && release(reg, oid, ov)
                        .and_then(|x| x.provides.get(iface))
                        .is_some_and(|pv| range.matches(pv))
            });
            if !met {
                return Err(format!("rule 2: {cid} {ver} requires {iface} {range}"));
            }
        }
        for (d, range) in &r.conflicts {
            if d != cid && plan.get(d).is_some_and(|dv| range.matches(dv)) {
                return Err(format!("rule 2: {cid} {ver} conflicts with {d} {range}"));
            }
        }
        if !passes_policy(stack, c) {
            return Err(format!("rule 3: {cid} fails the policy"));
        }
        if r.yanked.is_some() && stack.current.get(cid) != Some(ver) {
            return Err(format!("rule 4: {cid} {ver} is yanked"));
        }
    }
    if minimal {
        let reachable = reachable(reg, stack, plan);
        if let Some(extra) = plan.keys().find(|k| !reachable.contains(*k)) {
            return Err(format!("rule 5: {extra} is not reachable from a need"));
        }
    }
    Ok(())
}

fn reachable(reg: &Registry, stack: &Stack, plan: &Assignment) -> BTreeSet<Id> {
    let mut seen = BTreeSet::new();
    let mut todo: Vec<Id> = plan
        .iter()
        .filter(|(cid, ver)| {
            let single: Assignment = [((*cid).clone(), (*ver).clone())].into();
            stack.needs.values().any(|n| meets(reg, n, &single))
        })
        .map(|(cid, _)| cid.clone())
        .collect();
    while let Some(cid) = todo.pop() {
        if !seen.insert(cid.clone()) {
            continue;
        }
        let Some(r) = plan.get(&cid).and_then(|v| release(reg, &cid, v)) else {
            continue;
        };
        for d in r.depends.keys() {
            if plan.contains_key(d) {
                todo.push(d.clone());
            }
        }
        for (iface, range) in &r.requires {
            for (oid, ov) in plan {
                if oid != &cid
                    && release(reg, oid, ov)
                        .and_then(|x| x.provides.get(iface))
                        .is_some_and(|pv| range.matches(pv))
                {
                    todo.push(oid.clone());
                }
            }
        }
    }
    seen
}

/// Whether any plan exists, by trying every assignment of at most one release per
/// component (stopping at the first plan); `None` when there are more than `limit`
/// assignments to try.
pub fn any_plan(reg: &Registry, stack: &Stack, limit: usize) -> Option<bool> {
    let components: Vec<&Component> = reg.components.values().collect();
    let mut count: usize = 1;
    for c in &components {
        count = count.checked_mul(c.releases.len() + 1)?;
        if count > limit {
            return None;
        }
    }
    // A mixed-radix counter: digit k is 0 for "not in the plan", else release k - 1.
    let mut digits = vec![0usize; components.len()];
    loop {
        let plan: Assignment = components
            .iter()
            .zip(&digits)
            .filter(|&(_, &d)| d > 0)
            .map(|(c, &d)| (c.id.clone(), c.releases[d - 1].version.clone()))
            .collect();
        if check_plan(reg, stack, &plan, false).is_ok() {
            return Some(true);
        }
        let mut k = 0;
        loop {
            let Some(d) = digits.get_mut(k) else {
                return Some(false);
            };
            *d += 1;
            if *d <= components[k].releases.len() {
                break;
            }
            *d = 0;
            k += 1;
        }
    }
}
