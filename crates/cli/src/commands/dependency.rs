//! `charthouse dependency update|build|list CHART`: manage a chart's dependencies and its
//! `Chart.lock`, as `helm dependency` does.

use std::path::PathBuf;

use clap::{Args, Subcommand};

use charthouse_repo::deps::{self, DependencyOptions};

use crate::commands::pull::ChartPathArgs;
use crate::commands::repo::paths;
use crate::output;
use crate::settings::Settings;

/// Arguments of `charthouse dependency`.
#[derive(Debug, Args)]
pub struct DependencyArgs {
    /// The dependency command
    #[command(subcommand)]
    pub command: DependencyCommand,
}

/// The `dependency` subcommands.
#[derive(Debug, Subcommand)]
pub enum DependencyCommand {
    /// Update charts/ based on the contents of Chart.yaml
    #[command(visible_alias = "up")]
    Update(DependencyUpdateArgs),
    /// Rebuild the charts/ directory based on the Chart.lock file
    Build(DependencyUpdateArgs),
    /// List the dependencies for the given chart
    #[command(visible_alias = "ls")]
    List(DependencyListArgs),
}

/// Arguments of `dependency update|build [CHART]`.
#[derive(Debug, Args)]
pub struct DependencyUpdateArgs {
    /// Chart directory
    #[arg(default_value = ".")]
    pub chart: PathBuf,
    /// Do not refresh the local repository cache
    #[arg(long)]
    pub skip_refresh: bool,
    /// Registry and download settings
    #[command(flatten)]
    pub chart_path: ChartPathArgs,
}

/// Arguments of `dependency list [CHART]`.
#[derive(Debug, Args)]
pub struct DependencyListArgs {
    /// Chart directory or archive
    #[arg(default_value = ".")]
    pub chart: PathBuf,
    /// Maximum column width for output table
    #[arg(long, default_value_t = 80)]
    pub max_col_width: usize,
}

/// Runs a `dependency` subcommand.
pub fn run(args: &DependencyArgs, settings: &Settings) -> anyhow::Result<()> {
    let paths = paths(settings);
    match &args.command {
        DependencyCommand::List(a) => output::print(&deps::list(&a.chart, a.max_col_width)?),
        DependencyCommand::Update(a) | DependencyCommand::Build(a) => {
            let opts = DependencyOptions {
                skip_refresh: a.skip_refresh,
                locate: a.chart_path.to_options(),
                print_registry_pulls: true,
            };
            let mut out = String::new();
            let result = if matches!(args.command, DependencyCommand::Update(_)) {
                deps::update(&a.chart, &opts, &paths, &mut out)
            } else {
                deps::build(&a.chart, &opts, &paths, &mut out)
            };
            output::print(&out)?;
            Ok(result?)
        }
    }
}
