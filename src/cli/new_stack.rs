//! `stackreg stack new FILE --name NAME [--current ID@VERSION…]`, and the file writing
//! `merge --out` shares with it.

use std::path::{Path, PathBuf};

use super::args::StackNewArgs;
use super::{Ctx, Outcome};
use crate::error::Error;
use crate::model::{Id, Stack};
use crate::planning::write::{StackText, to_toml};
use crate::report::new_stack::{NeedRow, NewStackReport};
use crate::report::resolve::Change;
use crate::resolve::{Options, Resolution, Resolver};

pub fn run(ctx: &Ctx, args: StackNewArgs) -> Result<Outcome, Error> {
    let format = ctx.format("stack new", super::formats::PLANNING)?;
    refuse_existing(&args.file)?;
    if args.name.trim().is_empty() {
        return Err(Error::Usage("--name must not be empty".into()));
    }
    let loaded = ctx.load(
        Some(super::context::StackRef {
            path: &args.file,
            registry: None,
            rev: None,
            allowed_signers: None,
        }),
        true,
    )?;
    let registry = &loaded.registry;
    let mut current = Vec::new();
    for spec in &args.current {
        let (id, version) = crate::planning::release_spec(registry, spec)?;
        let Some(version) = version else {
            return Err(Error::Usage(format!(
                "--current {} needs the version that runs today: {}@VERSION",
                crate::text::escape(spec),
                id
            )));
        };
        current.push((id, version));
    }
    let new = crate::planning::new_stack::new_stack(registry, &args.name, &current)?;
    let mut stack = new.stack;
    stack.registry = registry_line(ctx, &args.file);
    let text = to_toml(&StackText {
        stack: &stack,
        header: vec![
            format!(
                "{}: written by `stackreg stack new` from what runs today.",
                args.name
            ),
            "Each need is a capability a current component serves (so `alternatives` finds".into(),
            "what else could serve it), or the component itself where several current ones".into(),
            "share a capability. Uncomment the policy rules the council holds to.".into(),
        ],
        need_notes: new.notes,
        policy_commented: true,
    });
    write_new(&args.file, &text, &stack)?;

    let options = Options {
        max_steps: ctx.max_steps(),
        ..Options::default()
    };
    let resolution = Resolver::new(registry, &stack).resolve(&options)?;
    let (status, kept, changes, explanation) = match &resolution {
        Resolution::Resolved(plan) => {
            let versions = plan.versions();
            let kept = stack
                .current
                .iter()
                .filter(|(id, v)| versions.get(*id) == Some(*v))
                .map(|(id, _)| id.to_string())
                .collect();
            let changes = crate::report::resolve::changes(&stack, plan);
            ("resolved", kept, changes, None)
        }
        Resolution::Unsatisfiable(why) => {
            ("unsatisfiable", Vec::new(), Vec::new(), Some(why.text()))
        }
    };
    // Only changes to what runs today: components the plan adds are expected.
    let changes: Vec<Change> = changes.into_iter().filter(|c| c.from.is_some()).collect();
    let report = NewStackReport {
        file: args.file.display().to_string(),
        stack: stack.name.clone(),
        needs: stack
            .needs
            .iter()
            .map(|(name, need)| NeedRow {
                name: name.to_string(),
                need: need.to_string(),
                note: text_note(&text, name),
            })
            .collect(),
        status,
        kept,
        changes,
        explanation,
    };
    ctx.emit(format, &report)?;
    Ok(if report.status == "resolved" {
        Outcome::Success
    } else {
        Outcome::Negative
    })
}

/// The comment written after need `name`.
fn text_note(text: &str, name: &Id) -> String {
    text.lines()
        .find(|l| {
            l.split_once(" = ")
                .is_some_and(|(k, _)| k.trim() == name.as_str())
                && l.contains("# ")
        })
        .and_then(|l| l.rsplit_once("# "))
        .map(|(_, note)| note.to_owned())
        .unwrap_or_default()
}

/// Refuses to go on when `path` exists: these commands never overwrite a file.
pub fn refuse_existing(path: &Path) -> Result<(), Error> {
    if path.exists() || path.symlink_metadata().is_ok() {
        return Err(Error::Usage(format!(
            "{} already exists; choose another file name (nothing is ever overwritten)",
            path.display()
        )));
    }
    Ok(())
}

/// Checks `text` reads back as `stack`, then creates `path` with it atomically.
pub fn write_new(path: &Path, text: &str, stack: &Stack) -> Result<(), Error> {
    let shown = path.display().to_string();
    let parsed = crate::model::validate::stack(&shown, None, text);
    if parsed.has_errors() || parsed.value.as_ref() != Some(stack) {
        let first = parsed
            .diagnostics
            .iter()
            .find(|d| d.is_error())
            .map(|d| d.message.clone())
            .unwrap_or_else(|| "it reads back differently".into());
        return Err(Error::Usage(format!(
            "the stack written for {shown} would not read back ({first}); nothing was written"
        )));
    }
    crate::atomic::create(path, text.as_bytes()).map_err(|source| {
        if source.kind() == std::io::ErrorKind::AlreadyExists {
            Error::Usage(format!(
                "{shown} already exists; choose another file name (nothing is ever overwritten)"
            ))
        } else {
            Error::Write {
                path: path.to_path_buf(),
                source,
            }
        }
    })
}

/// `[stack] registry` for a new file: the registry given by `--registry` or
/// `STACKREG_REGISTRY` (a path relative to the file's folder, or the URL), else none, as
/// the registry is then found around the file.
pub fn registry_line(ctx: &Ctx, file: &Path) -> Option<String> {
    let given = ctx
        .global
        .registry
        .clone()
        .or_else(|| std::env::var("STACKREG_REGISTRY").ok())
        .filter(|s| !s.is_empty())?;
    if given.contains("://") || given.contains('@') && given.contains(':') {
        return Some(given);
    }
    let target = ctx.cwd.join(&given).canonicalize().ok()?;
    let dir = file
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let base = ctx.cwd.join(dir).canonicalize().ok()?;
    Some(relative(&base, &target).to_string_lossy().into_owned())
}

/// `target` as a path relative to the folder `base` (both absolute).
pub fn relative(base: &Path, target: &Path) -> PathBuf {
    let b: Vec<_> = base.components().collect();
    let t: Vec<_> = target.components().collect();
    let common = b.iter().zip(&t).take_while(|(x, y)| x == y).count();
    let mut out = PathBuf::new();
    for _ in common..b.len() {
        out.push("..");
    }
    for c in &t[common..] {
        out.push(c);
    }
    if out.as_os_str().is_empty() {
        out.push(".");
    }
    out
}
