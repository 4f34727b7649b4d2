//! `charthouse search repo [KEYWORD]`: search the configured repositories' cached indexes, as
//! `helm search repo`.

use clap::{Args, Subcommand};

use charthouse_repo::repofile::RepoFile;
use charthouse_repo::search::{SearchOptions, search};
use charthouse_repo::{records, table};

use crate::commands::repo::{OutputFormat, paths};
use crate::output;
use crate::settings::Settings;

/// Arguments of `charthouse search`.
#[derive(Debug, Args)]
pub struct SearchArgs {
    /// Where to search
    #[command(subcommand)]
    pub command: SearchCommand,
}

/// The `search` subcommands.
#[derive(Debug, Subcommand)]
pub enum SearchCommand {
    /// Search repositories for a keyword in charts
    Repo(SearchRepoArgs),
}

/// Arguments of `search repo`.
#[derive(Debug, Args)]
// `--version` is the chart version here, not the program's (clap's propagated flag).
#[command(disable_version_flag = true)]
pub struct SearchRepoArgs {
    /// Keyword (words are joined with spaces)
    pub keyword: Vec<String>,
    /// Use regular expressions for searching repositories you have added
    #[arg(short = 'r', long)]
    pub regexp: bool,
    /// Show the long listing, with each version of each chart on its own line
    #[arg(short = 'l', long)]
    pub versions: bool,
    /// Use development versions (alpha, beta, and release candidate releases), too
    #[arg(long)]
    pub devel: bool,
    /// Search using semantic versioning constraints on repositories you have added
    #[arg(long, default_value = "")]
    pub version: String,
    /// Maximum column width for output table
    #[arg(long, default_value_t = 50)]
    pub max_col_width: usize,
    /// Search fails if no results are found
    #[arg(long)]
    pub fail_on_no_result: bool,
    /// Prints the output in the specified format
    #[arg(short = 'o', long, value_enum, default_value_t)]
    pub output: OutputFormat,
}

/// Runs `search repo`.
pub fn run(args: &SearchArgs, settings: &Settings) -> anyhow::Result<()> {
    let SearchCommand::Repo(a) = &args.command;
    let paths = paths(settings);
    let file = match RepoFile::load(&paths.repository_config) {
        Ok(Some(f)) if !f.repositories.is_empty() => f,
        _ => anyhow::bail!("no repositories configured"),
    };
    let mut indexes = Vec::new();
    for entry in &file.repositories {
        match charthouse_repo::summary::load_for_search(&paths.repository_cache, &entry.name) {
            Ok(i) => indexes.push((entry.name.clone(), i)),
            Err(e) => tracing::warn!(repo = %entry.name, error = %e, "repo is corrupt or missing"),
        }
    }
    let opts = SearchOptions {
        keyword: (!a.keyword.is_empty()).then(|| a.keyword.join(" ")),
        regexp: a.regexp,
        versions: a.versions,
        version: a.version.clone(),
        devel: a.devel,
    };
    let results = search(&indexes, &opts)?;
    if results.is_empty() && a.fail_on_no_result {
        anyhow::bail!("no results found");
    }
    let records: Vec<records::Record> = results
        .iter()
        .map(|r| {
            vec![
                ("name", r.name.clone()),
                ("version", r.chart.version.clone()),
                ("app_version", r.chart.app_version.clone()),
                ("description", r.chart.description.clone()),
            ]
        })
        .collect();
    match a.output {
        OutputFormat::Table if results.is_empty() => output::print("No results found\n"),
        OutputFormat::Table => {
            let mut rows = vec![vec![
                "NAME".to_owned(),
                "CHART VERSION".to_owned(),
                "APP VERSION".to_owned(),
                "DESCRIPTION".to_owned(),
            ]];
            rows.extend(
                records
                    .into_iter()
                    .map(|r| r.into_iter().map(|(_, v)| v).collect()),
            );
            output::print(&table::render(&rows, a.max_col_width))
        }
        OutputFormat::Json => output::print(&records::to_json(&records)),
        OutputFormat::Yaml => output::print(&records::to_yaml(&records)),
    }
}
