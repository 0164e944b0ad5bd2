//! `stackreg alternatives STACK ID` and `stackreg alternatives STACK --all`

use super::args::{AlternativesArgs, Format};
use super::{Ctx, Outcome, stack};
use crate::error::Error;
use crate::model::Id;
use crate::report::alternatives::{AlternativesReport, LockInReport};
use crate::resolve::alternatives::{alternatives, lock_in};
use crate::resolve::{Resolution, Resolver};

pub fn run(ctx: &Ctx, args: AlternativesArgs) -> Result<Outcome, Error> {
    let format = ctx.format(
        "alternatives",
        &[Format::Table, Format::Json, Format::Markdown],
    )?;
    let ws = stack::open(ctx, &args.stack)?;
    let options = ws.options(args.max_steps)?;
    let resolver = Resolver::new(&ws.loaded.registry, &ws.input.stack);
    let Resolution::Resolved(plan) = resolver.resolve(&options)? else {
        ctx.fail(&format!(
            "{} has no plan; run `stackreg resolve {}` to see why",
            ws.input.path.display(),
            ws.input.path.display()
        ));
        return Ok(Outcome::Negative);
    };
    let name = &ws.input.stack.name;
    let out = match (&args.id, args.all) {
        (_, true) => {
            let report = LockInReport::new(
                name,
                lock_in(&resolver, &plan, &options, args.ignore_policy)?,
            );
            match format {
                Format::Json => crate::report::json(&report),
                Format::Markdown => report.markdown(),
                _ => report.to_string(),
            }
        }
        (Some(id), false) => {
            let parsed = Id::parse(id).ok();
            let found = match &parsed {
                Some(id) => alternatives(&resolver, &plan, &options, id, args.ignore_policy)?,
                None => None,
            };
            let Some(found) = found else {
                ctx.fail(
                    &if ws.loaded.registry.components.contains_key(id.as_str()) {
                        format!("{id} is not in the plan for {name}")
                    } else {
                        format!("there is no component `{id}` in the registry")
                    },
                );
                return Ok(Outcome::Negative);
            };
            let report = AlternativesReport {
                stack: name.clone(),
                alternatives: found,
            };
            match format {
                Format::Json => crate::report::json(&report),
                Format::Markdown => report.markdown(),
                _ => report.to_string(),
            }
        }
        (None, false) => {
            return Err(Error::Usage(
                "name a component of the plan, or pass --all for the lock-in report".into(),
            ));
        }
    };
    ctx.print(&out)?;
    Ok(Outcome::Success)
}
