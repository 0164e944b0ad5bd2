//! `stackreg used-by ID[@RANGE] [STACK…]`

use super::args::UsedByArgs;
use super::{Ctx, Outcome};
use crate::error::Error;

pub fn run(ctx: &Ctx, args: UsedByArgs) -> Result<Outcome, Error> {
    let format = ctx.format("used-by", super::formats::PLANNING)?;
    let (report, used) =
        crate::ops::planning::used_by_report(&ctx.session()?, &args.component, &args.stacks)?;
    ctx.emit(format, &report)?;
    Ok(if used {
        Outcome::Success
    } else {
        Outcome::Negative
    })
}
