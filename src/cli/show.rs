//! `stackreg show ID[@VERSION]` and `stackreg show --interface ID`

use semver::Version;

use super::args::ShowArgs;
use super::{Ctx, Outcome};
use crate::catalog::cache::Scope;
use crate::catalog::validate::suggest;
use crate::error::Error;
use crate::model::Id;
use crate::report::show::{ComponentReport, InterfaceReport};

pub fn run(ctx: &Ctx, args: ShowArgs) -> Result<Outcome, Error> {
    let format = ctx.format("show", super::formats::SHOW)?;
    let scope = match (&args.interface, &args.id) {
        (Some(i), _) => Scope::Interface(i.clone()),
        (None, Some(spec)) => {
            Scope::Component(spec.split('@').next().unwrap_or_default().to_owned())
        }
        (None, None) => Scope::Everything,
    };
    let loaded = ctx.load_scoped(None, false, scope)?;
    let registry = &loaded.registry;
    if let Some(iface) = args.interface {
        let Some(i) = registry.interfaces.get(iface.as_str()) else {
            return Err(Error::UnknownInterface {
                suggestion: suggest(&iface, registry.interfaces.keys().map(Id::as_str))
                    .map(str::to_owned),
                id: iface,
            });
        };
        ctx.emit(format, &InterfaceReport::new(registry, i))?;
        super::context::leave(loaded);
        return Ok(Outcome::Success);
    }
    let spec = args.id.unwrap_or_default();
    let (id, version) = parse_spec(&spec)?;
    let Some(c) = registry.components.get(id) else {
        if registry.interfaces.contains_key(id) {
            return Err(Error::Usage(format!(
                "`{id}` is an interface; use `stackreg show --interface {id}`"
            )));
        }
        return Err(Error::UnknownComponent {
            suggestion: suggest(id, registry.components.keys().map(Id::as_str)).map(str::to_owned),
            id: id.to_owned(),
        });
    };
    if let Some(v) = &version
        && c.release(v).is_none()
    {
        return Err(Error::UnknownRelease {
            id: id.to_owned(),
            version: v.to_string(),
        });
    }
    ctx.emit(format, &ComponentReport::new(registry, c, version.as_ref()))?;
    super::context::leave(loaded);
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
