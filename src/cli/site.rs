//! `stackreg site --out DIR [--stack FILE…]`

use super::args::SiteArgs;
use super::{Ctx, Outcome};
use crate::error::Error;
use crate::ops::stack;
use crate::resolve::Resolution;
use crate::resolve::lock::LockFile;
use crate::site::{self, Settings, StackInput, StackOrigin};

pub fn run(ctx: &Ctx, args: SiteArgs) -> Result<Outcome, Error> {
    ctx.format("site", super::formats::SITE)?;
    let (loaded, locks) = ctx.load_with_reference_locks()?;
    let registry = &loaded.registry;
    let mut stacks = site::reference_stacks(registry);
    // A reference stack's lock file is read as `resolve` reads it.
    for s in &mut stacks {
        if let Some(text) = locks.get(&s.slug) {
            match LockFile::parse(text) {
                Ok(lock) => s.options.locked = lock.versions(),
                Err(e) => ctx.warn(&format!(
                    "the lock file of {} is not readable ({}); its page shows the plan without it",
                    s.stack.name, e.message
                )),
            }
        }
    }
    for path in &args.stack {
        let (input, options) = stack::read_against(ctx, path, registry)?;
        if stacks.iter().any(|s| s.stack == input.stack) {
            ctx.note(&format!(
                "{} is the same as a stack already shown; it gets no page of its own",
                path.display()
            ));
            continue;
        }
        let stem = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let taken: Vec<_> = stacks.iter().map(|s| s.slug.clone()).collect();
        stacks.push(StackInput {
            slug: site::stack_slug(&stem, &taken),
            stack: input.stack,
            origin: StackOrigin::File(path.display().to_string()),
            options,
        });
    }
    let resolved = site::resolve_stacks(registry, stacks);
    for s in &resolved {
        match &s.outcome {
            Ok(Resolution::Resolved(_)) => {}
            Ok(Resolution::Unsatisfiable(_)) => ctx.warn(&format!(
                "{} has no plan; its page says why",
                s.input.stack.name
            )),
            Err(e) => ctx.warn(&format!("{}: {e}", s.input.stack.name)),
        }
    }
    let settings = Settings {
        registry_errors: loaded.error_count(),
    };
    let generated = site::generate(registry, &resolved, &settings);
    // Never written over or into: the registry read, and the stack files shown.
    let mut protected = site::output::Protected::default();
    match crate::source::remote::Cache::locate() {
        Ok(cache) if crate::source::discover::is_url(&registry.source.source) => {
            protected.add(cache.root(), "the cache the registry is read from");
        }
        _ => protected.add_registry(
            &ctx.cwd.join(&registry.source.source),
            "the registry being read",
        ),
    }
    for path in &args.stack {
        protected.add(path, "a stack file given with --stack");
    }
    site::output::write(&args.out, &generated, args.force, &protected)?;
    ctx.note(&format!(
        "Wrote {} pages to {}; open {}",
        generated.pages(),
        args.out.display(),
        args.out.join("index.html").display()
    ));
    Ok(Outcome::Success)
}
