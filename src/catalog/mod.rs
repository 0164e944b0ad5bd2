//! Loading a registry: reading every file of a `Source`, checking each one, cross-checking
//! the whole, and returning the checked snapshot (`model::Registry`) with every finding.
//! The index cache (`cache`) keeps loads of unchanged registries.
//!
//! Loading never stops at a bad manifest: each file is checked on its own, then the whole
//! registry is cross-checked, and every finding is returned next to whatever could be
//! loaded. Commands decide whether findings are fatal (`resolve` refuses an invalid
//! registry; `list` shows what it can and warns).

pub mod cache;
pub mod validate;

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use crate::diagnostic::{self, Code, Diagnostic};
use crate::model::validate::{self as check, MAX_FILE_SIZE, Parsed};
use crate::model::{
    Component, Excerpt, Focus, Id, Interface, Listing, Loaded, Origins, Registry, RegistryMeta,
    SourceInfo, Stack,
};
use crate::source::CacheKey;
use crate::source::{Entry, EntryKind, Source, SourceError};
use crate::text;
use cache::IndexCache;

/// The registry's folders, in the order they are read.
pub const FOLDERS: [&str; 3] = ["interfaces", "components", "stacks"];

/// Why a registry could not be read at all.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("{registry} is not a registry: it has no registry.toml")]
    NotARegistry { registry: String },
    #[error(transparent)]
    Source(#[from] SourceError),
}

/// One file read from the source, kept until its findings are located.
struct FileText {
    path: String,
    text: String,
}

/// Reads, checks and cross-checks the whole registry.
pub fn load(source: &dyn Source) -> Result<Loaded, LoadError> {
    load_with(source, |_, _, _| Vec::new())
}

/// Like `load`, with `extra` checks run on the loaded registry before findings are located
/// (so that their key paths become lines and columns too).
pub fn load_with(
    source: &dyn Source,
    extra: impl FnOnce(&Registry, &Origins, &[Diagnostic]) -> Vec<Diagnostic>,
) -> Result<Loaded, LoadError> {
    load_cached(source, None, extra)
}

/// Like `load_with`, answering from `cache` when it holds this registry's files as they
/// are, and storing the load there otherwise (while `extra` runs). `extra` checks always
/// run afresh.
pub fn load_cached(
    source: &dyn Source,
    cache: Option<&IndexCache>,
    extra: impl FnOnce(&Registry, &Origins, &[Diagnostic]) -> Vec<Diagnostic>,
) -> Result<Loaded, LoadError> {
    let key = cache.and_then(|_| source.cache_key());
    let hit = cache
        .zip(key.as_ref())
        .and_then(|(cache, key)| cache.read(key, source.info()));
    let (mut loaded, texts, mut more) = match hit {
        Some(hit) => {
            let more = extra(&hit.registry, &hit.origins, &hit.diagnostics);
            (hit, Vec::new(), more)
        }
        None => {
            let (loaded, texts, ()) = read_and_check(source, |_| ())?;
            // Both only read the load: store it while the extra checks run.
            let more = std::thread::scope(|scope| {
                if let Some((cache, key)) = cache.zip(key.as_ref()) {
                    scope.spawn(|| cache.write(key, &loaded));
                }
                extra(&loaded.registry, &loaded.origins, &loaded.diagnostics)
            });
            (loaded, texts, more)
        }
    };
    if !more.is_empty() {
        let files: BTreeSet<&str> = more.iter().map(|d| d.file.as_str()).collect();
        let mut found = Vec::new();
        for file in files {
            let read = texts.iter().find(|t| t.path == file).map(|t| &t.text);
            let text = match read.or_else(|| loaded.sources.get(file)) {
                Some(t) => Some(t.clone()),
                None => source
                    .read(file, MAX_FILE_SIZE)
                    .ok()
                    .and_then(|b| String::from_utf8(b).ok()),
            };
            if let Some(text) = text {
                found.push(FileText {
                    path: file.to_owned(),
                    text,
                });
            }
        }
        locate(&mut more, &found);
        for t in found {
            loaded.sources.entry(t.path).or_insert(t.text);
        }
        loaded.diagnostics.extend(more);
        diagnostic::sort(&mut loaded.diagnostics);
    }
    Ok(loaded)
}

/// Every component of the registry, for a listing, from `cache` when it can; with what is
/// left to do when it was read from the files instead (see `Fresh`).
pub fn load_listing(
    source: &dyn Source,
    cache: Option<&IndexCache>,
) -> Result<(Loaded<Listing>, Option<Fresh>), LoadError> {
    load_view(source, cache, IndexCache::read_listing, Listing::of)
}

/// The part of the registry about `focus`, from `cache` when it can (decoding only that
/// part); with what is left to do when it was read from the files instead (see `Fresh`).
pub fn load_excerpt(
    source: &dyn Source,
    cache: Option<&IndexCache>,
    focus: &Focus,
) -> Result<(Loaded<Excerpt>, Option<Fresh>), LoadError> {
    let read = |c: &IndexCache, key: &CacheKey, info: &SourceInfo| c.read_excerpt(key, info, focus);
    load_view(source, cache, read, |r| Excerpt::of(r, focus.clone()))
}

/// A whole registry just read from its files, to answer a command about part of it: it
/// is still to be stored in the index cache (when there is one), and then freed. Both
/// can wait until the answer is made, and need not hold it up (`Fresh::store`).
pub struct Fresh {
    store: Option<(IndexCache, CacheKey)>,
    loaded: Loaded,
}

impl Fresh {
    /// Stores the load in the index cache, when there is one.
    pub fn store(&self) {
        if let Some((cache, key)) = &self.store {
            cache.write(key, &self.loaded);
        }
    }
}

/// The view `read` finds in `cache` for this source's files as they are, or else `view`
/// of the files read and checked, with the whole load (to store and free, as `Fresh`).
fn load_view<R>(
    source: &dyn Source,
    cache: Option<&IndexCache>,
    read: impl FnOnce(&IndexCache, &CacheKey, &SourceInfo) -> Option<Loaded<R>>,
    view: impl FnOnce(&Registry) -> R + Send,
) -> Result<(Loaded<R>, Option<Fresh>), LoadError>
where
    R: Send,
{
    let key = cache.and_then(|_| source.cache_key());
    if let Some((cache, key)) = cache.zip(key.as_ref())
        && let Some(hit) = read(cache, key, source.info())
    {
        return Ok((hit, None));
    }
    let (loaded, _texts, view) = read_and_check(source, view)?;
    let answer = loaded.with(view);
    let fresh = Fresh {
        store: cache.cloned().zip(key),
        loaded,
    };
    Ok((answer, Some(fresh)))
}

/// A registry file to check, or the findings of an entry that could not be read.
enum Job {
    File {
        folder: &'static str,
        path: String,
        stem: String,
        text: String,
    },
    Findings(Vec<Diagnostic>),
}

/// The findings of one job, and what checking its file gave.
type CheckedJob = (Vec<Diagnostic>, Checked);

/// What checking one file gave.
enum Checked {
    Interface(check::Parsed<Interface>),
    Component(check::Parsed<Component>),
    Stack(check::Parsed<Stack>, Option<Id>),
    Findings(Vec<Diagnostic>),
}

/// Checks one file on its own (run in parallel: no shared state), then lets go of its
/// text when the file has no findings of its own: most files, in a large registry. The
/// few that cross-checks find fault with are read again to locate those findings.
fn check_and_release(job: &mut Job) -> CheckedJob {
    let result = check_job(job);
    let (found, checked) = &result;
    let clean = found.is_empty()
        && match checked {
            Checked::Interface(p) => p.diagnostics.is_empty(),
            Checked::Component(p) => p.diagnostics.is_empty(),
            Checked::Stack(p, _) => p.diagnostics.is_empty(),
            Checked::Findings(f) => f.is_empty(),
        };
    if clean && let Job::File { text, .. } = job {
        *text = String::new();
    }
    result
}

fn check_job(job: &Job) -> CheckedJob {
    let Job::File {
        folder,
        path,
        stem,
        text,
    } = job
    else {
        return (Vec::new(), Checked::Findings(Vec::new()));
    };
    let mut found = Vec::new();
    let expected = match Id::check(stem) {
        Ok(()) => Some(stem.as_str()),
        Err(e) if *folder != "stacks" => {
            found.push(
                Diagnostic::error(
                    path,
                    Code::InvalidId,
                    format!(
                        "file name `{}` is not a valid id: it {e}",
                        text::escape(stem)
                    ),
                )
                .with_hint("name the file `<id>.toml`, where the id is kebab-case"),
            );
            None
        }
        Err(_) => Some(stem.as_str()),
    };
    // A file whose name is not an id (`Widget.toml`, a look-alike) is checked but not
    // loaded, so it cannot stand in for the real one.
    let checked = match *folder {
        "interfaces" => {
            let mut parsed = check::interface(path, expected, text);
            if expected.is_none() {
                parsed.value = None;
            }
            Checked::Interface(parsed)
        }
        "components" => {
            let mut parsed = check::component(path, expected, text);
            if expected.is_none() {
                parsed.value = None;
            }
            Checked::Component(parsed)
        }
        _ => Checked::Stack(check::stack(path, Some(stem), text), Id::parse(stem).ok()),
    };
    (found, checked)
}

/// Reads and checks every file, then cross-checks the registry while `view` is made of it:
/// the load without `extra` checks, the text of every file with findings, and the view.
fn read_and_check<R: Send>(
    source: &dyn Source,
    view: impl FnOnce(&Registry) -> R + Send,
) -> Result<(Loaded, Vec<FileText>, R), LoadError> {
    let mut diagnostics = Vec::new();
    let root = source.list("")?;
    let Some(meta_entry) = root.iter().find(|e| e.name == "registry.toml") else {
        return Err(LoadError::NotARegistry {
            registry: source.info().source.clone(),
        });
    };

    let mut texts: Vec<FileText> = Vec::new();
    let mut checked = 0;
    let mut meta = RegistryMeta {
        name: String::new(),
        description: String::new(),
    };
    if let Some(text) = read_entry(source, "", meta_entry, &mut diagnostics)? {
        checked += 1;
        let parsed = check::registry_file("registry.toml", &text);
        diagnostics.extend(parsed.diagnostics);
        if let Some(m) = parsed.value {
            meta = m;
        }
        texts.push(FileText {
            path: "registry.toml".into(),
            text,
        });
    }

    let mut registry = Registry {
        source: source.info().clone(),
        meta,
        interfaces: BTreeMap::new(),
        components: BTreeMap::new(),
        stacks: BTreeMap::new(),
    };
    let mut origins = Origins::default();

    // Reading goes in order on this thread (sources need not be shareable across
    // threads); checking each file on its own is most of the work, and runs in parallel,
    // starting while the rest are still being read; the results are then added in the
    // order the files were read, so duplicate ids are found the same way.
    let mut listed: Vec<(&'static str, Vec<Entry>)> = Vec::new();
    let mut jobs_before: Vec<Job> = Vec::new();
    for folder in FOLDERS {
        let Some(entry) = root.iter().find(|e| e.name == folder) else {
            continue;
        };
        if entry.kind != EntryKind::Dir {
            jobs_before.push(Job::Findings(vec![not_a_file(
                folder, entry.kind, "a folder",
            )]));
            continue;
        }
        listed.push((folder, source.list(folder)?));
    }
    let files: usize = listed.iter().map(|(_, entries)| entries.len()).sum();
    let read = |emit: &mut dyn FnMut(Job)| -> Result<(), LoadError> {
        for job in jobs_before {
            emit(job);
        }
        for (folder, entries) in &listed {
            let folder = *folder;
            for entry in entries {
                let path = format!("{folder}/{}", entry.name);
                // A reference stack's lock file sits next to it (`validate` checks it).
                if folder == "stacks"
                    && entry.kind == EntryKind::File
                    && let Some(stem) = entry.name.strip_suffix(".lock")
                {
                    let stack = format!("{stem}.toml");
                    if !entries
                        .iter()
                        .any(|e| e.name == stack && e.kind == EntryKind::File)
                    {
                        emit(Job::Findings(vec![
                            Diagnostic::error(
                                &path,
                                Code::UnexpectedFile,
                                format!("a lock file with no stack file next to it (expected {folder}/{stack})"),
                            )
                            .with_hint("delete it, or put the stack it was written from next to it"),
                        ]));
                    }
                    continue;
                }
                let Some(stem) = entry
                    .name
                    .strip_suffix(".toml")
                    .filter(|_| entry.kind == EntryKind::File)
                else {
                    emit(Job::Findings(vec![not_a_file(
                        &path,
                        entry.kind,
                        "a `.toml` file",
                    )]));
                    continue;
                };
                let mut found = Vec::new();
                let Some(text) = read_entry(source, folder, entry, &mut found)? else {
                    emit(Job::Findings(found));
                    continue;
                };
                emit(Job::File {
                    folder,
                    stem: stem.to_owned(),
                    path,
                    text,
                });
            }
        }
        Ok(())
    };
    let checked_jobs = if files >= PARALLEL_FROM {
        check_while_reading(read)?
    } else {
        let mut jobs = Vec::new();
        read(&mut |job| jobs.push(job))?;
        jobs.into_iter()
            .map(|mut job| {
                let result = check_and_release(&mut job);
                (job, result)
            })
            .collect()
    };
    checked += checked_jobs
        .iter()
        .filter(|(job, _)| matches!(job, Job::File { .. }))
        .count();
    for (job, (found, result)) in checked_jobs {
        diagnostics.extend(found);
        let path = match job {
            Job::File { path, text, .. } => {
                if !text.is_empty() {
                    texts.push(FileText {
                        path: path.clone(),
                        text,
                    });
                }
                path
            }
            Job::Findings(found) => {
                diagnostics.extend(found);
                continue;
            }
        };
        match result {
            Checked::Interface(parsed) => add(
                &mut registry.interfaces,
                &mut origins.interfaces,
                &path,
                parsed,
                &mut diagnostics,
                |i| &i.id,
            ),
            Checked::Component(parsed) => add(
                &mut registry.components,
                &mut origins.components,
                &path,
                parsed,
                &mut diagnostics,
                |c| &c.id,
            ),
            Checked::Stack(parsed, id) => {
                diagnostics.extend(parsed.diagnostics);
                if let (Some(stack), Some(id)) = (parsed.value, id) {
                    origins.stacks.insert(id.clone(), path);
                    registry.stacks.insert(id, stack);
                }
            }
            Checked::Findings(found) => diagnostics.extend(found),
        }
    }

    shared_ids(&registry, &origins, &mut diagnostics);
    let ((), view) = rayon::join(
        || validate::cross_check(&registry, &origins, &mut diagnostics),
        || view(&registry),
    );
    // Files let go of after checking, that cross-checks found fault with.
    let held: HashSet<&str> = texts.iter().map(|t| t.path.as_str()).collect();
    let again: BTreeSet<String> = diagnostics
        .iter()
        .map(|d| d.file.as_str())
        .filter(|f| !held.contains(f))
        .map(str::to_owned)
        .collect();
    for path in again {
        if let Ok(Ok(text)) = source.read(&path, MAX_FILE_SIZE).map(String::from_utf8) {
            texts.push(FileText { path, text });
        }
    }
    locate(&mut diagnostics, &texts);
    let with_findings: BTreeSet<&str> = diagnostics.iter().map(|d| d.file.as_str()).collect();
    let sources = texts
        .iter()
        .filter(|t| with_findings.contains(t.path.as_str()))
        .map(|t| (t.path.clone(), t.text.clone()))
        .collect();
    Ok((
        Loaded {
            registry,
            diagnostics,
            checked,
            origins,
            sources,
            from_cache: false,
        },
        texts,
        view,
    ))
}

/// Below this many files, checking them one after the other is as fast.
const PARALLEL_FROM: usize = 64;

/// Runs `read`, which hands over each job as it reads it, and checks the jobs on the
/// thread pool as they come, so that checking overlaps reading; the jobs come back with
/// their results in the order they were read.
fn check_while_reading(
    read: impl FnOnce(&mut dyn FnMut(Job)) -> Result<(), LoadError>,
) -> Result<Vec<(Job, CheckedJob)>, LoadError> {
    use rayon::iter::{ParallelBridge as _, ParallelIterator as _};
    let (send, receive) = std::sync::mpsc::channel::<(usize, Job)>();
    std::thread::scope(|scope| {
        let checker = scope.spawn(move || {
            let mut done: Vec<(usize, Job, CheckedJob)> = receive
                .into_iter()
                .par_bridge()
                .map(|(at, mut job)| {
                    let result = check_and_release(&mut job);
                    (at, job, result)
                })
                .collect();
            done.sort_unstable_by_key(|(at, _, _)| *at);
            done.into_iter()
                .map(|(_, job, result)| (job, result))
                .collect::<Vec<_>>()
        });
        let mut at = 0;
        let outcome = read(&mut |job| {
            // The checker receives until the sender is dropped below, so this cannot fail.
            let _ = send.send((at, job));
            at += 1;
        });
        // Dropping the sender ends the checker's work, on success or on an error.
        drop(send);
        let done = match checker.join() {
            Ok(done) => done,
            // As a panic in `par_iter` would: checks do not panic on any input.
            Err(panic) => std::panic::resume_unwind(panic),
        };
        outcome.map(|()| done)
    })
}

fn add<T>(
    map: &mut BTreeMap<Id, T>,
    origins: &mut HashMap<Id, String>,
    path: &str,
    parsed: Parsed<T>,
    diagnostics: &mut Vec<Diagnostic>,
    id: impl Fn(&T) -> &Id,
) {
    diagnostics.extend(parsed.diagnostics);
    let Some(value) = parsed.value else {
        return;
    };
    let id = id(&value).clone();
    if let Some(first) = origins.get(&id) {
        diagnostics.push(
            Diagnostic::error(
                path,
                Code::DuplicateId,
                format!("id `{id}` is already used by {first}"),
            )
            .at_value(crate::path!["id"]),
        );
        return;
    }
    origins.insert(id.clone(), path.to_owned());
    map.insert(id, value);
}

/// Ids are unique across interfaces and components too, so `show ID` is never ambiguous.
fn shared_ids(registry: &Registry, origins: &Origins, diagnostics: &mut Vec<Diagnostic>) {
    for id in registry.components.keys() {
        if registry.interfaces.contains_key(id) {
            diagnostics.push(
                Diagnostic::error(
                    origins.component(id),
                    Code::DuplicateId,
                    format!(
                        "id `{id}` is also the id of an interface ({})",
                        origins.interface(id)
                    ),
                )
                .at_value(crate::path!["id"])
                .with_hint("ids are unique across the registry; give the component another id"),
            );
        }
    }
}

fn not_a_file(path: &str, kind: EntryKind, expected: &str) -> Diagnostic {
    match kind {
        EntryKind::Symlink => Diagnostic::error(
            path,
            Code::Symlink,
            format!("symbolic links are not allowed in a registry (expected {expected})"),
        ),
        EntryKind::Submodule => Diagnostic::error(
            path,
            Code::Submodule,
            format!("git submodules are not allowed in a registry (expected {expected})"),
        ),
        _ => Diagnostic::error(
            path,
            Code::UnexpectedFile,
            format!("unexpected {} here (expected {expected})", describe(kind)),
        )
        .with_hint("registry folders hold only `<id>.toml` files"),
    }
}

fn describe(kind: EntryKind) -> &'static str {
    match kind {
        EntryKind::File => "file",
        EntryKind::Dir => "folder",
        EntryKind::Symlink => "symbolic link",
        EntryKind::Submodule => "submodule",
        EntryKind::Other => "special file",
    }
}

/// Reads one file's text, turning size, encoding and kind problems into findings. A file
/// that cannot be read at all (a damaged git object, a permission error) stops the load:
/// the registry's answers would be incomplete.
fn read_entry(
    source: &dyn Source,
    dir: &str,
    entry: &Entry,
    diagnostics: &mut Vec<Diagnostic>,
) -> Result<Option<String>, SourceError> {
    let path = if dir.is_empty() {
        entry.name.clone()
    } else {
        format!("{dir}/{}", entry.name)
    };
    if entry.kind != EntryKind::File {
        diagnostics.push(not_a_file(&path, entry.kind, "a file"));
        return Ok(None);
    }
    if entry.size > MAX_FILE_SIZE {
        diagnostics.push(check::too_large(&path, entry.size));
        return Ok(None);
    }
    let bytes = match source.read(&path, MAX_FILE_SIZE) {
        Ok(b) => b,
        Err(SourceError::TooLarge { size, .. }) => {
            diagnostics.push(check::too_large(&path, size));
            return Ok(None);
        }
        Err(e @ SourceError::Missing { .. }) => {
            diagnostics.push(Diagnostic::error(
                &path,
                Code::ParseError,
                format!("could not read the file: {}", crate::causes::chain(&e)),
            ));
            return Ok(None);
        }
        Err(e) => return Err(e),
    };
    match check::decode_owned(&path, bytes) {
        Ok(text) => Ok(Some(text)),
        Err(d) => {
            diagnostics.push(*d);
            Ok(None)
        }
    }
}

fn locate(diagnostics: &mut [Diagnostic], texts: &[FileText]) {
    let mut by_file: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, d) in diagnostics.iter().enumerate() {
        if d.line.is_none() {
            by_file.entry(d.file.as_str()).or_default().push(i);
        }
    }
    let by_file: Vec<(String, Vec<usize>)> = by_file
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect();
    let texts: HashMap<&str, &FileText> = texts.iter().map(|t| (t.path.as_str(), t)).collect();
    for (file, indexes) in by_file {
        if let Some(t) = texts.get(file.as_str()) {
            let doc = toml::de::DeTable::parse(&t.text).ok();
            for i in indexes {
                diagnostics[i].locate(&t.text, doc.as_ref());
            }
        }
    }
    diagnostic::sort(diagnostics);
}

/// Locates findings against in-memory text (for files checked outside a registry).
pub fn locate_in(diagnostics: &mut [Diagnostic], path: &str, text: &str) {
    locate(
        diagnostics,
        &[FileText {
            path: path.to_owned(),
            text: text.to_owned(),
        }],
    );
}
