//! `stackreg why STACK ID`

use super::args::{Format, WhyArgs};
use super::{Ctx, Outcome, stack};
use crate::error::Error;
use crate::report::why::WhyReport;
use crate::resolve::{Resolution, Resolver};

/// Chains beyond this many are summarised.
const MAX_CHAINS: usize = 50;

pub fn run(ctx: &Ctx, args: WhyArgs) -> Result<Outcome, Error> {
    let format = ctx.format("why", &[Format::Table, Format::Json, Format::Markdown])?;
    let ws = stack::open(ctx, &args.stack)?;
    let options = ws.options(ctx.global.max_steps)?;
    let resolution = Resolver::new(&ws.loaded.registry, &ws.input.stack).resolve(&options)?;
    let Resolution::Resolved(plan) = resolution else {
        ctx.fail(&format!(
            "{} has no plan; run `stackreg resolve {}` to see why",
            ws.input.path.display(),
            ws.input.path.display()
        ));
        return Ok(Outcome::Negative);
    };
    let Some(planned) = plan.get(&args.id) else {
        let known = ws.loaded.registry.components.contains_key(args.id.as_str());
        ctx.fail(&if known {
            format!("{} is not in the plan for {}", args.id, ws.input.stack.name)
        } else {
            format!("there is no component `{}` in the registry", args.id)
        });
        return Ok(Outcome::Negative);
    };
    let (chains, truncated) = plan.chains_to(&args.id, MAX_CHAINS);
    let report = WhyReport {
        component: planned.component.to_string(),
        version: planned.version.to_string(),
        chains,
        truncated,
    };
    ctx.print(&match format {
        Format::Json => crate::report::json(&report),
        Format::Markdown => report.markdown(),
        _ => report.to_string(),
    })?;
    Ok(Outcome::Success)
}
