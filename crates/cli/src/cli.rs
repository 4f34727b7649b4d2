//! The command line, defined once: helm's global flags and every subcommand.
//!
//! Flags mirror helm's names and environment variables where the meaning is the same, so
//! people and scripts can switch without relearning (`-n`/`HELM_NAMESPACE`,
//! `--kube-context`/`HELM_KUBECONTEXT`, `--kubeconfig`/`KUBECONFIG`, `--debug`/`HELM_DEBUG`).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::commands::stack::StackArgs;
use crate::commands::{
    completion::CompletionArgs, env::EnvArgs, lint::LintArgs, sandbox::SandboxArgs, show::ShowArgs,
    template::TemplateArgs, version::VersionArgs,
};
use crate::commands::{
    dependency::DependencyArgs, package::PackageArgs, pull::PullArgs, push::PushArgs,
    registry::RegistryArgs, repo::RepoArgs, search::SearchArgs,
};

/// The helm release charthouse is compatible with: rendering, release storage and flags.
pub const HELM_COMPAT_VERSION: &str = "v4.3.1";

/// `charthouse --version` text: our version and the helm version we match.
const VERSION: &str = concat!(env!("CARGO_PKG_VERSION"), " (compatible with helm v4.3.1)");

/// Manage Helm releases on Kubernetes: render, install, upgrade, roll back, in one binary.
#[derive(Debug, Parser)]
#[command(name = "charthouse", version = VERSION, propagate_version = true)]
#[command(
    about = "Manage Helm releases on Kubernetes: render, install, upgrade, roll back (compatible with helm v4.3.1)",
    max_term_width = 100
)]
pub struct Cli {
    /// Flags every command accepts.
    #[command(flatten)]
    pub global: GlobalArgs,
    /// The command to run.
    #[command(subcommand)]
    pub command: Command,
}

/// helm's global flags, with the same names and environment variables.
#[derive(Debug, Clone, Args)]
pub struct GlobalArgs {
    /// Namespace scope for this request [default: the kubeconfig context's namespace, else "default"]
    #[arg(
        short = 'n',
        long,
        global = true,
        env = "HELM_NAMESPACE",
        hide_env_values = true
    )]
    pub namespace: Option<String>,
    /// Name of the kubeconfig context to use
    #[arg(
        long,
        global = true,
        env = "HELM_KUBECONTEXT",
        hide_env_values = true,
        value_name = "CONTEXT"
    )]
    pub kube_context: Option<String>,
    /// Path to the kubeconfig file [default: $KUBECONFIG, else ~/.kube/config]
    #[arg(long, global = true, value_name = "PATH")]
    pub kubeconfig: Option<PathBuf>,
    /// Enable verbose output (debug logging)
    #[arg(long, global = true, env = "HELM_DEBUG", hide_env_values = true)]
    pub debug: bool,
    /// Path to the file containing repository names and URLs [env: HELM_REPOSITORY_CONFIG]
    #[arg(long, global = true, value_name = "PATH")]
    pub repository_config: Option<PathBuf>,
    /// Path to the directory containing cached repository indexes [env: HELM_REPOSITORY_CACHE]
    #[arg(long, global = true, value_name = "DIR")]
    pub repository_cache: Option<PathBuf>,
    /// Path to the registry config file [env: HELM_REGISTRY_CONFIG]
    #[arg(long, global = true, value_name = "PATH")]
    pub registry_config: Option<PathBuf>,
    /// Path to the directory containing cached content such as charts [env: HELM_CONTENT_CACHE]
    #[arg(long, global = true, value_name = "DIR")]
    pub content_cache: Option<PathBuf>,
    /// Username to impersonate for the operation
    #[arg(long, global = true, value_name = "USER")]
    pub kube_as_user: Option<String>,
    /// Group to impersonate for the operation (can be repeated)
    #[arg(long, global = true, value_name = "GROUP")]
    pub kube_as_group: Vec<String>,
    /// The address and the port for the Kubernetes API server
    #[arg(
        long,
        global = true,
        env = "HELM_KUBEAPISERVER",
        hide_env_values = true,
        value_name = "URL"
    )]
    pub kube_apiserver: Option<String>,
    /// Bearer token used for authentication
    #[arg(
        long,
        global = true,
        env = "HELM_KUBETOKEN",
        hide_env_values = true,
        value_name = "TOKEN"
    )]
    pub kube_token: Option<String>,
    /// If true, the Kubernetes API server's certificate will not be checked for validity
    #[arg(
        long,
        global = true,
        env = "HELM_KUBEINSECURE_SKIP_TLS_VERIFY",
        hide_env_values = true
    )]
    pub kube_insecure_skip_tls_verify: bool,
    /// Log level for messages on stderr; RUST_LOG, when set, takes precedence
    #[arg(long, global = true, value_enum, default_value_t = LogLevel::Warn, value_name = "LEVEL")]
    pub log_level: LogLevel,
}

/// How much charthouse logs on stderr.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogLevel {
    /// Only errors.
    Error,
    /// Errors and warnings.
    Warn,
    /// Progress of each step.
    Info,
    /// Details for troubleshooting.
    Debug,
    /// Everything, including each API request.
    Trace,
}

/// The commands, each arriving with the feature it fronts.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Print the client version and the helm version charthouse is compatible with
    Version(VersionArgs),
    /// Print the environment settings charthouse resolved (helm's `helm env`)
    Env(EnvArgs),
    /// Generate a shell completion script
    Completion(CompletionArgs),
    /// Run a local Kubernetes API server that helm, kubectl and charthouse can use
    Sandbox(SandboxArgs),
    /// Start a sandbox cluster, sync the example stack into it (dev, then prod), and keep it running
    Demo(crate::commands::demo::DemoArgs),
    /// Install a chart (helm's `helm install`)
    Install(crate::commands::release::install::InstallArgs),
    /// Upgrade a release (helm's `helm upgrade`)
    Upgrade(crate::commands::release::upgrade::UpgradeArgs),
    /// Roll a release back or forward to a revision (helm's `helm rollback`)
    Rollback(crate::commands::release::rollback::RollbackArgs),
    /// Uninstall a release (helm's `helm uninstall`)
    #[command(visible_aliases = ["un", "delete", "del"])]
    Uninstall(crate::commands::release::uninstall::UninstallArgs),
    /// Fetch release history (helm's `helm history`)
    #[command(visible_alias = "hist")]
    History(crate::commands::release::history::HistoryArgs),
    /// Display the status of the named release (helm's `helm status`)
    Status(crate::commands::release::status::StatusArgs),
    /// List releases (helm's `helm list`)
    #[command(visible_alias = "ls")]
    List(crate::commands::release::list::ListArgs),
    /// Download extended information of a named release (helm's `helm get`)
    Get(crate::commands::release::get::GetArgs),
    /// Run tests for a release (helm's `helm test`)
    Test(crate::commands::release::test::TestArgs),
    /// Locally render templates (helm's `helm template`)
    Template(TemplateArgs),
    /// Examine a chart for possible issues (helm's `helm lint`)
    Lint(LintArgs),
    /// Show information of a chart (helm's `helm show`)
    Show(ShowArgs),
    /// Releases of a stackfile across environments: build, list, template, lint
    Stack(StackArgs),
    /// Add, list, remove, update, and index chart repositories (helm's `helm repo`)
    Repo(RepoArgs),
    /// Search for a keyword in charts (helm's `helm search repo`)
    Search(SearchArgs),
    /// Download a chart from a repository or registry (helm's `helm pull`)
    Pull(PullArgs),
    /// Push a chart to a registry (helm's `helm push`)
    Push(PushArgs),
    /// Login to or logout from a registry (helm's `helm registry`)
    Registry(RegistryArgs),
    /// Package a chart directory into a chart archive (helm's `helm package`)
    Package(PackageArgs),
    /// Manage a chart's dependencies (helm's `helm dependency`)
    #[command(visible_alias = "dep")]
    Dependency(DependencyArgs),
}

#[cfg(test)]
mod tests {
    use clap::{CommandFactory, Parser};

    use super::*;

    #[test]
    fn definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn global_flags_work_before_and_after_the_command() {
        let before =
            Cli::try_parse_from(["charthouse", "-n", "apps", "--kube-context=ctx", "env"]).unwrap();
        let after = Cli::try_parse_from([
            "charthouse",
            "env",
            "--namespace",
            "apps",
            "--kube-context",
            "ctx",
        ])
        .unwrap();
        for cli in [before, after] {
            assert_eq!(cli.global.namespace.as_deref(), Some("apps"));
            assert_eq!(cli.global.kube_context.as_deref(), Some("ctx"));
        }
    }

    #[test]
    fn log_level_spellings() {
        let cli = Cli::try_parse_from(["charthouse", "--log-level", "debug", "version"]).unwrap();
        assert_eq!(cli.global.log_level, LogLevel::Debug);
        assert!(Cli::try_parse_from(["charthouse", "--log-level", "loud", "version"]).is_err());
    }

    #[test]
    fn unknown_command_is_an_error() {
        let err = Cli::try_parse_from(["charthouse", "frobnicate"]).unwrap_err();
        assert_eq!(err.kind(), clap::error::ErrorKind::InvalidSubcommand);
    }
}
