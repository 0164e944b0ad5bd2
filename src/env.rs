//! Every environment variable stackreg reads, in one list with what each one does.
//!
//! Code reads a variable only through a name here (`EnvVars::STACKREG_CACHE`), so this
//! list is complete by construction, and README.md's "Environment variables" table is
//! checked against it by a test. A value that is set but cannot be used is an error
//! (exit 2), never silently replaced by a default.

use std::ffi::OsString;

/// The names of the environment variables stackreg reads.
pub struct EnvVars;

impl EnvVars {
    /// The registry to read when `--registry` is not given: a folder or a git URL.
    pub const STACKREG_REGISTRY: &'static str = "STACKREG_REGISTRY";

    /// The cache folder for clones of remote registries and the index cache (default: the
    /// platform's cache folder, such as `~/.cache`, + `stackreg`).
    pub const STACKREG_CACHE: &'static str = "STACKREG_CACHE";

    /// Seconds a clone of a remote registry is used before it is fetched again (default
    /// 600; `0` fetches on every command).
    pub const STACKREG_FETCH_TTL: &'static str = "STACKREG_FETCH_TTL";

    /// Seconds an https download (`import publiccode URL`) may take in all (default 30).
    pub const STACKREG_HTTP_TIMEOUT: &'static str = "STACKREG_HTTP_TIMEOUT";

    /// The bound on solver steps, as `--max-steps` (default 20,000).
    pub const STACKREG_MAX_STEPS: &'static str = "STACKREG_MAX_STEPS";

    /// An allowed-signers file: read the registry only at a commit signed by one of its
    /// keys, as `--require-signed`.
    pub const STACKREG_REQUIRE_SIGNED: &'static str = "STACKREG_REQUIRE_SIGNED";

    /// Today's date as `YYYY-MM-DD`, for reports that count from today (support and
    /// contract ends), so that they can be reproduced.
    pub const STACKREG_TODAY: &'static str = "STACKREG_TODAY";

    /// Set to anything but the empty string: no colour in the output (no-color.org).
    pub const NO_COLOR: &'static str = "NO_COLOR";

    /// `dumb`: no colour in the output.
    pub const TERM: &'static str = "TERM";

    /// The width tables are fitted to (default: the terminal's width, else 100).
    pub const COLUMNS: &'static str = "COLUMNS";

    /// The author of `registry publish` and `yank` commits when `--author` is not given
    /// (with `GIT_AUTHOR_EMAIL`; else git's `user.name` and `user.email`), as git reads it.
    pub const GIT_AUTHOR_NAME: &'static str = "GIT_AUTHOR_NAME";

    /// The author's email, with `GIT_AUTHOR_NAME`.
    pub const GIT_AUTHOR_EMAIL: &'static str = "GIT_AUTHOR_EMAIL";

    /// The committer of `registry publish` and `yank` commits (with
    /// `GIT_COMMITTER_EMAIL`; else git's configuration, else the author).
    pub const GIT_COMMITTER_NAME: &'static str = "GIT_COMMITTER_NAME";

    /// The committer's email, with `GIT_COMMITTER_NAME`.
    pub const GIT_COMMITTER_EMAIL: &'static str = "GIT_COMMITTER_EMAIL";

    /// The proxy for https downloads and git fetches (also `https_proxy`, `ALL_PROXY`;
    /// read by the http and git libraries).
    pub const HTTPS_PROXY: &'static str = "HTTPS_PROXY";

    /// Every variable above, in order, for documentation and its test.
    pub const ALL: &'static [&'static str] = &[
        Self::STACKREG_REGISTRY,
        Self::STACKREG_CACHE,
        Self::STACKREG_FETCH_TTL,
        Self::STACKREG_HTTP_TIMEOUT,
        Self::STACKREG_MAX_STEPS,
        Self::STACKREG_REQUIRE_SIGNED,
        Self::STACKREG_TODAY,
        Self::NO_COLOR,
        Self::TERM,
        Self::COLUMNS,
        Self::GIT_AUTHOR_NAME,
        Self::GIT_AUTHOR_EMAIL,
        Self::GIT_COMMITTER_NAME,
        Self::GIT_COMMITTER_EMAIL,
        Self::HTTPS_PROXY,
    ];
}

/// A variable that is set to something stackreg cannot use.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the environment variable {name} is `{value}`, which is not {expected}")]
pub struct EnvError {
    pub name: &'static str,
    pub value: String,
    pub expected: &'static str,
}

/// The value of `name`, when it is set and not empty.
pub fn var_os(name: &'static str) -> Option<OsString> {
    std::env::var_os(name).filter(|v| !v.is_empty())
}

/// The value of `name` as text, when it is set and not empty.
pub fn var(name: &'static str) -> Result<Option<String>, EnvError> {
    match var_os(name) {
        None => Ok(None),
        Some(v) => v.into_string().map(Some).map_err(|v| EnvError {
            name,
            value: v.to_string_lossy().into_owned(),
            expected: "UTF-8 text",
        }),
    }
}

/// The value of `name` as a whole number of seconds, when it is set and not empty.
pub fn seconds(name: &'static str) -> Result<Option<u64>, EnvError> {
    let Some(text) = var(name)? else {
        return Ok(None);
    };
    text.trim().parse::<u64>().map(Some).map_err(|_| EnvError {
        name,
        value: text,
        expected: "a whole number of seconds",
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_name_is_listed_once() {
        let mut seen = std::collections::BTreeSet::new();
        for name in EnvVars::ALL {
            assert!(seen.insert(name), "{name} is listed twice");
        }
    }

    #[test]
    fn the_readme_lists_every_variable_in_order() {
        let readme =
            std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
        let section = readme
            .split("## Environment variables")
            .nth(1)
            .and_then(|s| s.split("\n## ").next())
            .expect("README.md has an Environment variables section");
        let listed: Vec<&str> = section
            .lines()
            .filter_map(|l| l.strip_prefix("| `"))
            .filter_map(|l| l.split('`').next())
            .collect();
        assert_eq!(listed, EnvVars::ALL);
    }

    #[test]
    fn explains_a_value_it_cannot_use() {
        let e = EnvError {
            name: EnvVars::STACKREG_FETCH_TTL,
            value: "soon".into(),
            expected: "a whole number of seconds",
        };
        assert_eq!(
            e.to_string(),
            "the environment variable STACKREG_FETCH_TTL is `soon`, which is not a whole number of seconds"
        );
    }
}
