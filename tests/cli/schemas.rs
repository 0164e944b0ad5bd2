//! The published JSON Schemas that stackreg's exports must satisfy, vendored under
//! `tests/schemas/` (see each folder's SOURCE.md and `scripts/vendor-schemas`), compiled
//! with format assertions on.

use std::path::Path;

use serde_json::Value;

use crate::support::project_root;

/// A compiled schema.
pub struct Schema {
    schemas: boon::Schemas,
    index: boon::SchemaIndex,
}

impl Schema {
    /// Every way `instance` breaks the schema, as one message (empty when it is valid).
    pub fn errors(&self, instance: &Value) -> String {
        match self.schemas.validate(instance, self.index) {
            Ok(()) => String::new(),
            Err(e) => format!("{e:#}"),
        }
    }

    #[track_caller]
    pub fn assert_valid(&self, instance: &Value, what: &str) {
        let errors = self.errors(instance);
        assert!(
            errors.is_empty(),
            "{what} is invalid:\n{errors}\n{instance:#}"
        );
    }
}

fn read(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn compile(resources: &[(String, Value)], root: &str) -> Schema {
    let mut compiler = boon::Compiler::new();
    compiler.enable_format_assertions();
    for (url, json) in resources {
        compiler.add_resource(url, json.clone()).unwrap();
    }
    let mut schemas = boon::Schemas::new();
    let index = compiler
        .compile(root, &mut schemas)
        .unwrap_or_else(|e| panic!("{root}: {e:#}"));
    Schema { schemas, index }
}

/// The official CycloneDX 1.6 BOM schema, with the SPDX and JSF schemas it references.
pub fn cyclonedx() -> Schema {
    let dir = project_root().join("tests/schemas/cyclonedx");
    let base = "http://cyclonedx.org/schema/";
    let resources: Vec<(String, Value)> = [
        "bom-1.6.SNAPSHOT.schema.json",
        "spdx.SNAPSHOT.schema.json",
        "jsf-0.82.SNAPSHOT.schema.json",
    ]
    .iter()
    .map(|f| (format!("{base}{f}"), read(&dir.join(f))))
    .collect();
    compile(&resources, &format!("{base}bom-1.6.SNAPSHOT.schema.json"))
}

/// The schema Backstage's catalog checks an entity of `kind` against (`Component`,
/// `API`, `System`, `Group`), with the envelope, entity and metadata schemas it uses.
pub fn backstage(kind: &str) -> Schema {
    let dir = project_root().join("tests/schemas/backstage");
    // The schemas name each other by relative ids (`Entity`, `common#relation`); any base
    // makes them resolve.
    let base = "https://backstage.test/schema/";
    let mut resources = Vec::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if let Some(stem) = name.strip_suffix(".schema.json") {
            let json = read(&path);
            let id = json["$id"].as_str().unwrap_or(stem).to_owned();
            resources.push((format!("{base}{id}"), json));
        }
    }
    let id = match kind {
        "API" => "ApiV1alpha1".to_owned(),
        other => format!("{other}V1alpha1"),
    };
    compile(&resources, &format!("{base}{id}"))
}
