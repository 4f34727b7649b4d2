//! Parse and emit throughput.
fn main() {}
