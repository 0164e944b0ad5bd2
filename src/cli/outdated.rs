//! `stackreg outdated STACK`

use super::args::OutdatedArgs;
use super::{Ctx, Outcome, answer};
use crate::error::Error;

pub fn run(ctx: &Ctx, args: OutdatedArgs) -> Result<Outcome, Error> {
    let format = ctx.format("outdated", super::formats::OUTDATED)?;
    let found = crate::ops::plan::outdated(&ctx.session()?, &args.stack)?;
    answer::emit(ctx, format, found)
}
