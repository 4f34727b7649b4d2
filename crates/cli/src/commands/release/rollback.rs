//! `charthouse rollback NAME [REVISION]`: helm's `rollback` (back or forward).

use clap::Args;

use charthouse_action::RollbackOptions;

use super::upgrade::ServerSideArg;
use super::{action_error, parse_duration, with_context};
use crate::cli::GlobalArgs;
use crate::output;
use crate::release_output;
use crate::settings::Settings;

/// Arguments of `charthouse rollback NAME [REVISION]`.
#[derive(Debug, Args)]
pub struct RollbackArgs {
    /// Release name
    pub name: String,
    /// Revision to go to (default: the one before the newest)
    pub revision: Option<i64>,
    /// Wait until all resources are ready
    #[arg(long, num_args = 0..=1, default_missing_value = "watcher", value_name = "STRATEGY")]
    pub wait: Option<String>,
    /// Wait until all Jobs have completed (with --wait)
    #[arg(long)]
    pub wait_for_jobs: bool,
    /// Time to wait for any individual Kubernetes operation
    #[arg(long, default_value = "5m0s", value_parser = parse_duration)]
    pub timeout: std::time::Duration,
    /// Prevent hooks from running during rollback
    #[arg(long)]
    pub no_hooks: bool,
    /// Replace objects (PUT) instead of patching them
    #[arg(long)]
    pub force_replace: bool,
    /// Overwrite fields other field managers own
    #[arg(long)]
    pub force_conflicts: bool,
    /// How to apply: auto uses the target revision's method
    #[arg(
        long,
        value_enum,
        default_value = "auto",
        value_name = "auto|true|false"
    )]
    pub server_side: ServerSideArg,
    /// Delete new resources created in this rollback when it fails
    #[arg(long)]
    pub cleanup_on_fail: bool,
    /// Limit the maximum number of revisions saved per release (0: no limit)
    #[arg(long, default_value_t = 10)]
    pub history_max: usize,
    /// Simulate a rollback
    #[arg(long, num_args = 0..=1, default_missing_value = "client", value_name = "STRATEGY")]
    pub dry_run: Option<String>,
}

/// Rolls back and prints helm's success line.
pub fn run(args: &RollbackArgs, global: &GlobalArgs, settings: &Settings) -> anyhow::Result<()> {
    let opts = RollbackOptions {
        revision: args.revision.unwrap_or(0),
        wait: args.wait.as_deref().is_some_and(|s| s != "hookOnly"),
        wait_for_jobs: args.wait_for_jobs,
        timeout: args.timeout,
        disable_hooks: args.no_hooks,
        force_replace: args.force_replace,
        force_conflicts: args.force_conflicts,
        server_side: args.server_side.into(),
        cleanup_on_fail: args.cleanup_on_fail,
        history_max: args.history_max,
        dry_run: args.dry_run.as_deref().is_some_and(|s| s != "none"),
        ..RollbackOptions::new(args.name.clone())
    };
    with_context(global, settings, async |ctx| {
        charthouse_action::rollback(ctx, opts)
            .await
            .map_err(action_error)
    })?;
    output::print(release_output::rollback())
}
