//! Hostile input beyond single bad files (SPEC §7, docs/SECURITY.md): text that tries to
//! drive a terminal or break a table in every output format, huge and deeply nested
//! values, look-alike and path-like ids, symlinks and submodules in git trees, oversized
//! and corrupt git objects, registries that do not exist, and adversarial registries that
//! must end in "gave up", never a hang.

use std::path::Path;
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
        "json" | "cyclonedx" => serde_json::from_str::<serde_json::Value>(&run.stdout)
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
    for format in ["table", "json", "github", "markdown", "csv"] {
        problems.extend(check_output(f, &["validate"], format, validate_exit));
    }
    // Commands that resolve refuse an invalid registry (exit 2, with an escaped error).
    let resolved: &[i32] = if valid { &[0, 1] } else { &[2] };
    for stack in stacks {
        for format in ["table", "json", "markdown", "csv"] {
            problems.extend(check_output(f, &["resolve", stack], format, resolved));
            problems.extend(check_output(f, &["why", stack, "lib"], format, resolved));
            problems.extend(check_output(f, &["outdated", stack], format, resolved));
        }
        problems.extend(check_output(f, &["resolve", stack], "cyclonedx", resolved));
        for format in ["table", "json", "dot", "mermaid"] {
            problems.extend(check_output(f, &["graph", stack], format, resolved));
        }
    }
    problems
}

/// A registry with `text` (a TOML basic string's contents) in every free-text field, two
/// commits (the second makes the changes `registry diff` and `log` describe, by an author
/// and with a message that are as hostile), and stacks that resolve and that do not.
/// The ASCII characters of `text`, for fields that must keep to one script.
fn ascii(text: &str) -> String {
    text.chars().filter(char::is_ascii).collect()
}

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
        // Supplier names may not mix scripts (a look-alike defence), so they carry the
        // text's ASCII part; every other field carries all of it.
        let supplier = if id == "rival" {
            format!("Rival {}", ascii(t))
        } else {
            format!("-Supplier {}", ascii(t))
        };
        f.file(
            &format!("components/{id}.toml"),
            format!(
                "id = \"{id}\"\nname = \"{id} {t}\"\nsummary = \"Summary {t}\"\nsupplier = \"{supplier}\"\nlicence = \"MIT\"\nkind = \"saas\"\ncapabilities = [\"cms\"]\nlifecycle = \"live\"\nassurances = [\"wcag-2.2-aa\"]\nhomepage = \"https://example.com/{id}|x<y>\"\nrepository = \"https://example.com/{id}.git\"\n\n[[release]]\nversion = \"1.0.0\"\nreleased = 2024-01-01\nsupport-ends = 2026-12-01\n{extra}\n[[release]]\nversion = \"1.1.0-rc.1\"\nreleased = 2024-06-01\nyanked = \"Yanked: {t}\"\n{extra}\n[[release]]\nversion = \"1.2.0\"\nreleased = 2025-01-01\n{extra}"
            ),
        );
    }
    f.stack(
        "kept",
        &format!("[stack]\nname = \"Stack {t} \\\\\"\n\n[needs]\nweb = {{ component = \"app\" }}\n\n[policy]\nexclude-suppliers = [\"Nobody {t}\"]\n\n[current]\napp = \"1.1.0-rc.1\"\n"),
    );
    f.repo_file(
        "refused.toml",
        format!("[stack]\nname = \"Refused {t}\"\n\n[needs]\nweb = {{ component = \"app\" }}\n\n[policy]\nexclude-suppliers = [\"-Supplier {}\"]\n", ascii(t)),
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

// ---- size, depth and number -------------------------------------------------------------

/// Runs `args`, failing if it takes longer than `limit`.
#[track_caller]
fn timed(f: &Fixture, args: &[&str], limit: Duration) -> Run {
    let started = Instant::now();
    let run = f.run(args);
    let took = started.elapsed();
    assert!(took < limit, "{args:?} took {took:?}");
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    run
}

#[test]
fn ten_thousand_releases_in_one_component() {
    let f = Fixture::new();
    let mut big = component("big");
    for i in 0..10_000 {
        big = big.release(&format!("{}.{}.0", i / 100, i % 100));
    }
    f.component(&big);
    f.stack(
        "pinned",
        "[stack]\nname = \"Pinned\"\n[needs]\nbig = { component = \"big\", version = \"=0.0.0\" }\n",
    );
    f.commit("big");
    let limit = Duration::from_secs(20);
    timed(&f, &["validate"], limit).ok();
    timed(&f, &["--rev", "HEAD", "validate"], limit).ok();
    timed(&f, &["list", "--format", "csv"], limit).ok();
    let show = timed(&f, &["show", "big", "--format", "json"], limit);
    assert_eq!(show.json()["releases"].as_array().unwrap().len(), 10_000);
    timed(&f, &["resolve", "registry/stacks/pinned.toml"], limit).ok();
    timed(&f, &["registry", "log", "big"], limit).ok();
    // `outdated` tries each newer release in a plan: 9,999 resolutions, each charged
    // for listing 10,000 releases, so the command's budget stops it.
    let run = timed(
        &f,
        &[
            "outdated",
            "registry/stacks/pinned.toml",
            "--max-steps",
            "1000",
        ],
        limit,
    );
    run.code(2);
    assert!(
        run.stderr.contains("gave up after 10000 steps over"),
        "{}",
        run.stderr
    );
}

#[test]
fn very_long_strings() {
    let f = Fixture::new();
    let words = "word ".repeat(90_000); // 450 KB that wraps
    let solid = "x".repeat(450_000); // 450 KB that cannot
    f.file(
        "components/long.toml",
        format!(
            "id = \"long\"\nname = \"{words}\"\nsummary = \"{solid}\"\nsupplier = \"S\"\nlicence = \"MIT\"\nkind = \"saas\"\ncapabilities = [\"cms\"]\nlifecycle = \"live\"\nhomepage = \"https://example.com\"\n\n[[release]]\nversion = \"1.0.0\"\nreleased = 2024-01-01\nyanked = \"{}\"\n",
            &solid[..60_000]
        ),
    );
    f.stack(
        "long",
        &format!("[stack]\nname = \"{words}\"\n[needs]\nl = {{ component = \"long\" }}\n[current]\nlong = \"1.0.0\"\n"),
    );
    f.commit("long");
    let limit = Duration::from_secs(20);
    let stack = "registry/stacks/long.toml";
    timed(&f, &["validate"], limit).ok();
    for args in [
        &["list"][..],
        &["list", "--format", "markdown"],
        &["show", "long"],
        &["show", "long", "--format", "markdown"],
        &["resolve", stack],
        &["resolve", stack, "--format", "json"],
        &["graph", stack, "--format", "dot"],
        &["outdated", stack],
        &["registry", "log"],
        &["registry", "diff", "HEAD"],
    ] {
        timed(&f, args, limit).ok();
    }
    // Past the size cap, the same file is refused unread.
    f.file(
        "components/long.toml",
        format!("name = \"{solid}{solid}{solid}\"\n"),
    );
    let run = timed(&f, &["validate", "--format", "json"], limit);
    run.code(1);
    assert!(run.findings().iter().any(|d| d.code == "file-too-large"));
}

/// Nested `depth` times: `{a = {a = ... 1 ... }}`.
fn nested_tables(depth: usize) -> String {
    format!("{}1{}", "{a = ".repeat(depth), "}".repeat(depth))
}

#[test]
fn deeply_nested_values() {
    let f = Fixture::new();
    let depth = 50_000;
    let dotted = vec!["a"; 50_000].join(".");
    f.file(
        "components/a.toml",
        format!("name = {}\n", nested_tables(depth)),
    );
    f.file(
        "components/b.toml",
        format!("name = {}1{}\n", "[{a = ".repeat(depth), "}]".repeat(depth)),
    );
    f.file("components/c.toml", format!("{dotted} = 1\n"));
    f.file("components/d.toml", format!("[{dotted}]\n"));
    f.file("components/e.toml", format!("[[{dotted}]]\n"));
    f.file(
        "interfaces/f.toml",
        format!(
            "versions = {}\"1.0.0\"{}\n",
            "[".repeat(depth),
            "]".repeat(depth)
        ),
    );
    f.stack(
        "g",
        &format!(
            "[stack]\nname = \"g\"\n[needs]\nx = {}\n",
            nested_tables(depth)
        ),
    );
    f.file(
        "registry.toml",
        format!(
            "[registry]\nname = \"r\"\nformat = 1\ndescription = {}\n",
            nested_tables(depth)
        ),
    );
    let limit = Duration::from_secs(20);
    let run = timed(&f, &["validate", "--format", "json"], limit);
    run.code(1);
    let files: std::collections::BTreeSet<String> = run
        .findings()
        .into_iter()
        .filter(|d| ["parse-error", "invalid-type", "unknown-field"].contains(&d.code.as_str()))
        .map(|d| d.file)
        .collect();
    for file in [
        "components/a.toml",
        "components/b.toml",
        "components/c.toml",
        "components/d.toml",
        "components/e.toml",
        "interfaces/f.toml",
        "registry.toml",
        "stacks/g.toml",
    ] {
        assert!(files.contains(file), "{file}: {files:?}");
    }
    timed(&f, &["validate"], limit).code(1);
    timed(&f, &["list"], limit).ok();

    // A stack file and a lock file given on the command line, against a clean registry.
    let clean = Fixture::new();
    clean.component(&component("app").release("1.0.0"));
    clean.repo_file(
        "deep.toml",
        format!(
            "[stack]\nname = \"deep\"\n[needs]\nx = {}\n",
            nested_tables(depth)
        ),
    );
    let run = timed(&clean, &["resolve", "deep.toml"], limit);
    run.code(2);
    assert!(run.stderr.starts_with("error"), "{}", run.stderr);
    clean.repo_file(
        "ok.toml",
        "[stack]\nname = \"ok\"\n[needs]\napp = { component = \"app\" }\n",
    );
    clean.repo_file(
        "ok.lock",
        format!("version = 1\nstack = {}\n", nested_tables(depth)),
    );
    let run = timed(&clean, &["resolve", "ok.toml", "--locked"], limit);
    run.code(2);
    assert!(
        run.stderr.contains("lock file is not readable"),
        "{}",
        run.stderr
    );
    // Writing a new lock replaces the unreadable one.
    std::fs::remove_file(clean.root().join("ok.lock")).unwrap();
    timed(&clean, &["resolve", "ok.toml", "--lock"], limit).ok();
    timed(&clean, &["resolve", "ok.toml", "--locked"], limit).ok();
}

#[test]
fn a_long_chain_of_dependencies() {
    // Deep in another sense: every component depends on the next, 2,000 deep, and the
    // last one is excluded, so the explanation has to walk the whole chain.
    let f = Fixture::new();
    let n = 2_000;
    for i in 0..n {
        let mut c = component(&format!("c{i}")).release("1.0.0");
        if i + 1 < n {
            c = c.depends(&format!("c{}", i + 1), "^1");
        }
        f.component(&c);
    }
    f.stack(
        "chain",
        "[stack]\nname = \"Chain\"\n[needs]\nfirst = { component = \"c0\" }\n",
    );
    f.repo_file(
        "broken.toml",
        format!("[stack]\nname = \"Broken\"\n[needs]\nfirst = {{ component = \"c0\" }}\n[policy]\nexclude-components = [\"c{}\"]\n", n - 1),
    );
    let limit = Duration::from_secs(30);
    let stack = "registry/stacks/chain.toml";
    timed(&f, &["validate"], limit).ok();
    for args in [
        &["resolve", stack][..],
        &["why", stack, "c1999"],
        &["graph", stack],
        &["graph", stack, "--format", "dot"],
        &["outdated", stack],
    ] {
        timed(&f, args, limit).ok();
    }
    let run = timed(&f, &["resolve", "broken.toml"], limit);
    run.code(1);
    assert!(run.stdout.contains("no plan exists"), "{}", run.stdout);
}

// ---- ids that collide or point elsewhere ------------------------------------------------

#[test]
fn ids_colliding_by_case_or_look_alike_characters() {
    let f = Fixture::new();
    f.interface("notify-api", &["1.0.0"]);
    f.component(&component("widget").supplier("Real Ltd").release("1.0.0"));
    // The same ids in files named by case, and with a Cyrillic і (U+0456) for the i.
    let impostor = component("widget")
        .supplier("Impostor Ltd")
        .release("9.0.0");
    f.file("components/Widget.toml", impostor.toml());
    f.file("components/w\u{456}dget.toml", impostor.toml());
    f.file(
        "interfaces/Notify-API.toml",
        interface_toml("notify-api", &["9.0.0"]),
    );
    f.stack(
        "s",
        "[stack]\nname = \"S\"\n[needs]\nw = { component = \"widget\" }\nW = { component = \"widget\" }\n",
    );
    f.commit("collisions");
    for rev in [None, Some("HEAD")] {
        let mut args = vec!["validate", "--format", "json"];
        if let Some(rev) = rev {
            args.splice(0..0, ["--rev", rev]);
        }
        let run = f.run(&args);
        run.code(1);
        let found: Vec<(String, String)> = run
            .findings()
            .into_iter()
            .filter(|d| d.error)
            .map(|d| (d.file, d.code))
            .collect();
        for (file, code) in [
            ("components/Widget.toml", "invalid-id"),
            ("components/w\u{456}dget.toml", "invalid-id"),
            ("interfaces/Notify-API.toml", "invalid-id"),
            ("stacks/s.toml", "invalid-id"),
        ] {
            assert!(
                found.contains(&(file.to_owned(), code.to_owned())),
                "{file} {code}: {found:?}"
            );
        }
        // The real files are not blamed, and the impostors are not loaded in their place.
        assert!(
            !found
                .iter()
                .any(|(file, _)| file == "components/widget.toml"
                    || file == "interfaces/notify-api.toml"),
            "{found:?}"
        );
        let mut show = vec!["show", "widget", "--format", "json"];
        if let Some(rev) = rev {
            show.splice(0..0, ["--rev", rev]);
        }
        let shown = f.run(&show);
        assert_eq!(shown.json()["supplier"], "Real Ltd");
    }
    let run = f.run(&["show", "--interface", "notify-api", "--format", "json"]);
    let shown = run.json();
    let versions: Vec<&str> = shown["versions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["version"].as_str().unwrap())
        .collect();
    assert_eq!(versions, ["1.0.0"]);
    // Asking by case or look-alike finds nothing, and says so plainly.
    for id in ["WIDGET", "w\u{456}dget"] {
        let run = f.run(&["show", id]);
        run.code(2);
        assert!(run.stderr.contains("no component"), "{}", run.stderr);
    }
}

#[test]
fn path_like_ids_never_reach_the_file_system() {
    let f = Fixture::new();
    f.component(&component("widget").release("1.0.0"));
    f.stack(
        "s",
        "[stack]\nname = \"S\"\n[needs]\nw = { component = \"widget\" }\n",
    );
    f.commit("registry");
    // Something outside the registry a traversal would reach.
    f.repo_file("secret.toml", "SECRET CONTENT\n");
    let home = isolated_home();
    let stack = "registry/stacks/s.toml";
    let traversals = [
        "../secret",
        "../../secret",
        "/etc/passwd",
        "..",
        "components/../../secret",
    ];
    for id in traversals {
        let runs = [
            f.run(&["show", id]),
            f.run(&["show", &format!("{id}@1.0.0")]),
            f.run(&["show", "--interface", id]),
            f.run(&["why", stack, id]),
            f.run(&["registry", "log", id]),
            stackreg_home(
                f.root(),
                home.path(),
                &[
                    "registry",
                    "yank",
                    &format!("{id}@1.0.0"),
                    "--reason",
                    "x",
                    "--author",
                    "A <a@example.com>",
                ],
                &[],
            ),
        ];
        for run in runs {
            assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
            assert!(
                !run.stdout.contains("SECRET") && !run.stderr.contains("SECRET"),
                "{id}: {run:?}"
            );
            assert!(!run.stdout.contains("root:") && !run.stderr.contains("root:"));
        }
    }
    // A manifest whose id is a path is refused by publish, and nothing is written.
    let before = git(f.root(), &["rev-parse", "HEAD"]);
    for id in ["../../evil", "/tmp/evil", "components/../evil"] {
        let manifest = f.root().join("evil.toml");
        std::fs::write(
            &manifest,
            component("widget").release("2.0.0").toml().replacen(
                "\"widget\"",
                &format!("{id:?}"),
                1,
            ),
        )
        .unwrap();
        let run = stackreg_home(
            f.root(),
            home.path(),
            &[
                "registry",
                "publish",
                manifest.to_str().unwrap(),
                "--author",
                "A <a@example.com>",
            ],
            &[],
        );
        assert!(run.code == 1 || run.code == 2, "{run:?}");
        assert_eq!(git(f.root(), &["rev-parse", "HEAD"]), before);
        assert_eq!(
            git(f.root(), &["status", "--porcelain", "--", "registry"]),
            ""
        );
    }
    assert!(!f.root().parent().unwrap().join("evil.toml").exists());
    // A stack whose needs name paths is refused before anything is resolved.
    f.repo_file(
        "paths.toml",
        "[stack]\nname = \"Paths\"\n[needs]\nw = { component = \"../secret\" }\n",
    );
    let run = f.run(&["resolve", "paths.toml"]);
    run.code(2);
    assert!(run.stderr.contains("invalid-id"), "{}", run.stderr);
}

// ---- what a registry folder or a git tree may hold --------------------------------------

#[test]
fn symlinked_folders_and_files_in_working_trees_and_git_trees() {
    let f = Fixture::new();
    f.component(&component("widget").release("1.0.0"));
    // Elsewhere in the repository: a folder of components and a registry.toml.
    f.repo_file(
        "elsewhere/components/planted.toml",
        component("planted").release("1.0.0").toml(),
    );
    f.repo_file(
        "elsewhere/registry.toml",
        "[registry]\nname = \"Planted\"\nformat = 1\n",
    );
    f.symlink("interfaces", "../elsewhere/components");
    f.symlink("stacks", "/etc");
    f.symlink("components/passwd.toml", "/etc/passwd");
    f.commit("links");
    let expected = [
        ("components/passwd.toml", "symlink"),
        ("interfaces", "symlink"),
        ("stacks", "symlink"),
    ];
    for rev in [None, Some("HEAD")] {
        let mut args = vec!["validate", "--format", "json"];
        if let Some(rev) = rev {
            args.splice(0..0, ["--rev", rev]);
        }
        let run = f.run(&args);
        run.code(1);
        let found: Vec<(String, String)> = run
            .findings()
            .into_iter()
            .map(|d| (d.file, d.code))
            .collect();
        let want: Vec<(String, String)> = expected
            .iter()
            .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
            .collect();
        assert_eq!(found, want, "{rev:?}");
        assert!(!run.stdout.contains("root:"), "{}", run.stdout);
        let mut list = vec!["list", "--format", "json"];
        if let Some(rev) = rev {
            list.splice(0..0, ["--rev", rev]);
        }
        let listed = f.run(&list);
        assert_eq!(
            listed.json().as_array().unwrap().len(),
            1,
            "{}",
            listed.stdout
        );
    }
    // registry.toml itself as a link.
    std::fs::remove_file(f.registry().join("registry.toml")).unwrap();
    f.symlink("registry.toml", "../elsewhere/registry.toml");
    f.commit("linked registry.toml");
    for args in [
        &["validate", "--format", "json"][..],
        &["--rev", "HEAD", "validate", "--format", "json"],
    ] {
        let run = f.run(args);
        assert!(
            run.findings()
                .iter()
                .any(|d| d.file == "registry.toml" && d.code == "symlink"),
            "{args:?}: {}",
            run.stdout
        );
        assert!(!run.stdout.contains("Planted"), "{}", run.stdout);
    }
}

/// Runs git with `input` on stdin and returns its trimmed stdout.
fn git_input(dir: &Path, args: &[&str], input: &[u8]) -> String {
    use std::io::Write;
    let mut child = std::process::Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", dir)
        .env("GIT_AUTHOR_NAME", "Test Author")
        .env("GIT_AUTHOR_EMAIL", "author@example.com")
        .env("GIT_COMMITTER_NAME", "Test Author")
        .env("GIT_COMMITTER_EMAIL", "author@example.com")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(input).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "git {args:?}");
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

/// Writes a tree object from raw entries (mode, name bytes, object id), as git's own
/// commands would refuse to for hostile names.
fn raw_tree(dir: &Path, entries: &[(&str, &[u8], &str)]) -> String {
    let mut entries = entries.to_vec();
    entries.sort_by(|a, b| a.1.cmp(b.1));
    let mut bytes = Vec::new();
    for (mode, name, id) in entries {
        bytes.extend_from_slice(mode.as_bytes());
        bytes.push(b' ');
        bytes.extend_from_slice(name);
        bytes.push(0);
        for i in (0..id.len()).step_by(2) {
            bytes.push(u8::from_str_radix(&id[i..i + 2], 16).unwrap());
        }
    }
    git_input(
        dir,
        &["hash-object", "-w", "-t", "tree", "--literally", "--stdin"],
        &bytes,
    )
}

/// Commits `components` (raw entries) as the registry's components folder, on branch
/// `name`.
fn commit_components(f: &Fixture, name: &str, components: &[(&str, &[u8], &str)]) {
    let root = f.root();
    let registry_toml = git_input(
        root,
        &["hash-object", "-w", "--stdin"],
        b"[registry]\nname = \"r\"\nformat = 1\n",
    );
    let folder = raw_tree(root, components);
    let registry = raw_tree(
        root,
        &[
            ("40000", b"components", &folder),
            ("100644", b"registry.toml", &registry_toml),
        ],
    );
    let tree = raw_tree(root, &[("40000", b"registry", &registry)]);
    let commit = git_input(root, &["commit-tree", &tree, "-m", name], b"");
    git(
        root,
        &["update-ref", &format!("refs/heads/{name}"), &commit],
    );
}

#[test]
fn hostile_names_in_git_trees() {
    let f = Fixture::new();
    f.commit("registry");
    let blob = git_input(f.root(), &["hash-object", "-w", "--stdin"], b"id = \"x\"\n");
    commit_components(
        &f,
        "names",
        &[
            ("100644", b"..", &blob),
            ("100644", b".git", &blob),
            ("100644", b"a/b.toml", &blob),
            ("100644", b"evil\x1b[31m\xe2\x80\xaename.toml", &blob),
            ("100644", b"new\nline.toml", &blob),
            ("100644", b"\xff\xfe.toml", &blob),
        ],
    );
    for format in ["json", "table", "github", "markdown"] {
        let problems = check_output(&f, &["--rev", "names", "validate"], format, &[1]);
        assert!(problems.is_empty(), "{}", problems.join("\n"));
    }
    let run = f.run(&["--rev", "names", "validate", "--format", "json"]);
    let codes: Vec<String> = run.findings().into_iter().map(|d| d.code).collect();
    assert!(codes.contains(&"unexpected-file".to_owned()), "{codes:?}");
    assert!(codes.contains(&"invalid-id".to_owned()), "{codes:?}");
}

/// A loose object in zlib's stored (uncompressed) form.
fn loose_object(raw: &[u8]) -> Vec<u8> {
    let mut out = vec![0x78, 0x01];
    let chunks: Vec<&[u8]> = raw.chunks(65_535).collect();
    for (i, chunk) in chunks.iter().enumerate() {
        out.push(u8::from(i + 1 == chunks.len()));
        let len = chunk.len() as u16;
        out.extend_from_slice(&len.to_le_bytes());
        out.extend_from_slice(&(!len).to_le_bytes());
        out.extend_from_slice(chunk);
    }
    let (mut a, mut b) = (1u32, 0u32);
    for &byte in raw {
        a = (a + u32::from(byte)) % 65_521;
        b = (b + a) % 65_521;
    }
    out.extend_from_slice(&((b << 16) | a).to_be_bytes());
    out
}

#[test]
fn a_blob_over_the_size_cap_is_refused_unread() {
    let f = Fixture::new();
    f.commit("registry");
    // A blob whose header says 4 GiB but which holds a few bytes: reading it whole would
    // fail its hash check, so file-too-large shows it was judged by its header alone.
    let id = "5ca1ab1e".repeat(5);
    let objects = f.root().join(".git/objects").join(&id[..2]);
    std::fs::create_dir_all(&objects).unwrap();
    std::fs::write(
        objects.join(&id[2..]),
        loose_object(b"blob 4294967296\0id = \"huge\"\n"),
    )
    .unwrap();
    commit_components(&f, "huge", &[("100644", b"huge.toml", &id)]);
    let started = Instant::now();
    let run = f.run(&["--rev", "huge", "validate", "--format", "json"]);
    run.code(1);
    let found = run.findings();
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].code, "file-too-large");
    assert!(
        found[0].message.contains("4294967296 bytes"),
        "{}",
        found[0].message
    );
    assert!(started.elapsed() < Duration::from_secs(10));
}

/// Replaces a loose object's file, which git keeps read-only.
fn overwrite_object(f: &Fixture, id: &str, bytes: &[u8]) {
    let path = f.root().join(".git/objects").join(&id[..2]).join(&id[2..]);
    let mut perms = std::fs::metadata(&path).unwrap().permissions();
    #[allow(clippy::permissions_set_readonly_false)]
    perms.set_readonly(false);
    std::fs::set_permissions(&path, perms).unwrap();
    std::fs::write(&path, bytes).unwrap();
}

#[test]
fn corrupt_git_objects_stop_the_command() {
    for (what, how) in [
        ("blob", "garbage"),
        ("blob", "another object"),
        ("tree", "another object"),
        // Another object of the same kind: only checking each object's hash tells.
        ("tree", "another tree"),
        ("commit", "garbage"),
        ("commit", "another object"),
    ] {
        let f = Fixture::new();
        f.component(&component("widget").release("1.0.0"));
        f.component(&component("gadget").release("1.0.0"));
        f.commit("registry");
        let id = match what {
            "blob" => git(
                f.root(),
                &["rev-parse", "HEAD:registry/components/widget.toml"],
            ),
            "tree" => git(f.root(), &["rev-parse", "HEAD:registry/components"]),
            _ => git(f.root(), &["rev-parse", "HEAD"]),
        };
        let other = match how {
            "another tree" => git(f.root(), &["rev-parse", "HEAD:registry"]),
            _ => git(
                f.root(),
                &["rev-parse", "HEAD:registry/components/gadget.toml"],
            ),
        };
        let bytes = match how {
            "garbage" => b"\x78\x01 this is not zlib".to_vec(),
            _ => std::fs::read(
                f.root()
                    .join(".git/objects")
                    .join(&other[..2])
                    .join(&other[2..]),
            )
            .unwrap(),
        };
        overwrite_object(&f, &id, &bytes);
        for args in [
            &["--rev", "HEAD", "list"][..],
            &["--rev", "HEAD", "validate"],
        ] {
            let run = f.run(args);
            let label = format!("{what} replaced by {how}, {args:?}");
            assert_eq!(run.code, 2, "{label}: {run:?}");
            assert!(run.stderr.starts_with("error: "), "{label}: {}", run.stderr);
            assert!(run.stderr.contains("git fsck"), "{label}: {}", run.stderr);
            assert!(!run.stderr.contains("class="), "{label}: {}", run.stderr);
        }
    }
}

#[test]
fn a_stack_naming_a_registry_that_does_not_exist() {
    let f = Fixture::new();
    f.commit("registry");
    let cache = tempfile::tempdir().unwrap();
    let cache = cache.path().to_str().unwrap().to_owned();
    for (registry, message) in [
        (
            "../no/such/registry",
            "does not exist (from the stack's [stack] registry)",
        ),
        (
            "file:///no/such/registry.git",
            "error: could not fetch file:///no/such/registry.git",
        ),
        (
            "git://127.0.0.1:9/none.git",
            "error: could not fetch git://127.0.0.1:9/none.git",
        ),
    ] {
        f.repo_file(
            "stacks/s.toml",
            format!("[stack]\nname = \"S\"\nregistry = \"{registry}\"\n[needs]\nw = {{ component = \"widget\" }}\n"),
        );
        for command in ["resolve", "graph", "outdated"] {
            let run = stackreg_env(
                f.root(),
                &[command, "stacks/s.toml"],
                &[("STACKREG_CACHE", &cache)],
            );
            run.code(2);
            assert!(run.stderr.contains(message), "{registry}: {}", run.stderr);
            assert!(
                run.stderr.contains("hint:") || command != "resolve" || registry.starts_with(".."),
                "{}",
                run.stderr
            );
        }
    }
}

/// Found by the `stack` fuzz target: a parse error located just before a two-byte
/// character made `validate` panic while quoting the line.
#[test]
fn a_finding_next_to_a_multibyte_character() {
    let f = Fixture::new();
    let bytes =
        std::fs::read(project_root().join("fuzz/seeds/stack/regression-multibyte-after-error"))
            .unwrap();
    f.file("stacks/x.toml", bytes);
    f.file("components/y.toml", "name = \"x\" \u{742}\n".as_bytes());
    for format in ["table", "json", "github", "markdown"] {
        let problems = check_output(&f, &["validate"], format, &[1]);
        assert!(problems.is_empty(), "{}", problems.join("\n"));
    }
}
