//! `charthouse uninstall NAME…`: helm's `uninstall`.

use clap::{Args, ValueEnum};

use charthouse_action::UninstallOptions;
use charthouse_kube::apply::Cascade;

use super::{action_error, parse_duration, with_context};
use crate::cli::GlobalArgs;
use crate::output;
use crate::release_output;
use crate::settings::Settings;

/// helm's `--cascade` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CascadeArg {
    /// Dependents deleted in the background.
    Background,
    /// The owner waits for its dependents.
    Foreground,
    /// Dependents are kept.
    Orphan,
}

/// Arguments of `charthouse uninstall NAME…`.
#[derive(Debug, Args)]
pub struct UninstallArgs {
    /// Release names
    #[arg(required = true)]
    pub names: Vec<String>,
    /// Remove all associated resources and mark the release as deleted, but retain the release history
    #[arg(long)]
    pub keep_history: bool,
    /// How dependents of deleted objects go
    #[arg(long, value_enum, default_value = "background")]
    pub cascade: CascadeArg,
    /// Prevent hooks from running during uninstallation
    #[arg(long)]
    pub no_hooks: bool,
    /// Wait until all the resources are deleted
    #[arg(long, num_args = 0..=1, default_missing_value = "watcher", value_name = "STRATEGY")]
    pub wait: Option<String>,
    /// Time to wait for any individual Kubernetes operation
    #[arg(long, default_value = "5m0s", value_parser = parse_duration)]
    pub timeout: std::time::Duration,
    /// Add a custom description
    #[arg(long)]
    pub description: Option<String>,
    /// Simulate an uninstall
    #[arg(long)]
    pub dry_run: bool,
    /// Treat "release not found" as a successful uninstall
    #[arg(long)]
    pub ignore_not_found: bool,
}

/// Uninstalls each release and prints helm's lines.
pub fn run(args: &UninstallArgs, global: &GlobalArgs, settings: &Settings) -> anyhow::Result<()> {
    let texts = with_context(global, settings, async |ctx| {
        let mut texts = Vec::new();
        for name in &args.names {
            let opts = UninstallOptions {
                keep_history: args.keep_history,
                cascade: match args.cascade {
                    CascadeArg::Background => Cascade::Background,
                    CascadeArg::Foreground => Cascade::Foreground,
                    CascadeArg::Orphan => Cascade::Orphan,
                },
                disable_hooks: args.no_hooks,
                wait: args.wait.as_deref().is_some_and(|s| s != "hookOnly"),
                timeout: args.timeout,
                description: args.description.clone(),
                dry_run: args.dry_run,
                ignore_not_found: args.ignore_not_found,
                ..UninstallOptions::new(name.clone())
            };
            let outcome = charthouse_action::uninstall(ctx, opts)
                .await
                .map_err(action_error)?;
            let info = if outcome.kept.is_empty() {
                String::new()
            } else {
                format!(
                    "These resources were kept due to the resource policy:\n{}",
                    outcome
                        .kept
                        .iter()
                        .map(|k| format!("[{k}]\n"))
                        .collect::<String>()
                )
            };
            texts.push(release_output::uninstall(name, &info));
        }
        Ok(texts)
    })?;
    output::print(&texts.concat())
}
