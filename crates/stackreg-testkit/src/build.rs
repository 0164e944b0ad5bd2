//! Registries and stacks built directly as model values, for resolver tests that do not
//! need files. Builders take literals written in the tests, so a bad one panics.

#![allow(clippy::unwrap_used)]

use std::collections::BTreeMap;

use semver::{Version, VersionReq};
use stackreg::model::{
    Component, Date, Id, Kind, Licence, Lifecycle, Need, Policy, RegistryMeta, Release, Stack,
};
use stackreg::model::{IdMap, Registry, SourceInfo};

pub fn id(s: &str) -> Id {
    Id::parse(s).unwrap()
}

pub fn v(s: &str) -> Version {
    Version::parse(s).unwrap()
}

pub fn req(s: &str) -> VersionReq {
    VersionReq::parse(s).unwrap()
}

pub fn empty_registry() -> Registry {
    Registry {
        source: SourceInfo {
            source: "memory".into(),
            commit: None,
            path_in_repo: None,
        },
        meta: RegistryMeta {
            name: "test".into(),
            description: String::new(),
        },
        interfaces: BTreeMap::new(),
        components: BTreeMap::new(),
        stacks: BTreeMap::new(),
    }
}

pub fn release(version: &str) -> Release {
    Release {
        version: v(version),
        released: Date::new(2024, 1, 1).unwrap(),
        support_ends: None,
        provides: IdMap::new(),
        requires: IdMap::new(),
        depends: IdMap::new(),
        conflicts: IdMap::new(),
        yanked: None,
    }
}

pub fn component(name: &str, releases: Vec<Release>) -> Component {
    let mut releases = releases;
    releases.sort_by(|a, b| a.version.cmp(&b.version));
    Component {
        id: id(name),
        name: name.into(),
        summary: "test".into(),
        supplier: format!("{name} Ltd"),
        licence: Licence::parse("MIT").unwrap(),
        kind: Kind::Saas,
        capabilities: vec![id("testing")],
        lifecycle: Lifecycle::Live,
        assurances: Vec::new(),
        homepage: "https://example.com".into(),
        repository: None,
        releases,
    }
}

pub fn add(reg: &mut Registry, c: Component) {
    reg.components.insert(c.id.clone(), c);
}

pub fn stack(needs: Vec<(&str, Need)>) -> Stack {
    Stack {
        name: "test stack".into(),
        registry: None,
        rev: None,
        allowed_signers: None,
        needs: needs.into_iter().map(|(n, need)| (id(n), need)).collect(),
        policy: Policy::default(),
        prefer: Vec::new(),
        current: BTreeMap::new(),
        contracts: BTreeMap::new(),
    }
}

pub fn need_component(c: &str, r: &str) -> Need {
    Need::Component {
        id: id(c),
        version: req(r),
    }
}

pub fn need_interface(i: &str, r: &str) -> Need {
    Need::Interface {
        id: id(i),
        version: req(r),
    }
}

pub fn need_capability(c: &str) -> Need {
    Need::Capability { id: id(c) }
}
