//! Integration tests for the template functions.
