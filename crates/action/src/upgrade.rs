//! `upgrade`: a new revision of an existing release (helm's `pkg/action/upgrade.go`).
//!
//! Requests for an N-object release whose object set is unchanged: lease (1), history
//! (1), new record (1), N applies sent concurrently, previous record superseded (1), new
//! record deployed (1), lease released (1): N+6. Discovery comes from the on-disk cache.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::time::Duration;

use charthouse_chart::Chart;
use charthouse_kube::wait::{self, WaitOptions};
use charthouse_release::{ApplyMethod, GoTime, HookEvent, Info, Release, Status, history};
use charthouse_render::ReleaseInfo;

use crate::context::Context;
use crate::install::{InstallOptions, install_locked, set_status};
use crate::lock::{self, Locked};
use crate::render::{RenderSettings, render};
use crate::resources::{self, Method};
use crate::{DryRun, Error, Result, convert};

/// helm's `--server-side` for upgrades and rollbacks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ServerSide {
    /// Keep the method the previous revision used (`apply_method`).
    #[default]
    Auto,
    /// Server-side apply.
    True,
    /// Client-side three-way merge.
    False,
}

impl ServerSide {
    /// Whether to apply server-side after a revision applied with `previous`.
    pub fn resolve(self, previous: Option<&ApplyMethod>) -> bool {
        match self {
            ServerSide::Auto => previous == Some(&ApplyMethod::ServerSideApply),
            ServerSide::True => true,
            ServerSide::False => false,
        }
    }
}

/// What `upgrade` does.
#[derive(Debug, Clone)]
pub struct UpgradeOptions {
    /// The release name.
    pub name: String,
    /// The loaded chart.
    pub chart: Chart,
    /// User-supplied values, merged.
    pub values: charthouse_goyaml::Map,
    /// `--install`: install when the release does not exist.
    pub install: bool,
    /// `--reuse-values`.
    pub reuse_values: bool,
    /// `--reset-values`.
    pub reset_values: bool,
    /// `--reset-then-reuse-values`.
    pub reset_then_reuse_values: bool,
    /// `--cleanup-on-fail`.
    pub cleanup_on_fail: bool,
    /// `--force-replace`.
    pub force_replace: bool,
    /// `--force-conflicts`.
    pub force_conflicts: bool,
    /// `--server-side`.
    pub server_side: ServerSide,
    /// `--wait`.
    pub wait: bool,
    /// `--wait-for-jobs`.
    pub wait_for_jobs: bool,
    /// `--timeout`.
    pub timeout: Duration,
    /// `--rollback-on-failure` (`--atomic`).
    pub rollback_on_failure: bool,
    /// `--description`.
    pub description: Option<String>,
    /// `--labels` (a value `null` removes a label).
    pub labels: BTreeMap<String, String>,
    /// `--dry-run`.
    pub dry_run: DryRun,
    /// `--no-hooks`.
    pub disable_hooks: bool,
    /// `--take-ownership`.
    pub take_ownership: bool,
    /// `--history-max` (0: unlimited).
    pub history_max: usize,
    /// `--create-namespace` (with `--install`).
    pub create_namespace: bool,
    /// `--skip-crds` (with `--install`).
    pub skip_crds: bool,
    /// Rendering switches.
    pub render: RenderSettings,
}

impl UpgradeOptions {
    /// helm's defaults for upgrading `name` to `chart`.
    pub fn new(name: impl Into<String>, chart: Chart) -> UpgradeOptions {
        UpgradeOptions {
            name: name.into(),
            chart,
            values: charthouse_goyaml::Map::new(),
            install: false,
            reuse_values: false,
            reset_values: false,
            reset_then_reuse_values: false,
            cleanup_on_fail: false,
            force_replace: false,
            force_conflicts: false,
            server_side: ServerSide::Auto,
            wait: false,
            wait_for_jobs: false,
            timeout: Duration::from_secs(300),
            rollback_on_failure: false,
            description: None,
            labels: BTreeMap::new(),
            dry_run: DryRun::None,
            disable_hooks: false,
            take_ownership: false,
            history_max: 10,
            create_namespace: false,
            skip_crds: false,
            render: RenderSettings::default(),
        }
    }
}

/// What an upgrade did.
#[derive(Debug, Clone)]
pub struct UpgradeOutcome {
    /// The new revision.
    pub release: Release,
    /// Whether `--install` installed it.
    pub installed: bool,
}

/// Upgrades a release (or installs it with `install`).
///
/// # Errors
///
/// No deployed release, an operation in progress, render errors, ownership conflicts,
/// API failures (leaving a `failed` revision, rolled back with `rollback_on_failure`).
pub async fn upgrade(ctx: &Context, opts: UpgradeOptions) -> Result<UpgradeOutcome> {
    charthouse_release::validate_release_name(&opts.name)
        .map_err(|_| Error::InvalidName(format!("release name is invalid: {}", opts.name)))?;
    if opts.force_conflicts && opts.force_replace {
        return Err(Error::Invalid(
            "invalid operation: cannot use force conflicts and force replace together".into(),
        ));
    }
    if opts.install && opts.create_namespace && !opts.dry_run.is_dry_run() {
        // Before the lease, which lives in the namespace.
        crate::install::create_namespace(ctx, &ctx.namespace).await?;
    }
    let locked = lock::lock(ctx, &opts.name, opts.dry_run.is_dry_run()).await?;
    let result = if opts.install
        && !locked
            .history
            .iter()
            .any(|r| r.status() != Status::Uninstalled)
    {
        let install = to_install(&opts, !locked.history.is_empty());
        install_locked(ctx, &locked, install)
            .await
            .map(|release| UpgradeOutcome {
                release,
                installed: true,
            })
    } else {
        upgrade_locked(ctx, &locked, opts)
            .await
            .map(|release| UpgradeOutcome {
                release,
                installed: false,
            })
    };
    locked.release().await;
    result
}

fn to_install(opts: &UpgradeOptions, replace: bool) -> InstallOptions {
    InstallOptions {
        values: opts.values.clone(),
        create_namespace: opts.create_namespace,
        dry_run: opts.dry_run,
        description: opts.description.clone(),
        labels: opts.labels.clone(),
        wait: opts.wait,
        wait_for_jobs: opts.wait_for_jobs,
        timeout: opts.timeout,
        rollback_on_failure: opts.rollback_on_failure,
        skip_crds: opts.skip_crds,
        disable_hooks: opts.disable_hooks,
        take_ownership: opts.take_ownership,
        force_conflicts: opts.force_conflicts,
        server_side: opts.server_side != ServerSide::False,
        replace,
        render: opts.render.clone(),
        ..InstallOptions::new(opts.name.clone(), opts.chart.clone())
    }
}

async fn upgrade_locked(ctx: &Context, locked: &Locked, opts: UpgradeOptions) -> Result<Release> {
    let Some(last) = locked.latest().cloned() else {
        return Err(Error::NoDeployedReleases {
            name: opts.name.clone(),
        });
    };
    let current = match history::deployed(&locked.history) {
        Some(d) => d.clone(),
        None if matches!(last.status(), Status::Failed | Status::Superseded) => last.clone(),
        None => {
            return Err(Error::NoDeployedReleases {
                name: opts.name.clone(),
            });
        }
    };
    let mut chart = opts.chart.clone();
    let values = reuse_values(&opts, &mut chart, &current)?;
    let revision = last.version + 1;
    let info = ReleaseInfo {
        name: opts.name.clone(),
        namespace: current.namespace.clone(),
        revision,
        is_install: false,
        is_upgrade: true,
    };
    let record_chart = convert::chart_record(&chart)?;
    let rendered = render(Some(ctx), chart, values.clone(), info, &opts.render).await?;
    let server_side = opts.server_side.resolve(last.apply_method.as_ref());
    let mut labels = last.labels.clone();
    labels.extend(opts.labels.clone());
    labels.retain(|_, v| v != "null");
    let mut upgraded = Release {
        name: opts.name.clone(),
        namespace: current.namespace.clone(),
        chart: Some(record_chart),
        config: convert::values_to_json(&values)?,
        manifest: rendered.manifest.clone(),
        hooks: rendered.hooks.iter().map(convert::hook_record).collect(),
        version: revision,
        labels,
        apply_method: Some(Method::record(server_side)),
        info: Some(Info {
            first_deployed: current.info.as_ref().and_then(|i| i.first_deployed),
            last_deployed: Some(GoTime::now()),
            status: Status::PendingUpgrade,
            description: "Preparing upgrade".into(),
            notes: rendered.notes.clone(),
            ..Info::default()
        }),
        ..Release::default()
    };

    let namespace = upgraded.namespace.clone();
    let (old, targets) = resources::revision_objects(ctx, &current, &upgraded).await?;
    let old_keys: HashSet<String> = old.iter().map(|o| o.key()).collect();
    let new_objects: Vec<_> = targets
        .iter()
        .filter(|o| !old_keys.contains(&o.key()))
        .collect();
    let adopted = resources::check_new_objects(
        ctx,
        &new_objects,
        &upgraded.name,
        &namespace,
        opts.take_ownership,
    )
    .await
    .map_err(|e| Error::Ownership(format!("unable to continue with update: {e}")))?;
    let created: Vec<_> = new_objects
        .iter()
        .filter(|o| !adopted.contains(&o.key()))
        .map(|o| (*o).clone())
        .collect();

    if opts.dry_run.is_dry_run() {
        let description = opts
            .description
            .clone()
            .unwrap_or_else(|| "Dry run complete".into());
        set_status(&mut upgraded, Status::PendingUpgrade, &description);
        return Ok(upgraded);
    }
    for version in history::revisions_to_prune(&locked.history, opts.history_max) {
        ctx.storage.delete(&namespace, &opts.name, version).await?;
    }
    ctx.storage.create(&upgraded).await?;

    let method = Method::choose(opts.force_replace, server_side, opts.force_conflicts);
    let outcome = apply_revision(
        ctx,
        &mut upgraded,
        &old,
        &targets,
        method,
        Phases {
            pre: HookEvent::PreUpgrade,
            post: HookEvent::PostUpgrade,
            hooks: !opts.disable_hooks,
            wait: opts.wait || opts.wait_for_jobs,
            wait_for_jobs: opts.wait_for_jobs,
            timeout: opts.timeout,
        },
    )
    .await;
    match outcome {
        Ok(()) => {
            let mut previous = current.clone();
            set_status_keep(&mut previous, Status::Superseded);
            ctx.storage.update(&previous).await?;
            let description = opts
                .description
                .clone()
                .unwrap_or_else(|| "Upgrade complete".into());
            set_status(&mut upgraded, Status::Deployed, &description);
            ctx.storage.update(&upgraded).await?;
            Ok(upgraded)
        }
        Err(err) => fail(ctx, locked, upgraded, &created, err, &opts).await,
    }
}

/// Which hooks and waiting surround an apply.
pub(crate) struct Phases {
    pub pre: HookEvent,
    pub post: HookEvent,
    pub hooks: bool,
    pub wait: bool,
    pub wait_for_jobs: bool,
    pub timeout: Duration,
}

/// Pre hooks, apply, delete what is gone, wait, post hooks.
pub(crate) async fn apply_revision(
    ctx: &Context,
    rel: &mut Release,
    old: &[charthouse_kube::Object],
    targets: &[charthouse_kube::Object],
    method: Method,
    phases: Phases,
) -> Result<()> {
    if phases.hooks {
        crate::hooks::run(ctx, rel, phases.pre.clone(), phases.timeout)
            .await
            .map_err(|e| Error::Failed(format!("{} hooks failed: {e}", phases.pre)))?;
    }
    let originals: HashMap<String, serde_json::Value> =
        old.iter().map(|o| (o.key(), o.body.clone())).collect();
    resources::apply_all(ctx, targets, &originals, method, false).await?;
    let target_keys: HashSet<String> = targets.iter().map(|o| o.key()).collect();
    let removed: Vec<_> = old
        .iter()
        .filter(|o| !target_keys.contains(&o.key()))
        .cloned()
        .collect();
    resources::delete_removed(ctx, &removed).await?;
    if phases.wait {
        let refs: Vec<_> = targets.iter().map(|o| o.reference.clone()).collect();
        wait::wait_ready(
            ctx.client(),
            &refs,
            &WaitOptions {
                timeout: phases.timeout,
                wait_for_jobs: phases.wait_for_jobs,
                ..WaitOptions::default()
            },
        )
        .await?;
    }
    if phases.hooks {
        crate::hooks::run(ctx, rel, phases.post.clone(), phases.timeout)
            .await
            .map_err(|e| Error::Failed(format!("{} hooks failed: {e}", phases.post)))?;
    }
    Ok(())
}

/// helm's `failRelease` for upgrades.
async fn fail(
    ctx: &Context,
    locked: &Locked,
    mut rel: Release,
    created: &[charthouse_kube::Object],
    err: Error,
    opts: &UpgradeOptions,
) -> Result<Release> {
    let message = format!("Upgrade {:?} failed: {err}", rel.name);
    set_status(&mut rel, Status::Failed, &message);
    if let Err(e) = ctx.storage.update(&rel).await {
        tracing::warn!(error = %e, "recording the failed revision failed");
    }
    if opts.cleanup_on_fail && !created.is_empty() {
        let (_, errors) =
            resources::delete_all(ctx, created, charthouse_kube::apply::Cascade::Background).await;
        if !errors.is_empty() {
            return Err(Error::Failed(format!(
                "an error occurred while cleaning up resources. original upgrade error: {err}: unable to cleanup resources: {}",
                errors.join(", ")
            )));
        }
    }
    if opts.rollback_on_failure {
        let mut history = locked.history.clone();
        history.push(rel.clone());
        let Some(good) = history
            .iter()
            .filter(|r| matches!(r.status(), Status::Superseded | Status::Deployed))
            .max_by_key(|r| r.version)
        else {
            return Err(Error::Failed(format!(
                "unable to find a previously successful release when attempting to rollback. original upgrade error: {err}"
            )));
        };
        let rollback = crate::rollback::RollbackOptions {
            revision: good.version,
            wait: opts.wait,
            wait_for_jobs: opts.wait_for_jobs,
            timeout: opts.timeout,
            disable_hooks: opts.disable_hooks,
            force_replace: opts.force_replace,
            force_conflicts: opts.force_conflicts,
            server_side: opts.server_side,
            ..crate::rollback::RollbackOptions::new(rel.name.clone())
        };
        if let Err(rerr) = crate::rollback::rollback_locked(ctx, history, &rollback).await {
            return Err(Error::Failed(format!(
                "an error occurred while rolling back the release. original upgrade error: {err}: {rerr}"
            )));
        }
        return Err(Error::Failed(format!(
            "release {} failed, and has been rolled back due to rollback-on-failure being set: {err}",
            rel.name
        )));
    }
    Err(Error::Failed(err.to_string()))
}

/// helm's `reuseValues`.
pub(crate) fn reuse_values(
    opts: &UpgradeOptions,
    chart: &mut Chart,
    current: &Release,
) -> Result<charthouse_goyaml::Map> {
    let mut new_values = opts.values.clone();
    if opts.reset_values {
        return Ok(new_values);
    }
    let old_config = convert::json_to_values(&current.config);
    let mut warnings = Vec::new();
    if opts.reuse_values {
        let old_chart_values = current
            .chart
            .as_ref()
            .and_then(|c| c.values.as_ref())
            .map(convert::json_to_values)
            .unwrap_or_default();
        let mut old = old_config.clone();
        let mut base = old_chart_values;
        charthouse_chart::coalesce_tables(&mut old, &mut base, &mut warnings);
        let mut old_config = old_config;
        charthouse_chart::coalesce_tables(&mut new_values, &mut old_config, &mut warnings);
        chart.values = old;
        return Ok(new_values);
    }
    if opts.reset_then_reuse_values {
        let mut old_config = old_config;
        charthouse_chart::coalesce_tables(&mut new_values, &mut old_config, &mut warnings);
        return Ok(new_values);
    }
    if new_values.is_empty() && !current.config.is_empty() {
        return Ok(old_config);
    }
    Ok(new_values)
}

/// Changes only the status (helm's `recordRelease` of a superseded revision keeps its
/// description).
pub(crate) fn set_status_keep(rel: &mut Release, status: Status) {
    rel.info.get_or_insert_with(Info::default).status = status;
}
