//! Synthetic registries of any size, for benchmarks and scale tests.
//!
//! A registry is generated from a seed, so the same parameters always give byte-identical
//! manifests and the same git commit. Components sit in dependency layers (layer 0 are the
//! services a council buys; deeper layers are what they are built on): `depends` and
//! `requires` only point deeper, so chains are as long as the configured depth and never
//! loop. Interfaces have several providers (some have one), capabilities several
//! components (some one), and a share of releases are yanked and of components
//! deprecated, beta or retired, so resolution meets what a real catalogue holds.
//!
//! Stacks are grown need by need and kept only while they still resolve, so every
//! generated stack has a plan (checked with the real resolver).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use git2::{ObjectType, Oid, Repository, RepositoryInitOptions, Signature, Time};

use stackreg::model::{Registry, Stack};
use stackreg::resolve::{Options, Resolution, Resolver};
use stackreg::source::memory::MemorySource;

mod params;

pub use params::{Catalogue, NeedKind, Params};

/// A generated registry: its files (registry-relative path → text) and council stacks.
#[derive(Debug, Clone)]
pub struct Synthetic {
    pub files: BTreeMap<String, String>,
    /// Stack files kept outside the registry: (file name, text without `[stack] registry`).
    pub stacks: Vec<GeneratedStack>,
}

/// One generated stack.
#[derive(Debug, Clone)]
pub struct GeneratedStack {
    /// `needs-50`, `plan-40`: the file stem.
    pub name: String,
    pub needs: usize,
    /// Components in its plan.
    pub plan: usize,
    /// The file's text; `registry` is the `[stack] registry` value, if any.
    pub text: String,
}

impl GeneratedStack {
    /// The stack file's text with `[stack] registry = "…"`.
    pub fn with_registry(&self, registry: &str) -> String {
        self.text.replacen(
            "[stack]\n",
            &format!("[stack]\nregistry = \"{registry}\"\n"),
            1,
        )
    }
}

/// Why a registry could not be generated.
#[derive(Debug, thiserror::Error)]
pub enum SynthError {
    #[error("the generated registry is invalid: {0}")]
    Invalid(String),
    #[error("git failed while writing the registry")]
    Git(#[from] git2::Error),
    #[error("could not write {path}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
}

/// A small, fast, deterministic generator (SplitMix64).
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed ^ 0x5DEE_CE66_D1CE_4E5B)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n` > 0).
    pub fn below(&mut self, n: usize) -> usize {
        ((self.next_u64() >> 11) % n.max(1) as u64) as usize
    }

    /// True `percent` times in a hundred.
    pub fn chance(&mut self, percent: u32) -> bool {
        self.below(100) < percent as usize
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    pub fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            items.swap(i, self.below(i + 1));
        }
    }
}

const WORDS: [&str; 48] = [
    "alder",
    "badger",
    "bramble",
    "civic",
    "coral",
    "dipper",
    "ember",
    "fennel",
    "gannet",
    "harbour",
    "heron",
    "inkcap",
    "juniper",
    "kestrel",
    "lantern",
    "larch",
    "marram",
    "merlin",
    "nettle",
    "oxbow",
    "puffin",
    "quillwort",
    "rowan",
    "saltmarsh",
    "sedge",
    "sorrel",
    "tern",
    "thistle",
    "umber",
    "vetch",
    "willow",
    "wren",
    "yarrow",
    "zephyr",
    "acorn",
    "beacon",
    "cobble",
    "dunlin",
    "estuary",
    "ferry",
    "granite",
    "hollow",
    "ivy",
    "kelp",
    "linnet",
    "moor",
    "osprey",
    "plover",
];

const FUNCTIONS: [&str; 40] = [
    "cms",
    "forms",
    "payments",
    "casework",
    "crm",
    "bookings",
    "waste",
    "highways",
    "planning",
    "licensing",
    "identity",
    "messaging",
    "records",
    "search",
    "gazetteer",
    "portal",
    "directory",
    "income",
    "benefits",
    "housing",
    "parking",
    "libraries",
    "elections",
    "council-tax",
    "complaints",
    "foi",
    "grants",
    "procurement",
    "hr",
    "finance",
    "documents",
    "analytics",
    "maps",
    "signing",
    "scheduling",
    "inspections",
    "permits",
    "registrars",
    "archives",
    "assets",
];

const LICENCES: [&str; 7] = [
    "MIT",
    "Apache-2.0",
    "AGPL-3.0-or-later",
    "GPL-2.0-or-later",
    "MPL-2.0",
    "LicenseRef-Proprietary",
    "LicenseRef-Proprietary",
];

const KINDS: [&str; 10] = [
    "saas",
    "saas",
    "saas",
    "saas",
    "self-hosted",
    "self-hosted",
    "self-hosted",
    "platform-service",
    "platform-service",
    "library",
];

const ASSURANCES: [&str; 4] = [
    "wcag-2.2-aa",
    "cyber-essentials-plus",
    "iso-27001",
    "g-cloud-14",
];

/// A version as three numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct V(u64, u64, u64);

impl std::fmt::Display for V {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}.{}", self.0, self.1, self.2)
    }
}

/// The interface versions every synthetic interface publishes.
const INTERFACE_VERSIONS: [&str; 3] = ["1.0.0", "1.1.0", "2.0.0"];

/// What one component is, decided before any manifest is written.
struct Shape {
    id: String,
    layer: usize,
    capabilities: Vec<String>,
    provides: Vec<usize>,
    versions: Vec<V>,
    lifecycle: &'static str,
}

/// The id of the n-th name made of two words and a number: `kestrel-records-12`.
fn name(n: usize, suffix: &str) -> String {
    let a = WORDS[n % WORDS.len()];
    let b = FUNCTIONS[(n / WORDS.len()) % FUNCTIONS.len()];
    format!(
        "{a}-{b}-{suffix}{}",
        n / (WORDS.len() * FUNCTIONS.len()) + 1
    )
}

/// `mean` rounded down, plus one with a chance of its fraction (in whole percent).
fn whole_and_chance(mean: f64, rng: &mut Rng) -> usize {
    let whole = mean.floor() as usize;
    let frac = ((mean - whole as f64) * 100.0) as u32;
    whole + usize::from(rng.chance(frac))
}

/// One of `items` (indexes into `shares`), drawn in proportion to its share.
fn weighted(items: &[usize], shares: &[usize], rng: &mut Rng) -> usize {
    let total: usize = items.iter().map(|&i| shares[i]).sum();
    let mut at = rng.below(total.max(1));
    for &i in items {
        if at < shares[i] {
            return i;
        }
        at -= shares[i];
    }
    items[items.len() - 1]
}

/// Generates the registry's files and its stacks.
pub fn generate(p: &Params) -> Result<Synthetic, SynthError> {
    let mut rng = Rng::new(p.seed);
    let layers = p.depth + 1;
    let n = p.components.max(layers);
    let n_ifaces = p.interfaces.max(layers);
    let n_caps = p.capabilities.unwrap_or((n / 10).max(20)).max(layers);
    let layer_of = |i: usize, count: usize| i * layers / count;

    let interface_ids: Vec<String> = (0..n_ifaces).map(|i| name(i * 7 + 3, "api-")).collect();
    let capability_ids: Vec<String> = (0..n_caps).map(|i| name(i * 5 + 1, "cap-")).collect();
    let suppliers: Vec<String> = (0..(n / 20).max(5))
        .map(|i| {
            let w = WORDS[i % WORDS.len()];
            let mut s = format!("{}{} Digital", w[..1].to_uppercase(), &w[1..]);
            if i >= WORDS.len() {
                let _ = write!(s, " {}", i / WORDS.len() + 1);
            }
            s.push_str(" Ltd");
            s
        })
        .collect();
    let ifaces_in = |layer: usize| -> Vec<usize> {
        (0..n_ifaces)
            .filter(|&i| layer_of(i, n_ifaces) == layer)
            .collect()
    };
    let caps_in = |layer: usize| -> Vec<usize> {
        (0..n_caps)
            .filter(|&i| layer_of(i, n_caps) == layer)
            .collect()
    };
    let provides_mean = p
        .providers
        .map_or(1.1, |pp| pp * n_ifaces as f64 / n as f64);
    // Each capability's share of the listings, and how many capabilities a component lists
    // on average, when the shape sets how many components list each.
    let shares: Vec<usize> = match p.per_capability {
        Some((low, high)) => (0..n_caps)
            .map(|_| low + rng.below(high.saturating_sub(low) + 1))
            .collect(),
        None => Vec::new(),
    };
    let listings = shares.iter().sum::<usize>() as f64 / n as f64;

    // First what every component is: its layer, what it serves and provides, its versions.
    let ifaces_by_layer: Vec<Vec<usize>> = (0..layers).map(ifaces_in).collect();
    let caps_by_layer: Vec<Vec<usize>> = (0..layers).map(caps_in).collect();
    let mut plans: Vec<Shape> = Vec::with_capacity(n);
    for i in 0..n {
        let layer = layer_of(i, n);
        let id = format!(
            "{}-{}-{i}",
            WORDS[i % WORDS.len()],
            FUNCTIONS[(i / WORDS.len()) % FUNCTIONS.len()]
        );
        let caps = &caps_by_layer[layer];
        let ifaces = &ifaces_by_layer[layer];
        let mut capabilities = Vec::new();
        if shares.is_empty() {
            capabilities.push(capability_ids[*rng.pick(caps)].clone());
        }
        let mut provides = Vec::new();
        if rng.chance(p.sole_percent) {
            // A one-of-a-kind component: nothing else serves or provides what it does.
            capabilities = vec![format!("sole-{id}")];
        } else {
            if shares.is_empty() {
                if rng.chance(15) {
                    let extra = capability_ids[*rng.pick(caps)].clone();
                    if !capabilities.contains(&extra) {
                        capabilities.push(extra);
                    }
                }
            } else {
                let count = whole_and_chance(listings, &mut rng).clamp(1, caps.len());
                while capabilities.len() < count {
                    let x = capability_ids[weighted(caps, &shares, &mut rng)].clone();
                    if !capabilities.contains(&x) {
                        capabilities.push(x);
                    }
                }
            }
            let count = whole_and_chance(provides_mean, &mut rng);
            for _ in 0..count.min(ifaces.len()) {
                let x = *rng.pick(ifaces);
                if !provides.contains(&x) {
                    provides.push(x);
                }
            }
            provides.sort_unstable();
        }
        capabilities.sort_unstable();
        let low = (p.releases * 7 / 10).max(1);
        let high = (p.releases * 13 / 10).max(low);
        let count = low + rng.below(high - low + 1);
        let mut v = V(1, 0, 0);
        let mut versions = Vec::with_capacity(count);
        for k in 0..count {
            if k > 0 {
                v = match rng.below(10) {
                    0 | 1 => V(v.0 + 1, 0, 0),
                    2..=6 => V(v.0, v.1 + 1, 0),
                    _ => V(v.0, v.1, v.2 + 1),
                };
            }
            versions.push(v);
        }
        let lifecycle = match rng.below(100) {
            x if x < p.deprecated_percent as usize => "deprecated",
            x if x < p.deprecated_percent as usize + 5 => "beta",
            x if x < p.deprecated_percent as usize + 7 => "alpha",
            x if x < p.deprecated_percent as usize + 8 => "retired",
            _ => "live",
        };
        plans.push(Shape {
            id,
            layer,
            capabilities,
            provides,
            versions,
            lifecycle,
        });
    }
    // Who provides what, and who serves what, to pick satisfiable `requires`.
    let mut providers_of: Vec<Vec<usize>> = vec![Vec::new(); n_ifaces];
    for (ci, c) in plans.iter().enumerate() {
        for &x in &c.provides {
            providers_of[x].push(ci);
        }
    }
    let by_layer: Vec<Vec<usize>> = (0..layers)
        .map(|l| (0..n).filter(|&ci| plans[ci].layer == l).collect())
        .collect();
    let usable = |ci: usize, plans: &[Shape]| plans[ci].lifecycle == "live";
    // For each layer, the interfaces of deeper layers with two live providers or more.
    let deeper_ifaces: Vec<Vec<usize>> = (0..layers)
        .map(|l| {
            (l + 1..layers)
                .flat_map(|d| ifaces_by_layer[d].iter().copied())
                .filter(|&x| {
                    providers_of[x]
                        .iter()
                        .filter(|&&p| usable(p, &plans))
                        .count()
                        >= 2
                })
                .collect()
        })
        .collect();

    let mut files = BTreeMap::new();
    files.insert(
        "registry.toml".to_owned(),
        format!(
            "[registry]\nname = \"Synthetic registry\"\ndescription = \"{n} components, {n_ifaces} interfaces, seed {}\"\nformat = 1\n",
            p.seed
        ),
    );
    for (i, id) in interface_ids.iter().enumerate() {
        files.insert(
            format!("interfaces/{id}.toml"),
            format!(
                "id = \"{id}\"\nname = \"{} API\"\nsummary = \"Synthetic interface {i}\"\nowner = \"{}\"\nspecification = \"https://standards.example.org/{id}\"\nversions = [\"{}\"]\n",
                title(id),
                suppliers[i % suppliers.len()],
                INTERFACE_VERSIONS.join("\", \""),
            ),
        );
    }

    for ci in 0..n {
        let c = &plans[ci];
        let mut out = String::with_capacity(256 + c.versions.len() * 200);
        let licence = *rng.pick(&LICENCES);
        let kind = *rng.pick(&KINDS);
        let supplier = &suppliers[rng.below(suppliers.len())];
        let mut assurances: Vec<&str> = ASSURANCES
            .iter()
            .copied()
            .filter(|_| rng.chance(40))
            .collect();
        assurances.sort_unstable();
        let caps: Vec<String> = c.capabilities.iter().map(|x| format!("\"{x}\"")).collect();
        let _ = write!(
            out,
            "id = \"{id}\"\nname = \"{title}\"\nsummary = \"Synthetic component {ci} in layer {layer}\"\nsupplier = \"{supplier}\"\nlicence = \"{licence}\"\nkind = \"{kind}\"\ncapabilities = [{caps}]\nlifecycle = \"{lifecycle}\"\nassurances = [{assurances}]\nhomepage = \"https://www.example.org/{id}\"\n",
            id = c.id,
            title = title(&c.id),
            layer = c.layer,
            caps = caps.join(", "),
            lifecycle = c.lifecycle,
            assurances = assurances
                .iter()
                .map(|a| format!("\"{a}\""))
                .collect::<Vec<_>>()
                .join(", "),
        );
        if rng.chance(50) {
            let _ = writeln!(out, "repository = \"https://git.example.org/{}\"", c.id);
        }

        // What it builds on: components and interfaces of deeper layers.
        let mut depends: Vec<(usize, V)> = Vec::new();
        let mut requires: Vec<usize> = Vec::new();
        let mut conflicts: Vec<(usize, V)> = Vec::new();
        if c.layer + 1 < layers {
            let deeper = &by_layer[c.layer + 1];
            let wanted = match p.depends_percent {
                Some(percent) => usize::from(rng.chance(percent)),
                None => match rng.below(20) {
                    0..=6 => 1,
                    7..=9 => 2,
                    _ => 0,
                },
            };
            for _ in 0..wanted {
                // Prefer a live target, so stacks with a lifecycle policy still resolve.
                let mut t = *rng.pick(deeper);
                for _ in 0..4 {
                    if usable(t, &plans) {
                        break;
                    }
                    t = *rng.pick(deeper);
                }
                if depends.iter().all(|(d, _)| *d != t) {
                    let tv = &plans[t].versions;
                    depends.push((t, tv[tv.len() / 2]));
                }
            }
            if rng.chance(p.requires_percent) && !deeper_ifaces[c.layer].is_empty() {
                requires.push(*rng.pick(&deeper_ifaces[c.layer]));
            }
        }
        if rng.chance(5) {
            let cap = &c.capabilities[0];
            let rivals: Vec<usize> = by_layer[c.layer]
                .iter()
                .copied()
                .filter(|&r| r != ci && plans[r].capabilities.contains(cap))
                .take(8)
                .collect();
            if !rivals.is_empty() {
                let r = *rng.pick(&rivals);
                conflicts.push((r, V(plans[r].versions[0].0 + 1, 0, 0)));
            }
        }
        depends.sort_by_key(|(d, _)| plans[*d].id.clone());
        requires.sort_by_key(|&x| interface_ids[x].clone());

        let count = c.versions.len();
        let mut day = 16_000 + rng.below(1500) as i64;
        for (k, v) in c.versions.iter().enumerate() {
            let latest_half = k >= count / 2;
            day += 30 + rng.below(200) as i64;
            let _ = write!(
                out,
                "\n[[release]]\nversion = \"{v}\"\nreleased = {}\n",
                stackreg::model::Date::from_days(day)
            );
            if rng.chance(30) {
                let _ = writeln!(
                    out,
                    "support-ends = {}",
                    stackreg::model::Date::from_days(day + 700 + rng.below(700) as i64)
                );
            }
            if !c.provides.is_empty() {
                let version = if k + 1 == count {
                    INTERFACE_VERSIONS[2]
                } else if latest_half {
                    INTERFACE_VERSIONS[1]
                } else {
                    INTERFACE_VERSIONS[0]
                };
                let pairs: Vec<String> = c
                    .provides
                    .iter()
                    .map(|&x| format!("{} = \"{version}\"", interface_ids[x]))
                    .collect();
                let _ = writeln!(out, "provides = {{ {} }}", pairs.join(", "));
            }
            if !requires.is_empty() {
                let range = match &p.requires_range {
                    Some(range) => range.as_str(),
                    None if latest_half => ">=1.1",
                    None => ">=1",
                };
                let pairs: Vec<String> = requires
                    .iter()
                    .map(|&x| format!("{} = \"{range}\"", interface_ids[x]))
                    .collect();
                let _ = writeln!(out, "requires = {{ {} }}", pairs.join(", "));
            }
            if !depends.is_empty() {
                let pairs: Vec<String> = depends
                    .iter()
                    .map(|(d, at)| {
                        let range = if latest_half {
                            format!(">={at}")
                        } else {
                            format!(">={}", plans[*d].versions[0])
                        };
                        format!("{} = \"{range}\"", plans[*d].id)
                    })
                    .collect();
                let _ = writeln!(out, "depends = {{ {} }}", pairs.join(", "));
            }
            if !conflicts.is_empty() {
                let pairs: Vec<String> = conflicts
                    .iter()
                    .map(|(r, below)| format!("{} = \"<{below}\"", plans[*r].id))
                    .collect();
                let _ = writeln!(out, "conflicts = {{ {} }}", pairs.join(", "));
            }
            if k + 1 < count && rng.chance(p.yanked_percent) {
                let _ = writeln!(
                    out,
                    "yanked = \"security: upgrade to {}\"",
                    c.versions[count - 1]
                );
            }
        }
        files.insert(format!("components/{}.toml", c.id), out);
    }

    // Stacks: grown need by need against the real resolver.
    let mut source = MemorySource::new("synthetic");
    for (path, text) in &files {
        source.insert(path, text.as_bytes());
    }
    let loaded =
        stackreg::catalog::load(&source).map_err(|e| SynthError::Invalid(e.to_string()))?;
    if let Some(d) = loaded.diagnostics.iter().find(|d| d.is_error()) {
        return Err(SynthError::Invalid(format!(
            "{}: {} ({})",
            d.file, d.message, d.code
        )));
    }
    let registry = &loaded.registry;
    // Needs of each kind, taken in turn (by default a capability, an interface, a
    // component), from the top layers.
    let (top, top_components) = match p.need_layers {
        Some(k) => (k.clamp(1, layers), k.clamp(1, layers)),
        None => (1, 2.min(layers)),
    };
    let pools: Vec<Vec<String>> = p
        .need_kinds
        .iter()
        .map(|kind| match kind {
            NeedKind::Capability => caps_by_layer[..top]
                .iter()
                .flatten()
                .map(|&x| format!("{{ capability = \"{}\" }}", capability_ids[x]))
                .collect(),
            NeedKind::Interface => ifaces_by_layer[..top]
                .iter()
                .flatten()
                .filter(|&&x| providers_of[x].len() >= 2)
                .map(|&x| {
                    format!(
                        "{{ interface = \"{}\", version = \">=1.1\" }}",
                        interface_ids[x]
                    )
                })
                .collect(),
            NeedKind::Component => by_layer[..top_components]
                .iter()
                .flatten()
                .map(|&ci| &plans[ci])
                .filter(|c| c.lifecycle == "live")
                .map(|c| {
                    format!(
                        "{{ component = \"{}\", version = \">={}\" }}",
                        c.id, c.versions[0]
                    )
                })
                .collect(),
        })
        .collect();
    let mut stacks = Vec::new();
    let mut wanted: Vec<(String, usize, usize)> = p
        .stacks
        .iter()
        .map(|&k| (format!("needs-{k}"), k, 0))
        .collect();
    if p.plan_size > 0 {
        wanted.push((format!("plan-{}", p.plan_size), usize::MAX, p.plan_size));
    }
    for (number, (stack_name, need_count, plan_size)) in wanted.into_iter().enumerate() {
        let mut shuffled = pools.clone();
        for pool in &mut shuffled {
            rng.shuffle(pool);
        }
        let longest = shuffled.iter().map(Vec::len).max().unwrap_or(0);
        let order: Vec<String> = (0..longest)
            .flat_map(|k| shuffled.iter().filter_map(move |p| p.get(k).cloned()))
            .collect();
        let policy = match number % 3 {
            0 => "lifecycle = [\"beta\", \"live\"]\n",
            1 => "lifecycle = [\"live\"]\nexclude-suppliers = [\"Alder Digital Ltd\"]\n",
            _ => "",
        };
        let mut needs: Vec<(String, String)> = Vec::new();
        let mut plan_len = 0;
        let mut plan_versions = BTreeMap::new();
        for (k, need) in order.iter().enumerate() {
            if needs.len() >= need_count || (plan_size > 0 && plan_len >= plan_size) {
                break;
            }
            needs.push((format!("need-{k}"), need.clone()));
            let text = stack_text(&stack_name, &needs, policy, &BTreeMap::new());
            match resolve_text(registry, &text) {
                Some(plan) => {
                    plan_len = plan.len();
                    plan_versions = plan;
                }
                None => {
                    needs.pop();
                }
            }
        }
        // Three planned components run today at their planned version.
        let mut current = BTreeMap::new();
        for (id, v) in plan_versions.iter().step_by(7).take(3) {
            current.insert(id.clone(), v.clone());
        }
        let text = stack_text(&stack_name, &needs, policy, &current);
        let plan = resolve_text(registry, &text)
            .ok_or_else(|| SynthError::Invalid(format!("stack {stack_name} does not resolve")))?;
        stacks.push(GeneratedStack {
            name: stack_name,
            needs: needs.len(),
            plan: plan.len(),
            text,
        });
    }
    for s in stacks.iter().take(p.reference_stacks) {
        files.insert(format!("stacks/reference-{}.toml", s.name), s.text.clone());
    }
    Ok(Synthetic { files, stacks })
}

fn title(id: &str) -> String {
    id.split('-')
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_uppercase().chain(c).collect::<String>())
                .unwrap_or_default()
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn stack_text(
    name: &str,
    needs: &[(String, String)],
    policy: &str,
    current: &BTreeMap<String, String>,
) -> String {
    let mut out = format!("[stack]\nname = \"Synthetic council {name}\"\n\n[needs]\n");
    for (k, v) in needs {
        let _ = writeln!(out, "{k} = {v}");
    }
    if !policy.is_empty() {
        let _ = write!(out, "\n[policy]\n{policy}");
    }
    if !current.is_empty() {
        out.push_str("\n[current]\n");
        for (id, v) in current {
            let _ = writeln!(out, "{id} = \"{v}\"");
        }
    }
    out
}

/// The plan (`id → version`) of a stack's text, if it resolves.
fn resolve_text(registry: &Registry, text: &str) -> Option<BTreeMap<String, String>> {
    let parsed = stackreg::model::validate::stack("stack.toml", None, text);
    let stack: Stack = parsed.value?;
    match Resolver::new(registry, &stack).resolve(&Options::default()) {
        Ok(Resolution::Resolved(plan)) => Some(
            plan.releases
                .iter()
                .map(|r| (r.component.to_string(), r.version.to_string()))
                .collect(),
        ),
        _ => None,
    }
}

/// Writes `files` as the only commit of a new git repository at `dir` (the registry is
/// the repository root), straight into one pack file. With `checkout`, the working tree
/// and index are written too; otherwise the repository is bare. Returns the commit id.
pub fn write_repository(
    dir: &Path,
    files: &BTreeMap<String, String>,
    checkout: bool,
) -> Result<Oid, SynthError> {
    let mut opts = RepositoryInitOptions::new();
    opts.initial_head("main").bare(!checkout);
    let repo = Repository::init_opts(dir, &opts)?;
    let odb = repo.odb()?;
    let mempack = odb.add_new_mempack_backend(1000)?;

    // Blobs, then one tree per folder, deepest first.
    let mut trees: BTreeMap<String, Vec<(String, Oid, i32)>> = BTreeMap::new();
    for (path, text) in files {
        let oid = odb.write(ObjectType::Blob, text.as_bytes())?;
        let (dir, name) = path.rsplit_once('/').unwrap_or(("", path));
        trees
            .entry(dir.to_owned())
            .or_default()
            .push((name.to_owned(), oid, 0o100644));
        let mut d = dir;
        while !d.is_empty() {
            let (parent, _) = d.rsplit_once('/').unwrap_or(("", d));
            trees.entry(parent.to_owned()).or_default();
            d = parent;
        }
    }
    let mut dirs: Vec<String> = trees.keys().cloned().collect();
    dirs.sort_by_key(|d| std::cmp::Reverse(d.matches('/').count() + usize::from(!d.is_empty())));
    let mut root = None;
    for d in dirs {
        let entries = trees.remove(&d).unwrap_or_default();
        let mut builder = repo.treebuilder(None)?;
        for (name, oid, mode) in &entries {
            builder.insert(name, *oid, *mode)?;
        }
        let oid = builder.write()?;
        if d.is_empty() {
            root = Some(oid);
        } else {
            let (parent, name) = d.rsplit_once('/').unwrap_or(("", &d));
            trees
                .entry(parent.to_owned())
                .or_default()
                .push((name.to_owned(), oid, 0o040000));
        }
    }
    let root = match root {
        Some(r) => r,
        None => repo.treebuilder(None)?.write()?,
    };
    let tree = repo.find_tree(root)?;
    let sig = Signature::new(
        "Synthetic registry",
        "synthetic@example.org",
        &Time::new(1_767_225_600, 0),
    )?;
    let commit = repo.commit(
        Some("refs/heads/main"),
        &sig,
        &sig,
        "Synthetic registry",
        &tree,
        &[],
    )?;
    drop(tree);

    let mut pack = git2::Buf::new();
    mempack.dump(&repo, &mut pack)?;
    let mut writer = odb.packwriter()?;
    std::io::Write::write_all(&mut writer, &pack).map_err(|source| SynthError::Io {
        path: dir.display().to_string(),
        source,
    })?;
    writer.commit()?;
    drop(writer);
    mempack.reset()?;

    if checkout {
        let repo = Repository::open(dir)?;
        let mut co = git2::build::CheckoutBuilder::new();
        co.force();
        repo.checkout_head(Some(&mut co))?;
    }
    Ok(commit)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn small() -> Params {
        Params {
            components: 120,
            interfaces: 30,
            releases: 4,
            stacks: vec![5, 10],
            plan_size: 12,
            ..Params::default()
        }
    }

    #[test]
    fn is_deterministic_and_valid() {
        let a = generate(&small()).unwrap();
        let b = generate(&small()).unwrap();
        assert_eq!(a.files, b.files);
        assert_eq!(a.stacks.len(), 3);
        assert_eq!(
            a.files
                .keys()
                .filter(|k| k.starts_with("components/"))
                .count(),
            120
        );
        assert_eq!(a.stacks[1].needs, 10);
        assert!(a.stacks[2].plan >= 12, "{:?}", a.stacks[2]);
        let other = generate(&Params { seed: 2, ..small() }).unwrap();
        assert_ne!(a.files, other.files);
    }

    #[test]
    fn rng_is_spread() {
        let mut rng = Rng::new(7);
        let mut counts = [0; 4];
        for _ in 0..4000 {
            counts[rng.below(4)] += 1;
        }
        assert!(counts.iter().all(|&c| c > 900), "{counts:?}");
    }
}
