//! `stackreg import publiccode FILE|URL… [--out DIR]`

use super::args::{ImportArgs, ImportFormat};
use super::{Ctx, Outcome};
use crate::error::Error;
use crate::ops::import::{self, Request};
use crate::report::import::ImportReport;

pub fn run(ctx: &Ctx, args: ImportArgs) -> Result<Outcome, Error> {
    let ImportFormat::Publiccode(args) = args.format;
    ctx.no_format("import publiccode", "TOML component manifests")?;
    let request = Request {
        inputs: args.inputs,
        id: args.id,
        capabilities: args.capability,
        offline: ctx.global.offline,
    };
    let (imported, written) = import::import(&ctx.session()?, &request, args.out.as_deref())?;
    let report = ImportReport::new(imported, written);
    if args.out.is_none() {
        ctx.print(&report.manifests())?;
    }
    for line in report.findings().lines() {
        ctx.note(line);
    }
    Ok(Outcome::Success)
}
