//! `stackreg resolve STACK [--lock | --locked]`

use super::args::{Format, ResolveArgs};
use super::{Ctx, Outcome, stack};
use crate::error::Error;
use crate::model::Date;
use crate::report::resolve::ResolveReport;
use std::collections::BTreeMap;

use crate::model::Id;
use crate::resolve::lock::{self, LockFile};
use crate::resolve::{Plan, Resolution, Resolver, lock_changes};

pub fn run(ctx: &Ctx, args: ResolveArgs) -> Result<Outcome, Error> {
    let format = ctx.format("resolve", &[Format::Table, Format::Json, Format::Markdown])?;
    let ws = stack::open(ctx, &args.stack)?;
    let registry = &ws.loaded.registry;
    let existing = ws.lock()?;
    let options = ws.options(ctx.global.max_steps)?;
    let resolver = Resolver::new(registry, &ws.input.stack);
    let resolution = resolver.resolve(&options)?;
    let plan = match &resolution {
        Resolution::Resolved(plan) => plan,
        Resolution::Unsatisfiable(why) => {
            let report = ResolveReport::unsatisfiable(registry, &ws.input.stack, why);
            ctx.emit(format, &report)?;
            return Ok(Outcome::Negative);
        }
    };
    let moved = if existing.is_some() {
        lock_changes(&resolver, &options, plan)
    } else {
        Vec::new()
    };
    let report = ResolveReport::resolved(registry, &ws.input.stack, plan, Date::today())
        .with_lock_changes(moved.clone());
    ctx.emit(format, &report)?;
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
        let mut why: BTreeMap<Id, String> =
            moved.into_iter().map(|c| (c.component, c.reason)).collect();
        for r in &plan.releases {
            why.entry(r.component.clone())
                .or_insert_with(|| needed_for(plan, &r.component));
        }
        let differences = old.differences(&fresh, &why);
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

/// Why a planned component is there: the needs it meets, else what requires it.
fn needed_for(plan: &Plan, id: &Id) -> String {
    let Some(r) = plan.get(id.as_str()) else {
        return String::new();
    };
    if !r.needs.is_empty() {
        let needs: Vec<String> = r.needs.iter().map(|n| format!("`{n}`")).collect();
        return format!("it meets need {}", needs.join(", "));
    }
    let mut by: Vec<String> = plan
        .required_by(id.as_str())
        .map(|e| format!("{} {}", e.from, e.from_version))
        .collect();
    by.dedup();
    format!("{} needs it", by.join(", "))
}
