//! Questions about a stack's plan: `why`, `graph`, `outdated` and `alternatives`. Each
//! opens the stack with its registry and its lock, resolves it, and answers from the plan;
//! a stack with no plan is a negative answer.

use std::path::Path;

use super::{Answer, OpenStack, Session};
use crate::error::Error;
use crate::model::{Date, Id};
use crate::report::alternatives::{AlternativesReport, LockInReport};
use crate::report::graph::GraphReport;
use crate::report::outdated::OutdatedReport;
use crate::report::why::WhyReport;
use crate::resolve::alternatives::{Spent, alternatives_spent, lock_in_with_progress};
use crate::resolve::{Options, Plan, Resolver};

/// Chains beyond this many are summarised.
const MAX_CHAINS: usize = 50;

/// The stack at `path` opened and resolved with its lock: `body` answers from the plan.
fn with_plan<T>(
    session: &Session<'_>,
    path: &Path,
    body: impl FnOnce(&OpenStack, &Resolver<'_>, &Options, Plan) -> Result<Answer<T>, Error>,
) -> Result<Answer<T>, Error> {
    let open = session.open_stack(path)?;
    let options = open.options(session.settings.max_steps())?;
    let resolver = open.resolver();
    match open.plan(&resolver, &options)? {
        Answer::Yes(plan) => body(&open, &resolver, &options, plan),
        Answer::No(why) => Ok(Answer::No(why)),
    }
}

/// `why STACK ID`: every chain of needs and dependencies that puts `id` in the plan.
pub fn why(session: &Session<'_>, path: &Path, id: &str) -> Result<Answer<WhyReport>, Error> {
    with_plan(session, path, |open, _, _, plan| {
        let Some(planned) = plan.get(id) else {
            return Ok(Answer::No(open.not_in_plan(id)?));
        };
        let (chains, truncated) = plan.chains_to(id, MAX_CHAINS);
        Ok(Answer::Yes(WhyReport {
            component: planned.component.to_string(),
            version: planned.version.to_string(),
            chains,
            truncated,
        }))
    })
}

/// `graph STACK`: the plan's dependency graph.
pub fn graph(session: &Session<'_>, path: &Path) -> Result<Answer<GraphReport>, Error> {
    with_plan(session, path, |open, _, _, plan| {
        Ok(Answer::Yes(GraphReport::new(&open.stack().name, &plan)))
    })
}

/// `outdated STACK`: newer releases and support end dates for the plan.
pub fn outdated(session: &Session<'_>, path: &Path) -> Result<Answer<OutdatedReport>, Error> {
    with_plan(session, path, |open, resolver, options, plan| {
        let today = Date::today()?;
        Ok(Answer::Yes(OutdatedReport {
            stack: open.stack().name.clone(),
            components: crate::resolve::outdated::outdated(resolver, &plan, options, today)?,
        }))
    })
}

/// `alternatives STACK --all`: the lock-in report over the whole plan.
pub fn lock_in_report(
    session: &Session<'_>,
    path: &Path,
    ignore_policy: bool,
) -> Result<Answer<LockInReport>, Error> {
    with_plan(session, path, |open, resolver, options, plan| {
        let mut last = None;
        let found = lock_in_with_progress(resolver, &plan, options, ignore_policy, &mut |at| {
            last = Some(at);
            session.advance("alternatives", at.done, at.total);
        });
        if let Some(at) = last {
            // Whatever the report left, its bar ends here.
            session.advance("alternatives", at.total, at.total);
        }
        spent(session, &found.spent);
        Ok(Answer::Yes(LockInReport::new(&open.stack().name, found)))
    })
}

/// `alternatives STACK ID`: what could swap in for one component of the plan.
pub fn alternatives(
    session: &Session<'_>,
    path: &Path,
    id: &str,
    ignore_policy: bool,
) -> Result<Answer<AlternativesReport>, Error> {
    with_plan(session, path, |open, resolver, options, plan| {
        let found = match Id::parse(id) {
            Ok(id) => alternatives_spent(resolver, &plan, options, &id, ignore_policy),
            Err(_) => None,
        };
        let Some((found, used)) = found else {
            return Ok(Answer::No(open.not_in_plan(id)?));
        };
        spent(session, &used);
        Ok(Answer::Yes(AlternativesReport {
            stack: open.stack().name.clone(),
            alternatives: found,
        }))
    })
}

/// With `--verbose`, what the report spent of its budget; a warning when a bound left
/// candidates undecided.
fn spent(session: &Session<'_>, spent: &Spent) {
    let a = &spent.answered;
    session.status(&format!(
        "alternatives: {} candidates examined, {} solver steps of a budget of {} \
         (answered: {} by the drop-in check, {} by mending the plan, {} by a narrow solve, \
         {} by a solve of the whole registry, {} by no plan without the component)",
        spent.examined,
        spent.steps,
        spent.budget,
        a.drop_in,
        a.mended,
        a.narrow,
        a.whole,
        a.no_plan_without
    ));
    if spent.undecided > 0 {
        session.warn(&format!(
            "{} candidate{} left undecided by the bounds on the work; --max-steps raises them",
            spent.undecided,
            if spent.undecided == 1 { "" } else { "s" }
        ));
    }
}

/// `export backstage STACK`: the catalogue entities of the stack's plan.
pub fn backstage(session: &Session<'_>, path: &Path) -> Result<Answer<String>, Error> {
    with_plan(session, path, |open, _, _, plan| {
        let text = super::export::backstage(open.registry(), Some((open.stack(), &plan)))?;
        Ok(Answer::Yes(text))
    })
}
