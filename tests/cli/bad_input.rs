//! The bad-input corpus (SPEC §7): every case in `tests/fixtures/bad/cases.toml` is put into
//! a minimal valid registry, which `validate` (JSON, human and GitHub formats) and `list`
//! must then handle: the expected code and exit status, never a panic, valid JSON, and no
//! raw terminal control or bidirectional characters in what people read.

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::sync::Mutex;

use serde::Deserialize;
use stackreg::diagnostic::Code;

use crate::support::*;

/// One entry of `cases.toml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    /// A file in the corpus folder.
    file: Option<String>,
    /// Or a case built at test time.
    generate: Option<String>,
    /// `components`, `interfaces`, `stacks` or `registry.toml`.
    folder: String,
    /// The name the file gets in the registry (default: `file`).
    name: Option<String>,
    code: String,
    exit: i32,
}

impl Case {
    fn label(&self) -> &str {
        self.file
            .as_deref()
            .or(self.generate.as_deref())
            .unwrap_or("?")
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Index {
    case: Vec<Case>,
}

fn corpus() -> PathBuf {
    project_root().join("tests/fixtures/bad")
}

fn cases() -> Vec<Case> {
    let text = std::fs::read_to_string(corpus().join("cases.toml")).unwrap();
    let index: Index = toml::from_str(&text).unwrap();
    index.case
}

/// The registry every case is put into: the interface `notify-api` (1.0.0, 2.0.0) and the
/// component `notifier` (2.0.0, providing notify-api 2.0.0).
fn minimal_registry() -> Fixture {
    let f = Fixture::new();
    f.interface("notify-api", &["1.0.0", "2.0.0"]);
    f.component(
        &component("notifier")
            .capabilities(&["messaging"])
            .release("2.0.0")
            .provides("notify-api", "2.0.0"),
    );
    f
}

/// Puts the case into the registry.
fn place(f: &Fixture, case: &Case) -> Result<(), String> {
    let target = |name: &str| {
        if case.folder == "registry.toml" {
            "registry.toml".to_owned()
        } else {
            format!("{}/{name}", case.folder)
        }
    };
    if let Some(file) = &case.file {
        let bytes = std::fs::read(corpus().join(file)).map_err(|e| format!("{file}: {e}"))?;
        f.file(&target(case.name.as_deref().unwrap_or(file)), bytes);
        return Ok(());
    }
    let generate = case.generate.as_deref().unwrap_or_default();
    let reg = f.registry();
    let widget = |text: &str| {
        format!(
            "id = \"widget\"\nname = \"{text}\"\nsummary = \"A widget\"\nsupplier = \"Widget Makers Ltd\"\nlicence = \"MIT\"\nkind = \"saas\"\ncapabilities = [\"forms\"]\nlifecycle = \"live\"\nhomepage = \"https://example.com/widget\"\n"
        )
    };
    match generate {
        "large-file" => {
            let mut text = widget("Widget");
            while text.len() < 2 * 1024 * 1024 {
                text.push_str("# padding padding padding padding padding padding padding\n");
            }
            f.file("components/widget.toml", text);
        }
        "non-utf8" => {
            // `Café` with the `é` in Latin-1.
            let text = widget("Cafe");
            let at = text.find("Cafe").unwrap() + 3;
            let mut bytes = text.into_bytes();
            bytes[at] = 0xe9;
            f.file("components/widget.toml", bytes);
        }
        "utf16" => {
            let mut bytes = vec![0xff, 0xfe];
            for unit in widget("Widget").encode_utf16() {
                bytes.extend_from_slice(&unit.to_le_bytes());
            }
            f.file("components/widget.toml", bytes);
        }
        "symlink" => {
            f.symlink("components/widget.toml", "notifier.toml");
        }
        "submodule" => {
            f.file(
                "components/vendor/.git",
                "gitdir: ../../.git/modules/vendor\n",
            );
            f.file("components/vendor/widget.toml", widget("Widget"));
        }
        "folder" => {
            f.file("components/drafts/widget.toml", widget("Widget"));
        }
        "hostile-file-name" => {
            f.file(
                "components/widget\u{1b}[31m\u{202e}lmth.toml",
                widget("Widget"),
            );
        }
        "deep-nesting" => {
            let depth = 100_000;
            f.file(
                "components/widget.toml",
                format!("id = {}{}\n", "[".repeat(depth), "]".repeat(depth)),
            );
        }
        "fifo" => {
            let path = reg.join("components/pipe.toml");
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            let made = std::process::Command::new("mkfifo")
                .arg(&path)
                .status()
                .map_err(|e| format!("mkfifo: {e}"))?;
            if !made.success() {
                return Err("mkfifo failed".into());
            }
        }
        "components-is-a-file" => {
            std::fs::remove_dir_all(reg.join("components")).unwrap();
            f.file("components", widget("Widget"));
        }
        other => return Err(format!("unknown generated case `{other}`")),
    }
    Ok(())
}

/// The first character of `s` that a terminal or editor could act on or reorder: controls
/// other than newline, bidirectional formatting and invisible characters.
fn raw_control(s: &str) -> Option<char> {
    s.chars().find(|&c| {
        (c.is_control() && c != '\n')
            || matches!(c, '\u{061c}' | '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2060}'..='\u{2069}' | '\u{feff}')
    })
}

/// Checks one case; returns what went wrong.
fn check(case: &Case) -> Vec<String> {
    let mut problems = Vec::new();
    let mut fail = |what: String| problems.push(format!("{}: {what}", case.label()));
    let f = minimal_registry();
    if let Err(e) = place(&f, case) {
        fail(format!("could not build the case: {e}"));
        return problems;
    }
    let no_panic = |run: &Run, what: &str, fail: &mut dyn FnMut(String)| {
        if run.stderr.contains("panicked") || run.code == 101 {
            fail(format!("{what} panicked: {}", run.stderr));
        }
    };

    // JSON: the expected code and exit status, and JSON that parses.
    let json = f.run(&["validate", "--format", "json"]);
    no_panic(&json, "validate --format json", &mut fail);
    if json.code != case.exit {
        fail(format!(
            "validate --format json exited {}, expected {}\n{}{}",
            json.code, case.exit, json.stdout, json.stderr
        ));
    }
    match serde_json::from_str::<serde_json::Value>(&json.stdout) {
        Err(e) => fail(format!(
            "validate JSON does not parse: {e}\n{}",
            json.stdout
        )),
        Ok(v) => {
            let list = if case.exit == 0 { "warnings" } else { "errors" };
            let codes: Vec<&str> = v[list]
                .as_array()
                .map(|a| a.iter().filter_map(|d| d["code"].as_str()).collect())
                .unwrap_or_default();
            if !codes.contains(&case.code.as_str()) {
                fail(format!("{} has no `{}`: {codes:?}", list, case.code));
            }
            if v["valid"] != (case.exit == 0) {
                fail(format!("valid is {}", v["valid"]));
            }
        }
    }
    if let Some(c) = raw_control(&json.stdout) {
        fail(format!("validate JSON holds a raw {c:?}"));
    }

    // Human: the same answer, with every control and bidi character escaped.
    let human = f.run(&["validate"]);
    no_panic(&human, "validate", &mut fail);
    if human.code != case.exit {
        fail(format!("validate exited {}", human.code));
    }
    if !human.stdout.contains(&format!("[{}]", case.code)) {
        fail(format!(
            "validate does not show [{}]:\n{}",
            case.code, human.stdout
        ));
    }
    for (stream, text) in [("stdout", &human.stdout), ("stderr", &human.stderr)] {
        if let Some(c) = raw_control(text) {
            fail(format!("validate {stream} holds a raw {c:?}:\n{text}"));
        }
    }

    // GitHub: one workflow command per line, so manifest text cannot start another one.
    let github = f.run(&["validate", "--format", "github"]);
    no_panic(&github, "validate --format github", &mut fail);
    for line in github.stdout.lines() {
        let ok = line.starts_with("::error file=registry/")
            || line.starts_with("::warning file=registry/")
            || line.starts_with("invalid: ")
            || line.starts_with("valid: ");
        if !ok {
            fail(format!("unexpected GitHub output line {line:?}"));
        }
    }
    if let Some(c) = raw_control(&github.stdout) {
        fail(format!("GitHub output holds a raw {c:?}"));
    }

    // Other commands read what they can, or refuse to run; never panic. `show` looks up the
    // component the case's file would hold, which loads despite text-only findings.
    let stem = case
        .name
        .as_deref()
        .or(case.file.as_deref())
        .unwrap_or("widget.toml")
        .trim_end_matches(".toml");
    let others: [&[&str]; 6] = [
        &["list"],
        &["list", "--format", "json"],
        &["list", "--format", "csv"],
        &["interfaces"],
        &["show", stem],
        &["show", stem, "--format", "markdown"],
    ];
    for args in others {
        let run = f.run(args);
        no_panic(&run, &args.join(" "), &mut fail);
        if run.code != 0 && run.code != 2 {
            fail(format!("{args:?} exited {}: {}", run.code, run.stderr));
        }
        for text in [&run.stdout, &run.stderr] {
            if let Some(c) = raw_control(text) {
                fail(format!("{args:?} printed a raw {c:?}"));
            }
        }
    }
    problems
}

#[test]
fn every_bad_input_gets_its_code_and_no_panic() {
    let cases = cases();
    let next = Mutex::new(cases.iter());
    let problems = Mutex::new(Vec::new());
    std::thread::scope(|s| {
        for _ in 0..4 {
            s.spawn(|| {
                loop {
                    let Some(case) = next.lock().unwrap().next() else {
                        break;
                    };
                    let found = check(case);
                    problems.lock().unwrap().extend(found);
                }
            });
        }
    });
    let problems = problems.into_inner().unwrap();
    assert!(
        problems.is_empty(),
        "{} problem(s):\n\n{}",
        problems.len(),
        problems.join("\n\n")
    );
}

#[test]
fn the_index_lists_every_corpus_file_once() {
    let cases = cases();
    assert!(cases.len() >= 30, "only {} cases", cases.len());
    let mut listed = BTreeSet::new();
    for case in &cases {
        assert!(
            case.file.is_some() != case.generate.is_some(),
            "{case:?}: give exactly one of file and generate"
        );
        assert!(
            ["components", "interfaces", "stacks", "registry.toml"].contains(&case.folder.as_str()),
            "{case:?}: unknown folder"
        );
        assert!(
            case.exit == 0 || case.exit == 1,
            "{case:?}: validate exits 0 or 1 on a registry it can read"
        );
        assert!(
            Code::ALL.iter().any(|c| c.as_str() == case.code),
            "{case:?}: unknown code"
        );
        if let Some(file) = &case.file {
            assert!(listed.insert(file.clone()), "{file} is listed twice");
        }
    }
    let on_disk: BTreeSet<String> = std::fs::read_dir(corpus())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n != "cases.toml")
        .collect();
    assert_eq!(
        on_disk.difference(&listed).collect::<Vec<_>>(),
        Vec::<&String>::new(),
        "corpus files missing from cases.toml"
    );
    assert_eq!(
        listed.difference(&on_disk).collect::<Vec<_>>(),
        Vec::<&String>::new(),
        "cases.toml names files that do not exist"
    );
}

/// Every code a single bad file can cause has at least one corpus case. The exceptions
/// need history (`--base`) or a resolver.
#[test]
fn the_corpus_covers_every_single_file_code() {
    let need_more = [
        "release-changed",
        "release-removed",
        "stack-unresolvable",
        "stale-lock",
    ];
    let covered: BTreeSet<String> = cases().into_iter().map(|c| c.code).collect();
    let missing: Vec<&str> = Code::ALL
        .iter()
        .map(|c| c.as_str())
        .filter(|c| !need_more.contains(c) && !covered.contains(*c))
        .collect();
    assert!(missing.is_empty(), "no corpus case for {missing:?}");
}

/// The corpus files are small, as the style asks; large ones are generated.
#[test]
fn corpus_files_are_small() {
    for entry in std::fs::read_dir(corpus()).unwrap() {
        let entry = entry.unwrap();
        if entry.file_name() == "cases.toml" {
            continue;
        }
        let size = entry.metadata().unwrap().len();
        assert!(size < 8 * 1024, "{:?} is {size} bytes", entry.path());
    }
}

/// `registry.toml` must be a file: a folder of that name is a finding, whether the registry
/// is discovered or named.
#[test]
fn a_registry_toml_folder_is_not_a_registry() {
    let f = minimal_registry();
    std::fs::remove_file(f.registry().join("registry.toml")).unwrap();
    f.file(
        "registry.toml/registry.toml",
        "[registry]\nname = \"x\"\nformat = 1\n",
    );
    let run = f.run(&["validate"]);
    run.code(1);
    assert!(run.stdout.contains("unexpected-file"), "{}", run.stdout);
    let run = f.run(&["--registry", "registry", "validate", "--format", "json"]);
    run.code(1);
    let found = run.findings();
    assert!(
        found
            .iter()
            .any(|d| d.file == "registry.toml" && d.code == "unexpected-file"),
        "{found:#?}"
    );
}
