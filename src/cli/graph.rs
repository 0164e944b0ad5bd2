//! `stackreg graph STACK`

use super::args::{Format, GraphArgs};
use super::{Ctx, Outcome, answer};
use crate::error::Error;

pub fn run(ctx: &Ctx, args: GraphArgs) -> Result<Outcome, Error> {
    let format = ctx.format("graph", super::formats::GRAPH)?;
    let found = crate::ops::plan::graph(&ctx.session()?, &args.stack)?;
    answer::print(ctx, found, |report| {
        ctx.print(&match format {
            Format::Json => super::context::json(report)?,
            Format::Dot => report.dot(),
            Format::Mermaid => report.mermaid(),
            _ => report.to_string(),
        })
    })
}
