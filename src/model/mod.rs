//! The registry's vocabulary as checked Rust types: interfaces, components and their
//! releases, stacks and their policies, and the registry snapshot that holds them all.
//!
//! Everything here is pure: no file or network I/O. Files become these types through
//! `validate`, which reports every problem it finds instead of stopping at the first.
//! Each type derives `Serialize` and `Deserialize` (with `wire` for its semver fields):
//! that one definition is what the index cache stores and what the history diff
//! compares, so a new field needs adding in one place only.

pub mod date;
pub mod fields;
pub mod id;
pub mod idmap;
pub mod licence;
pub mod manifest;
pub mod name;
pub mod registry;
pub mod schema;
pub mod stack;
pub mod validate;
pub mod wire;

use std::fmt;

use schemars::JsonSchema;
use semver::{Version, VersionReq};
use serde::{Deserialize, Serialize};

pub use date::Date;
pub use id::Id;
pub use idmap::IdMap;
pub use licence::Licence;
pub use registry::{
    Excerpt, Focus, Listed, Listing, Loaded, Origins, Registry, Snapshot, SourceInfo,
};
pub use stack::{Contract, Need, Policy, PolicyRule, Stack};

/// How a component is delivered.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    Saas,
    SelfHosted,
    PlatformService,
    Library,
}

/// Where a component is in its life.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum Lifecycle {
    Alpha,
    Beta,
    Live,
    Deprecated,
    Retired,
}

macro_rules! keyword_enum {
    ($ty:ident { $($variant:ident = $name:literal),* $(,)? }) => {
        impl $ty {
            pub const ALL: &'static [$ty] = &[$($ty::$variant),*];

            pub fn as_str(self) -> &'static str {
                match self {
                    $($ty::$variant => $name,)*
                }
            }

            pub fn parse(s: &str) -> Option<$ty> {
                match s {
                    $($name => Some($ty::$variant),)*
                    _ => None,
                }
            }

            /// The accepted spellings, for error messages.
            pub fn expected() -> String {
                [$($name),*].join(", ")
            }
        }

        impl fmt::Display for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

keyword_enum!(Kind {
    Saas = "saas",
    SelfHosted = "self-hosted",
    PlatformService = "platform-service",
    Library = "library",
});

keyword_enum!(Lifecycle {
    Alpha = "alpha",
    Beta = "beta",
    Live = "live",
    Deprecated = "deprecated",
    Retired = "retired",
});

impl Lifecycle {
    /// Preference among providers: live first, deprecated (and retired) last.
    pub fn preference(self) -> u8 {
        match self {
            Lifecycle::Live => 0,
            Lifecycle::Beta => 1,
            Lifecycle::Alpha => 2,
            Lifecycle::Deprecated => 3,
            Lifecycle::Retired => 4,
        }
    }
}

/// `registry.toml`, checked.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegistryMeta {
    pub name: String,
    pub description: String,
}

/// A versioned open contract (an API or data standard).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Interface {
    pub id: Id,
    pub name: String,
    pub summary: String,
    pub owner: String,
    pub specification: String,
    /// Published versions, lowest first.
    #[serde(with = "wire::list")]
    pub versions: Vec<Version>,
}

/// A product or service a council can adopt, with all its releases.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Component {
    pub id: Id,
    pub name: String,
    pub summary: String,
    pub supplier: String,
    pub licence: Licence,
    pub kind: Kind,
    pub capabilities: Vec<Id>,
    pub lifecycle: Lifecycle,
    pub assurances: Vec<String>,
    pub homepage: String,
    pub repository: Option<String>,
    /// Releases, lowest version first.
    pub releases: Vec<Release>,
}

/// One version of a component.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct Release {
    #[serde(with = "wire::one")]
    pub version: Version,
    pub released: Date,
    pub support_ends: Option<Date>,
    #[serde(with = "wire::map")]
    pub provides: IdMap<Version>,
    #[serde(with = "wire::map")]
    pub requires: IdMap<VersionReq>,
    #[serde(with = "wire::map")]
    pub depends: IdMap<VersionReq>,
    #[serde(with = "wire::map")]
    pub conflicts: IdMap<VersionReq>,
    pub yanked: Option<String>,
}

impl Component {
    /// The release with exactly this version.
    pub fn release(&self, version: &Version) -> Option<&Release> {
        self.releases.iter().find(|r| &r.version == version)
    }

    /// The newest release that is not yanked (or the newest of all when every one is).
    pub fn latest(&self) -> Option<&Release> {
        self.releases
            .iter()
            .rev()
            .find(|r| !r.is_yanked())
            .or_else(|| self.releases.last())
    }

    pub fn has_capability(&self, capability: &str) -> bool {
        self.capabilities.iter().any(|c| c.as_str() == capability)
    }

    /// Whether any release provides the interface.
    pub fn provides_interface(&self, interface: &str) -> bool {
        self.releases
            .iter()
            .any(|r| r.provides.contains_key(interface))
    }
}

impl Release {
    pub fn is_yanked(&self) -> bool {
        self.yanked.is_some()
    }
}

/// `id@version`, the way releases are named everywhere in output.
pub struct ReleaseName<'a>(pub &'a Id, pub &'a Version);

impl fmt::Display for ReleaseName<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}@{}", self.0, self.1)
    }
}
