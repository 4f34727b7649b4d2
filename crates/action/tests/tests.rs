//! Release lifecycle against the in-process sandbox.

mod common;
mod lifecycle;
