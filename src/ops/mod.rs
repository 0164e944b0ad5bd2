//! What commands do, callable in process: each function takes what the command line
//! parsed (and an opened registry) and returns an answer as data for `report`.

pub mod export;
pub mod import;
pub mod stack;
pub mod validate;
