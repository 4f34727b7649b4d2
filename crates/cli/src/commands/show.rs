//! `charthouse show chart|values|readme|crds|all CHART`: show a chart's information.

use std::path::PathBuf;

use clap::{Args, Subcommand};

use charthouse_render::show::{ShowFormat, show};

use crate::output;

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
        /// Chart directory or archive
        chart: PathBuf,
    },
    /// Show the chart's definition
    Chart {
        /// Chart directory or archive
        chart: PathBuf,
    },
    /// Show the chart's values
    Values {
        /// Chart directory or archive
        chart: PathBuf,
    },
    /// Show the chart's README
    Readme {
        /// Chart directory or archive
        chart: PathBuf,
    },
    /// Show the chart's CRDs
    Crds {
        /// Chart directory or archive
        chart: PathBuf,
    },
}

/// Loads the chart and prints the requested part.
pub fn run(args: &ShowArgs) -> anyhow::Result<()> {
    let (format, chart) = match &args.what {
        ShowWhat::All { chart } => (ShowFormat::All, chart),
        ShowWhat::Chart { chart } => (ShowFormat::Chart, chart),
        ShowWhat::Values { chart } => (ShowFormat::Values, chart),
        ShowWhat::Readme { chart } => (ShowFormat::Readme, chart),
        ShowWhat::Crds { chart } => (ShowFormat::Crds, chart),
    };
    let text = show(chart, format).map_err(|e| anyhow::anyhow!("{e}"))?;
    output::print(&text)
}
