//! `stackreg export publiccode ID` and `stackreg export backstage [STACK]`

use super::args::{ExportArgs, ExportFormat};
use super::{Ctx, Outcome, answer};
use crate::error::Error;
use crate::ops::export;

pub fn run(ctx: &Ctx, args: ExportArgs) -> Result<Outcome, Error> {
    match args.format {
        ExportFormat::Publiccode(args) => {
            ctx.no_format("export publiccode", "YAML")?;
            let (text, notes) = export::publiccode_of(&ctx.session()?, &args.id, &args.contact)?;
            ctx.print(&text)?;
            for n in notes {
                ctx.note(&format!("note: {n}"));
            }
            Ok(Outcome::Success)
        }
        ExportFormat::Backstage(args) => {
            ctx.no_format("export backstage", "YAML")?;
            let session = ctx.session()?;
            let found = match &args.stack {
                None => crate::ops::Answer::Yes(export::backstage_of(&session)?),
                Some(path) => crate::ops::plan::backstage(&session, path)?,
            };
            answer::print(ctx, found, |text| ctx.print(text))
        }
    }
}
