//! Printing an `ops::Answer`: the report in the chosen format, or the reason a negative
//! answer is negative on stderr (exit 1).

use super::args::Format;
use super::{Ctx, Outcome};
use crate::error::Error;
use crate::ops::Answer;

/// Prints `answer` with `emit` (the report), or says why it is negative.
pub fn print<T>(
    ctx: &Ctx,
    answer: Answer<T>,
    emit: impl FnOnce(&T) -> Result<(), Error>,
) -> Result<Outcome, Error> {
    match answer {
        Answer::Yes(report) => {
            emit(&report)?;
            Ok(Outcome::Success)
        }
        Answer::No(why) => {
            ctx.fail(&why);
            Ok(Outcome::Negative)
        }
    }
}

/// Prints a report answer in `format`.
pub fn emit<R: crate::report::Report>(
    ctx: &Ctx,
    format: Format,
    answer: Answer<R>,
) -> Result<Outcome, Error> {
    print(ctx, answer, |r| ctx.emit(format, r))
}
