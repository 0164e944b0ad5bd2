//! `stackreg validate [FILE…] [--base REV]`

use super::args::ValidateArgs;
use super::{Ctx, Outcome};
use crate::error::Error;

pub fn run(ctx: &Ctx, args: ValidateArgs) -> Result<Outcome, Error> {
    crate::ops::validate::run(ctx, args)
}
