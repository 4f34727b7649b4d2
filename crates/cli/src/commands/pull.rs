//! `charthouse pull CHART`: download a chart from a repository or registry (helm's
//! `helm pull`), optionally unpacked; also the chart-fetching flags every command that takes
//! a chart shares.

use std::path::PathBuf;

use clap::Args;

use charthouse_repo::{LocateOptions, locate};

use crate::commands::repo::paths;
use crate::output;
use crate::settings::Settings;

/// helm's chart path options (`--version`, `--repo`, credentials and TLS for the download).
#[derive(Debug, Clone, Default, Args)]
// `--version` is the chart version here, not the program's (clap's propagated flag).
#[command(disable_version_flag = true)]
pub struct ChartPathArgs {
    /// Specify a version constraint for the chart version to use (exact version or range such as ^1.2)
    #[arg(long, default_value = "")]
    pub version: String,
    /// Use development versions, too (equivalent to version '>0.0.0-0'); ignored if --version is set
    #[arg(long)]
    pub devel: bool,
    /// Chart repository url where to locate the requested chart
    #[arg(long = "repo", default_value = "")]
    pub repo_url: String,
    /// Chart repository username where to locate the requested chart
    #[arg(long, default_value = "")]
    pub username: String,
    /// Chart repository password where to locate the requested chart
    #[arg(long, default_value = "")]
    pub password: String,
    /// Pass credentials to all domains
    #[arg(long = "pass-credentials")]
    pub pass_credentials: bool,
    /// Verify certificates of HTTPS-enabled servers using this CA bundle
    #[arg(long)]
    pub ca_file: Option<PathBuf>,
    /// Identify HTTPS client using this SSL certificate file
    #[arg(long)]
    pub cert_file: Option<PathBuf>,
    /// Identify HTTPS client using this SSL key file
    #[arg(long)]
    pub key_file: Option<PathBuf>,
    /// Skip tls certificate checks for the chart download
    #[arg(long)]
    pub insecure_skip_tls_verify: bool,
    /// Use insecure HTTP connections for the chart download
    #[arg(long)]
    pub plain_http: bool,
}

impl ChartPathArgs {
    /// The flags as the repo crate's options.
    pub fn to_options(&self) -> LocateOptions {
        LocateOptions {
            version: self.version.clone(),
            devel: self.devel,
            repo_url: self.repo_url.clone(),
            username: self.username.clone(),
            password: self.password.clone(),
            pass_credentials_all: self.pass_credentials,
            ca_file: self.ca_file.clone(),
            cert_file: self.cert_file.clone(),
            key_file: self.key_file.clone(),
            insecure_skip_tls_verify: self.insecure_skip_tls_verify,
            plain_http: self.plain_http,
            provenance: false,
        }
    }
}

/// Arguments of `charthouse pull CHART...`.
#[derive(Debug, Args)]
pub struct PullArgs {
    /// Chart references (REPO/CHART, URL, oci://…)
    #[arg(required = true)]
    pub charts: Vec<String>,
    /// Where and how to fetch the chart
    #[command(flatten)]
    pub chart_path: ChartPathArgs,
    /// If set to true, will untar the chart after downloading it
    #[arg(long)]
    pub untar: bool,
    /// If untar is specified, this flag specifies the name of the directory into which the chart is expanded
    #[arg(long, default_value = ".")]
    pub untardir: PathBuf,
    /// Location to write the chart. If this and untardir are specified, untardir is appended to this
    #[arg(short = 'd', long, default_value = ".")]
    pub destination: PathBuf,
    /// Fetch the provenance file, but don't perform verification
    #[arg(long)]
    pub prov: bool,
}

/// Downloads each chart into the destination, or unpacks it there.
pub fn run(args: &PullArgs, settings: &Settings) -> anyhow::Result<()> {
    let paths = paths(settings);
    let mut opts = args.chart_path.to_options();
    opts.provenance = args.prov;
    for chart in &args.charts {
        let located = locate(chart, &opts, &paths)?;
        if let Some((display, digest)) = &located.oci {
            output::print(&format!("Pulled: {display}\nDigest: {digest}\n"))?;
        }
        if let Some(warning) = &located.prov_warning {
            output::print(&format!("{warning}\n"))?;
        }
        let data = std::fs::read(&located.path)?;
        if args.untar {
            let ud = if args.untardir.is_absolute() {
                args.untardir.clone()
            } else {
                args.destination.join(&args.untardir)
            };
            // helm refuses to unpack over an existing chart directory of the same name.
            let chart_name = chart.rsplit('/').next().unwrap_or(chart);
            let chart_name = chart_name.split([':', '@']).next().unwrap_or(chart_name);
            let check = ud.join(chart_name);
            if check.exists() {
                anyhow::bail!(
                    "failed to untar: a file or directory with the name {} already exists",
                    check.display()
                );
            }
            std::fs::create_dir_all(&ud)?;
            charthouse_repo::archive::expand(&data, &ud, chart)?;
        } else {
            std::fs::create_dir_all(&args.destination)?;
            let name = if located.file_name.is_empty() {
                "chart.tgz".to_owned()
            } else {
                located.file_name.clone()
            };
            std::fs::write(args.destination.join(&name), &data)?;
            if let Some(prov) = &located.prov {
                std::fs::write(args.destination.join(format!("{name}.prov")), prov)?;
            }
        }
    }
    Ok(())
}
