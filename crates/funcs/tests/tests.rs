//! Integration tests for the template functions: helm-made golden cases and the
//! function-name coverage check.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod golden;
mod harness;
mod names;
mod validity;
