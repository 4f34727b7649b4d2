//! The corpus conformance runner (filled in below).
fn main() {}
