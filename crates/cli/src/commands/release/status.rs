//! `charthouse status NAME`: helm's `status`.

use clap::Args;

use super::{action_error, with_context};
use crate::cli::GlobalArgs;
use crate::output;
use crate::release_output::{self, OutputFormat, StatusOptions};
use crate::settings::Settings;

/// Arguments of `charthouse status NAME`.
#[derive(Debug, Args)]
pub struct StatusArgs {
    /// Release name
    pub name: String,
    /// Show the status of this revision (default: the newest)
    #[arg(long, default_value_t = 0)]
    pub revision: i64,
    /// Prints the output in the specified format
    #[arg(short = 'o', long, value_enum, default_value = "table")]
    pub output: OutputFormat,
}

/// Prints the status of a revision.
pub fn run(args: &StatusArgs, global: &GlobalArgs, settings: &Settings) -> anyhow::Result<()> {
    let release = with_context(global, settings, async |ctx| {
        let mut release = charthouse_action::get(ctx, &args.name, args.revision)
            .await
            .map_err(action_error)?;
        // helm's status reads the live objects: Tables for the RESOURCES section, the
        // objects themselves for JSON and YAML (pkg/cmd/status.go).
        let table = matches!(args.output, OutputFormat::Table);
        let resources = charthouse_action::live_resources(ctx, &release, table)
            .await
            .map_err(action_error)?;
        release.info.get_or_insert_with(Default::default).resources = resources;
        Ok(release)
    })?;
    let text = release_output::status(
        &release,
        &StatusOptions {
            format: args.output,
            ..StatusOptions::default()
        },
    )?;
    output::print(&text)
}
