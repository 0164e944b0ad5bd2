//! What stackreg's tests, benches, examples and fuzz targets share, kept out of the
//! shipped library (as cargo keeps its `resolver-tests`):
//!
//! - [`build`]: registries and stacks written directly as model values;
//! - [`oracle`]: SPEC §4 written again, independently of the resolver, and brute force;
//! - [`random`]: random small registries and stacks, and edits to them, from a [`Tape`];
//! - [`tape`]: the byte tape that property tests and fuzz targets read choices from;
//! - [`synth`]: synthetic registries of any size, for benchmarks and scale tests.

pub mod build;
pub mod oracle;
pub mod random;
pub mod synth;
pub mod tape;

pub use tape::Tape;
