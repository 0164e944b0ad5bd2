//! `stackreg compare ID ID [ID…]`

use super::args::CompareArgs;
use super::{Ctx, Outcome};
use crate::error::Error;
use crate::report::compare::CompareReport;

pub fn run(ctx: &Ctx, args: CompareArgs) -> Result<Outcome, Error> {
    let format = ctx.format("compare", super::formats::PLANNING)?;
    let loaded = ctx.load(None, false)?;
    let registry = &loaded.registry;
    let mut components = Vec::new();
    for id in &args.ids {
        let c = crate::planning::component(registry, id)?;
        if components
            .iter()
            .any(|x: &&crate::model::Component| x.id == c.id)
        {
            return Err(Error::Usage(format!("{} is named twice", c.id)));
        }
        components.push(c);
    }
    let report = CompareReport(crate::planning::compare::compare(&components));
    ctx.emit(format, &report)?;
    super::context::leave(loaded);
    Ok(Outcome::Success)
}
