//! `install`: a new release (helm's `pkg/action/install.go`).

use std::collections::{BTreeMap, HashMap};
use std::time::Duration;

use charthouse_chart::Chart;
use charthouse_kube::apply::{self, ApplyOptions};
use charthouse_kube::wait::{self, WaitOptions};
use charthouse_release::{ApplyMethod, GoTime, HookEvent, Info, Release, Status, storage};
use charthouse_render::ReleaseInfo;

use crate::context::Context;
use crate::lock::{self, Locked};
use crate::render::{RenderSettings, render};
use crate::resources::{self, Method};
use crate::{DryRun, Error, Result, convert};

/// What `install` does.
#[derive(Debug, Clone)]
pub struct InstallOptions {
    /// The release name.
    pub name: String,
    /// The loaded chart.
    pub chart: Chart,
    /// User-supplied values (`-f`, `--set`…), already merged.
    pub values: charthouse_goyaml::Map,
    /// `--create-namespace`.
    pub create_namespace: bool,
    /// `--dry-run`.
    pub dry_run: DryRun,
    /// `--description`.
    pub description: Option<String>,
    /// `--labels`.
    pub labels: BTreeMap<String, String>,
    /// `--wait`.
    pub wait: bool,
    /// `--wait-for-jobs`.
    pub wait_for_jobs: bool,
    /// `--timeout` for hooks and waiting.
    pub timeout: Duration,
    /// `--rollback-on-failure` (`--atomic`): uninstall when the install fails.
    pub rollback_on_failure: bool,
    /// `--skip-crds`.
    pub skip_crds: bool,
    /// `--no-hooks`.
    pub disable_hooks: bool,
    /// `--take-ownership`.
    pub take_ownership: bool,
    /// `--force-conflicts`.
    pub force_conflicts: bool,
    /// `--server-side` (true by default, as helm v4).
    pub server_side: bool,
    /// `--replace`: reuse the name of an uninstalled or failed release.
    pub replace: bool,
    /// Rendering switches.
    pub render: RenderSettings,
}

impl InstallOptions {
    /// helm's defaults for installing `chart` as `name`.
    pub fn new(name: impl Into<String>, chart: Chart) -> InstallOptions {
        InstallOptions {
            name: name.into(),
            chart,
            values: charthouse_goyaml::Map::new(),
            create_namespace: false,
            dry_run: DryRun::None,
            description: None,
            labels: BTreeMap::new(),
            wait: false,
            wait_for_jobs: false,
            timeout: Duration::from_secs(300),
            rollback_on_failure: false,
            skip_crds: false,
            disable_hooks: false,
            take_ownership: false,
            force_conflicts: false,
            server_side: true,
            replace: false,
            render: RenderSettings::default(),
        }
    }
}

/// Installs a release.
///
/// # Errors
///
/// Invalid name, name in use, render errors, ownership conflicts, API failures; after
/// the record is written, a failure leaves a `failed` revision (or, with
/// `rollback_on_failure`, uninstalls).
pub async fn install(ctx: &Context, opts: InstallOptions) -> Result<Release> {
    charthouse_release::validate_release_name(&opts.name).map_err(|e| {
        Error::InvalidName(format!(
            "release name check failed: release name {:?}: {e}",
            opts.name
        ))
    })?;
    if opts.dry_run == DryRun::Client {
        return dry_run_client(opts).await;
    }
    if opts.create_namespace && !opts.dry_run.is_dry_run() {
        // Before the lease, which lives in the namespace.
        create_namespace(ctx, &ctx.namespace).await?;
    }
    let locked = lock::lock(ctx, &opts.name, opts.dry_run.is_dry_run()).await?;
    let result = install_locked(ctx, &locked, opts).await;
    locked.release().await;
    result
}

/// Install while the caller holds the release (also `upgrade --install`).
pub(crate) async fn install_locked(
    ctx: &Context,
    locked: &Locked,
    opts: InstallOptions,
) -> Result<Release> {
    let mut revision = 1;
    if let Some(last) = locked.latest() {
        let reusable = matches!(last.status(), Status::Uninstalled | Status::Failed);
        let may_reuse = opts.dry_run.is_dry_run() || (opts.replace && reusable);
        if !may_reuse {
            return Err(Error::NameInUse);
        }
        revision = last.version + 1;
    }
    for key in opts.labels.keys() {
        if storage::is_system_label(key) {
            return Err(Error::Invalid("user supplied labels contains system reserved label name. System labels: [name owner status version createdAt modifiedAt]".to_string()));
        }
    }
    let info = ReleaseInfo {
        name: opts.name.clone(),
        namespace: ctx.namespace.clone(),
        revision,
        is_install: true,
        is_upgrade: false,
    };
    let record_chart = convert::chart_record(&opts.chart)?;
    let crds: Vec<String> = opts
        .chart
        .crd_objects()
        .into_iter()
        .map(|(_, f)| String::from_utf8_lossy(&f.data).into_owned())
        .collect();
    let rendered = render(
        Some(ctx),
        opts.chart.clone(),
        opts.values.clone(),
        info,
        &opts.render,
    )
    .await?;
    let now = GoTime::now();
    let mut rel = Release {
        name: opts.name.clone(),
        namespace: ctx.namespace.clone(),
        chart: Some(record_chart),
        config: convert::values_to_json(&opts.values)?,
        manifest: rendered.manifest.clone(),
        hooks: rendered.hooks.iter().map(convert::hook_record).collect(),
        version: revision,
        labels: opts.labels.clone(),
        apply_method: Some(Method::record(opts.server_side)),
        info: Some(Info {
            first_deployed: Some(now),
            last_deployed: Some(now),
            status: Status::PendingInstall,
            description: "Initial install underway".into(),
            notes: rendered.notes.clone(),
            ..Info::default()
        }),
        ..Release::default()
    };

    // CRDs first, so the chart's custom resources resolve (helm's installCRDs).
    if !opts.skip_crds && !crds.is_empty() && !opts.dry_run.is_dry_run() {
        install_crds(ctx, &crds).await?;
    }
    let mut objects = resources::build(ctx, &rel.manifest, &ctx.namespace)
        .await
        .map_err(|e| {
            Error::Failed(format!(
                "unable to build kubernetes objects from release manifest: {e}"
            ))
        })?;
    resources::set_ownership(&mut objects, &rel.name, &rel.namespace);
    let all: Vec<_> = objects.iter().collect();
    resources::check_new_objects(ctx, &all, &rel.name, &rel.namespace, opts.take_ownership)
        .await
        .map_err(|e| Error::Ownership(format!("unable to continue with install: {e}")))?;
    if opts.dry_run.is_dry_run() {
        set_status(&mut rel, Status::PendingInstall, "Dry run complete");
        return Ok(rel);
    }
    if opts.replace
        && let Some(last) = locked.latest()
    {
        let mut last = last.clone();
        set_status(&mut last, Status::Superseded, "superseded by new release");
        ctx.storage.update(&last).await?;
    }
    ctx.storage.create(&rel).await?;

    let method = if opts.server_side {
        Method::ServerSide {
            force_conflicts: opts.force_conflicts,
        }
    } else {
        Method::ClientSide
    };
    let outcome = perform(ctx, &mut rel, &objects, method, &opts).await;
    match outcome {
        Ok(()) => {
            let description = opts
                .description
                .clone()
                .unwrap_or_else(|| "Install complete".into());
            set_status(&mut rel, Status::Deployed, &description);
            ctx.storage.update(&rel).await?;
            Ok(rel)
        }
        Err(err) => fail(ctx, rel, err, &opts).await,
    }
}

async fn perform(
    ctx: &Context,
    rel: &mut Release,
    objects: &[charthouse_kube::Object],
    method: Method,
    opts: &InstallOptions,
) -> Result<()> {
    if !opts.disable_hooks {
        crate::hooks::run(ctx, rel, HookEvent::PreInstall, opts.timeout)
            .await
            .map_err(|e| Error::Failed(format!("failed pre-install: {e}")))?;
    }
    resources::apply_all(ctx, objects, &HashMap::new(), method, false).await?;
    if opts.wait || opts.wait_for_jobs {
        let refs: Vec<_> = objects.iter().map(|o| o.reference.clone()).collect();
        wait::wait_ready(
            ctx.client(),
            &refs,
            &WaitOptions {
                timeout: opts.timeout,
                wait_for_jobs: opts.wait_for_jobs,
                ..WaitOptions::default()
            },
        )
        .await?;
    }
    if !opts.disable_hooks {
        crate::hooks::run(ctx, rel, HookEvent::PostInstall, opts.timeout)
            .await
            .map_err(|e| Error::Failed(format!("failed post-install: {e}")))?;
    }
    Ok(())
}

/// helm's `failRelease` for installs.
async fn fail(
    ctx: &Context,
    mut rel: Release,
    err: Error,
    opts: &InstallOptions,
) -> Result<Release> {
    let message = format!("Release {:?} failed: {err}", rel.name);
    set_status(&mut rel, Status::Failed, &message);
    if let Err(e) = ctx.storage.update(&rel).await {
        tracing::warn!(error = %e, "recording the failed revision failed");
    }
    if opts.rollback_on_failure {
        let uninstall = crate::uninstall::UninstallOptions {
            timeout: opts.timeout,
            ..crate::uninstall::UninstallOptions::new(rel.name.clone())
        };
        if let Err(uerr) =
            crate::uninstall::uninstall_locked(ctx, vec![rel.clone()], &uninstall).await
        {
            return Err(Error::Failed(format!(
                "an error occurred while uninstalling the release. original install error: {err}: {uerr}"
            )));
        }
        return Err(Error::Failed(format!(
            "release {} failed, and has been uninstalled due to rollback-on-failure being set: {err}",
            rel.name
        )));
    }
    Err(Error::Failed(err.to_string()))
}

/// `--dry-run=client`: render with helm template's defaults, no cluster.
async fn dry_run_client(opts: InstallOptions) -> Result<Release> {
    let info = ReleaseInfo {
        name: opts.name.clone(),
        namespace: String::new(),
        revision: 1,
        is_install: true,
        is_upgrade: false,
    };
    let chart = convert::chart_record(&opts.chart)?;
    let rendered = render(
        None,
        opts.chart.clone(),
        opts.values.clone(),
        info,
        &opts.render,
    )
    .await?;
    let now = GoTime::now();
    Ok(Release {
        name: opts.name.clone(),
        chart: Some(chart),
        config: convert::values_to_json(&opts.values)?,
        manifest: rendered.manifest,
        hooks: rendered.hooks.iter().map(convert::hook_record).collect(),
        version: 1,
        labels: opts.labels,
        apply_method: Some(ApplyMethod::ServerSideApply),
        info: Some(Info {
            first_deployed: Some(now),
            last_deployed: Some(now),
            status: Status::PendingInstall,
            description: "Dry run complete".into(),
            notes: rendered.notes,
            ..Info::default()
        }),
        ..Release::default()
    })
}

async fn install_crds(ctx: &Context, crds: &[String]) -> Result<()> {
    for text in crds {
        let objects = resources::build(ctx, text, "").await?;
        for o in &objects {
            match apply::create(ctx.client(), o, false).await {
                Ok(_) => {}
                Err(e) if e.status_code() == Some(409) => {}
                Err(e) => {
                    return Err(Error::Failed(format!(
                        "failed to install CRD {}: {e}",
                        o.reference.name
                    )));
                }
            }
        }
    }
    ctx.cluster.discovery().invalidate().await;
    Ok(())
}

/// `--create-namespace`: the Namespace with helm's `name` label, left alone if present.
pub(crate) async fn create_namespace(ctx: &Context, namespace: &str) -> Result<()> {
    let manifest = format!(
        "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: {namespace}\n  labels:\n    name: {namespace}\n"
    );
    let objects = resources::build(ctx, &manifest, "").await?;
    for o in &objects {
        if apply::get(ctx.client(), &o.reference).await?.is_none() {
            apply::apply_server_side(ctx.client(), o, ApplyOptions::default()).await?;
        }
    }
    Ok(())
}

pub(crate) fn set_status(rel: &mut Release, status: Status, description: &str) {
    let info = rel.info.get_or_insert_with(Info::default);
    info.status = status;
    info.description = description.to_string();
}
