//! What commands do, called in process through `stackreg::ops` (no binary, no clap), and
//! the environment variables that are errors when set to something unusable.

use std::cell::RefCell;
use std::path::PathBuf;

use stackreg::model::{Focus, Listed, Listing, Registry};
use stackreg::ops::resolve::{Negative, Printed, Request};
use stackreg::ops::{Answer, Messages, Session, Settings};
use stackreg::report::list::Filter;

use crate::support::*;

/// Messages kept for the test to look at.
#[derive(Default)]
struct Kept(RefCell<Vec<String>>);

impl Messages for Kept {
    fn warn(&self, m: &str) {
        self.0.borrow_mut().push(format!("warning: {m}"));
    }
    fn note(&self, m: &str) {
        self.0.borrow_mut().push(m.to_owned());
    }
    fn status(&self, m: &str) {
        self.0.borrow_mut().push(format!("status: {m}"));
    }
    fn progress(&self, m: &str) {
        self.0.borrow_mut().push(m.to_owned());
    }
}

/// Settings for the sample registry, with a cache folder of the test's own.
fn settings(cache: &std::path::Path) -> Settings {
    Settings {
        registry: Some("registry".into()),
        cwd: project_root(),
        cache: Some(cache.to_path_buf()),
        ..Settings::default()
    }
}

fn component_files() -> usize {
    std::fs::read_dir(project_root().join("registry/components"))
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .path()
                .extension()
                .is_some_and(|x| x == "toml")
        })
        .count()
}

#[test]
fn list_and_show_answer_in_process_from_files_and_from_the_cache() {
    let cache = tempfile::tempdir().unwrap();
    let kept = Kept::default();
    let session = Session::new(settings(cache.path()), &kept);
    // The first run reads the files and fills the index cache; the second reads the cache.
    for _ in 0..2 {
        let list = stackreg::ops::catalogue::list(&session, &Filter::default()).unwrap();
        assert_eq!(list.rows.len(), component_files());
        let show = stackreg::ops::catalogue::show_component(&session, "fixmystreet", None).unwrap();
        assert_eq!(show.id, "fixmystreet");
        assert!(!show.releases.is_empty());
    }
    assert!(cache.path().join("index").is_dir());
    // Nothing was said: the sample registry is clean, and nothing is verbose here.
    assert!(
        kept.0.borrow().iter().all(|m| m.starts_with("status:")),
        "{:?}",
        kept.0.borrow()
    );
    let unknown = stackreg::ops::catalogue::show_component(&session, "fixmystret", None);
    let e = unknown.err().unwrap();
    assert_eq!(e.to_string(), "no component `fixmystret` in the registry");
    assert_eq!(e.hint().as_deref(), Some("did you mean `fixmystreet`?"));
}

#[test]
fn partial_loads_are_their_own_types() {
    // A listing and an excerpt cannot be passed where the whole registry is needed: this
    // test states the types; the compiler refuses `fn(&Registry)` on them.
    fn whole(r: &Registry) -> usize {
        r.components.len()
    }
    let cache = tempfile::tempdir().unwrap();
    let kept = Kept::default();
    let session = Session::new(settings(cache.path()), &kept);
    let listing: Listing = session.load_listing().unwrap().registry;
    let whole_registry = session.load(None, false).unwrap().registry;
    let listed: Vec<_> = whole_registry.components.values().map(Listed::of).collect();
    assert_eq!(
        listing.components.values().cloned().collect::<Vec<_>>(),
        listed
    );
    assert_eq!(whole(&whole_registry), listing.components.len());
    let excerpt = session
        .load_excerpt(&Focus::Interface("open311-georeport".into()))
        .unwrap()
        .registry;
    assert!(excerpt.components.len() < whole_registry.components.len());
    for c in excerpt.components.values() {
        assert!(c.releases.iter().any(|r| {
            r.provides.contains_key("open311-georeport")
                || r.requires.contains_key("open311-georeport")
        }));
    }
    assert_eq!(excerpt.component_ids.len(), whole_registry.components.len());
}

#[test]
fn resolve_and_why_answer_in_process() {
    let cache = tempfile::tempdir().unwrap();
    let kept = Kept::default();
    let session = Session::new(settings(cache.path()), &kept);
    let stack = PathBuf::from("registry/stacks/district-council.toml");
    let resolved = stackreg::ops::resolve::resolve(&session, &stack, &Request::default()).unwrap();
    assert!(resolved.negative.is_none());
    let Some(Printed::Report(report)) = resolved.print else {
        panic!("no report");
    };
    assert_eq!(report.status, "resolved");
    let first = report.plan[0].component.clone();
    match stackreg::ops::plan::why(&session, &stack, &first).unwrap() {
        Answer::Yes(why) => assert_eq!(why.component, first),
        Answer::No(why) => panic!("{why}"),
    }
    // An id the registry does not hold is an error (exit 2), as for `show`.
    match stackreg::ops::plan::why(&session, &stack, "no-such-thing") {
        Err(stackreg::Error::UnknownComponent { id, suggestion }) => {
            assert_eq!((id.as_str(), suggestion), ("no-such-thing", None));
        }
        Err(e) => panic!("{e}"),
        Ok(_) => panic!("no-such-thing is not in the registry"),
    }
    // --locked with no lock next to a copy of the stack: a negative answer, and why.
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("district.toml");
    std::fs::copy(project_root().join(&stack), &copy).unwrap();
    let request = Request {
        locked: true,
        ..Request::default()
    };
    let session = Session::new(
        Settings {
            registry: Some(project_root().join("registry").display().to_string()),
            ..settings(cache.path())
        },
        &kept,
    );
    let stale = stackreg::ops::resolve::resolve(&session, &copy, &request).unwrap();
    let Some(Negative::Lock(why)) = stale.negative else {
        panic!("expected a missing lock");
    };
    assert!(why.starts_with("no lock file at "), "{why}");
}

#[test]
fn an_unusable_today_is_an_error_not_1970() {
    let run = stackreg_env(
        &project_root(),
        &["outdated", "registry/stacks/district-council.toml"],
        &[("STACKREG_TODAY", "31/12/2026")],
    );
    run.code(2);
    assert_eq!(
        run.stderr.lines().next().unwrap(),
        "error: the environment variable STACKREG_TODAY is `31/12/2026`, which is not a date YYYY-MM-DD"
    );
    assert!(
        run.stderr
            .contains("hint: unset STACKREG_TODAY or set it to a date YYYY-MM-DD"),
        "{}",
        run.stderr
    );
    assert!(run.stdout.is_empty());
    // A good one is used.
    let run = stackreg_env(
        &project_root(),
        &[
            "outdated",
            "registry/stacks/district-council.toml",
            "--format",
            "json",
        ],
        &[("STACKREG_TODAY", "2026-11-26")],
    );
    run.ok();
}

#[test]
fn an_unusable_fetch_ttl_is_an_error() {
    let run = stackreg_env(
        &project_root(),
        &["--registry", "https://example.invalid/registry.git", "list"],
        &[("STACKREG_FETCH_TTL", "ten minutes")],
    );
    run.code(2);
    assert_eq!(
        run.stderr.lines().next().unwrap(),
        "error: the environment variable STACKREG_FETCH_TTL is `ten minutes`, which is not a whole number of seconds"
    );
}
