//! Integration tests: helm-made goldens and properties.

mod golden;
mod regression;
mod roundtrip;
