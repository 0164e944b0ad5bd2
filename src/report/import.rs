//! `stackreg import publiccode`: the drafted manifests (for stdout) and, for each, what
//! was repaired and what could not be carried over (for stderr).

use std::path::PathBuf;

use crate::interop::publiccode::Imported;

/// The answer to `import publiccode`.
#[derive(Debug, Clone)]
pub struct ImportReport {
    pub imported: Vec<Imported>,
    /// Files written with --out.
    pub written: Vec<PathBuf>,
}

impl ImportReport {
    pub fn new(imported: Vec<Imported>, written: Vec<PathBuf>) -> ImportReport {
        ImportReport { imported, written }
    }

    /// The manifests, each headed by the path it belongs at when there are several.
    pub fn manifests(&self) -> String {
        let many = self.imported.len() > 1;
        let mut out = String::new();
        for (n, i) in self.imported.iter().enumerate() {
            if many {
                if n > 0 {
                    out.push('\n');
                }
                out.push_str(&format!("# ---- {} ----\n", i.path));
            }
            out.push_str(&i.toml);
        }
        out
    }

    /// One block per input: where it came from, what was written, the repairs and every
    /// field not carried over.
    pub fn findings(&self) -> String {
        let mut out = Vec::new();
        for i in &self.imported {
            let d = &i.draft;
            out.push(format!("{} (from {}):", d.id, i.source));
            if let Some(w) = self.written.iter().find(|w| w.ends_with(&i.path)) {
                out.push(format!("  wrote {}", w.display()));
            }
            if i.exists_in_registry {
                out.push(format!(
                    "  warning: the registry already has a component `{}`",
                    d.id
                ));
            }
            for r in &d.repairs {
                out.push(format!("  repaired: {r}"));
            }
            for u in &d.unmapped {
                let mut line = format!("  not mapped: {}: {}", u.field, u.value);
                if let Some(reason) = &u.reason {
                    line.push_str(&format!(" ({reason})"));
                }
                out.push(line);
            }
            if d.unmapped.is_empty() {
                out.push("  every field was mapped".into());
            }
        }
        out.join("\n")
    }
}
