//! `registry init`: a new git repository laid out as a registry, with a README for its
//! contributors and a GitHub Actions workflow that checks every pull request.

use std::path::{Path, PathBuf};

use git2::{Repository, RepositoryInitOptions};

use super::publish::Identity;
use crate::catalog::FOLDERS;
use crate::source::git::GitCause;

/// Why a registry could not be created.
#[derive(Debug, thiserror::Error)]
pub enum InitError {
    #[error("{} already exists and is not empty", path.display())]
    NotEmpty { path: PathBuf },
    #[error("`{name}` is not a valid git branch name")]
    BadBranch { name: String },
    #[error("could not write {}", path.display())]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("git failed while {doing}")]
    Git {
        doing: &'static str,
        #[source]
        source: GitCause,
    },
}

/// What to put in `registry.toml`.
#[derive(Debug, Clone)]
pub struct InitOptions {
    pub name: String,
    pub description: String,
    /// The branch the repository starts on.
    pub branch: String,
}

/// What `init` made.
#[derive(Debug, Clone)]
pub struct Initialised {
    pub path: PathBuf,
    /// The committed files, repository-relative.
    pub files: Vec<String>,
    pub commit: String,
    pub branch: String,
}

/// The example workflow, written to `.github/workflows/registry.yml`.
pub const WORKFLOW: &str = r#"# Checks every pull request to this registry and describes what it changes, and publishes
# the catalogue as a website on every push to the main branch.
#
# - `stackreg validate --base` fails the check when a manifest is invalid or a published
#   release was changed, and annotates the offending lines in the pull request;
# - `stackreg registry diff` posts the semantic change (releases added, yanked, breaking
#   interface changes) as a comment;
# - `stackreg site` writes the catalogue and a page per reference stack as a static site,
#   published with GitHub Pages (Settings > Pages > Source: GitHub Actions).
name: registry

on:
  pull_request:
  push:
    branches: [__BRANCH__]

permissions:
  contents: read
  pull-requests: write

jobs:
  check:
    if: github.event_name == 'pull_request'
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
        with:
          fetch-depth: 0   # the base branch is needed for --base and diff

      # Install stackreg the way your organisation distributes it; building it from its
      # repository with cargo is one way (set the STACKREG_GIT variable to its URL).
      - name: Install stackreg
        run: cargo install --locked --git "${{ vars.STACKREG_GIT }}" stackreg

      - name: Validate
        run: stackreg --registry . validate --base "origin/${{ github.base_ref }}" --format github

      - name: Describe the change
        if: always()
        run: stackreg --registry . registry diff "origin/${{ github.base_ref }}" HEAD --format markdown > registry-diff.md

      - name: Comment on the pull request
        if: always() && github.event.pull_request.head.repo.full_name == github.repository
        env:
          GH_TOKEN: ${{ github.token }}
        run: gh pr comment "${{ github.event.pull_request.number }}" --body-file registry-diff.md --edit-last || gh pr comment "${{ github.event.pull_request.number }}" --body-file registry-diff.md

  site:
    if: github.event_name == 'push'
    runs-on: ubuntu-latest
    permissions:
      contents: read
      pages: write
      id-token: write
    concurrency:
      group: pages
      cancel-in-progress: false
    environment:
      name: github-pages
      url: ${{ steps.deployment.outputs.page_url }}
    steps:
      - uses: actions/checkout@v4

      - name: Install stackreg
        run: cargo install --locked --git "${{ vars.STACKREG_GIT }}" stackreg

      # The same registry gives the same bytes, so a push that changes nothing in the
      # catalogue publishes an identical site.
      - name: Build the site
        run: stackreg --registry . site --out _site

      - uses: actions/configure-pages@v5

      - uses: actions/upload-pages-artifact@v3
        with:
          path: _site

      - name: Publish to GitHub Pages
        id: deployment
        uses: actions/deploy-pages@v4
"#;

/// The workflow for a registry whose main branch is `branch`.
pub fn workflow(branch: &str) -> String {
    // A JSON string is a valid YAML flow scalar, whatever the branch is called.
    let quoted = serde_json::Value::String(branch.to_owned()).to_string();
    WORKFLOW.replace("__BRANCH__", &quoted)
}

fn readme(name: &str) -> String {
    format!(
        r#"# {name}

A registry of technology components, the open standards that join them, and reference
stacks, kept as TOML manifests and read with `stackreg`.

| folder | holds |
| --- | --- |
| `registry.toml` | the registry's name and format |
| `interfaces/<id>.toml` | one versioned open contract (an API or data standard) each |
| `components/<id>.toml` | one product or service each, with all its releases |
| `stacks/<id>.toml` | reference stacks councils can copy |

## Changing the registry

Every change is a pull request. Publish a new or updated manifest with

```sh
stackreg registry publish path/to/component.toml   # one commit per change
stackreg registry yank some-id@1.2.0 --reason "why"
```

then push the branch and open a pull request. Published releases are never edited or
removed: publish a new version, or yank a broken one. The workflow in
`.github/workflows/registry.yml` validates each pull request against its base branch and
comments with the semantic change (`stackreg registry diff`). On every push to the main
branch it also publishes the catalogue as a website with GitHub Pages (`stackreg site`):
turn Pages on in the repository's settings, with GitHub Actions as the source.

## Using the registry

```sh
stackreg --registry <this repository's URL> list
```

Pin the revision a stack was planned against with `rev = "<tag or commit>"` in the stack's
`[stack]` table.
"#
    )
}

fn registry_toml(opts: &InitOptions) -> String {
    let q = |s: &str| toml::Value::String(s.to_owned()).to_string();
    format!(
        "[registry]\nname = {}\ndescription = {}\nformat = 1\n",
        q(&opts.name),
        q(&opts.description)
    )
}

/// What `init` made, removed again unless `keep` is called: a failure part-way leaves
/// the folder as it was (absent, or empty), so running again just works.
struct Made {
    /// The topmost folder `init` created (removed whole), or `None` when the registry
    /// folder already existed (its contents are removed).
    created: Option<PathBuf>,
    dir: PathBuf,
    keep: bool,
}

impl Made {
    /// Before anything is created in or at `dir`.
    fn before(dir: &Path) -> Made {
        let absolute = std::path::absolute(dir).unwrap_or_else(|_| dir.to_path_buf());
        let created = absolute
            .ancestors()
            .take_while(|a| std::fs::symlink_metadata(a).is_err())
            .last()
            .map(Path::to_path_buf);
        Made {
            created,
            dir: absolute,
            keep: false,
        }
    }

    fn keep(mut self) {
        self.keep = true;
    }
}

impl Drop for Made {
    fn drop(&mut self) {
        if self.keep {
            return;
        }
        match &self.created {
            Some(top) => {
                let _ = std::fs::remove_dir_all(top);
            }
            None => {
                // The folder was empty: everything in it is ours.
                if let Ok(entries) = std::fs::read_dir(&self.dir) {
                    for e in entries.flatten() {
                        let path = e.path();
                        let _ = if e.file_type().is_ok_and(|t| t.is_dir()) {
                            std::fs::remove_dir_all(&path)
                        } else {
                            std::fs::remove_file(&path)
                        };
                    }
                }
            }
        }
    }
}

/// Creates the repository at `dir` (which must not exist, or be empty) and commits the
/// skeleton. The branch name is checked before anything is written, and a failure
/// part-way removes what was made.
pub fn init(dir: &Path, opts: &InitOptions, identity: &Identity) -> Result<Initialised, InitError> {
    if !git2::Branch::name_is_valid(&opts.branch).unwrap_or(false) {
        return Err(InitError::BadBranch {
            name: opts.branch.clone(),
        });
    }
    if let Ok(mut entries) = std::fs::read_dir(dir)
        && entries.next().is_some()
    {
        return Err(InitError::NotEmpty {
            path: dir.to_path_buf(),
        });
    }
    let made = Made::before(dir);
    let done = init_in(dir, opts, identity)?;
    made.keep();
    Ok(done)
}

fn init_in(dir: &Path, opts: &InitOptions, identity: &Identity) -> Result<Initialised, InitError> {
    let write = |rel: &str, text: &str| -> Result<(), InitError> {
        let path = dir.join(rel);
        let err = |source| InitError::Write {
            path: path.clone(),
            source,
        };
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(err)?;
        }
        crate::atomic::write(&path, text.as_bytes()).map_err(err)
    };
    std::fs::create_dir_all(dir).map_err(|source| InitError::Write {
        path: dir.to_path_buf(),
        source,
    })?;
    let mut init = RepositoryInitOptions::new();
    init.initial_head(&opts.branch).mkpath(true);
    let repo = Repository::init_opts(dir, &init).map_err(|e| InitError::Git {
        doing: "creating the repository",
        source: GitCause(e),
    })?;
    let files: Vec<(&str, String)> = vec![
        ("registry.toml", registry_toml(opts)),
        ("README.md", readme(&opts.name)),
        (".github/workflows/registry.yml", workflow(&opts.branch)),
    ];
    for (rel, text) in &files {
        write(rel, text)?;
    }
    // The folders are made for convenience; git keeps no empty folders, and the registry
    // needs none of them to exist.
    for folder in FOLDERS {
        std::fs::create_dir_all(dir.join(folder)).map_err(|source| InitError::Write {
            path: dir.join(folder),
            source,
        })?;
    }
    let git = |doing: &'static str| {
        move |e| InitError::Git {
            doing,
            source: GitCause(e),
        }
    };
    let mut index = repo.index().map_err(git("staging the files"))?;
    for (rel, _) in &files {
        index
            .add_path(Path::new(rel))
            .map_err(git("staging the files"))?;
    }
    index.write().map_err(git("staging the files"))?;
    let tree = index.write_tree().map_err(git("writing the tree"))?;
    let tree = repo.find_tree(tree).map_err(git("writing the tree"))?;
    let commit = repo
        .commit(
            Some("HEAD"),
            &identity.author,
            &identity.committer,
            &format!("init registry {}\n", opts.name),
            &tree,
            &[],
        )
        .map_err(git("committing"))?;
    Ok(Initialised {
        path: dir.to_path_buf(),
        files: files.iter().map(|(f, _)| (*f).to_owned()).collect(),
        commit: commit.to_string(),
        branch: opts.branch.clone(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failure_part_way_removes_what_was_made() {
        let tmp = tempfile::tempdir().unwrap();
        // A new folder, two levels deep: both levels go.
        let dir = tmp.path().join("a/b");
        let made = Made::before(&dir);
        std::fs::create_dir_all(dir.join(".git")).unwrap();
        std::fs::write(dir.join("registry.toml"), "x").unwrap();
        drop(made);
        assert!(!tmp.path().join("a").exists());
        // An empty folder that was there: it stays, empty.
        let empty = tmp.path().join("empty");
        std::fs::create_dir(&empty).unwrap();
        let made = Made::before(&empty);
        std::fs::create_dir_all(empty.join(".github/workflows")).unwrap();
        std::fs::write(empty.join("README.md"), "x").unwrap();
        drop(made);
        assert!(empty.is_dir() && std::fs::read_dir(&empty).unwrap().next().is_none());
        // Kept when the work is done.
        let kept = tmp.path().join("kept");
        let made = Made::before(&kept);
        std::fs::create_dir(&kept).unwrap();
        made.keep();
        assert!(kept.is_dir());
    }
}
