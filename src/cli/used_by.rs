//! `stackreg used-by ID[@RANGE] [STACK…]`

use super::args::UsedByArgs;
use super::{Ctx, Outcome};
use crate::error::Error;
use crate::ops::stack;
use crate::planning::used_by::{StackToSearch, parse_range, used_by};
use crate::report::used_by::UsedByReport;
use crate::resolve::Options;

pub fn run(ctx: &Ctx, args: UsedByArgs) -> Result<Outcome, Error> {
    let format = ctx.format("used-by", super::formats::PLANNING)?;
    let (id, range) = parse_range(&args.component).map_err(Error::Usage)?;
    let first = args.stacks.first().map(|p| stack::read(p)).transpose()?;
    let loaded = ctx.load(
        first.as_ref().map(|s| super::context::StackRef {
            path: &s.path,
            registry: s.stack.registry.as_deref(),
            rev: s.stack.rev.as_deref(),
            allowed_signers: s.stack.allowed_signers.as_deref(),
        }),
        true,
    )?;
    let registry = &loaded.registry;
    let component = crate::planning::component(registry, id)?;
    let mut inputs = Vec::new();
    for path in &args.stacks {
        let (input, options) = stack::read_against(ctx, path, registry)?;
        inputs.push((input, options.locked));
    }
    let mut stacks: Vec<StackToSearch<'_>> = inputs
        .iter()
        .map(|(input, locked)| StackToSearch {
            file: input.path.display().to_string(),
            stack: &input.stack,
            lock: (!locked.is_empty()).then(|| locked.clone()),
        })
        .collect();
    if args.stacks.is_empty() {
        for (sid, s) in &registry.stacks {
            stacks.push(StackToSearch {
                file: loaded.origins.stack(sid),
                stack: s,
                lock: None,
            });
        }
    }
    let options = Options {
        max_steps: ctx.max_steps(),
        ..Options::default()
    };
    let found = used_by(registry, &stacks, &component.id, &range, &options)?;
    let none = found.uses.is_empty();
    let report = UsedByReport {
        component: component.id.to_string(),
        range: range.to_string(),
        stacks: found.uses,
        unresolved: found.unresolved,
    };
    ctx.emit(format, &report)?;
    Ok(if none {
        Outcome::Negative
    } else {
        Outcome::Success
    })
}
