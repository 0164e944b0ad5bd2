//! `export publiccode ID` and `export backstage [STACK]`: registry entries in other
//! catalogues' formats.

use crate::error::Error;
use crate::interop::backstage;
use crate::interop::publiccode::write::{self, Contact, Exported};
use crate::model::Registry;
use crate::model::Stack;
use crate::resolve::Plan;

/// The publiccode.yml of component `id`, as text, and the notes on what was composed.
pub fn publiccode(
    registry: &Registry,
    id: &str,
    contacts: &[String],
) -> Result<(String, Vec<String>), Error> {
    let Some(component) = registry.components.get(id) else {
        return Err(Error::UnknownComponent {
            id: id.to_owned(),
            suggestion: crate::catalog::validate::suggest(
                id,
                registry.components.keys().map(|k| k.as_str()),
            )
            .map(str::to_owned),
        });
    };
    let contacts = contacts
        .iter()
        .map(|c| parse_contact(c))
        .collect::<Result<Vec<_>, _>>()?;
    let names = |iface: &str| registry.interfaces.get(iface).map(|i| i.name.clone());
    let Exported { file, notes } = write::export(component, &names, &contacts)?;
    let text = write::to_yaml(
        &Exported {
            file,
            notes: Vec::new(),
        },
        id,
    )
    .map_err(|e| Error::Usage(format!("could not write YAML: {e}")))?;
    Ok((text, notes))
}

/// `Name <email>` or `Name`.
fn parse_contact(s: &str) -> Result<Contact, Error> {
    let s = s.trim();
    let bad = || Error::Usage(format!("--contact {s:?}: write it as \"Name <email>\""));
    match s.split_once('<') {
        Some((name, rest)) => {
            let email = rest.strip_suffix('>').ok_or_else(bad)?.trim();
            let name = name.trim();
            if name.is_empty() || !email.contains('@') || email.contains(char::is_whitespace) {
                return Err(bad());
            }
            Ok(Contact {
                name: name.to_owned(),
                email: Some(email.to_owned()),
            })
        }
        None if !s.is_empty() && !s.contains('>') => Ok(Contact {
            name: s.to_owned(),
            email: None,
        }),
        None => Err(bad()),
    }
}

/// The Backstage catalogue of the registry (every component and interface), or of one
/// stack's plan (its components, the interfaces they provide and use, and the stack as a
/// System).
pub fn backstage(registry: &Registry, stack: Option<(&Stack, &Plan)>) -> Result<String, Error> {
    let entities = backstage::entities(registry, stack);
    backstage::to_yaml(&entities).map_err(|e| Error::Usage(format!("could not write YAML: {e}")))
}

/// `export publiccode ID`: the component's publiccode.yml from the registry, and notes.
pub fn publiccode_of(
    session: &super::Session<'_>,
    id: &str,
    contacts: &[String],
) -> Result<(String, Vec<String>), Error> {
    let loaded = session.load(None, false)?;
    publiccode(&loaded.registry, id, contacts)
}

/// `export backstage`: the whole catalogue as Backstage entities.
pub fn backstage_of(session: &super::Session<'_>) -> Result<String, Error> {
    let loaded = session.load(None, false)?;
    backstage(&loaded.registry, None)
}
