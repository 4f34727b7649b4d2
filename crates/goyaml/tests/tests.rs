//! Integration tests: helm-made goldens and properties.

mod golden;
mod roundtrip;
