//! What a synthetic registry looks like: its size and its shape (how many components
//! share a capability or an interface, how much each release requires and depends on,
//! what the stacks ask for), with the three catalogue shapes the benchmarks run.

use std::fmt;
use std::str::FromStr;

/// What to generate. `Params::default()` is the sparse shape; every field left at its
/// default generates exactly what it did before the field existed.
#[derive(Debug, Clone)]
pub struct Params {
    pub seed: u64,
    pub components: usize,
    /// Mean releases per component.
    pub releases: usize,
    pub interfaces: usize,
    /// Mean providers per interface; by default about one interface per component.
    pub providers: Option<f64>,
    /// Capabilities; by default one for every ten components (at least 20).
    pub capabilities: Option<usize>,
    /// How many components list each capability, as a range `(low, high)`: each
    /// capability is given a share drawn evenly from it, and components list capabilities
    /// of their layer in proportion to their shares, as many each as the shares add up to.
    /// By default every component lists one capability of its layer (15% a second).
    pub per_capability: Option<(usize, usize)>,
    /// Percent of components that are one of a kind: nothing else serves or provides
    /// what they do.
    pub sole_percent: u32,
    /// Percent of components whose releases require an interface (of a deeper layer),
    /// among the components of every layer but the deepest.
    pub requires_percent: u32,
    /// The range of every `requires` entry; by default `>=1` in a component's older
    /// releases and `>=1.1` in its newer ones. (Interfaces are at 1.0.0 in a provider's
    /// older releases, 1.1.0 in its newer ones and 2.0.0 in its newest.)
    pub requires_range: Option<String>,
    /// Percent of components that depend on one component (of a deeper layer), among the
    /// components of every layer but the deepest; by default 35% depend on one and 15%
    /// on two.
    pub depends_percent: Option<u32>,
    /// The longest `depends` chain.
    pub depth: usize,
    /// Percent of releases yanked (never a component's newest).
    pub yanked_percent: u32,
    /// Percent of components deprecated.
    pub deprecated_percent: u32,
    /// The number of needs of each stack to generate.
    pub stacks: Vec<usize>,
    /// Also grow a stack until its plan holds this many components (0: none).
    pub plan_size: usize,
    /// How many of the generated stacks are also reference stacks in `stacks/`.
    pub reference_stacks: usize,
    /// The kinds of need a stack takes in turn.
    pub need_kinds: Vec<NeedKind>,
    /// How many layers, from the top, a stack's needs are drawn from; by default
    /// capabilities and interfaces of the top layer and components of the top two.
    pub need_layers: Option<usize>,
}

impl Default for Params {
    fn default() -> Params {
        Params {
            seed: 1,
            components: 1000,
            releases: 10,
            interfaces: 500,
            providers: None,
            capabilities: None,
            per_capability: None,
            sole_percent: 3,
            requires_percent: 40,
            requires_range: None,
            depends_percent: None,
            depth: 4,
            yanked_percent: 3,
            deprecated_percent: 5,
            stacks: vec![10, 25, 50],
            plan_size: 40,
            reference_stacks: 1,
            need_kinds: vec![
                NeedKind::Capability,
                NeedKind::Interface,
                NeedKind::Component,
            ],
            need_layers: None,
        }
    }
}

/// A kind of stack need.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NeedKind {
    Capability,
    Interface,
    Component,
}

impl FromStr for NeedKind {
    type Err = String;

    fn from_str(s: &str) -> Result<NeedKind, String> {
        match s {
            "capability" => Ok(NeedKind::Capability),
            "interface" => Ok(NeedKind::Interface),
            "component" => Ok(NeedKind::Component),
            other => Err(format!(
                "unknown need kind `{other}` (capability, interface or component)"
            )),
        }
    }
}

/// The shapes of catalogue the benchmarks run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Catalogue {
    /// Few providers per capability and interface: one capability per ten components,
    /// one component in ten listing each (the default parameters).
    Sparse,
    /// A national catalogue: 40 capabilities with about 500 components listing each
    /// (at 10,000 components), half the components requiring one interface `^1`, 30%
    /// depending on a component; stacks alternate capability and interface needs.
    Dense,
    /// A county council's catalogue: 40 capabilities with 20 to 80 components listing
    /// each (about 2,000 components).
    County,
}

impl Catalogue {
    pub const ALL: [Catalogue; 3] = [Catalogue::Sparse, Catalogue::Dense, Catalogue::County];

    /// The parameters of this shape, at its usual size.
    pub fn params(self) -> Params {
        match self {
            Catalogue::Sparse => Params::default(),
            Catalogue::Dense => Params {
                components: 10_000,
                capabilities: Some(40),
                per_capability: Some((500, 500)),
                sole_percent: 0,
                // Of the four layers in five that build on a deeper one: half and 30% of
                // every release.
                requires_percent: 63,
                requires_range: Some("^1".into()),
                depends_percent: Some(38),
                need_kinds: vec![NeedKind::Capability, NeedKind::Interface],
                need_layers: Some(5),
                ..Params::default()
            },
            Catalogue::County => Params {
                components: 2_000,
                capabilities: Some(40),
                per_capability: Some((20, 80)),
                sole_percent: 0,
                need_kinds: vec![NeedKind::Capability, NeedKind::Interface],
                need_layers: Some(5),
                ..Params::default()
            },
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Catalogue::Sparse => "sparse",
            Catalogue::Dense => "dense",
            Catalogue::County => "county",
        }
    }
}

impl fmt::Display for Catalogue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Catalogue {
    type Err = String;

    fn from_str(s: &str) -> Result<Catalogue, String> {
        Catalogue::ALL
            .into_iter()
            .find(|c| c.name() == s)
            .ok_or_else(|| format!("unknown shape `{s}` (sparse, dense or county)"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::synth::generate;

    #[test]
    fn shapes_parse_and_the_county_shape_has_many_providers_per_capability() {
        assert_eq!("county".parse::<Catalogue>(), Ok(Catalogue::County));
        assert_eq!(
            "national".parse::<Catalogue>(),
            Err("unknown shape `national` (sparse, dense or county)".to_string())
        );
        let p = Params {
            components: 400,
            stacks: vec![10],
            plan_size: 0,
            ..Catalogue::County.params()
        };
        let generated = generate(&p).unwrap();
        let mut listing: std::collections::BTreeMap<String, usize> = Default::default();
        for (path, text) in &generated.files {
            if !path.starts_with("components/") {
                continue;
            }
            let line = text
                .lines()
                .find(|l| l.starts_with("capabilities = "))
                .unwrap();
            for cap in line.split('"').skip(1).step_by(2) {
                *listing.entry(cap.to_string()).or_default() += 1;
            }
        }
        // 40 capabilities, each listed by several components: at 400 components the
        // shares of 20 to 80 (2,000 listings) come to about five capabilities each.
        assert_eq!(listing.len(), 40, "{listing:?}");
        assert!(listing.values().all(|&n| n >= 5), "{listing:?}");
        let needs = &generated.stacks[0];
        assert_eq!(needs.needs, 10);
        assert!(needs.plan > 0);
    }
}
