//! Integration tests of charthouse-patch against recorded kube-apiserver
//! exchanges (see `tests/data/README.md`).

mod patches;
mod util;
