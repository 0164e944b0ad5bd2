//! `stackreg merge STACK STACK [--name NAME] [--out FILE]`

use std::path::Path;

use super::args::MergeArgs;
use super::{Ctx, Outcome};
use crate::error::Error;
use crate::ops::stack;
use crate::planning::merge::{Council, merge};
use crate::planning::write::{StackText, to_toml};
use crate::report::merge::MergeReport;

pub fn run(ctx: &Ctx, args: MergeArgs) -> Result<Outcome, Error> {
    let format = ctx.format("merge", super::formats::PLANNING)?;
    let [a_path, b_path] = args.stacks.as_slice() else {
        return Err(Error::Usage("merge takes exactly two stack files".into()));
    };
    if let Some(out) = &args.out {
        super::new_stack::refuse_existing(out)?;
    }
    let ws = stack::open(ctx, a_path)?;
    let registry = &ws.loaded.registry;
    let a_locked = ws.lock()?.map(|l| l.versions()).unwrap_or_default();
    let (b_input, b_options) = stack::read_against(ctx, b_path, registry)?;
    let (a, b) = (&ws.input.stack, &b_input.stack);
    let name = args
        .name
        .clone()
        .unwrap_or_else(|| format!("{} and {}", a.name, b.name));
    if name.trim().is_empty() {
        return Err(Error::Usage("--name must not be empty".into()));
    }
    let options = ws.options(ctx.global.max_steps)?;
    let mut answer = merge(
        registry,
        &Council {
            file: a_path.display().to_string(),
            stack: a,
            locked: a_locked,
        },
        &Council {
            file: b_path.display().to_string(),
            stack: b,
            locked: b_options.locked,
        },
        &name,
        &options,
    )?;
    let mut written = None;
    if let Some(out) = &args.out {
        answer.merged.stack.registry = rebase(a.registry.as_deref(), a_path, out);
        let stack = &answer.merged.stack;
        let text = to_toml(&StackText {
            stack,
            header: vec![
                format!("{name}: written by `stackreg merge`"),
                format!(
                    "from {} and {}: their needs joined, both councils' policies holding,",
                    a_path.display(),
                    b_path.display()
                ),
                "and what each runs today.".into(),
            ],
            need_notes: answer
                .merged
                .sources
                .iter()
                .map(|(need, (x, y))| {
                    let from = match (x, y) {
                        (Some(x), Some(y)) if x == y => format!("both ({x})"),
                        (Some(x), Some(y)) => format!("a's {x}, b's {y}"),
                        (Some(x), None) => format!("a's {x}"),
                        (None, Some(y)) => format!("b's {y}"),
                        (None, None) => String::new(),
                    };
                    (need.clone(), from)
                })
                .collect(),
            policy_commented: false,
        });
        super::new_stack::write_new(out, &text, stack)?;
        ctx.note(&format!("wrote {}", out.display()));
        written = Some(out.display().to_string());
    }
    let report = MergeReport::new(
        &answer,
        [a_path.display().to_string(), b_path.display().to_string()],
        written,
    );
    ctx.emit(format, &report)?;
    Ok(if report.is_resolved() {
        Outcome::Success
    } else {
        Outcome::Negative
    })
}

/// The first stack's `[stack] registry`, made relative to the folder of `out` when it is
/// a path (it is relative to the first stack's folder).
fn rebase(registry: Option<&str>, from: &Path, out: &Path) -> Option<String> {
    let r = registry?;
    if r.contains("://") || r.contains('@') && r.contains(':') {
        return Some(r.to_owned());
    }
    let dir = |p: &Path| {
        p.parent()
            .filter(|d| !d.as_os_str().is_empty())
            .unwrap_or(Path::new("."))
            .to_path_buf()
    };
    let target = dir(from).join(r).canonicalize().ok()?;
    let base = dir(out).canonicalize().ok()?;
    Some(
        super::new_stack::relative(&base, &target)
            .to_string_lossy()
            .into_owned(),
    )
}
