//! The layout of `src/` (docs/ARCHITECTURE.md): every `crate::` path in a module names
//! a module below it in the intended order, and no two top-level modules import each
//! other. Read from the source text, so a new `use` that breaks the order fails here with
//! the file and line that does it. And no file is over 800 lines.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The top-level modules from the top of the flow down, and what each may import. A
/// module may import those listed for it only (the lists are closed downwards: what a
/// module may import, it may also import through another).
const LAYERS: &[(&str, &[&str])] = &[
    ("cli", &["ops", "error", "report", "model", "env", "text"]),
    (
        "ops",
        &[
            "error",
            "site",
            "report",
            "planning",
            "interop",
            "maintain",
            "resolve",
            "catalog",
            "source",
            "model",
            "diagnostic",
            "env",
            "causes",
            "atomic",
            "text",
        ],
    ),
    (
        "error",
        &[
            "site",
            "planning",
            "interop",
            "maintain",
            "resolve",
            "catalog",
            "source",
            "model",
            "diagnostic",
            "env",
            "causes",
        ],
    ),
    (
        "site",
        &[
            "report",
            "planning",
            "interop",
            "maintain",
            "resolve",
            "catalog",
            "source",
            "model",
            "diagnostic",
            "env",
            "text",
        ],
    ),
    (
        "report",
        &[
            "planning",
            "interop",
            "maintain",
            "resolve",
            "catalog",
            "source",
            "model",
            "diagnostic",
            "env",
            "text",
        ],
    ),
    ("planning", &["resolve", "catalog", "model", "text"]),
    (
        "interop",
        &[
            "resolve",
            "catalog",
            "source",
            "model",
            "diagnostic",
            "text",
        ],
    ),
    (
        "maintain",
        &[
            "catalog",
            "source",
            "model",
            "diagnostic",
            "env",
            "causes",
            "atomic",
            "text",
        ],
    ),
    ("resolve", &["model", "diagnostic", "text"]),
    (
        "catalog",
        &["source", "model", "diagnostic", "causes", "text"],
    ),
    (
        "source",
        &["model", "diagnostic", "env", "causes", "atomic", "text"],
    ),
    ("model", &["diagnostic", "env", "text"]),
    ("diagnostic", &[]),
    ("env", &[]),
    ("causes", &[]),
    ("atomic", &[]),
    ("text", &[]),
];

/// Macros exported at the crate root, by the module that defines them.
const MACROS: &[(&str, &str)] = &[("path", "diagnostic")];

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let path = e.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|x| x == "rs") {
            out.push(path);
        }
    }
}

/// The module path of a file: `src/ops/open.rs` is `["ops", "open"]`.
fn module_path(file: &Path) -> Vec<String> {
    let rel = file.strip_prefix(src()).unwrap();
    let mut parts: Vec<String> = rel
        .iter()
        .map(|p| p.to_string_lossy().trim_end_matches(".rs").to_owned())
        .collect();
    if parts
        .last()
        .is_some_and(|p| p == "mod" || p == "lib" || p == "main")
    {
        parts.pop();
    }
    parts
}

/// Every top-level module a line of code names, through `crate::`, `$crate::` or
/// `super::` paths. Comments are not code. `inline` counts the `mod name {` blocks the
/// line is in (test modules at the end of a file).
fn names(line: &str, module: &[String], file_is_mod: bool, inline: usize) -> BTreeSet<String> {
    let code = match line.find("//") {
        Some(at) => &line[..at],
        None => line,
    };
    let mut out = BTreeSet::new();
    let bytes = code.as_bytes();
    for (at, _) in code.match_indices("crate::") {
        let before = at.checked_sub(1).map(|i| bytes[i]);
        if before.is_some_and(|b| b.is_ascii_alphanumeric() || b == b'_') {
            continue;
        }
        let rest = &code[at + "crate::".len()..];
        out.extend(first_segments(rest));
    }
    // `super::` from a file directly under src/ (or its mod.rs) leaves the module.
    let depth = module.len() + usize::from(file_is_mod) - 1 + inline;
    for (at, _) in code.match_indices("super::") {
        let mut rest = &code[at..];
        let mut ups = 0;
        while let Some(r) = rest.strip_prefix("super::") {
            ups += 1;
            rest = r;
        }
        if ups > depth {
            out.extend(first_segments(rest));
        }
    }
    out
}

/// The first segment of a path, or of each path in a `{a, b::c}` group.
fn first_segments(rest: &str) -> Vec<String> {
    let ident = |s: &str| -> String {
        s.trim()
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect()
    };
    if let Some(group) = rest.strip_prefix('{') {
        let inner = group.split('}').next().unwrap_or_default();
        return inner
            .split(',')
            .map(|p| ident(p.split("::").next().unwrap_or_default()))
            .filter(|s| !s.is_empty())
            .collect();
    }
    let name = ident(rest);
    let mapped = MACROS
        .iter()
        .find(|(m, _)| *m == name)
        .map(|(_, module)| (*module).to_owned());
    vec![mapped.unwrap_or(name)]
}

/// Every `from -> to` import between different top-level modules, with where it is.
fn edges() -> BTreeMap<(String, String), Vec<String>> {
    let mut files = Vec::new();
    rust_files(&src(), &mut files);
    files.sort();
    let mut out: BTreeMap<(String, String), Vec<String>> = BTreeMap::new();
    for file in files {
        let module = module_path(&file);
        let Some(top) = module.first().cloned() else {
            continue; // lib.rs and main.rs sit above everything
        };
        let is_mod = file.file_name().is_some_and(|n| n == "mod.rs");
        let text = std::fs::read_to_string(&file).unwrap();
        let mut inline = 0;
        for (n, line) in text.lines().enumerate() {
            let trimmed = line.trim_start();
            if (trimmed.starts_with("mod ") || trimmed.starts_with("pub mod "))
                && trimmed.ends_with('{')
            {
                inline += 1;
            }
            for to in names(line, &module, is_mod, inline) {
                if to != top && !to.is_empty() {
                    let at = format!(
                        "{}:{}",
                        file.strip_prefix(src().parent().unwrap())
                            .unwrap()
                            .display(),
                        n + 1
                    );
                    out.entry((top.clone(), to)).or_default().push(at);
                }
            }
        }
    }
    out
}

#[test]
fn every_top_level_module_is_in_the_layer_list() {
    let listed: BTreeSet<&str> = LAYERS.iter().map(|(m, _)| *m).collect();
    let mut on_disk = BTreeSet::new();
    for e in std::fs::read_dir(src()).unwrap() {
        let name = e.unwrap().file_name().to_string_lossy().into_owned();
        let name = name.trim_end_matches(".rs").to_owned();
        if name != "lib" && name != "main" {
            on_disk.insert(name);
        }
    }
    let on_disk: BTreeSet<&str> = on_disk.iter().map(String::as_str).collect();
    assert_eq!(on_disk, listed, "src/ and LAYERS disagree");
}

#[test]
fn no_module_imports_one_above_it() {
    let allowed: BTreeMap<&str, &[&str]> = LAYERS.iter().copied().collect();
    let mut wrong = Vec::new();
    for ((from, to), places) in edges() {
        let Some(may) = allowed.get(from.as_str()) else {
            wrong.push(format!("{from} is not in LAYERS"));
            continue;
        };
        if !may.contains(&to.as_str()) {
            wrong.push(format!("{from} imports {to} at {}", places.join(", ")));
        }
    }
    assert!(
        wrong.is_empty(),
        "imports against the layout:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn no_two_top_level_modules_import_each_other() {
    let edges = edges();
    let mut cycles = Vec::new();
    for (from, to) in edges.keys() {
        if from < to
            && let Some(back) = edges.get(&(to.clone(), from.clone()))
        {
            cycles.push(format!(
                "{from} <-> {to} (at {} and {})",
                edges[&(from.clone(), to.clone())][0],
                back[0]
            ));
        }
    }
    assert!(
        cycles.is_empty(),
        "modules that import each other:\n{}",
        cycles.join("\n")
    );
}

#[test]
fn the_layer_list_runs_downwards() {
    // Each module may import only modules listed after it, so the allowed imports can
    // have no cycle, however long.
    let at: BTreeMap<&str, usize> = LAYERS
        .iter()
        .enumerate()
        .map(|(i, (m, _))| (*m, i))
        .collect();
    for (i, (module, may)) in LAYERS.iter().enumerate() {
        for dep in *may {
            let j = at
                .get(dep)
                .unwrap_or_else(|| panic!("{module} may import {dep}, which is not listed"));
            assert!(
                *j > i,
                "{module} may import {dep}, which is listed above it"
            );
        }
    }
}

#[test]
fn the_reader_sees_imports_as_the_compiler_does() {
    let m = |s: &str| s.split('/').map(str::to_owned).collect::<Vec<_>>();
    let n = |line: &str, module: &str, is_mod: bool| {
        names(line, &m(module), is_mod, 0)
            .into_iter()
            .collect::<Vec<_>>()
    };
    assert_eq!(
        n("use crate::model::{Id, Stack};", "ops/open", false),
        ["model"]
    );
    assert_eq!(
        n("use crate::{catalog, source::Source};", "ops", true),
        ["catalog", "source"]
    );
    assert_eq!(
        n("    crate::path![\"id\"]", "catalog", true),
        ["diagnostic"]
    );
    assert_eq!(
        n("// crate::cli in a comment", "model", true),
        Vec::<String>::new()
    );
    assert_eq!(
        n("use super::Session;", "ops/open", false),
        Vec::<String>::new()
    );
    assert_eq!(
        n("use super::super::report::x;", "site/pages", false),
        ["report"]
    );
    assert_eq!(n("use super::text;", "causes", false), ["text"]);
    assert_eq!(
        n("use crate::path;", "model/validate", false),
        ["diagnostic"]
    );
    let in_tests = names("super::super::Cli::command()", &m("cli/formats"), false, 1);
    assert!(in_tests.is_empty(), "{in_tests:?}");
}

/// No source file grows past what one reading holds: a module that does is split by job
/// (docs/ARCHITECTURE.md).
#[test]
fn no_source_file_is_over_800_lines() {
    let mut files = Vec::new();
    rust_files(&src(), &mut files);
    assert!(files.len() > 50, "found only {} files", files.len());
    let long: Vec<String> = files
        .iter()
        .filter_map(|f| {
            let lines = std::fs::read_to_string(f).unwrap().lines().count();
            (lines > 800).then(|| format!("{} ({lines} lines)", f.display()))
        })
        .collect();
    assert!(long.is_empty(), "split these by job: {long:?}");
}
