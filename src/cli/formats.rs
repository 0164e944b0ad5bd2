//! Which output formats each command prints, the first its default. `Ctx::format` accepts
//! exactly these, and each command's `--help` lists them, from this one table, so the two
//! cannot disagree.

use super::args::Format::{self, Csv, Cyclonedx, Dot, Github, Json, Markdown, Mermaid, Table};

pub const LIST: &[Format] = &[Table, Json, Markdown, Csv];
pub const SHOW: &[Format] = &[Table, Json, Markdown];
pub const INTERFACES: &[Format] = &[Table, Json, Markdown, Csv];
pub const VALIDATE: &[Format] = &[Table, Json, Github, Markdown, Csv];
pub const RESOLVE: &[Format] = &[Table, Json, Markdown, Csv, Cyclonedx];
pub const WHY: &[Format] = &[Table, Json, Markdown, Csv];
pub const GRAPH: &[Format] = &[Table, Dot, Mermaid, Json];
pub const OUTDATED: &[Format] = &[Table, Json, Markdown, Csv];
pub const ALTERNATIVES: &[Format] = &[Table, Json, Markdown, Csv];
pub const SCHEMA: &[Format] = &[Json];
pub const REGISTRY: &[Format] = &[Table, Json, Markdown];
/// `registry log` and `registry diff`: tables of changes.
pub const HISTORY: &[Format] = &[Table, Json, Markdown, Csv];
/// The planning commands, and `resolve` with `--upgrade`, `--with` or `--without`.
pub const PLANNING: &[Format] = &[Table, Json, Markdown, Csv];
/// The site is written to files; `table` is its progress on stderr.
pub const SITE: &[Format] = &[Table];

/// Commands whose output has one fixed format, and what it is.
pub const FIXED: &[(&str, &str)] = &[
    ("import publiccode", "TOML component manifests"),
    ("export publiccode", "YAML"),
    ("export backstage", "YAML"),
    ("completions", "a shell script"),
];

/// Every command (by its words: `registry log`) with the formats it takes.
pub const BY_COMMAND: &[(&str, &[Format])] = &[
    ("list", LIST),
    ("show", SHOW),
    ("interfaces", INTERFACES),
    ("validate", VALIDATE),
    ("resolve", RESOLVE),
    ("why", WHY),
    ("graph", GRAPH),
    ("outdated", OUTDATED),
    ("alternatives", ALTERNATIVES),
    ("renewals", PLANNING),
    ("used-by", PLANNING),
    ("compare", PLANNING),
    ("stack new", PLANNING),
    ("merge", PLANNING),
    ("schema", SCHEMA),
    ("site", SITE),
    ("registry init", REGISTRY),
    ("registry publish", REGISTRY),
    ("registry yank", REGISTRY),
    ("registry log", HISTORY),
    ("registry diff", HISTORY),
    ("registry fetch", REGISTRY),
];

/// `Output format: table (default), json, csv`.
pub fn help_line(formats: &[Format]) -> String {
    let names: Vec<String> = formats
        .iter()
        .enumerate()
        .map(|(i, f)| {
            if i == 0 && formats.len() > 1 {
                format!("{} (default)", f.as_str())
            } else {
                f.as_str().to_owned()
            }
        })
        .collect();
    format!("Output format: {}", names.join(", "))
}

/// The command tree with a note at the end of the `--help` of each command whose output
/// has one fixed format (the others list theirs at `--format`, `help.rs`).
pub fn annotate(mut cli: clap::Command) -> clap::Command {
    for (path, prints) in FIXED {
        cli = add_after_help(
            cli,
            path,
            &format!("Prints {prints}; it takes no --format."),
        );
    }
    cli
}

fn add_after_help(cli: clap::Command, path: &str, line: &str) -> clap::Command {
    let words: Vec<&str> = path.split(' ').collect();
    fn walk(cmd: clap::Command, words: &[&str], line: &str) -> clap::Command {
        match words {
            [] => {
                let text = match cmd.get_after_help() {
                    Some(existing) => format!("{existing}\n\n{line}"),
                    None => line.to_owned(),
                };
                cmd.after_help(text)
            }
            [first, rest @ ..] => {
                if cmd.find_subcommand(first).is_none() {
                    return cmd;
                }
                cmd.mut_subcommand(*first, |sub| walk(sub, rest, line))
            }
        }
    }
    walk(cli, &words, line)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_command_says_what_it_prints() {
        let cli = super::super::command();
        for sub in cli.get_subcommands() {
            let name = sub.get_name();
            if ["help", "registry", "import", "export", "stack"].contains(&name) {
                continue;
            }
            let after = sub
                .get_after_help()
                .map(|h| h.to_string())
                .unwrap_or_default();
            let format = sub
                .get_arguments()
                .find(|a| a.get_id() == "format")
                .filter(|a| !a.is_hide_set())
                .and_then(|a| a.get_help().map(|h| h.to_string()))
                .unwrap_or_default();
            assert!(
                format.starts_with("Output format: ") || after.contains("takes no --format"),
                "{name}: {format} / {after}"
            );
        }
    }

    #[test]
    fn the_first_format_is_the_default() {
        assert_eq!(
            help_line(RESOLVE),
            "Output format: table (default), json, markdown, csv, cyclonedx"
        );
        assert_eq!(help_line(SCHEMA), "Output format: json");
    }
}
