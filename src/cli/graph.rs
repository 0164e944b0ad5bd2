//! `stackreg graph STACK`

use super::args::{Format, GraphArgs};
use super::{Ctx, Outcome};
use crate::error::Error;
use crate::ops::stack;
use crate::report::graph::GraphReport;
use crate::resolve::Resolver;

pub fn run(ctx: &Ctx, args: GraphArgs) -> Result<Outcome, Error> {
    let format = ctx.format("graph", super::formats::GRAPH)?;
    let ws = stack::open(ctx, &args.stack)?;
    let options = ws.options(ctx.global.max_steps)?;
    let resolver = Resolver::new(&ws.loaded.registry, &ws.input.stack);
    let Some(plan) = ws.plan(ctx, &resolver, &options)? else {
        return Ok(Outcome::Negative);
    };
    let report = GraphReport::new(&ws.input.stack.name, &plan);
    ctx.print(&match format {
        Format::Json => crate::report::json(&report),
        Format::Dot => report.dot(),
        Format::Mermaid => report.mermaid(),
        _ => report.to_string(),
    })?;
    Ok(Outcome::Success)
}
