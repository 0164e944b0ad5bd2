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
pub fn list(session: &Session<'_>, filter: &Filter) -> Result<ComponentList, Error> {
    let loaded = session.load_listing()?;
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
