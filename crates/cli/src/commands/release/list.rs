//! `charthouse list`: helm's `list`, decoding only the newest revision of each release.

use clap::Args;

use charthouse_action::ListOptions;

use super::{action_error, with_context};
use crate::cli::GlobalArgs;
use crate::output;
use crate::release_output::{self, OutputFormat};
use crate::settings::Settings;

/// Arguments of `charthouse list`.
#[derive(Debug, Args)]
pub struct ListArgs {
    /// List releases across all namespaces
    #[arg(short = 'A', long)]
    pub all_namespaces: bool,
    /// Show deployed releases
    #[arg(long)]
    pub deployed: bool,
    /// Show failed releases
    #[arg(long)]
    pub failed: bool,
    /// Show pending releases
    #[arg(long)]
    pub pending: bool,
    /// Show superseded releases
    #[arg(long)]
    pub superseded: bool,
    /// Show uninstalled releases (with uninstall --keep-history)
    #[arg(long)]
    pub uninstalled: bool,
    /// Show releases that are currently being uninstalled
    #[arg(long)]
    pub uninstalling: bool,
    /// A regular expression; only releases whose names match are listed
    #[arg(short = 'f', long)]
    pub filter: Option<String>,
    /// Selector (label query) on release labels (key=value, key!=value)
    #[arg(short = 'l', long)]
    pub selector: Option<String>,
    /// Sort by release date
    #[arg(short = 'd', long)]
    pub date: bool,
    /// Reverse the sort order
    #[arg(short = 'r', long)]
    pub reverse: bool,
    /// Maximum number of releases to fetch (0: no limit)
    #[arg(short = 'm', long, default_value_t = 256)]
    pub max: usize,
    /// Next release index in the list, used to offset from start value
    #[arg(long, default_value_t = 0)]
    pub offset: usize,
    /// Output short (quiet) listing format
    #[arg(short = 'q', long)]
    pub short: bool,
    /// Don't print headers when using the default output format
    #[arg(long)]
    pub no_headers: bool,
    /// Format time using a Go layout
    #[arg(long)]
    pub time_format: Option<String>,
    /// Prints the output in the specified format
    #[arg(short = 'o', long, value_enum, default_value = "table")]
    pub output: OutputFormat,
}

/// Lists releases.
pub fn run(args: &ListArgs, global: &GlobalArgs, settings: &Settings) -> anyhow::Result<()> {
    let opts = ListOptions {
        all_namespaces: args.all_namespaces,
        deployed: args.deployed,
        failed: args.failed,
        pending: args.pending,
        superseded: args.superseded,
        uninstalled: args.uninstalled,
        uninstalling: args.uninstalling,
        filter: args.filter.clone(),
        selector: args.selector.clone(),
    };
    let mut releases = with_context(global, settings, async |ctx| {
        charthouse_action::list(ctx, &opts)
            .await
            .map_err(action_error)
    })?;
    release_output::sort_releases(&mut releases, args.date, args.reverse);
    let releases: Vec<_> = releases
        .into_iter()
        .skip(args.offset)
        .take(if args.max == 0 { usize::MAX } else { args.max })
        .collect();
    let text = release_output::list(
        &releases,
        &release_output::ListOptions {
            format: args.output,
            short: args.short,
            no_headers: args.no_headers,
            time_format: args.time_format.clone(),
            local_zone: None,
            color: false,
        },
    )?;
    output::print(&text)
}
