//! Hostile input beyond single bad files (SPEC §7, docs/SECURITY.md): text that tries to
//! drive a terminal or break a table in every output format, huge and deeply nested
//! values, look-alike and path-like ids, symlinks and submodules in git trees, oversized
//! and corrupt git objects, registries that do not exist, and adversarial registries that
//! must end in "gave up", never a hang.

use std::time::{Duration, Instant};

use crate::support::*;

/// Writes a pigeonhole registry (`n + 1` pigeons, `n` holes; see
/// tests/resolver/bound.rs) and the stack that needs every pigeon as `stacks/pigeons.toml`.
fn pigeonhole(f: &Fixture, n: usize) {
    let mut needs = String::new();
    for i in 0..=n {
        f.interface(&format!("nest{i}"), &["1.0.0"]);
        f.component(
            &component(&format!("p{i}"))
                .release("1.0.0")
                .requires(&format!("nest{i}"), "*"),
        );
        needs.push_str(&format!("p{i} = {{ component = \"p{i}\" }}\n"));
        for j in 0..n {
            let mut c = component(&format!("h{i}-{j}"))
                .release("1.0.0")
                .provides(&format!("nest{i}"), "1.0.0");
            for k in (0..=n).filter(|&k| k != i) {
                c = c.conflicts(&format!("h{k}-{j}"), "*");
            }
            f.component(&c);
        }
    }
    f.stack(
        "pigeons",
        &format!("[stack]\nname = \"Every pigeon in its own hole\"\n\n[needs]\n{needs}"),
    );
}

#[track_caller]
fn gave_up(run: &Run, steps: &str) {
    run.code(2);
    assert!(
        run.stderr
            .contains(&format!("error: resolution gave up after {steps} steps")),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("--max-steps"), "{}", run.stderr);
}

#[test]
fn adversarial_registries_give_up_in_every_command_that_resolves() {
    let f = Fixture::new();
    pigeonhole(&f, 8);
    f.commit("pigeons");
    let stack = "registry/stacks/pigeons.toml";
    let started = Instant::now();

    for args in [
        &["resolve", stack, "--max-steps", "300"][..],
        &["--max-steps", "300", "why", stack, "p0"],
        &["graph", stack, "--max-steps=300"],
        &["--max-steps", "300", "outdated", stack],
        &["--max-steps", "300", "validate"],
        &[
            "--max-steps",
            "300",
            "--rev",
            "HEAD",
            "validate",
            "--format",
            "json",
        ],
    ] {
        gave_up(&f.run(args), "300");
    }
    let env = [("STACKREG_MAX_STEPS", "300")];
    gave_up(&stackreg_env(f.root(), &["resolve", stack], &env), "300");
    gave_up(&stackreg_env(f.root(), &["validate"], &env), "300");

    // Publishing anything is checked against the reference stacks, so it gives up too,
    // and commits nothing.
    let home = isolated_home();
    let new = f.root().join("new.toml");
    std::fs::write(&new, component("newcomer").release("1.0.0").toml()).unwrap();
    let before = git(f.root(), &["rev-parse", "HEAD"]);
    let run = stackreg_home(
        f.root(),
        home.path(),
        &[
            "registry",
            "publish",
            new.to_str().unwrap(),
            "--author",
            "A <a@example.com>",
        ],
        &env,
    );
    gave_up(&run, "300");
    assert_eq!(git(f.root(), &["rev-parse", "HEAD"]), before);

    assert!(
        started.elapsed() < Duration::from_secs(30),
        "{:?}",
        started.elapsed()
    );
}

#[test]
fn a_small_adversarial_registry_is_answered_in_full() {
    let f = Fixture::new();
    pigeonhole(&f, 3);
    let run = f.run(&["resolve", "registry/stacks/pigeons.toml"]);
    run.code(1);
    assert!(run.stdout.contains("no plan exists"), "{}", run.stdout);
    let run = f.run(&["validate", "--format", "json"]);
    run.code(1);
    assert!(
        run.findings()
            .iter()
            .any(|d| d.code == "stack-unresolvable" && d.file == "stacks/pigeons.toml"),
        "{}",
        run.stdout
    );
}

#[test]
fn many_resolutions_share_the_commands_budget() {
    // A component with many releases, each of which `outdated` tries in a plan of its
    // own: each resolution is small, but together they hit ten times the limit.
    let f = Fixture::new();
    let mut app = component("app");
    for i in 0..200 {
        app = app.release(&format!("1.{i}.0"));
    }
    f.component(&app);
    f.stack(
        "one",
        "[stack]\nname = \"One\"\n[needs]\napp = { component = \"app\", version = \"=1.0.0\" }\n",
    );
    let stack = "registry/stacks/one.toml";
    f.run(&["outdated", stack]).ok();
    let run = f.run(&["outdated", stack, "--max-steps", "20"]);
    run.code(2);
    assert!(
        run.stderr
            .contains("error: resolution gave up after 200 steps over"),
        "{}",
        run.stderr
    );
}

// ---- text that tries to drive a terminal or break a format ------------------------------

/// A TOML basic string (escapes and all) holding what a terminal obeys: colours, an OSC 8
/// hyperlink, a C1 CSI that clears the screen, a bidi override and isolates, invisible
/// characters, and markup for every format that people read.
const HOSTILE: &str = r#"\u001b[31mRED\u001b[0m \u001b]8;;https://evil.example\u0007link\u001b]8;;\u0007 \u009b2J \u202egnp.exe \u2066iso\u2069 z\u200bw\ufeff \u0000nul\u007fdel | \" , ; <b>x</b> `c` *s* _u_ [l](y) &#x202e; ~~x~~ #h \\ {b} -->x ]] \n# heading"#;

/// Text that is valid in any free-text field (no control or bidi characters) but is
/// markup in every output format: pipes and quotes, HTML and entities, spreadsheet
/// formulas, DOT and Mermaid punctuation, right-to-left script and wide characters.
const NASTY: &str = r#"=HYPERLINK(\"x\") | \" ' , ; <b>x</b> `c` *s* _u_ [l](y) &#x202e; ~~x~~ #h \\ {b} -->x ]] ) @team مرحبا 漢字"#;

/// `s` (a TOML basic string's contents) as the text it stands for.
fn unescaped(s: &str) -> String {
    toml::from_str::<toml::Table>(&format!("v = \"{s}\""))
        .unwrap()
        .get("v")
        .and_then(|v| v.as_str())
        .unwrap()
        .to_owned()
}

/// The first character a terminal or editor could act on or reorder.
fn raw_control(s: &str) -> Option<char> {
    s.chars().find(|&c| {
        (c.is_control() && c != '\n')
            || matches!(c, '\u{061c}' | '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2060}'..='\u{2069}' | '\u{feff}')
    })
}

/// Whether the character at byte `i` of `s` is escaped by an odd run of backslashes.
fn escaped_at(s: &str, i: usize) -> bool {
    s[..i].bytes().rev().take_while(|&b| b == b'\\').count() % 2 == 1
}

/// `s` without its markdown code spans and fenced blocks, where markup is inert.
fn outside_code(s: &str) -> String {
    let mut out = String::new();
    let mut fence: Option<String> = None;
    for line in s.lines() {
        let trimmed = line.trim_start();
        if let Some(f) = &fence {
            if trimmed.starts_with(f.as_str()) {
                fence = None;
            }
            continue;
        }
        if trimmed.starts_with("```") {
            fence = Some(trimmed.chars().take_while(|&c| c == '`').collect());
            continue;
        }
        // Drop unescaped `...` spans.
        let mut in_span = false;
        for (i, c) in line.char_indices() {
            if c == '`' && !escaped_at(line, i) {
                in_span = !in_span;
                continue;
            }
            if !in_span {
                out.push(c);
            }
        }
        out.push('\n');
    }
    assert!(fence.is_none(), "an unclosed code fence:\n{s}");
    out
}

/// Markdown tables keep their columns and no markup gets through unescaped.
fn check_markdown(s: &str) -> Result<(), String> {
    let text = outside_code(s);
    let mut columns: Option<usize> = None;
    for line in text.lines() {
        if !line.starts_with('|') {
            columns = None;
            continue;
        }
        let pipes = line
            .char_indices()
            .filter(|&(i, c)| c == '|' && !escaped_at(line, i))
            .count();
        match columns {
            None => columns = Some(pipes),
            Some(n) if n != pipes => {
                return Err(format!("a row with {pipes} pipes, not {n}: {line}"));
            }
            Some(_) => {}
        }
    }
    // The markup in the test texts shows only escaped, outside code.
    for raw in [
        "<b>",
        "*s*",
        "_u_",
        "[l](y)",
        "&#x202e;",
        "~~x~~",
        "\n# heading",
    ] {
        if let Some(at) = text.find(raw) {
            let line = text[..at].rsplit('\n').next().unwrap_or_default();
            return Err(format!("a raw {raw:?} after {line:?}"));
        }
    }
    Ok(())
}

/// RFC 4180 records, each with as many fields as the header, and no field a spreadsheet
/// would run as a formula.
fn check_csv(s: &str) -> Result<(), String> {
    let mut records: Vec<Vec<String>> = Vec::new();
    let (mut field, mut record, mut quoted, mut chars) =
        (String::new(), Vec::new(), false, s.chars().peekable());
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') if field.is_empty() => quoted = true,
            (false, '"') => return Err(format!("a stray quote in {field:?}")),
            (false, ',') => record.push(std::mem::take(&mut field)),
            (false, '\n') => {
                record.push(std::mem::take(&mut field));
                records.push(std::mem::take(&mut record));
            }
            (false, c) => field.push(c),
        }
    }
    if quoted || !field.is_empty() || !record.is_empty() {
        return Err("the last record is unfinished".into());
    }
    let width = records.first().map_or(0, Vec::len);
    for r in &records {
        if r.len() != width {
            return Err(format!(
                "a record of {} fields, not {width}: {r:?}",
                r.len()
            ));
        }
        if let Some(f) = r.iter().find(|f| f.starts_with(['=', '+', '-', '@'])) {
            return Err(format!("a formula: {f:?}"));
        }
    }
    Ok(())
}

/// Graphviz DOT: every string closes, and outside strings there is only DOT syntax.
fn check_dot(s: &str) -> Result<(), String> {
    let mut in_string = false;
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        match (in_string, c) {
            (true, '\\') => {
                chars.next();
            }
            (true, '"') | (false, '"') => in_string = !in_string,
            (true, '\n') => return Err("a newline inside a string".into()),
            (true, _) => {}
            (false, c) if c.is_ascii_alphanumeric() || " \n;=[]{},->_.:".contains(c) => {}
            (false, c) => return Err(format!("{c:?} outside a string")),
        }
    }
    if in_string {
        return Err("an unclosed string".into());
    }
    Ok(())
}

/// Mermaid: labels are quoted without quotes inside, and the rest is flowchart syntax.
fn check_mermaid(s: &str) -> Result<(), String> {
    for line in s.lines() {
        let mut outside = String::new();
        let mut in_label = false;
        for c in line.chars() {
            if c == '"' {
                in_label = !in_label;
            } else if !in_label {
                outside.push(c);
            }
        }
        if in_label {
            return Err(format!("an unclosed label: {line}"));
        }
        if let Some(c) = outside
            .chars()
            .find(|c| !(c.is_ascii_alphanumeric() || " []()-.>".contains(*c)))
        {
            return Err(format!("{c:?} outside a label: {line}"));
        }
    }
    Ok(())
}

/// GitHub workflow commands: one per line, so text cannot start another.
fn check_github(s: &str) -> Result<(), String> {
    for line in s.lines() {
        let ok = line.starts_with("::error file=")
            || line.starts_with("::warning file=")
            || line.starts_with("valid: ")
            || line.starts_with("invalid: ");
        if !ok {
            return Err(format!("an unexpected line {line:?}"));
        }
    }
    Ok(())
}

/// Runs `args` and checks what it printed in `format`; returns the problems found.
fn check_output(f: &Fixture, args: &[&str], format: &str, want: &[i32]) -> Vec<String> {
    let mut all: Vec<&str> = args.to_vec();
    all.extend(["--format", format]);
    let run = f.run(&all);
    let mut problems = Vec::new();
    let mut fail = |what: String| problems.push(format!("{all:?}: {what}"));
    if !want.contains(&run.code) {
        fail(format!(
            "exit {} ({want:?} expected)\n{}",
            run.code, run.stderr
        ));
    }
    if run.stderr.contains("panicked") {
        fail(format!("panicked: {}", run.stderr));
    }
    for (stream, text) in [("stdout", &run.stdout), ("stderr", &run.stderr)] {
        if let Some(c) = raw_control(text) {
            fail(format!("a raw {c:?} on {stream}:\n{text}"));
        }
    }
    // `why`, `graph` and `outdated` answer "no plan" on stderr alone.
    if run.code == 1 && run.stdout.is_empty() {
        return problems;
    }
    if run.code == 2 {
        if !run.stderr.starts_with("error") && !run.stderr.contains("\nerror") {
            fail(format!("no error line: {}", run.stderr));
        }
        return problems;
    }
    let checked = match format {
        "json" => serde_json::from_str::<serde_json::Value>(&run.stdout)
            .map(|_| ())
            .map_err(|e| e.to_string()),
        "markdown" => check_markdown(&run.stdout),
        "csv" => check_csv(&run.stdout),
        "dot" => check_dot(&run.stdout),
        "mermaid" => check_mermaid(&run.stdout),
        "github" => check_github(&run.stdout),
        _ => Ok(()),
    };
    if let Err(e) = checked {
        fail(format!("{format} is broken: {e}\n{}", run.stdout));
    }
    problems
}

/// Every command that prints manifest or git text, in every format it has.
fn check_every_output(f: &Fixture, stacks: &[&str], valid: bool) -> Vec<String> {
    let mut problems = Vec::new();
    let read_ok: &[i32] = &[0];
    let validate_exit: &[i32] = if valid { &[0] } else { &[1] };
    let table_json_md = ["table", "json", "markdown"];
    for format in ["table", "json", "markdown", "csv"] {
        problems.extend(check_output(f, &["list"], format, read_ok));
        problems.extend(check_output(f, &["interfaces"], format, read_ok));
    }
    for format in table_json_md {
        problems.extend(check_output(f, &["show", "app"], format, read_ok));
        problems.extend(check_output(f, &["show", "app@1.0.0"], format, read_ok));
        problems.extend(check_output(
            f,
            &["show", "--interface", "api"],
            format,
            read_ok,
        ));
        problems.extend(check_output(f, &["registry", "log"], format, read_ok));
        problems.extend(check_output(
            f,
            &["registry", "log", "app"],
            format,
            read_ok,
        ));
        problems.extend(check_output(
            f,
            &["registry", "diff", "HEAD~1", "HEAD"],
            format,
            read_ok,
        ));
    }
    for format in ["table", "json", "github", "markdown"] {
        problems.extend(check_output(f, &["validate"], format, validate_exit));
    }
    // Commands that resolve refuse an invalid registry (exit 2, with an escaped error).
    let resolved: &[i32] = if valid { &[0, 1] } else { &[2] };
    for stack in stacks {
        for format in table_json_md {
            problems.extend(check_output(f, &["resolve", stack], format, resolved));
            problems.extend(check_output(f, &["why", stack, "lib"], format, resolved));
            problems.extend(check_output(f, &["outdated", stack], format, resolved));
        }
        for format in ["table", "json", "dot", "mermaid"] {
            problems.extend(check_output(f, &["graph", stack], format, resolved));
        }
    }
    problems
}

/// A registry with `text` (a TOML basic string's contents) in every free-text field, two
/// commits (the second makes the changes `registry diff` and `log` describe, by an author
/// and with a message that are as hostile), and stacks that resolve and that do not.
fn text_registry(text: &str) -> Fixture {
    let f = Fixture::new();
    f.commit("empty registry");
    let t = text;
    f.file(
        "registry.toml",
        format!("[registry]\nname = \"Registry {t}\"\ndescription = \"About {t}\\nsecond line\\twith a tab\"\nformat = 1\n"),
    );
    f.file(
        "interfaces/api.toml",
        format!("id = \"api\"\nname = \"API {t}\"\nsummary = \"Summary {t}\"\nowner = \"Owner {t}\"\nspecification = \"https://example.com/spec|x<y>\"\nversions = [\"1.0.0\", \"2.0.0\"]\n"),
    );
    for (id, extra) in [
        ("lib", "provides = { api = \"1.0.0\" }\n"),
        (
            "app",
            "depends = { lib = \"^1\" }\nrequires = { api = \"^1\" }\n",
        ),
        ("rival", "provides = { api = \"1.0.0\" }\n"),
    ] {
        let supplier = if id == "rival" {
            format!("Rival {t}")
        } else {
            format!("-Supplier {t}")
        };
        f.file(
            &format!("components/{id}.toml"),
            format!(
                "id = \"{id}\"\nname = \"{id} {t}\"\nsummary = \"Summary {t}\"\nsupplier = \"{supplier}\"\nlicence = \"MIT\"\nkind = \"saas\"\ncapabilities = [\"cms\"]\nlifecycle = \"live\"\nassurances = [\"wcag-2.2-aa\"]\nhomepage = \"https://example.com/{id}|x<y>\"\nrepository = \"https://example.com/{id}.git\"\n\n[[release]]\nversion = \"1.0.0\"\nreleased = 2024-01-01\nsupport-ends = 2026-12-01\n{extra}\n[[release]]\nversion = \"1.1.0-rc.1+build.7\"\nreleased = 2024-06-01\nyanked = \"Yanked: {t}\"\n{extra}\n[[release]]\nversion = \"1.2.0\"\nreleased = 2025-01-01\n{extra}"
            ),
        );
    }
    f.stack(
        "kept",
        &format!("[stack]\nname = \"Stack {t} \\\\\"\n\n[needs]\nweb = {{ component = \"app\" }}\n\n[policy]\nexclude-suppliers = [\"Nobody {t}\"]\n\n[current]\napp = \"1.1.0-rc.1+build.7\"\n"),
    );
    f.repo_file(
        "refused.toml",
        format!("[stack]\nname = \"Refused {t}\"\n\n[needs]\nweb = {{ component = \"app\" }}\n\n[policy]\nexclude-suppliers = [\"-Supplier {t}\"]\n"),
    );
    let name = unescaped(&format!("Evil {}", HOSTILE.replace(r"\u0000", "")));
    git(f.root(), &["add", "-A"]);
    let out = std::process::Command::new("git")
        .args(["commit", "-q", "-F", "-"])
        .current_dir(f.root())
        .env("GIT_AUTHOR_NAME", &name)
        .env("GIT_AUTHOR_EMAIL", "evil\u{1b}[2J@example.com")
        .env("GIT_COMMITTER_NAME", "Test Author")
        .env("GIT_COMMITTER_EMAIL", "author@example.com")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", f.root())
        .stdin(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            use std::io::Write;
            let message = format!("Publish {name}\n\nBody {name}\n");
            child.stdin.take().unwrap().write_all(message.as_bytes())?;
            child.wait()
        })
        .unwrap();
    assert!(out.success());
    f
}

#[test]
fn hostile_text_is_escaped_in_every_format() {
    let f = text_registry(HOSTILE);
    // The JSON carries the text exactly.
    let list = f.run(&["list", "--format", "json"]).json();
    let name = list[0]["name"].as_str().unwrap();
    assert_eq!(name, unescaped(&format!("app {HOSTILE}")));
    let problems = check_every_output(&f, &["registry/stacks/kept.toml", "refused.toml"], false);
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
}

#[test]
fn markup_in_valid_text_cannot_break_any_format() {
    let f = text_registry(NASTY);
    f.run(&["validate"]).ok();
    let problems = check_every_output(&f, &["registry/stacks/kept.toml", "refused.toml"], true);
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
    // The refused stack's explanation names the supplier and the yank, escaped.
    let run = f.run(&["resolve", "refused.toml", "--format", "markdown"]);
    run.code(1);
    assert!(run.stdout.contains("exclude-suppliers"), "{}", run.stdout);
}
