//! `stackreg export publiccode ID` and `stackreg export backstage [STACK]`

use super::args::{ExportArgs, ExportFormat};
use super::{Ctx, Outcome};
use crate::error::Error;
use crate::ops::export;
use crate::ops::stack;
use crate::resolve::Resolver;

pub fn run(ctx: &Ctx, args: ExportArgs) -> Result<Outcome, Error> {
    match args.format {
        ExportFormat::Publiccode(args) => {
            ctx.no_format("export publiccode", "YAML")?;
            let loaded = ctx.load(None, false)?;
            let (text, notes) = export::publiccode(&loaded.registry, &args.id, &args.contact)?;
            ctx.print(&text)?;
            for n in notes {
                ctx.note(&format!("note: {n}"));
            }
            Ok(Outcome::Success)
        }
        ExportFormat::Backstage(args) => {
            ctx.no_format("export backstage", "YAML")?;
            let Some(path) = args.stack else {
                let loaded = ctx.load(None, false)?;
                ctx.print(&export::backstage(&loaded.registry, None)?)?;
                return Ok(Outcome::Success);
            };
            let ws = stack::open(ctx, &path)?;
            let options = ws.options(ctx.global.max_steps)?;
            let resolver = Resolver::new(&ws.loaded.registry, &ws.input.stack);
            let Some(plan) = ws.plan(ctx, &resolver, &options)? else {
                return Ok(Outcome::Negative);
            };
            let text = export::backstage(&ws.loaded.registry, Some((&ws.input.stack, &plan)))?;
            ctx.print(&text)?;
            Ok(Outcome::Success)
        }
    }
}
