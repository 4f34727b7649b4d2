//! `charthouse upgrade NAME CHART`: helm's `upgrade`.

use clap::{Args, ValueEnum};

use charthouse_action::{ServerSide, UpgradeOptions};

use super::install::ReleaseFlags;
use super::{action_error, parse_labels, with_context};
use crate::cli::GlobalArgs;
use crate::output;
use crate::release_output::{self, StatusOptions};
use crate::settings::Settings;

/// helm's `--server-side` for upgrades: `auto` keeps the previous revision's method.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ServerSideArg {
    /// Keep the method the previous revision used.
    Auto,
    /// Server-side apply.
    True,
    /// Client-side three-way merge.
    False,
}

impl From<ServerSideArg> for ServerSide {
    fn from(a: ServerSideArg) -> ServerSide {
        match a {
            ServerSideArg::Auto => ServerSide::Auto,
            ServerSideArg::True => ServerSide::True,
            ServerSideArg::False => ServerSide::False,
        }
    }
}

/// Arguments of `charthouse upgrade NAME CHART`.
#[derive(Debug, Args)]
pub struct UpgradeArgs {
    /// Release name
    pub name: String,
    /// Chart reference (path, .tgz, REPO/CHART, URL, oci://)
    pub chart: String,
    /// If a release by this name doesn't already exist, run an install
    #[arg(short = 'i', long)]
    pub install: bool,
    /// Reuse the last release's values and merge in any overrides
    #[arg(long)]
    pub reuse_values: bool,
    /// Reset the values to the ones built into the chart
    #[arg(long)]
    pub reset_values: bool,
    /// Reset to the chart's values, then merge the last release's values and overrides
    #[arg(long)]
    pub reset_then_reuse_values: bool,
    /// Delete new resources created in this upgrade when it fails
    #[arg(long)]
    pub cleanup_on_fail: bool,
    /// Replace objects (PUT) instead of patching them
    #[arg(long)]
    pub force_replace: bool,
    /// How to apply: auto keeps the previous revision's method
    #[arg(
        long,
        value_enum,
        default_value = "auto",
        value_name = "auto|true|false"
    )]
    pub server_side: ServerSideArg,
    /// Limit the maximum number of revisions saved per release (0: no limit)
    #[arg(long, default_value_t = 10)]
    pub history_max: usize,
    /// If set, no CRDs will be installed when an upgrade installs
    #[arg(long)]
    pub skip_crds: bool,
    /// Flags shared with install
    #[command(flatten)]
    pub flags: ReleaseFlags,
}

/// Upgrades and prints the release's status.
pub fn run(args: &UpgradeArgs, global: &GlobalArgs, settings: &Settings) -> anyhow::Result<()> {
    let chart = args.flags.load_chart(&args.chart, settings)?;
    let opts = UpgradeOptions {
        values: args.flags.user_values()?,
        install: args.install,
        reuse_values: args.reuse_values,
        reset_values: args.reset_values,
        reset_then_reuse_values: args.reset_then_reuse_values,
        cleanup_on_fail: args.cleanup_on_fail,
        force_replace: args.force_replace,
        force_conflicts: args.flags.force_conflicts,
        server_side: args.server_side.into(),
        wait: args.flags.waits(),
        wait_for_jobs: args.flags.wait_for_jobs,
        timeout: args.flags.timeout,
        rollback_on_failure: args.flags.rollback_on_failure,
        description: args.flags.description.clone(),
        labels: parse_labels(&args.flags.labels)?,
        dry_run: super::install::dry_run(args.flags.dry_run),
        disable_hooks: args.flags.no_hooks,
        take_ownership: args.flags.take_ownership,
        history_max: args.history_max,
        create_namespace: args.flags.create_namespace,
        skip_crds: args.skip_crds,
        render: args.flags.render(),
        ..UpgradeOptions::new(args.name.clone(), chart)
    };
    let outcome = with_context(global, settings, async |ctx| {
        charthouse_action::upgrade(ctx, opts)
            .await
            .map_err(|e| anyhow::anyhow!("UPGRADE FAILED: {}", action_error(e)))
    })?;
    let status_opts = StatusOptions {
        format: args.flags.output,
        ..StatusOptions::default()
    };
    let text = if outcome.installed {
        format!(
            "{}{}",
            release_output::upgrade_installing_notice(&args.name, args.flags.output),
            release_output::install(&outcome.release, &status_opts)?
        )
    } else {
        release_output::upgrade(&outcome.release, &status_opts)?
    };
    output::print(&text)
}
