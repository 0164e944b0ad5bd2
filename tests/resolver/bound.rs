//! The resolution bound (SPEC §7): adversarial registries end with "gave up after N steps"
//! instead of running for minutes, one resolution at a time and over every resolution a
//! command makes. The registries are pigeonhole problems, which a solver that learns
//! clauses can only refute with work exponential in their size.

use std::time::{Duration, Instant};

use stackreg::model::Registry;
use stackreg::model::Stack;
use stackreg::resolve::{COMMAND_STEPS_FACTOR, Options, Resolution, ResolveError, Resolver};

use crate::support::*;

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
                let summary = why.summary.to_string();
                assert!(summary.starts_with("no plan exists"), "{summary}");
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

/// Issue 19 item 11: `n` components sharing one capability, each depending on the next,
/// and a stack needing the first. Nothing is adversarial about it, but a lock-in report
/// asks `n - 1` questions of each of the `n` components, and replacing the first by the
/// k-th gives a plan without the k-1 before it: the report grows as `n²` answers and `n²`
/// changes unless the budget stops it.
fn chain(n: usize) -> (Registry, Stack) {
    let mut reg = empty_registry();
    for i in 0..n {
        let mut r = release("1.0.0");
        if i + 1 < n {
            r.depends.insert(id(&format!("c{}", i + 1)), req("*"));
        }
        let mut c = component(&format!("c{i}"), vec![r]);
        c.capabilities = vec![id("links")];
        add(&mut reg, c);
    }
    (reg, stack(vec![("first", need_component("c0", "*"))]))
}

#[test]
fn a_short_chain_is_answered_in_full() {
    use stackreg::resolve::alternatives::{Fit, lock_in};
    let (reg, s) = chain(12);
    let resolver = Resolver::new(&reg, &s);
    let Resolution::Resolved(plan) = resolver.resolve(&Options::default()).unwrap() else {
        panic!("no plan")
    };
    assert_eq!(plan.releases.len(), 12);
    let report = lock_in(&resolver, &plan, &Options::default(), false);
    assert_eq!(report.spent.undecided, 0);
    let first = &report.components[0];
    assert_eq!(first.component, id("c0"));
    // c1 takes c0's place as it is; c2 and on leave out the links before them.
    let fits: Vec<(String, Fit, usize)> = first
        .alternatives
        .iter()
        .map(|a| (a.component.to_string(), a.fit, a.changes.len()))
        .collect();
    assert_eq!(fits[0], ("c1".into(), Fit::DropIn, 0));
    assert_eq!(fits[1], ("c2".into(), Fit::WithChanges, 1));
    assert_eq!(fits[10], ("c11".into(), Fit::WithChanges, 10));
    // Every other link is needed through the chain: no plan without it.
    for a in &report.components[1..] {
        assert!(a.is_lock_in(), "{}", a.component);
        assert!(a.alternatives.iter().all(|x| x.fit == Fit::NotViable));
    }
}

#[test]
fn a_long_chain_is_answered_within_the_budget() {
    use stackreg::resolve::alternatives::{
        ALTERNATIVES_STEPS_FACTOR, Bound, CANDIDATE_STEPS, CHANGE_STEPS, Fit, lock_in,
    };
    let n = 250;
    let (reg, s) = chain(n);
    let resolver = Resolver::new(&reg, &s);
    let Resolution::Resolved(plan) = resolver.resolve(&Options::default()).unwrap() else {
        panic!("no plan")
    };
    // A bound of 500 steps a resolution: a budget of 250,000 for the report, which the
    // 62,250 questions and their answers would pass many times over. Every candidate is
    // solved (no mending of the plan first, which answers a chain without a solve), so
    // that the bound on one resolution is met too.
    let options = Options {
        exhaustive: true,
        ..with_limit(500)
    };
    let budget = 500 * ALTERNATIVES_STEPS_FACTOR;
    let started = Instant::now();
    let report = lock_in(&resolver, &plan, &options, false);
    let took = started.elapsed();
    assert!(took < Duration::from_secs(20), "{took:?}");
    assert_eq!(report.components.len(), n, "every component has its row");
    assert_eq!(report.spent.budget, budget);
    // The budget is looked at between fixed batches: it is passed by one batch at most.
    assert!(report.spent.steps > budget, "{:?}", report.spent);
    assert!(
        report.spent.steps < budget + 16 * (CANDIDATE_STEPS + CHANGE_STEPS * 250 + 2 * 500),
        "{:?}",
        report.spent
    );
    let asked = n * (n - 1);
    let unexamined: usize = report.components.iter().map(|a| a.unexamined).sum();
    assert_eq!(report.spent.examined + unexamined, asked);
    assert!(unexamined > asked / 2, "{:?}", report.spent);
    let listed_undecided: usize = report
        .components
        .iter()
        .map(|a| a.count(Fit::Undecided))
        .sum();
    assert_eq!(report.spent.undecided, unexamined + listed_undecided);
    // What the report holds is bounded by the budget: `CANDIDATE_STEPS` an answer.
    let held: usize = report.components.iter().map(|a| a.alternatives.len()).sum();
    assert!(
        held <= (budget / CANDIDATE_STEPS) as usize,
        "{held} answers held"
    );
    // Candidates whose own resolution passed the bound on one resolution are undecided
    // and say so; the others are answered, and the answers are right.
    let first = &report.components[0];
    let mut gave_up = 0;
    for a in &first.alternatives {
        match a.fit {
            Fit::Undecided => {
                assert_eq!(a.bound, Some(Bound::Resolution), "{a:?}");
                let reason = a
                    .reason
                    .as_ref()
                    .map(ToString::to_string)
                    .unwrap_or_default();
                assert!(
                    reason.starts_with("resolution gave up after 500 steps"),
                    "{reason}"
                );
                gave_up += 1;
            }
            Fit::DropIn => assert_eq!(a.component, id("c1")),
            Fit::WithChanges => {
                let k: usize = a.component.as_str()[1..].parse().unwrap();
                assert_eq!(a.changes.len(), k - 1, "{}", a.component);
                assert!(a.changes.iter().all(|c| c.to.is_none()));
            }
            Fit::NotViable => panic!("{a:?}"),
        }
    }
    assert!(gave_up > 0, "no resolution gave up");
    // The rest of the report was left unexamined: counted, not listed, and not lock-in.
    let last = report.components.last().unwrap();
    assert_eq!(last.unexamined, n - 1);
    assert!(last.alternatives.is_empty());
    assert!(!last.is_lock_in());
    // The same every time, down to where the budget ran out.
    let again = lock_in(&resolver, &plan, &options, false);
    assert_eq!(again.components, report.components);
    assert_eq!(again.spent, report.spent);
}

#[test]
fn one_component_lists_what_the_budget_left_undecided() {
    use stackreg::resolve::alternatives::{Bound, Fit, alternatives};
    let (reg, s) = chain(300);
    let resolver = Resolver::new(&reg, &s);
    let Resolution::Resolved(plan) = resolver.resolve(&Options::default()).unwrap() else {
        panic!("no plan")
    };
    let a = alternatives(&resolver, &plan, &with_limit(100), &id("c0"), false).unwrap();
    assert_eq!(a.alternatives.len(), 299, "every candidate is listed");
    assert_eq!(a.unexamined, 0);
    let unexamined: Vec<_> = a
        .alternatives
        .iter()
        .filter(|x| x.bound == Some(Bound::Budget))
        .collect();
    assert!(!unexamined.is_empty());
    for x in &unexamined {
        assert_eq!(x.fit, Fit::Undecided);
        assert_eq!(
            x.reason.as_ref().map(ToString::to_string).as_deref(),
            Some("not examined: the report's budget of 50000 solver steps ran out")
        );
    }
    // Undecided answers come last.
    let first_undecided = a
        .alternatives
        .iter()
        .position(|x| x.fit == Fit::Undecided)
        .unwrap();
    assert!(
        a.alternatives[first_undecided..]
            .iter()
            .all(|x| x.fit == Fit::Undecided)
    );
}
