//! `stackreg completions SHELL`: the script that registers stackreg's completions with a
//! shell. The script asks `stackreg` itself for candidates (`complete.rs`), so component
//! ids, interfaces and stack files come from the registry at the time of completion.

use super::args::CompletionsArgs;
use super::{Ctx, Outcome, complete};
use crate::error::Error;

pub fn run(ctx: &Ctx, args: CompletionsArgs) -> Result<Outcome, Error> {
    ctx.no_format("completions", "a shell script")?;
    let script = complete::registration(args.shell).map_err(Error::Output)?;
    ctx.print(&script)?;
    Ok(Outcome::Success)
}
