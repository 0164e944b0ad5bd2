//! `stackreg list [QUERY]`

use super::args::ListArgs;
use super::{Ctx, Outcome};
use crate::error::Error;
use crate::report::list::Filter;

pub fn run(ctx: &Ctx, args: ListArgs) -> Result<Outcome, Error> {
    let format = ctx.format("list", super::formats::LIST)?;
    let filter = Filter {
        query: args.query,
        capabilities: args.capability,
        interfaces: args.interface,
        suppliers: args.supplier,
        lifecycles: args.lifecycle,
        kinds: args.kind,
        open_source: args.open_source,
    };
    let list = crate::ops::catalogue::list(&ctx.session()?, &filter)?;
    ctx.emit(format, &list)?;
    Ok(Outcome::Success)
}
