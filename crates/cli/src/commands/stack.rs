//! `charthouse stack`: a stackfile of releases across environments (crate `charthouse-stack`).
//!
//! Every subcommand goes through [`StackContext::load`]: `.charthouse.yaml` defaults, then
//! the stackfiles with the environment, selectors and release arguments applied. Commands
//! that act on releases build a [`Plan`] ([`StackContext::plan`]) and run one operation per
//! release with [`charthouse_stack::run_dag`] (needs first, `--concurrency` at once,
//! `--fail-fast`), showing progress with [`Printer`] and ending with
//! [`StackContext::finish`] (summary table, one line per failure, exit status).
//! Cluster commands (sync, diff, apply, delete, get, status) are further
//! [`StackCommand`] variants doing exactly that with the action crate's operations
//! (delete with [`Direction::Reverse`]).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use clap::{Args, Subcommand};

use charthouse_stack::{
    Action, Direction, Finished, LoadOptions, Mode, Outcome, Plan, Printer, RenderOptions,
    ResolvedRelease, RunOptions, Selector, Stack, Status,
};

use crate::cli::GlobalArgs;
use crate::output;
use crate::settings::Settings;

/// `--concurrency` when neither the flag nor `.charthouse.yaml` sets it.
const DEFAULT_CONCURRENCY: usize = 8;

/// Arguments of `charthouse stack`.
#[derive(Debug, Args)]
pub struct StackArgs {
    /// Flags of every stack subcommand.
    #[command(flatten)]
    pub options: StackOptions,
    /// The subcommand.
    #[command(subcommand)]
    pub command: StackCommand,
}

/// Flags of every stack subcommand (also settable in `.charthouse.yaml`).
#[derive(Debug, Clone, Default, Args)]
pub struct StackOptions {
    /// Stackfile to read (can be repeated) [default: stackfile.yaml]
    #[arg(short = 'f', long = "file", value_name = "FILE", global = true)]
    pub files: Vec<PathBuf>,
    /// Environment whose overlays apply
    #[arg(short = 'e', long = "environment", value_name = "ENV", global = true)]
    pub environment: Option<String>,
    /// Only releases matching key=value,key!=value over labels, name, namespace and chart (can be repeated: any matches)
    #[arg(short = 'l', long = "selector", value_name = "SELECTOR", global = true)]
    pub selectors: Vec<String>,
    /// Releases run at once [default: 8]
    #[arg(long, value_name = "N", global = true)]
    pub concurrency: Option<usize>,
    /// Start no release after the first failure
    #[arg(long, global = true)]
    pub fail_fast: bool,
}

/// The stack subcommands.
#[derive(Debug, Subcommand)]
pub enum StackCommand {
    /// Print the fully resolved stack (environment, overlays, values, flags) as YAML
    Build(BuildArgs),
    /// List the stack's releases
    List(ListArgs),
    /// Render the releases' manifests locally, as `charthouse template` does for each
    Template(StackTemplateArgs),
    /// Lint each release's chart with its values, as `charthouse lint` does
    Lint(StackLintArgs),
    /// Install or upgrade each release; releases whose manifests and values equal the live revision are left alone
    Sync(super::stack_cluster::ReleasesArgs),
    /// Show a unified diff of rendered manifests against the live releases (Secrets masked)
    Diff(super::stack_cluster::DiffArgs),
    /// Diff, then sync the releases that changed
    Apply(super::stack_cluster::DiffArgs),
    /// Uninstall the releases (dependents first)
    Delete(super::stack_cluster::ReleasesArgs),
    /// Print the JSON of the releases' newest revisions
    Get(super::stack_cluster::ReleasesArgs),
    /// Show each release's live revision and state
    Status(super::stack_cluster::ReleasesArgs),
}

/// Arguments of `stack build`.
#[derive(Debug, Args)]
pub struct BuildArgs {
    /// Only these releases (name or namespace/name)
    #[arg(value_name = "RELEASE")]
    pub releases: Vec<String>,
}

/// Arguments of `stack list`.
#[derive(Debug, Args)]
pub struct ListArgs {
    /// Only these releases (name or namespace/name)
    #[arg(value_name = "RELEASE")]
    pub releases: Vec<String>,
}

/// Arguments of `stack template`.
#[derive(Debug, Args)]
pub struct StackTemplateArgs {
    /// Only these releases (name or namespace/name)
    #[arg(value_name = "RELEASE")]
    pub releases: Vec<String>,
    /// Kubernetes version used for Capabilities.KubeVersion
    #[arg(long, value_name = "VERSION")]
    pub kube_version: Option<String>,
    /// Kubernetes api versions used for Capabilities.APIVersions
    #[arg(
        short = 'a',
        long = "api-versions",
        value_name = "VERSION",
        value_delimiter = ','
    )]
    pub api_versions: Vec<String>,
    /// Include CRDs in the output
    #[arg(long)]
    pub include_crds: bool,
    /// Leave tests out of the output
    #[arg(long)]
    pub skip_tests: bool,
    /// Leave hooks out of the output
    #[arg(long)]
    pub no_hooks: bool,
    /// Disable JSON schema validation
    #[arg(long)]
    pub skip_schema_validation: bool,
}

/// Arguments of `stack lint`.
#[derive(Debug, Args)]
pub struct StackLintArgs {
    /// Only these releases (name or namespace/name)
    #[arg(value_name = "RELEASE")]
    pub releases: Vec<String>,
    /// Fail on lint warnings
    #[arg(long)]
    pub strict: bool,
    /// Kubernetes version used for capabilities and deprecation checks
    #[arg(long, value_name = "VERSION")]
    pub kube_version: Option<String>,
}

/// A loaded stack, the releases selected for this command and how to run them.
#[derive(Debug)]
pub struct StackContext {
    /// The resolved stack.
    pub stack: Stack,
    /// Indices into `stack.releases` of the selected releases, in stackfile order.
    pub selected: Vec<usize>,
    /// `--concurrency` and `--fail-fast`.
    pub run: RunOptions,
}

impl StackContext {
    /// Loads the stack for a subcommand: `.charthouse.yaml` (current directory, else the
    /// first stackfile's) under the flags, then the stackfiles; `releases` (names or
    /// namespace/name) and the selectors narrow the selection. `fetch_git` fetches git
    /// charts into helm's cache directory (commands that render need them).
    pub fn load(
        options: &StackOptions,
        releases: &[String],
        global: &GlobalArgs,
        settings: &Settings,
        fetch_git: bool,
    ) -> anyhow::Result<StackContext> {
        let env: BTreeMap<String, String> = std::env::vars().collect();
        let first_dir = options
            .files
            .first()
            .and_then(|f| f.parent())
            .map(Path::to_path_buf)
            .unwrap_or_default();
        let defaults =
            charthouse_stack::find_defaults(&[Path::new("."), first_dir.as_path()], &env)?;
        let files = if options.files.is_empty() {
            defaults.files.clone()
        } else {
            options.files.clone()
        };
        let namespace = global
            .namespace
            .clone()
            .or_else(|| defaults.namespace.clone())
            .unwrap_or_else(|| settings.namespace.clone());
        let stack = charthouse_stack::load(&LoadOptions {
            files,
            environment: options
                .environment
                .clone()
                .or_else(|| defaults.environment.clone()),
            env,
            dotenv: None,
            namespace,
            kube_context: global.kube_context.clone(),
            default_kube_context: defaults.kube_context.clone(),
            kubeconfig: global
                .kubeconfig
                .as_ref()
                .map(|p| p.display().to_string())
                .or_else(|| defaults.kubeconfig.clone()),
            git_cache: fetch_git.then(|| settings.cache_home.clone()),
        })?;
        let selector_texts = if options.selectors.is_empty() {
            defaults.selectors.clone()
        } else {
            options.selectors.clone()
        };
        let selectors = selector_texts
            .iter()
            .map(|s| Selector::parse(s))
            .collect::<Result<Vec<_>, _>>()?;
        for name in releases {
            if !stack
                .releases
                .iter()
                .any(|r| r.name == *name || r.id() == *name)
            {
                return Err(charthouse_stack::Error::UnknownRelease {
                    name: name.clone(),
                    environment: stack.environment_name().to_owned(),
                }
                .into());
            }
        }
        let selected = stack
            .releases
            .iter()
            .enumerate()
            .filter(|(_, r)| {
                (releases.is_empty() || releases.iter().any(|n| r.name == *n || r.id() == *n))
                    && (selectors.is_empty() || selectors.iter().any(|s| s.matches(r)))
            })
            .map(|(i, _)| i)
            .collect();
        let concurrency = options
            .concurrency
            .or_else(|| defaults.concurrency.and_then(|c| usize::try_from(c).ok()))
            .unwrap_or(DEFAULT_CONCURRENCY);
        Ok(StackContext {
            stack,
            selected,
            run: RunOptions {
                concurrency,
                fail_fast: options.fail_fast || defaults.fail_fast.unwrap_or(false),
            },
        })
    }

    /// The selected releases.
    pub fn releases(&self) -> Vec<&ResolvedRelease> {
        self.selected
            .iter()
            .map(|&i| &self.stack.releases[i])
            .collect()
    }

    /// A plan over the selected releases.
    pub fn plan(&self, direction: Direction) -> Plan<'_> {
        Plan::new(self.releases(), direction)
    }

    /// Prints the summary table (to stdout) and one line per failure (stderr), and fails
    /// when any release failed or was skipped.
    pub fn finish<E: std::fmt::Display>(
        plan: &Plan<'_>,
        results: &[Finished<Outcome, E>],
        table: bool,
    ) -> anyhow::Result<()> {
        if table {
            let rows: Vec<_> = results
                .iter()
                .map(|r| charthouse_stack::row(plan.releases[r.index], r))
                .collect();
            output::print(&charthouse_stack::summary_table(&rows))?;
        }
        let failures = charthouse_stack::failure_lines(results);
        if failures.is_empty() {
            return Ok(());
        }
        eprint!("{failures}");
        let bad = results
            .iter()
            .filter(|r| !matches!(r.status, Status::Done(_)))
            .count();
        anyhow::bail!("{bad} of {} releases did not complete", results.len())
    }
}

/// Runs `charthouse stack …`.
pub fn run(args: &StackArgs, global: &GlobalArgs, settings: &Settings) -> anyhow::Result<()> {
    match &args.command {
        StackCommand::Build(a) => {
            let ctx = StackContext::load(&args.options, &a.releases, global, settings, false)?;
            output::print(&charthouse_stack::build_yaml(&ctx.stack, &ctx.releases()))
        }
        StackCommand::List(a) => {
            let ctx = StackContext::load(&args.options, &a.releases, global, settings, false)?;
            output::print(&charthouse_stack::list_table(&ctx.releases()))
        }
        StackCommand::Template(a) => template(args, a, global, settings),
        StackCommand::Lint(a) => lint(args, a, global, settings),
        StackCommand::Sync(a) => super::stack_cluster::sync(args, a, global, settings),
        StackCommand::Diff(a) => super::stack_cluster::diff(args, a, global, settings),
        StackCommand::Apply(a) => super::stack_cluster::apply(args, a, global, settings),
        StackCommand::Delete(a) => super::stack_cluster::delete(args, a, global, settings),
        StackCommand::Get(a) => super::stack_cluster::get(args, a, global, settings),
        StackCommand::Status(a) => super::stack_cluster::status(args, a, global, settings),
    }
}

/// A tokio runtime with `concurrency` workers for rendering in parallel.
fn runtime(concurrency: usize) -> anyhow::Result<tokio::runtime::Runtime> {
    Ok(tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .max_blocking_threads(concurrency.max(1))
        .enable_all()
        .build()?)
}

/// Progress on stderr only when it is a terminal: stdout carries the manifests.
fn quiet_unless_terminal(releases: &[&ResolvedRelease]) -> Printer {
    use std::io::IsTerminal;
    let mode = if std::io::stderr().is_terminal() {
        Mode::Live
    } else {
        Mode::Silent
    };
    Printer::new(mode, releases, Box::new(std::io::stderr()))
}

fn template(
    args: &StackArgs,
    a: &StackTemplateArgs,
    global: &GlobalArgs,
    settings: &Settings,
) -> anyhow::Result<()> {
    let ctx = StackContext::load(&args.options, &a.releases, global, settings, true)?;
    let opts = RenderOptions {
        kube_version: a.kube_version.clone(),
        api_versions: a.api_versions.clone(),
        include_crds: a.include_crds,
        skip_tests: a.skip_tests,
        no_hooks: a.no_hooks,
        skip_schema_validation: a.skip_schema_validation,
        repo_paths: Some(super::repo::paths(settings)),
    };
    let plan = ctx.plan(Direction::Forward);
    let mut printer = quiet_unless_terminal(&plan.releases);
    let results = runtime(ctx.run.concurrency)?.block_on(charthouse_stack::run_dag(
        &plan,
        ctx.run,
        |r| {
            let r = r.clone();
            let opts = opts.clone();
            async move {
                tokio::task::spawn_blocking(move || charthouse_stack::template_release(&r, &opts))
                    .await
                    .map_err(|e| anyhow::anyhow!("render task: {e}"))?
                    .map_err(anyhow::Error::from)
            }
        },
        &mut OutcomeOf(&mut printer, Action::Rendered),
    ));
    printer.finish();
    let mut out = String::new();
    for r in &results {
        if let Status::Done(text) = &r.status {
            out.push_str(text);
        }
    }
    output::print(&out)?;
    let results: Vec<Finished<Outcome, anyhow::Error>> = results
        .into_iter()
        .map(|r| to_outcome(r, Action::Rendered))
        .collect();
    StackContext::finish(&plan, &results, false)
}

fn lint(
    args: &StackArgs,
    a: &StackLintArgs,
    global: &GlobalArgs,
    settings: &Settings,
) -> anyhow::Result<()> {
    let ctx = StackContext::load(&args.options, &a.releases, global, settings, true)?;
    let plan = ctx.plan(Direction::Forward);
    let mut printer = quiet_unless_terminal(&plan.releases);
    let strict = a.strict;
    let kube_version = a.kube_version.clone();
    let repo_paths = super::repo::paths(settings);
    let results = runtime(ctx.run.concurrency)?.block_on(charthouse_stack::run_dag(
        &plan,
        ctx.run,
        |r| {
            let r = r.clone();
            let kube_version = kube_version.clone();
            let repo_paths = repo_paths.clone();
            async move {
                let id = r.id();
                let res = tokio::task::spawn_blocking(move || {
                    charthouse_stack::lint_release(
                        &r,
                        strict,
                        &RenderOptions {
                            kube_version,
                            repo_paths: Some(repo_paths),
                            ..RenderOptions::default()
                        },
                    )
                })
                .await
                .map_err(|e| anyhow::anyhow!("lint task: {e}"))??;
                if res.failed {
                    Err(anyhow::anyhow!(
                        "lint found errors\n{}",
                        res.report.trim_end()
                    ))
                } else {
                    Ok(format!("==> release {id}\n{}", res.report))
                }
            }
        },
        &mut OutcomeOf(&mut printer, Action::Linted),
    ));
    printer.finish();
    let mut out = String::new();
    for r in &results {
        if let Status::Done(text) = &r.status {
            out.push_str(text);
        }
    }
    output::print(&out)?;
    let results: Vec<Finished<Outcome, anyhow::Error>> = results
        .into_iter()
        .map(|r| to_outcome(r, Action::Linted))
        .collect();
    StackContext::finish(&plan, &results, true)
}

/// A result whose value is output text, as an [`Outcome`] for the summary.
fn to_outcome<T, E>(r: Finished<T, E>, action: Action) -> Finished<Outcome, E> {
    Finished {
        index: r.index,
        id: r.id,
        status: match r.status {
            Status::Done(_) => Status::Done(Outcome::new(action)),
            Status::Failed(e) => Status::Failed(e),
            Status::Skipped(c) => Status::Skipped(c),
        },
        elapsed: r.elapsed,
    }
}

/// Shows text-producing runs (template, lint) on a [`Printer`] as `action`.
struct OutcomeOf<'p>(&'p mut Printer, Action);

impl charthouse_stack::Observer<String, anyhow::Error> for OutcomeOf<'_> {
    fn started(&mut self, index: usize, release: &ResolvedRelease) {
        charthouse_stack::Observer::<Outcome, anyhow::Error>::started(self.0, index, release);
    }

    fn finished(&mut self, result: &Finished<String, anyhow::Error>, release: &ResolvedRelease) {
        let shown = Finished {
            index: result.index,
            id: result.id.clone(),
            status: match &result.status {
                Status::Done(_) => Status::Done(Outcome::new(self.1)),
                Status::Failed(e) => Status::Failed(format!("{e:#}")),
                Status::Skipped(c) => Status::Skipped(c.clone()),
            },
            elapsed: result.elapsed,
        };
        charthouse_stack::Observer::<Outcome, String>::finished(self.0, &shown, release);
    }
}
