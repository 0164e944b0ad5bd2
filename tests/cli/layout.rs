//! Human output fitted to the terminal: every line within `COLUMNS`, no word split across
//! lines; and colour only where asked for, only around the words it belongs to.

use std::collections::BTreeSet;

use unicode_width::UnicodeWidthStr;

use crate::support::*;

/// Commands on the sample registry, each with widths its human output must fit.
const FITTED: &[(&[&str], &[usize])] = &[
    (&["list"], &[80, 100]),
    (&["list", "--open-source"], &[80]),
    (
        &["resolve", "registry/stacks/district-council.toml"],
        &[60, 80],
    ),
    (&["resolve", "registry/stacks/unitary-council.toml"], &[60]),
    (&["resolve", "examples/stacks/no-plan.toml"], &[60, 80]),
    (
        &["outdated", "registry/stacks/unitary-council.toml"],
        &[60, 80],
    ),
    (
        &[
            "alternatives",
            "registry/stacks/district-council.toml",
            "--all",
        ],
        &[80],
    ),
    (
        &[
            "alternatives",
            "registry/stacks/district-council.toml",
            "fixmystreet",
        ],
        &[60],
    ),
    (
        &[
            "why",
            "registry/stacks/unitary-council.toml",
            "saltmarsh-gazetteer",
        ],
        &[60, 80],
    ),
    (&["show", "saltmarsh-gazetteer"], &[80]),
    (&["interfaces"], &[80]),
];

fn words(text: &str) -> BTreeSet<&str> {
    text.split_whitespace().collect()
}

#[test]
fn human_output_fits_the_width_without_splitting_a_word() {
    let root = project_root();
    for (args, widths) in FITTED {
        // Wide enough that nothing wraps: the words as they are.
        let wide = stackreg_env(&root, args, &[("COLUMNS", "1000")]);
        let whole = words(&wide.stdout);
        for width in *widths {
            let columns = width.to_string();
            let run = stackreg_env(&root, args, &[("COLUMNS", columns.as_str())]);
            assert_eq!(run.code, wide.code, "{args:?} at {width}: {}", run.stderr);
            for line in run.stdout.lines() {
                assert!(
                    line.width() <= *width,
                    "{args:?}: a line of {} columns at {width}:\n{line}\n\n{}",
                    line.width(),
                    run.stdout
                );
            }
            // Every word is a word of the wide output, or one cut short with `…`: a
            // word split across two lines would leave two pieces that are neither.
            for word in words(&run.stdout) {
                // A tree's branch continues on the lines a wrapped node takes.
                let ok = word == "│"
                    || match word.strip_suffix('…') {
                        Some(start) => whole.iter().any(|w| w.starts_with(start)),
                        None => whole.contains(word),
                    };
                assert!(
                    ok,
                    "{args:?} at {width}: `{word}` is not a word of the answer:\n{}",
                    run.stdout
                );
            }
        }
    }
}

#[test]
fn list_at_80_columns_keeps_ids_whole() {
    let run = stackreg_env(&project_root(), &["list"], &[("COLUMNS", "80")]);
    run.ok();
    // The examples from the issue: split mid-word at 80 columns before.
    assert!(!run.stdout.contains("income-manag\n"), "{}", run.stdout);
    assert!(!run.stdout.contains("AGPL-3.0-or-\n"), "{}", run.stdout);
    // The first column names the row and is never cut while others can give.
    for id in [
        "bramblewick-income",
        "civic-harbour-forms",
        "saltmarsh-gazetteer",
    ] {
        assert!(
            run.stdout.lines().any(|l| l.starts_with(&format!("{id} "))),
            "{id}:\n{}",
            run.stdout
        );
    }
}

/// The text between each colour code and the reset after it.
fn painted(out: &str) -> Vec<(String, String)> {
    let mut found = Vec::new();
    let mut rest = out;
    while let Some(start) = rest.find("\u{1b}[") {
        let after = &rest[start..];
        let Some(end) = after.find('m') else { break };
        let mut code = after[..=end].to_owned();
        let mut body = &after[end + 1..];
        // Bold and a colour come as two codes in a row.
        while body.starts_with("\u{1b}[") {
            let Some(e) = body.find('m') else { break };
            code.push_str(&body[..=e]);
            body = &body[e + 1..];
        }
        let Some(stop) = body.find("\u{1b}[0m") else {
            panic!("a colour is never reset: {out:?}")
        };
        found.push((code, body[..stop].to_owned()));
        rest = &body[stop + 4..];
    }
    found
}

fn strip(out: &str) -> String {
    let mut plain = String::new();
    let mut rest = out;
    while let Some(start) = rest.find("\u{1b}[") {
        plain.push_str(&rest[..start]);
        let end = rest[start..]
            .find('m')
            .map_or(rest.len(), |e| start + e + 1);
        rest = &rest[end..];
    }
    plain.push_str(rest);
    plain
}

const BOLD: &str = "\u{1b}[1m";
const GREEN: &str = "\u{1b}[32m";
const YELLOW: &str = "\u{1b}[33m";
const BOLD_RED: &str = "\u{1b}[1m\u{1b}[31m";

#[test]
fn colour_marks_lock_in_and_fits_in_the_lock_in_table() {
    let root = project_root();
    let args = [
        "alternatives",
        "registry/stacks/district-council.toml",
        "--all",
    ];
    let plain = stackreg(&root, &[&args[..], &["--color", "never"]].concat());
    plain.ok();
    assert!(!plain.stdout.contains('\u{1b}'), "{}", plain.stdout);
    let run = stackreg(&root, &[&args[..], &["--color", "always"]].concat());
    run.ok();
    // Without the codes, the answer is the same.
    assert_eq!(strip(&run.stdout), plain.stdout);
    let spans = painted(&run.stdout);
    let header = [
        "COMPONENT",
        "VERSION",
        "DROP-IN",
        "WITH CHANGES",
        "NOT VIABLE",
        "BEST ALTERNATIVE",
        "INTERFACE",
        "PROVIDER",
        "USED BY",
    ];
    for (code, text) in &spans {
        let want = match text.as_str() {
            "LOCK-IN" => BOLD_RED,
            t if header.contains(&t) => BOLD,
            t if t.ends_with("(drop-in)") => GREEN,
            t if t.ends_with("(with-changes)") => YELLOW,
            t => panic!("{t:?} is painted {code:?}:\n{}", run.stdout),
        };
        assert_eq!(code, want, "{text}");
    }
    let lock_in = spans.iter().filter(|(_, t)| t == "LOCK-IN").count();
    assert_eq!(lock_in, plain.stdout.matches("LOCK-IN").count());
    assert!(
        spans
            .iter()
            .any(|(c, t)| c == GREEN && t == "fixmystreet-pro (drop-in)"),
        "{spans:?}"
    );
}

#[test]
fn colour_marks_no_plan_soon_and_fit_headings() {
    let root = project_root();
    let run = stackreg(
        &root,
        &[
            "resolve",
            "examples/stacks/no-plan.toml",
            "--color",
            "always",
        ],
    );
    run.code(1);
    assert!(
        run.stdout
            .starts_with(&format!("{BOLD_RED}No plan\u{1b}[0m for ")),
        "{:?}",
        run.stdout
    );
    let run = stackreg(
        &root,
        &[
            "outdated",
            "registry/stacks/district-council.toml",
            "--color",
            "always",
        ],
    );
    run.ok();
    assert!(
        painted(&run.stdout).contains(&(YELLOW.into(), "ends 2026-12-01 (soon)".into())),
        "{:?}",
        run.stdout
    );
    let run = stackreg(
        &root,
        &[
            "alternatives",
            "registry/stacks/district-council.toml",
            "fixmystreet",
            "--color",
            "always",
        ],
    );
    run.ok();
    let spans = painted(&run.stdout);
    assert_eq!(spans[0], (GREEN.to_owned(), "Drop-in".to_owned()));
    for (code, title) in &spans {
        let want = match title.as_str() {
            "Drop-in" => GREEN,
            "With changes" => YELLOW,
            "Not viable" => "\u{1b}[31m",
            "Undecided" => "\u{1b}[35m",
            t => panic!("{t:?} is painted:\n{}", run.stdout),
        };
        assert_eq!(code, want, "{title}");
        assert!(run.stdout.contains(&format!("\n{code}{title}\u{1b}[0m:\n")));
    }
}

#[test]
fn no_colour_when_piped_or_told_not_to() {
    let root = project_root();
    let args = [
        "alternatives",
        "registry/stacks/district-council.toml",
        "--all",
    ];
    // The test reads stdout through a pipe: `auto` (the default) never colours it, with
    // NO_COLOR unset (empty counts as unset) or set.
    for env in [&[("NO_COLOR", "")][..], &[("NO_COLOR", "1")]] {
        let run = stackreg_env(&root, &args, env);
        run.ok();
        assert!(!run.stdout.contains('\u{1b}'), "{env:?}: {:?}", run.stdout);
    }
    let run = stackreg_env(
        &root,
        &[&args[..], &["--color", "auto"]].concat(),
        &[("NO_COLOR", "")],
    );
    assert!(!run.stdout.contains('\u{1b}'), "{:?}", run.stdout);
    // JSON is never coloured.
    let run = stackreg(
        &root,
        &[&args[..], &["--color", "always", "--format", "json"]].concat(),
    );
    run.ok();
    assert!(!run.stdout.contains('\u{1b}'));
    run.json();
}
