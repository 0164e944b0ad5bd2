//! `stackreg import publiccode FILE|URL… [--out DIR]`

use super::args::{ImportArgs, ImportFormat};
use super::{Ctx, Outcome};
use crate::error::Error;
use crate::ops::import::{self, Request};
use crate::report::import::ImportReport;

pub fn run(ctx: &Ctx, args: ImportArgs) -> Result<Outcome, Error> {
    let ImportFormat::Publiccode(args) = args.format;
    ctx.no_format("import publiccode", "TOML component manifests")?;
    // Dependencies are matched against the registry the manifests are for: the --out
    // folder when it is one, else the usual one, if any.
    let out_registry = args
        .out
        .as_ref()
        .filter(|d| d.join("registry.toml").is_file());
    let loaded = match (out_registry, &ctx.global.registry) {
        (Some(dir), None) => Some(ctx.load_dir(dir)?),
        _ => match ctx.load(None, false) {
            Ok(l) => Some(l),
            Err(Error::RegistryNotFound(_)) => {
                ctx.note("no registry found: dependsOn entries are not matched to components");
                None
            }
            Err(e) => return Err(e),
        },
    };
    let request = Request {
        inputs: args.inputs,
        id: args.id,
        capabilities: args.capability,
        offline: ctx.global.offline,
    };
    let imported = import::drafts(&request, loaded.as_ref().map(|l| &l.registry))?;
    let written = match &args.out {
        Some(dir) => import::write(dir, &imported)?,
        None => Vec::new(),
    };
    let report = ImportReport::new(imported, written);
    if args.out.is_none() {
        ctx.print(&report.manifests())?;
    }
    for line in report.findings().lines() {
        ctx.note(line);
    }
    Ok(Outcome::Success)
}
