//! The stack subcommands that talk to the cluster: `sync`, `diff`, `apply`, `delete`,
//! `get`, `status`. Each runs one operation per selected release through
//! [`charthouse_stack::run_dag`] (needs first; delete in reverse) with the crate's
//! [`charthouse_stack::cluster`] functions, which call the same actions as the CLI.

use std::io::IsTerminal;

use clap::Args;

use charthouse_stack::cluster::{self, Target};
use charthouse_stack::{Direction, Finished, Outcome, Printer, ResolvedRelease, Status};

use super::stack::{StackArgs, StackContext};
use crate::cli::GlobalArgs;
use crate::output;
use crate::settings::Settings;

/// Release arguments of the cluster subcommands.
#[derive(Debug, Args)]
pub struct ReleasesArgs {
    /// Only these releases (name or namespace/name)
    #[arg(value_name = "RELEASE")]
    pub releases: Vec<String>,
}

/// Arguments of `stack diff` and `stack apply`.
#[derive(Debug, Args)]
pub struct DiffArgs {
    /// Only these releases (name or namespace/name)
    #[arg(value_name = "RELEASE")]
    pub releases: Vec<String>,
    /// Exit with 2 when there are changes (0: none, 1: error), as helm-diff does
    #[arg(long)]
    pub detailed_exitcode: bool,
    /// Colour the diff: auto (on a terminal), always, never
    #[arg(long, default_value = "auto", value_parser = ["auto", "always", "never"])]
    pub color: String,
}

/// A release's position in the plan and its diff (`None`: unchanged).
type ReleaseDiff = (usize, Option<String>);

/// Exit status of `diff --detailed-exitcode` when something differs.
const EXIT_CHANGES: i32 = 2;

fn target(
    ctx: &StackContext,
    global: &GlobalArgs,
    settings: &Settings,
    runtime: &tokio::runtime::Runtime,
) -> anyhow::Result<Target> {
    let mut global = global.clone();
    if global.kube_context.is_none() {
        global.kube_context = ctx.stack.kube_context.clone();
    }
    let mut settings = settings.clone();
    if settings.kube_context.is_none() {
        settings.kube_context = ctx.stack.kube_context.clone();
    }
    let action_ctx = runtime.block_on(super::release::connect(&global, &settings))?;
    Ok(Target {
        cluster: action_ctx.cluster.clone(),
        driver: *action_ctx.storage.driver(),
        repo_paths: super::repo::paths(&settings),
    })
}

fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    Ok(tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?)
}

/// Runs `op` for every selected release and prints the summary.
fn run_each<F, Fut>(
    args: &StackArgs,
    releases: &[String],
    direction: Direction,
    global: &GlobalArgs,
    settings: &Settings,
    op: F,
) -> anyhow::Result<Vec<Finished<Outcome, charthouse_stack::Error>>>
where
    F: Fn(Target, ResolvedRelease) -> Fut,
    Fut: Future<Output = Result<Outcome, charthouse_stack::Error>>,
{
    let ctx = StackContext::load(&args.options, releases, global, settings, true)?;
    let rt = runtime()?;
    let target = target(&ctx, global, settings, &rt)?;
    let plan = ctx.plan(direction);
    let mut printer = Printer::for_stderr(&plan.releases);
    let results = rt.block_on(charthouse_stack::run_dag(
        &plan,
        ctx.run,
        |r| op(target.clone(), r.clone()),
        &mut printer,
    ));
    printer.finish();
    StackContext::finish(&plan, &results, true)?;
    Ok(results)
}

/// `stack sync`: install or upgrade each release; unchanged ones are left alone.
pub fn sync(
    args: &StackArgs,
    a: &ReleasesArgs,
    global: &GlobalArgs,
    settings: &Settings,
) -> anyhow::Result<()> {
    run_each(
        args,
        &a.releases,
        Direction::Forward,
        global,
        settings,
        async |t, r| cluster::sync_release(&t, &r).await,
    )
    .map(drop)
}

/// `stack delete`: uninstall each release, dependents first.
pub fn delete(
    args: &StackArgs,
    a: &ReleasesArgs,
    global: &GlobalArgs,
    settings: &Settings,
) -> anyhow::Result<()> {
    run_each(
        args,
        &a.releases,
        Direction::Reverse,
        global,
        settings,
        async |t, r| cluster::delete_release(&t, &r).await,
    )
    .map(drop)
}

fn wants_color(choice: &str) -> bool {
    match choice {
        "always" => true,
        "never" => false,
        _ => std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
    }
}

/// The diffs of the selected releases, in stack order; `None` for unchanged ones.
fn diffs(
    args: &StackArgs,
    a: &DiffArgs,
    global: &GlobalArgs,
    settings: &Settings,
) -> anyhow::Result<(StackContext, Vec<ReleaseDiff>)> {
    let ctx = StackContext::load(&args.options, &a.releases, global, settings, true)?;
    let rt = runtime()?;
    let target = target(&ctx, global, settings, &rt)?;
    let color = wants_color(&a.color);
    let plan = ctx.plan(Direction::Forward);
    let mut quiet = charthouse_stack::Quiet;
    let results = rt.block_on(charthouse_stack::run_dag(
        &plan,
        ctx.run,
        |r| {
            let t = target.clone();
            let r = r.clone();
            async move { cluster::diff_release(&t, &r, color).await }
        },
        &mut quiet,
    ));
    let mut out = Vec::new();
    let mut failures = Vec::new();
    for f in results {
        match f.status {
            Status::Done((_, text)) => out.push((f.index, text)),
            Status::Failed(e) => failures.push(format!("{}: {e}", f.id)),
            Status::Skipped(c) => failures.push(format!("{}: skipped: {c}", f.id)),
        }
    }
    if !failures.is_empty() {
        anyhow::bail!("diff failed:\n{}", failures.join("\n"));
    }
    out.sort_by_key(|(i, _)| *i);
    Ok((ctx, out))
}

/// `stack diff`: rendered manifests against the live releases.
pub fn diff(
    args: &StackArgs,
    a: &DiffArgs,
    global: &GlobalArgs,
    settings: &Settings,
) -> anyhow::Result<()> {
    let (_, found) = diffs(args, a, global, settings)?;
    let text: String = found.iter().filter_map(|(_, t)| t.clone()).collect();
    output::print(&text)?;
    if a.detailed_exitcode && found.iter().any(|(_, t)| t.is_some()) {
        std::process::exit(EXIT_CHANGES);
    }
    Ok(())
}

/// `stack apply`: the diff, then a sync of the releases that changed.
pub fn apply(
    args: &StackArgs,
    a: &DiffArgs,
    global: &GlobalArgs,
    settings: &Settings,
) -> anyhow::Result<()> {
    let (ctx, found) = diffs(args, a, global, settings)?;
    let text: String = found.iter().filter_map(|(_, t)| t.clone()).collect();
    output::print(&text)?;
    let plan = ctx.plan(Direction::Forward);
    let changed: Vec<String> = found
        .iter()
        .filter(|(_, t)| t.is_some())
        .map(|(i, _)| plan.releases[*i].id())
        .collect();
    if changed.is_empty() {
        eprintln!("No changes.");
        return Ok(());
    }
    sync(args, &ReleasesArgs { releases: changed }, global, settings)
}

/// `stack get`: the JSON of each selected release's newest revision (seed 001).
pub fn get(
    args: &StackArgs,
    a: &ReleasesArgs,
    global: &GlobalArgs,
    settings: &Settings,
) -> anyhow::Result<()> {
    let ctx = StackContext::load(&args.options, &a.releases, global, settings, false)?;
    let rt = runtime()?;
    let target = target(&ctx, global, settings, &rt)?;
    let mut all = Vec::new();
    for r in ctx.releases() {
        if let Some(rel) = rt.block_on(cluster::get_release(&target, r))? {
            let json =
                serde_json::to_value(&rel).map_err(|e| anyhow::anyhow!("{}: {e}", r.id()))?;
            all.push(json);
        }
    }
    let text = serde_json::to_string_pretty(&all)?;
    output::print(&format!("{text}\n"))
}

/// `stack status`: one line per release with its live revision and state.
pub fn status(
    args: &StackArgs,
    a: &ReleasesArgs,
    global: &GlobalArgs,
    settings: &Settings,
) -> anyhow::Result<()> {
    let ctx = StackContext::load(&args.options, &a.releases, global, settings, false)?;
    let rt = runtime()?;
    let target = target(&ctx, global, settings, &rt)?;
    let mut rows = vec![vec![
        "RELEASE".to_string(),
        "NAMESPACE".into(),
        "REVISION".into(),
        "STATUS".into(),
        "CHART".into(),
        "UPDATED".into(),
    ]];
    for r in ctx.releases() {
        let row = match rt.block_on(cluster::get_release(&target, r))? {
            Some(rel) => {
                let chart = rel
                    .chart
                    .as_ref()
                    .and_then(|c| c.metadata.as_ref())
                    .map(|m| format!("{}-{}", m.name, m.version))
                    .unwrap_or_default();
                let updated = rel
                    .info
                    .as_ref()
                    .and_then(|i| i.last_deployed.as_ref())
                    .map(|t| t.to_go_string())
                    .unwrap_or_default();
                vec![
                    r.name.clone(),
                    r.namespace.clone(),
                    rel.version.to_string(),
                    rel.status().to_string(),
                    chart,
                    updated,
                ]
            }
            None => vec![
                r.name.clone(),
                r.namespace.clone(),
                "-".into(),
                "not installed".into(),
                "-".into(),
                "-".into(),
            ],
        };
        rows.push(row);
    }
    let widths: Vec<usize> = (0..rows[0].len())
        .map(|c| {
            rows.iter()
                .map(|row| row[c].chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    for row in rows {
        let line: Vec<String> = row
            .iter()
            .zip(&widths)
            .map(|(cell, w)| format!("{cell:<w$}"))
            .collect();
        out.push_str(line.join("  ").trim_end());
        out.push('\n');
    }
    output::print(&out)
}
