//! `charthouse lint`: examine charts for possible issues, as `helm lint` does.

use std::path::PathBuf;

use clap::Args;

use charthouse_render::lint::{LintRequest, lint};

use crate::commands::template::ValuesArgs;
use crate::output;
use crate::settings::Settings;

/// Arguments of `charthouse lint PATH...`.
#[derive(Debug, Args)]
pub struct LintArgs {
    /// Chart directories to lint
    #[arg(value_name = "PATH", required = true, num_args = 1..)]
    pub paths: Vec<PathBuf>,
    /// Values flags
    #[command(flatten)]
    pub values: ValuesArgs,
    /// Fail on lint warnings
    #[arg(long)]
    pub strict: bool,
    /// Print only warnings and errors
    #[arg(long)]
    pub quiet: bool,
    /// Kubernetes version used for capabilities and deprecation checks
    #[arg(long, value_name = "VERSION")]
    pub kube_version: Option<String>,
    /// If set, disables JSON schema validation
    #[arg(long)]
    pub skip_schema_validation: bool,
}

impl LintArgs {
    /// The flags as a lint request (the one conversion step).
    pub fn to_request(&self, settings: &Settings) -> anyhow::Result<LintRequest> {
        let values = self
            .values
            .to_options()
            .merge()
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        Ok(LintRequest {
            paths: self.paths.clone(),
            values,
            namespace: settings.namespace.clone(),
            strict: self.strict,
            quiet: self.quiet,
            kube_version: self.kube_version.clone(),
            skip_schema_validation: self.skip_schema_validation,
        })
    }
}

/// Lints, prints the report, and fails (exit 1) when a chart failed.
pub fn run(args: &LintArgs, settings: &Settings) -> anyhow::Result<()> {
    let outcome = lint(&args.to_request(settings)?).map_err(|e| anyhow::anyhow!("{e}"))?;
    output::print(&outcome.report)?;
    if outcome.failed > 0 {
        return Err(anyhow::anyhow!("{}", outcome.summary));
    }
    if outcome.print_summary {
        output::print(&format!("{}\n", outcome.summary))?;
    }
    Ok(())
}
