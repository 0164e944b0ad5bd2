//! `stackreg alternatives STACK ID` and `stackreg alternatives STACK --all`

use super::args::AlternativesArgs;
use super::{Ctx, Outcome, stack};
use crate::error::Error;
use crate::model::Id;
use crate::report::alternatives::{AlternativesReport, LockInReport};
use crate::resolve::Resolver;
use crate::resolve::alternatives::{Spent, alternatives_spent, lock_in};

pub fn run(ctx: &Ctx, args: AlternativesArgs) -> Result<Outcome, Error> {
    let format = ctx.format("alternatives", super::formats::ALTERNATIVES)?;
    let ws = stack::open(ctx, &args.stack)?;
    let options = ws.options(ctx.global.max_steps)?;
    let resolver = Resolver::new(&ws.loaded.registry, &ws.input.stack);
    let Some(plan) = ws.plan(ctx, &resolver, &options)? else {
        return Ok(Outcome::Negative);
    };
    let name = &ws.input.stack.name;
    if args.all {
        let found = lock_in(&resolver, &plan, &options, args.ignore_policy);
        spent(ctx, &found.spent);
        ctx.emit(format, &LockInReport::new(name, found))?;
        return Ok(Outcome::Success);
    }
    let Some(id) = args.id else {
        return Err(Error::Usage(
            "name a component of the plan, or pass --all for the lock-in report".into(),
        ));
    };
    let found = match Id::parse(&id) {
        Ok(id) => alternatives_spent(&resolver, &plan, &options, &id, args.ignore_policy),
        Err(_) => None,
    };
    let Some((found, used)) = found else {
        ctx.fail(&ws.not_in_plan(&id));
        return Ok(Outcome::Negative);
    };
    spent(ctx, &used);
    ctx.emit(
        format,
        &AlternativesReport {
            stack: name.clone(),
            alternatives: found,
        },
    )?;
    Ok(Outcome::Success)
}

/// With `--verbose`, what the report spent of its budget; a warning when a bound left
/// candidates undecided.
fn spent(ctx: &Ctx, spent: &Spent) {
    let a = &spent.answered;
    ctx.status(&format!(
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
        ctx.warn(&format!(
            "{} candidate{} left undecided by the bounds on the work; --max-steps raises them",
            spent.undecided,
            if spent.undecided == 1 { "" } else { "s" }
        ));
    }
}
