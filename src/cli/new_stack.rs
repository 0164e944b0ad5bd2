//! `stackreg stack new FILE --name NAME [--current ID@VERSION…]`

use super::args::StackNewArgs;
use super::{Ctx, Outcome};
use crate::error::Error;

pub fn run(ctx: &Ctx, args: StackNewArgs) -> Result<Outcome, Error> {
    let format = ctx.format("stack new", super::formats::PLANNING)?;
    let report =
        crate::ops::planning::new_stack(&ctx.session()?, &args.file, &args.name, &args.current)?;
    ctx.emit(format, &report)?;
    Ok(if report.status == "resolved" {
        Outcome::Success
    } else {
        Outcome::Negative
    })
}
