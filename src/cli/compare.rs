//! `stackreg compare ID ID [ID…]`

use super::args::CompareArgs;
use super::{Ctx, Outcome};
use crate::error::Error;

pub fn run(ctx: &Ctx, args: CompareArgs) -> Result<Outcome, Error> {
    let format = ctx.format("compare", super::formats::PLANNING)?;
    let report = crate::ops::planning::compare(&ctx.session()?, &args.ids)?;
    ctx.emit(format, &report)?;
    Ok(Outcome::Success)
}
