//! Stack files written by stackreg (`stack new`, `merge --out`): TOML a person can read
//! and edit, with a comment on what each part is for.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use semver::VersionReq;

use crate::model::{Id, Need, Stack};

/// A stack to write, and the comments to write with it.
pub struct StackText<'a> {
    pub stack: &'a Stack,
    /// Lines for the comment at the top (without `# `).
    pub header: Vec<String>,
    /// A comment after a need, by need name.
    pub need_notes: BTreeMap<Id, String>,
    /// Write every policy field as a comment (the stack has no policy yet).
    pub policy_commented: bool,
}

/// A TOML string literal.
fn q(s: &str) -> String {
    toml::Value::String(s.to_owned()).to_string()
}

fn list<S: AsRef<str>>(items: &[S]) -> String {
    let items: Vec<String> = items.iter().map(|s| q(s.as_ref())).collect();
    format!("[{}]", items.join(", "))
}

fn need_value(need: &Need) -> String {
    let version = |v: &VersionReq| {
        if *v == VersionReq::STAR {
            String::new()
        } else {
            format!(", version = {}", q(&v.to_string()))
        }
    };
    match need {
        Need::Component { id, version: v } => {
            format!("{{ component = {}{} }}", q(id.as_str()), version(v))
        }
        Need::Interface { id, version: v } => {
            format!("{{ interface = {}{} }}", q(id.as_str()), version(v))
        }
        Need::Capability { id } => format!("{{ capability = {} }}", q(id.as_str())),
    }
}

/// The stack file's text.
pub fn to_toml(t: &StackText<'_>) -> String {
    let s = t.stack;
    let mut out = String::new();
    for line in &t.header {
        let _ = writeln!(out, "# {}", crate::text::escape(line));
    }
    if !t.header.is_empty() {
        out.push('\n');
    }
    out.push_str("[stack]\n");
    let _ = writeln!(out, "name = {}", q(&s.name));
    match &s.registry {
        Some(r) => {
            let _ = writeln!(out, "registry = {}", q(r));
        }
        None => out.push_str(
            "# registry = \"../registry\"     # a path relative to this file, or a git URL\n",
        ),
    }
    if let Some(r) = &s.rev {
        let _ = writeln!(out, "rev = {}", q(r));
    }
    if let Some(a) = &s.allowed_signers {
        let _ = writeln!(out, "allowed-signers = {}", q(a));
    }

    out.push_str("\n[needs]                           # name = exactly one of component / interface / capability\n");
    let width = s.needs.keys().map(|k| k.as_str().len()).max().unwrap_or(0);
    for (name, need) in &s.needs {
        let _ = write!(out, "{:<width$} = {}", name.as_str(), need_value(need));
        match t.need_notes.get(name) {
            Some(note) => {
                let _ = writeln!(out, "   # {}", crate::text::escape(note));
            }
            None => out.push('\n'),
        }
    }

    out.push_str("\n[policy]                          # every release in the plan must pass it\n");
    let p = &s.policy;
    let c = |active: bool| {
        if active && !t.policy_commented {
            ""
        } else {
            "# "
        }
    };
    let lifecycle: Vec<&str> = p
        .lifecycle
        .as_ref()
        .map(|l| l.iter().map(|x| x.as_str()).collect())
        .unwrap_or_else(|| vec!["beta", "live"]);
    let _ = writeln!(
        out,
        "{}lifecycle = {}      # default: everything but retired",
        c(p.lifecycle.is_some()),
        list(&lifecycle)
    );
    let _ = writeln!(
        out,
        "{}open-source = true                # OSI-approved licences only (default false)",
        c(p.open_source)
    );
    let assurances = if p.assurances.is_empty() {
        vec!["wcag-2.2-aa".to_owned()]
    } else {
        p.assurances.clone()
    };
    let _ = writeln!(
        out,
        "{}assurances = {}      # every one must be present",
        c(!p.assurances.is_empty()),
        list(&assurances)
    );
    let kinds: Vec<&str> = p
        .kinds
        .as_ref()
        .map(|k| k.iter().map(|x| x.as_str()).collect())
        .unwrap_or_else(|| vec!["saas", "platform-service"]);
    let _ = writeln!(
        out,
        "{}kinds = {}      # default: every kind",
        c(p.kinds.is_some()),
        list(&kinds)
    );
    let excluded: Vec<&str> = p.exclude_components.iter().map(Id::as_str).collect();
    let _ = writeln!(
        out,
        "{}exclude-components = {}",
        c(!excluded.is_empty()),
        list(&excluded)
    );
    let _ = writeln!(
        out,
        "{}exclude-suppliers = {}",
        c(!p.exclude_suppliers.is_empty()),
        list(&p.exclude_suppliers)
    );

    out.push_str("\n[prefer]\n");
    let prefer: Vec<&str> = s.prefer.iter().map(Id::as_str).collect();
    let _ = writeln!(
        out,
        "{}components = {}   # tie-break when several components could serve a need",
        if prefer.is_empty() { "# " } else { "" },
        list(&prefer)
    );

    out.push_str("\n[current]                         # what runs today: component = version, or a table with its contract\n");
    for (id, version) in &s.current {
        match s.contracts.get(id) {
            None => {
                let _ = writeln!(out, "{id} = {}", q(&version.to_string()));
            }
            Some(contract) => {
                let mut fields = vec![format!("version = {}", q(&version.to_string()))];
                if let Some(end) = contract.contract_ends {
                    fields.push(format!("contract-ends = {end}"));
                }
                if let Some(n) = contract.notice_months {
                    fields.push(format!("notice-months = {n}"));
                }
                let _ = writeln!(out, "{id} = {{ {} }}", fields.join(", "));
            }
        }
    }
    out
}
