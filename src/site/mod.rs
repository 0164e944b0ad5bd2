//! `stackreg site`: the registry as a static website that anyone can browse without a
//! terminal, and a report for each stack (its plan, a dependency graph, what changes, and
//! what could swap in for each component).
//!
//! Generation is pure: [`generate`] turns a registry snapshot and resolved stacks into a
//! map of file paths to bytes, the same bytes for the same inputs. [`output`] writes that
//! map to a folder. Pages need no server and no network when viewed: styles and the small
//! search script are files of the site, and the graph is SVG drawn here.
//!
//! Text from manifests reaches a page only through [`html::escape`].

pub mod html;
mod layout;
pub mod marker;
pub mod output;
mod pages;
pub mod svg;

use std::collections::BTreeMap;

use crate::model::Registry;
use crate::model::{Id, Stack};
use crate::resolve::alternatives::{LockIn, lock_in};
use crate::resolve::{Options, Resolution, ResolveError, Resolver};

/// The name of the file that marks a folder as made by `stackreg site`.
pub const MARKER: &str = ".stackreg-site";

/// Where a stack shown on the site came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StackOrigin {
    /// A reference stack in the registry's `stacks/` folder.
    Reference,
    /// A stack file named on the command line (its name as given).
    File(String),
}

/// A stack to give a page, with the options to resolve it with (its lock file).
#[derive(Debug, Clone)]
pub struct StackInput {
    /// The page's file name (without `.html`).
    pub slug: Id,
    pub stack: Stack,
    pub origin: StackOrigin,
    pub options: Options,
}

/// A stack with the answer resolution gave, and for a plan, the swap-in alternatives of
/// each of its components (the lock-in report).
#[derive(Debug)]
pub struct ResolvedStack {
    pub input: StackInput,
    pub outcome: Result<Resolution, ResolveError>,
    /// `None` when there is no plan.
    pub lock_in: Option<LockIn>,
}

/// The whole site: relative path → file contents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Site {
    pub files: BTreeMap<String, Vec<u8>>,
}

impl Site {
    /// How many HTML pages the site has.
    pub fn pages(&self) -> usize {
        self.files.keys().filter(|k| k.ends_with(".html")).count()
    }
}

/// What the site says about the registry beyond its contents.
#[derive(Debug, Clone, Default)]
pub struct Settings {
    /// How many validation errors the registry has (pages show what could be read).
    pub registry_errors: usize,
}

/// Resolves each stack against the registry and, for each plan, finds what could swap in
/// for every component (as `stackreg alternatives STACK --all`).
pub fn resolve_stacks(registry: &Registry, stacks: Vec<StackInput>) -> Vec<ResolvedStack> {
    stacks
        .into_iter()
        .map(|input| {
            let resolver = Resolver::new(registry, &input.stack);
            let outcome = resolver.resolve(&input.options);
            let lock_in = match &outcome {
                Ok(Resolution::Resolved(plan)) => {
                    Some(lock_in(&resolver, plan, &input.options, false))
                }
                _ => None,
            };
            ResolvedStack {
                input,
                outcome,
                lock_in,
            }
        })
        .collect()
}

/// The registry's reference stacks, ready to resolve with default options.
pub fn reference_stacks(registry: &Registry) -> Vec<StackInput> {
    registry
        .stacks
        .iter()
        .map(|(id, stack)| StackInput {
            slug: id.clone(),
            stack: stack.clone(),
            origin: StackOrigin::Reference,
            options: Options::default(),
        })
        .collect()
}

/// A page name for a stack file: its file stem made into an id, unique among `taken`.
pub fn stack_slug(stem: &str, taken: &[Id]) -> Id {
    let mut base: String = stem
        .to_lowercase()
        .chars()
        .map(|c| {
            if c.is_ascii_lowercase() || c.is_ascii_digit() {
                c
            } else {
                '-'
            }
        })
        .collect();
    while base.contains("--") {
        base = base.replace("--", "-");
    }
    let mut base = base.trim_matches('-').to_owned();
    if !base.starts_with(|c: char| c.is_ascii_lowercase()) {
        base.insert_str(0, "stack-");
    }
    base.truncate(56);
    let mut base = base.trim_end_matches('-').to_owned();
    if Id::check(&base).is_err() {
        base = "stack".into();
    }
    let mut n = 1u64;
    loop {
        let name = if n == 1 {
            base.clone()
        } else {
            format!("{base}-{n}")
        };
        if let Ok(id) = Id::parse(&name)
            && !taken.contains(&id)
        {
            return id;
        }
        n += 1;
    }
}

/// Generates every page and asset of the site.
pub fn generate(registry: &Registry, stacks: &[ResolvedStack], settings: &Settings) -> Site {
    pages::all(registry, stacks, settings)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stack_slugs_are_ids_and_unique() {
        let taken = vec![Id::parse("council").unwrap()];
        assert_eq!(stack_slug("Council", &taken).as_str(), "council-2");
        assert_eq!(stack_slug("My Council!", &taken).as_str(), "my-council");
        assert_eq!(stack_slug("2026 plan", &[]).as_str(), "stack-2026-plan");
        assert_eq!(stack_slug("../..", &[]).as_str(), "stack");
        assert_eq!(stack_slug("", &[]).as_str(), "stack");
    }
}
