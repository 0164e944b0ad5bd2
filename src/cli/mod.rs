//! The command line: parse arguments, run one subcommand, print its answer in the chosen
//! format, and turn the outcome into an exit code, all decided here and nowhere else.

mod alternatives;
mod answer;
pub mod args;
mod compare;
mod complete;
mod completions;
mod context;
mod export;
pub mod formats;
mod graph;
pub mod help;
mod import;
mod interfaces;
mod list;
mod merge;
mod new_stack;
mod outdated;
mod progress;
mod registry;
mod renewals;
mod resolve;
mod schema;
mod show;
mod site;
mod used_by;
mod validate;
mod why;

use std::ffi::OsString;
use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches};

pub use args::{Cli, Command, Format};
pub use context::Ctx;

use crate::error::Error;

/// How a command ended when it could run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// A positive answer: exit 0.
    Success,
    /// A negative answer (invalid manifests, no plan, stale lock): exit 1.
    Negative,
}

/// Runs stackreg with these arguments (the first is the program name) and returns the
/// exit code: 0 success, 1 negative answer, 2 could not run.
pub fn run<I, T>(args: I) -> ExitCode
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let args: Vec<OsString> = args.into_iter().map(Into::into).collect();
    if let Some(code) = complete::answer(&args, command) {
        return code;
    }
    let parsed = command()
        .try_get_matches_from(args)
        .and_then(|matches| Cli::from_arg_matches(&matches));
    let cli = match parsed {
        Ok(cli) => cli,
        Err(mut e) => {
            help::suggest_nested(&mut e, &command());
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    let ctx = Ctx::new(&cli.global);
    let result = dispatch(&ctx, cli.command);
    let code = exit_code(&ctx, result);
    crate::ops::wait_for_background();
    code
}

/// The command line as clap sees it: the derive types, each command's formats and the
/// shared options that apply to it (`help.rs`).
pub fn command() -> clap::Command {
    help::narrow(formats::annotate(Cli::command()))
}

fn dispatch(ctx: &Ctx, command: Command) -> Result<Outcome, Error> {
    match command {
        Command::List(args) => list::run(ctx, args),
        Command::Show(args) => show::run(ctx, args),
        Command::Interfaces => interfaces::run(ctx),
        Command::Validate(args) => validate::run(ctx, args),
        Command::Resolve(args) => resolve::run(ctx, args),
        Command::Why(args) => why::run(ctx, args),
        Command::Graph(args) => graph::run(ctx, args),
        Command::Outdated(args) => outdated::run(ctx, args),
        Command::Alternatives(args) => alternatives::run(ctx, args),
        Command::Schema(args) => schema::run(ctx, args),
        Command::Completions(args) => completions::run(ctx, args),
        Command::Registry(args) => registry::run(ctx, args),
        Command::Site(args) => site::run(ctx, args),
        Command::Import(args) => import::run(ctx, args),
        Command::Export(args) => export::run(ctx, args),
        Command::Renewals(args) => renewals::run(ctx, args),
        Command::UsedBy(args) => used_by::run(ctx, args),
        Command::Compare(args) => compare::run(ctx, args),
        Command::Stack(args) => match args.command {
            args::StackCommand::New(args) => new_stack::run(ctx, args),
        },
        Command::Merge(args) => merge::run(ctx, args),
    }
}

/// The one place outcomes and errors become exit codes.
fn exit_code(ctx: &Ctx, result: Result<Outcome, Error>) -> ExitCode {
    match result {
        Ok(Outcome::Success) => ExitCode::SUCCESS,
        Ok(Outcome::Negative) => ExitCode::from(1),
        Err(e) if e.is_broken_pipe() => ExitCode::SUCCESS,
        Err(e) => {
            ctx.report_error(&e);
            ExitCode::from(2)
        }
    }
}
