//! `charthouse test NAME`: helm's `test`.

use clap::Args;

use super::{action_error, parse_duration, with_context};
use crate::cli::GlobalArgs;
use crate::output;
use crate::release_output;
use crate::settings::Settings;

/// Arguments of `charthouse test NAME`.
#[derive(Debug, Args)]
pub struct TestArgs {
    /// Release name
    pub name: String,
    /// Time to wait for any individual Kubernetes operation
    #[arg(long, default_value = "5m0s", value_parser = parse_duration)]
    pub timeout: std::time::Duration,
}

/// Runs the release's tests and prints their results.
pub fn run(args: &TestArgs, global: &GlobalArgs, settings: &Settings) -> anyhow::Result<()> {
    let release = with_context(global, settings, async |ctx| {
        charthouse_action::run_tests(ctx, &args.name, args.timeout)
            .await
            .map_err(action_error)
    })?;
    output::print(&release_output::test(&release, None, false)?)
}
