//! `renewals STACK [--within MONTHS]`: every planned component whose contract (from a
//! `[current]` table) or support (from its release) ends within the window, the date by
//! which a decision is due, and what could replace it.

use semver::Version;
use serde::Serialize;

use crate::model::{Date, Id};
use crate::resolve::alternatives::{Fit, alternatives};
use crate::resolve::{Options, Plan, ResolveError, Resolver};

/// What ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Reason {
    Contract,
    Support,
}

impl Reason {
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::Contract => "contract",
            Reason::Support => "support",
        }
    }
}

/// The best alternative there is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Best {
    pub component: Id,
    #[serde(serialize_with = "crate::planning::ser_opt_version")]
    pub version: Option<Version>,
    pub fit: Fit,
}

/// How many alternatives fit, and the best.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct AlternativeCounts {
    pub drop_in: usize,
    pub with_changes: usize,
    pub best: Option<Best>,
}

/// One contract or support end.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct Renewal {
    pub component: Id,
    #[serde(serialize_with = "crate::planning::ser_version")]
    pub version: Version,
    pub ends: Date,
    pub reason: Reason,
    /// The end less the notice months.
    pub decide_by: Date,
    pub notice_months: u32,
    /// The end has passed.
    pub ended: bool,
    /// The decision date has passed.
    pub overdue: bool,
    pub alternatives: AlternativeCounts,
    /// The best viable alternative with an OSI-approved licence, if there is one.
    pub open_source_option: Option<Id>,
}

/// Every contract and support end of `plan` on or before `today` plus `within` months
/// (ends already past included), soonest decision first.
pub fn renewals(
    resolver: &Resolver<'_>,
    plan: &Plan,
    options: &Options,
    today: Date,
    within: u32,
) -> Result<Vec<Renewal>, ResolveError> {
    let until = today.add_months(within);
    let stack = resolver.stack();
    let registry = resolver.registry();
    let mut out = Vec::new();
    for p in &plan.releases {
        let Some(c) = registry.components.get(&p.component) else {
            continue;
        };
        let contract = stack
            .contracts
            .get(&p.component)
            .copied()
            .unwrap_or_default();
        let support = c.release(&p.version).and_then(|r| r.support_ends);
        let ends: Vec<(Reason, Date)> = [
            contract.contract_ends.map(|d| (Reason::Contract, d)),
            support.map(|d| (Reason::Support, d)),
        ]
        .into_iter()
        .flatten()
        .filter(|(_, d)| *d <= until)
        .collect();
        if ends.is_empty() {
            continue;
        }
        let found = alternatives(resolver, plan, options, &p.component, false);
        let (counts, open) = match &found {
            Some(a) => {
                let viable = a
                    .alternatives
                    .iter()
                    .filter(|x| matches!(x.fit, Fit::DropIn | Fit::WithChanges));
                let open = viable
                    .clone()
                    .find(|x| {
                        registry
                            .components
                            .get(&x.component)
                            .is_some_and(|y| y.licence.is_open_source())
                    })
                    .map(|x| x.component.clone());
                let best = viable.clone().next().map(|x| Best {
                    component: x.component.clone(),
                    version: x.version.clone(),
                    fit: x.fit,
                });
                (
                    AlternativeCounts {
                        drop_in: a.count(Fit::DropIn),
                        with_changes: a.count(Fit::WithChanges),
                        best,
                    },
                    open,
                )
            }
            None => (
                AlternativeCounts {
                    drop_in: 0,
                    with_changes: 0,
                    best: None,
                },
                None,
            ),
        };
        for (reason, end) in ends {
            let decide_by = end.sub_months(contract.notice());
            out.push(Renewal {
                component: p.component.clone(),
                version: p.version.clone(),
                ends: end,
                reason,
                decide_by,
                notice_months: contract.notice(),
                ended: end < today,
                overdue: decide_by < today,
                alternatives: counts.clone(),
                open_source_option: open.clone(),
            });
        }
    }
    out.sort_by(|a, b| {
        (a.decide_by, a.ends, &a.component, a.reason).cmp(&(
            b.decide_by,
            b.ends,
            &b.component,
            b.reason,
        ))
    });
    Ok(out)
}
