//! Integration tests of charthouse-patch against recorded kube-apiserver
//! exchanges (see `tests/data/README.md`).

// Helpers outside #[test] functions unwrap too: a panic is a failed assertion.
#![allow(clippy::unwrap_used)]

mod documented;
mod oracle;
mod patches;
mod properties;
mod ssa;
mod util;
mod validate;
