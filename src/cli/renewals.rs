//! `stackreg renewals STACK [--within MONTHS]`

use super::args::RenewalsArgs;
use super::{Ctx, Outcome, answer};
use crate::error::Error;

pub fn run(ctx: &Ctx, args: RenewalsArgs) -> Result<Outcome, Error> {
    let format = ctx.format("renewals", super::formats::PLANNING)?;
    let found = crate::ops::planning::renewals(&ctx.session()?, &args.stack, args.within)?;
    answer::emit(ctx, format, found)
}
