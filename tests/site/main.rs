//! `stackreg site` end to end: the real binary writes sites from the sample registry and
//! from a hostile one, and these tests read every file it wrote. A test binary of its own,
//! because the browser checks start Chromium and take a while.
//!
//! - `generation`: determinism, escaping, links and local-only assets, checked in Rust;
//! - `browser`: the same sites opened in headless Chromium by `tests/browser/`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../cli/support.rs"]
mod support;

mod browser;
mod generation;
mod pages;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use support::{project_root, stackreg};

/// A site written into a temporary folder.
pub struct Built {
    /// Keeps the folder alive for the test.
    _dir: tempfile::TempDir,
    pub root: PathBuf,
}

/// A stack file of a council that is not in the registry, with what runs today.
pub const EXTRA_STACK: &str = r#"
[stack]
name = "Example Borough Council"

[needs]
website = { capability = "council-website" }
streets = { component = "fixmystreet", version = ">=5" }
payments = { interface = "govuk-pay-api", version = "^1" }

[prefer]
components = ["localgov-drupal"]

[current]
fixmystreet = "4.0.0"
localgov-drupal = "2.3.0"
"#;

/// The sample registry's site, with its reference stacks and one stack file more.
pub fn sample_site() -> Built {
    let dir = tempfile::tempdir().unwrap();
    let stack = dir.path().join("example-borough.toml");
    std::fs::write(&stack, EXTRA_STACK).unwrap();
    let root = dir.path().join("site");
    let registry = project_root().join("registry");
    stackreg(
        dir.path(),
        &[
            "--registry",
            registry.to_str().unwrap(),
            "site",
            "--out",
            "site",
            "--stack",
            "example-borough.toml",
        ],
    )
    .ok();
    Built { _dir: dir, root }
}

/// The site of `tests/fixtures/site-hostile`.
pub fn hostile_site() -> Built {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("site");
    let registry = project_root().join("tests/fixtures/site-hostile");
    let run = stackreg(
        dir.path(),
        &[
            "--registry",
            registry.to_str().unwrap(),
            "site",
            "--out",
            "site",
        ],
    );
    run.ok();
    assert!(run.stderr.contains("validation") || run.stderr.contains("error(s)"));
    Built { _dir: dir, root }
}

/// The site of a registry with nothing in it but `registry.toml`.
pub fn empty_site() -> Built {
    let dir = tempfile::tempdir().unwrap();
    let registry = dir.path().join("registry");
    std::fs::create_dir(&registry).unwrap();
    std::fs::write(
        registry.join("registry.toml"),
        "[registry]\nname = \"New registry\"\nformat = 1\n",
    )
    .unwrap();
    let root = dir.path().join("site");
    stackreg(
        dir.path(),
        &["--registry", "registry", "site", "--out", "site"],
    )
    .ok();
    Built { _dir: dir, root }
}

/// Every file of a site: relative path (with `/`) → bytes.
pub fn files(root: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let entry = entry.unwrap();
            let path = entry.path();
            if entry.file_type().unwrap().is_dir() {
                stack.push(path);
            } else {
                let rel = path.strip_prefix(root).unwrap();
                let rel = rel
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect::<Vec<_>>()
                    .join("/");
                out.insert(rel, std::fs::read(&path).unwrap());
            }
        }
    }
    out
}

/// One start tag as written: its name and attributes (values unescaped only of `&quot;`).
#[derive(Debug, Clone)]
pub struct Tag {
    pub name: String,
    pub attrs: Vec<(String, String)>,
}

impl Tag {
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Every start tag of a page. The site escapes `<` in all text and attribute values, so
/// every `<` in its output begins a tag the generator wrote; anything else is a defect.
pub fn tags(html: &str) -> Vec<Tag> {
    let mut out = Vec::new();
    for piece in html.split('<').skip(1) {
        let Some(end) = piece.find('>') else {
            panic!(
                "a `<` that starts no tag: {:?}",
                &piece[..piece.len().min(80)]
            );
        };
        let inner = &piece[..end];
        if inner.starts_with('/') || inner.starts_with('!') {
            continue;
        }
        let name_end = inner
            .find(|c: char| c.is_whitespace())
            .unwrap_or(inner.len());
        let name = inner[..name_end].to_owned();
        let mut attrs = Vec::new();
        let mut rest = inner[name_end..].trim_start();
        while !rest.is_empty() {
            let eq = rest.find('=').unwrap_or_else(|| {
                panic!("attribute without a value in <{inner}>");
            });
            let key = rest[..eq].trim().to_owned();
            let after = &rest[eq + 1..];
            assert!(after.starts_with('"'), "unquoted attribute in <{inner}>");
            let close = after[1..].find('"').expect("closing quote") + 1;
            attrs.push((key, after[1..close].replace("&quot;", "\"")));
            rest = after[close + 1..].trim_start();
        }
        out.push(Tag { name, attrs });
    }
    out
}

/// Every `id` declared on a page.
pub fn ids(html: &str) -> BTreeSet<String> {
    tags(html)
        .iter()
        .filter_map(|t| t.attr("id").map(str::to_owned))
        .collect()
}

/// The HTML pages of a site as text.
pub fn pages(files: &BTreeMap<String, Vec<u8>>) -> Vec<(&str, String)> {
    files
        .iter()
        .filter(|(k, _)| k.ends_with(".html"))
        .map(|(k, v)| (k.as_str(), String::from_utf8(v.clone()).unwrap()))
        .collect()
}
