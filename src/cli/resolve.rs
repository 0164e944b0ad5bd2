//! `stackreg resolve STACK [--lock | --locked]`

use super::args::{Format, ResolveArgs};
use super::{Ctx, Outcome, stack};
use crate::error::Error;
use crate::interop::cyclonedx;
use crate::model::Date;
use crate::report::resolve::ResolveReport;
use crate::resolve::lock::{self, LockFile};
use crate::resolve::{Resolution, Resolver};

pub fn run(ctx: &Ctx, args: ResolveArgs) -> Result<Outcome, Error> {
    let format = ctx.format("resolve", super::formats::RESOLVE)?;
    if args.serial_number && format != Format::Cyclonedx {
        return Err(Error::Usage(
            "--serial-number is for --format cyclonedx".into(),
        ));
    }
    let ws = stack::open(ctx, &args.stack)?;
    let registry = &ws.loaded.registry;
    let existing = ws.lock()?;
    let options = ws.options(ctx.global.max_steps)?;
    let resolution = Resolver::new(registry, &ws.input.stack).resolve(&options)?;
    let plan = match &resolution {
        Resolution::Resolved(plan) => plan,
        Resolution::Unsatisfiable(why) => {
            let report = ResolveReport::unsatisfiable(registry, &ws.input.stack, why);
            // A BOM or a spreadsheet has no room for the explanation: it goes to stderr,
            // and there is no BOM at all.
            if matches!(format, Format::Csv | Format::Cyclonedx) {
                ctx.fail(&why.text());
            }
            if format != Format::Cyclonedx {
                ctx.emit(format, &report)?;
            }
            return Ok(Outcome::Negative);
        }
    };
    if format == Format::Cyclonedx {
        let serial = match args.serial_number {
            true => Some(cyclonedx::random_serial_number().map_err(Error::Output)?),
            false => None,
        };
        let bom = cyclonedx::bom(registry, &ws.input.stack, plan, serial);
        ctx.print(&crate::report::json(&bom))?;
    } else {
        let report = ResolveReport::resolved(registry, &ws.input.stack, plan, Date::today());
        ctx.emit(format, &report)?;
    }
    if !args.locked && !args.lock {
        // No lock to check or write: skip hashing the stack for one.
        super::context::leave(ws);
        return Ok(Outcome::Success);
    }

    let fresh = LockFile::new(
        &ws.input.stack.name,
        &ws.input.bytes,
        &registry.source,
        plan,
    );
    let lock_path = lock::path_for(&ws.input.path);
    if args.locked {
        let Some(old) = existing else {
            ctx.fail(&format!(
                "no lock file at {}; run `stackreg resolve --lock {}` and commit it",
                lock_path.display(),
                ws.input.path.display()
            ));
            return Ok(Outcome::Negative);
        };
        let differences = old.differences(&fresh);
        if !differences.is_empty() {
            let mut message = format!("{} is stale:", lock_path.display());
            for d in &differences {
                message.push_str(&format!("\n  {d}"));
            }
            message.push_str(&format!(
                "\n  hint: run `stackreg resolve --lock {}` and commit the result",
                ws.input.path.display()
            ));
            ctx.fail(&message);
            return Ok(Outcome::Negative);
        }
    }
    if args.lock {
        crate::atomic::write(&lock_path, fresh.to_toml().as_bytes()).map_err(|source| {
            Error::Write {
                path: lock_path.clone(),
                source,
            }
        })?;
        ctx.note(&format!("wrote {}", lock_path.display()));
    }
    super::context::leave(ws);
    Ok(Outcome::Success)
}
