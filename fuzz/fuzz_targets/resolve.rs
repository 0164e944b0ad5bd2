//! Resolution over small registries made from the fuzzer's bytes: each byte is a choice
//! (how many components and interfaces, which versions, what each release provides,
//! requires, depends on and conflicts with, yanks, lifecycles, kinds, licences, the
//! stack's needs, policy, preferences and current versions). The registry is written
//! as TOML and loaded as stackreg loads any registry; then the stack is resolved with a
//! small step bound. A plan must satisfy SPEC §4 (checked independently), "no plan" must
//! be true (checked by brute force when the registry is small), and the same inputs must
//! give the same answer twice.

#![no_main]

use std::fmt::Write;

use libfuzzer_sys::fuzz_target;
use stackreg::catalog::{self, validate as cross};
use stackreg::model::validate as check;
use stackreg::report;
use stackreg::resolve::{Options, Resolution, Resolver};
use stackreg::source::memory::MemorySource;
use stackreg_testkit::Tape;
use stackreg_testkit::oracle::{any_plan, check};

const VERSIONS: [&str; 6] = ["1.0.0", "1.1.0", "1.2.0-beta.1", "2.0.0", "2.5.0", "3.0.0"];
const IFACE_VERSIONS: [&str; 3] = ["1.0.0", "1.1.0", "2.0.0"];
const RANGES: [&str; 10] = [
    "*",
    "^1",
    "^2",
    ">=1.1",
    "<2",
    "=1.0.0",
    "~1.1",
    ">=1, <3",
    "^1.2.0-beta.1",
    "2",
];
const CAPS: [&str; 3] = ["cms", "forms", "payments"];
const LIFECYCLES: [&str; 7] = [
    "live",
    "live",
    "live",
    "beta",
    "alpha",
    "deprecated",
    "retired",
];
const KINDS: [&str; 4] = ["saas", "self-hosted", "platform-service", "library"];
const LICENCES: [&str; 3] = ["MIT", "Apache-2.0", "LicenseRef-Proprietary"];

fn build(t: &mut Tape<'_>) -> MemorySource {
    let mut source = MemorySource::new("fuzz")
        .with("registry.toml", "[registry]\nname = \"Fuzz\"\nformat = 1\n");
    let ifaces = 1 + t.below(3);
    let comps = 1 + t.below(6);
    for i in 0..ifaces {
        source.insert(
            &format!("interfaces/i{i}.toml"),
            format!("id = \"i{i}\"\nname = \"I{i}\"\nsummary = \"s\"\nowner = \"o\"\nspecification = \"https://example.com/i{i}\"\nversions = [\"1.0.0\", \"1.1.0\", \"2.0.0\"]\n"),
        );
    }
    for k in 0..comps {
        let mut caps = vec![CAPS[k % CAPS.len()]];
        if t.chance(30) {
            let extra = t.pick(&CAPS);
            if !caps.contains(&extra) {
                caps.push(extra);
            }
        }
        let caps: Vec<String> = caps.iter().map(|c| format!("\"{c}\"")).collect();
        let mut text = format!(
            "id = \"c{k}\"\nname = \"C{k}\"\nsummary = \"s\"\nsupplier = \"Supplier {}\"\nlicence = \"{}\"\nkind = \"{}\"\ncapabilities = [{}]\nlifecycle = \"{}\"\nassurances = [{}]\nhomepage = \"https://example.com/c{k}\"\n",
            k % 3,
            t.pick(&LICENCES),
            t.pick(&KINDS),
            caps.join(", "),
            t.pick(&LIFECYCLES),
            if t.chance(30) { "\"wcag-2.2-aa\"" } else { "" },
        );
        let mut versions: Vec<&str> = VERSIONS.iter().copied().filter(|_| t.chance(40)).collect();
        if versions.is_empty() {
            versions.push(t.pick(&VERSIONS));
        }
        for v in versions {
            let _ = write!(
                text,
                "\n[[release]]\nversion = \"{v}\"\nreleased = 2024-01-01\n"
            );
            let mut provides = Vec::new();
            let mut requires = Vec::new();
            for i in 0..ifaces {
                if t.chance(45) {
                    provides.push(format!("i{i} = \"{}\"", t.pick(&IFACE_VERSIONS)));
                }
                if t.chance(15) {
                    requires.push(format!("i{i} = \"{}\"", t.pick(&RANGES)));
                }
            }
            let mut depends = Vec::new();
            let mut conflicts = Vec::new();
            for o in 0..comps {
                if o != k && t.chance(12) {
                    depends.push(format!("c{o} = \"{}\"", t.pick(&RANGES)));
                }
                if t.chance(6) {
                    conflicts.push(format!("c{o} = \"{}\"", t.pick(&RANGES)));
                }
            }
            for (name, entries) in [
                ("provides", provides),
                ("requires", requires),
                ("depends", depends),
                ("conflicts", conflicts),
            ] {
                if !entries.is_empty() {
                    let _ = writeln!(text, "{name} = {{ {} }}", entries.join(", "));
                }
            }
            if t.chance(10) {
                text.push_str("yanked = \"broken\"\n");
            }
        }
        source.insert(&format!("components/c{k}.toml"), text);
    }
    let mut stack = String::from("[stack]\nname = \"Fuzz stack\"\n\n[needs]\n");
    for n in 0..1 + t.below(3) {
        let need = match t.below(3) {
            0 => format!(
                "{{ component = \"c{}\", version = \"{}\" }}",
                t.below(comps),
                t.pick(&RANGES)
            ),
            1 => format!(
                "{{ interface = \"i{}\", version = \"{}\" }}",
                t.below(ifaces),
                t.pick(&RANGES)
            ),
            _ => format!("{{ capability = \"{}\" }}", t.pick(&CAPS)),
        };
        let _ = writeln!(stack, "n{n} = {need}");
    }
    stack.push_str("\n[policy]\n");
    if t.chance(25) {
        stack.push_str("open-source = true\n");
    }
    if t.chance(15) {
        stack.push_str("lifecycle = [\"beta\", \"live\"]\n");
    }
    if t.chance(15) {
        stack.push_str("kinds = [\"saas\", \"self-hosted\"]\n");
    }
    if t.chance(10) {
        stack.push_str("assurances = [\"wcag-2.2-aa\"]\n");
    }
    if t.chance(10) {
        let _ = writeln!(stack, "exclude-components = [\"c{}\"]", t.below(comps));
    }
    if t.chance(10) {
        let _ = writeln!(stack, "exclude-suppliers = [\"supplier {}\"]", t.below(3));
    }
    if t.chance(20) {
        let _ = write!(
            stack,
            "\n[prefer]\ncomponents = [\"c{}\"]\n",
            t.below(comps)
        );
    }
    if t.chance(30) {
        let _ = write!(
            stack,
            "\n[current]\nc{} = \"{}\"\n",
            t.below(comps),
            t.pick(&VERSIONS)
        );
    }
    source.insert("stacks/fuzz.toml", stack);
    source
}

fuzz_target!(|data: &[u8]| {
    let mut tape = Tape::zero_padded(data);
    let source = build(&mut tape);
    let Ok(loaded) = catalog::load(&source) else {
        return;
    };
    let reg = &loaded.registry;
    let Some(stack) = reg.stacks.values().next() else {
        return;
    };
    // Resolution must be sound for anything that loads, even with findings (commands that
    // resolve refuse those, but `validate` resolves reference stacks of valid registries).
    let mut found = Vec::new();
    cross::check_stack(reg, stack, "stacks/fuzz.toml", &mut found);
    let _ = check::MAX_FILE_SIZE;
    let options = || Options {
        max_steps: 5_000,
        ..Options::default()
    };
    let first = Resolver::new(reg, stack).resolve(&options());
    let again = Resolver::new(reg, stack).resolve(&options());
    match (&first, &again) {
        (Ok(Resolution::Resolved(a)), Ok(Resolution::Resolved(b))) => {
            assert_eq!(a.versions(), b.versions(), "not deterministic");
            if let Err(e) = check(reg, stack, &a.versions(), &[&stack.current], true) {
                panic!("a plan that breaks SPEC §4 ({e}): {:?}", a.versions());
            }
        }
        (Ok(Resolution::Unsatisfiable(a)), Ok(Resolution::Unsatisfiable(b))) => {
            assert_eq!(
                report::explain::text(a),
                report::explain::text(b),
                "not deterministic"
            );
            stackreg_fuzz::printable("explanation", &report::explain::text(a));
            if let Some(exists) = any_plan(reg, stack, 4_000) {
                assert!(
                    !exists,
                    "no plan, says the resolver, but one exists:\n{}",
                    report::explain::text(a)
                );
            }
        }
        (Err(a), Err(b)) => assert_eq!(a, b, "not deterministic"),
        _ => panic!("not deterministic: {first:?} then {again:?}"),
    }
    // The whole registry check, with its reference stack, must not panic either.
    let _ = stackreg::resolve::check_reference_stacks(reg, &loaded.origins, &options());
});
