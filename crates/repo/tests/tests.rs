//! Integration tests for charthouse-repo.
