//! `stackreg interfaces`

use super::{Ctx, Outcome};
use crate::error::Error;
use crate::report::interfaces::InterfaceList;

pub fn run(ctx: &Ctx) -> Result<Outcome, Error> {
    let format = ctx.format("interfaces", super::formats::INTERFACES)?;
    let loaded = ctx.load(None, false)?;
    let list = InterfaceList::new(&loaded.registry);
    ctx.emit(format, &list)?;
    super::context::leave(loaded);
    Ok(Outcome::Success)
}
