//! Integration tests against the in-process sandbox.

// A failed unwrap in a test helper is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod client;
mod wait;
