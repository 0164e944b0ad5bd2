//! Every validation code, both ways: a registry that triggers it, and a near-identical one
//! that does not. Each case starts from the same small clean registry (`baseline`) and
//! changes one thing; `Variant` picks the bad or the good version of that change.
//!
//! The table is the single list of cases. One `#[test]` per code runs its case, and
//! `every_code_has_a_case` fails when a code is added to `stackreg::diagnostic::Code`
//! without a case here.

use std::collections::BTreeSet;

use stackreg::diagnostic::Code;

use crate::support::*;

/// Codes that have no case yet, with the reason.
const NOT_COVERED: &[(&str, &str)] = &[];

const NOTIFIER: &str = "components/notifier.toml";
const PORTAL: &str = "components/portal.toml";
const STACK: &str = "stacks/council.toml";

/// Which version of a case's registry to build.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Variant {
    /// Triggers the code.
    Bad,
    /// The same registry with the problem fixed: no findings at all.
    Good,
}

impl Variant {
    fn pick<T>(self, bad: T, good: T) -> T {
        match self {
            Variant::Bad => bad,
            Variant::Good => good,
        }
    }
}

/// Where the finding must point.
#[derive(Debug, Clone, Copy)]
enum Place {
    /// At a line and column of a file.
    At(&'static str, u64, u64),
    /// At a file as a whole (no line or column).
    File(&'static str),
}

struct Case {
    code: &'static str,
    setup: fn(&Fixture, Variant),
    place: Place,
    /// A warning (exit 0) rather than an error (exit 1).
    warning: bool,
    /// Extra `validate` arguments.
    args: &'static [&'static str],
}

impl Case {
    fn error(code: &'static str, place: Place, setup: fn(&Fixture, Variant)) -> Case {
        Case {
            code,
            setup,
            place,
            warning: false,
            args: &[],
        }
    }
}

/// `notifier` 2.0.0 provides `notify-api` 2.0.0.
fn notifier() -> ComponentBuilder {
    component("notifier")
        .release("2.0.0")
        .provides("notify-api", "2.0.0")
}

/// `portal` 1.0.0 requires `notify-api` ^2 and depends on `notifier` ^2. Its file reads:
///
/// ```text
///  1 id = "portal"
///  2 name = "portal"
///  3 summary = "Component portal"
///  4 supplier = "Test Supplier Ltd"
///  5 licence = "MIT"
///  6 kind = "saas"
///  7 capabilities = ["testing"]
///  8 lifecycle = "live"
///  9 assurances = []
/// 10 homepage = "https://example.com/portal"
/// 11
/// 12 [[release]]
/// 13 version = "1.0.0"
/// 14 released = 2024-01-01
/// 15 requires = { notify-api = "^2" }
/// 16 depends = { notifier = "^2" }
/// ```
fn portal() -> ComponentBuilder {
    component("portal")
        .release("1.0.0")
        .requires("notify-api", "^2")
        .depends("notifier", "^2")
}

/// The clean registry every case starts from.
fn baseline(f: &Fixture) {
    f.interface("notify-api", &["1.0.0", "2.0.0"]);
    f.component(&notifier());
    f.component(&portal());
}

/// A stack whose one need is `need` (line 5 of the file).
fn stack_with_need(f: &Fixture, need: &str) {
    f.stack(
        "council",
        &format!("[stack]\nname = \"Example Council\"\n\n[needs]\nwebsite = {need}\n"),
    );
}

fn cases() -> Vec<Case> {
    use Place::{At, File};
    vec![
        Case::error("parse-error", At(PORTAL, 2, 15), |f, v| {
            baseline(f);
            f.edit(
                PORTAL,
                "name = \"portal\"",
                v.pick("name = \"portal", "name = \"portal\""),
            );
        }),
        Case::error("duplicate-key", At(PORTAL, 9, 1), |f, v| {
            baseline(f);
            f.edit(
                PORTAL,
                "lifecycle = \"live\"",
                v.pick(
                    "lifecycle = \"live\"\nlifecycle = \"beta\"",
                    "lifecycle = \"beta\"",
                ),
            );
        }),
        Case::error("unknown-field", At(PORTAL, 9, 1), |f, v| {
            baseline(f);
            f.edit(
                PORTAL,
                "lifecycle = \"live\"\n",
                v.pick(
                    "lifecycle = \"live\"\ncolour = \"blue\"\n",
                    "lifecycle = \"live\"\nrepository = \"https://example.com/portal.git\"\n",
                ),
            );
        }),
        // A release without `released`: the finding points at the release table.
        Case::error("missing-field", At(PORTAL, 12, 1), |f, v| {
            baseline(f);
            f.edit(
                PORTAL,
                "released = 2024-01-01\n",
                v.pick("", "released = 2024-01-02\n"),
            );
        }),
        Case::error("invalid-type", At(PORTAL, 14, 12), |f, v| {
            baseline(f);
            f.edit(
                PORTAL,
                "released = 2024-01-01",
                v.pick("released = \"2024-01-01\"", "released = 2024-01-02"),
            );
        }),
        Case::error("invalid-value", At(PORTAL, 6, 8), |f, v| {
            baseline(f);
            f.edit(
                PORTAL,
                "kind = \"saas\"",
                v.pick("kind = \"cloud\"", "kind = \"library\""),
            );
        }),
        // One byte over the limit, against exactly the limit.
        Case::error("file-too-large", File(PORTAL), |f, v| {
            baseline(f);
            let text = portal().toml();
            let limit = 1024 * 1024;
            let size = v.pick(limit + 1, limit);
            let padding = size - text.len() - 2;
            f.file(PORTAL, format!("{text}#{}\n", " ".repeat(padding)));
            assert_eq!(
                std::fs::metadata(f.registry().join(PORTAL)).unwrap().len() as usize,
                size
            );
        }),
        // `é` in Latin-1 (one byte 0xE9), against `é` in UTF-8.
        Case::error("not-utf8", At(PORTAL, 2, 13), |f, v| {
            baseline(f);
            let text = portal().toml();
            let (before, after) = text.split_once("name = \"portal\"").unwrap();
            let e_acute: &[u8] = v.pick(b"\xe9", "\u{e9}".as_bytes());
            let bytes = [
                before.as_bytes(),
                b"name = \"port",
                e_acute,
                b"l\"",
                after.as_bytes(),
            ]
            .concat();
            f.file(PORTAL, bytes);
        }),
        // A right-to-left override (written as a TOML escape), against an accented letter.
        Case::error("forbidden-character", At(PORTAL, 3, 11), |f, v| {
            baseline(f);
            f.edit(
                PORTAL,
                "summary = \"Component portal\"",
                v.pick(
                    "summary = \"Component \\u202Eportal\"",
                    "summary = \"Component \\u00E9portal\"",
                ),
            );
        }),
        Case::error("mixed-script", At(PORTAL, 4, 12), |f, v| {
            baseline(f);
            f.edit(
                PORTAL,
                "supplier = \"Test Supplier Ltd\"",
                v.pick(
                    "supplier = \"Test Suppli\\u0435r Ltd\"",
                    "supplier = \"Test Supplier\\u00A0Ltd\"",
                ),
            );
        }),
        Case::error("invalid-id", At(PORTAL, 7, 17), |f, v| {
            baseline(f);
            f.edit(
                PORTAL,
                "capabilities = [\"testing\"]",
                v.pick(
                    "capabilities = [\"Testing\"]",
                    "capabilities = [\"testing-2\"]",
                ),
            );
        }),
        Case::error("id-mismatch", At(PORTAL, 1, 6), |f, v| {
            baseline(f);
            f.edit(
                PORTAL,
                "id = \"portal\"",
                v.pick("id = \"portals\"", "id = \"portal\""),
            );
        }),
        // An interface with the id of a component.
        Case::error("duplicate-id", At(PORTAL, 1, 6), |f, v| {
            baseline(f);
            let id = v.pick("portal", "portal-api");
            f.interface(id, &["1.0.0"]);
        }),
        Case::error("duplicate-release", At(NOTIFIER, 18, 11), |f, v| {
            baseline(f);
            f.component(
                &notifier()
                    .release(v.pick("2.0.0", "2.0.1"))
                    .provides("notify-api", "2.0.0"),
            );
        }),
        Case::error("invalid-version", At(PORTAL, 13, 11), |f, v| {
            baseline(f);
            f.edit(
                PORTAL,
                "version = \"1.0.0\"",
                v.pick("version = \"1.0\"", "version = \"1.0.1\""),
            );
        }),
        Case::error("invalid-range", At(PORTAL, 15, 27), |f, v| {
            baseline(f);
            f.edit(PORTAL, "\"^2\" }", v.pick("\"^^2\" }", "\">=2\" }"));
        }),
        Case::error("invalid-licence", At(PORTAL, 5, 11), |f, v| {
            baseline(f);
            f.edit(
                PORTAL,
                "licence = \"MIT\"",
                v.pick("licence = \"MIT-ish\"", "licence = \"MIT-0\""),
            );
        }),
        Case::error("insecure-url", At(PORTAL, 10, 12), |f, v| {
            baseline(f);
            f.edit(
                PORTAL,
                "\"https://example.com/portal\"",
                v.pick(
                    "\"http://example.com/portal\"",
                    "\"https://example.com/portal\"",
                ),
            );
        }),
        Case::error("invalid-url", At(PORTAL, 10, 12), |f, v| {
            baseline(f);
            f.edit(
                PORTAL,
                "\"https://example.com/portal\"",
                v.pick("\"example.com/portal\"", "\"https://example.com/portal\""),
            );
        }),
        Case::error("invalid-date", At(PORTAL, 14, 12), |f, v| {
            baseline(f);
            f.edit(
                PORTAL,
                "released = 2024-01-01",
                v.pick("released = 2024-01-01T09:30:00", "released = 2024-01-02"),
            );
        }),
        Case::error("support-ends-before-release", At(PORTAL, 15, 16), |f, v| {
            baseline(f);
            f.component(&portal().support_ends(v.pick("2023-12-31", "2024-01-02")));
        }),
        Case::error("empty-yank-reason", At(PORTAL, 17, 10), |f, v| {
            baseline(f);
            f.component(&portal().yanked(v.pick("", "superseded by 1.0.1")));
        }),
        Case {
            warning: true,
            ..Case::error("no-releases", File("components/archive.toml"), |f, v| {
                baseline(f);
                let archive = component("archive");
                f.component(&v.pick(archive.clone(), archive.release("1.0.0")));
            })
        },
        Case::error("unknown-interface", At(PORTAL, 15, 14), |f, v| {
            baseline(f);
            f.edit(
                PORTAL,
                "requires = { notify-api",
                v.pick("requires = { notifi-api", "requires = { notify-api"),
            );
        }),
        Case::error("unknown-interface-version", At(NOTIFIER, 20, 27), |f, v| {
            baseline(f);
            f.component(
                &notifier()
                    .release("2.1.0")
                    .provides("notify-api", v.pick("2.1.0", "2.0.0")),
            );
        }),
        Case::error("unknown-component", At(PORTAL, 16, 13), |f, v| {
            baseline(f);
            f.edit(
                PORTAL,
                "depends = { notifier",
                v.pick("depends = { notifyer", "depends = { notifier"),
            );
        }),
        Case::error("unknown-capability", At(STACK, 5, 26), |f, v| {
            baseline(f);
            let need = v.pick(
                "{ capability = \"testng\" }",
                "{ capability = \"testing\" }",
            );
            stack_with_need(f, need);
        }),
        Case::error("unmatched-depends", At(PORTAL, 16, 24), |f, v| {
            baseline(f);
            f.edit(
                PORTAL,
                "notifier = \"^2\"",
                v.pick("notifier = \"^3\"", "notifier = \">=2\""),
            );
        }),
        // The interface publishes 1.0.0, but no component provides it.
        Case::error("unsatisfiable-requires", At(PORTAL, 15, 27), |f, v| {
            baseline(f);
            f.edit(
                PORTAL,
                "notify-api = \"^2\"",
                v.pick("notify-api = \"^1\"", "notify-api = \">=1\""),
            );
        }),
        // A `depends` back on portal makes a loop; a `conflicts` entry does not.
        Case::error("dependency-cycle", At(NOTIFIER, 16, 13), |f, v| {
            baseline(f);
            let n = notifier();
            f.component(&match v {
                Variant::Bad => n.depends("portal", "^1"),
                Variant::Good => n.conflicts("portal", "^1"),
            });
        }),
        Case::error("self-conflict", At(NOTIFIER, 16, 15), |f, v| {
            baseline(f);
            let n = notifier();
            f.component(&match v {
                Variant::Bad => n.conflicts("notifier", "<2"),
                Variant::Good => n.conflicts("portal", "<1"),
            });
        }),
        Case::error("invalid-need", At(STACK, 5, 11), |f, v| {
            baseline(f);
            let need = v.pick(
                "{ capability = \"testing\", component = \"portal\" }",
                "{ capability = \"testing\" }",
            );
            stack_with_need(f, need);
        }),
        // A reference stack's lock holding a release the registry does not have.
        Case::error("stale-lock", File("stacks/council.lock"), |f, v| {
            baseline(f);
            stack_with_need(f, "{ component = \"portal\" }");
            f.run(&["resolve", "registry/stacks/council.toml", "--lock"])
                .ok();
            if v == Variant::Bad {
                f.edit(
                    "stacks/council.lock",
                    "version = \"1.0.0\"",
                    "version = \"9.0.0\"",
                );
            }
        }),
        // A reference stack with no plan: its policy leaves out what the need brings in.
        Case::error("stack-unresolvable", At(STACK, 4, 2), |f, v| {
            baseline(f);
            let policy = v.pick("\n[policy]\nexclude-components = [\"notifier\"]\n", "");
            f.stack(
                "council",
                &format!(
                    "[stack]\nname = \"Example Council\"\n\n[needs]\nwebsite = {{ component = \"portal\" }}\n{policy}"
                ),
            );
        }),
        // Only the registry's folders are checked for strays.
        Case::error("unexpected-file", File("components/notes.md"), |f, v| {
            baseline(f);
            f.file(v.pick("components/notes.md", "notes.md"), "# Notes\n");
        }),
        Case::error("symlink", File(PORTAL), |f, v| {
            baseline(f);
            f.repo_file("elsewhere/portal.toml", portal().toml());
            f.remove(PORTAL);
            match v {
                Variant::Bad => {
                    f.symlink(PORTAL, "../../elsewhere/portal.toml");
                }
                Variant::Good => {
                    f.component(&portal());
                }
            }
        }),
        // A checked-out submodule is a folder with a `.git` file in it.
        Case::error("submodule", File("components/vendor"), |f, v| {
            baseline(f);
            let dir = v.pick("registry/components/vendor", "vendor");
            f.repo_file(&format!("{dir}/.git"), "gitdir: ../.git/modules/vendor\n");
        }),
        Case::error("unsupported-format", At("registry.toml", 4, 10), |f, v| {
            baseline(f);
            f.edit(
                "registry.toml",
                "format = 1",
                v.pick("format = 2", "format = 1"),
            );
        }),
        // The first commit publishes notifier 2.0.0; the second changes its date, or
        // yanks it (the one change allowed).
        Case {
            args: &["--base", "HEAD~1"],
            ..Case::error("release-changed", At(NOTIFIER, 12, 1), |f, v| {
                baseline(f);
                f.commit("publish notifier 2.0.0");
                f.component(&match v {
                    Variant::Bad => notifier().released("2024-02-01"),
                    Variant::Good => notifier().yanked("use 2.0.1"),
                });
                f.commit("change notifier 2.0.0");
            })
        },
        // The first commit publishes notifier 2.0.0 and 2.1.0; the second drops 2.1.0,
        // or adds 2.2.0.
        Case {
            args: &["--base", "HEAD~1"],
            ..Case::error("release-removed", File(NOTIFIER), |f, v| {
                baseline(f);
                let two = notifier();
                f.component(&two.clone().release("2.1.0"));
                f.commit("publish notifier 2.1.0");
                f.component(&match v {
                    Variant::Bad => two,
                    Variant::Good => two.release("2.1.0").release("2.2.0"),
                });
                f.commit("change notifier releases");
            })
        },
    ]
}

/// Runs one case both ways.
fn check(code: &str) {
    let cases = cases();
    let case = cases
        .iter()
        .find(|c| c.code == code)
        .unwrap_or_else(|| panic!("no case for {code}"));
    let mut args = vec!["validate", "--format", "json"];
    args.extend_from_slice(case.args);

    let bad = Fixture::new();
    (case.setup)(&bad, Variant::Bad);
    let run = bad.run(&args);
    run.code(if case.warning { 0 } else { 1 });
    let findings = run.findings();
    let (file, line, column) = match case.place {
        Place::At(file, line, column) => (file, Some(line), Some(column)),
        Place::File(file) => (file, None, None),
    };
    let found = findings
        .iter()
        .find(|f| f.code == code && f.file == file)
        .unwrap_or_else(|| panic!("no {code} finding in {file}; got {findings:#?}"));
    assert_eq!(
        (found.line, found.column),
        (line, column),
        "{code} points at the wrong place: {found:#?}"
    );
    assert_eq!(found.error, !case.warning, "{code} severity: {found:#?}");
    assert!(!found.message.is_empty());
    assert_eq!(run.json()["valid"], case.warning, "{}", run.stdout);

    let good = Fixture::new();
    (case.setup)(&good, Variant::Good);
    let run = good.run(&args);
    run.ok();
    assert_eq!(
        run.findings(),
        [],
        "the good version of {code} has findings"
    );
    assert_eq!(run.json()["valid"], true);
}

macro_rules! code_tests {
    ($($name:ident),* $(,)?) => {
        $(
            #[test]
            fn $name() {
                check(&stringify!($name).replace('_', "-"));
            }
        )*

        /// The codes that have a test function above.
        const TESTED: &[&str] = &[$(stringify!($name)),*];
    };
}

code_tests! {
    stale_lock,
    stack_unresolvable,
    parse_error,
    duplicate_key,
    unknown_field,
    missing_field,
    invalid_type,
    invalid_value,
    file_too_large,
    not_utf8,
    forbidden_character,
    mixed_script,
    invalid_id,
    id_mismatch,
    duplicate_id,
    duplicate_release,
    invalid_version,
    invalid_range,
    invalid_licence,
    insecure_url,
    invalid_url,
    invalid_date,
    support_ends_before_release,
    empty_yank_reason,
    no_releases,
    unknown_interface,
    unknown_interface_version,
    unknown_component,
    unknown_capability,
    unmatched_depends,
    unsatisfiable_requires,
    dependency_cycle,
    self_conflict,
    invalid_need,
    unexpected_file,
    symlink,
    submodule,
    unsupported_format,
    release_changed,
    release_removed,
}

#[test]
fn every_code_has_a_case() {
    let all: BTreeSet<&str> = Code::ALL.iter().map(|c| c.as_str()).collect();
    let skipped: BTreeSet<&str> = NOT_COVERED.iter().map(|(c, _)| *c).collect();
    assert!(skipped.is_subset(&all), "NOT_COVERED names unknown codes");
    let want: BTreeSet<&str> = all.difference(&skipped).copied().collect();

    let cases = cases();
    let with_case: BTreeSet<&str> = cases.iter().map(|c| c.code).collect();
    assert_eq!(with_case.len(), cases.len(), "two cases for one code");
    let tested: BTreeSet<String> = TESTED.iter().map(|t| t.replace('_', "-")).collect();
    let tested: BTreeSet<&str> = tested.iter().map(String::as_str).collect();

    let missing: Vec<_> = want.difference(&with_case).collect();
    assert!(
        missing.is_empty(),
        "codes with no case in cases(): {missing:?}"
    );
    let extra: Vec<_> = with_case.difference(&want).collect();
    assert!(
        extra.is_empty(),
        "cases for codes that are not tested: {extra:?}"
    );
    let untested: Vec<_> = want.symmetric_difference(&tested).collect();
    assert!(
        untested.is_empty(),
        "code_tests! must list exactly the codes with cases: {untested:?}"
    );
}

/// The case registries are what they claim to be: the baseline itself is clean.
#[test]
fn baseline_is_clean() {
    let f = Fixture::new();
    baseline(&f);
    let run = f.run(&["validate", "--format", "json"]);
    run.ok();
    assert_eq!(run.findings(), []);
    assert_eq!(run.json()["checked"], 4);
}

/// A published component whose file no longer parses was not removed: the parse error is
/// the finding, not a follow-on `release-removed`.
#[test]
fn release_removed_is_not_claimed_for_a_file_that_does_not_parse() {
    let f = Fixture::new();
    baseline(&f);
    f.commit("publish");
    f.edit(NOTIFIER, "released = 2024-01-01", "released = ");
    let run = f.run(&["validate", "--format", "json", "--base", "HEAD"]);
    run.code(1);
    let found = run.findings();
    assert!(
        found
            .iter()
            .any(|d| d.code == "parse-error" && d.file == NOTIFIER),
        "{found:#?}"
    );
    assert!(
        !found.iter().any(|d| d.code == "release-removed"),
        "{found:#?}"
    );

    // Removing the file is still a removal.
    f.remove(NOTIFIER);
    let run = f.run(&["validate", "--format", "json", "--base", "HEAD"]);
    run.code(1);
    let found = run.findings();
    assert!(
        found
            .iter()
            .any(|d| d.code == "release-removed" && d.file == NOTIFIER),
        "{found:#?}"
    );
}

/// A key may hold any character when quoted; the message names it whole, escaped.
#[test]
fn unknown_field_names_a_quoted_key_with_a_newline_whole() {
    let f = Fixture::new();
    baseline(&f);
    f.edit(
        PORTAL,
        "lifecycle = \"live\"\n",
        "lifecycle = \"live\"\n\"colour\\nshade\" = \"blue\"\n",
    );
    let run = f.run(&["validate", "--format", "json"]);
    run.code(1);
    let found = run.findings();
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0].code, "unknown-field");
    assert!(
        found[0]
            .message
            .starts_with("unknown field `colour\nshade`, expected one of `id`"),
        "{found:#?}"
    );
    let run = f.run(&["validate"]);
    assert!(
        run.stdout
            .contains("error[unknown-field]: unknown field `colour\\nshade`, expected"),
        "{}",
        run.stdout
    );
}

/// A finding's code comes from the kind of problem, never from text quoted in the message.
#[test]
fn a_value_quoting_another_problem_keeps_its_own_code() {
    let f = Fixture::new();
    baseline(&f);
    f.edit(
        PORTAL,
        "capabilities = [\"testing\"]",
        "capabilities = \"duplicate key\"",
    );
    let run = f.run(&["validate", "--format", "json"]);
    run.code(1);
    let codes: Vec<String> = run.findings().into_iter().map(|d| d.code).collect();
    assert_eq!(codes, ["invalid-type"]);
}
