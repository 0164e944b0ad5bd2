//! Other catalogues' formats: publiccode.yml (read and written), Backstage
//! `catalog-info.yaml` and CycloneDX bills of materials (written).
//!
//! Each format is a pure translation between our model types and that format's own types,
//! with no printing and no I/O: what could not be carried over is returned as data (a list
//! of unmapped fields, a list of guesses) for the command line to report.

pub mod backstage;
pub mod cyclonedx;
pub mod publiccode;
