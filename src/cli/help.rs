//! What each command's `--help` shows of the options every command shares. The shared
//! options are parsed anywhere on the command line (clap's global arguments), but a
//! command lists only those that apply to it, under "Global options" after its own, and
//! its `--format` lists only the formats it prints (`formats.rs`).
//!
//! clap copies a global argument into a subcommand unless the subcommand already has one
//! with the same id, so each command gets its own copy here (a group's would otherwise
//! reach its commands): as it is where the option applies, hidden and refused where it
//! does not, and `--format` narrowed to the command's formats.

use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser};
use clap::{Arg, ValueEnum};

use super::args::Format;
use super::formats;

/// The heading shared options are listed under in every command's help.
pub const GLOBAL_HEADING: &str = "Global options";

/// Options about where the registry is and how it is read.
const REGISTRY_OPTIONS: &[&str] = &["registry", "rev", "offline", "require_signed"];

/// Commands that read a registry, by their words.
const READS_REGISTRY: &[&str] = &[
    "list",
    "show",
    "interfaces",
    "validate",
    "resolve",
    "why",
    "graph",
    "outdated",
    "alternatives",
    "site",
    "import publiccode",
    "export publiccode",
    "export backstage",
    "renewals",
    "used-by",
    "compare",
    "stack new",
    "merge",
    "registry publish",
    "registry yank",
    "registry log",
    "registry diff",
    "registry fetch",
];

/// Commands that read no registry (a test checks that every command is in one list).
#[cfg(test)]
const READS_NO_REGISTRY: &[&str] = &["schema", "completions", "registry init"];

/// Commands that resolve stacks, and so take `--max-steps`.
const RESOLVES: &[&str] = &[
    "validate",
    "resolve",
    "why",
    "graph",
    "outdated",
    "alternatives",
    "site",
    "export backstage",
    "renewals",
    "used-by",
    "stack new",
    "merge",
    "registry publish",
    "registry yank",
];

/// Whether the shared option `id` applies to the command `path` (`registry log`).
pub fn applies(id: &str, path: &str) -> bool {
    if REGISTRY_OPTIONS.contains(&id) {
        READS_REGISTRY.contains(&path)
    } else if id == "max_steps" {
        RESOLVES.contains(&path)
    } else {
        true
    }
}

/// The formats `path` prints, or `None` for a command with one fixed output (or with
/// subcommands of its own).
fn formats_of(path: &str) -> Option<&'static [Format]> {
    formats::BY_COMMAND
        .iter()
        .find(|(p, _)| *p == path)
        .map(|(_, f)| *f)
}

/// The command tree with each command's shared options narrowed to what applies.
pub fn narrow(mut cli: clap::Command) -> clap::Command {
    let shared: Vec<Arg> = cli
        .get_arguments()
        .filter(|a| a.is_global_set())
        .cloned()
        .collect();
    let names: Vec<String> = cli
        .get_subcommands()
        .map(|s| s.get_name().to_owned())
        .collect();
    for name in names {
        cli = cli.mut_subcommand(&name, |sub| narrow_command(sub, &name, &shared));
    }
    cli
}

fn narrow_command(mut cmd: clap::Command, path: &str, shared: &[Arg]) -> clap::Command {
    for arg in shared {
        let id = arg.get_id().as_str();
        let copy = if id == "format" {
            match formats_of(path) {
                Some(formats) => format_arg(arg, formats),
                None => arg.clone().hide(true),
            }
        } else if cmd.has_subcommands() {
            // A group (`registry`): what only some of its commands take is taken for them,
            // and listed in their help.
            let everywhere = !REGISTRY_OPTIONS.contains(&id) && id != "max_steps";
            arg.clone().hide(!everywhere)
        } else if applies(id, path) {
            arg.clone()
        } else {
            refused(arg, path)
        };
        cmd = cmd.arg(copy);
    }
    let names: Vec<String> = cmd
        .get_subcommands()
        .map(|s| s.get_name().to_owned())
        .collect();
    for name in names {
        let sub_path = format!("{path} {name}");
        cmd = cmd.mut_subcommand(&name, |sub| narrow_command(sub, &sub_path, shared));
    }
    cmd
}

/// A shared option that does not apply to `path`: not in its help, and refused when
/// written after the command (`stackreg completions bash --registry x`). Before the
/// command (`stackreg --registry x completions bash`, as an alias might put it) it is
/// the top level's, and taken as it is there.
fn refused(arg: &Arg, path: &str) -> Arg {
    let name = arg.get_long().unwrap_or_else(|| arg.get_id().as_str());
    let message = format!("--{name} does not apply to `stackreg {path}`");
    let copy = arg.clone().hide(true).env(None::<&str>);
    if arg.get_num_args().is_some_and(|n| n.takes_values()) {
        copy.value_parser(NotHere::<String> {
            message,
            default: None,
        })
    } else {
        // A flag: clap parses its implicit default, `false`, which is no use of it.
        copy.value_parser(NotHere {
            message,
            default: Some(false),
        })
    }
}

/// Refuses any value but a flag's implicit `false`, with `message`.
#[derive(Clone)]
struct NotHere<T> {
    message: String,
    default: Option<T>,
}

impl<T: Clone + Send + Sync + 'static> TypedValueParser for NotHere<T> {
    type Value = T;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        _arg: Option<&Arg>,
        value: &std::ffi::OsStr,
    ) -> Result<T, clap::Error> {
        match &self.default {
            Some(default) if value == "false" => Ok(default.clone()),
            _ => Err(clap::Error::raw(
                clap::error::ErrorKind::UnknownArgument,
                format!("{}\n", self.message),
            )
            .with_cmd(cmd)),
        }
    }
}

/// `--format` as one command takes it: its formats listed (the first the default); the
/// others still parse, so that `Ctx::format` refuses them with the same message wherever
/// `--format` stands on the command line.
fn format_arg(arg: &Arg, formats: &[Format]) -> Arg {
    let values: Vec<PossibleValue> = Format::value_variants()
        .iter()
        .map(|f| PossibleValue::new(f.as_str()).hide(!formats.contains(f)))
        .collect();
    let parser =
        PossibleValuesParser::new(values).try_map(|s| <Format as ValueEnum>::from_str(&s, false));
    arg.clone()
        .value_parser(parser)
        .hide_possible_values(true)
        .help(formats::help_line(formats))
        .help_heading(None::<&str>)
        .display_order(998)
}

/// `stackreg init` is `stackreg registry init`: an unknown command that is the name of a
/// command one level down gets the full command as the suggestion.
pub fn suggest_nested(e: &mut clap::Error, cli: &clap::Command) {
    use clap::error::{ContextKind, ContextValue, ErrorKind};
    if e.kind() != ErrorKind::InvalidSubcommand {
        return;
    }
    let Some(ContextValue::String(word)) = e.get(ContextKind::InvalidSubcommand) else {
        return;
    };
    let word = word.clone();
    let nested: Vec<String> = cli
        .get_subcommands()
        .filter(|group| group.find_subcommand(&word).is_some())
        .map(|group| format!("{} {word}", group.get_name()))
        .collect();
    if !nested.is_empty() {
        e.insert(
            ContextKind::SuggestedSubcommand,
            ContextValue::Strings(nested),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_command_path_is_a_command() {
        let cli = super::super::command();
        for path in READS_REGISTRY.iter().chain(RESOLVES) {
            let mut cmd = &cli;
            for word in path.split(' ') {
                cmd = cmd
                    .find_subcommand(word)
                    .unwrap_or_else(|| panic!("no command {path}"));
            }
        }
    }

    #[test]
    fn every_command_says_whether_it_reads_a_registry() {
        fn leaves(cmd: &clap::Command, prefix: &str, out: &mut Vec<String>) {
            for sub in cmd.get_subcommands() {
                let path = format!("{prefix}{}", sub.get_name());
                if sub.has_subcommands() {
                    leaves(sub, &format!("{path} "), out);
                } else {
                    out.push(path);
                }
            }
        }
        let mut paths = Vec::new();
        leaves(&super::super::command(), "", &mut paths);
        assert!(paths.len() > 25, "{paths:?}");
        for path in paths {
            let listed = READS_REGISTRY.contains(&path.as_str()) as u8
                + READS_NO_REGISTRY.contains(&path.as_str()) as u8;
            assert_eq!(
                listed, 1,
                "{path}: add it to READS_REGISTRY or READS_NO_REGISTRY"
            );
        }
    }

    #[test]
    fn resolving_commands_read_a_registry() {
        for path in RESOLVES {
            assert!(READS_REGISTRY.contains(path), "{path}");
        }
    }
}
