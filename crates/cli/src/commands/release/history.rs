//! `charthouse history NAME`: helm's `history`.

use clap::Args;

use super::{action_error, with_context};
use crate::cli::GlobalArgs;
use crate::output;
use crate::release_output::{self, HistoryOptions, OutputFormat};
use crate::settings::Settings;

/// Arguments of `charthouse history NAME`.
#[derive(Debug, Args)]
pub struct HistoryArgs {
    /// Release name
    pub name: String,
    /// Maximum number of revisions to include in history
    #[arg(long, default_value_t = 256)]
    pub max: usize,
    /// Show the revision each rollback went to
    #[arg(long)]
    pub show_rollback_revision: bool,
    /// Prints the output in the specified format
    #[arg(short = 'o', long, value_enum, default_value = "table")]
    pub output: OutputFormat,
}

/// Prints the release's revisions.
pub fn run(args: &HistoryArgs, global: &GlobalArgs, settings: &Settings) -> anyhow::Result<()> {
    let revisions = with_context(global, settings, async |ctx| {
        charthouse_action::release_history(ctx, &args.name)
            .await
            .map_err(action_error)
    })?;
    let text = release_output::history(
        &revisions,
        &HistoryOptions {
            format: args.output,
            max: args.max,
            show_rollback_revision: args.show_rollback_revision,
        },
    )?;
    output::print(&text)
}
