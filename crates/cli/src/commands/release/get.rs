//! `charthouse get all|values|manifest|hooks|notes|metadata NAME`: helm's `get`.

use std::collections::BTreeMap;

use clap::{Args, Subcommand};

use charthouse_release::Release;

use super::{action_error, with_context};
use crate::cli::GlobalArgs;
use crate::output;
use crate::release_output::{self, OutputFormat};
use crate::settings::Settings;

/// Arguments of `charthouse get`.
#[derive(Debug, Args)]
pub struct GetArgs {
    /// What to show.
    #[command(subcommand)]
    pub what: GetCommand,
}

/// Which part of a release to show.
#[derive(Debug, Subcommand)]
pub enum GetCommand {
    /// Download all information for a named release
    All(GetTarget),
    /// Download the values file for a named release
    Values(GetValuesArgs),
    /// Download the manifest for a named release
    Manifest(GetTarget),
    /// Download all hooks for a named release
    Hooks(GetTarget),
    /// Download the notes for a named release
    Notes(GetTarget),
    /// Fetch metadata for a given release
    Metadata(GetFormatted),
}

/// A release and revision.
#[derive(Debug, Args)]
pub struct GetTarget {
    /// Release name
    pub name: String,
    /// Get the named release with this revision
    #[arg(long, default_value_t = 0)]
    pub revision: i64,
}

/// A release, revision and output format.
#[derive(Debug, Args)]
pub struct GetFormatted {
    /// Which release
    #[command(flatten)]
    pub target: GetTarget,
    /// Prints the output in the specified format
    #[arg(short = 'o', long, value_enum, default_value = "table")]
    pub output: OutputFormat,
}

/// `get values` flags.
#[derive(Debug, Args)]
pub struct GetValuesArgs {
    /// Which release and format
    #[command(flatten)]
    pub formatted: GetFormatted,
    /// Dump all (computed) values
    #[arg(short = 'a', long)]
    pub all: bool,
}

/// Prints the requested part of a revision.
pub fn run(args: &GetArgs, global: &GlobalArgs, settings: &Settings) -> anyhow::Result<()> {
    let target = match &args.what {
        GetCommand::All(t)
        | GetCommand::Manifest(t)
        | GetCommand::Hooks(t)
        | GetCommand::Notes(t) => t,
        GetCommand::Values(v) => &v.formatted.target,
        GetCommand::Metadata(m) => &m.target,
    };
    let release = with_context(global, settings, async |ctx| {
        charthouse_action::get(ctx, &target.name, target.revision)
            .await
            .map_err(action_error)
    })?;
    let text = match &args.what {
        GetCommand::All(_) => release_output::get_all(&release, &computed_values(&release), false)?,
        GetCommand::Values(v) if v.all => {
            release_output::get_values_all(&computed_values(&release), v.formatted.output)?
        }
        GetCommand::Values(v) => release_output::get_values(&release, v.formatted.output)?,
        GetCommand::Manifest(_) => release_output::get_manifest(&release),
        GetCommand::Hooks(_) => release_output::get_hooks(&release),
        GetCommand::Notes(_) => release_output::get_notes(&release),
        GetCommand::Metadata(m) => {
            release_output::get_metadata(&release, &storage_labels(&release), m.output)?
        }
    };
    output::print(&text)
}

/// helm's `CoalesceValues(rel.Chart, rel.Config)`: the user's values over the chart's.
fn computed_values(release: &Release) -> charthouse_goyaml::Map {
    let mut config = charthouse_action::json_to_values(&release.config);
    let mut chart_values = release
        .chart
        .as_ref()
        .and_then(|c| c.values.as_ref())
        .map(charthouse_action::json_to_values)
        .unwrap_or_default();
    charthouse_chart::coalesce_tables(&mut config, &mut chart_values, &mut Vec::new());
    config
}

/// The revision object's labels: the user's plus helm's own (the timestamps, which live
/// only on the storage object, are left out).
fn storage_labels(release: &Release) -> BTreeMap<String, String> {
    let mut labels: BTreeMap<String, String> = release.labels.clone().into_iter().collect();
    labels.insert("name".into(), release.name.clone());
    labels.insert("owner".into(), "helm".into());
    labels.insert("status".into(), release.status().as_str().to_string());
    labels.insert("version".into(), release.version.to_string());
    labels
}
