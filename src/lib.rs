//! stackreg: a git-backed registry of UK local-government technology components.
//!
//! Data flows one way (docs/ARCHITECTURE.md has the map):
//!
//! ```text
//! cli ─► ops ─► site ─► report ─► planning ─► resolve ─┐
//!         │                  └──► maintain ─► catalog ─┴► source ─► model
//!         └──► interop                                    (env, causes, diagnostic, text, atomic)
//! ```
//!
//! `cli` parses arguments and prints; `ops` does what each command does, callable in
//! process; `source` finds and reads a registry's files (a folder, a git revision, a
//! remote clone); `catalog` turns them into a checked snapshot (`model::Registry`), with
//! the index cache; `maintain` changes a registry through git (init, publish, yank) and
//! reads its history; `resolve` turns a stack into a plan or an explanation; `planning`
//! answers the planning commands from plans; `report` prints answers as tables, JSON,
//! markdown or CSV, and `site` writes them as a static website. `interop` translates to
//! and from other catalogues' formats. No module imports one above it
//! (tests/cli/architecture.rs checks).

pub mod atomic;
pub mod catalog;
pub mod causes;
pub mod cli;
pub mod diagnostic;
pub mod env;
pub mod error;
pub mod interop;
pub mod maintain;
pub mod model;
pub mod ops;
pub mod planning;
pub mod report;
pub mod resolve;
pub mod site;
pub mod source;
pub mod text;

pub use cli::run;
pub use error::Error;
