//! Integration tests of charthouse-semver.

mod versions;
