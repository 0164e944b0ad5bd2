//! `stackreg registry init|publish|yank|log|diff|fetch`

use super::args::{
    DiffArgs, Format, InitArgs, LogArgs, PublishArgs, RegistryArgs, RegistryCommand, YankArgs,
};
use super::formats::REGISTRY as FORMATS;
use super::{Ctx, Outcome};
use crate::error::Error;
use crate::ops::registry::{self, Committed};

pub fn run(ctx: &Ctx, args: RegistryArgs) -> Result<Outcome, Error> {
    match args.command {
        RegistryCommand::Init(a) => init(ctx, a),
        RegistryCommand::Publish(a) => publish(ctx, a),
        RegistryCommand::Yank(a) => yank(ctx, a),
        RegistryCommand::Log(a) => log(ctx, a),
        RegistryCommand::Diff(a) => diff(ctx, a),
        RegistryCommand::Fetch => fetch(ctx),
    }
}

fn init(ctx: &Ctx, args: InitArgs) -> Result<Outcome, Error> {
    let format = ctx.format("registry init", FORMATS)?;
    let report = registry::init(
        &args.dir,
        args.name,
        args.description,
        args.branch,
        args.author.as_deref(),
    )?;
    ctx.emit(format, &report)?;
    Ok(Outcome::Success)
}

fn publish(ctx: &Ctx, args: PublishArgs) -> Result<Outcome, Error> {
    let format = ctx.format("registry publish", FORMATS)?;
    let session = ctx.session()?;
    let done = registry::publish(&session, &args.files, args.author.as_deref(), args.dry_run)?;
    committed(ctx, format, done)
}

fn yank(ctx: &Ctx, args: YankArgs) -> Result<Outcome, Error> {
    let format = ctx.format("registry yank", FORMATS)?;
    let (id, version) = super::show::parse_spec(&args.release)?;
    let Some(version) = version else {
        return Err(Error::Usage(format!(
            "name the release as ID@VERSION, such as {id}@1.0.0"
        )));
    };
    let reason = match (&args.reason, args.undo) {
        (_, true) => None,
        (Some(r), false) if r.trim().is_empty() => {
            return Err(Error::Usage("--reason must say why".into()));
        }
        (Some(r), false) => Some(r.as_str()),
        (None, false) => return Err(Error::Usage("--reason is required".into())),
    };
    let session = ctx.session()?;
    let done = registry::yank(
        &session,
        id,
        &version,
        reason,
        args.author.as_deref(),
        args.dry_run,
    )?;
    committed(ctx, format, done)
}

/// Prints a change that was checked: its report, or the findings that refused it.
fn committed(ctx: &Ctx, format: Format, done: Committed) -> Result<Outcome, Error> {
    match done {
        Committed::Done(report) => {
            for w in &report.warnings {
                ctx.warn(&format!("{}: {}", w.file, w.message));
            }
            ctx.emit(format, &report)?;
            Ok(Outcome::Success)
        }
        Committed::Refused { findings, report } => {
            ctx.print(&match (format, &report) {
                (Format::Json, Some(p)) => super::context::json(p)?,
                (Format::Json, None) => super::context::json(&findings)?,
                (Format::Markdown, _) => findings.markdown(),
                _ => findings.human(ctx.color_stdout()),
            })?;
            ctx.warn("nothing was committed");
            Ok(Outcome::Negative)
        }
    }
}

fn log(ctx: &Ctx, args: LogArgs) -> Result<Outcome, Error> {
    let format = ctx.format("registry log", FORMATS)?;
    let report = registry::log(&ctx.session()?, args.id, args.max_count)?;
    ctx.emit(format, &report)?;
    Ok(Outcome::Success)
}

fn diff(ctx: &Ctx, args: DiffArgs) -> Result<Outcome, Error> {
    let format = ctx.format("registry diff", FORMATS)?;
    let report = registry::diff(&ctx.session()?, &args.from, args.to.as_deref())?;
    ctx.emit(format, &report)?;
    Ok(Outcome::Success)
}

fn fetch(ctx: &Ctx) -> Result<Outcome, Error> {
    let format = ctx.format("registry fetch", FORMATS)?;
    let report = registry::fetch(&ctx.session()?)?;
    ctx.emit(format, &report)?;
    Ok(Outcome::Success)
}
