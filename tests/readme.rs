//! The README's `console` blocks, run as a reader who follows the README from a fresh
//! clone would run them, so the README cannot drift from what stackreg prints.
//!
//! How a block reads: each line starting with `$ ` is a command (a line ending with `\`
//! goes on on the next line), and the lines after it, up to the next command or the end
//! of the block, are what it prints, stdout and stderr together as a terminal shows them.
//! Two markers stand for what cannot be fixed, and only those:
//!
//! - `[..]` inside a line matches any text on that line (a commit id, a date);
//! - a line that is exactly `...` matches any number of lines (the rest of a long list).
//!
//! Trailing white space on each line and blank lines at the end of an output are ignored
//! (editors strip them); everything else is compared exactly.
//!
//! How the blocks run: in order, in one `bash` session (so `cd` and `export` carry from
//! one command to the next, as in a terminal), in a fresh copy of the repository's files
//! (tracked and not ignored, the README's edits included) committed to a new git
//! repository, with an empty `target/` as the set-up's build leaves, with the `stackreg` this test was built with first on `PATH`, a home folder
//! of its own (so `~/.cache/stackreg` is empty, and git's identity is "Registry
//! Maintainer <maintainer@example.org>"), `NO_COLOR=1`, `COLUMNS=100` and no other
//! stackreg variables. `git daemon` gets a free port on loopback, which the runner adds to
//! the daemon's command line and to `git://localhost/` URLs (and takes out of the output
//! again), then waits until it answers; a daemon left running is stopped at the end.
//!
//! When stackreg's output changes on purpose, rewrite the README's outputs from real
//! output and review the diff:
//!
//! ```sh
//! STACKREG_BLESS=1 cargo test --test readme
//! ```
//!
//! Blessing keeps each expected line that still matches (so its markers stay) and takes
//! the real output for the rest; check that no commit id or date was written in place of a
//! marker.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const README: &str = "README.md";
/// How long the whole README may take before the run counts as a hang.
const TIMEOUT: Duration = Duration::from_secs(600);

/// One `$ ` command of a block and the output the README shows for it.
#[derive(Debug)]
struct Step {
    /// The README's line number (from 1) of the `$ ` line.
    line: usize,
    /// The command as the shell runs it (continuation lines joined by newlines).
    command: String,
    /// The README's lines of expected output: indexes `output.0..output.1`.
    output: (usize, usize),
}

/// Every `console` block's steps, in order; panics on a block that is not a list of
/// commands.
fn steps(lines: &[&str]) -> (usize, Vec<Step>) {
    let mut steps: Vec<Step> = Vec::new();
    let mut blocks = 0;
    let mut i = 0;
    while i < lines.len() {
        if lines[i].trim_end() != "```console" {
            i += 1;
            continue;
        }
        blocks += 1;
        i += 1;
        let start = steps.len();
        while i < lines.len() && !lines[i].starts_with("```") {
            let line = lines[i];
            if let Some(first) = line.strip_prefix("$ ") {
                let at = i;
                let mut command = first.to_owned();
                while command.ends_with('\\') && i + 1 < lines.len() {
                    i += 1;
                    command.push('\n');
                    command.push_str(lines[i]);
                }
                steps.push(Step {
                    line: at + 1,
                    command,
                    output: (i + 1, i + 1),
                });
            } else {
                let step = steps[start..].last_mut().unwrap_or_else(|| {
                    panic!("README.md:{}: a console block must start with `$ `", i + 1)
                });
                step.output.1 = i + 1;
            }
            i += 1;
        }
        assert!(
            steps.len() > start,
            "README.md:{i}: a console block with no command"
        );
        i += 1;
    }
    (blocks, steps)
}

/// Whether `text` matches `pattern`, where `[..]` matches any run of characters.
fn line_matches(pattern: &str, text: &str) -> bool {
    let parts: Vec<&str> = pattern.split("[..]").collect();
    if parts.len() == 1 {
        return pattern == text;
    }
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    if !text.starts_with(first) || text.len() < first.len() + last.len() || !text.ends_with(last) {
        return false;
    }
    let mut rest = &text[first.len()..text.len() - last.len()];
    for part in &parts[1..parts.len() - 1] {
        match rest.find(part) {
            Some(at) => rest = &rest[at + part.len()..],
            None => return false,
        }
    }
    true
}

/// Whether the lines of `actual` match the lines of `expected`, where a line `...`
/// matches any number of lines.
fn lines_match(expected: &[&str], actual: &[&str]) -> bool {
    match expected.split_first() {
        None => actual.is_empty(),
        Some((&"...", rest)) => (0..=actual.len()).any(|k| lines_match(rest, &actual[k..])),
        Some((e, rest)) => {
            !actual.is_empty() && line_matches(e, actual[0]) && lines_match(rest, &actual[1..])
        }
    }
}

/// Lines without trailing white space, and without blank lines at the end.
fn normalise<'a>(lines: impl Iterator<Item = &'a str>) -> Vec<&'a str> {
    let mut out: Vec<&str> = lines.map(str::trim_end).collect();
    while out.last().is_some_and(|l| l.is_empty()) {
        out.pop();
    }
    out
}

/// The repository's files as a fresh clone has them (tracked, or new and not ignored),
/// copied into `to` and committed to a new git repository.
fn fresh_copy(root: &Path, to: &Path, home: &Path) {
    let listed = Command::new("git")
        .args([
            "ls-files",
            "-z",
            "--cached",
            "--others",
            "--exclude-standard",
        ])
        .current_dir(root)
        .output()
        .expect("git ls-files");
    assert!(listed.status.success(), "git ls-files failed");
    for name in listed.stdout.split(|&b| b == 0).filter(|n| !n.is_empty()) {
        let name = std::str::from_utf8(name).expect("UTF-8 file names");
        let from = root.join(name);
        let meta = match fs::symlink_metadata(&from) {
            Ok(meta) => meta,
            Err(_) => continue, // deleted in the working tree
        };
        let target = to.join(name);
        fs::create_dir_all(target.parent().unwrap()).unwrap();
        if meta.file_type().is_symlink() {
            #[cfg(unix)]
            std::os::unix::fs::symlink(fs::read_link(&from).unwrap(), &target).unwrap();
        } else {
            fs::copy(&from, &target).unwrap();
        }
    }
    // The set-up's build leaves `target/`, which some examples write into.
    fs::create_dir_all(to.join("target")).unwrap();
    for args in [
        &["init", "-q", "-b", "main"][..],
        &["add", "-A"],
        &["commit", "-q", "-m", "A fresh clone"],
    ] {
        let status = Command::new("git")
            .args(args)
            .current_dir(to)
            .env("HOME", home)
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .status()
            .unwrap();
        assert!(status.success(), "git {args:?} failed in the copy");
    }
}

/// A free TCP port on loopback.
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
}

/// What the runner changes in a command before it runs: the daemon's port.
fn prepare(command: &str, port: u16) -> String {
    let mut out = command.replace("git://localhost/", &format!("git://localhost:{port}/"));
    if out.starts_with("git daemon ") {
        out = out.replacen("git daemon ", &format!("git daemon --port={port} "), 1);
        // Wait until it answers, as a reader would before the next command.
        let _ = write!(
            out,
            "\nfor _ in $(seq 100); do (exec 3<>/dev/tcp/127.0.0.1/{port}) 2>/dev/null && break; sleep 0.1; done"
        );
    }
    out
}

/// What the runner changes in an output: the daemon's port, back out.
fn restore(output: &str, port: u16) -> String {
    output
        .replace(&format!("localhost:{port}"), "localhost")
        .replace(&format!("localhost-{port}-"), "localhost-")
}

/// Stops any `git daemon` the README started (it writes its pid file under `target/`).
struct Daemons(PathBuf);

impl Drop for Daemons {
    fn drop(&mut self) {
        let Ok(entries) = fs::read_dir(&self.0) else {
            return;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.extension().is_some_and(|e| e == "pid")
                && let Ok(pid) = fs::read_to_string(&path)
            {
                let _ = Command::new("kill").arg(pid.trim()).status();
            }
        }
    }
}

/// The outputs of `steps`, run in order in one shell in a fresh copy of the repository.
fn run(steps: &[Step], port: u16) -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let sandbox = tempfile::tempdir().unwrap();
    let (repo, home, outputs) = (
        sandbox.path().join("stackreg"),
        sandbox.path().join("home"),
        sandbox.path().join("outputs"),
    );
    for dir in [&repo, &home, &outputs, &sandbox.path().join("tmp")] {
        fs::create_dir_all(dir).unwrap();
    }
    fs::write(
        home.join(".gitconfig"),
        "[user]\n\tname = Registry Maintainer\n\temail = maintainer@example.org\n[init]\n\tdefaultBranch = main\n",
    )
    .unwrap();
    fresh_copy(root, &repo, &home);
    let _daemons = Daemons(repo.join("target"));

    let mut script = String::from("cd \"$STACKREG_README_REPO\"\n");
    for (k, step) in steps.iter().enumerate() {
        let _ = write!(
            script,
            "{{\n{}\n}} >\"$STACKREG_README_OUT/{k}\" 2>&1 </dev/null\n",
            prepare(&step.command, port)
        );
    }
    fs::write(sandbox.path().join("readme.sh"), &script).unwrap();

    let binary = Path::new(env!("CARGO_BIN_EXE_stackreg"));
    let path = format!(
        "{}:/usr/local/bin:/usr/bin:/bin",
        binary.parent().unwrap().display()
    );
    let mut child = Command::new("bash")
        .args(["--noprofile", "--norc"])
        .arg(sandbox.path().join("readme.sh"))
        .env_clear()
        .env("PATH", path)
        .env("HOME", &home)
        .env("TMPDIR", sandbox.path().join("tmp"))
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("LANG", "C.UTF-8")
        .env("TZ", "UTC")
        .env("NO_COLOR", "1")
        .env("COLUMNS", "100")
        .env("STACKREG_README_REPO", &repo)
        .env("STACKREG_README_OUT", &outputs)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("run bash");
    let deadline = Instant::now() + TIMEOUT;
    loop {
        if child.try_wait().unwrap().is_some() {
            break;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("the README's commands did not finish within {TIMEOUT:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    (0..steps.len())
        .map(|k| {
            let raw = fs::read(outputs.join(k.to_string())).unwrap_or_default();
            restore(&String::from_utf8_lossy(&raw), port)
        })
        .collect()
}

/// The README with each output that no longer matches replaced by the real one: line by
/// line where the counts agree (so lines that still match keep their markers), else whole.
fn blessed(lines: &[&str], steps: &[Step], outputs: &[String]) -> String {
    let mut out: Vec<String> = Vec::new();
    let mut at = 0;
    for (step, actual) in steps.iter().zip(outputs) {
        let (from, to) = step.output;
        out.extend(lines[at..from].iter().map(|l| l.to_string()));
        let expected = normalise(lines[from..to].iter().copied());
        let got = normalise(actual.lines());
        if lines_match(&expected, &got) {
            out.extend(lines[from..to].iter().map(|l| l.to_string()));
        } else if expected.len() == got.len() {
            out.extend(
                expected
                    .iter()
                    .zip(&got)
                    .map(|(e, g)| if line_matches(e, g) { e } else { g }.to_string()),
            );
        } else {
            out.extend(got.iter().map(|l| l.to_string()));
        }
        at = to;
    }
    out.extend(lines[at..].iter().map(|l| l.to_string()));
    out.join("\n") + "\n"
}

#[test]
fn every_console_block_of_the_readme_runs_as_shown() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let text = fs::read_to_string(root.join(README)).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let (blocks, steps) = steps(&lines);
    assert!(blocks >= 30, "only {blocks} console blocks found");
    let port = free_port();
    let outputs = run(&steps, port);

    let mut failures = String::new();
    let mut failed = 0;
    for (step, actual) in steps.iter().zip(&outputs) {
        let expected = normalise(lines[step.output.0..step.output.1].iter().copied());
        let got = normalise(actual.lines());
        if !lines_match(&expected, &got) {
            failed += 1;
            let _ = write!(
                failures,
                "\nREADME.md:{}: $ {}\n--- the README shows\n{}\n--- stackreg printed\n{}\n",
                step.line,
                step.command,
                expected.join("\n"),
                got.join("\n")
            );
        }
    }
    eprintln!(
        "README: {} commands in {blocks} console blocks, {failed} with other output",
        steps.len()
    );
    if failed == 0 {
        return;
    }
    if std::env::var_os("STACKREG_BLESS").is_some_and(|v| v == "1") {
        fs::write(root.join(README), blessed(&lines, &steps, &outputs)).unwrap();
        eprintln!("README.md: rewrote {failed} outputs from real output; review the diff");
        return;
    }
    panic!(
        "{failed} of the README's commands print something else (re-bless with STACKREG_BLESS=1 cargo test --test readme):\n{failures}"
    );
}

/// A `toml` block right after `<!-- the file PATH -->` must be that file, so an example
/// that a reader may copy is one the tests read.
#[test]
fn files_quoted_in_the_readme_are_the_files() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let text = fs::read_to_string(root.join(README)).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let mut quoted = 0;
    for (i, line) in lines.iter().enumerate() {
        let Some(path) = line
            .strip_prefix("<!-- the file ")
            .and_then(|l| l.strip_suffix(" -->"))
        else {
            continue;
        };
        assert!(
            lines.get(i + 1).is_some_and(|l| l.starts_with("```")),
            "README.md:{}: `<!-- the file … -->` must come right before a code block",
            i + 1
        );
        let end = (i + 2..lines.len())
            .find(|&k| lines[k].starts_with("```"))
            .expect("a closed code block");
        let shown = lines[i + 2..end].join("\n") + "\n";
        let file = fs::read_to_string(root.join(path))
            .unwrap_or_else(|e| panic!("README.md:{}: {path}: {e}", i + 1));
        assert_eq!(
            shown,
            file,
            "README.md:{}: the block is not {path} as it is",
            i + 2
        );
        quoted += 1;
    }
    assert!(quoted >= 1, "no file quoted");
}

#[test]
fn markers_match_what_they_say() {
    assert!(line_matches(
        "Created [..] (ab12)",
        "Created registry x (ab12)"
    ));
    assert!(line_matches("[..]", ""));
    assert!(line_matches("a[..]b[..]c", "a-b-b-c"));
    assert!(!line_matches("a[..]b", "a-c"));
    assert!(!line_matches("ab[..]ba", "aba"));
    assert!(!line_matches("exact", "exact "));
    assert!(lines_match(&["x", "...", "z"], &["x", "z"]));
    assert!(lines_match(&["x", "...", "z"], &["x", "y", "y", "z"]));
    assert!(!lines_match(&["x", "...", "z"], &["x", "y"]));
    assert!(!lines_match(&["x"], &["x", "y"]));
}

#[test]
fn blocks_are_read_as_commands_and_outputs() {
    let lines = [
        "text",
        "```console",
        "$ one \\",
        "    --two",
        "out 1",
        "$ three",
        "```",
        "```console",
        "$ four",
        "out 4",
        "```",
    ];
    let (blocks, steps) = steps(&lines);
    assert_eq!(blocks, 2);
    let got: Vec<(usize, &str, (usize, usize))> = steps
        .iter()
        .map(|s| (s.line, s.command.as_str(), s.output))
        .collect();
    assert_eq!(
        got,
        [
            (3, "one \\\n    --two", (4, 5)),
            (6, "three", (6, 6)),
            (9, "four", (9, 10)),
        ]
    );
}
