//! Integration tests: the sandbox started in-process, driven over real HTTP(S) by kube-rs,
//! by raw requests compared with recorded API server answers, and by the real kubectl and helm.

// Helpers outside `#[test]` functions panic on failure on purpose: a panic is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

mod concurrency;
mod helm;
mod http;
mod kubectl;
mod persistence;
mod robustness;
mod watch;
