//! `stackreg outdated STACK`

use super::args::{Format, OutdatedArgs};
use super::{Ctx, Outcome, stack};
use crate::error::Error;
use crate::model::Date;
use crate::report::outdated::OutdatedReport;
use crate::resolve::outdated::outdated;
use crate::resolve::{Resolution, Resolver};

pub fn run(ctx: &Ctx, args: OutdatedArgs) -> Result<Outcome, Error> {
    let format = ctx.format("outdated", &[Format::Table, Format::Json, Format::Markdown])?;
    let ws = stack::open(ctx, &args.stack)?;
    let options = ws.options(ctx.global.max_steps)?;
    let resolver = Resolver::new(&ws.loaded.registry, &ws.input.stack);
    let Resolution::Resolved(plan) = resolver.resolve(&options)? else {
        ctx.fail(&format!(
            "{} has no plan; run `stackreg resolve {}` to see why",
            ws.input.path.display(),
            ws.input.path.display()
        ));
        return Ok(Outcome::Negative);
    };
    let report = OutdatedReport {
        stack: ws.input.stack.name.clone(),
        components: outdated(&resolver, &plan, &options, Date::today())?,
    };
    ctx.print(&match format {
        Format::Json => crate::report::json(&report),
        Format::Markdown => report.markdown(),
        _ => report.to_string(),
    })?;
    Ok(Outcome::Success)
}
