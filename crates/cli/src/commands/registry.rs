//! `charthouse registry login|logout HOST`: registry credentials in helm's credentials file.

use std::io::Read as _;
use std::path::PathBuf;

use clap::{Args, Subcommand};

use charthouse_repo::http::HttpOptions;
use charthouse_repo::oci::{self, RegistryOptions};

use crate::commands::repo::paths;
use crate::output;
use crate::settings::Settings;

/// Arguments of `charthouse registry`.
#[derive(Debug, Args)]
pub struct RegistryArgs {
    /// The registry command
    #[command(subcommand)]
    pub command: RegistryCommand,
}

/// The `registry` subcommands.
#[derive(Debug, Subcommand)]
pub enum RegistryCommand {
    /// Login to a registry
    Login(LoginArgs),
    /// Logout from a registry
    Logout(LogoutArgs),
}

/// Arguments of `registry login HOST`.
#[derive(Debug, Args)]
pub struct LoginArgs {
    /// Registry host (host[:port])
    pub host: String,
    /// Registry username
    #[arg(short = 'u', long, default_value = "")]
    pub username: String,
    /// Registry password or identity token
    #[arg(short = 'p', long, default_value = "")]
    pub password: String,
    /// Read password or identity token from stdin
    #[arg(long)]
    pub password_stdin: bool,
    /// Allow connections to TLS registry without certs
    #[arg(long)]
    pub insecure: bool,
    /// Use insecure HTTP connections
    #[arg(long)]
    pub plain_http: bool,
    /// Identify registry client using this SSL certificate file
    #[arg(long)]
    pub cert_file: Option<PathBuf>,
    /// Identify registry client using this SSL key file
    #[arg(long)]
    pub key_file: Option<PathBuf>,
    /// Verify certificates of HTTPS-enabled servers using this CA bundle
    #[arg(long)]
    pub ca_file: Option<PathBuf>,
}

/// Arguments of `registry logout HOST`.
#[derive(Debug, Args)]
pub struct LogoutArgs {
    /// Registry host (host[:port])
    pub host: String,
}

/// helm strips a scheme a user may type before the host.
fn host_only(host: &str) -> &str {
    let h = host.split_once("://").map_or(host, |(_, h)| h);
    h.trim_end_matches('/')
}

/// Runs `registry login|logout`.
pub fn run(args: &RegistryArgs, settings: &Settings) -> anyhow::Result<()> {
    let config = paths(settings).registry_config;
    match &args.command {
        RegistryCommand::Login(a) => {
            let mut password = a.password.clone();
            if a.password_stdin {
                let mut text = String::new();
                std::io::stdin().read_to_string(&mut text)?;
                password = text.trim_end_matches(['\n', '\r']).to_owned();
            }
            if a.username.is_empty() || password.is_empty() {
                anyhow::bail!(
                    "username and password are required (--username, --password or --password-stdin)"
                );
            }
            let opts = RegistryOptions {
                plain_http: a.plain_http,
                http: HttpOptions {
                    ca_file: a.ca_file.clone(),
                    cert_file: a.cert_file.clone(),
                    key_file: a.key_file.clone(),
                    insecure_skip_tls_verify: a.insecure,
                    ..HttpOptions::default()
                },
                credentials: None,
            };
            oci::login(host_only(&a.host), &a.username, &password, &opts, &config)?;
            output::print("Login Succeeded\n")
        }
        RegistryCommand::Logout(a) => {
            // helm prints this whether or not credentials were stored.
            output::print(&format!(
                "Removing login credentials for {}\n",
                host_only(&a.host)
            ))?;
            oci::logout(host_only(&a.host), &config)?;
            Ok(())
        }
    }
}
