//! Integration tests for the `charthouse` binary: the real executable, run as a user would.

// A failed unwrap in a test helper is a failed test, not a user-facing crash.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[macro_use]
mod macros;

mod cli;
mod demo;
mod release;
mod repo;
mod sandbox;
mod stack;
mod stack_sync;
