//! Integration tests against the in-process sandbox.
