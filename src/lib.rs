//! stackreg: a git-backed registry of UK local-government technology components.
//!
//! Data flows one way: command-line arguments (`cli`) choose a registry (`registry`),
//! whose files become checked model types (`model`); `resolve` turns a stack into a plan
//! or an explanation; `report` prints answers as tables, JSON, markdown or CSV, and `site`
//! writes the whole catalogue and its stacks' reports as a static website. `interop`
//! translates to and from other catalogues' formats (publiccode.yml, Backstage, CycloneDX),
//! and `ops` holds what the import and export commands do, callable in process.

pub mod atomic;
pub mod cli;
pub mod diagnostic;
pub mod error;
pub mod interop;
pub mod model;
pub mod ops;
pub mod plan;
pub mod registry;
pub mod report;
pub mod resolve;
pub mod site;
pub mod text;

pub use cli::run;
pub use error::Error;
