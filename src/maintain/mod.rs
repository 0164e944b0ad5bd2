//! Changing a registry through git, and reading its history: `registry init` makes one,
//! `publish` and `yank` commit checked changes on the checked-out branch, and `history`
//! describes what changed between revisions in the registry's own terms.

pub mod history;
pub mod init;
pub mod publish;
