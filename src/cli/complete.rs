//! Shell completion that knows the registry: component ids, interface ids, capabilities
//! and the registry's stack files, through clap_complete's dynamic completion. The shell
//! calls `stackreg` with `COMPLETE=<shell>` set to ask for candidates; `stackreg
//! completions SHELL` prints the script that teaches the shell to do so.

use std::ffi::{OsStr, OsString};
use std::path::Path;

use clap_complete::engine::{ArgValueCompleter, CompletionCandidate, PathCompleter};
use clap_complete::env::Shells;

use crate::env::EnvVars;
use crate::ops::catalogue::{self, Names};
use crate::ops::{Session, Settings, Silent};

/// Answers a completion request: `None` when `COMPLETE` does not ask for one, else the
/// exit code (2 when it names a shell stackreg cannot complete for).
pub fn answer(args: &[OsString], factory: fn() -> clap::Command) -> Option<std::process::ExitCode> {
    let cwd = std::env::current_dir().ok();
    match clap_complete::CompleteEnv::with_factory(factory)
        .var(EnvVars::COMPLETE)
        .try_complete(args.iter().cloned(), cwd.as_deref())
    {
        Ok(false) => None,
        Ok(true) => Some(std::process::ExitCode::SUCCESS),
        Err(e) => {
            let _ = e.print();
            Some(std::process::ExitCode::from(2))
        }
    }
}

/// The script that registers stackreg's completions with `shell`.
pub fn registration(shell: clap_complete::Shell) -> Result<String, std::io::Error> {
    let name = shell.to_string();
    let shells = Shells::builtins();
    let Some(completer) = shells.completer(&name) else {
        return Err(std::io::Error::other(format!("no completions for {name}")));
    };
    let mut buf = Vec::new();
    completer.write_registration(
        EnvVars::COMPLETE,
        "stackreg",
        "stackreg",
        "stackreg",
        &mut buf,
    )?;
    Ok(String::from_utf8_lossy(&buf).into_owned())
}

pub fn components() -> ArgValueCompleter {
    ArgValueCompleter::new(|current: &OsStr| ids(current, Names::Components))
}

pub fn interfaces() -> ArgValueCompleter {
    ArgValueCompleter::new(|current: &OsStr| ids(current, Names::Interfaces))
}

pub fn capabilities() -> ArgValueCompleter {
    ArgValueCompleter::new(|current: &OsStr| ids(current, Names::Capabilities))
}

/// Stack files: the registry's `stacks/*.toml`, then `.toml` files and folders here.
pub fn stacks() -> ArgValueCompleter {
    ArgValueCompleter::new(|current: &OsStr| {
        let mut out: Vec<CompletionCandidate> = Vec::new();
        let typed = current.to_string_lossy();
        if let Some(session) = session() {
            let cwd = session.settings.cwd.clone();
            for file in catalogue::stack_files(&session).unwrap_or_default() {
                let shown = file.strip_prefix(&cwd).unwrap_or(&file).to_path_buf();
                let shown = shown.to_string_lossy().into_owned();
                if shown.starts_with(typed.as_ref()) {
                    out.push(CompletionCandidate::new(shown));
                }
            }
        }
        let files = PathCompleter::file()
            .filter(|p: &Path| p.is_dir() || p.extension().is_some_and(|e| e == "toml"));
        for candidate in clap_complete::engine::ValueCompleter::complete(&files, current) {
            if !out.iter().any(|c| c.get_value() == candidate.get_value()) {
                out.push(candidate);
            }
        }
        out
    })
}

/// Folders, for `--registry`.
pub fn folders() -> ArgValueCompleter {
    ArgValueCompleter::new(PathCompleter::dir())
}

/// `ID` or `ID@…`: the ids that start with what was typed so far.
fn ids(current: &OsStr, which: Names) -> Vec<CompletionCandidate> {
    let typed = current.to_string_lossy();
    if typed.contains('@') {
        return Vec::new();
    }
    let Some(session) = session() else {
        return Vec::new();
    };
    catalogue::names(&session, which)
        .unwrap_or_default()
        .into_iter()
        .filter(|(id, _)| id.starts_with(typed.as_ref()))
        .map(|(id, help)| {
            let help = (!help.is_empty()).then(|| help.into());
            CompletionCandidate::new(id).help(help)
        })
        .collect()
}

/// A session that reads the registry the command line being completed names (its
/// `--registry`), else the one the usual rules find; messages are dropped.
fn session() -> Option<Session<'static>> {
    let args: Vec<OsString> = std::env::args_os().collect();
    let settings = Settings {
        registry: flag_value(&args, "--registry"),
        cwd: std::env::current_dir().ok()?,
        exits_after: true,
        ..Settings::default()
    }
    .with_env()
    .ok()?;
    Some(Session::new(settings, &Silent))
}

/// The value of `--name VALUE` or `--name=VALUE` on the command line being completed.
fn flag_value(args: &[OsString], name: &str) -> Option<String> {
    let mut args = args.iter().map(|a| a.to_string_lossy());
    while let Some(arg) = args.next() {
        if arg == name {
            return args.next().map(|v| v.into_owned());
        }
        if let Some(v) = arg.strip_prefix(name).and_then(|r| r.strip_prefix('=')) {
            return Some(v.to_owned());
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_registry_flag_is_read_in_both_spellings() {
        let args: Vec<OsString> = ["stackreg", "--", "stackreg", "--registry", "r", "show"]
            .iter()
            .map(OsString::from)
            .collect();
        assert_eq!(flag_value(&args, "--registry").as_deref(), Some("r"));
        let args: Vec<OsString> = ["stackreg", "--registry=x/y"]
            .iter()
            .map(OsString::from)
            .collect();
        assert_eq!(flag_value(&args, "--registry").as_deref(), Some("x/y"));
    }
}
