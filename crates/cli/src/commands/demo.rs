//! `charthouse demo`: the whole tool in one command. Starts the sandbox with simulated
//! workloads, syncs the example stack's `dev` environment, promotes it to `prod` (an
//! upgrade of every release, plus the worker `dev` leaves out), shows a release's
//! history and that a second sync changes nothing, then keeps the cluster up for `helm`
//! and `kubectl` until Ctrl-C.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::Context as _;
use charthouse_sandbox::{Sandbox, SandboxConfig};
use clap::Args;

use super::stack::{StackArgs, StackCommand, StackOptions};
use super::stack_cluster::ReleasesArgs;
use crate::cli::GlobalArgs;
use crate::output;
use crate::release_output::{self, HistoryOptions};
use crate::settings::Settings;

/// The example stack, relative to the repository root.
const EXAMPLE_STACK: &str = "examples/stack/stackfile.yaml";

/// Arguments of `charthouse demo`.
#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Address for the sandbox API server
    #[arg(long, default_value = "127.0.0.1:6443", value_name = "ADDR:PORT")]
    pub listen: SocketAddr,
    /// Where to write the sandbox kubeconfig [default: beside helm's cache]
    #[arg(long, value_name = "FILE")]
    pub kubeconfig_out: Option<PathBuf>,
    /// The stackfile to demonstrate [default: examples/stack/stackfile.yaml]
    #[arg(long, value_name = "FILE")]
    pub stack: Option<PathBuf>,
    /// Exit after the demo instead of serving until Ctrl-C
    #[arg(long)]
    pub once: bool,
}

/// The example stack: the flag, else `examples/stack` under the current directory, else
/// the one in the source tree this binary was built from.
fn stackfile(args: &DemoArgs) -> anyhow::Result<PathBuf> {
    if let Some(p) = &args.stack {
        return Ok(p.clone());
    }
    let here = PathBuf::from(EXAMPLE_STACK);
    if here.exists() {
        return Ok(here);
    }
    let built = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(EXAMPLE_STACK);
    if built.exists() {
        return Ok(built);
    }
    anyhow::bail!("cannot find {EXAMPLE_STACK}: run from the repository root or pass --stack FILE")
}

/// Runs the demo.
pub fn run(args: &DemoArgs, global: &GlobalArgs, settings: &Settings) -> anyhow::Result<()> {
    let stack = stackfile(args)?;
    let kubeconfig = args.kubeconfig_out.clone().unwrap_or_else(|| {
        settings
            .cache_home
            .with_file_name("charthouse")
            .join("demo.kubeconfig")
    });
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    let sandbox = runtime
        .block_on(Sandbox::start(SandboxConfig {
            listen: args.listen,
            simulate_workloads: true,
            simulate_delay: Duration::from_millis(300),
            ..SandboxConfig::default()
        }))
        .with_context(|| {
            format!(
                "cannot start the sandbox on {} (try --listen 127.0.0.1:0)",
                args.listen
            )
        })?;
    if let Some(dir) = kubeconfig.parent() {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    sandbox
        .write_kubeconfig(&kubeconfig)
        .with_context(|| format!("cannot write {}", kubeconfig.display()))?;
    eprintln!(
        "==> sandbox Kubernetes API at {} (kubeconfig {})",
        sandbox.url(),
        kubeconfig.display()
    );

    let mut global = global.clone();
    global.kubeconfig = Some(kubeconfig.clone());
    global.kube_context = None;
    let mut settings = settings.clone();
    settings.kubeconfig = Some(kubeconfig.display().to_string());
    settings.kube_context = None;
    let stack_args = |environment: &str| StackArgs {
        options: StackOptions {
            files: vec![stack.clone()],
            environment: Some(environment.to_string()),
            ..StackOptions::default()
        },
        command: StackCommand::Sync(ReleasesArgs {
            releases: Vec::new(),
        }),
    };
    let sync = |environment: &str| {
        let a = stack_args(environment);
        super::stack_cluster::sync(
            &a,
            &ReleasesArgs {
                releases: Vec::new(),
            },
            &global,
            &settings,
        )
    };

    eprintln!("\n==> charthouse stack -f {} -e dev sync", stack.display());
    sync("dev")?;
    eprintln!(
        "\n==> charthouse stack -f {} -e prod sync   (promote: every release upgraded, the worker installed)",
        stack.display()
    );
    sync("prod")?;
    eprintln!(
        "\n==> charthouse stack -f {} -e prod sync   (again: nothing changed, no new revision)",
        stack.display()
    );
    sync("prod")?;

    eprintln!("\n==> charthouse history web -n demo");
    let history = runtime.block_on(async {
        let ctx = super::release::connect(
            &global,
            &Settings {
                namespace: "demo".into(),
                ..settings.clone()
            },
        )
        .await?;
        charthouse_action::release_history(&ctx, "web")
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))
    })?;
    output::print(&release_output::history(
        &history,
        &HistoryOptions::default(),
    )?)?;

    let exe = std::env::current_exe()
        .map(|p| p.display().to_string())
        .unwrap_or_else(|_| "charthouse".into());
    eprintln!(
        "\nThe sandbox keeps running. In another terminal:\n  export KUBECONFIG={}\n  kubectl get deployments,statefulsets,services -n demo\n  helm list -n demo            # helm reads charthouse's releases\n  {exe} rollback web 1 -n demo\n  {exe} stack -f {} -e prod diff\n",
        kubeconfig.display(),
        stack.display()
    );
    if args.once {
        runtime.block_on(sandbox.shutdown());
        return Ok(());
    }
    eprintln!("Press Ctrl-C to stop.");
    runtime.block_on(async {
        let _ = tokio::signal::ctrl_c().await;
        sandbox.shutdown().await;
    });
    Ok(())
}
