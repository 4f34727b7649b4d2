//! `charthouse install [NAME] CHART`: helm's `install`.

use clap::{Args, ValueEnum};

use charthouse_action::{DryRun, InstallOptions, RenderSettings};
use charthouse_render::template::name_and_chart;

use super::{action_error, parse_duration, parse_labels, with_context};
use crate::cli::GlobalArgs;
use crate::commands::pull::ChartPathArgs;
use crate::commands::template::ValuesArgs;
use crate::output;
use crate::release_output::{self, OutputFormat, StatusOptions};
use crate::settings::Settings;

/// helm's `--dry-run` values (`--dry-run` alone means `client`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DryRunArg {
    /// No cluster contact.
    Client,
    /// Validate against the cluster, write nothing.
    Server,
    /// Really run.
    None,
}

/// The action's dry-run mode for the flag (absent: a real run).
pub fn dry_run(arg: Option<DryRunArg>) -> DryRun {
    {
        match arg {
            Some(DryRunArg::Client) => DryRun::Client,
            Some(DryRunArg::Server) => DryRun::Server,
            Some(DryRunArg::None) | None => DryRun::None,
        }
    }
}

/// Flags shared by `install` and `upgrade`.
#[derive(Debug, Clone, Args)]
pub struct ReleaseFlags {
    /// Values flags
    #[command(flatten)]
    pub values: ValuesArgs,
    /// Where and how to fetch a remote chart
    #[command(flatten)]
    pub chart_path: Box<ChartPathArgs>,
    /// Create the release namespace if not present
    #[arg(long)]
    pub create_namespace: bool,
    /// Simulate: `client` renders without the cluster, `server` also checks it
    #[arg(long, value_enum, num_args = 0..=1, default_missing_value = "client", value_name = "STRATEGY")]
    pub dry_run: Option<DryRunArg>,
    /// Add a custom description
    #[arg(long)]
    pub description: Option<String>,
    /// Labels that would be added to release metadata (key=value, comma separated)
    #[arg(long, value_name = "KEY=VALUE")]
    pub labels: Vec<String>,
    /// Wait until all resources are ready (kstatus rules)
    #[arg(long, num_args = 0..=1, default_missing_value = "watcher", value_name = "STRATEGY")]
    pub wait: Option<String>,
    /// Wait until all Jobs have completed (with --wait)
    #[arg(long)]
    pub wait_for_jobs: bool,
    /// Time to wait for any individual Kubernetes operation (like Jobs for hooks)
    #[arg(long, default_value = "5m0s", value_parser = parse_duration)]
    pub timeout: std::time::Duration,
    /// Undo the operation when it fails (uninstall for install, rollback for upgrade)
    #[arg(long, visible_alias = "atomic")]
    pub rollback_on_failure: bool,
    /// Prevent hooks from running
    #[arg(long)]
    pub no_hooks: bool,
    /// Adopt existing objects without ownership metadata checks
    #[arg(long)]
    pub take_ownership: bool,
    /// Overwrite fields other field managers own (server-side apply)
    #[arg(long)]
    pub force_conflicts: bool,
    /// If set, disables JSON schema validation
    #[arg(long)]
    pub skip_schema_validation: bool,
    /// Enable DNS lookups when rendering templates
    #[arg(long)]
    pub enable_dns: bool,
    /// Render subchart notes along with the parent
    #[arg(long)]
    pub render_subchart_notes: bool,
    /// Prints the output in the specified format
    #[arg(short = 'o', long, value_enum, default_value = "table")]
    pub output: OutputFormat,
}

impl ReleaseFlags {
    /// The user values, merged from every values flag.
    pub fn user_values(&self) -> anyhow::Result<charthouse_goyaml::Map> {
        self.values
            .to_options()
            .merge()
            .map_err(|e| anyhow::anyhow!("{e}"))
    }

    /// Rendering switches.
    pub fn render(&self) -> RenderSettings {
        RenderSettings {
            skip_schema_validation: self.skip_schema_validation,
            enable_dns: self.enable_dns,
            sub_notes: self.render_subchart_notes,
        }
    }

    /// Whether to wait for readiness (`--wait` with any strategy but `hookOnly`).
    pub fn waits(&self) -> bool {
        self.wait.as_deref().is_some_and(|s| s != "hookOnly")
    }

    /// Loads the chart from a path or reference.
    pub fn load_chart(
        &self,
        reference: &str,
        settings: &Settings,
    ) -> anyhow::Result<charthouse_chart::Chart> {
        let path = charthouse_repo::locate_chart(
            reference,
            &self.chart_path.to_options(),
            &crate::commands::repo::paths(settings),
        )?;
        charthouse_render::template::load_for_install(&path).map_err(|e| anyhow::anyhow!("{e}"))
    }
}

/// Arguments of `charthouse install [NAME] CHART`.
#[derive(Debug, Args)]
pub struct InstallArgs {
    /// Release name (optional with --generate-name) and chart
    #[arg(value_name = "NAME_AND_CHART", required = true, num_args = 1..)]
    pub args: Vec<String>,
    /// Generate the name (and omit the NAME parameter)
    #[arg(short = 'g', long)]
    pub generate_name: bool,
    /// Specify template used to name the release
    #[arg(long, value_name = "TEMPLATE", default_value = "")]
    pub name_template: String,
    /// Reuse the given name if it belongs to an uninstalled or failed release
    #[arg(long)]
    pub replace: bool,
    /// If set, no CRDs will be installed
    #[arg(long)]
    pub skip_crds: bool,
    /// Apply with server-side apply (true) or helm's client-side merge (false)
    #[arg(long, default_value_t = true, action = clap::ArgAction::Set, value_name = "BOOL")]
    pub server_side: bool,
    /// Flags shared with upgrade
    #[command(flatten)]
    pub flags: ReleaseFlags,
}

/// Installs and prints the release's status.
pub fn run(args: &InstallArgs, global: &GlobalArgs, settings: &Settings) -> anyhow::Result<()> {
    // helm's `runInstall` names, locates and loads the chart and merges values, and
    // every error it returns is prefixed (pkg/cmd/install.go).
    let failed = |e: anyhow::Error| anyhow::anyhow!("INSTALLATION FAILED: {e:#}");
    let (name, chart_ref) = name_and_chart(&args.args, args.generate_name, &args.name_template)
        .map_err(|e| anyhow::anyhow!("INSTALLATION FAILED: {e}"))?;
    let chart = args
        .flags
        .load_chart(&chart_ref, settings)
        .map_err(failed)?;
    let opts = InstallOptions {
        values: args.flags.user_values().map_err(failed)?,
        create_namespace: args.flags.create_namespace,
        dry_run: dry_run(args.flags.dry_run),
        description: args.flags.description.clone(),
        labels: parse_labels(&args.flags.labels)?,
        wait: args.flags.waits(),
        wait_for_jobs: args.flags.wait_for_jobs,
        timeout: args.flags.timeout,
        rollback_on_failure: args.flags.rollback_on_failure,
        skip_crds: args.skip_crds,
        disable_hooks: args.flags.no_hooks,
        take_ownership: args.flags.take_ownership,
        force_conflicts: args.flags.force_conflicts,
        server_side: args.server_side,
        replace: args.replace,
        render: args.flags.render(),
        ..InstallOptions::new(name, chart)
    };
    let release = with_context(global, settings, async |ctx| {
        charthouse_action::install(ctx, opts)
            .await
            .map_err(|e| anyhow::anyhow!("INSTALLATION FAILED: {}", action_error(e)))
    })?;
    let text = release_output::install(
        &release,
        &StatusOptions {
            format: args.flags.output,
            ..StatusOptions::default()
        },
    )?;
    output::print(&text)
}
