//! The resolution bound (SPEC §7): adversarial registries end with "gave up after N steps"
//! instead of running for minutes, one resolution at a time and over every resolution a
//! command makes. The registries are pigeonhole problems, which a solver that learns
//! clauses can only refute with work exponential in their size.

use std::time::{Duration, Instant};

use stackreg::model::Stack;
use stackreg::registry::Registry;
use stackreg::resolve::{COMMAND_STEPS_FACTOR, Options, Resolution, ResolveError, Resolver};

use crate::model_support::*;

/// `n + 1` pigeons and `n` holes, through interface unions: pigeon `i` requires interface
/// `nest{i}`, which each `h{i}-{j}` ("pigeon i in hole j") provides, and the `h` components
/// of one hole conflict with each other. The stack needs every pigeon, so no plan exists.
pub fn pigeonhole(n: usize) -> (Registry, Stack) {
    let mut reg = empty_registry();
    let names: Vec<String> = (0..=n).map(|i| format!("p{i}")).collect();
    for (i, name) in names.iter().enumerate() {
        let mut r = release("1.0.0");
        r.requires.insert(id(&format!("nest{i}")), req("*"));
        add(&mut reg, component(name, vec![r]));
        for j in 0..n {
            let mut r = release("1.0.0");
            r.provides.insert(id(&format!("nest{i}")), v("1.0.0"));
            for k in (0..=n).filter(|&k| k != i) {
                r.conflicts.insert(id(&format!("h{k}-{j}")), req("*"));
            }
            add(&mut reg, component(&format!("h{i}-{j}"), vec![r]));
        }
    }
    let needs = names
        .iter()
        .map(|n| (n.as_str(), need_component(n, "*")))
        .collect();
    (reg, stack(needs))
}

/// The same problem through versions: pigeon `i` has a release per hole, and release `j`
/// of one pigeon conflicts with release `j` of every other.
fn pigeonhole_by_version(n: usize) -> (Registry, Stack) {
    let mut reg = empty_registry();
    let names: Vec<String> = (0..=n).map(|i| format!("p{i}")).collect();
    for (i, name) in names.iter().enumerate() {
        let releases = (1..=n)
            .map(|j| {
                let mut r = release(&format!("{j}.0.0"));
                for (_, other) in names.iter().enumerate().filter(|&(k, _)| k != i) {
                    r.conflicts.insert(id(other), req(&format!("={j}.0.0")));
                }
                r
            })
            .collect();
        add(&mut reg, component(name, releases));
    }
    let needs = names
        .iter()
        .map(|n| (n.as_str(), need_component(n, "*")))
        .collect();
    (reg, stack(needs))
}

fn with_limit(max_steps: u64) -> Options {
    Options {
        max_steps,
        ..Options::default()
    }
}

#[test]
fn small_pigeonholes_are_refuted_and_explained() {
    for (reg, s) in [pigeonhole(4), pigeonhole_by_version(4)] {
        match Resolver::new(&reg, &s)
            .resolve(&Options::default())
            .unwrap()
        {
            Resolution::Unsatisfiable(why) => {
                assert!(why.summary.starts_with("no plan exists"), "{}", why.summary);
                assert!(!why.needs.is_empty());
            }
            Resolution::Resolved(p) => panic!("a plan for a pigeonhole: {p:?}"),
        }
    }
}

#[test]
fn a_large_pigeonhole_gives_up_at_the_limit() {
    for (reg, s) in [pigeonhole(12), pigeonhole_by_version(12)] {
        let started = Instant::now();
        let out = Resolver::new(&reg, &s).resolve(&with_limit(1_000));
        assert_eq!(out.unwrap_err(), ResolveError::GaveUp { steps: 1_000 });
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "{:?}",
            started.elapsed()
        );
    }
}

#[test]
fn resolutions_share_one_budget() {
    // Each resolution of a small pigeonhole fits the per-resolution limit, but a command
    // repeating them stops once it has spent ten times the limit.
    let (reg, s) = pigeonhole(4);
    let resolver = Resolver::new(&reg, &s);
    let options = with_limit(500);
    let mut outcome = None;
    for round in 0..1_000 {
        match resolver.resolve(&options.clone()) {
            Ok(_) => continue,
            Err(e) => {
                outcome = Some((round, e));
                break;
            }
        }
    }
    let Some((round, e)) = outcome else {
        panic!("never gave up: {} steps", options.budget.spent())
    };
    assert!(round > 1, "gave up after {round} rounds");
    let ResolveError::GaveUpInAll { steps, resolutions } = e else {
        panic!("{e:?}")
    };
    assert_eq!(steps, 500 * COMMAND_STEPS_FACTOR);
    assert_eq!(resolutions, options.budget.resolutions());
    assert!(
        e.to_string()
            .starts_with("resolution gave up after 5000 steps over"),
        "{e}"
    );
    // A fresh budget starts again.
    assert!(resolver.resolve(&with_limit(500)).is_ok());
}
