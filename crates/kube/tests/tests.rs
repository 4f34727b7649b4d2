//! Integration tests against the in-process sandbox.
mod wait;
