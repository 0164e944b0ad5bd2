//! Lock files: the plan written next to the stack file (`stacks/district.toml` →
//! `stacks/district.lock`), with the registry and the stack file it came from, so CI can
//! tell when a plan is stale.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use semver::Version;
use serde::{Deserialize, Serialize};

use super::Plan;
use crate::model::Id;
use crate::model::SourceInfo;

/// The lock format this version writes and reads.
pub const LOCK_VERSION: u32 = 1;

/// Lock files larger than this are refused unread. A lock names each component of one
/// plan once, in about 50 bytes, so this is far above any plan.
pub const MAX_LOCK_SIZE: u64 = 4 * 1024 * 1024;

const HEADER: &str =
    "# Written by `stackreg resolve --lock`. Do not edit by hand: resolve again.\n";

/// A lock file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct LockFile {
    pub version: u32,
    /// The stack's name.
    pub stack: String,
    /// The git blob id of the stack file the plan was made from.
    pub stack_hash: String,
    pub registry: LockedRegistry,
    #[serde(rename = "component", default)]
    pub components: Vec<LockedComponent>,
}

/// Where the plan's registry was read from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LockedRegistry {
    pub source: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub commit: Option<String>,
}

/// One planned release.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LockedComponent {
    pub id: String,
    pub version: String,
}

/// Why a lock file could not be read.
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct LockError {
    pub message: String,
    pub span: Option<std::ops::Range<usize>>,
}

/// The lock file next to `stack`.
pub fn path_for(stack: &Path) -> PathBuf {
    stack.with_extension("lock")
}

/// The hash recorded for a stack file's bytes (its git blob id).
pub fn stack_hash(bytes: &[u8]) -> String {
    git2::Oid::hash_object(git2::ObjectType::Blob, bytes)
        .map(|oid| oid.to_string())
        .unwrap_or_default()
}

impl LockFile {
    pub fn new(stack_name: &str, stack_bytes: &[u8], source: &SourceInfo, plan: &Plan) -> LockFile {
        LockFile {
            version: LOCK_VERSION,
            stack: stack_name.to_owned(),
            stack_hash: stack_hash(stack_bytes),
            registry: LockedRegistry {
                source: source.source.clone(),
                commit: source.commit.clone(),
            },
            components: plan
                .releases
                .iter()
                .map(|r| LockedComponent {
                    id: r.component.to_string(),
                    version: r.version.to_string(),
                })
                .collect(),
        }
    }

    pub fn parse(text: &str) -> Result<LockFile, LockError> {
        let lock: LockFile = toml::from_str(text).map_err(|e| LockError {
            message: e.message().trim().to_owned(),
            span: e.span(),
        })?;
        if lock.version != LOCK_VERSION {
            return Err(LockError {
                message: format!(
                    "lock file version {} is not supported (this stackreg writes version {LOCK_VERSION})",
                    lock.version
                ),
                span: None,
            });
        }
        let mut seen = std::collections::BTreeSet::new();
        if let Some(twice) = lock.components.iter().find(|c| !seen.insert(c.id.as_str())) {
            return Err(LockError {
                message: format!(
                    "component `{}` is locked twice (a plan has one release per component)",
                    crate::text::escape(&twice.id)
                ),
                span: None,
            });
        }
        Ok(lock)
    }

    /// The lock file's text. An error when the lock cannot be written as TOML, so that
    /// a lock that is only its header is never written.
    pub fn to_toml(&self) -> Result<String, toml::ser::Error> {
        let body = toml::to_string(self)?;
        Ok(format!("{HEADER}{body}"))
    }

    /// The locked versions (entries that are not valid ids or versions are skipped).
    pub fn versions(&self) -> BTreeMap<Id, Version> {
        self.components
            .iter()
            .filter_map(|c| Some((Id::parse(&c.id).ok()?, Version::parse(&c.version).ok()?)))
            .collect()
    }

    /// How `fresh` differs from this lock, one line each; empty when the lock is current.
    /// A new registry commit alone does not make a lock stale. `why` gives the reason a
    /// component moves, is added or is removed, where known.
    pub fn differences(&self, fresh: &LockFile, why: &BTreeMap<Id, String>) -> Vec<String> {
        let mut out = Vec::new();
        if self.stack_hash != fresh.stack_hash {
            out.push("the stack file changed since the lock was written".to_owned());
        }
        let old = self.versions();
        let new = fresh.versions();
        let because = |id: &Id| why.get(id).map(|w| format!(": {w}")).unwrap_or_default();
        for (id, v) in &old {
            match new.get(id) {
                None => out.push(format!("{id} {v} would be removed{}", because(id))),
                Some(n) if n != v => {
                    out.push(format!("{id} would change from {v} to {n}{}", because(id)));
                }
                Some(_) => {}
            }
        }
        for (id, v) in &new {
            if !old.contains_key(id) {
                out.push(format!("{id} {v} would be added{}", because(id)));
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_reports_differences() {
        let lock = LockFile {
            version: 1,
            stack: "Test".into(),
            stack_hash: stack_hash(b"[stack]\n"),
            registry: LockedRegistry {
                source: "registry".into(),
                commit: Some("abc".into()),
            },
            components: vec![LockedComponent {
                id: "a".into(),
                version: "1.0.0".into(),
            }],
        };
        let text = lock.to_toml().unwrap();
        assert!(text.starts_with("# Written by"));
        assert_eq!(LockFile::parse(&text).unwrap(), lock);
        let mut fresh = lock.clone();
        fresh.components[0].version = "1.1.0".into();
        fresh.components.push(LockedComponent {
            id: "b".into(),
            version: "2.0.0".into(),
        });
        let why = BTreeMap::from([(Id::parse("a").unwrap(), "need `x` asks for a ^1.1".into())]);
        assert_eq!(
            lock.differences(&fresh, &why),
            [
                "a would change from 1.0.0 to 1.1.0: need `x` asks for a ^1.1",
                "b 2.0.0 would be added"
            ]
        );
        assert!(lock.differences(&lock, &BTreeMap::new()).is_empty());
    }

    #[test]
    fn lock_sits_next_to_the_stack() {
        assert_eq!(
            path_for(Path::new("stacks/district.toml")),
            PathBuf::from("stacks/district.lock")
        );
    }
}
