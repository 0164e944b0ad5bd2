//! `stackreg interfaces`

use super::{Ctx, Outcome};
use crate::error::Error;

pub fn run(ctx: &Ctx) -> Result<Outcome, Error> {
    let format = ctx.format("interfaces", super::formats::INTERFACES)?;
    let list = crate::ops::catalogue::interfaces(&ctx.session()?)?;
    ctx.emit(format, &list)?;
    Ok(Outcome::Success)
}
