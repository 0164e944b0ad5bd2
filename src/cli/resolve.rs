//! `stackreg resolve STACK [--lock | --locked]`, and the what-if form
//! `stackreg resolve STACK --upgrade/--with/--without [--dry-run] [--lock]`

use super::args::{Format, ResolveArgs};
use super::{Ctx, Outcome};
use crate::error::Error;
use crate::ops::resolve::{self, Negative, Printed, Request, WhatIfRequest};

pub fn run(ctx: &Ctx, args: ResolveArgs) -> Result<Outcome, Error> {
    if !args.upgrade.is_empty() || !args.with.is_empty() || !args.without.is_empty() {
        return what_if(ctx, args);
    }
    let format = ctx.format("resolve", super::formats::RESOLVE)?;
    if args.serial_number && format != Format::Cyclonedx {
        return Err(Error::Usage(
            "--serial-number is for --format cyclonedx".into(),
        ));
    }
    let request = Request {
        lock: args.lock,
        locked: args.locked,
        dry_run: args.dry_run,
        bom: (format == Format::Cyclonedx).then_some(args.serial_number),
    };
    let answer = resolve::resolve(&ctx.session()?, &args.stack, &request)?;
    // A BOM or a spreadsheet has no room for the explanation: it goes to stderr.
    if let Some(Negative::NoPlan { explanation }) = &answer.negative
        && matches!(format, Format::Csv | Format::Cyclonedx)
    {
        ctx.fail(explanation);
    }
    match &answer.print {
        Some(Printed::Report(report)) => ctx.emit(format, report.as_ref())?,
        Some(Printed::Bom(bom)) => ctx.print(&super::context::json(bom.as_ref())?)?,
        None => {}
    }
    match answer.negative {
        None => Ok(Outcome::Success),
        Some(Negative::NoPlan { .. }) => Ok(Outcome::Negative),
        Some(Negative::Lock(why)) => {
            ctx.fail(&why);
            Ok(Outcome::Negative)
        }
    }
}

/// `--upgrade`, `--with`, `--without`: the plan with those changes, against the lock.
fn what_if(ctx: &Ctx, args: ResolveArgs) -> Result<Outcome, Error> {
    let format = ctx.format("resolve", super::formats::PLANNING)?;
    let request = WhatIfRequest {
        upgrade: args.upgrade,
        with: args.with,
        without: args.without,
        lock: args.lock,
        dry_run: args.dry_run,
    };
    let (report, resolved) = resolve::what_if(&ctx.session()?, &args.stack, &request)?;
    ctx.emit(format, &report)?;
    Ok(if resolved {
        Outcome::Success
    } else {
        Outcome::Negative
    })
}
