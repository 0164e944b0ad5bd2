//! What every resolver test uses from the shared test kit: model builders and the
//! independent checker of SPEC §4 with brute force.

pub use stackreg_testkit::build::*;
pub use stackreg_testkit::oracle::*;
