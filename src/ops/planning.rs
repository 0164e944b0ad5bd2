//! The planning commands: `renewals`, `used-by`, `compare`, `stack new` and `merge`. The
//! answers are worked out in `planning`; this reads the files, opens the registry and
//! writes the new stack files (never over an existing one).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::{Answer, Session, StackRef, folder_of};
use crate::error::Error;
use crate::model::{Component, Date, Id, Stack};
use crate::planning::merge::{Council, merge};
use crate::planning::used_by::{StackToSearch, parse_range, used_by};
use crate::planning::write::{StackText, to_toml};
use crate::report::compare::CompareReport;
use crate::report::merge::MergeReport;
use crate::report::new_stack::{NeedRow, NewStackReport};
use crate::report::renewals::RenewalsReport;
use crate::report::resolve::CurrentChange;
use crate::report::used_by::UsedByReport;
use crate::resolve::{Resolution, Resolver};

/// `renewals STACK [--within MONTHS]`.
pub fn renewals(
    session: &Session<'_>,
    path: &Path,
    within: u32,
) -> Result<Answer<RenewalsReport>, Error> {
    let open = session.open_stack(path)?;
    let options = open.options(session.settings.max_steps())?;
    let resolver = open.resolver();
    let plan = match open.plan(&resolver, &options)? {
        Answer::Yes(plan) => plan,
        Answer::No(why) => return Ok(Answer::No(why)),
    };
    let today = Date::today()?;
    let renewals = crate::planning::renewals::renewals(&resolver, &plan, &options, today, within)?;
    Ok(Answer::Yes(RenewalsReport {
        renewals,
        stack: open.stack().name.clone(),
        today,
        within,
    }))
}

/// `used-by ID[@RANGE] [STACK…]`: the stacks (the registry's reference stacks when none
/// are given) that plan or run the component; negative when none do.
pub fn used_by_report(
    session: &Session<'_>,
    component: &str,
    stack_files: &[PathBuf],
) -> Result<(UsedByReport, bool), Error> {
    let (id, range) = parse_range(component).map_err(Error::Usage)?;
    let first = stack_files
        .first()
        .map(|p| super::stack::read(p))
        .transpose()?;
    // With no stacks given, the registry's reference stacks are searched, each with its
    // lock file (`stacks/<id>.lock`) when it has one, as `resolve` would read it.
    let (loaded, lock_texts) = match &first {
        Some(s) => (session.load(Some(s.registry_ref()), true)?, BTreeMap::new()),
        None => session.load_with_reference_locks(true)?,
    };
    let registry = &loaded.registry;
    let component = crate::planning::component(registry, id)?;
    let mut files = Vec::new();
    for path in stack_files {
        let (file, options) = session.read_against(path, registry)?;
        files.push((file, options.locked));
    }
    let mut stacks: Vec<StackToSearch<'_>> = files
        .iter()
        .map(|(file, locked)| StackToSearch {
            file: file.path.display().to_string(),
            stack: &file.stack,
            lock: (!locked.is_empty()).then(|| locked.clone()),
        })
        .collect();
    if stack_files.is_empty() {
        for (sid, s) in &registry.stacks {
            let file = loaded.origins.stack(sid);
            let lock = lock_texts.get(sid).and_then(|text| {
                session.reference_lock_versions(text, &file, "searched without it")
            });
            stacks.push(StackToSearch {
                file,
                stack: s,
                lock,
            });
        }
    }
    let found = used_by(registry, &stacks, &component.id, &range, &session.options())?;
    let used = !found.uses.is_empty();
    Ok((
        UsedByReport {
            component: component.id.to_string(),
            range: range.to_string(),
            stacks: found.uses,
            unresolved: found.unresolved,
        },
        used,
    ))
}

/// `compare ID ID [ID…]`: components side by side.
pub fn compare(session: &Session<'_>, ids: &[String]) -> Result<CompareReport, Error> {
    let loaded = session.load(None, false)?;
    let registry = &loaded.registry;
    let mut components: Vec<&Component> = Vec::new();
    for id in ids {
        let c = crate::planning::component(registry, id)?;
        if components.iter().any(|x| x.id == c.id) {
            return Err(Error::Usage(format!("{} is named twice", c.id)));
        }
        components.push(c);
    }
    Ok(CompareReport(crate::planning::compare::compare(
        &components,
    )))
}

/// `stack new FILE --name NAME [--current ID@VERSION…]`: writes the stack file, then
/// resolves it; negative when it has no plan.
pub fn new_stack(
    session: &Session<'_>,
    file: &Path,
    name: &str,
    current_specs: &[String],
) -> Result<NewStackReport, Error> {
    refuse_existing(file)?;
    if name.trim().is_empty() {
        return Err(Error::Usage("--name must not be empty".into()));
    }
    let loaded = session.load(
        Some(StackRef {
            path: file,
            registry: None,
            rev: None,
            allowed_signers: None,
        }),
        true,
    )?;
    let registry = &loaded.registry;
    let mut current = Vec::new();
    for spec in current_specs {
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
    let new = crate::planning::new_stack::new_stack(registry, name, &current)?;
    let mut stack = new.stack;
    stack.registry = registry_line(session, file);
    let text = to_toml(&StackText {
        stack: &stack,
        header: vec![
            format!("{name}: written by `stackreg stack new` from what runs today."),
            "Each need is a capability a current component serves (so `alternatives` finds".into(),
            "what else could serve it), or the component itself where several current ones".into(),
            "share a capability. Uncomment the policy rules the council holds to.".into(),
        ],
        need_notes: new.notes,
        policy_commented: true,
    });
    write_new(file, &text, &stack)?;

    let resolution = Resolver::new(registry, &stack).resolve(&session.options())?;
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
        Resolution::Unsatisfiable(why) => (
            "unsatisfiable",
            Vec::new(),
            Vec::new(),
            Some(crate::report::explain::text(why)),
        ),
    };
    // Only changes to what runs today: components the plan adds are expected.
    let changes: Vec<CurrentChange> = changes.into_iter().filter(|c| c.from.is_some()).collect();
    Ok(NewStackReport {
        file: file.display().to_string(),
        stack: stack.name.clone(),
        needs: stack
            .needs
            .iter()
            .map(|(need_name, need)| NeedRow {
                name: need_name.to_string(),
                need: need.to_string(),
                note: text_note(&text, need_name),
            })
            .collect(),
        status,
        kept,
        changes,
        explanation,
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

/// What `merge` was asked.
pub struct MergeRequest<'a> {
    pub a: &'a Path,
    pub b: &'a Path,
    pub name: Option<String>,
    /// `--out FILE`: write the merged stack there.
    pub out: Option<&'a Path>,
}

/// `merge STACK STACK [--name NAME] [--out FILE]`.
pub fn merge_stacks(
    session: &Session<'_>,
    request: &MergeRequest<'_>,
) -> Result<MergeReport, Error> {
    let (a_path, b_path) = (request.a, request.b);
    if let Some(out) = request.out {
        refuse_existing(out)?;
    }
    let open = session.open_stack(a_path)?;
    let registry = open.registry();
    let a_locked = open.lock()?.map(|l| l.versions()).unwrap_or_default();
    let (b_file, b_options) = session.read_against(b_path, registry)?;
    let (a, b) = (open.stack(), &b_file.stack);
    // Both stacks are resolved against one registry, the first's; a second stack that
    // names another one is told, not silently read against the wrong catalogue.
    let explicit = session.settings.registry.is_some() || session.settings.registry_env.is_some();
    if !explicit
        && let Some(named) = b.registry.as_deref()
        && place(Some(named), b_path) != place(a.registry.as_deref(), a_path)
    {
        session.warn(&format!(
            "{} names the registry {named}, but both stacks are resolved against the first's ({})",
            b_path.display(),
            registry.source.source
        ));
    }
    let name = request
        .name
        .clone()
        .unwrap_or_else(|| format!("{} and {}", a.name, b.name));
    if name.trim().is_empty() {
        return Err(Error::Usage("--name must not be empty".into()));
    }
    let options = open.options(session.settings.max_steps())?;
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
    if let Some(out) = request.out {
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
        write_new(out, &text, stack)?;
        session.note(&format!("wrote {}", out.display()));
        written = Some(out.display().to_string());
    }
    Ok(MergeReport::new(
        &answer,
        [a_path.display().to_string(), b_path.display().to_string()],
        written,
    ))
}

/// The first stack's `[stack] registry`, made relative to the folder of `out` when it is
/// a path (it is relative to the first stack's folder).
/// Where a stack file's `[stack] registry` points: a URL as written, a path made absolute
/// from the stack file's folder.
fn place(registry: Option<&str>, from: &Path) -> Option<String> {
    let r = registry?;
    if is_url(r) {
        return Some(r.to_owned());
    }
    let joined = folder_of(from).join(r);
    Some(
        joined
            .canonicalize()
            .unwrap_or(joined)
            .to_string_lossy()
            .into_owned(),
    )
}

fn is_url(r: &str) -> bool {
    r.contains("://") || r.contains('@') && r.contains(':')
}

fn rebase(registry: Option<&str>, from: &Path, out: &Path) -> Option<String> {
    let r = registry?;
    if is_url(r) {
        return Some(r.to_owned());
    }
    let target = folder_of(from).join(r).canonicalize().ok()?;
    let base = folder_of(out).canonicalize().ok()?;
    Some(relative(&base, &target).to_string_lossy().into_owned())
}

/// Refuses to go on when `path` exists: these commands never overwrite a file.
fn refuse_existing(path: &Path) -> Result<(), Error> {
    if path.exists() || path.symlink_metadata().is_ok() {
        return Err(Error::Usage(format!(
            "{} already exists; choose another file name (nothing is ever overwritten)",
            path.display()
        )));
    }
    Ok(())
}

/// Checks `text` reads back as `stack`, then creates `path` with it atomically.
fn write_new(path: &Path, text: &str, stack: &Stack) -> Result<(), Error> {
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
fn registry_line(session: &Session<'_>, file: &Path) -> Option<String> {
    let settings = &session.settings;
    let given = settings
        .registry
        .clone()
        .or_else(|| settings.registry_env.clone())
        .filter(|s| !s.is_empty())?;
    if is_url(&given) {
        return Some(given);
    }
    let target = settings.cwd.join(&given).canonicalize().ok()?;
    let base = settings.cwd.join(folder_of(file)).canonicalize().ok()?;
    Some(relative(&base, &target).to_string_lossy().into_owned())
}

/// `target` as a path relative to the folder `base` (both absolute).
fn relative(base: &Path, target: &Path) -> PathBuf {
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
