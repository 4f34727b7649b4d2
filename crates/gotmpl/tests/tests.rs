//! Integration tests: the helm-made golden differential suite and API tests.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod api;
mod corpus;
mod golden;
mod maps;
