//! `resolve STACK`: the plan, checked against the lock (`--locked`) or written to it
//! (`--lock`), and the what-if form (`--upgrade`, `--with`, `--without`).
//!
//! A lock records the registry it was made from: a URL as given, a folder relative to
//! the lock, so that the lock reads the same from any directory and on any machine.

use std::collections::BTreeMap;
use std::path::Path;

use super::{OpenStack, Session};
use crate::error::Error;
use crate::interop::cyclonedx::{self, Bom};
use crate::model::{Date, Id};
use crate::report::resolve::ResolveReport;
use crate::report::whatif::WhatIfReport;
use crate::resolve::lock::{self, LockFile};
use crate::resolve::whatif::{WhatIf, WhatIfOutcome};
use crate::resolve::{Plan, Resolution, lock_changes};
use crate::source::discover;

/// What `resolve` was asked to do besides resolving.
#[derive(Debug, Clone, Default)]
pub struct Request {
    /// `--lock`: write the plan to the lock file.
    pub lock: bool,
    /// `--locked`: the lock must be the plan.
    pub locked: bool,
    /// `--dry-run`: say what would be written, write nothing.
    pub dry_run: bool,
    /// `--format cyclonedx`: a bill of materials instead of the report, with a random
    /// serial number when `Some(true)`.
    pub bom: Option<bool>,
}

/// What to print.
pub enum Printed {
    Report(Box<ResolveReport>),
    Bom(Box<Bom>),
}

/// `resolve`'s answer: what to print (nothing when a stack without a plan asked for a
/// BOM), and why it is negative, if it is.
pub struct Resolved {
    pub print: Option<Printed>,
    pub negative: Option<Negative>,
}

/// Why an answer is negative (exit 1).
pub enum Negative {
    /// No plan exists: the printed report explains why (`explanation` is for formats
    /// with no room for it, which print it on stderr).
    NoPlan { explanation: String },
    /// The lock is missing or stale: what to say on stderr.
    Lock(String),
}

/// `resolve STACK [--lock | --locked]`.
pub fn resolve(session: &Session<'_>, path: &Path, request: &Request) -> Result<Resolved, Error> {
    let open = session.open_stack(path)?;
    let answer = resolve_open(session, &open, request);
    session.done_with(open);
    answer
}

fn resolve_open(
    session: &Session<'_>,
    open: &OpenStack,
    request: &Request,
) -> Result<Resolved, Error> {
    let registry = open.registry();
    let stack = open.stack();
    let existing = open.lock()?;
    let options = open.options(session.settings.max_steps())?;
    let resolver = open.resolver();
    let plan = match resolver.resolve(&options)? {
        Resolution::Resolved(plan) => plan,
        Resolution::Unsatisfiable(why) => {
            return Ok(Resolved {
                print: match request.bom {
                    Some(_) => None,
                    None => Some(Printed::Report(Box::new(ResolveReport::unsatisfiable(
                        registry, stack, &why,
                    )))),
                },
                negative: Some(Negative::NoPlan {
                    explanation: crate::report::explain::text(&why),
                }),
            });
        }
    };
    let moved = if existing.is_some() {
        lock_changes(&resolver, &options, &plan)
    } else {
        Vec::new()
    };
    let print = match request.bom {
        Some(serial) => {
            let serial = match serial {
                true => Some(cyclonedx::random_serial_number().map_err(Error::Output)?),
                false => None,
            };
            Printed::Bom(Box::new(cyclonedx::bom(registry, stack, &plan, serial)))
        }
        None => Printed::Report(Box::new(
            ResolveReport::resolved(registry, stack, &plan, Date::today()?)
                .with_lock_changes(moved.clone()),
        )),
    };
    let mut answer = Resolved {
        print: Some(print),
        negative: None,
    };
    if !request.locked && !request.lock {
        // No lock to check or write: skip hashing the stack for one.
        return Ok(answer);
    }

    let lock_path = lock::path_for(&open.file.path);
    let lock_dir = super::folder_of(&lock_path);
    let mut fresh = LockFile::new(&stack.name, &open.file.bytes, &registry.source, &plan);
    let cwd = &session.settings.cwd;
    fresh.registry.source = recorded_source(cwd, &registry.source.source, lock_dir);
    if request.locked {
        let Some(old) = existing else {
            answer.negative = Some(Negative::Lock(format!(
                "no lock file at {}; run `stackreg resolve --lock {}` and commit it",
                lock_path.display(),
                open.file.path.display()
            )));
            return Ok(answer);
        };
        let mut why: BTreeMap<Id, String> = moved
            .into_iter()
            .map(|c| (c.component, c.reason.to_string()))
            .collect();
        for r in &plan.releases {
            why.entry(r.component.clone())
                .or_insert_with(|| needed_for(&plan, &r.component));
        }
        let mut differences = Vec::new();
        if !same_registry(cwd, &old.registry.source, &registry.source.source, lock_dir) {
            differences.push(format!(
                "the lock was made from the registry `{}`, but this run read `{}`",
                old.registry.source, registry.source.source
            ));
        }
        differences.extend(old.differences(&fresh, &why));
        if !differences.is_empty() {
            let mut message = format!("{} is stale:", lock_path.display());
            for d in &differences {
                message.push_str(&format!("\n  {d}"));
            }
            message.push_str(&format!(
                "\n  hint: run `stackreg resolve --lock {}` and commit the result",
                open.file.path.display()
            ));
            answer.negative = Some(Negative::Lock(message));
            return Ok(answer);
        }
    }
    if request.lock {
        write_lock(session, &lock_path, &fresh, request.dry_run)?;
    }
    Ok(answer)
}

/// Writes `lock` at `path` atomically (or says it would, with `dry_run`).
fn write_lock(
    session: &Session<'_>,
    path: &Path,
    lock: &LockFile,
    dry_run: bool,
) -> Result<(), Error> {
    let text = lock.to_toml().map_err(|e| Error::Serialize {
        what: format!("the lock file {}", path.display()),
        source: Box::new(e),
    })?;
    if dry_run {
        session.note(&format!("dry run: {} not written", path.display()));
        return Ok(());
    }
    crate::atomic::write(path, text.as_bytes()).map_err(|source| Error::Write {
        path: path.to_path_buf(),
        source,
    })?;
    session.note(&format!("wrote {}", path.display()));
    Ok(())
}

/// What `resolve --upgrade/--with/--without` was asked: component specs as given.
#[derive(Debug, Clone, Default)]
pub struct WhatIfRequest {
    pub upgrade: Vec<String>,
    pub with: Vec<String>,
    pub without: Vec<String>,
    pub lock: bool,
    pub dry_run: bool,
}

/// `resolve STACK --upgrade ID[@V] / --with ID[@V] / --without ID`: the plan with those
/// changes, against the lock; `None` for the plan when there is none.
pub fn what_if(
    session: &Session<'_>,
    path: &Path,
    request: &WhatIfRequest,
) -> Result<(WhatIfReport, bool), Error> {
    let open = session.open_stack(path)?;
    let answer = what_if_open(session, &open, request);
    session.done_with(open);
    answer
}

fn what_if_open(
    session: &Session<'_>,
    open: &OpenStack,
    request: &WhatIfRequest,
) -> Result<(WhatIfReport, bool), Error> {
    let registry = open.registry();
    let stack = open.stack();
    let spec = |s: &String| crate::planning::release_spec(registry, s);
    let asked = WhatIf {
        upgrade: request.upgrade.iter().map(spec).collect::<Result<_, _>>()?,
        with: request.with.iter().map(spec).collect::<Result<_, _>>()?,
        without: request
            .without
            .iter()
            .map(|s| crate::planning::component(registry, s).map(|c| c.id.clone()))
            .collect::<Result<_, _>>()?,
    };
    let lock = open.lock()?;
    let options = open.options(session.settings.max_steps())?;
    let answer =
        crate::planning::whatif::what_if(registry, stack, lock.as_ref(), &options, &asked)?;
    let report = WhatIfReport::new(registry, stack, &asked, &answer, Date::today()?);
    let WhatIfOutcome::Resolved { plan, .. } = &answer.outcome else {
        return Ok((report, false));
    };
    if request.lock {
        let fresh = LockFile::new(&stack.name, &open.file.bytes, &registry.source, plan);
        write_lock(
            session,
            &lock::path_for(&open.file.path),
            &fresh,
            request.dry_run,
        )?;
    }
    Ok((report, true))
}

/// How a lock in `lock_dir` records the registry read from `source` (a URL, or a folder
/// as shown, relative to `cwd`): a URL as it is, a folder relative to the lock.
fn recorded_source(cwd: &Path, source: &str, lock_dir: &Path) -> String {
    if discover::is_url(source) {
        return source.to_owned();
    }
    let (Ok(registry), Ok(dir)) = (
        cwd.join(source).canonicalize(),
        cwd.join(lock_dir).canonicalize(),
    ) else {
        return source.to_owned();
    };
    relative_path(&dir, &registry)
}

/// Whether a lock in `lock_dir` that records `locked` was made from the registry this run
/// read from `source`. A folder is the same folder relative to the lock (or, as locks
/// written before folders were recorded that way say, to the current directory).
fn same_registry(cwd: &Path, locked: &str, source: &str, lock_dir: &Path) -> bool {
    if discover::is_url(locked) || discover::is_url(source) {
        return locked == source;
    }
    let Ok(read) = cwd.join(source).canonicalize() else {
        return false;
    };
    [cwd.join(lock_dir).join(locked), cwd.join(locked)]
        .iter()
        .any(|p| p.canonicalize().is_ok_and(|p| p == read))
}

/// `to` relative to `from` (both absolute and canonical), with `/` separators.
fn relative_path(from: &Path, to: &Path) -> String {
    let a: Vec<_> = from.components().collect();
    let b: Vec<_> = to.components().collect();
    let common = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    if common == 0 {
        return to.display().to_string();
    }
    let mut parts: Vec<String> = vec!["..".to_owned(); a.len() - common];
    parts.extend(
        b[common..]
            .iter()
            .map(|c| c.as_os_str().to_string_lossy().into_owned()),
    );
    if parts.is_empty() {
        ".".to_owned()
    } else {
        parts.join("/")
    }
}

/// Why a planned component is there: the needs it meets, else what requires it.
fn needed_for(plan: &Plan, id: &Id) -> String {
    let Some(r) = plan.get(id.as_str()) else {
        return String::new();
    };
    if !r.needs.is_empty() {
        let needs: Vec<String> = r.needs.iter().map(|n| format!("`{n}`")).collect();
        return format!("it meets need {}", needs.join(", "));
    }
    let mut by: Vec<String> = plan
        .required_by(id.as_str())
        .map(|e| format!("{} {}", e.from, e.from_version))
        .collect();
    by.dedup();
    format!("{} needs it", by.join(", "))
}
