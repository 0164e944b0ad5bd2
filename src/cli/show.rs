//! `stackreg show ID[@VERSION]` and `stackreg show --interface ID`

use semver::Version;

use super::args::ShowArgs;
use super::{Ctx, Outcome};
use crate::error::Error;
use crate::ops::catalogue;

pub fn run(ctx: &Ctx, args: ShowArgs) -> Result<Outcome, Error> {
    let format = ctx.format("show", super::formats::SHOW)?;
    let session = ctx.session()?;
    if let Some(iface) = args.interface {
        let report = catalogue::show_interface(&session, &iface)?;
        ctx.emit(format, &report)?;
        return Ok(Outcome::Success);
    }
    let spec = args.id.unwrap_or_default();
    let (id, version) = parse_spec(&spec)?;
    let report = catalogue::show_component(&session, id, version.as_ref())?;
    ctx.emit(format, &report)?;
    Ok(Outcome::Success)
}

/// Splits `id@version`.
pub fn parse_spec(spec: &str) -> Result<(&str, Option<Version>), Error> {
    match spec.split_once('@') {
        None => Ok((spec, None)),
        Some((id, v)) => {
            let version = Version::parse(v).map_err(|e| {
                Error::Usage(format!(
                    "`{}` is not a version: {e}",
                    crate::text::escape(v)
                ))
            })?;
            // Versions in a registry carry no build metadata (model/validate.rs).
            if !version.build.is_empty() {
                return Err(Error::Usage(format!(
                    "`{}` carries build metadata, which no version in a registry has; drop the `+{}`",
                    crate::text::escape(v),
                    crate::text::escape(version.build.as_str())
                )));
            }
            Ok((id, Some(version)))
        }
    }
}
