//! Integration tests of charthouse-render: helm-made goldens (see `data/regen.sh`).

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod golden;
