//! Planning a council's next move: what-if resolution against the lock, contract and
//! support renewals, who runs a component, components side by side, a stack file from what
//! runs today, and one stack from two merged councils.
//!
//! Each command's work is a plain function here: a registry and stacks in, a typed answer
//! out, no printing and no flags. The command line reads files and prints the answers
//! (`report`); what is resolved is resolved by `resolve`.

pub mod compare;
pub mod merge;
pub mod new_stack;
pub mod renewals;
pub mod used_by;
pub mod whatif;
pub mod write;

use std::collections::{BTreeMap, BTreeSet};

use semver::Version;

use crate::model::Registry;
use crate::model::{Component, Id};
use crate::resolve::alternatives::Change;

/// Why a planning question could not be answered.
#[derive(Debug, thiserror::Error)]
pub enum PlanningError {
    #[error("no component `{id}` in the registry")]
    UnknownComponent {
        id: String,
        suggestion: Option<String>,
    },
    #[error("{id} has no release {version}")]
    UnknownRelease { id: String, version: String },
    /// A request that does not make sense (a version that is not one, a component asked
    /// to be both added and removed).
    #[error("{0}")]
    Usage(String),
    #[error(transparent)]
    Resolve(#[from] crate::resolve::ResolveError),
}

type Error = PlanningError;

/// The component `id`, or the error naming the nearest id there is.
pub fn component<'r>(registry: &'r Registry, id: &str) -> Result<&'r Component, Error> {
    let found = Id::parse(id).ok().and_then(|i| registry.components.get(&i));
    found.ok_or_else(|| Error::UnknownComponent {
        id: crate::text::escape(id).into_owned(),
        suggestion: crate::catalog::validate::suggest(
            id,
            registry.components.keys().map(Id::as_str),
        )
        .map(str::to_owned),
    })
}

/// `id` or `id@version`, checked against the registry: the component exists and has that
/// release.
pub fn release_spec(registry: &Registry, spec: &str) -> Result<(Id, Option<Version>), Error> {
    let (id, version) = match spec.split_once('@') {
        None => (spec, None),
        Some((id, v)) => {
            let version = Version::parse(v.trim()).map_err(|e| {
                Error::Usage(format!(
                    "`{}` is not a version: {e} (write ID@VERSION, e.g. fixmystreet@6.0.0)",
                    crate::text::escape(v)
                ))
            })?;
            (id, Some(version))
        }
    };
    let c = component(registry, id)?;
    if let Some(v) = &version
        && c.release(v).is_none()
    {
        return Err(Error::UnknownRelease {
            id: c.id.to_string(),
            version: v.to_string(),
        });
    }
    Ok((c.id.clone(), version))
}

/// Every difference from `from` to `to`, by component id; `from`/`to` are `None` for a
/// component added or removed.
pub fn changes(from: &BTreeMap<Id, Version>, to: &BTreeMap<Id, Version>) -> Vec<Change> {
    let ids: BTreeSet<&Id> = from.keys().chain(to.keys()).collect();
    ids.into_iter()
        .filter_map(|id| {
            let (a, b) = (from.get(id), to.get(id));
            (a != b).then(|| Change {
                component: id.clone(),
                from: a.cloned(),
                to: b.cloned(),
            })
        })
        .collect()
}

pub(crate) fn ser_version<S: serde::Serializer>(v: &Version, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(v)
}

pub(crate) fn ser_opt_version<S: serde::Serializer>(
    v: &Option<Version>,
    s: S,
) -> Result<S::Ok, S::Error> {
    match v {
        Some(v) => s.collect_str(v),
        None => s.serialize_none(),
    }
}
