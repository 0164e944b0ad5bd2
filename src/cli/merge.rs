//! `stackreg merge STACK STACK [--name NAME] [--out FILE]`

use super::args::MergeArgs;
use super::{Ctx, Outcome};
use crate::error::Error;
use crate::ops::planning::MergeRequest;

pub fn run(ctx: &Ctx, args: MergeArgs) -> Result<Outcome, Error> {
    let format = ctx.format("merge", super::formats::PLANNING)?;
    let [a, b] = args.stacks.as_slice() else {
        return Err(Error::Usage("merge takes exactly two stack files".into()));
    };
    let request = MergeRequest {
        a,
        b,
        name: args.name,
        out: args.out.as_deref(),
    };
    let report = crate::ops::planning::merge_stacks(&ctx.session()?, &request)?;
    ctx.emit(format, &report)?;
    Ok(if report.is_resolved() {
        Outcome::Success
    } else {
        Outcome::Negative
    })
}
