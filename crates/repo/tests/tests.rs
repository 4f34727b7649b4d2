//! Integration tests for charthouse-repo: the library against servers on loopback.

// A failed unwrap in a test helper is a failed test, not a user-facing crash.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod token_auth;
