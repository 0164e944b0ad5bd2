//! A property test over file-system shapes (docs/SECURITY.md, "Paths and files"): random
//! folders and files of a registry, of the file named on the command line and of the site
//! folder are replaced by links (to a secret, to `/proc/self/environ`, to `/dev/zero`, to
//! a folder outside), named pipes, folders where files belong, read-only folders
//! (`chattr +i`, which stops root too) or nothing, and then `validate FILE`, `registry
//! publish FILE` and `site --out` run on the result.
//!
//! Whatever the shapes, every run ends within its time limit with exit 0, 1 or 2 and no
//! panic, prints nothing a link pointed at, writes nothing outside the registry and the
//! site folder, and a run that fails changes nothing: a refused publish leaves `HEAD`, the
//! index and the working tree as they were, a refused site leaves the site folder as it
//! was. A publish that succeeds adds exactly one commit; a site that succeeds keeps what
//! the site did not write.
//!
//! The cases are drawn from a fixed seed; `STACKREG_SHAPE_CASES` runs more (or fewer).

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestCaseError, TestRng, TestRunner};

use crate::hostile_paths::{ReadOnly, assert_no_leak, mkfifo};
use crate::support::*;

/// Where a shape goes, from the fixture's root.
const PLACES: [&str; 9] = [
    "registry/components",
    "registry/components/widget.toml",
    "registry/stacks",
    "registry/interfaces/wire.toml",
    "registry/components/incoming.toml",
    "incoming/incoming.toml",
    "public",
    "public/components",
    "public/CNAME",
];

/// What a place becomes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    LinkToSecret,
    LinkToEnviron,
    LinkToZero,
    LinkToFolder,
    Pipe,
    ReadOnly,
    FolderInstead,
    Absent,
}

const SHAPES: [Shape; 8] = [
    Shape::LinkToSecret,
    Shape::LinkToEnviron,
    Shape::LinkToZero,
    Shape::LinkToFolder,
    Shape::Pipe,
    Shape::ReadOnly,
    Shape::FolderInstead,
    Shape::Absent,
];

/// The file `validate` is given.
const NAMED: [&str; 3] = [
    "incoming/incoming.toml",
    "registry/components/widget.toml",
    "registry/components/incoming.toml",
];

/// What the runs did, for the summary line.
#[derive(Debug, Default)]
struct Tally {
    cases: usize,
    shapes: BTreeMap<String, usize>,
    read_only_skipped: usize,
    codes: BTreeMap<String, usize>,
}

fn cases() -> u32 {
    std::env::var("STACKREG_SHAPE_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(24)
}

/// Every entry under `root` (links by target, special files by kind, files by content
/// hash), never reading a pipe.
fn snapshot(root: &Path) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let Ok(meta) = std::fs::symlink_metadata(root) else {
        return out;
    };
    if !meta.is_dir() {
        out.insert(String::new(), describe(root, &meta));
        return out;
    }
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let rel = path.strip_prefix(root).unwrap().display().to_string();
            let meta = std::fs::symlink_metadata(&path).unwrap();
            if meta.is_dir() {
                out.insert(format!("{rel}/"), String::new());
                stack.push(path);
            } else {
                out.insert(rel, describe(&path, &meta));
            }
        }
    }
    out
}

fn describe(path: &Path, meta: &std::fs::Metadata) -> String {
    if meta.file_type().is_symlink() {
        format!("-> {}", std::fs::read_link(path).unwrap().display())
    } else if meta.is_file() {
        let bytes = std::fs::read(path).unwrap();
        stackreg::resolve::lock::stack_hash(&bytes)
    } else {
        "special".into()
    }
}

/// A registry with a component, an interface and a stack; a manifest to publish; a site
/// written from it with a `CNAME` of its own; and, outside, a secret and a folder of
/// manifests for links to point at.
fn fixture() -> Fixture {
    let f = Fixture::new();
    f.interface("wire", &["1.0.0"]);
    f.component(
        &component("widget")
            .release("1.0.0")
            .provides("wire", "1.0.0"),
    );
    f.stack(
        "council",
        "[stack]\nname = \"Council\"\n\n[needs]\nweb = { component = \"widget\" }\n",
    );
    f.commit("registry");
    f.repo_file(
        "incoming/incoming.toml",
        component("incoming").release("1.0.0").toml(),
    );
    f.repo_file(
        "outside/secret.env",
        "SECRET_TOKEN=stackreg-test-secret-5f1d9a\n",
    );
    f.repo_file(
        "outside/folder/planted.toml",
        component("planted").release("1.0.0").toml(),
    );
    f.run(&["site", "--out", "public"]).ok();
    f.repo_file("public/CNAME", "catalogue.example.org");
    f
}

/// Puts `shape` at `place`; returns the read-only guard when it made one. A shape that
/// cannot be put there (its folder was replaced, or made read-only, by an earlier shape)
/// is left out.
fn apply(f: &Fixture, place: &str, shape: Shape, tally: &mut Tally) -> Option<ReadOnly> {
    let path = f.root().join(place);
    if let Some(parent) = path.parent()
        && !std::fs::symlink_metadata(parent).is_ok_and(|m| m.is_dir())
    {
        return None;
    }
    let clear = |p: &Path| match std::fs::symlink_metadata(p) {
        Ok(m) if m.is_dir() => std::fs::remove_dir_all(p).is_ok(),
        Ok(_) => std::fs::remove_file(p).is_ok(),
        Err(_) => true,
    };
    #[cfg(unix)]
    let link = |target: &Path| std::os::unix::fs::symlink(target, &path).is_ok();
    #[cfg(not(unix))]
    let link = |_: &Path| false;
    let made = match shape {
        Shape::LinkToSecret => clear(&path) && link(&f.root().join("outside/secret.env")),
        Shape::LinkToEnviron => clear(&path) && link(Path::new("/proc/self/environ")),
        Shape::LinkToZero => clear(&path) && link(Path::new("/dev/zero")),
        Shape::LinkToFolder => clear(&path) && link(&f.root().join("outside/folder")),
        Shape::Pipe => clear(&path) && mkfifo(&path),
        Shape::FolderInstead => {
            clear(&path) && std::fs::create_dir_all(path.join("inside")).is_ok()
        }
        Shape::Absent => clear(&path),
        Shape::ReadOnly => {
            let dir: PathBuf = if std::fs::symlink_metadata(&path).is_ok_and(|m| m.is_dir()) {
                path
            } else {
                path.parent().unwrap().to_path_buf()
            };
            let guard = ReadOnly::new(&dir);
            if guard.is_none() {
                tally.read_only_skipped += 1;
            } else {
                *tally.shapes.entry(format!("{shape:?}")).or_default() += 1;
            }
            return guard;
        }
    };
    if made {
        *tally.shapes.entry(format!("{shape:?}")).or_default() += 1;
    }
    None
}

/// Runs the binary with the secret in its environment; checks what every run must do.
fn run_checked(
    f: &Fixture,
    args: &[&str],
    home: &Path,
    tally: &mut Tally,
) -> Result<Run, TestCaseError> {
    let run = stackreg_within(
        f.root(),
        args,
        &[
            ("SECRET_TOKEN", "stackreg-test-secret-5f1d9a"),
            ("HOME", home.to_str().unwrap()),
            ("GIT_CONFIG_NOSYSTEM", "1"),
        ],
        std::time::Duration::from_secs(30),
    );
    assert_no_leak(&run, args);
    prop_assert!(
        [0, 1, 2].contains(&run.code) && !run.stderr.contains("panicked"),
        "{args:?}: exit {}\n{}",
        run.code,
        run.stderr
    );
    *tally
        .codes
        .entry(format!("{} {}", args[0], run.code))
        .or_default() += 1;
    Ok(run)
}

/// Clears `chattr +i` from everything under a folder when dropped (folders made
/// read-only may have been moved by the runs), so that the fixture can be deleted.
struct Thaw(PathBuf);

impl Drop for Thaw {
    fn drop(&mut self) {
        let _ = std::process::Command::new("chattr")
            .arg("-R")
            .arg("-i")
            .arg(&self.0)
            .stderr(std::process::Stdio::null())
            .status();
    }
}

fn one_case(
    shapes: &[(usize, usize)],
    named: usize,
    tally: &RefCell<Tally>,
) -> Result<(), TestCaseError> {
    let f = fixture();
    let root = f.root().to_path_buf();
    let thaw = Thaw(root.clone());
    let home = isolated_home();
    let mut tally = tally.borrow_mut();
    tally.cases += 1;
    let mut guards = Vec::new();
    for &(place, shape) in shapes {
        if let Some(g) = apply(&f, PLACES[place], SHAPES[shape], &mut tally) {
            guards.push(g);
        }
    }
    let outside = snapshot(&root.join("outside"));
    let git_state = || {
        (
            git(&root, &["rev-parse", "HEAD"]),
            git(&root, &["ls-files", "-s"]),
        )
    };

    // validate FILE changes nothing.
    let registry = snapshot(&f.registry());
    run_checked(&f, &["validate", NAMED[named]], home.path(), &mut tally)?;
    prop_assert_eq!(
        &snapshot(&f.registry()),
        &registry,
        "validate wrote in the registry"
    );

    // registry publish FILE: one commit, or nothing changed.
    let before = git_state();
    let run = run_checked(
        &f,
        &[
            "registry",
            "publish",
            "incoming/incoming.toml",
            "--author",
            "A <a@example.com>",
        ],
        home.path(),
        &mut tally,
    )?;
    if run.code == 0 {
        prop_assert_eq!(git(&root, &["rev-parse", "HEAD^"]), before.0.clone());
    } else {
        prop_assert_eq!(git_state(), before, "a refused publish changed git");
        prop_assert_eq!(
            &snapshot(&f.registry()),
            &registry,
            "a refused publish changed the working tree:\n{}",
            run.stderr
        );
    }

    // site --out: the new site, or the folder as it was; never the registry.
    let registry = snapshot(&f.registry());
    let site = snapshot(&root.join("public"));
    let run = run_checked(&f, &["site", "--out", "public"], home.path(), &mut tally)?;
    prop_assert_eq!(
        &snapshot(&f.registry()),
        &registry,
        "site wrote in the registry"
    );
    if run.code == 0 {
        if let Some(cname) = site.get("CNAME") {
            let after = snapshot(&root.join("public"));
            prop_assert_eq!(
                after.get("CNAME"),
                Some(cname),
                "the site dropped its CNAME"
            );
        }
    } else {
        prop_assert_eq!(
            &snapshot(&root.join("public")),
            &site,
            "a refused site changed its folder:\n{}",
            run.stderr
        );
    }
    prop_assert_eq!(&snapshot(&root.join("outside")), &outside, "wrote outside");

    // What a run could not remove (an old site holding a read-only folder) the next run
    // removes, once it can.
    drop(guards);
    drop(thaw);
    run_checked(&f, &["site", "--out", "public"], home.path(), &mut tally)?;
    let left: Vec<String> = std::fs::read_dir(&root)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".public.stackreg-"))
        .collect();
    prop_assert!(left.is_empty(), "left behind: {left:?}");
    Ok(())
}

#[test]
fn publish_site_and_validate_hold_over_any_file_system_shape() {
    let tally = RefCell::new(Tally::default());
    let mut runner = TestRunner::new_with_rng(
        Config {
            cases: cases(),
            failure_persistence: None,
            ..Config::default()
        },
        TestRng::deterministic_rng(RngAlgorithm::ChaCha),
    );
    let strategy = (
        prop::collection::vec((0..PLACES.len(), 0..SHAPES.len()), 1..4),
        0..NAMED.len(),
    );
    let result = runner.run(&strategy, |(shapes, named)| {
        one_case(&shapes, named, &tally)
    });
    let tally = tally.into_inner();
    eprintln!(
        "fs shapes: {} cases; shapes applied {:?}; read-only folders unavailable {} times; exit codes {:?}",
        tally.cases, tally.shapes, tally.read_only_skipped, tally.codes
    );
    if let Err(e) = result {
        panic!("{e}");
    }
}
