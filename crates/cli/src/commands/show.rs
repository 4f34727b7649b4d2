//! `charthouse show chart|values|readme|crds|all CHART`: show a chart's information.

use clap::{Args, Subcommand};

use charthouse_render::show::{ShowFormat, show};

use crate::commands::pull::ChartPathArgs;
use crate::output;
use crate::settings::Settings;

/// Arguments of `charthouse show`.
#[derive(Debug, Args)]
pub struct ShowArgs {
    /// What to show
    #[command(subcommand)]
    pub what: ShowWhat,
}

/// The parts of a chart `show` can print.
#[derive(Debug, Subcommand)]
pub enum ShowWhat {
    /// Show all information of the chart
    All {
        /// Chart: a directory, archive, REPO/CHART, URL or oci:// reference
        chart: String,
        /// Where and how to fetch a remote chart
        #[command(flatten)]
        chart_path: Box<ChartPathArgs>,
    },
    /// Show the chart's definition
    Chart {
        /// Chart: a directory, archive, REPO/CHART, URL or oci:// reference
        chart: String,
        /// Where and how to fetch a remote chart
        #[command(flatten)]
        chart_path: Box<ChartPathArgs>,
    },
    /// Show the chart's values
    Values {
        /// Chart: a directory, archive, REPO/CHART, URL or oci:// reference
        chart: String,
        /// Where and how to fetch a remote chart
        #[command(flatten)]
        chart_path: Box<ChartPathArgs>,
    },
    /// Show the chart's README
    Readme {
        /// Chart: a directory, archive, REPO/CHART, URL or oci:// reference
        chart: String,
        /// Where and how to fetch a remote chart
        #[command(flatten)]
        chart_path: Box<ChartPathArgs>,
    },
    /// Show the chart's CRDs
    Crds {
        /// Chart: a directory, archive, REPO/CHART, URL or oci:// reference
        chart: String,
        /// Where and how to fetch a remote chart
        #[command(flatten)]
        chart_path: Box<ChartPathArgs>,
    },
}

/// Loads the chart (fetching a remote one first) and prints the requested part.
pub fn run(args: &ShowArgs, settings: &Settings) -> anyhow::Result<()> {
    let (format, chart, chart_path) = match &args.what {
        ShowWhat::All { chart, chart_path } => (ShowFormat::All, chart, chart_path),
        ShowWhat::Chart { chart, chart_path } => (ShowFormat::Chart, chart, chart_path),
        ShowWhat::Values { chart, chart_path } => (ShowFormat::Values, chart, chart_path),
        ShowWhat::Readme { chart, chart_path } => (ShowFormat::Readme, chart, chart_path),
        ShowWhat::Crds { chart, chart_path } => (ShowFormat::Crds, chart, chart_path),
    };
    let path = charthouse_repo::locate_chart(
        chart,
        &chart_path.to_options(),
        &crate::commands::repo::paths(settings),
    )?;
    let text = show(&path, format).map_err(|e| anyhow::anyhow!("{e}"))?;
    output::print(&text)
}
