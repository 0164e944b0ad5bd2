//! `stackreg list [QUERY]`

use super::args::ListArgs;
use super::{Ctx, Outcome};
use crate::error::Error;
use crate::report::list::{ComponentList, Filter};

pub fn run(ctx: &Ctx, args: ListArgs) -> Result<Outcome, Error> {
    let format = ctx.format("list", super::formats::LIST)?;
    // What a release provides matters to a listing only when filtering on it.
    let scope = crate::catalog::cache::Scope::Listing {
        provides: !args.interface.is_empty(),
    };
    let loaded = ctx.load_scoped(None, false, scope)?;
    let filter = Filter {
        query: args.query,
        capabilities: args.capability,
        interfaces: args.interface,
        suppliers: args.supplier,
        lifecycles: args.lifecycle,
        kinds: args.kind,
        open_source: args.open_source,
    };
    let list = ComponentList::new(&loaded.registry, &filter);
    ctx.emit(format, &list)?;
    super::context::leave(loaded);
    Ok(Outcome::Success)
}
