//! Integration tests: helm-made goldens and properties.

mod fast;
mod golden;
mod regression;
mod roundtrip;
