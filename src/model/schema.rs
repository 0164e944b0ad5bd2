//! JSON Schema building blocks for the string forms in manifests, and the generator for
//! the schemas committed in `schemas/`.

use std::borrow::Cow;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};

macro_rules! string_schema {
    ($(#[$doc:meta])* $name:ident, $schema:tt) => {
        $(#[$doc])*
        pub struct $name;

        impl JsonSchema for $name {
            fn schema_name() -> Cow<'static, str> {
                stringify!($name).into()
            }

            fn json_schema(_: &mut SchemaGenerator) -> Schema {
                json_schema!($schema)
            }
        }
    };
}

string_schema!(
    /// An id: kebab-case, starting with a letter.
    IdString,
    {
        "type": "string",
        "pattern": "^[a-z][a-z0-9]*(-[a-z0-9]+)*$",
        "minLength": 1,
        "maxLength": 64,
        "description": "1-64 characters of [a-z0-9-], starting with a letter, no `--`, no trailing `-`"
    }
);

string_schema!(
    /// A semver version.
    VersionString,
    {
        "type": "string",
        "pattern": "^(0|[1-9][0-9]*)\\.(0|[1-9][0-9]*)\\.(0|[1-9][0-9]*)(?:-[0-9A-Za-z.-]+)?(?:\\+[0-9A-Za-z.-]+)?$",
        "description": "A semantic version such as 2.1.0"
    }
);

string_schema!(
    /// A Cargo-style version requirement.
    RangeString,
    {
        "type": "string",
        "minLength": 1,
        "description": "A version range in Cargo's syntax: ^2, >=13, >=1.0, <3, *"
    }
);

string_schema!(
    /// An SPDX licence expression.
    SpdxString,
    {
        "type": "string",
        "minLength": 1,
        "description": "An SPDX licence expression such as MIT or GPL-2.0-or-later; LicenseRef-Proprietary for closed products"
    }
);

string_schema!(
    /// An https URL.
    HttpsUrl,
    {
        "type": "string",
        "format": "uri",
        "pattern": "^https://",
        "description": "An https:// URL"
    }
);

string_schema!(
    /// A TOML local date.
    DateString,
    {
        "type": "string",
        "format": "date",
        "description": "A TOML date such as 2024-03-01, written without quotes"
    }
);

/// The kinds of file stackreg has a schema for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum SchemaKind {
    Registry,
    Interface,
    Component,
    Stack,
}

impl SchemaKind {
    pub const ALL: [SchemaKind; 4] = [
        SchemaKind::Registry,
        SchemaKind::Interface,
        SchemaKind::Component,
        SchemaKind::Stack,
    ];

    /// The committed file name under `schemas/`.
    pub fn file_name(self) -> &'static str {
        match self {
            SchemaKind::Registry => "registry.schema.json",
            SchemaKind::Interface => "interface.schema.json",
            SchemaKind::Component => "component.schema.json",
            SchemaKind::Stack => "stack.schema.json",
        }
    }

    /// The schema as pretty-printed JSON with a trailing newline.
    pub fn render(self) -> String {
        use super::manifest::{ComponentFile, InterfaceFile, RegistryFile, StackFile};
        let schema = match self {
            SchemaKind::Registry => schemars::schema_for!(RegistryFile),
            SchemaKind::Interface => schemars::schema_for!(InterfaceFile),
            SchemaKind::Component => schemars::schema_for!(ComponentFile),
            SchemaKind::Stack => schemars::schema_for!(StackFile),
        };
        let mut value = schema.to_value();
        drop_null_defaults(&mut value);
        let mut out = serde_json::to_string_pretty(&value).unwrap_or_default();
        out.push('\n');
        out
    }
}

/// TOML has no null, so `"default": null` (from optional fields) would only confuse editors.
fn drop_null_defaults(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Object(map) => {
            match map.get_mut("default") {
                Some(serde_json::Value::Null) => {
                    map.remove("default");
                }
                Some(serde_json::Value::Object(d)) => d.retain(|_, v| !v.is_null()),
                _ => {}
            }
            map.values_mut().for_each(drop_null_defaults);
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(drop_null_defaults),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The committed schemas are what the types generate. Set `STACKREG_BLESS=1` to
    /// rewrite them after changing a manifest type.
    #[test]
    fn committed_schemas_are_fresh() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("schemas");
        let bless = std::env::var_os("STACKREG_BLESS").is_some();
        let mut stale = Vec::new();
        for kind in SchemaKind::ALL {
            let path = dir.join(kind.file_name());
            let want = kind.render();
            if bless {
                std::fs::write(&path, &want).unwrap();
            } else if std::fs::read_to_string(&path).ok().as_deref() != Some(want.as_str()) {
                stale.push(kind.file_name());
            }
        }
        assert!(
            stale.is_empty(),
            "stale schemas: {stale:?}; run `STACKREG_BLESS=1 cargo test schemas` and commit schemas/"
        );
    }

    #[test]
    fn schemas_describe_every_file_kind() {
        for kind in SchemaKind::ALL {
            let v: serde_json::Value = serde_json::from_str(&kind.render()).unwrap();
            assert_eq!(v["type"], "object", "{kind:?}");
            assert_eq!(v["additionalProperties"], false, "{kind:?}");
        }
    }
}
