//! Integration tests: records written by the real helm v4.3.1.

// A failed unwrap in a test is a failed assertion, not a user-facing crash.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod helm_records;
mod roundtrip;
