//! `rollback NAME [REVISION]`: a new revision with the manifest, values and chart of an
//! older (or newer) one (helm's `pkg/action/rollback.go`).

use std::time::Duration;

use charthouse_release::{GoTime, HookEvent, Info, Release, Status, history};

use crate::context::Context;
use crate::install::set_status;
use crate::lock;
use crate::resources::{self, Method};
use crate::upgrade::{Phases, ServerSide, apply_revision, set_status_keep};
use crate::{Error, Result};

/// What `rollback` does.
#[derive(Debug, Clone)]
pub struct RollbackOptions {
    /// The release.
    pub name: String,
    /// The revision to go to; 0 means the one before the newest.
    pub revision: i64,
    /// `--wait`.
    pub wait: bool,
    /// `--wait-for-jobs`.
    pub wait_for_jobs: bool,
    /// `--timeout`.
    pub timeout: Duration,
    /// `--no-hooks`.
    pub disable_hooks: bool,
    /// `--force-replace`.
    pub force_replace: bool,
    /// `--force-conflicts`.
    pub force_conflicts: bool,
    /// `--server-side`.
    pub server_side: ServerSide,
    /// `--cleanup-on-fail`.
    pub cleanup_on_fail: bool,
    /// `--description`.
    pub description: Option<String>,
    /// `--history-max` (0: unlimited).
    pub history_max: usize,
    /// `--dry-run`.
    pub dry_run: bool,
}

impl RollbackOptions {
    /// helm's defaults for rolling `name` back one revision.
    pub fn new(name: impl Into<String>) -> RollbackOptions {
        RollbackOptions {
            name: name.into(),
            revision: 0,
            wait: false,
            wait_for_jobs: false,
            timeout: Duration::from_secs(300),
            disable_hooks: false,
            force_replace: false,
            force_conflicts: false,
            server_side: ServerSide::Auto,
            cleanup_on_fail: false,
            description: None,
            history_max: 10,
            dry_run: false,
        }
    }
}

/// Rolls a release back (or forward) to a revision.
///
/// # Errors
///
/// No such revision, an operation in progress, API failures (recorded as a `failed`
/// revision).
pub async fn rollback(ctx: &Context, opts: RollbackOptions) -> Result<Release> {
    charthouse_release::validate_release_name(&opts.name).map_err(|_| {
        Error::InvalidName(format!(
            "prepareRollback: Release name is invalid: {}",
            opts.name
        ))
    })?;
    if opts.revision < 0 {
        return Err(Error::Invalid("invalid release revision number".into()));
    }
    let locked = lock::lock(ctx, &opts.name, opts.dry_run).await?;
    let result = if locked.history.is_empty() {
        Err(Error::NotFound)
    } else {
        rollback_locked(ctx, locked.history.clone(), &opts).await
    };
    locked.release().await;
    result
}

/// Rollback while the caller holds the release.
pub(crate) async fn rollback_locked(
    ctx: &Context,
    history_now: Vec<Release>,
    opts: &RollbackOptions,
) -> Result<Release> {
    let Some(current) = history::latest(&history_now).cloned() else {
        return Err(Error::NotFound);
    };
    let wanted = if opts.revision == 0 {
        current.version - 1
    } else {
        opts.revision
    };
    let Some(previous) = history_now.iter().find(|r| r.version == wanted).cloned() else {
        return Err(Error::NoSuchRevision { revision: wanted });
    };
    let server_side = opts.server_side.resolve(previous.apply_method.as_ref());
    let description = opts
        .description
        .clone()
        .unwrap_or_else(|| format!("Rollback to {wanted}"));
    let mut target = Release {
        name: current.name.clone(),
        namespace: current.namespace.clone(),
        chart: previous.chart.clone(),
        config: previous.config.clone(),
        manifest: previous.manifest.clone(),
        hooks: previous.hooks.clone(),
        version: current.version + 1,
        labels: previous.labels.clone(),
        apply_method: Some(Method::record(server_side)),
        info: Some(Info {
            first_deployed: current.info.as_ref().and_then(|i| i.first_deployed),
            last_deployed: Some(GoTime::now()),
            status: Status::PendingRollback,
            notes: previous
                .info
                .as_ref()
                .map(|i| i.notes.clone())
                .unwrap_or_default(),
            rollback_revision: wanted,
            description,
            ..Info::default()
        }),
        ..Release::default()
    };
    if opts.dry_run {
        return Ok(target);
    }
    for version in history::revisions_to_prune(&history_now, opts.history_max) {
        ctx.storage
            .delete(&target.namespace, &target.name, version)
            .await?;
    }
    ctx.storage.create(&target).await?;

    let (old, targets) = resources::revision_objects(ctx, &current, &target).await?;
    let method = Method::choose(opts.force_replace, server_side, opts.force_conflicts);
    let outcome = apply_revision(
        ctx,
        &mut target,
        &old,
        &targets,
        method,
        Phases {
            pre: HookEvent::PreRollback,
            post: HookEvent::PostRollback,
            hooks: !opts.disable_hooks,
            wait: opts.wait || opts.wait_for_jobs,
            wait_for_jobs: opts.wait_for_jobs,
            timeout: opts.timeout,
        },
    )
    .await;
    if let Err(err) = outcome {
        let message = format!("Rollback {:?} failed: {err}", target.name);
        let mut superseded = current.clone();
        set_status_keep(&mut superseded, Status::Superseded);
        set_status(&mut target, Status::Failed, &message);
        ctx.storage.update(&superseded).await?;
        ctx.storage.update(&target).await?;
        if opts.cleanup_on_fail {
            let old_keys: std::collections::HashSet<String> = old.iter().map(|o| o.key()).collect();
            let created: Vec<_> = targets
                .iter()
                .filter(|o| !old_keys.contains(&o.key()))
                .cloned()
                .collect();
            let (_, errors) =
                resources::delete_all(ctx, &created, charthouse_kube::apply::Cascade::Background)
                    .await;
            if !errors.is_empty() {
                return Err(Error::Failed(format!(
                    "an error occurred while cleaning up resources. original rollback error: unable to cleanup resources: {}",
                    errors.join(", ")
                )));
            }
        }
        return Err(err);
    }
    for deployed in history_now
        .iter()
        .filter(|r| r.status() == Status::Deployed)
    {
        let mut d = deployed.clone();
        set_status_keep(&mut d, Status::Superseded);
        ctx.storage.update(&d).await?;
    }
    let info = target.info.get_or_insert_with(Info::default);
    info.status = Status::Deployed;
    ctx.storage.update(&target).await?;
    Ok(target)
}
