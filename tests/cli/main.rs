//! End-to-end tests: the real `stackreg` binary against registries built in temporary git
//! repositories. One test binary, one module per area.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

mod architecture;
mod atomicity;
mod backstage;
mod bad_input;
mod basics;
mod cache;
mod csv_output;
mod cyclonedx;
mod discovery;
mod fs_shapes;
mod git_rev;
mod hostile;
mod hostile_paths;
mod https_import;
mod layout;
mod ops;
mod output;
mod planning;
mod publiccode;
mod registry_git;
mod remote;
mod resolve;
mod schemas;
mod signed;
mod snapshots;
mod validate_codes;
