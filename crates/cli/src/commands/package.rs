//! `charthouse package DIR...`: write chart archives as `helm package` does.

use std::path::PathBuf;

use clap::Args;

use charthouse_repo::deps::{DependencyOptions, update};
use charthouse_repo::package::{PackageOptions, package_dir};

use crate::commands::repo::paths;
use crate::output;
use crate::settings::Settings;

/// Arguments of `charthouse package`.
#[derive(Debug, Args)]
// `--version` is the chart version here, not the program's (clap's propagated flag).
#[command(disable_version_flag = true)]
pub struct PackageArgs {
    /// Chart directories
    #[arg(required = true)]
    pub charts: Vec<PathBuf>,
    /// Set the version on the chart to this semver version
    #[arg(long, default_value = "")]
    pub version: String,
    /// Set the appVersion on the chart to this version
    #[arg(long, default_value = "")]
    pub app_version: String,
    /// Update dependencies from "Chart.yaml" to dir "charts/" before packaging
    #[arg(short = 'u', long)]
    pub dependency_update: bool,
    /// Location to write the chart
    #[arg(short = 'd', long, default_value = ".")]
    pub destination: PathBuf,
}

/// Packages each chart and prints where it went.
pub fn run(args: &PackageArgs, settings: &Settings) -> anyhow::Result<()> {
    let opts = PackageOptions {
        version: args.version.clone(),
        app_version: args.app_version.clone(),
    };
    // helm saves next to the working directory as an absolute path when no -d is given.
    let dest = if args.destination == std::path::Path::new(".") {
        std::env::current_dir()?
    } else {
        args.destination.clone()
    };
    for chart in &args.charts {
        if !chart.is_dir() {
            anyhow::bail!("{} is not a directory", chart.display());
        }
        if args.dependency_update {
            let mut out = String::new();
            // `package -u` runs helm's dependency manager as `dependency update` does.
            let opts = DependencyOptions {
                print_registry_pulls: true,
                ..DependencyOptions::default()
            };
            let result = update(chart, &opts, &paths(settings), &mut out);
            output::print(&out)?;
            result?;
        }
        let path = package_dir(chart, &dest, &opts)?;
        output::print(&format!(
            "Successfully packaged chart and saved it to: {}\n",
            path.display()
        ))?;
    }
    Ok(())
}
