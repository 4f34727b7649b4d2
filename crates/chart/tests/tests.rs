//! Integration tests for charthouse-chart: helm v4.3.1 goldens (see
//! `data/regen.py`) plus focused API tests.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod api;
mod golden;
mod robust;
