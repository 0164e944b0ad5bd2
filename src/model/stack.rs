//! Stacks: what a council needs, the policy every release must pass, and what runs today.

use std::collections::BTreeMap;
use std::fmt;

use semver::{Version, VersionReq};
use serde::{Deserialize, Serialize};

use super::{Component, Date, Id, Kind, Lifecycle, wire};

/// A council's stack file, checked.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct Stack {
    pub name: String,
    /// The registry named by the stack: a path relative to the stack file, or a git URL.
    pub registry: Option<String>,
    pub rev: Option<String>,
    /// An allowed-signers file, relative to the stack file: the registry must be read at
    /// a commit signed by one of its keys.
    pub allowed_signers: Option<String>,
    pub needs: BTreeMap<Id, Need>,
    pub policy: Policy,
    pub prefer: Vec<Id>,
    #[serde(with = "wire::map")]
    pub current: BTreeMap<Id, Version>,
    /// The contracts `[current]` tables record, by component (only entries that give one).
    pub contracts: BTreeMap<Id, Contract>,
}

/// The contract a component of `[current]` runs under.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct Contract {
    /// The day the contract ends.
    pub contract_ends: Option<Date>,
    /// Months of notice before an end by which a decision is due.
    pub notice_months: Option<u32>,
}

impl Contract {
    /// The months of notice, 0 when none is given.
    pub fn notice(&self) -> u32 {
        self.notice_months.unwrap_or(0)
    }
}

/// One entry of `[needs]`. As text (JSON, the history diff) it is written as it reads:
/// `component fixmystreet >=5`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Need {
    Component {
        id: Id,
        #[serde(with = "wire::one")]
        version: VersionReq,
    },
    Interface {
        id: Id,
        #[serde(with = "wire::one")]
        version: VersionReq,
    },
    Capability {
        id: Id,
    },
}

impl Serialize for Need {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStructVariant as _;
        if s.is_human_readable() {
            return s.collect_str(self);
        }
        let (index, name, id, version) = match self {
            Need::Component { id, version } => (0, "component", id, Some(version)),
            Need::Interface { id, version } => (1, "interface", id, Some(version)),
            Need::Capability { id } => (2, "capability", id, None),
        };
        let mut v =
            s.serialize_struct_variant("Need", index, name, 1 + usize::from(version.is_some()))?;
        v.serialize_field("id", id)?;
        if let Some(version) = version {
            v.serialize_field("version", &wire::W(version))?;
        }
        v.end()
    }
}

impl Need {
    /// The component, interface or capability id the need names.
    pub fn target(&self) -> &Id {
        match self {
            Need::Component { id, .. } | Need::Interface { id, .. } | Need::Capability { id } => id,
        }
    }
}

impl fmt::Display for Need {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let star = |v: &VersionReq| *v == VersionReq::STAR;
        match self {
            Need::Component { id, version } if star(version) => write!(f, "component {id}"),
            Need::Component { id, version } => write!(f, "component {id} {version}"),
            Need::Interface { id, version } if star(version) => write!(f, "interface {id}"),
            Need::Interface { id, version } => write!(f, "interface {id} {version}"),
            Need::Capability { id } => write!(f, "capability {id}"),
        }
    }
}

/// The `[policy]` table, checked. Every rule is about the component, so a component
/// passes or fails as a whole.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct Policy {
    /// Allowed lifecycles; `None` means all but retired.
    pub lifecycle: Option<Vec<Lifecycle>>,
    pub open_source: bool,
    pub assurances: Vec<String>,
    pub kinds: Option<Vec<Kind>>,
    pub exclude_components: Vec<Id>,
    pub exclude_suppliers: Vec<String>,
}

/// The policy rule that excludes a component, in the words of the stack file.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(tag = "rule", rename_all = "kebab-case")]
pub enum PolicyRule {
    Lifecycle { lifecycle: Lifecycle },
    OpenSource { licence: String },
    Assurance { missing: String },
    Kind { kind: Kind },
    ExcludeComponents,
    ExcludeSuppliers { supplier: String },
}

impl fmt::Display for PolicyRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PolicyRule::Lifecycle { lifecycle } if *lifecycle == Lifecycle::Retired => {
                write!(f, "it is retired (policy lifecycle)")
            }
            PolicyRule::Lifecycle { lifecycle } => {
                write!(f, "its lifecycle `{lifecycle}` is not in policy lifecycle")
            }
            PolicyRule::OpenSource { licence } => {
                write!(
                    f,
                    "its licence `{licence}` is not open source (policy open-source)"
                )
            }
            PolicyRule::Assurance { missing } => {
                write!(f, "it lacks assurance `{missing}` (policy assurances)")
            }
            PolicyRule::Kind { kind } => write!(f, "its kind `{kind}` is not in policy kinds"),
            PolicyRule::ExcludeComponents => write!(f, "policy exclude-components names it"),
            PolicyRule::ExcludeSuppliers { supplier } => {
                write!(
                    f,
                    "its supplier `{supplier}` is in policy exclude-suppliers"
                )
            }
        }
    }
}

impl Policy {
    /// The first rule `component` breaks, or `None` when it passes.
    pub fn check(&self, component: &Component) -> Option<PolicyRule> {
        self.violations(component).into_iter().next()
    }

    /// Every rule `component` breaks, in a fixed order.
    pub fn violations(&self, component: &Component) -> Vec<PolicyRule> {
        let mut out = Vec::new();
        if self.exclude_components.contains(&component.id) {
            out.push(PolicyRule::ExcludeComponents);
        }
        if self
            .exclude_suppliers
            .iter()
            .any(|s| super::name::same(s, &component.supplier))
        {
            out.push(PolicyRule::ExcludeSuppliers {
                supplier: component.supplier.clone(),
            });
        }
        let lifecycle_ok = match &self.lifecycle {
            Some(allowed) => allowed.contains(&component.lifecycle),
            None => component.lifecycle != Lifecycle::Retired,
        };
        if !lifecycle_ok {
            out.push(PolicyRule::Lifecycle {
                lifecycle: component.lifecycle,
            });
        }
        if self.open_source && !component.licence.is_open_source() {
            out.push(PolicyRule::OpenSource {
                licence: component.licence.to_string(),
            });
        }
        if let Some(kinds) = &self.kinds
            && !kinds.contains(&component.kind)
        {
            out.push(PolicyRule::Kind {
                kind: component.kind,
            });
        }
        for a in &self.assurances {
            if !component.assurances.iter().any(|have| have == a) {
                out.push(PolicyRule::Assurance { missing: a.clone() });
            }
        }
        out
    }
}
