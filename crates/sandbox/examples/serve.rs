//! Runs a sandbox until Ctrl-C: `cargo run -p charthouse-sandbox --example serve -- KUBECONFIG_OUT [--simulate-workloads] [--http] [--data DIR] [--audit-log FILE]`.

use std::path::PathBuf;

use charthouse_sandbox::{Sandbox, SandboxConfig};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let mut config = SandboxConfig::default();
    let mut out: Option<PathBuf> = None;
    while let Some(a) = args.next() {
        match a.as_str() {
            "--simulate-workloads" => config.simulate_workloads = true,
            "--http" => config.tls = false,
            "--data" => config.data_dir = args.next().map(PathBuf::from),
            "--audit-log" => config.audit_log = args.next().map(PathBuf::from),
            other => out = Some(PathBuf::from(other)),
        }
    }
    let sandbox = Sandbox::start(config).await?;
    let path = out.unwrap_or_else(|| PathBuf::from("sandbox.kubeconfig"));
    sandbox.write_kubeconfig(&path)?;
    println!("serving {} (kubeconfig: {})", sandbox.url(), path.display());
    tokio::signal::ctrl_c().await?;
    sandbox.shutdown().await;
    Ok(())
}
