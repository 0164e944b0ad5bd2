//! `stackreg site --out DIR [--stack FILE…]`

use super::args::SiteArgs;
use super::{Ctx, Outcome};
use crate::error::Error;

pub fn run(ctx: &Ctx, args: SiteArgs) -> Result<Outcome, Error> {
    ctx.format("site", super::formats::SITE)?;
    let written = crate::ops::site::site(&ctx.session()?, &args.out, &args.stack, args.force)?;
    ctx.note(&format!(
        "Wrote {} pages to {}; open {}",
        written.pages,
        args.out.display(),
        args.out.join("index.html").display()
    ));
    Ok(Outcome::Success)
}
