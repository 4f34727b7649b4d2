//! Integration tests for the stack crate: the format, its errors, variables, git charts,
//! scheduling, output and the examples against helm.

// A failed unwrap in a test is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

mod errors;
mod examples;
mod format;
mod git;
mod output;
mod robust;
mod schedule;
mod variables;
