//! Reading a stack file named on the command line, opening the registry it resolves
//! against, and the lock file next to it.

use std::path::{Path, PathBuf};

use super::{Answer, Session, StackRef};
use crate::catalog::validate as cross;
use crate::diagnostic::{self, Diagnostic};
use crate::error::Error;
use crate::model::Stack;
use crate::model::validate::{self as check, MAX_FILE_SIZE};
use crate::model::{Loaded, Registry};
use crate::resolve::lock::{self, LockFile};
use crate::resolve::{Options, Plan, Resolution, Resolver};
use crate::source::files;

/// A stack file as read from disk, checked.
pub struct StackFile {
    pub path: PathBuf,
    pub bytes: Vec<u8>,
    pub text: String,
    pub stack: Stack,
}

/// A stack file opened with its registry, both checked.
pub struct OpenStack {
    pub file: StackFile,
    pub loaded: Loaded,
}

fn read_error(path: &Path, source: std::io::Error) -> Error {
    Error::Read {
        path: path.to_path_buf(),
        source,
    }
}

/// Reads and checks a stack file; any error in it stops the command.
pub fn read(path: &Path) -> Result<StackFile, Error> {
    let shown = path.display().to_string();
    // The registry walk's rules: no links on the way, a regular file, the size cap.
    let bytes = match files::read_named(path, MAX_FILE_SIZE) {
        Ok(bytes) => bytes,
        Err(files::ReadError::TooLarge { size, .. }) => {
            return Err(Error::File(Box::new(check::too_large(&shown, size))));
        }
        Err(e) => return Err(e.into()),
    };
    let text = check::decode(&shown, &bytes)
        .map_err(Error::File)?
        .to_owned();
    let parsed = check::stack(&shown, None, &text);
    first_error(parsed.diagnostics, &shown, &text)?;
    let stack = parsed
        .value
        .ok_or_else(|| Error::Usage(format!("{shown} is not a stack file")))?;
    Ok(StackFile {
        path: path.to_path_buf(),
        bytes,
        text,
        stack,
    })
}

/// Turns the first error among `diagnostics` into a command error, located in `text`.
fn first_error(mut diagnostics: Vec<Diagnostic>, file: &str, text: &str) -> Result<(), Error> {
    if !diagnostics.iter().any(Diagnostic::is_error) {
        return Ok(());
    }
    crate::catalog::locate_in(&mut diagnostics, file, text);
    diagnostic::sort(&mut diagnostics);
    let count = diagnostics.iter().filter(|d| d.is_error()).count();
    let mut first = diagnostics
        .into_iter()
        .find(Diagnostic::is_error)
        .ok_or_else(|| Error::Usage(format!("{file} is invalid")))?;
    if count > 1 {
        first.message = format!("{} (and {} more problems)", first.message, count - 1);
    }
    Err(Error::File(Box::new(first)))
}

impl StackFile {
    /// Where the stack says its registry is, and how to trust it.
    pub fn registry_ref(&self) -> StackRef<'_> {
        StackRef {
            path: &self.path,
            registry: self.stack.registry.as_deref(),
            rev: self.stack.rev.as_deref(),
            allowed_signers: self.stack.allowed_signers.as_deref(),
        }
    }

    /// Checks that every id the stack names exists in `registry`: errors stop the
    /// command, warnings go to `session`.
    fn check_against(&self, session: &Session<'_>, registry: &Registry) -> Result<(), Error> {
        let shown = self.path.display().to_string();
        let mut found = Vec::new();
        cross::check_stack(registry, &self.stack, &shown, &mut found);
        for w in found.iter().filter(|d| !d.is_error()) {
            session.warn(&w.message);
        }
        first_error(found, &shown, &self.text)
    }
}

impl Session<'_> {
    /// Reads the stack, opens its registry (strictly: an invalid registry stops the
    /// command) and checks that every id the stack names exists.
    pub fn open_stack(&self, path: &Path) -> Result<OpenStack, Error> {
        let file = read(path)?;
        let loaded = self.load(Some(file.registry_ref()), true)?;
        file.check_against(self, &loaded.registry)?;
        Ok(OpenStack { file, loaded })
    }

    /// Reads a stack file and checks it against a registry that is already loaded (for
    /// commands that show many stacks against one registry), with its lock file's
    /// versions.
    pub fn read_against(
        &self,
        path: &Path,
        registry: &Registry,
    ) -> Result<(StackFile, Options), Error> {
        let file = read(path)?;
        file.check_against(self, registry)?;
        let locked = lock_for(&file.path)?
            .map(|l| l.versions())
            .unwrap_or_default();
        let options = Options {
            locked,
            ..Options::default()
        };
        Ok((file, options))
    }
}

/// The lock file next to the stack at `stack_path`, if there is one.
fn lock_for(stack_path: &Path) -> Result<Option<LockFile>, Error> {
    let path = lock::path_for(stack_path);
    // Read as a manifest is: never through a link, never a pipe or a device, never past
    // its cap (a lock names each component of a plan once, so it stays far below it).
    let bytes = match files::read_named(&path, lock::MAX_LOCK_SIZE) {
        Ok(bytes) => bytes,
        Err(files::ReadError::Missing { .. }) => return Ok(None),
        Err(e) => return Err(e.into()),
    };
    let text = String::from_utf8(bytes).map_err(|e| {
        read_error(
            &path,
            std::io::Error::new(std::io::ErrorKind::InvalidData, e.utf8_error()),
        )
    })?;
    LockFile::parse(&text).map(Some).map_err(|e| {
        let shown = path.display().to_string();
        let mut d = Diagnostic::error(
            &shown,
            crate::diagnostic::Code::ParseError,
            format!("lock file is not readable: {}", e.message),
        )
        .with_hint("delete it and run `stackreg resolve --lock` again");
        if let Some(span) = e.span {
            d = d.at_span(span);
        }
        crate::catalog::locate_in(std::slice::from_mut(&mut d), &shown, &text);
        Error::File(Box::new(d))
    })
}

impl OpenStack {
    pub fn registry(&self) -> &Registry {
        &self.loaded.registry
    }

    pub fn stack(&self) -> &Stack {
        &self.file.stack
    }

    /// The lock file next to the stack, if there is one.
    pub fn lock(&self) -> Result<Option<LockFile>, Error> {
        lock_for(&self.file.path)
    }

    /// The resolver for this stack.
    pub fn resolver(&self) -> Resolver<'_> {
        Resolver::new(&self.loaded.registry, &self.file.stack)
    }

    /// The plan, or the negative answer saying that the stack has none.
    pub fn plan(&self, resolver: &Resolver<'_>, options: &Options) -> Result<Answer<Plan>, Error> {
        match resolver.resolve(options)? {
            Resolution::Resolved(plan) => Ok(Answer::Yes(plan)),
            Resolution::Unsatisfiable(_) => {
                let path = self.file.path.display();
                Ok(Answer::No(format!(
                    "{path} has no plan; run `stackreg resolve {path}` to see why"
                )))
            }
        }
    }

    /// Why `id` has no place in an answer about the plan.
    pub fn not_in_plan(&self, id: &str) -> String {
        if self.loaded.registry.components.contains_key(id) {
            format!("{id} is not in the plan for {}", self.file.stack.name)
        } else {
            format!(
                "there is no component `{}` in the registry",
                crate::text::escape(id)
            )
        }
    }

    /// Resolution options from the lock file and the command's step bound.
    pub fn options(&self, max_steps: u64) -> Result<Options, Error> {
        let lock = self.lock()?;
        let lock_fits_stack = lock
            .as_ref()
            .is_some_and(|l| l.stack_hash == crate::resolve::lock::stack_hash(&self.file.bytes));
        let locked = lock.map(|l| l.versions()).unwrap_or_default();
        Ok(Options {
            locked,
            lock_fits_stack,
            max_steps,
            ..Options::default()
        })
    }
}
