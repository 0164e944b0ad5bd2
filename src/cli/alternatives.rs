//! `stackreg alternatives STACK ID` and `stackreg alternatives STACK --all`

use super::args::AlternativesArgs;
use super::{Ctx, Outcome, answer};
use crate::error::Error;
use crate::ops::plan;

pub fn run(ctx: &Ctx, args: AlternativesArgs) -> Result<Outcome, Error> {
    let format = ctx.format("alternatives", super::formats::ALTERNATIVES)?;
    let session = ctx.session()?;
    if args.all {
        let found = plan::lock_in_report(&session, &args.stack, args.ignore_policy)?;
        return answer::emit(ctx, format, found);
    }
    let Some(id) = args.id else {
        return Err(Error::Usage(
            "name a component of the plan, or pass --all for the lock-in report".into(),
        ));
    };
    let found = plan::alternatives(&session, &args.stack, &id, args.ignore_policy)?;
    answer::emit(ctx, format, found)
}
