//! Integration tests for the stack crate.
