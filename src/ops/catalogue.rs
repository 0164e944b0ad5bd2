//! `list`, `show` and `interfaces`: what the registry holds. Each loads only what it shows
//! (a listing, or an excerpt about one component or interface), which the index cache
//! builds without decoding the rest of a large registry.

use semver::Version;

use super::Session;
use crate::catalog::validate::suggest;
use crate::error::Error;
use crate::model::{Focus, Id};
use crate::report::interfaces::InterfaceList;
use crate::report::list::{ComponentList, Filter};
use crate::report::show::{ComponentReport, InterfaceReport};

/// `list`: the components that pass `filter`.
///
/// A capability or interface that no component of the registry names is an error with the
/// nearest id, as an unknown component is for `show`, not an empty list.
pub fn list(session: &Session<'_>, filter: &Filter) -> Result<ComponentList, Error> {
    let loaded = session.load_listing()?;
    let components = &loaded.registry.components;
    for wanted in &filter.capabilities {
        let known = || components.values().flat_map(|c| c.capabilities.iter());
        if !known().any(|k| k.as_str() == wanted) {
            return Err(Error::UnknownCapability {
                id: wanted.clone(),
                suggestion: suggest(wanted, known().map(Id::as_str)).map(str::to_owned),
            });
        }
    }
    for wanted in &filter.interfaces {
        let named = components
            .values()
            .any(|c| c.provides_interface(wanted) || c.requires_interface(wanted));
        if !named {
            // Rare: ask the registry's interface files, and say so if there is none.
            show_interface(session, wanted)?;
        }
    }
    let list = ComponentList::new(&loaded.registry, filter);
    session.done_with(loaded);
    Ok(list)
}

/// `interfaces`: every interface with its providers and consumers.
pub fn interfaces(session: &Session<'_>) -> Result<InterfaceList, Error> {
    let loaded = session.load(None, false)?;
    let list = InterfaceList::new(&loaded.registry);
    session.done_with(loaded);
    Ok(list)
}

/// `show --interface ID`.
pub fn show_interface(session: &Session<'_>, id: &str) -> Result<InterfaceReport, Error> {
    let loaded = session.load_excerpt(&Focus::Interface(id.to_owned()))?;
    let excerpt = &loaded.registry;
    let Some(i) = excerpt.interfaces.get(id) else {
        return Err(Error::UnknownInterface {
            suggestion: suggest(id, excerpt.interfaces.keys().map(Id::as_str)).map(str::to_owned),
            id: id.to_owned(),
        });
    };
    let report = InterfaceReport::new(excerpt, i);
    session.done_with(loaded);
    Ok(report)
}

/// `show ID[@VERSION]`.
pub fn show_component(
    session: &Session<'_>,
    id: &str,
    version: Option<&Version>,
) -> Result<ComponentReport, Error> {
    let loaded = session.load_excerpt(&Focus::Component(id.to_owned()))?;
    let excerpt = &loaded.registry;
    let Some(c) = excerpt.components.get(id) else {
        if excerpt.interfaces.contains_key(id) {
            return Err(Error::Usage(format!(
                "`{id}` is an interface; use `stackreg show --interface {id}`"
            )));
        }
        return Err(Error::UnknownComponent {
            suggestion: suggest(id, excerpt.component_ids.iter().map(Id::as_str))
                .map(str::to_owned),
            id: id.to_owned(),
        });
    };
    if let Some(v) = version
        && c.release(v).is_none()
    {
        return Err(Error::UnknownRelease {
            id: id.to_owned(),
            version: v.to_string(),
        });
    }
    let report = ComponentReport::new(excerpt, c, version);
    session.done_with(loaded);
    Ok(report)
}

/// What a shell completes from the registry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Names {
    Components,
    Interfaces,
    Capabilities,
}

/// The ids a shell completes, each with a few words to show beside it, sorted.
pub fn names(session: &Session<'_>, which: Names) -> Result<Vec<(String, String)>, Error> {
    let names = match which {
        Names::Components => {
            let loaded = session.load_listing()?;
            let names = loaded
                .registry
                .components
                .values()
                .map(|c| (c.id.to_string(), c.name.clone()))
                .collect();
            session.done_with(loaded);
            names
        }
        Names::Capabilities => {
            let loaded = session.load_listing()?;
            let mut names: Vec<(String, String)> = loaded
                .registry
                .components
                .values()
                .flat_map(|c| {
                    c.capabilities
                        .iter()
                        .map(|k| (k.to_string(), String::new()))
                })
                .collect();
            names.sort();
            names.dedup();
            session.done_with(loaded);
            names
        }
        Names::Interfaces => {
            let loaded = session.load(None, false)?;
            let names = loaded
                .registry
                .interfaces
                .values()
                .map(|i| (i.id.to_string(), i.name.clone()))
                .collect();
            session.done_with(loaded);
            names
        }
    };
    Ok(names)
}

/// The stack files in the `stacks/` folder of the registry the session finds, when it
/// is a folder on this machine, sorted.
pub fn stack_files(session: &Session<'_>) -> Result<Vec<std::path::PathBuf>, Error> {
    let (location, _, _) = session.locate(None)?;
    let crate::source::discover::Location::Path(root) = location else {
        return Ok(Vec::new());
    };
    let dir = root.join("stacks");
    let mut files: Vec<std::path::PathBuf> = match std::fs::read_dir(&dir) {
        Ok(entries) => entries
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "toml"))
            .collect(),
        Err(_) => Vec::new(),
    };
    files.sort();
    Ok(files)
}
