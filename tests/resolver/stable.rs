//! Answers that stay put (SPEC §4 stable locks and rule 6, SPEC §5 drop-ins), as property
//! tests on thousands of small random registries, each checked by this test's own reading
//! of the rules (`stackreg_testkit::oracle`) and by brute force:
//!
//! - a lock written from a plan, read back as the CLI reads it, gives exactly that plan,
//!   and `--locked` finds nothing stale;
//! - after the stack or the registry changes under a lock, a lock that is still a plan is
//!   the plan; otherwise no plan keeps more of the lock (and of `[current]`) than the one
//!   given, and every locked entry that moved is listed with a reason;
//! - every plan is minimal;
//! - no alternative reported with changes or not viable has a release that would be a
//!   drop-in, and every drop-in is at the highest release that is one.

use std::collections::{BTreeMap, BTreeSet};

use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use stackreg::model::Registry;
use stackreg::model::{Id, Need, Stack};
use stackreg::resolve::alternatives::{Fit, alternatives};
use stackreg::resolve::lock::LockFile;
use stackreg::resolve::{Options, Plan, Resolution, Resolver, lock_changes};

use crate::properties::cases;
use crate::support::*;
use stackreg_testkit::Tape;
use stackreg_testkit::random::{change, random_case};
use stackreg_testkit::tape::xorshift_bytes;

fn fail(message: String) -> TestCaseError {
    TestCaseError::fail(message)
}

/// Resolves as `stackreg resolve` does: with the versions of the lock file next to the
/// stack, when there is one.
fn resolve(
    reg: &Registry,
    s: &Stack,
    lock: Option<&LockFile>,
) -> Result<Resolution, TestCaseError> {
    let options = Options {
        locked: lock.map(LockFile::versions).unwrap_or_default(),
        ..Options::default()
    };
    Resolver::new(reg, s)
        .resolve(&options)
        .map_err(|e| fail(e.to_string()))
}

/// Writes the lock file `resolve --lock` writes, and reads it back as the next run does.
fn write_and_read_lock(reg: &Registry, s: &Stack, plan: &Plan) -> Result<LockFile, TestCaseError> {
    let text = LockFile::new(&s.name, format!("{s:?}").as_bytes(), &reg.source, plan)
        .to_toml()
        .map_err(|e| fail(format!("the lock does not write: {e}")))?;
    LockFile::parse(&text).map_err(|e| fail(format!("the lock does not read back: {e}\n{text}")))
}

fn lock_property(tape: &[u8]) -> Result<(), TestCaseError> {
    let mut t = Tape::new(tape);
    let (mut reg, mut s) = random_case(&mut t);
    let Resolution::Resolved(plan) = resolve(&reg, &s, None)? else {
        return Ok(());
    };
    let current = s.current.clone();
    let first = plan.versions();
    check_all(&reg, &s, &first, &[&current], None, None)
        .map_err(|e| fail(format!("plan {first:?} breaks {e}")))?;

    // `resolve --lock`, then `resolve --locked`: the same plan, nothing stale.
    let lock = write_and_read_lock(&reg, &s, &plan)?;
    let Resolution::Resolved(again) = resolve(&reg, &s, Some(&lock))? else {
        return Err(fail("no plan with the lock just written".into()));
    };
    prop_assert_eq!(&again, &plan, "the lock did not reproduce the plan");
    let fresh = write_and_read_lock(&reg, &s, &again)?;
    prop_assert_eq!(
        lock.differences(&fresh, &BTreeMap::new()),
        Vec::<String>::new()
    );

    // Change one to three things, and resolve with the old lock.
    let planned: Vec<Id> = plan.versions().into_keys().collect();
    let what = (0..1 + t.below(3))
        .map(|_| change(&mut t, &mut reg, &mut s, &planned))
        .collect::<Vec<_>>()
        .join("; ");
    let locked = lock.versions();
    let current = s.current.clone();
    let kept: [&Assignment; 2] = [&current, &locked];
    let everything: Vec<Assignment> = all_assignments(&reg)
        .into_iter()
        .filter(|a| check_all(&reg, &s, a, &kept, None, None).is_ok())
        .collect();
    let resolver = Resolver::new(&reg, &s);
    let options = Options {
        locked: locked.clone(),
        ..Options::default()
    };
    let after = match resolver
        .resolve(&options)
        .map_err(|e| fail(e.to_string()))?
    {
        Resolution::Resolved(after) => after,
        Resolution::Unsatisfiable(_) => {
            if let Some(w) = everything.first() {
                return Err(fail(format!(
                    "after `{what}`: no plan found, but {w:?} is one"
                )));
            }
            return Ok(());
        }
    };
    let got = after.versions();
    check_all(&reg, &s, &got, &kept, None, None)
        .map_err(|e| fail(format!("after `{what}`: plan {got:?} breaks {e}")))?;
    // A lock that is still a plan (keeping `[current]`) is the plan.
    let agrees = locked
        .iter()
        .all(|(c, v)| current.get(c).is_none_or(|x| x == v));
    if agrees && check_all(&reg, &s, &locked, &kept, None, None).is_ok() {
        prop_assert_eq!(&got, &locked, "after `{}`: the lock is still a plan", what);
    }
    // `[current]` first: where some plan holds no component at another version than
    // `[current]` says, the plan does not either.
    let true_to_current =
        |p: &Assignment| p.iter().all(|(c, v)| current.get(c).is_none_or(|x| x == v));
    if everything.iter().any(true_to_current) {
        prop_assert!(
            true_to_current(&got),
            "after `{}`: {:?} moves [current]",
            what,
            got
        );
    }
    // Pinning: where some plan holds no component at another version than `[current]`
    // and the lock say (`[current]` where they differ), the plan does not either.
    let mut pins = locked.clone();
    pins.extend(current.clone());
    let true_to_pins = |p: &Assignment| p.iter().all(|(c, v)| pins.get(c).is_none_or(|x| x == v));
    if everything.iter().any(true_to_pins) {
        prop_assert!(
            true_to_pins(&got),
            "after `{}`: {:?} moves a locked version",
            what,
            got
        );
    }
    // Then only what must move moves: no locked entry that moved (and that `[current]`
    // does not name at another version) could be put back into the plan as it is.
    for (c, v) in &locked {
        if got.get(c) == Some(v) || current.get(c).is_some_and(|x| x != v) {
            continue;
        }
        let mut back = got.clone();
        back.insert(c.clone(), v.clone());
        if check_all(&reg, &s, &back, &kept, None, None).is_ok() {
            return Err(fail(format!(
                "after `{what}`: {got:?} moved {c} {v}, but {back:?} is a plan"
            )));
        }
    }
    // Every locked entry that moved is listed, with a reason.
    let moved: BTreeSet<Id> = locked
        .iter()
        .filter(|(c, v)| got.get(*c) != Some(*v))
        .map(|(c, _)| c.clone())
        .collect();
    let changes = lock_changes(&resolver, &options, &after);
    let listed: BTreeSet<Id> = changes.iter().map(|c| c.component.clone()).collect();
    prop_assert_eq!(&listed, &moved, "after `{}`", what);
    for c in &changes {
        prop_assert!(
            !c.reason.to_string().is_empty(),
            "{} moved without a reason",
            c.component
        );
        prop_assert_eq!(c.to.as_ref(), got.get(&c.component));
    }
    Ok(())
}

#[test]
fn locks_reproduce_and_move_only_what_must() {
    let mut runner = TestRunner::new(Config {
        cases: cases(),
        failure_persistence: None,
        ..Config::default()
    });
    let result = runner.run(&prop::collection::vec(any::<u8>(), 400), |tape| {
        lock_property(&tape)
    });
    if let Err(e) = result {
        panic!("{e}");
    }
}

/// Every release of every candidate, checked by brute force against the answer: a
/// candidate with changes or not viable has no release that is a drop-in, and a drop-in
/// is at the highest release that is one. Half the time with the plan locked, as the CLI
/// resolves a stack with a lock file.
fn drop_in_property(tape: &[u8]) -> Result<(), TestCaseError> {
    let mut t = Tape::new(tape);
    let (reg, s) = random_case(&mut t);
    let ignore_policy = t.chance(50);
    let with_lock = t.chance(50);
    let resolver = Resolver::new(&reg, &s);
    let Resolution::Resolved(plan) = resolver
        .resolve(&Options::default())
        .map_err(|e| fail(e.to_string()))?
    else {
        return Ok(());
    };
    let old = plan.versions();
    let options = Options {
        locked: if with_lock {
            old.clone()
        } else {
            BTreeMap::new()
        },
        ..Options::default()
    };
    let current = s.current.clone();
    for x in old.keys() {
        let a = alternatives(&resolver, &plan, &options, x, ignore_policy)
            .ok_or_else(|| fail("planned component has no answer".into()))?;
        let mut reduced = s.clone();
        reduced
            .needs
            .retain(|_, n| !matches!(n, Need::Component { id, .. } if id == x));
        let mut locked = options.locked.clone();
        locked.remove(x);
        let mut current = current.clone();
        current.remove(x);
        let kept: [&Assignment; 2] = [&current, &locked];
        for alt in &a.alternatives {
            let y = &alt.component;
            let exempt = alt.excluded_by.as_ref().map(|_| y);
            let yc = &reg.components[y];
            // "The old plan without X, plus one release of Y": a candidate already in the
            // plan at another version would be a change.
            let fits: Vec<_> = yc
                .releases
                .iter()
                .filter(|r| old.get(y).is_none_or(|w| w == &r.version))
                .filter(|r| {
                    let mut p = old.clone();
                    p.remove(x);
                    p.insert(y.clone(), r.version.clone());
                    check_all(&reg, &reduced, &p, &kept, exempt, Some(y)).is_ok()
                })
                .map(|r| r.version.clone())
                .collect();
            match alt.fit {
                Fit::DropIn => prop_assert_eq!(
                    alt.version.as_ref(),
                    fits.iter().max(),
                    "{} for {}: drop-in at the highest release that is one",
                    y,
                    x
                ),
                Fit::WithChanges | Fit::NotViable => prop_assert!(
                    fits.is_empty(),
                    "{} for {} is {:?}, but {:?} would be a drop-in",
                    y,
                    x,
                    alt.fit,
                    fits
                ),
                Fit::Undecided => {
                    return Err(fail(format!("{y} for {x} undecided: {:?}", alt.reason)));
                }
            }
        }
    }
    Ok(())
}

#[test]
fn no_drop_in_is_missed() {
    let mut runner = TestRunner::new(Config {
        cases: (cases() / 2).max(1),
        failure_persistence: None,
        ..Config::default()
    });
    let result = runner.run(&prop::collection::vec(any::<u8>(), 400), |tape| {
        drop_in_property(&tape)
    });
    if let Err(e) = result {
        panic!("{e}");
    }
}

/// Guards the lock property against a generator whose changes never move a locked entry
/// (or always do): both happen, and so do locks that stay the plan exactly.
#[test]
fn the_changes_sometimes_move_locked_entries() {
    let (mut moved, mut kept, mut reasons) = (0, 0, BTreeSet::new());
    let mut rng = 0x51f1_5ee5_d00d_f00du64;
    for _ in 0..400 {
        let tape = xorshift_bytes(&mut rng, 400);
        let mut t = Tape::new(&tape);
        let (mut reg, mut s) = random_case(&mut t);
        let Ok(Resolution::Resolved(plan)) = Resolver::new(&reg, &s).resolve(&Options::default())
        else {
            continue;
        };
        let planned: Vec<Id> = plan.versions().into_keys().collect();
        for _ in 0..1 + t.below(3) {
            change(&mut t, &mut reg, &mut s, &planned);
        }
        let options = Options {
            locked: plan.versions(),
            ..Options::default()
        };
        let resolver = Resolver::new(&reg, &s);
        let Ok(Resolution::Resolved(after)) = resolver.resolve(&options) else {
            continue;
        };
        let changes = lock_changes(&resolver, &options, &after);
        if changes.is_empty() {
            kept += 1;
        } else {
            moved += 1;
        }
        reasons.extend(changes.into_iter().map(|c| {
            c.reason
                .to_string()
                .split_whitespace()
                .take(2)
                .collect::<Vec<_>>()
                .join(" ")
        }));
    }
    eprintln!("{moved} moved, {kept} kept; reasons begin {reasons:?}");
    assert!(moved >= 20 && kept >= 20, "{moved} moved, {kept} kept");
    assert!(reasons.len() >= 4, "{reasons:?}");
}
