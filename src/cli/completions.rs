//! `stackreg completions SHELL`

use clap::CommandFactory;

use super::args::{Cli, CompletionsArgs};
use super::{Ctx, Outcome};
use crate::error::Error;

pub fn run(ctx: &Ctx, args: CompletionsArgs) -> Result<Outcome, Error> {
    ctx.no_format("completions", "a shell script")?;
    let mut buf = Vec::new();
    clap_complete::generate(args.shell, &mut Cli::command(), "stackreg", &mut buf);
    ctx.print(&String::from_utf8_lossy(&buf))?;
    Ok(Outcome::Success)
}
