//! `stackreg resolve STACK [--lock | --locked]`, and the what-if form
//! `stackreg resolve STACK --upgrade/--with/--without [--dry-run] [--lock]`

use std::path::{Path, PathBuf};

use super::args::{Format, ResolveArgs};
use super::{Ctx, Outcome};
use crate::error::Error;
use crate::interop::cyclonedx;
use crate::model::Date;
use crate::ops::stack;
use crate::report::resolve::ResolveReport;
use crate::source::discover;
use std::collections::BTreeMap;

use crate::model::Id;
use crate::report::whatif::WhatIfReport;
use crate::resolve::lock::{self, LockFile};
use crate::resolve::whatif::{WhatIf, WhatIfOutcome};
use crate::resolve::{Plan, Resolution, Resolver, lock_changes};

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
    let moved = if existing.is_some() {
        lock_changes(&resolver, &options, plan)
    } else {
        Vec::new()
    };
    if format == Format::Cyclonedx {
        let serial = match args.serial_number {
            true => Some(cyclonedx::random_serial_number().map_err(Error::Output)?),
            false => None,
        };
        let bom = cyclonedx::bom(registry, &ws.input.stack, plan, serial);
        ctx.print(&crate::report::json(&bom))?;
    } else {
        let report = ResolveReport::resolved(registry, &ws.input.stack, plan, Date::today())
            .with_lock_changes(moved.clone());
        ctx.emit(format, &report)?;
    }
    if !args.locked && !args.lock {
        // No lock to check or write: skip hashing the stack for one.
        super::context::leave(ws);
        return Ok(Outcome::Success);
    }

    let mut fresh = LockFile::new(
        &ws.input.stack.name,
        &ws.input.bytes,
        &registry.source,
        plan,
    );
    let lock_path = lock::path_for(&ws.input.path);
    let lock_dir = folder_of(&lock_path);
    // A folder is recorded relative to the lock, so the lock reads the same from any
    // directory and on any machine.
    fresh.registry.source = recorded_source(&ctx.cwd, &registry.source.source, &lock_dir);
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
        let mut differences = Vec::new();
        if !same_registry(
            &ctx.cwd,
            &old.registry.source,
            &registry.source.source,
            &lock_dir,
        ) {
            differences.push(format!(
                "the lock was made from the registry `{}`, but this run read `{}`",
                old.registry.source, registry.source.source
            ));
        }
        differences.extend(old.differences(&fresh, &why));
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
        write_lock(ctx, &lock_path, &fresh, args.dry_run)?;
    }
    super::context::leave(ws);
    Ok(Outcome::Success)
}

fn write_lock(
    ctx: &Ctx,
    path: &std::path::Path,
    lock: &LockFile,
    dry_run: bool,
) -> Result<(), Error> {
    if dry_run {
        ctx.note(&format!("dry run: {} not written", path.display()));
        return Ok(());
    }
    crate::atomic::write(path, lock.to_toml().as_bytes()).map_err(|source| Error::Write {
        path: path.to_path_buf(),
        source,
    })?;
    ctx.note(&format!("wrote {}", path.display()));
    Ok(())
}

/// `--upgrade`, `--with`, `--without`: the plan with those changes, against the lock.
fn what_if(ctx: &Ctx, args: ResolveArgs) -> Result<Outcome, Error> {
    let format = ctx.format("resolve", super::formats::PLANNING)?;
    let ws = stack::open(ctx, &args.stack)?;
    let registry = &ws.loaded.registry;
    let stack = &ws.input.stack;
    let spec = |s: &String| crate::planning::release_spec(registry, s);
    let request = WhatIf {
        upgrade: args.upgrade.iter().map(spec).collect::<Result<_, _>>()?,
        with: args.with.iter().map(spec).collect::<Result<_, _>>()?,
        without: args
            .without
            .iter()
            .map(|s| crate::planning::component(registry, s).map(|c| c.id.clone()))
            .collect::<Result<_, _>>()?,
    };
    let lock = ws.lock()?;
    let options = ws.options(ctx.global.max_steps)?;
    let answer =
        crate::planning::whatif::what_if(registry, stack, lock.as_ref(), &options, &request)?;
    let report = WhatIfReport::new(registry, stack, &request, &answer, Date::today());
    ctx.emit(format, &report)?;
    let WhatIfOutcome::Resolved { plan, .. } = &answer.outcome else {
        return Ok(Outcome::Negative);
    };
    if args.lock {
        let fresh = LockFile::new(&stack.name, &ws.input.bytes, &registry.source, plan);
        write_lock(ctx, &lock::path_for(&ws.input.path), &fresh, args.dry_run)?;
    }
    super::context::leave(ws);
    Ok(Outcome::Success)
}

/// The folder holding `file`.
fn folder_of(file: &Path) -> PathBuf {
    match file.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// How a lock in `lock_dir` records the registry read from `source` (a URL, or a folder
/// as shown, relative to `cwd`): a URL as it is, a folder relative to the lock.
fn recorded_source(cwd: &Path, source: &str, lock_dir: &Path) -> String {
    if discover::is_url(source) {
        return source.to_owned();
    }
    let (Ok(registry), Ok(dir)) = (
        cwd.join(source).canonicalize(),
        cwd.join(lock_dir).canonicalize(),
    ) else {
        return source.to_owned();
    };
    relative_path(&dir, &registry)
}

/// Whether a lock in `lock_dir` that records `locked` was made from the registry this run
/// read from `source`. A folder is the same folder relative to the lock (or, as locks
/// written before folders were recorded that way say, to the current directory).
fn same_registry(cwd: &Path, locked: &str, source: &str, lock_dir: &Path) -> bool {
    if discover::is_url(locked) || discover::is_url(source) {
        return locked == source;
    }
    let Ok(read) = cwd.join(source).canonicalize() else {
        return false;
    };
    [cwd.join(lock_dir).join(locked), cwd.join(locked)]
        .iter()
        .any(|p| p.canonicalize().is_ok_and(|p| p == read))
}

/// `to` relative to `from` (both absolute and canonical), with `/` separators.
fn relative_path(from: &Path, to: &Path) -> String {
    let a: Vec<_> = from.components().collect();
    let b: Vec<_> = to.components().collect();
    let common = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    if common == 0 {
        return to.display().to_string();
    }
    let mut parts: Vec<String> = vec!["..".to_owned(); a.len() - common];
    parts.extend(
        b[common..]
            .iter()
            .map(|c| c.as_os_str().to_string_lossy().into_owned()),
    );
    if parts.is_empty() {
        ".".to_owned()
    } else {
        parts.join("/")
    }
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
