//! `stackreg why STACK ID`

use super::args::WhyArgs;
use super::{Ctx, Outcome};
use crate::error::Error;
use crate::ops::stack;
use crate::report::why::WhyReport;
use crate::resolve::Resolver;

/// Chains beyond this many are summarised.
const MAX_CHAINS: usize = 50;

pub fn run(ctx: &Ctx, args: WhyArgs) -> Result<Outcome, Error> {
    let format = ctx.format("why", super::formats::WHY)?;
    let ws = stack::open(ctx, &args.stack)?;
    let options = ws.options(ctx.global.max_steps)?;
    let resolver = Resolver::new(&ws.loaded.registry, &ws.input.stack);
    let Some(plan) = ws.plan(ctx, &resolver, &options)? else {
        return Ok(Outcome::Negative);
    };
    let Some(planned) = plan.get(&args.id) else {
        ctx.fail(&ws.not_in_plan(&args.id));
        return Ok(Outcome::Negative);
    };
    let (chains, truncated) = plan.chains_to(&args.id, MAX_CHAINS);
    let report = WhyReport {
        component: planned.component.to_string(),
        version: planned.version.to_string(),
        chains,
        truncated,
    };
    ctx.emit(format, &report)?;
    Ok(Outcome::Success)
}
