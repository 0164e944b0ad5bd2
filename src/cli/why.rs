//! `stackreg why STACK ID`

use super::args::WhyArgs;
use super::{Ctx, Outcome, answer};
use crate::error::Error;

pub fn run(ctx: &Ctx, args: WhyArgs) -> Result<Outcome, Error> {
    let format = ctx.format("why", super::formats::WHY)?;
    let found = crate::ops::plan::why(&ctx.session()?, &args.stack, &args.id)?;
    answer::emit(ctx, format, found)
}
