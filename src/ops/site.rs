//! `site --out DIR [--stack FILE…]`: the catalogue and every stack's reports written as a
//! static website, never over or into the registry read or the stack files shown.

use std::path::{Path, PathBuf};

use super::Session;
use crate::error::Error;
use crate::resolve::Resolution;
use crate::site::{self, Settings, StackInput, StackOrigin};

/// What was written.
pub struct Written {
    pub pages: usize,
}

/// Writes the site into `out` (`force`: into a folder that is not a site already).
pub fn site(
    session: &Session<'_>,
    out: &Path,
    stack_files: &[PathBuf],
    force: bool,
) -> Result<Written, Error> {
    let (loaded, locks) = session.load_with_reference_locks(false)?;
    let registry = &loaded.registry;
    let mut stacks = site::reference_stacks(registry);
    // A reference stack's lock file is read as `resolve` reads it.
    for s in &mut stacks {
        if let Some(locked) = locks.get(&s.slug).and_then(|text| {
            session.reference_lock_versions(
                text,
                &s.stack.name,
                "its page shows the plan without it",
            )
        }) {
            s.options.locked = locked;
        }
    }
    for path in stack_files {
        let (file, options) = session.read_against(path, registry)?;
        if stacks.iter().any(|s| s.stack == file.stack) {
            session.note(&format!(
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
            stack: file.stack,
            origin: StackOrigin::File(path.display().to_string()),
            options,
        });
    }
    let resolved = site::resolve_stacks(registry, stacks);
    for s in &resolved {
        match &s.outcome {
            Ok(Resolution::Resolved(_)) => {}
            Ok(Resolution::Unsatisfiable(_)) => session.warn(&format!(
                "{} has no plan; its page says why",
                s.input.stack.name
            )),
            Err(e) => session.warn(&format!("{}: {e}", s.input.stack.name)),
        }
    }
    let settings = Settings {
        registry_errors: loaded.error_count(),
    };
    let generated = site::generate(registry, &resolved, &settings);
    // Never written over or into: the registry read, and the stack files shown.
    let mut protected = site::output::Protected::default();
    match session.remote_cache() {
        Ok(cache) if crate::source::discover::is_url(&registry.source.source) => {
            protected.add(cache.root(), "the cache the registry is read from");
        }
        _ => protected.add_registry(
            &session.settings.cwd.join(&registry.source.source),
            "the registry being read",
        ),
    }
    for path in stack_files {
        protected.add(path, "a stack file given with --stack");
    }
    site::output::write(out, &generated, force, &protected)?;
    Ok(Written {
        pages: generated.pages(),
    })
}
