//! Reference stacks' lock files (`stacks/<id>.lock` next to `stacks/<id>.toml`): `validate`
//! checks that each was written from the stack file as it is, is a plan for it (SPEC §4,
//! rules 1–6), and is the plan `resolve` gives — so a registry that ships a lock ships one
//! that `resolve --locked` passes.

use crate::diagnostic::{Code, Diagnostic};
use crate::model::Registry;
use crate::model::Stack;

use super::check::check_plan;
use super::lock::{LockFile, stack_hash};
use super::{Options, Resolution, ResolveError, Resolver};

/// The findings on the lock file `lock_file` (text `lock_text`) of the reference stack
/// `stack`, read from `stack_file` (bytes `stack_bytes`). Resolving the stack is bounded by
/// `options`' steps and budget.
pub fn check_lock(
    registry: &Registry,
    stack: &Stack,
    stack_file: &str,
    stack_bytes: &[u8],
    lock_file: &str,
    lock_text: &str,
    options: &Options,
) -> Result<Vec<Diagnostic>, ResolveError> {
    let hint = format!("run `stackreg resolve --lock {stack_file}` and commit the lock");
    let stale = |message: String| {
        vec![Diagnostic::error(lock_file, Code::StaleLock, message).with_hint(hint.clone())]
    };
    let lock = match LockFile::parse(lock_text) {
        Ok(lock) => lock,
        Err(e) => {
            let mut d = Diagnostic::error(
                lock_file,
                Code::ParseError,
                format!("lock file is not readable: {}", e.message),
            )
            .with_hint(format!("delete it and {hint}"));
            if let Some(span) = e.span {
                d = d.at_span(span);
            }
            return Ok(vec![d]);
        }
    };
    if lock.stack_hash != stack_hash(stack_bytes) {
        return Ok(stale(format!(
            "the lock was written from another version of {stack_file}"
        )));
    }
    let locked = lock.versions();
    if locked.len() != lock.components.len() {
        return Ok(stale(
            "the lock holds entries that are not a component id and a version, once each".into(),
        ));
    }
    let resolver = Resolver::new(registry, stack);
    let with = Options {
        locked: locked.clone(),
        lock_fits_stack: true,
        max_steps: options.max_steps,
        budget: options.budget.clone(),
        ..Options::default()
    };
    if let Err(v) = check_plan(&resolver, &with, &resolver.kept(&with), &locked) {
        return Ok(stale(format!("the lock is not a plan for the stack: {v}")));
    }
    match resolver.resolve(&with)? {
        Resolution::Resolved(plan) if plan.versions() == locked => Ok(Vec::new()),
        Resolution::Resolved(plan) => {
            let fresh = LockFile::new(&stack.name, stack_bytes, &registry.source, &plan);
            let why = super::lock_changes(&resolver, &with, &plan)
                .into_iter()
                .map(|c| (c.component, c.reason.to_string()))
                .collect();
            Ok(stale(format!(
                "the lock is not the plan `stackreg resolve` gives: {}",
                lock.differences(&fresh, &why).join("; ")
            )))
        }
        Resolution::Unsatisfiable(why) => Ok(stale(format!(
            "the stack has no plan: {}",
            why.summary.cause()
        ))),
    }
}
