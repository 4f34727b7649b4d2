//! The release lifecycle, interchangeable with helm v4.3.1: `install`, `upgrade`,
//! `rollback`, `uninstall`, `history`, `status`/`get`, `list` and `test`.
//!
//! Every face (CLI, stack, API, operator) calls these functions; none holds release
//! logic of its own. Each write operation:
//! - holds a `coordination.k8s.io/v1` Lease for the release while it runs ([`lease`]),
//!   so a crashed process never leaves a release stuck in `pending-*`: the next operation
//!   takes the expired lease over and marks the interrupted revision failed;
//! - writes helm's release records ([`storage`]), byte-compatible so helm can continue;
//! - applies objects server-side with field manager `helm` (or helm's client-side
//!   three-way merge for releases installed that way), concurrently where independent,
//!   with hooks, waiting and history pruning as helm does them.

mod context;
mod convert;
mod error;
mod hooks;
mod install;
pub mod lease;
mod lock;
mod preview;
mod query;
mod release_test;
mod render;
mod resources;
mod restart;
mod rollback;
pub mod storage;
mod uninstall;
mod upgrade;

pub use context::Context;
pub use convert::{chart_record, json_to_values, values_to_json};
pub use error::Error;
pub use install::{InstallOptions, install};
pub use preview::{Preview, preview_upgrade};
pub use query::{ListOptions, get, list, live_resources, release_history};
pub use release_test::run_tests;
pub use render::RenderSettings;
pub use restart::restart_workloads;
pub use rollback::{RollbackOptions, rollback};
pub use uninstall::{UninstallOptions, UninstallOutcome, uninstall};
pub use upgrade::{ServerSide, UpgradeOptions, UpgradeOutcome, upgrade};

/// `Result` with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// helm's `--dry-run`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DryRun {
    /// Really do it.
    #[default]
    None,
    /// Render without contacting the cluster.
    Client,
    /// Ask the cluster (lookup, ownership) but write nothing.
    Server,
}

impl DryRun {
    /// Whether nothing is written.
    pub fn is_dry_run(self) -> bool {
        self != DryRun::None
    }
}
