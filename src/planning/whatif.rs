//! `resolve STACK --upgrade/--with/--without`: the plan with only the named components
//! moved, added or forbidden, and what changes against the lock (or `[current]`).

use std::collections::BTreeMap;

use semver::Version;
use serde::Serialize;

use super::PlanningError as Error;
use crate::model::Registry;
use crate::model::{Id, Stack};
use crate::resolve::alternatives::Change;
use crate::resolve::lock::LockFile;
use crate::resolve::whatif::{self, WhatIf, WhatIfOutcome};
use crate::resolve::{Options, Resolution, Resolver};

/// What the changes are counted against.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Baseline {
    /// The lock file next to the stack.
    Lock,
    /// The stack's `[current]` table (there is no lock).
    Current,
    /// The plan `resolve` gives (the stack has neither).
    Plan,
}

impl Baseline {
    pub fn describe(self) -> &'static str {
        match self {
            Baseline::Lock => "the lock file",
            Baseline::Current => "[current]",
            Baseline::Plan => "the plan as it resolves now",
        }
    }
}

/// The answer to a what-if.
#[derive(Debug, Clone)]
pub struct WhatIfAnswer {
    pub outcome: WhatIfOutcome,
    pub baseline: Baseline,
    /// The versions changes are counted against.
    pub before: BTreeMap<Id, Version>,
    /// Against `before`; empty when there is no plan.
    pub changes: Vec<Change>,
}

/// Checks `request` against the registry and the plan as it stands, then resolves it.
/// `options.locked` holds the lock file's versions.
pub fn what_if(
    registry: &Registry,
    stack: &Stack,
    lock: Option<&LockFile>,
    options: &Options,
    request: &WhatIf,
) -> Result<WhatIfAnswer, Error> {
    let resolver = Resolver::new(registry, stack);
    let now = resolver.resolve(options)?;
    let mut allowed = stack.current.clone();
    allowed.extend(options.locked.clone());
    let baseline_plan = match &now {
        Resolution::Resolved(plan) => plan.versions(),
        Resolution::Unsatisfiable(_) => allowed.clone(),
    };
    for (id, _) in &request.upgrade {
        if !baseline_plan.contains_key(id) {
            return Err(Error::Usage(format!(
                "{id} is not in the plan for {}; `--with {id}` adds it",
                stack.name
            )));
        }
    }
    for id in &request.without {
        let named = stack
            .needs
            .iter()
            .find(|(_, n)| matches!(n, crate::model::Need::Component { id: c, .. } if c == id));
        if let Some((need, _)) = named {
            return Err(Error::Usage(format!(
                "need `{need}` of {} names {id}; edit the stack to drop the need instead",
                stack.name
            )));
        }
    }
    for (i, (id, _)) in request.upgrade.iter().enumerate() {
        let twice = request.upgrade[..i].iter().any(|(o, _)| o == id)
            || request.with.iter().any(|(o, _)| o == id)
            || request.without.contains(id);
        if twice {
            return Err(Error::Usage(format!(
                "{id} is named more than once in --upgrade, --with and --without"
            )));
        }
    }
    for (id, _) in &request.with {
        if request.without.contains(id) {
            return Err(Error::Usage(format!(
                "{id} is named in both --with and --without"
            )));
        }
    }
    allowed.extend(baseline_plan.clone());
    let outcome = whatif::what_if(registry, stack, options, &baseline_plan, &allowed, request)?;
    let (baseline, before) = match lock {
        Some(lock) => (Baseline::Lock, lock.versions()),
        None if !stack.current.is_empty() => (Baseline::Current, stack.current.clone()),
        None => (Baseline::Plan, baseline_plan),
    };
    let changes = match &outcome {
        WhatIfOutcome::Resolved { plan, .. } => super::changes(&before, &plan.versions()),
        WhatIfOutcome::Unsatisfiable(_) => Vec::new(),
    };
    Ok(WhatIfAnswer {
        outcome,
        baseline,
        before,
        changes,
    })
}
