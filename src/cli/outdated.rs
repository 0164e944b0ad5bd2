//! `stackreg outdated STACK`

use super::args::OutdatedArgs;
use super::{Ctx, Outcome};
use crate::error::Error;
use crate::model::Date;
use crate::ops::stack;
use crate::report::outdated::OutdatedReport;
use crate::resolve::Resolver;
use crate::resolve::outdated::outdated;

pub fn run(ctx: &Ctx, args: OutdatedArgs) -> Result<Outcome, Error> {
    let format = ctx.format("outdated", super::formats::OUTDATED)?;
    let ws = stack::open(ctx, &args.stack)?;
    let options = ws.options(ctx.global.max_steps)?;
    let resolver = Resolver::new(&ws.loaded.registry, &ws.input.stack);
    let Some(plan) = ws.plan(ctx, &resolver, &options)? else {
        return Ok(Outcome::Negative);
    };
    let report = OutdatedReport {
        stack: ws.input.stack.name.clone(),
        components: outdated(&resolver, &plan, &options, Date::today())?,
    };
    ctx.emit(format, &report)?;
    Ok(Outcome::Success)
}
