//! `stackreg schema KIND`

use super::args::{SchemaArg, SchemaArgs};
use super::{Ctx, Outcome};
use crate::error::Error;
use crate::model::schema::SchemaKind;

pub fn run(ctx: &Ctx, args: SchemaArgs) -> Result<Outcome, Error> {
    ctx.format("schema", super::formats::SCHEMA)?;
    let kind = match args.kind {
        SchemaArg::Registry => SchemaKind::Registry,
        SchemaArg::Interface => SchemaKind::Interface,
        SchemaArg::Component => SchemaKind::Component,
        SchemaArg::Stack => SchemaKind::Stack,
    };
    ctx.print(&kind.render())?;
    Ok(Outcome::Success)
}
