//! `charthouse push CHART.tgz oci://REGISTRY/PATH`: upload a packaged chart to an OCI
//! registry (helm's `helm push`).

use std::path::PathBuf;

use clap::Args;

use charthouse_repo::http::HttpOptions;
use charthouse_repo::oci::{self, RegistryOptions};

use crate::commands::repo::paths;
use crate::output;
use crate::settings::Settings;

/// Arguments of `charthouse push`.
#[derive(Debug, Args)]
pub struct PushArgs {
    /// The packaged chart
    pub chart: PathBuf,
    /// The destination, oci://REGISTRY/PATH
    pub remote: String,
    /// Identify registry client using this SSL certificate file
    #[arg(long)]
    pub cert_file: Option<PathBuf>,
    /// Identify registry client using this SSL key file
    #[arg(long)]
    pub key_file: Option<PathBuf>,
    /// Verify certificates of HTTPS-enabled servers using this CA bundle
    #[arg(long)]
    pub ca_file: Option<PathBuf>,
    /// Skip tls certificate checks for the chart upload
    #[arg(long)]
    pub insecure_skip_tls_verify: bool,
    /// Use insecure HTTP connections for the chart upload
    #[arg(long)]
    pub plain_http: bool,
    /// Chart repository username where to locate the requested chart
    #[arg(long, default_value = "")]
    pub username: String,
    /// Chart repository password where to locate the requested chart
    #[arg(long, default_value = "")]
    pub password: String,
}

/// Pushes the chart and prints helm's `Pushed:`/`Digest:` lines.
pub fn run(args: &PushArgs, settings: &Settings) -> anyhow::Result<()> {
    if !oci::is_oci(&args.remote) {
        anyhow::bail!("scheme prefix missing from remote (e.g. \"oci://\")");
    }
    if args.chart.is_dir() {
        anyhow::bail!("cannot push directory, must provide chart archive (.tgz)");
    }
    let data = std::fs::read(&args.chart)
        .map_err(|e| anyhow::anyhow!("reading {}: {e}", args.chart.display()))?;
    // helm pushes CHART.tgz.prov beside the archive as the provenance layer.
    let prov_path = PathBuf::from(format!("{}.prov", args.chart.display()));
    let prov = if prov_path.is_file() {
        Some(std::fs::read(&prov_path)?)
    } else {
        None
    };
    let host = oci::Reference::parse(&format!("{}/x", args.remote.trim_end_matches('/')))?.registry;
    let opts = RegistryOptions {
        plain_http: args.plain_http,
        http: HttpOptions {
            username: args.username.clone(),
            password: args.password.clone(),
            ca_file: args.ca_file.clone(),
            cert_file: args.cert_file.clone(),
            key_file: args.key_file.clone(),
            insecure_skip_tls_verify: args.insecure_skip_tls_verify,
            ..HttpOptions::default()
        },
        credentials: None,
    };
    let opts = oci::options_for(&host, opts, &paths(settings).registry_config)?;
    let result = oci::push(&data, prov.as_deref(), &args.remote, &opts)?;
    output::print(&format!(
        "Pushed: {}\nDigest: {}\n",
        result.display, result.manifest_digest
    ))
}
