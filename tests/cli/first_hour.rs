//! What a new user meets in the first hour: help pages that fit a screen and list what
//! applies, one rule for formats, errors that quote their line and suggest the nearest
//! name, the registry found from a stack's place, completions and man pages.

use std::path::Path;

use crate::support::*;

fn root_run(args: &[&str]) -> Run {
    stackreg(&project_root(), args)
}

fn district() -> String {
    sample_registry()
        .join("stacks/district-council.toml")
        .display()
        .to_string()
}

/// The text under `heading` in a help page, up to the next blank line.
fn section<'a>(help: &'a str, heading: &str) -> Vec<&'a str> {
    help.lines()
        .skip_while(|l| *l != heading)
        .skip(1)
        .take_while(|l| !l.is_empty())
        .collect()
}

#[test]
fn help_lists_own_options_then_the_global_ones_that_apply() {
    let run = root_run(&["completions", "--help"]);
    run.ok();
    let help = &run.stdout;
    let options: Vec<&str> = help
        .lines()
        .map(str::trim_start)
        .filter(|l| l.starts_with('-'))
        .collect();
    assert_eq!(
        options,
        [
            "-h, --help  Print help",
            "--color <WHEN>  When to use colour: auto, always, never [default: auto]",
            "-q, --quiet         Print only data and errors",
            "-v, --verbose...    Print more about what is happening",
        ],
        "{help}"
    );
    assert_eq!(
        section(help, "Global options:"),
        [
            "      --color <WHEN>  When to use colour: auto, always, never [default: auto]",
            "  -q, --quiet         Print only data and errors",
            "  -v, --verbose...    Print more about what is happening",
        ]
    );

    let run = root_run(&["registry", "publish", "--help"]);
    run.ok();
    let options = section(&run.stdout, "Options:");
    assert!(
        options.contains(
            &"      --format <FMT>           Output format: table (default), json, markdown"
        ),
        "{options:#?}"
    );
    assert!(!run.stdout.contains("mermaid"), "{}", run.stdout);
    let globals = section(&run.stdout, "Global options:").join("\n");
    for present in ["--registry", "--max-steps", "--color"] {
        assert!(globals.contains(present), "{present}:\n{}", run.stdout);
    }
    let run = root_run(&["registry", "log", "--help"]);
    run.ok();
    let globals = section(&run.stdout, "Global options:").join("\n");
    assert!(globals.contains("--registry"), "{}", run.stdout);
    assert!(!run.stdout.contains("--max-steps"), "{}", run.stdout);

    let run = root_run(&["resolve", "--help"]);
    run.ok();
    let help = &run.stdout;
    let own = help.find("\nOptions:\n").unwrap();
    let global = help.find("\nGlobal options:\n").unwrap();
    assert!(own < global, "{help}");
    let globals = section(help, "Global options:").join("\n");
    for present in ["--registry", "--rev", "--max-steps", "--color", "--quiet"] {
        assert!(
            globals.contains(present),
            "{present} not under Global options:\n{help}"
        );
    }
    assert!(!section(help, "Options:").join("\n").contains("--registry"));

    let run = root_run(&["list", "--help"]);
    assert!(!run.stdout.contains("--max-steps"), "{}", run.stdout);
    assert!(run.stdout.contains("--registry"), "{}", run.stdout);
}

/// Every command's words, from `stackreg --help` and each group's.
fn command_paths() -> Vec<Vec<String>> {
    let commands = |args: &[&str]| -> Vec<String> {
        let run = root_run(args);
        section(&run.stdout, "Commands:")
            .iter()
            .filter_map(|l| l.split_whitespace().next())
            .filter(|w| *w != "help")
            .map(str::to_owned)
            .collect()
    };
    let mut paths = vec![Vec::new()];
    for top in commands(&["--help"]) {
        let nested = commands(&[top.as_str(), "--help"]);
        paths.push(vec![top.clone()]);
        for sub in nested {
            paths.push(vec![top.clone(), sub]);
        }
    }
    paths
}

#[test]
fn every_help_page_fits_fifty_lines_of_a_hundred_columns() {
    let paths = command_paths();
    assert!(paths.len() > 25, "{paths:?}");
    for path in paths {
        let mut args: Vec<&str> = path.iter().map(String::as_str).collect();
        args.push("--help");
        let run = root_run(&args);
        run.ok();
        let lines: Vec<&str> = run.stdout.lines().collect();
        assert!(
            lines.len() <= 50,
            "{args:?}: {} lines\n{}",
            lines.len(),
            run.stdout
        );
        for line in &lines {
            let width = line.chars().count();
            assert!(width <= 100, "{args:?}: {width} columns: {line}");
        }
    }
}

#[test]
fn the_top_help_mentions_completions_and_man_pages() {
    let run = root_run(&["--help"]);
    run.ok();
    assert!(
        run.stdout
            .contains("Shell completions that know the registry: stackreg completions --help\n"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains(
            "Man pages, from a clone of the source: cargo run --example man (writes target/man/)"
        ),
        "{}",
        run.stdout
    );
}

#[test]
fn a_command_takes_exactly_the_formats_its_help_lists() {
    for (args, message) in [
        (
            &["schema", "component", "--format", "table"][..],
            "error: --format table is not available for `schema` (use json)\n",
        ),
        (
            &["completions", "bash", "--format", "json"],
            "error: --format json is not available for `completions`, which prints a shell script only\n",
        ),
        (
            &["site", "--out", "never-written", "--format", "json"],
            "error: --format json is not available for `site` (use table)\n",
        ),
        (
            &["list", "--format", "dot"],
            "error: --format dot is not available for `list` (use table, json, markdown, csv)\n",
        ),
        (
            &["--format", "dot", "list"],
            "error: --format dot is not available for `list` (use table, json, markdown, csv)\n",
        ),
    ] {
        let run = root_run(args);
        run.code(2);
        assert_eq!(run.stderr, message, "{args:?}");
        assert_eq!(run.stdout, "", "{args:?}");
    }
    assert!(!project_root().join("never-written").exists());
    let run = root_run(&["schema", "component", "--format", "json"]);
    run.ok();
    run.json();
}

#[test]
fn a_stack_error_quotes_its_line_in_every_command() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(district()).unwrap().replace(
        "{ capability = \"street-reporting\" }",
        "{ capabilty = \"street-reporting\" }",
    );
    std::fs::write(dir.path().join("typo-need.toml"), text).unwrap();
    let registry = sample_registry().display().to_string();
    let expected = "\
error[unknown-field]: unknown field `capabilty`, expected one of `component`, `interface`, `capability`, `version`
  --> typo-need.toml:13:27
   |
13 | street-reports        = { capabilty = \"street-reporting\" }
   |                           ^^^^^^^^^
";
    for command in ["resolve", "outdated", "graph", "renewals"] {
        let run = stackreg(
            dir.path(),
            &["--registry", &registry, command, "typo-need.toml"],
        );
        run.code(2);
        assert_eq!(run.stderr, expected, "{command}");
    }
    let run = stackreg(
        dir.path(),
        &["--registry", &registry, "validate", "typo-need.toml"],
    );
    run.code(1);
    assert!(run.stdout.starts_with(expected), "{}", run.stdout);
}

#[test]
fn a_loose_file_with_broken_toml_gets_the_syntax_error_first() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("some/dir")).unwrap();
    std::fs::write(
        dir.path().join("some/dir/bad.toml"),
        "[component]\nid = \"x\nname = \"y\"\n",
    )
    .unwrap();
    let registry = sample_registry().display().to_string();
    let run = stackreg(
        dir.path(),
        &["--registry", &registry, "validate", "some/dir/bad.toml"],
    );
    run.code(1);
    assert_eq!(
        run.stdout,
        "\
error[parse-error]: invalid basic string, expected `\"`
 --> some/dir/bad.toml:2:8
  |
2 | id = \"x
  |        ^

invalid: checked 1 file, 1 error, 0 warnings
"
    );
    let run = stackreg(
        dir.path(),
        &[
            "--registry",
            &registry,
            "validate",
            "some/dir/bad.toml",
            "--format",
            "json",
        ],
    );
    let findings = run.findings();
    assert_eq!(findings.len(), 1);
    assert_eq!(findings[0].code, "parse-error");
    assert_eq!((findings[0].line, findings[0].column), (Some(2), Some(8)));
}

#[test]
fn unknown_names_get_the_nearest_one_and_exit_2() {
    let stack = district();
    for (args, message) in [
        (
            vec!["list", "--capability", "idenity"],
            "error: no component in the registry serves the capability `idenity`\n  hint: did you mean `identity`?\n",
        ),
        (
            vec!["list", "--interface", "openid-conect"],
            "error: no interface `openid-conect` in the registry\n  hint: did you mean `openid-connect`?\n",
        ),
        (
            vec!["why", stack.as_str(), "postgres"],
            "error: no component `postgres` in the registry\n  hint: did you mean `postgresql`?\n",
        ),
        (
            vec!["alternatives", stack.as_str(), "postgres"],
            "error: no component `postgres` in the registry\n  hint: did you mean `postgresql`?\n",
        ),
        (
            vec!["registry", "log", "fixmystret"],
            "error: no component, interface or stack `fixmystret` in the registry or its history\n  hint: did you mean `fixmystreet`?\n",
        ),
        (
            vec!["show", "fixmystret"],
            "error: no component `fixmystret` in the registry\n  hint: did you mean `fixmystreet`?\n",
        ),
    ] {
        let run = root_run(&args);
        run.code(2);
        assert_eq!(run.stderr, message, "{args:?}");
        assert_eq!(run.stdout, "", "{args:?}");
    }
    // A component of the registry that is not in the plan stays a negative answer.
    let run = root_run(&["why", &stack, "inkcap-cms"]);
    run.code(1);
    assert_eq!(
        run.stderr,
        "error: inkcap-cms is not in the plan for Reference district council\n"
    );
    // A capability that exists but matches nothing else is still an empty answer.
    let run = root_run(&[
        "list",
        "--capability",
        "identity",
        "--kind",
        "self-hosted",
        "--open-source",
        "--lifecycle",
        "retired",
    ]);
    run.ok();
}

#[test]
fn registry_commands_at_the_top_level_suggest_the_full_command() {
    for (word, full) in [
        ("init", "registry init"),
        ("publish", "registry publish"),
        ("log", "registry log"),
        ("diff", "registry diff"),
        ("new", "stack new"),
    ] {
        let run = root_run(&[word]);
        run.code(2);
        assert_eq!(
            run.stderr,
            format!(
                "error: unrecognized subcommand '{word}'\n\n  tip: a similar subcommand exists: '{full}'\n\n\
                 Usage: stackreg [OPTIONS] <COMMAND>\n\nFor more information, try '--help'.\n"
            )
        );
    }
}

#[test]
fn alternatives_without_a_component_says_what_to_give() {
    let run = root_run(&["alternatives", &district()]);
    run.code(2);
    assert_eq!(
        run.stderr,
        "error: give a component of the plan, or --all for the lock-in report\n"
    );
}

#[test]
fn a_stack_with_no_needs_warns_in_every_command() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("empty.toml"), "[stack]\nname = \"Empty\"\n").unwrap();
    let registry = sample_registry().display().to_string();
    let warning = "warning: empty.toml: stack has no [needs] (add needs such as website = { capability = \"cms\" })\n";
    let run = stackreg(
        dir.path(),
        &["--registry", &registry, "resolve", "empty.toml"],
    );
    run.ok();
    assert_eq!(run.stderr, warning);
    let run = stackreg(
        dir.path(),
        &["--registry", &registry, "-q", "resolve", "empty.toml"],
    );
    run.ok();
    assert_eq!(run.stderr, "");
    let run = stackreg(
        dir.path(),
        &["--registry", &registry, "outdated", "empty.toml"],
    );
    run.ok();
    assert_eq!(run.stderr, warning);
}

#[test]
fn a_stack_in_a_registry_s_stacks_folder_reads_that_registry() {
    let elsewhere = tempfile::tempdir().unwrap();
    let registry = sample_registry();
    let stack = district();
    let run = stackreg(elsewhere.path(), &["-v", "resolve", &stack]);
    run.ok();
    assert!(
        run.stdout.starts_with(&format!(
            "Plan for Reference district council: 13 components (registry: {})\n",
            registry.display()
        )),
        "{}",
        run.stdout
    );
    assert!(
        run.stderr.contains(&format!(
            "registry: {} (from the registry whose stacks/ folder holds the stack)\n",
            registry.display()
        )),
        "{}",
        run.stderr
    );
    // Relative paths too, as the user wrote them.
    let run = stackreg(
        &project_root(),
        &["-v", "resolve", "registry/stacks/district-council.toml"],
    );
    run.ok();
    assert!(
        run.stderr.contains(
            "registry: registry (from the registry whose stacks/ folder holds the stack)\n"
        ),
        "{}",
        run.stderr
    );
    // An explicit registry comes first.
    let f = Fixture::new();
    f.commit("empty");
    let run = stackreg(
        elsewhere.path(),
        &[
            "--registry",
            &f.registry().display().to_string(),
            "resolve",
            &stack,
        ],
    );
    run.code(2);
    assert!(
        run.stderr.contains(
            "error[unknown-capability]: need `website` names unknown capability `council-website`"
        ),
        "{}",
        run.stderr
    );
    // A stacks/ folder without registry.toml above it is not a registry.
    let loose = elsewhere.path().join("stacks");
    std::fs::create_dir_all(&loose).unwrap();
    std::fs::copy(district(), loose.join("x.toml")).unwrap();
    let run = stackreg(elsewhere.path(), &["resolve", "stacks/x.toml"]);
    run.code(2);
    assert!(
        run.stderr.starts_with("error: no registry given"),
        "{}",
        run.stderr
    );
}

#[test]
fn verbose_names_the_registry_in_plain_words() {
    let run = root_run(&["-v", "--registry", "registry", "list"]);
    run.ok();
    assert!(
        run.stderr
            .starts_with("registry: registry (from --registry)\n"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("Path("), "{}", run.stderr);
}

#[test]
fn completion_scripts_ask_stackreg_for_candidates() {
    for (shell, line) in [
        ("bash", "        COMPLETE=\"bash\" \\"),
        ("zsh", "        COMPLETE=\"zsh\" \\"),
        (
            "fish",
            "complete --keep-order --exclusive --command stackreg --arguments \"(COMPLETE=fish stackreg -- (commandline --current-process --tokenize --cut-at-cursor) (commandline --current-token))\"",
        ),
    ] {
        let run = root_run(&["completions", shell]);
        run.ok();
        assert!(
            run.stdout.lines().any(|l| l == line),
            "{shell}:\n{}",
            run.stdout
        );
    }
}

/// What the completion script gets back for a command line (fish's format: one
/// candidate a line, then a tab and its description).
fn complete(cwd: &Path, words: &[&str]) -> Vec<String> {
    let mut args = vec!["--", "stackreg"];
    args.extend_from_slice(words);
    let run = stackreg_env(cwd, &args, &[("COMPLETE", "fish")]);
    run.ok();
    run.stdout.lines().map(str::to_owned).collect()
}

#[test]
fn completion_knows_components_interfaces_capabilities_and_stack_files() {
    let root = project_root();
    assert_eq!(
        complete(&root, &["show", "fixmy"]),
        [
            "fixmystreet\tFixMyStreet Platform",
            "fixmystreet-pro\tFixMyStreet Pro"
        ]
    );
    assert_eq!(
        complete(&root, &["show", "--interface", "openid"]),
        ["openid-connect\tOpenID Connect Core"]
    );
    assert_eq!(
        complete(&root, &["list", "--capability", "identi"]),
        ["identity"]
    );
    assert_eq!(
        complete(&root, &["resolve", "registry/stacks/dis"]),
        ["registry/stacks/district-council.toml"]
    );
    // Another registry named on the line: its ids, not the current folder's.
    let f = Fixture::new();
    f.component(&component("fixmyother").release("1.0.0"));
    f.commit("one");
    let other = f.registry().display().to_string();
    assert_eq!(
        complete(&root, &["--registry", &other, "why", "x.toml", "fixmy"]),
        ["fixmyother\tfixmyother"]
    );
}

#[test]
fn man_pages_come_from_the_same_definitions_as_help() {
    let mut page = Vec::new();
    clap_mangen::Man::new(stackreg::cli::command())
        .render(&mut page)
        .unwrap();
    let page = String::from_utf8(page).unwrap();
    assert!(page.starts_with(".ie \\n(.g .ds Aq \\(aq\n"), "{page}");
    assert!(page.contains(".TH stackreg 1"), "{page}");
    assert!(page.contains("stackreg\\-completions(1)"), "{page}");
}

#[test]
fn the_init_workflow_caches_stackreg_per_version() {
    let dir = tempfile::tempdir().unwrap();
    let reg = dir.path().join("reg");
    let run = stackreg(
        dir.path(),
        &[
            "registry",
            "init",
            reg.to_str().unwrap(),
            "--author",
            "A <a@example.org>",
        ],
    );
    run.ok();
    let workflow = std::fs::read_to_string(reg.join(".github/workflows/registry.yml")).unwrap();
    assert!(
        workflow.contains(&format!(
            "  STACKREG_VERSION: \"{}\"\n",
            env!("CARGO_PKG_VERSION")
        )),
        "{workflow}"
    );
    assert_eq!(
        workflow
            .matches("          key: stackreg-${{ runner.os }}-${{ env.STACKREG_VERSION }}\n")
            .count(),
        2,
        "{workflow}"
    );
    assert_eq!(
        workflow
            .matches("        if: steps.cache-stackreg.outputs.cache-hit != 'true'\n")
            .count(),
        2,
        "{workflow}"
    );
    assert_eq!(workflow.matches("cargo install --locked --git").count(), 2);
}

#[test]
fn an_option_that_does_not_apply_is_refused_after_the_command() {
    for (args, message) in [
        (
            &["completions", "bash", "--registry", "registry"][..],
            "error: --registry does not apply to `stackreg completions`\n",
        ),
        (
            &["schema", "stack", "--offline"],
            "error: --offline does not apply to `stackreg schema`\n",
        ),
        (
            &["list", "--max-steps", "5"],
            "error: --max-steps does not apply to `stackreg list`\n",
        ),
        (
            &["registry", "log", "--max-steps=5"],
            "error: --max-steps does not apply to `stackreg registry log`\n",
        ),
    ] {
        let run = root_run(args);
        run.code(2);
        assert_eq!(run.stderr, message, "{args:?}");
        assert_eq!(run.stdout, "", "{args:?}");
    }
    // Before the command it is the top level's (an alias may always pass it), and the
    // environment's values are never refused.
    let run = root_run(&["--registry", "registry", "--offline", "schema", "stack"]);
    run.ok();
    run.json();
    let run = stackreg_env(&project_root(), &["list"], &[("STACKREG_MAX_STEPS", "5")]);
    run.ok();
    // Between a group and its command it is taken for the command.
    let run = root_run(&[
        "registry",
        "--registry",
        "registry",
        "log",
        "-n",
        "1",
        "--format",
        "json",
    ]);
    run.ok();
    run.json();
    let run = root_run(&["registry", "log", "--registry", "registry", "-n", "1"]);
    run.ok();
    let dir = tempfile::tempdir().unwrap();
    let run = stackreg(
        dir.path(),
        &[
            "registry",
            "init",
            "new",
            "--registry",
            "x",
            "--author",
            "A <a@example.org>",
        ],
    );
    run.code(2);
    assert_eq!(
        run.stderr,
        "error: --registry does not apply to `stackreg registry init`\n"
    );
    assert!(!dir.path().join("new").exists());
}
