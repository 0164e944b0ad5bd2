//! Checks a stack file (a council's, or a reference stack in a registry) and turns it
//! into a `Stack`: its needs, policy, preferences and what runs today, with contracts.

use super::*;

/// Checks a stack file. Reference stacks in a registry pass their file stem as
/// `expected_id` so that the file name is checked as an id.
pub fn stack(file: &str, expected_id: Option<&str>, source: &str) -> Parsed<Stack> {
    let raw: StackFile = match file_result(file, source) {
        Ok(r) => r,
        Err(p) => return failed(p),
    };
    let mut c = Checker::new(file);
    if let Some(stem) = expected_id
        && let Err(e) = Id::check(stem)
    {
        c.diagnostics.push(Diagnostic::error(
            file,
            Code::InvalidId,
            format!("stack file name `{}` {e}", text::escape(stem)),
        ));
    }
    c.text(&raw.stack.name, || path!["stack", "name"], false, false);
    if let Some(r) = &raw.stack.registry {
        c.text(r, || path!["stack", "registry"], false, false);
    }
    if let Some(r) = &raw.stack.rev {
        c.text(r, || path!["stack", "rev"], false, false);
    }
    if let Some(r) = &raw.stack.allowed_signers {
        c.text(r, || path!["stack", "allowed-signers"], false, false);
    }

    let mut needs = BTreeMap::new();
    for (name, entry) in &raw.needs {
        let key = c.key_id("need name", name, || path!["needs", name.as_str()]);
        if let (Some(key), Some(need)) = (key, check_need(&mut c, name, entry)) {
            needs.insert(key, need);
        }
    }
    if raw.needs.is_empty() {
        c.diagnostics.push(
            Diagnostic::warning(file, Code::InvalidNeed, "stack has no [needs]")
                .with_hint("add needs such as website = { capability = \"cms\" }"),
        );
    }

    let p = &raw.policy;
    let lifecycle = policy_values(
        &mut c,
        &p.lifecycle,
        ("lifecycle", "lifecycle"),
        Lifecycle::parse,
        Lifecycle::expected(),
    );
    let kinds = policy_values(
        &mut c,
        &p.kinds,
        ("kinds", "kind"),
        Kind::parse,
        Kind::expected(),
    );
    let mut assurances = Vec::new();
    for (i, a) in p.assurances.iter().enumerate() {
        if c.tag(a, || path!["policy", "assurances", i]) {
            assurances.push(a.clone());
        }
    }
    let exclude_components = p
        .exclude_components
        .iter()
        .enumerate()
        .filter_map(|(i, s)| c.id("component", s, || path!["policy", "exclude-components", i]))
        .collect();
    for (i, s) in p.exclude_suppliers.iter().enumerate() {
        c.text(s, || path!["policy", "exclude-suppliers", i], false, false);
    }
    let prefer = raw
        .prefer
        .components
        .iter()
        .enumerate()
        .filter_map(|(i, s)| c.id("component", s, || path!["prefer", "components", i]))
        .collect();
    let mut current = BTreeMap::new();
    let mut contracts = BTreeMap::new();
    for (k, entry) in &raw.current {
        let id = c.key_id("component", k, || path!["current", k.as_str()]);
        let v = match entry {
            CurrentEntry::Version(v) => c.version(v, || path!["current", k.as_str()]),
            CurrentEntry::Contract(t) => {
                c.version(&t.version, || path!["current", k.as_str(), "version"])
            }
        };
        let contract = match entry {
            CurrentEntry::Version(_) => None,
            CurrentEntry::Contract(t) => check_contract(&mut c, k, t),
        };
        if let (Some(id), Some(v)) = (id, v) {
            if let Some(contract) = contract {
                contracts.insert(id.clone(), contract);
            }
            current.insert(id, v);
        }
    }
    let value = Stack {
        name: raw.stack.name,
        registry: raw.stack.registry,
        rev: raw.stack.rev,
        allowed_signers: raw.stack.allowed_signers,
        needs,
        policy: Policy {
            lifecycle,
            open_source: p.open_source,
            assurances,
            kinds,
            exclude_components,
            exclude_suppliers: p
                .exclude_suppliers
                .iter()
                .map(|s| crate::model::name::normalise(s))
                .collect(),
        },
        prefer,
        current,
        contracts,
    };
    c.finish(Some(value))
}

/// The contract of a `[current]` table, when it gives one.
fn check_contract(c: &mut Checker<'_>, key: &str, t: &CurrentContract) -> Option<Contract> {
    let contract_ends = t
        .contract_ends
        .as_ref()
        .and_then(|d| c.date(d, || path!["current", key, "contract-ends"]));
    let notice_months = match t.notice_months {
        None => None,
        Some(n) if (0..=MAX_NOTICE_MONTHS).contains(&n) => u32::try_from(n).ok(),
        Some(n) => {
            c.error(
                Code::InvalidValue,
                || path!["current", key, "notice-months"],
                format!("notice-months {n} is not between 0 and {MAX_NOTICE_MONTHS}"),
            );
            None
        }
    };
    (contract_ends.is_some() || notice_months.is_some()).then_some(Contract {
        contract_ends,
        notice_months,
    })
}

/// The longest notice a `[current]` table may give: ten years.
const MAX_NOTICE_MONTHS: i64 = 120;

fn check_need(c: &mut Checker<'_>, name: &str, e: &NeedEntry) -> Option<Need> {
    let given: Vec<&str> = [
        e.component.as_ref().map(|_| "component"),
        e.interface.as_ref().map(|_| "interface"),
        e.capability.as_ref().map(|_| "capability"),
    ]
    .into_iter()
    .flatten()
    .collect();
    if given.len() != 1 {
        let message = if given.is_empty() {
            format!(
                "need `{}` names no component, interface or capability",
                text::escape(name)
            )
        } else {
            format!(
                "need `{}` names {}; a need names exactly one",
                text::escape(name),
                given.join(" and ")
            )
        };
        c.error(Code::InvalidNeed, || path!["needs", name], message)
            .hint = Some("write e.g. { capability = \"cms\" } or { component = \"fixmystreet\", version = \">=5\" }".into());
        return None;
    }
    let version = match &e.version {
        Some(v) => c.range(v, || path!["needs", name, "version"])?,
        None => VersionReq::STAR,
    };
    if let Some(id) = &e.component {
        let id = c.id("component", id, || path!["needs", name, "component"])?;
        Some(Need::Component { id, version })
    } else if let Some(id) = &e.interface {
        let id = c.id("interface", id, || path!["needs", name, "interface"])?;
        Some(Need::Interface { id, version })
    } else {
        let cap = e.capability.as_deref().unwrap_or_default();
        if e.version.is_some() {
            c.error(
                Code::InvalidNeed,
                || path!["needs", name, "version"],
                "a capability need has no version; name a component or interface to pin one",
            );
        }
        let id = c.id("capability", cap, || path!["needs", name, "capability"])?;
        Some(Need::Capability { id })
    }
}

/// The values of the policy list `key` that `parse` reads, with an error for each it
/// cannot (one `what`, not one of what is `expected`); `None` when the policy has no such
/// list.
fn policy_values<T>(
    c: &mut Checker,
    list: &Option<Vec<String>>,
    (key, what): (&'static str, &str),
    parse: impl Fn(&str) -> Option<T>,
    expected: impl std::fmt::Display,
) -> Option<Vec<T>> {
    list.as_ref().map(|list| {
        list.iter()
            .enumerate()
            .filter_map(|(i, s)| {
                let value = parse(s);
                if value.is_none() {
                    c.error(
                        Code::InvalidValue,
                        || path!["policy", key, i],
                        format!("{what} `{}` is not one of {expected}", text::escape(s)),
                    );
                }
                value
            })
            .collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes<T>(p: &Parsed<T>) -> Vec<&'static str> {
        p.diagnostics.iter().map(|d| d.code.as_str()).collect()
    }

    #[test]
    fn needs_name_exactly_one_thing() {
        let src = "[stack]\nname = \"x\"\n[needs]\na = { component = \"p\", interface = \"q\" }\nb = { capability = \"cms\", version = \"^1\" }\nc = {}\n";
        let p = stack("s.toml", None, src);
        assert_eq!(codes(&p), ["invalid-need", "invalid-need", "invalid-need"]);
    }
}
