//! `stackreg renewals STACK [--within MONTHS]`

use super::args::RenewalsArgs;
use super::{Ctx, Outcome};
use crate::error::Error;
use crate::model::Date;
use crate::ops::stack;
use crate::report::renewals::RenewalsReport;
use crate::resolve::Resolver;

pub fn run(ctx: &Ctx, args: RenewalsArgs) -> Result<Outcome, Error> {
    let format = ctx.format("renewals", super::formats::PLANNING)?;
    let ws = stack::open(ctx, &args.stack)?;
    let options = ws.options(ctx.global.max_steps)?;
    let resolver = Resolver::new(&ws.loaded.registry, &ws.input.stack);
    let Some(plan) = ws.plan(ctx, &resolver, &options)? else {
        return Ok(Outcome::Negative);
    };
    let today = Date::today();
    let renewals =
        crate::planning::renewals::renewals(&resolver, &plan, &options, today, args.within)?;
    ctx.emit(
        format,
        &RenewalsReport {
            renewals,
            stack: ws.input.stack.name.clone(),
            today,
            within: args.within,
        },
    )?;
    Ok(Outcome::Success)
}
