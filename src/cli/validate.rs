//! `stackreg validate [FILE…] [--base REV]`

use super::args::{Format, ValidateArgs};
use super::{Ctx, Outcome};
use crate::error::Error;

pub fn run(ctx: &Ctx, args: ValidateArgs) -> Result<Outcome, Error> {
    let format = ctx.format("validate", super::formats::VALIDATE)?;
    let report =
        crate::ops::validate::validate(&ctx.session()?, &args.files, args.base.as_deref())?;
    ctx.print(&match format {
        Format::Json => super::context::json(&report)?,
        Format::Github => report.github(),
        Format::Markdown => report.markdown(),
        Format::Csv => report.csv(),
        _ => report.human(ctx.color_stdout()),
    })?;
    Ok(if report.valid {
        Outcome::Success
    } else {
        Outcome::Negative
    })
}
