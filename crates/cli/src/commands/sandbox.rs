//! `charthouse sandbox`: run the in-memory Kubernetes API server until Ctrl-C.

use std::net::SocketAddr;
use std::path::PathBuf;

use anyhow::Context as _;
use charthouse_sandbox::{Sandbox, SandboxConfig, UserSpec};
use clap::Args;

use crate::settings::Settings;

/// Arguments of `charthouse sandbox`.
#[derive(Debug, Args)]
pub struct SandboxArgs {
    /// Address to listen on (port 0 picks a free port)
    #[arg(long, default_value = "127.0.0.1:6443", value_name = "ADDR:PORT")]
    pub listen: SocketAddr,
    /// Write a kubeconfig for the sandbox here [default: $HELM_CACHE_HOME/../charthouse/sandbox.kubeconfig]
    #[arg(long, value_name = "FILE")]
    pub kubeconfig_out: Option<PathBuf>,
    /// Keep the cluster's state in DIR across restarts (in memory when absent)
    #[arg(long, value_name = "DIR")]
    pub data: Option<PathBuf>,
    /// Make workloads become ready, Pods run, Jobs complete and PVCs bind, like kwok
    #[arg(long)]
    pub simulate_workloads: bool,
    /// Append one JSON line per API request to FILE
    #[arg(long, value_name = "FILE")]
    pub audit_log: Option<PathBuf>,
    /// Serve plain HTTP instead of HTTPS with a generated CA
    #[arg(long)]
    pub plain_http: bool,
    /// Bearer token of the admin user [default: a random one]; fix it to keep kubeconfigs
    /// valid across restarts with --data
    #[arg(
        long,
        env = "CHARTHOUSE_SANDBOX_TOKEN",
        hide_env_values = true,
        value_name = "TOKEN"
    )]
    pub token: Option<String>,
}

impl SandboxArgs {
    /// The one conversion from flags to the library's configuration.
    fn to_config(&self) -> SandboxConfig {
        let mut config = SandboxConfig {
            listen: self.listen,
            tls: !self.plain_http,
            data_dir: self.data.clone(),
            simulate_workloads: self.simulate_workloads,
            audit_log: self.audit_log.clone(),
            ..SandboxConfig::default()
        };
        if let Some(token) = &self.token {
            config.users = vec![UserSpec::admin(token.clone())];
        }
        config
    }
}

/// Starts the sandbox, writes its kubeconfig, and serves until Ctrl-C or SIGTERM.
pub fn run(args: &SandboxArgs, settings: &Settings) -> anyhow::Result<()> {
    let kubeconfig = args.kubeconfig_out.clone().unwrap_or_else(|| {
        // Beside helm's cache, so it survives reboots but never lands in the user's repo.
        settings
            .cache_home
            .with_file_name("charthouse")
            .join("sandbox.kubeconfig")
    });
    let runtime = tokio::runtime::Runtime::new().context("cannot start the async runtime")?;
    runtime.block_on(async {
        let sandbox = Sandbox::start(args.to_config())
            .await
            .with_context(|| format!("cannot start the sandbox on {}", args.listen))?;
        if let Some(dir) = kubeconfig.parent() {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("cannot create {}", dir.display()))?;
        }
        sandbox
            .write_kubeconfig(&kubeconfig)
            .with_context(|| format!("cannot write the kubeconfig to {}", kubeconfig.display()))?;
        crate::output::print(&banner(&sandbox.url(), &kubeconfig, args))?;
        wait_for_shutdown_signal().await?;
        tracing::info!("shutting down");
        sandbox.shutdown().await;
        Ok(())
    })
}

fn banner(url: &str, kubeconfig: &std::path::Path, args: &SandboxArgs) -> String {
    let kc = kubeconfig.display();
    let storage = match &args.data {
        Some(dir) => format!("state kept in {}", dir.display()),
        None => "state in memory".to_owned(),
    };
    let workloads = if args.simulate_workloads {
        ", workloads simulated"
    } else {
        ""
    };
    format!(
        "Kubernetes API sandbox listening on {url} ({storage}{workloads})\n\
         kubeconfig written to {kc}; try:\n\
         \n  export KUBECONFIG={kc}\n  kubectl get namespaces\n  helm list -A\n\
         \nPress Ctrl-C to stop.\n"
    )
}

/// Resolves on Ctrl-C or, on Unix, SIGTERM (how containers and CI stop processes).
async fn wait_for_shutdown_signal() -> anyhow::Result<()> {
    #[cfg(unix)]
    {
        let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
            .context("cannot listen for SIGTERM")?;
        tokio::select! {
            result = tokio::signal::ctrl_c() => result.context("cannot listen for Ctrl-C")?,
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    tokio::signal::ctrl_c()
        .await
        .context("cannot listen for Ctrl-C")?;
    Ok(())
}
