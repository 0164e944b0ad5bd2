//! The resolver against registries built in memory: SPEC §4 rule by rule, each
//! preference, explanations, and property tests against brute force. A test binary of its
//! own, because the property tests are CPU-bound and share no fixtures with the CLI tests.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod alternatives;
mod bound;
mod properties;
mod rules;
mod stable;
mod support;
