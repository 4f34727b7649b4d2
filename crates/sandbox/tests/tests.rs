//! Integration tests: the sandbox started in-process, driven over real HTTP(S) by kube-rs,
//! by raw requests compared with recorded API server answers, and by the real kubectl and helm.

mod common;

mod concurrency;
mod helm;
mod http;
mod kubectl;
mod persistence;
mod watch;
